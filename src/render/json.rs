//! JSON for programs:
//!
//! ```json
//! { "title": "…", "subtitle": "…", "fields": { "户编号": "H0123" },
//!   "tables": [ { "caption": "…", "rows": [ { "amount": "1234.56" } ], "totals": [ … ] } ],
//!   "notes": [ "…" ] }
//! ```
//!
//! Money is a string with two decimals (`"-1234.56"`), never a float; whole numbers are JSON
//! numbers; empty cells are `null`. Objects keep the document's order (fields as printed,
//! row keys in column order).

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::error::Result;
use crate::report::document::{Cell, Document, Row, Table};

use super::write_error;

pub fn render(doc: &Document, out: &mut dyn std::io::Write) -> Result<()> {
    let mut out = std::io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut out, &JsonDocument(doc))
        .map_err(|e| write_error(e.into()))?;
    std::io::Write::write_all(&mut out, b"\n").map_err(write_error)?;
    std::io::Write::flush(&mut out).map_err(write_error)
}

/// The document as a `serde_json::Value`, for callers that embed it in a larger answer.
/// (A `Value` object keeps its keys sorted; [`render`] keeps the document's order.)
pub fn to_value(doc: &Document) -> serde_json::Value {
    serde_json::to_value(JsonDocument(doc)).expect("documents serialize")
}

struct JsonDocument<'a>(&'a Document);

impl Serialize for JsonDocument<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let doc = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("title", &doc.title)?;
        if let Some(sub) = &doc.subtitle {
            m.serialize_entry("subtitle", sub)?;
        }
        m.serialize_entry("fields", &Fields(doc))?;
        let tables: Vec<JsonTable> = doc.tables.iter().map(JsonTable).collect();
        m.serialize_entry("tables", &tables)?;
        m.serialize_entry("notes", &doc.notes)?;
        m.end()
    }
}

struct Fields<'a>(&'a Document);

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for f in &self.0.fields {
            m.serialize_entry(&f.label, &f.value)?;
        }
        // Values printed elsewhere than the header (a notice's policy hash, in its footer).
        for c in self.0.field_columns.iter().filter(|c| !c.in_header) {
            m.serialize_entry(&c.key, &c.value)?;
        }
        m.end()
    }
}

struct JsonTable<'a>(&'a Table);

impl Serialize for JsonTable<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let t = self.0;
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("caption", &t.caption)?;
        m.serialize_entry("rows", &Body(t))?;
        m.serialize_entry("totals", &Rows(t, &t.totals))?;
        m.end()
    }
}

/// A table's body rows, held or made on demand.
struct Body<'a>(&'a Table);

impl Serialize for Body<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.body_len()))?;
        for row in self.0.body() {
            seq.serialize_element(&JsonRow(self.0, &row))?;
        }
        seq.end()
    }
}

struct Rows<'a>(&'a Table, &'a [Row]);

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for row in self.1 {
            seq.serialize_element(&JsonRow(self.0, row))?;
        }
        seq.end()
    }
}

struct JsonRow<'a>(&'a Table, &'a Row);

impl Serialize for JsonRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let (table, row) = (self.0, self.1);
        let mut m = s.serialize_map(Some(table.columns.len()))?;
        for (i, col) in table.columns.iter().enumerate() {
            m.serialize_entry(
                &col.key,
                &JsonCell(row.cells.get(i).unwrap_or(&Cell::Empty)),
            )?;
        }
        m.end()
    }
}

struct JsonCell<'a>(&'a Cell);

impl Serialize for JsonCell<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self.0 {
            Cell::Text(t) => s.serialize_str(t),
            Cell::Money(a) => s.serialize_str(&a.plain()),
            Cell::Int(i) => s.serialize_i64(*i),
            Cell::Empty => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Amount;
    use crate::render::sample;
    use serde_json::{json, Value};

    #[test]
    fn money_is_a_string_and_order_is_kept() {
        let doc = sample::trial_balance();
        let mut out = Vec::new();
        render(&doc, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            v,
            json!({
                "title": "科目余额表",
                "fields": {},
                "tables": [{
                    "caption": null,
                    "rows": [
                        {"account": "102 银行存款", "debit": "1234567.89", "credit": null},
                        {"account": "防返贫专户", "debit": "1000.00", "credit": null},
                        {"account": "241 专项应付款", "debit": null, "credit": "-5.00"}
                    ],
                    "totals": [{"account": "合计", "debit": "1235567.89", "credit": "-5.00"}]
                }],
                "notes": []
            })
        );
        // Keys in column order, money never as a float.
        assert!(text.find("\"account\"").unwrap() < text.find("\"debit\"").unwrap());
        assert!(!text.contains("1234567.89,") && text.contains("\"1234567.89\""));
    }

    #[test]
    fn fields_keep_their_printed_order() {
        let doc = sample::household(1);
        let v = to_value(&doc);
        assert_eq!(v["fields"]["户主姓名"], "王䶮");
        assert_eq!(v["tables"][0]["rows"][0]["people"], 4);
        assert_eq!(v["tables"][0]["rows"][0]["amount"], "123456.78");
        let amount = v["tables"][0]["totals"][0]["amount"].as_str().unwrap();
        assert_eq!(Amount::parse(amount).unwrap(), Amount::from_fen(12_345_678));
        let mut out = Vec::new();
        render(&doc, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let pos = |k: &str| text.find(k).unwrap();
        assert!(pos("户编号") < pos("户主姓名") && pos("户主姓名") < pos("所属村"));
        assert_eq!(v["subtitle"], "程村镇 2024 年度 · 产业收益倾斜分配");
    }
}

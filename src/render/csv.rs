//! CSV for machines: per table, a header of column keys, then one record per body row with
//! money plain (`-1234.56`). Totals rows are left out (a program sums for itself). Several
//! tables are written one after another, separated by an empty line. CSV has no header
//! block: the document's field columns (`Document::field_columns`) follow the table's own
//! columns, their values repeated on every row.

use crate::error::Result;
use crate::report::document::{Cell, Document, FieldColumn, Table};

use super::write_error;

pub fn render(doc: &Document, out: &mut dyn std::io::Write) -> Result<()> {
    // A table without columns has nothing a program could read.
    let tables = doc.tables.iter().filter(|t| !t.columns.is_empty());
    for (i, table) in tables.enumerate() {
        if i > 0 {
            out.write_all(b"\n").map_err(write_error)?;
        }
        write_table(table, &doc.field_columns, &mut *out)?;
    }
    Ok(())
}

fn write_table(
    table: &Table,
    repeated: &[FieldColumn],
    out: &mut dyn std::io::Write,
) -> Result<()> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(out);
    let csv_error = |e: ::csv::Error| match e.into_kind() {
        ::csv::ErrorKind::Io(io) => write_error(io),
        other => write_error(std::io::Error::other(format!("{other:?}"))),
    };
    let keys = table.columns.iter().map(|c| c.key.as_str());
    w.write_record(keys.chain(repeated.iter().map(|f| f.key.as_str())))
        .map_err(csv_error)?;
    for row in table.body() {
        let record =
            (0..table.columns.len()).map(|i| row.cells.get(i).unwrap_or(&Cell::Empty).plain());
        let record = record.chain(repeated.iter().map(|f| f.value.clone()));
        w.write_record(record).map_err(csv_error)?;
    }
    w.flush().map_err(write_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Amount;
    use crate::render::sample;
    use crate::report::document::{Column, Row};

    fn csv_of(doc: &Document) -> String {
        let mut out = Vec::new();
        render(doc, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn keys_then_plain_money_without_totals() {
        assert_eq!(
            csv_of(&sample::trial_balance()),
            "account,debit,credit\n102 银行存款,1234567.89,\n防返贫专户,1000.00,\n241 专项应付款,,-5.00\n"
        );
    }

    #[test]
    fn several_tables_are_separated_by_an_empty_line_and_quoted_when_needed() {
        let mut doc = sample::household(1);
        let mut t = Table {
            columns: vec![
                Column::text("name", "姓名", 1),
                Column::money("amount", "金额"),
            ],
            ..Default::default()
        };
        t.rows.push(Row::new(vec![
            "张三, \"阿三\"".into(),
            Cell::Money(Amount::from_fen(-123456)),
        ]));
        t.rows.push(Row::new(vec!["短行".into()]));
        doc.tables.push(t);
        let text = csv_of(&doc);
        let blocks: Vec<&str> = text.split("\n\n").collect();
        assert_eq!(blocks.len(), 2, "{text}");
        assert!(blocks[0].starts_with("date,fund,memo,amount,people\n2024-01-01,光伏收益,"));
        assert!(blocks[0].ends_with(",123456.78,4"));
        assert!(!text.contains("合计"));
        assert_eq!(
            blocks[1],
            "name,amount\n\"张三, \"\"阿三\"\"\",-1234.56\n短行,\n"
        );
        // Read back with a CSV reader: the same values come out.
        let mut r = ::csv::ReaderBuilder::new().from_reader(blocks[1].as_bytes());
        let rec = r.records().next().unwrap().unwrap();
        assert_eq!(&rec[0], "张三, \"阿三\"");
        assert_eq!(Amount::parse(&rec[1]).unwrap(), Amount::from_fen(-123456));
    }

    #[test]
    fn field_columns_follow_the_table_columns_on_every_row() {
        let doc = sample::trial_balance()
            .field_as_column("run", "批次", "7")
            .field_as_column("published", "公示日期", "2024-12-30");
        assert_eq!(
            csv_of(&doc),
            "account,debit,credit,run,published
\
             102 银行存款,1234567.89,,7,2024-12-30
\
             防返贫专户,1000.00,,7,2024-12-30
\
             241 专项应付款,,-5.00,7,2024-12-30
"
        );
        // Plain fields stay out of CSV.
        let doc = sample::trial_balance().field("期末", "2024-12-31");
        assert!(csv_of(&doc).starts_with(
            "account,debit,credit
"
        ));
    }

    #[test]
    fn a_document_without_tables_writes_nothing() {
        assert_eq!(csv_of(&Document::new("空")), "");
    }
}

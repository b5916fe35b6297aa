//! CSV for machines: per table, a header of column keys, then one record per body row with
//! money plain (`-1234.56`). Totals rows are left out (a program sums for itself). Several
//! tables are written one after another, separated by an empty line. CSV has no header
//! block: the document's field columns (`Document::field_columns`) follow the table's own
//! columns, their values repeated on every row.
//!
//! A spreadsheet opening a CSV runs a cell that starts with `=`, `+`, `-` or `@` (and, in some,
//! a TAB or a carriage return) as a formula: `=HYPERLINK(…)` in a memo, or a masked name
//! `=****)`. Such text cells are written with a `'` in front ([`escape_text`]), which shows the
//! text as it is; numbers stay numbers (`-20.00`, a residual `-0.4567`).

use std::borrow::Cow;

use crate::error::Result;
use crate::report::document::{Cell, Document, FieldColumn, Table};

use super::write_error;

/// Whether a text starting with `c` is read as a formula by a spreadsheet.
fn starts_formula(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// A text cell as a spreadsheet may open it: a text starting with `=`, `+`, `-`, `@`, TAB or
/// CR gets a `'` in front, and so does one that starts with `'` followed by one of those or
/// by another `'` (so that [`unescape_text`] gives back exactly the text: `=x` → `'=x`,
/// `'=x` → `''=x`; `'abc` stays `'abc`).
pub fn escape_text(text: &str) -> Cow<'_, str> {
    let mut chars = text.chars();
    let escape = match chars.next() {
        Some('\'') => chars.next().is_some_and(|c| c == '\'' || starts_formula(c)),
        Some(c) => starts_formula(c),
        None => false,
    };
    if escape {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The text a cell written by [`escape_text`] holds: one leading `'` taken off when the next
/// character is `=`, `+`, `-`, `@`, `'`, TAB or CR (`'=x` → `=x`, `''=x` → `'=x`); any other
/// text as it is (`'abc`).
pub fn unescape_text(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(|c| c == '\'' || starts_formula(c)) => rest,
        _ => cell,
    }
}

/// Whether a text cell holds a plain decimal number (`-0.4567`, `12`, `+3.5`): a spreadsheet
/// reads it as that number, never as a formula, so it is written as it is.
fn is_plain_number(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && all_digits(fraction)
}

/// A document's text cell as written: escaped unless it is a plain number.
fn text_cell(text: &str) -> Cow<'_, str> {
    if is_plain_number(text) {
        Cow::Borrowed(text)
    } else {
        escape_text(text)
    }
}

/// A cell as written: money and counts plain, text escaped ([`text_cell`]).
fn cell_text(cell: &Cell) -> Cow<'_, str> {
    match cell {
        Cell::Text(t) => text_cell(t),
        other => Cow::Owned(other.plain()),
    }
}

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
            (0..table.columns.len()).map(|i| cell_text(row.cells.get(i).unwrap_or(&Cell::Empty)));
        let record = record.chain(repeated.iter().map(|f| text_cell(&f.value)));
        let record = record.map(|c| match c {
            Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
            Cow::Owned(s) => Cow::Owned(s.into_bytes()),
        });
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
    fn text_a_spreadsheet_would_run_gets_a_quote_and_numbers_stay_numbers() {
        let mut doc = Document::new("x");
        let mut t = Table {
            columns: vec![
                Column::text("memo", "摘要", 3),
                Column::money("amount", "金额"),
                Column::text("residual", "尾差", 1),
            ],
            ..Default::default()
        };
        for memo in [
            "=HYPERLINK(\"http://x\",\"点击\")",
            "+1",
            "-abc",
            "@SUM(A1:A2)",
            "\tx",
            "\rx",
            "'=x",
            "''x",
            "'abc",
            "程村蚝分红",
            "=****)",
        ] {
            t.rows.push(Row::new(vec![
                memo.into(),
                Cell::Money(Amount::from_fen(-2000)),
                "-0.4567".into(),
            ]));
        }
        doc.tables.push(t);
        let doc = doc.field_as_column("published", "公示日期", "=1+1");
        assert_eq!(
            csv_of(&doc),
            "memo,amount,residual,published\n\
             \"'=HYPERLINK(\"\"http://x\"\",\"\"点击\"\")\",-20.00,-0.4567,'=1+1\n\
             +1,-20.00,-0.4567,'=1+1\n\
             '-abc,-20.00,-0.4567,'=1+1\n\
             '@SUM(A1:A2),-20.00,-0.4567,'=1+1\n\
             '\tx,-20.00,-0.4567,'=1+1\n\
             \"'\rx\",-20.00,-0.4567,'=1+1\n\
             ''=x,-20.00,-0.4567,'=1+1\n\
             '''x,-20.00,-0.4567,'=1+1\n\
             'abc,-20.00,-0.4567,'=1+1\n\
             程村蚝分红,-20.00,-0.4567,'=1+1\n\
             '=****),-20.00,-0.4567,'=1+1\n"
        );
    }

    #[test]
    fn escaping_is_undone_exactly() {
        for text in [
            "", "'", "''", "=", "=x", "'=x", "''=x", "'''=x", "+1", "-abc", "@SUM", "\tx", "\rx",
            "'\tx", "'abc", "''abc", "a=b", "程村", "'程村", "-20.00",
        ] {
            let escaped = escape_text(text);
            assert_eq!(unescape_text(&escaped), text, "{text:?} → {escaped:?}");
            let first = escaped.chars().next();
            assert!(
                !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')),
                "{text:?} → {escaped:?}"
            );
        }
        assert_eq!(escape_text("'=x"), "''=x");
        assert_eq!(escape_text("'abc"), "'abc");
        assert_eq!(unescape_text("'=x"), "=x");
        assert_eq!(unescape_text("''=x"), "'=x");
        assert_eq!(unescape_text("'abc"), "'abc");
    }

    #[test]
    fn plain_numbers_are_recognised() {
        for n in ["0", "12", "-0.4567", "+3.5", "1234.56"] {
            assert!(is_plain_number(n), "{n}");
        }
        for t in [
            "", "-", "+", "1.", ".5", "-1+1", "1e5", "-1,000", "-x", "1.2.3", "- 1",
        ] {
            assert!(!is_plain_number(t), "{t}");
        }
    }

    #[test]
    fn a_document_without_tables_writes_nothing() {
        assert_eq!(csv_of(&Document::new("空")), "");
    }
}

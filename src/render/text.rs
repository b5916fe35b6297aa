//! Aligned plain text for terminals.
//!
//! Columns are measured in display columns (a Chinese character takes two), money is grouped
//! and right-aligned, nested rows are indented two spaces per level, and totals sit under a
//! rule. Output is deterministic: tests compare it character for character.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write as _;

use unicode_width::UnicodeWidthStr;

use crate::error::Result;
use crate::report::document::{Align, Cell, Document, Lang, Row, Table};

use super::{indent_column, write_error};

/// Spaces between columns.
const GAP: &str = "  ";

pub fn render(doc: &Document, out: &mut dyn std::io::Write) -> Result<()> {
    // Line by line, so that a table of any length is never held as text.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    let mut failed = None;
    each_line(doc, &mut |line| {
        if failed.is_none() {
            if let Err(e) = out
                .write_all(line.as_bytes())
                .and_then(|()| out.write_all(b"\n"))
            {
                failed = Some(e);
            }
        }
    });
    match failed {
        Some(e) => Err(write_error(e)),
        None => out.flush().map_err(write_error),
    }
}

/// The document as text, lines ending in `\n`, no trailing spaces.
pub fn to_string(doc: &Document) -> String {
    let mut s = String::new();
    each_line(doc, &mut |line| {
        s.push_str(line);
        s.push('\n');
    });
    s
}

/// Each line of the document, without trailing spaces.
fn each_line(doc: &Document, emit: &mut dyn FnMut(&str)) {
    let mut line = |l: &str| emit(l.trim_end());
    line(&one_line(&doc.title));
    if let Some(sub) = &doc.subtitle {
        line(&one_line(sub));
    }
    if !doc.fields.is_empty() {
        line("");
        let sep = label_separator(doc.lang);
        for f in &doc.fields {
            line(&format!(
                "{}{sep}{}",
                one_line(&f.label),
                one_line(&f.value)
            ));
        }
    }
    for table in &doc.tables {
        line("");
        if let Some(caption) = &table.caption {
            line(&one_line(caption));
        }
        table_lines(table, &mut line);
    }
    if !doc.notes.is_empty() {
        line("");
        for n in &doc.notes {
            line(&one_line(n));
        }
    }
    if !doc.signatures.is_empty() {
        line("");
        line(&signature_line(doc));
    }
    if !doc.seals.is_empty() {
        // Each body's name over its date line, side by side; the seal goes between them.
        let date = seal_date_line(doc.lang);
        let width = doc
            .seals
            .iter()
            .map(|s| one_line(s).width())
            .chain([date.width()])
            .max()
            .unwrap_or(0)
            + 4;
        let pad = |s: &str| format!("{s}{}", " ".repeat(width.saturating_sub(s.width())));
        let names: Vec<String> = doc.seals.iter().map(|s| pad(&one_line(s))).collect();
        let dates: Vec<String> = doc.seals.iter().map(|_| pad(date)).collect();
        line("");
        line(names.concat().trim_end());
        line("");
        line(dates.concat().trim_end());
    }
    if let Some(footer) = &doc.footer {
        line("");
        line(&one_line(footer));
    }
}

/// `经办人：________   审核人：________` (or `Prepared by: ________` in English documents).
pub(crate) fn signature_line(doc: &Document) -> String {
    let sep = label_separator(doc.lang);
    doc.signatures
        .iter()
        .map(|s| format!("{}{sep}________", one_line(s)))
        .collect::<Vec<_>>()
        .join("   ")
}

/// The line under a seal for the date it was signed, written by hand.
pub(crate) fn seal_date_line(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "______年____月____日",
        Lang::En => "Date: ____-____-____",
    }
}

/// `：` between a label and its value in Chinese documents, `: ` in English ones.
pub(crate) fn label_separator(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "：",
        Lang::En => ": ",
    }
}

/// Tabs and line breaks become spaces so one value stays on one line.
fn one_line(s: &str) -> String {
    one_line_cow(s).into_owned()
}

/// [`one_line`], borrowing `s` when it has no control character (the usual case).
fn one_line_cow(s: &str) -> Cow<'_, str> {
    // Control characters are C0 and DEL (one byte each) and C1 (0xC2 0x80–0x9F); a 0xC2
    // byte only sends the text the slow way.
    if !s.bytes().any(|b| b < 0x20 || b == 0x7f || b == 0xc2) {
        return Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .into()
}

/// The display text of a cell in a table body (indented by its row's depth in the
/// [`indent_column`]).
fn cell_text(row: &Row, col: usize, indent_col: usize) -> Cow<'_, str> {
    let text = match row.cells.get(col).unwrap_or(&Cell::Empty) {
        Cell::Text(t) => one_line_cow(t),
        cell => Cow::Owned(one_line(&cell.display())),
    };
    if col == indent_col && row.indent > 0 {
        Cow::Owned(format!("{}{text}", "  ".repeat(usize::from(row.indent))))
    } else {
        text
    }
}

fn cell_align(row: &Row, col: usize, column_align: Align) -> Align {
    match row.cells.get(col) {
        Some(Cell::Money(_)) => Align::Right,
        _ => column_align,
    }
}

fn table_lines(table: &Table, line: &mut dyn FnMut(&str)) {
    let n = table.columns.len();
    if n == 0 {
        return;
    }
    let indent_col = indent_column(table);
    let mut widths: Vec<usize> = table
        .columns
        .iter()
        .map(|c| one_line(&c.title).width())
        .collect();
    let mut measure = |row: &Row| {
        for (col, w) in widths.iter_mut().enumerate() {
            *w = (*w).max(cell_text(row, col, indent_col).width());
        }
    };
    let widest = table
        .more
        .0
        .as_ref()
        .filter(|s| !s.is_empty())
        .map(|s| s.widest());
    match widest {
        Some(Some(widest)) => {
            table.rows.iter().for_each(&mut measure);
            measure(&widest);
        }
        _ => table.body().for_each(|row| measure(&row)),
    }
    table.totals.iter().for_each(&mut measure);
    let total_width = widths.iter().sum::<usize>() + GAP.len() * (n - 1);
    let rule = "-".repeat(total_width);

    let header: Vec<(String, Align)> = table
        .columns
        .iter()
        .map(|c| (one_line(&c.title), c.align))
        .collect();
    line(&join_cells(&header, &widths));
    line(&rule);
    let mut after_plain = false;
    for row in table.body() {
        if row.strong && after_plain {
            line(&rule);
        }
        after_plain = !row.strong;
        line(&row_line(table, &row, &widths));
    }
    if !table.totals.is_empty() {
        line(&rule);
        for row in &table.totals {
            line(&row_line(table, row, &widths));
        }
    }
}

fn row_line(table: &Table, row: &Row, widths: &[usize]) -> String {
    let indent_col = indent_column(table);
    let cells: Vec<(Cow<'_, str>, Align)> = table
        .columns
        .iter()
        .enumerate()
        .map(|(col, c)| {
            let text = cell_text(row, col, indent_col);
            (text, cell_align(row, col, c.align))
        })
        .collect();
    join_cells(&cells, widths)
}

fn join_cells<S: AsRef<str>>(cells: &[(S, Align)], widths: &[usize]) -> String {
    let mut line = String::with_capacity(widths.iter().sum::<usize>() + 2 * widths.len());
    for (i, ((text, align), &w)) in cells.iter().zip(widths).enumerate() {
        if i > 0 {
            line.push_str(GAP);
        }
        let text = text.as_ref();
        let pad = w.saturating_sub(text.width());
        let (left, right) = match align {
            Align::Left => (0, pad),
            Align::Right => (pad, 0),
            Align::Center => (pad / 2, pad - pad / 2),
        };
        let _ = write!(line, "{:left$}{text}{:right$}", "", "");
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Amount;
    use crate::render::sample;
    use crate::report::document::Column;

    #[test]
    fn trial_balance_aligns_chinese_by_display_width() {
        let text = to_string(&sample::trial_balance());
        let expected = "\
科目余额表

科目                    借方   贷方
-----------------------------------
102 银行存款    1,234,567.89
  防返贫专户        1,000.00
241 专项应付款                -5.00
-----------------------------------
合计            1,235,567.89  -5.00
";
        assert_eq!(text, expected);
        // Every table line has the same display width (trailing blanks trimmed aside).
        for line in text.lines().filter(|l| l.contains(".00")) {
            assert!(line.ends_with(".89") || line.ends_with(".00"), "{line}");
        }
    }

    #[test]
    fn statement_prints_title_fields_notes_and_signatures() {
        let doc = sample::household(2);
        let text = to_string(&doc);
        assert!(text.starts_with("农户收益分配明细单\n程村镇 2024 年度 · 产业收益倾斜分配\n\n户编号：H0123\n户主姓名：王䶮\n"));
        assert!(text.contains("\n分配明细\n日期"));
        assert!(text.contains("经办人：________   审核人：________\n"));
        assert!(text.contains("合计金额（大写）：人民币"));
        assert!(text.ends_with("townledger · 链哈希 3fa9c2e1\n"));
        // Amount column right-aligned: every amount ends at the same display column.
        let table = &doc.tables[0];
        let amounts = table
            .rows
            .iter()
            .chain(&table.totals)
            .map(|r| r.cells[3].display());
        let ends: Vec<usize> = amounts
            .map(|a| {
                let line = text.lines().find(|l| l.contains(&a)).unwrap();
                line[..line.find(&a).unwrap() + a.len()].width()
            })
            .collect();
        assert_eq!(ends.len(), 3);
        assert!(ends.windows(2).all(|w| w[0] == w[1]), "{ends:?}\n{text}");
        assert!(
            text.contains("123,456.78") && text.contains("247,913.59"),
            "{text}"
        );
        assert!(text.contains("\n合计 "));
        assert!(!text.lines().any(|l| l.ends_with(' ')));
    }

    #[test]
    fn after_a_code_column_the_name_is_indented() {
        let mut doc = Document::new("试算平衡表");
        let mut t = Table {
            columns: vec![
                Column::text("code", "科目代码", 1),
                Column::text("account", "账户", 5),
                Column::money("balance", "余额"),
            ],
            ..Default::default()
        };
        t.rows.push(Row::new(vec![
            "102".into(),
            "银行存款".into(),
            Cell::Money(Amount::from_fen(100)),
        ]));
        let mut sub = Row::new(vec![
            "10201".into(),
            "防返贫专户".into(),
            Cell::Money(Amount::from_fen(100)),
        ]);
        sub.indent = 1;
        t.rows.push(sub);
        doc.tables.push(t);
        let text = to_string(&doc);
        assert!(text.contains("\n10201       防返贫专户  1.00\n"), "{text}");
        assert!(text.contains("\n102       银行存款      1.00\n"), "{text}");
    }

    #[test]
    fn strong_rows_follow_a_rule_and_control_chars_become_spaces() {
        let mut doc = Document::new("T");
        doc.lang = Lang::En;
        doc.signatures = vec!["Prepared by".into()];
        let mut t = Table {
            columns: vec![
                Column::text("a", "A", 1),
                Column::new("b", "B", Align::Center, 1),
            ],
            ..Default::default()
        };
        t.rows.push(Row::new(vec!["x\ty".into(), "c".into()]));
        let mut s = Row::new(vec!["sum".into(), Cell::Money(Amount::from_fen(100))]);
        s.strong = true;
        t.rows.push(s);
        doc.tables.push(t);
        let text = to_string(&doc);
        assert_eq!(
            text,
            "T\n\nA     B\n---------\nx y   c\n---------\nsum  1.00\n\nPrepared by: ________\n"
        );
    }
}

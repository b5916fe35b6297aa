//! Excel workbook: one worksheet with the title block, then each table (caption, bold header,
//! body, totals under a rule), then the notes. Money cells are numbers formatted `#,##0.00`
//! so clerks can sum and filter them; columns are fitted to their content.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format as CellFormat, FormatBorder, Workbook, Worksheet,
    XlsxError,
};
use unicode_width::UnicodeWidthStr;

use crate::error::{Error, Result};
use crate::money::Amount;
use crate::report::document::{Align, Cell, Document, Row, Table};

use super::{indent_column, write_error, RenderOptions};

/// Widest a fitted column gets, in character widths.
const MAX_COLUMN_WIDTH: usize = 60;

pub fn render(doc: &Document, out: &mut dyn std::io::Write, opts: &RenderOptions) -> Result<()> {
    let bytes = to_bytes(doc, opts)?;
    out.write_all(&bytes).map_err(write_error)
}

fn xlsx_error(e: XlsxError) -> Error {
    Error::io("XLSX output", std::io::Error::other(e.to_string()))
}

/// Excel wants a number. This is the one place where money leaves integer fen: fen / 100 as
/// f64 is exact to the fen for any amount below 2^53 fen (about 9 × 10^13 yuan), far beyond a
/// town's books, and Excel displays it through the `#,##0.00` format. Sums computed in Excel
/// are Excel's own; the ledger's figures are the ones printed in the other formats.
fn money_to_excel(a: Amount) -> f64 {
    a.fen() as f64 / 100.0
}

struct Formats {
    title: CellFormat,
    subtitle: CellFormat,
    label: CellFormat,
    caption: CellFormat,
    header: [CellFormat; 3],
    text: [CellFormat; 3],
    money: CellFormat,
    int: CellFormat,
}

impl Formats {
    fn new() -> Self {
        let aligned = |f: CellFormat, align: Align| match align {
            Align::Left => f.set_align(rust_xlsxwriter::FormatAlign::Left),
            Align::Right => f.set_align(rust_xlsxwriter::FormatAlign::Right),
            Align::Center => f.set_align(rust_xlsxwriter::FormatAlign::Center),
        };
        let aligns = [Align::Left, Align::Right, Align::Center];
        let header_base = CellFormat::new()
            .set_bold()
            .set_background_color(0xE8E8E8)
            .set_border_top(FormatBorder::Thin)
            .set_border_bottom(FormatBorder::Thin);
        Formats {
            title: CellFormat::new().set_bold().set_font_size(14),
            subtitle: CellFormat::new().set_font_color(0x555555),
            label: CellFormat::new().set_font_color(0x555555),
            caption: CellFormat::new().set_bold(),
            header: aligns.map(|a| aligned(header_base.clone(), a)),
            text: aligns.map(|a| aligned(CellFormat::new(), a)),
            money: CellFormat::new().set_num_format("#,##0.00"),
            int: CellFormat::new().set_num_format("0"),
        }
    }
}

fn align_index(a: Align) -> usize {
    match a {
        Align::Left => 0,
        Align::Right => 1,
        Align::Center => 2,
    }
}

/// Row styling: strong and totals rows are bold; the first totals row has a rule above.
#[derive(Clone, Copy)]
struct RowStyle {
    bold: bool,
    rule_above: bool,
}

fn styled(f: &CellFormat, style: RowStyle, indent: u8) -> CellFormat {
    let mut f = f.clone();
    if style.bold {
        f = f.set_bold();
    }
    if style.rule_above {
        f = f.set_border_top(FormatBorder::Thin);
    }
    if indent > 0 {
        f = f.set_indent(indent);
    }
    f
}

/// Sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    let name: String = title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') && !c.is_control())
        .take(31)
        .collect();
    let name = name.trim().trim_matches('\'').to_string();
    if name.is_empty() {
        "Sheet1".to_string()
    } else {
        name
    }
}

/// The most text an Excel cell holds, in UTF-16 code units (as Excel and `rust_xlsxwriter`
/// count).
pub const MAX_CELL_TEXT: usize = 32_767;

/// Refuse, naming the cell, a text longer than an Excel cell holds: the document's own data
/// (a memo pasted whole …), so a rule error rather than a failure to write.
fn check_text_lengths(doc: &Document) -> Result<()> {
    let too_long = |text: &str| text.encode_utf16().count() > MAX_CELL_TEXT;
    let refuse = |place: String, text: &str| {
        Err(Error::rule(format!(
            "XLSX: {place} has {} characters; an Excel cell holds at most 32767 (write CSV, JSON or PDF instead)",
            text.chars().count()
        )))
    };
    for (place, text) in [
        ("the title", Some(&doc.title)),
        ("the subtitle", doc.subtitle.as_ref()),
    ]
    .into_iter()
    .chain([("the footer", doc.footer.as_ref())])
    {
        if let Some(text) = text.filter(|t| too_long(t)) {
            return refuse(place.to_string(), text);
        }
    }
    for f in &doc.fields {
        let name = || f.label.chars().take(40).collect::<String>();
        if too_long(&f.label) {
            return refuse(format!("the label of the field {}", name()), &f.label);
        }
        if too_long(&f.value) {
            return refuse(format!("the field {}", name()), &f.value);
        }
    }
    for (i, note) in doc.notes.iter().enumerate() {
        if too_long(note) {
            return refuse(format!("note {}", i + 1), note);
        }
    }
    let sep = super::text::label_separator(doc.lang);
    for (i, signature) in doc.signatures.iter().enumerate() {
        let written = format!("{signature}{sep}");
        if too_long(&written) {
            return refuse(format!("signature line {}", i + 1), &written);
        }
    }
    for (i, seal) in doc.seals.iter().enumerate() {
        if too_long(seal) {
            return refuse(format!("seal {}", i + 1), seal);
        }
    }
    for (ti, table) in doc.tables.iter().enumerate() {
        let table_name = format!(
            "table {} ({})",
            ti + 1,
            table.caption.as_deref().unwrap_or("untitled")
        );
        if let Some(caption) = table.caption.as_deref().filter(|c| too_long(c)) {
            return refuse(format!("the caption of table {}", ti + 1), caption);
        }
        for col in &table.columns {
            if too_long(&col.title) {
                return refuse(
                    format!("{table_name}, the title of column {}", col.key),
                    &col.title,
                );
            }
        }
        let body = table.rows.iter().enumerate().map(|(i, r)| ("row", i, r));
        let totals = table
            .totals
            .iter()
            .enumerate()
            .map(|(i, r)| ("totals row", i, r));
        for (kind, ri, row) in body.chain(totals) {
            for (ci, cell) in row.cells.iter().enumerate() {
                let Cell::Text(text) = cell else { continue };
                if !too_long(text) {
                    continue;
                }
                let column = table.columns.get(ci).map_or("?", |c| c.title.as_str());
                let label = row
                    .label
                    .as_deref()
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default();
                return refuse(
                    format!("{table_name}, {kind} {}{label}, column {column}", ri + 1),
                    text,
                );
            }
        }
    }
    Ok(())
}

/// The workbook as bytes. A text longer than an Excel cell holds is refused first
/// (`Error::Rule`, naming the cell).
pub fn to_bytes(doc: &Document, opts: &RenderOptions) -> Result<Vec<u8>> {
    check_text_lengths(doc)?;
    build(doc, opts).map_err(xlsx_error)
}

fn build(doc: &Document, opts: &RenderOptions) -> std::result::Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let created = opts.created.naive_utc();
    use chrono::{Datelike, Timelike};
    let when = ExcelDateTime::from_ymd(
        created.year().clamp(1900, 9999) as u16,
        created.month() as u8,
        created.day() as u8,
    )?
    .and_hms(
        created.hour() as u16,
        created.minute() as u8,
        created.second(),
    )?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(&doc.title)
            .set_creation_datetime(&when),
    );
    let fm = Formats::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(&doc.title))?;

    let mut widths: Vec<usize> = Vec::new();
    let mut fit = |col: u16, text: &str| {
        let col = usize::from(col);
        if widths.len() <= col {
            widths.resize(col + 1, 8);
        }
        widths[col] = widths[col].max(text.width() + 2).min(MAX_COLUMN_WIDTH);
    };

    let mut r: u32 = 0;
    ws.write_string_with_format(r, 0, &doc.title, &fm.title)?;
    ws.set_row_height(r, 22)?;
    r += 1;
    if let Some(sub) = &doc.subtitle {
        ws.write_string_with_format(r, 0, sub, &fm.subtitle)?;
        r += 1;
    }
    if !doc.fields.is_empty() {
        r += 1;
        for f in &doc.fields {
            ws.write_string_with_format(r, 0, &f.label, &fm.label)?;
            ws.write_string(r, 1, &f.value)?;
            fit(0, &f.label);
            fit(1, &f.value);
            r += 1;
        }
    }
    for table in &doc.tables {
        r += 1;
        r = write_table(ws, &fm, table, r, &mut fit)?;
    }
    if !doc.notes.is_empty() {
        r += 1;
        for note in &doc.notes {
            ws.write_string(r, 0, note)?;
            r += 1;
        }
    }
    if !doc.signatures.is_empty() {
        r += 1;
        let sep = super::text::label_separator(doc.lang);
        for (i, s) in doc.signatures.iter().enumerate() {
            ws.write_string(r, (i * 2) as u16, format!("{s}{sep}"))?;
        }
        r += 1;
    }
    if !doc.seals.is_empty() {
        // Each body's name, room for its seal, and the date line under it.
        r += 1;
        let date = super::text::seal_date_line(doc.lang);
        for (i, s) in doc.seals.iter().enumerate() {
            ws.write_string(r, (i * 2) as u16, s)?;
            ws.write_string(r + 4, (i * 2) as u16, date)?;
        }
        r += 5;
    }
    if let Some(footer) = &doc.footer {
        r += 1;
        ws.write_string_with_format(r, 0, footer, &fm.label)?;
    }
    for (col, w) in widths.iter().enumerate() {
        ws.set_column_width(col as u16, *w as f64)?;
    }
    wb.save_to_buffer()
}

fn write_table(
    ws: &mut Worksheet,
    fm: &Formats,
    table: &Table,
    mut r: u32,
    fit: &mut impl FnMut(u16, &str),
) -> std::result::Result<u32, XlsxError> {
    if let Some(caption) = &table.caption {
        ws.write_string_with_format(r, 0, caption, &fm.caption)?;
        r += 1;
    }
    for (c, col) in table.columns.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(r, c, &col.title, &fm.header[align_index(col.align)])?;
        fit(c, &col.title);
    }
    r += 1;
    let body = table.rows.iter().map(|row| {
        (
            row,
            RowStyle {
                bold: row.strong,
                rule_above: false,
            },
        )
    });
    let totals = table.totals.iter().enumerate().map(|(i, row)| {
        (
            row,
            RowStyle {
                bold: true,
                rule_above: i == 0,
            },
        )
    });
    for (row, style) in body.chain(totals) {
        write_row(ws, fm, table, row, style, r, fit)?;
        r += 1;
    }
    Ok(r)
}

fn write_row(
    ws: &mut Worksheet,
    fm: &Formats,
    table: &Table,
    row: &Row,
    style: RowStyle,
    r: u32,
    fit: &mut impl FnMut(u16, &str),
) -> std::result::Result<(), XlsxError> {
    for (c, col) in table.columns.iter().enumerate() {
        let cell = row.cells.get(c).unwrap_or(&Cell::Empty);
        let indent = if c == indent_column(table) {
            row.indent
        } else {
            0
        };
        let c = c as u16;
        match cell {
            Cell::Text(t) => {
                let f = styled(&fm.text[align_index(col.align)], style, indent);
                ws.write_string_with_format(r, c, t, &f)?;
                fit(c, &format!("{}{t}", "  ".repeat(usize::from(indent))));
            }
            Cell::Money(a) => {
                let f = styled(&fm.money, style, 0);
                ws.write_number_with_format(r, c, money_to_excel(*a), &f)?;
                fit(c, &a.grouped());
            }
            Cell::Int(i) => {
                let f = styled(&fm.int, style, 0);
                // Counts (people, households) are far below 2^53: exact as f64.
                ws.write_number_with_format(r, c, *i as f64, &f)?;
                fit(c, &i.to_string());
            }
            Cell::Empty => {
                if style.bold || style.rule_above {
                    ws.write_blank(r, c, &styled(&fm.text[0], style, 0))?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::sample;
    use calamine::{Data, Reader, Xlsx};

    fn read_back(doc: &Document) -> (String, calamine::Range<Data>) {
        let bytes = to_bytes(doc, &RenderOptions::default()).unwrap();
        let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let name = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&name).unwrap();
        (name, range)
    }

    fn find(range: &calamine::Range<Data>, text: &str) -> (usize, usize) {
        range
            .used_cells()
            .find(|(_, _, d)| matches!(d, Data::String(s) if s == text))
            .map(|(r, c, _)| (r, c))
            .unwrap_or_else(|| panic!("{text} not in sheet"))
    }

    #[test]
    fn statement_reads_back_with_numbers_for_money() {
        let doc = sample::household(3);
        let (name, range) = read_back(&doc);
        assert_eq!(name, "农户收益分配明细单");
        assert_eq!(
            range.get_value((0, 0)),
            Some(&Data::String(doc.title.clone()))
        );
        let (r, c) = find(&range, "户主姓名");
        assert_eq!(range.get((r, c + 1)), Some(&Data::String("王䶮".into())));
        let (hr, hc) = find(&range, "金额（元）");
        assert_eq!(range.get((hr + 1, hc)), Some(&Data::Float(123_456.78)));
        assert_eq!(range.get((hr + 1, hc + 1)), Some(&Data::Float(4.0)));
        // Totals row after the body: the exact fen sum, as Excel sees it.
        let (tr, _) = find(&range, "合计");
        assert_eq!(tr, hr + 4);
        let total: i64 = doc.tables[0]
            .rows
            .iter()
            .map(|r| match r.cells[3] {
                Cell::Money(a) => a.fen(),
                _ => 0,
            })
            .sum();
        match range.get((tr, hc)) {
            Some(Data::Float(f)) => assert_eq!((f * 100.0).round() as i64, total),
            other => panic!("{other:?}"),
        }
        let words = Amount::from_fen(total).chinese_capitals();
        assert_eq!(words, "叁拾柒万叁仟叁佰柒拾元肆角叁分");
        find(&range, &format!("合计金额（大写）：人民币{words}"));
    }

    #[test]
    fn text_that_looks_like_a_formula_is_written_as_text() {
        let mut doc = sample::household(2);
        doc.tables[0].rows[0].cells[2] = Cell::text("=HYPERLINK(\"http://x\",\"点击\")");
        doc.tables[0].rows[1].cells[2] = Cell::text("@SUM(A1:A9)");
        doc = doc.field("户主姓名", "=****)");
        let bytes = to_bytes(&doc, &RenderOptions::default()).unwrap();
        let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let name = wb.sheet_names()[0].clone();
        let formulas = wb.worksheet_formula(&name).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "no formulas: {formulas:?}"
        );
        let range = wb.worksheet_range(&name).unwrap();
        find(&range, "=HYPERLINK(\"http://x\",\"点击\")");
        find(&range, "@SUM(A1:A9)");
        find(&range, "=****)");
    }

    #[test]
    fn a_text_longer_than_a_cell_holds_is_refused_naming_the_cell() {
        let mut doc = sample::household(3);
        doc.tables[0].rows[1].cells[2] = Cell::text("长".repeat(MAX_CELL_TEXT + 1));
        doc.tables[0].rows[1].label = Some("household H0003".into());
        let err = to_bytes(&doc, &RenderOptions::default()).unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert_eq!(
            err.to_string(),
            "XLSX: table 1 (分配明细), row 2 (household H0003), column 摘要 has 32768 characters; \
             an Excel cell holds at most 32767 (write CSV, JSON or PDF instead)"
        );
        // Exactly as many as a cell holds is written; a character outside the BMP counts twice,
        // as Excel counts.
        doc.tables[0].rows[1].cells[2] = Cell::text("长".repeat(MAX_CELL_TEXT));
        to_bytes(&doc, &RenderOptions::default()).unwrap();
        doc.tables[0].rows[1].cells[2] = Cell::text("𠀀".repeat(MAX_CELL_TEXT / 2 + 1));
        assert!(to_bytes(&doc, &RenderOptions::default()).is_err());
        let mut doc = sample::household(1);
        doc.notes.push("x".repeat(40_000));
        assert!(to_bytes(&doc, &RenderOptions::default())
            .unwrap_err()
            .to_string()
            .starts_with("XLSX: note "));
    }

    #[test]
    fn sheet_names_are_made_valid() {
        assert_eq!(sheet_name("a/b:c*?[d]"), "abcd");
        assert_eq!(sheet_name(""), "Sheet1");
        assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
    }

    #[test]
    fn output_is_deterministic() {
        let doc = sample::trial_balance();
        let opts = RenderOptions::default();
        assert_eq!(
            to_bytes(&doc, &opts).unwrap(),
            to_bytes(&doc, &opts).unwrap()
        );
        let (_, range) = read_back(&doc);
        assert_eq!(range.get_value((3, 1)), Some(&Data::Float(1_234_567.89)));
        assert_eq!(range.get_value((5, 2)), Some(&Data::Float(-5.0)));
    }
}

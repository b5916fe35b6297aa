//! Renderers: draw any [`Document`] as text, CSV, JSON, XLSX or PDF.
//!
//! A renderer knows nothing about which report it draws; reports build a [`Document`] and call
//! [`render`]. Money stays exact all the way: grouped or plain text everywhere, and a number
//! only in Excel, where the workbook needs one.

pub mod csv;
pub mod font;
pub mod json;
pub mod pdf;
pub mod text;
pub mod xlsx;

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};

use crate::error::{Error, Result};
use crate::report::document::{Cell, Document, Row, Table};

pub use font::Font;
pub use pdf::{MissingGlyphs, MissingPlace};

/// Output format of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    /// Aligned plain text for terminals.
    #[value(alias = "txt")]
    Text,
    /// Comma-separated values, one block per table, money plain (`-1234.56`).
    Csv,
    /// JSON, money as strings (`"1234.56"`).
    Json,
    /// Excel workbook, money as numbers formatted `#,##0.00`.
    #[value(alias = "excel")]
    Xlsx,
    /// A4 PDF with the built-in CJK font (or `--font`).
    Pdf,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Text,
        Format::Csv,
        Format::Json,
        Format::Xlsx,
        Format::Pdf,
    ];

    /// The lower-case name, also the usual file extension (`txt` for text).
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
        }
    }

    /// File extension without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            other => other.name(),
        }
    }

    /// The format an output path asks for by its extension (`statement.pdf` → PDF).
    pub fn from_path(path: impl AsRef<Path>) -> Option<Format> {
        let ext = path.as_ref().extension()?.to_str()?;
        ext.parse().ok()
    }

    /// Binary formats should not be written to a terminal.
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Xlsx | Format::Pdf)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" | "txt" | "table" => Ok(Format::Text),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "xlsx" | "excel" => Ok(Format::Xlsx),
            "pdf" => Ok(Format::Pdf),
            _ => Err(format!(
                "unknown format '{s}' (expected one of: text, csv, json, xlsx, pdf)"
            )),
        }
    }
}

/// Settings that are not part of the document itself.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// Font for PDF pages; `None` uses the built-in Noto Sans SC subset.
    pub font: Option<Arc<Font>>,
    /// Creation time written into PDF and XLSX metadata. Passed in (never read from the clock
    /// here) so the same document renders to the same bytes.
    pub created: DateTime<FixedOffset>,
}

impl Default for RenderOptions {
    /// The built-in font, created at the Unix epoch (UTC): for tests and golden files. The
    /// command line passes the real time.
    fn default() -> Self {
        RenderOptions {
            font: None,
            created: DateTime::UNIX_EPOCH.fixed_offset(),
        }
    }
}

impl RenderOptions {
    pub fn new(created: DateTime<FixedOffset>) -> Self {
        RenderOptions {
            font: None,
            created,
        }
    }

    pub fn with_font(mut self, font: Arc<Font>) -> Self {
        self.font = Some(font);
        self
    }

    /// The font PDF pages use: the one given, or the built-in one.
    pub fn font(&self) -> Arc<Font> {
        self.font.clone().unwrap_or_else(Font::builtin)
    }
}

/// Draw `doc` in `format` into `out`.
///
/// Fails without writing anything when a table row has more cells than the table has columns,
/// or (PDF) when the font lacks a character the document uses.
pub fn render(
    doc: &Document,
    format: Format,
    out: &mut dyn std::io::Write,
    opts: &RenderOptions,
) -> Result<()> {
    check_shape(doc)?;
    match format {
        Format::Text => text::render(doc, out),
        Format::Csv => csv::render(doc, out),
        Format::Json => json::render(doc, out),
        Format::Xlsx => xlsx::render(&doc.materialized(), out, opts),
        Format::Pdf => {
            let doc = doc.materialized();
            check_labelled_glyphs(&doc, &opts.font())?;
            pdf::render(&doc, out, opts)
        }
    }
}

/// For a document with labelled rows ([`Row::label`](crate::report::document::Row)): check
/// the glyphs first, so that a character the font lacks in such a row is reported by the
/// row's label and the column (`household H0003, field 村`) rather than by its position. Other
/// places are named as the PDF renderer names them.
fn check_labelled_glyphs(doc: &Document, font: &Font) -> Result<()> {
    let labelled = |t: &Table| t.rows.iter().any(|r| r.label.is_some());
    if !doc.tables.iter().any(labelled) || pdf::check_glyphs(doc, font).is_ok() {
        return Ok(());
    }
    let mut rest = doc.clone();
    let mut by_label = Vec::new();
    for table in &mut rest.tables {
        for row in &mut table.rows {
            let Some(label) = &row.label else { continue };
            for (ci, cell) in row.cells.iter_mut().enumerate() {
                if *cell == Cell::Empty {
                    continue;
                }
                let chars = font.missing_chars(&cell.display());
                if !chars.is_empty() {
                    let column = table.columns.get(ci).map_or("?", |c| c.title.as_str());
                    by_label.push(MissingPlace {
                        place: format!("{label}, field {column}"),
                        chars,
                    });
                }
                *cell = Cell::Empty;
            }
        }
    }
    let mut places = match pdf::check_glyphs(&rest, font) {
        Ok(()) => Vec::new(),
        Err(m) => m.places,
    };
    places.extend(by_label);
    Err(MissingGlyphs::new(font.name(), places).into())
}

/// [`render`] into a byte vector.
pub fn render_to_vec(doc: &Document, format: Format, opts: &RenderOptions) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    render(doc, format, &mut out, opts)?;
    Ok(out)
}

/// A row may have fewer cells than its table has columns (the rest are empty), never more:
/// an extra cell would have no column to be drawn in.
fn check_shape(doc: &Document) -> Result<()> {
    for (ti, table) in doc.tables.iter().enumerate() {
        let too_wide = |what: &str, ri: usize, row: &Row| {
            (row.cells.len() > table.columns.len()).then(|| {
                Error::rule(format!(
                    "table {} ({}), {what} {}: {} cells but only {} columns",
                    ti + 1,
                    table.caption.as_deref().unwrap_or("untitled"),
                    ri + 1,
                    row.cells.len(),
                    table.columns.len()
                ))
            })
        };
        // Rows made on demand all have one shape (see `RowSource`): the first stands for all.
        let made = table
            .more
            .0
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.row(0));
        let rows = table.rows.iter().map(std::borrow::Cow::Borrowed);
        for (ri, row) in rows.chain(made.map(std::borrow::Cow::Owned)).enumerate() {
            if let Some(e) = too_wide("row", ri, &row) {
                return Err(e);
            }
        }
        for (ri, row) in table.totals.iter().enumerate() {
            if let Some(e) = too_wide("totals row", ri, row) {
                return Err(e);
            }
        }
    }
    Ok(())
}

/// The column whose cells `Row.indent` indents: the first one, or, when the first column
/// holds codes (key `code` or ending in `_code`) and another follows, the one after it, so that
/// the tree shows in the account names rather than in their codes.
pub fn indent_column(table: &Table) -> usize {
    match table.columns.first() {
        Some(c) if (c.key == "code" || c.key.ends_with("_code")) && table.columns.len() > 1 => 1,
        _ => 0,
    }
}

/// Error for a failed write to the output.
pub(crate) fn write_error(e: std::io::Error) -> Error {
    Error::io("output", e)
}

#[cfg(test)]
pub(crate) mod sample {
    //! Documents shared by the renderer tests.

    use crate::money::Amount;
    use crate::report::document::{Align, Cell, Column, Document, Row, Table};

    /// A household statement like the one inspectors print: fields, one table, totals, notes.
    pub fn household(rows: usize) -> Document {
        let mut doc = Document::new("农户收益分配明细单")
            .field("户编号", "H0123")
            .field("户主姓名", "王䶮")
            .field("所属村", "程村镇红光村")
            .field("家庭人口", "4")
            .field("监测类别", "脱贫不稳定户")
            .field("年度", "2024");
        doc.subtitle = Some("程村镇 2024 年度 · 产业收益倾斜分配".into());
        let mut table = Table {
            caption: Some("分配明细".into()),
            columns: vec![
                Column::text("date", "日期", 2),
                Column::text("fund", "资金来源", 3),
                Column::text("memo", "摘要", 5),
                Column::money("amount", "金额（元）"),
                Column::new("people", "人数", Align::Right, 1),
            ],
            ..Default::default()
        };
        let mut total = Amount::ZERO;
        for i in 0..rows {
            let fen = 12345678 + (i as i64) * 100003;
            total += Amount::from_fen(fen);
            table.rows.push(Row::new(vec![
                Cell::text(format!("2024-{:02}-{:02}", 1 + i % 12, 1 + i % 28)),
                Cell::text(if i % 2 == 0 {
                    "光伏收益"
                } else {
                    "“6·30”扶贫济困日捐款"
                }),
                Cell::text(if i % 3 == 0 {
                    "程村蚝产业分红倾斜分配，按人均纯收入由低到高加权，第一季度发放到一卡通账户"
                } else {
                    "公益性岗位补贴"
                }),
                Cell::Money(Amount::from_fen(fen)),
                Cell::Int(4),
            ]));
        }
        let mut totals = Row::new(vec![
            Cell::text("合计"),
            Cell::Empty,
            Cell::Empty,
            Cell::Money(total),
            Cell::Empty,
        ]);
        totals.strong = true;
        table.totals.push(totals);
        doc.tables.push(table);
        doc.notes.push(format!(
            "合计金额（大写）：人民币{}",
            total.chinese_capitals()
        ));
        doc.notes
            .push("公示期 5 个工作日，无异议后 5 个工作日内发放至社保卡一卡通账户。".into());
        doc.signatures = vec!["经办人".into(), "审核人".into()];
        doc.footer = Some("townledger · 链哈希 3fa9c2e1".into());
        doc
    }

    /// A small trial balance with indented accounts and a strong subtotal row.
    pub fn trial_balance() -> Document {
        let mut doc = Document::new("科目余额表");
        let mut t = Table {
            caption: None,
            columns: vec![
                Column::text("account", "科目", 4),
                Column::money("debit", "借方"),
                Column::money("credit", "贷方"),
            ],
            ..Default::default()
        };
        let mut bank = Row::new(vec![
            "102 银行存款".into(),
            Cell::Money(Amount::from_fen(123456789)),
            Cell::Empty,
        ]);
        bank.strong = true;
        t.rows.push(bank);
        let mut sub = Row::new(vec![
            "防返贫专户".into(),
            Cell::Money(Amount::from_fen(100000)),
            Cell::Empty,
        ]);
        sub.indent = 1;
        t.rows.push(sub);
        t.rows.push(Row::new(vec![
            "241 专项应付款".into(),
            Cell::Empty,
            Cell::Money(Amount::from_fen(-500)),
        ]));
        t.totals.push(Row::new(vec![
            "合计".into(),
            Cell::Money(Amount::from_fen(123556789)),
            Cell::Money(Amount::from_fen(-500)),
        ]));
        doc.tables.push(t);
        doc
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::document::{Cell, Row};

    /// Rows kept as held rows, made again on demand.
    struct Again(Vec<Row>);

    impl crate::report::document::RowSource for Again {
        fn len(&self) -> usize {
            self.0.len()
        }
        fn row(&self, i: usize) -> Row {
            self.0[i].clone()
        }
    }

    #[test]
    fn rows_made_on_demand_render_as_held_rows_do() {
        let held = sample::household(40);
        let mut lazy = held.clone();
        let rows = std::mem::take(&mut lazy.tables[0].rows);
        let (first, rest) = rows.split_at(3);
        lazy.tables[0].rows = first.to_vec();
        lazy.tables[0].more =
            crate::report::document::MoreRows(Some(Arc::new(Again(rest.to_vec()))));
        assert_eq!(lazy.tables[0].body_len(), held.tables[0].rows.len());
        let opts = RenderOptions::default();
        for format in [Format::Text, Format::Csv, Format::Json] {
            let a = render_to_vec(&held, format, &opts).unwrap();
            let b = render_to_vec(&lazy, format, &opts).unwrap();
            assert_eq!(
                String::from_utf8(a).unwrap(),
                String::from_utf8(b).unwrap(),
                "{format}"
            );
        }
        // Paged formats lay out every row, made or held.
        let made = lazy.materialized();
        assert!(made.tables[0].more.0.is_none());
        assert_eq!(json::to_value(&made), json::to_value(&held));
        for format in [Format::Xlsx, Format::Pdf] {
            assert!(!render_to_vec(&lazy, format, &opts).unwrap().is_empty());
        }
        // A source's rows are checked for shape like held rows.
        let mut wide = lazy.clone();
        let mut row = rest[0].clone();
        row.cells.extend(std::iter::repeat_n(Cell::Empty, 20));
        wide.tables[0].more = crate::report::document::MoreRows(Some(Arc::new(Again(vec![row]))));
        let err = render_to_vec(&wide, Format::Csv, &opts)
            .unwrap_err()
            .to_string();
        assert!(err.contains("row 4"), "{err}");
    }

    #[test]
    fn formats_parse_and_print() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>(), Ok(f));
            assert_eq!(f.extension().parse::<Format>(), Ok(f));
            assert_eq!(f.to_string(), f.name());
        }
        assert_eq!(" PDF ".parse::<Format>(), Ok(Format::Pdf));
        assert!("docx"
            .parse::<Format>()
            .unwrap_err()
            .contains("expected one of"));
        assert_eq!(Format::from_path("/tmp/户.XLSX"), Some(Format::Xlsx));
        assert_eq!(Format::from_path("/tmp/noext"), None);
        assert!(Format::Pdf.is_binary() && !Format::Csv.is_binary());
    }

    #[test]
    fn clap_accepts_format_names() {
        use clap::ValueEnum;
        assert_eq!(
            <Format as ValueEnum>::from_str("xlsx", true),
            Ok(Format::Xlsx)
        );
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_string()))
            .collect();
        assert_eq!(names, ["text", "csv", "json", "xlsx", "pdf"]);
    }

    #[test]
    fn rows_wider_than_their_table_are_refused() {
        let mut doc = sample::trial_balance();
        doc.tables[0].rows.push(Row::new(vec![
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Int(1),
        ]));
        for f in Format::ALL {
            let err = render_to_vec(&doc, f, &RenderOptions::default()).unwrap_err();
            assert!(
                err.to_string()
                    .contains("row 4: 4 cells but only 3 columns"),
                "{err}"
            );
        }
    }

    #[test]
    fn empty_documents_and_tables_render() {
        let mut doc = Document::new("空");
        for f in Format::ALL {
            render_to_vec(&doc, f, &RenderOptions::default()).unwrap();
        }
        doc.tables.push(crate::report::document::Table::default());
        doc.tables.push(crate::report::document::Table {
            caption: Some("异议记录".into()),
            columns: vec![crate::report::document::Column::text("d", "日期", 1)],
            ..Default::default()
        });
        for f in Format::ALL {
            render_to_vec(&doc, f, &RenderOptions::default()).unwrap();
        }
        let csv = render_to_vec(&doc, Format::Csv, &RenderOptions::default()).unwrap();
        assert_eq!(String::from_utf8(csv).unwrap(), "d\n");
    }

    #[test]
    fn missing_glyphs_in_a_labelled_row_name_the_row() {
        let mut doc = sample::household(3);
        doc.tables[0].rows[2].cells[1] = Cell::text("光伏\u{E000}");
        doc.tables[0].rows[2].label = Some("household H0009".into());
        doc.notes.push("注\u{E001}".into());
        let err = render_to_vec(&doc, Format::Pdf, &RenderOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("household H0009, field 资金来源: character '\u{E000}' (U+E000)"),
            "{err}"
        );
        assert!(err.contains("U+E001"), "{err}");
        assert!(!err.contains("row 3"), "{err}");
        // Without a label the row is named by its position, as before.
        doc.tables[0].rows[2].label = None;
        let err = render_to_vec(&doc, Format::Pdf, &RenderOptions::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("row 3, column 资金来源"), "{err}");
    }

    #[test]
    fn every_format_renders_a_statement() {
        let doc = sample::household(3);
        for f in Format::ALL {
            let bytes = render_to_vec(&doc, f, &RenderOptions::default()).unwrap();
            assert!(!bytes.is_empty(), "{f}");
        }
    }
}

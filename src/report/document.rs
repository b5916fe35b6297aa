//! A report as plain data: what is printed, never how.
//!
//! Every report (trial balance, register, household statement, public notice, fund statement,
//! bank reconciliation) builds a [`Document`]; the renderers in `crate::render` (text, CSV, JSON,
//! XLSX, PDF) draw any document without knowing which report it is.

use serde::Serialize;

use crate::money::Amount;

/// One printable document: a title block, labelled header fields, tables, closing lines.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Document {
    /// Main title, e.g. `农户收益分配明细单`.
    pub title: String,
    /// A line under the title, e.g. the town and period.
    pub subtitle: Option<String>,
    /// Labelled header fields shown in a grid under the title: (`户编号`, `H0123`).
    pub fields: Vec<Field>,
    /// Header fields that formats without a header block (CSV) repeat as trailing columns of
    /// every table row, under a machine key (`run`, `policy_sha256`), so that each row carries
    /// them. Added with [`Document::field_as_column`]; the other formats show them as fields.
    pub field_columns: Vec<FieldColumn>,
    /// The body: one or more tables, each with an optional caption.
    pub tables: Vec<Table>,
    /// Free lines after the tables: totals in words, notes, the audit hash.
    pub notes: Vec<String>,
    /// Signature labels at the foot of the last page: `经办人`, `审核人`.
    pub signatures: Vec<String>,
    /// The bodies that issue a public document (`程村镇村民委员会`), after the signatures:
    /// each with room for its seal (盖章) and a line for the date it was signed.
    pub seals: Vec<String>,
    /// Page footer text before the page number, e.g. `townledger · 链哈希 3fa9…`.
    pub footer: Option<String>,
    /// Who or what the document is about, repeated at the top of every page after the first
    /// so that a loose page can be told apart, e.g. `H0001 叶建国`. Paged renderers mark it as
    /// continued (`H0001 叶建国（续）`); the others leave it out.
    pub running_head: Option<String>,
    /// Language of fixed words the renderer adds itself (page numbers).
    pub lang: Lang,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

#[derive(Clone, Debug, Serialize)]
pub struct Field {
    pub label: String,
    pub value: String,
}

/// A header field's value under a machine key, repeated on every row where there is no header
/// block (see [`Document::field_columns`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldColumn {
    pub key: String,
    pub value: String,
    /// Whether the value is also one of the header fields; when not (see
    /// [`Document::column_only`]), JSON lists it among the fields under its key.
    pub in_header: bool,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Table {
    pub caption: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Rows drawn after a rule at the end of the table (totals).
    pub totals: Vec<Row>,
    /// Body rows made on demand, after `rows` (see [`RowSource`]).
    #[serde(skip)]
    pub more: MoreRows,
}

/// Body rows made when a renderer asks for them, for a table too long to hold as [`Row`]s (a
/// register of 300,000 postings): the source keeps its data compactly and makes any row
/// again whenever it is asked. Text, CSV and JSON stream them; PDF and XLSX, which lay out
/// the whole table, make them all first ([`Document::materialized`]). Every row a source
/// makes has the same number of cells.
pub trait RowSource: Send + Sync {
    fn len(&self) -> usize;
    fn row(&self, i: usize) -> Row;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// A row whose every cell is as wide as the widest of its column, when the source knows
    /// it: aligned text then measures that row instead of making every row twice.
    fn widest(&self) -> Option<Row> {
        None
    }
}

/// A table's [`RowSource`], if any.
#[derive(Clone, Default)]
pub struct MoreRows(pub Option<std::sync::Arc<dyn RowSource>>);

impl std::fmt::Debug for MoreRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(source) => write!(f, "MoreRows({} rows)", source.len()),
            None => f.write_str("MoreRows(none)"),
        }
    }
}

impl Table {
    /// Number of body rows, made on demand or not.
    pub fn body_len(&self) -> usize {
        self.rows.len() + self.more.0.as_ref().map_or(0, |s| s.len())
    }

    /// The body rows in order: the held ones, then those made on demand.
    pub fn body(&self) -> impl Iterator<Item = std::borrow::Cow<'_, Row>> + '_ {
        let made = self
            .more
            .0
            .iter()
            .flat_map(|s| (0..s.len()).map(|i| s.row(i)));
        self.rows
            .iter()
            .map(std::borrow::Cow::Borrowed)
            .chain(made.map(std::borrow::Cow::Owned))
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Column {
    /// Header shown to people, e.g. `余额`.
    pub title: String,
    /// Stable machine key used by CSV and JSON, e.g. `balance`.
    pub key: String,
    pub align: Align,
    /// Relative width for page layouts; text and XLSX measure the content instead.
    pub weight: u16,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    Left,
    Right,
    Center,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// Tree depth for indented account names (0 = top); renderers indent the name column
    /// (the first, or the second when the first is a `code` column).
    pub indent: u8,
    /// Emphasised (subtotal) row.
    pub strong: bool,
    /// How messages name the row (`household H0003`), instead of its position in the table:
    /// a character the font lacks is reported as `household H0003, field 村`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// A cell keeps its type so each renderer formats it properly: money grouped and right-aligned
/// on paper, plain in CSV, a number in Excel.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Text(String),
    Money(Amount),
    Int(i64),
    Empty,
}

impl Document {
    /// This document with every row held (none made on demand): what renderers that lay out
    /// a whole table need.
    pub fn materialized(&self) -> std::borrow::Cow<'_, Document> {
        if self.tables.iter().all(|t| t.more.0.is_none()) {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut doc = self.clone();
        for t in &mut doc.tables {
            if let Some(source) = t.more.0.take() {
                t.rows.extend((0..source.len()).map(|i| source.row(i)));
            }
        }
        std::borrow::Cow::Owned(doc)
    }

    pub fn new(title: impl Into<String>) -> Self {
        Document {
            title: title.into(),
            ..Default::default()
        }
    }

    pub fn field(mut self, label: impl Into<String>, value: impl Into<String>) -> Self {
        self.fields.push(Field {
            label: label.into(),
            value: value.into(),
        });
        self
    }

    /// A value that CSV repeats as the trailing column `key` of every row, and that the other
    /// formats do not show among the header fields (they print it elsewhere, e.g. in the
    /// footer).
    pub fn column_only(mut self, key: &str, value: impl Into<String>) -> Self {
        self.field_columns.push(FieldColumn {
            key: key.to_string(),
            value: value.into(),
            in_header: false,
        });
        self
    }

    /// A header field that CSV also repeats as the trailing column `key` of every row.
    pub fn field_as_column(
        mut self,
        key: &str,
        label: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        let value = value.into();
        self.field_columns.push(FieldColumn {
            key: key.to_string(),
            value: value.clone(),
            in_header: true,
        });
        self.field(label, value)
    }
}

impl Column {
    pub fn new(key: &str, title: impl Into<String>, align: Align, weight: u16) -> Self {
        Column {
            title: title.into(),
            key: key.to_string(),
            align,
            weight,
        }
    }
    pub fn text(key: &str, title: impl Into<String>, weight: u16) -> Self {
        Self::new(key, title, Align::Left, weight)
    }
    pub fn money(key: &str, title: impl Into<String>) -> Self {
        Self::new(key, title, Align::Right, 3)
    }
}

impl Row {
    pub fn new(cells: Vec<Cell>) -> Self {
        Row {
            cells,
            indent: 0,
            strong: false,
            label: None,
        }
    }

    /// This row, named `label` in messages (see [`Row::label`]).
    pub fn labelled(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// Text for people (money grouped: `1,234.56`).
    pub fn display(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Money(a) => a.grouped(),
            Cell::Int(i) => i.to_string(),
            Cell::Empty => String::new(),
        }
    }

    /// Text for machines (money plain: `1234.56`).
    pub fn plain(&self) -> String {
        match self {
            Cell::Money(a) => a.plain(),
            other => other.display(),
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<Amount> for Cell {
    fn from(a: Amount) -> Self {
        Cell::Money(a)
    }
}

/// A heading over neighbouring columns of a printed table: `期初余额` over `方向` and `金额`.
/// Paged layouts that draw it put `title` over the columns `first ..` and the `titles` under
/// it in place of those columns' own titles; the other formats keep the columns' titles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ColumnGroup {
    pub title: String,
    /// The first column under the heading.
    pub first: usize,
    /// The titles of the columns under the heading, one a column.
    pub titles: Vec<String>,
}

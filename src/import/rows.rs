//! The rows of a file a clerk brings (grant applications, budgets): CSV (decoded by the one
//! rule of [`crate::import::decode`]) or the first sheet of a workbook.

use std::path::Path;

use super::sheet::{first_sheet, Cell};
use super::Encoding;
use crate::error::{Error, Result, RowError};

/// A file's rows: each with its line (or the sheet's row number) and its cells.
pub type Rows = Vec<(u64, Vec<Cell>)>;

/// Every row of the file at `path` as (its line, its cells), the header first; and the file's
/// name as messages give it. A workbook (by its extension, or by its first bytes when the
/// extension says neither) is read from its first sheet; anything else as CSV in `encoding`.
pub fn read_rows(path: &Path, encoding: Encoding) -> Result<(String, Rows)> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let file = path.display().to_string();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let spreadsheet = match ext.as_deref() {
        Some("xlsx" | "xlsm" | "xlsb" | "xls" | "ods") => true,
        Some("csv" | "txt") => false,
        _ => bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]),
    };
    let rows: Rows = if spreadsheet {
        first_sheet(bytes, &file)?
            .into_iter()
            .map(|r| (r.line, r.cells))
            .collect()
    } else {
        csv_rows(bytes, &file, encoding)?
    };
    Ok((file, rows))
}

fn csv_rows(bytes: Vec<u8>, file: &str, encoding: Encoding) -> Result<Rows> {
    let text = super::decode::decode_bytes(bytes, encoding)
        .map_err(|e| Error::Input(vec![e.row_error(file)]))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut unreadable = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = record_line(record.position(), &text);
                rows.push((
                    line,
                    record.iter().map(|c| Cell::Text(c.to_string())).collect(),
                ));
            }
            Err(e) => unreadable.push(RowError::new(
                file,
                e.position().map_or(0, |p| p.line()),
                crate::tr!("grant-import-unreadable-row", reason = e.to_string()),
            )),
        }
    }
    if !unreadable.is_empty() {
        return Err(Error::Input(unreadable));
    }
    Ok(rows)
}

/// The line a CSV record starts on, in `text`. A record after skipped empty lines is
/// positioned at the first of them: the line breaks between there and the record's first
/// character are counted.
pub fn record_line(position: Option<&csv::Position>, text: &str) -> u64 {
    position.map_or(0, |p| {
        let from = usize::try_from(p.byte()).unwrap_or(usize::MAX);
        let skipped = text
            .as_bytes()
            .get(from..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .filter(|b| **b == b'\n')
            .count();
        p.line() + skipped as u64
    })
}

/// A field's text in a row (`columns` as [`find_columns`] found them): trimmed, as an export
/// wrote it (`'=x` is `=x`); empty when the column or the cell is missing; an inexact number
/// or a spreadsheet error is refused, naming the field.
pub fn cell_text<C: Column>(
    columns: &[Option<usize>],
    cells: &[Cell],
    field: C,
) -> std::result::Result<String, String> {
    let Some(col) = columns[field.index()] else {
        return Ok(String::new());
    };
    match cells.get(col) {
        None => Ok(String::new()),
        Some(Cell::Text(t)) => Ok(crate::render::csv::unescape_text(t.trim()).to_string()),
        Some(Cell::Inexact) => Err(crate::tr!("grant-import-inexact", field = field.english())),
        Some(Cell::Error(e)) => Err(crate::tr!(
            "grant-import-cell-error",
            field = field.english(),
            error = e.as_str()
        )),
    }
}

/// A column of a file of clerks' rows, found by its header: the English name, the Chinese
/// one, or another name clerks use, in any case, with a unit in brackets left out
/// (`金额（元）`).
pub trait Column: Copy + PartialEq + 'static {
    /// Every column, in the order of the row's fields.
    const ALL: &'static [Self];
    fn english(self) -> &'static str;
    fn chinese(self) -> &'static str;
    /// Other headers clerks use for it.
    fn aliases(self) -> &'static [&'static str];
    /// Whether a file must have it.
    fn required(self) -> bool {
        true
    }

    /// Its place in [`Column::ALL`].
    fn index(self) -> usize {
        Self::ALL.iter().position(|c| *c == self).expect("in ALL")
    }

    /// The column a header names, if any.
    fn from_header(h: &str) -> Option<Self> {
        let h = h.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        let bare = match h.find(['（', '(']) {
            Some(at) if at > 0 && h.ends_with(['）', ')']) => h[..at].trim(),
            _ => h,
        };
        Self::ALL.iter().copied().find(|f| {
            [h, bare].iter().any(|name| {
                f.chinese() == *name
                    || f.english().eq_ignore_ascii_case(name)
                    || f.aliases().iter().any(|a| a.eq_ignore_ascii_case(name))
            })
        })
    }
}

/// Where each column of `C` is in the header row (`line` of `file`), in [`Column::ALL`]'s
/// order. Every column given twice and every required column missing is reported (the latter
/// as `missing` words it), all at once.
pub fn find_columns<C: Column>(
    file: &str,
    line: u64,
    header: &[Cell],
    missing: impl Fn(C) -> String,
) -> Result<Vec<Option<usize>>> {
    let mut at: Vec<Option<usize>> = vec![None; C::ALL.len()];
    let mut errors = Vec::new();
    let text_of = |cell: &Cell| match cell {
        Cell::Text(t) => t.trim().to_string(),
        _ => String::new(),
    };
    for (col, cell) in header.iter().enumerate() {
        let Cell::Text(text) = cell else { continue };
        let Some(field) = C::from_header(text) else {
            continue;
        };
        match at[field.index()] {
            Some(first) => errors.push(RowError::new(
                file,
                line,
                crate::tr!(
                    "import-column-twice",
                    name = field.english(),
                    first = first + 1,
                    first_header = text_of(&header[first]),
                    second = col + 1,
                    second_header = text.trim()
                ),
            )),
            None => at[field.index()] = Some(col),
        }
    }
    for field in C::ALL {
        if field.required() && at[field.index()].is_none() {
            errors.push(RowError::new(file, line, missing(*field)));
        }
    }
    if errors.is_empty() {
        Ok(at)
    } else {
        Err(Error::Input(errors))
    }
}

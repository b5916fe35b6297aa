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
                // A record after skipped empty lines is positioned at the first of them:
                // count the line breaks between there and the record's first character.
                let line = record.position().map_or(0, |p| {
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
                });
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

//! The first sheet of a workbook (xlsx, xlsm, xlsb, xls, ods) as rows of cells, for every reader
//! of clerks' spreadsheets (household registers, voucher files).

use std::io::Cursor;

use calamine::{Data, DataType, Reader};

use crate::error::{Error, Result, RowError};

/// One cell as read, before checking.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// The cell's text: a number through its shortest round-trip decimal text (a typed 1234.56
    /// reads as exactly "1234.56", while a computed 0.30000000000000004 stays as it is and is
    /// refused by the strict amount parser instead of being rounded); a date as `YYYY-MM-DD`.
    Text(String),
    /// A number too long for the spreadsheet to hold exactly (ID or card numbers typed into a
    /// number cell lose their last digits).
    Inexact,
    /// A spreadsheet error value such as `#N/A`.
    Error(String),
}

impl Cell {
    pub fn is_blank(&self) -> bool {
        matches!(self, Cell::Text(t) if t.trim().is_empty())
    }
}

/// One row of the sheet.
pub struct SheetRow {
    /// The spreadsheet row number as the user sees it (from 1).
    pub line: u64,
    pub cells: Vec<Cell>,
}

/// Above this magnitude a number cell no longer holds every digit (Excel keeps 15).
const EXACT_LIMIT: f64 = 1e15;

fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Text(String::new()),
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Text(i.to_string()),
        Data::Float(f) if f.abs() >= EXACT_LIMIT => Cell::Inexact,
        Data::Float(f) => Cell::Text(f.to_string()),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::DateTime(_) | Data::DateTimeIso(_) => match data.as_date() {
            Some(d) => Cell::Text(d.format("%Y-%m-%d").to_string()),
            None => Cell::Text(data.to_string()),
        },
        other => Cell::Text(other.to_string()),
    }
}

/// Every row of the workbook's first sheet, the header first; an unreadable workbook or an
/// empty sheet is an error naming `file`.
pub fn first_sheet(bytes: Vec<u8>, file: &str) -> Result<Vec<SheetRow>> {
    let unreadable = |reason: String| Error::Input(vec![RowError::new(file, 0, reason)]);
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| unreadable(crate::tr!("sheet-unreadable", reason = e.to_string())))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| unreadable(crate::tr!("sheet-none")))?
        .map_err(|e| unreadable(crate::tr!("sheet-first-unreadable", reason = e.to_string())))?;
    let Some((first_row, _)) = range.start() else {
        return Err(unreadable(crate::tr!("sheet-first-empty")));
    };
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| SheetRow {
            line: u64::from(first_row) + i as u64 + 1,
            cells: cells.iter().map(cell).collect(),
        })
        .collect())
}

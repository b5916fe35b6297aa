//! Reading an applications file for `townledger grant import`: CSV (decoded by the one rule of
//! [`crate::import::decode`]) or the first sheet of a workbook, one application a row.
//!
//! | field | English header | Chinese header | required |
//! | --- | --- | --- | --- |
//! | household | `household` | `户编号` | yes |
//! | fund | `fund` | `资金` | yes |
//! | amount applied for | `amount` | `金额` | yes |
//! | cause | `cause` | `原因` | yes |
//! | loss | `loss` | `损失` | yes |
//! | note | `note` | `说明` | no |
//!
//! Headers are trimmed and matched without regard to case; other columns are ignored. A row
//! whose cells are all empty is skipped. A text cell written with a `'` before a formula
//! character (as townledger's CSV writes it) is read without it.

use std::path::Path;

use chrono::NaiveDate;

use super::rows::{cell_text, find_columns, Column};
use super::sheet::Cell;
use super::Encoding;
use crate::error::{Error, Result, RowError};
use crate::funds::grant::Application;
use crate::money::Amount;

/// The columns of an applications file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Household,
    Fund,
    Amount,
    Cause,
    Loss,
    Note,
}

impl Column for Field {
    const ALL: &'static [Field] = &[
        Field::Household,
        Field::Fund,
        Field::Amount,
        Field::Cause,
        Field::Loss,
        Field::Note,
    ];

    fn english(self) -> &'static str {
        match self {
            Field::Household => "household",
            Field::Fund => "fund",
            Field::Amount => "amount",
            Field::Cause => "cause",
            Field::Loss => "loss",
            Field::Note => "note",
        }
    }

    fn chinese(self) -> &'static str {
        match self {
            Field::Household => "户编号",
            Field::Fund => "资金",
            Field::Amount => "金额",
            Field::Cause => "原因",
            Field::Loss => "损失",
            Field::Note => "说明",
        }
    }

    /// Other headers clerks use for the field.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Household => &["household_id", "户号", "农户编号"],
            Field::Fund => &["资金名称", "基金"],
            Field::Amount => &["救助金额", "申请金额"],
            Field::Cause => &["救助原因", "致困原因"],
            Field::Loss => &["损失金额"],
            Field::Note => &["备注", "情况说明", "memo"],
        }
    }

    fn required(self) -> bool {
        self != Field::Note
    }
}

/// Every row of the file as (its line, its application or why it cannot be read), dated
/// `date`; the file's name as messages give it. A file that cannot be read at all, or whose
/// header lacks a column, is an error.
#[allow(clippy::type_complexity)]
pub fn read_applications(
    path: &Path,
    encoding: Encoding,
    date: NaiveDate,
    dated: bool,
) -> Result<(String, Vec<(u64, std::result::Result<Application, String>)>)> {
    let (file, rows) = super::rows::read_rows(path, encoding)?;
    let mut rows = rows.into_iter();
    let Some((header_line, header)) = rows.next() else {
        return Err(Error::Input(vec![RowError::new(
            &file,
            0,
            crate::tr!("grant-import-empty"),
        )]));
    };
    let columns = columns(&file, header_line, &header)?;
    let out = rows
        .filter(|(_, cells)| !cells.iter().all(Cell::is_blank))
        .map(|(line, cells)| (line, application(&columns, &cells, date, dated)))
        .collect();
    Ok((file, out))
}

/// Where each field is: its column, by [`Field`] order.
type Columns = Vec<Option<usize>>;

fn columns(file: &str, line: u64, header: &[Cell]) -> Result<Columns> {
    find_columns::<Field>(file, line, header, |field| {
        crate::tr!(
            "grant-import-missing-column",
            name = field.english(),
            chinese = field.chinese()
        )
    })
}

/// The row's application, or why its cells cannot be one.
fn application(
    columns: &Columns,
    cells: &[Cell],
    date: NaiveDate,
    dated: bool,
) -> std::result::Result<Application, String> {
    let text = |field: Field| cell_text(columns, cells, field);
    let amount = |field: Field| -> std::result::Result<Amount, String> {
        let t = text(field)?;
        Amount::parse(&t).map_err(|e| format!("{}: {e}", field.english()))
    };
    Ok(Application {
        household: text(Field::Household)?,
        fund: text(Field::Fund)?,
        amount: amount(Field::Amount)?,
        cause: text(Field::Cause)?,
        loss: amount(Field::Loss)?,
        note: text(Field::Note)?,
        date,
        dated,
    })
}

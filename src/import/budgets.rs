//! Reading a budget file for `townledger budget import`: CSV (any encoding the importer reads)
//! or the first sheet of a workbook, one budget line a row.
//!
//! | field | English header | Chinese header |
//! | --- | --- | --- |
//! | fund (id, alias, name or account) | `fund` | `资金` |
//! | year | `year` | `年度` |
//! | purpose | `purpose` | `用途` |
//! | amount, yuan | `amount` | `金额` |
//!
//! Headers are trimmed and matched without regard to case (a unit in brackets, `金额（元）`, is
//! not part of the name); other columns are ignored; a row whose cells are all empty is
//! skipped.

use std::path::Path;

use super::rows::{cell_text, find_columns, Column};
use super::sheet::Cell;
use super::Encoding;
use crate::error::{Error, Result, RowError};
use crate::money::Amount;

/// One row of a budget file, its year and amount read, its fund and purpose as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BudgetRow {
    pub fund: String,
    pub year: i32,
    pub purpose: String,
    pub amount: Amount,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Fund,
    Year,
    Purpose,
    Amount,
}

impl Column for Field {
    const ALL: &'static [Field] = &[Field::Fund, Field::Year, Field::Purpose, Field::Amount];

    fn english(self) -> &'static str {
        match self {
            Field::Fund => "fund",
            Field::Year => "year",
            Field::Purpose => "purpose",
            Field::Amount => "amount",
        }
    }

    fn chinese(self) -> &'static str {
        match self {
            Field::Fund => "资金",
            Field::Year => "年度",
            Field::Purpose => "用途",
            Field::Amount => "金额",
        }
    }

    /// Other headers clerks use for the field.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Fund => &["资金名称", "基金", "资金编号"],
            Field::Year => &["年份", "预算年度"],
            Field::Purpose => &["资金用途", "支出用途", "项目"],
            Field::Amount => &["预算金额", "预算", "budget"],
        }
    }
}

type Columns = Vec<Option<usize>>;

/// A file's rows, each with its line: its budget line, or why it cannot be one.
pub type BudgetRows = Vec<(u64, std::result::Result<BudgetRow, String>)>;

/// Every row of the budget file at `path` as (its line, its budget line or why it cannot be
/// read), and the file's name as messages give it. A file that cannot be read, has no rows or
/// whose header lacks a column is an error.
pub fn read_budgets(path: &Path, encoding: Encoding) -> Result<(String, BudgetRows)> {
    let (file, rows) = super::rows::read_rows(path, encoding)?;
    let mut rows = rows.into_iter();
    let Some((header_line, header)) = rows.next() else {
        return Err(Error::Input(vec![RowError::new(
            &file,
            0,
            crate::tr!("budget-import-empty"),
        )]));
    };
    let columns = columns(&file, header_line, &header)?;
    let out: BudgetRows = rows
        .filter(|(_, cells)| !cells.iter().all(Cell::is_blank))
        .map(|(line, cells)| (line, budget_row(&columns, &cells)))
        .collect();
    if out.is_empty() {
        return Err(Error::Input(vec![RowError::new(
            &file,
            0,
            crate::tr!("budget-import-empty"),
        )]));
    }
    Ok((file, out))
}

fn columns(file: &str, line: u64, header: &[Cell]) -> Result<Columns> {
    find_columns::<Field>(file, line, header, |field| {
        crate::tr!(
            "budget-import-missing-column",
            name = field.english(),
            chinese = field.chinese()
        )
    })
}

fn budget_row(columns: &Columns, cells: &[Cell]) -> std::result::Result<BudgetRow, String> {
    let text = |field: Field| cell_text(columns, cells, field);
    let mut errors = Vec::new();
    let mut field = |f: Field| match text(f) {
        Ok(t) if t.is_empty() => {
            errors.push(crate::tr!("budget-import-field-empty", field = f.english()));
            None
        }
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let (fund, year, purpose, amount) = (
        field(Field::Fund),
        field(Field::Year),
        field(Field::Purpose),
        field(Field::Amount),
    );
    let year = year.and_then(|y| match parse_year(&y) {
        Ok(y) => Some(y),
        Err(e) => {
            errors.push(e);
            None
        }
    });
    let amount = amount.and_then(|a| match Amount::parse(&a) {
        Ok(a) => Some(a),
        Err(e) => {
            errors.push(format!("amount: {e}"));
            None
        }
    });
    match (fund, year, purpose, amount) {
        (Some(fund), Some(year), Some(purpose), Some(amount)) if errors.is_empty() => {
            Ok(BudgetRow {
                fund,
                year,
                purpose,
                amount,
            })
        }
        _ => Err(errors.join("; ")),
    }
}

/// A year as written in a budget: four digits (`2024`; a spreadsheet's `2024.0` too).
pub fn parse_year(text: &str) -> std::result::Result<i32, String> {
    let t = text.trim();
    let t = t.strip_suffix(".0").unwrap_or(t);
    let t = t.strip_suffix('年').unwrap_or(t);
    match t.parse::<i32>() {
        Ok(y) if (1000..=9999).contains(&y) => Ok(y),
        _ => Err(crate::tr!("budget-year-invalid", year = text.trim())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_either_language_with_units() {
        assert_eq!(Field::from_header(" 资金 "), Some(Field::Fund));
        assert_eq!(Field::from_header("YEAR"), Some(Field::Year));
        assert_eq!(Field::from_header("金额（元）"), Some(Field::Amount));
        assert_eq!(Field::from_header("用途"), Some(Field::Purpose));
        assert_eq!(Field::from_header("备注"), None);
    }

    #[test]
    fn years() {
        assert_eq!(parse_year("2024"), Ok(2024));
        assert_eq!(parse_year("2024.0"), Ok(2024));
        assert_eq!(parse_year("2024年"), Ok(2024));
        assert!(parse_year("24").is_err());
        assert!(parse_year("二〇二四").is_err());
    }
}

//! Budgets 预算: what each fund means to spend on each purpose in a year (`townledger budget
//! set`, `budget import`), set against what it spent by `fund statement --budget`.
//!
//! A budget line names a registered fund and a purpose its rules allow (the same check, and
//! the same messages, as a spend). Setting a line again replaces its amount; the record chain
//! keeps the change.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result, RowError};
use crate::funds::movement::{FundBook, Movement};
use crate::funds::registry::fund_named;
use crate::import::budgets::{parse_year, read_budgets, BudgetRow};
use crate::import::Encoding;
use crate::money::Amount;
use crate::store::Writer;
use crate::text::{check_stored_text, NAME_MAX};

/// A budget line as set: the fund by id, and the amount it replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BudgetSet {
    pub fund: String,
    pub year: i32,
    pub purpose: String,
    pub amount: Amount,
    pub before: Option<Amount>,
}

impl BudgetSet {
    /// `631 2024 就业补贴 1,000,000.00`, with what it replaced when it did.
    pub fn line(&self) -> String {
        match self.before {
            Some(before) => crate::tr!(
                "budget-replaced",
                fund = self.fund.as_str(),
                year = self.year,
                purpose = self.purpose.as_str(),
                amount = self.amount.grouped(),
                before = before.grouped()
            ),
            None => crate::tr!(
                "budget-set",
                fund = self.fund.as_str(),
                year = self.year,
                purpose = self.purpose.as_str(),
                amount = self.amount.grouped()
            ),
        }
    }
}

/// A budget line checked against the funds and their rules: the fund's id and the purpose,
/// or why the line cannot be set.
fn check(book: &FundBook, row: &BudgetRow) -> std::result::Result<(String, String), String> {
    let fund = fund_named(&book.funds, &row.fund).ok_or_else(|| {
        let known: Vec<&str> = book.funds.iter().map(|f| f.id.as_str()).collect();
        crate::tr!(
            "fund-tag-unknown",
            fund = row.fund.trim(),
            known = known.join(", ")
        )
    })?;
    let purpose = row.purpose.trim();
    if purpose.is_empty() {
        return Err(crate::tr!("fund-purpose-needed"));
    }
    check_stored_text("purpose", purpose, NAME_MAX)?;
    parse_year(&row.year.to_string())?;
    if row.amount.is_negative() {
        return Err(crate::tr!(
            "budget-amount-negative",
            amount = row.amount.grouped()
        ));
    }
    book.check(&Movement {
        line: 0,
        fund: fund.id.clone(),
        purpose: Some(purpose.to_string()),
        source: None,
        donor: None,
        project: None,
    })?;
    Ok((fund.id.clone(), purpose.to_string()))
}

/// Set one budget line (`budget set`): the fund must exist and its rules allow the purpose.
pub fn set_budget(w: &mut Writer<'_>, row: &BudgetRow) -> Result<BudgetSet> {
    let book = w.fund_book()?;
    let (fund, purpose) = check(&book, row).map_err(Error::rule)?;
    let before = w.set_budget(&fund, row.year, &purpose, row.amount)?;
    Ok(BudgetSet {
        fund,
        year: row.year,
        purpose,
        amount: row.amount,
        before,
    })
}

/// Set every budget line of a file (`budget import`): all of them, or, if any row is bad,
/// none, with every bad row reported as `FILE:ROW: reason`. A line given twice in the file is
/// a bad row.
pub fn import_budgets(
    w: &mut Writer<'_>,
    path: &Path,
    encoding: Encoding,
) -> Result<Vec<BudgetSet>> {
    let (file, rows) = read_budgets(path, encoding)?;
    let book = w.fund_book()?;
    let mut errors = Vec::new();
    let mut good: Vec<(String, BudgetRow)> = Vec::new();
    let mut first_line: BTreeMap<(String, i32, String), u64> = BTreeMap::new();
    for (line, row) in rows {
        let checked = row.and_then(|row| check(&book, &row).map(|ok| (ok, row)));
        match checked {
            Ok(((fund, purpose), row)) => {
                let key = (fund.clone(), row.year, purpose.clone());
                if let Some(first) = first_line.get(&key) {
                    errors.push(RowError::new(
                        &file,
                        line,
                        crate::tr!(
                            "budget-import-repeated",
                            fund = fund.as_str(),
                            year = row.year,
                            purpose = purpose.as_str(),
                            first = *first
                        ),
                    ));
                    continue;
                }
                first_line.insert(key, line);
                good.push((fund, BudgetRow { purpose, ..row }));
            }
            Err(reason) => errors.push(RowError::new(&file, line, reason)),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Input(errors));
    }
    let mut out = Vec::with_capacity(good.len());
    for (fund, row) in good {
        let before = w.set_budget(&fund, row.year, &row.purpose, row.amount)?;
        out.push(BudgetSet {
            fund,
            year: row.year,
            purpose: row.purpose,
            amount: row.amount,
            before,
        });
    }
    Ok(out)
}

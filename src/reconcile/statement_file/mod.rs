//! Reading a bank's own statement file (对账单 / 账户明细) into a checked list of bank lines.
//!
//! The file is a CSV (UTF-8 or GBK, told apart by [`crate::import::decode`]) or the first sheet
//! of a workbook, read by [`crate::import::rows::read_rows`]. Banks print a few title rows
//! first (`中国农业银行账户明细`, `账号：…`, `户名：…`, `期初余额：…`); the header is the first
//! row naming a date column and an amount column (or income/expense columns). Below the lines,
//! summary rows (合计, 本页小计, 共 N 笔 …) and trailer text (打印时间：…, 注：…) are skipped.
//!
//! Three layouts are recognised by their headers, and a TOML [`ColumnMapping`] names the columns
//! of any other:
//!
//! | layout | columns |
//! | --- | --- |
//! | `debit-credit` | income 收入金额/贷方发生额/存入 … and expense 支出金额/借方发生额/支取 … |
//! | `signed-amount` | one amount 交易金额/发生额/金额, negative for money out |
//! | `amount-direction` | one amount and a direction 借贷标志/收支方向 … (借/贷, 支出/收入, D/C, 出/入) |
//!
//! Amounts are from the account holder's side: 贷 (credit) is money in, 借 (debit) money out, as
//! a bank prints a customer's statement. Every line's printed balance is checked against the one
//! before it; a file listed newest first is turned round so that the lines come oldest first.
//! Every bad row is reported, all at once, as `FILE:ROW: reason`.

use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::error::{Error, Result, RowError};
use crate::import::rows::read_rows;
use crate::import::sheet::Cell;
use crate::import::Encoding;
use crate::money::Amount;

/// A bank statement file as read and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementFile {
    /// The file's name as messages give it (`path.display()`).
    pub file: String,
    /// 账号 found in the title rows above the header, if any (as printed, trimmed).
    pub account_number: Option<String>,
    /// 户名 / 账户名称 found in the title rows, if any.
    pub account_name: Option<String>,
    /// The layout used: `debit-credit`, `signed-amount`, `amount-direction`, or `mapping FILE`.
    pub layout: String,
    /// The balance before the first line: a stated 期初余额 / 上期余额, else the first line's
    /// balance less its amount.
    pub opening: Option<Amount>,
    /// The balance after the last line.
    pub closing: Option<Amount>,
    /// The lines in the order money moved, oldest first.
    pub lines: Vec<BankLine>,
    /// The row of the header (the file's line or the sheet's row).
    pub header_row: u64,
    /// Whether the file listed its lines newest first (and they were turned round).
    pub newest_first: bool,
}

/// One line of a bank statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankLine {
    /// The file's line (CSV, 1-based) or the sheet's row number.
    pub row: u64,
    pub date: NaiveDate,
    /// Signed from the account holder's side: + money in, − money out.
    pub amount: Amount,
    /// The running balance printed on this line, if the file has one.
    pub balance: Option<Amount>,
    /// 摘要 and/or 用途/附言, joined with a space when both are there and differ.
    pub text: String,
    /// 对方户名, empty if none.
    pub counterparty: String,
    /// 对方账号, empty if none.
    pub counterparty_account: String,
    /// 交易流水号 / 凭证号 …, `None` when blank.
    pub serial: Option<String>,
}

/// The columns of a layout the built-in ones miss, from a TOML file:
///
/// ```toml
/// date = "交易时间"          # required
/// date_format = "%Y%m%d"     # optional chrono format
/// amount = "发生额"           # signed; or income = "贷方" / expense = "借方"
/// direction = "借贷"          # optional, with amount (+ out_marks = ["借"], in_marks = ["贷"])
/// balance = "余额"
/// text = ["摘要", "附言"]     # or one name
/// counterparty = "对方户名"
/// counterparty_account = "对方账号"
/// serial = "流水号"
/// header_row = 3             # optional: the header is this row (1-based)
/// ```
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ColumnMapping {
    pub date: String,
    #[serde(default)]
    pub date_format: Option<String>,
    #[serde(default)]
    pub amount: Option<String>,
    #[serde(default)]
    pub income: Option<String>,
    #[serde(default)]
    pub expense: Option<String>,
    #[serde(default)]
    pub direction: Option<String>,
    #[serde(default)]
    pub out_marks: Option<Vec<String>>,
    #[serde(default)]
    pub in_marks: Option<Vec<String>>,
    #[serde(default)]
    pub balance: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub text: Vec<String>,
    #[serde(default)]
    pub counterparty: Option<String>,
    #[serde(default)]
    pub counterparty_account: Option<String>,
    #[serde(default)]
    pub serial: Option<String>,
    #[serde(default)]
    pub header_row: Option<u64>,
    /// The mapping file's name as messages give it (set by [`ColumnMapping::load`]).
    #[serde(skip)]
    pub source: String,
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

impl ColumnMapping {
    /// The mapping in the TOML file at `path`; an unreadable file, an unknown key or a
    /// mapping that names no amount is an error naming the file.
    pub fn load(path: &Path) -> Result<ColumnMapping> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let source = path.display().to_string();
        let mut mapping: ColumnMapping = toml::from_str(&text).map_err(|e| {
            Error::Input(vec![RowError::new(
                &source,
                0,
                crate::tr!("bank-mapping-unreadable", reason = e.to_string()),
            )])
        })?;
        mapping.source = source;
        mapping.check()?;
        Ok(mapping)
    }

    /// Whether the mapping names its amount one way and only one, and a usable date format.
    fn check(&self) -> Result<()> {
        let fail = |reason: String| Err(Error::Input(vec![RowError::new(&self.source, 0, reason)]));
        if self.date.trim().is_empty() {
            return fail(crate::tr!("bank-mapping-no-date"));
        }
        let sides = self.income.is_some() || self.expense.is_some();
        match (&self.amount, sides) {
            (None, false) => return fail(crate::tr!("bank-mapping-no-amount")),
            (Some(_), true) => return fail(crate::tr!("bank-mapping-amount-twice")),
            _ => {}
        }
        if self.direction.is_some() && self.amount.is_none() {
            return fail(crate::tr!("bank-mapping-direction-alone"));
        }
        if let Some(f) = &self.date_format {
            let bad = f.trim().is_empty()
                || chrono::format::StrftimeItems::new(f)
                    .any(|i| matches!(i, chrono::format::Item::Error));
            if bad {
                return fail(crate::tr!("bank-mapping-date-format", format = f.as_str()));
            }
        }
        Ok(())
    }

    fn layout_name(&self) -> String {
        if self.source.is_empty() {
            "mapping".to_string()
        } else {
            format!("mapping {}", self.source)
        }
    }
}

/// The statement in the file at `path` (CSV in `encoding`, or a workbook), its columns found
/// by the built-in layouts or by `mapping`. Every bad row is an error, all reported together.
pub fn read_statement(
    path: &Path,
    encoding: Encoding,
    mapping: Option<&ColumnMapping>,
) -> Result<StatementFile> {
    if let Some(m) = mapping {
        m.check()?;
    }
    let workbook = is_workbook(path);
    let (file, rows) = read_rows(path, encoding)?;
    let rows: Vec<(u64, Vec<String>, Vec<Cell>)> = rows
        .into_iter()
        .map(|(line, cells)| {
            let texts = cells
                .iter()
                .map(|c| match c {
                    Cell::Text(t) => clean(t),
                    _ => String::new(),
                })
                .collect();
            (line, texts, cells)
        })
        .collect();
    if rows
        .iter()
        .all(|(_, texts, _)| texts.iter().all(String::is_empty))
    {
        return Err(Error::Input(vec![RowError::new(
            &file,
            0,
            crate::tr!("bank-empty"),
        )]));
    }
    let (header_at, mut layout) = match mapping {
        Some(m) => mapped_layout(&file, &rows, m)?,
        None => builtin_layout(&rows)
            .ok_or_else(|| Error::Input(vec![RowError::new(&file, 0, no_header_message())]))?,
    };
    if let Some(c) = layout.cols[Field::Expense as usize] {
        let (mut negative, mut positive) = (0usize, 0usize);
        for (_, texts, _) in &rows[header_at + 1..] {
            if let Some(Ok(Some(a))) = texts.get(c).map(|t| parse_money(t, workbook)) {
                if a.is_negative() {
                    negative += 1;
                } else if !a.is_zero() {
                    positive += 1;
                }
            }
        }
        layout.expense_negative = negative > 0 && positive == 0;
    }
    let mut reader = Reader {
        file: &file,
        layout: &layout,
        workbook,
        errors: Vec::new(),
        opening: None,
        lines_read: 0,
        account_number: None,
        account_name: None,
    };
    for (line, texts, _) in &rows[..header_at] {
        reader.title_row(*line, texts);
    }
    let header_key_of_date = layout.cols[Field::Date as usize]
        .and_then(|c| rows[header_at].1.get(c))
        .map(|t| header_key(t));
    let mut lines = Vec::new();
    for (line, texts, cells) in &rows[header_at + 1..] {
        if let (Some(key), Some(c)) = (&header_key_of_date, layout.cols[Field::Date as usize]) {
            // A header repeated on every page of a printed export.
            if texts.get(c).map(|t| header_key(t)).as_ref() == Some(key) {
                continue;
            }
        }
        if let Some(l) = reader.data_row(*line, texts, cells) {
            lines.push(l);
        }
    }
    let parse_failed = !reader.errors.is_empty();
    let newest_first = newest_first(&lines);
    if newest_first {
        lines.reverse();
    }
    let opening = reader.opening;
    if !parse_failed {
        check_balances(&file, &lines, opening, &mut reader.errors);
    }
    let opening = opening.or_else(|| {
        let first = lines.first()?;
        first.balance?.checked_add(-first.amount)
    });
    // The last printed balance, carried on by the amounts of any lines after it.
    let mut closing = opening;
    for l in &lines {
        closing = match (l.balance, closing) {
            (Some(b), _) => Some(b),
            // A sum beyond what an amount holds was reported by the check of the balances.
            (None, Some(c)) => c.checked_add(l.amount),
            (None, None) => None,
        };
    }
    let Reader {
        mut errors,
        account_number,
        account_name,
        ..
    } = reader;
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(Error::Input(errors));
    }
    let header_row = rows[header_at].0;
    Ok(StatementFile {
        file,
        account_number,
        account_name,
        layout: layout.name,
        opening,
        closing,
        lines,
        header_row,
        newest_first,
    })
}

mod balance;
mod cells;
#[cfg(test)]
mod fixtures;
mod layout;
mod reader;
#[cfg(test)]
mod tests;

use balance::*;
use cells::*;
use layout::*;
use reader::*;

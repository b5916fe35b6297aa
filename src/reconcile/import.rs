//! Keeping a statement read from the bank's file (`townledger bank import ACCOUNT FILE`).
//!
//! A statement is named by its month (`2024-09`) unless `--name` says otherwise, and covers
//! the months of its lines (or the month its name gives). Its opening balance must be the
//! closing balance of the account's statement before it, and its closing balance the opening
//! of the one after; a line also held from an overlapping statement must show the same
//! running balance. A line is held once per account: by the bank's serial number, else by its
//! date, amount, text and occurrence (the second identical line of a day is another line).
//! Re-importing a statement adds nothing.

use chrono::{Datelike, NaiveDate};

use super::statement_file::StatementFile;
use crate::error::{Error, Result, RowError};
use crate::money::{Amount, Total};
use crate::store::bank::{BankReads, NewBankLine};
use crate::store::Writer;
use crate::text::{check_stored_rule, NAME_MAX};

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportOutcome {
    pub account: String,
    pub statement: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub opening: Amount,
    pub closing: Amount,
    /// Lines added, and lines of the file already held.
    pub added: usize,
    pub already_held: usize,
    /// Whether the statement was held already (nothing was written).
    pub existed: bool,
}

/// The first and the last day of `date`'s month.
pub(super) fn month_bounds(date: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = date.with_day(1).unwrap_or(date);
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    (first, next.and_then(|n| n.pred_opt()).unwrap_or(first))
}

fn month_name(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

/// Keep the statement read into `file` (whose bytes hash to `sha256`) for `account`.
/// `name` overrides the name taken from the months; `opening` gives the opening balance of a
/// file that has no balance column.
pub fn import_statement(
    w: &mut Writer<'_>,
    account: &str,
    file: &StatementFile,
    sha256: &str,
    name: Option<&str>,
    opening: Option<Amount>,
) -> Result<ImportOutcome> {
    let Some(found) = w.account(account)?.cloned() else {
        return Err(Error::NotFound(crate::tr!(
            "account-unknown",
            name = account.trim()
        )));
    };
    if found.kind != crate::ledger::account::AccountKind::Asset {
        return Err(Error::rule(crate::tr!(
            "bank-account-not-asset",
            account = found.name.as_str()
        )));
    }
    let account_id = found.id;
    let at = |row: u64, reason: String| RowError::new(&file.file, row, reason);
    let first_row = file.lines.first().map_or(0, |l| l.row);

    // The period and the name.
    let named_month = name.and_then(|n| crate::period::parse_month(n).ok());
    let (from, to) = match (&named_month, file.lines.first(), file.lines.last()) {
        (Some((_, last)), _, _) => (month_bounds(*last).0, *last),
        (None, Some(first), Some(last)) => (month_bounds(first.date).0, month_bounds(last.date).1),
        _ => {
            return Err(Error::rule(crate::tr!(
                "bank-import-empty",
                file = &file.file
            )))
        }
    };
    let name = match name {
        Some(n) => {
            check_stored_rule("--name", n, NAME_MAX)?;
            named_month.map_or_else(|| n.trim().to_string(), |(m, _)| m)
        }
        None if month_name(from) == month_name(to) => month_name(from),
        None => format!("{}~{}", month_name(from), month_name(to)),
    };
    let mut errors: Vec<RowError> = file
        .lines
        .iter()
        .filter(|l| l.date < from || l.date > to)
        .map(|l| {
            at(
                l.row,
                crate::tr!(
                    "bank-line-outside-period",
                    date = l.date.to_string(),
                    statement = name.as_str(),
                    from = from.to_string(),
                    to = to.to_string()
                ),
            )
        })
        .collect();

    // Opening and closing balances.
    let statements = w.bank_statements(account_id)?;
    let before = statements
        .iter()
        .filter(|s| s.to < from)
        .max_by_key(|s| s.to);
    let after = statements
        .iter()
        .filter(|s| s.from > to)
        .min_by_key(|s| s.from);
    let opening = match (file.opening, opening) {
        (Some(o), _) | (None, Some(o)) => o,
        (None, None) => match before {
            Some(b) => b.closing,
            None => {
                return Err(Error::rule(crate::tr!(
                    "bank-import-no-opening",
                    file = &file.file
                )))
            }
        },
    };
    let mut total = Total::default();
    total.add(opening);
    for l in &file.lines {
        total.add(l.amount);
    }
    let computed = total.checked(|| file.file.clone())?;
    let closing = file.closing.unwrap_or(computed);
    if closing != computed {
        errors.push(at(
            file.lines.last().map_or(0, |l| l.row),
            crate::tr!(
                "bank-closing-wrong",
                expected = computed.grouped(),
                found = closing.grouped()
            ),
        ));
    }
    if let Some(b) = before.filter(|b| b.closing != opening) {
        errors.push(at(
            first_row,
            crate::tr!(
                "bank-balance-gap",
                statement = b.name.as_str(),
                expected = b.closing.grouped(),
                found = opening.grouped()
            ),
        ));
    }
    if let Some(a) = after.filter(|a| a.opening != closing) {
        errors.push(at(
            file.lines.last().map_or(0, |l| l.row),
            crate::tr!(
                "bank-balance-gap-after",
                statement = a.name.as_str(),
                expected = a.opening.grouped(),
                found = closing.grouped()
            ),
        ));
    }

    // Which lines are new.
    let mut occurrences: std::collections::HashMap<(NaiveDate, i64, &str), i64> =
        std::collections::HashMap::new();
    let mut fresh: Vec<NewBankLine<'_>> = Vec::with_capacity(file.lines.len());
    let mut already_held = 0;
    for l in &file.lines {
        let serial = l.serial.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let occurrence = if serial.is_some() {
            1
        } else {
            let n = occurrences
                .entry((l.date, l.amount.fen(), l.text.as_str()))
                .or_insert(0);
            *n += 1;
            *n
        };
        let held = match serial {
            Some(s) => w.bank_line_by_serial(account_id, s)?,
            None => w.bank_line_by_key(account_id, l.date, l.amount, &l.text, occurrence)?,
        };
        match held {
            Some((_, held_balance)) => {
                already_held += 1;
                if let (Some(h), Some(b)) = (held_balance, l.balance) {
                    if h != b {
                        errors.push(at(
                            l.row,
                            crate::tr!(
                                "bank-balance-overlap",
                                expected = h.grouped(),
                                found = b.grouped()
                            ),
                        ));
                    }
                }
            }
            None => fresh.push(NewBankLine {
                row: l.row,
                date: l.date,
                amount: l.amount,
                balance: l.balance,
                text: &l.text,
                counterparty: &l.counterparty,
                counterparty_account: &l.counterparty_account,
                serial,
                occurrence,
            }),
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(Error::Input(errors));
    }

    let outcome = |existed: bool, added: usize| ImportOutcome {
        account: found.name.clone(),
        statement: name.clone(),
        from,
        to,
        opening,
        closing,
        added,
        already_held,
        existed,
    };
    if let Some(held) = statements.iter().find(|s| s.name == name) {
        if held.sha256 == sha256
            || (fresh.is_empty() && held.opening == opening && held.closing == closing)
        {
            return Ok(outcome(true, 0));
        }
        return Err(Error::rule(crate::tr!(
            "bank-statement-exists",
            statement = name.as_str(),
            account = found.name.as_str(),
            source = held.source.as_str(),
            at = held.imported_at.as_str()
        )));
    }
    let statement = w.insert_bank_statement(
        account_id,
        &name,
        (from, to),
        opening,
        closing,
        &file.file,
        sha256,
        &file.layout,
    )?;
    for line in &fresh {
        w.insert_bank_line(account_id, statement, line)?;
    }
    let detail = crate::tr!(
        "bank-event-import",
        file = &file.file,
        added = fresh.len(),
        held = already_held
    );
    w.insert_bank_event(account_id, Some(statement), "import", &detail, None)?;
    Ok(outcome(false, fresh.len()))
}

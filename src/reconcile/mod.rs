//! Bank reconciliation 银行对账: the bank's own statement against the books.
//!
//! One yuan of a fund leaves the books as a posting to a bank account (`pay`, `grant pay`,
//! `fund spend`) and reaches the bank as a line of its statement. This module holds the two
//! together:
//!
//! - [`statement_file`] reads a statement as the bank exports it (GBK or UTF-8, CSV or a
//!   workbook, title and summary rows, the common column layouts or a mapping file), checking
//!   its running balance line by line;
//! - [`import`] keeps it: a statement per account and period, each bank line once however
//!   often statements overlap, balances continuing from the statement before;
//! - [`matching`] pairs bank lines with vouchers in rounds from the surest, and [`workflow`]
//!   keeps those matches and a person's own, unmatches, locks and unlocks;
//! - [`position`] is the state at a statement's end that the 银行存款余额调节表
//!   (`report::reconciliation`) prints: the book and bank balances, the items on each side not
//!   yet on the other, and the two adjusted balances that must agree.

pub mod demo;
pub mod import;
pub mod matching;
pub mod position;
pub mod statement_file;
pub mod workflow;

use crate::error::{Error, Result};
use crate::store::bank::{BankReads, BankStatement};

/// How many days apart a bank line and its voucher may be dated for the automatic rounds that
/// go by amount.
pub const DEFAULT_WINDOW_DAYS: i64 = 5;

/// The name of `account`'s statement named `name`, or when none is given its latest (by
/// end date); what `townledger reconcile ACCOUNT` and `reconcile report` use.
pub fn statement_or_latest(
    ledger: &crate::store::Ledger,
    account: &str,
    name: Option<&str>,
) -> Result<String> {
    if let Some(n) = name {
        return Ok(n.to_string());
    }
    let Some(found) = ledger.account(account)? else {
        return Err(Error::NotFound(crate::tr!(
            "account-unknown",
            name = account.trim()
        )));
    };
    ledger
        .bank_statements(found.id)?
        .into_iter()
        .max_by_key(|s| (s.to, s.id))
        .map(|s| s.name)
        .ok_or_else(|| {
            Error::NotFound(crate::tr!(
                "reconcile-no-statements",
                account = found.name.as_str()
            ))
        })
}

/// The statement of `account` named `name` (`2024-09`), or an error that lists the names
/// held.
pub fn statement_named(
    reads: &impl BankReads,
    account: (i64, &str),
    name: &str,
) -> Result<BankStatement> {
    let statements = reads.bank_statements(account.0)?;
    let name = name.trim();
    if let Some(s) = statements.iter().find(|s| s.name == name) {
        return Ok(s.clone());
    }
    let names: Vec<&str> = statements.iter().map(|s| s.name.as_str()).collect();
    Err(Error::NotFound(crate::tr!(
        "reconcile-no-statement",
        account = account.1,
        statement = name,
        held = if names.is_empty() {
            "-".to_string()
        } else {
            names.join(", ")
        }
    )))
}

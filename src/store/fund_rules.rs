//! The rules on fund balances, checked where every write passes: when a write commits
//! (`import postings`, `reverse`, `tilt`, `allocate post`, `pay`, whatever command comes next).
//!
//! A fund (a registered one, see `funds::registry`) never holds less than nothing, on any
//! date: a spend dated before the money that pays it arrives is refused, even when the money
//! is posted in the same write. Only the funds the write posted to are checked, from the first
//! month it posted to each in.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::account_index::{balance_before_in, entries_in, index_months, month_day};
use super::FastMap;
use crate::error::{Error, Result};
use crate::money::{Amount, Total};

/// Refuse the write if a fund it posted to would hold less than zero at the end of any day.
pub(super) fn check_funds_hold_enough(
    conn: &Connection,
    touched: &FastMap<i64, u32>,
) -> Result<()> {
    if touched.is_empty() {
        return Ok(());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, f.id, f.name, f.account FROM funds f JOIN accounts a ON a.name = f.account",
    )?;
    let funds: Vec<(i64, String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut months = None;
    for (account, id, name, account_name) in funds {
        let Some(&month) = touched.get(&account) else {
            continue;
        };
        let months = match &months {
            Some(m) => m,
            None => months.insert(index_months(conn)?),
        };
        let from = month_day(month, 1).unwrap_or(NaiveDate::MIN);
        if let Some((date, holds, txn)) = first_overdraft(conn, months, account, from)? {
            let voucher: String = conn
                .prepare_cached("SELECT voucher FROM transactions WHERE id = ?1")?
                .query_row([txn], |r| r.get(0))?;
            return Err(Error::rule(crate::tr!(
                "fund-overdrawn",
                fund = id.as_str(),
                name = name.as_str(),
                account = account_name.as_str(),
                holds = holds.grouped(),
                date = date,
                voucher = voucher.as_str()
            )));
        }
    }
    Ok(())
}

/// The first day from `from` on at whose end the liability `account` holds less than zero
/// (a debit balance): the day, what it would hold, and the transaction of the day's largest
/// spend.
fn first_overdraft(
    conn: &Connection,
    months: &[u32],
    account: i64,
    from: NaiveDate,
) -> Result<Option<(NaiveDate, Amount, i64)>> {
    let mut balance: Total = balance_before_in(conn, months, account, from)?;
    let entries = entries_in(conn, months, account, from, NaiveDate::MAX)?;
    let mut at = 0;
    while at < entries.len() {
        let day = entries[at].0;
        let (mut spend, mut largest) = (entries[at].1.txn, i64::MIN);
        while at < entries.len() && entries[at].0 == day {
            let e = entries[at].1;
            balance.add_fen(e.fen);
            if e.fen > largest {
                (spend, largest) = (e.txn, e.fen);
            }
            at += 1;
        }
        // A liability's balance is a credit: negative when it holds money.
        let holds = -balance.checked(|| "a fund's balance".to_string())?;
        if holds.is_negative() {
            return Ok(Some((day, holds, spend)));
        }
    }
    Ok(None)
}

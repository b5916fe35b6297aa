//! The rules on fund balances, checked where every write passes: when a write commits
//! (`import postings`, `reverse`, `tilt`, `allocate post`, `pay`, whatever command comes next).
//!
//! A fund (a registered one, see `funds::registry`) never holds less than nothing, on any
//! date: a spend dated before the money that pays it arrives is refused, even when the money
//! is posted in the same write. Only the funds the write posted to are checked, from the first
//! month it posted to each in.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::account_index::{balance_before_in, entries_in, index_months, month_day, Entry};
use super::FastMap;
use crate::error::{Error, Result};
use crate::money::{Amount, Total};

/// Refuse the write if a fund it posted to would hold less than zero at the end of any day,
/// or would spend money given for one purpose on another.
pub(super) fn check_funds_hold_enough(
    conn: &Connection,
    touched: &FastMap<i64, u32>,
) -> Result<()> {
    if touched.is_empty() {
        return Ok(());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, f.id, f.name, f.account FROM funds f
         JOIN accounts a ON a.name = f.account
                         OR (a.name > f.account || ':' AND a.name < f.account || ';')
         ORDER BY f.rowid, a.id",
    )?;
    let rows: Vec<(i64, String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    // Each fund with its accounts (its own and those under it) and the first month touched.
    struct Touched {
        id: String,
        name: String,
        account: String,
        accounts: Vec<i64>,
        first: Option<u32>,
    }
    let mut funds: Vec<Touched> = Vec::new();
    for (account, id, name, account_name) in rows {
        if funds.last().is_none_or(|f| f.id != id) {
            funds.push(Touched {
                id,
                name,
                account: account_name,
                accounts: Vec::new(),
                first: None,
            });
        }
        let fund = funds.last_mut().expect("pushed");
        fund.accounts.push(account);
        if let Some(&month) = touched.get(&account) {
            fund.first = Some(fund.first.map_or(month, |m| m.min(month)));
        }
    }
    let mut months = None;
    for Touched {
        id,
        name,
        account: account_name,
        accounts,
        first,
    } in funds
    {
        let Some(month) = first else {
            continue;
        };
        let months = match &months {
            Some(m) => m,
            None => months.insert(index_months(conn)?),
        };
        let from = month_day(month, 1).unwrap_or(NaiveDate::MIN);
        if let Some((date, holds, txn)) = first_below_zero(conn, months, &accounts, from, -1)? {
            return Err(Error::rule(crate::tr!(
                "fund-overdrawn",
                fund = id.as_str(),
                name = name.as_str(),
                account = account_name.as_str(),
                holds = holds.grouped(),
                date = date,
                voucher = voucher_of(conn, txn)?.as_str()
            )));
        }
        check_restricted(conn, months, &id, &name, &accounts)?;
    }
    Ok(())
}

/// Refuse the write if an account it paid from (see `Writer::pay_only_what_is_held`) would
/// hold less than nothing at the end of a day.
pub(super) fn check_paid_from_what_is_held(
    conn: &Connection,
    touched: &FastMap<i64, u32>,
    guarded: &[i64],
) -> Result<()> {
    let mut months = None;
    for &account in guarded {
        let Some(&month) = touched.get(&account) else {
            continue;
        };
        let months = match &months {
            Some(m) => m,
            None => months.insert(index_months(conn)?),
        };
        let from = month_day(month, 1).unwrap_or(NaiveDate::MIN);
        if let Some((date, holds, txn)) = first_below_zero(conn, months, &[account], from, 1)? {
            let name: String = conn
                .prepare_cached("SELECT name FROM accounts WHERE id = ?1")?
                .query_row([account], |r| r.get(0))?;
            return Err(Error::rule(crate::tr!(
                "pay-from-overdrawn",
                account = name.as_str(),
                holds = holds.grouped(),
                date = date,
                voucher = voucher_of(conn, txn)?.as_str()
            )));
        }
    }
    Ok(())
}

/// The voucher of transaction `txn`, with the clerk's own number when it has one
/// (`2024-07-0002（S2）`).
fn voucher_of(conn: &Connection, txn: i64) -> Result<String> {
    let (voucher, external): (String, Option<String>) = conn
        .prepare_cached("SELECT voucher, external_id FROM transactions WHERE id = ?1")?
        .query_row([txn], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(match external {
        Some(id) if id != voucher => format!("{voucher}（{id}）"),
        _ => voucher,
    })
}

/// The postings on `accounts` dated `from` on, in date order (then posting order).
fn fund_entries(
    conn: &Connection,
    months: &[u32],
    accounts: &[i64],
    from: NaiveDate,
) -> Result<Vec<(NaiveDate, i64, Entry)>> {
    let mut entries = Vec::new();
    for &account in accounts {
        entries.extend(
            entries_in(conn, months, account, from, NaiveDate::MAX)?
                .into_iter()
                .map(|(d, e)| (d, account, e)),
        );
    }
    if accounts.len() > 1 {
        entries.sort_by_key(|(d, _, e)| (*d, e.txn));
    }
    Ok(entries)
}

/// The first day from `from` on at whose end `accounts` together hold less than zero: the
/// day, what they would hold, and the transaction of the day's largest spend. `sign` is 1
/// for assets (a debit balance is what they hold), -1 for liabilities (a credit balance).
fn first_below_zero(
    conn: &Connection,
    months: &[u32],
    accounts: &[i64],
    from: NaiveDate,
    sign: i64,
) -> Result<Option<(NaiveDate, Amount, i64)>> {
    let mut balance = Total::ZERO;
    for &account in accounts {
        balance.add_total(balance_before_in(conn, months, account, from)?);
    }
    let entries = fund_entries(conn, months, accounts, from)?;
    let mut at = 0;
    while at < entries.len() {
        let day = entries[at].0;
        let (mut spend, mut largest) = (entries[at].2.txn, i64::MIN);
        while at < entries.len() && entries[at].0 == day {
            let e = entries[at].2;
            balance.add_fen(e.fen);
            let out = -sign * e.fen;
            if out > largest {
                (spend, largest) = (e.txn, out);
            }
            at += 1;
        }
        let held = balance.checked(|| "a balance".to_string())?;
        let holds = if sign < 0 { -held } else { held };
        if holds.is_negative() {
            return Ok(Some((day, holds, spend)));
        }
    }
    Ok(None)
}

/// One posting on a fund's accounts, as the restricted-money walk sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FundFlow {
    pub date: NaiveDate,
    pub txn: i64,
    pub line: u32,
    /// Signed as the journal has it: a credit (money in) is negative.
    pub fen: i64,
    pub purpose: Option<String>,
    /// Of a spend: what it took from money given for its purpose.
    pub from_restricted: i128,
}

/// What a fund holds apart: money given for each purpose, and money given for none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Restricted {
    /// By purpose; sums of i64 amounts in i128 cannot overflow.
    pub given: std::collections::BTreeMap<String, i128>,
    pub free: i128,
}

/// Walk every posting on fund `fund`'s `accounts` in date order. Each day, money comes in
/// first; a spend for a purpose takes the money given for it first and unrestricted money
/// after; a spend for no purpose, or beyond what was given for its purpose, takes
/// unrestricted money only. `day_end` sees each day's flows and what is held at its end, and
/// stops the walk by returning an error.
pub(crate) fn walk_restricted(
    conn: &Connection,
    months: &[u32],
    fund: &str,
    accounts: &[i64],
    mut day_end: impl FnMut(NaiveDate, &[FundFlow], &Restricted) -> Result<()>,
) -> Result<Restricted> {
    // The purposes postings were tagged with, by (txn, line).
    let mut purposes: FastMap<(i64, u32), String> = FastMap::default();
    let mut stmt = conn.prepare_cached(
        "SELECT txn, line, purpose FROM fund_movements WHERE fund = ?1 AND purpose IS NOT NULL",
    )?;
    let mut rows = stmt.query([fund])?;
    while let Some(r) = rows.next()? {
        purposes.insert((r.get(0)?, r.get(1)?), r.get(2)?);
    }
    let entries = fund_entries(conn, months, accounts, NaiveDate::MIN)?;
    let mut held = Restricted::default();
    let mut flows: Vec<FundFlow> = Vec::new();
    let mut at = 0;
    while at < entries.len() {
        let day = entries[at].0;
        let end = entries[at..]
            .iter()
            .position(|(d, _, _)| *d != day)
            .map_or(entries.len(), |n| at + n);
        flows.clear();
        for spending in [false, true] {
            for (_, _, e) in entries[at..end]
                .iter()
                .filter(|(_, _, e)| (e.fen > 0) == spending)
            {
                let purpose = purposes.get(&(e.txn, e.line)).cloned();
                let fen = i128::from(e.fen);
                let mut from_restricted = 0;
                if !spending {
                    match &purpose {
                        Some(p) => *held.given.entry(p.clone()).or_default() -= fen,
                        None => held.free -= fen,
                    }
                } else {
                    if let Some(given) = purpose.as_ref().and_then(|p| held.given.get_mut(p)) {
                        from_restricted = fen.min(*given).max(0);
                        *given -= from_restricted;
                    }
                    held.free -= fen - from_restricted;
                }
                flows.push(FundFlow {
                    date: day,
                    txn: e.txn,
                    line: e.line,
                    fen: e.fen,
                    purpose,
                    from_restricted,
                });
            }
        }
        day_end(day, &flows, &held)?;
        at = end;
    }
    Ok(held)
}

/// Money given to fund `fund` for a purpose (a credit with a purpose) is spent on that
/// purpose only (see [`walk_restricted`]). Refused when, at the end of a day, the
/// unrestricted money would be less than nothing: a spend would have used money given for
/// another purpose.
fn check_restricted(
    conn: &Connection,
    months: &[u32],
    fund: &str,
    name: &str,
    accounts: &[i64],
) -> Result<()> {
    let restricted: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM fund_movements
                            WHERE fund = ?1 AND purpose IS NOT NULL AND fen < 0)",
        )?
        .query_row([fund], |r| r.get(0))?;
    if !restricted {
        return Ok(());
    }
    walk_restricted(conn, months, fund, accounts, |day, flows, held| {
        if held.free >= 0 {
            return Ok(());
        }
        // The day's last spend that took unrestricted money.
        let culprit = flows
            .iter()
            .rev()
            .find(|f| f.fen > 0 && i128::from(f.fen) > f.from_restricted)
            .unwrap_or(&flows[0]);
        let restricted: Vec<String> = held
            .given
            .iter()
            .filter(|(_, &fen)| fen > 0)
            .map(|(p, &fen)| format!("{p} {}", Total::ZERO.plus_fen(fen).grouped()))
            .collect();
        Err(Error::rule(crate::tr!(
            "fund-restricted-misused",
            fund = fund,
            name = name,
            date = day,
            voucher = voucher_of(conn, culprit.txn)?.as_str(),
            purpose = culprit
                .purpose
                .clone()
                .unwrap_or_else(|| crate::tr!("fund-no-purpose")),
            free = Total::ZERO.plus_fen(held.free).grouped(),
            restricted = restricted.join("、")
        )))
    })?;
    Ok(())
}

/// The accounts of fund `fund`: its own and those under it.
pub(crate) fn fund_accounts(conn: &Connection, fund: &str) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id FROM funds f
         JOIN accounts a ON a.name = f.account
                         OR (a.name > f.account || ':' AND a.name < f.account || ';')
         WHERE f.id = ?1 ORDER BY a.id",
    )?;
    let ids = stmt.query_map([fund], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

impl super::Writer<'_> {
    /// What fund `fund` holds apart, as this write has it so far: money given for each
    /// purpose, and unrestricted money.
    pub fn fund_held(&mut self, fund: &str) -> Result<Restricted> {
        self.settle()?;
        let conn = self.sql();
        let accounts = fund_accounts(conn, fund)?;
        let months = index_months(conn)?;
        walk_restricted(conn, &months, fund, &accounts, |_, _, _| Ok(()))
    }
}

impl super::Ledger {
    /// Every posting on fund `fund`'s accounts, in date order, with what each spend took
    /// from money given for its purpose; and what the fund holds apart at the end.
    pub fn fund_flows(&self, fund: &str) -> Result<(Vec<FundFlow>, Restricted)> {
        let conn = &self.conn;
        let accounts = fund_accounts(conn, fund)?;
        let months = index_months(conn)?;
        let mut all = Vec::new();
        let held = walk_restricted(conn, &months, fund, &accounts, |_, flows, _| {
            all.extend_from_slice(flows);
            Ok(())
        })?;
        Ok((all, held))
    }
}

//! Each account's opening balance and its debits and credits over a period: what the 科目余额表
//! (account balance sheet) prints.
//!
//! The opening balance comes from the per-month totals of the account index, as a balance
//! does; the period's debits and credits from the packed entries of the index rows of the
//! period's months (a debit and a credit to one account in one month would cancel in the
//! month's total, so the entries are read). No transaction is read.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rusqlite::params;

use super::account_index::{decode_entries, month_key};
use super::Ledger;
use crate::error::Result;
use crate::ledger::Account;
use crate::money::{Amount, Total};

/// One account's figures for a period: own postings only (no sub-accounts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountMovement {
    pub account: Account,
    /// The balance of postings dated before the period (debit positive).
    pub opening: Amount,
    /// The sum of the period's debit postings (≥ 0).
    pub debit: Amount,
    /// The sum of the period's credit postings, as a positive figure (≥ 0).
    pub credit: Amount,
}

/// Exact sums for one account.
#[derive(Clone, Copy, Debug, Default)]
struct Sums {
    opening: Total,
    debit: Total,
    credit: Total,
}

impl Ledger {
    /// Every account with an opening balance or a posting in `[from, to]` (either end open):
    /// its balance before `from` and the period's debits and credits. Accounts with neither
    /// are left out; the order is by name.
    pub fn movements(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<AccountMovement>> {
        let read = self.conn.unchecked_transaction()?;
        let mut sums: HashMap<i64, Sums> = HashMap::new();
        // Dates as `yyyymmdd` numbers, the period's ends included.
        let day_key = |month: u32, day: u32| u64::from(month) * 100 + u64::from(day);
        let from_key = from.map_or(0, |f| day_key(month_key(f), f.day()));
        let to_key = to.map_or(u64::MAX, |t| day_key(month_key(t), t.day()));
        let first_month = from.map_or(0, month_key);
        // Whole months before the period: their totals.
        {
            let mut before = read
                .prepare_cached("SELECT account, total FROM account_postings WHERE month < ?1")?;
            let mut rows = before.query([first_month])?;
            while let Some(row) = rows.next()? {
                let total: i64 = row.get(1)?;
                if total != 0 {
                    sums.entry(row.get(0)?).or_default().opening.add_fen(total);
                }
            }
        }
        // The period's months (the first may begin before it): their entries.
        let last_month = to.map_or(u32::MAX, month_key).max(first_month);
        let mut during = read.prepare_cached(
            "SELECT month, account, entries FROM account_postings WHERE month BETWEEN ?1 AND ?2",
        )?;
        let mut rows = during.query(params![first_month, last_month])?;
        while let Some(row) = rows.next()? {
            let month: u32 = row.get(0)?;
            let account: i64 = row.get(1)?;
            let blob = row.get_ref(2)?.as_blob_or_null()?.unwrap_or_default();
            let (mut opening, mut debit, mut credit) = (0i128, 0i128, 0i128);
            decode_entries(blob, |e| {
                let key = day_key(month, e.day);
                if key < from_key {
                    opening += i128::from(e.fen);
                } else if key <= to_key {
                    if e.fen >= 0 {
                        debit += i128::from(e.fen);
                    } else {
                        credit -= i128::from(e.fen);
                    }
                }
            })?;
            if opening != 0 || debit != 0 || credit != 0 {
                let s = sums.entry(account).or_default();
                s.opening = s.opening.plus_fen(opening);
                s.debit = s.debit.plus_fen(debit);
                s.credit = s.credit.plus_fen(credit);
            }
        }
        drop(rows);
        drop(during);
        let accounts: HashMap<i64, Account> =
            self.accounts()?.into_iter().map(|a| (a.id, a)).collect();
        let mut out = Vec::with_capacity(sums.len());
        // In account order, so that a sum beyond the limit is reported the same way each time.
        let mut sums: Vec<(i64, Sums)> = sums.into_iter().collect();
        sums.sort_unstable_by_key(|(id, _)| *id);
        for (id, s) in sums {
            if s.opening.is_zero() && s.debit.is_zero() && s.credit.is_zero() {
                continue;
            }
            let account = accounts[&id].clone();
            let name = &account.name;
            out.push(AccountMovement {
                opening: s
                    .opening
                    .checked(|| crate::tr!("total-opening-of", name = name.to_string()))?,
                debit: s
                    .debit
                    .checked(|| crate::tr!("total-debits-of", name = name.to_string()))?,
                credit: s
                    .credit
                    .checked(|| crate::tr!("total-credits-of", name = name.to_string()))?,
                account,
            });
        }
        out.sort_by(|a, b| a.account.name.cmp(&b.account.name));
        Ok(out)
    }
}

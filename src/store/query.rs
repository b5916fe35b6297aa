//! Reads: accounts, balances, registers, the journal in order.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::Ledger;
use crate::error::{Error, Result};
use crate::ledger::{Account, AccountKind, Posting, Transaction};
use crate::money::Amount;

/// One account's balance over a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountBalance {
    pub account: Account,
    pub amount: Amount,
}

/// One posting in an account's register.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RegisterLine {
    pub date: NaiveDate,
    pub voucher: String,
    pub account: String,
    pub memo: String,
    pub household: Option<String>,
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    pub amount: Amount,
    pub running: Amount,
}

/// The chain head recorded at the last write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainHead {
    pub length: i64,
    pub hash: String,
}

pub(super) fn account_from_row(r: &Row<'_>) -> rusqlite::Result<Account> {
    let kind: String = r.get(3)?;
    Ok(Account {
        id: r.get(0)?,
        name: r.get(1)?,
        code: r.get(2)?,
        kind: kind.parse::<AccountKind>().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, e.into())
        })?,
    })
}

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn parse_stored_date(s: &str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("day 1 exists")
}

fn last_of_month(d: NaiveDate) -> NaiveDate {
    let next = if d.month() == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
    };
    next.expect("valid month") - Duration::days(1)
}

fn month_text(d: NaiveDate) -> String {
    d.format("%Y-%m").to_string()
}

pub(super) fn transaction_by_voucher(
    conn: &Connection,
    voucher: &str,
) -> Result<Option<Transaction>> {
    let header = conn
        .prepare_cached(
            "SELECT id, voucher, date, external_id, memo, reverses, reason, operator, posted_at
             FROM transactions WHERE voucher = ?1",
        )?
        .query_row([voucher], transaction_header)
        .optional()?;
    let Some(mut txn) = header else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT a.name, p.amount, p.memo, p.household, p.ref
         FROM postings p JOIN accounts a ON a.id = p.account WHERE p.txn = ?1 ORDER BY p.line",
    )?;
    txn.postings = stmt
        .query_map([txn.id], |r| {
            Ok(Posting {
                account: r.get(0)?,
                amount: Amount::from_fen(r.get(1)?),
                memo: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                household: r.get(3)?,
                reference: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(txn))
}

fn transaction_header(r: &Row<'_>) -> rusqlite::Result<Transaction> {
    let date: String = r.get(2)?;
    Ok(Transaction {
        id: r.get(0)?,
        voucher: r.get(1)?,
        date: parse_stored_date(&date)?,
        external_id: r.get(3)?,
        memo: r.get(4)?,
        reverses: r.get(5)?,
        reason: r.get(6)?,
        operator: r.get(7)?,
        posted_at: r.get(8)?,
        postings: Vec::new(),
    })
}

impl Ledger {
    pub fn accounts(&self) -> Result<Vec<Account>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name, code, kind FROM accounts ORDER BY name")?;
        let rows = stmt.query_map([], account_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// An account by exact name or by code.
    pub fn account(&self, name_or_code: &str) -> Result<Option<Account>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, name, code, kind FROM accounts WHERE name = ?1
                 UNION ALL
                 SELECT id, name, code, kind FROM accounts WHERE code = ?1
                 LIMIT 1",
            )?
            .query_row([name_or_code], account_from_row)
            .optional()?)
    }

    /// Each account's balance from postings dated in `[from, to]` (either end open), own
    /// postings only (no sub-accounts); accounts without postings in the period are left out.
    pub fn balances(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<AccountBalance>> {
        let read = self.conn.unchecked_transaction()?;
        let mut totals: HashMap<i64, i64> = HashMap::new();
        // Whole months come from the per-month totals; partial months at either end from the
        // postings themselves.
        let full_from = from.map(|f| {
            if f.day() == 1 {
                f
            } else {
                last_of_month(f) + Duration::days(1)
            }
        });
        let full_to = to.map(|t| {
            if t == last_of_month(t) {
                t
            } else {
                first_of_month(t) - Duration::days(1)
            }
        });
        let have_full_months = match (full_from, full_to) {
            (Some(a), Some(b)) => a <= b,
            _ => true,
        };
        let mut add_postings = |lo: NaiveDate, hi: NaiveDate| -> Result<()> {
            let mut stmt = read.prepare_cached(
                "SELECT p.account, SUM(p.amount) FROM transactions t JOIN postings p ON p.txn = t.id
                 WHERE t.date BETWEEN ?1 AND ?2 GROUP BY p.account",
            )?;
            let rows = stmt.query_map(params![date_text(lo), date_text(hi)], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })?;
            for row in rows {
                let (account, amount) = row?;
                *totals.entry(account).or_insert(0) += amount;
            }
            Ok(())
        };
        if have_full_months {
            if let (Some(f), Some(ff)) = (from, full_from) {
                if f < ff {
                    add_postings(f, ff - Duration::days(1))?;
                }
            }
            if let (Some(t), Some(ft)) = (to, full_to) {
                if ft < t {
                    add_postings(ft + Duration::days(1), t)?;
                }
            }
            let lo = full_from.map(month_text).unwrap_or_default();
            let hi = full_to
                .map(month_text)
                .unwrap_or_else(|| "9999-99".to_string());
            let mut stmt = read.prepare_cached(
                "SELECT account, SUM(amount) FROM account_months
                 WHERE month BETWEEN ?1 AND ?2 GROUP BY account",
            )?;
            let rows = stmt.query_map(params![lo, hi], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })?;
            for row in rows {
                let (account, amount) = row?;
                *totals.entry(account).or_insert(0) += amount;
            }
        } else {
            add_postings(from.expect("bounded"), to.expect("bounded"))?;
        }
        let accounts: HashMap<i64, Account> =
            self.accounts()?.into_iter().map(|a| (a.id, a)).collect();
        let mut out: Vec<AccountBalance> = totals
            .into_iter()
            .filter(|(_, amount)| *amount != 0)
            .map(|(id, amount)| AccountBalance {
                account: accounts[&id].clone(),
                amount: Amount::from_fen(amount),
            })
            .collect();
        out.sort_by(|a, b| a.account.name.cmp(&b.account.name));
        Ok(out)
    }

    /// Accounts named `name` or below it (`name:…`), by exact name or code.
    pub fn account_and_descendants(&self, name_or_code: &str) -> Result<Vec<Account>> {
        let Some(root) = self.account(name_or_code)? else {
            // A parent that exists only through its children (资产:银行存款 when only
            // 资产:银行存款:基本户 was created) still names them.
            let prefix = format!("{name_or_code}:");
            let children: Vec<Account> = self
                .accounts()?
                .into_iter()
                .filter(|a| a.name.starts_with(&prefix))
                .collect();
            if children.is_empty() {
                return Err(Error::NotFound(format!(
                    "no account '{name_or_code}' (see `townledger accounts list`)"
                )));
            }
            return Ok(children);
        };
        let prefix = format!("{}:", root.name);
        let mut out: Vec<Account> = self
            .accounts()?
            .into_iter()
            .filter(|a| a.name.starts_with(&prefix))
            .collect();
        out.insert(0, root);
        Ok(out)
    }

    /// Every posting to `accounts` dated in `[from, to]`, in date and voucher order, with a
    /// running balance that starts from the balance before `from`.
    pub fn register(
        &self,
        accounts: &[Account],
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<RegisterLine>> {
        let read = self.conn.unchecked_transaction()?;
        let lo = from.map(date_text).unwrap_or_default();
        let hi = to.map(date_text).unwrap_or_else(|| "9999-99-99".into());
        let mut opening = 0i64;
        let mut lines: Vec<(i64, i64, RegisterLine)> = Vec::new();
        {
            let mut before = read.prepare_cached(
                "SELECT COALESCE(SUM(amount), 0) FROM postings WHERE account = ?1 AND date < ?2",
            )?;
            let mut stmt = read.prepare_cached(
                "SELECT p.date, t.voucher, t.memo, p.memo, p.amount, p.household, p.ref, p.txn, p.line
                 FROM postings p JOIN transactions t ON t.id = p.txn
                 WHERE p.account = ?1 AND p.date BETWEEN ?2 AND ?3
                 ORDER BY p.date, p.txn, p.line",
            )?;
            for account in accounts {
                if from.is_some() {
                    opening += before.query_row(params![account.id, lo], |r| r.get::<_, i64>(0))?;
                }
                let rows = stmt.query_map(params![account.id, lo, hi], |r| {
                    let date: String = r.get(0)?;
                    let txn_memo: String = r.get(2)?;
                    let memo: Option<String> = r.get(3)?;
                    Ok((
                        r.get::<_, i64>(7)?,
                        r.get::<_, i64>(8)?,
                        RegisterLine {
                            date: parse_stored_date(&date)?,
                            voucher: r.get(1)?,
                            account: account.name.clone(),
                            memo: memo.filter(|m| !m.is_empty()).unwrap_or(txn_memo),
                            household: r.get(5)?,
                            reference: r.get(6)?,
                            amount: Amount::from_fen(r.get(4)?),
                            running: Amount::ZERO,
                        },
                    ))
                })?;
                for row in rows {
                    lines.push(row?);
                }
            }
        }
        if accounts.len() > 1 {
            lines.sort_by_key(|l| (l.2.date, l.0, l.1));
        }
        let mut running = Amount::from_fen(opening);
        Ok(lines
            .into_iter()
            .map(|(_, _, mut line)| {
                running += line.amount;
                line.running = running;
                line
            })
            .collect())
    }

    /// The balance of `accounts` before `date` (for a register's opening line).
    pub fn balance_before(&self, accounts: &[Account], date: NaiveDate) -> Result<Amount> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT COALESCE(SUM(amount), 0) FROM postings WHERE account = ?1 AND date < ?2",
        )?;
        let mut total = Amount::ZERO;
        for account in accounts {
            total += Amount::from_fen(
                stmt.query_row(params![account.id, date_text(date)], |r| r.get(0))?,
            );
        }
        Ok(total)
    }

    pub fn transaction_by_voucher(&self, voucher: &str) -> Result<Option<Transaction>> {
        transaction_by_voucher(&self.conn, voucher)
    }

    /// Call `f` with every transaction in posting order, with its postings and stored hash,
    /// streaming (the journal is never held in memory). One consistent snapshot.
    pub fn for_each_transaction(
        &self,
        mut f: impl FnMut(&Transaction, &[u8]) -> Result<()>,
    ) -> Result<()> {
        let read = self.conn.unchecked_transaction()?;
        let names: HashMap<i64, String> = {
            let mut stmt = read.prepare("SELECT id, name FROM accounts")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut txns = read.prepare(
            "SELECT id, voucher, date, external_id, memo, reverses, reason, operator, posted_at, hash
             FROM transactions ORDER BY id",
        )?;
        let mut postings = read.prepare(
            "SELECT txn, account, amount, memo, household, ref, date FROM postings ORDER BY txn, line",
        )?;
        let mut txn_rows = txns.query([])?;
        let mut posting_rows = postings.query([])?;
        let mut pending: Option<(i64, String, Posting)> = None;
        let read_posting = |r: &Row<'_>| -> Result<(i64, String, Posting)> {
            let account: i64 = r.get(1)?;
            Ok((
                r.get(0)?,
                r.get(6)?,
                Posting {
                    account: names
                        .get(&account)
                        .cloned()
                        .unwrap_or_else(|| format!("<missing account #{account}>")),
                    amount: Amount::from_fen(r.get(2)?),
                    memo: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    household: r.get(4)?,
                    reference: r.get(5)?,
                },
            ))
        };
        while let Some(row) = txn_rows.next()? {
            let mut txn = transaction_header(row)?;
            let hash: Vec<u8> = row.get(9)?;
            loop {
                if pending.is_none() {
                    pending = match posting_rows.next()? {
                        Some(r) => Some(read_posting(r)?),
                        None => None,
                    };
                }
                match pending.take() {
                    Some((id, date, posting)) if id == txn.id => {
                        if parse_stored_date(&date).ok() != Some(txn.date) {
                            return Err(Error::Tampered(format!(
                                "voucher {}: a posting is dated {date}, not the transaction's date {}",
                                txn.voucher, txn.date
                            )));
                        }
                        txn.postings.push(posting)
                    }
                    Some((id, _, _)) if id < txn.id => {
                        return Err(Error::Tampered(format!(
                            "transaction #{id} is gone from the journal but its postings remain (just before voucher {})",
                            txn.voucher
                        )));
                    }
                    other => {
                        pending = other;
                        break;
                    }
                }
            }
            f(&txn, &hash)?;
        }
        if let Some((id, _, _)) = pending {
            return Err(Error::Tampered(format!(
                "postings refer to transaction #{id}, which is not in the journal"
            )));
        }
        Ok(())
    }

    /// The stored per-month account totals: ((account name, month), fen).
    pub fn month_totals(&self) -> Result<HashMap<(String, String), i64>> {
        let mut stmt = self.conn.prepare(
            "SELECT a.name, m.month, m.amount FROM account_months m JOIN accounts a ON a.id = m.account",
        )?;
        let rows = stmt.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The chain head recorded at the last write, if anything was ever posted.
    pub fn chain_head(&self) -> Result<Option<ChainHead>> {
        let get = |key: &str| -> Result<Option<String>> {
            Ok(self
                .conn
                .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
                .query_row([key], |r| r.get(0))
                .optional()?)
        };
        match (get("chain_length")?, get("chain_head")?) {
            (Some(length), Some(hash)) => Ok(Some(ChainHead {
                length: length.parse().unwrap_or(-1),
                hash,
            })),
            _ => Ok(None),
        }
    }

    /// Number of transactions and postings.
    pub fn counts(&self) -> Result<(i64, i64)> {
        Ok((
            self.conn
                .query_row("SELECT COUNT(*) FROM transactions", [], |r| r.get(0))?,
            self.conn
                .query_row("SELECT COUNT(*) FROM postings", [], |r| r.get(0))?,
        ))
    }

    /// The earliest transaction date, if any (for `open` directives in exports).
    pub fn first_use_dates(&self) -> Result<HashMap<String, NaiveDate>> {
        let mut stmt = self.conn.prepare(
            "SELECT a.name, (SELECT MIN(p.date) FROM postings p WHERE p.account = a.id) FROM accounts a",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })?;
        let mut out = HashMap::new();
        for row in rows {
            let (name, date) = row?;
            if let Some(date) = date {
                out.insert(name, parse_stored_date(&date)?);
            }
        }
        Ok(out)
    }
}

//! Reads: accounts, balances, registers, the journal in order.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::account_index;
use super::postings_json::{self, StoredPosting};
use super::Ledger;
use crate::error::{Error, Result};
use crate::ledger::{Account, AccountKind, Posting, Transaction};
use crate::money::{Amount, Total};

/// One account's balance over a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountBalance {
    pub account: Account,
    pub amount: Amount,
}

/// The postings of an account's register, held as a few numbers each (40 bytes), whatever
/// their texts: [`Register::line`] reads a posting's voucher, memo and household from the
/// journal when it is asked for, so a register of any length takes little memory. Posted
/// transactions never change, so what it reads is what was there when the register was made.
pub struct Register {
    /// Names of the accounts the register covers, by index.
    accounts: Vec<String>,
    lines: Vec<RegisterEntry>,
    reader: std::sync::Mutex<TransactionReader>,
}

impl std::fmt::Debug for Register {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Register({} postings)", self.lines.len())
    }
}

#[derive(Clone, Copy, Debug)]
struct RegisterEntry {
    date: NaiveDate,
    account: u32,
    place: u32,
    txn: i64,
    amount: i64,
    running: i64,
}

/// A read-only connection that reads one transaction's voucher, memo and postings.
struct TransactionReader {
    conn: Connection,
    stored: Vec<StoredPosting>,
}

/// What a register shows of one posting besides its amount.
pub struct PostingText<'a> {
    pub voucher: &'a str,
    /// The number the clerk wrote on the voucher (its import `txn_id`), if it had one.
    pub clerk_number: Option<&'a str>,
    pub memo: &'a str,
    pub household: Option<&'a str>,
    pub reference: Option<&'a str>,
}

impl TransactionReader {
    /// The texts of posting `place` of transaction `txn`, given to `f`.
    fn read<T>(&mut self, txn: i64, place: u32, f: impl FnOnce(PostingText<'_>) -> T) -> Result<T> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT voucher, memo, postings, external_id FROM transactions WHERE id = ?1",
        )?;
        let mut rows = stmt.query([txn])?;
        let row = rows
            .next()?
            .ok_or_else(|| Error::Tampered(crate::tr!("index-txn-not-in-journal", txn = txn)))?;
        let voucher = row.get_ref(0)?.as_str()?;
        postings_json::decode_into(row.get_ref(2)?.as_str()?, &mut self.stored)?;
        let p = self.stored.get(place as usize).ok_or_else(|| {
            Error::Tampered(crate::tr!(
                "index-posting-not-in-voucher",
                voucher = voucher
            ))
        })?;
        let memo = match p.memo.as_deref().filter(|m| !m.is_empty()) {
            Some(own) => own,
            None => row.get_ref(1)?.as_str()?,
        };
        Ok(f(PostingText {
            voucher,
            clerk_number: row.get_ref(3)?.as_str_or_null()?,
            memo,
            household: p.household.as_deref(),
            reference: p.reference.as_deref(),
        }))
    }
}

impl Register {
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Posting `i`, in register order, its texts read from the journal.
    pub fn line(&self, i: usize) -> Result<RegisterLine> {
        let l = self.lines[i];
        let mut reader = self.reader.lock().unwrap_or_else(|e| e.into_inner());
        reader.read(l.txn, l.place, |t| RegisterLine {
            date: l.date,
            voucher: t.voucher.to_string(),
            txn_id: t.clerk_number.map(str::to_string),
            account: self.accounts[l.account as usize].clone(),
            memo: t.memo.to_string(),
            household: t.household.map(str::to_string),
            reference: t.reference.map(str::to_string),
            amount: Amount::from_fen(l.amount),
            running: Amount::from_fen(l.running),
        })
    }

    /// The smallest and largest amount, and the smallest and largest running balance
    /// (zeros when empty): between them, the widest of each when printed.
    pub fn extremes(&self) -> [(Amount, Amount); 2] {
        let (mut amount, mut running) = ((0, 0), (0, 0));
        for l in &self.lines {
            amount = (amount.0.min(l.amount), amount.1.max(l.amount));
            running = (running.0.min(l.running), running.1.max(l.running));
        }
        let money = |(lo, hi): (i64, i64)| (Amount::from_fen(lo), Amount::from_fen(hi));
        [money(amount), money(running)]
    }

    /// Names of the accounts the register covers.
    pub fn accounts(&self) -> &[String] {
        &self.accounts
    }

    /// The running balance after the last posting, if any.
    pub fn last_running(&self) -> Option<Amount> {
        self.lines.last().map(|l| Amount::from_fen(l.running))
    }
}

/// One page of an account's register: see [`Ledger::register_page`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterPage {
    /// Postings in the whole register.
    pub total: usize,
    /// The place of the page's first posting.
    pub offset: usize,
    /// The running balance before the page's first posting.
    pub opening: Amount,
    pub lines: Vec<RegisterLine>,
}

/// One posting in an account's register.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RegisterLine {
    pub date: NaiveDate,
    pub voucher: String,
    /// The clerk's own number of the voucher (its import `txn_id`), if it had one.
    pub txn_id: Option<String>,
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

pub(super) fn parse_stored_date(s: &str) -> rusqlite::Result<NaiveDate> {
    // A stored date is `YYYY-MM-DD`: read without a format string (a journal walk reads
    // millions); anything else goes through chrono for its error.
    if let Some(d) = crate::ledger::transaction::iso_date(s) {
        return Ok(d);
    }
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

const TRANSACTION_COLUMNS: &str =
    "id, voucher, date, external_id, memo, reverses, reason, operator, posted_at, hash, postings";

pub(super) fn transaction_by_voucher(
    conn: &Connection,
    voucher: &str,
) -> Result<Option<Transaction>> {
    transaction_where(conn, "voucher = ?1", voucher)
}

/// The ledger's own number of the voucher a person names: the ledger's number itself
/// (`2024-03-0002`), or the number the clerk wrote on it (its import `txn_id`, `记-002`). The
/// ledger's number wins when a clerk's number happens to spell another voucher's.
pub(super) fn voucher_named(conn: &Connection, name: &str) -> Result<Option<String>> {
    let name = name.trim();
    for column in ["voucher", "external_id"] {
        let found: Option<String> = conn
            .prepare_cached(&format!(
                "SELECT voucher FROM transactions WHERE {column} = ?1"
            ))?
            .query_row([name], |r| r.get(0))
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

pub(super) fn transaction_by_id(conn: &Connection, id: i64) -> Result<Option<Transaction>> {
    transaction_where(conn, "id = ?1", id)
}

fn transaction_where(
    conn: &Connection,
    condition: &str,
    key: impl rusqlite::ToSql,
) -> Result<Option<Transaction>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {TRANSACTION_COLUMNS} FROM transactions WHERE {condition}"
    ))?;
    let mut rows = stmt.query([key])?;
    let Some(row) = rows.next()? else {
        return Ok(None);
    };
    let mut txn = transaction_header(row)?;
    let stored = postings_json::decode(row.get_ref(10)?.as_str()?)?;
    let mut name = conn.prepare_cached("SELECT name FROM accounts WHERE id = ?1")?;
    for p in stored {
        let account: String = name
            .query_row([p.account], |r| r.get(0))
            .optional()?
            .unwrap_or_else(|| missing_account(p.account));
        txn.postings.push(posting(p, account, &txn.memo));
    }
    Ok(Some(txn))
}

fn missing_account(id: i64) -> String {
    format!("<missing account #{id}>")
}

/// A stored posting as the model's [`Posting`], its account named `account`.
fn posting(p: StoredPosting, account: String, txn_memo: &str) -> Posting {
    Posting {
        account,
        amount: Amount::from_fen(p.fen),
        memo: p.memo.unwrap_or_else(|| txn_memo.to_string()),
        household: p.household,
        reference: p.reference,
    }
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
        let mut totals: HashMap<i64, Total> = HashMap::new();
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
        // Parts of a month at either end: from the account index, a month at a time.
        let mut add_postings = |lo: NaiveDate, hi: NaiveDate| -> Result<()> {
            let mut day = lo;
            while day <= hi {
                let end = last_of_month(day).min(hi);
                account_index::month_part_totals(&read, day, end, &mut totals)?;
                day = end + Duration::days(1);
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
            let lo = full_from.map(account_index::month_key).unwrap_or(0);
            let hi = full_to.map(account_index::month_key).unwrap_or(u32::MAX);
            // SQLite sums in i64 and stops with "integer overflow" beyond it: then the
            // totals are summed here, exactly.
            let summed = read
                .prepare_cached(
                    "SELECT account, SUM(total) FROM account_postings
                     WHERE month BETWEEN ?1 AND ?2 GROUP BY account",
                )?
                .query_map(params![lo, hi], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>();
            let summed = match summed {
                Err(e) if e.to_string().contains("integer overflow") => read
                    .prepare_cached(
                        "SELECT account, total FROM account_postings WHERE month BETWEEN ?1 AND ?2",
                    )?
                    .query_map(params![lo, hi], |r| {
                        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>(),
                other => other,
            }?;
            for (account, fen) in summed {
                totals.entry(account).or_default().add_fen(fen);
            }
        } else {
            add_postings(from.expect("bounded"), to.expect("bounded"))?;
        }
        let accounts: HashMap<i64, Account> =
            self.accounts()?.into_iter().map(|a| (a.id, a)).collect();
        let mut totals: Vec<(&Account, Total)> = totals
            .into_iter()
            .filter(|(_, t)| !t.is_zero())
            .map(|(id, t)| (&accounts[&id], t))
            .collect();
        totals.sort_by(|a, b| a.0.name.cmp(&b.0.name));
        let mut out = Vec::with_capacity(totals.len());
        for (account, total) in totals {
            let amount = total
                .checked(|| crate::tr!("total-balance-of", name = account.name.to_string()))?;
            out.push(AccountBalance {
                account: account.clone(),
                amount,
            });
        }
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
                return Err(Error::NotFound(crate::tr!(
                    "account-not-found",
                    name = name_or_code
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
    /// running balance that starts from the balance before `from`. Each posting's texts are
    /// read once here, checked and shown to `seen` (a report measures them), and read again
    /// when [`Register::line`] asks.
    pub fn register(
        &self,
        accounts: &[Account],
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        mut seen: impl FnMut(PostingText<'_>),
    ) -> Result<Register> {
        self.build_register(accounts, from, to, Some(&mut seen))
    }

    /// One page of an account's register (for a screen): the postings `offset ..
    /// offset + limit` in register order, with their running balances, and how many postings
    /// the register has in all. Only the index is read for the postings before and after the
    /// page (a few rows per month), and the journal only for the page's own postings, so a page
    /// of a 1,000,000-transaction account reads about as much as a page of a small one.
    pub fn register_page(
        &self,
        accounts: &[Account],
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        offset: usize,
        limit: usize,
    ) -> Result<RegisterPage> {
        let register = self.build_register(accounts, from, to, None)?;
        let total = register.len();
        let start = offset.min(total);
        let end = offset.saturating_add(limit).min(total);
        let lines = (start..end)
            .map(|i| register.line(i))
            .collect::<Result<Vec<_>>>()?;
        let opening = match start {
            0 => match from {
                Some(f) => self.balance_before(accounts, f)?,
                None => Amount::ZERO,
            },
            i => Amount::from_fen(register.lines[i - 1].running),
        };
        Ok(RegisterPage {
            total,
            offset: start,
            opening,
            lines,
        })
    }

    fn build_register(
        &self,
        accounts: &[Account],
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        mut seen: Option<&mut dyn FnMut(PostingText<'_>)>,
    ) -> Result<Register> {
        let lo = from.unwrap_or(NaiveDate::MIN);
        let hi = to.unwrap_or(NaiveDate::MAX);
        let mut opening = Total::ZERO;
        let conn = Connection::open_with_flags(
            &self.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(super::BUSY_TIMEOUT)?;
        // One read transaction for the register's life, on the connection that reads the
        // index here and the texts later: each read costs no locking, and all of them see the
        // journal as it was at the first.
        conn.execute_batch("PRAGMA cache_size = -8192; BEGIN")?;
        let mut reader = TransactionReader {
            conn,
            stored: Vec::new(),
        };
        let months = account_index::index_months(&reader.conn)?;
        // Each account's entries decoded once; the list is then made once at its size.
        let mut entries = Vec::with_capacity(accounts.len());
        for account in accounts {
            entries.push(account_index::entries_in(
                &reader.conn,
                &months,
                account.id,
                lo,
                hi,
            )?);
        }
        let count = entries.iter().map(Vec::len).sum();
        let mut lines = Vec::with_capacity(count);
        for (index, (account, entries)) in accounts.iter().zip(entries).enumerate() {
            if let Some(from) = from {
                opening.add_total(account_index::balance_before_in(
                    &reader.conn,
                    &months,
                    account.id,
                    from,
                )?);
            }
            for (date, e) in entries {
                if let Some(seen) = seen.as_mut() {
                    reader.read(e.txn, e.line, &mut **seen)?;
                }
                lines.push(RegisterEntry {
                    date,
                    account: index as u32,
                    place: e.line,
                    txn: e.txn,
                    amount: e.fen,
                    running: 0,
                });
            }
        }
        if accounts.len() > 1 {
            // (date, transaction, place) is unique: no stable sort needed (nor its buffer).
            lines.sort_unstable_by_key(|l| (l.date, l.txn, l.place));
        }
        let what = || {
            format!(
                "the running balance of {}",
                accounts.first().map_or("", |a| a.name.as_str())
            )
        };
        let mut running = opening;
        running.checked(what)?;
        for line in &mut lines {
            running.add_fen(line.amount);
            line.running = running.checked(what)?.fen();
        }
        Ok(Register {
            accounts: accounts.iter().map(|a| a.name.clone()).collect(),
            lines,
            reader: std::sync::Mutex::new(reader),
        })
    }

    /// The balance of `accounts` before `date` (for a register's opening line).
    pub fn balance_before(&self, accounts: &[Account], date: NaiveDate) -> Result<Amount> {
        let months = account_index::index_months(&self.conn)?;
        let mut total = Total::ZERO;
        for account in accounts {
            total.add_total(account_index::balance_before_in(
                &self.conn, &months, account.id, date,
            )?);
        }
        total.checked(|| {
            format!(
                "the balance of {} before {date}",
                accounts.first().map_or("", |a| a.name.as_str())
            )
        })
    }

    pub fn transaction_by_voucher(&self, voucher: &str) -> Result<Option<Transaction>> {
        transaction_by_voucher(&self.conn, voucher)
    }

    /// The vouchers transaction `id` reverses and is reversed by, if any.
    pub fn reversal_links(&self, id: i64) -> Result<(Option<String>, Option<String>)> {
        let one = |sql: &str| -> Result<Option<String>> {
            Ok(self
                .conn
                .prepare_cached(sql)?
                .query_row([id], |r| r.get(0))
                .optional()?)
        };
        Ok((
            one("SELECT o.voucher FROM transactions t JOIN transactions o ON o.id = t.reverses WHERE t.id = ?1")?,
            one("SELECT voucher FROM transactions WHERE reverses = ?1")?,
        ))
    }

    /// The voucher a person names, by the ledger's number or by the clerk's own (its import
    /// `txn_id`), with its postings.
    pub fn transaction_named(&self, name: &str) -> Result<Option<Transaction>> {
        match voucher_named(&self.conn, name)? {
            Some(voucher) => transaction_by_voucher(&self.conn, &voucher),
            None => Ok(None),
        }
    }

    /// Call `f` with every transaction in posting order, with its postings and stored hash,
    /// streaming (the journal is never held in memory). One consistent snapshot.
    pub fn for_each_transaction(
        &self,
        mut f: impl FnMut(&Transaction, &[u8]) -> Result<()>,
    ) -> Result<()> {
        self.for_each_stored_transaction(|txn, hash, _| f(txn, hash))
    }

    /// As [`Ledger::for_each_transaction`], with each posting's fund tag, if any.
    pub(crate) fn for_each_tagged_transaction(
        &self,
        mut f: impl FnMut(&Transaction, &[Option<super::StoredTag>]) -> Result<()>,
    ) -> Result<()> {
        let mut tags = Vec::new();
        self.for_each_stored_posting_set(|txn, _, stored, names| {
            tags.clear();
            for mut p in stored.drain(..) {
                let account = names
                    .get(&p.account)
                    .cloned()
                    .unwrap_or_else(|| missing_account(p.account));
                tags.push(p.tag.take());
                txn.postings.push(posting(p, account, &txn.memo));
            }
            f(txn, &tags)
        })
    }

    /// As [`Ledger::for_each_transaction`], with the ids of the postings' accounts.
    pub(crate) fn for_each_stored_transaction(
        &self,
        mut f: impl FnMut(&Transaction, &[u8], &[i64]) -> Result<()>,
    ) -> Result<()> {
        let mut ids = Vec::new();
        self.for_each_stored_posting_set(|txn, hash, stored, names| {
            ids.clear();
            for p in stored.drain(..) {
                let account = names
                    .get(&p.account)
                    .cloned()
                    .unwrap_or_else(|| missing_account(p.account));
                ids.push(p.account);
                txn.postings.push(posting(p, account, &txn.memo));
            }
            f(txn, hash, &ids)
        })
    }

    /// Every transaction in posting order, streaming, as stored: its header (without
    /// postings, for the caller to fill or not), its hash, its postings as decoded (the caller
    /// may take them), and the accounts' names by id. Nothing is
    /// copied per posting: `verify` hashes millions of them.
    pub(crate) fn for_each_stored_posting_set(
        &self,
        f: impl FnMut(
            &mut Transaction,
            &[u8],
            &mut Vec<StoredPosting>,
            &HashMap<i64, String>,
        ) -> Result<()>,
    ) -> Result<()> {
        self.for_each_stored_posting_set_after(0, f)
    }

    /// [`Ledger::for_each_stored_posting_set`] of the transactions after the first `after`.
    pub(crate) fn for_each_stored_posting_set_after(
        &self,
        after: i64,
        mut f: impl FnMut(
            &mut Transaction,
            &[u8],
            &mut Vec<StoredPosting>,
            &HashMap<i64, String>,
        ) -> Result<()>,
    ) -> Result<()> {
        let read = self.conn.unchecked_transaction()?;
        let names: HashMap<i64, String> = {
            let mut stmt = read.prepare("SELECT id, name FROM accounts")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut txns = read.prepare(&format!(
            "SELECT {TRANSACTION_COLUMNS} FROM transactions WHERE id > ?1 ORDER BY id"
        ))?;
        let mut rows = txns.query([after])?;
        let mut stored = Vec::new();
        while let Some(row) = rows.next()? {
            let mut txn = transaction_header(row)?;
            let hash = row.get_ref(9)?.as_blob_or_null()?.unwrap_or_default();
            postings_json::decode_into(row.get_ref(10)?.as_str()?, &mut stored).map_err(|e| {
                Error::Tampered(crate::tr!(
                    "voucher-unreadable",
                    voucher = &txn.voucher,
                    reason = e.to_string()
                ))
            })?;
            f(&mut txn, hash, &mut stored, &names)?;
        }
        Ok(())
    }

    /// Every account's name by id.
    pub(crate) fn account_names(&self) -> Result<HashMap<i64, String>> {
        let mut stmt = self.conn.prepare("SELECT id, name FROM accounts")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every transaction after the first `after`, in posting order, as stored and not yet
    /// decoded: its header, its hash, its postings' JSON (for another thread to decode).
    /// `f` returns whether to go on.
    pub(crate) fn for_each_raw_transaction_after(
        &self,
        after: i64,
        mut f: impl FnMut(Transaction, Vec<u8>, String) -> Result<bool>,
    ) -> Result<()> {
        let read = self.conn.unchecked_transaction()?;
        let mut txns = read.prepare(&format!(
            "SELECT {TRANSACTION_COLUMNS} FROM transactions WHERE id > ?1 ORDER BY id"
        ))?;
        let mut rows = txns.query([after])?;
        while let Some(row) = rows.next()? {
            let txn = transaction_header(row)?;
            let hash = row
                .get_ref(9)?
                .as_blob_or_null()?
                .unwrap_or_default()
                .to_vec();
            let json = row.get_ref(10)?.as_str()?.to_string();
            if !f(txn, hash, json)? {
                break;
            }
        }
        Ok(())
    }

    /// Each stored row of the account index: (month, account id, packed entries).
    pub(crate) fn account_index_rows(
        &self,
        f: impl FnMut(u32, i64, i64, &[u8]) -> Result<()>,
    ) -> Result<()> {
        account_index::stored_rows(&self.conn, f)
    }

    /// The chain head recorded at the last write, if anything was ever posted.
    pub fn chain_head(&self) -> Result<Option<ChainHead>> {
        self.meta_head("chain_length", "chain_head")
    }

    /// A chain's length and head as recorded in `meta` under the two keys.
    pub(super) fn meta_head(&self, length_key: &str, head_key: &str) -> Result<Option<ChainHead>> {
        let get = |key: &str| -> Result<Option<String>> {
            Ok(self
                .conn
                .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
                .query_row([key], |r| r.get(0))
                .optional()?)
        };
        match (get(length_key)?, get(head_key)?) {
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
            self.conn.query_row(
                "SELECT COALESCE(SUM(json_array_length(postings)), 0) FROM transactions",
                [],
                |r| r.get(0),
            )?,
        ))
    }

    /// The earliest transaction date, if any (for `open` directives in exports).
    pub fn first_use_dates(&self) -> Result<HashMap<String, NaiveDate>> {
        // Each account's first month (the index in month order), then its first day there.
        let names: HashMap<i64, String> = self
            .accounts()?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        let mut stmt = self
            .conn
            .prepare("SELECT month, account, entries FROM account_postings ORDER BY month")?;
        let mut rows = stmt.query([])?;
        let mut out = HashMap::new();
        while let Some(row) = rows.next()? {
            let account: i64 = row.get(1)?;
            let Some(name) = names.get(&account) else {
                continue;
            };
            if out.contains_key(name) {
                continue;
            }
            let month: u32 = row.get(0)?;
            let mut first = 31;
            account_index::decode_entries(
                row.get_ref(2)?.as_blob_or_null()?.unwrap_or_default(),
                |e| first = first.min(e.day),
            )?;
            if let Some(date) = account_index::month_day(month, first) {
                out.insert(name.clone(), date);
            }
        }
        Ok(out)
    }
}

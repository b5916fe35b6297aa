//! The one write path: accounts and transactions go into the ledger only through [`Writer`].
//!
//! Posting a transaction checks that it balances and that its accounts exist, gives it the
//! next voucher number of its month, chains its audit hash to the previous transaction's, and
//! keeps the per-month account totals current. Nothing is ever updated or deleted.

use std::collections::HashMap;

use chrono::{Datelike, Local, NaiveDate};
use rusqlite::{params, OptionalExtension};

use crate::error::{Error, Result};
use crate::ledger::account::validate_account_name;
use crate::ledger::transaction::{chain_hash, imbalance, voucher_number, Hash, GENESIS};
use crate::ledger::{Account, AccountKind, NewTransaction, Transaction};

/// The result of offering a transaction to the journal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PostOutcome {
    Posted {
        id: i64,
        voucher: String,
    },
    /// Its external id was posted before, with the same content: nothing was done.
    AlreadyPosted {
        voucher: String,
    },
}

/// A write transaction on the ledger. Dropped without [`Writer::commit`], it changes nothing.
pub struct Writer<'c> {
    tx: rusqlite::Transaction<'c>,
    operator: String,
    posted_at: String,
    accounts: HashMap<String, Account>,
    codes: HashMap<String, String>,
    head: Hash,
    next_id: i64,
    first_new_id: i64,
    voucher_seq: HashMap<u32, u32>,
    month_totals: HashMap<(i64, u32), i64>,
    /// Whether any transaction with an external id existed before this write; if none did,
    /// a repeated id can only come from this write, which the unique index reports.
    prior_external_ids: bool,
}

fn month_key(date: NaiveDate) -> u32 {
    date.year() as u32 * 100 + date.month()
}

/// `INSERT INTO postings … VALUES (…), (…)` for `rows` rows (1 to 4).
fn posting_insert_sql(rows: usize) -> &'static str {
    const SQL: [&str; 4] = [
        "INSERT INTO postings (txn, line, account, date, amount, memo, household, ref) VALUES (?,?,?,?,?,?,?,?)",
        "INSERT INTO postings (txn, line, account, date, amount, memo, household, ref) VALUES (?,?,?,?,?,?,?,?),(?,?,?,?,?,?,?,?)",
        "INSERT INTO postings (txn, line, account, date, amount, memo, household, ref) VALUES (?,?,?,?,?,?,?,?),(?,?,?,?,?,?,?,?),(?,?,?,?,?,?,?,?)",
        "INSERT INTO postings (txn, line, account, date, amount, memo, household, ref) VALUES (?,?,?,?,?,?,?,?),(?,?,?,?,?,?,?,?),(?,?,?,?,?,?,?,?),(?,?,?,?,?,?,?,?)",
    ];
    SQL[rows - 1]
}

/// `2024-12-20`, without going through a format string.
pub(crate) fn date_text(d: NaiveDate) -> String {
    let (y, m, day) = (d.year(), d.month(), d.day());
    let mut s = String::with_capacity(10);
    s.push_str(&format!("{y:04}"));
    s.push('-');
    s.push(char::from(b'0' + (m / 10) as u8));
    s.push(char::from(b'0' + (m % 10) as u8));
    s.push('-');
    s.push(char::from(b'0' + (day / 10) as u8));
    s.push(char::from(b'0' + (day % 10) as u8));
    s
}

fn month_text(key: u32) -> String {
    format!("{:04}-{:02}", key / 100, key % 100)
}

impl<'c> Writer<'c> {
    pub(super) fn new(tx: rusqlite::Transaction<'c>, operator: &str) -> Result<Writer<'c>> {
        let mut accounts = HashMap::new();
        let mut codes = HashMap::new();
        {
            let mut stmt = tx.prepare("SELECT id, name, code, kind FROM accounts")?;
            let rows = stmt.query_map([], super::query::account_from_row)?;
            for account in rows {
                let account = account?;
                if let Some(code) = &account.code {
                    codes.insert(code.clone(), account.name.clone());
                }
                accounts.insert(account.name.clone(), account);
            }
        }
        let (last_id, head): (i64, Hash) = tx
            .query_row(
                "SELECT id, hash FROM transactions ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    let hash: Vec<u8> = r.get(1)?;
                    Ok((r.get(0)?, hash.try_into().unwrap_or([0xff; 32])))
                },
            )
            .optional()?
            .unwrap_or((0, GENESIS));
        let prior_external_ids: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM transactions WHERE external_id IS NOT NULL)",
            [],
            |r| r.get(0),
        )?;
        Ok(Writer {
            tx,
            operator: operator.to_string(),
            posted_at: Local::now().format("%Y-%m-%dT%H:%M:%S").to_string(),
            accounts,
            codes,
            head,
            next_id: last_id + 1,
            first_new_id: last_id + 1,
            voucher_seq: HashMap::new(),
            month_totals: HashMap::new(),
            prior_external_ids,
        })
    }

    /// Who is posting, as recorded on each transaction.
    pub fn operator(&self) -> &str {
        &self.operator
    }

    /// An account by exact name, or by code.
    pub fn account(&self, name_or_code: &str) -> Option<&Account> {
        self.accounts.get(name_or_code).or_else(|| {
            self.codes
                .get(name_or_code)
                .and_then(|name| self.accounts.get(name))
        })
    }

    /// Add an account. Its type must agree with its top segment when that segment names a type.
    pub fn add_account(
        &mut self,
        name: &str,
        kind: AccountKind,
        code: Option<&str>,
    ) -> Result<Account> {
        validate_account_name(name).map_err(Error::Rule)?;
        if let Some(implied) = AccountKind::from_top_segment(name) {
            if implied != kind {
                return Err(Error::rule(format!(
                    "account '{name}' is under '{}', which is for {implied} accounts, not {kind}",
                    name.split(':').next().unwrap_or_default()
                )));
            }
        }
        if self.accounts.contains_key(name) {
            return Err(Error::rule(format!("account '{name}' already exists")));
        }
        if let Some(code) = code {
            if code.trim().is_empty() || code.contains(':') {
                return Err(Error::rule(format!("account code '{code}' is not valid")));
            }
            if let Some(other) = self.codes.get(code) {
                return Err(Error::rule(format!(
                    "account code {code} is already used by '{other}'"
                )));
            }
            if self.accounts.contains_key(code) {
                return Err(Error::rule(format!(
                    "account code {code} is already the name of an account"
                )));
            }
        }
        self.tx
            .prepare_cached(
                "INSERT INTO accounts (name, code, kind, created_at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![name, code, kind.as_str(), self.posted_at])?;
        let account = Account {
            id: self.tx.last_insert_rowid(),
            name: name.to_string(),
            code: code.map(str::to_string),
            kind,
        };
        if let Some(code) = code {
            self.codes.insert(code.to_string(), name.to_string());
        }
        self.accounts.insert(name.to_string(), account.clone());
        Ok(account)
    }

    /// Post one transaction. Its postings must name existing accounts (by name) and balance.
    pub fn post(&mut self, new: NewTransaction) -> Result<PostOutcome> {
        if new.postings.len() < 2 {
            return Err(Error::rule("a transaction needs at least two postings"));
        }
        let off = imbalance(&new.postings);
        if !off.is_zero() {
            return Err(Error::rule(format!(
                "transaction does not balance: postings sum to {off}, not 0.00"
            )));
        }
        for p in &new.postings {
            if !self.accounts.contains_key(&p.account) {
                return Err(Error::rule(format!("unknown account '{}'", p.account)));
            }
        }
        if let Some(external_id) = &new.external_id {
            if self.prior_external_ids {
                if let Some(outcome) = self.check_external_id(external_id, &new)? {
                    return Ok(outcome);
                }
            }
        }
        let month = month_key(new.date);
        let seq = self.next_voucher_seq(month)?;
        let id = self.next_id;
        let txn = Transaction {
            id,
            voucher: voucher_number(new.date, seq),
            date: new.date,
            external_id: new.external_id,
            memo: new.memo,
            reverses: new.reverses,
            reason: new.reason,
            operator: self.operator.clone(),
            posted_at: self.posted_at.clone(),
            postings: new.postings,
        };
        let hash = chain_hash(&self.head, &txn);
        let date = date_text(txn.date);
        let inserted = self
            .tx
            .prepare_cached(
                "INSERT INTO transactions
                   (id, voucher, date, external_id, memo, reverses, reason, operator, posted_at, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                id,
                txn.voucher,
                date,
                txn.external_id,
                txn.memo,
                txn.reverses,
                txn.reason,
                txn.operator,
                txn.posted_at,
                &hash[..],
            ]);
        if let Err(e) = inserted {
            if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) {
                if let Some(external_id) = &txn.external_id {
                    return Err(Error::rule(format!(
                        "txn_id {external_id} appears twice (its rows must be together, and ids unique)"
                    )));
                }
            }
            return Err(e.into());
        }
        self.insert_postings(id, &date, month, &txn.postings)?;
        self.head = hash;
        self.next_id += 1;
        Ok(PostOutcome::Posted {
            id,
            voucher: txn.voucher,
        })
    }

    /// Insert a transaction's postings, several rows per statement.
    fn insert_postings(
        &mut self,
        txn: i64,
        date: &str,
        month: u32,
        postings: &[crate::ledger::Posting],
    ) -> Result<()> {
        const PER_STATEMENT: usize = 4;
        for (chunk_index, chunk) in postings.chunks(PER_STATEMENT).enumerate() {
            let sql = posting_insert_sql(chunk.len());
            let mut stmt = self.tx.prepare_cached(sql)?;
            let mut values: Vec<rusqlite::types::Value> = Vec::with_capacity(8 * chunk.len());
            for (i, p) in chunk.iter().enumerate() {
                let account = self.accounts[&p.account].id;
                let line = (chunk_index * PER_STATEMENT + i) as i64 + 1;
                let text = |s: Option<&str>| match s {
                    Some(s) if !s.is_empty() => rusqlite::types::Value::Text(s.to_string()),
                    _ => rusqlite::types::Value::Null,
                };
                values.extend([
                    rusqlite::types::Value::Integer(txn),
                    rusqlite::types::Value::Integer(line),
                    rusqlite::types::Value::Integer(account),
                    rusqlite::types::Value::Text(date.to_string()),
                    rusqlite::types::Value::Integer(p.amount.fen()),
                    text(Some(&p.memo)),
                    text(p.household.as_deref()),
                    text(p.reference.as_deref()),
                ]);
                *self.month_totals.entry((account, month)).or_insert(0) += p.amount.fen();
            }
            stmt.execute(rusqlite::params_from_iter(values))?;
        }
        Ok(())
    }

    /// `Some(AlreadyPosted)` when the same external id was posted before this write with the
    /// same content; an error when it differs or repeats within this write.
    fn check_external_id(
        &mut self,
        external_id: &str,
        new: &NewTransaction,
    ) -> Result<Option<PostOutcome>> {
        let existing: Option<(i64, String, String)> = self
            .tx
            .prepare_cached("SELECT id, voucher, date FROM transactions WHERE external_id = ?1")?
            .query_row([external_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some((id, voucher, date)) = existing else {
            return Ok(None);
        };
        if id >= self.first_new_id {
            return Err(Error::rule(format!(
                "txn_id {external_id} appears twice (its rows must be together, and ids unique)"
            )));
        }
        let mut stored: Vec<(String, i64)> = self
            .tx
            .prepare_cached(
                "SELECT a.name, p.amount FROM postings p JOIN accounts a ON a.id = p.account
                 WHERE p.txn = ?1 ORDER BY p.line",
            )?
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut offered: Vec<(String, i64)> = new
            .postings
            .iter()
            .map(|p| (p.account.clone(), p.amount.fen()))
            .collect();
        stored.sort();
        offered.sort();
        if stored != offered || date != date_text(new.date) {
            return Err(Error::rule(format!(
                "txn_id {external_id} was already posted as voucher {voucher} with different content; \
                 posted entries are never changed: reverse {voucher} and import the correction under a new txn_id"
            )));
        }
        Ok(Some(PostOutcome::AlreadyPosted { voucher }))
    }

    fn next_voucher_seq(&mut self, month: u32) -> Result<u32> {
        let seq = match self.voucher_seq.get(&month) {
            Some(last) => last + 1,
            None => {
                let last: Option<u32> = self
                    .tx
                    .prepare_cached("SELECT last FROM voucher_months WHERE month = ?1")?
                    .query_row([month_text(month)], |r| r.get(0))
                    .optional()?;
                last.unwrap_or(0) + 1
            }
        };
        self.voucher_seq.insert(month, seq);
        Ok(seq)
    }

    /// Post the mirror entry of `voucher` (every amount negated) dated `date`, linked to it.
    /// A voucher is reversed at most once.
    pub fn reverse(&mut self, voucher: &str, reason: &str, date: NaiveDate) -> Result<String> {
        if reason.trim().is_empty() {
            return Err(Error::rule("a reversal needs a reason (--reason)"));
        }
        let original = self
            .transaction_by_voucher(voucher)?
            .ok_or_else(|| Error::NotFound(format!("no voucher {voucher} in the ledger")))?;
        if let Some(by) = self.reversal_of(original.id)? {
            return Err(Error::rule(format!(
                "voucher {voucher} was already reversed by {by}"
            )));
        }
        if date < original.date {
            return Err(Error::rule(format!(
                "a reversal cannot be dated {date}, before the voucher it reverses ({})",
                original.date
            )));
        }
        let postings = original
            .postings
            .into_iter()
            .map(|mut p| {
                p.amount = -p.amount;
                p
            })
            .collect();
        let outcome = self.post(NewTransaction {
            date,
            memo: format!("冲销 {voucher}: {}", original.memo),
            external_id: None,
            reverses: Some(original.id),
            reason: Some(reason.trim().to_string()),
            postings,
        })?;
        match outcome {
            PostOutcome::Posted { voucher, .. } => Ok(voucher),
            PostOutcome::AlreadyPosted { voucher } => Ok(voucher),
        }
    }

    /// The transaction with this voucher number, if any.
    pub fn transaction_by_voucher(&self, voucher: &str) -> Result<Option<Transaction>> {
        super::query::transaction_by_voucher(&self.tx, voucher)
    }

    /// The voucher of the transaction that reverses transaction `id`, if any.
    pub fn reversal_of(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .tx
            .prepare_cached("SELECT voucher FROM transactions WHERE reverses = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }

    /// The underlying SQL transaction, for the other stores' tables (households, runs …).
    pub fn sql(&self) -> &rusqlite::Transaction<'c> {
        &self.tx
    }

    pub(super) fn commit(mut self) -> Result<()> {
        {
            let mut upsert = self.tx.prepare_cached(
                "INSERT INTO account_months (account, month, amount) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account, month) DO UPDATE SET amount = amount + excluded.amount",
            )?;
            let mut totals: Vec<_> = self.month_totals.drain().collect();
            totals.sort_unstable();
            for ((account, month), amount) in totals {
                upsert.execute(params![account, month_text(month), amount])?;
            }
            let mut seq = self.tx.prepare_cached(
                "INSERT INTO voucher_months (month, last) VALUES (?1, ?2)
                 ON CONFLICT (month) DO UPDATE SET last = excluded.last",
            )?;
            for (month, last) in &self.voucher_seq {
                seq.execute(params![month_text(*month), last])?;
            }
            let mut meta = self.tx.prepare_cached(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?;
            if self.next_id > self.first_new_id {
                meta.execute(params!["chain_head", hex::encode(self.head)])?;
                meta.execute(params!["chain_length", (self.next_id - 1).to_string()])?;
            }
        }

        self.tx.commit()?;
        Ok(())
    }
}

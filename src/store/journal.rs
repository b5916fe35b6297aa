//! The one write path: accounts and transactions go into the ledger only through [`Writer`].
//!
//! Posting a transaction checks that it balances and that its accounts exist, gives it the
//! next voucher number of its month, chains its audit hash to the previous transaction's, and
//! keeps the per-month account totals current. Nothing is ever updated or deleted.

use chrono::{Datelike, Local, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Statement};

use super::account_index::{month_text, Pending};
use super::prepare::{check_account_name, check_shape, Bulk, Numbering, Prepared};
use super::static_bind::{StaticStatement, Value};
use super::FastMap;
use crate::error::{Error, Result};
use crate::ledger::transaction::{voucher_number, Hash, GENESIS};
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
    /// The write path's own statements, prepared once per write (declared before `tx`, so
    /// they are finalized before the transaction ends).
    statements: Statements<'c>,
    conn: &'c Connection,
    tx: rusqlite::Transaction<'c>,
    operator: String,
    posted_at: String,
    /// Ids, voucher numbers and the chain; held by a [`Bulk`] while one is preparing.
    numbering: Option<Numbering>,
    /// Accounts looked up so far, by the text they were looked up with (a name or a code);
    /// `None`: no account has that name or code. Filled lazily: a ledger may hold hundreds of
    /// thousands of household accounts, of which one write touches few.
    accounts: FastMap<String, Option<Account>>,
    /// Parents whose sub-accounts are all in `accounts` (see [`Writer::load_accounts_under`]).
    loaded_parents: Vec<String>,
    first_new_id: i64,
    /// Account index entries of this write, appended at commit (or sooner, when large).
    index: Pending,
    /// Every account this write posted to, with the first month it posted to it in: the
    /// rules on balances are checked from there at commit.
    touched: FastMap<i64, u32>,
    /// Scratch: the account ids of the transaction being posted.
    ids: Vec<i64>,
    /// Whether any transaction with an external id existed before this write; if none did,
    /// a repeated id can only come from this write, which the unique index reports.
    prior_external_ids: bool,
    /// Asset accounts this write pays from, which never hold less than nothing on any day
    /// (see [`Writer::pay_only_what_is_held`]).
    guarded: Vec<i64>,
    /// The funds and their rules, read at the first posting that names a fund.
    pub(super) fund_book: Option<std::rc::Rc<crate::funds::movement::FundBook>>,
}

#[derive(Default)]
struct Statements<'c> {
    insert_transaction: Option<StaticStatement<'c>>,
    /// [`ROWS_PER_INSERT`] transaction rows at once.
    insert_transactions: Option<StaticStatement<'c>>,
}

/// Transaction rows per statement in a bulk write.
pub const ROWS_PER_INSERT: usize = 128;

/// A transaction row's columns, as [`multi_row_sql`] takes them.
const INSERT_TRANSACTIONS: &str = "INSERT INTO transactions
   (id, voucher, date, external_id, memo, reverses, reason, operator, posted_at, hash, postings)";
const TRANSACTION_COLUMNS: usize = 11;

/// The values of `p`'s row, in [`INSERT_TRANSACTIONS`]'s order.
fn row_values<'a>(
    p: &'a Prepared,
    operator: &'a str,
    posted_at: &'a str,
) -> [Value<'a>; TRANSACTION_COLUMNS] {
    [
        Value::Int(p.id),
        Value::Text(p.voucher()),
        Value::Text(p.date_text()),
        p.external_id().into(),
        Value::Text(p.memo()),
        p.reverses.into(),
        p.reason().into(),
        Value::Text(operator),
        Value::Text(posted_at),
        Value::Blob(&p.hash[..]),
        Value::Text(p.postings_json()),
    ]
}

/// Rows per multi-row `INSERT` for long runs of rows (an allocation run's voucher has a posting
/// per household). A statement that writes several rows keeps a statement journal (a copy of
/// each page it changes, to undo a half-done statement): for a transaction's few postings,
/// spread over the account index, that costs more than one statement per row.
pub(super) const BIG_INSERT: usize = 64;

/// `INSERT INTO table (columns) VALUES (?,…),(?,…)…` for `rows` rows, with `suffix`.
pub(super) fn multi_row_sql(head: &str, columns: usize, rows: usize, suffix: &str) -> String {
    let mut one = String::from("(?");
    for _ in 1..columns {
        one.push_str(",?");
    }
    one.push(')');
    let mut sql = String::with_capacity(head.len() + rows * (one.len() + 1) + suffix.len() + 8);
    sql.push_str(head);
    sql.push_str(" VALUES ");
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(&one);
    }
    sql.push_str(suffix);
    sql
}

/// `v` in decimal, with leading zeros to `width` digits.
fn push_digits(s: &mut String, v: u32, width: usize) {
    let mut buf = itoa::Buffer::new();
    let digits = buf.format(v);
    for _ in digits.len()..width {
        s.push('0');
    }
    s.push_str(digits);
}

/// `2024-12-20`, without going through a format string.
pub(crate) fn date_text(d: NaiveDate) -> String {
    let mut s = String::with_capacity(10);
    push_date(&mut s, d);
    s
}

/// [`date_text`], appended to `s`.
pub(crate) fn push_date(s: &mut String, d: NaiveDate) {
    let (y, m, day) = (d.year(), d.month(), d.day());
    if (0..=9999).contains(&y) {
        push_digits(s, y as u32, 4);
    } else {
        s.push_str(&format!("{y:04}"));
    }
    s.push('-');
    push_digits(s, m, 2);
    s.push('-');
    push_digits(s, day, 2);
}

/// The voucher number (`2024-12-0007`, as [`voucher_number`] writes it), appended to `s`,
/// without a format string for the usual years.
pub(super) fn push_voucher(s: &mut String, date: NaiveDate, seq: u32) {
    let y = date.year();
    if !(0..=9999).contains(&y) {
        s.push_str(&voucher_number(date, seq));
        return;
    }
    push_digits(s, y as u32, 4);
    s.push('-');
    push_digits(s, date.month(), 2);
    s.push('-');
    push_digits(s, seq, 4);
}

/// Insert `rows` with `INSERT … VALUES`: [`BIG_INSERT`] rows per statement while that many are
/// left, then one per statement. `head` is `INSERT INTO table (columns)` with `columns` columns,
/// `suffix` follows the values (an `ON CONFLICT` clause, or nothing), `bind` binds one row's
/// parameters after the first `at`. Returns the number of rows inserted or updated.
pub(super) fn insert_rows<T>(
    conn: &Connection,
    head: &str,
    columns: usize,
    suffix: &str,
    rows: impl IntoIterator<Item = T>,
    mut bind: impl FnMut(&mut Statement<'_>, usize, &T) -> rusqlite::Result<()>,
) -> Result<usize> {
    let mut changed = 0;
    let mut big: Option<Statement<'_>> = None;
    let mut pending: Vec<T> = Vec::with_capacity(BIG_INSERT);
    for row in rows {
        pending.push(row);
        if pending.len() == BIG_INSERT {
            let stmt = match &mut big {
                Some(stmt) => stmt,
                None => {
                    big.insert(conn.prepare(&multi_row_sql(head, columns, BIG_INSERT, suffix))?)
                }
            };
            for (i, row) in pending.iter().enumerate() {
                bind(stmt, i * columns, row)?;
            }
            changed += stmt.raw_execute()?;
            pending.clear();
        }
    }
    if !pending.is_empty() {
        let mut stmt = conn.prepare_cached(&multi_row_sql(head, columns, 1, suffix))?;
        for row in &pending {
            bind(&mut stmt, 0, row)?;
            changed += stmt.raw_execute()?;
        }
    }
    Ok(changed)
}

/// The voucher of the transaction posted as `external_id` before this write (ids below
/// `first_new_id`) when it is dated `date` and has the postings (account, fen) `offered`; an
/// error when it differs, or when it was posted in this write.
pub(super) fn external_id_posted<'a>(
    conn: &Connection,
    external_id: &str,
    date: NaiveDate,
    offered: impl Iterator<Item = (&'a str, i64)>,
    first_new_id: i64,
) -> Result<Option<String>> {
    let existing: Option<(i64, String, String)> = conn
        .prepare_cached("SELECT id, voucher, date FROM transactions WHERE external_id = ?1")?
        .query_row([external_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((id, voucher, date_stored)) = existing else {
        return Ok(None);
    };
    if id >= first_new_id {
        return Err(Error::rule(crate::tr!(
            "journal-txn-twice",
            txn = external_id
        )));
    }
    let mut stored: Vec<(String, i64)> = super::query::transaction_by_id(conn, id)?
        .map(|t| {
            t.postings
                .into_iter()
                .map(|p| (p.account, p.amount.fen()))
                .collect()
        })
        .unwrap_or_default();
    let mut offered: Vec<(String, i64)> = offered.map(|(a, fen)| (a.to_string(), fen)).collect();
    stored.sort();
    offered.sort();
    if stored != offered || date_stored != date_text(date) {
        return Err(Error::rule(crate::tr!(
            "journal-txn-changed",
            txn = external_id,
            voucher = &voucher
        )));
    }
    Ok(Some(voucher))
}

impl<'c> Writer<'c> {
    pub(super) fn new(
        conn: &'c Connection,
        tx: rusqlite::Transaction<'c>,
        operator: &str,
    ) -> Result<Writer<'c>> {
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
        let posted_at = Local::now().format("%Y-%m-%dT%H:%M:%S").to_string();
        let numbering = Numbering::load(&tx, operator, posted_at.clone(), head, last_id + 1)?;
        Ok(Writer {
            statements: Statements::default(),
            conn,
            tx,
            operator: operator.to_string(),
            posted_at,
            numbering: Some(numbering),
            accounts: FastMap::default(),
            loaded_parents: Vec::new(),
            first_new_id: last_id + 1,
            index: Pending::default(),
            touched: FastMap::default(),
            ids: Vec::new(),
            prior_external_ids,
            guarded: Vec::new(),
            fund_book: None,
        })
    }

    /// Who is posting, as recorded on each transaction.
    pub fn operator(&self) -> &str {
        &self.operator
    }

    /// Pay from `account` only what it holds: it must be an asset, and at commit it must
    /// hold no less than nothing at the end of any day this write posted to it on or after.
    pub fn pay_only_what_is_held(&mut self, account: &str) -> Result<()> {
        let Some(a) = self.account(account)?.cloned() else {
            return Err(Error::NotFound(crate::tr!(
                "account-unknown",
                name = account
            )));
        };
        if a.kind != crate::ledger::AccountKind::Asset {
            return Err(Error::rule(crate::tr!(
                "pay-from-not-asset",
                account = a.name.as_str(),
                kind = a.kind.as_str()
            )));
        }
        if !self.guarded.contains(&a.id) {
            self.guarded.push(a.id);
        }
        Ok(())
    }

    /// Refuse a record dated `date` when it lies in a closed period (every transaction is
    /// checked so as it is numbered; records kept beside the journal, as a grant's days, call
    /// this).
    pub fn check_open(&self, date: NaiveDate) -> Result<()> {
        self.numbering
            .as_ref()
            .expect("no bulk import is preparing")
            .check_open(date)
    }

    /// When this write posts (local time, `YYYY-MM-DDTHH:MM:SS`).
    pub fn posted_at(&self) -> &str {
        &self.posted_at
    }

    /// An account by exact name, or by code.
    pub fn account(&mut self, name_or_code: &str) -> Result<Option<&Account>> {
        if !self.accounts.contains_key(name_or_code) {
            let found = self.lookup(name_or_code)?;
            self.accounts.insert(name_or_code.to_string(), found);
        }
        Ok(self.accounts[name_or_code].as_ref())
    }

    /// The id of the account named exactly `name` (not a code), looked up once per write.
    fn account_id(&mut self, name: &str) -> Result<Option<i64>> {
        if let Some(found) = self.accounts.get(name) {
            return Ok(found.as_ref().filter(|a| a.name == name).map(|a| a.id));
        }
        Ok(self.account(name)?.filter(|a| a.name == name).map(|a| a.id))
    }

    /// Whether `name` lies under a parent whose accounts are all loaded.
    fn under_loaded_parent(&self, name: &str) -> bool {
        self.loaded_parents.iter().any(|p| {
            name.len() > p.len() && name.starts_with(p.as_str()) && name.as_bytes()[p.len()] == b':'
        })
    }

    /// The account named `name_or_code`, else the one with that code.
    fn lookup(&self, name_or_code: &str) -> Result<Option<Account>> {
        // A code never contains ':', so a name under a loaded parent is known without asking.
        if self.under_loaded_parent(name_or_code) {
            return Ok(None);
        }
        let by_name = self
            .tx
            .prepare_cached("SELECT id, name, code, kind FROM accounts WHERE name = ?1")?
            .query_row([name_or_code], super::query::account_from_row)
            .optional()?;
        if by_name.is_some() || name_or_code.contains(':') {
            return Ok(by_name);
        }
        Ok(self
            .tx
            .prepare_cached("SELECT id, name, code, kind FROM accounts WHERE code = ?1")?
            .query_row([name_or_code], super::query::account_from_row)
            .optional()?)
    }

    /// Read every sub-account of `parent` (at any depth) in one pass, so that looking them up —
    /// or finding that one does not exist — costs no query. For writes that touch thousands of
    /// accounts under one parent (household payables).
    pub fn load_accounts_under(&mut self, parent: &str) -> Result<()> {
        if self.loaded_parents.iter().any(|p| p == parent) {
            return Ok(());
        }
        // Names under `parent` sort between "parent:" and "parent;" (';' follows ':').
        let (low, high) = (format!("{parent}:"), format!("{parent};"));
        let mut stmt = self
            .tx
            .prepare("SELECT id, name, code, kind FROM accounts WHERE name > ?1 AND name < ?2")?;
        let rows = stmt.query_map([&low, &high], super::query::account_from_row)?;
        for account in rows {
            let account = account?;
            if let Some(entry @ None) = self.accounts.get_mut(&account.name) {
                *entry = Some(account);
            } else if !self.accounts.contains_key(&account.name) {
                self.accounts.insert(account.name.clone(), Some(account));
            }
        }
        self.loaded_parents.push(parent.to_string());
        Ok(())
    }

    /// The name of the account whose code is `code`.
    fn account_with_code(&self, code: &str) -> Result<Option<String>> {
        Ok(self
            .tx
            .prepare_cached("SELECT name FROM accounts WHERE code = ?1")?
            .query_row([code], |r| r.get(0))
            .optional()?)
    }

    /// Check a new account: a valid name, its type agreeing with its top segment when that
    /// segment names a type, not already there.
    fn check_new_account(&mut self, name: &str, kind: AccountKind) -> Result<()> {
        check_account_name(name, kind)?;
        if self.account_id(name)?.is_some() {
            return Err(Error::rule(crate::tr!("account-exists", name = name)));
        }
        Ok(())
    }

    /// Add an account. Its type must agree with its top segment when that segment names a type.
    pub fn add_account(
        &mut self,
        name: &str,
        kind: AccountKind,
        code: Option<&str>,
    ) -> Result<Account> {
        self.check_new_account(name, kind)?;
        if let Some(code) = code {
            if code.trim().is_empty() || code.contains(':') {
                return Err(Error::rule(crate::tr!("account-code-invalid", code = code)));
            }
            if let Some(other) = self.account_with_code(code)? {
                return Err(Error::rule(crate::tr!(
                    "account-code-used",
                    code = code,
                    other = &other
                )));
            }
            if self.account_id(code)?.is_some() {
                return Err(Error::rule(crate::tr!("account-code-is-name", code = code)));
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
            // Checked above: no account has `code` as its name or code.
            self.accounts
                .insert(code.to_string(), Some(account.clone()));
        }
        self.accounts
            .insert(name.to_string(), Some(account.clone()));
        Ok(account)
    }

    /// Add accounts of one type, without codes, in order — as [`Writer::add_account`] one by
    /// one would, but in few statements. Nothing is added if one of them is refused.
    pub fn add_accounts(&mut self, names: Vec<String>, kind: AccountKind) -> Result<()> {
        let mut seen: FastMap<&str, ()> = FastMap::default();
        seen.reserve(names.len());
        for name in &names {
            check_account_name(name, kind)?;
            let exists = match self.known_account(name) {
                Some(known) => known,
                None => self.account_id(name)?.is_some(),
            };
            if exists || seen.insert(name.as_str(), ()).is_some() {
                return Err(Error::rule(crate::tr!(
                    "account-exists",
                    name = name.as_str()
                )));
            }
        }
        drop(seen);
        // The ids SQLite would give them one by one: one more than the largest so far.
        let first: i64 =
            self.tx
                .query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM accounts", [], |r| {
                    r.get(0)
                })?;
        let posted_at = self.posted_at.as_str();
        insert_rows(
            &self.tx,
            "INSERT INTO accounts (id, name, code, kind, created_at)",
            5,
            "",
            (first..).zip(&names),
            |stmt, at, &(id, name)| {
                stmt.raw_bind_parameter(at + 1, id)?;
                stmt.raw_bind_parameter(at + 2, name)?;
                stmt.raw_bind_parameter(at + 3, None::<&str>)?;
                stmt.raw_bind_parameter(at + 4, kind.as_str())?;
                stmt.raw_bind_parameter(at + 5, posted_at)
            },
        )?;
        self.accounts.reserve(names.len());
        for (id, name) in (first..).zip(names) {
            let account = Account {
                id,
                name: name.clone(),
                code: None,
                kind,
            };
            self.accounts.insert(name, Some(account));
        }
        Ok(())
    }

    /// Whether an account is named exactly `name`, from the accounts looked up or loaded so
    /// far in this write (see [`Writer::load_accounts_under`]); `None` when not known yet.
    pub fn known_account(&self, name: &str) -> Option<bool> {
        if let Some(found) = self.accounts.get(name) {
            return Some(found.as_ref().is_some_and(|a| a.name == name));
        }
        self.under_loaded_parent(name).then_some(false)
    }

    /// Post one transaction. Its postings must name existing accounts (by name) and balance.
    pub fn post(&mut self, new: NewTransaction) -> Result<PostOutcome> {
        check_shape(new.postings.iter().map(|p| p.amount.fen()))?;
        if let Some(original) = new.reverses {
            self.refuse_if_bank_locked(original)?;
        }
        let mut ids = std::mem::take(&mut self.ids);
        ids.clear();
        for p in &new.postings {
            match self.account_id(&p.account) {
                Ok(Some(id)) => ids.push(id),
                Ok(None) => {
                    self.ids = ids;
                    return Err(Error::rule(crate::tr!(
                        "account-unknown",
                        name = &p.account
                    )));
                }
                Err(e) => {
                    self.ids = ids;
                    return Err(e);
                }
            }
        }
        self.ids = ids;
        if let Some(external_id) = &new.external_id {
            if self.prior_external_ids {
                let offered = new
                    .postings
                    .iter()
                    .map(|p| (p.account.as_str(), p.amount.fen()));
                if let Some(voucher) =
                    external_id_posted(&self.tx, external_id, new.date, offered, self.first_new_id)?
                {
                    return Ok(PostOutcome::AlreadyPosted { voucher });
                }
            }
        }
        let movements = if new.tags.is_empty() {
            Vec::new()
        } else {
            let book = self.fund_book()?;
            let postings: Vec<(&str, crate::money::Amount)> = new
                .postings
                .iter()
                .map(|p| (p.account.as_str(), p.amount))
                .collect();
            let tags: Vec<(usize, &crate::funds::movement::FundTag)> =
                new.tags.iter().map(|(line, tag)| (*line, tag)).collect();
            let (movements, errors) = book.movements(&postings, &tags);
            if let Some((_, reason)) = errors.into_iter().next() {
                return Err(Error::rule(reason));
            }
            movements
        };
        let date = new.date;
        self.numbering
            .as_ref()
            .expect("no bulk import is preparing")
            .check_open(date)?;
        let moved: Vec<(i64, i64)> = if movements.is_empty() {
            Vec::new()
        } else {
            let ids = &self.ids;
            new.postings
                .iter()
                .zip(ids.iter())
                .map(|(p, id)| (*id, p.amount.fen()))
                .collect()
        };
        let ids = std::mem::take(&mut self.ids);
        let numbering = self
            .numbering
            .as_mut()
            .expect("no bulk import is preparing");
        let before = numbering.position(new.date);
        let postings = new
            .postings
            .iter()
            .enumerate()
            .map(|(line, p)| {
                let mut content = p.content();
                content.tag = movements
                    .binary_search_by_key(&line, |m| m.line)
                    .ok()
                    .map(|at| movements[at].content());
                content
            })
            .zip(ids.iter().copied());
        let prepared = numbering.prepare(new.head(), postings, None);
        // A voucher may have a posting per household: its postings are not held while the
        // row is written.
        drop(new);
        self.ids = ids;
        let mut written = self.write_prepared(&prepared);
        if written.is_ok() && !movements.is_empty() {
            written = self.write_movements(prepared.id, date, &moved, &movements);
        }
        if let Err(e) = written {
            // Nothing was written: the next transaction takes this one's number.
            if let Some(numbering) = self.numbering.as_mut() {
                numbering.rewind(before);
            }
            return Err(e);
        }
        Ok(PostOutcome::Posted {
            id: prepared.id,
            voucher: prepared.voucher().to_string(),
        })
    }

    /// Write a prepared transaction: its row, its month totals and its account index entries.
    fn write_prepared(&mut self, p: &Prepared) -> Result<()> {
        self.write_row(p)?;
        p.index_into(&mut self.index);
        if self.index.is_large() {
            note_touched(&mut self.touched, &self.index);
            self.index.flush(&self.tx)?;
        }
        Ok(())
    }

    /// Write a transaction a [`Bulk`] prepared: its row only (its totals and index entries come
    /// through [`Writer::write_index`]).
    pub fn write_row(&mut self, p: &Prepared) -> Result<()> {
        let inserted = {
            let stmt = match &mut self.statements.insert_transaction {
                Some(stmt) => stmt,
                slot => slot.insert(StaticStatement::prepare(
                    self.conn,
                    &multi_row_sql(INSERT_TRANSACTIONS, TRANSACTION_COLUMNS, 1, ""),
                )?),
            };
            stmt.execute(&row_values(p, &self.operator, &self.posted_at))
        };
        if let Err(e) = inserted {
            if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) {
                if let Some(external_id) = p.external_id() {
                    return Err(Error::rule(crate::tr!(
                        "journal-txn-twice",
                        txn = external_id
                    )));
                }
            }
            return Err(e.into());
        }
        Ok(())
    }

    /// Write the rows of [`ROWS_PER_INSERT`] transactions a [`Bulk`] prepared in one
    /// statement; `false` when a constraint refused one of them, and nothing was written
    /// (write them one by one with [`Writer::write_row`] to learn which).
    pub fn write_rows<'p>(
        &mut self,
        rows: impl ExactSizeIterator<Item = &'p Prepared>,
    ) -> Result<bool> {
        assert_eq!(rows.len(), ROWS_PER_INSERT);
        let mut values: Vec<Value<'_>> = Vec::with_capacity(TRANSACTION_COLUMNS * ROWS_PER_INSERT);
        for p in rows {
            values.extend_from_slice(&row_values(p, &self.operator, &self.posted_at));
        }
        let stmt = match &mut self.statements.insert_transactions {
            Some(stmt) => stmt,
            slot => slot.insert(StaticStatement::prepare(
                self.conn,
                &multi_row_sql(
                    INSERT_TRANSACTIONS,
                    TRANSACTION_COLUMNS,
                    ROWS_PER_INSERT,
                    "",
                ),
            )?),
        };
        match stmt.execute(&values) {
            Ok(()) => Ok(true),
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Write the month totals and index entries a [`Bulk`] gathered.
    pub fn write_index(&mut self, mut pending: Pending) -> Result<()> {
        note_touched(&mut self.touched, &pending);
        pending.flush(&self.tx)
    }

    /// Hand the numbering to a [`Bulk`] that prepares transactions on another thread; give it
    /// back with [`Writer::end_bulk`]. Until then [`Writer::post`] is not available.
    pub fn begin_bulk(&mut self) -> Result<Bulk> {
        // What was posted before comes first in the index.
        self.settle()?;
        let numbering = self.numbering.take().expect("one bulk import at a time");
        Bulk::new(
            &self.tx,
            &self.tx_path()?,
            numbering,
            self.prior_external_ids,
        )
    }

    pub fn end_bulk(&mut self, bulk: Bulk) {
        self.numbering = Some(bulk.numbering);
        // Accounts may have been created under names this write had looked up as missing.
        self.accounts.retain(|_, a| a.is_some());
    }

    fn tx_path(&self) -> Result<std::path::PathBuf> {
        self.conn
            .path()
            .map(std::path::PathBuf::from)
            .ok_or_else(|| Error::rule(crate::tr!("ledger-no-file")))
    }

    /// Write accounts a [`Bulk`] created (with the ids it gave them).
    pub fn write_accounts(&mut self, accounts: &[Account]) -> Result<()> {
        let posted_at = self.posted_at.as_str();
        insert_rows(
            &self.tx,
            "INSERT INTO accounts (id, name, code, kind, created_at)",
            5,
            "",
            accounts,
            |stmt, at, a| {
                stmt.raw_bind_parameter(at + 1, a.id)?;
                stmt.raw_bind_parameter(at + 2, &a.name)?;
                stmt.raw_bind_parameter(at + 3, &a.code)?;
                stmt.raw_bind_parameter(at + 4, a.kind.as_str())?;
                stmt.raw_bind_parameter(at + 5, posted_at)
            },
        )?;
        for a in accounts {
            self.accounts.insert(a.name.clone(), Some(a.clone()));
        }
        Ok(())
    }

    /// Post the mirror entry of `voucher` (every amount negated) dated `date`, linked to it.
    /// A voucher is reversed at most once.
    pub fn reverse(&mut self, voucher: &str, reason: &str, date: NaiveDate) -> Result<String> {
        if reason.trim().is_empty() {
            return Err(Error::rule(crate::tr!("reversal-needs-reason")));
        }
        let original = self
            .transaction_by_voucher(voucher)?
            .ok_or_else(|| Error::NotFound(crate::tr!("voucher-not-found", voucher = voucher)))?;
        if let Some(by) = self.reversal_of(original.id)? {
            return Err(Error::rule(crate::tr!(
                "voucher-already-reversed",
                voucher = voucher,
                by = &by
            )));
        }
        if date < original.date {
            return Err(Error::rule(crate::tr!(
                "reversal-before-voucher",
                date = date,
                original = original.date
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
        // The reversal says of its fund money what the original said.
        let tags = self.movement_tags_of(original.id)?;
        let outcome = self.post(NewTransaction {
            tags,
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

    /// The ledger's own number of the voucher a person names (the ledger's number or the
    /// clerk's own, its import `txn_id`); refused when no voucher has the name.
    pub fn voucher_named(&self, name: &str) -> Result<String> {
        super::query::voucher_named(&self.tx, name)?
            .ok_or_else(|| Error::NotFound(crate::tr!("voucher-not-found", voucher = name.trim())))
    }

    /// The transaction with this voucher number, if any.
    pub fn transaction_by_voucher(&self, voucher: &str) -> Result<Option<Transaction>> {
        super::query::transaction_by_voucher(&self.tx, voucher)
    }

    /// The voucher of the transaction that reverses transaction `id`, if any.
    pub fn reversal_of(&self, id: i64) -> Result<Option<String>> {
        self.one_voucher("SELECT voucher FROM transactions WHERE reverses = ?1", id)
    }

    /// The voucher of the transaction that reverses `voucher`, if any.
    pub fn reversal_of_voucher(&self, voucher: &str) -> Result<Option<String>> {
        self.one_voucher(
            "SELECT r.voucher FROM transactions t JOIN transactions r ON r.reverses = t.id
             WHERE t.voucher = ?1",
            voucher,
        )
    }

    /// The voucher that `voucher` reverses, if it is a reversal.
    pub fn voucher_reversed_by(&self, voucher: &str) -> Result<Option<String>> {
        self.one_voucher(
            "SELECT o.voucher FROM transactions t JOIN transactions o ON o.id = t.reverses
             WHERE t.voucher = ?1",
            voucher,
        )
    }

    /// The voucher `sql` finds for `key`, if any.
    fn one_voucher(&self, sql: &str, key: impl rusqlite::ToSql) -> Result<Option<String>> {
        Ok(self
            .tx
            .prepare_cached(sql)?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    /// The underlying SQL transaction, for the other stores' tables (households, runs …).
    pub fn sql(&self) -> &rusqlite::Transaction<'c> {
        &self.tx
    }

    /// Write what this write has kept in memory so far (per-month totals, account index
    /// entries, the months' voucher sequences), so that reads through [`Writer::sql`] see
    /// every posting made — a balance reads the index through the months that have vouchers,
    /// so a month first used by this write must be among them.
    pub(super) fn settle(&mut self) -> Result<()> {
        note_touched(&mut self.touched, &self.index);
        self.index.flush(&self.tx)?;
        if let Some(numbering) = &self.numbering {
            let mut seq = self.tx.prepare_cached(
                "INSERT INTO voucher_months (month, last) VALUES (?1, ?2)
                 ON CONFLICT (month) DO UPDATE SET last = excluded.last",
            )?;
            for (month, last) in &numbering.used_last {
                seq.execute(params![month_text(*month), last])?;
            }
        }
        Ok(())
    }

    pub(super) fn commit(mut self) -> Result<()> {
        self.settle()?;
        {
            let numbering = self
                .numbering
                .as_ref()
                .expect("no bulk import is preparing");
            let mut meta = self.tx.prepare_cached(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?;
            if numbering.next_id > self.first_new_id {
                meta.execute(params!["chain_head", hex::encode(numbering.head)])?;
                meta.execute(params!["chain_length", (numbering.next_id - 1).to_string()])?;
            }
        }
        super::fund_rules::check_funds_hold_enough(&self.tx, &self.touched)?;
        super::fund_rules::check_paid_from_what_is_held(&self.tx, &self.touched, &self.guarded)?;
        super::records::seal(&self.tx)?;
        self.tx.commit()?;
        Ok(())
    }
}

/// Keep the earliest month `pending` posts to each account in.
fn note_touched(touched: &mut FastMap<i64, u32>, pending: &Pending) {
    for (month, account) in pending.keys() {
        touched
            .entry(account)
            .and_modify(|m| *m = (*m).min(month))
            .or_insert(month);
    }
}

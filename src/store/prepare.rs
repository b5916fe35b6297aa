//! Everything posting a transaction does short of writing it: its id, its voucher number, its
//! audit hash and its stored form.
//!
//! [`Writer::post`](super::Writer::post) prepares and then writes, one transaction at a time.
//! A bulk import ([`Bulk`]) prepares on the thread that reads the file while the writer's
//! thread only writes: the two halves of the work run side by side. Either way one
//! [`Numbering`] numbers and chains the transactions, so the result is the same.

use std::collections::HashMap;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OpenFlags};

use super::account_index::{month_key, month_of, Entry, Pending};
use super::journal::{external_id_posted, push_date, push_voucher};
use super::postings_json;
use super::FastMap;
use crate::error::{Error, Result};
use crate::ledger::account::validate_account_name;
use crate::ledger::transaction::{chain_hash_with, Hash, NewHead, PostingContent, TransactionHead};
use crate::ledger::{Account, AccountKind};
use crate::money::{Amount, Total};

/// The journal's numbering as this write goes: the next id, the chain's head, and the last
/// voucher sequence of each month.
pub(crate) struct Numbering {
    pub operator: String,
    pub posted_at: String,
    pub head: Hash,
    pub next_id: i64,
    /// The last sequence of each month as stored when the write began.
    stored_last: FastMap<u32, u32>,
    /// The last sequence of each month this write has used.
    pub used_last: HashMap<u32, u32>,
    /// Scratch for the bytes a transaction's hash is computed over.
    hash_bytes: Vec<u8>,
    /// The books closed when the write began: nothing is posted dated in them.
    closed: Option<super::periods::Closed>,
}

/// A transaction ready to be written.
pub struct Prepared {
    pub(crate) id: i64,
    pub(crate) date: NaiveDate,
    pub(crate) reverses: Option<i64>,
    pub(crate) hash: Hash,
    /// The voucher, the date as stored, the memo, the external id, the reason and the
    /// postings' JSON, one after another: one allocation, not six.
    text: String,
    ends: [u32; 6],
    has_external_id: bool,
    has_reason: bool,
    postings: usize,
    /// Each posting's (account id, fen), in order, when the transaction is indexed after it
    /// is written (see [`Prepared::index_into`]); empty when it was indexed as it was prepared.
    amounts: Vec<(i64, i64)>,
}

impl Prepared {
    fn part(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    pub fn voucher(&self) -> &str {
        self.part(0)
    }

    pub(crate) fn date_text(&self) -> &str {
        self.part(1)
    }

    pub(crate) fn memo(&self) -> &str {
        self.part(2)
    }

    pub(crate) fn external_id(&self) -> Option<&str> {
        self.has_external_id.then(|| self.part(3))
    }

    pub(crate) fn reason(&self) -> Option<&str> {
        self.has_reason.then(|| self.part(4))
    }

    pub(crate) fn postings_json(&self) -> &str {
        self.part(5)
    }

    pub fn postings(&self) -> usize {
        self.postings
    }
}

impl Numbering {
    pub(crate) fn load(
        conn: &Connection,
        operator: &str,
        posted_at: String,
        head: Hash,
        next_id: i64,
    ) -> Result<Numbering> {
        let mut stored_last = FastMap::default();
        let mut stmt = conn.prepare("SELECT month, last FROM voucher_months")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let month: String = row.get(0)?;
            if let Some(key) = month_of(&month) {
                stored_last.insert(key, row.get(1)?);
            }
        }
        Ok(Numbering {
            operator: operator.to_string(),
            posted_at,
            head,
            next_id,
            stored_last,
            used_last: HashMap::new(),
            hash_bytes: Vec::with_capacity(16 << 10),
            closed: super::periods::closed(conn)?,
        })
    }

    /// Refuse a transaction dated in a closed period: corrections go into an open one.
    pub(crate) fn check_open(&self, date: NaiveDate) -> Result<()> {
        match &self.closed {
            Some(c) if c.covers(date) => Err(Error::rule(crate::tr!(
                "period-closed",
                date = date,
                through = c.month_text(),
                by = c.person.as_str(),
                at = c.at.as_str()
            ))),
            _ => Ok(()),
        }
    }

    /// Where the numbering stands for a transaction dated `date`, to [`Numbering::rewind`] to.
    pub(crate) fn position(&self, date: NaiveDate) -> (Hash, i64, u32, Option<u32>) {
        let month = month_key(date);
        (
            self.head,
            self.next_id,
            month,
            self.used_last.get(&month).copied(),
        )
    }

    /// Undo the numbering of a transaction that was not written.
    pub(crate) fn rewind(&mut self, (head, next_id, month, used): (Hash, i64, u32, Option<u32>)) {
        self.head = head;
        self.next_id = next_id;
        match used {
            Some(last) => self.used_last.insert(month, last),
            None => self.used_last.remove(&month),
        };
    }

    /// Number, chain and encode the transaction `new` with `postings`, each with its
    /// account's id. The caller has checked that it balances and that its accounts exist.
    /// With `index`, the postings go into it now; without, [`Prepared::index_into`] adds them
    /// once the row is written.
    pub(crate) fn prepare<'a>(
        &mut self,
        new: NewHead<'_>,
        postings: impl ExactSizeIterator<Item = (PostingContent<'a>, i64)> + Clone,
        index: Option<&mut Pending>,
    ) -> Prepared {
        let month = month_key(new.date);
        let seq = match self.used_last.get(&month) {
            Some(last) => last + 1,
            None => self.stored_last.get(&month).copied().unwrap_or(0) + 1,
        };
        self.used_last.insert(month, seq);
        let id = self.next_id;
        let external = new.external_id;
        let mut text = String::with_capacity(
            32 + new.memo.len()
                + external.map_or(0, str::len)
                + new.reason.map_or(0, str::len)
                + 48 * postings.len(),
        );
        let mut ends = [0u32; 6];
        push_voucher(&mut text, new.date, seq);
        ends[0] = text.len() as u32;
        push_date(&mut text, new.date);
        ends[1] = text.len() as u32;
        for (i, part) in [new.memo, external.unwrap_or(""), new.reason.unwrap_or("")]
            .into_iter()
            .enumerate()
        {
            text.push_str(part);
            ends[2 + i] = text.len() as u32;
        }
        let head = TransactionHead {
            voucher: &text[..ends[0] as usize],
            date: new.date,
            external_id: external,
            memo: new.memo,
            reverses: new.reverses,
            reason: new.reason,
            operator: &self.operator,
            posted_at: &self.posted_at,
        };
        let hash = chain_hash_with(
            &mut self.hash_bytes,
            &self.head,
            &head,
            postings.clone().map(|(p, _)| p),
        );
        postings_json::encode(&mut text, new.memo, postings.clone());
        ends[5] = text.len() as u32;
        let count = postings.len();
        let amounts = postings.map(|(p, account)| (account, p.fen));
        let amounts = match index {
            Some(pending) => {
                index_postings(pending, id, new.date, amounts);
                Vec::new()
            }
            None => amounts.collect(),
        };
        let prepared = Prepared {
            id,
            date: new.date,
            reverses: new.reverses,
            hash,
            text,
            ends,
            has_external_id: external.is_some(),
            has_reason: new.reason.is_some(),
            postings: count,
            amounts,
        };
        self.head = hash;
        self.next_id += 1;
        prepared
    }
}

/// Add the postings (account id, fen) of transaction `txn` dated `date` to `pending`.
fn index_postings(
    pending: &mut Pending,
    txn: i64,
    date: NaiveDate,
    amounts: impl Iterator<Item = (i64, i64)>,
) {
    let (month, day) = (month_key(date), date.day());
    for (line, (account, fen)) in amounts.enumerate() {
        pending.push(
            month,
            account,
            Entry {
                txn,
                line: line as u32,
                day,
                fen,
            },
        );
    }
}

/// The checks every transaction passes before it is numbered: at least two postings, each
/// within ±[`Amount::MAX`], not all 0.00, whose amounts (in fen) sum to zero — summed exactly,
/// whatever their number.
pub(crate) fn check_shape(fen: impl ExactSizeIterator<Item = i64>) -> Result<()> {
    if fen.len() < 2 {
        return Err(Error::rule(crate::tr!("txn-two-postings")));
    }
    let mut off = Total::ZERO;
    let mut moves = false;
    for f in fen {
        let amount = Amount::from_fen(f);
        if !amount.within_posting_limit() {
            return Err(Error::rule(crate::tr!(
                "txn-posting-too-large",
                amount = amount.grouped(),
                max = Amount::MAX.grouped()
            )));
        }
        moves |= f != 0;
        off.add(amount);
    }
    if !off.is_zero() {
        return Err(Error::rule(crate::tr!(
            "txn-unbalanced",
            sum = off.to_string()
        )));
    }
    if !moves {
        return Err(Error::rule(crate::tr!("txn-no-money")));
    }
    Ok(())
}

/// A new account's name must be valid, and its type agree with its top segment when that
/// segment names a type.
pub(crate) fn check_account_name(name: &str, kind: AccountKind) -> Result<()> {
    validate_account_name(name).map_err(Error::Rule)?;
    if let Some(implied) = AccountKind::from_top_segment(name) {
        if implied != kind {
            return Err(Error::rule(crate::tr!(
                "account-under-wrong-top",
                name = name,
                top = name.split(':').next().unwrap_or_default(),
                implied = implied.to_string(),
                kind = kind.to_string()
            )));
        }
    }
    Ok(())
}

/// Every account of the ledger, by name and by code, and the accounts a bulk import creates
/// (at the end of `accounts`, from `unsent` on those not yet handed to the writer).
struct AccountBook {
    accounts: Vec<Account>,
    /// The place in `accounts` of each name and code.
    by_text: FastMap<String, usize>,
    next_id: i64,
    unsent: usize,
}

impl AccountBook {
    fn load(conn: &Connection) -> Result<AccountBook> {
        let mut accounts: Vec<Account> = Vec::new();
        let mut by_text = FastMap::default();
        let mut stmt = conn.prepare("SELECT id, name, code, kind FROM accounts")?;
        let rows = stmt.query_map([], super::query::account_from_row)?;
        for account in rows {
            let account = account?;
            if let Some(code) = &account.code {
                by_text.insert(code.clone(), accounts.len());
            }
            by_text.insert(account.name.clone(), accounts.len());
            accounts.push(account);
        }
        let next_id = accounts.iter().map(|a| a.id + 1).max().unwrap_or(1);
        Ok(AccountBook {
            unsent: accounts.len(),
            accounts,
            by_text,
            next_id,
        })
    }
}

/// A bulk import's side of the write: resolves accounts from a complete list, checks and
/// prepares transactions. It is `Send`: it runs on the thread that reads the file, and the
/// prepared transactions go to [`Writer::write_prepared`](super::Writer::write_prepared).
pub struct Bulk {
    pub(crate) numbering: Numbering,
    book: AccountBook,
    /// A second, read-only connection, for checking txn_ids against what was posted before
    /// this write (only when the ledger holds any).
    earlier: Option<Connection>,
    /// The prepared transactions' month totals and account index entries, kept here so that
    /// the writing thread only writes rows; handed over with [`Bulk::take_index`].
    index: Pending,
}

/// What [`Bulk::prepare`] made of a transaction.
// Nearly every outcome is `Prepared`, moved on at once: boxing it would cost an allocation
// per transaction.
#[allow(clippy::large_enum_variant)]
pub enum BulkOutcome {
    Prepared(Prepared),
    /// Posted before, with the same content, as this voucher.
    AlreadyPosted(String),
}

impl Bulk {
    pub(crate) fn new(
        conn: &Connection,
        path: &Path,
        numbering: Numbering,
        prior_external_ids: bool,
    ) -> Result<Bulk> {
        let earlier = if prior_external_ids {
            Some(Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?)
        } else {
            None
        };
        Ok(Bulk {
            numbering,
            book: AccountBook::load(conn)?,
            earlier,
            index: Pending::default(),
        })
    }

    /// The account with this name, or else this code.
    pub fn account(&self, name_or_code: &str) -> Option<&Account> {
        self.find(name_or_code).map(|at| self.account_at(at))
    }

    /// Where the account with this name, or else this code, is, for [`Bulk::account_at`].
    pub fn find(&self, name_or_code: &str) -> Option<usize> {
        self.book.by_text.get(name_or_code).copied()
    }

    /// The account [`Bulk::find`] found at `at`.
    pub fn account_at(&self, at: usize) -> &Account {
        &self.book.accounts[at]
    }

    /// Create an account (written with the next transaction, see [`Bulk::take_created`]).
    /// Its name must be valid and new, its type agree with its top segment.
    pub fn create_account(&mut self, name: &str, kind: AccountKind) -> Result<&Account> {
        check_account_name(name, kind)?;
        if self.book.by_text.contains_key(name) {
            return Err(Error::rule(crate::tr!("account-exists", name = name)));
        }
        let book = &mut self.book;
        book.by_text.insert(name.to_string(), book.accounts.len());
        book.accounts.push(Account {
            id: book.next_id,
            name: name.to_string(),
            code: None,
            kind,
        });
        book.next_id += 1;
        Ok(book.accounts.last().expect("just pushed"))
    }

    /// The accounts created since the last call, to be written before what refers to them.
    pub fn take_created(&mut self) -> Vec<Account> {
        let book = &mut self.book;
        let created = book.accounts[book.unsent..].to_vec();
        book.unsent = book.accounts.len();
        created
    }

    /// Check and prepare the transaction `new` with `postings`, each with the id of its
    /// account (named canonically), as [`Bulk::account`] gave it.
    pub fn prepare<'a>(
        &mut self,
        new: NewHead<'_>,
        postings: impl ExactSizeIterator<Item = (PostingContent<'a>, i64)> + Clone,
    ) -> Result<BulkOutcome> {
        check_shape(postings.clone().map(|(p, _)| p.fen))?;
        if let (Some(conn), Some(external_id)) = (&self.earlier, new.external_id) {
            let offered = postings.clone().map(|(p, _)| (p.account, p.fen));
            if let Some(voucher) =
                external_id_posted(conn, external_id, new.date, offered, i64::MAX)?
            {
                return Ok(BulkOutcome::AlreadyPosted(voucher));
            }
        }
        self.numbering.check_open(new.date)?;
        let prepared = self.numbering.prepare(new, postings, Some(&mut self.index));
        Ok(BulkOutcome::Prepared(prepared))
    }

    /// The month totals and index entries of the transactions prepared since the last call,
    /// when they take much memory (or `all` the same), for [`Writer::write_index`](super::Writer::write_index).
    pub fn take_index(&mut self, all: bool) -> Option<Pending> {
        (all || self.index.is_large()).then(|| std::mem::take(&mut self.index))
    }
}

impl Prepared {
    /// Add this transaction's postings to the pending month totals and index entries (a
    /// transaction prepared without an index).
    pub(crate) fn index_into(&self, pending: &mut Pending) {
        index_postings(pending, self.id, self.date, self.amounts.iter().copied());
    }
}

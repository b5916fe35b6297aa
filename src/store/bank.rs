//! Bank statements and their matches with the books (migration 19; see `crate::reconcile`):
//! the SQL of `bank import`, `reconcile` and its match, unmatch and lock.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::{account_index, postings_json, Ledger, Writer};
use crate::error::{Error, Result};
use crate::money::Amount;

/// One imported statement of a bank account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankStatement {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub opening: Amount,
    pub closing: Amount,
    pub source: String,
    pub sha256: String,
    pub layout: String,
    pub imported_by: String,
    pub imported_at: String,
    pub locked_by: Option<String>,
    pub locked_at: Option<String>,
}

impl BankStatement {
    pub fn is_locked(&self) -> bool {
        self.locked_at.is_some()
    }

    /// Whether `date` lies in the statement's period.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

/// A bank line as kept, with the match it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredBankLine {
    pub id: i64,
    pub statement: i64,
    pub row: u64,
    pub date: NaiveDate,
    pub amount: Amount,
    pub balance: Option<Amount>,
    pub text: String,
    pub counterparty: String,
    pub counterparty_account: String,
    pub serial: Option<String>,
    pub match_id: Option<i64>,
}

/// A bank line to keep.
#[derive(Clone, Debug)]
pub struct NewBankLine<'a> {
    pub row: u64,
    pub date: NaiveDate,
    pub amount: Amount,
    pub balance: Option<Amount>,
    pub text: &'a str,
    pub counterparty: &'a str,
    pub counterparty_account: &'a str,
    pub serial: Option<&'a str>,
    pub occurrence: i64,
}

/// A posting to the bank account in the books, with the match it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookItem {
    pub txn: i64,
    pub line: i64,
    pub voucher: String,
    pub date: NaiveDate,
    pub amount: Amount,
    /// The posting's memo, else the transaction's.
    pub memo: String,
    pub reference: Option<String>,
    pub external_id: Option<String>,
    pub household: Option<String>,
    /// The transaction this one reverses, and the one reversing it.
    pub reverses: Option<i64>,
    pub match_id: Option<i64>,
}

/// A match as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankMatch {
    pub id: i64,
    pub rule: String,
    pub made_by: String,
    pub made_at: String,
    pub lines: Vec<i64>,
    pub postings: Vec<(i64, i64)>,
}

/// One import, match, unmatch, lock or unlock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankEvent {
    pub id: i64,
    pub statement: Option<i64>,
    pub action: String,
    pub detail: String,
    pub reason: Option<String>,
    pub operator: String,
    pub at: String,
}

/// A payment of an allocation run as the bank sees it: the household's card, the amount and
/// the bank's reference from the result file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunPaymentLine {
    pub household: String,
    pub amount: Amount,
    pub bank_ref: Option<String>,
    pub bank_card: String,
}

fn date(text: String) -> rusqlite::Result<NaiveDate> {
    super::query::parse_stored_date(&text)
}

const STATEMENT_COLUMNS: &str = "id, account, name, period_from, period_to, opening, closing,
    source, sha256, layout, imported_by, imported_at, locked_by, locked_at";

fn statement_from_row(r: &Row<'_>) -> rusqlite::Result<BankStatement> {
    Ok(BankStatement {
        id: r.get(0)?,
        account_id: r.get(1)?,
        name: r.get(2)?,
        from: date(r.get(3)?)?,
        to: date(r.get(4)?)?,
        opening: Amount::from_fen(r.get(5)?),
        closing: Amount::from_fen(r.get(6)?),
        source: r.get(7)?,
        sha256: r.get(8)?,
        layout: r.get(9)?,
        imported_by: r.get(10)?,
        imported_at: r.get(11)?,
        locked_by: r.get(12)?,
        locked_at: r.get(13)?,
    })
}

/// Every statement of `account`, by period.
fn statements(conn: &Connection, account: i64) -> Result<Vec<BankStatement>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {STATEMENT_COLUMNS} FROM bank_statements WHERE account = ?1
         ORDER BY period_from, period_to, id"
    ))?;
    let rows = stmt.query_map([account], statement_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The accounts that have statements.
fn statement_accounts(conn: &Connection) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT a.id, a.name FROM bank_statements s JOIN accounts a ON a.id = s.account
         ORDER BY a.name",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn line_from_row(r: &Row<'_>) -> rusqlite::Result<StoredBankLine> {
    Ok(StoredBankLine {
        id: r.get(0)?,
        statement: r.get(1)?,
        row: r.get::<_, i64>(2)?.max(0) as u64,
        date: date(r.get(3)?)?,
        amount: Amount::from_fen(r.get(4)?),
        balance: r.get::<_, Option<i64>>(5)?.map(Amount::from_fen),
        text: r.get(6)?,
        counterparty: r.get(7)?,
        counterparty_account: r.get(8)?,
        serial: r.get(9)?,
        match_id: r.get(10)?,
    })
}

/// The bank lines of `account` dated up to `to` (everything when `None`), oldest first.
fn lines(conn: &Connection, account: i64, to: Option<NaiveDate>) -> Result<Vec<StoredBankLine>> {
    let to = to.map_or_else(|| "9999-12-31".to_string(), |d| d.to_string());
    let mut stmt = conn.prepare_cached(
        "SELECT l.id, l.statement, l.row, l.date, l.amount, l.balance, l.text, l.counterparty,
                l.counterparty_account, l.serial, m.match_id
         FROM bank_lines l LEFT JOIN bank_match_lines m ON m.bank_line = l.id
         WHERE l.account = ?1 AND l.date <= ?2
         ORDER BY l.date, l.id",
    )?;
    let rows = stmt.query_map(params![account, to], line_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The ids of `account` and of every account under it.
fn account_tree(conn: &Connection, account: i64) -> Result<Vec<i64>> {
    let name: String = conn
        .prepare_cached("SELECT name FROM accounts WHERE id = ?1")?
        .query_row([account], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM accounts WHERE name = ?1 OR (name > ?1 || ':' AND name < ?1 || ';')",
    )?;
    let rows = stmt.query_map([name], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The postings to `account` (and the accounts under it) dated in `[from, to]` (only those of
/// transaction `txn`, when given), oldest first, each with its match: read from the account
/// index, then each posting's texts from its transaction.
fn book_items(
    conn: &Connection,
    account: i64,
    from: Option<NaiveDate>,
    to: NaiveDate,
    txn: Option<i64>,
) -> Result<Vec<BookItem>> {
    let from = from.unwrap_or(NaiveDate::MIN);
    let months = account_index::index_months(conn)?;
    let mut matched: HashMap<(i64, i64), i64> = HashMap::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT mp.txn, mp.line, mp.match_id FROM bank_match_postings mp
             JOIN bank_matches m ON m.id = mp.match_id WHERE m.account = ?1",
        )?;
        for row in stmt.query_map([account], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))? {
            let (key, id) = row?;
            matched.insert(key, id);
        }
    }
    let mut entries = Vec::new();
    for id in account_tree(conn, account)? {
        entries.extend(
            account_index::entries_in(conn, &months, id, from, to)?
                .into_iter()
                .filter(|(_, e)| txn.is_none_or(|t| t == e.txn)),
        );
    }
    entries.sort_by_key(|(date, e)| (*date, e.txn, e.line));
    let mut read = conn.prepare_cached(
        "SELECT voucher, memo, postings, external_id, reverses FROM transactions WHERE id = ?1",
    )?;
    let mut stored = Vec::new();
    let mut out = Vec::with_capacity(entries.len());
    // The transaction read last: (id, voucher, memo, clerk's number, what it reverses).
    type Read = (i64, String, String, Option<String>, Option<i64>);
    let mut last: Option<Read> = None;
    for (date, e) in entries {
        if last.as_ref().is_none_or(|l| l.0 != e.txn) {
            let mut rows = read.query([e.txn])?;
            let row = rows.next()?.ok_or_else(|| {
                Error::Tampered(crate::tr!("index-txn-not-in-journal", txn = e.txn))
            })?;
            postings_json::decode_into(row.get_ref(2)?.as_str()?, &mut stored)?;
            last = Some((e.txn, row.get(0)?, row.get(1)?, row.get(3)?, row.get(4)?));
        }
        let Some((_, voucher, memo, external_id, reverses)) = &last else {
            continue;
        };
        let p = stored.get(e.line as usize).ok_or_else(|| {
            Error::Tampered(crate::tr!(
                "index-posting-not-in-voucher",
                voucher = voucher.as_str()
            ))
        })?;
        let line = i64::from(e.line) + 1;
        out.push(BookItem {
            txn: e.txn,
            line,
            voucher: voucher.clone(),
            date,
            amount: Amount::from_fen(e.fen),
            memo: p
                .memo
                .clone()
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| memo.clone()),
            reference: p.reference.clone(),
            external_id: external_id.clone(),
            household: p.household.clone(),
            reverses: *reverses,
            match_id: matched.get(&(e.txn, line)).copied(),
        });
    }
    Ok(out)
}

/// Every match of `account`, with its lines and postings.
fn matches(conn: &Connection, account: i64) -> Result<Vec<BankMatch>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, rule, made_by, made_at FROM bank_matches WHERE account = ?1 ORDER BY id",
    )?;
    let mut out: Vec<BankMatch> = stmt
        .query_map([account], |r| {
            Ok(BankMatch {
                id: r.get(0)?,
                rule: r.get(1)?,
                made_by: r.get(2)?,
                made_at: r.get(3)?,
                lines: Vec::new(),
                postings: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let at: HashMap<i64, usize> = out.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
    let mut lines = conn.prepare_cached(
        "SELECT ml.match_id, ml.bank_line FROM bank_match_lines ml
         JOIN bank_matches m ON m.id = ml.match_id WHERE m.account = ?1 ORDER BY ml.bank_line",
    )?;
    for row in lines.query_map([account], |r| Ok((r.get::<_, i64>(0)?, r.get(1)?)))? {
        let (m, line) = row?;
        if let Some(&i) = at.get(&m) {
            out[i].lines.push(line);
        }
    }
    let mut postings = conn.prepare_cached(
        "SELECT mp.match_id, mp.txn, mp.line FROM bank_match_postings mp
         JOIN bank_matches m ON m.id = mp.match_id WHERE m.account = ?1
         ORDER BY mp.txn, mp.line",
    )?;
    for row in postings.query_map([account], |r| {
        Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?))
    })? {
        let (m, txn, line) = row?;
        if let Some(&i) = at.get(&m) {
            out[i].postings.push((txn, line));
        }
    }
    Ok(out)
}

fn events(conn: &Connection, account: i64) -> Result<Vec<BankEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, statement, action, detail, reason, operator, at FROM bank_events
         WHERE account = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([account], |r| {
        Ok(BankEvent {
            id: r.get(0)?,
            statement: r.get(1)?,
            action: r.get(2)?,
            detail: r.get(3)?,
            reason: r.get(4)?,
            operator: r.get(5)?,
            at: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The payments a payment voucher of an allocation run made, household by household.
fn run_payment_lines(conn: &Connection, voucher: &str) -> Result<Vec<RunPaymentLine>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.household, p.amount, p.bank_ref,
                COALESCE((SELECT l.bank_card FROM allocation_lines l
                          WHERE l.run = p.run AND l.household = p.household), '')
         FROM allocation_payments p WHERE p.voucher = ?1 ORDER BY p.household",
    )?;
    let rows = stmt.query_map([voucher], |r| {
        Ok(RunPaymentLine {
            household: r.get(0)?,
            amount: Amount::from_fen(r.get(1)?),
            bank_ref: r.get(2)?,
            bank_card: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Reading the bank side and the book side of an account, from the ledger or within a write.
pub trait BankReads {
    fn bank_sql(&self) -> &Connection;

    /// Every statement of the account with id `account`, by period.
    fn bank_statements(&self, account: i64) -> Result<Vec<BankStatement>> {
        statements(self.bank_sql(), account)
    }

    /// The accounts (id, name) that have statements.
    fn bank_statement_accounts(&self) -> Result<Vec<(i64, String)>> {
        statement_accounts(self.bank_sql())
    }

    /// The bank lines of `account` dated up to `to`, oldest first.
    fn bank_lines(&self, account: i64, to: Option<NaiveDate>) -> Result<Vec<StoredBankLine>> {
        lines(self.bank_sql(), account, to)
    }

    /// One bank line by id, if it is `account`'s.
    fn bank_line(&self, account: i64, id: i64) -> Result<Option<StoredBankLine>> {
        Ok(self
            .bank_sql()
            .prepare_cached(
                "SELECT l.id, l.statement, l.row, l.date, l.amount, l.balance, l.text,
                        l.counterparty, l.counterparty_account, l.serial, m.match_id
                 FROM bank_lines l LEFT JOIN bank_match_lines m ON m.bank_line = l.id
                 WHERE l.id = ?1 AND l.account = ?2",
            )?
            .query_row(params![id, account], line_from_row)
            .optional()?)
    }

    /// The postings to `account` and the accounts under it dated in `[from, to]`.
    fn bank_book_items(
        &self,
        account: i64,
        from: Option<NaiveDate>,
        to: NaiveDate,
    ) -> Result<Vec<BookItem>> {
        book_items(self.bank_sql(), account, from, to, None)
    }

    /// The postings of transaction `txn` to `account` and the accounts under it.
    fn bank_book_items_of(&self, account: i64, txn: i64) -> Result<Vec<BookItem>> {
        let end = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX);
        book_items(self.bank_sql(), account, None, end, Some(txn))
    }

    /// The balance in the books of `account` and the accounts under it at the end of `to`.
    fn bank_book_balance(&self, account: i64, to: NaiveDate) -> Result<Amount> {
        let conn = self.bank_sql();
        let months = account_index::index_months(conn)?;
        let mut total = crate::money::Total::default();
        let after = to.succ_opt().unwrap_or(NaiveDate::MAX);
        for id in account_tree(conn, account)? {
            total.add_total(account_index::balance_before_in(conn, &months, id, after)?);
        }
        total.checked(|| format!("the balance of account {account}"))
    }

    /// The latest date among each match's bank lines and postings.
    fn bank_match_last_dates(&self, account: i64) -> Result<HashMap<i64, NaiveDate>> {
        let mut stmt = self.bank_sql().prepare_cached(
            "SELECT m.id, MAX(d) FROM bank_matches m JOIN (
                 SELECT ml.match_id AS id, l.date AS d FROM bank_match_lines ml
                 JOIN bank_lines l ON l.id = ml.bank_line
                 UNION ALL
                 SELECT mp.match_id, t.date FROM bank_match_postings mp
                 JOIN transactions t ON t.id = mp.txn
             ) x ON x.id = m.id WHERE m.account = ?1 GROUP BY m.id",
        )?;
        let rows = stmt.query_map([account], |r| Ok((r.get(0)?, date(r.get(1)?)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every match of `account`.
    fn bank_matches(&self, account: i64) -> Result<Vec<BankMatch>> {
        matches(self.bank_sql(), account)
    }

    /// Every import, match, unmatch, lock and unlock of `account`.
    fn bank_events(&self, account: i64) -> Result<Vec<BankEvent>> {
        events(self.bank_sql(), account)
    }

    /// What a payment voucher of an allocation run paid, household by household.
    fn run_payment_lines(&self, voucher: &str) -> Result<Vec<RunPaymentLine>> {
        run_payment_lines(self.bank_sql(), voucher)
    }

    /// The id and balance of `account`'s line with serial number `serial`, if held.
    fn bank_line_by_serial(
        &self,
        account: i64,
        serial: &str,
    ) -> Result<Option<(i64, Option<Amount>)>> {
        Ok(self
            .bank_sql()
            .prepare_cached(
                "SELECT id, balance FROM bank_lines WHERE account = ?1 AND serial = ?2",
            )?
            .query_row(params![account, serial], |r| {
                Ok((r.get(0)?, r.get::<_, Option<i64>>(1)?.map(Amount::from_fen)))
            })
            .optional()?)
    }

    /// The id and balance of `account`'s line without a serial number with this date, amount,
    /// text and occurrence (the n-th such line), if held.
    fn bank_line_by_key(
        &self,
        account: i64,
        date: NaiveDate,
        amount: Amount,
        text: &str,
        occurrence: i64,
    ) -> Result<Option<(i64, Option<Amount>)>> {
        Ok(self
            .bank_sql()
            .prepare_cached(
                "SELECT id, balance FROM bank_lines WHERE account = ?1 AND serial IS NULL
                 AND date = ?2 AND amount = ?3 AND text = ?4 AND occurrence = ?5",
            )?
            .query_row(
                params![account, date.to_string(), amount.fen(), text, occurrence],
                |r| Ok((r.get(0)?, r.get::<_, Option<i64>>(1)?.map(Amount::from_fen))),
            )
            .optional()?)
    }
}

impl Ledger {
    /// How many bank lines are matched, in every account.
    pub fn bank_matches_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM bank_match_lines", [], |r| r.get(0))?)
    }
}

impl BankReads for Ledger {
    fn bank_sql(&self) -> &Connection {
        &self.conn
    }
}

impl BankReads for Writer<'_> {
    fn bank_sql(&self) -> &Connection {
        self.sql()
    }
}

impl Writer<'_> {
    /// Keep a statement; its id.
    #[allow(clippy::too_many_arguments)]
    pub fn insert_bank_statement(
        &mut self,
        account: i64,
        name: &str,
        period: (NaiveDate, NaiveDate),
        opening: Amount,
        closing: Amount,
        source: &str,
        sha256: &str,
        layout: &str,
    ) -> Result<i64> {
        let (at, by) = (self.posted_at().to_string(), self.operator().to_string());
        self.sql().execute(
            "INSERT INTO bank_statements (account, name, period_from, period_to, opening, closing,
                 source, sha256, layout, imported_by, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                account,
                name,
                period.0.to_string(),
                period.1.to_string(),
                opening.fen(),
                closing.fen(),
                source,
                sha256,
                layout,
                by,
                at
            ],
        )?;
        Ok(self.sql().last_insert_rowid())
    }

    /// Keep a bank line of `statement`; its id.
    pub fn insert_bank_line(
        &mut self,
        account: i64,
        statement: i64,
        line: &NewBankLine<'_>,
    ) -> Result<i64> {
        self.sql()
            .prepare_cached(
                "INSERT INTO bank_lines (account, statement, row, date, amount, balance, text,
                     counterparty, counterparty_account, serial, occurrence)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                account,
                statement,
                i64::try_from(line.row).unwrap_or(i64::MAX),
                line.date.to_string(),
                line.amount.fen(),
                line.balance.map(Amount::fen),
                line.text,
                line.counterparty,
                line.counterparty_account,
                line.serial,
                line.occurrence
            ])?;
        Ok(self.sql().last_insert_rowid())
    }

    /// Keep a match of `lines` with `postings`, made by `rule`; its id. A line or a posting
    /// already matched is refused by the tables' keys.
    pub fn insert_bank_match(
        &mut self,
        account: i64,
        rule: &str,
        lines: &[i64],
        postings: &[(i64, i64)],
    ) -> Result<i64> {
        let (at, by) = (self.posted_at().to_string(), self.operator().to_string());
        self.sql()
            .prepare_cached(
                "INSERT INTO bank_matches (account, rule, made_by, made_at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![account, rule, by, at])?;
        let id = self.sql().last_insert_rowid();
        {
            let mut insert = self.sql().prepare_cached(
                "INSERT INTO bank_match_lines (bank_line, match_id) VALUES (?1, ?2)",
            )?;
            for line in lines {
                insert.execute(params![line, id])?;
            }
        }
        let mut insert = self.sql().prepare_cached(
            "INSERT INTO bank_match_postings (txn, line, match_id) VALUES (?1, ?2, ?3)",
        )?;
        for (txn, line) in postings {
            insert.execute(params![txn, line, id])?;
        }
        Ok(id)
    }

    /// Remove match `id` (its lines and postings become unmatched).
    pub fn delete_bank_match(&mut self, id: i64) -> Result<()> {
        let sql = self.sql();
        sql.execute("DELETE FROM bank_match_lines WHERE match_id = ?1", [id])?;
        sql.execute("DELETE FROM bank_match_postings WHERE match_id = ?1", [id])?;
        sql.execute("DELETE FROM bank_matches WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Lock statement `id` (by the operator, now), or unlock it.
    pub fn set_bank_statement_lock(&mut self, id: i64, locked: bool) -> Result<()> {
        let (at, by) = if locked {
            (
                Some(self.posted_at().to_string()),
                Some(self.operator().to_string()),
            )
        } else {
            (None, None)
        };
        self.sql().execute(
            "UPDATE bank_statements SET locked_by = ?2, locked_at = ?3 WHERE id = ?1",
            params![id, by, at],
        )?;
        Ok(())
    }

    /// Keep an event of `account`.
    pub fn insert_bank_event(
        &mut self,
        account: i64,
        statement: Option<i64>,
        action: &str,
        detail: &str,
        reason: Option<&str>,
    ) -> Result<()> {
        let (at, by) = (self.posted_at().to_string(), self.operator().to_string());
        self.sql()
            .prepare_cached(
                "INSERT INTO bank_events (account, statement, action, detail, reason, operator, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![account, statement, action, detail, reason, by, at])?;
        Ok(())
    }

    /// Refuse to reverse transaction `txn` when one of its postings is matched to a bank line
    /// of a locked statement: the reconciliation signed for would no longer hold.
    pub fn refuse_if_bank_locked(&self, txn: i64) -> Result<()> {
        let locked: Option<(String, String, String)> = self
            .sql()
            .prepare_cached(
                "SELECT a.name, s.name, t.voucher
                 FROM bank_match_postings mp
                 JOIN bank_match_lines ml ON ml.match_id = mp.match_id
                 JOIN bank_lines l ON l.id = ml.bank_line
                 JOIN bank_statements s ON s.account = l.account
                      AND l.date >= s.period_from AND l.date <= s.period_to
                 JOIN accounts a ON a.id = s.account
                 JOIN transactions t ON t.id = mp.txn
                 WHERE mp.txn = ?1 AND s.locked_at IS NOT NULL
                 LIMIT 1",
            )?
            .query_row([txn], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        match locked {
            Some((account, statement, voucher)) => Err(Error::rule(crate::tr!(
                "reconcile-reverse-locked",
                voucher = voucher,
                account = account,
                statement = statement
            ))),
            None => Ok(()),
        }
    }
}

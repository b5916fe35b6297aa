//! The funds' rules files (`fund_rules`) and what postings on a fund's account say about its
//! money (`fund_movements`), migration 13.

use std::rc::Rc;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use super::journal::date_text;
use super::{Ledger, Writer};
use crate::error::{Error, Result};
use crate::funds::movement::{FundBook, FundTag, Movement};
use crate::funds::rules::FundRules;

/// One transaction's movements to write: its id and date, its postings' (account id, fen) in
/// order, and the movements.
pub type TransactionMovements<'a> = (i64, NaiveDate, &'a [(i64, i64)], &'a [Movement]);

/// Columns of a `fund_movements` row.
const MOVEMENT_COLUMNS: usize = 10;

/// Rows per multi-row `INSERT` of fund movements (they come in transaction order, one fund's
/// after another's: a statement writes a run of neighbouring rows).
const MOVEMENTS_PER_INSERT: usize = 32;

/// A rules file as the ledger keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRules {
    pub version: i64,
    pub source: String,
    pub sha256: String,
    pub loaded_at: String,
    pub operator: String,
}

/// A stored movement with its posting's date, amount and account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FundMovement {
    pub txn: i64,
    pub voucher: String,
    pub date: NaiveDate,
    pub account: String,
    pub fen: i64,
    pub purpose: Option<String>,
    pub source: Option<String>,
    pub donor: Option<String>,
    pub project: Option<String>,
    pub household: Option<String>,
}

/// The rules in force: the latest file loaded, or the standard rules.
fn fund_rules(conn: &Connection, funds: &[crate::funds::registry::Fund]) -> Result<FundRules> {
    let latest: Option<(String, String)> = conn
        .query_row(
            "SELECT text, source FROM fund_rules ORDER BY version DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match latest {
        Some((text, source)) => FundRules::from_toml_str(&text, &source, funds),
        None => FundRules::standard(funds),
    }
}

fn stored_rules(conn: &Connection) -> Result<Option<StoredRules>> {
    Ok(conn
        .query_row(
            "SELECT version, source, sha256, loaded_at, operator FROM fund_rules
             ORDER BY version DESC LIMIT 1",
            [],
            |r| {
                Ok(StoredRules {
                    version: r.get(0)?,
                    source: r.get(1)?,
                    sha256: r.get(2)?,
                    loaded_at: r.get(3)?,
                    operator: r.get(4)?,
                })
            },
        )
        .optional()?)
}

fn fund_book(conn: &Connection) -> Result<FundBook> {
    let funds = super::fund_registry::funds(conn)?;
    let rules = fund_rules(conn, &funds)?;
    Ok(FundBook { funds, rules })
}

/// The money fund `fund` received dated `from..=to` (its movements that are credits), in
/// date and voucher order.
fn movements_of(
    conn: &Connection,
    fund: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<FundMovement>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.txn, t.voucher, m.date, a.name, m.fen, m.purpose, m.source, m.donor,
                m.project, json_extract(t.postings, '$[' || m.line || '][3]')
         FROM fund_movements m
         JOIN transactions t ON t.id = m.txn
         JOIN accounts a ON a.id = m.account
         WHERE m.fund = ?1 AND m.date BETWEEN ?2 AND ?3 AND m.fen < 0
         ORDER BY m.date, m.txn, m.line",
    )?;
    let rows = stmt.query_map(params![fund, date_text(from), date_text(to)], |r| {
        let date: String = r.get(2)?;
        Ok(FundMovement {
            txn: r.get(0)?,
            voucher: r.get(1)?,
            date: NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap_or(NaiveDate::MIN),
            account: r.get(3)?,
            fen: r.get(4)?,
            purpose: r.get(5)?,
            source: r.get(6)?,
            donor: r.get(7)?,
            project: r.get(8)?,
            household: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Writer<'_> {
    /// The funds and their rules as this write sees them.
    pub fn fund_book(&mut self) -> Result<Rc<FundBook>> {
        if let Some(book) = &self.fund_book {
            return Ok(book.clone());
        }
        let book = Rc::new(fund_book(self.sql())?);
        self.fund_book = Some(book.clone());
        Ok(book)
    }

    /// The funds and their rules in force, read afresh (not kept for the write).
    pub fn fund_book_in_force(&self) -> Result<FundBook> {
        fund_book(self.sql())
    }

    /// Keep a rules file (checked against the registered funds); it applies from this write
    /// on. Returns its version.
    pub fn load_fund_rules(&mut self, rules: &FundRules) -> Result<i64> {
        let version: i64 = self.sql().query_row(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM fund_rules",
            [],
            |r| r.get(0),
        )?;
        self.sql().execute(
            "INSERT INTO fund_rules (version, source, text, sha256, loaded_at, operator)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                version,
                rules.source(),
                rules.text(),
                rules.sha256(),
                self.posted_at(),
                self.operator()
            ],
        )?;
        self.fund_book = None;
        Ok(version)
    }

    /// Write the movements of transaction `txn` (its postings' account ids and amounts, in
    /// order), each checked against the funds' rules: every write that says what fund money
    /// is for passes here.
    pub fn write_movements(
        &mut self,
        txn: i64,
        date: NaiveDate,
        postings: &[(i64, i64)],
        movements: &[Movement],
    ) -> Result<()> {
        self.write_movement_batch(&[(txn, date, postings, movements)])
    }

    /// [`Writer::write_movements`] for many transactions: (txn, date, postings, movements)
    /// each, written [`MOVEMENTS_PER_INSERT`] rows a statement.
    pub fn write_movement_batch(&mut self, items: &[TransactionMovements<'_>]) -> Result<()> {
        let book = self.fund_book()?;
        let mut rows: Vec<rusqlite::types::Value> = Vec::new();
        let mut count = 0;
        for &(txn, date, postings, movements) in items {
            let date = date_text(date);
            for m in movements {
                book.check(m).map_err(Error::rule)?;
                let &(account, fen) = postings.get(m.line).ok_or_else(|| {
                    Error::rule(format!("posting {} of transaction {txn}", m.line))
                })?;
                use rusqlite::types::Value;
                let text = |s: &Option<String>| s.clone().map_or(Value::Null, Value::Text);
                rows.extend([
                    Value::Text(m.fund.clone()),
                    Value::Integer(txn),
                    Value::Integer(m.line as i64),
                    Value::Integer(account),
                    Value::Text(date.clone()),
                    Value::Integer(fen),
                    text(&m.purpose),
                    text(&m.source),
                    text(&m.donor),
                    text(&m.project),
                ]);
                count += 1;
            }
        }
        const HEAD: &str = "INSERT INTO fund_movements
            (fund, txn, line, account, date, fen, purpose, source, donor, project)";
        let mut at = 0;
        while at < count {
            let n = if count - at >= MOVEMENTS_PER_INSERT {
                MOVEMENTS_PER_INSERT
            } else {
                1
            };
            let sql = super::journal::multi_row_sql(HEAD, MOVEMENT_COLUMNS, n, "");
            self.sql()
                .prepare_cached(&sql)?
                .execute(rusqlite::params_from_iter(
                    &rows[at * MOVEMENT_COLUMNS..(at + n) * MOVEMENT_COLUMNS],
                ))?;
            at += n;
        }
        Ok(())
    }

    /// What transaction `txn`'s postings said of fund money, by line, as tags (read from the
    /// journal).
    pub(super) fn movement_tags_of(&self, txn: i64) -> Result<Vec<(usize, FundTag)>> {
        let json: String = self
            .sql()
            .prepare_cached("SELECT postings FROM transactions WHERE id = ?1")?
            .query_row([txn], |r| r.get(0))?;
        Ok(super::postings_json::decode(&json)?
            .into_iter()
            .enumerate()
            .filter_map(|(line, p)| {
                p.tag.map(|t| {
                    (
                        line,
                        FundTag {
                            fund: Some(t.fund),
                            purpose: t.purpose,
                            source: t.source,
                            donor: t.donor,
                            project: t.project,
                        },
                    )
                })
            })
            .collect())
    }

    /// The money fund `fund` received dated `from..=to`, with what each receipt says.
    pub fn fund_receipts(
        &self,
        fund: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<FundMovement>> {
        movements_of(self.sql(), fund, from, to)
    }
}

impl Ledger {
    /// Whether any posting has a fund tag.
    pub fn has_fund_tags(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM fund_movements)", [], |r| {
                r.get(0)
            })?)
    }

    /// The funds and their rules.
    pub fn fund_book(&self) -> Result<FundBook> {
        fund_book(&self.conn)
    }

    /// The voucher of transaction `id`.
    pub fn voucher_of_id(&self, id: i64) -> Result<String> {
        Ok(self
            .conn
            .prepare_cached("SELECT voucher FROM transactions WHERE id = ?1")?
            .query_row([id], |r| r.get(0))?)
    }

    /// The rules file in force, as kept (`None`: the standard rules apply).
    pub fn stored_fund_rules(&self) -> Result<Option<StoredRules>> {
        stored_rules(&self.conn)
    }

    /// The money fund `fund` received dated `from..=to`, with what each receipt says.
    pub fn fund_receipts(
        &self,
        fund: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<FundMovement>> {
        movements_of(&self.conn, fund, from, to)
    }
}

/// The row hash of a fund movement as `fund_movements` holds it (its columns in order), for
/// `verify` to compare the table with the journal.
#[allow(clippy::too_many_arguments)]
pub(crate) fn movement_row_hash(
    tag: &super::postings_json::StoredTag,
    txn: i64,
    line: usize,
    account: i64,
    date: &str,
    fen: i64,
) -> crate::ledger::transaction::Hash {
    use rusqlite::types::ValueRef;
    fn text(s: &Option<String>) -> ValueRef<'_> {
        s.as_deref()
            .map_or(ValueRef::Null, |s| ValueRef::Text(s.as_bytes()))
    }
    let mut h = super::records::RowHasher::new("fund_movements");
    h.value(ValueRef::Text(tag.fund.as_bytes()));
    h.value(ValueRef::Integer(txn));
    h.value(ValueRef::Integer(line as i64));
    h.value(ValueRef::Integer(account));
    h.value(ValueRef::Text(date.as_bytes()));
    h.value(ValueRef::Integer(fen));
    for part in [&tag.purpose, &tag.source, &tag.donor, &tag.project] {
        h.value(text(part));
    }
    h.finish()
}

/// The multiset digest of the rows `fund_movements` holds.
pub(crate) fn movements_digest(conn: &Connection) -> Result<super::records::TableDigest> {
    let mut digest = super::records::TableDigest::default();
    let mut stmt = conn.prepare(
        "SELECT fund, txn, line, account, date, fen, purpose, source, donor, project
         FROM fund_movements",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let mut h = super::records::RowHasher::new("fund_movements");
        for i in 0..10 {
            h.value(r.get_ref(i)?);
        }
        digest.add(&h.finish());
    }
    Ok(digest)
}

impl Ledger {
    /// The multiset digest of the fund movements table (see `audit::verify`).
    pub fn fund_movements_digest(&self) -> Result<super::records::TableDigest> {
        movements_digest(&self.conn)
    }
}

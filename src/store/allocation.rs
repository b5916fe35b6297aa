//! Allocation runs: the plan as decided, its approvals, notice, posting and payments.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};

use std::collections::HashMap;

use super::journal::date_text;
use super::line_blocks::{LineBlock, LINES_PER_BLOCK};
use super::{Ledger, Writer};
use crate::error::{Error, Result};
use crate::money::Amount;

/// A run as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunRecord {
    pub id: i64,
    pub fund: String,
    pub pool: Amount,
    pub date: NaiveDate,
    pub year: i32,
    pub policy_name: String,
    pub policy_source: String,
    pub policy_text: String,
    pub policy_sha256: String,
    /// The plan's totals and notes (JSON).
    pub summary: String,
    pub proposer: String,
    pub planned_at: String,
    pub village_by: Option<String>,
    pub village_at: Option<String>,
    pub town_by: Option<String>,
    pub town_at: Option<String>,
    /// The dates of the approvals (the decisions), as given to `approve --date`.
    pub village_on: Option<NaiveDate>,
    pub town_on: Option<NaiveDate>,
    /// Who recorded each approval (the `--operator`), beside the approver named with `--by`.
    pub village_operator: Option<String>,
    pub town_operator: Option<String>,
    pub published: Option<NaiveDate>,
    pub earliest_payment: Option<NaiveDate>,
    pub posted_voucher: Option<String>,
    pub posted_at: Option<String>,
    pub posted_by: Option<String>,
    pub force_reason: Option<String>,
    pub reverses_run: Option<i64>,
    pub reversed_by_run: Option<i64>,
}

/// One household's line in a run, with the household data the run used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunLine {
    pub household: String,
    pub village: String,
    pub name: String,
    pub id_number: String,
    pub bank_card: String,
    pub members: u32,
    pub category: String,
    pub risk_level: String,
    /// Why the household is not in the allocation, if it is not.
    pub excluded: Option<String>,
    pub weight: Option<String>,
    /// The exact quota (yuan, as a decimal string).
    pub quota: Option<String>,
    pub share: Amount,
    /// share − quota (yuan, as a decimal string).
    pub residual: Option<String>,
    /// Fixed items (insurance …) on top of the share.
    pub fixed: Amount,
    /// share + fixed: what the household is owed.
    pub total: Amount,
    /// `floor`, `cap` or empty.
    pub bound: Option<String>,
    pub explanation: String,
    /// Paid so far (from the payments table).
    pub paid: Amount,
}

/// What one household of a run is owed and was paid: the part of a [`RunLine`] that posting
/// and paying need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunDue {
    pub household: String,
    /// share + fixed: what the household is owed.
    pub total: Amount,
    /// Paid so far.
    pub paid: Amount,
}

/// A line of a run about to be stored (see [`RunLine`], whose fields these borrow).
#[derive(Clone, Copy, Debug)]
pub struct NewRunLine<'a> {
    pub household: &'a str,
    pub village: &'a str,
    pub name: &'a str,
    pub id_number: &'a str,
    pub bank_card: &'a str,
    pub members: u32,
    pub category: &'a str,
    pub risk_level: &'a str,
    pub excluded: Option<&'a str>,
    pub weight: Option<&'a str>,
    pub quota: Option<&'a str>,
    pub share: Amount,
    pub residual: Option<&'a str>,
    pub fixed: Amount,
    pub total: Amount,
    pub bound: Option<&'a str>,
    pub explanation: &'a str,
}

impl RunLine {
    /// This line as a line to store.
    pub fn as_new(&self) -> NewRunLine<'_> {
        NewRunLine {
            household: &self.household,
            village: &self.village,
            name: &self.name,
            id_number: &self.id_number,
            bank_card: &self.bank_card,
            members: self.members,
            category: &self.category,
            risk_level: &self.risk_level,
            excluded: self.excluded.as_deref(),
            weight: self.weight.as_deref(),
            quota: self.quota.as_deref(),
            share: self.share,
            residual: self.residual.as_deref(),
            fixed: self.fixed,
            total: self.total,
            bound: self.bound.as_deref(),
            explanation: &self.explanation,
        }
    }
}

/// A run about to be stored.
pub struct NewRun<'a> {
    pub fund: &'a str,
    pub pool: Amount,
    pub date: NaiveDate,
    pub year: i32,
    pub policy_name: &'a str,
    pub policy_source: &'a str,
    pub policy_text: &'a str,
    pub policy_sha256: &'a str,
    pub summary: &'a str,
    pub reverses_run: Option<i64>,
}

const RUN_COLUMNS: &str = "id, fund, pool, date, year, policy_name, policy_source, policy_text, \
     policy_sha256, summary, proposer, planned_at, village_by, village_at, town_by, town_at, \
     published, earliest_payment, posted_voucher, posted_at, posted_by, force_reason, \
     reverses_run, reversed_by_run, village_on, town_on, village_operator, town_operator";

fn date_col(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    r.get::<_, Option<String>>(i)?
        .map(|s| {
            NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    i,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })
        })
        .transpose()
}

fn run_from_row(r: &Row<'_>) -> rusqlite::Result<RunRecord> {
    Ok(RunRecord {
        id: r.get(0)?,
        fund: r.get(1)?,
        pool: Amount::from_fen(r.get(2)?),
        date: date_col(r, 3)?.unwrap_or_default(),
        year: r.get(4)?,
        policy_name: r.get(5)?,
        policy_source: r.get(6)?,
        policy_text: r.get(7)?,
        policy_sha256: r.get(8)?,
        summary: r.get(9)?,
        proposer: r.get(10)?,
        planned_at: r.get(11)?,
        village_by: r.get(12)?,
        village_at: r.get(13)?,
        town_by: r.get(14)?,
        town_at: r.get(15)?,
        published: date_col(r, 16)?,
        earliest_payment: date_col(r, 17)?,
        posted_voucher: r.get(18)?,
        posted_at: r.get(19)?,
        posted_by: r.get(20)?,
        force_reason: r.get(21)?,
        reverses_run: r.get(22)?,
        reversed_by_run: r.get(23)?,
        village_on: date_col(r, 24)?,
        town_on: date_col(r, 25)?,
        village_operator: r.get(26)?,
        town_operator: r.get(27)?,
    })
}

fn run(conn: &Connection, id: i64) -> Result<RunRecord> {
    conn.prepare_cached(&format!(
        "SELECT {RUN_COLUMNS} FROM allocation_runs WHERE id = ?1"
    ))?
    .query_row([id], run_from_row)
    .optional()?
    .ok_or_else(|| Error::NotFound(crate::tr!("run-not-found", run = id)))
}

/// What each household of run `id` was paid and not returned by the bank.
fn standing_payments(conn: &Connection, id: i64) -> Result<HashMap<String, i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT paid FROM allocation_payment_batches
         WHERE run = ?1 AND returned_by IS NULL ORDER BY id",
    )?;
    let mut rows = stmt.query([id])?;
    let mut out: HashMap<String, i64> = HashMap::new();
    while let Some(row) = rows.next()? {
        super::line_blocks::decode_paid(row.get_ref(0)?.as_str()?, |household, amount| {
            *out.entry(household).or_insert(0) += amount.fen();
        })?;
    }
    Ok(out)
}

/// Each stored block of run `id`, in order: `column` is `dues` or `lines`.
fn each_block(
    conn: &Connection,
    id: i64,
    column: &str,
    mut f: impl FnMut(&str) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {column} FROM allocation_line_blocks WHERE run = ?1 ORDER BY id"
    ))?;
    let mut rows = stmt.query([id])?;
    while let Some(row) = rows.next()? {
        f(row.get_ref(0)?.as_str()?)?;
    }
    Ok(())
}

/// A household's part of a run, as read back: lines and dues alike.
trait Paid {
    fn household(&self) -> &str;
    fn set_paid(&mut self, paid: Amount);
}

impl Paid for RunLine {
    fn household(&self) -> &str {
        &self.household
    }
    fn set_paid(&mut self, paid: Amount) {
        self.paid = paid;
    }
}

impl Paid for RunDue {
    fn household(&self) -> &str {
        &self.household
    }
    fn set_paid(&mut self, paid: Amount) {
        self.paid = paid;
    }
}

/// Run `id`'s stored `column` (`lines` or `dues`), decoded by `decode`, in household order,
/// with what each household was paid.
fn run_parts<T: Paid>(
    conn: &Connection,
    id: i64,
    column: &str,
    decode: impl Fn(&str, &mut Vec<T>) -> Result<()>,
) -> Result<Vec<T>> {
    let mut parts = Vec::new();
    each_block(conn, id, column, |json| decode(json, &mut parts))?;
    if !parts.is_sorted_by(|a, b| a.household() < b.household()) {
        parts.sort_by(|a, b| a.household().cmp(b.household()));
    }
    let paid = standing_payments(conn, id)?;
    if !paid.is_empty() {
        for part in &mut parts {
            let fen = paid.get(part.household()).copied().unwrap_or(0);
            part.set_paid(Amount::from_fen(fen));
        }
    }
    Ok(parts)
}

fn run_lines(conn: &Connection, id: i64) -> Result<Vec<RunLine>> {
    run_parts(conn, id, "lines", super::line_blocks::decode_lines)
}

fn run_dues(conn: &Connection, id: i64) -> Result<Vec<RunDue>> {
    run_parts(conn, id, "dues", super::line_blocks::decode_dues)
}

fn now() -> String {
    chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string()
}

impl Writer<'_> {
    /// Store a planned run and its lines, encoded in blocks (see [`LineBlock`]) in household
    /// order; returns the run id. The operator is the proposer.
    pub fn insert_run(
        &mut self,
        new: &NewRun<'_>,
        blocks: impl IntoIterator<Item = LineBlock>,
    ) -> Result<i64> {
        let proposer = self.operator().to_string();
        self.sql()
            .prepare_cached(
                "INSERT INTO allocation_runs (fund, pool, date, year, policy_name, policy_source,
                    policy_text, policy_sha256, summary, proposer, planned_at, reverses_run)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(params![
                new.fund,
                new.pool.fen(),
                date_text(new.date),
                new.year,
                new.policy_name,
                new.policy_source,
                new.policy_text,
                new.policy_sha256,
                new.summary,
                proposer,
                now(),
                new.reverses_run,
            ])?;
        let id = self.sql().last_insert_rowid();
        let mut stmt = self.sql().prepare_cached(
            "INSERT INTO allocation_line_blocks (run, dues, lines) VALUES (?1, ?2, ?3)",
        )?;
        for block in blocks.into_iter().filter(|b| !b.is_empty()) {
            let (dues, lines) = block.finish();
            stmt.execute(params![id, dues, lines])?;
        }
        Ok(id)
    }

    /// As [`Writer::insert_run`], from lines.
    pub fn insert_run_lines<'l>(
        &mut self,
        new: &NewRun<'_>,
        lines: impl IntoIterator<Item = NewRunLine<'l>>,
    ) -> Result<i64> {
        let mut blocks = vec![LineBlock::new()];
        for line in lines {
            if blocks.last().is_some_and(|b| b.len() == LINES_PER_BLOCK) {
                blocks.push(LineBlock::new());
            }
            blocks.last_mut().expect("one block at least").push(&line);
        }
        self.insert_run(new, blocks)
    }

    pub fn run(&self, id: i64) -> Result<RunRecord> {
        run(self.sql(), id)
    }

    pub fn run_lines(&self, id: i64) -> Result<Vec<RunLine>> {
        run_lines(self.sql(), id)
    }

    /// Each household's total and what was paid of it, by household: [`Writer::run_lines`]
    /// without the household data and explanations.
    pub fn run_dues(&self, id: i64) -> Result<Vec<RunDue>> {
        run_dues(self.sql(), id)
    }

    /// Record an approval by `by` in `role` (`village` or `town`), decided on `on`.
    pub fn approve_run(&mut self, id: i64, role: &str, by: &str, on: NaiveDate) -> Result<()> {
        let sql = match role {
            "village" => {
                "UPDATE allocation_runs SET village_by = ?2, village_at = ?3, village_on = ?4,
                 village_operator = ?5 WHERE id = ?1"
            }
            "town" => {
                "UPDATE allocation_runs SET town_by = ?2, town_at = ?3, town_on = ?4,
                 town_operator = ?5 WHERE id = ?1"
            }
            other => return Err(Error::rule(crate::tr!("store-unknown-role", role = other))),
        };
        let operator = self.operator().to_string();
        self.sql()
            .execute(sql, params![id, by, now(), date_text(on), operator])?;
        Ok(())
    }

    /// The run whose posting voucher is `voucher`, if any.
    pub fn run_posted_as(&self, voucher: &str) -> Result<Option<RunRecord>> {
        Ok(self
            .sql()
            .prepare_cached(&format!(
                "SELECT {RUN_COLUMNS} FROM allocation_runs WHERE posted_voucher = ?1"
            ))?
            .query_row([voucher], run_from_row)
            .optional()?)
    }

    /// The run that `voucher` paid households of, with those households (by id), if any.
    pub fn payments_by_voucher(&self, voucher: &str) -> Result<Option<(i64, Vec<String>)>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT run, paid FROM allocation_payment_batches WHERE voucher = ?1 ORDER BY run",
        )?;
        let mut rows = stmt.query([voucher])?;
        let mut found: Option<(i64, Vec<String>)> = None;
        while let Some(row) = rows.next()? {
            let run: i64 = row.get(0)?;
            let (_, households) = found.get_or_insert_with(|| (run, Vec::new()));
            super::line_blocks::decode_paid(row.get_ref(1)?.as_str()?, |household, _| {
                households.push(household);
            })?;
        }
        if let Some((_, households)) = &mut found {
            households.sort();
        }
        Ok(found)
    }

    /// Mark the payments of `voucher` as returned by the bank (reversed by `by`): those
    /// households are payable again.
    pub fn mark_payments_returned(&mut self, voucher: &str, by: &str) -> Result<()> {
        self.sql().execute(
            "UPDATE allocation_payment_batches SET returned_by = ?2 WHERE voucher = ?1",
            params![voucher, by],
        )?;
        Ok(())
    }

    pub fn publish_run(
        &mut self,
        id: i64,
        published: NaiveDate,
        earliest: NaiveDate,
    ) -> Result<()> {
        self.sql().execute(
            "UPDATE allocation_runs SET published = ?2, earliest_payment = ?3 WHERE id = ?1",
            params![id, date_text(published), date_text(earliest)],
        )?;
        Ok(())
    }

    pub fn mark_run_posted(
        &mut self,
        id: i64,
        voucher: &str,
        force_reason: Option<&str>,
    ) -> Result<()> {
        let by = self.operator().to_string();
        self.sql().execute(
            "UPDATE allocation_runs SET posted_voucher = ?2, posted_at = ?3, posted_by = ?4, force_reason = ?5
             WHERE id = ?1",
            params![id, voucher, now(), by, force_reason],
        )?;
        Ok(())
    }

    pub fn mark_run_reversed(&mut self, id: i64, by_run: i64) -> Result<()> {
        self.sql().execute(
            "UPDATE allocation_runs SET reversed_by_run = ?2 WHERE id = ?1",
            params![id, by_run],
        )?;
        Ok(())
    }

    /// Record that `payments` (household, amount) of run `id` were paid by `voucher`.
    pub fn record_payments(
        &mut self,
        id: i64,
        payments: &[(String, Amount, Option<String>)],
        date: NaiveDate,
        voucher: &str,
    ) -> Result<()> {
        self.sql()
            .prepare_cached(
                "INSERT INTO allocation_payment_batches (run, voucher, date, paid)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                id,
                voucher,
                date_text(date),
                super::line_blocks::encode_paid(payments)
            ])?;
        Ok(())
    }
}

impl Ledger {
    pub fn run(&self, id: i64) -> Result<RunRecord> {
        run(&self.conn, id)
    }

    pub fn run_lines(&self, id: i64) -> Result<Vec<RunLine>> {
        run_lines(&self.conn, id)
    }

    /// The run a voucher belongs to: the run it posted, or the run whose households it paid.
    pub fn run_of_voucher(&self, voucher: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM allocation_runs WHERE posted_voucher = ?1
                 UNION ALL
                 SELECT run FROM allocation_payment_batches WHERE voucher = ?1
                 LIMIT 1",
                [voucher],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Every run, newest first.
    pub fn runs(&self) -> Result<Vec<RunRecord>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {RUN_COLUMNS} FROM allocation_runs ORDER BY id DESC"
        ))?;
        let rows = stmt.query_map([], run_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

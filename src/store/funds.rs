//! Projects, dividends and tilts: the `projects`, `dividends`, `tilt_runs` and `tilts` tables
//! (migration 3), and the balance of one account.
//!
//! Reads come in pairs: a [`Writer`] method (inside a write, seeing what it wrote so far) and a
//! [`Ledger`] method, both over the same SQL. A dividend or tilt whose voucher has been reversed
//! is left out of every read, as the journal no longer carries it.

use std::str::FromStr;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;

use super::journal::date_text;
use super::{Ledger, Writer};
use crate::error::Result;
use crate::funds::dividend::{Dividend, YearTotals};
use crate::funds::project::{Project, ProjectKind};
use crate::funds::tilt::TiltPlan;
use crate::money::Amount;

fn conversion(
    col: usize,
    e: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, e.into())
}

fn stored_date(col: usize, s: &str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| conversion(col, e))
}

const PROJECT_COLUMNS: &str = "id, name, invested, rate, owner, kind, account";

fn project_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Project> {
    let rate: String = r.get(3)?;
    let kind: String = r.get(5)?;
    Ok(Project {
        id: r.get(0)?,
        name: r.get(1)?,
        invested: Amount::from_fen(r.get(2)?),
        rate: Decimal::from_str(&rate).map_err(|e| conversion(3, e))?,
        owner: r.get(4)?,
        kind: ProjectKind::from_str(&kind).map_err(|e| conversion(5, e))?,
        account: r.get(6)?,
    })
}

fn projects(conn: &Connection) -> Result<Vec<Project>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PROJECT_COLUMNS} FROM projects ORDER BY id"
    ))?;
    let rows = stmt.query_map([], project_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn project(conn: &Connection, id: &str) -> Result<Option<Project>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {PROJECT_COLUMNS} FROM projects WHERE id = ?1"
        ))?
        .query_row([id], project_from_row)
        .optional()?)
}

/// `t` is a transaction that has not been reversed.
const NOT_REVERSED: &str = "NOT EXISTS (SELECT 1 FROM transactions r WHERE r.reverses = t.id)";

fn dividend_totals(conn: &Connection, year: Option<i32>) -> Result<Vec<YearTotals>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT d.project, d.year, COUNT(*), SUM(d.amount), SUM(d.rent), SUM(d.upkeep), MAX(d.date),
                SUM(COALESCE(x.amount, 0))
         FROM dividends d JOIN transactions t ON t.voucher = d.voucher
         LEFT JOIN dividend_excess x ON x.voucher = d.voucher
         WHERE (?1 IS NULL OR d.year = ?1) AND {NOT_REVERSED}
         GROUP BY d.year, d.project
         ORDER BY d.year, d.project"
    ))?;
    let rows = stmt.query_map([year], |r| {
        let last: String = r.get(6)?;
        Ok(YearTotals {
            project: r.get(0)?,
            year: r.get(1)?,
            count: r.get(2)?,
            amount: Amount::from_fen(r.get(3)?),
            rent: Amount::from_fen(r.get(4)?),
            upkeep: Amount::from_fen(r.get(5)?),
            last_date: stored_date(6, &last)?,
            excess: Amount::from_fen(r.get(7)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn dividends(conn: &Connection, year: Option<i32>) -> Result<Vec<Dividend>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT d.project, d.year, d.date, d.amount, d.rent, d.upkeep, d.voucher, x.amount, x.fund
         FROM dividends d JOIN transactions t ON t.voucher = d.voucher
         LEFT JOIN dividend_excess x ON x.voucher = d.voucher
         WHERE (?1 IS NULL OR d.year = ?1) AND {NOT_REVERSED}
         ORDER BY d.year, d.project, d.date, d.id"
    ))?;
    let rows = stmt.query_map([year], |r| {
        let date: String = r.get(2)?;
        Ok(Dividend {
            project: r.get(0)?,
            year: r.get(1)?,
            date: stored_date(2, &date)?,
            amount: Amount::from_fen(r.get(3)?),
            rent: Amount::from_fen(r.get(4)?),
            upkeep: Amount::from_fen(r.get(5)?),
            voucher: r.get(6)?,
            excess: Amount::from_fen(r.get::<_, Option<i64>>(7)?.unwrap_or(0)),
            excess_fund: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn live_tilts(conn: &Connection, year: i32) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT x.project, x.voucher
         FROM tilts x JOIN transactions t ON t.voucher = x.voucher
         WHERE x.year = ?1 AND {NOT_REVERSED}
         ORDER BY x.project"
    ))?;
    let rows = stmt.query_map([year], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The balance of one account (its own postings, not its sub-accounts), up to `as_of`
/// inclusive or over the whole journal; 0.00 for an account that does not exist.
fn balance_of(conn: &Connection, name: &str, as_of: Option<NaiveDate>) -> Result<Amount> {
    let id: Option<i64> = conn
        .prepare_cached("SELECT id FROM accounts WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?;
    let Some(id) = id else {
        return Ok(Amount::ZERO);
    };
    let total = match as_of.and_then(|d| d.succ_opt()) {
        Some(after) => super::account_index::balance_before(conn, id, after)?,
        None => super::account_index::account_total(conn, id)?,
    };
    total.checked(|| crate::tr!("total-balance-of", name = name.to_string()))
}

impl Writer<'_> {
    /// Every project, by id.
    pub fn projects(&self) -> Result<Vec<Project>> {
        projects(self.sql())
    }

    /// A project by id.
    pub fn project(&self, id: &str) -> Result<Option<Project>> {
        project(self.sql(), id)
    }

    /// Store a new project (its checks are in `funds::project::add_project`).
    pub fn insert_project(&mut self, p: &Project) -> Result<()> {
        let created_at = chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string();
        self.sql()
            .prepare_cached(
                "INSERT INTO projects (id, name, invested, rate, owner, kind, account, created_at, operator)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                p.id,
                p.name,
                p.invested.fen(),
                p.rate.to_string(),
                p.owner,
                p.kind.as_str(),
                p.account,
                created_at,
                self.operator(),
            ])?;
        Ok(())
    }

    /// Store a dividend whose transaction was just posted.
    pub fn insert_dividend(&mut self, d: &Dividend) -> Result<()> {
        self.sql()
            .prepare_cached(
                "INSERT INTO dividends (project, year, date, amount, rent, upkeep, voucher)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                d.project,
                d.year,
                date_text(d.date),
                d.amount.fen(),
                d.rent.fen(),
                d.upkeep.fen(),
                d.voucher,
            ])?;
        if let Some(fund) = d.excess_fund.as_deref().filter(|_| !d.excess.is_zero()) {
            self.sql()
                .prepare_cached(
                    "INSERT INTO dividend_excess (voucher, fund, amount) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![d.voucher, fund, d.excess.fen()])?;
        }
        Ok(())
    }

    /// Dividends summed per project and year (`None`: every year).
    pub fn dividend_totals(&self, year: Option<i32>) -> Result<Vec<YearTotals>> {
        dividend_totals(self.sql(), year)
    }

    /// (project, voucher) of every standing tilt of `year`.
    pub fn live_tilts(&self, year: i32) -> Result<Vec<(String, String)>> {
        live_tilts(self.sql(), year)
    }

    /// Store a tilt whose transaction was just posted as `voucher`.
    pub fn insert_tilt(&mut self, voucher: &str, plan: &TiltPlan) -> Result<()> {
        self.sql()
            .prepare_cached(
                "INSERT INTO tilt_runs (voucher, year, date, share, from_630, override_reason, operator)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                voucher,
                plan.year,
                date_text(plan.date),
                plan.share.to_string(),
                plan.from_630.fen(),
                plan.reason,
                self.operator(),
            ])?;
        let mut stmt = self.sql().prepare_cached(
            "INSERT INTO tilts (project, year, net, amount, voucher) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for l in &plan.lines {
            stmt.execute(params![
                l.project.id,
                plan.year,
                l.net.fen(),
                l.amount.fen(),
                voucher
            ])?;
        }
        Ok(())
    }

    /// The balance of one account (not its sub-accounts) up to `as_of`, or over everything.
    pub fn balance_of(&mut self, name: &str, as_of: Option<NaiveDate>) -> Result<Amount> {
        self.settle()?;
        balance_of(self.sql(), name, as_of)
    }

    /// (project, year) of the dividend recorded by `voucher`, if it is one.
    pub fn dividend_by_voucher(&self, voucher: &str) -> Result<Option<(String, i32)>> {
        Ok(self
            .sql()
            .prepare_cached("SELECT project, year FROM dividends WHERE voucher = ?1")?
            .query_row([voucher], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// The year of the tilt posted as `voucher`, if it is one.
    pub fn tilt_by_voucher(&self, voucher: &str) -> Result<Option<i32>> {
        Ok(self
            .sql()
            .prepare_cached("SELECT year FROM tilt_runs WHERE voucher = ?1")?
            .query_row([voucher], |r| r.get(0))
            .optional()?)
    }
}

impl Ledger {
    /// Every project, by id.
    pub fn projects(&self) -> Result<Vec<Project>> {
        projects(&self.conn)
    }

    /// A project by id.
    pub fn project(&self, id: &str) -> Result<Option<Project>> {
        project(&self.conn, id)
    }

    /// Dividends summed per project and year (`None`: every year).
    pub fn dividend_totals(&self, year: Option<i32>) -> Result<Vec<YearTotals>> {
        dividend_totals(&self.conn, year)
    }

    /// Every standing dividend of `year` (`None`: every year).
    pub fn dividends(&self, year: Option<i32>) -> Result<Vec<Dividend>> {
        dividends(&self.conn, year)
    }

    /// (project, voucher) of every standing tilt of `year`.
    pub fn live_tilts(&self, year: i32) -> Result<Vec<(String, String)>> {
        live_tilts(&self.conn, year)
    }

    /// The balance of one account (not its sub-accounts) up to `as_of`, or over everything.
    pub fn balance_of(&self, name: &str, as_of: Option<NaiveDate>) -> Result<Amount> {
        balance_of(&self.conn, name, as_of)
    }
}

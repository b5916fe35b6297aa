//! Closed periods (migration 17): the `period_events` table, each close and reopen in order.
//! A close closes its month and every earlier one; a reopen opens its month and every later
//! one. What is closed is read when a write begins ([`closed`]) and held by the numbering,
//! which every transaction passes (see `Numbering::check_open`).

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection};

use super::account_index::{month_key, month_of, month_text};
use super::{Ledger, Writer};
use crate::error::Result;

/// The books closed: every month up to `through`, the last close's person and time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closed {
    /// The last closed month (a month key, see `account_index::month_key`).
    pub through: u32,
    pub person: String,
    pub at: String,
}

impl Closed {
    /// Whether `date` lies in a closed month.
    pub fn covers(&self, date: NaiveDate) -> bool {
        month_key(date) <= self.through
    }

    /// The last closed month, `YYYY-MM`.
    pub fn month_text(&self) -> String {
        month_text(self.through)
    }

    /// The last day of the last closed month.
    pub fn last_day(&self) -> NaiveDate {
        let first = super::account_index::month_day(self.through, 1).unwrap_or(NaiveDate::MIN);
        let next = if first.month() == 12 {
            NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
        };
        next.and_then(|n| n.pred_opt()).unwrap_or(first)
    }
}

/// One close or reopen as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodEvent {
    pub seq: i64,
    /// `YYYY-MM`.
    pub month: String,
    /// `close` or `reopen`.
    pub action: String,
    /// Who closed or reopened (`--by`, else the operator).
    pub person: String,
    pub reason: Option<String>,
    pub operator: String,
    pub at: String,
    pub journal_length: i64,
    pub journal_head: String,
}

fn events(conn: &Connection) -> Result<Vec<PeriodEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, month, action, person, reason, operator, at, journal_length, journal_head
         FROM period_events ORDER BY seq",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(PeriodEvent {
            seq: r.get(0)?,
            month: r.get(1)?,
            action: r.get(2)?,
            person: r.get(3)?,
            reason: r.get(4)?,
            operator: r.get(5)?,
            at: r.get(6)?,
            journal_length: r.get(7)?,
            journal_head: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What the events leave closed: the months up to the latest close, less any reopened since.
pub fn closed_after(events: &[PeriodEvent]) -> Option<Closed> {
    let mut closed: Option<Closed> = None;
    for e in events {
        let Some(month) = month_of(&e.month) else {
            continue;
        };
        let reopening = closed.as_ref().is_some_and(|c| month <= c.through);
        match e.action.as_str() {
            "close" if closed.as_ref().is_none_or(|c| month >= c.through) => {
                closed = Some(Closed {
                    through: month,
                    person: e.person.clone(),
                    at: e.at.clone(),
                });
            }
            "reopen" if reopening => match (previous_month(month), &mut closed) {
                (Some(p), Some(c)) => c.through = p,
                _ => closed = None,
            },
            _ => {}
        }
    }
    closed
}

/// The month before `month` (keys), if any.
fn previous_month(month: u32) -> Option<u32> {
    let first = super::account_index::month_day(month, 1)?;
    let prev = first.pred_opt()?;
    Some(month_key(prev))
}

/// The books closed now.
pub(super) fn closed(conn: &Connection) -> Result<Option<Closed>> {
    Ok(closed_after(&events(conn)?))
}

impl Writer<'_> {
    /// Keep a close or a reopen of `month` (`YYYY-MM`).
    pub fn insert_period_event(
        &mut self,
        month: &str,
        action: &str,
        person: &str,
        reason: Option<&str>,
        journal: (i64, &str),
    ) -> Result<()> {
        let at = self.posted_at().to_string();
        let operator = self.operator().to_string();
        self.sql().execute(
            "INSERT INTO period_events
               (month, action, person, reason, operator, at, journal_length, journal_head)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![month, action, person, reason, operator, at, journal.0, journal.1],
        )?;
        Ok(())
    }

    pub fn period_events(&self) -> Result<Vec<PeriodEvent>> {
        events(self.sql())
    }
}

impl Ledger {
    pub fn period_events(&self) -> Result<Vec<PeriodEvent>> {
        events(&self.conn)
    }

    /// The books closed now, if any.
    pub fn closed_period(&self) -> Result<Option<Closed>> {
        closed(&self.conn)
    }
}

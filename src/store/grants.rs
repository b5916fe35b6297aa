//! The grant tables (see `funds::grant`): applications (`grants`), the gates' decisions
//! (`grant_reviews`) and the payment vouchers (`grant_payments`). Whether a payment stands is
//! read from the journal: a payment voucher that a transaction reverses no longer does.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::Connection;

use super::journal::{date_text, insert_rows};
use super::{Ledger, Writer};
use crate::error::{Error, Result};
use crate::funds::grant::{
    gates_from_text, gates_text, GateReview, Grant, GrantPayment, GrantState,
};
use crate::money::Amount;

const GRANT_COLUMNS: &str = "id, household, fund, amount, cause, loss, note, gates, applied_on, \
     applicant, applied_at, dated";

fn unreadable(what: &str) -> Error {
    Error::Tampered(crate::tr!("grant-unreadable", what = what))
}

fn date_of(text: &str) -> Result<NaiveDate> {
    crate::ledger::transaction::iso_date(text).ok_or_else(|| unreadable(text))
}

fn grant_from_row(r: &rusqlite::Row<'_>) -> Result<Grant> {
    let gates: String = r.get(7)?;
    let applied_on: String = r.get(8)?;
    Ok(Grant {
        id: r.get(0)?,
        household: r.get(1)?,
        fund: r.get(2)?,
        amount: Amount::from_fen(r.get(3)?),
        cause: r.get(4)?,
        loss: Amount::from_fen(r.get(5)?),
        note: r.get(6)?,
        gates: gates_from_text(&gates).map_err(|_| unreadable(&gates))?,
        applied_on: date_of(&applied_on)?,
        applicant: r.get(9)?,
        applied_at: r.get(10)?,
        dated: r.get::<_, i64>(11)? != 0,
    })
}

fn review_from_row(r: &rusqlite::Row<'_>) -> Result<(i64, GateReview)> {
    let gate: String = r.get(1)?;
    let on: String = r.get(4)?;
    Ok((
        r.get(0)?,
        GateReview {
            gate: gate.parse().map_err(|_| unreadable(&gate))?,
            passed: r.get::<_, i64>(2)? != 0,
            by: r.get(3)?,
            on: date_of(&on)?,
            note: r.get(5)?,
            operator: r.get(6)?,
            recorded_at: r.get(7)?,
            dated: r.get::<_, i64>(8)? != 0,
        },
    ))
}

const REVIEW_SELECT: &str = "SELECT grant_id, gate, passed, reviewer, decided_on, note, operator, \
     recorded_at, dated FROM grant_reviews";

/// Payment vouchers with the voucher that reversed each, if any.
const PAYMENT_SELECT: &str = "SELECT p.grant_id, p.voucher, p.date, p.paid_by, r.voucher
     FROM grant_payments p
     LEFT JOIN transactions t ON t.voucher = p.voucher
     LEFT JOIN transactions r ON r.reverses = t.id";

fn payment_from_row(r: &rusqlite::Row<'_>) -> Result<(i64, GrantPayment)> {
    let date: String = r.get(2)?;
    Ok((
        r.get(0)?,
        GrantPayment {
            voucher: r.get(1)?,
            date: date_of(&date)?,
            paid_by: r.get(3)?,
            reversed_by: r.get(4)?,
        },
    ))
}

/// Put each grant's reviews in the order of its gates.
fn in_gate_order(state: &mut GrantState) {
    let gates = &state.grant.gates;
    state.reviews.sort_by_key(|r| {
        gates
            .iter()
            .position(|g| *g == r.gate)
            .unwrap_or(usize::MAX)
    });
}

fn grant_state(conn: &Connection, id: i64) -> Result<Option<GrantState>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {GRANT_COLUMNS} FROM grants WHERE id = ?1"))?;
    let mut rows = stmt.query([id])?;
    let Some(row) = rows.next()? else {
        return Ok(None);
    };
    let grant = grant_from_row(row)?;
    drop(rows);
    let mut reviews = Vec::new();
    let mut stmt = conn.prepare_cached(&format!("{REVIEW_SELECT} WHERE grant_id = ?1"))?;
    let mut rows = stmt.query([id])?;
    while let Some(r) = rows.next()? {
        reviews.push(review_from_row(r)?.1);
    }
    let mut payments = Vec::new();
    let mut stmt = conn.prepare_cached(&format!(
        "{PAYMENT_SELECT} WHERE p.grant_id = ?1 ORDER BY p.date, p.voucher"
    ))?;
    let mut rows = stmt.query([id])?;
    while let Some(r) = rows.next()? {
        payments.push(payment_from_row(r)?.1);
    }
    let mut state = GrantState {
        grant,
        reviews,
        payments,
    };
    in_gate_order(&mut state);
    Ok(Some(state))
}

/// Every grant with its reviews and payments, in id order: three reads, whatever the number.
fn grant_states(conn: &Connection) -> Result<Vec<GrantState>> {
    let mut states = Vec::new();
    let mut at: HashMap<i64, usize> = HashMap::new();
    let mut stmt = conn.prepare(&format!("SELECT {GRANT_COLUMNS} FROM grants ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let grant = grant_from_row(r)?;
        at.insert(grant.id, states.len());
        states.push(GrantState {
            grant,
            reviews: Vec::new(),
            payments: Vec::new(),
        });
    }
    let mut stmt = conn.prepare(REVIEW_SELECT)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (id, review) = review_from_row(r)?;
        let i = *at.get(&id).ok_or_else(|| unreadable("grant_reviews"))?;
        states[i].reviews.push(review);
    }
    let mut stmt = conn.prepare(&format!("{PAYMENT_SELECT} ORDER BY p.date, p.voucher"))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (id, payment) = payment_from_row(r)?;
        let i = *at.get(&id).ok_or_else(|| unreadable("grant_payments"))?;
        states[i].payments.push(payment);
    }
    for s in &mut states {
        in_gate_order(s);
    }
    Ok(states)
}

/// The grant a payment voucher paid, if it is one.
fn grant_paid_by(conn: &Connection, voucher: &str) -> Result<Option<i64>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT grant_id FROM grant_payments WHERE voucher = ?1")?
        .query_row([voucher], |r| r.get(0))
        .optional()?)
}

impl Writer<'_> {
    /// The id the next grant gets: one more than the last.
    pub fn next_grant_id(&self) -> Result<i64> {
        Ok(self
            .sql()
            .query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM grants", [], |r| {
                r.get(0)
            })?)
    }

    /// Record grants (with their ids).
    pub fn insert_grants(&mut self, grants: &[Grant]) -> Result<()> {
        insert_rows(
            self.sql(),
            &format!("INSERT INTO grants ({GRANT_COLUMNS})"),
            12,
            "",
            grants,
            |stmt, at, g| {
                stmt.raw_bind_parameter(at + 1, g.id)?;
                stmt.raw_bind_parameter(at + 2, &g.household)?;
                stmt.raw_bind_parameter(at + 3, &g.fund)?;
                stmt.raw_bind_parameter(at + 4, g.amount.fen())?;
                stmt.raw_bind_parameter(at + 5, &g.cause)?;
                stmt.raw_bind_parameter(at + 6, g.loss.fen())?;
                stmt.raw_bind_parameter(at + 7, &g.note)?;
                stmt.raw_bind_parameter(at + 8, gates_text(&g.gates))?;
                stmt.raw_bind_parameter(at + 9, date_text(g.applied_on))?;
                stmt.raw_bind_parameter(at + 10, &g.applicant)?;
                stmt.raw_bind_parameter(at + 11, &g.applied_at)?;
                stmt.raw_bind_parameter(at + 12, i64::from(g.dated))
            },
        )?;
        Ok(())
    }

    /// Record gates' decisions, each with its grant's id.
    pub fn insert_grant_reviews(&mut self, reviews: &[(i64, GateReview)]) -> Result<()> {
        insert_rows(
            self.sql(),
            "INSERT INTO grant_reviews (grant_id, gate, passed, reviewer, decided_on, note, \
             operator, recorded_at, dated)",
            9,
            "",
            reviews,
            |stmt, at, (id, r)| {
                stmt.raw_bind_parameter(at + 1, id)?;
                stmt.raw_bind_parameter(at + 2, r.gate.as_str())?;
                stmt.raw_bind_parameter(at + 3, i64::from(r.passed))?;
                stmt.raw_bind_parameter(at + 4, &r.by)?;
                stmt.raw_bind_parameter(at + 5, date_text(r.on))?;
                stmt.raw_bind_parameter(at + 6, &r.note)?;
                stmt.raw_bind_parameter(at + 7, &r.operator)?;
                stmt.raw_bind_parameter(at + 8, &r.recorded_at)?;
                stmt.raw_bind_parameter(at + 9, i64::from(r.dated))
            },
        )?;
        Ok(())
    }

    /// Record payment vouchers (grant id, voucher) dated `date`, paid by `paid_by`.
    pub fn insert_grant_payments(
        &mut self,
        payments: &[(i64, String)],
        date: NaiveDate,
        paid_by: &str,
    ) -> Result<()> {
        let date = date_text(date);
        insert_rows(
            self.sql(),
            "INSERT INTO grant_payments (voucher, grant_id, date, paid_by)",
            4,
            "",
            payments,
            |stmt, at, (id, voucher)| {
                stmt.raw_bind_parameter(at + 1, voucher)?;
                stmt.raw_bind_parameter(at + 2, id)?;
                stmt.raw_bind_parameter(at + 3, &date)?;
                stmt.raw_bind_parameter(at + 4, paid_by)
            },
        )?;
        Ok(())
    }

    /// Grant `id` with its reviews and payments, if there is one.
    pub fn grant_state(&self, id: i64) -> Result<Option<GrantState>> {
        grant_state(self.sql(), id)
    }

    /// Every grant with its reviews and payments, in id order.
    pub fn grant_states(&self) -> Result<Vec<GrantState>> {
        grant_states(self.sql())
    }

    /// The grant that `voucher` paid, if it is a grant's payment voucher.
    pub fn grant_paid_by(&self, voucher: &str) -> Result<Option<i64>> {
        grant_paid_by(self.sql(), voucher)
    }

    /// What grants paid each household in `year` (by payment date; reversed payments left
    /// out), in fen.
    pub fn grants_paid_in_year(&self, year: i32) -> Result<HashMap<String, i128>> {
        let mut stmt = self.sql().prepare_cached(
            "SELECT g.household, g.amount
             FROM grant_payments p JOIN grants g ON g.id = p.grant_id
             JOIN transactions t ON t.voucher = p.voucher
             WHERE p.date >= ?1 AND p.date <= ?2
               AND NOT EXISTS (SELECT 1 FROM transactions r WHERE r.reverses = t.id)",
        )?;
        let mut rows = stmt.query([format!("{year:04}-01-01"), format!("{year:04}-12-31")])?;
        let mut paid: HashMap<String, i128> = HashMap::new();
        while let Some(r) = rows.next()? {
            let household: String = r.get(0)?;
            let fen: i64 = r.get(1)?;
            *paid.entry(household).or_default() += i128::from(fen);
        }
        Ok(paid)
    }
}

impl Ledger {
    /// The grant that `voucher` paid, if it is a grant's payment voucher.
    pub fn grant_paid_by(&self, voucher: &str) -> Result<Option<i64>> {
        grant_paid_by(&self.conn, voucher)
    }

    /// Grant `id` with its reviews and payments, if there is one.
    pub fn grant_state(&self, id: i64) -> Result<Option<GrantState>> {
        grant_state(&self.conn, id)
    }

    /// Every grant with its reviews and payments, in id order.
    pub fn grant_states(&self) -> Result<Vec<GrantState>> {
        grant_states(&self.conn)
    }
}

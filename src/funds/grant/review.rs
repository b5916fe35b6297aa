//! The gates' decisions on grants ([`review`], [`review_all_pending`]).

use chrono::NaiveDate;

use super::{
    grant_label, now_text, refusals, rejected, Gate, GateReview, GrantState, GrantStatus, NOTE_MAX,
};
use crate::error::{Error, Result};
use crate::people::{is_blank_name, same_person};
use crate::store::Writer;
use crate::text::NAME_MAX;

/// Pass or reject.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Pass,
    Reject,
}

/// A gate's decision to record.
#[derive(Clone, Debug)]
pub struct ReviewRequest {
    pub gate: Gate,
    pub decision: Decision,
    /// Who decides (`--by`).
    pub by: String,
    /// The note of a pass, the reason of a rejection (required).
    pub note: String,
    /// The day of the decision.
    pub on: NaiveDate,
    /// Whether the day was stated (`--date`), or is the day it is recorded.
    pub dated: bool,
}

impl ReviewRequest {
    /// The request's own checks: who decides is named, the texts may be stored, a rejection
    /// has a reason, the day is not after `today`.
    fn check(&self, today: NaiveDate) -> Result<()> {
        crate::text::check_stored_rule(&crate::tr!("grant-field-reviewer"), &self.by, NAME_MAX)?;
        if is_blank_name(&self.by) {
            return Err(Error::rule(crate::tr!("grant-review-needs-by")));
        }
        let field = match self.decision {
            Decision::Pass => crate::tr!("grant-field-note"),
            Decision::Reject => crate::tr!("grant-field-reason"),
        };
        crate::text::check_stored_rule(&field, &self.note, NOTE_MAX)?;
        if self.decision == Decision::Reject && self.note.trim().is_empty() {
            return Err(Error::rule(crate::tr!("grant-reject-needs-reason")));
        }
        if self.on > today {
            return Err(Error::rule(crate::tr!(
                "grant-date-future",
                date = self.on,
                today = today
            )));
        }
        Ok(())
    }
}

/// Why `req` may not be recorded for `state`, if it may not: the grant ended (paid or
/// rejected), a gate it does not go through, a gate decided already, a gate before it not
/// passed yet, the applicant deciding, one person passing two gates, a day before the
/// application or the gate before.
fn check_review(state: &GrantState, req: &ReviewRequest) -> std::result::Result<(), String> {
    let g = &state.grant;
    let grant = g.label();
    if let Some(p) = state.payment() {
        return Err(crate::tr!(
            "grant-paid-already",
            grant = grant.as_str(),
            voucher = p.voucher.as_str(),
            date = p.date
        ));
    }
    if let Some(r) = state.rejection() {
        return Err(rejected(&grant, r));
    }
    let Some(at) = g.gates.iter().position(|x| *x == req.gate) else {
        return Err(crate::tr!(
            "grant-gate-not-required",
            grant = grant.as_str(),
            gate = req.gate.label(),
            gates = g
                .gates
                .iter()
                .map(|x| x.label())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    };
    if let Some(r) = state.review_at(req.gate) {
        return Err(crate::tr!(
            "grant-gate-decided",
            grant = grant.as_str(),
            gate = req.gate.label(),
            by = r.by.as_str(),
            on = r.on
        ));
    }
    if let Some(before) = g.gates[..at]
        .iter()
        .find(|x| !state.review_at(**x).is_some_and(|r| r.passed))
    {
        return Err(crate::tr!(
            "grant-gate-order",
            grant = grant.as_str(),
            gate = req.gate.label(),
            before = before.label()
        ));
    }
    if same_person(&req.by, &g.applicant) {
        return Err(crate::tr!(
            "grant-applicant-reviews",
            grant = grant.as_str(),
            by = req.by.trim()
        ));
    }
    if req.decision == Decision::Pass {
        if let Some(r) = state
            .reviews
            .iter()
            .find(|r| r.passed && same_person(&r.by, &req.by))
        {
            return Err(crate::tr!(
                "grant-same-reviewer",
                grant = grant.as_str(),
                by = req.by.trim(),
                gate = r.gate.label()
            ));
        }
    }
    // Only stated days are held against each other: a step recorded without its day may be
    // entered long after the fact.
    match at.checked_sub(1).and_then(|i| state.review_at(g.gates[i])) {
        Some(r) if req.dated && r.dated && req.on < r.on => {
            return Err(crate::tr!(
                "grant-review-before-gate",
                grant = grant.as_str(),
                gate = req.gate.label(),
                on = req.on,
                before = r.gate.label(),
                date = r.on
            ))
        }
        None if req.dated && g.dated && req.on < g.applied_on => {
            return Err(crate::tr!(
                "grant-review-before-application",
                grant = grant.as_str(),
                gate = req.gate.label(),
                on = req.on,
                date = g.applied_on
            ))
        }
        _ => {}
    }
    Ok(())
}

fn review_row(req: &ReviewRequest, operator: &str, at: &str) -> GateReview {
    GateReview {
        gate: req.gate,
        passed: req.decision == Decision::Pass,
        by: req.by.split_whitespace().collect::<Vec<_>>().join(" "),
        on: req.on,
        note: req.note.trim().to_string(),
        operator: operator.to_string(),
        recorded_at: at.to_string(),
        dated: req.dated,
    }
}

/// Record a gate's decision on grant `id`; refused (nothing written) when it breaks a rule
/// (see the documentation of `funds::grant`). Returns the grant as it now stands.
pub fn review(
    w: &mut Writer<'_>,
    id: i64,
    req: &ReviewRequest,
    today: NaiveDate,
) -> Result<GrantState> {
    req.check(today)?;
    w.check_open(req.on)?;
    let state = w
        .grant_state(id)?
        .ok_or_else(|| Error::NotFound(crate::tr!("grant-not-found", grant = grant_label(id))))?;
    check_review(&state, req).map_err(Error::Rule)?;
    let row = review_row(req, w.operator(), &now_text());
    w.insert_grant_reviews(&[(id, row)])?;
    w.grant_state(id)?
        .ok_or_else(|| Error::NotFound(crate::tr!("grant-not-found", grant = grant_label(id))))
}

/// Record the same decision at `req.gate` for every grant waiting there (pending, with every
/// gate before it passed): all of them, or none when any may not take it (each refused grant
/// named with its reason). Returns the grants decided, in id order.
pub fn review_all_pending(
    w: &mut Writer<'_>,
    req: &ReviewRequest,
    today: NaiveDate,
) -> Result<Vec<i64>> {
    req.check(today)?;
    w.check_open(req.on)?;
    let states = w.grant_states()?;
    let waiting: Vec<&GrantState> = states
        .iter()
        .filter(|s| s.status() == GrantStatus::Pending && s.next_gate() == Some(req.gate))
        .collect();
    if waiting.is_empty() {
        return Err(Error::rule(crate::tr!(
            "grant-none-waiting",
            gate = req.gate.label()
        )));
    }
    let refused: Vec<String> = waiting
        .iter()
        .filter_map(|s| check_review(s, req).err())
        .collect();
    if !refused.is_empty() {
        return Err(Error::rule(refusals(refused)));
    }
    let (operator, at) = (w.operator().to_string(), now_text());
    let rows: Vec<(i64, GateReview)> = waiting
        .iter()
        .map(|s| (s.grant.id, review_row(req, &operator, &at)))
        .collect();
    w.insert_grant_reviews(&rows)?;
    Ok(rows.into_iter().map(|(id, _)| id).collect())
}

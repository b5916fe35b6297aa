//! Closing the books 结账: `townledger period close YYYY-MM` closes the month and every earlier
//! one after checking the books; from then on no write may post a transaction dated in them
//! (the numbering every transaction passes refuses it, see `store::periods`). A closed month
//! is reopened only with a reason, by someone other than who closed it. Every close and reopen
//! is kept, under the record chain.

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::people::same_person;
use crate::store::periods::{closed_after, PeriodEvent};
use crate::store::Ledger;
use crate::text::{check_stored_rule, MEMO_MAX, NAME_MAX};

/// What a close found and did.
#[derive(Clone, Debug)]
pub struct CloseOutcome {
    /// The month closed through, `YYYY-MM`.
    pub month: String,
    /// Transactions verified: the whole journal, or those posted `since` the last close or
    /// reopen (its time).
    pub transactions: i64,
    pub since: Option<String>,
    /// Runs posted but not wholly paid although their notice period ended in the closed months
    /// (listed, not refused): (run, what is unpaid, households).
    pub unpaid_runs: Vec<(i64, crate::money::Amount, usize)>,
}

/// `2024-09` (or `2024-9`) → (`2024-09`, its last day).
pub fn parse_month(text: &str) -> Result<(String, NaiveDate)> {
    let t = text.trim();
    let parsed = t.split_once('-').and_then(|(y, m)| {
        let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
        let first = NaiveDate::from_ymd_opt(y, m, 1)?;
        let next = if m == 12 {
            NaiveDate::from_ymd_opt(y + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(y, m + 1, 1)?
        };
        Some((format!("{y:04}-{m:02}"), next.pred_opt().unwrap_or(first)))
    });
    parsed.ok_or_else(|| Error::rule(crate::tr!("period-month-bad", text = t)))
}

/// Close the books through `month`: the journal must verify (both chains, every derived
/// total), every fund must hold no less than nothing; runs posted but unpaid past their notice
/// are listed. `person` is who closes (`--by`, else the operator).
pub fn close(
    ledger: &mut Ledger,
    month: &str,
    person: &str,
    operator: &str,
) -> Result<CloseOutcome> {
    close_with(ledger, month, person, operator, None)
}

/// [`close`], with `force` the reason to close although a bank account's statements for the
/// months closed are missing or not reconciled and locked (kept with the close).
pub fn close_with(
    ledger: &mut Ledger,
    month: &str,
    person: &str,
    operator: &str,
    force: Option<&str>,
) -> Result<CloseOutcome> {
    let (month, last_day) = parse_month(month)?;
    check_stored_rule("--by", person, NAME_MAX)?;
    let force = force.map(str::trim);
    if let Some(reason) = force {
        if reason.is_empty() {
            return Err(Error::rule(crate::tr!("period-force-needs-reason")));
        }
        check_stored_rule("--reason", reason, MEMO_MAX)?;
    }
    if let Some(c) = ledger.closed_period()? {
        if c.last_day() >= last_day {
            return Err(Error::rule(crate::tr!(
                "period-closed-already",
                month = month.as_str(),
                through = c.month_text(),
                by = c.person.as_str(),
                at = c.at.as_str()
            )));
        }
    }
    // The audit chain: the journal's hash chain, from where an earlier close or reopen
    // recorded it stood (the months before were checked when they were closed) or from its
    // start, and the record chain over every other table. (`verify` also re-derives every
    // derived total.)
    let events = ledger.period_events()?;
    let (transactions, since) = match events.last().filter(|e| !e.journal_head.is_empty()) {
        Some(anchor) => (
            crate::audit::verify_journal_since(
                ledger,
                anchor.journal_length,
                &anchor.journal_head,
            )?,
            Some(anchor.at.clone()),
        ),
        None => (
            crate::audit::verify_journal_since(
                ledger,
                0,
                &hex::encode(crate::ledger::transaction::GENESIS),
            )?,
            None,
        ),
    };
    for fund in ledger.funds()? {
        let holds = -ledger.balance_of(&fund.account, None)?;
        let (_, held) = ledger.fund_flows(&fund.id)?;
        if holds.is_negative() || held.free < 0 || held.given.values().any(|g| *g < 0) {
            return Err(Error::rule(crate::tr!(
                "period-fund-negative",
                fund = fund.id.as_str(),
                holds = holds.grouped()
            )));
        }
    }
    // Every bank account with statements: each month closed reconciled and locked.
    let unreconciled = crate::reconcile::workflow::unlocked_months(ledger, last_day)?;
    if !unreconciled.is_empty() && force.is_none() {
        let list = unreconciled
            .iter()
            .map(|(account, month)| format!("{account} {month}"))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(Error::rule(crate::tr!(
            "period-bank-unreconciled",
            month = month.as_str(),
            list = list
        )));
    }
    let runs: Vec<_> = ledger
        .runs()?
        .into_iter()
        .filter(|r| r.posted_voucher.is_some() && r.reversed_by_run.is_none())
        .filter(|r| r.earliest_payment.is_some_and(|d| d <= last_day))
        .collect();
    let head = ledger.chain_head()?;
    let (length, hash) = head.map_or((0, String::new()), |h| (h.length, h.hash));
    let unpaid_runs = ledger.write(operator, |w| {
        let mut unpaid = Vec::new();
        for r in &runs {
            let dues = w.run_dues(r.id)?;
            let owed: Vec<_> = dues.iter().filter(|d| d.total > d.paid).collect();
            if !owed.is_empty() {
                let total = owed
                    .iter()
                    .map(|d| d.total - d.paid)
                    .fold(crate::money::Amount::ZERO, |a, b| a + b);
                unpaid.push((r.id, total, owed.len()));
            }
        }
        w.insert_period_event(&month, "close", person.trim(), force, (length, &hash))?;
        Ok(unpaid)
    })?;
    Ok(CloseOutcome {
        month,
        transactions,
        since,
        unpaid_runs,
    })
}

/// Reopen `month` and every later closed month, for `reason`, by `person`, who did not close
/// it.
pub fn reopen(
    ledger: &mut Ledger,
    month: &str,
    reason: &str,
    person: &str,
    operator: &str,
) -> Result<String> {
    let (month, last_day) = parse_month(month)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::rule(crate::tr!("period-reopen-needs-reason")));
    }
    check_stored_rule("--reason", reason, MEMO_MAX)?;
    check_stored_rule("--by", person, NAME_MAX)?;
    let events = ledger.period_events()?;
    let Some(closed) = closed_after(&events).filter(|c| c.last_day() >= last_day) else {
        return Err(Error::rule(crate::tr!(
            "period-not-closed",
            month = month.as_str()
        )));
    };
    // Who closed it: the latest close that covers the month.
    let closer = closing_event(&events, &month).map_or(closed.person.clone(), |e| e.person.clone());
    if same_person(&closer, person) {
        return Err(Error::rule(crate::tr!(
            "period-reopen-same-person",
            month = month.as_str(),
            person = person.trim()
        )));
    }
    let head = ledger.chain_head()?;
    let (length, hash) = head.map_or((0, String::new()), |h| (h.length, h.hash));
    ledger.write(operator, |w| {
        w.insert_period_event(
            &month,
            "reopen",
            person.trim(),
            Some(reason),
            (length, &hash),
        )
    })?;
    Ok(month)
}

/// The close that closed `month` as it stands: the latest close of it or a later month.
fn closing_event<'e>(events: &'e [PeriodEvent], month: &str) -> Option<&'e PeriodEvent> {
    events
        .iter()
        .rev()
        .find(|e| e.action == "close" && e.month.as_str() >= month)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: i64, month: &str, action: &str) -> PeriodEvent {
        PeriodEvent {
            seq,
            month: month.into(),
            action: action.into(),
            person: "镇财务".into(),
            reason: None,
            operator: "x".into(),
            at: "2025-01-05T10:00:00".into(),
            journal_length: 0,
            journal_head: String::new(),
        }
    }

    #[test]
    fn closes_and_reopens_move_the_closed_months() {
        let through = |events: &[PeriodEvent]| closed_after(events).map(|c| c.month_text());
        let mut events = vec![event(1, "2024-09", "close")];
        assert_eq!(through(&events).as_deref(), Some("2024-09"));
        events.push(event(2, "2024-06", "close"));
        assert_eq!(through(&events).as_deref(), Some("2024-09"));
        events.push(event(3, "2024-05", "reopen"));
        assert_eq!(through(&events).as_deref(), Some("2024-04"));
        events.push(event(4, "2024-11", "close"));
        assert_eq!(through(&events).as_deref(), Some("2024-11"));
        events.push(event(5, "2025-01", "reopen"));
        assert_eq!(through(&events).as_deref(), Some("2024-11"));
        assert_eq!(parse_month("2024-9").unwrap().0, "2024-09");
        assert_eq!(
            parse_month("2024-02").unwrap().1,
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        assert!(parse_month("2024-13").is_err());
    }
}

//! `townledger reverse VOUCHER`: the mirror entry, without leaving the records built on the
//! voucher out of step with the journal.
//!
//! - An allocation run's posting voucher is refused: a run is corrected by
//!   `townledger allocate reverse RUN --reason …`, which also records the reversing run.
//! - A run's payment voucher is a bank return: it is reversed and its households become payable
//!   again in the run (the payment rows stay, marked with the reversing voucher), so a later
//!   `pay` pays them.
//! - A dividend's voucher is refused while its project-year is tilted: the tilt set aside a share
//!   of it (reverse the tilt first).
//! - A tilt's voucher is refused when the fund no longer holds what the tilt set aside (runs
//!   have allocated it).
//! - A grant's payment voucher is money returned: the grant is passed again, to be paid again
//!   (`townledger grant pay`).
//! - The reversal of any of these is refused: the records treat the original as gone, and
//!   restoring it in the journal alone would not bring them back.
//!
//! Any other voucher is reversed as it is.

use crate::text::{check_stored_rule, MEMO_MAX};
use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::funds::tilt::dynamic_fund;
use crate::money::Amount;
use crate::store::Writer;

/// What a reversal did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reversal {
    /// The voucher reversed, by the ledger's number.
    pub original: String,
    /// The mirror voucher.
    pub voucher: String,
    /// What else changed, for people: `run 1: HA, HB payable again (bank return)`.
    pub notes: Vec<String>,
}

/// Reverse `voucher` (the ledger's number or the clerk's own, its import `txn_id`) on `date` for `reason`, keeping allocation runs, dividends and tilts in
/// step with the journal (see the module documentation).
pub fn reverse_voucher(
    w: &mut Writer<'_>,
    voucher: &str,
    reason: &str,
    date: NaiveDate,
) -> Result<Reversal> {
    check_stored_rule(&crate::tr!("run-field-reason"), reason, MEMO_MAX)?;
    // What keeps vouchers in step with runs, payments, dividends and tilts is read from these:
    // refuse if any was altered behind the program's back.
    w.require_recorded(&[
        "allocation_runs",
        "allocation_payment_batches",
        "dividends",
        "tilts",
        "tilt_runs",
    ])?;
    let voucher = w.voucher_named(voucher)?;
    let voucher = voucher.as_str();
    if let Some(run) = w.run_posted_as(voucher)? {
        return Err(Error::rule(match run.reverses_run {
            Some(of) => crate::tr!(
                "reverse-run-reversal",
                voucher = voucher,
                of = of,
                run = run.id
            ),
            None => crate::tr!("reverse-run-voucher", voucher = voucher, run = run.id),
        }));
    }
    refuse_reversing_a_kept_reversal(w, voucher)?;
    if let Some((project, year)) = w.dividend_by_voucher(voucher)? {
        if let Some((_, tilt)) = w.live_tilts(year)?.into_iter().find(|(p, _)| *p == project) {
            return Err(Error::rule(crate::tr!(
                "reverse-dividend-tilted",
                voucher = voucher,
                project = &project,
                year = year,
                tilt = &tilt
            )));
        }
    }
    if w.tilt_by_voucher(voucher)?.is_some() {
        check_fund_keeps_the_tilt(w, voucher)?;
    }
    let payments = w.payments_by_voucher(voucher)?;
    let grant = w.grant_paid_by(voucher)?;
    let mirror = w.reverse(voucher, reason, date)?;
    let mut notes = Vec::new();
    if let Some(grant) = grant {
        notes.push(crate::tr!(
            "reverse-grant-passed-again",
            grant = crate::funds::grant::grant_label(grant)
        ));
    }
    if let Some((run, households)) = payments {
        w.mark_payments_returned(voucher, &mirror)?;
        notes.push(crate::tr!(
            "reverse-payable-again",
            run = run,
            households = households_list(&households)
        ));
    }
    Ok(Reversal {
        original: voucher.to_string(),
        voucher: mirror,
        notes,
    })
}

/// `voucher` reverses a run's payment, a dividend or a tilt: refused.
fn refuse_reversing_a_kept_reversal(w: &mut Writer<'_>, voucher: &str) -> Result<()> {
    let Some(original) = w.voucher_reversed_by(voucher)? else {
        return Ok(());
    };
    if let Some((run, _)) = w.payments_by_voucher(&original)? {
        return Err(Error::rule(crate::tr!(
            "reverse-bank-return",
            voucher = voucher,
            run = run,
            original = &original
        )));
    }
    if let Some((project, year)) = w.dividend_by_voucher(&original)? {
        return Err(Error::rule(crate::tr!(
            "reverse-dividend-reversal",
            voucher = voucher,
            original = &original,
            project = &project,
            year = year
        )));
    }
    if let Some(year) = w.tilt_by_voucher(&original)? {
        return Err(Error::rule(crate::tr!(
            "reverse-tilt-reversal",
            voucher = voucher,
            original = &original,
            year = year
        )));
    }
    if let Some(grant) = w.grant_paid_by(&original)? {
        // The grant is payable again since its payment was reversed: pay it again instead.
        return Err(Error::rule(crate::tr!(
            "reverse-grant-reversal",
            voucher = voucher,
            original = &original,
            grant = crate::funds::grant::grant_label(grant)
        )));
    }
    Ok(())
}

/// A tilt's reversal takes back from the dynamic-assistance fund what it set aside: refused
/// when the fund no longer holds it.
fn check_fund_keeps_the_tilt(w: &mut Writer<'_>, voucher: &str) -> Result<()> {
    let fund = dynamic_fund();
    let Some(txn) = w.transaction_by_voucher(voucher)? else {
        return Ok(());
    };
    let set_aside: Amount = -txn
        .postings
        .iter()
        .filter(|p| p.account == fund)
        .map(|p| p.amount)
        .sum::<Amount>();
    let holds = -w.balance_of(&fund, None)?;
    if set_aside > holds {
        return Err(Error::rule(crate::tr!(
            "reverse-tilt-overdraw",
            voucher = voucher,
            amount = set_aside.grouped(),
            fund = &fund,
            holds = holds.grouped()
        )));
    }
    Ok(())
}

fn households_list(households: &[String]) -> String {
    const SHOWN: usize = 10;
    let mut text = households
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if households.len() > SHOWN {
        text.push_str(&crate::tr!(
            "reverse-households-more",
            count = households.len()
        ));
    }
    text
}

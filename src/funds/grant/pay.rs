//! Payments of grants from their fund's bank account ([`pay`], [`pay_all_passed`]).

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use super::rules::{check_caps, grant_rules, GrantRules};
use super::{
    grant_label, refusals, rejected, Grant, GrantState, GrantStatus, GRANT_EXPENSE, GRANT_INCOME,
    GRANT_PURPOSE, GRANT_TABLES,
};
use crate::error::{Error, Result};
use crate::funds::registry::Fund;
use crate::ledger::{AccountKind, NewTransaction, Posting};
use crate::money::Amount;
use crate::people::{is_blank_name, same_person};
use crate::store::{PostOutcome, Writer};
use crate::text::NAME_MAX;

/// A grant paid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaidGrant {
    pub grant: Grant,
    pub voucher: String,
    /// The bank account it was paid from.
    pub bank: String,
}

/// Pay grant `id` on `date` from its fund's bank account, in one voucher: Dr 临时救助 / Cr the
/// bank (tagged with the household), Dr the fund / Cr 补助收入. Whoever pays is `by`, or the
/// writer's operator. Refused, with nothing written: a grant not passed at every gate,
/// rejected or paid already; a payer who applied or passed a gate; a date before the last
/// gate; an amount beyond the cap per grant or, with what the household was paid in the
/// year, the cap per household and year; more than the fund holds on the day (checked when
/// the write commits, as for every write).
pub fn pay(w: &mut Writer<'_>, id: i64, date: NaiveDate, by: Option<&str>) -> Result<PaidGrant> {
    let mut paid = pay_grants(w, Some(&[id]), date, by)?;
    Ok(paid.remove(0))
}

/// Pay every passed, unpaid grant (see [`pay`]): all of them, or none when any may not be
/// paid (each refused grant named with its reason). A voucher per grant, in id order.
pub fn pay_all_passed(
    w: &mut Writer<'_>,
    date: NaiveDate,
    by: Option<&str>,
) -> Result<Vec<PaidGrant>> {
    pay_grants(w, None, date, by)
}

fn pay_grants(
    w: &mut Writer<'_>,
    ids: Option<&[i64]>,
    date: NaiveDate,
    by: Option<&str>,
) -> Result<Vec<PaidGrant>> {
    w.require_recorded(&GRANT_TABLES)?;
    let payer = by
        .map(|b| b.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| w.operator().to_string());
    crate::text::check_stored_rule(&crate::tr!("grant-field-payer"), &payer, NAME_MAX)?;
    if is_blank_name(&payer) {
        return Err(Error::rule(crate::tr!("grant-pay-needs-by")));
    }
    let states: Vec<GrantState> = match ids {
        Some(ids) => ids
            .iter()
            .map(|&id| {
                w.grant_state(id)?.ok_or_else(|| {
                    Error::NotFound(crate::tr!("grant-not-found", grant = grant_label(id)))
                })
            })
            .collect::<Result<_>>()?,
        None => {
            let passed: Vec<GrantState> = w
                .grant_states()?
                .into_iter()
                .filter(|s| s.status() == GrantStatus::Passed)
                .collect();
            if passed.is_empty() {
                return Err(Error::rule(crate::tr!("grant-none-passed")));
            }
            passed
        }
    };
    let funds = w.funds()?;
    let mut rules: HashMap<String, GrantRules> = HashMap::new();
    let mut fund_of: HashMap<String, Fund> = HashMap::new();
    for s in &states {
        if !fund_of.contains_key(&s.grant.fund) {
            let fund = funds
                .iter()
                .find(|f| f.id == s.grant.fund)
                .cloned()
                .ok_or_else(|| {
                    Error::NotFound(crate::tr!(
                        "grant-fund-gone",
                        grant = s.grant.label(),
                        fund = s.grant.fund.as_str()
                    ))
                })?;
            rules.insert(fund.id.clone(), grant_rules(w, &fund)?);
            fund_of.insert(fund.id.clone(), fund);
        }
    }
    // What each household was paid in the payment's year, with the grants paid here.
    let mut this_year: HashMap<String, i128> = w.grants_paid_in_year(date.year())?;
    let mut refused = Vec::new();
    for s in &states {
        let r = &rules[&s.grant.fund];
        if let Err(why) = check_payable(s, &payer, date, r, &mut this_year) {
            refused.push(why);
        }
    }
    if !refused.is_empty() {
        return Err(Error::rule(refusals(refused)));
    }
    for (name, kind) in [
        (GRANT_EXPENSE, AccountKind::Expense),
        (GRANT_INCOME, AccountKind::Income),
    ] {
        ensure_account(w, name, kind)?;
    }
    for fund in fund_of.values() {
        ensure_account(w, &fund.account, AccountKind::Liability)?;
        ensure_account(w, &fund.bank, AccountKind::Asset)?;
    }
    let mut paid = Vec::with_capacity(states.len());
    let mut rows = Vec::with_capacity(states.len());
    for s in states {
        let fund = &fund_of[&s.grant.fund];
        let voucher = post_payment(w, &s, fund, date)?;
        rows.push((s.grant.id, voucher.clone()));
        paid.push(PaidGrant {
            grant: s.grant,
            voucher,
            bank: fund.bank.clone(),
        });
    }
    w.insert_grant_payments(&rows, date, &payer)?;
    Ok(paid)
}

fn ensure_account(w: &mut Writer<'_>, name: &str, kind: AccountKind) -> Result<()> {
    if w.account(name)?.is_none() {
        w.add_account(name, kind, None)?;
    }
    Ok(())
}

/// Why grant `s` may not be paid by `payer` on `date`, if it may not; counts it into what its
/// household is paid in the year when it may.
fn check_payable(
    s: &GrantState,
    payer: &str,
    date: NaiveDate,
    rules: &GrantRules,
    this_year: &mut HashMap<String, i128>,
) -> std::result::Result<(), String> {
    let g = &s.grant;
    let grant = g.label();
    if let Some(p) = s.payment() {
        return Err(crate::tr!(
            "grant-paid-already",
            grant = grant.as_str(),
            voucher = p.voucher.as_str(),
            date = p.date
        ));
    }
    if let Some(r) = s.rejection() {
        return Err(rejected(&grant, r));
    }
    if let Some(gate) = s.next_gate() {
        return Err(crate::tr!(
            "grant-not-passed",
            grant = grant.as_str(),
            gate = gate.label()
        ));
    }
    if let Some(r) = s.passed().find(|r| same_person(&r.by, payer)) {
        return Err(crate::tr!(
            "grant-payer-reviewer",
            grant = grant.as_str(),
            payer = payer.trim(),
            gate = r.gate.label()
        ));
    }
    // A payment is not dated before a gate passed on a stated day (a gate recorded without its
    // day may be entered after the money moved).
    if let Some(last) = s
        .passed()
        .filter(|r| r.dated)
        .max_by_key(|r| r.on)
        .filter(|r| date < r.on)
    {
        return Err(crate::tr!(
            "grant-pay-too-early",
            grant = grant.as_str(),
            date = date,
            gate = last.gate.label(),
            on = last.on
        ));
    }
    check_caps(rules, g.amount, g.loss)?;
    let before = this_year.get(&g.household).copied().unwrap_or(0);
    let after = before + i128::from(g.amount.fen());
    if after > i128::from(rules.max_per_household_year.fen()) {
        return Err(crate::tr!(
            "grant-cap-household-year",
            grant = grant.as_str(),
            household = g.household.as_str(),
            year = date.year(),
            paid = fen_text(before),
            amount = g.amount.grouped(),
            max = rules.max_per_household_year.grouped()
        ));
    }
    this_year.insert(g.household.clone(), after);
    Ok(())
}

/// A sum of fen as an amount (within what a household's year can hold).
fn fen_text(fen: i128) -> String {
    i64::try_from(fen)
        .map(|f| Amount::from_fen(f).grouped())
        .unwrap_or_else(|_| fen.to_string())
}

/// The payment voucher of one grant; its voucher number.
fn post_payment(
    w: &mut Writer<'_>,
    s: &GrantState,
    fund: &Fund,
    date: NaiveDate,
) -> Result<String> {
    let g = &s.grant;
    let gates = g
        .gates
        .iter()
        .map(|x| x.chinese())
        .collect::<Vec<_>>()
        .join("、");
    let mut memo = format!(
        "{}临时救助 {}：{} {}，损失{}元，经{}通过",
        fund.name,
        g.label(),
        g.household,
        g.cause,
        g.loss.grouped(),
        gates
    );
    if !g.note.is_empty() {
        memo.push('；');
        memo.push_str(&g.note);
    }
    let reference = Some(format!("grant:{}", g.label()));
    let line = |account: &str, amount: Amount, household: bool| Posting {
        account: account.to_string(),
        amount,
        memo: String::new(),
        household: household.then(|| g.household.clone()),
        reference: reference.clone(),
    };
    let outcome = w.post(NewTransaction {
        date,
        memo,
        external_id: None,
        reverses: None,
        reason: None,
        postings: vec![
            line(GRANT_EXPENSE, g.amount, true),
            line(&fund.bank, -g.amount, true),
            line(&fund.account, g.amount, false),
            line(GRANT_INCOME, -g.amount, false),
        ],
        // The fund's money is spent on relief (临时救助), as its rules allow.
        tags: vec![(
            2,
            crate::funds::movement::FundTag {
                fund: Some(fund.id.clone()),
                purpose: Some(GRANT_PURPOSE.to_string()),
                ..Default::default()
            },
        )],
    })?;
    Ok(match outcome {
        PostOutcome::Posted { voucher, .. } | PostOutcome::AlreadyPosted { voucher } => voucher,
    })
}

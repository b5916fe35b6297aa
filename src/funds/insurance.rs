//! Anti-poverty insurance 防贫保: a year's roster built from the household register (the
//! members of the households in the categories insured, in force on the day), the premium =
//! insured persons × the rate, paid to the insurer — not to the households — from a fund; the
//! claims the insurer pays, received as each household's payable and passed on to its card.

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::funds::dividend::ensure_account;
use crate::funds::flow::find_fund;
use crate::funds::household_payable;
use crate::funds::movement::FundTag;
use crate::households::Category;
use crate::ledger::transaction::{NewTransaction, Posting};
use crate::ledger::AccountKind;
use crate::money::Amount;
use crate::store::insurance::{Claim, InsuredHousehold, Roster};
use crate::store::{PostOutcome, Writer};
use crate::text::{check_household_id, check_stored_rule, NAME_MAX};

/// The purpose a premium is paid for, as the funds' rules name it.
pub const PREMIUM_PURPOSE: &str = "防贫保保费";

/// The fund that receives claims from the insurer and passes them on.
pub const INSURANCE_FUND: &str = "insurance";

/// A year's enrolment.
#[derive(Clone, Debug)]
pub struct Enrolment {
    pub year: i32,
    pub per_member: Amount,
    pub insurer: String,
    pub categories: Vec<Category>,
    /// The day the register is read on (default January 1 of the year).
    pub date: Option<NaiveDate>,
}

/// Parse `unstable,marginal,sudden` (or the Chinese names, 、 or , between them).
pub fn parse_categories(text: &str) -> Result<Vec<Category>> {
    let mut out = Vec::new();
    for part in text
        .split([',', '，', '、'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match Category::from_cell(part).map_err(Error::rule)? {
            Some(c) if !out.contains(&c) => out.push(c),
            _ => {}
        }
    }
    if out.is_empty() {
        return Err(Error::rule(crate::tr!("insurance-no-categories")));
    }
    Ok(out)
}

fn posted(outcome: PostOutcome) -> String {
    match outcome {
        PostOutcome::Posted { voucher, .. } | PostOutcome::AlreadyPosted { voucher } => voucher,
    }
}

/// Build and keep the year's roster. Refused when the year has one already.
pub fn enroll(w: &mut Writer<'_>, e: &Enrolment) -> Result<Roster> {
    let insurer = e.insurer.trim();
    check_stored_rule("--insurer", insurer, NAME_MAX)?;
    if insurer.is_empty() {
        return Err(Error::rule(crate::tr!("insurance-insurer-needed")));
    }
    if e.per_member.fen() <= 0 {
        return Err(Error::rule(crate::tr!(
            "fund-amount-not-positive",
            amount = e.per_member.grouped()
        )));
    }
    if let Some(r) = w.rosters(Some(e.year))?.into_iter().next() {
        return Err(Error::rule(crate::tr!(
            "insurance-enrolled-already",
            year = e.year,
            insurer = r.insurer.as_str(),
            persons = r.persons
        )));
    }
    let date = e
        .date
        .or_else(|| NaiveDate::from_ymd_opt(e.year, 1, 1))
        .ok_or_else(|| Error::rule(crate::tr!("insurance-year-bad", year = e.year)))?;
    let households = w.households_on(date)?;
    let mut insured = Vec::new();
    let mut persons: i64 = 0;
    let mut premium = Amount::ZERO;
    let overflow = || Error::rule(crate::tr!("insurance-premium-too-large"));
    for h in households
        .iter()
        .filter(|h| h.category.is_some_and(|c| e.categories.contains(&c)))
    {
        let members = i64::from(h.members);
        let due = e.per_member.checked_mul(members).ok_or_else(overflow)?;
        premium = premium.checked_add(due).ok_or_else(overflow)?;
        persons += members;
        insured.push(InsuredHousehold {
            household: h.id.clone(),
            members,
            premium: due,
        });
    }
    if insured.is_empty() {
        return Err(Error::rule(crate::tr!(
            "insurance-nobody",
            date = date,
            categories = e
                .categories
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join("、")
        )));
    }
    let roster = Roster {
        year: e.year,
        insurer: insurer.to_string(),
        per_member: e.per_member,
        categories: e
            .categories
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        enrolled_on: date,
        households: insured.len() as i64,
        persons,
        premium,
        paid: None,
    };
    w.insert_roster(&roster, &insured)?;
    Ok(roster)
}

fn roster_of(w: &Writer<'_>, year: i32) -> Result<Roster> {
    w.rosters(Some(year))?
        .into_iter()
        .next()
        .ok_or_else(|| Error::NotFound(crate::tr!("insurance-not-enrolled", year = year)))
}

/// Pay the year's premium to the insurer from fund `from` (its account, for the purpose
/// 防贫保保费, and its bank account). Returns the voucher.
pub fn pay_premium(w: &mut Writer<'_>, year: i32, date: NaiveDate, from: &str) -> Result<String> {
    let roster = roster_of(w, year)?;
    if let Some((voucher, _)) = &roster.paid {
        return Err(Error::rule(crate::tr!(
            "insurance-premium-paid",
            year = year,
            voucher = voucher.as_str()
        )));
    }
    let fund = find_fund(w, from)?;
    ensure_account(w, &fund.account, AccountKind::Liability)?;
    ensure_account(w, &fund.bank, AccountKind::Asset)?;
    w.pay_only_what_is_held(&fund.bank)?;
    let memo = format!(
        "支付{year}年防贫保保费（{}）：{}户{}人×{}元，{}列支",
        roster.insurer,
        roster.households,
        roster.persons,
        roster.per_member.plain(),
        fund.name
    );
    let line = |account: &str, amount: Amount| Posting {
        account: account.to_string(),
        amount,
        memo: memo.clone(),
        household: None,
        reference: Some(roster.insurer.clone()),
    };
    let outcome = w.post(NewTransaction {
        date,
        memo: memo.clone(),
        external_id: None,
        reverses: None,
        reason: None,
        postings: vec![
            line(&fund.account, roster.premium),
            line(&fund.bank, -roster.premium),
        ],
        tags: vec![(
            0,
            FundTag {
                fund: Some(fund.id.clone()),
                purpose: Some(PREMIUM_PURPOSE.to_string()),
                ..FundTag::default()
            },
        )],
    })?;
    let voucher = posted(outcome);
    w.insert_premium(&voucher, year, &fund.id)?;
    Ok(voucher)
}

/// A claim the insurer pays for a household.
#[derive(Clone, Debug)]
pub struct NewClaim {
    pub household: String,
    pub amount: Amount,
    pub cause: String,
    pub date: NaiveDate,
    /// The roster's year (default the date's year).
    pub year: Option<i32>,
    /// Pass it on to the household's card at once.
    pub pay: bool,
}

/// Receive a claim: the insurance fund's bank account debited, the household's payable
/// credited; with `pay`, passed on at once. Returns the claim's id and its vouchers.
pub fn claim(w: &mut Writer<'_>, c: &NewClaim) -> Result<(i64, Vec<String>)> {
    use chrono::Datelike;
    let year = c.year.unwrap_or(c.date.year());
    let household = c.household.trim();
    check_household_id("--household", household).map_err(Error::rule)?;
    let cause = c.cause.trim();
    check_stored_rule("--cause", cause, NAME_MAX)?;
    if c.amount.fen() <= 0 {
        return Err(Error::rule(crate::tr!(
            "fund-amount-not-positive",
            amount = c.amount.grouped()
        )));
    }
    let roster = roster_of(w, year)?;
    if w.insured_members(year, household)?.is_none() {
        return Err(Error::rule(crate::tr!(
            "insurance-not-insured",
            household = household,
            year = year
        )));
    }
    let fund = find_fund(w, INSURANCE_FUND)?;
    let payable = household_payable(household);
    ensure_account(w, &fund.bank, AccountKind::Asset)?;
    ensure_account(w, &payable, AccountKind::Liability)?;
    let memo = format!(
        "收{}防贫保理赔款：{household}（{cause}），待转付农户",
        roster.insurer
    );
    let line = |account: &str, amount: Amount, memo: &str| Posting {
        account: account.to_string(),
        amount,
        memo: memo.to_string(),
        household: Some(household.to_string()),
        reference: Some(roster.insurer.clone()),
    };
    let received = posted(w.post(NewTransaction {
        date: c.date,
        memo: memo.clone(),
        external_id: None,
        reverses: None,
        reason: None,
        postings: vec![
            line(&fund.bank, c.amount, &memo),
            line(&payable, -c.amount, &memo),
        ],
        tags: Vec::new(),
    })?);
    let id = w.insert_claim(&Claim {
        id: 0,
        year,
        household: household.to_string(),
        amount: c.amount,
        cause: cause.to_string(),
        date: c.date,
        voucher: received.clone(),
        paid: None,
    })?;
    let mut vouchers = vec![received];
    if c.pay {
        vouchers.push(pay_claim(w, id, c.date)?);
    }
    Ok((id, vouchers))
}

/// Pass claim `id` on to its household's card. Returns the voucher.
fn pay_claim(w: &mut Writer<'_>, id: i64, date: NaiveDate) -> Result<String> {
    let claim = w
        .claims(None)?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| Error::NotFound(crate::tr!("insurance-claim-unknown", claim = id)))?;
    let fund = find_fund(w, INSURANCE_FUND)?;
    w.pay_only_what_is_held(&fund.bank)?;
    let memo = format!(
        "转付防贫保理赔款：{}（{}），转入一卡通",
        claim.household, claim.cause
    );
    let line = |account: &str, amount: Amount| Posting {
        account: account.to_string(),
        amount,
        memo: memo.clone(),
        household: Some(claim.household.clone()),
        reference: None,
    };
    let voucher = posted(w.post(NewTransaction {
        date,
        memo: memo.clone(),
        external_id: None,
        reverses: None,
        reason: None,
        postings: vec![
            line(&household_payable(&claim.household), claim.amount),
            line(&fund.bank, -claim.amount),
        ],
        tags: Vec::new(),
    })?);
    w.insert_claim_payment(&voucher, id)?;
    Ok(voucher)
}

/// Pass every claim received and not yet paid on to its household (those of `year` only,
/// when given). Returns (claim, voucher) for each.
pub fn pay_claims(
    w: &mut Writer<'_>,
    date: NaiveDate,
    year: Option<i32>,
) -> Result<Vec<(i64, String)>> {
    let unpaid: Vec<Claim> = w
        .claims(year)?
        .into_iter()
        .filter(|c| c.paid.is_none())
        .collect();
    if unpaid.is_empty() {
        return Err(Error::rule(crate::tr!("insurance-no-claims-to-pay")));
    }
    let mut out = Vec::new();
    for c in unpaid {
        if date < c.date {
            return Err(Error::rule(crate::tr!(
                "insurance-claim-paid-before-received",
                claim = c.id,
                date = c.date
            )));
        }
        out.push((c.id, pay_claim(w, c.id, date)?));
    }
    Ok(out)
}

//! Money into a fund and out of it: `townledger fund contribute` and `townledger fund spend`.
//!
//! A contribution is money the fund receives in its bank account: a 631 transfer from one of
//! its sources (省级, 帮扶市, 本市 …), a 6·30 gift from a donor, restricted to a purpose (定向)
//! or not (非定向). A spend pays out of the fund for a purpose, to a household or a project.
//! Both are ordinary vouchers through the one write path: the funds' rules (purposes,
//! negative list, restricted money, never below zero) hold for them as for any other write.

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::funds::dividend::ensure_account;
use crate::funds::movement::FundTag;
use crate::funds::registry::{fund_named, Fund, FundKind};
use crate::ledger::transaction::{NewTransaction, Posting};
use crate::ledger::AccountKind;
use crate::money::Amount;
use crate::store::{PostOutcome, Writer};
use crate::text::{check_household_id, check_stored_rule, MEMO_MAX, NAME_MAX};

/// Money into a fund.
#[derive(Clone, Debug, Default)]
pub struct Contribution {
    /// The fund, by id, alias, name or account.
    pub fund: String,
    pub source: Option<String>,
    pub donor: Option<String>,
    /// The purpose a gift is restricted to (定向); none: unrestricted.
    pub restricted: Option<String>,
    pub amount: Amount,
    pub date: Option<NaiveDate>,
    pub memo: Option<String>,
    pub reference: Option<String>,
    /// A gift in kind (goods), recorded at its value on the goods account, never as cash.
    pub in_kind: bool,
}

/// The account that holds gifts in kind at their value (受赠物资), apart from any cash.
pub const GOODS_ACCOUNT: &str = "资产:受赠物资";

/// Money out of a fund.
#[derive(Clone, Debug, Default)]
pub struct Spend {
    pub fund: String,
    pub purpose: String,
    pub household: Option<String>,
    pub project: Option<String>,
    pub amount: Amount,
    pub date: Option<NaiveDate>,
    pub memo: Option<String>,
    pub reference: Option<String>,
    /// The account credited; the fund's bank account when none.
    pub to: Option<String>,
    /// Goods given in kind handed out (the goods account credited, not the bank).
    pub in_kind: bool,
}

/// The fund `name` names, or the error listing the funds.
pub fn find_fund(w: &Writer<'_>, name: &str) -> Result<Fund> {
    let funds = w.funds()?;
    fund_named(&funds, name).cloned().ok_or_else(|| {
        let known: Vec<&str> = funds.iter().map(|f| f.id.as_str()).collect();
        Error::rule(crate::tr!(
            "fund-tag-unknown",
            fund = name.trim(),
            known = known.join(", ")
        ))
    })
}

fn check_amount(amount: Amount) -> Result<()> {
    if amount.fen() > 0 {
        Ok(())
    } else {
        Err(Error::rule(crate::tr!(
            "fund-amount-not-positive",
            amount = amount.grouped()
        )))
    }
}

fn text(what: &str, value: &Option<String>) -> Result<Option<String>> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => {
            check_stored_rule(what, v, NAME_MAX)?;
            Ok(Some(v.to_string()))
        }
        None => Ok(None),
    }
}

fn posted(outcome: PostOutcome) -> String {
    match outcome {
        PostOutcome::Posted { voucher, .. } | PostOutcome::AlreadyPosted { voucher } => voucher,
    }
}

/// Record money into a fund: its bank account debited, the fund credited with the source or
/// donor (and the purpose of a restricted gift). Returns the voucher.
pub fn contribute(w: &mut Writer<'_>, c: &Contribution) -> Result<String> {
    let fund = find_fund(w, &c.fund)?;
    check_amount(c.amount)?;
    let source = text("--source", &c.source)?;
    let donor = text("--donor", &c.donor)?;
    let restricted = text("--restricted", &c.restricted)?;
    let book = w.fund_book()?;
    let has_sources = book
        .rules
        .rule(&fund.id)
        .is_some_and(|r| !r.sources.is_empty());
    if source.is_none() && has_sources {
        return Err(Error::rule(crate::tr!(
            "fund-source-needed",
            fund = fund.id.as_str()
        )));
    }
    if donor.is_none() && fund.kind == FundKind::Donation {
        return Err(Error::rule(crate::tr!(
            "fund-donor-needed",
            fund = fund.id.as_str()
        )));
    }
    let date = c.date.unwrap_or_else(|| chrono::Local::now().date_naive());
    let from = donor.as_deref().or(source.as_deref()).unwrap_or("");
    let memo = match &c.memo {
        Some(m) => m.trim().to_string(),
        // Memos are the books' own words: Chinese, whatever the language of messages.
        None => match (&donor, &restricted) {
            (Some(_), Some(p)) if c.in_kind => format!("{}：{from}捐赠物资（定向{p}）", fund.name),
            (Some(_), None) if c.in_kind => format!("{}：{from}捐赠物资（非定向）", fund.name),
            (Some(_), Some(p)) => format!("{}：{from}捐赠（定向{p}）", fund.name),
            (Some(_), None) => format!("{}：{from}捐赠（非定向）", fund.name),
            (None, Some(p)) => format!("{}：{from}拨入（限用于{p}）", fund.name),
            (None, None) => format!("{}：{from}拨入", fund.name),
        },
    };
    check_stored_rule("--memo", &memo, MEMO_MAX)?;
    let reference = text("--ref", &c.reference)?;
    // Goods are kept at their value on the goods account: never in the bank, never cash.
    let receives = if c.in_kind {
        GOODS_ACCOUNT
    } else {
        fund.bank.as_str()
    };
    ensure_account(w, receives, AccountKind::Asset)?;
    ensure_account(w, &fund.account, AccountKind::Liability)?;
    let line = |account: &str, amount: Amount| Posting {
        account: account.to_string(),
        amount,
        memo: memo.clone(),
        household: None,
        reference: reference.clone(),
    };
    let tag = FundTag {
        fund: Some(fund.id.clone()),
        purpose: restricted,
        source,
        donor,
        project: None,
    };
    let outcome = w.post(NewTransaction {
        date,
        memo: memo.clone(),
        external_id: None,
        reverses: None,
        reason: None,
        postings: vec![line(receives, c.amount), line(&fund.account, -c.amount)],
        tags: vec![(1, tag)],
    })?;
    Ok(posted(outcome))
}

/// Pay out of a fund for a purpose: the fund debited (with the purpose, the household, the
/// project), its bank account (or `to`) credited. Returns the voucher.
pub fn spend(w: &mut Writer<'_>, s: &Spend) -> Result<String> {
    let fund = find_fund(w, &s.fund)?;
    check_amount(s.amount)?;
    let purpose = text("--purpose", &Some(s.purpose.clone()))?
        .ok_or_else(|| Error::rule(crate::tr!("fund-purpose-needed")))?;
    let project = text("--project", &s.project)?;
    let household = match s.household.as_deref() {
        Some(h) => {
            check_household_id("--household", h).map_err(Error::rule)?;
            // A ledger without a register checks the id's form only (as `import postings`).
            let register = w.household_ids()?;
            if !register.is_empty() && !register.contains(h) {
                return Err(Error::rule(crate::tr!(
                    "import-household-not-registered",
                    household = h
                )));
            }
            Some(h.to_string())
        }
        None => None,
    };
    let date = s.date.unwrap_or_else(|| chrono::Local::now().date_naive());
    let memo = match &s.memo {
        Some(m) => m.trim().to_string(),
        None => match &household {
            Some(h) => format!("{}：{purpose}（{h}）", fund.name),
            None => format!("{}：{purpose}", fund.name),
        },
    };
    check_stored_rule("--memo", &memo, MEMO_MAX)?;
    let reference = text("--ref", &s.reference)?;
    let to = match &s.to {
        _ if s.in_kind => GOODS_ACCOUNT.to_string(),
        Some(to) => {
            if w.account(to)?.is_none() {
                return Err(Error::rule(crate::tr!(
                    "account-unknown",
                    name = to.as_str()
                )));
            }
            to.clone()
        }
        None => fund.bank.clone(),
    };
    ensure_account(w, &fund.account, AccountKind::Liability)?;
    ensure_account(w, &to, AccountKind::Asset)?;
    if w.account(&to)?
        .is_some_and(|a| a.kind == AccountKind::Asset)
    {
        w.pay_only_what_is_held(&to)?;
    }
    let line = |account: &str, amount: Amount| Posting {
        account: account.to_string(),
        amount,
        memo: memo.clone(),
        household: household.clone(),
        reference: reference.clone(),
    };
    let tag = FundTag {
        fund: Some(fund.id.clone()),
        purpose: Some(purpose),
        source: None,
        donor: None,
        project,
    };
    let outcome = w.post(NewTransaction {
        date,
        memo: memo.clone(),
        external_id: None,
        reverses: None,
        reason: None,
        postings: vec![line(&fund.account, s.amount), line(&to, -s.amount)],
        tags: vec![(0, tag)],
    })?;
    Ok(posted(outcome))
}

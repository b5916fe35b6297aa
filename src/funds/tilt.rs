//! The tilted share 产业收益倾斜: each year, 10%–12% of every project's net income (dividends
//! less land rent and upkeep), plus an optional contribution from the 6·30 fund, is set aside
//! into the dynamic-assistance fund 动态帮扶, from which the village committee allocates to the
//! households in greatest need.
//!
//! One `tilt` is one balanced transaction with a pair of postings per project:
//!
//! ```text
//! Dr 净资产:收益分配:动态帮扶提取     15,072.00   oyster: net 125,600.00 × 0.12
//! Cr 负债:专项应付款:动态帮扶        −15,072.00
//! Dr 负债:专项应付款:6·30资金        192,000.00   the 6·30 contribution, if any
//! Cr 负债:专项应付款:动态帮扶       −192,000.00
//! ```
//!
//! Why 322 收益分配 and not an expense: setting aside part of the year's income for a purpose
//! is a distribution of income (like 提取公积公益金), decided after the income is known; the
//! money is spent only later, when the fund pays households (514 公益支出 then). The debit goes
//! to the sub-account `净资产:收益分配:动态帮扶提取`, created under 322 when first needed, so the
//! year's distribution shows the tilt on its own line. The credit makes the money owed to its
//! purpose: the fund `负债:专项应付款:动态帮扶` under 241 专项应付款, where the demo's earlier
//! balances already sit.
//!
//! Amounts are net × share rounded to the fen per project, half away from zero. A project's
//! year is tilted at most once (the `tilts` table); a tilt whose voucher was reversed no longer
//! counts, so a corrected tilt can be posted after reversing the wrong one.

use crate::text::{check_stored_rule, MEMO_MAX};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::dividend::ensure_account;
use super::project::{unknown_project, Project};
use super::registry::{FundKind, STANDARD_FUNDS};
use crate::error::{Error, Result};
use crate::ledger::{AccountKind, NewTransaction, Posting};
use crate::money::Amount;
use crate::store::{PostOutcome, Writer};

/// The lowest share allowed without `--override`: 10%.
pub const MIN_SHARE: Decimal = Decimal::from_parts(10, 0, 0, false, 2);
/// The highest share allowed without `--override`: 12%.
pub const MAX_SHARE: Decimal = Decimal::from_parts(12, 0, 0, false, 2);
/// The debit side of the set-aside: a sub-account of 322 收益分配.
pub const APPROPRIATION_ACCOUNT: &str = "净资产:收益分配:动态帮扶提取";

/// The purpose 6·30 money given to the dynamic-assistance fund is spent on.
pub const DYNAMIC_PURPOSE: &str = "动态帮扶";

/// The dynamic-assistance fund's account.
pub fn dynamic_fund() -> String {
    standard_account(FundKind::Dynamic)
}

/// The 6·30 fund's account.
pub fn fund_630() -> String {
    standard_account(FundKind::Donation)
}

/// The account of the standard fund of `kind`.
fn standard_account(kind: FundKind) -> String {
    STANDARD_FUNDS
        .iter()
        .find(|f| f.kind == kind)
        .map(|f| f.account.to_string())
        .expect("a standard fund of every kind but other")
}

/// What to tilt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TiltRequest {
    pub year: i32,
    pub share: Decimal,
    /// Only these projects; empty: every project with a dividend in the year.
    pub projects: Vec<String>,
    /// A contribution from the 6·30 fund into the dynamic-assistance fund.
    pub from_630: Option<Amount>,
    /// The tilt's date; `None`: December 31 of the year.
    pub date: Option<NaiveDate>,
    /// Allow a share outside [`MIN_SHARE`, `MAX_SHARE`] (needs a reason).
    pub override_range: bool,
    pub reason: Option<String>,
}

/// One project's part of a tilt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TiltLine {
    pub project: Project,
    /// Dividends counted.
    pub dividends: i64,
    /// Net income of the year: dividends − land rent − upkeep.
    pub net: Amount,
    /// net × share, rounded to the fen.
    pub amount: Amount,
}

/// A checked tilt, ready to post.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TiltPlan {
    pub year: i32,
    pub share: Decimal,
    pub date: NaiveDate,
    pub lines: Vec<TiltLine>,
    pub from_630: Amount,
    /// The reason for an override, kept with the tilt.
    pub reason: Option<String>,
    /// Whether the share is outside 10%–12%.
    pub outside_range: bool,
}

impl TiltPlan {
    /// Net income of all projects.
    pub fn net(&self) -> Amount {
        self.lines.iter().map(|l| l.net).sum()
    }

    /// The set-aside from project income (without the 6·30 contribution).
    pub fn total(&self) -> Amount {
        self.lines.iter().map(|l| l.amount).sum()
    }

    /// Everything moving into the dynamic-assistance fund.
    pub fn into_fund(&self) -> Amount {
        self.total() + self.from_630
    }
}

/// A posted tilt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TiltOutcome {
    pub plan: TiltPlan,
    pub voucher: String,
    /// What the dynamic-assistance fund holds afterwards (all postings, whatever their date).
    pub fund_holds: Amount,
}

/// net × share, rounded to the fen, half away from zero.
pub fn share_of(net: Amount, share: Decimal) -> Amount {
    net.to_decimal()
        .checked_mul(share)
        .and_then(Amount::from_decimal_rounded)
        .expect("an amount below 10^15 yuan times a share ≤ 1 fits")
}

/// Check the share against 10%–12% and the override rules; returns the reason to keep.
pub fn check_share(share: Decimal, override_range: bool, reason: Option<&str>) -> Result<bool> {
    if share <= Decimal::ZERO || share > Decimal::ONE {
        return Err(Error::rule(crate::tr!(
            "tilt-share-not-fraction",
            share = share.to_string()
        )));
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if override_range && reason.is_none() {
        return Err(Error::rule(crate::tr!("tilt-override-needs-reason")));
    }
    if !override_range && reason.is_some() {
        return Err(Error::rule(crate::tr!("tilt-reason-without-override")));
    }
    let outside = share < MIN_SHARE || share > MAX_SHARE;
    if outside && !override_range {
        return Err(Error::rule(crate::tr!(
            "tilt-share-outside",
            share = share.to_string()
        )));
    }
    Ok(outside)
}

/// Check a tilt without posting it: the share, the projects and their year's dividends,
/// earlier tilts, the date and the 6·30 fund's balance.
pub fn plan(w: &mut Writer<'_>, req: &TiltRequest) -> Result<TiltPlan> {
    if let Some(reason) = &req.reason {
        check_stored_rule(&crate::tr!("run-field-reason"), reason, MEMO_MAX)?;
    }
    let outside_range = check_share(req.share, req.override_range, req.reason.as_deref())?;
    let year = req.year;
    let date = match req.date {
        Some(d) => d,
        None => NaiveDate::from_ymd_opt(year, 12, 31)
            .ok_or_else(|| Error::rule(crate::tr!("tilt-year-unusable", year = year)))?,
    };
    let from_630 = req.from_630.unwrap_or(Amount::ZERO);
    if from_630.is_negative() {
        return Err(Error::rule(crate::tr!(
            "tilt-630-negative",
            amount = from_630.to_string()
        )));
    }
    let projects = w.projects()?;
    let totals = w.dividend_totals(Some(year))?;
    let targets: Vec<&Project> = if req.projects.is_empty() {
        let with_dividends: Vec<&Project> = projects
            .iter()
            .filter(|p| totals.iter().any(|t| t.project == p.id))
            .collect();
        if with_dividends.is_empty() {
            return Err(Error::rule(crate::tr!("tilt-no-dividend", year = year)));
        }
        with_dividends
    } else {
        let known: Vec<String> = projects.iter().map(|p| p.id.clone()).collect();
        let mut chosen: Vec<&Project> = Vec::new();
        for id in &req.projects {
            let p = projects
                .iter()
                .find(|p| p.id == *id)
                .ok_or_else(|| unknown_project(id, &known))?;
            if !chosen.iter().any(|c| c.id == p.id) {
                chosen.push(p);
            }
        }
        let missing: Vec<&str> = chosen
            .iter()
            .filter(|p| !totals.iter().any(|t| t.project == p.id))
            .map(|p| p.id.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(Error::rule(crate::tr!(
                "tilt-no-dividend-from",
                year = year,
                projects = missing.join(", ")
            )));
        }
        chosen
    };
    let done: Vec<(String, String)> = w
        .live_tilts(year)?
        .into_iter()
        .filter(|(p, _)| targets.iter().any(|t| t.id == *p))
        .collect();
    if !done.is_empty() {
        let list: Vec<String> = done
            .iter()
            .map(|(p, v)| crate::tr!("tilt-done-by", project = p, voucher = v))
            .collect();
        let rest: Vec<&str> = targets
            .iter()
            .filter(|t| !done.iter().any(|(p, _)| *p == t.id))
            .map(|t| t.id.as_str())
            .collect();
        let hint = if rest.is_empty() {
            String::new()
        } else {
            crate::tr!("tilt-others-hint", projects = rest.join(", "))
        };
        return Err(Error::rule(crate::tr!(
            "tilt-already",
            year = year,
            list = list.join(", "),
            hint = hint
        )));
    }
    let mut lines = Vec::with_capacity(targets.len());
    for p in targets {
        let t = totals
            .iter()
            .find(|t| t.project == p.id)
            .expect("targets have dividends");
        if t.last_date > date {
            return Err(Error::rule(crate::tr!(
                "tilt-before-dividend",
                date = date,
                project = &p.id,
                dividend_date = t.last_date
            )));
        }
        lines.push(TiltLine {
            project: p.clone(),
            dividends: t.count,
            net: t.net(),
            amount: share_of(t.net(), req.share),
        });
    }
    if !from_630.is_zero() {
        let account = fund_630();
        // The fund must cover the contribution on the tilt's date and after every later posting.
        let on_date = -w.balance_of(&account, Some(date))?;
        let now = -w.balance_of(&account, None)?;
        let holds = on_date.min(now);
        if from_630 > holds {
            return Err(Error::rule(crate::tr!(
                "tilt-630-short",
                account = &account,
                holds = holds.grouped(),
                date = date,
                later = if now < on_date {
                    crate::tr!("tilt-630-after-later")
                } else {
                    String::new()
                },
                amount = from_630.grouped()
            )));
        }
    }
    let plan = TiltPlan {
        year,
        share: req.share.normalize(),
        date,
        lines,
        from_630,
        reason: req
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string),
        outside_range,
    };
    if plan.into_fund().is_zero() {
        return Err(Error::rule(crate::tr!(
            "tilt-nothing",
            share = plan.share.to_string()
        )));
    }
    Ok(plan)
}

/// Check and post a tilt in the caller's write transaction, and record it in `tilts`.
pub fn tilt(w: &mut Writer<'_>, req: &TiltRequest) -> Result<TiltOutcome> {
    // A tilt reads what was received and what was tilted before: refuse if either was
    // altered behind the program's back (a deleted tilt would be tilted twice).
    w.require_recorded(&["projects", "dividends", "tilts", "tilt_runs"])?;
    let plan = plan(w, req)?;
    let fund = dynamic_fund();
    ensure_account(w, &fund, AccountKind::Liability)?;
    ensure_account(w, APPROPRIATION_ACCOUNT, AccountKind::NetAssets)?;
    let pair = |debit: &str, credit: &str, amount: Amount, memo: String| {
        [
            Posting {
                account: debit.to_string(),
                amount,
                memo: memo.clone(),
                household: None,
                reference: None,
            },
            Posting {
                account: credit.to_string(),
                amount: -amount,
                memo,
                household: None,
                reference: None,
            },
        ]
    };
    let mut postings = Vec::new();
    for l in plan.lines.iter().filter(|l| !l.amount.is_zero()) {
        postings.extend(pair(
            APPROPRIATION_ACCOUNT,
            &fund,
            l.amount,
            format!(
                "{} {}年净收益 {} × {} 提取动态帮扶",
                l.project.name,
                plan.year,
                l.net.plain(),
                plan.share
            ),
        ));
    }
    let mut tags = Vec::new();
    if !plan.from_630.is_zero() {
        // The 6·30 money goes to dynamic assistance: unrestricted money only.
        tags.push((
            postings.len(),
            crate::funds::movement::FundTag {
                purpose: Some(DYNAMIC_PURPOSE.to_string()),
                ..Default::default()
            },
        ));
        postings.extend(pair(
            &fund_630(),
            &fund,
            plan.from_630,
            format!("{}年“6·30”资金划入动态帮扶", plan.year),
        ));
    }
    let mut memo = format!(
        "{}年产业收益倾斜：各项目净收益 × {} 提取动态帮扶",
        plan.year, plan.share
    );
    if !plan.from_630.is_zero() {
        memo.push_str(&format!("，“6·30”资金划入 {}", plan.from_630.plain()));
    }
    if let Some(reason) = &plan.reason {
        memo.push_str(&format!("（比例经批准调整：{reason}）"));
    }
    let voucher = match w.post(NewTransaction {
        tags,
        date: plan.date,
        memo,
        external_id: None,
        reverses: None,
        reason: None,
        postings,
    })? {
        PostOutcome::Posted { voucher, .. } | PostOutcome::AlreadyPosted { voucher } => voucher,
    };
    w.insert_tilt(&voucher, &plan)?;
    let fund_holds = -w.balance_of(&fund, None)?;
    Ok(TiltOutcome {
        plan,
        voucher,
        fund_holds,
    })
}

impl TiltOutcome {
    /// What `tilt` prints: per project net income, share and amount; the total; the voucher.
    pub fn lines(&self) -> Vec<String> {
        let p = &self.plan;
        let share = p.share.to_string();
        let id_width = p
            .lines
            .iter()
            .map(|l| l.project.id.len())
            .max()
            .unwrap_or(0)
            .max(7);
        let mut out = vec![crate::tr!(
            "tilt-done",
            year = p.year,
            share = share.as_str(),
            fund = dynamic_fund(),
            voucher = &self.voucher,
            date = p.date
        )];
        if let Some(reason) = &p.reason {
            out.push(crate::tr!(
                "tilt-override",
                share = share.as_str(),
                outside = if p.outside_range {
                    crate::tr!("tilt-override-outside")
                } else {
                    String::new()
                },
                reason = reason.as_str()
            ));
        }
        // Headings padded by display width (a Chinese character takes two columns).
        let pad = |text: String, width: usize, left: bool| {
            let w = unicode_width::UnicodeWidthStr::width(text.as_str());
            let fill = " ".repeat(width.saturating_sub(w));
            if left {
                format!("{text}{fill}")
            } else {
                format!("{fill}{text}")
            }
        };
        out.push(format!(
            "{}  {}  {}  {}  {}",
            pad(crate::tr!("tilt-col-project"), id_width, true),
            pad(crate::tr!("tilt-col-net"), 16, false),
            pad(crate::tr!("tilt-col-share"), 6, false),
            pad(crate::tr!("tilt-col-amount"), 14, false),
            crate::tr!("tilt-col-name")
        ));
        for l in &p.lines {
            out.push(format!(
                "{:<id_width$}  {:>16}  {:>6}  {:>14}  {}",
                l.project.id,
                l.net.grouped(),
                share,
                l.amount.grouped(),
                l.project.name
            ));
        }
        out.push(format!(
            "{}  {:>16}  {:>6}  {:>14}",
            pad(crate::tr!("tilt-col-total"), id_width, true),
            p.net().grouped(),
            "",
            p.total().grouped()
        ));
        if !p.from_630.is_zero() {
            out.push(crate::tr!(
                "tilt-from-630",
                fund = fund_630(),
                amount = p.from_630.grouped()
            ));
        }
        out.push(crate::tr!(
            "tilt-into-fund",
            amount = p.into_fund().grouped(),
            holds = self.fund_holds.grouped()
        ));
        out.push(crate::tr!("tilt-rounding"));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_bounds() {
        assert_eq!(MIN_SHARE.to_string(), "0.10");
        assert_eq!(MAX_SHARE.to_string(), "0.12");
        assert!(!check_share(Decimal::new(12, 2), false, None).unwrap());
        assert!(!check_share(Decimal::new(1, 1), false, None).unwrap());
        assert!(check_share(Decimal::new(15, 2), false, None).is_err());
        assert!(check_share(Decimal::new(15, 2), true, None).is_err());
        assert!(check_share(Decimal::new(15, 2), true, Some("  ")).is_err());
        assert!(check_share(Decimal::new(15, 2), true, Some("县批复")).unwrap());
        assert!(check_share(Decimal::new(12, 2), false, Some("x")).is_err());
        assert!(check_share(Decimal::ZERO, true, Some("x")).is_err());
        assert!(check_share(Decimal::new(11, 1), true, Some("x")).is_err());
    }

    #[test]
    fn share_rounds_half_away_from_zero() {
        let s = Decimal::new(12, 2);
        assert_eq!(
            share_of(Amount::from_yuan(125_600), s),
            Amount::from_yuan(15_072)
        );
        // 0.125 × 0.12 = 0.015 → 0.02
        assert_eq!(
            share_of(Amount::from_fen(12), Decimal::new(125, 3)),
            Amount::from_fen(2)
        );
        // 0.01 × 0.12 = 0.0012 → 0.00
        assert_eq!(share_of(Amount::from_fen(1), s), Amount::ZERO);
    }
}

//! The demo town's industry projects, their 2024 dividends and the 2024 tilt.
//!
//! Figures follow the published ones for 程村镇 where there are any: the oyster project
//! (1,130,000 invested at 12% → 135,600 a year, paid 2024-12-20 with 6,000 land rent and 4,000
//! upkeep), the town's share of the 长角水库 photovoltaic plant at a fixed 15%, the workshop of
//! 15 units built for 1,000,000 and rented for 90,000 a year; tilapia, agarwood and tea-farm
//! figures are illustrative. The tilt sets aside 12% of 2024's net income and draws on the 6·30
//! fund so that the dynamic-assistance fund holds at least [`DYNAMIC_TARGET`] afterwards
//! (Chengcun's "about 500,000 yuan in all").

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::dividend::{record_dividend, NewDividend};
use super::project::{add_project, NewProject, ProjectKind};
use super::tilt::{dynamic_fund, fund_630, plan, tilt, TiltRequest};
use crate::error::Result;
use crate::money::Amount;
use crate::store::Ledger;

/// What the dynamic-assistance fund should hold at least after the demo's tilt.
pub const DYNAMIC_TARGET: Amount = Amount::from_yuan(520_000);

/// The 6·30 contribution is rounded up to whole thousands of yuan, as a town office would
/// decide it.
const CONTRIBUTION_STEP: i64 = 1_000 * 100;

struct DemoProject {
    id: &'static str,
    name: &'static str,
    invested: i64,
    /// Rate in hundredths (12 = 12%).
    rate: i64,
    owner: &'static str,
    kind: ProjectKind,
    /// (date, amount, land rent, upkeep) of the 2024 dividend, yuan.
    dividend: ((i32, u32, u32), i64, i64, i64),
}

const PROJECTS: &[DemoProject] = &[
    DemoProject {
        id: "oyster",
        name: "程村蚝养殖与加工",
        invested: 1_130_000,
        rate: 12,
        owner: "程村镇",
        kind: ProjectKind::Dividend,
        dividend: ((2024, 12, 20), 135_600, 6_000, 4_000),
    },
    DemoProject {
        id: "pv",
        name: "长角水库光伏",
        invested: 3_500_000,
        rate: 15,
        owner: "程村镇",
        kind: ProjectKind::Dividend,
        // 75,000 above the fixed 15%: the excess goes to the reserve fund.
        dividend: ((2024, 12, 25), 600_000, 0, 25_000),
    },
    DemoProject {
        id: "tilapia",
        name: "罗非鱼养殖",
        invested: 800_000,
        rate: 10,
        owner: "西一村",
        kind: ProjectKind::Dividend,
        // Typhoon 摩羯 (September 2024) cut the year's catch: paid below the expected 80,000.
        dividend: ((2024, 12, 18), 72_000, 3_000, 1_500),
    },
    DemoProject {
        id: "agarwood",
        name: "沉香种植",
        invested: 600_000,
        rate: 8,
        owner: "红光村",
        kind: ProjectKind::Dividend,
        dividend: ((2024, 12, 23), 48_000, 2_400, 1_800),
    },
    DemoProject {
        id: "tea",
        name: "东水茶场",
        invested: 300_000,
        rate: 10,
        owner: "莲塘村",
        kind: ProjectKind::Dividend,
        dividend: ((2024, 12, 16), 30_000, 1_200, 800),
    },
    DemoProject {
        id: "workshop",
        name: "扶贫车间",
        invested: 1_000_000,
        rate: 9,
        owner: "胡荔村",
        kind: ProjectKind::Rent,
        dividend: ((2024, 12, 27), 90_000, 0, 5_000),
    },
];

fn date((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("demo dates are valid")
}

/// Add the demo town's projects, record their 2024 dividends and tilt 2024 at 12% with a 6·30
/// contribution, all in one write. Returns the lines to print.
pub fn record_demo_funds(ledger: &mut Ledger, operator: &str) -> Result<Vec<String>> {
    ledger.write(operator, |w| {
        let mut out = Vec::new();
        for p in PROJECTS {
            let project = add_project(
                w,
                &NewProject {
                    id: p.id.to_string(),
                    name: p.name.to_string(),
                    invested: Amount::from_yuan(p.invested),
                    rate: Decimal::new(p.rate, 2),
                    owner: Some(p.owner.to_string()),
                    kind: p.kind,
                },
            )?;
            let (on, amount, rent, upkeep) = p.dividend;
            let recorded = record_dividend(
                w,
                &NewDividend {
                    project: project.id.clone(),
                    date: date(on),
                    amount: Amount::from_yuan(amount),
                    rent: Amount::from_yuan(rent),
                    upkeep: Amount::from_yuan(upkeep),
                    to: None,
                    memo: None,
                    year: Some(2024),
                    // The PV project pays a fixed 15%; what it pays above goes to the
                    // reserve fund (超额分红).
                    excess_to: (p.id == "pv").then(|| "reserve".to_string()),
                },
            )?;
            let d = &recorded.dividend;
            out.push(crate::tr!(
                "demo-project",
                id = &project.id,
                name = &project.name,
                invested = project.invested.grouped(),
                rate = project.rate.to_string(),
                expected = project.expected().grouped(),
                date = d.date,
                kind = crate::tr!(&format!("project-kind-{}", project.kind)),
                amount = d.amount.grouped(),
                rent = d.rent.grouped(),
                upkeep = d.upkeep.grouped(),
                net = d.net().grouped(),
                voucher = &d.voucher
            ));
            if let Some(fund) = &d.excess_fund {
                out.push(crate::tr!(
                    "dividend-excess",
                    excess = d.excess.grouped(),
                    fund = fund.as_str(),
                    net = d.net().grouped()
                ));
            }
        }
        let mut request = TiltRequest {
            year: 2024,
            share: Decimal::new(12, 2),
            ..Default::default()
        };
        // How much the 6·30 fund adds so the dynamic fund reaches the target: computed from
        // the balances, never more than the 6·30 fund holds.
        let set_aside = plan(w, &request)?.total();
        let holds = -w.balance_of(&dynamic_fund(), None)?;
        // Only the unrestricted part of the 6·30 fund may go to the dynamic fund.
        let free = w.fund_held("630")?.free;
        let available_630 = Amount::from_fen(i64::try_from(free.max(0)).unwrap_or(i64::MAX))
            .min((-w.balance_of(&fund_630(), None)?).max(Amount::ZERO));
        let shortfall = (DYNAMIC_TARGET - holds - set_aside).max(Amount::ZERO);
        let rounded_up = Amount::from_fen(
            (shortfall.fen() + CONTRIBUTION_STEP - 1) / CONTRIBUTION_STEP * CONTRIBUTION_STEP,
        );
        let contribution = rounded_up.min(available_630);
        if !contribution.is_zero() {
            request.from_630 = Some(contribution);
        }
        out.push(crate::tr!(
            "demo-before-tilt",
            holds = holds.grouped(),
            available = available_630.grouped(),
            contribution = contribution.grouped()
        ));
        let outcome = tilt(w, &request)?;
        out.extend(outcome.lines());
        Ok(out)
    })
}

/// The demo town's 防贫保 year: the 2024 roster of the three categories at 400 a person, the
/// premium paid to the insurer from the 631 fund, and one claim passed to its household.
/// Returns the lines to print.
pub fn insure_demo_households(ledger: &mut Ledger, operator: &str) -> Result<Vec<String>> {
    use crate::funds::insurance::{claim, enroll, pay_premium, Enrolment, NewClaim};
    use crate::households::Category;
    ledger.write(operator, |w| {
        let roster = enroll(
            w,
            &Enrolment {
                year: 2024,
                per_member: Amount::from_yuan(400),
                insurer: "太平洋财险阳西支公司".to_string(),
                categories: vec![Category::Unstable, Category::Marginal, Category::Sudden],
                date: Some(date((2024, 1, 1))),
            },
        )?;
        let premium = pay_premium(w, 2024, date((2024, 3, 25)), "631")?;
        let (_, vouchers) = claim(
            w,
            &NewClaim {
                household: "H0038".to_string(),
                amount: Amount::from_yuan(30_000),
                cause: "意外".to_string(),
                date: date((2024, 10, 8)),
                year: None,
                pay: true,
            },
        )?;
        Ok(vec![crate::tr!(
            "demo-insurance",
            households = roster.households,
            persons = roster.persons,
            premium = roster.premium.grouped(),
            insurer = roster.insurer.as_str(),
            voucher = premium.as_str(),
            claim = vouchers.join(", ")
        )])
    })
}

/// Who applies for the demo town's relief grants: the village clerk, the ledger's operator when
/// they are applied for (the applicant reviews nothing).
pub const GRANT_CLERK: &str = "村文书";

/// Who pays the demo town's relief grants: the town's cashier, who passed no gate.
pub const GRANT_CASHIER: &str = "出纳";

/// The demo town's relief grants from the reserve fund 防止返贫储备金, through the library as
/// `townledger grant` goes: H0015 陈亚生's 3,000 for the fish his pond lost (20,000 and more),
/// applied for by the village clerk on 2024-08-05, passed at the three gates by three different
/// people on the three days after and paid by the cashier on 2024-08-13; and H0017 林信权's,
/// passed by the village and rejected at the departments' data cross-check. Returns the lines to
/// print.
pub fn grant_demo_relief(ledger: &mut Ledger, operator: &str) -> Result<Vec<String>> {
    use super::grant::{self, Application, Decision, Gate, GrantState, ReviewRequest};
    let today = chrono::Local::now().date_naive();
    let application = |household: &str, amount, cause: &str, loss, note: &str, on| Application {
        household: household.to_string(),
        fund: "储备金".to_string(),
        amount: Amount::from_yuan(amount),
        cause: cause.to_string(),
        loss: Amount::from_yuan(loss),
        note: note.to_string(),
        date: date(on),
        dated: true,
    };
    let decision = |gate, decision, by: &str, on, note: &str| ReviewRequest {
        gate,
        decision,
        by: by.to_string(),
        note: note.to_string(),
        on: date(on),
        dated: true,
    };
    let fish = application(
        "H0015",
        3_000,
        "因灾",
        20_000,
        "鱼塘缺氧死鱼，损失2万余元",
        (2024, 8, 5),
    );
    let ill = application(
        "H0017",
        2_000,
        "因病",
        15_000,
        "住院治疗，自付医疗费1.5万元",
        (2024, 9, 2),
    );
    let (paid, rejected) = ledger.write(GRANT_CLERK, |w| {
        Ok((
            grant::apply(w, &fish, today)?.id,
            grant::apply(w, &ill, today)?.id,
        ))
    })?;
    let rejection = decision(
        Gate::Data,
        Decision::Reject,
        "民政比对",
        (2024, 9, 6),
        "民政、人社数据比对：家庭人均纯收入高于监测线",
    );
    ledger.write(operator, |w| {
        for review in [
            decision(
                Gate::Village,
                Decision::Pass,
                "村委",
                (2024, 8, 6),
                "入户核实，鱼塘损失属实",
            ),
            decision(
                Gate::Data,
                Decision::Pass,
                "民政比对",
                (2024, 8, 7),
                "民政、农业农村部门数据比对无异常",
            ),
            decision(
                Gate::Sector,
                Decision::Pass,
                "镇农办",
                (2024, 8, 8),
                "稽核无误，同意救助",
            ),
        ] {
            grant::review(w, paid, &review, today)?;
        }
        let village = decision(
            Gate::Village,
            Decision::Pass,
            "村委",
            (2024, 9, 4),
            "入户核实，住院属实",
        );
        grant::review(w, rejected, &village, today)?;
        grant::review(w, rejected, &rejection, today)?;
        Ok(())
    })?;
    let paid_on = date((2024, 8, 13));
    let payment = ledger.write(GRANT_CASHIER, |w| grant::pay(w, paid, paid_on, None))?;
    let state = |id| -> Result<GrantState> {
        ledger.grant_state(id)?.ok_or_else(|| {
            crate::error::Error::NotFound(crate::tr!(
                "grant-not-found",
                grant = grant::grant_label(id)
            ))
        })
    };
    let (g, r) = (&payment.grant, state(rejected)?);
    let gates = state(paid)?.gates_line(crate::i18n::lang());
    Ok(vec![
        crate::tr!(
            "demo-grant-paid",
            grant = g.label(),
            household = g.household.as_str(),
            amount = g.amount.grouped(),
            cause = g.cause.as_str(),
            loss = g.loss.grouped(),
            applied = g.applied_on,
            applicant = g.applicant.as_str(),
            gates = gates,
            date = paid_on,
            payer = GRANT_CASHIER,
            bank = payment.bank.as_str(),
            voucher = payment.voucher.as_str()
        ),
        crate::tr!(
            "demo-grant-rejected",
            grant = r.grant.label(),
            household = r.grant.household.as_str(),
            amount = r.grant.amount.grouped(),
            cause = r.grant.cause.as_str(),
            loss = r.grant.loss.grouped(),
            applied = r.grant.applied_on,
            gate = rejection.gate.label(),
            by = rejection.by.as_str(),
            on = rejection.on,
            reason = rejection.note.as_str()
        ),
    ])
}

/// The demo town's 2024 budget of the 631 fund and the reserve fund, imported from `data`'s
/// `budget-2024.csv` as `townledger budget import` does (nothing when the file is not there).
/// Returns the line to print.
pub fn set_demo_budgets(
    ledger: &mut Ledger,
    data: &std::path::Path,
    operator: &str,
) -> Result<Vec<String>> {
    let file = data.join("budget-2024.csv");
    if !file.exists() {
        return Ok(Vec::new());
    }
    let set = ledger.write(operator, |w| {
        super::budget::import_budgets(w, &file, crate::import::Encoding::Auto)
    })?;
    let total: Amount = set.iter().map(|b| b.amount).sum();
    let funds: Vec<&str> = set.iter().fold(Vec::new(), |mut v, b| {
        if !v.contains(&b.fund.as_str()) {
            v.push(b.fund.as_str());
        }
        v
    });
    Ok(vec![crate::tr!(
        "demo-budget",
        count = set.len(),
        file = "budget-2024.csv",
        funds = funds.join(", "),
        total = total.grouped()
    )])
}

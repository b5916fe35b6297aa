//! Dividends 分红 (and rent 租金) received from industry projects, and the report of expected
//! against received income.
//!
//! Asset income first pays the project's land rent 土地租金 and upkeep 运维费; the rest is the
//! project's net income, from which the tilted share is set aside (see [`super::tilt`]). One
//! dividend is one balanced transaction, e.g. the oyster project's 2024 dividend:
//!
//! ```text
//! Dr 资产:银行存款:基本户                125,600.00   (what reaches the bank: amount − rent − upkeep)
//! Dr 支出:经营支出:土地租金                6,000.00   (511 经营支出, land rent paid from it)
//! Dr 支出:经营支出:运维费                  4,000.00   (511 经营支出, upkeep paid from it)
//! Cr 收入:投资收益:程村蚝养殖与加工     −135,600.00   (502 投资收益, the gross dividend)
//! ```
//!
//! The two expense accounts are created under 511 经营支出 the first time they are needed, as is
//! the default bank account 资产:银行存款:基本户. Each dividend is also kept in the `dividends`
//! table (project, year, date, amount, rent, upkeep, voucher), so the report and the tilt need
//! no journal parsing. A dividend whose voucher was reversed no longer counts.

use crate::text::{check_stored_rule, MEMO_MAX};
use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::project::{unknown_project, Project};
use crate::error::{Error, Result};
use crate::ledger::{AccountKind, NewTransaction, Posting};
use crate::money::Amount;
use crate::report::document::{Align, Cell, Column, Document, Lang, Row, Table};
use crate::report::tr;
use crate::store::{Ledger, PostOutcome, Writer};

/// Where a dividend is paid in unless `--to` says otherwise; created when missing.
pub const DEFAULT_BANK_ACCOUNT: &str = "资产:银行存款:基本户";
/// Land rent paid out of a project's income (under 511 经营支出).
pub const LAND_RENT_ACCOUNT: &str = "支出:经营支出:土地租金";
/// Upkeep and maintenance 运维 paid out of a project's income (under 511 经营支出).
pub const UPKEEP_ACCOUNT: &str = "支出:经营支出:运维费";

/// A dividend to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDividend {
    pub project: String,
    pub date: NaiveDate,
    /// The gross dividend (or rent) paid by the project.
    pub amount: Amount,
    /// Land rent paid out of it.
    pub rent: Amount,
    /// Upkeep paid out of it.
    pub upkeep: Amount,
    /// The asset account the rest is paid into; `None`: [`DEFAULT_BANK_ACCOUNT`].
    pub to: Option<String>,
    pub memo: Option<String>,
    /// The year the income belongs to; `None`: the date's year.
    pub year: Option<i32>,
    /// The fund that receives the excess over the project's expected income (超额分红), if any.
    pub excess_to: Option<String>,
}

/// A dividend as stored in the `dividends` table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dividend {
    pub project: String,
    pub year: i32,
    pub date: NaiveDate,
    pub amount: Amount,
    pub rent: Amount,
    pub upkeep: Amount,
    pub voucher: String,
    /// The excess over the expected income set aside into a fund, and the fund.
    pub excess: Amount,
    pub excess_fund: Option<String>,
}

impl Dividend {
    /// amount − rent − upkeep − the excess set aside: the project's income.
    pub fn net(&self) -> Amount {
        self.amount - self.rent - self.upkeep - self.excess
    }
}

/// One project's dividends in one year, summed (reversed dividends left out).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct YearTotals {
    pub project: String,
    pub year: i32,
    pub count: i64,
    pub amount: Amount,
    pub rent: Amount,
    pub upkeep: Amount,
    /// The latest dividend's date.
    pub last_date: NaiveDate,
    /// The excess set aside into funds.
    pub excess: Amount,
}

impl YearTotals {
    /// amount − rent − upkeep − the excess set aside: the income the tilt takes its share of.
    pub fn net(&self) -> Amount {
        self.amount - self.rent - self.upkeep - self.excess
    }
}

/// A recorded dividend with its project and the account it was paid into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedDividend {
    pub project: Project,
    pub dividend: Dividend,
    pub to: String,
}

impl RecordedDividend {
    /// What `dividend record` prints.
    pub fn lines(&self) -> Vec<String> {
        let d = &self.dividend;
        let mut lines = vec![
            crate::tr!(
                "dividend-recorded",
                kind = crate::tr!(&format!("project-kind-{}", self.project.kind)),
                project = &self.project.id,
                name = &self.project.name,
                year = d.year,
                amount = d.amount.grouped(),
                rent = d.rent.grouped(),
                upkeep = d.upkeep.grouped(),
                net = d.net().grouped()
            ),
            crate::tr!(
                "dividend-voucher",
                voucher = &d.voucher,
                date = d.date,
                net = (d.amount - d.rent - d.upkeep).grouped(),
                to = &self.to
            ),
        ];
        if let Some(fund) = &d.excess_fund {
            lines.push(crate::tr!(
                "dividend-excess",
                excess = d.excess.grouped(),
                fund = fund.as_str(),
                net = d.net().grouped()
            ));
        }
        lines
    }
}

/// Make sure `name` exists with type `kind`, creating it if missing.
pub(crate) fn ensure_account(w: &mut Writer<'_>, name: &str, kind: AccountKind) -> Result<()> {
    match w.account(name)? {
        Some(a) if a.kind != kind => Err(Error::rule(crate::tr!(
            "account-wrong-kind",
            name = name,
            kind = a.kind.to_string(),
            wanted = kind.to_string()
        ))),
        Some(_) => Ok(()),
        None => w.add_account(name, kind, None).map(|_| ()),
    }
}

/// Record one dividend: post its transaction and keep it in the `dividends` table.
///
/// Refused: an unknown project (the error lists the known ids), an amount of 0.00 or less,
/// negative rent or upkeep, rent + upkeep above the amount, a year after the date's year, an
/// unknown or non-asset `--to` account, and a project-year whose income was already tilted
/// (the tilt would miss this dividend).
pub fn record_dividend(w: &mut Writer<'_>, new: &NewDividend) -> Result<RecordedDividend> {
    if let Some(memo) = &new.memo {
        check_stored_rule(&crate::tr!("dividend-field-memo"), memo, MEMO_MAX)?;
    }
    let project = match w.project(&new.project)? {
        Some(p) => p,
        None => {
            let known: Vec<String> = w.projects()?.into_iter().map(|p| p.id).collect();
            return Err(unknown_project(&new.project, &known));
        }
    };
    if new.amount <= Amount::ZERO {
        return Err(Error::rule(crate::tr!(
            "dividend-not-positive",
            amount = new.amount.to_string()
        )));
    }
    if new.rent.is_negative() || new.upkeep.is_negative() {
        return Err(Error::rule(crate::tr!("dividend-negative-costs")));
    }
    let paid_out = new
        .rent
        .checked_add(new.upkeep)
        .ok_or_else(|| Error::rule(crate::tr!("dividend-costs-too-large")))?;
    if paid_out > new.amount {
        return Err(Error::rule(crate::tr!(
            "dividend-costs-exceed",
            rent = new.rent.grouped(),
            upkeep = new.upkeep.grouped(),
            total = paid_out.grouped(),
            amount = new.amount.grouped()
        )));
    }
    let year = new.year.unwrap_or(new.date.year());
    if year > new.date.year() {
        return Err(Error::rule(crate::tr!(
            "dividend-later-year",
            date = new.date,
            year = year
        )));
    }
    if let Some((_, voucher)) = w
        .live_tilts(year)?
        .into_iter()
        .find(|(p, _)| *p == project.id)
    {
        return Err(Error::rule(crate::tr!(
            "dividend-year-tilted",
            project = &project.id,
            year = year,
            voucher = &voucher
        )));
    }
    let to = match new.to.as_deref().map(str::trim) {
        None => {
            ensure_account(w, DEFAULT_BANK_ACCOUNT, AccountKind::Asset)?;
            DEFAULT_BANK_ACCOUNT.to_string()
        }
        Some(name) => match w.account(name)? {
            Some(a) if a.kind == AccountKind::Asset => a.name.clone(),
            Some(a) => {
                return Err(Error::rule(crate::tr!(
                    "dividend-to-not-asset",
                    name = name,
                    kind = a.kind.to_string()
                )))
            }
            None => {
                return Err(Error::NotFound(crate::tr!(
                    "dividend-to-unknown",
                    name = name
                )))
            }
        },
    };
    let memo = match new.memo.as_deref().map(str::trim) {
        Some(m) if !m.is_empty() => m.to_string(),
        _ => format!("{} {year}年{}", project.name, project.kind.chinese()),
    };
    let line = |account: &str, amount: Amount, memo: &str| Posting {
        account: account.to_string(),
        amount,
        memo: memo.to_string(),
        household: None,
        reference: None,
    };
    // The excess over the expected income, set aside into a fund (超额分红 → 储备金).
    let excess = match new.excess_to.as_deref() {
        None => None,
        Some(name) => {
            let funds = w.funds()?;
            let Some(fund) = crate::funds::registry::fund_named(&funds, name).cloned() else {
                let known: Vec<&str> = funds.iter().map(|f| f.id.as_str()).collect();
                return Err(Error::rule(crate::tr!(
                    "fund-tag-unknown",
                    fund = name,
                    known = known.join(", ")
                )));
            };
            let expected = project.expected();
            let over = new.amount - expected;
            if over.fen() <= 0 {
                return Err(Error::rule(crate::tr!(
                    "dividend-no-excess",
                    amount = new.amount.grouped(),
                    expected = expected.grouped(),
                    project = &project.id
                )));
            }
            if over > new.amount - paid_out {
                return Err(Error::rule(crate::tr!(
                    "dividend-excess-above-net",
                    excess = over.grouped(),
                    net = (new.amount - paid_out).grouped()
                )));
            }
            ensure_account(w, &fund.account, AccountKind::Liability)?;
            Some((fund, over))
        }
    };
    let net = new.amount - paid_out;
    let mut postings = Vec::with_capacity(5);
    if !net.is_zero() {
        postings.push(line(&to, net, &memo));
    }
    if !new.rent.is_zero() {
        ensure_account(w, LAND_RENT_ACCOUNT, AccountKind::Expense)?;
        postings.push(line(
            LAND_RENT_ACCOUNT,
            new.rent,
            &format!("{} 土地租金", project.name),
        ));
    }
    if !new.upkeep.is_zero() {
        ensure_account(w, UPKEEP_ACCOUNT, AccountKind::Expense)?;
        postings.push(line(
            UPKEEP_ACCOUNT,
            new.upkeep,
            &format!("{} 运维费", project.name),
        ));
    }
    let mut tags = Vec::new();
    match &excess {
        Some((fund, over)) => {
            postings.push(line(&project.account, -(new.amount - *over), &memo));
            tags.push((
                postings.len(),
                crate::funds::movement::FundTag {
                    fund: Some(fund.id.clone()),
                    source: Some(format!("{}超额分红", project.name)),
                    ..Default::default()
                },
            ));
            postings.push(line(
                &fund.account,
                -*over,
                &format!("{} {year}年超额分红 转入{}", project.name, fund.name),
            ));
        }
        None => postings.push(line(&project.account, -new.amount, &memo)),
    }
    let voucher = match w.post(NewTransaction {
        tags,
        date: new.date,
        memo,
        external_id: None,
        reverses: None,
        reason: None,
        postings,
    })? {
        PostOutcome::Posted { voucher, .. } | PostOutcome::AlreadyPosted { voucher } => voucher,
    };
    let dividend = Dividend {
        project: project.id.clone(),
        year,
        date: new.date,
        amount: new.amount,
        rent: new.rent,
        upkeep: new.upkeep,
        voucher,
        excess: excess.as_ref().map_or(Amount::ZERO, |(_, a)| *a),
        excess_fund: excess.map(|(f, _)| f.id),
    };
    w.insert_dividend(&dividend)?;
    Ok(RecordedDividend {
        project,
        dividend,
        to,
    })
}

/// One line of the expected-vs-received report: a project in a year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportLine {
    pub year: i32,
    pub project: Project,
    pub expected: Amount,
    /// Dividends received in the year (0 when none).
    pub count: i64,
    pub received: Amount,
    pub rent: Amount,
    pub upkeep: Amount,
}

impl ReportLine {
    pub fn net(&self) -> Amount {
        self.received - self.rent - self.upkeep
    }

    /// received − expected: negative when a project paid less than expected.
    pub fn difference(&self) -> Amount {
        self.received - self.expected
    }
}

/// Expected against received income, per project and year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DividendReport {
    pub year: Option<i32>,
    pub lines: Vec<ReportLine>,
}

/// Every project for `year` (or for each year that has dividends when `None`), with what it
/// was expected to pay and what it paid. A project with no dividend shows 0.00 received.
pub fn report(ledger: &Ledger, year: Option<i32>) -> Result<DividendReport> {
    let projects = ledger.projects()?;
    let totals = ledger.dividend_totals(year)?;
    let years: BTreeSet<i32> = match year {
        Some(y) => [y].into(),
        None => totals.iter().map(|t| t.year).collect(),
    };
    let by_key: BTreeMap<(i32, &str), &YearTotals> = totals
        .iter()
        .map(|t| ((t.year, t.project.as_str()), t))
        .collect();
    let mut lines = Vec::new();
    for y in years {
        for p in &projects {
            let t = by_key.get(&(y, p.id.as_str()));
            lines.push(ReportLine {
                year: y,
                project: p.clone(),
                expected: p.expected(),
                count: t.map_or(0, |t| t.count),
                received: t.map_or(Amount::ZERO, |t| t.amount),
                rent: t.map_or(Amount::ZERO, |t| t.rent),
                upkeep: t.map_or(Amount::ZERO, |t| t.upkeep),
            });
        }
    }
    Ok(DividendReport { year, lines })
}

impl DividendReport {
    /// The report as a document: one row per project and year, totals at the foot.
    pub fn document(&self, lang: Lang) -> Document {
        let mut doc = Document::new(tr(
            lang,
            "产业项目收益：应收与实收",
            "Project income: expected vs received",
        ));
        doc.lang = lang;
        doc.subtitle = Some(match (self.year, lang) {
            (Some(y), Lang::Zh) => format!("{y}年"),
            (Some(y), Lang::En) => format!("year {y}"),
            (None, _) => tr(lang, "全部年度", "all years").to_string(),
        });
        let mut table = Table {
            columns: vec![
                Column::new("year", tr(lang, "年度", "Year"), Align::Right, 1),
                Column::text("project", tr(lang, "项目", "Project"), 2),
                Column::text("name", tr(lang, "项目名称", "Name"), 4),
                Column::text("owner", tr(lang, "所属", "Owner"), 2),
                Column::money("invested", tr(lang, "投资额", "Invested")),
                Column::new("rate", tr(lang, "收益率", "Rate"), Align::Right, 1),
                Column::money("expected", tr(lang, "应收", "Expected")),
                Column::money("received", tr(lang, "实收", "Received")),
                Column::money("rent", tr(lang, "土地租金", "Land rent")),
                Column::money("upkeep", tr(lang, "运维费", "Upkeep")),
                Column::money("net", tr(lang, "净收益", "Net")),
                Column::money("difference", tr(lang, "实收-应收", "Received - expected")),
            ],
            ..Default::default()
        };
        let mut sums = [Amount::ZERO; 7];
        for l in &self.lines {
            let money = [
                l.project.invested,
                l.expected,
                l.received,
                l.rent,
                l.upkeep,
                l.net(),
                l.difference(),
            ];
            for (s, m) in sums.iter_mut().zip(money) {
                *s += m;
            }
            table.rows.push(Row::new(vec![
                Cell::Int(l.year.into()),
                Cell::text(l.project.id.clone()),
                Cell::text(l.project.name.clone()),
                Cell::text(l.project.owner.clone()),
                Cell::Money(l.project.invested),
                Cell::text(l.project.rate.to_string()),
                Cell::Money(l.expected),
                Cell::Money(l.received),
                Cell::Money(l.rent),
                Cell::Money(l.upkeep),
                Cell::Money(l.net()),
                Cell::Money(l.difference()),
            ]));
        }
        let mut total = Row::new(vec![
            Cell::Empty,
            Cell::text(tr(lang, "合计", "Total")),
            Cell::Empty,
            Cell::Empty,
            Cell::Money(sums[0]),
            Cell::Empty,
            Cell::Money(sums[1]),
            Cell::Money(sums[2]),
            Cell::Money(sums[3]),
            Cell::Money(sums[4]),
            Cell::Money(sums[5]),
            Cell::Money(sums[6]),
        ]);
        total.strong = true;
        table.totals.push(total);
        doc.tables.push(table);
        if self.lines.is_empty() {
            doc.notes.push(
                tr(
                    lang,
                    "尚无项目或分红记录。",
                    "No projects or dividends recorded.",
                )
                .to_string(),
            );
        }
        doc.notes.push(
            tr(
                lang,
                "应收 = 投资额 × 收益率，四舍五入到分；净收益 = 实收 - 土地租金 - 运维费。已冲销的分红不计。",
                "Expected = invested × rate, rounded to the fen (half away from zero); net = received - land rent - upkeep. Reversed dividends are left out.",
            )
            .to_string(),
        );
        doc
    }
}

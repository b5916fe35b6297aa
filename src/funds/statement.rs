//! What a fund did over a period, from its flows (`Ledger::fund_flows`: every posting on its
//! accounts in date order, with what each spend took from money given for its purpose): what
//! it held at the start, what came in and went out, money given for a purpose kept apart,
//! spends by purpose; the same by month, quarter or year; the households and persons its
//! spends reached. `fund show` and `fund statement` print it.
//!
//! Sums are in fen as `i128`: sums of `i64` amounts cannot overflow.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::error::Result;
use crate::store::{FundFlow, Ledger};

/// Money over a period: at its start, in, out; at its end [`Part::closing`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Part {
    pub opening: i128,
    pub came: i128,
    pub went: i128,
}

impl Part {
    pub fn closing(&self) -> i128 {
        self.opening + self.came - self.went
    }
}

/// A fund over a period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Flows {
    /// The fund as a whole.
    pub whole: Part,
    /// Its unrestricted money.
    pub free: Part,
    /// Money given for each purpose (定向).
    pub given: BTreeMap<String, Part>,
    /// Spends in the period by purpose (`None`: no purpose given): count and amount.
    pub spent: BTreeMap<Option<String>, (i64, i128)>,
}

/// The fund whose flows are `flows` over `from..=to`. A credit is money in (restricted to
/// its purpose when it has one); a debit is money out, from money given for its purpose as
/// far as the walk found any, the rest unrestricted.
pub fn over(flows: &[FundFlow], from: NaiveDate, to: NaiveDate) -> Flows {
    let mut out = Flows::default();
    for f in flows {
        if f.date > to {
            break;
        }
        let before = f.date < from;
        let fen = i128::from(f.fen);
        let apply = |part: &mut Part, came: i128, went: i128| {
            if before {
                part.opening += came - went;
            } else {
                part.came += came;
                part.went += went;
            }
        };
        if f.fen < 0 {
            apply(&mut out.whole, -fen, 0);
            match &f.purpose {
                Some(p) => apply(out.given.entry(p.clone()).or_default(), -fen, 0),
                None => apply(&mut out.free, -fen, 0),
            }
        } else {
            apply(&mut out.whole, 0, fen);
            if let Some(p) = f.purpose.as_ref().filter(|_| f.from_restricted > 0) {
                apply(
                    out.given.entry(p.clone()).or_default(),
                    0,
                    f.from_restricted,
                );
            }
            apply(&mut out.free, 0, fen - f.from_restricted);
            if !before {
                let e = out.spent.entry(f.purpose.clone()).or_default();
                e.0 += 1;
                e.1 += fen;
            }
        }
    }
    out
}

/// How a statement's period is cut: by month, quarter or year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Month,
    Quarter,
    Year,
}

impl By {
    pub fn as_str(self) -> &'static str {
        match self {
            By::Month => "month",
            By::Quarter => "quarter",
            By::Year => "year",
        }
    }
}

impl std::str::FromStr for By {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<By, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "month" | "月" => Ok(By::Month),
            "quarter" | "季" | "季度" => Ok(By::Quarter),
            "year" | "年" => Ok(By::Year),
            other => Err(crate::tr!("statement-by-unknown", value = other)),
        }
    }
}

/// One period of a statement cut by [`By`]: its label (`2024-03`, `2024Q1`, `2024`) and its
/// days, clipped to the statement's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    pub label: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The months, quarters or years covering `from..=to`, the first and last clipped to it.
pub fn periods(from: NaiveDate, to: NaiveDate, by: By) -> Vec<Period> {
    let mut out = Vec::new();
    let mut start = from;
    while start <= to {
        let (y, m) = (start.year(), start.month());
        let (label, first_month, months) = match by {
            By::Month => (format!("{y}-{m:02}"), m, 1),
            By::Quarter => {
                let q = (m - 1) / 3;
                (format!("{y}Q{}", q + 1), q * 3 + 1, 3)
            }
            By::Year => (y.to_string(), 1, 12),
        };
        let next_month = first_month + months;
        let next = if next_month > 12 {
            NaiveDate::from_ymd_opt(y + 1, next_month - 12, 1)
        } else {
            NaiveDate::from_ymd_opt(y, next_month, 1)
        };
        let end = next
            .and_then(|n| n.pred_opt())
            .unwrap_or(NaiveDate::MAX)
            .min(to);
        out.push(Period {
            label,
            from: start,
            to: end,
        });
        match end.succ_opt() {
            Some(n) => start = n,
            None => break,
        }
    }
    out
}

/// A fund over one period of a statement: the fund as a whole, and its spends by purpose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodFlows {
    pub period: Period,
    pub whole: Part,
    pub spent: BTreeMap<Option<String>, i128>,
}

/// The fund whose flows are `flows` over each of `periods` (consecutive, in order): each
/// opens with what the one before closed with.
pub fn by_period(flows: &[FundFlow], periods: Vec<Period>) -> Vec<PeriodFlows> {
    let mut out: Vec<PeriodFlows> = periods
        .into_iter()
        .map(|period| PeriodFlows {
            period,
            whole: Part::default(),
            spent: BTreeMap::new(),
        })
        .collect();
    let Some(first) = out.first().map(|p| p.period.from) else {
        return out;
    };
    let mut opening = 0i128;
    let mut at = 0;
    for f in flows {
        if f.date < first {
            opening -= i128::from(f.fen);
            continue;
        }
        while at < out.len() && f.date > out[at].period.to {
            at += 1;
        }
        let Some(p) = out.get_mut(at) else { break };
        let fen = i128::from(f.fen);
        if f.fen < 0 {
            p.whole.came -= fen;
        } else {
            p.whole.went += fen;
            *p.spent.entry(f.purpose.clone()).or_default() += fen;
        }
    }
    for p in &mut out {
        p.whole.opening = opening;
        opening = p.whole.closing();
    }
    out
}

/// The households a fund's spends reached over a period, by purpose, with their persons.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reached {
    /// By purpose (`None`: spends with no purpose): households, persons.
    pub by_purpose: BTreeMap<Option<String>, (i64, i64)>,
    /// Over all purposes (a household reached for two purposes counted once).
    pub total: (i64, i64),
    /// Households named on the spends that the register does not have (counted, with no
    /// persons).
    pub unregistered: Vec<String>,
}

/// The households the spends among `flows` dated `from..=to` reached (see
/// [`Ledger::spend_households`]), by purpose, and their members as the household register in
/// force on `to` has them. A spend reversed by `to` reached no one.
pub fn reached(
    ledger: &Ledger,
    flows: &[FundFlow],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Reached> {
    let reversed: rustc_hash::FxHashSet<i64> = ledger.reversed_by(to)?.into_iter().collect();
    // The spends, and each one's purpose as an index into `purposes`.
    let mut spends: Vec<(i64, u32)> = Vec::new();
    let mut purpose_of: Vec<usize> = Vec::new();
    let mut purposes: Vec<Option<&str>> = Vec::new();
    for f in flows {
        if f.date > to {
            break;
        }
        if f.date >= from && f.fen > 0 && !reversed.contains(&f.txn) {
            let purpose = f.purpose.as_deref();
            let p = match purposes.iter().position(|x| *x == purpose) {
                Some(p) => p,
                None => {
                    purposes.push(purpose);
                    purposes.len() - 1
                }
            };
            spends.push((f.txn, f.line));
            purpose_of.push(p);
        }
    }
    let found = ledger.spend_households(&spends)?;
    let names = found.names;
    let mut out = Reached::default();
    if names.is_empty() {
        return Ok(out);
    }
    // Whether each purpose reached each household, and any purpose.
    let n = names.len();
    let mut reached_by = vec![false; (purposes.len() + 1) * n];
    for (spend, household) in found.reached {
        let h = household as usize;
        reached_by[purpose_of[spend as usize] * n + h] = true;
        reached_by[purposes.len() * n + h] = true;
    }
    let ids: rustc_hash::FxHashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let mut members: Vec<Option<i64>> = vec![None; n];
    for h in ledger.households_on(to)? {
        if let Some(&id) = ids.get(h.id.as_str()) {
            members[id] = Some(i64::from(h.members));
        }
    }
    let count = |p: usize| -> (i64, i64) {
        let row = &reached_by[p * n..(p + 1) * n];
        let households = row.iter().filter(|r| **r).count() as i64;
        let persons = row
            .iter()
            .zip(&members)
            .filter(|(r, _)| **r)
            .filter_map(|(_, m)| *m)
            .sum();
        (households, persons)
    };
    for (p, purpose) in purposes.iter().enumerate() {
        let c = count(p);
        if c.0 > 0 {
            out.by_purpose.insert(purpose.map(str::to_string), c);
        }
    }
    out.total = count(purposes.len());
    out.unregistered = names
        .iter()
        .zip(&members)
        .filter(|(_, m)| m.is_none())
        .map(|(n, _)| n.clone())
        .collect();
    out.unregistered.sort();
    Ok(out)
}

/// The fund year that `date` falls in, for a fund whose year starts on `starts` (month, day;
/// none: the calendar year). The 6·30 year 2024 runs from 2024-06-01 to 2025-05-31.
pub fn fund_year_of(starts: Option<(u32, u32)>, date: NaiveDate) -> i32 {
    match starts {
        Some(start) if (date.month(), date.day()) < start => date.year() - 1,
        _ => date.year(),
    }
}

/// The share of `budget` that `actual` used, in percent, rounded to two places (half away
/// from zero); `None` for a budget of nothing.
pub fn share_used(actual: i128, budget: i128) -> Option<rust_decimal::Decimal> {
    use rust_decimal::{Decimal, RoundingStrategy};
    if budget == 0 {
        return None;
    }
    let actual = Decimal::try_from_i128_with_scale(actual, 0).ok()?;
    let budget = Decimal::try_from_i128_with_scale(budget, 0).ok()?;
    let mut share = (actual * Decimal::ONE_HUNDRED)
        .checked_div(budget)?
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    share.rescale(2);
    Some(share)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn flow(date: NaiveDate, fen: i64, purpose: Option<&str>) -> FundFlow {
        FundFlow {
            date,
            txn: 1,
            line: 0,
            fen,
            purpose: purpose.map(str::to_string),
            from_restricted: 0,
        }
    }

    #[test]
    fn periods_cover_the_statement_clipped_at_both_ends() {
        let q = periods(d(2024, 2, 10), d(2024, 11, 5), By::Quarter);
        let labels: Vec<_> = q.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]);
        assert_eq!((q[0].from, q[0].to), (d(2024, 2, 10), d(2024, 3, 31)));
        assert_eq!((q[3].from, q[3].to), (d(2024, 10, 1), d(2024, 11, 5)));
        let m = periods(d(2024, 11, 1), d(2025, 2, 28), By::Month);
        let labels: Vec<_> = m.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2024-11", "2024-12", "2025-01", "2025-02"]);
        let y = periods(d(2024, 6, 1), d(2025, 5, 31), By::Year);
        assert_eq!(y.len(), 2);
        assert_eq!((y[1].from, y[1].to), (d(2025, 1, 1), d(2025, 5, 31)));
    }

    #[test]
    fn each_period_opens_with_what_the_last_closed_with() {
        let flows = [
            flow(d(2023, 12, 1), -10_000, None),
            flow(d(2024, 1, 5), -50_000, None),
            flow(d(2024, 2, 1), 2_000, Some("就业补贴")),
            flow(d(2024, 5, 1), 3_000, Some("贴息")),
            flow(d(2025, 1, 1), 1, None),
        ];
        let p = by_period(&flows, periods(d(2024, 1, 1), d(2024, 12, 31), By::Quarter));
        assert_eq!(p.len(), 4);
        assert_eq!(
            p[0].whole,
            Part {
                opening: 10_000,
                came: 50_000,
                went: 2_000
            }
        );
        assert_eq!(p[1].whole.opening, 58_000);
        assert_eq!(p[1].whole.closing(), 55_000);
        assert_eq!(p[3].whole.closing(), 55_000);
        assert_eq!(p[1].spent.get(&Some("贴息".to_string())), Some(&3_000));
        let whole = over(&flows, d(2024, 1, 1), d(2024, 12, 31));
        assert_eq!(whole.whole.closing(), p[3].whole.closing());
    }

    #[test]
    fn shares_are_exact_to_two_places() {
        assert_eq!(share_used(1, 3).unwrap().to_string(), "33.33");
        assert_eq!(share_used(2, 3).unwrap().to_string(), "66.67");
        assert_eq!(share_used(0, 5).unwrap().to_string(), "0.00");
        assert_eq!(share_used(150, 100).unwrap().to_string(), "150.00");
        assert_eq!(share_used(1, 8).unwrap().to_string(), "12.50");
        assert_eq!(share_used(5, 0), None);
    }

    #[test]
    fn fund_years() {
        assert_eq!(fund_year_of(Some((6, 1)), d(2025, 5, 31)), 2024);
        assert_eq!(fund_year_of(Some((6, 1)), d(2025, 6, 1)), 2025);
        assert_eq!(fund_year_of(None, d(2025, 1, 1)), 2025);
    }
}

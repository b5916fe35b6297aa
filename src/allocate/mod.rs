//! The allocation engine: divide a pool among monitored households, tilted toward the poorest
//! and never split equally (严禁简单平均分配).
//!
//! [`plan`] takes a [`Policy`] (TOML, kept with the run as exact text and SHA-256), the year, the
//! pool and the candidate households, and returns a [`Plan`]: one line per candidate, either
//! eligible with its share or excluded with the reason. Steps:
//!
//! 1. **Eligibility.** Households listed under `[[exclude]]` are out with the policy's reason;
//!    then a category not listed in `[categories]` and a risk level not listed in
//!    `[risk_levels]` exclude a household with an automatic reason.
//! 2. **Fixed items** (e.g. 防贫保 400 yuan per member) are taken off the pool first and given
//!    exactly.
//! 3. **Weights.** `base + members × per_member + max(0, line − income) × members × gap_factor`,
//!    times the multipliers for category, risk level, no labour capacity and illness/disability.
//!    The monitoring line is the policy's line for the run's year. All exact: money in fen,
//!    factors as decimals turned into scaled integers.
//! 4. **Refusal of equal splits.** If every eligible household would carry the same weight, the
//!    plan is refused — unless the households' data, as the policy reads them, are identical
//!    (then equal shares are fair and a note says so). A plan whose floor or cap would flatten
//!    every share to the same amount is refused too.
//! 5. **Apportionment** ([`apportion()`]): floor and cap per household (on the weighted share;
//!    fixed items come on top), the rest by weight in integer fen with the largest-remainder
//!    method, ties to the lower household id. Shares add up to the pool to the fen, whatever the
//!    input order.

pub mod apportion;
pub mod calendar;
pub mod policy;
pub mod run;

use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde::Serialize;

pub use apportion::{apportion, ApportionError, Bound, Share};
pub use policy::{FixedItem, Policy};

use crate::error::{Error, Result};
use crate::money::Amount;

/// A household that may share the pool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub id: String,
    pub village: String,
    pub members: u32,
    /// Per-capita annual net income 人均纯收入.
    pub per_capita_income: Amount,
    /// 脱贫不稳定户 / 边缘易致贫户 / 突发严重困难户 / 关注户, or "" when none.
    pub category: String,
    /// Free text as the town uses it: 红/黄/蓝, 高/中/低 …
    pub risk_level: String,
    /// Risk causes such as 因病, 因残, 因学.
    pub risk_causes: Vec<String>,
    /// "full" | "weak" | "none" (also 有劳动能力 / 弱劳动能力 / 无劳动能力).
    pub labour: String,
}

/// Largest household size accepted.
pub const MAX_MEMBERS: u32 = 99;

/// The multipliers applied to a household's weight; 1 where one does not apply. Serialized as
/// exact decimal strings ("1.3").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Multipliers {
    #[serde(serialize_with = "decimal_str")]
    pub category: Decimal,
    #[serde(serialize_with = "decimal_str")]
    pub risk_level: Decimal,
    #[serde(serialize_with = "decimal_str")]
    pub no_labour: Decimal,
    #[serde(serialize_with = "decimal_str")]
    pub illness_disability: Decimal,
}

fn decimal_str<S: serde::Serializer>(d: &Decimal, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.collect_str(d)
}

/// How a household's weight was built. Decimal values are exact strings in yuan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WeightParts {
    pub base: Amount,
    pub members: u32,
    pub per_member: Amount,
    /// members × per_member.
    pub members_part: Amount,
    /// The monitoring line used (yuan per person per year).
    pub line: Amount,
    /// max(0, line − per-capita income), per person.
    pub income_gap: Amount,
    #[serde(serialize_with = "decimal_str")]
    pub gap_factor: Decimal,
    /// income_gap × members × gap_factor.
    pub gap_part: String,
    /// base + members_part + gap_part.
    pub subtotal: String,
    pub multipliers: Multipliers,
    /// subtotal × every multiplier.
    pub weight: String,
}

/// A fixed item given to one household.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FixedShare {
    pub name: String,
    pub amount: Amount,
}

/// One candidate's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanLine {
    pub household: String,
    pub village: String,
    pub members: u32,
    pub category: String,
    pub risk_level: String,
    /// The reason when the household does not take part; `None` when eligible.
    pub excluded: Option<String>,
    /// `None` when excluded.
    pub weight: Option<WeightParts>,
    /// Whether the share is proportional or held at the floor or the cap.
    pub bound: Option<Bound>,
    /// Exact quota in yuan, 6 decimals (rounded half away from zero for display).
    pub quota: Option<String>,
    /// Exact quota in fen as a reduced fraction "numerator/denominator".
    pub quota_fen: Option<String>,
    /// The weighted share, rounded to the fen.
    pub share: Amount,
    /// share − quota in yuan, 6 decimals.
    pub residual: Option<String>,
    /// Fixed items, paid exactly.
    pub fixed: Vec<FixedShare>,
    /// share + fixed items.
    pub total: Amount,
    /// One line in Chinese: how the weight was built (or why the household is excluded).
    pub explanation: String,
}

/// The result of [`plan`]. `lines` are ordered by household id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub year: i32,
    pub pool: Amount,
    /// The monitoring line used.
    pub line: Amount,
    pub fixed_total: Amount,
    /// pool − fixed_total: what was divided by weight.
    pub apportioned: Amount,
    pub policy_name: String,
    pub policy_source: String,
    pub policy_sha256: String,
    /// Sum of the eligible households' weights (exact decimal).
    pub total_weight: String,
    pub eligible: usize,
    pub excluded: usize,
    pub at_floor: usize,
    pub at_cap: usize,
    pub lines: Vec<PlanLine>,
    /// Remarks worth showing with the plan (unmatched exclusions, identical households …).
    pub notes: Vec<String>,
}

/// Turn a scaled integer into an exact decimal string without trailing zeros: (12345, 2) → "123.45".
fn scaled_str(v: i128, scale: u32) -> String {
    let mut s = String::with_capacity(24);
    if v < 0 {
        s.push('-');
    }
    let a = v.unsigned_abs();
    let p = 10u128.pow(scale);
    push_int(&mut s, a / p);
    let mut frac = a % p;
    if frac != 0 {
        let mut width = scale as usize;
        while frac.is_multiple_of(10) {
            frac /= 10;
            width -= 1;
        }
        let _ = write!(s, ".{:0width$}", Small(frac));
    }
    s
}

/// Formats a `u128` through `u64` when it fits (the common case, and much faster).
struct Small(u128);

impl std::fmt::Display for Small {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match u64::try_from(self.0) {
            Ok(v) => std::fmt::Display::fmt(&v, f),
            Err(_) => std::fmt::Display::fmt(&self.0, f),
        }
    }
}

fn push_int(s: &mut String, v: u128) {
    let _ = write!(s, "{}", Small(v));
}

/// Yuan for display in explanations: whole yuan without decimals, otherwise two.
struct Yuan(Amount);

impl std::fmt::Display for Yuan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.fen() % 100 == 0 {
            write!(f, "{}", self.0.fen() / 100)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

fn yuan(a: Amount) -> String {
    Yuan(a).to_string()
}

/// A fen fraction `num / den` as yuan with 6 decimals, rounded half away from zero.
fn yuan6(num: i128, den: i128) -> String {
    let neg = num < 0;
    let a = num.unsigned_abs();
    let d = den.unsigned_abs();
    // fen with 4 more decimals
    let whole = a / d;
    let rem = a % d;
    let frac = (rem * 10_000 + d / 2) / d;
    let v = whole * 10_000 + frac;
    let sign = if neg && v != 0 { "-" } else { "" };
    format!("{sign}{}.{:06}", Small(v / 1_000_000), Small(v % 1_000_000))
}

/// A fraction of fen as "numerator/denominator".
fn fraction(num: i128, den: i128) -> String {
    let mut s = String::with_capacity(24);
    if num < 0 {
        s.push('-');
    }
    let _ = write!(
        s,
        "{}/{}",
        Small(num.unsigned_abs()),
        Small(den.unsigned_abs())
    );
    s
}

/// Decimal → (mantissa, scale) with the scale raised to `scale`.
fn at_scale(d: Decimal, scale: u32) -> i128 {
    let d = d.normalize();
    d.mantissa() * 10i128.pow(scale - d.scale())
}

fn max_scale<'a>(ds: impl Iterator<Item = &'a Decimal>) -> u32 {
    ds.map(|d| d.normalize().scale()).max().unwrap_or(0)
}

fn no_labour(labour: &str) -> Option<bool> {
    let t = labour.trim();
    if t.eq_ignore_ascii_case("none") || matches!(t, "无" | "无劳动能力" | "丧失劳动能力")
    {
        Some(true)
    } else if t.is_empty()
        || t.eq_ignore_ascii_case("full")
        || t.eq_ignore_ascii_case("weak")
        || matches!(t, "有" | "弱" | "有劳动能力" | "弱劳动能力" | "半劳动能力")
    {
        Some(false)
    } else {
        None
    }
}

/// "因病", "因残" or "因病、因残" when the causes contain them.
fn illness_label(causes: &[String]) -> Option<&'static str> {
    let ill = causes.iter().any(|c| c.contains("因病"));
    let dis = causes.iter().any(|c| c.contains("因残"));
    match (ill, dis) {
        (true, true) => Some("因病、因残"),
        (true, false) => Some("因病"),
        (false, true) => Some("因残"),
        (false, false) => None,
    }
}

/// A policy factor ready for use: the scaled integer and its text for display.
struct Factor {
    value: Decimal,
    scaled: i128,
    text: String,
    is_one: bool,
}

impl Factor {
    fn new(d: Decimal, scale: u32) -> Factor {
        Factor {
            value: d.normalize(),
            scaled: at_scale(d, scale),
            text: d.normalize().to_string(),
            is_one: d == Decimal::ONE,
        }
    }
}

/// The policy's weights as scaled integers, so every weight is an exact integer at one common
/// scale `scale` (in units of 10^-scale yuan). Category and level tables are short, so they
/// are searched in order.
struct Model<'a> {
    policy: &'a Policy,
    line: Amount,
    gap: Factor,
    gap_scale: u32,
    categories: Vec<(&'a str, Factor)>,
    levels: Option<Vec<(&'a str, Factor)>>,
    no_labour: Factor,
    /// 1 at the no-labour factor's scale.
    no_labour_unit: i128,
    illness: Factor,
    illness_unit: i128,
    /// 2 (fen) + every factor scale.
    scale: u32,
}

/// What the policy reads from an eligible household. Two households with equal readings get
/// equal weights; the equal-split check compares readings.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Reading {
    members: u32,
    /// max(0, line − income) in fen.
    gap: i64,
    category: usize,
    level: Option<usize>,
    no_labour: bool,
    illness: Option<&'static str>,
}

impl<'a> Model<'a> {
    fn new(policy: &'a Policy, line: Amount) -> Model<'a> {
        let gap_scale = policy.gap_factor.normalize().scale();
        let cat_scale = max_scale(policy.categories.values());
        let level_scale = policy
            .risk_levels
            .as_ref()
            .map_or(0, |l| max_scale(l.values()));
        let no_labour_scale = policy.no_labour.normalize().scale();
        let illness_scale = policy.illness_disability.normalize().scale();
        Model {
            policy,
            line,
            gap: Factor::new(policy.gap_factor, gap_scale),
            gap_scale,
            categories: policy
                .categories
                .iter()
                .map(|(k, v)| (k.as_str(), Factor::new(*v, cat_scale)))
                .collect(),
            levels: policy.risk_levels.as_ref().map(|l| {
                l.iter()
                    .map(|(k, v)| (k.as_str(), Factor::new(*v, level_scale)))
                    .collect()
            }),
            no_labour: Factor::new(policy.no_labour, no_labour_scale),
            no_labour_unit: 10i128.pow(no_labour_scale),
            illness: Factor::new(policy.illness_disability, illness_scale),
            illness_unit: 10i128.pow(illness_scale),
            scale: 2 + gap_scale + cat_scale + level_scale + no_labour_scale + illness_scale,
        }
    }

    /// How the policy reads a household, or why the household does not take part.
    fn read(&self, c: &Candidate) -> std::result::Result<Reading, String> {
        if let Some(reason) = self.policy.exclusions.get(c.id.as_str()) {
            return Err(reason.clone());
        }
        if c.category.trim().is_empty() {
            return Err("未认定监测类别，不在本方案分配范围".to_string());
        }
        let Some(category) = self.categories.iter().position(|(k, _)| *k == c.category) else {
            return Err(format!("类别「{}」不在本方案可分配类别内", c.category));
        };
        let level = match &self.levels {
            None => None,
            Some(_) if c.risk_level.trim().is_empty() => {
                return Err("未评定风险等级，不在本方案分配范围".to_string());
            }
            Some(levels) => match levels.iter().position(|(k, _)| *k == c.risk_level) {
                Some(i) => Some(i),
                None => {
                    return Err(format!(
                        "风险等级「{}」不在本方案可分配范围内",
                        c.risk_level
                    ))
                }
            },
        };
        Ok(Reading {
            members: c.members,
            gap: (self.line.fen() - c.per_capita_income.fen()).max(0),
            category,
            level,
            no_labour: no_labour(&c.labour) == Some(true),
            illness: illness_label(&c.risk_causes),
        })
    }

    /// The exact weight at scale `self.scale`, or `None` on overflow.
    fn weight(&self, r: &Reading) -> Option<i128> {
        let p = self.policy;
        let m = i128::from(r.members);
        let fixed_part =
            i128::from(p.base.fen()).checked_add(i128::from(p.per_member.fen()).checked_mul(m)?)?;
        let money = fixed_part
            .checked_mul(10i128.pow(self.gap_scale))?
            .checked_add(
                i128::from(r.gap)
                    .checked_mul(m)?
                    .checked_mul(self.gap.scaled)?,
            )?;
        let level = match (&self.levels, r.level) {
            (Some(l), Some(i)) => l[i].1.scaled,
            _ => 1,
        };
        let nl = if r.no_labour {
            self.no_labour.scaled
        } else {
            self.no_labour_unit
        };
        let ill = if r.illness.is_some() {
            self.illness.scaled
        } else {
            self.illness_unit
        };
        money
            .checked_mul(self.categories[r.category].1.scaled)?
            .checked_mul(level)?
            .checked_mul(nl)?
            .checked_mul(ill)
    }

    /// The parts of a weight for display; the one-line explanation (without the bound) is
    /// written to `text`.
    fn explain(&self, c: &Candidate, r: &Reading, weight: i128, text: &mut String) -> WeightParts {
        let p = self.policy;
        let line = self.line;
        let gap = Amount::from_fen(r.gap);
        let members_part = Amount::from_fen(p.per_member.fen() * i64::from(r.members));
        let money_scale = 2 + self.gap_scale;
        let gap_part = i128::from(r.gap) * i128::from(r.members) * self.gap.scaled;
        let subtotal = (i128::from(p.base.fen()) + i128::from(members_part.fen()))
            * 10i128.pow(self.gap_scale)
            + gap_part;
        let subtotal_s = scaled_str(subtotal, money_scale);
        let weight_s = scaled_str(weight, self.scale);

        text.clear();
        let mut sep = "";
        if !p.base.is_zero() {
            let _ = write!(text, "基础 {}", Yuan(p.base));
            sep = " + ";
        }
        if !p.per_member.is_zero() {
            let _ = write!(text, "{sep}人口 {}×{}", r.members, Yuan(p.per_member));
            sep = " + ";
        }
        if self.gap.scaled != 0 {
            if gap.is_zero() {
                let _ = write!(
                    text,
                    "{sep}收入差距 0（人均 {} ≥ 监测线 {}）",
                    Yuan(c.per_capita_income),
                    Yuan(line)
                );
            } else {
                let _ = write!(
                    text,
                    "{sep}收入差距 ({}-{})×{}×{}",
                    Yuan(line),
                    Yuan(c.per_capita_income),
                    r.members,
                    self.gap.text
                );
            }
        }
        let _ = write!(text, " = {subtotal_s}");

        // Multipliers other than 1, in the order category, risk level, no labour, illness.
        let one = Decimal::ONE;
        let mut multipliers = Multipliers {
            category: one,
            risk_level: one,
            no_labour: one,
            illness_disability: one,
        };
        let mut sep = "；";
        let mut show = |f: &Factor, what: &dyn std::fmt::Display| {
            if !f.is_one {
                let _ = write!(text, "{sep}×{} {what}", f.text);
                sep = " ";
            }
        };
        let cat = &self.categories[r.category].1;
        multipliers.category = cat.value;
        show(cat, &c.category);
        if let (Some(levels), Some(i)) = (&self.levels, r.level) {
            multipliers.risk_level = levels[i].1.value;
            show(&levels[i].1, &format_args!("风险等级{}", c.risk_level));
        }
        if r.no_labour {
            multipliers.no_labour = self.no_labour.value;
            show(&self.no_labour, &"无劳动能力");
        }
        if let Some(label) = r.illness {
            multipliers.illness_disability = self.illness.value;
            show(&self.illness, &label);
        }
        let _ = write!(text, " → 权重 {weight_s}");

        WeightParts {
            base: p.base,
            members: r.members,
            per_member: p.per_member,
            members_part,
            line,
            income_gap: gap,
            gap_factor: self.gap.value,
            gap_part: scaled_str(gap_part, money_scale),
            subtotal: subtotal_s,
            multipliers,
            weight: weight_s,
        }
    }
}

/// An amount computed in i128 fen for a message (saturating; such sums are far below the limit).
fn big(fen: i128) -> Amount {
    Amount::from_fen(i64::try_from(fen).unwrap_or(i64::MAX))
}

fn list_some(items: &[String]) -> String {
    const SHOWN: usize = 20;
    let mut s = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if items.len() > SHOWN {
        let _ = write!(s, "; … and {} more", items.len() - SHOWN);
    }
    s
}

/// Divide `pool` for `year` among `candidates` under `policy`. See the module documentation.
pub fn plan(policy: &Policy, year: i32, pool: Amount, candidates: &[Candidate]) -> Result<Plan> {
    let division = divide(policy, year, pool, candidates)?;
    let mut lines = Vec::with_capacity(candidates.len());
    let mut plan = division.summary.clone();
    lines.extend(division.lines(0..division.len()).map(|(_, line)| line));
    plan.lines = lines;
    Ok(plan)
}

/// A plan computed to every household's share, its lines not yet written out: a large run
/// stores them a block at a time ([`Division::lines`]) instead of holding them all.
pub struct Division<'a> {
    /// Everything but the lines (`summary.lines` is empty).
    pub summary: Plan,
    candidates: &'a [Candidate],
    policy: &'a Policy,
    model: Model<'a>,
    /// Candidate indexes in household id order.
    order: Vec<usize>,
    /// By position in `order`: why the household does not take part.
    excluded: Vec<Option<String>>,
    /// The positions in `order` of the eligible households.
    eligible: Vec<usize>,
    /// By eligible household, in id order.
    readings: Vec<Reading>,
    weights: Vec<i128>,
    shares: Vec<Share>,
    fixed: Vec<Vec<FixedShare>>,
}

/// [`plan`] up to the lines: every check, weight and share.
pub fn divide<'a>(
    policy: &'a Policy,
    year: i32,
    pool: Amount,
    candidates: &'a [Candidate],
) -> Result<Division<'a>> {
    let line = policy.monitoring_line(year)?;
    if pool.fen() <= 0 {
        return Err(Error::rule(format!(
            "资金池必须大于 0 / the pool must be more than 0 (got {pool})"
        )));
    }
    let model = Model::new(policy, line);

    // Household id order: the output order and the tie-break order.
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_unstable_by(|&a, &b| candidates[a].id.cmp(&candidates[b].id));
    let mut problems = Vec::new();
    for w in order.windows(2) {
        if candidates[w[0]].id == candidates[w[1]].id {
            problems.push(crate::tr!(
                "plan-id-repeated",
                household = &candidates[w[0]].id
            ));
        }
    }

    let mut excluded: Vec<Option<String>> = Vec::with_capacity(order.len());
    let mut eligible: Vec<usize> = Vec::new(); // positions in `order`
    let mut readings: Vec<Reading> = Vec::new(); // one per eligible household
    for (pos, &i) in order.iter().enumerate() {
        let c = &candidates[i];
        if c.id.trim().is_empty() {
            problems.push(crate::tr!("plan-id-empty"));
        }
        let reading = model.read(c);
        if let Ok(r) = reading {
            if c.members == 0 || c.members > MAX_MEMBERS {
                problems.push(crate::tr!(
                    "plan-members",
                    household = &c.id,
                    members = c.members,
                    max = MAX_MEMBERS
                ));
            }
            if no_labour(&c.labour).is_none() {
                problems.push(crate::tr!(
                    "plan-labour",
                    household = &c.id,
                    labour = &c.labour
                ));
            }
            eligible.push(pos);
            readings.push(r);
        }
        excluded.push(reading.err());
    }
    if !problems.is_empty() {
        return Err(Error::rule(crate::tr!(
            "plan-bad-candidates",
            problems = list_some(&problems)
        )));
    }
    if eligible.is_empty() {
        // Why, counted by reason, the most common first.
        let mut by_reason: Vec<(usize, &str)> = Vec::new();
        let mut reasons: Vec<&str> = excluded.iter().flatten().map(String::as_str).collect();
        reasons.sort_unstable();
        for reason in reasons {
            match by_reason.last_mut() {
                Some((n, r)) if *r == reason => *n += 1,
                _ => by_reason.push((1, reason)),
            }
        }
        by_reason.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let why: Vec<String> = by_reason
            .iter()
            .map(|(n, reason)| format!("{n} 户 {reason}"))
            .collect();
        return Err(Error::rule(format!(
            "没有符合本方案条件的户 / no household is eligible under {} ({} candidates, all excluded): {}",
            policy.source_name(),
            candidates.len(),
            list_some(&why)
        )));
    }

    let mut notes = Vec::new();
    for id in policy.exclusions.keys() {
        let found = order
            .binary_search_by(|&i| candidates[i].id.as_str().cmp(id))
            .is_ok();
        if !found {
            notes.push(format!(
                "排除名单中的 {id} 不在候选户中 / excluded household {id} is not a candidate"
            ));
        }
    }

    // Fixed items first, exactly.
    let mut fixed: Vec<Vec<FixedShare>> = vec![Vec::new(); eligible.len()];
    let mut fixed_total: i64 = 0;
    for (k, &pos) in eligible.iter().enumerate() {
        let c = &candidates[order[pos]];
        for item in &policy.fixed {
            if let Some(a) = item.amount_for(c.members, &c.category) {
                fixed_total = fixed_total
                    .checked_add(a.fen())
                    .ok_or_else(|| Error::rule(crate::tr!("plan-fixed-overflow")))?;
                fixed[k].push(FixedShare {
                    name: item.name.clone(),
                    amount: a,
                });
            }
        }
    }
    let fixed_total = Amount::from_fen(fixed_total);
    if fixed_total > pool {
        return Err(Error::rule(format!(
            "固定项目合计 {} 超过资金池 {} / fixed items need {} but the pool is {}",
            fixed_total.grouped(),
            pool.grouped(),
            fixed_total.grouped(),
            pool.grouped()
        )));
    }
    let rest = pool - fixed_total;

    // Weights, exact.
    let mut weights = Vec::with_capacity(eligible.len());
    let mut total_weight: i128 = 0;
    for (&pos, r) in eligible.iter().zip(&readings) {
        let c = &candidates[order[pos]];
        let w = model
            .weight(r)
            .and_then(|w| total_weight.checked_add(w).map(|t| (w, t)));
        let Some((w, t)) = w else {
            return Err(Error::rule(crate::tr!(
                "plan-weight-too-large",
                household = &c.id
            )));
        };
        weights.push(w);
        total_weight = t;
    }

    // Equal-split refusal.
    let all_same_weight = weights.iter().all(|w| *w == weights[0]);
    if eligible.len() >= 2 && all_same_weight {
        let identical = readings.iter().all(|r| *r == readings[0]);
        if identical {
            notes.push(format!(
                "全部 {} 户的人口、收入差距、类别、风险等级、劳动能力和因病因残情况相同，按相同权重分配 / all {} eligible households have identical data, so their weights are equal",
                eligible.len(),
                eligible.len()
            ));
        } else {
            return Err(Error::rule(format!(
                "严禁简单平均分配：方案 {} 给全部 {} 户相同的权重 {}，而各户情况不同；请设置人口、收入差距或倍数，使分配向困难户倾斜 / equal split refused: the policy gives all {} eligible households the same weight {} although their data differ",
                policy.source_name(),
                eligible.len(),
                scaled_str(weights[0], model.scale),
                eligible.len(),
                scaled_str(weights[0], model.scale)
            )));
        }
    }

    // An equal amount per person is an equal split too (按人头平均): refused unless the
    // households differ in nothing but their size.
    let per_head = |w: i128, r: &Reading| {
        w.checked_mul(i128::from(readings[0].members))
            == weights[0].checked_mul(i128::from(r.members))
    };
    if eligible.len() >= 2
        && !all_same_weight
        && weights.iter().zip(&readings).all(|(w, r)| per_head(*w, r))
    {
        let same_but_size = readings.iter().all(|r| {
            Reading {
                members: readings[0].members,
                ..*r
            } == readings[0]
        });
        if !same_but_size {
            return Err(Error::rule(format!(
                "严禁简单平均分配：方案 {} 给全部 {} 户每人相同的权重，等于按人头平均分配，而各户情况不同；请设置收入差距或倍数，使分配向困难户倾斜 / equal split refused: the policy gives every person of the {} eligible households the same weight (an equal split per head) although their data differ",
                policy.source_name(),
                eligible.len(),
                eligible.len()
            )));
        }
    }

    let cap = policy.cap.map(Amount::fen);
    let shares = apportion(&weights, rest.fen(), policy.floor.fen(), cap).map_err(|e| {
        let n = eligible.len();
        match e {
            ApportionError::FloorsExceedPool { needed, .. } => Error::rule(format!(
                "资金不足以保底：保底 {} × {} 户 = {}，但可按权重分配的资金只有 {}（资金池 {} - 固定项目 {}）/ the pool cannot cover the floors: {} × {} households = {} > {}",
                yuan(policy.floor),
                n,
                big(needed).grouped(),
                rest.grouped(),
                pool.grouped(),
                fixed_total.grouped(),
                policy.floor,
                n,
                big(needed),
                rest
            )),
            ApportionError::PoolExceedsCaps { most, .. } => Error::rule(format!(
                "封顶过低：{} 户全部封顶（{}）也只能分出 {}，少于可分配资金 {}，余款不得留在村账上；请提高封顶或减少资金池 / the caps hold only {} of {}",
                n,
                yuan(policy.cap.unwrap_or_default()),
                big(most).grouped(),
                rest.grouped(),
                big(most),
                rest
            )),
            ApportionError::AllWeightsZero => Error::rule(format!(
                "本方案下全部 {n} 户权重为 0，无法按权重分配 / every eligible household has weight 0 under {}",
                policy.source_name()
            )),
            ApportionError::Overflow => Error::rule(crate::tr!("plan-weights-overflow")),
            ApportionError::NoRecipients | ApportionError::NegativeInput => {
                Error::rule(crate::tr!("plan-failed", reason = format!("{e:?}")))
            }
        }
    })?;

    if rest.is_zero() {
        notes.push(format!(
            "资金池 {} 全部用于固定项目，没有按权重分配的部分 / the whole pool goes to fixed items",
            pool.grouped()
        ));
    } else if eligible.len() >= 2
        && !all_same_weight
        && shares.iter().all(|s| s.fen == shares[0].fen)
    {
        return Err(Error::rule(format!(
            "严禁简单平均分配：按保底 {}、封顶 {} 计算后全部 {} 户都分得 {}，等于平均分配；请调整保底、封顶或资金池 / equal split refused: after the floor and cap all {} households get the same {}",
            yuan(policy.floor),
            policy.cap.map_or("无".to_string(), yuan),
            eligible.len(),
            Amount::from_fen(shares[0].fen).grouped(),
            eligible.len(),
            Amount::from_fen(shares[0].fen)
        )));
    }

    let at_floor = shares.iter().filter(|s| s.bound == Bound::Floor).count();
    let at_cap = shares.iter().filter(|s| s.bound == Bound::Cap).count();
    let distributed =
        shares.iter().map(|s| i128::from(s.fen)).sum::<i128>() + i128::from(fixed_total.fen());
    if distributed != i128::from(pool.fen()) {
        return Err(Error::rule(format!(
            "internal check failed: shares add up to {}, not the pool {pool}",
            big(distributed)
        )));
    }
    let summary = Plan {
        year,
        pool,
        line,
        fixed_total,
        apportioned: rest,
        policy_name: policy.name().to_string(),
        policy_source: policy.source_name().to_string(),
        policy_sha256: policy.sha256().to_string(),
        total_weight: scaled_str(total_weight, model.scale),
        eligible: eligible.len(),
        excluded: order.len() - eligible.len(),
        at_floor,
        at_cap,
        lines: Vec::new(),
        notes,
    };
    Ok(Division {
        summary,
        candidates,
        policy,
        model,
        order,
        excluded,
        eligible,
        readings,
        weights,
        shares,
        fixed,
    })
}

impl Division<'_> {
    /// Households (lines) in the plan.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The lines at `positions` of household id order, each made when asked for, with the
    /// index of its household among the candidates. Several ranges may be made at once, on
    /// different threads.
    pub fn lines(
        &self,
        positions: std::ops::Range<usize>,
    ) -> impl Iterator<Item = (usize, PlanLine)> + '_ {
        // Index into readings / weights / shares / fixed: eligible households before the range.
        let mut k = self.eligible.partition_point(|&p| p < positions.start);
        let mut text = String::with_capacity(512); // reused for each explanation
        let (candidates, policy, model) = (self.candidates, self.policy, &self.model);
        positions.map(move |pos| {
            let i = self.order[pos];
            let c = &candidates[i];
            let mut line_out = PlanLine {
                household: c.id.clone(),
                village: c.village.clone(),
                members: c.members,
                category: c.category.clone(),
                risk_level: c.risk_level.clone(),
                excluded: None,
                weight: None,
                bound: None,
                quota: None,
                quota_fen: None,
                share: Amount::ZERO,
                residual: None,
                fixed: Vec::new(),
                total: Amount::ZERO,
                explanation: String::new(),
            };
            if let Some(reason) = &self.excluded[pos] {
                line_out.explanation = format!("不参与分配：{reason}");
                line_out.excluded = Some(reason.clone());
                return (i, line_out);
            }
            let s = self.shares[k];
            let parts = model.explain(c, &self.readings[k], self.weights[k], &mut text);
            match s.bound {
                Bound::Floor => {
                    let _ = write!(text, "；保底 {}", Yuan(policy.floor));
                }
                Bound::Cap => {
                    let _ = write!(text, "；封顶 {}", Yuan(policy.cap.unwrap_or_default()));
                }
                Bound::Proportional => {}
            }
            let share = Amount::from_fen(s.fen);
            let fixed = self.fixed[k].clone();
            let fixed_sum: Amount = fixed.iter().map(|f| f.amount).sum();
            line_out.weight = Some(parts);
            line_out.bound = Some(s.bound);
            line_out.quota = Some(yuan6(s.quota_num, s.quota_den));
            line_out.quota_fen = Some(fraction(s.quota_num, s.quota_den));
            line_out.residual = Some(yuan6(
                i128::from(s.fen) * s.quota_den - s.quota_num,
                s.quota_den,
            ));
            line_out.share = share;
            line_out.fixed = fixed;
            line_out.total = share + fixed_sum;
            line_out.explanation = text.as_str().to_owned();
            k += 1;
            (i, line_out)
        })
    }
}

#[cfg(test)]
mod tests;

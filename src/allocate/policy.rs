//! The allocation policy: a TOML file that says who may share a pool and how much weight each
//! household carries. The policy is kept with every run as its exact text and SHA-256 hash, so
//! a run can be repeated years later with the same rules.
//!
//! ```toml
//! name = "程村镇 2024 年动态帮扶资金分配方案"
//!
//! [lines]                      # monitoring line per person per year, by year
//! 2024 = "7000"
//!
//! [weights]                    # base + members × per_member + gap × members × gap_factor
//! base = "500"
//! per_member = "300"
//! gap_factor = "0.5"           # gap = max(0, line − per-capita income)
//!
//! [multipliers]
//! no_labour = "1.3"            # labour == "none"
//! illness_disability = "1.2"   # risk causes contain 因病 or 因残
//!
//! [categories]                 # eligible categories and their multipliers
//! "突发严重困难户" = "1.6"
//! "脱贫不稳定户" = "1.4"
//!
//! [risk_levels]                # eligible risk levels and their multipliers (optional table)
//! "红" = "1.5"
//!
//! [limits]                     # per household, on the weighted share (fixed items not counted)
//! floor = "1000"
//! cap = "30000"
//!
//! [[fixed]]                    # taken off the pool first, paid exactly
//! name = "防贫保"
//! per_member = "400"
//!
//! [[exclude]]
//! household = "H0007"
//! reason = "风险已消除"
//!
//! [calendar]                   # optional: days off and days worked beyond the State
//! holidays = ["2025-01-02"]    # Council's calendar, which is built in (2024–2026)
//! workdays = []
//!
//! [notice]                     # optional: the complaint line on the public notice
//! phone = "0662-5550123（镇农办）"
//! ```
//!
//! Money is written as a string (`"1,000.50"`) or a whole number of yuan (`1000`); factors as a
//! string (`"1.3"`) or a whole number. TOML floats (`1.3` unquoted) are refused, because their
//! value is not exact.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::error::{Error, Result, RowError};
use crate::money::Amount;

pub use super::calendar::Calendar;

/// Most decimal places accepted in a factor; keeps the exact integer arithmetic well in range.
pub const MAX_FACTOR_DECIMALS: u32 = 4;
/// Largest multiplier or gap factor accepted.
pub const MAX_FACTOR: i64 = 100;
/// Largest amount accepted for a money setting or a monitoring line (100 million yuan).
const MAX_SETTING_FEN: i64 = 10_000_000_000;
/// The longest complaint line a notice prints (`[notice] phone`).
const NOTICE_PHONE_MAX: usize = 100;

/// A fixed item, paid exactly to every eligible household (or to the listed categories).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixedItem {
    pub name: String,
    pub per_household: Amount,
    pub per_member: Amount,
    /// Only households of these categories; empty means every eligible household.
    pub categories: Vec<String>,
}

impl FixedItem {
    /// What one household of `members` people and `category` receives from this item.
    pub fn amount_for(&self, members: u32, category: &str) -> Option<Amount> {
        if !self.categories.is_empty() && !self.categories.iter().any(|c| c == category) {
            return None;
        }
        let fen = self
            .per_member
            .fen()
            .checked_mul(i64::from(members))?
            .checked_add(self.per_household.fen())?;
        Some(Amount::from_fen(fen))
    }
}

/// A parsed, checked allocation policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    source_name: String,
    text: String,
    sha256: String,
    name: String,
    lines: BTreeMap<i32, Amount>,
    lines_line: u64,
    pub(crate) base: Amount,
    pub(crate) per_member: Amount,
    pub(crate) gap_factor: Decimal,
    pub(crate) no_labour: Decimal,
    pub(crate) illness_disability: Decimal,
    pub(crate) categories: BTreeMap<String, Decimal>,
    /// `None`: every risk level is eligible, with multiplier 1.
    pub(crate) risk_levels: Option<BTreeMap<String, Decimal>>,
    pub(crate) floor: Amount,
    pub(crate) cap: Option<Amount>,
    pub(crate) fixed: Vec<FixedItem>,
    pub(crate) exclusions: BTreeMap<String, String>,
    pub(crate) calendar: Calendar,
    /// The complaint line printed on the public notice (`[notice] phone`, 监督电话).
    pub(crate) notice_phone: Option<String>,
}

impl Policy {
    /// The complaint line (监督电话) the public notice prints, if the policy gives one.
    pub fn notice_phone(&self) -> Option<&str> {
        self.notice_phone.as_deref()
    }

    /// The working-day calendar of the notice period.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// Parse and check a policy. `source_name` (usually the file name) is used in error
    /// messages, which name the line and the key: `policy-2024.toml:12: [limits] floor: …`.
    pub fn from_toml_str(text: &str, source_name: &str) -> Result<Policy> {
        let raw: RawPolicy = toml::from_str(text).map_err(|e| {
            let (line, place) = match e.span() {
                Some(span) => locate(text, span.start),
                None => (0, String::new()),
            };
            let mut reason = format!("{place}{}", toml_reason(e.message().trim_end()));
            if reason.contains("invalid unquoted key") {
                reason.push(' ');
                reason.push_str(&crate::tr!("policy-quote-names"));
            }
            Error::Input(vec![RowError::new(source_name, line, reason)])
        })?;
        let mut errors = Vec::new();
        let policy = check(raw, text, source_name, &mut errors);
        if errors.is_empty() {
            Ok(policy)
        } else {
            errors.sort_by_key(|e: &RowError| e.line);
            Err(Error::Input(errors))
        }
    }

    /// The name the policy was read from (file name).
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// The exact policy text, to be stored with a run.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// SHA-256 of the exact text (UTF-8 bytes), lowercase hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The policy's title (`name = …`, or the source name when absent).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The monitoring line (yuan per person per year) for `year`; a year without a line is an
    /// error naming the policy file.
    pub fn monitoring_line(&self, year: i32) -> Result<Amount> {
        self.lines.get(&year).copied().ok_or_else(|| {
            let years: Vec<String> = self.lines.keys().map(i32::to_string).collect();
            Error::Input(vec![RowError::new(
                &self.source_name,
                self.lines_line,
                crate::tr!(
                    "policy-no-line-for-year",
                    year = year.to_string(),
                    years = years.join(", ")
                ),
            )])
        })
    }

    /// Every year with a monitoring line.
    pub fn lines(&self) -> &BTreeMap<i32, Amount> {
        &self.lines
    }

    pub fn floor(&self) -> Amount {
        self.floor
    }

    pub fn cap(&self) -> Option<Amount> {
        self.cap
    }

    pub fn fixed_items(&self) -> &[FixedItem] {
        &self.fixed
    }

    /// Households excluded by name, with the reason.
    pub fn exclusions(&self) -> &BTreeMap<String, String> {
        &self.exclusions
    }
}

/// 1-based line of byte `offset`, and a `[table] key: ` prefix found by looking at the source:
/// the key on that line (text before `=`) and the nearest table header above it.
pub(crate) fn locate(text: &str, offset: usize) -> (u64, String) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line_no = before.matches('\n').count() as u64 + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text[start..end].trim();
    let key = if line.starts_with('[') {
        None
    } else {
        line.split_once('=')
            .map(|(k, _)| k.trim().trim_matches('"').trim_matches('\'').to_string())
    };
    let table = text[..start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.split('#').next().unwrap_or(l).trim().to_string());
    let place = match (table, key) {
        (_, None) if line.starts_with('[') => {
            format!("{}: ", line.split('#').next().unwrap_or(line).trim())
        }
        (Some(t), Some(k)) => format!("{t} {k}: "),
        (None, Some(k)) => format!("{k}: "),
        _ => String::new(),
    };
    (line_no, place)
}

/// Money in the policy: a string parsed as an [`Amount`] or a whole number of yuan.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Money(pub(crate) Amount);

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(&crate::tr!("policy-amount-expected"))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Money, E> {
                Amount::parse(s).map(Money).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Money, E> {
                v.checked_mul(100)
                    .filter(|f| f.abs() <= MAX_SETTING_FEN)
                    .map(|f| Money(Amount::from_fen(f)))
                    .ok_or_else(|| E::custom(crate::tr!("policy-too-large", value = v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Money, E> {
                i64::try_from(v)
                    .map_err(|_| E::custom(crate::tr!("policy-too-large", value = v.to_string())))
                    .and_then(|v| self.visit_i64(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Money, E> {
                Err(E::custom(crate::tr!(
                    "policy-amount-decimals",
                    value = v.to_string()
                )))
            }
        }
        d.deserialize_any(V)
    }
}

/// The TOML reader's own reason, in the process language: its common wordings (a missing or
/// unknown field, a duplicate key, a value of the wrong type) have catalog messages; any other
/// is kept as the reader gave it.
pub(crate) fn toml_reason(reason: &str) -> String {
    toml_reason_in(crate::i18n::lang(), reason)
}

fn toml_reason_in(lang: crate::i18n::Lang, reason: &str) -> String {
    use crate::i18n::{message_in, Arg};
    if lang == crate::i18n::Lang::En {
        return reason.to_string();
    }
    let say = |id: &str, args: &[(&str, &str)]| {
        let args: Vec<(&str, Arg)> = args.iter().map(|(k, v)| (*k, Arg::from(*v))).collect();
        message_in(lang, id, &args)
    };
    if let Some(field) = reason.strip_prefix("missing field ") {
        return say("toml-missing-field", &[("field", field)]);
    }
    if let Some(rest) = reason.strip_prefix("unknown field ") {
        return match rest.split_once(", expected ") {
            Some((field, expected)) => say(
                "toml-unknown-field",
                &[
                    ("field", field),
                    ("expected", expected.trim_start_matches("one of ")),
                ],
            ),
            None => say("toml-unknown-field-alone", &[("field", rest)]),
        };
    }
    if let Some(rest) = reason.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return say(
                "toml-invalid-type",
                &[("found", found), ("expected", expected)],
            );
        }
    }
    if reason.starts_with("duplicate key") {
        return say("toml-duplicate-key", &[("reason", reason)]);
    }
    reason.to_string()
}

/// A factor in the policy: a string parsed as an exact decimal or a whole number.
#[derive(Clone, Copy, Debug)]
struct Factor(Decimal);

impl<'de> Deserialize<'de> for Factor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Factor;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(&crate::tr!("policy-factor-expected"))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Factor, E> {
                let t = s.trim();
                let ok = !t.is_empty()
                    && t.bytes()
                        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
                    && !t.starts_with('.')
                    && !t.ends_with('.');
                Decimal::from_str(t)
                    .ok()
                    .filter(|_| ok)
                    .map(|d| Factor(d.normalize()))
                    .ok_or_else(|| E::custom(crate::tr!("policy-factor-not-number", text = s)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Factor, E> {
                Ok(Factor(Decimal::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Factor, E> {
                Ok(Factor(Decimal::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Factor, E> {
                Err(E::custom(crate::tr!(
                    "policy-factor-quote-decimals",
                    value = v.to_string()
                )))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    name: Option<Spanned<String>>,
    lines: Spanned<BTreeMap<String, Spanned<Money>>>,
    weights: RawWeights,
    multipliers: Option<RawMultipliers>,
    categories: Spanned<BTreeMap<String, Spanned<Factor>>>,
    risk_levels: Option<Spanned<BTreeMap<String, Spanned<Factor>>>>,
    limits: Option<RawLimits>,
    #[serde(default)]
    fixed: Vec<Spanned<RawFixed>>,
    #[serde(default)]
    exclude: Vec<Spanned<RawExclude>>,
    calendar: Option<RawCalendar>,
    notice: Option<RawNotice>,
}

/// What the public notice prints beyond the run: the complaint line (监督电话).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotice {
    phone: Option<Spanned<String>>,
}

/// Days that the notice's working days skip or count against the Monday–Friday week: public
/// holidays, and the weekend days worked in their place (调休).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    #[serde(default)]
    holidays: Vec<Spanned<String>>,
    #[serde(default)]
    workdays: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeights {
    base: Spanned<Money>,
    per_member: Spanned<Money>,
    gap_factor: Spanned<Factor>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMultipliers {
    no_labour: Option<Spanned<Factor>>,
    illness_disability: Option<Spanned<Factor>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    floor: Option<Spanned<Money>>,
    cap: Option<Spanned<Money>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFixed {
    name: Spanned<String>,
    per_household: Option<Spanned<Money>>,
    per_member: Option<Spanned<Money>>,
    #[serde(default)]
    categories: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExclude {
    household: Spanned<String>,
    reason: Spanned<String>,
}

struct Checker<'a> {
    text: &'a str,
    file: &'a str,
    errors: &'a mut Vec<RowError>,
}

impl Checker<'_> {
    fn line(&self, span: Range<usize>) -> u64 {
        locate(self.text, span.start).0
    }

    fn err(&mut self, span: Range<usize>, msg: impl fmt::Display) {
        let (line, place) = locate(self.text, span.start);
        self.errors
            .push(RowError::new(self.file, line, format!("{place}{msg}")));
    }

    fn amount(&mut self, v: &Spanned<Money>, positive: bool) -> Amount {
        let a = v.get_ref().0;
        if a.is_negative() || (positive && a.is_zero()) {
            let want = crate::tr!(if positive {
                "policy-more-than-zero"
            } else {
                "policy-zero-or-more"
            });
            self.err(
                v.span(),
                crate::tr!("policy-must-be", value = a.to_string(), want = want),
            );
        } else if a.fen() > MAX_SETTING_FEN {
            self.err(
                v.span(),
                crate::tr!("policy-too-large", value = a.to_string()),
            );
        }
        a
    }

    /// A factor: `>= 0` (or `> 0` when `positive`), at most [`MAX_FACTOR`] and
    /// [`MAX_FACTOR_DECIMALS`] decimals.
    fn factor(&mut self, v: &Spanned<Factor>, positive: bool) -> Decimal {
        let d = v.get_ref().0;
        if d.is_sign_negative() && !d.is_zero() || (positive && d.is_zero()) {
            let want = crate::tr!(if positive {
                "policy-more-than-zero"
            } else {
                "policy-zero-or-more"
            });
            self.err(
                v.span(),
                crate::tr!("policy-must-be", value = d.to_string(), want = want),
            );
        } else if d > Decimal::from(MAX_FACTOR) {
            self.err(
                v.span(),
                crate::tr!(
                    "policy-factor-too-large",
                    value = d.to_string(),
                    max = MAX_FACTOR
                ),
            );
        } else if d.scale() > MAX_FACTOR_DECIMALS {
            self.err(
                v.span(),
                crate::tr!(
                    "policy-factor-decimals",
                    value = d.to_string(),
                    max = MAX_FACTOR_DECIMALS
                ),
            );
        }
        d
    }

    fn multipliers(
        &mut self,
        table: &Spanned<BTreeMap<String, Spanned<Factor>>>,
        what: &str,
    ) -> BTreeMap<String, Decimal> {
        if table.get_ref().is_empty() {
            self.err(
                table.span(),
                crate::tr!("policy-lists-none", what = crate::tr!(what)),
            );
        }
        let mut out = BTreeMap::new();
        for (k, v) in table.get_ref() {
            let d = self.factor(v, true);
            if k.trim().is_empty() || k.trim() != k {
                self.err(
                    v.span(),
                    crate::tr!("policy-name-padded", what = crate::tr!(what), name = k),
                );
            }
            out.insert(k.clone(), d);
        }
        out
    }
}

fn check(raw: RawPolicy, text: &str, file: &str, errors: &mut Vec<RowError>) -> Policy {
    let mut c = Checker { text, file, errors };

    let name = match &raw.name {
        Some(n) if n.get_ref().trim().is_empty() => {
            c.err(n.span(), crate::tr!("policy-name-empty"));
            String::new()
        }
        Some(n) => n.get_ref().trim().to_string(),
        None => file.to_string(),
    };

    let mut lines = BTreeMap::new();
    let lines_line = c.line(raw.lines.span());
    if raw.lines.get_ref().is_empty() {
        c.err(raw.lines.span(), crate::tr!("policy-no-line"));
    }
    for (year, v) in raw.lines.get_ref() {
        let amount = c.amount(v, true);
        match year.parse::<i32>() {
            Ok(y) if (1949..=2200).contains(&y) && year.len() == 4 => {
                lines.insert(y, amount);
            }
            _ => c.err(v.span(), crate::tr!("policy-not-a-year", year = year)),
        }
    }

    let base = c.amount(&raw.weights.base, false);
    let per_member = c.amount(&raw.weights.per_member, false);
    let gap_factor = c.factor(&raw.weights.gap_factor, false);
    if base.is_zero() && per_member.is_zero() && gap_factor.is_zero() {
        c.err(raw.weights.base.span(), crate::tr!("policy-no-weight"));
    }

    let one = Decimal::ONE;
    let (no_labour, illness_disability) = match &raw.multipliers {
        Some(m) => (
            m.no_labour.as_ref().map_or(one, |v| c.factor(v, true)),
            m.illness_disability
                .as_ref()
                .map_or(one, |v| c.factor(v, true)),
        ),
        None => (one, one),
    };

    let categories = c.multipliers(&raw.categories, "policy-what-category");
    let risk_levels = raw
        .risk_levels
        .as_ref()
        .map(|t| c.multipliers(t, "policy-what-risk-level"));

    let (mut floor, mut cap) = (Amount::ZERO, None);
    if let Some(l) = &raw.limits {
        if let Some(f) = &l.floor {
            floor = c.amount(f, false);
        }
        if let Some(v) = &l.cap {
            let a = c.amount(v, true);
            cap = Some(a);
            if a < floor {
                c.err(
                    v.span(),
                    crate::tr!(
                        "policy-cap-below-floor",
                        cap = a.to_string(),
                        floor = floor.to_string()
                    ),
                );
            }
        }
    }

    let mut fixed = Vec::new();
    let mut fixed_names = BTreeSet::new();
    for item in &raw.fixed {
        let r = item.get_ref();
        let name = r.name.get_ref().trim().to_string();
        if name.is_empty() {
            c.err(r.name.span(), crate::tr!("policy-fixed-no-name"));
        } else if !fixed_names.insert(name.clone()) {
            c.err(
                r.name.span(),
                crate::tr!("policy-fixed-twice", name = &name),
            );
        }
        let per_household = r
            .per_household
            .as_ref()
            .map_or(Amount::ZERO, |v| c.amount(v, false));
        let per_member = r
            .per_member
            .as_ref()
            .map_or(Amount::ZERO, |v| c.amount(v, false));
        if per_household.is_zero() && per_member.is_zero() {
            c.err(
                r.name.span(),
                crate::tr!("policy-fixed-nothing", name = &name),
            );
        }
        for cat in &r.categories {
            if !categories.contains_key(cat.get_ref()) {
                c.err(
                    cat.span(),
                    crate::tr!("policy-fixed-category", category = cat.get_ref()),
                );
            }
        }
        fixed.push(FixedItem {
            name,
            per_household,
            per_member,
            categories: r.categories.iter().map(|s| s.get_ref().clone()).collect(),
        });
    }

    let mut exclusions = BTreeMap::new();
    for ex in &raw.exclude {
        let r = ex.get_ref();
        let id = r.household.get_ref().trim().to_string();
        let reason = r.reason.get_ref().trim().to_string();
        if id.is_empty() {
            c.err(r.household.span(), crate::tr!("policy-household-empty"));
        }
        if reason.is_empty() {
            c.err(
                r.reason.span(),
                crate::tr!("policy-excluded-no-reason", household = &id),
            );
        }
        if exclusions.insert(id.clone(), reason).is_some() {
            c.err(
                r.household.span(),
                crate::tr!("policy-excluded-twice", household = &id),
            );
        }
    }

    // The State Council's calendar, with the policy's own days added.
    let (mut holidays, mut workdays) = (BTreeSet::new(), BTreeSet::new());
    if let Some(raw_calendar) = &raw.calendar {
        for (days, into, what) in [
            (&raw_calendar.holidays, &mut holidays, "holidays"),
            (&raw_calendar.workdays, &mut workdays, "workdays"),
        ] {
            for day in days {
                match crate::ledger::transaction::parse_date(day.get_ref()) {
                    Ok(d) => {
                        into.insert(d);
                    }
                    Err(reason) => c.err(
                        day.span(),
                        crate::tr!("policy-calendar-bad-day", what = what, reason = reason),
                    ),
                }
            }
        }
        for both in holidays.intersection(&workdays) {
            c.err(
                raw_calendar.workdays[0].span(),
                crate::tr!("policy-calendar-both", date = both),
            );
        }
    }

    let calendar = Calendar::state_council().with(holidays, workdays);

    let mut notice_phone = None;
    if let Some(phone) = raw.notice.as_ref().and_then(|n| n.phone.as_ref()) {
        let text = phone.get_ref().trim();
        if text.is_empty() {
            c.err(
                phone.span(),
                "[notice] phone is empty: write the complaint line, e.g. \"0662-5550123（镇农办）\", or leave the key out",
            );
        } else if let Err(reason) =
            crate::text::check_stored_text("[notice] phone", text, NOTICE_PHONE_MAX)
        {
            c.err(phone.span(), reason);
        } else {
            notice_phone = Some(text.to_string());
        }
    }

    let mut hasher = Sha256::new();
    hasher.update(text.as_bytes());
    Policy {
        source_name: file.to_string(),
        text: text.to_string(),
        sha256: hex::encode(hasher.finalize()),
        name,
        lines,
        lines_line,
        base,
        per_member,
        gap_factor,
        no_labour,
        illness_disability,
        categories,
        risk_levels,
        floor,
        cap,
        fixed,
        exclusions,
        calendar,
        notice_phone,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_toml_readers_reasons_read_in_chinese() {
        use crate::i18n::Lang;
        assert_eq!(
            toml_reason_in(Lang::Zh, "missing field `name`"),
            "缺少字段 `name`"
        );
        assert_eq!(
            toml_reason_in(
                Lang::Zh,
                "unknown field `wieghts`, expected one of `name`, `weights`"
            ),
            "未知字段 `wieghts`，应为以下之一：`name`, `weights`"
        );
        assert_eq!(
            toml_reason_in(Lang::Zh, "invalid type: integer `3`, expected a string"),
            "值的类型不对：这里是 integer `3`，应为 a string"
        );
        assert_eq!(
            toml_reason_in(Lang::En, "missing field `name`"),
            "missing field `name`"
        );
        assert_eq!(toml_reason_in(Lang::Zh, "something else"), "something else");
    }

    const GOOD: &str = r#"
name = "测试方案"
[lines]
2024 = "7000"
2023 = 6800
[weights]
base = "500"
per_member = 300
gap_factor = "0.5"
[multipliers]
no_labour = "1.3"
illness_disability = "1.2"
[categories]
"脱贫不稳定户" = "1.4"
"关注户" = 1
[risk_levels]
"红" = "1.5"
[limits]
floor = "1,000"
cap = "30000.00"
[[fixed]]
name = "防贫保"
per_member = "400"
[[exclude]]
household = "H0007"
reason = "风险已消除"
"#;

    fn input_errors(text: &str) -> Vec<RowError> {
        match Policy::from_toml_str(text, "p.toml") {
            Err(Error::Input(e)) => e,
            other => panic!("expected input errors, got {other:?}"),
        }
    }

    #[test]
    fn parses_every_part() {
        let p = Policy::from_toml_str(GOOD, "p.toml").unwrap();
        assert_eq!(p.name(), "测试方案");
        assert_eq!(p.monitoring_line(2024).unwrap(), Amount::from_yuan(7000));
        assert_eq!(p.monitoring_line(2023).unwrap(), Amount::from_yuan(6800));
        assert_eq!(p.per_member, Amount::from_yuan(300));
        assert_eq!(p.gap_factor, Decimal::new(5, 1));
        assert_eq!(p.categories["关注户"], Decimal::ONE);
        assert_eq!(p.floor(), Amount::from_yuan(1000));
        assert_eq!(p.cap(), Some(Amount::from_yuan(30000)));
        assert_eq!(
            p.fixed_items()[0].amount_for(3, "关注户"),
            Some(Amount::from_yuan(1200))
        );
        assert_eq!(p.exclusions()["H0007"], "风险已消除");
        assert_eq!(p.text(), GOOD);
        // SHA-256 of the exact bytes; one changed byte changes it.
        let mut h = Sha256::new();
        h.update(GOOD.as_bytes());
        assert_eq!(p.sha256(), hex::encode(h.finalize()));
        let other =
            Policy::from_toml_str(&GOOD.replace("测试方案", "测试方案 "), "p.toml").unwrap();
        assert_ne!(other.sha256(), p.sha256());
    }

    #[test]
    fn the_notice_phone_is_optional_and_checked_as_stored_text() {
        assert_eq!(
            Policy::from_toml_str(GOOD, "p.toml")
                .unwrap()
                .notice_phone(),
            None
        );
        let with = |phone: &str| format!("{GOOD}[notice]\nphone = \"{phone}\"\n");
        let p = Policy::from_toml_str(&with(" 0662-5550123（镇农办） "), "p.toml").unwrap();
        assert_eq!(p.notice_phone(), Some("0662-5550123（镇农办）"));
        for (phone, why) in [
            ("  ", "[notice] phone is empty"),
            ("0662\\u202E321", "[notice] phone: character 5"),
            (&"1".repeat(101), "101 characters long; at most 100"),
        ] {
            let e = input_errors(&with(phone));
            assert!(e[0].reason.contains(why), "{phone}: {:?}", e[0]);
            assert!(e[0].to_string().starts_with("p.toml:28:"), "{:?}", e[0]);
        }
        let e = input_errors(&format!("{GOOD}[notice]\nfax = \"1\"\n"));
        assert!(e[0].reason.contains("unknown field `fax`"), "{:?}", e[0]);
    }

    #[test]
    fn missing_year_names_the_file_and_line() {
        let p = Policy::from_toml_str(GOOD, "p.toml").unwrap();
        let Err(Error::Input(e)) = p.monitoring_line(2025) else {
            panic!("expected an error")
        };
        assert_eq!(e[0].file, "p.toml");
        assert_eq!(e[0].line, 3, "the [lines] header");
        assert!(
            e[0].reason.contains("2025") && e[0].reason.contains("2023, 2024"),
            "{}",
            e[0]
        );
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let e = input_errors(&GOOD.replace("floor = \"1,000\"", "floor = \"1,00.0\""));
        assert_eq!((e[0].file.as_str(), e[0].line), ("p.toml", 19));
        assert!(
            e[0].reason.starts_with("[limits] floor: "),
            "{}",
            e[0].reason
        );

        let e = input_errors(&GOOD.replace("gap_factor = \"0.5\"", "gap_factor = 0.5"));
        assert_eq!(e[0].line, 9);
        assert!(
            e[0].reason.contains("[weights] gap_factor") && e[0].reason.contains("\"0.5\""),
            "{}",
            e[0].reason
        );

        let e = input_errors(&GOOD.replace("no_labour", "no_labor"));
        assert_eq!(e[0].line, 11);
        assert!(e[0].reason.contains("no_labor"), "{}", e[0].reason);

        let e = input_errors(&GOOD.replace("2024 = \"7000\"", "2024 = \"7000\"\n24 = \"7000\""));
        assert_eq!(e[0].line, 5);
        assert!(
            e[0].reason.contains("'24' is not a year"),
            "{}",
            e[0].reason
        );

        let e = input_errors(&GOOD.replace("cap = \"30000.00\"", "cap = \"900\""));
        assert!(
            e[0].reason
                .contains("cap 900.00 is below the floor 1000.00"),
            "{}",
            e[0].reason
        );

        // Several mistakes are reported together, in line order.
        let text = GOOD
            .replace("\"1.4\"", "\"0\"")
            .replace("reason = \"风险已消除\"", "reason = \" \"");
        let e = input_errors(&text);
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].reason
                .contains("[categories] 脱贫不稳定户: 0 must be more than 0"),
            "{}",
            e[0].reason
        );
        assert!(e[1].reason.contains("without a reason"), "{}", e[1].reason);

        let e = input_errors(&GOOD.replace("\"1.3\"", "\"1.33333\""));
        assert!(
            e[0].reason.contains("more than 4 decimals"),
            "{}",
            e[0].reason
        );

        let e = input_errors(&GOOD.replace("[weights]\nbase = \"500\"\n", "[weights]\n"));
        assert!(
            e[0].reason.contains("missing field `base`"),
            "{}",
            e[0].reason
        );

        let e = input_errors(&GOOD.replace("[risk_levels]\n\"红\" = \"1.5\"", "[risk_levels]"));
        assert!(
            e[0].reason.contains("lists no risk level"),
            "{}",
            e[0].reason
        );

        let e = input_errors(&format!(
            "{GOOD}[[fixed]]\nname = \"防贫保\"\nper_member = \"1\"\n"
        ));
        assert!(e[0].reason.contains("appears twice"), "{}", e[0].reason);
    }

    #[test]
    fn risk_levels_are_optional() {
        let p = Policy::from_toml_str(
            &GOOD.replace("[risk_levels]\n\"红\" = \"1.5\"\n", ""),
            "p.toml",
        )
        .unwrap();
        assert!(p.risk_levels.is_none());
    }
}

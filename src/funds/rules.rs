//! The funds' own rules, as data (`funds.toml`, commented in Chinese, beside the ledger's
//! data): what each fund may be spent on and what never (负面清单), where the 631 fund's money
//! comes from and in what shares, how much the year should bring, when the 6·30 campaign year
//! starts, and the reserve fund's grant rules.
//!
//! A ledger keeps every rules file it was given, with its SHA-256 (`townledger fund rules
//! FILE`); the latest applies. A ledger that was given none follows the standard rules built
//! into the program ([`STANDARD_RULES`]).

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::Deserialize;
use sha2::{Digest as _, Sha256};

use crate::allocate::policy::{locate, toml_reason, Money};
use crate::error::{Error, Result, RowError};
use crate::funds::registry::{fund_named, Fund};
use crate::money::Amount;
use crate::text::{check_stored_text, NAME_MAX};

/// The rules a ledger follows until it is given its own.
pub const STANDARD_RULES: &str = include_str!("../../assets/funds/standard.toml");

/// One source of the 631 fund and its share of the year's total (省级 60%); a source may be
/// split further (本市 10% = 市级 2.5% + 县级 7.5%).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceShare {
    pub name: String,
    /// A fraction of the year's total (0.6).
    pub share: Decimal,
    pub parts: Vec<(String, Decimal)>,
}

/// One fund's rules.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FundRule {
    /// What the fund may be spent on; empty: anything not forbidden.
    pub purposes: Vec<String>,
    /// What it may never be spent on (负面清单).
    pub forbidden: Vec<String>,
    /// Where its money comes from, with shares (the 631 fund); empty: any source.
    pub sources: Vec<SourceShare>,
    /// What the year should bring in all (631: 20,000,000 in 2024).
    pub yearly_total: BTreeMap<i32, Amount>,
    /// The day (month, day) its campaign year starts (6·30: June 1).
    pub year_starts: Option<(u32, u32)>,
    /// The reserve fund's grant rules, as written (see `funds::grant`).
    pub grants: Option<toml::Table>,
}

impl FundRule {
    /// Every source a contribution may name: the sources and their parts.
    pub fn source_names(&self) -> impl Iterator<Item = &str> {
        self.sources.iter().flat_map(|s| {
            std::iter::once(s.name.as_str()).chain(s.parts.iter().map(|(n, _)| n.as_str()))
        })
    }

    /// The source `name` is, or is a part of (`市级` → `本市`).
    pub fn source_of(&self, name: &str) -> Option<&SourceShare> {
        self.sources
            .iter()
            .find(|s| s.name == name || s.parts.iter().any(|(n, _)| n == name))
    }

    /// The first day of the campaign year that `date` falls in, as that year's number (the
    /// 6·30 year 2024 runs from 2024-06-01 to 2025-05-31); the calendar year without a start.
    pub fn campaign_year(&self, date: chrono::NaiveDate) -> i32 {
        use chrono::Datelike;
        match self.year_starts {
            Some((m, d)) if (date.month(), date.day()) < (m, d) => date.year() - 1,
            _ => date.year(),
        }
    }
}

/// A checked rules file.
#[derive(Clone, Debug, PartialEq)]
pub struct FundRules {
    source: String,
    text: String,
    sha256: String,
    /// By fund id.
    funds: BTreeMap<String, FundRule>,
}

/// Why a purpose or a source is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    Forbidden,
    UnknownPurpose { known: String },
    UnknownSource { known: String },
}

impl FundRules {
    /// The standard rules (for the standard funds).
    pub fn standard(funds: &[Fund]) -> Result<FundRules> {
        FundRules::from_toml_str(STANDARD_RULES, &crate::tr!("rules-standard-name"), funds)
    }

    /// Parse and check a rules file against the registered `funds`: errors name the file,
    /// the line and the key.
    pub fn from_toml_str(text: &str, source: &str, funds: &[Fund]) -> Result<FundRules> {
        let at = |offset: usize| locate(text, offset);
        let raw: RawRules = toml::from_str(text).map_err(|e| {
            let (line, place) = e.span().map_or((0, String::new()), |s| at(s.start));
            let mut reason = format!("{place}{}", toml_reason(e.message().trim_end()));
            if reason.contains("invalid unquoted key") {
                reason.push(' ');
                reason.push_str(&crate::tr!("policy-quote-names"));
            }
            Error::Input(vec![RowError::new(source, line, reason)])
        })?;
        let mut errors = Vec::new();
        let line_of = |needle: &str| -> u64 {
            text.lines()
                .position(|l| l.contains(needle))
                .map_or(0, |i| i as u64 + 1)
        };
        let mut rules = BTreeMap::new();
        for (key, raw) in raw.fund {
            let header = format!("[fund.{key}");
            let line = line_of(&header).max(line_of(&format!("[fund.\"{key}\"")));
            let Some(fund) = fund_named(funds, &key) else {
                let known: Vec<&str> = funds.iter().map(|f| f.id.as_str()).collect();
                errors.push(RowError::new(
                    source,
                    line,
                    crate::tr!(
                        "rules-fund-unknown",
                        fund = key.as_str(),
                        known = known.join(", ")
                    ),
                ));
                continue;
            };
            match check_rule(raw) {
                Ok(rule) => {
                    if rules.insert(fund.id.clone(), rule).is_some() {
                        errors.push(RowError::new(
                            source,
                            line,
                            crate::tr!("rules-fund-twice", fund = fund.id.as_str()),
                        ));
                    }
                }
                Err(reasons) => errors.extend(
                    reasons
                        .into_iter()
                        .map(|r| RowError::new(source, line, format!("[fund.{key}] {r}"))),
                ),
            }
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.line);
            return Err(Error::Input(errors));
        }
        Ok(FundRules {
            source: source.to_string(),
            text: text.to_string(),
            sha256: hex::encode(Sha256::digest(text.as_bytes())),
            funds: rules,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The rules of the fund with id `fund`, if the file gives any.
    pub fn rule(&self, fund: &str) -> Option<&FundRule> {
        self.funds.get(fund)
    }

    /// Whether fund `fund` may be spent on `purpose`.
    pub fn check_purpose(&self, fund: &str, purpose: &str) -> std::result::Result<(), Refusal> {
        let Some(rule) = self.rule(fund) else {
            return Ok(());
        };
        if rule.forbidden.iter().any(|p| p == purpose) {
            return Err(Refusal::Forbidden);
        }
        if !rule.purposes.is_empty() && !rule.purposes.iter().any(|p| p == purpose) {
            return Err(Refusal::UnknownPurpose {
                known: rule.purposes.join("、"),
            });
        }
        Ok(())
    }

    /// Whether money of fund `fund` may come from `source`.
    pub fn check_source(&self, fund: &str, source: &str) -> std::result::Result<(), Refusal> {
        match self.rule(fund) {
            Some(rule) if !rule.sources.is_empty() && rule.source_of(source).is_none() => {
                Err(Refusal::UnknownSource {
                    known: rule.source_names().collect::<Vec<_>>().join("、"),
                })
            }
            _ => Ok(()),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    fund: BTreeMap<String, RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    #[serde(default)]
    purposes: Vec<String>,
    #[serde(default)]
    forbidden: Vec<String>,
    #[serde(default)]
    sources: Vec<RawSource>,
    #[serde(default)]
    yearly_total: BTreeMap<String, Money>,
    year_starts: Option<String>,
    grants: Option<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    name: String,
    share: Share,
    #[serde(default)]
    parts: BTreeMap<String, Share>,
}

/// A share: `"60%"`, or a fraction (`"0.6"`); never an unquoted decimal, which TOML reads
/// as inexact.
struct Share(Decimal);

impl<'de> Deserialize<'de> for Share {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Share;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(&crate::tr!("rules-share-expected"))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> std::result::Result<Share, E> {
                let t = s.trim();
                let number = |n: &str| {
                    let n = n.trim();
                    (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
                        .then(|| n.parse::<Decimal>().ok())
                        .flatten()
                };
                let parsed = match t.strip_suffix('%') {
                    Some(p) => number(p).map(|d| d / Decimal::from(100)),
                    None => number(t),
                };
                parsed
                    .filter(|d| *d <= Decimal::ONE)
                    .map(|d| Share(d.normalize()))
                    .ok_or_else(|| E::custom(crate::tr!("rules-share-bad", text = t)))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Share, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Share, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<Share, E> {
                Err(E::custom(crate::tr!(
                    "rules-share-bad",
                    text = v.to_string()
                )))
            }
        }
        d.deserialize_any(V)
    }
}

/// Check one fund's rules; the reasons found, all of them.
fn check_rule(raw: RawRule) -> std::result::Result<FundRule, Vec<String>> {
    let mut reasons = Vec::new();
    let mut names = |list: &[String], what: &str| {
        for name in list {
            if let Err(r) = check_stored_text(what, name, NAME_MAX) {
                reasons.push(r);
            }
        }
    };
    names(&raw.purposes, "purposes");
    names(&raw.forbidden, "forbidden");
    for p in &raw.forbidden {
        if raw.purposes.contains(p) {
            reasons.push(crate::tr!(
                "rules-purpose-forbidden-too",
                purpose = p.as_str()
            ));
        }
    }
    let mut sources = Vec::new();
    let mut total = Decimal::ZERO;
    for s in raw.sources {
        if let Err(r) = check_stored_text("sources", &s.name, NAME_MAX) {
            reasons.push(r);
        }
        total += s.share.0;
        let parts: Vec<(String, Decimal)> = s.parts.into_iter().map(|(n, p)| (n, p.0)).collect();
        let parts_total: Decimal = parts.iter().map(|(_, p)| *p).sum();
        if !parts.is_empty() && parts_total != s.share.0 {
            reasons.push(crate::tr!(
                "rules-parts-total",
                source = s.name.as_str(),
                parts = percent(parts_total),
                share = percent(s.share.0)
            ));
        }
        sources.push(SourceShare {
            name: s.name,
            share: s.share.0,
            parts,
        });
    }
    if !sources.is_empty() && total != Decimal::ONE {
        reasons.push(crate::tr!("rules-shares-total", total = percent(total)));
    }
    let mut yearly_total = BTreeMap::new();
    for (year, money) in raw.yearly_total {
        match year.parse::<i32>() {
            Ok(y) if (1900..=9999).contains(&y) => {
                yearly_total.insert(y, money.0);
            }
            _ => reasons.push(crate::tr!("rules-year-bad", year = year.as_str())),
        }
    }
    let year_starts = match raw.year_starts.as_deref().map(str::trim) {
        None => None,
        Some(text) => {
            match chrono::NaiveDate::parse_from_str(&format!("2000-{text}"), "%Y-%m-%d") {
                Ok(d) => {
                    use chrono::Datelike;
                    Some((d.month(), d.day()))
                }
                Err(_) => {
                    reasons.push(crate::tr!("rules-year-starts-bad", text = text));
                    None
                }
            }
        }
    };
    if let Some(table) = &raw.grants {
        match crate::funds::grant::GrantRules::from_table(table.clone()) {
            Ok(rules) => {
                if let Err(why) = rules.check() {
                    reasons.push(format!("grants: {why}"));
                }
            }
            Err(why) => reasons.push(format!("grants: {}", why.trim())),
        }
    }
    if reasons.is_empty() {
        Ok(FundRule {
            purposes: raw.purposes,
            forbidden: raw.forbidden,
            sources,
            yearly_total,
            year_starts,
            grants: raw.grants,
        })
    } else {
        Err(reasons)
    }
}

/// A fraction as a percentage: 0.025 → `2.5%`.
pub fn percent(d: Decimal) -> String {
    format!("{}%", (d * Decimal::from(100)).normalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funds::registry::STANDARD_FUNDS;

    fn funds() -> Vec<Fund> {
        STANDARD_FUNDS.iter().map(|f| f.fund()).collect()
    }

    #[test]
    fn the_standard_rules_read() {
        let rules = FundRules::standard(&funds()).unwrap();
        let r631 = rules.rule("631").unwrap();
        assert_eq!(r631.sources.len(), 3);
        assert_eq!(r631.source_of("县级").unwrap().name, "本市");
        assert_eq!(
            rules.check_purpose("631", "发放福利"),
            Err(Refusal::Forbidden)
        );
        assert!(rules.check_purpose("631", "就业补贴").is_ok());
        assert!(rules.check_source("631", "外星").is_err());
        let r630 = rules.rule("630").unwrap();
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(r630.campaign_year(d("2025-05-31")), 2024);
        assert_eq!(r630.campaign_year(d("2025-06-01")), 2025);
    }

    #[test]
    fn every_bad_fund_is_named_with_its_line() {
        let text = "[fund.631]\npurposes = [\"甲\"]\nforbidden = [\"甲\"]\n\n[fund.nope]\npurposes = []\n\n[[fund.630.sources]]\nname = \"a\"\nshare = \"50%\"\n";
        let Err(Error::Input(errors)) = FundRules::from_toml_str(text, "funds.toml", &funds())
        else {
            panic!("accepted")
        };
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert_eq!(errors[0].line, 1);
        assert_eq!(errors[1].line, 5);
        assert_eq!(errors[2].line, 8);
    }

    #[test]
    fn shares_are_exact() {
        let text = "[[fund.631.sources]]\nname = \"省级\"\nshare = \"60%\"\n[[fund.631.sources]]\nname = \"其他\"\nshare = \"0.4\"\nparts = { \"甲\" = \"2.5%\", \"乙\" = \"37.5%\" }\n";
        let rules = FundRules::from_toml_str(text, "f.toml", &funds()).unwrap();
        let r = rules.rule("631").unwrap();
        let part = |name: &str| {
            r.sources[1]
                .parts
                .iter()
                .find(|(n, _)| n == name)
                .unwrap()
                .1
        };
        assert_eq!(part("甲"), Decimal::new(25, 3));
        assert_eq!(percent(part("乙")), "37.5%");
    }
}

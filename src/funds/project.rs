//! Industry projects 产业项目 the town or a village invested poverty-alleviation money in
//! (入股), each paying a yearly dividend or rent: oyster farming, the photovoltaic plant,
//! tilapia, agarwood, a tea farm, a rented workshop.
//!
//! A project has an ASCII id (`oyster`), a Chinese name, the amount invested, the expected
//! annual rate (dividend or rent ÷ investment), its owner (the town or a village) and a kind.
//! Its income is credited to `收入:投资收益:<name>` (502 投资收益), which adding the project
//! creates. Rent from a built asset (扶贫车间) is asset income 资产收益 and goes to the same
//! account family, so one report compares every project's expected and received income.

use crate::text::{check_stored_rule, NAME_MAX};
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::ledger::account::validate_account_name;
use crate::ledger::AccountKind;
use crate::money::Amount;
use crate::store::Writer;

/// The parent of every project's income account (502 投资收益).
pub const INCOME_PARENT: &str = "收入:投资收益";

/// The owner recorded when `--owner` is not given: the town itself.
pub const TOWN_OWNER: &str = "本镇";

/// How a project pays.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProjectKind {
    /// A share of profits 分红 (oyster, photovoltaic, tilapia …).
    #[default]
    Dividend,
    /// Rent for an asset built with the money 租金 (a workshop rented out).
    Rent,
}

impl ProjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectKind::Dividend => "dividend",
            ProjectKind::Rent => "rent",
        }
    }

    /// The Chinese word used in memos: 分红 or 租金.
    pub fn chinese(self) -> &'static str {
        match self {
            ProjectKind::Dividend => "分红",
            ProjectKind::Rent => "租金",
        }
    }
}

impl fmt::Display for ProjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProjectKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_lowercase().as_str() {
            "dividend" | "分红" => Ok(ProjectKind::Dividend),
            "rent" | "租金" => Ok(ProjectKind::Rent),
            other => Err(crate::tr!("project-kind-unknown", kind = other)),
        }
    }
}

/// A project as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub invested: Amount,
    /// Expected annual income ÷ investment, 0 < rate ≤ 1.
    pub rate: Decimal,
    /// The village that owns the share, or the town ([`TOWN_OWNER`]).
    pub owner: String,
    pub kind: ProjectKind,
    /// The income account, `收入:投资收益:<name>`.
    pub account: String,
}

impl Project {
    /// The income expected in a year: invested × rate, rounded to the fen (half away from zero).
    pub fn expected(&self) -> Amount {
        expected_income(self.invested, self.rate)
    }
}

/// invested × rate, rounded to the fen, half away from zero.
pub fn expected_income(invested: Amount, rate: Decimal) -> Amount {
    invested
        .to_decimal()
        .checked_mul(rate)
        .and_then(Amount::from_decimal_rounded)
        .expect("an investment below 10^15 yuan times a rate ≤ 1 fits")
}

/// A project to add.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewProject {
    pub id: String,
    pub name: String,
    pub invested: Amount,
    pub rate: Decimal,
    /// `None`: the town.
    pub owner: Option<String>,
    pub kind: ProjectKind,
}

/// The income account of a project named `name`.
pub fn income_account(name: &str) -> String {
    format!("{INCOME_PARENT}:{name}")
}

/// A project id: 1–32 ASCII lower-case letters, digits, `-` or `_`, starting with a letter or
/// digit (`oyster`, `pv-2024`).
pub fn check_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 32
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && id.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(Error::rule(crate::tr!("project-id-invalid", id = id)))
    }
}

/// A rate or share as typed: `0.12` or `12%`. Exact decimal; no exponent, no rounding.
pub fn parse_rate(text: &str) -> std::result::Result<Decimal, String> {
    let s = text.trim();
    let (number, percent) = match s.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (s, false),
    };
    let well_formed = !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && number.bytes().filter(|&b| b == b'.').count() <= 1
        && number.bytes().any(|b| b.is_ascii_digit());
    let bad = || crate::tr!("rate-invalid", text = s);
    if !well_formed {
        return Err(bad());
    }
    let value = Decimal::from_str(number).map_err(|_| bad())?;
    Ok(if percent {
        value / Decimal::ONE_HUNDRED
    } else {
        value
    }
    .normalize())
}

/// A money argument: strict [`Amount::parse`], naming the flag in the error.
pub fn parse_money(flag: &str, text: &str) -> Result<Amount> {
    Amount::parse(text).map_err(|e| {
        Error::rule(crate::tr!(
            "option-refused",
            option = flag,
            reason = e.to_string()
        ))
    })
}

/// The error for an unknown project id, listing the known ones.
pub fn unknown_project(id: &str, known: &[String]) -> Error {
    if known.is_empty() {
        Error::NotFound(crate::tr!("project-unknown-none", id = id))
    } else {
        Error::NotFound(crate::tr!(
            "project-unknown",
            id = id,
            known = known.join(", ")
        ))
    }
}

/// Add a project and, if missing, its income account. A duplicate id or name is refused.
pub fn add_project(w: &mut Writer<'_>, new: &NewProject) -> Result<Project> {
    check_id(&new.id)?;
    check_stored_rule(&crate::tr!("project-field-name"), &new.name, NAME_MAX)?;
    if let Some(owner) = &new.owner {
        check_stored_rule(&crate::tr!("project-field-owner"), owner, NAME_MAX)?;
    }
    let name = new.name.trim();
    if name.is_empty() {
        return Err(Error::rule(crate::tr!("project-needs-name")));
    }
    if name.contains(':') {
        return Err(Error::rule(crate::tr!("project-name-colon", name = name)));
    }
    let account = income_account(name);
    validate_account_name(&account)
        .map_err(|e| Error::rule(crate::tr!("project-name-unusable", name = name, reason = e)))?;
    if new.invested <= Amount::ZERO {
        return Err(Error::rule(crate::tr!(
            "project-invested-not-positive",
            amount = new.invested.to_string()
        )));
    }
    if new.rate <= Decimal::ZERO || new.rate > Decimal::ONE {
        return Err(Error::rule(crate::tr!(
            "project-rate-range",
            rate = new.rate.to_string()
        )));
    }
    let owner = match new.owner.as_deref().map(str::trim) {
        None => TOWN_OWNER.to_string(),
        Some("") => return Err(Error::rule(crate::tr!("project-owner-empty"))),
        Some(o) => o.to_string(),
    };
    if let Some(existing) = w.project(&new.id)? {
        return Err(Error::rule(crate::tr!(
            "project-exists",
            id = &existing.id,
            name = &existing.name
        )));
    }
    if let Some(existing) = w.projects()?.into_iter().find(|p| p.name == name) {
        return Err(Error::rule(crate::tr!(
            "project-name-exists",
            name = name,
            id = &existing.id
        )));
    }
    match w.account(&account)? {
        Some(a) if a.kind != AccountKind::Income => {
            return Err(Error::rule(crate::tr!(
                "project-account-not-income",
                account = &account
            )))
        }
        Some(_) => {}
        None => {
            w.add_account(&account, AccountKind::Income, None)?;
        }
    }
    let project = Project {
        id: new.id.clone(),
        name: name.to_string(),
        invested: new.invested,
        rate: new.rate.normalize(),
        owner,
        kind: new.kind,
        account,
    };
    w.insert_project(&project)?;
    Ok(project)
}

/// What `project add` prints.
pub fn added_lines(p: &Project) -> Vec<String> {
    vec![
        crate::tr!(
            "project-added",
            id = &p.id,
            name = &p.name,
            owner = &p.owner,
            kind = crate::tr!(&format!("project-kind-{}", p.kind)),
            invested = p.invested.grouped(),
            rate = p.rate.to_string(),
            expected = p.expected().grouped()
        ),
        crate::tr!("project-income-account", account = &p.account),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        assert_eq!(parse_rate("0.12").unwrap(), Decimal::new(12, 2));
        assert_eq!(parse_rate("12%").unwrap(), Decimal::new(12, 2));
        assert_eq!(parse_rate(" 0.100 ").unwrap().to_string(), "0.1");
        for bad in ["", "1e-1", "-0.1", "abc", "0.1.2", ".", "%", "0,12"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ids() {
        for ok in ["oyster", "pv", "pv-2024", "a_b", "9"] {
            check_id(ok).unwrap();
        }
        for bad in ["", "Oyster", "程村蚝", "-x", "a b", &"x".repeat(33)] {
            assert!(check_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn expected_rounds_half_away_from_zero() {
        let r = Decimal::new(12, 2);
        assert_eq!(
            expected_income(Amount::from_yuan(1_130_000), r),
            Amount::from_yuan(135_600)
        );
        // 0.05 × 0.1 = 0.005 → 0.01
        assert_eq!(
            expected_income(Amount::from_fen(5), Decimal::new(1, 1)),
            Amount::from_fen(1)
        );
        // 0.04 × 0.1 = 0.004 → 0.00
        assert_eq!(
            expected_income(Amount::from_fen(4), Decimal::new(1, 1)),
            Amount::ZERO
        );
    }
}

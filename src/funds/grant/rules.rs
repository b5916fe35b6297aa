//! The rules of a reserve fund's grants ([`GrantRules`]), read from funds.toml ([`grant_rules`]).

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use super::Gate;
use crate::error::{Error, Result};
use crate::funds::registry::Fund;
use crate::households::Category;
use crate::money::Amount;
use crate::store::Writer;

/// The rules of a reserve fund's grants. Read from a `[fund.<id>.grants]` table (snake_case
/// keys; a key left out keeps its default), or [`GrantRules::default`].
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GrantRules {
    /// The household categories a grant may go to (Chinese names or `unstable`, `marginal`,
    /// `sudden`, `watch`).
    #[serde(deserialize_with = "categories")]
    pub categories: Vec<Category>,
    /// The causes a grant may be for (因病, 因灾 …).
    pub causes: Vec<String>,
    /// The most a grant may be, as a share of the loss: `"15%"` or `"0.15"`.
    #[serde(deserialize_with = "share")]
    pub share_of_loss: Decimal,
    /// The most one grant may be, whatever the loss (`"5000"` or `5000`).
    #[serde(deserialize_with = "money")]
    pub max_per_grant: Amount,
    /// The most one household may be paid in a calendar year (by payment date).
    #[serde(deserialize_with = "money")]
    pub max_per_household_year: Amount,
    /// The gates a grant passes, in order.
    pub gates: Vec<Gate>,
}

impl GrantRules {
    /// The rules a `[fund.<id>.grants]` table of funds.toml gives (keys left out keep their
    /// defaults).
    pub fn from_table(table: toml::Table) -> std::result::Result<GrantRules, String> {
        GrantRules::deserialize(toml::Value::Table(table)).map_err(|e| e.to_string())
    }
}

impl Default for GrantRules {
    /// The three categories; illness, disaster, accident, schooling, disability and job loss;
    /// 15% of the loss, at most 5,000.00 a grant and 10,000.00 a household a year; the three
    /// gates.
    fn default() -> GrantRules {
        GrantRules {
            categories: vec![Category::Unstable, Category::Marginal, Category::Sudden],
            causes: ["因病", "因灾", "因意外", "因学", "因残", "因失业"]
                .map(String::from)
                .to_vec(),
            share_of_loss: Decimal::new(15, 2),
            max_per_grant: Amount::from_yuan(5_000),
            max_per_household_year: Amount::from_yuan(10_000),
            gates: Gate::ALL.to_vec(),
        }
    }
}

impl GrantRules {
    /// Whether the rules make sense: some category, cause and gate, no gate twice, a share
    /// above 0 and at most 100%, caps above 0.00.
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.categories.is_empty() {
            return Err(crate::tr!("grant-rules-empty", key = "categories"));
        }
        if self.causes.iter().all(|c| c.trim().is_empty()) {
            return Err(crate::tr!("grant-rules-empty", key = "causes"));
        }
        if self.gates.is_empty() {
            return Err(crate::tr!("grant-rules-empty", key = "gates"));
        }
        for (i, g) in self.gates.iter().enumerate() {
            if self.gates[..i].contains(g) {
                return Err(crate::tr!("grant-rules-gate-twice", gate = g.as_str()));
            }
        }
        if self.share_of_loss <= Decimal::ZERO || self.share_of_loss > Decimal::ONE {
            return Err(crate::tr!(
                "grant-rules-share-range",
                share = self.share_text()
            ));
        }
        for (key, cap) in [
            ("max_per_grant", self.max_per_grant),
            ("max_per_household_year", self.max_per_household_year),
        ] {
            if cap <= Amount::ZERO || !cap.within_posting_limit() {
                return Err(crate::tr!(
                    "grant-rules-cap-range",
                    key = key,
                    cap = cap.grouped()
                ));
            }
        }
        Ok(())
    }

    /// The most a grant may be for `loss`: the share of the loss (rounded down to the fen),
    /// at most [`GrantRules::max_per_grant`].
    pub fn cap_for_loss(&self, loss: Amount) -> Amount {
        let share = (loss.to_decimal() * self.share_of_loss)
            .round_dp_with_strategy(2, RoundingStrategy::ToZero);
        Amount::from_decimal_exact(share)
            .unwrap_or(Amount::MAX)
            .min(self.max_per_grant)
    }

    /// The cause as the rules name it: `因灾` for `因灾` or `灾`; `None` when not eligible.
    pub fn cause(&self, text: &str) -> Option<&str> {
        let t = text.trim();
        self.causes
            .iter()
            .map(|c| c.trim())
            .find(|c| *c == t || c.strip_prefix('因') == Some(t))
    }

    /// The share as people write it: `15%`.
    pub fn share_text(&self) -> String {
        format!(
            "{}%",
            (self.share_of_loss * Decimal::ONE_HUNDRED).normalize()
        )
    }

    pub(super) fn categories_text(&self) -> String {
        self.categories
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }

    pub(super) fn causes_text(&self) -> String {
        self.causes.join("、")
    }
}

fn categories<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<Category>, D::Error> {
    let names = Vec::<String>::deserialize(d)?;
    names
        .iter()
        .map(|n| n.parse::<Category>().map_err(de::Error::custom))
        .collect()
}

/// `"15%"`, `"15％"` or `"0.15"`: an exact decimal, never a float.
pub fn parse_share(text: &str) -> std::result::Result<Decimal, String> {
    let t = text.trim();
    let (number, percent) = match t.strip_suffix(['%', '％']) {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let plain = !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && number.bytes().filter(|&b| b == b'.').count() <= 1
        && !number.starts_with('.')
        && !number.ends_with('.');
    let value = Decimal::from_str(number)
        .ok()
        .filter(|_| plain)
        .ok_or_else(|| crate::tr!("grant-rules-share-text", text = t))?;
    Ok(if percent {
        value / Decimal::ONE_HUNDRED
    } else {
        value
    })
}

fn share<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Decimal, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = Decimal;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(&crate::tr!("grant-rules-share-expected"))
        }
        fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Decimal, E> {
            parse_share(s).map_err(E::custom)
        }
    }
    d.deserialize_str(V)
}

fn money<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Amount, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = Amount;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(&crate::tr!("grant-rules-amount-expected"))
        }
        fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Amount, E> {
            Amount::parse(s).map_err(E::custom)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Amount, E> {
            v.checked_mul(100)
                .map(Amount::from_fen)
                .filter(|a| a.within_posting_limit())
                .ok_or_else(|| E::custom(crate::tr!("grant-rules-amount-expected")))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Amount, E> {
            i64::try_from(v)
                .map_err(|_| E::custom(crate::tr!("grant-rules-amount-expected")))
                .and_then(|v| self.visit_i64(v))
        }
    }
    d.deserialize_any(V)
}

/// The rules of `fund`'s grants. The one place they come from: every check of an
/// application, a review or a payment asks here.
pub fn grant_rules(w: &Writer<'_>, fund: &Fund) -> Result<GrantRules> {
    let book = w.fund_book_in_force()?;
    let rules = match book.rules.rule(&fund.id).and_then(|r| r.grants.clone()) {
        Some(table) => GrantRules::from_table(table).map_err(|why| {
            Error::rule(crate::tr!(
                "grant-rules-invalid",
                fund = fund.id.as_str(),
                reason = why
            ))
        })?,
        None => GrantRules::default(),
    };
    rules.check().map_err(|why| {
        Error::rule(crate::tr!(
            "grant-rules-invalid",
            fund = fund.id.as_str(),
            reason = why
        ))
    })?;
    Ok(rules)
}

/// The cap per grant: `amount` at most the rules' share of `loss`, at most their maximum.
pub(super) fn check_caps(
    rules: &GrantRules,
    amount: Amount,
    loss: Amount,
) -> std::result::Result<(), String> {
    let cap = rules.cap_for_loss(loss);
    if amount > cap {
        return Err(crate::tr!(
            "grant-cap-per-grant",
            amount = amount.grouped(),
            loss = loss.grouped(),
            share = rules.share_text(),
            max = rules.max_per_grant.grouped(),
            cap = cap.grouped()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_rules_are_the_issue_s() {
        let r = GrantRules::default();
        r.check().unwrap();
        assert_eq!(r.share_text(), "15%");
        assert_eq!(
            r.cap_for_loss(Amount::from_yuan(20_000)),
            Amount::from_yuan(3_000)
        );
        assert_eq!(
            r.cap_for_loss(Amount::from_yuan(100_000)),
            Amount::from_yuan(5_000)
        );
        // Rounded down to the fen: 15% of 0.99 is 0.1485.
        assert_eq!(r.cap_for_loss(Amount::from_fen(99)), Amount::from_fen(14));
        assert_eq!(r.cause("灾"), Some("因灾"));
        assert_eq!(r.cause(" 因病 "), Some("因病"));
        assert_eq!(r.cause("因赌"), None);
    }

    #[test]
    fn rules_read_from_toml() {
        let r: GrantRules = toml::from_str(
            r#"
            categories = ["unstable", "突发严重困难户"]
            causes = ["因病"]
            share_of_loss = "20%"
            max_per_grant = 3000
            max_per_household_year = "8,000.50"
            gates = ["village", "行业稽核"]
            "#,
        )
        .unwrap();
        assert_eq!(r.categories, vec![Category::Unstable, Category::Sudden]);
        assert_eq!(r.share_of_loss, Decimal::new(2, 1));
        assert_eq!(r.max_per_grant, Amount::from_yuan(3_000));
        assert_eq!(r.max_per_household_year, Amount::from_fen(800_050));
        assert_eq!(r.gates, vec![Gate::Village, Gate::Sector]);
        let partial: GrantRules = toml::from_str("share_of_loss = \"0.1\"").unwrap();
        assert_eq!(partial.share_of_loss, Decimal::new(1, 1));
        assert_eq!(partial.gates, Gate::ALL.to_vec());
        assert!(toml::from_str::<GrantRules>("share_of_loss = 0.15").is_err());
        assert!(toml::from_str::<GrantRules>("cap = 1").is_err());
        let twice = GrantRules {
            gates: vec![Gate::Village, Gate::Village],
            ..GrantRules::default()
        };
        assert!(twice.check().unwrap_err().contains("village"));
        let all = GrantRules {
            share_of_loss: parse_share("150%").unwrap(),
            ..GrantRules::default()
        };
        assert!(all.check().is_err());
    }

    #[test]
    fn shares_parse_exactly() {
        assert_eq!(parse_share("15%"), Ok(Decimal::new(15, 2)));
        assert_eq!(parse_share("12.5％"), Ok(Decimal::new(125, 3)));
        assert_eq!(parse_share("0.15"), Ok(Decimal::new(15, 2)));
        assert!(parse_share("1e-1").is_err());
        assert!(parse_share("-5%").is_err());
    }
}

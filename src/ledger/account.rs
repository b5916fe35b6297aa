//! Accounts: hierarchical names joined by `:`, a type, an optional code.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// The five account types of a fund ledger. The sign convention is hledger's: debits are
/// positive, credits negative, so assets and expenses normally show positive balances.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Asset,
    Liability,
    /// Net assets and funds (净资产; equity in company books).
    NetAssets,
    Income,
    Expense,
}

impl AccountKind {
    pub const ALL: [AccountKind; 5] = [
        AccountKind::Asset,
        AccountKind::Liability,
        AccountKind::NetAssets,
        AccountKind::Income,
        AccountKind::Expense,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Asset => "asset",
            AccountKind::Liability => "liability",
            AccountKind::NetAssets => "net_assets",
            AccountKind::Income => "income",
            AccountKind::Expense => "expense",
        }
    }

    /// The Chinese top-level name used by the standard chart.
    pub fn chinese(self) -> &'static str {
        match self {
            AccountKind::Asset => "资产",
            AccountKind::Liability => "负债",
            AccountKind::NetAssets => "净资产",
            AccountKind::Income => "收入",
            AccountKind::Expense => "支出",
        }
    }

    /// Beancount's root for this type.
    pub fn beancount_root(self) -> &'static str {
        match self {
            AccountKind::Asset => "Assets",
            AccountKind::Liability => "Liabilities",
            AccountKind::NetAssets => "Equity",
            AccountKind::Income => "Income",
            AccountKind::Expense => "Expenses",
        }
    }

    /// The type implied by an account name's top segment (资产, assets, 负债, liabilities, 净资产,
    /// equity, funds, 收入, income, 支出, expenses …), if any.
    pub fn from_top_segment(name: &str) -> Option<AccountKind> {
        let top = name.split(':').next().unwrap_or("").trim();
        let lower = top.to_lowercase();
        Some(match lower.as_str() {
            "资产" | "assets" | "asset" => AccountKind::Asset,
            "负债" | "liabilities" | "liability" => AccountKind::Liability,
            "净资产" | "所有者权益" | "权益" | "基金" | "equity" | "funds" | "fund"
            | "net assets" | "net_assets" => AccountKind::NetAssets,
            "收入" | "收益" | "income" | "revenue" | "revenues" => AccountKind::Income,
            "支出" | "费用" | "expenses" | "expense" => AccountKind::Expense,
            _ => return None,
        })
    }
}

impl fmt::Display for AccountKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AccountKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_lowercase();
        AccountKind::ALL
            .into_iter()
            .find(|k| k.as_str() == lower || k.chinese() == lower)
            .or_else(|| AccountKind::from_top_segment(&lower))
            .ok_or_else(|| crate::tr!("account-type-unknown", text = s))
    }
}

/// An account as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: i64,
    pub name: String,
    pub code: Option<String>,
    pub kind: AccountKind,
}

/// Check an account name: segments joined by `:`, each non-empty, no surrounding spaces, no
/// tabs, control characters or double spaces (which the journal formats would misread), no
/// invisible format character and at most [`NAME_MAX`](crate::text::NAME_MAX) characters (see
/// [`crate::text`]).
pub fn validate_account_name(name: &str) -> Result<(), String> {
    if !plainly_valid(name) {
        if name.is_empty() {
            return Err(crate::tr!("account-name-empty"));
        }
        let shown = crate::text::excerpt(name);
        for segment in name.split(':') {
            if segment.is_empty() {
                return Err(crate::tr!("account-name-empty-segment", name = &shown));
            }
            if segment.trim() != segment {
                return Err(crate::tr!("account-name-padded-segment", name = &shown));
            }
            if segment.chars().any(char::is_control) || segment.contains("  ") {
                return Err(crate::tr!("account-name-control", name = &shown));
            }
            if segment.contains(';') || segment.contains('"') {
                return Err(crate::tr!("account-name-journal-char", name = &shown));
            }
        }
    }
    let field = crate::tr!("account-name-field", name = crate::text::excerpt(name));
    crate::text::check_stored_text(&field, name, crate::text::NAME_MAX)
}

/// One pass that accepts only names the checks below would accept: no ':' at either end or
/// twice in a row, no space next to a ':' or an end or another space, no control character,
/// ';' or '"'. Anything else goes through the checks, which say what is wrong.
fn plainly_valid(name: &str) -> bool {
    let mut prev: Option<char> = None;
    for c in name.chars() {
        let boundary = prev.is_none_or(|p| p == ':');
        let suspicious = match c {
            ':' => boundary || prev.is_some_and(char::is_whitespace),
            ';' | '"' => true,
            c if c.is_control() => true,
            c if c.is_whitespace() => boundary || prev.is_some_and(char::is_whitespace),
            _ => false,
        };
        if suspicious {
            return false;
        }
        prev = Some(c);
    }
    prev.is_some_and(|p| p != ':' && !p.is_whitespace())
}

/// The parent names of an account, nearest last: `a:b:c` → [`a`, `a:b`].
pub fn ancestors(name: &str) -> impl Iterator<Item = &str> {
    name.match_indices(':').map(move |(i, _)| &name[..i])
}

/// Number of segments: `资产:银行存款` → 2.
pub fn depth(name: &str) -> usize {
    name.split(':').count()
}

/// The name cut to at most `depth` segments.
pub fn clip(name: &str, depth: usize) -> &str {
    match name.match_indices(':').nth(depth.saturating_sub(1)) {
        Some((i, _)) if depth > 0 => &name[..i],
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_top_segment() {
        assert_eq!(
            AccountKind::from_top_segment("资产:银行存款:储备金专户"),
            Some(AccountKind::Asset)
        );
        assert_eq!(
            AccountKind::from_top_segment("Expenses:Food"),
            Some(AccountKind::Expense)
        );
        assert_eq!(
            AccountKind::from_top_segment("funds:x"),
            Some(AccountKind::NetAssets)
        );
        assert_eq!(AccountKind::from_top_segment("银行"), None);
    }

    #[test]
    fn names_are_checked() {
        assert!(validate_account_name("资产:银行存款:储备金专户").is_ok());
        assert!(validate_account_name("资产::x").is_err());
        assert!(validate_account_name("资产: x").is_err());
        assert!(validate_account_name("a  b").is_err());
        assert!(validate_account_name("a\tb").is_err());
        assert!(validate_account_name("").is_err());
        for bad in [
            ":a",
            "a:",
            "a::b",
            " a",
            "a ",
            "a :b",
            "a: b",
            "a;b",
            "a\"b",
            "a\u{7}b",
            "a\tb",
            "a\u{3000}:b",
        ] {
            assert!(validate_account_name(bad).is_err(), "{bad:?}");
            assert!(!plainly_valid(bad), "{bad:?}");
        }
        for good in ["资产", "负债:应付款:农户:H000001", "a b:c d", "Assets:Bank"] {
            assert!(plainly_valid(good), "{good:?}");
        }
    }

    #[test]
    fn hierarchy_helpers() {
        let n = "资产:银行存款:储备金专户";
        assert_eq!(
            ancestors(n).collect::<Vec<_>>(),
            vec!["资产", "资产:银行存款"]
        );
        assert_eq!(depth(n), 3);
        assert_eq!(clip(n, 1), "资产");
        assert_eq!(clip(n, 2), "资产:银行存款");
        assert_eq!(clip(n, 5), n);
    }
}

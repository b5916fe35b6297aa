//! The funds the town runs, as data: each has an id and aliases (`631`; `630` / `6·30`;
//! `储备金` / `reserve` …), a name, its liability account under 241 专项应付款, the bank account
//! that holds its money (a 专户, or the 基本户 with 分账核算) and a kind. Every ledger starts
//! with the standard funds ([`STANDARD_FUNDS`]); `townledger fund add` registers more.
//!
//! Wherever a command takes a fund (`allocate plan --fund`, `tilt`, …) it names it by id, alias
//! or name, or by its account; [`fund_named`] resolves all of them against the registry.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::ledger::account::validate_account_name;
use crate::ledger::AccountKind;
use crate::store::Writer;
use crate::text::{check_stored_rule, NAME_MAX};

/// Every fund's liability account lies under this one (241 专项应付款).
pub const FUND_PARENT: &str = "负债:专项应付款";

/// Every fund's money lies in an account under this one (102 银行存款).
pub const BANK_PARENT: &str = "资产:银行存款";

/// What a fund is for: it decides the rules that apply to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FundKind {
    /// 动态帮扶资金: the yearly tilted share of project income, allocated to households.
    Dynamic,
    /// The "631" fund: province 60%, paired city 30%, supported city 10%.
    #[serde(rename = "631")]
    Fund631,
    /// Donations (the "6·30" gifts, a stipend fund): restricted by purpose or not.
    Donation,
    /// 防止返贫储备金: grants after the three-gate review.
    Reserve,
    /// 防贫保: premiums to the insurer, claims passed to households.
    Insurance,
    /// Any other special fund.
    Other,
}

impl FundKind {
    pub const ALL: [FundKind; 6] = [
        FundKind::Dynamic,
        FundKind::Fund631,
        FundKind::Donation,
        FundKind::Reserve,
        FundKind::Insurance,
        FundKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FundKind::Dynamic => "dynamic",
            FundKind::Fund631 => "631",
            FundKind::Donation => "donation",
            FundKind::Reserve => "reserve",
            FundKind::Insurance => "insurance",
            FundKind::Other => "other",
        }
    }

    /// The kind as a Chinese clerk names it.
    pub fn chinese(self) -> &'static str {
        match self {
            FundKind::Dynamic => "动态帮扶",
            FundKind::Fund631 => "631资金",
            FundKind::Donation => "捐赠",
            FundKind::Reserve => "储备金",
            FundKind::Insurance => "防贫保",
            FundKind::Other => "其他",
        }
    }
}

impl fmt::Display for FundKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FundKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let s = s.trim();
        FundKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s) || k.chinese() == s)
            .ok_or_else(|| {
                crate::tr!(
                    "fund-kind-unknown",
                    kind = s,
                    known = FundKind::ALL.map(|k| k.as_str()).join(", ")
                )
            })
    }
}

/// A registered fund.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fund {
    pub id: String,
    pub name: String,
    /// Its liability account (`负债:专项应付款:631资金`).
    pub account: String,
    /// The bank account that holds its money (`资产:银行存款:储备金专户`).
    pub bank: String,
    pub kind: FundKind,
    pub aliases: Vec<String>,
}

impl Fund {
    /// Whether `name` names this fund: its id, an alias, its name or its account.
    pub fn answers_to(&self, name: &str) -> bool {
        let name = name.trim();
        self.id == name
            || self.name == name
            || self.account == name
            || self.aliases.iter().any(|a| a == name)
    }
}

/// A fund every ledger starts with.
#[derive(Clone, Copy, Debug)]
pub struct StandardFund {
    pub id: &'static str,
    pub name: &'static str,
    pub account: &'static str,
    pub bank: &'static str,
    pub kind: FundKind,
    pub aliases: &'static [&'static str],
}

impl StandardFund {
    pub fn fund(&self) -> Fund {
        Fund {
            id: self.id.to_string(),
            name: self.name.to_string(),
            account: self.account.to_string(),
            bank: self.bank.to_string(),
            kind: self.kind,
            aliases: self.aliases.iter().map(|a| a.to_string()).collect(),
        }
    }
}

/// The standard funds every ledger starts with, in this order.
pub const STANDARD_FUNDS: [StandardFund; 5] = [
    StandardFund {
        id: "dynamic",
        name: "动态帮扶资金",
        account: "负债:专项应付款:动态帮扶",
        bank: "资产:银行存款:基本户",
        kind: FundKind::Dynamic,
        aliases: &["动态帮扶", "动态帮扶资金"],
    },
    StandardFund {
        id: "631",
        name: "631帮扶资金",
        account: "负债:专项应付款:631资金",
        bank: "资产:银行存款:631专户",
        kind: FundKind::Fund631,
        aliases: &["631资金", "fund631"],
    },
    StandardFund {
        id: "630",
        name: "6·30扶贫济困捐赠",
        account: "负债:专项应付款:6·30资金",
        bank: "资产:银行存款:基本户",
        kind: FundKind::Donation,
        aliases: &["6·30", "6.30", "6·30资金", "630资金"],
    },
    StandardFund {
        id: "reserve",
        name: "防止返贫储备金",
        account: "负债:专项应付款:防止返贫储备金",
        bank: "资产:银行存款:储备金专户",
        kind: FundKind::Reserve,
        aliases: &["储备金", "防止返贫储备金"],
    },
    StandardFund {
        id: "insurance",
        name: "防贫保",
        account: "负债:专项应付款:防贫保",
        bank: "资产:银行存款:基本户",
        kind: FundKind::Insurance,
        aliases: &["防贫保", "防贫保险"],
    },
];

/// The fund `name` names (id, alias, name or account), if any.
pub fn fund_named<'a>(funds: &'a [Fund], name: &str) -> Option<&'a Fund> {
    funds.iter().find(|f| f.answers_to(name))
}

/// The account of the fund `name` names; a name that is no fund's is taken as an account.
pub fn fund_account_in(funds: &[Fund], name: &str) -> String {
    match fund_named(funds, name) {
        Some(f) => f.account.clone(),
        None => name.trim().to_string(),
    }
}

/// A fund to register (`townledger fund add`).
#[derive(Clone, Debug)]
pub struct NewFund {
    pub id: String,
    /// The name; the id when not given.
    pub name: Option<String>,
    pub account: String,
    pub bank: String,
    pub kind: FundKind,
    pub aliases: Vec<String>,
}

/// Register a fund, creating its liability account and its bank account when they do not
/// exist yet. Refused: an id, alias or name another fund answers to, an account outside 241
/// 专项应付款 or held by another fund, a bank account outside 102 银行存款.
pub fn add_fund(w: &mut Writer<'_>, new: &NewFund) -> Result<Fund> {
    let id = new.id.trim();
    check_stored_rule(&crate::tr!("fund-field-id"), id, NAME_MAX)?;
    if id.is_empty() || id.contains(':') || id.chars().any(char::is_whitespace) {
        return Err(Error::rule(crate::tr!("fund-id-one-word", id = id)));
    }
    let name = new.name.as_deref().map(str::trim).unwrap_or(id);
    check_stored_rule(&crate::tr!("fund-field-name"), name, NAME_MAX)?;
    let mut aliases = Vec::new();
    for alias in &new.aliases {
        let alias = alias.trim();
        check_stored_rule(&crate::tr!("fund-field-alias"), alias, NAME_MAX)?;
        if !alias.is_empty() && alias != id && !aliases.iter().any(|a| a == alias) {
            aliases.push(alias.to_string());
        }
    }
    let account = new.account.trim().to_string();
    let bank = new.bank.trim().to_string();
    for (what, value, parent) in [
        ("--account", &account, FUND_PARENT),
        ("--bank", &bank, BANK_PARENT),
    ] {
        validate_account_name(value).map_err(|e| {
            Error::rule(crate::tr!(
                "fund-account-unusable",
                flag = what,
                account = value.as_str(),
                reason = e.to_string()
            ))
        })?;
        if !value
            .strip_prefix(parent)
            .is_some_and(|rest| rest.starts_with(':'))
        {
            return Err(Error::rule(crate::tr!(
                "fund-account-outside",
                flag = what,
                account = value.as_str(),
                parent = parent
            )));
        }
    }
    let funds = w.funds()?;
    for word in std::iter::once(id)
        .chain(std::iter::once(name))
        .chain(aliases.iter().map(String::as_str))
    {
        if let Some(other) = fund_named(&funds, word) {
            return Err(Error::rule(crate::tr!(
                "fund-name-taken",
                word = word,
                fund = other.id.as_str(),
                name = other.name.as_str()
            )));
        }
    }
    if let Some(other) = funds.iter().find(|f| f.account == account) {
        return Err(Error::rule(crate::tr!(
            "fund-account-taken",
            account = account.as_str(),
            fund = other.id.as_str(),
            name = other.name.as_str()
        )));
    }
    for (name, kind) in [
        (&account, AccountKind::Liability),
        (&bank, AccountKind::Asset),
    ] {
        match w.account(name)? {
            Some(a) if a.kind != kind => {
                return Err(Error::rule(crate::tr!(
                    "fund-account-wrong-kind",
                    account = name.as_str(),
                    kind = kind.as_str()
                )))
            }
            Some(_) => {}
            None => {
                w.add_account(name, kind, None)?;
            }
        }
    }
    let fund = Fund {
        id: id.to_string(),
        name: name.to_string(),
        account,
        bank,
        kind: new.kind,
        aliases,
    };
    w.insert_fund(&fund)?;
    Ok(fund)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standard() -> Vec<Fund> {
        STANDARD_FUNDS.iter().map(StandardFund::fund).collect()
    }

    #[test]
    fn funds_answer_to_ids_aliases_names_and_accounts() {
        let funds = standard();
        assert_eq!(fund_account_in(&funds, "630"), "负债:专项应付款:6·30资金");
        assert_eq!(
            fund_account_in(&funds, " 6·30 "),
            "负债:专项应付款:6·30资金"
        );
        assert_eq!(
            fund_account_in(&funds, "储备金"),
            "负债:专项应付款:防止返贫储备金"
        );
        assert_eq!(
            fund_account_in(&funds, "动态帮扶资金"),
            "负债:专项应付款:动态帮扶"
        );
        assert_eq!(
            fund_account_in(&funds, "负债:专项应付款:x"),
            "负债:专项应付款:x"
        );
        assert_eq!(
            fund_named(&funds, "防贫保").unwrap().kind,
            FundKind::Insurance
        );
        assert!(fund_named(&funds, "助学基金").is_none());
    }

    #[test]
    fn kinds_read_in_both_languages() {
        assert_eq!("631".parse::<FundKind>(), Ok(FundKind::Fund631));
        assert_eq!("捐赠".parse::<FundKind>(), Ok(FundKind::Donation));
        assert_eq!("Reserve".parse::<FundKind>(), Ok(FundKind::Reserve));
        assert!("gift".parse::<FundKind>().unwrap_err().contains("donation"));
    }
}

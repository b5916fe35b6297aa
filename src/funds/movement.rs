//! What a posting says about the fund money it moves: the fund, the purpose it is spent on
//! (用途) or a gift is restricted to (定向), the source of a 631 contribution (来源), the donor
//! of a gift (捐赠方), the project.
//!
//! A voucher file gives these as columns (`fund,purpose,source,donor` — 资金/用途/来源/捐赠方),
//! a command as flags. A row may name its fund on any posting of the voucher — the bank line,
//! the expense line — and what it says goes to the voucher's posting on that fund's account.
//! Money credited to a fund with a purpose is restricted to it: it is spent on that purpose
//! only; money without one is unrestricted (see `store::fund_rules`).

use crate::funds::registry::{fund_named, Fund};
use crate::funds::rules::{FundRules, Refusal};
use crate::money::Amount;

/// The fund columns of one posting, as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FundTag {
    /// The fund, by id, alias, name or account.
    pub fund: Option<String>,
    pub purpose: Option<String>,
    pub source: Option<String>,
    pub donor: Option<String>,
    pub project: Option<String>,
}

impl FundTag {
    pub fn is_empty(&self) -> bool {
        self.fund.is_none() && !self.says_something()
    }

    /// Whether it says more than the fund.
    fn says_something(&self) -> bool {
        self.purpose.is_some()
            || self.source.is_some()
            || self.donor.is_some()
            || self.project.is_some()
    }

    /// Fill what this tag leaves out from `other`.
    fn fill_from(&mut self, other: &FundTag) {
        for (mine, theirs) in [
            (&mut self.purpose, &other.purpose),
            (&mut self.source, &other.source),
            (&mut self.donor, &other.donor),
            (&mut self.project, &other.project),
        ] {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        }
    }
}

/// A fund movement as stored: the posting (by its line in the voucher) on a fund's account
/// and what it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Movement {
    pub line: usize,
    /// The fund's id.
    pub fund: String,
    pub purpose: Option<String>,
    pub source: Option<String>,
    pub donor: Option<String>,
    pub project: Option<String>,
}

impl Movement {
    /// The tag as the journal keeps it on the posting.
    pub fn content(&self) -> crate::ledger::transaction::TagContent<'_> {
        crate::ledger::transaction::TagContent {
            fund: &self.fund,
            purpose: self.purpose.as_deref(),
            source: self.source.as_deref(),
            donor: self.donor.as_deref(),
            project: self.project.as_deref(),
        }
    }
}

/// The registered funds and their rules: what a write needs to read fund columns.
#[derive(Clone, Debug)]
pub struct FundBook {
    pub funds: Vec<Fund>,
    pub rules: FundRules,
}

impl FundBook {
    /// The fund whose account is `account` or lies above it.
    pub fn fund_of_account(&self, account: &str) -> Option<&Fund> {
        self.funds.iter().find(|f| {
            account == f.account
                || (account.len() > f.account.len()
                    && account.starts_with(&f.account)
                    && account.as_bytes()[f.account.len()] == b':')
        })
    }

    /// The movements of one voucher: `postings` (account, amount) in order, `tags` the fund
    /// columns of some of them (by line). Every reason a tag is refused comes back with its
    /// line.
    pub fn movements(
        &self,
        postings: &[(&str, Amount)],
        tags: &[(usize, &FundTag)],
    ) -> (Vec<Movement>, Vec<(usize, String)>) {
        let mut errors = Vec::new();
        // What the rows naming a fund but not on its account say, by fund id.
        let mut said: Vec<(String, usize, FundTag)> = Vec::new();
        let mut own: Vec<(usize, &Fund, FundTag)> = Vec::new();
        for &(line, tag) in tags {
            let Some(&(account, _)) = postings.get(line) else {
                continue;
            };
            let holder = self.fund_of_account(account);
            let named = match &tag.fund {
                Some(name) => match fund_named(&self.funds, name) {
                    Some(f) => Some(f),
                    None => {
                        let known: Vec<&str> = self.funds.iter().map(|f| f.id.as_str()).collect();
                        errors.push((
                            line,
                            crate::tr!(
                                "fund-tag-unknown",
                                fund = name.as_str(),
                                known = known.join(", ")
                            ),
                        ));
                        continue;
                    }
                },
                None => None,
            };
            match (named, holder) {
                (Some(n), Some(h)) if n.id != h.id => errors.push((
                    line,
                    crate::tr!(
                        "fund-tag-other-fund",
                        fund = n.id.as_str(),
                        account = account,
                        other = h.id.as_str()
                    ),
                )),
                (_, Some(h)) => own.push((line, h, tag.clone())),
                (Some(n), None) => said.push((n.id.clone(), line, tag.clone())),
                (None, None) => {
                    if tag.says_something() {
                        errors.push((line, crate::tr!("fund-tag-no-fund", account = account)));
                    }
                }
            }
        }
        // A fund named on another line reaches the voucher's untagged postings on its account.
        for (fund, line, tag) in &said {
            let mut reached = false;
            for (at, (account, _)) in postings.iter().enumerate() {
                if self.fund_of_account(account).is_some_and(|f| &f.id == fund) {
                    reached = true;
                    match own.iter_mut().find(|(l, _, _)| *l == at) {
                        Some((_, _, t)) => t.fill_from(tag),
                        None => {
                            let f = self.funds.iter().find(|f| &f.id == fund).expect("named");
                            own.push((at, f, tag.clone()));
                        }
                    }
                }
            }
            if !reached {
                let account = self
                    .funds
                    .iter()
                    .find(|f| &f.id == fund)
                    .map_or("", |f| f.account.as_str());
                errors.push((
                    *line,
                    crate::tr!(
                        "fund-tag-no-posting",
                        fund = fund.as_str(),
                        account = account
                    ),
                ));
            }
        }
        own.sort_by_key(|(line, _, _)| *line);
        let mut movements = Vec::new();
        for (line, fund, tag) in own {
            if !tag.says_something() {
                continue;
            }
            let m = Movement {
                line,
                fund: fund.id.clone(),
                purpose: tag.purpose,
                source: tag.source,
                donor: tag.donor,
                project: tag.project,
            };
            match self.check(&m) {
                Ok(()) => movements.push(m),
                Err(reason) => errors.push((line, reason)),
            }
        }
        errors.sort_by_key(|(line, _)| *line);
        (movements, errors)
    }

    /// Whether the rules allow what a movement says: a purpose the fund may be spent on (a
    /// gift restricted to it, too), a source the fund takes money from.
    pub fn check(&self, m: &Movement) -> std::result::Result<(), String> {
        if let Some(purpose) = &m.purpose {
            if let Err(refusal) = self.rules.check_purpose(&m.fund, purpose) {
                return Err(self.refusal(m, purpose, refusal));
            }
        }
        if let Some(source) = &m.source {
            if let Err(refusal) = self.rules.check_source(&m.fund, source) {
                return Err(self.refusal(m, source, refusal));
            }
        }
        Ok(())
    }

    fn refusal(&self, m: &Movement, what: &str, refusal: Refusal) -> String {
        let rules = self.rules.source();
        match refusal {
            Refusal::Forbidden => crate::tr!(
                "fund-purpose-forbidden",
                fund = m.fund.as_str(),
                purpose = what,
                rules = rules
            ),
            Refusal::UnknownPurpose { known } => crate::tr!(
                "fund-purpose-unknown",
                fund = m.fund.as_str(),
                purpose = what,
                known = known,
                rules = rules
            ),
            Refusal::UnknownSource { known } => crate::tr!(
                "fund-source-unknown",
                fund = m.fund.as_str(),
                source = what,
                known = known,
                rules = rules
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funds::registry::STANDARD_FUNDS;

    fn book() -> FundBook {
        let funds: Vec<Fund> = STANDARD_FUNDS.iter().map(|f| f.fund()).collect();
        let rules = FundRules::standard(&funds).unwrap();
        FundBook { funds, rules }
    }

    fn yuan(y: i64) -> Amount {
        Amount::from_fen(y * 100)
    }

    #[test]
    fn a_fund_named_on_the_bank_line_reaches_the_posting_on_its_account() {
        let book = book();
        let tag = FundTag {
            fund: Some("6·30".into()),
            purpose: Some("助学".into()),
            donor: Some("珠海某爱心企业".into()),
            ..FundTag::default()
        };
        let postings = [
            ("资产:银行存款:基本户", yuan(50_000)),
            ("负债:专项应付款:6·30资金", yuan(-50_000)),
        ];
        let (movements, errors) = book.movements(&postings, &[(0, &tag)]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(movements.len(), 1);
        assert_eq!(movements[0].line, 1);
        assert_eq!(movements[0].fund, "630");
        assert_eq!(movements[0].purpose.as_deref(), Some("助学"));
    }

    #[test]
    fn refused_tags_are_named_by_line() {
        let book = book();
        let forbidden = FundTag {
            purpose: Some("发放福利".into()),
            ..FundTag::default()
        };
        let elsewhere = FundTag {
            fund: Some("reserve".into()),
            ..FundTag::default()
        };
        let postings = [
            ("负债:专项应付款:631资金", yuan(100)),
            ("资产:银行存款:基本户", yuan(-100)),
        ];
        let (movements, errors) = book.movements(&postings, &[(0, &forbidden), (1, &elsewhere)]);
        assert!(movements.is_empty());
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].0, 0);
        assert_eq!(errors[1].0, 1);
    }
}

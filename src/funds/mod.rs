//! The funds and where their money comes from: industry projects and their dividends, the
//! tilted share set aside for dynamic assistance (动态帮扶), the 631 and 6·30 funds, the reserve
//! fund 防止返贫储备金.
//!
//! Each fund is a sub-account of 241 专项应付款: money held for a purpose, owed to it.

pub mod budget;
pub mod demo;
pub mod dividend;
pub mod flow;
pub mod grant;
pub mod insurance;
pub mod movement;
pub mod project;
pub mod registry;
pub mod rules;
pub mod statement;
pub mod tilt;

/// A fund's name as people say it, from its account: `负债:专项应付款:动态帮扶` →
/// `动态帮扶资金`, `负债:专项应付款:防止返贫储备金` → `防止返贫储备金`; another account by its
/// last part, with `资金` after it unless it names money already (`…金`, `…款`) or is not
/// Chinese (`dynamic`).
pub fn fund_name(account: &str) -> String {
    let last = account.rsplit(':').next().unwrap_or(account).trim();
    if last.ends_with('金') || last.ends_with('款') || last.is_ascii() {
        last.to_string()
    } else {
        format!("{last}资金")
    }
}

/// The payable account of a household: what the village owes it until paid.
pub fn household_payable(household: &str) -> String {
    format!("负债:应付款:农户:{household}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases() {
        assert_eq!(household_payable("H0001"), "负债:应付款:农户:H0001");
        assert_eq!(fund_name("负债:专项应付款:动态帮扶"), "动态帮扶资金");
        assert_eq!(fund_name("负债:专项应付款:631资金"), "631资金");
        assert_eq!(fund_name("负债:专项应付款:6·30资金"), "6·30资金");
        assert_eq!(
            fund_name("负债:专项应付款:防止返贫储备金"),
            "防止返贫储备金"
        );
        assert_eq!(fund_name("负债:专项应付款:产业奖补"), "产业奖补资金");
    }
}

//! The funds and where their money comes from: industry projects and their dividends, the
//! tilted share set aside for dynamic assistance (动态帮扶), the 631 and 6·30 funds, the reserve
//! fund 防止返贫储备金.
//!
//! Each fund is a sub-account of 241 专项应付款: money held for a purpose, owed to it.

pub mod demo;
pub mod dividend;
pub mod project;
pub mod registry;
pub mod tilt;

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
    }
}

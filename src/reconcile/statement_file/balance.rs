//! The running balance: which way the file runs, and each line's balance checked.

use super::*;

/// Each printed balance against the one before plus the line's amount (the first against a
/// stated opening balance). After a mismatch the next line may follow either from the printed
/// balance (the amount was wrong) or from the expected one (the balance was misprinted): one
/// typo is one error.
pub(super) fn check_balances(
    file: &str,
    lines: &[BankLine],
    opening: Option<Amount>,
    errors: &mut Vec<RowError>,
) {
    let mut printed = opening;
    let mut alternative: Option<Amount> = None;
    for l in lines {
        let expected = match printed.map(|p| p.checked_add(l.amount)) {
            Some(None) => {
                errors.push(RowError::new(
                    file,
                    l.row,
                    crate::tr!("bank-balance-overflow"),
                ));
                printed = l.balance;
                alternative = None;
                continue;
            }
            Some(Some(e)) => Some(e),
            None => None,
        };
        let expected_alternative = alternative.and_then(|a| a.checked_add(l.amount));
        match (expected, l.balance) {
            (Some(e), Some(b)) => {
                if e == b || expected_alternative == Some(b) {
                    alternative = None;
                } else {
                    errors.push(RowError::new(
                        file,
                        l.row,
                        crate::tr!(
                            "bank-balance-mismatch",
                            expected = e.grouped(),
                            found = b.grouped()
                        ),
                    ));
                    alternative = Some(e);
                }
                printed = Some(b);
            }
            (None, Some(b)) => {
                printed = Some(b);
                alternative = None;
            }
            (e, None) => {
                printed = e;
                alternative = expected_alternative;
            }
        }
    }
}

//! The demo town's bank reconciliation: the reserve fund's 专户 (August to November) and the
//! basic account (November to January), as the bank exported them (ledgers/demo/bank/, GBK
//! with title and summary rows). Each statement is imported and matched; the rent cheque
//! banked on 27 December that the bank credited on 2 January (six days later, outside the
//! window) is matched by hand; each statement through November is locked, so that the books
//! can be closed.

use std::path::Path;

use super::import::import_statement;
use super::statement_file::read_statement;
use super::workflow::{lock, match_by_hand, reconcile};
use super::DEFAULT_WINDOW_DAYS;
use crate::error::{Error, Result};
use crate::import::Encoding;
use crate::store::bank::BankReads;
use crate::store::Ledger;

pub const RESERVE: &str = "资产:银行存款:储备金专户";
pub const BASIC: &str = "资产:银行存款:基本户";

/// The statements: (account, file, name for a month without a line, lock it).
pub const STATEMENTS: &[(&str, &str, &str, bool)] = &[
    (RESERVE, "reserve-2024-08.csv", "2024-08", true),
    (RESERVE, "reserve-2024-09.csv", "2024-09", true),
    (RESERVE, "reserve-2024-10.csv", "2024-10", true),
    (RESERVE, "reserve-2024-11.csv", "2024-11", true),
    (BASIC, "basic-2024-11.csv", "2024-11", true),
    (BASIC, "basic-2024-12.csv", "2024-12", false),
    (BASIC, "basic-2025-01.csv", "2025-01", false),
];

/// Import, match and lock the demo's statements; a line saying what was done.
pub fn reconcile_demo_accounts(ledger: &mut Ledger, data: &Path, operator: &str) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut matched = 0;
    let mut locked = 0;
    for &(account, file, name, lock_it) in STATEMENTS {
        let path = data.join("bank").join(file);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let statement = read_statement(&path, Encoding::Auto, None)?;
        let outcome = ledger.write(operator, |w| {
            import_statement(w, account, &statement, &sha256, Some(name), None)?;
            let auto = reconcile(w, account, name, DEFAULT_WINDOW_DAYS)?;
            if account == BASIC && name == "2025-01" {
                // The rent cheque: banked 27 December, credited 2 January.
                let line = w
                    .bank_lines(auto.position.statement.account_id, None)?
                    .into_iter()
                    .find(|l| l.match_id.is_none() && l.text.contains("租金"))
                    .map(|l| l.id);
                if let Some(line) = line {
                    match_by_hand(w, account, &[line], &["2024-12-0006".to_string()])?;
                    matched += 1;
                }
            }
            if lock_it {
                lock(w, account, name)?;
            }
            Ok(auto)
        })?;
        matched += outcome.made.iter().map(|(_, n)| n).sum::<usize>();
        locked += usize::from(lock_it);
    }
    Ok(crate::tr!(
        "demo-bank-reconciled",
        statements = STATEMENTS.len(),
        matched = matched,
        locked = locked
    ))
}

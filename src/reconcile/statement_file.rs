//! Placeholder of the bank statement reader (replaced by the reader proper).
use std::path::Path;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::import::Encoding;
use crate::money::Amount;

pub struct StatementFile {
    pub file: String,
    pub account_number: Option<String>,
    pub account_name: Option<String>,
    pub layout: String,
    pub opening: Option<Amount>,
    pub closing: Option<Amount>,
    pub lines: Vec<BankLine>,
}

pub struct BankLine {
    pub row: u64,
    pub date: NaiveDate,
    pub amount: Amount,
    pub balance: Option<Amount>,
    pub text: String,
    pub counterparty: String,
    pub counterparty_account: String,
    pub serial: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct ColumnMapping {}

impl ColumnMapping {
    pub fn load(path: &Path) -> Result<ColumnMapping> {
        Err(Error::rule(path.display().to_string()))
    }
}

pub fn read_statement(
    path: &Path,
    _encoding: Encoding,
    _mapping: Option<&ColumnMapping>,
) -> Result<StatementFile> {
    Err(Error::rule(path.display().to_string()))
}

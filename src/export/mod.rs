//! The whole journal in other tools' formats: hledger/ledger-cli journals and Beancount.
//!
//! Both are streamed from the ledger in posting order, so exporting a million transactions
//! needs no more memory than one.

mod beancount;
mod journal;
mod postings_csv;

use std::io::Write;

pub use beancount::beancount_account_names;

use crate::error::{Error, Result};
use crate::store::Ledger;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// hledger / ledger-cli journal.
    Ledger,
    Beancount,
    /// The postings CSV that `import postings` reads: a round trip into another ledger.
    Csv,
}

impl std::str::FromStr for ExportFormat {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "ledger" | "hledger" | "journal" => Ok(ExportFormat::Ledger),
            "beancount" | "bean" => Ok(ExportFormat::Beancount),
            "csv" => Ok(ExportFormat::Csv),
            _ => Err(crate::tr!("export-format-unknown", format = s)),
        }
    }
}

pub fn export(ledger: &Ledger, format: ExportFormat, out: &mut dyn Write) -> Result<()> {
    let result = match format {
        ExportFormat::Ledger => journal::write(ledger, out),
        ExportFormat::Beancount => beancount::write(ledger, out),
        ExportFormat::Csv => postings_csv::write(ledger, out),
    };
    match result {
        // A closed pipe (`| head`) is not a failure of the export.
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Text safe for a one-line description or comment: no line breaks, no tabs.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn io(e: std::io::Error) -> Error {
    Error::io("<output>", e)
}

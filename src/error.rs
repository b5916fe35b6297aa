//! One error type for the library, and the collected row errors that input checks return.
//!
//! Input is checked as a whole pass: every bad row is collected as a [`RowError`] (`FILE:LINE:
//! reason`) and the batch is returned together as [`Error::Input`], so a clerk fixes a file
//! in one round, and nothing is written while any row is wrong.

use std::fmt;
use std::path::{Path, PathBuf};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input rows; nothing was written.
    #[error("{}", RowErrors(.0))]
    Input(Vec<RowError>),
    /// A request that the ledger's rules refuse (unbalanced, unknown voucher, approval by the proposer …).
    #[error("{0}")]
    Rule(String),
    /// Something asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// Another process holds the ledger's write lock.
    #[error("{}", crate::tr!("error-busy", ledger = .0))]
    Busy(String),
    /// `verify` found a mismatch.
    #[error("{0}")]
    Tampered(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", crate::tr!("error-database", reason = .0.to_string()))]
    Sqlite(#[from] rusqlite::Error),
}

/// A stored value of the wrong type (a text where a blob belongs …): the file was changed
/// outside townledger.
impl From<rusqlite::types::FromSqlError> for Error {
    fn from(e: rusqlite::types::FromSqlError) -> Self {
        Error::Tampered(crate::tr!("error-wrong-type", reason = e.to_string()))
    }
}

impl Error {
    pub fn rule(msg: impl Into<String>) -> Self {
        Error::Rule(msg.into())
    }

    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// Process exit status: 1 for refused input or rules, 2 for a failed integrity check,
    /// 3 for a busy ledger, 4 for system errors.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) | Error::Rule(_) | Error::NotFound(_) => 1,
            Error::Tampered(_) => 2,
            Error::Busy(_) => 3,
            Error::Io { .. } | Error::Sqlite(_) => 4,
        }
    }
}

/// One bad input row: `FILE:LINE: reason`. `line` is the 1-based line (or spreadsheet row) as the
/// user sees it in an editor, header included; 0 means the file as a whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

impl RowError {
    pub fn new(file: impl Into<String>, line: u64, reason: impl Into<String>) -> Self {
        RowError {
            file: file.into(),
            line,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.reason)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.reason)
        }
    }
}

/// How many row errors are printed before the rest are summarised.
pub const MAX_ROW_ERRORS_SHOWN: usize = 200;

struct RowErrors<'a>(&'a [RowError]);

impl fmt::Display for RowErrors<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in self.0.iter().take(MAX_ROW_ERRORS_SHOWN) {
            writeln!(f, "{e}")?;
        }
        if self.0.len() > MAX_ROW_ERRORS_SHOWN {
            let more = self.0.len() - MAX_ROW_ERRORS_SHOWN;
            writeln!(f, "{}", crate::tr!("rows-more", count = more))?;
        }
        write!(
            f,
            "{}",
            crate::tr!("rows-nothing-written", count = self.0.len())
        )
    }
}

impl From<Vec<RowError>> for Error {
    fn from(errors: Vec<RowError>) -> Self {
        Error::Input(errors)
    }
}

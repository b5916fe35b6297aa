//! The ledger's model: accounts, transactions, postings and the rules they obey. No I/O here;
//! `crate::store` persists it.

pub mod account;
pub mod chart;
pub mod transaction;

pub use account::{Account, AccountKind};
pub use transaction::{NewTransaction, Posting, Transaction};

//! townledger: a double-entry ledger for the funds that keep rural households from falling
//! back into poverty (防返贫).
//!
//! Follow one dividend through the modules: `funds` records it from an industry project,
//! `allocate` apportions the tilted share to households, `store` (the only code that writes)
//! posts it to the journal modelled in `ledger`, and `report` + `render` print the household's
//! statement. `money` keeps every amount exact to the fen; `audit` proves nothing was altered.

pub mod allocate;
pub mod audit;
pub mod batch;
pub mod checkpoint;
pub mod demo;
pub mod error;
pub mod export;
pub mod funds;
pub mod households;
pub mod i18n;
pub mod import;
pub mod ledger;
pub mod money;
pub mod people;
pub mod period;
pub mod reconcile;
pub mod render;
pub mod report;
pub mod reversal;
pub mod simulate;
pub mod store;
pub mod synth;
pub mod text;
pub mod users;
pub mod web;

pub use error::{Error, Result};
pub use money::Amount;

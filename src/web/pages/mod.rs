//! The pages, one module per group.

pub mod bank;
pub mod books;
pub mod downloads;
pub mod grants;
pub mod households;
pub mod import;
pub mod overview;
pub mod runs;
pub mod users;

//! The pages, one module per group.

pub mod books;
pub mod overview;
pub mod runs;
pub mod users;

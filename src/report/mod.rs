//! Reports as plain data. Each report queries the ledger and returns a
//! [`document::Document`]; `crate::render` draws it as text, CSV, JSON, XLSX or PDF.

pub mod allocation;
pub mod balance;
pub mod document;
pub mod register;
pub mod statement;

use document::Lang;

/// Pick the Chinese or English wording.
pub fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

//! Reports as plain data. Each report queries the ledger and returns a
//! [`document::Document`]; `crate::render` draws it as text, CSV, JSON, XLSX or PDF.

pub mod allocation;
pub mod balance;
pub mod balance_sheet;
pub mod budget_list;
pub mod disclosure;
pub mod document;
pub mod fund_list;
pub mod fund_show;
pub mod fund_statement;
pub mod grant_list;
pub mod household_list;
pub mod insurance;
pub mod period_list;
pub mod reconciliation;
pub mod register;
pub mod statement;
pub mod voucher;

use document::Lang;

/// Pick the Chinese or English wording.
pub fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// The footer a printed report carries: the ledger's head and its last signed checkpoint, so
/// that a paper copy can be checked against the ledger later (`townledger verify`).
pub fn ledger_footer(ledger: &crate::store::Ledger, lang: Lang) -> crate::Result<String> {
    let head = ledger.ledger_head()?.hex();
    let checkpoint = match ledger.last_checkpoint()? {
        Some(c) => match lang {
            Lang::Zh => format!(
                "签名检查点第{}号 {} 密钥 {}",
                c.id,
                c.signed_at,
                crate::checkpoint::key_id(&c.public_key)
            ),
            Lang::En => format!(
                "checkpoint #{} signed {} by key {}",
                c.id,
                c.signed_at,
                crate::checkpoint::key_id(&c.public_key)
            ),
        },
        None => tr(lang, "无签名检查点", "no signed checkpoint").to_string(),
    };
    Ok(format!(
        "townledger · {} {} · {checkpoint}",
        tr(lang, "审计链", "audit chain"),
        &head[..16]
    ))
}

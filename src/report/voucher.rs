//! One voucher as a 记账凭证: its numbers (the ledger's and the clerk's own), date, memo,
//! who posted it, its reversal links, and its lines with debits and credits apart.

use super::document::{Cell, Column, Document, Lang, Row, Table};
use super::tr;
use crate::error::{Error, Result};
use crate::money::Total;
use crate::store::Ledger;

/// The voucher a person names, by the ledger's number (`2024-03-0002`) or the clerk's own
/// (`记-002`, its import `txn_id`), as a document.
pub fn voucher(ledger: &Ledger, name: &str, lang: Lang) -> Result<Document> {
    let txn = ledger
        .transaction_named(name)?
        .ok_or_else(|| Error::NotFound(crate::tr!("voucher-not-found", voucher = name.trim())))?;
    let (reverses, reversed_by) = ledger.reversal_links(txn.id)?;
    let mut doc = Document::new(tr(lang, "记账凭证", "Voucher"));
    doc.lang = lang;
    doc = doc.field(tr(lang, "凭证号", "Voucher"), txn.voucher.clone());
    if let Some(number) = &txn.external_id {
        doc = doc.field(tr(lang, "原凭证号", "Clerk's no."), number.clone());
    }
    doc = doc
        .field(tr(lang, "日期", "Date"), txn.date.to_string())
        .field(tr(lang, "摘要", "Memo"), txn.memo.clone())
        .field(tr(lang, "制单", "Posted by"), txn.operator.clone())
        .field(tr(lang, "记账时间", "Posted at"), txn.posted_at.clone());
    if let Some(original) = reverses {
        doc = doc.field(tr(lang, "冲销凭证", "Reverses"), original);
    }
    if let Some(reason) = &txn.reason {
        doc = doc.field(tr(lang, "冲销原因", "Reason"), reason.clone());
    }
    if let Some(by) = reversed_by {
        doc = doc.field(tr(lang, "已被冲销", "Reversed by"), by);
    }
    let mut table = Table {
        columns: vec![
            Column::text("account", tr(lang, "会计科目", "Account"), 4),
            Column::text("memo", tr(lang, "摘要", "Memo"), 5),
            Column::text("household", tr(lang, "户编号", "Household"), 1),
            Column::text("ref", tr(lang, "参考号", "Ref"), 2),
            Column::money("debit", tr(lang, "借方金额", "Debit")),
            Column::money("credit", tr(lang, "贷方金额", "Credit")),
        ],
        ..Default::default()
    };
    let (mut debits, mut credits) = (Total::ZERO, Total::ZERO);
    for p in &txn.postings {
        let (debit, credit) = if p.amount.is_negative() {
            credits.add(-p.amount);
            (Cell::Empty, Cell::Money(-p.amount))
        } else {
            debits.add(p.amount);
            (Cell::Money(p.amount), Cell::Empty)
        };
        table.rows.push(Row::new(vec![
            Cell::Text(p.account.clone()),
            Cell::Text(p.memo.clone()),
            p.household.clone().map(Cell::Text).unwrap_or(Cell::Empty),
            p.reference.clone().map(Cell::Text).unwrap_or(Cell::Empty),
            debit,
            credit,
        ]));
    }
    let what = || crate::tr!("total-voucher-lines", voucher = txn.voucher.to_string());
    let mut total = Row::new(vec![
        Cell::text(tr(lang, "合计", "Total")),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Money(debits.checked(what)?),
        Cell::Money(credits.checked(what)?),
    ]);
    total.strong = true;
    table.totals.push(total);
    doc.tables.push(table);
    doc.signatures = [
        ("会计主管", "Accountant"),
        ("记账", "Bookkeeper"),
        ("审核", "Checked"),
        ("制单", "Prepared"),
    ]
    .iter()
    .map(|(zh, en)| tr(lang, zh, en).to_string())
    .collect();
    Ok(doc)
}

//! The journal as a postings CSV (`txn_id,date,account,amount,memo,household,ref`), the format
//! `import postings` reads. `txn_id` is the original import id, or the voucher number.
//!
//! The text columns (txn_id, account, memo, household, ref) are escaped as the document CSV
//! escapes text ([`escape_text`]: `=HYPERLINK(…)` → `'=HYPERLINK(…)`), so a spreadsheet opening
//! the file runs nothing; `import postings` takes the `'` off again. Date and amount are plain.

use std::borrow::Cow;
use std::io::Write;

use super::io;
use crate::error::{Error, Result};
use crate::render::csv::escape_text;
use crate::store::Ledger;

pub(super) fn write(ledger: &Ledger, out: &mut dyn Write) -> Result<()> {
    let mut w = csv::Writer::from_writer(std::io::BufWriter::with_capacity(256 * 1024, out));
    let csv_err = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => io(e),
        other => Error::rule(format!("{other:?}")),
    };
    // The fund columns only when some posting has a fund tag: a ledger without them exports
    // the columns it always has.
    let funds = ledger.has_fund_tags()?;
    let columns = [
        "txn_id",
        "date",
        "account",
        "amount",
        "memo",
        "household",
        "ref",
        "fund",
        "purpose",
        "source",
        "donor",
        "project",
    ];
    let width = if funds { columns.len() } else { 7 };
    w.write_record(&columns[..width]).map_err(csv_err)?;
    ledger.for_each_tagged_transaction(|txn, fund_tags| {
        let id = txn.external_id.as_deref().unwrap_or(&txn.voucher);
        let date = txn.date.to_string();
        for (p, tag) in txn.postings.iter().zip(fund_tags) {
            let memo = if p.memo.is_empty() {
                &txn.memo
            } else {
                &p.memo
            };
            let amount = p.amount.plain();
            let record = [
                escape_text(id),
                Cow::Borrowed(date.as_str()),
                escape_text(&p.account),
                Cow::Borrowed(amount.as_str()),
                escape_text(memo),
                escape_text(p.household.as_deref().unwrap_or("")),
                escape_text(p.reference.as_deref().unwrap_or("")),
                escape_text(tag.as_ref().map_or("", |t| t.fund.as_str())),
                escape_text(
                    tag.as_ref()
                        .and_then(|t| t.purpose.as_deref())
                        .unwrap_or(""),
                ),
                escape_text(tag.as_ref().and_then(|t| t.source.as_deref()).unwrap_or("")),
                escape_text(tag.as_ref().and_then(|t| t.donor.as_deref()).unwrap_or("")),
                escape_text(
                    tag.as_ref()
                        .and_then(|t| t.project.as_deref())
                        .unwrap_or(""),
                ),
            ];
            w.write_record(record[..width].iter().map(|c| c.as_bytes()))
                .map_err(csv_err)?;
        }
        Ok(())
    })?;
    w.flush().map_err(io)?;
    Ok(())
}

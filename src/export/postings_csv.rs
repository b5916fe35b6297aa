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
    w.write_record([
        "txn_id",
        "date",
        "account",
        "amount",
        "memo",
        "household",
        "ref",
    ])
    .map_err(csv_err)?;
    ledger.for_each_transaction(|txn, _| {
        let id = txn.external_id.as_deref().unwrap_or(&txn.voucher);
        let date = txn.date.to_string();
        for p in &txn.postings {
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
            ];
            w.write_record(record.iter().map(|c| c.as_bytes()))
                .map_err(csv_err)?;
        }
        Ok(())
    })?;
    w.flush().map_err(io)?;
    Ok(())
}

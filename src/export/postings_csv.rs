//! The journal as a postings CSV (`txn_id,date,account,amount,memo,household,ref`), the format
//! `import postings` reads. `txn_id` is the original import id, or the voucher number.

use std::io::Write;

use super::io;
use crate::error::{Error, Result};
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
            w.write_record([
                id,
                &date,
                &p.account,
                &p.amount.plain(),
                memo,
                p.household.as_deref().unwrap_or(""),
                p.reference.as_deref().unwrap_or(""),
            ])
            .map_err(csv_err)?;
        }
        Ok(())
    })?;
    w.flush().map_err(io)?;
    Ok(())
}

//! hledger / ledger-cli journal: `2024-12-20 * (2024-12-0007) memo` with postings in plain
//! decimals (no commodity), household and reference as `; household: H0001` tags.

use std::io::Write;

use super::{io, one_line};
use crate::error::Result;
use crate::store::Ledger;

pub(super) fn write(ledger: &Ledger, out: &mut dyn Write) -> Result<()> {
    let mut out = std::io::BufWriter::with_capacity(256 * 1024, out);
    writeln!(
        out,
        "; townledger export of {} — amounts in yuan (CNY)",
        ledger.path().display()
    )
    .map_err(io)?;
    writeln!(out).map_err(io)?;
    for account in ledger.accounts()? {
        writeln!(out, "account {}", account.name).map_err(io)?;
    }
    ledger.for_each_transaction(|txn, _| {
        // ';' starts a comment in a description: show it full-width instead.
        let description = one_line(&txn.memo).replace(';', "；");
        writeln!(
            out,
            "\n{} * ({}) {}",
            txn.date,
            txn.voucher,
            description.trim_end()
        )
        .map_err(io)?;
        if let Some(id) = &txn.external_id {
            writeln!(out, "    ; txn_id: {}", one_line(id)).map_err(io)?;
        }
        if let Some(reason) = &txn.reason {
            writeln!(out, "    ; reason: {}", one_line(reason)).map_err(io)?;
        }
        let width = txn
            .postings
            .iter()
            .map(|p| unicode_width::UnicodeWidthStr::width(p.account.as_str()))
            .max()
            .unwrap_or(0);
        for p in &txn.postings {
            let pad = width - unicode_width::UnicodeWidthStr::width(p.account.as_str());
            write!(
                out,
                "    {}{}  {:>14}",
                p.account,
                " ".repeat(pad),
                p.amount
            )
            .map_err(io)?;
            let mut tags = Vec::new();
            if !p.memo.is_empty() && p.memo != txn.memo {
                tags.push(one_line(&p.memo).replace(':', "："));
            }
            if let Some(h) = &p.household {
                tags.push(format!("household: {}", one_line(h)));
            }
            if let Some(r) = &p.reference {
                tags.push(format!("ref: {}", one_line(r).replace(',', " ")));
            }
            if !tags.is_empty() {
                write!(out, "  ; {}", tags.join(", ")).map_err(io)?;
            }
            writeln!(out).map_err(io)?;
        }
        Ok(())
    })?;
    out.flush().map_err(io)?;
    Ok(())
}

//! hledger / ledger-cli journal: `2024-12-20 * (2024-12-0007) memo` with postings in plain
//! decimals (no commodity), household, reference and a fund tag as `; household: H0001,
//! fund: 630, purpose: 助学` tags.

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
    ledger.for_each_tagged_transaction(|txn, fund_tags| {
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
        for (p, fund_tag) in txn.postings.iter().zip(fund_tags) {
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
            // The fund tag as hledger tags: `hledger bal tag:purpose=助学` reads them.
            if let Some(t) = fund_tag {
                tags.push(format!("fund: {}", tag_value(&t.fund)));
                for (name, value) in [
                    ("purpose", &t.purpose),
                    ("source", &t.source),
                    ("donor", &t.donor),
                    ("project", &t.project),
                ] {
                    if let Some(v) = value {
                        tags.push(format!("{name}: {}", tag_value(v)));
                    }
                }
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

/// A tag's value as hledger reads it: one line, no comma (it ends a tag).
fn tag_value(v: &str) -> String {
    one_line(v).replace(',', "，")
}

//! Tamper evidence: recompute the hash chain and every derived total.
//!
//! Each posted transaction carries SHA-256 over its canonical content and the previous
//! transaction's hash (see `ledger::transaction::chain_hash`). [`verify`] walks the journal in
//! posting order, streaming, and fails at the first voucher that no longer matches: an amount,
//! date, account or memo changed behind the program's back, a row deleted or inserted.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::ledger::transaction::{chain_hash, imbalance, GENESIS};
use crate::store::Ledger;

/// What a successful check covered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub transactions: i64,
    pub postings: i64,
    /// The hash of the last transaction (hex): statements print it so a paper copy can be
    /// checked against the ledger later.
    pub head: String,
}

/// Check the whole ledger; `Err(Error::Tampered)` names the first voucher that no longer matches.
pub fn verify(ledger: &Ledger) -> Result<Verified> {
    let mut prev = GENESIS;
    let mut expected_id = 1i64;
    let mut last_voucher = String::from("(start of journal)");
    let mut postings = 0i64;
    let mut months: HashMap<(String, String), i64> = HashMap::new();
    ledger.for_each_transaction(|txn, stored_hash| {
        if txn.id != expected_id {
            return Err(Error::Tampered(format!(
                "voucher {}: {} transaction(s) missing from the journal between {last_voucher} and {}",
                txn.voucher,
                txn.id - expected_id,
                txn.voucher
            )));
        }
        let computed = chain_hash(&prev, txn);
        if computed[..] != *stored_hash {
            return Err(Error::Tampered(format!(
                "voucher {} ({}) no longer matches its audit hash: it, or the chain before it, was altered outside townledger",
                txn.voucher, txn.date
            )));
        }
        let off = imbalance(&txn.postings);
        if !off.is_zero() || txn.postings.len() < 2 {
            return Err(Error::Tampered(format!(
                "voucher {} does not balance (postings sum to {off})",
                txn.voucher
            )));
        }
        let month = txn.date.format("%Y-%m").to_string();
        for p in &txn.postings {
            *months.entry((p.account.clone(), month.clone())).or_insert(0) += p.amount.fen();
        }
        postings += txn.postings.len() as i64;
        prev = computed;
        expected_id += 1;
        last_voucher.clone_from(&txn.voucher);
        Ok(())
    })?;
    let transactions = expected_id - 1;
    let head = hex::encode(prev);
    match ledger.chain_head()? {
        None if transactions == 0 => {}
        None => {
            return Err(Error::Tampered(
                "the ledger's recorded chain head is missing".into(),
            ))
        }
        Some(recorded) => {
            if recorded.length != transactions || recorded.hash != head {
                return Err(Error::Tampered(format!(
                    "the journal ends at {last_voucher} (transaction #{transactions}) but the ledger recorded {} transactions: transactions were deleted or added outside townledger",
                    recorded.length
                )));
            }
        }
    }
    months.retain(|_, v| *v != 0);
    let mut stored = ledger.month_totals()?;
    stored.retain(|_, v| *v != 0);
    if stored != months {
        let mut diffs: Vec<String> = months
            .iter()
            .filter(|(k, v)| stored.get(*k) != Some(v))
            .map(|((a, m), _)| format!("{a} {m}"))
            .chain(
                stored
                    .keys()
                    .filter(|k| !months.contains_key(*k))
                    .map(|(a, m)| format!("{a} {m}")),
            )
            .collect();
        diffs.sort();
        diffs.truncate(5);
        return Err(Error::Tampered(format!(
            "the stored monthly totals disagree with the postings ({}): they were altered outside townledger",
            diffs.join(", ")
        )));
    }
    Ok(Verified {
        transactions,
        postings,
        head,
    })
}

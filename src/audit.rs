//! Tamper evidence: recompute the hash chain and every derived total.
//!
//! Each posted transaction carries SHA-256 over its canonical content and the previous
//! transaction's hash (see `ledger::transaction::chain_hash`). [`verify`] walks the journal in
//! posting order, streaming, and fails at the first voucher that no longer matches: an amount,
//! date, account or memo changed behind the program's back, a row deleted or inserted.

use std::collections::HashMap;

use chrono::Datelike;

use crate::error::{Error, Result};
use crate::ledger::transaction::{chain_hash, imbalance, GENESIS};
use crate::store::{account_index, Ledger};

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
    // The account index as the journal says it should be: (month, account id) → entries.
    let mut index: HashMap<(u32, i64), Vec<u8>> = HashMap::new();
    ledger.for_each_stored_transaction(|txn, stored_hash, ids| {
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
        let month_key = account_index::month_key(txn.date);
        for (line, (p, &account)) in txn.postings.iter().zip(ids).enumerate() {
            *months.entry((p.account.clone(), month.clone())).or_insert(0) += p.amount.fen();
            account_index::push_entry(
                index.entry((month_key, account)).or_default(),
                account_index::Entry {
                    txn: txn.id,
                    line: line as u32,
                    day: txn.date.day(),
                    fen: p.amount.fen(),
                },
            );
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
    check_account_index(ledger, index)?;
    Ok(Verified {
        transactions,
        postings,
        head,
    })
}

/// The stored account index must be exactly what the journal gives (`expected`): an index
/// altered behind the program's back would make registers and statements lie.
fn check_account_index(ledger: &Ledger, mut expected: HashMap<(u32, i64), Vec<u8>>) -> Result<()> {
    let names: HashMap<i64, String> = ledger
        .accounts()?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let name = |id: i64| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("account #{id}"))
    };
    let mut wrong: Vec<String> = Vec::new();
    ledger.account_index_rows(|month, account, entries| {
        let key = month
            .split_once('-')
            .and_then(|(y, m)| Some(y.parse::<u32>().ok()? * 100 + m.parse::<u32>().ok()?));
        let matches = key
            .and_then(|k| expected.remove(&(k, account)))
            .is_some_and(|e| e == entries);
        if !matches {
            wrong.push(format!("{} {month}", name(account)));
        }
        Ok(())
    })?;
    wrong.extend(
        expected
            .keys()
            .map(|&(k, account)| format!("{} {}", name(account), account_index::month_text(k))),
    );
    if wrong.is_empty() {
        return Ok(());
    }
    wrong.sort();
    let more = wrong.len().saturating_sub(5);
    wrong.truncate(5);
    Err(Error::Tampered(format!(
        "the account index disagrees with the journal ({}{}): it was altered outside townledger",
        wrong.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    )))
}

//! Tamper evidence: recompute the hash chain and every derived total.
//!
//! Each posted transaction carries SHA-256 over its canonical content and the previous
//! transaction's hash (see `ledger::transaction::chain_hash`). [`verify`] walks the journal in
//! posting order, streaming, and fails at the first voucher that no longer matches: an amount,
//! date, account or memo changed behind the program's back, a row deleted or inserted.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher, RandomState};

use chrono::Datelike;

use crate::error::{Error, Result};
use crate::ledger::transaction::{chain_hash_with, imbalance, Posting, GENESIS};
use crate::money::Total;
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
    // What the per-month tables should hold, by (account id, yyyymm): the total, and a digest
    // of the account index entries (SipHash under a key chosen afresh each run, so no edit can
    // be made to match it) with their length — a few bytes per row, whatever the journal's size.
    let keys = RandomState::new();
    let mut months: HashMap<(i64, u32), (Total, IndexDigest)> = HashMap::new();
    let mut entry = Vec::with_capacity(32);
    let mut hashed = Vec::with_capacity(16 << 10);
    ledger.for_each_stored_transaction(|txn, stored_hash, ids| {
        if txn.id != expected_id {
            return Err(Error::Tampered(format!(
                "voucher {}: {} transaction(s) missing from the journal between {last_voucher} and {}",
                txn.voucher,
                txn.id - expected_id,
                txn.voucher
            )));
        }
        let computed = chain_hash_with(
            &mut hashed,
            &prev,
            &txn.head(),
            txn.postings.iter().map(Posting::content),
        );
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
        let month = account_index::month_key(txn.date);
        for (line, (p, &account)) in txn.postings.iter().zip(ids).enumerate() {
            let (total, digest) = months
                .entry((account, month))
                .or_insert_with(|| (Total::ZERO, IndexDigest::new(&keys)));
            total.add(p.amount);
            entry.clear();
            account_index::push_entry(
                &mut entry,
                account_index::Entry {
                    txn: txn.id,
                    line: line as u32,
                    day: txn.date.day(),
                    fen: p.amount.fen(),
                },
            );
            digest.add(&entry);
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
    let names: HashMap<i64, String> = ledger
        .accounts()?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let name = |&(account, month): &(i64, u32)| {
        format!(
            "{} {}",
            names
                .get(&account)
                .cloned()
                .unwrap_or_else(|| format!("account #{account}")),
            account_index::month_text(month)
        )
    };
    let mut stored = ledger.month_totals()?;
    stored.retain(|_, v| *v != 0);
    let mut wrong: Vec<String> = months
        .iter()
        .filter(|(k, (total, _))| {
            !total.is_zero() && stored.get(*k).map(|&v| i128::from(v)) != Some(total.fen())
        })
        .map(|(k, _)| name(k))
        .chain(
            stored
                .keys()
                .filter(|k| months.get(*k).is_none_or(|(total, _)| total.is_zero()))
                .map(name),
        )
        .collect();
    if !wrong.is_empty() {
        return Err(Error::Tampered(format!(
            "the stored monthly totals disagree with the postings ({}): they were altered outside townledger",
            first_few(&mut wrong)
        )));
    }
    ledger.account_index_rows(|month, account, _total, entries| {
        let key = (account, month);
        let matches = months.remove(&key).is_some_and(|(_, expected)| {
            let mut found = IndexDigest::new(&keys);
            found.add(entries);
            found.finish() == expected.finish()
        });
        if !matches {
            wrong.push(name(&key));
        }
        Ok(())
    })?;
    wrong.extend(months.keys().map(name));
    if !wrong.is_empty() {
        return Err(Error::Tampered(format!(
            "the account index disagrees with the journal ({}): it was altered outside townledger",
            first_few(&mut wrong)
        )));
    }
    Ok(Verified {
        transactions,
        postings,
        head,
    })
}

/// A keyed digest of a row of account index entries, and its length.
struct IndexDigest {
    hasher: std::collections::hash_map::DefaultHasher,
    len: usize,
}

impl IndexDigest {
    fn new(keys: &RandomState) -> IndexDigest {
        IndexDigest {
            hasher: keys.build_hasher(),
            len: 0,
        }
    }

    fn add(&mut self, bytes: &[u8]) {
        self.hasher.write(bytes);
        self.len += bytes.len();
    }

    fn finish(&self) -> (u64, usize) {
        (self.hasher.finish(), self.len)
    }
}

/// The first five, sorted, and how many more.
fn first_few(all: &mut Vec<String>) -> String {
    all.sort();
    let more = all.len().saturating_sub(5);
    all.truncate(5);
    format!(
        "{}{}",
        all.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    )
}

//! Tamper evidence: recompute both chains, every derived total and every audited table.
//!
//! Each posted transaction carries SHA-256 over its canonical content and the previous
//! transaction's hash (see `ledger::transaction::chain_hash`). [`verify`] walks the journal in
//! posting order, streaming, and fails at the first voucher that no longer matches: an amount,
//! date, account or memo changed behind the program's back, a row deleted or inserted. It then
//! re-derives what is derived from the journal (the account index, the voucher sequences),
//! walks the record chain (`store::records`) and checks that every audited table holds exactly
//! the rows the chain says, and checks every signed checkpoint.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

use chrono::Datelike;

use crate::checkpoint;
use crate::error::{Error, Result};
use crate::ledger::transaction::{chain_hash_with, Hash, PostingContent, GENESIS};
use crate::money::Amount;
use crate::store::records::{ledger_head, record_hash, AuditedTable, TableDigest};
use crate::store::{account_index, Checkpoint, Ledger};

/// What a successful check covered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub transactions: i64,
    pub postings: i64,
    /// Records in the record chain, and the audited tables and rows they cover.
    pub records: i64,
    pub tables: usize,
    pub rows: i64,
    /// The ledger's head (hex) over both chains: statements print it so a paper copy can be
    /// checked against the ledger later, and checkpoints sign it.
    pub head: String,
    /// Checkpoints checked, and how many of them the given public key signed.
    pub checkpoints: usize,
    pub signed_by_key: usize,
    pub last_checkpoint: Option<Checkpoint>,
}

/// Check the whole ledger; `Err(Error::Tampered)` names the first voucher (or table row) that
/// no longer matches.
pub fn verify(ledger: &Ledger) -> Result<Verified> {
    verify_signed(ledger, None)
}

/// [`verify`], and with `public_key` (hex) also require that key to have signed at least one
/// checkpoint: a chain rebuilt whole is caught back to the last head it signed.
pub fn verify_signed(ledger: &Ledger, public_key: Option<&str>) -> Result<Verified> {
    let checkpoints = ledger.checkpoints()?;
    // The journal's and the records' hashes at the points the checkpoints signed.
    let mut journal_at: HashMap<i64, Hash> = checkpoints
        .iter()
        .map(|c| (c.journal_length, [0xff; 32]))
        .collect();
    journal_at.insert(0, GENESIS);
    let mut voucher_last: HashMap<String, i64> = HashMap::new();
    let mut prev = GENESIS;
    let mut expected_id = 1i64;
    let mut last_voucher = String::from("(start of journal)");
    let mut postings = 0i64;
    // What the per-month tables should hold, by (account id, yyyymm): the total, and a digest
    // of the account index entries (keyed afresh each run, so no edit can be made to match it)
    // with their length — 32 bytes per account and month, whatever the journal's size.
    let secret = DigestKey::new();
    let mut months: rustc_hash::FxHashMap<(i64, u32), (i64, IndexDigest)> =
        rustc_hash::FxHashMap::default();
    let mut entry = Vec::with_capacity(32);
    let mut hashed = Vec::with_capacity(16 << 10);
    // What the fund movements table should hold: a row per tagged posting.
    let mut movements = crate::store::records::TableDigest::default();
    ledger.for_each_stored_posting_set(|txn, stored_hash, stored, names| {
        let computed = check_transaction(
            txn,
            stored_hash,
            stored,
            names,
            (&prev, expected_id, &last_voucher),
            &mut hashed,
        )?;
        let month = account_index::month_key(txn.date);
        if stored.iter().any(|p| p.tag.is_some()) {
            let date = txn.date.to_string();
            for (line, p) in stored.iter().enumerate() {
                if let Some(tag) = &p.tag {
                    movements.add(&crate::store::movement_row_hash(
                        tag, txn.id, line, p.account, &date, p.fen,
                    ));
                }
            }
        }
        for (line, p) in stored.iter().enumerate() {
            let (total, digest) = months
                .entry((p.account, month))
                .or_insert_with(|| (0, IndexDigest::new(secret)));
            *total = total.checked_add(p.fen).ok_or_else(|| {
                Error::Tampered(crate::tr!(
                    "verify-month-overflow",
                    voucher = &txn.voucher,
                    account = p.account
                ))
            })?;
            entry.clear();
            account_index::push_entry(
                &mut entry,
                account_index::Entry {
                    txn: txn.id,
                    line: line as u32,
                    day: txn.date.day(),
                    fen: p.fen,
                },
            );
            digest.add(secret, &entry);
        }
        postings += stored.len() as i64;
        prev = computed;
        if let Some(h) = journal_at.get_mut(&txn.id) {
            *h = computed;
        }
        if let Some((month, seq)) = txn.voucher.rsplit_once('-') {
            let seq: i64 = seq.parse().unwrap_or(0);
            match voucher_last.get_mut(month) {
                Some(last) => *last = (*last).max(seq),
                None => {
                    voucher_last.insert(month.to_string(), seq);
                }
            }
        }
        expected_id += 1;
        last_voucher.clone_from(&txn.voucher);
        Ok(())
    })?;
    let transactions = expected_id - 1;
    let head = hex::encode(prev);
    match ledger.chain_head()? {
        None if transactions == 0 => {}
        None => return Err(Error::Tampered(crate::tr!("verify-head-missing"))),
        Some(recorded) => {
            if recorded.length != transactions {
                return Err(Error::Tampered(crate::tr!(
                    "verify-journal-length",
                    last = &last_voucher,
                    transactions = transactions,
                    recorded = recorded.length
                )));
            }
            if recorded.hash != head {
                return Err(Error::Tampered(crate::tr!(
                    "verify-journal-head",
                    recorded = short(&recorded.hash),
                    last = &last_voucher,
                    head = &head
                )));
            }
        }
    }
    let journal_head = prev;
    check_voucher_months(ledger, &voucher_last)?;
    let found = ledger.fund_movements_digest()?;
    if found != movements {
        return Err(Error::Tampered(crate::tr!(
            "verify-fund-movements",
            found = found.rows,
            expected = movements.rows
        )));
    }
    // One pass over the account index: each row's total and entries against the journal's.
    let mut wrong_totals: Vec<(i64, u32)> = Vec::new();
    let mut wrong_index: Vec<(i64, u32)> = Vec::new();
    ledger.account_index_rows(|month, account, total, entries| {
        let key = (account, month);
        match months.remove(&key) {
            Some((expected_total, expected)) => {
                if expected_total != total {
                    wrong_totals.push(key);
                }
                let mut found = IndexDigest::new(secret);
                found.add(secret, entries);
                if found.finish() != expected.finish() {
                    wrong_index.push(key);
                }
            }
            None if total != 0 => wrong_totals.push(key),
            None => wrong_index.push(key),
        }
        Ok(())
    })?;
    for (key, (total, _)) in months {
        if total != 0 {
            wrong_totals.push(key);
        } else {
            wrong_index.push(key);
        }
    }
    for (wrong, what) in [
        (wrong_totals, "verify-monthly-totals"),
        (wrong_index, "verify-account-index"),
    ] {
        if !wrong.is_empty() {
            // Names only now, for the message: a ledger may hold 100,000 household accounts.
            let names: HashMap<i64, String> = ledger
                .accounts()?
                .into_iter()
                .map(|a| (a.id, a.name))
                .collect();
            let mut wrong: Vec<String> = wrong
                .iter()
                .map(|(account, month)| {
                    format!(
                        "{} {}",
                        names.get(account).cloned().unwrap_or_else(|| crate::tr!(
                            "verify-account-number",
                            account = *account
                        )),
                        account_index::month_text(*month)
                    )
                })
                .collect();
            return Err(Error::Tampered(crate::tr!(
                what,
                list = first_few(&mut wrong)
            )));
        }
    }
    let records = check_records(ledger, &checkpoints)?;
    let head = ledger_head(&journal_head, transactions, &records.head, records.length);
    let signed_by_key = check_checkpoints(&checkpoints, &journal_at, &records.at, public_key)?;
    Ok(Verified {
        transactions,
        postings,
        records: records.length,
        tables: records.tables,
        rows: records.rows,
        head: hex::encode(head),
        checkpoints: checkpoints.len(),
        signed_by_key,
        last_checkpoint: checkpoints.last().cloned(),
    })
}

/// Check the journal from the transaction after the first `length`, whose chain stood at
/// `head` (hex) then — as a close recorded it — to the head recorded now, each transaction's
/// hash recomputed and its postings balanced; and the record chain over every other table.
/// What a close checks when an earlier close or reopen recorded where the journal stood: its
/// cost follows what was posted since, not the journal's size. Returns the transactions
/// checked.
pub fn verify_journal_since(ledger: &Ledger, length: i64, head: &str) -> Result<i64> {
    let start: Hash = hex::decode(head)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Error::Tampered(crate::tr!("verify-journal-head-unreadable")))?;
    let names = ledger.account_names()?;
    type Raw = (crate::ledger::Transaction, Vec<u8>, String);
    // Two threads: this one reads the rows, the other decodes and hashes them.
    let (read, hashed) = std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Raw>>(8);
        let names = &names;
        let hasher = scope.spawn(move || -> Result<(Hash, i64, String)> {
            let mut prev = start;
            let mut expected_id = length + 1;
            let mut last_voucher = String::from("(start of journal)");
            let mut hashed = Vec::with_capacity(16 << 10);
            let mut stored = Vec::new();
            for batch in receive {
                for (txn, stored_hash, json) in batch {
                    crate::store::decode_postings_into(&json, &mut stored).map_err(|e| {
                        Error::Tampered(crate::tr!(
                            "voucher-unreadable",
                            voucher = &txn.voucher,
                            reason = e.to_string()
                        ))
                    })?;
                    prev = check_transaction(
                        &txn,
                        &stored_hash,
                        &stored,
                        names,
                        (&prev, expected_id, &last_voucher),
                        &mut hashed,
                    )?;
                    expected_id += 1;
                    last_voucher = txn.voucher;
                }
            }
            Ok((prev, expected_id, last_voucher))
        });
        let mut batch: Vec<Raw> = Vec::with_capacity(BATCH);
        let read = ledger.for_each_raw_transaction_after(length, |txn, hash, json| {
            batch.push((txn, hash, json));
            if batch.len() == BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                // The hashing thread stopped at a bad transaction: stop reading.
                return Ok(send.send(full).is_ok());
            }
            Ok(true)
        });
        if !batch.is_empty() {
            let _ = send.send(batch);
        }
        drop(send);
        (
            read,
            hasher.join().expect("the hashing thread does not panic"),
        )
    });
    const BATCH: usize = 256;
    let (prev, expected_id, last_voucher) = hashed?;
    read?;
    let transactions = expected_id - 1;
    if let Some(recorded) = ledger.chain_head()? {
        if recorded.length != transactions || recorded.hash != hex::encode(prev) {
            return Err(Error::Tampered(crate::tr!(
                "verify-journal-head",
                recorded = short(&recorded.hash),
                last = &last_voucher,
                head = &hex::encode(prev)
            )));
        }
    }
    check_records(ledger, &ledger.checkpoints()?)?;
    Ok(transactions - length)
}

/// One transaction of the journal as `verify` checks it: it comes next (`expected_id`, after
/// `last_voucher`), its accounts exist, its hash is the chain's from `prev`, and its postings
/// balance. Returns its hash. Hashed borrowed: nothing is copied per posting.
fn check_transaction(
    txn: &crate::ledger::Transaction,
    stored_hash: &[u8],
    stored: &[crate::store::StoredPosting],
    names: &HashMap<i64, String>,
    (prev, expected_id, last_voucher): (&Hash, i64, &str),
    hashed: &mut Vec<u8>,
) -> Result<Hash> {
    if txn.id != expected_id {
        return Err(Error::Tampered(crate::tr!(
            "verify-missing-transactions",
            voucher = &txn.voucher,
            count = txn.id - expected_id,
            last = last_voucher
        )));
    }
    if let Some(p) = stored.iter().find(|p| !names.contains_key(&p.account)) {
        return Err(Error::Tampered(crate::tr!(
            "verify-unknown-account",
            voucher = &txn.voucher,
            account = p.account
        )));
    }
    let computed = chain_hash_with(
        hashed,
        prev,
        &txn.head(),
        stored.iter().map(|p| PostingContent {
            account: &names[&p.account],
            fen: p.fen,
            memo: p.memo.as_deref().unwrap_or(&txn.memo),
            household: p.household.as_deref(),
            reference: p.reference.as_deref(),
            tag: p.tag.as_ref().map(|t| t.content()),
        }),
    );
    if computed[..] != *stored_hash {
        return Err(Error::Tampered(crate::tr!(
            "verify-voucher-hash",
            voucher = &txn.voucher,
            date = txn.date
        )));
    }
    let off = stored
        .iter()
        .try_fold(0i64, |sum, p| sum.checked_add(p.fen))
        .map(Amount::from_fen);
    if off != Some(Amount::ZERO) || stored.len() < 2 {
        return Err(Error::Tampered(crate::tr!(
            "verify-unbalanced",
            voucher = &txn.voucher,
            sum = off.map_or_else(|| crate::tr!("verify-sum-overflow"), |a| a.to_string())
        )));
    }
    Ok(computed)
}

fn short(hex: &str) -> &str {
    &hex[..16.min(hex.len())]
}

/// Each month's last voucher number is the highest posted in that month.
fn check_voucher_months(ledger: &Ledger, posted: &HashMap<String, i64>) -> Result<()> {
    let stored = ledger.voucher_months()?;
    for (month, last) in &stored {
        let found = posted.get(month).copied().unwrap_or(0);
        if *last != found {
            return Err(Error::Tampered(crate::tr!(
                "verify-voucher-sequence",
                month = month,
                last = *last,
                found = found
            )));
        }
    }
    if let Some(month) = posted.keys().find(|m| !stored.iter().any(|(s, _)| s == *m)) {
        return Err(Error::Tampered(crate::tr!(
            "verify-voucher-sequence-missing",
            month = month
        )));
    }
    Ok(())
}

/// What the record chain covered.
struct RecordsChecked {
    length: i64,
    head: Hash,
    tables: usize,
    rows: i64,
    /// The chain's hash after each record a checkpoint stands at.
    at: HashMap<i64, Hash>,
}

/// Recompute the record chain, replay it into a digest per table, and compare each audited
/// table's rows with it.
fn check_records(ledger: &Ledger, checkpoints: &[Checkpoint]) -> Result<RecordsChecked> {
    let mut at: HashMap<i64, Hash> = checkpoints
        .iter()
        .map(|c| (c.records_length, [0xff; 32]))
        .collect();
    at.insert(0, GENESIS);
    let mut prev = GENESIS;
    let mut expected_seq = 1i64;
    let mut expected: HashMap<String, TableDigest> = HashMap::new();
    ledger.for_each_record(|r| {
        if r.seq != expected_seq {
            return Err(Error::Tampered(crate::tr!(
                "verify-records-missing",
                seq = r.seq,
                count = r.seq - expected_seq
            )));
        }
        let row: Hash = r
            .row_hash
            .try_into()
            .map_err(|_| Error::Tampered(crate::tr!("verify-row-hash-length", seq = r.seq)))?;
        let computed = record_hash(&prev, r.seq, r.table, r.change, &row);
        if computed[..] != *r.hash || (r.change != 1 && r.change != -1) {
            return Err(Error::Tampered(crate::tr!(
                "verify-record-hash",
                seq = r.seq,
                table = r.table
            )));
        }
        expected
            .entry(r.table.to_string())
            .or_default()
            .apply(r.change, &row);
        prev = computed;
        if let Some(h) = at.get_mut(&r.seq) {
            *h = computed;
        }
        expected_seq += 1;
        Ok(())
    })?;
    let length = expected_seq - 1;
    match ledger.records_head()? {
        None if length == 0 => {}
        None => return Err(Error::Tampered(crate::tr!("verify-records-head-missing"))),
        Some(recorded) => {
            if recorded.length != length || recorded.hash != hex::encode(prev) {
                return Err(Error::Tampered(crate::tr!(
                    "verify-records-length",
                    length = length,
                    recorded = recorded.length
                )));
            }
        }
    }
    let stored = ledger.stored_digests()?;
    let mut names: Vec<&String> = expected.keys().chain(stored.keys()).collect();
    names.sort();
    if let Some(table) = names.into_iter().find(|t| {
        expected.get(*t).copied().unwrap_or_default() != stored.get(*t).copied().unwrap_or_default()
    }) {
        return Err(Error::Tampered(crate::tr!("verify-digest", table = table)));
    }
    let tables = ledger.audited_tables()?;
    let mut rows = 0;
    for t in &tables {
        let want = expected.remove(&t.name).unwrap_or_default();
        let mut found = TableDigest::default();
        ledger.for_each_row_hash(t, |_, h| {
            found.add(&h);
            Ok(())
        })?;
        if found != want {
            return Err(Error::Tampered(diagnose(ledger, t)?));
        }
        rows += found.rows;
    }
    if let Some((table, _)) = expected.iter().find(|(_, d)| d.rows != 0) {
        return Err(Error::Tampered(crate::tr!(
            "verify-table-dropped",
            table = table
        )));
    }
    Ok(RecordsChecked {
        length,
        head: prev,
        tables: tables.len(),
        rows,
        at,
    })
}

/// Name the rows of `t` that differ from the record chain (only when a difference was found:
/// this holds the table's row hashes in memory).
fn diagnose(ledger: &Ledger, t: &AuditedTable) -> Result<String> {
    let mut recorded: HashMap<Hash, i64> = HashMap::new();
    ledger.for_each_record(|r| {
        if r.table == t.name {
            if let Ok(h) = <Hash>::try_from(r.row_hash) {
                *recorded.entry(h).or_insert(0) += r.change;
            }
        }
        Ok(())
    })?;
    let mut changed = Vec::new();
    ledger.for_each_row_hash(t, |key, h| {
        match recorded.get_mut(&h) {
            Some(n) if *n > 0 => *n -= 1,
            _ => changed.push(format!("({})", key())),
        }
        Ok(())
    })?;
    let deleted: i64 = recorded.values().filter(|n| **n > 0).sum();
    let mut what = Vec::new();
    if !changed.is_empty() {
        what.push(crate::tr!(
            "verify-rows-changed",
            count = changed.len(),
            rows = first_few(&mut changed)
        ));
    }
    if deleted > 0 {
        what.push(crate::tr!("verify-rows-missing", count = deleted));
    }
    Ok(crate::tr!(
        "verify-table-differs",
        table = &t.name,
        what = if what.is_empty() {
            crate::tr!("verify-rows-differ")
        } else {
            what.join("; ")
        }
    ))
}

/// Every checkpoint signs the head the chains had at its point; with a public key, that key
/// signed at least one. Returns how many checkpoints that key signed.
fn check_checkpoints(
    checkpoints: &[Checkpoint],
    journal_at: &HashMap<i64, Hash>,
    records_at: &HashMap<i64, Hash>,
    public_key: Option<&str>,
) -> Result<usize> {
    for c in checkpoints {
        let (Some(j), Some(r)) = (
            journal_at
                .get(&c.journal_length)
                .filter(|h| **h != [0xff; 32]),
            records_at
                .get(&c.records_length)
                .filter(|h| **h != [0xff; 32]),
        ) else {
            return Err(Error::Tampered(crate::tr!(
                "verify-checkpoint-cut",
                id = c.id,
                transactions = c.journal_length,
                records = c.records_length
            )));
        };
        let head = hex::encode(ledger_head(j, c.journal_length, r, c.records_length));
        if head != c.head {
            return Err(Error::Tampered(crate::tr!(
                "verify-checkpoint-rewritten",
                id = c.id,
                at = &c.signed_at,
                key = checkpoint::key_id(&c.public_key)
            )));
        }
        if !checkpoint::signature_holds(c) {
            return Err(Error::Tampered(crate::tr!(
                "verify-checkpoint-signature",
                id = c.id
            )));
        }
    }
    let Some(key) = public_key else {
        return Ok(0);
    };
    let signed = checkpoints.iter().filter(|c| c.public_key == key).count();
    if signed == 0 {
        return Err(Error::Tampered(crate::tr!(
            "verify-no-checkpoint-by-key",
            key = checkpoint::key_id(key)
        )));
    }
    Ok(signed)
}

/// The secret of one `verify`: a multiplier and a start drawn afresh each run, so that no edit
/// of the account index can be made to match a digest it cannot predict.
#[derive(Clone, Copy)]
struct DigestKey {
    start: u64,
    mul: u64,
}

impl DigestKey {
    fn new() -> DigestKey {
        let random = RandomState::new();
        DigestKey {
            start: random.hash_one(1u8),
            // Odd, so that multiplying loses no bits.
            mul: random.hash_one(2u8) | 1,
        }
    }
}

/// A keyed digest of a row of account index entries, and its length: 16 bytes, so that
/// `verify` keeps one per account and month (hundreds of thousands with a large run) cheaply.
#[derive(Clone, Copy)]
struct IndexDigest {
    state: u64,
    len: u64,
}

impl IndexDigest {
    fn new(key: DigestKey) -> IndexDigest {
        IndexDigest {
            state: key.start,
            len: 0,
        }
    }

    fn add(&mut self, key: DigestKey, bytes: &[u8]) {
        for &b in bytes {
            let x = (self.state ^ u64::from(b)).wrapping_mul(key.mul);
            self.state = x ^ (x >> 29);
        }
        self.len += bytes.len() as u64;
    }

    fn finish(&self) -> (u64, u64) {
        (self.state, self.len)
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
            crate::tr!("verify-and-more", more = more)
        } else {
            String::new()
        }
    )
}

//! Transactions and postings, the balancing rule, voucher numbers and the audit hash.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::money::{Amount, Total};

/// A posting line: an amount on an account (debit positive, credit negative).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Posting {
    pub account: String,
    pub amount: Amount,
    pub memo: String,
    /// The household this line concerns (户编号), if any.
    pub household: Option<String>,
    /// An outside reference: bank serial, document number.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
}

/// A transaction about to be posted: it has no voucher number yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTransaction {
    pub date: NaiveDate,
    pub memo: String,
    /// The id the transaction had in its source (the import file's `txn_id`); posting the same
    /// id twice is refused, which makes re-imports idempotent.
    pub external_id: Option<String>,
    /// The transaction this one reverses (database id), with the reason.
    pub reverses: Option<i64>,
    pub reason: Option<String>,
    pub postings: Vec<Posting>,
    /// What some postings say about fund money (by posting line): the fund, the purpose, the
    /// source, the donor (see `funds::movement`).
    pub tags: Vec<(usize, crate::funds::movement::FundTag)>,
}

/// A posted, immutable transaction as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Transaction {
    #[serde(skip)]
    pub id: i64,
    /// Voucher number: `YYYY-MM-NNNN`, numbered per month in posting order.
    pub voucher: String,
    pub date: NaiveDate,
    pub external_id: Option<String>,
    pub memo: String,
    #[serde(skip)]
    pub reverses: Option<i64>,
    pub reason: Option<String>,
    pub operator: String,
    /// When it was posted (local time, `YYYY-MM-DDTHH:MM:SS`).
    pub posted_at: String,
    pub postings: Vec<Posting>,
}

/// A posting's content as the audit hash covers it, borrowed from wherever it is held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PostingContent<'a> {
    pub account: &'a str,
    pub fen: i64,
    pub memo: &'a str,
    pub household: Option<&'a str>,
    pub reference: Option<&'a str>,
    /// What a posting on a fund's account says of the fund's money (see `funds::movement`).
    pub tag: Option<TagContent<'a>>,
}

/// The fund tag of a posting as posted: the fund's id, and the purpose the money is spent
/// on or given for, the source, the donor, the project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TagContent<'a> {
    pub fund: &'a str,
    pub purpose: Option<&'a str>,
    pub source: Option<&'a str>,
    pub donor: Option<&'a str>,
    pub project: Option<&'a str>,
}

impl Posting {
    pub fn content(&self) -> PostingContent<'_> {
        PostingContent {
            account: &self.account,
            fen: self.amount.fen(),
            memo: &self.memo,
            household: self.household.as_deref(),
            reference: self.reference.as_deref(),
            tag: None,
        }
    }
}

/// What a new transaction is besides its postings, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct NewHead<'a> {
    pub date: NaiveDate,
    pub memo: &'a str,
    pub external_id: Option<&'a str>,
    pub reverses: Option<i64>,
    pub reason: Option<&'a str>,
}

impl NewTransaction {
    pub fn head(&self) -> NewHead<'_> {
        NewHead {
            date: self.date,
            memo: &self.memo,
            external_id: self.external_id.as_deref(),
            reverses: self.reverses,
            reason: self.reason.as_deref(),
        }
    }
}

/// What a posted transaction is besides its postings, borrowed: the rest of what its audit
/// hash covers.
#[derive(Clone, Copy, Debug)]
pub struct TransactionHead<'a> {
    pub voucher: &'a str,
    pub date: NaiveDate,
    pub external_id: Option<&'a str>,
    pub memo: &'a str,
    pub reverses: Option<i64>,
    pub reason: Option<&'a str>,
    pub operator: &'a str,
    pub posted_at: &'a str,
}

impl Transaction {
    pub fn head(&self) -> TransactionHead<'_> {
        TransactionHead {
            voucher: &self.voucher,
            date: self.date,
            external_id: self.external_id.as_deref(),
            memo: &self.memo,
            reverses: self.reverses,
            reason: self.reason.as_deref(),
            operator: &self.operator,
            posted_at: &self.posted_at,
        }
    }
}

/// The exact sum of a transaction's postings; a balanced transaction sums to zero.
pub fn imbalance(postings: &[Posting]) -> Total {
    postings.iter().map(|p| p.amount).collect()
}

/// The voucher number for sequence `seq` in the month of `date`: `2024-12-0007`.
pub fn voucher_number(date: NaiveDate, seq: u32) -> String {
    format!("{}-{:04}", date.format("%Y-%m"), seq)
}

/// The month key (`2024-12`) a date's voucher numbers are counted in.
pub fn voucher_month(date: NaiveDate) -> String {
    date.format("%Y-%m").to_string()
}

/// Dates as users type them: `2024-12-20`, `2024/12/20`, also `2024-1-5` and `2024/1/5`.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let s = text.trim();
    if let Some(date) = iso_date(s) {
        return Ok(date);
    }
    let sep = if s.contains('/') { '/' } else { '-' };
    let parts: Vec<&str> = s.split(sep).collect();
    let bad = || crate::tr!("date-invalid", text = s);
    if parts.len() != 3
        || parts[0].len() != 4
        || !(1..=2).contains(&parts[1].len())
        || !(1..=2).contains(&parts[2].len())
        || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad());
    }
    let (y, m, d) = (
        parts[0].parse::<i32>().map_err(|_| bad())?,
        parts[1].parse::<u32>().map_err(|_| bad())?,
        parts[2].parse::<u32>().map_err(|_| bad())?,
    );
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| crate::tr!("date-not-in-calendar", text = s))
}

/// `YYYY-MM-DD` exactly and a real date, read without allocating; `None` otherwise (then
/// [`parse_date`] reads the other forms and says what is wrong).
pub fn iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// A SHA-256 chain hash.
pub type Hash = [u8; 32];

/// The hash before the first transaction.
pub const GENESIS: Hash = [0u8; 32];

/// The audit hash of a transaction: SHA-256 over the previous transaction's hash and this
/// transaction's canonical content (every stored field, every posting in line order, each field
/// length-prefixed so no two different transactions share a canonical form).
pub fn chain_hash(prev: &Hash, t: &Transaction) -> Hash {
    chain_hash_with(
        &mut Vec::new(),
        prev,
        &t.head(),
        t.postings.iter().map(Posting::content),
    )
}

/// [`chain_hash`] of a transaction held in borrowed parts, gathering the bytes in `bytes`
/// (cleared first, and kept by the caller for the next transaction).
pub fn chain_hash_with<'a>(
    bytes: &mut Vec<u8>,
    prev: &Hash,
    t: &TransactionHead<'_>,
    postings: impl ExactSizeIterator<Item = PostingContent<'a>>,
) -> Hash {
    // Gathered and hashed a few kilobytes at a time: much faster than feeding SHA-256 field
    // by field, and a voucher with a posting per household needs no more memory than one.
    const CHUNK: usize = 8 << 10;
    let mut sha = Sha256::new();
    bytes.clear();
    bytes.extend_from_slice(b"townledger-v1");
    bytes.extend_from_slice(prev);
    let field = |bytes: &mut Vec<u8>, b: &[u8]| {
        bytes.extend_from_slice(&(b.len() as u64).to_le_bytes());
        bytes.extend_from_slice(b);
    };
    field(bytes, t.voucher.as_bytes());
    let (y, m, d) = (t.date.year(), t.date.month(), t.date.day());
    field(bytes, &[(y / 100) as u8, (y % 100) as u8, m as u8, d as u8]);
    field(bytes, t.external_id.unwrap_or("\u{0}").as_bytes());
    field(bytes, t.memo.as_bytes());
    field(bytes, &t.reverses.unwrap_or(0).to_le_bytes());
    field(bytes, t.reason.unwrap_or("\u{0}").as_bytes());
    field(bytes, t.operator.as_bytes());
    field(bytes, t.posted_at.as_bytes());
    field(bytes, &(postings.len() as u64).to_le_bytes());
    for p in postings {
        field(bytes, p.account.as_bytes());
        field(bytes, &p.fen.to_le_bytes());
        field(bytes, p.memo.as_bytes());
        field(bytes, p.household.unwrap_or("\u{0}").as_bytes());
        field(bytes, p.reference.unwrap_or("\u{0}").as_bytes());
        // A fund tag is hashed after a marker no account name can be; an untagged posting
        // hashes as it always has.
        if let Some(t) = p.tag {
            field(bytes, b"\x00fund");
            field(bytes, t.fund.as_bytes());
            for part in [t.purpose, t.source, t.donor, t.project] {
                field(bytes, part.unwrap_or("\u{0}").as_bytes());
            }
        }
        if bytes.len() >= CHUNK {
            sha.update(&bytes[..]);
            bytes.clear();
        }
    }
    sha.update(&bytes[..]);
    sha.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn txn() -> Transaction {
        Transaction {
            id: 1,
            voucher: "2024-12-0001".into(),
            date: NaiveDate::from_ymd_opt(2024, 12, 20).unwrap(),
            external_id: Some("T1".into()),
            memo: "程村蚝分红".into(),
            reverses: None,
            reason: None,
            operator: "clerk".into(),
            posted_at: "2024-12-20T10:00:00".into(),
            postings: vec![
                Posting {
                    account: "资产:银行存款".into(),
                    amount: Amount::from_yuan(135_600),
                    memo: String::new(),
                    household: None,
                    reference: None,
                },
                Posting {
                    account: "收入:投资收益".into(),
                    amount: Amount::from_yuan(-135_600),
                    memo: String::new(),
                    household: None,
                    reference: None,
                },
            ],
        }
    }

    #[test]
    fn every_field_changes_the_hash() {
        let base = chain_hash(&GENESIS, &txn());
        let mut variants: Vec<Transaction> = Vec::new();
        let mut t = txn();
        t.voucher = "2024-12-0002".into();
        variants.push(t);
        let mut t = txn();
        t.date = NaiveDate::from_ymd_opt(2024, 12, 21).unwrap();
        variants.push(t);
        let mut t = txn();
        t.memo.push('x');
        variants.push(t);
        let mut t = txn();
        t.postings[0].amount = Amount::from_fen(1);
        variants.push(t);
        let mut t = txn();
        t.postings[1].account = "收入:其他收入".into();
        variants.push(t);
        let mut t = txn();
        t.postings.pop();
        variants.push(t);
        let mut t = txn();
        t.postings[0].household = Some("H0001".into());
        variants.push(t);
        for v in variants {
            assert_ne!(chain_hash(&GENESIS, &v), base);
        }
        assert_ne!(chain_hash(&[1u8; 32], &txn()), base);
        assert_eq!(chain_hash(&GENESIS, &txn()), base);
    }

    /// The canonical form, gathered whole and hashed at once: what every stored hash was
    /// computed as, and must stay.
    fn hashed_at_once(prev: &Hash, t: &Transaction) -> Hash {
        let mut bytes: Vec<u8> = b"townledger-v1".to_vec();
        bytes.extend_from_slice(prev);
        let mut field = |b: &[u8]| {
            bytes.extend_from_slice(&(b.len() as u64).to_le_bytes());
            bytes.extend_from_slice(b);
        };
        field(t.voucher.as_bytes());
        let (y, m, d) = (t.date.year(), t.date.month(), t.date.day());
        field(&[(y / 100) as u8, (y % 100) as u8, m as u8, d as u8]);
        field(t.external_id.as_deref().unwrap_or("\u{0}").as_bytes());
        field(t.memo.as_bytes());
        field(&t.reverses.unwrap_or(0).to_le_bytes());
        field(t.reason.as_deref().unwrap_or("\u{0}").as_bytes());
        field(t.operator.as_bytes());
        field(t.posted_at.as_bytes());
        field(&(t.postings.len() as u64).to_le_bytes());
        for p in &t.postings {
            field(p.account.as_bytes());
            field(&p.amount.fen().to_le_bytes());
            field(p.memo.as_bytes());
            field(p.household.as_deref().unwrap_or("\u{0}").as_bytes());
            field(p.reference.as_deref().unwrap_or("\u{0}").as_bytes());
        }
        Sha256::digest(&bytes).into()
    }

    #[test]
    fn the_hash_is_the_canonical_form_hashed_whatever_its_size() {
        let small = txn();
        assert_eq!(
            chain_hash(&GENESIS, &small),
            hashed_at_once(&GENESIS, &small)
        );
        // A voucher paying thousands of households: its bytes are hashed in pieces.
        let mut large = txn();
        large.postings = (0..3000)
            .map(|i| Posting {
                account: format!("负债:应付款:农户:H{i:06}"),
                amount: Amount::from_fen(100 + i),
                memo: "动态帮扶 发放 第1批".into(),
                household: Some(format!("H{i:06}")),
                reference: (i % 3 == 0).then(|| format!("B{i}")),
            })
            .collect();
        let prev = [7u8; 32];
        assert_eq!(chain_hash(&prev, &large), hashed_at_once(&prev, &large));
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2024, 1, 5).unwrap();
        assert_eq!(parse_date("2024-01-05"), Ok(d));
        assert_eq!(parse_date("2024/01/05"), Ok(d));
        assert_eq!(parse_date("2024/1/5"), Ok(d));
        assert!(parse_date("2024-13-01").is_err());
        assert!(parse_date("2024-02-30").is_err());
        assert!(parse_date("20240105").is_err());
        assert!(parse_date("05/01/2024").is_err());
        assert!(parse_date("").is_err());
        assert_eq!(voucher_number(d, 7), "2024-01-0007");
    }
}

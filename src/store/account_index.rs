//! The account index: for each month and account, where that account's postings are.
//!
//! One row per (month, account) in `account_postings`, its `entries` a packed list of
//! (transaction id, posting's place in the transaction, day of month, amount in fen), in
//! posting order — each a few bytes. A register reads a handful of rows and then the
//! transactions themselves; a balance part-way through a month sums the entries without
//! reading any transaction. A write appends to the rows it touches once, at commit, whatever
//! the number of postings; `verify` rebuilds the whole index from the journal and compares.

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection};

use super::FastMap;
use crate::error::{Error, Result};
use crate::money::{too_large, Total};

/// One posting in the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub txn: i64,
    /// The posting's place in its transaction, from 0.
    pub line: u32,
    pub day: u32,
    pub fen: i64,
}

/// `yyyy * 100 + mm` (years outside 0–9999, as in open date bounds, clamped).
pub(crate) fn month_key(date: NaiveDate) -> u32 {
    date.year().clamp(0, 9999) as u32 * 100 + date.month()
}

/// `2024-12` for `202412`.
pub(crate) fn month_text(key: u32) -> String {
    format!("{:04}-{:02}", key / 100, key % 100)
}

/// `202412` for `2024-12`, as voucher numbers name months.
pub(crate) fn month_of(text: &str) -> Option<u32> {
    let (y, m) = text.split_once('-')?;
    Some(y.parse::<u32>().ok()? * 100 + m.parse::<u32>().ok()?)
}

/// The day `day` of month `202412`.
pub(crate) fn month_day(key: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt((key / 100) as i32, key % 100, day)
}

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn read_varint(s: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = *s.get(*at)?;
        *at += 1;
        if shift > 63 {
            return None;
        }
        v |= ((b & 0x7f) as u64) << shift;
        if b < 0x80 {
            return Some(v);
        }
        shift += 7;
    }
}

/// Append one entry to a packed list.
pub(crate) fn push_entry(out: &mut Vec<u8>, e: Entry) {
    push_varint(out, e.txn as u64);
    push_varint(out, e.line as u64);
    out.push(e.day as u8);
    push_varint(out, ((e.fen << 1) ^ (e.fen >> 63)) as u64);
}

/// Every entry of a packed list, in order.
pub(crate) fn decode_entries(blob: &[u8], mut f: impl FnMut(Entry)) -> Result<()> {
    let mut at = 0;
    while at < blob.len() {
        let entry = (|| {
            let txn = read_varint(blob, &mut at)?;
            let line = read_varint(blob, &mut at)?;
            let day = *blob.get(at)?;
            at += 1;
            let z = read_varint(blob, &mut at)?;
            Some(Entry {
                txn: i64::try_from(txn).ok()?,
                line: u32::try_from(line).ok()?,
                day: day as u32,
                fen: ((z >> 1) as i64) ^ -((z & 1) as i64),
            })
        })()
        .ok_or_else(|| Error::Tampered(crate::tr!("index-unreadable")))?;
        f(entry);
    }
    Ok(())
}

/// Postings not yet written to the index, by (month, account): their total and their entries.
/// Kept by the write path.
#[derive(Default)]
pub struct Pending {
    /// (month, account, total, entries), in the order first posted to.
    rows: Vec<PendingRow>,
    /// For an account id below [`DENSE_IDS`]: 1 + the place in `rows` of the row it was
    /// last posted to (0: none yet). A transaction's next posting to the account is nearly
    /// always in that row's month, and this short array stays in the processor's cache,
    /// where a map of every (month, account) does not.
    latest: Vec<u32>,
    /// The place in `rows` of every row, by (month, account).
    by_key: FastMap<(u32, i64), u32>,
    bytes: usize,
}

struct PendingRow {
    month: u32,
    account: i64,
    /// Exact whatever the postings; checked to fit the stored i64 when written.
    total: i128,
    entries: Vec<u8>,
}

/// Account ids found through [`Pending::latest`]; larger ones through the map alone.
const DENSE_IDS: i64 = 1 << 22;

/// Write pending postings out when their entries take more than this much memory, so that
/// an import of any size runs in bounded memory.
const FLUSH_BYTES: usize = 8 << 20;

impl Pending {
    pub(crate) fn push(&mut self, month: u32, account: i64, e: Entry) {
        let dense = (0..DENSE_IDS)
            .contains(&account)
            .then_some(account as usize);
        let latest = dense.and_then(|slot| match self.latest.get(slot) {
            Some(&at) if at > 0 && self.rows[at as usize - 1].month == month => {
                Some(at as usize - 1)
            }
            _ => None,
        });
        let at = match latest {
            Some(at) => at,
            None => {
                let at = *self.by_key.entry((month, account)).or_insert_with(|| {
                    self.rows.push(PendingRow {
                        month,
                        account,
                        total: 0,
                        entries: Vec::new(),
                    });
                    (self.rows.len() - 1) as u32
                });
                if let Some(slot) = dense {
                    if slot >= self.latest.len() {
                        self.latest.resize(slot + 1, 0);
                    }
                    self.latest[slot] = at + 1;
                }
                at as usize
            }
        };
        let row = &mut self.rows[at];
        row.total += i128::from(e.fen);
        let before = row.entries.len();
        push_entry(&mut row.entries, e);
        self.bytes += row.entries.len() - before;
    }

    /// (month, account) of every pending row.
    pub(crate) fn keys(&self) -> impl Iterator<Item = (u32, i64)> + '_ {
        self.rows.iter().map(|r| (r.month, r.account))
    }

    pub(crate) fn is_large(&self) -> bool {
        self.bytes >= FLUSH_BYTES
    }

    /// Add everything pending to the stored totals and index rows. A month total that would
    /// go beyond what an i64 of fen holds is refused (the caller's write then rolls back),
    /// never wrapped nor turned into a floating-point number by SQLite.
    pub(crate) fn flush(&mut self, conn: &Connection) -> Result<()> {
        let mut rows = std::mem::take(&mut self.rows);
        self.latest.clear();
        self.by_key.clear();
        self.bytes = 0;
        if let Some(r) = rows.iter().find(|r| i64::try_from(r.total).is_err()) {
            return Err(month_total_too_large(
                conn,
                r.month,
                r.account,
                Total::ZERO,
                r.total,
            ));
        }
        rows.sort_unstable_by_key(|r| (r.month, r.account));
        // SQLite turns an integer sum that overflows into a floating-point one: such a row is
        // not updated, and the count of rows changed tells.
        let changed = super::journal::insert_rows(
            conn,
            "INSERT INTO account_postings (month, account, total, entries)",
            4,
            " ON CONFLICT (month, account) DO UPDATE SET total = total + excluded.total, entries = CAST(entries || excluded.entries AS BLOB) WHERE typeof(total + excluded.total) = 'integer'",
            rows.iter(),
            |stmt, at, r| {
                stmt.raw_bind_parameter(at + 1, r.month)?;
                stmt.raw_bind_parameter(at + 2, r.account)?;
                stmt.raw_bind_parameter(at + 3, r.total as i64)?;
                stmt.raw_bind_parameter(at + 4, &r.entries)
            },
        )?;
        if changed != rows.len() {
            // The row left as it was (its entries not appended) is the one that overflows.
            let mut stmt = conn.prepare(
                "SELECT total, entries FROM account_postings WHERE month = ?1 AND account = ?2",
            )?;
            for r in &rows {
                let (stored, entries): (i64, Vec<u8>) = stmt
                    .query_row(params![r.month, r.account], |row| {
                        Ok((row.get(0)?, row.get(1)?))
                    })?;
                if !entries.ends_with(&r.entries) {
                    let mut sum = Total::ZERO;
                    sum.add_fen(stored);
                    return Err(month_total_too_large(
                        conn, r.month, r.account, sum, r.total,
                    ));
                }
            }
            return Err(Error::rule(crate::tr!("index-month-too-large")));
        }
        Ok(())
    }
}

/// The error for a month total of `account` beyond an i64 of fen: `stored` plus `adding`.
fn month_total_too_large(
    conn: &Connection,
    month: u32,
    account: i64,
    stored: Total,
    adding: i128,
) -> Error {
    let name: Option<String> = conn
        .query_row("SELECT name FROM accounts WHERE id = ?1", [account], |r| {
            r.get(0)
        })
        .ok();
    let total = stored.plus_fen(adding);
    let refused = too_large(
        &crate::tr!(
            "index-total-of",
            account =
                name.unwrap_or_else(|| crate::tr!("verify-account-number", account = account)),
            month = month_text(month)
        ),
        total,
    );
    Error::Rule(crate::tr!(
        "index-nothing-written",
        refused = refused.to_string()
    ))
}

/// Build the per-month totals and the index afresh from the journal (after the migration
/// that introduced the index).
pub(crate) fn rebuild(conn: &Connection) -> Result<()> {
    conn.execute_batch("DELETE FROM account_postings")?;
    let mut pending = Pending::default();
    let mut stmt = conn.prepare("SELECT id, date, postings FROM transactions ORDER BY id")?;
    let mut rows = stmt.query([])?;
    let mut postings = Vec::new();
    while let Some(row) = rows.next()? {
        let txn: i64 = row.get(0)?;
        let date: String = row.get(1)?;
        let date = NaiveDate::parse_from_str(&date, "%Y-%m-%d")
            .map_err(|_| Error::Tampered(crate::tr!("index-txn-no-date", txn = txn)))?;
        super::postings_json::decode_into(row.get_ref(2)?.as_str()?, &mut postings)?;
        for (line, p) in postings.iter().enumerate() {
            pending.push(
                month_key(date),
                p.account,
                Entry {
                    txn,
                    line: line as u32,
                    day: date.day(),
                    fen: p.fen,
                },
            );
        }
        if pending.is_large() {
            pending.flush(conn)?;
        }
    }
    pending.flush(conn)
}

/// The stored index, row by row: (month, account id, total, entries).
pub(crate) fn stored_rows(
    conn: &Connection,
    mut f: impl FnMut(u32, i64, i64, &[u8]) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare("SELECT month, account, total, entries FROM account_postings")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let month: u32 = row.get(0)?;
        let account: i64 = row.get(1)?;
        let total: i64 = row.get(2)?;
        let blob = row.get_ref(3)?.as_blob_or_null()?.unwrap_or_default();
        f(month, account, total, blob)?;
    }
    Ok(())
}

/// The months that may have index rows, in order: those with a voucher (every transaction
/// takes its voucher number in its own month, so every posting's month is one). They are read
/// from `voucher_months`, a row per month, and not by seeking through the index itself: the
/// first row of a month is often a busy account's, whose entries run over many overflow pages,
/// and SQLite reads all of them to compare a key with it. Read once for a register of many
/// accounts and handed to the `…_in` functions.
pub(crate) fn index_months(conn: &Connection) -> Result<Vec<u32>> {
    let mut stmt = conn.prepare_cached("SELECT month FROM voucher_months")?;
    let mut rows = stmt.query([])?;
    let mut months = Vec::new();
    while let Some(row) = rows.next()? {
        if let Some(month) = month_of(row.get_ref(0)?.as_str()?) {
            months.push(month);
        }
    }
    months.sort_unstable();
    Ok(months)
}

/// Each of `account`'s rows for those of `months` in `lo..=hi`, in month order: (month,
/// total, entries). Without a per-account index, the account's row is looked up in each month.
fn account_rows(
    conn: &Connection,
    months: &[u32],
    account: i64,
    lo: u32,
    hi: u32,
    mut f: impl FnMut(u32, i64, &[u8]) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT total, entries FROM account_postings WHERE month = ?1 AND account = ?2",
    )?;
    for &month in months.iter().filter(|m| (lo..=hi).contains(*m)) {
        let mut rows = stmt.query(params![month, account])?;
        if let Some(row) = rows.next()? {
            let total: i64 = row.get(0)?;
            f(month, total, row.get_ref(1)?.as_blob().unwrap_or_default())?;
        }
    }
    Ok(())
}

/// The total of `account`'s postings, all dates.
pub(crate) fn account_total(conn: &Connection, account: i64) -> Result<Total> {
    let mut sum = Total::ZERO;
    account_rows(
        conn,
        &index_months(conn)?,
        account,
        0,
        u32::MAX,
        |_, total, _| {
            sum.add_fen(total);
            Ok(())
        },
    )?;
    Ok(sum)
}

/// The postings of `account` dated `from..=to`, in date order and then posting order:
/// (date, entry).
pub(crate) fn entries_of(
    conn: &Connection,
    account: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(NaiveDate, Entry)>> {
    entries_in(conn, &index_months(conn)?, account, from, to)
}

/// [`entries_of`], the months given (see [`index_months`]).
pub(crate) fn entries_in(
    conn: &Connection,
    months: &[u32],
    account: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(NaiveDate, Entry)>> {
    let mut out = Vec::new();
    let (lo, hi) = (month_key(from), month_key(to));
    account_rows(conn, months, account, lo, hi, |month, _, blob| {
        let start = out.len();
        decode_entries(blob, |e| {
            if let Some(date) = month_day(month, e.day).filter(|d| (from..=to).contains(d)) {
                out.push((date, e));
            }
        })?;
        // Within a month, by day (a stable sort keeps posting order within a day).
        out[start..].sort_by_key(|(date, _)| *date);
        Ok(())
    })?;
    Ok(out)
}

/// Add each account's postings dated `from..=to` (both in one month) to `totals`.
pub(crate) fn month_part_totals(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    totals: &mut std::collections::HashMap<i64, Total>,
) -> Result<()> {
    let (from_day, to_day) = (from.day(), to.day());
    let mut stmt =
        conn.prepare_cached("SELECT account, entries FROM account_postings WHERE month = ?1")?;
    let mut rows = stmt.query([month_key(from)])?;
    while let Some(row) = rows.next()? {
        let account: i64 = row.get(0)?;
        let blob = row.get_ref(1)?.as_blob().unwrap_or_default();
        let sum = totals.entry(account).or_default();
        decode_entries(blob, |e| {
            if (from_day..=to_day).contains(&e.day) {
                sum.add_fen(e.fen);
            }
        })?;
    }
    Ok(())
}

/// The balance of `account` from postings dated before `date`.
pub(crate) fn balance_before(conn: &Connection, account: i64, date: NaiveDate) -> Result<Total> {
    balance_before_in(conn, &index_months(conn)?, account, date)
}

/// [`balance_before`], the months given (see [`index_months`]).
pub(crate) fn balance_before_in(
    conn: &Connection,
    months: &[u32],
    account: i64,
    date: NaiveDate,
) -> Result<Total> {
    let month = month_key(date);
    let mut sum = Total::ZERO;
    account_rows(conn, months, account, 0, month, |m, total, blob| {
        if m < month {
            sum.add_fen(total);
        } else {
            decode_entries(blob, |e| {
                if e.day < date.day() {
                    sum.add_fen(e.fen);
                }
            })?;
        }
        Ok(())
    })?;
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn entries_round_trip(entries in prop::collection::vec(
            (0i64..i64::MAX, any::<u32>(), 1u32..=31, any::<i64>()), 0..50)
        ) {
            let entries: Vec<Entry> = entries
                .into_iter()
                .map(|(txn, line, day, fen)| Entry { txn, line, day, fen })
                .collect();
            let mut blob = Vec::new();
            for e in &entries {
                push_entry(&mut blob, *e);
            }
            let mut back = Vec::new();
            decode_entries(&blob, |e| back.push(e)).unwrap();
            prop_assert_eq!(back, entries);
        }
    }

    #[test]
    fn a_cut_list_is_refused() {
        let mut blob = Vec::new();
        push_entry(
            &mut blob,
            Entry {
                txn: 300,
                line: 1,
                day: 5,
                fen: -1_000_000,
            },
        );
        blob.pop();
        assert!(decode_entries(&blob, |_| {}).is_err());
    }

    fn index_table() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE account_postings (month INTEGER, account INTEGER, total INTEGER,
             entries BLOB, PRIMARY KEY (month, account)) WITHOUT ROWID;
             CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT);
             INSERT INTO accounts VALUES (7, '资产:库存现金');",
        )
        .unwrap();
        conn
    }

    fn stored_total(conn: &Connection) -> i64 {
        conn.query_row("SELECT total FROM account_postings", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_month_total_beyond_an_i64_is_refused_not_wrapped() {
        let conn = index_table();
        let mut pending = Pending::default();
        // 92,234 postings of the largest amount: more than an i64 of fen.
        for txn in 0..92_234 {
            let fen = crate::money::Amount::MAX.fen();
            pending.push(
                202403,
                7,
                Entry {
                    txn,
                    line: 0,
                    day: 5,
                    fen,
                },
            );
        }
        let err = pending.flush(&conn).unwrap_err().to_string();
        assert_eq!(
            err,
            "the total of 资产:库存现金 for 2024-03 would be 92,233,999,999,999,077.66, beyond the largest total a ledger keeps (±92,233,720,368,547,758.07); nothing was written"
        );
        let rows: i64 = conn
            .query_row("SELECT COUNT(*) FROM account_postings", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 0);
        // Stored and pending each fit, their sum does not: the row is left as it was.
        let mut pending = Pending::default();
        pending.push(
            202403,
            7,
            Entry {
                txn: 1,
                line: 0,
                day: 5,
                fen: i64::MAX - 10,
            },
        );
        pending.flush(&conn).unwrap();
        pending.push(
            202403,
            7,
            Entry {
                txn: 2,
                line: 0,
                day: 6,
                fen: 10,
            },
        );
        pending.flush(&conn).unwrap();
        assert_eq!(stored_total(&conn), i64::MAX);
        pending.push(
            202403,
            7,
            Entry {
                txn: 3,
                line: 0,
                day: 7,
                fen: 1,
            },
        );
        let err = pending.flush(&conn).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "the total of 资产:库存现金 for 2024-03 would be 92,233,720,368,547,758.08, beyond"
            ),
            "{err}"
        );
        assert_eq!(stored_total(&conn), i64::MAX);
    }

    proptest! {
        /// Whatever is stored and added near the limits, the stored total is the exact sum,
        /// or the write is refused and the row left as it was.
        #[test]
        fn month_totals_near_the_limit_are_exact_or_refused(
            near_max in any::<bool>(),
            headroom in 0i64..1_000_000_000_000_000,
            adds in prop::collection::vec(-99_999_999_999_999i64..=99_999_999_999_999, 1..20),
        ) {
            let conn = index_table();
            let start = if near_max { i64::MAX - headroom } else { i64::MIN + headroom };
            conn.execute(
                "INSERT INTO account_postings VALUES (202403, 7, ?1, X'')",
                [start],
            ).unwrap();
            let mut pending = Pending::default();
            for (txn, &fen) in adds.iter().enumerate() {
                pending.push(202403, 7, Entry { txn: txn as i64, line: 0, day: 5, fen });
            }
            let exact = i128::from(start) + adds.iter().map(|&f| i128::from(f)).sum::<i128>();
            match (pending.flush(&conn), i64::try_from(exact)) {
                (Ok(()), Ok(fits)) => prop_assert_eq!(stored_total(&conn), fits),
                (Err(e), Err(_)) => {
                    prop_assert!(e.to_string().contains("beyond the largest total a ledger keeps"));
                    prop_assert_eq!(stored_total(&conn), start);
                }
                (result, _) => prop_assert!(false, "{result:?} for an exact sum of {exact}"),
            }
        }
    }

    #[test]
    fn appended_rows_keep_every_byte() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE account_postings (month INTEGER, account INTEGER, total INTEGER,
             entries BLOB, PRIMARY KEY (month, account)) WITHOUT ROWID;",
        )
        .unwrap();
        let mut pending = Pending::default();
        let all: Vec<Entry> = (0..300)
            .map(|i| Entry {
                txn: i * 1000,
                line: 0,
                day: 1 + (i % 28) as u32,
                fen: if i % 2 == 0 { 0 } else { -(i << 20) },
            })
            .collect();
        for chunk in all.chunks(70) {
            for e in chunk {
                pending.push(202412, 7, *e);
            }
            pending.flush(&conn).unwrap();
        }
        let blob: Vec<u8> = conn
            .query_row("SELECT entries FROM account_postings", [], |r| r.get(0))
            .unwrap();
        let mut back = Vec::new();
        decode_entries(&blob, |e| back.push(e)).unwrap();
        assert_eq!(back, all);
        let total: i64 = conn
            .query_row(
                "SELECT total FROM account_postings WHERE month = 202412",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(total, all.iter().map(|e| e.fen).sum::<i64>());
    }
}

//! The record chain: every write to every table that is not the journal, recorded.
//!
//! The journal (`transactions`) carries its own hash chain. Every other table a report or a
//! payment reads — accounts, the household register, projects, dividends, tilts, runs, their
//! lines and payments, checkpoints, the town's name, and any table added later — is *audited*:
//! each row inserted, updated or deleted adds a record to `audit_log` (the table, `+1` for a
//! row that now exists or `-1` for one that no longer does, and the SHA-256 of the row's
//! canonical form), chained to the record before it. Nothing has to remember to do this: while
//! a command writes, temporary triggers on its own connection (generated from the schema, so a
//! new table is covered without a line of code) note every changed row, and the commit appends
//! their records (see [`seal`]).
//!
//! `verify` replays the chain into a multiset digest per table (the row hashes added minus
//! those removed, lane-wise mod 2^64) and compares it with a digest of what the table holds:
//! an edited, inserted or deleted row shows, with bounded memory, whatever the tables' size.
//!
//! The tables left out are derived, and `verify` re-derives them instead: the account index,
//! the fund movements and the voucher sequences (from the journal), and the meta keys holding
//! the chains' heads.

use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest as _, Sha256};

use crate::error::{Error, Result};
use crate::ledger::transaction::{Hash, GENESIS};

/// Tables that are not audited row by row: the journal (its own chain), what is derived from
/// it (checked by `verify` against it), and the record chain itself.
pub const UNAUDITED: &[&str] = &[
    "transactions",
    "account_postings",
    "fund_movements",
    "voucher_months",
    "audit_log",
    "audit_digests",
];

/// `meta` keys that are derived (the chains' heads and lengths), left out of the records.
pub const DERIVED_META_KEYS: &[&str] = &[
    "chain_head",
    "chain_length",
    "records_head",
    "records_length",
];

/// The SQL function the triggers call: `townledger_row_hash('table', col1, col2, …)`.
const ROW_HASH_FUNCTION: &str = "townledger_row_hash";

/// An audited table: its name and columns, in the schema's order.
#[derive(Clone, Debug)]
pub struct AuditedTable {
    pub name: String,
    pub columns: Vec<String>,
    /// The primary key's columns (the rowid when there are none), to name a row.
    pub key: Vec<String>,
}

impl AuditedTable {
    /// Rows of the table as audited (`meta` without its derived keys).
    fn filter(&self) -> String {
        if self.name == "meta" {
            format!(" WHERE key NOT IN {}", derived_meta_keys())
        } else {
            String::new()
        }
    }

    /// `SELECT` of every audited row: the key's columns, then all columns.
    pub fn select_sql(&self) -> String {
        let cols: Vec<String> = self
            .key
            .iter()
            .chain(&self.columns)
            .map(|c| quote(c))
            .collect();
        format!(
            "SELECT {} FROM main.{}{}",
            cols.join(", "),
            quote(&self.name),
            self.filter()
        )
    }
}

/// [`DERIVED_META_KEYS`] as an SQL list: `('chain_head', …)`.
fn derived_meta_keys() -> String {
    let keys: Vec<String> = DERIVED_META_KEYS.iter().map(|k| format!("'{k}'")).collect();
    format!("({})", keys.join(","))
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// The audited tables of the ledger, in name order.
pub fn audited_tables(conn: &Connection) -> Result<Vec<AuditedTable>> {
    let mut names: Vec<String> = conn
        .prepare(
            "SELECT name FROM main.sqlite_master WHERE type = 'table'
             AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    names.retain(|n| !UNAUDITED.contains(&n.as_str()));
    names
        .into_iter()
        .map(|name| {
            let mut columns = Vec::new();
            let mut key: Vec<(i64, String)> = Vec::new();
            let mut stmt = conn.prepare(&format!("PRAGMA main.table_info({})", quote(&name)))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let column: String = r.get(1)?;
                let pk: i64 = r.get(5)?;
                if pk > 0 {
                    key.push((pk, column.clone()));
                }
                columns.push(column);
            }
            key.sort();
            let mut key: Vec<String> = key.into_iter().map(|(_, c)| c).collect();
            if key.is_empty() {
                key.push("rowid".into());
            }
            Ok(AuditedTable { name, columns, key })
        })
        .collect()
}

/// A row's hash: SHA-256 over the table's name and each value with its storage class.
pub struct RowHasher {
    sha: Sha256,
}

impl RowHasher {
    pub fn new(table: &str) -> RowHasher {
        let mut sha = Sha256::new();
        sha.update(b"townledger row v1\0");
        sha.update((table.len() as u64).to_le_bytes());
        sha.update(table.as_bytes());
        RowHasher { sha }
    }

    pub fn value(&mut self, v: ValueRef<'_>) {
        match v {
            ValueRef::Null => self.sha.update([0u8]),
            ValueRef::Integer(i) => {
                self.sha.update([1u8]);
                self.sha.update(i.to_le_bytes());
            }
            ValueRef::Real(f) => {
                self.sha.update([2u8]);
                self.sha.update(f.to_bits().to_le_bytes());
            }
            ValueRef::Text(t) => {
                self.sha.update([3u8]);
                self.sha.update((t.len() as u64).to_le_bytes());
                self.sha.update(t);
            }
            ValueRef::Blob(b) => {
                self.sha.update([4u8]);
                self.sha.update((b.len() as u64).to_le_bytes());
                self.sha.update(b);
            }
        }
    }

    pub fn finish(self) -> Hash {
        self.sha.finalize().into()
    }
}

/// A multiset digest: the sum of row hashes, as four lanes mod 2^64. Adding and removing the
/// same row cancel out, whatever the order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TableDigest {
    lanes: [u64; 4],
    pub rows: i64,
}

impl TableDigest {
    pub fn add(&mut self, h: &Hash) {
        for (lane, chunk) in self.lanes.iter_mut().zip(h.chunks_exact(8)) {
            *lane = lane.wrapping_add(u64::from_le_bytes(chunk.try_into().unwrap()));
        }
        self.rows += 1;
    }

    pub fn remove(&mut self, h: &Hash) {
        for (lane, chunk) in self.lanes.iter_mut().zip(h.chunks_exact(8)) {
            *lane = lane.wrapping_sub(u64::from_le_bytes(chunk.try_into().unwrap()));
        }
        self.rows -= 1;
    }

    pub fn apply(&mut self, change: i64, h: &Hash) {
        if change > 0 {
            self.add(h)
        } else {
            self.remove(h)
        }
    }

    /// This digest with `other`'s changes added.
    fn plus(mut self, other: &TableDigest) -> TableDigest {
        for (a, b) in self.lanes.iter_mut().zip(other.lanes) {
            *a = a.wrapping_add(b);
        }
        self.rows += other.rows;
        self
    }

    pub fn to_bytes(self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (chunk, lane) in out.chunks_exact_mut(8).zip(self.lanes) {
            chunk.copy_from_slice(&lane.to_le_bytes());
        }
        out
    }

    fn from_stored(bytes: &[u8], rows: i64) -> TableDigest {
        let mut d = TableDigest {
            rows,
            ..TableDigest::default()
        };
        for (lane, chunk) in d.lanes.iter_mut().zip(bytes.chunks_exact(8)) {
            *lane = u64::from_le_bytes(chunk.try_into().unwrap());
        }
        d
    }
}

/// The stored digest of each audited table (`audit_digests`), by table.
pub fn stored_digests(conn: &Connection) -> Result<std::collections::HashMap<String, TableDigest>> {
    let mut stmt = conn.prepare_cached("SELECT tbl, digest, rows FROM audit_digests")?;
    let mut rows = stmt.query([])?;
    let mut out = std::collections::HashMap::new();
    while let Some(r) = rows.next()? {
        let table: String = r.get(0)?;
        let bytes = r.get_ref(1)?.as_blob()?;
        if bytes.len() != 32 {
            return Err(Error::Tampered(crate::tr!(
                "records-digest-length",
                table = &table
            )));
        }
        out.insert(table, TableDigest::from_stored(bytes, r.get(2)?));
    }
    Ok(out)
}

/// The hash of record `seq`: the previous record's hash, then the record's content.
pub fn record_hash(prev: &Hash, seq: i64, table: &str, change: i64, row: &Hash) -> Hash {
    let mut sha = Sha256::new();
    sha.update(b"townledger record v1\0");
    sha.update(prev);
    sha.update(seq.to_le_bytes());
    sha.update((table.len() as u64).to_le_bytes());
    sha.update(table.as_bytes());
    sha.update(change.to_le_bytes());
    sha.update(row);
    sha.finalize().into()
}

/// The ledger's head: one hash over both chains, the journal's and the records', with their
/// lengths. `verify` prints it, statements carry it and checkpoints sign it.
pub fn ledger_head(
    journal: &Hash,
    journal_length: i64,
    records: &Hash,
    records_length: i64,
) -> Hash {
    let mut sha = Sha256::new();
    sha.update(b"townledger head v1\0");
    sha.update(journal);
    sha.update(journal_length.to_le_bytes());
    sha.update(records);
    sha.update(records_length.to_le_bytes());
    sha.finalize().into()
}

/// Register the row-hash function on a connection that writes.
pub(super) fn register_function(conn: &Connection) -> Result<()> {
    conn.create_scalar_function(
        ROW_HASH_FUNCTION,
        -1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx: &mut Context<'_>| {
            let table = match ctx.get_raw(0) {
                ValueRef::Text(t) => std::str::from_utf8(t).unwrap_or_default().to_string(),
                _ => String::new(),
            };
            let mut h = RowHasher::new(&table);
            for i in 1..ctx.len() {
                h.value(ctx.get_raw(i));
            }
            Ok(h.finish().to_vec())
        },
    )?;
    Ok(())
}

/// Create, on this connection only, the table of changed rows and a trigger per audited table
/// and change. Run once per connection, after its migrations.
pub(super) fn install_triggers(conn: &Connection) -> Result<()> {
    let mut sql = String::from(
        "CREATE TEMP TABLE IF NOT EXISTS audit_pending (
             tbl TEXT NOT NULL, change INTEGER NOT NULL, row_hash BLOB NOT NULL);\n",
    );
    for t in audited_tables(conn)? {
        let hash_of = |row: &str| {
            let values: Vec<String> = t
                .columns
                .iter()
                .map(|c| format!("{row}.{}", quote(c)))
                .collect();
            format!(
                "{ROW_HASH_FUNCTION}('{}', {})",
                t.name.replace('\'', "''"),
                values.join(", ")
            )
        };
        let name = t.name.replace('\'', "''");
        let when = |row: &str| {
            if t.name == "meta" {
                format!(" WHEN {row}.key NOT IN {}", derived_meta_keys())
            } else {
                String::new()
            }
        };
        let trigger =
            |event: &str| format!("\"townledger_audit_{}_{event}\"", t.name.replace('"', ""));
        sql.push_str(&format!(
            "CREATE TEMP TRIGGER IF NOT EXISTS {} AFTER INSERT ON main.{}{} BEGIN
                 INSERT INTO temp.audit_pending VALUES ('{name}', 1, {});
             END;
             CREATE TEMP TRIGGER IF NOT EXISTS {} AFTER UPDATE ON main.{}{} BEGIN
                 INSERT INTO temp.audit_pending VALUES ('{name}', -1, {});
                 INSERT INTO temp.audit_pending VALUES ('{name}', 1, {});
             END;
             CREATE TEMP TRIGGER IF NOT EXISTS {} AFTER DELETE ON main.{}{} BEGIN
                 INSERT INTO temp.audit_pending VALUES ('{name}', -1, {});
             END;\n",
            trigger("insert"),
            quote(&t.name),
            when("NEW"),
            hash_of("NEW"),
            trigger("update"),
            quote(&t.name),
            when("NEW"),
            hash_of("OLD"),
            hash_of("NEW"),
            trigger("delete"),
            quote(&t.name),
            when("OLD"),
            hash_of("OLD"),
        ));
    }
    conn.execute_batch(&sql)?;
    Ok(())
}

/// Appends records to the chain, from its current end.
struct Appender<'t> {
    tx: &'t Connection,
    insert: rusqlite::CachedStatement<'t>,
    seq: i64,
    head: Hash,
    /// What the appended records change in each table's digest.
    changed: std::collections::HashMap<String, TableDigest>,
}

impl<'t> Appender<'t> {
    fn at_end(tx: &'t Connection) -> Result<Appender<'t>> {
        let (seq, head) = tx
            .query_row(
                "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)),
            )
            .optional()?
            .map(|(s, h)| (s, h.try_into().unwrap_or([0xff; 32])))
            .unwrap_or((0, GENESIS));
        let insert = tx.prepare_cached(
            "INSERT INTO audit_log (seq, tbl, change, row_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        Ok(Appender {
            tx,
            insert,
            seq,
            head,
            changed: std::collections::HashMap::new(),
        })
    }

    fn append(&mut self, table: &str, change: i64, row: &Hash) -> Result<()> {
        self.seq += 1;
        self.head = record_hash(&self.head, self.seq, table, change, row);
        self.insert
            .execute(params![self.seq, table, change, &row[..], &self.head[..]])?;
        note_change(&mut self.changed, table, change, row);
        Ok(())
    }

    fn finish(self) -> Result<()> {
        let mut meta = self.tx.prepare_cached(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )?;
        meta.execute(params!["records_head", hex::encode(self.head)])?;
        meta.execute(params!["records_length", self.seq.to_string()])?;
        let stored = stored_digests(self.tx)?;
        let mut upsert = self.tx.prepare_cached(
            "INSERT INTO audit_digests (tbl, digest, rows) VALUES (?1, ?2, ?3)
             ON CONFLICT (tbl) DO UPDATE SET digest = excluded.digest, rows = excluded.rows",
        )?;
        for (table, change) in &self.changed {
            let now = stored.get(table).copied().unwrap_or_default().plus(change);
            upsert.execute(params![table, &now.to_bytes()[..], now.rows])?;
        }
        Ok(())
    }
}

/// Add a record's change to its table's digest delta (a table's name is copied once).
fn note_change(
    changed: &mut std::collections::HashMap<String, TableDigest>,
    table: &str,
    change: i64,
    row: &Hash,
) {
    match changed.get_mut(table) {
        Some(d) => d.apply(change, row),
        None => {
            let mut d = TableDigest::default();
            d.apply(change, row);
            changed.insert(table.to_string(), d);
        }
    }
}

/// At a write's commit: append a record for every row its statements changed, in the order
/// they changed. One `INSERT … SELECT`: the chain is computed by a function SQLite calls for
/// each row in order, so a run's 100,000 new accounts cost no statement each.
pub(super) fn seal(tx: &Connection) -> Result<()> {
    let any: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM temp.audit_pending)")?
        .query_row([], |r| r.get(0))?;
    if !any {
        return Ok(());
    }
    let log = Appender::at_end(tx)?;
    let state = std::sync::Arc::new(std::sync::Mutex::new((log.seq, log.head, log.changed)));
    let chain = state.clone();
    tx.create_scalar_function(
        "townledger_chain",
        3,
        FunctionFlags::SQLITE_UTF8,
        move |ctx: &mut Context<'_>| {
            let bad = || rusqlite::Error::UserFunctionError("a malformed pending record".into());
            let table = ctx.get_raw(0).as_str().map_err(|_| bad())?;
            let change: i64 = ctx.get(1)?;
            let row: Hash = ctx
                .get_raw(2)
                .as_blob()
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(bad)?;
            let mut guard = chain.lock().map_err(|_| bad())?;
            let (seq, head, changed) = &mut *guard;
            *seq += 1;
            *head = record_hash(head, *seq, table, change, &row);
            note_change(changed, table, change, &row);
            Ok(head.to_vec())
        },
    )?;
    // `seq` is left to SQLite: the next rowids, in the order the rows are inserted, which is
    // the order the function numbered them.
    tx.execute(
        "INSERT INTO audit_log (tbl, change, row_hash, hash)
         SELECT tbl, change, row_hash, townledger_chain(tbl, change, row_hash)
         FROM temp.audit_pending ORDER BY rowid",
        [],
    )?;
    let (seq, head, changed) = std::mem::take(
        &mut *state
            .lock()
            .map_err(|_| Error::rule(crate::tr!("record-chain-poisoned")))?,
    );
    Appender {
        seq,
        head,
        changed,
        ..log
    }
    .finish()?;
    tx.execute_batch("DELETE FROM temp.audit_pending")?;
    Ok(())
}

/// Record every row of every audited table as it is now: once, when a ledger first gets the
/// record chain (and again for a table that a later migration rebuilds).
pub(super) fn record_all_rows(tx: &Connection, change: i64) -> Result<()> {
    let mut log = Appender::at_end(tx)?;
    for t in audited_tables(tx)? {
        for_each_row_hash(tx, &t, |_, h| log.append(&t.name, change, &h))?;
    }
    log.finish()
}

/// Record every row of the audited table `table` as it is now: for a table a migration adds
/// to a ledger that has the record chain already.
pub(super) fn record_table_rows(tx: &Connection, table: &str, change: i64) -> Result<()> {
    let mut log = Appender::at_end(tx)?;
    for t in audited_tables(tx)?.into_iter().filter(|t| t.name == table) {
        for_each_row_hash(tx, &t, |_, h| log.append(&t.name, change, &h))?;
    }
    log.finish()
}

/// Each audited row of `t` with its hash; the first argument gives the row's key as text.
pub fn for_each_row_hash(
    conn: &Connection,
    t: &AuditedTable,
    mut f: impl FnMut(&dyn Fn() -> String, Hash) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(&t.select_sql())?;
    let keys = t.key.len();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let mut h = RowHasher::new(&t.name);
        for i in 0..t.columns.len() {
            h.value(r.get_ref(keys + i)?);
        }
        let key = || {
            (0..keys)
                .map(|i| match r.get_ref(i) {
                    Ok(ValueRef::Integer(v)) => v.to_string(),
                    Ok(ValueRef::Text(s)) => String::from_utf8_lossy(s).into_owned(),
                    Ok(ValueRef::Real(v)) => v.to_string(),
                    Ok(ValueRef::Null) => "NULL".into(),
                    _ => "…".into(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        f(&key, h.finish())?;
    }
    Ok(())
}

/// One stored record, as `verify` reads it.
pub struct StoredRecord<'a> {
    pub seq: i64,
    pub table: &'a str,
    pub change: i64,
    pub row_hash: &'a [u8],
    pub hash: &'a [u8],
}

/// Stream the record chain in order.
pub fn for_each_record(
    conn: &Connection,
    mut f: impl FnMut(StoredRecord<'_>) -> Result<()>,
) -> Result<()> {
    let mut stmt =
        conn.prepare("SELECT seq, tbl, change, row_hash, hash FROM audit_log ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let table = match r.get_ref(1)? {
            ValueRef::Text(t) => std::str::from_utf8(t).unwrap_or("?"),
            _ => "?",
        };
        f(StoredRecord {
            seq: r.get(0)?,
            table,
            change: r.get(2)?,
            row_hash: r.get_ref(3)?.as_blob().unwrap_or_default(),
            hash: r.get_ref(4)?.as_blob().unwrap_or_default(),
        })?;
    }
    Ok(())
}

/// A point of both chains: how many transactions and records, and the ledger's head there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerHead {
    pub journal_length: i64,
    pub records_length: i64,
    pub head: Hash,
}

impl LedgerHead {
    pub fn hex(&self) -> String {
        hex::encode(self.head)
    }
}

fn parse_hash(text: &str) -> Option<Hash> {
    hex::decode(text).ok()?.try_into().ok()
}

impl super::Ledger {
    /// The tables whose every row the record chain covers.
    pub fn audited_tables(&self) -> Result<Vec<AuditedTable>> {
        audited_tables(&self.conn)
    }

    /// Stream the record chain in order.
    pub fn for_each_record(&self, f: impl FnMut(StoredRecord<'_>) -> Result<()>) -> Result<()> {
        for_each_record(&self.conn, f)
    }

    /// Each audited row of `t` with its key (as text, made on demand) and hash.
    pub fn for_each_row_hash(
        &self,
        t: &AuditedTable,
        f: impl FnMut(&dyn Fn() -> String, Hash) -> Result<()>,
    ) -> Result<()> {
        for_each_row_hash(&self.conn, t, f)
    }

    /// Each audited table's digest as stored in `audit_digests`.
    pub fn stored_digests(&self) -> Result<std::collections::HashMap<String, TableDigest>> {
        stored_digests(&self.conn)
    }

    /// The record chain's head and length as recorded at the last write.
    pub fn records_head(&self) -> Result<Option<super::ChainHead>> {
        self.meta_head("records_length", "records_head")
    }

    /// The ledger's head as recorded at the last write (both chains' recorded heads).
    pub fn ledger_head(&self) -> Result<LedgerHead> {
        recorded_head(&self.conn)
    }

    /// The last voucher number used in each month, as stored: (`YYYY-MM`, last).
    pub fn voucher_months(&self) -> Result<Vec<(String, i64)>> {
        Ok(self
            .conn
            .prepare("SELECT month, last FROM voucher_months ORDER BY month")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }
}

impl super::Writer<'_> {
    /// The ledger's head as this write sees it (before its own changes are committed).
    pub fn ledger_head(&self) -> Result<LedgerHead> {
        recorded_head(self.sql())
    }
}

/// Both chains' heads and lengths as recorded in `meta`, and the ledger's head from them.
fn recorded_head(conn: &Connection) -> Result<LedgerHead> {
    let mut stmt = conn.prepare_cached("SELECT value FROM meta WHERE key = ?1")?;
    let mut get = |key: &str| -> Result<Option<String>> {
        Ok(stmt.query_row([key], |r| r.get(0)).optional()?)
    };
    let mut chain = |length: &str, head: &str| -> Result<(i64, Hash)> {
        Ok(match (get(length)?, get(head)?) {
            (Some(l), Some(h)) => (
                l.parse().unwrap_or(-1),
                parse_hash(&h).unwrap_or([0xff; 32]),
            ),
            _ => (0, GENESIS),
        })
    };
    let (jl, jh) = chain("chain_length", "chain_head")?;
    let (rl, rh) = chain("records_length", "records_head")?;
    Ok(LedgerHead {
        journal_length: jl,
        records_length: rl,
        head: ledger_head(&jh, jl, &rh, rl),
    })
}

/// Refuse to act on tables that no longer hold what the record chain says: a command that
/// moves money reads them (a payment batch deleted behind the program's back would pay a
/// household twice). Costs a read of the named tables and of the record chain.
fn require_recorded(conn: &Connection, names: &[&str]) -> Result<()> {
    let stored = stored_digests(conn)?;
    let mut expected: std::collections::HashMap<&str, TableDigest> = names
        .iter()
        .map(|n| (*n, stored.get(*n).copied().unwrap_or_default()))
        .collect();
    // And what this write has changed so far, not yet appended.
    let mut pending =
        conn.prepare_cached("SELECT tbl, change, row_hash FROM temp.audit_pending ORDER BY rowid")?;
    let mut rows = pending.query([])?;
    while let Some(r) = rows.next()? {
        let table: String = r.get(0)?;
        if let Some(d) = expected.get_mut(table.as_str()) {
            if let Ok(h) = Hash::try_from(r.get::<_, Vec<u8>>(2)?) {
                d.apply(r.get(1)?, &h);
            }
        }
    }
    for t in audited_tables(conn)?
        .iter()
        .filter(|t| names.contains(&t.name.as_str()))
    {
        let mut found = TableDigest::default();
        for_each_row_hash(conn, t, |_, h| {
            found.add(&h);
            Ok(())
        })?;
        if Some(&found) != expected.get(t.name.as_str()) {
            return Err(Error::Tampered(crate::tr!(
                "records-table-altered",
                table = &t.name
            )));
        }
    }
    Ok(())
}

impl super::Writer<'_> {
    /// Refuse to go on unless the named tables hold exactly what the record chain says.
    pub fn require_recorded(&self, tables: &[&str]) -> Result<()> {
        require_recorded(self.sql(), tables)
    }
}

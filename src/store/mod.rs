//! The ledger file: the only code that talks SQL.
//!
//! A [`Ledger`] is one SQLite file (WAL, foreign keys on, busy timeout). Reads go through
//! `&Ledger` methods; every write goes through [`Ledger::write`], which opens one `BEGIN
//! IMMEDIATE` transaction, hands a [`Writer`] to the caller and commits only if the caller
//! succeeds: a command changes the ledger whole or not at all.

pub(crate) mod account_index;
mod allocation;
pub mod bank;
mod budgets;
mod checkpoints;
mod disclosure;
mod engine;
pub mod faults;
pub use engine::configure as configure_sqlite;
mod fund_movements;
mod fund_registry;
pub mod fund_rules;
mod funds;
mod grants;
mod households;
pub mod insurance;
mod journal;
mod line_blocks;
mod movements;
pub mod periods;
mod postings_json;
mod prepare;
mod query;
pub mod records;
pub mod schema;
mod statements;
mod static_bind;
pub mod users;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use crate::error::{Error, Result};

pub use account_index::Pending;
pub use allocation::{NewRun, NewRunLine, RunDue, RunLine, RunRecord};
pub use budgets::{Budget, SpendHouseholds};
pub use checkpoints::Checkpoint;
pub use disclosure::PeriodTilt;
pub(crate) use fund_movements::movement_row_hash;
pub use fund_movements::{FundMovement, StoredRules, TransactionMovements};
pub use fund_rules::{FundFlow, Restricted};
pub use households::{HouseholdVersion, RegisterChanges};
pub use journal::{PostOutcome, Writer, ROWS_PER_INSERT};
pub use line_blocks::{LineBlock, LINES_PER_BLOCK};
pub use movements::AccountMovement;
pub(crate) use postings_json::{decode_into as decode_postings_into, StoredPosting, StoredTag};
pub use prepare::{Bulk, BulkOutcome, Prepared};
pub use query::{AccountBalance, ChainHead, PostingText, Register, RegisterLine, RegisterPage};
pub use records::LedgerHead;
pub use statements::{HouseholdPosting, PAYABLE_PREFIX};

/// A `HashMap` with rustc's fast hash, for the write path's small keys (account names, ids):
/// much cheaper than SipHash. Not DoS-resistant; the keys come from the ledger and the
/// operator's own files.
pub(crate) type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// An open ledger file.
pub struct Ledger {
    conn: Connection,
    path: PathBuf,
    /// Whether this connection has its record triggers (created at its first write).
    recording: bool,
}

/// How long a writer waits for another process's write to finish before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(15);

impl Ledger {
    /// Create a new, empty ledger file with the current schema. Fails if the file exists.
    pub fn create(path: &Path) -> Result<Ledger> {
        if path.exists() {
            return Err(Error::rule(crate::tr!(
                "ledger-exists",
                path = path.display()
            )));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let mut ledger = Ledger::configure(conn, path)?;
        ledger.migrate()?;
        Ok(ledger)
    }

    /// Open an existing ledger, applying any pending migrations.
    pub fn open(path: &Path) -> Result<Ledger> {
        if !path.exists() {
            return Err(Error::NotFound(crate::tr!(
                "ledger-missing",
                path = path.display()
            )));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let mut ledger = Ledger::configure(conn, path)?;
        ledger.migrate()?;
        Ok(ledger)
    }

    fn configure(conn: Connection, path: &Path) -> Result<Ledger> {
        let ledger = Ledger {
            conn,
            path: path.to_path_buf(),
            recording: false,
        };
        records::register_function(&ledger.conn)?;
        ledger.conn.busy_timeout(BUSY_TIMEOUT)?;
        // Without waiting: while another process runs a large write with a rollback journal
        // (see `write_bulk`) the mode cannot change, and this connection reads as that
        // journal allows; the next open switches the file back.
        ledger.set_journal("WAL");
        ledger.conn.execute_batch(
            "PRAGMA foreign_keys = ON;
             PRAGMA synchronous = NORMAL;
             PRAGMA cache_size = -8192;
             PRAGMA temp_store = MEMORY;",
        )?;
        Ok(ledger)
    }

    fn migrate(&mut self) -> Result<()> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > schema::CURRENT_VERSION {
            return Err(Error::rule(crate::tr!(
                "ledger-newer",
                path = self.path.display(),
                version = version,
                current = schema::CURRENT_VERSION
            )));
        }
        if version == schema::CURRENT_VERSION {
            return Ok(());
        }
        // Foreign keys are off while the schema changes (a table may be rebuilt), and checked
        // as a whole before the migration commits. The pragma has no effect inside a
        // transaction, so it is set around it.
        self.conn.execute_batch("PRAGMA foreign_keys = OFF")?;
        let migrated = self.run_migrations();
        self.conn.execute_batch("PRAGMA foreign_keys = ON")?;
        migrated
    }

    fn run_migrations(&mut self) -> Result<()> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))?;
        // Re-read under the lock: another process may have migrated meanwhile.
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        if version < schema::ACCOUNT_INDEX_VERSION {
            account_index::rebuild(&tx)?;
        }
        if version < schema::FUNDS_VERSION {
            fund_registry::register_standard_funds(&tx)?;
        }
        if version < schema::RECORDS_VERSION {
            records::record_all_rows(&tx, 1)?;
        } else if version < schema::FUNDS_VERSION {
            // The chain exists already: the funds just registered are its next records.
            records::record_table_rows(&tx, "funds", 1)?;
        }
        let broken: Option<String> = tx
            .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
            .optional()?;
        if let Some(table) = broken {
            return Err(Error::Tampered(crate::tr!(
                "ledger-broken-references",
                path = path.display(),
                table = &table
            )));
        }
        tx.commit().map_err(|e| classify(&path, e))?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Run `f` in one write transaction. Commits if `f` returns `Ok`, rolls back otherwise.
    ///
    /// A write keeps a larger page cache than a read (32 MB, not 8): pages it changes stay in
    /// memory until the commit instead of being written early.
    pub fn write<T>(
        &mut self,
        operator: &str,
        f: impl FnOnce(&mut Writer<'_>) -> Result<T>,
    ) -> Result<T> {
        crate::text::check_stored_rule(
            "the operator (--operator)",
            operator,
            crate::text::NAME_MAX,
        )?;
        self.conn.execute_batch("PRAGMA cache_size = -32768")?;
        let result = self.write_once(operator, f);
        if result.is_err() && !self.conn.is_autocommit() {
            // The write failed and its transaction is still open: its ROLLBACK failed too (an
            // interrupt), or its BEGIN reported an error after opening it. Close it, or no
            // later write on this connection could begin.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        self.conn.execute_batch("PRAGMA cache_size = -8192")?;
        result
    }

    fn write_once<T>(
        &mut self,
        operator: &str,
        f: impl FnOnce(&mut Writer<'_>) -> Result<T>,
    ) -> Result<T> {
        let path = self.path.clone();
        if !self.recording {
            records::install_triggers(&self.conn)?;
            self.recording = true;
        }
        // `new_unchecked` takes the connection shared, so the writer can keep prepared statements
        // for the whole write; `&mut self` still makes this the connection's only transaction.
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))?;
        let mut writer = Writer::new(&self.conn, tx, operator)?;
        let value = f(&mut writer)?;
        writer.commit().map_err(|e| match e {
            Error::Sqlite(e) => classify(&path, e),
            other => other,
        })?;
        Ok(value)
    }

    /// Whether any transaction carries a txn_id from an imported file.
    pub fn has_external_ids(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM transactions WHERE external_id IS NOT NULL)",
            [],
            |r| r.get(0),
        )?)
    }

    /// As [`Ledger::write`], for a large write into a ledger that nothing else has open: for
    /// its duration the ledger keeps a rollback journal instead of its write-ahead log, so each
    /// page is written once rather than to the log and again at the checkpoint. Still all or
    /// nothing: the journal holds what the write changed until it commits, and the commit is
    /// synced. When another connection has the ledger open, this is an ordinary
    /// [`Ledger::write`]. The write must not read the ledger through a second connection (the
    /// journal would lock it out).
    pub fn write_bulk<T>(
        &mut self,
        operator: &str,
        f: impl FnOnce(&mut Writer<'_>) -> Result<T>,
    ) -> Result<T> {
        let journal = self.set_journal("TRUNCATE");
        if journal {
            self.conn.execute_batch("PRAGMA synchronous = FULL")?;
        }
        let result = {
            // With the write-ahead log the file itself is not written until a checkpoint.
            let _syncing = journal.then(|| BackgroundSync::start(&self.path));
            self.write(operator, f)
        };
        if journal {
            // Back to the write-ahead log; if another process opened the ledger meanwhile,
            // the next open switches it.
            self.set_journal("WAL");
            self.conn.execute_batch("PRAGMA synchronous = NORMAL")?;
        }
        result
    }

    /// Switch the journal mode, without waiting for other connections; whether it switched.
    fn set_journal(&self, mode: &str) -> bool {
        if self.conn.busy_timeout(Duration::ZERO).is_err() {
            return false;
        }
        let now: rusqlite::Result<String> =
            self.conn
                .query_row(&format!("PRAGMA journal_mode = {mode}"), [], |r| r.get(0));
        let _ = self.conn.busy_timeout(BUSY_TIMEOUT);
        now.is_ok_and(|m| m.eq_ignore_ascii_case(mode))
    }
}

/// While it lives, a thread that asks the system every so often to write the ledger file's
/// changed pages to disk. A large write leaves hundreds of megabytes of them in the system's
/// cache; the commit must wait until all are on disk, and without this it would wait for them
/// all at once. Syncing more often than SQLite does is harmless: until the commit, the
/// rollback journal holds what the pages were.
struct BackgroundSync {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BackgroundSync {
    const EVERY: Duration = Duration::from_millis(300);

    fn start(path: &Path) -> BackgroundSync {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::fs::File::open(path).ok().and_then(|file| {
            std::thread::Builder::new()
                .name("ledger-sync".into())
                .spawn(move || {
                    while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                        stopped.recv_timeout(Self::EVERY)
                    {
                        // A failure here changes nothing: the commit syncs the file itself.
                        let _ = file.sync_data();
                    }
                })
                .ok()
        });
        BackgroundSync {
            stop: Some(stop),
            thread,
        }
    }
}

impl Drop for BackgroundSync {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Turn SQLite's busy/locked codes into the clear [`Error::Busy`].
fn classify(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => {
            Error::Busy(path.display().to_string())
        }
        _ => Error::Sqlite(e),
    }
}

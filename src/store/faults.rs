//! Failures injected into writes, and a digest of everything the ledger file holds: for the
//! simulation test (`crate::simulate`), which checks that a write that fails part-way changes
//! nothing.
//!
//! Two kinds of failure, armed for the next write and disarmed afterwards:
//! - [`Ledger::interrupt_after`]: SQLite stops the statement running once about `ops` virtual
//!   machine instructions have run (its progress handler), wherever that falls — in a lookup,
//!   half-way through a multi-row insert, in the account index;
//! - [`Ledger::fail_next_commit`]: the commit itself is refused (its commit hook), after every
//!   statement of the write succeeded.
//!
//! Only commits that changed rows count: switching the journal mode (`write_bulk`) commits
//! too, and is not the write.
//!
//! Nothing is installed until a fault is armed, so an ordinary ledger pays nothing for this.
//! Once the write commits, an interrupt that has not fired is dropped: it would otherwise fall
//! on the statements that follow a commit (resetting the page cache), which are not part of
//! the write.
#![doc(hidden)]

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use rusqlite::types::ValueRef;
use sha2::{Digest, Sha256};

use super::Ledger;
use crate::error::Result;

/// An armed fault, to hand back to [`Ledger::disarm`].
#[derive(Debug)]
pub struct Fault {
    state: Arc<FaultState>,
}

#[derive(Debug)]
struct FaultState {
    /// The connection (`sqlite3 *`), to read its count of changed rows in the hooks.
    db: usize,
    /// Progress-handler calls left before the interrupt; 0: no interrupt armed.
    countdown: AtomicU64,
    /// Refuse the next commit that changes rows.
    fail_commit: AtomicBool,
    /// The fault happened.
    fired: AtomicBool,
    /// The connection's count of changed rows at the last commit or rollback.
    mark: AtomicI64,
    /// Commits that changed rows.
    commits: AtomicUsize,
}

impl FaultState {
    /// Rows changed since the last commit or rollback (and start counting afresh).
    fn changed(&self) -> bool {
        // SAFETY: the hooks run on the connection's own thread, inside its calls, while the
        // connection is open; reading its change count changes nothing.
        let now = unsafe { rusqlite::ffi::sqlite3_total_changes64(self.db as *mut _) };
        self.mark.swap(now, Ordering::SeqCst) != now
    }
}

/// What an armed fault did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaultReport {
    /// The interrupt or the refused commit happened.
    pub fired: bool,
    /// Commits that changed rows while armed: one for a write that succeeded, none for one
    /// that failed. (Switching the journal mode commits too, changing no rows.)
    pub commits: usize,
}

impl Ledger {
    /// Interrupt the next write once about `ops` SQLite instructions have run (counting from
    /// now). Disarm with [`Ledger::disarm`].
    #[doc(hidden)]
    pub fn interrupt_after(&mut self, ops: u64) -> Result<Fault> {
        self.arm(ops.max(1), false)
    }

    /// Refuse the next commit that changes rows: the write's statements all run, then it is
    /// rolled back.
    #[doc(hidden)]
    pub fn fail_next_commit(&mut self) -> Result<Fault> {
        self.arm(0, true)
    }

    fn arm(&mut self, ops: u64, fail_commit: bool) -> Result<Fault> {
        // SAFETY: only read back by the hooks, while this connection is open (they are removed
        // by `disarm`, or with the connection).
        let db = unsafe { self.conn.handle() } as usize;
        let state = Arc::new(FaultState {
            db,
            countdown: AtomicU64::new(ops),
            fail_commit: AtomicBool::new(fail_commit),
            fired: AtomicBool::new(false),
            mark: AtomicI64::new(self.conn.total_changes() as i64),
            commits: AtomicUsize::new(0),
        });
        if ops > 0 {
            let s = Arc::clone(&state);
            self.conn.progress_handler(
                1,
                Some(move || {
                    // Decrement while armed; the call that takes it to 0 interrupts, once.
                    let left = s
                        .countdown
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                        .unwrap_or(0);
                    if left == 1 {
                        s.fired.store(true, Ordering::SeqCst);
                        return true;
                    }
                    false
                }),
            )?;
        }
        let s = Arc::clone(&state);
        self.conn.commit_hook(Some(move || {
            if !s.changed() {
                return false;
            }
            if s.fail_commit.swap(false, Ordering::SeqCst) {
                s.fired.store(true, Ordering::SeqCst);
                return true;
            }
            // The write is done: what follows its commit is not part of it.
            s.countdown.store(0, Ordering::SeqCst);
            s.commits.fetch_add(1, Ordering::SeqCst);
            false
        }))?;
        let s = Arc::clone(&state);
        self.conn.rollback_hook(Some(move || {
            s.changed();
        }))?;
        Ok(Fault { state })
    }

    /// Remove the hooks `fault` installed and say what happened.
    #[doc(hidden)]
    pub fn disarm(&mut self, fault: Fault) -> Result<FaultReport> {
        self.conn.progress_handler(0, None::<fn() -> bool>)?;
        self.conn.commit_hook(None::<fn() -> bool>)?;
        self.conn.rollback_hook(None::<fn()>)?;
        let s = &fault.state;
        Ok(FaultReport {
            fired: s.fired.load(Ordering::SeqCst),
            commits: s.commits.load(Ordering::SeqCst),
        })
    }

    /// Whether no transaction is open on the connection (as between commands).
    #[doc(hidden)]
    pub fn is_idle(&self) -> bool {
        self.conn.is_autocommit()
    }

    /// SHA-256 over every row of every table (and the schema version): equal digests, equal
    /// ledgers. Rows are taken in any order (each row is hashed, the row hashes sorted).
    #[doc(hidden)]
    pub fn content_digest(&self) -> Result<String> {
        let read = self.conn.unchecked_transaction()?;
        let mut all = Sha256::new();
        let version: i64 = read.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        all.update(version.to_le_bytes());
        let tables: Vec<String> = {
            let mut stmt = read.prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%' ORDER BY name",
            )?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for table in tables {
            let mut stmt = read.prepare(&format!("SELECT * FROM \"{table}\""))?;
            let columns = stmt.column_count();
            let mut rows = stmt.query([])?;
            let mut digests: Vec<[u8; 32]> = Vec::new();
            while let Some(row) = rows.next()? {
                let mut h = Sha256::new();
                for i in 0..columns {
                    match row.get_ref(i)? {
                        ValueRef::Null => h.update([0u8]),
                        ValueRef::Integer(v) => {
                            h.update([1u8]);
                            h.update(v.to_le_bytes());
                        }
                        ValueRef::Real(v) => {
                            h.update([2u8]);
                            h.update(v.to_le_bytes());
                        }
                        ValueRef::Text(t) | ValueRef::Blob(t) => {
                            h.update([3u8]);
                            h.update((t.len() as u64).to_le_bytes());
                            h.update(t);
                        }
                    }
                }
                digests.push(h.finalize().into());
            }
            digests.sort_unstable();
            all.update((table.len() as u64).to_le_bytes());
            all.update(table.as_bytes());
            all.update((digests.len() as u64).to_le_bytes());
            for d in &digests {
                all.update(d);
            }
        }
        Ok(hex::encode(all.finalize()))
    }
}

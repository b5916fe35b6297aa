//! Signed checkpoints: a signature over the ledger's head at a point of its two chains.

use rusqlite::{params, Row};

use super::{Ledger, Writer};
use crate::error::Result;

/// A checkpoint as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub id: i64,
    pub journal_length: i64,
    pub records_length: i64,
    /// The ledger's head at that point (hex).
    pub head: String,
    /// The Ed25519 public key that signed it (hex).
    pub public_key: String,
    /// The signature (hex) over `checkpoint::message`.
    pub signature: String,
    pub signed_at: String,
    pub operator: String,
}

const COLUMNS: &str =
    "id, journal_length, records_length, head, public_key, signature, signed_at, operator";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Checkpoint> {
    Ok(Checkpoint {
        id: r.get(0)?,
        journal_length: r.get(1)?,
        records_length: r.get(2)?,
        head: r.get(3)?,
        public_key: r.get(4)?,
        signature: r.get(5)?,
        signed_at: r.get(6)?,
        operator: r.get(7)?,
    })
}

impl Ledger {
    /// Every checkpoint, oldest first.
    pub fn checkpoints(&self) -> Result<Vec<Checkpoint>> {
        Ok(self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM checkpoints ORDER BY id"))?
            .query_map([], from_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The latest checkpoint, if any.
    pub fn last_checkpoint(&self) -> Result<Option<Checkpoint>> {
        Ok(self.checkpoints()?.pop())
    }
}

impl Writer<'_> {
    /// Store a signed checkpoint; its id.
    pub fn add_checkpoint(&mut self, c: &Checkpoint) -> Result<i64> {
        self.sql().execute(
            "INSERT INTO checkpoints (journal_length, records_length, head, public_key, signature,
                                      signed_at, operator)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                c.journal_length,
                c.records_length,
                c.head,
                c.public_key,
                c.signature,
                c.signed_at,
                c.operator
            ],
        )?;
        Ok(self.sql().last_insert_rowid())
    }
}

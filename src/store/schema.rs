//! The ledger file's schema and its forward migrations.
//!
//! `PRAGMA user_version` holds the schema version. Each migration runs once, in order, inside
//! the transaction that opens the ledger for writing; a ledger written by a newer townledger is
//! refused rather than misread.

/// Migrations, index = version − 1.
pub const MIGRATIONS: &[&str] = &[
    // 1: the journal.
    r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE accounts (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    code       TEXT UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('asset','liability','net_assets','income','expense')),
    created_at TEXT NOT NULL
);

-- Posted transactions are never updated or deleted; `hash` chains each to the one before.
CREATE TABLE transactions (
    id          INTEGER PRIMARY KEY,
    voucher     TEXT NOT NULL UNIQUE,
    date        TEXT NOT NULL,
    external_id TEXT,
    memo        TEXT NOT NULL,
    reverses    INTEGER REFERENCES transactions(id),
    reason      TEXT,
    operator    TEXT NOT NULL,
    posted_at   TEXT NOT NULL,
    hash        BLOB NOT NULL
);
CREATE UNIQUE INDEX transactions_external_id ON transactions(external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX transactions_reverses ON transactions(reverses) WHERE reverses IS NOT NULL;
CREATE INDEX transactions_date ON transactions(date);

-- Amounts in integer fen; `date` repeats the transaction's date so one account's register is
-- a single index range.
CREATE TABLE postings (
    txn       INTEGER NOT NULL REFERENCES transactions(id),
    line      INTEGER NOT NULL,
    account   INTEGER NOT NULL REFERENCES accounts(id),
    date      TEXT NOT NULL,
    amount    INTEGER NOT NULL,
    memo      TEXT,
    household TEXT,
    ref       TEXT,
    PRIMARY KEY (txn, line)
) WITHOUT ROWID;
CREATE INDEX postings_account_date ON postings(account, date);

-- Per account and month totals, kept by the single write path; makes a trial balance a
-- read of a few thousand rows whatever the journal's size. `verify` re-derives it.
CREATE TABLE account_months (
    account INTEGER NOT NULL REFERENCES accounts(id),
    month   TEXT NOT NULL,
    amount  INTEGER NOT NULL,
    PRIMARY KEY (account, month)
) WITHOUT ROWID;

-- The last voucher sequence used in each month.
CREATE TABLE voucher_months (
    month TEXT PRIMARY KEY,
    last  INTEGER NOT NULL
) WITHOUT ROWID;
"#,
];

pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

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
    // 2: the household register (with history) and allocation runs.
    r#"
-- Each import that changes a household adds a version in force from `valid_from`; the
-- version a run uses is the latest in force on its date (the first version also covers
-- earlier dates). Nothing is overwritten.
CREATE TABLE households (
    id                TEXT NOT NULL,
    valid_from        TEXT NOT NULL,
    import_seq        INTEGER NOT NULL,
    village           TEXT NOT NULL,
    name              TEXT NOT NULL,
    id_number         TEXT NOT NULL,
    members           INTEGER NOT NULL CHECK (members >= 1),
    per_capita_income INTEGER NOT NULL CHECK (per_capita_income >= 0),
    category          TEXT NOT NULL,
    risk_level        TEXT NOT NULL,
    risk_causes       TEXT NOT NULL,
    labour            TEXT NOT NULL,
    bank_card         TEXT NOT NULL,
    recorded_at       TEXT NOT NULL,
    operator          TEXT NOT NULL,
    PRIMARY KEY (id, valid_from, import_seq)
) WITHOUT ROWID;

-- plan → approve (village) → approve (town) → notice → post → pay.
CREATE TABLE allocation_runs (
    id               INTEGER PRIMARY KEY,
    fund             TEXT NOT NULL,
    pool             INTEGER NOT NULL,
    date             TEXT NOT NULL,
    year             INTEGER NOT NULL,
    policy_name      TEXT NOT NULL,
    policy_source    TEXT NOT NULL,
    policy_text      TEXT NOT NULL,
    policy_sha256    TEXT NOT NULL,
    summary          TEXT NOT NULL,
    proposer         TEXT NOT NULL,
    planned_at       TEXT NOT NULL,
    village_by       TEXT,
    village_at       TEXT,
    town_by          TEXT,
    town_at          TEXT,
    published        TEXT,
    earliest_payment TEXT,
    posted_voucher   TEXT,
    posted_at        TEXT,
    posted_by        TEXT,
    force_reason     TEXT,
    reverses_run     INTEGER REFERENCES allocation_runs(id),
    reversed_by_run  INTEGER REFERENCES allocation_runs(id)
);

CREATE TABLE allocation_lines (
    run         INTEGER NOT NULL REFERENCES allocation_runs(id),
    household   TEXT NOT NULL,
    village     TEXT NOT NULL,
    name        TEXT NOT NULL,
    id_number   TEXT NOT NULL,
    bank_card   TEXT NOT NULL,
    members     INTEGER NOT NULL,
    category    TEXT NOT NULL,
    risk_level  TEXT NOT NULL,
    excluded    TEXT,
    weight      TEXT,
    quota       TEXT,
    share       INTEGER NOT NULL,
    residual    TEXT,
    fixed       INTEGER NOT NULL,
    total       INTEGER NOT NULL,
    bound       TEXT,
    explanation TEXT NOT NULL,
    PRIMARY KEY (run, household)
) WITHOUT ROWID;

-- One row per household paid from a run (a household is paid once per run).
CREATE TABLE allocation_payments (
    run       INTEGER NOT NULL REFERENCES allocation_runs(id),
    household TEXT NOT NULL,
    amount    INTEGER NOT NULL,
    date      TEXT NOT NULL,
    voucher   TEXT NOT NULL,
    bank_ref  TEXT,
    PRIMARY KEY (run, household)
) WITHOUT ROWID;
"#,
    // 3: industry projects, their dividends and the tilted share set aside for dynamic
    // assistance (see src/funds/).
    r#"
-- `rate` is the exact decimal as text (0.12); money in integer fen.
CREATE TABLE projects (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    invested   INTEGER NOT NULL CHECK (invested > 0),
    rate       TEXT NOT NULL,
    owner      TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('dividend','rent')),
    account    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    operator   TEXT NOT NULL
) WITHOUT ROWID;

-- One row per dividend (or rent) received, `voucher` being its transaction; `year` is the
-- year the income belongs to. Reads leave out dividends whose voucher was reversed.
CREATE TABLE dividends (
    id      INTEGER PRIMARY KEY,
    project TEXT NOT NULL REFERENCES projects(id),
    year    INTEGER NOT NULL,
    date    TEXT NOT NULL,
    amount  INTEGER NOT NULL CHECK (amount > 0),
    rent    INTEGER NOT NULL CHECK (rent >= 0),
    upkeep  INTEGER NOT NULL CHECK (upkeep >= 0),
    voucher TEXT NOT NULL UNIQUE REFERENCES transactions(voucher),
    CHECK (rent + upkeep <= amount)
);
CREATE INDEX dividends_year_project ON dividends(year, project);

-- One row per tilt command (one transaction): the share, the 6·30 contribution, the reason
-- for a share outside 10%–12%.
CREATE TABLE tilt_runs (
    voucher         TEXT PRIMARY KEY REFERENCES transactions(voucher),
    year            INTEGER NOT NULL,
    date            TEXT NOT NULL,
    share           TEXT NOT NULL,
    from_630        INTEGER NOT NULL CHECK (from_630 >= 0),
    override_reason TEXT,
    operator        TEXT NOT NULL
) WITHOUT ROWID;

-- One row per project and year tilted. A project-year is tilted at most once while its
-- voucher stands; after a reversal (which leaves this row as history) it may be tilted again.
CREATE TABLE tilts (
    project TEXT NOT NULL REFERENCES projects(id),
    year    INTEGER NOT NULL,
    net     INTEGER NOT NULL,
    amount  INTEGER NOT NULL CHECK (amount >= 0),
    voucher TEXT NOT NULL REFERENCES tilt_runs(voucher),
    PRIMARY KEY (project, year, voucher)
) WITHOUT ROWID;
"#,
    // 4: approval dates, and payments that the bank returned. A payment voucher reversed (a
    // bank return) keeps its rows as history, marked with the reversing voucher, and the
    // households are payable again: a household may now have several payment rows in a run,
    // at most one of them standing.
    r#"
ALTER TABLE allocation_runs ADD COLUMN village_on TEXT;
ALTER TABLE allocation_runs ADD COLUMN town_on TEXT;
UPDATE allocation_runs SET village_on = substr(village_at, 1, 10) WHERE village_at IS NOT NULL;
UPDATE allocation_runs SET town_on = substr(town_at, 1, 10) WHERE town_at IS NOT NULL;

CREATE TABLE allocation_payments_v4 (
    run         INTEGER NOT NULL REFERENCES allocation_runs(id),
    household   TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    date        TEXT NOT NULL,
    voucher     TEXT NOT NULL,
    bank_ref    TEXT,
    returned_by TEXT,
    PRIMARY KEY (run, household, voucher)
) WITHOUT ROWID;
-- A payment voucher already reversed counts as returned.
INSERT INTO allocation_payments_v4 (run, household, amount, date, voucher, bank_ref, returned_by)
SELECT p.run, p.household, p.amount, p.date, p.voucher, p.bank_ref,
       (SELECT r.voucher FROM transactions t JOIN transactions r ON r.reverses = t.id
        WHERE t.voucher = p.voucher)
FROM allocation_payments p;
DROP TABLE allocation_payments;
ALTER TABLE allocation_payments_v4 RENAME TO allocation_payments;
CREATE INDEX allocation_payments_voucher ON allocation_payments(voucher);
"#,
    // 5: a transaction's postings move into its own row, as a JSON array (see
    // `store::postings_json`): posting a transaction writes one row, not one per posting. The
    // `postings` view shows them as the table did. The account index (`account_postings`, see
    // `store::account_index`) replaces the per-posting index; it is built from the journal
    // right after this step.
    r#"
ALTER TABLE transactions ADD COLUMN postings TEXT NOT NULL DEFAULT '[]';
UPDATE transactions SET postings = (
    SELECT json_group_array(json_array(
               p.account, p.amount,
               CASE WHEN COALESCE(p.memo, '') = transactions.memo THEN NULL
                    ELSE COALESCE(p.memo, '') END,
               p.household, p.ref) ORDER BY p.line)
    FROM postings p WHERE p.txn = transactions.id)
WHERE EXISTS (SELECT 1 FROM postings p WHERE p.txn = transactions.id);
DROP INDEX postings_account_date;
DROP TABLE postings;
DROP INDEX transactions_date;

CREATE VIEW postings (txn, line, account, date, amount, memo, household, ref) AS
SELECT t.id, j.key + 1, j.value ->> 0, t.date, j.value ->> 1,
       NULLIF(COALESCE(j.value ->> 2, t.memo), ''), j.value ->> 3, j.value ->> 4
FROM transactions t, json_each(t.postings) j;

CREATE TABLE account_postings (
    month   TEXT NOT NULL,
    account INTEGER NOT NULL REFERENCES accounts(id),
    entries BLOB NOT NULL,
    PRIMARY KEY (month, account)
) WITHOUT ROWID;
"#,
    // 6: account codes are unique through a partial index: accounts without a code (every
    // household's payable account) no longer each add an entry to it. SQLite cannot drop a
    // column's UNIQUE, so the table is rebuilt (foreign keys are off while migrations run).
    r#"
CREATE TABLE accounts_rebuilt (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    code       TEXT,
    kind       TEXT NOT NULL CHECK (kind IN ('asset','liability','net_assets','income','expense')),
    created_at TEXT NOT NULL
);
INSERT INTO accounts_rebuilt (id, name, code, kind, created_at)
SELECT id, name, code, kind, created_at FROM accounts ORDER BY id;
DROP TABLE accounts;
ALTER TABLE accounts_rebuilt RENAME TO accounts;
CREATE UNIQUE INDEX accounts_code ON accounts(code) WHERE code IS NOT NULL;

-- The per-month tables key months as integers (202412), which compare faster than text,
-- and no longer refer to `accounts`: they are derived from the journal, which `verify`
-- checks them against.
CREATE TABLE account_months_rebuilt (
    account INTEGER NOT NULL,
    month   INTEGER NOT NULL,
    amount  INTEGER NOT NULL,
    PRIMARY KEY (account, month)
) WITHOUT ROWID;
INSERT INTO account_months_rebuilt (account, month, amount)
SELECT account, CAST(substr(month, 1, 4) AS INTEGER) * 100 + CAST(substr(month, 6, 2) AS INTEGER),
       amount
FROM account_months;
DROP TABLE account_months;
ALTER TABLE account_months_rebuilt RENAME TO account_months;

CREATE TABLE account_postings_rebuilt (
    month   INTEGER NOT NULL,
    account INTEGER NOT NULL,
    entries BLOB NOT NULL,
    PRIMARY KEY (month, account)
) WITHOUT ROWID;
INSERT INTO account_postings_rebuilt (month, account, entries)
SELECT CAST(substr(month, 1, 4) AS INTEGER) * 100 + CAST(substr(month, 6, 2) AS INTEGER),
       account, entries
FROM account_postings;
DROP TABLE account_postings;
ALTER TABLE account_postings_rebuilt RENAME TO account_postings;
"#,
    // 7: each account's month total moves into its index row (`account_postings.total`), so a
    // write updates one row per account and month instead of one in each of two tables.
    // Without `account_months`, one account's rows are found month by month (see
    // `store::account_index`).
    r#"
CREATE TABLE account_postings_v7 (
    month   INTEGER NOT NULL,
    account INTEGER NOT NULL,
    total   INTEGER NOT NULL,
    entries BLOB NOT NULL,
    PRIMARY KEY (month, account)
) WITHOUT ROWID;
INSERT INTO account_postings_v7 (month, account, total, entries)
SELECT p.month, p.account, COALESCE(m.amount, 0), p.entries
FROM account_postings p
LEFT JOIN account_months m ON m.account = p.account AND m.month = p.month;
-- A total without index entries is kept too, for `verify` to report.
INSERT INTO account_postings_v7 (month, account, total, entries)
SELECT m.month, m.account, m.amount, X''
FROM account_months m
WHERE NOT EXISTS (SELECT 1 FROM account_postings p WHERE p.month = m.month AND p.account = m.account);
DROP TABLE account_postings;
DROP TABLE account_months;
ALTER TABLE account_postings_v7 RENAME TO account_postings;
"#,
    // 8: a run's lines are stored a block of households at a time (see
    // `store::line_blocks`): `dues` holds each household's total, `lines` the whole lines,
    // both JSON arrays in household order. A plan of 100,000 households writes a few hundred
    // rows, not 100,000. The `allocation_lines` view shows the lines as the table did.
    r#"
CREATE TABLE allocation_line_blocks (
    id    INTEGER PRIMARY KEY,
    run   INTEGER NOT NULL REFERENCES allocation_runs(id),
    dues  TEXT NOT NULL,
    lines TEXT NOT NULL
);
CREATE INDEX allocation_line_blocks_run ON allocation_line_blocks(run);
INSERT INTO allocation_line_blocks (run, dues, lines)
SELECT run, json_array(json_array(household, total)),
       json_array(json_array(household, village, name, id_number, bank_card, members, category,
                             risk_level, excluded, weight, quota, share, residual, fixed, total,
                             bound, explanation))
FROM allocation_lines ORDER BY run, household;
DROP TABLE allocation_lines;
CREATE VIEW allocation_lines (run, household, village, name, id_number, bank_card, members,
    category, risk_level, excluded, weight, quota, share, residual, fixed, total, bound,
    explanation) AS
SELECT b.run, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4,
       j.value ->> 5, j.value ->> 6, j.value ->> 7, j.value ->> 8, j.value ->> 9,
       j.value ->> 10, j.value ->> 11, j.value ->> 12, j.value ->> 13, j.value ->> 14,
       j.value ->> 15, j.value ->> 16
FROM allocation_line_blocks b, json_each(b.lines) j;
"#,
    // 9: an account's type is checked with `=` comparisons, not `IN (…)`: SQLite evaluates
    // an IN list in a CHECK by building a temporary table for every row, which made adding an
    // account (100,000 of them when a run is posted) ten times slower than the insert itself.
    // SQLite cannot change a constraint, so the table is rebuilt.
    r#"
CREATE TABLE accounts_v9 (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    code       TEXT,
    kind       TEXT NOT NULL CHECK (kind = 'asset' OR kind = 'liability' OR kind = 'net_assets'
                                    OR kind = 'income' OR kind = 'expense'),
    created_at TEXT NOT NULL
);
INSERT INTO accounts_v9 (id, name, code, kind, created_at)
SELECT id, name, code, kind, created_at FROM accounts ORDER BY id;
DROP TABLE accounts;
ALTER TABLE accounts_v9 RENAME TO accounts;
CREATE UNIQUE INDEX accounts_code ON accounts(code) WHERE code IS NOT NULL;
"#,
    // 10: a run's payments are stored a payment voucher at a time: one row per voucher with
    // the households it paid (`paid`, JSON `[[household, fen, bank_ref], …]` in household
    // order), not one row per household. A bank return marks the whole voucher. The
    // `allocation_payments` view shows them as the table did.
    r#"
CREATE TABLE allocation_payment_batches (
    id          INTEGER PRIMARY KEY,
    run         INTEGER NOT NULL REFERENCES allocation_runs(id),
    voucher     TEXT NOT NULL,
    date        TEXT NOT NULL,
    returned_by TEXT,
    paid        TEXT NOT NULL
);
CREATE UNIQUE INDEX allocation_payment_batches_voucher
    ON allocation_payment_batches(voucher, run);
CREATE INDEX allocation_payment_batches_run ON allocation_payment_batches(run);
INSERT INTO allocation_payment_batches (run, voucher, date, returned_by, paid)
SELECT run, voucher, MIN(date), MAX(returned_by),
       json_group_array(json_array(household, amount, bank_ref) ORDER BY household)
FROM allocation_payments GROUP BY run, voucher ORDER BY run, MIN(date), voucher;
DROP TABLE allocation_payments;
CREATE VIEW allocation_payments (run, household, amount, date, voucher, bank_ref, returned_by) AS
SELECT b.run, j.value ->> 0, j.value ->> 1, b.date, b.voucher, j.value ->> 2, b.returned_by
FROM allocation_payment_batches b, json_each(b.paid) j;
"#,
    // 11: every write to a table other than the journal is recorded in a chain of its own
    // (see `store::records`); signed checkpoints of the ledger's head; an approval keeps the
    // operator who recorded it beside the approver named with `--by`. The rows already in the
    // ledger become the chain's first records once the migrations have run.
    r#"
CREATE TABLE audit_log (
    seq      INTEGER PRIMARY KEY,
    tbl      TEXT NOT NULL,
    change   INTEGER NOT NULL,
    row_hash BLOB NOT NULL,
    hash     BLOB NOT NULL
);

-- Derived from audit_log (and checked against it by `verify`): each audited table's multiset
-- digest, so that a command can check a table without replaying the whole chain.
CREATE TABLE audit_digests (
    tbl    TEXT PRIMARY KEY,
    digest BLOB NOT NULL,
    rows   INTEGER NOT NULL
) WITHOUT ROWID;

-- A signature over the ledger's head at a point of its two chains (the journal's length and
-- the records' length): `verify` recomputes the head there and checks the signature.
CREATE TABLE checkpoints (
    id             INTEGER PRIMARY KEY,
    journal_length INTEGER NOT NULL,
    records_length INTEGER NOT NULL,
    head           TEXT NOT NULL,
    public_key     TEXT NOT NULL,
    signature      TEXT NOT NULL,
    signed_at      TEXT NOT NULL,
    operator       TEXT NOT NULL
);

ALTER TABLE allocation_runs ADD COLUMN village_operator TEXT;
ALTER TABLE allocation_runs ADD COLUMN town_operator TEXT;
"#,
    // 12: the funds the town runs, as data (see `funds::registry`); the standard ones
    // (`STANDARD_FUNDS`) are registered once the migrations have run.
    r#"
CREATE TABLE funds (
    id      TEXT PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    account TEXT NOT NULL UNIQUE,
    bank    TEXT NOT NULL,
    kind    TEXT NOT NULL,
    aliases TEXT NOT NULL
);
"#,
    // 13: the funds' rules files (see `funds::rules`), every one kept with its SHA-256; and
    // the fund movements: each posting's fund tag as the journal holds it (see
    // `funds::movement`), with its date, amount and account, so that a fund's report and its
    // rules read one range of one table. Derived from the journal, which `verify` checks it
    // against.
    r#"
CREATE TABLE fund_rules (
    version   INTEGER PRIMARY KEY,
    source    TEXT NOT NULL,
    text      TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    operator  TEXT NOT NULL
);

CREATE TABLE fund_movements (
    fund    TEXT NOT NULL,
    txn     INTEGER NOT NULL,
    line    INTEGER NOT NULL,
    account INTEGER NOT NULL,
    date    TEXT NOT NULL,
    fen     INTEGER NOT NULL,
    purpose TEXT,
    source  TEXT,
    donor   TEXT,
    project TEXT,
    PRIMARY KEY (fund, txn, line)
) WITHOUT ROWID;
"#,
    // 14: anti-poverty insurance 防贫保 (see `funds::insurance`): each year's roster from the
    // household register, the premium paid to the insurer, the claims passed to households.
    // Whether a premium or a claim is paid is read from the journal (a voucher not reversed).
    r#"
CREATE TABLE insurance_rosters (
    year        INTEGER PRIMARY KEY,
    insurer     TEXT NOT NULL,
    per_member  INTEGER NOT NULL,
    categories  TEXT NOT NULL,
    enrolled_on TEXT NOT NULL,
    households  INTEGER NOT NULL,
    persons     INTEGER NOT NULL,
    premium     INTEGER NOT NULL,
    enrolled_at TEXT NOT NULL,
    operator    TEXT NOT NULL
);

CREATE TABLE insurance_members (
    year      INTEGER NOT NULL REFERENCES insurance_rosters(year),
    household TEXT NOT NULL,
    members   INTEGER NOT NULL,
    premium   INTEGER NOT NULL,
    PRIMARY KEY (year, household)
) WITHOUT ROWID;

CREATE TABLE insurance_premiums (
    voucher TEXT PRIMARY KEY REFERENCES transactions(voucher),
    year    INTEGER NOT NULL REFERENCES insurance_rosters(year),
    fund    TEXT NOT NULL REFERENCES funds(id)
);

CREATE TABLE insurance_claims (
    id        INTEGER PRIMARY KEY,
    year      INTEGER NOT NULL REFERENCES insurance_rosters(year),
    household TEXT NOT NULL,
    amount    INTEGER NOT NULL,
    cause     TEXT NOT NULL,
    date      TEXT NOT NULL,
    voucher   TEXT NOT NULL REFERENCES transactions(voucher)
);

CREATE TABLE insurance_claim_payments (
    voucher TEXT PRIMARY KEY REFERENCES transactions(voucher),
    claim   INTEGER NOT NULL REFERENCES insurance_claims(id)
);
"#,
    // 15: relief grants from a reserve fund through the gates of review (see
    // `funds::grant`). A grant keeps the gates its fund's rules required when it was applied
    // for; its status is never stored but read from its reviews and from whether its payment
    // voucher still stands (a reversed payment leaves the grant passed, to be paid again).
    r#"
CREATE TABLE grants (
    id         INTEGER PRIMARY KEY,
    household  TEXT NOT NULL,
    fund       TEXT NOT NULL,
    amount     INTEGER NOT NULL,
    cause      TEXT NOT NULL,
    loss       INTEGER NOT NULL,
    note       TEXT NOT NULL,
    gates      TEXT NOT NULL,
    applied_on TEXT NOT NULL,
    applicant  TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    dated      INTEGER NOT NULL
);
CREATE INDEX grants_household ON grants(household);

-- One row per gate decided: passed (1) or rejected (0), by whom (`--by`), on which day, the
-- note or the reason, and the operator who recorded it.
CREATE TABLE grant_reviews (
    grant_id    INTEGER NOT NULL REFERENCES grants(id),
    gate        TEXT NOT NULL,
    passed      INTEGER NOT NULL,
    reviewer    TEXT NOT NULL,
    decided_on  TEXT NOT NULL,
    note        TEXT NOT NULL,
    operator    TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    dated       INTEGER NOT NULL,
    PRIMARY KEY (grant_id, gate)
) WITHOUT ROWID;

-- A grant's payment vouchers: the one not reversed (if any) is its payment.
CREATE TABLE grant_payments (
    voucher  TEXT PRIMARY KEY,
    grant_id INTEGER NOT NULL REFERENCES grants(id),
    date     TEXT NOT NULL,
    paid_by  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX grant_payments_grant ON grant_payments(grant_id);
"#,
    // 16: the excess of a dividend over its project's expected income set aside into a fund
    // (the PV project's 超额分红 into the reserve fund), by the dividend's voucher.
    r#"
CREATE TABLE dividend_excess (
    voucher TEXT PRIMARY KEY REFERENCES dividends(voucher),
    fund    TEXT NOT NULL REFERENCES funds(id),
    amount  INTEGER NOT NULL CHECK (amount > 0)
) WITHOUT ROWID;
"#,
    // 17: closing the books (see `period`): each close and reopen, in order. A close closes its
    // month and every earlier one; a reopen opens its month and every later one. Who did it,
    // why, and the journal's length and head at the time.
    r#"
CREATE TABLE period_events (
    seq            INTEGER PRIMARY KEY,
    month          TEXT NOT NULL,
    action         TEXT NOT NULL,
    person         TEXT NOT NULL,
    reason         TEXT,
    operator       TEXT NOT NULL,
    at             TEXT NOT NULL,
    journal_length INTEGER NOT NULL,
    journal_head   TEXT NOT NULL
);
"#,
    // 18: each fund's budget for a year, by purpose (`townledger budget set`, `budget import`):
    // one row per fund, year and purpose; setting it again replaces the amount (the record
    // chain keeps the change). `year` is the fund's year (the 6·30 fund's runs June to May).
    r#"
CREATE TABLE budgets (
    fund     TEXT NOT NULL REFERENCES funds(id),
    year     INTEGER NOT NULL,
    purpose  TEXT NOT NULL,
    amount   INTEGER NOT NULL CHECK (amount >= 0),
    set_at   TEXT NOT NULL,
    operator TEXT NOT NULL,
    PRIMARY KEY (fund, year, purpose)
) WITHOUT ROWID;
"#,
    // 19: the bank's own statements and their reconciliation with the books (see
    // `reconcile`). A statement is a period of one bank account with its opening and closing
    // balance; its lines are kept once per account (an overlapping statement adds only lines
    // not yet held: by serial number, else by date, amount, text and occurrence). A match
    // ties bank lines to postings of the account whose amounts agree to the fen, with the rule
    // or person that made it; a locked statement's matches stay. Every import, match, unmatch,
    // lock and unlock is an event.
    r#"
CREATE TABLE bank_statements (
    id          INTEGER PRIMARY KEY,
    account     INTEGER NOT NULL REFERENCES accounts(id),
    name        TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to   TEXT NOT NULL,
    opening     INTEGER NOT NULL,
    closing     INTEGER NOT NULL,
    source      TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    layout      TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    locked_by   TEXT,
    locked_at   TEXT,
    UNIQUE (account, name)
);

CREATE TABLE bank_lines (
    id                   INTEGER PRIMARY KEY,
    account              INTEGER NOT NULL REFERENCES accounts(id),
    statement            INTEGER NOT NULL REFERENCES bank_statements(id),
    row                  INTEGER NOT NULL,
    date                 TEXT NOT NULL,
    amount               INTEGER NOT NULL,
    balance              INTEGER,
    text                 TEXT NOT NULL,
    counterparty         TEXT NOT NULL,
    counterparty_account TEXT NOT NULL,
    serial               TEXT,
    occurrence           INTEGER NOT NULL
);
CREATE UNIQUE INDEX bank_lines_serial ON bank_lines(account, serial) WHERE serial IS NOT NULL;
CREATE UNIQUE INDEX bank_lines_key ON bank_lines(account, date, amount, text, occurrence)
    WHERE serial IS NULL;
CREATE INDEX bank_lines_account_date ON bank_lines(account, date);

CREATE TABLE bank_matches (
    id      INTEGER PRIMARY KEY,
    account INTEGER NOT NULL REFERENCES accounts(id),
    rule    TEXT NOT NULL,
    made_by TEXT NOT NULL,
    made_at TEXT NOT NULL
);

CREATE TABLE bank_match_lines (
    bank_line INTEGER PRIMARY KEY REFERENCES bank_lines(id),
    match_id  INTEGER NOT NULL REFERENCES bank_matches(id)
);
CREATE INDEX bank_match_lines_match ON bank_match_lines(match_id);

CREATE TABLE bank_match_postings (
    txn      INTEGER NOT NULL,
    line     INTEGER NOT NULL,
    match_id INTEGER NOT NULL REFERENCES bank_matches(id),
    PRIMARY KEY (txn, line)
) WITHOUT ROWID;
CREATE INDEX bank_match_postings_match ON bank_match_postings(match_id);

CREATE TABLE bank_events (
    id        INTEGER PRIMARY KEY,
    account   INTEGER NOT NULL REFERENCES accounts(id),
    statement INTEGER REFERENCES bank_statements(id),
    action    TEXT NOT NULL,
    detail    TEXT NOT NULL,
    reason    TEXT,
    operator  TEXT NOT NULL,
    at        TEXT NOT NULL
);
"#,
    // 20: the web application's users and what happened there (see `users`): each user's
    // role (checked by `users::Role` when read), Argon2id password hash and whether it is
    // disabled (a user is never deleted); each sign-in, refused sign-in and write made through
    // the web or to the users, with who, when and from which address. Sessions live in the
    // server's memory, not here.
    r#"
CREATE TABLE users (
    name       TEXT PRIMARY KEY,
    role       TEXT NOT NULL,
    hash       TEXT NOT NULL,
    disabled   INTEGER NOT NULL DEFAULT 0 CHECK (disabled = 0 OR disabled = 1),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE web_events (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    user    TEXT NOT NULL,
    address TEXT NOT NULL,
    action  TEXT NOT NULL,
    detail  TEXT NOT NULL,
    outcome TEXT NOT NULL
);
"#,
];

/// The version that introduced the record chain: a ledger migrated from before it records
/// every row it holds as the chain's first records.
pub const RECORDS_VERSION: i64 = 11;

/// The version that introduced the account index: a ledger migrated from before it has the
/// index built from the journal once every migration has run.
pub const ACCOUNT_INDEX_VERSION: i64 = 5;

/// The version that introduced the fund registry: a ledger migrated from before it gets the
/// standard funds, recorded in the record chain, once every migration has run.
pub const FUNDS_VERSION: i64 = 12;

pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

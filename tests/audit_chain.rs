//! Everything under the chain: every row of every table that a report or a payment reads is
//! covered by `verify`, and signed checkpoints catch a chain rebuilt whole.

mod common;

use std::path::{Path, PathBuf};

use common::Town;
use rusqlite::types::Value;
use rusqlite::Connection;
use townledger::audit::verify;
use townledger::store::records::{record_hash, TableDigest};
use townledger::store::Ledger;
use townledger::Error;

const LEDGER: &str = "demo/townledger.db";

/// The demo town (which pays a grant after the three gates and rejects another, so that every
/// grant table has rows), a signed checkpoint, its ledger's log folded into the file.
fn signed_demo() -> Town {
    let town = Town::empty();
    town.run(&["demo", "--out", "demo"]).ok();
    town.run(&["key", "new", "office.key"]).ok();
    town.run(&["--ledger", LEDGER, "checkpoint", "--key", "office.key"])
        .ok();
    let conn = Connection::open(town.path(LEDGER)).unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    town
}

fn tables(conn: &Connection) -> Vec<String> {
    conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .unwrap()
    .query_map([], |r| r.get(0))
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// (column, part of the primary key) in the table's order.
fn columns(conn: &Connection, table: &str) -> Vec<(String, bool)> {
    conn.prepare(&format!("PRAGMA table_info(\"{table}\")"))
        .unwrap()
        .query_map([], |r| Ok((r.get(1)?, r.get::<_, i64>(5)? > 0)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// A `WHERE` clause naming each row to tamper with: the first and the last (every row of
/// `meta`, whose rows are unlike each other).
fn target_rows(conn: &Connection, table: &str) -> Vec<(String, Vec<Value>)> {
    let cols = columns(conn, table);
    let mut key: Vec<String> = cols
        .iter()
        .filter(|(_, pk)| *pk)
        .map(|(c, _)| format!("\"{c}\""))
        .collect();
    if key.is_empty() {
        key.push("rowid".into());
    }
    let select = format!(
        "SELECT {} FROM \"{table}\" ORDER BY {}",
        key.join(", "),
        key.join(", ")
    );
    let mut all: Vec<Vec<Value>> = conn
        .prepare(&select)
        .unwrap()
        .query_map([], |r| {
            (0..key.len()).map(|i| r.get::<_, Value>(i)).collect()
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    if table != "meta" && all.len() > 2 {
        let last = all.pop().unwrap();
        all.truncate(1);
        all.push(last);
    }
    let clause = key
        .iter()
        .enumerate()
        .map(|(i, k)| format!("{k} = ?{}", i + 1))
        .collect::<Vec<_>>()
        .join(" AND ");
    all.into_iter().map(|v| (clause.clone(), v)).collect()
}

/// New values to try for a stored value, in order; the first that the table's constraints
/// accept (and that changes the row) is the tamper.
fn replacements(v: &Value) -> Vec<Value> {
    match v {
        Value::Integer(i) => vec![
            Value::Integer(i + 1_000_003),
            Value::Integer(i - 1),
            Value::Integer(i + 1),
        ],
        Value::Text(s) => {
            let mut out = vec![Value::Text(format!("{s}x"))];
            for other in [
                "liability",
                "asset",
                "rent",
                "dividend",
                "0.13",
                "2024-12-30",
            ] {
                if s != other {
                    out.push(Value::Text(other.into()));
                }
            }
            out
        }
        Value::Blob(b) => {
            let mut b = b.clone();
            b.push(0);
            vec![Value::Blob(b)]
        }
        Value::Real(f) => vec![Value::Real(f + 1.0)],
        Value::Null => vec![Value::Text("x".into()), Value::Integer(1)],
    }
}

/// A plain connection, as `sqlite3` gives an attacker (foreign keys off: rusqlite's SQLite
/// turns them on by default).
fn attacker(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    conn
}

/// The first column of the first row of `sql` in the ledger at `path`.
fn text_in(path: &Path, sql: &str) -> String {
    Connection::open(path)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

fn copy_of(town: &Town, name: &str) -> PathBuf {
    let to = town.path(name);
    std::fs::copy(town.path(LEDGER), &to).unwrap();
    to
}

fn verify_fails(path: &Path) -> Option<String> {
    let ledger = Ledger::open(path).unwrap();
    match verify(&ledger) {
        Err(Error::Tampered(why)) => Some(why),
        Err(other) => Some(format!("(other error) {other}")),
        Ok(_) => None,
    }
}

/// Editing any column of a row, or deleting the row, in any table — the journal, the records,
/// the register, runs, lines, payments, projects, dividends, tilts, checkpoints, meta — makes
/// `verify` fail. A table added later is walked too, so it must be covered.
#[test]
fn editing_or_deleting_any_row_of_any_table_fails_verify() {
    let town = signed_demo();
    let base = Connection::open(town.path(LEDGER)).unwrap();
    let all = tables(&base);
    for must in [
        "accounts",
        "households",
        "allocation_runs",
        "allocation_line_blocks",
        "allocation_payment_batches",
        "projects",
        "dividends",
        "tilts",
        "tilt_runs",
        "voucher_months",
        "meta",
        "checkpoints",
        "grants",
        "grant_reviews",
        "grant_payments",
        "audit_log",
        "transactions",
        "account_postings",
    ] {
        assert!(all.iter().any(|t| t == must), "no table {must}");
    }
    let mut tampers = 0;
    let mut missed = Vec::new();
    for table in &all {
        let rows = target_rows(&base, table);
        assert!(
            !rows.is_empty(),
            "the demo leaves table {table} empty: it cannot be walked"
        );
        for (clause, key) in rows {
            for (column, _) in columns(&base, table) {
                let path = copy_of(&town, "tampered.db");
                let conn = attacker(&path);
                let current: Value = conn
                    .query_row(
                        &format!("SELECT \"{column}\" FROM \"{table}\" WHERE {clause}"),
                        rusqlite::params_from_iter(&key),
                        |r| r.get(0),
                    )
                    .unwrap();
                // The key is bound first (?1 …), the new value last.
                let sql = format!(
                    "UPDATE \"{table}\" SET \"{column}\" = ?{} WHERE {clause}",
                    key.len() + 1
                );
                let changed = replacements(&current).into_iter().any(|new| {
                    let mut bound = key.clone();
                    bound.push(new);
                    conn.execute(&sql, rusqlite::params_from_iter(&bound))
                        .is_ok_and(|n| n == 1)
                });
                assert!(changed, "{table}.{column}: no edit was accepted by SQLite");
                drop(conn);
                tampers += 1;
                if verify_fails(&path).is_none() {
                    missed.push(format!("UPDATE {table}.{column} where {key:?}"));
                }
            }
            let path = copy_of(&town, "tampered.db");
            let conn = attacker(&path);
            let n = conn
                .execute(
                    &format!("DELETE FROM \"{table}\" WHERE {clause}"),
                    rusqlite::params_from_iter(&key),
                )
                .unwrap();
            assert_eq!(n, 1);
            drop(conn);
            tampers += 1;
            if verify_fails(&path).is_none() {
                missed.push(format!("DELETE FROM {table} where {key:?}"));
            }
        }
    }
    assert!(
        missed.is_empty(),
        "verify passed after:\n{}",
        missed.join("\n")
    );
    assert!(tampers > 150, "only {tampers} tampers tried");
}

#[test]
fn verify_names_the_table_that_was_altered() {
    // A deleted payment batch or tilt, an edited card, rate, approver, code or town name.
    let town = signed_demo();
    for (sql, table) in [
        ("DELETE FROM allocation_payment_batches WHERE id = 2", "allocation_payment_batches"),
        ("DELETE FROM tilts; DELETE FROM tilt_runs", "tilt"),
        ("UPDATE households SET bank_card = '6200000000000000000' WHERE id = 'H0002'", "households"),
        ("UPDATE projects SET rate = '0.5'", "projects"),
        ("UPDATE allocation_runs SET town_by = '村委'", "allocation_runs"),
        ("UPDATE accounts SET code = '999' WHERE code = '101'", "accounts"),
        ("UPDATE meta SET value = '假镇' WHERE key = 'town'", "meta"),
        ("INSERT INTO households SELECT 'H9999', valid_from, import_seq, village, name, id_number, members, per_capita_income, category, risk_level, risk_causes, labour, bank_card, recorded_at, operator FROM households LIMIT 1", "households"),
    ] {
        let path = copy_of(&town, "t.db");
        attacker(&path).execute_batch(sql).unwrap();
        let r = town.run(&["--ledger", "t.db", "verify"]).fails(2);
        assert!(r.stderr.contains(table), "after {sql}: {}", r.stderr);
        assert!(r.stderr.contains("altered outside townledger"), "{}", r.stderr);
    }
    // The household row is named.
    let path = copy_of(&town, "t.db");
    Connection::open(&path)
        .unwrap()
        .execute_batch("UPDATE households SET name = '改名' WHERE id = 'H0002'")
        .unwrap();
    let r = town.run(&["--ledger", "t.db", "verify"]).fails(2);
    assert!(r.stderr.contains("(H0002,"), "{}", r.stderr);
}

#[test]
fn meta_chain_head_alone_is_named() {
    let town = signed_demo();
    let path = copy_of(&town, "t.db");
    Connection::open(&path)
        .unwrap()
        .execute_batch(&format!(
            "UPDATE meta SET value = '{}' WHERE key = 'chain_head'",
            "ab".repeat(32)
        ))
        .unwrap();
    let r = town.run(&["--ledger", "t.db", "verify"]).fails(2);
    assert!(
        r.stderr.contains("meta.chain_head was altered"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("missing"), "{}", r.stderr);
}

/// An attacker who edits a household and rebuilds the record chain whole (and removes the
/// checkpoints that no longer match) passes a plain `verify`, but not one with the office's
/// public key; one who re-signs with a key of their own does not pass either.
#[test]
fn a_rebuilt_chain_is_caught_by_the_signed_checkpoint() {
    let town = signed_demo();
    let r = town
        .run(&["--ledger", LEDGER, "verify", "--public-key", "office.pub"])
        .ok();
    assert!(r.stdout.contains("1 signed by key"), "{}", r.stdout);
    assert!(r.stdout.contains("chain head "), "{}", r.stdout);

    let path = copy_of(&town, "rebuilt.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "UPDATE households SET bank_card = '6217000000000000001' WHERE id = 'H0002';
             DELETE FROM checkpoints; DELETE FROM audit_log;",
        )
        .unwrap();
    }
    rebuild_records(&path);
    // A plain verify cannot tell: the chain is consistent again.
    let plain = town.run(&["--ledger", "rebuilt.db", "verify"]).ok();
    assert!(
        plain.stdout.contains("no signed checkpoint"),
        "{}",
        plain.stdout
    );
    let r = town
        .run(&[
            "--ledger",
            "rebuilt.db",
            "verify",
            "--public-key",
            "office.pub",
        ])
        .fails(2);
    assert!(
        r.stderr
            .contains("no checkpoint of this ledger is signed by key"),
        "{}",
        r.stderr
    );

    // Re-signed with the attacker's own key: still not the office's.
    town.run(&["key", "new", "mallory.key"]).ok();
    town.run(&[
        "--ledger",
        "rebuilt.db",
        "checkpoint",
        "--key",
        "mallory.key",
    ])
    .ok();
    town.run(&[
        "--ledger",
        "rebuilt.db",
        "verify",
        "--public-key",
        "office.pub",
    ])
    .fails(2);
    town.run(&[
        "--ledger",
        "rebuilt.db",
        "verify",
        "--public-key",
        "mallory.pub",
    ])
    .ok();

    // Kept, the office's checkpoint no longer matches what it signed.
    let path = copy_of(&town, "kept.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "UPDATE households SET bank_card = '6217000000000000001' WHERE id = 'H0002';
             DELETE FROM audit_log;",
        )
        .unwrap();
    }
    rebuild_records(&path);
    let r = town
        .run(&[
            "--ledger",
            "kept.db",
            "verify",
            "--public-key",
            "office.pub",
        ])
        .fails(2);
    assert!(r.stderr.contains("checkpoint #1"), "{}", r.stderr);
}

/// What an attacker who knows the canonical form does: record every row afresh.
fn rebuild_records(path: &Path) {
    let ledger = Ledger::open(path).unwrap();
    let mut records = Vec::new();
    for t in ledger.audited_tables().unwrap() {
        ledger
            .for_each_row_hash(&t, |_, h| {
                records.push((t.name.clone(), h));
                Ok(())
            })
            .unwrap();
    }
    drop(ledger);
    let conn = Connection::open(path).unwrap();
    let mut digests: std::collections::BTreeMap<String, TableDigest> = Default::default();
    for (table, row) in &records {
        digests.entry(table.clone()).or_default().add(row);
    }
    conn.execute("DELETE FROM audit_digests", []).unwrap();
    for (table, d) in &digests {
        conn.execute(
            "INSERT INTO audit_digests (tbl, digest, rows) VALUES (?1, ?2, ?3)",
            rusqlite::params![table, &d.to_bytes()[..], d.rows],
        )
        .unwrap();
    }
    let mut prev = [0u8; 32];
    for (i, (table, row)) in records.iter().enumerate() {
        let seq = i as i64 + 1;
        let hash = record_hash(&prev, seq, table, 1, row);
        conn.execute(
            "INSERT INTO audit_log (seq, tbl, change, row_hash, hash) VALUES (?1, ?2, 1, ?3, ?4)",
            rusqlite::params![seq, table, &row[..], &hash[..]],
        )
        .unwrap();
        prev = hash;
    }
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'records_head'",
        [hex::encode(prev)],
    )
    .unwrap();
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'records_length'",
        [records.len().to_string()],
    )
    .unwrap();
}

#[test]
fn keys_are_never_overwritten_and_bad_keys_are_named() {
    let town = Town::new();
    town.run(&["key", "new", "office.key"]).ok();
    let r = town.run(&["key", "new", "office.key"]).fails(1);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    town.write("bad.pub", "not a key\n");
    let r = town.run(&["verify", "--public-key", "bad.pub"]).fails(1);
    assert!(
        r.stderr.contains("bad.pub: not a townledger key file"),
        "{}",
        r.stderr
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(town.path("office.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the secret key is readable by others: {mode:o}"
        );
    }
    // A checkpoint on a fresh ledger, then a write after it: both verify.
    town.run(&["checkpoint", "--key", "office.key"]).ok();
    town.run(&["accounts", "add", "资产:银行存款:新户"]).ok();
    town.run(&["verify", "--public-key", "office.pub"]).ok();
}

#[test]
fn verify_into_a_closed_pipe_does_not_panic() {
    let town = Town::new();
    let mut child = std::process::Command::new(common::binary())
        .current_dir(town.dir.path())
        .arg("verify")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before the command writes.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

/// Deleting a payment batch or the tilts behind the program's back does not make it pay or
/// tilt twice: the command refuses (exit 2) and writes nothing.
#[test]
fn money_does_not_move_on_tables_altered_behind_the_programs_back() {
    let town = signed_demo();
    let path = copy_of(&town, "t.db");
    attacker(&path)
        .execute_batch("DELETE FROM allocation_payment_batches WHERE id = 2")
        .unwrap();
    let before = town
        .run(&["--ledger", "t.db", "balance", "--format", "csv"])
        .ok()
        .stdout;
    let r = town
        .run_as(
            "出纳王",
            &["--ledger", "t.db", "pay", "1", "--date", "2025-01-10"],
        )
        .fails(2);
    assert!(
        r.stderr
            .contains("table allocation_payment_batches no longer matches the record chain"),
        "{}",
        r.stderr
    );
    let after = town
        .run(&["--ledger", "t.db", "balance", "--format", "csv"])
        .ok()
        .stdout;
    assert_eq!(before, after);

    let path = copy_of(&town, "t2.db");
    attacker(&path)
        .execute_batch("DELETE FROM tilts; DELETE FROM tilt_runs")
        .unwrap();
    let r = town
        .run(&[
            "--ledger", "t2.db", "tilt", "--year", "2024", "--share", "0.12",
        ])
        .fails(2);
    assert!(
        r.stderr.contains("no longer matches the record chain"),
        "{}",
        r.stderr
    );
    // Nor does `reverse`, which keeps vouchers in step with those tables.
    let voucher = text_in(&path, "SELECT voucher FROM dividends LIMIT 1");
    let r = town
        .run(&["--ledger", "t2.db", "reverse", &voucher, "--reason", "误记"])
        .fails(2);
    assert!(r.stderr.contains("table tilt"), "{}", r.stderr);
}

/// A printed trial balance or register carries the ledger's head and its last checkpoint.
#[test]
fn reports_print_the_head_and_the_last_checkpoint() {
    let town = signed_demo();
    let verified = town.run(&["--ledger", LEDGER, "verify"]).ok().stdout;
    let head = verified
        .lines()
        .find_map(|l| l.strip_prefix("chain head "))
        .unwrap()
        .to_string();
    for args in [
        vec!["--ledger", LEDGER, "balance"],
        vec!["--ledger", LEDGER, "register", "资产:银行存款"],
    ] {
        let text = town.run(&args).ok().stdout;
        assert!(
            text.contains(&format!("审计链 {}", &head[..16])),
            "{args:?}: {text}"
        );
        assert!(text.contains("签名检查点第1号"), "{args:?}: {text}");
    }
    // Machine formats stay as they were: no footer in CSV.
    let csv = town
        .run(&["--ledger", LEDGER, "balance", "--format", "csv"])
        .ok()
        .stdout;
    assert!(!csv.contains("审计链"), "{csv}");
}

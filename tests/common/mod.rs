//! Helpers for tests that run the real binary in a temporary directory.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Town {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "command failed\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn fails(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl Town {
    /// An empty directory with a fresh ledger.
    pub fn new() -> Town {
        let town = Town::empty();
        town.run(&["init"]).ok();
        town
    }

    /// An empty directory, no ledger.
    pub fn empty() -> Town {
        Town {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn ledger(&self) -> PathBuf {
        self.path("townledger.db")
    }

    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, content).expect("write file");
        p
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::new(binary());
        c.current_dir(self.dir.path())
            .env_remove("TOWNLEDGER_LEDGER")
            .env("TOWNLEDGER_OPERATOR", "出纳张")
            // The tests read the English messages; tests/language.rs checks the Chinese ones.
            .env("TOWNLEDGER_LANG", "en");
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cmd().args(args).output().expect("run"))
    }

    pub fn run_as(&self, operator: &str, args: &[&str]) -> Run {
        Run::from(
            self.cmd()
                .env("TOWNLEDGER_OPERATOR", operator)
                .args(args)
                .output()
                .expect("run"),
        )
    }

    /// `balance --format csv` as (account, balance) pairs.
    pub fn balances(&self) -> Vec<(String, String)> {
        let out = self.run(&["balance", "--format", "csv"]).ok().stdout;
        let mut rows = parse_balance_csv(&out);
        rows.sort();
        rows
    }

    pub fn sql(&self, sql: &str) {
        let conn = rusqlite::Connection::open(self.ledger()).expect("open");
        conn.execute_batch(sql).expect("sql");
    }

    /// The first column of the first row of `sql`, as text.
    pub fn text(&self, sql: &str) -> String {
        let conn = rusqlite::Connection::open(self.ledger()).expect("open");
        conn.query_row(sql, [], |r| r.get(0)).expect("text")
    }

    pub fn count(&self, sql: &str) -> i64 {
        let conn = rusqlite::Connection::open(self.ledger()).expect("open");
        conn.query_row(sql, [], |r| r.get(0)).expect("count")
    }
}

pub fn parse_balance_csv(text: &str) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        vec!["account", "balance"]
    );
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[0].to_string(), rec[1].to_string())
        })
        .collect()
}

/// The townledger binary that Cargo built for these tests.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_townledger"))
}

pub fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("ledgers/demo")
}

/// Whether an outside tool is installed. A test that needs one and finds it missing says so on
/// the terminal, `SKIPPED: <tool> not installed (<test>)`, and passes without its comparison;
/// with `TOWNLEDGER_REQUIRE_PEERS` set (as CI sets it) a missing tool fails the test instead.
pub fn have_tool(name: &str) -> bool {
    // hledger, ledger and bean-check answer --version; poppler's tools answer -v.
    let found = ["--version", "-v"].iter().any(|flag| {
        std::process::Command::new(name)
            .arg(flag)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    });
    if !found {
        let test = std::thread::current()
            .name()
            .filter(|n| *n != "main")
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        if std::env::var_os("TOWNLEDGER_REQUIRE_PEERS").is_some() {
            panic!("{name} is required (TOWNLEDGER_REQUIRE_PEERS) but not installed{test}");
        }
        skipped(&format!(
            "{name} not installed{test}: this comparison did not run \
             (TOWNLEDGER_REQUIRE_PEERS=1 makes it fail instead)"
        ));
    }
    found
}

/// Print `SKIPPED: <why>` where `cargo test` shows it. The test harness captures `print!` and
/// `eprint!` of passing tests, so the line is written to the process's standard error
/// directly.
pub fn skipped(why: &str) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "SKIPPED: {why}");
    let _ = err.flush();
}

/// SQL that turns a ledger's runs back into schema 7: a row per household in the
/// `allocation_lines` and `allocation_payments` tables, without schema 11's record chain,
/// checkpoints and approval operators, and without the later tables (funds, grants).
pub const RUNS_AS_IN_SCHEMA_7: &str = "
    DROP TABLE bank_events;
    DROP TABLE bank_match_postings;
    DROP TABLE bank_match_lines;
    DROP TABLE bank_matches;
    DROP TABLE bank_lines;
    DROP TABLE bank_statements;
    DROP TABLE web_events;
    DROP TABLE users;
    DROP TABLE insurance_claim_payments;
    DROP TABLE insurance_claims;
    DROP TABLE insurance_premiums;
    DROP TABLE insurance_members;
    DROP TABLE insurance_rosters;
    DROP TABLE fund_movements;
    DROP TABLE fund_rules;
    DROP TABLE period_events;
    DROP TABLE dividend_excess;
    DROP TABLE budgets;
    DROP TABLE grant_payments;
    DROP TABLE grant_reviews;
    DROP TABLE grants;
    DROP TABLE funds;
    DROP TABLE audit_log;
    DROP TABLE audit_digests;
    DROP TABLE checkpoints;
    ALTER TABLE allocation_runs DROP COLUMN village_operator;
    ALTER TABLE allocation_runs DROP COLUMN town_operator;
    DELETE FROM meta WHERE key IN ('records_head', 'records_length');
    CREATE TABLE allocation_payments_v7 (
        run INTEGER NOT NULL REFERENCES allocation_runs(id), household TEXT NOT NULL,
        amount INTEGER NOT NULL, date TEXT NOT NULL, voucher TEXT NOT NULL, bank_ref TEXT,
        returned_by TEXT, PRIMARY KEY (run, household, voucher)) WITHOUT ROWID;
    INSERT INTO allocation_payments_v7 SELECT run, household, amount, date, voucher, bank_ref,
        returned_by FROM allocation_payments;
    DROP VIEW allocation_payments;
    DROP TABLE allocation_payment_batches;
    ALTER TABLE allocation_payments_v7 RENAME TO allocation_payments;
    CREATE INDEX allocation_payments_voucher ON allocation_payments(voucher);
    CREATE TABLE allocation_lines_v7 (
        run INTEGER NOT NULL REFERENCES allocation_runs(id), household TEXT NOT NULL,
        village TEXT NOT NULL, name TEXT NOT NULL, id_number TEXT NOT NULL,
        bank_card TEXT NOT NULL, members INTEGER NOT NULL, category TEXT NOT NULL,
        risk_level TEXT NOT NULL, excluded TEXT, weight TEXT, quota TEXT,
        share INTEGER NOT NULL, residual TEXT, fixed INTEGER NOT NULL, total INTEGER NOT NULL,
        bound TEXT, explanation TEXT NOT NULL, PRIMARY KEY (run, household)) WITHOUT ROWID;
    INSERT INTO allocation_lines_v7 SELECT * FROM allocation_lines;
    DROP VIEW allocation_lines;
    DROP TABLE allocation_line_blocks;
    ALTER TABLE allocation_lines_v7 RENAME TO allocation_lines;
    PRAGMA user_version = 7;";

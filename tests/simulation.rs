//! The simulation test, short: random sequences of every command that writes, with failures
//! injected, the books checked after every step (`townledger simulate` runs the long one).

mod common;

use std::path::Path;

use townledger::error::Error;
use townledger::import::postings::{import_postings, ImportOptions};
use townledger::ledger::chart::VILLAGE_COLLECTIVE_2023;
use townledger::ledger::AccountKind;
use townledger::simulate;
use townledger::store::Ledger;

/// Print the report and fail: the report names the seed and how to replay it.
fn passed<T>(r: townledger::Result<T>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn short_simulation_holds_every_invariant() {
    let dir = tempfile::tempdir().unwrap();
    let summary = passed(simulate::run(20_240_601, 5, 60, dir.path()));
    for line in summary.lines() {
        println!("{line}");
    }
    assert_eq!(summary.steps, 5 * 60);
    assert!(summary.succeeded > 40, "{summary:?}");
    assert!(summary.must_refuse > 10, "{summary:?}");
    assert!(
        summary.interrupted + summary.commits_failed > 5,
        "{summary:?}"
    );
    // The whole workflow was reached, not only its first steps.
    for kind in [
        "import", "dividend", "tilt", "plan", "approve", "notice", "post", "pay", "reverse",
    ] {
        assert!(
            summary.by_kind.get(kind).is_some_and(|c| c.succeeded > 0),
            "no {kind} succeeded: {summary:?}"
        );
    }
}

#[test]
fn the_same_seed_takes_the_same_steps() {
    let dir = tempfile::tempdir().unwrap();
    let a = passed(simulate::run(7, 2, 30, dir.path()));
    let b = passed(simulate::run(7, 2, 30, dir.path()));
    assert_eq!(a.trace, b.trace);
    assert_eq!(a.by_kind, b.by_kind);
    let c = passed(simulate::run(8, 2, 30, dir.path()));
    assert_ne!(a.trace, c.trace);
    // A sequence alone takes the same steps as in its run.
    let one = passed(simulate::run_sequence(7, 1, 2, 30, dir.path()));
    let two = passed(simulate::run_sequence(7, 1, 2, 30, dir.path()));
    assert_eq!(one.trace, two.trace);
}

/// A town journal of `n` transactions, as `bench` makes them.
fn journal(dir: &Path, n: u64) -> std::path::PathBuf {
    let path = dir.join("journal.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    townledger::synth::write_town_journal(&mut out, n, 300, 11).unwrap();
    drop(out);
    path
}

fn charted(path: &Path) -> Ledger {
    let mut ledger = Ledger::create(path).unwrap();
    ledger
        .write("t", |w| {
            for (code, name, kind) in VILLAGE_COLLECTIVE_2023 {
                w.add_account(name, *kind, Some(code))?;
            }
            Ok(())
        })
        .unwrap();
    ledger
}

#[test]
fn an_interrupted_write_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = journal(dir.path(), 3_000);
    let options = ImportOptions {
        encoding: None,
        create_accounts: true,
    };
    for bulk in [true, false] {
        let base = dir.path().join(format!("base-{bulk}.db"));
        let mut ledger = charted(&base);
        if !bulk {
            // With txn_ids posted before, the import writes through the write-ahead log.
            let first = dir.path().join("first.csv");
            std::fs::write(
                &first,
                "txn_id,date,account,amount,memo\nA,2024-01-01,资产:库存现金,1.00,x\nA,2024-01-01,净资产:资本,-1.00,x\n",
            )
            .unwrap();
            ledger
                .write("t", |w| import_postings(w, &first, &options))
                .unwrap();
        }
        let before = ledger.content_digest().unwrap();
        drop(ledger);
        let (mut fired, mut absorbed) = (0, 0);
        // From the first instruction to past the end of the write, in rising steps.
        let mut ops = 1u64;
        loop {
            let path = dir.path().join(format!("l-{bulk}-{ops}.db"));
            std::fs::copy(&base, &path).unwrap();
            let mut ledger = Ledger::open(&path).unwrap();
            let fault = ledger.interrupt_after(ops).unwrap();
            let result = if bulk {
                ledger.write_bulk("t", |w| import_postings(w, &file, &options))
            } else {
                ledger.write("t", |w| import_postings(w, &file, &options))
            };
            let report = ledger.disarm(fault).unwrap();
            assert!(ledger.is_idle(), "after {ops}");
            townledger::audit::verify(&ledger).unwrap();
            match result {
                // Past the end of the write, or in a statement it can do without (switching
                // the journal mode): it went through whole.
                Ok(summary) => {
                    assert_eq!(summary.posted, 3_000, "after {ops}");
                    assert_eq!(report.commits, 1, "after {ops}");
                    if !report.fired {
                        break;
                    }
                    absorbed += 1;
                }
                Err(e) => {
                    assert!(report.fired, "not interrupted, yet: {e}");
                    assert!(matches!(e, Error::Sqlite(_)), "{e:?}");
                    assert_eq!(
                        ledger.content_digest().unwrap(),
                        before,
                        "interrupted after {ops} instructions, the ledger changed"
                    );
                    fired += 1;
                }
            }
            ops = ops * 3 + 7;
        }
        assert!(fired > 8, "only {fired} interrupts landed inside the write");
        assert!(absorbed <= 2, "{absorbed}");
        // A refused commit: every statement ran, nothing stays.
        let mut ledger = charted(&dir.path().join(format!("c-{bulk}.db")));
        let before = ledger.content_digest().unwrap();
        let fault = ledger.fail_next_commit().unwrap();
        let result = ledger.write_bulk("t", |w| import_postings(w, &file, &options));
        let report = ledger.disarm(fault).unwrap();
        assert!(report.fired && result.is_err(), "{report:?}");
        assert_eq!(ledger.content_digest().unwrap(), before);
        // And unarmed, the same write goes through.
        ledger
            .write_bulk("t", |w| import_postings(w, &file, &options))
            .unwrap();
        assert_ne!(ledger.content_digest().unwrap(), before);
    }
}

#[test]
fn an_interrupt_anywhere_in_a_small_write_leaves_the_ledger_usable() {
    // The first instructions of a write are its BEGIN: an interrupt reported as BEGIN ends
    // must not leave the transaction open.
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = charted(&dir.path().join("p.db"));
    let before = ledger.content_digest().unwrap();
    let mut ops = 1;
    loop {
        let fault = ledger.interrupt_after(ops).unwrap();
        let result = ledger.write("t", |w| {
            w.add_account("资产:银行存款:基本户", AccountKind::Asset, None)
        });
        let report = ledger.disarm(fault).unwrap();
        assert!(ledger.is_idle(), "interrupted after {ops} instructions");
        if !report.fired {
            result.unwrap();
            break;
        }
        assert!(result.is_err());
        assert_eq!(ledger.content_digest().unwrap(), before, "after {ops}");
        ops += 1;
    }
    assert!(ops > 10, "{ops}");
}

#[test]
fn an_import_killed_at_any_moment_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let binary = common::binary();
    let summary = passed(simulate::kill::kill_rounds(
        31,
        4,
        60_000,
        &binary,
        dir.path(),
    ));
    for line in summary.lines() {
        println!("{line}");
    }
    assert_eq!(summary.nothing + summary.all, 4);
}

#[test]
fn simulate_command_prints_its_summary() {
    let town = common::Town::empty();
    let out = town
        .run(&[
            "simulate",
            "--seed",
            "5",
            "--sequences",
            "2",
            "--steps",
            "15",
            "--kills",
            "0",
        ])
        .ok();
    assert!(
        out.stdout.contains("seed 5: 2 sequences, 30 steps"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("ok: every invariant held"),
        "{}",
        out.stdout
    );
    let out = town
        .run(&[
            "simulate",
            "--seed",
            "5",
            "--sequences",
            "2",
            "--sequence",
            "2",
        ])
        .fails(1);
    assert!(out.stderr.contains("--sequence 2"), "{}", out.stderr);
}

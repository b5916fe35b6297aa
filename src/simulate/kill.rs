//! The part of the simulation that goes through the binary: `townledger import postings` on a
//! generated journal large enough to take a second or more, killed with SIGKILL at a moment
//! drawn from the seed. Afterwards the ledger must open, `verify` must pass, the trial balance
//! must total 0.00, and the ledger must hold either nothing of the file or all of it. Importing
//! the file again must then bring the ledger to the whole file.
//!
//! Half the rounds import into a ledger without txn_ids yet, where the import keeps a rollback
//! journal while it runs (most of these are killed once the journal holds pages, so that the
//! next open has a hot journal to roll back); the other half into one with txn_ids, where it
//! writes through the write-ahead log.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use super::mix;
use crate::audit::verify;
use crate::error::{Error, Result};
use crate::import::postings::{import_postings, ImportOptions};
use crate::ledger::chart::VILLAGE_COLLECTIVE_2023;
use crate::ledger::{NewTransaction, Posting};
use crate::money::Amount;
use crate::report::balance::{balance, BalanceQuery};
use crate::store::Ledger;
use crate::synth::{write_town_journal, Rng};

/// What the kill rounds found.
#[derive(Clone, Debug, Default)]
pub struct KillSummary {
    pub rounds: usize,
    /// Transactions in the journal imported.
    pub transactions: u64,
    /// How long an import of it took, uninterrupted: with a rollback journal, through the
    /// write-ahead log.
    pub import_times: Vec<Duration>,
    /// Killed with nothing of the file posted.
    pub nothing: usize,
    /// Killed (or finished) with all of it posted.
    pub all: usize,
    /// The import had finished before the kill.
    pub finished_first: usize,
    /// A kill that left a rollback journal or write-ahead log behind for the next open.
    pub left_journal: usize,
    /// A kill after the write had grown the ledger file, of which the next open kept nothing.
    pub grown: usize,
    pub elapsed: Duration,
}

impl KillSummary {
    pub fn lines(&self) -> Vec<String> {
        vec![
            format!(
                "kill -9 rounds: {} imports of {} transactions ({} s uninterrupted with a rollback journal / the write-ahead log), in {:.1} s",
                self.rounds,
                self.transactions,
                self.import_times
                    .iter()
                    .map(|t| format!("{:.2}", t.as_secs_f64()))
                    .collect::<Vec<_>>()
                    .join(" / "),
                self.elapsed.as_secs_f64()
            ),
            format!(
                "after the kill: {} held nothing of the file, {} all of it ({} had finished before the kill); {} left a journal to recover, {} a ledger file the write had grown; every one verified",
                self.nothing, self.all, self.finished_first, self.left_journal, self.grown
            ),
        ]
    }
}

/// A ledger with the chart and a few transactions: with txn_ids (an import) or without.
fn base_ledger(path: &Path, dir: &Path, with_ids: bool) -> Result<i64> {
    let mut ledger = Ledger::create(path)?;
    ledger.write("sim", |w| {
        for (code, name, kind) in VILLAGE_COLLECTIVE_2023 {
            w.add_account(name, *kind, Some(code))?;
        }
        w.add_account(
            "资产:银行存款:基本户",
            crate::ledger::AccountKind::Asset,
            None,
        )?;
        let day = NaiveDate::from_ymd_opt(2023, 12, 31).expect("valid date");
        for i in 1..=3 {
            w.post(NewTransaction {
                tags: Vec::new(),
                date: day,
                memo: format!("期初余额 {i}"),
                external_id: None,
                reverses: None,
                reason: None,
                postings: vec![
                    posting("资产:银行存款:基本户", Amount::from_yuan(1000 * i)),
                    posting("净资产:资本", Amount::from_yuan(-1000 * i)),
                ],
            })?;
        }
        Ok(())
    })?;
    if with_ids {
        let file = dir.join("opening.csv");
        std::fs::write(
            &file,
            "txn_id,date,account,amount,memo\nOPEN-1,2023-12-31,资产:银行存款:基本户,500.00,期初\nOPEN-1,2023-12-31,净资产:资本,-500.00,期初\n",
        )
        .map_err(|e| Error::io(&file, e))?;
        ledger.write("sim", |w| {
            import_postings(w, &file, &ImportOptions::default()).map(|_| ())
        })?;
    }
    Ok(ledger.counts()?.0)
}

fn posting(account: &str, amount: Amount) -> Posting {
    Posting {
        account: account.into(),
        amount,
        memo: String::new(),
        household: None,
        reference: None,
    }
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    for suffix in ["-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", to.display()));
    }
    std::fs::copy(from, to).map_err(|e| Error::io(to, e))?;
    Ok(())
}

fn import(binary: &Path, ledger: &Path, journal: &Path) -> Result<std::process::Child> {
    Command::new(binary)
        .arg("--ledger")
        .arg(ledger)
        .arg("--operator")
        .arg("sim")
        .args(["import", "postings"])
        .arg(journal)
        .arg("--create-accounts")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| Error::io(binary, e))
}

/// Run `rounds` kill rounds with `binary` (the townledger executable) on a journal of
/// `transactions` transactions, in `dir`.
pub fn kill_rounds(
    seed: u64,
    rounds: usize,
    transactions: u64,
    binary: &Path,
    dir: &Path,
) -> Result<KillSummary> {
    let started = Instant::now();
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let journal = dir.join("kill-journal.csv");
    {
        let file = std::fs::File::create(&journal).map_err(|e| Error::io(&journal, e))?;
        let mut out = std::io::BufWriter::new(file);
        write_town_journal(&mut out, transactions, 2_000, seed.max(1))
            .and_then(|()| std::io::Write::flush(&mut out))
            .map_err(|e| Error::io(&journal, e))?;
    }
    let bases: Vec<(PathBuf, i64)> = [false, true]
        .into_iter()
        .map(|with_ids| {
            let path = dir.join(format!("kill-base-{with_ids}.db"));
            remove_ledger(&path)?;
            Ok((path.clone(), base_ledger(&path, dir, with_ids)?))
        })
        .collect::<Result<_>>()?;
    // One import to the end into each base: how long it takes, and what the whole file makes.
    let ledger = dir.join("kill.db");
    let mut times = Vec::new();
    let mut whole = 0;
    for (base, before) in &bases {
        copy(base, &ledger)?;
        let timer = Instant::now();
        let status = import(binary, &ledger, &journal)?
            .wait()
            .map_err(|e| Error::io(binary, e))?;
        times.push(timer.elapsed());
        if !status.success() {
            return Err(Error::Tampered(format!(
                "the uninterrupted import of {} failed ({status})",
                journal.display()
            )));
        }
        whole = Ledger::open(&ledger)?.counts()?.0 - before;
    }
    let mut summary = KillSummary {
        rounds,
        transactions,
        import_times: times.clone(),
        ..KillSummary::default()
    };
    let mut rng = Rng::new(mix(seed ^ 0x6b69_6c6c));
    let mut retried = false;
    for round in 0..rounds {
        let (base, before) = &bases[round % 2];
        copy(base, &ledger)?;
        let bulk = round % 2 == 0;
        let import_time = times[round % 2];
        let hot = format!("{}-journal", ledger.display());
        let mut child = import(binary, &ledger, &journal)?;
        let spawned = Instant::now();
        // Mostly while the write is under way (with a rollback journal: once the journal has
        // pages in it, and up to 4/5 of an import's time later), else any moment from the
        // start of the process to a little after the import would end.
        let in_write = bulk && rng.below(4) != 0;
        let range = import_time.as_micros() as u64 * if in_write { 4 } else { 11 };
        let delay = Duration::from_micros(rng.below(range / if in_write { 5 } else { 10 } + 1));
        let mut finished = false;
        if in_write {
            // The journal holds pages from the write's first change to its commit (switching
            // into the journal mode fills it too, for a moment: seen twice, 10 ms apart, it is
            // the write's).
            let mut seen = 0;
            while seen < 2 && spawned.elapsed() < import_time * 3 {
                if child
                    .try_wait()
                    .map_err(|e| Error::io(binary, e))?
                    .is_some()
                {
                    finished = true;
                    break;
                }
                if std::fs::metadata(&hot).is_ok_and(|m| m.len() > 0) {
                    seen += 1;
                } else {
                    seen = 0;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        std::thread::sleep(delay);
        let killed_at = spawned.elapsed();
        finished |= child
            .try_wait()
            .map_err(|e| Error::io(binary, e))?
            .is_some();
        let _ = child.kill();
        let _ = child.wait();
        let journals = ["-journal", "-wal"].iter().any(|s| {
            std::fs::metadata(format!("{}{s}", ledger.display())).is_ok_and(|m| m.len() > 0)
        });
        let grown = std::fs::metadata(&ledger).map_or(0, |m| m.len())
            > std::fs::metadata(base).map_or(0, |m| m.len());
        let at = format!(
            "seed {seed}, kill round {round}: killed {:.3} s into an import of {transactions} transactions ({})",
            killed_at.as_secs_f64(),
            if bulk { "rollback journal" } else { "write-ahead log" }
        );
        let opened = Ledger::open(&ledger)?;
        if let Err(e) = verify(&opened) {
            return Err(Error::Tampered(format!("{at}: verify failed: {e}")));
        }
        let total = balance(&opened, &BalanceQuery::default())?.total;
        if !total.is_zero() {
            return Err(Error::Tampered(format!(
                "{at}: the trial balance totals {total}"
            )));
        }
        let posted = opened.counts()?.0 - before;
        drop(opened);
        if posted == 0 {
            summary.nothing += 1;
        } else if posted == whole {
            summary.all += 1;
        } else {
            return Err(Error::Tampered(format!(
                "{at}: the ledger holds {posted} of the file's {whole} transactions"
            )));
        }
        summary.finished_first += finished as usize;
        summary.left_journal += journals as usize;
        summary.grown += (grown && posted == 0) as usize;
        // The import again, to the end: the ledger then holds the whole file.
        if round + 1 == rounds || (posted == 0 && !retried) {
            retried = true;
            let status = import(binary, &ledger, &journal)?
                .wait()
                .map_err(|e| Error::io(binary, e))?;
            let opened = Ledger::open(&ledger)?;
            let posted = opened.counts()?.0 - before;
            if !status.success() || posted != whole || verify(&opened).is_err() {
                return Err(Error::Tampered(format!(
                    "{at}: importing the file again after the kill ({status}) left {posted} of its {whole} transactions"
                )));
            }
        }
    }
    for (base, _) in &bases {
        remove_ledger(base)?;
    }
    remove_ledger(&ledger)?;
    let _ = std::fs::remove_file(&journal);
    let _ = std::fs::remove_file(dir.join("opening.csv"));
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Remove a ledger file and its journals.
fn remove_ledger(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let p = format!("{}{suffix}", path.display());
        if Path::new(&p).exists() {
            std::fs::remove_file(&p).map_err(|e| Error::io(&p, e))?;
        }
    }
    Ok(())
}

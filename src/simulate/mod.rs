//! The simulation test: thousands of random sequences of the commands that write, with
//! failures injected, checking after every step that the books still hold together.
//!
//! Each sequence builds a small town in a fresh ledger (the standard chart, a few households
//! read by the household register reader, a few projects), then takes random steps (see
//! [`steps`]): voucher files good and bad, the register, projects, dividends, tilts, allocation
//! runs through plan, approvals, notice, posting and payment (with the bank's result file),
//! bank returns, run reversals and reversals of any voucher. Bad input is among them — an
//! unbalanced voucher, an unknown account, approval by the proposer, paying before the notice
//! period ends, reversing twice, a run larger than its fund — and must be refused.
//!
//! Some steps get a failure injected into their write (see `store::faults`): SQLite interrupts
//! a statement after a random number of instructions, or the commit is refused. After every
//! step the simulation checks:
//! - the trial balance totals 0.00;
//! - `verify` passes (hash chain, balances, monthly totals, account index);
//! - vouchers are numbered 1, 2, 3 … in each month, in posting order, without gaps;
//! - no household of a run is paid more than its line's total, or less than nothing; each
//!   household's payable account holds exactly what its runs still owe it, and never a debit;
//! - the dynamic-assistance fund is not overdrawn;
//! - a step that failed or was refused changed nothing: every row of every table is as before;
//! - a step that must be refused was, one that must succeed did, and no step failed with a
//!   system error unless a failure was injected into it.
//!
//! Everything random comes from a generator seeded with (seed, sequence): the same seed takes
//! the same steps. A broken invariant stops the run with the seed, sequence, step and command,
//! the steps before it, and the command that replays it.

pub mod kill;
mod steps;
mod town;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::audit::verify;
use crate::error::{Error, Result};
use crate::funds::household_payable;
use crate::funds::project::{add_project, NewProject, ProjectKind};
use crate::funds::tilt::dynamic_fund;
use crate::households::read_households;
use crate::ledger::chart::VILLAGE_COLLECTIVE_2023;
use crate::ledger::transaction::voucher_number;
use crate::money::Amount;
use crate::report::balance::{balance, BalanceQuery};
use crate::store::faults::{Fault, FaultReport};
use crate::store::Ledger;
use crate::synth::Rng;
use steps::{execute, Expect, Planned, Remember};
use town::Household;

/// Counts of one kind of step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KindCount {
    pub succeeded: usize,
    pub refused: usize,
    /// Failed because of an injected failure.
    pub failed: usize,
}

/// What a simulation did.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub seed: u64,
    pub sequences: usize,
    pub steps: usize,
    pub succeeded: usize,
    /// Refused by the ledger's rules or input checks (nothing written).
    pub refused: usize,
    /// Steps that had to be refused (bad input, a rule broken), all of which were.
    pub must_refuse: usize,
    /// Writes with an interrupt armed, and those it stopped.
    pub interrupts_armed: usize,
    pub interrupted: usize,
    /// Writes whose commit was refused.
    pub commits_failed: usize,
    /// Injected failures that a write absorbed (the statement they hit was not needed: a
    /// journal-mode switch), the write succeeding whole.
    pub absorbed: usize,
    /// Times the ledger was closed and opened again between steps.
    pub reopened: usize,
    pub by_kind: BTreeMap<&'static str, KindCount>,
    /// SHA-256 over every step's command and outcome: the same seed gives the same trace.
    pub trace: String,
    pub elapsed: Duration,
}

impl Summary {
    /// Add another part of the run.
    pub fn add(&mut self, other: &Summary) {
        self.sequences += other.sequences;
        self.steps += other.steps;
        self.succeeded += other.succeeded;
        self.refused += other.refused;
        self.must_refuse += other.must_refuse;
        self.interrupts_armed += other.interrupts_armed;
        self.interrupted += other.interrupted;
        self.commits_failed += other.commits_failed;
        self.absorbed += other.absorbed;
        self.reopened += other.reopened;
        for (k, c) in &other.by_kind {
            let mine = self.by_kind.entry(k).or_default();
            mine.succeeded += c.succeeded;
            mine.refused += c.refused;
            mine.failed += c.failed;
        }
        let mut h = Sha256::new();
        h.update(self.trace.as_bytes());
        h.update(other.trace.as_bytes());
        self.trace = hex::encode(h.finalize());
        self.elapsed += other.elapsed;
    }

    /// The summary for people, a line each.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![
            format!(
                "seed {}: {} sequences, {} steps in {:.1} s",
                self.seed,
                self.sequences,
                self.steps,
                self.elapsed.as_secs_f64()
            ),
            format!(
                "{} succeeded, {} refused ({} of them had to be, and were)",
                self.succeeded, self.refused, self.must_refuse
            ),
            format!(
                "failures injected: {} interrupts armed, {} fired; {} commits refused; {} absorbed by a write that still succeeded whole",
                self.interrupts_armed, self.interrupted, self.commits_failed, self.absorbed
            ),
            format!("ledger reopened between steps {} times", self.reopened),
        ];
        for (kind, c) in &self.by_kind {
            out.push(format!(
                "  {kind:<22} {:>7} ok {:>7} refused {:>6} failed (injected)",
                c.succeeded, c.refused, c.failed
            ));
        }
        out.push(format!("trace {}", self.trace));
        out
    }
}

/// Run `sequences` sequences of `steps` steps from `seed`, in ledgers under `dir`.
pub fn run(seed: u64, sequences: usize, steps: usize, dir: &Path) -> Result<Summary> {
    let mut total = Summary {
        seed,
        ..Summary::default()
    };
    for sequence in 0..sequences {
        total.add(&run_sequence(seed, sequence, sequences, steps, dir)?);
    }
    Ok(total)
}

/// Run sequence `sequence` of the run `(seed, sequences, steps)` alone: the same steps as it
/// takes in the whole run.
pub fn run_sequence(
    seed: u64,
    sequence: usize,
    sequences: usize,
    steps: usize,
    dir: &Path,
) -> Result<Summary> {
    run_sequence_with(seed, sequence, sequences, steps, dir, &mut |_| {})
}

/// As [`run_sequence`], handing each step's line (its command and outcome) to `log`.
pub fn run_sequence_with(
    seed: u64,
    sequence: usize,
    sequences: usize,
    steps: usize,
    dir: &Path,
    log: &mut dyn FnMut(&str),
) -> Result<Summary> {
    let started = Instant::now();
    let mut sim = Sim::new(seed, sequence, sequences, steps, dir)?;
    sim.build_town()?;
    for step in 1..=steps {
        let outcome = sim.step(step);
        if let Some(line) = sim.log.last() {
            log(line);
        }
        outcome?;
    }
    sim.summary.elapsed = started.elapsed();
    sim.summary.trace = hex::encode(sim.trace.clone().finalize());
    let summary = sim.summary.clone();
    sim.ledger = None;
    // A sequence that passed leaves nothing behind.
    let _ = std::fs::remove_dir_all(&sim.dir);
    Ok(summary)
}

/// Spread a seed's bits (splitmix64).
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// One sequence under way.
struct Sim {
    seed: u64,
    sequence: usize,
    sequences: usize,
    steps: usize,
    rng: Rng,
    dir: PathBuf,
    path: PathBuf,
    policy: PathBuf,
    ledger: Option<Ledger>,
    /// The simulation's today: every step happens on it; it moves 0–2 days a step.
    start: NaiveDate,
    clock: NaiveDate,
    next_txn: u64,
    next_household: u64,
    next_project: u64,
    files: u64,
    /// The register as last imported.
    households: Vec<Household>,
    /// Voucher files posted, and their transactions.
    imported: Vec<(PathBuf, Vec<town::Voucher>)>,
    /// The steps so far, for the report of a failure.
    log: Vec<String>,
    trace: Sha256,
    summary: Summary,
}

impl Sim {
    fn new(seed: u64, sequence: usize, sequences: usize, steps: usize, dir: &Path) -> Result<Sim> {
        let mut rng = Rng::new(mix(seed ^ mix(sequence as u64 + 1)));
        let dir = dir.join(format!("seq-{seed}-{sequence}"));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let policy = town::write(&dir, "policy.toml", town::POLICY)?;
        // Late in a year, so that year ends (tilts, dividends of last year) come up.
        let start = NaiveDate::from_ymd_opt(2024, 10, 1).expect("valid date")
            + chrono::Duration::days(rng.below(120) as i64);
        Ok(Sim {
            seed,
            sequence,
            sequences,
            steps,
            rng,
            path: dir.join("townledger.db"),
            dir,
            policy,
            ledger: None,
            start,
            clock: start,
            next_txn: 0,
            next_household: 0,
            next_project: 0,
            files: 0,
            households: Vec::new(),
            imported: Vec::new(),
            log: Vec::new(),
            trace: Sha256::new(),
            summary: Summary {
                seed,
                sequences: 1,
                ..Summary::default()
            },
        })
    }

    /// The town before the first step: the chart and the town's accounts, a register of 5–10
    /// households, 2–3 projects.
    fn build_town(&mut self) -> Result<()> {
        let mut ledger = Ledger::create(&self.path)?;
        ledger.write(steps::CLERK, |w| {
            for (code, name, kind) in VILLAGE_COLLECTIVE_2023 {
                w.add_account(name, *kind, Some(code))?;
            }
            for (name, kind) in town::TOWN_ACCOUNTS {
                w.add_account(name, kind, None)?;
            }
            Ok(())
        })?;
        for _ in 0..5 + self.rng.below(6) {
            self.next_household += 1;
            self.households
                .push(Household::new(self.next_household, &mut self.rng));
        }
        let register = town::write(
            &self.dir,
            "households-0000.csv",
            &town::register_csv(&self.households, None),
        )?;
        let records = read_households(&register)?;
        let start = self.start;
        ledger.write_bulk(steps::CLERK, |w| w.import_households(&records, start))?;
        for _ in 0..2 + self.rng.below(2) {
            self.next_project += 1;
            let n = self.next_project;
            let new = NewProject {
                id: format!("p{n}"),
                name: format!("模拟项目{n}"),
                invested: Amount::from_yuan(200_000 + self.rng.below(1_000_000) as i64),
                rate: rust_decimal::Decimal::new(8 + self.rng.below(8) as i64, 2),
                owner: None,
                kind: ProjectKind::Dividend,
            };
            ledger.write(steps::CLERK, |w| add_project(w, &new))?;
        }
        self.ledger = Some(ledger);
        self.check(0, "the town's set-up")
    }

    /// Take step `step`: draw it, maybe arm a failure, run it, check everything.
    fn step(&mut self, step: usize) -> Result<()> {
        self.clock += chrono::Duration::days(self.rng.below(3) as i64);
        if self.rng.below(20) == 0 {
            // As each command does: open the ledger afresh.
            self.ledger = None;
            self.ledger = Some(Ledger::open(&self.path)?);
            self.summary.reopened += 1;
        }
        let planned = self.plan_step()?;
        let before = self.ledger_ref().content_digest()?;
        let fault = match self.rng.below(100) {
            0..=14 => {
                // Anywhere from the first instruction to a quarter of a million in.
                let bits = self.rng.below(18);
                let ops = 1 + self.rng.below(1 << bits);
                self.summary.interrupts_armed += 1;
                Some((format!("interrupt after {ops} instructions"), {
                    let ledger = self.ledger.as_mut().expect("open");
                    ledger.interrupt_after(ops)?
                }))
            }
            15..=19 => Some(("commit refused".to_string(), {
                let ledger = self.ledger.as_mut().expect("open");
                ledger.fail_next_commit()?
            })),
            _ => None,
        };
        let ledger = self.ledger.as_mut().expect("open");
        let outcome = execute(
            ledger,
            &self.policy,
            self.clock,
            planned.operator,
            &planned.action,
        );
        let report = match fault {
            Some((what, fault)) => Some((what, disarm(ledger, fault)?)),
            None => None,
        };
        self.judge(step, &planned, outcome, report, &before)
    }

    fn ledger_ref(&self) -> &Ledger {
        self.ledger.as_ref().expect("the ledger is open")
    }

    /// Check a step's outcome against what had to come of it, then the invariants.
    fn judge(
        &mut self,
        step: usize,
        planned: &Planned,
        outcome: Result<()>,
        fault: Option<(String, FaultReport)>,
        before: &str,
    ) -> Result<()> {
        let fired = fault.as_ref().filter(|(_, r)| r.fired);
        let outcome_text = match &outcome {
            Ok(()) => "ok".to_string(),
            Err(e) => format!("{}: {e}", error_kind(e)),
        };
        let mut entry = format!("step {step} [{}] {}", self.clock, planned.command);
        if let Some((what, report)) = &fault {
            entry.push_str(&format!(
                " [{what}: {}]",
                if report.fired { "fired" } else { "not reached" }
            ));
        }
        entry.push_str(&format!(" → {}", first_line(&outcome_text, 160)));
        self.log.push(entry);
        self.trace.update(
            format!(
                "{step}\t{}\t{}\t{}\n",
                planned.command,
                match &outcome {
                    Ok(()) => "ok",
                    Err(e) => error_kind(e),
                },
                fired.is_some()
            )
            .as_bytes(),
        );
        if !self.ledger_ref().is_idle() {
            return Err(self.failure(
                step,
                &planned.command,
                "the step left a transaction open on the ledger",
            ));
        }
        self.summary.steps += 1;
        let count = self.summary.by_kind.entry(planned.kind).or_default();
        match (&outcome, fired) {
            (Ok(()), _) => count.succeeded += 1,
            (Err(_), Some(_)) => count.failed += 1,
            (Err(_), None) => count.refused += 1,
        }
        if let Some((what, _)) = &fired {
            if what.starts_with("interrupt") {
                self.summary.interrupted += 1;
            } else {
                self.summary.commits_failed += 1;
            }
            if outcome.is_ok() {
                self.summary.absorbed += 1;
            }
        }
        if let Some((what, report)) = &fault {
            // A write is one transaction: a step that committed rows twice (or, failing,
            // committed any) let part of its write through on its own.
            let most = usize::from(outcome.is_ok());
            if report.commits > most {
                return Err(self.failure(
                    step,
                    &planned.command,
                    &format!(
                        "{what}: the step {} after {} commits that changed rows",
                        if outcome.is_ok() {
                            "succeeded"
                        } else {
                            "failed"
                        },
                        report.commits
                    ),
                ));
            }
        }
        match &outcome {
            Ok(()) => {
                self.summary.succeeded += 1;
                if planned.expect == Expect::Refusal && fired.is_none() {
                    return Err(self.failure(
                        step,
                        &planned.command,
                        "the step had to be refused, but it succeeded",
                    ));
                }
                match &planned.remember {
                    Remember::Nothing => {}
                    Remember::Imported(file, vouchers) => {
                        self.imported.push((file.clone(), vouchers.clone()))
                    }
                    Remember::Households(households) => self.households = households.clone(),
                }
            }
            Err(e) => {
                if fired.is_none() {
                    self.summary.refused += 1;
                    if !matches!(e, Error::Input(_) | Error::Rule(_) | Error::NotFound(_)) {
                        return Err(self.failure(
                            step,
                            &planned.command,
                            &format!(
                                "no failure was injected, yet the step failed with a {} error: {e}",
                                error_kind(e)
                            ),
                        ));
                    }
                    if planned.expect == Expect::Success {
                        return Err(self.failure(
                            step,
                            &planned.command,
                            &format!("the step had to succeed, but was refused: {e}"),
                        ));
                    }
                    if planned.expect == Expect::Refusal {
                        self.summary.must_refuse += 1;
                    }
                }
                let after = self.ledger_ref().content_digest()?;
                if after != before {
                    return Err(self.failure(
                        step,
                        &planned.command,
                        &format!(
                            "the step failed ({}), yet the ledger changed",
                            first_line(&e.to_string(), 160)
                        ),
                    ));
                }
            }
        }
        self.check(step, &planned.command)
    }

    /// Check the invariants; a broken one is a failure of the run.
    fn check(&self, step: usize, command: &str) -> Result<()> {
        match invariants(self.ledger_ref()) {
            Ok(()) => Ok(()),
            Err(Error::Tampered(what)) => Err(self.failure(step, command, &what)),
            Err(e) => Err(self.failure(step, command, &format!("checking the ledger failed: {e}"))),
        }
    }

    /// The report of a broken invariant: where, what, the steps before it, how to replay.
    fn failure(&self, step: usize, command: &str, what: &str) -> Error {
        let mut text = format!(
            "simulation failed: seed {}, sequence {}, step {step} ({command}): {what}\n",
            self.seed, self.sequence
        );
        text.push_str("the steps of this sequence:\n");
        let from = self.log.len().saturating_sub(30);
        if from > 0 {
            text.push_str(&format!("  … {from} earlier steps\n"));
        }
        for line in &self.log[from..] {
            text.push_str(&format!("  {line}\n"));
        }
        text.push_str(&format!(
            "the ledger is kept at {}\nreplay: townledger simulate --seed {} --sequences {} --steps {} \
             (this sequence alone: add --sequence {})",
            self.path.display(),
            self.seed,
            self.sequences,
            self.steps,
            self.sequence
        ));
        Error::Tampered(text)
    }
}

fn disarm(ledger: &mut Ledger, fault: Fault) -> Result<FaultReport> {
    ledger.disarm(fault)
}

fn error_kind(e: &Error) -> &'static str {
    match e {
        Error::Input(_) => "input",
        Error::Rule(_) => "rule",
        Error::NotFound(_) => "not found",
        Error::Busy(_) => "busy",
        Error::Tampered(_) => "tampered",
        Error::Io { .. } => "io",
        Error::Sqlite(_) => "sqlite",
    }
}

/// The first line of `text`, at most `max` characters.
fn first_line(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("");
    let mut out: String = line.chars().take(max).collect();
    if out.len() < line.len() || text.lines().nth(1).is_some() {
        out.push_str(" …");
    }
    out
}

/// Everything that must hold of a ledger after any step; `Error::Tampered` says what does not.
pub fn invariants(ledger: &Ledger) -> Result<()> {
    let broken = |what: String| Err(Error::Tampered(what));
    // The trial balance.
    let tb = balance(ledger, &BalanceQuery::default())?;
    if !tb.total.is_zero() {
        return broken(format!("the trial balance totals {}, not 0.00", tb.total));
    }
    // The audit chain and every derived total.
    if let Err(e) = verify(ledger) {
        return broken(format!("verify failed: {e}"));
    }
    // Vouchers: 1, 2, 3 … in each month, in posting order.
    let mut last: HashMap<String, u32> = HashMap::new();
    let mut gap = None;
    ledger.for_each_transaction(|t, _| {
        let month = t.date.format("%Y-%m").to_string();
        let seq = last.entry(month).or_insert(0);
        *seq += 1;
        if gap.is_none() && t.voucher != voucher_number(t.date, *seq) {
            gap = Some(format!(
                "transaction #{} dated {} is voucher {}, but the month's next voucher is {}",
                t.id,
                t.date,
                t.voucher,
                voucher_number(t.date, *seq)
            ));
        }
        Ok(())
    })?;
    if let Some(gap) = gap {
        return broken(format!("vouchers are not contiguous: {gap}"));
    }
    // Runs: paid within what was allocated; payables hold what the runs still owe.
    let mut owed: BTreeMap<String, Amount> = BTreeMap::new();
    for run in ledger.runs()? {
        for l in ledger.run_lines(run.id)? {
            if run.reverses_run.is_none() && (l.paid > l.total || l.paid.is_negative()) {
                return broken(format!(
                    "run {}: household {} was allocated {} but paid {}",
                    run.id, l.household, l.total, l.paid
                ));
            }
            if run.posted_voucher.is_some() {
                *owed.entry(l.household.clone()).or_default() += l.total - l.paid;
            } else if !l.paid.is_zero() {
                return broken(format!(
                    "run {} is not posted, yet household {} was paid {}",
                    run.id, l.household, l.paid
                ));
            }
        }
    }
    let balances: HashMap<String, Amount> = ledger
        .balances(None, None)?
        .into_iter()
        .map(|b| (b.account.name, b.amount))
        .collect();
    let prefix = household_payable("");
    for (account, amount) in &balances {
        let Some(household) = account.strip_prefix(&prefix) else {
            continue;
        };
        if amount.fen() > 0 {
            return broken(format!(
                "{account} has a debit balance of {amount}: the household was paid more than it was owed"
            ));
        }
        let due = owed.get(household).copied().unwrap_or_default();
        if -*amount != due {
            return broken(format!(
                "{account} holds {}, but the runs owe household {household} {due}",
                -*amount
            ));
        }
    }
    for (household, due) in &owed {
        if !due.is_zero() && !balances.contains_key(&household_payable(household)) {
            return broken(format!(
                "the runs owe household {household} {due}, but its payable account holds nothing"
            ));
        }
    }
    let fund = dynamic_fund();
    if let Some(held) = balances.get(&fund).filter(|a| a.fen() > 0) {
        return broken(format!("{fund} is overdrawn: a debit balance of {held}"));
    }
    Ok(())
}

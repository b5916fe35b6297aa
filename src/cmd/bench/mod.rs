//! `townledger bench`: generate a town journal of N transactions and time the real binary on it
//! (whole-process wall time and peak memory, as a user would see them).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use townledger::error::{Error, Result};
use townledger::synth;

use super::Context;

mod web;
mod workflows;

use web::*;
use workflows::*;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Number of transactions to generate.
    #[arg(long, default_value_t = 100_000)]
    pub transactions: u64,
    /// Number of household accounts.
    #[arg(long, default_value_t = 5_000)]
    pub households: u64,
    /// Work directory (the journal and the ledger are written here).
    #[arg(long, default_value = "reports/bench")]
    pub dir: PathBuf,
    /// Runs of each read command; the median is reported.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Instead of the journal benchmark: plan, post and pay one allocation run across this
    /// many households.
    #[arg(long)]
    pub allocation: Option<u64>,
    /// With --allocation: first import a generated journal of this many transactions into the
    /// same ledger, so that the closing `verify` covers both (the journal and the run's tables).
    #[arg(long, requires = "allocation")]
    pub journal: Option<u64>,
    /// Also import the same journal with fund columns (a tenth of its transactions saying
    /// what fund money is spent on), side by side with the plain one, and time `fund show`
    /// and `fund statement`.
    #[arg(long)]
    pub funds: bool,
    /// Instead of the journal benchmark: import this many grant applications, pass them
    /// through the three gates and pay them.
    #[arg(long, conflicts_with = "allocation")]
    pub grants: Option<u64>,
    /// Instead of the journal benchmark: a ledger of this many transactions over 50 villages'
    /// accounts and --households households, and `disclose --town` timed on it.
    #[arg(long, conflicts_with_all = ["allocation", "grants"])]
    pub disclose: Option<u64>,
    /// Instead of the journal benchmark: a year of one bank account with this many postings,
    /// and the bank's statement of --bank-lines lines imported and matched against them.
    #[arg(long, conflicts_with_all = ["allocation", "grants", "disclose"])]
    pub reconcile: Option<u64>,
    /// With --reconcile: the statement's lines.
    #[arg(long, default_value_t = 10_000)]
    pub bank_lines: u64,
    /// Instead of the journal benchmark: import the generated journal, start `serve` on it and
    /// time the web pages (overview, trial balance, a register's first and last page, a
    /// voucher) as a signed-in user.
    #[arg(long, conflicts_with_all = ["allocation", "grants", "disclose"])]
    pub web: bool,
    /// With --web: a load test instead — this many clients (each signed in as a user of its
    /// own) read pages over keep-alive connections for --seconds while one clerk posts voucher
    /// files through the import page; then the posted vouchers are checked in the ledger.
    #[arg(long, requires = "web")]
    pub clients: Option<usize>,
    /// With --clients: how long the clients read.
    #[arg(long, default_value_t = 60)]
    pub seconds: u64,
}

pub(super) struct Measured {
    seconds: f64,
    peak_kb: u64,
}

pub(super) fn run_once(args: &[&str]) -> Result<Measured> {
    let exe = std::env::current_exe().map_err(|e| Error::io("townledger", e))?;
    let start = Instant::now();
    let output = Command::new(exe)
        .args(args)
        .env("TOWNLEDGER_PEAK_MEMORY", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| Error::io("townledger", e))?;
    let seconds = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(Error::rule(townledger::tr!(
            "bench-step-failed",
            step = format!("{args:?}"),
            stderr = stderr
        )));
    }
    let peak_kb = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak memory kB: "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    Ok(Measured { seconds, peak_kb })
}

pub(super) fn median(args: &[&str], runs: usize) -> Result<Measured> {
    let mut all: Vec<Measured> = (0..runs.max(1))
        .map(|_| run_once(args))
        .collect::<Result<_>>()?;
    all.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    let peak_kb = all.iter().map(|m| m.peak_kb).max().unwrap_or(0);
    let mid = all.swap_remove(all.len() / 2);
    Ok(Measured {
        seconds: mid.seconds,
        peak_kb,
    })
}

pub(super) fn run_as(operator: &str, args: &[&str]) -> Result<Measured> {
    let mut all = vec!["--operator", operator];
    all.extend_from_slice(args);
    run_once(&all)
}

/// Generate a town journal of `transactions` over `households` household accounts.
pub(super) fn write_journal(
    path: &std::path::Path,
    transactions: u64,
    households: u64,
) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    synth::write_town_journal(&mut w, transactions, households, 2024)
        .and_then(|_| std::io::Write::flush(&mut w))
        .map_err(|e| Error::io(path, e))
}

/// The same journal as [`write_journal`], with the fund columns.
pub(super) fn write_journal_with_funds(
    path: &std::path::Path,
    transactions: u64,
    households: u64,
) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    synth::write_town_journal_with_funds(&mut w, transactions, households, 2024)
        .and_then(|_| std::io::Write::flush(&mut w))
        .map_err(|e| Error::io(path, e))
}

/// Import `journal` into a new ledger at `db`.
pub(super) fn import_fresh(db: &std::path::Path, journal: &str) -> Result<Measured> {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let db = db.display().to_string();
    run_once(&["--ledger", &db, "init"])?;
    run_once(&[
        "--ledger",
        &db,
        "import",
        "postings",
        journal,
        "--create-accounts",
    ])
}

/// `from` with its header's fund columns renamed, so that an import reads the same bytes and
/// ignores them: the import as it was before funds had rules.
pub(super) fn with_fund_columns_ignored(
    from: &std::path::Path,
    to: &std::path::Path,
) -> Result<()> {
    use std::io::{BufRead, Write};
    let input = std::fs::File::open(from).map_err(|e| Error::io(from, e))?;
    let mut input = std::io::BufReader::with_capacity(1 << 20, input);
    let output = std::fs::File::create(to).map_err(|e| Error::io(to, e))?;
    let mut output = std::io::BufWriter::with_capacity(1 << 20, output);
    let mut header = String::new();
    input
        .read_line(&mut header)
        .map_err(|e| Error::io(from, e))?;
    let header = header.replace(",fund,purpose", ",note1,note2");
    output
        .write_all(header.as_bytes())
        .and_then(|()| std::io::copy(&mut input, &mut output).map(|_| ()))
        .and_then(|()| output.flush())
        .map_err(|e| Error::io(to, e))
}

/// The median wall time of `runs` runs of `args`.
pub(super) fn median_of(args: &[&str], runs: usize) -> Result<f64> {
    Ok(median(args, runs)?.seconds)
}

pub fn run(_ctx: &Context, args: Args) -> Result<i32> {
    if let Some(n) = args.reconcile {
        return reconcile_bench(&args, n);
    }
    if let Some(n) = args.disclose {
        return disclose_bench(&args, n);
    }
    if let Some(n) = args.grants {
        return grants_bench(&args.dir, n);
    }
    if let Some(n) = args.allocation {
        return allocation_bench(&args.dir, n, args.journal);
    }
    if args.web {
        return web_bench(&args);
    }
    std::fs::create_dir_all(&args.dir).map_err(|e| Error::io(&args.dir, e))?;
    let journal = args.dir.join(format!("town-{}.csv", args.transactions));
    let db = args.dir.join("bench.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let start = Instant::now();
    write_journal(&journal, args.transactions, args.households)?;
    let size = std::fs::metadata(&journal).map(|m| m.len()).unwrap_or(0);
    outln!(
        "{}",
        townledger::tr!(
            "bench-generated",
            transactions = args.transactions.to_string(),
            households = args.households.to_string(),
            path = journal.display(),
            megabytes = size as f64 / 1e6,
            seconds = start.elapsed().as_secs_f64()
        )
    );
    let db_s = db.display().to_string();
    let journal_s = journal.display().to_string();
    let household = synth::household_account(1);
    run_once(&["--ledger", &db_s, "init"])?;
    let import = run_once(&[
        "--ledger",
        &db_s,
        "import",
        "postings",
        &journal_s,
        "--create-accounts",
    ])?;
    let rows: Vec<(&str, Measured, String)> = vec![
        ("import postings", import, String::new()),
        (
            "balance",
            median(&["--ledger", &db_s, "balance"], args.runs)?,
            String::new(),
        ),
        (
            "balance --style plain",
            median(
                &["--ledger", &db_s, "balance", "--style", "plain"],
                args.runs,
            )?,
            String::new(),
        ),
        (
            "balance --from 2024-04-01 --to 2024-06-15",
            median(
                &[
                    "--ledger",
                    &db_s,
                    "balance",
                    "--from",
                    "2024-04-01",
                    "--to",
                    "2024-06-15",
                ],
                args.runs,
            )?,
            String::new(),
        ),
        (
            "balance --as-of 2024-06-15",
            median(
                &["--ledger", &db_s, "balance", "--as-of", "2024-06-15"],
                args.runs,
            )?,
            String::new(),
        ),
        (
            "register (one household)",
            median(&["--ledger", &db_s, "register", &household], args.runs)?,
            String::new(),
        ),
        (
            "verify",
            run_once(&["--ledger", &db_s, "verify"])?,
            String::new(),
        ),
    ];
    outln!(
        "{:<44} {:>10} {:>12} {:>16}",
        "step",
        "seconds",
        "peak MB",
        "rate"
    );
    for (name, m, _) in &rows {
        let rate = if name.starts_with("import") || *name == "verify" {
            format!("{:.0} txn/s", args.transactions as f64 / m.seconds)
        } else {
            String::new()
        };
        outln!(
            "{name:<44} {:>10.3} {:>12.1} {rate:>16}",
            m.seconds,
            m.peak_kb as f64 / 1024.0
        );
    }
    let db_size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    outln!(
        "{}",
        townledger::tr!("bench-ledger-file", megabytes = db_size as f64 / 1e6)
    );
    if args.funds {
        outln!();
        funds_bench(&args)?;
    }
    Ok(0)
}

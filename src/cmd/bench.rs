//! `townledger bench`: generate a town journal of N transactions and time the real binary on it
//! (whole-process wall time and peak memory, as a user would see them).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use townledger::error::{Error, Result};
use townledger::synth;

use super::Context;

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
}

struct Measured {
    seconds: f64,
    peak_kb: u64,
}

fn run_once(args: &[&str]) -> Result<Measured> {
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
        return Err(Error::rule(format!("bench step {args:?} failed: {stderr}")));
    }
    let peak_kb = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak memory kB: "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    Ok(Measured { seconds, peak_kb })
}

fn median(args: &[&str], runs: usize) -> Result<Measured> {
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

pub fn run(_ctx: &Context, args: Args) -> Result<i32> {
    std::fs::create_dir_all(&args.dir).map_err(|e| Error::io(&args.dir, e))?;
    let journal = args.dir.join(format!("town-{}.csv", args.transactions));
    let db = args.dir.join("bench.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let start = Instant::now();
    {
        let file = std::fs::File::create(&journal).map_err(|e| Error::io(&journal, e))?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        synth::write_town_journal(&mut w, args.transactions, args.households, 2024)
            .and_then(|_| std::io::Write::flush(&mut w))
            .map_err(|e| Error::io(&journal, e))?;
    }
    let size = std::fs::metadata(&journal).map(|m| m.len()).unwrap_or(0);
    println!(
        "generated {} transactions, {} households: {} ({:.1} MB) in {:.1} s",
        args.transactions,
        args.households,
        journal.display(),
        size as f64 / 1e6,
        start.elapsed().as_secs_f64()
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
    println!(
        "{:<28} {:>10} {:>12} {:>16}",
        "step", "seconds", "peak MB", "rate"
    );
    for (name, m, _) in &rows {
        let rate = if name.starts_with("import") || *name == "verify" {
            format!("{:.0} txn/s", args.transactions as f64 / m.seconds)
        } else {
            String::new()
        };
        println!(
            "{name:<28} {:>10.3} {:>12.1} {rate:>16}",
            m.seconds,
            m.peak_kb as f64 / 1024.0
        );
    }
    let db_size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    println!("ledger file: {:.1} MB", db_size as f64 / 1e6);
    Ok(0)
}

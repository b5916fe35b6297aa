use std::path::PathBuf;
use std::time::Instant;

use townledger::error::{Error, Result};
use townledger::simulate::{self, kill::kill_rounds, Summary};

use super::Context;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The seed: the same seed takes the same steps (default: drawn from the clock, and printed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// How many sequences (each a fresh town and ledger).
    #[arg(long, default_value_t = 100)]
    pub sequences: usize,
    /// Steps per sequence.
    #[arg(long, default_value_t = 50)]
    pub steps: usize,
    /// Run only this sequence of the run (numbered from 0), as the whole run takes it.
    #[arg(long)]
    pub sequence: Option<usize>,
    /// Rounds of `import postings` through this binary killed with SIGKILL at a random moment.
    #[arg(long, default_value_t = 6)]
    pub kills: usize,
    /// Transactions in the journal those rounds import.
    #[arg(long, default_value_t = 300_000)]
    pub kill_transactions: u64,
    /// Where the ledgers go (default: a new folder in the system's temporary folder); a
    /// sequence that passes leaves nothing, a failing one its ledger and files.
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Print every step (its command and outcome) as it is taken.
    #[arg(long)]
    pub log: bool,
}

pub fn run(_ctx: &Context, args: Args) -> Result<i32> {
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64 % 1_000_000_000)
            .unwrap_or(1)
    });
    // Memory where the system has it (/dev/shm): the simulation checks the program, not the
    // disk, and would otherwise spend most of its time waiting for syncs.
    let dir = args.dir.clone().unwrap_or_else(|| {
        let shm = std::path::Path::new("/dev/shm");
        let base = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        base.join(format!("townledger-simulate-{}", std::process::id()))
    });
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let sequences: Vec<usize> = match args.sequence {
        Some(q) if q >= args.sequences => {
            return Err(Error::rule(townledger::tr!(
                "simulate-sequence-out-of-range",
                sequence = q.to_string(),
                last = args.sequences.saturating_sub(1).to_string()
            )))
        }
        Some(q) => vec![q],
        None => (0..args.sequences).collect(),
    };
    eprintln!(
        "{}",
        townledger::tr!(
            "simulate-start",
            seed = seed.to_string(),
            sequences = sequences.len(),
            steps = args.steps.to_string(),
            dir = dir.display()
        )
    );
    let started = Instant::now();
    let mut total = Summary {
        seed,
        ..Summary::default()
    };
    let mut shown = Instant::now();
    for (i, &q) in sequences.iter().enumerate() {
        let mut log = |line: &str| {
            if args.log {
                eprintln!("[{q}] {line}");
            }
        };
        let one = simulate::run_sequence_with(seed, q, args.sequences, args.steps, &dir, &mut log)?;
        total.add(&one);
        if shown.elapsed().as_secs() >= 10 || i + 1 == sequences.len() {
            eprintln!(
                "  {}",
                townledger::tr!(
                    "simulate-progress",
                    done = i + 1,
                    sequences = sequences.len(),
                    steps = total.steps.to_string(),
                    refused = total.refused.to_string(),
                    injected = (total.interrupted + total.commits_failed).to_string(),
                    seconds = format!("{:.0}", started.elapsed().as_secs_f64())
                )
            );
            shown = Instant::now();
        }
    }
    total.elapsed = started.elapsed();
    for line in total.lines() {
        println!("{line}");
    }
    if args.kills > 0 && args.sequence.is_none() {
        let binary = std::env::current_exe().map_err(|e| Error::io("townledger", e))?;
        let kills = kill_rounds(seed, args.kills, args.kill_transactions, &binary, &dir)?;
        for line in kills.lines() {
            println!("{line}");
        }
    }
    if args.dir.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    println!(
        "{}",
        townledger::tr!(
            "simulate-ok",
            seed = seed.to_string(),
            sequences = args.sequences.to_string(),
            steps = args.steps.to_string()
        )
    );
    Ok(0)
}

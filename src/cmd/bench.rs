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

fn run_as(operator: &str, args: &[&str]) -> Result<Measured> {
    let mut all = vec!["--operator", operator];
    all.extend_from_slice(args);
    run_once(&all)
}

/// Plan, post and pay one run across `n` households, each step as a separate process.
fn allocation_bench(dir: &std::path::Path, n: u64, journal: Option<u64>) -> Result<i32> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let register = dir.join(format!("households-{n}.csv"));
    {
        let file = std::fs::File::create(&register).map_err(|e| Error::io(&register, e))?;
        let mut w = std::io::BufWriter::new(file);
        synth::write_household_register(&mut w, n, 2024)
            .and_then(|_| std::io::Write::flush(&mut w))
            .map_err(|e| Error::io(&register, e))?;
    }
    let db = dir.join("allocation.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let db = db.display().to_string();
    let pool = townledger::Amount::from_yuan(4_000 * n as i64);
    let policy = townledger::demo::data_dir().join("policy-2024.toml");
    let (register, policy) = (register.display().to_string(), policy.display().to_string());
    let pool_s = pool.to_string();
    run_once(&["--ledger", &db, "init"])?;
    if let Some(transactions) = journal {
        let path = dir.join(format!("town-{transactions}.csv"));
        write_journal(&path, transactions, 5_000)?;
        let path = path.display().to_string();
        run_once(&[
            "--ledger",
            &db,
            "import",
            "postings",
            &path,
            "--create-accounts",
        ])?;
    }
    // The generated journal moves money through the fund too: top it up to hold the pool.
    let held = -townledger::store::Ledger::open(std::path::Path::new(&db))?
        .balance_of("负债:专项应付款:动态帮扶", None)
        .unwrap_or_default();
    let top_up = pool
        .checked_add(-held.min(townledger::Amount::ZERO))
        .ok_or_else(|| Error::rule(townledger::tr!("bench-fund-out-of-range")))?;
    let fund = dir.join("fund.csv");
    std::fs::write(
        &fund,
        format!(
            "txn_id,date,account,amount,memo\nF1,2024-12-01,资产:银行存款:基本户,{top_up},提取\nF1,2024-12-01,负债:专项应付款:动态帮扶,{},提取\n",
            -top_up
        ),
    )
    .map_err(|e| Error::io(&fund, e))?;
    let fund = fund.display().to_string();
    let import = run_as(
        "村文书",
        &[
            "--ledger",
            &db,
            "households",
            "import",
            &register,
            "--effective",
            "2024-01-01",
        ],
    )?;
    run_as(
        "村文书",
        &[
            "--ledger",
            &db,
            "import",
            "postings",
            &fund,
            "--create-accounts",
        ],
    )?;
    let enroll = run_as(
        "镇农办",
        &[
            "--ledger",
            &db,
            "insurance",
            "enroll",
            "--year",
            "2024",
            "--per-member",
            "400",
            "--insurer",
            "太平洋财险",
        ],
    )?;
    let plan = run_as(
        "村文书",
        &[
            "--ledger",
            &db,
            "allocate",
            "plan",
            "--policy",
            &policy,
            "--fund",
            "动态帮扶",
            "--amount",
            &pool_s,
            "--date",
            "2024-12-28",
        ],
    )?;
    run_as(
        "村文书",
        &[
            "--ledger",
            &db,
            "allocate",
            "approve",
            "1",
            "--by",
            "村委会",
            "--role",
            "village",
            "--date",
            "2024-12-29",
        ],
    )?;
    run_as(
        "村文书",
        &[
            "--ledger",
            &db,
            "allocate",
            "approve",
            "1",
            "--by",
            "镇农办",
            "--role",
            "town",
            "--date",
            "2024-12-30",
        ],
    )?;
    run_as(
        "村文书",
        &[
            "--ledger",
            &db,
            "allocate",
            "notice",
            "1",
            "--published",
            "2024-12-30",
            "--format",
            "csv",
            "--out",
            &format!("{}/notice.csv", dir.display()),
        ],
    )?;
    let post = run_as("村文书", &["--ledger", &db, "allocate", "post", "1"])?;
    let pay = run_as(
        "出纳",
        &["--ledger", &db, "pay", "1", "--date", "2025-01-07"],
    )?;
    let verify = run_once(&["--ledger", &db, "verify"])?;
    outln!(
        "{}",
        townledger::tr!(
            "bench-allocation-run",
            households = n.to_string(),
            pool = pool.grouped()
        )
    );
    outln!("{:<28} {:>10} {:>12}", "step", "seconds", "peak MB");
    for (name, m) in [
        ("households import", &import),
        ("insurance enroll", &enroll),
        ("allocate plan", &plan),
        ("allocate post", &post),
        ("pay", &pay),
    ] {
        outln!(
            "{name:<28} {:>10.3} {:>12.1}",
            m.seconds,
            m.peak_kb as f64 / 1024.0
        );
    }
    outln!(
        "{:<28} {:>10.3}",
        "plan + post + pay",
        plan.seconds + post.seconds + pay.seconds
    );
    outln!(
        "{:<28} {:>10.3} {:>12.1}",
        match journal {
            Some(t) => format!("verify ({t} transactions)"),
            None => "verify".to_string(),
        },
        verify.seconds,
        verify.peak_kb as f64 / 1024.0
    );
    Ok(0)
}

/// Generate a town journal of `transactions` over `households` household accounts.
fn write_journal(path: &std::path::Path, transactions: u64, households: u64) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    synth::write_town_journal(&mut w, transactions, households, 2024)
        .and_then(|_| std::io::Write::flush(&mut w))
        .map_err(|e| Error::io(path, e))
}

/// The same journal as [`write_journal`], with the fund columns.
fn write_journal_with_funds(
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
fn import_fresh(db: &std::path::Path, journal: &str) -> Result<Measured> {
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
fn with_fund_columns_ignored(from: &std::path::Path, to: &std::path::Path) -> Result<()> {
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

/// The journal with fund columns imported `runs` times into a new ledger, and the same file
/// with those columns ignored (as an import read it before funds had rules), in turn; the
/// medians, and the tagged ledger left at `dir/funds.db`.
fn funds_bench(args: &Args) -> Result<()> {
    let tagged = args
        .dir
        .join(format!("town-{}-funds.csv", args.transactions));
    write_journal_with_funds(&tagged, args.transactions, args.households)?;
    let tagged_s = tagged.display().to_string();
    let ignored = args
        .dir
        .join(format!("town-{}-funds-ignored.csv", args.transactions));
    with_fund_columns_ignored(&tagged, &ignored)?;
    let plain = ignored.display().to_string();
    let plain = plain.as_str();
    let (plain_db, funds_db) = (args.dir.join("plain.db"), args.dir.join("funds.db"));
    let (mut without, mut with) = (Vec::new(), Vec::new());
    for _ in 0..args.runs.clamp(1, 5) {
        without.push(import_fresh(&plain_db, plain)?.seconds);
        with.push(import_fresh(&funds_db, &tagged_s)?.seconds);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (a, b) = (median(&mut without), median(&mut with));
    let db = funds_db.display().to_string();
    let show = median_of(&["--ledger", &db, "fund", "show", "dynamic"], args.runs)?;
    let show_year = median_of(
        &["--ledger", &db, "fund", "show", "dynamic", "--year", "2024"],
        args.runs,
    )?;
    let statement = median_of(
        &[
            "--ledger",
            &db,
            "fund",
            "statement",
            "dynamic",
            "--year",
            "2024",
            "--by",
            "quarter",
        ],
        args.runs,
    )?;
    let list = median_of(&["--ledger", &db, "fund", "list"], args.runs)?;
    let verify = run_once(&["--ledger", &db, "verify"])?;
    // Closing the books: the first close checks the whole journal, a later one what was
    // posted since.
    let first_close = run_once(&[
        "--ledger",
        &db,
        "period",
        "close",
        "2024-06",
        "--by",
        "镇财务",
    ])?;
    let second_close = run_once(&[
        "--ledger",
        &db,
        "period",
        "close",
        "2024-09",
        "--by",
        "镇财务",
    ])?;
    let n = args.transactions as f64;
    outln!("{:<48} {:>10} {:>16}", "step", "seconds", "rate");
    outln!(
        "{:<48} {a:>10.3} {:>16}",
        "import postings (fund columns ignored)",
        format!("{:.0} txn/s", n / a)
    );
    outln!(
        "{:<48} {b:>10.3} {:>16}",
        "import postings (a tenth tagged with funds)",
        format!("{:.0} txn/s", n / b)
    );
    outln!(
        "{:<48} {:>10}",
        "cost of the fund rules",
        format!("{:+.1}%", (b / a - 1.0) * 100.0)
    );
    outln!("{:<48} {:>10.3}", "fund show dynamic", show);
    outln!(
        "{:<48} {:>10.3}",
        "fund show dynamic --year 2024",
        show_year
    );
    outln!(
        "{:<48} {:>10.3}",
        "fund statement dynamic --year 2024 --by quarter",
        statement
    );
    outln!("{:<48} {:>10.3}", "fund list", list);
    outln!(
        "{:<48} {:>10.3} {:>16}",
        "verify (with fund movements)",
        verify.seconds,
        format!("{:.0} txn/s", n / verify.seconds)
    );
    outln!(
        "{:<44} {:>10.3}",
        "period close (the first: all verified)",
        first_close.seconds
    );
    outln!(
        "{:<44} {:>10.3}",
        "period close (a later one)",
        second_close.seconds
    );
    Ok(())
}

/// The median wall time of `runs` runs of `args`.
fn median_of(args: &[&str], runs: usize) -> Result<f64> {
    Ok(median(args, runs)?.seconds)
}

/// A town keeping 50 villages' books: a register of `args.households` households over the
/// villages and a journal of `transactions` transactions on their accounts and households,
/// imported into a fresh ledger; then `disclose --town` for the third quarter (51 PDFs) and
/// one village's disclosure as CSV, medians of `args.runs` runs.
fn disclose_bench(args: &Args, transactions: u64) -> Result<i32> {
    const VILLAGES: usize = 50;
    let dir = &args.dir;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let villages = synth::village_names(VILLAGES);
    let households = args.households.max(1);
    let register = dir.join(format!("households-{households}-{VILLAGES}.csv"));
    let journal = dir.join(format!("villages-{transactions}.csv"));
    let write = |path: &std::path::Path,
                 f: &dyn Fn(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>|
     -> Result<()> {
        let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        f(&mut w)
            .and_then(|_| std::io::Write::flush(&mut w))
            .map_err(|e| Error::io(path, e))
    };
    write(&register, &|w| {
        synth::write_village_register(w, households, &villages, 2024)
    })?;
    write(&journal, &|w| {
        synth::write_village_journal(w, transactions, households, &villages, 2024)
    })?;
    let db = dir.join("disclose.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let db_s = db.display().to_string();
    run_once(&["--ledger", &db_s, "init"])?;
    run_once(&[
        "--ledger",
        &db_s,
        "households",
        "import",
        &register.display().to_string(),
        "--effective",
        "2024-01-01",
    ])?;
    let import = run_once(&[
        "--ledger",
        &db_s,
        "import",
        "postings",
        &journal.display().to_string(),
        "--create-accounts",
    ])?;
    let out = dir.join("公开-2024Q3").display().to_string();
    let town = median(
        &[
            "--ledger",
            &db_s,
            "disclose",
            "--town",
            "--quarter",
            "2024Q3",
            "--out",
            &out,
        ],
        args.runs,
    )?;
    let one = median(
        &[
            "--ledger",
            &db_s,
            "disclose",
            "--village",
            &villages[0],
            "--quarter",
            "2024Q3",
            "--format",
            "csv",
        ],
        args.runs,
    )?;
    let out_month = dir.join("公开-2024-09").display().to_string();
    let month = median(
        &[
            "--ledger", &db_s, "disclose", "--town", "--month", "2024-09", "--out", &out_month,
        ],
        args.runs,
    )?;
    outln!(
        "{}",
        townledger::tr!(
            "bench-disclose-run",
            transactions = transactions.to_string(),
            villages = VILLAGES,
            households = households.to_string(),
            path = db.display()
        )
    );
    outln!("{:<44} {:>10} {:>12}", "step", "seconds", "peak MB");
    for (name, m) in [
        ("import postings", &import),
        ("disclose --town --quarter 2024Q3 (51 PDFs)", &town),
        ("disclose --town --month 2024-09 (51 PDFs)", &month),
        ("disclose --village (CSV)", &one),
    ] {
        outln!(
            "{name:<44} {:>10.3} {:>12.1}",
            m.seconds,
            m.peak_kb as f64 / 1024.0
        );
    }
    Ok(0)
}

/// Import `n` grant applications (a process, as a clerk runs it), then pass every one through
/// the three gates and pay them all, each step one write through the library's batch
/// functions (as `grant review --all-pending` and `grant pay --all-passed` do).
fn grants_bench(dir: &std::path::Path, n: u64) -> Result<i32> {
    use townledger::funds::grant::{
        pay_all_passed, review_all_pending, Decision, Gate, ReviewRequest,
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let register = dir.join(format!("households-{n}.csv"));
    let households = n.max(10);
    {
        let file = std::fs::File::create(&register).map_err(|e| Error::io(&register, e))?;
        let mut w = std::io::BufWriter::new(file);
        synth::write_household_register(&mut w, households, 2024)
            .and_then(|_| std::io::Write::flush(&mut w))
            .map_err(|e| Error::io(&register, e))?;
    }
    let eligible: Vec<String> = townledger::households::read_households(&register)?
        .into_iter()
        .filter(|h| h.category.is_some_and(|c| c.is_monitored()))
        .map(|h| h.id)
        .collect();
    let applications = dir.join(format!("grants-{n}.csv"));
    {
        let file = std::fs::File::create(&applications).map_err(|e| Error::io(&applications, e))?;
        let mut w = std::io::BufWriter::new(file);
        synth::write_grant_applications(&mut w, &eligible, n)
            .and_then(|_| std::io::Write::flush(&mut w))
            .map_err(|e| Error::io(&applications, e))?;
    }
    let db = dir.join("grants.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let db_s = db.display().to_string();
    let fund = dir.join("reserve.csv");
    let pool = townledger::Amount::from_yuan(1_000 * n as i64);
    std::fs::write(
        &fund,
        format!(
            "txn_id,date,account,amount,memo\nR1,2024-01-02,资产:银行存款:储备金专户,{pool},设立储备金\nR1,2024-01-02,负债:专项应付款:防止返贫储备金,{},设立储备金\n",
            -pool
        ),
    )
    .map_err(|e| Error::io(&fund, e))?;
    run_once(&["--ledger", &db_s, "init"])?;
    run_as(
        "村文书",
        &[
            "--ledger",
            &db_s,
            "households",
            "import",
            &register.display().to_string(),
            "--effective",
            "2024-01-01",
        ],
    )?;
    run_as(
        "村文书",
        &[
            "--ledger",
            &db_s,
            "import",
            "postings",
            &fund.display().to_string(),
            "--create-accounts",
        ],
    )?;
    let import = run_as(
        "村文书",
        &[
            "--ledger",
            &db_s,
            "grant",
            "import",
            &applications.display().to_string(),
            "--date",
            "2024-06-01",
        ],
    )?;
    let today = chrono::Local::now().date_naive();
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2024, 6, d).expect("a day of June");
    let mut steps: Vec<(String, f64)> = Vec::new();
    for (gate, by, on) in [
        (Gate::Village, "村委", day(10)),
        (Gate::Data, "民政比对", day(15)),
        (Gate::Sector, "镇农办", day(20)),
    ] {
        let req = ReviewRequest {
            gate,
            decision: Decision::Pass,
            by: by.to_string(),
            note: String::new(),
            on,
            dated: true,
        };
        let start = Instant::now();
        let mut ledger = townledger::store::Ledger::open(&db)?;
        ledger.write("村文书", |w| review_all_pending(w, &req, today))?;
        drop(ledger);
        steps.push((
            format!("review --gate {gate}"),
            start.elapsed().as_secs_f64(),
        ));
    }
    let start = Instant::now();
    let mut ledger = townledger::store::Ledger::open(&db)?;
    let paid = ledger.write_bulk("出纳", |w| pay_all_passed(w, day(28), None))?;
    drop(ledger);
    steps.push((
        "pay (every grant)".to_string(),
        start.elapsed().as_secs_f64(),
    ));
    let verify = run_once(&["--ledger", &db_s, "verify"])?;
    outln!(
        "{}",
        townledger::tr!(
            "bench-grants-run",
            grants = n.to_string(),
            paid = paid.len(),
            households = eligible.len()
        )
    );
    outln!("{:<28} {:>10} {:>12}", "step", "seconds", "peak MB");
    outln!(
        "{:<28} {:>10.3} {:>12.1}",
        "grant import",
        import.seconds,
        import.peak_kb as f64 / 1024.0
    );
    for (name, seconds) in &steps {
        outln!("{name:<28} {seconds:>10.3}");
    }
    let total = import.seconds + steps.iter().map(|(_, s)| s).sum::<f64>();
    outln!("{:<28} {:>10.3}", "import + 3 gates + pay", total);
    outln!(
        "{:<28} {:>10.3} {:>12.1}",
        "verify",
        verify.seconds,
        verify.peak_kb as f64 / 1024.0
    );
    Ok(0)
}

/// A year of one bank account: the statement imported and matched on a fresh copy of the
/// ledger each run; the medians of `bank import`, `reconcile` and of the two together.
fn reconcile_bench(args: &Args, postings: u64) -> Result<i32> {
    let dir = &args.dir;
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let journal = dir.join(format!("bank-year-{postings}.csv"));
    let statement = dir.join(format!("statement-{}.csv", args.bank_lines));
    {
        let create = |p: &std::path::Path| {
            std::fs::File::create(p)
                .map(|f| std::io::BufWriter::with_capacity(1 << 20, f))
                .map_err(|e| Error::io(p, e))
        };
        let (mut j, mut s) = (create(&journal)?, create(&statement)?);
        synth::write_bank_year(&mut j, &mut s, postings, args.bank_lines)
            .and_then(|_| std::io::Write::flush(&mut j))
            .and_then(|_| std::io::Write::flush(&mut s))
            .map_err(|e| Error::io(&statement, e))?;
    }
    let base = dir.join("reconcile-base.db");
    let db = dir.join("reconcile.db");
    for path in [&base, &db] {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    let (base_s, db_s) = (base.display().to_string(), db.display().to_string());
    run_once(&["--ledger", &base_s, "init"])?;
    run_once(&[
        "--ledger",
        &base_s,
        "import",
        "postings",
        &journal.display().to_string(),
        "--create-accounts",
    ])?;
    let account = "资产:银行存款:储备金专户";
    let statement_s = statement.display().to_string();
    let (mut imports, mut matches, mut both) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..args.runs.max(1) {
        std::fs::copy(&base, &db).map_err(|e| Error::io(&db, e))?;
        let import = run_once(&["--ledger", &db_s, "bank", "import", account, &statement_s])?;
        let matched = run_once(&["--ledger", &db_s, "reconcile", account, "--format", "csv"])?;
        both.push(import.seconds + matched.seconds);
        imports.push(import.seconds);
        matches.push(matched.seconds);
    }
    let mid = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let matched = townledger::store::Ledger::open(&db)?.bank_matches_count()?;
    outln!(
        "{}",
        townledger::tr!(
            "bench-reconcile",
            lines = args.bank_lines,
            postings = postings,
            matched = matched,
            import = format!("{:.2}", mid(&mut imports)),
            reconcile = format!("{:.2}", mid(&mut matches)),
            both = format!("{:.2}", mid(&mut both)),
            runs = args.runs.max(1)
        )
    );
    Ok(0)
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

/// One GET over HTTP/1.1 (the connection closed after it): the status, the body and the time
/// from connecting to the last byte.
fn http_get(host: &str, path: &str, cookie: &str) -> Result<(u16, Vec<u8>, f64)> {
    use std::io::{Read, Write};
    let start = Instant::now();
    let mut stream = std::net::TcpStream::connect(host).map_err(|e| Error::io(host, e))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| Error::io(host, e))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| Error::io(host, e))?;
    let seconds = start.elapsed().as_secs_f64();
    let status = String::from_utf8_lossy(raw.get(9..12).unwrap_or_default())
        .parse()
        .unwrap_or(0);
    let body = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or_else(Vec::new, |i| raw[i + 4..].to_vec());
    Ok((status, body, seconds))
}

/// A `serve` process, stopped when dropped.
struct Served(std::process::Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn web_bench(args: &Args) -> Result<i32> {
    use std::io::BufRead;
    std::fs::create_dir_all(&args.dir).map_err(|e| Error::io(&args.dir, e))?;
    let journal = args.dir.join(format!("town-{}.csv", args.transactions));
    let db = args.dir.join("web.db");
    write_journal(&journal, args.transactions, args.households)?;
    let import = import_fresh(&db, &journal.display().to_string())?;
    outln!(
        "import postings: {} transactions in {:.3} s",
        args.transactions,
        import.seconds
    );
    // A user for the benchmark, with a random password used only here.
    let password = townledger::users::random_password()?;
    let mut ledger = townledger::store::Ledger::open(&db)?;
    let readers = args.clients.unwrap_or(0);
    ledger.write("bench", |w| {
        townledger::users::add(w, "bench", townledger::users::Role::Inspector, &password)?;
        if readers > 0 {
            townledger::users::add(w, "clerk", townledger::users::Role::Town, &password)?;
            for i in 0..readers {
                let name = format!("reader{i:02}");
                townledger::users::add(w, &name, townledger::users::Role::Inspector, &password)?;
            }
        }
        Ok(())
    })?;
    let bank = "资产:银行存款";
    let first = ledger.register_page(&ledger.account_and_descendants(bank)?, None, None, 0, 1)?;
    let voucher = first
        .lines
        .first()
        .map(|l| l.voucher.clone())
        .unwrap_or_default();
    // A page half-way through the bank accounts' register.
    let middle = first.total / 100 / 2 + 1;
    // The clerk's vouchers move 1.00 between the first voucher's first two accounts.
    let pair = ledger
        .transaction_by_voucher(&voucher)?
        .map(|t| t.postings)
        .unwrap_or_default();
    let date = first
        .lines
        .first()
        .map(|l| l.date.to_string())
        .unwrap_or_default();
    drop(ledger);
    let exe = std::env::current_exe().map_err(|e| Error::io("townledger", e))?;
    let mut child = Command::new(exe)
        .args(["serve", "--addr", "127.0.0.1:0", "--ledger"])
        .arg(&db)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| Error::io("townledger serve", e))?;
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        std::io::BufReader::new(out)
            .read_line(&mut line)
            .map_err(|e| Error::io("townledger serve", e))?;
    }
    let served = Served(child);
    let host = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
        .ok_or_else(|| Error::rule(format!("serve said {line:?}")))?
        .to_string();
    let cookie = sign_in(&host, "bench", &password)?;
    let account = synth::household_account(1);
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    let pages = [
        ("/ (overview)".to_string(), "/".to_string()),
        ("/balance".to_string(), "/balance".to_string()),
        (
            format!("/register {bank}, page 1"),
            format!("/register?account={}", enc(bank)),
        ),
        (
            format!("/register {bank}, page {middle}"),
            format!("/register?account={}&page={middle}", enc(bank)),
        ),
        (
            "/register one household".to_string(),
            format!("/register?account={}", enc(&account)),
        ),
        (
            format!("/voucher {voucher}"),
            format!("/voucher?v={}", enc(&voucher)),
        ),
    ];
    if let Some(clients) = args.clients {
        let load = Load {
            host: &host,
            password: &password,
            clients,
            seconds: args.seconds,
            pages: vec![
                ("/ (overview)".to_string(), "/".to_string()),
                ("/balance".to_string(), "/balance".to_string()),
                (
                    format!("/register {bank}, page 1"),
                    format!("/register?account={}", enc(bank)),
                ),
                (
                    "/voucher".to_string(),
                    format!("/voucher?v={}", enc(&voucher)),
                ),
                ("/runs".to_string(), "/runs".to_string()),
                ("/households".to_string(), "/households".to_string()),
            ],
            pair: &pair,
            date: &date,
        };
        let ok = load_test(&load, &db)?;
        drop(served);
        return Ok(if ok { 0 } else { 1 });
    }
    outln!("{:<48} {:>10} {:>10}", "page", "seconds", "kB");
    for (name, path) in &pages {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..args.runs.max(1) {
            let (status, body, seconds) = http_get(&host, path, &cookie)?;
            if status != 200 {
                return Err(Error::rule(format!("{path}: HTTP {status}")));
            }
            size = body.len();
            times.push(seconds);
        }
        times.sort_by(f64::total_cmp);
        outln!(
            "{name:<48} {:>10.3} {:>10.1}",
            times[times.len() / 2],
            size as f64 / 1024.0
        );
    }
    drop(served);
    Ok(0)
}

/// Sign in through the form as a script would; the session cookie.
fn sign_in(host: &str, name: &str, password: &str) -> Result<String> {
    use std::io::{Read, Write};
    let (_, form, _) = http_get(host, "/login", "")?;
    let form = String::from_utf8_lossy(&form).into_owned();
    let csrf = form
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string();
    let body = format!("name={name}&password={password}&csrf={csrf}");
    let mut stream = std::net::TcpStream::connect(host).map_err(|e| Error::io(host, e))?;
    write!(
        stream,
        "POST /login HTTP/1.1\r\nHost: {host}\r\nCookie: tl_login={csrf}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| Error::io(host, e))?;
    let mut raw = String::new();
    stream
        .read_to_string(&mut raw)
        .map_err(|e| Error::io(host, e))?;
    raw.lines()
        .filter_map(|l| l.strip_prefix("set-cookie: tl_session="))
        .map(|v| format!("tl_session={}", v.split(';').next().unwrap_or_default()))
        .next()
        .ok_or_else(|| Error::rule("the benchmark's user could not sign in".to_string()))
}

/// A keep-alive HTTP/1.1 connection to the server (127.0.0.1 only), reopened when the server
/// closes it.
struct KeepAlive {
    host: String,
    stream: Option<std::net::TcpStream>,
}

impl KeepAlive {
    fn new(host: &str) -> KeepAlive {
        KeepAlive {
            host: host.to_string(),
            stream: None,
        }
    }

    /// Send one request; its status, headers (lower case) and body length, or `None` when the
    /// connection failed (counted as an error by the caller).
    fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &str,
        body: &[u8],
    ) -> Option<(u16, String, usize)> {
        for _attempt in 0..2 {
            if self.stream.is_none() {
                let stream = std::net::TcpStream::connect(&self.host).ok()?;
                stream.set_nodelay(true).ok()?;
                stream
                    .set_read_timeout(Some(std::time::Duration::from_secs(60)))
                    .ok()?;
                self.stream = Some(stream);
            }
            let fresh = self.send(method, path, headers, body);
            match fresh {
                Some(r) => return Some(r),
                None => self.stream = None,
            }
        }
        None
    }

    fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &str,
        body: &[u8],
    ) -> Option<(u16, String, usize)> {
        use std::io::{Read, Write};
        let stream = self.stream.as_mut()?;
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\n{headers}Content-Length: {}\r\n\r\n",
            self.host,
            body.len()
        );
        stream.write_all(head.as_bytes()).ok()?;
        stream.write_all(body).ok()?;
        let mut raw = Vec::with_capacity(16 * 1024);
        let mut buf = [0u8; 64 * 1024];
        let split = loop {
            if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let n = stream.read(&mut buf).ok()?;
            if n == 0 {
                return None;
            }
            raw.extend_from_slice(&buf[..n]);
        };
        let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
        let status: u16 = head.get(9..12)?.parse().ok()?;
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok());
        let mut body_bytes = raw.len() - split;
        if let Some(length) = length {
            while body_bytes < length {
                let n = stream.read(&mut buf).ok()?;
                if n == 0 {
                    return None;
                }
                body_bytes += n;
            }
        } else if head.contains("transfer-encoding: chunked") {
            let mut tail = raw[split..].to_vec();
            while !tail.ends_with(b"0\r\n\r\n") {
                let n = stream.read(&mut buf).ok()?;
                if n == 0 {
                    return None;
                }
                tail.extend_from_slice(&buf[..n]);
            }
            body_bytes = tail.len();
        }
        if head.contains("connection: close") {
            self.stream = None;
        }
        Some((status, head, body_bytes))
    }
}

/// What the load test is given.
struct Load<'a> {
    host: &'a str,
    password: &'a str,
    clients: usize,
    seconds: u64,
    /// (name, path) of the pages the clients read in turn.
    pages: Vec<(String, String)>,
    /// The postings of a voucher whose first two accounts the clerk's vouchers use.
    pair: &'a [townledger::ledger::transaction::Posting],
    date: &'a str,
}

/// The session cookie and the CSRF token of a signed-in user.
fn session(host: &str, name: &str, password: &str) -> Result<(String, String)> {
    let cookie = sign_in(host, name, password)?;
    let (_, page, _) = http_get(host, "/import", &cookie)?;
    let page = String::from_utf8_lossy(&page).into_owned();
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_string();
    Ok((cookie, csrf))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// `clients` readers loop over the pages for `seconds` while one clerk posts voucher files
/// (one voucher each, its own txn_id) through `/import`; then every accepted voucher must be
/// in the ledger exactly once and no other, and no response an error. Prints requests, errors
/// and p50/p95/p99 per page and overall; whether everything held.
fn load_test(load: &Load<'_>, db: &std::path::Path) -> Result<bool> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let (first, second) = match (load.pair.first(), load.pair.get(1)) {
        (Some(a), Some(b)) => (a, b),
        _ => return Err(Error::rule("no voucher to copy for the clerk".to_string())),
    };
    let sessions: Vec<(String, String)> = (0..load.clients)
        .map(|i| session(load.host, &format!("reader{i:02}"), load.password))
        .collect::<Result<_>>()?;
    let clerk = session(load.host, "clerk", load.password)?;
    let before = townledger::store::Ledger::open(db)?.counts()?.0;
    outln!(
        "load: {} clients reading for {} s, one clerk posting vouchers (127.0.0.1, keep-alive)",
        load.clients,
        load.seconds
    );
    let stop = AtomicBool::new(false);
    let deadline = Instant::now() + std::time::Duration::from_secs(load.seconds);
    // (page index, seconds, ok) per request, per client.
    type Timing = (usize, f64, bool);
    let (timings, uploads): (Vec<Vec<Timing>>, (Vec<String>, usize, f64)) = std::thread::scope(
        |scope| {
            let readers: Vec<_> = sessions
                .iter()
                .enumerate()
                .map(|(c, (cookie, _))| {
                    let stop = &stop;
                    scope.spawn(move || {
                        let mut conn = KeepAlive::new(load.host);
                        let mut out = Vec::new();
                        let headers = format!("Cookie: {cookie}\r\n");
                        let mut i = c;
                        // Bounded: stops at the deadline, and after a million requests anyway.
                        while !stop.load(Ordering::Relaxed)
                            && Instant::now() < deadline
                            && out.len() < 1_000_000
                        {
                            let page = i % load.pages.len();
                            i += 1;
                            let start = Instant::now();
                            let r = conn.request("GET", &load.pages[page].1, &headers, b"");
                            let ok = matches!(r, Some((200, _, _)));
                            out.push((page, start.elapsed().as_secs_f64(), ok));
                        }
                        out
                    })
                })
                .collect();
            let clerk_thread = scope.spawn(|| {
                let mut conn = KeepAlive::new(load.host);
                let mut accepted = Vec::new();
                let mut failed = 0usize;
                let mut slowest = 0f64;
                let boundary = "----townledger-load-7f3a";
                let headers = format!(
                    "Cookie: {}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n",
                    clerk.0
                );
                let mut n = 0u64;
                while Instant::now() < deadline && n < 100_000 {
                    n += 1;
                    let id = format!("LOAD-{n:06}");
                    let household = |p: &townledger::ledger::transaction::Posting| {
                        p.household.clone().unwrap_or_default()
                    };
                    let (plus, minus) = if first.amount.is_negative() {
                        (second, first)
                    } else {
                        (first, second)
                    };
                    let csv = format!(
                        "txn_id,date,account,amount,memo,household\n\
                         {id},{date},{},1.00,load test,{}\n{id},{date},{},-1.00,load test,{}\n",
                        plus.account,
                        household(plus),
                        minus.account,
                        household(minus),
                        date = load.date
                    );
                    let body = format!(
                        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n\
                         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{id}.csv\"\r\n\
                         Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n",
                        clerk.1
                    );
                    let start = Instant::now();
                    let r = conn.request("POST", "/import", &headers, body.as_bytes());
                    slowest = slowest.max(start.elapsed().as_secs_f64());
                    match r {
                        Some((303, head, _)) if head.contains("location: /import?posted=1") => {
                            accepted.push(id)
                        }
                        _ => failed += 1,
                    }
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                (accepted, failed, slowest)
            });
            let timings = readers
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect();
            stop.store(true, Ordering::Relaxed);
            let uploads = clerk_thread.join().unwrap_or((Vec::new(), usize::MAX, 0.0));
            (timings, uploads)
        },
    );
    let (accepted, refused, slowest_upload) = uploads;
    // The ledger afterwards: exactly the accepted vouchers were added, each once.
    let ledger = townledger::store::Ledger::open(db)?;
    let after = ledger.counts()?.0;
    let mut missing = 0usize;
    for id in &accepted {
        if ledger.transaction_named(id)?.is_none() {
            missing += 1;
        }
    }
    let added = after - before;
    let all: Vec<Timing> = timings.into_iter().flatten().collect();
    let errors = all.iter().filter(|t| !t.2).count();
    outln!(
        "{:<40} {:>9} {:>7} {:>8} {:>8} {:>8}",
        "page",
        "requests",
        "errors",
        "p50 s",
        "p95 s",
        "p99 s"
    );
    let line = |name: &str, picked: Vec<&Timing>| -> Result<()> {
        let mut times: Vec<f64> = picked.iter().map(|t| t.1).collect();
        times.sort_by(f64::total_cmp);
        outln!(
            "{name:<40} {:>9} {:>7} {:>8.3} {:>8.3} {:>8.3}",
            times.len(),
            picked.iter().filter(|t| !t.2).count(),
            percentile(&times, 0.50),
            percentile(&times, 0.95),
            percentile(&times, 0.99)
        );
        Ok(())
    };
    for (p, (name, _)) in load.pages.iter().enumerate() {
        line(name, all.iter().filter(|t| t.0 == p).collect())?;
    }
    line("all pages", all.iter().collect())?;
    outln!(
        "{:.1} requests/s; the clerk: {} voucher files accepted, {} refused or failed (slowest {:.3} s); \
         the ledger: {} transactions added, {} accepted vouchers missing",
        all.len() as f64 / load.seconds.max(1) as f64,
        accepted.len(),
        refused,
        slowest_upload,
        added,
        missing
    );
    let ok = errors == 0 && refused == 0 && missing == 0 && added == accepted.len() as i64;
    outln!(
        "{}",
        if ok {
            "load test: no error, no lost or doubled write"
        } else {
            "load test: FAILED"
        }
    );
    Ok(ok)
}

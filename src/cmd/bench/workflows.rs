//! The benchmarks of one workflow each on a generated town: an allocation run, the funds'
//! columns, the village disclosures, relief grants and bank reconciliation.

use super::*;

/// Plan, post and pay one run across `n` households, each step as a separate process.
pub(super) fn allocation_bench(dir: &std::path::Path, n: u64, journal: Option<u64>) -> Result<i32> {
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

/// The journal with fund columns imported `runs` times into a new ledger, and the same file
/// with those columns ignored (as an import read it before funds had rules), in turn; the
/// medians, and the tagged ledger left at `dir/funds.db`.
pub(super) fn funds_bench(args: &Args) -> Result<()> {
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

/// A town keeping 50 villages' books: a register of `args.households` households over the
/// villages and a journal of `transactions` transactions on their accounts and households,
/// imported into a fresh ledger; then `disclose --town` for the third quarter (51 PDFs) and
/// one village's disclosure as CSV, medians of `args.runs` runs.
pub(super) fn disclose_bench(args: &Args, transactions: u64) -> Result<i32> {
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
pub(super) fn grants_bench(dir: &std::path::Path, n: u64) -> Result<i32> {
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
pub(super) fn reconcile_bench(args: &Args, postings: u64) -> Result<i32> {
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

use std::path::PathBuf;

use townledger::audit::verify;
use townledger::batch::write_statements;
use townledger::demo;
use townledger::error::{Error, Result};
use townledger::export::{export, ExportFormat};
use townledger::funds::statement::By;
use townledger::render::{render, Format, RenderOptions};
use townledger::report::allocation::{notice_document, run_document};
use townledger::report::balance::{balance, BalanceQuery};
use townledger::report::disclosure::files::write_town;
use townledger::report::disclosure::{town_disclosure, Period};
use townledger::report::document::Lang;
use townledger::report::fund_show::fund_show;
use townledger::report::fund_statement::{fund_statement, StatementQuery};
use townledger::report::grant_list::grant_list;
use townledger::report::register::register;
use townledger::report::statement::household_statements;

use townledger::reconcile::position::position;
use townledger::reconcile::statement_named;
use townledger::report::reconciliation::reconciliation_document;

use super::Context;
use townledger::tr;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where the demo ledger and its reports go.
    #[arg(long, short, default_value = "reports/demo")]
    pub out: PathBuf,
    /// The demo town's data (ledgers/demo).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Then serve the demo ledger on the web (users' passwords printed once).
    #[arg(long)]
    pub serve: bool,
    /// With --serve: the address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
}

fn write_file(path: PathBuf, f: impl FnOnce(&mut Vec<u8>) -> Result<()>) -> Result<PathBuf> {
    let mut buf = Vec::new();
    f(&mut buf)?;
    std::fs::write(&path, buf).map_err(|e| Error::io(&path, e))?;
    Ok(path)
}

pub fn run(ctx: &Context, args: Args) -> Result<i32> {
    let data = args.data.unwrap_or_else(demo::data_dir);
    let out = args.out;
    outln!("{}", tr!("demo-start", data = data.display()));
    let built = demo::build(&data, &out, &ctx.operator)?;
    let v = &built.vouchers;
    outln!(
        "{}",
        tr!(
            "demo-imported",
            vouchers = v.posted,
            postings = v.postings,
            ledger = built.ledger.path().display()
        )
    );
    let mut built = built;
    let a = demo::allocate(&mut built.ledger, &data, &out, &ctx.operator)?;
    let ledger = &built.ledger;
    outln!("{}", tr!("demo-households", count = a.households));
    for line in &a.funds {
        outln!("-- {line}");
    }
    outln!(
        "{}",
        tr!(
            "demo-run",
            run = a.run,
            policy = &a.plan.policy_name,
            eligible = a.plan.eligible,
            excluded = a.plan.excluded,
            cap = a.plan.at_cap,
            fixed = a.plan.fixed_total.grouped()
        )
    );
    outln!("{}", tr!("demo-approved", voucher = &a.voucher));
    outln!(
        "{}",
        tr!(
            "demo-paid",
            paid = a.first_payment.paid.len(),
            amount = a.first_payment.total().grouped(),
            file = a.bank_file.display(),
            unpaid = a.first_payment.unpaid.len(),
            more = a.second_payment.paid.len(),
            more_amount = a.second_payment.total().grouped()
        )
    );
    let record = ledger.run(a.run)?;
    let town = ledger.town_name()?;
    let lines = ledger.run_lines(a.run)?;
    let options = RenderOptions::new(chrono::Local::now().fixed_offset());
    let mut written = Vec::new();
    for (name, format) in [
        ("公示-2024.txt", Format::Text),
        ("公示-2024.csv", Format::Csv),
        ("公示-2024.pdf", Format::Pdf),
    ] {
        written.push(write_file(out.join(name), |b| {
            render(
                &notice_document(&record, &lines, town.as_deref(), Lang::Zh),
                format,
                b,
                &options,
            )
        })?);
    }
    written.push(write_file(out.join("allocation-run.csv"), |b| {
        render(
            &run_document(&record, &lines, Lang::Zh),
            Format::Csv,
            b,
            &options,
        )
    })?);
    // Statements: the whole town's year 2024 in a batch, as an inspector prints them, and one
    // household on its own — for 2024, and for January 2025, when the year-end allocation still
    // payable at the start is brought forward and paid.
    let from = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid");
    let to = chrono::NaiveDate::from_ymd_opt(2024, 12, 31).expect("valid");
    let today = chrono::Local::now().date_naive();
    let households = ledger.households_on(to)?;
    let statements = household_statements(ledger, &households, from, to, today, Lang::Zh)?;
    let batch = write_statements(
        &statements,
        &out.join("statements"),
        "2024",
        Lang::Zh,
        &options,
        2,
    )?;
    outln!(
        "{}{}",
        tr!(
            "demo-statements",
            files = batch.files.len(),
            pages = batch.pages,
            megabytes = batch.bytes as f64 / 1e6,
            dir = out.join("statements").display(),
            empty = batch.empty.len()
        ),
        if batch.failed.is_empty() {
            String::new()
        } else {
            tr!("demo-statements-failed", count = batch.failed.len())
        }
    );
    if let Some(s) = statements.iter().find(|s| s.household.id == "H0001") {
        written.push(write_file(out.join("H0001-2024.pdf"), |b| {
            render(&s.document(Lang::Zh), Format::Pdf, b, &options)
        })?);
        let january = (
            chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("valid"),
            chrono::NaiveDate::from_ymd_opt(2025, 1, 31).expect("valid"),
        );
        let household = std::slice::from_ref(&s.household);
        if let Some(next) =
            household_statements(ledger, household, january.0, january.1, today, Lang::Zh)?.pop()
        {
            written.push(write_file(out.join("H0001-2025-01.pdf"), |b| {
                render(&next.document(Lang::Zh), Format::Pdf, b, &options)
            })?);
        }
    }
    // The village-finance disclosures: the third quarter's, as the villages publish them, and
    // the fourth's (the projects' dividends, the tilt of each village's projects).
    let footer = Some(townledger::report::ledger_footer(ledger, Lang::Zh)?);
    for quarter in ["2024Q3", "2024Q4"] {
        let period = Period::quarter(quarter)?;
        let dir = out.join(format!("公开-{quarter}"));
        let disclosed = write_town(
            &town_disclosure(ledger, period)?,
            &dir,
            Format::Pdf,
            &options,
            Lang::Zh,
            today,
            footer.clone(),
            2,
        )?;
        outln!(
            "{}",
            tr!(
                "demo-disclosures",
                period = quarter,
                count = disclosed.files.len(),
                dir = dir.display(),
                failed = disclosed.failed.len()
            )
        );
    }
    let trial = balance(ledger, &BalanceQuery::default())?;
    let mut stdout = std::io::stdout().lock();
    outln!();
    render(
        &trial.tree_document(Lang::Zh),
        Format::Text,
        &mut stdout,
        &options,
    )?;
    written.push(write_file(out.join("balance.txt"), |b| {
        render(&trial.tree_document(Lang::Zh), Format::Text, b, &options)
    })?);
    written.push(write_file(out.join("balance.csv"), |b| {
        render(&trial.flat_document(Lang::Zh), Format::Csv, b, &options)
    })?);
    // The funds' own statements: the 631 year by source against 6:3:1, the 6·30 campaign
    // year with its restricted money kept apart.
    for (fund, file) in [("631", "资金-631-2024.txt"), ("630", "资金-630-2024.txt")] {
        let doc = fund_show(ledger, fund, Some(2024), Lang::Zh)?;
        written.push(write_file(out.join(file), |b| {
            render(&doc, Format::Text, b, &options)
        })?);
    }
    // The year's fund statements 资金收支明细表 of the 631 fund and the reserve fund, by
    // quarter, against their budgets.
    let mut statements = Vec::new();
    for (fund, name) in [("631", "631"), ("储备金", "储备金")] {
        let query = StatementQuery {
            fund: fund.to_string(),
            year: Some(2024),
            by: Some(By::Quarter),
            budget: true,
            ..Default::default()
        };
        let mut doc = fund_statement(ledger, &query, Lang::Zh)?;
        doc.footer = Some(townledger::report::ledger_footer(ledger, Lang::Zh)?);
        for (ext, format) in [("txt", Format::Text), ("pdf", Format::Pdf)] {
            let path = write_file(
                out.join(format!("资金收支明细-{name}-2024.{ext}")),
                |b| render(&doc, format, b, &options),
            )?;
            statements.push(path.display().to_string());
            written.push(path);
        }
    }
    outln!(
        "{}",
        tr!("demo-fund-statements", files = statements.join(", "))
    );
    // The reserve fund's relief grants: where each stands, the gates it passed, its voucher.
    let grants = grant_list(ledger, None, Lang::Zh)?;
    written.push(write_file(out.join("grants-2024.txt"), |b| {
        render(&grants, Format::Text, b, &options)
    })?);
    let reserve = register(ledger, "资产:银行存款:储备金专户", None, None)?;
    outln!();
    render(
        &reserve.document(Lang::Zh),
        Format::Text,
        &mut stdout,
        &options,
    )?;
    written.push(write_file(out.join("register-储备金专户.txt"), |b| {
        render(&reserve.document(Lang::Zh), Format::Text, b, &options)
    })?);
    // The 银行存款余额调节表 of every statement the bank sent.
    let mut tables = Vec::new();
    for &(account, _, name, _) in townledger::reconcile::demo::STATEMENTS {
        let Some(found) = ledger.account(account)? else {
            continue;
        };
        let statement = statement_named(ledger, (found.id, &found.name), name)?;
        let position = position(ledger, (found.id, &found.name), &statement)?;
        let mut doc = reconciliation_document(&position, None, Lang::Zh)?;
        doc.footer = Some(townledger::report::ledger_footer(ledger, Lang::Zh)?);
        let short = account.rsplit(':').next().unwrap_or(account);
        for (ext, format) in [("txt", Format::Text), ("pdf", Format::Pdf)] {
            let path = write_file(out.join(format!("调节表-{short}-{name}.{ext}")), |b| {
                render(&doc, format, b, &options)
            })?;
            if ext == "pdf" {
                tables.push(path.display().to_string());
            }
            written.push(path);
        }
    }
    outln!("{}", tr!("demo-bank", files = tables.join(", ")));
    written.push(write_file(out.join("town.journal"), |b| {
        export(ledger, ExportFormat::Ledger, b)
    })?);
    written.push(write_file(out.join("town.beancount"), |b| {
        export(ledger, ExportFormat::Beancount, b)
    })?);
    // One user of each role for the web application, with random passwords printed once.
    let users = townledger::users::add_demo_users(
        &mut townledger::store::Ledger::open(ledger.path())?,
        &ctx.operator,
    )?;
    let verified = verify(ledger)?;
    outln!(
        "\n{}",
        tr!(
            "demo-verified",
            transactions = verified.transactions,
            head = verified.head.to_string()
        )
    );
    outln!("{}", tr!("demo-written"));
    for p in written {
        outln!("   {}", p.display());
    }
    outln!("\n{}", tr!("demo-users"));
    for (name, role, password) in &users {
        outln!(
            "   {}",
            tr!(
                "demo-user-line",
                name = name.as_str(),
                role = role.as_str(),
                password = password.as_str()
            )
        );
    }
    if args.serve {
        let serving = Context {
            ledger_path: ledger.path().to_path_buf(),
            operator: ctx.operator.clone(),
        };
        return super::serve::serve(&serving, &args.addr);
    }
    Ok(0)
}

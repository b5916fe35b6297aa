use std::path::PathBuf;

use chrono::NaiveDate;
use townledger::allocate::run::{self as workflow, status};
use townledger::error::{Error, Result};
use townledger::money::Amount;
use townledger::report::allocation::{notice_document, run_document, runs_document};

use super::{parse_date, Context, OutputArgs};
use townledger::tr;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Plan a run: weights and exact shares for every household; prints the run id last.
    Plan {
        #[arg(long)]
        policy: PathBuf,
        /// Fund name or alias (动态帮扶 / dynamic, 631, 6·30, 储备金) or an account name.
        #[arg(long)]
        fund: String,
        #[arg(long, value_parser = parse_amount)]
        amount: Amount,
        /// The allocation date: the household data in force on it are used.
        #[arg(long, value_parser = parse_date)]
        date: NaiveDate,
        /// The policy year (monitoring line); default the date's year.
        #[arg(long)]
        year: Option<i32>,
    },
    /// Every household of a run: weight parts, exact share, explanation.
    Show {
        run: i64,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Approve a run: first --role village, then --role town; never by the proposer.
    Approve {
        run: i64,
        #[arg(long)]
        by: String,
        #[arg(long, value_parser = ["village", "town"])]
        role: String,
        /// The date of the decision (default today; not before the run's date).
        #[arg(long, value_parser = parse_date)]
        date: Option<NaiveDate>,
    },
    /// The public notice (公示), masked; records its publication date once it is printed.
    Notice {
        run: i64,
        /// Publication date (default today; fixed by the first notice; not before the town's
        /// approval).
        #[arg(long, value_parser = parse_date)]
        published: Option<NaiveDate>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Post the run: the fund pays each household's payable (once only).
    Post {
        run: i64,
        /// Voucher date (default the earliest payment date, or today if that is later).
        #[arg(long, value_parser = parse_date)]
        date: Option<NaiveDate>,
        /// Post before the notice period ends (needs --reason).
        #[arg(long)]
        force: bool,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Reverse a posted, unpaid run by a reversing run.
    Reverse {
        run: i64,
        #[arg(long)]
        reason: String,
        #[arg(long, value_parser = parse_date)]
        date: Option<NaiveDate>,
    },
    /// List the runs.
    List {
        #[command(flatten)]
        output: OutputArgs,
    },
}

pub fn parse_amount(s: &str) -> std::result::Result<Amount, String> {
    Amount::parse(s).map_err(|e| e.to_string())
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

pub fn run(ctx: &Context, command: Command) -> Result<i32> {
    match command {
        Command::Plan {
            policy,
            fund,
            amount,
            date,
            year,
        } => {
            let mut ledger = ctx.open()?;
            let fund = ledger.fund_account(&fund)?;
            let (id, plan) = ledger.write_bulk(&ctx.operator, |w| {
                workflow::plan_run(w, &policy, &fund, amount, date, year)
            })?;
            outln!(
                "{}",
                tr!(
                    "allocate-planned",
                    run = id,
                    amount = amount.grouped(),
                    fund = &fund,
                    date = date,
                    policy = &plan.policy_name,
                    sha256 = &plan.policy_sha256
                )
            );
            outln!(
                "{}",
                tr!(
                    "allocate-planned-counts",
                    eligible = plan.eligible,
                    excluded = plan.excluded,
                    floor = plan.at_floor,
                    cap = plan.at_cap,
                    fixed = plan.fixed_total.grouped(),
                    apportioned = plan.apportioned.grouped()
                )
            );
            for note in &plan.notes {
                outln!("{}", tr!("allocate-note", note = note));
            }
            outln!("{id}");
            Ok(0)
        }
        Command::Show { run, output } => {
            let lang = output.lang;
            let output = output.resolve()?;
            let ledger = ctx.open()?;
            let record = ledger.run(run)?;
            let lines = ledger.run_lines(run)?;
            output.emit(&run_document(&record, &lines, lang))?;
            Ok(0)
        }
        Command::Approve {
            run,
            by,
            role,
            date,
        } => {
            let mut ledger = ctx.open()?;
            let on = date.unwrap_or_else(today);
            let record = ledger.write(&ctx.operator, |w| {
                workflow::approve(w, run, &by, &role, on, today())
            })?;
            let approver = match role.as_str() {
                "village" => record.village_by.clone(),
                _ => record.town_by.clone(),
            }
            .unwrap_or_default();
            outln!(
                "{}",
                tr!(
                    "allocate-approved",
                    run = run,
                    approver = approver,
                    role = tr!(if role == "village" {
                        "allocate-role-village"
                    } else {
                        "allocate-role-town"
                    }),
                    date = on,
                    status = tr!(&format!("run-status-{}", status(&record)))
                )
            );
            Ok(0)
        }
        Command::Notice {
            run,
            published,
            output,
        } => {
            let lang = output.lang;
            let output = output.resolve()?;
            let mut ledger = ctx.open()?;
            let town = ledger.town_name()?;
            // The notice is rendered and written before the publication is committed: if it
            // cannot be printed (a character the font lacks, an unwritable file), the run stays
            // unpublished.
            let record = ledger.write(&ctx.operator, |w| {
                let record = workflow::publish(w, run, published, today())?;
                let lines = w.run_lines(run)?;
                let bytes =
                    output.render(&notice_document(&record, &lines, town.as_deref(), lang))?;
                output.write(&bytes)?;
                Ok(record)
            })?;
            if let Some(warning) = workflow::notice_calendar_warning(&record) {
                eprintln!("{warning}");
            }
            if output.path.is_some() {
                eprintln!(
                    "{}",
                    tr!(
                        "allocate-notice-published",
                        run = run,
                        published = record.published.map(|d| d.to_string()).unwrap_or_default(),
                        earliest = record
                            .earliest_payment
                            .map(|d| d.to_string())
                            .unwrap_or_default()
                    )
                );
            }
            Ok(0)
        }
        Command::Post {
            run,
            date,
            force,
            reason,
        } => {
            let force_reason = match (force, reason) {
                (true, Some(r)) if !r.trim().is_empty() => Some(r),
                (true, _) => return Err(Error::rule(tr!("allocate-force-needs-reason"))),
                (false, _) => None,
            };
            let mut ledger = ctx.open()?;
            let voucher = ledger.write_bulk(&ctx.operator, |w| {
                workflow::post(w, run, today(), date, force_reason.as_deref())
            })?;
            let record = ledger.run(run)?;
            outln!(
                "{}",
                tr!(
                    "allocate-posted",
                    run = run,
                    voucher = &voucher,
                    amount = record.pool.grouped(),
                    fund = &record.fund
                )
            );
            Ok(0)
        }
        Command::Reverse { run, reason, date } => {
            let mut ledger = ctx.open()?;
            let (new_run, voucher) = ledger.write(&ctx.operator, |w| {
                workflow::reverse(w, run, &reason, date.unwrap_or_else(today))
            })?;
            outln!(
                "{}",
                tr!(
                    "allocate-reversed",
                    run = run,
                    new_run = new_run,
                    voucher = &voucher
                )
            );
            Ok(0)
        }
        Command::List { output } => {
            let lang = output.lang;
            let output = output.resolve()?;
            let ledger = ctx.open()?;
            output.emit(&runs_document(&ledger.runs()?, lang))?;
            Ok(0)
        }
    }
}

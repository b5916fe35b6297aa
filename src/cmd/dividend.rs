use chrono::NaiveDate;
use townledger::error::Result;
use townledger::funds::dividend::{record_dividend, report, NewDividend};
use townledger::funds::project::parse_money;

use super::{emit, parse_date, Context, OutputArgs};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Record a dividend (or rent) from a project: land rent and upkeep are paid from it first.
    Record(RecordArgs),
    /// Expected against received income per project and year.
    Report(ReportArgs),
}

#[derive(clap::Args, Debug)]
pub struct RecordArgs {
    /// The project id (see `project list`).
    pub project: String,
    /// The day the dividend was received (YYYY-MM-DD or YYYY/MM/DD).
    #[arg(long, value_parser = parse_date)]
    pub date: NaiveDate,
    /// The gross dividend, yuan.
    #[arg(long)]
    pub amount: String,
    /// Land rent paid out of it, yuan.
    #[arg(long, default_value = "0")]
    pub rent: String,
    /// Upkeep (运维) paid out of it, yuan.
    #[arg(long, default_value = "0")]
    pub upkeep: String,
    /// The asset account the rest is paid into (default 资产:银行存款:基本户).
    #[arg(long)]
    pub to: Option<String>,
    /// The transaction's memo (default "<name> <year>年分红").
    #[arg(long)]
    pub memo: Option<String>,
    /// The year the income belongs to (default: the date's year).
    #[arg(long)]
    pub year: Option<i32>,
    /// Set the excess over the project's expected income (超额分红) aside into this fund (储备金).
    #[arg(long)]
    pub excess_to: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// Only this year (default: every year with dividends).
    #[arg(long)]
    pub year: Option<i32>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(ctx: &Context, command: Command) -> Result<i32> {
    match command {
        Command::Record(args) => {
            let new = NewDividend {
                project: args.project,
                date: args.date,
                amount: parse_money("--amount", &args.amount)?,
                rent: parse_money("--rent", &args.rent)?,
                upkeep: parse_money("--upkeep", &args.upkeep)?,
                to: args.to,
                memo: args.memo,
                year: args.year,
                excess_to: args.excess_to,
            };
            let mut ledger = ctx.open()?;
            let recorded = ledger.write(&ctx.operator, |w| record_dividend(w, &new))?;
            for line in recorded.lines() {
                outln!("{line}");
            }
            Ok(0)
        }
        Command::Report(args) => {
            let ledger = ctx.open()?;
            let doc = report(&ledger, args.year)?.document(args.output.lang);
            emit(&doc, &args.output)?;
            Ok(0)
        }
    }
}

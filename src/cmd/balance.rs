use chrono::NaiveDate;
use townledger::error::{Error, Result};
use townledger::render::Format;
use townledger::report::balance::{balance, BalanceQuery};

use super::{parse_date, Context, OutputArgs};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Balances at the end of this day (same as --to).
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Only postings on or after this day.
    #[arg(long, value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    /// Only postings on or before this day.
    #[arg(long, value_parser = parse_date)]
    pub to: Option<NaiveDate>,
    /// Show this many account levels; deeper balances roll up.
    #[arg(long)]
    pub depth: Option<usize>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(ctx: &Context, args: Args) -> Result<i32> {
    if args.as_of.is_some() && args.to.is_some() {
        return Err(Error::rule(townledger::tr!("balance-as-of-and-to")));
    }
    if args.depth == Some(0) {
        return Err(Error::rule(townledger::tr!("balance-depth-zero")));
    }
    let output = args.output.resolve()?;
    let ledger = ctx.open()?;
    let report = balance(
        &ledger,
        &BalanceQuery {
            from: args.from,
            to: args.to.or(args.as_of),
            depth: args.depth,
        },
    )?;
    let mut doc = match output.format {
        Format::Csv | Format::Json => report.flat_document(args.output.lang),
        _ => report.tree_document(args.output.lang),
    };
    // Printed forms carry the ledger's head (CSV and JSON leave footers out).
    doc.footer = Some(townledger::report::ledger_footer(
        &ledger,
        args.output.lang,
    )?);
    output.emit(&doc)?;
    Ok(0)
}

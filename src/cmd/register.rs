use chrono::NaiveDate;
use townledger::error::Result;
use townledger::report::register::register;

use super::{emit, parse_date, Context, OutputArgs};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Account name or code; its sub-accounts are included.
    pub account: String,
    #[arg(long, value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    #[arg(long, value_parser = parse_date)]
    pub to: Option<NaiveDate>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(ctx: &Context, args: Args) -> Result<i32> {
    let ledger = ctx.open()?;
    let report = register(&ledger, &args.account, args.from, args.to)?;
    let mut doc = report.document(args.output.lang);
    doc.footer = Some(townledger::report::ledger_footer(
        &ledger,
        args.output.lang,
    )?);
    emit(&doc, &args.output)?;
    Ok(0)
}

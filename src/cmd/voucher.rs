use townledger::error::Result;
use townledger::report::voucher::voucher;

use super::{emit, Context, OutputArgs};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The voucher: the ledger's number (2024-03-0002) or the clerk's own (记-002, its txn_id
    /// in the imported file).
    pub voucher: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(ctx: &Context, args: Args) -> Result<i32> {
    let ledger = ctx.open()?;
    let mut doc = voucher(&ledger, &args.voucher, args.output.lang)?;
    doc.footer = Some(townledger::report::ledger_footer(
        &ledger,
        args.output.lang,
    )?);
    emit(&doc, &args.output)?;
    Ok(0)
}

use chrono::NaiveDate;
use townledger::error::Result;
use townledger::reversal::reverse_voucher;

use super::{parse_date, Context};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The voucher to reverse: the ledger's number (2024-12-0007) or the clerk's own (记-002,
    /// its txn_id in the imported file).
    pub voucher: String,
    /// Why (kept with the reversal).
    #[arg(long)]
    pub reason: String,
    /// Date of the reversal; today if omitted.
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
}

pub fn run(ctx: &Context, args: Args) -> Result<i32> {
    let mut ledger = ctx.open()?;
    let date = args
        .date
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let reversal = ledger.write(&ctx.operator, |w| {
        reverse_voucher(w, &args.voucher, &args.reason, date)
    })?;
    let named = args.voucher.trim();
    if named == reversal.original {
        outln!(
            "{}",
            townledger::tr!(
                "reverse-done",
                voucher = named,
                reversal = &reversal.voucher,
                date = date
            )
        );
    } else {
        outln!(
            "{}",
            townledger::tr!(
                "reverse-done-named",
                voucher = named,
                original = &reversal.original,
                reversal = &reversal.voucher,
                date = date
            )
        );
    }
    for note in &reversal.notes {
        outln!("{note}");
    }
    Ok(0)
}

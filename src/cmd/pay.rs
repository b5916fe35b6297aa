use std::path::PathBuf;

use chrono::NaiveDate;
use townledger::allocate::run::pay;
use townledger::error::Result;

use super::{parse_date, Context};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The allocation run to pay.
    pub run: i64,
    /// Payment date (default today).
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// The bank account paid from.
    #[arg(long, default_value = "资产:银行存款:基本户")]
    pub from: String,
    /// The bank's payment result file (CSV: household_id,amount,status[,ref,reason]); only
    /// successful lines are paid, failures stay payable.
    #[arg(long, visible_alias = "file")]
    pub bank_file: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: Args) -> Result<i32> {
    let date = args
        .date
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut ledger = ctx.open()?;
    let summary = ledger.write_bulk(&ctx.operator, |w| {
        pay(w, args.run, date, &args.from, args.bank_file.as_deref())
    })?;
    match &summary.voucher {
        Some(v) => outln!(
            "{}",
            townledger::tr!(
                "pay-paid",
                run = args.run,
                households = summary.paid.len(),
                amount = summary.total().grouped(),
                from = &args.from,
                voucher = v,
                date = date
            )
        ),
        None => outln!("{}", townledger::tr!("pay-nothing", run = args.run)),
    }
    if !summary.unpaid.is_empty() {
        outln!(
            "{}",
            townledger::tr!("pay-still-payable", count = summary.unpaid.len())
        );
        for (household, amount, why) in &summary.unpaid {
            outln!("  {household}  {}  {why}", amount.grouped());
        }
        return Ok(1);
    }
    Ok(0)
}

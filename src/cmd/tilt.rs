use chrono::NaiveDate;
use townledger::error::{Error, Result};
use townledger::funds::project::{parse_money, parse_rate};
use townledger::funds::tilt::{tilt, TiltRequest};

use super::{parse_date, Context};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The year whose project income is tilted.
    #[arg(long)]
    pub year: i32,
    /// Share of each project's net income set aside: 0.10–0.12 (or 10%–12%).
    #[arg(long)]
    pub share: String,
    /// Only this project (repeat for several); default every project with a dividend in the year.
    #[arg(long = "project", value_name = "ID")]
    pub projects: Vec<String>,
    /// A contribution from the 6·30 fund into the dynamic-assistance fund, yuan.
    #[arg(long = "from-630", value_name = "AMOUNT")]
    pub from_630: Option<String>,
    /// The tilt's date (default: December 31 of the year).
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// Allow a share outside 0.10–0.12 (needs --reason).
    #[arg(long = "override")]
    pub override_range: bool,
    /// Why the share is overridden (kept with the tilt).
    #[arg(long)]
    pub reason: Option<String>,
}

pub fn run(ctx: &Context, args: Args) -> Result<i32> {
    let request = TiltRequest {
        year: args.year,
        share: parse_rate(&args.share).map_err(|e| {
            Error::rule(townledger::tr!(
                "option-refused",
                option = "--share",
                reason = e.to_string()
            ))
        })?,
        projects: args.projects,
        from_630: args
            .from_630
            .as_deref()
            .map(|a| parse_money("--from-630", a))
            .transpose()?,
        date: args.date,
        override_range: args.override_range,
        reason: args.reason,
    };
    let mut ledger = ctx.open()?;
    let outcome = ledger.write(&ctx.operator, |w| tilt(w, &request))?;
    for line in outcome.lines() {
        outln!("{line}");
    }
    Ok(0)
}

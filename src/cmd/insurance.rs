use chrono::NaiveDate;
use townledger::error::Result;
use townledger::funds::insurance::{
    claim, enroll, parse_categories, pay_claims, pay_premium, Enrolment, NewClaim,
};
use townledger::funds::project::parse_money;
use townledger::report::insurance::insurance_document;

use super::{emit, parse_date, Context, OutputArgs};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Build a year's roster from the household register and its premium.
    Enroll(EnrollArgs),
    /// Pay a year's premium to the insurer from a fund.
    PayPremium(PayPremiumArgs),
    /// Receive a claim the insurer pays for a household (its payable; --paid passes it on).
    Claim(ClaimArgs),
    /// Pass every claim received and not yet paid on to its household.
    PayClaims(PayClaimsArgs),
    /// A year's roster, premium and claims.
    Show(ShowArgs),
}

#[derive(clap::Args, Debug)]
pub struct EnrollArgs {
    /// The insurance year.
    #[arg(long)]
    pub year: i32,
    /// The premium per insured person, yuan.
    #[arg(long)]
    pub per_member: String,
    /// The insurance company (the payee of the premium).
    #[arg(long)]
    pub insurer: String,
    /// The categories insured: unstable, marginal, sudden, watch (or their Chinese names).
    #[arg(long, default_value = "unstable,marginal,sudden")]
    pub categories: String,
    /// The day the register is read on (default January 1 of the year).
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
}

#[derive(clap::Args, Debug)]
pub struct PayPremiumArgs {
    /// The insurance year.
    pub year: i32,
    /// The day it is paid.
    #[arg(long, value_parser = parse_date)]
    pub date: NaiveDate,
    /// The fund that pays it (631, 630, dynamic …).
    #[arg(long)]
    pub from: String,
}

#[derive(clap::Args, Debug)]
pub struct ClaimArgs {
    /// The insured household.
    #[arg(long)]
    pub household: String,
    /// Yuan, exact to the fen.
    #[arg(long)]
    pub amount: String,
    /// Why (意外, 因病, 因灾 …).
    #[arg(long)]
    pub cause: String,
    /// The day the insurer paid it.
    #[arg(long, value_parser = parse_date)]
    pub date: NaiveDate,
    /// The roster's year (default the date's year).
    #[arg(long)]
    pub year: Option<i32>,
    /// Pass it on to the household's card at once.
    #[arg(long)]
    pub paid: bool,
}

#[derive(clap::Args, Debug)]
pub struct PayClaimsArgs {
    /// The day they are paid.
    #[arg(long, value_parser = parse_date)]
    pub date: NaiveDate,
    /// Only the claims of this year's roster.
    #[arg(long)]
    pub year: Option<i32>,
}

#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    /// The insurance year.
    pub year: i32,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub fn run(ctx: &Context, command: Command) -> Result<i32> {
    match command {
        Command::Enroll(args) => {
            let e = Enrolment {
                year: args.year,
                per_member: parse_money("--per-member", &args.per_member)?,
                insurer: args.insurer,
                categories: parse_categories(&args.categories)?,
                date: args.date,
            };
            let mut ledger = ctx.open()?;
            let roster = ledger.write(&ctx.operator, |w| enroll(w, &e))?;
            outln!(
                "{}",
                townledger::tr!(
                    "insurance-enrolled",
                    year = roster.year,
                    households = roster.households,
                    persons = roster.persons,
                    rate = roster.per_member.grouped(),
                    premium = roster.premium.grouped(),
                    insurer = roster.insurer.as_str()
                )
            );
            Ok(0)
        }
        Command::PayPremium(args) => {
            let mut ledger = ctx.open()?;
            let voucher = ledger.write(&ctx.operator, |w| {
                pay_premium(w, args.year, args.date, &args.from)
            })?;
            outln!("{voucher}");
            Ok(0)
        }
        Command::Claim(args) => {
            let c = NewClaim {
                household: args.household,
                amount: parse_money("--amount", &args.amount)?,
                cause: args.cause,
                date: args.date,
                year: args.year,
                pay: args.paid,
            };
            let mut ledger = ctx.open()?;
            let (id, vouchers) = ledger.write(&ctx.operator, |w| claim(w, &c))?;
            outln!(
                "{}",
                townledger::tr!(
                    "insurance-claimed",
                    claim = id,
                    vouchers = vouchers.join(", ")
                )
            );
            Ok(0)
        }
        Command::PayClaims(args) => {
            let mut ledger = ctx.open()?;
            let paid = ledger.write(&ctx.operator, |w| pay_claims(w, args.date, args.year))?;
            for (id, voucher) in paid {
                outln!(
                    "{}",
                    townledger::tr!(
                        "insurance-claim-passed",
                        claim = id,
                        voucher = voucher.as_str()
                    )
                );
            }
            Ok(0)
        }
        Command::Show(args) => {
            let ledger = ctx.open()?;
            let mut doc = insurance_document(&ledger, args.year, args.out.lang)?;
            doc.footer = Some(townledger::report::ledger_footer(&ledger, args.out.lang)?);
            emit(&doc, &args.out)?;
            Ok(0)
        }
    }
}

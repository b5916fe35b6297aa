use townledger::error::Result;
use townledger::period::{close_with, reopen};
use townledger::report::period_list::period_list;

use super::{emit, Context, OutputArgs};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Close the books through a month (YYYY-MM) after checking them: nothing may then be
    /// posted or reversed dated in it or before.
    Close(CloseArgs),
    /// Reopen a closed month (and every later one), with a reason, by someone who did not
    /// close it.
    Reopen(ReopenArgs),
    /// Every close and reopen, and the months closed now.
    List(#[command(flatten)] OutputArgs),
}

#[derive(clap::Args, Debug)]
pub struct CloseArgs {
    /// The month, YYYY-MM.
    pub month: String,
    /// Who closes the books (default: the operator).
    #[arg(long)]
    pub by: Option<String>,
    /// Close although a bank account's statements for the months are missing or not
    /// reconciled and locked (with --reason).
    #[arg(long, requires = "reason")]
    pub force: bool,
    /// Why the books are closed by force (kept with the close).
    #[arg(long, requires = "force")]
    pub reason: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct ReopenArgs {
    /// The month, YYYY-MM.
    pub month: String,
    /// Why the month is reopened.
    #[arg(long)]
    pub reason: String,
    /// Who reopens it (default: the operator); not whoever closed it.
    #[arg(long)]
    pub by: Option<String>,
}

pub fn run(ctx: &Context, command: Command) -> Result<i32> {
    match command {
        Command::Close(args) => {
            let mut ledger = ctx.open()?;
            let person = args.by.unwrap_or_else(|| ctx.operator.clone());
            let outcome = close_with(
                &mut ledger,
                &args.month,
                &person,
                &ctx.operator,
                args.reason.as_deref().filter(|_| args.force),
            )?;
            for (run, amount, households) in &outcome.unpaid_runs {
                outln!(
                    "{}",
                    townledger::tr!(
                        "period-unpaid-run",
                        run = *run,
                        amount = amount.grouped(),
                        households = *households
                    )
                );
            }
            let done = match &outcome.since {
                Some(since) => townledger::tr!(
                    "period-closed-done-since",
                    month = outcome.month.as_str(),
                    transactions = outcome.transactions,
                    since = since.as_str()
                ),
                None => townledger::tr!(
                    "period-closed-done",
                    month = outcome.month.as_str(),
                    transactions = outcome.transactions
                ),
            };
            outln!("{done}");
            Ok(0)
        }
        Command::Reopen(args) => {
            let mut ledger = ctx.open()?;
            let person = args.by.unwrap_or_else(|| ctx.operator.clone());
            let month = reopen(
                &mut ledger,
                &args.month,
                &args.reason,
                &person,
                &ctx.operator,
            )?;
            outln!(
                "{}",
                townledger::tr!("period-reopened", month = month.as_str())
            );
            Ok(0)
        }
        Command::List(out) => {
            let ledger = ctx.open()?;
            let mut doc = period_list(&ledger, out.lang)?;
            doc.footer = Some(townledger::report::ledger_footer(&ledger, out.lang)?);
            emit(&doc, &out)?;
            Ok(0)
        }
    }
}

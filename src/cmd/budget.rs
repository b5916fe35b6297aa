use std::path::PathBuf;

use townledger::error::Result;
use townledger::funds::budget::{import_budgets, set_budget};
use townledger::funds::project::parse_money;
use townledger::import::budgets::BudgetRow;
use townledger::import::Encoding;
use townledger::report::budget_list::budget_list;

use super::{emit, Context, OutputArgs};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Set a fund's budget for a year and purpose (again: the amount is replaced).
    Set(SetArgs),
    /// Set the budget lines of a file (fund, year, purpose, amount); all or nothing.
    Import(ImportArgs),
    /// The budget lines set, with when and by whom.
    List(ListArgs),
}

#[derive(clap::Args, Debug)]
pub struct SetArgs {
    /// The fund (631, 630, 储备金 …).
    pub fund: String,
    /// The fund's year.
    #[arg(long)]
    pub year: i32,
    /// What the money is for (就业补贴 …), as funds.toml allows.
    #[arg(long)]
    pub purpose: String,
    /// Yuan, exact to the fen.
    #[arg(long)]
    pub amount: String,
}

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The budget file (.csv or .xlsx).
    pub file: PathBuf,
    /// utf-8 or gbk for CSV; detected when omitted.
    #[arg(long, default_value = "auto")]
    pub encoding: Encoding,
}

#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// Only this fund's budget.
    #[arg(long)]
    pub fund: Option<String>,
    /// Only this year's.
    #[arg(long)]
    pub year: Option<i32>,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub fn run(ctx: &Context, command: Command) -> Result<i32> {
    match command {
        Command::Set(args) => {
            let row = BudgetRow {
                fund: args.fund,
                year: args.year,
                purpose: args.purpose,
                amount: parse_money("--amount", &args.amount)?,
            };
            let mut ledger = ctx.open()?;
            let set = ledger.write(&ctx.operator, |w| set_budget(w, &row))?;
            outln!("{}", set.line());
            Ok(0)
        }
        Command::Import(args) => {
            let mut ledger = ctx.open()?;
            let set = ledger.write(&ctx.operator, |w| {
                import_budgets(w, &args.file, args.encoding)
            })?;
            outln!(
                "{}",
                townledger::tr!(
                    "budget-imported",
                    count = set.len(),
                    file = args.file.display()
                )
            );
            for s in &set {
                outln!("  {}", s.line());
            }
            Ok(0)
        }
        Command::List(args) => {
            let ledger = ctx.open()?;
            let mut doc = budget_list(&ledger, args.fund.as_deref(), args.year, args.out.lang)?;
            doc.footer = Some(townledger::report::ledger_footer(&ledger, args.out.lang)?);
            emit(&doc, &args.out)?;
            Ok(0)
        }
    }
}

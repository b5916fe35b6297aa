use townledger::error::Result;
use townledger::funds::registry::{add_fund, FundKind, NewFund};
use townledger::report::fund_list::fund_list;

use super::{emit, Context, OutputArgs};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Every fund: what it holds, its account, the bank account that holds its money.
    List(#[command(flatten)] OutputArgs),
    /// Register a fund (its accounts are created when missing).
    Add(AddArgs),
}

#[derive(clap::Args, Debug)]
pub struct AddArgs {
    /// The fund's id, one word (助学基金); commands name the fund by it.
    pub id: String,
    /// Its liability account, under 负债:专项应付款 (负债:专项应付款:助学基金).
    #[arg(long)]
    pub account: String,
    /// The bank account that holds its money, under 资产:银行存款 (a 专户, or the 基本户).
    #[arg(long)]
    pub bank: String,
    /// What it is: dynamic, 631, donation, reserve, insurance or other.
    #[arg(long, default_value = "other")]
    pub kind: FundKind,
    /// Its full name; the id if omitted.
    #[arg(long)]
    pub name: Option<String>,
    /// Another name commands may use for it (repeatable).
    #[arg(long = "alias")]
    pub aliases: Vec<String>,
}

pub fn run(ctx: &Context, command: Command) -> Result<i32> {
    match command {
        Command::List(out) => {
            let ledger = ctx.open()?;
            let mut doc = fund_list(&ledger, out.lang)?;
            doc.footer = Some(townledger::report::ledger_footer(&ledger, out.lang)?);
            emit(&doc, &out)?;
            Ok(0)
        }
        Command::Add(args) => {
            let new = NewFund {
                id: args.id,
                name: args.name,
                account: args.account,
                bank: args.bank,
                kind: args.kind,
                aliases: args.aliases,
            };
            let mut ledger = ctx.open()?;
            let fund = ledger.write(&ctx.operator, |w| add_fund(w, &new))?;
            outln!(
                "{}",
                townledger::tr!(
                    "fund-added",
                    id = fund.id.as_str(),
                    name = fund.name.as_str(),
                    kind = fund.kind.as_str(),
                    account = fund.account.as_str(),
                    bank = fund.bank.as_str()
                )
            );
            Ok(0)
        }
    }
}

use std::path::PathBuf;

use chrono::NaiveDate;
use townledger::error::{Error, Result};
use townledger::funds::flow::{contribute, spend, Contribution, Spend};
use townledger::funds::project::parse_money;
use townledger::funds::registry::{add_fund, FundKind, NewFund};
use townledger::funds::rules::FundRules;
use townledger::funds::statement::By;
use townledger::report::fund_list::fund_list;
use townledger::report::fund_show::fund_show;
use townledger::report::fund_statement::{fund_statement, StatementQuery};

use super::{emit, parse_date, Context, OutputArgs};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Every fund: what it holds, its account, the bank account that holds its money.
    List(#[command(flatten)] OutputArgs),
    /// Register a fund (its accounts are created when missing).
    Add(AddArgs),
    /// The funds' rules (funds.toml): load a file, or show the rules in force.
    Rules(RulesArgs),
    /// Money into a fund: a 631 transfer from its source, a 6·30 gift from its donor.
    Contribute(ContributeArgs),
    /// Money out of a fund, for a purpose.
    Spend(SpendArgs),
    /// One fund's year: receipts by source or donor, payments by purpose, restricted money.
    Show(ShowArgs),
    /// The fund statement 资金收支明细表 of any period, by month, quarter or year, against
    /// the budget.
    Statement(StatementArgs),
}

#[derive(clap::Args, Debug)]
pub struct StatementArgs {
    /// The fund (631, 630, 储备金 …).
    pub fund: String,
    /// The fund's year (the 6·30 fund's runs June to May); or --from and --to.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub year: Option<i32>,
    /// The first day of the period.
    #[arg(long, value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    /// The last day of the period.
    #[arg(long, value_parser = parse_date)]
    pub to: Option<NaiveDate>,
    /// One row per month, quarter or year.
    #[arg(long, value_parser = parse_by)]
    pub by: Option<By>,
    /// Each purpose's spending against its budget for the year, with the share used.
    #[arg(long)]
    pub budget: bool,
    #[command(flatten)]
    pub out: OutputArgs,
}

fn parse_by(s: &str) -> std::result::Result<By, String> {
    s.parse()
}

#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    /// The rules file to load (funds.toml); without it, the rules in force are shown.
    pub file: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct ContributeArgs {
    /// The fund (631, 630, 储备金 …).
    pub fund: String,
    /// Where the money comes from (631: 省级, 帮扶市, 本市 …).
    #[arg(long)]
    pub source: Option<String>,
    /// Who gave it (a 6·30 gift).
    #[arg(long)]
    pub donor: Option<String>,
    /// The purpose a gift is restricted to (定向); without it, unrestricted.
    #[arg(long)]
    pub restricted: Option<String>,
    /// Yuan, exact to the fen.
    #[arg(long)]
    pub amount: String,
    /// The day the money arrived (default today).
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// The voucher's description (default: the fund, the source or donor).
    #[arg(long)]
    pub memo: Option<String>,
    /// An outside reference: the bank's serial number.
    #[arg(long = "ref")]
    pub reference: Option<String>,
    /// A gift in kind (goods) at its value: kept on 资产:受赠物资, never as cash.
    #[arg(long)]
    pub in_kind: bool,
}

#[derive(clap::Args, Debug)]
pub struct SpendArgs {
    /// The fund (631, 630, 储备金 …).
    pub fund: String,
    /// What the money is spent on (就业补贴, 助学 …), as funds.toml allows.
    #[arg(long)]
    pub purpose: String,
    /// The household paid.
    #[arg(long)]
    pub household: Option<String>,
    /// The project the money goes to.
    #[arg(long)]
    pub project: Option<String>,
    /// Yuan, exact to the fen.
    #[arg(long)]
    pub amount: String,
    /// The day it is paid (default today).
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// The voucher's description (default: the fund, the purpose, the household).
    #[arg(long)]
    pub memo: Option<String>,
    /// An outside reference: the bank's serial number.
    #[arg(long = "ref")]
    pub reference: Option<String>,
    /// The account credited instead of the fund's bank account (a payable, paid later).
    #[arg(long)]
    pub to: Option<String>,
    /// Goods given in kind handed out: 资产:受赠物资 is credited, not the bank.
    #[arg(long, conflicts_with = "to")]
    pub in_kind: bool,
}

#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    /// The fund (631, 630, 储备金 …).
    pub fund: String,
    /// The year (a fund with a campaign year, as 6·30, shows that year: June to May).
    #[arg(long)]
    pub year: Option<i32>,
    #[command(flatten)]
    pub out: OutputArgs,
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
        Command::Rules(args) => rules(ctx, args),
        Command::Contribute(args) => {
            let c = Contribution {
                fund: args.fund,
                source: args.source,
                donor: args.donor,
                restricted: args.restricted,
                amount: parse_money("--amount", &args.amount)?,
                date: args.date,
                memo: args.memo,
                reference: args.reference,
                in_kind: args.in_kind,
            };
            let mut ledger = ctx.open()?;
            let voucher = ledger.write(&ctx.operator, |w| contribute(w, &c))?;
            outln!("{voucher}");
            Ok(0)
        }
        Command::Spend(args) => {
            let s = Spend {
                fund: args.fund,
                purpose: args.purpose,
                household: args.household,
                project: args.project,
                amount: parse_money("--amount", &args.amount)?,
                date: args.date,
                memo: args.memo,
                reference: args.reference,
                to: args.to,
                in_kind: args.in_kind,
            };
            let mut ledger = ctx.open()?;
            let voucher = ledger.write(&ctx.operator, |w| spend(w, &s))?;
            outln!("{voucher}");
            Ok(0)
        }
        Command::Statement(args) => {
            let ledger = ctx.open()?;
            let query = StatementQuery {
                fund: args.fund,
                year: args.year,
                from: args.from,
                to: args.to,
                by: args.by,
                budget: args.budget,
            };
            let mut doc = fund_statement(&ledger, &query, args.out.lang)?;
            doc.footer = Some(townledger::report::ledger_footer(&ledger, args.out.lang)?);
            emit(&doc, &args.out)?;
            Ok(0)
        }
        Command::Show(args) => {
            let ledger = ctx.open()?;
            let mut doc = fund_show(&ledger, &args.fund, args.year, args.out.lang)?;
            doc.footer = Some(townledger::report::ledger_footer(&ledger, args.out.lang)?);
            emit(&doc, &args.out)?;
            Ok(0)
        }
    }
}

/// `fund rules [FILE]`: load a rules file (unless it is the one in force), or print the rules
/// in force with their origin and SHA-256.
fn rules(ctx: &Context, args: RulesArgs) -> Result<i32> {
    let mut ledger = ctx.open()?;
    let Some(path) = args.file else {
        let book = ledger.fund_book()?;
        match ledger.stored_fund_rules()? {
            Some(stored) => outln!(
                "# {} · v{} · sha256 {} · {} · {}",
                stored.source,
                stored.version,
                stored.sha256,
                stored.loaded_at,
                stored.operator
            ),
            None => outln!(
                "# {} · sha256 {}",
                townledger::tr!("rules-standard"),
                book.rules.sha256()
            ),
        }
        {
            use std::io::Write as _;
            write!(std::io::stdout().lock(), "{}", book.rules.text())
                .map_err(super::stdout_error)?;
        }
        return Ok(0);
    };
    let source = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let funds = ledger.funds()?;
    let rules = FundRules::from_toml_str(&text, &source, &funds)?;
    if let Some(stored) = ledger.stored_fund_rules()? {
        if stored.sha256 == rules.sha256() {
            outln!(
                "{}",
                townledger::tr!(
                    "rules-unchanged",
                    source = source.as_str(),
                    version = stored.version,
                    sha256 = stored.sha256.as_str()
                )
            );
            return Ok(0);
        }
    }
    let version = ledger.write(&ctx.operator, |w| w.load_fund_rules(&rules))?;
    outln!(
        "{}",
        townledger::tr!(
            "rules-loaded",
            source = source.as_str(),
            version = version,
            sha256 = rules.sha256()
        )
    );
    Ok(0)
}

use townledger::error::{Error, Result};
use townledger::reconcile::position::position;
use townledger::reconcile::workflow::{lock, match_by_hand, reconcile, unlock, unmatch};
use townledger::reconcile::{statement_named, DEFAULT_WINDOW_DAYS};
use townledger::report::reconciliation::reconciliation_document;
use townledger::store::Ledger;
use townledger::tr;

use super::{emit, Context, OutputArgs};

#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,
    /// The bank account in the books (资产:银行存款:储备金专户).
    #[arg(required = true)]
    pub account: Option<String>,
    /// The statement (2024-09); default the latest.
    #[arg(long)]
    pub statement: Option<String>,
    /// How many days apart a bank line and its voucher may be dated.
    #[arg(long, default_value_t = DEFAULT_WINDOW_DAYS)]
    pub window: i64,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Match bank lines with vouchers by hand: the amounts must agree to the fen.
    Match(MatchArgs),
    /// Undo the match of a bank line (or of a voucher).
    Unmatch(UnmatchArgs),
    /// The 银行存款余额调节表 of a statement (text, CSV, JSON, XLSX or PDF).
    Report(ReportArgs),
    /// Lock a reconciled statement: its matches stay, its vouchers cannot be reversed.
    Lock(LockArgs),
    /// Unlock a locked statement, with a reason.
    Unlock(UnlockArgs),
}

#[derive(clap::Args, Debug)]
pub struct MatchArgs {
    /// The bank account in the books.
    pub account: String,
    /// A bank line (its number in `reconcile`'s list); repeat for several.
    #[arg(long = "bank-line")]
    pub bank_line: Vec<i64>,
    /// A voucher (the ledger's number or the clerk's own); repeat for several.
    #[arg(long)]
    pub voucher: Vec<String>,
}

#[derive(clap::Args, Debug)]
pub struct UnmatchArgs {
    /// The bank account in the books.
    pub account: String,
    /// The bank line whose match is undone.
    #[arg(long = "bank-line", required_unless_present = "voucher")]
    pub bank_line: Option<i64>,
    /// Or the voucher whose match is undone.
    #[arg(long, conflicts_with = "bank_line")]
    pub voucher: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// The bank account in the books.
    pub account: String,
    /// The statement (2024-09); default the latest.
    #[arg(long)]
    pub statement: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(clap::Args, Debug)]
pub struct LockArgs {
    /// The bank account in the books.
    pub account: String,
    /// The statement (2024-09).
    #[arg(long)]
    pub statement: String,
}

#[derive(clap::Args, Debug)]
pub struct UnlockArgs {
    /// The bank account in the books.
    pub account: String,
    /// The statement (2024-09).
    #[arg(long)]
    pub statement: String,
    /// Why it is unlocked.
    #[arg(long)]
    pub reason: String,
}

/// The account (id, name) a person names.
fn account_of(ledger: &Ledger, name: &str) -> Result<(i64, String)> {
    match ledger.account(name)? {
        Some(a) => Ok((a.id, a.name)),
        None => Err(Error::NotFound(tr!("account-unknown", name = name.trim()))),
    }
}

/// The statement named, or the account's latest.
fn statement_or_latest(ledger: &Ledger, account: &str, name: Option<&str>) -> Result<String> {
    townledger::reconcile::statement_or_latest(ledger, account, name)
}

pub fn run(ctx: &Context, args: Args) -> Result<i32> {
    let Some(action) = args.action else {
        let account = args.account.unwrap_or_default();
        let mut ledger = ctx.open()?;
        let statement = statement_or_latest(&ledger, &account, args.statement.as_deref())?;
        let outcome = ledger.write(&ctx.operator, |w| {
            reconcile(w, &account, &statement, args.window)
        })?;
        let mut doc =
            reconciliation_document(&outcome.position, Some(&outcome.made), args.out.lang)?;
        doc.footer = Some(townledger::report::ledger_footer(&ledger, args.out.lang)?);
        emit(&doc, &args.out)?;
        return Ok(0);
    };
    match action {
        Action::Match(a) => {
            let mut ledger = ctx.open()?;
            let id = ledger.write(&ctx.operator, |w| {
                match_by_hand(w, &a.account, &a.bank_line, &a.voucher)
            })?;
            outln!("{}", tr!("reconcile-matched", id = id));
            Ok(0)
        }
        Action::Unmatch(a) => {
            let mut ledger = ctx.open()?;
            let id = ledger.write(&ctx.operator, |w| {
                unmatch(w, &a.account, a.bank_line, a.voucher.as_deref())
            })?;
            outln!("{}", tr!("reconcile-unmatched", id = id));
            Ok(0)
        }
        Action::Report(a) => {
            let ledger = ctx.open()?;
            let name = statement_or_latest(&ledger, &a.account, a.statement.as_deref())?;
            let (id, full) = account_of(&ledger, &a.account)?;
            let statement = statement_named(&ledger, (id, &full), &name)?;
            let position = position(&ledger, (id, &full), &statement)?;
            let mut doc = reconciliation_document(&position, None, a.out.lang)?;
            doc.footer = Some(townledger::report::ledger_footer(&ledger, a.out.lang)?);
            emit(&doc, &a.out)?;
            Ok(0)
        }
        Action::Lock(a) => {
            let mut ledger = ctx.open()?;
            let position = ledger.write(&ctx.operator, |w| lock(w, &a.account, &a.statement))?;
            outln!(
                "{}",
                tr!(
                    "reconcile-locked-done",
                    statement = position.statement.name.as_str(),
                    account = position.account.as_str(),
                    balance = position.bank_balance.grouped()
                )
            );
            Ok(0)
        }
        Action::Unlock(a) => {
            let mut ledger = ctx.open()?;
            ledger.write(&ctx.operator, |w| {
                unlock(w, &a.account, &a.statement, &a.reason)
            })?;
            outln!(
                "{}",
                tr!("reconcile-unlocked", statement = a.statement.trim())
            );
            Ok(0)
        }
    }
}

use std::path::PathBuf;

use sha2::{Digest, Sha256};
use townledger::error::{Error, Result};
use townledger::funds::project::parse_money;
use townledger::import::Encoding;
use townledger::reconcile::import::import_statement;
use townledger::reconcile::statement_file::{read_statement, ColumnMapping};
use townledger::report::reconciliation::statements_document;
use townledger::tr;

use super::{emit, Context, OutputArgs};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Import the bank's own statement of an account (CSV in GBK or UTF-8, or a workbook, as
    /// the bank exports it); all or nothing.
    Import(ImportArgs),
    /// Each statement of an account: period, opening and closing balance, lines, matched.
    Statements(StatementsArgs),
}

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The bank account in the books (资产:银行存款:储备金专户).
    pub account: String,
    /// The bank's statement file.
    pub file: PathBuf,
    /// The statement's name (default its month, 2024-09).
    #[arg(long)]
    pub name: Option<String>,
    /// A column mapping (TOML) for a layout the built-in ones miss.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// utf-8 or gbk; detected when omitted.
    #[arg(long)]
    pub encoding: Option<Encoding>,
    /// The opening balance, for a file without a balance column.
    #[arg(long)]
    pub opening: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct StatementsArgs {
    /// The bank account in the books.
    pub account: String,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub fn run(ctx: &Context, command: Command) -> Result<i32> {
    match command {
        Command::Import(args) => {
            let mapping = args
                .mapping
                .as_deref()
                .map(ColumnMapping::load)
                .transpose()?;
            let opening = args
                .opening
                .as_deref()
                .map(|o| parse_money("--opening", o))
                .transpose()?;
            let bytes = std::fs::read(&args.file).map_err(|e| Error::io(&args.file, e))?;
            let sha256 = hex::encode(Sha256::digest(&bytes));
            let file = read_statement(
                &args.file,
                args.encoding.unwrap_or_default(),
                mapping.as_ref(),
            )?;
            let mut ledger = ctx.open()?;
            let done = ledger.write(&ctx.operator, |w| {
                import_statement(
                    w,
                    &args.account,
                    &file,
                    &sha256,
                    args.name.as_deref(),
                    opening,
                )
            })?;
            let key = if done.existed {
                "bank-imported-already"
            } else {
                "bank-imported"
            };
            outln!(
                "{}",
                tr!(
                    key,
                    statement = done.statement.as_str(),
                    account = done.account.as_str(),
                    from = done.from.to_string(),
                    to = done.to.to_string(),
                    added = done.added,
                    held = done.already_held,
                    opening = done.opening.grouped(),
                    closing = done.closing.grouped()
                )
            );
            Ok(0)
        }
        Command::Statements(args) => {
            let ledger = ctx.open()?;
            let Some(account) = ledger.account(&args.account)? else {
                return Err(Error::NotFound(tr!(
                    "account-unknown",
                    name = args.account.trim()
                )));
            };
            let mut doc = statements_document(&ledger, (account.id, &account.name), args.out.lang)?;
            doc.footer = Some(townledger::report::ledger_footer(&ledger, args.out.lang)?);
            emit(&doc, &args.out)?;
            Ok(0)
        }
    }
}

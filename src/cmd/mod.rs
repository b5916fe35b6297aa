//! One file per command; each parses its own arguments and calls the library.

mod accounts;
mod allocate;
mod balance;
mod bench;
mod demo;
mod dividend;
mod export;
mod households;
mod import;
mod init;
mod pay;
mod project;
mod register;
mod reverse;
mod statement;
mod tilt;
mod verify;

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use townledger::error::{Error, Result};
use townledger::render::{self, Format};
use townledger::report::document::{Document, Lang};
use townledger::store::Ledger;

#[derive(Parser, Debug)]
#[command(
    name = "townledger",
    version,
    about = "Double-entry ledger for anti-poverty-return funds (防返贫): dividends, tilted allocation, reserve fund, statements"
)]
pub struct Cli {
    /// The ledger file.
    #[arg(
        long,
        global = true,
        env = "TOWNLEDGER_LEDGER",
        default_value = "townledger.db"
    )]
    pub ledger: PathBuf,
    /// Who is posting (recorded on every transaction); defaults to the login name.
    #[arg(long, global = true, env = "TOWNLEDGER_OPERATOR")]
    pub operator: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a new ledger with the standard chart of accounts (财会〔2023〕14号).
    Init(init::Args),
    /// List or add accounts.
    #[command(subcommand)]
    Accounts(accounts::Command),
    /// Import data into the ledger (all or nothing).
    #[command(subcommand)]
    Import(import::Command),
    /// Trial balance: every account's balance with subtotals by level.
    Balance(balance::Args),
    /// Every posting of an account (and its sub-accounts) with a running balance.
    Register(register::Args),
    /// Write the whole journal for hledger, ledger-cli or Beancount.
    Export(export::Args),
    /// Post the mirror entry of a voucher, linked to it.
    Reverse(reverse::Args),
    /// Recompute the audit hash chain and every total; exit 0 only if nothing was altered.
    Verify(verify::Args),
    /// The household register: import (CSV/XLSX, with history), list, history.
    #[command(subcommand)]
    Households(households::Command),
    /// Allocation runs: plan, show, approve, notice, post, reverse, list.
    #[command(subcommand)]
    Allocate(allocate::Command),
    /// Pay a posted run's households from a bank account (or the bank's result file).
    Pay(pay::Args),
    /// Industry projects: add, list.
    #[command(subcommand)]
    Project(project::Command),
    /// Project dividends: record one, report expected against received.
    #[command(subcommand)]
    Dividend(dividend::Command),
    /// Set aside a share of the year's project income into the dynamic-assistance fund.
    Tilt(tilt::Args),
    /// Household statements as Chinese PDFs: one household, a village, or the whole town.
    #[command(subcommand)]
    Statement(statement::Command),
    /// Build the demo town's ledger from ledgers/demo/ and print its reports.
    Demo(demo::Args),
    /// Time import, balance and register on a generated town journal.
    Bench(bench::Args),
}

/// What every command gets: where the ledger is and who is working.
pub struct Context {
    pub ledger_path: PathBuf,
    pub operator: String,
}

impl Context {
    pub fn open(&self) -> Result<Ledger> {
        Ledger::open(&self.ledger_path)
    }
}

fn login_name() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}

pub fn run(cli: Cli) -> Result<i32> {
    let ctx = Context {
        ledger_path: cli.ledger,
        operator: cli
            .operator
            .filter(|o| !o.trim().is_empty())
            .unwrap_or_else(login_name),
    };
    match cli.command {
        Command::Init(args) => init::run(&ctx, args),
        Command::Accounts(c) => accounts::run(&ctx, c),
        Command::Import(c) => import::run(&ctx, c),
        Command::Balance(args) => balance::run(&ctx, args),
        Command::Register(args) => register::run(&ctx, args),
        Command::Export(args) => export::run(&ctx, args),
        Command::Reverse(args) => reverse::run(&ctx, args),
        Command::Verify(args) => verify::run(&ctx, args),
        Command::Households(c) => households::run(&ctx, c),
        Command::Allocate(c) => allocate::run(&ctx, c),
        Command::Pay(args) => pay::run(&ctx, args),
        Command::Project(c) => project::run(&ctx, c),
        Command::Dividend(c) => dividend::run(&ctx, c),
        Command::Tilt(args) => tilt::run(&ctx, args),
        Command::Statement(c) => statement::run(&ctx, c),
        Command::Demo(args) => demo::run(&ctx, args),
        Command::Bench(args) => bench::run(&ctx, args),
    }
}

/// Report output options shared by the reporting commands.
#[derive(clap::Args, Debug, Clone)]
pub struct OutputArgs {
    /// text, csv, json, xlsx or pdf.
    #[arg(long, default_value = "text")]
    pub format: Format,
    /// Language of headings: zh or en.
    #[arg(long, default_value = "zh", value_parser = parse_lang)]
    pub lang: Lang,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

pub fn parse_lang(s: &str) -> std::result::Result<Lang, String> {
    match s {
        "zh" | "cn" | "zh-CN" => Ok(Lang::Zh),
        "en" => Ok(Lang::En),
        _ => Err(format!("unknown language '{s}' (zh or en)")),
    }
}

pub fn parse_date(s: &str) -> std::result::Result<chrono::NaiveDate, String> {
    townledger::ledger::transaction::parse_date(s)
}

/// Render `doc` to the file or standard output chosen in `out`.
pub fn emit(doc: &Document, out: &OutputArgs) -> Result<()> {
    let options = render::RenderOptions::new(chrono::Local::now().fixed_offset());
    match &out.out {
        Some(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            let mut file = std::io::BufWriter::new(
                std::fs::File::create(path).map_err(|e| Error::io(path, e))?,
            );
            render::render(doc, out.format, &mut file, &options)?;
            file.flush().map_err(|e| Error::io(path, e))
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            render::render(doc, out.format, &mut lock, &options)?;
            lock.flush().map_err(|e| Error::io("<stdout>", e))
        }
    }
}

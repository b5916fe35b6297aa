//! One file per command; each parses its own arguments and calls the library.

/// `println!` that returns an error instead of panicking when standard output is closed
/// (`townledger verify | head -1`): `main` ends quietly on a broken pipe.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*).map_err($crate::cmd::stdout_error)?
    }};
}

mod accounts;
mod allocate;
mod balance;
mod bank;
mod bench;
mod budget;
mod checkpoint;
mod demo;
mod disclose;
mod dividend;
mod export;
mod fund;
mod grant;
pub mod help;
mod households;
mod import;
mod init;
mod insurance;
mod key;
mod pay;
mod period;
mod project;
mod reconcile;
mod register;
mod reverse;
mod serve;
mod simulate;
mod statement;
mod tilt;
mod user;
mod verify;
mod voucher;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use townledger::error::{Error, Result};
use townledger::render::{self, Font, Format};
use townledger::report::document::{Document, Lang};
use townledger::store::Ledger;
use townledger::tr;

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
    /// The language of messages and help: zh (default) or en; on the command line it also
    /// sets the language of the report printed.
    #[arg(long, global = true, env = "TOWNLEDGER_LANG", value_parser = parse_lang)]
    pub lang: Option<Lang>,
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
    /// Show one voucher (记账凭证), named by the ledger's number or the clerk's own.
    Voucher(voucher::Args),
    /// Recompute both audit chains, every total and every table; exit 0 only if nothing was altered.
    Verify(verify::Args),
    /// Sign the ledger's head with the office's key (kept outside the ledger).
    Checkpoint(checkpoint::Args),
    /// Signing keys for checkpoints.
    #[command(subcommand)]
    Key(key::Command),
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
    /// The funds the town runs: list, add, rules, contribute, spend, show, statement.
    #[command(subcommand)]
    Fund(fund::Command),
    /// Fund budgets by year and purpose: set, import, list.
    #[command(subcommand)]
    Budget(budget::Command),
    /// Anti-poverty insurance 防贫保: the year's roster, the premium to the insurer, claims.
    #[command(subcommand)]
    Insurance(insurance::Command),
    /// Closing the books 结账: close a month, reopen it, list what is closed.
    #[command(subcommand)]
    Period(period::Command),
    /// The bank's own statements: import one, list an account's.
    #[command(subcommand)]
    Bank(bank::Command),
    /// Bank reconciliation 银行对账: match the statement with the books, the 银行存款余额调节表,
    /// lock.
    Reconcile(reconcile::Args),
    /// Relief grants from the reserve fund through the three gates: apply, review, pay, list.
    #[command(subcommand)]
    Grant(grant::Command),
    /// Project dividends: record one, report expected against received.
    #[command(subcommand)]
    Dividend(dividend::Command),
    /// Set aside a share of the year's project income into the dynamic-assistance fund.
    Tilt(tilt::Args),
    /// Household statements as Chinese PDFs: one household, a village, or the whole town.
    #[command(subcommand)]
    Statement(statement::Command),
    /// The village-finance disclosure 村级财务公开表 of a quarter or a month: one village, or
    /// every village into a folder.
    Disclose(disclose::Args),
    /// Build the demo town's ledger from ledgers/demo/ and print its reports.
    Demo(demo::Args),
    /// Time import, balance and register on a generated town journal.
    Bench(bench::Args),
    /// The people who sign in to the web application: add, list, disable.
    #[command(subcommand)]
    User(user::Command),
    /// The web application on the ledger (http://127.0.0.1:8080 unless told otherwise).
    Serve(serve::Args),
    /// Random sequences of every command that writes, with failures injected, checking the
    /// books after every step; a failing seed replays the same run.
    Simulate(simulate::Args),
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
            .map(|o| o.trim().to_string())
            .filter(|o| !o.is_empty())
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
        Command::Voucher(args) => voucher::run(&ctx, args),
        Command::Verify(args) => verify::run(&ctx, args),
        Command::Checkpoint(args) => checkpoint::run(&ctx, args),
        Command::Key(c) => key::run(&ctx, c),
        Command::Households(c) => households::run(&ctx, c),
        Command::Allocate(c) => allocate::run(&ctx, c),
        Command::Pay(args) => pay::run(&ctx, args),
        Command::Project(c) => project::run(&ctx, c),
        Command::Dividend(c) => dividend::run(&ctx, c),
        Command::Fund(c) => fund::run(&ctx, c),
        Command::Budget(c) => budget::run(&ctx, c),
        Command::Insurance(c) => insurance::run(&ctx, c),
        Command::Period(c) => period::run(&ctx, c),
        Command::Grant(c) => grant::run(&ctx, c),
        Command::Bank(c) => bank::run(&ctx, c),
        Command::Reconcile(args) => reconcile::run(&ctx, args),
        Command::Tilt(args) => tilt::run(&ctx, args),
        Command::Statement(c) => statement::run(&ctx, c),
        Command::Disclose(args) => disclose::run(&ctx, args),
        Command::Demo(args) => demo::run(&ctx, args),
        Command::Bench(args) => bench::run(&ctx, args),
        Command::Simulate(args) => simulate::run(&ctx, args),
        Command::User(c) => user::run(&ctx, c),
        Command::Serve(args) => serve::run(&ctx, args),
    }
}

/// Report output options shared by the reporting commands.
#[derive(clap::Args, Debug, Clone)]
pub struct OutputArgs {
    /// text, csv, json, xlsx or pdf; default the --out file's extension, else text.
    #[arg(long)]
    pub format: Option<Format>,
    /// The language of the report's headings: the global `--lang` when given on the command
    /// line, else Chinese.
    #[arg(skip = report_lang())]
    pub lang: Lang,
    /// Write to this file instead of standard output (.txt, .csv, .json, .xlsx or .pdf).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Font for PDF output (TTF, OTF or TTC; `file.ttc#2` picks a face); default the built-in
    /// Noto Sans SC subset.
    #[arg(long)]
    pub font: Option<PathBuf>,
}

/// Where and how a report is written, checked before anything is done: the format, the file
/// (or standard output) and the render options (the font).
pub struct Output {
    pub format: Format,
    pub path: Option<PathBuf>,
    pub options: render::RenderOptions,
}

impl OutputArgs {
    /// The format asked for: `--format`, else the extension of `--out`, else text. Refused: an
    /// extension that names no format, one that contradicts `--format`, and a binary format
    /// (PDF, XLSX) for standard output on a terminal.
    pub fn format(&self) -> Result<Format> {
        let from_path = match &self.out {
            Some(path) => format_of_path(path)?,
            None => None,
        };
        let format = match (self.format, from_path) {
            (Some(asked), Some(by_name)) if asked != by_name => {
                return Err(Error::rule(tr!(
                    "out-format-mismatch",
                    format = asked.to_string(),
                    out = self
                        .out
                        .as_deref()
                        .unwrap_or_else(|| std::path::Path::new(""))
                        .display(),
                    named = by_name.to_string()
                )))
            }
            (Some(asked), _) => asked,
            (None, Some(by_name)) => by_name,
            (None, None) => Format::Text,
        };
        if format.is_binary() && self.out.is_none() && std::io::stdout().is_terminal() {
            return Err(Error::rule(tr!(
                "out-binary-to-terminal",
                format = format.to_string()
            )));
        }
        Ok(format)
    }

    /// Check the options and load the font (for PDF): see [`OutputArgs::format`].
    pub fn resolve(&self) -> Result<Output> {
        let format = self.format()?;
        let mut options = render::RenderOptions::new(chrono::Local::now().fixed_offset());
        if let (Format::Pdf, Some(font)) = (format, &self.font) {
            options = options.with_font(std::sync::Arc::new(Font::from_path(font)?));
        }
        Ok(Output {
            format,
            path: self.out.clone(),
            options,
        })
    }
}

/// The format a file name asks for by its extension (`None` without one); an extension that
/// names no format is refused with the known ones.
pub fn format_of_path(path: &std::path::Path) -> Result<Option<Format>> {
    let Some(ext) = path.extension() else {
        return Ok(None);
    };
    Format::from_path(path).map(Some).ok_or_else(|| {
        Error::rule(tr!(
            "out-unknown-extension",
            out = path.display(),
            extension = ext.to_string_lossy(),
            known = known_extensions()
        ))
    })
}

/// `.txt, .csv, .json, .xlsx, .pdf`
pub fn known_extensions() -> String {
    Format::ALL
        .iter()
        .map(|f| format!(".{}", f.extension()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Output {
    /// Render `doc` into memory.
    pub fn render(&self, doc: &Document) -> Result<Vec<u8>> {
        render::render_to_vec(doc, self.format, &self.options)
    }

    /// Write rendered bytes to the file or standard output.
    pub fn write(&self, bytes: &[u8]) -> Result<()> {
        match &self.path {
            Some(path) => {
                create_parent(path)?;
                std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
            }
            None => {
                let mut lock = std::io::stdout().lock();
                lock.write_all(bytes)
                    .and_then(|()| lock.flush())
                    .map_err(|e| Error::io("<stdout>", e))
            }
        }
    }

    /// Render `doc` to the file or standard output: PDF and XLSX (built whole anyway) into
    /// memory first, so a failure leaves no file behind; text, CSV and JSON streamed.
    pub fn emit(&self, doc: &Document) -> Result<()> {
        if self.format.is_binary() {
            return self.write(&self.render(doc)?);
        }
        match &self.path {
            Some(path) => {
                create_parent(path)?;
                let mut file = std::io::BufWriter::new(
                    std::fs::File::create(path).map_err(|e| Error::io(path, e))?,
                );
                render::render(doc, self.format, &mut file, &self.options)?;
                file.flush().map_err(|e| Error::io(path, e))
            }
            None => {
                let stdout = std::io::stdout();
                let mut lock = stdout.lock();
                render::render(doc, self.format, &mut lock, &self.options)?;
                lock.flush().map_err(|e| Error::io("<stdout>", e))
            }
        }
    }
}

fn create_parent(path: &std::path::Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    Ok(())
}

pub fn parse_lang(s: &str) -> std::result::Result<Lang, String> {
    townledger::i18n::parse_lang(s)
        .ok_or_else(|| townledger::tr!("cli-unknown-language", value = s))
}

static REPORT_LANG: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();

/// Set once at start: the language asked for by `--lang` on the command line.
pub fn set_report_lang(lang: Option<Lang>) {
    let _ = REPORT_LANG.set(lang.unwrap_or(Lang::Zh));
}

/// The language of printed reports: `--lang` when given on the command line; Chinese
/// otherwise (the forms a town files and posts are Chinese whatever the clerk's settings).
pub fn report_lang() -> Lang {
    REPORT_LANG.get().copied().unwrap_or(Lang::Zh)
}

pub fn parse_date(s: &str) -> std::result::Result<chrono::NaiveDate, String> {
    townledger::ledger::transaction::parse_date(s)
}

/// Render `doc` to the file or standard output chosen in `out`.
/// An error writing to standard output.
pub fn stdout_error(e: std::io::Error) -> Error {
    Error::io(tr!("standard-output"), e)
}

/// Print `text` as it is to standard output.
pub fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).map_err(stdout_error)?;
    out.flush().map_err(stdout_error)
}

pub fn emit(doc: &Document, out: &OutputArgs) -> Result<()> {
    out.resolve()?.emit(doc)
}

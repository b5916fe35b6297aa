use chrono::NaiveDate;
use townledger::error::{Error, Result};
use townledger::render::Format;
use townledger::report::balance::{balance, BalanceQuery};
use townledger::report::balance_sheet::{balance_sheet, BalanceSheet, SheetHead, SheetQuery};
use townledger::report::document::Document;

use super::{parse_date, Context, OutputArgs};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Only these accounts and their sub-accounts, each by code or full name
    /// (`241`, `负债:专项应付款`).
    #[arg(value_name = "ACCOUNT")]
    pub accounts: Vec<String>,
    /// Balances at the end of this day (same as --to).
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// The period's first day: postings on or after it; the opening balance (期初) is the
    /// balance before it.
    #[arg(long, value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    /// The period's last day: postings on or before it; the closing balance (期末) is the
    /// balance at its end.
    #[arg(long, value_parser = parse_date)]
    pub to: Option<NaiveDate>,
    /// Show this many account levels; deeper balances roll up.
    #[arg(long)]
    pub depth: Option<usize>,
    /// cn: the 科目余额表 (opening, debits, credits, closing, each balance with 借/贷/平), the
    /// default for text, PDF and XLSX; plain: one balance per account (the trial balance),
    /// the default for CSV and JSON (columns `account,balance`).
    #[arg(long, value_enum)]
    pub style: Option<Style>,
    /// 编制单位 printed on the 科目余额表; default the town set by `init --town`.
    #[arg(long)]
    pub entity: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Style {
    /// The 科目余额表.
    #[value(alias = "zh")]
    Cn,
    /// One balance per account.
    Plain,
}

/// Left for the clerk to fill in when the ledger names no town and `--entity` is not given.
const BLANK: &str = "____________";

pub fn run(ctx: &Context, args: Args) -> Result<i32> {
    if args.as_of.is_some() && args.to.is_some() {
        return Err(Error::rule(townledger::tr!("balance-as-of-and-to")));
    }
    if args.depth == Some(0) {
        return Err(Error::rule(townledger::tr!("balance-depth-zero")));
    }
    let to = args.to.or(args.as_of);
    if let (Some(from), Some(to)) = (args.from, to) {
        if from > to {
            return Err(Error::rule(format!(
                "--from {from} is after --to {to}: the period would be empty"
            )));
        }
    }
    let output = args.output.resolve()?;
    let lang = args.output.lang;
    let style = args.style.unwrap_or(match output.format {
        Format::Csv | Format::Json => Style::Plain,
        _ => Style::Cn,
    });
    let ledger = ctx.open()?;
    let footer = townledger::report::ledger_footer(&ledger, lang)?;
    if style == Style::Plain {
        let report = balance(
            &ledger,
            &BalanceQuery {
                from: args.from,
                to,
                depth: args.depth,
                accounts: args.accounts.clone(),
            },
        )?;
        let mut doc = match output.format {
            Format::Csv | Format::Json => report.flat_document(lang),
            _ => report.tree_document(lang),
        };
        // Printed forms carry the ledger's head (CSV and JSON leave footers out).
        doc.footer = Some(footer);
        return output.emit(&doc).map(|()| 0);
    }
    let sheet = balance_sheet(
        &ledger,
        &SheetQuery {
            from: args.from,
            to,
            depth: args.depth,
            accounts: args.accounts.clone(),
        },
    )?;
    let mut doc: Document = match output.format {
        Format::Csv | Format::Json => sheet.machine_document(lang),
        _ => {
            let entity = match args.entity.map(|e| e.trim().to_string()) {
                Some(e) if !e.is_empty() => e,
                _ => ledger.town_name()?.unwrap_or_else(|| BLANK.to_string()),
            };
            let head = SheetHead {
                entity,
                printed: output.options.created.date_naive(),
            };
            sheet.document(&head, lang)
        }
    };
    doc.footer = Some(footer);
    if output.format == Format::Pdf {
        let groups = BalanceSheet::header_groups(lang);
        let bytes = townledger::render::pdf::grouped::to_bytes(&doc, &groups, &output.options)?;
        output.write(&bytes)?;
    } else {
        output.emit(&doc)?;
    }
    Ok(0)
}

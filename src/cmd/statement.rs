use std::path::PathBuf;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use townledger::batch::write_statements;
use townledger::error::{Error, Result};
use townledger::render::{render_to_vec, Font, RenderOptions};
use townledger::report::document::Lang;
use townledger::report::statement::household_statements;

use super::{format_of_path, known_extensions, parse_date, Context};
use townledger::tr;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// One household's statement (农户收益分配明细单).
    Household {
        id: String,
        #[command(flatten)]
        period: Period,
        /// The file to write; its extension picks the format (.pdf, .xlsx, .csv, .json, .txt).
        #[arg(long, short)]
        out: PathBuf,
        #[command(flatten)]
        print: PrintArgs,
    },
    /// A PDF for every household of a village (also those with nothing in the period).
    Village {
        village: String,
        #[command(flatten)]
        period: Period,
        /// The folder to write into (one subfolder per village).
        #[arg(long, short)]
        out: PathBuf,
        #[command(flatten)]
        print: BatchArgs,
    },
    /// A PDF for every household of every village.
    Town {
        #[command(flatten)]
        period: Period,
        /// The folder to write into (one subfolder per village).
        #[arg(long, short)]
        out: PathBuf,
        #[command(flatten)]
        print: BatchArgs,
    },
}

#[derive(clap::Args, Debug)]
pub struct Period {
    /// A calendar year (the same as --from YEAR-01-01 --to YEAR-12-31).
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub year: Option<i32>,
    #[arg(long, value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    #[arg(long, value_parser = parse_date)]
    pub to: Option<NaiveDate>,
}

#[derive(clap::Args, Debug)]
pub struct PrintArgs {
    /// The language of the statements: the global `--lang` when given on the command line,
    /// else Chinese.
    #[arg(skip = super::report_lang())]
    pub lang: Lang,
    /// Another font (TTF, OTF or TTC; `file.ttc#2` picks a face).
    #[arg(long)]
    pub font: Option<PathBuf>,
}

/// What a batch of statements takes besides: the threads that print them.
#[derive(clap::Args, Debug)]
pub struct BatchArgs {
    #[command(flatten)]
    pub print: PrintArgs,
    /// Threads for batches.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
}

impl Period {
    fn resolve(&self) -> Result<(NaiveDate, NaiveDate, String)> {
        match (self.year, self.from, self.to) {
            (Some(y), _, _) => {
                let from = NaiveDate::from_ymd_opt(y, 1, 1)
                    .ok_or_else(|| Error::rule(tr!("statement-year-out-of-range", year = y)))?;
                let to = NaiveDate::from_ymd_opt(y, 12, 31).expect("valid");
                Ok((from, to, y.to_string()))
            }
            (None, Some(from), Some(to)) if from <= to => {
                let label = if from.ordinal() == 1
                    && to.month() == 12
                    && to.day() == 31
                    && from.year() == to.year()
                {
                    from.year().to_string()
                } else {
                    format!("{}_{}", from.format("%Y%m%d"), to.format("%Y%m%d"))
                };
                Ok((from, to, label))
            }
            (None, Some(from), Some(to)) => Err(Error::rule(tr!(
                "period-from-after-to",
                from = from,
                to = to
            ))),
            _ => Err(Error::rule(tr!("statement-period-needed"))),
        }
    }
}

fn options(print: &PrintArgs) -> Result<RenderOptions> {
    let mut options = RenderOptions::new(chrono::Local::now().fixed_offset());
    if let Some(path) = &print.font {
        options = options.with_font(Arc::new(Font::from_path(path)?));
    }
    Ok(options)
}

pub fn run(ctx: &Context, command: Command) -> Result<i32> {
    let ledger = ctx.open()?;
    let today = chrono::Local::now().date_naive();
    match command {
        Command::Household {
            id,
            period,
            out,
            print,
        } => {
            let (from, to, _) = period.resolve()?;
            let household = ledger
                .households_on(to)?
                .into_iter()
                .find(|h| h.id == id)
                .ok_or_else(|| Error::NotFound(tr!("household-not-found", id = &id)))?;
            let statement =
                household_statements(&ledger, &[household], from, to, today, print.lang)?
                    .pop()
                    .expect("one statement");
            let format = format_of_path(&out)?.ok_or_else(|| {
                Error::rule(tr!(
                    "statement-out-extension",
                    out = out.display(),
                    known = known_extensions()
                ))
            })?;
            let bytes = render_to_vec(&statement.document(print.lang), format, &options(&print)?)
                .map_err(|e| {
                Error::rule(tr!(
                    "statement-household-failed",
                    id = &id,
                    reason = e.to_string()
                ))
            })?;
            if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            std::fs::write(&out, &bytes).map_err(|e| Error::io(&out, e))?;
            outln!(
                "{}",
                tr!(
                    "statement-written",
                    out = out.display(),
                    id = &id,
                    from = from,
                    to = to,
                    lines = statement.lines.len(),
                    allocated = statement.allocated.grouped(),
                    paid = statement.paid.grouped(),
                    payable = statement.payable().grouped(),
                    bytes = bytes.len()
                )
            );
            Ok(0)
        }
        Command::Village {
            village,
            period,
            out,
            print,
        } => batch(&ledger, Some(&village), period, out, print, today),
        Command::Town { period, out, print } => batch(&ledger, None, period, out, print, today),
    }
}

fn batch(
    ledger: &townledger::store::Ledger,
    village: Option<&str>,
    period: Period,
    out: PathBuf,
    batch_args: BatchArgs,
    today: NaiveDate,
) -> Result<i32> {
    let BatchArgs { print, threads } = batch_args;
    let (from, to, label) = period.resolve()?;
    let households = townledger::batch::households_of(ledger, village, to)?;
    let start = std::time::Instant::now();
    let statements = household_statements(ledger, &households, from, to, today, print.lang)?;
    let summary = write_statements(
        &statements,
        &out,
        &label,
        print.lang,
        &options(&print)?,
        threads,
    )?;
    outln!(
        "{}",
        tr!(
            "statement-batch-written",
            count = summary.files.len(),
            out = out.display(),
            pages = summary.pages,
            megabytes = summary.bytes as f64 / 1e6,
            seconds = start.elapsed().as_secs_f64()
        )
    );
    if !summary.empty.is_empty() {
        let shown: Vec<String> = summary
            .empty
            .iter()
            .take(10)
            .map(|id| id.escape_debug().to_string())
            .collect();
        outln!(
            "{}{}",
            tr!(
                "statement-batch-empty",
                count = summary.empty.len(),
                ids = shown.join(", ")
            ),
            if summary.empty.len() > shown.len() {
                ", …"
            } else {
                ""
            }
        );
    }
    if !summary.failed.is_empty() {
        outln!(
            "{}",
            tr!("statement-batch-failed", count = summary.failed.len())
        );
        for (id, why) in &summary.failed {
            // An id is data: shown with its control characters escaped.
            outln!("  {}: {why}", id.escape_debug());
        }
        return Ok(1);
    }
    Ok(0)
}

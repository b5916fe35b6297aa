use std::path::PathBuf;

use chrono::NaiveDate;
use townledger::error::Result;
use townledger::households::{read_households_with, TextEncoding};
use townledger::report::document::Document;
use townledger::report::household_list::{household_row, household_table};
use townledger::report::tr;

use super::{emit, parse_date, Context, OutputArgs};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Import the household register (CSV or XLSX); changed households get a new version.
    Import {
        file: PathBuf,
        /// The date the file's values take effect (default: today). A household's first
        /// version also covers earlier dates.
        #[arg(long, value_parser = parse_date)]
        effective: Option<NaiveDate>,
        /// utf-8 or gbk for CSV; detected when omitted.
        #[arg(long, default_value = "auto")]
        encoding: TextEncoding,
    },
    /// The register as in force on a date; ID and card numbers masked unless --unmasked.
    List {
        #[arg(long, value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Show full names, ID and card numbers (an explicit export for the town office).
        #[arg(long)]
        unmasked: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// One household's versions over time.
    History {
        id: String,
        #[arg(long)]
        unmasked: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
}

pub fn run(ctx: &Context, command: Command) -> Result<i32> {
    match command {
        Command::Import {
            file,
            effective,
            encoding,
        } => {
            let records = read_households_with(&file, encoding)?;
            let effective = effective.unwrap_or_else(|| chrono::Local::now().date_naive());
            let mut ledger = ctx.open()?;
            let changes =
                ledger.write_bulk(&ctx.operator, |w| w.import_households(&records, effective))?;
            outln!(
                "{}",
                townledger::tr!(
                    "households-imported",
                    file = file.display(),
                    read = records.len(),
                    added = changes.added.len(),
                    changed = changes.changed.len(),
                    effective = effective,
                    unchanged = changes.unchanged
                )
            );
            if !changes.changed.is_empty() {
                outln!(
                    "{}",
                    townledger::tr!("households-changed", ids = changes.changed.join(", "))
                );
            }
            if changes.not_in_file > 0 {
                outln!(
                    "{}",
                    townledger::tr!("households-not-in-file", count = changes.not_in_file)
                );
            }
            Ok(0)
        }
        Command::List {
            as_of,
            unmasked,
            output,
        } => {
            let ledger = ctx.open()?;
            let date = as_of.unwrap_or_else(|| chrono::Local::now().date_naive());
            let lang = output.lang;
            let mut doc = Document::new(tr(lang, "监测户名册", "Household register"));
            doc.lang = lang;
            doc.subtitle = Some(format!("{} {date}", tr(lang, "截至", "as of")));
            let mut table = household_table(lang, false);
            for h in ledger.households_on(date)? {
                table.rows.push(household_row(&h, unmasked, None));
            }
            doc.tables.push(table);
            emit(&doc, &output)?;
            Ok(0)
        }
        Command::History {
            id,
            unmasked,
            output,
        } => {
            let ledger = ctx.open()?;
            let versions = ledger.household_history(&id)?;
            if versions.is_empty() {
                return Err(townledger::Error::NotFound(townledger::tr!(
                    "household-not-found",
                    id = &id
                )));
            }
            let lang = output.lang;
            let mut doc = Document::new(format!("{} {id}", tr(lang, "农户信息变更", "History of")));
            doc.lang = lang;
            let mut table = household_table(lang, true);
            for v in &versions {
                table
                    .rows
                    .push(household_row(&v.record, unmasked, Some(v.valid_from)));
            }
            doc.tables.push(table);
            emit(&doc, &output)?;
            Ok(0)
        }
    }
}

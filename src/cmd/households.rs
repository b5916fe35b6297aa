use std::path::PathBuf;

use chrono::NaiveDate;
use townledger::error::Result;
use townledger::households::{
    mask_bank_card, mask_id_number, mask_name, read_households_with, TextEncoding,
};
use townledger::report::document::{Align, Cell, Column, Document, Row, Table};
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

fn household_table(lang: townledger::report::document::Lang, with_from: bool) -> Table {
    let mut columns = Vec::new();
    if with_from {
        columns.push(Column::text(
            "valid_from",
            tr(lang, "生效日期", "Valid from"),
            2,
        ));
    }
    columns.extend([
        Column::text("id", tr(lang, "户编号", "Household"), 2),
        Column::text("village", tr(lang, "村", "Village"), 2),
        Column::text("name", tr(lang, "户主姓名", "Head"), 2),
        Column::text("id_number", tr(lang, "身份证号", "ID number"), 4),
        Column::new("members", tr(lang, "人口", "Members"), Align::Right, 1),
        Column::money(
            "per_capita_income",
            tr(lang, "人均纯收入", "Income per head"),
        ),
        Column::text("category", tr(lang, "类别", "Category"), 3),
        Column::text("risk_level", tr(lang, "风险等级", "Risk"), 1),
        Column::text("risk_causes", tr(lang, "风险类型", "Risk causes"), 3),
        Column::text("labour", tr(lang, "劳动能力", "Labour"), 1),
        Column::text("bank_card", tr(lang, "一卡通账号", "Card"), 4),
    ]);
    Table {
        columns,
        ..Default::default()
    }
}

fn household_row(
    h: &townledger::households::HouseholdRecord,
    unmasked: bool,
    from: Option<NaiveDate>,
) -> Row {
    let mut cells = Vec::new();
    if let Some(d) = from {
        cells.push(Cell::text(d.to_string()));
    }
    let (name, id, card) = if unmasked {
        (h.name.clone(), h.id_number.clone(), h.bank_card.clone())
    } else {
        (
            mask_name(&h.name),
            mask_id_number(&h.id_number),
            mask_bank_card(&h.bank_card),
        )
    };
    cells.extend([
        Cell::text(h.id.clone()),
        Cell::text(h.village.clone()),
        Cell::Text(name),
        Cell::Text(id),
        Cell::Int(h.members as i64),
        Cell::Money(h.per_capita_income),
        Cell::text(h.category.map(|c| c.as_str()).unwrap_or("")),
        Cell::text(h.risk_level.clone()),
        Cell::text(h.risk_causes.join(";")),
        Cell::text(h.labour.as_str()),
        Cell::Text(card),
    ]);
    Row::new(cells).labelled(format!("household {}", h.id))
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

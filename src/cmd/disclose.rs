//! `townledger disclose`: the village-finance disclosure 村级财务公开表 of one village, or of
//! every village into a folder.

use townledger::error::{Error, Result};
use townledger::render::{Font, Format, RenderOptions};
use townledger::report::disclosure::files::write_town;
use townledger::report::disclosure::{disclosure_document, town_disclosure, Period};
use townledger::report::ledger_footer;
use townledger::tr;

use super::{Context, OutputArgs};

#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("who").required(true).args(["village", "town"])))]
#[command(group(clap::ArgGroup::new("when").required(true).args(["quarter", "month"])))]
pub struct Args {
    /// The village (as the register, a project's owner or an account names it).
    #[arg(long)]
    pub village: Option<String>,
    /// Every village, one file each, into the folder --out (and the town level's).
    #[arg(long, requires = "out")]
    pub town: bool,
    /// A calendar quarter: 2024Q3.
    #[arg(long)]
    pub quarter: Option<String>,
    /// A month, where the village publishes monthly: 2024-09.
    #[arg(long)]
    pub month: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Threads rendering the files of --town.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
}

pub fn run(ctx: &Context, args: Args) -> Result<i32> {
    let period = match (&args.quarter, &args.month) {
        (Some(q), _) => Period::quarter(q)?,
        (None, Some(m)) => Period::month(m)?,
        (None, None) => unreachable!("clap requires one"),
    };
    let ledger = ctx.open()?;
    let lang = args.out.lang;
    let printed = chrono::Local::now().date_naive();
    if args.town {
        let dir = args.out.out.clone().expect("clap requires --out");
        let format = args.out.format.unwrap_or(Format::Pdf);
        let mut options = RenderOptions::new(chrono::Local::now().fixed_offset());
        if let (Format::Pdf, Some(font)) = (format, &args.out.font) {
            options = options.with_font(std::sync::Arc::new(Font::from_path(font)?));
        }
        let start = std::time::Instant::now();
        let town = town_disclosure(&ledger, period)?;
        let footer = Some(ledger_footer(&ledger, lang)?);
        let written = write_town(
            &town,
            &dir,
            format,
            &options,
            lang,
            printed,
            footer,
            args.threads,
        )?;
        outln!(
            "{}",
            tr!(
                "disclose-town-written",
                count = written.files.len(),
                period = period.label(),
                out = dir.display(),
                kilobytes = written.files.iter().map(|f| f.bytes).sum::<u64>() as f64 / 1e3,
                seconds = start.elapsed().as_secs_f64()
            )
        );
        let all: Vec<_> = town.all().collect();
        for f in &written.files {
            let d = all[f.index];
            outln!(
                "  {}",
                tr!(
                    "disclose-file",
                    village = d.name(lang).escape_debug().to_string(),
                    path = f.path.display(),
                    income = d.income_total().grouped(),
                    spending = d.spending_total().grouped(),
                    households = d.households_reached
                )
            );
        }
        if !written.failed.is_empty() {
            outln!(
                "{}",
                tr!("disclose-town-failed", count = written.failed.len())
            );
            for (village, why) in &written.failed {
                outln!("  {}: {why}", village.escape_debug());
            }
            return Ok(1);
        }
        return Ok(0);
    }
    let village = args.village.as_deref().expect("clap requires one");
    let output = args.out.resolve()?;
    let town = town_disclosure(&ledger, period)?;
    let disclosure = town.village(village).ok_or_else(|| {
        Error::NotFound(tr!(
            "disclose-no-village",
            village = village,
            villages = town.names().join(", ")
        ))
    })?;
    let doc = disclosure_document(
        disclosure,
        town.town.as_deref(),
        printed,
        Some(ledger_footer(&ledger, lang)?),
        lang,
    );
    output.emit(&doc)?;
    if let Some(path) = &output.path {
        outln!(
            "{}",
            tr!(
                "disclose-written",
                out = path.display(),
                village = village,
                period = period.label(),
                income = disclosure.income_total().grouped(),
                spending = disclosure.spending_total().grouped(),
                households = disclosure.households_reached
            )
        );
    }
    Ok(0)
}

use std::path::PathBuf;

use townledger::audit::verify;
use townledger::demo;
use townledger::error::{Error, Result};
use townledger::export::{export, ExportFormat};
use townledger::render::{render, Format, RenderOptions};
use townledger::report::balance::{balance, BalanceQuery};
use townledger::report::document::Lang;
use townledger::report::register::register;

use super::Context;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where the demo ledger and its reports go.
    #[arg(long, default_value = "reports/demo")]
    pub out: PathBuf,
    /// The demo town's data (ledgers/demo).
    #[arg(long)]
    pub data: Option<PathBuf>,
}

fn write_file(path: PathBuf, f: impl FnOnce(&mut Vec<u8>) -> Result<()>) -> Result<PathBuf> {
    let mut buf = Vec::new();
    f(&mut buf)?;
    std::fs::write(&path, buf).map_err(|e| Error::io(&path, e))?;
    Ok(path)
}

pub fn run(ctx: &Context, args: Args) -> Result<i32> {
    let data = args.data.unwrap_or_else(demo::data_dir);
    let out = args.out;
    println!(
        "== townledger demo: 程村镇 (demo town) from {}",
        data.display()
    );
    let built = demo::build(&data, &out, &ctx.operator)?;
    let ledger = &built.ledger;
    let v = &built.vouchers;
    println!(
        "-- imported {} vouchers ({} postings) from vouchers-2024.csv into {}",
        v.posted,
        v.postings,
        ledger.path().display()
    );
    let options = RenderOptions::default();
    let trial = balance(ledger, &BalanceQuery::default())?;
    let mut stdout = std::io::stdout().lock();
    println!();
    render(
        &trial.tree_document(Lang::Zh),
        Format::Text,
        &mut stdout,
        &options,
    )?;
    let mut written = Vec::new();
    written.push(write_file(out.join("balance.txt"), |b| {
        render(&trial.tree_document(Lang::Zh), Format::Text, b, &options)
    })?);
    written.push(write_file(out.join("balance.csv"), |b| {
        render(&trial.flat_document(Lang::Zh), Format::Csv, b, &options)
    })?);
    let reserve = register(ledger, "资产:银行存款:储备金专户", None, None)?;
    println!();
    render(
        &reserve.document(Lang::Zh),
        Format::Text,
        &mut stdout,
        &options,
    )?;
    written.push(write_file(out.join("register-储备金专户.txt"), |b| {
        render(&reserve.document(Lang::Zh), Format::Text, b, &options)
    })?);
    written.push(write_file(out.join("town.journal"), |b| {
        export(ledger, ExportFormat::Ledger, b)
    })?);
    written.push(write_file(out.join("town.beancount"), |b| {
        export(ledger, ExportFormat::Beancount, b)
    })?);
    let verified = verify(ledger)?;
    println!(
        "\n-- verify: ok, {} transactions, chain head {}",
        verified.transactions, verified.head
    );
    println!("-- written:");
    for p in written {
        println!("   {}", p.display());
    }
    Ok(0)
}

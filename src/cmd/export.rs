use std::io::Write;
use std::path::PathBuf;

use townledger::error::{Error, Result};
use townledger::export::{export, ExportFormat};

use super::Context;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// ledger (hledger and ledger-cli) or beancount.
    #[arg(long)]
    pub format: ExportFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: Args) -> Result<i32> {
    let ledger = ctx.open()?;
    match &args.out {
        Some(path) => {
            let mut file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
            export(&ledger, args.format, &mut file)?;
            file.flush().map_err(|e| Error::io(path, e))?;
        }
        None => export(&ledger, args.format, &mut std::io::stdout().lock())?,
    }
    Ok(0)
}

use std::path::PathBuf;

use townledger::checkpoint::{create, key_id};
use townledger::error::Result;

use super::Context;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The office's secret key (written by `townledger key new FILE`), kept outside the ledger.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
}

pub fn run(ctx: &Context, args: Args) -> Result<i32> {
    let mut ledger = ctx.open()?;
    let c = create(&mut ledger, &args.key, &ctx.operator)?;
    outln!(
        "{}",
        townledger::tr!(
            "checkpoint-signed",
            id = c.id,
            key = key_id(&c.public_key),
            transactions = c.journal_length,
            records = c.records_length
        )
    );
    outln!(
        "{}",
        townledger::tr!("chain-head", head = c.head.to_string())
    );
    Ok(0)
}

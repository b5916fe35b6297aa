use std::path::PathBuf;

use townledger::audit::verify_signed;
use townledger::checkpoint::{key_id, read_public_key};
use townledger::error::Result;

use super::Context;
use townledger::tr;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The office's public key (`office.pub`): every checkpoint is checked, and at least one
    /// must be signed by this key.
    #[arg(long, value_name = "FILE")]
    pub public_key: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: Args) -> Result<i32> {
    let key = args
        .public_key
        .as_deref()
        .map(read_public_key)
        .transpose()?;
    let ledger = ctx.open()?;
    let v = verify_signed(&ledger, key.as_deref())?;
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    line(tr!(
        "verify-journal-ok",
        transactions = v.transactions,
        postings = v.postings
    ));
    line(tr!(
        "verify-records-ok",
        records = v.records,
        tables = v.tables,
        rows = v.rows
    ));
    match (&v.last_checkpoint, &key) {
        (None, _) => line(tr!("verify-no-checkpoint")),
        (Some(last), Some(k)) => line(tr!(
            "verify-checkpoints-signed",
            checkpoints = v.checkpoints,
            signed = v.signed_by_key,
            key = key_id(k),
            last = last.id,
            at = last.signed_at.to_string(),
            last_key = key_id(&last.public_key)
        )),
        (Some(last), None) => line(tr!(
            "verify-checkpoints-hold",
            checkpoints = v.checkpoints,
            last = last.id,
            at = last.signed_at.to_string(),
            last_key = key_id(&last.public_key)
        )),
    }
    line(tr!("chain-head", head = v.head.to_string()));
    super::print(&out)?;
    Ok(0)
}

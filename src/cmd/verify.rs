use std::path::PathBuf;

use townledger::audit::verify_signed;
use townledger::checkpoint::{key_id, read_public_key};
use townledger::error::Result;

use super::Context;

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
    out.push_str(&format!(
        "ok: {} transactions, {} postings; every voucher matches its audit hash and balances\n",
        v.transactions, v.postings
    ));
    out.push_str(&format!(
        "ok: {} records cover {} tables ({} rows); every row is as recorded\n",
        v.records, v.tables, v.rows
    ));
    match (&v.last_checkpoint, &key) {
        (None, _) => out.push_str("no signed checkpoint yet (townledger checkpoint --key FILE)\n"),
        (Some(last), Some(k)) => out.push_str(&format!(
            "ok: {} checkpoint(s), {} signed by key {}; the last #{} signed {} by {}\n",
            v.checkpoints,
            v.signed_by_key,
            key_id(k),
            last.id,
            last.signed_at,
            key_id(&last.public_key)
        )),
        (Some(last), None) => out.push_str(&format!(
            "ok: {} checkpoint(s) hold (each under its own key; pass --public-key to require yours); the last #{} signed {} by key {}\n",
            v.checkpoints,
            last.id,
            last.signed_at,
            key_id(&last.public_key)
        )),
    }
    out.push_str(&format!("chain head {}\n", v.head));
    super::print(&out)?;
    Ok(0)
}

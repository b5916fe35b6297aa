use townledger::audit::verify;
use townledger::error::Result;

use super::Context;

#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(ctx: &Context, _args: Args) -> Result<i32> {
    let ledger = ctx.open()?;
    let v = verify(&ledger)?;
    println!(
        "ok: {} transactions, {} postings; every voucher matches its audit hash and balances",
        v.transactions, v.postings
    );
    println!("chain head {}", v.head);
    Ok(0)
}

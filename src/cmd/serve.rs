//! `townledger serve`: the web application on the ledger (see `townledger::web`).

use townledger::error::Result;
use townledger::tr;

use super::Context;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The address and port to listen on; only this machine unless told otherwise.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
}

pub fn run(ctx: &Context, args: Args) -> Result<i32> {
    serve(ctx, &args.addr)
}

/// Serve `ctx`'s ledger at `addr`, printing the address once bound.
pub fn serve(ctx: &Context, addr: &str) -> Result<i32> {
    let ledger = ctx.ledger_path.clone();
    let shown = ledger.display().to_string();
    townledger::web::serve(ledger, addr, |bound| {
        println!(
            "{}",
            tr!(
                "serve-listening",
                url = format!("http://{bound}"),
                ledger = shown
            )
        );
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
    })?;
    Ok(0)
}

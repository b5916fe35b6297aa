use townledger::error::Result;
use townledger::ledger::chart::VILLAGE_COLLECTIVE_2023;
use townledger::store::Ledger;

use super::Context;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The town whose books these are (printed on statements), e.g. 程村镇.
    #[arg(long)]
    pub town: Option<String>,
}

pub fn run(ctx: &Context, args: Args) -> Result<i32> {
    let mut ledger = Ledger::create(&ctx.ledger_path)?;
    let n = ledger.write(&ctx.operator, |w| {
        for (code, name, kind) in VILLAGE_COLLECTIVE_2023 {
            w.add_account(name, *kind, Some(code))?;
        }
        if let Some(town) = &args.town {
            w.set_town_name(town)?;
        }
        Ok(VILLAGE_COLLECTIVE_2023.len())
    })?;
    outln!(
        "{}",
        townledger::tr!(
            "init-created",
            ledger = ctx.ledger_path.display(),
            accounts = n
        )
    );
    Ok(0)
}

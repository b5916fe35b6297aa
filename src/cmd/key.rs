use std::path::PathBuf;

use townledger::checkpoint::{key_id, new_key};
use townledger::error::Result;

use super::Context;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Write a new Ed25519 key pair: the secret key to FILE (readable by its owner only), its
    /// public half beside it (`office.key` → `office.pub`). Never overwrites a file.
    New {
        /// Where to write the secret key.
        file: PathBuf,
    },
}

pub fn run(_ctx: &Context, command: Command) -> Result<i32> {
    match command {
        Command::New { file } => {
            let (public, hex) = new_key(&file)?;
            outln!(
                "{}",
                townledger::tr!("key-secret-written", file = file.display())
            );
            outln!(
                "{}",
                townledger::tr!(
                    "key-public-written",
                    file = public.display(),
                    key = key_id(&hex)
                )
            );
            Ok(0)
        }
    }
}

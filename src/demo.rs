//! The demo town: a fresh ledger built from `ledgers/demo/`, never touching a user's ledger.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::import::postings::{import_postings, ImportOptions, ImportSummary};
use crate::ledger::chart::VILLAGE_COLLECTIVE_2023;
use crate::store::Ledger;

/// Where the demo data lives: `ledgers/demo` under the current directory, else beside the
/// source tree this binary was built from.
pub fn data_dir() -> PathBuf {
    let here = PathBuf::from("ledgers/demo");
    if here.join("vouchers-2024.csv").exists() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("ledgers/demo")
}

/// Remove a previous demo ledger (and its WAL files) in `out`.
fn clear_ledger(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        if p.exists() {
            std::fs::remove_file(&p).map_err(|e| Error::io(&p, e))?;
        }
    }
    Ok(())
}

pub struct Demo {
    pub ledger: Ledger,
    pub vouchers: ImportSummary,
}

/// Build the demo ledger at `out/townledger.db` from `data`.
pub fn build(data: &Path, out: &Path, operator: &str) -> Result<Demo> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let path = out.join("townledger.db");
    clear_ledger(&path)?;
    let mut ledger = Ledger::create(&path)?;
    let vouchers = ledger.write(operator, |w| {
        for (code, name, kind) in VILLAGE_COLLECTIVE_2023 {
            w.add_account(name, *kind, Some(code))?;
        }
        import_postings(
            w,
            &data.join("vouchers-2024.csv"),
            &ImportOptions {
                encoding: None,
                create_accounts: true,
            },
        )
    })?;
    Ok(Demo { ledger, vouchers })
}

use std::path::PathBuf;

use townledger::error::Result;
use townledger::import::postings::{import_postings, ImportOptions};
use townledger::import::Encoding;

use super::Context;
use townledger::tr;

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Post a voucher file: CSV `txn_id,date,account,amount,memo[,household,ref]`, or a workbook
    /// (.xlsx, .xls, .ods) whose first sheet has those columns.
    Postings(PostingsArgs),
}

#[derive(clap::Args, Debug)]
pub struct PostingsArgs {
    pub file: PathBuf,
    /// utf-8 or gbk; detected when omitted.
    #[arg(long)]
    pub encoding: Option<Encoding>,
    /// Create unknown accounts (type from the top segment of the name).
    #[arg(long)]
    pub create_accounts: bool,
    /// Check the file and report what would be posted, without posting.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Context, command: Command) -> Result<i32> {
    let Command::Postings(args) = command;
    let mut ledger = ctx.open()?;
    let options = ImportOptions {
        encoding: args.encoding,
        create_accounts: args.create_accounts,
    };
    // An import into a ledger with txn_ids reads what was posted before on a second
    // connection, which a rollback journal would lock out.
    let bulk = !ledger.has_external_ids()?;
    // What a dry run found: set before the refusal that rolls it back.
    let dry = std::cell::RefCell::new(None);
    let import = |w: &mut townledger::store::Writer<'_>| {
        let summary = import_postings(w, &args.file, &options)?;
        if args.dry_run {
            // Roll back: the file is fine, nothing is kept.
            let msg = tr!(
                "import-dry-run",
                file = args.file.display(),
                posted = summary.posted,
                already = summary.already_posted
            );
            *dry.borrow_mut() = Some(msg.clone());
            return Err(townledger::Error::Rule(msg));
        }
        Ok(summary)
    };
    let summary = if bulk {
        ledger.write_bulk(&ctx.operator, import)
    } else {
        ledger.write(&ctx.operator, import)
    };
    let summary = match summary {
        Err(townledger::Error::Rule(msg)) if dry.borrow().as_ref() == Some(&msg) => {
            outln!("{msg}");
            return Ok(0);
        }
        other => other?,
    };
    let file = args.file.display();
    if summary.posted == 0 {
        outln!(
            "{}",
            tr!(
                "import-nothing-posted",
                file = file,
                already = summary.already_posted
            )
        );
    } else {
        outln!(
            "{}{}",
            tr!(
                "import-posted",
                file = file,
                posted = summary.posted,
                postings = summary.postings,
                first = summary.first_voucher.as_deref().unwrap_or(""),
                last = summary.last_voucher.as_deref().unwrap_or("")
            ),
            if summary.already_posted > 0 {
                tr!("import-skipped", already = summary.already_posted)
            } else {
                String::new()
            }
        );
    }
    let created = &summary.accounts_created;
    if !created.is_empty() {
        // A large import may create thousands of household accounts: name the first few.
        const SHOWN: usize = 10;
        let more = created.len().saturating_sub(SHOWN);
        outln!(
            "{}{}",
            tr!(
                "import-accounts-created",
                count = created.len(),
                names = created[..created.len().min(SHOWN)].join(", ")
            ),
            if more > 0 {
                tr!("import-accounts-more", more = more)
            } else {
                String::new()
            }
        );
    }
    Ok(0)
}

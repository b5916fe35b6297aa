use std::path::PathBuf;

use chrono::NaiveDate;
use townledger::error::{Error, Result};
use townledger::funds::grant::{
    self, grant_label, parse_grant_id, Application, Decision, Gate, GrantStatus, ReviewRequest,
};
use townledger::funds::project::parse_money;
use townledger::import::Encoding;
use townledger::report::grant_list::{grant_detail, grant_list};
use townledger::tr;

use super::{emit, parse_date, Context, OutputArgs};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Apply for a grant for a household; prints the grant's id (G1, G2 …) on the last line.
    Apply(ApplyArgs),
    /// Record a gate's decision: pass, or reject with a reason (which ends the grant).
    Review(ReviewArgs),
    /// Pay a grant that passed every gate, from its fund's bank account.
    Pay(PayArgs),
    /// Every grant: where it stands, the gates it passed, its payment voucher.
    List(ListArgs),
    /// One grant: the application, each gate's decision, its payment voucher.
    Show(ShowArgs),
    /// Apply for many grants from a CSV or XLSX file: every bad row reported, all or nothing.
    Import(ImportArgs),
}

#[derive(clap::Args, Debug)]
pub struct ApplyArgs {
    #[arg(long)]
    pub household: String,
    #[arg(long)]
    pub fund: String,
    #[arg(long)]
    pub amount: String,
    #[arg(long)]
    pub cause: String,
    #[arg(long)]
    pub loss: String,
    #[arg(long, default_value = "")]
    pub note: String,
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
}

#[derive(clap::Args, Debug)]
pub struct ReviewArgs {
    #[arg(
        required_unless_present = "all_pending",
        conflicts_with = "all_pending"
    )]
    pub grant: Option<String>,
    #[arg(long)]
    pub all_pending: bool,
    #[arg(long)]
    pub gate: Gate,
    #[arg(long, required_unless_present = "reject", conflicts_with = "reject")]
    pub pass: bool,
    #[arg(long)]
    pub reject: bool,
    #[arg(long)]
    pub by: String,
    #[arg(long)]
    pub reason: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
}

#[derive(clap::Args, Debug)]
pub struct PayArgs {
    #[arg(required_unless_present = "all_passed", conflicts_with = "all_passed")]
    pub grant: Option<String>,
    #[arg(long)]
    pub all_passed: bool,
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    #[arg(long)]
    pub by: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct ListArgs {
    #[arg(long)]
    pub status: Option<GrantStatus>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    pub grant: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    pub file: PathBuf,
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    #[arg(long, default_value = "auto")]
    pub encoding: Encoding,
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn grant_id(text: &str) -> Result<i64> {
    parse_grant_id(text).map_err(Error::rule)
}

pub fn run(ctx: &Context, command: Command) -> Result<i32> {
    match command {
        Command::Apply(args) => {
            let today = today();
            let app = Application {
                household: args.household,
                fund: args.fund,
                amount: parse_money("--amount", &args.amount)?,
                cause: args.cause,
                loss: parse_money("--loss", &args.loss)?,
                note: args.note,
                date: args.date.unwrap_or(today),
                dated: args.date.is_some(),
            };
            let mut ledger = ctx.open()?;
            let g = ledger.write(&ctx.operator, |w| grant::apply(w, &app, today))?;
            let gates: Vec<String> = g.gates.iter().map(|x| x.label()).collect();
            let fund = ledger
                .funds()?
                .into_iter()
                .find(|f| f.id == g.fund)
                .map_or_else(|| g.fund.clone(), |f| f.name);
            outln!(
                "{}",
                tr!(
                    "grant-applied",
                    grant = g.label(),
                    household = g.household.as_str(),
                    amount = g.amount.grouped(),
                    fund = fund,
                    cause = g.cause.as_str(),
                    loss = g.loss.grouped(),
                    gates = gates.join(" → ")
                )
            );
            outln!("{}", g.label());
            Ok(0)
        }
        Command::Review(args) => {
            let today = today();
            let decision = if args.reject {
                Decision::Reject
            } else {
                Decision::Pass
            };
            let req = ReviewRequest {
                gate: args.gate,
                decision,
                by: args.by,
                note: args.reason.or(args.note).unwrap_or_default(),
                on: args.date.unwrap_or(today),
                dated: args.date.is_some(),
            };
            let mut ledger = ctx.open()?;
            let Some(grant) = args.grant else {
                let ids =
                    ledger.write(&ctx.operator, |w| grant::review_all_pending(w, &req, today))?;
                outln!(
                    "{}",
                    tr!(
                        "grant-reviewed-many",
                        count = ids.len(),
                        gate = req.gate.label(),
                        by = req.by.trim(),
                        passed = (decision == Decision::Pass).to_string(),
                        on = req.on
                    )
                );
                return Ok(0);
            };
            let id = grant_id(&grant)?;
            let state = ledger.write(&ctx.operator, |w| grant::review(w, id, &req, today))?;
            let label = grant_label(id);
            let line = match (decision, state.next_gate()) {
                (Decision::Reject, _) => tr!(
                    "grant-reviewed-rejected",
                    grant = label,
                    gate = req.gate.label(),
                    by = req.by.trim(),
                    on = req.on,
                    reason = req.note.trim()
                ),
                (Decision::Pass, Some(next)) => tr!(
                    "grant-reviewed-next",
                    grant = label,
                    gate = req.gate.label(),
                    by = req.by.trim(),
                    on = req.on,
                    next = next.label()
                ),
                (Decision::Pass, None) => tr!(
                    "grant-reviewed-all",
                    grant = label,
                    gate = req.gate.label(),
                    by = req.by.trim(),
                    on = req.on
                ),
            };
            outln!("{line}");
            Ok(0)
        }
        Command::Pay(args) => {
            let date = args.date.unwrap_or_else(today);
            let mut ledger = ctx.open()?;
            let paid = match &args.grant {
                Some(g) => {
                    let id = grant_id(g)?;
                    ledger.write(&ctx.operator, |w| {
                        grant::pay(w, id, date, args.by.as_deref()).map(|p| vec![p])
                    })?
                }
                None => ledger.write_bulk(&ctx.operator, |w| {
                    grant::pay_all_passed(w, date, args.by.as_deref())
                })?,
            };
            for p in &paid {
                outln!(
                    "{}",
                    tr!(
                        "grant-paid",
                        grant = p.grant.label(),
                        amount = p.grant.amount.grouped(),
                        household = p.grant.household.as_str(),
                        bank = p.bank.as_str(),
                        date = date,
                        voucher = p.voucher.as_str()
                    )
                );
            }
            Ok(0)
        }
        Command::List(args) => {
            let ledger = ctx.open()?;
            let mut doc = grant_list(&ledger, args.status, args.output.lang)?;
            doc.footer = Some(townledger::report::ledger_footer(
                &ledger,
                args.output.lang,
            )?);
            emit(&doc, &args.output)?;
            Ok(0)
        }
        Command::Show(args) => {
            let id = grant_id(&args.grant)?;
            let ledger = ctx.open()?;
            let mut doc = grant_detail(&ledger, id, args.output.lang)?;
            doc.footer = Some(townledger::report::ledger_footer(
                &ledger,
                args.output.lang,
            )?);
            emit(&doc, &args.output)?;
            Ok(0)
        }
        Command::Import(args) => {
            let today = today();
            let mut ledger = ctx.open()?;
            let grants = ledger.write_bulk(&ctx.operator, |w| {
                grant::import_grants(w, &args.file, args.encoding, args.date, today)
            })?;
            let (first, last) = (grants[0].label(), grants[grants.len() - 1].label());
            outln!(
                "{}",
                tr!(
                    "grant-imported",
                    count = grants.len(),
                    first = first,
                    last = last
                )
            );
            for g in &grants {
                outln!("{}", g.label());
            }
            Ok(0)
        }
    }
}

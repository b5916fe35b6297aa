//! An allocation run's life: plan → approve (village) → approve (town) → notice → post → pay.
//!
//! The rules that make money move only after approval and public notice live here:
//! - the proposer is the operator who ran `plan`; an approval by the proposer is refused, and
//!   the town approves only after the village, by someone else; whoever pays is neither
//!   approver. Names are compared as people read them: spaces, letter case, full-width forms
//!   and invisible characters do not make another person ([`same_person`]);
//! - approvals are dated (not before the run, not in the future, the town's not before the
//!   village's); the notice is published on a date not before the town's approval and payment
//!   may start 5 working days later; posting the payables before that day is refused unless
//!   forced with a reason (kept on the run);
//! - a run posts at most once (one voucher: the fund pays each household's payable); a posted run
//!   is corrected only by a reversing run;
//! - payment settles each household's payable once, from a bank account, either for all or for
//!   the successful lines of the bank's result file (failures stay payable and are listed).

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde_json::json;

use super::{divide, Bound, Candidate, Plan, PlanLine, Policy};
use crate::error::{Error, Result, RowError};
use crate::funds::household_payable;
use crate::households::HouseholdRecord;
use crate::import::{open_text, DecodeError, Encoding};
use crate::ledger::{AccountKind, NewTransaction, Posting};
use crate::money::{Amount, Total};
pub use crate::people::same_person;
use crate::store::{
    LineBlock, NewRun, NewRunLine, PostOutcome, RunDue, RunLine, RunRecord, Writer, LINES_PER_BLOCK,
};
use crate::text::{check_stored_rule, MEMO_MAX, NAME_MAX};

/// Working days a notice stays up before payment may start.
pub const NOTICE_WORKING_DAYS: u32 = 5;

/// `date` plus `n` working days by the State Council's holiday calendar (Monday to Friday
/// outside the years it covers).
pub fn add_working_days(date: NaiveDate, n: u32) -> NaiveDate {
    crate::allocate::calendar::Calendar::state_council().add_working_days(date, n)
}

/// The notice period of a published run, as its policy's calendar counts it: from the
/// publication date to the last working day before payment may start. `None` before the
/// notice is published.
pub fn notice_period(run: &RunRecord) -> Option<(NaiveDate, NaiveDate)> {
    let (published, earliest) = (run.published?, run.earliest_payment?);
    let last = match Policy::from_toml_str(&run.policy_text, &run.policy_source) {
        Ok(policy) => policy.calendar().working_day_before(earliest, published),
        Err(_) => crate::allocate::calendar::Calendar::state_council()
            .working_day_before(earliest, published),
    };
    Some((published, last))
}

/// A warning when a published run's notice period falls in a year the built-in holiday
/// calendar does not cover: its working days were counted as Monday to Friday, with only
/// the days the policy's `[calendar]` lists.
pub fn notice_calendar_warning(run: &RunRecord) -> Option<String> {
    let (published, earliest) = (run.published?, run.earliest_payment?);
    let builtin = crate::allocate::calendar::Calendar::state_council();
    let years = builtin.uncovered_years(published, earliest);
    if years.is_empty() {
        return None;
    }
    let years: Vec<String> = years.iter().map(i32::to_string).collect();
    Some(crate::tr!(
        "run-notice-calendar-warning",
        run = &run.id,
        published = published,
        earliest = earliest,
        years = years.join(", "),
        covered = builtin.covered_label()
    ))
}

/// What a run's posting and payment read: they refuse to act if any was altered behind the
/// program's back.
const RUN_TABLES: [&str; 3] = [
    "allocation_runs",
    "allocation_line_blocks",
    "allocation_payment_batches",
];

/// Where a run stands.
pub fn status(run: &RunRecord) -> &'static str {
    if run.reverses_run.is_some() {
        "reversal"
    } else if run.reversed_by_run.is_some() {
        "reversed"
    } else if run.posted_voucher.is_some() {
        "posted"
    } else if run.published.is_some() {
        "noticed"
    } else if run.town_by.is_some() {
        "approved"
    } else if run.village_by.is_some() {
        "village-approved"
    } else {
        "planned"
    }
}

/// A plan line with the household's register data, as the run keeps it.
fn run_line<'l>(l: &'l PlanLine, h: &'l Holder) -> NewRunLine<'l> {
    NewRunLine {
        household: &l.household,
        village: &l.village,
        name: &h.name,
        id_number: &h.id_number,
        bank_card: &h.bank_card,
        members: l.members,
        category: &l.category,
        risk_level: &l.risk_level,
        excluded: l.excluded.as_deref(),
        weight: l.weight.as_ref().map(|w| w.weight.as_str()),
        quota: l.quota.as_deref(),
        share: l.share,
        residual: l.residual.as_deref(),
        fixed: l.fixed.iter().map(|f| f.amount).sum(),
        total: l.total,
        bound: l.bound.and_then(|b| match b {
            Bound::Floor => Some("floor"),
            Bound::Cap => Some("cap"),
            Bound::Proportional => None,
        }),
        explanation: &l.explanation,
    }
}

/// What the register says of a household beyond what the policy reads: the run keeps it.
struct Holder {
    name: String,
    id_number: String,
    bank_card: String,
}

/// A household as the policy reads it, and the rest of its register data.
fn candidate(h: HouseholdRecord) -> (Candidate, Holder) {
    let candidate = Candidate {
        id: h.id,
        village: h.village,
        members: h.members,
        per_capita_income: h.per_capita_income,
        category: h.category.map(|c| c.as_str()).unwrap_or("").to_string(),
        risk_level: h.risk_level,
        risk_causes: h.risk_causes,
        labour: h.labour.as_str().to_string(),
    };
    let holder = Holder {
        name: h.name,
        id_number: h.id_number,
        bank_card: h.bank_card,
    };
    (candidate, holder)
}

/// Plan a run: the households in force on `date`, the policy at `policy_path`, `pool` from
/// `fund`. Stores the run with the policy's text and hash; returns its id and the plan.
pub fn plan_run(
    w: &mut Writer<'_>,
    policy_path: &Path,
    fund: &str,
    pool: Amount,
    date: NaiveDate,
    year: Option<i32>,
) -> Result<(i64, Plan)> {
    if pool.is_negative() || pool.is_zero() {
        return Err(Error::rule(crate::tr!(
            "run-pool-not-positive",
            pool = pool.to_string()
        )));
    }
    let text = std::fs::read_to_string(policy_path).map_err(|e| Error::io(policy_path, e))?;
    let source = policy_path.display().to_string();
    let policy = Policy::from_toml_str(&text, &source)?;
    if w.account(fund)?.is_none() {
        return Err(Error::NotFound(crate::tr!("run-no-fund", fund = fund)));
    }
    let households = w.households_on(date)?;
    if households.is_empty() {
        return Err(Error::rule(crate::tr!("run-register-empty")));
    }
    let year = year.unwrap_or(date.year());
    let (candidates, holders): (Vec<Candidate>, Vec<Holder>) =
        households.into_iter().map(candidate).unzip();
    let division = divide(&policy, year, pool, &candidates)?;
    let plan = division.summary.clone();
    let summary = json!({
        "line": plan.line, "fixed_total": plan.fixed_total, "apportioned": plan.apportioned,
        "total_weight": plan.total_weight, "eligible": plan.eligible, "excluded": plan.excluded,
        "at_floor": plan.at_floor, "at_cap": plan.at_cap, "notes": plan.notes,
    })
    .to_string();
    let run = NewRun {
        fund,
        pool,
        date,
        year,
        policy_name: &plan.policy_name,
        policy_source: &source,
        policy_text: policy.text(),
        policy_sha256: policy.sha256(),
        summary: &summary,
        reverses_run: None,
    };
    // Lines are made (explanations written) and encoded a block at a time, alternately here
    // and on a second thread; this thread stores the blocks in order.
    let n = division.len();
    let ranges: Vec<std::ops::Range<usize>> = (0..n)
        .step_by(LINES_PER_BLOCK)
        .map(|start| start..(start + LINES_PER_BLOCK).min(n))
        .collect();
    let (division, holders) = (&division, &holders);
    let make = move |range: std::ops::Range<usize>| {
        let mut block = LineBlock::new();
        for (i, line) in division.lines(range) {
            block.push(&run_line(&line, &holders[i]));
        }
        block
    };
    let (id, stored, count) = std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<LineBlock>(4);
        let odd: Vec<_> = ranges.iter().skip(1).step_by(2).cloned().collect();
        scope.spawn(move || {
            for range in odd {
                if tx.send(make(range)).is_err() {
                    return; // the store stopped on an error
                }
            }
        });
        // What the stored lines add up to, counted as they go by.
        let (mut stored, mut count) = (Amount::ZERO, 0usize);
        let blocks = ranges
            .iter()
            .enumerate()
            .map_while(|(b, range)| {
                if b % 2 == 0 {
                    Some(make(range.clone()))
                } else {
                    rx.recv().ok()
                }
            })
            .inspect(|block| {
                stored += block.total();
                count += block.len();
            });
        let id = w.insert_run(&run, blocks);
        drop(rx);
        id.map(|id| (id, stored, count))
    })?;
    if count != n {
        return Err(Error::rule(format!(
            "internal check failed: {count} lines were stored, not {n}"
        )));
    }
    if stored != pool {
        return Err(Error::rule(format!(
            "internal check failed: the stored shares add up to {stored}, not the pool {pool}"
        )));
    }
    Ok((id, plan))
}

/// Approve run `id` as `by` in `role` (`village` first, then `town`), decided on `on` (not
/// before the run's date, not after `today`).
pub fn approve(
    w: &mut Writer<'_>,
    id: i64,
    by: &str,
    role: &str,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<RunRecord> {
    check_stored_rule(&crate::tr!("run-field-approver"), by, NAME_MAX)?;
    let run = w.run(id)?;
    let by = by.split_whitespace().collect::<Vec<_>>().join(" ");
    let by = by.as_str();
    if crate::people::is_blank_name(by) {
        return Err(Error::rule(crate::tr!("run-approval-needs-by")));
    }
    if run.reverses_run.is_some() {
        return Err(Error::rule(crate::tr!(
            "run-reversal-no-approval",
            run = id
        )));
    }
    if same_person(by, &run.proposer) {
        return Err(Error::rule(crate::tr!(
            "run-proposer-approves",
            run = id,
            proposer = run.proposer.trim()
        )));
    }
    if on < run.date {
        return Err(Error::rule(crate::tr!(
            "run-approved-before-date",
            run = id,
            date = run.date,
            on = on
        )));
    }
    if on > today {
        return Err(Error::rule(crate::tr!(
            "run-approval-future",
            on = on,
            today = today
        )));
    }
    match role {
        "village" => {
            if let Some(v) = &run.village_by {
                return Err(Error::rule(crate::tr!(
                    "run-village-approved-already",
                    run = id,
                    by = v
                )));
            }
        }
        "town" => {
            if run.village_by.is_none() {
                return Err(Error::rule(crate::tr!("run-village-first", run = id)));
            }
            if let Some(t) = &run.town_by {
                return Err(Error::rule(crate::tr!(
                    "run-town-approved-already",
                    run = id,
                    by = t
                )));
            }
            if let Some(village) = run.village_by.as_deref().filter(|v| same_person(v, by)) {
                return Err(Error::rule(crate::tr!(
                    "run-same-approver",
                    run = id,
                    village = village
                )));
            }
            if let Some(village_on) = run.village_on.filter(|d| on < *d) {
                return Err(Error::rule(crate::tr!(
                    "run-town-before-village",
                    run = id,
                    village_on = village_on,
                    on = on
                )));
            }
        }
        other => return Err(Error::rule(crate::tr!("run-unknown-role", role = other))),
    }
    w.approve_run(id, role, by, on)?;
    w.run(id)
}

/// Publish the notice of run `id` on `asked` (default `today`). The first publication fixes
/// the date; a reprint keeps it (asking for another date then is refused). The date may not
/// come before the run's date or the town's approval. Returns the run with its publication and
/// earliest payment dates.
pub fn publish(
    w: &mut Writer<'_>,
    id: i64,
    asked: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<RunRecord> {
    let run = w.run(id)?;
    if run.village_by.is_none() || run.town_by.is_none() {
        return Err(Error::rule(crate::tr!(
            "run-notice-needs-approval",
            run = id
        )));
    }
    if let Some(p) = run.published {
        if let Some(asked) = asked.filter(|a| *a != p) {
            return Err(Error::rule(crate::tr!(
                "run-notice-published-already",
                run = id,
                published = p,
                asked = asked
            )));
        }
        return Ok(run);
    }
    let published = asked.unwrap_or(today);
    if published < run.date {
        return Err(Error::rule(crate::tr!(
            "run-notice-before-date",
            run = id,
            date = run.date,
            published = published
        )));
    }
    if let Some(town_on) = run.town_on.filter(|d| published < *d) {
        return Err(Error::rule(crate::tr!(
            "run-notice-before-town",
            run = id,
            town_on = town_on,
            published = published
        )));
    }
    // The run's own policy says which days are holidays.
    let policy = Policy::from_toml_str(&run.policy_text, &run.policy_source)?;
    w.publish_run(
        id,
        published,
        policy
            .calendar()
            .add_working_days(published, NOTICE_WORKING_DAYS),
    )?;
    w.run(id)
}

/// Post run `id`: one voucher moving the pool from the fund to each household's payable.
pub fn post(
    w: &mut Writer<'_>,
    id: i64,
    today: NaiveDate,
    date: Option<NaiveDate>,
    force_reason: Option<&str>,
) -> Result<String> {
    if let Some(reason) = force_reason {
        check_stored_rule(&crate::tr!("run-field-reason"), reason, MEMO_MAX)?;
    }
    w.require_recorded(&RUN_TABLES)?;
    let run = w.run(id)?;
    if let Some(v) = &run.posted_voucher {
        return Err(Error::rule(crate::tr!(
            "run-posted-already",
            run = id,
            voucher = v
        )));
    }
    let (Some(published), Some(earliest)) = (run.published, run.earliest_payment) else {
        return Err(Error::rule(crate::tr!("run-no-notice", run = id)));
    };
    if today < earliest {
        match force_reason {
            Some(reason) if !reason.trim().is_empty() => {}
            _ => {
                return Err(Error::rule(crate::tr!(
                    "run-notice-period",
                    run = id,
                    published = published,
                    earliest = earliest,
                    days = NOTICE_WORKING_DAYS
                )))
            }
        }
    }
    let available = -w.balance_of(&run.fund, None)?;
    if available < run.pool {
        return Err(Error::rule(crate::tr!(
            "run-fund-short",
            fund = &run.fund,
            available = available.grouped(),
            pool = run.pool.grouped()
        )));
    }
    let date = date.unwrap_or(if earliest <= today { earliest } else { today });
    let lines = w.run_dues(id)?;
    let memo = format!(
        "{} 分配 第{id}批: {}",
        fund_label(&run.fund),
        run.policy_name
    );
    let reference = format!("run:{id}");
    let owed: Vec<&RunDue> = lines.iter().filter(|l| !l.total.is_zero()).collect();
    let payables = ensure_payables(w, owed.iter().map(|l| l.household.as_str()))?;
    let mut postings = Vec::with_capacity(owed.len() + 1);
    postings.push(Posting {
        account: run.fund.clone(),
        amount: run.pool,
        memo: memo.clone(),
        household: None,
        reference: Some(reference.clone()),
    });
    for (l, account) in owed.into_iter().zip(payables) {
        postings.push(Posting {
            account,
            amount: -l.total,
            memo: memo.clone(),
            household: Some(l.household.clone()),
            reference: Some(reference.clone()),
        });
    }
    let voucher = match w.post(NewTransaction {
        tags: Vec::new(),
        date,
        memo,
        external_id: Some(format!("allocation-run-{id}")),
        reverses: None,
        reason: force_reason.map(str::to_string),
        postings,
    })? {
        PostOutcome::Posted { voucher, .. } | PostOutcome::AlreadyPosted { voucher } => voucher,
    };
    w.mark_run_posted(id, &voucher, force_reason)?;
    Ok(voucher)
}

fn fund_label(fund: &str) -> &str {
    fund.rsplit(':').next().unwrap_or(fund)
}

/// The parent of every household payable (`负债:应付款:农户`).
fn payables_parent() -> String {
    household_payable("").trim_end_matches(':').to_string()
}

/// Each household's payable account, in order, creating those that are missing (in that order).
fn ensure_payables<'h>(
    w: &mut Writer<'_>,
    households: impl Iterator<Item = &'h str>,
) -> Result<Vec<String>> {
    w.load_accounts_under(&payables_parent())?;
    let names: Vec<String> = households.map(household_payable).collect();
    let mut missing = Vec::new();
    let mut seen = rustc_hash::FxHashSet::default();
    for name in &names {
        let known = match w.known_account(name) {
            Some(known) => known,
            None => w.account(name)?.is_some(),
        };
        if !known && seen.insert(name.as_str()) {
            missing.push(name.clone());
        }
    }
    drop(seen);
    w.add_accounts(missing, AccountKind::Liability)?;
    Ok(names)
}

/// What a payment did.
#[derive(Clone, Debug, Default)]
pub struct PaySummary {
    pub voucher: Option<String>,
    pub paid: Vec<(String, Amount)>,
    /// Households still payable after this payment, with why.
    pub unpaid: Vec<(String, Amount, String)>,
}

impl PaySummary {
    pub fn total(&self) -> Amount {
        self.paid.iter().map(|(_, a)| *a).sum()
    }
}

/// One line of a bank's payment result file.
struct BankLine {
    line: u64,
    /// The household, or empty when the bank names only the card paid into.
    household: String,
    card: Option<String>,
    amount: Amount,
    success: bool,
    reference: Option<String>,
    reason: String,
}

fn read_bank_file(path: &Path) -> Result<Vec<BankLine>> {
    let file = path.display().to_string();
    let input = open_text(path, Encoding::Auto)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(input.reader);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| {
            let row = match DecodeError::of_csv(&e) {
                Some(bad) => bad.row_error(&file),
                None => RowError::new(&file, 1, e.to_string()),
            };
            Error::Input(vec![row])
        })?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let find = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let household = find(&["household_id", "household", "户编号", "户号"]);
    // A bank's own result file names the card paid into rather than the household.
    let card = find(&[
        "bank_card",
        "card",
        "account",
        "一卡通账号",
        "一卡通",
        "社保卡号",
        "卡号",
        "账号",
        "收款账号",
        "收款人账号",
        "银行卡号",
        "银行账号",
    ]);
    let amount = find(&[
        "amount",
        "金额",
        "发放金额",
        "交易金额",
        "实发金额",
        "代发金额",
    ]);
    let status = find(&[
        "status",
        "状态",
        "结果",
        "处理结果",
        "交易状态",
        "处理状态",
        "代发结果",
    ]);
    let reference = find(&[
        "ref",
        "reference",
        "流水号",
        "交易流水号",
        "银行流水号",
        "交易流水",
    ]);
    let reason = find(&[
        "reason",
        "message",
        "失败原因",
        "备注",
        "错误信息",
        "失败信息",
    ]);
    let (Some(amount), Some(status)) = (amount, status) else {
        return Err(Error::Input(vec![RowError::new(
            &file,
            1,
            crate::tr!("bank-file-columns"),
        )]));
    };
    if household.is_none() && card.is_none() {
        return Err(Error::Input(vec![RowError::new(
            &file,
            1,
            crate::tr!("bank-file-household-column"),
        )]));
    }
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for rec in reader.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                if let Some(bad) = DecodeError::of_csv(&e) {
                    // The rest of the file cannot be read.
                    errors.push(bad.row_error(&file));
                    break;
                }
                errors.push(RowError::new(
                    &file,
                    e.position().map_or(0, |p| p.line()),
                    e.to_string(),
                ));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        let get = |i: usize| rec.get(i).unwrap_or("").trim();
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let amount = match Amount::parse(get(amount)) {
            Ok(a) => a,
            Err(e) => {
                errors.push(RowError::new(&file, line, e.to_string()));
                continue;
            }
        };
        let success = match get(status).to_lowercase().as_str() {
            "成功" | "已入账" | "入账成功" | "success" | "succeeded" | "ok" | "s" | "1" | "y" => {
                true
            }
            "失败" | "退回" | "退票" | "failed" | "fail" | "failure" | "error" | "f" | "0"
            | "n" => false,
            other => {
                errors.push(RowError::new(
                    &file,
                    line,
                    crate::tr!("bank-file-status", status = other),
                ));
                continue;
            }
        };
        let card_number = card
            .map(|i| {
                get(i)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
            })
            .filter(|s| !s.is_empty());
        let household_id = household.map(|i| get(i).to_string()).unwrap_or_default();
        if household_id.is_empty() && card_number.is_none() {
            errors.push(RowError::new(
                &file,
                line,
                crate::tr!("bank-file-no-household"),
            ));
            continue;
        }
        out.push(BankLine {
            line,
            card: card_number,
            household: household_id,
            amount,
            success,
            reference: reference
                .map(|i| get(i).to_string())
                .filter(|s| !s.is_empty()),
            reason: reason.map(|i| get(i).to_string()).unwrap_or_default(),
        });
    }
    if !errors.is_empty() {
        return Err(Error::Input(errors));
    }
    Ok(out)
}

/// Pay run `id`'s outstanding payables from `from` on `date`: all of them, or with
/// `bank_file` only the lines the bank reports as successful.
pub fn pay(
    w: &mut Writer<'_>,
    id: i64,
    date: NaiveDate,
    from: &str,
    bank_file: Option<&Path>,
) -> Result<PaySummary> {
    w.require_recorded(&RUN_TABLES)?;
    let run = w.run(id)?;
    let Some(posted) = &run.posted_voucher else {
        return Err(Error::rule(crate::tr!("pay-not-posted", run = id)));
    };
    if run.reversed_by_run.is_some() || run.reverses_run.is_some() {
        return Err(Error::rule(crate::tr!("pay-reversed", run = id)));
    }
    if let Some(by) = w.reversal_of_voucher(posted)? {
        return Err(Error::rule(crate::tr!(
            "pay-voucher-reversed",
            run = id,
            voucher = posted,
            by = &by
        )));
    }
    if let Some(earliest) = run.earliest_payment {
        if date < earliest && run.force_reason.is_none() {
            return Err(Error::rule(crate::tr!(
                "pay-before-notice-ends",
                earliest = earliest,
                date = date
            )));
        }
    }
    let operator = w.operator().to_string();
    if [run.village_by.as_deref(), run.town_by.as_deref()]
        .into_iter()
        .flatten()
        .any(|approver| same_person(approver, &operator))
    {
        return Err(Error::rule(crate::tr!(
            "pay-by-approver",
            run = id,
            operator = operator.trim()
        )));
    }
    let Some(bank) = w.account(from)?.map(|a| a.name.clone()) else {
        return Err(Error::NotFound(crate::tr!("pay-no-account", from = from)));
    };
    w.pay_only_what_is_held(&bank)?;
    let lines = w.run_dues(id)?;
    let outstanding: Vec<&RunDue> = lines.iter().filter(|l| l.total > l.paid).collect();
    if outstanding.is_empty() {
        return Err(Error::rule(format!(
            "run {id} (voucher {posted}) has nothing left to pay"
        )));
    }
    let mut summary = PaySummary::default();
    let mut to_pay: Vec<(String, Amount, Option<String>)> = Vec::new();
    match bank_file {
        None => {
            for l in &outstanding {
                to_pay.push((l.household.clone(), l.total - l.paid, None));
            }
        }
        Some(path) => {
            let file = path.display().to_string();
            let mut bank_lines = read_bank_file(path)?;
            let mut errors = Vec::new();
            if bank_lines.iter().any(|b| b.household.is_empty()) {
                // Lines that name only the card: the household the run pays into that card.
                let by_card: std::collections::HashMap<String, String> = w
                    .run_lines(id)?
                    .into_iter()
                    .filter(|l| !l.bank_card.is_empty())
                    .map(|l| (l.bank_card, l.household))
                    .collect();
                for b in bank_lines.iter_mut().filter(|b| b.household.is_empty()) {
                    let card = b.card.as_deref().unwrap_or_default();
                    match by_card.get(card) {
                        Some(household) => b.household = household.clone(),
                        None => errors.push(RowError::new(
                            &file,
                            b.line,
                            crate::tr!(
                                "bank-file-card-unknown",
                                card = crate::households::mask_bank_card(card),
                                run = id
                            ),
                        )),
                    }
                }
                bank_lines.retain(|b| !b.household.is_empty());
            }
            let mut seen = std::collections::HashSet::new();
            let by_household: std::collections::HashMap<&str, &RunDue> =
                lines.iter().map(|l| (l.household.as_str(), l)).collect();
            for b in &bank_lines {
                let Some(l) = by_household.get(b.household.as_str()) else {
                    errors.push(RowError::new(
                        &file,
                        b.line,
                        crate::tr!("bank-file-not-in-run", household = &b.household, run = id),
                    ));
                    continue;
                };
                if !seen.insert(b.household.clone()) {
                    errors.push(RowError::new(
                        &file,
                        b.line,
                        crate::tr!("bank-file-twice", household = &b.household),
                    ));
                    continue;
                }
                let due = l.total - l.paid;
                if due.is_zero() {
                    errors.push(RowError::new(
                        &file,
                        b.line,
                        crate::tr!("bank-file-paid-already", household = &b.household),
                    ));
                    continue;
                }
                if b.amount != due {
                    errors.push(RowError::new(
                        &file,
                        b.line,
                        crate::tr!(
                            "bank-file-amount",
                            household = &b.household,
                            amount = b.amount.to_string(),
                            due = due.to_string()
                        ),
                    ));
                    continue;
                }
                if b.success {
                    to_pay.push((b.household.clone(), due, b.reference.clone()));
                } else {
                    let why = if b.reason.is_empty() {
                        crate::tr!("bank-failure")
                    } else {
                        crate::tr!("bank-failure-reason", reason = &b.reason)
                    };
                    summary.unpaid.push((b.household.clone(), due, why));
                }
            }
            if !errors.is_empty() {
                return Err(Error::Input(errors));
            }
            for l in &outstanding {
                if !seen.contains(&l.household) {
                    summary.unpaid.push((
                        l.household.clone(),
                        l.total - l.paid,
                        crate::tr!("bank-file-missing"),
                    ));
                }
            }
        }
    }
    if to_pay.is_empty() {
        return Ok(summary);
    }
    let total = to_pay
        .iter()
        .map(|(_, a, _)| *a)
        .collect::<Total>()
        .amount()
        .filter(|t| t.within_posting_limit())
        .ok_or_else(|| {
            Error::rule(crate::tr!(
                "pay-too-large",
                run = id,
                max = Amount::MAX.grouped(),
                bank = &bank
            ))
        })?;
    let memo = format!("{} 发放 第{id}批", fund_label(&run.fund));
    w.load_accounts_under(&payables_parent())?;
    let mut postings: Vec<Posting> = Vec::with_capacity(to_pay.len() + 1);
    for (household, amount, reference) in &to_pay {
        postings.push(Posting {
            account: household_payable(household),
            amount: *amount,
            memo: memo.clone(),
            household: Some(household.clone()),
            reference: reference.clone().or_else(|| Some(format!("run:{id}"))),
        });
    }
    postings.push(Posting {
        account: bank,
        amount: -total,
        memo: memo.clone(),
        household: None,
        reference: Some(format!("run:{id}")),
    });
    let voucher = match w.post(NewTransaction {
        tags: Vec::new(),
        date,
        memo,
        external_id: None,
        reverses: None,
        reason: None,
        postings,
    })? {
        PostOutcome::Posted { voucher, .. } | PostOutcome::AlreadyPosted { voucher } => voucher,
    };
    w.record_payments(id, &to_pay, date, &voucher)?;
    summary.voucher = Some(voucher);
    summary.paid = to_pay.into_iter().map(|(h, a, _)| (h, a)).collect();
    Ok(summary)
}

/// Reverse posted run `id` (before any payment): posts the mirror voucher and records a
/// reversing run linked to it. Returns the new run id and the voucher.
pub fn reverse(
    w: &mut Writer<'_>,
    id: i64,
    reason: &str,
    date: NaiveDate,
) -> Result<(i64, String)> {
    check_stored_rule(&crate::tr!("run-field-reason"), reason, MEMO_MAX)?;
    w.require_recorded(&RUN_TABLES)?;
    let run = w.run(id)?;
    let Some(voucher) = run.posted_voucher.clone() else {
        return Err(Error::rule(crate::tr!("run-reverse-not-posted", run = id)));
    };
    if let Some(by) = run.reversed_by_run {
        return Err(Error::rule(crate::tr!(
            "run-reversed-already",
            run = id,
            by = by
        )));
    }
    if let Some(of) = run.reverses_run {
        return Err(Error::rule(crate::tr!(
            "run-reverse-reversal",
            run = id,
            of = of
        )));
    }
    let lines = w.run_lines(id)?;
    if lines.iter().any(|l| !l.paid.is_zero()) {
        return Err(Error::rule(crate::tr!("run-reverse-paid", run = id)));
    }
    let mirror = w.reverse(&voucher, reason, date)?;
    let negated: Vec<RunLine> = lines
        .into_iter()
        .map(|l| RunLine {
            share: -l.share,
            fixed: -l.fixed,
            total: -l.total,
            explanation: format!("冲销第{id}批: {reason}"),
            ..l
        })
        .collect();
    let summary = json!({ "reverses": id, "reason": reason }).to_string();
    let new_id = w.insert_run_lines(
        &NewRun {
            fund: &run.fund,
            pool: -run.pool,
            date,
            year: run.year,
            policy_name: &run.policy_name,
            policy_source: &run.policy_source,
            policy_text: &run.policy_text,
            policy_sha256: &run.policy_sha256,
            summary: &summary,
            reverses_run: Some(id),
        },
        negated.iter().map(RunLine::as_new),
    )?;
    w.mark_run_posted(new_id, &mirror, Some(reason))?;
    w.mark_run_reversed(id, new_id)?;
    Ok((new_id, mirror))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days_skip_weekends_and_public_holidays() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // Published Monday 2024-12-30: New Year's Day is off, so five working days later is
        // Tuesday 2025-01-07.
        assert_eq!(add_working_days(d(2024, 12, 30), 5), d(2025, 1, 7));
        // Published Saturday: Monday, Tuesday, Thursday, Friday and the next Monday.
        assert_eq!(add_working_days(d(2024, 12, 28), 5), d(2025, 1, 6));
        assert_eq!(add_working_days(d(2024, 12, 27), 1), d(2024, 12, 30));
    }

    #[test]
    fn working_days_follow_the_policy_calendar() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let policy = |calendar: &str| {
            Policy::from_toml_str(
                &format!(
                    "[lines]\n2024 = \"7000\"\n[weights]\nbase = \"500\"\nper_member = \"300\"\n\
                     gap_factor = \"0.5\"\n[categories]\n\"脱贫不稳定户\" = \"1\"\n{calendar}"
                ),
                "p.toml",
            )
        };
        // Without a [calendar], the State Council's: New Year's Day is a holiday, published
        // Monday 2024-12-30, payment from Tuesday 2025-01-07.
        let p = policy("").unwrap();
        assert_eq!(
            p.calendar().add_working_days(d(2024, 12, 30), 5),
            d(2025, 1, 7)
        );
        let p = policy("[calendar]\nholidays = [\"2025-01-01\"]\n").unwrap();
        assert_eq!(
            p.calendar().add_working_days(d(2024, 12, 30), 5),
            d(2025, 1, 7)
        );
        // A policy adds its own days off, and may make a day off a working day.
        let p = policy("[calendar]\nholidays = [\"2025-01-02\"]\n").unwrap();
        assert_eq!(
            p.calendar().add_working_days(d(2024, 12, 30), 5),
            d(2025, 1, 8)
        );
        let p = policy("[calendar]\nworkdays = [\"2025-01-01\"]\n").unwrap();
        assert_eq!(
            p.calendar().add_working_days(d(2024, 12, 30), 5),
            d(2025, 1, 6)
        );
        // Spring Festival 2025: Sunday 2025-01-26 is worked, 01-28 to 02-04 are off.
        let p = policy(
            "[calendar]\nholidays = [\"2025-01-28\", \"2025-01-29\", \"2025-01-30\", \"2025-01-31\", \"2025-02-03\", \"2025-02-04\"]\nworkdays = [\"2025-01-26\"]\n",
        )
        .unwrap();
        // Published Friday 01-24: Sun 26, Mon 27, then Wed 02-05, Thu 06, Fri 07.
        assert_eq!(
            p.calendar().add_working_days(d(2025, 1, 24), 5),
            d(2025, 2, 7)
        );
        match policy("[calendar]\nholidays = [\"2025-13-01\"]\n") {
            Err(Error::Input(errors)) => {
                assert!(
                    errors[0].to_string().starts_with("p.toml:10:"),
                    "{errors:?}"
                );
                assert!(
                    errors[0].reason.contains("[calendar] holidays"),
                    "{errors:?}"
                );
            }
            other => panic!("expected a policy error, got {other:?}"),
        }
    }
}

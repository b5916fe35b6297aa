//! Matches kept, made by the rounds of [`super::matching`] or by a person, undone, and
//! statements locked: `townledger reconcile`, `reconcile match`, `unmatch`, `lock`, `unlock`.
//!
//! Every match and unmatch is kept with who made it and when (the record chain keeps the rows;
//! `bank_events` says what was done). A match's bank lines and postings sum to the same fen; a
//! line or a posting is in one match at most. A locked statement's lines cannot be unmatched,
//! and no voucher matched to them can be reversed (the write path refuses it, whatever
//! command reverses), until the statement is unlocked with a reason.

use std::collections::HashMap;

use super::matching::{auto_match, Line, Payment, Rule, Unit};
use super::position::{position, Position};
use super::statement_named;
use crate::error::{Error, Result};
use crate::money::Total;
use crate::store::bank::{BankReads, BankStatement, BookItem};
use crate::store::Writer;
use crate::text::{check_stored_rule, MEMO_MAX};

/// The account a person names, as (id, name).
pub fn bank_account(w: &mut Writer<'_>, name: &str) -> Result<(i64, String)> {
    match w.account(name)? {
        Some(a) => Ok((a.id, a.name.clone())),
        None => Err(Error::NotFound(crate::tr!(
            "account-unknown",
            name = name.trim()
        ))),
    }
}

/// What `reconcile` did: the matches made by each rule, and where the statement stands.
#[derive(Clone, Debug)]
pub struct AutoOutcome {
    pub made: Vec<(Rule, usize)>,
    pub position: Position,
}

/// Match what the rounds can among the account's unmatched bank lines up to the statement's
/// end and its unmatched postings from the first statement up to `window` days after it.
pub fn reconcile(
    w: &mut Writer<'_>,
    account: &str,
    statement: &str,
    window: i64,
) -> Result<AutoOutcome> {
    let account = bank_account(w, account)?;
    let statement = statement_named(w, (account.0, &account.1), statement)?;
    let start = w
        .bank_statements(account.0)?
        .iter()
        .map(|s| s.from)
        .min()
        .unwrap_or(statement.from);
    let lines: Vec<_> = w
        .bank_lines(account.0, Some(statement.to))?
        .into_iter()
        .filter(|l| l.match_id.is_none())
        .collect();
    let until = statement.to + chrono::Days::new(window.max(0) as u64);
    let items: Vec<BookItem> = w
        .bank_book_items(account.0, Some(start), until)?
        .into_iter()
        .filter(|b| b.match_id.is_none())
        .collect();
    // A voucher's postings to the account, together.
    let mut by_txn: Vec<(i64, Vec<&BookItem>)> = Vec::new();
    let mut at: HashMap<i64, usize> = HashMap::new();
    for item in &items {
        let i = *at.entry(item.txn).or_insert_with(|| {
            by_txn.push((item.txn, Vec::new()));
            by_txn.len() - 1
        });
        by_txn[i].1.push(item);
    }
    let mut payments: HashMap<String, Vec<crate::store::bank::RunPaymentLine>> = HashMap::new();
    for (_, postings) in &by_txn {
        let first = postings[0];
        if postings.iter().any(|p| {
            p.reference
                .as_deref()
                .is_some_and(|r| r.starts_with("run:"))
        }) && !payments.contains_key(&first.voucher)
        {
            let paid = w.run_payment_lines(&first.voucher)?;
            payments.insert(first.voucher.clone(), paid);
        }
    }
    let memos: Vec<String> = by_txn
        .iter()
        .map(|(_, ps)| {
            let mut memo = String::new();
            for p in ps {
                if !memo.contains(p.memo.as_str()) {
                    memo.push_str(&p.memo);
                    memo.push(' ');
                }
            }
            memo
        })
        .collect();
    let units: Vec<Unit<'_>> = by_txn
        .iter()
        .zip(&memos)
        .map(|((txn, ps), memo)| {
            let first = ps[0];
            let mut refs: Vec<&str> = ps.iter().filter_map(|p| p.reference.as_deref()).collect();
            refs.extend(first.external_id.as_deref());
            Unit {
                txn: *txn,
                date: first.date,
                amount: ps.iter().map(|p| p.amount.fen()).sum(),
                voucher: &first.voucher,
                memo,
                refs,
                reverses: first.reverses,
                payments: payments
                    .get(&first.voucher)
                    .map(|paid| {
                        paid.iter()
                            .map(|p| Payment {
                                amount: p.amount.fen(),
                                bank_ref: p.bank_ref.as_deref(),
                                bank_card: &p.bank_card,
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    let views: Vec<Line<'_>> = lines
        .iter()
        .map(|l| Line {
            date: l.date,
            amount: l.amount.fen(),
            text: &l.text,
            counterparty: &l.counterparty,
            counterparty_account: &l.counterparty_account,
            serial: l.serial.as_deref(),
        })
        .collect();
    let proposals = auto_match(&views, &units, window);
    let mut made: Vec<(Rule, usize)> = Vec::new();
    for p in &proposals {
        let line_ids: Vec<i64> = p.lines.iter().map(|&l| lines[l].id).collect();
        let postings: Vec<(i64, i64)> = p
            .units
            .iter()
            .flat_map(|&u| by_txn[u].1.iter().map(|b| (b.txn, b.line)))
            .collect();
        w.insert_bank_match(account.0, p.rule.as_str(), &line_ids, &postings)?;
        match made.iter_mut().find(|(r, _)| *r == p.rule) {
            Some((_, n)) => *n += 1,
            None => made.push((p.rule, 1)),
        }
    }
    if !proposals.is_empty() {
        let detail = made
            .iter()
            .map(|(r, n)| format!("{} {n}", r.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        w.insert_bank_event(account.0, Some(statement.id), "auto-match", &detail, None)?;
    }
    let position = position(w, (account.0, &account.1), &statement)?;
    Ok(AutoOutcome { made, position })
}

/// The locked statement of the account whose period holds `date`, if any.
fn locked_over(statements: &[BankStatement], date: chrono::NaiveDate) -> Option<&BankStatement> {
    statements.iter().find(|s| s.is_locked() && s.covers(date))
}

/// Match bank lines `lines` with the postings of `vouchers` to the account, by hand. The two
/// sides must sum to the same fen (one side may be empty when the other sums to nothing: a
/// bank's own correction, a voucher and its reversal).
pub fn match_by_hand(
    w: &mut Writer<'_>,
    account: &str,
    lines: &[i64],
    vouchers: &[String],
) -> Result<i64> {
    let account = bank_account(w, account)?;
    if lines.is_empty() && vouchers.is_empty() {
        return Err(Error::rule(crate::tr!("reconcile-match-nothing")));
    }
    let mut bank = Total::default();
    let mut line_ids = Vec::new();
    for &id in lines {
        let Some(line) = w.bank_line(account.0, id)? else {
            return Err(Error::NotFound(crate::tr!(
                "reconcile-no-line",
                line = id,
                account = account.1.as_str()
            )));
        };
        if let Some(m) = line.match_id {
            return Err(Error::rule(crate::tr!(
                "reconcile-line-matched",
                line = id,
                id = m
            )));
        }
        if !line_ids.contains(&id) {
            line_ids.push(id);
            bank.add(line.amount);
        }
    }
    let mut book = Total::default();
    let mut postings = Vec::new();
    for name in vouchers {
        let voucher = w.voucher_named(name)?;
        let Some(txn) = w.transaction_by_voucher(&voucher)? else {
            return Err(Error::NotFound(crate::tr!(
                "voucher-not-found",
                voucher = voucher.as_str()
            )));
        };
        let items = w.bank_book_items_of(account.0, txn.id)?;
        if items.is_empty() {
            return Err(Error::rule(crate::tr!(
                "reconcile-voucher-not-on-account",
                voucher = voucher.as_str(),
                account = account.1.as_str()
            )));
        }
        for item in items {
            if let Some(m) = item.match_id {
                return Err(Error::rule(crate::tr!(
                    "reconcile-voucher-matched",
                    voucher = voucher.as_str(),
                    id = m
                )));
            }
            if !postings.contains(&(item.txn, item.line)) {
                postings.push((item.txn, item.line));
                book.add(item.amount);
            }
        }
    }
    if bank.fen() != book.fen() {
        return Err(Error::rule(crate::tr!(
            "reconcile-amounts-differ",
            bank = bank.grouped(),
            book = book.grouped()
        )));
    }
    let id = w.insert_bank_match(account.0, Rule::Manual.as_str(), &line_ids, &postings)?;
    let detail = crate::tr!(
        "bank-event-match",
        id = id,
        lines = line_ids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(","),
        vouchers = vouchers.join(",")
    );
    w.insert_bank_event(account.0, None, "match", &detail, None)?;
    Ok(id)
}

/// Undo the match of bank line `line` (or of voucher `voucher`'s postings to the account).
/// Refused when a line of the match lies in a locked statement.
pub fn unmatch(
    w: &mut Writer<'_>,
    account: &str,
    line: Option<i64>,
    voucher: Option<&str>,
) -> Result<i64> {
    let account = bank_account(w, account)?;
    let match_id = match (line, voucher) {
        (Some(id), _) => {
            let Some(line) = w.bank_line(account.0, id)? else {
                return Err(Error::NotFound(crate::tr!(
                    "reconcile-no-line",
                    line = id,
                    account = account.1.as_str()
                )));
            };
            line.match_id
                .ok_or_else(|| Error::rule(crate::tr!("reconcile-line-unmatched", line = id)))?
        }
        (None, Some(name)) => {
            let voucher = w.voucher_named(name)?;
            let txn = w.transaction_by_voucher(&voucher)?.ok_or_else(|| {
                Error::NotFound(crate::tr!("voucher-not-found", voucher = voucher.as_str()))
            })?;
            w.bank_book_items_of(account.0, txn.id)?
                .into_iter()
                .find_map(|i| i.match_id)
                .ok_or_else(|| {
                    Error::rule(crate::tr!(
                        "reconcile-voucher-unmatched",
                        voucher = voucher.as_str()
                    ))
                })?
        }
        (None, None) => return Err(Error::rule(crate::tr!("reconcile-unmatch-what"))),
    };
    let statements = w.bank_statements(account.0)?;
    let held = w
        .bank_matches(account.0)?
        .into_iter()
        .find(|m| m.id == match_id);
    if let Some(m) = &held {
        for &l in &m.lines {
            if let Some(line) = w.bank_line(account.0, l)? {
                if let Some(s) = locked_over(&statements, line.date) {
                    return Err(Error::rule(crate::tr!(
                        "reconcile-locked",
                        statement = s.name.as_str(),
                        by = s.locked_by.as_deref().unwrap_or_default(),
                        at = s.locked_at.as_deref().unwrap_or_default()
                    )));
                }
            }
        }
    }
    w.delete_bank_match(match_id)?;
    let detail = crate::tr!(
        "bank-event-unmatch",
        id = match_id,
        rule = held.as_ref().map_or("", |m| m.rule.as_str())
    );
    w.insert_bank_event(account.0, None, "unmatch", &detail, None)?;
    Ok(match_id)
}

/// Lock a statement whose adjusted balances agree.
pub fn lock(w: &mut Writer<'_>, account: &str, statement: &str) -> Result<Position> {
    let account = bank_account(w, account)?;
    let statement = statement_named(w, (account.0, &account.1), statement)?;
    if statement.is_locked() {
        return Err(Error::rule(crate::tr!(
            "reconcile-locked-already",
            statement = statement.name.as_str(),
            by = statement.locked_by.as_deref().unwrap_or_default(),
            at = statement.locked_at.as_deref().unwrap_or_default()
        )));
    }
    let position = position(w, (account.0, &account.1), &statement)?;
    if !position.agrees() {
        return Err(Error::rule(crate::tr!(
            "reconcile-lock-differs",
            statement = statement.name.as_str(),
            difference = position.difference().grouped()
        )));
    }
    w.set_bank_statement_lock(statement.id, true)?;
    w.insert_bank_event(account.0, Some(statement.id), "lock", "", None)?;
    Ok(position)
}

/// Unlock a locked statement, for `reason`.
pub fn unlock(w: &mut Writer<'_>, account: &str, statement: &str, reason: &str) -> Result<()> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::rule(crate::tr!("reconcile-unlock-needs-reason")));
    }
    check_stored_rule("--reason", reason, MEMO_MAX)?;
    let account = bank_account(w, account)?;
    let statement = statement_named(w, (account.0, &account.1), statement)?;
    if !statement.is_locked() {
        return Err(Error::rule(crate::tr!(
            "reconcile-not-locked",
            statement = statement.name.as_str()
        )));
    }
    w.set_bank_statement_lock(statement.id, false)?;
    w.insert_bank_event(account.0, Some(statement.id), "unlock", "", Some(reason))
}

/// The months through `last_day` whose statements are missing or not locked, for each account
/// that has statements (from its first statement's month): what `period close` refuses.
pub fn unlocked_months(
    reads: &impl BankReads,
    last_day: chrono::NaiveDate,
) -> Result<Vec<(String, String)>> {
    use chrono::Datelike;
    let mut out = Vec::new();
    for (id, name) in reads.bank_statement_accounts()? {
        let statements = reads.bank_statements(id)?;
        let Some(first) = statements.iter().map(|s| s.from).min() else {
            continue;
        };
        let mut month = super::import::month_bounds(first).0;
        while month <= last_day {
            let end = super::import::month_bounds(month).1;
            let next = end.succ_opt().unwrap_or(chrono::NaiveDate::MAX);
            let overlapping: Vec<&BankStatement> = statements
                .iter()
                .filter(|s| s.from <= end && s.to >= month)
                .collect();
            // Every day of the month under a locked statement, and no statement over it open.
            let mut day = month;
            let mut covered = true;
            while day <= end {
                match overlapping
                    .iter()
                    .filter(|s| s.covers(day) && s.is_locked())
                    .map(|s| s.to)
                    .max()
                {
                    Some(to) => day = to.succ_opt().unwrap_or(chrono::NaiveDate::MAX),
                    None => {
                        covered = false;
                        break;
                    }
                }
            }
            if !covered || overlapping.iter().any(|s| !s.is_locked()) {
                out.push((
                    name.clone(),
                    format!("{:04}-{:02}", month.year(), month.month()),
                ));
            }
            month = next;
        }
    }
    Ok(out)
}

//! Bank reconciliation 银行对账 in the browser: every account's statements (the same list as
//! `townledger bank statements`), and one statement's 调节表 with the bank's lines and the
//! books' postings not yet matched side by side — ticked and matched, matched ones undone, the
//! rounds run, the statement locked or unlocked — calling the same library functions as
//! `townledger reconcile`, `reconcile match`, `unmatch`, `lock` and `unlock`. The library
//! refuses what its rules forbid (amounts that differ, a locked statement …).

use axum::http::HeaderMap;
use axum::response::Response;
use maud::{html, Markup};

use crate::error::{Error, Result};
use crate::reconcile::position::position;
use crate::reconcile::workflow::{lock, match_by_hand, reconcile, unlock, unmatch};
use crate::reconcile::{statement_named, DEFAULT_WINDOW_DAYS};
use crate::report::reconciliation::{reconciliation_document, statements_document};
use crate::store::bank::BankReads;
use crate::store::{Ledger, Writer};
use crate::t;
use crate::users::Action;
use crate::web::html::{button, document, q};
use crate::web::{read_page, write_action, ConnectInfo, Ctx, Form, Map, Query, St};

/// The page of `account`'s statement `statement`.
fn statement_href(account: &str, statement: &str) -> String {
    format!(
        "/bank/statement?account={}&statement={}",
        q(account),
        q(statement)
    )
}

fn field<'a>(p: &'a Map, name: &str) -> Result<&'a str> {
    p.get(name)
        .map(String::as_str)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| Error::rule(crate::tr!("web-field-missing", field = name)))
}

/// `/bank`: each account with statements, and its statements.
pub async fn list(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Query(p): Query<Map>,
) -> Response {
    read_page(state.0, headers, addr, p, |ctx, ledger, _| {
        let lang = ctx.lang;
        let accounts = ledger.bank_statement_accounts()?;
        let mut parts = Vec::new();
        for (id, name) in &accounts {
            let doc = statements_document(ledger, (*id, name), lang)?;
            let names: Vec<String> = ledger
                .bank_statements(*id)?
                .into_iter()
                .map(|s| s.name)
                .collect();
            let link = |_t: usize, row: usize, key: &str| {
                (key == "statement")
                    .then(|| names.get(row).map(|s| statement_href(name, s)))
                    .flatten()
            };
            parts.push(html! {
                h2 { (name) }
                (document(&doc, &link))
            });
        }
        let body = html! {
            @if accounts.is_empty() {
                p.muted { (t!(lang, "web-bank-none")) }
            }
            @for part in &parts { (part) }
        };
        Ok((t!(lang, "web-bank-title"), body))
    })
    .await
}

/// `/bank/statement?account=…&statement=…`: the 调节表, what is left on each side with boxes
/// to tick, the matches of the period with their undo buttons.
pub async fn show(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Query(p): Query<Map>,
) -> Response {
    read_page(state.0, headers, addr, p, |ctx, ledger, p| {
        statement_page(ctx, ledger, field(p, "account")?, field(p, "statement")?)
    })
    .await
}

fn statement_page(
    ctx: &Ctx,
    ledger: &Ledger,
    account: &str,
    statement: &str,
) -> Result<(String, Markup)> {
    let lang = ctx.lang;
    let Some(found) = ledger.account(account)? else {
        return Err(Error::NotFound(crate::tr!(
            "account-unknown",
            name = account
        )));
    };
    let statement = statement_named(ledger, (found.id, &found.name), statement)?;
    let position = position(ledger, (found.id, &found.name), &statement)?;
    // The summary as drawn on paper; its items are the two lists below, with boxes to tick.
    let mut doc = reconciliation_document(&position, None, lang)?;
    doc.tables.truncate(1);
    let may_match = ctx.may(Action::Reconcile);
    let may_lock = ctx.may(Action::LockStatement);
    let locked = statement.is_locked();
    let hidden = html! {
        input type="hidden" name="csrf" value=(ctx.csrf);
        input type="hidden" name="account" value=(found.name);
        input type="hidden" name="statement" value=(statement.name);
    };
    let fields = [
        ("account", found.name.as_str()),
        ("statement", statement.name.as_str()),
    ];
    // The matches of the period's lines, with who made them.
    let matches = ledger.bank_matches(found.id)?;
    let lines = ledger.bank_lines(found.id, Some(statement.to))?;
    let in_period: Vec<_> = lines
        .iter()
        .filter(|l| statement.covers(l.date) && l.match_id.is_some())
        .collect();
    let bank_open: Vec<_> = position
        .bank_received
        .iter()
        .chain(&position.bank_paid)
        .collect();
    let book_open: Vec<_> = position
        .book_received
        .iter()
        .chain(&position.book_paid)
        .collect();
    let download = |ext: &str| {
        format!(
            "/download/reconciliation/{ext}?account={}&statement={}",
            q(&found.name),
            q(&statement.name)
        )
    };
    let open_items = html! {
        div.side-by-side {
            div.table { table {
                caption { (t!(lang, "web-bank-lines")) }
                thead { tr {
                    th {} th.r { (t!(lang, "web-bank-col-line")) } th { (t!(lang, "web-bank-col-date")) }
                    th.r { (t!(lang, "web-bank-col-amount")) } th { (t!(lang, "web-bank-col-text")) }
                } }
                tbody { @for l in &bank_open { tr {
                    td { @if may_match { input type="checkbox" name={ "line-" (l.id) } value="on" aria-label={ (l.id) }; } }
                    td.r { (l.id) } td { (l.date) } td.r { (l.amount.grouped()) }
                    td.wrap { (l.text) @if !l.counterparty.is_empty() { " · " (l.counterparty) } }
                } } }
            } }
            div.table { table {
                caption { (t!(lang, "web-bank-postings")) }
                thead { tr {
                    th {} th { (t!(lang, "web-bank-col-voucher")) } th { (t!(lang, "web-bank-col-date")) }
                    th.r { (t!(lang, "web-bank-col-amount")) } th { (t!(lang, "web-bank-col-text")) }
                } }
                tbody { @for b in &book_open { tr {
                    td { @if may_match { input type="checkbox" name={ "voucher-" (b.voucher) } value="on" aria-label=(b.voucher); } }
                    td { a href={ "/voucher?v=" (q(&b.voucher)) } { (b.voucher) } }
                    td { (b.date) } td.r { (b.amount.grouped()) } td.wrap { (b.memo) }
                } } }
            } }
        }
    };
    let body = html! {
        div.actions {
            @if may_match && !locked {
                (button(ctx, "/bank/auto", &t!(lang, "web-bank-auto"), &fields))
            }
            @if may_lock && !locked {
                (button(ctx, "/bank/lock", &t!(lang, "web-bank-lock"), &fields))
            }
            @if may_lock && locked {
                form.inline method="post" action="/bank/unlock" {
                    (hidden)
                    input type="text" name="reason" required placeholder=(t!(lang, "web-bank-unlock-reason"));
                    " "
                    button type="submit" { (t!(lang, "web-bank-unlock")) }
                }
            }
            span.muted {
                (t!(lang, "web-balance-download")) " "
                a href=(download("pdf")) { "PDF" } " · "
                a href=(download("xlsx")) { "XLSX" } " · "
                a href=(download("csv")) { "CSV" }
            }
        }
        (document(&doc, &|_, _, _| None))
        h2 { (t!(lang, "web-bank-open")) }
        @if may_match {
            form method="post" action="/bank/match" {
                (hidden)
                (open_items)
                button type="submit" { (t!(lang, "web-bank-match")) }
            }
        } @else {
            (open_items)
        }
        h2 { (t!(lang, "web-bank-matched")) }
        div.table { table {
            thead { tr {
                th.r { (t!(lang, "web-bank-col-line")) } th { (t!(lang, "web-bank-col-date")) }
                th.r { (t!(lang, "web-bank-col-amount")) } th { (t!(lang, "web-bank-col-text")) }
                th { (t!(lang, "web-bank-col-how")) } th {}
            } }
            tbody { @for l in &in_period {
                @let m = matches.iter().find(|m| Some(m.id) == l.match_id);
                tr {
                    td.r { (l.id) } td { (l.date) } td.r { (l.amount.grouped()) } td.wrap { (l.text) }
                    td { @if let Some(m) = m {
                        (crate::reconcile::matching::Rule::parse(&m.rule).map_or(m.rule.as_str(), |r| r.label(lang)))
                        " · " (m.made_by) " · " (m.made_at)
                    } }
                    td { @if may_match && !locked {
                        (button(ctx, "/bank/unmatch", &t!(lang, "web-bank-unmatch"),
                            &[fields[0], fields[1], ("line", &l.id.to_string())]))
                    } }
                }
            } }
        } }
    };
    let title = t!(
        lang,
        "web-bank-statement-title",
        account = found.name.as_str(),
        statement = statement.name.as_str()
    );
    Ok((title, body))
}

/// A write on the statement the form names (`account`, `statement`): `what` and the two names
/// for the event log, then `op` on them in one ledger write; back to the statement's page.
async fn on_statement(
    state: St,
    addr: std::net::SocketAddr,
    headers: HeaderMap,
    f: Map,
    action: Action,
    what: String,
    op: impl FnOnce(&mut Writer<'_>, &str, &str) -> Result<()> + Send + 'static,
) -> Response {
    let account = f.get("account").cloned().unwrap_or_default();
    let statement = f.get("statement").cloned().unwrap_or_default();
    let back = statement_href(&account, &statement);
    let what = format!("{what} {account} {statement}");
    write_action(state.0, headers, addr, f, action, what, move |_, w| {
        op(w, &account, &statement)?;
        Ok(back)
    })
    .await
}

/// Run the matching rounds, as `townledger reconcile` does.
pub async fn auto(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<Map>,
) -> Response {
    let what = "reconcile".to_string();
    on_statement(
        state,
        addr,
        headers,
        f,
        Action::Reconcile,
        what,
        |w, a, s| reconcile(w, a, s, DEFAULT_WINDOW_DAYS).map(|_| ()),
    )
    .await
}

/// Match the ticked bank lines (`line-ID`) with the ticked vouchers (`voucher-NUMBER`), as
/// `reconcile match` does.
pub async fn match_ticked(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<Map>,
) -> Response {
    let mut lines: Vec<i64> = Vec::new();
    let mut vouchers: Vec<String> = Vec::new();
    let mut bad = None;
    for key in f.keys() {
        if let Some(id) = key.strip_prefix("line-") {
            match id.parse() {
                Ok(id) => lines.push(id),
                Err(_) => bad = Some(key.clone()),
            }
        } else if let Some(v) = key.strip_prefix("voucher-") {
            vouchers.push(v.to_string());
        }
    }
    lines.sort_unstable();
    vouchers.sort();
    let what = format!("reconcile match lines {lines:?} vouchers {vouchers:?}");
    on_statement(
        state,
        addr,
        headers,
        f,
        Action::Reconcile,
        what,
        move |w, a, _| {
            if let Some(key) = bad {
                return Err(Error::rule(crate::tr!("web-field-missing", field = key)));
            }
            match_by_hand(w, a, &lines, &vouchers).map(|_| ())
        },
    )
    .await
}

/// Undo the match of one bank line, as `reconcile unmatch` does.
pub async fn unmatch_line(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<Map>,
) -> Response {
    let line = f.get("line").and_then(|l| l.trim().parse::<i64>().ok());
    let what = format!("reconcile unmatch line {line:?}");
    on_statement(
        state,
        addr,
        headers,
        f,
        Action::Reconcile,
        what,
        move |w, a, _| {
            let line =
                line.ok_or_else(|| Error::rule(crate::tr!("web-field-missing", field = "line")))?;
            unmatch(w, a, Some(line), None).map(|_| ())
        },
    )
    .await
}

/// Lock the statement, as `reconcile lock` does.
pub async fn lock_statement(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<Map>,
) -> Response {
    let what = "reconcile lock".to_string();
    on_statement(
        state,
        addr,
        headers,
        f,
        Action::LockStatement,
        what,
        |w, a, s| lock(w, a, s).map(|_| ()),
    )
    .await
}

/// Unlock the statement with a reason, as `reconcile unlock` does.
pub async fn unlock_statement(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<Map>,
) -> Response {
    let reason = f.get("reason").cloned().unwrap_or_default();
    let what = format!("reconcile unlock ({reason})");
    on_statement(
        state,
        addr,
        headers,
        f,
        Action::LockStatement,
        what,
        move |w, a, s| unlock(w, a, s, &reason),
    )
    .await
}

//! The books: the trial balance (the same 科目余额表 as `townledger balance`), an account's
//! register one page at a time with its running balance, and one voucher.

use std::collections::HashMap;

use axum::http::HeaderMap;
use axum::response::Response;
use maud::html;

use crate::error::{Error, Result};
use crate::report::balance_sheet::{balance_sheet, SheetHead, SheetQuery};
use crate::report::voucher::voucher as voucher_document;
use crate::store::Ledger;
use crate::t;
use crate::web::html::{document, pager, q};
use crate::web::pages::downloads::{links, param};
use crate::web::{read_page, ConnectInfo, Ctx, Map, Query, St};

/// Postings on one page of a register.
pub const PER_PAGE: usize = 100;

pub async fn balance(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Query(p): Query<Map>,
) -> Response {
    read_page(state.0, headers, addr, p, balance_page).await
}

pub async fn register(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Query(p): Query<Map>,
) -> Response {
    read_page(state.0, headers, addr, p, register_page).await
}

pub async fn voucher(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Query(p): Query<Map>,
) -> Response {
    read_page(state.0, headers, addr, p, voucher_page).await
}

fn date_param(p: &HashMap<String, String>, key: &str) -> Result<Option<chrono::NaiveDate>> {
    match p.get(key).map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => crate::ledger::transaction::parse_date(s)
            .map(Some)
            .map_err(|e| Error::Input(vec![crate::error::RowError::new(key, 0, e)])),
    }
}

fn page_param(p: &HashMap<String, String>) -> usize {
    p.get("page")
        .and_then(|s| s.trim().parse::<usize>().ok())
        .filter(|n| *n >= 1 && *n < 100_000_000)
        .unwrap_or(1)
}

/// What a trial balance page is drawn from: the ledger's head (nothing written since), the
/// language, the period and the day printed on it.
type BalanceKey = (
    String,
    crate::i18n::Lang,
    Option<chrono::NaiveDate>,
    Option<chrono::NaiveDate>,
    chrono::NaiveDate,
);

/// The trial balance page drawn last, by what it was drawn from: on a large ledger it costs
/// a pass over every posting's index entry, and readers ask for it far more often than the
/// books change.
static LAST_BALANCE: std::sync::Mutex<Option<(BalanceKey, String, String)>> =
    std::sync::Mutex::new(None);

fn balance_page(
    ctx: &Ctx,
    ledger: &Ledger,
    p: &HashMap<String, String>,
) -> Result<(String, maud::Markup)> {
    let lang = ctx.lang;
    let (from, to) = (date_param(p, "from")?, date_param(p, "to")?);
    let key: BalanceKey = (
        ledger.ledger_head()?.hex(),
        lang,
        from,
        to,
        chrono::Local::now().date_naive(),
    );
    if let Ok(last) = LAST_BALANCE.lock() {
        if let Some((_, title, body)) = last.as_ref().filter(|(k, _, _)| *k == key) {
            return Ok((title.clone(), maud::PreEscaped(body.clone())));
        }
    }
    let (title, body) = draw_balance(ctx, ledger, from, to)?;
    if let Ok(mut last) = LAST_BALANCE.lock() {
        *last = Some((key, title.clone(), body.0.clone()));
    }
    Ok((title, body))
}

fn draw_balance(
    ctx: &Ctx,
    ledger: &Ledger,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> Result<(String, maud::Markup)> {
    let lang = ctx.lang;
    let sheet = balance_sheet(
        ledger,
        &SheetQuery {
            from,
            to,
            depth: None,
            accounts: Vec::new(),
        },
    )?;
    let head = SheetHead {
        entity: ledger.town_name()?.unwrap_or_default(),
        printed: chrono::Local::now().date_naive(),
    };
    let mut doc = sheet.document(&head, lang);
    doc.footer = Some(crate::report::ledger_footer(ledger, lang)?);
    let accounts: Vec<&str> = sheet.lines.iter().map(|l| l.account.as_str()).collect();
    let link = |_t: usize, row: usize, key: &str| {
        (key == "account")
            .then(|| {
                accounts
                    .get(row)
                    .map(|a| format!("/register?account={}", q(a)))
            })
            .flatten()
    };
    let body = html! {
        form.filters method="get" action="/balance" {
            label { (t!(lang, "web-from")) " " input type="text" name="from" placeholder="2024-01-01" value=[from.map(|d| d.to_string())]; }
            " "
            label { (t!(lang, "web-to")) " " input type="text" name="to" placeholder="2024-12-31" value=[to.map(|d| d.to_string())]; }
            " "
            button type="submit" { (t!(lang, "web-show")) }
        }
        (links(lang, "balance", ""))
        (document(&doc, &link))
    };
    Ok((doc.title.clone(), body))
}

fn register_page(
    ctx: &Ctx,
    ledger: &Ledger,
    p: &HashMap<String, String>,
) -> Result<(String, maud::Markup)> {
    let lang = ctx.lang;
    let account = p
        .get("account")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::NotFound(t!(lang, "web-register-no-account")))?;
    let accounts = ledger.account_and_descendants(account)?;
    if accounts.is_empty() {
        return Err(Error::NotFound(crate::tr!(
            "account-unknown",
            name = account
        )));
    }
    let name = ledger
        .account(account)?
        .map_or_else(|| account.to_string(), |a| a.name);
    let page = page_param(p);
    let reg = ledger.register_page(&accounts, None, None, (page - 1) * PER_PAGE, PER_PAGE)?;
    let base = format!("/register?account={}", q(account));
    let body = html! {
        p.muted { (t!(lang, "web-register-count", count = reg.total)) }
        (links(lang, "register", &param("account", account)))
        (pager(lang, &base, page, PER_PAGE, reg.total))
        div.table {
            table {
                thead { tr {
                    th { (t!(lang, "web-col-date")) }
                    th { (t!(lang, "web-col-voucher")) }
                    @if accounts.len() > 1 { th { (t!(lang, "web-col-account")) } }
                    th { (t!(lang, "web-col-memo")) }
                    th { (t!(lang, "web-col-household")) }
                    th.r { (t!(lang, "web-col-amount")) }
                    th.r { (t!(lang, "web-col-running")) }
                } }
                tbody {
                    tr.strong {
                        td {} td {} @if accounts.len() > 1 { td {} }
                        td { (t!(lang, "web-register-brought-forward")) } td {} td {}
                        td.r { (reg.opening.grouped()) }
                    }
                    @for l in &reg.lines {
                        tr {
                            td { (l.date.to_string()) }
                            td { a href={ "/voucher?v=" (q(&l.voucher)) } { (l.voucher) } }
                            @if accounts.len() > 1 { td { (l.account) } }
                            td.wrap { (l.memo) }
                            td { (l.household.as_deref().unwrap_or("")) }
                            td.r { (l.amount.grouped()) }
                            td.r { (l.running.grouped()) }
                        }
                    }
                }
            }
        }
        (pager(lang, &base, page, PER_PAGE, reg.total))
    };
    Ok((
        t!(lang, "web-register-title", account = name.as_str()),
        body,
    ))
}

fn voucher_page(
    ctx: &Ctx,
    ledger: &Ledger,
    p: &HashMap<String, String>,
) -> Result<(String, maud::Markup)> {
    let lang = ctx.lang;
    let named = p
        .get("v")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::NotFound(t!(lang, "web-voucher-none")))?;
    let mut doc = voucher_document(ledger, named, lang)?;
    doc.footer = Some(crate::report::ledger_footer(ledger, lang)?);
    let txn = ledger.transaction_named(named)?;
    let (reverses, reversed_by) = match &txn {
        Some(t) => ledger.reversal_links(t.id)?,
        None => (None, None),
    };
    let number = txn.as_ref().map(|t| t.voucher.clone()).unwrap_or_default();
    let run = ledger.run_of_voucher(&number)?;
    let grant = ledger.grant_paid_by(&number)?;
    let body = html! {
        (document(&doc, &|_, _, _| None))
        ul.links {
            @if let Some(v) = &reverses {
                li { (t!(lang, "web-voucher-reverses")) " " a href={ "/voucher?v=" (q(v)) } { (v) } }
            }
            @if let Some(v) = &reversed_by {
                li { (t!(lang, "web-voucher-reversed-by")) " " a href={ "/voucher?v=" (q(v)) } { (v) } }
            }
            @if let Some(r) = run {
                li { a href={ "/runs/" (r) } { (t!(lang, "web-voucher-run", run = r)) } }
            }
            @if let Some(g) = grant {
                li { (t!(lang, "web-voucher-grant", grant = g)) }
            }
        }
    };
    Ok((doc.title.clone(), body))
}

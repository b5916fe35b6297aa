//! Allocation runs: the list, one run (its lines, its public notice) and the buttons that move
//! it on — village approval, town approval, the notice, posting, paying — each shown only to a
//! role that may press it and calling the same library functions as `townledger allocate` and
//! `townledger pay`. The library still refuses what its rules forbid (the proposer approving,
//! the town before the village, …); the refusal is shown with its message.

use axum::http::HeaderMap;
use axum::response::Response;
use maud::html;

use crate::allocate::run::{self as workflow, status};
use crate::error::Result;
use crate::report::allocation::{notice_document, run_document, runs_document};
use crate::store::Ledger;
use crate::t;
use crate::users::Action;
use crate::web::html::{button, document};
use crate::web::pages::downloads::links;
use crate::web::{read_page, write_action, ConnectInfo, Ctx, Form, Id, Map, Query, St};

/// The account `townledger pay` pays from unless told otherwise.
pub const PAY_FROM: &str = "资产:银行存款:基本户";

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

pub async fn list(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Query(p): Query<Map>,
) -> Response {
    read_page(state.0, headers, addr, p, |ctx, ledger, _| {
        let doc = runs_document(&ledger.runs()?, ctx.lang);
        let ids: Vec<i64> = ledger.runs()?.iter().map(|r| r.id).collect();
        let link = |_t: usize, row: usize, key: &str| {
            (key == "run")
                .then(|| ids.get(row).map(|id| format!("/runs/{id}")))
                .flatten()
        };
        Ok((doc.title.clone(), document(&doc, &link)))
    })
    .await
}

pub async fn show(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Id(id): Id,
    Query(p): Query<Map>,
) -> Response {
    read_page(state.0, headers, addr, p, move |ctx, ledger, _| {
        show_page(ctx, ledger, id)
    })
    .await
}

fn show_page(ctx: &Ctx, ledger: &Ledger, id: i64) -> Result<(String, maud::Markup)> {
    let lang = ctx.lang;
    let record = ledger.run(id)?;
    let lines = ledger.run_lines(id)?;
    let doc = run_document(&record, &lines, lang);
    let town = ledger.town_name()?;
    let notice = notice_document(&record, &lines, town.as_deref(), lang);
    let s = status(&record);
    let base = format!("/runs/{id}");
    let body = html! {
        p { (t!(lang, "web-run-status")) " " strong.status { (t!(lang, &format!("run-status-{s}"))) } }
        div.actions {
            @if s == "planned" && ctx.may(Action::ApproveVillage) {
                (button(ctx, &format!("{base}/approve"), &t!(lang, "web-run-approve-village"), &[("level", "village")]))
            }
            @if s == "village-approved" && ctx.may(Action::ApproveTown) {
                (button(ctx, &format!("{base}/approve"), &t!(lang, "web-run-approve-town"), &[("level", "town")]))
            }
            @if s == "approved" && ctx.may(Action::Notice) {
                (button(ctx, &format!("{base}/notice"), &t!(lang, "web-run-notice"), &[]))
            }
            @if s == "noticed" && ctx.may(Action::Post) {
                (button(ctx, &format!("{base}/post"), &t!(lang, "web-run-post"), &[]))
            }
            @if s == "posted" && ctx.may(Action::Pay) {
                (button(ctx, &format!("{base}/pay"), &t!(lang, "web-run-pay", from = PAY_FROM), &[]))
            }
        }
        (links(lang, "run", &format!("run={id}")))
        (document(&doc, &|_, _, _| None))
        @if record.published.is_some() {
            h2 { (t!(lang, "web-run-notice-title")) }
            (links(lang, "notice", &format!("run={id}")))
            (document(&notice, &|_, _, _| None))
        }
    };
    Ok((doc.title.clone(), body))
}

/// Village or town approval (`allocate approve --role …`), the level named by the form: the
/// server checks that the signed-in user's role may approve at it.
pub async fn approve(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Id(id): Id,
    Form(f): Form<Map>,
) -> Response {
    let (action, level) = match f.get("level").map(String::as_str) {
        Some("village") => (Action::ApproveVillage, "village"),
        Some("town") => (Action::ApproveTown, "town"),
        // Signed in first (a 303 to /login otherwise), then a 400: nothing is written.
        _ if crate::web::auth::session_of(&state.0, &headers).is_none() => {
            return crate::web::see_other("/login");
        }
        _ => {
            let lang = crate::web::lang_of(&headers, None);
            return crate::web::error_page(
                lang,
                axum::http::StatusCode::BAD_REQUEST,
                &t!(lang, "web-bad-level"),
                None,
            );
        }
    };
    let what = format!("run {id} {level}");
    write_action(state.0, headers, addr, f, action, what, move |ctx, w| {
        workflow::approve(w, id, &ctx.user.name, level, today(), today())?;
        Ok(format!("/runs/{id}"))
    })
    .await
}

/// A step of run `id` by a role allowed `action`: `op` in one ledger write; back to the run.
async fn on_run(
    state: St,
    addr: std::net::SocketAddr,
    headers: HeaderMap,
    id: i64,
    f: Map,
    action: Action,
    op: impl FnOnce(&mut crate::store::Writer<'_>) -> Result<()> + Send + 'static,
) -> Response {
    write_action(
        state.0,
        headers,
        addr,
        f,
        action,
        format!("run {id}"),
        move |_, w| {
            op(w)?;
            Ok(format!("/runs/{id}"))
        },
    )
    .await
}

/// The public notice: `allocate notice` (publication today).
pub async fn notice(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Id(id): Id,
    Form(f): Form<Map>,
) -> Response {
    on_run(state, addr, headers, id, f, Action::Notice, move |w| {
        workflow::publish(w, id, None, today()).map(|_| ())
    })
    .await
}

/// `allocate post` (never forced from the web).
pub async fn post(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Id(id): Id,
    Form(f): Form<Map>,
) -> Response {
    on_run(state, addr, headers, id, f, Action::Post, move |w| {
        workflow::post(w, id, today(), None, None).map(|_| ())
    })
    .await
}

/// `pay` every outstanding payable of the run from the basic account, today.
pub async fn pay(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Id(id): Id,
    Form(f): Form<Map>,
) -> Response {
    on_run(state, addr, headers, id, f, Action::Pay, move |w| {
        workflow::pay(w, id, today(), PAY_FROM, None).map(|_| ())
    })
    .await
}

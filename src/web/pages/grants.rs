//! Relief grants: the list (the same report as `townledger grant list`), one grant, and the
//! review of its next gate (pass, or reject with a reason) for the roles that review, calling
//! the same library function as `townledger grant review`.

use axum::http::HeaderMap;
use axum::response::Response;
use maud::html;

use crate::error::Error;
use crate::funds::grant::{review, Decision, GrantStatus, ReviewRequest};
use crate::report::grant_list::{grant_detail, grant_list};
use crate::t;
use crate::users::Action;
use crate::web::html::document;
use crate::web::{read_page, write_action, ConnectInfo, Form, Id, Map, Query, St};

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
        let doc = grant_list(ledger, None, ctx.lang)?;
        let ids: Vec<i64> = ledger.grant_states()?.iter().map(|s| s.grant.id).collect();
        let link = |_t: usize, row: usize, key: &str| {
            (key == "id")
                .then(|| ids.get(row).map(|id| format!("/grants/{id}")))
                .flatten()
        };
        let body = maud::html! {
            (crate::web::pages::downloads::links(ctx.lang, "grants", ""))
            (document(&doc, &link))
        };
        Ok((doc.title.clone(), body))
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
        let lang = ctx.lang;
        let doc = grant_detail(ledger, id, lang)?;
        let state = ledger
            .grant_state(id)?
            .ok_or_else(|| Error::NotFound(crate::tr!("grant-not-found", grant = id)))?;
        let gate = (state.status() == GrantStatus::Pending)
            .then(|| state.next_gate())
            .flatten();
        let body = html! {
            @if let (Some(gate), true) = (gate, ctx.may(Action::ReviewGrant)) {
                div.actions {
                    form.inline method="post" action={ "/grants/" (id) "/review" } {
                        input type="hidden" name="csrf" value=(ctx.csrf);
                        input type="hidden" name="gate" value=(gate.as_str());
                        input type="hidden" name="decision" value="pass";
                        button type="submit" { (t!(lang, "web-grant-pass", gate = gate.name_in(lang))) }
                    }
                    form.inline method="post" action={ "/grants/" (id) "/review" } {
                        input type="hidden" name="csrf" value=(ctx.csrf);
                        input type="hidden" name="gate" value=(gate.as_str());
                        input type="hidden" name="decision" value="reject";
                        input type="text" name="note" required placeholder=(t!(lang, "web-grant-reason"));
                        " "
                        button type="submit" { (t!(lang, "web-grant-reject")) }
                    }
                }
            }
            (document(&doc, &|_, _, _| None))
        };
        Ok((doc.title.clone(), body))
    })
    .await
}

/// Pass or reject the grant's next gate, as the signed-in user, today.
pub async fn review_gate(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Id(id): Id,
    Form(f): Form<Map>,
) -> Response {
    let gate = f.get("gate").cloned().unwrap_or_default();
    let decision = f.get("decision").cloned().unwrap_or_default();
    let note = f.get("note").cloned().unwrap_or_default();
    let what = format!("grant {id} {gate} {decision}");
    write_action(
        state.0,
        headers,
        addr,
        f,
        Action::ReviewGrant,
        what,
        move |ctx, w| {
            let gate = gate.parse().map_err(Error::rule)?;
            let decision = match decision.as_str() {
                "pass" => Decision::Pass,
                "reject" => Decision::Reject,
                other => return Err(Error::rule(format!("unknown decision '{other}'"))),
            };
            let req = ReviewRequest {
                gate,
                decision,
                by: ctx.user.name.clone(),
                note,
                on: today(),
                dated: false,
            };
            review(w, id, &req, today())?;
            Ok(format!("/grants/{id}"))
        },
    )
    .await
}

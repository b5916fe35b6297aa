//! `/users`: the users and the latest sign-ins and writes (for the administrator and the
//! inspector). Users are added and disabled with `townledger user`, not here.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::html;

use crate::error::Error;
use crate::t;
use crate::users::{Action, Role};
use crate::web::{read_page, ConnectInfo, Map, Query, St};

/// Events shown.
const EVENTS: usize = 200;

pub async fn page(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Query(p): Query<Map>,
) -> Response {
    let mut r = read_page(state.0, headers, addr, p, |ctx, ledger, _| {
        let lang = ctx.lang;
        if !(ctx.may(Action::SeeUsers) || ctx.user.role == Role::Inspector) {
            return Err(Error::rule(t!(lang, "web-forbidden")));
        }
        let users = crate::users::list(ledger)?;
        let events = ledger.web_events(EVENTS)?;
        let body = html! {
            div.table { table {
                thead { tr {
                    th { (t!(lang, "web-col-user")) } th { (t!(lang, "web-col-role")) }
                    th { (t!(lang, "web-col-state")) } th { (t!(lang, "web-col-created")) }
                } }
                tbody { @for u in &users { tr {
                    td { (u.name) }
                    td { (t!(lang, &format!("role-{}", u.role.as_str()))) }
                    td { @if u.disabled { (t!(lang, "user-state-disabled")) } @else { (t!(lang, "user-state-active")) } }
                    td { (u.created_at) " · " (u.created_by) }
                } } }
            } }
            h2 { (t!(lang, "web-events-title")) }
            div.table { table {
                thead { tr {
                    th { (t!(lang, "web-col-time")) } th { (t!(lang, "web-col-user")) }
                    th { (t!(lang, "web-col-address")) } th { (t!(lang, "web-col-action")) }
                    th { (t!(lang, "web-col-detail")) } th { (t!(lang, "web-col-outcome")) }
                } }
                tbody { @for e in &events { tr {
                    td { (e.at) } td { (e.user) } td { (e.address) } td { (e.action) }
                    td { (e.detail) } td { (e.outcome) }
                } } }
            } }
        };
        Ok((t!(lang, "web-users-title"), body))
    })
    .await;
    // A refusal here is a permission, not a rule of the books.
    if r.status() == StatusCode::CONFLICT {
        *r.status_mut() = StatusCode::FORBIDDEN;
    }
    r
}

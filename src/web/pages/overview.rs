//! `/`: every fund's balance and restricted part, what waits for the signed-in user, and the
//! audit chain's head with the last signed checkpoint.

use axum::http::HeaderMap;
use axum::response::Response;
use maud::html;

use crate::allocate::run::status;
use crate::error::Result;
use crate::funds::grant::GrantStatus;
use crate::report::fund_list::fund_list;
use crate::store::Ledger;
use crate::t;
use crate::users::{Action, Role};
use crate::web::{read_page, ConnectInfo, Ctx, Map, Query, St};

pub async fn page(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Query(p): Query<Map>,
) -> Response {
    read_page(state.0, headers, addr, p, |ctx, ledger, _| {
        overview(ctx, ledger)
    })
    .await
}

fn overview(ctx: &Ctx, ledger: &Ledger) -> Result<(String, maud::Markup)> {
    let lang = ctx.lang;
    let funds = fund_list(ledger, lang)?;
    let registered = ledger.funds()?;
    let fund_ids: Vec<String> = registered.iter().map(|f| f.id.clone()).collect();
    let fund_accounts: Vec<String> = registered.iter().map(|f| f.account.clone()).collect();
    let runs = ledger.runs()?;
    let me = ctx.user.name.as_str();
    // What waits for this user: the runs at the step their role takes, the grants at a gate.
    let mut waiting = Vec::new();
    for r in &runs {
        let s = status(r);
        let step = match s {
            "planned" if ctx.may(Action::ApproveVillage) && r.proposer != me => {
                Some("web-wait-approve-village")
            }
            "village-approved" if ctx.may(Action::ApproveTown) && r.proposer != me => {
                Some("web-wait-approve-town")
            }
            "approved" if ctx.may(Action::Notice) => Some("web-wait-notice"),
            "noticed" if ctx.may(Action::Post) => Some("web-wait-post"),
            "posted" if ctx.may(Action::Pay) => Some("web-wait-pay"),
            _ => None,
        };
        if let Some(step) = step {
            waiting.push((r.id, t!(lang, step, run = r.id, fund = r.fund.as_str())));
        }
    }
    let grants: Vec<_> = if ctx.may(Action::ReviewGrant) || ctx.user.role == Role::Inspector {
        ledger
            .grant_states()?
            .into_iter()
            .filter(|g| g.status() == GrantStatus::Pending)
            .collect()
    } else {
        Vec::new()
    };
    // Bank statements not yet locked, for who reconciles them.
    let mut statements: Vec<(String, String)> = Vec::new();
    if ctx.may(Action::Reconcile) || ctx.may(Action::LockStatement) {
        use crate::store::bank::BankReads;
        for (id, account) in ledger.bank_statement_accounts()? {
            for s in ledger.bank_statements(id)? {
                if !s.is_locked() {
                    statements.push((account.clone(), s.name));
                }
            }
        }
    }
    let footer = crate::report::ledger_footer(ledger, lang)?;
    // The journal's last check: the last close verified it from the one before.
    let verified = ledger
        .period_events()?
        .into_iter()
        .rev()
        .find(|e| e.action == "close");
    let body = html! {
        h2 { (t!(lang, "web-overview-waiting")) }
        @if waiting.is_empty() && grants.is_empty() && statements.is_empty() {
            p.muted { (t!(lang, "web-overview-nothing")) }
        } @else {
            ul.waiting {
                @for (id, text) in &waiting {
                    li { a href={ "/runs/" (id) } { (text) } }
                }
                @for (account, statement) in &statements {
                    li { a href={ "/bank/statement?account=" (crate::web::html::q(account)) "&statement=" (crate::web::html::q(statement)) } {
                        (t!(lang, "web-wait-statement", account = account.as_str(), statement = statement.as_str()))
                    } }
                }
                @for g in &grants {
                    li { a href={ "/grants/" (g.grant.id) } {
                        (t!(lang, "web-wait-grant",
                            grant = g.grant.id,
                            household = g.grant.household.as_str(),
                            amount = g.grant.amount.grouped(),
                            gate = g.next_gate().map(|x| x.name_in(lang)).unwrap_or("")))
                    } }
                }
            }
        }
        h2 { (t!(lang, "web-overview-funds")) }
        (crate::web::html::document(&funds, &|_, row, key| {
            let id = fund_ids.get(row)?;
            (key == "id" || key == "account").then(|| {
                if key == "id" {
                    format!("/fund?f={}", crate::web::html::q(id))
                } else {
                    format!("/register?account={}", crate::web::html::q(&fund_accounts[row]))
                }
            })
        }))
        h2 { (t!(lang, "web-overview-chain")) }
        p.muted { (footer) }
        @match &verified {
            Some(e) => p.muted { (t!(lang, "web-overview-verified",
                month = e.month.as_str(), by = e.person.as_str(), at = e.at.as_str(),
                transactions = e.journal_length)) },
            None => p.muted { (t!(lang, "web-overview-never-verified")) },
        }
        h2 { (t!(lang, "web-periods")) }
        (crate::web::pages::downloads::links(lang, "periods", ""))
    };
    Ok((t!(lang, "web-overview-title"), body))
}

/// `/fund?f=ID`: one fund over its current year, the same report as `townledger fund show`.
pub async fn fund(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Query(p): Query<Map>,
) -> Response {
    read_page(state.0, headers, addr, p, |ctx, ledger, p| {
        let name = p.get("f").map(|s| s.trim()).unwrap_or_default();
        let doc = crate::report::fund_show::fund_show(ledger, name, None, ctx.lang)?;
        let body = maud::html! {
            h2 { (t!(ctx.lang, "web-fund-statement")) }
            (crate::web::pages::downloads::links(ctx.lang, "fund-statement", &crate::web::pages::downloads::param("fund", name)))
            (crate::web::html::document(&doc, &|_, _, _| None))
        };
        Ok((doc.title.clone(), body))
    })
    .await
}

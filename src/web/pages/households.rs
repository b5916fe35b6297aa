//! Households: the register as of today (ID numbers, names and cards masked), searched by id,
//! village or category; one household's history; its statement as a PDF from the same
//! renderer as `townledger statement household`.

use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use maud::html;

use crate::error::Error;
use crate::render::{render_to_vec, Format, RenderOptions};
use crate::report::document::{Document, Table};
use crate::report::household_list::{household_row, household_table};
use crate::report::statement::household_statements;
use crate::t;
use crate::web::html::{document, pager, q};
use crate::web::{download, read_page, ConnectInfo, Map, Query, St};

/// Households on one page.
const PER_PAGE: usize = 100;

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

pub async fn list(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Query(p): Query<Map>,
) -> Response {
    read_page(state.0, headers, addr, p, |ctx, ledger, p| {
        let lang = ctx.lang;
        let wanted = p.get("q").map(|s| s.trim().to_string()).unwrap_or_default();
        let page = p
            .get("page")
            .and_then(|s| s.parse::<usize>().ok())
            .filter(|n| (1..100_000_000).contains(n))
            .unwrap_or(1);
        let all = ledger.households_on(today())?;
        let found: Vec<_> = all
            .iter()
            .filter(|h| {
                wanted.is_empty()
                    || h.id.contains(&wanted)
                    || h.village.contains(&wanted)
                    || h.category.is_some_and(|c| {
                        c.as_str().contains(&wanted) || c.alias().eq_ignore_ascii_case(&wanted)
                    })
            })
            .collect();
        let mut table: Table = household_table(lang, false);
        let shown: Vec<&str> = found
            .iter()
            .skip((page - 1) * PER_PAGE)
            .take(PER_PAGE)
            .map(|h| {
                table.rows.push(household_row(h, false, None));
                h.id.as_str()
            })
            .collect();
        let mut doc = Document::new(t!(lang, "web-households-title"));
        doc.tables.push(table);
        let link = |_t: usize, row: usize, key: &str| {
            (key == "id")
                .then(|| shown.get(row).map(|id| format!("/households/{}", q(id))))
                .flatten()
        };
        let base = format!("/households?q={}", q(&wanted));
        let mut villages: Vec<&str> = all.iter().map(|h| h.village.as_str()).collect();
        villages.sort_unstable();
        villages.dedup();
        let year = today().year();
        let body = html! {
            form.filters method="get" action="/households" {
                input type="search" name="q" value=(wanted) placeholder=(t!(lang, "web-households-search"));
                " " button type="submit" { (t!(lang, "web-show")) }
            }
            form.filters method="get" action="/download/village-statements" {
                (t!(lang, "web-village-statements")) " "
                select name="village" { @for v in &villages { option value=(v) { (v) } } }
                " "
                select name="year" { @for y in (year - 3..=year).rev() { option value=(y) selected[y == year - 1] { (y) } } }
                " " button type="submit" { (t!(lang, "web-village-statements-zip")) }
            }
            (pager(lang, &base, page, PER_PAGE, found.len()))
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
    Path(id): Path<String>,
    Query(p): Query<Map>,
) -> Response {
    read_page(state.0, headers, addr, p, move |ctx, ledger, _| {
        let lang = ctx.lang;
        let versions = ledger.household_history(&id)?;
        if versions.is_empty() {
            return Err(Error::NotFound(crate::tr!("household-not-found", id = &id)));
        }
        let mut table = household_table(lang, true);
        for v in &versions {
            table
                .rows
                .push(household_row(&v.record, false, Some(v.valid_from)));
        }
        let mut doc = Document::new(t!(lang, "web-household-title", id = id.as_str()));
        doc.tables.push(table);
        let year = today().year();
        let body = html! {
            (document(&doc, &|_, _, _| None))
            h2 { (t!(lang, "web-household-statement")) }
            p {
                @for y in (year - 3..=year).rev() {
                    a.download href={ "/households/" (q(&id)) "/statement.pdf?year=" (y) } { (y) " PDF" }
                    " "
                }
            }
        };
        Ok((doc.title.clone(), body))
    })
    .await
}

pub async fn statement(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(p): Query<Map>,
) -> Response {
    download(state.0, headers, addr, p, move |ctx, ledger, p| {
        let year = p
            .get("year")
            .and_then(|y| y.trim().parse::<i32>().ok())
            .unwrap_or_else(|| today().year());
        let (Some(from), Some(to)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return Err(Error::rule(crate::tr!(
                "statement-year-out-of-range",
                year = year
            )));
        };
        let household = ledger
            .households_on(to)?
            .into_iter()
            .find(|h| h.id == id)
            .ok_or_else(|| Error::NotFound(crate::tr!("household-not-found", id = &id)))?;
        let statement = household_statements(ledger, &[household], from, to, today(), ctx.lang)?
            .pop()
            .ok_or_else(|| Error::NotFound(crate::tr!("household-not-found", id = &id)))?;
        let options = RenderOptions::new(chrono::Local::now().fixed_offset());
        let bytes = render_to_vec(&statement.document(ctx.lang), Format::Pdf, &options)?;
        // The file is named by the year only: a household id never becomes a file name.
        Ok((format!("statement-{year}.pdf"), "application/pdf", bytes))
    })
    .await
}

//! Downloads: every report the pages show, as PDF, XLSX or CSV, through one route
//! (`/download/{report}/{ext}?…`), made by the same report functions and renderers as the
//! command line's `-o FILE` / `--format`. The file names are ASCII made here from the report's
//! name (and a number), never from stored text.

use std::collections::HashMap;

use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{html, Markup};

use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::reconcile::position::position;
use crate::reconcile::{statement_named, statement_or_latest};
use crate::render::{render_to_vec, Format, RenderOptions};
use crate::report::allocation::{notice_document, run_document};
use crate::report::balance::{balance, BalanceQuery};
use crate::report::balance_sheet::{balance_sheet, BalanceSheet, SheetHead, SheetQuery};
use crate::report::document::Document;
use crate::report::fund_statement::{fund_statement, StatementQuery};
use crate::report::grant_list::grant_list;
use crate::report::period_list::period_list;
use crate::report::reconciliation::reconciliation_document;
use crate::report::register::register;
use crate::store::Ledger;
use crate::t;
use crate::web::html::q;
use crate::web::{download, ConnectInfo, Ctx, Map, Query, St};

/// "Download: PDF · XLSX · CSV" for `report` with the page's `query` (`account=101&`).
pub fn links(lang: Lang, report: &str, query: &str) -> Markup {
    let query = query.trim_end_matches('&');
    let href = |ext: &str| {
        if query.is_empty() {
            format!("/download/{report}/{ext}")
        } else {
            format!("/download/{report}/{ext}?{query}")
        }
    };
    html! {
        p.downloads {
            (t!(lang, "web-balance-download")) " "
            a href=(href("pdf")) { "PDF" } " · "
            a href=(href("xlsx")) { "XLSX" } " · "
            a href=(href("csv")) { "CSV" }
        }
    }
}

/// `key=value&` with the value escaped for a query string.
pub fn param(key: &str, value: &str) -> String {
    format!("{key}={}&", q(value))
}

fn mime(format: Format) -> &'static str {
    match format {
        Format::Pdf => "application/pdf",
        Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "text/csv; charset=utf-8",
    }
}

pub async fn file(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Path((report, ext)): Path<(String, String)>,
    Query(p): Query<Map>,
) -> Response {
    if report == "household-statement" && ext == "pdf" {
        let id = p.get("household").cloned().unwrap_or_default();
        return super::households::statement(state, ConnectInfo(addr), headers, Path(id), Query(p))
            .await;
    }
    download(state.0, headers, addr, p, move |ctx, ledger, p| {
        let lang = ctx.lang;
        let not_found = || Error::NotFound(t!(lang, "web-not-found"));
        let format = match ext.as_str() {
            "pdf" => Format::Pdf,
            "xlsx" => Format::Xlsx,
            "csv" => Format::Csv,
            _ => return Err(not_found()),
        };
        let options = RenderOptions::new(chrono::Local::now().fixed_offset());
        let (stem, bytes) = match report.as_str() {
            "balance" => (
                "balance".to_string(),
                balance_file(ctx, ledger, format, &options)?,
            ),
            other => {
                let (stem, doc) = document(ctx, ledger, other, p)?;
                (stem, render_to_vec(&doc, format, &options)?)
            }
        };
        Ok((format!("{stem}.{ext}"), mime(format), bytes))
    })
    .await
}

fn text<'a>(p: &'a HashMap<String, String>, key: &str) -> Option<&'a str> {
    p.get(key).map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn required<'a>(p: &'a HashMap<String, String>, key: &str) -> Result<&'a str> {
    text(p, key).ok_or_else(|| {
        Error::Input(vec![crate::error::RowError::new(
            key,
            0,
            crate::tr!("web-param-missing", name = key),
        )])
    })
}

fn date(p: &HashMap<String, String>, key: &str) -> Result<Option<chrono::NaiveDate>> {
    match text(p, key) {
        None => Ok(None),
        Some(s) => crate::ledger::transaction::parse_date(s)
            .map(Some)
            .map_err(|e| Error::Input(vec![crate::error::RowError::new(key, 0, e)])),
    }
}

fn number<T: std::str::FromStr>(p: &HashMap<String, String>, key: &str) -> Result<Option<T>> {
    match text(p, key) {
        None => Ok(None),
        Some(s) => s.parse::<T>().map(Some).map_err(|_| {
            Error::Input(vec![crate::error::RowError::new(
                key,
                0,
                crate::tr!("web-param-not-number", name = key),
            )])
        }),
    }
}

/// The run asked for (`run=3`).
fn run_id(p: &HashMap<String, String>) -> Result<i64> {
    required(p, "run")?;
    Ok(number(p, "run")?.unwrap_or_default())
}

/// The report's file stem and document, as the command line makes it.
fn document(
    ctx: &Ctx,
    ledger: &Ledger,
    report: &str,
    p: &HashMap<String, String>,
) -> Result<(String, Document)> {
    let lang = ctx.lang;
    let footer = || crate::report::ledger_footer(ledger, lang);
    match report {
        // `townledger register ACCOUNT [--from] [--to]`
        "register" => {
            let made = register(
                ledger,
                required(p, "account")?,
                date(p, "from")?,
                date(p, "to")?,
            )?;
            let mut doc = made.document(lang);
            doc.footer = Some(footer()?);
            Ok(("register".to_string(), doc))
        }
        // `townledger fund statement FUND [--year Y | --from --to]`
        "fund-statement" => {
            let query = StatementQuery {
                fund: required(p, "fund")?.to_string(),
                year: number(p, "year")?,
                from: date(p, "from")?,
                to: date(p, "to")?,
                by: None,
                budget: false,
            };
            let mut doc = fund_statement(ledger, &query, lang)?;
            doc.footer = Some(footer()?);
            Ok(("fund-statement".to_string(), doc))
        }
        // `townledger allocate show RUN`
        "run" => {
            let id = run_id(p)?;
            let record = ledger.run(id)?;
            let lines = ledger.run_lines(id)?;
            Ok((format!("run-{id}"), run_document(&record, &lines, lang)))
        }
        // The notice `townledger allocate notice RUN` printed when it was published.
        "notice" => {
            let id = run_id(p)?;
            let record = ledger.run(id)?;
            if record.published.is_none() {
                return Err(Error::NotFound(t!(
                    lang,
                    "web-notice-unpublished",
                    run = id
                )));
            }
            let lines = ledger.run_lines(id)?;
            let town = ledger.town_name()?;
            Ok((
                format!("notice-{id}"),
                notice_document(&record, &lines, town.as_deref(), lang),
            ))
        }
        // `townledger grant list`
        "grants" => {
            let mut doc = grant_list(ledger, None, lang)?;
            doc.footer = Some(footer()?);
            Ok(("grants".to_string(), doc))
        }
        // `townledger period list`
        "periods" => {
            let mut doc = period_list(ledger, lang)?;
            doc.footer = Some(footer()?);
            Ok(("periods".to_string(), doc))
        }
        // `townledger reconcile report ACCOUNT [--statement NAME]`
        "reconciliation" => {
            let account = required(p, "account")?;
            let name = statement_or_latest(ledger, account, text(p, "statement"))?;
            let found = ledger
                .account(account)?
                .ok_or_else(|| Error::NotFound(crate::tr!("account-unknown", name = account)))?;
            let statement = statement_named(ledger, (found.id, &found.name), &name)?;
            let at = position(ledger, (found.id, &found.name), &statement)?;
            let mut doc = reconciliation_document(&at, None, lang)?;
            doc.footer = Some(footer()?);
            Ok(("reconciliation".to_string(), doc))
        }
        _ => Err(Error::NotFound(t!(lang, "web-not-found"))),
    }
}

/// The trial balance as `townledger balance`: CSV one balance per account, PDF and XLSX the
/// 科目余额表 with its grouped header.
fn balance_file(
    ctx: &Ctx,
    ledger: &Ledger,
    format: Format,
    options: &RenderOptions,
) -> Result<Vec<u8>> {
    let lang = ctx.lang;
    if format == Format::Csv {
        let report = balance(
            ledger,
            &BalanceQuery {
                from: None,
                to: None,
                depth: None,
                accounts: Vec::new(),
            },
        )?;
        return render_to_vec(&report.flat_document(lang), Format::Csv, options);
    }
    let sheet = balance_sheet(
        ledger,
        &SheetQuery {
            from: None,
            to: None,
            depth: None,
            accounts: Vec::new(),
        },
    )?;
    let head = SheetHead {
        entity: ledger.town_name()?.unwrap_or_default(),
        printed: options.created.date_naive(),
    };
    let mut doc = sheet.document(&head, lang);
    doc.footer = Some(crate::report::ledger_footer(ledger, lang)?);
    if format == Format::Pdf {
        let groups = BalanceSheet::header_groups(lang);
        crate::render::pdf::grouped::to_bytes(&doc, &groups, options)
    } else {
        render_to_vec(&doc, Format::Xlsx, options)
    }
}

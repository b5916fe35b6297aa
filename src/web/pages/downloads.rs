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

/// A temporary directory with a random name, removed with what it holds when dropped.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> Result<TempDir> {
        let mut token = [0u8; 16];
        getrandom::getrandom(&mut token).map_err(|e| Error::rule(e.to_string()))?;
        let path = std::env::temp_dir().join(format!("townledger-zip-{}", hex::encode(token)));
        std::fs::create_dir(&path).map_err(|e| Error::io(&path, e))?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `/download/village-statements?village=…&year=…`: a zip of the village's household
/// statements (PDF), printed by the same batch code as `townledger statement village VILLAGE
/// --year YEAR -o DIR` into a temporary directory. The entries are named
/// `<village>/<id>-<year>.pdf` from the names that code made safe as file names.
pub async fn village_statements(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Query(p): Query<Map>,
) -> Response {
    download(state.0, headers, addr, p, move |ctx, ledger, p| {
        let lang = ctx.lang;
        let today = chrono::Local::now().date_naive();
        let village = required(p, "village")?;
        let year: i32 = number(p, "year")?.unwrap_or_else(|| chrono::Datelike::year(&today));
        let (Some(from), Some(to)) = (
            chrono::NaiveDate::from_ymd_opt(year, 1, 1),
            chrono::NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return Err(Error::rule(crate::tr!(
                "statement-year-out-of-range",
                year = year
            )));
        };
        let households = crate::batch::households_of(ledger, Some(village), to)?;
        let statements = crate::report::statement::household_statements(
            ledger,
            &households,
            from,
            to,
            today,
            lang,
        )?;
        let dir = TempDir::new()?;
        let options = RenderOptions::new(chrono::Local::now().fixed_offset());
        let label = year.to_string();
        let summary =
            crate::batch::write_statements(&statements, &dir.0, &label, lang, &options, 2)?;
        if !summary.failed.is_empty() {
            return Err(Error::Input(
                summary
                    .failed
                    .iter()
                    .map(|(id, why)| {
                        crate::error::RowError::new("", 0, format!("{}: {why}", id.escape_debug()))
                    })
                    .collect(),
            ));
        }
        let bytes = zip_files(&dir.0, &summary.files)?;
        Ok((format!("statements-{year}.zip"), "application/zip", bytes))
    })
    .await
}

/// The files (all under `dir`) in a zip, each named by its path below `dir` with `/` between
/// the parts; a path that is not plain parts below `dir` is refused, never stored.
fn zip_files(dir: &std::path::Path, files: &[std::path::PathBuf]) -> Result<Vec<u8>> {
    use std::io::Write;
    let zip_error = |e: zip::result::ZipError| Error::rule(format!("zip: {e}"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for file in files {
        let parts: Option<Vec<&str>> = file.strip_prefix(dir).ok().and_then(|rest| {
            rest.components()
                .map(|c| match c {
                    std::path::Component::Normal(part) => part.to_str(),
                    _ => None,
                })
                .collect()
        });
        let Some(parts) = parts.filter(|p| !p.is_empty()) else {
            return Err(Error::rule(crate::tr!(
                "statement-outside-dir",
                path = file.display(),
                dir = dir.display()
            )));
        };
        let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
        zip.start_file(parts.join("/"), options)
            .map_err(zip_error)?;
        zip.write_all(&bytes).map_err(|e| Error::io("zip", e))?;
    }
    let cursor = zip.finish().map_err(zip_error)?;
    Ok(cursor.into_inner())
}

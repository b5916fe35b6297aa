//! Downloads: the trial balance as PDF, XLSX or CSV, made by the same report and renderers
//! as `townledger balance -o FILE`.

use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::Response;

use crate::error::Error;
use crate::render::{render_to_vec, Format, RenderOptions};
use crate::report::balance::{balance, BalanceQuery};
use crate::report::balance_sheet::{balance_sheet, BalanceSheet, SheetHead, SheetQuery};
use crate::web::{download, ConnectInfo, Map, Query, St};

pub async fn balance_file(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Path(ext): Path<String>,
    Query(p): Query<Map>,
) -> Response {
    download(state.0, headers, addr, p, move |ctx, ledger, _| {
        let lang = ctx.lang;
        let options = RenderOptions::new(chrono::Local::now().fixed_offset());
        let footer = crate::report::ledger_footer(ledger, lang)?;
        match ext.as_str() {
            "csv" => {
                // As `balance --format csv`: one balance per account.
                let report = balance(
                    ledger,
                    &BalanceQuery {
                        from: None,
                        to: None,
                        depth: None,
                        accounts: Vec::new(),
                    },
                )?;
                let doc = report.flat_document(lang);
                let bytes = render_to_vec(&doc, Format::Csv, &options)?;
                Ok(("balance.csv".to_string(), "text/csv; charset=utf-8", bytes))
            }
            "pdf" | "xlsx" => {
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
                doc.footer = Some(footer);
                if ext == "pdf" {
                    let groups = BalanceSheet::header_groups(lang);
                    let bytes = crate::render::pdf::grouped::to_bytes(&doc, &groups, &options)?;
                    Ok(("balance.pdf".to_string(), "application/pdf", bytes))
                } else {
                    let bytes = render_to_vec(&doc, Format::Xlsx, &options)?;
                    Ok((
                        "balance.xlsx".to_string(),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        bytes,
                    ))
                }
            }
            _ => Err(Error::NotFound(crate::t!(lang, "web-not-found"))),
        }
    })
    .await
}

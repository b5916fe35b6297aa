//! Importing vouchers: a CSV uploaded and imported by the same library function as `townledger
//! import postings` — all or nothing. A refused file shows its bad rows as a table (row:
//! reason) and nothing is written.

use axum::extract::Multipart;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::html;

use crate::error::Error;
use crate::import::postings::{import_postings, ImportOptions};
use crate::t;
use crate::users::Action;
use crate::web::{error_page, read_page, write_action, ConnectInfo, Map, Query, St};

/// The largest file accepted (axum's default body limit is 2 MB).
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

pub async fn form(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Query(p): Query<Map>,
) -> Response {
    read_page(state.0, headers, addr, p, |ctx, _ledger, p| {
        let lang = ctx.lang;
        let posted = p.get("posted").and_then(|n| n.parse::<u64>().ok());
        let body = html! {
            @if let Some(n) = posted {
                p.ok role="status" { (t!(lang, "web-import-done", posted = n)) }
            }
            @if ctx.may(Action::Import) {
                p.muted { (t!(lang, "web-import-help")) }
                form.upload method="post" action="/import" enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(ctx.csrf);
                    input type="file" name="file" accept=".csv,text/csv" required;
                    " "
                    button type="submit" { (t!(lang, "web-import-submit")) }
                }
            } @else {
                p.muted { (t!(lang, "web-import-not-yours")) }
            }
        };
        Ok((t!(lang, "web-import-title"), body))
    })
    .await
}

/// A temporary file holding an upload, removed when dropped. Its name is random: the uploaded
/// file's own name never becomes a path.
struct Upload(std::path::PathBuf);

impl Upload {
    fn write(bytes: &[u8]) -> crate::Result<Upload> {
        let mut token = [0u8; 16];
        getrandom::getrandom(&mut token).map_err(|e| Error::rule(e.to_string()))?;
        let path =
            std::env::temp_dir().join(format!("townledger-upload-{}.csv", hex::encode(token)));
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        Ok(Upload(path))
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

pub async fn upload(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let lang = crate::web::lang_of(&headers, None);
    let mut fields = Map::new();
    let mut file: Option<Vec<u8>> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                match field.bytes().await {
                    Ok(bytes) if name == "file" => file = Some(bytes.to_vec()),
                    Ok(bytes) if name == "csrf" => {
                        fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
                    }
                    Ok(_) => {}
                    Err(e) => {
                        return error_page(lang, StatusCode::BAD_REQUEST, &e.to_string(), None)
                    }
                }
            }
            Ok(None) => break,
            Err(e) => return error_page(lang, StatusCode::BAD_REQUEST, &e.to_string(), None),
        }
    }
    let Some(bytes) = file.filter(|b| !b.is_empty() && b.len() <= MAX_BYTES) else {
        return error_page(
            lang,
            StatusCode::BAD_REQUEST,
            &t!(lang, "web-import-no-file"),
            None,
        );
    };
    write_action(
        state.0,
        headers,
        addr,
        fields,
        Action::Import,
        format!("vouchers {} bytes", bytes.len()),
        move |_, w| {
            let upload = Upload::write(&bytes)?;
            let options = ImportOptions {
                encoding: None,
                create_accounts: false,
            };
            let summary = import_postings(w, &upload.0, &options)?;
            Ok(format!("/import?posted={}", summary.posted))
        },
    )
    .await
}

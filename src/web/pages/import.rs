//! Importing vouchers: a CSV uploaded and imported by the same library function as `townledger
//! import postings` — all or nothing. A refused file shows its bad rows as a table (row:
//! reason) and nothing is written.

use axum::extract::Multipart;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::html;

use sha2::{Digest, Sha256};

use crate::error::{Error, RowError};
use crate::funds::registry::BANK_PARENT;
use crate::households::{read_households_with, TextEncoding};
use crate::import::postings::{import_postings, ImportOptions};
use crate::import::Encoding;
use crate::reconcile::import::import_statement;
use crate::reconcile::statement_file::read_statement;
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
    read_page(state.0, headers, addr, p, |ctx, ledger, p| {
        let lang = ctx.lang;
        let number = |k: &str| p.get(k).and_then(|n| n.parse::<u64>().ok());
        // The accounts under 资产:银行存款 (not the parent itself), for the statement's select.
        let banks: Vec<String> = if ctx.may(Action::ImportBank) {
            ledger
                .account_and_descendants(BANK_PARENT)
                .unwrap_or_default()
                .into_iter()
                .map(|a| a.name)
                .filter(|n| n.as_str() != BANK_PARENT)
                .collect()
        } else {
            Vec::new()
        };
        let today = chrono::Local::now().date_naive().to_string();
        let body = html! {
            @if let Some(n) = number("posted") {
                p.ok role="status" { (t!(lang, "web-import-done", posted = n)) }
            }
            @if let (Some(added), Some(changed), Some(unchanged)) = (number("added"), number("changed"), number("unchanged")) {
                p.ok role="status" { (t!(lang, "web-households-import-done", added = added, changed = changed, unchanged = unchanged)) }
            }
            @if let (Some(lines), Some(held)) = (number("lines"), number("held")) {
                p.ok role="status" { (t!(lang, "web-bank-import-done", added = lines, held = held)) }
            }
            @if ctx.may(Action::Import) {
                p.muted { (t!(lang, "web-import-help")) }
                form.upload #vouchers method="post" action="/import" enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(ctx.csrf);
                    input type="file" name="file" accept=".csv,text/csv" required;
                    " "
                    button type="submit" { (t!(lang, "web-import-submit")) }
                }
                h2 { (t!(lang, "web-households-import-title")) }
                p.muted { (t!(lang, "web-households-import-help")) }
                form.upload #households method="post" action="/import/households" enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(ctx.csrf);
                    input type="file" name="file" accept=".csv,.xlsx,.xls,text/csv" required;
                    " "
                    label { (t!(lang, "web-households-effective")) " " input type="date" name="effective" value=(today); }
                    " "
                    button type="submit" { (t!(lang, "web-import-submit")) }
                }
            } @else {
                p.muted { (t!(lang, "web-import-not-yours")) }
            }
            @if ctx.may(Action::ImportBank) {
                h2 { (t!(lang, "web-bank-import-title")) }
                p.muted { (t!(lang, "web-bank-import-help")) }
                form.upload #statement method="post" action="/import/bank-statement" enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(ctx.csrf);
                    label { (t!(lang, "web-bank-account")) " "
                        select name="account" required {
                            @for b in &banks { option value=(b) { (b) } }
                        }
                    }
                    " "
                    input type="file" name="file" accept=".csv,.xlsx,.xls,text/csv" required;
                    " "
                    label { (t!(lang, "web-bank-statement-name")) " " input type="text" name="name" maxlength="64"; }
                    " "
                    button type="submit" { (t!(lang, "web-import-submit")) }
                }
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
    /// The bytes in a new temporary file ending `.ext` (`ext` one of ours, never the
    /// client's).
    fn write(bytes: &[u8], ext: &str) -> crate::Result<Upload> {
        let mut token = [0u8; 16];
        getrandom::getrandom(&mut token).map_err(|e| Error::rule(e.to_string()))?;
        let path =
            std::env::temp_dir().join(format!("townledger-upload-{}.{ext}", hex::encode(token)));
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        Ok(Upload(path))
    }

    /// An error about the temporary file told with the name the client gave instead.
    fn rename(&self, e: Error, shown: &str) -> Error {
        let temp = self.0.display().to_string();
        match e {
            Error::Input(rows) => Error::Input(
                rows.into_iter()
                    .map(|mut r| {
                        r.file = r.file.replace(&temp, shown);
                        r.reason = r.reason.replace(&temp, shown);
                        r
                    })
                    .collect(),
            ),
            Error::Io { .. } | Error::Tampered(_) | Error::Sqlite(_) | Error::Busy(_) => e,
            Error::NotFound(m) => Error::NotFound(m.replace(&temp, shown)),
            Error::Rule(m) => Error::Rule(m.replace(&temp, shown)),
        }
    }
}

/// The client's file name as shown in messages: its last path component, with anything but
/// letters, digits, `.`, `-` and `_` replaced by `_`, at most 64 characters.
pub fn shown_name(client: &str) -> String {
    let last = client.rsplit(['/', '\\']).next().unwrap_or_default();
    let safe: String = last
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if safe.is_empty() || safe.chars().all(|c| c == '.') {
        "upload".to_string()
    } else {
        safe
    }
}

/// The extension the temporary file gets: a spreadsheet's when the client's name or the
/// bytes say it is one, else `csv`.
fn kind_of(shown: &str, bytes: &[u8]) -> &'static str {
    let ext = shown
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "xlsx" | "xlsm" => "xlsx",
        "xls" => "xls",
        "ods" => "ods",
        _ if bytes.starts_with(b"PK\x03\x04") => "xlsx",
        _ if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) => "xls",
        _ => "csv",
    }
}

/// A multipart form read whole: its text fields, and the file with the client's name.
struct Posted {
    fields: Map,
    file: Vec<u8>,
    shown: String,
}

async fn read_multipart(
    lang: crate::i18n::Lang,
    mut multipart: Multipart,
) -> Result<Posted, Response> {
    let mut fields = Map::new();
    let mut file: Option<Vec<u8>> = None;
    let mut shown = String::from("upload");
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                if name == "file" {
                    shown = shown_name(field.file_name().unwrap_or_default());
                }
                match field.bytes().await {
                    Ok(bytes) if name == "file" => file = Some(bytes.to_vec()),
                    Ok(bytes)
                        if matches!(name.as_str(), "csrf" | "effective" | "account" | "name") =>
                    {
                        fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
                    }
                    Ok(_) => {}
                    Err(e) => {
                        return Err(error_page(
                            lang,
                            StatusCode::BAD_REQUEST,
                            &e.to_string(),
                            None,
                        ))
                    }
                }
            }
            Ok(None) => break,
            Err(e) => {
                return Err(error_page(
                    lang,
                    StatusCode::BAD_REQUEST,
                    &e.to_string(),
                    None,
                ))
            }
        }
    }
    let Some(file) = file.filter(|b| !b.is_empty() && b.len() <= MAX_BYTES) else {
        return Err(error_page(
            lang,
            StatusCode::BAD_REQUEST,
            &t!(lang, "web-import-no-file"),
            None,
        ));
    };
    Ok(Posted {
        fields,
        file,
        shown,
    })
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
    multipart: Multipart,
) -> Response {
    let lang = crate::web::lang_of(&headers, None);
    let posted = match read_multipart(lang, multipart).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Posted {
        fields,
        file,
        shown,
    } = posted;
    write_action(
        state.0,
        headers,
        addr,
        fields,
        Action::Import,
        format!("vouchers {} bytes", file.len()),
        move |_, w| {
            let upload = Upload::write(&file, "csv")?;
            let options = ImportOptions {
                encoding: None,
                create_accounts: false,
            };
            let summary =
                import_postings(w, &upload.0, &options).map_err(|e| upload.rename(e, &shown))?;
            Ok(format!("/import?posted={}", summary.posted))
        },
    )
    .await
}

/// The household register uploaded (CSV or workbook), imported as `townledger households
/// import FILE --effective DATE`: changed households get a new version from that date.
pub async fn households(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let lang = crate::web::lang_of(&headers, None);
    let Posted {
        fields,
        file,
        shown,
    } = match read_multipart(lang, multipart).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let asked = fields.get("effective").map(|d| d.trim().to_string());
    let effective = match asked.as_deref().filter(|d| !d.is_empty()) {
        None => Ok(chrono::Local::now().date_naive()),
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| d.to_string()),
    };
    write_action(
        state.0,
        headers,
        addr,
        fields,
        Action::Import,
        format!("households {} bytes", file.len()),
        move |ctx, w| {
            let effective = effective.map_err(|d| {
                Error::Input(vec![RowError::new(
                    "effective",
                    0,
                    format!(
                        "{}: {}",
                        crate::text::excerpt(&d),
                        t!(ctx.lang, "web-bad-date")
                    ),
                )])
            })?;
            let upload = Upload::write(&file, kind_of(&shown, &file))?;
            let records = read_households_with(&upload.0, TextEncoding::Auto)
                .map_err(|e| upload.rename(e, &shown))?;
            let changes = w.import_households(&records, effective)?;
            Ok(format!(
                "/import?added={}&changed={}&unchanged={}",
                changes.added.len(),
                changes.changed.len(),
                changes.unchanged
            ))
        },
    )
    .await
}

/// A bank's statement of one of the accounts under 资产:银行存款, kept as `townledger bank
/// import ACCOUNT FILE [--name NAME]` keeps it: read, then imported in one write.
pub async fn bank_statement(
    state: St,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let lang = crate::web::lang_of(&headers, None);
    let Posted {
        fields,
        file,
        shown,
    } = match read_multipart(lang, multipart).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let account = fields.get("account").cloned().unwrap_or_default();
    let name = fields
        .get("name")
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    write_action(
        state.0,
        headers,
        addr,
        fields,
        Action::ImportBank,
        format!("bank statement {} bytes", file.len()),
        move |_, w| {
            let upload = Upload::write(&file, kind_of(&shown, &file))?;
            let sha256 = hex::encode(Sha256::digest(&file));
            let read = read_statement(&upload.0, Encoding::Auto, None)
                .map_err(|e| upload.rename(e, &shown))?;
            let done = import_statement(w, &account, &read, &sha256, name.as_deref(), None)
                .map_err(|e| upload.rename(e, &shown))?;
            Ok(format!(
                "/import?lines={}&held={}",
                done.added, done.already_held
            ))
        },
    )
    .await
}

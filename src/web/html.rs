//! The page frame, the login form and any report [`Document`] as an HTML table. maud escapes
//! every value it is given: names, memos and ids are never markup.

use axum::http::StatusCode;
use maud::{html, Markup, DOCTYPE};

use super::Ctx;
use crate::i18n::Lang;
use crate::report::document::{Align, Cell, Document, Row, Table};
use crate::t;
use crate::users::Action;

/// The frame of every page: the navigation (with what the user's role may see), the language
/// switch and the sign-out button.
pub fn layout(
    lang: Lang,
    ctx: Option<&Ctx>,
    title: &str,
    body: Markup,
) -> axum::response::Html<String> {
    let other = match lang {
        Lang::Zh => ("en", "English"),
        Lang::En => ("zh", "中文"),
    };
    let page = html! {
        (DOCTYPE)
        html lang=(match lang { Lang::Zh => "zh-CN", Lang::En => "en" }) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · townledger" }
                link rel="stylesheet" href="/style.css";
            }
            body {
                header {
                    a.brand href="/" { (t!(lang, "web-brand")) }
                    @if let Some(ctx) = ctx {
                        nav {
                            a href="/" { (t!(lang, "web-nav-overview")) }
                            a href="/balance" { (t!(lang, "web-nav-balance")) }
                            a href="/runs" { (t!(lang, "web-nav-runs")) }
                            a href="/grants" { (t!(lang, "web-nav-grants")) }
                            a href="/households" { (t!(lang, "web-nav-households")) }
                            a href="/bank" { (t!(lang, "web-nav-bank")) }
                            a href="/import" { (t!(lang, "web-nav-import")) }
                            @if ctx.may(Action::SeeUsers) || ctx.user.role == crate::users::Role::Inspector {
                                a href="/users" { (t!(lang, "web-nav-users")) }
                            }
                        }
                        span.who {
                            (ctx.user.name) " · " (t!(lang, &format!("role-{}", ctx.user.role.as_str())))
                        }
                        form.inline method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(ctx.csrf);
                            button type="submit" { (t!(lang, "web-logout")) }
                        }
                    }
                    a.lang href={ "?" (ctx.map_or("", |c| c.query.as_str())) "lang=" (other.0) } { (other.1) }
                }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    };
    axum::response::Html(page.into_string())
}

pub fn login_body(lang: Lang, csrf: &str, message: Option<&str>) -> Markup {
    html! {
        @if let Some(m) = message {
            p.error role="alert" { (m) }
        }
        form.login method="post" action="/login" {
            input type="hidden" name="csrf" value=(csrf);
            label { (t!(lang, "web-login-name")) input type="text" name="name" autocomplete="username" required; }
            label { (t!(lang, "web-login-password")) input type="password" name="password" autocomplete="current-password" required; }
            button type="submit" { (t!(lang, "web-login-submit")) }
        }
    }
}

pub fn error_body(
    lang: Lang,
    status: StatusCode,
    message: &str,
    rows: &[crate::error::RowError],
) -> Markup {
    html! {
        p.error role="alert" { (message) }
        @if !rows.is_empty() {
            div.table { table.rows {
                thead { tr { th.r { (t!(lang, "web-col-row")) } th { (t!(lang, "web-col-reason")) } } }
                tbody { @for r in rows { tr {
                    td.r { (r.line) }
                    td.wrap { (r.reason) }
                } } }
            } }
        }
        p.muted { (status.as_u16()) " · " a href="/" { (t!(lang, "web-back")) } }
    }
}

/// A cell's text as the renderers print it.
pub fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) => s.clone(),
        Cell::Money(a) => a.grouped(),
        Cell::Int(i) => i.to_string(),
        Cell::Empty => String::new(),
    }
}

/// Columns of long free text, wrapped instead of widening the table.
const WRAPPED: [&str; 5] = ["memo", "explanation", "policy", "note", "reason"];

fn align_class(a: Align) -> &'static str {
    match a {
        Align::Left => "l",
        Align::Right => "r",
        Align::Center => "c",
    }
}

/// A document's fields, tables and notes. `link` may turn a body row's cell into a link:
/// given the table's index, the row's index and the column's key, it returns the address.
pub fn document(doc: &Document, link: &dyn Fn(usize, usize, &str) -> Option<String>) -> Markup {
    html! {
        @if let Some(s) = &doc.subtitle { p.subtitle { (s) } }
        @if !doc.fields.is_empty() {
            dl.fields {
                @for f in &doc.fields {
                    div { dt { (f.label) } dd { (f.value) } }
                }
            }
        }
        @for (ti, table) in doc.tables.iter().enumerate() {
            (table_html(ti, table, link))
        }
        @for n in &doc.notes { p.note { (n) } }
        @if let Some(f) = &doc.footer { p.footer { (f) } }
    }
}

fn table_html(
    ti: usize,
    table: &Table,
    link: &dyn Fn(usize, usize, &str) -> Option<String>,
) -> Markup {
    let row_html = |ri: Option<usize>, row: &Row| {
        html! {
            tr class=[row.strong.then_some("strong")] {
                @for (ci, cell) in row.cells.iter().enumerate() {
                    @let col = table.columns.get(ci);
                    @let key = col.map_or("", |c| c.key.as_str());
                    @let class = col.map_or("l", |c| align_class(c.align));
                    @let class = if WRAPPED.contains(&key) { format!("{class} wrap") } else { class.to_string() };
                    @let indent = if ci <= 1 && key == "account" && row.indent > 0 {
                        Some(format!("padding-left:{}em", f32::from(row.indent) * 1.2 + 0.4))
                    } else { None };
                    @let text = cell_text(cell);
                    td class=(class) style=[indent] {
                        @match ri.and_then(|r| link(ti, r, key)) {
                            Some(href) if !text.is_empty() => a href=(href) { (text) },
                            _ => (text),
                        }
                    }
                }
            }
        }
    };
    html! {
        div.table {
            table {
                @if let Some(c) = &table.caption { caption { (c) } }
                thead { tr { @for c in &table.columns { th class=(align_class(c.align)) { (c.title) } } } }
                tbody {
                    @for (ri, row) in table.body().enumerate() { (row_html(Some(ri), &row)) }
                }
                @if !table.totals.is_empty() {
                    tfoot { @for row in &table.totals { (row_html(None, row)) } }
                }
            }
        }
    }
}

/// A button posting to `action` with the session's CSRF token (and `fields`).
pub fn button(ctx: &Ctx, action: &str, label: &str, fields: &[(&str, &str)]) -> Markup {
    html! {
        form.inline method="post" action=(action) {
            input type="hidden" name="csrf" value=(ctx.csrf);
            @for (k, v) in fields { input type="hidden" name=(k) value=(v); }
            button type="submit" { (label) }
        }
    }
}

/// `?page=N` links for a list of `total` rows shown `per` to a page.
pub fn pager(lang: Lang, base: &str, page: usize, per: usize, total: usize) -> Markup {
    let pages = total.div_ceil(per).max(1);
    let sep = if base.contains('?') { '&' } else { '?' };
    html! {
        nav.pager {
            @if page > 1 { a href={ (base) (sep) "page=" (page - 1) } { "‹ " (t!(lang, "web-page-prev")) } }
            span { (t!(lang, "web-page-of", page = page, pages = pages, total = total)) }
            @if page < pages { a href={ (base) (sep) "page=" (page + 1) } { (t!(lang, "web-page-next")) " ›" } }
        }
    }
}

/// Percent-encode a value for a query string.
pub fn q(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

//! The web application (`townledger serve`): the router, the shared state and the helpers
//! every page goes through. The pages call the same library functions as the command line;
//! this layer holds no SQL and no rule of its own, only who may press which button (checked
//! again here on every POST) and how a refusal is shown.

pub mod auth;
mod html;
mod pages;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

pub use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::Markup;

use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::store::Ledger;
use crate::users::{Action, User};

/// What the server shares between requests: where the ledger is, the sessions in memory and
/// the sign-in attempts counted.
pub struct AppState {
    pub ledger: PathBuf,
    pub sessions: auth::Sessions,
    pub limiter: auth::Limiter,
}

type Shared = Arc<AppState>;

/// Who asks, in which language, from where: what every page is given.
pub struct Ctx {
    pub user: User,
    pub csrf: String,
    pub lang: Lang,
    pub address: String,
    /// The page's query string without `lang` (`account=101&page=2`), kept by the language
    /// switch.
    pub query: String,
}

impl Ctx {
    pub fn may(&self, action: Action) -> bool {
        self.user.role.may(action)
    }
}

/// A message from the catalogs in the page's language: `t!(lang, "id", name = value)`.
#[macro_export]
macro_rules! t {
    ($lang:expr, $id:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::message_in($lang, $id, &[$((stringify!($name), $crate::i18n::Arg::from($value))),*])
    };
}

/// Serve the ledger at `addr` until the process is stopped; `ready` is told the address bound
/// (with the port chosen when it was 0).
pub fn serve(ledger: PathBuf, addr: &str, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    // Opened once first: a missing or newer ledger is refused before the server starts, and
    // pending migrations run now rather than in a request.
    Ledger::open(&ledger)?;
    // Two workers for the connections (parsing requests, writing large pages), the ledger's
    // work on blocking threads: under 50 readers and a clerk this gave a tenth more requests
    // a second and half the overview's p95 of one worker (README, "Under load").
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .build()
        .map_err(|e| Error::io(addr, e))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Error::io(addr, e))?;
        let bound = listener.local_addr().map_err(|e| Error::io(addr, e))?;
        ready(bound);
        let state = Arc::new(AppState {
            ledger,
            sessions: auth::Sessions::default(),
            limiter: auth::Limiter::default(),
        });
        axum::serve(
            listener,
            router(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .map_err(|e| Error::io(addr, e))
    })
}

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/style.css", get(style))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/", get(pages::overview::page))
        .route("/fund", get(pages::overview::fund))
        .route("/balance", get(pages::books::balance))
        .route("/register", get(pages::books::register))
        .route("/voucher", get(pages::books::voucher))
        .route("/runs", get(pages::runs::list))
        .route("/runs/{id}", get(pages::runs::show))
        .route("/runs/{id}/approve", post(pages::runs::approve))
        .route("/runs/{id}/notice", post(pages::runs::notice))
        .route("/runs/{id}/post", post(pages::runs::post))
        .route("/runs/{id}/pay", post(pages::runs::pay))
        .route("/users", get(pages::users::page))
        .route("/grants", get(pages::grants::list))
        .route("/grants/{id}", get(pages::grants::show))
        .route("/grants/{id}/review", post(pages::grants::review_gate))
        .route("/bank", get(pages::bank::list))
        .route("/bank/statement", get(pages::bank::show))
        .route("/bank/auto", post(pages::bank::auto))
        .route("/bank/match", post(pages::bank::match_ticked))
        .route("/bank/unmatch", post(pages::bank::unmatch_line))
        .route("/bank/lock", post(pages::bank::lock_statement))
        .route("/bank/unlock", post(pages::bank::unlock_statement))
        .route("/households", get(pages::households::list))
        .route("/households/{id}", get(pages::households::show))
        .route(
            "/households/{id}/statement.pdf",
            get(pages::households::statement),
        )
        .route("/download/{report}/{ext}", get(pages::downloads::file))
        .route(
            "/download/village-statements",
            get(pages::downloads::village_statements),
        )
        .route(
            "/import",
            get(pages::import::form).post(pages::import::upload),
        )
        .route("/import/households", post(pages::import::households))
        .route(
            "/import/bank-statement",
            post(pages::import::bank_statement),
        )
        .fallback(not_found)
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

/// Headers on every response: no framing, no sniffing, nothing loaded from elsewhere.
async fn security_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    for (name, value) in [
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        (
            "content-security-policy",
            "default-src 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
    ] {
        h.insert(
            axum::http::HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    r
}

async fn style() -> Response {
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (CACHE_CONTROL, HeaderValue::from_static("max-age=3600")),
        ],
        include_str!("../../assets/web/style.css"),
    )
        .into_response()
}

async fn not_found(headers: HeaderMap) -> Response {
    let lang = lang_of(&headers, None);
    error_page(
        lang,
        StatusCode::NOT_FOUND,
        &t!(lang, "web-not-found"),
        None,
    )
}

/// A query string's parameters or a posted form's fields (unknown ones are ignored).
pub type Map = HashMap<String, String>;

/// The value of cookie `name`, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The page's language: `?lang=` first, then the `lang` cookie, else Chinese.
pub fn lang_of(headers: &HeaderMap, asked: Option<&str>) -> Lang {
    asked
        .and_then(crate::i18n::parse_lang)
        .or_else(|| cookie(headers, "lang").and_then(|v| crate::i18n::parse_lang(&v)))
        .unwrap_or(Lang::Zh)
}

pub fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// 303 See Other to `to`.
pub fn see_other(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(LOCATION, v);
    }
    r
}

/// The status a library error is shown with: never a 5xx for what the request asked.
pub fn status_of(e: &Error) -> StatusCode {
    match e {
        Error::Input(_) => StatusCode::BAD_REQUEST,
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        Error::Rule(_) => StatusCode::CONFLICT,
        Error::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
        Error::Tampered(_) | Error::Io { .. } | Error::Sqlite(_) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

/// A page saying what went wrong, with the status.
pub fn error_page(lang: Lang, status: StatusCode, message: &str, ctx: Option<&Ctx>) -> Response {
    let body = html::error_body(lang, status, message, &[]);
    let page = html::layout(lang, ctx, &t!(lang, "web-error-title"), body);
    (status, no_store(), page).into_response()
}

/// The page for a library error: its message, and for refused input rows a table of them
/// (row: reason).
pub fn error_response(lang: Lang, e: &Error, ctx: Option<&Ctx>) -> Response {
    let status = status_of(e);
    let (message, rows) = match e {
        Error::Input(rows) => (
            crate::tr!("rows-nothing-written", count = rows.len()),
            rows.as_slice(),
        ),
        other => (other.to_string(), &[][..]),
    };
    let body = html::error_body(lang, status, &message, rows);
    let page = html::layout(lang, ctx, &t!(lang, "web-error-title"), body);
    (status, no_store(), page).into_response()
}

fn no_store() -> [(axum::http::HeaderName, HeaderValue); 1] {
    [(CACHE_CONTROL, HeaderValue::from_static("no-store"))]
}

/// The signed-in user's context, or the response to send instead (303 to /login).
async fn context(
    state: &Shared,
    headers: &HeaderMap,
    address: SocketAddr,
    asked_lang: Option<&str>,
) -> std::result::Result<Ctx, Response> {
    let lang = lang_of(headers, asked_lang);
    let Some(session) = auth::session_of(state, headers) else {
        return Err(see_other("/login"));
    };
    // The user as kept now: a user disabled since signing in is signed out.
    let path = state.ledger.clone();
    let name = session.user.clone();
    let user = blocking(move || {
        let ledger = Ledger::open(&path)?;
        crate::users::active(&ledger, &name)
    })
    .await;
    match user {
        Ok(Some(user)) => Ok(Ctx {
            user,
            csrf: session.csrf,
            lang,
            address: address.ip().to_string(),
            query: String::new(),
        }),
        Ok(None) => {
            state.sessions.remove(&session.token);
            Err(see_other("/login"))
        }
        Err(e) => Err(error_page(lang, status_of(&e), &e.to_string(), None)),
    }
}

/// Run blocking ledger work off the server's thread.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r,
        Err(e) => Err(Error::rule(format!("internal error: {e}"))),
    }
}

/// A page that reads the ledger: signed in, any role. `title` and `body` are made from the
/// ledger opened for this request.
pub async fn read_page(
    state: Shared,
    headers: HeaderMap,
    address: SocketAddr,
    params: HashMap<String, String>,
    f: impl FnOnce(&Ctx, &Ledger, &HashMap<String, String>) -> Result<(String, Markup)> + Send + 'static,
) -> Response {
    let asked = params.get("lang").cloned();
    let mut ctx = match context(&state, &headers, address, asked.as_deref()).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut kept: Vec<(&String, &String)> = params.iter().filter(|(k, _)| *k != "lang").collect();
    kept.sort();
    ctx.query = kept
        .iter()
        .map(|(k, v)| format!("{}={}&", html::q(k), html::q(v)))
        .collect();
    let path = state.ledger.clone();
    let result = blocking(move || {
        let lang = ctx.lang;
        crate::i18n::with_lang(lang, || {
            let ledger = Ledger::open(&path)?;
            let made = f(&ctx, &ledger, &params);
            Ok((ctx, made))
        })
    })
    .await;
    let mut response = match result {
        Ok((ctx, Ok((title, body)))) => {
            (no_store(), html::layout(ctx.lang, Some(&ctx), &title, body)).into_response()
        }
        Ok((ctx, Err(e))) => error_response(ctx.lang, &e, Some(&ctx)),
        Err(e) => error_response(Lang::Zh, &e, None),
    };
    if let Some(code) = asked.as_deref().and_then(crate::i18n::parse_lang) {
        set_lang_cookie(&mut response, code);
    }
    response
}

/// A response with a downloaded file.
pub async fn download(
    state: Shared,
    headers: HeaderMap,
    address: SocketAddr,
    params: HashMap<String, String>,
    f: impl FnOnce(&Ctx, &Ledger, &HashMap<String, String>) -> Result<(String, &'static str, Vec<u8>)>
        + Send
        + 'static,
) -> Response {
    let asked = params.get("lang").cloned();
    let ctx = match context(&state, &headers, address, asked.as_deref()).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let path = state.ledger.clone();
    let result = blocking(move || {
        let lang = ctx.lang;
        crate::i18n::with_lang(lang, || {
            let ledger = Ledger::open(&path)?;
            let made = f(&ctx, &ledger, &params);
            Ok((ctx, made))
        })
    })
    .await;
    match result {
        Ok((_, Ok((file, mime, bytes)))) => {
            // The file name is ASCII made here (never a stored name); RFC 5987 not needed.
            let disposition = format!("attachment; filename=\"{file}\"");
            let mut r = (no_store(), bytes).into_response();
            r.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(mime));
            if let Ok(v) = HeaderValue::from_str(&disposition) {
                r.headers_mut()
                    .insert(axum::http::header::CONTENT_DISPOSITION, v);
            }
            r
        }
        Ok((ctx, Err(e))) => error_response(ctx.lang, &e, Some(&ctx)),
        Err(e) => error_response(Lang::Zh, &e, None),
    }
}

fn set_lang_cookie(response: &mut Response, lang: Lang) {
    let cookie = format!(
        "lang={}; Path=/; SameSite=Strict; Max-Age=31536000",
        lang_code(lang)
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(SET_COOKIE, v);
    }
}

/// A write through the web: signed in, the form's CSRF token checked, the role allowed
/// `action`; then `f` runs in one ledger write with the user's name as the operator, and the
/// event is recorded in the same write. A refusal by the library is recorded too (in a write
/// of its own, the refused one having changed nothing) and shown as a 4xx page; success is a
/// 303 to the place `f` names.
pub async fn write_action(
    state: Shared,
    headers: HeaderMap,
    address: SocketAddr,
    fields: HashMap<String, String>,
    action: Action,
    what: String,
    f: impl FnOnce(&Ctx, &mut crate::store::Writer<'_>) -> Result<String> + Send + 'static,
) -> Response {
    let ctx = match context(&state, &headers, address, None).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if !auth::csrf_ok(&ctx.csrf, fields.get("csrf").map(String::as_str)) {
        return error_page(
            ctx.lang,
            StatusCode::FORBIDDEN,
            &t!(ctx.lang, "web-csrf-refused"),
            Some(&ctx),
        );
    }
    let path = state.ledger.clone();
    let allowed = ctx.may(action);
    let lang = ctx.lang;
    let result = blocking(move || {
        crate::i18n::with_lang(lang, move || {
            let mut ledger = Ledger::open(&path)?;
            let name = ctx.user.name.clone();
            let action_name = action.as_str();
            if !allowed {
                crate::users::record_event(
                    &mut ledger,
                    &name,
                    &ctx.address,
                    action_name,
                    &what,
                    "forbidden",
                )?;
                return Ok((ctx, Err(None)));
            }
            let done = ledger.write(&name, |w| {
                let to = f(&ctx, w)?;
                w.insert_web_event(&ctx.address, action_name, &what, "ok")?;
                Ok(to)
            });
            if let Err(e) = &done {
                let outcome = format!("refused: {e}");
                crate::users::record_event(
                    &mut ledger,
                    &name,
                    &ctx.address,
                    action_name,
                    &what,
                    &outcome,
                )?;
            }
            Ok((ctx, done.map_err(Some)))
        })
    })
    .await;
    match result {
        Ok((_, Ok(to))) => see_other(&to),
        Ok((ctx, Err(None))) => error_page(
            ctx.lang,
            StatusCode::FORBIDDEN,
            &t!(ctx.lang, "web-forbidden"),
            Some(&ctx),
        ),
        Ok((ctx, Err(Some(e)))) => error_response(ctx.lang, &e, Some(&ctx)),
        Err(e) => error_response(Lang::Zh, &e, None),
    }
}

/// The server's state as handlers take it.
pub type St = State<Shared>;

/// A number in the path (`/runs/{id}`). One that is not a number is a 404 page (a 303 to
/// `/login` without a session), never axum's plain-text rejection.
pub struct Id(pub i64);

impl axum::extract::FromRequestParts<Shared> for Id {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &Shared,
    ) -> std::result::Result<Self, Self::Rejection> {
        let parsed = axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .ok()
            .and_then(|axum::extract::Path(s)| s.trim().parse::<i64>().ok());
        match parsed {
            Some(id) => Ok(Id(id)),
            None if auth::session_of(state, &parts.headers).is_none() => Err(see_other("/login")),
            None => {
                let lang = lang_of(&parts.headers, None);
                Err(error_page(
                    lang,
                    StatusCode::NOT_FOUND,
                    &t!(lang, "web-not-found"),
                    None,
                ))
            }
        }
    }
}

//! Signing in and out: sessions kept in the server's memory (an HttpOnly, SameSite=Strict
//! cookie with an expiry names one), a CSRF token for every form, and sign-in attempts counted
//! per name and per address.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{
    blocking, cookie, error_page, html, lang_of, see_other, ConnectInfo, Form, Map, Query, St,
};
use crate::store::Ledger;
use crate::t;

/// How long a session lasts after sign-in.
pub const SESSION_LIFE: Duration = Duration::from_secs(8 * 3600);
/// Refused sign-ins allowed per name, and per address, in [`WINDOW`]; then every attempt is
/// refused unchecked until the window has passed.
pub const FAILURES_PER_NAME: u32 = 5;
pub const FAILURES_PER_ADDRESS: u32 = 20;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

const SESSION_COOKIE: &str = "tl_session";
const LOGIN_COOKIE: &str = "tl_login";

/// A signed-in session.
#[derive(Clone, Debug)]
pub struct Session {
    pub token: String,
    pub user: String,
    pub csrf: String,
    pub expires: Instant,
}

#[derive(Default)]
pub struct Sessions(Mutex<HashMap<String, Session>>);

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn start(&self, user: &str) -> Option<Session> {
        let session = Session {
            token: token()?,
            user: user.to_string(),
            csrf: token()?,
            expires: Instant::now() + SESSION_LIFE,
        };
        let mut all = self.lock();
        let now = Instant::now();
        all.retain(|_, s| s.expires > now);
        all.insert(session.token.clone(), session.clone());
        Some(session)
    }

    fn get(&self, token: &str) -> Option<Session> {
        let mut all = self.lock();
        match all.get(token) {
            Some(s) if s.expires > Instant::now() => Some(s.clone()),
            Some(_) => {
                all.remove(token);
                None
            }
            None => None,
        }
    }

    pub fn remove(&self, token: &str) {
        self.lock().remove(token);
    }
}

/// Refused sign-ins counted by key (`name:…`, `addr:…`), each in a window.
#[derive(Default)]
pub struct Limiter(Mutex<HashMap<String, (u32, Instant)>>);

impl Limiter {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u32, Instant)>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn count(&self, key: &str) -> u32 {
        match self.lock().get(key) {
            Some((n, since)) if since.elapsed() < WINDOW => *n,
            _ => 0,
        }
    }

    /// Whether a sign-in as `name` from `address` may be tried now.
    pub fn allows(&self, name: &str, address: &str) -> bool {
        self.count(&format!("name:{name}")) < FAILURES_PER_NAME
            && self.count(&format!("addr:{address}")) < FAILURES_PER_ADDRESS
    }

    pub fn failed(&self, name: &str, address: &str) {
        let mut all = self.lock();
        for key in [format!("name:{name}"), format!("addr:{address}")] {
            let entry = all.entry(key).or_insert((0, Instant::now()));
            if entry.1.elapsed() >= WINDOW {
                *entry = (0, Instant::now());
            }
            entry.0 += 1;
        }
    }

    pub fn succeeded(&self, name: &str) {
        self.lock().remove(&format!("name:{name}"));
    }
}

/// 32 random bytes, hex.
fn token() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).ok()?;
    Some(hex::encode(bytes))
}

/// Compare without stopping at the first difference.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Whether the form's token is the session's.
pub fn csrf_ok(expected: &str, given: Option<&str>) -> bool {
    given.is_some_and(|g| !expected.is_empty() && same(expected, g))
}

/// The session the request's cookie names, if live.
pub fn session_of(state: &super::AppState, headers: &HeaderMap) -> Option<Session> {
    let token = cookie(headers, SESSION_COOKIE)?;
    state.sessions.get(&token)
}

fn set_cookie(r: &mut Response, value: String) {
    if let Ok(v) = HeaderValue::from_str(&value) {
        r.headers_mut().append(SET_COOKIE, v);
    }
}

/// `GET /login`: the form (name, password, csrf), with a fresh token in a cookie beside it.
pub async fn login_form(headers: HeaderMap, Query(params): Query<Map>) -> Response {
    let lang = lang_of(&headers, params.get("lang").map(String::as_str));
    login_page(lang, StatusCode::OK, None)
}

fn login_page(lang: crate::i18n::Lang, status: StatusCode, message: Option<String>) -> Response {
    let Some(csrf) = token() else {
        return error_page(
            lang,
            StatusCode::SERVICE_UNAVAILABLE,
            "no random numbers",
            None,
        );
    };
    let body = html::login_body(lang, &csrf, message.as_deref());
    let page = html::layout(lang, None, &t!(lang, "web-login-title"), body);
    let mut r = (status, page).into_response();
    set_cookie(
        &mut r,
        format!("{LOGIN_COOKIE}={csrf}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=1800"),
    );
    set_cookie(
        &mut r,
        format!(
            "lang={}; Path=/; SameSite=Strict; Max-Age=31536000",
            super::lang_code(lang)
        ),
    );
    r
}

/// `POST /login`: the form's token must match its cookie; then the rate limit, then the
/// password. Every attempt is recorded. Success: a new session and 303 to `/`.
pub async fn login(
    state: St,
    ConnectInfo(address): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    Form(fields): Form<Map>,
) -> Response {
    let st = state.0;
    let lang = lang_of(&headers, None);
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if !csrf_ok(&expected, fields.get("csrf").map(String::as_str)) {
        return login_page(
            lang,
            StatusCode::FORBIDDEN,
            Some(t!(lang, "web-csrf-refused")),
        );
    }
    let name = fields
        .get("name")
        .map(|n| n.trim().to_string())
        .unwrap_or_default();
    let password = fields.get("password").cloned().unwrap_or_default();
    let ip = address.ip().to_string();
    let path = st.ledger.clone();
    if !st.limiter.allows(&name, &ip) {
        let (who, from) = (name.clone(), ip.clone());
        let _ = blocking(move || {
            let mut ledger = Ledger::open(&path)?;
            crate::users::record_event(&mut ledger, &who, &from, "sign-in", "", "rate-limited")
        })
        .await;
        return login_page(
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            Some(t!(lang, "web-login-limited")),
        );
    }
    let (who, from) = (name.clone(), ip.clone());
    let checked = blocking(move || {
        let mut ledger = Ledger::open(&path)?;
        let user = crate::users::authenticate(&ledger, &who, &password)?;
        let outcome = if user.is_some() { "ok" } else { "refused" };
        crate::users::record_event(&mut ledger, &who, &from, "sign-in", "", outcome)?;
        Ok(user)
    })
    .await;
    match checked {
        Ok(Some(user)) => {
            st.limiter.succeeded(&name);
            let Some(session) = st.sessions.start(&user.name) else {
                return error_page(lang, StatusCode::SERVICE_UNAVAILABLE, "no session", None);
            };
            let mut r = see_other("/");
            set_cookie(
                &mut r,
                format!(
                    "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
                    session.token,
                    SESSION_LIFE.as_secs()
                ),
            );
            set_cookie(
                &mut r,
                format!("{LOGIN_COOKIE}=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0"),
            );
            r
        }
        Ok(None) => {
            st.limiter.failed(&name, &ip);
            login_page(
                lang,
                StatusCode::UNAUTHORIZED,
                Some(t!(lang, "web-login-refused")),
            )
        }
        Err(e) => error_page(lang, super::status_of(&e), &e.to_string(), None),
    }
}

/// `POST /logout` (with the session's token): the session ends.
pub async fn logout(state: St, headers: HeaderMap, Form(fields): Form<Map>) -> Response {
    let lang = lang_of(&headers, None);
    if let Some(session) = session_of(&state.0, &headers) {
        if !csrf_ok(&session.csrf, fields.get("csrf").map(String::as_str)) {
            return error_page(
                lang,
                StatusCode::FORBIDDEN,
                &t!(lang, "web-csrf-refused"),
                None,
            );
        }
        state.0.sessions.remove(&session.token);
    }
    let mut r = see_other("/login");
    set_cookie(
        &mut r,
        format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    r
}

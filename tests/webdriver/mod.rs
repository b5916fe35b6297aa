//! What the web tests need besides the binary: the server started on a free port, a plain
//! HTTP client for requests a browser would not make (a forged POST), and a small WebDriver
//! client that drives headless Chromium through `chromedriver`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

/// A `townledger serve` process on 127.0.0.1 and a free port; stopped when dropped.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    /// Start the server on `ledger`, waiting for the line that says where it listens.
    pub fn start(dir: &Path, ledger: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_townledger"))
            .current_dir(dir)
            .env_remove("TOWNLEDGER_LANG")
            .args(["serve", "--addr", "127.0.0.1:0", "--ledger"])
            .arg(ledger)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start townledger serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the server's first line");
        let base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        Server { child, base }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response as read off the wire.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// One HTTP/1.1 request to `url` (`http://host:port/path`), the connection closed after it.
pub fn http(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let mut stream = TcpStream::connect(host).expect("connect");
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).expect("send");
    stream.write_all(body).expect("send body");
    // Read the headers, then as many bytes as they announce (a server may keep the
    // connection open whatever the request said).
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    let split = loop {
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut buf).expect("read");
        assert!(n > 0, "connection closed before the headers ended");
        raw.extend_from_slice(&buf[..n]);
    };
    let head_text = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let length = head_text
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let chunked_body = head_text.contains("transfer-encoding: chunked");
    loop {
        let have = raw.len() - split - 4;
        let done = match length {
            Some(n) => have >= n,
            None if chunked_body => raw.ends_with(b"0\r\n\r\n"),
            None => false,
        };
        if done {
            break;
        }
        let n = stream.read(&mut buf).expect("read");
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&data[..eol])
                .split(';')
                .next()
                .unwrap_or("0")
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
    out
}

/// The value of `name=` in a form field or a cookie header.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let key = format!("name=\"{name}\" value=\"");
    let at = html.find(&key)? + key.len();
    let end = html[at..].find('"')?;
    Some(html[at..at + end].to_string())
}

/// `name=value` of a Set-Cookie header named `name`.
pub fn cookie_from(r: &Response, name: &str) -> Option<String> {
    r.headers_named("set-cookie").into_iter().find_map(|c| {
        let pair = c.split(';').next()?;
        let (k, v) = pair.split_once('=')?;
        (k.trim() == name).then(|| format!("{}={}", k.trim(), v.trim()))
    })
}

/// Percent-encode a form value.
pub fn enc(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A signed-in session over plain HTTP: its cookie and its CSRF token (read from a page).
pub struct HttpSession {
    pub cookie: String,
    pub csrf: String,
}

/// Sign in as a script would: GET the form, POST name, password and csrf with its cookie.
pub fn sign_in(server: &Server, name: &str, password: &str) -> Result<HttpSession, Response> {
    let form = http("GET", &server.url("/login"), &[], b"");
    assert_eq!(form.status, 200);
    let csrf = hidden_value(&form.body, "csrf").expect("csrf field");
    let login_cookie = cookie_from(&form, "tl_login").expect("login cookie");
    let body = format!(
        "name={}&password={}&csrf={}",
        enc(name),
        enc(password),
        enc(&csrf)
    );
    let r = http(
        "POST",
        &server.url("/login"),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &login_cookie),
        ],
        body.as_bytes(),
    );
    if r.status != 303 {
        return Err(r);
    }
    let cookie = cookie_from(&r, "tl_session").expect("session cookie");
    let home = http("GET", &server.url("/"), &[("Cookie", &cookie)], b"");
    let csrf = hidden_value(&home.body, "csrf").expect("csrf on the signed-in page");
    Ok(HttpSession { cookie, csrf })
}

/// A WebDriver session on headless Chromium, through a `chromedriver` started on a free port.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
}

/// Whether chromedriver and chromium are installed.
pub fn have_browser() -> bool {
    Command::new("chromedriver")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        && chromium_binary().is_some()
}

fn chromium_binary() -> Option<&'static str> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .into_iter()
    .find(|p| Path::new(p).exists())
}

/// A port for a chromedriver: below the range the system hands out for port 0 (so no server
/// started meanwhile takes it), never the same twice in this process (tests run in parallel),
/// and free when chosen.
fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU16, Ordering};
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let base = 20_000 + (std::process::id() % 500) as u16 * 20;
    loop {
        let port = base + NEXT.fetch_add(1, Ordering::Relaxed) % 2_000;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

impl Browser {
    pub fn start() -> Browser {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        // Held from here on, so that the driver is stopped however the test ends.
        let mut b = Browser {
            driver,
            base: base.clone(),
            session: String::new(),
        };
        // Wait until it answers (it prints nothing we read); a driver that never comes up
        // fails the test after many tries.
        let mut ready = false;
        for _ in 0..600 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                let r = http("GET", &format!("{base}/status"), &[], b"");
                if r.body.contains("\"ready\":true") {
                    ready = true;
                    break;
                }
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(ready, "chromedriver did not come up");
        let caps = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": chromium_binary().expect("chromium"),
                    "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                             "--disable-dev-shm-usage", "--window-size=1280,900",
                             "--lang=zh-CN"]
                }
            }}
        });
        let v = b.call("POST", "/session", Some(caps));
        b.session = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_string();
        b
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let headers: &[(&str, &str)] = if method == "POST" {
            &[("Content-Type", "application/json")]
        } else {
            &[]
        };
        let r = http(method, &url, headers, body.as_bytes());
        let v: Value = serde_json::from_str(&r.body)
            .unwrap_or_else(|e| panic!("webdriver answered {}: {e}: {}", r.status, r.body));
        assert!(
            r.status < 400,
            "webdriver {method} {path}: {} {}",
            r.status,
            v["value"]["message"]
        );
        v.get("value").cloned().unwrap_or(v)
    }

    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    pub fn url(&self) -> String {
        self.call("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn source(&self) -> String {
        self.call("GET", "/source", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The page's visible text.
    pub fn text(&self) -> String {
        let body = self.find("body");
        self.call("GET", &format!("/element/{body}/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn element_id(v: &Value) -> String {
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(|v| v.as_str())
            .unwrap_or_else(|| panic!("no element in {v}"))
            .to_string()
    }

    /// The first element matching the CSS selector.
    pub fn find(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        );
        Self::element_id(&v)
    }

    /// How many elements match the CSS selector.
    pub fn count(&self, css: &str) -> usize {
        let v = self.call(
            "POST",
            "/elements",
            Some(json!({ "using": "css selector", "value": css })),
        );
        v.as_array().map_or(0, Vec::len)
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        );
    }

    /// Click the first element matching `css`; when the click submits a form or follows a
    /// link, wait until the next page has replaced this one.
    pub fn click(&self, css: &str) {
        let before = self.find("html");
        let id = self.find(css);
        self.call("POST", &format!("/element/{id}/click"), Some(json!({})));
        for _ in 0..1200 {
            let ready = self.call("POST", "/execute/sync", Some(json!({
                "script": "return document.readyState === 'complete' ? document.documentElement : null;",
                "args": []
            })));
            if ready.is_object() && Self::element_id(&ready) != before {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        panic!("clicking {css} loaded no new page");
    }

    /// Tick a box (or click anything that loads no page): no waiting.
    pub fn tick(&self, css: &str) {
        let id = self.find(css);
        self.call("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// Sign in through the form.
    pub fn sign_in(&self, server: &Server, name: &str, password: &str) {
        self.goto(&server.url("/login"));
        self.type_into("input[name=name]", name);
        self.type_into("input[name=password]", password);
        self.click("form.login button[type=submit]");
    }

    pub fn sign_out(&self) {
        self.click("header form.inline button[type=submit]");
    }

    pub fn window(&self, width: u32, height: u32) {
        self.call(
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        );
    }

    /// Save a PNG of the viewport.
    pub fn screenshot(&self, path: &Path) {
        use base64::Engine as _;
        let v = self.call("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().expect("base64"))
            .expect("decode");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screens dir");
        }
        std::fs::write(path, png).expect("write screenshot");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let url = format!("{}/session/{}", self.base, self.session);
            let _ = std::panic::catch_unwind(|| http("DELETE", &url, &[], b""));
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

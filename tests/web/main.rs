//! The web application (`townledger serve`) as scripts and browsers use it: the real binary
//! on the demo ledger, on 127.0.0.1 and a free port. The HTTP tests speak HTTP/1.1 directly;
//! the browser tests drive headless Chromium through chromedriver (WebDriver) and are skipped,
//! saying so, where those are not installed (CI installs them; with TOWNLEDGER_REQUIRE_PEERS
//! they fail instead).

#[path = "../common/mod.rs"]
mod common;
#[path = "../webdriver/mod.rs"]
mod webdriver;

mod access;
mod bank;
mod books;
mod files;
mod runs;

use std::path::{Path, PathBuf};

use common::Town;
use webdriver::{cookie_from, enc, have_browser, hidden_value, http, sign_in, Browser, Server};

const LEDGER: &str = "demo/townledger.db";

/// The demo town with its users: (name, role, password) as printed once by the demo.
struct Demo {
    town: Town,
    users: Vec<(String, String, String)>,
}

impl Demo {
    fn new() -> Demo {
        let town = Town::empty();
        let out = town.run(&["demo", "--out", "demo"]).ok().stdout;
        let users: Vec<(String, String, String)> = out
            .lines()
            .skip_while(|l| !l.starts_with("Demo users"))
            .skip(1)
            .filter_map(|l| {
                let mut parts = l.split_whitespace();
                Some((
                    parts.next()?.to_string(),
                    parts.next()?.to_string(),
                    parts.next()?.to_string(),
                ))
            })
            .collect();
        assert_eq!(users.len(), 6, "{out}");
        Demo { town, users }
    }

    fn password(&self, name: &str) -> &str {
        &self
            .users
            .iter()
            .find(|(n, _, _)| n == name)
            .unwrap_or_else(|| panic!("no demo user {name}"))
            .2
    }

    fn ledger(&self) -> PathBuf {
        self.town.path(LEDGER)
    }

    fn serve(&self) -> Server {
        Server::start(self.town.dir.path(), &self.ledger())
    }

    fn count(&self, sql: &str) -> i64 {
        let conn = rusqlite::Connection::open(self.ledger()).expect("open");
        conn.query_row(sql, [], |r| r.get(0)).expect("count")
    }

    /// Plan a new run of the dynamic-assistance fund as `operator`; its id.
    fn plan_run(&self, operator: &str) -> i64 {
        let policy = common::demo_dir().join("policy-2024.toml");
        let out = self
            .town
            .run_as(
                operator,
                &[
                    "--ledger",
                    LEDGER,
                    "allocate",
                    "plan",
                    "--policy",
                    policy.to_str().expect("path"),
                    "--fund",
                    "动态帮扶",
                    "--amount",
                    "100000",
                    "--date",
                    "2024-12-31",
                ],
            )
            .ok()
            .stdout;
        out.lines()
            .last()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or_else(|| panic!("no run id in {out}"))
    }
}

fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn post_form(
    server: &Server,
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
) -> webdriver::Response {
    http(
        "POST",
        &server.url(path),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", cookie),
        ],
        form(fields).as_bytes(),
    )
}

/// Where screenshots go: `TOWNLEDGER_SCREENS` (as when docs/screens is made), else a
/// temporary folder.
fn screens(town: &Town) -> PathBuf {
    std::env::var_os("TOWNLEDGER_SCREENS")
        .map(PathBuf::from)
        .unwrap_or_else(|| town.path("screens"))
}

fn browser_or_skip() -> Option<Browser> {
    if !have_browser() {
        if std::env::var_os("TOWNLEDGER_REQUIRE_PEERS").is_some() {
            panic!("chromedriver and chromium are required (TOWNLEDGER_REQUIRE_PEERS) but not installed");
        }
        common::skipped("chromedriver not installed: the browser test did not run");
        return None;
    }
    Some(Browser::start())
}

fn shot(b: &Browser, dir: &Path, name: &str) {
    let path = dir.join(format!("{name}.png"));
    b.screenshot(&path);
    assert!(std::fs::metadata(&path).expect("screenshot").len() > 1000);
}

/// The raw bytes of a GET (a binary download).
fn http_bytes(server: &Server, path: &str, cookie: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let rest = server.base.strip_prefix("http://").expect("http");
    let mut stream = std::net::TcpStream::connect(rest).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {rest}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers")
        + 4;
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    raw[split..].to_vec()
}

/// A child process killed when the test ends, passing or not.
struct Stop(std::process::Child);

impl Drop for Stop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A multipart POST of `file` (named `file_name` by the client) with text `fields`.
fn post_file(
    server: &Server,
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
    file_name: &str,
    file: &[u8],
) -> webdriver::Response {
    let boundary = "----townledger-test-boundary-7f3a";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    http(
        "POST",
        &server.url(path),
        &[("Content-Type", &content_type), ("Cookie", cookie)],
        &body,
    )
}

/// The demo's household register with one income changed, or with `bad` rows.
fn register(change: &str, bad: bool) -> String {
    let text =
        std::fs::read_to_string(common::demo_dir().join("households.csv")).expect("register");
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        if i > 0 && cells[0] == change {
            cells[5] = "99999.00".to_string();
        }
        if bad && (i == 2 || i == 3) {
            cells[4] = "many".to_string();
        }
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

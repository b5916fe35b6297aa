//! The web application (`townledger serve`) as scripts and browsers use it: the real binary
//! on the demo ledger, on 127.0.0.1 and a free port. The HTTP tests speak HTTP/1.1 directly;
//! the browser tests drive headless Chromium through chromedriver (WebDriver) and are skipped,
//! saying so, where those are not installed (CI installs them; with TOWNLEDGER_REQUIRE_PEERS
//! they fail instead).

mod common;
mod webdriver;

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

#[test]
fn scripts_sign_in_through_the_form_and_pages_need_a_session() {
    let demo = Demo::new();
    let server = demo.serve();
    // Without a session: /healthz answers, every page sends to /login.
    let health = http("GET", &server.url("/healthz"), &[], b"");
    assert_eq!((health.status, health.body.as_str()), (200, "ok"));
    for page in [
        "/runs/abc",
        "/",
        "/balance",
        "/runs",
        "/runs/1",
        "/users",
        "/register?account=101",
    ] {
        let r = http("GET", &server.url(page), &[], b"");
        assert_eq!(r.status, 303, "{page}");
        assert_eq!(r.header("location"), Some("/login"), "{page}");
    }
    // The form: name, password and csrf posted to /login.
    let login = http("GET", &server.url("/login"), &[], b"");
    assert_eq!(login.status, 200);
    for field in [
        "name=\"name\"",
        "name=\"password\"",
        "name=\"csrf\"",
        "action=\"/login\"",
        "method=\"post\"",
    ] {
        assert!(
            login.body.contains(field),
            "{field} missing: {}",
            login.body
        );
    }
    assert_eq!(login.header("x-frame-options"), Some("DENY"));
    assert!(login
        .header("content-security-policy")
        .is_some_and(|c| c.contains("default-src 'self'")));
    let login_cookie = cookie_from(&login, "tl_login").expect("login cookie");
    let csrf = hidden_value(&login.body, "csrf").expect("csrf");
    let password = demo.password("镇财务李");
    // A post without the form's token is refused, whatever the password.
    let r = post_form(
        &server,
        "/login",
        &login_cookie,
        &[("name", "镇财务李"), ("password", password)],
    );
    assert_eq!(r.status, 403);
    let r = post_form(
        &server,
        "/login",
        "",
        &[
            ("name", "镇财务李"),
            ("password", password),
            ("csrf", &csrf),
        ],
    );
    assert_eq!(r.status, 403);
    // A wrong password: 401, no session.
    let r = post_form(
        &server,
        "/login",
        &login_cookie,
        &[
            ("name", "镇财务李"),
            ("password", "wrong-password"),
            ("csrf", &csrf),
        ],
    );
    assert_eq!(r.status, 401);
    assert!(cookie_from(&r, "tl_session").is_none());
    // The right one: a session cookie, HttpOnly, SameSite=Strict, with an expiry; 303 to /.
    let r = post_form(
        &server,
        "/login",
        &login_cookie,
        &[
            ("name", "镇财务李"),
            ("password", password),
            ("csrf", &csrf),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/"));
    let set = r
        .headers_named("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("tl_session="))
        .expect("session cookie");
    for part in ["HttpOnly", "SameSite=Strict", "Max-Age="] {
        assert!(set.contains(part), "{set}");
    }
    let cookie = cookie_from(&r, "tl_session").expect("session");
    for page in [
        "/",
        "/balance",
        "/runs",
        "/runs/1",
        "/register?account=101",
        "/voucher?v=2024-01-0001",
    ] {
        let r = http("GET", &server.url(page), &[("Cookie", &cookie)], b"");
        assert_eq!(r.status, 200, "{page}: {}", r.body);
    }
    // The library's messages come in the page's language.
    let zh = http(
        "GET",
        &server.url("/register?account=NOPE"),
        &[("Cookie", &cookie)],
        b"",
    );
    assert_eq!(zh.status, 404);
    assert!(zh.body.contains("没有科目 “NOPE”"), "{}", zh.body);
    let en = http(
        "GET",
        &server.url("/register?account=NOPE&lang=en"),
        &[("Cookie", &cookie)],
        b"",
    );
    assert!(en.body.contains("no account"), "{}", en.body);
    // The language switch keeps the page's own query.
    let register = http(
        "GET",
        &server.url("/register?account=101&page=1"),
        &[("Cookie", &cookie)],
        b"",
    );
    assert!(
        register
            .body
            .contains("href=\"?account=101&amp;page=1&amp;lang=en\""),
        "{}",
        register.body
    );
    // Both sign-ins and the refusal are on record, with the address.
    assert_eq!(
        demo.count("SELECT count(*) FROM web_events WHERE action = 'sign-in' AND user = '镇财务李' AND outcome = 'ok' AND address = '127.0.0.1'"),
        1
    );
    assert_eq!(
        demo.count("SELECT count(*) FROM web_events WHERE action = 'sign-in' AND user = '镇财务李' AND outcome = 'refused'"),
        1
    );
    // Signing out ends the session.
    let home = http("GET", &server.url("/"), &[("Cookie", &cookie)], b"");
    let token = hidden_value(&home.body, "csrf").expect("csrf");
    let out = post_form(&server, "/logout", &cookie, &[("csrf", &token)]);
    assert_eq!(out.status, 303);
    let r = http("GET", &server.url("/"), &[("Cookie", &cookie)], b"");
    assert_eq!(r.header("location"), Some("/login"));
    demo.town.run(&["--ledger", LEDGER, "verify"]).ok();
}

#[test]
fn sign_ins_are_rate_limited_and_disabled_users_cannot_sign_in() {
    let demo = Demo::new();
    let server = demo.serve();
    for _ in 0..5 {
        let r = sign_in(&server, "出纳赵", "not-the-password")
            .err()
            .expect("refused");
        assert_eq!(r.status, 401);
    }
    // The sixth try is refused unchecked, even with the right password.
    let r = sign_in(&server, "出纳赵", demo.password("出纳赵"))
        .err()
        .expect("limited");
    assert_eq!(r.status, 429);
    assert!(
        r.body.contains("Too many") || r.body.contains("过多"),
        "{}",
        r.body
    );
    assert_eq!(
        demo.count(
            "SELECT count(*) FROM web_events WHERE user = '出纳赵' AND outcome = 'rate-limited'"
        ),
        1
    );
    // Another name from the same address is not yet limited.
    assert!(sign_in(&server, "镇农办陈", demo.password("镇农办陈")).is_ok());

    // A disabled user cannot sign in, and a session they had ends.
    let session = sign_in(&server, "村委王", demo.password("村委王"))
        .ok()
        .expect("signed in");
    demo.town
        .run(&["--ledger", LEDGER, "user", "disable", "村委王"])
        .ok();
    let r = http("GET", &server.url("/"), &[("Cookie", &session.cookie)], b"");
    assert_eq!(r.header("location"), Some("/login"));
    let r = sign_in(&server, "村委王", demo.password("村委王"))
        .err()
        .expect("disabled");
    assert_eq!(r.status, 401);
}

#[test]
fn an_inspector_changes_nothing_and_bad_requests_get_4xx_pages() {
    let demo = Demo::new();
    let run = demo.plan_run("镇财务李");
    let server = demo.serve();
    let inspector = sign_in(&server, "督查周", demo.password("督查周"))
        .ok()
        .expect("signed in");
    let page = http(
        "GET",
        &server.url(&format!("/runs/{run}")),
        &[("Cookie", &inspector.cookie)],
        b"",
    );
    assert_eq!(page.status, 200);
    assert!(
        !page.body.contains("/approve\""),
        "an approve button for the inspector"
    );
    let before = demo.count("SELECT count(*) FROM allocation_runs WHERE village_by IS NOT NULL");
    // A forged POST with the inspector's own valid token: 403, nothing written, on record.
    for action in ["approve", "notice", "post", "pay"] {
        let r = post_form(
            &server,
            &format!("/runs/{run}/{action}"),
            &inspector.cookie,
            &[("csrf", &inspector.csrf), ("level", "village")],
        );
        assert_eq!(r.status, 403, "{action}: {}", r.body);
    }
    assert_eq!(
        demo.count("SELECT count(*) FROM allocation_runs WHERE village_by IS NOT NULL"),
        before
    );
    assert_eq!(
        demo.count(
            "SELECT count(*) FROM web_events WHERE user = '督查周' AND outcome = 'forbidden'"
        ),
        4
    );
    // A village user may not approve for the town, whatever the form says.
    let village = sign_in(&server, "村委王", demo.password("村委王"))
        .ok()
        .expect("signed in");
    let r = post_form(
        &server,
        &format!("/runs/{run}/approve"),
        &village.cookie,
        &[("csrf", &village.csrf), ("level", "town")],
    );
    assert_eq!(r.status, 403, "{}", r.body);
    let r = post_form(
        &server,
        &format!("/runs/{run}/approve"),
        &village.cookie,
        &[("csrf", &village.csrf), ("level", "county")],
    );
    assert_eq!(r.status, 400, "{}", r.body);
    // A village user's POST without the token: 403 and nothing written.
    let r = post_form(
        &server,
        &format!("/runs/{run}/approve"),
        &village.cookie,
        &[("level", "village")],
    );
    assert_eq!(r.status, 403);
    let r = post_form(
        &server,
        &format!("/runs/{run}/approve"),
        &village.cookie,
        &[("csrf", "0000"), ("level", "village")],
    );
    assert_eq!(r.status, 403);
    assert_eq!(
        demo.count(&format!(
            "SELECT count(*) FROM allocation_runs WHERE id = {run} AND village_by IS NOT NULL"
        )),
        0
    );
    // Bad requests: a 4xx page, the server still up; hostile text comes back escaped.
    let c = [("Cookie", inspector.cookie.as_str())];
    for (path, status) in [
        ("/runs/abc", 404),
        ("/grants/1x", 404),
        ("/runs/99999", 404),
        ("/register?account=%3Cscript%3Ealert(1)%3C/script%3E", 404),
        ("/voucher?v=%3Cscript%3Ealert(1)%3C/script%3E", 404),
        ("/balance?from=2024-13-45", 400),
        ("/register", 404),
        ("/no/such/page", 404),
    ] {
        let r = http("GET", &server.url(path), &c, b"");
        assert_eq!(r.status, status, "{path}: {}", r.body);
        assert!(!r.body.contains("<script>"), "{path}: {}", r.body);
    }
    let r = http(
        "POST",
        &server.url(&format!("/runs/{run}/approve")),
        &[
            ("Cookie", &village.cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        b"csrf=%ZZ%",
    );
    assert!((400..500).contains(&r.status), "{}", r.status);
    assert_eq!(http("GET", &server.url("/healthz"), &[], b"").body, "ok");
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

#[test]
fn a_browser_signs_in_reads_the_books_and_an_inspector_sees_no_buttons() {
    let Some(b) = browser_or_skip() else { return };
    let demo = Demo::new();
    let run = demo.plan_run("镇财务李");
    let server = demo.serve();
    let dir = screens(&demo.town);
    b.window(1280, 900);
    // Without a session the browser lands on the form.
    b.goto(&server.url("/balance"));
    assert!(b.url().ends_with("/login"), "{}", b.url());
    shot(&b, &dir, "login");
    b.sign_in(&server, "村委王", demo.password("村委王"));
    assert_eq!(b.url(), server.url("/"));
    let text = b.text();
    assert!(text.contains("概览"), "{text}");
    assert!(text.contains("村委王"), "{text}");
    // The village user's waiting list names the new run.
    assert!(text.contains(&format!("第 {run} 批")), "{text}");
    shot(&b, &dir, "overview");
    // The trial balance; an account's link opens its register with a running balance.
    b.goto(&server.url("/balance"));
    assert!(b.text().contains("科目余额表"));
    shot(&b, &dir, "balance");
    b.click("td a[href^='/register']");
    assert!(b.url().contains("/register?account="), "{}", b.url());
    assert!(b.count("tbody tr") >= 2);
    shot(&b, &dir, "register");
    b.click("td a[href^='/voucher']");
    assert!(b.text().contains("记账凭证"), "{}", b.text());
    shot(&b, &dir, "voucher");
    // English on request.
    b.goto(&server.url("/?lang=en"));
    assert!(b.text().contains("Waiting for you"), "{}", b.text());
    b.goto(&server.url(&format!("/runs/{run}?lang=zh")));
    assert_eq!(
        b.count("div.actions button"),
        1,
        "the village approve button"
    );
    b.sign_out();
    assert!(b.url().ends_with("/login"), "{} {}", b.url(), b.text());
    b.goto(&server.url("/"));
    assert!(b.url().ends_with("/login"));

    // The inspector reads everything and sees no button that writes.
    b.sign_in(&server, "督查周", demo.password("督查周"));
    for page in [
        "/".to_string(),
        "/balance".into(),
        "/runs".into(),
        format!("/runs/{run}"),
        "/runs/1".into(),
        "/users".into(),
    ] {
        b.goto(&server.url(&page));
        assert_eq!(b.count("div.actions button"), 0, "{page}");
        assert_eq!(b.count("main form[method=post]"), 0, "{page}");
    }
    assert!(b.text().contains("登录与写入记录"));
    shot(&b, &dir, "users");
    // On a phone's width the pages still read.
    b.window(390, 844);
    b.goto(&server.url("/runs/1"));
    shot(&b, &dir, "run-phone");
}

#[test]
fn a_run_is_approved_by_the_village_then_the_town_and_the_proposer_is_refused() {
    let Some(b) = browser_or_skip() else { return };
    let demo = Demo::new();
    // Planned by the town clerk 镇财务李: he may not approve it.
    let run = demo.plan_run("镇财务李");
    let server = demo.serve();
    let dir = screens(&demo.town);
    b.window(1280, 900);
    let at = |path: &str| server.url(&format!("/runs/{run}{path}"));

    b.sign_in(&server, "村委王", demo.password("村委王"));
    b.goto(&at(""));
    b.click("div.actions button");
    assert_eq!(b.url(), at(""));
    assert!(
        b.text().contains("村审批") || b.text().contains("村级"),
        "{}",
        b.text()
    );
    b.sign_out();

    // The proposer presses the town's button: the library refuses, its message is shown.
    b.sign_in(&server, "镇财务李", demo.password("镇财务李"));
    b.goto(&at(""));
    assert_eq!(b.count("div.actions button"), 1);
    b.click("div.actions button");
    let refused = b.text();
    assert!(refused.contains("镇财务李"), "{refused}");
    assert!(b.count("p.error") == 1, "{refused}");
    shot(&b, &dir, "refused");
    b.sign_out();
    assert_eq!(
        demo.count(&format!(
            "SELECT count(*) FROM allocation_runs WHERE id = {run} AND town_by IS NOT NULL"
        )),
        0
    );

    // Another town user approves.
    b.sign_in(&server, "镇农办陈", demo.password("镇农办陈"));
    b.goto(&at(""));
    b.click("div.actions button");
    assert_eq!(b.url(), at(""));
    // Next: the notice, then posting (refused until the notice period has passed).
    b.click("div.actions button");
    assert!(b.text().contains("公示"), "{}", b.text());
    shot(&b, &dir, "run");
    b.click("div.actions button");
    assert_eq!(b.count("p.error"), 1, "{}", b.text());
    assert_eq!(
        demo.count(&format!(
            "SELECT count(*) FROM allocation_runs WHERE id = {run}
             AND village_by = '村委王' AND town_by = '镇农办陈' AND published IS NOT NULL
             AND posted_voucher IS NULL"
        )),
        1
    );
    // Every write is on record with who, when and from where.
    assert_eq!(
        demo.count(&format!(
            "SELECT count(*) FROM web_events WHERE detail LIKE 'run {run}%' AND outcome = 'ok' AND address = '127.0.0.1'"
        )),
        3
    );
    assert_eq!(
        demo.count(&format!(
            "SELECT count(*) FROM web_events WHERE user = '镇财务李' AND detail LIKE 'run {run}%' AND outcome LIKE 'refused:%'"
        )),
        1
    );
    demo.town.run(&["--ledger", LEDGER, "verify"]).ok();
}

#[test]
fn downloads_come_from_the_same_renderers_as_the_command_line() {
    let demo = Demo::new();
    let server = demo.serve();
    let s = sign_in(&server, "督查周", demo.password("督查周"))
        .ok()
        .expect("signed in");
    let get = |path: &str| http("GET", &server.url(path), &[("Cookie", &s.cookie)], b"");
    let pdf = get("/download/balance/pdf");
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert!(pdf.body.starts_with("%PDF"));
    let xlsx = get("/download/balance/xlsx");
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.body.starts_with("PK"));
    let csv = get("/download/balance/csv");
    assert_eq!(csv.status, 200);
    // The same file as `townledger balance --format csv`.
    let cli = demo
        .town
        .run(&["--ledger", LEDGER, "balance", "--format", "csv"])
        .ok()
        .stdout;
    assert_eq!(csv.body, cli);
    assert_eq!(get("/download/balance/exe").status, 404);
    // A household's statement PDF, read back as text.
    let statement = http_bytes(
        &server,
        "/households/H0001/statement.pdf?year=2024",
        &s.cookie,
    );
    assert!(statement.starts_with(b"%PDF"));
    if common::have_tool("pdftotext") {
        let path = demo.town.write("statement.pdf", &statement);
        let out = std::process::Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("H0001"), "{text}");
        assert!(text.contains("2024"), "{text}");
    }
    assert_eq!(get("/households/NOPE/statement.pdf?year=2024").status, 404);
    // A fund's page from the overview's link, as `fund show`.
    let home = get("/");
    assert!(home.body.contains("href=\"/fund?f=631\""), "{}", home.body);
    let fund = get("/fund?f=631");
    assert_eq!(fund.status, 200, "{}", fund.body);
    assert!(fund.body.contains("631"));
    let none = get("/fund?f=nope");
    assert!((400..500).contains(&none.status), "{}", none.status);
    // Households: masked ID numbers, searchable.
    let list = get("/households?q=H0001");
    assert_eq!(list.status, 200);
    assert!(list.body.contains("/households/H0001"), "{}", list.body);
    assert!(!list.body.contains("/households/H0002\""));
    let page = get("/households/H0001");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("statement.pdf?year="));
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

#[test]
fn a_bad_voucher_file_shows_its_rows_and_writes_nothing_a_good_one_posts() {
    let Some(b) = browser_or_skip() else { return };
    let demo = Demo::new();
    let server = demo.serve();
    let dir = screens(&demo.town);
    b.window(1280, 900);
    let before = demo.count("SELECT count(*) FROM transactions");
    b.sign_in(&server, "镇财务李", demo.password("镇财务李"));
    b.goto(&server.url("/import"));
    let bad = common::demo_dir().join("vouchers-2024-bad.csv");
    b.type_into("input[type=file]", bad.to_str().expect("path"));
    b.click("form.upload button[type=submit]");
    assert_eq!(b.count("p.error"), 1, "{}", b.text());
    let rows = b.count("table.rows tbody tr");
    assert!(rows >= 2, "{rows} rows: {}", b.text());
    shot(&b, &dir, "import-refused");
    assert_eq!(demo.count("SELECT count(*) FROM transactions"), before);
    // A good file is posted whole, the signed-in user recorded as the operator.
    let good = demo.town.write(
        "good.csv",
        "txn_id,date,account,amount,memo\n网-001,2025-01-15,101,100.00,备用金\n网-001,2025-01-15,102,-100.00,备用金\n",
    );
    b.goto(&server.url("/import"));
    b.type_into("input[type=file]", good.to_str().expect("path"));
    b.click("form.upload button[type=submit]");
    assert!(
        b.url().contains("/import?posted=1"),
        "{} {}",
        b.url(),
        b.text()
    );
    assert_eq!(demo.count("SELECT count(*) FROM transactions"), before + 1);
    assert_eq!(
        demo.count("SELECT count(*) FROM transactions WHERE external_id = '网-001' AND operator = '镇财务李'"),
        1
    );
    // The cashier may not import vouchers (no form; a forged upload is refused), only bank
    // statements.
    b.sign_out();
    b.sign_in(&server, "出纳赵", demo.password("出纳赵"));
    b.goto(&server.url("/import"));
    assert_eq!(b.count("form#vouchers"), 0);
    assert_eq!(b.count("form#households"), 0);
    assert_eq!(b.count("form#statement"), 1);
    demo.town.run(&["--ledger", LEDGER, "verify"]).ok();
}

#[test]
fn a_grant_gate_is_reviewed_by_the_town_and_never_by_the_inspector() {
    let demo = Demo::new();
    let out = demo
        .town
        .run(&[
            "--ledger",
            LEDGER,
            "grant",
            "apply",
            "--household",
            "H0001",
            "--fund",
            "储备金",
            "--amount",
            "1000",
            "--cause",
            "因病",
            "--loss",
            "8000",
            "--date",
            "2025-01-10",
        ])
        .ok()
        .stdout;
    let label = out.lines().last().expect("grant id").trim().to_string();
    let id: i64 = label.trim_start_matches('G').parse().expect("numeric id");
    let server = demo.serve();
    let town = sign_in(&server, "镇农办陈", demo.password("镇农办陈"))
        .ok()
        .expect("signed in");
    // Waiting on the overview, with the button on the grant's page.
    let home = http("GET", &server.url("/"), &[("Cookie", &town.cookie)], b"");
    assert!(
        home.body.contains(&format!("/grants/{id}\"")),
        "{}",
        home.body
    );
    let page = http(
        "GET",
        &server.url(&format!("/grants/{id}")),
        &[("Cookie", &town.cookie)],
        b"",
    );
    assert!(
        page.body.contains(&format!("/grants/{id}/review")),
        "{}",
        page.body
    );
    let review = format!("/grants/{id}/review");
    // The inspector's forged review is refused.
    let inspector = sign_in(&server, "督查周", demo.password("督查周"))
        .ok()
        .expect("signed in");
    let r = post_form(
        &server,
        &review,
        &inspector.cookie,
        &[
            ("csrf", &inspector.csrf),
            ("gate", "village"),
            ("decision", "pass"),
        ],
    );
    assert_eq!(r.status, 403);
    // A rejection needs its reason: the library's refusal, shown as a 4xx page.
    let r = post_form(
        &server,
        &review,
        &town.cookie,
        &[
            ("csrf", &town.csrf),
            ("gate", "village"),
            ("decision", "reject"),
            ("note", ""),
        ],
    );
    assert!((400..500).contains(&r.status), "{}: {}", r.status, r.body);
    assert!(r.body.contains("class=\"error\""));
    let r = post_form(
        &server,
        &review,
        &town.cookie,
        &[
            ("csrf", &town.csrf),
            ("gate", "village"),
            ("decision", "pass"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        demo.count(&format!(
            "SELECT count(*) FROM grant_reviews WHERE grant_id = {id} AND gate = 'village'
             AND passed = 1 AND reviewer = '镇农办陈' AND operator = '镇农办陈'"
        )),
        1
    );
    let r = post_form(
        &server,
        &review,
        &town.cookie,
        &[
            ("csrf", &town.csrf),
            ("gate", "nonsense"),
            ("decision", "pass"),
        ],
    );
    assert!((400..500).contains(&r.status), "{}", r.status);
    let list = http(
        "GET",
        &server.url("/grants"),
        &[("Cookie", &town.cookie)],
        b"",
    );
    assert_eq!(list.status, 200);
    assert!(list.body.contains(&label));
    demo.town.run(&["--ledger", LEDGER, "verify"]).ok();
}

/// A register page is the same postings and running balances as the whole register's slice.
#[test]
fn a_register_page_is_the_slice_of_the_whole_register() {
    let demo = Demo::new();
    let ledger = townledger::store::Ledger::open(&demo.ledger()).expect("open");
    let accounts = ledger.account_and_descendants("资产").expect("accounts");
    let whole =
        townledger::report::register::register(&ledger, "资产", None, None).expect("register");
    let all: Vec<_> = (0..whole.lines.len())
        .map(|i| whole.lines.line(i).expect("line"))
        .collect();
    assert!(all.len() > 120, "{}", all.len());
    for (offset, limit) in [
        (0, 50),
        (50, 50),
        (100, 1000),
        (all.len() - 1, 10),
        (all.len(), 10),
    ] {
        let page = ledger
            .register_page(&accounts, None, None, offset, limit)
            .expect("page");
        assert_eq!(page.total, all.len());
        let end = (offset + limit).min(all.len());
        assert_eq!(page.lines, all[offset..end].to_vec(), "{offset}+{limit}");
        let before = if offset == 0 {
            townledger::Amount::ZERO
        } else {
            all[offset - 1].running
        };
        assert_eq!(page.opening, before);
    }
}

/// `demo --serve`: the demo built, its users' passwords printed once, then served.
#[test]
fn demo_serve_prints_the_users_and_serves_the_demo() {
    use std::io::BufRead;
    let town = Town::empty();
    let mut child = town
        .cmd()
        .args(["demo", "--out", "demo", "--serve", "--addr", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("demo --serve");
    let stdout = child.stdout.take().expect("stdout");
    let _stop = Stop(child);
    let mut users = Vec::new();
    let mut base = None;
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.expect("line");
        if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) {
            base = Some(url.to_string());
            break;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        if parts.len() == 3
            && ["village", "town", "cashier", "inspector", "admin"].contains(&parts[1])
        {
            users.push((parts[0].to_string(), parts[2].to_string()));
        }
    }
    let base = base.expect("the address");
    assert_eq!(users.len(), 6);
    let health = http("GET", &format!("{}/healthz", base), &[], b"");
    assert_eq!(health.body, "ok");
    let (name, password) = &users[0];
    let login = http("GET", &format!("{}/login", base), &[], b"");
    let csrf = hidden_value(&login.body, "csrf").expect("csrf");
    let cookie = cookie_from(&login, "tl_login").expect("cookie");
    let r = http(
        "POST",
        &format!("{}/login", base),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &cookie),
        ],
        form(&[("name", name), ("password", password), ("csrf", &csrf)]).as_bytes(),
    );
    assert_eq!(r.status, 303, "{}", r.body);
}

/// A child process killed when the test ends, passing or not.
struct Stop(std::process::Child);

impl Drop for Stop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Posting and paying through the web: a run approved and noticed earlier (on the command
/// line, with past dates) is posted by the town and paid by the cashier, each by the same
/// library functions as `allocate post` and `pay`, the signed-in user the operator.
#[test]
fn the_town_posts_a_noticed_run_and_the_cashier_pays_it() {
    let demo = Demo::new();
    let policy = common::demo_dir().join("policy-2024.toml");
    let policy = policy.to_str().expect("path");
    let plan = demo
        .town
        .run(&[
            "--ledger",
            LEDGER,
            "allocate",
            "plan",
            "--policy",
            policy,
            "--fund",
            "631",
            "--amount",
            "100000",
            "--date",
            "2024-12-31",
        ])
        .ok()
        .stdout;
    let run: i64 = plan
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .expect("run id");
    let r = run.to_string();
    for (who, args) in [
        (
            "村委会",
            vec![
                "allocate",
                "approve",
                &r,
                "--by",
                "村委会",
                "--role",
                "village",
                "--date",
                "2025-01-01",
            ],
        ),
        (
            "镇农办",
            vec![
                "allocate",
                "approve",
                &r,
                "--by",
                "镇农办",
                "--role",
                "town",
                "--date",
                "2025-01-01",
            ],
        ),
        (
            "镇农办",
            vec![
                "allocate",
                "notice",
                &r,
                "--published",
                "2025-01-02",
                "-o",
                "notice.txt",
            ],
        ),
    ] {
        let mut all = vec!["--ledger", LEDGER];
        all.extend(args);
        demo.town.run_as(who, &all).ok();
    }
    let server = demo.serve();
    let at = format!("/runs/{run}");
    // The cashier cannot post; the town can.
    let cashier = sign_in(&server, "出纳赵", demo.password("出纳赵"))
        .ok()
        .expect("signed in");
    let r = post_form(
        &server,
        &format!("{at}/post"),
        &cashier.cookie,
        &[("csrf", &cashier.csrf)],
    );
    assert_eq!(r.status, 403);
    let town = sign_in(&server, "镇财务李", demo.password("镇财务李"))
        .ok()
        .expect("signed in");
    let page = http("GET", &server.url(&at), &[("Cookie", &town.cookie)], b"");
    assert!(page.body.contains(&format!("{at}/post")), "{}", page.body);
    let r = post_form(
        &server,
        &format!("{at}/post"),
        &town.cookie,
        &[("csrf", &town.csrf)],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        demo.count(&format!(
            "SELECT count(*) FROM allocation_runs r JOIN transactions t ON t.voucher = r.posted_voucher
             WHERE r.id = {run} AND r.posted_by = '镇财务李' AND t.operator = '镇财务李'"
        )),
        1
    );
    // Posted once only: the library refuses a second post.
    let again = post_form(
        &server,
        &format!("{at}/post"),
        &town.cookie,
        &[("csrf", &town.csrf)],
    );
    assert!((400..500).contains(&again.status), "{}", again.status);
    // The cashier pays.
    let page = http("GET", &server.url(&at), &[("Cookie", &cashier.cookie)], b"");
    assert!(page.body.contains(&format!("{at}/pay")), "{}", page.body);
    let r = post_form(
        &server,
        &format!("{at}/pay"),
        &cashier.cookie,
        &[("csrf", &cashier.csrf)],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        demo.count(&format!(
            "SELECT count(*) FROM allocation_payment_batches b JOIN transactions t ON t.voucher = b.voucher
             WHERE b.run = {run} AND t.operator = '出纳赵'"
        )) >= 1
    );
    demo.town.run(&["--ledger", LEDGER, "verify"]).ok();
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

#[test]
fn the_household_register_and_a_bank_statement_are_imported_through_the_web() {
    let demo = Demo::new();
    let server = demo.serve();
    let town = sign_in(&server, "镇财务李", demo.password("镇财务李"))
        .ok()
        .expect("signed in");
    let page = http(
        "GET",
        &server.url("/import"),
        &[("Cookie", &town.cookie)],
        b"",
    );
    assert!(
        page.body.contains("action=\"/import/households\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("action=\"/import/bank-statement\""));
    assert!(
        page.body
            .contains("<option value=\"资产:银行存款:储备金专户\""),
        "{}",
        page.body
    );
    let versions = "SELECT count(*) FROM households";
    let before = demo.count(versions);
    // Bad rows: the table of them, nothing written, and the client's path never shown whole.
    let r = post_file(
        &server,
        "/import/households",
        &town.cookie,
        &[("csrf", &town.csrf), ("effective", "2025-03-01")],
        "C:\\Users\\李\\<script>名册.csv",
        register("H0003", true).as_bytes(),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("table class=\"rows\""), "{}", r.body);
    assert!(!r.body.contains("<script>"), "{}", r.body);
    assert!(!r.body.contains("townledger-upload-"), "{}", r.body);
    assert_eq!(demo.count(versions), before);
    // A bad date is refused too.
    let r = post_file(
        &server,
        "/import/households",
        &town.cookie,
        &[("csrf", &town.csrf), ("effective", "next week")],
        "register.csv",
        register("H0003", false).as_bytes(),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(demo.count(versions), before);
    // A good register: one household changed from the date given.
    let r = post_file(
        &server,
        "/import/households",
        &town.cookie,
        &[("csrf", &town.csrf), ("effective", "2025-03-01")],
        "register.csv",
        register("H0003", false).as_bytes(),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        r.header("location")
            .unwrap_or_default()
            .contains("changed=1"),
        "{:?}",
        r.headers
    );
    assert_eq!(demo.count(versions), before + 1);
    // The workbook the demo ships is read as a workbook (its name says so).
    let xlsx = std::fs::read(common::demo_dir().join("households.xlsx")).expect("xlsx");
    let r = post_file(
        &server,
        "/import/households",
        &town.cookie,
        &[("csrf", &town.csrf), ("effective", "2025-04-01")],
        "名册.xlsx",
        &xlsx,
    );
    assert_eq!(r.status, 303, "{}", r.body);
    // The inspector may not import the register; a forged upload is refused and logged.
    let inspector = sign_in(&server, "督查周", demo.password("督查周"))
        .ok()
        .expect("signed in");
    let r = post_file(
        &server,
        "/import/households",
        &inspector.cookie,
        &[("csrf", &inspector.csrf)],
        "register.csv",
        register("H0004", false).as_bytes(),
    );
    assert_eq!(r.status, 403, "{}", r.body);
    let page = http(
        "GET",
        &server.url("/import"),
        &[("Cookie", &inspector.cookie)],
        b"",
    );
    assert!(!page.body.contains("/import/bank-statement"));
    // The cashier imports a bank statement (but not the register).
    let cashier = sign_in(&server, "出纳赵", demo.password("出纳赵"))
        .ok()
        .expect("signed in");
    let r = post_file(
        &server,
        "/import/households",
        &cashier.cookie,
        &[("csrf", &cashier.csrf)],
        "register.csv",
        register("H0004", false).as_bytes(),
    );
    assert_eq!(r.status, 403, "{}", r.body);
    let lines = "SELECT count(*) FROM bank_lines";
    let held = demo.count(lines);
    let statement = "\u{feff}中国农业银行账户交易明细\n账号：4467 0101 0400 1666 2\n户名：阳西县程村镇人民政府\n起止日期：2025-02-01 至 2025-02-28\n\"期初余额：1,198,456.46\"\n交易日期,交易时间,摘要,借方发生额,贷方发生额,余额,对方账号,对方户名,交易流水号\n20250221,090000,结息,,100.00,\"1,198,556.46\",,,\n合计,,共1笔,0.00,100.00,,,,\n\"期末余额：1,198,556.46\"\n";
    let bad = statement.replace("\"1,198,556.46\",,,", "\"1,198,999.46\",,,");
    let r = post_file(
        &server,
        "/import/bank-statement",
        &cashier.cookie,
        &[
            ("csrf", &cashier.csrf),
            ("account", "资产:银行存款:基本户"),
            ("name", ""),
        ],
        "../../etc/2025-02.csv",
        bad.as_bytes(),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("table class=\"rows\""), "{}", r.body);
    assert_eq!(demo.count(lines), held);
    let r = post_file(
        &server,
        "/import/bank-statement",
        &cashier.cookie,
        &[
            ("csrf", &cashier.csrf),
            ("account", "资产:银行存款:基本户"),
            ("name", ""),
        ],
        "2025-02.csv",
        statement.as_bytes(),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/import?lines=1&held=0"));
    assert_eq!(demo.count(lines), held + 1);
    let r = http(
        "GET",
        &server.url("/import?lines=1&held=0"),
        &[("Cookie", &cashier.cookie)],
        b"",
    );
    assert!(r.body.contains("role=\"status\""), "{}", r.body);
    // Without the token nothing is read.
    let r = post_file(
        &server,
        "/import/bank-statement",
        &cashier.cookie,
        &[("csrf", "nope"), ("account", "资产:银行存款:基本户")],
        "2025-02.csv",
        statement.as_bytes(),
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(
        demo.count("SELECT count(*) FROM web_events WHERE action = 'import-bank' AND outcome = 'ok' AND user = '出纳赵'"),
        1
    );
    demo.town.run(&["--ledger", LEDGER, "verify"]).ok();
}

#[test]
fn every_report_downloads_in_every_format_as_the_command_line_makes_it() {
    let demo = Demo::new();
    let server = demo.serve();
    let s = sign_in(&server, "督查周", demo.password("督查周"))
        .ok()
        .expect("signed in");
    let get = |path: &str| http("GET", &server.url(path), &[("Cookie", &s.cookie)], b"");
    // (report and query, the command line making the same report)
    let reports: Vec<(&str, Vec<&str>)> = vec![
        ("balance", vec!["balance"]),
        (
            "register?account=资产:银行存款:基本户&from=2024-01-01&to=2024-12-31",
            vec![
                "register",
                "资产:银行存款:基本户",
                "--from",
                "2024-01-01",
                "--to",
                "2024-12-31",
            ],
        ),
        (
            "fund-statement?fund=631&year=2024",
            vec!["fund", "statement", "631", "--year", "2024"],
        ),
        ("run?run=1", vec!["allocate", "show", "1"]),
        ("notice?run=1", vec![]),
        ("grants", vec!["grant", "list"]),
        ("periods", vec!["period", "list"]),
        (
            "reconciliation?account=资产:银行存款:储备金专户&statement=2024-09",
            vec![
                "reconcile",
                "report",
                "资产:银行存款:储备金专户",
                "--statement",
                "2024-09",
            ],
        ),
    ];
    for (report, cli) in &reports {
        let (name, query) = report.split_once('?').unwrap_or((report, ""));
        let query = query
            .split('&')
            .filter(|kv| !kv.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').expect("k=v");
                format!("{k}={}", enc(v))
            })
            .collect::<Vec<_>>()
            .join("&");
        for (ext, mime, magic) in [
            ("pdf", "application/pdf", "%PDF"),
            (
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "PK",
            ),
            ("csv", "text/csv; charset=utf-8", ""),
        ] {
            let r = get(&format!("/download/{name}/{ext}?{query}"));
            assert_eq!(r.status, 200, "{name}.{ext}: {}", r.body);
            assert_eq!(r.header("content-type"), Some(mime), "{name}.{ext}");
            let disposition = r
                .header("content-disposition")
                .unwrap_or_default()
                .to_string();
            assert!(
                disposition.is_ascii() && disposition.contains(&format!(".{ext}\"")),
                "{disposition}"
            );
            assert!(r.body.starts_with(magic), "{name}.{ext}");
            if ext == "csv" && !cli.is_empty() {
                let mut args = vec!["--ledger", LEDGER];
                args.extend(cli.iter().copied());
                args.extend(["--format", "csv"]);
                let expected = demo.town.run(&args).ok().stdout;
                assert_eq!(
                    r.body,
                    expected,
                    "{name}.csv differs from `{}`",
                    cli.join(" ")
                );
            }
        }
    }
    // The notice's CSV says what the run page shows.
    let notice = get("/download/notice/csv?run=1");
    let page = get("/runs/1");
    assert!(
        page.body.contains("/download/notice/pdf?run=1"),
        "{}",
        page.body
    );
    assert!(page.body.contains("/download/run/csv?run=1"));
    assert!(notice.body.lines().count() > 3, "{}", notice.body);
    // Links on the pages that show the reports.
    assert!(get("/grants").body.contains("/download/grants/xlsx"));
    assert!(get("/").body.contains("/download/periods/pdf"));
    assert!(get("/fund?f=631")
        .body
        .contains("/download/fund-statement/csv?fund=631"));
    let register = get(&format!(
        "/register?account={}",
        enc("资产:银行存款:基本户")
    ));
    assert!(
        register.body.contains("/download/register/pdf?account="),
        "{}",
        register.body
    );
    // Unknown reports, formats and runs, missing parameters: 4xx pages.
    assert_eq!(get("/download/secrets/csv").status, 404);
    assert_eq!(get("/download/grants/exe").status, 404);
    assert_eq!(get("/download/run/csv?run=999").status, 404);
    assert_eq!(get("/download/run/csv?run=x").status, 400);
    assert_eq!(get("/download/register/csv").status, 400);
    // The household statement through the same route.
    let r = get("/download/household-statement/pdf?household=H0001&year=2024");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/pdf"));
}

#[test]
fn a_village_s_statements_download_as_one_zip_of_pdfs() {
    use std::io::Read;
    let demo = Demo::new();
    let server = demo.serve();
    let s = sign_in(&server, "督查周", demo.password("督查周"))
        .ok()
        .expect("signed in");
    let list = http(
        "GET",
        &server.url("/households"),
        &[("Cookie", &s.cookie)],
        b"",
    );
    assert!(
        list.body
            .contains("action=\"/download/village-statements\""),
        "{}",
        list.body
    );
    let village = "胡荔村";
    let in_village = demo.count(&format!(
        "SELECT count(DISTINCT id) FROM households WHERE village = '{village}'"
    ));
    let bytes = http_bytes(
        &server,
        &format!(
            "/download/village-statements?village={}&year=2024",
            enc(village)
        ),
        &s.cookie,
    );
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    assert_eq!(zip.len() as i64, in_village);
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.expect("entry name").into_owned())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| n.starts_with("胡荔村/") && n.ends_with("-2024.pdf")),
        "{names:?}"
    );
    let first = names.iter().min().expect("a file").clone();
    let mut pdf = Vec::new();
    zip.by_name(&first)
        .expect("entry")
        .read_to_end(&mut pdf)
        .expect("read");
    assert!(pdf.starts_with(b"%PDF"));
    if common::have_tool("pdftotext") {
        let path = demo.town.write("from-zip.pdf", &pdf);
        let out = std::process::Command::new("pdftotext")
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext");
        let text = String::from_utf8_lossy(&out.stdout);
        let id = first
            .trim_start_matches("胡荔村/")
            .trim_end_matches("-2024.pdf");
        assert!(text.contains(id) && text.contains("2024"), "{text}");
    }
    // Unknown villages, a missing village: 4xx pages, no zip.
    let get = |path: &str| http("GET", &server.url(path), &[("Cookie", &s.cookie)], b"");
    assert_eq!(
        get(&format!(
            "/download/village-statements?village={}&year=2024",
            enc("../etc")
        ))
        .status,
        404
    );
    assert_eq!(get("/download/village-statements?year=2024").status, 400);
    // Not signed in: to the sign-in page.
    let r = http(
        "GET",
        &server.url("/download/village-statements?village=x"),
        &[],
        b"",
    );
    assert_eq!(r.status, 303);
}

#[test]
fn a_bad_household_register_in_the_browser_shows_its_rows_and_writes_nothing() {
    let Some(b) = browser_or_skip() else { return };
    let demo = Demo::new();
    let server = demo.serve();
    let dir = screens(&demo.town);
    b.window(1280, 900);
    let versions = "SELECT count(*) FROM households";
    let before = demo.count(versions);
    b.sign_in(&server, "镇财务李", demo.password("镇财务李"));
    b.goto(&server.url("/import"));
    let bad = demo
        .town
        .write("名册 <bad>.csv", register("H0003", true).as_bytes());
    b.type_into(
        "form#households input[type=file]",
        bad.to_str().expect("path"),
    );
    b.click("form#households button[type=submit]");
    assert_eq!(b.count("p.error"), 1, "{}", b.text());
    assert_eq!(b.count("table.rows tbody tr"), 2, "{}", b.text());
    assert!(!b.text().contains("townledger-upload-"), "{}", b.text());
    shot(&b, &dir, "households-refused");
    assert_eq!(demo.count(versions), before);
    // The good register from the same form: one household changed.
    let good = demo
        .town
        .write("register.csv", register("H0003", false).as_bytes());
    b.goto(&server.url("/import"));
    b.type_into(
        "form#households input[type=file]",
        good.to_str().expect("path"),
    );
    b.click("form#households button[type=submit]");
    assert!(b.url().contains("changed=1"), "{} {}", b.url(), b.text());
    assert_eq!(b.count("p.ok"), 1, "{}", b.text());
    assert_eq!(demo.count(versions), before + 1);
}

/// Bank reconciliation on the page: the statement waiting on the overview, a match undone and
/// made again by ticking both sides, unequal amounts refused, a locked statement kept, the
/// inspector refused, the statement locked by the town — every write the library's.
#[test]
fn a_statement_is_reconciled_and_locked_on_its_page() {
    let demo = Demo::new();
    let server = demo.serve();
    let town = sign_in(&server, "镇农办陈", demo.password("镇农办陈"))
        .ok()
        .expect("signed in");
    let account = "资产:银行存款:基本户";
    let page = format!("/bank/statement?account={}&statement=2024-12", enc(account));
    let home = http("GET", &server.url("/"), &[("Cookie", &town.cookie)], b"");
    assert!(home.body.contains("statement=2024-12"), "{}", home.body);
    let list = http(
        "GET",
        &server.url("/bank"),
        &[("Cookie", &town.cookie)],
        b"",
    );
    assert_eq!(list.status, 200);
    assert!(list.body.contains("2024-12") && list.body.contains("储备金专户"));
    let shown = http("GET", &server.url(&page), &[("Cookie", &town.cookie)], b"");
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(shown.body.contains("调节后的存款余额") && shown.body.contains("236.15"));
    // The tea farm's dividend: matched by the rounds; undone, then matched again by hand.
    let line: i64 = demo.count(
        "SELECT l.id FROM bank_lines l JOIN accounts a ON a.id = l.account
         WHERE a.name = '资产:银行存款:基本户' AND l.amount = 2800000",
    );
    let fields = |extra: &[(&str, &str)]| {
        let mut f = vec![
            ("csrf", town.csrf.as_str()),
            ("account", account),
            ("statement", "2024-12"),
        ];
        f.extend_from_slice(extra);
        f.into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
    };
    let post = |path: &str, f: Vec<(String, String)>, cookie: &str| {
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        post_form(&server, path, cookie, &f)
    };
    let r = post(
        "/bank/unmatch",
        fields(&[("line", &line.to_string())]),
        &town.cookie,
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        demo.count(&format!(
            "SELECT count(*) FROM bank_match_lines WHERE bank_line = {line}"
        )),
        0
    );
    // Alone, or against a voucher matched already: refused with the library's message.
    let line_key = format!("line-{line}");
    let r = post("/bank/match", fields(&[(&line_key, "on")]), &town.cookie);
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("分毫不差"), "{}", r.body);
    let r = post(
        "/bank/match",
        fields(&[(&line_key, "on"), ("voucher-2024-12-0006", "on")]),
        &town.cookie,
    );
    assert_eq!(r.status, 409, "{}", r.body);
    let r = post(
        "/bank/match",
        fields(&[(&line_key, "on"), ("voucher-2024-12-0005", "on")]),
        &town.cookie,
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        demo.count(&format!(
            "SELECT count(*) FROM bank_match_lines ml JOIN bank_matches m ON m.id = ml.match_id
             WHERE ml.bank_line = {line} AND m.rule = 'manual' AND m.made_by = '镇农办陈'"
        )),
        1
    );
    // November is locked: its matches stay.
    let november: i64 = demo.count(
        "SELECT ml.bank_line FROM bank_match_lines ml JOIN bank_lines l ON l.id = ml.bank_line
         JOIN accounts a ON a.id = l.account
         WHERE a.name = '资产:银行存款:基本户' AND l.date LIKE '2024-11-%' LIMIT 1",
    );
    let mut f = fields(&[("line", &november.to_string())]);
    f[2].1 = "2024-11".into();
    let r = post("/bank/unmatch", f, &town.cookie);
    assert_eq!(r.status, 409, "{}", r.body);
    // The inspector may not match.
    let inspector = sign_in(&server, "督查周", demo.password("督查周"))
        .ok()
        .expect("signed in");
    let seen = http(
        "GET",
        &server.url(&page),
        &[("Cookie", &inspector.cookie)],
        b"",
    );
    assert!(!seen.body.contains("action=\"/bank/match\""));
    let mut f = fields(&[]);
    f[0].1 = inspector.csrf.clone();
    let r = post("/bank/auto", f, &inspector.cookie);
    assert_eq!(r.status, 403);
    // Locked by the town.
    let r = post("/bank/lock", fields(&[]), &town.cookie);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        demo.count(
            "SELECT count(*) FROM bank_statements WHERE name = '2024-12' AND locked_by = '镇农办陈'"
        ),
        1
    );
    demo.town.run(&["--ledger", LEDGER, "verify"]).ok();
}

#[test]
fn a_browser_ticks_a_bank_line_and_its_voucher() {
    let Some(b) = browser_or_skip() else { return };
    let demo = Demo::new();
    let server = demo.serve();
    let dir = screens(&demo.town);
    b.window(1280, 900);
    b.sign_in(&server, "镇农办陈", demo.password("镇农办陈"));
    b.goto(&server.url("/bank"));
    b.click("td a[href*='statement=2025-01']");
    assert!(b.text().contains("调节后的存款余额"), "{}", b.text());
    shot(&b, &dir, "bank");
    // Undo the rent cheque's match (matched by hand in the demo), then tick both sides again.
    let line = demo
        .count("SELECT l.id FROM bank_lines l WHERE l.amount = 8500000 AND l.date = '2025-01-02'");
    b.click(&format!(
        "form[action='/bank/unmatch'] input[name=line][value='{line}'] ~ button"
    ));
    assert_eq!(
        demo.count(&format!(
            "SELECT count(*) FROM bank_match_lines WHERE bank_line = {line}"
        )),
        0
    );
    b.tick(&format!("input[name='line-{line}']"));
    b.tick("input[name='voucher-2024-12-0006']");
    b.click("form[action='/bank/match'] button[type=submit]");
    assert_eq!(
        demo.count(&format!(
            "SELECT count(*) FROM bank_match_lines WHERE bank_line = {line}"
        )),
        1
    );
}

/// The trial balance page is drawn again after any write: never a page of books since changed.
#[test]
fn the_trial_balance_page_follows_every_write() {
    let demo = Demo::new();
    let server = demo.serve();
    let reader = sign_in(&server, "督查周", demo.password("督查周"))
        .ok()
        .expect("signed in");
    let get = || {
        http(
            "GET",
            &server.url("/balance"),
            &[("Cookie", &reader.cookie)],
            b"",
        )
        .body
    };
    let before = get();
    assert_eq!(before, get());
    let vouchers = demo.town.write(
        "v.csv",
        "txn_id,date,account,amount,memo\nW1,2025-01-20,资产:库存现金,9876.54,测试\nW1,2025-01-20,收入:其他收入,-9876.54,测试\n",
    );
    demo.town
        .run(&[
            "--ledger",
            LEDGER,
            "import",
            "postings",
            vouchers.to_str().unwrap(),
        ])
        .ok();
    // 库存现金's debits of the year: 7,000.00 before, 16,876.54 after.
    let after = get();
    assert_ne!(before, after);
    assert!(
        !before.contains("16,876.54") && after.contains("16,876.54"),
        "{after}"
    );
}

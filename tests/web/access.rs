//! Signing in, sessions, rate limits, what each role may not do, `demo --serve`.

use super::*;

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

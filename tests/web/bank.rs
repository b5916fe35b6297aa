//! Bank reconciliation on its pages.

use super::*;

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

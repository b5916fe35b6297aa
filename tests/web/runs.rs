//! Allocation runs and relief grants moved on through the web by the roles that may.

use super::*;

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

//! Uploads (vouchers, the household register, bank statements) and downloads of every report.

use super::*;

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

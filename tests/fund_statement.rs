//! Fund statements 资金收支明细表 and budgets, end to end through the binary: a small 631 year
//! worked by hand (opening + in − out = closing, for the year, each quarter and each purpose),
//! the households and persons the spends reached, budget against actual with the share used,
//! `budget set` and `budget import` with their refusals (every bad row at once, nothing
//! written), every output format, and the demo's statements read back from the PDF.

mod common;

use common::Town;
use serde_json::Value;

/// The demo register, and a 631 year: 100,000.00 from 2023, three sources' money in 2024,
/// spends for three purposes to four households (one spend reversed), one spend in 2025.
///
/// | date | what | amount |
/// | --- | --- | --- |
/// | 2023-12-20 | 省级 | +100,000.00 |
/// | 2024-02-10 | 省级 | +1,200,000.00 |
/// | 2024-03-15 | 就业补贴 H0001 (4 persons) | −1,500.00 |
/// | 2024-03-20 | 就业补贴 H0002 (4 persons) | −2,000.00 |
/// | 2024-05-05 | 帮扶市 | +600,000.00 |
/// | 2024-07-10 | 就业补贴 H0001 | −1,500.00 |
/// | 2024-07-15 | 贴息 H0005 (6 persons) | −3,000.00 |
/// | 2024-08-01 | 市级 | +50,000.00 |
/// | 2024-11-30 | 公益性岗位 H0002 | −1,000.00 |
/// | 2024-12-05 | 就业补贴 H0004, reversed 2024-12-06 | −500.00, +500.00 |
/// | 2025-01-05 | 就业补贴 H0005 | −100.00 |
fn small_year() -> Town {
    let town = Town::new();
    let register = common::demo_dir().join("households.csv");
    town.run(&[
        "households",
        "import",
        register.to_str().unwrap(),
        "--effective",
        "2023-01-01",
    ])
    .ok();
    for (source, amount, date) in [
        ("省级", "100000", "2023-12-20"),
        ("省级", "1200000", "2024-02-10"),
        ("帮扶市", "600000", "2024-05-05"),
        ("市级", "50000", "2024-08-01"),
    ] {
        town.run(&[
            "fund",
            "contribute",
            "631",
            "--source",
            source,
            "--amount",
            amount,
            "--date",
            date,
        ])
        .ok();
    }
    let mut reversed = String::new();
    for (purpose, household, amount, date) in [
        ("就业补贴", "H0001", "1500", "2024-03-15"),
        ("就业补贴", "H0002", "2000", "2024-03-20"),
        ("就业补贴", "H0001", "1500", "2024-07-10"),
        ("贴息", "H0005", "3000", "2024-07-15"),
        ("公益性岗位", "H0002", "1000", "2024-11-30"),
        ("就业补贴", "H0004", "500", "2024-12-05"),
        ("就业补贴", "H0005", "100", "2025-01-05"),
    ] {
        let voucher = town
            .run(&[
                "fund",
                "spend",
                "631",
                "--purpose",
                purpose,
                "--household",
                household,
                "--amount",
                amount,
                "--date",
                date,
            ])
            .ok()
            .stdout;
        if household == "H0004" {
            reversed = voucher.trim().to_string();
        }
    }
    town.run(&[
        "reverse",
        &reversed,
        "--reason",
        "发错户",
        "--date",
        "2024-12-06",
    ])
    .ok();
    town
}

fn statement_json(town: &Town, args: &[&str]) -> Value {
    let mut all = vec!["fund", "statement"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json", "--lang", "en"]);
    serde_json::from_str(&town.run(&all).ok().stdout).unwrap()
}

fn table<'a>(doc: &'a Value, caption: &str) -> &'a Value {
    doc["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| {
            t["caption"]
                .as_str()
                .is_some_and(|c| c.starts_with(caption))
        })
        .unwrap_or_else(|| panic!("no table {caption} in {doc:#}"))
}

/// The rows of a table as (first cell, the cells under `keys`).
fn rows(table: &Value, first: &str, keys: &[&str]) -> Vec<(String, Vec<String>)> {
    let cell = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .chain(table["totals"].as_array().unwrap())
        .map(|r| (cell(&r[first]), keys.iter().map(|k| cell(&r[*k])).collect()))
        .collect()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_year_adds_up_by_quarter_and_by_purpose() {
    let town = small_year();
    let doc = statement_json(&town, &["631", "--year", "2024", "--by", "quarter"]);
    let fields = &doc["fields"];
    assert_eq!(fields["Opening"], "100,000.00");
    assert_eq!(fields["Received"], "1,850,500.00");
    assert_eq!(fields["Paid out"], "9,500.00");
    assert_eq!(fields["Closing"], "1,941,000.00");

    // Each quarter opens with what the one before closed with; opening + in − out = closing.
    let by_quarter = rows(
        table(&doc, "By quarter"),
        "period",
        &["opening", "received", "paid", "closing"],
    );
    assert_eq!(
        by_quarter,
        vec![
            (
                "2024Q1".into(),
                strs(&["100000.00", "1200000.00", "3500.00", "1296500.00"])
            ),
            (
                "2024Q2".into(),
                strs(&["1296500.00", "600000.00", "0.00", "1896500.00"])
            ),
            (
                "2024Q3".into(),
                strs(&["1896500.00", "50000.00", "4500.00", "1942000.00"])
            ),
            (
                "2024Q4".into(),
                strs(&["1942000.00", "500.00", "1500.00", "1941000.00"])
            ),
            (
                "Total".into(),
                strs(&["100000.00", "1850500.00", "9500.00", "1941000.00"])
            ),
        ]
    );

    // Payments by purpose with the households reached (each once; the reversed spend to
    // H0004 reached no one) and their persons from the register.
    let paid = rows(
        table(&doc, "Payments by purpose"),
        "purpose",
        &["count", "households", "persons", "amount"],
    );
    assert_eq!(
        paid,
        vec![
            ("就业补贴".into(), strs(&["4", "2", "8", "5500.00"])),
            ("贴息".into(), strs(&["1", "1", "6", "3000.00"])),
            ("公益性岗位".into(), strs(&["1", "1", "4", "1000.00"])),
            ("Total".into(), strs(&["6", "3", "14", "9500.00"])),
        ]
    );

    // Each purpose by quarter; the columns add up to the quarters' payments.
    let by_both = rows(
        table(&doc, "Payments by purpose and period"),
        "purpose",
        &["2024Q1", "2024Q2", "2024Q3", "2024Q4", "total"],
    );
    assert_eq!(
        by_both,
        vec![
            (
                "就业补贴".into(),
                strs(&["3500.00", "0.00", "1500.00", "500.00", "5500.00"])
            ),
            (
                "贴息".into(),
                strs(&["0.00", "0.00", "3000.00", "0.00", "3000.00"])
            ),
            (
                "公益性岗位".into(),
                strs(&["0.00", "0.00", "0.00", "1000.00", "1000.00"])
            ),
            (
                "Total".into(),
                strs(&["3500.00", "0.00", "4500.00", "1500.00", "9500.00"])
            ),
        ]
    );

    // Receipts by source (the 2023 money is the opening balance), the reversal naming none.
    let receipts = rows(
        table(&doc, "Receipts by source and donor"),
        "from",
        &["kind", "count", "amount"],
    );
    assert_eq!(
        receipts,
        vec![
            ("省级".into(), strs(&["source", "1", "1200000.00"])),
            ("帮扶市".into(), strs(&["source", "1", "600000.00"])),
            ("市级".into(), strs(&["source", "1", "50000.00"])),
            ("".into(), strs(&["not given", "1", "500.00"])),
            ("".into(), strs(&["Total", "4", "1850500.00"])),
        ]
    );

    // The sources against 6:3:1: the province's 1,200,000 implies 2,000,000 for the year.
    let sources = rows(
        table(&doc, "Sources"),
        "source",
        &["expected", "arrived", "shortfall"],
    );
    assert!(sources.contains(&("本市".into(), strs(&["200000.00", "50000.00", "150000.00"]))));
    assert!(sources.contains(&("帮扶市".into(), strs(&["600000.00", "600000.00", "0.00"]))));

    // By month: twelve rows that add up to the same year.
    let doc = statement_json(&town, &["631", "--year", "2024", "--by", "month"]);
    let months = rows(
        table(&doc, "By month"),
        "period",
        &["opening", "received", "paid", "closing"],
    );
    assert_eq!(months.len(), 13);
    assert_eq!(months[0].0, "2024-01");
    assert_eq!(
        months[2],
        (
            "2024-03".into(),
            strs(&["1300000.00", "0.00", "3500.00", "1296500.00"])
        )
    );
    assert_eq!(
        months[12],
        (
            "Total".into(),
            strs(&["100000.00", "1850500.00", "9500.00", "1941000.00"])
        )
    );
    // Months side by side six at a time: two tables.
    table(&doc, "Payments by purpose and period (1/2)");
    table(&doc, "Payments by purpose and period (2/2)");

    // Any period: the second half of 2024 to the end of January 2025.
    let doc = statement_json(
        &town,
        &["631", "--from", "2024-07-01", "--to", "2025-01-31"],
    );
    assert_eq!(doc["fields"]["Opening"], "1,896,500.00");
    assert_eq!(doc["fields"]["Paid out"], "6,100.00");
    assert_eq!(doc["fields"]["Closing"], "1,940,900.00");
    let paid = rows(
        table(&doc, "Payments by purpose"),
        "purpose",
        &["households", "persons", "amount"],
    );
    assert_eq!(paid[0], ("就业补贴".into(), strs(&["2", "10", "2100.00"])));
}

#[test]
fn the_statement_agrees_with_fund_show() {
    let town = small_year();
    let show = town
        .run(&["fund", "show", "631", "--year", "2024", "--format", "json"])
        .ok()
        .stdout;
    let show: Value = serde_json::from_str(&show).unwrap();
    let doc = statement_json(&town, &["631", "--year", "2024"]);
    let doc_zh = town
        .run(&[
            "fund",
            "statement",
            "631",
            "--year",
            "2024",
            "--format",
            "json",
        ])
        .ok()
        .stdout;
    let doc_zh: Value = serde_json::from_str(&doc_zh).unwrap();
    for key in ["期初结存", "本期收入", "本期支出", "期末结存"] {
        assert_eq!(show["fields"][key], doc_zh["fields"][key], "{key}");
    }
    // Without --by, no table by period.
    assert!(doc["tables"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| !t["caption"].as_str().unwrap_or("").starts_with("By ")));
}

#[test]
fn budget_against_actual_with_the_share_used() {
    let town = small_year();
    let set = |purpose: &str, amount: &str| {
        town.run(&[
            "budget",
            "set",
            "631",
            "--year",
            "2024",
            "--purpose",
            purpose,
            "--amount",
            amount,
        ])
    };
    let r = set("就业补贴", "8000").ok();
    assert_eq!(r.stdout.trim(), "budget 631 2024 就业补贴: 8,000.00");
    // Set again: the amount is replaced, the line says what it was.
    let r = set("就业补贴", "10000").ok();
    assert_eq!(
        r.stdout.trim(),
        "budget 631 2024 就业补贴: 10,000.00 (was 8,000.00)"
    );
    set("贴息", "8000").ok();
    set("监测基金", "5000").ok();
    assert_eq!(town.count("SELECT COUNT(*) FROM budgets"), 3);
    // The fund by any of its names; the 631 fund's id is kept.
    town.run(&[
        "budget",
        "set",
        "储备金",
        "--year",
        "2024",
        "--purpose",
        "临时救助",
        "--amount",
        "1000",
    ])
    .ok();
    assert_eq!(
        town.text("SELECT fund FROM budgets WHERE purpose = '临时救助'"),
        "reserve"
    );
    assert_eq!(
        town.text("SELECT operator FROM budgets WHERE purpose = '就业补贴'"),
        "出纳张"
    );

    let doc = statement_json(&town, &["631", "--year", "2024", "--budget"]);
    let budget = rows(
        table(&doc, "Budget and actual (2024)"),
        "purpose",
        &["budget", "actual", "used", "left"],
    );
    assert_eq!(
        budget,
        vec![
            (
                "就业补贴".into(),
                strs(&["10000.00", "5500.00", "55.00%", "4500.00"])
            ),
            (
                "贴息".into(),
                strs(&["8000.00", "3000.00", "37.50%", "5000.00"])
            ),
            // A budget not spent.
            (
                "监测基金".into(),
                strs(&["5000.00", "0.00", "0.00%", "5000.00"])
            ),
            // Spent without a budget.
            ("公益性岗位".into(), strs(&["", "1000.00", "no budget", ""])),
            // 9,500 / 23,000 = 41.304…%
            (
                "Total".into(),
                strs(&["23000.00", "9500.00", "41.30%", "13500.00"])
            ),
        ]
    );
    assert!(doc["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n == "Spent without a budget: 公益性岗位"));

    // Overspent: less than nothing left.
    set("贴息", "2000").ok();
    let doc = statement_json(&town, &["631", "--year", "2024", "--budget"]);
    let budget = rows(
        table(&doc, "Budget and actual"),
        "purpose",
        &["used", "left"],
    );
    assert_eq!(budget[1], ("贴息".into(), strs(&["150.00%", "-1000.00"])));

    // The budget's year is the statement's: a period across two years has none.
    let r = town
        .run(&[
            "fund",
            "statement",
            "631",
            "--from",
            "2024-07-01",
            "--to",
            "2025-01-31",
            "--budget",
        ])
        .fails(1);
    assert!(
        r.stderr.contains("--budget needs a period within one year"),
        "{}",
        r.stderr
    );
    // Part of a year: that part's spending against the year's budget, said in a note.
    let doc = statement_json(
        &town,
        &[
            "631",
            "--from",
            "2024-01-01",
            "--to",
            "2024-06-30",
            "--budget",
        ],
    );
    let budget = rows(
        table(&doc, "Budget and actual"),
        "purpose",
        &["actual", "used"],
    );
    assert_eq!(budget[0], ("就业补贴".into(), strs(&["3500.00", "35.00%"])));

    // The list.
    let list = town
        .run(&["budget", "list", "--year", "2024", "--format", "csv"])
        .ok()
        .stdout;
    assert!(
        list.starts_with("fund,year,purpose,amount,set_at,operator\n"),
        "{list}"
    );
    assert!(list.contains("\n631,2024,就业补贴,10000.00,"), "{list}");
    assert!(list.contains("\nreserve,2024,临时救助,1000.00,"), "{list}");
    let only = town
        .run(&["budget", "list", "--fund", "储备金", "--format", "csv"])
        .ok()
        .stdout;
    assert_eq!(only.lines().count(), 2, "{only}");
}

#[test]
fn budget_set_checks_the_fund_and_the_purpose_as_a_spend_does() {
    let town = Town::new();
    let set = |fund: &str, purpose: &str, amount: &str| {
        town.run(&[
            "budget",
            "set",
            fund,
            "--year",
            "2024",
            "--purpose",
            purpose,
            "--amount",
            amount,
        ])
    };
    let spend = |purpose: &str| {
        town.run(&[
            "fund",
            "spend",
            "631",
            "--purpose",
            purpose,
            "--amount",
            "1",
            "--date",
            "2024-03-01",
        ])
    };
    for purpose in ["发放福利", "旅游"] {
        let budget = set("631", purpose, "100").fails(1);
        let spent = spend(purpose).fails(1);
        assert!(!budget.stderr.trim().is_empty());
        assert_eq!(budget.stderr, spent.stderr, "{purpose}");
    }
    let r = set("631", "发放福利", "100").fails(1);
    assert!(
        r.stderr.contains("发放福利 is on fund 631's negative list"),
        "{}",
        r.stderr
    );
    let r = set("无此资金", "就业补贴", "100").fails(1);
    assert!(r.stderr.contains("no fund 无此资金"), "{}", r.stderr);
    let r = town
        .run(&[
            "budget",
            "set",
            "631",
            "--year",
            "2024",
            "--purpose",
            "就业补贴",
            "--amount=-5",
        ])
        .fails(1);
    assert!(r.stderr.contains("less than nothing"), "{}", r.stderr);
    let r = set("631", "就业补贴", "1.001").fails(1);
    assert!(r.stderr.contains("--amount"), "{}", r.stderr);
    let r = town
        .run(&[
            "budget",
            "set",
            "631",
            "--year",
            "24",
            "--purpose",
            "就业补贴",
            "--amount",
            "1",
        ])
        .fails(1);
    assert!(r.stderr.contains("'24' is not a year"), "{}", r.stderr);
    assert_eq!(town.count("SELECT COUNT(*) FROM budgets"), 0);
    // A fund whose rules list no purposes takes any purpose not forbidden.
    set("dynamic", "技能培训", "100").ok();
}

#[test]
fn budget_import_reports_every_bad_row_and_writes_nothing() {
    let town = Town::new();
    let file = town.write(
        "budget.csv",
        "fund,year,purpose,amount\n\
         631,2024,就业补贴,1000\n\
         631,20x4,贴息,500\n\
         631,2024,发放福利,100\n\
         无此资金,2024,就业补贴,100\n\
         631,2024,监测基金,-5\n\
         631,2024,就业补贴,2000\n\
         储备金,2024,临时救助,1.001\n\
         631,2024,,300\n\
         \n\
         储备金,2024,临时救助,800\n",
    );
    let r = town
        .run(&["budget", "import", file.to_str().unwrap()])
        .fails(1);
    let f = file.display().to_string();
    for (row, says) in [
        (3, "'20x4' is not a year"),
        (4, "negative list"),
        (5, "no fund 无此资金"),
        (6, "less than nothing"),
        (7, "already given on row 2"),
        (8, "amount:"),
        (9, "purpose is empty"),
    ] {
        let line = format!("{f}:{row}: ");
        assert!(
            r.stderr
                .lines()
                .any(|l| l.contains(&line) && l.contains(says)),
            "row {row} ({says}):\n{}",
            r.stderr
        );
    }
    assert!(r.stderr.contains("7 errors in input"), "{}", r.stderr);
    assert_eq!(town.count("SELECT COUNT(*) FROM budgets"), 0);

    // Chinese headers, GBK, a unit in the header: all set.
    let text = "资金,年度,用途,金额（元）\n631,2024,就业补贴,1000\n储备金,2024年,临时救助,800.50\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let file = town.write("预算.csv", &gbk);
    let r = town.run(&["budget", "import", file.to_str().unwrap()]).ok();
    assert!(
        r.stdout.starts_with("set 2 budget lines from"),
        "{}",
        r.stdout
    );
    assert_eq!(
        town.count("SELECT amount FROM budgets WHERE fund = 'reserve'"),
        80050
    );

    // The first sheet of a workbook: the year and the amount as numbers.
    let path = town.path("budget.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["fund", "year", "purpose", "amount"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "631").unwrap();
    sheet.write_number(1, 1, 2024.0).unwrap();
    sheet.write_string(1, 2, "贴息").unwrap();
    sheet.write_number(1, 3, 600000.0).unwrap();
    sheet.write_string(2, 0, "631").unwrap();
    sheet.write_number(2, 1, 2024.0).unwrap();
    sheet.write_string(2, 2, "楼堂馆所").unwrap();
    sheet.write_number(2, 3, 1.0).unwrap();
    book.save(&path).unwrap();
    let r = town
        .run(&["budget", "import", path.to_str().unwrap()])
        .fails(1);
    assert!(
        r.stderr.contains(&format!(
            "{}:3: 楼堂馆所 is on fund 631's negative list",
            path.display()
        )),
        "{}",
        r.stderr
    );
    assert_eq!(town.count("SELECT COUNT(*) FROM budgets"), 2);

    // A header without a column.
    let bad = town.write("x.csv", "fund,year,amount\n631,2024,1\n");
    let r = town
        .run(&["budget", "import", bad.to_str().unwrap()])
        .fails(1);
    assert!(
        r.stderr.contains("column 'purpose' (用途) is missing"),
        "{}",
        r.stderr
    );
}

#[test]
fn every_format_is_written() {
    let town = small_year();
    town.run(&[
        "budget",
        "set",
        "631",
        "--year",
        "2024",
        "--purpose",
        "就业补贴",
        "--amount",
        "10000",
    ])
    .ok();
    let args = [
        "fund",
        "statement",
        "631",
        "--year",
        "2024",
        "--by",
        "quarter",
        "--budget",
    ];
    for ext in ["txt", "csv", "json", "xlsx", "pdf"] {
        let out = format!("631-2024.{ext}");
        let mut all = args.to_vec();
        all.extend_from_slice(&["--out", &out]);
        town.run(&all).ok();
        let bytes = std::fs::read(town.path(&out)).unwrap();
        assert!(bytes.len() > 200, "{out}");
    }
    let text = std::fs::read_to_string(town.path("631-2024.txt")).unwrap();
    assert!(text.contains("631帮扶资金 资金收支明细表"), "{text}");
    assert!(text.contains("预算执行情况（2024年度）"), "{text}");
    assert!(text.contains("按季收支"), "{text}");
    let csv = std::fs::read_to_string(town.path("631-2024.csv")).unwrap();
    assert!(csv.contains("period,opening,received,paid,closing\n2024Q1,100000.00,1200000.00,3500.00,1296500.00\n"), "{csv}");
    assert!(
        csv.contains("purpose,budget,actual,used,left\n就业补贴,10000.00,5500.00,55.00%,4500.00\n"),
        "{csv}"
    );
    {
        use calamine::{Reader, Xlsx};
        let mut book: Xlsx<_> = calamine::open_workbook(town.path("631-2024.xlsx")).unwrap();
        let sheet = book.sheet_names()[0].clone();
        let range = book.worksheet_range(&sheet).unwrap();
        let cells: Vec<String> = range.rows().flatten().map(|c| c.to_string()).collect();
        assert!(cells.iter().any(|c| c == "2024Q3"), "{cells:?}");
        assert!(cells.iter().any(|c| c == "55.00%"), "{cells:?}");
    }
    // Standard output as the other reports: text by default, PDF only when redirected.
    let out = town.run(&args).ok().stdout;
    assert!(out.contains("合计"), "{out}");
    let pdf = town.run(&[&args[..], &["--format", "pdf"]].concat()).ok();
    assert!(pdf.stdout.starts_with("%PDF"));
    let r = town.run(&["fund", "statement", "631", "--year", "2024", "--by", "week"]);
    assert!(r.stderr.contains("week"), "{}", r.stderr);

    if !common::have_tool("pdftotext") {
        return;
    }
    let text = std::process::Command::new("pdftotext")
        .args(["-layout", "631-2024.pdf", "-"])
        .current_dir(town.dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    for needle in [
        "资金收支明细表",
        "按季收支",
        "1,941,000.00",
        "预算执行情况",
        "55.00%",
        "审计链",
    ] {
        assert!(text.contains(needle), "{needle} not in\n{text}");
    }
    // The page numbers (pdftotext drops the thin spaces around them).
    assert!(text.contains("第1页共"), "{text}");
}

#[test]
fn the_demo_writes_the_years_statements_against_its_budget() {
    let town = Town::empty();
    let r = town.run(&["demo", "--out", "demo"]).ok();
    assert!(
        r.stdout
            .contains("budget 2024 from budget-2024.csv: 7 lines"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("fund statements"), "{}", r.stdout);
    for name in ["631", "储备金"] {
        for ext in ["txt", "pdf"] {
            assert!(
                town.path(&format!("demo/资金收支明细-{name}-2024.{ext}"))
                    .exists(),
                "{name}.{ext}"
            );
        }
    }
    let text = std::fs::read_to_string(town.path("demo/资金收支明细-储备金-2024.txt")).unwrap();
    assert!(
        text.contains("临时救助  200,000.00  3,000.00   1.50%  197,000.00"),
        "{text}"
    );
    let text = std::fs::read_to_string(town.path("demo/资金收支明细-631-2024.txt")).unwrap();
    assert!(text.contains("以奖代补"), "{text}");
    assert!(text.contains("就业补贴    1,000,000.00"), "{text}");
    if !common::have_tool("pdftotext") {
        return;
    }
    let out = std::process::Command::new("pdftotext")
        .args(["demo/资金收支明细-631-2024.pdf", "-"])
        .current_dir(town.dir.path())
        .output()
        .unwrap();
    let pdf = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "631帮扶资金 资金收支明细表",
        "缺口",
        "预算执行情况",
        "第1页共2页",
    ] {
        assert!(pdf.contains(needle), "{needle} not in\n{pdf}");
    }
}

#[test]
fn restricted_money_adds_up_by_purpose_over_the_campaign_year() {
    let town = small_year();
    for (donor, amount, restricted, date) in [
        ("珠海某爱心企业", "50000", Some("助学"), "2024-06-30"),
        ("阳江市慈善会", "3000", None, "2024-06-30"),
        ("珠海某爱心企业", "1000", Some("助医"), "2024-09-01"),
    ] {
        let mut args = vec![
            "fund",
            "contribute",
            "630",
            "--donor",
            donor,
            "--amount",
            amount,
            "--date",
            date,
        ];
        if let Some(p) = restricted {
            args.extend_from_slice(&["--restricted", p]);
        }
        town.run(&args).ok();
    }
    for (purpose, household, amount, date) in [
        ("助学", "H0001", "300", "2024-07-15"),
        ("慰问", "H0002", "200", "2024-08-15"),
    ] {
        town.run(&[
            "fund",
            "spend",
            "630",
            "--purpose",
            purpose,
            "--household",
            household,
            "--amount",
            amount,
            "--date",
            date,
        ])
        .ok();
    }
    // The 6·30 year 2024: 2024-06-01 to 2025-05-31, cut by calendar quarter.
    let doc = statement_json(&town, &["6·30", "--year", "2024", "--by", "quarter"]);
    assert_eq!(doc["subtitle"], "2024（2024-06-01 ~ 2025-05-31）");
    let quarters = rows(
        table(&doc, "By quarter"),
        "period",
        &["opening", "received", "paid", "closing"],
    );
    let labels: Vec<&str> = quarters.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        labels,
        ["2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2", "Total"]
    );
    assert_eq!(
        quarters[0].1,
        strs(&["0.00", "53000.00", "0.00", "53000.00"])
    );
    assert_eq!(
        quarters[1].1,
        strs(&["53000.00", "1000.00", "500.00", "53500.00"])
    );
    assert_eq!(
        quarters[5].1,
        strs(&["0.00", "54000.00", "500.00", "53500.00"])
    );
    // Each purpose's money: opening + in − out = closing; the parts add up to the fund.
    let parts = rows(
        table(&doc, "Restricted and unrestricted"),
        "part",
        &["opening", "received", "paid", "closing"],
    );
    assert_eq!(
        parts,
        vec![
            (
                "restricted：助医".into(),
                strs(&["0.00", "1000.00", "0.00", "1000.00"])
            ),
            (
                "restricted：助学".into(),
                strs(&["0.00", "50000.00", "300.00", "49700.00"])
            ),
            (
                "unrestricted".into(),
                strs(&["0.00", "3000.00", "200.00", "2800.00"])
            ),
        ]
    );
    let receipts = rows(
        table(&doc, "Receipts by source and donor"),
        "from",
        &["kind", "count", "amount"],
    );
    assert_eq!(
        receipts[..2],
        [
            ("珠海某爱心企业".into(), strs(&["donor", "2", "51000.00"])),
            ("阳江市慈善会".into(), strs(&["donor", "1", "3000.00"])),
        ]
    );
    let paid = rows(
        table(&doc, "Payments by purpose"),
        "purpose",
        &["households", "persons", "amount"],
    );
    assert_eq!(paid[0], ("助学".into(), strs(&["1", "4", "300.00"])));
    assert_eq!(paid[1], ("慰问".into(), strs(&["1", "4", "200.00"])));
    assert_eq!(paid[2], ("Total".into(), strs(&["2", "8", "500.00"])));
}

//! Projects, dividends and the tilt end to end: the oyster example to the fen, the report of
//! expected against received income, the 6·30 contribution, and every refusal with its message
//! and an unchanged ledger.

mod common;

use common::Town;

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = v
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    p.sort();
    p
}

const OYSTER: &[&str] = &[
    "project",
    "add",
    "oyster",
    "--name",
    "程村蚝养殖与加工",
    "--invested",
    "1130000",
    "--rate",
    "0.12",
];

const OYSTER_DIVIDEND: &[&str] = &[
    "dividend",
    "record",
    "oyster",
    "--date",
    "2024-12-20",
    "--amount",
    "135600",
    "--rent",
    "6000",
    "--upkeep",
    "4000",
];

/// Opening balances of the dynamic-assistance and 6·30 funds, as in the demo town.
const FUNDS: &str = "\
txn_id,date,account,amount,memo
O1,2024-01-01,资产:银行存款:基本户,457300.00,期初余额
O1,2024-01-01,负债:专项应付款:动态帮扶,-226400.00,期初余额
O1,2024-01-01,负债:专项应付款:6·30资金,-230900.00,期初余额
";

fn oyster_town() -> Town {
    let town = Town::new();
    town.run(OYSTER).ok();
    town.run(OYSTER_DIVIDEND).ok();
    town
}

fn with_funds(town: &Town) {
    town.write("funds.csv", FUNDS);
    town.run(&["import", "postings", "funds.csv", "--create-accounts"])
        .ok();
}

fn transactions(town: &Town) -> i64 {
    town.count("SELECT COUNT(*) FROM transactions")
}

/// The ledger's state for before/after comparisons of a refused command.
fn state(town: &Town) -> (i64, i64, i64, i64, i64, Vec<(String, String)>) {
    (
        transactions(town),
        town.count("SELECT COUNT(*) FROM postings"),
        town.count("SELECT COUNT(*) FROM projects"),
        town.count("SELECT COUNT(*) FROM dividends"),
        town.count("SELECT COUNT(*) FROM tilts"),
        town.balances(),
    )
}

#[track_caller]
fn refused(town: &Town, args: &[&str], message: &str) -> String {
    let before = state(town);
    let r = town.run(args).fails(1);
    assert!(
        r.stderr.contains(message),
        "expected '{message}' in:\n{}",
        r.stderr
    );
    assert_eq!(state(town), before, "a refused command changed the ledger");
    r.stderr
}

#[test]
fn oyster_worked_example_to_the_fen() {
    let town = Town::new();
    let added = town.run(OYSTER).ok().stdout;
    assert!(added.contains("expected 135,600.00 a year"), "{added}");
    assert!(added.contains("收入:投资收益:程村蚝养殖与加工"), "{added}");

    let recorded = town.run(OYSTER_DIVIDEND).ok().stdout;
    assert!(recorded.contains("net 125,600.00"), "{recorded}");
    assert!(recorded.contains("voucher 2024-12-0001"), "{recorded}");
    assert_eq!(
        town.balances(),
        pairs(&[
            ("资产:银行存款:基本户", "125600.00"),
            ("收入:投资收益:程村蚝养殖与加工", "-135600.00"),
            ("支出:经营支出:土地租金", "6000.00"),
            ("支出:经营支出:运维费", "4000.00"),
        ])
    );

    let tilt = town
        .run(&["tilt", "--year", "2024", "--share", "0.12"])
        .ok()
        .stdout;
    let oyster_line = tilt
        .lines()
        .find(|l| l.starts_with("oyster"))
        .unwrap_or_else(|| panic!("no oyster line in:\n{tilt}"));
    assert!(oyster_line.contains("125,600.00"), "{oyster_line}");
    assert!(oyster_line.contains("0.12"), "{oyster_line}");
    assert!(oyster_line.contains("15,072.00"), "{oyster_line}");
    assert!(tilt.contains("voucher 2024-12-0002 (2024-12-31)"), "{tilt}");
    assert!(tilt.contains("rounded to the fen"), "{tilt}");
    assert!(tilt.contains("it now holds 15,072.00"), "{tilt}");
    assert_eq!(
        town.balances(),
        pairs(&[
            ("资产:银行存款:基本户", "125600.00"),
            ("负债:专项应付款:动态帮扶", "-15072.00"),
            ("净资产:收益分配:动态帮扶提取", "15072.00"),
            ("收入:投资收益:程村蚝养殖与加工", "-135600.00"),
            ("支出:经营支出:土地租金", "6000.00"),
            ("支出:经营支出:运维费", "4000.00"),
        ])
    );
    assert_eq!(
        town.count("SELECT amount FROM tilts WHERE project = 'oyster' AND year = 2024"),
        1_507_200
    );
    assert_eq!(
        town.count("SELECT net FROM tilts WHERE project = 'oyster' AND year = 2024"),
        12_560_000
    );
    town.run(&["verify"]).ok();
}

#[test]
fn dividend_is_one_balanced_transaction_and_a_row() {
    let town = oyster_town();
    assert_eq!(transactions(&town), 1);
    assert_eq!(town.count("SELECT COUNT(*) FROM postings"), 4);
    assert_eq!(
        town.count(
            "SELECT COUNT(*) FROM dividends WHERE project = 'oyster' AND year = 2024 AND date = '2024-12-20'
             AND amount = 13560000 AND rent = 600000 AND upkeep = 400000 AND voucher = '2024-12-0001'"
        ),
        1
    );
    // Slashed dates, the default year from the date, --year for last year's income, --to, --memo.
    town.run(&["accounts", "add", "资产:银行存款:产业专户"])
        .ok();
    town.run(&[
        "dividend",
        "record",
        "oyster",
        "--date",
        "2025/1/8",
        "--amount",
        "1,000.50",
        "--year",
        "2024",
        "--to",
        "资产:银行存款:产业专户",
        "--memo",
        "补发2024年分红",
    ])
    .ok();
    assert_eq!(
        town.count(
            "SELECT COUNT(*) FROM dividends WHERE year = 2024 AND date = '2025-01-08' AND amount = 100050"
        ),
        1
    );
    assert_eq!(
        town.count("SELECT COUNT(*) FROM transactions WHERE memo = '补发2024年分红'"),
        1
    );
    let balances = town.balances();
    assert!(balances.contains(&("资产:银行存款:产业专户".into(), "1000.50".into())));
    assert!(balances.contains(&("收入:投资收益:程村蚝养殖与加工".into(), "-136600.50".into())));
    town.run(&["verify"]).ok();
}

#[test]
fn project_list_and_add_refusals() {
    let town = Town::new();
    town.run(OYSTER).ok();
    town.run(&[
        "project",
        "add",
        "workshop",
        "--name",
        "扶贫车间",
        "--invested",
        "1,000,000",
        "--rate",
        "9%",
        "--owner",
        "胡荔村",
        "--kind",
        "rent",
    ])
    .ok();
    let csv = town
        .run(&["project", "list", "--format", "csv"])
        .ok()
        .stdout;
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("id,name,owner,kind,invested,rate,expected,account")
    );
    assert_eq!(
        lines.next(),
        Some("oyster,程村蚝养殖与加工,本镇,dividend,1130000.00,0.12,135600.00,收入:投资收益:程村蚝养殖与加工")
    );
    assert_eq!(
        lines.next(),
        Some("workshop,扶贫车间,胡荔村,rent,1000000.00,0.09,90000.00,收入:投资收益:扶贫车间")
    );
    let json = town
        .run(&["project", "list", "--format", "json"])
        .ok()
        .stdout;
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["tables"][0]["rows"].as_array().map(Vec::len), Some(2));
    let text = town.run(&["project", "list"]).ok().stdout;
    assert!(
        text.contains("程村蚝养殖与加工") && text.contains("135,600.00"),
        "{text}"
    );
    let accounts = town
        .run(&["accounts", "list", "--format", "csv"])
        .ok()
        .stdout;
    assert!(
        accounts.contains(",收入:投资收益:扶贫车间,income"),
        "{accounts}"
    );

    refused(&town, OYSTER, "project 'oyster' already exists");
    refused(
        &town,
        &[
            "project",
            "add",
            "oyster2",
            "--name",
            "程村蚝养殖与加工",
            "--invested",
            "1",
            "--rate",
            "0.1",
        ],
        "a project named 程村蚝养殖与加工 already exists (id 'oyster')",
    );
    refused(
        &town,
        &[
            "project",
            "add",
            "Tea",
            "--name",
            "东水茶场",
            "--invested",
            "300000",
            "--rate",
            "0.1",
        ],
        "project id 'Tea' is not valid",
    );
    refused(
        &town,
        &[
            "project",
            "add",
            "tea",
            "--name",
            "东水茶场",
            "--invested",
            "300000",
            "--rate",
            "1.5",
        ],
        "the expected rate must be above 0 and at most 1",
    );
    refused(
        &town,
        &[
            "project",
            "add",
            "tea",
            "--name",
            "东水茶场",
            "--invested",
            "0",
            "--rate",
            "0.1",
        ],
        "the investment must be more than 0.00",
    );
    refused(
        &town,
        &[
            "project",
            "add",
            "tea",
            "--name",
            "东水茶场",
            "--invested",
            "300000.001",
            "--rate",
            "0.1",
        ],
        "--invested: '300000.001' has more than 2 decimals",
    );
    refused(
        &town,
        &[
            "project",
            "add",
            "tea",
            "--name",
            "东水茶场",
            "--invested",
            "300000",
            "--rate",
            "1e-1",
        ],
        "--rate: '1e-1' is not a rate",
    );
}

#[test]
fn dividend_refusals_change_nothing() {
    let town = oyster_town();
    town.run(&[
        "project",
        "add",
        "tea",
        "--name",
        "东水茶场",
        "--invested",
        "300000",
        "--rate",
        "0.1",
    ])
    .ok();
    let unknown = refused(
        &town,
        &[
            "dividend",
            "record",
            "prawn",
            "--date",
            "2024-12-20",
            "--amount",
            "100",
        ],
        "unknown project 'prawn'",
    );
    assert!(unknown.contains("known projects: oyster, tea"), "{unknown}");
    refused(
        &town,
        &[
            "dividend",
            "record",
            "tea",
            "--date",
            "2024-12-20",
            "--amount",
            "30000",
            "--rent",
            "20000",
            "--upkeep",
            "10000.01",
        ],
        "land rent 20,000.00 + upkeep 10,000.01 = 30,000.01 is more than the dividend 30,000.00",
    );
    refused(
        &town,
        &[
            "dividend",
            "record",
            "tea",
            "--date",
            "2024-12-20",
            "--amount",
            "0",
        ],
        "the dividend amount must be more than 0.00",
    );
    refused(
        &town,
        &[
            "dividend",
            "record",
            "tea",
            "--date",
            "2024-12-20",
            "--amount",
            "100",
            "--year",
            "2025",
        ],
        "cannot be income of 2025",
    );
    refused(
        &town,
        &[
            "dividend",
            "record",
            "tea",
            "--date",
            "2024-12-20",
            "--amount",
            "100",
            "--to",
            "资产:银行存款:没有",
        ],
        "--to 资产:银行存款:没有: no such account",
    );
    refused(
        &town,
        &[
            "dividend",
            "record",
            "tea",
            "--date",
            "2024-12-20",
            "--amount",
            "100",
            "--to",
            "收入:其他收入",
        ],
        "must be paid into an asset account",
    );
    refused(
        &town,
        &[
            "dividend",
            "record",
            "tea",
            "--date",
            "2024-12-20",
            "--amount",
            "1e5",
        ],
        "--amount: '1e5' is not an amount",
    );
    let empty = Town::new();
    refused(
        &empty,
        &[
            "dividend",
            "record",
            "oyster",
            "--date",
            "2024-12-20",
            "--amount",
            "100",
        ],
        "no projects yet",
    );
}

#[test]
fn report_expected_against_received() {
    let town = oyster_town();
    town.run(&[
        "project",
        "add",
        "tilapia",
        "--name",
        "罗非鱼养殖",
        "--invested",
        "800000",
        "--rate",
        "0.10",
        "--owner",
        "西一村",
    ])
    .ok();
    town.run(&[
        "project",
        "add",
        "tea",
        "--name",
        "东水茶场",
        "--invested",
        "300000",
        "--rate",
        "0.1",
    ])
    .ok();
    // Two payments from tilapia in 2024, one in 2023.
    for (date, amount, rent) in [
        ("2024-06-30", "30000", "1500"),
        ("2024-12-18", "42000", "1500"),
        ("2023-12-18", "80000", "3000"),
    ] {
        town.run(&[
            "dividend", "record", "tilapia", "--date", date, "--amount", amount, "--rent", rent,
        ])
        .ok();
    }
    let csv = town
        .run(&["dividend", "report", "--year", "2024", "--format", "csv"])
        .ok()
        .stdout;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines,
        vec![
            "year,project,name,owner,invested,rate,expected,received,rent,upkeep,net,difference",
            "2024,oyster,程村蚝养殖与加工,本镇,1130000.00,0.12,135600.00,135600.00,6000.00,4000.00,125600.00,0.00",
            "2024,tea,东水茶场,本镇,300000.00,0.1,30000.00,0.00,0.00,0.00,0.00,-30000.00",
            "2024,tilapia,罗非鱼养殖,西一村,800000.00,0.1,80000.00,72000.00,3000.00,0.00,69000.00,-8000.00",
        ],
        "{csv}"
    );
    let all = town
        .run(&["dividend", "report", "--format", "csv"])
        .ok()
        .stdout;
    assert_eq!(all.lines().count(), 1 + 3 + 3, "{all}");
    assert!(
        all.contains("2023,tilapia,罗非鱼养殖,西一村,800000.00,0.1,80000.00,80000.00,3000.00,0.00,77000.00,0.00"),
        "{all}"
    );
    let json = town
        .run(&["dividend", "report", "--year", "2024", "--format", "json"])
        .ok()
        .stdout;
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["tables"][0]["rows"][0]["received"], "135600.00");
    let text = town
        .run(&["dividend", "report", "--year", "2024"])
        .ok()
        .stdout;
    assert!(
        text.contains("应收与实收") && text.contains("-30,000.00"),
        "{text}"
    );
}

#[test]
fn tilt_refusals_change_nothing() {
    let town = oyster_town();
    with_funds(&town);
    refused(
        &town,
        &["tilt", "--year", "2024", "--share", "0.15"],
        "share 0.15 is outside 0.10–0.12",
    );
    refused(
        &town,
        &["tilt", "--year", "2024", "--share", "0.15", "--override"],
        "--override needs --reason",
    );
    refused(
        &town,
        &["tilt", "--year", "2023", "--share", "0.12"],
        "no dividend recorded for 2023",
    );
    let unknown = refused(
        &town,
        &[
            "tilt",
            "--year",
            "2024",
            "--share",
            "0.12",
            "--project",
            "prawn",
        ],
        "unknown project 'prawn'",
    );
    assert!(unknown.contains("known projects: oyster"), "{unknown}");
    refused(
        &town,
        &["tilt", "--year", "2024", "--share", "0.12", "--from-630", "230900.01"],
        "the 6·30 fund (负债:专项应付款:6·30资金) holds only 230,900.00 (on 2024-12-31); it cannot contribute 230,900.01",
    );
    refused(
        &town,
        &[
            "tilt",
            "--year",
            "2024",
            "--share",
            "0.12",
            "--date",
            "2024-12-01",
        ],
        "cannot come before the oyster dividend of 2024-12-20",
    );

    let first = town
        .run(&["tilt", "--year", "2024", "--share", "0.1"])
        .ok()
        .stdout;
    assert!(first.contains("12,560.00"), "{first}");
    let again = refused(
        &town,
        &["tilt", "--year", "2024", "--share", "0.12"],
        "2024 income was already tilted: oyster by voucher 2024-12-0002",
    );
    assert!(!again.contains("--project"), "{again}");
    refused(
        &town,
        &[
            "tilt",
            "--year",
            "2024",
            "--share",
            "0.12",
            "--project",
            "oyster",
        ],
        "oyster by voucher 2024-12-0002",
    );
    // A dividend for a year already tilted would be left out of the tilt.
    refused(
        &town,
        OYSTER_DIVIDEND,
        "oyster's 2024 income was already tilted by voucher 2024-12-0002",
    );
}

#[test]
fn tilt_with_a_contribution_from_the_630_fund() {
    let town = oyster_town();
    with_funds(&town);
    let out = town
        .run(&[
            "tilt",
            "--year",
            "2024",
            "--share",
            "12%",
            "--from-630",
            "230,900.00",
            "--date",
            "2024/12/31",
        ])
        .ok()
        .stdout;
    assert!(
        out.contains("from the 6·30 fund (负债:专项应付款:6·30资金): 230,900.00"),
        "{out}"
    );
    assert!(
        out.contains("into the dynamic-assistance fund: 245,972.00; it now holds 472,372.00"),
        "{out}"
    );
    let balances = town.balances();
    assert!(
        balances.contains(&("负债:专项应付款:动态帮扶".into(), "-472372.00".into())),
        "{balances:?}"
    );
    assert!(
        !balances
            .iter()
            .any(|(a, _)| a == "负债:专项应付款:6·30资金"),
        "{balances:?}"
    );
    assert!(balances.contains(&("净资产:收益分配:动态帮扶提取".into(), "15072.00".into())));
    assert_eq!(
        town.count("SELECT from_630 FROM tilt_runs WHERE year = 2024"),
        23_090_000
    );
    // One transaction for the whole tilt: two postings per project and two for the 6·30 part.
    assert_eq!(
        town.count(
            "SELECT COUNT(*) FROM postings p JOIN transactions t ON t.id = p.txn WHERE t.voucher = '2024-12-0002'"
        ),
        4
    );
    town.run(&["verify"]).ok();
}

#[test]
fn tilt_per_project_and_override_with_reason() {
    let town = oyster_town();
    town.run(&[
        "project",
        "add",
        "pv",
        "--name",
        "长角水库光伏",
        "--invested",
        "3500000",
        "--rate",
        "0.15",
    ])
    .ok();
    town.run(&[
        "dividend",
        "record",
        "pv",
        "--date",
        "2024-12-25",
        "--amount",
        "525000",
        "--upkeep",
        "25000",
    ])
    .ok();
    // Only the oyster project first.
    let one = town
        .run(&[
            "tilt",
            "--year",
            "2024",
            "--share",
            "0.11",
            "--project",
            "oyster",
        ])
        .ok()
        .stdout;
    assert!(
        one.contains("13,816.00") && !one.contains("长角水库光伏"),
        "{one}"
    );
    // Without --project, the oyster project is already done: the message names it and the rest.
    let msg = refused(
        &town,
        &["tilt", "--year", "2024", "--share", "0.12"],
        "oyster by voucher 2024-12-0003; tilt the others with --project (pv)",
    );
    assert!(msg.contains("already tilted"), "{msg}");
    refused(
        &town,
        &[
            "tilt",
            "--year",
            "2024",
            "--share",
            "0.12",
            "--project",
            "pv",
            "--reason",
            "x",
        ],
        "--reason goes with --override",
    );
    let pv = town
        .run(&[
            "tilt",
            "--year",
            "2024",
            "--share",
            "0.15",
            "--project",
            "pv",
            "--override",
            "--reason",
            "县农业农村局批复：光伏收益提高倾斜比例",
        ])
        .ok()
        .stdout;
    assert!(
        pv.contains("75,000.00") && pv.contains("outside 0.10–0.12"),
        "{pv}"
    );
    assert_eq!(
        town.count(
            "SELECT COUNT(*) FROM tilt_runs WHERE share = '0.15' AND override_reason = '县农业农村局批复：光伏收益提高倾斜比例'"
        ),
        1
    );
    assert_eq!(
        town.count("SELECT COUNT(*) FROM transactions WHERE memo LIKE '%县农业农村局批复%'"),
        1
    );
    let balances = town.balances();
    assert!(
        balances.contains(&("负债:专项应付款:动态帮扶".into(), "-88816.00".into())),
        "{balances:?}"
    );
}

#[test]
fn reversed_vouchers_drop_out() {
    let town = oyster_town();
    town.run(&["tilt", "--year", "2024", "--share", "0.12"])
        .ok();
    town.run(&[
        "reverse",
        "2024-12-0002",
        "--reason",
        "比例有误",
        "--date",
        "2024-12-31",
    ])
    .ok();
    // The reversed tilt no longer counts: the year can be tilted again, correctly.
    let redo = town
        .run(&["tilt", "--year", "2024", "--share", "0.1"])
        .ok()
        .stdout;
    assert!(redo.contains("12,560.00"), "{redo}");
    let balances = town.balances();
    assert!(
        balances.contains(&("负债:专项应付款:动态帮扶".into(), "-12560.00".into())),
        "{balances:?}"
    );
    // A reversed dividend leaves the report.
    town.run(&[
        "dividend",
        "record",
        "oyster",
        "--date",
        "2025-03-01",
        "--amount",
        "500",
    ])
    .ok();
    let v = town.count("SELECT id FROM transactions WHERE memo = '程村蚝养殖与加工 2025年分红'");
    assert!(v > 0);
    town.run(&[
        "reverse",
        "2025-03-0001",
        "--reason",
        "重复记账",
        "--date",
        "2025-03-02",
    ])
    .ok();
    let csv = town
        .run(&["dividend", "report", "--year", "2025", "--format", "csv"])
        .ok()
        .stdout;
    assert!(
        csv.contains("2025,oyster,程村蚝养殖与加工,本镇,1130000.00,0.12,135600.00,0.00,"),
        "{csv}"
    );
    town.run(&["verify"]).ok();
}

#[test]
fn demo_funds_fill_the_dynamic_fund() {
    let town = Town::new();
    let vouchers = common::demo_dir().join("vouchers-2024.csv");
    town.run(&[
        "import",
        "postings",
        vouchers.to_str().unwrap(),
        "--create-accounts",
    ])
    .ok();
    let mut ledger = townledger::store::Ledger::open(&town.ledger()).expect("open");
    let dynamic = "负债:专项应付款:动态帮扶";
    let f630 = "负债:专项应付款:6·30资金";
    let dynamic_before = -ledger.balance_of(dynamic, None).unwrap();
    let f630_before = -ledger.balance_of(f630, None).unwrap();
    // The library speaks the process language: English, as the assertions below read it.
    townledger::i18n::set_lang(townledger::i18n::Lang::En);
    let lines = townledger::funds::demo::record_demo_funds(&mut ledger, "出纳张").expect("funds");
    let text = lines.join("\n");
    println!("{text}");
    assert!(text.contains("oyster 程村蚝养殖与加工"), "{text}");
    assert!(text.contains("15,072.00"), "{text}");
    let dynamic_after = -ledger.balance_of(dynamic, None).unwrap();
    let f630_after = -ledger.balance_of(f630, None).unwrap();
    assert!(
        dynamic_after >= townledger::funds::demo::DYNAMIC_TARGET,
        "{text}"
    );
    // What the tilt says the fund now holds is what it holds after the tilt (its month was
    // first used by the tilt's own write).
    assert!(
        text.contains(&format!("it now holds {}", dynamic_after.grouped())),
        "{dynamic_after}: {text}"
    );
    assert!(f630_after >= townledger::Amount::ZERO, "{text}");
    let tilted: townledger::Amount = ledger
        .dividend_totals(Some(2024))
        .unwrap()
        .iter()
        .map(|t| townledger::funds::tilt::share_of(t.net(), rust_decimal::Decimal::new(12, 2)))
        .sum();
    assert_eq!(
        dynamic_after - dynamic_before,
        tilted + (f630_before - f630_after),
        "{text}"
    );
    assert_eq!(ledger.projects().unwrap().len(), 6);
    assert_eq!(ledger.live_tilts(2024).unwrap().len(), 6);
    let dividends = ledger.dividends(Some(2024)).unwrap();
    let oyster = dividends.iter().find(|d| d.project == "oyster").unwrap();
    assert_eq!(oyster.date.to_string(), "2024-12-20");
    assert_eq!(oyster.amount, townledger::Amount::from_yuan(135_600));
    assert_eq!(oyster.net(), townledger::Amount::from_yuan(125_600));
    drop(ledger);
    town.run(&["verify"]).ok();
    let report = town
        .run(&["dividend", "report", "--year", "2024", "--format", "csv"])
        .ok()
        .stdout;
    assert_eq!(report.lines().count(), 7, "{report}");
}

#[test]
fn a_tilted_dividend_is_reversed_only_after_its_tilt() {
    let town = oyster_town();
    town.run(&["tilt", "--year", "2024", "--share", "0.12"])
        .ok();
    // 2024-12-0001 is the dividend, 2024-12-0002 the tilt that set aside 12% of it.
    refused(
        &town,
        &[
            "reverse",
            "2024-12-0001",
            "--reason",
            "金额有误",
            "--date",
            "2024-12-31",
        ],
        "2024 was tilted by voucher 2024-12-0002 (a share of this dividend went into the dynamic-assistance fund); reverse 2024-12-0002 first",
    );
    town.run(&[
        "reverse",
        "2024-12-0002",
        "--reason",
        "分红有误",
        "--date",
        "2024-12-31",
    ])
    .ok();
    town.run(&[
        "reverse",
        "2024-12-0001",
        "--reason",
        "金额有误",
        "--date",
        "2024-12-31",
    ])
    .ok();
    let balances = town.balances();
    assert!(balances.iter().all(|(_, b)| b == "0.00"), "{balances:?}");
    // Their reversals are not reversed behind the records' back: the dividend and the tilt
    // are recorded again by their own commands.
    refused(
        &town,
        &["reverse", "2024-12-0003", "--reason", "撤销"],
        "tilt the year again with `townledger tilt --year 2024`",
    );
    refused(
        &town,
        &["reverse", "2024-12-0004", "--reason", "撤销"],
        "record the dividend again with `townledger dividend record oyster`",
    );
    town.run(OYSTER_DIVIDEND).ok();
    let redo = town
        .run(&["tilt", "--year", "2024", "--share", "0.12"])
        .ok()
        .stdout;
    assert!(redo.contains("15,072.00"), "{redo}");
    town.run(&["verify"]).ok();
}

#[test]
fn a_tilt_already_spent_is_not_reversed() {
    let town = oyster_town();
    town.run(&["tilt", "--year", "2024", "--share", "0.12"])
        .ok();
    // The fund (15,072.00) pays a grant of 10,000.00.
    town.write(
        "grant.csv",
        "txn_id,date,account,amount,memo\n\
         G1,2025-01-10,负债:专项应付款:动态帮扶,10000,动态帮扶临时救助\n\
         G1,2025-01-10,资产:银行存款:基本户,-10000,动态帮扶临时救助\n",
    );
    town.run(&["import", "postings", "grant.csv"]).ok();
    refused(
        &town,
        &["reverse", "2024-12-0002", "--reason", "比例有误"],
        "voucher 2024-12-0002 set aside 15,072.00 into 负债:专项应付款:动态帮扶, which now holds only 5,072.00",
    );
}

/// The standard funds are registered in every ledger, answer to their aliases, and show what
/// they hold; `fund add` registers more, refusing a name another fund answers to or an account
/// outside 专项应付款; the registry is under the record chain.
#[test]
fn funds_are_registered_data_with_aliases() {
    let town = Town::new();
    town.write(
        "v.csv",
        "txn_id,date,account,amount,memo\n\
         A,2024-03-01,资产:银行存款:储备金专户,800000,光伏超额分红结余转入储备金\n\
         A,2024-03-01,负债:专项应付款:防止返贫储备金,-800000,光伏超额分红结余转入储备金\n\
         B,2024-03-15,负债:专项应付款:防止返贫储备金,3000.50,临时救助\n\
         B,2024-03-15,资产:银行存款:储备金专户,-3000.50,临时救助\n",
    );
    town.run(&["import", "postings", "v.csv", "--create-accounts"])
        .ok();
    let csv = town
        .run(&["fund", "list", "--format", "csv", "--lang", "en"])
        .ok()
        .stdout;
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows[0], "id,name,kind,account,balance,bank,aliases",
        "{csv}"
    );
    assert!(
        rows.contains(&"reserve,防止返贫储备金,reserve,负债:专项应付款:防止返贫储备金,796999.50,资产:银行存款:储备金专户,储备金、防止返贫储备金"),
        "{csv}"
    );
    for id in ["dynamic,", "631,", "630,", "insurance,"] {
        assert!(rows.iter().any(|r| r.starts_with(id)), "{id} in {csv}");
    }

    let added = town
        .run(&[
            "fund",
            "add",
            "助学基金",
            "--account",
            "负债:专项应付款:助学基金",
            "--bank",
            "资产:银行存款:基本户",
            "--kind",
            "donation",
            "--alias",
            "助学",
        ])
        .ok();
    assert!(
        added.stdout.contains("added fund 助学基金"),
        "{}",
        added.stdout
    );
    let again = town
        .run(&[
            "fund",
            "add",
            "x",
            "--account",
            "负债:专项应付款:x",
            "--bank",
            "资产:银行存款:基本户",
            "--alias",
            "储备金",
        ])
        .fails(1);
    assert!(
        again.stderr.contains("'储备金' already names fund reserve"),
        "{}",
        again.stderr
    );
    let outside = town
        .run(&[
            "fund",
            "add",
            "y",
            "--account",
            "负债:应付款:y",
            "--bank",
            "资产:银行存款:基本户",
        ])
        .fails(1);
    assert!(
        outside
            .stderr
            .contains("must be a sub-account of 负债:专项应付款"),
        "{}",
        outside.stderr
    );
    assert_eq!(town.count("SELECT COUNT(*) FROM funds"), 6);
    town.run(&["verify"]).ok();
    town.sql("UPDATE funds SET bank = '资产:银行存款:别处' WHERE id = '助学基金'");
    town.run(&["verify"]).fails(2);
}

/// No write leaves a fund holding less than nothing on any day, whichever command writes:
/// an import whose spend is dated before the money arrives (even in the same file), and the
/// reversal of a gift the fund has since spent, are refused with nothing written.
#[test]
fn no_write_overdraws_a_fund_on_any_day() {
    let town = Town::new();
    town.write(
        "early.csv",
        "txn_id,date,account,amount,memo,household\n\
         S,2024-06-01,负债:专项应付款:6·30资金,300,助学金,H1\n\
         S,2024-06-01,资产:银行存款:基本户,-300,助学金,H1\n\
         G,2024-06-30,资产:银行存款:基本户,5000,6·30捐赠,\n\
         G,2024-06-30,负债:专项应付款:6·30资金,-5000,6·30捐赠,\n",
    );
    let r = town
        .run(&["import", "postings", "early.csv", "--create-accounts"])
        .fails(1);
    assert!(
        r.stderr.contains(
            "fund 630 (6·30扶贫济困捐赠, 负债:专项应付款:6·30资金) would hold -300.00 at the end of 2024-06-01 (voucher 2024-06-0001)"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(town.count("SELECT COUNT(*) FROM transactions"), 0);

    // The gift first, the stipend after: both posted; the fund holds 4,700.00.
    town.write(
        "late.csv",
        "txn_id,date,account,amount,memo,household\n\
         G,2024-06-30,资产:银行存款:基本户,5000,6·30捐赠,\n\
         G,2024-06-30,负债:专项应付款:6·30资金,-5000,6·30捐赠,\n\
         S,2024-07-15,负债:专项应付款:6·30资金,300,助学金,H1\n\
         S,2024-07-15,资产:银行存款:基本户,-300,助学金,H1\n",
    );
    town.run(&["import", "postings", "late.csv", "--create-accounts"])
        .ok();
    // Reversing the gift would leave the stipend paid from nothing.
    let r = town
        .run(&[
            "reverse",
            "G",
            "--reason",
            "退回捐赠",
            "--date",
            "2024-08-01",
        ])
        .fails(1);
    assert!(
        r.stderr
            .contains("would hold -300.00 at the end of 2024-08-01"),
        "{}",
        r.stderr
    );
    assert_eq!(town.count("SELECT COUNT(*) FROM transactions"), 2);
    // Reversing the stipend is fine.
    town.run(&["reverse", "S", "--reason", "重复", "--date", "2024-08-01"])
        .ok();
    town.run(&["verify"]).ok();
}

/// A ledger written before the fund registry (schema 11, made by that version of townledger:
/// one voucher into the reserve fund) gets the standard funds on its first open, recorded in
/// its record chain: `verify` passes, and an edited fund row is still caught.
#[test]
fn a_ledger_from_before_the_registry_gets_the_standard_funds_under_the_chain() {
    let town = Town::empty();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/ledger-schema-11.db"
        ),
        town.ledger(),
    )
    .unwrap();
    let csv = town.run(&["fund", "list", "--format", "csv"]).ok().stdout;
    assert_eq!(csv.lines().count(), 6, "{csv}");
    assert!(csv.contains(",800000.00,"), "{csv}");
    assert_eq!(
        town.count("PRAGMA user_version"),
        townledger::store::schema::CURRENT_VERSION
    );
    town.run(&["verify"]).ok();
    town.sql("UPDATE funds SET bank = '资产:银行存款:别处' WHERE id = 'reserve'");
    town.run(&["verify"]).fails(2);
}

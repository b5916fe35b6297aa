//! The village-finance disclosure 村级财务公开表 through the binary: the arithmetic of a small
//! town checked by hand, which village each figure belongs to (the account's segment, the
//! household's tag, a village's project, the voucher), masking, `--town` writing one file per
//! village inside its folder whatever the villages are called, and every format.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::Town;

const REGISTER: &str = "id,village,name,id_number,members,per_capita_income,category,risk_level,risk_causes,labour,bank_card\n\
    H1,胡荔村,叶建国,441721198001011238,2,5000,脱贫不稳定户,红,因病,none,6217000000000001234\n\
    H2,胡荔村,陈亚生,441721197512120028,3,7000,边缘易致贫户,黄,因灾,full,6217000000000005678\n\
    H3,西一村,刘䶮,441721199003150041,1,4000,边缘易致贫户,蓝,,weak,6217000000000009012\n";

/// The small town's vouchers: June (before the quarter), the third quarter, October (after).
const VOUCHERS: &str = "txn_id,date,account,amount,memo,household\n\
    O1,2024-06-01,资产:银行存款:胡荔村,100000.00,期初,\n\
    O1,2024-06-01,资产:长期投资:扶贫车间,1000000.00,期初,\n\
    O1,2024-06-01,资产:应收款:胡荔村,5000.00,期初,\n\
    O1,2024-06-01,资产:银行存款:基本户,200000.00,期初,\n\
    O1,2024-06-01,净资产:资本,-1305000.00,期初,\n\
    J1,2024-06-20,支出:公益支出:助学金,300.00,6月助学金,H1\n\
    J1,2024-06-20,资产:银行存款:基本户,-300.00,6月助学金,\n\
    S1,2024-07-05,资产:银行存款:胡荔村,20000.00,县级补助,\n\
    S1,2024-07-05,收入:补助收入,-20000.00,县级补助,\n\
    S2,2024-07-15,支出:公益支出:助学金,500.00,7月助学金,H1\n\
    S2,2024-07-15,资产:银行存款:基本户,-500.00,7月助学金,H1\n\
    S3,2024-07-15,支出:公益支出:助学金,300.00,7月助学金,H2\n\
    S3,2024-07-15,资产:银行存款:基本户,-300.00,7月助学金,\n\
    S4,2024-07-31,支出:公益支出:公益岗位工资,1500.00,7月保洁员工资,H1\n\
    S4,2024-07-31,负债:应付工资,-1500.00,7月保洁员工资,H1\n\
    S5,2024-08-15,支出:公益支出:助学金,400.00,8月助学金,H3\n\
    S5,2024-08-15,资产:银行存款:基本户,-400.00,8月助学金,\n\
    S6,2024-08-20,支出:管理费用,15.00,账户管理费,\n\
    S6,2024-08-20,资产:银行存款:基本户,-15.00,账户管理费,\n\
    S7,2024-08-25,支出:管理费用:胡荔村,200.00,村务公开栏,\n\
    S7,2024-08-25,资产:银行存款:胡荔村,-200.00,村务公开栏,\n\
    S8,2024-09-10,支出:公益支出:临时救助,3000.00,鱼塘受灾,H3\n\
    S8,2024-09-10,负债:应付款:农户:H3,-3000.00,鱼塘受灾,H3\n\
    S9,2024-09-12,资产:银行存款:新建村,8000.00,新建村补助,\n\
    S9,2024-09-12,收入:补助收入,-8000.00,新建村补助,\n\
    N1,2024-10-08,支出:公益支出:助学金,500.00,10月助学金,H1\n\
    N1,2024-10-08,资产:银行存款:基本户,-500.00,10月助学金,\n";

/// The small town: three households in two villages, the workshop owned by 胡荔村 with its
/// rent of the year (90,000.00, upkeep 5,000.00) and its tilt at 12%, and the vouchers above.
fn small_town() -> Town {
    let town = Town::empty();
    town.run(&["init", "--town", "测试镇"]).ok();
    town.write("h.csv", REGISTER);
    town.run(&["households", "import", "h.csv", "--effective", "2024-01-01"])
        .ok();
    town.run(&[
        "project",
        "add",
        "workshop",
        "--name",
        "扶贫车间",
        "--invested",
        "1000000",
        "--rate",
        "0.09",
        "--owner",
        "胡荔村",
        "--kind",
        "rent",
    ])
    .ok();
    town.write("v.csv", VOUCHERS);
    town.run(&["import", "postings", "v.csv", "--create-accounts"])
        .ok();
    town.run(&[
        "dividend",
        "record",
        "workshop",
        "--date",
        "2024-09-20",
        "--amount",
        "90000",
        "--upkeep",
        "5000",
    ])
    .ok();
    town.run(&[
        "tilt",
        "--year",
        "2024",
        "--share",
        "0.12",
        "--date",
        "2024-09-30",
    ])
    .ok();
    town
}

/// A CSV of several tables (blocks separated by an empty line): each block's rows as maps
/// from column key to cell.
fn csv_blocks(text: &str) -> Vec<Vec<BTreeMap<String, String>>> {
    text.split("\n\n")
        .filter(|b| !b.trim().is_empty())
        .map(|block| {
            let mut r = csv::Reader::from_reader(block.as_bytes());
            let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
            r.records()
                .map(|rec| {
                    headers
                        .iter()
                        .cloned()
                        .zip(rec.unwrap().iter().map(String::from))
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// `(kind, item) → amount` of a block, and its `households` column where it has one.
fn lines(block: &[BTreeMap<String, String>], value: &str) -> Vec<(String, String, String)> {
    block
        .iter()
        .map(|r| (r["kind"].clone(), r["item"].clone(), r[value].clone()))
        .collect()
}

fn disclose_csv(town: &Town, village: &str, period: &[&str]) -> Vec<Vec<BTreeMap<String, String>>> {
    let mut args = vec!["disclose", "--village", village];
    args.extend_from_slice(period);
    args.extend_from_slice(&["--format", "csv"]);
    csv_blocks(&town.run(&args).ok().stdout)
}

fn pdftotext(path: &Path) -> Option<String> {
    if !common::have_tool("pdftotext") {
        return None;
    }
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(out.status.success());
    Some(String::from_utf8(out.stdout).unwrap())
}

fn s(text: &str) -> String {
    text.to_string()
}

/// 胡荔村's third quarter, by hand:
/// - income: the workshop's rent 90,000.00 (its project is 胡荔村's) and the county's subsidy
///   20,000.00 (paid into 胡荔村's bank account: the voucher is the village's) = 110,000.00;
/// - spending: stipends 500.00 (H1) + 300.00 (H2) = 800.00 for 2 households, H1's wages
///   1,500.00, the workshop's upkeep 5,000.00 (paid out of its rent: the voucher is the
///   village's) and 200.00 on the village's own 管理费用 = 7,500.00, 2 households reached;
///   June's and October's stipends are outside the quarter;
/// - assets: the bank 100,000.00 + 20,000.00 − 200.00 = 119,800.00, the receivable 5,000.00,
///   the workshop 1,000,000.00 (资产:长期投资:扶贫车间); no debts;
/// - distribution: 12% of the workshop's net 85,000.00 = 10,200.00.
#[test]
fn the_arithmetic_of_a_small_village_checked_by_hand() {
    let town = small_town();
    let blocks = disclose_csv(&town, "胡荔村", &["--quarter", "2024Q3"]);
    assert_eq!(blocks.len(), 4, "{blocks:?}");
    assert_eq!(
        lines(&blocks[0], "amount"),
        [
            (
                s("投资收益（分红、租金）"),
                s("扶贫车间（租金）"),
                s("90000.00")
            ),
            (s("补助收入"), s("补助收入"), s("20000.00")),
        ]
    );
    assert_eq!(
        blocks[1]
            .iter()
            .map(|r| (
                r["kind"].as_str(),
                r["item"].as_str(),
                r["households"].as_str(),
                r["amount"].as_str()
            ))
            .collect::<Vec<_>>(),
        [
            ("公益支出", "助学金", "2", "800.00"),
            ("公益性岗位工资", "公益岗位工资", "1", "1500.00"),
            ("经营及管理支出", "管理费用", "", "200.00"),
            ("经营及管理支出", "运维费", "", "5000.00"),
        ]
    );
    assert_eq!(
        blocks[2]
            .iter()
            .map(|r| (
                r["item"].as_str(),
                r["opening"].as_str(),
                r["closing"].as_str()
            ))
            .collect::<Vec<_>>(),
        [
            ("银行存款", "100000.00", "119800.00"),
            ("应收款", "5000.00", "5000.00"),
            ("长期投资:扶贫车间", "1000000.00", "1000000.00"),
        ]
    );
    assert_eq!(
        lines(&blocks[3], "amount"),
        [(
            s("产业收益倾斜提取"),
            s("扶贫车间（2024年）"),
            s("10200.00")
        )]
    );
    assert!(blocks[3][0]["detail"].contains("净收益 85,000.00 × 0.12"));
    // Every row carries the village and the period.
    assert!(blocks
        .iter()
        .flatten()
        .all(|r| r["village"] == "胡荔村" && r["period"].contains("2024-07-01 至 2024-09-30")));

    // The text shows the totals: income 110,000.00, spending 7,500.00 for 2 households, the
    // surplus 102,500.00, assets 1,124,800.00.
    let text = town
        .run(&["disclose", "--village", "胡荔村", "--quarter", "2024Q3"])
        .ok()
        .stdout;
    for expected in [
        "收入合计",
        "110,000.00",
        "7,500.00",
        "收支结余 102,500.00 元",
        "期末资产 1,124,800.00 元，负债 0.00 元",
        "村务监督委员会（盖章）",
        "村民委员会（盖章）",
        "编制单位：测试镇",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    let total = text
        .lines()
        .find(|l| l.starts_with("支出合计"))
        .unwrap_or_default();
    assert!(
        total.split_whitespace().collect::<Vec<_>>() == ["支出合计", "2", "7,500.00"],
        "{text}"
    );
}

/// 西一村 by its household's tags: H3's stipend and its relief owed on its payable account
/// (a debt of 3,000.00 to 1 household at the end); 新建村, which only an account names, by
/// its bank account; the town's own account management fee stays town-level.
#[test]
fn villages_come_from_account_segments_household_tags_and_the_voucher() {
    let town = small_town();
    let blocks = disclose_csv(&town, "西一村", &["--quarter", "2024Q3"]);
    assert!(blocks[0].is_empty(), "no income: {:?}", blocks[0]);
    assert_eq!(
        blocks[1]
            .iter()
            .map(|r| (
                r["item"].as_str(),
                r["households"].as_str(),
                r["amount"].as_str()
            ))
            .collect::<Vec<_>>(),
        [("临时救助", "1", "3000.00"), ("助学金", "1", "400.00")]
    );
    assert_eq!(
        blocks[2]
            .iter()
            .map(|r| (
                r["kind"].as_str(),
                r["item"].as_str(),
                r["households"].as_str(),
                r["closing"].as_str()
            ))
            .collect::<Vec<_>>(),
        [("应付款", "应付款:农户", "1", "3000.00")]
    );
    let blocks = disclose_csv(&town, "新建村", &["--quarter", "2024Q3"]);
    assert_eq!(
        lines(&blocks[0], "amount"),
        [(s("补助收入"), s("补助收入"), s("8000.00"))]
    );

    // --town: one file per village and the town level's; the figures of all of them add up
    // to the ledger's income and spending of the quarter.
    let r = town
        .run(&[
            "disclose",
            "--town",
            "--quarter",
            "2024Q3",
            "--out",
            "公开",
            "--format",
            "csv",
        ])
        .ok();
    assert!(
        r.stdout.contains("wrote 4 disclosure(s) of 2024Q3 to 公开"),
        "{}",
        r.stdout
    );
    let mut files: Vec<String> = std::fs::read_dir(town.path("公开"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "新建村-2024Q3.csv",
            "未分配到村-2024Q3.csv",
            "胡荔村-2024Q3.csv",
            "西一村-2024Q3.csv"
        ]
    );
    let town_level =
        csv_blocks(&std::fs::read_to_string(town.path("公开/未分配到村-2024Q3.csv")).unwrap());
    assert!(town_level[0].is_empty());
    assert_eq!(
        lines(&town_level[1], "amount"),
        [(s("经营及管理支出"), s("管理费用"), s("15.00"))]
    );
    let (mut income, mut spending) = (0i64, 0i64);
    let fen = |s: &str| townledger::Amount::parse(s).unwrap().fen();
    for f in &files {
        let blocks = csv_blocks(&std::fs::read_to_string(town.path("公开").join(f)).unwrap());
        income += blocks[0].iter().map(|r| fen(&r["amount"])).sum::<i64>();
        spending += blocks[1].iter().map(|r| fen(&r["amount"])).sum::<i64>();
    }
    let balances = town
        .run(&[
            "balance",
            "--from",
            "2024-07-01",
            "--to",
            "2024-09-30",
            "--format",
            "csv",
        ])
        .ok()
        .stdout;
    let (mut ledger_income, mut ledger_spending) = (0i64, 0i64);
    for (account, balance) in common::parse_balance_csv(&balances) {
        if account.starts_with("收入") {
            ledger_income -= fen(&balance);
        } else if account.starts_with("支出") {
            ledger_spending += fen(&balance);
        }
    }
    assert_eq!((income, spending), (ledger_income, ledger_spending));
    assert_eq!(income, 11_800_000, "90,000 + 20,000 + 8,000");
}

/// A month instead of a quarter: September alone.
#[test]
fn a_month_discloses_that_month() {
    let town = small_town();
    let blocks = disclose_csv(&town, "胡荔村", &["--month", "2024-09"]);
    assert_eq!(
        lines(&blocks[0], "amount"),
        [(
            s("投资收益（分红、租金）"),
            s("扶贫车间（租金）"),
            s("90000.00")
        )]
    );
    assert_eq!(
        lines(&blocks[1], "amount"),
        [(s("经营及管理支出"), s("运维费"), s("5000.00"))]
    );
    // The bank at the start of September: 100,000 + 20,000 − 200.
    assert_eq!(blocks[2][0]["opening"], "119800.00");
    let r = town
        .run(&["disclose", "--village", "胡荔村", "--month", "2024-13"])
        .fails(1);
    assert!(
        r.stderr.contains("'2024-13' is not a month"),
        "{}",
        r.stderr
    );
    let r = town
        .run(&["disclose", "--village", "胡荔村", "--quarter", "2024Q5"])
        .fails(1);
    assert!(
        r.stderr.contains("'2024Q5' is not a quarter"),
        "{}",
        r.stderr
    );
    let r = town
        .run(&["disclose", "--village", "红光村", "--quarter", "2024Q3"])
        .fails(1);
    assert!(
        r.stderr
            .contains("village 红光村 is not known (villages: 新建村, 胡荔村, 西一村)"),
        "{}",
        r.stderr
    );
    town.run(&["disclose", "--quarter", "2024Q3"]).fails(2);
    town.run(&["disclose", "--town", "--quarter", "2024Q3"])
        .fails(2);
}

/// Every format, by --format or by the extension of --out; the PDF reads back.
#[test]
fn every_format_is_written() {
    use calamine::{Reader, Xlsx};
    let town = small_town();
    for ext in ["txt", "csv", "json", "xlsx", "pdf"] {
        let out = format!("胡荔村-2024Q3.{ext}");
        let r = town
            .run(&[
                "disclose",
                "--village",
                "胡荔村",
                "--quarter",
                "2024Q3",
                "--out",
                &out,
            ])
            .ok();
        assert!(
            r.stdout.contains(&format!(
                "{out}: 胡荔村, 2024Q3: income 110,000.00, spending 7,500.00, 2 household(s) reached"
            )),
            "{}",
            r.stdout
        );
        assert!(std::fs::metadata(town.path(&out)).unwrap().len() > 100);
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(town.path("胡荔村-2024Q3.json")).unwrap())
            .unwrap();
    assert_eq!(json["title"], "村级财务公开表");
    assert_eq!(json["tables"][0]["totals"][2]["amount"], "110000.00");
    let mut book: Xlsx<_> = calamine::open_workbook(town.path("胡荔村-2024Q3.xlsx")).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let cells: Vec<String> = book
        .worksheet_range(&sheet)
        .unwrap()
        .rows()
        .flatten()
        .map(|c| c.to_string())
        .collect();
    assert!(cells.iter().any(|c| c == "扶贫车间（租金）"), "{cells:?}");
    if let Some(text) = pdftotext(&town.path("胡荔村-2024Q3.pdf")) {
        for expected in [
            "村级财务公开表",
            "胡荔村 · 2024年第三季度",
            "扶贫车间（租金）",
            "110,000.00",
            "119,800.00",
            "10,200.00",
            "村务监督委员会（盖章）",
            "审计链",
            "第1页共",
        ] {
            assert!(text.contains(expected), "{expected}\n{text}");
        }
    }
    town.run(&[
        "disclose",
        "--village",
        "胡荔村",
        "--quarter",
        "2024Q3",
        "--out",
        "x.doc",
    ])
    .fails(1);
    // English headings with --lang en.
    let en = town
        .run(&[
            "--lang",
            "en",
            "disclose",
            "--village",
            "胡荔村",
            "--quarter",
            "2024Q3",
        ])
        .ok()
        .stdout;
    assert!(en.contains("Village finance disclosure"), "{en}");
    assert!(en.contains("Total income"), "{en}");
}

/// The demo town: its third quarter for every village, the relief grant listed with the
/// head's name masked; the allocation run of January 2025 listed per village, masked, its
/// households and total as the run has them; no full name, ID or card number anywhere.
#[test]
fn the_demo_villages_disclose_masked_lists_only() {
    let town = Town::empty();
    town.run(&["demo", "--out", "demo"]).ok();
    let ledger = "demo/townledger.db";
    let mut files: Vec<String> = std::fs::read_dir(town.path("demo/公开-2024Q3"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "未分配到村-2024Q3.pdf",
            "红光村-2024Q3.pdf",
            "胡荔村-2024Q3.pdf",
            "莲塘村-2024Q3.pdf",
            "蓝袍村-2024Q3.pdf",
            "西一村-2024Q3.pdf"
        ]
    );
    let q3 = town
        .run(&[
            "--ledger",
            ledger,
            "disclose",
            "--village",
            "西一村",
            "--quarter",
            "2024Q3",
        ])
        .ok()
        .stdout;
    assert!(q3.contains("临时救助发放名单（1 笔）"), "{q3}");
    assert!(q3.contains("陈*生"), "{q3}");
    let q1 = town
        .run(&[
            "--ledger",
            ledger,
            "disclose",
            "--village",
            "西一村",
            "--quarter",
            "2025Q1",
            "--format",
            "csv",
        ])
        .ok()
        .stdout;
    let blocks = csv_blocks(&q1);
    let run = &blocks[3][0];
    assert_eq!(run["kind"], "分配到户");
    // The run as `allocate show` has it: 西一村's households with something allocated.
    let show = csv_blocks(
        &town
            .run(&[
                "--ledger", ledger, "allocate", "show", "1", "--format", "csv",
            ])
            .ok()
            .stdout,
    );
    let ours: Vec<&BTreeMap<String, String>> = show[0]
        .iter()
        .filter(|r| r["village"] == "西一村" && r["total"] != "0.00" && r["excluded"].is_empty())
        .collect();
    let fen = |s: &str| townledger::Amount::parse(s).unwrap().fen();
    assert_eq!(run["households"], ours.len().to_string());
    assert_eq!(
        fen(&run["amount"]),
        ours.iter().map(|r| fen(&r["total"])).sum::<i64>()
    );
    let list = &blocks[4];
    assert_eq!(list.len(), ours.len());
    assert!(list
        .iter()
        .any(|r| r["household_id"] == "H0014" && r["name"] == "刘*"));
    // Nothing unmasked: no head's full name, ID or card number of the register.
    let register = std::fs::read_to_string(common::demo_dir().join("households.csv")).unwrap();
    for text in [&q3, &q1] {
        for row in register.lines().skip(1) {
            let cells: Vec<&str> = row.split(',').collect();
            for secret in [cells[2], cells[3], cells[10]] {
                assert!(!text.contains(secret), "{secret} in\n{text}");
            }
        }
    }
    if let Some(pdf) = pdftotext(&town.path("demo/公开-2024Q3/胡荔村-2024Q3.pdf")) {
        assert!(pdf.contains("公益岗位工资"), "{pdf}");
        assert!(pdf.contains("11,700.00"), "{pdf}");
        assert!(!pdf.contains("叶建国"), "{pdf}");
    }
}

/// Village names are data: one that is a path, or would climb out of the folder, is refused
/// (listed, nothing written for it, exit 1) and the others are written; a character Windows
/// forbids in file names becomes its full-width form.
#[test]
fn a_town_writes_only_inside_its_folder_whatever_the_villages_are_called() {
    let town = small_town();
    let outside = town.path("outside");
    town.sql(&format!(
        "UPDATE households SET village = '{}村' WHERE id = 'H1';
         UPDATE households SET village = '新:村' WHERE id = 'H3';",
        outside.display()
    ));
    let r = town
        .run(&[
            "disclose",
            "--town",
            "--quarter",
            "2024Q3",
            "--out",
            "out/q3",
        ])
        .fails(1);
    assert!(r.stdout.contains("1 village(s) failed:"), "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!(
            "  {}村: the village \"{}村\" cannot name a file: it contains the path separator `/`; no disclosure written",
            outside.display(),
            outside.display()
        )),
        "{}",
        r.stdout
    );
    let mut files: Vec<String> = std::fs::read_dir(town.path("out/q3"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "新建村-2024Q3.pdf",
            "新：村-2024Q3.pdf",
            "未分配到村-2024Q3.pdf",
            "胡荔村-2024Q3.pdf"
        ]
    );
    assert!(!town.path("outside").exists());
    assert!(!Path::new(&format!("{}村-2024Q3.pdf", outside.display())).exists());
}

//! The 科目余额表 (`balance`): its arithmetic checked by hand on a small town, subtrees by code
//! and by name, the plain CSV and JSON kept for scripts, and the printed forms (text, PDF,
//! XLSX) with their headings and signature lines.

mod common;

use std::collections::BTreeMap;

use common::Town;

/// Before the period: 100,000.00 into the fund, a 3,000.00 grant, and 10.00 of other income on
/// 2024-03-04, the day before the period starts. In the period (2024-03-05 … 2024-03-31):
/// 20,000.50 more into the fund, 5,000.00 paid out of it, a 1,200.25 grant on its last day.
/// After it: 999.00 of subsidy income on 2024-04-01.
const VOUCHERS: &str = "\
txn_id,date,account,amount,memo,household,ref
T1,2024-01-05,资产:银行存款:基本户,100000.00,拨入动态帮扶资金,,
T1,2024-01-05,负债:专项应付款:动态帮扶,-100000.00,拨入动态帮扶资金,,
T2,2024-02-10,支出:公益支出:临时救助,3000.00,临时救助,H0015,
T2,2024-02-10,资产:银行存款:基本户,-3000.00,临时救助,H0015,
T3,2024-03-04,资产:银行存款:基本户,10.00,利息,,
T3,2024-03-04,收入:其他收入,-10.00,利息,,
T4,2024-03-05,资产:银行存款:基本户,20000.50,拨入动态帮扶资金,,
T4,2024-03-05,负债:专项应付款:动态帮扶,-20000.50,拨入动态帮扶资金,,
T5,2024-03-20,负债:专项应付款:动态帮扶,5000.00,动态帮扶发放,,
T5,2024-03-20,资产:银行存款:基本户,-5000.00,动态帮扶发放,,
T6,2024-03-31,支出:公益支出:临时救助,1200.25,临时救助,H0016,
T6,2024-03-31,资产:银行存款:基本户,-1200.25,临时救助,H0016,
T7,2024-04-01,资产:银行存款:基本户,999.00,补助,,
T7,2024-04-01,收入:补助收入,-999.00,补助,,
";

const PERIOD: [&str; 4] = ["--from", "2024-03-05", "--to", "2024-03-31"];

fn town() -> Town {
    let town = Town::empty();
    town.run(&["init", "--town", "程村镇"]).ok();
    town.write("v.csv", VOUCHERS);
    town.run(&["import", "postings", "v.csv", "--create-accounts"])
        .ok();
    town
}

/// One line of the sheet as scripts read it (`--style cn --format csv`), amounts in fen.
#[derive(Debug, PartialEq, Eq, Clone)]
struct Line {
    code: String,
    opening_side: String,
    opening: i64,
    debit: i64,
    credit: i64,
    closing_side: String,
    closing: i64,
}

fn fen(s: &str) -> i64 {
    let (yuan, cents) = s.split_once('.').expect("two decimals");
    assert_eq!(cents.len(), 2, "{s}");
    let sign = if yuan.starts_with('-') { -1 } else { 1 };
    sign * (yuan.trim_start_matches('-').parse::<i64>().unwrap() * 100
        + cents.parse::<i64>().unwrap())
}

/// The sheet's lines by full account name (the total as `合计`), from `--style cn --format
/// json`; CSV gives the same columns without the total.
fn sheet(town: &Town, args: &[&str]) -> BTreeMap<String, Line> {
    let run = |format: &str| {
        let mut all = vec!["balance", "--style", "cn", "--format", format];
        all.extend_from_slice(args);
        town.run(&all).ok().stdout
    };
    let csv = run("csv");
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "code",
            "account",
            "opening_side",
            "opening",
            "debit",
            "credit",
            "closing_side",
            "closing"
        ],
        "{csv}"
    );
    let csv_rows = r.records().count();
    let json = run("json");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let table = &v["tables"][0];
    let rows = table["rows"].as_array().unwrap();
    assert_eq!(rows.len(), csv_rows, "{csv}\n{json}");
    let text = |x: &serde_json::Value| x.as_str().unwrap_or("").to_string();
    rows.iter()
        .chain(table["totals"].as_array().unwrap())
        .map(|r| {
            (
                text(&r["account"]),
                Line {
                    code: text(&r["code"]),
                    opening_side: text(&r["opening_side"]),
                    opening: fen(&text(&r["opening"])),
                    debit: fen(&text(&r["debit"])),
                    credit: fen(&text(&r["credit"])),
                    closing_side: text(&r["closing_side"]),
                    closing: fen(&text(&r["closing"])),
                },
            )
        })
        .collect()
}

fn line(code: &str, o: (&str, i64), debit: i64, credit: i64, c: (&str, i64)) -> Line {
    Line {
        code: code.to_string(),
        opening_side: o.0.to_string(),
        opening: o.1,
        debit,
        credit,
        closing_side: c.0.to_string(),
        closing: c.1,
    }
}

/// A balance with its side as a signed figure, debit positive.
fn signed(side: &str, amount: i64) -> i64 {
    match side {
        "借" => amount,
        "贷" => -amount,
        "平" => {
            assert_eq!(amount, 0, "平 with an amount");
            0
        }
        other => panic!("unknown side {other}"),
    }
}

#[test]
fn the_sheet_adds_up_as_worked_by_hand() {
    let town = town();
    let s = sheet(&town, &PERIOD);
    // Worked by hand, in fen.
    // 基本户 (an asset: debit-normal): opening 100,000.00 − 3,000.00 + 10.00 = 97,010.00 借;
    // debits 20,000.50; credits 5,000.00 + 1,200.25 = 6,200.25;
    // closing 97,010.00 + 20,000.50 − 6,200.25 = 110,810.25 借.
    assert_eq!(
        s["资产:银行存款:基本户"],
        line(
            "",
            ("借", 9_701_000),
            2_000_050,
            620_025,
            ("借", 11_081_025)
        )
    );
    // The bank account's parent (code 102) and the type line repeat it.
    assert_eq!(s["资产:银行存款"].code, "102");
    assert_eq!(s["资产:银行存款"].closing, 11_081_025);
    assert_eq!(s["资产"].closing, 11_081_025);
    // 动态帮扶 (a liability: credit-normal): opening 100,000.00 贷; debits 5,000.00; credits
    // 20,000.50; closing 100,000.00 + 20,000.50 − 5,000.00 = 115,000.50 贷.
    assert_eq!(
        s["负债:专项应付款:动态帮扶"],
        line(
            "",
            ("贷", 10_000_000),
            500_000,
            2_000_050,
            ("贷", 11_500_050)
        )
    );
    assert_eq!(s["负债:专项应付款"].code, "241");
    // 临时救助 (an expense): 3,000.00 借, plus the grant on the period's last day.
    assert_eq!(
        s["支出:公益支出:临时救助"],
        line("", ("借", 300_000), 120_025, 0, ("借", 420_025))
    );
    // 其他收入 (income): posted the day before the period, so opening only.
    assert_eq!(
        s["收入:其他收入"],
        line("504", ("贷", 1_000), 0, 0, ("贷", 1_000))
    );
    // Nothing after the period counts: the subsidy of 2024-04-01 is not there.
    assert!(!s.contains_key("收入:补助收入"), "{s:?}");
    // 合计: debits 20,000.50 + 5,000.00 + 1,200.25 = 26,200.75 = credits 6,200.25 + 20,000.50;
    // the openings and closings net to 平.
    assert_eq!(
        s["合计"],
        line("", ("平", 0), 2_620_075, 2_620_075, ("平", 0))
    );

    // The rule on every line: a debit-normal balance closes at opening + debits − credits, a
    // credit-normal one at opening + credits − debits; in signed figures both are the same.
    for (name, l) in &s {
        let (o, c) = (
            signed(&l.opening_side, l.opening),
            signed(&l.closing_side, l.closing),
        );
        assert_eq!(o + l.debit - l.credit, c, "{name}: {l:?}");
        if l.closing_side == "贷" && l.opening_side == "贷" {
            assert_eq!(l.opening + l.credit - l.debit, l.closing, "{name}");
        }
        assert!(l.debit >= 0 && l.credit >= 0, "{name}");
    }
    // Each parent is the sum of its children; the top lines sum to 合计.
    let top: Vec<&Line> = ["资产", "负债", "收入", "支出"]
        .iter()
        .map(|n| &s[*n])
        .collect();
    assert_eq!(top.iter().map(|l| l.debit).sum::<i64>(), s["合计"].debit);
    assert_eq!(top.iter().map(|l| l.credit).sum::<i64>(), s["合计"].credit);
}

#[test]
fn open_periods_take_every_posting() {
    let town = town();
    // No --from: nothing is before the period, so the opening is 平 everywhere.
    let s = sheet(&town, &["--to", "2024-03-31"]);
    let bank = &s["资产:银行存款:基本户"];
    assert_eq!((bank.opening_side.as_str(), bank.opening), ("平", 0));
    assert_eq!(bank.debit, 10_000_000 + 1_000 + 2_000_050);
    assert_eq!(bank.closing, 11_081_025);
    // The closing balance of a period is the plain balance at its end.
    let plain = common::parse_balance_csv(
        &town
            .run(&["balance", "--format", "csv", "--as-of", "2024-03-31"])
            .ok()
            .stdout,
    );
    for (account, balance) in plain {
        let l = &s[&account];
        assert_eq!(
            signed(&l.closing_side, l.closing),
            fen(&balance),
            "{account}"
        );
    }
    // A period inside one month, both ends partial.
    let s = sheet(&town, &["--from", "2024-03-06", "--to", "2024-03-30"]);
    let bank = &s["资产:银行存款:基本户"];
    assert_eq!(bank.opening, 9_701_000 + 2_000_050);
    assert_eq!((bank.debit, bank.credit), (0, 500_000));
    // An empty period is refused.
    let r = town
        .run(&["balance", "--from", "2024-04-01", "--to", "2024-03-01"])
        .fails(1);
    assert!(r.stderr.contains("is after --to"), "{}", r.stderr);
}

#[test]
fn subtrees_by_code_and_by_name() {
    let town = town();
    let by_code = sheet(&town, &[&["241"][..], &PERIOD].concat());
    let by_name = sheet(&town, &[&["负债:专项应付款"][..], &PERIOD].concat());
    assert_eq!(by_code, by_name);
    assert_eq!(
        by_code.keys().collect::<Vec<_>>(),
        ["合计", "负债:专项应付款", "负债:专项应付款:动态帮扶"]
    );
    // The total of a subtree is its root's.
    let mut total = by_code["负债:专项应付款"].clone();
    total.code = String::new();
    assert_eq!(by_code["合计"], total);
    // Two subtrees; one named twice, once inside the other.
    let two = sheet(&town, &["102", "支出:公益支出", "资产:银行存款:基本户"]);
    assert_eq!(
        two.keys().collect::<Vec<_>>(),
        [
            "合计",
            "支出:公益支出",
            "支出:公益支出:临时救助",
            "资产:银行存款",
            "资产:银行存款:基本户"
        ]
    );
    // The plain balance narrows the same way, with its two columns.
    let plain =
        common::parse_balance_csv(&town.run(&["balance", "241", "--format", "csv"]).ok().stdout);
    assert_eq!(
        plain,
        [(
            "负债:专项应付款:动态帮扶".to_string(),
            "-115000.50".to_string()
        )]
    );
    // The printed sheet shows the subtree from its root.
    let text = town.run(&["balance", "241"]).ok().stdout;
    assert!(
        text.contains("专项应付款") && text.contains("动态帮扶"),
        "{text}"
    );
    assert!(!text.contains("银行存款"), "{text}");
    let r = town.run(&["balance", "999"]).fails(1);
    assert!(r.stderr.contains("no account '999'"), "{}", r.stderr);
}

#[test]
fn csv_and_json_keep_their_columns_for_scripts() {
    let town = town();
    let csv = town.run(&["balance", "--format", "csv"]).ok().stdout;
    assert!(csv.starts_with("account,balance\n"), "{csv}");
    assert!(csv.lines().all(|l| l.split(',').count() == 2), "{csv}");
    let mut rows = common::parse_balance_csv(&csv);
    rows.sort();
    let mut expected: Vec<(String, String)> = [
        ("收入:其他收入", "-10.00"),
        ("收入:补助收入", "-999.00"),
        ("支出:公益支出:临时救助", "4200.25"),
        ("负债:专项应付款:动态帮扶", "-115000.50"),
        ("资产:银行存款:基本户", "111809.25"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    expected.sort();
    assert_eq!(rows, expected);
    let json = town.run(&["balance", "--format", "json"]).ok().stdout;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = find_rows(&v).expect("a list of rows");
    for row in rows {
        let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["account", "balance"], "{json}");
    }
    // --style cn asks scripts' formats for the full sheet.
    let full = town
        .run(&["balance", "--style", "cn", "--format", "json"])
        .ok()
        .stdout;
    assert!(
        full.contains("\"opening_side\"") && full.contains("\"closing\""),
        "{full}"
    );
}

/// The first array of objects in a JSON document.
fn find_rows(v: &serde_json::Value) -> Option<&Vec<serde_json::Value>> {
    match v {
        serde_json::Value::Array(a) if a.iter().all(|x| x.is_object()) && !a.is_empty() => {
            if a[0].get("account").is_some() {
                Some(a)
            } else {
                a.iter().find_map(find_rows)
            }
        }
        serde_json::Value::Array(a) => a.iter().find_map(find_rows),
        serde_json::Value::Object(o) => o.values().find_map(find_rows),
        _ => None,
    }
}

#[test]
fn text_is_the_sheet_and_plain_is_the_trial_balance() {
    let town = town();
    let text = town.run(&[&["balance"][..], &PERIOD].concat()).ok().stdout;
    for word in [
        "科目余额表",
        "编制单位",
        "程村镇",
        "期间",
        "2024-03-05 至 2024-03-31",
        "打印日期",
        "科目编码",
        "科目名称",
        "期初余额",
        "本期借方发生额",
        "本期贷方发生额",
        "期末余额",
        "110,810.25",
        "26,200.75",
        "制表",
        "审核",
        "负责人",
    ] {
        assert!(text.contains(word), "{word} missing:\n{text}");
    }
    let bank = text.lines().find(|l| l.contains("基本户")).unwrap();
    assert!(
        bank.contains("借") && bank.contains("97,010.00") && bank.contains("6,200.25"),
        "{bank}"
    );
    let total = text.lines().find(|l| l.contains("合计")).unwrap();
    assert_eq!(total.matches("26,200.75").count(), 2, "{total}");
    assert_eq!(total.matches('平').count(), 2, "{total}");
    // --entity names another 编制单位.
    let other = town
        .run(&["balance", "--entity", "红光村股份经济合作社"])
        .ok()
        .stdout;
    assert!(other.contains("红光村股份经济合作社"), "{other}");
    // Today's trial balance is still there.
    let plain = town.run(&["balance", "--style", "plain"]).ok().stdout;
    assert!(
        plain.contains("试算平衡表") && !plain.contains("期初余额"),
        "{plain}"
    );
}

#[test]
fn the_pdf_reads_back_with_headings_and_signature_lines() {
    let town = town();
    let mut args = vec!["balance", "-o", "sheet.pdf"];
    args.extend_from_slice(&PERIOD);
    town.run(&args).ok();
    let pdf = std::fs::read(town.path("sheet.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    if !common::have_tool("pdftotext") {
        return;
    }
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "sheet.pdf", "-"])
        .current_dir(town.dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for word in [
        "科目余额表",
        "编制单位",
        "程村镇",
        "2024-03-05 至 2024-03-31",
        "打印日期",
        "科目编码",
        "科目名称",
        "期初余额",
        "本期发生额",
        "期末余额",
        "方向",
        "借方",
        "贷方",
        "银行存款",
        "110,810.25",
        "115,000.50",
        "26,200.75",
        "合计",
        "制表",
        "审核",
        "负责人",
    ] {
        assert!(text.contains(word), "{word} missing:\n{text}");
    }
    // --style plain prints today's trial balance.
    town.run(&["balance", "--style", "plain", "-o", "plain.pdf"])
        .ok();
    let out = std::process::Command::new("pdftotext")
        .args(["plain.pdf", "-"])
        .current_dir(town.dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("试算平衡表") && !text.contains("制表"),
        "{text}"
    );
}

#[test]
fn the_workbook_holds_the_sheet() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let town = town();
    let mut args = vec!["balance", "--out", "sheet.xlsx"];
    args.extend_from_slice(&PERIOD);
    town.run(&args).ok();
    let mut book: Xlsx<_> = open_workbook(town.path("sheet.xlsx")).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    let cells: Vec<&Data> = range.cells().map(|(_, _, c)| c).collect();
    let has_text = |t: &str| {
        cells
            .iter()
            .any(|c| matches!(c, Data::String(s) if s.contains(t)))
    };
    for word in [
        "科目余额表",
        "编制单位",
        "程村镇",
        "期初余额",
        "本期借方发生额",
        "制表",
    ] {
        assert!(has_text(word), "{word} missing: {cells:?}");
    }
    // Money as numbers a clerk can sum.
    assert!(
        cells
            .iter()
            .any(|c| matches!(c, Data::Float(f) if (*f - 110_810.25).abs() < 1e-9)),
        "{cells:?}"
    );
}

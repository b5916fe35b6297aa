//! Printed statements: the demo town's household statements read back with `pdftotext`, a
//! multi-page statement, a rare character, a character the font lacks, English, batches, and
//! an XLSX report read back.

mod common;

use std::path::Path;
use std::process::Command;

use common::Town;

/// The demo town built into a temporary directory (its ledger is `demo/townledger.db`).
fn demo_town() -> Town {
    let town = Town::empty();
    town.run(&["demo", "--out", "demo"]).ok();
    town
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

const LEDGER: &str = "demo/townledger.db";

#[test]
fn household_statement_reads_back_with_names_amounts_totals_and_pages() {
    let town = demo_town();
    let r = town
        .run(&[
            "--ledger",
            LEDGER,
            "statement",
            "household",
            "H0001",
            "--from",
            "2024-01-01",
            "--to",
            "2025-12-31",
            "--out",
            "H0001.pdf",
        ])
        .ok();
    assert!(
        r.stdout.contains("allocated 46,800.00, paid 46,800.00"),
        "{}",
        r.stdout
    );
    let pdf = town.path("H0001.pdf");
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(size < 80_000, "a statement is small: {size} bytes");
    let Some(text) = pdftotext(&pdf) else { return };
    for expected in [
        "农户收益分配明细单",
        "阳西县程村镇（示例）",
        "胡荔村",
        "H0001",
        "叶建国",
        "突发严重困难户",
        "**************4031",
        "8,000.00",
        "30,500.00",
        "46,800.00",
        "人民币肆万陆仟捌佰元整",
        "动态帮扶",
        "经办人",
        "审核人",
    ] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
    // Page numbers (pdftotext drops the thin spaces around the numbers).
    let squeezed = text.replace(' ', "");
    assert!(
        squeezed.contains("第1页共2页") && squeezed.contains("第2页共2页"),
        "{text}"
    );
    // The printed chain hash is the ledger's: an inspector can check it with verify.
    let verify = town.run(&["--ledger", LEDGER, "verify"]).ok().stdout;
    let head = verify
        .lines()
        .find_map(|l| l.strip_prefix("chain head "))
        .unwrap();
    assert!(
        text.replace(['\n', ' '], "").contains(head),
        "hash {head} not printed"
    );
    // The ID number is never printed in full.
    assert!(!text.contains("4417211"), "{text}");
}

#[test]
fn statement_rows_add_up() {
    let town = demo_town();
    town.run(&[
        "--ledger",
        LEDGER,
        "statement",
        "household",
        "H0015",
        "--year",
        "2024",
        "--out",
        "H0015.csv",
    ])
    .ok();
    let csv = std::fs::read_to_string(town.path("H0015.csv")).unwrap();
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let mut allocated = 0i64;
    let mut paid = 0i64;
    let mut last_running = 0i64;
    for rec in r.records() {
        let rec = rec.unwrap();
        // The line under a grant paid after review names its gates: it has no amounts.
        if rec[2] == *"审核" {
            assert!(rec[4].is_empty() && rec[5].is_empty() && rec[6].is_empty());
            continue;
        }
        let fen = |s: &str| townledger::Amount::parse(s).unwrap().fen();
        allocated += fen(&rec[4]);
        paid += fen(&rec[5]);
        last_running = fen(&rec[6]);
        assert_eq!(last_running, allocated - paid, "running total");
    }
    assert!(
        allocated > 0,
        "H0015 was granted 3,000.00 from the reserve fund"
    );
    assert_eq!(last_running, 0);
    // The grant names the fund it was drawn on and the expense, and the three gates it passed,
    // each by someone else.
    assert!(csv.contains("防止返贫储备金 · 临时救助"), "{csv}");
    assert!(
        csv.contains(",,审核,村级核实 村委 2024-08-06 √ · 部门数据比对 民政比对 2024-08-07 √ · 行业稽核 镇农办 2024-08-08 √,,,"),
        "{csv}"
    );
}

#[test]
fn rare_characters_render_and_missing_ones_are_reported() {
    let town = demo_town();
    town.run(&[
        "--ledger",
        LEDGER,
        "statement",
        "household",
        "H0014",
        "--year",
        "2024",
        "--out",
        "H0014.pdf",
    ])
    .ok();
    if let Some(text) = pdftotext(&town.path("H0014.pdf")) {
        assert!(text.contains("刘䶮"), "䶮 must survive: {text}");
    }
    // A head whose name has a character outside the font: a clear error naming the household
    // and the field, and no file.
    let register = std::fs::read_to_string(common::demo_dir().join("households.csv")).unwrap();
    let changed = register.replacen("刘䶮", "刘\u{E000}", 1);
    town.write("h.csv", changed);
    town.run(&[
        "--ledger",
        LEDGER,
        "households",
        "import",
        "h.csv",
        "--effective",
        "2024-01-01",
    ])
    .ok();
    let r = town
        .run(&[
            "--ledger",
            LEDGER,
            "statement",
            "household",
            "H0014",
            "--year",
            "2024",
            "--out",
            "bad.pdf",
        ])
        .fails(1);
    assert!(r.stderr.contains("H0014"), "{}", r.stderr);
    assert!(r.stderr.contains("户主姓名"), "{}", r.stderr);
    assert!(r.stderr.contains("U+E000"), "{}", r.stderr);
    assert!(!town.path("bad.pdf").exists());
}

#[test]
fn english_statement() {
    let town = demo_town();
    town.run(&[
        "--ledger",
        LEDGER,
        "statement",
        "household",
        "H0001",
        "--year",
        "2024",
        "--lang",
        "en",
        "--out",
        "H0001-en.pdf",
    ])
    .ok();
    let Some(text) = pdftotext(&town.path("H0001-en.pdf")) else {
        return;
    };
    for expected in [
        "Household benefit statement",
        "Head of household",
        "Prepared by",
    ] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
    assert!(text.contains("Page 1 of 2"), "{text}");
}

#[test]
fn village_and_town_batches_print_every_household() {
    let town = demo_town();
    let r = town
        .run(&[
            "--ledger",
            LEDGER,
            "statement",
            "village",
            "胡荔村",
            "--year",
            "2024",
            "--out",
            "out",
        ])
        .ok();
    assert!(r.stdout.contains("wrote 13 statement(s)"), "{}", r.stdout);
    assert!(
        r.stdout.contains("had nothing in the period"),
        "{}",
        r.stdout
    );
    let files = std::fs::read_dir(town.path("out/胡荔村")).unwrap().count();
    assert_eq!(files, 13);
    assert!(town.path("out/胡荔村/H0001-2024.pdf").exists());
    let r = town
        .run(&[
            "--ledger",
            LEDGER,
            "statement",
            "town",
            "--year",
            "2024",
            "--out",
            "all",
        ])
        .ok();
    assert!(r.stdout.contains("wrote 60 statement(s)"), "{}", r.stdout);
    let r = town
        .run(&[
            "--ledger",
            LEDGER,
            "statement",
            "village",
            "没有村",
            "--year",
            "2024",
            "--out",
            "x",
        ])
        .fails(1);
    assert!(
        r.stderr.contains("no households in village 没有村"),
        "{}",
        r.stderr
    );
}

#[test]
fn xlsx_report_reads_back() {
    use calamine::{Reader, Xlsx};
    let town = demo_town();
    town.run(&[
        "--ledger",
        LEDGER,
        "balance",
        "--format",
        "xlsx",
        "--out",
        "balance.xlsx",
    ])
    .ok();
    let mut book: Xlsx<_> = calamine::open_workbook(town.path("balance.xlsx")).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    let cells: Vec<String> = range.rows().flatten().map(|c| c.to_string()).collect();
    assert!(cells.iter().any(|c| c == "科目余额表"), "{cells:?}");
    assert!(cells.iter().any(|c| c.contains("储备金专户")), "{cells:?}");
}

/// Wages owed on a liability account tagged with the household are owed until paid; a fund
/// paying the household straight away is granted and paid at once; what is still owed at the
/// start of a period is brought forward.
#[test]
fn owed_wages_stay_payable_and_are_brought_forward() {
    let town = Town::new();
    town.write(
        "households.csv",
        "id,village,name,id_number,members,per_capita_income,category,risk_level,risk_causes,labour,bank_card\n\
         H1,胡荔村,冯培强,441721195702133496,4,8960.00,边缘易致贫户,蓝,因残,full,6217995724396495513\n",
    );
    town.run(&[
        "households",
        "import",
        "households.csv",
        "--effective",
        "2024-01-01",
    ])
    .ok();
    town.write(
        "v.csv",
        "txn_id,date,account,amount,memo,household\n\
         F,2024-01-01,资产:银行存款:基本户,10000,期初,\n\
         F,2024-01-01,负债:专项应付款:6·30资金,-10000,期初,\n\
         W1,2024-01-31,支出:公益支出:公益岗位工资,1500,计提1月工资,H1\n\
         W1,2024-01-31,负债:应付工资,-1500,计提1月工资,H1\n\
         P1,2024-02-12,负债:应付工资,1500,发放1月工资,H1\n\
         P1,2024-02-12,资产:银行存款:基本户,-1500,发放1月工资,H1\n\
         S1,2024-03-15,支出:公益支出:助学金,300,助学金,H1\n\
         S1,2024-03-15,资产:银行存款:基本户,-300,助学金,H1\n\
         G1,2024-06-30,负债:专项应付款:6·30资金,500,6·30救助,H1\n\
         G1,2024-06-30,资产:银行存款:基本户,-500,6·30救助,H1\n\
         W11,2024-11-30,支出:公益支出:公益岗位工资,1500,计提11月工资,H1\n\
         W11,2024-11-30,负债:应付工资,-1500,计提11月工资,H1\n",
    );
    town.run(&["import", "postings", "v.csv", "--create-accounts"])
        .ok();
    let totals = |args: &[&str]| {
        let mut all = vec!["statement", "household", "H1"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--out", "s.json"]);
        town.run(&all).ok();
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(town.path("s.json")).unwrap()).unwrap();
        let text = json.to_string();
        (json, text)
    };
    let (_, text) = totals(&["--year", "2024"]);
    // 1,500 + 1,500 wages owed, 300 stipend and 500 from the fund granted; 1,500 + 300 + 500 paid.
    assert!(text.contains("3800.00"), "{text}");
    assert!(text.contains("2300.00"), "{text}");
    let csv_of = |args: &[&str]| {
        let mut all = vec!["statement", "household", "H1"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--out", "s.csv"]);
        town.run(&all).ok();
        std::fs::read_to_string(town.path("s.csv")).unwrap()
    };
    let csv = csv_of(&["--year", "2024"]);
    // The clerk's own voucher number stands beside the ledger's.
    assert!(csv.contains("2024-03-0001（S1）"), "{csv}");
    let last = csv.lines().last().unwrap();
    assert!(
        last.ends_with(",1500.00"),
        "November's wage is still payable: {csv}"
    );
    // 2025: nothing happens, the November wage is brought forward and still payable.
    let csv = csv_of(&["--year", "2025"]);
    assert!(csv.contains("上期结转"), "{csv}");
    assert!(csv.lines().last().unwrap().ends_with(",1500.00"), "{csv}");
}

#[test]
fn a_statement_file_needs_a_known_extension() {
    let town = demo_town();
    for out in ["H0001.docx", "H0001"] {
        let r = town
            .run(&[
                "--ledger",
                LEDGER,
                "statement",
                "household",
                "H0001",
                "--year",
                "2024",
                "--out",
                out,
            ])
            .fails(1);
        assert!(
            r.stderr.contains("known: .txt, .csv, .json, .xlsx, .pdf"),
            "{}",
            r.stderr
        );
        assert!(!town.path(out).exists());
    }
}

/// One word of a PDF as `pdftotext -bbox` reads it.
struct Word {
    /// From 1.
    page: usize,
    /// Left edge, in points from the page's left.
    x: f32,
    /// Top edge, in points from the page's top.
    y: f32,
    text: String,
}

fn words(path: &Path) -> Option<Vec<Word>> {
    if !common::have_tool("pdftotext") {
        return None;
    }
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(out.status.success());
    let xml = String::from_utf8(out.stdout).unwrap();
    let mut page = 0;
    let mut words = Vec::new();
    for line in xml.lines().map(str::trim) {
        if line.starts_with("<page") {
            page += 1;
            continue;
        }
        let Some(rest) = line.strip_prefix("<word ") else {
            continue;
        };
        let attr = |name: &str| -> f32 {
            let start = rest.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            let end = start + rest[start..].find('"').unwrap();
            rest[start..end].parse().unwrap()
        };
        let text = &rest[rest.find('>').unwrap() + 1..rest.rfind("</word>").unwrap()];
        words.push(Word {
            page,
            x: attr("xMin"),
            y: attr("yMin"),
            text: text
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&"),
        });
    }
    Some(words)
}

/// The text of one table column read top to bottom over every page: the words under the
/// header `title` (left-aligned text) and left of the column headed `next`, between each page's
/// header row and the totals row or the page footer.
fn column_text(words: &[Word], title: &str, next: &str) -> String {
    let head = words.iter().find(|w| w.text == title).unwrap();
    let right = words
        .iter()
        .find(|w| w.page == head.page && w.text == next)
        .unwrap()
        .x;
    let last_page = words.iter().map(|w| w.page).max().unwrap_or(0);
    let mut out = String::new();
    for page in 1..=last_page {
        let on: Vec<&Word> = words.iter().filter(|w| w.page == page).collect();
        let Some(top) = on.iter().find(|w| w.text == title).map(|w| w.y) else {
            continue;
        };
        let bottom = on
            .iter()
            .filter(|w| w.y > top && ["合计", "Total", "townledger"].contains(&w.text.as_str()))
            .map(|w| w.y)
            .fold(f32::INFINITY, f32::min);
        let mut cell: Vec<&&Word> = on
            .iter()
            .filter(|w| w.y > top + 1.0 && w.y < bottom - 1.0)
            .filter(|w| w.x > head.x - 0.5 && w.x < right - 10.0)
            .collect();
        cell.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
        cell.iter().for_each(|w| out.push_str(&w.text));
    }
    out
}

/// The pages of a `pdftotext` text, without blank ones.
fn pages(text: &str) -> Vec<&str> {
    text.split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect()
}

#[test]
fn long_memos_and_sources_print_whole_and_continuation_pages_name_the_household() {
    let town = demo_town();
    town.run(&[
        "--ledger",
        LEDGER,
        "statement",
        "household",
        "H0001",
        "--from",
        "2024-01-01",
        "--to",
        "2025-12-31",
        "--out",
        "H0001.pdf",
    ])
    .ok();
    let Some(text) = pdftotext(&town.path("H0001.pdf")) else {
        return;
    };
    assert!(!text.contains('…'), "nothing is cut:\n{text}");
    let Some(words) = words(&town.path("H0001.pdf")) else {
        return;
    };
    let memos = column_text(&words, "摘要", "分配/补助");
    let memo = "动态帮扶资金临时救助：胡荔村叶建国肺癌晚期住院、配偶需手术，家庭无劳动能力，村民代表会议提议、镇审核、公示5个工作日无异议";
    assert!(memos.contains(memo), "{memo:?} not whole in {memos}");
    let sources = column_text(&words, "资金及来源", "摘要");
    let source = "动态帮扶第1批（村委会、镇农办审批）";
    assert!(
        sources.contains(source),
        "{source:?} not whole in {sources}"
    );
    let pages = pages(&text);
    assert_eq!(pages.len(), 2, "{text}");
    assert!(!pages[0].contains("（续）"), "{}", pages[0]);
    let head = pages[1].lines().find(|l| !l.trim().is_empty()).unwrap();
    // The household's own statement names its head in full on every page.
    assert_eq!(head.trim(), "H0001 叶建国（续）", "{}", pages[1]);
    assert!(pages[1].contains("摘要") && pages[1].contains("累计应付"));
}

#[test]
fn english_statement_fields_and_closing_lines_stay_whole() {
    let town = demo_town();
    town.run(&[
        "--ledger",
        LEDGER,
        "statement",
        "household",
        "H0001",
        "--year",
        "2024",
        "--lang",
        "en",
        "--out",
        "H0001-en.pdf",
    ])
    .ok();
    let Some(text) = pdftotext(&town.path("H0001-en.pdf")) else {
        return;
    };
    // Short values on one line, each apart from its label.
    for (label, value) in [
        ("ID number:", "**************4031"),
        ("Period:", "2024-01-01 — 2024-12-31"),
        ("Head of household:", "叶建国"),
        ("Card account:", "***************9437"),
    ] {
        let line = text
            .lines()
            .find(|l| l.contains(label))
            .unwrap_or_else(|| panic!("{label} missing:\n{text}"));
        let after = line.split(label).nth(1).unwrap();
        assert!(
            after.starts_with(' ') && after.trim_start().starts_with(value),
            "{label} {value} in {line:?}\n{text}"
        );
    }
    // The hash note is not split from its hash nor from the signatures.
    let pages = pages(&text);
    let signed = pages.iter().find(|p| p.contains("Prepared by")).unwrap();
    assert!(
        signed.contains("Audit-chain hash of the ledger when printed"),
        "{text}"
    );
    let verify = town.run(&["--ledger", LEDGER, "verify"]).ok().stdout;
    let hash = verify
        .lines()
        .find_map(|l| l.strip_prefix("chain head "))
        .unwrap();
    assert!(signed.contains(hash), "{text}");
    assert!(pages[1].contains("H0001 叶建国 (continued)"), "{text}");
    assert!(!text.contains("叶*国"), "{text}");
}

/// The demo town's reserve-fund grant to H0015 went through the three gates, each passed by
/// someone else, and was paid by the cashier: the demo says so, lists it with the grant it
/// rejected, and the household's printed statement names the gates and who passed them.
#[test]
fn the_demo_grant_shows_its_three_gates_on_the_household_statement() {
    let town = Town::empty();
    let out = town.run(&["demo", "--out", "demo"]).ok().stdout;
    assert!(
        out.contains("reserve-fund grant G1: H0015 applied for 3,000.00 (因灾, loss 20,000.00) on 2024-08-05 by 村文书"),
        "{out}"
    );
    assert!(
        out.contains("village 村委 2024-08-06 √ · data 民政比对 2024-08-07 √ · sector 镇农办 2024-08-08 √; paid on 2024-08-13 by 出纳"),
        "{out}"
    );
    assert!(
        out.contains("grant G2: H0017 applied for 2,000.00 (因病, loss 15,000.00) on 2024-09-02; rejected at gate data (部门数据比对) by 民政比对 on 2024-09-06"),
        "{out}"
    );
    let list = std::fs::read_to_string(town.path("demo/grants-2024.txt")).unwrap();
    for expected in [
        "G1",
        "H0015",
        "已发放",
        "G2",
        "H0017",
        "已驳回",
        "民政比对 驳回",
    ] {
        assert!(list.contains(expected), "{expected:?} missing:\n{list}");
    }
    let Some(text) = pdftotext(&town.path("demo/statements/西一村/H0015-2024.pdf")) else {
        return;
    };
    for expected in [
        "陈亚生",
        "3,000.00",
        "防止返贫储备金",
        "临时救助 G1",
        "审核",
        "村级核实 村委 2024-08-06 √",
        "民政比对 2024-08-07 √",
        "行业稽核 镇农办 2024-08-08 √",
    ] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
}

#[test]
fn public_notice_totals_every_money_column() {
    let town = demo_town();
    let Some(text) = pdftotext(&town.path("demo/公示-2024.pdf")) else {
        return;
    };
    let totals = text
        .lines()
        .find(|l| l.trim_start().starts_with("合计") && l.contains('.'))
        .unwrap_or_else(|| panic!("no totals row:\n{text}"));
    let amounts: Vec<i64> = totals
        .split_whitespace()
        .filter_map(|w| townledger::Amount::parse(w).ok())
        .map(|a| a.fen())
        .collect();
    assert_eq!(amounts.len(), 3, "share, fixed and total: {totals:?}");
    assert_eq!(amounts[0] + amounts[1], amounts[2], "{totals:?}");
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(squeezed.contains("合计人民币伍拾贰万元整"), "{text}");
    assert!(
        text.contains("合计人民币"),
        "no space before the amount:\n{text}"
    );
}

/// The demo's notice names H0007, which its policy excludes, with the reason, in every format;
/// and its payment waits for New Year's Day: published 2024-12-30, paid from 2025-01-07.
#[test]
fn the_demo_notice_lists_the_excluded_households_and_pays_after_new_years_day() {
    let town = demo_town();
    let text = std::fs::read_to_string(town.path("demo/公示-2024.txt")).unwrap();
    let csv = std::fs::read_to_string(town.path("demo/公示-2024.csv")).unwrap();
    for (format, notice) in [("text", &text), ("csv", &csv)] {
        let line = notice
            .lines()
            .find(|l| l.contains("H0007"))
            .unwrap_or_else(|| panic!("H0007 missing from the {format} notice:\n{notice}"));
        assert!(line.contains("风险已消除"), "{format}: {line}");
    }
    assert!(
        csv.contains(",2024-12-30,2025-01-07,2025-01-06,动态帮扶资金\n"),
        "{csv}"
    );
    assert!(
        text.contains("监督电话：0662-5550123（程村镇农办）"),
        "{text}"
    );
    let conn = rusqlite::Connection::open(town.path(LEDGER)).unwrap();
    let paid: String = conn
        .query_row(
            "SELECT MIN(date) FROM allocation_payments WHERE run = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(paid, "2025-01-07");
    let Some(pdf) = pdftotext(&town.path("demo/公示-2024.pdf")) else {
        return;
    };
    let squeezed: String = pdf.chars().filter(|c| !c.is_whitespace()).collect();
    for expected in [
        "H0007",
        "风险已消除",
        "公示期：2024-12-30至2025-01-06",
        "最早发放日期：2025-01-07",
        "村委会（盖章）",
    ] {
        assert!(squeezed.contains(expected), "{expected} missing:\n{pdf}");
    }
}

/// No statement of the demo has a page holding only its closing lines: the page with the
/// signatures also holds the totals and at least one dated row; and every page names the
/// head of household as the first page does, in full.
#[test]
fn closing_lines_never_stand_alone_and_the_head_is_named_alike_on_every_page() {
    let town = demo_town();
    if !common::have_tool("pdftotext") {
        return;
    }
    let households = town
        .run(&[
            "--ledger",
            LEDGER,
            "households",
            "list",
            "--unmasked",
            "--format",
            "csv",
        ])
        .ok()
        .stdout;
    let mut names = std::collections::HashMap::new();
    let mut r = csv::Reader::from_reader(households.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let col = |k: &str| header.iter().position(|h| h == k).unwrap();
    let (id_col, name_col, village_col) = (col("id"), col("name"), col("village"));
    for rec in r.records() {
        let rec = rec.unwrap();
        names.insert(
            rec[id_col].to_string(),
            (rec[name_col].to_string(), rec[village_col].to_string()),
        );
    }
    let mut multi_page = 0;
    for (id, (name, village)) in &names {
        let path = town.path(&format!("demo/statements/{village}/{id}-2024.pdf"));
        let text = pdftotext(&path).unwrap();
        let pages = pages(&text);
        let signed = pages
            .iter()
            .position(|p| p.contains("经办人"))
            .unwrap_or_else(|| panic!("{id}: no signatures:\n{text}"));
        let page = pages[signed];
        assert!(
            page.contains("合计"),
            "{id}: the totals are not with the signatures:\n{text}"
        );
        if signed > 0 {
            multi_page += 1;
            assert!(
                page.lines().any(|l| l.trim_start().starts_with("2024-")),
                "{id}: page {} holds only the closing lines:\n{text}",
                signed + 1
            );
        }
        for (i, p) in pages.iter().enumerate().skip(1) {
            let head = p.lines().find(|l| !l.trim().is_empty()).unwrap();
            assert_eq!(
                head.trim(),
                format!("{id} {name}（续）"),
                "{id}, page {}",
                i + 1
            );
        }
    }
    assert!(multi_page > 0, "some statement runs over a page");
}

/// Every file under `dir`, as paths relative to it.
fn files_under(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    found.sort();
    found
}

/// A register whose village is an absolute path and whose id climbs out of the folder (put
/// into the ledger behind the import's back): the batch writes nothing outside `--out`, names
/// the two households and why, and still prints the others.
#[test]
fn a_batch_writes_only_inside_its_folder_whatever_the_register_says() {
    let town = Town::new();
    town.write(
        "h.csv",
        "id,village,name,id_number,members,per_capita_income,category,risk_level,risk_causes,labour,bank_card\n\
         H1,胡荔村,叶建国,441721198001011238,2,5000,脱贫不稳定户,红,因病,none,6217000000000001234\n\
         H2,胡荔村,陈亚生,441721197512120028,3,7000,边缘易致贫户,黄,因灾,full,6217000000000005678\n\
         H3,西一村,刘䶮,441721199003150041,1,4000,边缘易致贫户,蓝,,weak,6217000000000009012\n\
         H4,西一村,王平安,441721198001011246,4,20000,,,,full,6217000000000003456\n",
    );
    town.run(&["households", "import", "h.csv", "--effective", "2024-01-01"])
        .ok();
    let outside = town.path("outside");
    town.sql(&format!(
        "UPDATE households SET village = '{}' WHERE id = 'H1';
         UPDATE households SET id = '../../escaped' WHERE id = 'H2';
         UPDATE households SET id = 'H:4' WHERE id = 'H4';",
        outside.display()
    ));
    let r = town
        .run(&["statement", "town", "--year", "2024", "--out", "st/out"])
        .fails(1);
    assert!(
        r.stdout.contains("wrote 2 statement(s) to st/out"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!(
            "2 household(s) failed:\n  ../../escaped: its id \"../../escaped\" cannot be a file name: it starts with a dot; no statement written\n  H1: its village \"{}\" cannot be a folder name: it contains the path separator `/`; no statement written\n",
            outside.display()
        )),
        "{}",
        r.stdout
    );
    // Only the two good households' files, each in its village's folder; the id with a colon
    // is written with a full-width one.
    assert_eq!(
        files_under(&town.path("st/out")),
        ["西一村/H3-2024.pdf", "西一村/H：4-2024.pdf"]
    );
    // Nothing anywhere else: the temporary folder holds the ledger, the register and `st/out`.
    assert!(!outside.exists());
    let mut everything = files_under(town.dir.path());
    everything.retain(|f| !f.starts_with("townledger.db"));
    assert_eq!(
        everything,
        [
            "h.csv",
            "st/out/西一村/H3-2024.pdf",
            "st/out/西一村/H：4-2024.pdf"
        ]
    );
}

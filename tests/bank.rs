//! Bank reconciliation end to end: the bank's statement imported (GBK, UTF-8, a workbook),
//! matched with the books, the 银行存款余额调节表 checked by hand, locks and the close.

// Amounts in fen written as yuan_fen: `-3000_00` is −3,000.00.
#![allow(clippy::inconsistent_digit_grouping)]

mod common;

use common::Town;

const ACCOUNT: &str = "资产:银行存款:储备金专户";

/// The books of a small reserve fund: money in before the first statement, then September.
const VOUCHERS: &str = "\
txn_id,date,account,amount,memo,household,ref
T1,2024-08-20,资产:银行存款:储备金专户,100000.00,县财政划入储备金,,
T1,2024-08-20,净资产:资本,-100000.00,县财政划入储备金,,
T2,2024-09-03,资产:银行存款:储备金专户,-3000.00,临时救助 陈亚生,,BX001
T2,2024-09-03,支出:公益支出,3000.00,临时救助 陈亚生,,
T3,2024-09-10,资产:银行存款:储备金专户,-1200.00,公益岗位工资 梁带娣,,
T3,2024-09-10,支出:公益支出,1200.00,公益岗位工资 梁带娣,,
T4,2024-09-21,资产:银行存款:储备金专户,302.38,第3季度结息,,
T4,2024-09-21,收入:其他收入,-302.38,第3季度结息,,
T5,2024-09-28,资产:银行存款:储备金专户,-800.00,开出转账支票 No.1234 付某农资公司,,
T5,2024-09-28,支出:公益支出,800.00,开出转账支票 No.1234 付某农资公司,,
T6,2024-09-29,资产:银行存款:储备金专户,5000.00,收爱心捐款（支票）,,
T6,2024-09-29,收入:其他收入,-5000.00,收爱心捐款（支票）,,
";

/// One line of a statement: date, text, out, in, balance, counterparty, serial.
type Line<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
);

/// A statement as an agricultural bank exports it: title rows, the header, the lines, a total
/// row and a trailer.
fn statement(opening: &str, lines: &[Line<'_>]) -> String {
    let mut s = String::from(
        "中国农业银行账户交易明细\n账号：4467 0101 0400 1888 6\n户名：程村镇防止返贫储备金专户\n",
    );
    s.push_str(&format!("期初余额：{opening}\n"));
    s.push_str("交易日期,摘要,借方发生额,贷方发生额,余额,对方账号,对方户名,交易流水号\n");
    for (date, text, out, into, balance, counterparty, serial) in lines {
        s.push_str(&format!(
            "{date},{text},\"{out}\",\"{into}\",\"{balance}\",,{counterparty},{serial}\n"
        ));
    }
    s.push_str(&format!("合计,共{}笔,,,,,,\n", lines.len()));
    s.push_str("打印时间：2024-10-08 10:00:00\n");
    s
}

const SEPTEMBER: &[Line<'static>] = &[
    (
        "20240903",
        "转账 救助款",
        "3,000.00",
        "",
        "97,000.00",
        "陈亚生",
        "BX001",
    ),
    (
        "20240910",
        "代发工资",
        "1,200.00",
        "",
        "95,800.00",
        "梁带娣",
        "",
    ),
    ("20240921", "结息", "", "302.38", "96,102.38", "", ""),
    ("20240925", "手续费", "15.00", "", "96,087.38", "", ""),
    ("20240930", "利息 活期", "", "12.50", "96,099.88", "", ""),
];

fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(text).0.into_owned()
}

fn town() -> Town {
    let town = Town::new();
    let vouchers = town.write("vouchers.csv", VOUCHERS);
    town.run(&[
        "import",
        "postings",
        vouchers.to_str().unwrap(),
        "--create-accounts",
    ])
    .ok();
    town
}

fn import_september(town: &Town) {
    let file = town.write("sep.csv", gbk(&statement("100,000.00", SEPTEMBER)));
    let r = town
        .run(&["bank", "import", ACCOUNT, file.to_str().unwrap()])
        .ok();
    assert!(
        r.stdout.contains("Imported statement 2024-09")
            && r.stdout.contains("5 lines added, 0 already held")
            && r.stdout.contains("opening 100,000.00, closing 96,099.88"),
        "{}",
        r.stdout
    );
}

/// The 调节表 as (item, amount) pairs from its CSV.
fn report_json(town: &Town, statement: &str) -> serde_json::Value {
    let r = town
        .run(&[
            "reconcile",
            "report",
            ACCOUNT,
            "--statement",
            statement,
            "--format",
            "json",
        ])
        .ok();
    serde_json::from_str(&r.stdout).expect("json")
}

fn summary(doc: &serde_json::Value) -> Vec<(String, String, String, String)> {
    let rows = doc["tables"][0]["rows"].as_array().expect("rows");
    let totals = doc["tables"][0]["totals"].as_array().expect("totals");
    rows.iter()
        .chain(totals)
        .map(|r| {
            let c = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            (
                c("book_item"),
                c("book_amount"),
                c("bank_item"),
                c("bank_amount"),
            )
        })
        .collect()
}

#[test]
fn a_month_reconciled_by_hand_figures() {
    let town = town();
    import_september(&town);
    assert_eq!(town.count("SELECT COUNT(*) FROM bank_lines"), 5);
    // Importing it again adds nothing.
    let file = town.write("sep-again.csv", gbk(&statement("100,000.00", SEPTEMBER)));
    let r = town
        .run(&["bank", "import", ACCOUNT, file.to_str().unwrap()])
        .ok();
    assert!(r.stdout.contains("was imported before"), "{}", r.stdout);
    assert_eq!(town.count("SELECT COUNT(*) FROM bank_lines"), 5);

    let r = town
        .run(&[
            "--lang",
            "en",
            "reconcile",
            ACCOUNT,
            "--statement",
            "2024-09",
        ])
        .ok();
    assert!(
        r.stdout
            .contains("serial 1; amount, date, counterparty 1; amount, date 1"),
        "{}",
        r.stdout
    );
    assert_eq!(town.count("SELECT COUNT(*) FROM bank_matches"), 3);
    let rules = town
        .text("SELECT group_concat(rule, ',') FROM (SELECT rule FROM bank_matches ORDER BY rule)");
    assert_eq!(rules, "amount,counterparty,serial");

    // By hand: book 100,000 − 3,000 − 1,200 + 302.38 − 800 + 5,000 = 100,302.38; + 12.50 − 15
    // = 100,299.88. Bank 96,099.88 + 5,000 − 800 = 100,299.88.
    let doc = report_json(&town, "2024-09");
    let s = summary(&doc);
    assert_eq!(s[0].1, "100302.38", "{s:?}");
    assert_eq!(s[0].3, "96099.88");
    assert_eq!((s[1].1.as_str(), s[1].3.as_str()), ("12.50", "5000.00"));
    assert_eq!((s[2].1.as_str(), s[2].3.as_str()), ("15.00", "800.00"));
    assert_eq!(
        (s[3].1.as_str(), s[3].3.as_str()),
        ("100299.88", "100299.88")
    );

    // The text report says they agree; the PDF has the title and the signature lines.
    let r = town
        .run(&[
            "--lang",
            "en",
            "reconcile",
            "report",
            ACCOUNT,
            "--statement",
            "2024-09",
        ])
        .ok();
    assert!(
        r.stdout.contains("The adjusted balances agree."),
        "{}",
        r.stdout
    );
    let pdf = town.path("调节表.pdf");
    town.run(&[
        "--lang",
        "en",
        "reconcile",
        "report",
        ACCOUNT,
        "--statement",
        "2024-09",
        "--out",
        pdf.to_str().unwrap(),
    ])
    .ok();
    if common::have_tool("pdftotext") {
        let out = std::process::Command::new("pdftotext")
            .args([pdf.to_str().unwrap(), "-"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        for want in ["Bank reconciliation statement", "100,299.88", "Prepared by"] {
            assert!(text.contains(want), "{want} not in {text}");
        }
    }
}

#[test]
fn a_broken_balance_is_reported_where_it_is_and_nothing_is_written() {
    let town = town();
    let mut lines = SEPTEMBER.to_vec();
    lines[2].4 = "96,201.38";
    let file = town.write("sep.csv", gbk(&statement("100,000.00", &lines)));
    let r = town
        .run(&["bank", "import", ACCOUNT, file.to_str().unwrap()])
        .fails(1);
    assert!(
        r.stderr.contains("sep.csv:8")
            && r.stderr.contains("96,102.38")
            && r.stderr.contains("96,201.38"),
        "{}",
        r.stderr
    );
    assert_eq!(town.count("SELECT COUNT(*) FROM bank_lines"), 0);
    assert_eq!(town.count("SELECT COUNT(*) FROM bank_statements"), 0);
}

#[test]
fn an_overlapping_statement_adds_only_new_lines_and_clears_items_in_transit() {
    let town = town();
    import_september(&town);
    town.run(&["reconcile", ACCOUNT, "--statement", "2024-09"])
        .ok();
    // The bank's export from 21 September to 10 October, in UTF-8 with a byte-order mark.
    let october: &[Line<'_>] = &[
        ("20240921", "结息", "", "302.38", "96,102.38", "", ""),
        ("20240925", "手续费", "15.00", "", "96,087.38", "", ""),
        ("20240930", "利息 活期", "", "12.50", "96,099.88", "", ""),
        ("20241002", "支票存入", "", "5,000.00", "101,099.88", "", ""),
        (
            "20241003",
            "支票 No.1234",
            "800.00",
            "",
            "100,299.88",
            "某农资公司",
            "",
        ),
    ];
    let mut text = String::from("\u{feff}");
    text.push_str(&statement("95,800.00", october));
    let file = town.write("oct.csv", text);
    let r = town
        .run(&[
            "bank",
            "import",
            ACCOUNT,
            file.to_str().unwrap(),
            "--name",
            "2024-10a",
        ])
        .ok();
    assert!(
        r.stdout.contains("2 lines added, 3 already held"),
        "{}",
        r.stdout
    );
    assert_eq!(town.count("SELECT COUNT(*) FROM bank_lines"), 7);
    town.run(&["reconcile", ACCOUNT, "--statement", "2024-10a"])
        .ok();
    assert_eq!(town.count("SELECT COUNT(*) FROM bank_matches"), 5);
    // At the end of September the cheque and the deposit were still in transit.
    let s = summary(&report_json(&town, "2024-09"));
    assert_eq!(
        (s[1].3.as_str(), s[2].3.as_str()),
        ("5000.00", "800.00"),
        "{s:?}"
    );
    assert_eq!(s[3].1, s[3].3);
}

#[test]
fn matches_by_hand_agree_to_the_fen_and_a_lock_holds() {
    let town = town();
    import_september(&town);
    town.run(&["reconcile", ACCOUNT, "--statement", "2024-09"])
        .ok();
    let fee = town.text("SELECT CAST(id AS TEXT) FROM bank_lines WHERE text = '手续费'");
    // The fee against the cheque: the amounts differ.
    let r = town
        .run(&[
            "reconcile",
            "match",
            ACCOUNT,
            "--bank-line",
            &fee,
            "--voucher",
            "T5",
        ])
        .fails(1);
    assert!(r.stderr.contains("must agree to the fen"), "{}", r.stderr);
    // A matched line cannot be matched again.
    let first = town.text("SELECT CAST(id AS TEXT) FROM bank_lines WHERE serial = 'BX001'");
    let r = town
        .run(&[
            "reconcile",
            "match",
            ACCOUNT,
            "--bank-line",
            &first,
            "--voucher",
            "T5",
        ])
        .fails(1);
    assert!(r.stderr.contains("is in match"), "{}", r.stderr);
    // Locked: no unmatch, no reversal of a matched voucher.
    town.run(&["reconcile", "lock", ACCOUNT, "--statement", "2024-09"])
        .ok();
    let r = town
        .run(&["reconcile", "unmatch", ACCOUNT, "--bank-line", &first])
        .fails(1);
    assert!(r.stderr.contains("locked"), "{}", r.stderr);
    let r = town
        .run(&["reverse", "T2", "--reason", "wrong", "--date", "2024-10-01"])
        .fails(1);
    assert!(r.stderr.contains("locked"), "{}", r.stderr);
    assert_eq!(
        town.count("SELECT COUNT(*) FROM transactions WHERE reverses IS NOT NULL"),
        0
    );
    // Unlocked with a reason, the match can be undone.
    town.run(&["reconcile", "unlock", ACCOUNT, "--statement", "2024-09"])
        .fails(2);
    town.run(&[
        "reconcile",
        "unlock",
        ACCOUNT,
        "--statement",
        "2024-09",
        "--reason",
        "凭证号记错",
    ])
    .ok();
    town.run(&["reconcile", "unmatch", ACCOUNT, "--bank-line", &first])
        .ok();
    assert_eq!(
        town.text("SELECT reason FROM bank_events WHERE action = 'unlock'"),
        "凭证号记错"
    );
    assert_eq!(town.count("SELECT COUNT(*) FROM bank_matches"), 2);
}

#[test]
fn the_books_close_only_over_locked_statements() {
    let town = town();
    import_september(&town);
    let r = town.run(&["period", "close", "2024-09"]).fails(1);
    assert!(
        r.stderr.contains("资产:银行存款:储备金专户 2024-09"),
        "{}",
        r.stderr
    );
    // August, before the first statement, closes.
    town.run(&["period", "close", "2024-08"]).ok();
    town.run(&["reconcile", ACCOUNT, "--statement", "2024-09"])
        .ok();
    town.run(&["reconcile", "lock", ACCOUNT, "--statement", "2024-09"])
        .ok();
    town.run(&["period", "close", "2024-09"]).ok();
    // October has no statement: only by force, with the reason kept.
    town.run(&["period", "close", "2024-10"]).fails(1);
    town.run(&[
        "period",
        "close",
        "2024-10",
        "--force",
        "--reason",
        "银行对账单未到",
    ])
    .ok();
    assert_eq!(
        town.text("SELECT reason FROM period_events WHERE month = '2024-10'"),
        "银行对账单未到"
    );
}

#[test]
fn a_workbook_statement_reads_like_its_csv() {
    let town = town();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write(0, 0, "账户明细查询").unwrap();
    let header = [
        "交易日期",
        "摘要",
        "支出金额",
        "收入金额",
        "账户余额",
        "对方户名",
        "交易流水号",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write(2, c as u16, *h).unwrap();
    }
    let rows: [(&str, &str, f64, f64, f64, &str, &str); 3] = [
        (
            "2024-09-03",
            "转账 救助款",
            3000.0,
            0.0,
            97000.0,
            "陈亚生",
            "BX001",
        ),
        ("2024-09-10", "代发工资", 1200.0, 0.0, 95800.0, "梁带娣", ""),
        ("2024-09-21", "结息", 0.0, 302.38, 96102.38, "", ""),
    ];
    for (i, (date, text, out, into, balance, cp, serial)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        sheet.write(r, 0, *date).unwrap();
        sheet.write(r, 1, *text).unwrap();
        if *out > 0.0 {
            sheet.write(r, 2, *out).unwrap();
        }
        if *into > 0.0 {
            sheet.write(r, 3, *into).unwrap();
        }
        sheet.write(r, 4, *balance).unwrap();
        sheet.write(r, 5, *cp).unwrap();
        sheet.write(r, 6, *serial).unwrap();
    }
    let path = town.path("sep.xlsx");
    book.save(&path).unwrap();
    let r = town
        .run(&[
            "bank",
            "import",
            ACCOUNT,
            path.to_str().unwrap(),
            "--opening",
            "100000",
        ])
        .ok();
    assert!(r.stdout.contains("3 lines added"), "{}", r.stdout);
    assert_eq!(
        town.count("SELECT SUM(amount) FROM bank_lines"),
        -3000_00 - 1200_00 + 302_38
    );
    assert_eq!(town.count("SELECT closing FROM bank_statements"), 96_102_38);
    let r = town
        .run(&["bank", "statements", ACCOUNT, "--format", "csv"])
        .ok();
    assert!(
        r.stdout
            .contains("2024-09,2024-09-01,2024-09-30,100000.00,96102.38,3,0"),
        "{}",
        r.stdout
    );
}

mod properties {
    use chrono::NaiveDate;
    use proptest::prelude::*;
    use townledger::ledger::account::AccountKind;
    use townledger::ledger::transaction::{NewTransaction, Posting};
    use townledger::money::Amount;
    use townledger::reconcile::import::import_statement;
    use townledger::reconcile::position::position;
    use townledger::reconcile::statement_file::{BankLine, StatementFile};
    use townledger::reconcile::statement_named;
    use townledger::reconcile::workflow::{match_by_hand, reconcile, unmatch};
    use townledger::store::{Ledger, PostOutcome};

    const BANK: &str = "资产:银行存款:储备金专户";
    const AMOUNTS: [i64; 4] = [100_00, -100_00, 250_00, -40_00];

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 9, 1 + d % 28).unwrap()
    }

    /// A ledger with `books` vouchers to the bank account and a statement of `bank` lines
    /// whose opening balance is the books' plus `gap` fen; the vouchers' numbers.
    fn setup(
        dir: &std::path::Path,
        books: &[(u32, usize)],
        bank: &[(u32, usize)],
        gap: i64,
    ) -> (Ledger, Vec<String>) {
        let mut ledger = Ledger::create(&dir.join("t.db")).unwrap();
        let vouchers = ledger
            .write("出纳", |w| {
                w.add_account(BANK, AccountKind::Asset, None)?;
                w.add_account("支出:公益支出", AccountKind::Expense, None)?;
                w.add_account("净资产:资本", AccountKind::NetAssets, None)?;
                let post = |w: &mut townledger::store::Writer<'_>, date: NaiveDate, fen: i64| {
                    let p = |account: &str, fen: i64| Posting {
                        account: account.to_string(),
                        amount: Amount::from_fen(fen),
                        memo: "往来".to_string(),
                        household: None,
                        reference: None,
                    };
                    match w.post(NewTransaction {
                        date,
                        memo: "往来".to_string(),
                        external_id: None,
                        reverses: None,
                        reason: None,
                        postings: vec![p(BANK, fen), p("支出:公益支出", -fen)],
                        tags: Vec::new(),
                    })? {
                        PostOutcome::Posted { voucher, .. }
                        | PostOutcome::AlreadyPosted { voucher } => {
                            Ok::<_, townledger::Error>(voucher)
                        }
                    }
                };
                post(w, NaiveDate::from_ymd_opt(2024, 8, 20).unwrap(), 1_000_00)?;
                let mut out = Vec::new();
                for &(d, a) in books {
                    out.push(post(w, day(d), AMOUNTS[a])?);
                }
                Ok(out)
            })
            .unwrap();
        let mut lines: Vec<BankLine> = bank
            .iter()
            .map(|&(d, a)| BankLine {
                row: 0,
                date: day(d),
                amount: Amount::from_fen(AMOUNTS[a]),
                balance: None,
                text: "往来".to_string(),
                counterparty: String::new(),
                counterparty_account: String::new(),
                serial: None,
            })
            .collect();
        lines.sort_by_key(|l| l.date);
        let mut balance = 1_000_00 + gap;
        for (i, l) in lines.iter_mut().enumerate() {
            balance += l.amount.fen();
            l.balance = Some(Amount::from_fen(balance));
            l.row = i as u64 + 2;
        }
        let file = StatementFile {
            file: "sep.csv".to_string(),
            account_number: None,
            account_name: None,
            layout: "test".to_string(),
            opening: Some(Amount::from_fen(1_000_00 + gap)),
            closing: Some(Amount::from_fen(balance)),
            lines,
            header_row: 1,
            newest_first: false,
        };
        ledger
            .write("出纳", |w| {
                import_statement(w, BANK, &file, "x", Some("2024-09"), None)
            })
            .unwrap();
        (ledger, vouchers)
    }

    fn check(ledger: &Ledger, gap: i64) -> Result<(), TestCaseError> {
        let account = ledger.account(BANK).unwrap().unwrap();
        let s = statement_named(ledger, (account.id, BANK), "2024-09").unwrap();
        let p = position(ledger, (account.id, BANK), &s).unwrap();
        prop_assert_eq!(p.difference().fen(), i128::from(gap));
        prop_assert_eq!(p.opening_difference.fen(), i128::from(gap));
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
        /// Whatever is matched and unmatched, by hand or by the rounds, the two adjusted
        /// balances differ by exactly what the bank's opening balance and the books disagreed
        /// by; no line or posting is ever in two matches, and every match balances.
        #[test]
        fn adjusted_balances_differ_only_by_the_unexplained(
            books in prop::collection::vec((0u32..28, 0usize..4), 0..8),
            bank in prop::collection::vec((0u32..28, 0usize..4), 0..8),
            gap in prop_oneof![Just(0i64), Just(7_00)],
            ops in prop::collection::vec((0u8..3, 0usize..8, 0usize..8), 0..12),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let (mut ledger, vouchers) = setup(dir.path(), &books, &bank, gap);
            check(&ledger, gap)?;
            let ids: Vec<i64> = {
                let account = ledger.account(BANK).unwrap().unwrap();
                use townledger::store::bank::BankReads;
                ledger.bank_lines(account.id, None).unwrap().iter().map(|l| l.id).collect()
            };
            for (kind, i, j) in ops {
                let _ = ledger.write("出纳", |w| match kind {
                    0 if !ids.is_empty() && !vouchers.is_empty() => {
                        match_by_hand(w, BANK, &[ids[i % ids.len()]], &[vouchers[j % vouchers.len()].clone()]).map(|_| ())
                    }
                    1 if !ids.is_empty() => unmatch(w, BANK, Some(ids[i % ids.len()]), None).map(|_| ()),
                    _ => reconcile(w, BANK, "2024-09", 5).map(|_| ()),
                });
                check(&ledger, gap)?;
            }
            let conn = rusqlite::Connection::open(dir.path().join("t.db")).unwrap();
            let unbalanced: i64 = conn.query_row(
                "SELECT COUNT(*) FROM bank_matches m WHERE
                   (SELECT COALESCE(SUM(l.amount), 0) FROM bank_match_lines ml JOIN bank_lines l ON l.id = ml.bank_line WHERE ml.match_id = m.id)
                   != (SELECT COALESCE(SUM(p.amount), 0) FROM bank_match_postings mp JOIN postings p ON p.txn = mp.txn AND p.line = mp.line WHERE mp.match_id = m.id)",
                [], |r| r.get(0)).unwrap();
            prop_assert_eq!(unbalanced, 0);
        }
    }
}

/// The demo town again, its bank paying the allocation run card by card: each line of the
/// statement is a household's, carrying the reference of `pay --bank-file`'s result file, and
/// the run's payment voucher matches all of them at once (many bank lines, one posting).
#[test]
fn a_run_paid_card_by_card_matches_its_result_file() {
    let town = Town::empty();
    town.run(&["demo", "--out", "first"]).ok();
    let result = std::fs::read_to_string(town.path("first/bank-result-2025-01-07.csv")).unwrap();
    let register = std::fs::read_to_string(common::demo_dir().join("households.csv")).unwrap();
    let card = |household: &str| {
        register
            .lines()
            .find(|l| l.starts_with(&format!("{household},")))
            .and_then(|l| l.rsplit(',').next())
            .unwrap()
            .to_string()
    };
    let fen = |text: &str| -> i64 {
        let (y, f) = text.split_once('.').unwrap_or((text, "0"));
        y.parse::<i64>().unwrap() * 100 + format!("{f:0<2}").parse::<i64>().unwrap()
    };
    let yuan = |f: i64| format!("{}.{:02}", f / 100, f % 100);
    let mut balance = fen("1633456.46");
    let mut csv =
        String::from("交易日期,摘要,借方发生额,贷方发生额,余额,对方账号,对方户名,交易流水号\n");
    balance += fen("85000.00");
    csv.push_str(&format!(
        "20250102,支票存入,,85000.00,{},,扶贫车间,\n",
        yuan(balance)
    ));
    let mut paid = 0;
    let mut failed = None;
    for line in result.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let amount = fen(cells[1]);
        if cells[2] == "成功" {
            balance -= amount;
            paid += 1;
            csv.push_str(&format!(
                "20250107,代发,{},,{},{},,{}\n",
                yuan(amount),
                yuan(balance),
                card(cells[0]),
                cells[3]
            ));
        } else {
            failed = Some((cells[0].to_string(), amount));
        }
    }
    let (household, amount) = failed.unwrap();
    balance -= amount;
    csv.push_str(&format!(
        "20250109,代发,{},,{},{},,\n",
        yuan(amount),
        yuan(balance),
        card(&household)
    ));
    // The demo's data with this statement for January.
    let data = town.path("data");
    std::fs::create_dir_all(data.join("bank")).unwrap();
    for entry in std::fs::read_dir(common::demo_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, data.join(path.file_name().unwrap())).unwrap();
        }
    }
    for entry in std::fs::read_dir(common::demo_dir().join("bank")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, data.join("bank").join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(data.join("bank/basic-2025-01.csv"), csv).unwrap();
    town.run(&["demo", "--data", "data", "--out", "second"])
        .ok();
    let conn = rusqlite::Connection::open(town.path("second/townledger.db")).unwrap();
    let runs: Vec<(i64, i64)> = conn
        .prepare(
            "SELECT m.id, COUNT(*) FROM bank_matches m JOIN bank_match_lines l ON l.match_id = m.id
             WHERE m.rule = 'run' GROUP BY m.id ORDER BY m.id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert_eq!(runs[0].1, paid);
    assert_eq!(runs[1].1, 1);
}

/// The three layouts as banks export them (tests/fixtures/bank/): debit and credit columns in
/// GBK, a signed amount with a 借/贷 column in UTF-8, a workbook listing the newest line first.
#[test]
fn real_looking_exports_of_three_layouts() {
    let town = Town::new();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bank");
    for (account, file, statement, lines, opening, closing) in [
        (
            "资产:银行存款:储备金专户",
            "abc-debit-credit-gbk.csv",
            "2024-09",
            8,
            "800,000.00",
            "948,319.56",
        ),
        (
            "资产:银行存款:防贫基金",
            "signed-direction-utf8.csv",
            "2024-10",
            6,
            "5,000,000.00",
            "5,994,480.00",
        ),
        (
            "资产:银行存款:631专户",
            "rcb-newest-first.xlsx",
            "2024-11",
            7,
            "2,000,000.00",
            "3,977,142.43",
        ),
    ] {
        town.run(&["accounts", "add", account]).ok();
        let path = fixtures.join(file);
        let r = town
            .run(&["bank", "import", account, path.to_str().unwrap()])
            .ok();
        let want = format!("Imported statement {statement} ({account}");
        assert!(r.stdout.contains(&want), "{}", r.stdout);
        assert!(
            r.stdout.contains(&format!("{lines} lines added")),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout
                .contains(&format!("opening {opening}, closing {closing}")),
            "{}",
            r.stdout
        );
    }
    // The newest-first workbook is kept oldest first: its balances run forward.
    let conn = rusqlite::Connection::open(town.ledger()).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT l.amount, l.balance FROM bank_lines l JOIN accounts a ON a.id = l.account
             WHERE a.name = '资产:银行存款:631专户' ORDER BY l.date, l.id",
        )
        .unwrap();
    let rows: Vec<(i64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut balance = 2_000_000_00;
    for (amount, printed) in rows {
        balance += amount;
        assert_eq!(balance, printed);
    }
    // A layout no built-in map knows, read through a mapping file.
    let odd = town.write(
        "odd.csv",
        "记账日,发生额,结余,附言\n2024-12-02,-120.00,880.00,手续费\n2024-12-05,20.00,900.00,利息\n",
    );
    let mapping = town.write(
        "map.toml",
        "date = \"记账日\"\namount = \"发生额\"\nbalance = \"结余\"\ntext = \"附言\"\n",
    );
    town.run(&["accounts", "add", "资产:银行存款:基本户"]).ok();
    let r = town
        .run(&[
            "bank",
            "import",
            "资产:银行存款:基本户",
            odd.to_str().unwrap(),
        ])
        .fails(1);
    assert!(r.stderr.contains("odd.csv"), "{}", r.stderr);
    let r = town
        .run(&[
            "bank",
            "import",
            "资产:银行存款:基本户",
            odd.to_str().unwrap(),
            "--mapping",
            mapping.to_str().unwrap(),
        ])
        .ok();
    assert!(
        r.stdout.contains("opening 1,000.00, closing 900.00"),
        "{}",
        r.stdout
    );
}

//! The ledger core end to end: init, import, balance, register, reverse, verify, and every
//! refusal with its message and an unchanged ledger.

mod common;

use common::Town;

const VOUCHERS: &str = "\
txn_id,date,account,amount,memo,household,ref
T1,2024-01-01,资产:银行存款:储备金专户,\"800,000.00\",光伏超额分红结余转入储备金,,
T1,2024-01-01,负债:专项应付款:防止返贫储备金,-800000,光伏超额分红结余转入储备金,,
T2,2024/03/15,支出:公益支出:临时救助,3000,鱼塘受灾救助（三关审核）,H0015,
T2,2024/03/15,资产:银行存款:储备金专户,-3000.00,鱼塘受灾救助（三关审核）,H0015,B20240315001
T3,2024-12-20,资产:银行存款:基本户,¥135600.00,程村蚝分红,,
T3,2024-12-20,收入:投资收益:程村蚝,-135600,程村蚝分红,,
T3,2024-12-20,支出:管理费用,0.5,手续费,,
T3,2024-12-20,资产:银行存款:基本户,-0.50,手续费,,
";

fn town_with_vouchers() -> Town {
    let town = Town::new();
    town.write("v.csv", VOUCHERS);
    town.run(&["import", "postings", "v.csv", "--create-accounts"])
        .ok();
    town
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = v
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    p.sort();
    p
}

fn sorted(mut v: Vec<(String, String)>) -> Vec<(String, String)> {
    v.sort();
    v
}

#[test]
fn init_seeds_the_chart_and_refuses_to_overwrite() {
    let town = Town::new();
    let out = town
        .run(&["accounts", "list", "--format", "csv"])
        .ok()
        .stdout;
    assert!(out.contains("101,资产:库存现金,asset"), "{out}");
    assert!(out.contains("102,资产:银行存款,asset"));
    assert!(out.contains("241,负债:专项应付款,liability"));
    assert!(out.contains("311,净资产:公积公益金,net_assets"));
    assert!(out.contains("502,收入:投资收益,income"));
    assert!(out.contains("514,支出:公益支出,expense"));
    let again = town.run(&["init"]).fails(1);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
}

#[test]
fn commands_without_a_ledger_say_how_to_start() {
    let town = Town::empty();
    let r = town.run(&["balance"]).fails(1);
    assert!(
        r.stderr.contains("no ledger at townledger.db"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("townledger init"));
    assert!(!town.ledger().exists());
}

#[test]
fn ledger_path_from_flag_and_environment() {
    let town = Town::empty();
    town.run(&["--ledger", "books/town.db", "init"]).ok();
    assert!(town.path("books/town.db").exists());
    let r = town
        .cmd()
        .env("TOWNLEDGER_LEDGER", town.path("books/town.db"))
        .args(["accounts", "list"])
        .output()
        .unwrap();
    assert!(r.status.success());
    assert!(String::from_utf8_lossy(&r.stdout).contains("资产:库存现金"));
}

#[test]
fn import_posts_balanced_transactions_and_balances_add_up() {
    let town = town_with_vouchers();
    assert_eq!(
        town.balances(),
        pairs(&[
            ("收入:投资收益:程村蚝", "-135600.00"),
            ("支出:公益支出:临时救助", "3000.00"),
            ("支出:管理费用", "0.50"),
            ("负债:专项应付款:防止返贫储备金", "-800000.00"),
            ("资产:银行存款:储备金专户", "797000.00"),
            ("资产:银行存款:基本户", "135599.50"),
        ])
    );
    let text = town.run(&["balance", "--style", "plain"]).ok().stdout;
    assert!(text.contains("试算平衡表"), "{text}");
    assert!(text.contains("932,599.50"), "bank subtotal: {text}");
    let total = text
        .lines()
        .find(|l| l.contains("合计"))
        .expect("total line");
    assert!(total.trim_end().ends_with("0.00"), "{total}");
    // Vouchers are numbered per month in posting order.
    assert_eq!(town.count("SELECT COUNT(*) FROM transactions"), 3);
    assert_eq!(
        town.count("SELECT COUNT(*) FROM transactions WHERE voucher IN ('2024-01-0001','2024-03-0001','2024-12-0001')"),
        3
    );
    assert_eq!(
        town.count("SELECT COUNT(*) FROM transactions WHERE operator = '出纳张'"),
        3
    );
}

#[test]
fn balance_periods_and_depth() {
    let town = town_with_vouchers();
    let asof = sorted(common::parse_balance_csv(
        &town
            .run(&["balance", "--format", "csv", "--as-of", "2024-06-30"])
            .ok()
            .stdout,
    ));
    assert_eq!(
        asof,
        pairs(&[
            ("支出:公益支出:临时救助", "3000.00"),
            ("负债:专项应付款:防止返贫储备金", "-800000.00"),
            ("资产:银行存款:储备金专户", "797000.00"),
        ])
    );
    let range = sorted(common::parse_balance_csv(
        &town
            .run(&[
                "balance",
                "--format",
                "csv",
                "--from",
                "2024-03-15",
                "--to",
                "2024-03-15",
            ])
            .ok()
            .stdout,
    ));
    assert_eq!(
        range,
        pairs(&[
            ("支出:公益支出:临时救助", "3000.00"),
            ("资产:银行存款:储备金专户", "-3000.00"),
        ])
    );
    let depth1 = sorted(common::parse_balance_csv(
        &town
            .run(&["balance", "--format", "csv", "--depth", "1"])
            .ok()
            .stdout,
    ));
    assert_eq!(
        depth1,
        pairs(&[
            ("收入", "-135600.00"),
            ("支出", "3000.50"),
            ("负债", "-800000.00"),
            ("资产", "932599.50"),
        ])
    );
    let json = town.run(&["balance", "--format", "json"]).ok().stdout;
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert!(json.contains("\"797000.00\""), "money as strings: {json}");
    assert!(v.is_object());
}

#[test]
fn register_shows_running_balance() {
    let town = town_with_vouchers();
    let csv = town
        .run(&["register", "资产:银行存款:储备金专户", "--format", "csv"])
        .ok()
        .stdout;
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let balance_col = headers.iter().position(|h| h == "balance").unwrap();
    let amount_col = headers.iter().position(|h| h == "amount").unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][amount_col], "800000.00");
    assert_eq!(&rows[1][amount_col], "-3000.00");
    assert_eq!(&rows[1][balance_col], "797000.00");
    // A parent account includes its sub-accounts; a code works wherever a name does.
    let by_code = town
        .run(&["register", "102", "--format", "csv"])
        .ok()
        .stdout;
    assert_eq!(by_code.lines().count(), 1 + 4, "{by_code}");
    let text = town
        .run(&["register", "资产:银行存款:储备金专户"])
        .ok()
        .stdout;
    assert!(text.contains("797,000.00"), "{text}");
    let missing = town.run(&["register", "资产:没有"]).fails(1);
    assert!(missing.stderr.contains("no account '资产:没有'"));
}

#[test]
fn text_columns_align_by_display_width() {
    let town = town_with_vouchers();
    let text = town.run(&["balance"]).ok().stdout;
    use unicode_width::UnicodeWidthStr;
    let widths: Vec<usize> = text
        .lines()
        .filter(|l| l.trim_end().ends_with(".00") || l.trim_end().ends_with(".50"))
        .map(|l| l.trim_end().width())
        .collect();
    assert!(widths.len() >= 5, "{text}");
    assert!(
        widths.iter().all(|w| *w == widths[0]),
        "amounts must end in one column:\n{text}"
    );
}

#[test]
fn every_bad_row_is_reported_and_nothing_is_posted() {
    let town = Town::new();
    town.write(
        "bad.csv",
        "txn_id,date,account,amount,memo\n\
         A,2024-01-05,资产:库存现金,100,ok\n\
         A,2024-01-05,收入:其他收入,-100,ok\n\
         B,2024-01-06,资产:库存现金,12.345,three decimals\n\
         B,2024-01-06,收入:其他收入,-12.35,x\n\
         C,2024-13-01,资产:库存现金,10,bad date\n\
         C,2024-13-01,收入:其他收入,-10,bad date\n\
         D,2024-01-07,资产:库存现金,,empty amount\n\
         D,2024-01-07,收入:其他收入,NaN,nan\n\
         E,2024-01-08,资产:库存现金,1e5,exponent\n\
         E,2024-01-08,收入:其他收入,abc,text\n\
         F,2024-01-09,资产:库存现金,100,unbalanced\n\
         F,2024-01-09,收入:其他收入,-99.99,unbalanced\n\
         G,2024-01-10,资产:不存在的账户,5,unknown\n\
         G,2024-01-10,收入:其他收入,-5,unknown\n",
    );
    let r = town.run(&["import", "postings", "bad.csv"]).fails(1);
    let e = &r.stderr;
    for expected in [
        "bad.csv:4: '12.345' has more than 2 decimals",
        "bad.csv:6: '2024-13-01' is not a valid calendar date",
        "bad.csv:8: amount is empty",
        "bad.csv:9: 'NaN' is not an amount",
        "bad.csv:10: '1e5' is not an amount",
        "bad.csv:11: 'abc' is not an amount",
        "bad.csv:12: transaction F does not balance: its postings (lines 12-13) sum to 0.01",
        "bad.csv:14: unknown account '资产:不存在的账户'",
        "nothing was written",
    ] {
        assert!(e.contains(expected), "missing {expected:?} in:\n{e}");
    }
    assert!(!e.contains("bad.csv:2:"), "row 2 is fine:\n{e}");
    assert_eq!(town.count("SELECT COUNT(*) FROM transactions"), 0);
    assert_eq!(town.count("SELECT COUNT(*) FROM postings"), 0);
    town.run(&["verify"]).ok();
}

#[test]
fn header_problems_are_named() {
    let town = Town::new();
    town.write(
        "h.csv",
        "txn_id,date,acct,amount\nA,2024-01-01,资产:库存现金,1\n",
    );
    let r = town.run(&["import", "postings", "h.csv"]).fails(1);
    assert!(
        r.stderr.contains("h.csv:1: missing columns account, memo"),
        "{}",
        r.stderr
    );
}

#[test]
fn reimport_posts_nothing_and_says_so() {
    let town = town_with_vouchers();
    let before = town.balances();
    let r = town
        .run(&["import", "postings", "v.csv", "--create-accounts"])
        .ok();
    assert!(
        r.stdout
            .contains("nothing posted: all 3 transaction(s) were already posted"),
        "{}",
        r.stdout
    );
    assert_eq!(town.balances(), before);
    assert_eq!(town.count("SELECT COUNT(*) FROM transactions"), 3);
    // The same txn_id with other content is refused, not silently skipped.
    town.write(
        "changed.csv",
        "txn_id,date,account,amount,memo\n\
         T1,2024-01-01,资产:银行存款:储备金专户,800001,x\n\
         T1,2024-01-01,负债:专项应付款:防止返贫储备金,-800001,x\n",
    );
    let r = town.run(&["import", "postings", "changed.csv"]).fails(1);
    assert!(
        r.stderr.contains("changed.csv:2: txn_id T1 was already posted as voucher 2024-01-0001 with different content"),
        "{}",
        r.stderr
    );
}

#[test]
fn gbk_and_bom_files_are_read() {
    let town = Town::new();
    let text = "txn_id,date,account,amount,memo\n\
                G1,2024-02-01,资产:库存现金,50,六三〇捐赠（非定向）\n\
                G1,2024-02-01,收入:其他收入,-50,六三〇捐赠（非定向）\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    town.write("gbk.csv", &gbk);
    town.run(&["import", "postings", "gbk.csv"]).ok();
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(text.replace("G1", "U1").as_bytes());
    town.write("bom.csv", &bom);
    town.run(&["import", "postings", "bom.csv"]).ok();
    assert_eq!(
        town.balances(),
        pairs(&[("收入:其他收入", "-100.00"), ("资产:库存现金", "100.00")])
    );
    let memo = town
        .run(&["register", "资产:库存现金", "--format", "csv"])
        .ok()
        .stdout;
    assert!(memo.contains("六三〇捐赠（非定向）"), "{memo}");
}

#[test]
fn unknown_accounts_need_create_accounts() {
    let town = Town::new();
    town.write(
        "u.csv",
        "txn_id,date,account,amount,memo\n\
         A,2024-01-05,资产:银行存款:基本户,100,x\n\
         A,2024-01-05,收入:投资收益:光伏,-100,x\n",
    );
    let r = town.run(&["import", "postings", "u.csv"]).fails(1);
    assert!(r
        .stderr
        .contains("u.csv:2: unknown account '资产:银行存款:基本户'"));
    assert!(r
        .stderr
        .contains("u.csv:3: unknown account '收入:投资收益:光伏'"));
    let r = town
        .run(&["import", "postings", "u.csv", "--create-accounts"])
        .ok();
    assert!(r.stdout.contains("created 2 account(s)"), "{}", r.stdout);
    let list = town
        .run(&["accounts", "list", "--format", "csv"])
        .ok()
        .stdout;
    assert!(list.contains(",资产:银行存款:基本户,asset"));
    assert!(list.contains(",收入:投资收益:光伏,income"));
    town.write(
        "odd.csv",
        "txn_id,date,account,amount,memo\n\
         B,2024-01-05,银行:x,1,x\n\
         B,2024-01-05,收入:其他收入,-1,x\n",
    );
    let r = town
        .run(&["import", "postings", "odd.csv", "--create-accounts"])
        .fails(1);
    assert!(r
        .stderr
        .contains("odd.csv:2: cannot tell the type of new account '银行:x'"));
}

#[test]
fn accounts_add_with_code_usable_in_imports() {
    let town = Town::new();
    town.run(&[
        "accounts",
        "add",
        "资产:银行存款:储备金专户",
        "--code",
        "10202",
    ])
    .ok();
    let dup = town
        .run(&["accounts", "add", "资产:银行存款:另一户", "--code", "10202"])
        .fails(1);
    assert!(dup.stderr.contains("code 10202 is already used"));
    let wrong = town
        .run(&["accounts", "add", "资产:x", "--type", "expense"])
        .fails(1);
    assert!(wrong.stderr.contains("not expense"), "{}", wrong.stderr);
    town.write(
        "c.csv",
        "txn_id,date,account,amount,memo\n\
         A,2024-01-05,10202,100,x\n\
         A,2024-01-05,504,-100,x\n",
    );
    town.run(&["import", "postings", "c.csv"]).ok();
    assert_eq!(
        town.balances(),
        pairs(&[
            ("收入:其他收入", "-100.00"),
            ("资产:银行存款:储备金专户", "100.00")
        ])
    );
}

#[test]
fn reverse_posts_the_mirror_once() {
    let town = town_with_vouchers();
    let r = town
        .run(&[
            "reverse",
            "2024-03-0001",
            "--reason",
            "重复记账",
            "--date",
            "2024-03-20",
        ])
        .ok();
    assert!(
        r.stdout.contains("reversed 2024-03-0001 by 2024-03-0002"),
        "{}",
        r.stdout
    );
    let b = town.balances();
    assert!(
        b.contains(&("资产:银行存款:储备金专户".into(), "800000.00".into())),
        "{b:?}"
    );
    assert!(!b.iter().any(|(a, _)| a == "支出:公益支出:临时救助"));
    assert_eq!(
        town.count("SELECT COUNT(*) FROM transactions WHERE reverses = (SELECT id FROM transactions WHERE voucher = '2024-03-0001') AND reason = '重复记账'"),
        1
    );
    let again = town
        .run(&["reverse", "2024-03-0001", "--reason", "again"])
        .fails(1);
    assert!(again.stderr.contains("already reversed by 2024-03-0002"));
    let missing = town
        .run(&["reverse", "2024-05-0099", "--reason", "x"])
        .fails(1);
    assert!(missing.stderr.contains("no voucher 2024-05-0099"));
    town.run(&["verify"]).ok();
}

#[test]
fn the_clerks_voucher_numbers_name_vouchers_everywhere() {
    let town = Town::new();
    town.write(
        "v.csv",
        "txn_id,date,account,amount,memo\n\
         记-001,2024-03-01,资产:银行存款:基本户,5000,收到捐款,\n\
         记-001,2024-03-01,负债:专项应付款:6·30捐赠,-5000,收到捐款,\n\
         记-002,2024-03-05,负债:专项应付款:6·30捐赠,1200.50,慰问金\n\
         记-002,2024-03-05,资产:银行存款:基本户,-1200.50,慰问金\n",
    );
    town.run(&["import", "postings", "v.csv", "--create-accounts"])
        .ok();

    // A voucher is looked up by the clerk's number, and shown with both.
    let shown = town.run(&["voucher", "记-002", "--lang", "en"]).ok().stdout;
    assert!(shown.contains("2024-03-0002"), "{shown}");
    assert!(shown.contains("记-002"), "{shown}");
    assert!(shown.contains("1,200.50"), "{shown}");
    let json = town
        .run(&["voucher", "2024-03-0001", "--format", "json"])
        .ok()
        .stdout;
    assert!(json.contains("记-001"), "{json}");

    // The register shows the clerk's number beside the ledger's.
    let csv = town
        .run(&["register", "资产:银行存款:基本户", "--format", "csv"])
        .ok()
        .stdout;
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("date,voucher,txn_id,"), "{csv}");
    assert!(
        lines[2].starts_with("2024-03-05,2024-03-0002,记-002,"),
        "{csv}"
    );

    // Reversed by the clerk's number; the mirror names the original.
    let r = town
        .run(&[
            "reverse",
            "记-002",
            "--reason",
            "重复记账",
            "--date",
            "2024-03-06",
        ])
        .ok();
    assert!(
        r.stdout
            .contains("reversed 记-002 (2024-03-0002) by 2024-03-0003"),
        "{}",
        r.stdout
    );
    let again = town
        .run(&["reverse", " 记-002 ", "--reason", "again"])
        .fails(1);
    assert!(
        again.stderr.contains("already reversed by 2024-03-0003"),
        "{}",
        again.stderr
    );
    let shown = town.run(&["voucher", "记-002", "--lang", "en"]).ok().stdout;
    assert!(shown.contains("2024-03-0003"), "{shown}");
    let missing = town.run(&["voucher", "记-099"]).fails(1);
    assert!(missing.stderr.contains("记-099"), "{}", missing.stderr);
    town.run(&["verify"]).ok();
}

#[test]
fn verify_catches_changes_behind_the_programs_back() {
    let tampers = [
        ("UPDATE transactions SET postings = json_set(postings, '$[0][1]', (postings ->> '$[0][1]') + 1) WHERE id = 2", "2024-03-0001"),
        ("UPDATE transactions SET postings = json_set(postings, '$[0][1]', 1, '$[1][1]', -1) WHERE id = 2", "2024-03-0001"),
        ("UPDATE transactions SET date = '2024-03-16' WHERE id = 2", "2024-03-0001"),
        ("UPDATE transactions SET postings = json_set(postings, '$[1][0]', (SELECT id FROM accounts WHERE code = '101')) WHERE id = 2", "2024-03-0001"),
        ("UPDATE transactions SET postings = 'garbage' WHERE id = 2", "2024-03-0001"),
        ("UPDATE accounts SET name = '资产:银行存款:改名' WHERE name = '资产:银行存款:储备金专户'", "2024-01-0001"),
        ("UPDATE transactions SET memo = 'x' WHERE id = 3", "2024-12-0001"),
        ("UPDATE transactions SET postings = json_remove(postings, '$[3]') WHERE id = 3", "2024-12-0001"),
        ("DELETE FROM transactions WHERE id = 2", "2024-12-0001"),
        ("DELETE FROM transactions WHERE id = 3", "2024-03-0001"),
        ("DELETE FROM account_postings WHERE month = 202403", "disagree with the postings (支出:公益支出:临时救助 2024-03, 资产:银行存款:储备金专户 2024-03)"),
        ("UPDATE account_postings SET entries = CAST(entries || entries AS BLOB) WHERE month = 202412", "account index disagrees"),
        ("UPDATE account_postings SET entries = X'FF' WHERE month = 202412", "account index"),
        ("UPDATE account_postings SET total = total + 100 WHERE month = 202403", "monthly totals"),
    ];
    for (sql, expected) in tampers {
        let town = town_with_vouchers();
        town.run(&["verify"]).ok();
        town.sql(sql);
        let r = town.run(&["verify"]).fails(2);
        assert!(
            r.stderr.contains(expected),
            "after {sql}: expected {expected:?} in {}",
            r.stderr
        );
    }
}

#[test]
fn two_writers_at_once_lose_nothing() {
    let town = Town::new();
    let mut files = Vec::new();
    for w in 0..2 {
        let mut text = String::from("txn_id,date,account,amount,memo\n");
        for i in 0..2000 {
            text.push_str(&format!(
                "W{w}-{i},2024-05-01,资产:库存现金,1.01,x\nW{w}-{i},2024-05-01,收入:其他收入,-1.01,x\n"
            ));
        }
        files.push(town.write(&format!("w{w}.csv"), text));
    }
    let children: Vec<_> = files
        .iter()
        .map(|f| {
            std::process::Command::new(common::binary())
                .current_dir(town.dir.path())
                .args(["import", "postings"])
                .arg(f)
                .output()
        })
        .collect();
    for c in children {
        let c = c.unwrap();
        assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
    }
    assert_eq!(town.count("SELECT COUNT(*) FROM transactions"), 4000);
    assert_eq!(
        town.balances(),
        pairs(&[("收入:其他收入", "-4040.00"), ("资产:库存现金", "4040.00")])
    );
    town.run(&["verify"]).ok();
}

#[test]
fn dry_run_checks_without_posting() {
    let town = Town::new();
    town.write("v.csv", VOUCHERS);
    let r = town
        .run(&[
            "import",
            "postings",
            "v.csv",
            "--create-accounts",
            "--dry-run",
        ])
        .ok();
    assert!(
        r.stdout.contains("3 transaction(s) would be posted"),
        "{}",
        r.stdout
    );
    assert_eq!(town.count("SELECT COUNT(*) FROM transactions"), 0);
    assert_eq!(
        town.count("SELECT COUNT(*) FROM accounts WHERE name = '资产:银行存款:基本户'"),
        0
    );
}

/// A clerk's spreadsheet sorted by date and account has a transaction's rows apart: rows
/// sharing a txn_id still form one transaction.
#[test]
fn rows_of_a_transaction_need_not_be_together() {
    let town = Town::new();
    town.write(
        "sorted.csv",
        "txn_id,date,account,amount,memo\n\
         A,2024-03-01,资产:银行存款,100.00,甲\n\
         B,2024-03-01,资产:银行存款,50.00,乙\n\
         A,2024-03-01,收入:投资收益,-100.00,甲\n\
         B,2024-03-01,收入:投资收益,-50.00,乙\n",
    );
    let out = town.run(&["import", "postings", "sorted.csv"]).ok();
    assert!(
        out.stdout.contains("posted 2 transaction(s), 4 posting(s)"),
        "{}",
        out.stdout
    );
    let balances = town.balances();
    assert!(
        balances.contains(&("资产:银行存款".to_string(), "150.00".to_string())),
        "{balances:?}"
    );
    // Again: nothing new.
    let again = town.run(&["import", "postings", "sorted.csv"]).ok();
    assert!(again.stdout.contains("nothing posted"), "{}", again.stdout);
}

/// Creating thousands of accounts names only the first few.
#[test]
fn many_created_accounts_are_summarised() {
    let town = Town::new();
    let mut csv = String::from("txn_id,date,account,amount,memo\n");
    for i in 0..30 {
        csv.push_str(&format!(
            "T{i},2024-01-02,负债:应付款:农户:H{i:04},-1.00,x\n"
        ));
        csv.push_str(&format!("T{i},2024-01-02,资产:银行存款,1.00,x\n"));
    }
    town.write("many.csv", csv);
    let out = town
        .run(&["import", "postings", "many.csv", "--create-accounts"])
        .ok();
    assert!(
        out.stdout.contains("created 30 account(s)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("and 20 more"), "{}", out.stdout);
    assert!(!out.stdout.contains("H0029"), "{}", out.stdout);
}

/// Accounting software exports debit and credit columns (借方/贷方) instead of a signed amount.
#[test]
fn debit_and_credit_columns_stand_for_amount() {
    let town = Town::new();
    town.write(
        "dc.csv",
        "凭证号,日期,科目,摘要,借方金额,贷方金额\n\
         1,2024/03/01,资产:银行存款,分红,\"1,000.00\",\n\
         1,2024/03/01,收入:投资收益,分红,,\"1,000.00\"\n",
    );
    town.run(&["import", "postings", "dc.csv"]).ok();
    let balances = town.balances();
    assert!(
        balances.contains(&("收入:投资收益".to_string(), "-1000.00".to_string())),
        "{balances:?}"
    );
    town.write(
        "both.csv",
        "txn_id,date,account,memo,debit,credit\n\
         2,2024-03-02,资产:银行存款,x,5,5\n\
         2,2024-03-02,收入:投资收益,x,,\n",
    );
    let r = town.run(&["import", "postings", "both.csv"]).fails(1);
    assert!(
        r.stderr.contains("both.csv:2: both debit and credit"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("both.csv:3: debit and credit are both empty"),
        "{}",
        r.stderr
    );
}

#[test]
fn output_formats_files_and_fonts() {
    let town = town_with_vouchers();
    // The trial balance in CSV keeps exactly its two columns.
    let csv = town.run(&["balance", "--format", "csv"]).ok().stdout;
    assert!(csv.starts_with("account,balance\n"), "{csv}");
    assert!(
        csv.lines().skip(1).all(|l| l.split(',').count() == 2),
        "{csv}"
    );
    // --font works wherever a PDF can be written.
    let font = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/fonts/NotoSansSC-townledger.otf");
    for args in [
        &["balance", "--out", "b.pdf"][..],
        &["register", "资产:银行存款:储备金专户", "--out", "r.pdf"][..],
    ] {
        let mut with_font = args.to_vec();
        with_font.extend(["--font", font.to_str().unwrap()]);
        town.run(&with_font).ok();
        let mut bad_font = args.to_vec();
        bad_font.extend(["--font", "missing.otf"]);
        let r = town.run(&bad_font).fails(4);
        assert!(r.stderr.contains("missing.otf"), "{}", r.stderr);
    }
    let pdf = std::fs::read(town.path("b.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"), "the extension picks the format");
    // An extension that names no format is refused, with the known ones.
    let r = town.run(&["balance", "--out", "b.docx"]).fails(1);
    assert!(
        r.stderr
            .contains("unknown extension '.docx' (known: .txt, .csv, .json, .xlsx, .pdf)"),
        "{}",
        r.stderr
    );
    assert!(!town.path("b.docx").exists());
}

/// Run `args` with standard output on a pseudo-terminal (util-linux `script`), if there is one.
fn on_a_terminal(town: &Town, args: &[&str]) -> Option<(i32, String)> {
    let script = std::process::Command::new("script")
        .arg("--version")
        .output();
    if !script.is_ok_and(|o| o.status.success()) {
        common::skipped(
            "script (util-linux) is not installed: the progress-bar-on-a-terminal test did not run",
        );
        return None;
    }
    let bin = common::binary();
    let mut line = format!("'{}'", bin.display());
    for a in args {
        line.push_str(&format!(" '{a}'"));
    }
    let out = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .current_dir(town.dir.path())
        .env("TOWNLEDGER_OPERATOR", "出纳张")
        .env("TOWNLEDGER_LANG", "en")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script");
    Some((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

#[test]
fn binary_formats_are_not_written_to_a_terminal() {
    let town = town_with_vouchers();
    for format in ["pdf", "xlsx"] {
        let Some((code, out)) = on_a_terminal(&town, &["balance", "--format", format]) else {
            return;
        };
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains(
                "output is binary and standard output is a terminal: use --out FILE, or redirect"
            ),
            "{out}"
        );
        assert!(!out.contains("%PDF"), "{out}");
    }
    // Text is fine on a terminal.
    let (code, out) = on_a_terminal(&town, &["balance"]).unwrap();
    assert_eq!(code, 0, "{out}");
}

/// A clerk's workbook: the first sheet read as the voucher table, date cells as dates, number
/// cells as amounts, every bad row reported by its spreadsheet row.
#[test]
fn vouchers_import_from_a_workbook() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let town = Town::new();
    // (txn id, date, account, amount, memo)
    type Row<'a> = (&'a str, (u16, u8, u8), &'a str, f64, &'a str);
    let write = |name: &str, rows: &[Row]| {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        for (col, title) in ["凭证号", "日期", "科目", "金额", "摘要"]
            .iter()
            .enumerate()
        {
            sheet.write_string(0, col as u16, *title).unwrap();
        }
        for (i, (id, (y, m, d), account, amount, memo)) in rows.iter().enumerate() {
            let row = i as u32 + 1;
            sheet.write_string(row, 0, *id).unwrap();
            let day = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
            sheet
                .write_datetime_with_format(row, 1, &day, &date)
                .unwrap();
            sheet.write_string(row, 2, *account).unwrap();
            sheet.write_number(row, 3, *amount).unwrap();
            sheet.write_string(row, 4, *memo).unwrap();
        }
        book.save(town.path(name)).unwrap();
    };
    write(
        "v.xlsx",
        &[
            ("1", (2024, 3, 1), "资产:银行存款", 1234.56, "分红"),
            ("1", (2024, 3, 1), "收入:投资收益", -1234.56, "分红"),
        ],
    );
    let out = town.run(&["import", "postings", "v.xlsx"]).ok();
    assert!(
        out.stdout
            .contains("posted 1 transaction(s), 2 posting(s), vouchers 2024-03-0001"),
        "{}",
        out.stdout
    );
    assert!(
        town.balances()
            .contains(&("收入:投资收益".to_string(), "-1234.56".to_string())),
        "{:?}",
        town.balances()
    );
    // A computed amount with a third decimal is refused on its row, never rounded.
    write(
        "bad.xlsx",
        &[
            ("2", (2024, 3, 2), "资产:银行存款", 0.1 + 0.2, "x"),
            ("2", (2024, 3, 2), "收入:投资收益", -0.3, "x"),
        ],
    );
    let r = town.run(&["import", "postings", "bad.xlsx"]).fails(1);
    assert!(r.stderr.contains("bad.xlsx:2:"), "{}", r.stderr);
    assert_eq!(town.count("SELECT COUNT(*) FROM transactions"), 1);
}

/// An accounting package's export: 凭证字号, 记账日期, the account by code or by name.
#[test]
fn accounting_software_exports_import() {
    let town = Town::new();
    town.write(
        "export.csv",
        "凭证字号,记账日期,摘要,科目编码,科目名称,借方金额,贷方金额\n\
         记-1,2024-03-01,收到分红,102,,\"1,000.00\",\n\
         记-1,2024-03-01,收到分红,,收入:投资收益,,\"1,000.00\"\n",
    );
    town.run(&["import", "postings", "export.csv"]).ok();
    let balances = town.balances();
    assert!(
        balances.contains(&("资产:银行存款".to_string(), "1000.00".to_string())),
        "{balances:?}"
    );
}

#[test]
fn a_register_naming_a_deleted_transaction_is_refused_and_reads_nothing_else() {
    let town = town_with_vouchers();
    let last = town.count(
        "SELECT MAX(p.txn) FROM postings p JOIN accounts a ON a.id = p.account
         WHERE a.name = '资产:银行存款:储备金专户'",
    );
    // Deleted behind the program's back: the index still names it.
    town.sql(&format!("DELETE FROM transactions WHERE id = {last}"));
    let run = town.run(&["register", "资产:银行存款:储备金专户"]).fails(2);
    assert!(
        run.stderr
            .contains(&format!("transaction #{last}, which is not in the journal")),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

/// The reserve fund account's register as CSV.
fn reserve_register(town: &Town) -> String {
    town.run(&["register", "资产:银行存款:储备金专户", "--format", "csv"])
        .ok()
        .stdout
}

#[test]
fn a_ledger_from_before_packed_postings_is_migrated_whole() {
    let town = town_with_vouchers();
    let (balances, before) = (town.balances(), reserve_register(&town));
    // Turn the file back into the previous schema: a row per posting, indexed by account.
    town.sql(common::RUNS_AS_IN_SCHEMA_7);
    town.sql(
        "CREATE TABLE postings_v4 (
             txn INTEGER NOT NULL REFERENCES transactions(id), line INTEGER NOT NULL,
             account INTEGER NOT NULL REFERENCES accounts(id), date TEXT NOT NULL,
             amount INTEGER NOT NULL, memo TEXT, household TEXT, ref TEXT,
             PRIMARY KEY (txn, line)) WITHOUT ROWID;
         INSERT INTO postings_v4 SELECT * FROM postings;
         DROP VIEW postings;
         ALTER TABLE postings_v4 RENAME TO postings;
         CREATE INDEX postings_account_date ON postings(account, date);
         CREATE INDEX transactions_date ON transactions(date);
         CREATE TABLE account_months (account INTEGER NOT NULL REFERENCES accounts(id),
             month TEXT NOT NULL, amount INTEGER NOT NULL,
             PRIMARY KEY (account, month)) WITHOUT ROWID;
         INSERT INTO account_months SELECT account, printf('%04d-%02d', month / 100, month % 100), total
             FROM account_postings;
         DROP TABLE account_postings;
         ALTER TABLE transactions DROP COLUMN postings;
         PRAGMA user_version = 4;",
    );
    assert_eq!(town.count("SELECT COUNT(*) FROM postings"), 8);
    // The next command migrates: same balances, same register, the chain intact.
    assert_eq!(town.balances(), balances);
    assert_eq!(reserve_register(&town), before);
    assert_eq!(
        town.count("PRAGMA user_version"),
        townledger::store::schema::CURRENT_VERSION
    );
    assert_eq!(town.count("SELECT COUNT(*) FROM postings"), 8);
    assert!(town.count("SELECT COUNT(*) FROM account_postings") > 0);
    let verified = town.run(&["verify"]).ok().stdout;
    assert!(verified.contains("3 transactions"), "{verified}");
}

#[test]
fn a_ledger_with_text_months_and_unique_codes_is_migrated() {
    let town = town_with_vouchers();
    let (balances, before) = (town.balances(), reserve_register(&town));
    // Schema 5: months as text ('2024-03'), codes unique through the column, the per-month
    // tables referring to accounts.
    town.sql(common::RUNS_AS_IN_SCHEMA_7);
    town.sql(
        "CREATE TABLE accounts_v5 (
             id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, code TEXT UNIQUE,
             kind TEXT NOT NULL CHECK (kind IN ('asset','liability','net_assets','income','expense')),
             created_at TEXT NOT NULL);
         INSERT INTO accounts_v5 SELECT * FROM accounts;
         DROP TABLE accounts;
         ALTER TABLE accounts_v5 RENAME TO accounts;
         CREATE TABLE months_v5 (account INTEGER NOT NULL REFERENCES accounts(id),
             month TEXT NOT NULL, amount INTEGER NOT NULL,
             PRIMARY KEY (account, month)) WITHOUT ROWID;
         INSERT INTO months_v5 SELECT account, printf('%04d-%02d', month / 100, month % 100), total
             FROM account_postings;
         ALTER TABLE months_v5 RENAME TO account_months;
         CREATE TABLE index_v5 (month TEXT NOT NULL,
             account INTEGER NOT NULL REFERENCES accounts(id), entries BLOB NOT NULL,
             PRIMARY KEY (month, account)) WITHOUT ROWID;
         INSERT INTO index_v5 SELECT printf('%04d-%02d', month / 100, month % 100), account, entries
             FROM account_postings;
         DROP TABLE account_postings;
         ALTER TABLE index_v5 RENAME TO account_postings;
         PRAGMA user_version = 5;",
    );
    assert_eq!(
        town.count("SELECT COUNT(*) FROM account_months WHERE month = '2024-03'"),
        2
    );
    assert_eq!(town.balances(), balances);
    assert_eq!(reserve_register(&town), before);
    assert_eq!(
        town.count("PRAGMA user_version"),
        townledger::store::schema::CURRENT_VERSION
    );
    // The month totals moved into the index rows.
    assert_eq!(
        town.count("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'account_months'"),
        0
    );
    assert_eq!(
        town.count("SELECT COALESCE(SUM(total), 0) FROM account_postings WHERE month = 202403"),
        0
    );
    assert!(town.count("SELECT MAX(ABS(total)) FROM account_postings WHERE month = 202403") > 0);
    assert_eq!(
        town.count("SELECT COUNT(*) FROM account_postings WHERE month = 202403"),
        2
    );
    // Codes stay unique, and accounts without one are not held to that.
    town.run(&["accounts", "add", "资产:银行存款:新户", "--type", "asset"])
        .ok();
    town.run(&["accounts", "add", "资产:银行存款:再一户", "--type", "asset"])
        .ok();
    let twice = town
        .run(&[
            "accounts",
            "add",
            "资产:银行存款:另户",
            "--type",
            "asset",
            "--code",
            "101",
        ])
        .fails(1);
    assert!(twice.stderr.contains("already used"), "{}", twice.stderr);
    let verified = town.run(&["verify"]).ok().stdout;
    assert!(verified.contains("3 transactions"), "{verified}");
}

#[test]
fn a_bulk_import_leaves_the_ledger_in_wal_mode_whole_or_unchanged() {
    let town = Town::new();
    town.write("v.csv", VOUCHERS);
    // A bad row: nothing is posted, and the ledger is as before.
    town.write(
        "bad.csv",
        "txn_id,date,account,amount,memo\nA1,2024-01-01,资产:库存现金,1.00,x\nA1,2024-01-01,收入:其他收入,-1.00,x\nA2,2024-13-01,资产:库存现金,1.00,x\nA2,2024-01-01,收入:其他收入,-1.00,x\n",
    );
    town.run(&["import", "postings", "bad.csv", "--create-accounts"])
        .fails(1);
    assert_eq!(town.count("SELECT COUNT(*) FROM transactions"), 0);
    assert_eq!(town.count("SELECT COUNT(*) FROM account_postings"), 0);
    // A good file, then the same file again (the second import reads what was posted).
    for _ in 0..2 {
        town.run(&["import", "postings", "v.csv", "--create-accounts"])
            .ok();
    }
    assert_eq!(town.count("SELECT COUNT(*) FROM transactions"), 3);
    let conn = rusqlite::Connection::open(town.ledger()).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(conn);
    town.run(&["verify"]).ok();
}

/// Vouchers whose texts a spreadsheet would run as formulas. The file is written as an export
/// writes it: a memo that really starts with `'=` is escaped as `''=`.
const FORMULA_VOUCHERS: &str = "\
txn_id,date,account,amount,memo,household,ref
=T1,2024-01-05,-abc,20,\"=HYPERLINK(\"\"http://x\"\",\"\"点击\"\")\",=H1,@ref
=T1,2024-01-05,@SUM(A1),-20,+1,,
-T2,2024-01-06,-abc,5.5,-abc,,
-T2,2024-01-06,@SUM(A1),-5.5,@SUM(A1:A9),,
T3,2024-01-07,-abc,1,''=x,,
T3,2024-01-07,@SUM(A1),-1,'abc,,
";

/// A ledger with accounts `-abc` (asset) and `@SUM(A1)` (income) and the vouchers above.
fn town_with_formulas() -> Town {
    let town = Town::new();
    for (name, kind) in [("-abc", "asset"), ("@SUM(A1)", "income")] {
        town.run(&["accounts", "add", "--type", kind, "--", name])
            .ok();
    }
    town.write("f.csv", FORMULA_VOUCHERS);
    town.run(&["import", "postings", "f.csv"]).ok();
    town
}

#[test]
fn csv_exports_neutralise_formulas_and_reimport_exactly() {
    let town = town_with_formulas();
    // The texts are stored as they were meant: `''=x` in the file is the memo `'=x`.
    assert_eq!(
        town.text(
            "SELECT group_concat(memo, '|') FROM (SELECT memo FROM postings ORDER BY txn, line)"
        ),
        "=HYPERLINK(\"http://x\",\"点击\")|+1|-abc|@SUM(A1:A9)|'=x|'abc"
    );
    let export = town.run(&["export", "--format", "csv"]).ok().stdout;
    assert_eq!(
        export,
        "txn_id,date,account,amount,memo,household,ref\n\
         '=T1,2024-01-05,'-abc,20.00,\"'=HYPERLINK(\"\"http://x\"\",\"\"点击\"\")\",'=H1,'@ref\n\
         '=T1,2024-01-05,'@SUM(A1),-20.00,'+1,,\n\
         '-T2,2024-01-06,'-abc,5.50,'-abc,,\n\
         '-T2,2024-01-06,'@SUM(A1),-5.50,'@SUM(A1:A9),,\n\
         T3,2024-01-07,'-abc,1.00,''=x,,\n\
         T3,2024-01-07,'@SUM(A1),-1.00,'abc,,\n"
    );
    // Imported into a fresh ledger with the same accounts, the journal comes out the same.
    let other = Town::new();
    for (name, kind) in [("-abc", "asset"), ("@SUM(A1)", "income")] {
        other
            .run(&["accounts", "add", "--type", kind, "--", name])
            .ok();
    }
    other.write("export.csv", &export);
    other.run(&["import", "postings", "export.csv"]).ok();
    assert_eq!(
        other.run(&["export", "--format", "csv"]).ok().stdout,
        export
    );
    assert_eq!(other.balances(), town.balances());
    assert_eq!(
        other.text(
            "SELECT group_concat(memo, '|') FROM (SELECT memo FROM postings ORDER BY txn, line)"
        ),
        "=HYPERLINK(\"http://x\",\"点击\")|+1|-abc|@SUM(A1:A9)|'=x|'abc"
    );
    // Importing the export again posts nothing: the txn_ids read back as they were.
    let again = other.run(&["import", "postings", "export.csv"]).ok();
    assert!(again.stdout.contains("already posted"), "{}", again.stdout);
    // The register and the trial balance in CSV: texts neutralised, money plain.
    let register = town
        .run(&["register", "--format", "csv", "--", "-abc"])
        .ok()
        .stdout;
    let mut lines = register.lines();
    let header = lines.next().unwrap();
    let memo = header.split(',').position(|h| h == "memo").unwrap();
    let amount = header.split(',').position(|h| h == "amount").unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(register.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    let memos: Vec<&str> = rows.iter().map(|r| &r[memo]).collect();
    assert_eq!(
        memos,
        ["'=HYPERLINK(\"http://x\",\"点击\")", "'-abc", "''=x"]
    );
    let amounts: Vec<&str> = rows.iter().map(|r| &r[amount]).collect();
    assert_eq!(amounts, ["20.00", "5.50", "1.00"]);
    let balance = town.run(&["balance", "--format", "csv"]).ok().stdout;
    assert!(
        balance.contains("'-abc,26.50\n") && balance.contains("'@SUM(A1),-26.50\n"),
        "{balance}"
    );
}

#[test]
fn xlsx_writes_formula_text_as_text_and_refuses_a_cell_too_long() {
    use calamine::{Data, Reader, Xlsx};
    let town = town_with_formulas();
    town.run(&["register", "--out", "r.xlsx", "--", "-abc"])
        .ok();
    let mut book: Xlsx<_> = calamine::open_workbook(town.path("r.xlsx")).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let formulas = book.worksheet_formula(&sheet).unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "{formulas:?}"
    );
    let range = book.worksheet_range(&sheet).unwrap();
    for text in ["=HYPERLINK(\"http://x\",\"点击\")", "-abc", "'=x", "=H1"] {
        assert!(
            range
                .used_cells()
                .any(|(_, _, d)| matches!(d, Data::String(s) if s == text)),
            "{text} is a text cell: {range:?}"
        );
    }
    // A memo longer than an Excel cell holds (refused at input today; a ledger written before
    // the limit may hold one): a refusal naming the cell, no file.
    town.write(
        "long.csv",
        "txn_id,date,account,amount,memo\n\
         L1,2024-02-01,-abc,1,长\n\
         L1,2024-02-01,@SUM(A1),-1,短\n",
    );
    town.run(&["import", "postings", "long.csv"]).ok();
    town.sql(&format!(
        "UPDATE transactions SET memo = '{}' WHERE external_id = 'L1'",
        "长".repeat(40_000)
    ));
    let r = town
        .run(&["register", "--out", "long.xlsx", "--", "-abc"])
        .fails(1);
    assert!(
        r.stderr.contains(
            "XLSX: table 1 (untitled), row 4, column 摘要 has 40000 characters; an Excel cell holds at most 32767"
        ),
        "{}",
        r.stderr
    );
    assert!(!town.path("long.xlsx").exists());
}

use super::fixtures::*;
use super::*;

fn fen(s: &str) -> Amount {
    Amount::parse(s).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn read(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> Result<StatementFile> {
    read_statement(&write(dir, name, bytes), Encoding::Auto, None)
}

fn row_errors(r: Result<StatementFile>) -> Vec<RowError> {
    match r {
        Err(Error::Input(e)) => e,
        Err(e) => panic!("not a row error: {e}"),
        Ok(s) => panic!("read without error: {s:?}"),
    }
}

#[test]
fn gbk_debit_credit_with_title_rows_summary_and_trailer() {
    let dir = tempfile::tempdir().unwrap();
    let s = read(&dir, "abc.csv", &abc_csv()).unwrap();
    assert_eq!(s.layout, "debit-credit");
    assert_eq!(s.account_number.as_deref(), Some("6228 4800 1234 5678 901"));
    assert_eq!(
        s.account_name.as_deref(),
        Some("阳西县程村镇防止返贫储备金专户")
    );
    assert_eq!(s.header_row, 6);
    assert!(!s.newest_first);
    assert_eq!(s.opening, Some(fen("800000.00")));
    assert_eq!(s.closing, Some(fen("948319.56")));
    assert_eq!(s.lines.len(), 8);
    let first = &s.lines[0];
    assert_eq!(first.row, 7);
    assert_eq!(first.date, day("2024-09-02"));
    assert_eq!(first.amount, fen("120000.00"));
    assert_eq!(first.balance, Some(fen("920000.00")));
    assert_eq!(first.text, "转账 光伏超额分红");
    assert_eq!(first.counterparty, "阳西县光伏电站管理有限公司");
    assert_eq!(first.counterparty_account, "4400 1234 5678 9000 111");
    assert_eq!(first.serial.as_deref(), Some("ABC20240902001"));
    assert_eq!(s.lines[1].amount, fen("-3000.00"));
    assert_eq!(s.lines[5].amount, fen("1234.56"));
    assert_eq!(s.lines[5].text, "结息");
    assert_eq!(s.lines[5].counterparty, "");
    let last = s.lines.last().unwrap();
    assert_eq!((last.row, last.amount), (14, fen("-15.00")));
    let sum: i64 = s.lines.iter().map(|l| l.amount.fen()).sum();
    assert_eq!(sum, 14_831_956);
}

#[test]
fn utf8_bom_amount_with_direction_and_two_cell_titles() {
    let dir = tempfile::tempdir().unwrap();
    let s = read(&dir, "psbc.csv", signed_direction_csv().as_bytes()).unwrap();
    assert_eq!(s.layout, "amount-direction");
    assert_eq!(s.account_number.as_deref(), Some("9400 0012 3456 7890 12"));
    assert_eq!(s.account_name.as_deref(), Some("资兴市防贫帮扶基金专户"));
    assert_eq!(s.opening, Some(fen("5000000.00")));
    assert_eq!(s.closing, Some(fen("5994480.00")));
    let amounts: Vec<i64> = s.lines.iter().map(|l| l.amount.fen()).collect();
    assert_eq!(
        amounts,
        [
            100_000_000,
            -300_000,
            -250_000,
            3_000_000,
            -3_000_000,
            -2_000
        ]
    );
    assert_eq!(s.lines[0].date, day("2024-10-09"));
    assert_eq!(s.lines[0].row, 6);
    assert_eq!(s.lines[1].text, "防贫救助 鱼塘受灾救助");
    assert_eq!(s.lines[5].serial.as_deref(), Some("PSBC10310099"));
}

#[test]
fn direction_marks_d_c_and_unsigned_amounts() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "记账日期,金额（元）,借贷方向,当前余额,备注\n\
2024/9/3,100.00,C,1100.00,存入\n\
2024/9/4,40.00,D,1060.00,\n\
2024/9/5,5.50,出,1054.50,\n\
2024/9/6,0.50,入,1055.00,\n";
    let s = read(&dir, "dc.csv", csv.as_bytes()).unwrap();
    assert_eq!(s.layout, "amount-direction");
    let amounts: Vec<i64> = s.lines.iter().map(|l| l.amount.fen()).collect();
    assert_eq!(amounts, [10_000, -4_000, -550, 50]);
    assert_eq!(s.opening, Some(fen("1000.00")));
    assert_eq!(s.closing, Some(fen("1055.00")));
    assert_eq!(s.lines[0].text, "存入");

    let bad = "记账日期,金额,借贷方向\n2024-09-03,1.00,X\n2024-09-04,1.00,\n2024-09-05,-1.00,贷\n";
    let errors = row_errors(read(&dir, "dc-bad.csv", bad.as_bytes()));
    let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2, 3, 4], "{errors:?}");
    assert!(errors[0].reason.contains("'X'"), "{}", errors[0].reason);
}

#[test]
fn expenses_printed_negative() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "交易日期,收入,支出,余额\n2024-09-01,100.00,,100.00\n2024-09-02,,-30.00,70.00\n2024-09-03,,-0.50,69.50\n";
    let s = read(&dir, "neg.csv", csv.as_bytes()).unwrap();
    let amounts: Vec<i64> = s.lines.iter().map(|l| l.amount.fen()).collect();
    assert_eq!(amounts, [10_000, -3_000, -50]);
    assert_eq!(s.opening, Some(Amount::ZERO));
}

#[test]
fn signed_amount_forms_and_units() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "日期,摘要,用途,发生额(元),余额（元）,对方户名,流水号\n\
2024年9月3日,分红,分红,\"¥1,234.50\",\"1,234.50\",某合作社,  \n\
2024-09-04 10:22:01,救助,,(50.00),\"1,184.50\",张某某,=\"000123\"\n\
2024.09.05,转出,,-84.50,\"1,100.00\",,'00124\n";
    let s = read(&dir, "signed.csv", csv.as_bytes()).unwrap();
    assert_eq!(s.layout, "signed-amount");
    let amounts: Vec<i64> = s.lines.iter().map(|l| l.amount.fen()).collect();
    assert_eq!(amounts, [123_450, -5_000, -8_450]);
    assert_eq!(s.opening, Some(Amount::ZERO));
    assert_eq!(s.closing, Some(fen("1100.00")));
    assert_eq!(s.lines[0].text, "分红");
    assert_eq!(s.lines[0].serial, None);
    assert_eq!(s.lines[1].serial.as_deref(), Some("000123"));
    assert_eq!(s.lines[2].serial.as_deref(), Some("00124"));
    assert_eq!(s.lines[1].date, day("2024-09-04"));
}

#[test]
fn xlsx_newest_first_with_number_and_date_cells() {
    let dir = tempfile::tempdir().unwrap();
    let s = read(&dir, "rcb.xlsx", &rcb_xlsx()).unwrap();
    assert_eq!(s.layout, "debit-credit");
    assert!(s.newest_first);
    assert_eq!(s.account_number.as_deref(), Some("8001 0000 1234 5678"));
    assert_eq!(s.account_name.as_deref(), Some("程村镇“631”资金专户"));
    assert_eq!(s.opening, Some(fen("2000000.00")));
    assert_eq!(s.closing, Some(fen("3977142.43")));
    assert_eq!(s.lines.len(), 7);
    let first = &s.lines[0];
    assert_eq!((first.row, first.date), (11, day("2024-11-01")));
    assert_eq!(first.amount, fen("1200000.00"));
    assert_eq!(first.serial.as_deref(), Some("RCB1101001"));
    let interest = s.lines.last().unwrap();
    assert_eq!((interest.row, interest.amount), (5, fen("1088.10")));
    assert_eq!(s.lines[4].amount, fen("-12345.67"));
    assert_eq!(s.lines[4].balance, Some(fen("3985654.33")));
}

#[test]
fn xlsx_float_noise_and_serial_dates() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().unwrap();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["交易日期", "交易金额", "余额"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_number(1, 0, 45538.0).unwrap();
    sheet.write_number(1, 1, 0.1).unwrap();
    sheet.write_number(1, 2, 0.1).unwrap();
    sheet.write_number(2, 0, 20240904.0).unwrap();
    sheet.write_number(2, 1, 0.2).unwrap();
    sheet.write_number(2, 2, 0.1 + 0.2).unwrap();
    sheet.write_number(3, 0, 45540.0).unwrap();
    sheet.write_number(3, 1, 1.005).unwrap();
    sheet.write_number(3, 2, 1.305).unwrap();
    let s = read(&dir, "noise.xlsx", &book.save_to_buffer().unwrap());
    let errors = row_errors(s);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors.iter().all(|e| e.line == 4), "{errors:?}");

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["交易日期", "交易金额", "余额"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_number(1, 0, 45538.0).unwrap();
    sheet.write_number(1, 1, 0.1).unwrap();
    sheet.write_number(1, 2, 0.1).unwrap();
    sheet.write_number(2, 0, 20240904.0).unwrap();
    sheet.write_number(2, 1, 0.2).unwrap();
    sheet.write_number(2, 2, 0.1 + 0.2).unwrap();
    let s = read(&dir, "noise2.xlsx", &book.save_to_buffer().unwrap()).unwrap();
    assert_eq!(s.lines[0].date, day("2024-09-03"));
    assert_eq!(s.lines[1].date, day("2024-09-04"));
    assert_eq!(s.lines[1].balance, Some(fen("0.30")));
    assert_eq!(s.closing, Some(fen("0.30")));
}

#[test]
fn mapping_names_other_columns() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "某银行流水,,,,,,,\n\
时间,收付,钱数,余额数,说明,附言,单号,对方\n\
20240903102201,I,500.00,1500.00,入账,分红款,S1,甲公司\n\
20240904080000,O,200.00,1300.00,出账,,S2,乙某\n";
    let path = write(&dir, "other.csv", csv.as_bytes());
    let map = write(
        &dir,
        "map.toml",
        "date = \"时间\"\ndate_format = \"%Y%m%d%H%M%S\"\namount = \"钱数\"\n\
direction = \"收付\"\nout_marks = [\"O\"]\nin_marks = [\"I\"]\nbalance = \"余额数\"\n\
text = [\"说明\", \"附言\"]\nserial = \"单号\"\ncounterparty = \"对方\"\n"
            .as_bytes(),
    );
    let mapping = ColumnMapping::load(&map).unwrap();
    let s = read_statement(&path, Encoding::Auto, Some(&mapping)).unwrap();
    assert_eq!(s.layout, format!("mapping {}", map.display()));
    assert_eq!(s.header_row, 2);
    assert_eq!(s.lines[0].date, day("2024-09-03"));
    assert_eq!(s.lines[0].amount, fen("500.00"));
    assert_eq!(s.lines[0].text, "入账 分红款");
    assert_eq!(s.lines[1].amount, fen("-200.00"));
    assert_eq!(s.lines[1].counterparty, "乙某");
    assert_eq!(s.opening, Some(fen("1000.00")));
    assert_eq!(s.closing, Some(fen("1300.00")));

    // header_row given, income/expense named.
    let csv = "日子,进,出\n2024-09-03,5.00,\n2024-09-04,,1.25\n";
    let path = write(&dir, "io.csv", csv.as_bytes());
    let map = write(
        &dir,
        "io.toml",
        b"date = \"\xe6\x97\xa5\xe5\xad\x90\"\nincome = \"\xe8\xbf\x9b\"\nexpense = \"\xe5\x87\xba\"\nheader_row = 1\n",
    );
    let mapping = ColumnMapping::load(&map).unwrap();
    let s = read_statement(&path, Encoding::Auto, Some(&mapping)).unwrap();
    let amounts: Vec<i64> = s.lines.iter().map(|l| l.amount.fen()).collect();
    assert_eq!(amounts, [500, -125]);
    assert_eq!((s.opening, s.closing), (None, None));

    // An unknown key names the mapping file; a missing column names the column.
    let bad = write(
        &dir,
        "bad.toml",
        "date = \"时间\"\namount = \"钱数\"\ncolour = 1\n".as_bytes(),
    );
    let errors = match ColumnMapping::load(&bad) {
        Err(Error::Input(e)) => e,
        other => panic!("{other:?}"),
    };
    assert_eq!(errors[0].file, bad.display().to_string());
    assert!(errors[0].reason.contains("colour"), "{}", errors[0].reason);
    let missing = ColumnMapping {
        date: "时间".into(),
        amount: Some("钱数".into()),
        balance: Some("结余".into()),
        header_row: Some(2),
        ..ColumnMapping::default()
    };
    let path = write(
        &dir,
        "other2.csv",
        "x\n时间,钱数\n20240903,1.00\n".as_bytes(),
    );
    let errors = row_errors(read_statement(&path, Encoding::Auto, Some(&missing)));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 2);
    assert!(errors[0].reason.contains("'结余'"), "{}", errors[0].reason);
    let both = ColumnMapping {
        date: "时间".into(),
        ..ColumnMapping::default()
    };
    assert!(read_statement(&path, Encoding::Auto, Some(&both)).is_err());
}

#[test]
fn newest_first_by_dates_or_by_balances() {
    let dir = tempfile::tempdir().unwrap();
    let csv =
        "交易日期,交易金额\n2024-09-05,3.00\n2024-09-04,-2.00\n2024-09-04,1.00\n2024-09-01,10.00\n";
    let s = read(&dir, "desc.csv", csv.as_bytes()).unwrap();
    assert!(s.newest_first);
    let rows: Vec<u64> = s.lines.iter().map(|l| l.row).collect();
    assert_eq!(rows, [5, 4, 3, 2]);
    assert_eq!((s.opening, s.closing), (None, None));

    // All on one day: only the balances tell.
    let csv = "交易日期,交易金额,余额\n2024-09-05,3.00,12.00\n2024-09-05,-2.00,9.00\n2024-09-05,1.00,11.00\n2024-09-05,10.00,10.00\n";
    let s = read(&dir, "sameday.csv", csv.as_bytes()).unwrap();
    assert!(s.newest_first);
    let rows: Vec<u64> = s.lines.iter().map(|l| l.row).collect();
    assert_eq!(rows, [5, 4, 3, 2]);
    assert_eq!(s.opening, Some(Amount::ZERO));
    assert_eq!(s.closing, Some(fen("12.00")));
}

#[test]
fn a_broken_balance_is_one_error_at_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let head = "\"期初余额：10,000.00\"\n交易日期,摘要,收入,支出,余额\n";
    // The amount misprinted on line 4: one error there, checking goes on from the balance.
    let csv = format!(
        "{head}2024-09-01,a,250.00,,\"10,250.00\"\n2024-09-02,b,270.00,,\"10,520.00\"\n2024-09-03,c,,20.00,\"10,500.00\"\n"
    );
    let csv = csv.replace("2024-09-02,b,270.00", "2024-09-02,b,207.00");
    let errors = row_errors(read(&dir, "one.csv", csv.as_bytes()));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, 4);
    assert_eq!(
        errors[0].to_string(),
        format!(
            "{}:4: balance does not agree: expected 10,457.00, the file has 10,520.00",
            dir.path().join("one.csv").display()
        )
    );
    assert_eq!(
        crate::i18n::message_in(
            crate::i18n::Lang::Zh,
            "bank-balance-mismatch",
            &[
                ("expected", crate::i18n::Arg::from("10,250.00")),
                ("found", crate::i18n::Arg::from("10,520.00"))
            ]
        ),
        "余额不符：应为 10,250.00，文件为 10,520.00"
    );

    // The balance misprinted (a typo on line 3): one error, not two.
    let csv =
        format!("{head}2024-09-01,a,250.00,,\"10,520.00\"\n2024-09-02,b,270.00,,\"10,520.00\"\n");
    let errors = row_errors(read(&dir, "typo.csv", csv.as_bytes()));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, 3);
    assert!(errors[0]
        .reason
        .contains("expected 10,250.00, the file has 10,520.00"));

    // The stated opening balance is checked against the first line too; two broken lines
    // are exactly two errors.
    let csv = "期初余额：100.00\n交易日期,收入,支出,余额\n2024-09-01,1.00,,102.00\n2024-09-02,1.00,,103.00\n2024-09-03,,5.00,99.00\n2024-09-04,,1.00,97.00\n";
    let errors = row_errors(read(&dir, "two.csv", csv.as_bytes()));
    let found: Vec<(u64, bool)> = errors
        .iter()
        .map(|e| {
            (
                e.line,
                e.reason.contains("expected 101.00, the file has 102.00"),
            )
        })
        .collect();
    assert_eq!(found, [(3, true), (5, false)], "{errors:?}");
    assert!(errors[1]
        .reason
        .contains("expected 98.00, the file has 99.00"));
}

#[test]
fn bad_rows_are_collected_together() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "交易日期,摘要,贷方发生额,借方发生额,余额\n\
2024-13-40,a,1.00,,\n\
2024-09-02,b,12.345,,\n\
2024-09-03,c,abc,,\n\
2024-09-04,d,5.00,6.00,\n\
2024-09-05,e,,,\n\
2024-09-06,f,1.00,,1x\n\
,g,1.00,,\n\
2024-09-07,h,1.00,,\n\
\n\
本页小计,,8.00,6.00,\n\
共 8 笔,,,,\n\
打印时间：2024-10-01,,,,\n";
    let errors = row_errors(read(&dir, "bad.csv", csv.as_bytes()));
    let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2, 3, 4, 5, 6, 7, 8], "{errors:?}");
    assert!(errors[0].reason.contains("2024-13-40"));
    assert!(errors[1].reason.contains("12.345"));
    assert!(errors[2].reason.contains("abc"));
    assert!(errors[3].reason.contains("both"));
    assert!(errors[4].reason.contains("no amount"));
    assert!(errors[5].reason.contains("1x"));
    let file = dir.path().join("bad.csv").display().to_string();
    assert!(errors.iter().all(|e| e.file == file));
}

#[test]
fn no_header_names_the_file_and_the_columns() {
    let dir = tempfile::tempdir().unwrap();
    let errors = row_errors(read(&dir, "none.csv", "a,b\n1,2\n".as_bytes()));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 0);
    assert!(errors[0].file.ends_with("none.csv"));
    assert!(errors[0].reason.contains("交易日期"));
    assert!(errors[0].reason.contains("贷方发生额"));
    let errors = row_errors(read(&dir, "empty.csv", b""));
    assert_eq!(errors.len(), 1);
}

#[test]
fn hostile_cells_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "交易日期,交易金额,余额,摘要\n\
2024-09-01,999999999999.99,999999999999.99,a\u{7}b\n\
2024-09-02,999999999999.99,,\n\
2024-09-03,99999999999999999999,,\n\
99999999,1,,\n\
2024-09-04,((1)),,\n";
    let errors = row_errors(read(&dir, "huge.csv", csv.as_bytes()));
    assert_eq!(errors.len(), 3, "{errors:?}");
    // Enough of the largest amounts to pass what i64 fen hold: an error, not a wrap.
    let mut csv = String::from("期初余额：999999999999.99\n交易日期,交易金额\n");
    for _ in 0..92_234 {
        csv.push_str("2024-09-01,999999999999.99\n");
    }
    let errors = row_errors(read(&dir, "sum.csv", csv.as_bytes()));
    assert_eq!(errors.len(), 1, "{:?}", &errors[..errors.len().min(3)]);
    assert!(errors[0].reason.contains("beyond"), "{}", errors[0].reason);
    let csv = "交易日期,交易金额,余额,摘要\n2024-09-01,1.00,1.00,a\u{7}b\u{0}c\n";
    let s = read(&dir, "ctl.csv", csv.as_bytes()).unwrap();
    assert_eq!(s.lines[0].text, "abc");
}

#[test]
fn dates_and_amounts_in_the_forms_banks_print() {
    for t in [
        "2024-09-03",
        "2024-9-3",
        "2024/9/3",
        "2024/09/03 10:22",
        "2024.09.03",
        "20240903",
        "20240903102201",
        "2024年9月3日",
        "2024-09-03T10:22:01",
    ] {
        assert_eq!(parse_date(t, None, false), Some(day("2024-09-03")), "{t}");
    }
    assert_eq!(parse_date("45538", None, true), Some(day("2024-09-03")));
    assert_eq!(parse_date("45538", None, false), None);
    assert_eq!(parse_date("2024-02-30", None, false), None);
    assert_eq!(parse_date("打印时间", None, false), None);
    let m = |t: &str| parse_money(t, false);
    assert_eq!(m("1,234.50"), Ok(Some(fen("1234.50"))));
    assert_eq!(m("¥1,234.50"), Ok(Some(fen("1234.50"))));
    assert_eq!(m("-50.00"), Ok(Some(fen("-50.00"))));
    assert_eq!(m("(50.00)"), Ok(Some(fen("-50.00"))));
    assert_eq!(m("（50.00）"), Ok(Some(fen("-50.00"))));
    assert_eq!(m("1234.50元"), Ok(Some(fen("1234.50"))));
    assert_eq!(m("RMB 7.00"), Ok(Some(fen("7.00"))));
    assert_eq!(m("-"), Ok(None));
    assert_eq!(m(""), Ok(None));
    assert_eq!(m("0"), Ok(Some(Amount::ZERO)));
    assert!(m("1.005").is_err());
    assert!(m("1e5").is_err());
    assert_eq!(
        parse_money("0.30000000000000004", true),
        Ok(Some(fen("0.30")))
    );
    assert!(parse_money("1.005", true).is_err());
}

#[test]
fn unquoted_opening_daily_subtotals_and_dated_trailers() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "期初余额: 1,234.00\n\
交易日期,摘要,收入,支出,余额\n\
2024-09-01,存入,10.00,,\"1,244.00\"\n\
2024-09-01,本日合计,10.00,0.00,\n\
2024-09-02,支取,,4.00,\"1,240.00\"\n\
2024-10-08 09:12:33 打印,,,,\n\
2024年10月8日打印,,,,\n";
    let s = read(&dir, "loose.csv", csv.as_bytes()).unwrap();
    assert_eq!(s.opening, Some(fen("1234.00")));
    assert_eq!(s.closing, Some(fen("1240.00")));
    assert_eq!(s.lines.len(), 2);
    assert_eq!(parse_money("¥ 1,234.50", false), Ok(Some(fen("1234.50"))));
}

#[test]
fn headers_as_banks_print_them() {
    let header: Vec<String> = [
        " 交易 日期 ",
        "交易时间",
        "借方发生额(支取)",
        "贷方发生额（元）",
        "收（付）款人名称",
        "收(付)款人账号",
        "柜员流水号",
        "联机余额",
        "交易附言",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let at = builtin_columns(&header);
    let col = |f: Field| at[f as usize];
    assert_eq!(col(Field::Date), Some(0));
    assert_eq!(col(Field::Expense), Some(2));
    assert_eq!(col(Field::Income), Some(3));
    assert_eq!(col(Field::Counterparty), Some(4));
    assert_eq!(col(Field::CounterpartyAccount), Some(5));
    assert_eq!(col(Field::Serial), Some(6));
    assert_eq!(col(Field::Balance), Some(7));
    assert_eq!(col(Field::Remark), Some(8));
    assert_eq!(col(Field::Amount), None);
}

#[test]
fn title_rows_in_their_forms() {
    let v =
        |cells: &[&str]| labelled_values(&cells.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(
        v(&["账号：6228 4800 1234 5678 901  币种：人民币"]),
        [
            ("账号".to_string(), "6228 4800 1234 5678 901".to_string()),
            ("币种".to_string(), "人民币".to_string())
        ]
    );
    assert_eq!(v(&["账  号:", "", "123"])[0], ("账号".into(), "123".into()));
    assert_eq!(v(&["户名", "某某"])[0], ("户名".into(), "某某".into()));
    assert_eq!(v(&["账号/卡号：62 28"])[0], ("账号".into(), "62 28".into()));
    assert_eq!(v(&["户名：", "账号：1"])[0], ("户名".into(), "".into()));
    let m: ColumnMapping = toml::from_str("date = \"a\"\namount = \"b\"\ntext = \"c\"\n").unwrap();
    assert_eq!(m.text, ["c"]);
    assert_eq!(
        v(&["户名：某镇专户，账号：1 2"]),
        [
            ("户名".into(), "某镇专户".into()),
            ("账号".into(), "1 2".into())
        ]
    );
}

/// The fixtures under tests/fixtures/bank read as their descriptions say.
#[test]
fn the_shared_fixtures_read() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bank");
    let expect: [(&str, &str, &str, &str, usize); 3] = [
        (
            "abc-debit-credit-gbk.csv",
            "6228 4800 1234 5678 901",
            "800000.00",
            "948319.56",
            8,
        ),
        (
            "signed-direction-utf8.csv",
            "9400 0012 3456 7890 12",
            "5000000.00",
            "5994480.00",
            6,
        ),
        (
            "rcb-newest-first.xlsx",
            "8001 0000 1234 5678",
            "2000000.00",
            "3977142.43",
            7,
        ),
    ];
    for (name, account, opening, closing, count) in expect {
        let s = read_statement(&dir.join(name), Encoding::Auto, None).unwrap();
        assert_eq!(s.account_number.as_deref(), Some(account), "{name}");
        assert_eq!(s.opening, Some(fen(opening)), "{name}");
        assert_eq!(s.closing, Some(fen(closing)), "{name}");
        assert_eq!(s.lines.len(), count, "{name}");
    }
    for (name, bytes) in fixtures() {
        if name.ends_with(".csv") {
            assert_eq!(
                std::fs::read(dir.join(name)).unwrap(),
                bytes,
                "{name} is stale"
            );
        }
    }
}

/// Writes the shared fixtures: `cargo test --lib write_bank_fixtures -- --ignored`.
#[test]
#[ignore]
fn write_bank_fixtures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bank");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in fixtures() {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

//! The sample statements under `tests/fixtures/bank/`.

/// The sample statements under `tests/fixtures/bank/`, for tests across the crate: (file name,
/// bytes). Regenerate them with `cargo test --lib write_bank_fixtures -- --ignored`.
pub(crate) fn fixtures() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("abc-debit-credit-gbk.csv", abc_csv()),
        (
            "signed-direction-utf8.csv",
            signed_direction_csv().into_bytes(),
        ),
        ("rcb-newest-first.xlsx", rcb_xlsx()),
    ]
}

/// 农业银行 style, GBK: title rows, 交易日期 as 20240902 with a separate 交易时间, debit and
/// credit columns, a 合计 row and a 打印时间 trailer.
pub(super) fn abc_csv() -> Vec<u8> {
    let text = "\
中国农业银行账户明细,,,,,,,,,
账号：6228 4800 1234 5678 901,,,,,,,,,
户名：阳西县程村镇防止返贫储备金专户,,,,,,,,,
起止日期：2024-09-01 至 2024-09-30,,,,,,,,,
\"期初余额：800,000.00\",,,,,,,,,
交易日期,交易时间,摘要,收入金额,支出金额,账户余额,对方户名,对方账号,交易流水号,用途
20240902,093015,转账,\"120,000.00\",,\"920,000.00\",阳西县光伏电站管理有限公司,4400 1234 5678 9000 111,ABC20240902001,光伏超额分红
20240905,101122,转账,,\"3,000.00\",\"917,000.00\",张某某,6217 0000 1111 2222 333,ABC20240905017,防贫救助金
20240910,152003,转账,\"45,600.00\",,\"962,600.00\",程村蚝产业合作社,4400 5555 6666 7777 888,ABC20240910004,产业收益倾斜
20240912,090501,转账,,\"12,000.00\",\"950,600.00\",中国人寿阳西支公司,4400 8888 9999 0000 123,ABC20240912009,防贫保保费
20240918,113045,转账,,\"1,500.00\",\"949,100.00\",李某某,6217 0000 4444 5555 666,ABC20240918002,助学补助
20240921,000000,结息,\"1,234.56\",,\"950,334.56\",,,ABC20240921000,
20240925,143318,转账,,\"2,000.00\",\"948,334.56\",王某某,6217 0000 7777 8888 999,ABC20240925011,就业奖补
20240930,170000,手续费,,15.00,\"948,319.56\",,,ABC20240930031,
合计,,,\"166,834.56\",\"18,515.00\",,,,,
打印时间：2024-10-08 09:12:33,,,,,,,,,
";
    encoding_rs::GBK.encode(text).0.into_owned()
}

/// A signed 交易金额 with a 借贷标志 beside it, UTF-8 with a byte-order mark: the account and
/// name in two cells each, no stated opening balance, dates with times, `共 N 笔` and a note.
pub(super) fn signed_direction_csv() -> String {
    "\u{feff}账户明细查询\n\
账号,9400 0012 3456 7890 12\n\
账户名称,资兴市防贫帮扶基金专户\n\
查询期间,2024-10-01至2024-10-31\n\
交易日期,摘要,交易金额,借贷标志,余额,对方账户名称,对方账号,交易参考号,附言\n\
2024-10-09 09:10:11,财政拨款,\"1,000,000.00\",贷,\"6,000,000.00\",资兴市财政局,1908 0000 0000 0001,PSBC10090001,防贫帮扶基金注资\n\
2024-10-12 14:03:55,防贫救助,\"-3,000.00\",借,\"5,997,000.00\",李某某,6221 8800 1234 0001,PSBC10120007,鱼塘受灾救助\n\
2024-10-15 11:20:00,防贫救助,\"-2,500.00\",借,\"5,994,500.00\",陈某某,6221 8800 1234 0002,PSBC10150003,因病救助\n\
2024-10-21 16:45:30,保险理赔,\"30,000.00\",贷,\"6,024,500.00\",某某保险公司,4300 1111 2222 3333,PSBC10210011,防贫保理赔款\n\
2024-10-21 16:50:02,防贫救助,\"-30,000.00\",借,\"5,994,500.00\",刘某某,6221 8800 1234 0003,PSBC10210012,理赔款转付\n\
2024-10-31 23:59:59,手续费,-20.00,借,\"5,994,480.00\",,,PSBC10310099,\n\
共 6 笔,,,,,,,,\n\
注：本明细仅供参考，以银行记账为准。,,,,,,,,\n"
        .to_string()
}

/// 农商银行 style workbook, newest first: a stated opening balance as a number cell beside
/// its label, date cells, number cells, debit and credit columns, a 合计 row.
pub(super) fn rcb_xlsx() -> Vec<u8> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let when = ExcelDateTime::from_ymd(2024, 12, 2)
        .unwrap()
        .and_hms(9, 0, 0)
        .unwrap();
    book.set_properties(&DocProperties::new().set_creation_datetime(&when));
    let sheet = book.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    sheet
        .write_string(0, 0, "广东阳西农村商业银行对账单")
        .unwrap();
    sheet
        .write_string(1, 0, "账号： 8001 0000 1234 5678")
        .unwrap();
    sheet
        .write_string(1, 3, "户名：程村镇“631”资金专户")
        .unwrap();
    sheet.write_string(2, 0, "期初余额：").unwrap();
    sheet.write_number(2, 1, 2_000_000.0).unwrap();
    sheet.write_string(2, 3, "币种：人民币").unwrap();
    let header = [
        "序号",
        "记账日期",
        "凭证号",
        "摘要",
        "借方发生额",
        "贷方发生额",
        "余额",
        "对方户名",
        "对方账号",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(3, c as u16, *h).unwrap();
    }
    // Oldest first here; written newest first.
    type Line = (
        u8,
        &'static str,
        &'static str,
        f64,
        f64,
        f64,
        &'static str,
        &'static str,
    );
    let lines: [Line; 7] = [
        (
            1,
            "RCB1101001",
            "省级拨付",
            0.0,
            1_200_000.0,
            3_200_000.0,
            "广东省财政厅",
            "4400 0000 0000 0001",
        ),
        (
            4,
            "RCB1104002",
            "市级配套",
            0.0,
            600_000.0,
            3_800_000.0,
            "佛山市财政局",
            "4400 0000 0000 0002",
        ),
        (
            6,
            "RCB1106003",
            "县级配套",
            0.0,
            200_000.0,
            4_000_000.0,
            "阳西县财政局",
            "4400 0000 0000 0003",
        ),
        (
            15,
            "RCB1115004",
            "就业奖补",
            2_000.0,
            0.0,
            3_998_000.0,
            "黄某某",
            "6228 0000 0000 0004",
        ),
        (
            20,
            "RCB1120005",
            "贷款贴息",
            12_345.67,
            0.0,
            3_985_654.33,
            "阳西县某农业公司",
            "4400 0000 0000 0005",
        ),
        (
            28,
            "RCB1128006",
            "防贫保保费",
            9_600.0,
            0.0,
            3_976_054.33,
            "中国人寿阳西支公司",
            "4400 0000 0000 0006",
        ),
        (
            30,
            "RCB1130007",
            "结息",
            0.0,
            1_088.10,
            3_977_142.43,
            "",
            "",
        ),
    ];
    for (i, (day, voucher, text, debit, credit, balance, who, account)) in
        lines.iter().rev().enumerate()
    {
        let r = 4 + i as u32;
        sheet.write_number(r, 0, (i + 1) as f64).unwrap();
        let d = ExcelDateTime::from_ymd(2024, 11, *day).unwrap();
        sheet.write_datetime_with_format(r, 1, &d, &date).unwrap();
        sheet.write_string(r, 2, *voucher).unwrap();
        sheet.write_string(r, 3, *text).unwrap();
        if *debit != 0.0 {
            sheet.write_number(r, 4, *debit).unwrap();
        }
        if *credit != 0.0 {
            sheet.write_number(r, 5, *credit).unwrap();
        }
        sheet.write_number(r, 6, *balance).unwrap();
        sheet.write_string(r, 7, *who).unwrap();
        sheet.write_string(r, 8, *account).unwrap();
    }
    sheet.write_string(11, 0, "合计").unwrap();
    sheet.write_number(11, 4, 23_945.67).unwrap();
    sheet.write_number(11, 5, 2_001_088.10).unwrap();
    book.save_to_buffer().unwrap()
}

//! Funds with rules of their own, end to end: funds.toml kept with its SHA-256, the 631 fund's
//! sources against 6:3:1 with the shortfall, 6·30 gifts restricted by purpose, the negative
//! list, and every refusal with its message, on every path that writes (`fund spend`,
//! `import postings`, `tilt --from-630`, `reverse`), with nothing written.

mod common;

use common::Town;

fn funded_town() -> Town {
    let town = Town::new();
    for args in [
        &[
            "fund",
            "contribute",
            "631",
            "--source",
            "省级",
            "--amount",
            "12000000",
            "--date",
            "2024-03-01",
        ][..],
        &[
            "fund",
            "contribute",
            "631",
            "--source",
            "帮扶市",
            "--amount",
            "6000000",
            "--date",
            "2024-03-15",
        ],
        &[
            "fund",
            "contribute",
            "631",
            "--source",
            "县级",
            "--amount",
            "1500000",
            "--date",
            "2024-04-10",
        ],
        &[
            "fund",
            "contribute",
            "630",
            "--donor",
            "珠海某爱心企业",
            "--amount",
            "50000",
            "--restricted",
            "助学",
            "--date",
            "2024-06-30",
        ],
        &[
            "fund",
            "contribute",
            "630",
            "--donor",
            "阳江市慈善会",
            "--amount",
            "3000",
            "--date",
            "2024-06-30",
        ],
        &[
            "fund",
            "contribute",
            "储备金",
            "--source",
            "光伏超额分红结余",
            "--amount",
            "800000",
            "--date",
            "2024-03-01",
        ],
    ] {
        town.run(args).ok();
    }
    town
}

fn holds(town: &Town, account: &str) -> String {
    town.balances()
        .into_iter()
        .find(|(a, _)| a == account)
        .map(|(_, b)| b)
        .unwrap_or_else(|| "0.00".into())
}

#[test]
fn contributions_and_spends_move_the_fund_and_its_bank_to_the_fen() {
    let town = funded_town();
    town.run(&[
        "fund",
        "spend",
        "630",
        "--purpose",
        "助学",
        "--household",
        "H0001",
        "--amount",
        "300",
        "--date",
        "2024-07-15",
    ])
    .ok();
    town.run(&[
        "fund",
        "spend",
        "631",
        "--purpose",
        "就业补贴",
        "--household",
        "H0031",
        "--amount",
        "1500",
        "--date",
        "2024-07-20",
    ])
    .ok();
    assert_eq!(holds(&town, "负债:专项应付款:631资金"), "-19498500.00");
    assert_eq!(holds(&town, "资产:银行存款:631专户"), "19498500.00");
    assert_eq!(holds(&town, "负债:专项应付款:6·30资金"), "-52700.00");
    assert_eq!(holds(&town, "资产:银行存款:储备金专户"), "800000.00");
    let list = town.run(&["fund", "list", "--format", "csv"]).ok().stdout;
    assert!(
        list.lines()
            .any(|l| l.starts_with("630,") && l.contains(",52700.00,\"助学 49,700.00\",")),
        "{list}"
    );
}

#[test]
fn the_631_year_shows_each_sources_share_and_the_shortfall() {
    let town = funded_town();
    let csv = town
        .run(&[
            "fund", "show", "631", "--year", "2024", "--format", "csv", "--lang", "en",
        ])
        .ok()
        .stdout;
    // Without a yearly total in the rules, the province's 12,000,000 at 60% implies 20,000,000.
    for row in [
        "省级,60%,12000000.00,12000000.00,0.00",
        "帮扶市,30%,6000000.00,6000000.00,0.00",
        "本市,10%,2000000.00,1500000.00,500000.00",
        "县级,7.5%,1500000.00,1500000.00,0.00",
        "市级,2.5%,500000.00,0.00,500000.00",
    ] {
        assert!(csv.lines().any(|l| l.starts_with(row)), "{row} in\n{csv}");
    }
    let text = town
        .run(&["fund", "show", "631", "--year", "2024"])
        .ok()
        .stdout;
    assert!(text.contains("未足额到位（缺口）：本市"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("合计")
                && l.ends_with("20,000,000.00  19,500,000.00  500,000.00")),
        "{text}"
    );
    // A yearly total in the rules is the expected total.
    town.write(
        "funds.toml",
        "[[fund.631.sources]]\nname = \"省级\"\nshare = \"60%\"\n\
         [[fund.631.sources]]\nname = \"帮扶市\"\nshare = \"30%\"\n\
         [[fund.631.sources]]\nname = \"本市\"\nshare = \"10%\"\nparts = { \"市级\" = \"2.5%\", \"县级\" = \"7.5%\" }\n\
         [fund.631.yearly_total]\n2024 = \"30000000\"\n",
    );
    town.run(&["fund", "rules", "funds.toml"]).ok();
    let csv = town
        .run(&[
            "fund", "show", "631", "--year", "2024", "--format", "csv", "--lang", "en",
        ])
        .ok()
        .stdout;
    assert!(
        csv.lines()
            .any(|l| l.starts_with("省级,60%,18000000.00,12000000.00,6000000.00")),
        "{csv}"
    );
}

#[test]
fn restricted_money_is_spent_on_its_purpose_only() {
    let town = funded_town();
    let before = town.balances();
    // 3,000 unrestricted: a 5,000 慰问 would take 2,000 given for 助学.
    let r = town
        .run(&[
            "fund",
            "spend",
            "630",
            "--purpose",
            "慰问",
            "--amount",
            "5000",
            "--date",
            "2024-07-20",
        ])
        .fails(1);
    assert!(
        r.stderr.contains(
            "fund 630 (6·30扶贫济困捐赠): on 2024-07-20 voucher 2024-07-0001 (for 慰问) would spend money given for another purpose: its unrestricted money would hold -2,000.00 (restricted: 助学 50,000.00)"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(town.balances(), before);
    // 助学 may use its own money and then the unrestricted money.
    town.run(&[
        "fund",
        "spend",
        "630",
        "--purpose",
        "助学",
        "--amount",
        "52000",
        "--date",
        "2024-07-20",
    ])
    .ok();
    let r = town
        .run(&[
            "fund",
            "spend",
            "630",
            "--purpose",
            "助学",
            "--amount",
            "1000.01",
            "--date",
            "2024-07-21",
        ])
        .fails(1);
    assert!(
        r.stderr
            .contains("would hold -0.01 at the end of 2024-07-21"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_spend_dated_before_its_money_arrives_is_refused() {
    let town = funded_town();
    let r = town
        .run(&[
            "fund",
            "spend",
            "630",
            "--purpose",
            "助学",
            "--amount",
            "300",
            "--date",
            "2024-06-29",
        ])
        .fails(1);
    assert!(
        r.stderr
            .contains("would hold -300.00 at the end of 2024-06-29"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_negative_list_and_unknown_purposes_and_sources_are_refused() {
    let town = funded_town();
    let before = town.balances();
    let r = town
        .run(&[
            "fund",
            "spend",
            "631",
            "--purpose",
            "发放福利",
            "--amount",
            "100",
            "--date",
            "2024-07-20",
        ])
        .fails(1);
    assert!(
        r.stderr.contains("发放福利 is on fund 631's negative list (the standard rules): its money is never spent on it"),
        "{}",
        r.stderr
    );
    let r = town
        .run(&[
            "fund",
            "spend",
            "630",
            "--purpose",
            "打麻将",
            "--amount",
            "100",
            "--date",
            "2024-07-20",
        ])
        .fails(1);
    assert!(
        r.stderr.contains("fund 630 has no purpose 打麻将"),
        "{}",
        r.stderr
    );
    let r = town
        .run(&[
            "fund",
            "contribute",
            "631",
            "--source",
            "外省",
            "--amount",
            "100",
            "--date",
            "2024-07-20",
        ])
        .fails(1);
    assert!(
        r.stderr.contains("fund 631 takes no money from 外省"),
        "{}",
        r.stderr
    );
    let r = town
        .run(&[
            "fund",
            "contribute",
            "631",
            "--amount",
            "100",
            "--date",
            "2024-07-20",
        ])
        .fails(1);
    assert!(r.stderr.contains("give --source"), "{}", r.stderr);
    let r = town
        .run(&[
            "fund",
            "contribute",
            "630",
            "--amount",
            "100",
            "--date",
            "2024-07-20",
        ])
        .fails(1);
    assert!(r.stderr.contains("give --donor"), "{}", r.stderr);
    assert_eq!(town.balances(), before);
}

#[test]
fn a_voucher_file_names_fund_purpose_source_and_donor_and_every_bad_row_is_reported() {
    let town = funded_town();
    town.write(
        "v.csv",
        "凭证号,日期,科目,金额,摘要,资金,用途,来源,捐赠方\n\
         G1,2024-07-01,资产:银行存款:基本户,20000,定向助医捐款,630,助医,,某商会\n\
         G1,2024-07-01,负债:专项应付款:6·30资金,-20000,定向助医捐款,,,,\n\
         S1,2024-07-02,负债:专项应付款:6·30资金,800,助医,,助医,,\n\
         S1,2024-07-02,资产:银行存款:基本户,-800,助医,,,,\n",
    );
    town.run(&["import", "postings", "v.csv"]).ok();
    let csv = town
        .run(&[
            "fund", "show", "630", "--year", "2024", "--format", "csv", "--lang", "en",
        ])
        .ok()
        .stdout;
    assert!(
        csv.lines()
            .any(|l| l.starts_with("restricted：助医,0.00,20000.00,800.00,19200.00")),
        "{csv}"
    );
    assert!(
        csv.lines().any(|l| l.contains(",某商会,助医,20000.00")),
        "{csv}"
    );

    let before = town.balances();
    town.write(
        "bad.csv",
        "txn_id,date,account,amount,memo,fund,purpose,source,donor\n\
         B1,2024-08-01,负债:专项应付款:631资金,100,x,631,发放福利,,\n\
         B1,2024-08-01,资产:银行存款:631专户,-100,x,,,,\n\
         B2,2024-08-01,负债:专项应付款:6·30资金,100,x,631,,,\n\
         B2,2024-08-01,资产:银行存款:基本户,-100,x,,,,\n\
         B3,2024-08-01,支出:管理费用,100,x,,就业补贴,,\n\
         B3,2024-08-01,资产:银行存款:基本户,-100,x,,,,\n\
         B4,2024-08-01,支出:管理费用,100,x,储备金,临时救助,,\n\
         B4,2024-08-01,资产:银行存款:基本户,-100,x,,,,\n\
         B5,2024-08-01,资产:银行存款:基本户,100,x,基金会,,,\n\
         B5,2024-08-01,负债:专项应付款:6·30资金,-100,x,,,,\n\
         B6,2024-08-01,资产:银行存款:631专户,100,x,631,,外星,\n\
         B6,2024-08-01,负债:专项应付款:631资金,-100,x,,,,\n",
    );
    let r = town
        .run(&["import", "postings", "bad.csv", "--create-accounts"])
        .fails(1);
    for expected in [
        "bad.csv:2: 发放福利 is on fund 631's negative list",
        "bad.csv:4: the row names fund 631 but its account 负债:专项应付款:6·30资金 belongs to fund 630",
        "bad.csv:6: the row gives a purpose, source, donor or project, but names no fund",
        "bad.csv:8: the row names fund reserve, but the voucher posts nothing to its account 负债:专项应付款:防止返贫储备金",
        "bad.csv:10: no fund 基金会",
        "bad.csv:13: fund 631 takes no money from 外星",
    ] {
        assert!(r.stderr.contains(expected), "{expected} in\n{}", r.stderr);
    }
    assert!(
        r.stderr.contains("6 errors in input; nothing was written"),
        "{}",
        r.stderr
    );
    assert_eq!(town.balances(), before);
}

#[test]
fn the_tilt_takes_unrestricted_6_30_money_only() {
    let town = funded_town();
    town.run(&[
        "project",
        "add",
        "pv",
        "--name",
        "光伏",
        "--invested",
        "3500000",
        "--rate",
        "0.1",
    ])
    .ok();
    town.run(&[
        "dividend",
        "record",
        "pv",
        "--date",
        "2024-12-20",
        "--amount",
        "350000",
    ])
    .ok();
    let before = town.balances();
    let r = town
        .run(&[
            "tilt",
            "--year",
            "2024",
            "--share",
            "0.12",
            "--from-630",
            "3000.01",
            "--date",
            "2024-12-28",
        ])
        .fails(1);
    assert!(
        r.stderr.contains("would spend money given for another purpose: its unrestricted money would hold -0.01 (restricted: 助学 50,000.00)"),
        "{}",
        r.stderr
    );
    assert_eq!(town.balances(), before);
    town.run(&[
        "tilt",
        "--year",
        "2024",
        "--share",
        "0.12",
        "--from-630",
        "3000",
        "--date",
        "2024-12-28",
    ])
    .ok();
    assert_eq!(holds(&town, "负债:专项应付款:6·30资金"), "-50000.00");
}

#[test]
fn a_reversal_says_what_the_original_said_and_cannot_unspend_a_gift() {
    let town = funded_town();
    town.run(&[
        "fund",
        "spend",
        "630",
        "--purpose",
        "助学",
        "--amount",
        "50000",
        "--date",
        "2024-07-15",
    ])
    .ok();
    // Taking back the 3,000 unrestricted gift is fine; taking back the 50,000 given for 助学,
    // now spent, is not.
    town.run(&[
        "reverse",
        "2024-06-0002",
        "--reason",
        "退回捐赠",
        "--date",
        "2024-07-16",
    ])
    .ok();
    let r = town
        .run(&[
            "reverse",
            "2024-06-0001",
            "--reason",
            "退回捐赠",
            "--date",
            "2024-07-16",
        ])
        .fails(1);
    assert!(
        r.stderr
            .contains("would hold -50,000.00 at the end of 2024-07-16"),
        "{}",
        r.stderr
    );
    // Reversing the spend gives the money back to 助学.
    town.run(&[
        "reverse",
        "2024-07-0001",
        "--reason",
        "退款",
        "--date",
        "2024-07-17",
    ])
    .ok();
    let list = town.run(&["fund", "list", "--format", "csv"]).ok().stdout;
    assert!(
        list.lines()
            .any(|l| l.starts_with("630,") && l.contains(",\"助学 50,000.00\",")),
        "{list}"
    );
}

#[test]
fn rules_files_are_kept_with_their_sha256_and_bad_ones_name_every_line() {
    let town = Town::new();
    let standard = town.run(&["fund", "rules"]).ok().stdout;
    assert!(standard.starts_with("# the standard rules"), "{standard}");
    assert!(standard.contains("[fund.631]"), "{standard}");
    let demo = common::demo_dir().join("funds.toml");
    let demo = demo.to_str().unwrap();
    let loaded = town.run(&["fund", "rules", demo]).ok().stdout;
    assert!(
        loaded.starts_with("fund rules funds.toml loaded (version 1, sha256 "),
        "{loaded}"
    );
    let again = town.run(&["fund", "rules", demo]).ok().stdout;
    assert!(
        again.contains("are the rules in force already (version 1"),
        "{again}"
    );
    let shown = town.run(&["fund", "rules"]).ok().stdout;
    assert!(shown.starts_with("# funds.toml · v1 · sha256 "), "{shown}");
    assert_eq!(town.count("SELECT COUNT(*) FROM fund_rules"), 1);

    town.write(
        "bad.toml",
        "[fund.631]\npurposes = [\"甲\"]\nforbidden = [\"甲\"]\n\n[fund.nope]\npurposes = []\n\n\
         [[fund.630.sources]]\nname = \"a\"\nshare = \"50%\"\n",
    );
    let r = town.run(&["fund", "rules", "bad.toml"]).fails(1);
    for expected in [
        "bad.toml:1: [fund.631] 甲 is both a purpose and on the negative list",
        "bad.toml:5: no fund nope is registered",
        "bad.toml:8: [fund.630] the sources' shares add up to 50%, not 100%",
    ] {
        assert!(r.stderr.contains(expected), "{expected} in\n{}", r.stderr);
    }
    town.write(
        "float.toml",
        "[[fund.631.sources]]\nname = \"省级\"\nshare = 0.6\n",
    );
    let r = town.run(&["fund", "rules", "float.toml"]).fails(1);
    assert!(r.stderr.contains("float.toml:3:"), "{}", r.stderr);
    assert_eq!(town.count("SELECT COUNT(*) FROM fund_rules"), 1);
}

#[test]
fn a_gift_in_kind_is_kept_at_its_value_never_as_cash() {
    let town = Town::new();
    town.run(&[
        "fund",
        "contribute",
        "630",
        "--donor",
        "某超市",
        "--amount",
        "6000",
        "--in-kind",
        "--restricted",
        "慰问",
        "--date",
        "2024-07-01",
    ])
    .ok();
    assert_eq!(holds(&town, "资产:受赠物资"), "6000.00");
    assert_eq!(holds(&town, "资产:银行存款:基本户"), "0.00");
    assert_eq!(holds(&town, "负债:专项应付款:6·30资金"), "-6000.00");
    // No cash came in: paying cash is refused, handing out the goods is not.
    let r = town
        .run(&[
            "fund",
            "spend",
            "630",
            "--purpose",
            "慰问",
            "--amount",
            "500",
            "--date",
            "2024-07-02",
        ])
        .fails(1);
    assert!(
        r.stderr
            .contains("资产:银行存款:基本户 would hold -500.00 at the end of 2024-07-02"),
        "{}",
        r.stderr
    );
    town.run(&[
        "fund",
        "spend",
        "630",
        "--purpose",
        "慰问",
        "--amount",
        "5000",
        "--in-kind",
        "--date",
        "2024-07-02",
    ])
    .ok();
    let r = town
        .run(&[
            "fund",
            "spend",
            "630",
            "--purpose",
            "慰问",
            "--amount",
            "1000.01",
            "--in-kind",
            "--date",
            "2024-07-03",
        ])
        .fails(1);
    assert!(
        r.stderr
            .contains("would hold -0.01 at the end of 2024-07-03"),
        "{}",
        r.stderr
    );
    assert_eq!(holds(&town, "资产:受赠物资"), "1000.00");
}

#[test]
fn a_dividends_excess_over_the_expected_income_goes_to_the_reserve_fund() {
    let town = Town::new();
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
    let r = town
        .run(&[
            "dividend",
            "record",
            "pv",
            "--date",
            "2024-12-25",
            "--amount",
            "525000",
            "--excess-to",
            "储备金",
        ])
        .fails(1);
    assert!(
        r.stderr
            .contains("pv paid 525,000.00, not more than its expected income 525,000.00"),
        "{}",
        r.stderr
    );
    let r = town
        .run(&[
            "dividend",
            "record",
            "pv",
            "--date",
            "2024-12-25",
            "--amount",
            "600000",
            "--upkeep",
            "25000",
            "--excess-to",
            "储备金",
        ])
        .ok();
    assert!(
        r.stdout.contains("75,000.00 above the expected income set aside into fund reserve (超额分红); the project's income is 500,000.00"),
        "{}",
        r.stdout
    );
    assert_eq!(holds(&town, "负债:专项应付款:防止返贫储备金"), "-75000.00");
    // The bank received the whole 575,000.00; the project's income is what was expected.
    assert_eq!(holds(&town, "资产:银行存款:基本户"), "575000.00");
    assert!(
        town.balances()
            .iter()
            .any(|(a, b)| a.starts_with("收入:") && b == "-525000.00"),
        "{:?}",
        town.balances()
    );
    let show = town
        .run(&["fund", "show", "reserve", "--format", "csv", "--lang", "en"])
        .ok()
        .stdout;
    assert!(
        show.lines()
            .any(|l| l.contains(",长角水库光伏超额分红,,75000.00")),
        "{show}"
    );
    // The tilt takes its share of the income, not of what went to the reserve fund.
    let tilt = town
        .run(&[
            "tilt",
            "--year",
            "2024",
            "--share",
            "0.12",
            "--date",
            "2024-12-31",
        ])
        .ok()
        .stdout;
    assert!(tilt.contains("60,000.00"), "{tilt}");
}

#[test]
fn a_csv_export_carries_the_fund_tags_and_reimports_to_the_same_restricted_money() {
    let town = funded_town();
    town.run(&[
        "fund",
        "spend",
        "630",
        "--purpose",
        "助学",
        "--amount",
        "300",
        "--date",
        "2024-07-15",
    ])
    .ok();
    let export = town.run(&["export", "--format", "csv"]).ok().stdout;
    assert!(
        export.starts_with(
            "txn_id,date,account,amount,memo,household,ref,fund,purpose,source,donor,project\n"
        ),
        "{export}"
    );
    assert!(export.contains(",630,助学,,珠海某爱心企业,"), "{export}");
    let other = Town::new();
    other.write("export.csv", &export);
    other
        .run(&["import", "postings", "export.csv", "--create-accounts"])
        .ok();
    let list = |t: &Town| t.run(&["fund", "list", "--format", "csv"]).ok().stdout;
    assert_eq!(list(&other), list(&town));
    assert!(
        list(&other).contains("\"助学 49,700.00\""),
        "{}",
        list(&other)
    );
}

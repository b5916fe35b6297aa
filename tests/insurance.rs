//! Anti-poverty insurance 防贫保 end to end: the roster from the register, the premium paid to
//! the insurer (not the households) from a fund, claims received and passed on, and every
//! refusal with nothing written.

mod common;

use common::Town;

fn insured_town() -> Town {
    let town = Town::new();
    let households = common::demo_dir().join("households.csv");
    town.run(&[
        "households",
        "import",
        households.to_str().unwrap(),
        "--effective",
        "2024-01-01",
    ])
    .ok();
    town.run(&[
        "fund",
        "contribute",
        "631",
        "--source",
        "省级",
        "--amount",
        "60000",
        "--date",
        "2024-03-01",
    ])
    .ok();
    town
}

fn holds(town: &Town, account: &str) -> String {
    town.balances()
        .into_iter()
        .find(|(a, _)| a == account)
        .map(|(_, b)| b)
        .unwrap_or_else(|| "0.00".into())
}

const ENROLL: &[&str] = &[
    "insurance",
    "enroll",
    "--year",
    "2024",
    "--per-member",
    "400",
    "--insurer",
    "太平洋财险",
    "--categories",
    "unstable,marginal,sudden",
];

#[test]
fn the_roster_comes_from_the_register_and_the_premium_goes_to_the_insurer() {
    let town = insured_town();
    let r = town.run(ENROLL).ok();
    // The demo register: 36 households of the three categories, 134 people.
    assert!(
        r.stdout.contains(
            "2024: 36 households, 134 persons × 400.00 = premium 53,600.00, payable to 太平洋财险"
        ),
        "{}",
        r.stdout
    );
    let again = town.run(ENROLL).fails(1);
    assert!(
        again.stderr.contains("2024 has a roster already"),
        "{}",
        again.stderr
    );

    // The reserve fund may not pay premiums (its rules: 临时救助 only).
    let before = town.balances();
    let r = town
        .run(&[
            "insurance",
            "pay-premium",
            "2024",
            "--date",
            "2024-03-10",
            "--from",
            "储备金",
        ])
        .fails(1);
    assert!(
        r.stderr.contains("fund reserve has no purpose 防贫保保费"),
        "{}",
        r.stderr
    );
    assert_eq!(town.balances(), before);

    let voucher = town
        .run(&[
            "insurance",
            "pay-premium",
            "2024",
            "--date",
            "2024-03-10",
            "--from",
            "631",
        ])
        .ok()
        .stdout;
    assert_eq!(voucher.trim(), "2024-03-0002");
    assert_eq!(holds(&town, "负债:专项应付款:631资金"), "-6400.00");
    assert_eq!(holds(&town, "资产:银行存款:631专户"), "6400.00");
    // The premium is the insurer's: no household is paid or owed anything.
    assert!(!town
        .balances()
        .iter()
        .any(|(a, _)| a.starts_with("负债:应付款:农户")));
    let r = town
        .run(&[
            "insurance",
            "pay-premium",
            "2024",
            "--date",
            "2024-03-11",
            "--from",
            "631",
        ])
        .fails(1);
    assert!(
        r.stderr
            .contains("the 2024 premium was paid already (voucher 2024-03-0002)"),
        "{}",
        r.stderr
    );
    // Money returned by the insurer: the premium is unpaid again.
    town.run(&[
        "reverse",
        "2024-03-0002",
        "--reason",
        "保险公司退回",
        "--date",
        "2024-03-12",
    ])
    .ok();
    town.run(&[
        "insurance",
        "pay-premium",
        "2024",
        "--date",
        "2024-03-13",
        "--from",
        "631",
    ])
    .ok();
    let show = town
        .run(&["insurance", "show", "2024", "--format", "csv"])
        .ok()
        .stdout;
    assert!(
        show.lines()
            .any(|l| l.starts_with("H0001,胡荔村 叶建国,4,1600.00")),
        "{show}"
    );
}

#[test]
fn a_premium_larger_than_the_fund_holds_is_refused() {
    let town = insured_town();
    town.run(ENROLL).ok();
    town.run(&[
        "fund",
        "spend",
        "631",
        "--purpose",
        "就业补贴",
        "--amount",
        "10000",
        "--date",
        "2024-03-05",
    ])
    .ok();
    let before = town.balances();
    let r = town
        .run(&[
            "insurance",
            "pay-premium",
            "2024",
            "--date",
            "2024-03-10",
            "--from",
            "631",
        ])
        .fails(1);
    assert!(
        r.stderr
            .contains("would hold -3,600.00 at the end of 2024-03-10"),
        "{}",
        r.stderr
    );
    assert_eq!(town.balances(), before);
}

#[test]
fn claims_are_received_for_insured_households_and_passed_on() {
    let town = insured_town();
    town.run(ENROLL).ok();
    // H0007 is 关注户: not insured.
    let r = town
        .run(&[
            "insurance",
            "claim",
            "--household",
            "H0007",
            "--amount",
            "3000",
            "--cause",
            "意外",
            "--date",
            "2024-10-08",
        ])
        .fails(1);
    assert!(
        r.stderr
            .contains("H0007 is not on the 2024 insurance roster"),
        "{}",
        r.stderr
    );
    let r = town
        .run(&[
            "insurance",
            "claim",
            "--household",
            "H0001",
            "--amount",
            "30000",
            "--cause",
            "意外",
            "--date",
            "2024-10-08",
        ])
        .ok();
    assert_eq!(r.stdout.trim(), "claim 1: 2024-10-0001");
    assert_eq!(holds(&town, "负债:应付款:农户:H0001"), "-30000.00");
    town.run(&[
        "insurance",
        "claim",
        "--household",
        "H0038",
        "--amount",
        "8000",
        "--cause",
        "意外",
        "--date",
        "2024-10-09",
        "--paid",
    ])
    .ok();
    assert_eq!(holds(&town, "负债:应付款:农户:H0038"), "0.00");
    let r = town
        .run(&["insurance", "pay-claims", "--date", "2024-10-07"])
        .fails(1);
    assert!(
        r.stderr.contains("claim 1 was received on 2024-10-08"),
        "{}",
        r.stderr
    );
    let r = town
        .run(&["insurance", "pay-claims", "--date", "2024-10-10"])
        .ok();
    assert_eq!(r.stdout.trim(), "claim 1 passed on: 2024-10-0004");
    assert_eq!(holds(&town, "负债:应付款:农户:H0001"), "0.00");
    let r = town
        .run(&["insurance", "pay-claims", "--date", "2024-10-11"])
        .fails(1);
    assert!(
        r.stderr.contains("every claim received has been passed on"),
        "{}",
        r.stderr
    );
    let report = town
        .run(&[
            "fund",
            "show",
            "insurance",
            "--format",
            "csv",
            "--lang",
            "en",
        ])
        .ok()
        .stdout;
    assert!(
        report
            .lines()
            .any(|l| l.starts_with("2024,太平洋财险,36,134,53600.00,not paid,2,38000.00")),
        "{report}"
    );
    // The statement of the household shows the claim.
    town.run(&[
        "statement",
        "household",
        "H0001",
        "--year",
        "2024",
        "--out",
        "H0001.csv",
    ])
    .ok();
    let statement = std::fs::read_to_string(town.path("H0001.csv")).unwrap();
    assert!(statement.contains("防贫保理赔款"), "{statement}");
}

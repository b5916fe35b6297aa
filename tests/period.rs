//! Closing the books: `period close` checks the books and closes the month and every earlier
//! one; then every command that writes refuses a date in them (one test each), with nothing
//! written; a reopen needs a reason and someone other than who closed it.

mod common;

use common::Town;

/// A town with the demo register, money in its funds and a project, the books closed through
/// 2024-06 by 镇财务.
fn closed_town() -> Town {
    let town = open_town();
    let r = town.run_as("镇财务", &["period", "close", "2024-06"]).ok();
    assert!(
        r.stdout
            .contains("the books are closed through 2024-06: 4 transactions verified"),
        "{}",
        r.stdout
    );
    town
}

/// [`closed_town`] before the close.
fn open_town() -> Town {
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
    for args in [
        &[
            "fund",
            "contribute",
            "631",
            "--source",
            "省级",
            "--amount",
            "600000",
            "--date",
            "2024-03-01",
        ][..],
        &[
            "fund",
            "contribute",
            "630",
            "--donor",
            "某企业",
            "--amount",
            "50000",
            "--date",
            "2024-03-01",
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
        &[
            "project",
            "add",
            "pv",
            "--name",
            "光伏",
            "--invested",
            "3500000",
            "--rate",
            "0.15",
        ],
        &[
            "dividend",
            "record",
            "pv",
            "--date",
            "2024-03-20",
            "--amount",
            "500000",
        ],
    ] {
        town.run(args).ok();
    }
    town
}

/// `args` is refused for a date in the closed period, naming it, and nothing is written.
fn refused(town: &Town, args: &[&str], date: &str) {
    refused_through(town, args, date, "2024-06")
}

/// [`refused`], the books closed through `through`.
fn refused_through(town: &Town, args: &[&str], date: &str, through: &str) {
    let before = town.balances();
    let rows = town.count("SELECT COUNT(*) FROM transactions");
    let r = town.run(args).fails(1);
    assert!(
        r.stderr.contains(&format!(
            "{date} lies in a closed period (the books are closed through {through}, by 镇财务"
        )),
        "{args:?}: {}",
        r.stderr
    );
    assert_eq!(town.balances(), before, "{args:?}");
    assert_eq!(
        town.count("SELECT COUNT(*) FROM transactions"),
        rows,
        "{args:?}"
    );
}

#[test]
fn import_postings_refuses_a_closed_period() {
    let town = closed_town();
    town.write(
        "v.csv",
        "txn_id,date,account,amount,memo\n\
         A,2024-07-01,资产:银行存款:基本户,10,x\nA,2024-07-01,收入:其他收入,-10,x\n\
         B,2024-06-30,资产:银行存款:基本户,10,x\nB,2024-06-30,收入:其他收入,-10,x\n",
    );
    let r = town
        .run(&["import", "postings", "v.csv", "--create-accounts"])
        .fails(1);
    assert!(
        r.stderr
            .contains("v.csv:4: 2024-06-30 lies in a closed period"),
        "{}",
        r.stderr
    );
    assert_eq!(town.count("SELECT COUNT(*) FROM transactions"), 4);
}

#[test]
fn reverse_refuses_a_closed_period_and_corrects_into_an_open_one() {
    let town = closed_town();
    refused(
        &town,
        &[
            "reverse",
            "2024-03-0002",
            "--reason",
            "退回",
            "--date",
            "2024-06-30",
        ],
        "2024-06-30",
    );
    town.run(&[
        "reverse",
        "2024-03-0002",
        "--reason",
        "退回",
        "--date",
        "2024-07-01",
    ])
    .ok();
}

#[test]
fn dividend_record_refuses_a_closed_period() {
    let town = closed_town();
    refused(
        &town,
        &[
            "dividend",
            "record",
            "pv",
            "--date",
            "2024-06-20",
            "--amount",
            "500000",
        ],
        "2024-06-20",
    );
    town.run(&[
        "dividend",
        "record",
        "pv",
        "--date",
        "2024-07-20",
        "--amount",
        "500000",
    ])
    .ok();
}

#[test]
fn tilt_refuses_a_closed_period() {
    let town = closed_town();
    refused(
        &town,
        &[
            "tilt",
            "--year",
            "2024",
            "--share",
            "0.12",
            "--date",
            "2024-05-31",
        ],
        "2024-05-31",
    );
    town.run(&[
        "tilt",
        "--year",
        "2024",
        "--share",
        "0.12",
        "--date",
        "2024-12-31",
    ])
    .ok();
}

#[test]
fn fund_contribute_and_spend_refuse_a_closed_period() {
    let town = closed_town();
    refused(
        &town,
        &[
            "fund",
            "contribute",
            "631",
            "--source",
            "帮扶市",
            "--amount",
            "300000",
            "--date",
            "2024-06-15",
        ],
        "2024-06-15",
    );
    refused(
        &town,
        &[
            "fund",
            "spend",
            "631",
            "--purpose",
            "就业补贴",
            "--amount",
            "1500",
            "--date",
            "2024-01-31",
        ],
        "2024-01-31",
    );
    town.run(&[
        "fund",
        "spend",
        "631",
        "--purpose",
        "就业补贴",
        "--amount",
        "1500",
        "--date",
        "2024-07-01",
    ])
    .ok();
}

#[test]
fn grants_refuse_a_closed_period() {
    let town = closed_town();
    let apply = |date: &str| {
        let mut args = vec![
            "grant",
            "apply",
            "--household",
            "H0015",
            "--fund",
            "储备金",
            "--amount",
            "3000",
            "--cause",
            "因灾",
            "--loss",
            "20000",
        ];
        args.extend(["--date", date]);
        args.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let owned = apply("2024-06-10");
    let args: Vec<&str> = owned.iter().map(String::as_str).collect();
    let r = town.run_as("村文书", &args).fails(1);
    assert!(
        r.stderr.contains("2024-06-10 lies in a closed period"),
        "{}",
        r.stderr
    );
    let owned = apply("2024-07-10");
    let args: Vec<&str> = owned.iter().map(String::as_str).collect();
    town.run_as("村文书", &args).ok();
    let r = town
        .run_as(
            "村文书",
            &[
                "grant",
                "review",
                "G1",
                "--gate",
                "village",
                "--pass",
                "--by",
                "村委",
                "--date",
                "2024-06-30",
            ],
        )
        .fails(1);
    assert!(
        r.stderr.contains("2024-06-30 lies in a closed period"),
        "{}",
        r.stderr
    );
    for (gate, by) in [
        ("village", "村委"),
        ("data", "民政比对"),
        ("sector", "镇农办"),
    ] {
        town.run_as(
            "村文书",
            &[
                "grant", "review", "G1", "--gate", gate, "--pass", "--by", by,
            ],
        )
        .ok();
    }
    refused(
        &town,
        &["grant", "pay", "G1", "--date", "2024-06-30", "--by", "出纳"],
        "2024-06-30",
    );
}

#[test]
fn insurance_refuses_a_closed_period() {
    let town = closed_town();
    town.run(&[
        "insurance",
        "enroll",
        "--year",
        "2024",
        "--per-member",
        "400",
        "--insurer",
        "太平洋财险",
    ])
    .ok();
    refused(
        &town,
        &[
            "insurance",
            "pay-premium",
            "2024",
            "--date",
            "2024-03-10",
            "--from",
            "631",
        ],
        "2024-03-10",
    );
    town.run(&[
        "insurance",
        "pay-premium",
        "2024",
        "--date",
        "2024-07-10",
        "--from",
        "631",
    ])
    .ok();
    refused(
        &town,
        &[
            "insurance",
            "claim",
            "--household",
            "H0001",
            "--amount",
            "3000",
            "--cause",
            "意外",
            "--date",
            "2024-06-08",
        ],
        "2024-06-08",
    );
}

#[test]
fn a_close_checks_the_books_and_a_reopen_needs_a_reason_and_another_person() {
    let town = closed_town();
    let r = town.run(&["period", "close", "2024-05"]).fails(1);
    assert!(
        r.stderr
            .contains("the books are closed through 2024-06 already"),
        "{}",
        r.stderr
    );
    let r = town
        .run(&[
            "period", "reopen", "2024-07", "--reason", "x", "--by", "镇长",
        ])
        .fails(1);
    assert!(r.stderr.contains("2024-07 is not closed"), "{}", r.stderr);
    let r = town
        .run(&[
            "period", "reopen", "2024-06", "--reason", " ", "--by", "镇长",
        ])
        .fails(1);
    assert!(r.stderr.contains("a reopen needs a reason"), "{}", r.stderr);
    let r = town
        .run(&[
            "period",
            "reopen",
            "2024-06",
            "--reason",
            "补记6月保费",
            "--by",
            "镇财务",
        ])
        .fails(1);
    assert!(
        r.stderr
            .contains("镇财务 closed 2024-06: a closed month is reopened by someone else"),
        "{}",
        r.stderr
    );
    town.run(&[
        "period",
        "reopen",
        "2024-06",
        "--reason",
        "补记6月保费",
        "--by",
        "镇长",
    ])
    .ok();
    // June is open again; May stays closed.
    town.run(&[
        "fund",
        "spend",
        "631",
        "--purpose",
        "防贫保保费",
        "--amount",
        "100",
        "--date",
        "2024-06-30",
    ])
    .ok();
    refused_through(
        &town,
        &[
            "fund",
            "spend",
            "631",
            "--purpose",
            "防贫保保费",
            "--amount",
            "100",
            "--date",
            "2024-05-31",
        ],
        "2024-05-31",
        "2024-05",
    );
    let list = town
        .run(&["period", "list", "--format", "csv", "--lang", "en"])
        .ok()
        .stdout;
    assert!(
        list.lines()
            .any(|l| l.starts_with("2024-06,close,镇财务,,")),
        "{list}"
    );
    assert!(
        list.lines()
            .any(|l| l.starts_with("2024-06,reopen,镇长,补记6月保费,")),
        "{list}"
    );
    // The events are under the record chain.
    town.sql("UPDATE period_events SET person = '镇长' WHERE action = 'close'");
    let r = town.run(&["verify"]).fails(2);
    assert!(r.stderr.contains("period_events"), "{}", r.stderr);
}

#[test]
fn a_close_is_refused_when_the_books_do_not_verify() {
    let town = open_town();
    town.sql("UPDATE transactions SET memo = memo || 'x' WHERE id = 4");
    let r = town.run(&["period", "close", "2024-09"]).fails(2);
    assert!(r.stderr.contains("voucher 2024-03-0004"), "{}", r.stderr);
    assert_eq!(town.count("SELECT COUNT(*) FROM period_events"), 0);
}

#[test]
fn a_later_close_checks_what_was_posted_since_the_last_one() {
    let town = closed_town();
    town.run(&[
        "fund",
        "spend",
        "631",
        "--purpose",
        "就业补贴",
        "--amount",
        "1500",
        "--date",
        "2024-07-01",
    ])
    .ok();
    town.run(&[
        "fund",
        "spend",
        "631",
        "--purpose",
        "就业补贴",
        "--amount",
        "1500",
        "--date",
        "2024-07-02",
    ])
    .ok();
    let r = town.run_as("镇财务", &["period", "close", "2024-07"]).ok();
    assert!(
        r.stdout.contains("the books are closed through 2024-07: the 2 transactions posted since the last close or reopen"),
        "{}",
        r.stdout
    );
    town.run(&[
        "fund",
        "spend",
        "631",
        "--purpose",
        "就业补贴",
        "--amount",
        "1500",
        "--date",
        "2024-08-01",
    ])
    .ok();
    town.sql(
        "UPDATE transactions SET memo = memo || 'x' WHERE id = (SELECT MAX(id) FROM transactions)",
    );
    let r = town
        .run_as("镇财务", &["period", "close", "2024-08"])
        .fails(2);
    assert!(r.stderr.contains("voucher 2024-08-0001"), "{}", r.stderr);
    assert_eq!(town.count("SELECT COUNT(*) FROM period_events"), 2);
}

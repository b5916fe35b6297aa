//! Relief grants from the reserve fund through the three gates, end to end through the binary:
//! apply → village → data → sector → pay to the fen; every refusal with its message and an
//! unchanged ledger; a reversed payment leaves the grant passed, to be paid again; a file of
//! applications with bad rows; the statement's line of gates; and, over random sequences of
//! calls, gate order and separation of duties.

mod common;

use std::path::Path;

use chrono::NaiveDate;
use common::Town;
use proptest::prelude::*;
use townledger::funds::grant::{
    self, Application, Decision, Gate, GrantState, GrantStatus, ReviewRequest,
};
use townledger::ledger::{NewTransaction, Posting};
use townledger::money::Amount;
use townledger::people::same_person;
use townledger::store::Ledger;

const BANK: &str = "资产:银行存款:储备金专户";
const FUND: &str = "负债:专项应付款:防止返贫储备金";

/// The demo town's register and a reserve fund holding `yuan` from 2024-01-02.
fn town_with_fund(yuan: &str) -> Town {
    let town = Town::new();
    let register = common::demo_dir().join("households.csv");
    town.run(&[
        "households",
        "import",
        register.to_str().unwrap(),
        "--effective",
        "2024-01-01",
    ])
    .ok();
    fund(&town, "R1", "2024-01-02", yuan);
    town
}

/// Money into the reserve fund.
fn fund(town: &Town, txn: &str, date: &str, yuan: &str) {
    town.write(
        "reserve.csv",
        format!(
            "txn_id,date,account,amount,memo\n\
             {txn},{date},{BANK},{yuan},储备金\n\
             {txn},{date},{FUND},-{yuan},储备金\n"
        ),
    );
    town.run(&["import", "postings", "reserve.csv", "--create-accounts"])
        .ok();
}

/// `grant apply` as the village clerk 村文书, dated 2024-08-15; the id it printed last.
fn apply(town: &Town, household: &str, amount: &str, cause: &str, loss: &str) -> String {
    let out = town
        .run_as(
            "村文书",
            &[
                "grant",
                "apply",
                "--household",
                household,
                "--fund",
                "储备金",
                "--amount",
                amount,
                "--cause",
                cause,
                "--loss",
                loss,
                "--date",
                "2024-08-15",
            ],
        )
        .ok()
        .stdout;
    out.lines().last().unwrap().to_string()
}

const GATES: [(&str, &str, &str); 3] = [
    ("village", "村委", "2024-08-20"),
    ("data", "民政比对", "2024-08-25"),
    ("sector", "镇农办", "2024-08-28"),
];

fn pass(town: &Town, grant: &str, gate: &str, by: &str, date: &str) {
    town.run(&[
        "grant", "review", grant, "--gate", gate, "--pass", "--by", by, "--date", date,
    ])
    .ok();
}

fn pass_all(town: &Town, grant: &str) {
    for (gate, by, date) in GATES {
        pass(town, grant, gate, by, date);
    }
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Everything a refused command must leave as it was.
fn state(town: &Town) -> (String, i64, i64, i64, i64) {
    (
        town.run(&["grant", "list", "--format", "csv"]).ok().stdout,
        town.count("SELECT COUNT(*) FROM transactions"),
        town.count("SELECT COUNT(*) FROM grants"),
        town.count("SELECT COUNT(*) FROM grant_reviews"),
        town.count("SELECT COUNT(*) FROM grant_payments"),
    )
}

#[track_caller]
fn refused(town: &Town, operator: &str, args: &[&str], message: &str) {
    let before = state(town);
    let r = town.run_as(operator, args).fails(1);
    assert!(
        r.stderr.contains(message),
        "expected '{message}' in:\n{}",
        r.stderr
    );
    assert_eq!(state(town), before, "a refused command changed the ledger");
}

fn balances(town: &Town) -> Vec<(String, String)> {
    town.balances()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = v
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    p.sort();
    p
}

/// The `grant list --format csv` row of `grant`, by column.
fn listed(town: &Town, grant: &str) -> std::collections::HashMap<String, String> {
    let out = town
        .run(&["--lang", "en", "grant", "list", "--format", "csv"])
        .ok()
        .stdout;
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let headers = r.headers().unwrap().clone();
    for rec in r.records() {
        let rec = rec.unwrap();
        if &rec[0] == grant {
            return headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect();
        }
    }
    panic!("{grant} not listed:\n{out}");
}

#[test]
fn apply_three_gates_and_pay_to_the_fen() {
    let town = town_with_fund("10000");
    let out = town
        .run_as(
            "村文书",
            &[
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
                "--note",
                "鱼塘缺氧死鱼，损失2万余元",
                "--date",
                "2024-08-15",
            ],
        )
        .ok()
        .stdout;
    assert_eq!(out.lines().last(), Some("G1"), "{out}");
    assert!(
        out.contains("H0015 applies for 3,000.00 from 防止返贫储备金 (因灾, loss 20,000.00)"),
        "{out}"
    );
    assert_eq!(listed(&town, "G1")["status"], "pending");

    let village = town
        .run(&[
            "grant",
            "review",
            "G1",
            "--gate",
            "village",
            "--pass",
            "--by",
            "村委",
            "--date",
            "2024-08-20",
        ])
        .ok()
        .stdout;
    assert!(
        village.contains(
            "grant G1: gate village (村级核实) passed by 村委 on 2024-08-20; next: gate data (部门数据比对)"
        ),
        "{village}"
    );
    pass(&town, "G1", "data", "民政比对", "2024-08-25");
    let sector = town
        .run(&[
            "grant",
            "review",
            "G1",
            "--gate",
            "sector",
            "--pass",
            "--by",
            "镇农办",
            "--date",
            "2024-08-28",
        ])
        .ok()
        .stdout;
    assert!(sector.contains("every gate has passed"), "{sector}");
    let row = listed(&town, "G1");
    assert_eq!(row["status"], "passed");
    assert_eq!(row["gates"], "village 村委, data 民政比对, sector 镇农办");
    assert_eq!(row["voucher"], "");

    // The cashier (the default operator, 出纳张) pays.
    let paid = town
        .run(&["grant", "pay", "G1", "--date", "2024-09-03"])
        .ok()
        .stdout;
    assert!(
        paid.contains(
            "grant G1: paid 3,000.00 to H0015 from 资产:银行存款:储备金专户 on 2024-09-03, voucher 2024-09-0001"
        ),
        "{paid}"
    );
    assert_eq!(
        balances(&town),
        pairs(&[
            (BANK, "7000.00"),
            (FUND, "-7000.00"),
            ("收入:补助收入", "-3000.00"),
            ("支出:公益支出:临时救助", "3000.00"),
        ])
    );
    let row = listed(&town, "G1");
    assert_eq!(row["status"], "paid");
    assert_eq!(row["voucher"], "2024-09-0001");
    assert_eq!(row["amount"], "3000.00");
    assert_eq!(row["loss"], "20000.00");
    assert_eq!(row["name"], "陈*生");
    assert_eq!(row["fund"], "防止返贫储备金");
    // The voucher: the household on the expense and the bank lines, the grant as reference.
    assert_eq!(
        town.text(
            "SELECT group_concat(household, '|') FROM postings p
             JOIN transactions t ON t.id = p.txn WHERE t.voucher = '2024-09-0001'"
        ),
        "H0015|H0015"
    );
    let shown = town
        .run(&["--lang", "en", "grant", "show", "G1"])
        .ok()
        .stdout;
    for text in [
        "Status: paid",
        "Applicant: 村文书",
        "鱼塘缺氧死鱼，损失2万余元",
        "2024-08-28",
        "出纳张",
    ] {
        assert!(shown.contains(text), "{text} not in:\n{shown}");
    }
    town.run(&["verify"]).ok();
    // Nothing further passes or pays a paid grant.
    refused(
        &town,
        "审计",
        &["grant", "pay", "G1", "--date", "2024-09-04"],
        "grant G1 was paid already (voucher 2024-09-0001 on 2024-09-03)",
    );
    let paid_only = town
        .run(&["grant", "list", "--status", "paid", "--format", "csv"])
        .ok()
        .stdout;
    assert_eq!(paid_only.lines().count(), 2, "{paid_only}");
    let pending = town
        .run(&["grant", "list", "--status", "pending", "--format", "csv"])
        .ok()
        .stdout;
    assert_eq!(pending.lines().count(), 1, "{pending}");
}

#[test]
fn separation_of_duties_and_gate_order_are_refused_with_their_rule() {
    let town = town_with_fund("10000");
    let g = apply(&town, "H0015", "3000", "因灾", "20000");
    let review = |gate: &str, by: &str| -> Vec<String> {
        [
            "grant",
            "review",
            &g,
            "--gate",
            gate,
            "--pass",
            "--by",
            by,
            "--date",
            "2024-08-20",
        ]
        .map(String::from)
        .to_vec()
    };
    // The applicant reviews nothing, however the name is written.
    refused(
        &town,
        "出纳张",
        &args(&review("village", "村文书")),
        "村文书 applied for grant G1: the applicant reviews nothing",
    );
    refused(
        &town,
        "出纳张",
        &args(&review("village", "  村文书 ")),
        "the applicant reviews nothing",
    );
    // Gates pass in order.
    refused(
        &town,
        "出纳张",
        &args(&review("data", "民政比对")),
        "gate data (部门数据比对) of grant G1 comes after gate village (村级核实), which has not passed yet",
    );
    refused(
        &town,
        "出纳张",
        &args(&review("sector", "镇农办")),
        "comes after gate village (村级核实)",
    );
    pass(&town, &g, "village", "Li Ming", "2024-08-20");
    // No one passes two gates of one grant (a name as a person reads it).
    refused(
        &town,
        "出纳张",
        &args(&review("data", "LI  MING")),
        "LI  MING passed gate village (村级核实) of grant G1 already: no one passes two gates of the same grant",
    );
    refused(
        &town,
        "出纳张",
        &args(&review("village", "民政比对")),
        "gate village (村级核实) of grant G1 was decided already, by Li Ming on 2024-08-20",
    );
    // A decision before the gate before it, or in the future.
    refused(
        &town,
        "出纳张",
        &[
            "grant", "review", &g, "--gate", "data", "--pass", "--by", "民政比对", "--date",
            "2024-08-19",
        ],
        "gate data (部门数据比对) of grant G1 cannot be decided on 2024-08-19, before gate village (村级核实) passed on 2024-08-20",
    );
    refused(
        &town,
        "出纳张",
        &[
            "grant",
            "review",
            &g,
            "--gate",
            "data",
            "--pass",
            "--by",
            "民政比对",
            "--date",
            "2999-01-01",
        ],
        "the date 2999-01-01 is after today",
    );
    // Not passed yet: not paid.
    refused(
        &town,
        "出纳张",
        &["grant", "pay", &g, "--date", "2024-09-03"],
        "grant G1 cannot be paid: gate data (部门数据比对) has not passed",
    );
    pass(&town, &g, "data", "民政比对", "2024-08-25");
    pass(&town, &g, "sector", "镇农办", "2024-08-28");
    // Whoever pays passed no gate (the applicant, who reviews nothing, may pay).
    refused(
        &town,
        "出纳张",
        &["grant", "pay", &g, "--date", "2024-09-03", "--by", "镇农办"],
        "镇农办 passed gate sector (行业稽核) of grant G1: whoever pays passed no gate",
    );
    refused(
        &town,
        "li ming",
        &["grant", "pay", &g, "--date", "2024-09-03"],
        "li ming passed gate village (村级核实) of grant G1: whoever pays passed no gate",
    );
    // Not before the last gate passed.
    refused(
        &town,
        "出纳张",
        &["grant", "pay", &g, "--date", "2024-08-27"],
        "grant G1 cannot be paid on 2024-08-27, before its gate sector (行业稽核) passed (2024-08-28)",
    );
    town.run_as(
        "出纳",
        &["grant", "pay", &g, "--date", "2024-09-03", "--by", "出纳张"],
    )
    .ok();
    assert_eq!(listed(&town, "G1")["status"], "paid");
    assert_eq!(
        town.text("SELECT paid_by FROM grant_payments"),
        "出纳张",
        "--by names who pays"
    );
    town.run(&["verify"]).ok();
}

#[test]
fn eligibility_and_caps_are_refused_with_their_rule() {
    let town = town_with_fund("10000");
    let apply_args = |household: &str, fund: &str, amount: &str, cause: &str, loss: &str| {
        [
            "grant",
            "apply",
            "--household",
            household,
            "--fund",
            fund,
            "--amount",
            amount,
            "--cause",
            cause,
            "--loss",
            loss,
            "--date",
            "2024-08-15",
        ]
        .map(String::from)
        .to_vec()
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            apply_args("H0015", "储备金", "3500", "因灾", "20000"),
            "3,500.00 is above the cap for a loss of 20,000.00: a grant is at most 15% of the loss and at most 5,000.00, here 3,000.00",
        ),
        (
            apply_args("H0015", "储备金", "6000", "因灾", "100000"),
            "6,000.00 is above the cap for a loss of 100,000.00: a grant is at most 15% of the loss and at most 5,000.00, here 5,000.00",
        ),
        (
            apply_args("H0015", "储备金", "300", "因赌", "20000"),
            "cause '因赌' is not one that 防止返贫储备金 grants for (因病、因灾、因意外、因学、因残、因失业)",
        ),
        (
            apply_args("H0006", "储备金", "300", "因病", "20000"),
            "household H0006 is 关注户: grants from 防止返贫储备金 go only to 脱贫不稳定户、边缘易致贫户、突发严重困难户",
        ),
        (
            apply_args("H0008", "储备金", "300", "因病", "20000"),
            "household H0008 is in no monitoring category: grants from 防止返贫储备金 go only to",
        ),
        (
            apply_args("H9999", "储备金", "300", "因病", "20000"),
            "household H9999 is not in the household register",
        ),
        (
            apply_args("H0015", "631", "300", "因病", "20000"),
            "fund 631 (631帮扶资金) is a 631 fund: grants are paid only from a reserve fund",
        ),
        (
            apply_args("H0015", "助学基金", "300", "因病", "20000"),
            "no fund is named '助学基金' (reserve funds: reserve)",
        ),
        (
            apply_args("H0015", "储备金", "300.555", "因病", "20000"),
            "--amount: '300.555' has more than 2 decimals",
        ),
        (
            apply_args("H0015", "储备金", "0", "因病", "20000"),
            "the amount must be more than 0.00 (not 0.00)",
        ),
        (
            apply_args("H0015", "储备金", "300", "因病", "0"),
            "the loss must be more than 0.00 (not 0.00)",
        ),
    ];
    for (args, message) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        refused(&town, "村文书", &args, message);
    }
    // A cause may be written without 因; it is kept as the rules name it.
    let g = apply(&town, "H0002", "1500", "病", "10000");
    assert_eq!(listed(&town, &g)["cause"], "因病");

    // The cap per household and calendar year, by payment date: 5,000 + 5,000 paid in 2024,
    // a third grant waits for 2025.
    fund(&town, "R2", "2024-01-03", "20000");
    let g2 = apply(&town, "H0015", "5000", "因灾", "40000");
    let g3 = apply(&town, "H0015", "5000", "因病", "40000");
    let g4 = apply(&town, "H0015", "1000", "因学", "10000");
    for g in [&g2, &g3, &g4] {
        pass_all(&town, g);
    }
    town.run(&["grant", "pay", &g2, "--date", "2024-09-03"])
        .ok();
    town.run(&["grant", "pay", &g3, "--date", "2024-12-30"])
        .ok();
    refused(
        &town,
        "出纳张",
        &["grant", "pay", &g4, "--date", "2024-12-31"],
        "grant G4: household H0015 was paid 10,000.00 in grants in 2024; 1,000.00 more is above the cap per household and year (10,000.00)",
    );
    town.run(&["grant", "pay", &g4, "--date", "2025-01-02"])
        .ok();
    assert_eq!(listed(&town, &g4)["status"], "paid");
}

#[test]
fn a_grant_larger_than_the_fund_holds_on_the_day_is_refused() {
    let town = town_with_fund("2000");
    let g = apply(&town, "H0015", "3000", "因灾", "20000");
    pass_all(&town, &g);
    refused(
        &town,
        "出纳张",
        &["grant", "pay", &g, "--date", "2024-09-03"],
        "fund reserve (防止返贫储备金, 负债:专项应付款:防止返贫储备金) would hold -1,000.00 at the end of 2024-09-03",
    );
    // Money that arrives later does not pay an earlier grant.
    fund(&town, "R2", "2024-10-01", "5000");
    refused(
        &town,
        "出纳张",
        &["grant", "pay", &g, "--date", "2024-09-03"],
        "a fund never pays out more than it holds on the day",
    );
    town.run(&["grant", "pay", &g, "--date", "2024-10-01"]).ok();
    assert_eq!(
        balances(&town)
            .into_iter()
            .find(|(a, _)| a == FUND)
            .unwrap()
            .1,
        "-4000.00"
    );
}

#[test]
fn a_rejection_needs_a_reason_and_ends_the_grant() {
    let town = town_with_fund("10000");
    let g = apply(&town, "H0015", "3000", "因灾", "20000");
    refused(
        &town,
        "出纳张",
        &[
            "grant", "review", &g, "--gate", "village", "--reject", "--by", "村委",
        ],
        "a rejection needs a reason (--reason)",
    );
    // --pass and --reject together, or neither: a usage error.
    town.run(&[
        "grant", "review", &g, "--gate", "village", "--pass", "--reject", "--by", "村委",
    ])
    .fails(2);
    town.run(&["grant", "review", &g, "--gate", "village", "--by", "村委"])
        .fails(2);
    pass(&town, &g, "village", "村委", "2024-08-20");
    let out = town
        .run(&[
            "grant",
            "review",
            &g,
            "--gate",
            "data",
            "--reject",
            "--by",
            "民政比对",
            "--reason",
            "比对发现已获保险理赔",
            "--date",
            "2024-08-25",
        ])
        .ok()
        .stdout;
    assert!(
        out.contains("grant G1: rejected at gate data (部门数据比对) by 民政比对 on 2024-08-25 (比对发现已获保险理赔); the grant has ended"),
        "{out}"
    );
    let ended = "grant G1 was rejected at gate data (部门数据比对) by 民政比对 (比对发现已获保险理赔): a rejected grant has ended";
    refused(
        &town,
        "出纳张",
        &[
            "grant",
            "review",
            &g,
            "--gate",
            "data",
            "--pass",
            "--by",
            "镇民政",
            "--date",
            "2024-08-26",
        ],
        ended,
    );
    refused(
        &town,
        "出纳张",
        &[
            "grant",
            "review",
            &g,
            "--gate",
            "sector",
            "--pass",
            "--by",
            "镇农办",
            "--date",
            "2024-08-26",
        ],
        ended,
    );
    refused(
        &town,
        "出纳张",
        &["grant", "pay", &g, "--date", "2024-09-03"],
        ended,
    );
    let row = listed(&town, "G1");
    assert_eq!(row["status"], "rejected");
    assert_eq!(row["gates"], "village 村委, data 民政比对 rejected");
    let rejected = town
        .run(&["grant", "list", "--status", "rejected", "--format", "csv"])
        .ok()
        .stdout;
    assert_eq!(rejected.lines().count(), 2, "{rejected}");
    // In Chinese, by default.
    let r = town
        .cmd()
        .env("TOWNLEDGER_LANG", "zh")
        .args(["grant", "pay", &g, "--date", "2024-09-03"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(
        stderr.contains(
            "救助 G1 已在部门数据比对关被 民政比对 驳回（比对发现已获保险理赔）：驳回即终止"
        ),
        "{stderr}"
    );
}

#[test]
fn reversing_the_payment_puts_the_grant_back_to_passed_and_it_is_paid_again() {
    let town = town_with_fund("10000");
    let g = apply(&town, "H0015", "3000", "因灾", "20000");
    pass_all(&town, &g);
    town.run(&["grant", "pay", &g, "--date", "2024-09-03"]).ok();
    let out = town
        .run(&[
            "reverse",
            "2024-09-0001",
            "--reason",
            "银行退回：账户冻结",
            "--date",
            "2024-09-05",
        ])
        .ok()
        .stdout;
    assert!(
        out.contains("grant G1 is passed again and may be paid again"),
        "{out}"
    );
    let row = listed(&town, "G1");
    assert_eq!(row["status"], "passed");
    assert_eq!(row["voucher"], "");
    assert_eq!(
        balances(&town)
            .into_iter()
            .filter(|(_, b)| b != "0.00")
            .collect::<Vec<_>>(),
        pairs(&[(BANK, "10000.00"), (FUND, "-10000.00")])
    );
    // The reversal of the reversal would pay the money out again while the grant stands
    // passed: refused.
    refused(
        &town,
        "出纳张",
        &[
            "reverse",
            "2024-09-0002",
            "--reason",
            "误冲",
            "--date",
            "2024-09-06",
        ],
        "2024-09-0002 reverses grant G1's payment 2024-09-0001: pay the grant again instead",
    );
    // The returned money does not count towards the household's year.
    let paid = town
        .run(&["grant", "pay", &g, "--date", "2024-09-10"])
        .ok()
        .stdout;
    assert!(paid.contains("voucher 2024-09-0003"), "{paid}");
    assert_eq!(listed(&town, "G1")["status"], "paid");
    let shown = town
        .run(&["--lang", "en", "grant", "show", "G1", "--format", "csv"])
        .ok()
        .stdout;
    assert!(
        shown.contains("2024-09-0001,2024-09-03,3000.00,出纳张,2024-09-0002"),
        "{shown}"
    );
    assert_eq!(
        balances(&town),
        pairs(&[
            (BANK, "7000.00"),
            (FUND, "-7000.00"),
            ("收入:补助收入", "-3000.00"),
            ("支出:公益支出:临时救助", "3000.00"),
        ])
    );
    town.run(&["verify"]).ok();
}

#[test]
fn a_payment_row_deleted_behind_the_programs_back_stops_payment() {
    let town = town_with_fund("10000");
    let g = apply(&town, "H0015", "3000", "因灾", "20000");
    pass_all(&town, &g);
    town.run(&["grant", "pay", &g, "--date", "2024-09-03"]).ok();
    town.sql("DELETE FROM grant_payments");
    let r = town
        .run(&["grant", "pay", &g, "--date", "2024-09-04"])
        .fails(2);
    assert!(r.stderr.contains("grant_payments"), "{}", r.stderr);
    town.run(&["verify"]).fails(2);
}

#[test]
fn import_reports_every_bad_row_and_writes_nothing() {
    let town = town_with_fund("10000");
    let bad = town.write(
        "applications.csv",
        "household,fund,amount,cause,loss,note\n\
         H0015,储备金,3000,因灾,20000,鱼塘缺氧死鱼\n\
         H9999,储备金,1000,因病,10000,\n\
         H0002,助学基金,1000,因病,10000,\n\
         H0002,储备金,1000,因赌,10000,\n\
         H0002,储备金,2000,因病,10000,\n\
         H0006,储备金,1000,因病,10000,\n\
         H0001,储备金,100.001,因病,10000,\n\
         H0001,储备金,1000,因病,10000,\"住院\u{202e}费用\"\n\
         \n\
         H0001,储备金,1000,因病,10000,\n",
    );
    let before = state(&town);
    let r = town
        .run_as("村文书", &["grant", "import", bad.to_str().unwrap()])
        .fails(1);
    let file = bad.display().to_string();
    for (line, reason) in [
        (3, "household H9999 is not in the household register"),
        (4, "no fund is named '助学基金'"),
        (5, "cause '因赌' is not one that 防止返贫储备金 grants for"),
        (
            6,
            "2,000.00 is above the cap for a loss of 10,000.00: a grant is at most 15% of the loss",
        ),
        (7, "household H0006 is 关注户"),
        (8, "amount: '100.001' has more than 2 decimals"),
        (9, "note: character 3 is"),
    ] {
        let want = format!("{file}:{line}: {reason}");
        assert!(r.stderr.contains(&want), "{want} not in:\n{}", r.stderr);
    }
    assert!(
        r.stderr.contains("7 errors in input; nothing was written"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains(":2:"), "{}", r.stderr);
    assert!(!r.stderr.contains(":11:"), "{}", r.stderr);
    assert_eq!(state(&town), before);

    // Chinese headers, other columns ignored; the ids in order of the rows.
    let good = town.write(
        "申请.csv",
        "序号,户编号,资金,金额,原因,损失,说明\n\
         1,H0015,储备金,3000,因灾,20000,鱼塘缺氧死鱼\n\
         2,H0001,防止返贫储备金,1500.50,因病,10100,住院\n",
    );
    let out = town
        .run_as("村文书", &["grant", "import", good.to_str().unwrap()])
        .ok()
        .stdout;
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        vec!["2 grants applied for: G1 to G2", "G1", "G2"],
        "{out}"
    );
    assert_eq!(listed(&town, "G2")["amount"], "1500.50");
    assert_eq!(
        town.text("SELECT applicant FROM grants WHERE id = 2"),
        "村文书"
    );

    // The first sheet of a workbook, rows named by their spreadsheet row.
    let path = town.path("applications.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["household", "fund", "amount", "cause", "loss"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "H0002").unwrap();
    sheet.write_string(1, 1, "储备金").unwrap();
    sheet.write_number(1, 2, 800.0).unwrap();
    sheet.write_string(1, 3, "因残").unwrap();
    sheet.write_number(1, 4, 6000.0).unwrap();
    sheet.write_string(2, 0, "H0003").unwrap();
    sheet.write_string(2, 1, "储备金").unwrap();
    sheet.write_number(2, 2, 0.1 + 0.2).unwrap();
    sheet.write_string(2, 3, "因残").unwrap();
    sheet.write_number(2, 4, 6000.0).unwrap();
    book.save(&path).unwrap();
    let r = town
        .run_as("村文书", &["grant", "import", path.to_str().unwrap()])
        .fails(1);
    assert!(
        r.stderr.contains(&format!(
            "{}:3: amount: '0.30000000000000004'",
            path.display()
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("1 error in input"), "{}", r.stderr);
    assert_eq!(town.count("SELECT COUNT(*) FROM grants"), 2);

    // A header without a required column.
    let no_loss = town.write(
        "x.csv",
        "household,fund,amount,cause\nH0015,储备金,1,因病\n",
    );
    let r = town
        .run_as("村文书", &["grant", "import", no_loss.to_str().unwrap()])
        .fails(1);
    assert!(
        r.stderr
            .contains("x.csv:1: column 'loss' (损失) is missing"),
        "{}",
        r.stderr
    );
}

#[test]
fn batch_review_and_pay_from_the_command_line() {
    let town = town_with_fund("10000");
    for h in ["H0015", "H0001", "H0002"] {
        apply(&town, h, "1000", "因病", "10000");
    }
    town.run(&[
        "grant",
        "review",
        "G2",
        "--gate",
        "village",
        "--reject",
        "--by",
        "村委",
        "--reason",
        "重复申请",
        "--date",
        "2024-08-20",
    ])
    .ok();
    for (gate, by, date) in GATES {
        let out = town
            .run(&[
                "grant",
                "review",
                "--all-pending",
                "--gate",
                gate,
                "--pass",
                "--by",
                by,
                "--date",
                date,
            ])
            .ok()
            .stdout;
        assert!(out.contains("2 grants passed at gate"), "{out}");
    }
    let out = town
        .run(&["grant", "pay", "--all-passed", "--date", "2024-09-03"])
        .ok()
        .stdout;
    assert_eq!(out.lines().count(), 2, "{out}");
    assert_eq!(listed(&town, "G1")["status"], "paid");
    assert_eq!(listed(&town, "G2")["status"], "rejected");
    assert_eq!(listed(&town, "G3")["voucher"], "2024-09-0002");
    refused(
        &town,
        "出纳张",
        &["grant", "pay", "--all-passed", "--date", "2024-09-03"],
        "no grant has passed every gate and waits to be paid",
    );
    town.run(&["verify"]).ok();
}

#[test]
fn the_statement_shows_the_gates_and_who_passed_them() {
    let town = town_with_fund("10000");
    town.run_as(
        "村文书",
        &[
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
            "--note",
            "鱼塘缺氧死鱼",
            "--date",
            "2024-08-15",
        ],
    )
    .ok();
    pass_all(&town, "G1");
    town.run(&["grant", "pay", "G1", "--date", "2024-09-03"])
        .ok();
    let csv = town
        .run(&[
            "statement",
            "household",
            "H0015",
            "--year",
            "2024",
            "--out",
            "h15.csv",
        ])
        .ok();
    drop(csv);
    let text = std::fs::read_to_string(town.path("h15.csv")).unwrap();
    assert!(
        text.contains(",,审核,村级核实 村委 2024-08-20 √ · 部门数据比对 民政比对 2024-08-25 √ · 行业稽核 镇农办 2024-08-28 √,,,"),
        "{text}"
    );
    assert!(
        text.contains("2024-09-03,2024-09-0001,防止返贫储备金 · 临时救助,"),
        "{text}"
    );
    town.run(&[
        "statement",
        "household",
        "H0015",
        "--year",
        "2024",
        "--out",
        "h15.pdf",
    ])
    .ok();
    let Some(pdf) = pdftotext(&town.path("h15.pdf")) else {
        return;
    };
    let flat: String = pdf.split_whitespace().collect();
    // The line wraps in its column: its pieces are read back, not the whole line.
    for text in [
        "防止返贫储备金",
        "临时救助",
        "村级核实",
        "村委2024-08-20√",
        "民政比对2024-08-25√",
        "行业稽核",
        "镇农办2024-08-28√",
        "3,000.00",
    ] {
        assert!(flat.contains(text), "{text} not in:\n{pdf}");
    }
}

fn pdftotext(path: &Path) -> Option<String> {
    if !common::have_tool("pdftotext") {
        return None;
    }
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(out.status.success());
    Some(String::from_utf8(out.stdout).unwrap())
}

// ---------------------------------------------------------------------------------------------
// Random sequences of calls through the library.

/// People who apply, review and pay; some are one person written two ways.
const PEOPLE: [&str; 6] = ["甲", "乙", "丙", "Li Ming", "LI  MING", "丁"];
const HOUSEHOLDS: [&str; 3] = ["H0015", "H0001", "H0002"];

#[derive(Clone, Debug)]
enum Call {
    Apply {
        household: usize,
        yuan: i64,
        applicant: usize,
    },
    Review {
        grant: usize,
        gate: usize,
        pass: bool,
        by: usize,
    },
    Pay {
        grant: usize,
        by: usize,
    },
    Reverse {
        grant: usize,
    },
}

fn call() -> impl Strategy<Value = Call> {
    prop_oneof![
        2 => (0..HOUSEHOLDS.len(), prop::sample::select(vec![500i64, 1000, 3000, 5000]), 0..PEOPLE.len())
            .prop_map(|(household, yuan, applicant)| Call::Apply { household, yuan, applicant }),
        4 => (0usize..6, 0usize..3, prop::bool::weighted(0.85), 0..PEOPLE.len())
            .prop_map(|(grant, gate, pass, by)| Call::Review { grant, gate, pass, by }),
        2 => (0usize..6, 0..PEOPLE.len()).prop_map(|(grant, by)| Call::Pay { grant, by }),
        1 => (0usize..6).prop_map(|grant| Call::Reverse { grant }),
    ]
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, d).unwrap()
}

/// The rules every grant keeps, whatever was called: its gates passed in order, each by
/// another person, none by the applicant; nothing decided after a rejection; paid only
/// after every gate passed, by someone who neither applied nor passed a gate.
fn check_rules(s: &GrantState) -> std::result::Result<(), String> {
    let g = &s.grant;
    for (i, gate) in g.gates.iter().enumerate() {
        let Some(r) = s.review_at(*gate) else {
            if g.gates[i + 1..]
                .iter()
                .any(|later| s.review_at(*later).is_some())
            {
                return Err(format!("{}: a gate after {gate} decided first", g.label()));
            }
            continue;
        };
        if g.gates[..i]
            .iter()
            .any(|before| !s.review_at(*before).is_some_and(|b| b.passed))
        {
            return Err(format!("{}: {gate} decided out of order", g.label()));
        }
        if same_person(&r.by, &g.applicant) {
            return Err(format!("{}: the applicant decided {gate}", g.label()));
        }
    }
    let passers: Vec<&str> = s.passed().map(|r| r.by.as_str()).collect();
    for (i, a) in passers.iter().enumerate() {
        if passers[i + 1..].iter().any(|b| same_person(a, b)) {
            return Err(format!("{}: {a} passed two gates", g.label()));
        }
    }
    for p in &s.payments {
        if s.next_gate().is_some() || s.rejection().is_some() {
            return Err(format!("{}: paid without every gate passed", g.label()));
        }
        if passers.iter().any(|b| same_person(b, &p.paid_by)) {
            return Err(format!(
                "{}: paid by {} who passed a gate",
                g.label(),
                p.paid_by
            ));
        }
    }
    if s.payments
        .iter()
        .filter(|p| p.reversed_by.is_none())
        .count()
        > 1
    {
        return Err(format!("{}: paid twice", g.label()));
    }
    Ok(())
}

/// Whether `by` may decide `gate` of grant `s` (as the rules say, computed apart).
fn may_review(s: &GrantState, gate: Gate, pass: bool, by: &str) -> bool {
    let g = &s.grant;
    let at = g.gates.iter().position(|x| *x == gate).unwrap();
    s.status() == GrantStatus::Pending
        && s.review_at(gate).is_none()
        && g.gates[..at]
            .iter()
            .all(|x| s.review_at(*x).is_some_and(|r| r.passed))
        && !same_person(by, &g.applicant)
        && !(pass && s.passed().any(|r| same_person(&r.by, by)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn gate_order_and_separation_of_duties_hold_for_any_calls(
        calls in prop::collection::vec(call(), 1..40),
    ) {
        townledger::i18n::set_lang(townledger::i18n::Lang::En);
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::create(&dir.path().join("t.db")).unwrap();
        let register = townledger::households::read_households(
            &common::demo_dir().join("households.csv"),
        ).unwrap();
        let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        ledger.write("村文书", |w| {
            w.import_households(&register, start)?;
            w.add_account(BANK, townledger::ledger::AccountKind::Asset, None)?;
            w.add_account(FUND, townledger::ledger::AccountKind::Liability, None)?;
            let amount = Amount::from_yuan(1_000_000);
            w.post(NewTransaction {
                tags: Vec::new(),
                date: start,
                memo: "设立储备金".into(),
                external_id: None,
                reverses: None,
                reason: None,
                postings: vec![
                    Posting { account: BANK.into(), amount, memo: String::new(), household: None, reference: None },
                    Posting { account: FUND.into(), amount: -amount, memo: String::new(), household: None, reference: None },
                ],
            })?;
            Ok(())
        }).unwrap();
        let today = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
        for (step, c) in calls.iter().enumerate() {
            let states = ledger.grant_states().unwrap();
            let pick = |i: usize| (!states.is_empty()).then(|| &states[i % states.len()]);
            // (the call's outcome, whether the rules let it through)
            let (outcome, allowed) = match c {
                Call::Apply { household, yuan, applicant } => {
                    let app = Application {
                        household: HOUSEHOLDS[*household].into(),
                        fund: "储备金".into(),
                        amount: Amount::from_yuan(*yuan),
                        cause: "因病".into(),
                        loss: Amount::from_yuan(50_000),
                        note: String::new(),
                        date: day(1),
                        dated: true,
                    };
                    (ledger.write(PEOPLE[*applicant], |w| grant::apply(w, &app, today)).map(|_| ()), true)
                }
                Call::Review { grant: i, gate, pass, by } => {
                    let Some(s) = pick(*i) else { continue };
                    let req = ReviewRequest {
                        gate: Gate::ALL[*gate],
                        decision: if *pass { Decision::Pass } else { Decision::Reject },
                        by: PEOPLE[*by].into(),
                        note: "核实".into(),
                        on: day(28),
                        dated: true,
                    };
                    let allowed = may_review(s, req.gate, *pass, &req.by);
                    let id = s.grant.id;
                    (ledger.write("录入员", |w| grant::review(w, id, &req, today)).map(|_| ()), allowed)
                }
                Call::Pay { grant: i, by } => {
                    let Some(s) = pick(*i) else { continue };
                    let payer = PEOPLE[*by];
                    let this_year: i64 = states
                        .iter()
                        .filter(|o| o.grant.household == s.grant.household && o.payment().is_some())
                        .map(|o| o.grant.amount.fen())
                        .sum();
                    let allowed = s.status() == GrantStatus::Passed
                        && !s.passed().any(|r| same_person(&r.by, payer))
                        && this_year + s.grant.amount.fen() <= Amount::from_yuan(10_000).fen();
                    let id = s.grant.id;
                    (ledger.write("出纳", |w| grant::pay(w, id, day(29), Some(payer))).map(|_| ()), allowed)
                }
                Call::Reverse { grant: i } => {
                    let Some(s) = pick(*i) else { continue };
                    let Some(p) = s.payment() else { continue };
                    let voucher = p.voucher.clone();
                    (ledger.write("出纳", |w| {
                        townledger::reversal::reverse_voucher(w, &voucher, "银行退回", day(30))
                    }).map(|_| ()), true)
                }
            };
            let after = ledger.grant_states().unwrap();
            match outcome {
                Ok(()) => prop_assert!(allowed, "step {step} {c:?} went through against the rules"),
                Err(townledger::Error::Rule(why)) => {
                    prop_assert!(!allowed, "step {step} {c:?} refused: {why}");
                    prop_assert_eq!(&after, &states, "a refused call changed the grants");
                }
                Err(e) => return Err(TestCaseError::fail(format!("step {step} {c:?}: {e}"))),
            }
            for s in &after {
                if let Err(why) = check_rules(s) {
                    return Err(TestCaseError::fail(format!("step {step} {c:?}: {why}")));
                }
            }
        }
        townledger::audit::verify(&ledger).unwrap();
    }
}

/// The flow as a clerk types it without any day but the payment's: the gates are recorded
/// today and the payment, dated when the money moved, is not held against days nobody stated.
/// A gate passed on a stated day still holds an earlier payment back.
#[test]
fn the_flow_without_days_pays_on_the_day_given() {
    let town = town_with_fund("800000");
    let applied = town
        .run_as(
            "村文书",
            &[
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
                "--note",
                "鱼塘缺氧死鱼，损失2万余元",
            ],
        )
        .ok()
        .stdout;
    assert_eq!(applied.lines().last(), Some("G1"));
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
    town.run_as("出纳", &["grant", "pay", "G1", "--date", "2024-09-03"])
        .ok();
    let list = town
        .run(&["grant", "list", "--format", "csv", "--status", "paid"])
        .ok()
        .stdout;
    assert!(list.lines().any(|l| l.starts_with("G1,H0015,")), "{list}");

    let g2 = apply(&town, "H0015", "1000", "因灾", "10000");
    for (gate, by, day) in [
        ("village", "村委", "2024-09-10"),
        ("data", "民政比对", "2024-09-11"),
        ("sector", "镇农办", "2024-09-12"),
    ] {
        town.run_as(
            "村文书",
            &[
                "grant", "review", &g2, "--gate", gate, "--pass", "--by", by, "--date", day,
            ],
        )
        .ok();
    }
    let r = town
        .run_as("出纳", &["grant", "pay", &g2, "--date", "2024-09-11"])
        .fails(1);
    assert!(r.stderr.contains("before its gate sector"), "{}", r.stderr);
}

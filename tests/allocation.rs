//! Households, allocation runs and payment, end to end through the binary.

mod common;

use common::{demo_dir, Town};

const HOUSEHOLDS: &str = "\
id,village,name,id_number,members,per_capita_income,category,risk_level,risk_causes,labour,bank_card
HA,胡荔村,叶建国,441721198001011238,2,5000,脱贫不稳定户,红,因病,none,6217000000000001234
HB,胡荔村,陈亚生,441721197512120028,3,7000,边缘易致贫户,黄,因灾,full,6217000000000005678
HC,西一村,刘䶮,441721199003150041,1,4000,边缘易致贫户,蓝,,weak,6217000000000009012
HD,西一村,王平安,441721198001011246,4,20000,,,,full,6217000000000003456
";

/// A plain policy: weights only, no multipliers, no limits, no fixed items, so shares can be
/// checked by hand.
const POLICY: &str = r#"
name = "测试方案"
[lines]
2024 = "7000"
[weights]
base = "500"
per_member = "300"
gap_factor = "0.5"
[categories]
"脱贫不稳定户" = "1"
"边缘易致贫户" = "1"
"#;

/// A town with the households, the policy and 10,000.00 in the dynamic-assistance fund.
fn town() -> Town {
    with_households_and_fund(Town::new())
}

/// `town`'s ledger with the households, the policy and 10,000.00 in the fund.
fn with_households_and_fund(town: Town) -> Town {
    town.write("households.csv", HOUSEHOLDS);
    town.write("policy.toml", POLICY);
    town.run(&[
        "households",
        "import",
        "households.csv",
        "--effective",
        "2024-01-01",
    ])
    .ok();
    town.write(
        "fund.csv",
        "txn_id,date,account,amount,memo\n\
         F1,2024-12-01,资产:银行存款:基本户,10000,分红提取\n\
         F1,2024-12-01,负债:专项应付款:动态帮扶,-10000,分红提取\n",
    );
    town.run(&["import", "postings", "fund.csv", "--create-accounts"])
        .ok();
    town
}

fn plan(town: &Town, amount: &str) -> String {
    let r = town
        .run(&[
            "allocate",
            "plan",
            "--policy",
            "policy.toml",
            "--fund",
            "动态帮扶",
            "--amount",
            amount,
            "--date",
            "2024-12-28",
        ])
        .ok();
    let last = r.stdout.lines().last().unwrap().trim().to_string();
    assert!(
        last.parse::<i64>().is_ok(),
        "last line is the run id: {}",
        r.stdout
    );
    last
}

fn show(town: &Town, run: &str) -> Vec<(String, String, String, String)> {
    let csv = town
        .run(&["allocate", "show", run, "--format", "csv"])
        .ok()
        .stdout;
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&h[..4], ["household_id", "weight", "quota", "share"]);
    r.records()
        .map(|x| {
            let x = x.unwrap();
            (x[0].into(), x[1].into(), x[2].into(), x[3].into())
        })
        .collect()
}

/// The village approves on 2024-12-29, the town on 2024-12-30.
fn approve(town: &Town, run: &str) {
    town.run(&[
        "allocate",
        "approve",
        run,
        "--by",
        "村委会",
        "--role",
        "village",
        "--date",
        "2024-12-29",
    ])
    .ok();
    town.run(&[
        "allocate",
        "approve",
        run,
        "--by",
        "镇农办",
        "--role",
        "town",
        "--date",
        "2024-12-30",
    ])
    .ok();
}

/// Approved, and the notice published on 2024-12-30 (payment from 2025-01-07: New Year's Day is a holiday).
fn approve_and_notice(town: &Town, run: &str) {
    approve(town, run);
    town.run(&[
        "allocate",
        "notice",
        run,
        "--published",
        "2024-12-30",
        "--format",
        "csv",
    ])
    .ok();
}

#[test]
fn worked_example_shares_are_exact_and_tilted() {
    let town = town();
    let run = plan(&town, "10000");
    let rows = show(&town, &run);
    // Weights: HA 500 + 2×300 + (7000−5000)×2×0.5 = 3100; HB 500 + 900 = 1400;
    // HC 500 + 300 + 3000×0.5 = 2300; total 6800. Quotas of 1,000,000 fen: HA 455882.35…,
    // HB 205882.35…, HC 338235.29…; floors sum to 999,999 fen; the last fen goes to the largest
    // remainder, a tie between HA and HB broken by household id: HA.
    let get = |id: &str| rows.iter().find(|r| r.0 == id).unwrap().clone();
    assert_eq!(get("HA").1, "3100");
    assert_eq!(get("HB").1, "1400");
    assert_eq!(get("HC").1, "2300");
    assert_eq!(get("HA").3, "4558.83");
    assert_eq!(get("HB").3, "2058.82");
    assert_eq!(get("HC").3, "3382.35");
    assert_eq!(get("HD").3, "0.00", "no category: not eligible");
    // Not an equal split: the poorer household per head gets more per head.
    let full = town.run(&["allocate", "show", &run]).ok().stdout;
    assert!(full.contains("叶*国"), "names masked: {full}");
    assert!(!full.contains("叶建国"));
}

#[test]
fn the_whole_workflow_moves_money_only_after_approval_and_notice() {
    let town = town();
    let run = plan(&town, "10000");
    // The proposer (this operator) cannot approve; the town waits for the village.
    let r = town
        .run(&[
            "allocate",
            "approve",
            &run,
            "--by",
            "出纳张",
            "--role",
            "village",
        ])
        .fails(1);
    assert!(
        r.stderr.contains("the proposer cannot approve"),
        "{}",
        r.stderr
    );
    let r = town
        .run(&[
            "allocate",
            "approve",
            &run,
            "--by",
            "镇农办",
            "--role",
            "town",
        ])
        .fails(1);
    assert!(r.stderr.contains("before the town"), "{}", r.stderr);
    let r = town.run(&["allocate", "post", &run]).fails(1);
    assert!(r.stderr.contains("no public notice"), "{}", r.stderr);
    approve_and_notice(&town, &run);

    // The notice: masked, with the run, the policy hash and the dates.
    let notice = town
        .run(&["allocate", "notice", &run, "--format", "json"])
        .ok()
        .stdout;
    for expected in [
        "\"公示期\": \"2024-12-30 至 2025-01-06（5 个工作日）\"",
        "\"最早发放日期\": \"2025-01-07\"",
        "\"资金\": \"动态帮扶资金\"",
        "\"policy_sha256\"",
        "\"published\": \"2024-12-30\"",
        "叶*国",
        "****1238",
        "****1234",
        "4558.83",
        "10,000.00",
        "壹万元整",
    ] {
        assert!(
            notice.contains(expected),
            "{expected} missing from notice:\n{notice}"
        );
    }
    assert!(
        !notice.contains("441721198001011238"),
        "ID numbers must be masked"
    );
    assert!(
        !notice.contains("6217000000000001234"),
        "card numbers must be masked"
    );
    // A household outside the policy's categories is not allocated, and the notice says why.
    let json: serde_json::Value = serde_json::from_str(&notice).unwrap();
    let allocated = &json["tables"][0]["rows"];
    assert_eq!(allocated.as_array().unwrap().len(), 3, "{notice}");
    assert!(!allocated.to_string().contains("HD"), "{notice}");
    let left_out = &json["tables"][1]["rows"];
    assert_eq!(left_out[0]["household_id"], "HD", "{notice}");
    assert_eq!(
        left_out[0]["excluded"],
        "未认定监测类别，不在本方案分配范围"
    );
    assert!(
        !notice.contains("负债:专项应付款"),
        "the fund by its name: {notice}"
    );

    let before = town.count("SELECT COUNT(*) FROM transactions");
    town.run(&["allocate", "post", &run]).ok();
    let r = town.run(&["allocate", "post", &run]).fails(1);
    assert!(r.stderr.contains("already posted"), "{}", r.stderr);
    assert_eq!(town.count("SELECT COUNT(*) FROM transactions"), before + 1);
    let b = town.balances();
    let get = |a: &str| b.iter().find(|(n, _)| n == a).map(|(_, v)| v.clone());
    assert_eq!(get("负债:应付款:农户:HA").as_deref(), Some("-4558.83"));
    assert_eq!(get("负债:应付款:农户:HC").as_deref(), Some("-3382.35"));
    assert_eq!(
        get("负债:专项应付款:动态帮扶"),
        None,
        "the fund is used up exactly"
    );

    // Paying before the notice period ends is refused (New Year's Day is no working day, so
    // not on the 6th either); then the bank's result file pays the successes only.
    for early in ["2025-01-03", "2025-01-06"] {
        let r = town
            .run_as("出纳王", &["pay", &run, "--date", early])
            .fails(1);
        assert!(
            r.stderr.contains("payment may start on 2025-01-07"),
            "{}",
            r.stderr
        );
    }
    town.write(
        "bank.csv",
        "户编号,金额,状态,流水号,失败原因\nHA,4558.83,成功,B001,\nHB,2058.82,失败,,账户冻结\n",
    );
    let r = town.run_as(
        "出纳王",
        &[
            "pay",
            &run,
            "--date",
            "2025-01-07",
            "--bank-file",
            "bank.csv",
        ],
    );
    assert_eq!(r.code, 1, "failures leave the exit status non-zero");
    assert!(
        r.stdout.contains("paid 1 household(s), 4,558.83"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("HB  2,058.82  bank: 账户冻结"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("HC  3,382.35  not in the bank file"),
        "{}",
        r.stdout
    );
    let r = town
        .run_as(
            "出纳王",
            &[
                "pay",
                &run,
                "--date",
                "2025-01-08",
                "--from",
                "资产:银行存款:基本户",
            ],
        )
        .ok();
    assert!(
        r.stdout.contains("paid 2 household(s), 5,441.17"),
        "{}",
        r.stdout
    );
    let b = town.balances();
    assert!(
        !b.iter().any(|(a, _)| a.starts_with("负债:应付款:农户:")),
        "{b:?}"
    );
    assert!(
        b.contains(&("资产:银行存款:基本户".into(), "0.00".into()))
            || !b.iter().any(|(a, _)| a == "资产:银行存款:基本户")
    );
    let r = town
        .run_as("出纳王", &["pay", &run, "--date", "2025-01-09"])
        .fails(1);
    assert!(r.stderr.contains("nothing left to pay"));
    town.run(&["verify"]).ok();
}

#[test]
fn posting_early_needs_force_and_a_reason() {
    let town = town();
    let run = plan(&town, "10000");
    town.run(&[
        "allocate",
        "approve",
        &run,
        "--by",
        "村委会",
        "--role",
        "village",
    ])
    .ok();
    town.run(&[
        "allocate",
        "approve",
        &run,
        "--by",
        "镇农办",
        "--role",
        "town",
    ])
    .ok();
    // Published today: payment may start only 5 working days later.
    town.run(&["allocate", "notice", &run, "--format", "csv"])
        .ok();
    let r = town.run(&["allocate", "post", &run]).fails(1);
    assert!(r.stderr.contains("needs --force --reason"), "{}", r.stderr);
    let r = town.run(&["allocate", "post", &run, "--force"]).fails(1);
    assert!(r.stderr.contains("--force needs --reason"), "{}", r.stderr);
    assert_eq!(
        town.count("SELECT COUNT(*) FROM allocation_runs WHERE posted_voucher IS NOT NULL"),
        0
    );
    town.run(&[
        "allocate",
        "post",
        &run,
        "--force",
        "--reason",
        "春节前发放，经镇党委会议同意",
    ])
    .ok();
    assert_eq!(
        town.count("SELECT COUNT(*) FROM allocation_runs WHERE force_reason LIKE '春节前%'"),
        1
    );
    // A posted run is corrected only by a reversing run.
    let r = town
        .run(&["allocate", "reverse", &run, "--reason", "名单有误"])
        .ok();
    assert!(r.stdout.contains("reversed by run 2"), "{}", r.stdout);
    let b = town.balances();
    assert!(
        b.contains(&("负债:专项应付款:动态帮扶".into(), "-10000.00".into())),
        "{b:?}"
    );
    town.run(&["verify"]).ok();
}

#[test]
fn a_pool_larger_than_the_fund_is_not_posted() {
    let town = town();
    let run = plan(&town, "12000");
    approve_and_notice(&town, &run);
    let r = town.run(&["allocate", "post", &run]).fails(1);
    assert!(
        r.stderr
            .contains("holds 10,000.00, less than the run's pool 12,000.00"),
        "{}",
        r.stderr
    );
}

#[test]
fn household_import_rejects_every_bad_row() {
    let town = Town::new();
    town.write(
        "bad.csv",
        "id,village,name,id_number,members,per_capita_income,category,risk_level,risk_causes,labour,bank_card\n\
         H1,胡荔村,甲,441721198001011238,2,5000,脱贫不稳定户,红,因病,none,1\n\
         H1,胡荔村,乙,441721197512120028,2,5000,脱贫不稳定户,红,因病,none,2\n\
         H3,胡荔村,丙,441721198001011239,2,5000,脱贫不稳定户,红,因病,none,3\n\
         H4,胡荔村,丁,441721199003150041,0,5000,脱贫不稳定户,红,因病,none,4\n\
         H5,胡荔村,戊,441721199003150041,2,-1,脱贫不稳定户,红,因病,none,5\n\
         H6,胡荔村,己,441721199003150041,2,5000,贫困户,红,因病,none,6\n",
    );
    let r = town.run(&["households", "import", "bad.csv"]).fails(1);
    for expected in [
        "bad.csv:3:",
        "bad.csv:4:",
        "bad.csv:5:",
        "bad.csv:6:",
        "bad.csv:7:",
    ] {
        assert!(r.stderr.contains(expected), "{expected} in {}", r.stderr);
    }
    assert!(r.stderr.contains("check digit"), "{}", r.stderr);
    assert_eq!(town.count("SELECT COUNT(*) FROM households"), 0);
}

#[test]
fn a_reimport_compares_with_the_version_imported_last_even_when_it_was_backdated() {
    let town = town();
    let with_income = |income: &str| {
        HOUSEHOLDS.replace(
            "HA,胡荔村,叶建国,441721198001011238,2,5000",
            &format!("HA,胡荔村,叶建国,441721198001011238,2,{income}"),
        )
    };
    let import = |file: &str, income: &str, effective: &str| {
        town.write(file, with_income(income));
        town.run(&["households", "import", file, "--effective", effective])
            .ok()
            .stdout
    };
    assert!(import("a.csv", "6900", "2025-03-01").contains("0 added, 1 changed"));
    // A correction back to mid-2024: stored before the 2025 version, imported after it.
    assert!(import("b.csv", "6000", "2024-06-01").contains("0 added, 1 changed"));
    let again = import("c.csv", "6000", "2024-06-01");
    assert!(again.contains("0 added, 0 changed"), "{again}");
    let back = import("d.csv", "6900", "2025-03-01");
    assert!(back.contains("0 added, 1 changed"), "{back}");
}

#[test]
fn reimport_keeps_history_and_runs_use_the_values_in_force() {
    let town = town();
    let changed = HOUSEHOLDS.replace(
        "HA,胡荔村,叶建国,441721198001011238,2,5000",
        "HA,胡荔村,叶建国,441721198001011238,2,6900",
    );
    town.write("h2.csv", changed);
    let r = town
        .run(&[
            "households",
            "import",
            "h2.csv",
            "--effective",
            "2025-03-01",
        ])
        .ok();
    assert!(r.stdout.contains("0 added, 1 changed"), "{}", r.stdout);
    let hist = town
        .run(&["households", "history", "HA", "--format", "csv"])
        .ok()
        .stdout;
    assert!(
        hist.contains("2024-01-01,HA") && hist.contains("2025-03-01,HA"),
        "{hist}"
    );
    assert!(
        hist.contains("5000.00") && hist.contains("6900.00"),
        "{hist}"
    );
    // A run dated 2024-12-28 still uses the income of 5000.
    let run = plan(&town, "10000");
    let rows = show(&town, &run);
    assert_eq!(rows.iter().find(|r| r.0 == "HA").unwrap().1, "3100");
    // The demo register reads from both CSV and XLSX with the same result.
    let demo = Town::new();
    demo.run(&[
        "households",
        "import",
        demo_dir().join("households.xlsx").to_str().unwrap(),
    ])
    .ok();
    let r = demo
        .run(&[
            "households",
            "import",
            demo_dir().join("households.csv").to_str().unwrap(),
        ])
        .ok();
    assert!(r.stdout.contains("0 added, 0 changed"), "{}", r.stdout);
    let list = demo
        .run(&["households", "list", "--format", "csv"])
        .ok()
        .stdout;
    assert_eq!(list.lines().count(), 61);
    assert!(!list.contains("441721"), "masked by default");
    let unmasked = demo
        .run(&["households", "list", "--format", "csv", "--unmasked"])
        .ok()
        .stdout;
    assert!(unmasked.contains("441721"));
}

/// A backdated correction supersedes what was imported before it from its effective date on;
/// before that date the earlier data stay in force.
#[test]
fn a_backdated_correction_applies_from_its_date() {
    let town = Town::new();
    town.write("h.csv", HOUSEHOLDS);
    town.run(&["households", "import", "h.csv", "--effective", "2026-01-01"])
        .ok();
    let changed = HOUSEHOLDS.replace(
        "HA,胡荔村,叶建国,441721198001011238,2,5000",
        "HA,胡荔村,叶建国,441721198001011238,3,6900",
    );
    town.write("h2.csv", changed);
    let r = town
        .run(&[
            "households",
            "import",
            "h2.csv",
            "--effective",
            "2025-03-01",
        ])
        .ok();
    assert!(r.stdout.contains("1 changed"), "{}", r.stdout);
    let list = town
        .run(&["households", "list", "--format", "csv"])
        .ok()
        .stdout;
    let ha = list.lines().find(|l| l.starts_with("HA,")).unwrap();
    assert!(
        ha.contains("6900.00"),
        "the correction is in force today: {ha}"
    );
    // A run dated before the correction uses the first import's values.
    town.write(
        "fund.csv",
        "txn_id,date,account,amount,memo\n\
         F1,2024-12-01,资产:银行存款:基本户,10000,提取\n\
         F1,2024-12-01,负债:专项应付款:动态帮扶,-10000,提取\n",
    );
    town.write("policy.toml", POLICY);
    town.run(&["import", "postings", "fund.csv", "--create-accounts"])
        .ok();
    let rows = show(&town, &plan(&town, "10000"));
    assert_eq!(rows.iter().find(|r| r.0 == "HA").unwrap().1, "3100");
}

/// A run approved, noticed, posted and paid in full by 出纳王 on 2025-01-07; returns the run id,
/// its posting voucher and its payment voucher.
fn paid_run(town: &Town) -> (String, String, String) {
    let run = plan(town, "10000");
    approve_and_notice(town, &run);
    town.run(&["allocate", "post", &run]).ok();
    town.run_as("出纳王", &["pay", &run, "--date", "2025-01-07"])
        .ok();
    let posted = town.text(&format!(
        "SELECT posted_voucher FROM allocation_runs WHERE id = {run}"
    ));
    let paid = town.text(&format!(
        "SELECT DISTINCT voucher FROM allocation_payments WHERE run = {run}"
    ));
    (run, posted, paid)
}

/// An account's balance; the trial balance leaves out accounts at 0.00.
fn balance_of(town: &Town, account: &str) -> Option<String> {
    town.balances()
        .into_iter()
        .find(|(a, _)| a == account)
        .map(|(_, b)| b)
        .or_else(|| Some("0.00".into()))
}

#[test]
fn a_runs_posting_voucher_is_reversed_only_as_a_run() {
    let town = town();
    let run = plan(&town, "10000");
    approve_and_notice(&town, &run);
    town.run(&["allocate", "post", &run]).ok();
    let posted = town.text("SELECT posted_voucher FROM allocation_runs WHERE id = 1");
    let before = town.count("SELECT COUNT(*) FROM transactions");
    let r = town
        .run(&[
            "reverse",
            &posted,
            "--reason",
            "名单有误",
            "--date",
            "2025-01-07",
        ])
        .fails(1);
    assert!(
        r.stderr.contains(&format!(
            "voucher {posted} posted allocation run {run}; reverse the run instead: townledger allocate reverse {run} --reason"
        )),
        "{}",
        r.stderr
    );
    assert_eq!(town.count("SELECT COUNT(*) FROM transactions"), before);
    // Paying pays each household once, and only once.
    let r = town
        .run_as("出纳王", &["pay", &run, "--date", "2025-01-07"])
        .ok();
    assert!(
        r.stdout.contains("paid 3 household(s), 10,000.00"),
        "{}",
        r.stdout
    );
    let r = town
        .run_as("出纳王", &["pay", &run, "--date", "2025-01-08"])
        .fails(1);
    assert!(r.stderr.contains("nothing left to pay"), "{}", r.stderr);
    assert_eq!(
        balance_of(&town, "资产:银行存款:基本户").as_deref(),
        Some("0.00")
    );
}

#[test]
fn a_reversing_runs_voucher_and_the_reversing_run_stay_as_they_are() {
    let town = town();
    let run = plan(&town, "10000");
    approve_and_notice(&town, &run);
    town.run(&["allocate", "post", &run]).ok();
    town.run(&[
        "allocate",
        "reverse",
        &run,
        "--reason",
        "名单有误",
        "--date",
        "2025-01-07",
    ])
    .ok();
    let mirror = town.text("SELECT posted_voucher FROM allocation_runs WHERE id = 2");
    let before = town.count("SELECT COUNT(*) FROM transactions");
    let r = town
        .run(&["reverse", &mirror, "--reason", "撤销冲销"])
        .fails(1);
    assert!(
        r.stderr.contains("reversed allocation run 1 (as run 2)"),
        "{}",
        r.stderr
    );
    let r = town
        .run(&["allocate", "reverse", "2", "--reason", "撤销冲销"])
        .fails(1);
    assert!(r.stderr.contains("run 2 reverses run 1"), "{}", r.stderr);
    assert_eq!(town.count("SELECT COUNT(*) FROM transactions"), before);
    assert_eq!(
        balance_of(&town, "负债:专项应付款:动态帮扶").as_deref(),
        Some("-10000.00")
    );
    town.run(&["verify"]).ok();
}

#[test]
fn a_reversed_payment_is_a_bank_return_and_is_paid_again() {
    let town = town();
    let (run, _, paid) = paid_run(&town);
    assert_eq!(
        balance_of(&town, "资产:银行存款:基本户").as_deref(),
        Some("0.00")
    );
    let r = town
        .run(&[
            "reverse",
            &paid,
            "--reason",
            "银行退票",
            "--date",
            "2025-01-07",
        ])
        .ok();
    assert!(
        r.stdout.contains(&format!(
            "run {run}: HA, HB, HC payable again (bank return)"
        )),
        "{}",
        r.stdout
    );
    // The money is back in the bank and owed to the households again.
    assert_eq!(
        balance_of(&town, "资产:银行存款:基本户").as_deref(),
        Some("10000.00")
    );
    assert_eq!(
        balance_of(&town, "负债:应付款:农户:HA").as_deref(),
        Some("-4558.83")
    );
    let shown = town
        .run(&["allocate", "show", &run, "--format", "csv"])
        .ok()
        .stdout;
    assert!(shown.contains("HA,3100,"), "{shown}");
    assert!(
        shown.contains(",4558.83,0.00,胡荔村,"),
        "nothing paid: {shown}"
    );
    // The return itself is not undone behind the run's back.
    let returned = town.text(&format!(
        "SELECT DISTINCT returned_by FROM allocation_payments WHERE voucher = '{paid}'"
    ));
    let r = town
        .run(&["reverse", &returned, "--reason", "误操作"])
        .fails(1);
    assert!(
        r.stderr.contains(&format!(
            "pay the households again with `townledger pay {run}`"
        )),
        "{}",
        r.stderr
    );
    // A later payment pays them once more, and then nothing is left.
    let r = town
        .run_as("出纳王", &["pay", &run, "--date", "2025-01-08"])
        .ok();
    assert!(
        r.stdout.contains("paid 3 household(s), 10,000.00"),
        "{}",
        r.stdout
    );
    let r = town
        .run_as("出纳王", &["pay", &run, "--date", "2025-01-09"])
        .fails(1);
    assert!(r.stderr.contains("nothing left to pay"), "{}", r.stderr);
    assert!(
        !town
            .balances()
            .iter()
            .any(|(a, b)| a.starts_with("负债:应付款:农户:") && b != "0.00"),
        "{:?}",
        town.balances()
    );
    assert_eq!(
        town.count("SELECT COUNT(*) FROM allocation_payments WHERE returned_by IS NOT NULL"),
        3
    );
    town.run(&["verify"]).ok();
}

#[test]
fn a_run_whose_payment_came_back_can_be_reversed() {
    let town = town();
    let (run, _, paid) = paid_run(&town);
    let r = town
        .run(&["allocate", "reverse", &run, "--reason", "名单有误"])
        .fails(1);
    assert!(r.stderr.contains("already paid"), "{}", r.stderr);
    town.run(&[
        "reverse",
        &paid,
        "--reason",
        "银行退票",
        "--date",
        "2025-01-07",
    ])
    .ok();
    town.run(&[
        "allocate",
        "reverse",
        &run,
        "--reason",
        "名单有误",
        "--date",
        "2025-01-07",
    ])
    .ok();
    let b = town.balances();
    assert!(
        b.contains(&("负债:专项应付款:动态帮扶".into(), "-10000.00".into())),
        "{b:?}"
    );
    assert!(
        !b.iter()
            .any(|(a, v)| a.starts_with("负债:应付款:农户:") && v != "0.00"),
        "{b:?}"
    );
    town.run(&["verify"]).ok();
}

/// The test households with HC's village spelled with a character the font lacks.
fn town_with_unprintable_village() -> Town {
    let town = town();
    town.write("h2.csv", HOUSEHOLDS.replace("HC,西一村", "HC,西\u{E000}村"));
    town.run(&[
        "households",
        "import",
        "h2.csv",
        "--effective",
        "2024-01-01",
    ])
    .ok();
    town
}

#[test]
fn a_notice_that_cannot_be_printed_is_not_published() {
    let town = town_with_unprintable_village();
    let run = plan(&town, "10000");
    approve(&town, &run);
    let r = town
        .run(&[
            "allocate",
            "notice",
            &run,
            "--published",
            "2024-12-30",
            "--out",
            "公示.pdf",
        ])
        .fails(1);
    assert!(
        r.stderr
            .contains("household HC, field 村: character '\u{E000}' (U+E000) not in the font"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("row 3"), "{}", r.stderr);
    assert!(!town.path("公示.pdf").exists());
    assert_eq!(
        town.count("SELECT COUNT(*) FROM allocation_runs WHERE published IS NOT NULL"),
        0
    );
    // The committee fixes the date and prints it in a form that works: no "already published".
    let r = town
        .run(&[
            "allocate",
            "notice",
            &run,
            "--published",
            "2024-12-31",
            "--out",
            "公示.csv",
        ])
        .ok();
    assert!(
        r.stderr
            .contains("published 2024-12-31; payment may start 2025-01-08"),
        "{}",
        r.stderr
    );
    assert_eq!(
        town.text("SELECT published FROM allocation_runs WHERE id = 1"),
        "2024-12-31"
    );
}

#[test]
fn the_notice_font_can_be_chosen() {
    let town = town_with_unprintable_village();
    let run = plan(&town, "10000");
    approve(&town, &run);
    let font = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/fonts/NotoSansSC-townledger.otf");
    let r = town
        .run(&[
            "allocate",
            "notice",
            &run,
            "--published",
            "2024-12-30",
            "--format",
            "pdf",
            "--out",
            "公示.pdf",
            "--font",
            font.to_str().unwrap(),
        ])
        .fails(1);
    assert!(
        r.stderr.contains("the font ") && r.stderr.contains("NotoSansSC-townledger.otf"),
        "the font given is the one used: {}",
        r.stderr
    );
    let r = town
        .run(&[
            "allocate",
            "show",
            &run,
            "--out",
            "run.pdf",
            "--font",
            "no-such-font.ttf",
        ])
        .fails(4);
    assert!(r.stderr.contains("no-such-font.ttf"), "{}", r.stderr);
}

#[test]
fn the_csv_notice_carries_the_run_hash_and_dates_on_every_row() {
    let town = town();
    let run = plan(&town, "10000");
    approve_and_notice(&town, &run);
    let csv = town
        .run(&["allocate", "notice", &run, "--format", "csv"])
        .ok()
        .stdout;
    let sha = town.text("SELECT policy_sha256 FROM allocation_runs WHERE id = 1");
    assert_eq!(sha.len(), 64);
    // The households allocated, then (after an empty line) those left out.
    let (allocated, left_out) = csv.split_once("\n\n").expect("two blocks");
    let mut r = csv::Reader::from_reader(allocated.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "no",
            "village",
            "household_id",
            "name",
            "id_number",
            "bank_card",
            "members",
            "category",
            "share",
            "fixed",
            "total",
            "run",
            "policy_sha256",
            "published",
            "earliest_payment",
            "notice_to",
            "fund"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3, "{csv}");
    for row in &rows {
        assert_eq!(&row[11], run.as_str(), "{csv}");
        assert_eq!(&row[12], sha.as_str(), "{csv}");
        assert_eq!(&row[13], "2024-12-30", "{csv}");
        assert_eq!(&row[14], "2025-01-07", "{csv}");
        assert_eq!(&row[15], "2025-01-06", "{csv}");
        assert_eq!(&row[16], "动态帮扶资金", "{csv}");
    }
    let mut r = csv::Reader::from_reader(left_out.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header[..5],
        ["no", "village", "household_id", "name", "excluded"],
        "{csv}"
    );
    assert_eq!(&header[5..7], ["run", "policy_sha256"], "{csv}");
    let left: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(left.len(), 1, "{csv}");
    assert_eq!(
        (&left[0][2], &left[0][3], &left[0][4]),
        ("HD", "王*安", "未认定监测类别，不在本方案分配范围"),
        "{csv}"
    );
    assert_eq!(&rows[0][2], "HA");
    assert_eq!(&rows[0][10], "4558.83");
    // Other reports keep their columns.
    let balance = town.run(&["balance", "--format", "csv"]).ok().stdout;
    assert!(balance.starts_with("account,balance\n"), "{balance}");
}

#[test]
fn approvers_are_compared_as_names_not_as_bytes() {
    let town = town();
    let refused = |operator: &str, args: &[&str], why: &str| {
        let r = town.run_as(operator, args).fails(1);
        assert!(r.stderr.contains(why), "{why}: {}", r.stderr);
    };
    let plan_as = |operator: &str, amount: &str| {
        let r = town
            .run_as(
                operator,
                &[
                    "allocate",
                    "plan",
                    "--policy",
                    "policy.toml",
                    "--fund",
                    "动态帮扶",
                    "--amount",
                    amount,
                    "--date",
                    "2024-12-28",
                ],
            )
            .ok();
        r.stdout.lines().last().unwrap().trim().to_string()
    };
    // Planned by "root": "root ", " Root" and "ROOT  " are the same person.
    let run = plan_as("root", "10000");
    let run = run.as_str();
    let village = |by: &'static str| -> [&str; 9] {
        [
            "allocate",
            "approve",
            run,
            "--by",
            by,
            "--role",
            "village",
            "--date",
            "2024-12-29",
        ]
    };
    let town_role = |by: &'static str| -> [&str; 9] {
        [
            "allocate",
            "approve",
            run,
            "--by",
            by,
            "--role",
            "town",
            "--date",
            "2024-12-30",
        ]
    };
    for by in ["root ", " Root", "ROOT  "] {
        refused("村文书", &village(by), "the proposer cannot approve it");
    }
    for by in ["", "   "] {
        refused("村文书", &village(by), "an approval needs --by NAME");
    }
    let r = town.run_as("村文书", &village(" 村委会 ")).ok();
    assert!(
        r.stdout.contains("approved by 村委会 (village)"),
        "{}",
        r.stdout
    );
    assert_eq!(
        town.text("SELECT village_by FROM allocation_runs WHERE id = 1"),
        "村委会"
    );
    refused(
        "村文书",
        &town_role("村委会  "),
        "the town's approval must come from someone else",
    );
    town.run_as("村文书", &town_role("镇农办")).ok();
    town.run(&["allocate", "notice", run, "--published", "2024-12-30"])
        .ok();
    town.run(&["allocate", "post", run]).ok();
    for payer in ["村委会 ", " 镇农办"] {
        refused(
            payer,
            &["pay", run, "--date", "2025-01-07"],
            "the one who pays must not be an approver",
        );
    }
    // An operator name with spaces around it is recorded trimmed: the same proposer.
    let second = plan_as("会计李 ", "100");
    assert_eq!(
        town.text(&format!(
            "SELECT proposer FROM allocation_runs WHERE id = {second}"
        )),
        "会计李"
    );
    refused(
        "村文书",
        &[
            "allocate",
            "approve",
            &second,
            "--by",
            "会计李",
            "--role",
            "village",
        ],
        "the proposer cannot approve it",
    );
}

/// A zero-width space, a byte-order mark or full-width letters do not make another person.
#[test]
fn invisible_characters_and_full_width_letters_do_not_make_another_approver() {
    let town = town();
    let run = town
        .run_as(
            "alice",
            &[
                "allocate",
                "plan",
                "--policy",
                "policy.toml",
                "--fund",
                "动态帮扶",
                "--amount",
                "10000",
                "--date",
                "2024-12-28",
            ],
        )
        .ok()
        .stdout
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_string();
    let approve = |by: &str, role: &str, date: &str| {
        town.run_as(
            "村文书",
            &[
                "allocate", "approve", &run, "--by", by, "--role", role, "--date", date,
            ],
        )
    };
    // Names that differ only in width or case are the same person.
    for by in ["ａｌｉｃｅ", " ALICE "] {
        let r = approve(by, "village", "2024-12-29").fails(1);
        assert!(
            r.stderr
                .contains("run 1 was proposed by alice; the proposer cannot approve it"),
            "{by:?}: {}",
            r.stderr
        );
    }
    // Invisible characters are refused before any comparison (and would compare equal).
    let refused = |r: &common::Run| {
        r.stderr.contains("which a stored text may not contain")
            || r.stderr.contains("the proposer cannot approve it")
            || r.stderr.contains("must come from someone else")
            || r.stderr.contains("an approval needs --by NAME")
    };
    for by in [
        "alice\u{200B}",
        "\u{FEFF}Alice",
        "al\u{00AD}ice",
        "\u{202E}alice\u{202C}",
        "\u{200B}\u{2060}",
    ] {
        let r = approve(by, "village", "2024-12-29").fails(1);
        assert!(refused(&r), "{by:?}: {}", r.stderr);
    }
    approve("村委会", "village", "2024-12-29").ok();
    let r = approve("村委会\u{200B}", "town", "2024-12-30").fails(1);
    assert!(refused(&r), "{}", r.stderr);
    approve("ｂｏｂ", "town", "2024-12-30").ok();
    town.run(&["allocate", "notice", &run, "--published", "2024-12-30"])
        .ok();
    town.run(&["allocate", "post", &run]).ok();
    for payer in ["BOB", "bob\u{200D}", "村\u{FEFF}委会"] {
        let r = town
            .run_as(payer, &["pay", &run, "--date", "2025-01-07"])
            .fails(1);
        assert!(
            r.stderr
                .contains("the one who pays must not be an approver")
                || r.stderr.contains("which a stored text may not contain"),
            "{payer:?}: {}",
            r.stderr
        );
    }
    assert_eq!(
        town.count("SELECT count(*) FROM allocation_payments"),
        0,
        "nothing paid"
    );
}

#[test]
fn approval_and_notice_dates_follow_the_run() {
    let town = town();
    let run = plan(&town, "10000");
    let approve = |role: &str, by: &str, date: &str| {
        town.run(&[
            "allocate", "approve", &run, "--by", by, "--role", role, "--date", date,
        ])
    };
    let r = approve("village", "村委会", "2024-12-27").fails(1);
    assert!(
        r.stderr
            .contains("run 1 is dated 2024-12-28; it cannot be approved on 2024-12-27"),
        "{}",
        r.stderr
    );
    let r = approve("village", "村委会", "2999-01-01").fails(1);
    assert!(r.stderr.contains("after today"), "{}", r.stderr);
    approve("village", "村委会", "2024-12-30").ok();
    let r = approve("town", "镇农办", "2024-12-29").fails(1);
    assert!(
        r.stderr.contains(
            "the village approved run 1 on 2024-12-30; the town cannot approve it on 2024-12-29"
        ),
        "{}",
        r.stderr
    );
    approve("town", "镇农办", "2024-12-31").ok();
    for (early, why) in [
        (
            "2024-12-30",
            "the town approved run 1 on 2024-12-31; its notice cannot be published on 2024-12-30",
        ),
        (
            "2024-12-27",
            "run 1 is dated 2024-12-28; its notice cannot be published on 2024-12-27",
        ),
    ] {
        let r = town
            .run(&["allocate", "notice", &run, "--published", early])
            .fails(1);
        assert!(r.stderr.contains(why), "{}", r.stderr);
    }
    assert_eq!(
        town.count("SELECT COUNT(*) FROM allocation_runs WHERE published IS NOT NULL"),
        0
    );
    town.run(&["allocate", "notice", &run, "--published", "2024-12-31"])
        .ok();
    let r = town
        .run(&["allocate", "notice", &run, "--published", "2025-01-02"])
        .fails(1);
    assert!(
        r.stderr.contains("already published on 2024-12-31"),
        "{}",
        r.stderr
    );
    // A reprint without a date keeps the first one.
    let r = town.run(&["allocate", "notice", &run]).ok();
    assert!(r.stdout.contains("2024-12-31"), "{}", r.stdout);
}

#[test]
fn run_detail_title_and_output_files() {
    let town = town();
    let run = plan(&town, "10000");
    let shown = town.run(&["allocate", "show", &run]).ok().stdout;
    assert!(shown.contains("动态帮扶 分配方案 第1批"), "{shown}");
    // The extension of --out picks the format; an unknown one is refused, and nothing written.
    let r = town
        .run(&["allocate", "show", &run, "--out", "run.docx"])
        .fails(1);
    assert!(
        r.stderr
            .contains("unknown extension '.docx' (known: .txt, .csv, .json, .xlsx, .pdf)"),
        "{}",
        r.stderr
    );
    assert!(!town.path("run.docx").exists());
    let r = town
        .run(&[
            "allocate", "show", &run, "--format", "csv", "--out", "run.pdf",
        ])
        .fails(1);
    assert!(r.stderr.contains("--format csv but --out"), "{}", r.stderr);
    town.run(&["allocate", "list", "--out", "runs.pdf"]).ok();
    let pdf = std::fs::read(town.path("runs.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"), "the extension picked PDF");
    town.run(&["allocate", "show", &run, "--out", "run.csv"])
        .ok();
    let csv = std::fs::read_to_string(town.path("run.csv")).unwrap();
    assert!(csv.starts_with("household_id,weight,quota,share"), "{csv}");
}

/// A run's detail and the dividend report print as PDF with the built-in font (every character
/// of their explanations is in it).
#[test]
fn run_detail_and_dividend_report_print_with_the_built_in_font() {
    let town = town();
    let run = plan(&town, "10000");
    town.run(&["allocate", "show", &run, "--out", "run.pdf"])
        .ok();
    assert!(std::fs::metadata(town.path("run.pdf")).unwrap().len() > 1000);
    town.run(&["dividend", "report", "--out", "dividends.pdf"])
        .ok();
    assert!(std::fs::metadata(town.path("dividends.pdf")).unwrap().len() > 1000);
}

/// One person heads one household, and a card is paid to one household only: a register that
/// repeats an ID or card number is refused, naming both rows, with the numbers masked.
#[test]
fn a_repeated_id_or_card_number_is_refused() {
    let town = Town::new();
    town.write(
        "dup.csv",
        "id,village,name,id_number,members,per_capita_income,category,risk_level,risk_causes,labour,bank_card\n\
         H1,胡荔村,甲,441721198001011238,2,5000,脱贫不稳定户,红,因病,none,6217000000000001234\n\
         H2,胡荔村,乙,441721198001011238,2,5000,脱贫不稳定户,红,因病,none,6217000000000005678\n\
         H3,胡荔村,丙,441721197512120028,2,5000,脱贫不稳定户,红,因病,none,6217000000000001234\n",
    );
    let r = town.run(&["households", "import", "dup.csv"]).fails(1);
    assert!(
        r.stderr.contains(
            "dup.csv:3: id_number: ID number **************1238 is also household H1's (row 2)"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "dup.csv:4: bank_card: card number ***************1234 is also household H1's (row 2)"
        ),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("441721198001011238"),
        "masked: {}",
        r.stderr
    );
    assert_eq!(town.count("SELECT COUNT(*) FROM households"), 0);
}

/// The allocation benchmark runs end to end on a small register.
#[test]
fn allocation_benchmark_runs() {
    let town = Town::empty();
    let dir = town.path("bench");
    let r = town
        .run(&[
            "bench",
            "--allocation",
            "300",
            "--dir",
            dir.to_str().unwrap(),
        ])
        .ok();
    assert!(r.stdout.contains("plan + post + pay"), "{}", r.stdout);
}

/// The bank's own result file names the card paid into, not the household: each card is the
/// household's that the run pays into it.
#[test]
fn a_bank_file_by_card_number_pays_those_households() {
    let town = town();
    let run = plan(&town, "10000");
    approve_and_notice(&town, &run);
    town.run(&["allocate", "post", &run]).ok();
    town.write(
        "bank.csv",
        "收款账号,户名,交易金额,交易状态,交易流水,失败信息\n\
         6217 0000 0000 0001 234,叶建国,4558.83,成功,B001,\n\
         6217000000000005678,陈亚生,2058.82,失败,,账户冻结\n\
         6217000000000009999,某人,1.00,成功,B003,\n",
    );
    let r = town.run_as(
        "出纳王",
        &[
            "pay",
            &run,
            "--date",
            "2025-01-07",
            "--bank-file",
            "bank.csv",
        ],
    );
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("bank.csv:4: card ***************9999 is no household's in run"),
        "{}",
        r.stderr
    );
    // Without the stray line, HA is paid and HB stays payable.
    town.write(
        "bank.csv",
        "收款账号,户名,交易金额,交易状态,交易流水,失败信息\n\
         6217 0000 0000 0001 234,叶建国,4558.83,成功,B001,\n\
         6217000000000005678,陈亚生,2058.82,失败,,账户冻结\n",
    );
    let r = town.run_as(
        "出纳王",
        &[
            "pay",
            &run,
            "--date",
            "2025-01-07",
            "--bank-file",
            "bank.csv",
        ],
    );
    assert_eq!(r.code, 1, "failures leave the exit status non-zero");
    assert!(
        r.stdout.contains("paid 1 household(s), 4,558.83"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("HB  2,058.82  bank: 账户冻结"),
        "{}",
        r.stdout
    );
}

/// The policy promises that the households left out are named in the notice with the reason;
/// the village board needs the fund by its name, the notice period from and to, room for the
/// seals and the date, the complaint line, and the policy's hash in small print at the foot.
#[test]
fn the_notice_names_the_households_left_out_and_is_fit_for_the_board() {
    let town = Town::empty();
    town.run(&["init", "--town", "程村镇"]).ok();
    let town = with_households_and_fund(town);
    town.write(
        "policy.toml",
        format!(
            "{POLICY}\n[[exclude]]\nhousehold = \"HB\"\nreason = \"风险已消除\"\n\n\
             [notice]\nphone = \"0662-5550123（镇农办）\"\n"
        ),
    );
    let run = plan(&town, "10000");
    approve(&town, &run);
    let sha = town.text("SELECT policy_sha256 FROM allocation_runs WHERE id = 1");
    let notice = |format: &str| {
        town.run(&[
            "allocate",
            "notice",
            &run,
            "--published",
            "2024-12-30",
            "--format",
            format,
        ])
        .ok()
        .stdout
    };
    // Text: the households left out follow the table, each with the reason.
    let text = notice("text");
    let left_out = text
        .split("未纳入本次分配的户及原因（2 户）")
        .nth(1)
        .unwrap_or_else(|| panic!("no section of households left out:\n{text}"));
    let hb = left_out.lines().find(|l| l.contains("HB")).unwrap();
    assert!(hb.contains("陈*生") && hb.contains("风险已消除"), "{text}");
    let hd = left_out.lines().find(|l| l.contains("HD")).unwrap();
    assert!(hd.contains("未认定监测类别"), "{text}");
    let allocated = text.split("未纳入本次分配的户").next().unwrap();
    assert!(!allocated.contains("HB"), "HB is not allocated:\n{text}");
    assert!(text.contains("监督电话：0662-5550123（镇农办）"), "{text}");
    // CSV: a second block of the households left out.
    let csv = notice("csv");
    assert!(
        csv.contains("\n\nno,village,household_id,name,excluded,run,"),
        "{csv}"
    );
    assert!(csv.contains("\n1,胡荔村,HB,陈*生,风险已消除,1,"), "{csv}");

    // PDF, read back.
    town.run(&["allocate", "notice", &run, "--out", "公示.pdf"])
        .ok();
    if !common::have_tool("pdftotext") {
        return;
    }
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "公示.pdf", "-"])
        .current_dir(town.dir.path())
        .output()
        .unwrap();
    let pdf = String::from_utf8(out.stdout).unwrap();
    let squeezed: String = pdf.chars().filter(|c| !c.is_whitespace()).collect();
    for expected in [
        "动态帮扶资金分配公示",
        "程村镇",
        "资金：动态帮扶资金",
        "公示期：2024-12-30至2025-01-06（5个工作日）",
        "最早发放日期：2025-01-07",
        "未纳入本次分配的户及原因（2户）",
        "HB陈*生风险已消除",
        "HD王*安未认定监测类别，不在本方案分配范围",
        "监督电话：0662-5550123（镇农办）",
        "村委会（盖章）",
        "镇农办（盖章）",
        "______年____月____日",
    ] {
        assert!(squeezed.contains(expected), "{expected} missing:\n{pdf}");
    }
    assert!(
        !pdf.contains("负债:专项应付款"),
        "the fund by its name:\n{pdf}"
    );
    // The hash is in the footer, under the seals, not in the heading.
    let lines: Vec<&str> = pdf.lines().collect();
    let at = |needle: &str| lines.iter().position(|l| l.contains(needle));
    let hash_line = at(&sha).unwrap_or_else(|| panic!("hash {sha} not printed whole:\n{pdf}"));
    assert!(hash_line > at("镇农办（盖章）").unwrap(), "{pdf}");
    assert!(
        lines[hash_line].contains("第 1 页 共 1 页") || lines[hash_line].contains("第1页共1页"),
        "{pdf}"
    );
    assert!(
        !lines[..at("序号").unwrap()].join("\n").contains(&sha[..16]),
        "{pdf}"
    );
}

/// Without a holiday table in the policy, the State Council's calendar counts: New Year's Day
/// is no working day. A policy adds its own days off. A notice period beyond the years the
/// calendar covers is counted by weekends only, and the notice says so.
#[test]
fn the_notice_period_follows_the_state_councils_calendar() {
    let earliest = |policy: &str, published: &str| {
        let town = town();
        town.write("policy.toml", policy);
        let run = plan(&town, "10000");
        approve(&town, &run);
        let r = town
            .run(&["allocate", "notice", &run, "--published", published])
            .ok();
        let date = town.text("SELECT earliest_payment FROM allocation_runs WHERE id = 1");
        (date, r.stderr)
    };
    let (date, stderr) = earliest(POLICY, "2024-12-30");
    assert_eq!(date, "2025-01-07");
    assert!(!stderr.contains("warning"), "{stderr}");
    // Spring Festival 2026: 15–23 February off, Saturday 14 February worked.
    let (date, _) = earliest(POLICY, "2026-02-13");
    assert_eq!(date, "2026-02-27");
    let (date, _) = earliest(
        &format!("{POLICY}\n[calendar]\nholidays = [\"2025-01-02\"]\n"),
        "2024-12-30",
    );
    assert_eq!(date, "2025-01-08");
    // 2027 is not in the table: 1 January counts as a working day, with a warning.
    let (date, stderr) = earliest(POLICY, "2026-12-30");
    assert_eq!(date, "2027-01-06");
    assert!(
        stderr.contains("warning: run 1's notice period 2026-12-30 – 2027-01-06 falls in 2027, outside the built-in holiday calendar (2024–2026)"),
        "{stderr}"
    );
}

/// The policy's calendar: New Year's Day off, so a notice published on 2024-12-30 allows
/// payment from 2025-01-07, and paying on the 6th is refused.
#[test]
fn the_notice_period_skips_the_policys_holidays() {
    let town = town();
    town.write(
        "policy.toml",
        format!("{POLICY}\n[calendar]\nholidays = [\"2025-01-01\"]\n"),
    );
    let run = plan(&town, "10000");
    approve(&town, &run);
    let csv = town
        .run(&[
            "allocate",
            "notice",
            &run,
            "--published",
            "2024-12-30",
            "--format",
            "csv",
        ])
        .ok()
        .stdout;
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .ends_with(",2024-12-30,2025-01-07,2025-01-06,动态帮扶资金"),
        "{csv}"
    );
    town.run(&["allocate", "post", &run]).ok();
    let r = town
        .run_as("出纳王", &["pay", &run, "--date", "2025-01-06"])
        .fails(1);
    assert!(
        r.stderr.contains("payment may start on 2025-01-07"),
        "{}",
        r.stderr
    );
}

#[test]
fn runs_stored_a_row_per_household_are_migrated_to_blocks() {
    let town = town();
    let (run, _, _) = paid_run(&town);
    let second = plan(&town, "5000");
    let shown = |run: &str| {
        town.run(&["allocate", "show", run, "--format", "csv"])
            .ok()
            .stdout
    };
    let (first_lines, second_lines) = (shown(&run), shown(&second));
    let payments = "SELECT COUNT(*), SUM(amount) FROM allocation_payments";
    let paid_before = (
        town.count(payments),
        town.count(&payments.replace("COUNT(*), ", "")),
    );
    assert!(paid_before.0 > 0);
    assert!(first_lines.lines().count() > 3, "{first_lines}");
    town.sql(common::RUNS_AS_IN_SCHEMA_7);
    assert_eq!(
        town.count("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'allocation_line_blocks'"),
        0
    );
    // The next command migrates: the same lines, with what was paid.
    assert_eq!(shown(&run), first_lines);
    assert_eq!(shown(&second), second_lines);
    let paid_after = (
        town.count(payments),
        town.count(&payments.replace("COUNT(*), ", "")),
    );
    assert_eq!(paid_after, paid_before);
    assert_eq!(
        town.count("PRAGMA user_version"),
        townledger::store::schema::CURRENT_VERSION
    );
    assert_eq!(
        town.count(&format!(
            "SELECT COUNT(*) FROM allocation_lines WHERE run = {second}"
        )),
        (second_lines.lines().count() - 1) as i64
    );
    // What was paid is still paid: the migrated run has nothing left to pay.
    let again = town
        .run_as("出纳王", &["pay", &run, "--date", "2025-01-07"])
        .fails(1);
    assert!(
        again.stderr.contains("nothing left to pay"),
        "{}",
        again.stderr
    );
}

/// On the command line an identity is a claim: the operator who typed an approval is kept
/// beside the approver it names, and shown with it.
#[test]
fn an_approval_keeps_the_operator_who_recorded_it() {
    let town = town();
    let run = plan(&town, "5000");
    town.run_as(
        "镇文书",
        &[
            "allocate",
            "approve",
            &run,
            "--by",
            "村委会",
            "--role",
            "village",
            "--date",
            "2024-12-29",
        ],
    )
    .ok();
    assert_eq!(
        town.text(&format!(
            "SELECT village_by || '/' || village_operator FROM allocation_runs WHERE id = {run}"
        )),
        "村委会/镇文书"
    );
    let shown = town.run(&["allocate", "show", &run]).ok().stdout;
    assert!(
        shown.contains("村委会 2024-12-29（录入：镇文书）"),
        "{shown}"
    );
    assert!(!shown.contains("镇级审批"), "{shown}");
}

/// A head's name a spreadsheet would run as a formula is neutralised in the register's CSV,
/// masked or not.
#[test]
fn the_household_list_in_csv_runs_no_formula() {
    let town = Town::new();
    town.write(
        "h.csv",
        HOUSEHOLDS.replace("HA,胡荔村,叶建国,", "HA,胡荔村,=SUM(),"),
    );
    town.run(&["households", "import", "h.csv", "--effective", "2024-01-01"])
        .ok();
    let list = town
        .run(&["households", "list", "--format", "csv"])
        .ok()
        .stdout;
    let ha = list.lines().find(|l| l.starts_with("HA,")).unwrap();
    assert!(ha.starts_with("HA,胡荔村,'=****),"), "{ha}");
    let unmasked = town
        .run(&["households", "list", "--format", "csv", "--unmasked"])
        .ok()
        .stdout;
    let ha = unmasked.lines().find(|l| l.starts_with("HA,")).unwrap();
    assert!(
        ha.starts_with("HA,胡荔村,'=SUM(),441721198001011238,2,5000.00,"),
        "{ha}"
    );
    // The list read back as a register is the same register: the name is `=SUM()` again.
    town.write("again.csv", &unmasked);
    town.run(&[
        "households",
        "import",
        "again.csv",
        "--effective",
        "2024-06-01",
    ])
    .ok();
    assert_eq!(
        town.text("SELECT name FROM households WHERE id = 'HA' ORDER BY import_seq DESC LIMIT 1"),
        "=SUM()"
    );
}

/// A plan that leaves every household out says why, counted by reason, the most common first.
#[test]
fn a_plan_excluding_every_household_says_why_counted_by_reason() {
    let town = town();
    town.write(
        "none.toml",
        POLICY.replace(
            "\"脱贫不稳定户\" = \"1\"\n\"边缘易致贫户\" = \"1\"\n",
            "\"突发严重困难户\" = \"1\"\n",
        ),
    );
    let r = town
        .run(&[
            "allocate",
            "plan",
            "--policy",
            "none.toml",
            "--fund",
            "动态帮扶",
            "--amount",
            "1000",
            "--date",
            "2024-12-28",
        ])
        .fails(1);
    assert!(
        r.stderr.contains(
            "(4 candidates, all excluded): 2 户 类别「边缘易致贫户」不在本方案可分配类别内; \
             1 户 未认定监测类别，不在本方案分配范围; 1 户 类别「脱贫不稳定户」不在本方案可分配类别内"
        ),
        "{}",
        r.stderr
    );
}

/// `pay --from` pays from an asset only, and only what it holds on the day: a liability or an
/// account that would be overdrawn is refused, and nothing is written.
#[test]
fn pay_from_is_an_asset_that_holds_enough() {
    let town = town();
    let run = plan(&town, "10000");
    approve_and_notice(&town, &run);
    town.run(&["allocate", "post", &run]).ok();
    let before = town.balances();
    let r = town
        .run_as(
            "出纳王",
            &[
                "pay",
                &run,
                "--date",
                "2025-01-07",
                "--from",
                "负债:专项应付款:动态帮扶",
            ],
        )
        .fails(1);
    assert!(
        r.stderr.contains(
            "负债:专项应付款:动态帮扶 is a liability account: money is paid from an asset"
        ),
        "{}",
        r.stderr
    );
    town.write(
        "cash.csv",
        "txn_id,date,account,amount,memo\n\
         C1,2024-12-01,资产:库存现金,500,备用金\n\
         C1,2024-12-01,净资产:公积公益金,-500,备用金\n",
    );
    town.run(&["import", "postings", "cash.csv", "--create-accounts"])
        .ok();
    let before_cash = town.balances();
    let r = town
        .run_as(
            "出纳王",
            &[
                "pay",
                &run,
                "--date",
                "2025-01-07",
                "--from",
                "资产:库存现金",
            ],
        )
        .fails(1);
    assert!(
        r.stderr
            .contains("资产:库存现金 would hold -9,500.00 at the end of 2025-01-07"),
        "{}",
        r.stderr
    );
    assert_eq!(town.balances(), before_cash);
    assert_ne!(before, before_cash);
    town.run_as("出纳王", &["pay", &run, "--date", "2025-01-07"])
        .ok();
}

/// A run is posted and paid in an open period only: with January 2025 closed, `allocate post`
/// and `pay` dated in it are refused, nothing written; dated in February they go through.
#[test]
fn allocate_post_and_pay_refuse_a_closed_period() {
    let town = town();
    let run = plan(&town, "10000");
    approve_and_notice(&town, &run);
    town.run_as("镇财务", &["period", "close", "2025-01"]).ok();
    let before = town.balances();
    let r = town
        .run(&["allocate", "post", &run, "--date", "2025-01-07"])
        .fails(1);
    assert!(
        r.stderr.contains(
            "2025-01-07 lies in a closed period (the books are closed through 2025-01, by 镇财务"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(town.balances(), before);
    town.run(&["allocate", "post", &run, "--date", "2025-02-03"])
        .ok();
    let before = town.balances();
    let r = town
        .run_as("出纳王", &["pay", &run, "--date", "2025-01-31"])
        .fails(1);
    assert!(
        r.stderr.contains("2025-01-31 lies in a closed period"),
        "{}",
        r.stderr
    );
    assert_eq!(town.balances(), before);
    town.run_as("出纳王", &["pay", &run, "--date", "2025-02-05"])
        .ok();
}

//! Tests of the whole allocation: worked example, refusals, and properties.

use super::*;
use proptest::prelude::*;

/// The allocation policy of the worked example (the demo town's policy as it was first
/// written, with 防贫保 as a fixed item of 400 a person), kept so the example stays checked.
const DEMO: &str = include_str!("worked-example-2024.toml");

/// The demo policy, with its exclusion pointed at H06 of the example households.
fn demo_policy() -> Policy {
    Policy::from_toml_str(&DEMO.replace("\"H0007\"", "\"H06\""), "policy-2024.toml").unwrap()
}

/// The demo weights with a tighter floor and cap, so that both bind in the worked example.
fn example_policy() -> Policy {
    let text = DEMO
        .replace("floor = \"1000\"", "floor = \"3500\"")
        .replace("cap = \"30000\"", "cap = \"20000\"")
        .replace("\"H0007\"", "\"H06\"");
    Policy::from_toml_str(&text, "example.toml").unwrap()
}

fn cand(
    id: &str,
    members: u32,
    income: i64,
    category: &str,
    level: &str,
    causes: &[&str],
    labour: &str,
) -> Candidate {
    Candidate {
        id: id.to_string(),
        village: "程村".to_string(),
        members,
        per_capita_income: Amount::from_yuan(income),
        category: category.to_string(),
        risk_level: level.to_string(),
        risk_causes: causes.iter().map(|s| s.to_string()).collect(),
        labour: labour.to_string(),
    }
}

fn chengcun() -> Vec<Candidate> {
    vec![
        cand("H01", 4, 5200, "脱贫不稳定户", "红", &["因病"], "none"),
        cand("H02", 3, 6400, "边缘易致贫户", "黄", &["因学"], "full"),
        cand("H03", 2, 3000, "突发严重困难户", "红", &["因残"], "weak"),
        cand("H04", 5, 7600, "关注户", "蓝", &[], "full"),
        cand("H05", 1, 6900, "边缘易致贫户", "蓝", &["因病"], "none"),
        cand("H06", 3, 4000, "脱贫不稳定户", "黄", &[], "full"),
        cand("H07", 2, 4000, "", "", &[], "full"),
        cand("H08", 2, 4000, "关注户", "绿", &[], "full"),
    ]
}

fn line<'a>(p: &'a Plan, id: &str) -> &'a PlanLine {
    p.lines.iter().find(|l| l.household == id).unwrap()
}

fn rule_message(r: Result<Plan>) -> String {
    match r {
        Err(Error::Rule(m)) => m,
        other => panic!("expected a rule refusal, got {other:?}"),
    }
}

/// Worked example, checked by hand. Line 7000; base 500, 300 per member, gap factor 0.5;
/// categories 1.6 / 1.4 / 1.2 / 1.0; red 1.5, yellow 1.2, blue 1.0; no labour 1.3; illness or
/// disability 1.2; floor 3500, cap 20000; 防贫保 400 per member. Pool 60,000.00.
///
/// Weights:
///   H01 4 人, 5200, 脱贫不稳定/红/因病/无劳动: (500+1200+1800×4×0.5=3600)=5300 ×1.4×1.5×1.3×1.2 = 17362.8
///   H02 3 人, 6400, 边缘/黄/因学:             (500+900+600×3×0.5=900)=2300 ×1.2×1.2         = 3312
///   H03 2 人, 3000, 突发/红/因残/弱劳动:      (500+600+4000×2×0.5=4000)=5100 ×1.6×1.5×1.2   = 14688
///   H04 5 人, 7600 (above the line), 关注/蓝: (500+1500+0)=2000                             = 2000
///   H05 1 人, 6900, 边缘/蓝/因病/无劳动:       (500+300+100×1×0.5=50)=850 ×1.2×1.3×1.2        = 1591.2
///   H06 excluded by the policy (风险已消除), H07 has no category, H08's level 绿 is not listed.
/// Fixed: 400 × (4+3+2+5+1 = 15) = 6000; 54,000.00 left to divide by weight.
/// Bounds: H01 and H03 at the cap (2 × 20000), H05 at the floor 3500; 10,500.00 left for
///   H02 and H04 (weights 3312 + 2000 = 5312): λ = 10500/5312 = 1.97666…
///   check: H05 1591.2 × λ = 3145.26 < 3500 (floor holds); H03 14688 × λ = 29033 > 20000 (cap holds);
///   H04 2000 × λ = 3953.31 ≥ 3500 (between the bounds).
/// Quotas in fen: H02 3312 × 1,050,000 / 5312 = 654,668 + 3584/5312 (0.6747)
///                H04 2000 × 1,050,000 / 5312 = 395,331 + 1728/5312 (0.3253)
///   integer parts 1,049,999 → one fen left → largest remainder H02 → 654,669.
/// Shares: H01 20000.00, H02 6546.69, H03 20000.00, H04 3953.31, H05 3500.00 = 54,000.00;
/// with 防贫保: 21600.00 + 7746.69 + 20800.00 + 5953.31 + 3900.00 = 60,000.00.
#[test]
fn chengcun_worked_example() {
    let policy = example_policy();
    let p = plan(&policy, 2024, Amount::from_yuan(60_000), &chengcun()).unwrap();
    assert_eq!(p.line, Amount::from_yuan(7000));
    assert_eq!(p.fixed_total, Amount::from_yuan(6000));
    assert_eq!(p.apportioned, Amount::from_yuan(54_000));
    assert_eq!((p.eligible, p.excluded, p.at_floor, p.at_cap), (5, 3, 1, 2));
    assert_eq!(p.total_weight, "38954");
    assert_eq!(p.policy_sha256, policy.sha256());

    let want = [
        ("H01", "17362.8", 2_000_000, 2_160_000, Bound::Cap),
        ("H02", "3312", 654_669, 774_669, Bound::Proportional),
        ("H03", "14688", 2_000_000, 2_080_000, Bound::Cap),
        ("H04", "2000", 395_331, 595_331, Bound::Proportional),
        ("H05", "1591.2", 350_000, 390_000, Bound::Floor),
    ];
    for (id, weight, share, total, bound) in want {
        let l = line(&p, id);
        assert_eq!(l.weight.as_ref().unwrap().weight, weight, "{id}");
        assert_eq!(l.share.fen(), share, "{id}");
        assert_eq!(l.total.fen(), total, "{id}");
        assert_eq!(l.bound, Some(bound), "{id}");
        assert_eq!(l.excluded, None);
    }
    let h02 = line(&p, "H02");
    assert_eq!(h02.quota.as_deref(), Some("6546.686747"));
    assert_eq!(h02.quota_fen.as_deref(), Some("54337500/83"));
    assert_eq!(h02.residual.as_deref(), Some("0.003253"));
    let h04 = line(&p, "H04");
    assert_eq!(h04.quota.as_deref(), Some("3953.313253"));
    assert_eq!(h04.quota_fen.as_deref(), Some("32812500/83"));
    assert_eq!(h04.residual.as_deref(), Some("-0.003253"));
    assert_eq!(line(&p, "H01").quota.as_deref(), Some("20000.000000"));
    assert_eq!(line(&p, "H01").residual.as_deref(), Some("0.000000"));

    assert_eq!(
        line(&p, "H01").explanation,
        "基础 500 + 人口 4×300 + 收入差距 (7000-5200)×4×0.5 = 5300；×1.4 脱贫不稳定户 ×1.5 风险等级红 ×1.3 无劳动能力 ×1.2 因病 → 权重 17362.8；封顶 20000"
    );
    assert_eq!(
        line(&p, "H04").explanation,
        "基础 500 + 人口 5×300 + 收入差距 0（人均 7600 ≥ 监测线 7000） = 2000 → 权重 2000"
    );
    assert!(line(&p, "H05")
        .explanation
        .ends_with("→ 权重 1591.2；保底 3500"));
    let parts = line(&p, "H03").weight.clone().unwrap();
    assert_eq!(parts.gap_part, "4000");
    assert_eq!(parts.subtotal, "5100");
    assert_eq!(parts.income_gap, Amount::from_yuan(4000));
    let m = parts.multipliers;
    assert_eq!(
        [m.category, m.risk_level, m.no_labour, m.illness_disability].map(|d| d.to_string()),
        ["1.6", "1.5", "1", "1.2"]
    );
    assert_eq!(
        line(&p, "H01").fixed,
        vec![FixedShare {
            name: "防贫保".into(),
            amount: Amount::from_yuan(1600)
        }]
    );

    // Exclusions, each with its reason, paid nothing.
    assert_eq!(line(&p, "H06").excluded.as_deref(), Some("风险已消除"));
    assert_eq!(line(&p, "H06").explanation, "不参与分配：风险已消除");
    assert!(line(&p, "H07")
        .excluded
        .as_deref()
        .unwrap()
        .contains("未认定监测类别"));
    assert_eq!(
        line(&p, "H08").excluded.as_deref(),
        Some("风险等级「绿」不在本方案可分配范围内")
    );
    for id in ["H06", "H07", "H08"] {
        let l = line(&p, id);
        assert_eq!((l.share, l.total), (Amount::ZERO, Amount::ZERO));
        assert!(l.weight.is_none() && l.fixed.is_empty());
    }
    let total: Amount = p.lines.iter().map(|l| l.total).sum();
    assert_eq!(total, Amount::from_yuan(60_000));
    // Lines come out in household id order.
    let ids: Vec<&str> = p.lines.iter().map(|l| l.household.as_str()).collect();
    assert_eq!(
        ids,
        ["H01", "H02", "H03", "H04", "H05", "H06", "H07", "H08"]
    );
}

#[test]
fn demo_policy_explanation_matches_the_issue() {
    let policy = Policy::from_toml_str(DEMO, "policy-2024.toml").unwrap();
    let people = vec![
        cand("A", 4, 5200, "关注户", "蓝", &["因病致贫"], "none"),
        cand("B", 2, 6000, "脱贫不稳定户", "黄", &[], "full"),
    ];
    let p = plan(&policy, 2024, Amount::from_yuan(20_000), &people).unwrap();
    assert_eq!(
        line(&p, "A").explanation,
        "基础 500 + 人口 4×300 + 收入差距 (7000-5200)×4×0.5 = 5300；×1.3 无劳动能力 ×1.2 因病 → 权重 8268"
    );
    // B: (500 + 600 + 1000×2×0.5) = 2100 × 1.4 × 1.2 = 3528. Fixed 400 × 6 = 2400; 17,600 left.
    // In fen: A 1,760,000 × 8268/11796 = 1,233,611.39…, B 526,388.61…; one fen left → B.
    assert_eq!(line(&p, "B").weight.as_ref().unwrap().weight, "3528");
    assert_eq!(line(&p, "A").share, Amount::from_fen(1_233_611));
    assert_eq!(line(&p, "B").share, Amount::from_fen(526_389));
    assert_eq!(
        p.notes,
        vec![
            "排除名单中的 H0007 不在候选户中 / excluded household H0007 is not a candidate"
                .to_string()
        ]
    );
}

#[test]
fn demo_policy_runs_on_the_example_households() {
    let policy = demo_policy();
    let p = plan(&policy, 2024, Amount::from_yuan(60_000), &chengcun()).unwrap();
    // No bound binds under the demo's 1000 / 30000: everything is by weight.
    assert_eq!((p.at_floor, p.at_cap), (0, 0));
    assert_eq!(p.apportioned, Amount::from_yuan(54_000));
    // Quotas in fen (5,400,000 × weight / 38954): H01 2,406,918.93, H02 459,126.15,
    // H03 2,036,124.66, H04 277,250.09, H05 220,580.17; two fen left → H01 (.93) and H03 (.66).
    let shares: Vec<i64> = p.lines[..5].iter().map(|l| l.share.fen()).collect();
    assert_eq!(
        shares,
        vec![2_406_919, 459_126, 2_036_125, 277_250, 220_580]
    );
    assert_eq!(
        p.lines.iter().map(|l| l.share).sum::<Amount>(),
        Amount::from_yuan(54_000)
    );
}

#[test]
fn missing_year_is_an_error_naming_the_policy() {
    let policy = Policy::from_toml_str(DEMO, "policy-2024.toml").unwrap();
    match plan(&policy, 2025, Amount::from_yuan(60_000), &chengcun()) {
        Err(Error::Input(e)) => {
            assert_eq!(e[0].file, "policy-2024.toml");
            assert!(e[0].line > 0);
            assert!(e[0].reason.contains("2025"), "{}", e[0]);
        }
        other => panic!("expected an input error, got {other:?}"),
    }
}

fn flat_policy(extra: &str) -> Policy {
    let text = format!(
        r#"
[lines]
2024 = "7000"
[weights]
base = "1000"
per_member = "0"
gap_factor = "0"
[categories]
"脱贫不稳定户" = "1"
"边缘易致贫户" = "1"
{extra}
"#
    );
    Policy::from_toml_str(&text, "flat.toml").unwrap()
}

#[test]
fn equal_split_is_refused_unless_the_households_are_identical() {
    let policy = flat_policy("");
    let differ = vec![
        cand("A", 4, 5200, "脱贫不稳定户", "红", &[], "full"),
        cand("B", 1, 6900, "边缘易致贫户", "蓝", &[], "full"),
    ];
    let m = rule_message(plan(&policy, 2024, Amount::from_yuan(10_000), &differ));
    assert!(
        m.contains("严禁简单平均分配") && m.contains("2 户") && m.contains("1000"),
        "{m}"
    );

    // Identical data (as the policy reads them): equal shares are allowed, with a note.
    let same = vec![
        cand("A", 3, 5000, "脱贫不稳定户", "红", &["因学"], "full"),
        cand("B", 3, 5000, "脱贫不稳定户", "黄", &["因学"], "weak"),
        cand("C", 3, 5000, "脱贫不稳定户", "蓝", &["因学"], "full"),
    ];
    let p = plan(&policy, 2024, Amount::from_fen(1_000_001), &same).unwrap();
    assert_eq!(p.notes.len(), 1, "{:?}", p.notes);
    assert!(p.notes[0].contains("相同"));
    // 10,000.01 over three equal weights: 333,333.67 fen each → the extra fen to A (lowest id).
    let shares: Vec<i64> = p.lines.iter().map(|l| l.share.fen()).collect();
    assert_eq!(shares, vec![333_334, 333_334, 333_333]);
}

#[test]
fn an_equal_amount_per_person_is_refused_too() {
    // Only a per-member part: every person the same weight (按人头平均).
    let text = r#"
[lines]
2024 = "7000"
[weights]
base = "0"
per_member = "300"
gap_factor = "0"
[categories]
"脱贫不稳定户" = "1"
"边缘易致贫户" = "1"
"#;
    let policy = Policy::from_toml_str(text, "per-head.toml").unwrap();
    let differ = vec![
        cand("A", 4, 5200, "脱贫不稳定户", "红", &[], "full"),
        cand("B", 1, 6900, "边缘易致贫户", "蓝", &[], "full"),
    ];
    let m = rule_message(plan(&policy, 2024, Amount::from_yuan(10_000), &differ));
    assert!(
        m.contains("严禁简单平均分配") && m.contains("按人头平均"),
        "{m}"
    );
    // Households that differ only in size: shares by size are fair.
    let sizes = vec![
        cand("A", 4, 5200, "脱贫不稳定户", "红", &[], "full"),
        cand("B", 1, 5200, "脱贫不稳定户", "红", &[], "full"),
    ];
    let p = plan(&policy, 2024, Amount::from_yuan(10_000), &sizes).unwrap();
    let shares: Vec<i64> = p.lines.iter().map(|l| l.share.fen()).collect();
    assert_eq!(shares, vec![800_000, 200_000]);
}

#[test]
fn floors_that_flatten_every_share_are_refused() {
    let policy = Policy::from_toml_str(DEMO, "policy-2024.toml").unwrap();
    let people = vec![
        cand("A", 1, 5200, "关注户", "蓝", &[], "full"),
        cand("B", 1, 6000, "脱贫不稳定户", "黄", &[], "full"),
    ];
    // Fixed 800; 2,000 left = exactly 2 × the 1,000 floor.
    let m = rule_message(plan(&policy, 2024, Amount::from_yuan(2_800), &people));
    assert!(
        m.contains("严禁简单平均分配") && m.contains("1,000.00"),
        "{m}"
    );
}

#[test]
fn pool_below_floors_is_an_error_with_the_numbers() {
    let policy = demo_policy();
    // 5 eligible, fixed 6,000; 4,999.99 left for floors of 5 × 1,000.
    let m = rule_message(plan(
        &policy,
        2024,
        Amount::from_fen(1_099_999),
        &chengcun(),
    ));
    assert!(
        m.contains("保底 1000 × 5 户 = 5,000.00")
            && m.contains("4,999.99")
            && m.contains("10,999.99"),
        "{m}"
    );
    // And a pool that the caps cannot hold: 5 × 30,000 < 200,000 − 6,000.
    let m = rule_message(plan(&policy, 2024, Amount::from_yuan(200_000), &chengcun()));
    assert!(m.contains("150,000.00") && m.contains("194,000.00"), "{m}");
    // Fixed items larger than the pool.
    let m = rule_message(plan(&policy, 2024, Amount::from_yuan(5_000), &chengcun()));
    assert!(m.contains("6,000.00") && m.contains("5,000.00"), "{m}");
}

#[test]
fn fixed_items_are_exact_and_respect_their_categories() {
    let text = DEMO.replace("\"H0007\"", "\"H06\"").replace(
        "[[fixed]]\nname = \"防贫保\"\nper_member = \"400\"",
        "[[fixed]]\nname = \"防贫保\"\nper_member = \"400\"\n\n[[fixed]]\nname = \"助学\"\nper_household = \"300.50\"\ncategories = [\"突发严重困难户\", \"脱贫不稳定户\"]",
    );
    assert!(text.contains("助学"));
    let policy = Policy::from_toml_str(&text, "p.toml").unwrap();
    let p = plan(&policy, 2024, Amount::from_yuan(60_000), &chengcun()).unwrap();
    // 6000 + 300.50 × 2 (H01 脱贫不稳定户, H03 突发严重困难户)
    assert_eq!(p.fixed_total, Amount::from_fen(660_100));
    let h01 = line(&p, "H01");
    assert_eq!(
        h01.fixed,
        vec![
            FixedShare {
                name: "防贫保".into(),
                amount: Amount::from_yuan(1600)
            },
            FixedShare {
                name: "助学".into(),
                amount: Amount::from_fen(30_050)
            },
        ]
    );
    assert_eq!(h01.total, h01.share + Amount::from_fen(190_050));
    assert_eq!(line(&p, "H02").fixed.len(), 1);
    assert_eq!(
        p.lines.iter().map(|l| l.total).sum::<Amount>(),
        Amount::from_yuan(60_000)
    );
    assert_eq!(
        p.lines.iter().map(|l| l.share).sum::<Amount>(),
        p.apportioned
    );
}

#[test]
fn bad_candidate_data_is_refused() {
    let policy = Policy::from_toml_str(DEMO, "policy-2024.toml").unwrap();
    let mut people = chengcun();
    people.push(people[0].clone());
    people[1].labour = "sometimes".into();
    people[2].members = 0;
    let m = rule_message(plan(&policy, 2024, Amount::from_yuan(60_000), &people));
    assert!(m.contains("H01 appears more than once"), "{m}");
    assert!(m.contains("H02: labour 'sometimes'"), "{m}");
    assert!(m.contains("H03: 0 members"), "{m}");

    let all_out = vec![cand("X", 1, 100, "", "", &[], "full")];
    let m = rule_message(plan(&policy, 2024, Amount::from_yuan(60_000), &all_out));
    assert!(m.contains("no household is eligible"), "{m}");
    let m = rule_message(plan(&policy, 2024, Amount::ZERO, &chengcun()));
    assert!(m.contains("0"), "{m}");
}

/// A deterministic shuffle (Fisher–Yates with an LCG) so that proptest can vary the order.
fn shuffled<T: Clone>(v: &[T], mut seed: u64) -> Vec<T> {
    let mut out = v.to_vec();
    for i in (1..out.len()).rev() {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let j = (seed >> 33) as usize % (i + 1);
        out.swap(i, j);
    }
    out
}

const CATEGORIES: [&str; 5] = [
    "突发严重困难户",
    "脱贫不稳定户",
    "边缘易致贫户",
    "关注户",
    "",
];
const LEVELS: [&str; 4] = ["红", "黄", "蓝", "绿"];
const CAUSES: [&str; 4] = ["因病", "因残", "因学", "因灾"];
const LABOUR: [&str; 3] = ["full", "weak", "none"];

fn candidates() -> impl Strategy<Value = Vec<Candidate>> {
    prop::collection::vec(
        (
            1u32..9,
            0i64..1_200_000,
            0usize..5,
            0usize..4,
            0u8..16,
            0usize..3,
        ),
        1..40,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (m, income, cat, lvl, causes, lab))| Candidate {
                id: format!("H{:04}", i * 7 % 40 + i / 40 * 40),
                village: "程村".into(),
                members: m,
                per_capita_income: Amount::from_fen(income),
                category: CATEGORIES[cat].into(),
                risk_level: LEVELS[lvl].into(),
                risk_causes: (0..4)
                    .filter(|b| causes & (1 << b) != 0)
                    .map(|b| CAUSES[b].to_string())
                    .collect(),
                labour: LABOUR[lab].into(),
            })
            .collect()
    })
}

/// A random policy: weights, multipliers (some with 3–4 decimals), floor and cap.
fn policy_text() -> impl Strategy<Value = String> {
    (
        (0u32..2000, 0u32..800, 0u32..20_000),
        prop::collection::vec(1u32..40_000, 7),
        prop_oneof![Just(0i64), 0i64..6_000],
        prop_oneof![Just(None), (1i64..40_000).prop_map(Some)],
    )
        .prop_map(|((base, per_member, gap), m, floor, cap)| {
            let f = |v: u32| scaled_str(i128::from(v), 4);
            let cap = cap
                .map(|c| format!("cap = \"{}\"", floor + c))
                .unwrap_or_default();
            format!(
                "[lines]\n2024 = \"7000\"\n[weights]\nbase = \"{}\"\nper_member = \"{}\"\ngap_factor = \"{}\"\n\
                 [multipliers]\nno_labour = \"{}\"\nillness_disability = \"{}\"\n\
                 [categories]\n\"突发严重困难户\" = \"{}\"\n\"脱贫不稳定户\" = \"{}\"\n\"边缘易致贫户\" = \"{}\"\n\
                 [risk_levels]\n\"红\" = \"{}\"\n\"黄\" = \"{}\"\n\
                 [limits]\nfloor = \"{floor}\"\n{cap}\n\
                 [[fixed]]\nname = \"防贫保\"\nper_member = \"400\"\n",
                base.max(1), per_member, f(gap), f(m[0]), f(m[1]), f(m[2]), f(m[3]), f(m[4]), f(m[5]), f(m[6])
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Exact sums, bounds, and the same plan for every order of the input.
    #[test]
    fn plans_are_exact_bounded_and_order_free(
        text in policy_text(),
        people in candidates(),
        per_candidate in 1i64..800_000,
        seed in any::<u64>(),
    ) {
        let policy = Policy::from_toml_str(&text, "random.toml").unwrap();
        let pool = Amount::from_fen(per_candidate * people.len() as i64 + seed as i64 % 100);
        let result = plan(&policy, 2024, pool, &people);
        let again = plan(&policy, 2024, pool, &shuffled(&people, seed));
        match (&result, &again) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            _ => prop_assert!(false, "order changed the outcome"),
        }
        match result {
            Ok(p) => {
                prop_assert_eq!(p.lines.len(), people.len());
                prop_assert_eq!(p.lines.iter().map(|l| l.total).sum::<Amount>(), pool);
                prop_assert_eq!(p.lines.iter().map(|l| l.share).sum::<Amount>(), p.apportioned);
                prop_assert_eq!(p.apportioned + p.fixed_total, pool);
                for l in &p.lines {
                    if l.excluded.is_some() {
                        prop_assert_eq!(l.total, Amount::ZERO);
                        continue;
                    }
                    prop_assert!(l.share >= policy.floor());
                    if let Some(c) = policy.cap() { prop_assert!(l.share <= c); }
                    let fixed: Amount = l.fixed.iter().map(|f| f.amount).sum();
                    prop_assert_eq!(fixed, Amount::from_yuan(400 * i64::from(l.members)));
                    prop_assert_eq!(l.total, l.share + fixed);
                    // |share − quota| < 1 fen, from the exact fraction
                    let (num, den) = l.quota_fen.as_deref().unwrap().split_once('/').unwrap();
                    let (num, den): (i128, i128) = (num.parse().unwrap(), den.parse().unwrap());
                    prop_assert!((i128::from(l.share.fen()) * den - num).abs() < den);
                }
                // Tilt: among proportional households, a larger weight never gets less.
                let mut prop: Vec<(Decimal, Amount)> = p.lines.iter()
                    .filter(|l| l.bound == Some(Bound::Proportional))
                    .map(|l| (l.weight.as_ref().unwrap().weight.parse::<Decimal>().unwrap(), l.share))
                    .collect();
                prop.sort();
                for w in prop.windows(2) {
                    prop_assert!(w[0].1 <= w[1].1 || w[0].0 == w[1].0);
                }
            }
            Err(Error::Rule(m)) => {
                // Only the refusals the rules allow, each for a real reason.
                let eligible: Vec<&Candidate> = people.iter()
                    .filter(|c| !c.category.is_empty() && c.category != "关注户"
                        && (c.risk_level == "红" || c.risk_level == "黄"))
                    .collect();
                let fixed: i64 = eligible.iter().map(|c| 40_000 * i64::from(c.members)).sum();
                let rest = pool.fen() - fixed;
                let n = eligible.len() as i64;
                let floors = policy.floor().fen() * n;
                let caps_hold = policy.cap().is_none_or(|c| c.fen() * n >= rest);
                let ok = eligible.is_empty()
                    || (m.contains("固定项目") && fixed > pool.fen())
                    || (m.contains("资金不足以保底") && floors > rest)
                    || (m.contains("封顶过低") && !caps_hold)
                    || (m.contains("严禁简单平均分配") && n >= 2);
                prop_assert!(ok, "unexpected refusal: {}", m);
            }
            Err(e) => prop_assert!(false, "unexpected error {}", e),
        }
    }
}

/// Sample towns for timing: `n` households with varied data.
fn town(n: usize) -> Vec<Candidate> {
    (0..n)
        .map(|i| {
            let h = (i as u64).wrapping_mul(2_654_435_761) % 1_000_003;
            cand(
                &format!("H{i:07}"),
                1 + (h % 7) as u32,
                (h % 12_000) as i64,
                CATEGORIES[(h / 7 % 5) as usize],
                LEVELS[(h / 35 % 4) as usize],
                if h.is_multiple_of(3) {
                    &["因病"]
                } else {
                    &[]
                },
                LABOUR[(h / 140 % 3) as usize],
            )
        })
        .collect()
}

/// Times `plan` on 100,000 households: `cargo test --release plan_100k -- --ignored --nocapture`.
#[test]
#[ignore]
fn plan_100k_timing() {
    let policy = Policy::from_toml_str(DEMO, "policy-2024.toml").unwrap();
    let people = town(100_000);
    let pool = Amount::from_yuan(400_000_000);
    let mut times = Vec::new();
    for _ in 0..7 {
        let t = std::time::Instant::now();
        let p = plan(&policy, 2024, pool, &people).unwrap();
        times.push(t.elapsed());
        assert_eq!(p.lines.len(), 100_000);
    }
    times.sort();
    println!(
        "plan() on 100,000 households: median {:?} (min {:?}, max {:?})",
        times[3], times[0], times[6]
    );
    if !cfg!(debug_assertions) {
        assert!(times[3].as_millis() < 500, "median {:?}", times[3]);
    }
}

#[test]
fn a_pool_taken_entirely_by_fixed_items_is_noted_not_refused() {
    let text = DEMO
        .replace("\"H0007\"", "\"H06\"")
        .replace("floor = \"1000\"", "floor = \"0\"");
    let policy = Policy::from_toml_str(&text, "p.toml").unwrap();
    // 防贫保 400 × 15 members = 6,000.00 = the pool.
    let p = plan(&policy, 2024, Amount::from_yuan(6_000), &chengcun()).unwrap();
    assert_eq!(p.apportioned, Amount::ZERO);
    assert!(p.lines.iter().all(|l| l.share.is_zero()));
    assert!(
        p.notes.iter().any(|n| n.contains("全部用于固定项目")),
        "{:?}",
        p.notes
    );
    // With the demo's floor of 1,000 the same pool cannot cover the floors.
    let m = rule_message(plan(
        &demo_policy(),
        2024,
        Amount::from_yuan(6_000),
        &chengcun(),
    ));
    assert!(m.contains("资金不足以保底"), "{m}");
}

#[test]
fn unquoted_chinese_keys_get_a_hint() {
    let text = DEMO.replace("\"突发严重困难户\" = \"1.6\"", "突发严重困难户 = \"1.6\"");
    match Policy::from_toml_str(&text, "policy-2024.toml") {
        Err(Error::Input(e)) => {
            assert!(e[0].reason.contains("[categories]"), "{}", e[0]);
            assert!(e[0].reason.contains("in quotes"), "{}", e[0]);
        }
        other => panic!("expected an input error, got {other:?}"),
    }
}

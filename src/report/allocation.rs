//! Allocation runs on paper: the detail for the committee (`allocate show`) and the public
//! notice 公示 (`allocate notice`), with names, ID and card numbers masked.

use super::document::{Cell, Column, Document, Lang, Row, Table};
use super::tr;
use crate::allocate::run::{notice_period, status, NOTICE_WORKING_DAYS};
use crate::allocate::Policy;
use crate::funds::fund_name;
use crate::households::{mask_bank_card, mask_id_number, mask_name};
use crate::money::Amount;
use crate::store::{RunLine, RunRecord};

fn fund_label(fund: &str) -> &str {
    fund.rsplit(':').next().unwrap_or(fund)
}

/// A masked number with its run of `*` shortened to four: `**************1238` → `****1238`,
/// so a notice's columns stay readable on paper (still only the last 4 digits shown).
fn compact_mask(masked: &str) -> String {
    let shown = masked.trim_start_matches('*');
    if shown.len() == masked.len() {
        return masked.to_string();
    }
    format!("****{shown}")
}

/// How messages name a household's row: `household H0003`.
fn household_label(household: &str) -> String {
    crate::tr!("household-row-label", household = household)
}

fn opt(s: &Option<String>) -> Cell {
    s.clone().map(Cell::Text).unwrap_or(Cell::Empty)
}

/// Every household of a run: weight, exact quota, share, residual and the explanation.
/// CSV columns begin `household_id,weight,quota,share`.
pub fn run_document(run: &RunRecord, lines: &[RunLine], lang: Lang) -> Document {
    let mut doc = Document::new(match lang {
        Lang::Zh => format!("{} 分配方案 第{}批", fund_label(&run.fund), run.id),
        Lang::En => format!("{} allocation run {}", fund_label(&run.fund), run.id),
    });
    doc.lang = lang;
    doc = doc
        .field(tr(lang, "资金", "Fund"), run.fund.clone())
        .field(tr(lang, "总额", "Pool"), run.pool.grouped())
        .field(tr(lang, "分配日期", "Date"), run.date.to_string())
        .field(tr(lang, "政策", "Policy"), run.policy_name.clone())
        .field(
            tr(lang, "政策哈希", "Policy SHA-256"),
            run.policy_sha256.clone(),
        )
        .field(tr(lang, "提议人", "Proposer"), run.proposer.clone());
    for (label, by, on, operator) in [
        (
            tr(lang, "村级审批", "Village approval"),
            &run.village_by,
            run.village_on,
            &run.village_operator,
        ),
        (
            tr(lang, "镇级审批", "Town approval"),
            &run.town_by,
            run.town_on,
            &run.town_operator,
        ),
    ] {
        if let Some(by) = by {
            let mut text = by.clone();
            if let Some(on) = on {
                text.push_str(&format!(" {on}"));
            }
            if let Some(operator) = operator {
                text.push_str(&match lang {
                    Lang::Zh => format!("（录入：{operator}）"),
                    Lang::En => format!(" (recorded by {operator})"),
                });
            }
            doc = doc.field(label, text);
        }
    }
    doc = doc.field(tr(lang, "状态", "Status"), status(run));
    let mut table = Table {
        columns: vec![
            Column::text("household_id", tr(lang, "户编号", "Household"), 2),
            Column::money("weight", tr(lang, "权重", "Weight")),
            Column::money("quota", tr(lang, "应分额", "Quota")),
            Column::money("share", tr(lang, "分配额", "Share")),
            Column::money("residual", tr(lang, "尾差", "Residual")),
            Column::money("fixed", tr(lang, "固定项目", "Fixed")),
            Column::money("total", tr(lang, "合计", "Total")),
            Column::money("paid", tr(lang, "已发放", "Paid")),
            Column::text("village", tr(lang, "村", "Village"), 2),
            Column::text("name", tr(lang, "户主", "Head"), 2),
            Column::text("category", tr(lang, "类别", "Category"), 3),
            Column::new(
                "members",
                tr(lang, "人口", "Members"),
                super::document::Align::Right,
                1,
            ),
            Column::text("excluded", tr(lang, "未纳入原因", "Excluded because"), 3),
            Column::text("explanation", tr(lang, "计算说明", "Explanation"), 8),
        ],
        ..Default::default()
    };
    let mut share = Amount::ZERO;
    let mut fixed = Amount::ZERO;
    let mut total = Amount::ZERO;
    let mut paid = Amount::ZERO;
    for l in lines {
        share += l.share;
        fixed += l.fixed;
        total += l.total;
        paid += l.paid;
        table.rows.push(
            Row::new(vec![
                Cell::text(l.household.clone()),
                opt(&l.weight),
                opt(&l.quota),
                Cell::Money(l.share),
                opt(&l.residual),
                Cell::Money(l.fixed),
                Cell::Money(l.total),
                Cell::Money(l.paid),
                Cell::text(l.village.clone()),
                Cell::text(mask_name(&l.name)),
                Cell::text(l.category.clone()),
                Cell::Int(l.members as i64),
                opt(&l.excluded),
                Cell::text(l.explanation.clone()),
            ])
            .labelled(household_label(&l.household)),
        );
    }
    let mut totals = vec![Cell::Empty; table.columns.len()];
    totals[0] = Cell::text(tr(lang, "合计", "Total"));
    totals[3] = Cell::Money(share);
    totals[5] = Cell::Money(fixed);
    totals[6] = Cell::Money(total);
    totals[7] = Cell::Money(paid);
    table.totals.push(Row::new(totals));
    doc.tables.push(table);
    doc
}

/// The public notice 公示, as the village board posts it: the fund by its name, the pool, the
/// policy, the notice period from and to and the earliest payment date; every household
/// allocated (names, ID and card numbers masked), then every household left out with the
/// reason; the complaint line (the policy's `[notice] phone`); room for the seals of the
/// village committee and the town office and the date they sign; the policy's hash in small
/// print at the foot of every page. `town` (the ledger's town name) heads it when set.
///
/// CSV carries the run, the policy's hash and the dates on every row, after the table's
/// columns: `run,policy_sha256,published,earliest_payment,notice_to,fund`; the households
/// left out follow in a second block (`no,village,household_id,name,excluded,…`).
pub fn notice_document(
    run: &RunRecord,
    lines: &[RunLine],
    town: Option<&str>,
    lang: Lang,
) -> Document {
    let fund = fund_name(&run.fund);
    let mut doc = Document::new(format!(
        "{fund}{}",
        tr(lang, "分配公示", " allocation: public notice")
    ));
    doc.lang = lang;
    doc.subtitle = town.map(str::to_string);
    let policy = Policy::from_toml_str(&run.policy_text, &run.policy_source).ok();
    let published = run.published.map(|d| d.to_string()).unwrap_or_default();
    let earliest = run
        .earliest_payment
        .map(|d| d.to_string())
        .unwrap_or_default();
    let until = notice_period(run)
        .map(|(_, to)| to.to_string())
        .unwrap_or_default();
    let period = match lang {
        Lang::Zh => format!("{published} 至 {until}（{NOTICE_WORKING_DAYS} 个工作日）"),
        Lang::En => format!("{published} to {until} ({NOTICE_WORKING_DAYS} working days)"),
    };
    doc = doc
        .field_as_column("run", tr(lang, "批次", "Run"), run.id.to_string())
        .field(tr(lang, "资金", "Fund"), fund.clone())
        .field(tr(lang, "分配总额", "Pool"), run.pool.grouped())
        .field(tr(lang, "分配政策", "Policy"), run.policy_name.clone())
        .column_only("policy_sha256", run.policy_sha256.clone())
        .column_only("published", published.clone())
        .field(tr(lang, "公示期", "Notice period"), period)
        .field_as_column(
            "earliest_payment",
            tr(lang, "最早发放日期", "Earliest payment"),
            earliest.clone(),
        )
        .column_only("notice_to", until.clone())
        .column_only("fund", fund.clone());
    let mut table = Table {
        columns: vec![
            Column::new(
                "no",
                tr(lang, "序号", "No."),
                super::document::Align::Right,
                1,
            ),
            Column::text("village", tr(lang, "村", "Village"), 2),
            Column::text("household_id", tr(lang, "户编号", "Household"), 2),
            Column::text("name", tr(lang, "户主", "Head"), 2),
            Column::text("id_number", tr(lang, "身份证号", "ID number"), 2),
            Column::text("bank_card", tr(lang, "一卡通账号", "Card"), 2),
            Column::new(
                "members",
                tr(lang, "人口", "Members"),
                super::document::Align::Right,
                1,
            ),
            Column::text("category", tr(lang, "类别", "Category"), 4),
            Column::money("share", tr(lang, "分配金额", "Share")),
            Column::money("fixed", tr(lang, "固定项目", "Fixed")),
            Column::money("total", tr(lang, "合计", "Total")),
        ],
        ..Default::default()
    };
    let mut share = Amount::ZERO;
    let mut fixed = Amount::ZERO;
    let mut total = Amount::ZERO;
    for (i, l) in lines
        .iter()
        .filter(|l| l.excluded.is_none() && !l.total.is_zero())
        .enumerate()
    {
        share += l.share;
        fixed += l.fixed;
        total += l.total;
        table.rows.push(
            Row::new(vec![
                Cell::Int(i as i64 + 1),
                Cell::text(l.village.clone()),
                Cell::text(l.household.clone()),
                Cell::text(mask_name(&l.name)),
                Cell::text(compact_mask(&mask_id_number(&l.id_number))),
                Cell::text(compact_mask(&mask_bank_card(&l.bank_card))),
                Cell::Int(l.members as i64),
                Cell::text(l.category.clone()),
                Cell::Money(l.share),
                Cell::Money(l.fixed),
                Cell::Money(l.total),
            ])
            .labelled(household_label(&l.household)),
        );
    }
    let mut totals = vec![Cell::Empty; table.columns.len()];
    totals[1] = Cell::text(tr(lang, "合计", "Total"));
    totals[8] = Cell::Money(share);
    totals[9] = Cell::Money(fixed);
    totals[10] = Cell::Money(total);
    table.totals.push(Row::new(totals));
    doc.tables.push(table);

    // The households left out, each with the reason (the policy's exclusion list, a
    // category or risk level the policy does not allocate to …), as the policy promises.
    let excluded: Vec<&RunLine> = lines.iter().filter(|l| l.excluded.is_some()).collect();
    if !excluded.is_empty() {
        let mut left_out = Table {
            caption: Some(match lang {
                Lang::Zh => format!("未纳入本次分配的户及原因（{} 户）", excluded.len()),
                Lang::En => format!(
                    "Households not included, with the reason ({})",
                    excluded.len()
                ),
            }),
            columns: vec![
                Column::new(
                    "no",
                    tr(lang, "序号", "No."),
                    super::document::Align::Right,
                    1,
                ),
                Column::text("village", tr(lang, "村", "Village"), 2),
                Column::text("household_id", tr(lang, "户编号", "Household"), 2),
                Column::text("name", tr(lang, "户主", "Head"), 2),
                Column::text("excluded", tr(lang, "未纳入原因", "Reason"), 8),
            ],
            ..Default::default()
        };
        for (i, l) in excluded.iter().enumerate() {
            left_out.rows.push(
                Row::new(vec![
                    Cell::Int(i as i64 + 1),
                    Cell::text(l.village.clone()),
                    Cell::text(l.household.clone()),
                    Cell::text(mask_name(&l.name)),
                    opt(&l.excluded),
                ])
                .labelled(household_label(&l.household)),
            );
        }
        doc.tables.push(left_out);
    }

    let phone = policy.as_ref().and_then(|p| p.notice_phone());
    match lang {
        Lang::Zh => {
            doc.notes.push(format!(
                "公示期自 {published} 至 {until}，共 {NOTICE_WORKING_DAYS} 个工作日（法定节假日不计）。公示期满无异议的，最早于 {earliest} 发放至一卡通账户。合计人民币{}。",
                total.chinese_capitals()
            ));
            doc.notes.push(match phone {
                Some(phone) => {
                    format!("如有异议，请在公示期内向村委会或镇农办反映。监督电话：{phone}")
                }
                None => "如有异议，请在公示期内向村委会或镇农办反映。".to_string(),
            });
        }
        Lang::En => {
            doc.notes.push(format!(
                "Notice period: {published} to {until}, {NOTICE_WORKING_DAYS} working days (public holidays not counted); payment to social-security card accounts from {earliest} if no objection is upheld."
            ));
            doc.notes.push(match phone {
                Some(phone) => format!(
                    "Objections to the village committee or the town office within the period. Complaints: {phone}"
                ),
                None => "Objections to the village committee or the town office within the period."
                    .to_string(),
            });
        }
    }
    doc.seals = vec![
        tr(lang, "村委会（盖章）", "Village committee (seal)").to_string(),
        tr(lang, "镇农办（盖章）", "Town office (seal)").to_string(),
    ];
    doc.footer = Some(format!(
        "{} SHA-256 {}",
        tr(lang, "分配方案", "Policy"),
        run.policy_sha256
    ));
    doc
}

/// The list of runs.
pub fn runs_document(runs: &[RunRecord], lang: Lang) -> Document {
    let mut doc = Document::new(tr(lang, "分配批次", "Allocation runs"));
    doc.lang = lang;
    let mut table = Table {
        columns: vec![
            Column::new(
                "run",
                tr(lang, "批次", "Run"),
                super::document::Align::Right,
                1,
            ),
            Column::text("date", tr(lang, "日期", "Date"), 2),
            Column::text("fund", tr(lang, "资金", "Fund"), 3),
            Column::money("pool", tr(lang, "总额", "Pool")),
            Column::text("status", tr(lang, "状态", "Status"), 2),
            Column::text("voucher", tr(lang, "凭证号", "Voucher"), 2),
            Column::text("policy", tr(lang, "政策", "Policy"), 5),
        ],
        ..Default::default()
    };
    for r in runs {
        table.rows.push(Row::new(vec![
            Cell::Int(r.id),
            Cell::text(r.date.to_string()),
            Cell::text(fund_label(&r.fund)),
            Cell::Money(r.pool),
            Cell::text(status(r)),
            opt(&r.posted_voucher),
            Cell::text(r.policy_name.clone()),
        ]));
    }
    doc.tables.push(table);
    doc
}

//! A disclosure on paper: 一、收入 二、支出 三、资产负债 四、收益分配, then the masked lists of
//! the runs' and grants' households, the totals in notes, the signatures and the seals of the
//! village's supervisory committee and villagers' committee.

use chrono::NaiveDate;

use super::{BalanceKind, Disclosure, IncomeKind, SpendKind};
use crate::households::mask_name;
use crate::money::Amount;
use crate::report::document::{Align, Cell, Column, Document, Lang, Row, Table};
use crate::report::tr;

fn income_kind(kind: IncomeKind, lang: Lang) -> &'static str {
    match kind {
        IncomeKind::Investment => tr(
            lang,
            "投资收益（分红、租金）",
            "Investment income (dividends, rent)",
        ),
        IncomeKind::Subsidy => tr(lang, "补助收入", "Subsidies"),
        IncomeKind::Other => tr(lang, "其他收入", "Other income"),
    }
}

fn spend_kind(kind: SpendKind, lang: Lang) -> &'static str {
    match kind {
        SpendKind::PublicWelfare => tr(lang, "公益支出", "Public-welfare spending"),
        SpendKind::Jobs => tr(lang, "公益性岗位工资", "Public-welfare job wages"),
        SpendKind::Operating => tr(lang, "经营及管理支出", "Operating costs"),
        SpendKind::Other => tr(lang, "其他支出", "Other spending"),
    }
}

fn balance_kind(kind: BalanceKind, lang: Lang) -> &'static str {
    match kind {
        BalanceKind::Cash => tr(lang, "货币资金", "Cash and bank"),
        BalanceKind::Receivable => tr(lang, "应收款", "Receivables"),
        BalanceKind::Investment => tr(lang, "长期投资", "Long-term investments"),
        BalanceKind::OtherAsset => tr(lang, "其他资产", "Other assets"),
        BalanceKind::Payable => tr(lang, "应付款", "Payables"),
        BalanceKind::Wages => tr(lang, "应付工资", "Wages payable"),
        BalanceKind::Special => tr(lang, "专项应付款", "Special funds payable"),
        BalanceKind::OtherDebt => tr(lang, "其他负债", "Other debts"),
    }
}

fn count(n: usize) -> Cell {
    Cell::Int(n as i64)
}

/// A count of households, left blank where there are none (an operating cost reaches none).
fn households(n: usize) -> Cell {
    if n == 0 {
        Cell::Empty
    } else {
        count(n)
    }
}

fn subtotal(lang: Lang) -> &'static str {
    tr(lang, "小计", "Subtotal")
}

fn no_column(lang: Lang) -> Column {
    Column::new("no", tr(lang, "序号", "No."), Align::Right, 1)
}

/// The document of one disclosure. `town` heads it (the ledger's town), `printed` is the day
/// it is printed, `footer` the ledger's head (see `report::ledger_footer`).
pub fn disclosure_document(
    d: &Disclosure,
    town: Option<&str>,
    printed: NaiveDate,
    footer: Option<String>,
    lang: Lang,
) -> Document {
    let village = d.village.is_some();
    let title = if village {
        tr(lang, "村级财务公开表", "Village finance disclosure")
    } else {
        tr(
            lang,
            "财务公开表（未分配到村部分）",
            "Finance disclosure (not assigned to a village)",
        )
    };
    let mut doc = Document::new(title);
    doc.lang = lang;
    let (from, to) = (d.period.first_day(), d.period.last_day());
    doc.subtitle = Some(match lang {
        Lang::Zh => format!("{} · {}", d.name(lang), d.period.title(lang)),
        Lang::En => format!("{} · {}", d.name(lang), d.period.title(lang)),
    });
    doc = doc
        .field(
            tr(lang, "编制单位", "Prepared by"),
            town.unwrap_or_default().to_string(),
        )
        .field_as_column("village", tr(lang, "村", "Village"), d.name(lang))
        .field_as_column(
            "period",
            tr(lang, "公开期间", "Period"),
            match lang {
                Lang::Zh => format!("{}（{from} 至 {to}）", d.period.title(lang)),
                Lang::En => format!("{} ({from} to {to})", d.period.title(lang)),
            },
        )
        .field(tr(lang, "金额单位", "Unit"), tr(lang, "元", "yuan"))
        .field(tr(lang, "编制日期", "Printed"), printed.to_string());

    // 一、收入
    let mut income = Table {
        caption: Some(tr(lang, "一、收入", "1. Income").to_string()),
        columns: vec![
            Column::text("kind", tr(lang, "类别", "Kind"), 4),
            Column::text("item", tr(lang, "项目", "Item"), 6),
            Column::money("amount", tr(lang, "本期金额", "Amount")),
        ],
        ..Default::default()
    };
    for (kind, lines) in &d.income {
        let name = income_kind(*kind, lang);
        for l in lines {
            income.rows.push(Row::new(vec![
                Cell::text(name),
                Cell::text(l.item.clone()),
                Cell::Money(l.amount),
            ]));
        }
        if d.income.len() > 1 {
            let sum: Amount = lines.iter().map(|l| l.amount).sum();
            income.totals.push(Row::new(vec![
                Cell::text(name),
                Cell::text(subtotal(lang)),
                Cell::Money(sum),
            ]));
        }
    }
    income.totals.push(Row::new(vec![
        Cell::text(tr(lang, "收入合计", "Total income")),
        Cell::Empty,
        Cell::Money(d.income_total()),
    ]));
    doc.tables.push(income);

    // 二、支出
    let mut spending = Table {
        caption: Some(tr(lang, "二、支出", "2. Spending").to_string()),
        columns: vec![
            Column::text("kind", tr(lang, "类别", "Kind"), 4),
            Column::text("item", tr(lang, "项目", "Item"), 5),
            Column::new(
                "households",
                tr(lang, "受益户数", "Households"),
                Align::Right,
                1,
            ),
            Column::money("amount", tr(lang, "本期金额", "Amount")),
        ],
        ..Default::default()
    };
    for (kind, lines) in &d.spending {
        let name = spend_kind(*kind, lang);
        for l in lines {
            spending.rows.push(Row::new(vec![
                Cell::text(name),
                Cell::text(l.item.clone()),
                households(l.households),
                Cell::Money(l.amount),
            ]));
        }
        if d.spending.len() > 1 {
            let sum: Amount = lines.iter().map(|l| l.amount).sum();
            spending.totals.push(Row::new(vec![
                Cell::text(name),
                Cell::text(subtotal(lang)),
                households(d.spending_households.get(kind).copied().unwrap_or(0)),
                Cell::Money(sum),
            ]));
        }
    }
    spending.totals.push(Row::new(vec![
        Cell::text(tr(lang, "支出合计", "Total spending")),
        Cell::Empty,
        count(d.households_reached),
        Cell::Money(d.spending_total()),
    ]));
    doc.tables.push(spending);

    // 三、资产负债
    let mut balances = Table {
        caption: Some(
            match lang {
                Lang::Zh => format!("三、资产与负债（期初 {from}，期末 {to}）"),
                Lang::En => format!("3. Assets and debts (at the start and at {to})"),
            }
            .to_string(),
        ),
        columns: vec![
            Column::text("kind", tr(lang, "类别", "Kind"), 3),
            Column::text("item", tr(lang, "项目", "Item"), 5),
            Column::new(
                "households",
                tr(lang, "户数", "Households"),
                Align::Right,
                1,
            ),
            Column::money("opening", tr(lang, "期初余额", "Opening")),
            Column::money("closing", tr(lang, "期末余额", "Closing")),
        ],
        ..Default::default()
    };
    for l in &d.balances {
        balances.rows.push(Row::new(vec![
            Cell::text(balance_kind(l.kind, lang)),
            Cell::text(l.item.clone()),
            households(l.households),
            Cell::Money(l.opening),
            Cell::Money(l.closing),
        ]));
    }
    let (assets, debts) = (
        (d.assets(false), d.assets(true)),
        (d.debts(false), d.debts(true)),
    );
    for (label, (opening, closing)) in [
        (tr(lang, "资产合计", "Total assets"), assets),
        (tr(lang, "负债合计", "Total debts"), debts),
        (
            tr(lang, "资产减负债", "Assets less debts"),
            (assets.0 - debts.0, assets.1 - debts.1),
        ),
    ] {
        balances.totals.push(Row::new(vec![
            Cell::text(label),
            Cell::Empty,
            Cell::Empty,
            Cell::Money(opening),
            Cell::Money(closing),
        ]));
    }
    doc.tables.push(balances);

    // 四、收益分配
    let mut distribution = Table {
        caption: Some(tr(lang, "四、收益分配", "4. Distribution of income").to_string()),
        columns: vec![
            Column::text("kind", tr(lang, "类别", "Kind"), 3),
            Column::text("item", tr(lang, "项目", "Item"), 4),
            Column::text("detail", tr(lang, "说明", "Detail"), 5),
            Column::new(
                "households",
                tr(lang, "户数", "Households"),
                Align::Right,
                1,
            ),
            Column::money("amount", tr(lang, "金额", "Amount")),
        ],
        ..Default::default()
    };
    let tilt_kind = tr(lang, "产业收益倾斜提取", "Tilt set aside");
    for t in &d.tilts {
        let p = &t.tilt;
        distribution.rows.push(Row::new(vec![
            Cell::text(tilt_kind),
            Cell::text(match lang {
                Lang::Zh => format!("{}（{}年）", t.project, p.year),
                Lang::En => format!("{} ({})", t.project, p.year),
            }),
            Cell::text(match lang {
                Lang::Zh => format!(
                    "净收益 {} × {}，{} 凭证 {}",
                    p.net.grouped(),
                    p.share,
                    p.date,
                    p.voucher
                ),
                Lang::En => format!(
                    "net income {} × {}, {} voucher {}",
                    p.net.grouped(),
                    p.share,
                    p.date,
                    p.voucher
                ),
            }),
            Cell::Empty,
            Cell::Money(p.amount),
        ]));
    }
    let run_kind = tr(lang, "分配到户", "Allocated to households");
    for r in &d.runs {
        let fund = crate::funds::fund_name(&r.run.fund);
        distribution.rows.push(Row::new(vec![
            Cell::text(run_kind),
            Cell::text(match lang {
                Lang::Zh => format!("{fund} 第{}批", r.run.id),
                Lang::En => format!("{fund} run {}", r.run.id),
            }),
            Cell::text(match lang {
                Lang::Zh => format!(
                    "{} 入账 凭证 {}{}",
                    r.posted,
                    r.run.posted_voucher.as_deref().unwrap_or_default(),
                    r.run
                        .reverses_run
                        .map(|of| format!("（冲销第{of}批）"))
                        .unwrap_or_default()
                ),
                Lang::En => format!(
                    "posted {} voucher {}{}",
                    r.posted,
                    r.run.posted_voucher.as_deref().unwrap_or_default(),
                    r.run
                        .reverses_run
                        .map(|of| format!(" (reverses run {of})"))
                        .unwrap_or_default()
                ),
            }),
            count(r.lines.len()),
            Cell::Money(r.total),
        ]));
    }
    let other_kind = tr(lang, "其他收益分配", "Other distributions");
    for l in &d.distributed {
        distribution.rows.push(Row::new(vec![
            Cell::text(other_kind),
            Cell::text(l.item.clone()),
            Cell::Empty,
            Cell::Empty,
            Cell::Money(l.amount),
        ]));
    }
    let tilted: Amount = d.tilts.iter().map(|t| t.tilt.amount).sum();
    let allocated: Amount = d.runs.iter().map(|r| r.total).sum();
    let allocated_to: usize = d.runs.iter().map(|r| r.lines.len()).sum();
    let other: Amount = d.distributed.iter().map(|l| l.amount).sum();
    for (label, n, sum, shown) in [
        (tilt_kind, None, tilted, !d.tilts.is_empty()),
        (run_kind, Some(allocated_to), allocated, !d.runs.is_empty()),
        (other_kind, None, other, !d.distributed.is_empty()),
    ] {
        if shown {
            distribution.totals.push(Row::new(vec![
                Cell::text(label),
                Cell::text(subtotal(lang)),
                Cell::Empty,
                n.map_or(Cell::Empty, count),
                Cell::Money(sum),
            ]));
        }
    }
    if distribution.rows.is_empty() {
        distribution.totals.push(Row::new(vec![
            Cell::text(tr(lang, "本期无收益分配", "No distribution in the period")),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Money(Amount::ZERO),
        ]));
    }
    doc.tables.push(distribution);

    // The households of each run and grant, masked: the lists the law wants public.
    for r in &d.runs {
        let fund = crate::funds::fund_name(&r.run.fund);
        let mut list = Table {
            caption: Some(match lang {
                Lang::Zh => format!(
                    "{fund} 第{}批 分配到户名单（{} 户）",
                    r.run.id,
                    r.lines.len()
                ),
                Lang::En => format!(
                    "{fund} run {}: households allocated ({})",
                    r.run.id,
                    r.lines.len()
                ),
            }),
            columns: vec![
                no_column(lang),
                Column::text("household_id", tr(lang, "户编号", "Household"), 2),
                Column::text("name", tr(lang, "户主", "Head"), 2),
                Column::new("members", tr(lang, "人口", "Members"), Align::Right, 1),
                Column::text("category", tr(lang, "类别", "Category"), 3),
                Column::money("total", tr(lang, "金额", "Amount")),
            ],
            ..Default::default()
        };
        for (i, l) in r.lines.iter().enumerate() {
            list.rows.push(
                Row::new(vec![
                    Cell::Int(i as i64 + 1),
                    Cell::text(l.household.clone()),
                    Cell::text(mask_name(&l.name)),
                    Cell::Int(i64::from(l.members)),
                    Cell::text(l.category.clone()),
                    Cell::Money(l.total),
                ])
                .labelled(crate::tr!("household-row-label", household = &l.household)),
            );
        }
        list.totals.push(Row::new(vec![
            Cell::Empty,
            Cell::text(tr(lang, "合计", "Total")),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Money(r.total),
        ]));
        doc.tables.push(list);
    }
    if !d.grants.is_empty() {
        let mut list = Table {
            caption: Some(match lang {
                Lang::Zh => format!("临时救助发放名单（{} 笔）", d.grants.len()),
                Lang::En => format!("Relief grants paid ({})", d.grants.len()),
            }),
            columns: vec![
                no_column(lang),
                Column::text("grant", tr(lang, "申请号", "Grant"), 1),
                Column::text("household_id", tr(lang, "户编号", "Household"), 2),
                Column::text("name", tr(lang, "户主", "Head"), 2),
                Column::text("cause", tr(lang, "原因", "Cause"), 2),
                Column::text("date", tr(lang, "发放日期", "Paid on"), 2),
                Column::money("amount", tr(lang, "金额", "Amount")),
            ],
            ..Default::default()
        };
        for (i, g) in d.grants.iter().enumerate() {
            list.rows.push(
                Row::new(vec![
                    Cell::Int(i as i64 + 1),
                    Cell::text(g.grant.clone()),
                    Cell::text(g.household.clone()),
                    Cell::text(mask_name(&g.head)),
                    Cell::text(g.cause.clone()),
                    Cell::text(g.date.to_string()),
                    Cell::Money(g.amount),
                ])
                .labelled(crate::tr!("household-row-label", household = &g.household)),
            );
        }
        let total: Amount = d.grants.iter().map(|g| g.amount).sum();
        list.totals.push(Row::new(vec![
            Cell::Empty,
            Cell::text(tr(lang, "合计", "Total")),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Money(total),
        ]));
        doc.tables.push(list);
    }

    let (income, spent) = (d.income_total(), d.spending_total());
    doc.notes.push(match lang {
        Lang::Zh => format!(
            "本期收入合计 {} 元，支出合计 {} 元，收支结余 {} 元；期末资产 {} 元，负债 {} 元。",
            income.grouped(),
            spent.grouped(),
            (income - spent).grouped(),
            assets.1.grouped(),
            debts.1.grouped()
        ),
        Lang::En => format!(
            "Income {}, spending {}, surplus {}; at the end, assets {} and debts {} (yuan).",
            income.grouped(),
            spent.grouped(),
            (income - spent).grouped(),
            assets.1.grouped(),
            debts.1.grouped()
        ),
    });
    doc.notes.push(if village {
        tr(
            lang,
            "归集口径：科目名中含本村村名的科目、本村农户的应付款、本村所有产业项目的收益与投资计入本村；其余收支按分录所标农户的所在村，或同一凭证中其他分录所属的村归集；资产负债只按科目归属。",
            "What is this village's: accounts whose name has the village as a segment, its households' payables, the income and investment of its own projects; other income and spending by the household a posting names, or by the village of the voucher's other postings; assets and debts by account only.",
        )
    } else {
        tr(
            lang,
            "本表列出不属于任何村的收支与余额：镇级科目上未标农户、所在凭证也不属于某一村的分录。",
            "What belongs to no village: postings on the town's own accounts that name no household and whose voucher is no one village's.",
        )
    }
    .to_string());
    doc.notes.push(
        tr(
            lang,
            "户主姓名已作脱敏处理；仅分配批次和临时救助列出受益户名单。",
            "Heads' names are masked; households are listed only for allocation runs and relief grants.",
        )
        .to_string(),
    );
    doc.signatures = vec![
        tr(lang, "制表人", "Prepared by").to_string(),
        tr(lang, "审核人", "Checked by").to_string(),
    ];
    doc.seals = if village {
        vec![
            tr(
                lang,
                "村务监督委员会（盖章）",
                "Village supervisory committee (seal)",
            )
            .to_string(),
            tr(lang, "村民委员会（盖章）", "Villagers' committee (seal)").to_string(),
        ]
    } else {
        vec![tr(lang, "镇农办（盖章）", "Town office (seal)").to_string()]
    };
    doc.running_head = Some(format!("{} {}", d.name(lang), d.period.title(lang)));
    doc.footer = footer;
    doc
}

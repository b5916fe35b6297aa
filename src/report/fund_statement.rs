//! `townledger fund statement FUND`: the fund statement 资金收支明细表 of any fund and period —
//! what it held at the start; what came in, by source and by donor; what went out, by purpose,
//! with the households and persons it reached; what it held at the end; money given for a
//! purpose apart from unrestricted money; by month, quarter or year (`--by`); the 631 fund's
//! sources against 6:3:1 with the shortfall 缺口; and with `--budget`, each purpose's spending
//! against its budget for the year with the share used.
//!
//! The computation is `funds::statement`'s, shared with `fund show`.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::document::{Align, Cell, Column, Document, Lang, Row, Table};
use super::fund_show::{amount, fund_period, named_fund, restricted_table, sources_table};
use super::tr;
use crate::error::{Error, Result};
use crate::funds::rules::FundRule;
use crate::funds::statement::{
    by_period, fund_year_of, over, periods, reached, share_used, By, PeriodFlows,
};
use crate::store::{FundFlow, Ledger};

/// What a statement covers.
#[derive(Clone, Debug, Default)]
pub struct StatementQuery {
    /// The fund, by id, alias, name or account.
    pub fund: String,
    /// The fund's year (a campaign year for a fund that has one); or `from`/`to`.
    pub year: Option<i32>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Cut the period by month, quarter or year.
    pub by: Option<By>,
    /// Set each purpose's spending against its budget for the year.
    pub budget: bool,
}

/// Periods side by side in one table of spends by purpose, at most.
const PERIODS_PER_TABLE: usize = 6;

fn count_column(key: &str, title: &str) -> Column {
    Column::new(key, title, Align::Right, 1)
}

fn money(fen: i128, what: &str) -> Result<Cell> {
    amount(fen, what).map(Cell::Money)
}

fn strong(mut row: Row) -> Row {
    row.strong = true;
    row
}

fn purpose_label(purpose: &Option<String>, lang: Lang) -> String {
    purpose
        .clone()
        .unwrap_or_else(|| tr(lang, "未注明", "not given").to_string())
}

/// Purposes in the order the fund's rules list them, then the others by name, a spend with
/// no purpose last.
fn purpose_order<'a>(
    rule: Option<&'a FundRule>,
) -> impl Fn(&Option<String>) -> (usize, Option<String>) + 'a {
    move |p: &Option<String>| match p {
        None => (usize::MAX, None),
        Some(name) => (
            rule.and_then(|r| r.purposes.iter().position(|x| x == name))
                .unwrap_or(usize::MAX - 1),
            Some(name.clone()),
        ),
    }
}

pub fn fund_statement(ledger: &Ledger, q: &StatementQuery, lang: Lang) -> Result<Document> {
    let book = ledger.fund_book()?;
    let fund = named_fund(&book, &q.fund)?;
    let rule = book.rules.rule(&fund.id);
    let starts = rule.and_then(|r| r.year_starts);
    let (from, to) = match q.year {
        Some(_) => fund_period(rule, q.year),
        None => (
            q.from.unwrap_or(NaiveDate::MIN),
            q.to.unwrap_or(NaiveDate::MAX),
        ),
    };
    if from > to {
        return Err(Error::rule(crate::tr!(
            "statement-period-empty",
            from = from,
            to = to
        )));
    }
    // The fund year the statement lies in, when it lies in one.
    let year = q.year.or_else(|| match (q.from, q.to) {
        (Some(f), Some(t)) if fund_year_of(starts, f) == fund_year_of(starts, t) => {
            Some(fund_year_of(starts, f))
        }
        _ => None,
    });
    let (flows, _) = ledger.fund_flows(&fund.id)?;
    let movements = ledger.fund_receipts(&fund.id, from, to)?;
    let totals = over(&flows, from, to);
    let whole = totals.whole;
    let reach = reached(ledger, &flows, from, to)?;

    let period = match (from == NaiveDate::MIN, to == NaiveDate::MAX) {
        (true, true) => tr(lang, "全部期间", "all dates").to_string(),
        (false, true) => format!("{from} ~"),
        (true, false) => format!("~ {to}"),
        (false, false) => format!("{from} ~ {to}"),
    };
    let mut doc = Document::new(format!(
        "{}{}",
        fund.name,
        tr(lang, " 资金收支明细表", ": fund statement")
    ));
    doc.lang = lang;
    doc.subtitle = Some(match q.year {
        Some(y) => format!("{y}（{period}）"),
        None => period.clone(),
    });
    if let Some(town) = ledger.town_name()? {
        doc = doc.field(tr(lang, "编制单位", "Prepared for"), town);
    }
    doc = doc
        .field(
            tr(lang, "资金", "Fund"),
            format!(
                "{}（{}）",
                fund.id,
                match lang {
                    Lang::Zh => fund.kind.chinese(),
                    Lang::En => fund.kind.as_str(),
                }
            ),
        )
        .field(tr(lang, "科目", "Account"), fund.account.clone())
        .field(tr(lang, "存放账户", "Bank account"), fund.bank.clone())
        .field(tr(lang, "期间", "Period"), period)
        .field(
            tr(lang, "期初结存", "Opening"),
            amount(whole.opening, "opening")?.grouped(),
        )
        .field(
            tr(lang, "本期收入", "Received"),
            amount(whole.came, "received")?.grouped(),
        )
        .field(
            tr(lang, "本期支出", "Paid out"),
            amount(whole.went, "paid out")?.grouped(),
        )
        .field(
            tr(lang, "期末结存", "Closing"),
            amount(whole.closing(), "closing")?.grouped(),
        )
        .field(tr(lang, "金额单位", "Unit"), tr(lang, "元", "yuan"));

    // By month, quarter or year: the days the statement's flows cover when it is open-ended.
    let cut = match q.by {
        Some(by) => {
            let mut in_period = flows.iter().filter(|f| (from..=to).contains(&f.date));
            let first = in_period.clone().next().map(|f| f.date);
            let last = in_period.next_back().map(|f| f.date);
            let start = if from == NaiveDate::MIN {
                first
            } else {
                Some(from)
            };
            let end = if to == NaiveDate::MAX { last } else { Some(to) };
            match (start, end) {
                (Some(s), Some(e)) if s <= e => by_period(&flows, periods(s, e, by)),
                _ => Vec::new(),
            }
        }
        None => Vec::new(),
    };
    if let Some(by) = q.by {
        doc.tables.push(period_table(&cut, by, lang)?);
    }
    doc.tables.push(receipts_table(
        &flows, &movements, rule, from, to, whole.came, lang,
    )?);
    if let Some(rule) = rule.filter(|r| !r.sources.is_empty()) {
        sources_table(&mut doc, rule, &movements, year, lang)?;
    }

    // What went out, by purpose, and whom it reached.
    let order = purpose_order(rule);
    let mut spent: Vec<(&Option<String>, &(i64, i128))> = totals.spent.iter().collect();
    spent.sort_by_key(|(p, _)| order(p));
    let mut paid = Table {
        caption: Some(tr(lang, "支出按用途", "Payments by purpose").to_string()),
        columns: vec![
            Column::text("purpose", tr(lang, "用途", "Purpose"), 4),
            count_column("count", tr(lang, "笔数", "Count")),
            count_column("households", tr(lang, "户数", "Households")),
            count_column("persons", tr(lang, "人数", "Persons")),
            Column::money("amount", tr(lang, "金额", "Amount")),
        ],
        ..Default::default()
    };
    for (purpose, (count, fen)) in &spent {
        let (households, persons) = reach.by_purpose.get(*purpose).copied().unwrap_or((0, 0));
        paid.rows.push(Row::new(vec![
            Cell::text(purpose_label(purpose, lang)),
            Cell::Int(*count),
            Cell::Int(households),
            Cell::Int(persons),
            money(*fen, "paid out")?,
        ]));
    }
    paid.totals.push(strong(Row::new(vec![
        Cell::text(tr(lang, "合计", "Total")),
        Cell::Int(totals.spent.values().map(|(c, _)| c).sum()),
        Cell::Int(reach.total.0),
        Cell::Int(reach.total.1),
        money(whole.went, "paid out")?,
    ])));
    doc.tables.push(paid);
    if !cut.is_empty() {
        let purposes: Vec<&Option<String>> = spent.iter().map(|(p, _)| *p).collect();
        purpose_by_period_tables(&mut doc, &cut, &purposes, lang)?;
    }
    if !totals.given.is_empty() {
        doc.tables.push(restricted_table(
            &totals.given,
            &totals.free,
            tr(lang, "期初结存", "Opening"),
            lang,
        )?);
    }
    if q.budget {
        let year = year.ok_or_else(|| Error::rule(crate::tr!("budget-needs-year")))?;
        budget_table(&mut doc, ledger, &fund.id, year, rule, &totals.spent, lang)?;
        let (year_from, year_to) = fund_period(rule, Some(year));
        if (from, to) != (year_from, year_to) {
            doc.notes.push(format!(
                "{}{from} ~ {to}{}{year}（{year_from} ~ {year_to}）",
                tr(lang, "实际支出为 ", "Actual spending is that of "),
                tr(
                    lang,
                    "，预算为全年度 ",
                    ", the budget that of the whole year "
                ),
            ));
        }
    }
    if !reach.unregistered.is_empty() {
        let shown: Vec<&str> = reach
            .unregistered
            .iter()
            .take(10)
            .map(String::as_str)
            .collect();
        doc.notes.push(format!(
            "{}{}{}",
            tr(
                lang,
                "农户名册中没有的户（计入户数，不计人数）：",
                "Households not in the register (counted, with no persons): "
            ),
            shown.join("、"),
            if reach.unregistered.len() > shown.len() {
                format!(" … ({})", reach.unregistered.len())
            } else {
                String::new()
            }
        ));
    }
    doc.notes.push(format!(
        "{}{}",
        tr(
            lang,
            "户数、人数：本期支出所涉农户（去重），人数按期末农户名册；",
            "Households and persons: the households the period's payments reached (each once), persons as the register stands at the period's end; "
        ),
        tr(
            lang,
            "已冲销的支出不计户数。",
            "a reversed payment reached no one."
        )
    ));
    doc.notes.push(format!(
        "{}{}（sha256 {}）",
        tr(lang, "资金规则：", "Rules: "),
        book.rules.source(),
        book.rules.sha256()
    ));
    doc.signatures = vec![
        tr(lang, "制表", "Prepared by").to_string(),
        tr(lang, "审核", "Checked by").to_string(),
        tr(lang, "负责人", "Approved by").to_string(),
    ];
    Ok(doc)
}

/// One row per month, quarter or year: opening, in, out, closing.
fn period_table(cut: &[PeriodFlows], by: By, lang: Lang) -> Result<Table> {
    let caption = match by {
        By::Month => tr(lang, "按月收支", "By month"),
        By::Quarter => tr(lang, "按季收支", "By quarter"),
        By::Year => tr(lang, "按年收支", "By year"),
    };
    let mut table = Table {
        caption: Some(caption.to_string()),
        columns: vec![
            Column::text("period", tr(lang, "期间", "Period"), 2),
            Column::money("opening", tr(lang, "期初结存", "Opening")),
            Column::money("received", tr(lang, "本期收入", "Received")),
            Column::money("paid", tr(lang, "本期支出", "Paid out")),
            Column::money("closing", tr(lang, "期末结存", "Closing")),
        ],
        ..Default::default()
    };
    for p in cut {
        table.rows.push(Row::new(vec![
            Cell::text(p.period.label.clone()),
            money(p.whole.opening, "opening")?,
            money(p.whole.came, "received")?,
            money(p.whole.went, "paid out")?,
            money(p.whole.closing(), "closing")?,
        ]));
    }
    if let (Some(first), Some(last)) = (cut.first(), cut.last()) {
        table.totals.push(strong(Row::new(vec![
            Cell::text(tr(lang, "合计", "Total")),
            money(first.whole.opening, "opening")?,
            money(cut.iter().map(|p| p.whole.came).sum(), "received")?,
            money(cut.iter().map(|p| p.whole.went).sum(), "paid out")?,
            money(last.whole.closing(), "closing")?,
        ])));
    }
    Ok(table)
}

/// Spends by purpose (rows) and period (columns), at most [`PERIODS_PER_TABLE`] periods a
/// table so that a page holds it; the last table ends with the total of each purpose.
fn purpose_by_period_tables(
    doc: &mut Document,
    cut: &[PeriodFlows],
    purposes: &[&Option<String>],
    lang: Lang,
) -> Result<()> {
    let chunks: Vec<&[PeriodFlows]> = cut.chunks(PERIODS_PER_TABLE).collect();
    let n = chunks.len();
    for (i, chunk) in chunks.into_iter().enumerate() {
        let last = i + 1 == n;
        let caption = tr(lang, "支出按用途分期", "Payments by purpose and period");
        let mut table = Table {
            caption: Some(if n > 1 {
                match lang {
                    Lang::Zh => format!("{caption}（{}/{n}）", i + 1),
                    Lang::En => format!("{caption} ({}/{n})", i + 1),
                }
            } else {
                caption.to_string()
            }),
            columns: vec![Column::text("purpose", tr(lang, "用途", "Purpose"), 3)],
            ..Default::default()
        };
        for p in chunk {
            table
                .columns
                .push(Column::money(&p.period.label, p.period.label.clone()));
        }
        if last {
            table
                .columns
                .push(Column::money("total", tr(lang, "合计", "Total")));
        }
        for purpose in purposes {
            let mut cells = vec![Cell::text(purpose_label(purpose, lang))];
            for p in chunk {
                cells.push(money(
                    p.spent.get(*purpose).copied().unwrap_or(0),
                    "paid out",
                )?);
            }
            if last {
                let all: i128 = cut
                    .iter()
                    .map(|p| p.spent.get(*purpose).copied().unwrap_or(0))
                    .sum();
                cells.push(money(all, "paid out")?);
            }
            table.rows.push(Row::new(cells));
        }
        let mut cells = vec![Cell::text(tr(lang, "合计", "Total"))];
        for p in chunk {
            cells.push(money(p.whole.went, "paid out")?);
        }
        if last {
            cells.push(money(cut.iter().map(|p| p.whole.went).sum(), "paid out")?);
        }
        table.totals.push(strong(Row::new(cells)));
        doc.tables.push(table);
    }
    Ok(())
}

/// What came in over `from..=to`, by source, by donor, and what said neither (an opening
/// balance carried in, interest): count and amount.
fn receipts_table(
    flows: &[FundFlow],
    movements: &[crate::store::FundMovement],
    rule: Option<&FundRule>,
    from: NaiveDate,
    to: NaiveDate,
    received: i128,
    lang: Lang,
) -> Result<Table> {
    let by_txn: BTreeMap<i64, &crate::store::FundMovement> = movements
        .iter()
        .filter(|m| m.fen < 0)
        .map(|m| (m.txn, m))
        .collect();
    // (kind: 0 source, 1 donor, 2 neither; the source's place in the rules; name)
    let mut from_whom: BTreeMap<(u8, usize, String), (i64, i128)> = BTreeMap::new();
    for f in flows
        .iter()
        .filter(|f| f.fen < 0 && (from..=to).contains(&f.date))
    {
        let m = by_txn.get(&f.txn);
        let key = match (
            m.and_then(|m| m.source.clone()),
            m.and_then(|m| m.donor.clone()),
        ) {
            (_, Some(donor)) => (1, 0, donor),
            (Some(source), None) => {
                let rank = rule
                    .and_then(|r| r.source_names().position(|n| n == source))
                    .unwrap_or(usize::MAX);
                (0, rank, source)
            }
            (None, None) => (2, 0, String::new()),
        };
        let e = from_whom.entry(key).or_default();
        e.0 += 1;
        e.1 -= i128::from(f.fen);
    }
    let mut table = Table {
        caption: Some(tr(lang, "收入按来源和捐赠方", "Receipts by source and donor").to_string()),
        columns: vec![
            Column::text("kind", tr(lang, "类别", "Kind"), 2),
            Column::text("from", tr(lang, "来源/捐赠方", "Source / donor"), 4),
            count_column("count", tr(lang, "笔数", "Count")),
            Column::money("amount", tr(lang, "金额", "Amount")),
        ],
        ..Default::default()
    };
    for ((kind, _, name), (count, fen)) in &from_whom {
        let kind = match kind {
            0 => tr(lang, "来源", "source"),
            1 => tr(lang, "捐赠方", "donor"),
            _ => tr(lang, "未注明", "not given"),
        };
        table.rows.push(Row::new(vec![
            Cell::text(kind),
            Cell::text(name.clone()),
            Cell::Int(*count),
            money(*fen, "received")?,
        ]));
    }
    table.totals.push(strong(Row::new(vec![
        Cell::text(tr(lang, "合计", "Total")),
        Cell::Empty,
        Cell::Int(from_whom.values().map(|(c, _)| c).sum()),
        money(received, "received")?,
    ])));
    Ok(table)
}

/// A purpose's budget (none: spent without one) and what was spent on it, in fen.
type BudgetLine = (Option<i128>, i128);

/// Each purpose's spending against its budget for `year`: budget, actual, the share used
/// (exact to 0.01%), what is left (less than nothing when overspent). A purpose spent without
/// a budget and a budget not spent are both shown.
fn budget_table(
    doc: &mut Document,
    ledger: &Ledger,
    fund: &str,
    year: i32,
    rule: Option<&FundRule>,
    spent: &BTreeMap<Option<String>, (i64, i128)>,
    lang: Lang,
) -> Result<()> {
    let budgets = ledger.budgets(Some(fund), Some(year))?;
    // By purpose: its budget (if any) and what was spent.
    let mut lines: BTreeMap<Option<String>, BudgetLine> = BTreeMap::new();
    for b in &budgets {
        lines.entry(Some(b.purpose.clone())).or_default().0 = Some(i128::from(b.amount.fen()));
    }
    for (purpose, (_, fen)) in spent {
        lines.entry(purpose.clone()).or_default().1 = *fen;
    }
    let order = purpose_order(rule);
    let mut rows: Vec<(&Option<String>, &BudgetLine)> = lines.iter().collect();
    rows.sort_by_key(|(p, _)| order(p));
    let mut table = Table {
        caption: Some(format!(
            "{}{year}{}",
            tr(lang, "预算执行情况（", "Budget and actual ("),
            tr(lang, "年度）", ")")
        )),
        columns: vec![
            Column::text("purpose", tr(lang, "用途", "Purpose"), 4),
            Column::money("budget", tr(lang, "预算", "Budget")),
            Column::money("actual", tr(lang, "实际支出", "Actual")),
            Column::new("used", tr(lang, "使用率", "Used"), Align::Right, 1),
            Column::money("left", tr(lang, "预算结余", "Left")),
        ],
        ..Default::default()
    };
    let share = |actual: i128, budget: i128| -> String {
        match share_used(actual, budget) {
            Some(s) => format!("{s}%"),
            None => "—".to_string(),
        }
    };
    let (mut budgeted, mut actual) = (0i128, 0i128);
    let mut unbudgeted = Vec::new();
    for (purpose, (budget, spent)) in rows {
        actual += spent;
        let row = match budget {
            Some(b) => {
                budgeted += b;
                Row::new(vec![
                    Cell::text(purpose_label(purpose, lang)),
                    money(*b, "budget")?,
                    money(*spent, "actual")?,
                    Cell::text(share(*spent, *b)),
                    money(b - spent, "left")?,
                ])
            }
            None => {
                unbudgeted.push(purpose_label(purpose, lang));
                Row::new(vec![
                    Cell::text(purpose_label(purpose, lang)),
                    Cell::Empty,
                    money(*spent, "actual")?,
                    Cell::text(tr(lang, "无预算", "no budget")),
                    Cell::Empty,
                ])
            }
        };
        table.rows.push(row);
    }
    table.totals.push(strong(Row::new(vec![
        Cell::text(tr(lang, "合计", "Total")),
        money(budgeted, "budget")?,
        money(actual, "actual")?,
        Cell::text(share(actual, budgeted)),
        money(budgeted - actual, "left")?,
    ])));
    doc.tables.push(table);
    if budgets.is_empty() {
        doc.notes.push(format!(
            "{}{year}{}",
            tr(lang, "本资金 ", "No budget is set for "),
            tr(lang, " 年度未设预算。", " for this fund.")
        ));
    }
    if !unbudgeted.is_empty() {
        doc.notes.push(format!(
            "{}{}",
            tr(lang, "无预算的支出：", "Spent without a budget: "),
            unbudgeted.join("、")
        ));
    }
    doc.notes.push(
        tr(
            lang,
            "使用率 = 实际支出 ÷ 预算，四舍五入到 0.01%；预算结余为负即超支。",
            "Used = actual ÷ budget, rounded to 0.01%; a negative amount left is overspent.",
        )
        .to_string(),
    );
    Ok(())
}

//! `townledger budget list [--fund F] [--year Y]`: the budget lines set, with when and by whom.

use super::document::{Cell, Column, Document, Lang, Row, Table};
use super::fund_show::named_fund;
use super::tr;
use crate::error::Result;
use crate::money::Total;
use crate::store::Ledger;

pub fn budget_list(
    ledger: &Ledger,
    fund: Option<&str>,
    year: Option<i32>,
    lang: Lang,
) -> Result<Document> {
    let fund = match fund {
        Some(name) => Some(named_fund(&ledger.fund_book()?, name)?.id),
        None => None,
    };
    let budgets = ledger.budgets(fund.as_deref(), year)?;
    let mut doc = Document::new(tr(lang, "资金预算", "Fund budgets"));
    doc.lang = lang;
    doc.subtitle = year.map(|y| y.to_string());
    let mut table = Table {
        columns: vec![
            Column::text("fund", tr(lang, "资金", "Fund"), 2),
            Column::text("year", tr(lang, "年度", "Year"), 1),
            Column::text("purpose", tr(lang, "用途", "Purpose"), 3),
            Column::money("amount", tr(lang, "预算金额", "Amount")),
            Column::text("set_at", tr(lang, "设定时间", "Set at"), 3),
            Column::text("operator", tr(lang, "操作员", "Operator"), 2),
        ],
        ..Default::default()
    };
    let mut total = Total::ZERO;
    for b in &budgets {
        total.add(b.amount);
        table.rows.push(Row::new(vec![
            Cell::text(b.fund.clone()),
            Cell::text(b.year.to_string()),
            Cell::text(b.purpose.clone()),
            Cell::Money(b.amount),
            Cell::text(b.set_at.clone()),
            Cell::text(b.operator.clone()),
        ]));
    }
    let mut row = Row::new(vec![
        Cell::text(tr(lang, "合计", "Total")),
        Cell::Empty,
        Cell::Empty,
        Cell::Money(total.checked(|| "the budgets".to_string())?),
        Cell::Empty,
        Cell::Empty,
    ]);
    row.strong = true;
    table.totals.push(row);
    doc.tables.push(table);
    Ok(doc)
}

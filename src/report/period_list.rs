//! `townledger period list`: the months closed now, and every close and reopen with who, when,
//! why and the journal's length at the time.

use super::document::{Cell, Column, Document, Lang, Row, Table};
use super::tr;
use crate::error::Result;
use crate::store::Ledger;

pub fn period_list(ledger: &Ledger, lang: Lang) -> Result<Document> {
    let mut doc = Document::new(tr(lang, "结账记录", "Closed periods"));
    doc.lang = lang;
    doc = doc.field(
        tr(lang, "已结账至", "Closed through"),
        match ledger.closed_period()? {
            Some(c) => format!("{}（{} {}）", c.month_text(), c.person, c.at),
            None => tr(lang, "未结账", "nothing closed").to_string(),
        },
    );
    let mut table = Table {
        columns: vec![
            Column::text("month", tr(lang, "月份", "Month"), 2),
            Column::text("action", tr(lang, "操作", "Action"), 2),
            Column::text("by", tr(lang, "办理人", "By"), 2),
            Column::text("reason", tr(lang, "原因", "Reason"), 5),
            Column::text("at", tr(lang, "时间", "At"), 3),
            Column::text("operator", tr(lang, "操作员", "Operator"), 2),
            Column::text("journal", tr(lang, "凭证数", "Transactions"), 2),
        ],
        ..Default::default()
    };
    for e in ledger.period_events()? {
        table.rows.push(Row::new(vec![
            Cell::text(e.month.clone()),
            Cell::text(match (e.action.as_str(), lang) {
                ("close", Lang::Zh) => "结账",
                ("close", Lang::En) => "close",
                (_, Lang::Zh) => "反结账",
                (_, Lang::En) => "reopen",
            }),
            Cell::text(e.person.clone()),
            Cell::text(e.reason.clone().unwrap_or_default()),
            Cell::text(e.at.clone()),
            Cell::text(e.operator.clone()),
            Cell::text(e.journal_length.to_string()),
        ]));
    }
    doc.tables.push(table);
    Ok(doc)
}

//! `townledger grant list` and `grant show`: relief grants from the reserve funds, where each
//! stands, the gates each passed and its payment voucher. Heads of household are masked, as
//! everywhere but their own statement.

use std::collections::HashMap;

use super::document::{Cell, Column, Document, Lang, Row, Table};
use super::tr;
use crate::error::{Error, Result};
use crate::funds::grant::{grant_label, GrantState, GrantStatus};
use crate::households::mask_name;
use crate::money::Total;
use crate::store::Ledger;

/// The heads of household by id (their latest version), and the funds' names by id.
fn names(ledger: &Ledger) -> Result<(HashMap<String, String>, HashMap<String, String>)> {
    let heads = ledger
        .households_on(chrono::NaiveDate::MAX)?
        .into_iter()
        .map(|h| (h.id, h.name))
        .collect();
    let funds = ledger
        .funds()?
        .into_iter()
        .map(|f| (f.id, f.name))
        .collect();
    Ok((heads, funds))
}

/// The gates a grant passed, and the one that rejected it: `村级核实 村委、部门数据比对 民政比对`.
fn gates_cell(s: &GrantState, lang: Lang) -> String {
    let mut parts: Vec<String> = s
        .passed()
        .map(|r| format!("{} {}", r.gate.name_in(lang), r.by))
        .collect();
    if let Some(r) = s.rejection() {
        parts.push(match lang {
            Lang::Zh => format!("{} {} 驳回", r.gate.chinese(), r.by),
            Lang::En => format!("{} {} rejected", r.gate.as_str(), r.by),
        });
    }
    parts.join(tr(lang, "、", ", "))
}

/// Every grant (or those with `status`), in id order, with the total amount.
pub fn grant_list(ledger: &Ledger, status: Option<GrantStatus>, lang: Lang) -> Result<Document> {
    let (heads, funds) = names(ledger)?;
    let mut doc = Document::new(tr(lang, "临时救助申请", "Relief grants"));
    doc.lang = lang;
    if let Some(status) = status {
        doc = doc.field(tr(lang, "状态", "Status"), status.name_in(lang));
    }
    let mut table = Table {
        columns: vec![
            Column::text("id", tr(lang, "编号", "Grant"), 1),
            Column::text("household", tr(lang, "户编号", "Household"), 2),
            Column::text("name", tr(lang, "户主姓名", "Head"), 2),
            Column::text("fund", tr(lang, "资金", "Fund"), 3),
            Column::money("amount", tr(lang, "金额", "Amount")),
            Column::text("cause", tr(lang, "原因", "Cause"), 1),
            Column::money("loss", tr(lang, "损失", "Loss")),
            Column::text("status", tr(lang, "状态", "Status"), 1),
            Column::text("gates", tr(lang, "已过关卡", "Gates passed"), 5),
            Column::text("voucher", tr(lang, "发放凭证", "Payment voucher"), 2),
        ],
        ..Default::default()
    };
    let mut total = Total::ZERO;
    for s in ledger.grant_states()? {
        let st = s.status();
        if status.is_some_and(|want| want != st) {
            continue;
        }
        let g = &s.grant;
        total.add(g.amount);
        table.rows.push(
            Row::new(vec![
                Cell::text(g.label()),
                Cell::text(g.household.clone()),
                Cell::text(
                    heads
                        .get(&g.household)
                        .map(|n| mask_name(n))
                        .unwrap_or_default(),
                ),
                Cell::text(
                    funds
                        .get(&g.fund)
                        .cloned()
                        .unwrap_or_else(|| g.fund.clone()),
                ),
                Cell::Money(g.amount),
                Cell::text(g.cause.clone()),
                Cell::Money(g.loss),
                Cell::text(st.name_in(lang)),
                Cell::text(gates_cell(&s, lang)),
                match s.payment() {
                    Some(p) => Cell::text(p.voucher.clone()),
                    None => Cell::Empty,
                },
            ])
            .labelled(g.label()),
        );
    }
    let mut row = Row::new(vec![
        Cell::text(tr(lang, "合计", "Total")),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Money(total.checked(|| "the grants' total".to_string())?),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
    ]);
    row.strong = true;
    table.totals.push(row);
    doc.tables.push(table);
    Ok(doc)
}

/// One grant: the application, each gate's decision (who, when, note), its payment vouchers.
pub fn grant_detail(ledger: &Ledger, id: i64, lang: Lang) -> Result<Document> {
    let s = ledger
        .grant_state(id)?
        .ok_or_else(|| Error::NotFound(crate::tr!("grant-not-found", grant = grant_label(id))))?;
    let (heads, funds) = names(ledger)?;
    let g = &s.grant;
    let mut doc = Document::new(match lang {
        Lang::Zh => format!("临时救助申请 {}", g.label()),
        Lang::En => format!("Relief grant {}", g.label()),
    });
    doc.lang = lang;
    let gates: Vec<&str> = g.gates.iter().map(|x| x.name_in(lang)).collect();
    doc = doc
        .field(tr(lang, "编号", "Grant"), g.label())
        .field(tr(lang, "户编号", "Household"), g.household.clone())
        .field(
            tr(lang, "户主姓名", "Head"),
            heads
                .get(&g.household)
                .map(|n| mask_name(n))
                .unwrap_or_default(),
        )
        .field(
            tr(lang, "资金", "Fund"),
            funds
                .get(&g.fund)
                .cloned()
                .unwrap_or_else(|| g.fund.clone()),
        )
        .field(tr(lang, "金额", "Amount"), g.amount.grouped())
        .field(tr(lang, "原因", "Cause"), g.cause.clone())
        .field(tr(lang, "损失", "Loss"), g.loss.grouped())
        .field(tr(lang, "说明", "Note"), g.note.clone())
        .field(tr(lang, "申请日期", "Applied on"), g.applied_on.to_string())
        .field(tr(lang, "申请人", "Applicant"), g.applicant.clone())
        .field(tr(lang, "审核关卡", "Gates"), gates.join(" → "))
        .field(tr(lang, "状态", "Status"), s.status().name_in(lang));
    let mut reviews = Table {
        caption: Some(tr(lang, "审核", "Review").to_string()),
        columns: vec![
            Column::text("gate", tr(lang, "关卡", "Gate"), 2),
            Column::text("decision", tr(lang, "结论", "Decision"), 1),
            Column::text("by", tr(lang, "审核人", "By"), 2),
            Column::text("date", tr(lang, "日期", "Date"), 2),
            Column::text("note", tr(lang, "意见", "Note"), 5),
            Column::text("operator", tr(lang, "录入人", "Recorded by"), 2),
            Column::text("recorded_at", tr(lang, "录入时间", "Recorded at"), 3),
        ],
        ..Default::default()
    };
    for gate in &g.gates {
        let row = match s.review_at(*gate) {
            Some(r) => vec![
                Cell::text(gate.name_in(lang)),
                Cell::text(if r.passed {
                    tr(lang, "通过", "passed")
                } else {
                    tr(lang, "驳回", "rejected")
                }),
                Cell::text(r.by.clone()),
                Cell::text(r.on.to_string()),
                Cell::text(r.note.clone()),
                Cell::text(r.operator.clone()),
                Cell::text(r.recorded_at.clone()),
            ],
            None => vec![
                Cell::text(gate.name_in(lang)),
                Cell::text(tr(lang, "未审核", "not yet")),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ],
        };
        reviews.rows.push(Row::new(row));
    }
    doc.tables.push(reviews);
    let mut payments = Table {
        caption: Some(tr(lang, "发放", "Payment").to_string()),
        columns: vec![
            Column::text("voucher", tr(lang, "凭证号", "Voucher"), 2),
            Column::text("date", tr(lang, "日期", "Date"), 2),
            Column::money("amount", tr(lang, "金额", "Amount")),
            Column::text("paid_by", tr(lang, "发放人", "Paid by"), 2),
            Column::text("reversed_by", tr(lang, "冲销凭证", "Reversed by"), 2),
        ],
        ..Default::default()
    };
    for p in &s.payments {
        payments.rows.push(Row::new(vec![
            Cell::text(p.voucher.clone()),
            Cell::text(p.date.to_string()),
            Cell::Money(g.amount),
            Cell::text(p.paid_by.clone()),
            match &p.reversed_by {
                Some(v) => Cell::text(v.clone()),
                None => Cell::Empty,
            },
        ]));
    }
    doc.tables.push(payments);
    Ok(doc)
}

//! `townledger insurance show YEAR`: a year's 防贫保 roster — insurer, rate, households,
//! persons, premium and the voucher that paid it — and the claims passed to households.

use super::document::{Align, Cell, Column, Document, Lang, Row, Table};
use super::tr;
use crate::error::{Error, Result};
use crate::money::Total;
use crate::store::Ledger;

pub fn insurance_document(ledger: &Ledger, year: i32, lang: Lang) -> Result<Document> {
    let roster = ledger
        .rosters(Some(year))?
        .into_iter()
        .next()
        .ok_or_else(|| Error::NotFound(crate::tr!("insurance-not-enrolled", year = year)))?;
    let mut doc = Document::new(format!(
        "{year}{}",
        tr(lang, "年防贫保参保及理赔", " anti-poverty insurance")
    ));
    doc.lang = lang;
    doc = doc
        .field(tr(lang, "保险公司", "Insurer"), roster.insurer.clone())
        .field(
            tr(lang, "每人保费", "Premium per person"),
            roster.per_member.grouped(),
        )
        .field(
            tr(lang, "参保类别", "Categories"),
            roster.categories.join("、"),
        )
        .field(
            tr(lang, "名单日期", "Register as of"),
            roster.enrolled_on.to_string(),
        )
        .field(
            tr(lang, "参保户数", "Households"),
            roster.households.to_string(),
        )
        .field(tr(lang, "参保人数", "Persons"), roster.persons.to_string())
        .field(tr(lang, "保费合计", "Premium"), roster.premium.grouped())
        .field(
            tr(lang, "保费凭证", "Premium voucher"),
            match &roster.paid {
                Some((voucher, fund)) => format!("{voucher}（{fund}）"),
                None => tr(lang, "未付", "not paid").to_string(),
            },
        );
    let names: std::collections::HashMap<String, String> = ledger
        .households_on(roster.enrolled_on)?
        .into_iter()
        .map(|h| (h.id, format!("{} {}", h.village, h.name)))
        .collect();
    let mut members = Table {
        caption: Some(tr(lang, "参保名单", "Roster").to_string()),
        columns: vec![
            Column::text("household", tr(lang, "户编号", "Household"), 2),
            Column::text("name", tr(lang, "村 户主", "Village, head"), 4),
            Column::new("members", tr(lang, "人数", "Persons"), Align::Right, 1),
            Column::money("premium", tr(lang, "保费", "Premium")),
        ],
        ..Default::default()
    };
    for m in ledger.roster_members(year)? {
        members.rows.push(Row::new(vec![
            Cell::text(m.household.clone()),
            Cell::text(names.get(&m.household).cloned().unwrap_or_default()),
            Cell::Int(m.members),
            Cell::Money(m.premium),
        ]));
    }
    let mut total = Row::new(vec![
        Cell::text(tr(lang, "合计", "Total")),
        Cell::Empty,
        Cell::Int(roster.persons),
        Cell::Money(roster.premium),
    ]);
    total.strong = true;
    members.totals.push(total);
    doc.tables.push(members);

    let claims = ledger.claims(Some(year))?;
    let mut table = Table {
        caption: Some(tr(lang, "理赔", "Claims").to_string()),
        columns: vec![
            Column::text("date", tr(lang, "日期", "Date"), 2),
            Column::text("household", tr(lang, "户编号", "Household"), 2),
            Column::text("cause", tr(lang, "原因", "Cause"), 2),
            Column::money("amount", tr(lang, "理赔金额", "Amount")),
            Column::text("voucher", tr(lang, "收款凭证", "Received"), 2),
            Column::text("paid", tr(lang, "转付凭证", "Passed on"), 2),
        ],
        ..Default::default()
    };
    let mut sum = Total::ZERO;
    for c in &claims {
        sum.add(c.amount);
        table.rows.push(Row::new(vec![
            Cell::text(c.date.to_string()),
            Cell::text(c.household.clone()),
            Cell::text(c.cause.clone()),
            Cell::Money(c.amount),
            Cell::text(c.voucher.clone()),
            Cell::text(
                c.paid
                    .clone()
                    .unwrap_or_else(|| tr(lang, "待转付", "to pay").to_string()),
            ),
        ]));
    }
    let mut total = Row::new(vec![
        Cell::text(format!("{}（{}）", tr(lang, "合计", "Total"), claims.len())),
        Cell::Empty,
        Cell::Empty,
        Cell::Money(sum.checked(|| "the claims".to_string())?),
        Cell::Empty,
        Cell::Empty,
    ]);
    total.strong = true;
    table.totals.push(total);
    doc.tables.push(table);
    Ok(doc)
}

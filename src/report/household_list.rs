//! The household register as a table: `townledger households list` and `history`, and the
//! web's household pages.

use chrono::NaiveDate;

use super::document::{Align, Cell, Column, Lang, Row, Table};
use super::tr;
use crate::households::{mask_bank_card, mask_id_number, mask_name, HouseholdRecord};

/// The register's table: a household a row, with the date each version took effect when
/// `with_from` (a household's history).
pub fn household_table(lang: Lang, with_from: bool) -> Table {
    let mut columns = Vec::new();
    if with_from {
        columns.push(Column::text(
            "valid_from",
            tr(lang, "生效日期", "Valid from"),
            2,
        ));
    }
    columns.extend([
        Column::text("id", tr(lang, "户编号", "Household"), 2),
        Column::text("village", tr(lang, "村", "Village"), 2),
        Column::text("name", tr(lang, "户主姓名", "Head"), 2),
        Column::text("id_number", tr(lang, "身份证号", "ID number"), 4),
        Column::new("members", tr(lang, "人口", "Members"), Align::Right, 1),
        Column::money(
            "per_capita_income",
            tr(lang, "人均纯收入", "Income per head"),
        ),
        Column::text("category", tr(lang, "类别", "Category"), 3),
        Column::text("risk_level", tr(lang, "风险等级", "Risk"), 1),
        Column::text("risk_causes", tr(lang, "风险类型", "Risk causes"), 3),
        Column::text("labour", tr(lang, "劳动能力", "Labour"), 1),
        Column::text("bank_card", tr(lang, "一卡通账号", "Card"), 4),
    ]);
    Table {
        columns,
        ..Default::default()
    }
}

/// A household's row; its head's name, ID number and card masked unless `unmasked`.
pub fn household_row(h: &HouseholdRecord, unmasked: bool, from: Option<NaiveDate>) -> Row {
    let mut cells = Vec::new();
    if let Some(d) = from {
        cells.push(Cell::text(d.to_string()));
    }
    let (name, id, card) = if unmasked {
        (h.name.clone(), h.id_number.clone(), h.bank_card.clone())
    } else {
        (
            mask_name(&h.name),
            mask_id_number(&h.id_number),
            mask_bank_card(&h.bank_card),
        )
    };
    cells.extend([
        Cell::text(h.id.clone()),
        Cell::text(h.village.clone()),
        Cell::Text(name),
        Cell::Text(id),
        Cell::Int(h.members as i64),
        Cell::Money(h.per_capita_income),
        Cell::text(h.category.map(|c| c.as_str()).unwrap_or("")),
        Cell::text(h.risk_level.clone()),
        Cell::text(h.risk_causes.join(";")),
        Cell::text(h.labour.as_str()),
        Cell::Text(card),
    ]);
    Row::new(cells).labelled(format!("household {}", h.id))
}

//! `townledger fund list`: every registered fund with what it holds and where its money lies.

use super::document::{Cell, Column, Document, Lang, Row, Table};
use super::tr;
use crate::error::Result;
use crate::money::Total;
use crate::store::Ledger;

/// Every fund: id, name, kind, account, what it holds (its credit balance), its bank account,
/// its aliases; a total of what the funds hold.
pub fn fund_list(ledger: &Ledger, lang: Lang) -> Result<Document> {
    let mut doc = Document::new(tr(lang, "专项资金", "Funds"));
    doc.lang = lang;
    let mut table = Table {
        columns: vec![
            Column::text("id", tr(lang, "资金", "Fund"), 2),
            Column::text("name", tr(lang, "名称", "Name"), 4),
            Column::text("kind", tr(lang, "类型", "Kind"), 2),
            Column::text("account", tr(lang, "科目", "Account"), 5),
            Column::money("balance", tr(lang, "余额", "Holds")),
            Column::text("restricted", tr(lang, "其中定向", "Of which restricted"), 4),
            Column::text("bank", tr(lang, "存放账户", "Bank account"), 4),
            Column::text("aliases", tr(lang, "别名", "Aliases"), 4),
        ],
        ..Default::default()
    };
    let mut total = Total::ZERO;
    for fund in ledger.funds()? {
        // A fund is owed money: a credit balance, shown as what it holds.
        let holds = -ledger.balance_of(&fund.account, None)?;
        total.add(holds);
        let (_, held) = ledger.fund_flows(&fund.id)?;
        let restricted: Vec<String> = held
            .given
            .iter()
            .filter(|(_, &fen)| fen > 0)
            .map(|(p, &fen)| format!("{p} {}", Total::ZERO.plus_fen(fen).grouped()))
            .collect();
        table.rows.push(Row::new(vec![
            Cell::text(fund.id.clone()),
            Cell::text(fund.name.clone()),
            Cell::text(match lang {
                Lang::Zh => fund.kind.chinese(),
                Lang::En => fund.kind.as_str(),
            }),
            Cell::text(fund.account.clone()),
            Cell::Money(holds),
            Cell::text(restricted.join("；")),
            Cell::text(fund.bank.clone()),
            Cell::text(fund.aliases.join("、")),
        ]));
    }
    let mut row = Row::new(vec![
        Cell::text(tr(lang, "合计", "Total")),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Money(total.checked(|| "what the funds hold".to_string())?),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
    ]);
    row.strong = true;
    table.totals.push(row);
    doc.tables.push(table);
    Ok(doc)
}

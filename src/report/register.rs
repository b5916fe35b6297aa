//! An account's register (明细账): every posting with a running balance.

use chrono::NaiveDate;

use std::sync::Arc;

use super::document::{Cell, Column, Document, Lang, MoreRows, Row, RowSource, Table};
use super::tr;
use crate::error::Result;
use crate::money::Amount;
use crate::store::{Ledger, Register};

#[derive(Clone, Debug)]
pub struct RegisterReport {
    pub account: String,
    /// The account has sub-accounts whose postings are included.
    pub with_subaccounts: bool,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub opening: Amount,
    pub lines: Arc<Register>,
}

pub fn register(
    ledger: &Ledger,
    account: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<RegisterReport> {
    let accounts = ledger.account_and_descendants(account)?;
    let opening = match from {
        Some(f) => ledger.balance_before(&accounts, f)?,
        None => Amount::ZERO,
    };
    let lines = Arc::new(ledger.register(&accounts, from, to)?);
    let name = ledger
        .account(account)?
        .map(|a| a.name)
        .unwrap_or_else(|| account.to_string());
    Ok(RegisterReport {
        account: name,
        with_subaccounts: accounts.len() > 1,
        from,
        to,
        opening,
        lines,
    })
}

impl RegisterReport {
    pub fn closing(&self) -> Amount {
        self.lines.last_running().unwrap_or(self.opening)
    }

    pub fn document(&self, lang: Lang) -> Document {
        let mut doc = Document::new(tr(lang, "明细账", "Register"));
        doc.lang = lang;
        doc.subtitle = Some(self.account.clone());
        let mut columns = vec![
            Column::text("date", tr(lang, "日期", "Date"), 2),
            Column::text("voucher", tr(lang, "凭证号", "Voucher"), 2),
        ];
        if self.with_subaccounts {
            columns.push(Column::text("account", tr(lang, "账户", "Account"), 4));
        }
        columns.extend([
            Column::text("memo", tr(lang, "摘要", "Memo"), 5),
            Column::text("household", tr(lang, "户编号", "Household"), 1),
            Column::money("amount", tr(lang, "金额", "Amount")),
            Column::money("balance", tr(lang, "余额", "Balance")),
        ]);
        let mut table = Table {
            columns,
            ..Default::default()
        };
        table.more = MoreRows(Some(Arc::new(RegisterRows {
            register: self.lines.clone(),
            with_subaccounts: self.with_subaccounts,
        })));
        let n = table.columns.len();
        let mut total = vec![Cell::Empty; n];
        total[1] = Cell::text(tr(lang, "期末余额", "Closing"));
        total[n - 1] = Cell::Money(self.closing());
        let mut row = Row::new(total);
        row.strong = true;
        table.totals.push(row);
        doc.tables.push(table);
        if self.from.is_some() {
            doc = doc.field(tr(lang, "期初余额", "Opening"), self.opening.grouped());
        }
        doc
    }
}

/// The register's rows, made as a renderer asks for them.
struct RegisterRows {
    register: Arc<Register>,
    with_subaccounts: bool,
}

impl RowSource for RegisterRows {
    fn len(&self) -> usize {
        self.register.len()
    }

    fn row(&self, i: usize) -> Row {
        let l = self.register.line(i);
        let mut cells = Vec::with_capacity(7);
        cells.push(Cell::text(l.date.to_string()));
        cells.push(Cell::Text(l.voucher));
        if self.with_subaccounts {
            cells.push(Cell::Text(l.account));
        }
        cells.extend([
            Cell::Text(l.memo),
            l.household.map(Cell::Text).unwrap_or(Cell::Empty),
            Cell::Money(l.amount),
            Cell::Money(l.running),
        ]);
        Row::new(cells)
    }
}

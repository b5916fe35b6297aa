//! An account's register (明细账): every posting with a running balance.

use chrono::NaiveDate;

use std::sync::Arc;

use unicode_width::UnicodeWidthStr;

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
    /// The widest text of each column.
    widest: Widest,
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
    // The widest text of each column, for aligned text without a second pass.
    let mut widest = Widest::default();
    let lines = ledger.register(&accounts, from, to, |t| {
        widest.voucher.keep(t.voucher);
        if let Some(number) = t.clerk_number {
            widest.clerk_number.keep(number);
        }
        widest.memo.keep(t.memo);
        if let Some(h) = t.household {
            widest.household.keep(h);
        }
    })?;
    for account in lines.accounts() {
        widest.account.keep(account);
    }
    // A grouped amount is wider the further it is from zero on its side: the extremes
    // hold the widest.
    let [amounts, runnings] = lines.extremes();
    for (column, (lo, hi)) in [
        (&mut widest.amount, amounts),
        (&mut widest.running, runnings),
    ] {
        column.keep(&lo.grouped());
        column.keep(&hi.grouped());
    }
    let lines = Arc::new(lines);
    let name = ledger
        .account(account)?
        .map(|a| a.name)
        .unwrap_or_else(|| account.to_string());
    Ok(RegisterReport {
        account: name,
        with_subaccounts: accounts.len() > 1,
        widest,
        from,
        to,
        opening,
        lines,
    })
}

impl RegisterReport {
    /// Whether any voucher in the register carries the clerk's own number.
    pub fn with_clerk_numbers(&self) -> bool {
        self.widest.clerk_number.1 > 0
    }

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
        // The clerk's own numbers, beside the ledger's, when any voucher came with one.
        let with_clerk_numbers = self.with_clerk_numbers();
        if with_clerk_numbers {
            columns.push(Column::text(
                "txn_id",
                tr(lang, "原凭证号", "Clerk's no."),
                2,
            ));
        }
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
            with_clerk_numbers,
            widest: self.widest.clone(),
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

/// The widest text seen in one column (by display width: a Chinese character counts two).
#[derive(Clone, Debug, Default)]
struct WidestText(String, usize);

impl WidestText {
    fn keep(&mut self, text: &str) {
        let width = text.width();
        if width > self.1 {
            *self = WidestText(text.to_string(), width);
        }
    }
}

/// The widest text of each column of a register.
#[derive(Clone, Debug, Default)]
struct Widest {
    voucher: WidestText,
    clerk_number: WidestText,
    account: WidestText,
    memo: WidestText,
    household: WidestText,
    amount: WidestText,
    running: WidestText,
}

/// The register's rows, made as a renderer asks for them.
struct RegisterRows {
    register: Arc<Register>,
    with_subaccounts: bool,
    with_clerk_numbers: bool,
    widest: Widest,
}

impl RegisterRows {
    fn cells(
        &self,
        date: String,
        voucher: String,
        clerk_number: Option<String>,
        account: String,
        rest: [Cell; 4],
    ) -> Row {
        let mut cells = Vec::with_capacity(8);
        cells.push(Cell::Text(date));
        cells.push(Cell::Text(voucher));
        if self.with_clerk_numbers {
            cells.push(clerk_number.map(Cell::Text).unwrap_or(Cell::Empty));
        }
        if self.with_subaccounts {
            cells.push(Cell::Text(account));
        }
        cells.extend(rest);
        Row::new(cells)
    }
}

impl RowSource for RegisterRows {
    fn len(&self) -> usize {
        self.register.len()
    }

    fn row(&self, i: usize) -> Row {
        match self.register.line(i) {
            Ok(l) => self.cells(
                l.date.to_string(),
                l.voucher,
                l.txn_id,
                l.account,
                [
                    Cell::Text(l.memo),
                    l.household.map(Cell::Text).unwrap_or(Cell::Empty),
                    Cell::Money(l.amount),
                    Cell::Money(l.running),
                ],
            ),
            // The posting was read when the register was made; reading it again can fail
            // only if the file was altered meanwhile.
            Err(e) => self.cells(
                String::new(),
                String::new(),
                None,
                String::new(),
                [
                    Cell::text(format!("({e})")),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                ],
            ),
        }
    }

    fn widest(&self) -> Option<Row> {
        let w = &self.widest;
        Some(self.cells(
            "0000-00-00".to_string(),
            w.voucher.0.clone(),
            Some(w.clerk_number.0.clone()),
            w.account.0.clone(),
            [
                Cell::text(w.memo.0.clone()),
                Cell::text(w.household.0.clone()),
                Cell::text(w.amount.0.clone()),
                Cell::text(w.running.0.clone()),
            ],
        ))
    }
}

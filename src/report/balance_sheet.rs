//! The 科目余额表 (account balance sheet) as a Chinese accountant reads it: for each account its
//! code and name, the opening balance (借/贷 and amount), the period's debits and credits, and
//! the closing balance (借/贷 and amount); subtotals by level as the trial balance has them, and
//! a 合计 row whose debits equal its credits.
//!
//! Per line, for any account: closing = opening + debits − credits, debit balances positive
//! (hledger's sign). A debit balance shows 借 and its amount, a credit balance 贷 and its
//! amount, a zero balance 平: so a debit-normal account (asset, expense) reads closing =
//! opening + debits − credits, and a credit-normal one (liability, net assets, income) reads
//! closing = opening + credits − debits, each in its own direction.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::balance::{tree_order, Subtrees};
use super::document::{Align, Cell, Column, ColumnGroup, Document, Lang, Row, Table};
use super::tr;
use crate::error::Result;
use crate::ledger::account::depth;
use crate::money::{Amount, Total};
use crate::store::Ledger;

#[derive(Clone, Debug, Default)]
pub struct SheetQuery {
    /// The period's first day; the opening balance is the balance before it.
    pub from: Option<NaiveDate>,
    /// The period's last day; the closing balance is the balance at its end.
    pub to: Option<NaiveDate>,
    /// Show accounts to this many levels; deeper accounts roll into their ancestor.
    pub depth: Option<usize>,
    /// Only these accounts and those below them (codes or full names); empty: every account.
    pub accounts: Vec<String>,
}

/// The side a balance lies on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// 借: a debit balance (positive).
    Debit,
    /// 贷: a credit balance (negative).
    Credit,
    /// 平: zero.
    Flat,
}

impl Side {
    pub fn of(a: Amount) -> Side {
        if a.is_zero() {
            Side::Flat
        } else if a.is_negative() {
            Side::Credit
        } else {
            Side::Debit
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Side::Debit => tr(lang, "借", "Dr"),
            Side::Credit => tr(lang, "贷", "Cr"),
            Side::Flat => tr(lang, "平", "—"),
        }
    }
}

/// Figures of one line (or of the 合计 row).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Balance before the period, debit positive.
    pub opening: Amount,
    /// The period's debits (≥ 0).
    pub debit: Amount,
    /// The period's credits, as a positive figure (≥ 0).
    pub credit: Amount,
    /// Balance at the end of the period: opening + debit − credit.
    pub closing: Amount,
}

impl Figures {
    pub fn is_zero(&self) -> bool {
        self.opening.is_zero()
            && self.debit.is_zero()
            && self.credit.is_zero()
            && self.closing.is_zero()
    }
}

/// Exact sums behind [`Figures`].
#[derive(Clone, Copy, Debug, Default)]
struct Sums {
    opening: Total,
    debit: Total,
    credit: Total,
}

impl Sums {
    fn add(&mut self, o: &Sums) {
        self.opening.add_total(o.opening);
        self.debit.add_total(o.debit);
        self.credit.add_total(o.credit);
    }

    fn figures(&self, what: &str) -> Result<Figures> {
        let closing = self
            .opening
            .plus_fen(self.debit.fen())
            .plus_fen(-self.credit.fen());
        Ok(Figures {
            opening: self
                .opening
                .checked(|| crate::tr!("total-opening-of", name = what.to_string()))?,
            debit: self
                .debit
                .checked(|| crate::tr!("total-debits-of", name = what.to_string()))?,
            credit: self
                .credit
                .checked(|| crate::tr!("total-credits-of", name = what.to_string()))?,
            closing: closing.checked(|| crate::tr!("total-closing-of", name = what.to_string()))?,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SheetLine {
    /// Full name, `负债:专项应付款:动态帮扶`.
    pub account: String,
    pub code: Option<String>,
    pub level: usize,
    /// Indentation in the tree (a subtree's root or a top-level account: 0).
    pub indent: usize,
    /// The account and everything under it (or cut off by the depth).
    pub figures: Figures,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BalanceSheet {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Tree order: each account followed by its sub-accounts.
    pub lines: Vec<SheetLine>,
    /// The sum of the top lines: with every account, its debits equal its credits and its
    /// balances are 平.
    pub total: Figures,
}

/// The 科目余额表 of `q`'s period and accounts.
pub fn balance_sheet(ledger: &Ledger, q: &SheetQuery) -> Result<BalanceSheet> {
    let accounts = ledger.accounts()?;
    let codes: BTreeMap<&str, &str> = accounts
        .iter()
        .filter_map(|a| Some((a.name.as_str(), a.code.as_deref()?)))
        .collect();
    let subtrees = Subtrees::resolve(ledger, &q.accounts)?;
    let mut by_line: BTreeMap<String, Sums> = BTreeMap::new();
    let mut total = Sums::default();
    for m in ledger.movements(q.from, q.to)? {
        let Some(name) = subtrees.place(&m.account.name, q.depth) else {
            continue;
        };
        let mut own = Sums::default();
        own.opening.add(m.opening);
        own.debit.add(m.debit);
        own.credit.add(m.credit);
        for n in subtrees.lines_of(name) {
            by_line.entry(n.to_string()).or_default().add(&own);
        }
        total.add(&own);
    }
    let mut lines = Vec::with_capacity(by_line.len());
    for name in tree_order(&accounts, by_line.keys().cloned()) {
        let figures = by_line[&name].figures(&name)?;
        if figures.is_zero() {
            continue;
        }
        lines.push(SheetLine {
            code: codes.get(name.as_str()).map(|c| c.to_string()),
            level: depth(&name),
            indent: subtrees.indent(&name),
            figures,
            account: name,
        });
    }
    Ok(BalanceSheet {
        from: q.from,
        to: q.to,
        lines,
        total: total.figures(&crate::tr!("total-all"))?,
    })
}

/// What a printed sheet carries besides its figures.
#[derive(Clone, Debug)]
pub struct SheetHead {
    /// 编制单位: the town or organisation whose books these are.
    pub entity: String,
    /// The day the sheet is printed.
    pub printed: NaiveDate,
}

impl BalanceSheet {
    /// `2024-01-01 至 2024-12-31`, `截至 2024-06-30`, …
    pub fn period(&self, lang: Lang) -> String {
        match (self.from, self.to) {
            (None, None) => tr(lang, "全部期间", "all dates").to_string(),
            (None, Some(t)) => format!("{} {t}", tr(lang, "截至", "up to")),
            (Some(f), None) => format!("{f} {}", tr(lang, "起", "onwards")),
            (Some(f), Some(t)) => format!("{f} {} {t}", tr(lang, "至", "to")),
        }
    }

    fn columns(lang: Lang, full_names: bool) -> Vec<Column> {
        let side = |key: &str, zh: &'static str, en: &'static str| {
            Column::new(key, tr(lang, zh, en), Align::Center, 1)
        };
        vec![
            Column::text("code", tr(lang, "科目编码", "Code"), 1),
            Column::text(
                "account",
                if full_names {
                    tr(lang, "科目", "Account")
                } else {
                    tr(lang, "科目名称", "Account")
                },
                4,
            ),
            side("opening_side", "期初方向", "Opening Dr/Cr"),
            Column::money("opening", tr(lang, "期初余额", "Opening balance")),
            Column::money("debit", tr(lang, "本期借方发生额", "Debits")),
            Column::money("credit", tr(lang, "本期贷方发生额", "Credits")),
            side("closing_side", "期末方向", "Closing Dr/Cr"),
            Column::money("closing", tr(lang, "期末余额", "Closing balance")),
        ]
    }

    fn figure_cells(f: &Figures, lang: Lang) -> [Cell; 6] {
        [
            Cell::text(Side::of(f.opening).label(lang)),
            Cell::Money(f.opening.abs()),
            Cell::Money(f.debit),
            Cell::Money(f.credit),
            Cell::text(Side::of(f.closing).label(lang)),
            Cell::Money(f.closing.abs()),
        ]
    }

    fn table(&self, lang: Lang, full_names: bool) -> Table {
        let mut table = Table {
            columns: Self::columns(lang, full_names),
            ..Default::default()
        };
        for line in &self.lines {
            let name = if full_names {
                line.account.as_str()
            } else {
                line.account.rsplit(':').next().unwrap_or(&line.account)
            };
            let mut cells = vec![
                line.code.clone().map(Cell::Text).unwrap_or(Cell::Empty),
                Cell::text(name),
            ];
            cells.extend(Self::figure_cells(&line.figures, lang));
            let mut row = Row::new(cells);
            if !full_names {
                row.indent = line.indent.min(usize::from(u8::MAX)) as u8;
            }
            row.strong = line.indent == 0;
            table.rows.push(row);
        }
        let mut cells = vec![Cell::Empty, Cell::text(tr(lang, "合计", "Total"))];
        cells.extend(Self::figure_cells(&self.total, lang));
        let mut total = Row::new(cells);
        total.strong = true;
        table.totals.push(total);
        table
    }

    /// The sheet for people (text, PDF, XLSX): title, 编制单位, period, print date and unit,
    /// the table, and the signature lines 制表 / 审核 / 负责人.
    pub fn document(&self, head: &SheetHead, lang: Lang) -> Document {
        let mut doc = Document::new(tr(lang, "科目余额表", "Account balance sheet"))
            .field(tr(lang, "编制单位", "Prepared for"), head.entity.clone())
            .field(tr(lang, "期间", "Period"), self.period(lang))
            .field(tr(lang, "打印日期", "Printed"), head.printed.to_string())
            .field(tr(lang, "金额单位", "Unit"), tr(lang, "元", "yuan"));
        doc.lang = lang;
        doc.tables.push(self.table(lang, false));
        doc.signatures = vec![
            tr(lang, "制表", "Prepared by").to_string(),
            tr(lang, "审核", "Checked by").to_string(),
            tr(lang, "负责人", "Approved by").to_string(),
        ];
        doc
    }

    /// The sheet for scripts (`--style cn` in CSV and JSON): full account names, no indent,
    /// keys `code,account,opening_side,opening,debit,credit,closing_side,closing`.
    pub fn machine_document(&self, lang: Lang) -> Document {
        let mut doc = Document::new(tr(lang, "科目余额表", "Account balance sheet"));
        doc.lang = lang;
        doc.subtitle = Some(self.period(lang));
        doc.tables.push(self.table(lang, true));
        doc
    }

    /// The printed header's groups over the figures' columns: 期初余额 (方向, 金额), 本期发生额
    /// (借方, 贷方), 期末余额 (方向, 金额).
    pub fn header_groups(lang: Lang) -> Vec<ColumnGroup> {
        let group = |title: &str, first: usize, a: &str, b: &str| ColumnGroup {
            title: title.to_string(),
            first,
            titles: vec![a.to_string(), b.to_string()],
        };
        let (side, amount) = (tr(lang, "方向", "Dr/Cr"), tr(lang, "金额", "Amount"));
        vec![
            group(tr(lang, "期初余额", "Opening balance"), 2, side, amount),
            group(
                tr(lang, "本期发生额", "This period"),
                4,
                tr(lang, "借方", "Debits"),
                tr(lang, "贷方", "Credits"),
            ),
            group(tr(lang, "期末余额", "Closing balance"), 6, side, amount),
        ]
    }
}

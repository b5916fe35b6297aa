//! The trial balance (试算平衡表): every account's balance, subtotals by level, grand total 0.00.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::document::{Align, Cell, Column, Document, Lang, Row, Table};
use super::tr;
use crate::error::Result;
use crate::ledger::account::{ancestors, clip, depth};
use crate::ledger::AccountKind;
use crate::money::{Amount, Total};
use crate::store::Ledger;

#[derive(Clone, Debug, Default)]
pub struct BalanceQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Show accounts to this many levels; deeper balances roll into their ancestor.
    pub depth: Option<usize>,
}

/// One line of the account tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BalanceLine {
    pub account: String,
    pub code: Option<String>,
    pub level: usize,
    /// The account's own postings plus those of sub-accounts cut off by the depth.
    pub balance: Amount,
    /// The account and everything under it.
    pub subtotal: Amount,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BalanceReport {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Tree order: each account followed by its sub-accounts.
    pub lines: Vec<BalanceLine>,
    pub total: Amount,
}

pub fn balance(ledger: &Ledger, q: &BalanceQuery) -> Result<BalanceReport> {
    let accounts = ledger.accounts()?;
    let codes: BTreeMap<&str, (&str, AccountKind)> = accounts
        .iter()
        .map(|a| (a.name.as_str(), (a.code.as_deref().unwrap_or(""), a.kind)))
        .collect();
    let balances = ledger.balances(q.from, q.to)?;
    // Summed exactly; each figure shown is checked to fit an amount.
    let mut own: BTreeMap<String, Total> = BTreeMap::new();
    let mut subtotal: BTreeMap<String, Total> = BTreeMap::new();
    let mut total = Total::ZERO;
    for b in &balances {
        let name = match q.depth {
            Some(d) => clip(&b.account.name, d.max(1)),
            None => b.account.name.as_str(),
        };
        own.entry(name.to_string()).or_default().add(b.amount);
        for n in ancestors(name).chain(std::iter::once(name)) {
            subtotal.entry(n.to_string()).or_default().add(b.amount);
        }
        total.add(b.amount);
    }
    let total = total.checked(|| "the trial balance's total".to_string())?;
    // Tree order: top levels by type (资产, 负债, 净资产, 收入, 支出), then by code where the
    // chart gives one, then by name.
    let sort_key = |name: &str| -> Vec<(u8, String, String)> {
        let mut key = Vec::new();
        for prefix in ancestors(name).chain(std::iter::once(name)) {
            let segment = prefix.rsplit(':').next().unwrap_or(prefix).to_string();
            let (code, kind) = codes
                .get(prefix)
                .copied()
                .unwrap_or(("", AccountKind::Asset));
            let rank = if key.is_empty() {
                AccountKind::from_top_segment(prefix)
                    .or_else(|| codes.get(prefix).map(|_| kind))
                    .map(|k| k as u8)
                    .unwrap_or(9)
            } else {
                0
            };
            let code = if code.is_empty() {
                "\u{10ffff}".to_string()
            } else {
                code.to_string()
            };
            key.push((rank, code, segment));
        }
        key
    };
    type SortKey = Vec<(u8, String, String)>;
    let mut names: Vec<(SortKey, String)> =
        subtotal.keys().map(|n| (sort_key(n), n.clone())).collect();
    names.sort();
    let mut lines = Vec::with_capacity(names.len());
    for (_, name) in names {
        let balance = own
            .get(&name)
            .copied()
            .unwrap_or_default()
            .checked(|| format!("the balance of {name}"))?;
        let subtotal = subtotal[&name].checked(|| format!("the subtotal of {name}"))?;
        if subtotal.is_zero() && balance.is_zero() {
            continue;
        }
        lines.push(BalanceLine {
            code: codes
                .get(name.as_str())
                .map(|(c, _)| c.to_string())
                .filter(|c| !c.is_empty()),
            level: depth(&name),
            balance,
            subtotal,
            account: name,
        });
    }
    Ok(BalanceReport {
        from: q.from,
        to: q.to,
        lines,
        total,
    })
}

impl BalanceReport {
    fn period(&self, lang: Lang) -> String {
        match (self.from, self.to) {
            (None, None) => tr(lang, "全部期间", "all dates").to_string(),
            (None, Some(t)) => format!("{} {t}", tr(lang, "截至", "as of")),
            (Some(f), None) => format!("{} {f}", tr(lang, "自", "from")),
            (Some(f), Some(t)) => format!("{f} — {t}"),
        }
    }

    /// The account tree with subtotals, for people (text, PDF, XLSX).
    pub fn tree_document(&self, lang: Lang) -> Document {
        let mut doc = Document::new(tr(lang, "试算平衡表", "Trial balance"));
        doc.lang = lang;
        doc.subtitle = Some(self.period(lang));
        let mut table = Table {
            columns: vec![
                Column::text("code", tr(lang, "科目代码", "Code"), 1),
                Column::text("account", tr(lang, "账户", "Account"), 5),
                Column::money("balance", tr(lang, "余额", "Balance")),
            ],
            ..Default::default()
        };
        for line in &self.lines {
            let leaf = line.account.rsplit(':').next().unwrap_or(&line.account);
            let mut row = Row::new(vec![
                line.code.clone().map(Cell::Text).unwrap_or(Cell::Empty),
                Cell::text(leaf),
                Cell::Money(line.subtotal),
            ]);
            row.indent = (line.level - 1) as u8;
            row.strong = line.level == 1;
            table.rows.push(row);
        }
        let mut total = Row::new(vec![
            Cell::Empty,
            Cell::text(tr(lang, "合计", "Total")),
            Cell::Money(self.total),
        ]);
        total.strong = true;
        table.totals.push(total);
        doc.tables.push(table);
        doc
    }

    /// One row per account with its own balance, full names, no subtotals (CSV, JSON):
    /// columns `account,balance`, as hledger's `balance -O csv` lists them.
    pub fn flat_document(&self, lang: Lang) -> Document {
        let mut doc = Document::new(tr(lang, "试算平衡表", "Trial balance"));
        doc.lang = lang;
        doc.subtitle = Some(self.period(lang));
        let mut table = Table {
            columns: vec![
                Column::new("account", tr(lang, "账户", "Account"), Align::Left, 5),
                Column::money("balance", tr(lang, "余额", "Balance")),
            ],
            ..Default::default()
        };
        for line in self.lines.iter().filter(|l| !l.balance.is_zero()) {
            table.rows.push(Row::new(vec![
                Cell::text(line.account.clone()),
                Cell::Money(line.balance),
            ]));
        }
        table
            .totals
            .push(Row::new(vec![Cell::text("total"), Cell::Money(self.total)]));
        doc.tables.push(table);
        doc
    }
}

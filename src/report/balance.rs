//! The trial balance (试算平衡表): every account's balance, subtotals by level, grand total 0.00.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::document::{Align, Cell, Column, Document, Lang, Row, Table};
use super::tr;
use crate::error::{Error, Result};
use crate::ledger::account::{ancestors, clip, depth};
use crate::ledger::{Account, AccountKind};
use crate::money::{Amount, Total};
use crate::store::Ledger;

#[derive(Clone, Debug, Default)]
pub struct BalanceQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Show accounts to this many levels; deeper balances roll into their ancestor.
    pub depth: Option<usize>,
    /// Only these accounts and those below them (names or codes); empty: every account.
    pub accounts: Vec<String>,
}

/// One line of the account tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BalanceLine {
    pub account: String,
    pub code: Option<String>,
    pub level: usize,
    /// Indentation in the tree: the level below the top level shown (a chosen subtree's root
    /// is at 0).
    pub indent: usize,
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
    let codes: BTreeMap<&str, &str> = accounts
        .iter()
        .map(|a| (a.name.as_str(), a.code.as_deref().unwrap_or("")))
        .collect();
    let subtrees = Subtrees::resolve(ledger, &q.accounts)?;
    let balances = ledger.balances(q.from, q.to)?;
    // Summed exactly; each figure shown is checked to fit an amount.
    let mut own: BTreeMap<String, Total> = BTreeMap::new();
    let mut subtotal: BTreeMap<String, Total> = BTreeMap::new();
    let mut total = Total::ZERO;
    for b in &balances {
        let Some(name) = subtrees.place(&b.account.name, q.depth) else {
            continue;
        };
        own.entry(name.to_string()).or_default().add(b.amount);
        for n in subtrees.lines_of(name) {
            subtotal.entry(n.to_string()).or_default().add(b.amount);
        }
        total.add(b.amount);
    }
    let total = total.checked(|| "the trial balance's total".to_string())?;
    let names = tree_order(&accounts, subtotal.keys().cloned());
    let mut lines = Vec::with_capacity(names.len());
    for name in names {
        let balance = own
            .get(&name)
            .copied()
            .unwrap_or_default()
            .checked(|| crate::tr!("total-balance-of", name = name.to_string()))?;
        let subtotal =
            subtotal[&name].checked(|| crate::tr!("total-subtotal-of", name = name.to_string()))?;
        if subtotal.is_zero() && balance.is_zero() {
            continue;
        }
        lines.push(BalanceLine {
            code: codes
                .get(name.as_str())
                .map(|c| c.to_string())
                .filter(|c| !c.is_empty()),
            level: depth(&name),
            indent: subtrees.indent(&name),
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
            row.indent = line.indent.min(usize::from(u8::MAX)) as u8;
            row.strong = line.indent == 0;
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

/// The accounts a report covers: every account, or the subtrees named on the command line
/// (`balance 241`, `balance 负债:专项应付款`), each by its code or its full name.
#[derive(Clone, Debug, Default)]
pub struct Subtrees {
    /// The subtrees' roots by full name; empty: every account.
    roots: Vec<String>,
}

impl Subtrees {
    /// The roots named by `names` (a code or a full name each; a parent that exists only
    /// through its sub-accounts names them too). A root inside another is dropped.
    pub fn resolve(ledger: &Ledger, names: &[String]) -> Result<Subtrees> {
        let mut roots: Vec<String> = Vec::new();
        for name in names {
            let root = match ledger.account(name)? {
                Some(a) => a.name,
                None => {
                    let prefix = format!("{name}:");
                    if !ledger
                        .accounts()?
                        .iter()
                        .any(|a| a.name.starts_with(&prefix))
                    {
                        return Err(Error::NotFound(crate::tr!(
                            "account-not-found",
                            name = name
                        )));
                    }
                    name.clone()
                }
            };
            roots.push(root);
        }
        let within = |name: &str, root: &str| {
            name == root || (name.starts_with(root) && name[root.len()..].starts_with(':'))
        };
        let kept: Vec<String> = roots
            .iter()
            .filter(|r| !roots.iter().any(|o| o != *r && within(r, o)))
            .cloned()
            .collect();
        let mut unique = Vec::new();
        for r in kept {
            if !unique.contains(&r) {
                unique.push(r);
            }
        }
        Ok(Subtrees { roots: unique })
    }

    /// The root of the subtree `name` is in (`Some("")` with no subtrees chosen), or `None`
    /// if it is in none.
    fn root_of(&self, name: &str) -> Option<&str> {
        if self.roots.is_empty() {
            return Some("");
        }
        self.roots
            .iter()
            .find(|r| {
                name == r.as_str()
                    || (name.starts_with(r.as_str()) && name[r.len()..].starts_with(':'))
            })
            .map(String::as_str)
    }

    /// Where an account's postings are shown: its own line, or the line of the ancestor the
    /// depth cuts it to (never above its subtree's root); `None` outside every subtree.
    pub fn place<'n>(&self, name: &'n str, max_depth: Option<usize>) -> Option<&'n str> {
        let root = self.root_of(name)?;
        Some(match max_depth {
            Some(d) => {
                let floor = if root.is_empty() { 1 } else { depth(root) };
                clip(name, d.max(floor))
            }
            None => name,
        })
    }

    /// The lines a line's figures count in: its own and those of its ancestors within its
    /// subtree.
    pub fn lines_of<'n>(&self, name: &'n str) -> impl Iterator<Item = &'n str> + 'n {
        let top = match self.root_of(name) {
            Some(r) if !r.is_empty() => depth(r),
            _ => 1,
        };
        ancestors(name)
            .chain(std::iter::once(name))
            .filter(move |n| depth(n) >= top)
    }

    /// A line's indentation: its level below its subtree's root (below the top level with no
    /// subtrees chosen).
    pub fn indent(&self, name: &str) -> usize {
        let top = match self.root_of(name) {
            Some(r) if !r.is_empty() => depth(r),
            _ => 1,
        };
        depth(name).saturating_sub(top)
    }
}

/// Account names in tree order: each account followed by its sub-accounts; top levels by type
/// (资产, 负债, 净资产, 收入, 支出), then by code where the chart gives one, then by name.
pub fn tree_order(accounts: &[Account], names: impl Iterator<Item = String>) -> Vec<String> {
    let codes: BTreeMap<&str, (&str, AccountKind)> = accounts
        .iter()
        .map(|a| (a.name.as_str(), (a.code.as_deref().unwrap_or(""), a.kind)))
        .collect();
    type SortKey = Vec<(u8, String, String)>;
    let sort_key = |name: &str| -> SortKey {
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
    let mut keyed: Vec<(SortKey, String)> = names.map(|n| (sort_key(&n), n)).collect();
    keyed.sort();
    keyed.into_iter().map(|(_, n)| n).collect()
}

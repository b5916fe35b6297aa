//! The household statement (农户收益分配明细单): every amount allocated, granted and paid to one
//! household in a period, from which fund and source, with totals, the total in Chinese
//! capitals and the audit-chain hash at printing.
//!
//! How postings read, for one household:
//! - a *claim* is a posting on the household's payable account (`负债:应付款:农户:<id>`) or on any
//!   liability account tagged with the household (wages owed, 应付工资): a credit is an amount
//!   allocated or granted to it (owed), a debit pays what is owed on that account; a debit beyond
//!   what is owed there (a fund paying the household straight away) is granted and paid at once;
//! - in a transaction without a claim, an expense tagged with the household is a grant paid
//!   directly (allocated and paid at once);
//! - other tagged postings (the bank side of a payment) are not counted twice;
//! - a reversing transaction counts as the exact opposite of what it reverses.
//!
//! What was owed when the period starts is brought forward as the opening amount. A grant paid
//! after review (`townledger grant pay`) has a line under it naming its gates, who passed each
//! and when.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::document::{Cell, Column, Document, Lang, Row, Table};
use super::tr;
use crate::error::Result;
use crate::funds::grant::{parse_grant_id, GrantState};
use crate::households::{mask_bank_card, mask_id_number, HouseholdRecord};
use crate::ledger::AccountKind;
use crate::money::{Amount, Total};
use crate::store::{HouseholdPosting, Ledger, RunRecord, PAYABLE_PREFIX};

/// One line of a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementLine {
    pub date: NaiveDate,
    /// The ledger's voucher number, with the clerk's own beside it when the voucher had one:
    /// `2024-03-0002（记-002）`.
    pub voucher: String,
    /// The fund and source: `动态帮扶 第1批（村委会、镇农办审批）`, `临时救助` …
    pub source: String,
    pub memo: String,
    pub allocated: Amount,
    pub paid: Amount,
    /// Allocated minus paid so far (still payable).
    pub running: Amount,
    /// For a grant paid after review, its gates and who passed them (a line under it):
    /// `村级核实 村委 2024-08-20 √ · 部门数据比对 民政比对 2024-08-25 √ · …`.
    pub review: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HouseholdStatement {
    pub town: String,
    pub household: HouseholdRecord,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub printed: NaiveDate,
    /// Still payable when the period starts (brought forward).
    pub opening: Amount,
    pub lines: Vec<StatementLine>,
    pub allocated: Amount,
    pub paid: Amount,
    /// The ledger's head (both audit chains) when printed.
    pub chain_head: String,
    /// The last signed checkpoint then: (number, when signed, key id).
    pub checkpoint: Option<(i64, String, String)>,
}

impl HouseholdStatement {
    /// Still payable at the end of the period.
    pub fn payable(&self) -> Amount {
        let mut t = Total::ZERO;
        t.add(self.opening);
        t.add(self.allocated);
        t.add(-self.paid);
        // The last line's running balance (or the opening), which was checked to fit.
        t.amount().unwrap_or(Amount::MAX_TOTAL)
    }
}

/// Looks up allocation runs and grants named in postings' references (`run:N`, `grant:GN`),
/// once each.
struct Runs<'a> {
    ledger: &'a Ledger,
    cache: HashMap<i64, Option<RunRecord>>,
    grants: HashMap<i64, Option<GrantState>>,
}

impl Runs<'_> {
    /// The gates of the grant a reference names, and who passed them.
    fn review(&mut self, reference: Option<&str>, lang: Lang) -> Option<String> {
        let id = parse_grant_id(reference?.strip_prefix("grant:")?).ok()?;
        let ledger = self.ledger;
        let state = self
            .grants
            .entry(id)
            .or_insert_with(|| ledger.grant_state(id).ok().flatten())
            .as_ref()?;
        let line = state.gates_line(lang);
        (!line.is_empty()).then_some(line)
    }

    fn source(&mut self, reference: Option<&str>, lang: Lang) -> Option<String> {
        let id: i64 = reference?.strip_prefix("run:")?.parse().ok()?;
        let ledger = self.ledger;
        let run = self
            .cache
            .entry(id)
            .or_insert_with(|| ledger.run(id).ok())
            .as_ref()?;
        let fund = run.fund.rsplit(':').next().unwrap_or(&run.fund);
        let approvers: Vec<&str> = [run.village_by.as_deref(), run.town_by.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        Some(match lang {
            Lang::Zh if approvers.is_empty() => format!("{fund} 第{id}批"),
            Lang::Zh => format!("{fund} 第{id}批（{}审批）", approvers.join("、")),
            Lang::En if approvers.is_empty() => format!("{fund} run {id}"),
            Lang::En => format!("{fund} run {id} (approved by {})", approvers.join(", ")),
        })
    }
}

fn leaf(account: &str) -> &str {
    account.rsplit(':').next().unwrap_or(account)
}

/// What one household's postings come to: the period's lines, and what was owed before it.
struct Lines {
    opening: Amount,
    lines: Vec<StatementLine>,
}

/// Build the statement from one household's postings (in date and voucher order, from the
/// first): lines dated from `from` on, and what was still payable before `from`.
fn statement_lines(
    postings: &[&HouseholdPosting],
    household: &str,
    from: NaiveDate,
    runs: &mut Runs<'_>,
    lang: Lang,
) -> Result<Lines> {
    let payable = format!("{PAYABLE_PREFIX}{household}");
    let is_claim = |p: &HouseholdPosting| {
        p.account == payable
            || (p.kind == AccountKind::Liability && p.tag.as_deref() == Some(household))
    };
    // What is owed to the household on each liability account.
    // Summed exactly; what is shown is checked to fit an amount.
    let mut owed: HashMap<&str, Total> = HashMap::new();
    let mut opening = Amount::ZERO;
    let mut running = Total::ZERO;
    let what = || crate::tr!("total-payable-to", household = household.to_string());
    let mut lines = Vec::new();
    for group in postings.chunk_by(|a, b| a.txn == b.txn) {
        let has_claim = group.iter().any(|p| is_claim(p));
        // The expense named in the transaction, as the source of a grant.
        let expense = group
            .iter()
            .find(|p| p.kind == AccountKind::Expense)
            .map(|p| leaf(&p.account).to_string());
        for p in group {
            let (allocated, paid) = if is_claim(p) {
                let on_account = owed.entry(p.account.as_str()).or_default();
                match (p.reversal, p.amount.is_negative()) {
                    // Owed to the household.
                    (false, true) => {
                        on_account.add(-p.amount);
                        (-p.amount, Amount::ZERO)
                    }
                    // Paid: what is owed here, and any more granted and paid at once.
                    (false, false) => {
                        // Between 0 and the amount paid.
                        let settles = Amount::from_fen(
                            on_account.fen().clamp(0, i128::from(p.amount.fen())) as i64,
                        );
                        on_account.add(-settles);
                        (p.amount - settles, p.amount)
                    }
                    // A reversed amount owed.
                    (true, false) => {
                        on_account.add(-p.amount);
                        (-p.amount, Amount::ZERO)
                    }
                    // A reversed payment: owed again.
                    (true, true) => {
                        on_account.add(-p.amount);
                        (Amount::ZERO, p.amount)
                    }
                }
            } else if !has_claim
                && p.kind == AccountKind::Expense
                && p.tag.as_deref() == Some(household)
            {
                (p.amount, p.amount)
            } else {
                continue;
            };
            if allocated.is_zero() && paid.is_zero() {
                continue;
            }
            running.add(allocated);
            running.add(-paid);
            let shown = running.checked(what)?;
            if p.date < from {
                opening = shown;
                continue;
            }
            let source = runs
                .source(p.reference.as_deref(), lang)
                .or_else(|| match (p.fund.as_deref(), expense.as_deref()) {
                    (Some(fund), Some(expense)) => Some(format!("{} · {expense}", leaf(fund))),
                    (Some(fund), None) => Some(leaf(fund).to_string()),
                    (None, expense) => expense.map(str::to_string),
                })
                .or_else(|| (p.account != payable).then(|| leaf(&p.account).to_string()))
                .unwrap_or_else(|| {
                    if paid.is_zero() {
                        tr(lang, "应付", "payable").to_string()
                    } else {
                        tr(lang, "发放", "payment").to_string()
                    }
                });
            let review = if p.reversal {
                None
            } else {
                runs.review(p.reference.as_deref(), lang)
            };
            let memo = if p.memo.is_empty() {
                &p.txn_memo
            } else {
                &p.memo
            };
            lines.push(StatementLine {
                date: p.date,
                voucher: match &p.clerk_number {
                    Some(number) => format!("{}（{number}）", p.voucher),
                    None => p.voucher.clone(),
                },
                source,
                memo: memo.clone(),
                allocated,
                paid,
                running: shown,
                review,
            });
        }
    }
    Ok(Lines { opening, lines })
}

/// Statements for `households` over `[from, to]`, from one pass over the period's postings.
pub fn household_statements(
    ledger: &Ledger,
    households: &[HouseholdRecord],
    from: NaiveDate,
    to: NaiveDate,
    printed: NaiveDate,
    lang: Lang,
) -> Result<Vec<HouseholdStatement>> {
    let single = (households.len() == 1).then(|| households[0].id.as_str());
    let postings = ledger.household_postings(single, to)?;
    let mut by_household: HashMap<&str, Vec<&HouseholdPosting>> = HashMap::new();
    for p in &postings {
        by_household
            .entry(p.household.as_str())
            .or_default()
            .push(p);
    }
    let town = ledger
        .town_name()?
        .unwrap_or_else(|| tr(lang, "（未设镇名）", "(town not set)").to_string());
    let chain_head = ledger.ledger_head()?.hex();
    let checkpoint = ledger.last_checkpoint()?.map(|c| {
        (
            c.id,
            c.signed_at.clone(),
            crate::checkpoint::key_id(&c.public_key).to_string(),
        )
    });
    let mut runs = Runs {
        ledger,
        cache: HashMap::new(),
        grants: HashMap::new(),
    };
    households
        .iter()
        .map(|h| {
            let mine = by_household
                .get(h.id.as_str())
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let Lines { opening, lines } = statement_lines(mine, &h.id, from, &mut runs, lang)?;
            let allocated = lines
                .iter()
                .map(|l| l.allocated)
                .collect::<Total>()
                .checked(|| crate::tr!("total-allocated-to", household = h.id.to_string()))?;
            let paid = lines
                .iter()
                .map(|l| l.paid)
                .collect::<Total>()
                .checked(|| crate::tr!("total-paid-to", household = h.id.to_string()))?;
            Ok(HouseholdStatement {
                town: town.clone(),
                household: h.clone(),
                from,
                to,
                printed,
                opening,
                lines,
                allocated,
                paid,
                chain_head: chain_head.clone(),
                checkpoint: checkpoint.clone(),
            })
        })
        .collect()
}

impl HouseholdStatement {
    pub fn document(&self, lang: Lang) -> Document {
        let h = &self.household;
        let mut doc = Document::new(tr(
            lang,
            "农户收益分配明细单",
            "Household benefit statement",
        ));
        doc.lang = lang;
        doc.subtitle = Some(format!("{} {}", self.town, h.village));
        let category = match (lang, h.category) {
            (_, None) => tr(lang, "无", "none").to_string(),
            (Lang::Zh, Some(c)) => c.as_str().to_string(),
            (Lang::En, Some(c)) => c.alias().to_string(),
        };
        doc = doc
            .field(tr(lang, "镇", "Town"), self.town.clone())
            .field(tr(lang, "村", "Village"), h.village.clone())
            .field(tr(lang, "户编号", "Household"), h.id.clone())
            .field(tr(lang, "户主姓名", "Head of household"), h.name.clone())
            .field(tr(lang, "人口", "Members"), h.members.to_string())
            .field(tr(lang, "类别", "Category"), category)
            .field(
                tr(lang, "身份证号", "ID number"),
                mask_id_number(&h.id_number),
            )
            .field(
                tr(lang, "一卡通账号", "Card account"),
                mask_bank_card(&h.bank_card),
            )
            .field(
                tr(lang, "期间", "Period"),
                format!("{} — {}", self.from, self.to),
            )
            .field(tr(lang, "打印日期", "Printed"), self.printed.to_string());
        let mut table = Table {
            columns: vec![
                Column::text("date", tr(lang, "日期", "Date"), 2),
                Column::text("voucher", tr(lang, "凭证号", "Voucher"), 2),
                Column::text("source", tr(lang, "资金及来源", "Fund and source"), 4),
                Column::text("memo", tr(lang, "摘要", "Memo"), 8),
                Column::money("allocated", tr(lang, "分配/补助", "Allocated")),
                Column::money("paid", tr(lang, "已发放", "Paid")),
                Column::money("running", tr(lang, "累计应付", "Still payable")),
            ],
            ..Default::default()
        };
        if !self.opening.is_zero() {
            table.rows.push(Row::new(vec![
                Cell::text(self.from.to_string()),
                Cell::Empty,
                Cell::Empty,
                Cell::text(tr(
                    lang,
                    "上期结转（期初尚未发放）",
                    "Brought forward (payable at the start)",
                )),
                Cell::Empty,
                Cell::Empty,
                Cell::Money(self.opening),
            ]));
        }
        for l in &self.lines {
            table.rows.push(Row::new(vec![
                Cell::text(l.date.to_string()),
                Cell::text(l.voucher.clone()),
                Cell::text(l.source.clone()),
                Cell::text(l.memo.clone()),
                Cell::Money(l.allocated),
                Cell::Money(l.paid),
                Cell::Money(l.running),
            ]));
            if let Some(review) = &l.review {
                table.rows.push(Row::new(vec![
                    Cell::Empty,
                    Cell::Empty,
                    Cell::text(tr(lang, "审核", "Review")),
                    Cell::text(review.clone()),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                ]));
            }
        }
        let mut total = Row::new(vec![
            Cell::text(tr(lang, "合计", "Total")),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Money(self.allocated),
            Cell::Money(self.paid),
            Cell::Money(self.payable()),
        ]);
        total.strong = true;
        table.totals.push(total);
        doc.tables.push(table);
        match lang {
            Lang::Zh => {
                doc.notes.push(format!(
                    "分配及补助合计：人民币{}（¥{}）",
                    self.allocated.chinese_capitals(),
                    self.allocated.grouped()
                ));
                let brought = if self.opening.is_zero() {
                    String::new()
                } else {
                    format!("期初尚未发放：¥{}；", self.opening.grouped())
                };
                doc.notes.push(format!(
                    "{brought}已发放：¥{}；尚未发放：¥{}",
                    self.paid.grouped(),
                    self.payable().grouped()
                ));
                if self.lines.is_empty() && self.opening.is_zero() {
                    doc.notes.push("本期无分配、补助或发放记录。".into());
                }
                doc.notes.push(format!(
                    "打印时账簿审计链哈希：{}（可用 townledger verify 核对）",
                    self.chain_head
                ));
                doc.notes.push(match &self.checkpoint {
                    Some((id, at, key)) => {
                        format!("最近签名检查点：第{id}号，{at} 由密钥 {key} 签名")
                    }
                    None => "账簿尚无签名检查点".to_string(),
                });
            }
            Lang::En => {
                doc.notes.push(format!(
                    "Allocated and granted in total: CNY {} ({})",
                    self.allocated.grouped(),
                    self.allocated.chinese_capitals()
                ));
                let brought = if self.opening.is_zero() {
                    String::new()
                } else {
                    format!("Payable at the start: CNY {}; ", self.opening.grouped())
                };
                doc.notes.push(format!(
                    "{brought}Paid: CNY {}; still payable: CNY {}",
                    self.paid.grouped(),
                    self.payable().grouped()
                ));
                if self.lines.is_empty() && self.opening.is_zero() {
                    doc.notes
                        .push("Nothing allocated, granted or paid in the period.".into());
                }
                doc.notes.push(format!(
                    "Audit-chain hash of the ledger when printed: {} (check with townledger verify)",
                    self.chain_head
                ));
                doc.notes.push(match &self.checkpoint {
                    Some((id, at, key)) => {
                        format!("Last signed checkpoint: #{id}, signed {at} by key {key}")
                    }
                    None => "The ledger has no signed checkpoint yet".to_string(),
                });
            }
        }
        doc.signatures = vec![
            tr(lang, "经办人", "Prepared by").to_string(),
            tr(lang, "审核人", "Checked by").to_string(),
        ];
        // The household's own statement names its head in full on every page, as its header
        // does; masking is for what is posted in public (the notice).
        doc.running_head = Some(format!("{} {}", h.id, h.name));
        doc.footer = Some(format!(
            "townledger · {} {} · {}",
            h.id,
            tr(lang, "审计链", "audit chain"),
            &self.chain_head[..16.min(self.chain_head.len())]
        ));
        doc
    }
}

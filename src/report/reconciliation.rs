//! The 银行存款余额调节表 of a statement, as a Chinese clerk draws it: the book balance and the
//! bank balance side by side, each adjusted by the items the other side has not yet, and the
//! two adjusted balances that must agree; then each item, and `bank statements`' list.

use super::document::{Cell, Column, Document, Lang, Row, Table};
use super::tr;
use crate::error::Result;
use crate::money::Total;
use crate::reconcile::matching::Rule;
use crate::reconcile::position::Position;
use crate::store::bank::{BankReads, BankStatement, BookItem, StoredBankLine};

fn money(t: Total, what: &str) -> Result<Cell> {
    Ok(Cell::Money(t.checked(|| what.to_string())?))
}

fn bank_table(caption: String, lines: &[StoredBankLine], lang: Lang) -> Table {
    let mut table = Table {
        caption: Some(caption),
        columns: vec![
            Column::text("line", tr(lang, "行号", "Line"), 1),
            Column::text("date", tr(lang, "日期", "Date"), 2),
            Column::money("amount", tr(lang, "金额", "Amount")),
            Column::text("text", tr(lang, "摘要", "Text"), 4),
            Column::text("counterparty", tr(lang, "对方户名", "Counterparty"), 3),
            Column::text("serial", tr(lang, "流水号", "Serial"), 2),
        ],
        ..Default::default()
    };
    let mut total = Total::default();
    for l in lines {
        total.add(l.amount);
        table.rows.push(Row::new(vec![
            Cell::Int(l.id),
            Cell::text(l.date.to_string()),
            Cell::Money(l.amount),
            Cell::text(l.text.clone()),
            Cell::text(l.counterparty.clone()),
            Cell::text(l.serial.clone().unwrap_or_default()),
        ]));
    }
    if let Some(t) = total.amount() {
        table.totals.push(Row::new(vec![
            Cell::text(tr(lang, "合计", "Total")),
            Cell::Empty,
            Cell::Money(t),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
        ]));
    }
    table
}

fn book_table(caption: String, items: &[BookItem], lang: Lang) -> Table {
    let mut table = Table {
        caption: Some(caption),
        columns: vec![
            Column::text("voucher", tr(lang, "凭证号", "Voucher"), 2),
            Column::text("date", tr(lang, "日期", "Date"), 2),
            Column::money("amount", tr(lang, "金额", "Amount")),
            Column::text("memo", tr(lang, "摘要", "Memo"), 6),
        ],
        ..Default::default()
    };
    let mut total = Total::default();
    for b in items {
        total.add(b.amount);
        table.rows.push(Row::new(vec![
            Cell::text(b.voucher.clone()),
            Cell::text(b.date.to_string()),
            Cell::Money(b.amount),
            Cell::text(b.memo.clone()),
        ]));
    }
    if let Some(t) = total.amount() {
        table.totals.push(Row::new(vec![
            Cell::text(tr(lang, "合计", "Total")),
            Cell::Empty,
            Cell::Money(t),
            Cell::Empty,
        ]));
    }
    table
}

fn negated(t: Total) -> Total {
    Total::default().plus_fen(-t.fen())
}

/// The 调节表 of `p`; `made` lists what an automatic matching just did.
pub fn reconciliation_document(
    p: &Position,
    made: Option<&[(Rule, usize)]>,
    lang: Lang,
) -> Result<Document> {
    let s = &p.statement;
    let mut doc = Document::new(tr(
        lang,
        "银行存款余额调节表",
        "Bank reconciliation statement",
    ));
    doc.lang = lang;
    doc.subtitle = Some(format!("{} · {} ~ {}", p.account, s.from, s.to));
    doc = doc
        .field(tr(lang, "银行账户", "Bank account"), p.account.clone())
        .field(tr(lang, "对账单", "Statement"), s.name.clone())
        .field(
            tr(lang, "对账期间", "Period"),
            format!("{} ~ {}", s.from, s.to),
        )
        .field(
            tr(lang, "对账单期初余额", "Opening (bank)"),
            s.opening.grouped(),
        )
        .field(
            tr(lang, "对账单期末余额", "Closing (bank)"),
            s.closing.grouped(),
        )
        .field(
            tr(lang, "本期流水 已勾对/笔数", "Lines matched / in period"),
            format!("{}/{}", p.matched_in_period, p.lines_in_period),
        )
        .field(
            tr(lang, "状态", "State"),
            match (&s.locked_by, &s.locked_at) {
                (Some(by), Some(at)) => format!("{} {by} {at}", tr(lang, "已锁定", "locked")),
                _ => tr(lang, "未锁定", "open").to_string(),
            },
        );
    if let Some(made) = made {
        let text = if made.is_empty() {
            tr(lang, "无新匹配", "no new match").to_string()
        } else {
            made.iter()
                .map(|(r, n)| format!("{} {n}", r.label(lang)))
                .collect::<Vec<_>>()
                .join(tr(lang, "，", "; "))
        };
        doc = doc.field(tr(lang, "本次自动勾对", "Matched now"), text);
    }
    // The two sides, as drawn on paper.
    let mut table = Table {
        columns: vec![
            Column::text("book_item", tr(lang, "项目（单位账面）", "Books"), 5),
            Column::money("book_amount", tr(lang, "金额", "Amount")),
            Column::text("bank_item", tr(lang, "项目（银行对账单）", "Bank"), 5),
            Column::money("bank_amount", tr(lang, "金额", "Amount")),
        ],
        ..Default::default()
    };
    let mut book = Total::default();
    book.add(p.book_balance);
    let mut bank = Total::default();
    bank.add(p.bank_balance);
    let rows: [(&str, &str, Total, &str, &str, Total); 3] = [
        (
            "银行存款日记账余额",
            "Balance per books",
            book,
            "银行对账单余额",
            "Balance per bank",
            bank,
        ),
        (
            "加：银行已收、企业未收",
            "Add: received by bank, not in books",
            p.bank_received_total(),
            "加：企业已收、银行未收",
            "Add: received in books, not by bank",
            p.book_received_total(),
        ),
        (
            "减：银行已付、企业未付",
            "Less: paid by bank, not in books",
            negated(p.bank_paid_total()),
            "减：企业已付、银行未付",
            "Less: paid in books, not by bank",
            negated(p.book_paid_total()),
        ),
    ];
    for (bz, be, b, kz, ke, k) in rows {
        table.rows.push(Row::new(vec![
            Cell::text(tr(lang, bz, be)),
            money(b, bz)?,
            Cell::text(tr(lang, kz, ke)),
            money(k, kz)?,
        ]));
    }
    table.totals.push(Row::new(vec![
        Cell::text(tr(lang, "调节后的存款余额", "Adjusted balance")),
        money(p.adjusted_book, "adjusted book")?,
        Cell::text(tr(lang, "调节后的存款余额", "Adjusted balance")),
        money(p.adjusted_bank, "adjusted bank")?,
    ]));
    doc.tables.push(table);
    let caption = |zh: &str, en: &str, n: usize| match lang {
        Lang::Zh => format!("{zh}（{n} 笔）"),
        Lang::En => format!("{en} ({n})"),
    };
    doc.tables.push(bank_table(
        caption(
            "银行已收、企业未收",
            "Received by bank, not in books",
            p.bank_received.len(),
        ),
        &p.bank_received,
        lang,
    ));
    doc.tables.push(bank_table(
        caption(
            "银行已付、企业未付",
            "Paid by bank, not in books",
            p.bank_paid.len(),
        ),
        &p.bank_paid,
        lang,
    ));
    doc.tables.push(book_table(
        caption(
            "企业已收、银行未收",
            "Received in books, not by bank",
            p.book_received.len(),
        ),
        &p.book_received,
        lang,
    ));
    doc.tables.push(book_table(
        caption(
            "企业已付、银行未付",
            "Paid in books, not by bank",
            p.book_paid.len(),
        ),
        &p.book_paid,
        lang,
    ));
    if p.agrees() {
        doc.notes
            .push(tr(lang, "调节后余额相符。", "The adjusted balances agree.").to_string());
    } else {
        let difference = p.difference().grouped();
        doc.notes.push(match lang {
            Lang::Zh => format!(
                "调节后余额不符，相差 {difference}（银行减账面）。上表所列未达账项均已计入；差额来自开始对账时银行期初余额与账面余额之差 {}，或尚未导入的对账单、记错的凭证。",
                p.opening_difference.grouped()
            ),
            Lang::En => format!(
                "The adjusted balances differ by {difference} (bank less books). Every outstanding item above is counted; the difference comes from the bank's opening balance against the books when reconciliation began ({}), or from a statement not imported or a voucher posted wrongly.",
                p.opening_difference.grouped()
            ),
        });
    }
    doc.signatures = vec![
        tr(lang, "编制人", "Prepared by").to_string(),
        tr(lang, "审核人", "Reviewed by").to_string(),
    ];
    Ok(doc)
}

/// `bank statements ACCOUNT`: each statement's period, balances, lines and matches.
pub fn statements_document(
    reads: &impl BankReads,
    account: (i64, &str),
    lang: Lang,
) -> Result<Document> {
    let mut doc = Document::new(tr(lang, "银行对账单", "Bank statements"));
    doc.lang = lang;
    doc = doc.field(tr(lang, "银行账户", "Bank account"), account.1.to_string());
    let statements = reads.bank_statements(account.0)?;
    let lines = reads.bank_lines(account.0, None)?;
    let mut table = Table {
        columns: vec![
            Column::text("statement", tr(lang, "对账单", "Statement"), 2),
            Column::text("from", tr(lang, "起", "From"), 2),
            Column::text("to", tr(lang, "止", "To"), 2),
            Column::money("opening", tr(lang, "期初余额", "Opening")),
            Column::money("closing", tr(lang, "期末余额", "Closing")),
            Column::text("lines", tr(lang, "笔数", "Lines"), 1),
            Column::text("matched", tr(lang, "已勾对", "Matched"), 1),
            Column::text("locked", tr(lang, "锁定", "Locked"), 3),
            Column::text("source", tr(lang, "来源文件", "File"), 3),
        ],
        ..Default::default()
    };
    for s in &statements {
        let within = |l: &&StoredBankLine| s.covers(l.date);
        let count = lines.iter().filter(within).count();
        let matched = lines
            .iter()
            .filter(within)
            .filter(|l| l.match_id.is_some())
            .count();
        table.rows.push(Row::new(vec![
            Cell::text(s.name.clone()),
            Cell::text(s.from.to_string()),
            Cell::text(s.to.to_string()),
            Cell::Money(s.opening),
            Cell::Money(s.closing),
            Cell::Int(count as i64),
            Cell::Int(matched as i64),
            Cell::text(locked_text(s)),
            Cell::text(s.source.clone()),
        ]));
    }
    doc.tables.push(table);
    Ok(doc)
}

fn locked_text(s: &BankStatement) -> String {
    match (&s.locked_by, &s.locked_at) {
        (Some(by), Some(at)) => format!("{by} {at}"),
        _ => String::new(),
    }
}

//! `townledger fund show FUND [--year Y]`: one fund's year — what it held, what came in and
//! from whom, what went out and for what; the 631 fund's sources against their 6:3:1 shares
//! with the shortfall 缺口; a donation fund's money kept apart by purpose, carried over by its
//! campaign year.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::document::{Cell, Column, Document, Lang, Row, Table};
use super::tr;
use crate::error::{Error, Result};
use crate::funds::movement::FundBook;
use crate::funds::registry::{fund_named, Fund};
use crate::funds::rules::{percent, FundRule};
use crate::funds::statement::{over, Flows, Part};
use crate::money::{Amount, Total};
use crate::store::Ledger;

pub(crate) fn amount(fen: i128, what: &str) -> Result<Amount> {
    Total::ZERO.plus_fen(fen).checked(|| what.to_string())
}

/// The period of `year` for a fund with `rule`: its campaign year when it has one (the 6·30
/// year 2024 runs 2024-06-01 to 2025-05-31), else the calendar year; every date without one.
pub fn fund_period(rule: Option<&FundRule>, year: Option<i32>) -> (NaiveDate, NaiveDate) {
    let Some(year) = year else {
        return (NaiveDate::MIN, NaiveDate::MAX);
    };
    let (m, d) = rule.and_then(|r| r.year_starts).unwrap_or((1, 1));
    let start = NaiveDate::from_ymd_opt(year, m, d).unwrap_or(NaiveDate::MIN);
    let end = NaiveDate::from_ymd_opt(year + 1, m, d)
        .and_then(|n| n.pred_opt())
        .unwrap_or(NaiveDate::MAX);
    (start, end)
}

/// The fund `name` names (id, alias, name or account), or the error listing the funds.
pub(crate) fn named_fund(book: &FundBook, name: &str) -> Result<Fund> {
    fund_named(&book.funds, name).cloned().ok_or_else(|| {
        let known: Vec<&str> = book.funds.iter().map(|f| f.id.as_str()).collect();
        Error::NotFound(crate::tr!(
            "fund-tag-unknown",
            fund = name.trim(),
            known = known.join(", ")
        ))
    })
}

pub fn fund_show(ledger: &Ledger, name: &str, year: Option<i32>, lang: Lang) -> Result<Document> {
    let book = ledger.fund_book()?;
    let fund = named_fund(&book, name)?;
    let rule = book.rules.rule(&fund.id);
    let (from, to) = fund_period(rule, year);
    let (flows, _) = ledger.fund_flows(&fund.id)?;
    let movements = ledger.fund_receipts(&fund.id, from, to)?;

    // The fund as a whole, and its parts: unrestricted, and given for each purpose; spends
    // in the period by purpose.
    let Flows {
        whole,
        free,
        given,
        spent,
    } = over(&flows, from, to);

    let period = match year {
        Some(y) if rule.and_then(|r| r.year_starts).is_some() => {
            format!("{y}（{from} ~ {to}）")
        }
        Some(y) => y.to_string(),
        None => tr(lang, "全部期间", "all dates").to_string(),
    };
    let mut doc = Document::new(format!(
        "{}{}",
        fund.name,
        tr(lang, " 资金收支情况", ": receipts and payments")
    ));
    doc.lang = lang;
    doc.subtitle = Some(period);
    doc = doc.field(
        tr(lang, "资金", "Fund"),
        format!(
            "{}（{}）",
            fund.id,
            match lang {
                Lang::Zh => fund.kind.chinese(),
                Lang::En => fund.kind.as_str(),
            }
        ),
    );
    doc = doc.field(tr(lang, "科目", "Account"), fund.account.clone());
    doc = doc.field(tr(lang, "存放账户", "Bank account"), fund.bank.clone());
    doc = doc.field(
        tr(lang, "期初结存", "Opening"),
        amount(whole.opening, "opening")?.grouped(),
    );
    doc = doc.field(
        tr(lang, "本期收入", "Received"),
        amount(whole.came, "received")?.grouped(),
    );
    doc = doc.field(
        tr(lang, "本期支出", "Paid out"),
        amount(whole.went, "paid out")?.grouped(),
    );
    doc = doc.field(
        tr(lang, "期末结存", "Closing"),
        amount(whole.closing(), "closing")?.grouped(),
    );

    if let Some(rule) = rule.filter(|r| !r.sources.is_empty()) {
        sources_table(&mut doc, rule, &movements, year, lang)?;
    }
    if !given.is_empty() {
        doc.tables.push(restricted_table(
            &given,
            &free,
            tr(lang, "上年结转", "Carried over"),
            lang,
        )?);
    }

    // What came in, one line a receipt.
    let mut receipts = Table {
        caption: Some(tr(lang, "收入明细", "Receipts").to_string()),
        columns: vec![
            Column::text("date", tr(lang, "日期", "Date"), 2),
            Column::text("voucher", tr(lang, "凭证号", "Voucher"), 2),
            Column::text("from", tr(lang, "来源/捐赠方", "Source / donor"), 4),
            Column::text("restricted", tr(lang, "定向用途", "Restricted to"), 2),
            Column::money("amount", tr(lang, "金额", "Amount")),
        ],
        ..Default::default()
    };
    let by_txn: BTreeMap<i64, &crate::store::FundMovement> = movements
        .iter()
        .filter(|m| m.fen < 0)
        .map(|m| (m.txn, m))
        .collect();
    for f in flows
        .iter()
        .filter(|f| f.fen < 0 && (from..=to).contains(&f.date))
    {
        let m = by_txn.get(&f.txn);
        let voucher = match m {
            Some(m) => m.voucher.clone(),
            None => ledger.voucher_of_id(f.txn)?,
        };
        let from_whom = m
            .and_then(|m| m.donor.clone().or_else(|| m.source.clone()))
            .unwrap_or_default();
        receipts.rows.push(Row::new(vec![
            Cell::text(f.date.to_string()),
            Cell::text(voucher),
            Cell::text(from_whom),
            Cell::text(f.purpose.clone().unwrap_or_default()),
            Cell::Money(Amount::from_fen(-f.fen)),
        ]));
    }
    let mut total = Row::new(vec![
        Cell::text(tr(lang, "合计", "Total")),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Money(amount(whole.came, "received")?),
    ]);
    total.strong = true;
    receipts.totals.push(total);
    doc.tables.push(receipts);

    // What went out, by purpose.
    let mut paid = Table {
        caption: Some(tr(lang, "支出按用途", "Payments by purpose").to_string()),
        columns: vec![
            Column::text("purpose", tr(lang, "用途", "Purpose"), 4),
            Column::new(
                "count",
                tr(lang, "笔数", "Count"),
                super::document::Align::Right,
                1,
            ),
            Column::money("amount", tr(lang, "金额", "Amount")),
        ],
        ..Default::default()
    };
    for (purpose, (count, fen)) in &spent {
        paid.rows.push(Row::new(vec![
            Cell::text(
                purpose
                    .clone()
                    .unwrap_or_else(|| tr(lang, "未注明", "not given").to_string()),
            ),
            Cell::Int(*count),
            Cell::Money(amount(*fen, "paid out")?),
        ]));
    }
    let mut total = Row::new(vec![
        Cell::text(tr(lang, "合计", "Total")),
        Cell::Int(spent.values().map(|(c, _)| c).sum()),
        Cell::Money(amount(whole.went, "paid out")?),
    ]);
    total.strong = true;
    paid.totals.push(total);
    doc.tables.push(paid);
    if fund.kind == crate::funds::registry::FundKind::Insurance {
        insurance_table(&mut doc, ledger, year, lang)?;
    }
    doc.notes.push(format!(
        "{}{}（sha256 {}）",
        tr(lang, "资金规则：", "Rules: "),
        book.rules.source(),
        book.rules.sha256()
    ));
    Ok(doc)
}

/// Money given for each purpose (定向) and unrestricted money: at the start (under
/// `opening`, 上年结转 in `fund show`), received, paid, closing.
pub(crate) fn restricted_table(
    given: &BTreeMap<String, Part>,
    free: &Part,
    opening: &str,
    lang: Lang,
) -> Result<Table> {
    let mut table = Table {
        caption: Some(tr(lang, "定向与非定向", "Restricted and unrestricted").to_string()),
        columns: vec![
            Column::text("part", tr(lang, "资金性质", "Money"), 4),
            Column::money("opening", opening),
            Column::money("received", tr(lang, "本期收入", "Received")),
            Column::money("paid", tr(lang, "本期支出", "Paid out")),
            Column::money("closing", tr(lang, "期末结存", "Closing")),
        ],
        ..Default::default()
    };
    let mut push = |label: String, p: &Part| -> Result<()> {
        table.rows.push(Row::new(vec![
            Cell::text(label),
            Cell::Money(amount(p.opening, "opening")?),
            Cell::Money(amount(p.came, "received")?),
            Cell::Money(amount(p.went, "paid out")?),
            Cell::Money(amount(p.closing(), "closing")?),
        ]));
        Ok(())
    };
    for (purpose, part) in given {
        push(
            format!("{}：{purpose}", tr(lang, "定向", "restricted")),
            part,
        )?;
    }
    push(tr(lang, "非定向", "unrestricted").to_string(), free)?;
    Ok(table)
}

/// The 631 fund's sources against their shares of the year's total: expected, arrived, the
/// shortfall 缺口.
pub(crate) fn sources_table(
    doc: &mut Document,
    rule: &FundRule,
    movements: &[crate::store::FundMovement],
    year: Option<i32>,
    lang: Lang,
) -> Result<()> {
    // What arrived from each named source (parts counted on their own line and their
    // source's).
    let mut arrived: BTreeMap<&str, i128> = BTreeMap::new();
    for m in movements.iter().filter(|m| m.fen < 0) {
        if let Some(s) = &m.source {
            *arrived.entry(s.as_str()).or_default() -= i128::from(m.fen);
        }
    }
    let of_source = |s: &crate::funds::rules::SourceShare| -> i128 {
        arrived.get(s.name.as_str()).copied().unwrap_or(0)
            + s.parts
                .iter()
                .map(|(n, _)| arrived.get(n.as_str()).copied().unwrap_or(0))
                .sum::<i128>()
    };
    // The year's total: as the rules give it, or as the first source's (the province's)
    // arrivals imply.
    let stated = year.and_then(|y| rule.yearly_total.get(&y)).copied();
    let expected_total: Option<i128> = match stated {
        Some(t) => Some(i128::from(t.fen())),
        None => rule.sources.first().and_then(|first| {
            let got = of_source(first);
            (first.share > rust_decimal::Decimal::ZERO && got > 0).then(|| {
                let total = rust_decimal::Decimal::from_i128_with_scale(got, 0) / first.share;
                total.round().mantissa()
            })
        }),
    };
    let share_of = |share: rust_decimal::Decimal| -> Option<i128> {
        expected_total.map(|t| {
            (rust_decimal::Decimal::from_i128_with_scale(t, 0) * share)
                .round()
                .mantissa()
        })
    };
    let mut table = Table {
        caption: Some(match stated {
            Some(t) => format!(
                "{}{}",
                tr(lang, "资金来源（全年应到 ", "Sources (the year's total "),
                format_args!("{}）", t.grouped())
            ),
            None => tr(
                lang,
                "资金来源（全年总额按省级到账推算）",
                "Sources (the year's total implied by the first source)",
            )
            .to_string(),
        }),
        columns: vec![
            Column::text("source", tr(lang, "来源", "Source"), 3),
            Column::text("share", tr(lang, "比例", "Share"), 1),
            Column::money("expected", tr(lang, "应到", "Expected")),
            Column::money("arrived", tr(lang, "实到", "Arrived")),
            Column::money("shortfall", tr(lang, "缺口", "Shortfall")),
        ],
        ..Default::default()
    };
    let mut short = Vec::new();
    // A part's arrivals are known only when its source's money came by part.
    let mut row = |name: &str, share, got: Option<i128>, indent: u8| -> Result<()> {
        let expected = share_of(share);
        let gap = got.and_then(|got| expected.map(|e| (e - got).max(0)));
        if gap.is_some_and(|g| g > 0) && indent == 0 {
            short.push(name.to_string());
        }
        let mut r = Row::new(vec![
            Cell::text(name),
            Cell::text(percent(share)),
            expected.map_or(Ok(Cell::Empty), |e| amount(e, "expected").map(Cell::Money))?,
            got.map_or(Ok(Cell::Empty), |g| amount(g, "arrived").map(Cell::Money))?,
            gap.map_or(Ok(Cell::Empty), |g| amount(g, "shortfall").map(Cell::Money))?,
        ]);
        r.indent = indent;
        table.rows.push(r);
        Ok(())
    };
    for s in &rule.sources {
        row(&s.name, s.share, Some(of_source(s)), 0)?;
        let by_part = !arrived.contains_key(s.name.as_str());
        for (part, share) in &s.parts {
            let got = arrived.get(part.as_str()).copied().unwrap_or(0);
            row(part, *share, by_part.then_some(got), 1)?;
        }
    }
    let got_all: i128 = rule.sources.iter().map(of_source).sum();
    let mut total = Row::new(vec![
        Cell::text(tr(lang, "合计", "Total")),
        Cell::text("100%"),
        expected_total.map_or(Ok(Cell::Empty), |e| amount(e, "expected").map(Cell::Money))?,
        Cell::Money(amount(got_all, "arrived")?),
        expected_total.map_or(Ok(Cell::Empty), |e| {
            amount((e - got_all).max(0), "shortfall").map(Cell::Money)
        })?,
    ]);
    total.strong = true;
    table.totals.push(total);
    doc.tables.push(table);
    if !short.is_empty() {
        doc.notes.push(format!(
            "{}{}",
            tr(
                lang,
                "未足额到位（缺口）：",
                "Short of their share (缺口): "
            ),
            short.join("、")
        ));
    }
    Ok(())
}

/// The insurance years: who was insured, the premium paid to the insurer, the claims passed
/// to households.
fn insurance_table(
    doc: &mut Document,
    ledger: &Ledger,
    year: Option<i32>,
    lang: Lang,
) -> Result<()> {
    let mut table = Table {
        caption: Some(tr(lang, "防贫保参保与理赔", "Insured, premiums and claims").to_string()),
        columns: vec![
            Column::text("year", tr(lang, "年度", "Year"), 1),
            Column::text("insurer", tr(lang, "保险公司", "Insurer"), 3),
            Column::new(
                "households",
                tr(lang, "户数", "Households"),
                super::document::Align::Right,
                1,
            ),
            Column::new(
                "persons",
                tr(lang, "人数", "Persons"),
                super::document::Align::Right,
                1,
            ),
            Column::money("premium", tr(lang, "保费", "Premium")),
            Column::text("voucher", tr(lang, "保费凭证", "Premium voucher"), 2),
            Column::new(
                "claims",
                tr(lang, "理赔笔数", "Claims"),
                super::document::Align::Right,
                1,
            ),
            Column::money("claimed", tr(lang, "理赔金额", "Claimed")),
        ],
        ..Default::default()
    };
    for r in ledger.rosters(year)? {
        let claims = ledger.claims(Some(r.year))?;
        let claimed: Total = claims.iter().map(|c| c.amount).collect();
        table.rows.push(Row::new(vec![
            Cell::text(r.year.to_string()),
            Cell::text(r.insurer.clone()),
            Cell::Int(r.households),
            Cell::Int(r.persons),
            Cell::Money(r.premium),
            Cell::text(
                r.paid
                    .map(|(v, _)| v)
                    .unwrap_or_else(|| tr(lang, "未付", "not paid").to_string()),
            ),
            Cell::Int(claims.len() as i64),
            Cell::Money(claimed.checked(|| "the claims".to_string())?),
        ]));
    }
    doc.tables.push(table);
    Ok(())
}

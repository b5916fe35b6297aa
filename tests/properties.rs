//! Invariants of the journal, over random input: the trial balance always totals 0.00 and
//! every account's balance is the sum of what was posted to it; an export re-imports to the
//! same balances; any single-field change behind the program's back is caught by `verify`; no
//! sequence of writes leaves a fund holding less than nothing on any day.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use proptest::prelude::*;
use townledger::audit::verify;
use townledger::export::{export, ExportFormat};
use townledger::import::postings::{import_postings, ImportOptions};
use townledger::ledger::{AccountKind, NewTransaction, Posting};
use townledger::money::Amount;
use townledger::report::balance::{balance, BalanceQuery};
use townledger::store::Ledger;
use townledger::Error;

const ACCOUNTS: [&str; 6] = [
    "资产:银行存款:基本户",
    "资产:银行存款:储备金专户",
    "负债:应付款:农户:H0001",
    "负债:应付工资",
    "收入:投资收益:光伏",
    "支出:公益支出:防贫保",
];

/// A random balanced transaction: 1–3 random amounts on random accounts, plus the balancing line.
fn transaction() -> impl Strategy<Value = (u32, Vec<(usize, i64)>)> {
    (
        0u32..365,
        prop::collection::vec((0usize..ACCOUNTS.len(), -10_000_000i64..10_000_000), 1..4),
    )
        .prop_map(|(day, mut lines)| {
            let sum: i64 = lines.iter().map(|(_, f)| f).sum();
            lines.push(((lines[0].0 + 1) % ACCOUNTS.len(), -sum));
            (day, lines)
        })
}

fn new_ledger(dir: &tempfile::TempDir) -> Ledger {
    let mut ledger = Ledger::create(&dir.path().join("t.db")).unwrap();
    ledger
        .write("test", |w| {
            for name in ACCOUNTS {
                w.add_account(name, AccountKind::from_top_segment(name).unwrap(), None)?;
            }
            Ok(())
        })
        .unwrap();
    ledger
}

fn post_all(ledger: &mut Ledger, txns: &[(u32, Vec<(usize, i64)>)]) {
    ledger
        .write("test", |w| {
            for (day, lines) in txns {
                w.post(NewTransaction {
                    tags: Vec::new(),
                    date: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
                        + chrono::Duration::days(*day as i64),
                    memo: "随机".into(),
                    external_id: None,
                    reverses: None,
                    reason: None,
                    postings: lines
                        .iter()
                        .map(|(a, fen)| Posting {
                            account: ACCOUNTS[*a].into(),
                            amount: Amount::from_fen(*fen),
                            memo: String::new(),
                            household: None,
                            reference: None,
                        })
                        .collect(),
                })?;
            }
            Ok(())
        })
        .unwrap();
}

fn balances(ledger: &Ledger) -> BTreeMap<String, Amount> {
    let report = balance(ledger, &BalanceQuery::default()).unwrap();
    assert_eq!(report.total, Amount::ZERO);
    report
        .lines
        .into_iter()
        .filter(|l| !l.balance.is_zero())
        .map(|l| (l.account, l.balance))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, .. ProptestConfig::default() })]

    #[test]
    fn trial_balance_totals_zero_and_matches_the_postings(
        txns in prop::collection::vec(transaction(), 1..60),
        cut in 0u32..365,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = new_ledger(&dir);
        post_all(&mut ledger, &txns);
        let mut expected: BTreeMap<String, i64> = BTreeMap::new();
        let mut expected_asof: BTreeMap<String, i64> = BTreeMap::new();
        for (day, lines) in &txns {
            for (a, fen) in lines {
                *expected.entry(ACCOUNTS[*a].to_string()).or_default() += fen;
                if *day <= cut {
                    *expected_asof.entry(ACCOUNTS[*a].to_string()).or_default() += fen;
                }
            }
        }
        let clean = |m: BTreeMap<String, i64>| -> BTreeMap<String, Amount> {
            m.into_iter().filter(|(_, v)| *v != 0).map(|(k, v)| (k, Amount::from_fen(v))).collect()
        };
        prop_assert_eq!(balances(&ledger), clean(expected));
        let asof = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Duration::days(cut as i64);
        let report = balance(&ledger, &BalanceQuery { to: Some(asof), ..Default::default() }).unwrap();
        prop_assert_eq!(report.total, Amount::ZERO);
        let got: BTreeMap<String, Amount> = report.lines.into_iter()
            .filter(|l| !l.balance.is_zero()).map(|l| (l.account, l.balance)).collect();
        prop_assert_eq!(got, clean(expected_asof));
        verify(&ledger).unwrap();
    }

    #[test]
    fn export_then_reimport_gives_identical_balances(
        txns in prop::collection::vec(transaction(), 1..40),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = new_ledger(&dir);
        post_all(&mut ledger, &txns);
        let mut csv = Vec::new();
        export(&ledger, ExportFormat::Csv, &mut csv).unwrap();
        let file = dir.path().join("export.csv");
        std::fs::write(&file, csv).unwrap();
        let mut other = Ledger::create(&dir.path().join("other.db")).unwrap();
        other.write("test", |w| {
            import_postings(w, &file, &ImportOptions { encoding: None, create_accounts: true })
        }).unwrap();
        prop_assert_eq!(balances(&other), balances(&ledger));
    }

    #[test]
    fn any_single_field_change_is_caught(
        txns in prop::collection::vec(transaction(), 2..20),
        pick in 0usize..1000,
        field in 0usize..9,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = new_ledger(&dir);
        post_all(&mut ledger, &txns);
        verify(&ledger).unwrap();
        let txn = (pick % txns.len()) as i64 + 1;
        let sql = match field {
            0 => format!("UPDATE transactions SET postings = json_set(postings, '$[0][1]', (postings ->> '$[0][1]') + 1) WHERE id = {txn}"),
            1 => format!("UPDATE transactions SET date = '2025-01-01' WHERE id = {txn}"),
            2 => format!("UPDATE transactions SET postings = json_set(postings, '$[0][0]', (postings ->> '$[0][0]') % 6 + 1) WHERE id = {txn}"),
            3 => format!("UPDATE transactions SET memo = memo || '改' WHERE id = {txn}"),
            4 => format!("UPDATE transactions SET voucher = voucher || 'x' WHERE id = {txn}"),
            5 => format!("UPDATE transactions SET operator = 'someone' WHERE id = {txn}"),
            6 => format!("UPDATE transactions SET postings = json_remove(postings, '$[0]') WHERE id = {txn}"),
            7 => format!("DELETE FROM transactions WHERE id = {txn}"),
            // An entry slipped into the account index.
            _ => "UPDATE account_postings SET entries = CAST(X'01010100' || entries AS BLOB)
                  WHERE month = (SELECT MIN(month) FROM account_postings)".to_string(),
        };
        let conn = rusqlite::Connection::open(dir.path().join("t.db")).unwrap();
        let changed = conn.execute_batch(&sql).map(|_| conn.changes()).unwrap();
        drop(conn);
        let ledger = Ledger::open(&dir.path().join("t.db")).unwrap();
        if changed > 0 {
            prop_assert!(matches!(verify(&ledger), Err(Error::Tampered(_))), "{} not caught", sql);
        }
    }
}

/// The largest amount of a posting, in fen.
const MAX_FEN: i64 = 99_999_999_999_999;

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

    /// Sums near the largest total a ledger keeps: a transaction that would take an account's
    /// month beyond an i64 of fen is refused and leaves the ledger as it was; one that stays
    /// within is kept exactly, to the fen. Never a wrap, never a panic.
    #[test]
    fn sums_near_the_limit_are_exact_or_refused(
        headroom in 0i64..400_000_000_000_000,
        amounts in prop::collection::vec(MAX_FEN - 1_000_000..=MAX_FEN, 1..5),
        negative in any::<bool>(),
    ) {
        // The library speaks the process language: English, as the assertion reads it.
        townledger::i18n::set_lang(townledger::i18n::Lang::En);
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = new_ledger(&dir);
        let day = NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
        let sign = if negative { -1 } else { 1 };
        let transaction = |fen: &[i64]| NewTransaction {
            tags: Vec::new(),
            date: day,
            memo: "近上限".into(),
            external_id: None,
            reverses: None,
            reason: None,
            postings: fen
                .iter()
                .flat_map(|&f| {
                    [(0, sign * f), (4, -sign * f)].map(|(a, f)| Posting {
                        account: ACCOUNTS[a].into(),
                        amount: Amount::from_fen(f),
                        memo: String::new(),
                        household: None,
                        reference: None,
                    })
                })
                .collect(),
        };
        ledger.write("test", |w| w.post(transaction(&[100]))).unwrap();
        // The month's stored total of the first account, moved next to the limit (as if
        // thousands of such postings had come before).
        let start = if negative { i64::MIN + headroom } else { i64::MAX - headroom };
        let conn = rusqlite::Connection::open(dir.path().join("t.db")).unwrap();
        let stored = |conn: &rusqlite::Connection| -> i64 {
            conn.query_row(
                "SELECT total FROM account_postings p JOIN accounts a ON a.id = p.account
                 WHERE a.name = ?1",
                [ACCOUNTS[0]],
                |r| r.get(0),
            ).unwrap()
        };
        conn.execute(
            "UPDATE account_postings SET total = ?1
             WHERE account = (SELECT id FROM accounts WHERE name = ?2)",
            rusqlite::params![start, ACCOUNTS[0]],
        ).unwrap();
        let exact = i128::from(start) + i128::from(sign) * amounts.iter().map(|&f| i128::from(f)).sum::<i128>();
        let posted = ledger.write("test", |w| w.post(transaction(&amounts)));
        let count: i64 = conn.query_row("SELECT COUNT(*) FROM transactions", [], |r| r.get(0)).unwrap();
        match i64::try_from(exact) {
            Ok(fits) => {
                prop_assert!(posted.is_ok(), "{posted:?}");
                prop_assert_eq!(stored(&conn), fits);
                prop_assert_eq!(count, 2);
            }
            Err(_) => {
                let Err(Error::Rule(message)) = posted else {
                    return Err(TestCaseError::fail(format!("not refused: {posted:?}")));
                };
                prop_assert!(
                    message.starts_with(&format!("the total of {} for 2024-03 would be ", ACCOUNTS[0]))
                        && message.ends_with(", beyond the largest total a ledger keeps (±92,233,720,368,547,758.07); nothing was written"),
                    "{}", message
                );
                prop_assert_eq!(stored(&conn), start);
                prop_assert_eq!(count, 1);
            }
        }
    }

    /// A sum of any number of amounts at the largest is exact, and an amount only when it
    /// fits; an amount beyond the largest is never read from text.
    #[test]
    fn totals_near_the_limit_are_exact(
        fen in MAX_FEN - 1_000..=MAX_FEN,
        count in 92_000u32..92_500,
        over in 1i64..1_000_000,
    ) {
        use townledger::money::Total;
        let amount = Amount::from_fen(fen);
        let total: Total = std::iter::repeat_n(amount, count as usize).collect();
        let exact = i128::from(fen) * i128::from(count);
        prop_assert_eq!(total.fen(), exact);
        prop_assert_eq!(total.amount(), i64::try_from(exact).ok().map(Amount::from_fen));
        prop_assert_eq!(Amount::parse(&amount.to_string()), Ok(amount));
        prop_assert_eq!(Amount::parse(&(-amount).grouped()), Ok(-amount));
        let beyond = Amount::from_fen(MAX_FEN + over);
        prop_assert!(Amount::parse(&beyond.to_string()).is_err());
        prop_assert!(Amount::parse(&(-beyond).grouped()).is_err());
    }

    /// Gifts into the 6·30 fund and spends from it, dated in any order, and reversals of any
    /// of them: a write that would leave the fund holding less than nothing at the end of any
    /// day is refused and changes nothing; what was accepted never does.
    #[test]
    fn no_sequence_of_writes_overdraws_a_fund(
        moves in prop::collection::vec((0i64..90, -40_000i64..60_000, 0usize..8), 1..30),
    ) {
        townledger::i18n::set_lang(townledger::i18n::Lang::En);
        const FUND: &str = "负债:专项应付款:6·30资金";
        const BANK: &str = "资产:银行存款:基本户";
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::create(&dir.path().join("t.db")).unwrap();
        ledger.write("test", |w| {
            w.add_account(FUND, AccountKind::Liability, None)?;
            w.add_account(BANK, AccountKind::Asset, None)
        }).unwrap();
        let day = |d: i64| NaiveDate::from_ymd_opt(2024, 6, 1).unwrap() + chrono::Duration::days(d);
        // What the fund holds, by day, of the writes accepted; vouchers that may be reversed.
        let mut accepted: Vec<(i64, i64)> = Vec::new();
        let mut reversible: Vec<(String, i64, i64)> = Vec::new();
        for (d, fen, reverse) in moves {
            let before = ledger.balance_of(FUND, None).unwrap();
            // One move in four reverses an earlier voucher (its mirror dated this day or later).
            let outcome = if reverse < 2 && !reversible.is_empty() {
                let (voucher, on, gift) = reversible[reverse % reversible.len()].clone();
                let date = d.max(on);
                ledger.write("test", |w| {
                    townledger::reversal::reverse_voucher(w, &voucher, "测试", day(date))
                }).map(|_| {
                    reversible.retain(|(v, ..)| *v != voucher);
                    accepted.push((date, -gift));
                })
            } else if fen != 0 {
                let amount = Amount::from_fen(fen);
                ledger.write("test", |w| {
                    w.post(NewTransaction {
                        tags: Vec::new(),
                        date: day(d),
                        memo: if fen > 0 { "6·30捐赠" } else { "助学金" }.into(),
                        external_id: None,
                        reverses: None,
                        reason: None,
                        postings: vec![
                            Posting { account: BANK.into(), amount, memo: String::new(), household: None, reference: None },
                            Posting { account: FUND.into(), amount: -amount, memo: String::new(), household: None, reference: None },
                        ],
                    })
                }).map(|outcome| {
                    let townledger::store::PostOutcome::Posted { voucher, .. } = outcome else {
                        unreachable!("no external id")
                    };
                    reversible.push((voucher, d, fen));
                    accepted.push((d, fen));
                })
            } else {
                continue;
            };
            match outcome {
                Ok(()) => {}
                Err(Error::Rule(message)) => {
                    prop_assert!(message.contains("a fund never pays out more than it holds"), "{}", message);
                    prop_assert_eq!(ledger.balance_of(FUND, None).unwrap(), before);
                }
                Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
            }
            // What was accepted holds at the end of every day.
            let mut by_day = accepted.clone();
            by_day.sort();
            let mut holds = 0i64;
            for (i, (d, fen)) in by_day.iter().enumerate() {
                holds += fen;
                if by_day.get(i + 1).is_none_or(|(next, _)| next != d) {
                    prop_assert!(holds >= 0, "the fund holds {holds} fen at the end of day {d}");
                }
            }
            prop_assert_eq!(-ledger.balance_of(FUND, None).unwrap(), Amount::from_fen(holds));
        }
        verify(&ledger).unwrap();
    }

    /// Restricted and unrestricted gifts, spends for purposes, reversals and voucher files
    /// with fund columns, dated in any order: whatever is accepted, no purpose's money and no
    /// unrestricted money is ever less than nothing at the end of a day — a spend never took
    /// money given for another purpose — and what is refused changes nothing.
    #[test]
    fn restricted_money_is_never_spent_on_another_purpose(
        moves in prop::collection::vec((0i64..60, 1i64..40_000, 0usize..3, 0usize..10), 1..25),
    ) {
        use townledger::funds::flow::{contribute, spend, Contribution, Spend};
        townledger::i18n::set_lang(townledger::i18n::Lang::En);
        const PURPOSES: [&str; 3] = ["助学", "助医", "慰问"];
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::create(&dir.path().join("t.db")).unwrap();
        let day = |d: i64| NaiveDate::from_ymd_opt(2024, 6, 1).unwrap() + chrono::Duration::days(d);
        let mut vouchers: Vec<(String, i64)> = Vec::new();
        for (i, (d, fen, p, how)) in moves.into_iter().enumerate() {
            let before = ledger.balance_of("负债:专项应付款:6·30资金", None).unwrap();
            let amount = Amount::from_fen(fen * 100);
            let purpose = PURPOSES[p].to_string();
            let written: Result<Option<String>, Error> = match how {
                // A gift, restricted to a purpose or not.
                0..=2 => ledger.write("test", |w| contribute(w, &Contribution {
                    fund: "630".into(),
                    donor: Some("捐赠方".into()),
                    restricted: (how < 2).then(|| purpose.clone()),
                    amount,
                    date: Some(day(d)),
                    ..Default::default()
                })).map(Some),
                // A spend for a purpose.
                3..=5 => ledger.write("test", |w| spend(w, &Spend {
                    fund: "630".into(),
                    purpose: purpose.clone(),
                    amount,
                    date: Some(day(d)),
                    ..Default::default()
                })).map(Some),
                // A voucher file spending for a purpose, or for none.
                6 | 7 => {
                    let file = dir.path().join(format!("v{i}.csv"));
                    let tag = if how == 6 { purpose.as_str() } else { "" };
                    std::fs::write(&file, format!(
                        "txn_id,date,account,amount,memo,fund,purpose\n\
                         T{i},{date},负债:专项应付款:6·30资金,{a},支出,630,{tag}\n\
                         T{i},{date},资产:银行存款:基本户,-{a},支出,,\n",
                        date = day(d), a = amount.plain()
                    )).unwrap();
                    ledger.write("test", |w| import_postings(w, &file, &ImportOptions {
                        create_accounts: true,
                        ..Default::default()
                    })).map(|_| None)
                }
                // A reversal of something accepted before.
                _ if !vouchers.is_empty() => {
                    let (voucher, on) = vouchers[fen as usize % vouchers.len()].clone();
                    ledger.write("test", |w| {
                        townledger::reversal::reverse_voucher(w, &voucher, "测试", day(d.max(on)))
                    }).map(|_| None)
                }
                _ => continue,
            };
            match written {
                Ok(Some(voucher)) => vouchers.push((voucher, d)),
                Ok(None) => {}
                Err(Error::Rule(_)) | Err(Error::Input(_)) => {
                    prop_assert_eq!(ledger.balance_of("负债:专项应付款:6·30资金", None).unwrap(), before);
                }
                Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
            }
            // Replay what was accepted, day by day, as the rule reads it.
            let (flows, _) = ledger.fund_flows("630").unwrap();
            let mut given: BTreeMap<String, i128> = BTreeMap::new();
            let mut free: i128 = 0;
            for (k, f) in flows.iter().enumerate() {
                let fen = i128::from(f.fen);
                if f.fen < 0 {
                    match &f.purpose {
                        Some(p) => *given.entry(p.clone()).or_default() -= fen,
                        None => free -= fen,
                    }
                } else {
                    if f.from_restricted > 0 {
                        let p = f.purpose.as_ref().expect("restricted money is taken for its purpose");
                        *given.get_mut(p).expect("given before") -= f.from_restricted;
                    }
                    free -= fen - f.from_restricted;
                }
                if flows.get(k + 1).is_none_or(|n| n.date != f.date) {
                    prop_assert!(free >= 0, "unrestricted {free} at the end of {}", f.date);
                    for (p, held) in &given {
                        prop_assert!(*held >= 0, "{p} holds {held} at the end of {}", f.date);
                    }
                }
            }
        }
        verify(&ledger).unwrap();
    }

    /// Once the books are closed through a month, no sequence of writes — postings dated
    /// anywhere in the year, reversals of any voucher on any day — changes any account's
    /// balance at the end of that month: what is dated in it is refused, and nothing else
    /// moves it.
    #[test]
    fn a_closed_month_keeps_its_balances_whatever_is_written_after(
        before in prop::collection::vec(transaction(), 1..12),
        month in 1u32..12,
        after in prop::collection::vec((transaction(), 0usize..4, 0u32..365), 1..16),
    ) {
        townledger::i18n::set_lang(townledger::i18n::Lang::En);
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = new_ledger(&dir);
        post_all(&mut ledger, &before);
        let month_text = format!("2024-{month:02}");
        let (_, last_day) = townledger::period::parse_month(&month_text).unwrap();
        townledger::period::close(&mut ledger, &month_text, "镇财务", "test").unwrap();
        let at_close = |ledger: &Ledger| -> Vec<Amount> {
            ACCOUNTS
                .iter()
                .map(|a| ledger.balance_of(a, Some(last_day)).unwrap())
                .collect()
        };
        let closed = at_close(&ledger);
        let vouchers: Vec<String> = {
            let mut v = Vec::new();
            ledger.for_each_transaction(|t, _| {
                v.push(t.voucher.clone());
                Ok(())
            }).unwrap();
            v
        };
        for ((day, lines), how, reverse_day) in after {
            let date = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Duration::days(i64::from(day));
            let outcome = if how == 0 && !vouchers.is_empty() {
                let v = vouchers[reverse_day as usize % vouchers.len()].clone();
                let on = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
                    + chrono::Duration::days(i64::from(reverse_day));
                ledger.write("test", |w| townledger::reversal::reverse_voucher(w, &v, "更正", on)).map(|_| ())
            } else {
                ledger.write("test", |w| {
                    w.post(NewTransaction {
                        tags: Vec::new(),
                        date,
                        memo: "更正".into(),
                        external_id: None,
                        reverses: None,
                        reason: None,
                        postings: lines
                            .iter()
                            .map(|(a, fen)| Posting {
                                account: ACCOUNTS[*a].into(),
                                amount: Amount::from_fen(*fen),
                                memo: String::new(),
                                household: None,
                                reference: None,
                            })
                            .collect(),
                    })
                }).map(|_| ())
            };
            if let Err(e) = outcome {
                prop_assert!(matches!(e, Error::Rule(_) | Error::NotFound(_)), "{e}");
            }
            prop_assert_eq!(at_close(&ledger), closed.clone());
        }
        verify(&ledger).unwrap();
    }
}

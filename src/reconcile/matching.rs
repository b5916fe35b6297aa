//! Automatic matching of bank lines with the books, in rounds from the surest:
//!
//! 0. **reversal** — a voucher and its reversal, both to the account, cancel: the bank never
//!    saw either (a match with no bank line, summing to nothing);
//! 1. **serial** — the bank's serial number, or a word of its text, is a posting's reference,
//!    the voucher's number or the clerk's own number for it, and the amounts agree;
//! 2. **run** — a payment voucher of an allocation run, paid household by household: the
//!    bank's lines for each household's card (or the bank reference in the result file),
//!    all of them, summing to the voucher's amount (many bank lines, one posting);
//! 3. **counterparty** — the same amount and direction, the dates within the window, and the
//!    bank's counterparty named in the voucher's text (the nearest date when several);
//! 4. **amount** — the same amount within the window, when the line has only that one
//!    candidate and the candidate only that line.
//!
//! The book side is matched a transaction at a time: a voucher's postings to the account
//! together (one bank line, many postings). Each line and each voucher is used at most once,
//! and every match's two sides sum to the same fen.

use std::collections::HashMap;

use chrono::NaiveDate;

/// How a match was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    Reversal,
    Serial,
    Run,
    Counterparty,
    Amount,
    Manual,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Reversal => "reversal",
            Rule::Serial => "serial",
            Rule::Run => "run",
            Rule::Counterparty => "counterparty",
            Rule::Amount => "amount",
            Rule::Manual => "manual",
        }
    }

    pub fn label(self, lang: crate::report::document::Lang) -> &'static str {
        use crate::report::document::Lang;
        match (self, lang) {
            (Rule::Reversal, Lang::Zh) => "冲销对冲",
            (Rule::Serial, Lang::Zh) => "流水号",
            (Rule::Run, Lang::Zh) => "代发批次",
            (Rule::Counterparty, Lang::Zh) => "金额+日期+对方",
            (Rule::Amount, Lang::Zh) => "金额+日期",
            (Rule::Manual, Lang::Zh) => "手工",
            (Rule::Reversal, Lang::En) => "reversal",
            (Rule::Serial, Lang::En) => "serial",
            (Rule::Run, Lang::En) => "run batch",
            (Rule::Counterparty, Lang::En) => "amount, date, counterparty",
            (Rule::Amount, Lang::En) => "amount, date",
            (Rule::Manual, Lang::En) => "manual",
        }
    }

    pub fn parse(text: &str) -> Option<Rule> {
        [
            Rule::Reversal,
            Rule::Serial,
            Rule::Run,
            Rule::Counterparty,
            Rule::Amount,
            Rule::Manual,
        ]
        .into_iter()
        .find(|r| r.as_str() == text)
    }
}

/// A bank line not yet matched.
#[derive(Clone, Debug)]
pub struct Line<'a> {
    pub date: NaiveDate,
    /// Fen, + into the account.
    pub amount: i64,
    pub text: &'a str,
    pub counterparty: &'a str,
    pub counterparty_account: &'a str,
    pub serial: Option<&'a str>,
}

/// A household's payment in a run's payment voucher, as the bank sees it.
#[derive(Clone, Debug)]
pub struct Payment<'a> {
    /// Fen paid (positive).
    pub amount: i64,
    pub bank_ref: Option<&'a str>,
    pub bank_card: &'a str,
}

/// A voucher's postings to the account not yet matched, taken together.
#[derive(Clone, Debug)]
pub struct Unit<'a> {
    pub txn: i64,
    pub date: NaiveDate,
    /// Fen, + into the account.
    pub amount: i64,
    pub voucher: &'a str,
    /// The memo(s) of its postings.
    pub memo: &'a str,
    /// References the bank may quote: the postings' references, the clerk's number.
    pub refs: Vec<&'a str>,
    /// The transaction it reverses, if a reversal.
    pub reverses: Option<i64>,
    /// When it pays an allocation run: each household's payment.
    pub payments: Vec<Payment<'a>>,
}

/// A match found: indices into the lines and units given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub rule: Rule,
    pub lines: Vec<usize>,
    pub units: Vec<usize>,
}

/// The words of a bank text that may name a voucher or a reference: runs of letters, digits,
/// `-`, `_`, `/` and `:`.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | ':')))
        .filter(|w| w.len() >= 4)
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// Whether the bank's counterparty is named in the unit's text (a name of two characters or
/// more), or the counterparty's account is the card of the household paid.
fn counterparty_agrees(line: &Line<'_>, unit: &Unit<'_>) -> bool {
    let name = line.counterparty.trim();
    if name.chars().count() >= 2 && unit.memo.contains(name) {
        return true;
    }
    let account = digits(line.counterparty_account);
    !account.is_empty() && unit.payments.iter().any(|p| digits(p.bank_card) == account)
}

fn within(a: NaiveDate, b: NaiveDate, window: i64) -> bool {
    (a - b).num_days().abs() <= window
}

struct State {
    line_used: Vec<bool>,
    unit_used: Vec<bool>,
    out: Vec<Proposal>,
}

impl State {
    fn take(&mut self, rule: Rule, lines: Vec<usize>, units: Vec<usize>) {
        for &l in &lines {
            self.line_used[l] = true;
        }
        for &u in &units {
            self.unit_used[u] = true;
        }
        self.out.push(Proposal { rule, lines, units });
    }
}

/// The matches the rounds find among `lines` and `units` (neither matched yet), the dates of
/// a line and its voucher at most `window` days apart (except by serial number).
pub fn auto_match(lines: &[Line<'_>], units: &[Unit<'_>], window: i64) -> Vec<Proposal> {
    let mut st = State {
        line_used: vec![false; lines.len()],
        unit_used: vec![false; units.len()],
        out: Vec::new(),
    };
    // 0: a voucher and its reversal.
    let by_txn: HashMap<i64, usize> = units.iter().enumerate().map(|(i, u)| (u.txn, i)).collect();
    for (i, u) in units.iter().enumerate() {
        if let Some(&o) = u.reverses.and_then(|t| by_txn.get(&t)) {
            if !st.unit_used[i]
                && !st.unit_used[o]
                && units[o].amount.checked_add(u.amount) == Some(0)
            {
                st.take(Rule::Reversal, Vec::new(), vec![o, i]);
            }
        }
    }
    // 1: serial numbers and references.
    let mut by_ref: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, u) in units.iter().enumerate() {
        for r in u.refs.iter().copied().chain([u.voucher]) {
            let r = r.trim();
            if !r.is_empty() {
                by_ref.entry(r).or_default().push(i);
            }
        }
    }
    for (l, line) in lines.iter().enumerate() {
        let mut found: Option<usize> = None;
        let mut ambiguous = false;
        let keys = line
            .serial
            .map(str::trim)
            .into_iter()
            .chain(words(line.text));
        for key in keys {
            for &u in by_ref.get(key).map(Vec::as_slice).unwrap_or_default() {
                if st.unit_used[u] || units[u].amount != line.amount {
                    continue;
                }
                match found {
                    Some(f) if f != u => ambiguous = true,
                    _ => found = Some(u),
                }
            }
        }
        if let (Some(u), false) = (found, ambiguous) {
            st.take(Rule::Serial, vec![l], vec![u]);
        }
    }
    // Lines by amount, in date order.
    let mut lines_by_amount: HashMap<i64, Vec<usize>> = HashMap::new();
    for (l, line) in lines.iter().enumerate() {
        lines_by_amount.entry(line.amount).or_default().push(l);
    }
    for v in lines_by_amount.values_mut() {
        v.sort_by_key(|&l| (lines[l].date, l));
    }
    // 2: a run's payments, household by household.
    for (u, unit) in units.iter().enumerate() {
        if st.unit_used[u] || unit.payments.is_empty() {
            continue;
        }
        let mut picked: Vec<usize> = Vec::with_capacity(unit.payments.len());
        let mut sum: i64 = 0;
        let mut complete = true;
        for p in &unit.payments {
            let card = digits(p.bank_card);
            let candidates = lines_by_amount
                .get(&-p.amount)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let hit = candidates.iter().copied().find(|&l| {
                let line = &lines[l];
                !st.line_used[l]
                    && !picked.contains(&l)
                    && within(line.date, unit.date, window)
                    && (p
                        .bank_ref
                        .is_some_and(|r| !r.trim().is_empty() && line.serial == Some(r.trim()))
                        || (!card.is_empty() && digits(line.counterparty_account) == card))
            });
            match hit {
                Some(l) => {
                    picked.push(l);
                    sum = sum.saturating_add(lines[l].amount);
                }
                None => {
                    complete = false;
                    break;
                }
            }
        }
        if complete && !picked.is_empty() && sum == unit.amount {
            st.take(Rule::Run, picked, vec![u]);
        }
    }
    // Units by amount, in date order.
    let mut units_by_amount: HashMap<i64, Vec<usize>> = HashMap::new();
    for (u, unit) in units.iter().enumerate() {
        units_by_amount.entry(unit.amount).or_default().push(u);
    }
    for v in units_by_amount.values_mut() {
        v.sort_by_key(|&u| (units[u].date, u));
    }
    let in_window = |sorted: &[usize], date: NaiveDate, date_of: &dyn Fn(usize) -> NaiveDate| {
        let lo = date - chrono::Days::new(window.max(0) as u64);
        let hi = date + chrono::Days::new(window.max(0) as u64);
        let start = sorted.partition_point(|&i| date_of(i) < lo);
        let end = sorted.partition_point(|&i| date_of(i) <= hi);
        start..end
    };
    // 3: amount, window and counterparty.
    for (l, line) in lines.iter().enumerate() {
        if st.line_used[l] || line.counterparty.trim().is_empty() {
            continue;
        }
        let Some(sorted) = units_by_amount.get(&line.amount) else {
            continue;
        };
        let range = in_window(sorted, line.date, &|u| units[u].date);
        let mut best: Option<(i64, usize)> = None;
        let mut tie = false;
        for &u in &sorted[range] {
            if st.unit_used[u] || !counterparty_agrees(line, &units[u]) {
                continue;
            }
            let gap = (units[u].date - line.date).num_days().abs();
            match best {
                Some((g, _)) if g < gap => {}
                Some((g, _)) if g == gap => tie = true,
                _ => {
                    best = Some((gap, u));
                    tie = false;
                }
            }
        }
        if let (Some((_, u)), false) = (best, tie) {
            st.take(Rule::Counterparty, vec![l], vec![u]);
        }
    }
    // 4: amount and window alone, when each side has only the other.
    for (l, line) in lines.iter().enumerate() {
        if st.line_used[l] {
            continue;
        }
        let Some(sorted) = units_by_amount.get(&line.amount) else {
            continue;
        };
        let range = in_window(sorted, line.date, &|u| units[u].date);
        let mut candidates = sorted[range].iter().copied().filter(|&u| !st.unit_used[u]);
        let (Some(u), None) = (candidates.next(), candidates.next()) else {
            continue;
        };
        let Some(back) = lines_by_amount.get(&line.amount) else {
            continue;
        };
        let range = in_window(back, units[u].date, &|l| lines[l].date);
        let mut rivals = back[range].iter().copied().filter(|&o| !st.line_used[o]);
        if let (Some(only), None) = (rivals.next(), rivals.next()) {
            if only == l {
                st.take(Rule::Amount, vec![l], vec![u]);
            }
        }
    }
    st.out
}

#[cfg(test)]
// Amounts in fen written as yuan_fen: `-500_00` is −500.00.
#[allow(clippy::inconsistent_digit_grouping)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 9, 1).unwrap() + chrono::Days::new(u64::from(day))
    }

    fn line(day: u32, amount: i64) -> Line<'static> {
        Line {
            date: d(day),
            amount,
            text: "",
            counterparty: "",
            counterparty_account: "",
            serial: None,
        }
    }

    fn unit(txn: i64, day: u32, amount: i64) -> Unit<'static> {
        Unit {
            txn,
            date: d(day),
            amount,
            voucher: "",
            memo: "",
            refs: Vec::new(),
            reverses: None,
            payments: Vec::new(),
        }
    }

    #[test]
    fn rounds_from_the_surest() {
        let mut lines = vec![
            line(3, -500_00),
            line(4, -500_00),
            line(10, 302_38),
            line(12, -120_00),
        ];
        lines[0].serial = Some("BX-778812");
        lines[1].counterparty = "叶建国";
        let mut units = vec![
            unit(1, 2, -500_00),
            unit(2, 2, -500_00),
            unit(3, 9, 302_38),
            unit(4, 1, 900_00),
            unit(5, 2, -900_00),
        ];
        units[1].refs = vec!["BX-778812"];
        units[0].memo = "困难补助 叶建国";
        units[4].reverses = Some(4);
        let found = auto_match(&lines, &units, 5);
        assert_eq!(
            found,
            vec![
                Proposal {
                    rule: Rule::Reversal,
                    lines: vec![],
                    units: vec![3, 4]
                },
                Proposal {
                    rule: Rule::Serial,
                    lines: vec![0],
                    units: vec![1]
                },
                Proposal {
                    rule: Rule::Counterparty,
                    lines: vec![1],
                    units: vec![0]
                },
                Proposal {
                    rule: Rule::Amount,
                    lines: vec![2],
                    units: vec![2]
                },
            ]
        );
    }

    #[test]
    fn a_run_paid_card_by_card_is_many_lines_to_one_voucher() {
        let mut lines = vec![line(7, -300_00), line(7, -200_00), line(7, -300_00)];
        lines[0].counterparty_account = "6228 0000 0001";
        lines[1].serial = Some("R2");
        lines[2].counterparty_account = "6228 0000 0003";
        let mut units = vec![unit(9, 7, -800_00)];
        units[0].payments = vec![
            Payment {
                amount: 300_00,
                bank_ref: None,
                bank_card: "622800000001",
            },
            Payment {
                amount: 200_00,
                bank_ref: Some("R2"),
                bank_card: "",
            },
            Payment {
                amount: 300_00,
                bank_ref: None,
                bank_card: "622800000003",
            },
        ];
        let found = auto_match(&lines, &units, 5);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, Rule::Run);
        let mut picked = found[0].lines.clone();
        picked.sort();
        assert_eq!(picked, vec![0, 1, 2]);
    }

    #[test]
    fn ambiguous_amounts_are_left_to_a_person() {
        let lines = vec![line(3, -500_00), line(4, -500_00)];
        let units = vec![unit(1, 3, -500_00), unit(2, 4, -500_00)];
        assert!(auto_match(&lines, &units, 5).is_empty());
        // Outside the window nothing pairs either.
        let lines = vec![line(3, -500_00)];
        let units = vec![unit(1, 20, -500_00)];
        assert!(auto_match(&lines, &units, 5).is_empty());
    }

    /// (day, amount, kind of text) of each line or voucher.
    type Side = Vec<(u32, i64, u8)>;

    fn arb_case() -> impl Strategy<Value = (Side, Side)> {
        let amounts = prop_oneof![Just(-500_00i64), Just(302_38), Just(-120_00), -3i64..3];
        let side = prop::collection::vec((0u32..40, amounts, 0u8..4), 0..25);
        (side.clone(), side)
    }

    proptest! {
        /// Auto-match never uses a line or a voucher twice and never pairs different amounts.
        #[test]
        fn never_twice_never_unequal((ls, us) in arb_case()) {
            const NAMES: [&str; 4] = ["", "叶建国", "BX1", "2024-09-0001"];
            let lines: Vec<Line<'_>> = ls.iter().map(|&(day, amount, k)| Line {
                date: d(day), amount, text: NAMES[k as usize],
                counterparty: NAMES[k as usize], counterparty_account: "",
                serial: (k == 2).then_some("BX1"),
            }).collect();
            let units: Vec<Unit<'_>> = us.iter().enumerate().map(|(i, &(day, amount, k))| Unit {
                txn: i as i64, date: d(day), amount,
                voucher: if k == 3 { "2024-09-0001" } else { "" },
                memo: NAMES[k as usize], refs: if k == 2 { vec!["BX1"] } else { vec![] },
                reverses: (k == 1 && i > 0).then_some(i as i64 - 1), payments: vec![],
            }).collect();
            let found = auto_match(&lines, &units, 5);
            let mut seen_l = std::collections::HashSet::new();
            let mut seen_u = std::collections::HashSet::new();
            for p in &found {
                for &l in &p.lines { prop_assert!(seen_l.insert(l)); }
                for &u in &p.units { prop_assert!(seen_u.insert(u)); }
                let a: i64 = p.lines.iter().map(|&l| lines[l].amount).sum();
                let b: i64 = p.units.iter().map(|&u| units[u].amount).sum();
                prop_assert_eq!(a, b);
                prop_assert!(!p.lines.is_empty() || !p.units.is_empty());
            }
        }
    }
}

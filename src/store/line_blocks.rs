//! A run's lines as stored: blocks of up to [`LINES_PER_BLOCK`] households, in household
//! order, each one row of `allocation_line_blocks` with two JSON arrays:
//!
//! - `dues`: `[[household, total], …]`, what posting and paying read;
//! - `lines`: `[[household, village, name, id_number, bank_card, members, category,
//!   risk_level, excluded, weight, quota, share, residual, fixed, total, bound, explanation],
//!   …]`, the whole line as shown and noticed.
//!
//! Money is in fen. Storing a block is one row write, not one per household; SQLite reads the
//! blocks with its own JSON functions (the `allocation_lines` view).
//!
//! A run's payments are kept the same way, a payment voucher at a time: `paid` in
//! `allocation_payment_batches` is `[[household, fen, bank_ref], …]` (the
//! `allocation_payments` view).

use super::allocation::{NewRunLine, RunDue, RunLine};
use super::postings_json::{push_int, push_string, Parser};
use crate::error::{Error, Result};
use crate::money::Amount;

/// Households per block: blocks of a few tens of kilobytes.
pub const LINES_PER_BLOCK: usize = 256;

/// Lines encoded for storage, in household order.
#[derive(Debug)]
pub struct LineBlock {
    pub(super) dues: String,
    pub(super) lines: String,
    len: usize,
    total: Amount,
}

impl Default for LineBlock {
    fn default() -> LineBlock {
        LineBlock::new()
    }
}

impl LineBlock {
    pub fn new() -> LineBlock {
        LineBlock {
            dues: String::from("["),
            lines: String::from("["),
            len: 0,
            total: Amount::ZERO,
        }
    }

    /// Add the next line (lines go in household order).
    pub fn push(&mut self, l: &NewRunLine<'_>) {
        if self.len > 0 {
            self.dues.push(',');
            self.lines.push(',');
        }
        self.len += 1;
        self.total += l.total;
        let d = &mut self.dues;
        d.push('[');
        push_string(d, l.household);
        d.push(',');
        push_int(d, l.total.fen());
        d.push(']');
        let o = &mut self.lines;
        o.push('[');
        for text in [l.household, l.village, l.name, l.id_number, l.bank_card] {
            push_string(o, text);
            o.push(',');
        }
        push_int(o, i64::from(l.members));
        for text in [l.category, l.risk_level] {
            o.push(',');
            push_string(o, text);
        }
        for text in [l.excluded, l.weight, l.quota] {
            o.push(',');
            push_optional(o, text);
        }
        o.push(',');
        push_int(o, l.share.fen());
        o.push(',');
        push_optional(o, l.residual);
        for fen in [l.fixed.fen(), l.total.fen()] {
            o.push(',');
            push_int(o, fen);
        }
        o.push(',');
        push_optional(o, l.bound);
        o.push(',');
        push_string(o, l.explanation);
        o.push(']');
    }

    /// The block as stored: both arrays closed.
    pub(super) fn finish(mut self) -> (String, String) {
        self.dues.push(']');
        self.lines.push(']');
        (self.dues, self.lines)
    }

    /// Lines in the block.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// What the block's lines add up to (their totals).
    pub fn total(&self) -> Amount {
        self.total
    }
}

fn push_optional(out: &mut String, text: Option<&str>) {
    match text {
        Some(t) => push_string(out, t),
        None => out.push_str("null"),
    }
}

/// What a stored block holds, for the error when it cannot be read.
#[derive(Clone, Copy)]
enum Stored {
    Lines,
    Payments,
}

fn unreadable(stored: Stored, what: &str) -> Error {
    let (table, kind) = match stored {
        Stored::Lines => ("allocation_line_blocks", "run-stored-lines"),
        Stored::Payments => ("allocation_payment_batches", "run-stored-payments"),
    };
    Error::Tampered(crate::tr!(
        "run-stored-unreadable",
        kind = crate::tr!(kind),
        table = table,
        what = what
    ))
}

/// Read a JSON array of arrays, calling `item` at the start of each inner array (after its
/// `[`); `item` reads the fields, and the closing `]` is checked here.
fn each_item<'a>(
    json: &'a str,
    stored: Stored,
    mut item: impl FnMut(&mut Parser<'a>) -> std::result::Result<(), ()>,
) -> Result<()> {
    let bad = |what| unreadable(stored, what);
    let mut p = Parser::new(json);
    p.expect(b'[').map_err(|_| bad("not a JSON array"))?;
    if p.eat(b']') {
        return p.end().map_err(|_| bad("text after the array"));
    }
    loop {
        p.expect(b'[').map_err(|_| bad("an item is not an array"))?;
        item(&mut p).map_err(|_| bad("a field is missing or of the wrong kind"))?;
        p.expect(b']')
            .map_err(|_| bad("an item has too many fields"))?;
        if p.eat(b',') {
            continue;
        }
        p.expect(b']').map_err(|_| bad("the array is not closed"))?;
        return p.end().map_err(|_| bad("text after the array"));
    }
}

fn text(p: &mut Parser<'_>) -> std::result::Result<String, ()> {
    p.nullable_string()?.ok_or(())
}

fn next_text(p: &mut Parser<'_>) -> std::result::Result<String, ()> {
    p.expect(b',')?;
    text(p)
}

fn next_optional(p: &mut Parser<'_>) -> std::result::Result<Option<String>, ()> {
    p.expect(b',')?;
    p.nullable_string()
}

fn next_fen(p: &mut Parser<'_>) -> std::result::Result<Amount, ()> {
    p.expect(b',')?;
    Ok(Amount::from_fen(p.int()?))
}

/// Append the dues stored as `json` to `out` (nothing paid yet).
pub(super) fn decode_dues(json: &str, out: &mut Vec<RunDue>) -> Result<()> {
    each_item(json, Stored::Lines, |p| {
        let household = text(p)?;
        let total = next_fen(p)?;
        out.push(RunDue {
            household,
            total,
            paid: Amount::ZERO,
        });
        Ok(())
    })
}

/// Append the lines stored as `json` to `out` (nothing paid yet).
pub(super) fn decode_lines(json: &str, out: &mut Vec<RunLine>) -> Result<()> {
    each_item(json, Stored::Lines, |p| {
        let household = text(p)?;
        let village = next_text(p)?;
        let name = next_text(p)?;
        let id_number = next_text(p)?;
        let bank_card = next_text(p)?;
        p.expect(b',')?;
        let members = u32::try_from(p.int()?).map_err(|_| ())?;
        out.push(RunLine {
            household,
            village,
            name,
            id_number,
            bank_card,
            members,
            category: next_text(p)?,
            risk_level: next_text(p)?,
            excluded: next_optional(p)?,
            weight: next_optional(p)?,
            quota: next_optional(p)?,
            share: next_fen(p)?,
            residual: next_optional(p)?,
            fixed: next_fen(p)?,
            total: next_fen(p)?,
            bound: next_optional(p)?,
            explanation: next_text(p)?,
            paid: Amount::ZERO,
        });
        Ok(())
    })
}

/// The households one payment voucher paid, `(household, amount, bank_ref)`, as stored.
pub(super) fn encode_paid(paid: &[(String, Amount, Option<String>)]) -> String {
    let mut out = String::with_capacity(2 + paid.len() * 24);
    out.push('[');
    for (i, (household, amount, bank_ref)) in paid.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        push_string(&mut out, household);
        out.push(',');
        push_int(&mut out, amount.fen());
        out.push(',');
        push_optional(&mut out, bank_ref.as_deref());
        out.push(']');
    }
    out.push(']');
    out
}

/// Each (household, amount) stored as `json` by [`encode_paid`].
pub(super) fn decode_paid(json: &str, mut f: impl FnMut(String, Amount)) -> Result<()> {
    each_item(json, Stored::Payments, |p| {
        let household = text(p)?;
        let amount = next_fen(p)?;
        next_optional(p)?;
        f(household, amount);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line<'a>(household: &'a str, explanation: &'a str, total: i64) -> NewRunLine<'a> {
        NewRunLine {
            household,
            village: "程村",
            name: "张\"三\"",
            id_number: "440781199001011234",
            bank_card: "",
            members: 3,
            category: "脱贫不稳定户",
            risk_level: "高",
            excluded: None,
            weight: Some("1007"),
            quota: Some("1234.567891"),
            share: Amount::from_fen(total - 40_000),
            residual: Some("-0.001234"),
            fixed: Amount::from_fen(40_000),
            total: Amount::from_fen(total),
            bound: Some("floor"),
            explanation,
        }
    }

    #[test]
    fn lines_and_dues_round_trip() {
        let mut block = LineBlock::new();
        let a = line("H1", "基础 500\n保底", 123_456);
        let mut b = line("H2", "不参与分配：外出务工", 0);
        b.excluded = Some("外出务工");
        b.weight = None;
        b.quota = None;
        b.residual = None;
        b.bound = None;
        block.push(&a);
        block.push(&b);
        assert_eq!((block.len(), block.total()), (2, Amount::from_fen(123_456)));
        let (dues, lines) = block.finish();
        assert_eq!(dues, r#"[["H1",123456],["H2",0]]"#);
        let mut back = Vec::new();
        decode_lines(&lines, &mut back).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].as_new().explanation, "基础 500\n保底");
        assert_eq!(back[0].name, "张\"三\"");
        assert_eq!(back[0].share, Amount::from_fen(83_456));
        assert_eq!(back[0].bound.as_deref(), Some("floor"));
        assert_eq!(back[1].excluded.as_deref(), Some("外出务工"));
        assert_eq!(back[1].weight, None);
        let mut due = Vec::new();
        decode_dues(&dues, &mut due).unwrap();
        assert_eq!(due[1].household, "H2");
        assert_eq!(due[0].total, Amount::from_fen(123_456));
    }

    #[test]
    fn payments_round_trip() {
        let paid = vec![
            ("H1".to_string(), Amount::from_fen(140_000), None),
            (
                "H2".to_string(),
                Amount::from_fen(5),
                Some("B-7".to_string()),
            ),
        ];
        let json = encode_paid(&paid);
        assert_eq!(json, r#"[["H1",140000,null],["H2",5,"B-7"]]"#);
        let mut back = Vec::new();
        decode_paid(&json, |h, a| back.push((h, a))).unwrap();
        assert_eq!(
            back,
            vec![
                ("H1".to_string(), Amount::from_fen(140_000)),
                ("H2".to_string(), Amount::from_fen(5))
            ]
        );
        let err = decode_paid(r#"[["H1",1]]"#, |_, _| {})
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("payments (allocation_payment_batches)"),
            "{err}"
        );
    }

    #[test]
    fn altered_blocks_are_refused() {
        let mut out = Vec::new();
        for bad in [
            "",
            "[",
            r#"[["H1"]]"#,
            r#"[["H1",12.5]]"#,
            r#"[["H1",1,2]]"#,
            r#"[["H1",1]] x"#,
        ] {
            assert!(decode_dues(bad, &mut out).is_err(), "{bad}");
        }
        assert!(decode_lines(r#"[["H1","v"]]"#, &mut Vec::new()).is_err());
    }
}

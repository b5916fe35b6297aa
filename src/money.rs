//! Exact money: yuan with at most two decimals, held as integer fen.
//!
//! Every amount in townledger is an [`Amount`]. It is parsed strictly (a third decimal, an empty
//! cell, `NaN`, `1e5` or text is an error, never a silent rounding), stored as integer fen, added
//! with overflow checks, and converted to and from [`rust_decimal::Decimal`] where rates and
//! ratios come in (dividend rates, tilt shares).
//!
//! No amount read from a file or the command line exceeds [`Amount::MAX`]
//! (999,999,999,999.99 yuan). Sums of user data — a transaction's postings, an account's
//! month, a balance, a register's running balance — are taken as a [`Total`] (i128 fen, which
//! no number of such amounts can overflow) and turned back into an [`Amount`] only where the
//! result is checked to fit: a sum beyond ±92,233,720,368,547,758.07 is an error, never a wrap
//! or a panic.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An exact amount of yuan, stored as integer fen (1 yuan = 100 fen).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(i64);

/// Why a piece of text is not an amount.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("{}", crate::tr!("amount-empty"))]
    Empty,
    #[error("{}", crate::tr!("amount-not-a-number", text = .0))]
    NotANumber(String),
    #[error("{}", crate::tr!("amount-too-many-decimals", text = .0))]
    TooManyDecimals(String),
    #[error("{}", crate::tr!("amount-bad-grouping", text = .0))]
    BadGrouping(String),
    #[error("{}", crate::tr!("amount-overflow", text = .0))]
    Overflow(String),
}

impl Amount {
    pub const ZERO: Amount = Amount(0);
    /// The largest amount a posting (or any amount typed in) may have: 999,999,999,999.99
    /// yuan, far above any town's funds. Parsing refuses more; a transaction with a larger
    /// posting is refused.
    pub const MAX: Amount = Amount(Self::MAX_FEN);
    const MAX_FEN: i64 = 99_999_999_999_999;
    /// The largest sum the ledger keeps (a month's total of an account, a balance):
    /// 92,233,720,368,547,758.07 yuan, i64 fen.
    pub const MAX_TOTAL: Amount = Amount(i64::MAX);

    /// Whether the amount is within ±[`Amount::MAX`], as a posting must be.
    pub fn within_posting_limit(self) -> bool {
        self.0.unsigned_abs() <= Self::MAX_FEN as u64
    }

    pub const fn from_fen(fen: i64) -> Amount {
        Amount(fen)
    }

    pub const fn from_yuan(yuan: i64) -> Amount {
        Amount(yuan * 100)
    }

    pub const fn fen(self) -> i64 {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn abs(self) -> Amount {
        Amount(self.0.abs())
    }

    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }

    /// This amount `n` times, `None` when the product is beyond what an amount holds.
    pub fn checked_mul(self, n: i64) -> Option<Amount> {
        self.0.checked_mul(n).map(Amount)
    }

    /// The exact decimal value in yuan (scale 2).
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// An exact decimal of yuan; `None` when it has a third significant decimal or is too large.
    pub fn from_decimal_exact(d: Decimal) -> Option<Amount> {
        let fen = d.checked_mul(Decimal::ONE_HUNDRED)?;
        if fen.fract() != Decimal::ZERO {
            return None;
        }
        fen.to_i64().map(Amount)
    }

    /// A decimal of yuan rounded half-up (away from zero) to the fen, for computed values such
    /// as `income × 12%`. Callers decide where rounding is allowed; parsing never rounds.
    pub fn from_decimal_rounded(d: Decimal) -> Option<Amount> {
        let fen = d
            .checked_mul(Decimal::ONE_HUNDRED)?
            .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
        fen.to_i64().map(Amount)
    }

    /// Parse user input strictly: `1234.56`, `1,234.56`, `¥1,234.56`, `-20`, `1234.5`, `+5`,
    /// `-¥20`, `¥-20`, surrounding spaces. Anything else is an error.
    pub fn parse(text: &str) -> Result<Amount, AmountError> {
        match Self::parse_plain(text.as_bytes()) {
            Some(fen) => Ok(Amount(fen)),
            None => Self::parse_any(text),
        }
    }

    /// [`Amount::parse`] for every accepted form.
    fn parse_any(text: &str) -> Result<Amount, AmountError> {
        let s = text.trim();
        if s.is_empty() {
            return Err(AmountError::Empty);
        }
        let not_a_number = || AmountError::NotANumber(s.to_string());
        let mut rest = s;
        let mut negative = false;
        let mut take_sign = |rest: &mut &str| {
            if let Some(r) = rest.strip_prefix('-') {
                negative = true;
                *rest = r;
                true
            } else if let Some(r) = rest.strip_prefix('+') {
                *rest = r;
                true
            } else {
                false
            }
        };
        let signed_before = take_sign(&mut rest);
        for symbol in ['¥', '￥'] {
            if let Some(r) = rest.strip_prefix(symbol) {
                rest = r;
                if !signed_before {
                    take_sign(&mut rest);
                }
                break;
            }
        }
        let (int_part, frac_part) = match rest.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (rest, None),
        };
        if int_part.is_empty() {
            return Err(not_a_number());
        }
        let mut yuan: i64 = 0;
        let mut digits_in_group = 0usize;
        let mut saw_comma = false;
        for (i, c) in int_part.char_indices() {
            match c {
                '0'..='9' => {
                    yuan = yuan
                        .checked_mul(10)
                        .and_then(|y| y.checked_add(i64::from(c as u8 - b'0')))
                        .ok_or_else(|| AmountError::Overflow(s.to_string()))?;
                    digits_in_group += 1;
                }
                ',' => {
                    let first_group_ok = saw_comma || (1..=3).contains(&digits_in_group);
                    let later_group_ok = !saw_comma || digits_in_group == 3;
                    if i == 0 || !first_group_ok || !later_group_ok {
                        return Err(AmountError::BadGrouping(s.to_string()));
                    }
                    saw_comma = true;
                    digits_in_group = 0;
                }
                _ => return Err(not_a_number()),
            }
        }
        if saw_comma && digits_in_group != 3 {
            return Err(AmountError::BadGrouping(s.to_string()));
        }
        let fen_part: i64 = match frac_part {
            None => 0,
            Some(f) => {
                if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(not_a_number());
                }
                if f.len() > 2 {
                    return Err(AmountError::TooManyDecimals(s.to_string()));
                }
                let v: i64 = f.parse().map_err(|_| not_a_number())?;
                if f.len() == 1 {
                    v * 10
                } else {
                    v
                }
            }
        };
        let fen = yuan
            .checked_mul(100)
            .and_then(|y| y.checked_add(fen_part))
            .filter(|f| *f <= Self::MAX_FEN)
            .ok_or_else(|| AmountError::Overflow(s.to_string()))?;
        Ok(Amount(if negative { -fen } else { fen }))
    }

    /// The usual form of an amount, `-1234.56`, `1234.5` or `20` with at most 12 digits
    /// before the point (so never above [`Amount::MAX`]), in fen, read in one pass; `None` for any other text, which
    /// [`Amount::parse`] then reads in full (or refuses, saying why).
    fn parse_plain(b: &[u8]) -> Option<i64> {
        let (negative, b) = match b.first()? {
            b'-' => (true, &b[1..]),
            _ => (false, b),
        };
        let whole = b.iter().take_while(|c| c.is_ascii_digit()).count();
        if whole == 0 || whole > 12 {
            return None;
        }
        let digit = |c: u8| i64::from(c - b'0');
        let yuan = b[..whole].iter().fold(0i64, |y, &c| y * 10 + digit(c));
        let fen = match b[whole..] {
            [] => 0,
            [b'.', d] if d.is_ascii_digit() => digit(d) * 10,
            [b'.', d, e] if d.is_ascii_digit() && e.is_ascii_digit() => digit(d) * 10 + digit(e),
            _ => return None,
        };
        let fen = yuan * 100 + fen;
        Some(if negative { -fen } else { fen })
    }

    /// Plain decimal, no grouping: `-1234.56`, `0.00`. Used by CSV, JSON and exports.
    pub fn plain(self) -> String {
        self.to_string()
    }

    /// Grouped for people: `-1,234.56`.
    pub fn grouped(self) -> String {
        grouped(self.0 < 0, u128::from(self.0.unsigned_abs()))
    }

    /// The amount in Chinese financial capitals (人民币大写), e.g. 壹拾捌万伍仟伍佰玖拾陆元陆角整.
    /// Negative amounts are prefixed with 负.
    pub fn chinese_capitals(self) -> String {
        const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
        const SMALL: [&str; 4] = ["", "拾", "佰", "仟"];
        const BIG: [&str; 5] = ["", "万", "亿", "万亿", "亿亿"];
        let abs = self.0.unsigned_abs();
        let mut yuan = abs / 100;
        let jiao = (abs / 10 % 10) as usize;
        let fen = (abs % 10) as usize;
        let mut out = String::new();
        if self.0 < 0 {
            out.push('负');
        }
        if yuan == 0 && jiao == 0 && fen == 0 {
            out.push_str("零元整");
            return out;
        }
        if yuan > 0 {
            // Split into 4-digit groups, most significant first.
            let mut groups = Vec::new();
            while yuan > 0 {
                groups.push((yuan % 10_000) as usize);
                yuan /= 10_000;
            }
            let mut text = String::new();
            let mut pending_zero = false;
            for (gi, &group) in groups.iter().enumerate().rev() {
                if group == 0 {
                    pending_zero = !text.is_empty();
                    continue;
                }
                if !text.is_empty() && (group < 1000 || pending_zero) {
                    text.push('零');
                }
                pending_zero = false;
                let digits = [group / 1000, group / 100 % 10, group / 10 % 10, group % 10];
                let mut zero_run = false;
                let mut started = false;
                for (pos, &d) in digits.iter().enumerate() {
                    if d == 0 {
                        zero_run = started;
                        continue;
                    }
                    if zero_run {
                        text.push('零');
                        zero_run = false;
                    }
                    started = true;
                    text.push(DIGITS[d]);
                    text.push_str(SMALL[3 - pos]);
                }
                text.push_str(BIG[gi]);
            }
            out.push_str(&text);
            out.push('元');
        }
        if jiao == 0 && fen == 0 {
            out.push('整');
            return out;
        }
        if jiao > 0 {
            out.push(DIGITS[jiao]);
            out.push('角');
        } else if abs / 100 > 0 {
            out.push('零');
        }
        if fen > 0 {
            out.push(DIGITS[fen]);
            out.push('分');
        } else {
            out.push('整');
        }
        out
    }
}

/// `abs` fen (negative when `neg`) grouped for people: `-1,234.56`.
fn grouped(neg: bool, abs: u128) -> String {
    let yuan = (abs / 100).to_string();
    let mut out = String::with_capacity(yuan.len() + yuan.len() / 3 + 4);
    if neg {
        out.push('-');
    }
    let lead = yuan.len() % 3;
    for (i, ch) in yuan.chars().enumerate() {
        if i != 0 && (i + 3 - lead).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out.push_str(&format!(".{:02}", abs % 100));
    out
}

/// An exact sum of amounts in i128 fen: no number of postings the ledger can hold overflows it.
/// It becomes an [`Amount`] again only through [`Total::amount`], which checks that it fits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Total(i128);

impl Total {
    pub const ZERO: Total = Total(0);

    pub fn add(&mut self, a: Amount) {
        self.0 += i128::from(a.0);
    }

    pub fn add_fen(&mut self, fen: i64) {
        self.0 += i128::from(fen);
    }

    pub fn add_total(&mut self, t: Total) {
        self.0 += t.0;
    }

    pub fn fen(self) -> i128 {
        self.0
    }

    /// This total and `fen` more.
    pub fn plus_fen(self, fen: i128) -> Total {
        Total(self.0 + fen)
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Grouped for people, as [`Amount::grouped`].
    pub fn grouped(self) -> String {
        grouped(self.0 < 0, self.0.unsigned_abs())
    }

    /// The sum as an amount, `None` when it is beyond ±[`Amount::MAX_TOTAL`].
    pub fn amount(self) -> Option<Amount> {
        i64::try_from(self.0).ok().map(Amount)
    }

    /// The sum as an amount, or the error that `what` (`the balance of 资产:库存现金`) is beyond
    /// the largest total the ledger keeps.
    pub fn checked(self, what: impl FnOnce() -> String) -> crate::error::Result<Amount> {
        self.amount().ok_or_else(|| too_large(&what(), self))
    }
}

impl FromIterator<Amount> for Total {
    fn from_iter<I: IntoIterator<Item = Amount>>(iter: I) -> Total {
        let mut t = Total::ZERO;
        for a in iter {
            t.add(a);
        }
        t
    }
}

/// The error for a sum beyond what the ledger keeps: `what` would be `total`.
pub fn too_large(what: &str, total: Total) -> crate::error::Error {
    crate::error::Error::Rule(crate::tr!(
        "amount-total-too-large",
        what = what,
        total = total.grouped(),
        max = Amount::MAX_TOTAL.grouped()
    ))
}

impl fmt::Display for Total {
    /// Plain decimal with two places, as [`Amount`]: `-1234.56`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let s = format!("{sign}{}.{:02}", abs / 100, abs % 100);
        f.pad(&s)
    }
}

impl fmt::Display for Amount {
    /// Plain decimal with two places: `-1234.56`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let s = format!("{sign}{}.{:02}", abs / 100, abs % 100);
        f.pad(&s)
    }
}

impl FromStr for Amount {
    type Err = AmountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Amount::parse(s)
    }
}

impl Add for Amount {
    type Output = Amount;
    fn add(self, rhs: Amount) -> Amount {
        Amount(self.0.checked_add(rhs.0).expect("amount overflow"))
    }
}

impl AddAssign for Amount {
    fn add_assign(&mut self, rhs: Amount) {
        *self = *self + rhs;
    }
}

impl Sub for Amount {
    type Output = Amount;
    fn sub(self, rhs: Amount) -> Amount {
        Amount(self.0.checked_sub(rhs.0).expect("amount overflow"))
    }
}

impl SubAssign for Amount {
    fn sub_assign(&mut self, rhs: Amount) {
        *self = *self - rhs;
    }
}

impl Neg for Amount {
    type Output = Amount;
    fn neg(self) -> Amount {
        Amount(-self.0)
    }
}

impl Sum for Amount {
    fn sum<I: Iterator<Item = Amount>>(iter: I) -> Amount {
        iter.fold(Amount::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Amount> for Amount {
    fn sum<I: Iterator<Item = &'a Amount>>(iter: I) -> Amount {
        iter.copied().sum()
    }
}

/// Amounts serialize as plain decimal strings ("1234.56") so JSON never goes through floats.
impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.plain())
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Amount::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<i64, AmountError> {
        Amount::parse(s).map(Amount::fen)
    }

    #[test]
    fn accepts_the_documented_forms() {
        assert_eq!(p("1234.56"), Ok(123456));
        assert_eq!(p("1,234.56"), Ok(123456));
        assert_eq!(p("¥1,234.56"), Ok(123456));
        assert_eq!(p("￥1,234,567.50"), Ok(123456750));
        assert_eq!(p("-20"), Ok(-2000));
        assert_eq!(p("-¥20"), Ok(-2000));
        assert_eq!(p("¥-20"), Ok(-2000));
        assert_eq!(p("1234.5"), Ok(123450));
        assert_eq!(p(" 0.07 "), Ok(7));
        assert_eq!(p("+3"), Ok(300));
    }

    #[test]
    fn the_plain_form_is_read_as_the_full_reader_reads_it() {
        let alphabet = ['-', '0', '1', '9', '.', ' ', ','];
        let mut texts = vec![String::new()];
        for _ in 0..6 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        texts.extend(
            [
                "999999999999999.99",
                "1000000000000000",
                "-123456789012345.6",
            ]
            .map(String::from),
        );
        let mut read = 0;
        for t in &texts {
            if let Some(fen) = Amount::parse_plain(t.as_bytes()) {
                assert_eq!(Amount::parse_any(t), Ok(Amount(fen)), "{t:?}");
                read += 1;
            }
        }
        assert!(read > 1000, "{read}");
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "", " ", "NaN", "nan", "1e5", "1E5", "abc", "1.234", "12.", ".5", "1,23.00", "12,3456",
            ",123", "1..2", "--1", "1 000", "inf", "0x10", "1.2.3", "¥", "-",
        ] {
            assert!(Amount::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert_eq!(
            p("1.234"),
            Err(AmountError::TooManyDecimals("1.234".into()))
        );
        assert_eq!(p(""), Err(AmountError::Empty));
        assert!(matches!(
            p("99999999999999999999"),
            Err(AmountError::Overflow(_))
        ));
    }

    #[test]
    fn formats_plain_and_grouped() {
        assert_eq!(Amount::from_fen(-123456).to_string(), "-1234.56");
        assert_eq!(Amount::from_fen(5).to_string(), "0.05");
        assert_eq!(Amount::from_fen(-5).to_string(), "-0.05");
        assert_eq!(Amount::ZERO.to_string(), "0.00");
        assert_eq!(Amount::from_fen(123456789).grouped(), "1,234,567.89");
        assert_eq!(Amount::from_fen(-100000).grouped(), "-1,000.00");
        assert_eq!(Amount::from_fen(99999).grouped(), "999.99");
        assert_eq!(format!("{:>10}", Amount::from_fen(100)), "      1.00");
    }

    #[test]
    fn chinese_capitals() {
        let c = |fen| Amount::from_fen(fen).chinese_capitals();
        assert_eq!(c(18_559_660), "壹拾捌万伍仟伍佰玖拾陆元陆角整");
        assert_eq!(c(0), "零元整");
        assert_eq!(c(100), "壹元整");
        assert_eq!(c(5), "伍分");
        assert_eq!(c(105), "壹元零伍分");
        assert_eq!(c(1_000_100), "壹万零壹元整");
        assert_eq!(c(11_300_000), "壹拾壹万叁仟元整");
        assert_eq!(c(10_000_000_000), "壹亿元整");
        assert_eq!(c(10_000_100_000), "壹亿零壹仟元整");
        assert_eq!(c(7_000_000_000), "柒仟万元整");
        assert_eq!(c(52_000_000), "伍拾贰万元整");
        assert_eq!(c(300_050), "叁仟元伍角整");
        assert_eq!(c(-2000), "负贰拾元整");
        assert_eq!(c(1_001_000_000), "壹仟零壹万元整");
        assert_eq!(c(194_270_000), "壹佰玖拾肆万贰仟柒佰元整");
    }

    #[test]
    fn decimals_round_trip() {
        let a = Amount::from_fen(-123456);
        assert_eq!(Amount::from_decimal_exact(a.to_decimal()), Some(a));
        assert_eq!(Amount::from_decimal_exact(Decimal::new(1001, 3)), None);
        assert_eq!(
            Amount::from_decimal_rounded(Decimal::new(1005, 3)),
            Some(Amount::from_fen(101))
        );
        assert_eq!(
            Amount::from_decimal_rounded(Decimal::new(-1005, 3)),
            Some(Amount::from_fen(-101))
        );
    }
}

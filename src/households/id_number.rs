//! Resident ID numbers 居民身份证号码 (GB 11643-1999): 6-digit area code, 8-digit birth date
//! `YYYYMMDD`, 3-digit sequence number and a check character computed with ISO 7064 MOD 11-2.

use std::fmt;

use chrono::{Datelike, Local, NaiveDate};

/// Weights of the first 17 digits: 2^(17-i) mod 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each weighted sum mod 11.
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// Why a text is not a valid 18-character ID number. The messages never repeat the number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdNumberError {
    Empty,
    /// Wrong number of characters (the count found).
    Length(usize),
    /// Not 17 digits followed by a digit or `X`.
    Characters,
    /// The birth date part `YYYYMMDD` is not a date, or lies before 1900 or in the future.
    BirthDate(String),
    /// The last character is not the check character of the first 17 digits.
    CheckDigit {
        found: char,
        expected: char,
    },
}

impl fmt::Display for IdNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdNumberError::Empty => f.write_str(&crate::tr!("id-number-empty")),
            IdNumberError::Length(n) => f.write_str(&crate::tr!("id-number-length", count = n)),
            IdNumberError::Characters => f.write_str(&crate::tr!("id-number-characters")),
            IdNumberError::BirthDate(d) => {
                f.write_str(&crate::tr!("id-number-birth-date", date = d))
            }
            IdNumberError::CheckDigit { found, expected } => f.write_str(&crate::tr!(
                "id-number-check-digit",
                found = *found,
                expected = *expected
            )),
        }
    }
}

impl std::error::Error for IdNumberError {}

/// The check character (`0`–`9` or `X`) of the first 17 digits of an ID number; `None` unless
/// `first17` is exactly 17 ASCII digits.
pub fn check_digit(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    Some(char::from(CHECK_CHARS[(sum % 11) as usize]))
}

/// Check an ID number and return it normalised (trimmed, final `x` upper-cased): 18 characters,
/// 17 digits then a digit or `X`, a real birth date from 1900 up to today, and the right check
/// character.
pub fn check_id_number(text: &str) -> Result<String, IdNumberError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(IdNumberError::Empty);
    }
    let n = t.chars().count();
    if n != 18 {
        return Err(IdNumberError::Length(n));
    }
    let normalised = t.to_ascii_uppercase();
    let b = normalised.as_bytes();
    // 18 chars and, if all ASCII, 18 bytes; a non-ASCII character makes the byte count differ.
    if b.len() != 18
        || !b[..17].iter().all(u8::is_ascii_digit)
        || !(b[17].is_ascii_digit() || b[17] == b'X')
    {
        return Err(IdNumberError::Characters);
    }
    let birth = &normalised[6..14];
    let date = NaiveDate::parse_from_str(birth, "%Y%m%d")
        .ok()
        .filter(|d| d.year() >= 1900 && *d <= Local::now().date_naive());
    if date.is_none() {
        return Err(IdNumberError::BirthDate(birth.to_string()));
    }
    let expected = check_digit(&normalised[..17]).expect("17 digits checked above");
    let found = char::from(b[17]);
    if found != expected {
        return Err(IdNumberError::CheckDigit { found, expected });
    }
    Ok(normalised)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_example_is_valid() {
        // The worked example of GB 11643-1999.
        assert_eq!(check_digit("11010519491231002"), Some('X'));
        assert_eq!(
            check_id_number("11010519491231002X").as_deref(),
            Ok("11010519491231002X")
        );
        assert_eq!(
            check_id_number(" 11010519491231002x ").as_deref(),
            Ok("11010519491231002X")
        );
    }

    #[test]
    fn check_digits_computed_by_hand() {
        // 440524188001010014: weighted sum 4·7+4·9+0·10+5·5+2·8+4·4+1·2+8·1+8·6+0·3+0·7+1·9
        // +0·10+1·5+0·8+0·4+1·2 = 195, 195 mod 11 = 8 -> '4'.
        assert_eq!(check_digit("44052418800101001"), Some('4'));
        // 441721198001011234's first 17: sum = 4·7+4·9+1·10+7·5+2·8+1·4+1·2+9·1+8·6+0·3
        // +0·7+1·9+0·10+1·5+1·8+2·4+3·2 = 224, 224 mod 11 = 4 -> '8'.
        assert_eq!(check_digit("44172119800101123"), Some('8'));
        assert!(check_id_number("441721198001011238").is_ok());
        // Every check character occurs: sequence numbers 000..=999 cover all 11 residues.
        let mut seen = std::collections::BTreeSet::new();
        for seq in 0..1000 {
            let first = format!("44172119750615{seq:03}");
            let c = check_digit(&first).unwrap();
            assert!(check_id_number(&format!("{first}{c}")).is_ok());
            seen.insert(c);
        }
        assert_eq!(seen.len(), 11);
        assert_eq!(check_digit("4417211975061500"), None);
        assert_eq!(check_digit("4417211975061500A"), None);
    }

    #[test]
    fn rejects_bad_numbers() {
        assert_eq!(check_id_number(""), Err(IdNumberError::Empty));
        assert_eq!(
            check_id_number("44172119800101123"),
            Err(IdNumberError::Length(17))
        );
        assert_eq!(
            check_id_number("4417211980010112388"),
            Err(IdNumberError::Length(19))
        );
        assert_eq!(
            check_id_number("44172119800101123Y"),
            Err(IdNumberError::Characters)
        );
        assert_eq!(
            check_id_number("4417211980O1011238"),
            Err(IdNumberError::Characters)
        );
        assert_eq!(
            check_id_number("44172119800101123１"),
            Err(IdNumberError::Characters)
        );
        for bad_date in ["19801301", "19800230", "18991231", "20990101", "00000000"] {
            let first = format!("441721{bad_date}123");
            let id = format!("{first}{}", check_digit(&first).unwrap());
            assert_eq!(
                check_id_number(&id),
                Err(IdNumberError::BirthDate(bad_date.into()))
            );
        }
        let err = check_id_number("441721198001011234").unwrap_err();
        assert_eq!(
            err,
            IdNumberError::CheckDigit {
                found: '4',
                expected: '8'
            }
        );
        assert_eq!(
            err.to_string(),
            "ID number has a wrong check digit: last character is 4, expected 8"
        );
    }
}

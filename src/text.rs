//! What a stored text may hold: the one check every reader applies to the texts it stores
//! (memos, account names, household fields, project names, reasons), whether they come from
//! a file or the command line.
//!
//! A stored text is immutable once posted and printed on statements, notices and
//! spreadsheets, so it is refused at input when it
//! - holds a control character (C0, DEL, C1: a NUL, a tab, a line break …), or an invisible
//!   format or bidirectional control (U+200B–U+200F, U+202A–U+202E, U+2066–U+2069, U+FEFF
//!   and the like), which would hide or reorder what a reader sees, or the replacement
//!   character U+FFFD (text garbled before it came in);
//! - is longer than its limit: [`MEMO_MAX`] characters for memos and reasons, [`NAME_MAX`]
//!   for names and references, [`HOUSEHOLD_ID_MAX`] for household ids and [`VILLAGE_MAX`] for
//!   villages (both name files a statement batch writes). Far below a spreadsheet cell's
//!   32,767 characters.
//!
//! Household ids and villages are also checked as parts of a file path
//! ([`check_household_id`], [`check_village`]).

/// The longest memo or reason, in characters.
pub const MEMO_MAX: usize = 1_000;
/// The longest name (account, household head, project, operator …), reference or txn_id.
pub const NAME_MAX: usize = 200;
/// The longest household id.
pub const HOUSEHOLD_ID_MAX: usize = 64;
/// The longest village name.
pub const VILLAGE_MAX: usize = 50;

/// Whether `c` may not be stored: control characters, invisible format and bidirectional
/// controls, non-characters and the replacement character.
pub fn forbidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{ad}'
        | '\u{600}'..='\u{605}'
        | '\u{61c}'
        | '\u{6dd}'
        | '\u{70f}'
        | '\u{180e}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}'
        | '\u{fffd}'..='\u{ffff}'
        | '\u{110bd}'
        | '\u{110cd}'
        | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0001}'
        | '\u{e0020}'..='\u{e007f}')
}

/// The bytes that can start a character `forbidden` refuses: ASCII controls and DEL, and
/// the UTF-8 lead bytes of the ranges it names.
const SUSPECT: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[0x7f] = true;
    let leads = [0xc2, 0xd8, 0xdb, 0xdc, 0xe1, 0xe2, 0xef, 0xf0, 0xf3];
    let mut i = 0;
    while i < leads.len() {
        t[leads[i]] = true;
        i += 1;
    }
    t
};

/// Where the first character `forbidden` refuses is: its byte index and the character.
/// Looks only at the bytes that can start one, so ordinary text — ASCII, Chinese — is passed
/// over a byte at a time with one table look-up each.
fn first_forbidden(value: &str) -> Option<(usize, char)> {
    let bytes = value.as_bytes();
    let mut from = 0;
    while let Some(at) = bytes[from..].iter().position(|&b| SUSPECT[usize::from(b)]) {
        let i = from + at;
        let c = value[i..].chars().next()?;
        if forbidden(c) {
            return Some((i, c));
        }
        from = i + 1;
    }
    None
}

/// How a refused character is described.
fn describe(c: char) -> String {
    crate::tr!(match c {
        '\u{0}' => "char-nul",
        '\t' => "char-tab",
        '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => "char-line-break",
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => "char-control",
        '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{61c}' => {
            "char-bidi"
        }
        '\u{fffd}' => "char-replacement",
        '\u{fffe}' | '\u{ffff}' => "char-non-character",
        _ => "char-format",
    })
}

/// Check a text that is about to be stored: no forbidden character, at most `max_chars`
/// characters. The error is `FIELD: reason`, for a row error or a refused command.
pub fn check_stored_text(field: &str, value: &str, max_chars: usize) -> Result<(), String> {
    if let Some((at, c)) = first_forbidden(value) {
        return Err(crate::tr!(
            "text-forbidden-char",
            field = field,
            at = value[..at].chars().count() + 1,
            what = describe(c),
            code = format!("U+{:04X}", c as u32)
        ));
    }
    // A text of no more bytes than the limit has no more characters.
    if value.len() > max_chars {
        let count = value.chars().count();
        if count > max_chars {
            return Err(crate::tr!(
                "text-too-long",
                field = field,
                count = count,
                max = max_chars
            ));
        }
    }
    Ok(())
}

/// [`check_stored_text`] as a rule of the ledger (a refused command, exit 1).
pub fn check_stored_rule(field: &str, value: &str, max_chars: usize) -> crate::Result<()> {
    check_stored_text(field, value, max_chars).map_err(crate::Error::Rule)
}

/// `value` as an error message may quote it: its first 40 characters (then `…`), each
/// character a stored text may not hold written as `\u{…}`.
pub fn excerpt(value: &str) -> String {
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if i == 40 {
            out.push('…');
            break;
        }
        if forbidden(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `value` has white space at either end.
fn padded(value: &str) -> bool {
    value.trim() != value
}

/// Check a household id (as the register has it and as postings tag it): a stored text of at
/// most [`HOUSEHOLD_ID_MAX`] characters with no white space anywhere, no `/`, `\`, `:`, `;`
/// or `"`, not `.` and without `..` — it names the household's payable account
/// (`负债:应付款:农户:<id>`) and its statement's file (`<id>-<year>.pdf`).
pub fn check_household_id(field: &str, id: &str) -> Result<(), String> {
    // Most ids are short and ASCII: letters, digits, `-`, `_`, a single `.`.
    let mut plain = !id.is_empty() && id.len() <= HOUSEHOLD_ID_MAX && id != ".";
    let mut dot = false;
    for b in id.bytes() {
        let bad = !b.is_ascii_graphic() || matches!(b, b'/' | b'\\' | b':' | b';' | b'"');
        if bad || (dot && b == b'.') {
            plain = false;
            break;
        }
        dot = b == b'.';
    }
    if plain {
        return Ok(());
    }
    if id.is_empty() {
        return Err(crate::tr!("text-empty", field = field));
    }
    check_stored_text(field, id, HOUSEHOLD_ID_MAX)?;
    if padded(id) {
        return Err(crate::tr!("household-id-padded", field = field, id = id));
    }
    if id.chars().any(char::is_whitespace) {
        return Err(crate::tr!("household-id-space", field = field, id = id));
    }
    if let Some(c) = id
        .chars()
        .find(|c| matches!(c, '/' | '\\' | ':' | ';' | '"'))
    {
        return Err(crate::tr!(
            "household-id-char",
            field = field,
            id = id,
            char = c
        ));
    }
    if id == "." || id.contains("..") {
        return Err(crate::tr!("household-id-dots", field = field, id = id));
    }
    Ok(())
}

/// Check a village name: a stored text of at most [`VILLAGE_MAX`] characters, without white
/// space at either end, `/` or `\`, not `.` and without `..` — it names the folder a
/// statement batch writes the village's statements into.
pub fn check_village(field: &str, village: &str) -> Result<(), String> {
    check_stored_text(field, village, VILLAGE_MAX)?;
    if padded(village) {
        return Err(crate::tr!(
            "village-padded",
            field = field,
            village = village
        ));
    }
    if let Some(c) = village.chars().find(|c| matches!(c, '/' | '\\')) {
        return Err(crate::tr!(
            "village-char",
            field = field,
            village = village,
            char = c
        ));
    }
    if village == "." || village.contains("..") {
        return Err(crate::tr!("village-dots", field = field, village = village));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_passes() {
        for ok in [
            "",
            "发放补助",
            "程村蚝 2024年分红（第1批）：¥1,234.56 — 见附件…",
            "刘䶮",
            "Ünïcødé café",
            "𠀀 supplementary",
            "emoji 👍",
        ] {
            assert_eq!(check_stored_text("memo", ok, MEMO_MAX), Ok(()), "{ok:?}");
        }
    }

    #[test]
    fn controls_and_invisible_characters_are_refused_by_position() {
        let cases = [
            ("a\0b", 2, "a NUL byte (U+0000)"),
            ("发放\t补助", 3, "a tab (U+0009)"),
            ("发放\n", 3, "a line break (U+000A)"),
            ("x\u{85}", 2, "a line break (U+0085)"),
            ("x\u{9b}", 2, "a control character (U+009B)"),
            (
                "abc\u{202e}fdp.exe",
                4,
                "a bidirectional-text control (U+202E)",
            ),
            ("\u{2066}x", 1, "a bidirectional-text control (U+2066)"),
            ("\u{200f}", 1, "a bidirectional-text control (U+200F)"),
            ("叶\u{200b}国", 2, "an invisible format character (U+200B)"),
            ("x\u{feff}", 2, "an invisible format character (U+FEFF)"),
            ("x\u{e0041}", 2, "an invisible format character (U+E0041)"),
            ("鍙\u{fffd}", 2, "the replacement character"),
        ];
        for (text, at, what) in cases {
            let err = check_stored_text("memo", text, MEMO_MAX).unwrap_err();
            assert!(
                err.starts_with(&format!("memo: character {at} is {what}")),
                "{text:?}: {err}"
            );
        }
    }

    #[test]
    fn every_forbidden_character_is_found_whatever_its_neighbours() {
        let all = (0..=0x10ffffu32).filter_map(char::from_u32);
        for c in all.filter(|&c| forbidden(c)) {
            let text = format!("发放{c}补助");
            assert!(first_forbidden(&text).is_some(), "U+{:04X}", c as u32);
        }
        // And nothing else is.
        let mut text = String::new();
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            if !forbidden(c) {
                text.push(c);
            }
        }
        assert_eq!(first_forbidden(&text), None);
    }

    #[test]
    fn lengths_count_characters() {
        let memo = "补".repeat(MEMO_MAX);
        assert_eq!(check_stored_text("memo", &memo, MEMO_MAX), Ok(()));
        let longer = format!("{memo}x");
        assert_eq!(
            check_stored_text("memo", &longer, MEMO_MAX),
            Err("memo is 1001 characters long; at most 1000 are allowed".into())
        );
    }

    #[test]
    fn household_ids_and_villages_are_path_safe() {
        for ok in ["H0001", "西一村-017", "h_1.a"] {
            assert_eq!(check_household_id("household", ok), Ok(()));
        }
        for bad in [
            "",
            " H0001 ",
            "H0001 ",
            "H 0001",
            "H\u{3000}1",
            "../x",
            "a/b",
            "a\\b",
            ".",
            "..",
            "x..y",
            "a:b",
            "a;b",
            "H\u{0}",
        ] {
            assert!(check_household_id("household", bad).is_err(), "{bad:?}");
        }
        assert_eq!(check_village("village", "西一村"), Ok(()));
        assert_eq!(check_village("village", "West One"), Ok(()));
        for bad in [
            " 西一村",
            "西一村 ",
            "../etc",
            "a/b",
            "a\\b",
            ".",
            "..",
            "村\u{202e}",
        ] {
            assert!(check_village("village", bad).is_err(), "{bad:?}");
        }
    }
}

//! A transaction's postings as stored: one JSON array in the transaction's own row.
//!
//! `[[account, fen, memo, household, ref, fund, purpose, source, donor, project], …]`, in
//! posting order. `account` is the account's id and `fen` the signed amount in fen; `memo` is
//! `null` when it is the transaction's memo; `fund` … `project` are a fund tag (see
//! `funds::movement`); trailing `null`s are left out. Keeping a transaction's postings in its row makes posting a
//! transaction one row write, not one per posting; JSON keeps them readable with SQLite's own
//! functions (`json_each`), which is what the `postings` view does.

use crate::error::{Error, Result};
use crate::ledger::transaction::{PostingContent, TagContent};

/// A posting as stored: its account by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct StoredPosting {
    pub account: i64,
    pub fen: i64,
    /// `None`: the transaction's memo.
    pub memo: Option<String>,
    pub household: Option<String>,
    pub reference: Option<String>,
    pub tag: Option<StoredTag>,
}

/// A posting's fund tag as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct StoredTag {
    pub fund: String,
    pub purpose: Option<String>,
    pub source: Option<String>,
    pub donor: Option<String>,
    pub project: Option<String>,
}

impl StoredTag {
    pub fn content(&self) -> TagContent<'_> {
        TagContent {
            fund: &self.fund,
            purpose: self.purpose.as_deref(),
            source: self.source.as_deref(),
            donor: self.donor.as_deref(),
            project: self.project.as_deref(),
        }
    }
}

/// Append the JSON array of `postings`, each with its account's id (of a transaction whose
/// memo is `txn_memo`), to `out`.
pub(crate) fn encode<'a>(
    out: &mut String,
    txn_memo: &str,
    postings: impl IntoIterator<Item = (PostingContent<'a>, i64)>,
) {
    out.push('[');
    for (i, (p, account)) in postings.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        push_int(out, account);
        out.push(',');
        push_int(out, p.fen);
        let household = p.household.filter(|h| !h.is_empty());
        let reference = p.reference.filter(|r| !r.is_empty());
        let memo = (p.memo != txn_memo).then_some(p.memo);
        let tag = p.tag;
        let fields = [
            memo,
            household,
            reference,
            tag.map(|t| t.fund),
            tag.and_then(|t| t.purpose),
            tag.and_then(|t| t.source),
            tag.and_then(|t| t.donor),
            tag.and_then(|t| t.project),
        ];
        let used = fields
            .iter()
            .rposition(Option::is_some)
            .map_or(0, |i| i + 1);
        for field in &fields[..used] {
            out.push(',');
            match field {
                Some(s) => push_string(out, s),
                None => out.push_str("null"),
            }
        }
        out.push(']');
    }
    out.push(']');
}

pub(super) fn push_int(out: &mut String, v: i64) {
    out.push_str(itoa::Buffer::new().format(v));
}

/// `s` as a JSON string, quoted.
pub(crate) fn push_string(out: &mut String, s: &str) {
    out.push('"');
    // Most text needs no escape: one pass without branches (it vectorizes), then one copy.
    let plain = !s.bytes().fold(false, |any, b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if plain {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            out.push_str(&format!("\\u{b:04x}"));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// The postings stored as `json` (what [`encode`] wrote, or any JSON of that shape).
pub(crate) fn decode(json: &str) -> Result<Vec<StoredPosting>> {
    let mut out = Vec::with_capacity(4);
    decode_into(json, &mut out)?;
    Ok(out)
}

/// As [`decode`], into `out` (cleared first).
pub(crate) fn decode_into(json: &str, out: &mut Vec<StoredPosting>) -> Result<()> {
    out.clear();
    let mut p = Parser {
        s: json.as_bytes(),
        at: 0,
    };
    let bad = |what: &str| Error::Tampered(crate::tr!("postings-unreadable", what = what));
    p.expect(b'[').map_err(|_| bad("not a JSON array"))?;
    if p.eat(b']') {
        return p.end().map_err(|_| bad("text after the array"));
    }
    loop {
        p.expect(b'[')
            .map_err(|_| bad("a posting is not an array"))?;
        let account = p.int().map_err(|_| bad("account is not an integer id"))?;
        p.expect(b',').map_err(|_| bad("a posting has no amount"))?;
        let fen = p
            .int()
            .map_err(|_| bad("amount is not an integer in fen"))?;
        let mut fields: [Option<String>; 8] = Default::default();
        let mut n = 0;
        while p.eat(b',') {
            if n == fields.len() {
                return Err(bad("a posting has too many fields"));
            }
            fields[n] = p
                .nullable_string()
                .map_err(|_| bad("a text field is not text"))?;
            n += 1;
        }
        p.expect(b']').map_err(|_| bad("a posting is not closed"))?;
        let [memo, household, reference, fund, purpose, source, donor, project] = fields;
        let tag = match fund {
            Some(fund) => Some(StoredTag {
                fund,
                purpose,
                source,
                donor,
                project,
            }),
            None if purpose.is_some()
                || source.is_some()
                || donor.is_some()
                || project.is_some() =>
            {
                return Err(bad("a fund tag names no fund"));
            }
            None => None,
        };
        out.push(StoredPosting {
            account,
            fen,
            memo,
            household,
            reference,
            tag,
        });
        if p.eat(b',') {
            continue;
        }
        p.expect(b']').map_err(|_| bad("the array is not closed"))?;
        return p.end().map_err(|_| bad("text after the array"));
    }
}

/// The household of each posting of `json` (the stored JSON's bytes) that names one, handed to
/// `each` as (its line, the household), without reading the rest of the postings into
/// strings (a report that reads hundreds of thousands of transactions for their households
/// only). A household is borrowed from `json` unless it was written with an escape.
pub(crate) fn each_household<'a>(
    json: &'a [u8],
    mut each: impl FnMut(usize, std::borrow::Cow<'a, str>),
) -> Result<()> {
    let bad = |what: &str| Error::Tampered(crate::tr!("postings-unreadable", what = what));
    let mut p = Parser { s: json, at: 0 };
    p.expect(b'[').map_err(|_| bad("not a JSON array"))?;
    if p.eat(b']') {
        return Ok(());
    }
    let mut line = 0;
    loop {
        p.expect(b'[')
            .map_err(|_| bad("a posting is not an array"))?;
        p.int().map_err(|_| bad("account is not an integer id"))?;
        p.expect(b',').map_err(|_| bad("a posting has no amount"))?;
        p.int()
            .map_err(|_| bad("amount is not an integer in fen"))?;
        let mut field = 0;
        while p.eat(b',') {
            // The fields after the amount: memo, household, reference, the fund tag.
            if field == 1 {
                if let Some(household) = p
                    .borrowed_string()
                    .map_err(|_| bad("a text field is not text"))?
                {
                    each(line, household);
                }
            } else {
                p.skip_string()
                    .map_err(|_| bad("a text field is not text"))?;
            }
            field += 1;
        }
        p.expect(b']').map_err(|_| bad("a posting is not closed"))?;
        line += 1;
        if p.eat(b',') {
            continue;
        }
        p.expect(b']').map_err(|_| bad("the array is not closed"))?;
        return Ok(());
    }
}

/// A reader of the JSON this module and `line_blocks` write (and of any equivalent JSON).
pub(super) struct Parser<'a> {
    s: &'a [u8],
    at: usize,
}

impl<'a> Parser<'a> {
    pub(super) fn new(s: &'a str) -> Parser<'a> {
        Parser {
            s: s.as_bytes(),
            at: 0,
        }
    }

    pub(super) fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.s.get(self.at) {
            self.at += 1;
        }
    }

    pub(super) fn eat(&mut self, b: u8) -> bool {
        self.skip_ws();
        if self.s.get(self.at) == Some(&b) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    pub(super) fn expect(&mut self, b: u8) -> std::result::Result<(), ()> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(())
        }
    }

    pub(super) fn end(&mut self) -> std::result::Result<(), ()> {
        self.skip_ws();
        if self.at == self.s.len() {
            Ok(())
        } else {
            Err(())
        }
    }

    pub(super) fn int(&mut self) -> std::result::Result<i64, ()> {
        self.skip_ws();
        let negative = self.s.get(self.at) == Some(&b'-');
        if negative {
            self.at += 1;
        }
        let start = self.at;
        let mut v: i64 = 0;
        while let Some(&d @ b'0'..=b'9') = self.s.get(self.at) {
            v = v
                .checked_mul(10)
                .and_then(|v| v.checked_add((d - b'0') as i64))
                .ok_or(())?;
            self.at += 1;
        }
        if self.at == start || matches!(self.s.get(self.at), Some(b'.' | b'e' | b'E')) {
            return Err(());
        }
        Ok(if negative { -v } else { v })
    }

    /// Pass over a text or `null` without reading it.
    pub(super) fn skip_string(&mut self) -> std::result::Result<(), ()> {
        self.skip_ws();
        if self.s[self.at..].starts_with(b"null") {
            self.at += 4;
            return Ok(());
        }
        self.expect(b'"')?;
        loop {
            match self.s.get(self.at) {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(());
                }
                Some(b'\\') => self.at += 2,
                Some(_) => self.at += 1,
                None => return Err(()),
            }
        }
    }

    /// A text or `null`, borrowed from the JSON when it has no escape.
    pub(super) fn borrowed_string(
        &mut self,
    ) -> std::result::Result<Option<std::borrow::Cow<'a, str>>, ()> {
        self.skip_ws();
        let from = self.at;
        if self.s.get(self.at) == Some(&b'"') {
            let start = self.at + 1;
            let mut at = start;
            while let Some(&b) = self.s.get(at) {
                if b == b'"' {
                    self.at = at + 1;
                    let text = std::str::from_utf8(&self.s[start..at]).map_err(|_| ())?;
                    return Ok(Some(std::borrow::Cow::Borrowed(text)));
                }
                if b == b'\\' {
                    break;
                }
                at += 1;
            }
        }
        self.at = from;
        Ok(self.nullable_string()?.map(std::borrow::Cow::Owned))
    }

    pub(super) fn nullable_string(&mut self) -> std::result::Result<Option<String>, ()> {
        self.skip_ws();
        if self.s[self.at..].starts_with(b"null") {
            self.at += 4;
            return Ok(None);
        }
        self.expect(b'"')?;
        let mut out = Vec::new();
        loop {
            let start = self.at;
            while let Some(&b) = self.s.get(self.at) {
                if b == b'"' || b == b'\\' {
                    break;
                }
                self.at += 1;
            }
            out.extend_from_slice(&self.s[start..self.at]);
            match self.s.get(self.at) {
                Some(b'"') => {
                    self.at += 1;
                    return String::from_utf8(out).map(Some).map_err(|_| ());
                }
                Some(b'\\') => {
                    self.at += 1;
                    let c = *self.s.get(self.at).ok_or(())?;
                    self.at += 1;
                    let ch = match c {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            if (0xd800..0xdc00).contains(&hi) {
                                if !self.s[self.at..].starts_with(b"\\u") {
                                    return Err(());
                                }
                                self.at += 2;
                                let lo = self.hex4()?;
                                if !(0xdc00..0xe000).contains(&lo) {
                                    return Err(());
                                }
                                let code = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
                                char::from_u32(code).ok_or(())?
                            } else {
                                char::from_u32(hi).ok_or(())?
                            }
                        }
                        _ => return Err(()),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                _ => return Err(()),
            }
        }
    }

    fn hex4(&mut self) -> std::result::Result<u32, ()> {
        let digits = self.s.get(self.at..self.at + 4).ok_or(())?;
        let text = std::str::from_utf8(digits).map_err(|_| ())?;
        let v = u32::from_str_radix(text, 16).map_err(|_| ())?;
        self.at += 4;
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn encode_one(txn_memo: &str, postings: &[StoredPosting]) -> String {
        let mut out = String::new();
        encode(
            &mut out,
            txn_memo,
            postings.iter().map(|p| {
                let content = PostingContent {
                    account: "",
                    fen: p.fen,
                    memo: p.memo.as_deref().unwrap_or(txn_memo),
                    household: p.household.as_deref(),
                    reference: p.reference.as_deref(),
                    tag: p.tag.as_ref().map(StoredTag::content),
                };
                (content, p.account)
            }),
        );
        out
    }

    #[test]
    fn shape_is_compact_and_readable() {
        let postings = vec![
            StoredPosting {
                account: 3,
                fen: 12_345,
                memo: None,
                household: None,
                reference: None,
                tag: None,
            },
            StoredPosting {
                account: 12,
                fen: -12_345,
                memo: Some("手续费 \"A\"\n".into()),
                household: Some("H0001".into()),
                reference: None,
                tag: None,
            },
            StoredPosting {
                account: 1,
                fen: 0,
                memo: None,
                household: None,
                reference: Some("B-7".into()),
                tag: None,
            },
            StoredPosting {
                account: 4,
                fen: 300,
                memo: None,
                household: None,
                reference: None,
                tag: Some(StoredTag {
                    fund: "630".into(),
                    purpose: Some("助学".into()),
                    ..StoredTag::default()
                }),
            },
        ];
        let json = encode_one("分红", &postings);
        assert_eq!(
            json,
            r#"[[3,12345],[12,-12345,"手续费 \"A\"\n","H0001"],[1,0,null,null,"B-7"],[4,300,null,null,null,"630","助学"]]"#
        );
        assert_eq!(decode(&json).unwrap(), postings);
        // What SQLite's json functions write back is read the same.
        assert_eq!(
            decode(r#"[ [3, 12345, null], [12,-12345,"\u624b\u7eed\u8d39 \"A\"\n","H0001",null] ,[1,0,null,null,"B\/7"]]"#)
                .unwrap()[1]
                .memo
                .as_deref(),
            Some("手续费 \"A\"\n")
        );
    }

    #[test]
    fn malformed_text_is_refused() {
        for bad in [
            "",
            "[",
            "[[1]]",
            "[[1,2.5]]",
            "[[1,2e3]]",
            "[[\"1\",2]]",
            "[[1,2,3]]",
            "[[1,2,null,null,null,null,null,null,null,null,null]]",
            "[[1,2,null,null,null,null,\"助学\"]]",
            "[[1,2]] x",
            "[[1,99999999999999999999]]",
            "[[1,2,\"\\ud800\"]]",
        ] {
            assert!(decode(bad).is_err(), "{bad} was read");
        }
        assert_eq!(decode("[]").unwrap(), vec![]);
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[a-z0-9 ]{0,8}",
            any::<String>(),
            "[\\x00-\\x1f\"\\\\/]{0,6}",
        ]
    }

    proptest! {
        #[test]
        fn round_trips(
            txn_memo in text(),
            rows in prop::collection::vec(
                (any::<i64>(), any::<i64>(), prop::option::of(text()), prop::option::of(text()), prop::option::of(text())),
                0..6,
            ),
        ) {
            let postings: Vec<StoredPosting> = rows
                .into_iter()
                .map(|(account, fen, memo, household, reference)| StoredPosting {
                    account,
                    fen,
                    memo: memo.filter(|m| *m != txn_memo),
                    household: household.filter(|h| !h.is_empty()),
                    reference: reference.filter(|r| !r.is_empty()),
                    tag: None,
                })
                .collect();
            let json = encode_one(&txn_memo, &postings);
            prop_assert_eq!(decode(&json).unwrap(), postings);
            // Valid JSON: serde_json reads it as an array of arrays.
            let value: serde_json::Value = serde_json::from_str(&json).unwrap();
            prop_assert!(value.is_array());
        }
    }
}

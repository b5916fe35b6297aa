//! One cell's text, money or date, and the labelled values of title rows.

use super::*;

/// The `label：value` pairs of a title row, labels without spaces: `账号：6228 4800`, `户名:
/// 某某镇` in one cell or several, or a label in one cell and its value in the next.
pub(super) fn labelled_values(texts: &[String]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let cells: Vec<&String> = texts.iter().filter(|t| !t.is_empty()).collect();
    for (i, cell) in cells.iter().enumerate() {
        // The value in the next cell, unless that cell is a `label：value` of its own.
        let next = || {
            cells
                .get(i + 1)
                .filter(|s| !s.contains([':', '：']))
                .map(|s| s.to_string())
                .unwrap_or_default()
        };
        let colons: Vec<(usize, usize)> = cell
            .char_indices()
            .filter(|(_, c)| matches!(c, ':' | '：'))
            .map(|(at, c)| (at, at + c.len_utf8()))
            .collect();
        if colons.is_empty() {
            let label = key_of(&without_spaces(cell));
            if is_key(&label) {
                out.push((label, next()));
            }
            continue;
        }
        // Each colon's label starts after the previous value's end: at the last separator
        // before it that is not inside a spaced-out label (`账  号：`).
        let mut starts = Vec::new();
        let mut from = 0;
        for (k, (at, after)) in colons.iter().enumerate() {
            let before = &cell[from..*at];
            let label_start = from + label_start(before);
            starts.push((label_start, *at, *after));
            from = if k + 1 < colons.len() {
                *after
            } else {
                cell.len()
            };
        }
        for (k, (label_start, at, after)) in starts.iter().enumerate() {
            let label = key_of(&without_spaces(&cell[*label_start..*at]));
            let end = starts.get(k + 1).map_or(cell.len(), |s| s.0);
            let value = cell[*after..end]
                .trim_matches(|c: char| {
                    c.is_whitespace() || matches!(c, ',' | '，' | ';' | '；' | '|')
                })
                .to_string();
            let value = if value.is_empty() && k + 1 == starts.len() {
                next()
            } else if k + 1 == starts.len() && OPENING_KEYS.contains(&label.as_str()) {
                // `期初余额：1,234.00` in a CSV row without quotes: the comma split the amount.
                glue_groups(value, &cells[i + 1..])
            } else {
                value
            };
            out.push((label, value));
        }
    }
    out
}

/// An amount's first digits (`1`) with the groups of three digits that a comma split off it
/// into the following cells (`234.00`) put back: `1,234.00`.
pub(super) fn glue_groups(value: String, following: &[&String]) -> String {
    let digits = value.trim_start_matches(['¥', '￥', '-']);
    if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return value;
    }
    let mut out = value;
    for cell in following {
        let (whole, rest) = cell.split_at(cell.find(['.', '元']).unwrap_or(cell.len()));
        if whole.len() != 3 || !whole.bytes().all(|b| b.is_ascii_digit()) {
            break;
        }
        out.push(',');
        out.push_str(cell);
        if !rest.is_empty() {
            break;
        }
    }
    out
}

/// Where the label before a colon begins in `before` (the text from the previous value to the
/// colon): its last word, or its last few words when together they make a label spaced out
/// for alignment (`账  号`).
pub(super) fn label_start(before: &str) -> usize {
    let mut words: Vec<(usize, usize, bool)> = Vec::new();
    let mut start: Option<usize> = None;
    let mut separated = false;
    for (at, c) in before.char_indices() {
        if c.is_whitespace() || is_separator(c) {
            if let Some(s) = start.take() {
                words.push((s, at, separated));
                separated = false;
            }
            separated |= is_separator(c);
        } else if start.is_none() {
            start = Some(at);
        }
    }
    if let Some(s) = start {
        words.push((s, before.len(), separated));
    }
    let Some(&(last, _, _)) = words.last() else {
        return before.len();
    };
    let mut best = last;
    for k in 2..=4.min(words.len()) {
        let run = &words[words.len() - k..];
        if run[1..].iter().any(|w| w.2) {
            break;
        }
        if is_key(&without_spaces(&before[run[0].0..])) {
            best = run[0].0;
        }
    }
    best
}

pub(super) fn is_separator(c: char) -> bool {
    matches!(c, ',' | '，' | ';' | '；' | '|' | '、')
}

/// A label as a key: `账号/卡号` is `账号`.
pub(super) fn key_of(label: &str) -> String {
    label
        .split(['/', '／'])
        .find(|part| is_key(part))
        .unwrap_or(label)
        .to_string()
}

pub(super) fn is_key(label: &str) -> bool {
    [ACCOUNT_KEYS, NAME_KEYS, OPENING_KEYS]
        .iter()
        .any(|keys| keys.contains(&label))
}

pub(super) fn without_spaces(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A cell's text as data: control characters (but tab) dropped, trimmed, an Excel text guard
/// (`="0123"`, a leading `'`) taken off.
pub(super) fn clean(s: &str) -> String {
    let kept: String = s
        .chars()
        .filter(|c| !c.is_control() || *c == '\t')
        .collect();
    let t = kept.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let t = t
        .strip_prefix("=\"")
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(t);
    let t = t.strip_prefix('\'').unwrap_or(t);
    t.trim().to_string()
}

pub(super) fn is_blank_money(t: &str) -> bool {
    matches!(t.trim(), "" | "-" | "--" | "—" | "－" | "/")
}

/// An amount cell: `1,234.50`, `¥1,234.50`, `-50.00`, `(50.00)`, `1234.50元`; `None` when
/// blank (or `-`). A workbook's number cell carrying a float's noise (`10250.000000000002`)
/// is taken to the fen it stands for; any other third decimal is an error.
pub(super) fn parse_money(
    text: &str,
    workbook: bool,
) -> std::result::Result<Option<Amount>, String> {
    let t = text.trim();
    if is_blank_money(t) {
        return Ok(None);
    }
    let mut t: String = t
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == '－' { '-' } else { c })
        .collect();
    for prefix in ["人民币", "RMB", "CNY"] {
        if let Some(r) = t.strip_prefix(prefix) {
            t = r.to_string();
        }
    }
    if let Some(r) = t.strip_suffix('元') {
        t = r.trim().to_string();
    }
    let bracketed = t
        .strip_prefix(['(', '（'])
        .and_then(|r| r.strip_suffix([')', '）']))
        .map(|r| r.trim().to_string());
    let (negative, t) = match bracketed {
        Some(inner) if !inner.starts_with(['-', '+']) => (true, inner),
        Some(_) => return Err(crate::money::AmountError::NotANumber(t).to_string()),
        None => (false, t),
    };
    let parsed = match Amount::parse(&t) {
        Ok(a) => a,
        Err(crate::money::AmountError::TooManyDecimals(_)) if workbook => float_noise(&t)
            .ok_or_else(|| crate::money::AmountError::TooManyDecimals(t.clone()).to_string())?,
        Err(e) => return Err(e.to_string()),
    };
    Ok(Some(if negative { -parsed } else { parsed }))
}

/// A number cell's decimal text that is a whole number of fen but for a float's last digits.
pub(super) fn float_noise(t: &str) -> Option<Amount> {
    let plain = t.strip_prefix('-').unwrap_or(t);
    if !plain.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let d = Decimal::from_str_exact(t).ok()?;
    let fen = d.round_dp(2);
    if (d - fen).abs() >= Decimal::new(1, 6) {
        return None;
    }
    Amount::from_decimal_exact(fen).filter(|a| a.within_posting_limit())
}

/// A date cell: `2024-09-03`, `2024/9/3`, `2024.09.03`, `20240903`, `2024年9月3日`, any of
/// them with a time after it; in a workbook also a date serial number; with `format` first.
pub(super) fn parse_date(text: &str, format: Option<&str>, workbook: bool) -> Option<NaiveDate> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(f) = format {
        if let Ok(d) = NaiveDate::parse_from_str(t, f) {
            return Some(d);
        }
        if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(t, f) {
            return Some(dt.date());
        }
    }
    let head = t
        .split(|c: char| c.is_whitespace() || c == 'T')
        .next()
        .unwrap_or(t);
    // After the date only a time may follow (`10:22:01`, `T10:22:01.000+08:00`), not words.
    let time_like = t[head.len()..].chars().all(|c| {
        c.is_ascii_digit() || c.is_whitespace() || matches!(c, ':' | '.' | '-' | '+' | 'T' | 'Z')
    });
    if !time_like {
        return None;
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if digits(head) && (head.len() == 8 || head.len() == 14) {
        return NaiveDate::parse_from_str(&head[..8], "%Y%m%d").ok();
    }
    if workbook {
        let whole = head
            .split_once('.')
            .map_or(head, |(w, f)| if digits(f) { w } else { "" });
        if digits(whole) && whole.len() <= 7 {
            let serial: i64 = whole.parse().ok()?;
            if (1..=2_958_465).contains(&serial) {
                return NaiveDate::from_ymd_opt(1899, 12, 30)?
                    .checked_add_signed(chrono::TimeDelta::try_days(serial)?);
            }
        }
    }
    let head = if head.contains('年') {
        head.replace(['年', '月'], "-").replace('日', "")
    } else {
        head.to_string()
    };
    ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(&head, f).ok())
        .filter(|d| {
            use chrono::Datelike;
            (1900..=9999).contains(&d.year())
        })
}

/// Whether the file at `path` is a workbook, by the rule of [`read_rows`].
pub(super) fn is_workbook(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("xlsx" | "xlsm" | "xlsb" | "xls" | "ods") => true,
        Some("csv" | "txt") => false,
        _ => {
            use std::io::Read;
            let mut head = [0u8; 4];
            std::fs::File::open(path)
                .and_then(|mut f| f.read_exact(&mut head))
                .is_ok()
                && (head == *b"PK\x03\x04" || head == [0xD0, 0xCF, 0x11, 0xE0])
        }
    }
}

/// Whether `lines` (as the file lists them) run newest first: by their balances where those
/// tell (each balance follows from the one below it rather than the one above), else by their
/// dates.
pub(super) fn newest_first(lines: &[BankLine]) -> bool {
    let (mut forward, mut backward) = (0usize, 0usize);
    for pair in lines.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if let (Some(ab), Some(bb)) = (a.balance, b.balance) {
            if ab.checked_add(b.amount) == Some(bb) {
                forward += 1;
            }
            if bb.checked_add(a.amount) == Some(ab) {
                backward += 1;
            }
        }
    }
    if forward != backward {
        return backward > forward;
    }
    match (lines.first(), lines.last()) {
        (Some(first), Some(last)) => first.date > last.date,
        _ => false,
    }
}

//! A4 PDF pages: the layout engine for printed statements, notices and reports.
//!
//! Layout: title and subtitle centred; header fields in a grid of up to three columns, as many
//! as fit with every label and value on one line (a long one on a row of its own); tables at
//! the full text width, amounts, counts and codes (dates, voucher numbers) as wide as they
//! need and the text columns sharing the rest by their weights, so that one report gets the
//! same columns in every document; the header row shaded and repeated on every page the table
//! continues on; numbers right-aligned by measured glyph widths (never cut: shrunk if they
//! must), text wrapped inside its column onto as many lines as it needs (never cut); a row
//! that does not fit moves to the next page whole; strong rows and totals emphasised, totals
//! under a rule; notes, each kept on one page and the last with the signature lines at the
//! end; then the seal block of a public document (`seal.rs`); on continuation pages the
//! document's running head (`H0001 叶建国（续）`); a footer with the document's footer text
//! and `第 1 页 共 N 页` (`Page 1 of N`) on every page.
//!
//! Every string is checked against the font before anything is drawn: a character the font
//! cannot draw is an error naming the character and where it is ([`MissingGlyphs`]), never a
//! box on paper. Output is deterministic: the creation date comes from [`RenderOptions`], and
//! the file identifiers are derived from the content.

use std::fmt;

use printpdf::{
    Codepoint, Color, FontId, Greyscale, Line, LinePoint, Op, PaintMode, PdfDocument, PdfFont,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem, TextMatrix,
    TextRenderingMode,
};

use crate::error::{Error, Result};
use crate::report::document::{Align, Cell, ColumnGroup, Document, Lang, Row, Table};

use super::font::{is_layout_whitespace, Font};
use super::text::label_separator;
use super::{indent_column, write_error, RenderOptions};

pub mod grouped;
mod keep;
mod seal;

// Page geometry in points (A4 portrait).
const PAGE_W: f32 = 595.276;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 48.0;
const MARGIN_TOP: f32 = 48.0;
/// Lowest point body content may reach; the footer lives below it.
const BODY_BOTTOM: f32 = 62.0;
const FOOTER_BASELINE: f32 = 34.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

// Type sizes in points.
const TITLE_SIZE: f32 = 16.0;
const SUBTITLE_SIZE: f32 = 10.0;
const FIELD_SIZE: f32 = 9.5;
const CAPTION_SIZE: f32 = 10.0;
const BODY_SIZE: f32 = 9.0;
const NOTE_SIZE: f32 = 9.0;
const FOOTER_SIZE: f32 = 8.0;
/// Smallest size an amount is shrunk to when its column is too narrow.
const MIN_SIZE: f32 = 5.0;

/// Line height as a multiple of the type size.
const LEADING: f32 = 1.4;
/// Horizontal padding inside a table cell, each side.
const CELL_PAD_X: f32 = 4.0;
/// Vertical padding inside a table cell, top and bottom.
const CELL_PAD_Y: f32 = 2.5;
/// Indentation of nested rows, per level.
const INDENT_STEP: f32 = 9.0;
/// Gap between header field columns.
const FIELD_GAP: f32 = 14.0;
/// Space under the running head of a continuation page.
const RUNNING_HEAD_GAP: f32 = 6.0;

const BLACK: f32 = 0.0;
const GREY_TEXT: f32 = 0.35;
const GREY_RULE: f32 = 0.72;
const HEADER_SHADE: f32 = 0.91;
/// Stroke width that thickens glyph outlines for emphasis (title, headers, totals).
const BOLD_STROKE: f32 = 0.28;

/// The underline after a signature label.
const SIGNATURE_BLANK: &str = "____________";

/// Characters the font lacks, and where the document uses them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingGlyphs {
    /// The font that was asked (its path, or the built-in one).
    pub font: String,
    /// Every missing character once, in order of first use.
    pub chars: Vec<char>,
    /// Where each was found.
    pub places: Vec<MissingPlace>,
}

impl MissingGlyphs {
    /// The characters missing in `places`, each once in order of first use.
    pub fn new(font: &str, places: Vec<MissingPlace>) -> MissingGlyphs {
        let mut chars: Vec<char> = Vec::new();
        for &c in places.iter().flat_map(|p| &p.chars) {
            if !chars.contains(&c) {
                chars.push(c);
            }
        }
        MissingGlyphs {
            font: font.to_string(),
            chars,
            places,
        }
    }
}

/// One string of the document with characters the font lacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingPlace {
    /// Where the string is: `field 户主姓名`, `table 分配明细, row 3, column 姓名`, `title`, …
    pub place: String,
    pub chars: Vec<char>,
}

/// How many places a message lists before summarising the rest.
const MAX_PLACES_SHOWN: usize = 40;

fn describe(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("'{c}' (U+{:04X})", c as u32)
    }
}

fn describe_all(chars: &[char]) -> String {
    chars
        .iter()
        .map(|&c| describe(c))
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for MissingGlyphs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.chars.len();
        writeln!(
            f,
            "cannot print the PDF: the font {} has no glyph for {} character{}: {}",
            self.font,
            n,
            if n == 1 { "" } else { "s" },
            describe_all(&self.chars)
        )?;
        for p in self.places.iter().take(MAX_PLACES_SHOWN) {
            let word = if p.chars.len() == 1 {
                "character"
            } else {
                "characters"
            };
            writeln!(
                f,
                "  {}: {word} {} not in the font",
                p.place,
                describe_all(&p.chars)
            )?;
        }
        if self.places.len() > MAX_PLACES_SHOWN {
            writeln!(
                f,
                "  … and {} more places",
                self.places.len() - MAX_PLACES_SHOWN
            )?;
        }
        write!(
            f,
            "correct the text, or choose a font that has these characters (--font PATH)"
        )
    }
}

impl std::error::Error for MissingGlyphs {}

impl From<MissingGlyphs> for Error {
    fn from(m: MissingGlyphs) -> Self {
        Error::Rule(m.to_string())
    }
}

/// How a table is named in messages: its caption, or its number.
fn table_name(table: &Table, index: usize) -> String {
    match &table.caption {
        Some(c) if !c.trim().is_empty() => format!("table {c}"),
        _ => format!("table {}", index + 1),
    }
}

/// Page label: `第 1 页 共 2 页` or `Page 1 of 2`.
fn page_label(lang: Lang, page: usize, pages: usize) -> String {
    match lang {
        Lang::Zh => format!("第 {page} 页 共 {pages} 页"),
        Lang::En => format!("Page {page} of {pages}"),
    }
}

/// Marks a caption repeated on a continuation page.
fn continued(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "（续）",
        Lang::En => " (continued)",
    }
}

/// Check every string the PDF of `doc` would show against `font`.
pub fn check_glyphs(doc: &Document, font: &Font) -> std::result::Result<(), MissingGlyphs> {
    let mut places: Vec<MissingPlace> = Vec::new();
    let mut check = |place: &dyn Fn() -> String, s: &str| {
        let chars = font.missing_chars(s);
        if !chars.is_empty() {
            places.push(MissingPlace {
                place: place(),
                chars,
            });
        }
    };
    check(&|| "title".into(), &doc.title);
    if let Some(s) = &doc.subtitle {
        check(&|| "subtitle".into(), s);
    }
    for f in &doc.fields {
        check(&|| format!("field label {}", f.label), &f.label);
        check(&|| format!("field {}", f.label), &f.value);
    }
    for (ti, t) in doc.tables.iter().enumerate() {
        let name = table_name(t, ti);
        if let Some(c) = &t.caption {
            check(&|| format!("{name}, caption"), c);
        }
        for (ci, col) in t.columns.iter().enumerate() {
            check(
                &|| format!("{name}, header of column {}", ci + 1),
                &col.title,
            );
        }
        for (what, rows) in [("row", &t.rows), ("totals row", &t.totals)] {
            for (ri, row) in rows.iter().enumerate() {
                for (ci, cell) in row.cells.iter().enumerate() {
                    let text = match cell {
                        Cell::Text(s) => std::borrow::Cow::Borrowed(s.as_str()),
                        Cell::Money(_) | Cell::Int(_) => cell.display().into(),
                        Cell::Empty => continue,
                    };
                    let col = t.columns.get(ci).map_or("?", |c| c.title.as_str());
                    check(
                        &|| format!("{name}, {what} {}, column {col}", ri + 1),
                        &text,
                    );
                }
            }
        }
    }
    for (i, n) in doc.notes.iter().enumerate() {
        check(&|| format!("note {}", i + 1), n);
    }
    for (i, s) in doc.signatures.iter().enumerate() {
        check(&|| format!("signature {}", i + 1), s);
    }
    if !doc.signatures.is_empty() {
        let words = format!("{}{SIGNATURE_BLANK}", label_separator(doc.lang));
        check(&|| "signature line".into(), &words);
    }
    for (i, s) in doc.seals.iter().enumerate() {
        check(&|| format!("seal {}", i + 1), s);
    }
    if !doc.seals.is_empty() {
        check(&|| "seal date line".into(), seal::date_line(doc.lang));
    }
    if !doc.fields.is_empty() {
        check(&|| "field separator".into(), label_separator(doc.lang));
    }
    if let Some(s) = &doc.footer {
        check(&|| "footer".into(), s);
    }
    check(
        &|| "page numbers".into(),
        &page_label(doc.lang, 1234567890, 1),
    );
    if let Some(h) = &doc.running_head {
        check(&|| "running head".into(), h);
    }
    if doc.running_head.is_some() || doc.tables.iter().any(|t| t.caption.is_some()) {
        check(&|| "continued caption".into(), continued(doc.lang));
    }
    if places.is_empty() {
        return Ok(());
    }
    Err(MissingGlyphs::new(font.name(), places))
}

/// Render `doc` as a PDF into `out`.
pub fn render(doc: &Document, out: &mut dyn std::io::Write, opts: &RenderOptions) -> Result<()> {
    let bytes = to_bytes(doc, opts)?;
    out.write_all(&bytes).map_err(write_error)
}

/// Render `doc` as PDF bytes.
pub fn to_bytes(doc: &Document, opts: &RenderOptions) -> Result<Vec<u8>> {
    to_bytes_grouped(doc, &[], opts)
}

/// [`to_bytes`], table headers grouped by `groups` (see [`grouped`]).
fn to_bytes_grouped(
    doc: &Document,
    groups: &[ColumnGroup],
    opts: &RenderOptions,
) -> Result<Vec<u8>> {
    let font = opts.font();
    check_glyphs(doc, &font)?;

    let font_id = FontId(subset_tag(doc));
    let mut layout = Layout::new(&font, font_id.clone(), doc.lang);
    layout.groups = groups;
    let mut pages = layout.run(doc);
    // The font program carries only the glyphs the pages draw (renumbered in `pages`).
    let embedded = font.embed(&mut pages, &font_id.0)?;

    let mut pdf = PdfDocument::new(&doc.title);
    let when = pdf_date(&opts.created);
    let info = &mut pdf.metadata.info;
    info.creation_date = when;
    info.modification_date = when;
    info.metadata_date = when;
    info.creator = "townledger".into();
    info.producer = "townledger".into();
    pdf.resources
        .fonts
        .map
        .insert(font_id, PdfFont::new(embedded));
    let pages = pages
        .into_iter()
        .map(|ops| PdfPage::new(Pt(PAGE_W).into(), Pt(PAGE_H).into(), ops))
        .collect();
    pdf.with_pages(pages);
    // The font is already cut down to the document's glyphs.
    let save = PdfSaveOptions {
        subset_fonts: false,
        ..Default::default()
    };
    let mut warnings = Vec::new();
    let mut bytes = pdf.save(&save, &mut warnings);
    if let Some(w) = warnings
        .iter()
        .find(|w| w.severity == printpdf::PdfParseErrorSeverity::Error)
    {
        return Err(Error::io(
            "PDF output",
            std::io::Error::other(format!("the PDF writer failed: {}", w.msg)),
        ));
    }
    stable_file_id(&mut bytes);
    Ok(bytes)
}

/// A six-letter tag for the embedded font subset (ISO 32000 wants one per distinct subset),
/// derived from the document so that the same document gives the same bytes.
fn subset_tag(doc: &Document) -> String {
    let mut h = Fnv::new();
    h.write(doc.title.as_bytes());
    for t in &doc.tables {
        for c in &t.columns {
            h.write(c.title.as_bytes());
        }
        for row in t.rows.iter().chain(&t.totals) {
            for cell in &row.cells {
                h.write(cell.display().as_bytes());
            }
        }
    }
    for f in &doc.fields {
        h.write(f.value.as_bytes());
    }
    let mut v = h.finish();
    (0..6)
        .map(|_| {
            let c = char::from(b'A' + (v % 26) as u8);
            v /= 26;
            c
        })
        .collect()
}

/// FNV-1a, for stable identifiers (not for security).
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        // Separate consecutive strings.
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The PDF writer puts two random 32-character strings in the trailer's `/ID`. Replace them,
/// in place and with the same length (so no offset moves), with a digest of the file, so
/// the same document always gives the same bytes.
fn stable_file_id(bytes: &mut [u8]) {
    let Some(pos) = find_last(bytes, b"/ID") else {
        return;
    };
    let mut h = Fnv::new();
    h.write(&bytes[..pos]);
    let digest = format!(
        "{:016x}{:016x}",
        h.finish(),
        h.finish().rotate_left(32) ^ 0x5a5a
    );
    let mut i = pos;
    let mut strings = 0;
    while i < bytes.len() && strings < 2 {
        if bytes[i] == b'(' {
            let start = i + 1;
            let Some(len) = bytes[start..].iter().position(|&b| b == b')') else {
                return;
            };
            if len == digest.len() {
                bytes[start..start + len].copy_from_slice(digest.as_bytes());
            }
            strings += 1;
            i = start + len;
        }
        i += 1;
    }
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The PDF writer prints dates as UTC (`+00'00'`), so the time is converted to UTC first.
fn pdf_date(t: &chrono::DateTime<chrono::FixedOffset>) -> printpdf::OffsetDateTime {
    use chrono::{Datelike, Timelike};
    let t = t.naive_utc();
    printpdf::OffsetDateTime::new_in_offset(
        printpdf::Date {
            year: t.year(),
            month: t.month() as u8,
            day: t.day() as u8,
        },
        printpdf::Time {
            hour: t.hour() as u8,
            minute: t.minute() as u8,
            second: t.second() as u8,
            millisecond: 0,
        },
        printpdf::Offset {
            hours: 0,
            minutes: 0,
            seconds: 0,
            milliseconds: 0,
        },
    )
}

/// Text with its characters normalised for the page (tabs and line breaks as spaces).
fn page_text(s: &str) -> String {
    s.chars()
        .map(|c| if is_layout_whitespace(c) { ' ' } else { c })
        .collect()
}

/// Break opportunities: no line starts with closing punctuation, none ends with opening.
fn no_break_before(c: char) -> bool {
    "，。、；：！？）》」』】〕”’,.;:!?)]}%…·".contains(c)
}

fn no_break_after(c: char) -> bool {
    "（《「『【〔“‘([{¥￥".contains(c)
}

/// Wide (CJK) characters may break anywhere; Latin words break at spaces.
fn is_wide(c: char) -> bool {
    unicode_width::UnicodeWidthChar::width(c) == Some(2)
}

/// Whether a line may break between `p` and `c`.
fn may_break_between(p: char, c: char) -> bool {
    (c == ' ' || p == ' ' || is_wide(c) || is_wide(p)) && !no_break_before(c) && !no_break_after(p)
}

/// Width of the widest piece of `text` that cannot be broken (a Latin word, a code).
fn widest_unbreakable(font: &Font, text: &str, size: f32) -> f32 {
    let (mut widest, mut run) = (0.0f32, 0.0f32);
    let mut prev: Option<char> = None;
    for c in text.chars() {
        if prev.is_some_and(|p| may_break_between(p, c)) {
            run = 0.0;
        }
        if c != ' ' {
            run += font.char_width(c, size);
            widest = widest.max(run);
        }
        prev = Some(c);
    }
    widest
}

/// Break `text` into lines no wider than `width` at `size` (explicit line breaks kept).
fn wrap(font: &Font, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        wrap_paragraph(
            font,
            &para.replace(['\t', '\r'], " "),
            size,
            width,
            &mut lines,
        );
    }
    lines
}

fn wrap_paragraph(font: &Font, text: &str, size: f32, width: f32, lines: &mut Vec<String>) {
    let mut line = String::new();
    let mut line_w = 0.0f32;
    // Byte offset in `line` where it may be broken.
    let mut last_break: Option<usize> = None;
    let mut prev: Option<char> = None;
    for c in text.chars() {
        let cw = font.char_width(c, size);
        if line_w + cw > width && !line.is_empty() {
            if c == ' ' {
                lines.push(line.trim_end().to_string());
                line.clear();
                line_w = 0.0;
                last_break = None;
                prev = None;
                continue;
            }
            match last_break {
                Some(at) if at > 0 => {
                    let rest = line.split_off(at);
                    lines.push(line.trim_end().to_string());
                    line = rest.trim_start().to_string();
                }
                _ => lines.push(std::mem::take(&mut line)),
            }
            line_w = font.text_width(&line, size);
            last_break = None;
        }
        if let Some(p) = prev.filter(|_| !line.is_empty()) {
            if may_break_between(p, c) {
                last_break = Some(line.len());
            }
        }
        line.push(c);
        line_w += cw;
        prev = Some(c);
    }
    lines.push(line.trim_end().to_string());
}

/// Cut `text` to fit `width`, ending in `…` (or `...` if the font lacks `…`) when cut.
fn truncate(font: &Font, text: &str, size: f32, width: f32) -> String {
    if font.text_width(text, size) <= width {
        return text.to_string();
    }
    let ellipsis = if font.has_char('…') { "…" } else { "..." };
    let room = width - font.text_width(ellipsis, size);
    let mut out = String::new();
    let mut w = 0.0;
    for c in text.chars() {
        let cw = font.char_width(c, size);
        if w + cw > room {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.truncate(out.trim_end().len());
    out.push_str(ellipsis);
    out
}

/// Wrap to at most `max_lines`, the last one truncated with an ellipsis when text remains.
fn wrap_limited(font: &Font, text: &str, size: f32, width: f32, max_lines: usize) -> Vec<String> {
    let mut lines = wrap(font, text, size, width);
    if lines.len() > max_lines {
        let rest = lines[max_lines - 1..].join(" ");
        lines.truncate(max_lines - 1);
        lines.push(truncate(font, &format!("{rest}…"), size, width));
    }
    lines
}

/// Split `total` by `weights`, no part below its `floor`: a part whose weighted share would be
/// smaller gets its floor, and the others share what is left. The parts add up to `total`
/// unless the floors alone exceed it (then every part is at its floor).
fn share(total: f32, weights: &[f32], floor: &[f32]) -> Vec<f32> {
    let n = weights.len();
    let mut at_floor = vec![false; n];
    // Each round puts at least one more part at its floor, or settles the rest.
    for _ in 0..=n {
        let free: f32 = total
            - (0..n)
                .filter(|&i| at_floor[i])
                .map(|i| floor[i])
                .sum::<f32>();
        let weight: f32 = (0..n).filter(|&i| !at_floor[i]).map(|i| weights[i]).sum();
        let mut changed = false;
        for i in 0..n {
            if !at_floor[i] && (weight <= 0.0 || free * weights[i] / weight < floor[i]) {
                at_floor[i] = true;
                changed = true;
            }
        }
        if !changed {
            return (0..n)
                .map(|i| {
                    if at_floor[i] {
                        floor[i]
                    } else {
                        free * weights[i] / weight
                    }
                })
                .collect();
        }
    }
    floor.to_vec()
}

/// Indentation of a row's cell in column `col`.
fn row_indent(row: &Row, col: usize, indent_col: usize) -> f32 {
    if col == indent_col {
        f32::from(row.indent) * INDENT_STEP
    } else {
        0.0
    }
}

/// How a table column is sized.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ColumnKind {
    /// Amounts and counts: as wide as the widest of them and the header; never wrapped.
    Number,
    /// Codes (dates, voucher numbers, household ids, masked numbers: one short run of narrow
    /// characters without spaces), or no text at all: as wide as the widest code and the
    /// header, so that a column of fixed-width values, or an empty one, takes no room from
    /// the text.
    Code,
    /// Free text (names, sources, memos): shares what the other columns leave, by the column
    /// weights, whatever the text is; wraps onto as many lines as it needs.
    Text,
}

/// Whether a body text is a code: no spaces, no wide characters, and short.
fn is_code(font: &Font, s: &str, size: f32) -> bool {
    !s.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || is_wide(c))
        && font.text_width(s, size) <= MAX_CODE_SHARE * CONTENT_W
}

/// The widest amount a money column is made room for even when its amounts are narrower, so
/// that documents of one kind (every household's statement) get the same columns.
const MONEY_TEMPLATE: &str = "00,000.00";
/// Widest code, as a share of the text width; anything longer is text.
const MAX_CODE_SHARE: f32 = 0.25;
/// Widest unbreakable word a text column is made room for, as a share of the text width.
const MAX_WORD_SHARE: f32 = 0.3;
/// A number or code column's header stays on one line up to this many ems.
const HEADER_LINE_EMS: f32 = 5.0;
/// Text columns keep at least this share of the text width when money columns are widened
/// to [`MONEY_TEMPLATE`]; with less left, money columns take only what their amounts need.
const TEXT_SHARE_FOR_TEMPLATE: f32 = 0.3;

/// The measured columns of a table, for [`Layout::column_widths`].
struct ColumnPlan {
    kinds: Vec<ColumnKind>,
    /// Width of each number and code column, padding included (0 for text columns).
    fixed: Vec<f32>,
    /// The same with money columns at least as wide as [`MONEY_TEMPLATE`].
    template: Vec<f32>,
    /// Least width of each text column, padding included (0 for the others).
    text_min: Vec<f32>,
    weights: Vec<f32>,
    /// The column has nothing in its body rows.
    empty: Vec<bool>,
}

impl ColumnPlan {
    /// The least width the columns need.
    fn need(&self) -> f32 {
        self.fixed.iter().sum::<f32>() + self.text_min.iter().sum::<f32>()
    }

    /// Widths that add up to the text width.
    fn widths(&self) -> Vec<f32> {
        let n = self.kinds.len();
        let text: Vec<usize> = (0..n)
            .filter(|&c| self.kinds[c] == ColumnKind::Text)
            .collect();
        let text_min: f32 = self.text_min.iter().sum();
        let with_template: f32 = self.template.iter().sum();
        let room_for_text = if text.is_empty() {
            0.0
        } else {
            text_min.max(TEXT_SHARE_FOR_TEMPLATE * CONTENT_W)
        };
        let mut widths = if CONTENT_W - with_template >= room_for_text {
            self.template.clone()
        } else {
            self.fixed.clone()
        };
        let left = CONTENT_W - widths.iter().sum::<f32>();
        if !text.is_empty() {
            let weights: Vec<f32> = text.iter().map(|&c| self.weights[c]).collect();
            let floors: Vec<f32> = text.iter().map(|&c| self.text_min[c]).collect();
            for (&c, part) in text.iter().zip(share(left.max(0.0), &weights, &floors)) {
                widths[c] = part;
            }
        } else if left > 0.0 {
            // No text (a table without rows): the room left goes to the empty columns that
            // would hold text, else to every column, by weight.
            let mut open: Vec<usize> = (0..n)
                .filter(|&c| self.empty[c] && self.kinds[c] == ColumnKind::Code)
                .collect();
            if open.is_empty() {
                open = (0..n).collect();
            }
            let weights: Vec<f32> = open.iter().map(|&c| self.weights[c]).collect();
            let parts = share(left, &weights, &vec![0.0; open.len()]);
            for (&c, part) in open.iter().zip(parts) {
                widths[c] += part;
            }
        }
        // Still too wide at the smallest type: narrow every column alike (numbers shrink in
        // their cells, text wraps more).
        let total: f32 = widths.iter().sum();
        if total > CONTENT_W + 0.01 {
            widths.iter_mut().for_each(|w| *w *= CONTENT_W / total);
        }
        widths
    }
}

/// A cell laid out for a row: its lines, size and horizontal placement.
struct CellBox {
    lines: Vec<String>,
    size: f32,
    align: Align,
    /// Extra left offset (nested rows).
    indent: f32,
}

/// Draws onto pages, top to bottom, starting a new page when the current one is full.
struct Layout<'a> {
    font: &'a Font,
    font_id: FontId,
    lang: Lang,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// Top of the free space on the current page (PDF coordinates: 0 at the bottom).
    y: f32,
    in_text: bool,
    size: f32,
    bold: bool,
    fill: f32,
    /// The line at the top of continuation pages (`H0001 叶建国（续）`).
    running_head: Option<String>,
    /// Length of `ops` when the page had nothing on it but its running head.
    page_start: usize,
    /// Headings over groups of table columns (see [`grouped`]).
    groups: &'a [ColumnGroup],
}

impl<'a> Layout<'a> {
    fn new(font: &'a Font, font_id: FontId, lang: Lang) -> Self {
        Layout {
            font,
            font_id,
            lang,
            pages: Vec::new(),
            ops: Vec::new(),
            y: PAGE_H - MARGIN_TOP,
            in_text: false,
            size: 0.0,
            bold: false,
            fill: BLACK,
            running_head: None,
            page_start: 0,
            groups: &[],
        }
    }

    fn run(mut self, doc: &Document) -> Vec<Vec<Op>> {
        self.running_head = doc
            .running_head
            .as_deref()
            .map(|h| format!("{}{}", page_text(h), continued(doc.lang)));
        self.title_block(doc);
        if !doc.fields.is_empty() {
            self.fields(doc);
        }
        let closing = self.closing_height(doc);
        let last = doc.tables.len().saturating_sub(1);
        for (i, table) in doc.tables.iter().enumerate() {
            self.table(table, if i == last { Some(closing) } else { None });
        }
        self.notes(doc);
        self.signatures(doc);
        self.seals(doc);
        self.finish_page();
        self.footers(doc);
        self.pages
    }

    // ---- drawing primitives -------------------------------------------------------------

    fn end_text(&mut self) {
        if self.in_text {
            self.ops.push(Op::EndTextSection);
            self.in_text = false;
        }
    }

    fn set_fill(&mut self, grey: f32) {
        if self.fill != grey {
            self.ops.push(Op::SetFillColor {
                col: Color::Greyscale(Greyscale::new(grey, None)),
            });
            self.fill = grey;
        }
    }

    /// Draw `s` with its baseline's left end at (`x`, `baseline`).
    fn text(&mut self, x: f32, baseline: f32, size: f32, s: &str, bold: bool, grey: f32) {
        if s.is_empty() {
            return;
        }
        if !self.in_text {
            self.ops.push(Op::StartTextSection);
            self.in_text = true;
        }
        self.set_fill(grey);
        if self.size != size {
            self.ops.push(Op::SetFont {
                font: PdfFontHandle::External(self.font_id.clone()),
                size: Pt(size),
            });
            self.size = size;
        }
        if self.bold != bold {
            if bold {
                self.ops.push(Op::SetOutlineColor {
                    col: Color::Greyscale(Greyscale::new(grey, None)),
                });
                self.ops.push(Op::SetOutlineThickness {
                    pt: Pt(BOLD_STROKE),
                });
            }
            self.ops.push(Op::SetTextRenderingMode {
                mode: if bold {
                    TextRenderingMode::FillStroke
                } else {
                    TextRenderingMode::Fill
                },
            });
            self.bold = bold;
        }
        self.ops.push(Op::SetTextMatrix {
            matrix: TextMatrix::Translate(Pt(x), Pt(baseline)),
        });
        let glyphs = s
            .chars()
            .map(|c| {
                let c = if is_layout_whitespace(c) { ' ' } else { c };
                // Every string was checked against the font before layout.
                let gid = self.font.glyph(c).map_or(0, |g| g.gid);
                Codepoint {
                    gid,
                    offset: 0.0,
                    cid: Some(c.to_string()),
                }
            })
            .collect();
        self.ops.push(Op::ShowText {
            items: vec![TextItem::GlyphIds(glyphs)],
        });
    }

    fn rule(&mut self, x1: f32, x2: f32, y: f32, thickness: f32, grey: f32) {
        self.end_text();
        self.ops.push(Op::SetOutlineColor {
            col: Color::Greyscale(Greyscale::new(grey, None)),
        });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        self.ops.push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: Point {
                            x: Pt(x1),
                            y: Pt(y),
                        },
                        bezier: false,
                    },
                    LinePoint {
                        p: Point {
                            x: Pt(x2),
                            y: Pt(y),
                        },
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        });
        // The stroke state now belongs to the rule; emphasis sets its own again.
        if self.bold {
            self.bold = false;
            self.ops.push(Op::SetTextRenderingMode {
                mode: TextRenderingMode::Fill,
            });
        }
    }

    fn shade(&mut self, x: f32, top: f32, w: f32, h: f32, grey: f32) {
        self.end_text();
        self.set_fill(grey);
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(top - h),
                width: Pt(w),
                height: Pt(h),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
    }

    /// Baseline for a line of type `size` whose line box starts at `top`.
    fn baseline(top: f32, size: f32) -> f32 {
        // CJK glyphs sit between about -0.12 and 0.88 em; centre that in the line box.
        top - (LEADING - 1.0) / 2.0 * size - 0.88 * size
    }

    fn line_h(size: f32) -> f32 {
        size * LEADING
    }

    // ---- pages --------------------------------------------------------------------------

    fn finish_page(&mut self) {
        self.end_text();
        self.pages.push(std::mem::take(&mut self.ops));
        self.size = 0.0;
        self.bold = false;
        self.fill = BLACK;
    }

    fn new_page(&mut self) {
        self.finish_page();
        self.y = PAGE_H - MARGIN_TOP;
        if let Some(head) = self.running_head.clone() {
            for line in wrap(self.font, &head, CAPTION_SIZE, CONTENT_W) {
                let b = Self::baseline(self.y, CAPTION_SIZE);
                self.text(MARGIN_X, b, CAPTION_SIZE, &line, true, BLACK);
                self.y -= Self::line_h(CAPTION_SIZE);
            }
            self.y -= RUNNING_HEAD_GAP;
        }
        self.page_start = self.ops.len();
    }

    fn room(&self) -> f32 {
        self.y - BODY_BOTTOM
    }

    /// Room on a continuation page below its running head.
    fn fresh_room(&self) -> f32 {
        let head = self.running_head.as_ref().map_or(0.0, |h| {
            let lines = wrap(self.font, h, CAPTION_SIZE, CONTENT_W).len();
            lines as f32 * Self::line_h(CAPTION_SIZE) + RUNNING_HEAD_GAP
        });
        PAGE_H - MARGIN_TOP - BODY_BOTTOM - head
    }

    /// Start a new page unless `h` points fit on this one (a fresh page always takes it).
    fn ensure(&mut self, h: f32) -> bool {
        if h > self.room() && !self.page_is_fresh() {
            self.new_page();
            true
        } else {
            false
        }
    }

    fn page_is_fresh(&self) -> bool {
        self.ops.len() == self.page_start
    }

    // ---- document parts -----------------------------------------------------------------

    fn title_block(&mut self, doc: &Document) {
        let lines = wrap_limited(self.font, &doc.title, TITLE_SIZE, CONTENT_W, 3);
        for line in lines {
            let w = self.font.text_width(&line, TITLE_SIZE);
            let b = Self::baseline(self.y, TITLE_SIZE);
            self.text(
                MARGIN_X + (CONTENT_W - w) / 2.0,
                b,
                TITLE_SIZE,
                &line,
                true,
                BLACK,
            );
            self.y -= Self::line_h(TITLE_SIZE);
        }
        if let Some(sub) = &doc.subtitle {
            self.y -= 2.0;
            for line in wrap_limited(self.font, sub, SUBTITLE_SIZE, CONTENT_W, 3) {
                let w = self.font.text_width(&line, SUBTITLE_SIZE);
                let b = Self::baseline(self.y, SUBTITLE_SIZE);
                self.text(
                    MARGIN_X + (CONTENT_W - w) / 2.0,
                    b,
                    SUBTITLE_SIZE,
                    &line,
                    false,
                    GREY_TEXT,
                );
                self.y -= Self::line_h(SUBTITLE_SIZE);
            }
        }
        self.y -= 10.0;
    }

    /// Header fields in a grid, in document order, labels and values each in aligned grid
    /// columns. The grid has as many columns (three at most) as fit across the page with
    /// every label and every value on one line, each grid column as wide as its widest label
    /// and value; long labels thus mean fewer fields a line. A field too long to share a line
    /// gets a line of its own, its value wrapping under itself.
    fn fields(&mut self, doc: &Document) {
        let sep = label_separator(doc.lang);
        let size = FIELD_SIZE;
        // A full-width colon brings its own blank; a Latin one needs a space after it.
        let gap = if sep.ends_with(' ') { 0.5 } else { 0.15 } * size;
        // (label, value, label width with the gap after it, value width)
        let items: Vec<(String, String, f32, f32)> = doc
            .fields
            .iter()
            .map(|f| {
                let label = format!("{}{}", page_text(&f.label), sep.trim_end());
                let value = page_text(&f.value);
                let lw = self.font.text_width(&label, size) + gap;
                let vw = self.font.text_width(&value, size);
                (label, value, lw, vw)
            })
            .collect();
        let half = (CONTENT_W - FIELD_GAP) / 2.0;
        let wide: Vec<bool> = items.iter().map(|i| i.2 + i.3 > half).collect();

        // Rows of the grid for `ncols` columns: indexes of the fields in each; a wide field
        // is a row alone.
        let arrange = |ncols: usize| {
            let mut rows: Vec<Vec<usize>> = Vec::new();
            let mut current: Vec<usize> = Vec::new();
            for (i, is_wide) in wide.iter().enumerate() {
                if *is_wide {
                    if !current.is_empty() {
                        rows.push(std::mem::take(&mut current));
                    }
                    rows.push(vec![i]);
                } else {
                    current.push(i);
                    if current.len() == ncols {
                        rows.push(std::mem::take(&mut current));
                    }
                }
            }
            if !current.is_empty() {
                rows.push(current);
            }
            // Widest label and value in each grid column.
            let mut label_w = vec![0.0f32; ncols];
            let mut value_w = vec![0.0f32; ncols];
            for row in rows.iter().filter(|r| !wide[r[0]]) {
                for (c, &i) in row.iter().enumerate() {
                    label_w[c] = label_w[c].max(items[i].2);
                    value_w[c] = value_w[c].max(items[i].3);
                }
            }
            (rows, label_w, value_w)
        };
        let mut grid = arrange(1);
        for ncols in [3, 2] {
            let (rows, label_w, value_w) = arrange(ncols);
            let need = label_w.iter().sum::<f32>()
                + value_w.iter().sum::<f32>()
                + FIELD_GAP * (ncols - 1) as f32;
            if need <= CONTENT_W {
                grid = (rows, label_w, value_w);
                break;
            }
        }
        let (rows, label_w, value_w) = grid;
        let ncols = label_w.len();
        // Spread the room left over the grid columns.
        let used = label_w.iter().sum::<f32>() + value_w.iter().sum::<f32>();
        let spare = if ncols > 1 {
            ((CONTENT_W - used - FIELD_GAP * (ncols - 1) as f32) / ncols as f32).max(0.0)
        } else {
            0.0
        };
        let mut col_x = Vec::with_capacity(ncols);
        let mut x = MARGIN_X;
        for c in 0..ncols {
            col_x.push(x);
            x += label_w[c] + value_w[c] + spare + FIELD_GAP;
        }

        // Wide rows align their values with each other and with the first grid column.
        let wide_label_w = items
            .iter()
            .zip(&wide)
            .filter(|(_, w)| **w)
            .map(|(i, _)| i.2)
            .fold(label_w.first().copied().unwrap_or(0.0), f32::max);

        let lh = Self::line_h(size);
        for row in &rows {
            // (x of the label, x of the value, room for the value, field)
            let placed: Vec<(f32, f32, f32, usize)> = if wide[row[0]] {
                let lw = wide_label_w.min(CONTENT_W / 2.0).max(items[row[0]].2);
                vec![(MARGIN_X, MARGIN_X + lw, CONTENT_W - lw, row[0])]
            } else {
                row.iter()
                    .enumerate()
                    .map(|(c, &i)| {
                        let vx = col_x[c] + label_w[c];
                        (col_x[c], vx, MARGIN_X + CONTENT_W - vx, i)
                    })
                    .collect()
            };
            let wrapped: Vec<Vec<String>> = placed
                .iter()
                .map(|&(_, _, room, i)| {
                    if items[i].3 <= room {
                        vec![items[i].1.clone()]
                    } else {
                        wrap(self.font, &items[i].1, size, room.max(4.0 * size))
                    }
                })
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            self.ensure(lh * lines as f32);
            for (&(x, vx, _, i), value_lines) in placed.iter().zip(&wrapped) {
                let b = Self::baseline(self.y, size);
                self.text(x, b, size, &items[i].0, false, GREY_TEXT);
                for (li, line) in value_lines.iter().enumerate() {
                    let b = Self::baseline(self.y - lh * li as f32, size);
                    self.text(vx, b, size, line, false, BLACK);
                }
            }
            self.y -= lh * lines as f32;
        }
        self.y -= 8.0;
    }

    /// Column widths and the type size of a table.
    ///
    /// Number and code columns (see [`ColumnKind`]) are as wide as their widest value, the
    /// totals in them and their header (on one line up to [`HEADER_LINE_EMS`]); money columns
    /// at least as wide as [`MONEY_TEMPLATE`] when that leaves the text enough room. Text
    /// columns share the rest by their weights, none narrower than its widest word. So the
    /// widths follow the kinds of the columns, not the length of their texts: one report
    /// gives the same columns from one document to the next. The table always spans the text
    /// width; the type gets smaller only when the columns do not fit across the page.
    fn column_widths(&self, table: &Table) -> (Vec<f32>, f32) {
        let mut size = BODY_SIZE;
        let mut plan = self.measure_columns(table, size);
        let need = plan.need();
        if need > CONTENT_W {
            size = (size * CONTENT_W / need).max(MIN_SIZE);
            plan = self.measure_columns(table, size);
        }
        (plan.widths(), size)
    }

    /// What the width allocation needs to know about each column at type `size`.
    fn measure_columns(&self, table: &Table, size: f32) -> ColumnPlan {
        let font = self.font;
        let indent_col = indent_column(table);
        let pad = 2.0 * CELL_PAD_X;
        let template = font.text_width(MONEY_TEMPLATE, size) + pad;
        let longest_code = MAX_CODE_SHARE * CONTENT_W;
        let longest_word = MAX_WORD_SHARE * CONTENT_W;
        let mut plan = ColumnPlan {
            kinds: Vec::with_capacity(table.columns.len()),
            fixed: Vec::with_capacity(table.columns.len()),
            template: Vec::with_capacity(table.columns.len()),
            text_min: Vec::with_capacity(table.columns.len()),
            weights: Vec::with_capacity(table.columns.len()),
            empty: Vec::with_capacity(table.columns.len()),
        };
        for (c, col) in table.columns.iter().enumerate() {
            // Widest amount or count, widest code, widest unbreakable word.
            let (mut numbers, mut codes, mut words) = (0.0f32, 0.0f32, 0.0f32);
            let (mut any_number, mut any_text, mut all_codes, mut money) =
                (false, false, true, false);
            for row in &table.rows {
                match row.cells.get(c) {
                    Some(cell @ (Cell::Money(_) | Cell::Int(_))) => {
                        numbers = numbers.max(font.text_width(&cell.display(), size));
                        any_number = true;
                        money |= matches!(cell, Cell::Money(_));
                    }
                    Some(Cell::Text(t)) if !t.trim().is_empty() => {
                        let indent = row_indent(row, c, indent_col);
                        any_text = true;
                        if all_codes && is_code(font, t, size) {
                            codes = codes.max(indent + font.text_width(t, size));
                        } else {
                            all_codes = false;
                        }
                        words = words.max(indent + widest_unbreakable(font, t, size));
                    }
                    _ => {}
                }
            }
            // Totals ("合计", "期末余额", sums) must fit too.
            let mut totals = 0.0f32;
            for row in &table.totals {
                match row.cells.get(c) {
                    Some(cell @ (Cell::Money(_) | Cell::Int(_))) => {
                        totals = totals.max(font.text_width(&cell.display(), size));
                        money |= matches!(cell, Cell::Money(_));
                    }
                    Some(Cell::Text(t)) => {
                        totals = totals.max(font.text_width(&page_text(t), size).min(longest_code));
                        words = words.max(widest_unbreakable(font, t, size));
                    }
                    _ => {}
                }
            }
            let kind = if any_text && !all_codes {
                ColumnKind::Text
            } else if any_text || (!any_number && col.align != Align::Right) {
                ColumnKind::Code
            } else {
                ColumnKind::Number
            };
            let header = font.text_width(&page_text(&col.title), size);
            let header_word = widest_unbreakable(font, &col.title, size).min(longest_code);
            let (fixed, text_min) = match kind {
                ColumnKind::Text => {
                    let min = words
                        .min(longest_word)
                        .max(header_word)
                        .max(header.min(4.0 * size))
                        .max(2.0 * size);
                    (0.0, min + pad)
                }
                ColumnKind::Number | ColumnKind::Code => {
                    let content = numbers.max(codes).max(totals);
                    let header_need = header
                        .min(content.max(HEADER_LINE_EMS * size))
                        .max(header_word);
                    (content.max(header_need).max(size) + pad, 0.0)
                }
            };
            plan.kinds.push(kind);
            plan.fixed.push(fixed);
            plan.template.push(if money && kind == ColumnKind::Number {
                fixed.max(template)
            } else {
                fixed
            });
            plan.text_min.push(text_min);
            plan.weights.push(f32::from(col.weight.max(1)));
            plan.empty.push(!any_text && !any_number);
        }
        plan
    }

    fn header_boxes(&self, table: &Table, widths: &[f32], size: f32) -> Vec<CellBox> {
        table
            .columns
            .iter()
            .zip(widths)
            .map(|(col, w)| CellBox {
                lines: wrap(self.font, &col.title, size, w - 2.0 * CELL_PAD_X),
                size,
                align: col.align,
                indent: 0.0,
            })
            .collect()
    }

    fn row_boxes(&self, table: &Table, row: &Row, widths: &[f32], size: f32) -> Vec<CellBox> {
        let indent_col = indent_column(table);
        table
            .columns
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(c, (col, w))| {
                let inner = w - 2.0 * CELL_PAD_X;
                let indent = if c == indent_col {
                    (f32::from(row.indent) * INDENT_STEP).min(inner / 2.0)
                } else {
                    0.0
                };
                match row.cells.get(c).unwrap_or(&Cell::Empty) {
                    // Text is never cut: it wraps onto as many lines as it needs.
                    Cell::Text(t) => CellBox {
                        lines: wrap(self.font, t, size, inner - indent),
                        size,
                        align: col.align,
                        indent,
                    },
                    Cell::Empty => CellBox {
                        lines: Vec::new(),
                        size,
                        align: col.align,
                        indent,
                    },
                    num => {
                        // Numbers are never wrapped or cut: shrink to fit instead.
                        let s = num.display();
                        let tw = self.font.text_width(&s, size);
                        let fit = if tw > inner - indent {
                            (size * (inner - indent) / tw).max(MIN_SIZE)
                        } else {
                            size
                        };
                        let align = match num {
                            Cell::Money(_) => Align::Right,
                            _ => col.align,
                        };
                        CellBox {
                            lines: vec![s],
                            size: fit,
                            align,
                            indent,
                        }
                    }
                }
            })
            .collect()
    }

    fn boxes_height(boxes: &[CellBox], size: f32) -> f32 {
        let lines = boxes
            .iter()
            .map(|b| b.lines.len())
            .max()
            .unwrap_or(0)
            .max(1);
        lines as f32 * Self::line_h(size) + 2.0 * CELL_PAD_Y
    }

    /// Split a row too tall for `room` after as many lines as fit (at least one): the part
    /// that fits, and the rest for the next page.
    fn split_boxes(boxes: Vec<CellBox>, room: f32, size: f32) -> (Vec<CellBox>, Vec<CellBox>) {
        let fit = ((room - 2.0 * CELL_PAD_Y) / Self::line_h(size))
            .floor()
            .max(1.0) as usize;
        boxes
            .into_iter()
            .map(|mut b| {
                let rest = b.lines.split_off(fit.min(b.lines.len()));
                let tail = CellBox {
                    lines: rest,
                    size: b.size,
                    align: b.align,
                    indent: b.indent,
                };
                (b, tail)
            })
            .unzip()
    }

    /// Draw one row of cells whose top is at `self.y`, each vertically centred.
    fn draw_boxes(&mut self, boxes: &[CellBox], widths: &[f32], height: f32, bold: bool) {
        let mut x = MARGIN_X;
        for (b, w) in boxes.iter().zip(widths) {
            let lh = Self::line_h(b.size);
            let block = b.lines.len() as f32 * lh;
            let mut top = self.y - (height - block) / 2.0;
            for line in &b.lines {
                let tw = self.font.text_width(line, b.size);
                let left = x + CELL_PAD_X + b.indent;
                let right = x + w - CELL_PAD_X;
                let tx = match b.align {
                    Align::Left => left,
                    Align::Right => right - tw,
                    Align::Center => left + ((right - left) - tw) / 2.0,
                };
                let base = Self::baseline(top, b.size);
                self.text(tx, base, b.size, line, bold, BLACK);
                top -= lh;
            }
            x += w;
        }
        self.y -= height;
    }

    fn caption_lines(&self, caption: Option<&str>) -> Vec<String> {
        caption.map_or_else(Vec::new, |c| wrap(self.font, c, CAPTION_SIZE, CONTENT_W))
    }

    fn caption_height(lines: &[String]) -> f32 {
        if lines.is_empty() {
            0.0
        } else {
            lines.len() as f32 * Self::line_h(CAPTION_SIZE) + 2.0
        }
    }

    fn draw_header(&mut self, caption: &[String], header: &[CellBox], widths: &[f32], size: f32) {
        if !caption.is_empty() {
            let lh = Self::line_h(CAPTION_SIZE);
            for line in caption {
                let b = Self::baseline(self.y, CAPTION_SIZE);
                self.text(MARGIN_X, b, CAPTION_SIZE, line, true, BLACK);
                self.y -= lh;
            }
            self.y -= 2.0;
        }
        let h = Self::boxes_height(header, size);
        let whole = h + self.groups_height(size);
        self.shade(MARGIN_X, self.y, CONTENT_W, whole, HEADER_SHADE);
        self.rule(MARGIN_X, MARGIN_X + CONTENT_W, self.y, 0.8, BLACK);
        match self.draw_groups(header, widths, size, h) {
            Some(lower) => self.draw_boxes(&lower, widths, h, true),
            None => self.draw_boxes(header, widths, h, true),
        }
        self.rule(MARGIN_X, MARGIN_X + CONTENT_W, self.y, 0.5, BLACK);
    }

    /// Close the table on this page and continue it on the next, under its header again.
    fn continue_table(
        &mut self,
        caption: &[String],
        header: &[CellBox],
        widths: &[f32],
        size: f32,
    ) {
        self.rule(MARGIN_X, MARGIN_X + CONTENT_W, self.y, 0.5, BLACK);
        self.new_page();
        self.draw_header(caption, header, widths, size);
    }

    /// Draw `table`; `closing`, for the document's last table, is the height of what must
    /// follow it on the same page (its notes and signatures): the last rows and the totals
    /// then move to the next page with it rather than leave it alone there.
    fn table(&mut self, table: &Table, closing: Option<f32>) {
        if table.columns.is_empty() {
            return;
        }
        let (widths, size) = self.column_widths(table);
        let header = self.header_boxes(table, &widths, size);
        let header_h = Self::boxes_height(&header, size) + self.groups_height(size);
        let caption = table.caption.as_deref().map(page_text);
        let caption_lines = self.caption_lines(caption.as_deref());
        let cont_lines = self.caption_lines(
            caption
                .as_ref()
                .map(|c| format!("{c}{}", continued(self.lang)))
                .as_deref(),
        );
        // Room for rows on a page the table continues on.
        let page_room = self.fresh_room() - Self::caption_height(&cont_lines) - header_h;
        let min_part = 2.0 * Self::line_h(size) + 2.0 * CELL_PAD_Y;

        let body: Vec<(&Row, bool)> = table
            .rows
            .iter()
            .map(|r| (r, false))
            .chain(table.totals.iter().map(|r| (r, true)))
            .collect();
        // The rows kept with the closing lines: the last few body rows and the totals.
        let rows = table.rows.len();
        let kept_from = rows.saturating_sub(keep::KEPT_ROWS);
        let tail = closing
            .map(|c| self.tail_height(table, &body, kept_from, &widths, size, c))
            .filter(|t| *t <= page_room);
        // Caption and header never stand alone at a page foot: keep the first row (or its
        // first lines, if it is taller than a page) with them, and the whole tail when the
        // table is no longer than it.
        let first_h = body.first().map_or(0.0, |(r, _)| {
            Self::boxes_height(&self.row_boxes(table, r, &widths, size), size).min(min_part)
        });
        let first_h = match tail {
            Some(t) if kept_from == 0 => first_h.max(t),
            _ => first_h,
        };
        self.ensure(Self::caption_height(&caption_lines) + header_h + first_h);
        self.draw_header(&caption_lines, &header, &widths, size);

        let mut first_total = true;
        for (i, (row, is_total)) in body.into_iter().enumerate() {
            if i == kept_from && i > 0 && tail.is_some_and(|t| t > self.room()) {
                self.continue_table(&cont_lines, &header, &widths, size);
            }
            let bold = row.strong || is_total;
            let mut boxes = self.row_boxes(table, row, &widths, size);
            let mut h = Self::boxes_height(&boxes, size);
            // A row that does not fit moves to the next page whole; only a row taller than a
            // page is split, at a line, and only where a fair part of it fits.
            if h > self.room() && (h <= page_room || self.room() < min_part) {
                self.continue_table(&cont_lines, &header, &widths, size);
            }
            if is_total && first_total {
                self.rule(MARGIN_X, MARGIN_X + CONTENT_W, self.y, 0.8, BLACK);
                first_total = false;
            }
            while h > self.room() {
                let (part, rest) = Self::split_boxes(boxes, self.room(), size);
                let part_h = Self::boxes_height(&part, size);
                self.draw_boxes(&part, &widths, part_h, bold);
                self.continue_table(&cont_lines, &header, &widths, size);
                boxes = rest;
                h = Self::boxes_height(&boxes, size);
            }
            self.draw_boxes(&boxes, &widths, h, bold);
            if !is_total {
                self.rule(MARGIN_X, MARGIN_X + CONTENT_W, self.y, 0.3, GREY_RULE);
            }
        }
        self.rule(MARGIN_X, MARGIN_X + CONTENT_W, self.y, 0.8, BLACK);
        self.y -= keep::TABLE_GAP;
    }

    /// Notes, each kept on one page (unless it is longer than a page), the last one on the
    /// page of the signatures.
    fn notes(&mut self, doc: &Document) {
        let lh = Self::line_h(NOTE_SIZE);
        let count = doc.notes.len();
        for (i, note) in doc.notes.iter().enumerate() {
            let lines = wrap(self.font, note, NOTE_SIZE, CONTENT_W);
            let mut keep = lines.len() as f32 * lh;
            if i + 1 == count {
                keep += self.signatures_height(doc) + self.seals_height(doc);
            }
            if keep <= self.fresh_room() {
                self.ensure(keep);
            }
            for line in lines {
                self.ensure(lh);
                let b = Self::baseline(self.y, NOTE_SIZE);
                self.text(MARGIN_X, b, NOTE_SIZE, &line, false, BLACK);
                self.y -= lh;
            }
        }
    }

    /// Blank space above the signature lines.
    const SIGNATURE_GAP: f32 = 22.0;

    fn signature_size() -> f32 {
        NOTE_SIZE + 1.0
    }

    /// Height of the signature block, the blank above it included.
    fn signatures_height(&self, doc: &Document) -> f32 {
        if doc.signatures.is_empty() {
            0.0
        } else {
            Self::SIGNATURE_GAP + Self::line_h(Self::signature_size())
        }
    }

    /// `经办人：____________` slots spread over the width, after a blank of about two lines.
    fn signatures(&mut self, doc: &Document) {
        if doc.signatures.is_empty() {
            return;
        }
        let size = Self::signature_size();
        let lh = Self::line_h(size);
        self.ensure(self.signatures_height(doc));
        if !self.page_is_fresh() {
            self.y -= Self::SIGNATURE_GAP;
        }
        let sep = label_separator(doc.lang);
        let n = doc.signatures.len();
        let slot = CONTENT_W / n as f32;
        let mut y_line = self.y;
        for (i, s) in doc.signatures.iter().enumerate() {
            let text = format!("{}{sep}{SIGNATURE_BLANK}", page_text(s));
            let text = truncate(self.font, &text, size, slot - 8.0);
            let b = Self::baseline(self.y, size);
            self.text(MARGIN_X + i as f32 * slot, b, size, &text, false, BLACK);
            y_line = self.y - lh;
        }
        self.y = y_line;
    }

    fn footers(&mut self, doc: &Document) {
        let total = self.pages.len();
        let footer = doc.footer.as_deref().map(page_text);
        for i in 0..total {
            self.ops = std::mem::take(&mut self.pages[i]);
            self.size = 0.0;
            self.bold = false;
            self.fill = BLACK;
            self.in_text = false;
            let label = page_label(doc.lang, i + 1, total);
            let label_w = self.font.text_width(&label, FOOTER_SIZE);
            self.rule(
                MARGIN_X,
                MARGIN_X + CONTENT_W,
                FOOTER_BASELINE + FOOTER_SIZE + 4.0,
                0.3,
                GREY_RULE,
            );
            if let Some(f) = &footer {
                let room = CONTENT_W - label_w - 16.0;
                let f = truncate(self.font, f, FOOTER_SIZE, room);
                self.text(MARGIN_X, FOOTER_BASELINE, FOOTER_SIZE, &f, false, GREY_TEXT);
            }
            self.text(
                MARGIN_X + CONTENT_W - label_w,
                FOOTER_BASELINE,
                FOOTER_SIZE,
                &label,
                false,
                GREY_TEXT,
            );
            self.end_text();
            self.pages[i] = std::mem::take(&mut self.ops);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Amount;
    use crate::render::sample;
    use crate::report::document::Column;
    use std::path::Path;
    use std::process::Command;
    use std::sync::Arc;

    fn pdf_of(doc: &Document) -> Vec<u8> {
        to_bytes(doc, &RenderOptions::default()).unwrap()
    }

    /// The text of a PDF as `pdftotext -layout` reads it; `None` (test skipped) without poppler.
    fn pdftotext(pdf: &[u8]) -> Option<String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.pdf");
        std::fs::write(&path, pdf).unwrap();
        let out = match Command::new("pdftotext")
            .arg("-layout")
            .arg(&path)
            .arg("-")
            .output()
        {
            Ok(out) => out,
            Err(_) => {
                eprintln!("skipped: pdftotext (poppler-utils) is not installed");
                return None;
            }
        };
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(String::from_utf8(out.stdout).unwrap())
    }

    fn squeeze(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    /// The pages of pdftotext's output (form feeds between them), blank ones left out.
    fn pages(text: &str) -> Vec<&str> {
        text.split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect()
    }

    #[test]
    fn statement_text_reads_back() {
        let doc = sample::household(5);
        let total = match doc.tables[0].totals[0].cells[3] {
            Cell::Money(a) => a,
            _ => unreachable!(),
        };
        let words = format!("人民币{}", total.chinese_capitals());
        assert_eq!(words, "人民币陆拾贰万柒仟贰佰捌拾肆元贰角整");
        let pdf = pdf_of(&doc);
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(
            pdf.len() < 80_000,
            "one-page statement is {} bytes",
            pdf.len()
        );
        let Some(text) = pdftotext(&pdf) else { return };
        for want in [
            "农户收益分配明细单",
            "王䶮",
            "户主姓名",
            "123,456.78",
            "合计",
            words.as_str(),
            "627,284.20",
            "经办人：____________",
            "审核人：____________",
            "townledger · 链哈希 3fa9c2e1",
        ] {
            assert!(text.contains(want), "missing {want:?} in:\n{text}");
        }
        assert!(squeeze(&text).contains("第1页共1页"), "{text}");
        // Amounts right-aligned: the grouped amounts end in the same text column.
        let ends: Vec<usize> = text
            .lines()
            .filter_map(|l| {
                let i = l
                    .find(".78")
                    .or_else(|| l.find(".81"))
                    .or_else(|| l.find(".84"))?;
                Some(l[..i].chars().count())
            })
            .collect();
        assert!(ends.len() >= 3, "{text}");
        assert!(ends.windows(2).all(|w| w[0] == w[1]), "{ends:?}\n{text}");
    }

    #[test]
    fn long_table_repeats_its_header_and_numbers_pages() {
        let doc = sample::household(30);
        let pdf = pdf_of(&doc);
        let Some(text) = pdftotext(&pdf) else { return };
        let pages = pages(&text);
        assert_eq!(pages.len(), 2, "{text}");
        // pdftotext drops the narrow spaces between ideographs and digits.
        assert!(squeeze(pages[0]).contains("第1页共2页"), "{}", pages[0]);
        assert!(squeeze(pages[1]).contains("第2页共2页"), "{}", pages[1]);
        for p in &pages {
            assert!(p.contains("金额（元）") && p.contains("资金来源"), "{p}");
        }
        assert!(pages[1].contains("分配明细（续）"));
        assert!(pages[1].contains("经办人") && !pages[0].contains("经办人"));
        // Every row made it, once.
        assert_eq!(text.matches("2024-").count(), 30);
    }

    #[test]
    fn english_page_numbers() {
        let mut doc = sample::trial_balance();
        doc.lang = Lang::En;
        let Some(text) = pdftotext(&pdf_of(&doc)) else {
            return;
        };
        assert!(squeeze(&text).contains("Page1of1"), "{text}");
        assert!(text.contains("1,234,567.89") && text.contains("防返贫专户"));
    }

    #[test]
    fn missing_characters_are_an_error_with_their_place() {
        let mut doc = sample::household(3);
        doc.fields[1].value = "王\u{2A6D6}".into();
        doc.tables[0].rows[2].cells[2] = Cell::text("摘要\u{E000}");
        let err = check_glyphs(&doc, &Font::builtin()).unwrap_err();
        assert_eq!(err.chars, vec!['\u{2A6D6}', '\u{E000}']);
        assert_eq!(err.places.len(), 2);
        assert_eq!(err.places[0].place, "field 户主姓名");
        assert_eq!(err.places[1].place, "table 分配明细, row 3, column 摘要");
        let msg = to_bytes(&doc, &RenderOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("field 户主姓名: character '\u{2A6D6}' (U+2A6D6) not in the font"),
            "{msg}"
        );
        assert!(
            msg.contains("row 3, column 摘要: character '\u{E000}' (U+E000)"),
            "{msg}"
        );
        assert!(msg.contains("built-in Noto Sans SC"), "{msg}");
        // Nothing is written on error.
        let mut out = Vec::new();
        assert!(render(&doc, &mut out, &RenderOptions::default()).is_err());
        assert!(out.is_empty());
    }

    #[test]
    fn same_document_same_bytes() {
        let doc = sample::household(4);
        let opts = RenderOptions::default();
        assert_eq!(
            to_bytes(&doc, &opts).unwrap(),
            to_bytes(&doc, &opts).unwrap()
        );
        let created = chrono::DateTime::parse_from_rfc3339("2024-06-30T09:15:00+08:00").unwrap();
        let pdf = to_bytes(&doc, &RenderOptions::new(created)).unwrap();
        let text = String::from_utf8_lossy(&pdf);
        assert!(
            text.contains("D:20240630011500+00'00'"),
            "creation date not set"
        );
    }

    #[test]
    fn wrapping_respects_width_and_punctuation() {
        let font = Font::builtin();
        let text = "程村蚝产业分红倾斜分配，按人均纯收入由低到高加权，第一季度发放到一卡通账户";
        let lines = wrap(&font, text, 9.0, 60.0);
        assert!(lines.len() > 3);
        assert_eq!(lines.concat(), text);
        for l in &lines {
            assert!(font.text_width(l, 9.0) <= 60.0 + 0.01, "{l}");
            assert!(!l.starts_with('，'), "{lines:?}");
        }
        let latin = wrap(&font, "public welfare jobs and rewards", 9.0, 60.0);
        assert!(latin
            .iter()
            .all(|l| !l.starts_with(' ') && !l.ends_with(' ')));
        assert!(latin.iter().all(|l| l
            .split(' ')
            .all(|w| "public welfare jobs and rewards".contains(w))));
        let cut = truncate(&font, text, 9.0, 50.0);
        assert!(cut.ends_with('…') && font.text_width(&cut, 9.0) <= 50.0);
        assert_eq!(wrap_limited(&font, text, 9.0, 60.0, 2).len(), 2);
    }

    #[test]
    fn narrow_money_columns_are_widened_not_cut() {
        let mut doc = Document::new("宽度");
        let mut t = Table {
            columns: vec![
                Column::text("a", "很长很长的摘要", 20),
                Column::new("m", "金额", Align::Right, 1),
            ],
            ..Default::default()
        };
        t.rows.push(Row::new(vec![
            "x".into(),
            Cell::Money(Amount::from_fen(9876543210123)),
        ]));
        doc.tables.push(t);
        let font = Font::builtin();
        let layout = Layout::new(&font, FontId("AAAAAA".into()), Lang::Zh);
        let (widths, size) = layout.column_widths(&doc.tables[0]);
        assert_eq!(size, BODY_SIZE);
        let need = font.text_width("98,765,432,101.23", size) + 2.0 * CELL_PAD_X;
        assert!(widths[1] >= need - 0.01, "{widths:?} {need}");
        assert!((widths.iter().sum::<f32>() - CONTENT_W).abs() < 0.1);
        let Some(text) = pdftotext(&pdf_of(&doc)) else {
            return;
        };
        assert!(text.contains("98,765,432,101.23"), "{text}");
    }

    #[test]
    fn codes_and_amounts_get_what_they_need_and_text_the_rest() {
        let font = Font::builtin();
        let layout = Layout::new(&font, FontId("AAAAAA".into()), Lang::Zh);
        let mut t = Table {
            columns: vec![
                Column::text("date", "日期", 2),
                Column::text("voucher", "凭证号", 2),
                Column::text("memo", "摘要", 5),
                Column::text("household", "户编号", 1),
                Column::money("amount", "金额"),
            ],
            ..Default::default()
        };
        for i in 0..20 {
            t.rows.push(Row::new(vec![
                "2024-03-15".into(),
                Cell::text(format!("2024-03-{:04}", i + 1)),
                Cell::text("期初余额：动态帮扶资金结余18.64万元，存基本户，分账核算".repeat(2)),
                // Mostly empty: it must not take room from the memo.
                if i == 3 { "H0001".into() } else { Cell::Empty },
                Cell::Money(Amount::from_fen(123_456)),
            ]));
        }
        let (w, size) = layout.column_widths(&t);
        assert_eq!(size, BODY_SIZE);
        let pad = 2.0 * CELL_PAD_X;
        let fits = |s: &str| font.text_width(s, size) + pad;
        assert!((w[0] - fits("2024-03-15")).abs() < 0.01, "{w:?}");
        assert!((w[1] - fits("2024-03-0020")).abs() < 0.01, "{w:?}");
        let household = fits("H0001").max(fits("户编号"));
        assert!((w[3] - household).abs() < 0.01, "{w:?}");
        assert!((w[4] - fits(MONEY_TEMPLATE)).abs() < 0.01, "{w:?}");
        assert!((w.iter().sum::<f32>() - CONTENT_W).abs() < 0.1, "{w:?}");
        assert!(w[2] > CONTENT_W / 2.0, "the memo gets the rest: {w:?}");
    }

    #[test]
    fn column_widths_do_not_depend_on_the_text() {
        let font = Font::builtin();
        let layout = Layout::new(&font, FontId("AAAAAA".into()), Lang::Zh);
        // Amounts that fit the money template, whatever their number of digits.
        let with_amounts = |mut doc: Document, fen: &dyn Fn(usize) -> i64| {
            let t = &mut doc.tables[0];
            let mut total = Amount::ZERO;
            for (i, row) in t.rows.iter_mut().enumerate() {
                row.cells[3] = Cell::Money(Amount::from_fen(fen(i)));
                total += Amount::from_fen(fen(i));
            }
            t.totals[0].cells[3] = Cell::Money(total);
            doc
        };
        let a = with_amounts(sample::household(3), &|i| 1_234_567 + i as i64);
        let mut b = with_amounts(sample::household(12), &|i| 100 + i as i64);
        for (i, row) in b.tables[0].rows.iter_mut().enumerate() {
            row.cells[1] = Cell::text(if i % 2 == 0 {
                "助学金"
            } else {
                "临时救助"
            });
            row.cells[2] = Cell::text("短".repeat(1 + i * 7));
        }
        let wa = layout.column_widths(&a.tables[0]);
        let wb = layout.column_widths(&b.tables[0]);
        assert_eq!(wa, wb);
    }

    #[test]
    fn text_in_tables_is_never_cut() {
        let mut doc = sample::household(3);
        let memo = "动态帮扶资金临时救助：胡荔村叶建国肺癌晚期住院、配偶需手术，家庭无劳动能力，\
                    村民代表会议提议、镇审核、公示5个工作日无异议，经镇农办审批后发放"
            .repeat(3);
        let source = "动态帮扶 第1批（村委会、镇农办审批）".repeat(2);
        // Alone in their rows, so that the other cells' lines do not interleave with theirs.
        doc.tables[0].rows[1] = Row::new(vec![Cell::Empty, Cell::Empty, memo.clone().into()]);
        doc.tables[0].rows[2] = Row::new(vec![Cell::Empty, source.clone().into()]);
        let Some(text) = pdftotext(&pdf_of(&doc)) else {
            return;
        };
        assert!(!text.contains('…'), "{text}");
        assert!(squeeze(&text).contains(&squeeze(&memo)), "{text}");
        assert!(squeeze(&text).contains(&squeeze(&source)), "{text}");
    }

    #[test]
    fn a_row_taller_than_a_page_continues_on_the_next() {
        let mut doc = sample::household(2);
        let memo: String = (0..300).map(|i| format!("第{i}项补助发放；")).collect();
        doc.tables[0].rows[0] = Row::new(vec![Cell::Empty, Cell::Empty, memo.clone().into()]);
        let Some(text) = pdftotext(&pdf_of(&doc)) else {
            return;
        };
        let pages = pages(&text);
        assert!(pages.len() >= 2, "{text}");
        for p in &pages {
            assert!(p.contains("金额（元）"), "header on every page: {p}");
        }
        // Without the page furniture between its parts, the memo reads whole.
        let mut body = squeeze(&text)
            .replace("townledger·链哈希3fa9c2e1", "")
            .replace("分配明细（续）", "")
            .replace("日期资金来源摘要金额（元）人数", "");
        for page in 1..=pages.len() {
            body = body.replace(&format!("第{page}页共{}页", pages.len()), "");
        }
        assert!(body.contains(&squeeze(&memo)), "{text}");
        assert!(text.contains("第299项补助发放；"), "{text}");
    }

    #[test]
    fn continuation_pages_name_the_household() {
        let mut doc = sample::household(40);
        doc.running_head = Some("H0123 王*".into());
        let Some(text) = pdftotext(&pdf_of(&doc)) else {
            return;
        };
        let pages = pages(&text);
        assert!(pages.len() >= 2, "{text}");
        assert!(!pages[0].contains("H0123 王*（续）"), "{}", pages[0]);
        for p in &pages[1..] {
            let first = p.lines().find(|l| !l.trim().is_empty()).unwrap();
            assert_eq!(first.trim(), "H0123 王*（续）", "{p}");
            assert!(p.contains("金额（元）"), "{p}");
        }
        let mut en = sample::household(40);
        en.lang = Lang::En;
        en.running_head = Some("H0123 王*".into());
        let Some(text) = pdftotext(&pdf_of(&en)) else {
            return;
        };
        assert!(text.contains("H0123 王* (continued)"), "{text}");
    }

    #[test]
    fn notes_are_never_split_and_the_last_stays_with_the_signatures() {
        let last = "打印时账簿审计链哈希：".to_string() + &"3fa9c2e1".repeat(20);
        // Whatever the length of the table, no note is cut by a page break, and the last one
        // is on the page of the signature lines.
        for rows in 20..=34 {
            let mut doc = sample::household(rows);
            doc.notes.push(last.clone());
            let Some(text) = pdftotext(&pdf_of(&doc)) else {
                return;
            };
            let pages: Vec<String> = pages(&text).into_iter().map(squeeze).collect();
            for note in &doc.notes {
                let note = squeeze(note);
                assert!(
                    pages.iter().any(|p| p.contains(&note)),
                    "{rows} rows: note split across pages: {note}\n{text}"
                );
            }
            let signed = pages.iter().position(|p| p.contains("经办人")).unwrap();
            assert!(
                pages[signed].contains(&squeeze(&last)),
                "{rows} rows:\n{text}"
            );
        }
    }

    #[test]
    fn english_header_fields_keep_short_values_on_one_line() {
        let mut doc = Document::new("Household benefit statement");
        doc.lang = Lang::En;
        doc = doc
            .field("Town", "阳西县程村镇（示例）")
            .field("Village", "胡荔村")
            .field("Household", "H0001")
            .field("Head of household", "叶建国")
            .field("Members", "4")
            .field("Category", "sudden hardship")
            .field("ID number", "**************4031")
            .field("Card account", "***************9437")
            .field("Period", "2024-01-01 — 2024-12-31")
            .field("Printed", "2026-12-01");
        let Some(text) = pdftotext(&pdf_of(&doc)) else {
            return;
        };
        for (label, value) in doc.fields.iter().map(|f| (&f.label, &f.value)) {
            let line = text
                .lines()
                .find(|l| l.contains(&format!("{label}:")))
                .unwrap_or_else(|| panic!("{label} missing:\n{text}"));
            let after = line.split(&format!("{label}:")).nth(1).unwrap();
            assert!(
                after.starts_with(' ') && after.trim_start().starts_with(value.as_str()),
                "{label}: {value:?} not whole after its label in {line:?}\n{text}"
            );
        }
    }

    #[test]
    fn shares_follow_weights_and_floors() {
        let parts = share(30.0, &[1.0, 2.0], &[0.0, 0.0]);
        assert!((parts[0] - 10.0).abs() < 1e-3 && (parts[1] - 20.0).abs() < 1e-3);
        let parts = share(30.0, &[1.0, 2.0], &[15.0, 0.0]);
        assert!((parts[0] - 15.0).abs() < 1e-3 && (parts[1] - 15.0).abs() < 1e-3);
        let parts = share(30.0, &[1.0, 5.0, 4.0], &[6.0, 0.0, 0.0]);
        assert!((parts[0] - 6.0).abs() < 1e-3, "{parts:?}");
        assert!((parts[1] / parts[2] - 1.25).abs() < 1e-3, "{parts:?}");
        assert!((parts.iter().sum::<f32>() - 30.0).abs() < 1e-3);
        let parts = share(10.0, &[1.0, 1.0], &[8.0, 9.0]);
        assert_eq!(parts, vec![8.0, 9.0]);
    }

    #[test]
    fn long_fields_take_a_row_of_their_own() {
        let mut doc = sample::household(1);
        doc.fields.insert(
            2,
            crate::report::document::Field {
                label: "资金来源".into(),
                value: "程村蚝产业分红12%倾斜部分及“6·30”扶贫济困日非定向捐款，合计约500,000元，按人均纯收入由低到高加权分配".into(),
            },
        );
        let Some(text) = pdftotext(&pdf_of(&doc)) else {
            return;
        };
        let line_of = |s: &str| text.lines().position(|l| l.contains(s)).unwrap();
        assert_eq!(line_of("户编号"), line_of("户主姓名"), "{text}");
        assert!(line_of("资金来源") > line_of("户编号"), "{text}");
        assert!(line_of("所属村") > line_of("资金来源"), "{text}");
        assert!(
            squeeze(&text).contains("按人均纯收入由低到高加权分配"),
            "{text}"
        );
    }

    #[test]
    fn a_system_collection_font_can_be_used() {
        let ttc = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
        if !Path::new(ttc).exists() {
            eprintln!("skipped: {ttc} is not installed");
            return;
        }
        let font = Arc::new(Font::from_path(format!("{ttc}#2")).unwrap());
        let opts = RenderOptions::default().with_font(font);
        let pdf = to_bytes(&sample::household(2), &opts).unwrap();
        assert!(pdf.len() < 120_000, "{}", pdf.len());
        let Some(text) = pdftotext(&pdf) else { return };
        assert!(text.contains("王䶮"));
    }

    #[test]
    fn a_latin_truetype_font_prints_english_and_names_what_it_lacks() {
        let ttf = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
        if !Path::new(ttf).exists() {
            eprintln!("skipped: {ttf} is not installed");
            return;
        }
        let font = Arc::new(Font::from_path(ttf).unwrap());
        let opts = RenderOptions::default().with_font(font.clone());
        let mut doc = Document::new("Trial balance");
        doc.lang = Lang::En;
        doc = doc.field("Town", "Chengcun");
        let mut t = Table {
            caption: Some("Accounts".into()),
            columns: vec![
                Column::text("account", "Account", 3),
                Column::money("balance", "Balance"),
            ],
            ..Default::default()
        };
        t.rows.push(Row::new(vec![
            "102 Bank".into(),
            Cell::Money(Amount::from_fen(-12345678)),
        ]));
        doc.tables.push(t);
        doc.signatures = vec!["Prepared by".into()];
        let pdf = to_bytes(&doc, &opts).unwrap();
        if let Some(text) = pdftotext(&pdf) {
            assert!(
                text.contains("-123,456.78") && text.contains("Prepared by: ____"),
                "{text}"
            );
            assert!(text.contains("Page 1 of 1"), "{text}");
        }
        let err = check_glyphs(&sample::household(1), &font).unwrap_err();
        assert!(err.chars.contains(&'农') && err.chars.contains(&'䶮'));
        assert!(err.places.iter().any(|p| p.place == "field 户主姓名"));
        assert!(err.places.iter().any(|p| p.place == "page numbers"));
        assert!(err.to_string().contains("DejaVuSans.ttf"));
    }

    #[test]
    fn two_threads_share_one_font() {
        let opts = RenderOptions::default().with_font(Font::builtin());
        let docs = [sample::household(2), sample::household(3)];
        let pdfs: Vec<Vec<u8>> = std::thread::scope(|s| {
            let handles: Vec<_> = docs
                .iter()
                .map(|d| s.spawn(|| to_bytes(d, &opts).unwrap()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(pdfs[0], to_bytes(&docs[0], &opts).unwrap());
        assert_ne!(pdfs[0], pdfs[1]);
    }

    /// Throughput of one-page statements on one thread:
    /// `cargo test --release bench_one_page_statements -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn bench_one_page_statements() {
        let opts = RenderOptions::default();
        let docs: Vec<Document> = (0..1000)
            .map(|i| {
                let mut d = sample::household(6 + i % 6);
                d.fields[0].value = format!("H{i:04}");
                d
            })
            .collect();
        let font = Font::builtin();
        for d in &docs {
            let pages = Layout::new(&font, FontId("AAAAAA".into()), d.lang).run(d);
            assert_eq!(pages.len(), 1, "a statement must fit one page");
        }
        let _ = to_bytes(&docs[0], &opts).unwrap();
        let start = std::time::Instant::now();
        let mut bytes = 0usize;
        for d in &docs {
            bytes += to_bytes(d, &opts).unwrap().len();
        }
        let ms = start.elapsed().as_secs_f64() * 1000.0 / docs.len() as f64;
        println!(
            "{} statements on one thread: {ms:.2} ms and {:.1} KB per document",
            docs.len(),
            bytes as f64 / docs.len() as f64 / 1024.0
        );
        let start = std::time::Instant::now();
        std::thread::scope(|s| {
            for half in docs.chunks(docs.len() / 2) {
                s.spawn(|| half.iter().for_each(|d| drop(to_bytes(d, &opts).unwrap())));
            }
        });
        let ms = start.elapsed().as_secs_f64() * 1000.0 / docs.len() as f64;
        println!("on two threads sharing one font: {ms:.2} ms per document");
    }

    /// Writes sample PDFs into the temp directory to look at the pages:
    /// `cargo test write_sample_pdfs -- --ignored`, then `pdftoppm -png -r 60 FILE.pdf out`.
    #[test]
    #[ignore]
    fn write_sample_pdfs() {
        let created = chrono::DateTime::parse_from_rfc3339("2024-06-30T09:15:00+08:00").unwrap();
        let opts = RenderOptions::new(created);
        for (name, doc) in [
            ("statement", sample::household(5)),
            ("long-statement", sample::household(60)),
            ("trial-balance", sample::trial_balance()),
        ] {
            let path = std::env::temp_dir().join(format!("townledger-{name}.pdf"));
            std::fs::write(&path, to_bytes(&doc, &opts).unwrap()).unwrap();
            println!("wrote {}", path.display());
        }
    }
}

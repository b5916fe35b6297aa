//! The font used for PDF pages: parsed once, shared between threads, with fast glyph look-ups,
//! and cut down to the glyphs each PDF draws when it is embedded.
//!
//! townledger ships a subset of Noto Sans CJK SC Regular inside the binary (all of GBK, all of
//! CJK Extension A, Latin-1 and the usual punctuation; see `assets/fonts/README.md`), so a fresh
//! machine with no system fonts still prints Chinese statements. `--font PATH` swaps in any
//! TTF/OTF/TTC file (`PATH#N` picks face N of a collection).
//!
//! A statement measures every string several times while laying it out, so the character map
//! and the advances are read into flat tables when the font is loaded: a look-up is an index
//! into an array, and one [`Font`] serves several rendering threads at once without locks.
//!
//! A PDF carries only the glyphs its pages draw ([`Font::embed`]): the font program is cut
//! down to them and renumbered, so a one-page statement embeds tens of kilobytes, not the
//! megabytes of the whole font. Copying text out of the PDF works through the `/ToUnicode`
//! map written from the characters each glyph was drawn for.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use printpdf::{FontMetrics, FontType, Op, ParsedFont, PdfFontMetricsStub, TextItem};

use crate::error::{Error, Result};

/// The built-in CJK font (subset of Noto Sans CJK SC Regular, SIL Open Font License 1.1).
static BUILTIN_BYTES: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-townledger.otf");

/// A glyph of the font: its id and its horizontal advance in font units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Glyph {
    pub gid: u16,
    pub advance: u16,
}

/// A parsed font face, ready to measure text and to be embedded into PDFs.
pub struct Font {
    /// The font file (a whole collection for a `.ttc`) and the face used in it.
    data: Cow<'static, [u8]>,
    face: u32,
    /// Where the font came from, for messages: `built-in Noto Sans SC` or a path.
    name: String,
    /// The face's PostScript name, for the PDF's font dictionary.
    postscript_name: String,
    units_per_em: f32,
    /// Ascender and descender in font units (descender negative), from `hhea`.
    ascender: i16,
    descender: i16,
    /// What a PDF font descriptor says of the face.
    descriptor: PdfFontMetricsStub,
    cff: bool,
    /// Glyph id of each Basic Multilingual Plane character; 0 where the font has none.
    bmp: Box<[u16]>,
    /// Glyph ids of the characters beyond the BMP that the font has.
    astral: HashMap<u32, u16>,
    /// Horizontal advance of each glyph, in font units.
    advances: Box<[u16]>,
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Font")
            .field("name", &self.name)
            .field("units_per_em", &self.units_per_em)
            .finish_non_exhaustive()
    }
}

impl Font {
    /// Parse a font from its bytes. `face` selects the face of a collection (`.ttc`); use 0
    /// for a plain TTF/OTF. `name` says where it came from, for error messages.
    pub fn from_bytes(bytes: &[u8], face: usize, name: impl Into<String>) -> Result<Font> {
        Font::parse(Cow::Owned(bytes.to_vec()), face, name.into())
    }

    fn parse(data: Cow<'static, [u8]>, face: usize, name: String) -> Result<Font> {
        let unusable = |why: &dyn std::fmt::Display| {
            Error::rule(format!(
                "{name}: not a usable TrueType/OpenType font (face {face}): {why}"
            ))
        };
        let index = u32::try_from(face).map_err(|e| unusable(&e))?;
        let parsed = ttf_parser::Face::parse(&data, index).map_err(|e| unusable(&e))?;
        let raw = parsed.raw_face();
        let table = |tag: &[u8; 4]| raw.table(ttf_parser::Tag::from_bytes(tag));
        let cff = table(b"CFF ").is_some();
        if !cff && table(b"glyf").is_none() {
            return Err(unusable(&"it has neither TrueType nor CFF outlines"));
        }

        // The character map: the first Unicode subtable that maps a character wins, as in
        // every text renderer.
        let mut bmp = vec![0u16; 0x1_0000].into_boxed_slice();
        let mut astral = HashMap::new();
        let mut any_unicode = false;
        if let Some(cmap) = parsed.tables().cmap {
            for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
                any_unicode = true;
                sub.codepoints(|cp| {
                    let Some(gid) = sub.glyph_index(cp).map(|g| g.0).filter(|&g| g != 0) else {
                        return;
                    };
                    match bmp.get_mut(cp as usize) {
                        Some(slot) if *slot == 0 => *slot = gid,
                        Some(_) => {}
                        None if char::from_u32(cp).is_some() => {
                            astral.entry(cp).or_insert(gid);
                        }
                        None => {}
                    }
                });
            }
        }
        if !any_unicode {
            return Err(Error::rule(format!(
                "{name}: the font has no Unicode character map (face {face})"
            )));
        }
        let advances = (0..parsed.number_of_glyphs())
            .map(|g| {
                parsed
                    .glyph_hor_advance(ttf_parser::GlyphId(g))
                    .unwrap_or(0)
            })
            .collect();

        let head = parsed.tables().head;
        let hhea = parsed.tables().hhea;
        // `hhea`'s caret slope (for the descriptor's italic angle) is not parsed by
        // ttf-parser: read it from the table, rise at byte 18 and run at byte 20.
        let caret = |at: usize| {
            table(b"hhea")
                .and_then(|t| t.get(at..at + 2))
                .map(|b| i16::from_be_bytes([b[0], b[1]]))
        };
        let descriptor = PdfFontMetricsStub {
            units_per_em: head.units_per_em,
            x_min: head.global_bbox.x_min,
            y_min: head.global_bbox.y_min,
            x_max: head.global_bbox.x_max,
            y_max: head.global_bbox.y_max,
            caret_slope_rise: caret(18).unwrap_or(1),
            caret_slope_run: caret(20).unwrap_or(0),
            us_weight_class: parsed
                .tables()
                .os2
                .map_or(0, |os2| os2.weight().to_number()),
        };
        let postscript_name = postscript_name(&parsed).unwrap_or_else(|| "Font".to_string());
        let units_per_em = match head.units_per_em {
            0 => 1000.0,
            u => f32::from(u),
        };
        let (ascender, descender) = (hhea.ascender, hhea.descender);
        Ok(Font {
            data,
            face: index,
            name,
            postscript_name,
            units_per_em,
            ascender,
            descender,
            descriptor,
            cff,
            bmp,
            astral,
            advances,
        })
    }

    /// Load a font file: TTF, OTF or TTC. `PATH#N` selects face N of a collection (default 0),
    /// e.g. `/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#2` for Simplified Chinese.
    pub fn from_path(spec: impl AsRef<Path>) -> Result<Font> {
        let spec = spec.as_ref();
        let (path, face) = split_face_suffix(spec);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        Font::parse(Cow::Owned(bytes), face, path.display().to_string())
    }

    /// The built-in font, parsed on first use and shared afterwards.
    pub fn builtin() -> Arc<Font> {
        static BUILTIN: OnceLock<Arc<Font>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                Arc::new(
                    Font::parse(
                        Cow::Borrowed(BUILTIN_BYTES),
                        0,
                        "built-in Noto Sans SC".to_string(),
                    )
                    .expect("the built-in font parses"),
                )
            })
            .clone()
    }

    /// Where the font came from (`built-in Noto Sans SC` or its path).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The glyph for a character, or `None` when the font does not have it.
    pub fn glyph(&self, c: char) -> Option<Glyph> {
        let cp = u32::from(c);
        let gid = match self.bmp.get(cp as usize) {
            Some(&gid) => gid,
            None => self.astral.get(&cp).copied().unwrap_or(0),
        };
        (gid != 0).then(|| Glyph {
            gid,
            advance: self.advance_of(gid),
        })
    }

    fn advance_of(&self, gid: u16) -> u16 {
        self.advances.get(usize::from(gid)).copied().unwrap_or(0)
    }

    /// Whether the font can draw the character.
    pub fn has_char(&self, c: char) -> bool {
        self.glyph(c).is_some()
    }

    /// The characters of `s` the font cannot draw, each once, in order of appearance.
    /// Tabs and line breaks are not counted: pages draw them as spaces.
    pub fn missing_chars(&self, s: &str) -> Vec<char> {
        let mut out: Vec<char> = Vec::new();
        for c in s.chars() {
            if !is_layout_whitespace(c) && !self.has_char(c) && !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }

    /// Width of `s` in points at `size_pt`. A character the font lacks counts one em.
    pub fn text_width(&self, s: &str, size_pt: f32) -> f32 {
        let units: u32 = s.chars().map(|c| self.advance_units(c)).sum();
        units as f32 * size_pt / self.units_per_em
    }

    /// Width of one character in points at `size_pt`.
    pub fn char_width(&self, c: char, size_pt: f32) -> f32 {
        self.advance_units(c) as f32 * size_pt / self.units_per_em
    }

    fn advance_units(&self, c: char) -> u32 {
        let c = if is_layout_whitespace(c) { ' ' } else { c };
        match self.glyph(c) {
            Some(g) => u32::from(g.advance),
            None => self.units_per_em as u32,
        }
    }

    /// Distance from the baseline to the top of the tallest glyphs, in points at `size_pt`.
    pub fn ascent(&self, size_pt: f32) -> f32 {
        f32::from(self.ascender) * size_pt / self.units_per_em
    }

    /// Distance from the baseline down to the lowest glyphs (positive), in points at `size_pt`.
    pub fn descent(&self, size_pt: f32) -> f32 {
        -f32::from(self.descender) * size_pt / self.units_per_em
    }

    /// The font program for one PDF: only the glyphs that `pages` draw, renumbered from 1 in
    /// the order of their ids in this font, with the glyph ids in `pages` rewritten to the new
    /// numbers. `tag` is the six-letter subset tag put before the face's name.
    pub fn embed(&self, pages: &mut [Vec<Op>], tag: &str) -> Result<ParsedFont> {
        let used: BTreeSet<u16> = pages
            .iter()
            .flatten()
            .filter_map(|op| match op {
                Op::ShowText { items } => Some(items),
                _ => None,
            })
            .flatten()
            .filter_map(|item| match item {
                TextItem::GlyphIds(glyphs) => Some(glyphs),
                _ => None,
            })
            .flatten()
            .map(|g| g.gid)
            .collect();
        let mut remapper = subsetter::GlyphRemapper::new();
        for &gid in &used {
            remapper.remap(gid);
        }
        let program = subsetter::subset(&self.data, self.face, &remapper).map_err(|e| {
            Error::rule(format!(
                "{}: the font cannot be cut down for embedding: {e}",
                self.name
            ))
        })?;
        for op in pages.iter_mut().flatten() {
            if let Op::ShowText { items } = op {
                for item in items {
                    if let TextItem::GlyphIds(glyphs) = item {
                        for g in glyphs {
                            g.gid = remapper.get(g.gid).unwrap_or(0);
                        }
                    }
                }
            }
        }
        let glyph_widths: BTreeMap<u16, u16> = std::iter::once(0)
            .chain(used)
            .filter_map(|old| Some((remapper.get(old)?, self.advance_of(old))))
            .collect();
        Ok(ParsedFont {
            original_bytes: program,
            font_index: 0,
            font_name: Some(format!("{tag}+{}", self.postscript_name)),
            codepoint_to_glyph: BTreeMap::new(),
            glyph_widths,
            units_per_em: self.descriptor.units_per_em,
            font_metrics: FontMetrics {
                ascent: self.ascender,
                descent: self.descender,
            },
            font_type: if self.cff {
                FontType::OpenTypeCFF(())
            } else {
                FontType::TrueType
            },
            pdf_font_metrics: self.descriptor.clone(),
        })
    }
}

/// The face's PostScript name (`name` id 6), as PDF font dictionaries name a font.
fn postscript_name(face: &ttf_parser::Face) -> Option<String> {
    face.names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        .find_map(|n| {
            n.to_string().or_else(|| {
                // Macintosh Roman: PostScript names are printable ASCII.
                n.name
                    .iter()
                    .all(|b| b.is_ascii_graphic())
                    .then(|| String::from_utf8_lossy(n.name).into_owned())
            })
        })
        .filter(|n| !n.is_empty())
}

/// Tab, line feed and carriage return: drawn as a space on paper.
pub(crate) fn is_layout_whitespace(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r')
}

/// `font.ttc#2` → (`font.ttc`, 2). A path that exists as given is taken whole.
fn split_face_suffix(spec: &Path) -> (PathBuf, usize) {
    if spec.exists() {
        return (spec.to_path_buf(), 0);
    }
    let text = spec.to_string_lossy();
    if let Some((path, n)) = text.rsplit_once('#') {
        if let Ok(face) = n.parse::<usize>() {
            return (PathBuf::from(path), face);
        }
    }
    (spec.to_path_buf(), 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_font_covers_gbk_ext_a_and_symbols() {
        let font = Font::builtin();
        for c in "农户收益分配明细单䶮¥￥，。：（）“”…—·①Ⅻ─℃№壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整"
            .chars()
        {
            assert!(
                font.has_char(c),
                "built-in font lacks {c} U+{:04X}",
                c as u32
            );
        }
        assert!(font.missing_chars("张三 䶮 1,234.56\t").is_empty());
        assert_eq!(
            font.missing_chars("a\u{2A6D6}b\u{E000}\u{2A6D6}"),
            vec!['\u{2A6D6}', '\u{E000}']
        );
    }

    #[test]
    fn widths_are_measured() {
        let font = Font::builtin();
        // Noto Sans CJK: ideographs are one em, digits half an em or less.
        assert!((font.text_width("中", 10.0) - 10.0).abs() < 0.01);
        let digits = font.text_width("0123456789", 10.0);
        assert!(digits > 40.0 && digits < 60.0, "{digits}");
        assert_eq!(font.text_width("", 10.0), 0.0);
        // Cached and uncached look-ups agree.
        assert_eq!(font.text_width("户主", 9.0), font.text_width("户主", 9.0));
        assert!(font.ascent(10.0) > 7.0 && font.descent(10.0) > 0.5);
    }

    #[test]
    fn shared_between_threads() {
        let font = Font::builtin();
        let widths: Vec<f32> = std::thread::scope(|s| {
            let a = s.spawn(|| font.text_width("防止返贫储备金𠮷", 12.0));
            let b = s.spawn(|| font.text_width("防止返贫储备金𠮷", 12.0));
            vec![a.join().unwrap(), b.join().unwrap()]
        });
        assert_eq!(widths[0], widths[1]);
    }

    #[test]
    fn face_suffix_and_missing_files() {
        assert_eq!(
            split_face_suffix(Path::new("/nonexistent/x.ttc#2")),
            (PathBuf::from("/nonexistent/x.ttc"), 2)
        );
        assert_eq!(
            split_face_suffix(Path::new("/nonexistent/x.ttf")),
            (PathBuf::from("/nonexistent/x.ttf"), 0)
        );
        let err = Font::from_path("/nonexistent/x.ttc#2").unwrap_err();
        assert!(err.to_string().contains("/nonexistent/x.ttc"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.ttf");
        std::fs::write(&junk, b"not a font").unwrap();
        assert!(Font::from_path(&junk).is_err());
    }

    #[test]
    fn loads_a_collection_face_when_installed() {
        let ttc = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
        if !Path::new(ttc).exists() {
            eprintln!("skipped: {ttc} is not installed");
            return;
        }
        let font = Font::from_path(format!("{ttc}#2")).unwrap();
        assert!(font.has_char('䶮'));
        assert!(font.name().ends_with("NotoSansCJK-Regular.ttc"));
    }
}

//! The font used for PDF pages: parsed once, shared between threads, with fast glyph look-ups.
//!
//! townledger ships a subset of Noto Sans CJK SC Regular inside the binary (all of GBK, all of
//! CJK Extension A, Latin-1 and the usual punctuation; see `assets/fonts/README.md`), so a fresh
//! machine with no system fonts still prints Chinese statements. `--font PATH` swaps in any
//! TTF/OTF/TTC file (`PATH#N` picks face N of a collection).
//!
//! Looking a character up in a large CJK `cmap` is slow (microseconds per character), and a
//! statement measures every string several times while laying it out, so each character's glyph
//! id and advance are cached on first use. The cache is lock-free for the Basic Multilingual
//! Plane, so one [`Font`] can serve several rendering threads at once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use printpdf::ParsedFont;

use crate::error::{Error, Result};

/// The built-in CJK font (subset of Noto Sans CJK SC Regular, SIL Open Font License 1.1).
static BUILTIN_BYTES: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-townledger.otf");

/// A glyph of the font: its id and its horizontal advance in font units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Glyph {
    pub gid: u16,
    pub advance: u16,
}

/// Cache slot flags for the BMP table: bit 63 = looked up, bit 62 = present in the font,
/// bits 16..32 = glyph id, bits 0..16 = advance.
const LOOKED_UP: u64 = 1 << 63;
const PRESENT: u64 = 1 << 62;

/// A parsed font face, ready to measure text and to be embedded into PDFs.
pub struct Font {
    parsed: ParsedFont,
    /// Where the font came from, for messages: `built-in Noto Sans SC` or a path.
    name: String,
    units_per_em: f32,
    /// Ascender and descender in font units (descender negative).
    ascender: f32,
    descender: f32,
    bmp: Box<[AtomicU64]>,
    astral: RwLock<HashMap<u32, Option<Glyph>>>,
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
        let name = name.into();
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(bytes, face, &mut warnings).ok_or_else(|| {
            Error::rule(format!(
                "{name}: not a usable TrueType/OpenType font (face {face}){}",
                warnings
                    .first()
                    .map(|w| format!(": {}", w.message))
                    .unwrap_or_default()
            ))
        })?;
        if parsed.cmap_subtable.is_none() {
            return Err(Error::rule(format!(
                "{name}: the font has no Unicode character map (face {face})"
            )));
        }
        let metrics = &parsed.pdf_font_metrics;
        let units_per_em = match metrics.units_per_em {
            0 => 1000.0,
            u => f32::from(u),
        };
        let (ascender, descender) = (f32::from(metrics.ascender), f32::from(metrics.descender));
        let bmp = (0..0x1_0000).map(|_| AtomicU64::new(0)).collect();
        Ok(Font {
            parsed,
            name,
            units_per_em,
            ascender,
            descender,
            bmp,
            astral: RwLock::new(HashMap::new()),
        })
    }

    /// Load a font file: TTF, OTF or TTC. `PATH#N` selects face N of a collection (default 0),
    /// e.g. `/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#2` for Simplified Chinese.
    pub fn from_path(spec: impl AsRef<Path>) -> Result<Font> {
        let spec = spec.as_ref();
        let (path, face) = split_face_suffix(spec);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        Font::from_bytes(&bytes, face, path.display().to_string())
    }

    /// The built-in font, parsed on first use and shared afterwards.
    pub fn builtin() -> Arc<Font> {
        static BUILTIN: OnceLock<Arc<Font>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                Arc::new(
                    Font::from_bytes(BUILTIN_BYTES, 0, "built-in Noto Sans SC")
                        .expect("the built-in font parses"),
                )
            })
            .clone()
    }

    /// Where the font came from (`built-in Noto Sans SC` or its path).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The parsed face, for embedding into a PDF.
    pub fn parsed(&self) -> &ParsedFont {
        &self.parsed
    }

    /// The glyph for a character, or `None` when the font does not have it.
    pub fn glyph(&self, c: char) -> Option<Glyph> {
        let cp = u32::from(c);
        if let Some(slot) = self.bmp.get(cp as usize) {
            let v = slot.load(Ordering::Relaxed);
            if v & LOOKED_UP != 0 {
                return (v & PRESENT != 0).then_some(Glyph {
                    gid: (v >> 16) as u16,
                    advance: v as u16,
                });
            }
            let g = self.lookup(cp);
            let packed = match g {
                Some(g) => LOOKED_UP | PRESENT | (u64::from(g.gid) << 16) | u64::from(g.advance),
                None => LOOKED_UP,
            };
            slot.store(packed, Ordering::Relaxed);
            return g;
        }
        if let Some(g) = self
            .astral
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&cp)
        {
            return *g;
        }
        let g = self.lookup(cp);
        self.astral
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(cp, g);
        g
    }

    fn lookup(&self, cp: u32) -> Option<Glyph> {
        let gid = self.parsed.lookup_glyph_index(cp).filter(|&g| g != 0)?;
        Some(Glyph {
            gid,
            advance: self.parsed.get_horizontal_advance(gid),
        })
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
        self.ascender * size_pt / self.units_per_em
    }

    /// Distance from the baseline down to the lowest glyphs (positive), in points at `size_pt`.
    pub fn descent(&self, size_pt: f32) -> f32 {
        -self.descender * size_pt / self.units_per_em
    }
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

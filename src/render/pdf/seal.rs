//! The seal block of a public document: for each issuing body, its name with `（盖章）`, room
//! for the round seal under it, and the line for the date it was signed, side by side across
//! the page after the signatures.

use crate::report::document::{Document, Lang};

use super::{page_text, truncate, Layout, BLACK, CONTENT_W, MARGIN_X, NOTE_SIZE};

/// Blank space above the block.
const SEAL_GAP: f32 = 18.0;
/// Room for a seal of about 42 mm across, the size a village committee's seal has.
const SEAL_ROOM: f32 = 96.0;

/// The date line under a seal, written by hand.
pub(super) fn date_line(lang: Lang) -> &'static str {
    crate::render::text::seal_date_line(lang)
}

impl Layout<'_> {
    fn seal_size() -> f32 {
        NOTE_SIZE + 1.0
    }

    /// Height of the seal block, the blank above it included.
    pub(super) fn seals_height(&self, doc: &Document) -> f32 {
        if doc.seals.is_empty() {
            0.0
        } else {
            SEAL_GAP + 2.0 * Self::line_h(Self::seal_size()) + SEAL_ROOM
        }
    }

    /// Each body's name at the top of its share of the width, the seal's room under it, then
    /// the date line; the block is kept whole on one page.
    pub(super) fn seals(&mut self, doc: &Document) {
        if doc.seals.is_empty() {
            return;
        }
        let size = Self::seal_size();
        let lh = Self::line_h(size);
        self.ensure(self.seals_height(doc));
        if !self.page_is_fresh() {
            self.y -= SEAL_GAP;
        }
        let slot = CONTENT_W / doc.seals.len() as f32;
        let top = self.y;
        for (i, name) in doc.seals.iter().enumerate() {
            let x = MARGIN_X + i as f32 * slot + 8.0;
            let name = truncate(self.font, &page_text(name), size, slot - 16.0);
            self.text(x, Self::baseline(top, size), size, &name, false, BLACK);
            let date = truncate(self.font, date_line(doc.lang), size, slot - 16.0);
            let date_top = top - lh - SEAL_ROOM;
            self.text(x, Self::baseline(date_top, size), size, &date, false, BLACK);
        }
        self.y = top - 2.0 * lh - SEAL_ROOM;
    }
}

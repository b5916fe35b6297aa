//! Keep-with-next at a document's end: the last rows of its last table, the totals, the notes
//! and the signature lines (and seals) go onto one page together, so that no page holds only
//! the closing lines.

use crate::report::document::{Document, Row, Table};

use super::{wrap, Layout, CONTENT_W, NOTE_SIZE};

/// How many body rows at least go with the totals and the closing lines.
pub(super) const KEPT_ROWS: usize = 2;

/// Space between a table's closing rule and what follows.
pub(super) const TABLE_GAP: f32 = 12.0;

impl Layout<'_> {
    /// Height of what follows the last table: every note, the signature lines, the seals.
    pub(super) fn closing_height(&self, doc: &Document) -> f32 {
        let lh = Self::line_h(NOTE_SIZE);
        let notes: usize = doc
            .notes
            .iter()
            .map(|n| wrap(self.font, n, NOTE_SIZE, CONTENT_W).len())
            .sum();
        notes as f32 * lh + self.signatures_height(doc) + self.seals_height(doc)
    }

    /// Height of a table's rows from `from` on (body rows, then totals), the gap after the
    /// table and `closing`.
    pub(super) fn tail_height(
        &self,
        table: &Table,
        body: &[(&Row, bool)],
        from: usize,
        widths: &[f32],
        size: f32,
        closing: f32,
    ) -> f32 {
        let rows: f32 = body[from..]
            .iter()
            .map(|(r, _)| Self::boxes_height(&self.row_boxes(table, r, widths, size), size))
            .sum();
        rows + TABLE_GAP + closing
    }
}

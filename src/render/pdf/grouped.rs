//! Tables with a two-row header: headings over groups of columns (`期初余额` over `方向` and
//! `金额`), the other columns' titles across both rows, as ledgers print a 科目余额表.
//!
//! The page layout is the one of every document (see the parent module); only the header
//! differs, on the first page and on every page the table continues on.

use std::borrow::Cow;

use crate::error::Result;
use crate::report::document::{Align, ColumnGroup, Document};

use super::{
    page_text, wrap, CellBox, Layout, MissingGlyphs, MissingPlace, RenderOptions, BLACK,
    CELL_PAD_X, MARGIN_X,
};

/// Render `doc` as PDF bytes, the header of each table grouped by `groups` (see
/// [`ColumnGroup`]): a group's `titles` replace its columns' own.
pub fn to_bytes(doc: &Document, groups: &[ColumnGroup], opts: &RenderOptions) -> Result<Vec<u8>> {
    let font = opts.font();
    let mut places = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        for s in std::iter::once(&g.title).chain(&g.titles) {
            let chars = font.missing_chars(s);
            if !chars.is_empty() {
                places.push(MissingPlace {
                    place: format!("column group {}", i + 1),
                    chars,
                });
            }
        }
    }
    if !places.is_empty() {
        return Err(MissingGlyphs::new(font.name(), places).into());
    }
    let mut doc = Cow::Borrowed(doc);
    if !groups.is_empty() {
        for table in &mut doc.to_mut().tables {
            for g in groups {
                for (col, title) in table.columns.iter_mut().skip(g.first).zip(&g.titles) {
                    col.title = title.clone();
                }
            }
        }
    }
    super::to_bytes_grouped(&doc, groups, opts)
}

/// The columns `first .. first + titles.len()` of a group, cut to the table.
fn span(g: &ColumnGroup, columns: usize) -> std::ops::Range<usize> {
    g.first.min(columns)..(g.first + g.titles.len()).min(columns)
}

impl Layout<'_> {
    /// Height of the row of group headings (0 without groups).
    pub(super) fn groups_height(&self, size: f32) -> f32 {
        if self.groups.is_empty() {
            return 0.0;
        }
        Self::line_h(size) + 2.0 * super::CELL_PAD_Y
    }

    /// Draw the row of group headings at `self.y` and the titles of the columns outside every
    /// group across both header rows (the lower `lower_h` high); move down by the upper row.
    /// Returns the lower row's cells (the grouped columns' titles), or `None` without groups.
    pub(super) fn draw_groups(
        &mut self,
        header: &[CellBox],
        widths: &[f32],
        size: f32,
        lower_h: f32,
    ) -> Option<Vec<CellBox>> {
        if self.groups.is_empty() {
            return None;
        }
        let upper_h = self.groups_height(size);
        let top = self.y;
        let x_of = |c: usize| MARGIN_X + widths[..c].iter().sum::<f32>();
        let groups = self.groups;
        let mut grouped = vec![false; widths.len()];
        for g in groups {
            let cols = span(g, widths.len());
            if cols.is_empty() {
                continue;
            }
            cols.clone().for_each(|c| grouped[c] = true);
            let (x1, x2) = (x_of(cols.start), x_of(cols.end));
            let lines = wrap(
                self.font,
                &page_text(&g.title),
                size,
                x2 - x1 - 2.0 * CELL_PAD_X,
            );
            let line = lines.first().cloned().unwrap_or_default();
            let w = self.font.text_width(&line, size);
            let b = Self::baseline(top - super::CELL_PAD_Y, size);
            self.text(x1 + (x2 - x1 - w) / 2.0, b, size, &line, true, BLACK);
            self.rule(x1, x2, top - upper_h, 0.3, BLACK);
        }
        // Titles of ungrouped columns, centred over both rows.
        let whole = upper_h + lower_h;
        for (c, cell) in header.iter().enumerate() {
            if grouped.get(c).copied().unwrap_or(true) {
                continue;
            }
            let lh = Self::line_h(cell.size);
            let block = cell.lines.len() as f32 * lh;
            let mut line_top = top - (whole - block) / 2.0;
            for line in &cell.lines {
                let w = self.font.text_width(line, cell.size);
                let (left, right) = (x_of(c) + CELL_PAD_X, x_of(c + 1) - CELL_PAD_X);
                let x = match cell.align {
                    Align::Left => left,
                    Align::Right => right - w,
                    Align::Center => left + (right - left - w) / 2.0,
                };
                let b = Self::baseline(line_top, cell.size);
                self.text(x, b, cell.size, line, true, BLACK);
                line_top -= lh;
            }
        }
        self.y -= upper_h;
        Some(
            header
                .iter()
                .enumerate()
                .map(|(c, cell)| CellBox {
                    lines: if grouped.get(c).copied().unwrap_or(true) {
                        cell.lines.clone()
                    } else {
                        Vec::new()
                    },
                    size: cell.size,
                    align: Align::Center,
                    indent: 0.0,
                })
                .collect(),
        )
    }
}

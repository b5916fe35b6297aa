//! Printing many household statements at once: one shared font, both cores, a progress bar on
//! a terminal, and a summary. A household that fails (a character the font lacks …) does not
//! stop the batch; it is listed and the caller reports failure in its exit status.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::error::{Error, Result};
use crate::render::{render_to_vec, Format, RenderOptions};
use crate::report::document::Lang;
use crate::report::statement::HouseholdStatement;

/// What a batch did.
#[derive(Clone, Debug, Default)]
pub struct BatchSummary {
    pub files: Vec<PathBuf>,
    pub pages: usize,
    pub bytes: u64,
    /// Households with nothing in the period (their statement is printed all the same).
    pub empty: Vec<String>,
    /// Households whose statement could not be written, with why.
    pub failed: Vec<(String, String)>,
}

/// Pages in a PDF written by the renderer: page objects carry `/Type /Page` (with or without
/// the space), the page tree `/Type /Pages`.
pub fn pdf_pages(bytes: &[u8]) -> usize {
    let mut count = 0;
    for needle in [&b"/Type /Page"[..], &b"/Type/Page"[..]] {
        let mut i = 0;
        while i + needle.len() <= bytes.len() {
            if &bytes[i..i + needle.len()] == needle {
                if bytes.get(i + needle.len()) != Some(&b's') {
                    count += 1;
                }
                i += needle.len();
            } else {
                i += 1;
            }
        }
    }
    count
}

/// The file a household's statement goes to: `DIR/<village>/<id>-<period>.pdf`.
pub fn statement_path(dir: &Path, s: &HouseholdStatement, period: &str) -> PathBuf {
    dir.join(&s.household.village)
        .join(format!("{}-{period}.pdf", s.household.id))
}

/// Render and write every statement as PDF under `dir`, on `threads` threads.
pub fn write_statements(
    statements: &[HouseholdStatement],
    dir: &Path,
    period: &str,
    lang: Lang,
    options: &RenderOptions,
    threads: usize,
) -> Result<BatchSummary> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    // Parse the font once, before the threads share it.
    let options = RenderOptions {
        font: Some(options.font()),
        created: options.created,
    };
    let bar = crate::import::progress_bar_items(statements.len() as u64, "statements");
    let next = AtomicUsize::new(0);
    /// (index, written file with its pages and bytes, or why it failed)
    type Outcome = (usize, std::result::Result<(PathBuf, usize, u64), String>);
    let results: Mutex<Vec<Outcome>> = Mutex::new(Vec::with_capacity(statements.len()));
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(s) = statements.get(i) else { break };
                let outcome = (|| -> Result<(PathBuf, usize, u64)> {
                    let bytes = render_to_vec(&s.document(lang), Format::Pdf, &options)?;
                    let path = statement_path(dir, s, period);
                    if let Some(parent) = path.parent() {
                        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
                    }
                    std::fs::write(&path, &bytes).map_err(|e| Error::io(&path, e))?;
                    Ok((path, pdf_pages(&bytes), bytes.len() as u64))
                })()
                .map_err(|e| e.to_string());
                results
                    .lock()
                    .expect("no panics while holding")
                    .push((i, outcome));
                bar.inc(1);
            });
        }
    });
    bar.finish_and_clear();
    let mut results = results.into_inner().expect("threads joined");
    results.sort_by_key(|(i, _)| *i);
    let mut summary = BatchSummary::default();
    for (i, outcome) in results {
        let s = &statements[i];
        if s.lines.is_empty() {
            summary.empty.push(s.household.id.clone());
        }
        match outcome {
            Ok((path, pages, bytes)) => {
                summary.files.push(path);
                summary.pages += pages;
                summary.bytes += bytes;
            }
            Err(why) => summary.failed.push((s.household.id.clone(), why)),
        }
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_page_objects_not_the_page_tree() {
        assert_eq!(
            pdf_pages(b"<< /Type /Pages /Kids [] >> << /Type /Page >> << /Type /Page/x >>"),
            2
        );
        assert_eq!(pdf_pages(b""), 0);
    }
}

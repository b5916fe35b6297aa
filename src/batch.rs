//! Printing many household statements at once: one shared font, both cores, a progress bar on
//! a terminal, and a summary. A household that fails (a character the font lacks …) does not
//! stop the batch; it is listed and the caller reports failure in its exit status.

use std::collections::hash_map::{Entry, HashMap};
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
    /// Households with nothing in the period whose statement was printed all the same.
    pub empty: Vec<String>,
    /// Households whose statement could not be written, with why.
    pub failed: Vec<(String, String)>,
}

/// The households of `village` (every household when `None`) in the register in force on
/// `on`, as `townledger statement village|town` prints them; none is an error naming the
/// villages there are.
pub fn households_of(
    ledger: &crate::store::Ledger,
    village: Option<&str>,
    on: chrono::NaiveDate,
) -> Result<Vec<crate::households::HouseholdRecord>> {
    let all = ledger.households_on(on)?;
    let households: Vec<_> = match village {
        Some(v) => all.iter().filter(|h| h.village == v).cloned().collect(),
        None => all.clone(),
    };
    if households.is_empty() {
        let mut villages: Vec<&str> = all.iter().map(|h| h.village.as_str()).collect();
        villages.sort();
        villages.dedup();
        return Err(Error::NotFound(match village {
            Some(v) => crate::tr!(
                "statement-no-village",
                village = v,
                villages = villages.join(", ")
            ),
            None => crate::tr!("statement-register-empty"),
        }));
    }
    Ok(households)
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

/// The characters Windows does not allow in a file name, and the full-width forms that stand
/// for them.
const WINDOWS_RESERVED: [(char, char); 7] = [
    ('<', '＜'),
    ('>', '＞'),
    (':', '：'),
    ('"', '＂'),
    ('|', '｜'),
    ('?', '？'),
    ('*', '＊'),
];

/// Whether `stem` is a device name that Windows reserves whatever the extension (`CON`,
/// `nul`, `COM1`, `LPT9` …).
fn is_windows_device(stem: &str) -> bool {
    let upper = stem.to_ascii_uppercase();
    match upper.as_str() {
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$" => true,
        _ => upper
            .strip_prefix("COM")
            .or_else(|| upper.strip_prefix("LPT"))
            .is_some_and(|digit| {
                matches!(
                    digit,
                    "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
                )
            }),
    }
}

/// `text` as one component of a file's path (a folder or a file name), or why it cannot be.
///
/// Refused: an empty text, `.` and `..`, a leading dot, a path separator (`/`, `\`), a
/// control or invisible format character, a trailing space or dot. Replaced: the characters
/// Windows forbids (`<>:"|?*`) by their full-width forms (`：`), and a Windows device name
/// (`CON`, `NUL`, `COM1` …) gets a `_` after it. Anything else — Chinese names above all — is
/// kept as it is.
pub fn safe_component(text: &str) -> std::result::Result<String, String> {
    if text.is_empty() {
        return Err(crate::tr!("file-name-empty"));
    }
    if text == "." || text == ".." {
        return Err(crate::tr!("file-name-dots", text = text));
    }
    if text.starts_with('.') {
        return Err(crate::tr!("file-name-leading-dot"));
    }
    if let Some(c) = text.chars().find(|c| matches!(c, '/' | '\\')) {
        return Err(crate::tr!("file-name-separator", char = c));
    }
    if let Some(c) = text
        .chars()
        .find(|&c| c.is_control() || crate::people::is_invisible(c))
    {
        return Err(crate::tr!(
            "file-name-control",
            code = format!("U+{:04X}", c as u32)
        ));
    }
    if text.ends_with([' ', '.']) {
        return Err(crate::tr!("file-name-trailing"));
    }
    let mut safe: String = text
        .chars()
        .map(|c| {
            WINDOWS_RESERVED
                .iter()
                .find(|(reserved, _)| *reserved == c)
                .map_or(c, |(_, full_width)| *full_width)
        })
        .collect();
    let stem_end = safe.find('.').unwrap_or(safe.len());
    if is_windows_device(&safe[..stem_end]) {
        safe.insert(stem_end, '_');
    }
    Ok(safe)
}

/// Whether `path` is `dir` followed by exactly `depth` plain components (no `..`, no root, no
/// prefix): lexically inside `dir`.
fn stays_inside(dir: &Path, path: &Path, depth: usize) -> bool {
    path.strip_prefix(dir).is_ok_and(|rest| {
        rest.components().count() == depth
            && rest
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
    })
}

/// The file a household's statement goes to: `DIR/<village>/<id>-<period>.pdf`, each part made
/// safe by [`safe_component`] and the whole checked to stay inside `dir`; or why the household
/// cannot have a file there (its id or village cannot be a file name).
pub fn statement_path(dir: &Path, s: &HouseholdStatement, period: &str) -> Result<PathBuf> {
    household_file(dir, &s.household.village, &s.household.id, period)
}

/// `DIR/<village>/<id>-<period>.pdf`, made safe and checked (see [`statement_path`]).
fn household_file(dir: &Path, village: &str, id: &str, period: &str) -> Result<PathBuf> {
    let safe_village = safe_component(village).map_err(|why| {
        Error::rule(crate::tr!(
            "statement-village-not-folder",
            village = village.escape_debug().to_string(),
            why = why
        ))
    })?;
    let safe_id = safe_component(id).map_err(|why| {
        Error::rule(crate::tr!(
            "statement-id-not-file",
            id = id.escape_debug().to_string(),
            why = why
        ))
    })?;
    let period = safe_component(period).map_err(|why| {
        Error::rule(crate::tr!(
            "statement-period-not-file",
            period = period.escape_debug().to_string(),
            why = why
        ))
    })?;
    let path = dir
        .join(safe_village)
        .join(format!("{safe_id}-{period}.pdf"));
    if !stays_inside(dir, &path, 2) {
        return Err(Error::rule(crate::tr!(
            "statement-outside-dir",
            path = path.display(),
            dir = dir.display()
        )));
    }
    Ok(path)
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
    // Every file's path first: a household whose id or village cannot name a file, or whose
    // file another household's statement already takes, fails before anything is drawn.
    let mut taken: HashMap<PathBuf, &str> = HashMap::with_capacity(statements.len());
    let paths: Vec<std::result::Result<PathBuf, String>> = statements
        .iter()
        .map(|s| {
            let path = statement_path(dir, s, period).map_err(|e| e.to_string())?;
            match taken.entry(path.clone()) {
                Entry::Occupied(first) => Err(crate::tr!(
                    "statement-would-overwrite",
                    other = first.get().escape_debug().to_string(),
                    path = path.display()
                )),
                Entry::Vacant(free) => {
                    free.insert(&s.household.id);
                    Ok(path)
                }
            }
        })
        .collect();
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
                let path = match &paths[i] {
                    Ok(path) => path,
                    Err(why) => {
                        results
                            .lock()
                            .expect("no panics while holding")
                            .push((i, Err(why.clone())));
                        bar.inc(1);
                        continue;
                    }
                };
                let outcome = (|| -> Result<(PathBuf, usize, u64)> {
                    let bytes = render_to_vec(&s.document(lang), Format::Pdf, &options)?;
                    let path = path.clone();
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
        match outcome {
            Ok((path, pages, bytes)) => {
                if s.lines.is_empty() {
                    summary.empty.push(s.household.id.clone());
                }
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
    fn chinese_and_plain_names_are_kept_as_they_are() {
        for name in [
            "胡荔村",
            "H0001",
            "西一村 二组",
            "2024",
            "20240101_20241231",
            "刘䶮",
        ] {
            assert_eq!(safe_component(name).as_deref(), Ok(name));
        }
    }

    #[test]
    fn names_that_leave_the_folder_or_hide_are_refused() {
        let refused = |text: &str, why: &str| {
            let err = safe_component(text).unwrap_err();
            assert!(err.contains(why), "{text:?}: {err}");
        };
        refused("", "it is empty");
        refused(".", "it is `.`");
        refused("..", "it is `..`");
        refused(".hidden", "starts with a dot");
        refused("..x", "starts with a dot");
        refused("../../escaped", "starts with a dot");
        refused("/tmp/x", "the path separator `/`");
        refused("a/b", "the path separator `/`");
        refused("..\\..\\x", "starts with a dot");
        refused("C:\\Windows", "the path separator `\\`");
        refused("H1\nH2", "U+000A");
        refused("H1\u{0}", "U+0000");
        refused("胡荔村\u{202E}fdp.exe", "U+202E");
        refused("H\u{200B}1", "U+200B");
        refused("胡荔村.", "ends with a space or a dot");
        refused("胡荔村 ", "ends with a space or a dot");
    }

    #[test]
    fn characters_windows_forbids_become_full_width_and_device_names_get_an_underscore() {
        assert_eq!(safe_component("H:1").unwrap(), "H：1");
        assert_eq!(
            safe_component("a<b>c\"d|e?f*").unwrap(),
            "a＜b＞c＂d｜e？f＊"
        );
        assert_eq!(safe_component("CON").unwrap(), "CON_");
        assert_eq!(safe_component("nul").unwrap(), "nul_");
        assert_eq!(safe_component("com1").unwrap(), "com1_");
        assert_eq!(safe_component("LPT9.x").unwrap(), "LPT9_.x");
        assert_eq!(safe_component("CONSOLE").unwrap(), "CONSOLE");
        assert_eq!(safe_component("COM10").unwrap(), "COM10");
    }

    #[test]
    fn a_statement_file_stays_inside_the_folder() {
        let dir = Path::new("out/2024");
        assert_eq!(
            household_file(dir, "胡荔村", "H0001", "2024").unwrap(),
            Path::new("out/2024/胡荔村/H0001-2024.pdf")
        );
        assert_eq!(
            household_file(dir, "西一村", "H:7", "2024").unwrap(),
            Path::new("out/2024/西一村/H：7-2024.pdf")
        );
        let err = household_file(dir, "/tmp/x", "H0001", "2024").unwrap_err();
        assert_eq!(
            err.to_string(),
            "its village \"/tmp/x\" cannot be a folder name: it contains the path separator `/`; no statement written"
        );
        let err = household_file(dir, "胡荔村", "../../escaped", "2024").unwrap_err();
        assert_eq!(
            err.to_string(),
            "its id \"../../escaped\" cannot be a file name: it starts with a dot; no statement written"
        );
        assert!(household_file(dir, "胡荔村", "H1", "../x").is_err());
        assert!(stays_inside(dir, &dir.join("a").join("b.pdf"), 2));
        assert!(!stays_inside(
            dir,
            &dir.join("a").join("..").join("b.pdf"),
            2
        ));
        assert!(!stays_inside(dir, Path::new("/tmp/a/b.pdf"), 2));
        assert!(!stays_inside(dir, &dir.join("b.pdf"), 2));
    }

    #[test]
    fn counts_page_objects_not_the_page_tree() {
        assert_eq!(
            pdf_pages(b"<< /Type /Pages /Kids [] >> << /Type /Page >> << /Type /Page/x >>"),
            2
        );
        assert_eq!(pdf_pages(b""), 0);
    }
}

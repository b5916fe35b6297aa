//! Writing every village's disclosure into one folder (`disclose --town --out DIR`):
//! `DIR/<village>-<period>.<ext>`, and the town level's as `DIR/未分配到村-<period>.<ext>`.
//!
//! A village's name is data (the register, the projects, the accounts): the file name is made
//! from it only through [`crate::batch::safe_component`] and checked to stay inside the
//! folder; a village whose name cannot name a file, or whose file another village's already
//! takes, is listed as failed and nothing is written for it. Rendering runs on a few threads,
//! with a progress bar on a terminal.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use chrono::NaiveDate;

use super::{disclosure_document, Disclosure, TownDisclosure};
use crate::batch::safe_component;
use crate::error::{Error, Result};
use crate::render::{render_to_vec, Format, RenderOptions};
use crate::report::document::Lang;

/// The stem of the town level's file.
pub const TOWN_LEVEL_FILE: &str = "未分配到村";

/// What writing a town's disclosures did.
#[derive(Clone, Debug, Default)]
pub struct Written {
    /// The files written, in village order, the town level's last.
    pub files: Vec<WrittenFile>,
    /// (village, why) for each village nothing was written for.
    pub failed: Vec<(String, String)>,
}

/// One file written.
#[derive(Clone, Debug)]
pub struct WrittenFile {
    /// Whose: its place in [`TownDisclosure::all`].
    pub index: usize,
    pub path: PathBuf,
    pub bytes: u64,
}

/// `DIR/<village>-<period>.<ext>`, the village made safe as a file name and the whole checked
/// to stay inside `dir`; or why the village cannot have a file there.
pub fn disclosure_path(dir: &Path, village: &str, period: &str, format: Format) -> Result<PathBuf> {
    let safe = safe_component(village).map_err(|why| {
        Error::rule(crate::tr!(
            "disclose-village-not-file",
            village = village.escape_debug().to_string(),
            why = why
        ))
    })?;
    let path = dir.join(format!("{safe}-{period}.{}", format.extension()));
    let inside = path.strip_prefix(dir).is_ok_and(|rest| {
        rest.components().count() == 1
            && rest
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
    });
    if !inside {
        return Err(Error::rule(crate::tr!(
            "disclose-outside-dir",
            path = path.display(),
            dir = dir.display()
        )));
    }
    Ok(path)
}

/// Render every village's disclosure and the town level's as `format` into `dir`, on
/// `threads` threads. `footer` is the ledger's head for every page.
#[allow(clippy::too_many_arguments)]
pub fn write_town(
    town: &TownDisclosure,
    dir: &Path,
    format: Format,
    options: &RenderOptions,
    lang: Lang,
    printed: NaiveDate,
    footer: Option<String>,
    threads: usize,
) -> Result<Written> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let options = RenderOptions {
        font: if format == Format::Pdf {
            Some(options.font())
        } else {
            options.font.clone()
        },
        created: options.created,
    };
    let period = town.period.label();
    let all: Vec<(&Disclosure, String)> = town
        .all()
        .map(|d| {
            let stem = d.village.clone();
            (d, stem.unwrap_or_else(|| TOWN_LEVEL_FILE.to_string()))
        })
        .collect();
    // Every file's path first: a village that cannot name a file, or whose file another's
    // already takes, fails before anything is drawn.
    let mut taken: HashMap<PathBuf, String> = HashMap::new();
    let paths: Vec<std::result::Result<PathBuf, String>> = all
        .iter()
        .map(|(d, stem)| {
            let path = disclosure_path(dir, stem, &period, format).map_err(|e| e.to_string())?;
            if let Some(other) = taken.get(&path) {
                return Err(crate::tr!(
                    "disclose-would-overwrite",
                    other = other.escape_debug().to_string(),
                    path = path.display()
                ));
            }
            taken.insert(path.clone(), d.name(lang));
            Ok(path)
        })
        .collect();
    let bar = crate::import::progress_bar_items(all.len() as u64, "disclosures");
    let next = AtomicUsize::new(0);
    type Outcome = (usize, std::result::Result<(PathBuf, u64), String>);
    let results: Mutex<Vec<Outcome>> = Mutex::new(Vec::with_capacity(all.len()));
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, all.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((d, _)) = all.get(i) else { break };
                let outcome = match &paths[i] {
                    Err(why) => Err(why.clone()),
                    Ok(path) => (|| -> Result<(PathBuf, u64)> {
                        let doc = disclosure_document(
                            d,
                            town.town.as_deref(),
                            printed,
                            footer.clone(),
                            lang,
                        );
                        let bytes = render_to_vec(&doc, format, &options)?;
                        std::fs::write(path, &bytes).map_err(|e| Error::io(path, e))?;
                        Ok((path.clone(), bytes.len() as u64))
                    })()
                    .map_err(|e| e.to_string()),
                };
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
    let mut written = Written::default();
    for (i, outcome) in results {
        match outcome {
            Ok((path, bytes)) => written.files.push(WrittenFile {
                index: i,
                path,
                bytes,
            }),
            Err(why) => written.failed.push((all[i].0.name(lang), why)),
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_disclosure_file_stays_inside_the_folder() {
        let dir = Path::new("reports/2024Q3");
        assert_eq!(
            disclosure_path(dir, "胡荔村", "2024Q3", Format::Pdf).unwrap(),
            Path::new("reports/2024Q3/胡荔村-2024Q3.pdf")
        );
        assert_eq!(
            disclosure_path(dir, "新:村", "2024-09", Format::Csv).unwrap(),
            Path::new("reports/2024Q3/新：村-2024-09.csv")
        );
        for hostile in [
            "../../x村",
            "/tmp/x村",
            "a/b村",
            "..",
            ".村",
            "村\u{202E}fdp",
        ] {
            assert!(
                disclosure_path(dir, hostile, "2024Q3", Format::Pdf).is_err(),
                "{hostile:?}"
            );
        }
    }
}

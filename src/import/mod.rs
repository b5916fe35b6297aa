//! Reading what clerks bring: CSV in UTF-8 (with or without BOM) or GBK, decoded by one rule
//! ([`decode`]), with progress on a terminal. `postings` turns a voucher file into
//! transactions.

pub mod budgets;
pub mod decode;
pub mod grants;
pub mod postings;
pub mod rows;
pub mod sheet;

pub use decode::{DecodeError, Encoding, TextReader};

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::{Error, Result};

/// Counts bytes read, for progress bars.
pub struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// An input file opened as UTF-8 text whatever its encoding, plus a byte counter and its size.
pub struct TextInput {
    pub reader: Box<dyn Read + Send>,
    pub bytes_read: Arc<AtomicU64>,
    pub size: u64,
}

/// Open `path` for reading as text in `encoding`, by the one rule of [`decode`]: a byte that
/// is not text in the file's encoding ends the reading with an error naming its line and
/// byte offset ([`DecodeError::of_io`], [`DecodeError::of_csv`]). A UTF-8 byte-order mark is
/// dropped.
pub fn open_text(path: &Path, encoding: Encoding) -> Result<TextInput> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let count = Arc::new(AtomicU64::new(0));
    let raw = Counting {
        inner: file,
        count: count.clone(),
    };
    Ok(TextInput {
        reader: Box::new(TextReader::new(raw, encoding)),
        bytes_read: count,
        size,
    })
}

/// A progress bar over `size` bytes on a terminal's stderr; hidden when stderr is not a
/// terminal (piped, CI) or the input is small.
pub fn progress_bar(size: u64, what: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !io::stderr().is_terminal() || size < 4 * 1024 * 1024 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(size);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

/// A progress bar over `len` items on a terminal's stderr; hidden when piped.
pub fn progress_bar_items(len: u64, what: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !io::stderr().is_terminal() || len < 20 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} eta {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

//! Reading what clerks bring: CSV in UTF-8 (with or without BOM) or GBK, with progress on a
//! terminal. `postings` turns a voucher file into transactions.

pub mod postings;
pub mod sheet;

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::{Error, Result};

/// Text encodings accepted for input files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// GBK, read as its superset GB18030.
    Gbk,
}

impl std::str::FromStr for Encoding {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "utf8" => Ok(Encoding::Utf8),
            "gbk" | "gb2312" | "gb18030" | "cp936" => Ok(Encoding::Gbk),
            _ => Err(format!("unknown encoding '{s}' (utf-8 or gbk)")),
        }
    }
}

/// Whether `head` (the first bytes of a file) is UTF-8, allowing a sequence cut at the end.
fn looks_utf8(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len() - e.valid_up_to() < 4,
    }
}

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
    pub encoding: Encoding,
}

/// Open `path` for reading as text: the encoding is `forced`, or detected from the first 64 KiB
/// (UTF-8 if it decodes, GBK otherwise). A UTF-8 BOM is dropped.
pub fn open_text(path: &Path, forced: Option<Encoding>) -> Result<TextInput> {
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut head = vec![0u8; 64 * 1024];
    let mut filled = 0;
    while filled < head.len() {
        let n = file
            .read(&mut head[filled..])
            .map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    head.truncate(filled);
    let encoding = forced.unwrap_or(if looks_utf8(&head) {
        Encoding::Utf8
    } else {
        Encoding::Gbk
    });
    let count = Arc::new(AtomicU64::new(0));
    let raw = Counting {
        inner: io::Cursor::new(head).chain(file),
        count: count.clone(),
    };
    let reader: Box<dyn Read + Send> = match encoding {
        Encoding::Utf8 => {
            let mut r = BufReader::with_capacity(256 * 1024, raw);
            let mut bom = [0u8; 3];
            let n = read_up_to(&mut r, &mut bom).map_err(|e| Error::io(path, e))?;
            if bom[..n] == [0xEF, 0xBB, 0xBF] {
                Box::new(r)
            } else {
                Box::new(io::Cursor::new(bom[..n].to_vec()).chain(r))
            }
        }
        Encoding::Gbk => Box::new(BufReader::with_capacity(
            256 * 1024,
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding_rs::GB18030))
                .build(raw),
        )),
    };
    Ok(TextInput {
        reader,
        bytes_read: count,
        size,
        encoding,
    })
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let n = r.read(&mut buf[filled..])?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_detection_tolerates_a_cut_sequence() {
        let s = "资产".as_bytes();
        assert!(looks_utf8(s));
        assert!(looks_utf8(&s[..4]));
        let (gbk, _, _) = encoding_rs::GBK.encode("资产:银行存款");
        assert!(!looks_utf8(&gbk));
    }
}

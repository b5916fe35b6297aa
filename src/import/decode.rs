//! One decoding rule for every file read as text: the voucher file, the household register,
//! the bank's result file.
//!
//! - `--encoding utf-8`: UTF-8 (a byte-order mark is dropped), every byte checked.
//! - `--encoding gbk`: GBK, read as its superset GB 18030, every byte checked.
//! - auto (the default): a file starting with a UTF-8 byte-order mark is UTF-8. Otherwise the
//!   bytes up to the first non-ASCII one read the same in both; from that byte on, the next
//!   64 KiB decide. Valid UTF-8 there: the file is UTF-8. Mostly UTF-8 with a few bytes that
//!   are not (a stray or damaged byte): refused at the first of them — never read as GBK,
//!   which would turn every Chinese character into another. Otherwise: GB 18030.
//!
//! Whatever the encoding, a byte that is not valid in it stops the reading with a
//! [`DecodeError`] naming its line and byte offset (from 0 at the start of the file); nothing
//! is ever replaced or guessed. Files are decoded as they stream ([`TextReader`]), checked a
//! buffer at a time, so a large import holds a few hundred kilobytes of the file at once; an
//! error found far into it still stops the import, whose single write then rolls back.

use std::fmt;
use std::io::{self, Read};

/// Text encodings accepted for input files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 or GBK, told apart as the module says.
    #[default]
    Auto,
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// GBK (read as its superset GB 18030), as saved by Chinese-language Excel and WPS.
    Gbk,
}

impl Encoding {
    /// `auto`, `utf-8`/`utf8`, or `gbk`/`gb2312`/`gb18030`/`cp936` (any case).
    pub fn from_label(label: &str) -> Option<Encoding> {
        match label
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_'], "")
            .as_str()
        {
            "auto" => Some(Encoding::Auto),
            "utf8" => Some(Encoding::Utf8),
            "gbk" | "gb2312" | "gb18030" | "cp936" => Some(Encoding::Gbk),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Auto => "auto",
            Encoding::Utf8 => "utf-8",
            Encoding::Gbk => "gbk",
        }
    }
}

impl std::str::FromStr for Encoding {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Encoding::from_label(s).ok_or_else(|| crate::tr!("encoding-unknown", value = s))
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A byte that is not valid text in the file's encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// 1-based line, as an editor shows it.
    pub line: u64,
    /// Byte offset from the start of the file, from 0.
    pub offset: u64,
    pub reason: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for DecodeError {}

impl DecodeError {
    /// The error as a row error of `file`: `FILE:LINE: reason`.
    pub fn row_error(&self, file: &str) -> crate::error::RowError {
        crate::error::RowError::new(file, self.line, self.reason.clone())
    }

    /// The decoding error an I/O error carries, if it is one (what [`TextReader`] returns).
    pub fn of_io(e: &io::Error) -> Option<&DecodeError> {
        e.get_ref()
            .and_then(|inner| inner.downcast_ref::<DecodeError>())
    }

    /// The decoding error a CSV reader stopped on, if any.
    pub fn of_csv(e: &csv::Error) -> Option<&DecodeError> {
        match e.kind() {
            csv::ErrorKind::Io(io) => DecodeError::of_io(io),
            _ => None,
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How many bytes from the first non-ASCII one decide the encoding of a file read with
/// [`Encoding::Auto`].
pub const SAMPLE: usize = 64 * 1024;

/// Why a file is being read as UTF-8, for the message when a byte is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Why {
    /// `--encoding utf-8`.
    Asked,
    /// It starts with a UTF-8 byte-order mark.
    Bom,
    /// Auto: the bytes that decide are UTF-8, or mostly.
    Looked,
}

/// What the bytes from the first non-ASCII one say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Utf8,
    /// UTF-8 with bytes that are not: refused at the first of them.
    Utf8WithStrayBytes,
    Gbk,
}

/// Judge `sample` (starting at a file's first non-ASCII byte; `complete` when it runs to the
/// end of the file, else its last character may be cut).
fn judge(sample: &[u8], complete: bool) -> Verdict {
    let (mut valid, mut invalid) = (0usize, 0usize);
    let mut rest = sample;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                valid += s.bytes().filter(|&b| b >= 0xc0).count();
                break;
            }
            Err(e) => {
                let good = e.valid_up_to();
                valid += rest[..good].iter().filter(|&&b| b >= 0xc0).count();
                match e.error_len() {
                    Some(n) => {
                        invalid += 1;
                        rest = &rest[good + n..];
                    }
                    None => {
                        if complete {
                            invalid += 1;
                        }
                        break;
                    }
                }
            }
        }
    }
    if invalid == 0 {
        Verdict::Utf8
    } else if valid >= invalid {
        // GBK read as UTF-8 forms a valid character now and then, for about one in ten of
        // its characters: UTF-8 characters as many as the errors are not GBK.
        Verdict::Utf8WithStrayBytes
    } else {
        Verdict::Gbk
    }
}

fn hex_bytes(bytes: &[u8]) -> String {
    let shown: Vec<String> = bytes.iter().map(|b| format!("0x{b:02X}")).collect();
    match bytes.len() {
        1 => crate::tr!("decode-byte", bytes = &shown[0]),
        _ => crate::tr!("decode-bytes", bytes = shown.join(" ")),
    }
}

/// A file is read as UTF-8 or as GBK.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reading {
    Utf8(Why),
    /// With whether `--encoding gbk` asked for it.
    Gbk(bool),
}

/// The reason for bad `bytes` at `offset` read as `reading` (`at_end`: the file ends inside
/// a character).
fn reason(reading: Reading, offset: u64, bytes: &[u8], at_end: bool) -> String {
    let what = if at_end {
        crate::tr!("decode-ends-inside", bytes = hex_bytes(bytes))
    } else {
        hex_bytes(bytes)
    };
    match reading {
        Reading::Utf8(Why::Asked) => {
            crate::tr!("decode-not-utf8-asked", what = what, offset = offset)
        }
        Reading::Utf8(Why::Bom) => crate::tr!("decode-not-utf8-bom", what = what, offset = offset),
        Reading::Utf8(Why::Looked) => {
            crate::tr!("decode-not-utf8-stray", what = what, offset = offset)
        }
        Reading::Gbk(true) => crate::tr!("decode-not-gbk-asked", what = what, offset = offset),
        Reading::Gbk(false) => crate::tr!("decode-neither", what = what, offset = offset),
    }
}

/// Newlines in `bytes`, counted a block of 255 bytes at a time into one byte each (which the
/// compiler turns into wide vector compares: a large file is counted as it streams at a
/// fraction of the cost of reading it).
fn newlines(bytes: &[u8]) -> u64 {
    bytes
        .chunks(255)
        .map(|block| {
            let n = block
                .iter()
                .fold(0u8, |n, &b| n.wrapping_add(u8::from(b == b'\n')));
            u64::from(n)
        })
        .sum()
}

enum State {
    /// Before the byte-order mark is looked for.
    Start,
    /// Auto, in the ASCII before the first non-ASCII byte.
    Undecided,
    Utf8(Why),
    Gbk {
        decoder: Box<encoding_rs::Decoder>,
        asked: bool,
        /// The decoder was told the input ended.
        finished: bool,
    },
}

/// Bytes read from the file at once.
const BUFFER: usize = 256 * 1024;
/// Bytes kept before the next one to check, for naming a bad sequence that started in the
/// previous buffer.
const KEEP: usize = 4;

/// Reads a file as UTF-8 text in the encoding [`Encoding`] gives or the module's rule finds,
/// checking every byte; a bad one ends the reading with an [`io::Error`] of kind
/// `InvalidData` that carries a [`DecodeError`] ([`DecodeError::of_io`]).
pub struct TextReader<R> {
    inner: R,
    asked: Encoding,
    state: State,
    buf: Box<[u8]>,
    /// `buf[..filled]` holds file bytes; `buf[0]` is at file offset `base`.
    filled: usize,
    base: u64,
    /// Reading as UTF-8 (or in the ASCII before deciding): `buf[pos..checked]` is checked
    /// text not yet handed out. As GBK: `buf[..checked]` has gone to the decoder.
    pos: usize,
    checked: usize,
    /// Newlines before `buf[checked]`.
    lines: u64,
    /// GBK: decoded text, `out[out_pos..out_len]` not yet handed out.
    out: Vec<u8>,
    out_pos: usize,
    out_len: usize,
    eof: bool,
    failed: Option<DecodeError>,
}

impl<R: Read> TextReader<R> {
    pub fn new(inner: R, encoding: Encoding) -> TextReader<R> {
        TextReader {
            inner,
            asked: encoding,
            state: State::Start,
            buf: vec![0; BUFFER].into_boxed_slice(),
            filled: 0,
            base: 0,
            pos: 0,
            checked: 0,
            lines: 0,
            out: Vec::new(),
            out_pos: 0,
            out_len: 0,
            eof: false,
            failed: None,
        }
    }

    /// The encoding the file is read in, once known (`Auto` before its first non-ASCII byte).
    pub fn encoding(&self) -> Encoding {
        match self.state {
            State::Start | State::Undecided => self.asked,
            State::Utf8(_) => Encoding::Utf8,
            State::Gbk { .. } => Encoding::Gbk,
        }
    }

    fn fail(&mut self, reading: Reading, at: usize, len: usize, at_end: bool) {
        let offset = self.base + at as u64;
        // `at` may be before `checked` (a GBK sequence begun in an earlier buffer), never
        // across a line break.
        let line = self.lines + newlines(&self.buf[self.checked.min(at)..at]) + 1;
        let bytes = &self.buf[at..(at + len).min(self.filled)];
        self.failed = Some(DecodeError {
            line,
            offset,
            reason: reason(reading, offset, bytes, at_end),
        });
    }

    /// Read more of the file into the buffer, first dropping what was handed out (but the
    /// last few bytes); sets `eof` at the end.
    fn fill(&mut self) -> io::Result<()> {
        let drop = self.pos.min(self.checked).saturating_sub(KEEP);
        if drop > 0 {
            self.buf.copy_within(drop..self.filled, 0);
            self.filled -= drop;
            self.pos -= drop;
            self.checked -= drop;
            self.base += drop as u64;
        }
        debug_assert!(self.filled < self.buf.len());
        loop {
            match self.inner.read(&mut self.buf[self.filled..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.filled += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Check or decode what is in the buffer; whether anything changed (text ready, the
    /// state decided, an error found). `false`: more of the file is needed (or it is over).
    fn process(&mut self) -> bool {
        match &mut self.state {
            State::Start => {
                let head = &self.buf[self.pos..self.filled];
                if head.len() < BOM.len() && !self.eof && BOM.starts_with(head) {
                    return false;
                }
                if head.starts_with(BOM) {
                    if self.asked == Encoding::Gbk {
                        self.fail(Reading::Gbk(true), self.pos, BOM.len(), false);
                        if let Some(e) = &mut self.failed {
                            e.reason = crate::tr!("decode-bom-but-gbk");
                        }
                        return true;
                    }
                    self.pos += BOM.len();
                    self.checked = self.pos;
                    self.state = State::Utf8(Why::Bom);
                    return true;
                }
                self.state = match self.asked {
                    Encoding::Auto => State::Undecided,
                    Encoding::Utf8 => State::Utf8(Why::Asked),
                    Encoding::Gbk => gbk(true),
                };
                true
            }
            State::Undecided => {
                let region = &self.buf[self.checked..self.filled];
                match region.iter().position(|&b| b >= 0x80) {
                    None if region.is_empty() => false,
                    None => {
                        self.lines += newlines(region);
                        self.checked = self.filled;
                        true
                    }
                    Some(ascii) if ascii > 0 => {
                        // Hand the ASCII out first: then the sample starts the buffer.
                        self.lines += newlines(&region[..ascii]);
                        self.checked += ascii;
                        true
                    }
                    Some(_) => {
                        let complete = self.eof;
                        if region.len() < SAMPLE && !complete {
                            return false;
                        }
                        let sample = &region[..region.len().min(SAMPLE)];
                        let complete = complete && sample.len() == region.len();
                        self.state = match judge(sample, complete) {
                            Verdict::Utf8 | Verdict::Utf8WithStrayBytes => State::Utf8(Why::Looked),
                            Verdict::Gbk => gbk(false),
                        };
                        true
                    }
                }
            }
            State::Utf8(why) => {
                let why = *why;
                let region = &self.buf[self.checked..self.filled];
                if region.is_empty() {
                    return false;
                }
                match simdutf8::compat::from_utf8(region) {
                    Ok(_) => {
                        self.lines += newlines(region);
                        self.checked = self.filled;
                        true
                    }
                    Err(e) => {
                        let good = e.valid_up_to();
                        self.lines += newlines(&region[..good]);
                        self.checked += good;
                        match e.error_len() {
                            Some(len) => {
                                self.fail(Reading::Utf8(why), self.checked, len, false);
                                true
                            }
                            None if self.eof => {
                                let len = self.filled - self.checked;
                                self.fail(Reading::Utf8(why), self.checked, len, true);
                                true
                            }
                            None => good > 0,
                        }
                    }
                }
            }
            State::Gbk {
                decoder,
                asked,
                finished,
            } => {
                let asked = *asked;
                if *finished || (self.checked == self.filled && !self.eof) {
                    return false;
                }
                if self.out.is_empty() {
                    self.out = vec![0; BUFFER * 2];
                }
                let src = &self.buf[self.checked..self.filled];
                let (result, read, written) =
                    decoder.decode_to_utf8_without_replacement(src, &mut self.out, self.eof);
                let start = self.checked;
                self.out_pos = 0;
                self.out_len = written;
                match result {
                    encoding_rs::DecoderResult::Malformed(len, after) => {
                        let at =
                            (start + read).saturating_sub(usize::from(len) + usize::from(after));
                        let at_end = self.eof && start + read == self.filled && after == 0;
                        self.fail(Reading::Gbk(asked), at, usize::from(len), at_end);
                    }
                    encoding_rs::DecoderResult::InputEmpty if self.eof => *finished = true,
                    _ => {}
                }
                if self.failed.is_none() {
                    self.lines += newlines(&self.buf[start..start + read]);
                    self.checked = start + read;
                    self.pos = self.checked;
                }
                true
            }
        }
    }
}

fn gbk(asked: bool) -> State {
    State::Gbk {
        decoder: Box::new(encoding_rs::GB18030.new_decoder_without_bom_handling()),
        asked,
        finished: false,
    }
}

impl<R: Read> Read for TextReader<R> {
    fn read(&mut self, dst: &mut [u8]) -> io::Result<usize> {
        if dst.is_empty() {
            return Ok(0);
        }
        loop {
            if let Some(e) = &self.failed {
                return Err(io::Error::new(io::ErrorKind::InvalidData, e.clone()));
            }
            let ready = match self.state {
                State::Gbk { .. } => &self.out[self.out_pos..self.out_len],
                _ => &self.buf[self.pos..self.checked],
            };
            if !ready.is_empty() {
                let n = ready.len().min(dst.len());
                dst[..n].copy_from_slice(&ready[..n]);
                match self.state {
                    State::Gbk { .. } => self.out_pos += n,
                    _ => self.pos += n,
                }
                return Ok(n);
            }
            if self.process() {
                continue;
            }
            if self.eof {
                return Ok(0);
            }
            self.fill()?;
        }
    }
}

/// The text of a whole file held in `bytes` (taken over: UTF-8 is not copied), by the same
/// rule as [`TextReader`]; a byte-order mark is dropped.
pub fn decode_bytes(bytes: Vec<u8>, encoding: Encoding) -> Result<String, DecodeError> {
    let bytes = if encoding == Encoding::Gbk {
        bytes
    } else {
        match String::from_utf8(bytes) {
            Ok(mut text) => {
                if text.as_bytes().starts_with(BOM) {
                    text.drain(..BOM.len());
                }
                return Ok(text);
            }
            // Not UTF-8 throughout: read as the rule says (GBK, or an error).
            Err(e) => e.into_bytes(),
        }
    };
    let mut reader = TextReader::new(bytes.as_slice(), encoding);
    let mut text = Vec::with_capacity(bytes.len() * 3 / 2);
    match reader.read_to_end(&mut text) {
        Ok(_) => Ok(String::from_utf8(text).expect("the reader gives UTF-8")),
        Err(e) => Err(DecodeError::of_io(&e)
            .cloned()
            .unwrap_or_else(|| DecodeError {
                line: 0,
                offset: 0,
                reason: e.to_string(),
            })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Read `bytes` through a [`TextReader`] that is given at most `chunk` bytes per read of
    /// the file (as a pipe would), and handed out `out` bytes at a time.
    fn read(bytes: &[u8], encoding: Encoding, chunk: usize) -> Result<String, DecodeError> {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut reader = TextReader::new(Trickle(bytes, chunk), encoding);
        let mut out = Vec::new();
        let mut piece = [0u8; 7];
        loop {
            match reader.read(&mut piece) {
                Ok(0) => return Ok(String::from_utf8(out).unwrap()),
                Ok(n) => out.extend_from_slice(&piece[..n]),
                Err(e) => return Err(DecodeError::of_io(&e).unwrap().clone()),
            }
        }
    }

    /// Both readers, which must agree.
    fn both(bytes: &[u8], encoding: Encoding) -> Result<String, DecodeError> {
        let whole = decode_bytes(bytes.to_vec(), encoding);
        for chunk in [1, 3, 4096, BUFFER] {
            assert_eq!(read(bytes, encoding, chunk), whole, "chunk {chunk}");
        }
        whole
    }

    fn gbk(text: &str) -> Vec<u8> {
        encoding_rs::GBK.encode(text).0.into_owned()
    }

    const CSV: &str = "txn_id,date,account,amount,memo\n\
        T1,2024-03-01,资产:库存现金,100.00,发放补助\n\
        T1,2024-03-01,收入:补助收入,-100.00,发放补助\n";

    #[test]
    fn utf8_and_gbk_files_read_as_their_text() {
        assert_eq!(both(CSV.as_bytes(), Encoding::Auto).unwrap(), CSV);
        assert_eq!(both(&gbk(CSV), Encoding::Auto).unwrap(), CSV);
        assert_eq!(both(&gbk(CSV), Encoding::Gbk).unwrap(), CSV);
        let with_bom = [BOM, CSV.as_bytes()].concat();
        assert_eq!(both(&with_bom, Encoding::Auto).unwrap(), CSV);
        assert_eq!(both(&with_bom, Encoding::Utf8).unwrap(), CSV);
        assert_eq!(both(b"", Encoding::Auto).unwrap(), "");
        assert_eq!(both(b"a,b\n", Encoding::Gbk).unwrap(), "a,b\n");
        // GB 18030's four-byte characters.
        let rare = "䶮𠀀,1\n";
        let bytes = encoding_rs::GB18030.encode(rare).0.into_owned();
        assert_eq!(both(&bytes, Encoding::Gbk).unwrap(), rare);
    }

    #[test]
    fn a_stray_byte_in_utf8_is_refused_where_it_is_never_read_as_gbk() {
        let mut bytes = CSV.as_bytes().to_vec();
        // Inside 补 (E8 A1 A5) on line 3: its last byte goes missing.
        let at = CSV.rfind("补助").unwrap() + 2;
        bytes.remove(at);
        let err = both(&bytes, Encoding::Auto).unwrap_err();
        assert_eq!(err.line, 3);
        assert_eq!(err.offset, at as u64 - 2);
        assert_eq!(
            err.reason,
            format!(
                "not valid UTF-8: bytes 0xE8 0xA1 at byte offset {} in a file that is UTF-8 elsewhere (a stray or damaged byte: correct it and read the file again; it is not read as GBK)",
                at - 2
            )
            .replace(" in a file", ", in a file")
        );
        // One byte too many.
        let mut bytes = CSV.as_bytes().to_vec();
        bytes.insert(CSV.find("发放").unwrap(), 0xff);
        let err = both(&bytes, Encoding::Auto).unwrap_err();
        assert_eq!(
            (err.line, err.offset),
            (2, CSV.find("发放").unwrap() as u64)
        );
        assert!(err
            .reason
            .starts_with("not valid UTF-8: byte 0xFF at byte offset"));
    }

    #[test]
    fn gbk_and_utf8_errors_name_their_place() {
        let mut bytes = gbk(CSV);
        let end = bytes.len();
        bytes.insert(end - 1, 0xff);
        let err = both(&bytes, Encoding::Auto).unwrap_err();
        assert_eq!(err.line, 3);
        assert_eq!(err.offset, end as u64 - 1);
        assert_eq!(
            err.reason,
            format!(
                "neither UTF-8 nor GBK/GB 18030 text: byte 0xFF at byte offset {}",
                end - 1
            )
        );
        let err = both(&gbk(CSV), Encoding::Utf8).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            err.reason
                .ends_with("(if the file was saved as GBK, pass --encoding gbk)"),
            "{}",
            err.reason
        );
        let err = both(b"a,b\nc,\xff\n", Encoding::Gbk).unwrap_err();
        assert_eq!(
            (err.line, err.offset, err.reason.as_str()),
            (2, 6, "not valid GBK/GB 18030: byte 0xFF at byte offset 6 (if the file was saved as UTF-8, pass --encoding utf-8)")
        );
        let err = both(&[BOM, &gbk(CSV)].concat(), Encoding::Auto).unwrap_err();
        assert!(err.reason.contains("byte-order mark"), "{}", err.reason);
        let err = both(&[BOM, b"a"].concat(), Encoding::Gbk).unwrap_err();
        assert_eq!((err.line, err.offset), (1, 0));
        let err = both("资产".as_bytes()[..5].as_ref(), Encoding::Utf8).unwrap_err();
        assert_eq!(err.offset, 3);
        assert!(err
            .reason
            .contains("the file ends inside a character (bytes 0xE4 0xBA)"));
    }

    #[test]
    fn the_encoding_is_decided_where_the_first_non_ascii_byte_is() {
        // 100 KiB of ASCII, then GBK: read as GBK, not refused as broken UTF-8.
        let ascii = "T0,2024-01-01,cash,1.00,ascii only\n".repeat(3000);
        let text = format!("{ascii}{CSV}");
        assert_eq!(both(&gbk(&text), Encoding::Auto).unwrap(), text);
        // A stray byte far into a large UTF-8 file.
        let rows = CSV.lines().nth(1).unwrap();
        let mut big = format!("{rows}\n").repeat(4000).into_bytes();
        let at = big.len() - 10;
        big[at] = 0xc0;
        let err = both(&big, Encoding::Auto).unwrap_err();
        assert_eq!(err.line, 4000);
        assert_eq!(err.offset, at as u64);
    }
}

#![allow(clippy::needless_range_loop)]
//! Temporary minimal renderers (replaced by src/render/).
use crate::error::{Error, Result};
use crate::report::document::{Align, Document};
use std::io::Write;
use unicode_width::UnicodeWidthStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Csv,
    Json,
    Xlsx,
    Pdf,
}
impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(match s {
            "text" => Format::Text,
            "csv" => Format::Csv,
            "json" => Format::Json,
            "xlsx" => Format::Xlsx,
            "pdf" => Format::Pdf,
            _ => return Err(format!("unknown format {s}")),
        })
    }
}
#[derive(Default)]
pub struct RenderOptions {}
fn io(e: std::io::Error) -> Error {
    Error::io("<output>", e)
}
pub fn render(
    doc: &Document,
    format: Format,
    out: &mut dyn Write,
    _o: &RenderOptions,
) -> Result<()> {
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            for t in &doc.tables {
                w.write_record(t.columns.iter().map(|c| c.key.as_str()))
                    .map_err(|e| Error::rule(e.to_string()))?;
                for r in &t.rows {
                    w.write_record(r.cells.iter().map(|c| c.plain()))
                        .map_err(|e| Error::rule(e.to_string()))?;
                }
            }
            w.flush().map_err(io)?;
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, doc).map_err(|e| Error::rule(e.to_string()))?;
            writeln!(out).map_err(io)?;
        }
        _ => {
            writeln!(out, "{}", doc.title).map_err(io)?;
            if let Some(s) = &doc.subtitle {
                writeln!(out, "{s}").map_err(io)?;
            }
            for t in &doc.tables {
                let n = t.columns.len();
                let all: Vec<Vec<String>> =
                    std::iter::once(t.columns.iter().map(|c| c.title.clone()).collect())
                        .chain(t.rows.iter().chain(t.totals.iter()).map(|r| {
                            r.cells
                                .iter()
                                .enumerate()
                                .map(|(i, c)| {
                                    if i == 1 {
                                        format!("{}{}", "  ".repeat(r.indent as usize), c.display())
                                    } else {
                                        c.display()
                                    }
                                })
                                .collect()
                        }))
                        .collect();
                let w: Vec<usize> = (0..n)
                    .map(|i| {
                        all.iter()
                            .map(|r| r.get(i).map(|s| s.width()).unwrap_or(0))
                            .max()
                            .unwrap_or(0)
                    })
                    .collect();
                for r in &all {
                    let mut line = String::new();
                    for i in 0..n {
                        let s = r.get(i).cloned().unwrap_or_default();
                        let pad = " ".repeat(w[i] - s.width());
                        if t.columns[i].align == Align::Right {
                            line += &pad;
                            line += &s;
                        } else {
                            line += &s;
                            line += &pad;
                        }
                        line += "  ";
                    }
                    writeln!(out, "{}", line.trim_end()).map_err(io)?;
                }
            }
        }
    }
    Ok(())
}

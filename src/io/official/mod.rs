//! Reports for officials: `report.html` and `report.xlsx`, in Bahasa Indonesia (or English).
//!
//! In: the out folder of a run (`decisions.csv`, `verified.csv`, `rejected.csv`,
//! `duplicates.csv`, `summary.json`) and the benefit amounts of the config.
//! Out: `report.html`, one self-contained page (inline CSS and SVG, no script, no network,
//! A4 print) with the figures, the savings in Rupiah, tables and bar charts per kecamatan,
//! kelurahan and program, data quality, a sample of duplicate groups with masked NIKs and
//! the run's metadata; and `report.xlsx` with the sheets Ringkasan, Terverifikasi, Data
//! Ganda and Ditolak (NIK and KK stored as text, header rows frozen, widths set).
//! Everything is rebuilt from the files, so `dedupe report` can redo it when amounts change.
//!
//! The folder: `facts.rs` (the figures), `page.rs` (`report.html`), `book.rs`
//! (`report.xlsx`), `sections.rs` (changes, auditors' categories, trend), `rows.rs` (the
//! row sheets' sources), `run_files.rs` (a run's files read back), `from_run.rs` (a run in
//! memory), `words.rs` (the language's words).

mod book;
mod facts;
mod from_run;
mod page;
mod rows;
mod run_files;
mod sections;
mod words;

use std::path::Path;

use crate::core::config::Benefits;
use crate::core::error::{Error, WriteError};
use crate::io::output::write_atomic;

pub use crate::core::config::Lang;
pub use crate::io::money::{rupiah, rupiah_words};

use crate::io::files::{REPORT_HTML, REPORT_XLSX};

pub use book::xlsx;
pub use facts::{confirmed_saving, Facts, RowFacts, SAMPLE_GROUPS};
pub use from_run::RunFacts;
pub use page::html;
pub use rows::{sheet_headers, Sheet, SheetRows};
pub use run_files::{duplicate_sample, RunFiles};

/// Write `report.html` and `report.xlsx` into the out folder (the two in parallel).
pub(crate) fn write_reports_with(
    out_dir: &Path,
    facts: &Facts,
    source: &dyn SheetRows,
    lang: Lang,
) -> Result<(), Error> {
    let (page, book) = rayon::join(
        || {
            let page = html(facts, lang);
            write_atomic(out_dir, REPORT_HTML, |w| w.write_all(page.as_bytes()))
        },
        || {
            let path = out_dir.join(REPORT_XLSX);
            let err = |e: rust_xlsxwriter::XlsxError| WriteError::Other {
                path: path.clone(),
                message: e.to_string(),
            };
            let mut book = xlsx(facts, source, lang).map_err(err)?;
            // Streamed into the file: the workbook of a large run is hundreds of MB.
            let mut failure = None;
            let written = write_atomic(out_dir, REPORT_XLSX, |w| {
                book.save_to_writer(w).map_err(|e| {
                    let message = e.to_string();
                    failure = Some(e);
                    std::io::Error::other(message)
                })
            });
            match (written, failure) {
                (Err(_), Some(e)) => Err(err(e)),
                (written, _) => written,
            }
        },
    );
    page?;
    book?;
    Ok(())
}

/// Rebuild `report.html` and `report.xlsx` from a run's files (`dedupe report`).
pub(crate) fn write_reports(
    out_dir: &Path,
    benefits: &Benefits,
    lang: Lang,
) -> Result<Facts, Error> {
    let files = RunFiles::read(out_dir)?;
    let facts = files.facts(benefits);
    write_reports_with(out_dir, &facts, &files, lang)?;
    Ok(facts)
}

//! The CSV writer of every output: plain, or for Excel on Indonesian-locale machines.
//!
//! In: rows of cells. Out: CSV bytes, each cell a spreadsheet would run as a formula
//! neutralised ([`crate::io::cells`]), and for Excel digit strings it would damage kept as
//! text.

use std::io::Write;

use crate::io::cells::formula_safe_bytes;

/// A CSV writer: plain (`,`, UTF-8), or for Excel on Indonesian-locale machines
/// (`--csv-excel`): a UTF-8 byte-order mark, `;` between cells, CRLF line ends, and digit
/// strings that Excel would damage (12 digits or more, which it shows as `6.47E+15` and
/// rounds to 15 digits on saving; or a leading zero, which it drops) written as the
/// formula `="..."`, which Excel shows and keeps as the same text.
pub(crate) struct CsvOut<'w> {
    w: csv::Writer<&'w mut dyn Write>,
    excel: bool,
}

/// A cell Excel would turn into a number and damage.
pub(crate) fn excel_would_damage(cell: &str) -> bool {
    cell.len() >= 2
        && cell.bytes().all(|b| b.is_ascii_digit())
        && (cell.len() >= 12 || cell.starts_with('0'))
}

impl<'w> CsvOut<'w> {
    pub(crate) fn new(w: &'w mut dyn Write, excel: bool) -> std::io::Result<Self> {
        let mut b = csv::WriterBuilder::new();
        if excel {
            w.write_all(b"\xef\xbb\xbf")?;
            b.delimiter(b';').terminator(csv::Terminator::CRLF);
        }
        Ok(CsvOut {
            w: b.from_writer(w),
            excel,
        })
    }

    /// One record; a cell a spreadsheet would run as a formula gets a leading `'`
    /// ([`crate::io::cells::formula_safe`]) in both forms.
    pub(crate) fn row<S: AsRef<str>>(&mut self, rec: &[S]) -> csv::Result<()> {
        let excel = self.excel;
        self.w.write_record(rec.iter().map(|c| {
            let c = c.as_ref();
            if excel && excel_would_damage(c) {
                std::borrow::Cow::Owned(format!("=\"{c}\"").into_bytes())
            } else {
                formula_safe_bytes(c)
            }
        }))
    }

    pub(crate) fn flush(&mut self) -> std::io::Result<()> {
        self.w.flush()
    }
}

pub(crate) fn to_io(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

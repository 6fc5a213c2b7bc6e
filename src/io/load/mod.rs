//! Load stage: read an input file into a [`Table`] of text cells and find the columns of
//! each logical [`Field`](crate::core::config::Field).
//!
//! In: a path (`.csv`/`.tsv`/`.txt` delimited text, or `.parquet`) and its [`InputConfig`].
//! Out: a [`Table`] (column-major text, with the kind of each column so that NIKs stored as
//! numbers can be judged) and a [`FieldMap`] from fields to columns; or, for a register of
//! any size, the same tables a slice of rows at a time ([`read_parquet_slices`],
//! [`read_csv_slices`]), only the columns its fields use.
//!
//! CSV: the header row is required (under a title of up to 20 lines, it is found by the
//! fields it names; a row of column numbers under it is skipped); the delimiter is
//! detected among `,` `;` `|` and tab (Indonesian Excel writes `;`) unless configured or
//! given by Excel's `sep=` line; UTF-8 with or without BOM, and
//! Windows-1252 as a fallback for files saved by older Excel. Short rows are padded with
//! empty cells. Parquet: integer, decimal and float columns become digit strings (never
//! `6.47e15`), dates become `YYYY-MM-DD`.
//!
//! One job a file: [`table`] (the text columns and what was skipped), [`header`] (finding
//! the header under a title, sub-headers, numbering rows, footers), [`fields`] (which
//! columns hold each field), [`text`] (encodings and the delimiter), and [`csv`],
//! [`parquet`] and [`xlsx`] (each format's reader).

mod csv;
mod fields;
mod header;
mod parquet;
mod table;
#[cfg(test)]
mod tests;
mod text;
mod xlsx;

use std::fs::File;
use std::path::Path;

use crate::core::config::InputConfig;
use crate::core::error::LoadError;

pub use crate::core::config::FileFormat;
pub use csv::{read_csv, read_csv_for, read_csv_slices, CsvFacts};
pub use fields::{FieldMap, Mapped};
pub use header::{drop_footer, is_numbering_row, sub_header, HEADER_SEARCH_LINES};
pub use parquet::{read_parquet, read_parquet_for, read_parquet_slices};
pub use table::{Layout, Table, TextColumn};
pub use text::{detect_delimiter, to_utf8};
pub use xlsx::{read_spreadsheet, read_spreadsheet_for};

/// Read an input file (`section`: the config section of its fields, which find a header
/// under a title); with `project`, a Parquet file's unused columns are not read (the
/// register: only the mapped fields matter; an aid list keeps all its columns for the
/// outputs).
pub fn read_table_as(
    path: &Path,
    input: &InputConfig,
    section: &'static str,
    project: bool,
) -> Result<Table, LoadError> {
    let format = FileFormat::from_path(path).map_err(|_| LoadError::Open {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "unknown extension"),
    })?;
    match format {
        FileFormat::Csv => {
            let delimiter = input.delimiter.as_ref().and_then(|d| d.bytes().next());
            read_csv_for(path, delimiter, Some((input, section)))
        }
        FileFormat::Parquet if project => read_parquet_for(path, input, section),
        FileFormat::Parquet => read_parquet(path),
        FileFormat::Spreadsheet => {
            read_spreadsheet_for(path, input.sheet.as_deref(), Some((input, section)))
        }
        FileFormat::Index => Err(LoadError::ForeignIndex {
            path: path.to_path_buf(),
            message: "an index holds normalized records, not a table".to_string(),
        }),
    }
}

/// Open an input file, naming it when it cannot be.
fn open(path: &Path) -> Result<File, LoadError> {
    File::open(path).map_err(|source| LoadError::Open {
        path: path.to_path_buf(),
        source,
    })
}

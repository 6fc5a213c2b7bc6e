//! The text of an input file: [`TextColumn`]s of cells, the [`Table`] they make, and the
//! [`Layout`] of what came before its rows and was skipped.
//!
//! In: cells as the format readers decode them. Out: column-major text with the kind of
//! each column (NIKs stored as numbers are judged by it).

use std::path::{Path, PathBuf};

use crate::io::workbook::cell_name;
use crate::normalize::nik::CellKind;

/// One column of text cells: in one buffer of its own, or a string column as polars read
/// it from Parquet (kept as it is: no copy).
#[derive(Debug, Clone)]
pub struct TextColumn {
    pub header: String,
    pub kind: CellKind,
    data: String,
    ends: Vec<usize>,
    arrow: Option<polars::prelude::StringChunked>,
    /// A Parquet column of lists or structs (its type): no field may be read from it.
    pub nested: Option<String>,
}

impl TextColumn {
    pub fn new(header: impl Into<String>, kind: CellKind) -> Self {
        Self::with_capacity(header, kind, 0, 0)
    }

    /// An empty column with room for `rows` cells of `bytes` bytes in all.
    pub(crate) fn with_capacity(
        header: impl Into<String>,
        kind: CellKind,
        rows: usize,
        bytes: usize,
    ) -> Self {
        TextColumn {
            header: header.into(),
            kind,
            data: String::with_capacity(bytes),
            ends: Vec::with_capacity(rows),
            arrow: None,
            nested: None,
        }
    }

    /// A column over polars strings (one chunk), read in place; nulls read as empty cells.
    pub(crate) fn from_strings(
        header: impl Into<String>,
        kind: CellKind,
        strings: polars::prelude::StringChunked,
    ) -> Self {
        TextColumn {
            header: header.into(),
            kind,
            data: String::new(),
            ends: Vec::new(),
            arrow: Some(strings.rechunk().into_owned()),
            nested: None,
        }
    }

    /// Add a cell (to a column of its own buffer).
    pub fn push(&mut self, cell: &str) {
        debug_assert!(self.arrow.is_none(), "push on a column read in place");
        self.data.push_str(cell);
        self.ends.push(self.data.len());
    }

    pub fn len(&self) -> usize {
        match &self.arrow {
            Some(a) => a.len(),
            None => self.ends.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Keep the first `rows` cells.
    pub(crate) fn truncate(&mut self, rows: usize) {
        if let Some(a) = &mut self.arrow {
            *a = a.slice(0, rows.min(a.len()));
            return;
        }
        self.ends.truncate(rows);
        self.data.truncate(self.ends.last().copied().unwrap_or(0));
    }

    pub fn get(&self, row: usize) -> &str {
        if let Some(a) = &self.arrow {
            return a.get(row).unwrap_or("");
        }
        let start = if row == 0 { 0 } else { self.ends[row - 1] };
        &self.data[start..self.ends[row]]
    }
}

/// An input file as text.
#[derive(Debug, Clone)]
pub struct Table {
    pub path: PathBuf,
    pub columns: Vec<TextColumn>,
    pub n_rows: usize,
    /// Data rows that had more cells than the header (the extra cells are ignored).
    pub long_rows: usize,
    /// The first data row (1-based) with a cell spanning several lines, and how many such
    /// rows: an unterminated quote swallows the rows after it into one cell.
    pub multiline: Option<(usize, usize)>,
    /// What came before the table proper and was skipped (a title above the header,
    /// Excel's `sep=` line, a row of column numbers under the header).
    pub layout: Layout,
}

/// What came before a table's rows in its file, besides the header, and was skipped.
///
/// Government spreadsheets often put a title (and a blank line) above the header and a
/// row of column numbers (`1`, `2`, `3`, ...) under it; CSV files written for Excel may
/// start with its delimiter hint (`sep=;`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Layout {
    /// The header's line in the file (1-based; a sheet's row): 1 when it comes first.
    pub header_line: usize,
    /// Lines above the header that held something (a title), skipped.
    pub title_lines: usize,
    /// The file opened with Excel's delimiter hint, which gave the delimiter.
    pub sep_line: bool,
    /// A row of column numbers under the header, skipped.
    pub numbering_row: bool,
    /// A second header row under the header (names under merged header cells: ALAMAT
    /// over JALAN, RT, RW), merged into it ([`sub_header`](super::sub_header)).
    pub sub_header: bool,
    /// Rows after the last one with a NIK or a name, holding neither (a total, the place
    /// and date of signing, an official's name and NIP): dropped ([`drop_footer`](super::drop_footer)).
    pub footer_rows: usize,
    /// Hidden (or very hidden) sheets of a workbook passed over for the first visible
    /// one, when no sheet was named.
    pub hidden_sheets: usize,
    /// Cells of a workbook under a merged range, filled with its first cell's value.
    pub merged_cells_filled: usize,
    /// Workbook formulas saved without their computed value (written by a script), read
    /// as their constant or their text.
    pub formulas_without_value: usize,
    /// The first of them, as (0-based row, 0-based column) of the sheet.
    pub first_formula_cell: Option<(u32, u32)>,
}

impl Layout {
    /// What a run says of the skipped lines (nothing for a plain file or a `sep=` line).
    pub fn warning(&self, path: &Path) -> Option<String> {
        let mut said = Vec::new();
        if self.title_lines > 0 {
            said.push(format!(
                "the header is on line {}, under a title: the lines above it were skipped \
                 (if the header is another line, remove the lines above it)",
                self.header_line
            ));
        }
        if self.numbering_row {
            said.push("a row of column numbers (1, 2, 3, ...) under the header was skipped".into());
        }
        if self.sub_header {
            said.push(
                "the row under the header named the columns under merged header cells and \
                 was read as part of the header"
                    .into(),
            );
        }
        if self.footer_rows > 0 {
            said.push(format!(
                "the last {} row(s) hold neither a NIK nor a name (a total or a signature \
                 block) and were skipped",
                self.footer_rows
            ));
        }
        if self.hidden_sheets > 0 {
            said.push(format!(
                "{} hidden sheet(s) before the first visible one passed over: the visible \
                 sheet was read (read another with --sheet NAME)",
                self.hidden_sheets
            ));
        }
        if self.merged_cells_filled > 0 {
            said.push(format!(
                "{} cell(s) under merged ranges were read as the merged range's value",
                self.merged_cells_filled
            ));
        }
        if self.formulas_without_value > 0 {
            let first = self
                .first_formula_cell
                .map(|(r, c)| format!(", the first in {}", cell_name(r, c)))
                .unwrap_or_default();
            said.push(format!(
                "{} formula cell(s) were saved without a computed value (a script wrote the \
                 workbook){first}: read as the formula's constant, or as the formula's text \
                 (a NIK cell then counts as damaged); open and save the workbook in Excel to \
                 compute them",
                self.formulas_without_value
            ));
        }
        (!said.is_empty()).then(|| format!("{}: {}", path.display(), said.join("; ")))
    }
}

impl Table {
    /// A table of whole rows as a format reader found them (no row longer than the
    /// header, no cell spanning lines).
    pub(crate) fn of_rows(
        path: &Path,
        columns: Vec<TextColumn>,
        n_rows: usize,
        layout: Layout,
    ) -> Table {
        Table {
            path: path.to_path_buf(),
            columns,
            n_rows,
            long_rows: 0,
            multiline: None,
            layout,
        }
    }

    pub fn headers(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.header.as_str()).collect()
    }

    /// The headers for error messages: `"NIK", "NAMA", ...`.
    pub(crate) fn headers_list(&self) -> String {
        if self.columns.is_empty() {
            return "(none)".to_string();
        }
        self.columns
            .iter()
            .map(|c| format!("{:?}", c.header))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Build a table from header names and rows (tests, generators).
    pub fn from_rows(path: impl Into<PathBuf>, headers: &[&str], rows: &[Vec<&str>]) -> Table {
        let mut columns: Vec<TextColumn> = headers
            .iter()
            .map(|h| TextColumn::new(*h, CellKind::Text))
            .collect();
        for row in rows {
            for (i, col) in columns.iter_mut().enumerate() {
                col.push(row.get(i).copied().unwrap_or(""));
            }
        }
        let path: PathBuf = path.into();
        Table::of_rows(&path, columns, rows.len(), Layout::default())
    }
}

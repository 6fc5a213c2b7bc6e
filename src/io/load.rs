//! Load stage: read an input file into a [`Table`] of text cells and find the columns of
//! each logical [`Field`].
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

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use crate::core::config::{header_key, ColumnSpec, Field, InputConfig};
use crate::core::error::LoadError;
use crate::io::workbook::{cell_name, format_float};
use crate::normalize::nik::CellKind;

pub use crate::core::config::FileFormat;

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
    pub fn with_capacity(
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
    pub fn from_strings(
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
    pub fn truncate(&mut self, rows: usize) {
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

/// Lines looked at for the header when the first line is not one (a title above it).
pub const HEADER_SEARCH_LINES: usize = 20;

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
    /// over JALAN, RT, RW), merged into it ([`sub_header`]).
    pub sub_header: bool,
    /// Rows after the last one with a NIK or a name, holding neither (a total, the place
    /// and date of signing, an official's name and NIP): dropped ([`drop_footer`]).
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

/// Drop the rows after the last one that has a NIK or a name, when they hold neither:
/// what government sheets put under a list (a total, "Balikpapan, 12 Mei 2026", the
/// official's name and NIP) is not a recipient. Rows inside the list are never dropped,
/// nor a list's every row (a list without NIKs or names is reported row by row). Returns
/// the rows dropped, also in `table.layout.footer_rows`.
pub fn drop_footer(table: &mut Table, map: &FieldMap) -> usize {
    let blank = |row: usize| {
        [Field::Nik, Field::Name].iter().all(|&f| {
            let v = map.get(table, f, row);
            let v = v.trim();
            v.is_empty() || v == "-" || v.eq_ignore_ascii_case("null")
        })
    };
    let keep = (0..table.n_rows)
        .rev()
        .find(|&r| !blank(r))
        .map_or(0, |r| r + 1);
    if keep == 0 || keep == table.n_rows {
        return 0;
    }
    let dropped = table.n_rows - keep;
    for c in &mut table.columns {
        c.truncate(keep);
    }
    table.n_rows = keep;
    table.layout.footer_rows = dropped;
    dropped
}

/// The header of a sheet whose header cells are merged over sub-columns (`ALAMAT` over
/// `JALAN`, `RT`, `RW`), when `row` (the row under the header `top`) is its second row:
/// the row has no NIK or name under `top`'s columns, and a cell under an empty header
/// cell names a field. A name under an empty header cell takes its place; the merged
/// header must still name the required fields. None for a data row.
pub fn sub_header(
    path: &Path,
    top: &[String],
    row: &[String],
    input: &InputConfig,
    section: &'static str,
) -> Option<Vec<String>> {
    let map = header_map(path, top, input, section)?;
    let empty_at = |f: Field| {
        map.cols.get(&f).map_or(true, |cols| {
            cols.iter()
                .all(|&c| row.get(c).map_or(true, |v| v.trim().is_empty()))
        })
    };
    if !empty_at(Field::Nik) || !empty_at(Field::Name) {
        return None;
    }
    let names_field = |v: &str| {
        let k = header_key(v);
        !k.is_empty() && Field::ALL.iter().any(|f| f.aliases().contains(&k.as_str()))
    };
    let under_gap = (0..top.len())
        .any(|i| top[i].trim().is_empty() && row.get(i).is_some_and(|v| names_field(v)));
    if !under_gap {
        return None;
    }
    let merged: Vec<String> = (0..top.len())
        .map(|i| match top[i].trim() {
            "" => row.get(i).map_or(String::new(), |v| v.trim().to_string()),
            t => t.to_string(),
        })
        .collect();
    header_map(path, &merged, input, section)?;
    Some(merged)
}

/// The fields a header row (its cells) names, if it names the required ones.
fn header_map(
    path: &Path,
    cells: &[String],
    input: &InputConfig,
    section: &'static str,
) -> Option<FieldMap> {
    let names: Vec<&str> = cells.iter().map(String::as_str).collect();
    Table::from_rows(path, &names, &[])
        .resolve(input, section)
        .ok()
}

/// Whether a row between the header and the first data row is not data: a second header
/// row (with `fields`: its names merged into `columns`' headers, [`sub_header`]) or a row
/// of column numbers ([`is_numbering_row`]). What it was is said in `layout`.
fn skips_under_header(
    path: &Path,
    cells: &[String],
    header: &[String],
    columns: &mut [TextColumn],
    fields: Option<(&InputConfig, &'static str)>,
    layout: &mut Layout,
) -> bool {
    if layout.numbering_row {
        return false;
    }
    if let (false, Some((input, section))) = (layout.sub_header, fields) {
        if let Some(merged) = sub_header(path, header, cells, input, section) {
            for (col, h) in columns.iter_mut().zip(merged) {
                col.header = h;
            }
            layout.sub_header = true;
            return true;
        }
    }
    let bytes: Vec<&[u8]> = cells.iter().map(String::as_bytes).collect();
    layout.numbering_row = is_numbering_row(&bytes);
    layout.numbering_row
}

/// Whether `cells` (a row's cells in column order) are the columns' numbers: every
/// non-empty cell is its own position (`1`, `2`, ... or `(1)`, `(2)`, ...), at least
/// three of them and at least half of the row.
pub fn is_numbering_row(cells: &[&[u8]]) -> bool {
    let width = cells.len();
    let mut numbered = 0;
    for (i, cell) in cells.iter().enumerate() {
        let cell = cell.trim_ascii();
        if cell.is_empty() {
            continue;
        }
        let cell = cell
            .strip_prefix(b"(")
            .and_then(|c| c.strip_suffix(b")"))
            .unwrap_or(cell);
        // Spreadsheets may hold the numbers as floats (`1.0`).
        let cell = cell.strip_suffix(b".0").unwrap_or(cell);
        let mut buf = itoa::Buffer::new();
        if cell != buf.format(i + 1).as_bytes() {
            return false;
        }
        numbered += 1;
    }
    numbered >= 3 && numbered * 2 >= width
}

/// Excel's delimiter hint (`sep=;`, possibly quoted) as a file's first line.
fn sep_hint(line: &[u8]) -> Option<u8> {
    let line = line.trim_ascii();
    let line = line
        .strip_prefix(b"\"")
        .and_then(|l| l.strip_suffix(b"\""))
        .unwrap_or(line);
    match line {
        [s, e, p, b'=', d] if [s, e, p].map(u8::to_ascii_lowercase) == *b"sep" => Some(*d),
        _ => None,
    }
}

/// Whether a row of cells is the header (it names the fields).
type HeaderTest<'a> = &'a dyn Fn(&[String]) -> bool;

/// Where the header starts in the first bytes of delimited text: the byte offset of its
/// line, the delimiter (given, from a `sep=` line, or detected on the header line) and
/// what was skipped. The first line is the header unless `accept` (a test of a row of
/// headers) refuses it and takes one of the next [`HEADER_SEARCH_LINES`] lines; if it takes
/// none, the first line stays the header (and the run says what it lacks).
fn find_header(
    head: &[u8],
    given: Option<u8>,
    accept: Option<HeaderTest<'_>>,
) -> (usize, u8, Layout) {
    let mut lines: Vec<(usize, &[u8])> = Vec::new();
    let mut at = 0;
    while at < head.len() && lines.len() <= HEADER_SEARCH_LINES {
        let end = head[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(head.len(), |p| at + p);
        let line = &head[at..end];
        lines.push((at, line.strip_suffix(b"\r").unwrap_or(line)));
        at = end + 1;
    }
    let mut layout = Layout {
        header_line: 1,
        ..Layout::default()
    };
    let mut first = 0;
    let hint = lines.first().and_then(|&(_, l)| sep_hint(l));
    if hint.is_some() {
        layout.sep_line = true;
        first = 1;
    }
    let given = given.or(hint);
    let pick = |i: usize, layout: Layout| -> (usize, u8, Layout) {
        let (offset, line) = lines.get(i).copied().unwrap_or((head.len(), &[]));
        let header_line = i + 1;
        (
            offset,
            given.unwrap_or_else(|| detect_delimiter(line)),
            Layout {
                header_line,
                ..layout
            },
        )
    };
    if let Some(accept) = accept {
        let mut titles = 0;
        for (i, &(_, line)) in lines.iter().enumerate().skip(first) {
            if line.trim_ascii().is_empty() {
                continue;
            }
            // A quoted cell running over the line's end: lines are no longer rows.
            if line.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
                break;
            }
            let d = given.unwrap_or_else(|| detect_delimiter(line));
            let cells: Vec<String> = csv::ReaderBuilder::new()
                .delimiter(d)
                .has_headers(false)
                .flexible(true)
                .from_reader(line)
                .byte_records()
                .next()
                .and_then(Result::ok)
                .map(|r| r.iter().map(|c| decode(c).trim().to_string()).collect())
                .unwrap_or_default();
            if accept(&cells) {
                return pick(
                    i,
                    Layout {
                        title_lines: titles,
                        ..layout
                    },
                );
            }
            titles += 1;
        }
    }
    pick(first, layout)
}

impl Table {
    pub fn headers(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.header.as_str()).collect()
    }

    /// The headers for error messages: `"NIK", "NAMA", ...`.
    pub fn headers_list(&self) -> String {
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
        Table {
            path: path.into(),
            columns,
            n_rows: rows.len(),
            long_rows: 0,
            multiline: None,
            layout: Layout::default(),
        }
    }

    /// A field found in a column of lists or structs would read as empty cells (a NIK list
    /// exported without flattening): refused, naming the column and its type.
    fn none_nested(&self, map: &BTreeMap<Field, Vec<usize>>) -> Result<(), LoadError> {
        match map
            .values()
            .flatten()
            .find_map(|&c| self.columns.get(c).filter(|col| col.nested.is_some()))
        {
            Some(c) => Err(LoadError::NestedColumn {
                path: self.path.clone(),
                column: c.header.clone(),
                dtype: c.nested.clone().unwrap_or_default(),
            }),
            None => Ok(()),
        }
    }

    /// Each column serves one field, except the pairs one cell can hold both of (a TTL
    /// cell's birth place and date, an RT/RW cell, an address with its RT and RW): `NIK`
    /// read as both NIK and KK would pass the holder's NIK off as a household's number.
    fn one_field_per_column(
        &self,
        map: &BTreeMap<Field, Vec<usize>>,
        section: &'static str,
    ) -> Result<(), LoadError> {
        let shares = |a: Field, b: Field| {
            use Field::*;
            matches!(
                (a, b),
                (BirthDate, BirthPlace) | (Address, Rt) | (Address, Rw) | (Rt, Rw)
            )
        };
        let mut owner: BTreeMap<usize, Field> = BTreeMap::new();
        for (&field, cols) in map {
            for &c in cols {
                match owner.get(&c) {
                    Some(&first) if !shares(first, field) => {
                        return Err(LoadError::ColumnTwoFields {
                            path: self.path.clone(),
                            column: self.columns[c].header.clone(),
                            first: first.key(),
                            second: field.key(),
                            section,
                        })
                    }
                    Some(_) => {}
                    None => {
                        owner.insert(c, field);
                    }
                }
            }
        }
        Ok(())
    }

    /// Column `i` is the only one of its header, or the others of its header hold the same
    /// values; else the field is ambiguous (exit 2, naming both columns and the config key).
    fn one_column_of(
        &self,
        i: usize,
        keys: &[String],
        field: Field,
        section: &'static str,
    ) -> Result<(), LoadError> {
        let same = |j: usize| {
            (0..self.n_rows).all(|r| self.columns[i].get(r).trim() == self.columns[j].get(r).trim())
        };
        let other = (i + 1..keys.len()).find(|&j| keys[j] == keys[i] && !same(j));
        match other {
            Some(j) => Err(LoadError::AmbiguousColumns {
                path: self.path.clone(),
                field: field.key(),
                first: self.columns[i].header.clone(),
                second: self.columns[j].header.clone(),
                section,
            }),
            None => Ok(()),
        }
    }

    /// The columns the config names for `field` (`[aid.columns]` or `[register.columns]`):
    /// each header as written, or by its key (case, spaces and punctuation aside).
    fn configured(
        &self,
        field: Field,
        spec: &ColumnSpec,
        keys: &[String],
        section: &'static str,
    ) -> Result<Vec<usize>, LoadError> {
        let mut cols = Vec::new();
        for header in spec.headers() {
            let exact = self
                .columns
                .iter()
                .position(|c| c.header.trim() == header.trim());
            let by_key = || keys.iter().position(|k| *k == header_key(header));
            match exact.or_else(by_key) {
                Some(i) => cols.push(i),
                None => {
                    return Err(LoadError::UnknownHeader {
                        path: self.path.clone(),
                        field: field.key().to_string(),
                        header: header.to_string(),
                        section,
                        found: self.headers_list(),
                    })
                }
            }
        }
        Ok(cols)
    }

    /// Find the columns of every field: the config's mapping first, then known header names.
    pub fn resolve(
        &self,
        input: &InputConfig,
        section: &'static str,
    ) -> Result<FieldMap, LoadError> {
        let keys: Vec<String> = self.columns.iter().map(|c| header_key(&c.header)).collect();
        let mut map = BTreeMap::new();
        let mut plain_id = false;
        for field in Field::ALL {
            if let Some(spec) = input.columns.get(field.key()) {
                map.insert(field, self.configured(field, spec, &keys, section)?);
                continue;
            }
            let find = |aliases: &[&str]| {
                aliases
                    .iter()
                    .find_map(|alias| keys.iter().position(|k| k == alias))
            };
            if let Some(i) = find(field.aliases()) {
                // Two NIK columns of one header (`nik` and `NIK`) that disagree: which holds
                // the NIK cannot be told, and taking the first may pay by the wrong one.
                if field == Field::Nik {
                    self.one_column_of(i, &keys, field, section)?;
                }
                map.insert(field, vec![i]);
                continue;
            }
            // No NIK header: a plain identifier's (read without NIK rules).
            if field == Field::Nik {
                if let Some(i) = find(Field::PLAIN_ID_ALIASES) {
                    map.insert(field, vec![i]);
                    plain_id = true;
                    continue;
                }
            }
            // No one column: the field's parts (given and family names), in order.
            let parts: Vec<usize> = field
                .part_aliases()
                .iter()
                .filter_map(|aliases| find(aliases))
                .collect();
            if !parts.is_empty() {
                map.insert(field, parts);
            }
        }
        if !map.contains_key(&Field::Nik)
            && (input.ids_optional || english_name(input, &map, &keys))
        {
            plain_id = true;
            map.insert(Field::Nik, Vec::new());
        }
        // One column of birth place and date (TTL): both fields from it, split per cell.
        let split_birth = keys
            .iter()
            .position(|k| Field::BIRTH_PLACE_AND_DATE_ALIASES.contains(&k.as_str()));
        if let Some(c) = split_birth {
            for field in [Field::BirthPlace, Field::BirthDate] {
                map.entry(field).or_insert_with(|| vec![c]);
            }
        }
        self.none_nested(&map)?;
        self.one_field_per_column(&map, section)?;
        for field in Field::ALL {
            if field.required() && !map.contains_key(&field) {
                return Err(LoadError::MissingColumn {
                    path: self.path.clone(),
                    field: field.key(),
                    section,
                    found: self.headers_list(),
                });
            }
        }
        Ok(FieldMap {
            cols: map,
            plain_id,
            split_birth,
        })
    }
}

/// No identifier column at all: records laid out in English (their name found by an
/// English header) are matched on their other fields; a NIK list without its NIK column is
/// a mistake to report. A whole name, or name parts, under English headers (NAMA DEPAN and
/// NAMA BELAKANG are an Indonesian list's), not mapped by the config.
fn english_name(input: &InputConfig, map: &BTreeMap<Field, Vec<usize>>, keys: &[String]) -> bool {
    !input.columns.contains_key(Field::Name.key())
        && map.get(&Field::Name).is_some_and(|cols| {
            cols.iter().all(|&c| !keys[c].starts_with("NAMA"))
                && (cols.len() > 1
                    || cols
                        .iter()
                        .any(|&c| ENGLISH_NAMES.contains(&keys[c].as_str())))
        })
}

/// Whole-name headers of records laid out in English (with the name's parts, they make a
/// file whose identifier column may be absent).
const ENGLISH_NAMES: &[&str] = &["NAME", "FULL_NAME", "FULLNAME", "PERSON_NAME"];

/// Which columns hold each field.
#[derive(Debug, Clone, Default)]
pub struct FieldMap {
    pub cols: BTreeMap<Field, Vec<usize>>,
    /// The `nik` field's column was found by a plain identifier's header
    /// ([`Field::PLAIN_ID_ALIASES`]): it is read as with `id_kind = "generic"`.
    pub plain_id: bool,
    /// The column holding birth place and date together (`TTL`): where the birth place or
    /// date is this column alone, its cells are split
    /// ([`crate::normalize::date::split_place_and_date`]).
    pub split_birth: Option<usize>,
}

impl FieldMap {
    pub fn has(&self, field: Field) -> bool {
        self.cols.contains_key(&field)
    }

    /// The cell of `field` in `row` (several columns joined with a space); empty if unmapped.
    pub fn get<'t>(&self, table: &'t Table, field: Field, row: usize) -> std::borrow::Cow<'t, str> {
        let cols = self.cols.get(&field).map(Vec::as_slice);
        if let (Some(c), Some(&[one])) = (self.split_birth, cols) {
            if c == one && matches!(field, Field::BirthPlace | Field::BirthDate) {
                let (place, date) =
                    crate::normalize::date::split_place_and_date(table.columns[c].get(row));
                return if field == Field::BirthDate {
                    date
                } else {
                    place
                }
                .into();
            }
        }
        match cols {
            None | Some([]) => "".into(),
            Some([one]) => table.columns[*one].get(row).into(),
            Some(many) => many
                .iter()
                .map(|&c| table.columns[c].get(row).trim())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
                .into(),
        }
    }

    /// The kind of the (first) column of `field`.
    pub fn kind(&self, table: &Table, field: Field) -> CellKind {
        self.cols
            .get(&field)
            .and_then(|c| c.first())
            .map(|&c| table.columns[c].kind)
            .unwrap_or(CellKind::Text)
    }

    /// Field key -> header names used, for the summary.
    pub fn describe(&self, table: &Table) -> BTreeMap<String, Vec<String>> {
        self.cols
            .iter()
            .map(|(f, cols)| {
                (
                    f.key().to_string(),
                    cols.iter()
                        .map(|&c| table.columns[c].header.clone())
                        .collect(),
                )
            })
            .collect()
    }
}

/// A table with its field map: the cells records are built from.
#[derive(Debug, Clone, Copy)]
pub struct Mapped<'a> {
    pub table: &'a Table,
    pub map: &'a FieldMap,
}

impl crate::matching::record::Cells for Mapped<'_> {
    fn n_rows(&self) -> usize {
        self.table.n_rows
    }
    fn cell(&self, field: Field, row: usize) -> std::borrow::Cow<'_, str> {
        self.map.get(self.table, field, row)
    }
    fn kind(&self, field: Field) -> CellKind {
        self.map.kind(self.table, field)
    }
    fn plain_id(&self) -> bool {
        self.map.plain_id
    }
}

/// Read any supported input file.
pub fn read_table(path: &Path, input: &InputConfig) -> Result<Table, LoadError> {
    read_table_as(path, input, "aid", false)
}

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

fn open(path: &Path) -> Result<File, LoadError> {
    File::open(path).map_err(|source| LoadError::Open {
        path: path.to_path_buf(),
        source,
    })
}

/// Pick the delimiter that occurs most often in the header line, outside quotes.
pub fn detect_delimiter(header_line: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let candidates = [b',', b';', b'|', b'\t'];
    let mut quoted = false;
    for &b in header_line {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(i) = candidates.iter().position(|&c| c == b) {
                counts[i] += 1;
            }
        }
    }
    let best = (0..4)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        candidates[best]
    }
}

fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.into(),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// UTF-16 text (Excel's "Unicode Text", with a byte-order mark, or without one when the
/// zero bytes give it away) turned into UTF-8; other bytes are returned as they are (UTF-8,
/// or Windows-1252 decoded cell by cell later).
pub fn to_utf8(bytes: Vec<u8>) -> Vec<u8> {
    match utf16_of(&bytes) {
        Some(enc) => enc
            .decode_with_bom_removal(&bytes)
            .0
            .into_owned()
            .into_bytes(),
        None => bytes,
    }
}

/// The UTF-16 encoding of text that starts with `bytes` (a byte-order mark, or the zero
/// bytes of ASCII letters), if it is UTF-16.
fn utf16_of(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if bytes.starts_with(b"\xff\xfe") {
        Some(encoding_rs::UTF_16LE)
    } else if bytes.starts_with(b"\xfe\xff") {
        Some(encoding_rs::UTF_16BE)
    } else {
        // Without a mark: text of ASCII letters in UTF-16 has a zero in every other byte.
        let head = &bytes[..bytes.len().min(4096) & !1];
        let zeros = |parity: usize| {
            head.iter()
                .skip(parity)
                .step_by(2)
                .filter(|&&b| b == 0)
                .count()
        };
        let pairs = head.len() / 2;
        if pairs >= 4 && zeros(1) * 10 >= pairs * 9 && zeros(0) * 10 < pairs {
            Some(encoding_rs::UTF_16LE)
        } else if pairs >= 4 && zeros(0) * 10 >= pairs * 9 && zeros(1) * 10 < pairs {
            Some(encoding_rs::UTF_16BE)
        } else {
            None
        }
    }
}

/// What [`read_csv_slices`] found of the whole file: its data rows, the rows longer than
/// the header, the first row with a cell spanning lines with their count, and what came
/// before the rows ([`Layout`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CsvFacts {
    pub rows: usize,
    pub long_rows: usize,
    pub multiline: Option<(usize, usize)>,
    pub layout: Layout,
}

/// Read delimited text about `rows` data rows at a time, only the columns the fields of
/// `input` use, as [`read_csv`] reads it (delimiter, encodings, blank lines, short and long
/// rows): `each` gets the slices in row order, each a table of its own. The file's text is
/// never whole in memory (a register exported as `;`-separated text can be gigabytes).
pub fn read_csv_slices(
    path: &Path,
    input: &InputConfig,
    section: &'static str,
    rows: usize,
    each: impl FnMut(Table) -> Result<(), LoadError>,
) -> Result<CsvFacts, LoadError> {
    let delimiter = input.delimiter.as_ref().and_then(|d| d.bytes().next());
    parse_csv(path, delimiter, Some((input, section)), true, rows, each)
}

/// Read delimited text: every column, as one table.
pub fn read_csv(path: &Path, delimiter: Option<u8>) -> Result<Table, LoadError> {
    read_csv_for(path, delimiter, None)
}

/// [`read_csv`], the header found under a title by the fields of `input` (`section` names
/// it in messages).
pub fn read_csv_for(
    path: &Path,
    delimiter: Option<u8>,
    fields: Option<(&InputConfig, &'static str)>,
) -> Result<Table, LoadError> {
    let mut table = None;
    let facts = parse_csv(path, delimiter, fields, false, usize::MAX, |t| {
        table = Some(t);
        Ok(())
    })?;
    let mut table = table.unwrap_or_else(|| Table::from_rows(path, &[], &[]));
    table.long_rows = facts.long_rows;
    table.multiline = facts.multiline;
    table.layout = facts.layout;
    Ok(table)
}

/// The one parser of delimited text behind [`read_csv`] and [`read_csv_slices`]: UTF-16
/// (and text whose first megabyte is blank) is read whole and turned into UTF-8; other
/// text is parsed as it is read, a UTF-8 byte-order mark skipped and cells that are not
/// UTF-8 read as Windows-1252. The header is the first line, or with `fields` the first of
/// the next lines that names them under a title ([`find_header`]); a row of column
/// numbers under it is skipped. The delimiter is given, read from a `sep=` line, or
/// detected on the header line. With `project`, only the columns its fields use are kept; slices of `rows` data rows go
/// to `each` (one slice, possibly empty, for a file without rows).
/// A delimited text file opened: the reader past its byte-order mark, or the whole text
/// in memory (UTF-16 decoded at once, or text whose start is blank), and its first
/// megabyte for the header search.
struct Opened {
    file: BufReader<File>,
    whole: Option<Vec<u8>>,
    head: Vec<u8>,
}

fn open_text(path: &Path) -> Result<Opened, LoadError> {
    use std::io::BufRead;
    const HEAD: usize = 1 << 20;
    let open_err = |source| LoadError::Open {
        path: path.to_path_buf(),
        source,
    };
    let mut file = BufReader::with_capacity(HEAD, open(path)?);
    let head = file.fill_buf().map_err(open_err)?.to_vec();
    let head_body = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
    let blank = |b: &[u8]| b.iter().all(u8::is_ascii_whitespace);
    if utf16_of(&head).is_none() && !blank(head_body) {
        if head.len() != head_body.len() {
            file.consume(3);
        }
        let head = head_body.to_vec();
        return Ok(Opened {
            file,
            whole: None,
            head,
        });
    }
    // The buffered head was not consumed: this reads the file from its start.
    let mut all = Vec::new();
    file.read_to_end(&mut all).map_err(open_err)?;
    let mut all = to_utf8(all);
    if all.starts_with(b"\xef\xbb\xbf") {
        all.drain(..3);
    }
    if blank(&all) {
        return Err(LoadError::Empty {
            path: path.to_path_buf(),
        });
    }
    let head = all[..all.len().min(HEAD)].to_vec();
    Ok(Opened {
        file,
        whole: Some(all),
        head,
    })
}

/// The columns a CSV table keeps: those the fields use (`fields` given), else every one.
fn csv_columns(
    path: &Path,
    headers: &[String],
    fields: Option<(&InputConfig, &'static str)>,
) -> Result<Vec<usize>, LoadError> {
    Ok(match fields {
        Some((input, section)) => {
            let names: Vec<&str> = headers.iter().map(String::as_str).collect();
            let map = Table::from_rows(path, &names, &[]).resolve(input, section)?;
            let mut used: Vec<usize> = map.cols.values().flatten().copied().collect();
            used.sort_unstable();
            used.dedup();
            used
        }
        None => (0..headers.len()).collect(),
    })
}

/// A CSV reader at the first data row, the header's cells and the layout.
type HeaderReader = (csv::Reader<Box<dyn Read>>, Vec<String>, Layout);

/// A reader at the first data row under the header (the first line, or the first that
/// names the fields under a title), the header's cells and the layout it was found in.
fn header_reader(
    path: &Path,
    delimiter: Option<u8>,
    fields: Option<(&InputConfig, &'static str)>,
) -> Result<HeaderReader, LoadError> {
    use std::io::BufRead;
    let Opened {
        mut file,
        whole,
        head,
    } = open_text(path)?;
    let accept = |cells: &[String]| {
        fields.is_some_and(|(input, section)| header_map(path, cells, input, section).is_some())
    };
    let (skip, delimiter, layout) = find_header(
        &head,
        delimiter,
        fields
            .is_some()
            .then_some(&accept as &dyn Fn(&[String]) -> bool),
    );
    let source: Box<dyn Read> = match whole {
        Some(mut bytes) => {
            bytes.drain(..skip);
            Box::new(std::io::Cursor::new(bytes))
        }
        None => {
            file.consume(skip);
            Box::new(file)
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(source);
    let headers: Vec<String> = reader
        .byte_headers()
        .map_err(|e| csv_error(path, &e))?
        .iter()
        .map(|h| decode(h).trim().to_string())
        .collect();
    Ok((reader, headers, layout))
}

fn parse_csv(
    path: &Path,
    delimiter: Option<u8>,
    fields: Option<(&InputConfig, &'static str)>,
    project: bool,
    rows: usize,
    mut each: impl FnMut(Table) -> Result<(), LoadError>,
) -> Result<CsvFacts, LoadError> {
    let blank = |b: &[u8]| b.iter().all(u8::is_ascii_whitespace);
    let (mut reader, headers, mut layout) = header_reader(path, delimiter, fields)?;
    let used = csv_columns(path, &headers, fields.filter(|_| project))?;
    let new_columns = || -> Vec<TextColumn> {
        used.iter()
            .map(|&i| TextColumn::new(&headers[i], CellKind::Text))
            .collect()
    };
    let slice = |columns: Vec<TextColumn>, n_rows: usize, layout: Layout| Table {
        path: path.to_path_buf(),
        columns,
        n_rows,
        long_rows: 0,
        multiline: None,
        layout,
    };
    let mut facts = CsvFacts::default();
    let mut columns = new_columns();
    let mut in_slice = 0;
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(path, &e)),
        }
        if record.len() == 1 && record.get(0).is_some_and(blank) {
            continue; // blank line
        }
        // A second header row (for a table read whole) or the column numbers.
        if facts.rows == 0 {
            let cells: Vec<String> = record.iter().map(|c| decode(c).into_owned()).collect();
            let fields = fields.filter(|_| !project);
            if skips_under_header(path, &cells, &headers, &mut columns, fields, &mut layout) {
                continue;
            }
        }
        if record.len() > headers.len() {
            facts.long_rows += 1;
        }
        if record.iter().any(|f| f.contains(&b'\n')) {
            let m = facts.multiline.get_or_insert((facts.rows + 1, 0));
            m.1 += 1;
        }
        for (col, &i) in columns.iter_mut().zip(&used) {
            col.push(&decode(record.get(i).unwrap_or(b"")));
        }
        facts.rows += 1;
        in_slice += 1;
        if in_slice == rows.max(1) {
            each(slice(
                std::mem::replace(&mut columns, new_columns()),
                in_slice,
                layout,
            ))?;
            in_slice = 0;
        }
    }
    if in_slice > 0 || facts.rows == 0 {
        each(slice(columns, in_slice, layout))?;
    }
    facts.layout = layout;
    Ok(facts)
}

fn csv_error(path: &Path, e: &csv::Error) -> LoadError {
    let row = e
        .position()
        .map(|p| p.record().saturating_sub(0))
        .unwrap_or(0);
    LoadError::Csv {
        path: path.to_path_buf(),
        row,
        message: format!("{e}; check the quoting and the delimiter (set [aid] or [register] delimiter in the config)"),
    }
}

/// Read a Parquet file; every column becomes text.
pub fn read_parquet(path: &Path) -> Result<Table, LoadError> {
    read_parquet_projected(path, None)
}

/// Read only the columns that the fields of `input` use (a register needs no others).
/// Columns no field uses are never read, whatever their type.
pub fn read_parquet_for(
    path: &Path,
    input: &InputConfig,
    section: &'static str,
) -> Result<Table, LoadError> {
    use polars::prelude::*;
    let mut reader = ParquetReader::new(open(path)?);
    let used = used_columns(&mut reader, path, input, section)?;
    read_parquet_projected(path, Some(used))
}

/// The positions of the columns a Parquet file's schema gives the fields of `input`
/// (resolved as a table's headers are: a missing field is the same error).
fn used_columns(
    reader: &mut polars::prelude::ParquetReader<File>,
    path: &Path,
    input: &InputConfig,
    section: &'static str,
) -> Result<Vec<usize>, LoadError> {
    let schema = reader.schema().map_err(|e| LoadError::Parquet {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let names: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    let headers: Vec<&str> = names.iter().map(String::as_str).collect();
    let map = Table::from_rows(path, &headers, &[]).resolve(input, section)?;
    let mut used: Vec<usize> = map.cols.values().flatten().copied().collect();
    used.sort_unstable();
    used.dedup();
    Ok(used)
}

/// Read the columns of a Parquet file that the fields of `input` use, about `rows` rows at
/// a time, whole row groups where they are no larger: `each` gets the slices in row order,
/// each as a table of its own (its rows numbered from 0). The file's text is never whole
/// in memory: a register of tens of millions of rows is read and normalized slice by slice.
/// A file without rows gives one empty slice (its columns still checked).
pub fn read_parquet_slices(
    path: &Path,
    input: &InputConfig,
    section: &'static str,
    rows: usize,
    mut each: impl FnMut(Table) -> Result<(), LoadError>,
) -> Result<(), LoadError> {
    use polars::prelude::*;
    let pq_err = |e: PolarsError| LoadError::Parquet {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut reader = ParquetReader::new(open(path)?);
    let used = used_columns(&mut reader, path, input, section)?;
    let metadata = reader.get_metadata().map_err(pq_err)?.clone();
    let mut slices = parquet_slices(
        metadata.row_groups.iter().map(|g| g.num_rows()),
        rows.max(1),
    );
    if slices.is_empty() {
        slices.push((0, 0));
    }
    for (start, len) in slices {
        let mut reader = ParquetReader::new(open(path)?)
            .with_projection(Some(used.clone()))
            .with_slice(Some((start, len)));
        reader.set_metadata(metadata.clone());
        let df = reader.finish().map_err(pq_err)?;
        each(parquet_table(path, df)?)?;
    }
    Ok(())
}

/// The slices (first row, rows) of [`read_parquet_slices`] over row groups of `groups` rows:
/// whole groups gathered up to `rows` rows, a larger group cut into slices of `rows`.
fn parquet_slices(groups: impl Iterator<Item = usize>, rows: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let (mut start, mut len) = (0usize, 0usize);
    for g in groups {
        if len > 0 && len + g > rows {
            out.push((start, len));
            (start, len) = (start + len, 0);
        }
        len += g;
        while len > rows {
            out.push((start, rows));
            (start, len) = (start + rows, len - rows);
        }
    }
    if len > 0 {
        out.push((start, len));
    }
    out
}

/// A table of the columns polars read, turned into text side by side (one after the other
/// off a rayon worker thread: a thread of its own stays within one core).
fn parquet_table(path: &Path, df: polars::prelude::DataFrame) -> Result<Table, LoadError> {
    use rayon::prelude::*;
    let n_rows = df.height();
    let text = |col: &polars::prelude::Column| column_text(path, col.as_materialized_series());
    let columns: Vec<TextColumn> = if rayon::current_thread_index().is_some() {
        df.columns()
            .par_iter()
            .map(text)
            // Gathered before the first error is taken, so the error named is the first
            // column's in order at any thread count.
            .collect::<Vec<_>>()
            .into_iter()
            .collect::<Result<_, _>>()?
    } else {
        df.columns().iter().map(text).collect::<Result<_, _>>()?
    };
    Ok(Table {
        path: path.to_path_buf(),
        columns,
        n_rows,
        long_rows: 0,
        multiline: None,
        layout: Layout::default(),
    })
}

fn read_parquet_projected(path: &Path, projection: Option<Vec<usize>>) -> Result<Table, LoadError> {
    use polars::prelude::*;
    let file = open(path)?;
    let pq_err = |e: PolarsError| LoadError::Parquet {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let df = ParquetReader::new(file)
        .with_projection(projection)
        .finish()
        .map_err(pq_err)?;
    parquet_table(path, df)
}

/// One Parquet column as text: integers as digits (never `6.47e15`), floats through
/// [`format_float`], everything else through polars' cast to string (dates `YYYY-MM-DD`).
fn column_text(path: &Path, series: &polars::prelude::Series) -> Result<TextColumn, LoadError> {
    use polars::prelude::*;
    let name = series.name().to_string();
    let type_err = || LoadError::ColumnType {
        path: path.to_path_buf(),
        column: name.clone(),
        dtype: series.dtype().to_string(),
    };
    let dtype = series.dtype().clone();
    let mut out;
    if dtype.is_float() {
        out = TextColumn::new(&name, CellKind::Float);
        let floats = series.cast(&DataType::Float64).map_err(|_| type_err())?;
        for v in floats.f64().map_err(|_| type_err())?.iter() {
            out.push(&v.map(format_float).unwrap_or_default());
        }
    } else if dtype.is_signed_integer() || dtype.is_unsigned_integer() {
        // Every integer type fits i128 exactly; digits written without an intermediate
        // string column.
        out = TextColumn::with_capacity(&name, CellKind::Integer, series.len(), series.len() * 8);
        let mut buf = itoa::Buffer::new();
        if dtype.is_unsigned_integer() {
            let v = series.cast(&DataType::UInt64).map_err(|_| type_err())?;
            for x in v.u64().map_err(|_| type_err())?.iter() {
                out.push(x.map_or("", |x| buf.format(x)));
            }
        } else {
            let v = series.cast(&DataType::Int64).map_err(|_| type_err())?;
            for x in v.i64().map_err(|_| type_err())?.iter() {
                out.push(x.map_or("", |x| buf.format(x)));
            }
        }
    } else if dtype.is_nested() {
        // Lists and structs hold no field's value (and have no text form): empty cells, so
        // that such a column never stops a run. A register never reads them (projection).
        out = TextColumn::with_capacity(&name, CellKind::Text, series.len(), 0);
        for _ in 0..series.len() {
            out.push("");
        }
        out.nested = Some(dtype.to_string());
    } else {
        let kind = if matches!(dtype, DataType::Decimal(..)) {
            CellKind::Integer
        } else {
            CellKind::Text
        };
        let text = series.cast(&DataType::String).map_err(|_| type_err())?;
        let text = text.str().map_err(|_| type_err())?;
        out = TextColumn::from_strings(&name, kind, text.clone());
    }
    Ok(out)
}

/// Read one sheet of a spreadsheet (the first unless `sheet` names one). The first
/// non-empty row is the header. Numbers print without exponent (a NIK typed into Excel as a
/// number keeps only 15 significant digits: such columns are marked as floats); dates
/// become Excel serial numbers, which the date normalizer reads.
pub fn read_spreadsheet(path: &Path, sheet: Option<&str>) -> Result<Table, LoadError> {
    read_spreadsheet_for(path, sheet, None)
}

/// The sheet to read and the hidden sheets passed over before it: the one named (any
/// case), or else as a person sees the workbook, the first visible sheet, not a hidden
/// one of old rows (the first sheet when none is visible).
fn choose_sheet(
    path: &Path,
    sheets: &[calamine::Sheet],
    named: Option<&str>,
) -> Result<(String, usize), LoadError> {
    if let Some(s) = named {
        return sheets
            .iter()
            .find(|n| n.name == s || n.name.eq_ignore_ascii_case(s))
            .map(|n| (n.name.clone(), 0))
            .ok_or_else(|| LoadError::NoSheet {
                path: path.to_path_buf(),
                sheet: s.to_string(),
                found: sheets
                    .iter()
                    .map(|n| format!("{:?}", n.name))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
    }
    let visible = sheets
        .iter()
        .position(|s| s.visible == calamine::SheetVisible::Visible);
    let at = visible.unwrap_or(0);
    sheets
        .get(at)
        .map(|s| (s.name.clone(), at))
        .ok_or_else(|| LoadError::Spreadsheet {
            path: path.to_path_buf(),
            message: "the workbook has no sheet".into(),
        })
}

/// [`read_spreadsheet`], the header found under a title by the fields of `input`
/// (`section` names it in messages): the first non-empty row unless another of the next
/// [`HEADER_SEARCH_LINES`] rows names the fields and it does not; a row of column numbers
/// under the header is skipped.
pub fn read_spreadsheet_for(
    path: &Path,
    sheet: Option<&str>,
    fields: Option<(&InputConfig, &'static str)>,
) -> Result<Table, LoadError> {
    use calamine::{open_workbook_auto, Reader};
    let err = |message: String| LoadError::Spreadsheet {
        path: path.to_path_buf(),
        message,
    };
    let mut book = open_workbook_auto(path).map_err(|e| err(e.to_string()))?;
    let (name, hidden_sheets) = choose_sheet(path, book.sheets_metadata(), sheet)?;
    let sheet = crate::io::workbook::read_sheet(&mut book, &name).map_err(err)?;
    let texts = |r: &[(String, bool)]| -> Vec<String> {
        r.iter().map(|c| c.0.trim().to_string()).collect()
    };
    // The header: the first row that holds something, or under a title the first of the
    // next rows that names the fields.
    if sheet.rows.is_empty() {
        return Err(LoadError::Empty {
            path: path.to_path_buf(),
        });
    }
    let accepts = |k: usize| {
        fields.is_some_and(|(input, section)| {
            header_map(path, &texts(&sheet.rows[k].1), input, section).is_some()
        })
    };
    let searched = sheet.rows.len().min(HEADER_SEARCH_LINES + 1);
    let titles = if fields.is_some() {
        (0..searched).find(|&k| accepts(k)).unwrap_or(0)
    } else {
        0
    };
    let mut layout = Layout {
        header_line: sheet.rows[titles].0 as usize + 1,
        title_lines: titles,
        hidden_sheets,
        merged_cells_filled: sheet.merged_filled,
        formulas_without_value: sheet.formulas_without_value,
        first_formula_cell: sheet.first_formula_cell,
        ..Layout::default()
    };
    let mut rows = sheet.rows.iter().skip(titles);
    let header: Vec<String> = rows.next().map(|r| texts(&r.1)).unwrap_or_default();
    let mut columns: Vec<TextColumn> = header
        .iter()
        .map(|h| TextColumn::new(h, CellKind::Text))
        .collect();
    let mut n_rows = 0;
    for (_, r) in rows {
        if n_rows == 0 {
            let cells: Vec<String> = r.iter().map(|c| c.0.clone()).collect();
            if skips_under_header(path, &cells, &header, &mut columns, fields, &mut layout) {
                continue;
            }
        }
        for (i, col) in columns.iter_mut().enumerate() {
            let (text, float) = r.get(i).cloned().unwrap_or_default();
            if float {
                col.kind = CellKind::Float;
            }
            col.push(&text);
        }
        n_rows += 1;
    }
    Ok(Table {
        path: path.to_path_buf(),
        columns,
        n_rows,
        long_rows: 0,
        multiline: None,
        layout,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_found_under_a_title_and_after_a_sep_line() {
        // (what, text, header line, title lines, sep line, headers, first NIK)
        type Case<'a> = (&'a str, &'a str, usize, usize, bool, &'a [&'a str], &'a str);
        let cases: [Case; 9] = [
            (
                "plain",
                "NIK;NAMA\n6471054507890003;SITI\n",
                1,
                0,
                false,
                &["NIK", "NAMA"],
                "6471054507890003",
            ),
            (
                "a title, a blank line",
                "DAFTAR PENERIMA BANSOS\n\nNIK;NAMA\n6471054507890003;SITI\n",
                3,
                1,
                false,
                &["NIK", "NAMA"],
                "6471054507890003",
            ),
            (
                "a title in a row of empty cells, CRLF",
                "DAFTAR;;\r\nTahap II;;\r\nNIK;NAMA;ALAMAT\r\n6471054507890003;SITI;JL\r\n",
                3,
                2,
                false,
                &["NIK", "NAMA", "ALAMAT"],
                "6471054507890003",
            ),
            (
                "a title with commas above a semicolon header",
                "Daftar penerima, kota Balikpapan, 2026\nNIK;NAMA\n6471054507890003;SITI, A\n",
                2,
                1,
                false,
                &["NIK", "NAMA"],
                "6471054507890003",
            ),
            (
                "sep=;",
                "sep=;\nNIK;NAMA\n6471054507890003;SITI, A\n",
                2,
                0,
                true,
                &["NIK", "NAMA"],
                "6471054507890003",
            ),
            (
                "quoted \"sep=,\"",
                "\"sep=,\"\nNIK,NAMA\n6471054507890003,SITI\n",
                2,
                0,
                true,
                &["NIK", "NAMA"],
                "6471054507890003",
            ),
            (
                "sep= then a title",
                "SEP=;\nDAFTAR\nNIK;NAMA\n6471054507890003;SITI\n",
                3,
                1,
                true,
                &["NIK", "NAMA"],
                "6471054507890003",
            ),
            // No line names the fields: the first line stays the header (the run says
            // which column is missing).
            (
                "no header anywhere",
                "DAFTAR\nNAMA;ALAMAT\nSITI;JL\n",
                1,
                0,
                false,
                &["DAFTAR"],
                "NAMA;ALAMAT",
            ),
            // A quoted cell over two lines in a title: lines are no longer rows, the
            // search stops there.
            (
                "a quoted line break above",
                "\"DAFTAR\nPENERIMA\"\nNIK;NAMA\n6471054507890003;SITI\n",
                1,
                0,
                false,
                &["DAFTAR\nPENERIMA"],
                "NIK;NAMA",
            ),
        ];
        let input = InputConfig::default();
        let dir = tempfile::tempdir().unwrap();
        for (what, text, line, titles, sep, headers, first) in cases {
            let path = dir.path().join("aid.csv");
            std::fs::write(&path, text).unwrap();
            let t = read_csv_for(&path, None, Some((&input, "aid")))
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(t.headers(), headers, "{what}");
            assert_eq!(t.columns[0].get(0), first, "{what}");
            assert_eq!(
                (
                    t.layout.header_line,
                    t.layout.title_lines,
                    t.layout.sep_line
                ),
                (line, titles, sep),
                "{what}"
            );
            // The same lines, a register slice at a time.
            let mut firsts = Vec::new();
            let facts = read_csv_slices(&path, &input, "register", 1, |s| {
                firsts.push(s.columns.first().map(|c| c.get(0).to_string()));
                Ok(())
            });
            if titles > 0 || sep {
                let facts = facts.unwrap_or_else(|e| panic!("{what}: {e}"));
                assert_eq!(facts.layout, t.layout, "{what}");
                assert_eq!(firsts[0].as_deref(), Some(first), "{what}");
            }
        }
        // Without the fields to look for, the first line is the header.
        let path = dir.path().join("aid.csv");
        std::fs::write(&path, "DAFTAR\nNIK;NAMA\n6471054507890003;SITI\n").unwrap();
        assert_eq!(read_csv(&path, None).unwrap().headers(), ["DAFTAR"]);
    }

    #[test]
    fn rows_under_the_list_without_nik_or_name_are_dropped() {
        // (what, rows as (NIK, NAMA, KET), rows kept)
        type Case<'a> = (&'a str, &'a [[&'a str; 3]], usize);
        let cases: [Case; 6] = [
            (
                "no footer",
                &[["6471054507890003", "SITI", ""], ["", "BUDI", ""]],
                2,
            ),
            (
                "a total and a signature",
                &[
                    ["6471054507890003", "SITI", ""],
                    ["", "", "Jumlah 1"],
                    ["-", "NULL", "Kepala Dinas"],
                ],
                1,
            ),
            // A row without NIK or name inside the list stays (it is reported).
            (
                "a hole inside",
                &[
                    ["6471054507890003", "SITI", ""],
                    ["", "", "x"],
                    ["", "BUDI", ""],
                ],
                3,
            ),
            (
                "a last row with a NIK only",
                &[["", "SITI", ""], ["6471050507890001", "", ""]],
                2,
            ),
            ("nothing but blanks", &[["", "", "a"], ["", "", "b"]], 2),
            ("no rows", &[], 0),
        ];
        for (what, rows, kept) in cases {
            let rows: Vec<Vec<&str>> = rows.iter().map(|r| r.to_vec()).collect();
            let mut t = Table::from_rows("aid.csv", &["NIK", "NAMA", "KET"], &rows);
            let map = t.resolve(&InputConfig::default(), "aid").expect("map");
            let dropped = drop_footer(&mut t, &map);
            assert_eq!((t.n_rows, dropped), (kept, rows.len() - kept), "{what}");
            assert!(t.columns.iter().all(|c| c.len() == kept), "{what}");
            assert_eq!(t.layout.footer_rows, rows.len() - kept, "{what}");
            if kept > 0 {
                assert_eq!(t.columns[1].get(kept - 1), rows[kept - 1][1], "{what}");
            }
        }
    }

    #[test]
    fn a_second_header_row_under_merged_cells_is_merged_into_the_header() {
        let input = InputConfig::default();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aid.csv");
        // (what, text, headers, data rows, merged)
        type Case<'a> = (&'a str, &'a str, &'a [&'a str], usize, bool);
        let cases: [Case; 4] = [
            (
                "ALAMAT over JALAN, RT, RW, then the column numbers",
                "NO;NIK;NAMA;ALAMAT;;;KET\n;;;JALAN;RT;RW;\n1;2;3;4;5;6;7\n1;6471054507890003;SITI;JL. A;003;012;\n",
                &["NO", "NIK", "NAMA", "ALAMAT", "RT", "RW", "KET"],
                1,
                true,
            ),
            (
                "a row without NIK or name whose program is BANSOS: data",
                "NIK;NAMA;PROGRAM\n;;BANSOS\n6471054507890003;SITI;BPNT\n",
                &["NIK", "NAMA", "PROGRAM"],
                2,
                false,
            ),
            (
                "a row with a name under a gap: data",
                "NIK;NAMA;;\n;SITI;RT;x\n",
                &["NIK", "NAMA", "", ""],
                1,
                false,
            ),
            (
                "names under gaps, but no NIK column even then: data",
                "NO;NAMA;;\n;;RT;RW\n",
                &["NO", "NAMA", "", ""],
                1,
                false,
            ),
        ];
        for (what, text, headers, rows, merged) in cases {
            std::fs::write(&path, text).unwrap();
            let t = read_csv_for(&path, None, Some((&input, "aid"))).unwrap();
            assert_eq!(t.headers(), headers, "{what}");
            assert_eq!((t.n_rows, t.layout.sub_header), (rows, merged), "{what}");
        }
        std::fs::write(&path, cases[0].1).unwrap();
        let t = read_csv_for(&path, None, Some((&input, "aid"))).unwrap();
        let map = t.resolve(&input, "aid").unwrap();
        assert_eq!(map.get(&t, Field::Rt, 0), "003");
        assert_eq!(map.get(&t, Field::Rw, 0), "012");
        assert!(t.layout.numbering_row);
    }

    #[test]
    fn column_numbers_under_a_header_are_told_from_data() {
        let cases: [(&str, &[&str], bool); 9] = [
            ("plain numbers", &["1", "2", "3", "4"], true),
            ("in brackets", &["(1)", "(2)", "(3)"], true),
            ("floats from a sheet", &["1.0", "2.0", "3.0"], true),
            ("padded, a blank column", &[" 1 ", "", "3", "4"], true),
            ("two numbers only", &["1", "2"], false),
            ("out of order", &["1", "3", "2", "4"], false),
            (
                "a data row",
                &["1", "6471054507890003", "SITI", "JL"],
                false,
            ),
            ("mostly empty", &["1", "2", "3", "", "", "", "", ""], false),
            ("a row number and values", &["1", "2", "3", "BUDI"], false),
        ];
        for (what, cells, want) in cases {
            let cells: Vec<&[u8]> = cells.iter().map(|c| c.as_bytes()).collect();
            assert_eq!(is_numbering_row(&cells), want, "{what}");
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aid.csv");
        std::fs::write(&path, "NIK;NAMA;ALAMAT\n1;2;3\n6471054507890003;SITI;JL\n").unwrap();
        let t = read_csv(&path, None).unwrap();
        assert_eq!((t.n_rows, t.layout.numbering_row), (1, true));
        assert_eq!(t.columns[0].get(0), "6471054507890003");
    }

    #[test]
    fn text_encodings_are_read() {
        let text = "NIK\tNAMA\tALAMAT\r\n6471054507890003\tSITI AMINAH\tJL. MAWAR RT 03\r\n'6471050507890001\tBUDI ŞANTOSO\tGG. MELATI\r\n";
        let utf16 = |big: bool, bom: bool| {
            let mut out: Vec<u8> = Vec::new();
            if bom {
                out.extend(if big { [0xfe, 0xff] } else { [0xff, 0xfe] });
            }
            for unit in text.encode_utf16() {
                out.extend(if big {
                    unit.to_be_bytes()
                } else {
                    unit.to_le_bytes()
                });
            }
            out
        };
        let mut bom8 = b"\xef\xbb\xbf".to_vec();
        bom8.extend(text.as_bytes());
        let cases: [(&str, Vec<u8>); 6] = [
            ("utf-8", text.as_bytes().to_vec()),
            ("utf-8 with BOM", bom8),
            ("utf-16le with BOM (Excel Unicode Text)", utf16(false, true)),
            ("utf-16be with BOM", utf16(true, true)),
            ("utf-16le without BOM", utf16(false, false)),
            ("utf-16be without BOM", utf16(true, false)),
        ];
        let dir = tempfile::tempdir().unwrap();
        for (what, bytes) in cases {
            let path = dir.path().join("aid.txt");
            std::fs::write(&path, &bytes).unwrap();
            let t = read_csv(&path, None).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(t.headers(), ["NIK", "NAMA", "ALAMAT"], "{what}");
            assert_eq!(t.n_rows, 2, "{what}");
            assert_eq!(t.columns[0].get(0), "6471054507890003", "{what}");
            assert_eq!(t.columns[1].get(1), "BUDI ŞANTOSO", "{what}");
            assert_eq!(t.columns[2].get(0), "JL. MAWAR RT 03", "{what}");
        }
        // Windows-1252 (older Excel): decoded, not refused.
        let path = dir.path().join("cp1252.csv");
        std::fs::write(&path, b"NIK;NAMA\n6471054507890003;JOS\xc9\n").unwrap();
        let t = read_csv(&path, None).unwrap();
        assert_eq!(t.columns[1].get(0), "JOSÉ");
    }

    #[test]
    fn parquet_slices_follow_row_groups() {
        type Case<'a> = (&'a [usize], usize, &'a [(usize, usize)]);
        let cases: [Case; 7] = [
            (&[], 10, &[]),
            (&[5], 10, &[(0, 5)]),
            (&[4, 4, 4], 10, &[(0, 8), (8, 4)]),
            (&[10, 10], 10, &[(0, 10), (10, 10)]),
            (&[25], 10, &[(0, 10), (10, 10), (20, 5)]),
            (&[3, 25, 2], 10, &[(0, 3), (3, 10), (13, 10), (23, 7)]),
            (&[0, 6, 0, 6], 10, &[(0, 6), (6, 6)]),
        ];
        for (groups, rows, want) in cases {
            let got = parquet_slices(groups.iter().copied(), rows);
            assert_eq!(got, want, "{groups:?} by {rows}");
            let covered: usize = got.iter().map(|s| s.1).sum();
            assert_eq!(covered, groups.iter().sum::<usize>());
        }
    }

    #[test]
    fn delimiter_detection() {
        assert_eq!(detect_delimiter(b"NIK,NAMA,ALAMAT"), b',');
        assert_eq!(detect_delimiter(b"NIK;NAMA;ALAMAT"), b';');
        assert_eq!(detect_delimiter(b"NIK|NAMA|ALAMAT"), b'|');
        assert_eq!(detect_delimiter(b"NIK\tNAMA\tALAMAT"), b'\t');
        assert_eq!(detect_delimiter(b"\"NAMA, LENGKAP\";NIK"), b';');
        assert_eq!(detect_delimiter(b"NIK"), b',');
    }

    #[test]
    fn formats_from_extension() {
        assert_eq!(
            FileFormat::from_path(Path::new("a.CSV")).ok(),
            Some(FileFormat::Csv)
        );
        assert_eq!(
            FileFormat::from_path(Path::new("a.tsv")).ok(),
            Some(FileFormat::Csv)
        );
        assert_eq!(
            FileFormat::from_path(Path::new("a.parquet")).ok(),
            Some(FileFormat::Parquet)
        );
        assert_eq!(
            FileFormat::from_path(Path::new("a.xlsx")).ok(),
            Some(FileFormat::Spreadsheet)
        );
        assert!(FileFormat::from_path(Path::new("a.docx")).is_err());
        assert!(FileFormat::from_path(Path::new("a")).is_err());
    }

    #[test]
    fn floats_print_as_digits() {
        assert_eq!(format_float(6471054507890001.0), "6471054507890001");
        assert_eq!(format_float(1.5), "1.5");
    }

    #[test]
    fn resolve_by_alias_and_config() {
        let t = Table::from_rows(
            "x.csv",
            &["nik_art", "Nama Lengkap", "first", "last"],
            &[vec!["1", "A", "B", "C"]],
        );
        let map = t.resolve(&InputConfig::default(), "aid").expect("aliases");
        assert_eq!(map.get(&t, Field::Nik, 0), "1");
        assert_eq!(map.get(&t, Field::Name, 0), "A");
        let mut cfg = InputConfig::default();
        cfg.columns.insert(
            "name".into(),
            ColumnSpec::Many(vec!["first".into(), "last".into()]),
        );
        let map = t.resolve(&cfg, "aid").expect("config");
        assert_eq!(map.get(&t, Field::Name, 0), "B C");
        cfg.columns
            .insert("kk".into(), ColumnSpec::One("NOPE".into()));
        let err = t.resolve(&cfg, "aid").unwrap_err().to_string();
        assert!(
            err.contains("\"NOPE\"") && err.contains("[aid.columns] kk"),
            "{err}"
        );
        let t = Table::from_rows("y.csv", &["ID", "NAMA"], &[]);
        let err = t
            .resolve(&InputConfig::default(), "register")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`nik`")
                && err.contains("\"ID\", \"NAMA\"")
                && err.contains("[register.columns] nik"),
            "{err}"
        );
    }

    #[test]
    fn bansos_list_headers_resolve() {
        // Headers of KPM lists (keluarga penerima manfaat) and one RT/RW column.
        let t = Table::from_rows(
            "kpm.csv",
            &[
                "No",
                "NIK KPM",
                "Nama KPM",
                "NIK Pengurus",
                "Nama Pengurus",
                "RT/RW",
                "Desa/Kel",
                "Jenis Bansos",
            ],
            &[vec![
                "1",
                "6471054507890003",
                "SITI",
                "6471050507890001",
                "BUDI",
                "003/012",
                "SEPINGGAN",
                "BPNT",
            ]],
        );
        let map = t.resolve(&InputConfig::default(), "aid").expect("aliases");
        for (field, want) in [
            (Field::Nik, "6471054507890003"),
            (Field::Name, "SITI"),
            (Field::Rt, "003/012"),
            (Field::Kelurahan, "SEPINGGAN"),
            (Field::Program, "BPNT"),
        ] {
            assert_eq!(map.get(&t, field, 0), want, "{field:?}");
        }
        let rtrw = crate::normalize::address::parse_rt_rw(&map.get(&t, Field::Rt, 0));
        assert_eq!((rtrw.rt, rtrw.rw), (Some(3), Some(12)));
    }

    #[test]
    fn english_headers_resolve_by_parts_and_plain_identifiers() {
        // (headers, row, name, address, plain identifier)
        type Case<'a> = (&'a [&'a str], &'a [&'a str], &'a str, &'a str, bool);
        let cases: [Case; 5] = [
            (
                &[
                    "rec_id",
                    "given_name",
                    "surname",
                    "street_number",
                    "address_1",
                    "address_2",
                    "soc_sec_id",
                ],
                &[
                    "r1",
                    "laura",
                    "hefford",
                    "3",
                    "partridge street",
                    "home 186",
                    "4977825",
                ],
                "laura hefford",
                "3 partridge street home 186",
                true,
            ),
            (
                &["Last Name", "First Name", "Middle Name", "SSN", "Street"],
                &["Smith", "John", "Q", "123", "Main St"],
                "John Q Smith",
                "Main St",
                true,
            ),
            // A whole name wins over its parts; a NIK header over a plain identifier's.
            (
                &["NAMA", "first_name", "NIK", "ssn", "ALAMAT", "address_1"],
                &["SITI", "X", "6471054507890003", "9", "JL. MAWAR", "Y"],
                "SITI",
                "JL. MAWAR",
                false,
            ),
            (
                &["full_name", "national_id"],
                &["Ann Lee", "AB12"],
                "Ann Lee",
                "",
                true,
            ),
            (&["surname", "id_number"], &["Lee", "7"], "Lee", "", true),
        ];
        for (headers, row, name, address, plain) in cases {
            let t = Table::from_rows("x.csv", headers, &[row.to_vec()]);
            let map = t
                .resolve(&InputConfig::default(), "aid")
                .unwrap_or_else(|e| panic!("{headers:?}: {e}"));
            assert_eq!(map.get(&t, Field::Name, 0), name, "{headers:?}");
            assert_eq!(map.get(&t, Field::Address, 0), address, "{headers:?}");
            assert_eq!(map.plain_id, plain, "{headers:?}");
        }
        // A configured identifier column is read as the config says.
        let t = Table::from_rows("x.csv", &["ssn", "name"], &[]);
        let mut cfg = InputConfig::default();
        cfg.columns
            .insert("nik".into(), ColumnSpec::One("ssn".into()));
        assert!(!t.resolve(&cfg, "aid").expect("config").plain_id);
    }
}

//! One workbook sheet as rows of cell texts, by the cells that exist.
//!
//! In: an open workbook and a sheet name. Out: [`SheetRows`]: the sheet's non-empty rows in
//! order, each with its row index and its cells as text (with whether the cell held a
//! float), merged ranges filled with their first cell's value, and counts of what was
//! mended.
//!
//! An `.xlsx` sheet is read cell by cell, so memory follows the cells that exist, not the
//! area they span: one value typed in the last cell (`XFD1048576`) costs one cell, not
//! 17 billion. A formula saved without its computed value (as scripts write workbooks) is
//! read as its constant when it is one (`="6471..."`, `=6471...`), else as its text
//! (`=CONCAT(...)`), never as an empty cell: a NIK that cannot be read is an invalid NIK,
//! not a row without one. Other formats (`.xls`, `.xlsb`, `.ods`) are read whole, their
//! size checked first.

use std::io::{Read, Seek};

use calamine::{Data, DataRef, Dimensions, Reader, Sheets, Xlsx};

/// Cells a sheet may span when it is read whole (formats without a cell reader).
pub(crate) const MAX_DENSE_CELLS: u64 = 200_000_000;

/// Columns read: cells beyond are ignored (Excel's last column is 16,384).
pub(crate) const MAX_COLUMNS: u32 = 1_000;

/// A sheet's rows that hold something.
#[derive(Debug, Default)]
pub struct SheetRows {
    /// (0-based sheet row, cells as (text, whether a float)), in row order.
    pub rows: Vec<(u32, Vec<(String, bool)>)>,
    /// Cells filled from the first cell of their merged range.
    pub merged_filled: usize,
    /// Formulas without a computed value, read as their constant or text.
    pub formulas_without_value: usize,
    /// The first of them in sheet order, as (0-based row, 0-based column).
    pub first_formula_cell: Option<(u32, u32)>,
}

/// A cell's text and whether it held a float (the caller keeps floats apart: a NIK
/// stored as a number).
pub(crate) fn cell_text(d: &Data) -> (String, bool) {
    match d {
        Data::Empty => (String::new(), false),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => (s.clone(), false),
        Data::Int(i) => (i.to_string(), false),
        Data::Float(f) => (format_float(*f), true),
        Data::Bool(b) => (b.to_string(), false),
        Data::DateTime(dt) => (format_float(dt.as_f64().floor()), false),
        Data::Error(e) => (format!("#{e}"), false),
    }
}

/// Whole floats print as integers (`6471054507890001`, not `6.471054507890001e15`).
pub(crate) fn format_float(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e17 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// Read sheet `name` of `book`.
pub(crate) fn read_sheet<RS: Read + Seek>(
    book: &mut Sheets<RS>,
    name: &str,
) -> Result<SheetRows, String> {
    match book {
        Sheets::Xlsx(x) => read_xlsx(x, name),
        other => read_dense(other, name),
    }
}

/// A sparse cell: (row, column, text, float).
type Sparse = (u32, u32, String, bool);

fn read_xlsx<RS: Read + Seek>(book: &mut Xlsx<RS>, name: &str) -> Result<SheetRows, String> {
    let mut cells: Vec<Sparse> = Vec::new();
    let mut empty_cells = false;
    {
        let mut reader = book
            .worksheet_cells_reader(name)
            .map_err(|e| e.to_string())?;
        while let Some(c) = reader.next_cell().map_err(|e| e.to_string())? {
            let (row, col) = c.get_position();
            if col >= MAX_COLUMNS {
                continue;
            }
            let value: Data = match c.get_value() {
                DataRef::Empty => {
                    empty_cells = true;
                    continue;
                }
                v => v.clone().into(),
            };
            let (text, float) = cell_text(&value);
            if text.is_empty() {
                empty_cells = true;
            } else {
                cells.push((row, col, text, float));
            }
        }
    }
    let (mut formulas_without_value, mut first_formula_cell) = (0, None);
    if empty_cells {
        (formulas_without_value, first_formula_cell) =
            formulas_of_empty_cells(book, name, &mut cells)?;
    }
    let merged = match book.worksheet_merge_cells(name) {
        Some(Ok(m)) => m,
        Some(Err(e)) => return Err(e.to_string()),
        None => Vec::new(),
    };
    let merged_filled = fill_merged(&mut cells, &merged);
    Ok(SheetRows {
        rows: into_rows(cells),
        merged_filled,
        formulas_without_value,
        first_formula_cell,
    })
}

/// The formulas of cells saved without a value, added as their constant or text; returns
/// how many, and the first in sheet order.
fn formulas_of_empty_cells<RS: Read + Seek>(
    book: &mut Xlsx<RS>,
    name: &str,
    cells: &mut Vec<Sparse>,
) -> Result<(usize, Option<(u32, u32)>), String> {
    let mut have: rustc_hash::FxHashSet<(u32, u32)> =
        cells.iter().map(|&(r, c, _, _)| (r, c)).collect();
    let mut reader = book
        .worksheet_cells_reader(name)
        .map_err(|e| e.to_string())?;
    let (mut n, mut first) = (0, None::<(u32, u32)>);
    while let Some(f) = reader.next_formula().map_err(|e| e.to_string())? {
        let (row, col) = f.get_position();
        if f.get_value().is_empty() || col >= MAX_COLUMNS || !have.insert((row, col)) {
            continue;
        }
        cells.push((row, col, formula_value(f.get_value()), false));
        n += 1;
        first = Some(first.map_or((row, col), |c| c.min((row, col))));
    }
    Ok((n, first))
}

/// A cell's name as a spreadsheet shows it (0-based row and column): `(1, 2)` is `C2`,
/// `(0, 26)` is `AA1`.
pub(crate) fn cell_name(row: u32, col: u32) -> String {
    // A sheet has 16,384 columns: a column number past u16 is not one of them.
    rust_xlsxwriter::utility::row_col_to_cell(row, u16::try_from(col).unwrap_or(u16::MAX))
}

/// A formula's constant (`"6471..."` or `6471...`), else `=` and its text.
pub(crate) fn formula_value(formula: &str) -> String {
    let f = formula.trim().trim_start_matches('=').trim();
    if let Some(s) = f.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        if !s.contains('"') {
            return s.to_string();
        }
    }
    if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) {
        return f.to_string();
    }
    format!("={f}")
}

/// Fill every cell of a merged range over several rows (a KELURAHAN merged over its
/// rows) with its first cell's value, within the cells read (rows up to the last row that
/// holds something, columns up to [`MAX_COLUMNS`]); returns how many cells were filled.
/// A range within one row (a title, a header over its sub-columns) is left as it is: its
/// cells are one label, not a value per column.
fn fill_merged(cells: &mut Vec<Sparse>, merged: &[Dimensions]) -> usize {
    if merged.is_empty() || cells.is_empty() {
        return 0;
    }
    let last_row = cells.iter().map(|c| c.0).max().unwrap_or(0);
    let mut at: rustc_hash::FxHashMap<(u32, u32), usize> = cells
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.0, c.1), i))
        .collect();
    let mut filled = 0;
    for m in merged.iter().filter(|m| m.end.0 > m.start.0) {
        let Some(&i) = at.get(&m.start) else {
            continue;
        };
        let (text, float) = (cells[i].2.clone(), cells[i].3);
        for row in m.start.0..=m.end.0.min(last_row) {
            for col in m.start.1..=m.end.1.min(MAX_COLUMNS - 1) {
                if let std::collections::hash_map::Entry::Vacant(e) = at.entry((row, col)) {
                    e.insert(cells.len());
                    cells.push((row, col, text.clone(), float));
                    filled += 1;
                }
            }
        }
    }
    filled
}

/// Sparse cells into rows, in row and column order, each row as wide as its last cell.
fn into_rows(mut cells: Vec<Sparse>) -> Vec<(u32, Vec<(String, bool)>)> {
    cells.sort_unstable_by_key(|c| (c.0, c.1));
    let mut rows: Vec<(u32, Vec<(String, bool)>)> = Vec::new();
    for (row, col, text, float) in cells {
        if rows.last().map(|r| r.0) != Some(row) {
            rows.push((row, Vec::new()));
        }
        if let Some((_, r)) = rows.last_mut() {
            r.resize(col as usize, (String::new(), false));
            r.push((text, float));
        }
    }
    rows
}

/// A sheet of another format, read whole once its size is checked.
fn read_dense<RS: Read + Seek>(book: &mut Sheets<RS>, name: &str) -> Result<SheetRows, String> {
    let range = book.worksheet_range(name).map_err(|e| e.to_string())?;
    let (h, w) = range.get_size();
    if (h as u64).saturating_mul(w as u64) > MAX_DENSE_CELLS {
        return Err(format!(
            "the sheet spans {h} rows x {w} columns; save it as .xlsx or CSV"
        ));
    }
    let start = range.start().unwrap_or((0, 0));
    let rows = range
        .rows()
        .enumerate()
        .filter_map(|(i, r)| {
            let cells: Vec<(String, bool)> =
                r.iter().take(MAX_COLUMNS as usize).map(cell_text).collect();
            let last = cells.iter().rposition(|(t, _)| !t.is_empty())?;
            let mut cells = cells;
            cells.truncate(last + 1);
            Some((start.0 + i as u32, cells))
        })
        .collect();
    Ok(SheetRows {
        rows,
        ..SheetRows::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_a_spreadsheet_names_them() {
        for (row, col, want) in [
            (0, 0, "A1"),
            (1, 2, "C2"),
            (0, 25, "Z1"),
            (0, 26, "AA1"),
            (9, 51, "AZ10"),
            (0, 702, "AAA1"),
            (1_048_575, 16_383, "XFD1048576"),
        ] {
            assert_eq!(cell_name(row, col), want, "{row},{col}");
        }
    }

    #[test]
    fn formulas_without_a_value_read_as_their_constant_or_text() {
        for (f, want) in [
            ("=\"6471054507890003\"", "6471054507890003"),
            ("\"6471054507890003\"", "6471054507890003"),
            ("=6471054507890003", "6471054507890003"),
            ("CONCAT(A1,\"0003\")", "=CONCAT(A1,\"0003\")"),
            ("=\"a\"&\"b\"", "=\"a\"&\"b\""),
            ("=A2", "=A2"),
        ] {
            assert_eq!(formula_value(f), want, "{f}");
        }
    }

    #[test]
    fn merged_ranges_fill_under_their_first_cell_within_the_cells_read() {
        let mut cells: Vec<Sparse> = vec![
            (0, 0, "NIK".into(), false),
            (0, 1, "KELURAHAN".into(), false),
            (1, 0, "1".into(), false),
            (1, 1, "SEPINGGAN".into(), false),
            (2, 0, "2".into(), false),
            (3, 0, "3".into(), false),
        ];
        // KELURAHAN merged over rows 1-3, a range reaching the sheet's last row, and a
        // header merged over two columns (left as it is).
        let merged = [
            Dimensions {
                start: (1, 1),
                end: (3, 1),
            },
            Dimensions {
                start: (3, 0),
                end: (1_048_575, 0),
            },
            Dimensions {
                start: (0, 0),
                end: (0, 1),
            },
        ];
        assert_eq!(fill_merged(&mut cells, &merged), 2);
        let rows = into_rows(cells);
        let kel: Vec<&str> = rows.iter().map(|(_, r)| r[1].0.as_str()).skip(1).collect();
        assert_eq!(kel, ["SEPINGGAN"; 3]);
        assert_eq!(rows.len(), 4);
    }
}

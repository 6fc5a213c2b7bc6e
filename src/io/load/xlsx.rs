//! Workbooks (`.xlsx`, `.xls`, `.ods`): the named sheet or the first visible one, merged
//! cells filled from their first cell, formulas read as their value, numbers as digits.
//!
//! In: a path and an optional sheet name. Out: a [`Table`] and its [`Layout`].

use std::path::Path;

use crate::core::config::InputConfig;
use crate::core::error::LoadError;
use crate::normalize::nik::CellKind;

use super::header::{header_map, skips_under_header, HEADER_SEARCH_LINES};
use super::table::{Layout, Table, TextColumn};

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
    Ok(Table::of_rows(path, columns, n_rows, layout))
}

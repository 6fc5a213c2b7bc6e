//! `report.xlsx`: the workbook for officials.
//!
//! In: the [`Facts`], a source of rows and a language. Out: the sheets
//! Ringkasan, Perubahan, Temuan Audit, then the row sheets (NIK and KK as text, header rows
//! frozen, widths set; rows past Excel's last kept in the CSV files with a note).

use rust_xlsxwriter::{Format, Workbook};

use crate::core::config::Lang;

use super::sections::Sections;
use super::words::{status_label, t};
use super::{sheet_headers, Facts, Sheet, SheetRows};
use crate::io::audit::AuditTally;
use crate::io::xlsx::{xlsx_cell, XLSX_LAST_ROW, XLSX_ZIP_LEVEL};

/// The workbook, ready to save.
pub fn xlsx(
    f: &Facts,
    source: &dyn SheetRows,
    lang: Lang,
) -> Result<Workbook, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    wb.set_zip_compression_level(XLSX_ZIP_LEVEL);
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    summary_sheet(&mut wb, f, lang, &bold)?;
    let sections = Sections::of(f, lang);
    if let Some(view) = &sections.changes {
        crate::io::change_findings::write_sheet(&mut wb, view, lang, &bold)?;
    }
    let periods: Vec<(&str, &AuditTally)> = sections
        .points
        .iter()
        .map(|p| (p.label.as_str(), &p.findings))
        .collect();
    crate::io::audit::write_sheet(&mut wb, &periods, lang, &bold)?;
    let front = wb.worksheets_mut().len();
    // Row sheets: every cell as text, so NIK and KK never become numbers. Written in
    // constant-memory mode (inline strings, rows streamed to a temporary file).
    let aid = source.aid_headers();
    let sheets: [(&str, Sheet, Vec<String>); 3] = [
        ("Terverifikasi", Sheet::Verified),
        ("Data Ganda", Sheet::Duplicates),
        ("Ditolak", Sheet::Rejected),
    ]
    .map(|(name, sheet)| (name, sheet, sheet_headers(sheet, &aid)));
    let mut kinds = Vec::new();
    for (name, sheet, headers) in sheets {
        // Column widths from the first rows (they must be set before rows are streamed).
        let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
        let mut seen = 0;
        let _ = source.each_row(sheet, &mut |cells| {
            for (w, c) in widths.iter_mut().zip(cells) {
                *w = (*w).max(c.chars().count());
            }
            seen += 1;
            if seen >= 200 {
                // Stop early: enough rows seen.
                return Err(rust_xlsxwriter::XlsxError::ParameterError(String::new()));
            }
            Ok(())
        });
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name(name)?;
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, ((*w).min(60) + 2) as f64)?;
        }
        ws.set_freeze_panes(1, 0)?;
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)?;
        }
        kinds.push(sheet);
    }
    // The row sheets are filled side by side (each streams to its own temporary file).
    let row_sheets = &mut wb.worksheets_mut()[front..];
    use rayon::prelude::*;
    let filled: Vec<Result<(), rust_xlsxwriter::XlsxError>> = row_sheets
        .par_iter_mut()
        .zip(kinds.par_iter())
        .map(|(ws, &sheet)| fill_sheet(ws, sheet, source, &text, t(lang, "xlsx_left_out")))
        .collect();
    for f in filled {
        f?;
    }
    Ok(wb)
}

/// The workbook's first sheet, `Ringkasan`: rows by status with their savings, the
/// totals, and what the register search found (people the register holds twice).
fn summary_sheet(
    wb: &mut Workbook,
    f: &Facts,
    lang: Lang,
    bold: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("Ringkasan")?;
    ws.write_string_with_format(0, 0, t(lang, "item"), bold)?;
    ws.write_string_with_format(0, 1, t(lang, "rows"), bold)?;
    ws.write_string_with_format(0, 2, t(lang, "savings_rp"), bold)?;
    let mut r = 1;
    ws.write_string(r, 0, t(lang, "rows_checked"))?;
    ws.write_number(r, 1, f.rows as f64)?;
    for (k, n) in &f.status_counts {
        r += 1;
        ws.write_string(r, 0, status_label(k, lang))?;
        ws.write_number(r, 1, *n as f64)?;
        ws.write_number(
            r,
            2,
            f.savings_by_status.get(k).copied().unwrap_or(0) as f64,
        )?;
    }
    r += 1;
    ws.write_string_with_format(r, 0, t(lang, "total_savings"), bold)?;
    ws.write_number_with_format(r, 2, f.savings_total as f64, bold)?;
    r += 1;
    ws.write_string(r, 0, t(lang, "savings_confirmed"))?;
    ws.write_number(r, 2, f.savings_confirmed as f64)?;
    r += 1;
    ws.write_string(r, 0, t(lang, "savings_pending"))?;
    ws.write_number(r, 2, f.savings_pending as f64)?;
    r += 1;
    ws.write_string(r, 0, t(lang, "months_label"))?;
    ws.write_number(r, 1, f64::from(f.months))?;
    ws.set_column_width(0, 34)?;
    ws.set_column_width(1, 10)?;
    ws.set_column_width(2, 20)?;
    ws.set_freeze_panes(1, 0)?;
    register_twice_rows(ws, r + 2, f, lang, bold)?;
    Ok(())
}

/// The counts of the register search (`summary.json`'s `register_twice`), under their
/// title, from row `r`; nothing when the run made no search (a part of a partition).
fn register_twice_rows(
    ws: &mut rust_xlsxwriter::Worksheet,
    r: u32,
    f: &Facts,
    lang: Lang,
    bold: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let Some(twice) = f.summary.get("register_twice").filter(|v| v.is_object()) else {
        return Ok(());
    };
    ws.write_string_with_format(r, 0, t(lang, "twice.title"), bold)?;
    let rows = [
        ("twice.pairs", "pairs"),
        ("twice.both_open", "both_open"),
        ("twice.superseded", "rows_superseded"),
    ];
    for (k, (label, key)) in rows.into_iter().enumerate() {
        let n = twice
            .get(key)
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0);
        ws.write_string(r + 1 + k as u32, 0, t(lang, label))?;
        ws.write_number(r + 1 + k as u32, 1, n as f64)?;
    }
    ws.write_string(r + 4, 0, t(lang, "twice.file"))?;
    Ok(())
}

/// Stream one row sheet's rows into its worksheet.
fn fill_sheet(
    ws: &mut rust_xlsxwriter::Worksheet,
    sheet: Sheet,
    source: &dyn SheetRows,
    text: &Format,
    left_out_note: &str,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut r: u32 = 0;
    let mut left_out: u64 = 0;
    source.each_row(sheet, &mut |cells| {
        // Excel holds 1,048,576 rows: past them (a province's list) the rows stay in the
        // CSV files and the sheet's last row says how many it leaves out.
        if r + 1 >= XLSX_LAST_ROW {
            left_out += 1;
            return Ok(());
        }
        r += 1;
        for (c, v) in cells.iter().enumerate() {
            // Digit strings (NIK, KK, RT, codes) carry the text format so that Excel keeps
            // them as text when edited; other cells need no format (looking a format up
            // costs a hash of it per cell).
            if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
                ws.write_string_with_format(r, c as u16, xlsx_cell(v), text)?;
            } else {
                ws.write_string(r, c as u16, xlsx_cell(v))?;
            }
        }
        Ok(())
    })?;
    if left_out > 0 {
        let note = left_out_note.replace("{n}", &left_out.to_string());
        ws.write_string(XLSX_LAST_ROW, 0, note)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A province's list: more verified rows than Excel holds.
    struct ManyRows(u32);

    impl SheetRows for ManyRows {
        fn aid_headers(&self) -> Vec<String> {
            vec!["NIK".to_string()]
        }
        fn each_row(
            &self,
            sheet: Sheet,
            f: &mut dyn FnMut(&[&str]) -> Result<(), rust_xlsxwriter::XlsxError>,
        ) -> Result<(), rust_xlsxwriter::XlsxError> {
            if sheet == Sheet::Verified {
                for i in 0..self.0 {
                    f(&[if i % 2 == 0 { "6471054507890003" } else { "x" }])?;
                }
            }
            Ok(())
        }
    }

    #[test]
    fn a_sheet_past_excels_last_row_keeps_what_fits_and_says_how_many_it_leaves_out() {
        let rows = XLSX_LAST_ROW + 10;
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet_with_constant_memory().expect("temp file");
        let text = Format::new().set_num_format("@");
        fill_sheet(ws, Sheet::Verified, &ManyRows(rows), &text, "{n} left out").expect("filled");
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("big.xlsx");
        wb.save(&path).expect("saved");
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).expect("open");
        let range = book.worksheet_range_at(0).expect("sheet").expect("range");
        assert_eq!(range.end(), Some((XLSX_LAST_ROW, 0)));
        // Rows 1..XLSX_LAST_ROW-1 hold data; the last row the note: 11 rows left out.
        assert_eq!(
            range.get_value((XLSX_LAST_ROW, 0)),
            Some(&calamine::Data::String("11 left out".to_string()))
        );
        // The last data row is the 1,048,574th (index 1,048,573, written "x").
        assert_eq!(
            range.get_value((XLSX_LAST_ROW - 1, 0)),
            Some(&calamine::Data::String("x".to_string()))
        );
        assert_eq!(
            range.get_value((1, 0)),
            Some(&calamine::Data::String("6471054507890003".to_string()))
        );
    }
}

//! Aid lists as Excel workbooks: the first sheet or `--sheet NAME`, the same decisions as
//! the CSV, and NIKs typed as numbers read as digits.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use rust_xlsxwriter::Workbook;

mod common;
use common::fixture;

/// The fixtures' aid list as a workbook: a notes sheet first, the data on sheet "Data".
fn workbook(path: &Path, numeric_nik_rows: usize) {
    workbook_as(path, numeric_nik_rows, false)
}

/// [`workbook`]; with `titled`, as government offices lay a sheet out: a merged title and
/// a subtitle, a blank row, the header, then a row of column numbers typed as numbers.
fn workbook_as(path: &Path, numeric_nik_rows: usize, titled: bool) {
    workbook_with(path, numeric_nik_rows, titled, false)
}

/// [`workbook_as`]; with `hide_notes`, the first sheet (`Catatan`, no NIK column) hidden
/// and `Data` the active one, as an office keeps old rows out of sight.
fn workbook_with(path: &Path, numeric_nik_rows: usize, titled: bool, hide_notes: bool) {
    let (headers, mut r) = common::fixture_aid();
    let mut wb = Workbook::new();
    let notes = wb.add_worksheet();
    notes
        .set_name("Catatan")
        .expect("name")
        .write_string(0, 0, "Data penerima ada di sheet Data")
        .expect("write");
    if hide_notes {
        notes.set_hidden(true);
    }
    let ws = wb.add_worksheet();
    ws.set_name("Data").expect("name");
    if hide_notes {
        ws.set_active(true);
    }
    let top: u32 = if titled {
        let last = (headers.len() - 1) as u16;
        let plain = rust_xlsxwriter::Format::new();
        ws.merge_range(
            0,
            0,
            0,
            last,
            "DAFTAR PENERIMA BANSOS KOTA BALIKPAPAN",
            &plain,
        )
        .expect("title");
        ws.write_string(1, 0, "Tahap II Tahun 2026")
            .expect("subtitle");
        3
    } else {
        0
    };
    // Titled: ALAMAT merged over the address, RT and RW columns, their names in a second
    // header row, then the column numbers.
    let address = headers.iter().position(|h| h == "ALAMAT").expect("ALAMAT");
    for (c, h) in headers.iter().enumerate() {
        let c16 = c as u16;
        if !titled {
            ws.write_string(top, c16, h).expect("write");
            continue;
        }
        if c == address {
            let plain = rust_xlsxwriter::Format::new();
            ws.merge_range(top, c16, top, c16 + 2, "ALAMAT", &plain)
                .expect("merge");
            ws.write_string(top + 1, c16, "Jalan").expect("sub");
        } else if c == address + 1 || c == address + 2 {
            ws.write_string(top + 1, c16, h).expect("sub");
        } else {
            ws.write_string(top, c16, h).expect("write");
        }
        ws.write_number(top + 2, c16, (c + 1) as f64)
            .expect("number");
    }
    let first = top + if titled { 3 } else { 1 };
    for (i, rec) in r.records().enumerate() {
        let rec = rec.expect("row");
        for (c, v) in rec.iter().enumerate() {
            let row = first + i as u32;
            // The first rows' NIKs typed as numbers, as Excel users do.
            let numeric = headers[c] == "NIK"
                && i < numeric_nik_rows
                && v.len() == 16
                && v.bytes().all(|b| b.is_ascii_digit());
            if numeric {
                ws.write_number(row, c as u16, v.parse::<f64>().expect("number"))
                    .expect("write");
            } else {
                ws.write_string(row, c as u16, v).expect("write");
            }
        }
    }
    wb.save(path).expect("save");
}

fn run(aid: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    common::dedupe()
        .arg(aid)
        .arg(fixture("population.parquet"))
        .arg("-o")
        .arg(out)
        .arg("-q")
        .args(extra)
        .assert()
}

#[test]
fn a_workbook_gives_the_same_decisions_as_the_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    let book = dir.path().join("bansos.xlsx");
    workbook(&book, 0);
    run(&fixture("aid.csv"), &dir.path().join("csv"), &[]).success();
    run(&book, &dir.path().join("xlsx"), &["--sheet", "Data"]).success();
    let a = std::fs::read(dir.path().join("csv/decisions.csv")).expect("csv run");
    let b = std::fs::read(dir.path().join("xlsx/decisions.csv")).expect("xlsx run");
    assert!(a == b, "decisions differ between the CSV and the workbook");
    // Without --sheet the first sheet is read: it has no NIK column.
    run(&book, &dir.path().join("first"), &[])
        .code(2)
        .stderr(predicate::str::contains("`nik`"));
    run(&book, &dir.path().join("none"), &["--sheet", "Lain"])
        .code(2)
        .stderr(predicate::str::contains("no sheet \"Lain\""))
        .stderr(predicate::str::contains("\"Catatan\", \"Data\""));
}

#[test]
fn nik_typed_as_a_number_is_read_as_digits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let book = dir.path().join("bansos.xlsx");
    workbook(&book, 40);
    run(&book, &dir.path().join("out"), &["--sheet", "data"]).success();
    let mut r = csv::Reader::from_path(dir.path().join("out/decisions.csv")).expect("decisions");
    let mut expected = csv::Reader::from_path(fixture("expected.csv")).expect("expected");
    let mut checked = 0;
    for (d, e) in r.records().zip(expected.records()).take(40) {
        let (d, e) = (d.expect("row"), e.expect("row"));
        if d[2].len() == 16 {
            assert!(!d[2].contains(['e', 'E', '.']), "row {}: {}", &d[0], &d[2]);
            assert_eq!(&d[5], &e[2], "row {}", &d[0]);
            checked += 1;
        }
    }
    assert!(checked > 10);
}

#[test]
fn a_sheet_with_a_title_and_column_numbers_gives_the_same_decisions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let book = dir.path().join("bansos.xlsx");
    workbook_as(&book, 0, true);
    run(&fixture("aid.csv"), &dir.path().join("csv"), &[]).success();
    run(&book, &dir.path().join("xlsx"), &["--sheet", "Data"])
        .success()
        .stderr(predicate::str::contains(
            "the header is on line 4, under a title",
        ))
        .stderr(predicate::str::contains("a row of column numbers"))
        .stderr(predicate::str::contains("read as part of the header"));
    let a = std::fs::read(dir.path().join("csv/decisions.csv")).expect("csv run");
    let b = std::fs::read(dir.path().join("xlsx/decisions.csv")).expect("xlsx run");
    assert!(
        a == b,
        "decisions differ between the CSV and the titled workbook"
    );
}

#[test]
fn a_hidden_first_sheet_is_passed_over_for_the_first_visible_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let book = dir.path().join("bansos.xlsx");
    workbook(&book, 0);
    // The same workbook with its first sheet (no NIK column) hidden, as an office keeps
    // old rows out of sight: the visible `Data` sheet is read, and the run says so.
    let hidden = dir.path().join("hidden.xlsx");
    workbook_with(&hidden, 0, false, true);
    run(&book, &dir.path().join("xlsx"), &["--sheet", "Data"]).success();
    let out = run(&hidden, &dir.path().join("hidden"), &[]).success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("1 hidden sheet(s)"), "{stderr}");
    let a = std::fs::read(dir.path().join("xlsx/decisions.csv")).expect("named sheet");
    let b = std::fs::read(dir.path().join("hidden/decisions.csv")).expect("first visible");
    assert!(
        a == b,
        "the visible sheet gives the named sheet's decisions"
    );
}

/// The fixture list as a workbook, `edit` applied to its data sheet before saving (the
/// header on row 0, the data from row 1, as in the CSV).
fn workbook_edited(
    path: &Path,
    edit: impl FnOnce(&mut rust_xlsxwriter::Worksheet, &[String], &[Vec<String>]),
) {
    let (headers, mut r) = common::fixture_aid();
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|rec| rec.expect("row").iter().map(String::from).collect())
        .collect();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, h).expect("write");
    }
    for (i, rec) in rows.iter().enumerate() {
        for (c, v) in rec.iter().enumerate() {
            ws.write_string(1 + i as u32, c as u16, v).expect("write");
        }
    }
    edit(ws, &headers, &rows);
    wb.save(path).expect("save");
}

/// The out folder of the CSV's run, the workbook's path and its run's out folder.
fn beside_the_csv(dir: &Path, workbook: &str) -> (PathBuf, PathBuf, PathBuf) {
    (dir.join("csv"), dir.join(workbook), dir.join("xlsx"))
}

fn decisions_of(out: &Path) -> String {
    std::fs::read_to_string(out.join("decisions.csv")).expect("decisions")
}

#[test]
fn a_value_typed_in_the_last_cell_costs_one_cell_not_the_area_it_spans() {
    let dir = tempfile::tempdir().expect("tmp");
    let (csv_out, xlsx, xlsx_out) = beside_the_csv(dir.path(), "far.xlsx");
    workbook_edited(&xlsx, |ws, _, _| {
        ws.write_string(1_048_575, 16_383, "x").expect("XFD1048576");
    });
    run(&fixture("aid.csv"), &csv_out, &[]).success();
    // Under a 2 GiB address-space cap (the whole sheet's area would ask for 512 GiB).
    Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 2097152 && exec \"$@\"")
        .arg("sh")
        .arg(assert_cmd::cargo::cargo_bin("dedupe"))
        .arg(&xlsx)
        .arg(fixture("population.parquet"))
        .arg("-o")
        .arg(&xlsx_out)
        .arg("-q")
        .assert()
        .success();
    let (a, b) = (decisions_of(&csv_out), decisions_of(&xlsx_out));
    // The same rows, decided alike (the far cell is a row of its own, not a recipient).
    let rows = |t: &str| {
        t.lines()
            .map(|l| l.split(',').take(6).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>()
    };
    let (ra, rb) = (rows(&a), rows(&b));
    assert_eq!(ra[..], rb[..ra.len()], "the list's rows");
    assert!(rb.len() <= ra.len() + 1, "at most the far cell's row more");
}

#[test]
fn a_kelurahan_merged_over_its_rows_is_read_on_every_row() {
    let dir = tempfile::tempdir().expect("tmp");
    let (csv_out, xlsx, xlsx_out) = beside_the_csv(dir.path(), "merged.xlsx");
    let mut merges = 0;
    workbook_edited(&xlsx, |ws, headers, rows| {
        let kel = headers
            .iter()
            .position(|h| h == "KELURAHAN")
            .expect("KELURAHAN") as u16;
        let plain = rust_xlsxwriter::Format::new();
        let mut i = 0;
        while i < rows.len() {
            let mut j = i + 1;
            while j < rows.len() && rows[j][kel as usize] == rows[i][kel as usize] {
                j += 1;
            }
            if j - i > 1 {
                let (first, last) = (1 + i as u32, j as u32);
                ws.merge_range(first, kel, last, kel, &rows[i][kel as usize], &plain)
                    .expect("merge");
                merges += 1;
            }
            i = j;
        }
    });
    assert!(merges > 0, "the fixture has rows of one kelurahan together");
    run(&fixture("aid.csv"), &csv_out, &[]).success();
    let assert = run(&xlsx, &xlsx_out, &[]).success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert_eq!(decisions_of(&csv_out), decisions_of(&xlsx_out));
    assert!(stderr.contains("merged"), "the filling is said: {stderr}");
}

#[test]
fn nik_formulas_saved_without_a_value_are_read_as_their_constant_or_as_damaged() {
    // A script (openpyxl, rust_xlsxwriter without a result) writes `="6471..."` with an
    // empty cached value: the constant is the NIK. A formula that computes the NIK from
    // other cells cannot be read without Excel: the row is one with a damaged NIK, never a
    // row without one.
    let dir = tempfile::tempdir().expect("tmp");
    let (csv_out, xlsx, xlsx_out) = beside_the_csv(dir.path(), "formulas.xlsx");
    run(&fixture("aid.csv"), &csv_out, &[]).success();
    // The rows the CSV's run pays on their own NIK: those the formulas are put in.
    let verified: Vec<usize> = common::read_maps(&csv_out.join("decisions.csv"))
        .iter()
        .enumerate()
        .filter(|(_, d)| d["reason"] == "NIK_AND_NAME_MATCH")
        .map(|(i, _)| i)
        .collect();
    let mut nik_col = 0;
    let mut computed_row = 0;
    workbook_edited(&xlsx, |ws, headers, rows| {
        nik_col = headers.iter().position(|h| h == "NIK").expect("NIK") as u16;
        let niks: Vec<usize> = verified.iter().copied().take(11).collect();
        for &i in &niks[..10] {
            let row = 1 + i as u32;
            let formula = format!("=\"{}\"", rows[i][nik_col as usize]);
            ws.write_formula(row, nik_col, formula.as_str())
                .expect("formula");
            ws.set_formula_result(row, nik_col, "");
        }
        computed_row = niks[10];
        let row = 1 + computed_row as u32;
        ws.write_formula(row, nik_col, "=TEXT(Z1,\"0\")")
            .expect("formula");
        ws.set_formula_result(row, nik_col, "");
    });
    let assert = run(&xlsx, &xlsx_out, &[]).success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("11 formula cell(s) were saved without a computed value"),
        "{stderr}"
    );
    let first = format!("the first in {}", (b'A' + nik_col as u8) as char);
    assert!(stderr.contains(&first), "the first cell named: {stderr}");
    let (a, b) = (decisions_of(&csv_out), decisions_of(&xlsx_out));
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        if i == computed_row + 1 {
            // decisions.csv: row, aid_id, nik_normalized, status, reason, register_nik, ...
            let cells = |l: &str| {
                csv::Reader::from_reader(format!("{}\n{l}\n", a[0]).as_bytes())
                    .records()
                    .next()
                    .expect("line")
                    .expect("csv")
            };
            let (x, y) = (cells(x), cells(y));
            assert!(y[2].contains("TEXT(Z1"), "the formula's text kept: {y:?}");
            assert_ne!(&y[4], "NIK_EMPTY", "not read as a row without a NIK: {y:?}");
            // Placed by its other fields, as a row with a damaged NIK is.
            assert_eq!((&y[3], &y[5]), (&x[3], &x[5]), "{y:?}");
            assert_ne!(&y[4], "NIK_AND_NAME_MATCH", "{y:?}");
        } else {
            // The decision; the evidence's weights move with the one row's NIK (the model
            // is trained on the list).
            let decision = |l: &str| l.split(',').take(10).collect::<Vec<_>>().join(",");
            assert_eq!(decision(x), decision(y), "decisions.csv line {i}");
        }
    }
}

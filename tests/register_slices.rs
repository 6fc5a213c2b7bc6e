//! A register read a slice at a time (as every register file is read: Parquet by row
//! groups, delimited text as it is parsed) gives what the whole file gives: the records,
//! the columns, the row counts and the warnings, whatever the slice size.

use dedupe::commands::run::{build_register_by, input_summary, life_warnings, multiline_warning};
use dedupe::core::config::FileConfig;
use dedupe::core::progress::Progress;
use dedupe::io::load::{read_table_as, Mapped};
use dedupe::matching::record::StoredRecords;

/// The register as a run read it whole before: records, summary and warnings.
fn whole(
    path: &std::path::Path,
    file: &FileConfig,
) -> (StoredRecords, dedupe::io::output::InputSummary, Vec<String>) {
    let table = read_table_as(path, &file.register, "register", true).expect("read whole");
    let map = table.resolve(&file.register, "register").expect("columns");
    let records = StoredRecords::build(
        &Mapped {
            table: &table,
            map: &map,
        },
        &file.status,
        file.id_kind,
    );
    let mut warnings = life_warnings(&table, &map, &records.people);
    warnings.extend(multiline_warning(&table));
    let summary = input_summary(&table, &map, String::new());
    (records, summary, warnings)
}

#[test]
fn a_semicolon_register_read_in_slices_is_the_register_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("penduduk.csv");
    // Indonesian Excel's export: a BOM, `;`, a Windows-1252 byte, a blank line, a row
    // longer than the header, a short row, a quoted cell spanning two lines, most rows
    // deceased by a status column, area names recurring across the three area fields.
    let mut text =
        b"\xef\xbb\xbfNIK;NAMA_LGKP;TGL_LHR;KEL_NAME;KEC_NAME;TMPT_LHR;STATUS;CATATAN\r\n".to_vec();
    let kel = [
        "SEPINGGAN",
        "GN. SAMARINDA",
        "BALIKPAPAN KOTA",
        "KLANDASAN ILIR",
    ];
    let kec = ["BALIKPAPAN SELATAN", "Kel. Sepinggan", "BALIKPAPAN KOTA"];
    let place = ["SAMARINDA", "SEPINGGAN", "TANJUNG LAUT", ""];
    for i in 0..40usize {
        let nik = if i % 9 == 4 {
            "6.47105E+15".to_string()
        } else {
            format!("{}", 6471054507890000u64 + i as u64 % 30)
        };
        let name = ["SITI AMINAH", "HJ. SITI AMINAH", "BUDI", "NUR HAYATI"][i % 4];
        let status = ["MENINGGAL", "HIDUP", "MATI"][i % 3];
        let row = format!(
            "{nik};{name};{}-07-19{:02};{};{};{};{status};catatan {i}\r\n",
            1 + i % 28,
            50 + i % 40,
            kel[(i / 3) % 4],
            kec[(i / 2) % 3],
            place[(i / 5) % 4],
        );
        text.extend_from_slice(row.as_bytes());
        match i {
            7 => text.extend_from_slice(b"\r\n"),
            11 => text.extend_from_slice(
                b"6471050101900001;ANDI;01-01-1990;DAMAI;BALIKPAPAN KOTA;;HIDUP;x;extra;cells\r\n",
            ),
            17 => text.extend_from_slice(b"6471050101900002;SOFY\xc3\xa9;02-01-1990\r\n"),
            23 => text.extend_from_slice(
                b"6471050101900003;\"JOKO\nSUSILO\";03-01-1990;DAMAI;;;HIDUP;\"two\nlines\"\r\n",
            ),
            29 => text.extend_from_slice(b"6471050101900004;REN\xe9;04-01-1990;DAMAI;;;;\r\n"),
            _ => {}
        }
    }
    std::fs::write(&path, &text).unwrap();
    let file = FileConfig::default();
    let (records, summary, warnings) = whole(&path, &file);
    assert_eq!(summary.rows, 44);
    assert_eq!(summary.long_rows, 1);
    assert_eq!(
        warnings.len(),
        2,
        "deceased and a cell spanning lines: {warnings:?}"
    );
    for slice in [1, 2, 3, 7, 44, 1000] {
        let built =
            build_register_by(&path, &file, &Progress::hidden(), slice).expect("read in slices");
        assert!(built.records == records, "slices of {slice}: other records");
        assert_eq!(built.source.rows, summary.rows, "slices of {slice}");
        assert_eq!(
            built.source.long_rows, summary.long_rows,
            "slices of {slice}"
        );
        assert_eq!(built.source.columns, summary.columns, "slices of {slice}");
        let mut got = built.warnings.clone();
        got.extend(built.multiline.clone());
        assert_eq!(got, warnings, "slices of {slice}");
    }
}

#[test]
fn an_empty_or_headless_register_is_refused_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let file = FileConfig::default();
    for (name, text) in [
        ("blank.csv", &b"\xef\xbb\xbf \r\n\r\n"[..]),
        ("no_nik.csv", &b"NAMA;TGL_LHR\r\nBUDI;01-01-1990\r\n"[..]),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let whole = read_table_as(&path, &file.register, "register", true)
            .and_then(|t| t.resolve(&file.register, "register").map(|_| ()))
            .expect_err("refused whole");
        let sliced = build_register_by(&path, &file, &Progress::hidden(), 2)
            .err()
            .expect("refused in slices");
        assert_eq!(sliced.to_string(), whole.to_string(), "{name}");
    }
}

/// A register read a slice at a time (as every Parquet register is, by row groups) gives
/// the records, the columns and the life-status warnings of the register read whole: the
/// values of the three area fields recur across fields and slices, and most rows are
/// deceased, so the warnings name the commonest values over every slice.
#[test]
fn a_register_read_in_slices_is_the_register_read_whole() {
    use polars::prelude::*;
    use std::fs::File;

    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("population.parquet");
    let n = 60usize;
    let kel = [
        "SEPINGGAN",
        "GN. SAMARINDA",
        "BALIKPAPAN KOTA",
        "",
        "KLANDASAN ILIR",
    ];
    let kec = [
        "BALIKPAPAN SELATAN",
        "Kel. Sepinggan",
        "BALIKPAPAN KOTA",
        "TJ. LAUT",
    ];
    let place = [
        "SAMARINDA",
        "BALIKPAPAN",
        "SEPINGGAN",
        "TANJUNG LAUT",
        "JAKARTA",
        "",
    ];
    let names = [
        "SITI AMINAH",
        "HJ. SITI AMINAH",
        "BUDI",
        "NUR HAYATI",
        "NURHAYATI",
        "",
    ];
    let column = |f: &dyn Fn(usize) -> String| -> Vec<String> { (0..n).map(f).collect() };
    let mut df = DataFrame::new_infer_height(vec![
        Column::new(
            "NIK".into(),
            (0..n)
                .map(|i| 6471054507890000i64 + (i as i64 % 50))
                .collect::<Vec<_>>(),
        ),
        Column::new("NAMA_LGKP".into(), column(&|i| names[i % 6].to_string())),
        Column::new("KEL_NAME".into(), column(&|i| kel[(i / 3) % 5].to_string())),
        Column::new("KEC_NAME".into(), column(&|i| kec[(i / 2) % 4].to_string())),
        Column::new(
            "TMPT_LHR".into(),
            column(&|i| place[(i / 5) % 6].to_string()),
        ),
        Column::new(
            "TGL_LHR".into(),
            column(&|i| format!("19{:02}-07-05", 40 + i % 50)),
        ),
        Column::new(
            "NO_RT".into(),
            (0..n).map(|i| (i % 9) as i16).collect::<Vec<_>>(),
        ),
        Column::new(
            "TGL_MATI".into(),
            column(&|i| ["NULL", "-", "2021-04-01", "0000-00-00"][i % 4].to_string()),
        ),
        Column::new(
            "STAT_HIDUP".into(),
            column(&|i| ["MENINGGAL", "HIDUP", "MATI"][i % 3].to_string()),
        ),
    ])
    .expect("frame");
    ParquetWriter::new(File::create(&reg).unwrap())
        .with_row_group_size(Some(7))
        .finish(&mut df)
        .expect("parquet written");

    let file = FileConfig::default();
    let (records, summary, warnings) = whole(&reg, &file);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    for slice in [1, 5, 7, 16, 1000] {
        let built =
            build_register_by(&reg, &file, &Progress::hidden(), slice).expect("read in slices");
        assert!(built.records == records, "slices of {slice}: other records");
        assert_eq!(built.warnings, warnings, "slices of {slice}");
        assert_eq!(built.multiline, None);
        assert_eq!(built.source.rows, n);
        assert_eq!(built.source.columns, summary.columns);
    }
}

//! Register Parquet files as pandas/pyarrow write them: small integer types for codes, and
//! death dates spelled as words for the living.

use std::fs::File;

use assert_cmd::Command;
use polars::prelude::*;

fn decisions(out: &std::path::Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(out.join("decisions.csv")).expect("decisions.csv");
    r.records()
        .map(|rec| rec.expect("row").iter().map(String::from).collect())
        .collect()
}

#[test]
fn small_integer_columns_and_null_death_dates_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut df = DataFrame::new_infer_height(vec![
        Column::new(
            "NIK".into(),
            [6471054507890003i64, 6471050507890001, 6471051203850002],
        ),
        Column::new(
            "NAMA_LGKP".into(),
            ["SITI AMINAH", "BUDI SANTOSO", "AHMAD FAUZI"],
        ),
        Column::new("TGL_LHR".into(), ["1989-07-05", "1989-07-05", "1985-03-12"]),
        Column::new("JENIS_KLMIN".into(), [2i8, 1, 1]),
        Column::new("NO_RT".into(), [3i16, 3, 7]),
        Column::new("NO_RW".into(), [1u16, 1, 2]),
        Column::new("KODE_AGAMA".into(), [1u8, 1, 1]),
        Column::new("TGL_MATI".into(), ["NULL", "0000-00-00", "2021-04-01"]),
    ])
    .expect("frame");
    let reg = dir.path().join("population.parquet");
    ParquetWriter::new(File::create(&reg).unwrap())
        .finish(&mut df)
        .expect("parquet written");
    let aid = dir.path().join("aid.csv");
    std::fs::write(
        &aid,
        "NIK;NAMA;TGL_LAHIR\n\
         6471054507890003;Siti Aminah;05-07-1989\n\
         6471050507890001;Budi Santoso;05-07-1989\n\
         6471051203850002;Ahmad Fauzi;12-03-1985\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    Command::cargo_bin("dedupe")
        .unwrap()
        .args([&aid, &reg])
        .arg("-o")
        .arg(&out)
        .arg("--quiet")
        .assert()
        .code(0);
    let rows = decisions(&out);
    let status: Vec<&str> = rows.iter().map(|r| r[3].as_str()).collect();
    // `NULL` and `0000-00-00` are no death date; a real date is.
    assert_eq!(status, ["VERIFIED", "VERIFIED", "DECEASED"]);
}

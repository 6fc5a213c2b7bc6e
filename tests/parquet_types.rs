//! Register Parquet files as pandas/pyarrow write them: small integer types for codes, and
//! death dates spelled as words for the living.

use std::fs::File;
use std::path::Path;

use assert_cmd::Command;
use polars::prelude::*;

/// Write `columns` as a Parquet register.
fn write_register(path: &std::path::Path, columns: Vec<Column>) {
    let mut df = DataFrame::new_infer_height(columns).expect("frame");
    ParquetWriter::new(File::create(path).unwrap())
        .finish(&mut df)
        .expect("parquet written");
}

/// Run `dedupe AID REGISTER -o OUT --quiet`: exit code 0, stderr returned.
fn run_ok(aid: &std::path::Path, reg: &std::path::Path, out: &std::path::Path) -> String {
    let assert = Command::cargo_bin("dedupe")
        .unwrap()
        .args([aid, reg])
        .arg("-o")
        .arg(out)
        .arg("--quiet")
        .assert()
        .code(0);
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

fn decisions(out: &std::path::Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(out.join("decisions.csv")).expect("decisions.csv");
    r.records()
        .map(|rec| rec.expect("row").iter().map(String::from).collect())
        .collect()
}

#[test]
fn small_integer_columns_and_null_death_dates_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("population.parquet");
    write_register(
        &reg,
        vec![
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
        ],
    );
    let aid = three_people_aid(dir.path());
    let out = dir.path().join("out");
    run_ok(&aid, &reg, &out);
    let rows = decisions(&out);
    let status: Vec<&str> = rows.iter().map(|r| r[3].as_str()).collect();
    // `NULL` and `0000-00-00` are no death date; a real date is.
    assert_eq!(status, ["VERIFIED", "VERIFIED", "DECEASED"]);
}

/// An aid list of the three people the small registers hold, in `dir`.
fn three_people_aid(dir: &Path) -> std::path::PathBuf {
    let aid = dir.join("aid.csv");
    std::fs::write(
        &aid,
        "NIK;NAMA;TGL_LAHIR\n\
         6471054507890003;Siti Aminah;05-07-1989\n\
         6471050507890001;Budi Santoso;05-07-1989\n\
         6471051203850002;Ahmad Fauzi;12-03-1985\n",
    )
    .unwrap();
    aid
}

/// A register of `n` people whose death-date cells are `death(i)`.
fn people_with_death_dates(
    path: &std::path::Path,
    n: usize,
    death: impl Fn(usize) -> &'static str,
) {
    write_register(
        path,
        vec![
            Column::new(
                "NIK".into(),
                (0..n)
                    .map(|i| 6471054507890001 + i as i64)
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "NAMA_LGKP".into(),
                (0..n).map(|i| format!("ORANG {i}")).collect::<Vec<_>>(),
            ),
            Column::new("TGL_MATI".into(), (0..n).map(death).collect::<Vec<_>>()),
        ],
    );
}

#[test]
fn a_register_read_as_mostly_dead_raises_a_warning_naming_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("population.parquet");
    let aid = dir.path().join("aid.csv");
    std::fs::write(&aid, "NIK;NAMA\n6471054507890005;Orang 4\n").unwrap();
    let out = dir.path().join("out");
    // 30 living people whose empty death dates are spelled in a way the tool does not
    // know as "no date" ("BELUM"), and 2 real deaths.
    people_with_death_dates(&reg, 32, |i| if i < 2 { "2021-04-01" } else { "BELUM" });
    let stderr = run_ok(&aid, &reg, &out);
    assert!(
        stderr.contains("dedupe: warning: 32 of 32 register rows (100%) read as deceased"),
        "{stderr}"
    );
    assert!(stderr.contains("column TGL_MATI"), "{stderr}");
    assert!(stderr.contains("\"BELUM\" x30"), "{stderr}");
    assert!(
        !stderr.contains("6471054507890005"),
        "no whole NIK: {stderr}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["warnings"].as_array().map(Vec::len), Some(1));

    // The same register with the usual spellings of "no date": read as no death (said in
    // a warning), and nobody living is marked deceased.
    people_with_death_dates(&reg, 32, |i| match i {
        0 | 1 => "2021-04-01",
        i if i % 3 == 0 => "NULL",
        i if i % 3 == 1 => "0000-00-00",
        _ => "-",
    });
    let stderr = run_ok(&aid, &reg, &out);
    assert!(
        stderr.contains(
            "dedupe: warning: death-date column TGL_MATI: 30 of 32 cells spell \"no date\""
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("read as deceased"), "{stderr}");
    assert_eq!(decisions(&out)[0][3], "VERIFIED");
}

#[test]
fn an_aid_parquet_with_a_list_column_runs() {
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("population.parquet");
    people_with_death_dates(&reg, 3, |_| "");
    let aid = dir.path().join("aid.parquet");
    let tags = Series::new(
        "TAGS".into(),
        [
            Series::new("".into(), [1i64, 2]),
            Series::new("".into(), [3i64]),
        ],
    );
    write_register(
        &aid,
        vec![
            Column::new("NIK".into(), ["6471054507890001", "6471054507890002"]),
            Column::new("NAMA".into(), ["Orang 0", "Orang 1"]),
            tags.into(),
        ],
    );
    let out = dir.path().join("out");
    run_ok(&aid, &reg, &out);
    let rows = decisions(&out);
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r[3] == "VERIFIED"), "{rows:?}");
}

/// `fixtures/pandas_register.parquet` was written by pandas 3.1 with pyarrow 26
/// (`DataFrame.to_parquet`): NIK `int64`; NAMA_LGKP and KEL_NAME categorical (Arrow
/// dictionary strings); TGL_LHR `timestamp[us]`; JENIS_KLMIN `int8`; NO_RT nullable
/// `Int16`; NO_RW nullable `UInt16` with a null; STATUS and TGL_MATI `large_string` with
/// nulls, `NULL` and `0000-00-00`; a `double` with NaN; a list and a struct column.
#[test]
fn a_register_written_by_pandas_and_pyarrow_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let reg = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/pandas_register.parquet");
    let aid = three_people_aid(dir.path());
    let out = dir.path().join("out");
    run_ok(&aid, &reg, &out);
    let rows = decisions(&out);
    let status: Vec<&str> = rows.iter().map(|r| r[3].as_str()).collect();
    assert_eq!(status, ["VERIFIED", "VERIFIED", "VERIFIED"]);
    // The birth dates (timestamps) were read: they agree in the evidence.
    assert!(
        rows.iter().all(|r| r[10].contains("birth_date=+")),
        "{rows:?}"
    );
}

#[test]
fn decimal_niks_empty_tables_and_truncated_files() {
    let dir = tempfile::tempdir().unwrap();
    let aid = dir.path().join("aid.csv");
    std::fs::write(&aid, "NIK;NAMA\n6471054507890003;Siti Aminah\n").unwrap();
    let out = dir.path().join("out");
    // NIK as a decimal(16, 0) column (some database exports).
    let reg = dir.path().join("decimal.parquet");
    let nik = Series::new("NIK".into(), [6471054507890003i128, 6471050507890001])
        .cast(&DataType::Decimal(16, 0))
        .expect("decimal");
    // The second person has a null name.
    write_register(
        &reg,
        vec![
            nik.into(),
            Column::new("NAMA_LGKP".into(), [Some("SITI AMINAH"), None]),
        ],
    );
    std::fs::write(
        &aid,
        "NIK;NAMA\n6471054507890003;Siti Aminah\n6471050507890001;Budi\n",
    )
    .unwrap();
    run_ok(&aid, &reg, &out);
    let rows = decisions(&out);
    assert_eq!(rows[0][3], "VERIFIED");
    assert_eq!(rows.len(), 2);
    // A register with the right columns and no rows: every aid row is not in it.
    let empty = dir.path().join("empty.parquet");
    write_register(
        &empty,
        vec![
            Column::new("NIK".into(), Vec::<i64>::new()),
            Column::new("NAMA_LGKP".into(), Vec::<String>::new()),
        ],
    );
    run_ok(&aid, &empty, &out);
    assert_eq!(decisions(&out)[0][3], "NOT_IN_REGISTER");
    // A file cut short in transfer: exit 2 naming it.
    let bytes = std::fs::read(&reg).unwrap();
    let truncated = dir.path().join("truncated.parquet");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let assert = Command::cargo_bin("dedupe")
        .unwrap()
        .args([&aid, &truncated])
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("truncated.parquet"), "{stderr}");
    assert!(stderr.starts_with("dedupe: "), "{stderr}");
}

#[test]
fn a_nik_column_of_lists_is_refused_naming_it_not_read_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("population.parquet");
    people_with_death_dates(&reg, 3, |_| "");
    let aid = dir.path().join("aid.parquet");
    // The NIK exported as a list of strings (one each), as a groupby leaves it.
    let niks = Series::new(
        "NIK".into(),
        [
            Series::new("".into(), ["6471054507890001"]),
            Series::new("".into(), ["6471054507890002"]),
        ],
    );
    write_register(
        &aid,
        vec![
            niks.into(),
            Column::new("NAMA".into(), ["Orang 0", "Orang 1"]),
        ],
    );
    let assert = Command::cargo_bin("dedupe")
        .unwrap()
        .args([&aid, &reg])
        .arg("-o")
        .arg(dir.path().join("out"))
        .arg("--quiet")
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("\"NIK\"") && stderr.contains("flattened"),
        "{stderr}"
    );
}

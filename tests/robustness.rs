//! Awkward real-world files, table-driven (`docs/robustness.md`): each case either runs
//! with every aid row in `decisions.csv` exactly once, or stops with exit code 2 and a
//! message naming the file. No case panics, and no message carries a whole NIK.

use std::path::Path;

mod common;

/// A register of three people, `;`-separated as SIAK exports are.
const REGISTER: &str = "NIK;NAMA_LGKP;TGL_LHR;JENIS_KLMIN;STATUS\n\
6471054507890003;SITI AMINAH;1989-07-05;2;HIDUP\n\
6471050507890001;BUDI SANTOSO;1989-07-05;1;HIDUP\n\
6471051203850002;AHMAD FAUZI;1985-03-12;1;HIDUP\n";

const NIKS: [&str; 3] = ["6471054507890003", "6471050507890001", "6471051203850002"];

/// What a case must end in.
enum Want {
    /// Exit 0 with this many aid rows, each once in decisions.csv.
    Rows(usize),
    /// Exit 2, the message containing this text.
    Error(&'static str),
}

fn run(aid: &[u8], register: &[u8]) -> (i32, String, Option<Vec<String>>) {
    let dir = tempfile::tempdir().expect("tmp");
    let aid_path = dir.path().join("aid.csv");
    let reg_path = dir.path().join("register.csv");
    std::fs::write(&aid_path, aid).expect("write");
    std::fs::write(&reg_path, register).expect("write");
    let out = dir.path().join("out");
    let output = common::dedupe()
        .arg(&aid_path)
        .arg(&reg_path)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("ran");
    let code = output.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let rows = read_rows(&out.join("decisions.csv"));
    (code, stderr, rows)
}

/// The `row` column of decisions.csv, if the file exists.
fn read_rows(path: &Path) -> Option<Vec<String>> {
    let mut r = csv::Reader::from_path(path).ok()?;
    Some(
        r.records()
            .map(|rec| rec.expect("row")[0].to_string())
            .collect(),
    )
}

#[test]
fn awkward_aid_files_run_or_stop_with_a_clear_message() {
    let long = format!(
        "NIK;NAMA;ALAMAT\n6471054507890003;Siti Aminah;{}\n",
        "JL. MAWAR ".repeat(100_000)
    );
    let cases: Vec<(&str, Vec<u8>, Want)> = vec![
        (
            "comma, quoted cells with the delimiter inside",
            b"NIK,NAMA,ALAMAT\n6471054507890003,\"Aminah, Siti\",\"JL. A, RT 1\"\n".to_vec(),
            Want::Rows(1),
        ),
        (
            "pipe",
            b"NIK|NAMA\n6471054507890003|Siti Aminah\n6471050507890001|Budi\n".to_vec(),
            Want::Rows(2),
        ),
        (
            "two columns of one header (nik of zeros beside NIK): which is the NIK is asked",
            b"nik,NIK,NAMA\n0,6471054507890003,Siti Aminah\n".to_vec(),
            Want::Error("columns \"nik\" and \"NIK\" are both `nik`"),
        ),
        (
            "tab",
            b"NIK\tNAMA\n6471054507890003\tSiti Aminah\n".to_vec(),
            Want::Rows(1),
        ),
        (
            "CRLF and a BOM",
            b"\xef\xbb\xbfNIK;NAMA\r\n6471054507890003;Siti Aminah\r\n".to_vec(),
            Want::Rows(1),
        ),
        (
            "lower-case, padded headers",
            b" nik ; nama \n6471054507890003;Siti Aminah\n".to_vec(),
            Want::Rows(1),
        ),
        (
            "blank rows between and after",
            b"NIK;NAMA\n\n6471054507890003;Siti Aminah\n\n\n6471050507890001;Budi\n\n".to_vec(),
            Want::Rows(2),
        ),
        (
            "ragged rows: short and long",
            b"NIK;NAMA;ALAMAT\n6471054507890003;Siti Aminah\n6471050507890001;Budi;JL. A;extra;more\n"
                .to_vec(),
            Want::Rows(2),
        ),
        (
            "header only",
            b"NIK;NAMA\n".to_vec(),
            Want::Rows(0),
        ),
        (
            "duplicate header names",
            b"NIK;NAMA;NAMA\n6471054507890003;Siti Aminah;SITI\n".to_vec(),
            Want::Rows(1),
        ),
        (
            "unused extra columns",
            b"NO;NIK;NAMA;CATATAN;X\n1;6471054507890003;Siti Aminah;ok;\n".to_vec(),
            Want::Rows(1),
        ),
        (
            "scientific-notation and apostrophe NIKs",
            b"NIK;NAMA\n6,47105E+15;Siti Aminah\n'6471050507890001;Budi\n".to_vec(),
            Want::Rows(2),
        ),
        (
            "NUL bytes inside cells",
            b"NIK;NAMA\n6471054507890003;Siti\x00Aminah\n".to_vec(),
            Want::Rows(1),
        ),
        (
            "Windows-1252",
            b"NIK;NAMA\n6471054507890003;Jos\xe9\n".to_vec(),
            Want::Rows(1),
        ),
        ("a 1 MB cell", long.into_bytes(), Want::Rows(1)),
        (
            "a title and a blank line above the header",
            b"DAFTAR PENERIMA BANSOS;;\nKota Balikpapan\n\nNIK;NAMA;ALAMAT\n6471054507890003;Siti Aminah;JL. A\n"
                .to_vec(),
            Want::Rows(1),
        ),
        (
            "Excel's delimiter line (sep=;)",
            b"sep=;\nNIK;NAMA\n6471054507890003;Aminah, Siti\n6471050507890001;Budi\n".to_vec(),
            Want::Rows(2),
        ),
        (
            "a row of column numbers under the header",
            b"NO;NIK;NAMA;ALAMAT\n(1);(2);(3);(4)\n1;6471054507890003;Siti Aminah;JL. A\n".to_vec(),
            Want::Rows(1),
        ),
        (
            "a total and a signature block under the list",
            b"NO;NIK;NAMA;ALAMAT;KET\n1;6471054507890003;Siti Aminah;JL. A;\n2;;Budi;JL. B;\n;;;;\nJumlah;;;;2 orang\n;;;;Balikpapan, 12 Mei 2026\n;;;;Kepala Dinas Sosial\n;;;;NIP. 197001011990031001\n"
                .to_vec(),
            Want::Rows(2),
        ),
        (
            "a title and no header under it",
            b"DAFTAR PENERIMA BANSOS\nNAMA;ALAMAT\nSiti Aminah;JL. A\n".to_vec(),
            Want::Error("no column for the required field `nik`"),
        ),
        (
            "no NIK column",
            b"NAMA;ALAMAT\nSiti Aminah;JL. A\n".to_vec(),
            Want::Error("aid.csv"),
        ),
        (
            "empty file",
            b"".to_vec(),
            Want::Error("aid.csv: the file is empty"),
        ),
    ];
    for (what, aid, want) in cases {
        let (code, stderr, rows) = run(&aid, REGISTER.as_bytes());
        assert_ne!(code, 101, "{what}: panicked: {stderr}");
        assert_ne!(code, 3, "{what}: internal error: {stderr}");
        for nik in NIKS {
            assert!(
                !stderr.contains(nik),
                "{what}: a whole NIK on stderr: {stderr}"
            );
        }
        match want {
            Want::Rows(n) => {
                assert_eq!(code, 0, "{what}: {stderr}");
                let rows = rows.unwrap_or_else(|| panic!("{what}: no decisions.csv"));
                let want_rows: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
                assert_eq!(rows, want_rows, "{what}: every row once, in order");
            }
            Want::Error(text) => {
                assert_eq!(code, 2, "{what}: {stderr}");
                assert!(stderr.contains(text), "{what}: {stderr}");
                assert!(stderr.starts_with("dedupe: "), "{what}: {stderr}");
            }
        }
    }
}

#[test]
fn an_unterminated_quote_is_reported_not_swallowed_silently() {
    // The CSV parser reads an unterminated quote to the end of the file: the rows after it
    // join its cell. The run goes on, and says where it happened.
    let (code, stderr, rows) = run(
        b"NIK;NAMA\n6471054507890003;\"Siti Aminah\n6471050507890001;Budi\n6471051203850002;Ahmad\n",
        REGISTER.as_bytes(),
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(rows.expect("decisions"), ["1"]);
    assert!(
        stderr.contains(
            "aid.csv: 1 row(s) have a cell spanning several lines, the first at data row 1"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("unterminated quote"), "{stderr}");
}

#[test]
fn an_output_folder_holding_an_input_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let aid = dir.path().join("aid.csv");
    let reg = dir.path().join("register.csv");
    std::fs::write(&aid, "NIK;NAMA\n6471054507890003;Siti Aminah\n").unwrap();
    std::fs::write(&reg, REGISTER).unwrap();
    let assert = common::dedupe()
        .arg(&aid)
        .arg(&reg)
        .arg("-o")
        .arg(dir.path())
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("is in the output folder"), "{stderr}");
    assert!(stderr.contains("-o"), "{stderr}");
    assert!(!dir.path().join("decisions.csv").exists());
}

#[test]
fn a_semicolon_register_with_repeated_niks_and_null_names_runs() {
    let register =
        format!("{REGISTER}6471054507890003;SITI AMINA;1989-07-05;2;HIDUP\n6471059999990001;;;;\n");
    let (code, stderr, rows) = run(
        b"NIK;NAMA\n6471054507890003;Siti Aminah\n6471059999990001;Orang\n",
        register.as_bytes(),
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(rows.expect("decisions"), ["1", "2"]);
}

#[test]
fn rows_the_list_itself_marks_deceased_or_moved_are_not_paid() {
    // The register has not caught up: all three people are alive there.
    let dir = tempfile::tempdir().expect("tmp");
    let (aid, reg, out) = (
        dir.path().join("aid.csv"),
        dir.path().join("register.csv"),
        dir.path().join("out"),
    );
    std::fs::write(
        &aid,
        "NIK;NAMA;KETERANGAN\n\
         6471054507890003;SITI AMINAH (ALMH);\n\
         6471050507890001;Alm. Budi Santoso;\n\
         6471051203850002;AHMAD FAUZI;MENINGGAL\n\
         6471054507890003;SITI AMINAH;PINDAH\n\
         6471051203850002;H. ALMUNAWAR AHMAD FAUZI;\n",
    )
    .expect("write");
    std::fs::write(&reg, REGISTER).expect("write");
    common::run_ok(&aid, &reg, &out);
    let mut r = csv::Reader::from_path(out.join("decisions.csv")).expect("decisions");
    let got: Vec<(String, String)> = r
        .records()
        .map(|x| {
            let x = x.expect("row");
            (x[3].to_string(), x[4].to_string())
        })
        .collect();
    let want = [
        ("DECEASED", "LIST_DECEASED"),
        ("DECEASED", "LIST_DECEASED"),
        ("DECEASED", "LIST_DECEASED"),
        ("MOVED_OUT", "LIST_MOVED_OUT"),
        // A name that merely starts with the letters (ALMUNAWAR) marks nothing.
        ("VERIFIED", "NIK_AND_NAME_MATCH"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(s, r)| (s.to_string(), r.to_string()))
        .collect();
    assert_eq!(got, want);
}

//! The command line: help, errors and exit codes, config mapping, JSON summary.

mod common;
use common::{dedupe, fixture};

use std::path::{Path, PathBuf};

use predicates::prelude::*;

const REGISTER_CSV: &str = "NIK;NAMA_LGKP;TGL_LHR;JENIS_KLMIN;STATUS\n\
6471054507890001;SITI AMINAH;1989-07-05;2;HIDUP\n\
6471051203850002;BUDI SANTOSO;1985-03-12;1;MATI\n";

#[test]
fn help_shows_examples_and_exit_codes() {
    dedupe()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains(
            "dedupe aid.csv population.parquet -o hasil",
        ))
        .stdout(predicate::str::contains("Exit codes"));
}

#[test]
fn bad_flag_exits_2() {
    dedupe().arg("--nope").assert().code(2);
    dedupe().assert().code(2);
}

#[test]
fn missing_required_column_names_file_headers_and_config_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let aid = dir.path().join("aid.csv");
    std::fs::write(&aid, "NOMOR;NAMA\n1;SITI\n").expect("write");
    dedupe()
        .arg(&aid)
        .arg(fixture("population.parquet"))
        .arg("-o")
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("dedupe: "))
        .stderr(predicate::str::contains("aid.csv"))
        .stderr(predicate::str::contains("`nik`"))
        .stderr(predicate::str::contains("\"NOMOR\", \"NAMA\""))
        .stderr(predicate::str::contains("[aid.columns] nik"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn unreadable_and_wrong_files_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    dedupe()
        .arg(dir.path().join("absent.csv"))
        .arg(fixture("population.parquet"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("absent.csv"))
        .stderr(predicate::str::contains("check the path"));
    let docx = dir.path().join("aid.docx");
    std::fs::write(&docx, "x").expect("write");
    dedupe()
        .arg(&docx)
        .arg(fixture("population.parquet"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("aid.docx"))
        .stderr(predicate::str::contains("use .csv, .tsv or .txt"));
    let xlsx = dir.path().join("aid.xlsx");
    std::fs::write(&xlsx, "not a workbook").expect("write");
    dedupe()
        .arg(&xlsx)
        .arg(fixture("population.parquet"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "aid.xlsx: not a readable spreadsheet",
        ))
        .stderr(predicate::str::contains("panicked").not());
    let fake = dir.path().join("register.parquet");
    std::fs::write(&fake, "NIK,NAMA\n1,2\n").expect("write");
    dedupe()
        .arg(fixture("aid.csv"))
        .arg(&fake)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("register.parquet"))
        .stderr(predicate::str::contains("not a readable Parquet file"))
        .stderr(predicate::str::contains("panicked").not());
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").expect("write");
    dedupe()
        .arg(&empty)
        .arg(fixture("population.parquet"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("empty.csv: the file is empty"));
}

#[test]
fn config_maps_columns_and_json_summary_goes_to_stdout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let aid = dir.path().join("aid.tsv");
    std::fs::write(
        &aid,
        "no_identitas\tgiven_name\tsurname\n'6471 0545 0789 0001\tHj. Siti\tAminah\n6471051203850002\tBudi\tSantoso\n6.47101E+15\tAgus\t\n",
    )
    .expect("write");
    let register = dir.path().join("register.csv");
    std::fs::write(&register, REGISTER_CSV).expect("write");
    let config = dir.path().join("dedupe.toml");
    std::fs::write(
        &config,
        "[aid.columns]\nnik = \"no_identitas\"\nname = [\"given_name\", \"surname\"]\n",
    )
    .expect("write");
    let out = dir.path().join("out");
    let assert = dedupe()
        .arg(&aid)
        .arg(&register)
        .arg("-o")
        .arg(&out)
        .arg("-c")
        .arg(&config)
        .arg("--json")
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_slice(&assert.get_output().stdout).expect("JSON on stdout");
    assert_eq!(summary["rows_in"], 3);
    assert_eq!(summary["status_counts"]["VERIFIED"], 1);
    assert_eq!(summary["status_counts"]["DECEASED"], 1);
    assert_eq!(summary["status_counts"]["NIK_DAMAGED"], 1);
    assert_eq!(
        summary["aid"]["columns"]["name"],
        serde_json::json!(["given_name", "surname"])
    );
    assert_eq!(summary["aid"]["sha256"].as_str().map(str::len), Some(64));
    // No birth-date column: every row counts as missing a birth date.
    assert_eq!(summary["aid_quality"]["birth_date_missing"], 3);
    // The closing message on stderr has counts, never a whole NIK.
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("3 aid rows checked"), "{stderr}");
    assert!(!stderr.contains("6471054507890001"));
}

#[test]
fn fail_on_findings_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    dedupe()
        .arg(fixture("aid.csv"))
        .arg(fixture("population.parquet"))
        .arg("-o")
        .arg(dir.path())
        .args(["--quiet", "--fail-on-findings"])
        .assert()
        .code(1)
        .stderr(predicate::str::is_empty());
}

#[test]
fn unknown_config_key_exits_2_naming_the_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("bad.toml");
    std::fs::write(&config, "[aid.columns]\nnama = \"X\"\n").expect("write");
    dedupe()
        .arg(fixture("aid.csv"))
        .arg(fixture("population.parquet"))
        .arg("-c")
        .arg(&config)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml"))
        .stderr(predicate::str::contains("unknown field `nama`"));
}

#[test]
fn one_column_mapped_to_two_fields_exits_2_naming_both() {
    // `kk = "NIK"` beside the NIK found by its header: the holder's NIK would be read as
    // the household's number too, and every row would "share a household" with its holder.
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("two.toml");
    std::fs::write(&config, "[aid.columns]\nkk = \"NIK\"\n").expect("write");
    let aid = dir.path().join("aid.csv");
    std::fs::write(&aid, "NIK;NAMA\n6471054507890001;SITI AMINAH\n").expect("write");
    let out = dir.path().join("out");
    let run = || {
        let mut cmd = dedupe();
        cmd.arg(&aid)
            .arg(fixture("population.parquet"))
            .arg("-o")
            .arg(&out)
            .arg("-c")
            .arg(&config);
        cmd
    };
    run()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("aid.csv: column \"NIK\""))
        .stderr(predicate::str::contains("both `nik` and `kk`"))
        .stderr(predicate::str::contains("[aid.columns]"));
    assert!(!out.join("decisions.csv").exists());
    // A TTL cell read as birth place and date, and RT/RW from one cell, stay allowed.
    std::fs::write(
        &config,
        "[aid.columns]\nbirth_place = \"TTL\"\nbirth_date = \"TTL\"\nrt = \"RTRW\"\nrw = \"RTRW\"\n",
    )
    .expect("write");
    std::fs::write(
        &aid,
        "NIK;NAMA;TTL;RTRW\n6471054507890001;SITI AMINAH;BALIKPAPAN, 05-07-1989;001/002\n",
    )
    .expect("write");
    run().arg("-q").assert().success();
}

#[test]
fn explain_masks_niks_and_shows_weights() {
    let dir = tempfile::tempdir().expect("tempdir");
    dedupe()
        .arg(fixture("aid.csv"))
        .arg(fixture("population.parquet"))
        .arg("-o")
        .arg(dir.path())
        .arg("-q")
        .assert()
        .success();
    let decisions = std::fs::read_to_string(dir.path().join("decisions.csv")).expect("decisions");
    let grouped = decisions
        .lines()
        .skip(1)
        .find(|l| l.contains(",DUPLICATE,"))
        .expect("a duplicate row in the fixtures");
    let row = grouped.split(',').next().expect("row");
    let nik = grouped.split(',').nth(5).expect("register_nik");
    let out = dedupe()
        .args(["explain", dir.path().to_str().expect("utf-8"), row])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("utf-8");
    assert!(
        text.contains("DUPLICATE") && text.contains("group G") && text.contains("name=+"),
        "{text}"
    );
    assert!(text.contains("kept=true"), "{text}");
    assert!(!text.contains(nik), "a whole NIK in: {text}");
    dedupe()
        .args(["explain", dir.path().to_str().expect("utf-8"), "999999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such row"));
}

#[test]
fn fuzzy_linking_can_be_turned_off_and_a_saved_model_reused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let exact = dir.path().join("exact.toml");
    std::fs::write(&exact, "[match]\nfuzzy = false\n").expect("write");
    let run = |out: &str, extra: &[&std::ffi::OsStr]| {
        let assert = dedupe()
            .arg(fixture("aid.csv"))
            .arg(fixture("population.parquet"))
            .arg("-o")
            .arg(dir.path().join(out))
            .arg("--json")
            .args(extra)
            .assert()
            .success();
        serde_json::from_slice::<serde_json::Value>(&assert.get_output().stdout).expect("json")
    };
    let fuzzy = run("fuzzy", &[]);
    let off = run("off", &["-c".as_ref(), exact.as_os_str()]);
    let reasons = |s: &serde_json::Value| s["reason_counts"]["NIK_CORRECTED"].as_u64().unwrap_or(0);
    assert!(reasons(&fuzzy) > 0);
    assert_eq!(reasons(&off), 0);
    assert!(
        off["status_counts"]["NIK_DAMAGED"].as_u64()
            > fuzzy["status_counts"]["NIK_DAMAGED"].as_u64()
    );
    assert!(!dir.path().join("off/model.json").exists());
    // The model of one run, reused: the same decisions.
    let model = dir.path().join("fuzzy/model.json");
    run("reused", &["--model".as_ref(), model.as_os_str()]);
    assert_eq!(
        std::fs::read(dir.path().join("fuzzy/decisions.csv")).expect("read"),
        std::fs::read(dir.path().join("reused/decisions.csv")).expect("read")
    );
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{}").expect("write");
    dedupe()
        .arg(fixture("aid.csv"))
        .arg(fixture("population.parquet"))
        .arg("-o")
        .arg(dir.path().join("bad"))
        .arg("--model")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.json"));
}

#[test]
fn fail_on_chooses_the_findings_that_fail_a_scheduled_job() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let run = |extra: &[&str]| run_fixtures(&out, extra);
    // The fixtures hold duplicates and rows rejected for other reasons.
    run(&[]).code(0);
    run(&["--fail-on", "duplicates"]).code(1);
    run(&["--fail-on", "rejected"]).code(1);
    run(&["--fail-on", "any"]).code(1);
    run(&["--fail-on-findings"]).code(1);
    run(&["--fail-on", "nothing"]).code(2);
}

/// `dedupe` on the fixtures with outputs in `out`, quiet, and `extra` flags.
fn run_fixtures(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    dedupe()
        .arg(fixture("aid.csv"))
        .arg(fixture("population.parquet"))
        .arg("-o")
        .arg(out)
        .arg("-q")
        .args(extra)
        .assert()
}

/// Every file of a folder (name and bytes), by name; folders as empty entries. The
/// folder's lock file (`.dedupe.lock`, kept between runs) is no output and left out.
fn folder_contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| e.as_ref().map_or(true, |e| e.file_name() != ".dedupe.lock"))
        .map(|e| {
            let p = e.unwrap().path();
            if p.is_dir() {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                return (name, Vec::new());
            }
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_panic_exits_3_as_a_bug_and_leaves_the_earlier_outputs_untouched() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let run = |extra: &[&str]| run_fixtures(&out, extra);
    run(&[]).code(0);
    let before = folder_contents(&out);
    assert_eq!(before.len(), 12, "all outputs of the first run");
    let assert = run(&["--internal-test-panic", "--lang", "en"]).code(3);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("internal error, a bug in dedupe"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("6471054507890003"),
        "a whole NIK in: {stderr}"
    );
    assert!(
        !stderr.contains("panicked at"),
        "Rust's panic message: {stderr}"
    );
    // The failed run wrote everything into a staging folder that is gone now: the outputs
    // are those of the first run, byte for byte, and nothing else is left behind.
    let after = folder_contents(&out);
    assert_eq!(
        before.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        after.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    assert!(before == after, "outputs changed by the failed run");
}

/// A cell as Excel reads it from a CSV: `="..."` is text; digits become a number, which
/// keeps 15 significant digits and no leading zero; anything else stays text.
fn as_excel_reads(cell: &str) -> String {
    if let Some(inner) = cell.strip_prefix("=\"").and_then(|c| c.strip_suffix('"')) {
        return inner.to_string();
    }
    if !cell.is_empty() && cell.bytes().all(|b| b.is_ascii_digit()) {
        let digits = cell.trim_start_matches('0');
        let digits = if digits.is_empty() { "0" } else { digits };
        return digits
            .chars()
            .enumerate()
            .map(|(i, c)| if i < 15 { c } else { '0' })
            .collect();
    }
    cell.to_string()
}

fn read_rows(path: &Path, delimiter: u8) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).expect("output");
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(body);
    r.records()
        .map(|rec| rec.expect("row").iter().map(String::from).collect())
        .collect()
}

#[test]
fn csv_for_excel_round_trips_every_nik_as_text() {
    let dir = tempfile::tempdir().expect("tmp");
    let run = |out: &Path, extra: &[&str]| {
        run_fixtures(out, extra).code(0);
    };
    let (plain, excel) = (dir.path().join("plain"), dir.path().join("excel"));
    run(&plain, &[]);
    run(&excel, &["--csv-excel"]);
    for name in [
        "decisions.csv",
        "verified.csv",
        "rejected.csv",
        "duplicates.csv",
    ] {
        let bytes = std::fs::read(excel.join(name)).unwrap();
        assert!(
            bytes.starts_with(b"\xef\xbb\xbf"),
            "{name}: byte-order mark"
        );
        assert!(bytes.windows(2).any(|w| w == b"\r\n"), "{name}: CRLF");
        let want = read_rows(&plain.join(name), b',');
        let got: Vec<Vec<String>> = read_rows(&excel.join(name), b';')
            .into_iter()
            .map(|r| r.iter().map(|c| as_excel_reads(c)).collect())
            .collect();
        assert_eq!(got.len(), want.len(), "{name}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "{name}: Excel would read this row differently");
        }
        // Every 16-digit NIK comes back whole; the plain file would lose them in Excel.
        let niks = want
            .iter()
            .flatten()
            .filter(|c| c.len() == 16 && c.bytes().all(|b| b.is_ascii_digit()));
        assert!(
            niks.clone().count() > 0 || name == "duplicates.csv",
            "{name} has NIKs"
        );
    }
    let plain_in_excel: Vec<String> = read_rows(&plain.join("verified.csv"), b',')
        .into_iter()
        .flatten()
        .map(|c| as_excel_reads(&c))
        .collect();
    let plain_cells: Vec<String> = read_rows(&plain.join("verified.csv"), b',')
        .into_iter()
        .flatten()
        .collect();
    assert_ne!(
        plain_in_excel, plain_cells,
        "the check can tell a damaged NIK"
    );
    // eval, explain and report read the Excel files as well.
    dedupe()
        .args(["report", excel.to_str().unwrap()])
        .assert()
        .success();
    dedupe()
        .args(["explain", excel.to_str().unwrap(), "3"])
        .assert()
        .success();
}

#[test]
fn a_run_killed_while_writing_leaves_no_partial_output() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let run = |extra: &[&str]| run_fixtures(&out, extra);
    run(&[]).code(0);
    let before = folder_contents(&out);
    // Killed in the middle of writing (abort: no unwinding, no clean-up).
    let killed = run(&["--internal-test-abort"]).get_output().status;
    assert!(!killed.success());
    let names = |dir: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    // The outputs are those of the first run, byte for byte; what the killed run wrote
    // stays in its hidden staging folder.
    let after: Vec<(String, Vec<u8>)> = folder_contents(&out)
        .into_iter()
        .filter(|(n, _)| !n.starts_with(".dedupe-staging-"))
        .collect();
    assert!(before == after, "outputs changed by the killed run");
    let staging: Vec<String> = names(&out)
        .into_iter()
        .filter(|n| n.starts_with(".dedupe-staging-"))
        .collect();
    assert_eq!(staging.len(), 1, "{staging:?}");
    // The next run removes the leftover.
    run(&[]).code(0);
    assert!(
        names(&out)
            .iter()
            .all(|n| !n.starts_with('.') || n == ".dedupe.lock"),
        "{:?}",
        names(&out)
    );
}

#[test]
fn json_logs_are_one_object_a_line_without_whole_niks() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let lines = |assert: assert_cmd::assert::Assert| -> Vec<serde_json::Value> {
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(!stderr.contains("6471054507890003"), "{stderr}");
        stderr
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    };
    let run = |aid: PathBuf, extra: &[&str]| {
        dedupe()
            .arg(aid)
            .arg(fixture("population.parquet"))
            .arg("-o")
            .arg(&out)
            .args(["--log-format", "json"])
            .args(extra)
            .assert()
    };
    let done = lines(run(fixture("aid.csv"), &[]).code(0));
    let last = done.last().expect("a closing event");
    assert_eq!(last["event"], "done");
    assert_eq!(last["rows_in"], 301);
    let err = lines(run(dir.path().join("absent.csv"), &[]).code(2));
    assert_eq!(err[0]["level"], "error");
    assert_eq!(err[0]["exit_code"], 2);
    assert!(err[0]["message"].as_str().unwrap().contains("absent.csv"));
    let bug = lines(run(fixture("aid.csv"), &["--internal-test-panic"]).code(3));
    assert_eq!(bug[0]["event"], "internal_error");
    assert_eq!(bug[0]["exit_code"], 3);
}

#[test]
fn a_failed_report_step_leaves_no_new_output() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    let run = |extra: &[&str]| run_fixtures(&out, extra);
    // Into an empty folder: nothing at all.
    run(&["--internal-test-report-error"])
        .code(2)
        .stderr(predicate::str::contains("report.xlsx"));
    assert!(
        folder_contents(&out).is_empty(),
        "{:?}",
        folder_contents(&out)
            .iter()
            .map(|f| &f.0)
            .collect::<Vec<_>>()
    );
    // Over an earlier run: its outputs, byte for byte.
    run(&[]).code(0);
    let before = folder_contents(&out);
    run(&["--internal-test-report-error", "--lang", "en"]).code(2);
    assert!(
        before == folder_contents(&out),
        "outputs changed by the failed run"
    );
}

#[test]
fn a_memory_limit_keeps_the_outputs_and_reports_the_peak() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (free, limited) = (dir.path().join("free"), dir.path().join("limited"));
    run_fixtures(&free, &[]).success();
    // A limit no run can keep: the same outputs, and a warning that names the way out.
    run_fixtures(&limited, &["--memory-limit", "1M"])
        .success()
        .stderr(predicate::str::contains("--memory-limit 1 MiB"))
        .stderr(predicate::str::contains("dedupe partition"));
    for name in common::RUN_OUTPUTS {
        let read = |d: &Path| std::fs::read(d.join(name)).expect(name);
        assert_eq!(read(&free), read(&limited), "{name}");
    }
    let summary = |d: &Path| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(d.join("summary.json")).expect("summary"))
            .expect("json")
    };
    let (s_free, s_limited) = (summary(&free), summary(&limited));
    assert_eq!(s_limited["memory"]["limit_bytes"], 1 << 20);
    assert!(s_free["memory"]["limit_bytes"].is_null());
    let peak = s_limited["memory"]["peak_bytes"]
        .as_u64()
        .expect("a peak on Linux");
    assert!(peak > 1 << 20, "peak {peak}");
    assert!(s_free["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .all(|w| !w.as_str().unwrap_or("").contains("memory")));
    // A roomy limit: no warning.
    run_fixtures(&dir.path().join("roomy"), &["--memory-limit", "64G"])
        .success()
        .stderr(predicate::str::contains("memory").not());
    // A size that is not one: exit 2, naming the flag and the form.
    run_fixtures(&dir.path().join("bad"), &["--memory-limit", "4X"])
        .code(2)
        .stderr(predicate::str::contains("--memory-limit"))
        .stderr(predicate::str::contains("for example 4G"));
}

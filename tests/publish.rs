//! Outputs published all or nothing, for real: a run killed between two renames leaves a
//! journal that readers refuse and the next run finishes; two runs into one folder never
//! mix (the second stops, exit 2, naming the first); a folder standing where an output
//! goes is found before anything is replaced.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;

const OUTPUTS: [&str; 7] = [
    "decisions.csv",
    "verified.csv",
    "duplicates.csv",
    "rejected.csv",
    "summary.json",
    "report.html",
    "review.csv",
];

/// The fixtures' aid list cut to its first `rows` rows, as `dir/aid-ROWS.csv`.
fn list_of(dir: &Path, rows: usize) -> PathBuf {
    let text = std::fs::read_to_string(fixture("aid.csv")).expect("aid.csv");
    let cut: Vec<&str> = text.lines().take(rows + 1).collect();
    let path = dir.join(format!("aid-{rows}.csv"));
    std::fs::write(&path, cut.join("\n") + "\n").expect("write");
    path
}

fn run_into(aid: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut cmd = common::dedupe();
    cmd.arg(aid)
        .arg(fixture("population.parquet"))
        .arg("-o")
        .arg(out)
        .arg("-q")
        .args(extra);
    cmd
}

/// The aid rows the folder's summary.json and decisions.csv speak of: equal in a folder
/// whose outputs are of one run.
fn rows_of(out: &Path) -> (u64, usize) {
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).expect("summary"))
            .expect("json");
    let decisions = std::fs::read_to_string(out.join("decisions.csv")).expect("decisions");
    (
        summary["aid"]["rows"].as_u64().expect("rows"),
        decisions.lines().count() - 1,
    )
}

#[test]
fn a_run_killed_between_two_renames_is_finished_by_the_next_and_refused_by_readers() {
    for renamed in 1..=8 {
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("out");
        let (all, part) = (fixture("aid.csv"), list_of(tmp.path(), 150));
        run_into(&all, &out, &[]).assert().success();
        assert_eq!(rows_of(&out), (301, 301));
        let n = renamed.to_string();
        let killed = run_into(&part, &out, &["--internal-test-abort-in-publish", &n])
            .assert()
            .failure();
        assert!(
            killed.get_output().status.code().is_none(),
            "killed by a signal"
        );
        // Readers see the cut-off publish and refuse the folder.
        common::dedupe()
            .arg("report")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicates::str::contains("stopped while publishing"));
        // The next run into the folder finishes the cut-off publish before anything else:
        // even when it then fails itself, the folder holds one run's outputs, whole.
        run_into(&all, &out, &["--internal-test-report-error"])
            .assert()
            .code(2);
        assert_eq!(rows_of(&out), (150, 150), "after {renamed} renames");
        assert!(!out.join(".dedupe-publishing").exists());
        run_into(&all, &out, &[]).assert().success();
        assert_eq!(rows_of(&out), (301, 301));
    }
}

#[test]
fn a_second_run_into_a_busy_folder_stops_and_names_the_first() {
    for _trial in 0..3 {
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("out");
        let part = list_of(tmp.path(), 150);
        let mut first = std::process::Command::new(assert_cmd::cargo::cargo_bin("dedupe"));
        first
            .arg(fixture("aid.csv"))
            .arg(fixture("population.parquet"))
            .arg("-o")
            .arg(&out)
            .args(["-q", "--internal-test-pause-ms", "4000"]);
        let mut first = first.spawn().expect("first run");
        // The first run holds the lock once its pid is in the lock file.
        let lock = out.join(".dedupe.lock");
        let start = Instant::now();
        while !std::fs::read_to_string(&lock).is_ok_and(|s| s.starts_with("pid")) {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "first run started"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let pid = format!("pid {}", first.id());
        run_into(&part, &out, &[])
            .assert()
            .code(2)
            .stderr(predicates::str::contains(pid).and(predicates::str::contains("-o/--out")));
        assert!(first.wait().expect("first run").success());
        // The folder holds the first run's outputs alone.
        assert_eq!(rows_of(&out), (301, 301));
    }
}

#[test]
fn a_folder_where_an_output_goes_is_found_before_anything_is_replaced() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    run_into(&fixture("aid.csv"), &out, &[]).assert().success();
    let before: Vec<Vec<u8>> = OUTPUTS
        .iter()
        .filter(|n| **n != "review.csv")
        .map(|n| std::fs::read(out.join(n)).expect("output"))
        .collect();
    std::fs::remove_file(out.join("review.csv")).expect("rm");
    std::fs::create_dir(out.join("review.csv")).expect("a folder in the way");
    let part = list_of(tmp.path(), 150);
    run_into(&part, &out, &[]).assert().code(2).stderr(
        predicates::str::contains("review.csv").and(predicates::str::contains("move it away")),
    );
    let after: Vec<Vec<u8>> = OUTPUTS
        .iter()
        .filter(|n| **n != "review.csv")
        .map(|n| std::fs::read(out.join(n)).expect("output"))
        .collect();
    assert!(before == after, "no output was replaced");
}

use predicates::prelude::PredicateBooleanExt;

mod common;
use common::fixture;

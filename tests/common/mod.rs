//! Helpers shared by the integration tests: Chromium on PATH, a CSV file as maps by
//! column, and a small synthetic city with runs on it.
// Each test crate uses some of these.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The outputs that two runs on the same data write byte for byte alike (the workbooks
/// are left out: they carry the time they were written).
pub const RUN_OUTPUTS: [&str; 8] = [
    "decisions.csv",
    "verified.csv",
    "duplicates.csv",
    "rejected.csv",
    "model.json",
    "review.csv",
    "review.html",
    "report.html",
];

/// The flags of every headless Chromium a browser test starts: no sandbox, GPU, first-run
/// page, background traffic or sync, and five seconds of virtual time for the page's
/// scripts.
pub const HEADLESS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=5000",
];

/// The `dedupe` binary as a command, the one builder every test starts from.
/// Its person ids are keyed by a test passphrase (no key file is made in the home folder).
pub fn dedupe() -> Command {
    let mut cmd = Command::cargo_bin("dedupe").expect("the dedupe binary is built");
    cmd.env("DEDUPE_PERSON_KEY", "the passphrase of the dedupe tests");
    cmd
}

/// A file of the repository's `fixtures/` folder.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Chromium (Debian's `chromium`, or another name for it) on PATH.
pub fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        })
}

/// Chromium for a browser test, or None when it is missing outside CI (the test is then
/// skipped with a message). Under CI (`CI=true`) a missing Chromium fails the test:
/// `.ci/run` installs it.
pub fn chromium_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is missing: .ci/run installs it"
        );
        eprintln!("skipped: no chromium on PATH (apt-get install chromium)");
    }
    found
}

/// Every row of a CSV file, by column name.
pub fn read_maps(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).expect("csv");
    let headers: Vec<String> = r
        .headers()
        .expect("headers")
        .iter()
        .map(String::from)
        .collect();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .cloned()
                .zip(rec.expect("row").iter().map(String::from))
                .collect()
        })
        .collect()
}

/// `dedupe synth` of a small city (20,000 residents, 4,000 aid rows, seed 4) into `dir`:
/// its review queue holds rows of several kinds.
pub fn small_city(dir: &Path) {
    small_city_month(dir, 1);
}

/// The small city's list in `month` (`dedupe synth --month`: month 1 is [`small_city`]).
pub fn small_city_month(dir: &Path, month: u32) {
    dedupe()
        .args([
            "synth",
            "--persons",
            "20000",
            "--aid",
            "4000",
            "--seed",
            "4",
            "--month",
            &month.to_string(),
            "-o",
        ])
        .arg(dir)
        .assert()
        .success();
}

/// A run of `aid` against `dir/population.parquet` into `dir/out`, with reviewers'
/// decisions if given; its `summary.json`.
pub fn run_city(dir: &Path, aid: &Path, out: &str, decisions: Option<&Path>) -> serde_json::Value {
    let extra: Vec<&std::ffi::OsStr> = match decisions {
        Some(d) => vec!["--decisions".as_ref(), d.as_os_str()],
        None => Vec::new(),
    };
    run_city_with(dir, aid, out, &extra)
}

/// [`run_city`] with other arguments.
pub fn run_city_with(
    dir: &Path,
    aid: &Path,
    out: &str,
    extra: &[&std::ffi::OsStr],
) -> serde_json::Value {
    let mut cmd = dedupe();
    cmd.arg(aid)
        .arg(dir.join("population.parquet"))
        .arg("-o")
        .arg(dir.join(out))
        .arg("-q")
        .args(extra);
    cmd.assert().success();
    serde_json::from_slice(&std::fs::read(dir.join(out).join("summary.json")).expect("summary"))
        .expect("json")
}

/// The fixtures' aid list (`fixtures/aid.csv`, `;`-separated with a byte-order mark): its
/// headers without the mark, and a reader at its first data row.
pub fn fixture_aid() -> (Vec<String>, csv::Reader<std::fs::File>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/aid.csv");
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_path(&path)
        .expect("fixtures/aid.csv");
    let headers = r
        .headers()
        .expect("headers")
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    (headers, r)
}

/// Run `dedupe AID REGISTER -o OUT -q` and expect success.
pub fn run_ok(aid: &Path, register: &Path, out: &Path) {
    dedupe()
        .arg(aid)
        .arg(register)
        .arg("-o")
        .arg(out)
        .arg("-q")
        .assert()
        .success();
}

/// Months 1..=3 of the small city, each run with the history folder and the previous
/// month's out folder; returns the third month's summary.
pub fn three_months(dir: &Path, lang: &str) -> serde_json::Value {
    let history = dir.join("history");
    let mut summary = serde_json::Value::Null;
    for month in 1..=3u32 {
        let m = dir.join(format!("m{month}"));
        small_city_month(&m, month);
        let period = format!("2026-{:02}", 9 + month);
        let mut extra: Vec<std::ffi::OsString> = vec![
            "--history".into(),
            history.clone().into(),
            "--period".into(),
            period.into(),
            "--lang".into(),
            lang.into(),
        ];
        if month > 1 {
            extra.push("--previous".into());
            extra.push(dir.join(format!("m{}/out", month - 1)).into());
        }
        let extra: Vec<&std::ffi::OsStr> = extra.iter().map(|s| s.as_os_str()).collect();
        summary = run_city_with(&m, &m.join("aid.csv"), "out", &extra);
    }
    summary
}

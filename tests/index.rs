//! Register indexes (`dedupe index`): a run on an index writes the same outputs as a run
//! on the register file; a stale, foreign or differently configured index is refused with
//! exit code 2 and a message naming the fix.

mod common;
use common::dedupe;

use std::path::Path;

use predicates::prelude::*;

fn index(register: &Path, idx: &Path) {
    dedupe()
        .args(["index", "-q", "-o"])
        .arg(idx)
        .arg(register)
        .assert()
        .success();
}

fn run(aid: &Path, register: &Path, out: &Path, threads: &str) {
    dedupe()
        .arg(aid)
        .arg(register)
        .arg("-o")
        .arg(out)
        .args(["-q", "--threads", threads])
        .assert()
        .success();
}

use common::RUN_OUTPUTS as OUTPUTS;

#[test]
fn a_run_on_an_index_writes_what_a_run_on_the_register_writes() {
    let dir = tempfile::tempdir().expect("tmp");
    common::small_city(dir.path());
    let (aid, register) = (
        dir.path().join("aid.csv"),
        dir.path().join("population.parquet"),
    );
    let idx = dir.path().join("population.idx");
    index(&register, &idx);
    run(&aid, &register, &dir.path().join("from-file"), "2");
    run(&aid, &idx, &dir.path().join("from-index"), "1");
    for f in OUTPUTS {
        let a = std::fs::read(dir.path().join("from-file").join(f)).expect(f);
        let b = std::fs::read(dir.path().join("from-index").join(f)).expect(f);
        assert!(
            a == b,
            "{f} differs between the register file and its index"
        );
    }
    // The summary reports the register file the index was built from.
    let summary = |d: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(dir.path().join(d).join("summary.json")).expect("s");
        serde_json::from_str(&text).expect("json")
    };
    let (a, b) = (summary("from-file"), summary("from-index"));
    assert_eq!(a["register"], b["register"]);
    assert_eq!(a["warnings"], b["warnings"]);
    assert_eq!(b["register"]["path"], register.display().to_string());
}

#[test]
fn a_stale_index_is_refused_and_a_touched_source_is_not() {
    let dir = tempfile::tempdir().expect("tmp");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let register = dir.path().join("population.parquet");
    std::fs::copy(fixtures.join("population.parquet"), &register).expect("copy");
    let idx = dir.path().join("register.idx");
    // Built from inside the folder, with the register's name only.
    dedupe()
        .current_dir(dir.path())
        .args(["index", "-q", "-o", "register.idx", "population.parquet"])
        .assert()
        .success();
    let aid = fixtures.join("aid.csv");
    // Rewritten with the same bytes (a copy again, newer time): still the same register.
    std::fs::copy(fixtures.join("population.parquet"), &register).expect("copy");
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options()
        .write(true)
        .open(&register)
        .and_then(|f| f.set_modified(later))
        .expect("touch");
    run(&aid, &idx, &dir.path().join("out"), "2");
    // Another register in its place: refused, and the message says how to rebuild.
    std::fs::copy(fixtures.join("pandas_register.parquet"), &register).expect("copy");
    dedupe()
        .arg(&aid)
        .arg(&idx)
        .arg("-o")
        .arg(dir.path().join("out2"))
        .arg("-q")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has changed since"))
        .stderr(predicate::str::contains("dedupe index"));
    assert!(!dir.path().join("out2").join("decisions.csv").exists());
    // From another working folder, the index still finds its changed source.
    dedupe()
        .current_dir(std::env::temp_dir())
        .arg(&aid)
        .arg(&idx)
        .arg("-o")
        .arg(dir.path().join("out3"))
        .arg("-q")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has changed since"));
}

/// `dedupe ARGS...` fails with exit code 2 and a message holding `says`.
fn refused(args: &[&std::ffi::OsStr], says: &str) {
    dedupe()
        .args(args)
        .arg("-q")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(says));
}

#[test]
fn foreign_and_differently_configured_indexes_are_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let (aid, register) = (
        fixtures.join("aid.csv"),
        fixtures.join("population.parquet"),
    );
    let out = dir.path().join("out");
    let os = |p: &Path| p.as_os_str().to_owned();
    // Not an index at all.
    let fake = dir.path().join("fake.idx");
    std::fs::write(&fake, "NIK;NAMA\n6471054507890003;SITI\n").expect("fake");
    refused(
        &[&os(&aid), &os(&fake), "-o".as_ref(), &os(&out)],
        "not a register index",
    );
    // Built with other status values than the run's config.
    let idx = dir.path().join("register.idx");
    index(&register, &idx);
    let config = dir.path().join("dedupe.toml");
    std::fs::write(&config, "[status]\ndeceased = [\"WAFAT\"]\n").expect("config");
    refused(
        &[
            &os(&aid),
            &os(&idx),
            "-c".as_ref(),
            &os(&config),
            "-o".as_ref(),
            &os(&out),
        ],
        "other register settings (status)",
    );
    // An index given as the aid list, an index of an index, an index without `.idx`.
    refused(&[&os(&idx), &os(&register)], "is a register index");
    let again = dir.path().join("again.idx");
    refused(
        &["index".as_ref(), "-o".as_ref(), &os(&again), &os(&idx)],
        "already an index",
    );
    let bin = dir.path().join("register.bin");
    refused(
        &["index".as_ref(), "-o".as_ref(), &os(&bin), &os(&register)],
        ".idx",
    );
    assert!(!out.join("decisions.csv").exists());
}

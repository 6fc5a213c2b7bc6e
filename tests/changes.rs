//! Person ids that stay from run to run, and `--previous`: what changed since the last run.

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::{dedupe, read_maps, run_city_with, small_city, small_city_month};

/// The aid list's lines (header first).
fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .expect("aid.csv")
        .lines()
        .map(String::from)
        .collect()
}

fn run(dir: &Path, aid: &Path, out: &str, extra: &[&str]) {
    let extra: Vec<&std::ffi::OsStr> = extra.iter().map(|a| a.as_ref()).collect();
    run_city_with(dir, aid, out, &extra);
}

fn by_aid_id(path: &Path) -> HashMap<String, HashMap<String, String>> {
    read_maps(path)
        .into_iter()
        .map(|r| (r["aid_id"].clone(), r))
        .collect()
}

#[test]
fn person_ids_do_not_depend_on_row_order_or_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    small_city(dir);
    let all = lines(&dir.join("aid.csv"));
    let mut reversed = vec![all[0].clone()];
    reversed.extend(all[1..].iter().rev().cloned());
    std::fs::write(dir.join("reversed.csv"), reversed.join("\n") + "\n").unwrap();
    run(dir, &dir.join("aid.csv"), "a", &["--threads", "1"]);
    run(dir, &dir.join("reversed.csv"), "b", &["--threads", "2"]);
    let (a, b) = (
        by_aid_id(&dir.join("a/decisions.csv")),
        by_aid_id(&dir.join("b/decisions.csv")),
    );
    assert_eq!(a.len(), b.len());
    let mut same_person = 0;
    for (id, x) in &a {
        let y = &b[id];
        assert!(x["person_id"].starts_with('P') && x["person_id"].len() == 17);
        if x["register_nik"] == y["register_nik"] && !x["register_nik"].is_empty() {
            same_person += 1;
            assert_eq!(x["person_id"], y["person_id"], "row {id}");
        }
        // The id never carries the NIK's digits.
        assert!(x["register_nik"].is_empty() || !x["person_id"].contains(&x["register_nik"][..8]));
    }
    assert!(
        same_person * 10 > a.len() * 9,
        "{same_person} of {}",
        a.len()
    );
    // Rows of one duplicate group share one id.
    let mut of_group: HashMap<&str, std::collections::BTreeSet<&str>> = HashMap::new();
    for x in a.values().filter(|x| !x["group_id"].is_empty()) {
        of_group
            .entry(x["group_id"].as_str())
            .or_default()
            .insert(x["person_id"].as_str());
    }
    assert!(!of_group.is_empty());
    for (g, ids) in of_group {
        assert_eq!(ids.len(), 1, "group {g}: {ids:?}");
    }
}

#[test]
fn previous_run_shows_rows_new_removed_and_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    small_city(dir);
    run(dir, &dir.join("aid.csv"), "january", &[]);
    // February: the last 10 rows gone, one new row (a copy of the first under a new ID).
    let all = lines(&dir.join("aid.csv"));
    let (kept, gone) = all.split_at(all.len() - 10);
    let mut february = kept.to_vec();
    let rest = all[1].split_once(';').expect("an ID column").1;
    february.push(format!("BARU0001;{rest}"));
    std::fs::write(dir.join("february.csv"), february.join("\n") + "\n").unwrap();
    let january = dir.join("january");
    let previous = january.to_str().unwrap();
    run(
        dir,
        &dir.join("february.csv"),
        "february",
        &["--previous", previous],
    );
    let changes = read_maps(&dir.join("february/changes.csv"));
    assert_eq!(
        changes.len(),
        all.len() - 1 + 1,
        "each row of either run once"
    );
    let of = |change: &str| -> Vec<String> {
        let mut ids: Vec<String> = changes
            .iter()
            .filter(|c| c["change"] == change)
            .map(|c| c["aid_id"].clone())
            .collect();
        ids.sort();
        ids
    };
    let mut removed: Vec<String> = gone
        .iter()
        .map(|l| l.split(';').next().unwrap().to_string())
        .collect();
    removed.sort();
    assert_eq!(of("REMOVED"), removed);
    assert_eq!(of("NEW"), ["BARU0001"]);
    assert!(of("UNCHANGED").len() + of("CHANGED").len() == kept.len() - 1);
    for c in &changes {
        assert_eq!(c["change"] == "UNCHANGED", c["alasan"].is_empty(), "{c:?}");
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("february/summary.json")).unwrap()).unwrap();
    assert_eq!(summary["changes"]["matched_by"], "aid_id");
    assert_eq!(summary["changes"]["counts"]["NEW"], 1);
    assert_eq!(summary["changes"]["same_person_key"], true);
    assert!(summary["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o == "changes.csv"));
    // The same list against itself: nothing changed.
    run(
        dir,
        &dir.join("aid.csv"),
        "again",
        &["--previous", previous],
    );
    let again = read_maps(&dir.join("again/changes.csv"));
    assert!(again.iter().all(|c| c["change"] == "UNCHANGED"));
}

/// A run with `--previous DIR` that must be refused, exit 2, with `why` in the message.
fn refused(dir: &Path, previous: &Path, why: &str) {
    let out = dedupe()
        .arg(dir.join("aid.csv"))
        .arg(dir.join("population.parquet"))
        .arg("-o")
        .arg(dir.join("refused"))
        .arg("-q")
        .arg("--previous")
        .arg(previous)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains(why), "{why:?} not in: {stderr}");
    assert!(
        !dir.join("refused/decisions.csv").exists(),
        "nothing published"
    );
}

#[test]
fn previous_folders_of_another_list_version_or_a_damaged_run_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    small_city(dir);
    run(dir, &dir.join("aid.csv"), "ok", &[]);
    let copy = |name: &str| {
        let to = dir.join(name);
        std::fs::create_dir_all(&to).unwrap();
        for f in ["summary.json", "decisions.csv"] {
            std::fs::copy(dir.join("ok").join(f), to.join(f)).unwrap();
        }
        to
    };
    // No run at all.
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    refused(dir, &empty, "no readable summary.json");
    // Another version's run.
    let old = copy("old");
    let text = std::fs::read_to_string(old.join("summary.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["version"] = "0.0.9".into();
    std::fs::write(old.join("summary.json"), v.to_string()).unwrap();
    refused(dir, &old, "made by dedupe 0.0.9");
    // A damaged run: decisions.csv cut short.
    let cut = copy("cut");
    let d = std::fs::read_to_string(cut.join("decisions.csv")).unwrap();
    let half: Vec<&str> = d.lines().take(100).collect();
    std::fs::write(cut.join("decisions.csv"), half.join("\n") + "\n").unwrap();
    refused(dir, &cut, "decisions.csv has 99 rows");
    // Damaged summary.
    let bad = copy("bad");
    std::fs::write(bad.join("summary.json"), "{ not json").unwrap();
    refused(dir, &bad, "summary.json is damaged");
    // Another list: the fixtures' list, whose rows are none of the city's.
    let other = dir.join("other");
    common::run_ok(
        &common::fixture("aid.csv"),
        &common::fixture("population.parquet"),
        &other,
    );
    refused(dir, &other, "another list");
}

#[test]
fn a_synthetic_next_month_is_scored_by_eval() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    small_city_month(&dir.join("m1"), 1);
    small_city_month(&dir.join("m2"), 2);
    assert!(!dir.join("m1/changes-truth.csv").exists());
    let truth = read_maps(&dir.join("m2/changes-truth.csv"));
    for cause in ["died", "new", "duplicate_removed", "removed"] {
        assert!(
            truth.iter().any(|t| t["cause"] == cause),
            "no {cause} in month 2"
        );
    }
    run(&dir.join("m1"), &dir.join("m1/aid.csv"), "out", &[]);
    let previous = dir.join("m1/out");
    run(
        &dir.join("m2"),
        &dir.join("m2/aid.csv"),
        "out",
        &["--previous", previous.to_str().unwrap()],
    );
    let out = dedupe()
        .arg("eval")
        .arg(dir.join("m2/out"))
        .arg(dir.join("m2/truth.csv"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("changes since the previous run"), "{text}");
    let line = |start: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("no {start} in {text}"))
            .to_string()
    };
    assert!(line("NEW:").ends_with("(exact)"), "{text}");
    assert!(line("REMOVED:").ends_with("(exact)"), "{text}");
    assert!(
        line("died, shown CHANGED to DECEASED").ends_with("(1.0000)"),
        "{text}"
    );
    assert!(line("person_id kept").ends_with("(1.0000)"), "{text}");
}

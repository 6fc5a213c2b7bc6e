//! End-to-end: the binary on the fixtures, compared with `fixtures/expected.csv`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

mod common;
use common::fixture;

fn run(out: &Path, threads: &str) {
    common::dedupe()
        .arg(fixture("aid.csv"))
        .arg(fixture("population.parquet"))
        .arg("-o")
        .arg(out)
        .args(["--threads", threads, "--quiet"])
        .assert()
        .success();
}

fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = r.headers().expect("headers").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The partition of rows into groups (rows without a label are left out).
fn partition(rows: &[BTreeMap<String, String>], key: &str) -> BTreeSet<BTreeSet<String>> {
    let mut groups: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for r in rows {
        let label = r[key].as_str();
        if !label.is_empty() {
            groups.entry(label).or_default().insert(r["row"].clone());
        }
    }
    groups.into_values().collect()
}

#[test]
fn decisions_match_expected_answers() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(dir.path(), "2");
    for name in [
        "decisions.csv",
        "verified.csv",
        "duplicates.csv",
        "rejected.csv",
        "summary.json",
    ] {
        assert!(dir.path().join(name).is_file(), "{name} missing");
    }
    let expected = read_csv(&fixture("expected.csv"));
    let decisions = read_csv(&dir.path().join("decisions.csv"));
    assert_eq!(decisions.len(), expected.len(), "one decision per aid row");
    let mut wrong = Vec::new();
    for (e, d) in expected.iter().zip(&decisions) {
        assert_eq!(e["row"], d["row"], "rows in input order");
        if e["status"] != d["status"] || e["register_nik"] != d["register_nik"] {
            wrong.push(format!(
                "row {}: expected {} {:?}, got {} {:?} ({})",
                e["row"],
                e["status"],
                e["register_nik"],
                d["status"],
                d["register_nik"],
                d["reason"]
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} rows differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(
        partition(&expected, "group"),
        partition(&decisions, "group_id")
    );
    // Each group of a payable person has exactly one kept row, and it is the VERIFIED one.
    for d in &decisions {
        if d["status"] == "VERIFIED" && !d["group_id"].is_empty() {
            assert_eq!(d["kept"], "true", "row {}", d["row"]);
        }
        if d["status"] == "DUPLICATE" {
            assert_eq!(d["kept"], "false", "row {}", d["row"]);
            assert!(!d["duplicate_of_row"].is_empty());
        }
    }
}

#[test]
fn every_row_is_accounted_for_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(dir.path(), "2");
    let decisions = read_csv(&dir.path().join("decisions.csv"));
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("summary.json")).expect("summary"),
    )
    .expect("json");
    let rows_in = summary["rows_in"].as_u64().expect("rows_in") as usize;
    let aid_lines = std::fs::read_to_string(fixture("aid.csv"))
        .expect("aid")
        .lines()
        .count()
        - 1;
    assert_eq!(rows_in, aid_lines);
    assert_eq!(decisions.len(), rows_in);
    let rows: Vec<usize> = decisions
        .iter()
        .map(|d| d["row"].parse().expect("row"))
        .collect();
    assert_eq!(rows, (1..=rows_in).collect::<Vec<_>>());
    let counts = summary["status_counts"].as_object().expect("counts");
    let total: u64 = counts.values().map(|v| v.as_u64().expect("count")).sum();
    assert_eq!(total as usize, rows_in);
    for (status, n) in counts {
        let in_file = decisions.iter().filter(|d| &d["status"] == status).count();
        assert_eq!(in_file as u64, n.as_u64().expect("n"), "{status}");
    }
    // verified + rejected = all rows; duplicates.csv lists every grouped row.
    let verified = read_csv(&dir.path().join("verified.csv"));
    let rejected = read_csv(&dir.path().join("rejected.csv"));
    assert_eq!(verified.len() + rejected.len(), rows_in);
    assert_eq!(
        verified.len() as u64,
        counts["VERIFIED"].as_u64().expect("n")
    );
    let grouped = decisions
        .iter()
        .filter(|d| !d["group_id"].is_empty())
        .count();
    assert_eq!(read_csv(&dir.path().join("duplicates.csv")).len(), grouped);
    // No register person is paid twice.
    let mut paid = BTreeSet::new();
    for v in &verified {
        assert!(
            paid.insert(v["register_nik"].clone()),
            "paid twice: row with register_nik"
        );
    }
    // Rejected rows carry a reason in Bahasa Indonesia.
    assert!(rejected.iter().all(|r| !r["alasan"].is_empty()));
}

#[test]
fn output_is_identical_for_any_thread_count() {
    let one = tempfile::tempdir().expect("tempdir");
    let two = tempfile::tempdir().expect("tempdir");
    run(one.path(), "1");
    run(two.path(), "2");
    for name in [
        "decisions.csv",
        "verified.csv",
        "duplicates.csv",
        "rejected.csv",
    ] {
        let a = std::fs::read(one.path().join(name)).expect("read");
        let b = std::fs::read(two.path().join(name)).expect("read");
        assert!(a == b, "{name} differs between --threads 1 and 2");
    }
}

#[test]
fn a_ttl_column_of_birth_place_and_date_gives_the_decisions_of_two_columns() {
    // The fixture's list with TMP_LAHIR and TGL_LAHIR written as one "Tempat/Tgl Lahir"
    // column ("SURABAYA, 01-02-1953"), as many aid forms have it.
    let dir = tempfile::tempdir().expect("tmp");
    let (headers, mut r) = common::fixture_aid();
    let place = headers
        .iter()
        .position(|h| h == "TMP_LAHIR")
        .expect("place");
    let date = headers.iter().position(|h| h == "TGL_LAHIR").expect("date");
    let aid = dir.path().join("aid.csv");
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_path(&aid)
        .expect("write");
    let keep = |i: usize| i != place && i != date;
    let mut head: Vec<&str> = (0..headers.len())
        .filter(|&i| keep(i))
        .map(|i| headers[i].as_str())
        .collect();
    head.push("Tempat/Tgl Lahir");
    w.write_record(&head).expect("header");
    for rec in r.records() {
        let rec = rec.expect("row");
        let mut row: Vec<String> = (0..rec.len())
            .filter(|&i| keep(i))
            .map(|i| rec[i].to_string())
            .collect();
        row.push(format!("{}, {}", &rec[place], &rec[date]));
        w.write_record(&row).expect("row");
    }
    w.flush().expect("flush");
    let (base, ttl) = (dir.path().join("base"), dir.path().join("ttl"));
    run(&base, "2");
    common::dedupe()
        .arg(&aid)
        .arg(fixture("population.parquet"))
        .arg("-o")
        .arg(&ttl)
        .args(["--threads", "2", "--quiet"])
        .assert()
        .success();
    let a = std::fs::read(base.join("decisions.csv")).expect("base");
    let b = std::fs::read(ttl.join("decisions.csv")).expect("ttl");
    assert!(a == b, "a TTL column changed the decisions");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ttl.join("summary.json")).expect("summary"))
            .expect("json");
    for field in ["birth_date", "birth_place"] {
        assert_eq!(
            summary["aid"]["columns"][field],
            serde_json::json!(["Tempat/Tgl Lahir"]),
            "{field}"
        );
    }
}

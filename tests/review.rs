//! Clerical review end to end: a run writes the review queue; decisions in `keputusan.csv`
//! are applied by the next run (`--decisions`), stale ones are reported, not applied.

use std::collections::HashMap;
use std::path::Path;

mod common;
use common::dedupe;
use common::{read_maps as read, run_city as run, small_city};

#[test]
fn the_queue_is_written_and_decisions_are_applied_or_reported_stale() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    small_city(dir);
    let summary = run(dir, &dir.join("aid.csv"), "out", None);
    let queue = read(&dir.join("out/review.csv"));
    assert_eq!(summary["review"]["rows"], queue.len());
    assert!(dir.join("out/review.html").is_file() && dir.join("out/review-rt.xlsx").is_file());
    // Ordered by the amount at stake times the doubt.
    let weight = |r: &HashMap<String, String>| {
        r["amount_rp"].parse::<f64>().unwrap() * r["doubt"].parse::<f64>().unwrap()
    };
    assert!(queue.windows(2).all(|w| weight(&w[0]) >= weight(&w[1])));
    let of_kind = |k: &str| {
        queue
            .iter()
            .filter(|r| r["kind"] == k)
            .cloned()
            .collect::<Vec<_>>()
    };
    // Rows the model left unlinked beside a candidate: a possible match, else a name behind
    // the holder's NIK (this city has no possible match since a placeholder date is read
    // for its year: its one such row is now linked).
    let possible = [of_kind("POSSIBLE_MATCH"), of_kind("NAME_BEHIND_NIK")].concat();
    let (household, groups) = (of_kind("HOUSEHOLD_NIK"), of_kind("FUZZY_GROUP"));
    assert!(!possible.is_empty() && household.len() >= 3 && !groups.is_empty());
    // Candidates side by side: a household row shows the member and the NIK's holder.
    assert!(household[0]["candidate1_ref"].starts_with("register:"));
    assert!(household[0]["candidate2_ref"].starts_with("register:"));
    assert_eq!(household[0]["aid_nik"], household[0]["candidate2_nik"]);

    let line = |r: &HashMap<String, String>, hash: &str, decision: &str| {
        format!(
            "{},{},{},{},{},tester,2026-11-28T10:00:00Z\n",
            r["row"], r["aid_id"], hash, r["candidate1_ref"], decision
        )
    };
    let (p, h, g, h2, h3) = (
        &possible[0],
        &household[0],
        &groups[0],
        &household[1],
        &household[2],
    );
    let mut text = String::from("row,aid_id,row_hash,candidate,decision,reviewer,time\n");
    text += &line(p, &p["row_hash"], "same");
    text += &line(h, &h["row_hash"], "different");
    text += &line(g, &g["row_hash"], "different");
    text += &line(h2, "0000000000000000", "same");
    text += &line(h3, &h3["row_hash"], "skip");
    let decisions = dir.join("keputusan.csv");
    std::fs::write(&decisions, text).expect("write");

    let summary = run(dir, &dir.join("aid.csv"), "out2", Some(&decisions));
    assert_eq!(
        summary["review"]["decisions"],
        serde_json::json!({"read": 5, "applied": 3, "stale": 1, "unknown": 0, "skipped": 1})
    );
    let rows = read(&dir.join("out2/decisions.csv"));
    let at = |r: &HashMap<String, String>| &rows[r["row"].parse::<usize>().unwrap() - 1];
    // Confirmed: linked to the candidate although the model left it unlinked.
    assert_eq!(at(p)["reason"], "REVIEW_SAME_PERSON");
    assert_eq!(at(p)["register_nik"], p["candidate1_nik"]);
    assert!(at(p)["status"] != "NOT_IN_REGISTER" && at(p)["status"] != "INVALID_NIK");
    // Rejected: no longer linked to the household member.
    assert_eq!(at(h)["reason"], "REVIEW_DIFFERENT_PERSON");
    assert_eq!(at(h)["register_nik"], "");
    // Rejected grouping: the two rows are apart.
    let other: usize = g["candidate1_ref"]
        .strip_prefix("aid:")
        .unwrap()
        .parse()
        .unwrap();
    let (ga, gb) = (&at(g)["group_id"], &rows[other - 1]["group_id"]);
    assert!(ga.is_empty() || ga != gb, "{ga} {gb}");
    // Stale and skipped: the run's own decision stands.
    assert_eq!(at(h2)["reason"], "HOUSEHOLD_NIK");
    let html = std::fs::read_to_string(dir.join("out2/report.html")).expect("html");
    assert!(
        html.contains("Keputusan petugas diterapkan: 3"),
        "report counts"
    );

    // A row whose data changed since it was reviewed: the decision is stale.
    let aid = std::fs::read_to_string(dir.join("aid.csv")).expect("aid");
    let mut lines: Vec<String> = aid.lines().map(String::from).collect();
    let k: usize = p["row"].parse().unwrap();
    let mut cells: Vec<String> = lines[k].split(';').map(String::from).collect();
    cells[3] = format!("{} X", cells[3]);
    lines[k] = cells.join(";");
    let changed = dir.join("aid-changed.csv");
    std::fs::write(&changed, lines.join("\r\n") + "\r\n").expect("write");
    let summary = run(dir, &changed, "out3", Some(&decisions));
    assert_eq!(summary["review"]["decisions"]["stale"], 2);
    assert_eq!(summary["review"]["decisions"]["applied"], 2);
}

#[test]
fn a_decisions_file_without_its_columns_is_refused_with_a_message() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let bad = tmp.path().join("keputusan.csv");
    std::fs::write(&bad, "baris,keputusan\n1,sama\n").expect("write");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let out = dedupe()
        .arg(fixtures.join("aid.csv"))
        .arg(fixtures.join("population.parquet"))
        .arg("-o")
        .arg(tmp.path().join("out"))
        .arg("-q")
        .arg("--decisions")
        .arg(&bad)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let msg = String::from_utf8_lossy(&out);
    assert!(
        msg.contains("keputusan.csv") && msg.contains("row"),
        "{msg}"
    );
}

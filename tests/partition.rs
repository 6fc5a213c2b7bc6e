//! Partitioned runs (`dedupe partition`, `dedupe part`, `dedupe merge`): the merged outputs
//! are the outputs of one run over the whole inputs, a person recorded in two regions is
//! found though the regions are routed to other parts, and a merge that would mix parts
//! of other runs is refused with exit code 2.

mod common;
use common::dedupe;

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

use common::RUN_OUTPUTS as OUTPUTS;

/// `dedupe partition -q` of `aid` and `register` into `parts` parts in `pdir`, to run.
fn partition(pdir: &Path, aid: &Path, register: &Path, parts: usize) -> Command {
    let mut cmd = dedupe();
    cmd.args(["partition", "-q", "--parts", &parts.to_string(), "-o"])
        .arg(pdir)
        .arg(aid)
        .arg(register);
    cmd
}

/// Partition into `parts`, run every part (in reverse order: order does not matter),
/// merge into `dir/merged`; and one run into `dir/one`.
fn both_ways(aid: &Path, register: &Path, dir: &Path, parts: usize) {
    both_ways_from(aid, register, register, dir, parts);
}

/// [`both_ways`] with the partition made from `partitioned` (a register file or its index).
fn both_ways_from(aid: &Path, partitioned: &Path, register: &Path, dir: &Path, parts: usize) {
    let pdir = dir.join("parts");
    partition(&pdir, aid, partitioned, parts).assert().success();
    for k in (0..parts).rev() {
        dedupe()
            .args(["part", "-q", "--threads", "1"])
            .arg(&pdir)
            .arg(k.to_string())
            .assert()
            .success();
    }
    dedupe()
        .arg("merge")
        .arg(&pdir)
        .arg("-o")
        .arg(dir.join("merged"))
        .assert()
        .success()
        .stderr(predicate::str::contains("dedupe merge:"));
    dedupe()
        .arg(aid)
        .arg(register)
        .arg("-o")
        .arg(dir.join("one"))
        .args(["-q", "--threads", "2"])
        .assert()
        .success();
}

fn assert_same_outputs(dir: &Path) {
    for f in OUTPUTS {
        let a = std::fs::read(dir.join("merged").join(f)).expect(f);
        let b = std::fs::read(dir.join("one").join(f)).expect(f);
        assert!(a == b, "{f} differs between the merged parts and one run");
    }
    let summary = |d: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.join(d).join("summary.json")).expect("s"))
            .expect("json")
    };
    let (m, one) = (summary("merged"), summary("one"));
    for key in [
        "aid",
        "register",
        "rows_in",
        "rows_verified",
        "status_counts",
        "reason_counts",
        "duplicates",
        "register_repeated_niks",
        "area_spellings_recognised",
        "review",
        "savings",
        "aid_quality",
        "warnings",
        "config",
        "fuzzy",
    ] {
        assert_eq!(m[key], one[key], "summary.json: {key}");
    }
}

#[test]
fn parts_merged_write_what_one_run_writes() {
    let dir = tempfile::tempdir().expect("tmp");
    common::small_city(dir.path());
    both_ways(
        &dir.path().join("aid.csv"),
        &dir.path().join("population.parquet"),
        dir.path(),
        3,
    );
    assert_same_outputs(dir.path());
    // Three parts, each with aid rows and far fewer register rows than the register.
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("parts/manifest.json")).expect("manifest"),
    )
    .expect("json");
    let aid_rows: Vec<u64> = manifest["aid_rows"]
        .as_array()
        .expect("aid_rows")
        .iter()
        .map(|v| v.as_u64().expect("n"))
        .collect();
    assert_eq!(aid_rows.len(), 3);
    assert!(aid_rows.iter().all(|&n| n > 0), "{aid_rows:?}");
    assert_eq!(
        aid_rows.iter().sum::<u64>(),
        manifest["aid"]["rows"].as_u64().unwrap()
    );
    for n in manifest["register_rows"].as_array().expect("register_rows") {
        assert!(n.as_u64().unwrap() < 20_000, "{n}");
    }
}

#[test]
fn a_partition_of_a_register_index_merges_to_one_runs_outputs() {
    let dir = tempfile::tempdir().expect("tmp");
    common::small_city(dir.path());
    let (aid, register, idx) = (
        dir.path().join("aid.csv"),
        dir.path().join("population.parquet"),
        dir.path().join("population.idx"),
    );
    dedupe()
        .args(["index", "-q", "-o"])
        .arg(&idx)
        .arg(&register)
        .assert()
        .success();
    both_ways_from(&aid, &idx, &register, dir.path(), 2);
    assert_same_outputs(dir.path());
}

#[test]
fn an_excel_csv_aid_list_in_parts_is_read_as_in_one_run() {
    // The fixture aid list is `;`-separated with a byte-order mark; the parts are CSV.
    let dir = tempfile::tempdir().expect("tmp");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    both_ways(
        &root.join("fixtures/aid.csv"),
        &root.join("fixtures/population.parquet"),
        dir.path(),
        2,
    );
    assert_same_outputs(dir.path());
}

const REGISTER_CSV: &str = "\
NIK;NO_KK;NAMA;TGL_LAHIR;TMP_LAHIR;JENIS_KELAMIN;ALAMAT;RT;RW;KELURAHAN;KECAMATAN
3273014101800001;3273010101090001;SITI AMINAH;01-01-1980;BANDUNG;P;JL MERDEKA 1;001;002;CIHAPIT;BANDUNG WETAN
3273010505750002;3273010101090001;DEDI KURNIAWAN;05-05-1975;BANDUNG;L;JL MERDEKA 1;001;002;CIHAPIT;BANDUNG WETAN
6471010202810002;6471010101100002;BUDI SANTOSO;02-02-1981;BALIKPAPAN;L;JL SUDIRMAN 5;003;001;SEPINGGAN;BALIKPAPAN SELATAN
6471014303850003;6471010101100003;RINA WATI;03-03-1985;BALIKPAPAN;P;JL SUDIRMAN 9;003;001;SEPINGGAN;BALIKPAPAN SELATAN
7371010404830004;7371010101110004;ANDI MAKKASAU;04-04-1983;MAKASSAR;L;JL CENDRAWASIH 3;002;004;GAMBIR;UJUNG PANDANG
7371014606900005;7371010101110005;NURHAYATI;06-06-1990;MAKASSAR;P;JL CENDRAWASIH 7;002;004;GAMBIR;UJUNG PANDANG
5171010707700006;5171010101120006;WAYAN SUDARMA;07-07-1970;DENPASAR;L;JL GAJAH MADA 2;005;002;DANGIN PURI;DENPASAR TIMUR
5171014808880007;5171010101120007;KETUT ARIANI;08-08-1988;DENPASAR;P;JL GAJAH MADA 4;005;002;DANGIN PURI;DENPASAR TIMUR
";

// Rows 1 and 6 are one person: row 6 carries her NIK with its first two digits swapped,
// so it names another province (23) than row 1's (32).
const AID_CSV: &str = "\
ID_DTKS;NIK;NO_KK;NAMA;TGL_LAHIR;TMP_LAHIR;JENIS_KELAMIN;ALAMAT;RT;RW;KELURAHAN;KECAMATAN;PROGRAM
D1;3273014101800001;3273010101090001;SITI AMINAH;01-01-1980;BANDUNG;P;JL MERDEKA 1;001;002;CIHAPIT;BANDUNG WETAN;BPNT
D2;6471010202810002;6471010101100002;BUDI SANTOSO;02-02-1981;BALIKPAPAN;L;JL SUDIRMAN 5;003;001;SEPINGGAN;BALIKPAPAN SELATAN;BPNT
D3;7371010404830004;7371010101110004;ANDI MAKKASAU;04-04-1983;MAKASSAR;L;JL CENDRAWASIH 3;002;004;GAMBIR;UJUNG PANDANG;PKH
D4;5171010707700006;5171010101120006;WAYAN SUDARMA;07-07-1970;DENPASAR;L;JL GAJAH MADA 2;005;002;DANGIN PURI;DENPASAR TIMUR;PKH
D5;7371014606900005;7371010101110005;NURHAYATI;06-06-1990;MAKASSAR;P;JL CENDRAWASIH 7;002;004;GAMBIR;UJUNG PANDANG;BPNT
D6;2373014101800001;3273010101090001;SITI AMINAH;01-01-1980;BANDUNG;P;JL MERDEKA 1;001;002;CIHAPIT;BANDUNG WETAN;BPNT
D7;5171014808880007;5171010101120007;KETUT ARIANI;08-08-1988;DENPASAR;P;JL GAJAH MADA 4;005;002;DANGIN PURI;DENPASAR TIMUR;PKH
";

/// The aid list and register above, written into `dir`.
fn two_regions(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (aid, register) = (dir.join("bansos.csv"), dir.join("penduduk.csv"));
    std::fs::write(&aid, AID_CSV).expect("aid");
    std::fs::write(&register, REGISTER_CSV).expect("register");
    (aid, register)
}

#[test]
fn a_person_recorded_in_two_regions_is_found_across_parts() {
    let dir = tempfile::tempdir().expect("tmp");
    let (aid, register) = two_regions(dir.path());
    both_ways(&aid, &register, dir.path(), 3);
    assert_same_outputs(dir.path());

    let rows = common::read_maps(&dir.path().join("merged/decisions.csv"));
    let by_id = |id: &str| rows.iter().find(|r| r["aid_id"] == id).expect(id).clone();
    let (d1, d6) = (by_id("D1"), by_id("D6"));
    assert_eq!(d6["register_nik"], "3273014101800001", "{d6:?}");
    assert!(
        !d1["group_id"].is_empty() && d1["group_id"] == d6["group_id"],
        "{d1:?} {d6:?}"
    );
    let statuses = [d1["status"].as_str(), d6["status"].as_str()];
    assert!(
        statuses.contains(&"VERIFIED") && statuses.contains(&"DUPLICATE"),
        "{statuses:?}"
    );

    // The two rows name different regions, yet were routed to one part; the other rows
    // went to other parts.
    let part_of = |row: u64| -> usize {
        (0..3)
            .find(|k| {
                let p: serde_json::Value = serde_json::from_slice(
                    &std::fs::read(dir.path().join(format!("parts/part-{k:04}/part.json")))
                        .expect("part.json"),
                )
                .expect("json");
                p["aid_rows"]
                    .as_array()
                    .expect("rows")
                    .iter()
                    .any(|r| r.as_u64() == Some(row))
            })
            .expect("a part holds every row")
    };
    assert_eq!(part_of(0), part_of(5));
    let used: std::collections::BTreeSet<usize> = (0..7).map(part_of).collect();
    assert!(used.len() >= 2, "the rows were not spread: {used:?}");
}

/// Run parts `0..parts` of `pdir`, one after another.
fn run_parts(pdir: &Path, parts: usize) {
    for k in 0..parts {
        dedupe()
            .args(["part", "-q"])
            .arg(pdir)
            .arg(k.to_string())
            .assert()
            .success();
    }
}

fn merge(pdir: &Path, out: &Path) -> assert_cmd::assert::Assert {
    dedupe().arg("merge").arg(pdir).arg("-o").arg(out).assert()
}

#[test]
fn a_merge_of_parts_not_run_or_run_on_other_files_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let (aid, register) = two_regions(dir.path());
    let pdir = dir.path().join("parts");
    partition(&pdir, &aid, &register, 2).assert().success();
    // No part has run.
    merge(&pdir, &dir.path().join("merged"))
        .code(2)
        .stderr(predicate::str::contains("part 0 has not run"));
    // A part that does not exist.
    dedupe()
        .args(["part", "-q"])
        .arg(&pdir)
        .arg("2")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no part 2"));
    run_parts(&pdir, 2);
    // A part's file changed after it ran: its outputs are of other rows.
    let part_aid = pdir.join("part-0000/aid.csv");
    let mut text = std::fs::read_to_string(&part_aid).expect("part aid");
    text = text
        .replacen("SITI", "SITTI", 1)
        .replacen("BUDI", "BUDY", 1);
    std::fs::write(&part_aid, text).expect("write");
    merge(&pdir, &dir.path().join("merged"))
        .code(2)
        .stderr(predicate::str::contains("run the part again"));
    // The register changed after partitioning: the parts' registers are out of date.
    let mut text = std::fs::read_to_string(&register).expect("register");
    // The same size, within the second the partition was written in.
    text = text.replacen("DEDI KURNIAWAN", "DEDY KURNIAWAN", 1);
    std::fs::write(&register, text).expect("write");
    dedupe()
        .args(["part", "-q"])
        .arg(&pdir)
        .arg("1")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has changed since the partition"))
        .stderr(predicate::str::contains("dedupe partition"));
    // `--parts 0` is a usage error.
    dedupe()
        .args(["partition", "--parts", "0", "-o"])
        .arg(dir.path().join("none"))
        .arg(&aid)
        .arg(&register)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--parts 0"));
}

#[test]
fn reviewers_decisions_given_to_the_partition_are_applied_as_in_one_run() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    common::small_city(d);
    let (aid, register) = (d.join("aid.csv"), d.join("population.parquet"));
    common::run_city(d, &aid, "first", None);
    // Decide the first review rows of each kind of candidate (a register person, another
    // aid row): alternately the same person and not.
    let review = common::read_maps(&d.join("first/review.csv"));
    let mut lines = vec!["row,aid_id,row_hash,candidate,decision".to_string()];
    for source in ["register:", "aid:"] {
        let picked = review
            .iter()
            .filter(|r| r["candidate1_ref"].starts_with(source))
            .take(6);
        for (i, r) in picked.enumerate() {
            let decision = if i % 2 == 0 { "same" } else { "different" };
            lines.push(format!(
                "{},{},{},{},{decision}",
                r["row"], r["aid_id"], r["row_hash"], r["candidate1_ref"]
            ));
        }
    }
    assert!(
        lines.len() > 8,
        "too few review rows to decide: {}",
        lines.len()
    );
    let decisions = d.join("keputusan.csv");
    std::fs::write(&decisions, lines.join("\n") + "\n").expect("decisions");

    let pdir = d.join("parts");
    partition(&pdir, &aid, &register, 3)
        .arg("--decisions")
        .arg(&decisions)
        .assert()
        .success();
    run_parts(&pdir, 3);
    merge(&pdir, &d.join("merged")).success();
    let one = common::run_city(d, &aid, "one", Some(&decisions));
    for f in OUTPUTS {
        let a = std::fs::read(d.join("merged").join(f)).expect(f);
        let b = std::fs::read(d.join("one").join(f)).expect(f);
        assert!(a == b, "{f} differs between the merged parts and one run");
    }
    let merged: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("merged/summary.json")).expect("s"))
            .expect("json");
    assert_eq!(merged["review"], one["review"]);
    assert_eq!(
        one["review"]["decisions"]["applied"].as_u64(),
        Some(lines.len() as u64 - 1),
        "{}",
        one["review"]
    );
}

#[test]
fn a_merge_for_excel_writes_what_a_run_for_excel_writes() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let (aid, register) = two_regions(d);
    let pdir = d.join("parts");
    partition(&pdir, &aid, &register, 2).assert().success();
    run_parts(&pdir, 2);
    dedupe()
        .arg("merge")
        .arg(&pdir)
        .arg("-o")
        .arg(d.join("merged"))
        .arg("--csv-excel")
        .assert()
        .success();
    dedupe()
        .arg(&aid)
        .arg(&register)
        .arg("-o")
        .arg(d.join("one"))
        .args(["-q", "--csv-excel"])
        .assert()
        .success();
    for f in [
        "decisions.csv",
        "verified.csv",
        "duplicates.csv",
        "rejected.csv",
    ] {
        let a = std::fs::read(d.join("merged").join(f)).expect(f);
        let b = std::fs::read(d.join("one").join(f)).expect(f);
        assert!(a.starts_with(b"\xef\xbb\xbf"), "{f}: no byte-order mark");
        assert!(
            a == b,
            "{f} differs between the merge and one run for Excel"
        );
    }
    let report = |dir: &str| std::fs::read(d.join(dir).join("report.html")).expect("report");
    assert!(report("merged") == report("one"));
}

#[test]
fn a_merge_with_previous_writes_the_changes_a_run_with_previous_writes() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    common::small_city_month(&d.join("m1"), 1);
    common::small_city_month(&d.join("m2"), 2);
    let register = d.join("m2/population.parquet");
    common::run_ok(
        &d.join("m1/aid.csv"),
        &d.join("m1/population.parquet"),
        &d.join("one1"),
    );
    // Month 2 in one run and in 3 parts, both against month 1's run.
    let history = |name: &str| d.join(name);
    dedupe()
        .arg(d.join("m2/aid.csv"))
        .arg(&register)
        .args(["-q", "--period", "2026-11", "--previous"])
        .arg(d.join("one1"))
        .arg("--history")
        .arg(history("h-run"))
        .arg("-o")
        .arg(d.join("one2"))
        .assert()
        .success();
    let pdir = d.join("parts");
    partition(&pdir, &d.join("m2/aid.csv"), &register, 3)
        .assert()
        .success();
    run_parts(&pdir, 3);
    dedupe()
        .arg("merge")
        .arg(&pdir)
        .args(["-q", "--period", "2026-11", "--previous"])
        .arg(d.join("one1"))
        .arg("--history")
        .arg(history("h-merge"))
        .arg("-o")
        .arg(d.join("merged2"))
        .assert()
        .success();
    for name in ["changes.csv", "decisions.csv", "report.html"] {
        let a = std::fs::read(d.join("one2").join(name)).expect("run's");
        let b = std::fs::read(d.join("merged2").join(name)).expect("merge's");
        assert!(a == b, "{name} differs between the run and the merge");
    }
    let summary = |p: &Path| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(p.join("summary.json")).expect("summary"))
            .expect("json")
    };
    let (run, merged) = (summary(&d.join("one2")), summary(&d.join("merged2")));
    assert_eq!(run["changes"]["counts"], merged["changes"]["counts"]);
    assert_eq!(run["findings"], merged["findings"]);
    assert!(merged["outputs"]
        .as_array()
        .is_some_and(|o| o.iter().any(|n| n == "changes.csv")));
    assert!(history("h-merge").join("0001.json").is_file());
}

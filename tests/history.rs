//! Scheduled runs over three months: `--history` keeps each run's summary and the report
//! draws their trend; `--previous` gives the report's section on what changed; the
//! auditors' categories add up to the statuses; a reviewer's decision of last month is
//! applied to its row, found by its ID in a reordered list, and reported stale when the
//! row changed.

mod common;

use std::collections::HashMap;

use common::{read_maps, run_city_with, small_city_month, three_months};

fn count(rows: &[HashMap<String, String>], col: &str, value: &str) -> usize {
    rows.iter().filter(|r| r[col] == value).count()
}

#[test]
fn three_months_give_the_changes_the_trend_and_the_auditors_categories() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let summary = three_months(dir, "id");
    let history = dir.join("history");
    let mut kept: Vec<String> = std::fs::read_dir(&history)
        .expect("history")
        .map(|e| e.expect("entry").file_name().into_string().expect("name"))
        .collect();
    kept.sort();
    assert_eq!(kept, ["0001.json", "0002.json", "0003.json"]);
    assert_eq!(summary["history"].as_array().map(Vec::len), Some(2));

    // The changes section's rows are those of changes.csv.
    let out = dir.join("m3/out");
    let changes = read_maps(&out.join("changes.csv"));
    let findings = &summary["changes"]["findings"];
    let total = |key: &str| -> u64 {
        findings[key]
            .as_object()
            .map_or(0, |m| m.values().filter_map(|v| v.as_u64()).sum())
    };
    assert_eq!(
        total("new_recipients") as usize,
        count(&changes, "change", "NEW")
    );
    assert_eq!(
        (total("duplicates_resolved") + total("rows_removed")) as usize,
        count(&changes, "change", "REMOVED")
    );
    let died = changes
        .iter()
        .filter(|r| r["status"] == "DECEASED" && r["previous_status"] != "DECEASED")
        .filter(|r| r["change"] == "CHANGED")
        .count();
    assert_eq!(total("newly_deceased") as usize, died);
    assert!(died > 0 && total("duplicates_resolved") > 0);

    // Each auditors' category adds up to its statuses.
    let decisions = read_maps(&out.join("decisions.csv"));
    let rows = |cat: &str| -> usize {
        summary["findings"][cat].as_object().map_or(0, |m| {
            m.values().map(|v| v[0].as_u64().unwrap() as usize).sum()
        })
    };
    let status = |s: &str| count(&decisions, "status", s);
    assert_eq!(rows("meninggal"), status("DECEASED"));
    assert_eq!(rows("pindah"), status("MOVED_OUT"));
    assert_eq!(
        rows("nik_tidak_valid"),
        status("INVALID_NIK") + status("NIK_DAMAGED")
    );
    assert_eq!(
        rows("tidak_padan"),
        status("NAME_MISMATCH") + status("NOT_IN_REGISTER")
    );
    let superseded = count(&decisions, "reason", "NIK_SUPERSEDED");
    assert!(rows("data_ganda") <= status("DUPLICATE"));
    assert_eq!(
        rows("data_ganda") + rows("nik_ganda"),
        status("DUPLICATE") + superseded
    );

    // The page: the section, the trend over the three periods and the categories.
    let page = std::fs::read_to_string(out.join("report.html")).expect("page");
    for text in [
        "Perubahan sejak verifikasi sebelumnya",
        "Data ganda yang sudah dihapus dari daftar",
        "Perkembangan dari verifikasi ke verifikasi",
        "Temuan menurut kategori pemeriksa (2026-12)",
        "2026-10",
        "2026-11",
        "Tidak padan",
    ] {
        assert!(page.contains(text), "report.html lacks {text:?}");
    }
    assert_eq!(page.matches("<polyline").count(), 6);

    // The workbook: the changes and the categories per period and program.
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(out.join("report.xlsx")).expect("xlsx");
    let names = book.sheet_names();
    assert_eq!(
        names[..3],
        ["Ringkasan", "Perubahan", "Temuan Audit"],
        "{names:?}"
    );
    let audit = book.worksheet_range("Temuan Audit").expect("sheet");
    let periods: std::collections::BTreeSet<String> =
        audit.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert_eq!(
        periods.into_iter().collect::<Vec<_>>(),
        ["2026-10", "2026-11", "2026-12"]
    );

    // `dedupe report` draws the same page from the files (the trend from summary.json).
    let before = page;
    common::dedupe().arg("report").arg(&out).assert().success();
    let after = std::fs::read_to_string(out.join("report.html")).expect("page");
    assert_eq!(before, after, "dedupe report changed the page");
}

#[test]
fn the_page_speaks_english_too_and_a_rerun_replaces_its_month() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    three_months(dir, "en");
    let page = std::fs::read_to_string(dir.join("m3/out/report.html")).expect("page");
    for text in [
        "Changes since the previous verification",
        "Duplicates removed from the list",
        "Trend over the verifications",
        "Findings in the auditors&#x27; categories (2026-12)",
        "No match (tidak padan)",
    ] {
        assert!(page.contains(text), "report.html lacks {text:?}");
    }
    // Month 3 again: its history entry is replaced, not added.
    let m = dir.join("m3");
    let history = dir.join("history");
    let extra: Vec<&std::ffi::OsStr> = vec![
        "--history".as_ref(),
        history.as_os_str(),
        "--period".as_ref(),
        "2026-12".as_ref(),
    ];
    let summary = run_city_with(&m, &m.join("aid.csv"), "again", &extra);
    assert_eq!(std::fs::read_dir(&history).expect("history").count(), 3);
    assert_eq!(summary["history"].as_array().map(Vec::len), Some(3));
}

#[test]
fn a_decision_of_last_month_applies_to_its_unchanged_row_and_is_stale_on_a_changed_one() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    small_city_month(dir, 1);
    run_city_with(dir, &dir.join("aid.csv"), "m1", &[]);
    let queue = read_maps(&dir.join("m1/review.csv"));
    let linkable: Vec<&HashMap<String, String>> = queue
        .iter()
        .filter(|r| r["candidate1_ref"].starts_with("register:"))
        .filter(|r| r["kind"] == "HOUSEHOLD_NIK")
        .take(2)
        .collect();
    assert_eq!(
        linkable.len(),
        2,
        "the queue has two rows with a register candidate"
    );
    let (kept, changed) = (linkable[0], linkable[1]);
    let mut text = String::from("row,aid_id,row_hash,candidate,decision,reviewer,time\n");
    for r in [kept, changed] {
        text += &format!(
            "{},{},{},{},different,tester,2026-11-28T10:00:00Z\n",
            r["row"], r["aid_id"], r["row_hash"], r["candidate1_ref"]
        );
    }
    let decisions = dir.join("keputusan.csv");
    std::fs::write(&decisions, text).expect("write");

    // Next month's list: the rows reversed, and one reviewed row's address edited.
    let aid = std::fs::read_to_string(dir.join("aid.csv")).expect("aid");
    let mut lines: Vec<String> = aid.lines().map(String::from).collect();
    let k: usize = changed["row"].parse().expect("row");
    let mut cells: Vec<String> = lines[k].split(';').map(String::from).collect();
    cells[3] = format!("{} X", cells[3]);
    lines[k] = cells.join(";");
    let header = lines.remove(0);
    lines.reverse();
    lines.insert(0, header);
    let next = dir.join("aid-next.csv");
    std::fs::write(&next, lines.join("\r\n") + "\r\n").expect("write");
    let previous = dir.join("m1");
    let extra: Vec<&std::ffi::OsStr> = vec![
        "--previous".as_ref(),
        previous.as_os_str(),
        "--decisions".as_ref(),
        decisions.as_os_str(),
    ];
    let summary = run_city_with(dir, &next, "m2", &extra);
    assert_eq!(summary["review"]["decisions"]["applied"], 1);
    assert_eq!(summary["review"]["decisions"]["stale"], 1);
    let rows = read_maps(&dir.join("m2/decisions.csv"));
    let row_of = |id: &str| rows.iter().find(|r| r["aid_id"] == id).expect("row");
    assert_eq!(row_of(&kept["aid_id"])["reason"], "REVIEW_DIFFERENT_PERSON");
    assert_ne!(
        row_of(&changed["aid_id"])["reason"],
        "REVIEW_DIFFERENT_PERSON"
    );
}

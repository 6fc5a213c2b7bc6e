//! review.html in headless Chromium (Debian's `chromium`, installed by `.ci/run`): three
//! rows decided, one by clicking and two by keyboard, the decisions exported, and the
//! exported file applied by the next run. Without Chromium the test is skipped, except
//! under CI (`CI=true`), where it fails.
//!
//! The page is opened inside a frame of a small test page whose script clicks the first
//! card's "same person" button, presses `D` and `S` (the page moves to the next card after
//! each decision), and copies what the page's export produces (`reviewCsv()`) into its own
//! DOM, which Chromium prints (`--dump-dom`).

use std::path::Path;
use std::process::Command as Process;

mod common;
use common::{chromium_or_skip, read_maps as read, run_city, small_city, HEADLESS};

const DRIVER: &str = r#"<!DOCTYPE html><html><body><pre id=out>pending</pre>
<iframe id=f src="review.html" width=1000 height=900></iframe>
<script>
document.getElementById('f').addEventListener('load', function () {
  var w = this.contentWindow, d = this.contentDocument;
  var out = document.getElementById('out');
  try {
    var who = d.querySelector('#reviewer');
    who.value = 'uji';
    who.dispatchEvent(new w.Event('input'));
    d.querySelector('[data-card="0"] button.same').click();
    d.dispatchEvent(new w.KeyboardEvent('keydown', {key: 'd', bubbles: true}));
    d.dispatchEvent(new w.KeyboardEvent('keydown', {key: 's', bubbles: true}));
    out.textContent = w.reviewCsv();
  } catch (e) { out.textContent = 'error: ' + e; }
});
</script></body></html>
"#;

#[test]
fn review_page_decides_by_click_and_key_and_exports_decisions_the_next_run_applies() {
    let Some(browser) = chromium_or_skip() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    small_city(dir);
    let run = |out: &str, decisions: Option<&Path>| {
        run_city(dir, &dir.join("aid.csv"), out, decisions);
    };
    run("out", None);
    let page = std::fs::read_to_string(dir.join("out/review.html")).expect("page");
    assert!(!page.contains("http"), "the page fetches nothing");
    std::fs::write(dir.join("out/driver.html"), DRIVER).expect("driver");
    let profile = dir.join("profile");
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("review-screenshot.png");
    let common: Vec<&str> = HEADLESS
        .into_iter()
        .chain(["--allow-file-access-from-files"])
        .collect();
    let dom = Process::new(&browser)
        .args(&common)
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", dir.join("out/driver.html").display()))
        .output()
        .expect("chromium");
    let dom = String::from_utf8_lossy(&dom.stdout).to_string();
    let start = dom.find("<pre id=\"out\">").expect("export block") + "<pre id=\"out\">".len();
    let end = start + dom[start..].find("</pre>").expect("end");
    let exported = dom[start..end]
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    assert!(
        exported.starts_with("row,aid_id,row_hash,candidate,decision,reviewer,time"),
        "{exported}"
    );

    // The three first cards of the queue, decided same / different / same.
    let queue = read(&dir.join("out/review.csv"));
    let keputusan = dir.join("keputusan.csv");
    std::fs::write(&keputusan, &exported).expect("write");
    let lines = read(&keputusan);
    let by_row = |row: &str| lines.iter().filter(|l| l["row"] == row).collect::<Vec<_>>();
    for (card, want) in queue.iter().take(3).zip(["same", "different", "same"]) {
        let got = by_row(&card["row"]);
        assert!(
            !got.is_empty(),
            "row {} not exported: {exported}",
            card["row"]
        );
        for l in &got {
            assert_eq!(l["decision"], want, "row {}", card["row"]);
            assert_eq!(l["row_hash"], card["row_hash"]);
            assert_eq!(l["aid_id"], card["aid_id"]);
            assert_eq!(l["reviewer"], "uji");
            assert!(!l["time"].is_empty());
        }
        if want == "same" {
            assert_eq!(got.len(), 1);
            assert_eq!(got[0]["candidate"], card["candidate1_ref"]);
        }
    }
    assert_eq!(
        lines.len(),
        queue
            .iter()
            .take(3)
            .map(|c| if c["candidate2_ref"].is_empty() { 1 } else { 2 })
            .zip([false, true, false])
            .map(|(n, different)| if different { n } else { 1 })
            .sum::<usize>()
    );

    // The next run applies them.
    run("out2", Some(&keputusan));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out2/summary.json")).expect("summary"))
            .expect("json");
    let d = &summary["review"]["decisions"];
    assert_eq!(d["read"], lines.len());
    assert_eq!(d["stale"], 0);
    assert_eq!(d["unknown"], 0);

    // A screenshot of the page, kept beside the test binaries.
    let status = Process::new(&browser)
        .args(&common)
        .arg(format!(
            "--user-data-dir={}",
            dir.join("profile2").display()
        ))
        .arg("--window-size=1100,1300")
        .arg("--hide-scrollbars")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", dir.join("out/review.html").display()))
        .status()
        .expect("chromium");
    assert!(status.success());
    assert!(std::fs::metadata(&shot).expect("screenshot").len() > 10_000);
}

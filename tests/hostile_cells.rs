//! Cells that a spreadsheet or a browser would act on, end to end: an aid list whose IDs
//! are `=HYPERLINK(...)` formulas and whose programs carry `@SUM(...)` and `<!--<script>`.
//! Every CSV output, plain and `--csv-excel`, writes them as text (a leading `'`), reads
//! back to the same values, and the review page keeps all its cards in Chromium.

use std::path::Path;
use std::process::Command as Process;

use dedupe::io::output::read_output_csv;

mod common;
use common::{chromium_or_skip, small_city, HEADLESS};

const CSV_OUTPUTS: [&str; 5] = [
    "decisions.csv",
    "verified.csv",
    "duplicates.csv",
    "rejected.csv",
    "review.csv",
];
const PROGRAM: &str = "@SUM(1+1)*cmd|' /C calc'!A0 <!--<script> </script>\u{2028}";

fn hostile_id(i: usize) -> String {
    format!("=HYPERLINK(\"http://x.example/{i}\",\"klik\")")
}

/// The small synthetic city's aid list in `dir` with hostile IDs and programs, as `path`;
/// its rows.
fn hostile_list(dir: &Path, path: &Path) -> usize {
    let text = std::fs::read_to_string(dir.join("aid.csv")).expect("aid.csv");
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let id = headers
        .iter()
        .position(|h| h == "ID_DTKS")
        .expect("ID_DTKS");
    let program = headers
        .iter()
        .position(|h| h == "PROGRAM")
        .expect("PROGRAM");
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_path(path)
        .expect("write");
    w.write_record(&headers).expect("header");
    let mut n = 0;
    for (i, rec) in r.records().enumerate() {
        let mut cells: Vec<String> = rec.expect("row").iter().map(String::from).collect();
        cells[id] = hostile_id(i);
        cells[program] = PROGRAM.to_string();
        w.write_record(&cells).expect("row");
        n += 1;
    }
    w.flush().expect("flush");
    n
}

fn run(aid: &Path, out: &Path, excel: bool) {
    let register = aid.with_file_name("population.parquet");
    let mut cmd = common::dedupe();
    cmd.arg(aid).arg(register).arg("-o").arg(out).arg("-q");
    if excel {
        cmd.arg("--csv-excel");
    }
    cmd.assert().success();
}

/// Whether a spreadsheet would run the cell as a formula.
fn live_formula(cell: &str, excel: bool) -> bool {
    let digits_as_text = excel
        && cell.starts_with("=\"")
        && cell.ends_with('"')
        && cell[2..cell.len() - 1].bytes().all(|b| b.is_ascii_digit());
    let number = cell.parse::<f64>().is_ok();
    cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && !digits_as_text && !number
}

#[test]
fn formula_cells_are_text_in_every_csv_output_and_read_back_the_same() {
    let tmp = tempfile::tempdir().expect("tempdir");
    small_city(tmp.path());
    let aid = tmp.path().join("hostile.csv");
    let rows = hostile_list(tmp.path(), &aid);
    for excel in [false, true] {
        let out = tmp.path().join(if excel { "excel" } else { "plain" });
        run(&aid, &out, excel);
        for name in CSV_OUTPUTS {
            let bytes = std::fs::read(out.join(name)).expect(name);
            let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
            let mut r = csv::ReaderBuilder::new()
                .delimiter(if excel { b';' } else { b',' })
                .flexible(true)
                .from_reader(body);
            let mut cells = 0;
            for rec in r.records() {
                for cell in rec.expect("record").iter() {
                    assert!(
                        !live_formula(cell, excel),
                        "{name} (excel {excel}): {cell:?}"
                    );
                    cells += 1;
                }
            }
            assert!(cells > 0, "{name} has cells");
        }
        // Read back as eval, explain, report and merge read them: the cells as they were.
        let (_, decisions) = read_output_csv(&out.join("decisions.csv")).expect("decisions");
        assert_eq!(decisions.len(), rows);
        for (i, d) in decisions.iter().enumerate() {
            assert_eq!(d["aid_id"], hostile_id(i), "row {i}");
        }
        let (_, verified) = read_output_csv(&out.join("verified.csv")).expect("verified");
        assert!(verified.iter().all(|v| v["PROGRAM"] == PROGRAM));
        common::dedupe().arg("report").arg(&out).assert().success();
    }
}

#[test]
fn the_review_page_keeps_every_card_whatever_its_cells_hold() {
    let tmp = tempfile::tempdir().expect("tempdir");
    small_city(tmp.path());
    let aid = tmp.path().join("hostile.csv");
    hostile_list(tmp.path(), &aid);
    let out = tmp.path().join("out");
    run(&aid, &out, false);
    let page = std::fs::read_to_string(out.join("review.html")).expect("page");
    let start = page.find("id=data>").expect("data block") + "id=data>".len();
    let end = start + page[start..].find("</script>").expect("end of block");
    let block = &page[start..end];
    assert!(
        !block.contains(['<', '>', '&', '\u{2028}', '\u{2029}']),
        "the data block holds no character that could end or comment it out"
    );
    let data: serde_json::Value = serde_json::from_str(block).expect("the block is JSON");
    let queued = data["rows"].as_array().expect("rows").len();
    assert!(queued > 0, "the small city's queue is not empty");
    assert!(
        block.contains("\\u003c!--\\u003cscript"),
        "the cell is kept, escaped"
    );
    let Some(browser) = chromium_or_skip() else {
        return;
    };
    let dom = Process::new(&browser)
        .args(HEADLESS)
        .arg(format!(
            "--user-data-dir={}",
            tmp.path().join("profile").display()
        ))
        .arg("--dump-dom")
        .arg(format!("file://{}", out.join("review.html").display()))
        .output()
        .expect("chromium");
    let dom = String::from_utf8_lossy(&dom.stdout);
    let cards = dom.matches("data-card=\"").count();
    assert_eq!(cards, queued, "every queued row is a card in the page");
}

#[test]
fn control_characters_of_a_cell_are_escaped_in_messages() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let decisions = tmp.path().join("keputusan.csv");
    // A reviewers' file whose decision cell forges a log line and drives the terminal.
    std::fs::write(
        &decisions,
        "row,aid_id,row_hash,candidate,decision\n1,A,h,c,\"x\u{1b}[31m\ndedupe: all clear\"\n",
    )
    .expect("write");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for format in ["human", "json"] {
        let out = common::dedupe()
            .arg(root.join("aid.csv"))
            .arg(root.join("population.parquet"))
            .arg("-o")
            .arg(tmp.path().join("out"))
            .args(["-q", "--log-format", format, "--decisions"])
            .arg(&decisions)
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(!stderr.contains('\u{1b}'), "{format}: {stderr:?}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{format}: {stderr:?}");
        let message = if format == "json" {
            let v: serde_json::Value = serde_json::from_str(stderr.trim()).expect("one object");
            v["message"].as_str().expect("message").to_string()
        } else {
            stderr.clone()
        };
        assert!(
            message.contains("x\\u{1b}[31m\\ndedupe"),
            "{format}: {message:?}"
        );
    }
}

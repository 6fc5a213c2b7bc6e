//! Reports for officials: totals in report.html and report.xlsx agree with decisions.csv and
//! the benefit amounts; NIKs are text in the workbook and masked in the page.

use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};
use dedupe::io::official::{rupiah, Lang};

mod common;
use common::fixture;

/// Savings computed here from the files, independently of the report code.
fn expected_savings(out: &Path, months: u64, amount: impl Fn(&str) -> u64) -> u64 {
    let (confirmed, pending) = expected_split(out, months, amount);
    confirmed + pending
}

/// The same, split: rows that stay unpaid whatever is corrected (duplicate, deceased, moved
/// out, someone else's NIK), and rows withheld until their NIK is corrected.
fn expected_split(out: &Path, months: u64, amount: impl Fn(&str) -> u64) -> (u64, u64) {
    let mut aid = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_path(fixture("aid.csv"))
        .expect("aid");
    let program_col = aid
        .headers()
        .expect("h")
        .iter()
        .position(|h| h.trim_start_matches('\u{feff}') == "PROGRAM")
        .expect("PROGRAM");
    let programs: Vec<String> = aid
        .records()
        .map(|r| r.expect("row")[program_col].to_string())
        .collect();
    let mut decisions = csv::Reader::from_path(out.join("decisions.csv")).expect("decisions");
    let (mut confirmed, mut pending) = (0, 0);
    for r in decisions.records().map(|r| r.expect("row")) {
        let rp = amount(&programs[r[0].parse::<usize>().expect("row") - 1]) * months;
        match &r[3] {
            "VERIFIED" => {}
            "DUPLICATE" | "DECEASED" | "MOVED_OUT" | "NAME_MISMATCH" => confirmed += rp,
            "INVALID_NIK" | "NIK_DAMAGED" | "NOT_IN_REGISTER" => pending += rp,
            other => panic!("status {other}"),
        }
    }
    (confirmed, pending)
}

#[test]
fn report_totals_match_decisions_and_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("benefits.toml");
    std::fs::write(&config, "[benefits]\nmonths = 6\ndefault = 100000\n[benefits.programs]\nPKH = 300000\nBPNT = 150000\n").expect("write");
    let out = dir.path().join("out");
    common::dedupe()
        .arg(fixture("aid.csv"))
        .arg(fixture("population.parquet"))
        .arg("-o")
        .arg(&out)
        .arg("-c")
        .arg(&config)
        .arg("-q")
        .assert()
        .success();
    let total = expected_savings(&out, 6, |p| match p {
        "PKH" => 300_000,
        "BPNT" => 150_000,
        _ => 100_000,
    });
    assert!(total > 0);
    let (confirmed, pending) = expected_split(&out, 6, |p| match p {
        "PKH" => 300_000,
        "BPNT" => 150_000,
        _ => 100_000,
    });
    assert!(confirmed > 0 && pending > 0, "{confirmed} {pending}");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).expect("summary"))
            .expect("json");
    assert_eq!(
        summary["savings"],
        serde_json::json!({"months": 6, "total_rp": total, "confirmed_rp": confirmed, "pending_rp": pending})
    );
    let html = std::fs::read_to_string(out.join("report.html")).expect("html");
    for (label, rp) in [
        ("Penghematan pasti", confirmed),
        ("Ditahan menunggu perbaikan NIK", pending),
    ] {
        let at = html.find(label).expect(label);
        assert!(
            html[at..].contains(&rupiah(rp, Lang::Id)),
            "{label}: {} not in the page",
            rupiah(rp, Lang::Id)
        );
    }
    assert!(
        html.contains(&rupiah(total, Lang::Id)),
        "total {} not in the page",
        rupiah(total, Lang::Id)
    );
    assert!(html.contains("Penghematan anggaran") && html.contains("<svg"));
    assert!(html.contains("Tanggal lahir kosong"), "data-quality rows");
    // Self-contained: no script, and the only address is the SVG namespace (not fetched).
    assert!(!html.contains("<script"));
    assert_eq!(
        html.matches("http").count(),
        html.matches("http://www.w3.org/2000/svg").count()
    );
    // No whole NIK in the page.
    let mut decisions = csv::Reader::from_path(out.join("decisions.csv")).expect("decisions");
    for r in decisions.records().map(|r| r.expect("row")) {
        for nik in [&r[2], &r[5]] {
            if nik.len() == 16 {
                assert!(!html.contains(nik), "a whole NIK in report.html");
            }
        }
    }
    // The workbook: five sheets, the same total, NIKs as 16-character text.
    let mut book: Xlsx<_> = open_workbook(out.join("report.xlsx")).expect("xlsx");
    assert_eq!(
        book.sheet_names(),
        vec![
            "Ringkasan",
            "Temuan Audit",
            "Terverifikasi",
            "Data Ganda",
            "Ditolak"
        ]
    );
    let summary_sheet = book.worksheet_range("Ringkasan").expect("Ringkasan");
    let found = summary_sheet.rows().any(|row| {
        row.iter()
            .any(|c| matches!(c, Data::Float(v) if *v as u64 == total))
    });
    assert!(found, "total {total} not in Ringkasan");
    for (label, rp) in [
        ("Penghematan pasti", confirmed),
        ("Ditahan menunggu", pending),
    ] {
        let row = summary_sheet_row(&summary_sheet, label);
        assert!(
            row.iter()
                .any(|c| matches!(c, Data::Float(v) if *v as u64 == rp)),
            "{label} {rp} not in Ringkasan: {row:?}"
        );
    }
    let verified = book
        .worksheet_range("Terverifikasi")
        .expect("Terverifikasi");
    let header: Vec<String> = verified
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(|c| c.to_string())
        .collect();
    let col = header
        .iter()
        .position(|h| h == "register_nik")
        .expect("register_nik column");
    let mut n = 0;
    for row in verified.rows().skip(1) {
        match &row[col] {
            Data::String(s) => assert_eq!(s.len(), 16, "{s}"),
            other => panic!("NIK stored as {other:?}, not text"),
        }
        n += 1;
    }
    assert!(n > 100);
}

/// The Ringkasan row whose first cell starts with `label`.
fn summary_sheet_row(sheet: &calamine::Range<Data>, label: &str) -> Vec<Data> {
    sheet
        .rows()
        .find(|r| matches!(r.first(), Some(Data::String(s)) if s.starts_with(label)))
        .unwrap_or_else(|| panic!("no row {label}"))
        .to_vec()
}

/// A run on the fixtures with the default config, outputs in `out`.
fn run_fixtures(out: &std::path::Path) {
    common::dedupe()
        .arg(fixture("aid.csv"))
        .arg(fixture("population.parquet"))
        .arg("-o")
        .arg(out)
        .arg("-q")
        .assert()
        .success();
}

#[test]
fn report_command_rebuilds_with_new_amounts_in_english() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    run_fixtures(&out);
    let config = dir.path().join("new.toml");
    std::fs::write(
        &config,
        "[benefits]\nmonths = 3\ndefault = 50000\nprograms = {}\n",
    )
    .expect("write");
    common::dedupe()
        .args([
            "report",
            out.to_str().expect("utf-8"),
            "-c",
            config.to_str().expect("utf-8"),
            "--lang",
            "en",
        ])
        .assert()
        .success();
    let total = expected_savings(&out, 3, |_| 50_000);
    let html = std::fs::read_to_string(out.join("report.html")).expect("html");
    assert!(html.contains("Budget savings"));
    assert!(
        html.contains(&rupiah(total, Lang::En)),
        "{}",
        rupiah(total, Lang::En)
    );
}

#[test]
fn reports_from_memory_equal_reports_rebuilt_from_the_files() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("out");
    run_fixtures(&out);
    let from_memory = std::fs::read_to_string(out.join("report.html")).expect("html");
    let sheets = |path: &std::path::Path| {
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path).expect("xlsx");
        wb.sheet_names()
            .into_iter()
            .map(|name| {
                let range = wb.worksheet_range(&name).expect("sheet");
                let cells: Vec<String> = range.rows().flatten().map(|c| c.to_string()).collect();
                (name, cells)
            })
            .collect::<Vec<_>>()
    };
    let book_from_memory = sheets(&out.join("report.xlsx"));
    common::dedupe()
        .args(["report", out.to_str().expect("utf-8")])
        .assert()
        .success();
    let rebuilt = std::fs::read_to_string(out.join("report.html")).expect("html");
    assert_eq!(
        from_memory, rebuilt,
        "report.html differs between run and rebuild"
    );
    let book_rebuilt = sheets(&out.join("report.xlsx"));
    assert_eq!(book_from_memory.len(), 5);
    assert!(book_from_memory[2].1.len() > 100, "rows in Terverifikasi");
    assert_eq!(book_from_memory, book_rebuilt, "report.xlsx cells differ");
}

#[test]
fn a_megabyte_cell_is_cut_in_the_workbook_and_never_fails_the_run() {
    let dir = tempfile::tempdir().expect("tmp");
    // The fixtures' aid list with a 1 MB address in its first row.
    let text = std::fs::read_to_string(fixture("aid.csv")).expect("fixture");
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let mut cells: Vec<String> = lines[1].split(';').map(String::from).collect();
    cells[7] = format!("JL. PANJANG {}", "X".repeat(1 << 20));
    lines[1] = cells.join(";");
    let aid = dir.path().join("aid.csv");
    std::fs::write(&aid, lines.join("\n") + "\n").expect("write");
    let out = dir.path().join("out");
    common::dedupe()
        .arg(&aid)
        .arg(fixture("population.parquet"))
        .arg("-o")
        .arg(&out)
        .arg("-q")
        .assert()
        .success();
    // The CSVs keep the cell whole; the workbook cuts it at Excel's limit with a marker.
    let decisions = std::fs::read_to_string(out.join("decisions.csv")).expect("csv");
    assert_eq!(decisions.lines().count(), lines.len());
    let mut wb: Xlsx<_> = open_workbook(out.join("report.xlsx")).expect("xlsx");
    let mut longest = 0;
    for name in wb.sheet_names() {
        for row in wb.worksheet_range(&name).expect("sheet").rows() {
            for c in row {
                if let Data::String(s) = c {
                    if s.starts_with("JL. PANJANG") {
                        assert!(s.ends_with(" [...]"), "cut with a marker");
                        longest = longest.max(s.chars().count());
                    }
                }
            }
        }
    }
    assert!(longest > 30_000 && longest <= 32_767, "{longest}");
}

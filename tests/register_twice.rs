//! People the register holds twice, as a table: each case is a register of a few records,
//! one aid row under the first record's NIK, whether the register's two records are found
//! to be one person, and the row's status, reason and register link.

use calamine::{open_workbook, Data, Reader, Xlsx};
use dedupe::commands::run::match_tables_with_model;
use dedupe::core::config::FileConfig;
use dedupe::core::progress::Progress;
use dedupe::io::load::Table;
use dedupe::matching::score::Model;

mod common;

const HEADER: [&str; 9] = [
    "NIK",
    "NO_KK",
    "NAMA_LGKP",
    "TGL_LHR",
    "JENIS_KLMIN",
    "ALAMAT",
    "KELURAHAN",
    "TMPT_LHR",
    "STATUS",
];
const AID_HEADER: [&str; 6] = [
    "NIK",
    "NAMA",
    "TGL_LAHIR",
    "JENIS_KELAMIN",
    "ALAMAT",
    "KELURAHAN",
];

/// (NIK, KK, name, birth date, sex, street, kelurahan, birth place, status)
type Record = [&'static str; 9];

/// People who make the register a register (its priors: few records closed, most people
/// in the first regency): 120 households, 100 in the city and 20 in the other regency.
fn others() -> Vec<Record> {
    const FIRST: [&str; 10] = [
        "BUDI", "SRI", "AGUS", "DEWI", "RUDI", "NUR", "EKO", "SITI", "JOKO", "RINA",
    ];
    const LAST: [&str; 12] = [
        "SANTOSO", "WAHYUNI", "SALIM", "LESTARI", "HARTONO", "HAYATI", "PRASETYO", "AMINAH",
        "SUSILO", "MARLINA", "GUNAWAN", "PURNAMA",
    ];
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    (0..120)
        .map(|k| {
            let (region, kel) = if k < 100 {
                ("647105", "SEPINGGAN")
            } else {
                ("647201", "SUNGAI PINANG")
            };
            let day = 1 + k % 28;
            [
                leak(format!("{region}{day:02}03{:02}{:04}", 60 + k % 40, k + 1)),
                leak(format!("{region}0101{:02}{:04}", 10 + k % 10, k + 1)),
                leak(format!("{} {}", FIRST[k % 10], LAST[k / 10])),
                leak(format!("{day:02}-03-19{:02}", 60 + k % 40)),
                if k % 2 == 0 { "L" } else { "P" },
                "JL. MAWAR NO. 1",
                kel,
                "BALIKPAPAN",
                "HIDUP",
            ]
        })
        .collect()
}

const OLD: &str = "6471051508750001";
const OLD_KK: &str = "6471050101100001";
const NEW: &str = "6472011508750002";
const NEW_KK: &str = "6472011506200003";

/// What must come of a case: the pair found, and the aid row's (status, reason, NIK).
type Want = (bool, (&'static str, &'static str, &'static str));

fn cases() -> Vec<(&'static str, Vec<Record>, Want)> {
    let old = |name, date, status| {
        [
            OLD,
            OLD_KK,
            name,
            date,
            "L",
            "JL. MELATI NO. 3",
            "SEPINGGAN",
            "SURABAYA",
            status,
        ]
    };
    let new = |name, date| {
        [
            NEW,
            NEW_KK,
            name,
            date,
            "L",
            "JL. KENARI NO. 9",
            "SUNGAI PINANG",
            "SURABAYA",
            "HIDUP",
        ]
    };
    let superseded = (true, ("VERIFIED", "NIK_SUPERSEDED", NEW));
    vec![
        (
            "moved and registered again, the old record closed",
            vec![
                old("HENDRA WIJAYA", "15-08-1975", "PINDAH"),
                new("HENDRA WIJAYA", "15-08-1975"),
            ],
            superseded,
        ),
        (
            "registered again under a name spelt otherwise, both records open",
            vec![
                old("SOEKARNO HADI", "15-08-1975", "HIDUP"),
                new("SUKARNO HADI", "15-08-1975"),
            ],
            superseded,
        ),
        (
            "registered again with the birth date corrected, the old record closed",
            vec![
                old("HENDRA WIJAYA", "15-08-1975", "PINDAH"),
                new("HENDRA WIJAYA", "25-08-1975"),
            ],
            superseded,
        ),
        (
            "twins: one household, one birth date, other names",
            vec![
                old("HENDRA WIJAYA", "15-08-1975", "HIDUP"),
                [
                    "6471051508750003",
                    OLD_KK,
                    "HENDRI WIJAYA",
                    "15-08-1975",
                    "L",
                    "JL. MELATI NO. 3",
                    "SEPINGGAN",
                    "SURABAYA",
                    "HIDUP",
                ],
            ],
            (false, ("VERIFIED", "NIK_AND_NAME_MATCH", OLD)),
        ),
        (
            "a father and his son of one name, other birth dates",
            vec![
                old("HENDRA WIJAYA", "15-08-1975", "HIDUP"),
                [
                    NEW,
                    NEW_KK,
                    "HENDRA WIJAYA",
                    "02-02-2001",
                    "L",
                    "JL. KENARI NO. 9",
                    "SUNGAI PINANG",
                    "SURABAYA",
                    "HIDUP",
                ],
            ],
            (false, ("VERIFIED", "NIK_AND_NAME_MATCH", OLD)),
        ),
        (
            "namesakes born the same day in another kecamatan of the regency, born elsewhere",
            vec![
                old("HENDRA WIJAYA", "15-08-1975", "HIDUP"),
                [
                    "6471031508750004",
                    "6471030101120004",
                    "HENDRA WIJAYA",
                    "15-08-1975",
                    "L",
                    "JL. ANGGREK NO. 7",
                    "DAMAI",
                    "MEDAN",
                    "HIDUP",
                ],
            ],
            (false, ("VERIFIED", "NIK_AND_NAME_MATCH", OLD)),
        ),
        (
            "both records open: the one whose KK was issued later is in force",
            vec![
                new("HENDRA WIJAYA", "15-08-1975"),
                old("HENDRA WIJAYA", "15-08-1975", "HIDUP"),
            ],
            (true, ("VERIFIED", "NIK_AND_NAME_MATCH", NEW)),
        ),
        (
            "the row under the NIK in force while the old record says moved out",
            vec![
                new("HENDRA WIJAYA", "15-08-1975"),
                old("HENDRA WIJAYA", "15-08-1975", "PINDAH"),
            ],
            (true, ("VERIFIED", "NIK_AND_NAME_MATCH", NEW)),
        ),
    ]
}

#[test]
fn register_records_of_one_person_are_found_and_the_row_goes_to_the_nik_in_force() {
    let mut wrong = Vec::new();
    for (what, records, (found, want)) in cases() {
        let first = records[0];
        let mut rows: Vec<Vec<&str>> = records.iter().map(|r| r.to_vec()).collect();
        rows.extend(others().iter().map(|r| r.to_vec()));
        let register = Table::from_rows("register.csv", &HEADER, &rows);
        let aid_row = vec![first[0], first[2], first[3], first[4], first[5], first[6]];
        let aid = Table::from_rows("aid.csv", &AID_HEADER, &[aid_row]);
        let out = match_tables_with_model(
            &aid,
            &register,
            &FileConfig::default(),
            Some(Model::default()),
            &Progress::hidden(),
        )
        .expect("columns found");
        let pairs = out.register_twice.as_ref().map_or(0, |t| t.pairs.len());
        let d = &out.decisions[0];
        let linked = d.register.map_or("", |r| rows[r][0]);
        let got = (d.status.code(), d.reason, linked);
        if (pairs > 0) != found || got != want {
            let evidence = out
                .register_twice
                .as_ref()
                .and_then(|t| t.pairs.first())
                .map(|p| p.evidence.clone());
            wrong.push(format!(
                "{what}: pairs {pairs}, got {got:?}, want {found} {want:?} ({evidence:?})"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// `register.csv` and `aid.csv` in `d`: HENDRA WIJAYA registered in the city (moved out)
/// and again in the other regency, among [`others`]; the aid list holds a row under his
/// old NIK, and with `everyone` a row for each of the others too.
fn write_pair_files(d: &std::path::Path, everyone: bool) {
    let old = [
        OLD,
        OLD_KK,
        "HENDRA WIJAYA",
        "15-08-1975",
        "L",
        "JL. MELATI NO. 3",
        "SEPINGGAN",
        "SURABAYA",
        "PINDAH",
    ];
    let new = [
        NEW,
        NEW_KK,
        "HENDRA WIJAYA",
        "15-08-1975",
        "L",
        "JL. KENARI NO. 9",
        "SUNGAI PINANG",
        "SURABAYA",
        "HIDUP",
    ];
    let mut register = HEADER.join(";") + "\n";
    for r in [old, new].into_iter().chain(others()) {
        register += &(r.join(";") + "\n");
    }
    let mut aid = format!(
        "{}\n{};HENDRA WIJAYA;15-08-1975;L;JL. MELATI NO. 3;SEPINGGAN\n",
        AID_HEADER.join(";"),
        OLD
    );
    if everyone {
        for r in others() {
            aid += &([r[0], r[2], r[3], r[4], r[5], r[6]].join(";") + "\n");
        }
    }
    std::fs::write(d.join("register.csv"), register).expect("write");
    std::fs::write(d.join("aid.csv"), aid).expect("write");
}

/// A partitioned run (4 parts, the regencies routed apart) moves the row under the old
/// NIK to the record in force and writes the register's pairs, byte for byte as one run.
#[test]
fn parts_merged_find_the_pair_as_one_run() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    write_pair_files(d, true);
    let pdir = d.join("parts");
    common::dedupe()
        .args(["partition", "-q", "--parts", "4", "-o"])
        .arg(&pdir)
        .arg(d.join("aid.csv"))
        .arg(d.join("register.csv"))
        .assert()
        .success();
    for k in 0..4 {
        common::dedupe()
            .args(["part", "-q"])
            .arg(&pdir)
            .arg(k.to_string())
            .assert()
            .success();
    }
    common::dedupe()
        .args(["merge", "-q"])
        .arg(&pdir)
        .arg("-o")
        .arg(d.join("merged"))
        .assert()
        .success()
        .stderr("");
    common::dedupe()
        .arg(d.join("aid.csv"))
        .arg(d.join("register.csv"))
        .arg("-o")
        .arg(d.join("one"))
        .arg("-q")
        .assert()
        .success();
    let read = |dir: &str, f: &str| std::fs::read(d.join(dir).join(f)).expect(f);
    for f in common::RUN_OUTPUTS
        .iter()
        .copied()
        .chain(["register-duplicates.csv"])
    {
        assert!(read("merged", f) == read("one", f), "{f} differs");
    }
    let decisions = String::from_utf8(read("merged", "decisions.csv")).expect("utf-8");
    let row = decisions.lines().nth(1).expect("row 1");
    assert!(
        row.contains(",NIK_SUPERSEDED,") && row.contains(NEW),
        "{row}"
    );
    let summary = |dir: &str| -> serde_json::Value {
        serde_json::from_slice(&read(dir, "summary.json")).expect("json")
    };
    let (merged, one) = (summary("merged"), summary("one"));
    assert_eq!(merged["register_twice"]["pairs"], 1);
    assert_eq!(merged["register_twice"], one["register_twice"]);
    assert_eq!(merged["outputs"], one["outputs"]);
}

/// A run on files: the pair is in `register-duplicates.csv`, the officials' report counts
/// it without a NIK, and `dedupe explain` shows it for the row under the old NIK.
#[test]
fn the_pair_reaches_the_work_list_the_report_and_explain() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    write_pair_files(d, false);
    let out = d.join("out");
    common::dedupe()
        .arg(d.join("aid.csv"))
        .arg(d.join("register.csv"))
        .arg("-o")
        .arg(&out)
        .arg("-q")
        .assert()
        .success();
    let list = std::fs::read_to_string(out.join("register-duplicates.csv")).expect("list");
    let line = list.lines().nth(1).expect("one pair");
    assert!(
        line.starts_with(&format!("REGISTERED_AGAIN,{NEW},{OLD},")),
        "{line}"
    );
    assert!(
        line.contains(",1,registered_twice;"),
        "the aid row and the weights: {line}"
    );
    let report = std::fs::read_to_string(out.join("report.html")).expect("report");
    assert!(
        report.contains("Penduduk tercatat di dua tempat"),
        "report section"
    );
    assert!(
        !report.contains(OLD) && !report.contains(NEW),
        "no whole NIK in the report"
    );
    // The workbook's summary sheet counts the pair and the row moved to the NIK in force.
    let mut book: Xlsx<_> = open_workbook(out.join("report.xlsx")).expect("xlsx");
    let sheet = book.worksheet_range("Ringkasan").expect("Ringkasan");
    let count = |label: &str| {
        sheet
            .rows()
            .find(|r| matches!(r.first(), Some(Data::String(s)) if s.starts_with(label)))
            .and_then(|r| r.get(1).cloned())
    };
    assert!(
        sheet
            .rows()
            .any(|r| matches!(r.first(), Some(Data::String(s)) if s.starts_with("Penduduk tercatat di dua tempat"))),
        "the section's title"
    );
    assert_eq!(count("penduduk dengan dua NIK"), Some(Data::Float(1.0)));
    assert_eq!(count("kedua NIK masih aktif"), Some(Data::Float(0.0)));
    assert_eq!(
        count("baris bantuan dengan NIK lama"),
        Some(Data::Float(1.0))
    );
    let explain = common::dedupe()
        .args(["explain"])
        .arg(&out)
        .arg("1")
        .assert()
        .success();
    let text = String::from_utf8_lossy(&explain.get_output().stdout).into_owned();
    assert!(
        text.contains("NIK_SUPERSEDED") && text.contains("holds this person twice"),
        "{text}"
    );
}

/// A synthetic province of three regencies: the search finds most people the register
/// holds twice among those the list reaches, and `dedupe eval` scores the findings against
/// `register-truth.csv`, few of them two people.
#[test]
fn synthetic_people_registered_twice_are_found_and_scored() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    common::dedupe()
        .args([
            "synth",
            "--persons",
            "40000",
            "--regencies",
            "3",
            "--seed",
            "2",
        ])
        .arg("-o")
        .arg(dir)
        .assert()
        .success();
    let truth = common::read_maps(&dir.join("register-truth.csv"));
    assert_eq!(truth.len(), 40_000 / 250, "pairs of records of one person");
    assert!(truth.iter().all(|t| t["nik_old"] != t["nik_new"]));
    let out = dir.join("out");
    common::run_ok(&dir.join("aid.csv"), &dir.join("population.parquet"), &out);
    common::dedupe()
        .arg("eval")
        .arg(&out)
        .arg(dir.join("truth.csv"))
        .assert()
        .success();
    let eval: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("eval.json")).unwrap()).unwrap();
    let r = &eval["register"];
    let count = |k: &str| r[k].as_u64().unwrap_or_else(|| panic!("{k} in {r}"));
    assert_eq!(count("true_pairs"), 160, "{r}");
    let (reached, found) = (count("reached_pairs"), count("found"));
    // 52 of 52 here (49 before the household, aid-list and prior evidence).
    assert!(reached > 20 && found as f64 >= 0.97 * reached as f64, "{r}");
    assert!(
        count("two_people") as f64 <= 0.02 * count("findings") as f64,
        "{r}"
    );
}

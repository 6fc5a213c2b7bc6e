//! `id_kind = "generic"`: person records of any country (FEBRL-style columns: first and last
//! name apart, several address columns, a plain identifier) link without NIK rules.

use std::path::Path;

mod common;
use dedupe::commands::synth::Rng;

const GIVEN: &[&str] = &[
    "james", "olivia", "liam", "emma", "noah", "ava", "lucas", "mia", "ethan", "zoe", "oscar",
    "ruby",
];
const SURNAME: &[&str] = &[
    "smith", "jones", "williams", "brown", "wilson", "taylor", "nguyen", "johnson", "martin",
    "white", "kelly", "ryan", "walker", "harris",
];
const STREET: &[&str] = &[
    "banks street",
    "florey crescent",
    "mcmillan place",
    "duffy street",
    "chisholm road",
];
const SUBURB: &[&str] = &["kaleen", "belconnen", "toowoomba", "geelong", "ballarat"];

fn write(path: &Path, rows: &[[String; 8]]) {
    let mut w = csv::Writer::from_path(path).expect("csv");
    w.write_record([
        "rec_id",
        "given_name",
        "surname",
        "street_number",
        "address_1",
        "suburb",
        "date_of_birth",
        "soc_sec_id",
    ])
    .expect("header");
    for r in rows {
        w.write_record(r).expect("row");
    }
    w.flush().expect("flush");
}

/// 400 people with plain 7-digit identifiers.
fn people() -> Vec<[String; 8]> {
    let mut rng = Rng::new(3);
    (0..400)
        .map(|i| {
            [
                format!("rec-{i}-org"),
                rng.pick(GIVEN).to_string(),
                rng.pick(SURNAME).to_string(),
                (1 + rng.below(90)).to_string(),
                rng.pick(STREET).to_string(),
                rng.pick(SUBURB).to_string(),
                format!(
                    "19{:02}{:02}{:02}",
                    30 + rng.below(70),
                    1 + rng.below(12),
                    1 + rng.below(28)
                ),
                format!("{}", 1_000_000 + i * 7_919 % 8_999_999),
            ]
        })
        .collect()
}

/// The config mapping FEBRL-style columns, with `id_kind = "generic"`.
fn generic_config(dir: &Path) -> std::path::PathBuf {
    let config = dir.join("generic.toml");
    let columns = "nik = \"soc_sec_id\"\nname = [\"given_name\", \"surname\"]\naddress = [\"street_number\", \"address_1\"]\nkelurahan = \"suburb\"\nbirth_date = \"date_of_birth\"\naid_id = \"rec_id\"\n";
    std::fs::write(
        &config,
        format!("id_kind = \"generic\"\n[aid.columns]\n{columns}[register.columns]\n{columns}"),
    )
    .expect("config");
    config
}

/// Run on a list against `people`; the rows of decisions.csv.
fn run(dir: &Path, list: &[[String; 8]], people: &[[String; 8]]) -> Vec<csv::StringRecord> {
    run_with(dir, list, people, true)
}

/// [`run`], with the generic config or with none (the columns found by their headers).
fn run_with(
    dir: &Path,
    list: &[[String; 8]],
    people: &[[String; 8]],
    config: bool,
) -> Vec<csv::StringRecord> {
    let (aid, register) = (dir.join("list.csv"), dir.join("people.csv"));
    write(&aid, list);
    write(&register, people);
    let out = dir.join(if config { "out" } else { "out-auto" });
    let mut cmd = common::dedupe();
    cmd.arg(&aid).arg(&register).arg("-o").arg(&out).arg("-q");
    if config {
        cmd.arg("-c").arg(generic_config(dir));
    }
    cmd.assert().success();
    let mut r = csv::Reader::from_path(out.join("decisions.csv")).expect("decisions");
    r.records().map(|x| x.expect("row")).collect()
}

#[test]
fn english_headers_need_no_config() {
    // given_name + surname make the name, street_number + address_1 the address, suburb
    // the area, date_of_birth the birth date, rec_id the row's ID, and soc_sec_id a plain
    // identifier (no NIK rules): the decisions are those of the config that says so.
    let dir = tempfile::tempdir().expect("tempdir");
    let people = people();
    let mut list: Vec<[String; 8]> = people[..40].to_vec();
    for p in &people[40..50] {
        let mut r = p.clone();
        r[7] = format!("{}9", &r[7][..r[7].len() - 1]);
        r[1] = r[1].to_uppercase();
        list.push(r);
    }
    let with = run_with(dir.path(), &list, &people, true);
    let without = run_with(dir.path(), &list, &people, false);
    assert_eq!(with.len(), 50);
    assert_eq!(with, without);
    let verified = without.iter().filter(|r| &r[3] == "VERIFIED").count();
    assert!(verified >= 45, "{verified} of 50 verified");
    // A plain identifier is never rejected as a malformed NIK.
    assert!(without.iter().all(|r| &r[3] != "INVALID_NIK"));
}

#[test]
fn an_identifier_one_error_away_finds_its_person_but_never_joins_a_stranger_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let people = people();
    let swap = |id: &str, i: usize| {
        let mut b = id.as_bytes().to_vec();
        b.swap(i, i + 1);
        String::from_utf8(b).expect("ascii")
    };
    // The person behind row 81: the given name mistyped, no birth date, identifier digits
    // swapped; surname, street and suburb as the register has them.
    let mut moved = people[100].clone();
    moved[0] = "rec-a".into();
    moved[1] = format!("{}x", moved[1]);
    moved[6] = String::new();
    moved[7] = swap(&people[100][7], 2);
    assert_ne!(moved[7], people[100][7]);
    // Row 2: a stranger whose identifier is one digit from someone's, nothing else alike.
    let mut id: Vec<u8> = people[200][7].clone().into_bytes();
    id[6] = if id[6] == b'9' { b'0' } else { id[6] + 1 };
    let stranger = [
        "rec-b".to_string(),
        "zebedee".into(),
        "quixote".into(),
        "999".into(),
        "nowhere lane".into(),
        "alice springs".into(),
        "19000101".into(),
        String::from_utf8(id).expect("ascii"),
    ];
    // 80 people as they are come first: the model is estimated from their links.
    let mut list: Vec<[String; 8]> = people[..80].to_vec();
    list.push(moved);
    list.push(stranger);
    let rows = run(dir.path(), &list, &people);
    assert_eq!(
        (&rows[80][3], &rows[80][4], &rows[80][5]),
        ("VERIFIED", "NIK_CORRECTED", people[100][7].as_str()),
        "{:?}",
        rows[80]
    );
    assert_eq!(
        (&rows[81][3], &rows[81][5]),
        ("NOT_IN_REGISTER", ""),
        "{:?}",
        rows[81]
    );
}

#[test]
fn generic_ids_link_exactly_and_by_fuzzy_matching() {
    let dir = tempfile::tempdir().expect("tempdir");
    let people = people();
    // The list: 60 people as they are, 5 with one identifier digit mistyped, 5 strangers.
    let mut list: Vec<[String; 8]> = people[..60].to_vec();
    for p in &people[60..65] {
        let mut r = p.clone();
        let mut id: Vec<u8> = r[7].clone().into_bytes();
        id[3] = if id[3] == b'9' { b'1' } else { id[3] + 1 };
        r[7] = String::from_utf8(id).expect("ascii");
        r[2] = r[2].to_uppercase();
        list.push(r);
    }
    for k in 0..5 {
        list.push([
            format!("rec-x{k}"),
            "zebedee".into(),
            format!("quixote{k}"),
            "1".into(),
            "nowhere lane".into(),
            "alice springs".into(),
            "19000101".into(),
            format!("{}", 90_000_000 + k),
        ]);
    }
    let rows = run(dir.path(), &list, &people);
    assert_eq!(rows.len(), 70);
    for (i, row) in rows.iter().enumerate() {
        let (status, reason, register_id) = (&row[3], &row[4], &row[5]);
        match i {
            0..=59 => {
                assert_eq!(
                    (status, register_id),
                    ("VERIFIED", people[i][7].as_str()),
                    "row {}",
                    i + 1
                );
                assert_eq!(reason, "NIK_AND_NAME_MATCH");
            }
            60..=64 => {
                assert_eq!(
                    (status, reason),
                    ("VERIFIED", "NIK_CORRECTED"),
                    "row {}: {:?}",
                    i + 1,
                    row
                );
                assert_eq!(register_id, people[i][7].as_str(), "row {}", i + 1);
            }
            _ => assert_eq!(
                (status, register_id),
                ("NOT_IN_REGISTER", ""),
                "row {}",
                i + 1
            ),
        }
    }
}

#[test]
fn plain_identifiers_with_letters_spread_over_parts_and_merge_to_one_runs_decisions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    // Identifiers such as "AU-1007919": not digits, so not regions either.
    let people: Vec<[String; 8]> = people()
        .into_iter()
        .map(|mut p| {
            p[7] = format!("AU-{}", p[7]);
            p
        })
        .collect();
    let mut list: Vec<[String; 8]> = people[..150].to_vec();
    // Twenty of them twice: same person, a new record id.
    for (i, p) in people[..20].iter().enumerate() {
        let mut again = p.clone();
        again[0] = format!("rec-{i}-dup");
        list.push(again);
    }
    let (aid, register) = (d.join("list.csv"), d.join("people.csv"));
    write(&aid, &list);
    write(&register, &people);
    let config = generic_config(d);
    let dedupe = || common::dedupe();
    dedupe()
        .args(["partition", "-q", "--parts", "3", "-o"])
        .arg(d.join("parts"))
        .arg(&aid)
        .arg(&register)
        .arg("-c")
        .arg(&config)
        .assert()
        .success();
    for k in ["0", "1", "2"] {
        dedupe()
            .args(["part", "-q"])
            .arg(d.join("parts"))
            .arg(k)
            .assert()
            .success();
    }
    dedupe()
        .arg("merge")
        .arg(d.join("parts"))
        .arg("-o")
        .arg(d.join("merged"))
        .assert()
        .success();
    dedupe()
        .arg(&aid)
        .arg(&register)
        .arg("-c")
        .arg(&config)
        .arg("-o")
        .arg(d.join("one"))
        .arg("-q")
        .assert()
        .success();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("parts/manifest.json")).expect("manifest"))
            .expect("json");
    for n in manifest["aid_rows"].as_array().expect("aid_rows") {
        assert!(n.as_u64().unwrap() > 20, "rows were not spread: {manifest}");
    }
    let read = |p: &str| std::fs::read(d.join(p).join("decisions.csv")).expect(p);
    assert!(read("merged") == read("one"), "decisions differ");
    let text = String::from_utf8(read("merged")).expect("utf8");
    assert_eq!(text.matches(",DUPLICATE,").count(), 20, "{text}");
}

#[test]
fn records_without_any_identifier_link_on_their_other_fields() {
    // No identifier column at all, English headers, no config: each copy finds its
    // person (named by `register_row`), a copy with a mistyped name too, two copies of
    // one person in the list are one group, and a stranger is NOT_IN_REGISTER.
    let dir = tempfile::tempdir().expect("tempdir");
    let people = people();
    let write7 = |path: &Path, rows: &[[String; 8]]| {
        let mut w = csv::Writer::from_path(path).expect("csv");
        w.write_record([
            "rec_id",
            "first_name",
            "last_name",
            "street_number",
            "address_1",
            "city",
            "dob",
        ])
        .expect("header");
        for r in rows {
            w.write_record(&r[..7]).expect("row");
        }
        w.flush().expect("flush");
    };
    // People unique by name and birth date, so that each copy has one right answer.
    let mut seen = std::collections::HashSet::new();
    let unique: Vec<usize> = (0..people.len())
        .filter(|&i| {
            seen.insert((
                people[i][1].clone(),
                people[i][2].clone(),
                people[i][6].clone(),
            ))
        })
        .collect();
    let mut list: Vec<[String; 8]> = unique[..30].iter().map(|&i| people[i].clone()).collect();
    let mut typo = people[unique[30]].clone();
    typo[2] = format!("{}h", typo[2]);
    list.push(typo);
    list.push(people[unique[0]].clone());
    list.push([
        "rec-x".into(),
        "zebedee".into(),
        "quixote".into(),
        "1".into(),
        "nowhere lane".into(),
        "alice springs".into(),
        "19000101".into(),
        String::new(),
    ]);
    let (aid, register, out) = (
        dir.path().join("list.csv"),
        dir.path().join("people.csv"),
        dir.path().join("out"),
    );
    write7(&aid, &list);
    write7(&register, &people);
    common::run_ok(&aid, &register, &out);
    let mut r = csv::Reader::from_path(out.join("decisions.csv")).expect("decisions");
    let header = r.headers().expect("header").clone();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (status, reg_row, group) = (col("status"), col("register_row"), col("group_id"));
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
    assert_eq!(rows.len(), 33);
    for (k, row) in rows.iter().enumerate().take(31) {
        let want = (if k < 30 { unique[k] } else { unique[30] } + 1).to_string();
        assert_eq!(&row[status], "VERIFIED", "row {}: {row:?}", k + 1);
        assert_eq!(
            &row[col("reason")],
            "FIELDS_MATCH",
            "row {}: {row:?}",
            k + 1
        );
        assert_eq!(&row[reg_row], want.as_str(), "row {}: {row:?}", k + 1);
    }
    assert_eq!(&rows[31][status], "DUPLICATE", "{:?}", rows[31]);
    assert!(!rows[0][group].is_empty() && rows[0][group] == rows[31][group]);
    assert_eq!(
        (&rows[32][status], &rows[32][reg_row]),
        ("NOT_IN_REGISTER", "")
    );
    // A NIK list without its NIK column is still refused, its name whole or in parts.
    for text in [
        "NAMA;ALAMAT\nSITI;JL. A\n",
        "NAMA DEPAN;NAMA BELAKANG\nSITI;AMINAH\n",
    ] {
        std::fs::write(&aid, text).expect("write");
        common::dedupe()
            .arg(&aid)
            .arg(&register)
            .arg("-o")
            .arg(dir.path().join("out2"))
            .arg("-q")
            .assert()
            .code(2)
            .stderr(predicates::str::contains("`nik`"));
    }
}

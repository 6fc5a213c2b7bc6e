//! `id_kind = "generic"`: person records of any country (FEBRL-style columns: first and last
//! name apart, several address columns, a plain identifier) link without NIK rules.

use std::path::Path;

use assert_cmd::Command;
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

#[test]
fn generic_ids_link_exactly_and_by_fuzzy_matching() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut rng = Rng::new(3);
    let people: Vec<[String; 8]> = (0..400)
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
        .collect();
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
    let (aid, register) = (dir.path().join("list.csv"), dir.path().join("people.csv"));
    write(&aid, &list);
    write(&register, &people);
    let config = dir.path().join("generic.toml");
    let columns = "nik = \"soc_sec_id\"\nname = [\"given_name\", \"surname\"]\naddress = [\"street_number\", \"address_1\"]\nkelurahan = \"suburb\"\nbirth_date = \"date_of_birth\"\naid_id = \"rec_id\"\n";
    std::fs::write(
        &config,
        format!("id_kind = \"generic\"\n[aid.columns]\n{columns}[register.columns]\n{columns}"),
    )
    .expect("config");
    let out = dir.path().join("out");
    Command::cargo_bin("dedupe")
        .expect("binary")
        .arg(&aid)
        .arg(&register)
        .arg("-o")
        .arg(&out)
        .arg("-c")
        .arg(&config)
        .arg("-q")
        .assert()
        .success();
    let mut r = csv::Reader::from_path(out.join("decisions.csv")).expect("decisions");
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
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

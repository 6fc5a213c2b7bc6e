//! `dedupe synth`: reproducible files, real NIK and household structure, every defect kind
//! at its configured rate, truth consistent with the files.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use dedupe::commands::synth::{run, SynthConfig};
use dedupe::core::config::{Field, InputConfig};
use dedupe::io::load::{read_csv, read_parquet};
use dedupe::normalize::date::parse_date;
use dedupe::normalize::name::{name_similarity, normalize_name};
use dedupe::normalize::nik::{normalize_kk, parse_nik, CellKind, NikParse};

fn generate(dir: &Path, seed: u64) {
    generate_in(dir, seed, 1);
}

fn generate_in(dir: &Path, seed: u64, regencies: usize) {
    run(&SynthConfig {
        persons: 40_000,
        aid: 8_000,
        seed,
        out_dir: dir.to_path_buf(),
        regencies,
        month: 1,
    })
    .expect("synth");
}

fn truth(dir: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(dir.join("truth.csv")).expect("truth");
    let h = r.headers().expect("headers").clone();
    r.records()
        .map(|rec| {
            h.iter()
                .zip(rec.expect("rec").iter())
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    generate(a.path(), 5);
    generate(b.path(), 5);
    generate(c.path(), 6);
    for f in ["population.parquet", "aid.csv", "truth.csv"] {
        let x = std::fs::read(a.path().join(f)).unwrap();
        assert!(
            x == std::fs::read(b.path().join(f)).unwrap(),
            "{f} differs for one seed"
        );
        assert!(
            x != std::fs::read(c.path().join(f)).unwrap(),
            "{f} equal for two seeds"
        );
    }
}

#[test]
fn register_has_real_nik_and_household_structure() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), 11);
    let reg = read_parquet(&dir.path().join("population.parquet")).expect("parquet");
    assert_eq!(reg.n_rows, 40_000);
    let map = reg
        .resolve(&InputConfig::default(), "register")
        .expect("SIAK headers detected");
    assert_eq!(
        map.kind(&reg, Field::Nik),
        CellKind::Integer,
        "NIK stored as a number"
    );
    let mut niks = HashSet::new();
    let mut heads: HashMap<String, usize> = HashMap::new();
    let mut wives: HashMap<String, usize> = HashMap::new();
    let mut placeholders = 0;
    let mut births_by_kk: HashMap<(String, String), usize> = HashMap::new();
    let mut dead = 0;
    for row in 0..reg.n_rows {
        let nik = map.get(&reg, Field::Nik, row);
        let NikParse::Valid { nik, info } = parse_nik(&nik, CellKind::Integer) else {
            panic!("row {row}: invalid NIK");
        };
        assert!(niks.insert(nik), "NIK repeated");
        let sex = map.get(&reg, Field::Sex, row);
        assert_eq!(info.female, sex == "2", "row {row}: +40 for women");
        let birth = parse_date(&map.get(&reg, Field::BirthDate, row)).expect("birth date");
        assert_eq!(
            (
                u32::from(info.day),
                u32::from(info.month),
                (birth.date.format("%y").to_string())
            ),
            (
                birth.date.format("%d").to_string().parse().unwrap(),
                birth.date.format("%m").to_string().parse().unwrap(),
                format!("{:02}", info.yy)
            ),
            "row {row}: NIK date = birth date"
        );
        placeholders += usize::from(birth.weak);
        let kk = normalize_kk(&map.get(&reg, Field::Kk, row)).expect("valid KK");
        match map.get(&reg, Field::Relationship, row).as_ref() {
            "KEPALA KELUARGA" => *heads.entry(kk.clone()).or_default() += 1,
            "ISTRI" => *wives.entry(kk.clone()).or_default() += 1,
            _ => {}
        }
        *births_by_kk.entry((kk, birth.iso())).or_default() += 1;
        dead += usize::from(map.get(&reg, Field::Status, row) == "MATI");
    }
    // One head per KK (the last household may be cut short), at most one wife.
    let kks: HashSet<&String> = births_by_kk.keys().map(|(k, _)| k).collect();
    let headless = kks.iter().filter(|k| !heads.contains_key(**k)).count();
    assert!(headless <= 1, "{headless} KKs without a head");
    assert!(heads.values().all(|&n| n == 1) && wives.values().all(|&n| n == 1));
    let rate = placeholders as f64 / reg.n_rows as f64;
    assert!(
        (0.03..0.15).contains(&rate),
        "placeholder birth dates: {rate}"
    );
    assert!(
        births_by_kk.values().any(|&n| n >= 2),
        "twins in some household"
    );
    assert!(
        (0.004..0.012).contains(&(dead as f64 / reg.n_rows as f64)),
        "deaths {dead}"
    );
}

#[test]
fn defects_at_their_rates_and_truth_consistent() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), 12);
    let rows = truth(dir.path());
    let aid = read_csv(&dir.path().join("aid.csv"), None).expect("aid");
    assert_eq!(aid.n_rows, rows.len());
    let map = aid
        .resolve(&InputConfig::default(), "aid")
        .expect("DTKS headers detected");
    let reg = read_parquet(&dir.path().join("population.parquet")).expect("parquet");
    let rmap = reg.resolve(&InputConfig::default(), "register").unwrap();
    let register: HashMap<String, String> = (0..reg.n_rows)
        .map(|r| {
            (
                rmap.get(&reg, Field::Nik, r).into_owned(),
                rmap.get(&reg, Field::Name, r).into_owned(),
            )
        })
        .collect();

    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &rows {
        for d in r["defects"].split(';').filter(|d| !d.is_empty()) {
            *count.entry(d).or_default() += 1;
        }
    }
    let n = rows.len() as f64;
    for kind in [
        "nik_format",
        "nik_scientific",
        "nik_rounded",
        "nik_typo",
        "nik_swap",
        "nik_truncated",
        "nik_two_digits",
        "nik_other_person",
        "family_member_nik",
        "name_title",
        "name_degree",
        "name_muhammad",
        "name_old_spelling",
        "name_typo",
        "name_variant",
        "date_missing",
        "date_swap",
        "date_excel_serial",
        "kk_missing",
        "address_abbreviation",
        "kelurahan_spelling",
        "kelurahan_typed",
        "duplicate",
        "another_address",
        "not_in_register",
        "spouse_pair",
    ] {
        assert!(
            count.get(kind).copied().unwrap_or(0) > 0,
            "defect {kind} absent: {count:?}"
        );
    }
    let rate = |k: &str| count.get(k).copied().unwrap_or(0) as f64 / n;
    assert!(
        (0.06..0.10).contains(&rate("kk_missing")),
        "kk_missing {}",
        rate("kk_missing")
    );
    assert!(
        (0.03..0.05).contains(&rate("date_missing")),
        "date_missing {}",
        rate("date_missing")
    );
    assert!(
        (0.35..0.45).contains(&rate("address_abbreviation")),
        "address {}",
        rate("address_abbreviation")
    );
    assert!(
        (0.02..0.04).contains(&rate("not_in_register")),
        "outsiders {}",
        rate("not_in_register")
    );
    assert!(
        (0.03..0.09).contains(&rate("duplicate")),
        "duplicates {}",
        rate("duplicate")
    );
    assert!(
        (0.005..0.04).contains(&rate("nik_scientific")),
        "scientific {}",
        rate("nik_scientific")
    );

    let mut nik_of_person: HashMap<&str, &str> = HashMap::new();
    let mut verified_of_person: HashMap<&str, usize> = HashMap::new();
    for (i, t) in rows.iter().enumerate() {
        let defects: Vec<&str> = t["defects"].split(';').collect();
        let cell = map.get(&aid, Field::Nik, i);
        // A damaged NIK, or the head's NIK on a household member's row.
        let damaged = defects
            .iter()
            .any(|d| (d.starts_with("nik_") && *d != "nik_format") || *d == "family_member_nik");
        if !t["register_nik"].is_empty() {
            assert!(
                register.contains_key(&t["register_nik"]),
                "row {}: truth NIK not in register",
                i + 1
            );
            if !damaged {
                assert_eq!(
                    parse_nik(&cell, CellKind::Text).valid(),
                    Some(t["register_nik"].as_str()),
                    "row {}",
                    i + 1
                );
            }
            let prev = nik_of_person.insert(t["person_id"].as_str(), t["register_nik"].as_str());
            assert!(
                prev.is_none_or(|p| p == t["register_nik"]),
                "one NIK per person"
            );
        }
        if t["status"] == "VERIFIED" {
            *verified_of_person
                .entry(t["person_id"].as_str())
                .or_default() += 1;
        }
        if t["status"] == "NAME_MISMATCH" {
            let nik = parse_nik(&cell, CellKind::Text)
                .valid()
                .map(String::from)
                .expect("valid NIK of someone else");
            let holder = normalize_name(&register[&nik]);
            let own = normalize_name(&map.get(&aid, Field::Name, i));
            assert!(
                name_similarity(&holder, &own) < 1.0,
                "row {}: the NIK holder has another name",
                i + 1
            );
        }
    }
    assert!(
        verified_of_person.values().all(|&v| v == 1),
        "one paid row per person in the truth"
    );
    for t in rows.iter().filter(|t| t["status"] == "DUPLICATE") {
        assert_eq!(
            verified_of_person.get(t["person_id"].as_str()),
            Some(&1),
            "a duplicate's person has a kept row"
        );
    }
}

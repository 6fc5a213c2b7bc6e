//! Laws that hold for any input: normalization is idempotent, comparisons are symmetric,
//! every aid row gets exactly one decision and no register person is paid twice.

use std::collections::BTreeSet;

use dedupe::commands::run::match_tables;
use dedupe::core::config::FileConfig;
use dedupe::core::progress::Progress;
use dedupe::core::status::Status;
use dedupe::io::load::Table;
use dedupe::normalize::address::{area_key, normalize_street};
use dedupe::normalize::date::parse_date;
use dedupe::normalize::name::{name_similarity, normalize_name, phonetic};
use dedupe::normalize::nik::{parse_nik, CellKind, NikParse};
use proptest::prelude::*;

fn name_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("H.".to_string()),
            Just("Hj.".to_string()),
            Just("M.".to_string()),
            Just("bin".to_string()),
            Just("S.Pd".to_string()),
            Just(",".to_string()),
            "[A-Za-z'.-]{1,9}",
        ],
        0..6,
    )
    .prop_map(|parts| parts.join(" "))
}

/// A valid NIK from its parts.
fn nik_strategy() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![11u8, 31, 35, 64, 73, 94]),
        1u8..80,
        1u8..40,
        1u8..29,
        any::<bool>(),
        1u8..13,
        0u8..100,
        1u16..10_000,
    )
        .prop_map(|(p, k, c, d, f, m, y, s)| {
            format!(
                "{p:02}{k:02}{c:02}{:02}{m:02}{y:02}{s:04}",
                d + if f { 40 } else { 0 }
            )
        })
}

proptest! {
    #[test]
    fn name_normalization_is_idempotent(raw in name_strategy()) {
        let once = normalize_name(&raw);
        let twice = normalize_name(&once.join(" "));
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn phonetic_keys_are_idempotent(raw in name_strategy(), letters in "[A-Z]{1,12}") {
        for t in normalize_name(&raw).into_iter().chain([letters]) {
            let once = phonetic(&t);
            prop_assert_eq!(phonetic(&once), once.clone(), "token {}", t);
        }
    }

    #[test]
    fn name_similarity_is_symmetric_and_bounded(a in name_strategy(), b in name_strategy()) {
        let (na, nb) = (normalize_name(&a), normalize_name(&b));
        let ab = name_similarity(&na, &nb);
        prop_assert_eq!(ab, name_similarity(&nb, &na));
        prop_assert!((0.0..=1.0).contains(&ab));
        if !na.is_empty() {
            prop_assert_eq!(name_similarity(&na, &na), 1.0);
        }
    }

    #[test]
    fn address_normalization_is_idempotent(raw in "[A-Za-z0-9 ./,-]{0,40}") {
        let key = area_key(&raw);
        prop_assert_eq!(area_key(&key), key.clone());
        let street = normalize_street(&raw);
        prop_assert_eq!(normalize_street(&street.join(" ")), street);
    }

    #[test]
    fn nik_normalization_is_idempotent(raw in "[0-9 .'E+,-]{0,22}") {
        let first = parse_nik(&raw, CellKind::Text);
        if let NikParse::Valid { nik, .. } = &first {
            prop_assert_eq!(parse_nik(nik.as_str(), CellKind::Text), first.clone());
        }
    }

    #[test]
    fn separators_never_change_a_valid_nik(nik in nik_strategy(), sep in prop::sample::select(vec!["", " ", ".", "-"]), quote in any::<bool>()) {
        let parsed = parse_nik(&nik, CellKind::Text);
        prop_assume!(parsed.valid().is_some());
        let messy = format!("{}{}{sep}{}{sep}{}{sep}{}", if quote { "'" } else { "" }, &nik[..4], &nik[4..8], &nik[8..12], &nik[12..]);
        prop_assert_eq!(parse_nik(&messy, CellKind::Text), parsed);
    }

    #[test]
    fn date_normalization_is_idempotent(raw in "[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2,4}") {
        if let Some(d) = parse_date(&raw) {
            prop_assert_eq!(parse_date(&d.iso()), Some(d));
        }
    }

    /// Random aid lists against a random register: one decision per row, in order, and at
    /// most one paid row per register person; every DUPLICATE points at the kept row of its
    /// own group.
    #[test]
    fn every_row_gets_exactly_one_decision(
        register in prop::collection::vec((nik_strategy(), prop::sample::select(vec!["SITI AMINAH", "BUDI SANTOSO", "AGUS", "NUR HAYATI"]), prop::sample::select(vec!["HIDUP", "MATI", "PINDAH"])), 1..30),
        picks in prop::collection::vec((0usize..40, prop::sample::select(vec!["SITI AMINAH", "Budi Santoso", "agus", "X", ""]), prop::sample::select(vec!["", " ", "'", "E", "0"])), 0..60),
    ) {
        let reg_rows: Vec<Vec<&str>> = register.iter().map(|(n, name, st)| vec![n.as_str(), *name, *st]).collect();
        let reg = Table::from_rows("register.csv", &["NIK", "NAMA_LGKP", "STATUS"], &reg_rows);
        let aid_cells: Vec<(String, &str)> = picks
            .iter()
            .map(|(i, name, noise)| {
                let nik = register.get(*i).map(|r| r.0.clone()).unwrap_or_else(|| format!("64710512038500{i:02}"));
                let nik = match *noise {
                    "E" => format!("{}.{}E+15", &nik[..1], &nik[1..6]),
                    "0" => nik[..15].to_string(),
                    other => format!("{other}{nik}"),
                };
                (nik, *name)
            })
            .collect();
        let aid_rows: Vec<Vec<&str>> = aid_cells.iter().map(|(n, name)| vec![n.as_str(), *name]).collect();
        let aid = Table::from_rows("aid.csv", &["NIK", "NAMA"], &aid_rows);
        let out = match_tables(&aid, &reg, &FileConfig::default(), &Progress::hidden()).expect("columns found");
        prop_assert_eq!(out.decisions.len(), aid.n_rows);
        let mut paid = BTreeSet::new();
        for (i, d) in out.decisions.iter().enumerate() {
            prop_assert_eq!(d.row, i);
            if d.status == Status::Verified {
                prop_assert!(paid.insert(d.register.expect("verified rows link")));
            }
            if d.status == Status::Duplicate {
                let kept = d.duplicate_of.expect("kept row");
                prop_assert_eq!(out.decisions[kept].status, Status::Verified);
                prop_assert_eq!(out.decisions[kept].group, d.group);
            }
            if let Some(g) = d.group {
                prop_assert!(out.groups.members[g].contains(&i));
            }
        }
    }
}

/// Cases for the CSV loader's laws: a few in every test run; a benchmark-style job sets
/// `PROPTEST_CASES` (for example 100000) to run them long enough to matter.
fn loader_config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    ProptestConfig::with_cases(cases)
}

/// Text that looks like a CSV export gone wrong: delimiters, quotes, line ends, digits,
/// letters, BOMs and stray bytes in any order.
fn messy_csv() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop::sample::select(vec![
        &b"NIK"[..],
        b"NAMA",
        b";",
        b",",
        b"\t",
        b"|",
        b"\"",
        b"\"\"",
        b"\n",
        b"\r\n",
        b"\r",
        b"6471054507890003",
        b"6.47E+15",
        b"'",
        b"SITI AMINAH",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"\x00",
        b"\xe9",
        b" ",
    ]);
    prop::collection::vec(pieces, 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(loader_config())]

    /// The CSV loader never panics: any bytes give a table or an error, and a table always
    /// has as many cells in every column as it has rows.
    #[test]
    fn the_csv_loader_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400), messy in messy_csv()) {
        let dir = tempfile::tempdir().unwrap();
        for body in [bytes, messy] {
            let path = dir.path().join("aid.csv");
            std::fs::write(&path, &body).unwrap();
            if let Ok(t) = dedupe::io::load::read_csv(&path, None) {
                for c in &t.columns {
                    prop_assert_eq!(c.len(), t.n_rows);
                    for r in 0..t.n_rows {
                        let _ = c.get(r);
                    }
                }
                // And whatever was read runs through matching when it has a NIK column.
                let reg = Table::from_rows("register.csv", &["NIK", "NAMA_LGKP"], &[vec!["6471054507890003", "SITI AMINAH"]]);
                if let Ok(out) = match_tables(&t, &reg, &FileConfig::default(), &Progress::hidden()) {
                    prop_assert_eq!(out.decisions.len(), t.n_rows);
                }
            }
        }
    }
}

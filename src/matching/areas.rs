//! Area names typed as heard: aid-list spellings of a kelurahan, kecamatan or birthplace
//! that the register does not know, mapped to the register's own spelling.
//!
//! In: aid and register [`Records`] sharing one pool. Out: the aid records with their area
//! ids replaced where a spelling was recognised, and how many distinct spellings were.
//!
//! Clerks write what they hear: `SEPINGAN` for `SEPINGGAN`, `KELANDASAN` for `KLANDASAN`,
//! `MARGOMULYO` for `MARGO MULYO` (spaces and prefixes are already gone from the keys, and
//! `GN.` is already `GUNUNG`: see [`crate::normalize::address::area_key`]). The register's
//! spellings are the reference: an aid spelling the register holds is left alone; one it
//! does not hold is mapped to the register spelling within a small edit distance (one edit
//! for keys of 5 to 8 characters, two from 9), when exactly one register spelling is that
//! close. Kelurahan are looked for among those of the same kecamatan (kelurahan names
//! repeat across a country; within a kecamatan they are few), or among all when the row has
//! no kecamatan the register knows and the register's list is small. Only distinct values
//! are compared, so the cost does not grow with the rows.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::matching::record::{Person, Records};

/// How many distinct aid spellings were mapped to a register spelling, per field.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AreaStats {
    pub kelurahan: usize,
    pub kecamatan: usize,
    pub birth_place: usize,
}

/// A global vocabulary is searched only up to this many (unknown values x register values)
/// comparisons; past it, a field is left as it is.
const MAX_COMPARISONS: usize = 20_000_000;

/// Edits allowed between an unknown key and a register key of this length.
fn allowed_edits(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Whether two different area keys are one typing slip apart: within the edits their
/// length allows ([`allowed_edits`], of the shorter key), as a clerk types a name heard.
pub(crate) fn slip_apart(a: &str, b: &str) -> bool {
    let (n, m) = (a.chars().count(), b.chars().count());
    let k = allowed_edits(n.min(m));
    k > 0
        && n.abs_diff(m) <= k
        && (letters(a) ^ letters(b)).count_ones() as usize <= 2 * k
        && strsim::osa_distance(a, b) <= k
}

/// The set of a text's characters folded onto 32 bits. An edit changes it by at most two
/// members (a letter replaced: one out, one in; added or dropped: one; two swapped: none),
/// so two texts whose sets differ by more than twice the edits allowed are further apart:
/// [`slip_apart`] reads this before the edit distance, which most pairs of area names,
/// compared on every candidate pair, need not reach.
fn letters(s: &str) -> u32 {
    s.chars().fold(0, |set, c| set | 1 << (c as u32 % 32))
}

/// The register key among `vocab` that `key` is a typing slip of: the one within the
/// allowed edits, when exactly one is at the smallest distance.
fn closest(key: &str, vocab: &[(u32, &str)]) -> Option<u32> {
    let n = key.chars().count();
    let k = allowed_edits(n);
    if k == 0 {
        return None;
    }
    let mut best: Option<(usize, u32)> = None;
    let mut tie = false;
    for &(id, v) in vocab {
        let m = v.chars().count();
        if m.abs_diff(n) > k || allowed_edits(m) == 0 {
            continue;
        }
        let d = strsim::osa_distance(key, v);
        if d > k {
            continue;
        }
        match best {
            Some((bd, _)) if bd < d => {}
            Some((bd, _)) if bd == d => tie = true,
            _ => {
                best = Some((d, id));
                tie = false;
            }
        }
    }
    best.filter(|_| !tie).map(|(_, id)| id)
}

/// Which area ids the register uses in one field (indexed by id).
fn used_ids(register: &Records, n: usize, get: impl Fn(&Person) -> u32) -> Vec<bool> {
    let mut used = vec![false; n];
    for p in &register.people {
        if let Some(u) = used.get_mut(get(p) as usize) {
            *u = true;
        }
    }
    used
}

/// The used ids, in order, without the empty value (id 0).
fn ids_of(used: &[bool]) -> impl Iterator<Item = u32> + '_ {
    used.iter()
        .enumerate()
        .skip(1)
        .filter(|(_, u)| **u)
        .map(|(i, _)| i as u32)
}

/// Which searches a reconciliation made (each is skipped when it would compare more than
/// `MAX_COMPARISONS` pairs): a part of a partitioned run makes the whole run's choices,
/// since its own counts are smaller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AreaSearch {
    pub kecamatan: bool,
    pub birth_place: bool,
    /// Kelurahan of rows without a known kecamatan, against the whole list.
    pub kelurahan_everywhere: bool,
}

/// Map the aid list's unknown area spellings to the register's, in place.
#[cfg(test)]
pub(crate) fn reconcile(aid: &mut Records, register: &Records) -> AreaStats {
    reconcile_with(aid, register, None).0
}

/// `reconcile` (a test's entry), with the searches to make given (a part of a partitioned run) or chosen
/// by size (None); returns the statistics and the searches made.
pub(crate) fn reconcile_with(
    aid: &mut Records,
    register: &Records,
    given: Option<AreaSearch>,
) -> (AreaStats, AreaSearch) {
    let mut made = AreaSearch {
        kecamatan: false,
        birth_place: false,
        kelurahan_everywhere: false,
    };
    if !std::sync::Arc::ptr_eq(&aid.pool, &register.pool) {
        return (AreaStats::default(), made);
    }
    let mut stats = AreaStats::default();
    // Kecamatan and birthplace: against the register's whole list; then kelurahan, among
    // those of the row's kecamatan (after the kecamatan was mapped).
    (stats.kecamatan, made.kecamatan) = reconcile_field(
        aid,
        register,
        |p| p.kecamatan,
        |p, v| p.kecamatan = v,
        given.map(|g| g.kecamatan),
    );
    (stats.birth_place, made.birth_place) = reconcile_field(
        aid,
        register,
        |p| p.birth_place,
        |p, v| p.birth_place = v,
        given.map(|g| g.birth_place),
    );
    (stats.kelurahan, made.kelurahan_everywhere) =
        reconcile_kelurahan(aid, register, given.map(|g| g.kelurahan_everywhere));
    (stats, made)
}

/// One area field (`get`, `set`) mapped against the register's whole list of its values:
/// the spellings mapped, and whether the search was made (`given`, or by its size).
fn reconcile_field(
    aid: &mut Records,
    register: &Records,
    get: fn(&Person) -> u32,
    set: fn(&mut Person, u32),
    given: Option<bool>,
) -> (usize, bool) {
    let pool = register.pool.clone();
    let text = |id: u32| pool.areas[id as usize].as_str();
    let known = used_ids(register, pool.areas.len(), get);
    let vocab: Vec<(u32, &str)> = ids_of(&known).map(|id| (id, text(id))).collect();
    let mut unknown: Vec<u32> = aid
        .people
        .iter()
        .map(get)
        .filter(|&id| id != 0 && !known[id as usize])
        .collect();
    unknown.sort_unstable();
    unknown.dedup();
    let search = given.unwrap_or(unknown.len().saturating_mul(vocab.len()) <= MAX_COMPARISONS);
    if !search {
        return (0, false);
    }
    let map: FxHashMap<u32, u32> = unknown
        .par_iter()
        .filter_map(|&id| closest(text(id), &vocab).map(|to| (id, to)))
        .collect();
    for p in &mut aid.people {
        if let Some(&to) = map.get(&get(p)) {
            set(p, to);
        }
    }
    (map.len(), true)
}

/// Kelurahan spellings mapped among those of the row's kecamatan, or, for rows without a
/// known kecamatan, against the whole list when that search is made (`given`, or by its
/// size): the spellings mapped, and whether the whole list was searched.
fn reconcile_kelurahan(
    aid: &mut Records,
    register: &Records,
    given: Option<bool>,
) -> (usize, bool) {
    let pool = register.pool.clone();
    let text = |id: u32| pool.areas[id as usize].as_str();
    let known = used_ids(register, pool.areas.len(), |p| p.kelurahan);
    let mut unknown: Vec<(u32, u32)> = aid
        .people
        .iter()
        .filter(|p| p.kelurahan != 0 && !known[p.kelurahan as usize])
        .map(|p| (p.kecamatan, p.kelurahan))
        .collect();
    unknown.sort_unstable();
    unknown.dedup();
    if unknown.is_empty() {
        // Nothing to search for: the whole list would have been searched.
        return (0, given.unwrap_or(true));
    }
    let by_kec = kelurahan_by_kecamatan(register, &text);
    let all: Vec<(u32, &str)> = ids_of(&known).map(|id| (id, text(id))).collect();
    let global_ok = given.unwrap_or(unknown.len().saturating_mul(all.len()) <= MAX_COMPARISONS);
    let map: FxHashMap<(u32, u32), u32> = unknown
        .par_iter()
        .filter_map(|&(kec, kel)| {
            let vocab = match by_kec.get(&kec) {
                Some(v) if kec != 0 => v.as_slice(),
                _ if global_ok => all.as_slice(),
                _ => return None,
            };
            closest(text(kel), vocab).map(|to| ((kec, kel), to))
        })
        .collect();
    let mapped: FxHashSet<u32> = map.keys().map(|&(_, kel)| kel).collect();
    for p in &mut aid.people {
        if let Some(&to) = map.get(&(p.kecamatan, p.kelurahan)) {
            p.kelurahan = to;
        }
    }
    (mapped.len(), global_ok)
}

/// The register's kelurahan of each kecamatan, in id order; rows come grouped by area, so
/// most rows repeat the pair before them.
fn kelurahan_by_kecamatan<'t>(
    register: &Records,
    text: &impl Fn(u32) -> &'t str,
) -> FxHashMap<u32, Vec<(u32, &'t str)>> {
    let mut pairs: FxHashSet<(u32, u32)> = FxHashSet::default();
    let mut last = None;
    for p in &register.people {
        let pair = (p.kecamatan, p.kelurahan);
        if p.kelurahan != 0 && last != Some(pair) {
            pairs.insert(pair);
            last = Some(pair);
        }
    }
    let mut pairs: Vec<(u32, u32)> = pairs.into_iter().collect();
    pairs.sort_unstable();
    let mut by_kec: FxHashMap<u32, Vec<(u32, &str)>> = FxHashMap::default();
    for &(kec, kel) in &pairs {
        by_kec.entry(kec).or_default().push((kel, text(kel)));
    }
    by_kec
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Field;
    use crate::matching::record::testing::records_pair;

    proptest::proptest! {
        /// The character-set test only saves work: the answer is the edit distance's.
        #[test]
        fn slip_apart_is_the_edit_distance_within_the_allowed_edits(
            a in "[ABKLN ]{0,11}",
            b in "[ABKLN ]{0,11}",
        ) {
            let (n, m) = (a.chars().count(), b.chars().count());
            let k = allowed_edits(n.min(m));
            let want = k > 0 && strsim::osa_distance(&a, &b) <= k;
            proptest::prop_assert_eq!(slip_apart(&a, &b), want);
        }
    }

    const FIELDS: [Field; 4] = [
        Field::Name,
        Field::Kelurahan,
        Field::Kecamatan,
        Field::BirthPlace,
    ];

    #[test]
    fn aid_spellings_the_register_lacks_are_mapped_to_the_closest_register_spelling() {
        let (mut aid, register) = records_pair(
            &FIELDS,
            &[
                &["a", "SEPINGAN", "BALIKPAPAN TIMUR", "BALIKPAPN"],
                &["b", "Kel. Kelandasan Ilir", "BALIKPAPAN KOTA", "BALIKPAPAN"],
                &["c", "GN. SAMARINDA", "BALIKPAPAN UTARA", ""],
                &["d", "MARGOMULYO", "BALIKPAPAN BARAT", "SAMARINDA"],
                // No kecamatan, and equally close to DAMAI and DAMAR: left alone.
                &["e", "DAMAX", "", ""],
                // Too far from anything.
                &["f", "TANJUNG PRIOK", "BALIKPAPAN TIMUR", ""],
                // Another kecamatan's kelurahan: not looked for there.
                &["g", "DAMAY", "BALIKPAPAN KOTA", ""],
            ],
            &[
                &["r1", "SEPINGGAN", "BALIKPAPAN TIMUR", "BALIKPAPAN"],
                &["r2", "SEPINGGAN BARU", "BALIKPAPAN TIMUR", "SAMARINDA"],
                &["r3", "SEPINGGAN RAYA", "BALIKPAPAN TIMUR", ""],
                &["r4", "KLANDASAN ILIR", "BALIKPAPAN KOTA", ""],
                &["r5", "GUNUNG SAMARINDA", "BALIKPAPAN UTARA", ""],
                &["r6", "MARGO MULYO", "BALIKPAPAN BARAT", ""],
                &["r7", "DAMAI", "BALIKPAPAN SELATAN", ""],
                &["r8", "DAMAR", "BALIKPAPAN SELATAN", ""],
            ],
        );
        let stats = reconcile(&mut aid, &register);
        let kel: Vec<&str> = aid.iter().map(|p| p.kelurahan()).collect();
        assert_eq!(
            kel,
            [
                "SEPINGGAN",
                "KLANDASANILIR",
                "GUNUNGSAMARINDA",
                "MARGOMULYO",
                "DAMAX",
                "TANJUNGPRIOK",
                "DAMAY"
            ]
        );
        let places: Vec<&str> = aid.iter().map(|p| p.birth_place()).collect();
        assert_eq!(
            places,
            ["BALIKPAPAN", "BALIKPAPAN", "", "SAMARINDA", "", "", ""]
        );
        assert_eq!(
            stats,
            AreaStats {
                kelurahan: 2,
                kecamatan: 0,
                birth_place: 1
            }
        );
    }

    #[test]
    fn the_searches_a_whole_run_made_are_made_again_and_no_others() {
        let data = || {
            records_pair(
                &FIELDS,
                &[
                    &["a", "SEPINGAN", "BALIKPAPAN TIMUR", "BALIKPAPN"],
                    &["b", "DAMAY", "", ""],
                ],
                &[
                    &["r1", "SEPINGGAN", "BALIKPAPAN TIMUR", "BALIKPAPAN"],
                    &["r2", "DAMAI", "BALIKPAPAN SELATAN", ""],
                ],
            )
        };
        let (mut aid, register) = data();
        let (stats, made) = reconcile_with(&mut aid, &register, None);
        assert_eq!(
            made,
            AreaSearch {
                kecamatan: true,
                birth_place: true,
                kelurahan_everywhere: true
            }
        );
        assert_eq!((stats.kelurahan, stats.birth_place), (2, 1));
        // A whole run that skipped every search (too many comparisons for it): a part with
        // few rows skips them too, though it could afford them.
        let none = AreaSearch {
            kecamatan: false,
            birth_place: false,
            kelurahan_everywhere: false,
        };
        let (mut aid, register) = data();
        let (stats, made) = reconcile_with(&mut aid, &register, Some(none));
        assert_eq!(made, none);
        // SEPINGAN is still found within its kecamatan; DAMAY (no kecamatan) is not.
        assert_eq!((stats.kelurahan, stats.birth_place), (1, 0));
        let kel: Vec<&str> = aid.iter().map(|p| p.kelurahan()).collect();
        assert_eq!(kel, ["SEPINGGAN", "DAMAY"]);
    }

    #[test]
    fn closest_needs_one_clear_winner_within_the_allowed_edits() {
        let vocab = [(1, "SEPINGGAN"), (2, "SEPINGGANBARU"), (3, "DAMAI")];
        let cases = [
            ("SEPINGAN", Some(1)),
            ("SEPINGGANBRU", Some(2)),
            ("DAMAY", Some(3)),
            ("DAMAYY", None),
            ("DAM", None),
            ("LAMARU", None),
        ];
        for (key, want) in cases {
            assert_eq!(closest(key, &vocab), want, "{key}");
        }
    }
}

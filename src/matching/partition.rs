//! Partition plan: how one run's work is split into parts that run apart (other processes,
//! other machines) and still decide every aid row as the whole run would.
//!
//! In: the normalized aid and register records, the exact links, and the blocking
//! candidates of the aid rows exact linking could not place. Out: a [`Plan`]: the part of
//! every aid row, and the register rows every part needs.
//!
//! * **Aid rows are routed by region.** A row's region is its NIK's first digits (province,
//!   regency or kecamatan: the shortest prefix that gives the parts enough regions to
//!   balance), and within a region too large for one part, its kelurahan; a row without a
//!   well-formed NIK takes the part most of its kelurahan's register residents have, and
//!   failing that is spread by its name.
//! * **Rows that may be one person meet in one part.** Aid rows sharing a NIK, a name with
//!   a birth date, or the register person they are linked to (by NIK or by the model), and
//!   unlinked rows the model pairs (`edges`), are joined (union-find) and the group goes
//!   where its first row goes: a person recorded in two regions (a NIK from each, or the
//!   NIK of one region and a form from another) is found within one part.
//! * **A part's register is what its rows can reach**, not a region: the holders of its
//!   rows' NIKs and their households, every blocking candidate of its rows that exact
//!   linking could not place, and one resident of every (kecamatan, kelurahan) pair and
//!   birthplace (so that area spellings are reconciled against the whole register's
//!   list). A register row can so be in several parts; a part holds a few register rows
//!   per aid row, however large the register.
//!
//! The scores that depend on the whole register (the model, the names' frequencies, whether
//! the file shows spreadsheet damage) are computed once, by the caller, and given to every
//! part.

use rustc_hash::FxHashMap;

use crate::matching::cluster::UnionFind;
use crate::matching::link::Link;
use crate::matching::record::{Rec, Records};
use crate::matching::register_index::RegisterIndex;
use crate::normalize::nik::NikParse;

/// Where every row goes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Plan {
    pub parts: usize,
    /// Digits of the NIK that name a region (2, 4 or 6).
    pub prefix_len: usize,
    /// The part of every aid row, in aid order.
    pub aid_part: Vec<u32>,
    /// Per part, its register rows in register order.
    pub register_rows: Vec<Vec<u32>>,
}

impl Plan {
    /// The aid rows of part `k`, in aid order.
    pub fn aid_rows(&self, k: usize) -> Vec<u32> {
        (0..self.aid_part.len() as u32)
            .filter(|&i| self.aid_part[i as usize] as usize == k)
            .collect()
    }
}

fn region(nik: &NikParse, len: usize) -> Option<&str> {
    match nik {
        NikParse::Valid { nik, .. } => nik.get(..len),
        _ => None,
    }
}

/// The shortest NIK prefix (2, 4 or 6 digits) whose regions number at least four per part,
/// so that a greedy spread is even; 6 when none does.
pub(crate) fn prefix_len(register: &Records, parts: usize) -> usize {
    for len in [2, 4] {
        let mut seen: rustc_hash::FxHashSet<&str> = Default::default();
        for p in register.iter() {
            if let Some(r) = region(p.nik(), len) {
                seen.insert(r);
                if seen.len() >= 4 * parts {
                    return len;
                }
            }
        }
    }
    6
}

/// FNV-1a of `bytes`.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Build the plan. `links`: every aid row's link after fuzzy linking; `edges`: the pairs of
/// unlinked rows the model joins; `candidates[i]`: the blocking candidates of aid row `i`
/// (empty for rows exact linking placed), consumed as the parts' reach is gathered.
pub(crate) fn plan(
    aid: &Records,
    register: &Records,
    index: &RegisterIndex,
    links: &[Link],
    edges: &[(usize, usize)],
    candidates: Vec<Vec<u32>>,
    parts: usize,
) -> Plan {
    let parts = parts.max(1);
    let len = prefix_len(register, parts);
    let places = Places::spread(aid, register, len, parts);
    let home: Vec<u32> = aid.iter().map(|p| places.home(p, parts)).collect();
    let aid_part = route_together(aid, links, edges, &home);
    let mut reach = Reach::new(register.len(), parts);
    let mut candidates = candidates.into_iter();
    for (i, p) in aid.iter().enumerate() {
        let row_candidates = candidates.next().unwrap_or_default();
        reach.of_row(
            aid_part[i] as usize,
            p,
            &links[i],
            row_candidates,
            register,
            index,
        );
    }
    reach.every_area(register);
    Plan {
        parts,
        prefix_len: len,
        aid_part,
        register_rows: reach.rows(),
    }
}

/// Where rows go by their region (and, in a region heavier than half a part's share, by
/// kelurahan, so that one large kecamatan does not make one large part; any split is
/// correct: what a part's rows can reach comes with them).
struct Places<'r> {
    len: usize,
    big: rustc_hash::FxHashSet<&'r str>,
    part_of: FxHashMap<(&'r str, u32), u32>,
    /// A kelurahan's part: the one most of its register residents' NIKs name.
    kel_part: FxHashMap<(u32, u32), u32>,
}

impl<'r> Places<'r> {
    /// Places spread greedily onto the lightest part, heaviest first (register rows and
    /// aid rows weigh one each); ties by region text and kelurahan id, so the plan does not
    /// depend on row order.
    fn spread(aid: &'r Records, register: &'r Records, len: usize, parts: usize) -> Self {
        let mut weight: FxHashMap<&str, u64> = FxHashMap::default();
        for p in register.iter().chain(aid.iter()) {
            if let Some(r) = region(p.nik(), len) {
                *weight.entry(r).or_default() += 1;
            }
        }
        let share = weight.values().sum::<u64>().div_ceil(parts as u64);
        let big = weight
            .iter()
            .filter(|(_, &w)| parts > 1 && w > share / 2)
            .map(|(&r, _)| r)
            .collect();
        let mut places = Places {
            len,
            big,
            part_of: FxHashMap::default(),
            kel_part: FxHashMap::default(),
        };
        let mut weight: FxHashMap<(&str, u32), u64> = FxHashMap::default();
        for p in register.iter().chain(aid.iter()) {
            if let Some(k) = places.place(p) {
                *weight.entry(k).or_default() += 1;
            }
        }
        let mut by_weight: Vec<((&str, u32), u64)> = weight.into_iter().collect();
        by_weight.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut load = vec![0u64; parts];
        for (r, w) in by_weight {
            let k = (0..parts).min_by_key(|&k| (load[k], k)).unwrap_or(0);
            load[k] += w;
            places.part_of.insert(r, k as u32);
        }
        places.kel_part = places.kelurahan_parts(register);
        places
    }

    fn place(&self, p: Rec<'r>) -> Option<(&'r str, u32)> {
        let r = region(p.nik(), self.len)?;
        Some((r, if self.big.contains(r) { p.kelurahan } else { 0 }))
    }

    fn part(&self, p: Rec<'r>) -> Option<u32> {
        self.place(p).and_then(|r| self.part_of.get(&r)).copied()
    }

    /// Each kelurahan's part by its register residents' votes (the lower part on a tie).
    fn kelurahan_parts(&self, register: &'r Records) -> FxHashMap<(u32, u32), u32> {
        let mut kel_votes: FxHashMap<(u32, u32), FxHashMap<u32, u32>> = FxHashMap::default();
        for p in register.iter() {
            if p.kelurahan == 0 {
                continue;
            }
            if let Some(k) = self.part(p) {
                *kel_votes
                    .entry((p.kecamatan, p.kelurahan))
                    .or_default()
                    .entry(k)
                    .or_default() += 1;
            }
        }
        kel_votes
            .into_iter()
            .map(|(kel, votes)| {
                let best = votes
                    .into_iter()
                    .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                    .map_or(0, |(k, _)| k);
                (kel, best)
            })
            .collect()
    }

    /// An aid row's own part: its region's, else its kelurahan's, else spread by its name.
    fn home(&self, p: Rec<'r>, parts: usize) -> u32 {
        if let Some(k) = self.part(p) {
            return k;
        }
        if let Some(&k) = self.kel_part.get(&(p.kecamatan, p.kelurahan)) {
            return k;
        }
        (mix(fnv(p.name().join(" ").as_bytes())) % parts as u64) as u32
    }
}

/// Rows that may be one person (the same NIK, name and birth date, or linked person, and
/// the pairs of `edges`) are one group, and a group goes where its first row goes.
fn route_together(
    aid: &Records,
    links: &[Link],
    edges: &[(usize, usize)],
    home: &[u32],
) -> Vec<u32> {
    let mut uf = UnionFind::new(aid.len());
    let mut first: FxHashMap<(u8, u64, u64), usize> = FxHashMap::default();
    for (i, p) in aid.iter().enumerate() {
        let mut keys: Vec<(u8, u64, u64)> = Vec::with_capacity(3);
        if let Some(n) = p.nik().valid() {
            // A plain identifier (`id_kind = "generic"`) need not be digits: hashed.
            keys.push((0, fnv(n.as_bytes()), n.len() as u64));
        }
        if let (Some(b), true) = (p.birth, p.name != 0) {
            let day = chrono::Datelike::num_days_from_ce(&b.date) as u64;
            keys.push((1, u64::from(p.name), day));
        }
        if let Some(r) = links[i].register {
            keys.push((2, r as u64, 0));
        }
        for key in keys {
            match first.get(&key) {
                Some(&j) => {
                    uf.union(i, j);
                }
                None => {
                    first.insert(key, i);
                }
            }
        }
    }
    for &(a, b) in edges {
        if a < aid.len() && b < aid.len() {
            uf.union(a, b);
        }
    }
    let mut group_part: FxHashMap<usize, u32> = FxHashMap::default();
    (0..aid.len())
        .map(|i| *group_part.entry(uf.find(i)).or_insert(home[i]))
        .collect()
}

/// What each part's rows can reach in the register: a bit per register row and part (20 M
/// rows in 8 parts: 20 MB), so that rows reached many times (households, shared blocks)
/// cost nothing more, and the rows come out sorted and distinct.
struct Reach(Vec<Vec<u64>>);

impl Reach {
    fn new(register_rows: usize, parts: usize) -> Self {
        Reach(vec![vec![0u64; register_rows.div_ceil(64)]; parts])
    }

    fn set(bits: &mut [u64], r: usize) {
        if let Some(w) = bits.get_mut(r / 64) {
            *w |= 1u64 << (r % 64);
        }
    }

    /// What aid row `p` of part `k` reaches: the holders of its NIK and their households,
    /// its own household, its link, candidate and runner-up, and its blocking candidates.
    fn of_row(
        &mut self,
        k: usize,
        p: Rec<'_>,
        link: &Link,
        candidates: Vec<u32>,
        register: &Records,
        index: &RegisterIndex,
    ) {
        let out = &mut self.0[k];
        if let Some(n) = p.nik().valid() {
            for r in index.get(register, n) {
                Self::set(out, r);
                if let Some(kk) = register.get(r).kk.map(std::num::NonZeroU64::get) {
                    index
                        .household(register, kk)
                        .for_each(|m| Self::set(out, m));
                }
            }
        }
        if let Some(kk) = p.kk.map(std::num::NonZeroU64::get) {
            index
                .household(register, kk)
                .for_each(|m| Self::set(out, m));
        }
        for r in [link.register, link.candidate, link.runner_up]
            .into_iter()
            .flatten()
        {
            Self::set(out, r);
        }
        for r in candidates {
            Self::set(out, r as usize);
        }
    }

    /// One resident of every area pair and birthplace, in every part: the whole register's
    /// spellings.
    fn every_area(&mut self, register: &Records) {
        let mut seen_area: rustc_hash::FxHashSet<(u32, u32)> = Default::default();
        let mut seen_place: rustc_hash::FxHashSet<u32> = Default::default();
        for (r, p) in register.people.iter().enumerate() {
            let new_area = (p.kecamatan != 0 || p.kelurahan != 0)
                && seen_area.insert((p.kecamatan, p.kelurahan));
            let new_place = p.birth_place != 0 && seen_place.insert(p.birth_place);
            if new_area || new_place {
                for bits in &mut self.0 {
                    Self::set(bits, r);
                }
            }
        }
    }

    /// Each part's register rows, sorted.
    fn rows(self) -> Vec<Vec<u32>> {
        self.0
            .into_iter()
            .map(|bits| {
                let mut rows =
                    Vec::with_capacity(bits.iter().map(|w| w.count_ones() as usize).sum());
                for (wi, &w) in bits.iter().enumerate() {
                    let mut w = w;
                    while w != 0 {
                        rows.push((wi * 64) as u32 + w.trailing_zeros());
                        w &= w - 1;
                    }
                }
                rows
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::record::testing::records_pair;

    use crate::core::config::Field;

    const FIELDS: [Field; 6] = [
        Field::Nik,
        Field::Name,
        Field::BirthDate,
        Field::Kelurahan,
        Field::Kecamatan,
        Field::Kk,
    ];

    fn rows<'a>(v: &'a [[&'a str; 6]]) -> Vec<&'a [&'a str]> {
        v.iter().map(|r| r.as_slice()).collect()
    }

    #[test]
    fn a_person_recorded_in_two_regions_meets_in_one_part() {
        // [NIK, name, birth date, kelurahan, kecamatan, KK]
        let register = [
            [
                "3273010101800001",
                "BUDI SANTOSO",
                "1980-01-01",
                "CIHAPIT",
                "BANDUNG WETAN",
                "",
            ],
            [
                "6471010202810002",
                "BUDI SANTOSO",
                "1980-01-01",
                "SEPINGGAN",
                "BALIKPAPAN SELATAN",
                "",
            ],
            [
                "3173010303820003",
                "SITI AMINAH",
                "1982-03-03",
                "GAMBIR",
                "GAMBIR",
                "",
            ],
            [
                "5171010404830004",
                "WAYAN SUDARMA",
                "1983-04-04",
                "DANGIN PURI",
                "DENPASAR TIMUR",
                "",
            ],
        ];
        // The same people, in another order.
        let aid = [register[0], register[2], register[3], register[1]];
        let (aid, register) = records_pair(&FIELDS, &rows(&aid), &rows(&register));
        let index = RegisterIndex::build(&register);
        let links = crate::matching::link::link_all(&aid, &register, &index, &Default::default());
        let none = vec![Vec::new(); aid.len()];
        let plan = plan(&aid, &register, &index, &links, &[], none.clone(), 3);
        // Four provinces and four regencies are too few regions for three parts.
        assert_eq!(plan.prefix_len, 6);
        // Rows 0 and 3: one name and birth date under NIKs of two provinces.
        assert_eq!(plan.aid_part[0], plan.aid_part[3]);
        // Every part is used, and each holds the register rows its aid rows hold NIKs of.
        let mut used: Vec<u32> = plan.aid_part.clone();
        used.sort_unstable();
        used.dedup();
        assert_eq!(used, vec![0, 1, 2]);
        for (i, &k) in plan.aid_part.iter().enumerate() {
            let reach = &plan.register_rows[k as usize];
            let holder = links[i].register.expect("every aid row is in the register") as u32;
            assert!(reach.contains(&holder), "row {i}: {reach:?}");
        }
        let k = plan.aid_part[0] as usize;
        assert!(plan.register_rows[k].contains(&0) && plan.register_rows[k].contains(&1));
        // A part's register rows are sorted and distinct.
        for r in &plan.register_rows {
            assert!(r.windows(2).all(|w| w[0] < w[1]));
        }
    }

    #[test]
    fn regions_are_the_shortest_prefix_with_four_per_part() {
        // NIKs of `provinces` provinces, each with `regencies` regencies of two kecamatan.
        const PROVINCES: [u32; 14] = [11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34];
        let niks = |provinces: usize, regencies: u32| -> Vec<String> {
            let mut v = Vec::new();
            for p in &PROVINCES[..provinces] {
                for r in 0..regencies {
                    for k in 1..=2 {
                        v.push(format!("{p:02}{:02}{k:02}0101800001", 1 + r));
                    }
                }
            }
            v
        };
        for (provinces, regencies, parts, want) in [
            (8, 1, 2, 2),
            (8, 1, 3, 6),
            (3, 3, 2, 4),
            (2, 2, 1, 4),
            (1, 1, 1, 6),
            (12, 2, 3, 2),
        ] {
            let niks = niks(provinces, regencies);
            let table: Vec<[&str; 6]> = niks
                .iter()
                .map(|n| [n.as_str(), "ANI", "1980-01-01", "", "", ""])
                .collect();
            let (_, register) = records_pair(&FIELDS, &[], &rows(&table));
            assert_eq!(
                prefix_len(&register, parts),
                want,
                "{provinces} provinces x {regencies} regencies, {parts} parts"
            );
        }
    }

    #[test]
    fn a_region_too_large_for_one_part_is_split_by_kelurahan() {
        // One kecamatan, two kelurahan: without the split, one part would hold everyone.
        // Twenty people born on twenty days (rows of one name and birth date would be kept
        // together, whatever their kelurahan).
        let people: Vec<(String, String)> = (1..=20)
            .map(|d| (format!("6471014{d:02}1800001"), format!("1980-01-{d:02}")))
            .collect();
        let table: Vec<[&str; 6]> = people
            .iter()
            .enumerate()
            .map(|(i, (nik, date))| {
                let kel = if i % 2 == 0 { "SEPINGGAN" } else { "DAMAI" };
                [
                    nik.as_str(),
                    "ANI",
                    date.as_str(),
                    kel,
                    "BALIKPAPAN SELATAN",
                    "",
                ]
            })
            .collect();
        let (aid, register) = records_pair(&FIELDS, &rows(&table), &rows(&table));
        let index = RegisterIndex::build(&register);
        let links = crate::matching::link::link_all(&aid, &register, &index, &Default::default());
        let none = vec![Vec::new(); aid.len()];
        let plan = plan(&aid, &register, &index, &links, &[], none.clone(), 2);
        assert_eq!(plan.aid_rows(0).len(), 10, "{:?}", plan.aid_part);
        assert_eq!(plan.aid_rows(1).len(), 10, "{:?}", plan.aid_part);
        // One kelurahan a part.
        for k in 0..2 {
            let kels: std::collections::BTreeSet<&str> = plan
                .aid_rows(k)
                .iter()
                .map(|&r| aid.get(r as usize).kelurahan())
                .collect();
            assert_eq!(kels.len(), 1, "{kels:?}");
        }
    }

    #[test]
    fn one_part_takes_everything() {
        let register = [[
            "6471010202810002",
            "ANI",
            "1981-02-02",
            "SEPINGGAN",
            "BPP",
            "",
        ]];
        let aid = [
            register[0],
            ["6.47101E+15", "ANI", "1981-02-02", "SEPINGGAN", "BPP", ""],
        ];
        let (aid, register) = records_pair(&FIELDS, &rows(&aid), &rows(&register));
        let index = RegisterIndex::build(&register);
        let links = crate::matching::link::link_all(&aid, &register, &index, &Default::default());
        let plan = plan(
            &aid,
            &register,
            &index,
            &links,
            &[],
            vec![vec![0], vec![0]],
            1,
        );
        assert_eq!(plan.aid_part, vec![0, 0]);
        assert_eq!(plan.register_rows, vec![vec![0]]);
        assert_eq!(plan.aid_rows(0), vec![0, 1]);
    }
}

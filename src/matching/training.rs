//! Training: the model's m- and u-probabilities estimated from the data, as Splink does.
//!
//! In: comparison vectors ([`Gamma`]) of random aid x register pairs (and of random pairs
//! of strangers inside one kelurahan, for the fields compared only there), and of the
//! pairs exact NIK linking found (or, without enough of them, of the candidate pairs
//! blocking finds, each with the keys that found it).
//! Out: the [`Model`] with u from the random pairs, m by EM (u held fixed: one session on
//! the exact links, or one per blocking key with the key's own fields left out), the
//! NIK's own m kept at its declared prior.

use rayon::prelude::*;

use crate::core::rng::Rng;
use crate::matching::block::{
    kinds_shared, probe_keys, BlockLimit, BlockStats, Blocker, KeyKind, KeyKinds,
};
use crate::matching::comparisons::{gamma, Cmp, Gamma, COMPARISONS, N_FIELDS};
use crate::matching::levels::{DateLevel, NameLevel, NikLevel};
use crate::matching::link::Link;
use crate::matching::record::Records;
use crate::matching::score::{normalize, Model, Scorer};

/// What one EM session estimated: each field's m (None for the blocking rule's fields,
/// or for all when the pairs were too few) and the iterations run.
pub(crate) struct Session {
    pub m: Vec<Option<Vec<f64>>>,
    pub iterations: usize,
}

impl Model {
    /// Estimate u from random pairs (Laplace-smoothed counts): `random` pairs of the whole
    /// list for most fields, `within` (random pairs of one kelurahan) for the fields
    /// compared only there ([`Comparison::within_kelurahan`]), `random` when `within` is
    /// empty.
    ///
    /// [`Comparison::within_kelurahan`]: crate::matching::comparisons::Comparison::within_kelurahan
    pub(crate) fn estimate_u(&mut self, random: &[Gamma], within: &[Gamma]) {
        for (f, c) in COMPARISONS.iter().enumerate() {
            let sample = if c.within_kelurahan && !within.is_empty() {
                within
            } else {
                random
            };
            let mut counts = vec![1.0; c.levels.len()];
            for g in sample {
                if let Some(l) = g.level(c.field) {
                    counts[usize::from(l)] += 1.0;
                }
            }
            // Keep the prior where random pairs cannot see rare levels.
            let total: f64 = counts.iter().sum();
            for (l, c) in counts.iter().enumerate() {
                let observed = c / total;
                self.u[f][l] = if *c > 1.0 {
                    observed
                } else {
                    self.u[f][l].min(observed)
                };
            }
            normalize(&mut self.u[f]);
        }
        self.random_pairs = random.len();
    }

    /// EM for m and lambda with u fixed. Sums run in input order: deterministic.
    pub(crate) fn estimate_m(&mut self, pairs: &[Gamma], iterations: usize) {
        if pairs.len() < MIN_EM_PAIRS {
            return;
        }
        for _ in 0..iterations {
            let mut num: Vec<Vec<f64>> = COMPARISONS
                .iter()
                .map(|c| vec![0.0; c.levels.len()])
                .collect();
            let mut total_p = 0.0;
            let scorer = Scorer::new(self);
            for g in pairs {
                let p = scorer.probability_without_tf(g);
                total_p += p;
                for (c, level) in g.fields() {
                    if let Some(l) = level {
                        num[c as usize][usize::from(l)] += p;
                    }
                }
            }
            for (f, mut row) in num.into_iter().enumerate() {
                if row.iter().sum::<f64>() > 0.0 {
                    normalize(&mut row);
                    self.m[f] = row;
                }
            }
            self.lambda = (total_p / pairs.len() as f64).clamp(1e-6, 0.999_999);
            self.em_iterations += 1;
        }
        self.candidate_pairs = pairs.len();
    }

    /// One EM session on pairs found by a blocking rule (Splink's method): the fields of
    /// the rule (`fixed`), on which every pair agrees by construction, are left out; m of
    /// the other fields is estimated with u fixed. Returns the estimated m rows (None for
    /// fixed fields) and the iterations run, without changing the model.
    pub(crate) fn em_session(&self, pairs: &[Gamma], fixed: &[Cmp], iterations: usize) -> Session {
        let mut work = self.clone();
        let mut out: Vec<Option<Vec<f64>>> = vec![None; N_FIELDS];
        if pairs.len() < MIN_EM_PAIRS {
            return Session {
                m: out,
                iterations: 0,
            };
        }
        let masked: Vec<Gamma> = pairs
            .iter()
            .map(|g| fixed.iter().fold(*g, |g, &c| g.with(c, None)))
            .collect();
        work.lambda = 0.5;
        work.estimate_m(&masked, iterations);
        for (c, row) in Cmp::ALL.iter().zip(out.iter_mut()) {
            if !fixed.contains(c) {
                let f = *c as usize;
                *row = Some(work.m[f].clone());
            }
        }
        Session {
            m: out,
            iterations: work.em_iterations,
        }
    }

    /// Combine EM sessions: each field's m is the mean of the sessions that estimated it.
    pub(crate) fn combine_sessions(&mut self, sessions: &[Session], pairs: usize) {
        for (f, c) in COMPARISONS.iter().enumerate() {
            let rows: Vec<&Vec<f64>> = sessions.iter().filter_map(|s| s.m[f].as_ref()).collect();
            if rows.is_empty() {
                continue;
            }
            let mut m = vec![0.0; c.levels.len()];
            for r in &rows {
                for (l, x) in r.iter().enumerate() {
                    m[l] += x / rows.len() as f64;
                }
            }
            normalize(&mut m);
            self.m[f] = m;
        }
        self.em_iterations = sessions.iter().map(|s| s.iterations).max().unwrap_or(0);
        self.candidate_pairs = pairs;
    }

    /// Level `l` of field `c` made neutral (m = u), the field's m renormalized: a level
    /// that is evidence only together with other fields that carry their own weight.
    pub(crate) fn make_neutral(&mut self, c: Cmp, l: u8) {
        let (f, l) = (c as usize, usize::from(l));
        self.m[f][l] = self.u[f][l];
        let total: f64 = self.m[f].iter().sum();
        self.m[f].iter_mut().for_each(|x| *x /= total);
    }
}

/// The comparison of every exactly linked aid row with its register person (None for
/// rows without a link), in aid order.
pub(crate) fn exact_gammas(
    aid: &Records,
    register: &Records,
    links: &[Link],
) -> Vec<Option<Gamma>> {
    links
        .par_iter()
        .enumerate()
        .map(|(a, l)| l.register.map(|r| gamma(aid.get(a), register.get(r))))
        .collect()
}

/// Estimate the model: u from random aid x register pairs; m by EM on the pairs that exact
/// NIK linking found, with the NIK field left out (the fields of a blocking rule cannot be
/// estimated from the pairs it finds, as in Splink). The NIK's m keeps its documented prior:
/// its error rates cannot be learnt from NIK-blocked pairs, and EM over name-and-date blocks
/// mixes in people born the same day in the same kecamatan (namesakes, twins), whose NIKs
/// differ only in the serial. For the same reason the level "same region and date" is made
/// neutral (m = u): a NIK that agrees but for its serial is evidence only together with
/// name, birth date and place, which carry their own weight.
///
/// Without enough exact links to learn from (a list without identifiers, or with
/// identifiers the register does not hold), m is estimated by EM on the candidate pairs
/// blocking finds for the aid rows ([`blocked_pairs`]), as Splink trains: the declared
/// priors are kept only where no pairs are found.
///
/// `exact`: the comparison of each exactly linked aid row with its register person
/// ([`exact_gammas`]), made once for the model and the links' evidence.
pub(crate) fn estimate_model(aid: &Records, register: &Records, exact: &[Option<Gamma>]) -> Model {
    let mut model = Model::default();
    if register.is_empty() {
        return estimate_alone(aid);
    }
    if aid.is_empty() {
        return model;
    }
    estimate_u_from(&mut model, aid, register);
    let pairs: Vec<Gamma> = exact.iter().flatten().copied().collect();
    if pairs.len() < MIN_EM_PAIRS {
        train_by_keys(&mut model, &blocked_pairs(aid, register, MAX_PROBE_ROWS));
    } else {
        let sessions = [model.em_session(&pairs, &[Cmp::Nik], 25)];
        model.combine_sessions(&sessions, pairs.len());
    }
    model.make_neutral(Cmp::Nik, NikLevel::SameRegionAndDate as u8);
    model
}

/// Random pairs drawn for u, of the whole list and of one kelurahan each.
const RANDOM_PAIRS: usize = 50_000;

/// u from random pairs of `aid` x `register` rows ([`RANDOM_PAIRS`] draws; when both are
/// one list, a row is never paired with itself), and for the fields compared only inside
/// a kelurahan from random pairs of rows in one ([`random_within_kelurahan`]). Fixed
/// seeds: the same data give the same u.
fn estimate_u_from(model: &mut Model, aid: &Records, register: &Records) {
    let same = std::ptr::eq(aid, register);
    let mut rng = Rng::new(0x5EED_D3D0);
    let random: Vec<(usize, usize)> = (0..RANDOM_PAIRS)
        .map(|_| (rng.below(aid.len()), rng.below(register.len())))
        .filter(|(a, b)| !same || a != b)
        .collect();
    let random: Vec<Gamma> = random
        .par_iter()
        .map(|&(a, r)| gamma(aid.get(a), register.get(r)))
        .collect();
    let within = random_within_kelurahan(aid, register);
    model.estimate_u(&random, &within);
}

/// Random pairs of strangers in one kelurahan: for each of [`RANDOM_PAIRS`] random aid rows
/// with a kelurahan, a random register row of the same kelurahan (by its name), kept when
/// the two are [`strangers`] by name and birth date. RT
/// numbers and street names are compared only there, and random pairs of a whole city
/// rarely share a kelurahan: a few dozen pairs would set their u.
fn random_within_kelurahan(aid: &Records, register: &Records) -> Vec<Gamma> {
    let same = std::ptr::eq(aid, register);
    // The register's rows by kelurahan id; an aid row's kelurahan is the register's id
    // when the two share a pool (a run's lists do), else found by its name.
    let mut by_area: rustc_hash::FxHashMap<u32, Vec<u32>> = Default::default();
    for (r, p) in register.people.iter().enumerate() {
        if p.kelurahan != 0 {
            by_area.entry(p.kelurahan).or_default().push(r as u32);
        }
    }
    let shared = std::sync::Arc::ptr_eq(&aid.pool, &register.pool);
    let by_name: rustc_hash::FxHashMap<&str, u32> = if shared {
        Default::default()
    } else {
        by_area
            .iter()
            .map(|(&id, rows)| (register.get(rows[0] as usize).kelurahan(), id))
            .collect()
    };
    let area_of = |a: usize| -> Option<u32> {
        let p = aid.get(a);
        match shared {
            true => Some(p.kelurahan).filter(|&k| k != 0),
            false => by_name.get(p.kelurahan()).copied(),
        }
    };
    let mut rng = Rng::new(0x5EED_0CE1);
    let picks: Vec<(usize, usize)> = (0..RANDOM_PAIRS)
        .filter_map(|_| {
            let a = rng.below(aid.len());
            let rows = by_area.get(&area_of(a)?)?;
            let b = rows[rng.below(rows.len())] as usize;
            (!same || a != b).then_some((a, b))
        })
        .collect();
    picks
        .par_iter()
        .map(|&(a, b)| gamma(aid.get(a), register.get(b)))
        .filter(strangers)
        .collect()
}

/// Whether a pair's name and birth date both differ (or the date is missing): in a small
/// kelurahan a random row is often the same person's other record, which would count as
/// a stranger sharing the street; two rows of other names and dates are strangers (a
/// household's members among them, who share the street and the RT as strangers do).
fn strangers(g: &Gamma) -> bool {
    g.name() == Some(NameLevel::Differs)
        && matches!(g.birth_date(), None | Some(DateLevel::Differs))
}

/// Pairs below which EM does not run (the declared priors are kept).
const MIN_EM_PAIRS: usize = 100;

/// Candidate pairs EM reads at most from blocking (the first ones, in row order:
/// deterministic).
const MAX_BLOCKED_PAIRS: usize = 500_000;

/// Aid rows whose blocking candidates train a linkage model at most (the first ones, in
/// row order), when exact links are too few.
const MAX_PROBE_ROWS: usize = 50_000;

/// A candidate pair blocking found: its comparison and every key that finds it.
#[derive(Debug, Clone, Copy)]
struct Blocked {
    gamma: Gamma,
    kinds: KeyKinds,
}

/// The candidate pairs blocking finds for the first `rows` rows of `probe` among
/// `target`'s rows, in row order, at most [`MAX_BLOCKED_PAIRS`]. When `probe` and `target`
/// are one list, each pair is read once and no row is paired with itself.
fn blocked_pairs(probe: &Records, target: &Records, rows: usize) -> Vec<Blocked> {
    let same = std::ptr::eq(probe, target);
    let blocker = Blocker::build_with(target, BlockLimit::Size(300));
    let mut pairs: Vec<Blocked> = (0..probe.len().min(rows))
        .into_par_iter()
        .flat_map_iter(|k| {
            let mut stats = BlockStats::default();
            let found = blocker.candidates(probe.get(k), &mut stats);
            let keys = probe_keys(probe.get(k));
            found
                .into_iter()
                .filter(move |&(j, _)| !same || j as usize > k)
                .map(move |(j, first)| {
                    let (a, b) = (probe.get(k), target.get(j as usize));
                    Blocked {
                        gamma: gamma(a, b),
                        kinds: kinds_shared(&keys, b, first),
                    }
                })
        })
        .collect();
    pairs.truncate(MAX_BLOCKED_PAIRS);
    pairs
}

/// The keys whose pairs train an EM session. `number_area` is left out: its pairs agree
/// on one of several field pairs (house number and name, house number and area, a name
/// sound and the wider area), so only the birth date and RT are surely free, and two
/// fields cannot tell strangers who share a name sound and an area from matches.
const SESSION_KEYS: [KeyKind; 5] = [
    KeyKind::NikVariant,
    KeyKind::NameDate,
    KeyKind::NameArea,
    KeyKind::NikPrefixName,
    KeyKind::DateArea,
];

/// m trained on blocked candidate pairs as Splink trains: one EM session per blocking
/// key, on the pairs that key finds, with the key's own fields left out
/// ([`KeyKind::fields`]: its pairs agree on them by construction, however many are
/// strangers) and the identifier's too (it keeps its declared prior); each field's m is
/// the mean of the sessions that estimated it. A key with fewer than [`MIN_EM_PAIRS`]
/// pairs trains nothing; when no key has enough, one session reads every pair.
fn train_by_keys(model: &mut Model, pairs: &[Blocked]) {
    let mut sessions = Vec::new();
    for kind in SESSION_KEYS {
        let found: Vec<Gamma> = pairs
            .iter()
            .filter(|p| p.kinds.contains(kind))
            .map(|p| p.gamma)
            .collect();
        let mut fixed = kind.fields().to_vec();
        if !fixed.contains(&Cmp::Nik) {
            fixed.push(Cmp::Nik);
        }
        let session = model.em_session(&found, &fixed, 25);
        if session.iterations > 0 {
            sessions.push(session);
        }
    }
    if sessions.is_empty() {
        let all: Vec<Gamma> = pairs.iter().map(|p| p.gamma).collect();
        sessions.push(model.em_session(&all, &[Cmp::Nik], 25));
    }
    model.combine_sessions(&sessions, pairs.len());
}

/// The model of a list deduplicated alone, against no register (as Splink's
/// `dedupe_only`): u from random pairs of its rows, m and the prior by EM on the pairs its
/// blocking finds, the identifier's m kept at its declared prior. Without enough pairs
/// (fewer than [`MIN_EM_PAIRS`]), the declared priors.
fn estimate_alone(aid: &Records) -> Model {
    let mut model = Model::default();
    let n = aid.len();
    if n < 2 {
        return model;
    }
    estimate_u_from(&mut model, aid, aid);
    train_by_keys(&mut model, &blocked_pairs(aid, aid, n));
    model.make_neutral(Cmp::Nik, NikLevel::SameRegionAndDate as u8);
    model
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::Rng;

    /// Given and family names for the lists the tests build.
    const GIVEN: [&str; 12] = [
        "Budi", "Siti", "Agus", "Dewi", "Joko", "Rina", "Hadi", "Wati", "Eko", "Sri", "Yanto",
        "Lina",
    ];
    const FAMILY: [&str; 20] = [
        "Santoso", "Wijaya", "Hartono", "Kusuma", "Pratama", "Saputra", "Lestari", "Gunawan",
        "Setiawan", "Susanto", "Halim", "Rahman", "Hidayat", "Nugroho", "Purnama", "Siregar",
        "Nasution", "Lubis", "Harahap", "Sinaga",
    ];

    /// One list of records from rows of cells under `fields`.
    fn list_of<const N: usize>(
        fields: &[crate::core::config::Field],
        rows: &[[String; N]],
    ) -> Records {
        let rows: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
        crate::matching::record::testing::records(fields, &rows)
    }

    /// Draw comparison vectors from known m (matches) and u (non-matches).
    fn simulate(rng: &mut Rng, m: &[Vec<f64>], u: &[Vec<f64>], n: usize, share: f64) -> Vec<Gamma> {
        let draw = |rng: &mut Rng, p: &[f64]| {
            let r = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            let mut acc = 0.0;
            for (i, x) in p.iter().enumerate() {
                acc += x;
                if r < acc {
                    return i as u8;
                }
            }
            (p.len() - 1) as u8
        };
        (0..n)
            .map(|_| {
                let table = if rng.chance(share) { m } else { u };
                Cmp::ALL.iter().fold(Gamma::NONE, |g, &c| {
                    g.with(c, Some(draw(rng, &table[c as usize])))
                })
            })
            .collect()
    }

    /// An aid list without identifiers, a third of its rows under another given name, links
    /// to the register with a model trained on its blocked candidates: EM runs, and learns
    /// that a name agreeing only weakly is common among its matches.
    #[test]
    fn a_list_without_identifiers_trains_on_its_blocked_candidates() {
        use crate::core::config::Field;
        use crate::matching::comparisons::COMPARISONS;
        use crate::matching::levels::NameLevel;
        use crate::matching::record::testing::records_pair;
        // More family names than [`FAMILY`]: 300 people, 12 to a family name.
        const FAMILIES: [&str; 25] = [
            "Santoso",
            "Wijaya",
            "Hartono",
            "Kusuma",
            "Pratama",
            "Saputra",
            "Lestari",
            "Gunawan",
            "Setiawan",
            "Susanto",
            "Halim",
            "Tanoto",
            "Rahman",
            "Hidayat",
            "Nugroho",
            "Purnama",
            "Siregar",
            "Nasution",
            "Lubis",
            "Harahap",
            "Sinaga",
            "Simanjuntak",
            "Pardede",
            "Manurung",
            "Sitompul",
        ];
        let fields = [
            Field::Name,
            Field::BirthDate,
            Field::Address,
            Field::Kelurahan,
        ];
        let people: Vec<[String; 4]> = (0..300)
            .map(|i| {
                [
                    format!("{} {}", GIVEN[i % 12], FAMILIES[i / 12]),
                    format!("{:02}-{:02}-{}", 1 + i % 28, 1 + i % 12, 1950 + i % 50),
                    format!("Jl. Mawar No. {}", 1 + i),
                    format!("Kelurahan {}", i % 20),
                ]
            })
            .collect();
        let copies: Vec<[String; 4]> = people
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut c = p.clone();
                if i % 3 == 0 {
                    c[0] = format!("{} {}", GIVEN[(i + 5) % 12], FAMILIES[i / 12]);
                }
                c
            })
            .collect();
        let reg: Vec<Vec<&str>> = people
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        let aid: Vec<Vec<&str>> = copies
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        let reg: Vec<&[&str]> = reg.iter().map(Vec::as_slice).collect();
        let aid: Vec<&[&str]> = aid.iter().map(Vec::as_slice).collect();
        let (aid, register) = records_pair(&fields, &aid, &reg);
        let model = estimate_model(&aid, &register, &vec![None; aid.len()]);
        assert!(model.em_iterations > 0, "EM ran");
        assert!(
            model.candidate_pairs >= MIN_EM_PAIRS,
            "{}",
            model.candidate_pairs
        );
        // The replaced given names compare `weak` (the family name is kept): the share of
        // matches whose name is weak or differs is learnt well above the declared one.
        let name = Cmp::Name as usize;
        let below = |m: &[f64]| m[NameLevel::Weak as usize] + m[NameLevel::Differs as usize];
        let declared = below(COMPARISONS[name].m);
        assert!(
            below(&model.m[name]) > 2.0 * declared,
            "m(name weak or differs) {} against the declared {declared}",
            below(&model.m[name])
        );
    }

    /// A list deduplicated alone in which people of one given name live in one kelurahan
    /// and RT: the pairs the name + area key finds are mostly strangers born on other
    /// days. Trained per key, with the key's own fields left out, m of "birth date
    /// differs" stays near the truth (every copy keeps its date); read as one session, the
    /// strangers' agreeing name and area pass them for matches whose dates differ.
    #[test]
    fn strangers_a_key_finds_do_not_teach_that_matches_differ() {
        use crate::core::config::Field;
        const STREET: [&str; 7] = [
            "Mawar",
            "Melati",
            "Kenanga",
            "Anggrek",
            "Dahlia",
            "Cempaka",
            "Flamboyan",
        ];
        let fields = [
            Field::Name,
            Field::BirthDate,
            Field::Address,
            Field::Kelurahan,
            Field::Rt,
        ];
        let person = |i: usize| {
            [
                format!("{} {}", GIVEN[i % 12], FAMILY[i / 12]),
                format!(
                    "{:02}-{:02}-{}",
                    1 + i % 28,
                    1 + (i / 28) % 12,
                    1950 + i % 40
                ),
                format!("Jl. {} No. {}", STREET[i % 7], 1 + i),
                format!("Kelurahan {}", i % 10),
                format!("{:03}", 1 + i % 5),
            ]
        };
        let rows: Vec<[String; 5]> = (0..240).flat_map(|i| [person(i), person(i)]).collect();
        let list = list_of(&fields, &rows);
        let model = estimate_alone(&list);
        assert!(model.em_iterations > 0, "EM ran");
        let m = model.m[Cmp::BirthDate as usize][DateLevel::Differs as usize];
        assert!(m < 0.05, "m(birth date differs) {m}");
    }

    /// Street names are compared only inside a kelurahan, so their u comes from random
    /// pairs of one kelurahan, and of strangers only: in a list whose kelurahan hold two
    /// people recorded twice each, a random row of one's kelurahan is the other record of
    /// the same person one time in three, which would pass a shared street for common.
    #[test]
    fn street_u_is_read_from_strangers_of_one_kelurahan() {
        use crate::core::config::Field;
        use crate::matching::levels::StreetLevel;
        let fields = [
            Field::Name,
            Field::BirthDate,
            Field::Address,
            Field::Kelurahan,
        ];
        let person = |i: usize| {
            [
                format!("{} {}", GIVEN[i % 12], FAMILY[(i * 7) % 20]),
                format!(
                    "{:02}-{:02}-{}",
                    1 + i % 28,
                    1 + (i / 28) % 12,
                    1950 + i % 40
                ),
                format!("Gang Blok{i} No. {}", 1 + i),
                format!("Kelurahan {}", i / 2),
            ]
        };
        let rows: Vec<[String; 4]> = (0..200).flat_map(|i| [person(i), person(i)]).collect();
        let list = list_of(&fields, &rows);
        let within = random_within_kelurahan(&list, &list);
        assert!(within.len() > 10_000, "{} pairs", within.len());
        assert!(within.iter().all(strangers));
        let mut model = Model::default();
        estimate_u_from(&mut model, &list, &list);
        let same = model.u[Cmp::Street as usize][StreetLevel::Same as usize];
        assert!(same < 0.01, "u(street same) {same}");
    }

    #[test]
    fn em_recovers_known_m_and_u() {
        let true_m: Vec<Vec<f64>> = vec![
            vec![0.7, 0.15, 0.08, 0.05, 0.02],
            vec![0.75, 0.1, 0.05, 0.05, 0.05],
            vec![0.6, 0.1, 0.1, 0.1, 0.05, 0.05],
            vec![0.95, 0.05],
            vec![0.85, 0.15],
            vec![0.7, 0.3],
            vec![0.8, 0.2],
            vec![0.6, 0.25, 0.15],
            vec![0.9, 0.1],
        ];
        let true_u: Vec<Vec<f64>> = vec![
            vec![0.01, 0.01, 0.03, 0.15, 0.8],
            vec![0.01, 0.01, 0.01, 0.07, 0.9],
            vec![0.001, 0.004, 0.005, 0.01, 0.08, 0.9],
            vec![0.5, 0.5],
            vec![0.05, 0.95],
            vec![0.2, 0.8],
            vec![0.25, 0.75],
            vec![0.1, 0.2, 0.7],
            vec![0.15, 0.85],
        ];
        let mut rng = Rng::new(42);
        let pairs = simulate(&mut rng, &true_m, &true_u, 60_000, 0.3);
        let random = simulate(&mut rng, &true_m, &true_u, 60_000, 0.0);
        let mut model = Model::default();
        model.estimate_u(&random, &[]);
        model.estimate_m(&pairs, 40);
        assert!((model.lambda - 0.3).abs() < 0.02, "lambda {}", model.lambda);
        for f in 0..N_FIELDS {
            for l in 0..true_m[f].len() {
                assert!(
                    (model.m[f][l] - true_m[f][l]).abs() < 0.03,
                    "m[{f}][{l}] {} vs {}",
                    model.m[f][l],
                    true_m[f][l]
                );
                assert!(
                    (model.u[f][l] - true_u[f][l]).abs() < 0.01,
                    "u[{f}][{l}] {} vs {}",
                    model.u[f][l],
                    true_u[f][l]
                );
            }
        }
    }
}

//! Link stage: connect every aid row to the register.
//!
//! In: normalized aid and register [`Records`] and the match thresholds.
//! Out: one [`Link`] per aid row, in aid order: a preliminary status, a reason code, the
//! register row it points at (if any), the name score and the evidence.
//!
//! This is exact linking on the normalized NIK. Rules, in order:
//! 1. an invalid NIK gives `INVALID_NIK`, a spreadsheet-damaged one `NIK_DAMAGED`;
//! 2. a valid NIK not in the register gives `NOT_IN_REGISTER`, or `NIK_DAMAGED`
//!    (`NIK_ROUNDED`) when it ends in 0 and the same file shows spreadsheet damage elsewhere
//!    (scientific notation or float precision loss); in such a file a serial of 0000, which
//!    is what rounding makes of serials 0001-0004, is `NIK_ROUNDED` too;
//! 3. a NIK in the register whose name does not agree gives `NAME_MISMATCH`, linked to
//!    nobody (`register_nik` empty; the evidence shows the comparison with the holder);
//! 4. otherwise the register's life status decides: `DECEASED`, `MOVED_OUT` or `VERIFIED`.
//!
//! A register holding one NIK more than once (it happens) links to the holder whose name
//! agrees best, the lowest row on a tie.

use rayon::prelude::*;

use crate::core::config::MatchConfig;
use crate::core::status::Status;
use crate::matching::compare;
use crate::matching::record::{Life, Rec, Records};
use crate::normalize::nik::{NikIssue, NikParse};

/// The link of one aid row.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub status: Status,
    pub reason: &'static str,
    /// Index into the register records.
    pub register: Option<usize>,
    pub name_score: Option<f64>,
    pub evidence: String,
}

/// Register rows by normalized NIK: a sorted vector of (hash of the NIK, row); a lookup
/// checks the text, so a hash collision cannot link the wrong person.
#[derive(Debug, Default)]
pub struct RegisterIndex {
    by_hash: Vec<(u64, u32)>,
}

fn id_hash(id: &str) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    h.write(id.as_bytes());
    h.finish()
}

impl RegisterIndex {
    pub fn build(register: &Records) -> Self {
        let mut by_hash: Vec<(u64, u32)> = register
            .par_iter()
            .enumerate()
            .filter_map(|(i, p)| p.nik().valid().map(|n| (id_hash(n), i as u32)))
            .collect();
        by_hash.par_sort_unstable();
        RegisterIndex { by_hash }
    }

    /// The register rows holding `nik`, in row order.
    pub fn get<'r>(
        &'r self,
        register: &'r Records,
        nik: &'r str,
    ) -> impl Iterator<Item = usize> + 'r {
        let h = id_hash(nik);
        let start = self.by_hash.partition_point(|(k, _)| *k < h);
        self.by_hash[start..]
            .iter()
            .take_while(move |(k, _)| *k == h)
            .map(|&(_, r)| r as usize)
            .filter(move |&r| register.get(r).nik().valid() == Some(nik))
    }

    /// NIKs held by more than one register row.
    pub fn repeated_niks(&self, register: &Records) -> usize {
        let mut n = 0;
        let mut i = 0;
        let v = &self.by_hash;
        while i < v.len() {
            let mut j = i + 1;
            while j < v.len() && v[j].0 == v[i].0 {
                j += 1;
            }
            if j - i > 1 {
                // Count distinct texts held more than once within the hash run.
                let mut texts: Vec<&str> = v[i..j]
                    .iter()
                    .filter_map(|&(_, r)| register.get(r as usize).nik().valid())
                    .collect();
                texts.sort_unstable();
                let mut k = 0;
                while k < texts.len() {
                    let mut l = k + 1;
                    while l < texts.len() && texts[l] == texts[k] {
                        l += 1;
                    }
                    if l - k > 1 {
                        n += 1;
                    }
                    k = l;
                }
            }
            i = j;
        }
        n
    }
}

/// True when any NIK in the file was visibly damaged by a spreadsheet.
pub fn file_shows_damage(aid: &Records) -> bool {
    aid.iter().any(|p| {
        matches!(
            p.nik(),
            NikParse::Damaged {
                issue: NikIssue::NikScientific | NikIssue::NikFloatPrecision,
                ..
            }
        )
    })
}

fn unlinked(status: Status, reason: &'static str) -> Link {
    Link {
        status,
        reason,
        register: None,
        name_score: None,
        evidence: String::new(),
    }
}

/// Link one aid row.
pub fn link_one(
    aid: Rec<'_>,
    register: &Records,
    index: &RegisterIndex,
    cfg: &MatchConfig,
    damage_seen: bool,
) -> Link {
    let nik = match aid.nik() {
        // Serial 0000 is what rounding makes of serials 0001-0004.
        NikParse::Invalid {
            issue: NikIssue::NikSerial,
            ..
        } if damage_seen => return unlinked(Status::NikDamaged, NikIssue::NikRounded.code()),
        NikParse::Invalid { issue, .. } => return unlinked(Status::InvalidNik, issue.code()),
        NikParse::Damaged { issue, .. } => return unlinked(Status::NikDamaged, issue.code()),
        NikParse::Valid { nik, .. } | NikParse::Generic(nik) => nik,
    };
    let best = index
        .get(register, nik)
        .map(|r| (r, compare::name(aid, register.get(r))))
        .fold(None, |best: Option<(usize, f64)>, (r, s)| match best {
            Some((_, bs)) if bs >= s => best,
            _ => Some((r, s)),
        });
    let Some((reg, score)) = best else {
        return if damage_seen && nik.ends_with('0') && matches!(aid.nik(), NikParse::Valid { .. }) {
            unlinked(Status::NikDamaged, NikIssue::NikRounded.code())
        } else {
            unlinked(Status::NotInRegister, "NIK_NOT_FOUND")
        };
    };
    let (status, reason) = if score < cfg.name_threshold {
        (Status::NameMismatch, "NAME_DIFFERS")
    } else {
        match register.get(reg).life {
            Life::Deceased => (Status::Deceased, "REGISTER_DECEASED"),
            Life::MovedOut => (Status::MovedOut, "REGISTER_MOVED_OUT"),
            Life::Active => (Status::Verified, "NIK_AND_NAME_MATCH"),
        }
    };
    Link {
        status,
        reason,
        // The NIK's holder is someone else: this row is linked to nobody.
        register: (status != Status::NameMismatch).then_some(reg),
        name_score: Some(score),
        evidence: compare::evidence(aid, register.get(reg), score),
    }
}

/// Link every aid row, in parallel; the result is in aid order.
pub fn link_all(
    aid: &Records,
    register: &Records,
    index: &RegisterIndex,
    cfg: &MatchConfig,
) -> Vec<Link> {
    let damage_seen = file_shows_damage(aid);
    aid.par_iter()
        .map(|p| link_one(p, register, index, cfg, damage_seen))
        .collect()
}

/// What the fuzzy stage did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FuzzyStats {
    /// Aid rows exact linking could not place.
    pub rows_considered: usize,
    /// Of those, rows linked to a register person.
    pub rows_linked: usize,
    /// Rows whose best candidate was strong but not clearly ahead of the runner-up.
    pub rows_ambiguous: usize,
    pub blocking: crate::matching::block::BlockStats,
}

/// Rows the fuzzy stage tries to place.
fn unresolved(l: &Link) -> bool {
    matches!(
        l.status,
        Status::NikDamaged | Status::InvalidNik | Status::NotInRegister | Status::NameMismatch
    )
}

/// Register name frequencies for the term-frequency adjustment, by name id (the aid list
/// and the register share one pool, so equal names have equal ids).
pub fn name_frequencies(register: &Records) -> Vec<u32> {
    let mut f = vec![0u32; register.pool.names.len()];
    for p in &register.people {
        if p.name != 0 {
            f[p.name as usize] += 1;
        }
    }
    f
}

/// The term frequency of a register person's name (None for an empty name).
fn tf(freq: &[u32], b: Rec<'_>, n: f64) -> Option<f64> {
    match freq.get(b.name as usize) {
        Some(&c) if c > 0 => Some(f64::from(c) / n),
        _ => None,
    }
}

/// The comparison of every exactly linked aid row with its register person (None for
/// rows without a link), in aid order.
pub fn exact_gammas(
    aid: &Records,
    register: &Records,
    links: &[Link],
) -> Vec<Option<compare::Gamma>> {
    links
        .par_iter()
        .enumerate()
        .map(|(a, l)| {
            l.register
                .map(|r| compare::gamma(aid.get(a), register.get(r)))
        })
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
/// `exact`: the comparison of each exactly linked aid row with its register person
/// ([`exact_gammas`]), made once for the model and the links' evidence.
pub fn estimate_model(
    aid: &Records,
    register: &Records,
    exact: &[Option<compare::Gamma>],
) -> crate::matching::score::Model {
    let mut model = crate::matching::score::Model::default();
    if aid.is_empty() || register.is_empty() {
        return model;
    }
    let mut rng = crate::core::rng::Rng::new(0x5EED_D3D0);
    let random: Vec<(usize, usize)> = (0..50_000)
        .map(|_| (rng.below(aid.len()), rng.below(register.len())))
        .collect();
    let random: Vec<compare::Gamma> = random
        .par_iter()
        .map(|&(a, r)| compare::gamma(aid.get(a), register.get(r)))
        .collect();
    model.estimate_u(&random);
    let exact: Vec<compare::Gamma> = exact.iter().flatten().copied().collect();
    let sessions = [model.em_session(&exact, &[2], 25)];
    model.combine_sessions(&sessions, exact.len());
    model.m[2][4] = model.u[2][4];
    let total: f64 = model.m[2].iter().sum();
    model.m[2].iter_mut().for_each(|x| *x /= total);
    model
}

/// Place the rows exact linking could not, by blocking and Fellegi-Sunter scoring.
///
/// A row is linked to its best candidate when the match probability reaches
/// `link_probability`, the weight is `margin_bits` ahead of the runner-up, and the names
/// agree (level fuzzy or better). A row with a well-formed NIK (`NAME_MISMATCH`: someone
/// else's; `NOT_IN_REGISTER`: nobody's) is linked only to a candidate one NIK error away
/// (substitution, adjacent swap, rounding, a dropped digit): a typo, not a borrowed NIK
/// and not a namesake born the same day, since the same name and birth date alone are weak
/// evidence. Rows with a damaged, invalid or missing NIK can be linked on name, birth date,
/// place and the NIK's surviving digits. The model is estimated unless one is given.
pub fn link_fuzzy(
    aid: &Records,
    register: &Records,
    links: &mut [Link],
    cfg: &MatchConfig,
    model: Option<crate::matching::score::Model>,
) -> (FuzzyStats, crate::matching::score::Model) {
    let todo: Vec<usize> = (0..aid.len()).filter(|&i| unresolved(&links[i])).collect();
    // A few thousand rows to place against a register of millions: their keys are looked
    // up in one scan of the register instead of indexing the whole register.
    let probes: Vec<Rec<'_>> = todo.iter().map(|&i| aid.get(i)).collect();
    let found = crate::matching::block::candidates_in(register, &probes, cfg.max_block);
    // Exact links before fuzzy linking: compared once, for the model and their evidence.
    let exact = exact_gammas(aid, register, links);
    let model = model.unwrap_or_else(|| estimate_model(aid, register, &exact));
    let scorer = crate::matching::score::Scorer::new(&model);
    let freq = name_frequencies(register);
    let n = register.len().max(1) as f64;
    let decisions: Vec<Option<Link>> = todo
        .par_iter()
        .zip(&found)
        .map(|(&i, (cands, _))| {
            let a = aid.get(i);
            // A well-formed NIK (someone else's, or nobody's) says who the row is not:
            // such a row is linked only through NIK evidence, one error away.
            let well_formed = matches!(
                links[i].status,
                Status::NameMismatch | Status::NotInRegister
            );
            let mut scored: Vec<(f64, u32, compare::Gamma, crate::matching::score::Score)> = cands
                .iter()
                .map(|&(r, _)| {
                    let b = register.get(r as usize);
                    let g = compare::gamma(a, b);
                    let s = scorer.score(&g, tf(&freq, b, n));
                    (s.weight, r, g, s)
                })
                .collect();
            scored.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
            let (_, r, g, s) = scored.first()?;
            let runner_up = scored.get(1).map_or(f64::NEG_INFINITY, |x| x.0);
            let name_ok = g.0[0].is_some_and(|l| l <= 2);
            let nik_ok = !well_formed || matches!(g.0[2], Some(1..=3));
            if s.probability < cfg.link_probability || !name_ok || !nik_ok {
                return None;
            }
            let reg = *r as usize;
            let explanation = format!("fuzzy;{}", crate::matching::score::explain(g, s));
            if s.weight - runner_up < cfg.margin_bits {
                return Some(Link {
                    status: links[i].status,
                    reason: links[i].reason,
                    register: None,
                    name_score: links[i].name_score,
                    evidence: format!("ambiguous;{explanation}"),
                });
            }
            let (status, reason) = match register.get(reg).life {
                Life::Deceased => (Status::Deceased, "REGISTER_DECEASED"),
                Life::MovedOut => (Status::MovedOut, "REGISTER_MOVED_OUT"),
                Life::Active => (Status::Verified, "NIK_CORRECTED"),
            };
            Some(Link {
                status,
                reason,
                register: Some(reg),
                name_score: Some(compare::name(a, register.get(reg))),
                evidence: explanation,
            })
        })
        .collect();
    let mut stats = FuzzyStats {
        rows_considered: todo.len(),
        ..FuzzyStats::default()
    };
    for (&i, d) in todo.iter().zip(decisions) {
        if let Some(l) = d {
            if l.register.is_some() {
                stats.rows_linked += 1;
            } else {
                stats.rows_ambiguous += 1;
            }
            links[i] = l;
        }
    }
    // Every exact link carries its weights too, so each pair behind a group is explained
    // the same way.
    links.par_iter_mut().enumerate().for_each(|(i, l)| {
        if let (Some(r), false) = (l.register, l.evidence.starts_with("fuzzy")) {
            let b = register.get(r);
            // A row linked by fuzzy linking was unlinked before it: its exact comparison
            // is None, and it is not here (its evidence starts with "fuzzy").
            let g = exact[i].unwrap_or_else(|| compare::gamma(aid.get(i), b));
            l.evidence = crate::matching::score::explain_after(
                "exact_nik;",
                &g,
                &scorer.score(&g, tf(&freq, b, n)),
            );
        }
    });
    stats.blocking = found.into_iter().map(|(_, s)| s).fold(
        crate::matching::block::BlockStats::default(),
        crate::matching::block::BlockStats::merge,
    );
    (stats, model)
}

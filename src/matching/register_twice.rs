//! People the register holds twice: one person under two NIKs ("tercatat di dua tempat").
//!
//! In: the register [`Records`], the links of the aid rows, and the model. Out: the pairs
//! of register records that are one person ([`RegisterPair`], each with its current record
//! and its posterior), and the links of rows under a superseded record moved to the
//! person's current record (`NIK_SUPERSEDED`), so that rows under either NIK are one
//! duplicate group.
//!
//! People who move to another regency and register there get a new KK and NIK; the old
//! record often stays open (HIDUP) or says moved out (PINDAH). For every register record an
//! aid row is linked to, the other records of the same name sound key and birth date (or
//! birth year and place) are looked up over the whole register (one pass, keeping only the
//! keys the aid list reaches), and each pair is scored on the hypothesis "one person
//! registered again" ([`crate::matching::register_hypothesis`]): the personal fields, where
//! the two records are, their life status, their households and whether the aid list names
//! both. A pair is one person when its posterior reaches `link_probability`. Twins (one
//! household), a father and son of one name (other dates: another block) and namesakes
//! born the same day (another birth place, the same regency, both in families) fall below
//! it.
//!
//! The current record is the one that does not say moved out; of two open records, the
//! one whose KK was issued later (KK digits 7-12, DDMMYY); without that, none is preferred
//! and the pair is reported only.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::core::config::MatchConfig;
use crate::matching::link::{life_status_as, Link};
use crate::matching::record::{Life, Rec, Records};
use crate::matching::register_hypothesis::{kk_issued, Hypothesis, Weighed};
pub use crate::matching::register_pair::RegisterPair;
use crate::matching::score::Model;

/// What [`find_and_relink`] found and changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegisterTwice {
    /// Pairs of records of one person, ordered by (current, other).
    pub pairs: Vec<RegisterPair>,
    /// Aid rows moved from a superseded record to the current one.
    pub rows_superseded: usize,
    /// Register records looked at (those the aid list is linked to).
    pub records_checked: usize,
}

/// Find the register records of the people the aid list reaches that are held twice, and
/// link rows under a superseded record to the current one.
pub(crate) fn find_and_relink(
    register: &Records,
    links: &mut [Link],
    model: &Model,
    cfg: &MatchConfig,
) -> RegisterTwice {
    let mut reached: Vec<usize> = links.iter().filter_map(|l| l.register).collect();
    reached.sort_unstable();
    reached.dedup();
    let hypothesis = Hypothesis::new(register, model);
    // The weight `link_probability` asks for (log2 of its odds).
    let min_weight = (cfg.link_probability / (1.0 - cfg.link_probability)).log2();
    let learnt = hypothesis.learnt(reached.len() as f64 / register.len().max(1) as f64);
    let candidates = candidates(
        register,
        &reached,
        &hypothesis,
        min_weight - learnt.bound(),
        cfg.max_block,
    );
    let learnt = learnt.learn(
        &candidates.iter().map(|c| &c.2).collect::<Vec<_>>(),
        reached.len(),
    );
    let mut pairs: Vec<RegisterPair> = candidates
        .into_iter()
        .filter_map(|(r, s, w)| {
            let w = w.with_learnt(&learnt);
            let probability = w.probability();
            (probability >= cfg.link_probability)
                .then(|| pair(register, (r, s), probability, w.evidence()))
        })
        .collect();
    pairs.sort_by_key(|p| (p.current, p.other));
    pairs.dedup_by_key(|p| (p.current, p.other));
    let rows_superseded = relink(register, links, &pairs);
    RegisterTwice {
        pairs,
        rows_superseded,
        records_checked: reached.len(),
    }
}

/// The pairs of a reached record and another of its blocks that can reach `min_weight`,
/// each pair once (lower row first), with their weights before the learnt comparisons.
fn candidates(
    register: &Records,
    reached: &[usize],
    hypothesis: &Hypothesis<'_>,
    min_weight: f64,
    max_block: usize,
) -> Vec<(usize, usize, Weighed)> {
    let blocks = blocks_of(register, reached);
    let mut found: Vec<(usize, usize, Weighed)> = reached
        .par_iter()
        .flat_map_iter(|&r| {
            let mut others: Vec<u32> = keys(register.get(r))
                .filter_map(|k| blocks.get(&k))
                // A block too large (a common name on a placeholder date) is skipped, as
                // blocking skips it.
                .filter(|rows| rows.len() <= max_block)
                .flatten()
                .copied()
                .filter(|&s| s as usize != r)
                .collect();
            others.sort_unstable();
            others.dedup();
            others.into_iter().filter_map(move |s| {
                let s = s as usize;
                let (a, b) = (register.get(r), register.get(s));
                if !apart(a, b) {
                    return None;
                }
                let both_listed = reached.binary_search(&s).is_ok();
                let w = hypothesis.weigh((a, b), both_listed, min_weight)?;
                Some((r.min(s), r.max(s), w))
            })
        })
        .collect();
    found.sort_by_key(|c| (c.0, c.1));
    found.dedup_by_key(|c| (c.0, c.1));
    found
}

/// A blocking key: (kind, the name's sound key, the birth date or the birth year with the
/// birth place).
type Key = (u8, u64, i64);

/// The blocking keys of a record: its name's sound key with the birth date, and with the
/// birth year and place (a re-registration with a corrected day or month).
fn keys(p: Rec<'_>) -> impl Iterator<Item = Key> {
    use chrono::Datelike;
    let sound = (p.name != 0).then(|| p.sound().full);
    let dated = sound.zip(p.birth);
    let by_date = dated.map(|(s, b)| (0, s, i64::from(b.date.num_days_from_ce())));
    let by_place = dated.filter(|_| p.birth_place != 0).map(|(s, b)| {
        (
            1,
            s,
            i64::from(b.date.year()) << 32 | i64::from(p.birth_place),
        )
    });
    by_date.into_iter().chain(by_place)
}

/// The register rows of every key a reached record holds: one pass over the register.
fn blocks_of(register: &Records, reached: &[usize]) -> FxHashMap<Key, Vec<u32>> {
    let mut blocks: FxHashMap<Key, Vec<u32>> = reached
        .iter()
        .flat_map(|&r| keys(register.get(r)))
        .map(|k| (k, Vec::new()))
        .collect();
    // The register's hits, found in parallel and gathered in row order.
    let hits: Vec<(Key, u32)> = register
        .par_iter()
        .enumerate()
        .flat_map_iter(|(row, p)| {
            keys(p)
                .filter(|k| blocks.contains_key(k))
                .map(move |k| (k, row as u32))
        })
        .collect();
    for (k, row) in hits {
        if let Some(rows) = blocks.get_mut(&k) {
            rows.push(row);
        }
    }
    blocks
}

/// Two records that can be one person registered twice: two NIKs, not one household, and
/// neither says the person died.
fn apart(a: Rec<'_>, b: Rec<'_>) -> bool {
    let niks = match (a.nik().valid(), b.nik().valid()) {
        (Some(x), Some(y)) => x != y,
        _ => false,
    };
    let households = !matches!((a.kk, b.kk), (Some(x), Some(y)) if x == y);
    niks && households && a.life != Life::Deceased && b.life != Life::Deceased
}

/// The pair of rows `r` and `s` with its current record chosen.
fn pair(
    register: &Records,
    (r, s): (usize, usize),
    probability: f64,
    evidence: String,
) -> RegisterPair {
    let (x, y) = (register.get(r), register.get(s));
    let moved = |p: Rec<'_>| p.life == Life::MovedOut;
    let later = match (kk_issued(x), kk_issued(y)) {
        (Some(dx), Some(dy)) if dx != dy => Some(dx > dy),
        _ => None,
    };
    // Whether `r` is the record in force: the open one, or of two open ones the later.
    let r_in_force = match (moved(x), moved(y)) {
        (false, true) => Some(true),
        (true, false) => Some(false),
        (false, false) => later,
        (true, true) => None,
    };
    let (current, other) = match r_in_force {
        Some(true) => (r, s),
        Some(false) => (s, r),
        None => (r.min(s), r.max(s)),
    };
    RegisterPair {
        current,
        other,
        current_known: r_in_force.is_some(),
        probability,
        evidence,
    }
}

/// The first word of the evidence of a row moved from a superseded record to the current
/// one (`superseded;...`): the reports count its group as one person under two NIKs.
pub(crate) const SUPERSEDED_EVIDENCE: &str = "superseded";

/// Move the links of rows under a superseded record to the current one; returns how many
/// moved. A row linked to a record whose person's current record is known is linked to
/// that record, with reason `NIK_SUPERSEDED` when the current record is open.
pub(crate) fn relink(register: &Records, links: &mut [Link], pairs: &[RegisterPair]) -> usize {
    let current_of: FxHashMap<usize, usize> = pairs
        .iter()
        .filter(|p| p.current_known)
        .map(|p| (p.other, p.current))
        .collect();
    let mut moved = 0;
    for l in links.iter_mut() {
        let Some(c) = l.register.and_then(|r| current_of.get(&r).copied()) else {
            continue;
        };
        let old = l.register;
        let (status, reason) = life_status_as(register.get(c), "NIK_SUPERSEDED");
        l.status = status;
        l.reason = reason;
        l.candidate = old;
        l.register = Some(c);
        l.evidence = format!("{SUPERSEDED_EVIDENCE};{}", l.evidence);
        moved += 1;
    }
    moved
}

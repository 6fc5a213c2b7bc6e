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
//! registered again":
//!
//! * the personal fields through the model's own comparisons and weights (name with its
//!   term frequency, birth date, sex, birth place); the household and address fields are
//!   left out: a new registration has a new KK and address by design;
//! * where the two records are ([`REGENCY`]): a new registration is made in another
//!   regency (NIK digits 1-4);
//! * the records' life status ([`CLOSED`]): an old record that says moved out is what a
//!   move leaves behind, and its KK is the older one ([`KK_LATER`]: the KK's issue date,
//!   digits 7-12).
//!
//! The prior is the share of people registered twice ([`TWICE_SHARE`]) over the pairs of
//! the register. A pair is one person when its posterior reaches `link_probability`.
//! Twins (one household), a father and son of one name (other dates: another block) and
//! namesakes born the same day (another birth place, the same regency) fall below it.
//!
//! The current record is the one that does not say moved out; of two open records, the
//! one whose KK was issued later (KK digits 7-12, DDMMYY); without that, none is preferred
//! and the pair is reported only.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::core::config::MatchConfig;
use crate::matching::comparisons::{Cmp, Gamma};
use crate::matching::levels::NameLevel;
use crate::matching::link::{life_status_as, Link};
use crate::matching::record::{Life, Rec, Records};
pub use crate::matching::register_pair::RegisterPair;
use crate::matching::score::{Model, Score, Scorer};

/// Share of the register's people recorded twice: the prior of the hypothesis.
pub(crate) const TWICE_SHARE: f64 = 0.005;

/// (m, u) of "the two records are in one regency": a new registration is made in another
/// regency (m); u is measured on the register (the share of random pairs in one regency).
pub(crate) const REGENCY: f64 = 0.1;

/// m of "one record says moved out": about half of the old records of people registered
/// again say PINDAH, the other half were left open; u is measured on the register.
pub(crate) const CLOSED: f64 = 0.5;

/// m of "the open record's KK was issued after the moved-out record's" (a new KK is made
/// at the new registration; some KK numbers are reissued); u: one or the other, even.
pub(crate) const KK_LATER: f64 = 0.95;

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
    let blocks = blocks_of(register, &reached);
    let mut pairs: Vec<RegisterPair> = reached
        .par_iter()
        .flat_map_iter(|&r| {
            let mut others: Vec<u32> = keys(register.get(r))
                .filter_map(|k| blocks.get(&k))
                // A block too large (a common name on a placeholder date) is skipped, as
                // blocking skips it.
                .filter(|rows| rows.len() <= cfg.max_block)
                .flatten()
                .copied()
                .filter(|&s| s as usize != r)
                .collect();
            others.sort_unstable();
            others.dedup();
            let hypothesis = &hypothesis;
            others.into_iter().filter_map(move |s| {
                let s = s as usize;
                let (a, b) = (register.get(r), register.get(s));
                if !apart(a, b) {
                    return None;
                }
                let w = hypothesis.weigh(a, b, min_weight)?;
                let probability = w.probability();
                (probability >= cfg.link_probability)
                    .then(|| pair(register, (r, s), probability, w.evidence()))
            })
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

/// The hypothesis "one person registered again", with the weights measured on this
/// register.
struct Hypothesis<'m> {
    scorer: Scorer<'m>,
    freq: Vec<u32>,
    rows: f64,
    /// Prior log2-odds of a pair of the register being one person.
    prior: f64,
    /// log2 m/u of one regency, of two.
    regency: [f64; 2],
    /// log2 m/u of one record moved out, of both open.
    closed: [f64; 2],
}

impl<'m> Hypothesis<'m> {
    fn new(register: &Records, model: &'m Model) -> Self {
        let n = register.len().max(2) as f64;
        let pairs = n * (n - 1.0) / 2.0;
        let prior = (TWICE_SHARE * n / pairs).min(0.5);
        let (regions, moved) = regency_counts(register);
        let with_region = f64::from(regions.iter().sum::<u32>().max(1));
        let same_regency = regions
            .iter()
            .map(|&c| (f64::from(c) / with_region).powi(2))
            .sum::<f64>()
            .clamp(1e-6, 1.0 - 1e-6);
        let share_moved = moved as f64 / n;
        let one_closed = (2.0 * share_moved * (1.0 - share_moved)).clamp(1e-6, 1.0 - 1e-6);
        Hypothesis {
            scorer: Scorer::new(model),
            freq: crate::matching::fuzzy::name_frequencies(register),
            rows: n,
            prior: (prior / (1.0 - prior)).log2(),
            regency: [
                (REGENCY / same_regency).log2(),
                ((1.0 - REGENCY) / (1.0 - same_regency)).log2(),
            ],
            closed: [
                (CLOSED / one_closed).log2(),
                ((1.0 - CLOSED) / (1.0 - one_closed)).log2(),
            ],
        }
    }

    /// The weights of the hypothesis for records `a` and `b`; None when they cannot reach
    /// `min_weight` whatever the names (the name, the dearest comparison, is compared
    /// last, and only when it could decide).
    fn weigh(&self, a: Rec<'_>, b: Rec<'_>, min_weight: f64) -> Option<Weighed> {
        const REST: [Cmp; 3] = [Cmp::BirthDate, Cmp::Sex, Cmp::BirthPlace];
        let g = REST
            .iter()
            .fold(Gamma::NONE, |g, &c| g.with(c, (c.decl().level)(a, b)));
        let tf = crate::matching::fuzzy::tf(&self.freq, a, b, self.rows);
        let one_regency = matches!(
            (a.nik().valid(), b.nik().valid()),
            (Some(x), Some(y)) if x.get(..4) == y.get(..4)
        );
        let one_closed = (a.life == Life::MovedOut) != (b.life == Life::MovedOut);
        let order = kk_order(a, b);
        let regency = self.regency[usize::from(!one_regency)];
        let closed = self.closed[usize::from(!one_closed)];
        let known = self.scorer.score(&g, tf);
        let rest = self.prior
            + REST.iter().map(|&c| known.part(c)).sum::<f64>()
            + regency
            + closed
            + order.map_or(0.0, |w| w.0);
        let best_name = (0..NameLevel::NAMES.len() as u8)
            .map(|l| {
                self.scorer
                    .score(&Gamma::NONE.with(Cmp::Name, Some(l)), tf)
                    .part(Cmp::Name)
            })
            .fold(f64::NEG_INFINITY, f64::max);
        if rest + best_name < min_weight {
            return None;
        }
        let g = g.with(Cmp::Name, (Cmp::Name.decl().level)(a, b));
        let score = self.scorer.score(&g, tf);
        let name = score.part(Cmp::Name);
        Some(Weighed {
            gamma: g,
            score,
            weight: rest + name,
            regency,
            closed,
            one_regency,
            one_closed,
            order,
        })
    }
}

/// The weights of the hypothesis for one pair of records.
struct Weighed {
    gamma: Gamma,
    score: Score,
    weight: f64,
    regency: f64,
    closed: f64,
    one_regency: bool,
    one_closed: bool,
    order: Option<(f64, &'static str)>,
}

impl Weighed {
    fn probability(&self) -> f64 {
        1.0 / (1.0 + (-self.weight).exp2())
    }

    /// The weights as text, for the work list and `dedupe explain`.
    fn evidence(&self) -> String {
        const PERSONAL: [Cmp; 4] = [Cmp::Name, Cmp::BirthDate, Cmp::Sex, Cmp::BirthPlace];
        let mut evidence = format!("registered_twice;weight={:.1}", self.weight);
        for c in PERSONAL {
            let level = self
                .gamma
                .level(c)
                .map_or("missing", |l| c.decl().levels[usize::from(l)]);
            evidence.push_str(&format!(
                ";{}={:+.1}({level})",
                c.name(),
                self.score.part(c)
            ));
        }
        let where_ = if self.one_regency { "same" } else { "other" };
        let life = if self.one_closed {
            "one_moved_out"
        } else {
            "both_open"
        };
        evidence.push_str(&format!(
            ";regency={:+.1}({where_});life={:+.1}({life})",
            self.regency, self.closed
        ));
        if let Some((w, word)) = self.order {
            evidence.push_str(&format!(";kk_order={w:+.1}({word})"));
        }
        evidence
    }
}

/// Register records per regency (the NIK's first four digits, as a number) and the records
/// that say moved out.
fn regency_counts(register: &Records) -> (Vec<u32>, u64) {
    let regency = |nik: &str| -> Option<usize> {
        let d = nik.as_bytes().get(..4)?;
        d.iter().try_fold(0usize, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + usize::from(b - b'0'))
        })
    };
    register
        .par_iter()
        .fold(
            || (vec![0u32; 10_000], 0u64),
            |(mut counts, moved), p| {
                if let Some(r) = p.nik().valid().and_then(regency) {
                    counts[r] += 1;
                }
                (counts, moved + u64::from(p.life == Life::MovedOut))
            },
        )
        .reduce(
            || (vec![0u32; 10_000], 0u64),
            |(mut a, m), (b, n)| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                (a, m + n)
            },
        )
}

/// With one record moved out and both KKs dated: the weight of the open record's KK being
/// the later one (as a new registration makes it), or the earlier.
fn kk_order(a: Rec<'_>, b: Rec<'_>) -> Option<(f64, &'static str)> {
    let (open, moved) = match (a.life == Life::MovedOut, b.life == Life::MovedOut) {
        (false, true) => (a, b),
        (true, false) => (b, a),
        _ => return None,
    };
    let (o, m) = (kk_issued(open)?, kk_issued(moved)?);
    Some(if o > m {
        ((KK_LATER / 0.5).log2(), "open_later")
    } else {
        (((1.0 - KK_LATER) / 0.5).log2(), "open_earlier")
    })
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

/// The issue date of a record's KK (digits 7-12, DDMMYY), as a comparable number.
fn kk_issued(p: Rec<'_>) -> Option<u32> {
    let kk = p.kk?.get().to_string();
    if kk.len() != 16 {
        return None;
    }
    let num = |i: usize| kk.get(i..i + 2).and_then(|s| s.parse::<u32>().ok());
    let (d, m, y) = (num(6)?, num(8)?, num(10)?);
    if !(1..=31).contains(&d) || !(1..=12).contains(&m) {
        return None;
    }
    // Two-digit years: from 1970 (the register's KK numbers are later than that).
    let year = if y >= 70 { 1900 + y } else { 2000 + y };
    Some(year * 10_000 + m * 100 + d)
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

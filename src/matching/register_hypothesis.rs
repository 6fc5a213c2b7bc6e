//! The hypothesis "one person registered again" of the register search
//! ([`crate::matching::register_twice`]): the weights of a pair of register records.
//!
//! In: two register [`Rec`]s, the run's [`Model`] and what [`RegisterCounts`] measured on
//! the register. Out: [`Weighed`] (the pair's weight in bits, each part named, and the
//! evidence as text).
//!
//! * The personal fields go through the model's own comparisons and weights (name with
//!   its term frequency, birth date, sex, birth place). A birth date the two records share
//!   is weighed by its own frequency in the register, as the name is: a placeholder date
//!   (1 July, 31 December, 1 January) is shared by many, a real date by few (a date rarer
//!   than most weighs what the model's exact level weighs). The household and address
//!   fields are left out: a new registration has a new KK and address by design.
//! * Where the two records are ([`REGENCY`]): a new registration is made in another
//!   regency (NIK digits 1-4).
//! * The records' life status ([`CLOSED`]): an old record that says moved out is what a
//!   move leaves behind, and its KK is the older one ([`KK_LATER`]: the KK's issue date,
//!   digits 7-12).
//! * Two comparisons learnt from the data ([`Learnt`]): whether one of the two records is
//!   alone in its KK, and whether the aid list reaches both records (two offices listing
//!   one person). Their u is measured on the register (the share of records alone in a KK;
//!   the share the list reaches); their m is learnt from the pairs the other comparisons
//!   are sure of, so they say what this register's people registered again look like
//!   (often alone in a KK of their own; where they moved with a family, nothing) and how
//!   often this list names both records.
//!
//! The prior is the share of people registered twice ([`TWICE_SHARE`]) over the pairs of
//! the register, then learnt by EM from the pairs found ([`LearntComparisons`]).

use rayon::prelude::*;

use crate::matching::comparisons::{Cmp, Gamma};
use crate::matching::levels::{DateLevel, NameLevel};
use crate::matching::record::{Life, Rec, Records};
use crate::matching::register_counts::RegisterCounts;
use crate::matching::score::{Model, Scorer};

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

/// Pseudo-pairs of a learnt comparison's m before the sure pairs are counted: with few
/// sure pairs the m stays near u, and the comparison near no evidence.
const PSEUDO_PAIRS: f64 = 10.0;

/// The least u of a learnt comparison: what one can add stays under 10 bits.
const MIN_U: f64 = 1e-3;

/// Records the declared prior counts as when the prior is learnt.
const PRIOR_PSEUDO_RECORDS: f64 = 1000.0;

/// The most the learnt prior may say: a quarter of the reached records held twice.
const MAX_TWICE_SHARE: f64 = 0.25;

/// EM steps of the prior at most.
const PRIOR_ITERATIONS: usize = 50;

/// The posterior the other comparisons must give a pair for it to teach the learnt
/// comparisons' m (log2 odds of 0.999).
const SURE_WEIGHT: f64 = 9.965_784;

/// The personal comparisons, in the order [`Weighed`] keeps their parts.
const PERSONAL: [Cmp; 4] = [Cmp::Name, Cmp::BirthDate, Cmp::Sex, Cmp::BirthPlace];

/// The hypothesis "one person registered again", with the weights measured on this
/// register.
pub(crate) struct Hypothesis<'m> {
    scorer: Scorer<'m>,
    model: &'m Model,
    freq: Vec<u32>,
    counts: RegisterCounts,
    rows: f64,
    /// Prior log2-odds of a pair of the register being one person.
    prior: f64,
    /// log2 m/u of one regency, of two.
    regency: [f64; 2],
    /// log2 m/u of one record moved out, of both open.
    closed: [f64; 2],
}

impl<'m> Hypothesis<'m> {
    pub(crate) fn new(register: &Records, model: &'m Model) -> Self {
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
            model,
            freq: crate::matching::fuzzy::name_frequencies(register),
            counts: RegisterCounts::of(register),
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

    /// The learnt comparisons before learning: their u on this register (`listed`: the
    /// share of its records the aid list reaches), their m at u.
    pub(crate) fn learnt(&self, listed: f64) -> LearntComparisons {
        // Without KKs every pair's household is unknown: u at 1 makes the comparison, and
        // what it could add to a pair, nothing.
        let household = self.counts.alone_share().map_or(1.0, |s| {
            (1.0 - (1.0 - s.clamp(0.0, 1.0)).powi(2)).max(MIN_U)
        });
        LearntComparisons {
            household: Learnt::at_u(household),
            listed: Learnt::at_u(listed.max(MIN_U)),
            prior: 0.0,
            declared: (self.prior, (self.rows - 1.0).max(1.0)),
        }
    }

    /// The weights of the hypothesis for records `a` and `b` (`both_listed`: the aid list
    /// reaches both), the learnt comparisons left for later ([`Weighed::with_learnt`]);
    /// None when they cannot reach `min_weight` whatever the names (the name, the dearest
    /// comparison, is compared last, and only when it could decide).
    pub(crate) fn weigh(
        &self,
        (a, b): (Rec<'_>, Rec<'_>),
        both_listed: bool,
        min_weight: f64,
    ) -> Option<Weighed> {
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
        let date = self.shared_date(a, b).unwrap_or(known.part(Cmp::BirthDate));
        let rest = self.prior
            + date
            + known.part(Cmp::Sex)
            + known.part(Cmp::BirthPlace)
            + regency
            + closed
            + order.map_or(0.0, |w| w.0);
        if rest + self.best_name(tf) < min_weight {
            return None;
        }
        let g = g.with(Cmp::Name, (Cmp::Name.decl().level)(a, b));
        let score = self.scorer.score(&g, tf);
        let name = score.part(Cmp::Name);
        let parts = [
            name,
            date,
            score.part(Cmp::Sex),
            score.part(Cmp::BirthPlace),
        ];
        Some(Weighed {
            gamma: g,
            parts,
            weight: rest + name,
            regency,
            closed,
            one_regency,
            one_closed,
            order,
            alone: self.alone(a, b),
            both_listed,
            learnt: None,
        })
    }

    /// The best weight a name of this frequency can give.
    fn best_name(&self, tf: Option<f64>) -> f64 {
        (0..NameLevel::NAMES.len() as u8)
            .map(|l| {
                self.scorer
                    .score(&Gamma::NONE.with(Cmp::Name, Some(l)), tf)
                    .part(Cmp::Name)
            })
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// A birth date both records hold, weighed by how many other people of the register
    /// hold it, as the name is by its frequency: log2 of m (the share of matches whose dates
    /// are equal, exact or on a placeholder) over that share, the share never below the
    /// model's u of the exact level (a date rarer than most weighs as the model says).
    fn shared_date(&self, a: Rec<'_>, b: Rec<'_>) -> Option<f64> {
        let (x, y) = (a.birth?, b.birth?);
        if x.date != y.date {
            return None;
        }
        let f = Cmp::BirthDate as usize;
        let (m, u) = (self.model.m.get(f)?, self.model.u.get(f)?);
        let exact = DateLevel::Exact as usize;
        let equal = m.get(exact)? + m.get(DateLevel::ExactPlaceholder as usize)?;
        let share = self.counts.others_born_that_day(a)?.max(*u.get(exact)?);
        Some((equal.min(1.0) / share.max(1e-9)).log2())
    }

    /// Whether one of the two records is alone in its KK (None without both KKs).
    fn alone(&self, a: Rec<'_>, b: Rec<'_>) -> Option<bool> {
        Some(self.counts.household(a)?.min(self.counts.household(b)?) == 1)
    }
}

/// A comparison of two levels ("yes", "no") whose m is learnt from the pairs the other
/// comparisons are sure of: the household ("one of the two records is alone in its KK")
/// and the aid list ("both records are on it").
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Learnt {
    /// Share of the pairs of one person registered twice at "yes".
    pub m: f64,
    /// The same share among random pairs of the register.
    pub u: f64,
}

impl Learnt {
    /// m at u: no evidence either way.
    fn at_u(u: f64) -> Learnt {
        let u = u.clamp(1e-6, 1.0 - 1e-6);
        Learnt { m: u, u }
    }

    /// m learnt from the pairs the other comparisons are sure of (posterior 0.999 and
    /// more): the share of them at "yes", drawn towards u by [`PSEUDO_PAIRS`]. `level`
    /// reads a pair's level (None: unknown).
    fn learn(self, pairs: &[&Weighed], level: impl Fn(&Weighed) -> Option<bool>) -> Learnt {
        let (yes, sure) = pairs
            .iter()
            .filter(|w| w.weight >= SURE_WEIGHT)
            .filter_map(|w| level(w))
            .fold((0.0, 0.0), |(y, n), x| {
                (y + f64::from(u8::from(x)), n + 1.0)
            });
        let m = (yes + PSEUDO_PAIRS * self.u) / (sure + PSEUDO_PAIRS);
        Learnt {
            m: m.clamp(1e-6, 1.0 - 1e-6),
            u: self.u,
        }
    }

    /// The most the comparison can add, whatever m is learnt.
    fn bound(&self) -> f64 {
        (1.0 / self.u).log2()
    }

    /// log2 m/u of a level.
    fn weight(&self, yes: bool) -> f64 {
        if yes {
            (self.m / self.u).log2()
        } else {
            ((1.0 - self.m) / (1.0 - self.u)).log2()
        }
    }
}

/// The learnt comparisons and prior of one register search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LearntComparisons {
    pub household: Learnt,
    pub listed: Learnt,
    /// The learnt prior's log2-odds over the declared one's.
    pub prior: f64,
    /// The declared prior's log2-odds and the register's records less one.
    declared: (f64, f64),
}

impl LearntComparisons {
    /// The most the learnt comparisons and prior can add together.
    pub(crate) fn bound(&self) -> f64 {
        let most_prior = logit2((MAX_TWICE_SHARE / self.declared.1).min(0.5)) - self.declared.0;
        self.household.bound() + self.listed.bound() + most_prior.max(0.0)
    }

    /// m of each learnt from `pairs` (weighed without them), then the prior.
    pub(crate) fn learn(self, pairs: &[&Weighed], reached: usize) -> LearntComparisons {
        LearntComparisons {
            household: self.household.learn(pairs, |w| w.alone),
            listed: self.listed.learn(pairs, |w| Some(w.both_listed)),
            ..self
        }
        .learn_prior(pairs, reached)
    }

    /// The prior learnt by EM, as Splink estimates the share of matching pairs: the
    /// share of the `reached` records (those the aid list reaches) that have another
    /// record of the same person, the sum of the pairs' posteriors over them, drawn
    /// towards the declared [`TWICE_SHARE`] by [`PRIOR_PSEUDO_RECORDS`] and at most
    /// [`MAX_TWICE_SHARE`]. Where people registered twice are common among the
    /// recipients, the prior says so.
    fn learn_prior(mut self, pairs: &[&Weighed], reached: usize) -> LearntComparisons {
        let declared = 2.0 * TWICE_SHARE;
        let (base, others) = self.declared;
        for _ in 0..PRIOR_ITERATIONS {
            // A pair gives each of its reached records one expected other record.
            let expected: f64 = pairs
                .iter()
                .map(|w| w.probability_with(&self) * if w.both_listed { 2.0 } else { 1.0 })
                .sum();
            let share = ((expected + PRIOR_PSEUDO_RECORDS * declared)
                / (reached as f64 + PRIOR_PSEUDO_RECORDS))
                .min(MAX_TWICE_SHARE);
            let prior = logit2((share / others).min(0.5)) - base;
            let settled = (prior - self.prior).abs() < 1e-3;
            self.prior = prior;
            if settled {
                break;
            }
        }
        self
    }
}

/// log2 of the odds of `p`.
fn logit2(p: f64) -> f64 {
    (p / (1.0 - p)).log2()
}

/// The weights of the hypothesis for one pair of records.
#[derive(Debug, Clone)]
pub(crate) struct Weighed {
    gamma: Gamma,
    /// The personal comparisons' parts, in [`PERSONAL`]'s order.
    parts: [f64; 4],
    /// The weight without the household comparison.
    weight: f64,
    regency: f64,
    closed: f64,
    one_regency: bool,
    one_closed: bool,
    order: Option<(f64, &'static str)>,
    /// One record alone in its KK (None without both KKs).
    alone: Option<bool>,
    /// Both records on the aid list.
    both_listed: bool,
    /// The learnt comparisons' parts (household, when known; listed; the prior's shift),
    /// once learnt.
    learnt: Option<(Option<f64>, f64, f64)>,
}

impl Weighed {
    /// The learnt parts of this pair under `l`.
    fn learnt_parts(&self, l: &LearntComparisons) -> (Option<f64>, f64, f64) {
        let household = self.alone.map(|a| l.household.weight(a));
        (household, l.listed.weight(self.both_listed), l.prior)
    }

    /// The posterior under `l`, the pair unchanged.
    fn probability_with(&self, l: &LearntComparisons) -> f64 {
        let (household, listed, prior) = self.learnt_parts(l);
        let w = self.weight + household.unwrap_or(0.0) + listed + prior;
        1.0 / (1.0 + (-w).exp2())
    }

    /// The pair with the learnt comparisons' parts added.
    pub(crate) fn with_learnt(mut self, l: &LearntComparisons) -> Weighed {
        self.learnt = Some(self.learnt_parts(l));
        self
    }

    /// The weight in bits, every comparison weighed so far.
    pub(crate) fn total(&self) -> f64 {
        let (household, listed, prior) = self.learnt.unwrap_or((None, 0.0, 0.0));
        self.weight + household.unwrap_or(0.0) + listed + prior
    }

    pub(crate) fn probability(&self) -> f64 {
        1.0 / (1.0 + (-self.total()).exp2())
    }

    /// The weights as text, for the work list and `dedupe explain`.
    pub(crate) fn evidence(&self) -> String {
        let mut evidence = format!("registered_twice;weight={:.1}", self.total());
        for (c, part) in PERSONAL.iter().zip(self.parts) {
            let level = self
                .gamma
                .level(*c)
                .map_or("missing", |l| c.decl().levels[usize::from(l)]);
            evidence.push_str(&format!(";{}={part:+.1}({level})", c.name()));
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
        if let Some((household, listed, prior)) = self.learnt {
            if let (Some(w), Some(alone)) = (household, self.alone) {
                let word = if alone { "alone" } else { "with_others" };
                evidence.push_str(&format!(";household={w:+.1}({word})"));
            }
            let word = if self.both_listed { "both" } else { "one" };
            evidence.push_str(&format!(
                ";listed={listed:+.1}({word});prior={prior:+.1}(learnt)"
            ));
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

/// The issue date of a record's KK (digits 7-12, DDMMYY), as a comparable number.
pub(crate) fn kk_issued(p: Rec<'_>) -> Option<u32> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Field;
    use crate::matching::record::testing::records;

    const FIELDS: [Field; 4] = [Field::Nik, Field::Kk, Field::Name, Field::BirthDate];

    /// A register: a household of three, two people alone in a KK, and 40 people born on
    /// the placeholder 1 July 1960 (each alone), one of them with a twin record.
    fn register() -> Records {
        let mut rows: Vec<[String; 4]> = [
            [
                "6471051403600001",
                "6471050101100001",
                "BUDI SANTOSO",
                "14-03-1960",
            ],
            [
                "6471055505620002",
                "6471050101100001",
                "SITI AMINAH",
                "15-05-1962",
            ],
            [
                "6471051010900003",
                "6471050101100001",
                "AGUS SANTOSO",
                "10-10-1990",
            ],
            [
                "6472011403600001",
                "6472010101200001",
                "BUDI SANTOSO",
                "14-03-1960",
            ],
            [
                "6472010202800002",
                "6472010101200002",
                "DEWI LESTARI",
                "02-02-1980",
            ],
        ]
        .map(|r| r.map(String::from))
        .to_vec();
        for k in 0..40 {
            rows.push([
                format!("647103010760{:04}", k + 1),
                format!("647103010111{:04}", k + 1),
                format!("JOKO {k}"),
                "01-07-1960".to_string(),
            ]);
        }
        let cells: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
        let rows: Vec<&[&str]> = cells.iter().map(Vec::as_slice).collect();
        records(&FIELDS, &rows)
    }

    #[test]
    fn a_shared_date_weighs_by_how_many_others_hold_it() {
        let reg = register();
        let model = Model::default();
        let h = Hypothesis::new(&reg, &model);
        let f = Cmp::BirthDate as usize;
        let equal = (model.m[f][0] + model.m[f][1]).min(1.0);
        let exact = equal / model.u[f][0];
        // (records, the weight wanted: None for dates that differ)
        let cases: [((usize, usize), Option<f64>); 3] = [
            // Nobody else born 14 March 1960: the model's exact level.
            ((0, 3), Some(exact.log2())),
            // 38 others born on the placeholder 1 July 1960 of 45 dated records.
            ((5, 6), Some((equal * 45.0 / 38.0).log2())),
            ((0, 1), None),
        ];
        for ((a, b), want) in cases {
            let got = h.shared_date(reg.get(a), reg.get(b));
            match (got, want) {
                (Some(g), Some(w)) => assert!((g - w).abs() < 1e-9, "{a}-{b}: {g} != {w}"),
                (None, None) => {}
                _ => panic!("{a}-{b}: {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn households_are_counted_by_kk() {
        let reg = register();
        let counts = RegisterCounts::of(&reg);
        let sizes: Vec<Option<usize>> = (0..5).map(|r| counts.household(reg.get(r))).collect();
        assert_eq!(sizes, [Some(3), Some(3), Some(3), Some(1), Some(1)]);
        assert_eq!(counts.alone_share(), Some(42.0 / 45.0));
    }

    /// A pair weighed `weight` bits before the learnt comparisons.
    fn weighed(weight: f64, alone: Option<bool>, both_listed: bool) -> Weighed {
        Weighed {
            gamma: Gamma::NONE,
            parts: [0.0; 4],
            weight,
            regency: 0.0,
            closed: 0.0,
            one_regency: false,
            one_closed: false,
            order: None,
            alone,
            both_listed,
            learnt: None,
        }
    }

    #[test]
    fn learnt_comparisons_follow_the_sure_pairs_and_say_nothing_without_them() {
        let at_u = Learnt::at_u(0.04);
        let sure = |alone| weighed(SURE_WEIGHT + 1.0, Some(alone), false);
        let unsure = |alone| weighed(SURE_WEIGHT - 1.0, Some(alone), false);
        // (pairs, sign of the "alone" weight, sign of the "with others" weight)
        let cases: [(Vec<Weighed>, f64, f64); 4] = [
            (vec![], 0.0, 0.0),
            ((0..200).map(|_| unsure(true)).collect(), 0.0, 0.0),
            ((0..200).map(|_| sure(true)).collect(), 1.0, -1.0),
            ((0..200).map(|_| sure(false)).collect(), -1.0, 1.0),
        ];
        for (k, (pairs, yes, no)) in cases.into_iter().enumerate() {
            let refs: Vec<&Weighed> = pairs.iter().collect();
            let l = at_u.learn(&refs, |w| w.alone);
            for (got, want) in [(l.weight(true), yes), (l.weight(false), no)] {
                let ok = if want == 0.0 {
                    got.abs() < 1e-9
                } else {
                    got.signum() == want
                };
                assert!(ok, "case {k}: weight {got}, want sign {want}");
            }
        }
    }

    #[test]
    fn the_prior_is_learnt_from_the_pairs_found() {
        let reg = register();
        let model = Model::default();
        let start = Hypothesis::new(&reg, &model).learnt(0.1);
        let found =
            |n: usize| -> Vec<Weighed> { (0..n).map(|_| weighed(20.0, None, false)).collect() };
        // (reached records, sure pairs among them, sign of the learnt prior's shift)
        let cases = [
            (0, 0, 0.0),
            (10_000, 0, -1.0),
            (10_000, 100, 0.0),
            (10_000, 3_000, 1.0),
        ];
        for (reached, n, sign) in cases {
            let pairs = found(n);
            let refs: Vec<&Weighed> = pairs.iter().collect();
            let shift = start.learn(&refs, reached).prior;
            let ok = if sign == 0.0 {
                shift.abs() < 0.1
            } else {
                shift.signum() == sign
            };
            assert!(ok, "{reached} reached, {n} pairs: shift {shift}");
        }
    }
}

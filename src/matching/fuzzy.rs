//! Fuzzy stage: place the rows exact NIK linking could not, over their candidates.
//!
//! In: aid and register [`Records`], the links of the exact stage, the match thresholds,
//! and a model (or none: it is trained on the exact links, [`estimate_model`]). Out: the
//! links of the rows placed (`NIK_CORRECTED`, `FIELDS_MATCH`), of rows left ambiguous or
//! possible (their candidates kept for review), the exact links' evidence in the model's
//! terms, [`FuzzyStats`] and the model used.
//!
//! Each unresolved row is decided over hypotheses, one per candidate register person from
//! blocking, each scored by the same model ([`Decider::hypotheses`]); the best is taken
//! when its probability and its lead over the runner-up clear the configured thresholds
//! and the identifier the row carries allows it ([`Decider::nik_allows`]).

use rayon::prelude::*;

use crate::core::config::MatchConfig;
use crate::core::status::Status;
use crate::matching::block::{candidates_in_batches, BlockLimit, BlockStats, KeyKind};
use crate::matching::compare;
use crate::matching::comparisons::{gamma, Cmp, Gamma};
use crate::matching::fit::{corroborated, shares_home};
use crate::matching::levels::{Agree, DateLevel, NameLevel, NikLevel};
use crate::matching::link::{life_status_as, Link};
use crate::matching::record::{Rec, Records};
use crate::matching::register_index::RegisterIndex;
use crate::matching::score::{explain, explain_after, Model, Score, Scorer};
use crate::matching::training::{estimate_model, exact_gammas};
use crate::matching::whole::WholeRun;
use crate::normalize::nik::NikParse;

/// What the fuzzy stage did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FuzzyStats {
    /// Aid rows exact linking could not place.
    pub rows_considered: usize,
    /// Of those, rows linked to a register person.
    pub rows_linked: usize,
    /// Rows whose best candidate was strong but not clearly ahead of the runner-up.
    pub rows_ambiguous: usize,
    /// Rows left unlinked whose best candidate came close (probability from
    /// [`POSSIBLE_PROBABILITY`], names alike): kept for clerical review.
    pub rows_possible: usize,
    pub blocking: BlockStats,
}

/// The probability from which an unlinked row's best candidate is kept for review.
pub(crate) const POSSIBLE_PROBABILITY: f64 = 0.5;

/// Rows the fuzzy stage tries to place.
pub(crate) fn unresolved(l: &Link) -> bool {
    matches!(
        l.status,
        Status::NikDamaged | Status::InvalidNik | Status::NotInRegister | Status::NameMismatch
    )
}

/// Register name frequencies for the term-frequency adjustment, by name id (the aid list
/// and the register share one pool, so equal names have equal ids).
pub(crate) fn name_frequencies(register: &Records) -> Vec<u32> {
    let mut f = vec![0u32; register.pool.names.len()];
    for p in &register.people {
        if p.name != 0 {
            f[p.name as usize] += 1;
        }
    }
    f
}

/// The term frequency of a pair's names: the register frequency of the more frequent of
/// the two (one pool: an aid row's name has its register count when the register holds
/// it); None when neither is in the register.
pub(crate) fn tf(freq: &[u32], a: Rec<'_>, b: Rec<'_>, n: f64) -> Option<f64> {
    let count = |p: Rec<'_>| freq.get(p.name as usize).copied().unwrap_or(0);
    match count(a).max(count(b)) {
        0 => None,
        c => Some(f64::from(c) / n),
    }
}

/// Place the rows exact linking could not, by blocking and Fellegi-Sunter scoring.
///
/// A row is linked to its best candidate when the match probability reaches
/// `link_probability`, the weight is `margin_bits` ahead of the runner-up, and the names
/// agree (level fuzzy or better, the same sound key included). A row with a well-formed
/// NIK (`NAME_MISMATCH`: someone else's; `NOT_IN_REGISTER`: nobody's) is linked only to a
/// candidate one NIK error away (substitution, adjacent swap, rounding, a dropped digit),
/// or two digits away when name, exact birth date and household (KK; or kelurahan and sex)
/// agree too: a typo, not a borrowed NIK and not a namesake born the same day, since the
/// same name and birth date alone are weak evidence. Rows with a damaged, invalid or
/// missing NIK can be linked on name, birth date, place and the NIK's surviving digits.
/// The model is estimated unless one is given.
#[cfg(test)]
pub(crate) fn link_fuzzy(
    aid: &Records,
    register: &Records,
    links: &mut [Link],
    cfg: &MatchConfig,
    model: Option<Model>,
    whole: Option<&WholeRun>,
) -> (FuzzyStats, Model) {
    let candidates = Candidates::Scan {
        index: RegisterIndex::build(register),
        pair_budget: usize::MAX,
    };
    let input = FuzzyInput {
        model,
        whole,
        candidates,
        explain_exact: true,
    };
    link_fuzzy_given(aid, register, links, cfg, input)
}

/// The blocking candidates of the rows fuzzy linking places ([`unresolved`] rows, in aid
/// order), as [`crate::matching::block::candidates_in_batches`] finds them.
pub(crate) type Found = Vec<(Vec<(u32, KeyKind)>, BlockStats)>;

/// Where the fuzzy stage's candidates come from.
pub enum Candidates<'a> {
    /// Listed already, by aid row (`list[i]`: aid row `i`'s candidate register rows, the
    /// way a partition keeps them to route the rows); no blocking counts.
    Listed(&'a [Vec<u32>]),
    /// Looked up in the register ([`crate::matching::block::candidates_in_batches`]):
    /// NIK variants in the register's `index` (given up, and dropped as soon as the
    /// candidates are found), the rows placed a batch of at most `pair_budget`
    /// candidate pairs at a time (a memory limit; the links are the same whatever the
    /// budget).
    Scan {
        index: RegisterIndex,
        pair_budget: usize,
    },
}

/// What [`link_fuzzy_given`] works with besides the records and links.
pub(crate) struct FuzzyInput<'a> {
    /// The model to score with; estimated from the exact links when absent.
    pub model: Option<Model>,
    /// A part of a partitioned run: the whole run's facts.
    pub whole: Option<&'a WholeRun>,
    pub candidates: Candidates<'a>,
    /// Write every exact link's weights into its evidence, as a run's outputs show them
    /// (2 M texts at 20 M register rows); a partition step only routes rows by the links.
    pub explain_exact: bool,
}

/// Fuzzy linking (`link_fuzzy` in tests) with the candidates' source given. Stages: the model (given, or trained
/// on the exact links), each unresolved row decided over its candidates ([`Decider`]), the
/// decisions applied, and the exact links' evidence written in the model's terms.
pub(crate) fn link_fuzzy_given(
    aid: &Records,
    register: &Records,
    links: &mut [Link],
    cfg: &MatchConfig,
    input: FuzzyInput<'_>,
) -> (FuzzyStats, Model) {
    let FuzzyInput {
        model,
        whole,
        candidates,
        explain_exact,
    } = input;
    let todo: Vec<usize> = (0..aid.len()).filter(|&i| unresolved(&links[i])).collect();
    // Exact links before fuzzy linking: compared once, for the model and their evidence.
    // Only when something reads them: a partition step gives its model and wants no
    // evidence (it compared the exact links already, to estimate that model).
    let exact = if model.is_none() || explain_exact {
        exact_gammas(aid, register, links)
    } else {
        Vec::new()
    };
    let model = model.unwrap_or_else(|| estimate_model(aid, register, &exact));
    let (freq, n) = match whole {
        Some(w) => (w.frequencies(&register.pool), w.register_rows.max(1) as f64),
        None => (name_frequencies(register), register.len().max(1) as f64),
    };
    let decider = Decider {
        aid,
        register,
        links,
        cfg,
        scorer: Scorer::new(&model),
        freq,
        n,
    };
    let (decisions, blocking) = decider.decide_all(&todo, candidates, whole);
    let explained = explain_exact.then(|| decider.explain_exact(&exact));
    let mut stats = apply(links, &todo, decisions);
    if let Some(evidence) = explained {
        for (l, e) in links.iter_mut().zip(evidence) {
            if let Some(e) = e {
                l.evidence = e;
            }
        }
    }
    stats.blocking = blocking;
    (stats, model)
}

/// One hypothesis about an unresolved row: it is register person `row`, with the
/// comparison and the model's score.
struct Hypothesis {
    row: u32,
    gamma: Gamma,
    score: Score,
}

/// What every row's decision reads: the records, the links so far and the model.
struct Decider<'a> {
    aid: &'a Records,
    register: &'a Records,
    links: &'a [Link],
    cfg: &'a MatchConfig,
    scorer: Scorer<'a>,
    freq: Vec<u32>,
    n: f64,
}

impl Decider<'_> {
    /// Every candidate of row `i` scored by the model, best first (the lowest register row
    /// on a tie).
    ///
    /// A plain identifier's holder (`id_kind = "generic"`) whom the exact stage found
    /// unlike the row is one of them: the identifier is one field among others there, and
    /// the model weighs it against the rest. (Behind a NIK the exact stage's judgement of
    /// the holder stands: [`crate::matching::fit`].)
    fn hypotheses(&self, i: usize, cands: &mut dyn Iterator<Item = u32>) -> Vec<Hypothesis> {
        let a = self.aid.get(i);
        let l = &self.links[i];
        let holder = l
            .candidate
            .filter(|_| l.status == Status::NameMismatch)
            .filter(|_| matches!(a.nik(), NikParse::Generic(_)))
            .map(|r| r as u32);
        let mut h: Vec<Hypothesis> = cands
            .chain(holder)
            .map(|row| {
                let b = self.register.get(row as usize);
                let gamma = gamma(a, b);
                let score = self.scorer.score(&gamma, tf(&self.freq, a, b, self.n));
                Hypothesis { row, gamma, score }
            })
            .collect();
        h.sort_by(|x, y| {
            (y.score.weight)
                .total_cmp(&x.score.weight)
                .then(x.row.cmp(&y.row))
        });
        // The holder may be a blocking candidate too: one hypothesis a person.
        h.dedup_by_key(|x| x.row);
        h
    }

    /// The decision of row `i` from its candidate register rows: the best hypothesis when
    /// its probability and lead clear the thresholds and the row's own NIK allows it; the
    /// best candidate kept for review when it came close; None otherwise.
    fn decide(&self, i: usize, cands: &mut dyn Iterator<Item = u32>) -> Option<Link> {
        let hypotheses = self.hypotheses(i, cands);
        let best = hypotheses.first()?;
        let runner_up = hypotheses.get(1);
        let (a, b) = (self.aid.get(i), self.register.get(best.row as usize));
        let (g, s) = (&best.gamma, &best.score);
        let lead = s.weight - runner_up.map_or(f64::NEG_INFINITY, |h| h.score.weight);
        // Plain identifiers (`id_kind = "generic"`): the model decides, as in Splink (a
        // replaced name is one field against the others), unless the near identifier is
        // all there is.
        let generic = matches!(a.nik(), NikParse::Generic(_));
        let name_ok = g.name_at_least(NameLevel::Fuzzy) || (generic && !s.near_id_alone(g));
        let explanation = explain(g, s);
        if s.probability < self.cfg.link_probability || !name_ok || !self.nik_allows(i, a, b, g) {
            // A candidate that came close is kept for clerical review (rows whose NIK is
            // someone else's keep that holder as their candidate).
            let close = s.probability >= POSSIBLE_PROBABILITY
                && g.name_at_least(NameLevel::Fuzzy)
                && self.links[i].status != Status::NameMismatch;
            return close.then(|| self.unlinked(i, best, lead, None, "possible", &explanation));
        }
        let second = runner_up.map(|h| h.row as usize);
        if lead < self.cfg.margin_bits {
            return Some(self.unlinked(i, best, lead, second, "ambiguous", &explanation));
        }
        // A row with an identifier had it wrong; a row without one (records of other
        // countries) was found by its fields.
        let found_as = match a.nik() {
            NikParse::Generic(id) if id.is_empty() => "FIELDS_MATCH",
            _ => "NIK_CORRECTED",
        };
        let (status, reason) = life_status_as(b, found_as);
        Some(Link {
            runner_up: second,
            probability: Some(s.probability),
            margin: Some(lead.min(1e6)),
            ..Link::new(
                status,
                reason,
                Some(best.row as usize),
                Some(compare::name(a, b)),
                format!("fuzzy;{explanation}"),
            )
        })
    }

    /// Row `i` left unlinked, its best candidate (and the runner-up) kept for review; the
    /// lead is kept finite (no runner-up: nothing to lead).
    fn unlinked(
        &self,
        i: usize,
        best: &Hypothesis,
        lead: f64,
        runner_up: Option<usize>,
        why: &str,
        explanation: &str,
    ) -> Link {
        let l = &self.links[i];
        Link {
            candidate: Some(best.row as usize),
            runner_up,
            probability: Some(best.score.probability),
            margin: Some(lead.min(1e6)),
            ..Link::new(
                l.status,
                l.reason,
                None,
                l.name_score,
                format!("{why};fuzzy;{explanation}"),
            )
        }
    }

    /// Whether the identifier row `i` carries allows it to be register person `b`.
    ///
    /// A well-formed NIK (someone else's, or nobody's) says who the row is not: such a row
    /// is that person only through NIK evidence (one error away, two slips with the
    /// person's own fields behind them), or, for a NIK nobody holds, when everything else
    /// about them agrees. A NIK one slip away still does not join a namesake born
    /// elsewhere, or on another day, who lives elsewhere. Surviving digits of a damaged NIK
    /// that contradict the candidate's say another person unless the household says it is
    /// them. A plain identifier (`id_kind = "generic"`) is one field among others: the
    /// model weighs it.
    fn nik_allows(&self, i: usize, a: Rec<'_>, b: Rec<'_>, g: &Gamma) -> bool {
        let status = self.links[i].status;
        let home = shares_home(g);
        if status == Status::NikDamaged {
            // The lost digits are never guessed.
            let against = g.nik().is_some_and(|l| l >= NikLevel::SameRegionAndDate);
            return !against || home;
        }
        let well_formed = matches!(status, Status::NameMismatch | Status::NotInRegister)
            && !matches!(a.nik(), NikParse::Generic(_));
        if !well_formed {
            return true;
        }
        // The NIK repeats the birth date, so name, date and NIK are not three independent
        // agreements: a placeholder date tells nothing of the day, a shared KK or street is
        // the person's household, not a namesake's.
        let placeholder = a.birth.is_some_and(|d| d.weak) || b.birth.is_some_and(|d| d.weak);
        let date_against = g.birth_date().is_some_and(DateLevel::against) && !placeholder;
        let born_elsewhere = g.agreement(Cmp::BirthPlace) == Some(Agree::Differs);
        let namesake_elsewhere = (born_elsewhere || date_against) && !home;
        let one_slip = g.nik().is_some_and(NikLevel::one_error) && !namesake_elsewhere;
        one_slip || two_slips(a, b, g) || (status == Status::NotInRegister && corroborated(g))
    }

    /// Decide every row of `todo` over its candidates, in `todo`'s order, with the
    /// blocking counts when the candidates were looked up.
    fn decide_all(
        &self,
        todo: &[usize],
        candidates: Candidates<'_>,
        whole: Option<&WholeRun>,
    ) -> (Vec<Option<Link>>, BlockStats) {
        match candidates {
            Candidates::Listed(list) => {
                let decisions = todo
                    .par_iter()
                    .map(|&i| {
                        let rows = list.get(i).map_or(&[][..], Vec::as_slice);
                        self.decide(i, &mut rows.iter().copied())
                    })
                    .collect();
                (decisions, BlockStats::default())
            }
            Candidates::Scan { index, pair_budget } => {
                self.decide_scanned(todo, &index, pair_budget, whole)
            }
        }
    }

    /// A few thousand rows to place against a register of millions: their keys are looked
    /// up in a scan of the register instead of indexing the whole register, a batch of at
    /// most `pair_budget` candidate pairs at a time.
    fn decide_scanned(
        &self,
        todo: &[usize],
        index: &RegisterIndex,
        pair_budget: usize,
        whole: Option<&WholeRun>,
    ) -> (Vec<Option<Link>>, BlockStats) {
        let probes: Vec<Rec<'_>> = todo.iter().map(|&i| self.aid.get(i)).collect();
        let limit = whole.map_or(
            BlockLimit::Size(self.cfg.max_block),
            WholeRun::register_limit,
        );
        let mut decisions = Vec::with_capacity(todo.len());
        let mut blocking = BlockStats::default();
        candidates_in_batches(
            self.register,
            index.niks(),
            &probes,
            &limit,
            pair_budget,
            |start, found: Found| {
                let rows = todo[start..].par_iter().zip(&found);
                decisions.par_extend(
                    rows.map(|(&i, (c, _))| self.decide(i, &mut c.iter().map(|&(r, _)| r))),
                );
                let stats = found.into_iter().map(|(_, s)| s);
                blocking = stats.fold(std::mem::take(&mut blocking), BlockStats::merge);
            },
        );
        (decisions, blocking)
    }

    /// The evidence of every exact link in the model's terms (None for rows not linked
    /// exactly), so each pair behind a group is explained the same way.
    fn explain_exact(&self, exact: &[Option<Gamma>]) -> Vec<Option<String>> {
        self.links
            .par_iter()
            .enumerate()
            .map(|(i, l)| {
                let r = l.register.filter(|_| !l.evidence.starts_with("fuzzy"))?;
                let b = self.register.get(r);
                let g = exact
                    .get(i)
                    .copied()
                    .flatten()
                    .unwrap_or_else(|| gamma(self.aid.get(i), b));
                let prefix = if l.reason == "HOUSEHOLD_NIK" {
                    "household_nik;"
                } else {
                    "exact_nik;"
                };
                let s = self
                    .scorer
                    .score(&g, tf(&self.freq, self.aid.get(i), b, self.n));
                let mut e = explain_after(prefix, &g, &s);
                // The holder path's part: why the row is the NIK's holder.
                e.push_str(crate::matching::fit::holder_part(&l.evidence).unwrap_or(""));
                Some(e)
            })
            .collect()
    }
}

/// Two mistyped NIK digits count only with the person's own fields behind them: the name
/// (strong or exact), the birth date (a placeholder only inside the household), and the
/// household (KK) or, without a KK, the kelurahan and the sex.
fn two_slips(a: Rec<'_>, b: Rec<'_>, g: &Gamma) -> bool {
    let kk = g.agreement(Cmp::Kk);
    let home = kk == Some(Agree::Agree)
        || (kk.is_none()
            && g.agrees(Cmp::Kelurahan)
            && g.agreement(Cmp::Sex) == Some(Agree::Agree));
    let date_ok = match g.birth_date() {
        Some(DateLevel::Exact) => true,
        Some(DateLevel::ExactPlaceholder) => kk == Some(Agree::Agree),
        _ => false,
    };
    compare::nik_two_substitutions(a, b) && g.name_at_least(NameLevel::Phonetic) && date_ok && home
}

/// Apply the decisions of the rows of `todo` (a row without one keeps its exact link) and
/// count them.
fn apply(links: &mut [Link], todo: &[usize], decisions: Vec<Option<Link>>) -> FuzzyStats {
    let mut stats = FuzzyStats {
        rows_considered: todo.len(),
        ..FuzzyStats::default()
    };
    for (&i, d) in todo.iter().zip(decisions) {
        if let Some(l) = d {
            if l.register.is_some() {
                stats.rows_linked += 1;
            } else if l.evidence.starts_with("ambiguous") {
                stats.rows_ambiguous += 1;
            } else {
                stats.rows_possible += 1;
            }
            links[i] = l;
        }
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Field;
    use crate::matching::link::link_all;

    const KK: &str = "6471051203100005";
    const OTHER_KK: &str = "6471051203100099";

    #[test]
    fn two_mistyped_nik_digits_link_only_with_name_birth_date_and_household_behind_them() {
        use crate::matching::record::testing::records_pair;
        const F: [Field; 7] = [
            Field::Nik,
            Field::Name,
            Field::BirthDate,
            Field::Sex,
            Field::Kk,
            Field::Kelurahan,
            Field::Rt,
        ];
        let reg: [&[&str]; 2] = [
            &[
                "6471051407010003",
                "Rudi Hartono",
                "14-07-2001",
                "L",
                KK,
                "Sepinggan",
                "3",
            ],
            &[
                "6471050503700001",
                "Ahmad Fauzi",
                "05-03-1970",
                "L",
                KK,
                "Sepinggan",
                "3",
            ],
        ];
        // Serial 0003 typed 0093 and a date digit slipped: two substitutions.
        let typo = "6471051407090093";
        let cases: [([&str; 7], Option<&str>); 5] = [
            (
                [
                    typo,
                    "RUDI HARTONO",
                    "14-07-2001",
                    "L",
                    KK,
                    "Sepinggan",
                    "3",
                ],
                Some("6471051407010003"),
            ),
            // No KK on the form: kelurahan and sex stand in for it.
            (
                [
                    typo,
                    "RUDI HARTONO",
                    "14-07-2001",
                    "L",
                    "",
                    "Sepinggan",
                    "3",
                ],
                Some("6471051407010003"),
            ),
            // Another household: a namesake born the same day, not a typo.
            (
                [
                    typo,
                    "RUDI HARTONO",
                    "14-07-2001",
                    "L",
                    OTHER_KK,
                    "Sepinggan",
                    "3",
                ],
                None,
            ),
            // The birth date does not agree.
            (
                [
                    typo,
                    "RUDI HARTONO",
                    "15-08-2001",
                    "L",
                    KK,
                    "Sepinggan",
                    "3",
                ],
                None,
            ),
            // Only a weak name.
            (
                [
                    typo,
                    "RUDI SETIAWAN",
                    "14-07-2001",
                    "L",
                    KK,
                    "Sepinggan",
                    "3",
                ],
                None,
            ),
        ];
        let cfg = MatchConfig::default();
        for (row, want) in cases {
            let (aid, register) = records_pair(&F, &[&row], &reg);
            let index = RegisterIndex::build(&register);
            let mut links = link_all(&aid, &register, &index, &cfg);
            assert_eq!(links[0].status, Status::NotInRegister, "{row:?}");
            link_fuzzy(
                &aid,
                &register,
                &mut links,
                &cfg,
                Some(Model::default()),
                None,
            );
            let got = links[0]
                .register
                .map(|r| register.get(r).nik().valid().unwrap().to_string());
            assert_eq!(got.as_deref(), want, "{row:?}: {}", links[0].evidence);
        }
    }
}

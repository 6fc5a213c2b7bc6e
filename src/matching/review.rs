//! Clerical review: the rows whose decision a person should look at, and the decisions a
//! person made, applied to the links and groups of the next run.
//!
//! In: aid and register [`Records`], the [`Link`]s, the duplicate [`Groups`] and the review
//! thresholds. Out: the review queue ([`queue`]: one [`ReviewItem`] per row to look at,
//! with the candidates to compare it with and how much doubt it carries), and
//! [`apply`]: reviewers' decisions ([`Verdict`]) applied to the links before grouping.
//!
//! What goes to the queue:
//! * `AMBIGUOUS`: a strong register candidate not clearly ahead of the runner-up (both are
//!   shown);
//! * `NEAR_THRESHOLD`: a fuzzy link whose probability or lead over the runner-up is below
//!   the `[review]` thresholds;
//! * `POSSIBLE_MATCH`: a row left unlinked whose best register candidate came close
//!   (probability from 0.5, names alike) but did not clear every bar;
//! * `NAME_BEHIND_NIK`: a NIK held by someone whose name differs, while the birth date or
//!   the KK agrees with the holder (a name changed or misspelt behind the right NIK, or a
//!   borrowed NIK: `PERSON_DIFFERS` rows too);
//! * `HOUSEHOLD_NIK`: a row linked to a household member although it carried the holder's
//!   NIK (the holder and the member are shown);
//! * `FUZZY_GROUP`: rows grouped with another row by fuzzy matching only.

use crate::core::config::ReviewConfig;
use crate::core::status::Status;
use crate::matching::cluster::{GroupReason, Groups};
use crate::matching::compare;
use crate::matching::link::Link;
use crate::matching::record::Records;

/// Why a row is in the review queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReviewKind {
    Ambiguous,
    NearThreshold,
    PossibleMatch,
    NameBehindNik,
    HouseholdNik,
    FuzzyGroup,
}

impl ReviewKind {
    pub const ALL: [ReviewKind; 6] = [
        ReviewKind::Ambiguous,
        ReviewKind::NearThreshold,
        ReviewKind::PossibleMatch,
        ReviewKind::NameBehindNik,
        ReviewKind::HouseholdNik,
        ReviewKind::FuzzyGroup,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReviewKind::Ambiguous => "AMBIGUOUS",
            ReviewKind::NearThreshold => "NEAR_THRESHOLD",
            ReviewKind::PossibleMatch => "POSSIBLE_MATCH",
            ReviewKind::NameBehindNik => "NAME_BEHIND_NIK",
            ReviewKind::HouseholdNik => "HOUSEHOLD_NIK",
            ReviewKind::FuzzyGroup => "FUZZY_GROUP",
        }
    }
}

/// Whom a row is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Candidate {
    /// A register row (0-based).
    Register(usize),
    /// Another aid row (0-based), for rows grouped by fuzzy matching.
    Aid(usize),
}

/// One row to review.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    /// 0-based aid row.
    pub row: usize,
    pub kind: ReviewKind,
    /// How likely the decision is wrong, 0..=1 (used with the row's amount for the order).
    pub doubt: f64,
    pub candidates: Vec<Candidate>,
}

/// The review queue, in aid-row order.
pub fn queue(
    aid: &Records,
    register: &Records,
    links: &[Link],
    groups: &Groups,
    cfg: &ReviewConfig,
) -> Vec<ReviewItem> {
    let mut items = Vec::new();
    for (row, l) in links.iter().enumerate() {
        let item = |kind, doubt, candidates: Vec<Candidate>| ReviewItem {
            row,
            kind,
            doubt,
            candidates,
        };
        let reg = |r: Option<usize>| r.map(Candidate::Register);
        if l.evidence.starts_with("ambiguous") {
            let c = [reg(l.candidate), reg(l.runner_up)].into_iter().flatten();
            items.push(item(ReviewKind::Ambiguous, 1.0, c.collect()));
        } else if l.register.is_some() && l.evidence.starts_with("fuzzy") {
            let p = l.probability.unwrap_or(1.0);
            let m = l.margin.unwrap_or(f64::INFINITY);
            if p < cfg.probability || m < cfg.margin_bits {
                // The closer to the bars, the more doubt.
                let doubt = (0.5 + (1.0 - p) * 50.0).min(0.9);
                let c = [reg(l.register), reg(l.runner_up)].into_iter().flatten();
                items.push(item(ReviewKind::NearThreshold, doubt, c.collect()));
            }
        } else if l.evidence.starts_with("possible") {
            let doubt = l.probability.unwrap_or(0.5).clamp(0.0, 1.0) * 0.9;
            items.push(item(
                ReviewKind::PossibleMatch,
                doubt,
                reg(l.candidate).into_iter().collect(),
            ));
        } else if l.reason == "HOUSEHOLD_NIK" {
            let c = [reg(l.register), reg(l.candidate)].into_iter().flatten();
            items.push(item(ReviewKind::HouseholdNik, 0.5, c.collect()));
        } else if l.status == Status::NameMismatch {
            if let Some(h) = l.candidate {
                let (a, b) = (aid.get(row), register.get(h));
                let date = matches!(compare::date_level(a, b), Some(0 | 2));
                let kk = compare::kk(a, b) == compare::Agreement::Agree;
                if date || kk || l.reason == "PERSON_DIFFERS" {
                    let doubt = if date { 0.8 } else { 0.6 };
                    items.push(item(
                        ReviewKind::NameBehindNik,
                        doubt,
                        vec![Candidate::Register(h)],
                    ));
                }
            }
        }
    }
    // Groups made by fuzzy matching alone: each later member against the first.
    for (g, rows) in groups.members.iter().enumerate() {
        if groups.reasons[g] != GroupReason::FuzzyMatch {
            continue;
        }
        for &r in &rows[1..] {
            items.push(ReviewItem {
                row: r,
                kind: ReviewKind::FuzzyGroup,
                doubt: 0.6,
                candidates: vec![Candidate::Aid(rows[0])],
            });
        }
    }
    items.sort_by(|a, b| a.row.cmp(&b.row).then(a.kind.cmp(&b.kind)));
    items
}

/// A reviewer's decision about an aid row and one candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// 0-based aid row.
    pub row: usize,
    pub candidate: Candidate,
    /// True: the same person; false: different people.
    pub same: bool,
}

/// Whom a decision names, as a decisions file writes it: `register:NIK` or `aid:ROW`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CandidateRef {
    RegisterNik(String),
    /// 0-based aid row.
    AidRow(usize),
}

impl CandidateRef {
    /// Read `register:NIK` or `aid:ROW` (1-based row); None for anything else.
    pub fn parse(text: &str) -> Option<CandidateRef> {
        match text.split_once(':')? {
            ("register", nik) if !nik.is_empty() => Some(CandidateRef::RegisterNik(nik.into())),
            ("aid", r) => match r.parse::<usize>() {
                Ok(r) if r >= 1 => Some(CandidateRef::AidRow(r - 1)),
                _ => None,
            },
            _ => None,
        }
    }
}

/// A decision as read from a file, the register person named by NIK (resolved against the
/// register by [`resolve`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Decided {
    /// 0-based aid row.
    pub row: usize,
    pub candidate: CandidateRef,
    pub same: bool,
}

/// Resolve decisions to register rows. Returns the verdicts and how many named a register
/// NIK or aid row that this run does not have.
pub fn resolve(
    decided: &[Decided],
    aid: &Records,
    register: &Records,
    index: &crate::matching::link::RegisterIndex,
) -> (Vec<Verdict>, usize) {
    let mut out = Vec::new();
    let mut unknown = 0;
    for d in decided {
        let candidate = match &d.candidate {
            CandidateRef::RegisterNik(nik) => {
                index.get(register, nik).next().map(Candidate::Register)
            }
            CandidateRef::AidRow(r) => (*r < aid.len()).then_some(Candidate::Aid(*r)),
        };
        match candidate {
            Some(candidate) if d.row < aid.len() => out.push(Verdict {
                row: d.row,
                candidate,
                same: d.same,
            }),
            _ => unknown += 1,
        }
    }
    (out, unknown)
}

/// Aid-row pairs that reviewers joined or kept apart, for grouping: (lower row, higher
/// row), sorted and without repeats (as [`apply`] makes them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PairRules {
    pub same: Vec<(usize, usize)>,
    pub different: Vec<(usize, usize)>,
}

impl PairRules {
    /// Whether reviewers said the two rows are the same person.
    pub fn joined(&self, a: usize, b: usize) -> bool {
        self.same.binary_search(&(a.min(b), a.max(b))).is_ok()
    }

    /// Whether reviewers said the two rows are different people.
    pub fn apart(&self, a: usize, b: usize) -> bool {
        self.different.binary_search(&(a.min(b), a.max(b))).is_ok()
    }
}

/// Apply reviewers' decisions to the links (after fuzzy linking, before grouping): "same
/// person" links the row to the register person even where the model would not;
/// "different person" unlinks a row linked to that person (its status is then what its NIK
/// alone says: someone else's, not found, invalid or damaged). Decisions about two aid rows become
/// [`PairRules`] for grouping.
pub fn apply(
    aid: &Records,
    register: &Records,
    links: &mut [Link],
    verdicts: &[Verdict],
) -> PairRules {
    let mut rules = PairRules::default();
    for v in verdicts {
        let Some(l) = links.get_mut(v.row) else {
            continue;
        };
        match (v.candidate, v.same) {
            (Candidate::Register(r), true) if r < register.len() => {
                let (status, _) =
                    crate::matching::link::life_status_as(register.get(r), "REVIEW_SAME_PERSON");
                *l = Link::new(
                    status,
                    "REVIEW_SAME_PERSON",
                    Some(r),
                    l.name_score,
                    format!("review;{}", l.evidence),
                );
            }
            (Candidate::Register(r), false) if l.register == Some(r) => {
                // What the NIK alone says once the person is ruled out.
                use crate::normalize::nik::NikParse;
                let status = match aid.get(v.row).nik() {
                    n if n.valid().is_some() && n.valid() == register.get(r).nik().valid() => {
                        Status::NameMismatch
                    }
                    NikParse::Valid { .. } | NikParse::Generic(_) => Status::NotInRegister,
                    NikParse::Damaged { .. } => Status::NikDamaged,
                    NikParse::Invalid { .. } => Status::InvalidNik,
                };
                *l = Link::new(
                    status,
                    "REVIEW_DIFFERENT_PERSON",
                    None,
                    l.name_score,
                    format!("review;{}", l.evidence),
                );
            }
            (Candidate::Aid(o), same) if o != v.row => {
                let key = (o.min(v.row), o.max(v.row));
                if same {
                    rules.same.push(key);
                } else {
                    rules.different.push(key);
                }
            }
            _ => {}
        }
    }
    rules.same.sort_unstable();
    rules.same.dedup();
    rules.different.sort_unstable();
    rules.different.dedup();
    rules
}

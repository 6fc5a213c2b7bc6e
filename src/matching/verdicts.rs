//! Reviewers' decisions, applied to the links and groups of the next run.
//!
//! In: decisions as read from a file ([`Decided`]: an aid row, a register NIK or another aid
//! row, same or different person), the records and the register index. Out: [`Verdict`]s
//! resolved to rows ([`resolve`]), the links changed by them ([`apply`]: "same person"
//! links, "different person" unlinks) and the [`PairRules`] that grouping reads.

use crate::core::status::Status;
use crate::matching::link::Link;
use crate::matching::record::Records;
use crate::matching::register_index::RegisterIndex;
use crate::normalize::nik::NikParse;

/// Whom a row is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Candidate {
    /// A register row (0-based).
    Register(usize),
    /// Another aid row (0-based), for rows grouped by fuzzy matching.
    Aid(usize),
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
    index: &RegisterIndex,
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
pub(crate) struct PairRules {
    pub same: Vec<(usize, usize)>,
    pub different: Vec<(usize, usize)>,
}

impl PairRules {
    /// Whether reviewers said the two rows are the same person.
    pub(crate) fn joined(&self, a: usize, b: usize) -> bool {
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
pub(crate) fn apply(
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
                use NikParse;
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

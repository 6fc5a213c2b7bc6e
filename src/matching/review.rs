//! Clerical review: the rows whose decision a person should look at.
//!
//! In: aid and register [`Records`], the [`Link`]s, the duplicate [`Groups`] and the review
//! thresholds. Out: the review queue ([`queue`]: one [`ReviewItem`] per row to look at,
//! with the candidates to compare it with and how much doubt it carries). Reviewers'
//! decisions are applied by [`crate::matching::verdicts`].
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
use crate::matching::levels::DateLevel;
use crate::matching::link::Link;
use crate::matching::record::Records;
use crate::matching::verdicts::Candidate;

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
    pub(crate) const ALL: [ReviewKind; 6] = [
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
                let date = compare::date_level(a, b).is_some_and(DateLevel::agrees);
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

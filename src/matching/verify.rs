//! Verify stage: the final status of every aid row.
//!
//! In: aid and register records, the [`Link`]s and the duplicate [`Groups`].
//! Out: one [`Decision`] per aid row, in aid order.
//!
//! In each group whose person may be paid (some row `VERIFIED`), one row is kept and the
//! other `VERIFIED` rows become `DUPLICATE`. The kept row is, in order of preference:
//! 1. the row whose address agrees best with the register (kelurahan 2 points, RT 1, RW 1,
//!    street tokens up to 1);
//! 2. the row with the most filled fields (birth date, sex, KK, address, RT, kelurahan);
//! 3. the earliest row.
//!
//! Rows of a group whose person may not be paid (deceased, moved out, not in the register)
//! keep that status, with the group id, and none is kept.
//!
//! A row the list itself marks deceased (`ALM.`/`ALMH.` in the name, a death date, a status
//! column saying so) or moved out is `DECEASED` (`LIST_DECEASED`) or `MOVED_OUT`
//! (`LIST_MOVED_OUT`) where it would otherwise be paid.

use crate::core::status::Status;
use crate::matching::cluster::Groups;
use crate::matching::compare;
use crate::matching::link::Link;
use crate::matching::record::{Life, Rec, Records};

/// The decision for one aid row.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// 0-based aid row.
    pub row: usize,
    pub status: Status,
    pub reason: &'static str,
    pub register: Option<usize>,
    /// Index into `Groups::members`.
    pub group: Option<usize>,
    /// In a group: whether this row is the one paid.
    pub kept: Option<bool>,
    /// For `DUPLICATE`: the 0-based row that is kept.
    pub duplicate_of: Option<usize>,
    pub name_score: Option<f64>,
    pub evidence: String,
}

fn completeness(p: Rec<'_>) -> usize {
    [
        p.birth.is_some(),
        p.sex.is_some(),
        p.kk.is_some(),
        p.street != 0,
        p.rtrw.rt.is_some(),
        p.kelurahan != 0,
    ]
    .iter()
    .filter(|b| **b)
    .count()
}

/// Choose the kept row among `candidates` (all linked to `register[reg]`).
pub(crate) fn choose_kept(
    candidates: &[usize],
    aid: &Records,
    reference: Option<Rec<'_>>,
) -> Option<usize> {
    candidates.iter().copied().max_by(|&a, &b| {
        let addr = |r: usize| reference.map_or(0.0, |reg| compare::address_score(aid.get(r), reg));
        addr(a)
            .total_cmp(&addr(b))
            .then(completeness(aid.get(a)).cmp(&completeness(aid.get(b))))
            .then(b.cmp(&a))
    })
}

/// Decide every row. The links are consumed: their evidence moves into the decisions.
pub fn decide(
    aid: &Records,
    register: &Records,
    links: Vec<Link>,
    groups: &Groups,
) -> Vec<Decision> {
    let mut decisions: Vec<Decision> = links
        .into_iter()
        .enumerate()
        .map(|(row, l)| Decision {
            row,
            status: l.status,
            reason: l.reason,
            register: l.register,
            group: groups.of_row[row],
            kept: None,
            duplicate_of: None,
            name_score: l.name_score,
            // A group's pair evidence says more than a candidate that came close.
            evidence: match &groups.pair_evidence[row] {
                Some(pair) if l.evidence.is_empty() || l.evidence.starts_with("possible") => {
                    pair.clone()
                }
                _ => l.evidence,
            },
        })
        .collect();
    // The list's own word: a row it marks deceased (`ALM.` in the name, a death date, its
    // status column) or moved out is not paid, even where the register has not caught up.
    for d in &mut decisions {
        if d.status != Status::Verified {
            continue;
        }
        match aid.get(d.row).life {
            Life::Deceased => (d.status, d.reason) = (Status::Deceased, "LIST_DECEASED"),
            Life::MovedOut => (d.status, d.reason) = (Status::MovedOut, "LIST_MOVED_OUT"),
            Life::Active => {}
        }
    }
    for rows in &groups.members {
        let payable: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|&r| decisions[r].status == Status::Verified)
            .collect();
        let reference = payable
            .first()
            .and_then(|&r| decisions[r].register)
            .map(|reg| register.get(reg));
        let kept = choose_kept(&payable, aid, reference);
        for &r in rows {
            let d = &mut decisions[r];
            d.kept = Some(Some(r) == kept);
            if d.status == Status::Verified && Some(r) != kept {
                d.status = Status::Duplicate;
                d.reason = "DUPLICATE_OF_ROW";
                d.duplicate_of = kept;
            }
        }
    }
    decisions
}

//! The reviewers' decisions (`keputusan.csv`) read and located in this list.
//!
//! In: the decisions file, the aid table. Out: the decisions to apply and their counts;
//! a decision is found by its `aid_id` when the list's rows moved, and is stale when its
//! row changed.

use std::path::Path;

use crate::core::config::Field;
use crate::core::error::{ConfigError, Error};
use crate::io::load::{FieldMap, Table};
use crate::io::review::{DecisionCounts, DecisionIn};
use crate::matching::verdicts::{CandidateRef, Decided};

/// Read `--decisions`: each line's aid row must still carry the ID and key cells it had when
/// it was reviewed (its `row_hash`); lines that do not are stale, `skip` lines are counted.
pub fn read_review_decisions(
    path: &Path,
    table: &Table,
    map: &FieldMap,
) -> Result<(Vec<Decided>, DecisionCounts), Error> {
    let lines = crate::io::review::read_decisions(path).map_err(|message| ConfigError::Parse {
        path: path.to_path_buf(),
        message,
    })?;
    let mut counts = DecisionCounts {
        read: lines.len(),
        ..Default::default()
    };
    let mut out = Vec::new();
    let ids = AidIds::of(table, map);
    for d in lines {
        if d.decision == "skip" {
            counts.skipped += 1;
            continue;
        }
        let (row, moved) = match ids.locate(&d, table, map) {
            Located::At(row, moved) => (row, moved),
            Located::Unknown => {
                counts.unknown += 1;
                continue;
            }
            Located::Gone => {
                counts.stale += 1;
                continue;
            }
        };
        if crate::io::review::row_hash(table, map, row) != d.row_hash {
            counts.stale += 1;
            continue;
        }
        let Some(candidate) = CandidateRef::parse(&d.candidate) else {
            counts.unknown += 1;
            continue;
        };
        // The other aid row of a grouping decision is named by its number: in a list whose
        // rows moved it cannot be found again, so the decision is stale.
        if moved && matches!(candidate, CandidateRef::AidRow(_)) {
            counts.stale += 1;
            continue;
        }
        out.push(Decided {
            row,
            candidate,
            same: d.decision == "same",
        });
    }
    Ok((out, counts))
}

/// Where a reviewer's decision's row is in this list.
enum Located {
    /// At this 0-based row; `true` when found by its `aid_id` at another number (the
    /// list's rows moved since the review, as in next month's list).
    At(usize, bool),
    /// Its `aid_id` is no longer in the list (or is there twice): the decision is stale.
    Gone,
    /// No such row number and no `aid_id`.
    Unknown,
}

/// The list's ID column: the row of each ID that occurs once.
struct AidIds(rustc_hash::FxHashMap<String, Option<usize>>);

impl AidIds {
    fn of(table: &Table, map: &FieldMap) -> AidIds {
        let mut ids: rustc_hash::FxHashMap<String, Option<usize>> = Default::default();
        for row in 0..table.n_rows {
            let id = map.get(table, Field::AidId, row);
            let id = id.trim();
            if !id.is_empty() {
                ids.entry(id.to_string())
                    .and_modify(|r| *r = None)
                    .or_insert(Some(row));
            }
        }
        AidIds(ids)
    }

    /// The decision's row: at its number when the `aid_id` there is its own (or it has
    /// none), else wherever its `aid_id` is now.
    fn locate(&self, d: &DecisionIn, table: &Table, map: &FieldMap) -> Located {
        let at = d.row.checked_sub(1).filter(|&r| r < table.n_rows);
        if let Some(row) = at {
            let id = map.get(table, Field::AidId, row);
            if d.aid_id.is_empty() || id.trim() == d.aid_id {
                return Located::At(row, false);
            }
        }
        if d.aid_id.is_empty() {
            return Located::Unknown;
        }
        match self.0.get(d.aid_id.as_str()) {
            Some(Some(row)) => Located::At(*row, true),
            _ => Located::Gone,
        }
    }
}

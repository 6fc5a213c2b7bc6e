//! `dedupe eval` of `changes.csv`: a run with `--previous` against the true changes.
//!
//! In: the run's out folder (`changes.csv`, `decisions.csv`, `summary.json` naming the
//! previous run) and `changes-truth.csv` (written by `dedupe synth --month`). Out:
//! [`ChangeScores`]: whether the rows called `NEW` and `REMOVED` are exactly those added
//! and removed, the share of the people who died (moved, had their NIK corrected) shown
//! `CHANGED`, and the share of rows linked to the same register person in both runs whose
//! `person_id` is unchanged.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use serde::Serialize;

use crate::core::error::LoadError;
use crate::io::files::{CHANGES, DECISIONS, SUMMARY};
use crate::io::output::{read_output_csv, OutputRow};

/// Rows of one kind of change: predicted, true, both.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct SetScore {
    pub predicted: usize,
    pub truth: usize,
    pub correct: usize,
}

impl SetScore {
    fn of(predicted: &BTreeSet<&str>, truth: &BTreeSet<&str>) -> Self {
        SetScore {
            predicted: predicted.len(),
            truth: truth.len(),
            correct: predicted.intersection(truth).count(),
        }
    }

    /// The predicted rows are exactly the true ones.
    pub fn exact(&self) -> bool {
        self.predicted == self.truth && self.correct == self.truth
    }
}

/// `changes.csv` against the truth.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChangeScores {
    pub new: SetScore,
    pub removed: SetScore,
    /// Of the rows whose person died since: shown `CHANGED` to `DECEASED`.
    pub died_shown_deceased: SetScore,
    /// Of the rows whose person moved out since: shown `CHANGED` to `MOVED_OUT`.
    pub moved_shown_moved_out: SetScore,
    /// Of the rows whose NIK was corrected: shown `CHANGED`.
    pub nik_corrected_shown: SetScore,
    /// Rows `CHANGED` with no true change (a decision of the model that moved).
    pub changed_without_cause: usize,
    /// Rows linked to the same register person in both runs, and of them those whose
    /// `person_id` is the same.
    pub same_person_rows: usize,
    pub same_person_same_id: usize,
}

fn rows(path: &Path) -> Result<Vec<OutputRow>, LoadError> {
    read_output_csv(path).map(|(_, rows)| rows)
}

fn get<'a>(r: &'a OutputRow, k: &str) -> &'a str {
    r.get(k).map_or("", String::as_str)
}

/// The `key` cells of the rows `f` keeps.
fn with<'a>(rows: &'a [OutputRow], key: &str, f: &dyn Fn(&OutputRow) -> bool) -> BTreeSet<&'a str> {
    rows.iter().filter(|r| f(r)).map(|r| get(r, key)).collect()
}

/// Score the run in `out_dir` when it has `changes.csv` and `changes-truth.csv` sits
/// beside the truth file; None otherwise.
pub fn score(out_dir: &Path, truth_path: &Path) -> Result<Option<ChangeScores>, LoadError> {
    let truth_file = truth_path.with_file_name("changes-truth.csv");
    let changes_file = out_dir.join(CHANGES);
    if !truth_file.is_file() || !changes_file.is_file() {
        return Ok(None);
    }
    let truth = rows(&truth_file)?;
    let changes = rows(&changes_file)?;
    let cause = |c: &'static str| with(&truth, "aid_id", &move |r| get(r, "cause") == c);
    let shown = |change: &'static str, status: Option<&'static str>| {
        with(&changes, "aid_id", &move |r| {
            get(r, "change") == change && status.map_or(true, |s| get(r, "status") == s)
        })
    };
    let true_changed = with(&truth, "aid_id", &|r| get(r, "change") == "CHANGED");
    let changed = shown("CHANGED", None);
    let died = cause("died");
    let moved = cause("moved_out");
    let corrected = cause("nik_corrected");
    let restricted = |shown: BTreeSet<&str>, truth: &BTreeSet<&str>| -> SetScore {
        let hit = shown.intersection(truth).count();
        SetScore {
            predicted: hit,
            truth: truth.len(),
            correct: hit,
        }
    };
    let (same_person_rows, same_person_same_id) = person_ids(out_dir)?;
    Ok(Some(ChangeScores {
        new: SetScore::of(&shown("NEW", None), &cause("new")),
        removed: SetScore::of(
            &shown("REMOVED", None),
            &with(&truth, "aid_id", &|r| get(r, "change") == "REMOVED"),
        ),
        died_shown_deceased: restricted(shown("CHANGED", Some("DECEASED")), &died),
        moved_shown_moved_out: restricted(shown("CHANGED", Some("MOVED_OUT")), &moved),
        nik_corrected_shown: restricted(changed.clone(), &corrected),
        changed_without_cause: changed.difference(&true_changed).count(),
        same_person_rows,
        same_person_same_id,
    }))
}

/// Rows linked to one register person in this run and the previous one, and how many of
/// them kept their `person_id`.
fn person_ids(out_dir: &Path) -> Result<(usize, usize), LoadError> {
    let summary_path = out_dir.join(SUMMARY);
    let text = std::fs::read_to_string(&summary_path).map_err(|source| LoadError::Open {
        path: summary_path.clone(),
        source,
    })?;
    let summary: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let Some(previous) = summary["changes"]["previous_dir"].as_str() else {
        return Ok((0, 0));
    };
    let decisions = |dir: &Path| rows(&dir.join(DECISIONS));
    let before: HashMap<String, (String, String)> = decisions(Path::new(previous))?
        .into_iter()
        .map(|r| {
            let v = (
                get(&r, "register_nik").to_string(),
                get(&r, "person_id").to_string(),
            );
            (get(&r, "aid_id").to_string(), v)
        })
        .collect();
    let (mut same, mut kept) = (0, 0);
    for r in decisions(out_dir)? {
        let Some((nik, id)) = before.get(get(&r, "aid_id")) else {
            continue;
        };
        if !nik.is_empty() && nik == get(&r, "register_nik") {
            same += 1;
            kept += usize::from(id == get(&r, "person_id"));
        }
    }
    Ok((same, kept))
}

/// The scores as text lines for `dedupe eval`.
pub fn render(c: &ChangeScores) -> String {
    let share = |s: &SetScore| s.correct as f64 / s.truth.max(1) as f64;
    let set = |name: &str, s: &SetScore| {
        format!(
            "{name}: predicted {} true {} correct {}{}\n",
            s.predicted,
            s.truth,
            s.correct,
            if s.exact() { " (exact)" } else { "" }
        )
    };
    let mut out = String::from("\nchanges since the previous run (changes.csv):\n");
    out.push_str(&set("  NEW", &c.new));
    out.push_str(&set("  REMOVED", &c.removed));
    for (name, s) in [
        ("died, shown CHANGED to DECEASED", &c.died_shown_deceased),
        (
            "moved out, shown CHANGED to MOVED_OUT",
            &c.moved_shown_moved_out,
        ),
        ("NIK corrected, shown CHANGED", &c.nik_corrected_shown),
    ] {
        out.push_str(&format!(
            "  {name}: {} of {} ({:.4})\n",
            s.correct,
            s.truth,
            share(s)
        ));
    }
    out.push_str(&format!(
        "  CHANGED without a true change: {}\n  person_id kept by rows linked to the same register person: {} of {} ({:.4})\n",
        c.changed_without_cause,
        c.same_person_same_id,
        c.same_person_rows,
        c.same_person_same_id as f64 / c.same_person_rows.max(1) as f64
    ));
    out
}

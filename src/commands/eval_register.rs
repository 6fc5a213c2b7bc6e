//! `dedupe eval` of `register-duplicates.csv`: the people the run found the register holds
//! twice, against the true ones.
//!
//! In: the run's out folder (`register-duplicates.csv`), its decisions, and
//! `register-truth.csv` beside the truth file (written by `dedupe synth --regencies N`).
//! Out: [`RegisterScores`]: of the findings, those that are in truth two people; of the
//! true pairs the aid list reaches (a record some row is linked to or carries the NIK
//! of), those found.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;

use crate::commands::synth::REGISTER_TRUTH;
use crate::core::error::LoadError;
use crate::io::files::REGISTER_DUPLICATES;
use crate::io::output::{read_output_csv, OutputRow};

/// `register-duplicates.csv` against the truth.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct RegisterScores {
    /// Pairs of records of one person in the truth.
    pub true_pairs: usize,
    /// Of those, pairs with a record the aid list reaches.
    pub reached_pairs: usize,
    /// Of those, pairs the run found.
    pub found: usize,
    /// Rows of `register-duplicates.csv`.
    pub findings: usize,
    /// Findings that are in truth two people.
    pub two_people: usize,
}

impl RegisterScores {
    /// Share of the reached true pairs found.
    pub fn recall(&self) -> f64 {
        share(self.found, self.reached_pairs)
    }

    /// Share of the findings that are two people.
    pub fn wrong_share(&self) -> f64 {
        share(self.two_people, self.findings)
    }
}

fn share(part: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        part as f64 / of as f64
    }
}

/// A pair of NIKs, either order.
type Pair = (String, String);

fn pair(a: &str, b: &str) -> Pair {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let (a, b) = (digits(a), digits(b));
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

/// Score the run in `out_dir` when `register-truth.csv` lies beside `truth_path` and the
/// run wrote `register-duplicates.csv`; None otherwise.
pub(crate) fn score(
    out_dir: &Path,
    truth_path: &Path,
    decisions: &[OutputRow],
) -> Result<Option<RegisterScores>, LoadError> {
    let truth_file = truth_path.with_file_name(REGISTER_TRUTH);
    let found_file = out_dir.join(REGISTER_DUPLICATES);
    if !truth_file.is_file() || !found_file.is_file() {
        return Ok(None);
    }
    let truth = pairs_of(&truth_file, "nik_old", "nik_new")?;
    let found = pairs_of(&found_file, "nik_in_force", "nik_other")?;
    let reached: BTreeSet<String> = decisions
        .iter()
        .flat_map(|d| [d.get("register_nik"), d.get("nik_normalized")])
        .flatten()
        .filter(|n| !n.is_empty())
        .cloned()
        .collect();
    let reached_pairs: Vec<&Pair> = truth
        .iter()
        .filter(|(a, b)| reached.contains(a) || reached.contains(b))
        .collect();
    Ok(Some(RegisterScores {
        true_pairs: truth.len(),
        reached_pairs: reached_pairs.len(),
        found: reached_pairs.iter().filter(|p| found.contains(*p)).count(),
        findings: found.len(),
        two_people: found.difference(&truth).count(),
    }))
}

/// The NIK pairs of a file's two columns.
fn pairs_of(path: &Path, a: &str, b: &str) -> Result<BTreeSet<Pair>, LoadError> {
    let (_, rows) = read_output_csv(path)?;
    rows.iter()
        .enumerate()
        .map(|(i, r)| match (r.get(a), r.get(b)) {
            (Some(x), Some(y)) => Ok(pair(x, y)),
            _ => Err(LoadError::Csv {
                path: path.to_path_buf(),
                row: i as u64 + 2,
                message: format!("columns `{a}` and `{b}` expected; is this the right file?"),
            }),
        })
        .collect()
}

/// The scores as lines of the report.
pub(crate) fn render(s: &RegisterScores) -> String {
    format!(
        "\nregister duplicates: {} findings, {} in truth two people ({:.2}%); {} of the {} true pairs the list reaches found ({:.4}; {} true pairs in all)\n",
        s.findings,
        s.two_people,
        100.0 * s.wrong_share(),
        s.found,
        s.reached_pairs,
        s.recall(),
        s.true_pairs
    )
}

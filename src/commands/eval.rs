//! `dedupe eval`: accuracy of a run against known answers.
//!
//! In: `decisions.csv` of a run and a `truth.csv` (`row`, `person_id`, `register_nik`,
//! `status`, `defects` separated by `;`), as `dedupe synth` writes.
//! Out: [`EvalReport`]: pairwise precision/recall/F1 of same-person groups, the accuracy of
//! `register_nik`, per-status precision/recall and a breakdown by defect kind (and, where
//! the truth has them, the changes and the people the register holds twice), printed and
//! written to `eval.json`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;

use crate::commands::eval_changes::ChangeScores;
use crate::commands::eval_register::RegisterScores;
use crate::core::error::LoadError;
use crate::io::files::{DECISIONS, REVIEW_CSV};
use crate::io::output::OutputRow;

/// One row as the evaluator needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Predicted group (empty: alone).
    pub group: String,
    pub status: String,
    pub register_nik: String,
}

/// One truth row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Truth {
    pub person: String,
    pub status: String,
    pub register_nik: String,
    pub defects: Vec<String>,
}

/// Precision, recall and F1 with their counts.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Items predicted, items true, items both.
    pub predicted: usize,
    pub truth: usize,
    pub correct: usize,
}

impl Prf {
    pub fn new(predicted: usize, truth: usize, correct: usize) -> Prf {
        let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        let precision = ratio(correct, predicted);
        let recall = ratio(correct, truth);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Prf {
            precision,
            recall,
            f1,
            predicted,
            truth,
            correct,
        }
    }
}

/// Figures for the rows that carry one defect kind.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DefectStats {
    pub rows: usize,
    pub status_accuracy: f64,
    pub register_nik_accuracy: f64,
    /// Same-person pairs involving such a row, and how many were found.
    pub duplicate_pairs: usize,
    pub duplicate_pair_recall: f64,
    /// Pairs of different people that were merged, involving such a row.
    pub false_merge_pairs: usize,
}

/// The evaluation of one run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EvalReport {
    pub rows: usize,
    /// Pairwise figures of same-person groups.
    pub pairwise: Prf,
    /// Share of all rows whose `register_nik` is right (empty where it should be empty).
    pub register_nik_accuracy: f64,
    /// The same over the rows whose true person the register holds.
    pub register_nik_accuracy_in_register: f64,
    pub status_accuracy: f64,
    pub per_status: BTreeMap<String, Prf>,
    pub by_defect: BTreeMap<String, DefectStats>,
    /// How many of the run's wrong rows its review queue holds (when it wrote `review.csv`).
    pub review: Option<ReviewCoverage>,
    /// `changes.csv` against `changes-truth.csv` (a run with `--previous` on `dedupe synth
    /// --month` data).
    pub changes: Option<ChangeScores>,
    /// `register-duplicates.csv` against `register-truth.csv` (`dedupe synth` with several
    /// regencies).
    pub register: Option<RegisterScores>,
}

/// The review queue against the truth.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReviewCoverage {
    /// Rows in `review.csv` (distinct aid rows).
    pub queue_rows: usize,
    /// Rows whose status or `register_nik` is wrong.
    pub wrong_rows: usize,
    /// Of those, rows in the queue.
    pub wrong_in_queue: usize,
    /// Rows whose decision is wrong, not only its label: paid where they should not be or
    /// the reverse, or linked to another register person than the true one (an outsider
    /// whose damaged NIK reads `NIK_DAMAGED` instead of `NOT_IN_REGISTER` is withheld
    /// either way, and not counted here).
    pub wrong_decisions: usize,
    pub wrong_decisions_in_queue: usize,
    /// Share of the queue's rows that are wrong (the reviewers' yield).
    pub queue_precision: f64,
}

/// Measure the review queue: `queued` holds 0-based aid rows.
pub(crate) fn review_coverage(
    pred: &[Row],
    truth: &[Truth],
    queued: &std::collections::BTreeSet<usize>,
) -> ReviewCoverage {
    let wrong: Vec<usize> = (0..pred.len().min(truth.len()))
        .filter(|&i| {
            pred[i].status != truth[i].status || pred[i].register_nik != truth[i].register_nik
        })
        .collect();
    let in_queue = wrong.iter().filter(|i| queued.contains(i)).count();
    let paid = |s: &str| s == "VERIFIED";
    let decisions: Vec<usize> = wrong
        .iter()
        .copied()
        .filter(|&i| {
            paid(&pred[i].status) != paid(&truth[i].status)
                || pred[i].register_nik != truth[i].register_nik
        })
        .collect();
    ReviewCoverage {
        queue_rows: queued.len(),
        wrong_rows: wrong.len(),
        wrong_in_queue: in_queue,
        wrong_decisions: decisions.len(),
        wrong_decisions_in_queue: decisions.iter().filter(|i| queued.contains(i)).count(),
        queue_precision: if queued.is_empty() {
            0.0
        } else {
            in_queue as f64 / queued.len() as f64
        },
    }
}

fn pairs(n: usize) -> usize {
    n * n.saturating_sub(1) / 2
}

/// Evaluate predictions against the truth, row by row (same length, same order).
pub(crate) fn evaluate(pred: &[Row], truth: &[Truth]) -> EvalReport {
    let n = pred.len().min(truth.len());
    let pairs_of = Pairs::of(pred, truth, n);
    let nik_ok = |i: usize| pred[i].register_nik == truth[i].register_nik;
    let status_ok = |i: usize| pred[i].status == truth[i].status;
    let in_register: Vec<usize> = (0..n)
        .filter(|&i| !truth[i].register_nik.is_empty())
        .collect();
    EvalReport {
        rows: n,
        pairwise: Prf::new(pairs_of.predicted, pairs_of.truth, pairs_of.correct),
        register_nik_accuracy: share((0..n).filter(|&i| nik_ok(i)).count(), n),
        register_nik_accuracy_in_register: share(
            in_register.iter().filter(|&&i| nik_ok(i)).count(),
            in_register.len(),
        ),
        status_accuracy: share((0..n).filter(|&i| status_ok(i)).count(), n),
        per_status: per_status(pred, truth, n),
        by_defect: by_defect(pred, truth, n, &pairs_of),
        review: None,
        changes: None,
        register: None,
    }
}

/// `hits` of `of` (1 when there is nothing to hit).
fn share(hits: usize, of: usize) -> f64 {
    if of == 0 {
        1.0
    } else {
        hits as f64 / of as f64
    }
}

/// The pairs of rows the run grouped and the truth groups: their counts, and the pair
/// lists for the breakdown by defect (groups are small).
struct Pairs {
    predicted: usize,
    truth: usize,
    correct: usize,
    /// True pairs, with whether the run grouped them.
    true_list: Vec<(usize, usize, bool)>,
    /// Pairs the run grouped that are two people.
    false_list: Vec<(usize, usize)>,
}

impl Pairs {
    fn of(pred: &[Row], truth: &[Truth], n: usize) -> Pairs {
        let label = |i: usize| -> String {
            if pred[i].group.is_empty() {
                format!("\u{0}{i}")
            } else {
                pred[i].group.clone()
            }
        };
        let mut by_group: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_person: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_both: HashMap<(String, &str), usize> = HashMap::new();
        for (i, t) in truth[..n].iter().enumerate() {
            let g = label(i);
            by_group.entry(g.clone()).or_default().push(i);
            by_person.entry(t.person.as_str()).or_default().push(i);
            *by_both.entry((g, t.person.as_str())).or_default() += 1;
        }
        let each_pair = |rows: &Vec<usize>| -> Vec<(usize, usize)> {
            let mut out = Vec::new();
            for (k, &a) in rows.iter().enumerate() {
                out.extend(rows[k + 1..].iter().map(|&b| (a, b)));
            }
            out
        };
        Pairs {
            predicted: by_group.values().map(|v| pairs(v.len())).sum(),
            truth: by_person.values().map(|v| pairs(v.len())).sum(),
            correct: by_both.values().map(|&c| pairs(c)).sum(),
            true_list: by_person
                .values()
                .flat_map(each_pair)
                .map(|(a, b)| (a, b, label(a) == label(b)))
                .collect(),
            false_list: by_group
                .values()
                .flat_map(each_pair)
                .filter(|&(a, b)| truth[a].person != truth[b].person)
                .collect(),
        }
    }
}

/// Precision and recall of each status.
fn per_status(pred: &[Row], truth: &[Truth], n: usize) -> BTreeMap<String, Prf> {
    let mut statuses: Vec<&str> = pred[..n]
        .iter()
        .map(|r| r.status.as_str())
        .chain(truth[..n].iter().map(|t| t.status.as_str()))
        .collect();
    statuses.sort_unstable();
    statuses.dedup();
    statuses
        .into_iter()
        .map(|s| {
            let p = (0..n).filter(|&i| pred[i].status == s).count();
            let t = (0..n).filter(|&i| truth[i].status == s).count();
            let c = (0..n)
                .filter(|&i| pred[i].status == s && truth[i].status == s)
                .count();
            (s.to_string(), Prf::new(p, t, c))
        })
        .collect()
}

/// The figures of the rows with each defect of the truth file.
fn by_defect(
    pred: &[Row],
    truth: &[Truth],
    n: usize,
    pairs_of: &Pairs,
) -> BTreeMap<String, DefectStats> {
    let nik_ok = |i: usize| pred[i].register_nik == truth[i].register_nik;
    let status_ok = |i: usize| pred[i].status == truth[i].status;
    let mut defect_rows: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, t) in truth[..n].iter().enumerate() {
        for d in &t.defects {
            defect_rows.entry(d.as_str()).or_default().push(i);
        }
    }
    defect_rows
        .into_iter()
        .map(|(d, rows)| {
            let has = |i: usize| truth[i].defects.iter().any(|x| x == d);
            let involved: Vec<bool> = pairs_of
                .true_list
                .iter()
                .filter(|(a, b, _)| has(*a) || has(*b))
                .map(|(_, _, found)| *found)
                .collect();
            let count = |ok: &dyn Fn(usize) -> bool| rows.iter().filter(|&&i| ok(i)).count();
            let stats = DefectStats {
                rows: rows.len(),
                status_accuracy: share(count(&status_ok), rows.len()),
                register_nik_accuracy: share(count(&nik_ok), rows.len()),
                duplicate_pairs: involved.len(),
                duplicate_pair_recall: share(
                    involved.iter().filter(|f| **f).count(),
                    involved.len(),
                ),
                false_merge_pairs: pairs_of
                    .false_list
                    .iter()
                    .filter(|(a, b)| has(*a) || has(*b))
                    .count(),
            };
            (d.to_string(), stats)
        })
        .collect()
}

fn read_rows(path: &Path) -> Result<Vec<OutputRow>, LoadError> {
    crate::io::output::read_output_csv(path).map(|(_, rows)| rows)
}

fn column<'a>(path: &Path, row: &'a OutputRow, key: &str) -> Result<&'a str, LoadError> {
    row.get(key)
        .map(String::as_str)
        .ok_or_else(|| LoadError::Csv {
            path: path.to_path_buf(),
            row: 1,
            message: format!("column `{key}` missing; is this the right file?"),
        })
}

/// Read a run's `decisions.csv` and a truth file and evaluate.
pub(crate) fn evaluate_files(out_dir: &Path, truth_path: &Path) -> Result<EvalReport, LoadError> {
    let decisions_path = out_dir.join(DECISIONS);
    let decisions = read_rows(&decisions_path)?;
    let truth_rows = read_rows(truth_path)?;
    if decisions.len() != truth_rows.len() {
        return Err(LoadError::Csv {
            path: truth_path.to_path_buf(),
            row: 0,
            message: format!(
                "{} truth rows but {} decisions in {}: the truth must describe the aid file of that run",
                truth_rows.len(),
                decisions.len(),
                decisions_path.display()
            ),
        });
    }
    let mut pred = Vec::with_capacity(decisions.len());
    for d in &decisions {
        pred.push(Row {
            group: column(&decisions_path, d, "group_id")?.to_string(),
            status: column(&decisions_path, d, "status")?.to_string(),
            register_nik: column(&decisions_path, d, "register_nik")?.to_string(),
        });
    }
    let mut truth = Vec::with_capacity(truth_rows.len());
    for t in &truth_rows {
        truth.push(Truth {
            person: column(truth_path, t, "person_id")?.to_string(),
            status: column(truth_path, t, "status")?.to_string(),
            register_nik: column(truth_path, t, "register_nik")?.to_string(),
            defects: column(truth_path, t, "defects")?
                .split(';')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
        });
    }
    let mut report = evaluate(&pred, &truth);
    let review_path = out_dir.join(REVIEW_CSV);
    if review_path.is_file() {
        let queued: std::collections::BTreeSet<usize> = read_rows(&review_path)?
            .iter()
            .filter_map(|r| r.get("row").and_then(|v| v.parse::<usize>().ok()))
            .filter_map(|r| r.checked_sub(1))
            .collect();
        report.review = Some(review_coverage(&pred, &truth, &queued));
    }
    report.changes = crate::commands::eval_changes::score(out_dir, truth_path)?;
    report.register = crate::commands::eval_register::score(out_dir, truth_path, &decisions)?;
    Ok(report)
}

/// The report as a plain-text table.
pub fn render(r: &EvalReport) -> String {
    let mut s = format!(
        "rows {}\npairwise same-person: precision {:.4} recall {:.4} F1 {:.4} (predicted {} true {} correct {})\n\
         register_nik accuracy {:.4} (rows the register holds: {:.4})\nstatus accuracy {:.4}\n\nstatus            precision  recall  predicted  truth\n",
        r.rows, r.pairwise.precision, r.pairwise.recall, r.pairwise.f1, r.pairwise.predicted, r.pairwise.truth,
        r.pairwise.correct, r.register_nik_accuracy, r.register_nik_accuracy_in_register, r.status_accuracy
    );
    for (k, p) in &r.per_status {
        s.push_str(&format!(
            "{k:<17} {:>9.4} {:>7.4} {:>10} {:>6}\n",
            p.precision, p.recall, p.predicted, p.truth
        ));
    }
    s.push_str(
        "\ndefect                 rows  status_acc  nik_acc  dup_pairs  dup_recall  false_merges\n",
    );
    for (k, d) in &r.by_defect {
        s.push_str(&format!(
            "{k:<21} {:>5} {:>11.4} {:>8.4} {:>10} {:>11.4} {:>13}\n",
            d.rows,
            d.status_accuracy,
            d.register_nik_accuracy,
            d.duplicate_pairs,
            d.duplicate_pair_recall,
            d.false_merge_pairs
        ));
    }
    if let Some(q) = &r.review {
        s.push_str(&format!(
            "\nreview queue: {} rows; {} of the {} wrong rows are in it ({:.1}%); {:.1}% of the queue is wrong\n",
            q.queue_rows,
            q.wrong_in_queue,
            q.wrong_rows,
            if q.wrong_rows == 0 { 100.0 } else { 100.0 * q.wrong_in_queue as f64 / q.wrong_rows as f64 },
            100.0 * q.queue_precision
        ));
        s.push_str(&format!(
            "wrong decisions (paid or withheld wrongly, or linked to the wrong person): {} of {} in the queue ({:.1}%)\n",
            q.wrong_decisions_in_queue,
            q.wrong_decisions,
            if q.wrong_decisions == 0 { 100.0 } else { 100.0 * q.wrong_decisions_in_queue as f64 / q.wrong_decisions as f64 }
        ));
    }
    if let Some(c) = &r.changes {
        s.push_str(&crate::commands::eval_changes::render(c));
    }
    if let Some(t) = &r.register {
        s.push_str(&crate::commands::eval_register::render(t));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(group: &str, status: &str, nik: &str) -> Row {
        Row {
            group: group.into(),
            status: status.into(),
            register_nik: nik.into(),
        }
    }

    fn truth(person: &str, status: &str, nik: &str, defects: &[&str]) -> Truth {
        Truth {
            person: person.into(),
            status: status.into(),
            register_nik: nik.into(),
            defects: defects.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn hand_made_decisions_give_known_figures() {
        // Truth: A has rows 0,1; B has rows 2,3; C row 4. True pairs: (0,1), (2,3).
        // Predicted: rows 0,1,2 in one group (pairs 01, 02, 12), 3 and 4 alone.
        let pred = vec![
            row("G1", "VERIFIED", "1"),
            row("G1", "DUPLICATE", "1"),
            row("G1", "DUPLICATE", "1"),
            row("", "NOT_IN_REGISTER", ""),
            row("", "VERIFIED", "3"),
        ];
        let t = vec![
            truth("A", "VERIFIED", "1", &[]),
            truth("A", "DUPLICATE", "1", &["nik_typo"]),
            truth("B", "VERIFIED", "2", &[]),
            truth("B", "DUPLICATE", "2", &["nik_typo"]),
            truth("C", "VERIFIED", "3", &[]),
        ];
        let r = evaluate(&pred, &t);
        assert_eq!(
            (r.pairwise.predicted, r.pairwise.truth, r.pairwise.correct),
            (3, 2, 1)
        );
        assert!((r.pairwise.precision - 1.0 / 3.0).abs() < 1e-12);
        assert!((r.pairwise.recall - 0.5).abs() < 1e-12);
        assert!((r.pairwise.f1 - 0.4).abs() < 1e-12);
        // register_nik right on rows 0, 1, 4.
        assert!((r.register_nik_accuracy - 0.6).abs() < 1e-12);
        // Status right on rows 0, 1, 4.
        assert!((r.status_accuracy - 0.6).abs() < 1e-12);
        let v = r.per_status["VERIFIED"];
        assert_eq!((v.predicted, v.truth, v.correct), (2, 3, 2));
        let d = r.per_status["DUPLICATE"];
        assert_eq!((d.predicted, d.truth, d.correct), (2, 2, 1));
        let typo = &r.by_defect["nik_typo"];
        assert_eq!(typo.rows, 2);
        assert_eq!(typo.duplicate_pairs, 2);
        assert!((typo.duplicate_pair_recall - 0.5).abs() < 1e-12);
        // Row 2 (B) merged with 0 and 1 (A): two false pairs, none involving a typo row
        // but the pair (1, 2), where row 1 has the typo.
        assert_eq!(typo.false_merge_pairs, 1);
    }

    #[test]
    fn perfect_prediction_scores_one() {
        let pred = vec![
            row("G1", "VERIFIED", "1"),
            row("G1", "DUPLICATE", "1"),
            row("", "VERIFIED", "2"),
        ];
        let t = vec![
            truth("A", "VERIFIED", "1", &[]),
            truth("A", "DUPLICATE", "1", &[]),
            truth("B", "VERIFIED", "2", &[]),
        ];
        let r = evaluate(&pred, &t);
        assert_eq!(r.pairwise.f1, 1.0);
        assert_eq!(r.register_nik_accuracy, 1.0);
        assert_eq!(r.status_accuracy, 1.0);
    }
}

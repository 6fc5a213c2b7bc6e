//! `dedupe synth --month N`: the same synthetic list N - 1 months later.
//!
//! In: the register and the aid rows of month 1 (made from the same seed and sizes), and
//! a generator. Out: the register and the list of the later month, and the true change of
//! every aid row of either month ([`TrueChange`], written as `changes-truth.csv`), which
//! `dedupe eval` scores `changes.csv` against.
//!
//! Each month: 0.5% of the people paid alone die and 0.3% move out (the register says
//! MATI, PINDAH KELUAR); half of the rows found duplicate are removed (resolved), and 1%
//! of the people listed once; 30% of the damaged NIKs are corrected; 1% new recipients are
//! added (clean rows of register people not on the list, with new IDs); the rows are
//! reordered.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::commands::synth::{AidRow, Register, SynthConfig, SynthSummary};
use crate::core::error::WriteError;
use crate::core::fsio::write_atomic;
use crate::core::rng::Rng;

/// The true change of one aid row between the previous month and this one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TrueChange {
    pub aid_id: String,
    /// `NEW`, `REMOVED`, `CHANGED` or `UNCHANGED`.
    pub change: &'static str,
    /// What happened: `died`, `moved_out`, `duplicate_removed`, `removed`, `nik_corrected`,
    /// `new`, or empty.
    pub cause: &'static str,
}

/// NIK damage a clerk corrects (the row's defects; a NIK merely formatted otherwise,
/// `nik_format`, reads as the same NIK and is left).
const DAMAGED_NIK: [&str; 6] = [
    "nik_scientific",
    "nik_rounded",
    "nik_typo",
    "nik_two_digits",
    "nik_swap",
    "nik_truncated",
];

/// The register person of a row (`R<index>`), if any.
fn person_of(r: &AidRow) -> Option<usize> {
    r.person.strip_prefix('R')?.parse().ok()
}

/// One month later: returns the rows of the new month and the true changes.
pub(crate) fn next_month(
    rng: &mut Rng,
    reg: &mut Register,
    rows: Vec<AidRow>,
    new_ids_from: usize,
) -> (Vec<AidRow>, Vec<TrueChange>) {
    let mut rows_of: HashMap<usize, usize> = HashMap::new();
    for p in rows.iter().filter_map(person_of) {
        *rows_of.entry(p).or_insert(0) += 1;
    }
    // NIKs another person's row carries (a holder's): their holders stay alive and home.
    let carried: HashSet<String> = rows
        .iter()
        .filter(|r| {
            r.defects
                .iter()
                .any(|d| d.contains("other") || d.contains("family"))
        })
        .map(|r| r.cells[1].chars().filter(char::is_ascii_digit).collect())
        .collect();
    let mut changes = Vec::new();
    let mut kept = Vec::with_capacity(rows.len());
    for mut r in rows {
        let id = r.cells[0].clone();
        let single = person_of(&r)
            .filter(|p| rows_of.get(p) == Some(&1) && !reg.twice.contains_key(p))
            .filter(|&p| reg.people[p].status == "HIDUP" && !carried.contains(&reg.people[p].nik));
        let cause = match single {
            _ if r.status == "DUPLICATE" && rng.chance(0.5) => "duplicate_removed",
            Some(_) if rng.chance(0.01) => "removed",
            Some(p) if r.status == "VERIFIED" && rng.chance(0.005) => {
                reg.people[p].status = "MATI";
                r.status = "DECEASED";
                "died"
            }
            Some(p) if r.status == "VERIFIED" && rng.chance(0.003) => {
                reg.people[p].status = "PINDAH KELUAR";
                r.status = "MOVED_OUT";
                "moved_out"
            }
            Some(p) if corrected(&mut r, rng) => {
                r.cells[1] = reg.people[p].nik.clone();
                "nik_corrected"
            }
            _ => "",
        };
        let change = match cause {
            "duplicate_removed" | "removed" => "REMOVED",
            "" => "UNCHANGED",
            _ => "CHANGED",
        };
        changes.push(TrueChange {
            aid_id: id,
            change,
            cause,
        });
        if change != "REMOVED" {
            kept.push(r);
        }
    }
    let added = new_recipients(rng, reg, &rows_of, kept.len() / 100, new_ids_from);
    changes.extend(added.iter().map(|r| TrueChange {
        aid_id: r.cells[0].clone(),
        change: "NEW",
        cause: "new",
    }));
    kept.extend(added);
    for i in (1..kept.len()).rev() {
        let j = rng.below(i + 1);
        kept.swap(i, j);
    }
    (kept, changes)
}

/// Whether a row's damaged NIK is corrected this month (its NIK defects dropped).
fn corrected(r: &mut AidRow, rng: &mut Rng) -> bool {
    let damaged = r.defects.iter().any(|d| DAMAGED_NIK.contains(d));
    if !damaged || r.status != "VERIFIED" || !rng.chance(0.3) {
        return false;
    }
    r.defects.retain(|d| !DAMAGED_NIK.contains(d));
    r.defects.push("nik_corrected");
    true
}

/// `count` clean rows of living register people not on the list, with new IDs.
fn new_recipients(
    rng: &mut Rng,
    reg: &Register,
    on_list: &HashMap<usize, usize>,
    count: usize,
    ids_from: usize,
) -> Vec<AidRow> {
    let mut chosen = HashSet::new();
    let mut rows = Vec::with_capacity(count);
    for _ in 0..count * 50 {
        if rows.len() == count {
            break;
        }
        let i = rng.below(reg.people.len());
        let p = &reg.people[i];
        if p.status != "HIDUP"
            || p.birth.2 > 2005
            || on_list.contains_key(&i)
            || reg.twice.contains_key(&i)
            || !chosen.insert(i)
        {
            continue;
        }
        let mut defects = vec!["new_recipient"];
        let mut cells = crate::commands::synth::clean_cells(rng, p, &mut defects);
        cells[0] = format!("DTKS{:09}", ids_from + rows.len() + 1);
        rows.push(AidRow {
            cells,
            person: format!("R{i}"),
            register_nik: p.nik.clone(),
            status: "VERIFIED",
            defects,
        });
    }
    rows
}

/// `dedupe synth --month N`: month 1 from the seed, then N - 1 months of changes, each
/// from its own stream; the last month's files and its `changes-truth.csv`.
pub fn run(cfg: &SynthConfig) -> Result<SynthSummary, WriteError> {
    let (mut reg, mut rows) = crate::commands::synth::first_month(cfg)?;
    let mut changes = Vec::new();
    let mut next_id = rows.len();
    for month in 2..=cfg.month {
        let mut rng = Rng::new(cfg.seed ^ (month as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let (next, true_changes) = next_month(&mut rng, &mut reg, rows, next_id);
        next_id += true_changes.iter().filter(|c| c.change == "NEW").count();
        rows = next;
        changes = true_changes;
    }
    let extra: &[&str] = if cfg.month > 1 {
        &["changes-truth.csv"]
    } else {
        &[]
    };
    let summary = crate::commands::synth::write_month(cfg, &reg, &rows, extra)?;
    if cfg.month > 1 {
        write_changes(&changes, &cfg.out_dir)?;
    }
    Ok(summary)
}

/// Write `changes-truth.csv`: the true change of every aid row of either month.
pub(crate) fn write_changes(changes: &[TrueChange], dir: &Path) -> Result<(), WriteError> {
    write_atomic(dir, "changes-truth.csv", |w| {
        writeln!(w, "aid_id,change,cause")?;
        for c in changes {
            writeln!(w, "{},{},{}", c.aid_id, c.change, c.cause)?;
        }
        Ok(())
    })?;
    Ok(())
}

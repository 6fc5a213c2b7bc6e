//! `register-duplicates.csv`: the register's records that are one person, for Disdukcapil.
//!
//! In: the pairs of [`crate::matching::register_twice`], the register records and the
//! decisions. Out: one line per pair (`NIK_GANDA`: one person, both records open;
//! `REGISTERED_AGAIN`: one person, the old record closed), with the
//! record in force and the other one, their status, KK and the model's weights, and the aid
//! rows under either NIK; and the counts of `summary.json`. The file is a private working list, as `decisions.csv`: NIKs in full.

use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::io::csv_out::{to_io, CsvOut};
use crate::matching::record::{Life, Rec, Records};
use crate::matching::register_twice::RegisterTwice;
use crate::matching::verify::Decision;

/// What `summary.json` says of the search (`register_twice`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegisterTwiceSummary {
    /// Register records looked at: those the aid list is linked to.
    pub records_checked: usize,
    /// Pairs of records of one person.
    pub pairs: usize,
    /// Of those, both records still open (NIK ganda, for Disdukcapil to close).
    pub both_open: usize,
    /// Aid rows under a superseded NIK, linked to the NIK in force.
    pub rows_superseded: usize,
}

impl RegisterTwiceSummary {
    pub fn of(twice: &RegisterTwice, register: &Records) -> Self {
        RegisterTwiceSummary {
            records_checked: twice.records_checked,
            pairs: twice.pairs.len(),
            both_open: twice.pairs.iter().filter(|p| p.both_open(register)).count(),
            rows_superseded: twice.rows_superseded,
        }
    }
}

const HEADER: [&str; 14] = [
    "finding",
    "nik_in_force",
    "nik_other",
    "name",
    "birth_date",
    "status_in_force",
    "status_other",
    "kk_in_force",
    "kk_other",
    "in_force_known",
    "probability",
    "aid_rows",
    "evidence",
    "name_other",
];

fn life_word(p: Rec<'_>) -> &'static str {
    match p.life {
        Life::Active => "HIDUP",
        Life::MovedOut => "PINDAH",
        Life::Deceased => "MATI",
    }
}

/// One line of the file, its aid rows apart: the pair's register rows (0-based) and the
/// cells in the header's order, the `aid_rows` cell empty. A partitioned run's partition
/// step makes these from the whole register; the merge adds the aid rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairLine {
    pub current: usize,
    pub other: usize,
    pub cells: Vec<String>,
}

/// What a partitioned run's merge needs to write the file and `summary.json`'s counts as
/// one run does (`register-twice.json` in the partition folder).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct RegisterTwiceFile {
    pub summary: RegisterTwiceSummary,
    pub lines: Vec<PairLine>,
}

/// Where the `aid_rows` cell is in a line.
const AID_ROWS: usize = 11;

/// The lines of the pairs, their aid rows apart.
pub fn lines(twice: &RegisterTwice, register: &Records) -> Vec<PairLine> {
    twice
        .pairs
        .iter()
        .map(|p| {
            let (c, o) = (register.get(p.current), register.get(p.other));
            let kk = |r: Rec<'_>| r.kk.map(|k| k.get().to_string()).unwrap_or_default();
            let finding = if p.both_open(register) {
                "NIK_GANDA"
            } else {
                "REGISTERED_AGAIN"
            };
            let cells = vec![
                finding.to_string(),
                c.nik().valid().unwrap_or("").to_string(),
                o.nik().valid().unwrap_or("").to_string(),
                c.name().join(" "),
                c.birth.map(|b| b.iso()).unwrap_or_default(),
                life_word(c).to_string(),
                life_word(o).to_string(),
                kk(c),
                kk(o),
                (if p.current_known { "true" } else { "false" }).to_string(),
                format!("{:.4}", p.probability),
                String::new(),
                p.evidence.clone(),
                o.name().join(" "),
            ];
            PairLine {
                current: p.current,
                other: p.other,
                cells,
            }
        })
        .collect()
}

/// Write the file: a header and one line per pair (`excel`: for Excel, as `--csv-excel`).
pub fn write(
    w: &mut dyn Write,
    twice: &RegisterTwice,
    register: &Records,
    decisions: &[Decision],
    excel: bool,
) -> std::io::Result<()> {
    let linked = decisions
        .iter()
        .filter_map(|d| d.register.map(|r| (r, d.row + 1)));
    write_lines(w, &lines(twice, register), linked, excel)
}

/// Write the file from its lines and the aid rows' links (`linked`: the register row,
/// 0-based, and the aid row, 1-based, of every linked aid row, in row order): each line's
/// `aid_rows` are the rows linked to either of its records.
pub(crate) fn write_lines(
    w: &mut dyn Write,
    lines: &[PairLine],
    linked: impl Iterator<Item = (usize, usize)>,
    excel: bool,
) -> std::io::Result<()> {
    let mut out = CsvOut::new(w, excel)?;
    out.row(&HEADER).map_err(to_io)?;
    // The aid rows of every register record a pair names: one pass over the links, not
    // one a pair.
    let mut rows_of: rustc_hash::FxHashMap<usize, Vec<usize>> = lines
        .iter()
        .flat_map(|p| [p.current, p.other])
        .map(|r| (r, Vec::new()))
        .collect();
    for (register_row, aid_row) in linked {
        if let Some(rows) = rows_of.get_mut(&register_row) {
            rows.push(aid_row);
        }
    }
    for p in lines {
        let mut rows: Vec<usize> = [p.current, p.other]
            .iter()
            .filter_map(|r| rows_of.get(r))
            .flatten()
            .copied()
            .collect();
        rows.sort_unstable();
        let rows: Vec<String> = rows.iter().map(usize::to_string).collect();
        let rows = rows.join(" ");
        let cells: Vec<&str> = p
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == AID_ROWS {
                    rows.as_str()
                } else {
                    c.as_str()
                }
            })
            .collect();
        out.row(&cells).map_err(to_io)?;
    }
    out.flush()
}

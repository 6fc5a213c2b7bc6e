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

/// Write the file: a header and one line per pair (`excel`: for Excel, as `--csv-excel`).
pub fn write(
    w: &mut dyn Write,
    twice: &RegisterTwice,
    register: &Records,
    decisions: &[Decision],
    excel: bool,
) -> std::io::Result<()> {
    let mut out = CsvOut::new(w, excel)?;
    out.row(&HEADER).map_err(to_io)?;
    // The aid rows (1-based, in row order) of every register record a pair names: one pass
    // over the decisions, not one a pair.
    let mut rows_of: rustc_hash::FxHashMap<usize, Vec<usize>> = twice
        .pairs
        .iter()
        .flat_map(|p| [p.current, p.other])
        .map(|r| (r, Vec::new()))
        .collect();
    for d in decisions {
        if let Some(rows) = d.register.and_then(|r| rows_of.get_mut(&r)) {
            rows.push(d.row + 1);
        }
    }
    for p in &twice.pairs {
        let (c, o) = (register.get(p.current), register.get(p.other));
        let mut rows: Vec<usize> = [p.current, p.other]
            .iter()
            .filter_map(|r| rows_of.get(r))
            .flatten()
            .copied()
            .collect();
        rows.sort_unstable();
        let rows: Vec<String> = rows.iter().map(usize::to_string).collect();
        let kk = |r: Rec<'_>| r.kk.map(|k| k.get().to_string()).unwrap_or_default();
        let finding = if p.both_open(register) {
            "NIK_GANDA"
        } else {
            "REGISTERED_AGAIN"
        };
        out.row(&[
            finding,
            c.nik().valid().unwrap_or(""),
            o.nik().valid().unwrap_or(""),
            &c.name().join(" "),
            &c.birth.map(|b| b.iso()).unwrap_or_default(),
            life_word(c),
            life_word(o),
            &kk(c),
            &kk(o),
            if p.current_known { "true" } else { "false" },
            &format!("{:.4}", p.probability),
            &rows.join(" "),
            &p.evidence,
            &o.name().join(" "),
        ])
        .map_err(to_io)?;
    }
    out.flush()
}

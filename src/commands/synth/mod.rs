//! `dedupe synth`: realistic synthetic register and aid list with known answers.
//!
//! In: [`SynthConfig`] (persons, aid recipients, seed). Out: `population.parquet` (SIAK-style
//! register: households with KK structure, NIKs with the real layout, names of several
//! naming traditions, placeholder birth dates, deaths and moves), `aid.csv` (DTKS-style,
//! `;`-delimited, with the defects real lists carry) and `truth.csv` (for every aid row the
//! true person, the ideal status and the defects applied); with several regencies also
//! `register-truth.csv` (the people the register holds twice, to score
//! `register-duplicates.csv` with). The same seed gives the same
//! bytes. Nobody in it is real.
//!
//! The folder: `vocab.rs` (tables), `register.rs` (the register), `defects.rs` (damage to
//! cells), `aid.rs` (the aid list and its truth); this file runs a month.

use std::path::PathBuf;

use crate::core::error::WriteError;
pub use crate::core::rng::Rng;

mod aid;
mod defects;
mod register;
mod vocab;

pub use aid::*;
pub use defects::*;
pub use register::*;
pub use vocab::*;

/// Generator settings.
#[derive(Debug, Clone)]
pub struct SynthConfig {
    pub persons: usize,
    pub aid: usize,
    pub seed: u64,
    pub out_dir: PathBuf,
    /// Regencies the register covers (1: the city alone). With more, 0.4% of the people
    /// moved to another regency and registered there again (see `register_twice`).
    pub regencies: usize,
    /// The month of the list (1: the first; N: N - 1 months of deaths, moves, rows
    /// removed and added, NIKs corrected later, with `changes-truth.csv` against month
    /// N - 1: see [`crate::commands::synth_month`]).
    pub month: usize,
}

/// What `dedupe synth` reports.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SynthSummary {
    pub persons: usize,
    pub aid_rows: usize,
    pub seed: u64,
    pub files: Vec<String>,
}

/// Generate and write the three files.
pub fn run(cfg: &SynthConfig) -> Result<SynthSummary, WriteError> {
    let (reg, rows) = first_month(cfg)?;
    write_month(cfg, &reg, &rows, &[])
}

/// The register and the aid rows of month 1 (the out folder made).
pub(crate) fn first_month(cfg: &SynthConfig) -> Result<(Register, Vec<AidRow>), WriteError> {
    std::fs::create_dir_all(&cfg.out_dir).map_err(|source| WriteError::Io {
        path: cfg.out_dir.clone(),
        source,
    })?;
    let mut rng = Rng::new(cfg.seed);
    let mut reg = build_register(&mut rng, cfg.persons);
    if cfg.regencies > 1 {
        spread_regencies(&mut reg, cfg.regencies);
        register_twice(&mut rng, &mut reg, cfg.regencies);
    }
    let rows = build_aid(&mut rng, &mut reg, cfg.aid);
    Ok((reg, rows))
}

/// Write a month's register, aid list and truth; `extra` names files written beside.
pub(crate) fn write_month(
    cfg: &SynthConfig,
    reg: &Register,
    rows: &[AidRow],
    extra: &[&str],
) -> Result<SynthSummary, WriteError> {
    let population = cfg.out_dir.join("population.parquet");
    write_register(&reg.people, &population)?;
    write_aid_and_truth(rows, &cfg.out_dir)?;
    let twice = write_register_truth(reg, &cfg.out_dir)?;
    Ok(SynthSummary {
        persons: reg.people.len(),
        aid_rows: rows.len(),
        seed: cfg.seed,
        files: ["population.parquet", "aid.csv", "truth.csv"]
            .iter()
            .chain(twice.then_some(&REGISTER_TRUTH))
            .chain(extra)
            .map(|f| f.to_string())
            .collect(),
    })
}

//! Link stage: connect every aid row to the register.
//!
//! In: normalized aid and register [`Person`]s and the match thresholds.
//! Out: one [`Link`] per aid row, in aid order: a preliminary status, a reason code, the
//! register row it points at (if any), the name score and the evidence.
//!
//! This is exact linking on the normalized NIK. Rules, in order:
//! 1. an invalid NIK gives `INVALID_NIK`, a spreadsheet-damaged one `NIK_DAMAGED`;
//! 2. a valid NIK not in the register gives `NOT_IN_REGISTER`, or `NIK_DAMAGED`
//!    (`NIK_ROUNDED`) when it ends in 0 and the same file shows spreadsheet damage elsewhere
//!    (scientific notation or float precision loss); in such a file a serial of 0000, which
//!    is what rounding makes of serials 0001-0004, is `NIK_ROUNDED` too;
//! 3. a NIK in the register whose name does not agree gives `NAME_MISMATCH`, linked to
//!    nobody (`register_nik` empty; the evidence shows the comparison with the holder);
//! 4. otherwise the register's life status decides: `DECEASED`, `MOVED_OUT` or `VERIFIED`.
//!
//! A register holding one NIK more than once (it happens) links to the holder whose name
//! agrees best, the lowest row on a tie.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::compare;
use crate::config::MatchConfig;
use crate::normalize::nik::{NikIssue, NikParse};
use crate::record::{Life, Person};
use crate::status::Status;

/// The link of one aid row.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub status: Status,
    pub reason: &'static str,
    /// Index into the register records.
    pub register: Option<usize>,
    pub name_score: Option<f64>,
    pub evidence: String,
}

/// Register rows by normalized NIK.
#[derive(Debug, Default)]
pub struct RegisterIndex {
    by_nik: HashMap<String, Vec<usize>>,
}

impl RegisterIndex {
    pub fn build(register: &[Person]) -> Self {
        let mut by_nik: HashMap<String, Vec<usize>> = HashMap::with_capacity(register.len());
        for (i, p) in register.iter().enumerate() {
            if let Some(nik) = p.nik.valid() {
                by_nik.entry(nik.to_string()).or_default().push(i);
            }
        }
        RegisterIndex { by_nik }
    }

    pub fn get(&self, nik: &str) -> &[usize] {
        self.by_nik.get(nik).map(Vec::as_slice).unwrap_or(&[])
    }

    /// NIKs held by more than one register row.
    pub fn repeated_niks(&self) -> usize {
        self.by_nik.values().filter(|v| v.len() > 1).count()
    }
}

/// True when any NIK in the file was visibly damaged by a spreadsheet.
pub fn file_shows_damage(aid: &[Person]) -> bool {
    aid.iter().any(|p| {
        matches!(
            p.nik,
            NikParse::Damaged {
                issue: NikIssue::NikScientific | NikIssue::NikFloatPrecision,
                ..
            }
        )
    })
}

fn unlinked(status: Status, reason: &'static str) -> Link {
    Link {
        status,
        reason,
        register: None,
        name_score: None,
        evidence: String::new(),
    }
}

/// Link one aid row.
pub fn link_one(
    aid: &Person,
    register: &[Person],
    index: &RegisterIndex,
    cfg: &MatchConfig,
    damage_seen: bool,
) -> Link {
    let nik = match &aid.nik {
        // Serial 0000 is what rounding makes of serials 0001-0004.
        NikParse::Invalid {
            issue: NikIssue::NikSerial,
            ..
        } if damage_seen => return unlinked(Status::NikDamaged, NikIssue::NikRounded.code()),
        NikParse::Invalid { issue, .. } => return unlinked(Status::InvalidNik, issue.code()),
        NikParse::Damaged { issue, .. } => return unlinked(Status::NikDamaged, issue.code()),
        NikParse::Valid { nik, .. } => nik,
    };
    let holders = index.get(nik);
    let best = holders
        .iter()
        .map(|&r| (r, compare::name(aid, &register[r])))
        .fold(None, |best: Option<(usize, f64)>, (r, s)| match best {
            Some((_, bs)) if bs >= s => best,
            _ => Some((r, s)),
        });
    let Some((reg, score)) = best else {
        return if damage_seen && nik.ends_with('0') {
            unlinked(Status::NikDamaged, NikIssue::NikRounded.code())
        } else {
            unlinked(Status::NotInRegister, "NIK_NOT_FOUND")
        };
    };
    let (status, reason) = if score < cfg.name_threshold {
        (Status::NameMismatch, "NAME_DIFFERS")
    } else {
        match register[reg].life {
            Life::Deceased => (Status::Deceased, "REGISTER_DECEASED"),
            Life::MovedOut => (Status::MovedOut, "REGISTER_MOVED_OUT"),
            Life::Active => (Status::Verified, "NIK_AND_NAME_MATCH"),
        }
    };
    Link {
        status,
        reason,
        // The NIK's holder is someone else: this row is linked to nobody.
        register: (status != Status::NameMismatch).then_some(reg),
        name_score: Some(score),
        evidence: compare::evidence(aid, &register[reg], score),
    }
}

/// Link every aid row, in parallel; the result is in aid order.
pub fn link_all(
    aid: &[Person],
    register: &[Person],
    index: &RegisterIndex,
    cfg: &MatchConfig,
) -> Vec<Link> {
    let damage_seen = file_shows_damage(aid);
    aid.par_iter()
        .map(|p| link_one(p, register, index, cfg, damage_seen))
        .collect()
}

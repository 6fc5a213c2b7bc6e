//! Two register records that are one person, as the register search
//! ([`crate::matching::register_twice`]) finds them and a part of a partitioned run is
//! given them ([`crate::matching::whole::WholeRun`]).
//!
//! In: register rows. Out: [`RegisterPair`] (the current record, the other, the posterior
//! and the model's weights as text).

use crate::matching::record::{Life, Records};

/// Two register records that are one person.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RegisterPair {
    /// Register rows: the current record and the other (superseded) one. When neither is
    /// preferred (both open, no KK issue date), `current` is the lower row.
    pub current: usize,
    pub other: usize,
    /// Whether `current` was chosen by the rule (a moved-out record, or KK issue dates).
    pub current_known: bool,
    pub probability: f64,
    /// The model's weights of the hypothesis, as text.
    pub evidence: String,
}

impl RegisterPair {
    /// Both records open: a duplicate in the register (NIK ganda) for Disdukcapil to close.
    pub(crate) fn both_open(&self, register: &Records) -> bool {
        register.get(self.current).life == Life::Active
            && register.get(self.other).life == Life::Active
    }
}

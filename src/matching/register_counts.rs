//! What the register search ([`crate::matching::register_twice`]) measures on the whole
//! register besides names: how many records each KK holds (who is alone in a household)
//! and how many records share each birth date.
//!
//! In: the register [`Records`]. Out: [`RegisterCounts`]: a record's household size, a
//! birth date's share of the register, and the share of records alone in their KK.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::matching::record::{Rec, Records};

/// Household sizes and birth-date counts of one register.
#[derive(Debug, Clone, Default)]
pub(crate) struct RegisterCounts {
    /// The KK numbers of the records that have one, sorted: a KK's records are a run.
    kks: Vec<u64>,
    /// Records per birth date (days from the common era).
    dates: FxHashMap<i32, u32>,
    /// Records with a birth date.
    dated: u64,
    /// Records alone in their KK, of the records with a KK (None: no record has a KK).
    alone_share: Option<f64>,
}

impl RegisterCounts {
    pub(crate) fn of(register: &Records) -> Self {
        use chrono::Datelike;
        let mut kks: Vec<u64> = register
            .people
            .par_iter()
            .filter_map(|p| p.kk.map(|k| k.get()))
            .collect();
        kks.par_sort_unstable();
        let alone = kks
            .chunk_by(|a, b| a == b)
            .filter(|run| run.len() == 1)
            .count();
        let alone_share = (!kks.is_empty()).then(|| alone as f64 / kks.len() as f64);
        let mut dates: FxHashMap<i32, u32> = FxHashMap::default();
        let mut dated = 0;
        for p in &register.people {
            if let Some(b) = p.birth {
                *dates.entry(b.date.num_days_from_ce()).or_default() += 1;
                dated += 1;
            }
        }
        RegisterCounts {
            kks,
            dates,
            dated,
            alone_share,
        }
    }

    /// The records of `p`'s KK in the register (None without a KK).
    pub(crate) fn household(&self, p: Rec<'_>) -> Option<usize> {
        let kk = p.kk?.get();
        let start = self.kks.partition_point(|&k| k < kk);
        let end = self.kks.partition_point(|&k| k <= kk);
        Some((end - start).max(1))
    }

    /// The share of the dated records born on `p`'s birth date besides `p` and one other
    /// record (the pair a search weighs): how often other people hold the date. None
    /// without a date.
    pub(crate) fn others_born_that_day(&self, p: Rec<'_>) -> Option<f64> {
        use chrono::Datelike;
        let date = p.birth?.date.num_days_from_ce();
        let count = self
            .dates
            .get(&date)
            .copied()
            .unwrap_or(0)
            .saturating_sub(2);
        Some(f64::from(count) / self.dated.max(1) as f64)
    }

    /// The share of the records with a KK that are alone in it (None: no record has a
    /// KK).
    pub(crate) fn alone_share(&self) -> Option<f64> {
        self.alone_share
    }
}

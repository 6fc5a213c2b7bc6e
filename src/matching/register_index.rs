//! The register's index by identifier, and its households.
//!
//! In: the register [`Records`]. Out: a [`RegisterIndex`]: the rows holding a NIK (or a
//! plain identifier), the members of a household (by KK number), and the count of NIKs
//! the register holds more than once.

use crate::matching::block::{id_key, KeyIndex};
use crate::matching::record::Records;

/// Register rows by identifier (a NIK, or a plain identifier): the blocking layer's
/// [`KeyIndex`] of [`id_key`]s, shared with the fuzzy stage's NIK variants; a lookup
/// checks the text, so a key collision cannot link the wrong person.
#[derive(Debug)]
pub struct RegisterIndex {
    niks: KeyIndex,
    /// The rows with a KK number, ordered by it (then by row): the members of a household
    /// are together. Four bytes a row (the number is read from the record); built on
    /// first use (most rows never need it).
    by_kk: std::sync::OnceLock<Vec<u32>>,
}

impl RegisterIndex {
    pub fn build(register: &Records) -> Self {
        RegisterIndex {
            niks: crate::matching::block::nik_index(register),
            by_kk: std::sync::OnceLock::new(),
        }
    }

    /// The identifiers' index (for the NIK variants of the fuzzy stage).
    pub fn niks(&self) -> &KeyIndex {
        &self.niks
    }

    /// The register rows of the household with KK number `kk`, in row order.
    pub fn household<'r>(
        &'r self,
        register: &'r Records,
        kk: u64,
    ) -> impl Iterator<Item = usize> + 'r {
        // Sequential on purpose: a parallel build inside the parallel linking could let this
        // thread pick up another row's lookup while it builds, and wait on itself.
        let kk_of = |r: u32| register.people[r as usize].kk.map_or(0, |k| k.get());
        let by_kk = self.by_kk.get_or_init(|| {
            // Sorted as (KK, row) pairs, whose keys sit beside them (sorting the rows by a
            // key read from each record costs a cache miss a comparison: 4 s more at 20 M
            // rows); only the rows are kept.
            let mut v: Vec<(u64, u32)> = register
                .people
                .iter()
                .enumerate()
                .filter_map(|(i, p)| p.kk.map(|kk| (kk.get(), i as u32)))
                .collect();
            v.sort_unstable();
            v.into_iter().map(|(_, r)| r).collect()
        });
        let start = by_kk.partition_point(|&r| kk_of(r) < kk);
        by_kk[start..]
            .iter()
            .take_while(move |&&r| kk_of(r) == kk)
            .map(|&r| r as usize)
    }

    /// The register rows holding `nik`, in row order.
    pub fn get<'r>(
        &'r self,
        register: &'r Records,
        nik: &'r str,
    ) -> impl Iterator<Item = usize> + 'r {
        self.niks
            .get(id_key(nik))
            .iter()
            .map(|&(_, r)| r as usize)
            .filter(move |&r| register.get(r).nik().valid() == Some(nik))
    }

    /// NIKs held by more than one register row.
    pub(crate) fn repeated_niks(&self, register: &Records) -> usize {
        let v = self.niks.entries();
        let mut n = 0;
        let mut i = 0;
        while i < v.len() {
            let mut j = i + 1;
            while j < v.len() && v[j].0 == v[i].0 {
                j += 1;
            }
            if j - i > 1 {
                // Count distinct texts held more than once within the key's run.
                let mut texts: Vec<&str> = v[i..j]
                    .iter()
                    .filter_map(|&(_, r)| register.get(r as usize).nik().valid())
                    .collect();
                texts.sort_unstable();
                let mut k = 0;
                while k < texts.len() {
                    let mut l = k + 1;
                    while l < texts.len() && texts[l] == texts[k] {
                        l += 1;
                    }
                    if l - k > 1 {
                        n += 1;
                    }
                    k = l;
                }
            }
            i = j;
        }
        n
    }
}

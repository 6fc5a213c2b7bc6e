//! Blocking: candidate register rows for the aid rows that exact linking could not place.
//!
//! In: normalized register records and the records to place.
//! Out: candidate register rows, each with the key that found it, and counts per key.
//! Two ways to the same candidates: [`candidates_in_batches`] for a few records against a
//! large register (their keys are looked up in a scan of the register, one per batch of
//! records when memory is limited; NIK variants in [`nik_index`], the
//! index of the register's identifiers that linking by NIK uses too), and [`Blocker`], an
//! index of every key of a set of records, for matching a set against itself (aid rows
//! linked to nobody).
//!
//! Several keys, so that one damaged field does not hide a match:
//! * `nik_variant`: the NIK with one digit substituted, two adjacent digits swapped, one
//!   digit missing (15 digits), the 16th digit rounded, or the last digit lost to a float;
//! * `name_date`: the sound key of the first or the last name token with the birth date
//!   (from the date column, with day and month swapped, or decoded from the NIK);
//! * `name_area`: the first name token with kelurahan and RT, and the first and last name
//!   tokens with the kelurahan (rows without a birth date);
//! * `nik_prefix_name`: the surviving NIK prefix of a damaged or invalid NIK (region) with
//!   the first and last name tokens, for rows without a birth date;
//! * `date_area`: the birth date (from the date column, also with day and month swapped)
//!   with the kelurahan, for rows whose every name token is misspelt.
//!
//! Keys are 64-bit FNV-1a hashes.
//! Blocks larger than `max_block` (a very common name on a placeholder date) are skipped
//! and counted, so the number of candidate pairs stays bounded as data grows.

use std::collections::BTreeMap;

use chrono::Datelike;
use rayon::prelude::*;
use serde::Serialize;

use crate::matching::comparisons::Cmp;
use crate::matching::record::{Rec, Records};
use crate::normalize::nik::{NikIssue, NikParse};

/// The blocking keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum KeyKind {
    NikVariant,
    NameDate,
    NameArea,
    NikPrefixName,
    DateArea,
    NumberArea,
}

impl KeyKind {
    pub(crate) const ALL: [KeyKind; 6] = [
        KeyKind::NikVariant,
        KeyKind::NameDate,
        KeyKind::NameArea,
        KeyKind::NikPrefixName,
        KeyKind::DateArea,
        KeyKind::NumberArea,
    ];

    /// The fields a key is made of: every pair it finds agrees on them (or on a sound,
    /// slip or token of them) by construction, so EM cannot learn their m from its pairs
    /// (Splink leaves a blocking rule's columns out of the session it trains).
    /// `number_area` holds the house number with a name token, with the area, and a name
    /// token with the area: all three fields.
    pub fn fields(self) -> &'static [Cmp] {
        match self {
            KeyKind::NikVariant => &[Cmp::Nik],
            KeyKind::NameDate => &[Cmp::Name, Cmp::BirthDate],
            KeyKind::NameArea => &[Cmp::Name, Cmp::Kelurahan, Cmp::Rt],
            KeyKind::NikPrefixName => &[Cmp::Nik, Cmp::Name],
            KeyKind::DateArea => &[Cmp::BirthDate, Cmp::Kelurahan],
            KeyKind::NumberArea => &[Cmp::Name, Cmp::Kelurahan, Cmp::Street],
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            KeyKind::NikVariant => "nik_variant",
            KeyKind::NameDate => "name_date",
            KeyKind::NameArea => "name_area",
            KeyKind::NikPrefixName => "nik_prefix_name",
            KeyKind::DateArea => "date_area",
            KeyKind::NumberArea => "number_area",
        }
    }
}

/// Candidate-pair counts.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct BlockStats {
    /// Candidate pairs found per key (a pair found by two keys counts under both).
    pub pairs_per_key: BTreeMap<String, usize>,
    /// Distinct candidate pairs scored.
    pub pairs: usize,
    /// Blocks skipped for being larger than `max_block`.
    pub skipped_blocks: usize,
    /// The keys of the skipped blocks (a partitioned run gives them to its parts).
    #[serde(skip)]
    pub skipped_keys: Vec<u64>,
}

/// Which blocks are too large to use.
#[derive(Debug, Clone, Default)]
pub(crate) enum BlockLimit {
    /// Blocks of more rows than this.
    Size(usize),
    /// The blocks of these keys: those the whole run found too large, in a part of a
    /// partitioned run (whose own blocks are smaller than the whole run's).
    Keys(rustc_hash::FxHashSet<u64>),
    #[default]
    None,
}

impl BlockLimit {
    fn skips(&self, key: u64, len: usize) -> bool {
        match self {
            BlockLimit::Size(max) => len > *max,
            BlockLimit::Keys(keys) => keys.contains(&key),
            BlockLimit::None => false,
        }
    }
}

impl BlockStats {
    pub fn merge(mut self, other: BlockStats) -> BlockStats {
        for (k, v) in other.pairs_per_key {
            *self.pairs_per_key.entry(k).or_default() += v;
        }
        self.pairs += other.pairs;
        self.skipped_blocks += other.skipped_blocks;
        self.skipped_keys.extend(other.skipped_keys);
        self
    }
}

fn fnv(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

type Date3 = (u8, u8, u8);

fn dates(p: Rec<'_>, with_variants: bool) -> Vec<Date3> {
    let mut out = Vec::with_capacity(3);
    if let Some(b) = p.birth {
        let (d, m, y) = (
            b.date.day() as u8,
            b.date.month() as u8,
            (b.date.year().rem_euclid(100)) as u8,
        );
        out.push((d, m, y));
        if with_variants && d <= 12 && d != m {
            out.push((m, d, y));
        }
    }
    if let Some(info) = p.nik().info() {
        let nik_date = (info.day, info.month, info.yy);
        if (with_variants || out.is_empty()) && !out.contains(&nik_date) {
            out.push(nik_date);
        }
    }
    out
}

fn name_date_keys(p: Rec<'_>, variants: bool, out: &mut Vec<(u64, KeyKind)>) {
    if p.name().is_empty() {
        return;
    }
    // The first and last tokens' sound keys, so that spellings of one name (`ACHMAD`,
    // `AHMAD`) share a block.
    let sound = p.sound();
    let tokens: &[u64] = if sound.first == sound.last {
        &[sound.first]
    } else {
        &[sound.first, sound.last]
    };
    for (d, m, y) in dates(p, variants) {
        for t in tokens {
            out.push((
                fnv(&[b"nd", &t.to_le_bytes(), &[d, m, y]]),
                KeyKind::NameDate,
            ));
        }
    }
}

/// First and last name tokens with the kelurahan, without RT: for rows that have neither
/// birth date nor RT (lists from other countries, or a date lost to a spreadsheet).
fn full_name_area_key(p: Rec<'_>) -> Option<(u64, KeyKind)> {
    let first = p.name().first()?;
    let last = p.name().last()?;
    (!p.kelurahan().is_empty()).then(|| {
        (
            fnv(&[
                b"nk",
                first.as_bytes(),
                last.as_bytes(),
                p.kelurahan().as_bytes(),
            ]),
            KeyKind::NameArea,
        )
    })
}

fn name_area_key(p: Rec<'_>) -> Option<(u64, KeyKind)> {
    let first = p.name().first()?;
    let rt = p.rtrw.rt?;
    (!p.kelurahan().is_empty()).then(|| {
        (
            fnv(&[
                b"na",
                first.as_bytes(),
                p.kelurahan().as_bytes(),
                &rt.to_le_bytes(),
            ]),
            KeyKind::NameArea,
        )
    })
}

fn date_area_keys(p: Rec<'_>, variants: bool, out: &mut Vec<(u64, KeyKind)>) {
    let (Some(b), false) = (p.birth, p.kelurahan().is_empty()) else {
        return;
    };
    let (d, m, y) = (b.date.day(), b.date.month(), b.date.year());
    let key = |d: u32, m: u32| {
        fnv(&[
            b"da",
            &[d as u8, m as u8],
            &y.to_le_bytes(),
            p.kelurahan().as_bytes(),
        ])
    };
    out.push((key(d, m), KeyKind::DateArea));
    if variants && d <= 12 && d != m {
        out.push((key(m, d), KeyKind::DateArea));
    }
}

/// The keys of a row without an identifier to link by, whose name, birth date or
/// kelurahan may all be mistyped (`LAUR A HEFORD`, `3 PARTRIDGQE STREET` in `BANSIA`):
/// the house number (the street's first number), and the sound keys of the first and of
/// the last name token (for a given name replaced), each with the wider area (the
/// kecamatan, or the kelurahan without one).
fn no_id_keys(p: Rec<'_>, out: &mut Vec<(u64, KeyKind)>) {
    // The wider area: the kecamatan (reconciled with the register's spellings before
    // blocking), or the kelurahan without one. Records of other countries read a postcode
    // as the kecamatan and a suburb as the kelurahan, either of them mistyped: both.
    let (kec, kel) = (p.kecamatan(), p.kelurahan());
    let both = matches!(p.nik(), NikParse::Generic(_)) && kec != kel;
    let areas = [kec, kel];
    let areas = areas
        .iter()
        .filter(|a| !a.is_empty())
        .take(if both { 2 } else { 1 });
    let number = p
        .street()
        .iter()
        .find(|t| t.bytes().all(|b| b.is_ascii_digit()))
        .map(|t| t.trim_start_matches('0'))
        .filter(|n| !n.is_empty());
    let sound = (!p.name().is_empty()).then(|| p.sound());
    // The house number with a name token, wherever the row's area was typed: an address
    // whose suburb and postcode are both mistyped still names its number.
    if let Some(number) = number {
        for t in sound.iter().flat_map(|s| [s.first, s.last]) {
            out.push((
                fnv(&[b"tn", &t.to_le_bytes(), number.as_bytes()]),
                KeyKind::NumberArea,
            ));
        }
    }
    for area in areas {
        if let Some(number) = number {
            out.push((
                fnv(&[b"ha", number.as_bytes(), area.as_bytes()]),
                KeyKind::NumberArea,
            ));
        }
        for t in sound.iter().flat_map(|s| [s.first, s.last]) {
            out.push((
                fnv(&[b"ta", &t.to_le_bytes(), area.as_bytes()]),
                KeyKind::NumberArea,
            ));
        }
    }
}

/// Whether a record has an identifier that can place it (a NIK, damaged or not, or a plain
/// identifier): records without one are looked for by their address too.
fn has_identifier(p: Rec<'_>) -> bool {
    match p.nik() {
        NikParse::Generic(id) => !id.is_empty(),
        NikParse::Valid { .. } | NikParse::Damaged { .. } => true,
        NikParse::Invalid { cleaned, .. } => cleaned.len() >= 6,
    }
}

fn prefix_key(prefix: &str, p: Rec<'_>) -> Option<(u64, KeyKind)> {
    let first = p.name().first()?;
    let last = p.name().last()?;
    Some((
        fnv(&[b"np", prefix.as_bytes(), first.as_bytes(), last.as_bytes()]),
        KeyKind::NikPrefixName,
    ))
}

fn register_keys(p: Rec<'_>) -> Vec<(u64, KeyKind)> {
    let mut out = Vec::with_capacity(8);
    name_date_keys(p, false, &mut out);
    out.extend(name_area_key(p));
    out.extend(full_name_area_key(p));
    date_area_keys(p, false, &mut out);
    if let NikParse::Valid { nik, .. } = p.nik() {
        out.extend(prefix_key(&nik[..6], p));
    }
    no_id_keys(p, &mut out);
    out
}

/// A set of blocking keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct KeyKinds(u8);

impl KeyKinds {
    pub fn of(kind: KeyKind) -> Self {
        KeyKinds(1 << kind as u8)
    }

    pub fn insert(&mut self, kind: KeyKind) {
        self.0 |= 1 << kind as u8;
    }

    pub fn contains(self, kind: KeyKind) -> bool {
        self.0 & (1 << kind as u8) != 0
    }
}

/// Every key by which a probe finds `target` (`probe`: its [`probe_keys`], read once for
/// all its candidates), given the key the blocker reported for the pair (`first`, the
/// first in [`KeyKind`] order: a NIK variant is never found otherwise). The probe's keys
/// are compared with the target's as [`Blocker::candidates`] looks them up; a block too
/// large to be read still counts (the pair agrees on its fields).
pub(crate) fn kinds_shared(probe: &[(u64, KeyKind)], target: Rec<'_>, first: KeyKind) -> KeyKinds {
    let mut set = KeyKinds::of(first);
    let theirs = register_keys(target);
    for &(key, kind) in probe {
        if theirs.iter().any(|&(k, _)| k == key) {
            set.insert(kind);
        }
    }
    set
}

/// NIK values one typing or spreadsheet error away from `digits`.
fn nik_variants(p: Rec<'_>) -> Vec<u64> {
    let (digits, issue) = match p.nik() {
        NikParse::Valid { nik, .. } => (nik.as_str(), None),
        NikParse::Invalid { cleaned, issue } => (cleaned.as_str(), Some(*issue)),
        NikParse::Damaged { digits, issue } => (digits.as_str(), Some(*issue)),
        NikParse::Generic(id) => return generic_variants(id),
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return vec![];
    }
    let b = digits.as_bytes();
    let mut out = Vec::new();
    match (b.len(), issue) {
        (15, Some(NikIssue::NikFloatPrecision)) => {
            let base = digits_value(b) * 10;
            out.extend((0..10).map(|d| base + d));
        }
        (16, _) => {
            typos(b, |v| out.push(digits_value(v)));
            let x = digits_value(b);
            if x % 10 == 0 {
                out.extend((x.saturating_sub(5)..x + 5).filter(|&y| y != x));
            }
        }
        (15, _) => {
            for i in 0..=15 {
                for d in b'0'..=b'9' {
                    let mut v = Vec::with_capacity(16);
                    v.extend_from_slice(&b[..i]);
                    v.push(d);
                    v.extend_from_slice(&b[i..]);
                    out.push(digits_value(&v));
                }
            }
        }
        _ => {}
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The index key of a plain identifier (`id_kind = "generic"`): a hash of its text with
/// the top bit set, so that it never equals a NIK's value (below 10^16).
fn generic_key(id: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(id) | 1 << 63
}

/// The index key of an identifier's text: its value when it is 16 digits (a NIK: no two
/// share a key), else [`generic_key`]. Keys can collide for other texts: a lookup checks
/// the text where it matters.
pub(crate) fn id_key(id: &str) -> u64 {
    let b = id.as_bytes();
    if b.len() == 16 && b.iter().all(u8::is_ascii_digit) {
        digits_value(b)
    } else {
        generic_key(id)
    }
}

/// The number ASCII digits spell (at most 19 of them: no overflow).
fn digits_value(digits: &[u8]) -> u64 {
    digits
        .iter()
        .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'))
}

/// Every text one typing error away from `b`: a character replaced by another of its kind
/// (digit for digit, capital for capital, small letter for small letter), or two
/// different neighbours swapped. `emit` sees each; the same text may come twice.
fn typos(b: &[u8], mut emit: impl FnMut(&[u8])) {
    let mut v = b.to_vec();
    for i in 0..v.len() {
        let orig = v[i];
        let class: &[u8] = if orig.is_ascii_digit() {
            b"0123456789"
        } else if orig.is_ascii_uppercase() {
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        } else {
            b"abcdefghijklmnopqrstuvwxyz"
        };
        for &c in class {
            if c != orig {
                v[i] = c;
                emit(&v);
            }
        }
        v[i] = orig;
    }
    for i in 0..v.len().saturating_sub(1) {
        if v[i] != v[i + 1] {
            v.swap(i, i + 1);
            emit(&v);
            v.swap(i, i + 1);
        }
    }
}

/// Keys of the identifiers one typing error away from a plain identifier: a character
/// replaced by another of its kind (digit for digit, letter for letter) or two
/// neighbours swapped. Identifiers longer than 24 characters get none.
fn generic_variants(id: &str) -> Vec<u64> {
    let b = id.as_bytes();
    if b.len() < 2 || b.len() > 24 || !b.iter().all(u8::is_ascii_alphanumeric) {
        return vec![];
    }
    let mut out = Vec::new();
    typos(b, |v| {
        // ASCII alphanumerics only: always UTF-8.
        if let Ok(s) = std::str::from_utf8(v) {
            out.push(id_key(s));
        }
    });
    out.sort_unstable();
    out.dedup();
    out
}

/// The register's blocking index.
#[derive(Debug)]
pub(crate) struct Blocker {
    niks: KeyIndex,
    keys: KeyIndex,
    pub limit: BlockLimit,
}

/// (key, row) entries ordered by the key's mixed hash (then key, then row), with a
/// directory of hash buckets: a lookup reads one directory slot and scans a bucket of two
/// or three entries. Building it is one parallel sort and one counting pass (a hash table
/// of a 5 M-row register's NIKs took 0.4 s to fill on one thread).
#[derive(Debug)]
pub struct KeyIndex {
    entries: Vec<(u64, u32)>,
    /// Where each bucket (the top bits of the mixed key) starts in `entries`; one more
    /// slot at the end.
    dir: Vec<usize>,
    shift: u32,
}

/// Keys are already hashes (FNV-1a) or NIK values: mix them once for the directory.
fn mix(key: u64) -> u64 {
    key.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29)
}

impl KeyIndex {
    /// Index (key, row) pairs given in any order; repeated pairs count once.
    pub fn new(mut entries: Vec<(u64, u32)>) -> KeyIndex {
        entries.par_sort_unstable_by_key(|&(k, r)| (mix(k), k, r));
        entries.dedup();
        // About two entries a bucket.
        let bits = (entries.len() / 2)
            .max(1)
            .next_power_of_two()
            .trailing_zeros()
            .max(1);
        let shift = 64 - bits;
        let mut dir = vec![0usize; (1usize << bits) + 1];
        for &(k, _) in &entries {
            dir[(mix(k) >> shift) as usize + 1] += 1;
        }
        for b in 1..dir.len() {
            dir[b] += dir[b - 1];
        }
        KeyIndex {
            entries,
            dir,
            shift,
        }
    }

    /// Every entry: the entries of one key are together, in row order.
    pub fn entries(&self) -> &[(u64, u32)] {
        &self.entries
    }

    /// The entries of `key` (sorted by row).
    pub fn get(&self, key: u64) -> &[(u64, u32)] {
        let b = (mix(key) >> self.shift) as usize;
        let bucket = &self.entries[self.dir[b]..self.dir[b + 1]];
        let Some(start) = bucket.iter().position(|&(k, _)| k == key) else {
            return &[];
        };
        let len = bucket[start..]
            .iter()
            .take_while(|(k, _)| *k == key)
            .count();
        &bucket[start..start + len]
    }
}

/// The register's identifiers (NIKs and plain identifiers, by [`id_key`]) and their rows:
/// what NIK variants are looked up in, and what [`crate::matching::register_index::RegisterIndex`]
/// links by.
pub(crate) fn nik_index(register: &Records) -> KeyIndex {
    KeyIndex::new(
        register
            .par_iter()
            .enumerate()
            .filter_map(|(i, p)| p.nik().valid().map(|n| (id_key(n), i as u32)))
            .collect(),
    )
}

impl Blocker {
    /// Index every register record (in parallel).
    #[cfg(test)]
    pub fn build(register: &Records, max_block: usize) -> Blocker {
        Blocker::build_with(register, BlockLimit::Size(max_block))
    }

    /// Index every register record (in parallel), with the blocks to skip given.
    pub(crate) fn build_with(register: &Records, limit: BlockLimit) -> Blocker {
        let keys: Vec<(u64, u32)> = register
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, p)| {
                register_keys(p)
                    .into_iter()
                    .map(move |(k, _)| (k, i as u32))
            })
            .collect();
        Blocker {
            niks: nik_index(register),
            keys: KeyIndex::new(keys),
            limit,
        }
    }

    /// Candidate register rows for one record, sorted by row, each with the first key
    /// that found it.
    pub(crate) fn candidates(&self, p: Rec<'_>, stats: &mut BlockStats) -> Vec<(u32, KeyKind)> {
        assemble(
            &nik_variants(p),
            &probe_keys(p),
            |v| self.niks.get(v),
            |k| {
                let block = self.keys.get(k);
                (block.len(), block.iter().map(|&(_, r)| r))
            },
            &self.limit,
            stats,
        )
    }
}

/// The candidates of one probe from its blocks: every NIK variant's holders, then every
/// key's block unless it is larger than `max_block` (skipped and counted); sorted by row,
/// each row once with the first key that found it.
///
/// `key_block` gives a key's block size and its rows (none needed for a block too large).
fn assemble<'b, Rows: Iterator<Item = u32>>(
    variants: &[u64],
    keys: &[(u64, KeyKind)],
    nik_block: impl Fn(u64) -> &'b [(u64, u32)],
    key_block: impl Fn(u64) -> (usize, Rows),
    limit: &BlockLimit,
    stats: &mut BlockStats,
) -> Vec<(u32, KeyKind)> {
    let mut found: Vec<(u32, KeyKind)> = Vec::new();
    // Counted here, added to the stats' map once per call.
    let mut per_key: [Option<usize>; KeyKind::ALL.len()] = [None; KeyKind::ALL.len()];
    let mut count = |kind: KeyKind, n: usize| {
        *per_key[kind as usize].get_or_insert(0) += n;
    };
    let mut n_variant = 0;
    for &v in variants {
        for &(_, r) in nik_block(v) {
            found.push((r, KeyKind::NikVariant));
            n_variant += 1;
        }
    }
    count(KeyKind::NikVariant, n_variant);
    for &(k, kind) in keys {
        let (len, rows) = key_block(k);
        if limit.skips(k, len) {
            stats.skipped_blocks += 1;
            stats.skipped_keys.push(k);
            continue;
        }
        count(kind, len);
        found.extend(rows.map(|r| (r, kind)));
    }
    found.sort_unstable();
    found.dedup_by_key(|(r, _)| *r);
    stats.pairs += found.len();
    for kind in KeyKind::ALL {
        if let Some(n) = per_key[kind as usize] {
            match stats.pairs_per_key.get_mut(kind.code()) {
                Some(v) => *v += n,
                None => {
                    stats.pairs_per_key.insert(kind.code().to_string(), n);
                }
            }
        }
    }
    found
}

/// The candidates of a few records (the rows exact linking left) in a large register,
/// without indexing the register: the records' keys are put in a table, the register is
/// scanned once for rows holding one of them, and each record's candidates are then
/// assembled exactly as [`Blocker::candidates`] would (same rows, keys and counts).
/// In: the register and the probing records. Out: per record, its candidates and counts.
#[cfg(test)]
pub(crate) fn candidates_in(
    register: &Records,
    probes: &[Rec<'_>],
    max_block: usize,
) -> Vec<(Vec<(u32, KeyKind)>, BlockStats)> {
    candidates_in_with(register, probes, &BlockLimit::Size(max_block))
}

/// [`candidates_in`] with the blocks to skip given.
#[cfg(test)]
pub(crate) fn candidates_in_with(
    register: &Records,
    probes: &[Rec<'_>],
    limit: &BlockLimit,
) -> Vec<(Vec<(u32, KeyKind)>, BlockStats)> {
    let niks = nik_index(register);
    let mut out = Vec::with_capacity(probes.len());
    candidates_in_batches(register, &niks, probes, limit, usize::MAX, |_, found| {
        out.extend(found)
    });
    out
}

/// The keys of a record to place (its NIK variants apart: [`nik_variants`]).
pub(crate) fn probe_keys(p: Rec<'_>) -> Vec<(u64, KeyKind)> {
    let mut keys = Vec::new();
    name_date_keys(p, true, &mut keys);
    keys.extend(name_area_key(p));
    // A placeholder birth date (1 July, 31 December, 1 January) tells its year only: the
    // name + date keys find the person only by chance.
    let dated = p.birth.is_some_and(|b| !b.weak);
    // Rows with RT and birth date are found by the keys above; the wider full-name
    // block is for the rest.
    if p.rtrw.rt.is_none() || !dated {
        keys.extend(full_name_area_key(p));
    }
    date_area_keys(p, true, &mut keys);
    let digits = match p.nik() {
        NikParse::Damaged { digits, .. } if digits.len() >= 6 => Some(&digits[..6]),
        NikParse::Invalid { cleaned, .. }
            if cleaned.len() >= 6 && cleaned.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Some(&cleaned[..6])
        }
        // A well-formed NIK that is not its holder's links only through NIK evidence
        // or with name and exact birth date: its region block would add namesakes.
        _ => None,
    };
    // With a birth date the name + date keys find the person; the region block (all
    // namesakes of a kecamatan) is for rows without one.
    if let (Some(d), false) = (digits, dated) {
        keys.extend(prefix_key(d, p));
    }
    // A plain identifier being placed here was not found as it is (or is a holder's
    // whose name differs): like a row without one, its house number and name sounds in
    // the wider area look for the person.
    if !has_identifier(p) || matches!(p.nik(), NikParse::Generic(_)) {
        no_id_keys(p, &mut keys);
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// `candidates_in_with` (a test's entry) with the register's identifiers already indexed
/// ([`nik_index`]), a batch of records at a time: `each` gets the first record of a batch
/// and the candidates of its records, batch after batch in record order.
///
/// A batch holds records whose candidate pairs number at most `pair_budget` (counted
/// from the blocks' sizes before any pair is gathered; a record whose own pairs exceed it
/// is a batch alone). Each batch costs one more scan of the register; with
/// `usize::MAX` there is one batch. The candidates are the same whatever the batches.
pub(crate) fn candidates_in_batches(
    register: &Records,
    niks: &KeyIndex,
    probes: &[Rec<'_>],
    limit: &BlockLimit,
    pair_budget: usize,
    mut each: impl FnMut(usize, Vec<(Vec<(u32, KeyKind)>, BlockStats)>),
) {
    // The keys of every record; their NIK variants (about 150 each) are made batch by
    // batch, where they are looked up in the index of the register's identifiers. The
    // other keys are few: the register is scanned for them.
    let keys: Vec<Vec<(u64, KeyKind)>> = probes.par_iter().map(|&p| probe_keys(p)).collect();
    let blocks = ProbeBlocks::count(register, &keys, limit);
    let mut start = 0;
    while start < probes.len() {
        let end = blocks.batch_end(&keys, start, pair_budget);
        let key_hits = blocks.hits(register, &keys[start..end]);
        let block = |k: u64| {
            let s = blocks.key_slot[&k];
            let first = key_hits.partition_point(|(x, _)| *x < s);
            let n = key_hits[first..].partition_point(|(x, _)| *x == s);
            (
                blocks.sizes[s as usize],
                key_hits[first..first + n].iter().map(|&(_, r)| r),
            )
        };
        let found = probes[start..end]
            .par_iter()
            .zip(&keys[start..end])
            .map(|(&p, ks)| {
                let variants = nik_variants(p);
                let mut stats = BlockStats::default();
                let found = assemble(&variants, ks, |v| niks.get(v), block, limit, &mut stats);
                (found, stats)
            })
            .collect();
        each(start, found);
        start = end;
    }
}

/// The register blocks the probes' keys name: a slot per distinct key, each block's size
/// (one scan of the register), and whether it is used (not skipped for its size). A block
/// too large is skipped by every record holding its key, and holding its rows (millions,
/// for a common name in a large area) would cost more memory than the rest of the stage.
struct ProbeBlocks {
    key_slot: rustc_hash::FxHashMap<u64, u32>,
    sizes: Vec<usize>,
    used: Vec<bool>,
    /// By register row: whether the row holds some probe's key (the counting scan's
    /// finding), so that a batch's scan works out the keys of those rows only.
    hit: Vec<bool>,
}

impl ProbeBlocks {
    fn count(register: &Records, keys: &[Vec<(u64, KeyKind)>], limit: &BlockLimit) -> Self {
        let mut key_slot: rustc_hash::FxHashMap<u64, u32> = Default::default();
        for ks in keys {
            for &(k, _) in ks {
                let next = key_slot.len() as u32;
                key_slot.entry(k).or_insert(next);
            }
        }
        let mut blocks = ProbeBlocks {
            key_slot,
            sizes: Vec::new(),
            used: Vec::new(),
            hit: Vec::new(),
        };
        let sizes: Vec<std::sync::atomic::AtomicU32> = (0..blocks.key_slot.len())
            .map(|_| std::sync::atomic::AtomicU32::new(0))
            .collect();
        blocks.hit = register
            .par_iter()
            .map(|p| {
                let mut hit = false;
                blocks.hits_of(p, &mut |slot| {
                    hit = true;
                    sizes[slot as usize].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                });
                hit
            })
            .collect();
        blocks.sizes = sizes.into_iter().map(|n| n.into_inner() as usize).collect();
        blocks.used = vec![false; blocks.sizes.len()];
        for (&k, &slot) in &blocks.key_slot {
            blocks.used[slot as usize] = !limit.skips(k, blocks.sizes[slot as usize]);
        }
        blocks
    }

    /// The register's distinct keys that some record holds, for register row `p`.
    fn hits_of(&self, p: Rec<'_>, each: &mut dyn FnMut(u32)) {
        let mut keys = register_keys(p);
        keys.sort_unstable();
        keys.dedup_by_key(|(k, _)| *k);
        for (k, _) in keys {
            if let Some(&slot) = self.key_slot.get(&k) {
                each(slot);
            }
        }
    }

    /// A record's pairs at most: the rows of its blocks in use (a row in two blocks counts
    /// twice).
    fn bound(&self, ks: &[(u64, KeyKind)]) -> usize {
        ks.iter()
            .map(|(k, _)| self.key_slot[k] as usize)
            .filter(|&s| self.used[s])
            .map(|s| self.sizes[s])
            .sum()
    }

    /// The end of the batch from `start`: records while their pairs stay within
    /// `pair_budget` (at least one record).
    fn batch_end(&self, keys: &[Vec<(u64, KeyKind)>], start: usize, pair_budget: usize) -> usize {
        let mut end = start;
        let mut pairs = 0usize;
        while end < keys.len() {
            let b = self.bound(&keys[end]);
            if end > start && pairs.saturating_add(b) > pair_budget {
                break;
            }
            pairs = pairs.saturating_add(b);
            end += 1;
        }
        end
    }

    /// (slot, row) of every hit of the blocks a batch (`keys`) uses, sorted: each block's
    /// rows together, in row order. One scan of the register.
    fn hits(&self, register: &Records, keys: &[Vec<(u64, KeyKind)>]) -> Vec<(u32, u32)> {
        let mut in_batch = vec![false; self.sizes.len()];
        for ks in keys {
            for (k, _) in ks {
                let s = self.key_slot[k] as usize;
                in_batch[s] = self.used[s];
            }
        }
        let mut key_hits: Vec<(u32, u32)> = register
            .par_iter()
            .enumerate()
            .zip(self.hit.par_iter())
            .filter(|(_, &hit)| hit)
            .flat_map_iter(|((i, p), _)| {
                let mut hits = Vec::new();
                self.hits_of(p, &mut |slot| {
                    if in_batch[slot as usize] {
                        hits.push((slot, i as u32));
                    }
                });
                hits
            })
            .collect();
        key_hits.par_sort_unstable();
        key_hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Field;
    use crate::matching::record::testing::records;

    const FIELDS: [Field; 6] = [
        Field::Nik,
        Field::Name,
        Field::BirthDate,
        Field::Kelurahan,
        Field::Rt,
        Field::Sex,
    ];

    fn people(rows: &[[&str; 6]]) -> Records {
        let rows: Vec<&[&str]> = rows.iter().map(|r| r.as_slice()).collect();
        records(&FIELDS, &rows)
    }

    proptest::proptest! {
        /// A key's entries are exactly its distinct rows, in row order; other keys have none.
        #[test]
        fn key_index_returns_each_keys_rows(
            entries in proptest::collection::vec((0u64..40, 0u32..30), 0..300),
            probe in 0u64..60,
        ) {
            let index = KeyIndex::new(entries.clone());
            let mut want: Vec<(u64, u32)> =
                entries.iter().copied().filter(|&(k, _)| k == probe).collect();
            want.sort_unstable();
            want.dedup();
            proptest::prop_assert_eq!(index.get(probe), want.as_slice());
        }
    }

    /// Every key a pair shares is named, not only the first the blocker reports: the
    /// training reads each key's pairs with that key's fields left out.
    #[test]
    fn a_pair_names_every_key_it_shares() {
        use KeyKind::*;
        let base = ["", "SITI AMINAH", "12-05-1980", "SEPINGGAN", "003", "P"];
        let cases: [([&str; 6], &[KeyKind], &[KeyKind]); 4] = [
            // The same name, date, kelurahan and RT: name + date, name + area, date + area.
            (
                base,
                &[NameDate, NameArea, DateArea, NumberArea],
                &[NikVariant],
            ),
            // Another birth date: the name in the area only.
            (
                ["", "SITI AMINAH", "03-11-1975", "SEPINGGAN", "003", "P"],
                &[NameArea],
                &[NameDate, DateArea],
            ),
            // Another name, the same date in the same kelurahan.
            (
                ["", "RINA WATI", "12-05-1980", "SEPINGGAN", "007", "P"],
                &[DateArea],
                &[NameDate, NameArea],
            ),
            // The same name and date in another kelurahan.
            (
                [
                    "",
                    "SITI AMINAH",
                    "12-05-1980",
                    "GUNUNG BAHAGIA",
                    "001",
                    "P",
                ],
                &[NameDate],
                &[NameArea, DateArea],
            ),
        ];
        for (other, want, not) in cases {
            let rows = people(&[base, other]);
            let (a, b) = (rows.get(0), rows.get(1));
            let first = *want.iter().min().unwrap();
            let kinds = kinds_shared(&probe_keys(a), b, first);
            for &k in want {
                assert!(kinds.contains(k), "{other:?}: {k:?} expected");
            }
            for &k in not {
                assert!(!kinds.contains(k), "{other:?}: {k:?} not expected");
            }
        }
        // The NIK variant key is known from the blocker alone.
        let rows = people(&[base, base]);
        let keys = probe_keys(rows.get(0));
        assert!(kinds_shared(&keys, rows.get(1), NikVariant).contains(NikVariant));
    }

    #[test]
    fn key_index_of_nothing_and_of_large_keys() {
        assert!(KeyIndex::new(Vec::new()).get(7).is_empty());
        let big = [u64::MAX, 1 << 63, 6_471_054_507_890_003];
        let index = KeyIndex::new(
            big.iter()
                .enumerate()
                .map(|(i, &k)| (k, i as u32))
                .collect(),
        );
        for (i, &k) in big.iter().enumerate() {
            assert_eq!(index.get(k), &[(k, i as u32)]);
        }
        assert!(index.get(6_471_054_507_890_004).is_empty());
    }

    #[test]
    fn identifiers_of_every_kind_are_found_by_their_key_and_their_variants() {
        use crate::core::config::{IdKind, StatusValues};
        use crate::matching::record::{build_one, FieldRows};
        // Plain identifiers: 16 digits (keyed by value, as a NIK), letters, repeats, empty.
        let ids = [
            "3201234567890123",
            "A1234",
            "rec-17-org",
            "3201234567890123",
            "",
            "0001234567890123",
        ];
        let rows: Vec<Vec<&str>> = ids.iter().map(|&id| vec![id, "NAMA"]).collect();
        let rows: Vec<&[&str]> = rows.iter().map(|r| r.as_slice()).collect();
        let cells = FieldRows::new(&[Field::Nik, Field::Name], &rows);
        let reg = build_one(&cells, &StatusValues::default(), IdKind::Generic);
        let index = crate::matching::register_index::RegisterIndex::build(&reg);
        let rows_of = |id: &str| index.get(&reg, id).collect::<Vec<_>>();
        assert_eq!(rows_of("3201234567890123"), vec![0, 3]);
        assert_eq!(rows_of("A1234"), vec![1]);
        // Stored as normalized: letters and digits, upper case.
        assert_eq!(rows_of("REC17ORG"), vec![2]);
        assert_eq!(rows_of("0001234567890123"), vec![5]);
        assert!(rows_of("3201234567890124").is_empty());
        assert_eq!(index.repeated_niks(&reg), 1);
        // One typing error away, each finds its holder through the shared index.
        let niks = index.niks();
        for (typo, want) in [
            ("3201234567890128", 0u32),
            ("A1235", 1),
            ("0001234567890124", 5),
        ] {
            let found: Vec<u32> = generic_variants(typo)
                .into_iter()
                .flat_map(|v| niks.get(v).iter().map(|&(_, r)| r))
                .collect();
            assert!(found.contains(&want), "{typo}: {found:?}");
        }
        // A NIK's value is its key; a text's key never equals a NIK's.
        assert_eq!(id_key("6471054507890003"), 6_471_054_507_890_003);
        assert_eq!(id_key("A1234"), generic_key("A1234"));
        assert!(id_key("647105450789000") >= 1 << 63, "15 digits are text");
    }

    #[test]
    fn plain_identifiers_one_typing_error_away_are_variants() {
        let v = generic_variants("A1234");
        for near in ["A1235", "A0234", "B1234", "1A234", "A1324", "A1243"] {
            assert!(v.contains(&id_key(near)), "{near} is one error from A1234");
        }
        for far in ["A1234", "A12345", "a1234", "B1235", "A4321", "A1-234"] {
            assert!(!v.contains(&id_key(far)), "{far} is not");
        }
        // A letter with 25 others, four digits with 9 others each, four swaps.
        assert_eq!(v.len(), 25 + 4 * 9 + 4);
        assert!(
            generic_variants("A-1234").is_empty(),
            "only letters and digits"
        );
        assert!(generic_variants(&"1".repeat(25)).is_empty(), "too long");
        // Never a NIK's value.
        assert!(v.iter().all(|&k| k >= 1 << 63));
    }

    #[test]
    fn a_single_damaged_field_does_not_hide_the_pair() {
        let truth = [
            "6471054507890003",
            "SITI AMINAH",
            "05-07-1989",
            "SEPINGGAN",
            "3",
            "P",
        ];
        let mut register = vec![truth];
        // Others: a neighbour, a namesake born another day, a man born the same day.
        register.push([
            "6471054507890004",
            "RINA MARLINA",
            "05-07-1989",
            "SEPINGGAN",
            "3",
            "P",
        ]);
        register.push([
            "6471051203850002",
            "SITI AMINAH",
            "12-03-1985",
            "DAMAI",
            "7",
            "P",
        ]);
        register.push([
            "6471050507890001",
            "BUDI SANTOSO",
            "05-07-1989",
            "SEPINGGAN",
            "3",
            "L",
        ]);
        let reg = people(&register);
        let blocker = Blocker::build(&reg, 300);
        let defects: [(&str, usize, &str); 11] = [
            ("nik typo", 0, "6471054507890008"),
            ("nik swap", 0, "6471045507890003"),
            ("nik scientific", 0, "6.471054E+15"),
            ("nik rounded", 0, "6471054507890000"),
            ("nik truncated", 0, "647105450789003"),
            ("nik missing", 0, ""),
            ("name typo", 1, "SITI AMINA"),
            ("name single", 1, "AMINAH"),
            ("date swapped", 2, "07-05-1989"),
            ("date missing", 2, ""),
            ("area differs", 3, "DAMAI"),
        ];
        for (what, field, value) in defects {
            let mut row = truth;
            row[field] = value;
            // One defect at a time, but a NIK the register holds would find it trivially:
            // give every probe but the NIK ones a foreign NIK.
            if field != 0 {
                row[0] = "3171010101010001";
            }
            let probe = people(&[row]);
            let mut stats = BlockStats::default();
            let found: Vec<u32> = blocker
                .candidates(probe.get(0), &mut stats)
                .into_iter()
                .map(|(r, _)| r)
                .collect();
            assert!(found.contains(&0), "{what}: candidates {found:?}");
            assert!(stats.pairs >= 1 && stats.pairs == found.len());
        }
    }

    #[test]
    fn a_nik_held_twice_finds_both_holders_either_way() {
        let rows = [
            [
                "6471054507890003",
                "SITI AMINAH",
                "05-07-1989",
                "SEPINGGAN",
                "3",
                "P",
            ],
            [
                "6471050507890001",
                "BUDI SANTOSO",
                "05-07-1989",
                "DAMAI",
                "7",
                "L",
            ],
            [
                "6471054507890003",
                "SITI AMINA",
                "05-07-1989",
                "SEPINGGAN",
                "3",
                "P",
            ],
        ];
        let reg = people(&rows);
        // A typo one digit away and another name: found through the NIK only.
        let probe = people(&[["6471054507890008", "RINA", "", "", "", ""]]);
        let mut stats = BlockStats::default();
        let indexed = Blocker::build(&reg, 300).candidates(probe.get(0), &mut stats);
        let scanned = candidates_in(&reg, &[probe.get(0)], 300);
        assert_eq!(
            indexed,
            vec![(0, KeyKind::NikVariant), (2, KeyKind::NikVariant)]
        );
        assert_eq!(scanned[0].0, indexed);
        assert_eq!(scanned[0].1, stats);
    }

    #[test]
    fn the_register_scan_finds_what_the_index_finds_with_blocks_skipped() {
        // Blocks of every size around the limit: few names, dates and kelurahan, some
        // NIKs damaged (region blocks), some rows without a birth date or RT.
        let names = ["SITI AMINAH", "BUDI", "SITI AMINA", "NUR HAYATI", "AHMAD"];
        let dates = ["05-07-1989", "01-07-1970", "", "12-03-1985"];
        let kels = ["SEPINGGAN", "DAMAI", "GN. SAMARINDA"];
        let niks: Vec<String> = (0..60)
            .map(|i| match i % 7 {
                0 => "6.47105E+15".to_string(),
                1 => String::new(),
                _ => format!("64710{}4507890{:03}", i % 3, i),
            })
            .collect();
        let rows: Vec<[&str; 6]> = (0..60)
            .map(|i| {
                [
                    niks[i].as_str(),
                    names[i % 5],
                    dates[(i / 2) % 4],
                    kels[(i / 3) % 3],
                    ["3", "", "7"][i % 3],
                    ["P", "L"][i % 2],
                ]
            })
            .collect();
        let reg = people(&rows);
        let probes: Vec<Rec<'_>> = (0..reg.len()).map(|i| reg.get(i)).collect();
        for max in [1, 3, 5, 8, 1000] {
            let blocker = Blocker::build(&reg, max);
            let scanned = candidates_in(&reg, &probes, max);
            let mut skipped = 0;
            for (i, (found, stats)) in scanned.iter().enumerate() {
                let mut want_stats = BlockStats::default();
                let want = blocker.candidates(probes[i], &mut want_stats);
                assert_eq!(found, &want, "row {i}, blocks up to {max}");
                assert_eq!(stats, &want_stats, "row {i}, blocks up to {max}");
                assert_eq!(stats.skipped_keys, want_stats.skipped_keys);
                skipped += stats.skipped_blocks;
            }
            // The same blocks skipped by key, as a part of a partitioned run skips them.
            let keys: rustc_hash::FxHashSet<u64> = scanned
                .iter()
                .flat_map(|(_, s)| s.skipped_keys.iter().copied())
                .collect();
            let by_keys = candidates_in_with(&reg, &probes, &BlockLimit::Keys(keys));
            assert_eq!(by_keys, scanned, "blocks up to {max}, skipped by key");
            // The limits cut through the blocks: some skipped, and none without a limit.
            assert_eq!(
                skipped > 0,
                max < 1000,
                "blocks up to {max}: {skipped} skipped"
            );
            // In batches of any pair budget (a memory limit): the same candidates and
            // counts, batch after batch in row order.
            let niks = nik_index(&reg);
            for budget in [0, 1, 7, 40, 300, usize::MAX] {
                let mut batched = Vec::new();
                let mut starts = Vec::new();
                candidates_in_batches(
                    &reg,
                    &niks,
                    &probes,
                    &BlockLimit::Size(max),
                    budget,
                    |start, found| {
                        assert_eq!(start, batched.len(), "budget {budget}");
                        assert!(!found.is_empty(), "budget {budget}: an empty batch");
                        starts.push(start);
                        batched.extend(found);
                    },
                );
                assert_eq!(batched, scanned, "blocks up to {max}, budget {budget}");
                // Small budgets split the work, the unlimited one does not.
                let batches = starts.len();
                if budget == usize::MAX {
                    assert_eq!(batches, 1);
                } else if budget <= 40 && max >= 3 {
                    assert!(
                        batches > 1,
                        "blocks up to {max}, budget {budget}: one batch"
                    );
                }
            }
        }
    }

    #[test]
    fn oversized_blocks_are_skipped_and_counted() {
        let rows: Vec<[&str; 6]> = (0..5)
            .map(|_| ["", "SITI", "01-07-1970", "", "", "P"])
            .collect();
        let reg = people(&rows);
        let blocker = Blocker::build(&reg, 3);
        let mut stats = BlockStats::default();
        let found = blocker.candidates(reg.get(0), &mut stats);
        assert!(found.is_empty());
        assert!(stats.skipped_blocks >= 1);
    }

    #[test]
    fn rows_without_an_identifier_are_found_by_house_number_and_area() {
        const F: [Field; 5] = [
            Field::Nik,
            Field::Name,
            Field::Address,
            Field::Kecamatan,
            Field::Kelurahan,
        ];
        let reg = records(
            &F,
            &[
                &[
                    "6471054507890003",
                    "LAURA HEFFORD",
                    "3 PARTRIDGE STREET",
                    "6530",
                    "BANKSIA",
                ],
                &[
                    "6471050507890001",
                    "BUDI SANTOSO",
                    "JL. MAWAR NO. 003",
                    "",
                    "SEPINGGAN",
                ],
                &[
                    "6471051203850002",
                    "AHMAD FAUZI",
                    "JL. MELATI 7",
                    "BALIKPAPAN TIMUR",
                    "LAMARU",
                ],
            ],
        );
        // (what, aid row, register rows found first through number_area)
        type Case<'a> = (&'a str, [&'a str; 5], &'a [u32]);
        let cases: [Case; 9] = [
            (
                "name, street and kelurahan mistyped, no NIK",
                ["", "LAUR A HEFORD", "3 PARTRIDGQE STREET", "6530", "BANSIA"],
                &[0],
            ),
            (
                "kelurahan and postcode both mistyped: a name token with the house number",
                ["", "HEFFORD LAURA", "3 PARTRIDGE STREET", "6350", "BANKSAI"],
                &[0],
            ),
            (
                "areas mistyped and the name too: not found by the house number",
                ["", "LOURA HAFORT", "3 PARTRIDGE STREET", "6350", "BANKSAI"],
                &[],
            ),
            (
                "no kecamatan: the kelurahan",
                ["-", "BUDY", "GG MAWAR 3", "", "SEPINGGAN"],
                &[1],
            ),
            (
                "the given name replaced, no house number: the surname in the kecamatan",
                ["", "KIANA HEFFORD", "PARTRIDGE STREET", "6530", "BANKSIAX"],
                &[0],
            ),
            (
                "another house number",
                ["", "LAURA HEFFORD", "4 PARTRIDGE STREET", "6530", "BANKSIA"],
                &[],
            ),
            (
                "no house number",
                [
                    "",
                    "AHMAD FAUZI",
                    "JL. MELATI",
                    "BALIKPAPAN TIMUR",
                    "LAMARU",
                ],
                &[],
            ),
            // A NIK (even a damaged one) is looked for by its variants, not by address.
            (
                "a NIK",
                [
                    "6471051203850009",
                    "AHMAD",
                    "JL. MELATI 7",
                    "BALIKPAPAN TIMUR",
                    "LAMARU",
                ],
                &[],
            ),
            (
                "a NIK fragment of 6 digits",
                [
                    "647105",
                    "AHMAD",
                    "JL. MELATI 7",
                    "BALIKPAPAN TIMUR",
                    "LAMARU",
                ],
                &[],
            ),
        ];
        let blocker = Blocker::build(&reg, 100);
        for (what, row, want) in cases {
            let aid = records(&F, &[&row]);
            let mut stats = BlockStats::default();
            let found: Vec<u32> = blocker
                .candidates(aid.get(0), &mut stats)
                .into_iter()
                .filter(|&(_, k)| k == KeyKind::NumberArea)
                .map(|(r, _)| r)
                .collect();
            assert_eq!(found, want, "{what}");
        }
    }
}

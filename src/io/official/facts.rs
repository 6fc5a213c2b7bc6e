//! The figures the reports show, from every aid row's facts.
//!
//! In: each row's status, reason, program and areas ([`RowFacts`]), `summary.json` and the
//! benefit amounts. Out: [`Facts`]: counts, savings per status, area and program, the
//! auditors' categories.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::core::config::Benefits;

use crate::io::audit::AuditTally;
use crate::io::output::{OutputRow as Row, Savings};

/// What the reports need of one aid row.
#[derive(Debug, Clone, Default)]
pub struct RowFacts<'a> {
    pub status: &'a str,
    pub reason: &'a str,
    pub program: std::borrow::Cow<'a, str>,
    pub kecamatan: std::borrow::Cow<'a, str>,
    pub kelurahan: std::borrow::Cow<'a, str>,
    /// A `DUPLICATE` whose group was joined through a superseded NIK: one person under
    /// two NIKs (the auditors' NIK ganda).
    pub other_nik: bool,
}

/// Everything the reports show (figures only: the row sheets come from a
/// [`SheetRows`](super::SheetRows)).
#[derive(Debug, Clone)]
pub struct Facts {
    pub rows: usize,
    pub status_counts: BTreeMap<String, usize>,
    pub reason_counts: BTreeMap<String, usize>,
    /// Rupiah kept out of payment, per status.
    pub savings_by_status: BTreeMap<String, u64>,
    pub savings_total: u64,
    /// Of the total: rows that will not be paid whatever is corrected (a duplicate, a death,
    /// a move, someone else's NIK): [`confirmed_saving`].
    pub savings_confirmed: u64,
    /// Of the total: rows withheld until their NIK is corrected (invalid, damaged, or not in
    /// the register): paid later if it turns out right.
    pub savings_pending: u64,
    pub months: u32,
    /// Area or program -> (rows, verified, withheld, savings).
    pub by_kecamatan: BTreeMap<String, [u64; 4]>,
    pub by_kelurahan: BTreeMap<String, [u64; 4]>,
    pub by_program: BTreeMap<String, [u64; 4]>,
    pub groups: usize,
    pub summary: Value,
    /// The rows of the first duplicate groups, as in `duplicates.csv`, by column name.
    pub duplicates: Vec<Row>,
    /// The findings in the auditors' categories, per program.
    pub audit: AuditTally,
    /// The amounts the figures were priced with (the changes section prices its rows).
    pub benefits: Benefits,
}

/// Whether a withheld row's amount is a confirmed saving: the row will not be paid whatever
/// is corrected (`DUPLICATE`, `DECEASED`, `MOVED_OUT`, `NAME_MISMATCH`: someone else's NIK).
/// The other withheld rows (`INVALID_NIK`, `NIK_DAMAGED`, `NOT_IN_REGISTER`) are pending: a
/// corrected NIK may make them payable.
pub fn confirmed_saving(status: &str) -> bool {
    matches!(
        status,
        "DUPLICATE" | "DECEASED" | "MOVED_OUT" | "NAME_MISMATCH"
    )
}

/// How many duplicate groups the report shows.
pub const SAMPLE_GROUPS: usize = 10;

/// The value of `field` (its column or columns, joined by a space) in a row whose cells
/// `cell` gives by header.
pub(super) fn field_value<'c>(
    cell: impl Fn(&str) -> Option<&'c str>,
    columns: &Value,
    field: &str,
) -> String {
    columns[field]
        .as_array()
        .map(|hs| {
            hs.iter()
                .filter_map(|h| h.as_str())
                .filter_map(&cell)
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

impl Facts {
    /// The savings figures, as `summary.json` reports them.
    pub fn savings(&self) -> Savings {
        Savings {
            months: self.months,
            total_rp: self.savings_total,
            confirmed_rp: self.savings_confirmed,
            pending_rp: self.savings_pending,
        }
    }

    /// Compute the figures from every aid row's facts, the summary and the first duplicate
    /// groups' rows.
    pub(crate) fn compute<'a>(
        rows: impl IntoIterator<Item = RowFacts<'a>>,
        summary: Value,
        duplicates: Vec<Row>,
        benefits: &Benefits,
    ) -> Facts {
        let mut facts = Facts {
            rows: 0,
            status_counts: BTreeMap::new(),
            reason_counts: BTreeMap::new(),
            savings_by_status: BTreeMap::new(),
            savings_total: 0,
            savings_confirmed: 0,
            savings_pending: 0,
            months: benefits.months,
            by_kecamatan: BTreeMap::new(),
            by_kelurahan: BTreeMap::new(),
            by_program: BTreeMap::new(),
            groups: summary["duplicates"]["groups"].as_u64().unwrap_or(0) as usize,
            summary,
            duplicates,
            audit: Default::default(),
            benefits: benefits.clone(),
        };
        let mut areas = AreaTally::default();
        let mut monthly_cache: std::collections::HashMap<String, u64> =
            std::collections::HashMap::new();
        for (d, n) in combinations(rows) {
            facts.rows += n as usize;
            let monthly = match monthly_cache.get(d.program.as_ref()) {
                Some(&m) => m,
                None => {
                    let m = benefits.monthly(&d.program);
                    monthly_cache.insert(d.program.to_string(), m);
                    m
                }
            };
            let saved = if d.status == "VERIFIED" {
                0
            } else {
                // Bounded by the config's checks; saturating all the same, never wrapping.
                monthly
                    .saturating_mul(u64::from(benefits.months))
                    .saturating_mul(n)
            };
            facts.add_rows(&d, n, saved);
            let row = (d.status, d.reason, d.other_nik);
            crate::io::audit::add(&mut facts.audit, row, &d.program, n, saved);
            areas.add(&d, n, saved);
        }
        // Show each area under one label however it was spelled.
        (facts.by_kecamatan, facts.by_kelurahan, facts.by_program) = areas.relabelled();
        facts
    }

    /// `n` rows of one status and reason, and what withholding them saves.
    fn add_rows(&mut self, d: &RowFacts<'_>, n: u64, saved: u64) {
        *self.status_counts.entry(d.status.to_string()).or_default() += n as usize;
        *self.reason_counts.entry(d.reason.to_string()).or_default() += n as usize;
        *self
            .savings_by_status
            .entry(d.status.to_string())
            .or_default() += saved;
        self.savings_total += saved;
        if confirmed_saving(d.status) {
            self.savings_confirmed += saved;
        } else {
            self.savings_pending += saved;
        }
    }
}

/// Rows repeat the same few statuses, programs and areas: each distinct combination with
/// its count, in a fixed order.
fn combinations<'a>(rows: impl IntoIterator<Item = RowFacts<'a>>) -> Vec<(RowFacts<'a>, u64)> {
    type Key<'k> = (
        &'k str,
        &'k str,
        bool,
        std::borrow::Cow<'k, str>,
        std::borrow::Cow<'k, str>,
        std::borrow::Cow<'k, str>,
    );
    let mut combos: rustc_hash::FxHashMap<Key<'a>, u64> = Default::default();
    for d in rows {
        *combos
            .entry((
                d.status,
                d.reason,
                d.other_nik,
                d.program,
                d.kecamatan,
                d.kelurahan,
            ))
            .or_default() += 1;
    }
    let mut combos: Vec<(Key<'a>, u64)> = combos.into_iter().collect();
    combos.sort_unstable();
    combos
        .into_iter()
        .map(
            |((status, reason, other_nik, program, kecamatan, kelurahan), n)| {
                let d = RowFacts {
                    status,
                    reason,
                    other_nik,
                    program,
                    kecamatan,
                    kelurahan,
                };
                (d, n)
            },
        )
        .collect()
}

/// Rows, rows paid, rows withheld and savings per kecamatan, kelurahan and program, keyed
/// by the area's key with the fullest spelling seen as its label.
#[derive(Default)]
struct AreaTally {
    kec: BTreeMap<String, [u64; 4]>,
    kel: BTreeMap<String, [u64; 4]>,
    prog: BTreeMap<String, [u64; 4]>,
    labels: BTreeMap<String, String>,
    /// Area cells repeat: each distinct cell's key and label computed once.
    area_cache: std::collections::HashMap<String, (String, String)>,
}

impl AreaTally {
    fn add(&mut self, d: &RowFacts<'_>, n: u64, saved: u64) {
        let verified_row = d.status == "VERIFIED";
        for (which, raw) in [(0, &d.kecamatan), (1, &d.kelurahan), (2, &d.program)] {
            let (key, label) = if which < 2 {
                if !self.area_cache.contains_key(raw.as_ref()) {
                    self.area_cache.insert(raw.to_string(), area_label(raw));
                }
                self.area_cache[raw.as_ref()].clone()
            } else {
                let p = raw.trim().to_uppercase();
                (
                    format!("program:{p}"),
                    if p.is_empty() { "-".to_string() } else { p },
                )
            };
            let best = self
                .labels
                .entry(key.clone())
                .or_insert_with(|| label.clone());
            if label.matches(' ').count() > best.matches(' ').count() {
                *best = label;
            }
            let m = match which {
                0 => &mut self.kec,
                1 => &mut self.kel,
                _ => &mut self.prog,
            };
            let e = m.entry(key).or_insert([0; 4]);
            e[0] += n;
            e[if verified_row { 1 } else { 2 }] += n;
            e[3] += saved;
        }
    }

    /// The kecamatan, kelurahan and program tallies under their labels.
    #[allow(clippy::type_complexity)] // three tallies of one shape, named at the call
    fn relabelled(
        self,
    ) -> (
        BTreeMap<String, [u64; 4]>,
        BTreeMap<String, [u64; 4]>,
        BTreeMap<String, [u64; 4]>,
    ) {
        let AreaTally {
            kec,
            kel,
            prog,
            labels,
            ..
        } = self;
        (
            relabel(&labels, kec),
            relabel(&labels, kel),
            relabel(&labels, prog),
        )
    }
}

/// One tally under the areas' labels (spellings of one area added up).
fn relabel(
    labels: &BTreeMap<String, String>,
    m: BTreeMap<String, [u64; 4]>,
) -> BTreeMap<String, [u64; 4]> {
    let mut out: BTreeMap<String, [u64; 4]> = BTreeMap::new();
    for (k, v) in m {
        let e = out
            .entry(labels.get(&k).cloned().unwrap_or(k))
            .or_insert([0; 4]);
        for (x, y) in e.iter_mut().zip(v) {
            *x += y;
        }
    }
    out
}

/// The grouping key of an area cell and a label for it: `KEL. SUNGAI NANGKA`,
/// `SUNGAINANGKA` and `Sungai Nangka` share the key `SUNGAINANGKA`; the label is upper case
/// without prefixes (the spelling with most spaces wins, so `SUNGAI NANGKA`).
fn area_label(raw: &str) -> (String, String) {
    let key = crate::normalize::address::area_key(raw);
    if key.is_empty() {
        return ("-".to_string(), "-".to_string());
    }
    let tokens: Vec<String> = raw
        .to_uppercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect();
    let start = tokens
        .iter()
        .take_while(|t| {
            matches!(
                t.as_str(),
                "KEL" | "KELURAHAN" | "KEC" | "KECAMATAN" | "DESA" | "DS"
            )
        })
        .count()
        .min(tokens.len().saturating_sub(1));
    (key, tokens[start..].join(" "))
}

//! Scoring: a Fellegi-Sunter model over comparison vectors.
//!
//! In: comparison vectors ([`Gamma`]) of candidate pairs and of random pairs, and the
//! register's name frequencies. Out: a [`Model`] (m- and u-probabilities per field level and
//! the prior match share), and for each pair a match weight in bits, the per-field
//! contributions and a match probability.
//!
//! * u-probabilities come from random aid x register pairs (almost all non-matches).
//! * m-probabilities and the prior come from EM on the candidate pairs, without labels,
//!   with u held fixed (as Splink does). Defaults work without data; the estimated model
//!   is saved as `model.json` and can be reloaded with `--model` for stable scheduled runs.
//! * Term frequency: an exact name match counts for less when the name is common
//!   (`SITI`, `MUHAMMAD`): its u is the share of register people with that name.
//! * Missing values contribute nothing.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::core::error::ConfigError;

use crate::matching::compare::{Gamma, FIELDS, LEVELS, N_FIELDS};

/// m and u per field and level, and the prior match probability of a candidate pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub fields: Vec<String>,
    pub levels: Vec<Vec<String>>,
    pub m: Vec<Vec<f64>>,
    pub u: Vec<Vec<f64>>,
    /// Prior probability that a candidate pair is a match.
    pub lambda: f64,
    /// EM iterations run (0: defaults).
    pub em_iterations: usize,
    /// Pairs the estimate rests on.
    pub candidate_pairs: usize,
    pub random_pairs: usize,
}

/// One pair's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Total match weight in bits (prior included).
    pub weight: f64,
    /// Per-field contributions in bits (0 for missing).
    pub parts: [f64; N_FIELDS],
    pub probability: f64,
}

const FLOOR: f64 = 1e-9;

/// Bits the fields other than the identifier must add up to for a near identifier (one
/// character replaced or two swapped, not the same) to join two records.
pub const NEAR_ID_SUPPORT: f64 = 0.0;

impl Score {
    /// Whether a near identifier would join the pair on its own: the identifier is one
    /// error away, not the same, and the other fields together do not lean towards the
    /// same person. Similar identifiers are weak evidence alone: in 5,000 random 7-digit
    /// identifiers, one in thirty has another a single digit away.
    pub fn near_id_alone(&self, g: &Gamma) -> bool {
        const ID: usize = 2;
        let others: f64 = (0..N_FIELDS)
            .filter(|&f| f != ID)
            .map(|f| self.parts[f])
            .sum();
        matches!(g.0[ID], Some(1..=3)) && others < NEAR_ID_SUPPORT
    }
}

impl Default for Model {
    /// Priors that work without training data.
    fn default() -> Self {
        let m: Vec<Vec<f64>> = vec![
            vec![0.80, 0.10, 0.03, 0.03, 0.02, 0.02],
            vec![0.78, 0.08, 0.02, 0.06, 0.06],
            vec![0.85, 0.03, 0.02, 0.04, 0.01, 0.05],
            vec![0.98, 0.02],
            vec![0.90, 0.10],
            vec![0.75, 0.25],
            vec![0.75, 0.25],
            vec![0.75, 0.15, 0.10],
            vec![0.90, 0.10],
        ];
        let u: Vec<Vec<f64>> = vec![
            vec![0.0005, 0.0005, 0.0005, 0.002, 0.02, 0.9765],
            vec![0.00005, 0.0002, 0.00001, 0.004, 0.99574],
            vec![1e-9, 1e-8, 1e-9, 1e-7, 1e-5, 0.99998988],
            vec![0.5, 0.5],
            vec![1e-5, 0.99999],
            vec![0.03, 0.97],
            vec![0.03, 0.97],
            vec![0.05, 0.15, 0.80],
            vec![0.10, 0.90],
        ];
        Model {
            fields: FIELDS.iter().map(|s| s.to_string()).collect(),
            levels: LEVELS
                .iter()
                .map(|l| l.iter().map(|s| s.to_string()).collect())
                .collect(),
            m,
            u,
            lambda: 0.3,
            em_iterations: 0,
            candidate_pairs: 0,
            random_pairs: 0,
        }
    }
}

fn normalize(v: &mut [f64]) {
    let s: f64 = v.iter().sum();
    if s > 0.0 {
        v.iter_mut().for_each(|x| *x = (*x / s).max(FLOOR));
    }
}

impl Model {
    /// Check the model against this version's comparisons: the fields and their levels by
    /// name and in order, every m and u a probability above 0 and at most 1, each field's
    /// levels summing to 1 (within 0.001), and 0 < lambda < 1. The error names the value.
    pub fn validate(&self) -> Result<(), String> {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        if self.fields != names(&FIELDS) {
            return Err(format!("fields {:?}: expected {FIELDS:?}", self.fields));
        }
        let lens = [self.levels.len(), self.m.len(), self.u.len()];
        if lens != [N_FIELDS; 3] {
            return Err(format!(
                "{lens:?} levels, m and u rows: expected {N_FIELDS} of each, one per field"
            ));
        }
        for (f, field) in FIELDS.iter().enumerate() {
            if self.levels[f] != names(LEVELS[f]) {
                return Err(format!("levels of {field}: expected {:?}", LEVELS[f]));
            }
            for (key, row) in [("m", &self.m[f]), ("u", &self.u[f])] {
                if row.len() != LEVELS[f].len() {
                    return Err(format!(
                        "{key} of {field}: expected {} values",
                        LEVELS[f].len()
                    ));
                }
                if let Some((l, p)) = row
                    .iter()
                    .enumerate()
                    .find(|(_, p)| !(**p > 0.0 && **p <= 1.0))
                {
                    return Err(format!(
                        "{key} of {field}.{} = {p}: give a probability above 0 and at most 1",
                        LEVELS[f][l]
                    ));
                }
                let sum: f64 = row.iter().sum();
                if (sum - 1.0).abs() > 1e-3 {
                    return Err(format!(
                        "{key} of {field} sums to {sum}: its levels must sum to 1"
                    ));
                }
            }
        }
        if !(self.lambda > 0.0 && self.lambda < 1.0) {
            return Err(format!(
                "lambda = {}: give a probability between 0 and 1",
                self.lambda
            ));
        }
        Ok(())
    }

    /// Estimate u from random pairs (Laplace-smoothed counts).
    pub fn estimate_u(&mut self, random: &[Gamma]) {
        for (f, levels) in LEVELS.iter().enumerate() {
            let mut counts = vec![1.0; levels.len()];
            for g in random {
                if let Some(l) = g.0[f] {
                    counts[l as usize] += 1.0;
                }
            }
            // Keep the prior where random pairs cannot see rare levels.
            let total: f64 = counts.iter().sum();
            for (l, c) in counts.iter().enumerate() {
                let observed = c / total;
                self.u[f][l] = if *c > 1.0 {
                    observed
                } else {
                    self.u[f][l].min(observed)
                };
            }
            normalize(&mut self.u[f]);
        }
        self.random_pairs = random.len();
    }

    /// EM for m and lambda with u fixed. Sums run in input order: deterministic.
    pub fn estimate_m(&mut self, pairs: &[Gamma], iterations: usize) {
        if pairs.len() < 100 {
            return;
        }
        for _ in 0..iterations {
            let mut num: Vec<Vec<f64>> = LEVELS.iter().map(|l| vec![0.0; l.len()]).collect();
            let mut total_p = 0.0;
            let scorer = Scorer::new(self);
            for g in pairs {
                let p = scorer.probability_without_tf(g);
                total_p += p;
                for (f, level) in g.0.iter().enumerate() {
                    if let Some(l) = level {
                        num[f][*l as usize] += p;
                    }
                }
            }
            for (f, mut row) in num.into_iter().enumerate() {
                if row.iter().sum::<f64>() > 0.0 {
                    normalize(&mut row);
                    self.m[f] = row;
                }
            }
            self.lambda = (total_p / pairs.len() as f64).clamp(1e-6, 0.999_999);
            self.em_iterations += 1;
        }
        self.candidate_pairs = pairs.len();
    }

    /// One EM session on pairs found by a blocking rule (Splink's method): the fields of
    /// the rule (`fixed`), on which every pair agrees by construction, are left out; m of
    /// the other fields is estimated with u fixed. Returns the estimated m rows (None for
    /// fixed fields) without changing the model.
    pub fn em_session(
        &self,
        pairs: &[Gamma],
        fixed: &[usize],
        iterations: usize,
    ) -> Vec<Option<Vec<f64>>> {
        let mut work = self.clone();
        let mut out: Vec<Option<Vec<f64>>> = vec![None; FIELDS.len()];
        if pairs.len() < 100 {
            return out;
        }
        let masked: Vec<Gamma> = pairs
            .iter()
            .map(|g| {
                let mut g = *g;
                for &f in fixed {
                    g.0[f] = None;
                }
                g
            })
            .collect();
        work.lambda = 0.5;
        work.estimate_m(&masked, iterations);
        for (f, row) in out.iter_mut().enumerate() {
            if !fixed.contains(&f) {
                *row = Some(work.m[f].clone());
            }
        }
        out
    }

    /// Combine EM sessions: each field's m is the mean of the sessions that estimated it.
    pub fn combine_sessions(&mut self, sessions: &[Vec<Option<Vec<f64>>>], pairs: usize) {
        for f in 0..FIELDS.len() {
            let rows: Vec<&Vec<f64>> = sessions.iter().filter_map(|s| s[f].as_ref()).collect();
            if rows.is_empty() {
                continue;
            }
            let mut m = vec![0.0; LEVELS[f].len()];
            for r in &rows {
                for (l, x) in r.iter().enumerate() {
                    m[l] += x / rows.len() as f64;
                }
            }
            normalize(&mut m);
            self.m[f] = m;
        }
        self.candidate_pairs = pairs;
    }

    /// Score a pair. `name_u` replaces the u of an exact name match with the name's
    /// frequency in the register (term-frequency adjustment). Scoring many pairs with one
    /// model: [`Scorer`], which gives the same bits faster.
    pub fn score(&self, g: &Gamma, name_u: Option<f64>) -> Score {
        Scorer::new(self).score(g, name_u)
    }
}

/// Most levels in any field.
const MAX_LEVELS: usize = 6;

/// A model with its per-level weights (log2 m/u) computed once: scores many pairs with the
/// same results, bit for bit, as [`Model::score`].
#[derive(Debug, Clone)]
pub struct Scorer<'m> {
    model: &'m Model,
    weights: [[f64; MAX_LEVELS]; N_FIELDS],
    prior: f64,
}

impl<'m> Scorer<'m> {
    pub fn new(model: &'m Model) -> Self {
        let mut weights = [[0.0; MAX_LEVELS]; N_FIELDS];
        for (f, row) in weights.iter_mut().enumerate() {
            for (l, w) in row.iter_mut().enumerate().take(LEVELS[f].len()) {
                *w = (model.m[f][l].max(FLOOR) / model.u[f][l].max(FLOOR)).log2();
            }
        }
        Scorer {
            model,
            weights,
            prior: (model.lambda / (1.0 - model.lambda)).log2(),
        }
    }

    /// [`Model::score`].
    pub fn score(&self, g: &Gamma, name_u: Option<f64>) -> Score {
        let mut parts = [0.0; N_FIELDS];
        for (f, level) in g.0.iter().enumerate() {
            if let Some(l) = level {
                let l = *l as usize;
                parts[f] = match name_u {
                    Some(tf) if f == 0 && l == 0 => {
                        (self.model.m[f][l].max(FLOOR) / tf.max(FLOOR).max(FLOOR)).log2()
                    }
                    _ => self.weights[f][l],
                };
            }
        }
        let weight = self.prior + parts.iter().sum::<f64>();
        Score {
            weight,
            parts,
            probability: 1.0 / (1.0 + (-weight).exp2()),
        }
    }

    fn probability_without_tf(&self, g: &Gamma) -> f64 {
        let w = self.score(g, None).weight;
        1.0 / (1.0 + (-w).exp2())
    }
}

/// Per-field contributions as text: `name=+9.1(exact);birth_date=+12.0(exact);...`.
pub fn explain(g: &Gamma, s: &Score) -> String {
    explain_after("", g, s)
}

/// `prefix` followed by [`explain`], written into one buffer.
pub fn explain_after(prefix: &str, g: &Gamma, s: &Score) -> String {
    let mut out = String::with_capacity(prefix.len() + 240);
    out.push_str(prefix);
    out.push_str("weight=");
    push_fixed(&mut out, s.weight, 1, false);
    out.push_str(";p=");
    push_fixed(&mut out, s.probability, 4, false);
    for (f, level) in g.0.iter().enumerate() {
        out.push(';');
        out.push_str(FIELDS[f]);
        match level {
            Some(l) => {
                out.push('=');
                push_fixed(&mut out, s.parts[f], 1, true);
                out.push('(');
                out.push_str(LEVELS[f][*l as usize]);
                out.push(')');
            }
            None => out.push_str("=0(missing)"),
        }
    }
    out
}

/// Append `x` with `decimals` digits after the point, exactly as `format!("{x:.d$}")`
/// (or `{x:+.d$}` with `plus`) writes it, without the formatting machinery: every linked
/// row's evidence holds seven such numbers. Values near a rounding tie, or too large for
/// the integer path, take the standard formatter.
fn push_fixed(out: &mut String, x: f64, decimals: u32, plus: bool) {
    use std::fmt::Write as _;
    let scale = 10f64.powi(decimals as i32);
    let scaled = x.abs() * scale;
    let frac = scaled - scaled.trunc();
    if !scaled.is_finite() || scaled >= 1e12 || (frac - 0.5).abs() < 1e-6 {
        let _ = if plus {
            write!(out, "{x:+.*}", decimals as usize)
        } else {
            write!(out, "{x:.*}", decimals as usize)
        };
        return;
    }
    let n = scaled.round() as u64;
    let unit = 10u64.pow(decimals);
    if x.is_sign_negative() {
        out.push('-');
    } else if plus {
        out.push('+');
    }
    let mut buf = itoa::Buffer::new();
    out.push_str(buf.format(n / unit));
    if decimals > 0 {
        out.push('.');
        let f = buf.format(n % unit);
        for _ in f.len()..decimals as usize {
            out.push('0');
        }
        out.push_str(f);
    }
}

/// Read a saved scoring model.
pub fn load_model(path: &Path) -> Result<Model, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let model: Model = serde_json::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        message: format!("not a dedupe model ({e}); pass the model.json an earlier run wrote"),
    })?;
    model.validate().map_err(|message| ConfigError::Parse {
        path: path.to_path_buf(),
        message: format!("not a model for this version: {message}"),
    })?;
    Ok(model)
}

#[cfg(test)]
mod tests {

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        /// The fast fixed-point writer is the standard formatter, digit for digit.
        #[test]
        fn fixed_point_writes_what_format_writes(
            x in proptest::prop_oneof![
                proptest::num::f64::ANY,
                -100.0f64..100.0,
                (-2000i64..2000).prop_map(|k| k as f64 / 20.0),
                (-20000i64..20000).prop_map(|k| k as f64 / 20000.0),
            ],
            decimals in 0u32..6,
            plus: bool,
        ) {
            let mut fast = String::new();
            push_fixed(&mut fast, x, decimals, plus);
            let d = decimals as usize;
            let std = if plus { format!("{x:+.d$}") } else { format!("{x:.d$}") };
            proptest::prop_assert_eq!(fast, std);
        }
    }

    #[test]
    fn models_of_bad_values_or_another_shape_are_refused_naming_the_value() {
        type Damage = fn(&mut Model);
        let cases: [(&str, Damage, Option<&str>); 9] = [
            ("as estimated", |_| {}, None),
            (
                "negative",
                |m| m.m[0][0] = -0.5,
                Some("m of name.exact = -0.5"),
            ),
            (
                "above 1",
                |m| m.u[1][2] = 7.0,
                Some("u of birth_date.day_month_swapped = 7"),
            ),
            (
                "all zeros",
                |m| m.m[3] = vec![0.0, 0.0],
                Some("m of sex.agree = 0"),
            ),
            (
                "sums to 5.4",
                |m| m.m[3] = vec![0.9, 4.5],
                Some("m of sex.differs = 4.5"),
            ),
            (
                "sums above 1",
                |m| m.u[3] = vec![0.9, 0.9],
                Some("u of sex sums to 1.8"),
            ),
            ("fields reordered", |m| m.fields.swap(0, 1), Some("fields")),
            (
                "levels renamed",
                |m| m.levels[7][0] = "x".into(),
                Some("levels of street"),
            ),
            ("lambda", |m| m.lambda = f64::NAN, Some("lambda = NaN")),
        ];
        for (what, damage, want) in cases {
            let mut m = Model::default();
            damage(&mut m);
            match (m.validate(), want) {
                (Ok(()), None) => {}
                (Err(e), Some(w)) => assert!(e.starts_with(w), "{what}: {e}"),
                (got, want) => panic!("{what}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn a_near_identifier_never_joins_a_pair_alone() {
        // name, birth_date, nik, sex, kk, kelurahan, rt, street, birth_place
        let score = |parts: [f64; N_FIELDS]| Score {
            weight: parts.iter().sum(),
            parts,
            probability: 0.99,
        };
        let gamma = |id: u8| {
            Gamma([
                Some(5),
                Some(4),
                Some(id),
                None,
                None,
                Some(1),
                None,
                Some(2),
                None,
            ])
        };
        let strangers = score([-5.6, -4.1, 21.5, 0.0, 0.0, -2.0, 0.0, -1.0, 0.0]);
        let same_home = score([-5.6, 0.0, 21.5, 0.0, 0.0, 4.6, 0.0, 6.0, 0.0]);
        for (s, id, alone) in [
            (&strangers, 1, true),
            (&strangers, 2, true),
            (&strangers, 3, true),
            // The same identifier is the exact-link rules' to judge, not this one's.
            (&strangers, 0, false),
            (&strangers, 5, false),
            // The rest leans towards the same person: the identifier is not alone.
            (&same_home, 1, false),
        ] {
            assert_eq!(
                s.near_id_alone(&gamma(id)),
                alone,
                "level {id}: {:?}",
                s.parts
            );
        }
    }

    #[test]
    fn fixed_point_table() {
        for (x, d, plus, want) in [
            (0.25, 1, false, "0.2"),
            (0.35, 1, false, "0.3"),
            (-0.04, 1, true, "-0.0"),
            (0.04, 1, true, "+0.0"),
            (-0.0, 1, false, "-0.0"),
            (12.96, 1, true, "+13.0"),
            (0.99995, 4, false, "1.0000"),
            (0.00004, 4, false, "0.0000"),
            (f64::INFINITY, 1, false, "inf"),
            (f64::NAN, 1, true, "NaN"),
            (-3.0, 0, true, "-3"),
        ] {
            let mut out = String::new();
            push_fixed(&mut out, x, d, plus);
            assert_eq!(out, want, "{x} with {d} decimals");
        }
    }
    use super::*;
    use crate::core::rng::Rng;

    /// Draw comparison vectors from known m (matches) and u (non-matches).
    fn simulate(rng: &mut Rng, m: &[Vec<f64>], u: &[Vec<f64>], n: usize, share: f64) -> Vec<Gamma> {
        let draw = |rng: &mut Rng, p: &[f64]| {
            let r = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            let mut acc = 0.0;
            for (i, x) in p.iter().enumerate() {
                acc += x;
                if r < acc {
                    return i as u8;
                }
            }
            (p.len() - 1) as u8
        };
        (0..n)
            .map(|_| {
                let table = if rng.chance(share) { m } else { u };
                let mut g = [None; N_FIELDS];
                for (f, slot) in g.iter_mut().enumerate() {
                    *slot = Some(draw(rng, &table[f]));
                }
                Gamma(g)
            })
            .collect()
    }

    #[test]
    fn em_recovers_known_m_and_u() {
        let true_m: Vec<Vec<f64>> = vec![
            vec![0.7, 0.15, 0.08, 0.05, 0.02],
            vec![0.75, 0.1, 0.05, 0.05, 0.05],
            vec![0.6, 0.1, 0.1, 0.1, 0.05, 0.05],
            vec![0.95, 0.05],
            vec![0.85, 0.15],
            vec![0.7, 0.3],
            vec![0.8, 0.2],
            vec![0.6, 0.25, 0.15],
            vec![0.9, 0.1],
        ];
        let true_u: Vec<Vec<f64>> = vec![
            vec![0.01, 0.01, 0.03, 0.15, 0.8],
            vec![0.01, 0.01, 0.01, 0.07, 0.9],
            vec![0.001, 0.004, 0.005, 0.01, 0.08, 0.9],
            vec![0.5, 0.5],
            vec![0.05, 0.95],
            vec![0.2, 0.8],
            vec![0.25, 0.75],
            vec![0.1, 0.2, 0.7],
            vec![0.15, 0.85],
        ];
        let mut rng = Rng::new(42);
        let pairs = simulate(&mut rng, &true_m, &true_u, 60_000, 0.3);
        let random = simulate(&mut rng, &true_m, &true_u, 60_000, 0.0);
        let mut model = Model::default();
        model.estimate_u(&random);
        model.estimate_m(&pairs, 40);
        assert!((model.lambda - 0.3).abs() < 0.02, "lambda {}", model.lambda);
        for f in 0..N_FIELDS {
            for l in 0..true_m[f].len() {
                assert!(
                    (model.m[f][l] - true_m[f][l]).abs() < 0.03,
                    "m[{f}][{l}] {} vs {}",
                    model.m[f][l],
                    true_m[f][l]
                );
                assert!(
                    (model.u[f][l] - true_u[f][l]).abs() < 0.01,
                    "u[{f}][{l}] {} vs {}",
                    model.u[f][l],
                    true_u[f][l]
                );
            }
        }
    }

    #[test]
    fn weights_order_and_term_frequency() {
        let model = Model::default();
        let strong = Gamma([Some(0); N_FIELDS]);
        let weak = Gamma([
            Some(0),
            Some(1),
            Some(5),
            Some(0),
            None,
            Some(1),
            None,
            None,
            None,
        ]);
        let none = Gamma([None; N_FIELDS]);
        let (s, w) = (model.score(&strong, None), model.score(&weak, None));
        assert!(s.weight > w.weight && s.probability > 0.999);
        assert_eq!(model.score(&none, None).parts, [0.0; N_FIELDS]);
        // A common name counts for less than a rare one.
        let common = model.score(&strong, Some(0.01)).parts[0];
        let rare = model.score(&strong, Some(0.000_01)).parts[0];
        assert!(rare > common + 9.0, "{rare} vs {common}");
        assert!(explain(&weak, &w).contains("kk=0(missing)"));
    }
}

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

use crate::matching::comparisons::{Cmp, Comparison, Gamma, COMPARISONS, MAX_LEVELS, N_FIELDS};
use crate::matching::levels::NikLevel;

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
pub(crate) const NEAR_ID_SUPPORT: f64 = 0.0;

impl Score {
    /// Whether a near identifier would join the pair on its own: the identifier is one
    /// error away, not the same, and the other fields together do not lean towards the
    /// same person. Similar identifiers are weak evidence alone: in 5,000 random 7-digit
    /// identifiers, one in thirty has another a single digit away.
    pub(crate) fn near_id_alone(&self, g: &Gamma) -> bool {
        let others: f64 = Cmp::ALL
            .iter()
            .filter(|&&c| c != Cmp::Nik)
            .map(|&c| self.part(c))
            .sum();
        g.nik().is_some_and(NikLevel::one_error) && others < NEAR_ID_SUPPORT
    }

    /// Field `c`'s contribution in bits.
    pub fn part(&self, c: Cmp) -> f64 {
        self.parts[c as usize]
    }
}

impl Default for Model {
    /// The priors the comparison library declares: they work without training data.
    fn default() -> Self {
        Model {
            fields: COMPARISONS.iter().map(|c| c.name.to_string()).collect(),
            levels: COMPARISONS
                .iter()
                .map(|c| c.levels.iter().map(|s| s.to_string()).collect())
                .collect(),
            m: COMPARISONS.iter().map(|c| c.m.to_vec()).collect(),
            u: COMPARISONS.iter().map(|c| c.u.to_vec()).collect(),
            lambda: 0.3,
            em_iterations: 0,
            candidate_pairs: 0,
            random_pairs: 0,
        }
    }
}

/// One field's m or u: a probability above 0 and at most 1 per level, summing to 1.
fn check_distribution(key: &str, c: &Comparison, row: &[f64]) -> Result<(), String> {
    if row.len() != c.levels.len() {
        return Err(format!(
            "{key} of {}: expected {} values",
            c.name,
            c.levels.len()
        ));
    }
    if let Some((l, p)) = row
        .iter()
        .enumerate()
        .find(|(_, p)| !(**p > 0.0 && **p <= 1.0))
    {
        return Err(format!(
            "{key} of {}.{} = {p}: give a probability above 0 and at most 1",
            c.name, c.levels[l]
        ));
    }
    let sum: f64 = row.iter().sum();
    if (sum - 1.0).abs() > 1e-3 {
        return Err(format!(
            "{key} of {} sums to {sum}: its levels must sum to 1",
            c.name
        ));
    }
    Ok(())
}

pub(crate) fn normalize(v: &mut [f64]) {
    let s: f64 = v.iter().sum();
    if s > 0.0 {
        v.iter_mut().for_each(|x| *x = (*x / s).max(FLOOR));
    }
}

impl Model {
    /// Check the model against this version's comparisons: the fields and their levels by
    /// name and in order, every m and u a probability above 0 and at most 1, each field's
    /// levels summing to 1 (within 0.001), and 0 < lambda < 1. The error names the value.
    pub(crate) fn validate(&self) -> Result<(), String> {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let fields: Vec<&str> = COMPARISONS.iter().map(|c| c.name).collect();
        if self.fields != names(&fields) {
            return Err(format!("fields {:?}: expected {fields:?}", self.fields));
        }
        let lens = [self.levels.len(), self.m.len(), self.u.len()];
        if lens != [N_FIELDS; 3] {
            return Err(format!(
                "{lens:?} levels, m and u rows: expected {N_FIELDS} of each, one per field"
            ));
        }
        for (f, c) in COMPARISONS.iter().enumerate() {
            if self.levels[f] != names(c.levels) {
                return Err(format!("levels of {}: expected {:?}", c.name, c.levels));
            }
            for (key, row) in [("m", &self.m[f]), ("u", &self.u[f])] {
                check_distribution(key, c, row)?;
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

    /// Score a pair. `name_u` is the register frequency of the more frequent of the two
    /// names: it replaces the u of an exact name match and moves the similar-name levels
    /// the comparison library names (term-frequency adjustment). Scoring many pairs with one
    /// model: [`Scorer`], which gives the same bits faster.
    pub fn score(&self, g: &Gamma, name_u: Option<f64>) -> Score {
        Scorer::new(self).score(g, name_u)
    }
}

/// A model with its per-level weights (log2 m/u) computed once: scores many pairs with the
/// same results, bit for bit, as [`Model::score`].
#[derive(Debug, Clone)]
pub(crate) struct Scorer<'m> {
    model: &'m Model,
    weights: [[f64; MAX_LEVELS]; N_FIELDS],
    /// The levels the comparison library weighs by the value's frequency.
    by_frequency: [[bool; MAX_LEVELS]; N_FIELDS],
    prior: f64,
}

impl<'m> Scorer<'m> {
    pub fn new(model: &'m Model) -> Self {
        let mut weights = [[0.0; MAX_LEVELS]; N_FIELDS];
        let mut by_frequency = [[false; MAX_LEVELS]; N_FIELDS];
        for (f, row) in weights.iter_mut().enumerate() {
            for (l, w) in row.iter_mut().enumerate().take(COMPARISONS[f].levels.len()) {
                *w = (model.m[f][l].max(FLOOR) / model.u[f][l].max(FLOOR)).log2();
            }
            for &l in COMPARISONS[f].term_frequency {
                by_frequency[f][usize::from(l)] = true;
            }
        }
        Scorer {
            model,
            weights,
            by_frequency,
            prior: (model.lambda / (1.0 - model.lambda)).log2(),
        }
    }

    /// [`Model::score`].
    pub fn score(&self, g: &Gamma, name_u: Option<f64>) -> Score {
        let mut parts = [0.0; N_FIELDS];
        for (c, level) in g.fields() {
            if let Some(l) = level {
                let (f, l) = (c as usize, usize::from(l));
                let tf = name_u.filter(|_| self.by_frequency[f][l]);
                parts[f] = match tf {
                    // The exact level: u is the value's frequency.
                    Some(tf) if l == 0 => (self.model.m[f][l].max(FLOOR) / tf.max(FLOOR)).log2(),
                    // A similar value: moved by u(exact) over the frequency.
                    Some(tf) => {
                        self.weights[f][l] + (self.model.u[f][0].max(FLOOR) / tf.max(FLOOR)).log2()
                    }
                    None => self.weights[f][l],
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

    pub(crate) fn probability_without_tf(&self, g: &Gamma) -> f64 {
        let w = self.score(g, None).weight;
        1.0 / (1.0 + (-w).exp2())
    }
}

/// Per-field contributions as text: `name=+9.1(exact);birth_date=+12.0(exact);...`.
pub fn explain(g: &Gamma, s: &Score) -> String {
    explain_after("", g, s)
}

/// `prefix` followed by [`explain`], written into one buffer.
pub(crate) fn explain_after(prefix: &str, g: &Gamma, s: &Score) -> String {
    let mut out = String::with_capacity(prefix.len() + 240);
    out.push_str(prefix);
    out.push_str("weight=");
    push_fixed(&mut out, s.weight, 1, false);
    out.push_str(";p=");
    push_fixed(&mut out, s.probability, 4, false);
    for (c, level) in g.fields() {
        out.push(';');
        out.push_str(c.name());
        match level {
            Some(l) => {
                out.push('=');
                push_fixed(&mut out, s.part(c), 1, true);
                out.push('(');
                out.push_str(c.decl().levels[usize::from(l)]);
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
pub(crate) fn load_model(path: &Path) -> Result<Model, ConfigError> {
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
            Gamma::NONE
                .with(Cmp::Name, Some(5))
                .with(Cmp::BirthDate, Some(4))
                .with(Cmp::Nik, Some(id))
                .with(Cmp::Kelurahan, Some(1))
                .with(Cmp::Street, Some(2))
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

    #[test]
    fn weights_order_and_term_frequency() {
        let model = Model::default();
        let strong = Cmp::ALL
            .iter()
            .fold(Gamma::NONE, |g, &c| g.with(c, Some(0)));
        let weak = Gamma::NONE
            .with(Cmp::Name, Some(0))
            .with(Cmp::BirthDate, Some(1))
            .with(Cmp::Nik, Some(5))
            .with(Cmp::Sex, Some(0))
            .with(Cmp::Kelurahan, Some(1));
        let none = Gamma::NONE;
        let (s, w) = (model.score(&strong, None), model.score(&weak, None));
        assert!(s.weight > w.weight && s.probability > 0.999);
        assert_eq!(model.score(&none, None).parts, [0.0; N_FIELDS]);
        // A common name counts for less than a rare one.
        let common = model.score(&strong, Some(0.01)).part(Cmp::Name);
        let rare = model.score(&strong, Some(0.000_01)).part(Cmp::Name);
        assert!(rare > common + 9.0, "{rare} vs {common}");
        assert!(explain(&weak, &w).contains("kk=0(missing)"));
    }

    #[test]
    fn a_slip_of_a_rare_name_says_more_than_a_slip_of_a_common_one() {
        use crate::matching::levels::NameLevel;
        let model = Model::default();
        let name = |level: NameLevel, tf: Option<f64>| {
            let g = Gamma::NONE.with(Cmp::Name, Some(level as u8));
            model.score(&g, tf).part(Cmp::Name)
        };
        let u_exact = model.u[Cmp::Name as usize][0];
        for level in [NameLevel::Strong, NameLevel::Phonetic] {
            let plain = name(level, None);
            // Moved by log2(u(exact) / tf): up for a rare name, down for a common one.
            let rare = name(level, Some(u_exact / 16.0));
            let common = name(level, Some(u_exact * 4.0));
            assert!(
                (rare - plain - 4.0).abs() < 1e-9,
                "{level:?}: {rare} vs {plain}"
            );
            assert!(
                (plain - common - 2.0).abs() < 1e-9,
                "{level:?}: {common} vs {plain}"
            );
        }
        // Other names are not one name misspelt: the frequency does not move them.
        for level in [NameLevel::Fuzzy, NameLevel::Weak, NameLevel::Differs] {
            assert_eq!(name(level, Some(1e-6)), name(level, None), "{level:?}");
        }
        // The exact level's u is the frequency itself.
        let m_exact = model.m[Cmp::Name as usize][0];
        assert!((name(NameLevel::Exact, Some(0.001)) - (m_exact / 0.001).log2()).abs() < 1e-9);
    }
}

//! Behind an identifier: the holder, or someone else written on the holder's identifier.
//!
//! In: an aid row, the register person whose identifier (NIK or plain ID) it carries and
//! their name score. Out: the row's levels on that path ([`HolderGamma`]), the posterior
//! that the row is the holder under the path's model ([`HolderModel`]), its weights for
//! the explanation, and the [`Fit`] it gives.
//!
//! On this path the alternative to "the holder" is not a random person but someone using
//! the identifier: a household member, a borrower, a clerk's slip. Behind a NIK these copy
//! the card's household fields (KK, address, often the birth date), so the household
//! fields are left out and the name is the strong evidence: a name with no part of the
//! holder's weighs about -23 bits, more than every other field can give together. Nobody
//! fills forms with another person's plain identifier (a social-security or record
//! number), so there the same person is trusted further and the home counts.
//!
//! Each field is declared once ([`HOLDER_COMPARISONS`]), with m (the holder) and u
//! (someone else on the identifier) per level and per path; the prior probability that a
//! row is its identifier's holder is [`NIK_PRIOR`] or [`GENERIC_PRIOR`]. With these
//! priors and no data, the decisions are the ones the project's rules made (a name that
//! agrees survives a mistyped sex code or a placeholder date; an identical name survives
//! one contradiction, not two; a name with one part replaced needs the birth date; one
//! sharing only a part needs the birth date and the home). The row is its holder when the
//! posterior reaches `[match] holder_probability`.

use crate::matching::compare;
use crate::matching::levels::{DateLevel, HolderDate, HolderName, HolderSex, Home, StreetLevel};
use crate::matching::record::Rec;
use crate::normalize::nik::NikParse;

/// Whether an aid row is the register person whose identifier it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// The same person.
    Same,
    /// The names do not agree.
    NameDiffers,
    /// The names are alike but birth date or sex say another person (a child named after
    /// a parent, on the parent's NIK).
    PersonDiffers,
}

/// Which identifier the row and the holder share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdPath {
    /// A NIK: its household's fields are on every form filled from the KK.
    Nik,
    /// A plain identifier: it carries no household.
    Generic,
}

impl IdPath {
    fn of(a: Rec<'_>, b: Rec<'_>) -> IdPath {
        if matches!(a.nik(), NikParse::Generic(_)) && matches!(b.nik(), NikParse::Generic(_)) {
            IdPath::Generic
        } else {
            IdPath::Nik
        }
    }
}

/// A field on the identifier's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HolderField {
    Name,
    BirthDate,
    Sex,
    Home,
}

/// The m- and u-probabilities of one field's levels on one path.
pub(crate) struct Priors {
    /// The holder.
    pub m: &'static [f64],
    /// Someone else on the holder's identifier.
    pub u: &'static [f64],
}

/// One field on the identifier's path, declared once.
pub(crate) struct HolderComparison {
    pub field: HolderField,
    /// Its name in the evidence.
    pub name: &'static str,
    pub levels: &'static [&'static str],
    pub nik: Priors,
    pub generic: Priors,
}

/// The fields, in [`HolderGamma`]'s order. Every field always has a level (a missing
/// value is a level of its own), so the weights of a row are comparable with another's.
pub(crate) static HOLDER_COMPARISONS: [HolderComparison; 4] = [
    HolderComparison {
        field: HolderField::Name,
        name: "name",
        levels: HolderName::NAMES,
        nik: Priors {
            m: &[0.810111, 0.179011, 0.00593343, 0.00494453, 1.15101e-07],
            u: &[0.002, 0.005, 0.03, 0.10, 0.863],
        },
        generic: Priors {
            m: &[0.154217, 0.154217, 0.462651, 0.0361446, 0.192771],
            u: &[0.01, 0.01, 0.03, 0.15, 0.80],
        },
    },
    HolderComparison {
        field: HolderField::BirthDate,
        name: "birth_date",
        levels: HolderDate::NAMES,
        nik: Priors {
            m: &[0.96516, 0.03447, 0.000370283],
            u: &[0.35, 0.10, 0.55],
        },
        generic: Priors {
            m: &[0.336842, 0.189474, 0.473684],
            u: &[0.01, 0.09, 0.90],
        },
    },
    HolderComparison {
        field: HolderField::Sex,
        name: "sex",
        levels: HolderSex::NAMES,
        nik: Priors {
            m: &[0.813134, 0.0574973, 0.129369],
            u: &[0.5, 0.05, 0.45],
        },
        generic: Priors {
            m: &[0.754717, 0.0754717, 0.169811],
            u: &[0.5, 0.05, 0.45],
        },
    },
    HolderComparison {
        field: HolderField::Home,
        name: "home",
        levels: Home::NAMES,
        nik: Priors {
            m: &[0.823529, 0.117647, 0.0588235],
            u: &[0.70, 0.20, 0.10],
        },
        generic: Priors {
            m: &[0.581818, 0.327273, 0.0909091],
            u: &[0.05, 0.45, 0.50],
        },
    },
];

/// The key of the holder path's part of a row's evidence
/// (`holder=p0.9999[name=+8.7(exact),...]`).
pub(crate) const EVIDENCE_KEY: &str = "holder=p";

/// The prior probability that a row is the holder of the NIK it carries.
pub(crate) const NIK_PRIOR: f64 = 0.865714;

/// The prior probability that a record is the holder of the plain identifier it carries.
pub(crate) const GENERIC_PRIOR: f64 = 0.810279;

/// A row's levels against the identifier's holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HolderGamma {
    pub path: IdPath,
    pub name: HolderName,
    pub birth_date: HolderDate,
    pub sex: HolderSex,
    pub home: Home,
}

impl HolderGamma {
    /// The levels of `a` (the aid row) against `b` (the holder), given their name score.
    pub fn of(a: Rec<'_>, b: Rec<'_>, name_score: f64, name_threshold: f64) -> HolderGamma {
        let path = IdPath::of(a, b);
        HolderGamma {
            path,
            name: name_level(a, b, name_score, name_threshold, path),
            birth_date: date_level(a, b),
            sex: match compare::sex(a, b) {
                compare::Agreement::Agree => HolderSex::Agrees,
                compare::Agreement::Missing => HolderSex::Unknown,
                compare::Agreement::Differ => HolderSex::Differs,
            },
            home: home_level(a, b),
        }
    }

    /// The level of `field`, as an index into its declaration.
    pub fn level(&self, field: HolderField) -> usize {
        match field {
            HolderField::Name => self.name as usize,
            HolderField::BirthDate => self.birth_date as usize,
            HolderField::Sex => self.sex as usize,
            HolderField::Home => self.home as usize,
        }
    }

    /// Whether the names agree (the same name, a slip, a spelling, the same sound).
    pub(crate) fn name_agrees(&self) -> bool {
        matches!(self.name, HolderName::Exact | HolderName::Agrees)
    }
}

/// The name's level: a score below the threshold counts as agreeing when the names share
/// their sound key (`ACHMAD FAUZI` / `AHMAD FAUSI`). Behind a NIK a name alike in letters
/// but with no part of the holder's is another person's; a plain identifier's records
/// (FEBRL's) lose parts to typing more often, and keep the score's band.
fn name_level(a: Rec<'_>, b: Rec<'_>, score: f64, threshold: f64, path: IdPath) -> HolderName {
    if a.name().is_empty() || b.name().is_empty() {
        return HolderName::NoPartShared;
    }
    if score >= 1.0 {
        return HolderName::Exact;
    }
    let score = agreeing(a, b, score, threshold);
    if score >= threshold {
        return HolderName::Agrees;
    }
    let shares = crate::normalize::name::share_a_part(a.name(), b.name());
    match (score >= 0.75, shares, path) {
        (true, true, _) | (true, false, IdPath::Generic) => HolderName::Weak,
        (_, true, _) => HolderName::SharesPart,
        _ => HolderName::NoPartShared,
    }
}

/// A name score below the threshold counts as agreeing when the names share their sound
/// key (`ACHMAD FAUZI` / `AHMAD FAUSI`).
pub(crate) fn agreeing(a: Rec<'_>, b: Rec<'_>, name_score: f64, name_threshold: f64) -> f64 {
    if name_score < name_threshold && compare::same_sound(a, b) {
        name_threshold
    } else {
        name_score
    }
}

/// The birth dates' level. A placeholder date in the list (1 July, 31 December, 1
/// January: the clerk did not know the day) tells only its year, as a year typed with a
/// slip (one digit, two adjacent swapped) says nothing against the person. Against a
/// placeholder in the register, a list's own other date is another day.
fn date_level(a: Rec<'_>, b: Rec<'_>) -> HolderDate {
    let placeholder = a.birth.is_some_and(|d| d.weak);
    match compare::date_parts(a, b) {
        None => HolderDate::Unknown,
        Some(l) if l.agrees() => HolderDate::Agrees,
        Some(DateLevel::Differs) if placeholder && year_typo(a, b) => HolderDate::Unknown,
        Some(DateLevel::OnePartDiffers) if year_typo(a, b) => HolderDate::Unknown,
        Some(DateLevel::Differs | DateLevel::OnePartDiffers) => HolderDate::Differs,
        Some(_) => HolderDate::Unknown,
    }
}

/// The same street in the same kelurahan; another kelurahan and another street.
fn home_level(a: Rec<'_>, b: Rec<'_>) -> Home {
    let kelurahan = compare::kelurahan(a, b);
    let street = compare::street_level(a, b);
    if kelurahan == compare::Agreement::Agree && street == Some(StreetLevel::Same) {
        Home::Same
    } else if kelurahan == compare::Agreement::Differ
        && street.is_some_and(|l| l != StreetLevel::Same)
    {
        Home::Differs
    } else {
        Home::Other
    }
}

/// True when two birth years are equal or one typing slip apart: one digit differs, or two
/// adjacent digits are swapped (1985/1986, 1985/1958). A year 25 apart is another person.
fn year_typo(a: Rec<'_>, b: Rec<'_>) -> bool {
    use chrono::Datelike;
    let (Some(x), Some(y)) = (a.birth, b.birth) else {
        return true;
    };
    let (x, y) = (x.date.year(), y.date.year());
    if x == y {
        return true;
    }
    let (dx, dy) = (format!("{x:04}"), format!("{y:04}"));
    let diff: Vec<usize> = (0..4)
        .filter(|&i| dx.as_bytes().get(i) != dy.as_bytes().get(i))
        .collect();
    match diff[..] {
        [_] => true,
        [i, j] => {
            j == i + 1
                && dx.as_bytes()[i] == dy.as_bytes()[j]
                && dx.as_bytes()[j] == dy.as_bytes()[i]
        }
        _ => false,
    }
}

/// The model of one path: the prior that a row is its identifier's holder, and m and u
/// per field and level.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PathModel {
    pub prior: f64,
    pub m: Vec<Vec<f64>>,
    pub u: Vec<Vec<f64>>,
}

impl PathModel {
    /// The declared priors of `path`.
    pub fn declared(path: IdPath) -> PathModel {
        let priors = |c: &'static HolderComparison| match path {
            IdPath::Nik => &c.nik,
            IdPath::Generic => &c.generic,
        };
        PathModel {
            prior: match path {
                IdPath::Nik => NIK_PRIOR,
                IdPath::Generic => GENERIC_PRIOR,
            },
            m: HOLDER_COMPARISONS
                .iter()
                .map(|c| priors(c).m.to_vec())
                .collect(),
            u: HOLDER_COMPARISONS
                .iter()
                .map(|c| priors(c).u.to_vec())
                .collect(),
        }
    }

    /// Each field's weight (log2 of m over u) at the row's level.
    pub fn weights(&self, g: &HolderGamma) -> [f64; 4] {
        let mut w = [0.0; 4];
        for (i, c) in HOLDER_COMPARISONS.iter().enumerate() {
            let l = g.level(c.field);
            w[i] = (self.m[i][l] / self.u[i][l]).log2();
        }
        w
    }

    /// The posterior that the row is the holder.
    pub(crate) fn posterior(&self, g: &HolderGamma) -> f64 {
        let bits = (self.prior / (1.0 - self.prior)).log2() + self.weights(g).iter().sum::<f64>();
        1.0 / (1.0 + (-bits).exp2())
    }
}

/// The models of both paths.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HolderModel {
    pub nik: PathModel,
    pub generic: PathModel,
}

impl Default for HolderModel {
    fn default() -> Self {
        HolderModel {
            nik: PathModel::declared(IdPath::Nik),
            generic: PathModel::declared(IdPath::Generic),
        }
    }
}

impl HolderModel {
    pub fn path(&self, path: IdPath) -> &PathModel {
        match path {
            IdPath::Nik => &self.nik,
            IdPath::Generic => &self.generic,
        }
    }

    /// The row's fit to the holder: the holder when the posterior reaches `at`; else
    /// another person, whose name agrees with the holder's or not.
    pub(crate) fn fit(&self, g: &HolderGamma, at: f64) -> Fit {
        if self.path(g.path).posterior(g) >= at {
            Fit::Same
        } else if g.name_agrees() {
            Fit::PersonDiffers
        } else {
            Fit::NameDiffers
        }
    }

    /// The evidence of the holder path: `holder=p0.9990[name=+8.7(exact),...]`.
    pub fn explain(&self, g: &HolderGamma) -> String {
        let model = self.path(g.path);
        let parts: Vec<String> = HOLDER_COMPARISONS
            .iter()
            .zip(model.weights(g))
            .map(|(c, w)| format!("{}={w:+.1}({})", c.name, c.levels[g.level(c.field)]))
            .collect();
        format!(
            "{EVIDENCE_KEY}{:.4}[{}]",
            model.posterior(g),
            parts.join(",")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_declared_path_is_a_model_of_probabilities() {
        for c in &HOLDER_COMPARISONS {
            assert_eq!(c.levels.len(), c.nik.m.len(), "{}", c.name);
            for p in [&c.nik, &c.generic] {
                assert_eq!(p.m.len(), p.u.len(), "{}", c.name);
                for v in [p.m, p.u] {
                    let sum: f64 = v.iter().sum();
                    assert!((sum - 1.0).abs() < 1e-4, "{}: {sum}", c.name);
                    assert!(v.iter().all(|&x| x > 0.0 && x < 1.0), "{}", c.name);
                }
            }
        }
    }

    #[test]
    fn behind_a_nik_no_copied_field_outweighs_a_name_with_no_part_of_the_holders() {
        let model = HolderModel::default();
        let g = HolderGamma {
            path: IdPath::Nik,
            name: HolderName::NoPartShared,
            birth_date: HolderDate::Agrees,
            sex: HolderSex::Agrees,
            home: Home::Same,
        };
        assert!(model.nik.posterior(&g) < 1e-4, "{}", model.explain(&g));
        assert_eq!(model.fit(&g, 0.5), Fit::NameDiffers);
        // A name that agrees survives a mistyped sex code, and a placeholder date.
        for (sex, date) in [
            (HolderSex::Differs, HolderDate::Agrees),
            (HolderSex::Agrees, HolderDate::Unknown),
            (HolderSex::Differs, HolderDate::Unknown),
        ] {
            let g = HolderGamma {
                name: HolderName::Agrees,
                sex,
                birth_date: date,
                home: Home::Other,
                ..g
            };
            assert_eq!(model.fit(&g, 0.5), Fit::Same, "{}", model.explain(&g));
        }
    }
}

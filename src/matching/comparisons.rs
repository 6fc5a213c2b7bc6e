//! The comparison library: every field of the model declared once.
//!
//! In: two records ([`Rec`]). Out: their comparison vector ([`Gamma`]), one named level per
//! field, read by name ([`Gamma::name`], [`Gamma::nik`], ...; [`Gamma::level`] by
//! [`Cmp`]), never by position.
//!
//! Each [`Comparison`] (as Splink's `comparison_library`) says what its field is called,
//! the names of its levels (level 0 the strongest agreement), the function that gives the
//! level, the priors of m and u per level, and whether an exact agreement is weighed by
//! term frequency. Scoring, training, the explanation, review and the decisions read these
//! declarations; adding a field means a [`Cmp`] variant and its entry in [`COMPARISONS`].

use crate::matching::compare;
use crate::matching::levels::{Agree, AreaLevel, DateLevel, NameLevel, NikLevel, StreetLevel};
use crate::matching::record::Rec;

/// A field of the comparison vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cmp {
    Name,
    BirthDate,
    Nik,
    Sex,
    Kk,
    Kelurahan,
    Rt,
    Street,
    BirthPlace,
}

/// Number of fields in a comparison vector.
pub(crate) const N_FIELDS: usize = 9;

/// Most levels in any field.
pub(crate) const MAX_LEVELS: usize = 6;

impl Cmp {
    /// Every field, in the vector's order.
    pub(crate) const ALL: [Cmp; N_FIELDS] = [
        Cmp::Name,
        Cmp::BirthDate,
        Cmp::Nik,
        Cmp::Sex,
        Cmp::Kk,
        Cmp::Kelurahan,
        Cmp::Rt,
        Cmp::Street,
        Cmp::BirthPlace,
    ];

    /// The field's declaration.
    pub fn decl(self) -> &'static Comparison {
        &COMPARISONS[self as usize]
    }

    /// The field's name in the model and the evidence.
    pub fn name(self) -> &'static str {
        self.decl().name
    }
}

/// One field's comparison, declared once.
pub struct Comparison {
    pub field: Cmp,
    /// The field's name in `model.json` and the evidence.
    pub name: &'static str,
    /// The levels' names, strongest agreement first.
    pub levels: &'static [&'static str],
    /// The level of two records (None: a value missing on either side, no evidence).
    pub level: fn(Rec<'_>, Rec<'_>) -> Option<u8>,
    /// Prior m-probabilities per level (the share of true matches at each level).
    pub m: &'static [f64],
    /// Prior u-probabilities per level (the share of random pairs at each level).
    pub u: &'static [f64],
    /// The levels weighed by the value's frequency in the register (a common name says less
    /// than a rare one): the exact level's u is the value's frequency; a level of similar
    /// values (a slip of one name) is moved by the same factor, u(exact) over the more
    /// frequent of the two values' frequencies, as Splink adjusts fuzzy levels.
    pub term_frequency: &'static [u8],
    /// Compared only inside one kelurahan (RT numbers and street names repeat across
    /// kelurahan): its u is the share of random pairs *of one kelurahan* at each level,
    /// since random pairs of the whole list rarely share one.
    pub within_kelurahan: bool,
}

fn agree(a: compare::Agreement) -> Option<u8> {
    match a {
        compare::Agreement::Agree => Some(Agree::Agree as u8),
        compare::Agreement::Differ => Some(Agree::Differs as u8),
        compare::Agreement::Missing => None,
    }
}

/// The kelurahan's level, the kecamatan's when the kelurahan does not agree (a kelurahan
/// typed as heard, a suburb mistyped, in the same kecamatan or postcode): nested areas
/// counted once, not twice.
fn area_level(a: Rec<'_>, b: Rec<'_>) -> Option<u8> {
    use compare::Agreement::{Agree, Differ, Missing};
    let level = match (compare::kelurahan_alike(a, b), compare::kecamatan(a, b)) {
        (Agree, _) => AreaLevel::Agree,
        (_, Agree) => AreaLevel::SameKecamatan,
        (Differ, _) | (Missing, Differ) => AreaLevel::Differs,
        (Missing, Missing) => return None,
    };
    Some(level as u8)
}

/// RT numbers and street names repeat across kelurahan: they count only inside the same
/// one.
fn same_kelurahan(a: Rec<'_>, b: Rec<'_>) -> bool {
    compare::kelurahan_alike(a, b) == compare::Agreement::Agree
}

/// The library, in the vector's order ([`Cmp::ALL`]).
pub(crate) static COMPARISONS: [Comparison; N_FIELDS] = [
    Comparison {
        field: Cmp::Name,
        name: "name",
        levels: NameLevel::NAMES,
        level: |a, b| compare::name_level(a, b).map(|l| l as u8),
        m: &[0.80, 0.10, 0.03, 0.03, 0.02, 0.02],
        u: &[0.0005, 0.0005, 0.0005, 0.002, 0.02, 0.9765],
        term_frequency: &[
            NameLevel::Exact as u8,
            NameLevel::Strong as u8,
            NameLevel::Phonetic as u8,
        ],
        within_kelurahan: false,
    },
    Comparison {
        field: Cmp::BirthDate,
        name: "birth_date",
        levels: DateLevel::NAMES,
        level: |a, b| compare::date_level(a, b).map(|l| l as u8),
        m: &[0.78, 0.08, 0.02, 0.06, 0.06],
        u: &[0.00005, 0.0002, 0.00001, 0.004, 0.99574],
        term_frequency: &[],
        within_kelurahan: false,
    },
    Comparison {
        field: Cmp::Nik,
        name: "nik",
        levels: NikLevel::NAMES,
        level: |a, b| compare::nik_level(a, b).map(|l| l as u8),
        m: &[0.85, 0.03, 0.02, 0.04, 0.01, 0.05],
        u: &[1e-9, 1e-8, 1e-9, 1e-7, 1e-5, 0.99998988],
        term_frequency: &[],
        within_kelurahan: false,
    },
    Comparison {
        field: Cmp::Sex,
        name: "sex",
        levels: Agree::NAMES,
        level: |a, b| agree(compare::sex(a, b)),
        m: &[0.98, 0.02],
        u: &[0.5, 0.5],
        term_frequency: &[],
        within_kelurahan: false,
    },
    Comparison {
        field: Cmp::Kk,
        name: "kk",
        levels: Agree::NAMES,
        level: |a, b| agree(compare::kk(a, b)),
        m: &[0.90, 0.10],
        u: &[1e-5, 0.99999],
        term_frequency: &[],
        within_kelurahan: false,
    },
    Comparison {
        field: Cmp::Kelurahan,
        name: "kelurahan",
        levels: AreaLevel::NAMES,
        level: area_level,
        m: &[0.75, 0.15, 0.10],
        u: &[0.03, 0.12, 0.85],
        term_frequency: &[],
        within_kelurahan: false,
    },
    Comparison {
        field: Cmp::Rt,
        name: "rt",
        levels: Agree::NAMES,
        level: |a, b| {
            if same_kelurahan(a, b) {
                agree(compare::rt(a, b))
            } else {
                None
            }
        },
        m: &[0.75, 0.25],
        u: &[0.03, 0.97],
        term_frequency: &[],
        within_kelurahan: true,
    },
    Comparison {
        field: Cmp::Street,
        name: "street",
        levels: StreetLevel::NAMES,
        level: |a, b| {
            if same_kelurahan(a, b) {
                compare::street_level(a, b).map(|l| l as u8)
            } else {
                None
            }
        },
        m: &[0.75, 0.15, 0.10],
        u: &[0.05, 0.15, 0.80],
        term_frequency: &[],
        within_kelurahan: true,
    },
    Comparison {
        field: Cmp::BirthPlace,
        name: "birth_place",
        levels: Agree::NAMES,
        level: |a, b| agree(compare::birth_place(a, b)),
        m: &[0.90, 0.10],
        u: &[0.10, 0.90],
        term_frequency: &[],
        within_kelurahan: false,
    },
];

/// The graded comparison of two records: one level per field, `None` where a value is
/// missing on either side (missing values carry no evidence). Read through the typed
/// accessors; the positions are this library's business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Gamma([Option<u8>; N_FIELDS]);

impl Gamma {
    /// No field compared.
    pub(crate) const NONE: Gamma = Gamma([None; N_FIELDS]);

    /// The level of field `c`, as its index among the field's levels.
    pub fn level(&self, c: Cmp) -> Option<u8> {
        self.0[c as usize]
    }

    /// This vector with field `c` at level `l` (None: missing).
    pub fn with(mut self, c: Cmp, l: Option<u8>) -> Gamma {
        self.0[c as usize] = l.filter(|&l| usize::from(l) < c.decl().levels.len());
        self
    }

    /// Each field with its level, in the vector's order.
    pub fn fields(&self) -> impl Iterator<Item = (Cmp, Option<u8>)> + '_ {
        Cmp::ALL.iter().map(move |&c| (c, self.0[c as usize]))
    }

    pub fn name(&self) -> Option<NameLevel> {
        self.level(Cmp::Name).map(NameLevel::from_index)
    }

    pub fn birth_date(&self) -> Option<DateLevel> {
        self.level(Cmp::BirthDate).map(DateLevel::from_index)
    }

    pub fn nik(&self) -> Option<NikLevel> {
        self.level(Cmp::Nik).map(NikLevel::from_index)
    }

    pub fn street(&self) -> Option<StreetLevel> {
        self.level(Cmp::Street).map(StreetLevel::from_index)
    }

    /// An agree/differs field (sex, KK, kelurahan, RT, birth place).
    pub(crate) fn agreement(&self, c: Cmp) -> Option<Agree> {
        debug_assert_eq!(c.decl().levels, Agree::NAMES, "{} is graded", c.name());
        self.level(c).map(Agree::from_index)
    }

    /// Field `c` agrees (level 0).
    pub fn agrees(&self, c: Cmp) -> bool {
        self.level(c) == Some(0)
    }

    /// The name agrees at `at_least` or better.
    pub(crate) fn name_at_least(&self, at_least: NameLevel) -> bool {
        self.name().is_some_and(|l| l <= at_least)
    }
}

/// Compare two records field by field.
pub(crate) fn gamma(a: Rec<'_>, b: Rec<'_>) -> Gamma {
    let mut g = Gamma::NONE;
    for c in &COMPARISONS {
        g.0[c.field as usize] = (c.level)(a, b);
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_are_in_the_vectors_order_and_their_priors_are_distributions() {
        for (i, c) in COMPARISONS.iter().enumerate() {
            assert_eq!(c.field as usize, i, "{}", c.name);
            assert_eq!(Cmp::ALL[i], c.field);
            assert!(c.levels.len() <= MAX_LEVELS, "{}", c.name);
            for (what, p) in [("m", c.m), ("u", c.u)] {
                assert_eq!(p.len(), c.levels.len(), "{what} of {}", c.name);
                let sum: f64 = p.iter().sum();
                assert!(
                    (sum - 1.0).abs() < 1e-6,
                    "{what} of {} sums to {sum}",
                    c.name
                );
            }
        }
    }

    #[test]
    fn levels_read_by_name_are_the_levels_stored() {
        let g = Gamma::NONE
            .with(Cmp::Name, Some(NameLevel::Fuzzy as u8))
            .with(Cmp::Nik, Some(NikLevel::AdjacentSwap as u8))
            .with(Cmp::Kk, Some(Agree::Differs as u8))
            .with(Cmp::Street, Some(9));
        assert_eq!(g.name(), Some(NameLevel::Fuzzy));
        assert!(g.name_at_least(NameLevel::Weak) && !g.name_at_least(NameLevel::Phonetic));
        assert!(g.nik().is_some_and(NikLevel::one_error));
        assert_eq!(g.agreement(Cmp::Kk), Some(Agree::Differs));
        assert!(!g.agrees(Cmp::Kk));
        // A level the field does not have is stored as missing.
        assert_eq!(g.street(), None);
        assert_eq!(g.birth_date(), None);
        assert_eq!(NikLevel::SameRegionAndDate.word(), "same_region_and_date");
    }
}

#[cfg(test)]
mod field_tests {
    use super::*;
    use crate::core::config::Field;
    use crate::matching::compare::nik_two_substitutions;
    use crate::matching::record::{testing::records, Records};

    const FIELDS: [Field; 9] = [
        Field::Nik,
        Field::Name,
        Field::BirthDate,
        Field::Sex,
        Field::Kk,
        Field::Kelurahan,
        Field::Rt,
        Field::Address,
        Field::BirthPlace,
    ];

    fn person(cells: [&str; 9]) -> Records {
        records(&FIELDS, &[&cells])
    }

    const BASE: [&str; 9] = [
        "6471054507890003",
        "Siti Aminah",
        "05-07-1989",
        "P",
        "6471051203100005",
        "Sepinggan",
        "3",
        "Jl. Mawar No. 5",
        "Balikpapan",
    ];

    fn with(i: usize, v: &str) -> Records {
        let mut c = BASE;
        c[i] = v;
        person(c)
    }

    fn level(field: Cmp, other: &Records) -> Option<u8> {
        let base = person(BASE);
        let g = gamma(base.get(0), other.get(0)).level(field);
        assert_eq!(
            g,
            gamma(other.get(0), base.get(0)).level(field),
            "symmetric"
        );
        g
    }

    #[test]
    fn street_levels() {
        let cases = [
            ("Jl. Mawar No. 5", Some(0)),
            ("JLMAWAR NO5", Some(0)),
            ("Jl. Mawra No. 5", Some(0)),
            ("Jln Mawar Nmr 5 Blok", Some(0)),
            ("Jl. Melati No. 12", Some(1)),
            ("Gg. Kenari", Some(2)),
            ("", None),
        ];
        for (v, want) in cases {
            assert_eq!(level(Cmp::Street, &with(7, v)), want, "{v:?}");
        }
    }

    #[test]
    fn two_substituted_nik_digits() {
        let cases = [
            ("6471054507890003", false),
            ("6471054507890093", false),
            ("6471054507810093", true),
            ("6471054507890030", true),
            ("6471054507819993", false),
            ("", false),
        ];
        for (v, want) in cases {
            let other = with(0, v);
            let (a, b) = (person(BASE), other);
            assert_eq!(nik_two_substitutions(a.get(0), b.get(0)), want, "{v:?}");
        }
    }

    #[test]
    fn name_levels() {
        let cases = [
            ("SITI AMINAH", Some(0)),
            ("Siti", Some(1)),
            ("Siti Aminh", Some(1)),
            ("Siti Rahma", Some(4)),
            ("Sitti Aminah", Some(1)),
            ("Ziti Aminah", Some(2)),
            ("Budi Santoso", Some(5)),
            ("", None),
        ];
        for (v, want) in cases {
            assert_eq!(level(Cmp::Name, &with(1, v)), want, "{v:?}");
        }
    }

    #[test]
    fn date_levels() {
        let cases = [
            ("1989-07-05", Some(0)),
            ("07-05-1989", Some(2)),
            ("05-07-1988", Some(3)),
            ("12-12-1970", Some(4)),
            ("", None),
        ];
        for (v, want) in cases {
            assert_eq!(level(Cmp::BirthDate, &with(2, v)), want, "{v:?}");
        }
        // Both on the placeholder 1 July: weak.
        let a = with(2, "01-07-1970");
        assert_eq!(
            gamma(a.get(0), a.get(0)).birth_date(),
            Some(DateLevel::ExactPlaceholder)
        );
    }

    #[test]
    fn nik_levels() {
        let cases = [
            ("6471054507890003", Some(0)),
            ("6471054507890008", Some(1)),
            ("6471054507890030", Some(2)),
            ("6471045507890003", Some(2)),
            ("6.471054507E+15", Some(3)),
            ("6471054507890000", Some(3)),
            ("647105450789003", Some(3)),
            ("6471054507890117", Some(4)),
            ("3171054507890003", Some(5)),
            ("", None),
        ];
        for (v, want) in cases {
            assert_eq!(level(Cmp::Nik, &with(0, v)), want, "{v:?}");
        }
    }

    #[test]
    fn a_kelurahan_typed_otherwise_counts_as_its_kecamatan_once() {
        let fields = [Field::Nik, Field::Name, Field::Kelurahan, Field::Kecamatan];
        let area =
            |kel: &str, kec: &str| records(&fields, &[&["6471054507890003", "Siti", kel, kec]]);
        let base = area("SEPINGGAN", "BALIKPAPAN SELATAN");
        let cases = [
            (
                area("Sepinggan", "Balikpapan Selatan"),
                Some(AreaLevel::Agree),
            ),
            // The kelurahan agreeing is counted once: the kecamatan is not asked.
            (area("Sepinggan", "Balikpapan Kota"), Some(AreaLevel::Agree)),
            (
                area("Sepinggan Baru", "Balikpapan Selatan"),
                Some(AreaLevel::SameKecamatan),
            ),
            (
                area("", "Balikpapan Selatan"),
                Some(AreaLevel::SameKecamatan),
            ),
            (area("Damai", "Balikpapan Kota"), Some(AreaLevel::Differs)),
            // Typed as heard: one slip for a key of
            // 5 to 8 letters, two from 9.
            (
                area("Sepingan", "Balikpapan Selatan"),
                Some(AreaLevel::Agree),
            ),
            (area("Sepinggna", ""), Some(AreaLevel::Agree)),
            (
                area("Spinggan", "Balikpapan Selatan"),
                Some(AreaLevel::Agree),
            ),
            (area("Sepinggaan", ""), Some(AreaLevel::Agree)),
            // Two slips in a key of seven letters: another kelurahan of the kecamatan.
            (
                area("Spingan", "Balikpapan Selatan"),
                Some(AreaLevel::SameKecamatan),
            ),
            // As the same name in another kecamatan agrees, so does one a slip away.
            (area("Sepingan", "Balikpapan Kota"), Some(AreaLevel::Agree)),
            (area("Sepinggan Baru", ""), Some(AreaLevel::Differs)),
            (area("", "Balikpapan Kota"), Some(AreaLevel::Differs)),
            (area("", ""), None),
        ];
        for (other, want) in cases {
            let got = gamma(base.get(0), other.get(0)).level(Cmp::Kelurahan);
            assert_eq!(got, want.map(|l| l as u8), "{:?}", other.get(0).kelurahan());
        }
    }

    #[test]
    fn other_levels() {
        assert_eq!(level(Cmp::Sex, &with(3, "L")), Some(1));
        assert_eq!(level(Cmp::Sex, &with(3, "PEREMPUAN")), Some(0));
        assert_eq!(level(Cmp::Kk, &with(4, "")), None);
        assert_eq!(level(Cmp::Kk, &with(4, "6471051203100006")), Some(1));
        assert_eq!(level(Cmp::Kelurahan, &with(5, "SEPINGGAN")), Some(0));
        // Another kelurahan, no kecamatan to say more: differs.
        assert_eq!(level(Cmp::Kelurahan, &with(5, "Damai")), Some(2));
        assert_eq!(level(Cmp::Rt, &with(6, "003")), Some(0));
        assert_eq!(level(Cmp::Rt, &with(6, "4")), Some(1));
        assert_eq!(level(Cmp::Street, &with(7, "JALAN MAWAR NOMOR 5")), Some(0));
        assert_eq!(level(Cmp::Street, &with(7, "Gg. Mawar No. 9")), Some(1));
        assert_eq!(level(Cmp::Street, &with(7, "Jl. Sudirman")), Some(1));
        assert_eq!(level(Cmp::Street, &with(7, "Komp. Griya Indah")), Some(2));
        assert_eq!(level(Cmp::BirthPlace, &with(8, "BALIKPAPAN")), Some(0));
        assert_eq!(level(Cmp::BirthPlace, &with(8, "Samarinda")), Some(1));
        assert_eq!(level(Cmp::BirthPlace, &with(8, "")), None);
        // RT and street in another kelurahan carry no evidence.
        let mut c = BASE;
        c[5] = "Damai";
        assert_eq!(level(Cmp::Rt, &person(c)), None);
        assert_eq!(level(Cmp::Street, &person(c)), None);
        // In the same kelurahan typed with a slip, they do.
        c[5] = "Sepingan";
        assert_eq!(level(Cmp::Rt, &person(c)), Some(0));
        assert_eq!(level(Cmp::Street, &person(c)), Some(0));
        // Keys of four letters allow no slip: `DAMAI` has five, `KUTA` and `KOTA` four.
        let (mut d, mut e) = (BASE, BASE);
        (d[5], e[5]) = ("Kuta", "Kota");
        let g = gamma(person(d).get(0), person(e).get(0));
        assert_eq!(g.level(Cmp::Kelurahan), Some(AreaLevel::Differs as u8));
    }
}

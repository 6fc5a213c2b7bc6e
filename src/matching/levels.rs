//! The levels of the comparisons: for each kind of field, its named levels, strongest
//! agreement first.
//!
//! In: nothing (types only). Out: [`NameLevel`], [`DateLevel`], [`NikLevel`], [`Agree`]
//! and [`StreetLevel`], which the field functions of [`crate::matching::compare`] return
//! and [`crate::matching::comparisons`] declares and stores.

/// Declare a level type: its variants (strongest first) and their names as written in the
/// model and the evidence.
macro_rules! levels {
    ($(#[$doc:meta])* $ty:ident { $($(#[$vdoc:meta])* $var:ident = $name:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $ty {
            $($(#[$vdoc])* $var),+
        }

        impl $ty {
            /// The levels' names, in order.
            pub(crate) const NAMES: &'static [&'static str] = &[$($name),+];
            #[allow(dead_code)]
            const ALL: &'static [$ty] = &[$($ty::$var),+];

            /// The level stored as `l` in a
            /// [`Gamma`](crate::matching::comparisons::Gamma).
            #[allow(dead_code)]
            pub(crate) fn from_index(l: u8) -> Self {
                Self::ALL[usize::from(l).min(Self::ALL.len() - 1)]
            }

            /// The level's name (tests read some levels' names).
            #[cfg(test)]
            #[allow(dead_code)]
            pub(crate) fn word(self) -> &'static str {
                Self::NAMES[self as usize]
            }
        }
    };
}

levels! {
    /// How two names compare ([`crate::matching::compare::name_level`]).
    NameLevel {
        /// The same name.
        Exact = "exact",
        /// Similarity at least 0.95 (a slip, a dropped title).
        Strong = "strong",
        /// The same sound key (`ACHMAD`/`AHMAD`, `NUR HAYATI`/`NURHAYATI`).
        Phonetic = "phonetic",
        /// Similarity at least 0.88.
        Fuzzy = "fuzzy",
        /// Similarity at least 0.75.
        Weak = "weak",
        Differs = "differs",
    }
}

levels! {
    /// How two birth dates compare ([`crate::matching::compare::date_level`]).
    DateLevel {
        Exact = "exact",
        /// Equal, but a placeholder date (1 July, 31 December, 1 January) on one side.
        ExactPlaceholder = "exact_placeholder",
        DayMonthSwapped = "day_month_swapped",
        /// One of day, month and year differs.
        OnePartDiffers = "one_part_differs",
        Differs = "differs",
    }
}

levels! {
    /// How two NIKs (or plain identifiers) compare ([`crate::matching::compare::nik_level`]).
    NikLevel {
        Exact = "exact",
        OneSubstitution = "one_substitution",
        AdjacentSwap = "adjacent_swap",
        /// A damaged or shortened NIK agreeing as far as it goes.
        DamagedAgrees = "damaged_agrees",
        /// The first 12 digits agree: the same region and birth date, another serial.
        SameRegionAndDate = "same_region_and_date",
        Differs = "differs",
    }
}

levels! {
    /// Two values of a field compared for equality.
    Agree {
        Agree = "agree",
        Differs = "differs",
    }
}

levels! {
    /// Where two records live: the kelurahan, else the kecamatan (a postcode, for records
    /// laid out in English) when the kelurahan was typed otherwise or not at all.
    AreaLevel {
        /// The same kelurahan.
        Agree = "agree",
        /// Another (or no) kelurahan, the same kecamatan.
        SameKecamatan = "same_kecamatan",
        Differs = "differs",
    }
}

levels! {
    /// How two streets compare ([`crate::matching::compare::street_level`]).
    StreetLevel {
        /// Most tokens in common, or the same letters split otherwise.
        Same = "same",
        Overlaps = "overlaps",
        Differs = "differs",
    }
}

impl DateLevel {
    /// The dates say another day: one part or more differs.
    pub fn against(self) -> bool {
        matches!(self, DateLevel::OnePartDiffers | DateLevel::Differs)
    }

    /// The same day, or day and month swapped (not a placeholder).
    pub fn agrees(self) -> bool {
        matches!(self, DateLevel::Exact | DateLevel::DayMonthSwapped)
    }
}

impl NikLevel {
    /// One typing or spreadsheet error away, not the same.
    pub(crate) fn one_error(self) -> bool {
        matches!(
            self,
            NikLevel::OneSubstitution | NikLevel::AdjacentSwap | NikLevel::DamagedAgrees
        )
    }
}

levels! {
    /// A row's name against the holder's, on the identifier's path
    /// ([`crate::matching::holder`]).
    HolderName {
        /// The same name.
        Exact = "exact",
        /// At least the name threshold, or the same sound key (a slip, a spelling).
        Agrees = "agrees",
        /// Similarity at least 0.75 (one part replaced or mistyped), with a part shared.
        Weak = "weak",
        /// Less alike, but a part in common (a token, a slip of one, an initial, a sound).
        SharesPart = "shares_a_part",
        /// No part in common, or no name on either side: another person's name.
        NoPartShared = "no_part_shared",
    }
}

levels! {
    /// Two birth dates on the identifier's path ([`crate::matching::holder`]).
    HolderDate {
        /// The same day, or day and month swapped.
        Agrees = "agrees",
        /// No evidence either way: a date missing, a placeholder date (1 July, 31
        /// December, 1 January) of the same year or a year's slip away, one part differing
        /// by a slip of the year.
        Unknown = "unknown",
        /// Another day.
        Differs = "differs",
    }
}

levels! {
    /// Two sex codes on the identifier's path (often mistyped: weak evidence).
    HolderSex {
        Agrees = "agrees",
        Unknown = "unknown",
        Differs = "differs",
    }
}

levels! {
    /// Two homes on the identifier's path: the street within the kelurahan.
    Home {
        /// The same street in the same kelurahan.
        Same = "same",
        /// Neither the same nor clearly another (a value missing, a street that overlaps).
        Other = "other",
        /// Another kelurahan and another street.
        Differs = "differs",
    }
}

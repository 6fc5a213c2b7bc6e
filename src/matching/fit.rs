//! Behind a NIK: is the row the NIK's holder, or a member of the holder's household?
//!
//! In: an aid row and the register person whose NIK it carries (and, for the household,
//! the [`RegisterIndex`]). Out: a [`Fit`] (the same person, a name that differs, or a
//! person who differs), the household member who fits better, and the tests of a shared
//! home that the fuzzy stage and duplicate clustering read from a comparison vector.

use crate::core::config::MatchConfig;
use crate::matching::compare;
use crate::matching::comparisons::{Cmp, Gamma};
use crate::matching::levels::{Agree, DateLevel, NameLevel, StreetLevel};
use crate::matching::record::{Rec, Records};
use crate::matching::register_index::RegisterIndex;
use crate::normalize::nik::NikParse;

/// Whether an aid row is the register person whose NIK it carries.
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

/// Decide whether `a` is `b` from the personal fields: the name, the birth date and the sex.
/// KK and address are left out on purpose: the people who end up on someone else's NIK are
/// mostly of the same household, and share both.
///
/// - A name that agrees (score at least `name_threshold`, or the same sound key) is the same person unless the
///   birth date differs outright (two of day, month, year) or the sex differs; an identical
///   name only when both do.
/// - A weaker name (one part replaced or mistyped, score from 0.75) is the same person when
///   the birth date agrees (not a placeholder date) and the sex does not differ.
/// - A name that differs more is still the same person when the birth date agrees, the sex
///   does not differ and the street and kelurahan are the same ([`same_home`]).
/// - Otherwise the names differ.
///
/// A plain identifier (`id_kind = "generic"`) is trusted further, as Splink's model does:
/// the record is its holder unless two of name, birth date, sex and home differ and none of
/// name (from 0.75), birth date and home agrees.
pub fn person_fit(a: Rec<'_>, b: Rec<'_>, name_score: f64, name_threshold: f64) -> Fit {
    let name_score = agreeing(a, b, name_score, name_threshold);
    let date = compare::date_parts(a, b);
    // A placeholder date in the list (1 July, 31 December, 1 January: the clerk did not
    // know the day) tells only its year. Against a placeholder in the register, a list's
    // own other date is evidence of another person (a child named after a parent).
    let placeholder = a.birth.is_some_and(|d| d.weak);
    let date_differs = match date {
        Some(DateLevel::Differs) => !placeholder || !year_typo(a, b),
        Some(DateLevel::OnePartDiffers) => !year_typo(a, b),
        _ => false,
    };
    let date_agrees = date.is_some_and(DateLevel::agrees);
    let sex_differs = compare::sex(a, b) == compare::Agreement::Differ;
    if matches!(a.nik(), NikParse::Generic(_)) && matches!(b.nik(), NikParse::Generic(_)) {
        // A plain identifier (a social-security or record number) carries no household:
        // nobody else's forms are filled with it. It is the holder's unless two of name,
        // birth date, sex and home are against it and none is behind it.
        let home_differs = compare::kelurahan(a, b) == compare::Agreement::Differ
            && compare::street_level(a, b).is_some_and(|l| l != StreetLevel::Same);
        let against = usize::from(name_score < 0.75)
            + usize::from(date_differs)
            + usize::from(sex_differs)
            + usize::from(home_differs);
        let behind = name_score >= 0.75 || date_agrees || same_home(a, b);
        return if against >= 2 && !behind {
            if name_score >= name_threshold {
                Fit::PersonDiffers
            } else {
                Fit::NameDiffers
            }
        } else {
            Fit::Same
        };
    }
    // Behind a NIK the name tells who the row is: a name with no part of the holder's is
    // someone else's, however many of the card's copied fields (KK, address, birth date)
    // agree.
    if !a.name().is_empty()
        && !b.name().is_empty()
        && name_score < name_threshold
        && !crate::normalize::name::share_a_part(a.name(), b.name())
    {
        return Fit::NameDiffers;
    }
    if name_score >= 1.0 {
        if date_differs && sex_differs {
            Fit::PersonDiffers
        } else {
            Fit::Same
        }
    } else if name_score >= name_threshold {
        // A sex code is often mistyped: alone it withholds nobody whose name agrees.
        if date_differs {
            Fit::PersonDiffers
        } else {
            Fit::Same
        }
    } else if name_score >= 0.75 && date_agrees && !sex_differs {
        Fit::Same
    } else if date_agrees && !sex_differs && same_home(a, b) && !a.name().is_empty() {
        // One name part replaced or missing (`JACK` for `ELTON`, a surname changed at
        // marriage), but the same birth date at the same street: the holder. A household
        // member who fits better was looked for first.
        Fit::Same
    } else {
        Fit::NameDiffers
    }
}

/// A name score below the threshold counts as agreeing when the names share their sound
/// key (`ACHMAD FAUZI` / `AHMAD FAUSI`).
fn agreeing(a: Rec<'_>, b: Rec<'_>, name_score: f64, name_threshold: f64) -> f64 {
    if name_score < name_threshold && compare::same_sound(a, b) {
        name_threshold
    } else {
        name_score
    }
}

/// The same street (most tokens in common) in the same kelurahan.
fn same_home(a: Rec<'_>, b: Rec<'_>) -> bool {
    compare::kelurahan(a, b) == compare::Agreement::Agree
        && compare::street_level(a, b) == Some(StreetLevel::Same)
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

/// Whether two records with different identifiers are the same person on the strength of
/// everything else: a strong or exact name, the same birth date (not a placeholder), and the
/// same household (KK) or the same street in the same kelurahan. Namesakes born the same
/// day (NIKs a digit or two apart in one kecamatan) do not also share a home.
pub fn corroborated(g: &Gamma) -> bool {
    g.name_at_least(NameLevel::Phonetic)
        && g.birth_date() == Some(DateLevel::Exact)
        && shares_home(g)
        && g.agreement(Cmp::Sex) != Some(Agree::Differs)
}

/// The same household (KK) or the same street in the same kelurahan.
pub fn shares_home(g: &Gamma) -> bool {
    g.agrees(Cmp::Kk) || (g.agrees(Cmp::Kelurahan) && g.street() == Some(StreetLevel::Same))
}

/// Whether the birth dates support the same person: equal (or day and month swapped); a
/// placeholder date in the list (`a`) of the same year; for an identical name also equal
/// on a register's placeholder date, or missing.
pub fn date_fits(a: Rec<'_>, b: Rec<'_>, name_score: f64) -> bool {
    use chrono::Datelike;
    if let (Some(x), Some(y)) = (a.birth, b.birth) {
        if x.weak && x.date.year() == y.date.year() {
            return true;
        }
    }
    match compare::date_parts(a, b) {
        Some(l) if l.agrees() => true,
        Some(DateLevel::ExactPlaceholder) | None => name_score >= 1.0,
        _ => false,
    }
}

/// A member of the NIK holder's household (same KK as the holder; when the row gives a KK
/// it must be the holder's, else the NIK did not come from the row's household) who fits
/// the row better than the holder does: the name agrees at least as well as the
/// threshold and better than the holder's, the birth date fits ([`date_fits`]) and the sex
/// does not differ. The best such member when one is clearly
/// best; None otherwise.
pub fn household_member(
    aid: Rec<'_>,
    holder: Rec<'_>,
    holder_score: f64,
    holder_date_ok: bool,
    register: &Records,
    index: &RegisterIndex,
    cfg: &MatchConfig,
) -> Option<(usize, f64)> {
    let kk = holder.kk?;
    if aid.kk.is_some_and(|k| k != kk) {
        return None;
    }
    let mut best: Option<(usize, f64)> = None;
    let mut tie = false;
    for r in index.household(register, kk.get()) {
        let m = register.get(r);
        if std::ptr::eq(m.p, holder.p) {
            continue;
        }
        // Cheap checks first: most members are born on other days.
        if compare::date_level(aid, m).is_some_and(DateLevel::against)
            || compare::sex(aid, m) == compare::Agreement::Differ
        {
            continue;
        }
        let s = agreeing(aid, m, compare::name(aid, m), cfg.name_threshold);
        let better = s > holder_score || (s == holder_score && !holder_date_ok);
        if s < cfg.name_threshold || !better || !date_fits(aid, m, s) {
            continue;
        }
        match best {
            Some((_, bs)) if bs > s => {}
            Some((_, bs)) if bs == s => tie = true,
            _ => {
                best = Some((r, s));
                tie = false;
            }
        }
    }
    best.filter(|_| !tie)
}

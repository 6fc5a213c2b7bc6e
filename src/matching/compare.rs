//! Field comparisons between two normalized records.
//!
//! In: two records ([`Rec`]). Out: per-field agreement levels, the evidence string written to the
//! outputs (`name=0.95;birth_date=agree;sex=agree;kelurahan=differs;rt=agree`), and an
//! address-agreement score used to choose which row of a duplicate group is kept.
//! Every comparison is symmetric.

use crate::matching::areas::slip_apart;
use crate::matching::levels::{DateLevel, NameLevel, NikLevel, StreetLevel};
use crate::matching::record::Rec;
use crate::normalize::name::name_similarity;
use crate::normalize::nik::NikParse;

/// How two values of one field compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    Agree,
    Differ,
    /// One side (or both) has no value.
    Missing,
}

impl Agreement {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Agreement::Agree => "agree",
            Agreement::Differ => "differs",
            Agreement::Missing => "missing",
        }
    }
}

fn cmp_opt<T: PartialEq>(a: Option<T>, b: Option<T>) -> Agreement {
    match (a, b) {
        (Some(x), Some(y)) if x == y => Agreement::Agree,
        (Some(_), Some(_)) => Agreement::Differ,
        _ => Agreement::Missing,
    }
}

fn cmp_text(a: &str, b: &str) -> Agreement {
    cmp_opt(
        Some(a).filter(|s| !s.is_empty()),
        Some(b).filter(|s| !s.is_empty()),
    )
}

/// Two area values: by id when both records share a pool (equal ids are equal values,
/// id 0 the empty one), by text otherwise.
fn cmp_area(
    a: Rec<'_>,
    b: Rec<'_>,
    id: impl Fn(&Rec<'_>) -> u32,
    text: impl for<'r> Fn(&Rec<'r>) -> &'r str,
) -> Agreement {
    if std::ptr::eq(a.pool, b.pool) {
        let (x, y) = (id(&a), id(&b));
        cmp_opt(Some(x).filter(|&v| v != 0), Some(y).filter(|&v| v != 0))
    } else {
        cmp_text(text(&a), text(&b))
    }
}

pub fn name(a: Rec<'_>, b: Rec<'_>) -> f64 {
    if std::ptr::eq(a.pool, b.pool) && a.name == b.name && a.name != 0 {
        return 1.0;
    }
    name_similarity(a.name(), b.name())
}

pub fn birth_date(a: Rec<'_>, b: Rec<'_>) -> Agreement {
    cmp_opt(a.birth.map(|d| d.date), b.birth.map(|d| d.date))
}

pub fn sex(a: Rec<'_>, b: Rec<'_>) -> Agreement {
    cmp_opt(a.sex, b.sex)
}

pub fn kk(a: Rec<'_>, b: Rec<'_>) -> Agreement {
    cmp_opt(a.kk, b.kk)
}

pub fn kelurahan(a: Rec<'_>, b: Rec<'_>) -> Agreement {
    cmp_area(a, b, |r| r.kelurahan, |r| r.kelurahan())
}

/// Kelurahan as the model weighs them: the same, or spelled one typing slip apart
/// ([`crate::matching::areas::slip_apart`]: `SALISBRUYEAST` for `SALISBURYEAST`, a
/// spelling the register does not hold and reconciliation could not place). As two equal
/// names agree whatever the kecamatan (the kelurahan is compared by its name), so do two
/// names a slip apart: a postcode is mistyped as often as a suburb.
pub(crate) fn kelurahan_alike(a: Rec<'_>, b: Rec<'_>) -> Agreement {
    match kelurahan(a, b) {
        Agreement::Differ if slip_apart(a.kelurahan(), b.kelurahan()) => Agreement::Agree,
        other => other,
    }
}

pub fn kecamatan(a: Rec<'_>, b: Rec<'_>) -> Agreement {
    cmp_area(a, b, |r| r.kecamatan, |r| r.kecamatan())
}

pub fn rt(a: Rec<'_>, b: Rec<'_>) -> Agreement {
    cmp_opt(a.rtrw.rt, b.rtrw.rt)
}

pub fn rw(a: Rec<'_>, b: Rec<'_>) -> Agreement {
    cmp_opt(a.rtrw.rw, b.rtrw.rw)
}

/// Share of street tokens in common (Jaccard), 0 when either is empty.
pub fn street(a: Rec<'_>, b: Rec<'_>) -> f64 {
    if a.street().is_empty() || b.street().is_empty() {
        return 0.0;
    }
    let common = a.street().iter().filter(|t| b.street().contains(t)).count();
    let union = a.street().len() + b.street().len() - common;
    common as f64 / union as f64
}

/// How well two addresses agree: kelurahan 2, RT 1, RW 1, street tokens up to 1.
pub(crate) fn address_score(a: Rec<'_>, b: Rec<'_>) -> f64 {
    let pts = |g: Agreement, w: f64| if g == Agreement::Agree { w } else { 0.0 };
    pts(kelurahan(a, b), 2.0) + pts(rt(a, b), 1.0) + pts(rw(a, b), 1.0) + street(a, b)
}

/// The evidence written next to a decision: the name score and each field's agreement.
pub fn evidence(a: Rec<'_>, b: Rec<'_>, name_score: f64) -> String {
    format!(
        "name={:.2};birth_date={};sex={};kk={};kelurahan={};rt={};street={:.2}",
        name_score,
        birth_date(a, b).word(),
        sex(a, b).word(),
        kk(a, b).word(),
        kelurahan(a, b).word(),
        rt(a, b).word(),
        street(a, b),
    )
}

/// Name level from the similarity: 1.0, >= 0.95, the same sound key
/// ([`crate::normalize::name::phonetic_key`]: `ACHMAD`/`AHMAD`, `NUR HAYATI`/`NURHAYATI`),
/// >= 0.88, >= 0.75, below.
pub(crate) fn name_level(a: Rec<'_>, b: Rec<'_>) -> Option<NameLevel> {
    if a.name().is_empty() || b.name().is_empty() {
        return None;
    }
    let s = name(a, b);
    Some(match s {
        s if s >= 1.0 => NameLevel::Exact,
        s if s >= 0.95 => NameLevel::Strong,
        _ if same_sound(a, b) => NameLevel::Phonetic,
        s if s >= 0.88 => NameLevel::Fuzzy,
        s if s >= 0.75 => NameLevel::Weak,
        _ => NameLevel::Differs,
    })
}

/// Whether two names share their sound key.
pub(crate) fn same_sound(a: Rec<'_>, b: Rec<'_>) -> bool {
    if a.name().is_empty() || b.name().is_empty() {
        return false;
    }
    a.sound().full == b.sound().full
}

/// Birth-date level, a placeholder read for its year: exact; a placeholder date (1 July,
/// 31 December, 1 January: the clerk did not know the day) on either side and the same
/// year (weak evidence); day and month swapped; one of day, month and year differs;
/// differs. The model's comparison.
pub(crate) fn date_level(a: Rec<'_>, b: Rec<'_>) -> Option<DateLevel> {
    use chrono::Datelike;
    let level = date_parts(a, b)?;
    let (x, y) = (a.birth?, b.birth?);
    let placeholder_year = (x.weak || y.weak) && x.date.year() == y.date.year();
    Some(if level > DateLevel::ExactPlaceholder && placeholder_year {
        DateLevel::ExactPlaceholder
    } else {
        level
    })
}

/// Birth-date level by the dates' parts, a placeholder taken at its word: exact, exact on
/// a placeholder date (weak), day and month swapped, one of day/month/year differs,
/// differs. The rules behind a NIK read a placeholder on the list's side only
/// ([`crate::matching::fit`]).
pub(crate) fn date_parts(a: Rec<'_>, b: Rec<'_>) -> Option<DateLevel> {
    use chrono::Datelike;
    let (x, y) = (a.birth?, b.birth?);
    let (dx, dy) = (x.date, y.date);
    Some(if dx == dy {
        if x.weak || y.weak {
            DateLevel::ExactPlaceholder
        } else {
            DateLevel::Exact
        }
    } else if dx.year() == dy.year() && dx.day() == dy.month() && dx.month() == dy.day() {
        DateLevel::DayMonthSwapped
    } else {
        let same = usize::from(dx.year() == dy.year())
            + usize::from(dx.month() == dy.month())
            + usize::from(dx.day() == dy.day());
        if same == 2 {
            DateLevel::OnePartDiffers
        } else {
            DateLevel::Differs
        }
    })
}

/// The digits a record's NIK cell offers for comparison, and whether they are a damaged
/// prefix (scientific notation) or a rounded number.
fn nik_digits(p: Rec<'_>) -> Option<(&str, bool)> {
    use crate::normalize::nik::{NikIssue, NikParse};
    match p.nik() {
        NikParse::Valid { nik, .. } => Some((nik.as_str(), false)),
        NikParse::Generic(id) if !id.is_empty() => Some((id, false)),
        NikParse::Damaged { digits, .. } if !digits.is_empty() => Some((digits, true)),
        NikParse::Invalid { cleaned, issue }
            if *issue != NikIssue::NikNonDigit
                && !cleaned.is_empty()
                && cleaned.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Some((cleaned, false))
        }
        _ => None,
    }
}

/// True when `long` is `short` with one digit inserted.
fn one_deletion(short: &[u8], long: &[u8]) -> bool {
    if long.len() != short.len() + 1 {
        return false;
    }
    let i = short.iter().zip(long).take_while(|(a, b)| a == b).count();
    short[i..] == long[i + 1..]
}

/// NIK level: equal; one digit substituted; two adjacent digits swapped; a damaged or
/// shortened NIK that agrees with the other as far as it goes (scientific-notation prefix,
/// rounding of the 16th digit, one digit dropped); same region and date segment (the first
/// 12 digits, e.g. people born the same day in the same kecamatan); differs.
pub(crate) fn nik_level(a: Rec<'_>, b: Rec<'_>) -> Option<NikLevel> {
    let (x, x_damaged) = nik_digits(a)?;
    let (y, y_damaged) = nik_digits(b)?;
    let (xb, yb) = (x.as_bytes(), y.as_bytes());
    if x == y && !x_damaged && !y_damaged {
        return Some(NikLevel::Exact);
    }
    if xb.len() == yb.len() {
        let n = xb.len();
        // The first differing positions (three are enough to tell "more than two").
        let mut diff = [0usize; 3];
        let mut k = 0;
        for i in (0..n).filter(|&i| xb[i] != yb[i]) {
            if k == 3 {
                break;
            }
            diff[k] = i;
            k += 1;
        }
        match &diff[..k] {
            [_] if !x_damaged && !y_damaged => {
                // The 16th digit of a NIK rounded by a spreadsheet counts as damage.
                let rounded = n == 16 && diff[0] == 15 && (xb[15] == b'0' || yb[15] == b'0');
                return Some(if rounded {
                    NikLevel::DamagedAgrees
                } else {
                    NikLevel::OneSubstitution
                });
            }
            [i, j] if *j == i + 1 && xb[*i] == yb[*j] && xb[*j] == yb[*i] => {
                return Some(NikLevel::AdjacentSwap)
            }
            _ => {}
        }
    }
    if xb.len() == 16 && yb.len() == 16 {
        if x_damaged || y_damaged {
            // Float precision loss keeps 15 digits.
            let n = 15;
            if xb[..n] == yb[..n] {
                return Some(NikLevel::DamagedAgrees);
            }
        }
        // Rounded to 15 significant digits: within 5 of each other, one ending in 0 (the
        // last digits are looked at first: most pairs end otherwise and need no parsing).
        if xb[15] == b'0' || yb[15] == b'0' {
            if let (Ok(p), Ok(q)) = (x.parse::<i64>(), y.parse::<i64>()) {
                if (p - q).abs() <= 5 {
                    return Some(NikLevel::DamagedAgrees);
                }
            }
        }
    } else if xb.len() != yb.len() {
        let (short, long, short_damaged) = if xb.len() < yb.len() {
            (xb, yb, x_damaged)
        } else {
            (yb, xb, y_damaged)
        };
        if short_damaged && short.len() >= 6 && long.starts_with(short) {
            return Some(NikLevel::DamagedAgrees);
        }
        if !short_damaged && one_deletion(short, long) {
            return Some(NikLevel::DamagedAgrees);
        }
    }
    if xb.len() >= 12 && yb.len() >= 12 && xb[..12] == yb[..12] {
        return Some(NikLevel::SameRegionAndDate);
    }
    Some(NikLevel::Differs)
}

/// True when both NIKs are well-formed, of one length, and differ in exactly two digits
/// (an adjacent swap, which [`nik_level`] grades apart, is one such case): two typing slips. Alone this is weak
/// evidence (people born the same day in one kecamatan have NIKs a digit or two apart);
/// the caller asks for the person's other fields to agree as well.
pub(crate) fn nik_two_substitutions(a: Rec<'_>, b: Rec<'_>) -> bool {
    use NikParse;
    let (NikParse::Valid { nik: x, .. }, NikParse::Valid { nik: y, .. }) = (a.nik(), b.nik())
    else {
        return false;
    };
    x.len() == y.len() && x.bytes().zip(y.bytes()).filter(|(p, q)| p != q).count() == 2
}

/// Street level: the same street (Jaccard of the tokens at least 0.5, or, for tokens split or
/// joined differently and one-letter slips, the same letters: `3 LIGHT SETREET` and
/// `3 LIGHT STREET`, `IRONBARKCRESCENT` and `IRONBARK CRESCENT`), some tokens in common,
/// none.
pub(crate) fn street_level(a: Rec<'_>, b: Rec<'_>) -> Option<StreetLevel> {
    if a.street().is_empty() || b.street().is_empty() {
        return None;
    }
    let j = street(a, b);
    Some(if j >= 0.5 || same_letters(a.street(), b.street()) {
        StreetLevel::Same
    } else if j > 0.0 {
        StreetLevel::Overlaps
    } else {
        StreetLevel::Differs
    })
}

/// The tokens of two streets, joined without spaces, are at most one edit apart per eight
/// characters (and the lengths allow it, checked first since most pairs differ).
fn same_letters(a: &[String], b: &[String]) -> bool {
    let len = |t: &[String]| t.iter().map(String::len).sum::<usize>();
    let (la, lb) = (len(a), len(b));
    let allowed = la.max(lb) / 8;
    if allowed == 0 || la.abs_diff(lb) > allowed {
        return false;
    }
    let (x, y) = (a.concat(), b.concat());
    strsim::osa_distance(&x, &y) <= allowed
}

/// Birth places: by id within one pool, by text otherwise.
pub fn birth_place(a: Rec<'_>, b: Rec<'_>) -> Agreement {
    cmp_area(a, b, |r| r.birth_place, |r| r.birth_place())
}

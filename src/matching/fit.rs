//! Behind a NIK: is the row the NIK's holder, or a member of the holder's household?
//!
//! In: an aid row and the register person whose NIK it carries (and, for the household,
//! the [`RegisterIndex`]). Out: a [`Fit`] under the holder path's model
//! ([`crate::matching::holder`]: the same person, a name that differs, or a person who
//! differs) with its explanation, the household member who fits better, and the tests of
//! a shared home that the fuzzy stage and duplicate clustering read from a comparison
//! vector.

use crate::core::config::MatchConfig;
use crate::matching::compare;
use crate::matching::comparisons::{Cmp, Gamma};
pub use crate::matching::holder::Fit;
use crate::matching::holder::{agreeing, HolderGamma, HolderModel, EVIDENCE_KEY};
use crate::matching::levels::{Agree, DateLevel, NameLevel, StreetLevel};
use crate::matching::record::{Rec, Records};
use crate::matching::register_index::RegisterIndex;

/// Decide whether `a` is `b`, the holder of the identifier it carries, from the personal
/// fields (name, birth date, sex, and for a plain identifier the home) under the holder
/// path's model ([`HolderModel`]): the holder when the posterior reaches
/// `holder_probability`.
pub(crate) fn person_fit(a: Rec<'_>, b: Rec<'_>, name_score: f64, cfg: &MatchConfig) -> Fit {
    let g = HolderGamma::of(a, b, name_score, cfg.name_threshold);
    HOLDER_MODEL.fit(&g, cfg.holder_probability)
}

/// [`person_fit`] with the holder path's own explanation of it, to add to the evidence:
/// `holder=p0.0000[name=-22.8(no_part_shared),birth_date=+1.5(agrees),...]`.
pub(crate) fn person_fit_explained(
    a: Rec<'_>,
    b: Rec<'_>,
    name_score: f64,
    cfg: &MatchConfig,
) -> (Fit, String) {
    let g = HolderGamma::of(a, b, name_score, cfg.name_threshold);
    (
        HOLDER_MODEL.fit(&g, cfg.holder_probability),
        HOLDER_MODEL.explain(&g),
    )
}

/// Where the holder path's part of a row's evidence begins (None: the row was not
/// compared with an identifier's holder).
pub(crate) fn holder_part(evidence: &str) -> Option<&str> {
    let key = format!(";{}", EVIDENCE_KEY);
    evidence.find(&key).map(|i| &evidence[i..])
}

/// The holder path's model: the declared priors.
static HOLDER_MODEL: std::sync::LazyLock<HolderModel> =
    std::sync::LazyLock::new(HolderModel::default);

/// Whether two records with different identifiers are the same person on the strength of
/// everything else: a strong or exact name, the same birth date (not a placeholder), and the
/// same household (KK) or the same street in the same kelurahan. Namesakes born the same
/// day (NIKs a digit or two apart in one kecamatan) do not also share a home.
pub(crate) fn corroborated(g: &Gamma) -> bool {
    g.name_at_least(NameLevel::Phonetic)
        && g.birth_date() == Some(DateLevel::Exact)
        && shares_home(g)
        && g.agreement(Cmp::Sex) != Some(Agree::Differs)
}

/// The same household (KK) or the same street in the same kelurahan.
pub(crate) fn shares_home(g: &Gamma) -> bool {
    g.agrees(Cmp::Kk) || (g.agrees(Cmp::Kelurahan) && g.street() == Some(StreetLevel::Same))
}

/// Whether the birth dates support the same person: equal (or day and month swapped); a
/// placeholder date in the list (`a`) of the same year; for an identical name also equal
/// on a register's placeholder date, or missing.
pub(crate) fn date_fits(a: Rec<'_>, b: Rec<'_>, name_score: f64) -> bool {
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
pub(crate) fn household_member(
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

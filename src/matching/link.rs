//! Link stage: connect every aid row to the register.
//!
//! In: normalized aid and register [`Records`] and the match thresholds.
//! Out: one [`Link`] per aid row, in aid order: a preliminary status, a reason code, the
//! register row it points at (if any), the name score and the evidence.
//!
//! This is exact linking on the normalized NIK. Rules, in order:
//! 1. an invalid NIK gives `INVALID_NIK`, a spreadsheet-damaged one `NIK_DAMAGED`;
//! 2. a valid NIK not in the register gives `NOT_IN_REGISTER`, or `NIK_DAMAGED`
//!    (`NIK_ROUNDED`) when it ends in 0 and the same file shows spreadsheet damage elsewhere
//!    (scientific notation or float precision loss); in such a file a serial of 0000, which
//!    is what rounding makes of serials 0001-0004, is `NIK_ROUNDED` too;
//! 3. a NIK in the register is checked against its holder on the personal fields
//!    ([`person_fit`]: name, birth date, sex). Unless the name is the holder's exactly, a
//!    member of the holder's household (same KK) whose own name and birth date fit the row
//!    better is the person: the form was filled with the head's NIK (`HOUSEHOLD_NIK`,
//!    `register_nik` the member's). A row that is not the holder gives `NAME_MISMATCH`
//!    (`NAME_DIFFERS`, or `PERSON_DIFFERS` when the name is alike but birth date or sex say
//!    another person), linked to nobody (`register_nik` empty; the evidence shows the
//!    comparison with the holder);
//! 4. otherwise the register's life status decides: `DECEASED`, `MOVED_OUT` or `VERIFIED`.
//!
//! A register holding one NIK more than once (it happens) links to the holder whose name
//! agrees best, the lowest row on a tie.

use rayon::prelude::*;

use crate::core::config::MatchConfig;
use crate::core::status::Status;
use crate::matching::block::{id_key, KeyIndex};
use crate::matching::compare;
use crate::matching::record::{Life, Rec, Records};
use crate::normalize::nik::{NikIssue, NikParse};

/// The link of one aid row.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub status: Status,
    pub reason: &'static str,
    /// Index into the register records.
    pub register: Option<usize>,
    pub name_score: Option<f64>,
    pub evidence: String,
    /// The register person the row was compared with but not linked to: the NIK's holder
    /// of a `NAME_MISMATCH` row, the best candidate of an ambiguous one.
    pub candidate: Option<usize>,
    /// The runner-up of an ambiguous row.
    pub runner_up: Option<usize>,
    /// Fuzzy links and ambiguous rows: the best candidate's match probability and its lead
    /// over the runner-up in bits.
    pub probability: Option<f64>,
    pub margin: Option<f64>,
}

impl Link {
    /// A link with no comparison behind it.
    pub fn new(
        status: Status,
        reason: &'static str,
        register: Option<usize>,
        name_score: Option<f64>,
        evidence: String,
    ) -> Link {
        Link {
            status,
            reason,
            register,
            name_score,
            evidence,
            candidate: None,
            runner_up: None,
            probability: None,
            margin: None,
        }
    }
}

/// Register rows by identifier (a NIK, or a plain identifier): the blocking layer's
/// [`KeyIndex`] of [`id_key`]s, shared with the fuzzy stage's NIK variants; a lookup
/// checks the text, so a key collision cannot link the wrong person.
#[derive(Debug)]
pub struct RegisterIndex {
    niks: KeyIndex,
    /// The rows with a KK number, ordered by it (then by row): the members of a household
    /// are together. Four bytes a row (the number is read from the record); built on
    /// first use (most rows never need it).
    by_kk: std::sync::OnceLock<Vec<u32>>,
}

impl RegisterIndex {
    pub fn build(register: &Records) -> Self {
        RegisterIndex {
            niks: crate::matching::block::nik_index(register),
            by_kk: std::sync::OnceLock::new(),
        }
    }

    /// The identifiers' index (for the NIK variants of the fuzzy stage).
    pub fn niks(&self) -> &KeyIndex {
        &self.niks
    }

    /// The register rows of the household with KK number `kk`, in row order.
    pub fn household<'r>(
        &'r self,
        register: &'r Records,
        kk: u64,
    ) -> impl Iterator<Item = usize> + 'r {
        // Sequential on purpose: a parallel build inside the parallel linking could let this
        // thread pick up another row's lookup while it builds, and wait on itself.
        let kk_of = |r: u32| register.people[r as usize].kk.map_or(0, |k| k.get());
        let by_kk = self.by_kk.get_or_init(|| {
            // Sorted as (KK, row) pairs, whose keys sit beside them (sorting the rows by a
            // key read from each record costs a cache miss a comparison: 4 s more at 20 M
            // rows); only the rows are kept.
            let mut v: Vec<(u64, u32)> = register
                .people
                .iter()
                .enumerate()
                .filter_map(|(i, p)| p.kk.map(|kk| (kk.get(), i as u32)))
                .collect();
            v.sort_unstable();
            v.into_iter().map(|(_, r)| r).collect()
        });
        let start = by_kk.partition_point(|&r| kk_of(r) < kk);
        by_kk[start..]
            .iter()
            .take_while(move |&&r| kk_of(r) == kk)
            .map(|&r| r as usize)
    }

    /// The register rows holding `nik`, in row order.
    pub fn get<'r>(
        &'r self,
        register: &'r Records,
        nik: &'r str,
    ) -> impl Iterator<Item = usize> + 'r {
        self.niks
            .get(id_key(nik))
            .iter()
            .map(|&(_, r)| r as usize)
            .filter(move |&r| register.get(r).nik().valid() == Some(nik))
    }

    /// NIKs held by more than one register row.
    pub fn repeated_niks(&self, register: &Records) -> usize {
        let v = self.niks.entries();
        let mut n = 0;
        let mut i = 0;
        while i < v.len() {
            let mut j = i + 1;
            while j < v.len() && v[j].0 == v[i].0 {
                j += 1;
            }
            if j - i > 1 {
                // Count distinct texts held more than once within the key's run.
                let mut texts: Vec<&str> = v[i..j]
                    .iter()
                    .filter_map(|&(_, r)| register.get(r as usize).nik().valid())
                    .collect();
                texts.sort_unstable();
                let mut k = 0;
                while k < texts.len() {
                    let mut l = k + 1;
                    while l < texts.len() && texts[l] == texts[k] {
                        l += 1;
                    }
                    if l - k > 1 {
                        n += 1;
                    }
                    k = l;
                }
            }
            i = j;
        }
        n
    }
}

/// True when any NIK in the file was visibly damaged by a spreadsheet.
pub fn file_shows_damage(aid: &Records) -> bool {
    aid.iter().any(|p| {
        matches!(
            p.nik(),
            NikParse::Damaged {
                issue: NikIssue::NikScientific | NikIssue::NikFloatPrecision,
                ..
            }
        )
    })
}

fn unlinked(status: Status, reason: &'static str) -> Link {
    Link::new(status, reason, None, None, String::new())
}

/// Link one aid row.
pub fn link_one(
    aid: Rec<'_>,
    register: &Records,
    index: &RegisterIndex,
    cfg: &MatchConfig,
    damage_seen: bool,
) -> Link {
    let nik = match aid.nik() {
        // Serial 0000 is what rounding makes of serials 0001-0004.
        NikParse::Invalid {
            issue: NikIssue::NikSerial,
            ..
        } if damage_seen => return unlinked(Status::NikDamaged, NikIssue::NikRounded.code()),
        NikParse::Invalid { issue, .. } => return unlinked(Status::InvalidNik, issue.code()),
        NikParse::Damaged { issue, .. } => return unlinked(Status::NikDamaged, issue.code()),
        NikParse::Valid { nik, .. } => nik.as_str(),
        // No identifier: the row is placed by its other fields, if at all.
        NikParse::Generic(id) if id.is_empty() => {
            return unlinked(Status::NotInRegister, NikIssue::NikEmpty.code())
        }
        NikParse::Generic(id) => id,
    };
    let best = index
        .get(register, nik)
        .map(|r| (r, compare::name(aid, register.get(r))))
        .fold(None, |best: Option<(usize, f64)>, (r, s)| match best {
            Some((_, bs)) if bs >= s => best,
            _ => Some((r, s)),
        });
    let Some((reg, score)) = best else {
        return if damage_seen && nik.ends_with('0') && matches!(aid.nik(), NikParse::Valid { .. }) {
            unlinked(Status::NikDamaged, NikIssue::NikRounded.code())
        } else {
            unlinked(Status::NotInRegister, "NIK_NOT_FOUND")
        };
    };
    let holder = register.get(reg);
    let fit = person_fit(aid, holder, score, cfg.name_threshold);
    // The row may be another member of the holder's household written on the holder's
    // NIK (a form filled from the first line of the KK): unless the holder fits exactly
    // (same name, birth date not against it), a member whose own name and birth date fit
    // the row better is the person.
    let holder_date_ok = date_fits(aid, holder, score);
    if score < 1.0 || !holder_date_ok {
        if let Some((member, member_score)) =
            household_member(aid, holder, score, holder_date_ok, register, index, cfg)
        {
            let m = register.get(member);
            let (status, reason) = life_status_as(m, "HOUSEHOLD_NIK");
            return Link {
                // The holder whose NIK the row carries, shown beside the member in review.
                candidate: Some(reg),
                ..Link::new(
                    status,
                    reason,
                    Some(member),
                    Some(member_score),
                    compare::evidence(aid, m, member_score),
                )
            };
        }
    }
    let (status, reason) = match fit {
        Fit::Same => life_status(holder),
        Fit::NameDiffers => (Status::NameMismatch, "NAME_DIFFERS"),
        Fit::PersonDiffers => (Status::NameMismatch, "PERSON_DIFFERS"),
    };
    let mismatch = status == Status::NameMismatch;
    Link {
        candidate: mismatch.then_some(reg),
        ..Link::new(
            status,
            reason,
            // The NIK's holder is someone else: this row is linked to nobody.
            (!mismatch).then_some(reg),
            Some(score),
            compare::evidence(aid, holder, score),
        )
    }
}

/// The status and reason a link to a register person gives, by their life status.
fn life_status(p: Rec<'_>) -> (Status, &'static str) {
    life_status_as(p, "NIK_AND_NAME_MATCH")
}

/// [`life_status`] with the reason of a payable link given: how the person was found
/// (`NIK_CORRECTED`, `HOUSEHOLD_NIK`, ...).
pub fn life_status_as(p: Rec<'_>, verified: &'static str) -> (Status, &'static str) {
    match p.life {
        Life::Deceased => (Status::Deceased, "REGISTER_DECEASED"),
        Life::MovedOut => (Status::MovedOut, "REGISTER_MOVED_OUT"),
        Life::Active => (Status::Verified, verified),
    }
}

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
    let date = compare::date_level(a, b);
    // A placeholder date in the list (1 July, 31 December, 1 January: the clerk did not
    // know the day) tells only its year. Against a placeholder in the register, a list's
    // own other date is evidence of another person (a child named after a parent).
    let placeholder = a.birth.is_some_and(|d| d.weak);
    let date_differs = if placeholder {
        matches!(date, Some(3 | 4)) && !year_typo(a, b)
    } else {
        date == Some(4) || (date == Some(3) && !year_typo(a, b))
    };
    let date_agrees = matches!(date, Some(0 | 2));
    let sex_differs = compare::sex(a, b) == compare::Agreement::Differ;
    if matches!(a.nik(), NikParse::Generic(_)) && matches!(b.nik(), NikParse::Generic(_)) {
        // A plain identifier (a social-security or record number) carries no household:
        // nobody else's forms are filled with it. It is the holder's unless two of name,
        // birth date, sex and home are against it and none is behind it.
        let home_differs = compare::kelurahan(a, b) == compare::Agreement::Differ
            && compare::street_level(a, b).is_some_and(|l| l > 0);
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
    compare::kelurahan(a, b) == compare::Agreement::Agree && compare::street_level(a, b) == Some(0)
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
pub fn corroborated(a: Rec<'_>, b: Rec<'_>, g: &compare::Gamma) -> bool {
    g.0[0].is_some_and(|l| l <= 2) && g.0[1] == Some(0) && shares_home(g) && {
        compare::sex(a, b) != compare::Agreement::Differ
    }
}

/// The same household (KK) or the same street in the same kelurahan.
fn shares_home(g: &compare::Gamma) -> bool {
    g.0[4] == Some(0) || (g.0[5] == Some(0) && g.0[7] == Some(0))
}

/// Whether the birth dates support the same person: equal (or day and month swapped); for
/// an identical name also equal on a placeholder date, or missing.
fn date_fits(a: Rec<'_>, b: Rec<'_>, name_score: f64) -> bool {
    match compare::date_level(a, b) {
        Some(0 | 2) => true,
        Some(1) | None => name_score >= 1.0,
        _ => false,
    }
}

/// A member of the NIK holder's household (same KK as the holder; when the row gives a KK
/// it must be the holder's, else the NIK did not come from the row's household) who fits
/// the row better than the holder does: the name agrees at least as well as the
/// threshold and better than the holder's, the birth date agrees (or, for an identical
/// name, is missing) and the sex does not differ. The best such member when one is clearly
/// best; None otherwise.
fn household_member(
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
        if matches!(compare::date_level(aid, m), Some(3 | 4))
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

/// Link every aid row, in parallel; the result is in aid order.
pub fn link_all(
    aid: &Records,
    register: &Records,
    index: &RegisterIndex,
    cfg: &MatchConfig,
) -> Vec<Link> {
    link_all_with(aid, register, index, cfg, None)
}

/// [`link_all`] in a part of a partitioned run: the whole run's facts decide.
pub fn link_all_with(
    aid: &Records,
    register: &Records,
    index: &RegisterIndex,
    cfg: &MatchConfig,
    whole: Option<&WholeRun>,
) -> Vec<Link> {
    let damage_seen = whole.map_or_else(|| file_shows_damage(aid), |w| w.damage_seen);
    aid.par_iter()
        .map(|p| link_one(p, register, index, cfg, damage_seen))
        .collect()
}

/// What the fuzzy stage did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FuzzyStats {
    /// Aid rows exact linking could not place.
    pub rows_considered: usize,
    /// Of those, rows linked to a register person.
    pub rows_linked: usize,
    /// Rows whose best candidate was strong but not clearly ahead of the runner-up.
    pub rows_ambiguous: usize,
    /// Rows left unlinked whose best candidate came close (probability from
    /// [`POSSIBLE_PROBABILITY`], names alike): kept for clerical review.
    pub rows_possible: usize,
    pub blocking: crate::matching::block::BlockStats,
}

/// The probability from which an unlinked row's best candidate is kept for review.
pub const POSSIBLE_PROBABILITY: f64 = 0.5;

/// Rows the fuzzy stage tries to place.
pub fn unresolved(l: &Link) -> bool {
    matches!(
        l.status,
        Status::NikDamaged | Status::InvalidNik | Status::NotInRegister | Status::NameMismatch
    )
}

/// Register name frequencies for the term-frequency adjustment, by name id (the aid list
/// and the register share one pool, so equal names have equal ids).
pub fn name_frequencies(register: &Records) -> Vec<u32> {
    let mut f = vec![0u32; register.pool.names.len()];
    for p in &register.people {
        if p.name != 0 {
            f[p.name as usize] += 1;
        }
    }
    f
}

/// What a part of a partitioned run takes from the whole run (see
/// [`crate::matching::partition`]): the facts its scores depend on that its own rows do
/// not show.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WholeRun {
    /// Rows of the whole register.
    pub register_rows: u64,
    /// Register rows per name (tokens joined by a space), for the names the part holds.
    pub name_counts: std::collections::BTreeMap<String, u32>,
    /// Whether the whole aid list shows spreadsheet damage to NIKs.
    pub damage_seen: bool,
    /// Blocking keys whose register blocks the whole run skipped as too large, for the
    /// part's rows (the part's own blocks are smaller: it skips these, and only these).
    pub skip_register: Vec<u64>,
    /// The same for the blocks of unlinked aid rows paired among themselves.
    pub skip_aid: Vec<u64>,
    /// The area-spelling searches the whole run made.
    pub areas: Option<crate::matching::areas::AreaSearch>,
}

impl WholeRun {
    /// The blocks the part skips when placing its rows in the register.
    pub fn register_limit(&self) -> crate::matching::block::BlockLimit {
        crate::matching::block::BlockLimit::Keys(self.skip_register.iter().copied().collect())
    }

    /// The blocks the part skips when pairing its unlinked rows.
    pub fn aid_limit(&self) -> crate::matching::block::BlockLimit {
        crate::matching::block::BlockLimit::Keys(self.skip_aid.iter().copied().collect())
    }
}

impl WholeRun {
    /// Register name frequencies by the name ids of `pool`.
    pub fn frequencies(&self, pool: &crate::matching::record::Pool) -> Vec<u32> {
        let mut key = String::new();
        pool.names
            .iter()
            .map(|tokens| {
                key.clear();
                for (i, t) in tokens.iter().enumerate() {
                    if i > 0 {
                        key.push(' ');
                    }
                    key.push_str(t);
                }
                self.name_counts.get(key.as_str()).copied().unwrap_or(0)
            })
            .collect()
    }
}

/// The term frequency of a register person's name (None for an empty name).
fn tf(freq: &[u32], b: Rec<'_>, n: f64) -> Option<f64> {
    match freq.get(b.name as usize) {
        Some(&c) if c > 0 => Some(f64::from(c) / n),
        _ => None,
    }
}

/// The comparison of every exactly linked aid row with its register person (None for
/// rows without a link), in aid order.
pub fn exact_gammas(
    aid: &Records,
    register: &Records,
    links: &[Link],
) -> Vec<Option<compare::Gamma>> {
    links
        .par_iter()
        .enumerate()
        .map(|(a, l)| {
            l.register
                .map(|r| compare::gamma(aid.get(a), register.get(r)))
        })
        .collect()
}

/// Estimate the model: u from random aid x register pairs; m by EM on the pairs that exact
/// NIK linking found, with the NIK field left out (the fields of a blocking rule cannot be
/// estimated from the pairs it finds, as in Splink). The NIK's m keeps its documented prior:
/// its error rates cannot be learnt from NIK-blocked pairs, and EM over name-and-date blocks
/// mixes in people born the same day in the same kecamatan (namesakes, twins), whose NIKs
/// differ only in the serial. For the same reason the level "same region and date" is made
/// neutral (m = u): a NIK that agrees but for its serial is evidence only together with
/// name, birth date and place, which carry their own weight.
///
/// `exact`: the comparison of each exactly linked aid row with its register person
/// ([`exact_gammas`]), made once for the model and the links' evidence.
pub fn estimate_model(
    aid: &Records,
    register: &Records,
    exact: &[Option<compare::Gamma>],
) -> crate::matching::score::Model {
    let mut model = crate::matching::score::Model::default();
    if aid.is_empty() || register.is_empty() {
        return model;
    }
    let mut rng = crate::core::rng::Rng::new(0x5EED_D3D0);
    let random: Vec<(usize, usize)> = (0..50_000)
        .map(|_| (rng.below(aid.len()), rng.below(register.len())))
        .collect();
    let random: Vec<compare::Gamma> = random
        .par_iter()
        .map(|&(a, r)| compare::gamma(aid.get(a), register.get(r)))
        .collect();
    model.estimate_u(&random);
    let exact: Vec<compare::Gamma> = exact.iter().flatten().copied().collect();
    let sessions = [model.em_session(&exact, &[2], 25)];
    model.combine_sessions(&sessions, exact.len());
    model.m[2][4] = model.u[2][4];
    let total: f64 = model.m[2].iter().sum();
    model.m[2].iter_mut().for_each(|x| *x /= total);
    model
}

/// Place the rows exact linking could not, by blocking and Fellegi-Sunter scoring.
///
/// A row is linked to its best candidate when the match probability reaches
/// `link_probability`, the weight is `margin_bits` ahead of the runner-up, and the names
/// agree (level fuzzy or better, the same sound key included). A row with a well-formed NIK (`NAME_MISMATCH`: someone
/// else's; `NOT_IN_REGISTER`: nobody's) is linked only to a candidate one NIK error away
/// (substitution, adjacent swap, rounding, a dropped digit), or two digits away when name,
/// exact birth date and household (KK; or kelurahan and sex) agree too: a typo, not a
/// borrowed NIK and not a namesake born the same day, since the same name and birth date
/// alone are weak evidence. Rows with a damaged, invalid or missing NIK can be linked on name, birth date,
/// place and the NIK's surviving digits. The model is estimated unless one is given.
pub fn link_fuzzy(
    aid: &Records,
    register: &Records,
    links: &mut [Link],
    cfg: &MatchConfig,
    model: Option<crate::matching::score::Model>,
    whole: Option<&WholeRun>,
) -> (FuzzyStats, crate::matching::score::Model) {
    let candidates = Candidates::Scan {
        index: RegisterIndex::build(register),
        pair_budget: usize::MAX,
    };
    let input = FuzzyInput {
        model,
        whole,
        candidates,
        explain_exact: true,
    };
    link_fuzzy_given(aid, register, links, cfg, input)
}

/// The blocking candidates of the rows fuzzy linking places ([`unresolved`] rows, in aid
/// order), as [`crate::matching::block::candidates_in`] finds them.
pub type Found = Vec<(
    Vec<(u32, crate::matching::block::KeyKind)>,
    crate::matching::block::BlockStats,
)>;

/// Where the fuzzy stage's candidates come from.
pub enum Candidates<'a> {
    /// Listed already, by aid row (`list[i]`: aid row `i`'s candidate register rows, the
    /// way a partition keeps them to route the rows); no blocking counts.
    Listed(&'a [Vec<u32>]),
    /// Looked up in the register ([`crate::matching::block::candidates_in_batches`]):
    /// NIK variants in the register's `index` (given up, and dropped as soon as the
    /// candidates are found), the rows placed a batch of at most `pair_budget`
    /// candidate pairs at a time (a memory limit; the links are the same whatever the
    /// budget).
    Scan {
        index: RegisterIndex,
        pair_budget: usize,
    },
}

/// What [`link_fuzzy_given`] works with besides the records and links.
pub struct FuzzyInput<'a> {
    /// The model to score with; estimated from the exact links when absent.
    pub model: Option<crate::matching::score::Model>,
    /// A part of a partitioned run: the whole run's facts.
    pub whole: Option<&'a WholeRun>,
    pub candidates: Candidates<'a>,
    /// Write every exact link's weights into its evidence, as a run's outputs show them
    /// (2 M texts at 20 M register rows); a partition step only routes rows by the links.
    pub explain_exact: bool,
}

/// [`link_fuzzy`] with the candidates' source given.
pub fn link_fuzzy_given(
    aid: &Records,
    register: &Records,
    links: &mut [Link],
    cfg: &MatchConfig,
    input: FuzzyInput<'_>,
) -> (FuzzyStats, crate::matching::score::Model) {
    let FuzzyInput {
        model,
        whole,
        candidates,
        explain_exact,
    } = input;
    let todo: Vec<usize> = (0..aid.len()).filter(|&i| unresolved(&links[i])).collect();
    // Exact links before fuzzy linking: compared once, for the model and their evidence.
    // Only when something reads them: a partition step gives its model and wants no
    // evidence (it compared the exact links already, to estimate that model).
    let exact = if model.is_none() || explain_exact {
        exact_gammas(aid, register, links)
    } else {
        Vec::new()
    };
    let model = model.unwrap_or_else(|| estimate_model(aid, register, &exact));
    let scorer = crate::matching::score::Scorer::new(&model);
    let (freq, n) = match whole {
        Some(w) => (w.frequencies(&register.pool), w.register_rows.max(1) as f64),
        None => (name_frequencies(register), register.len().max(1) as f64),
    };
    // The decision of row `i` from its candidate register rows.
    let decide_row = |i: usize, cands: &mut dyn Iterator<Item = u32>| -> Option<Link> {
        let a = aid.get(i);
        // A well-formed NIK (someone else's, or nobody's) says who the row is not:
        // such a row is linked only through NIK evidence, one error away. A plain
        // identifier (`id_kind = "generic"`) is one field among others: the model
        // weighs it, as Splink does.
        let well_formed = matches!(
            links[i].status,
            Status::NameMismatch | Status::NotInRegister
        ) && !matches!(a.nik(), NikParse::Generic(_));
        let mut scored: Vec<(f64, u32, compare::Gamma, crate::matching::score::Score)> = cands
            .map(|r| {
                let b = register.get(r as usize);
                let g = compare::gamma(a, b);
                let s = scorer.score(&g, tf(&freq, b, n));
                (s.weight, r, g, s)
            })
            .collect();
        scored.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        let (_, r, g, s) = scored.first()?;
        let runner_up = scored.get(1).map_or(f64::NEG_INFINITY, |x| x.0);
        // Plain identifiers (`id_kind = "generic"`): no gates, the model decides, as in
        // Splink (a replaced name is one field against the others); the probability
        // and the lead over the runner-up still have to clear their bars.
        let generic = matches!(a.nik(), NikParse::Generic(_));
        let name_ok = g.0[0].is_some_and(|l| l <= 3) || (generic && !s.near_id_alone(g));
        // Two mistyped digits count only with the person's own fields behind them: the
        // name (strong or exact), the birth date, and the household (KK) or, without a
        // KK, the kelurahan and the sex.
        let reg = *r as usize;
        let b = register.get(reg);
        let two_slips = || {
            let kk = compare::kk(a, b);
            let home = kk == compare::Agreement::Agree
                || (kk == compare::Agreement::Missing
                    && compare::kelurahan(a, b) == compare::Agreement::Agree
                    && compare::sex(a, b) == compare::Agreement::Agree);
            // A placeholder birth date (1 July, 31 December) counts inside the household.
            let date_ok = match g.0[1] {
                Some(0) => true,
                Some(1) => kk == compare::Agreement::Agree,
                _ => false,
            };
            compare::nik_two_substitutions(a, b)
                && g.0[0].is_some_and(|l| l <= 2)
                && date_ok
                && home
        };
        // A NIK held by nobody that is far from the candidate's: the same person when
        // everything else about them agrees (a NIK from another region, a wrong NIK
        // written with the right household). A NIK held by someone else is not.
        let elsewhere = || links[i].status == Status::NotInRegister && corroborated(a, b, g);
        // One slip away, but born elsewhere and living elsewhere: a namesake born the
        // same day (people born one day in one region have NIKs a serial apart; one
        // registered in another regency, a region digit apart). The NIK repeats the birth
        // date, so name, date and NIK are not three independent agreements there.
        // A slip that also changed the birth date field is no slip: the NIK's date digits
        // and the row's birth date both say another day.
        // (A placeholder date tells nothing of the day; a shared KK or street is the
        // person's household, not a namesake's.)
        // (`corroborated` needs the shared home too, so it adds nothing here.)
        let placeholder = a.birth.is_some_and(|d| d.weak) || b.birth.is_some_and(|d| d.weak);
        let date_against = matches!(g.0[1], Some(3 | 4)) && !placeholder;
        let home = shares_home(g);
        let namesake_elsewhere = (g.0[8] == Some(1) || date_against) && !home;
        let one_slip = matches!(g.0[2], Some(1..=3)) && !namesake_elsewhere;
        // A NIK damaged by a spreadsheet keeps some digits (the prefix of `6.47102E+15`, 15
        // of 16 when rounded): digits that contradict the candidate's say another person,
        // unless the household or street says it is them. The lost digits are never
        // guessed.
        let surviving_against =
            links[i].status == Status::NikDamaged && matches!(g.0[2], Some(4 | 5)) && !home;
        let nik_ok = (!well_formed || one_slip || two_slips() || elsewhere()) && !surviving_against;
        let margin = s.weight - runner_up;
        let explanation = crate::matching::score::explain(g, s);
        // A row left unlinked keeps its best candidate (and the runner-up) for review;
        // the lead is kept finite (no runner-up: nothing to lead).
        let unlinked = |evidence: String, runner_up: Option<usize>| Link {
            candidate: Some(reg),
            runner_up,
            probability: Some(s.probability),
            margin: Some(margin.min(1e6)),
            ..Link::new(
                links[i].status,
                links[i].reason,
                None,
                links[i].name_score,
                evidence,
            )
        };
        if s.probability < cfg.link_probability || !name_ok || !nik_ok {
            // Not linked; a candidate that came close is kept for clerical review
            // (rows whose NIK is someone else's keep that holder as their candidate).
            let close = s.probability >= POSSIBLE_PROBABILITY
                && g.0[0].is_some_and(|l| l <= 3)
                && links[i].status != Status::NameMismatch;
            return close.then(|| unlinked(format!("possible;fuzzy;{explanation}"), None));
        }
        let second = scored.get(1).map(|x| x.1 as usize);
        if margin < cfg.margin_bits {
            return Some(unlinked(format!("ambiguous;fuzzy;{explanation}"), second));
        }
        // A row with an identifier had it wrong; a row without one (records of other
        // countries) was found by its fields.
        let found_as = match a.nik() {
            NikParse::Generic(id) if id.is_empty() => "FIELDS_MATCH",
            _ => "NIK_CORRECTED",
        };
        let (status, reason) = life_status_as(b, found_as);
        Some(Link {
            runner_up: second,
            probability: Some(s.probability),
            margin: Some(margin.min(1e6)),
            ..Link::new(
                status,
                reason,
                Some(reg),
                Some(compare::name(a, b)),
                format!("fuzzy;{explanation}"),
            )
        })
    };
    let stats_of = |found: Found| {
        found.into_iter().map(|(_, s)| s).fold(
            crate::matching::block::BlockStats::default(),
            crate::matching::block::BlockStats::merge,
        )
    };
    let (decisions, blocking) = match candidates {
        Candidates::Listed(list) => (
            todo.par_iter()
                .map(|&i| {
                    let rows = list.get(i).map_or(&[][..], Vec::as_slice);
                    decide_row(i, &mut rows.iter().copied())
                })
                .collect(),
            crate::matching::block::BlockStats::default(),
        ),
        Candidates::Scan { index, pair_budget } => {
            // A few thousand rows to place against a register of millions: their keys are
            // looked up in a scan of the register instead of indexing the whole register.
            let probes: Vec<Rec<'_>> = todo.iter().map(|&i| aid.get(i)).collect();
            let limit = whole.map_or(
                crate::matching::block::BlockLimit::Size(cfg.max_block),
                WholeRun::register_limit,
            );
            let mut decisions = Vec::with_capacity(todo.len());
            let mut blocking = crate::matching::block::BlockStats::default();
            crate::matching::block::candidates_in_batches(
                register,
                index.niks(),
                &probes,
                &limit,
                pair_budget,
                |start, found| {
                    let rows = todo[start..].par_iter().zip(&found);
                    decisions.par_extend(
                        rows.map(|(&i, (c, _))| decide_row(i, &mut c.iter().map(|&(r, _)| r))),
                    );
                    blocking = crate::matching::block::BlockStats::merge(
                        std::mem::take(&mut blocking),
                        stats_of(found),
                    );
                },
            );
            (decisions, blocking)
        }
    };
    let mut stats = FuzzyStats {
        rows_considered: todo.len(),
        ..FuzzyStats::default()
    };
    for (&i, d) in todo.iter().zip(decisions) {
        if let Some(l) = d {
            if l.register.is_some() {
                stats.rows_linked += 1;
            } else if l.evidence.starts_with("ambiguous") {
                stats.rows_ambiguous += 1;
            } else {
                stats.rows_possible += 1;
            }
            links[i] = l;
        }
    }
    // Every exact link carries its weights too, so each pair behind a group is explained
    // the same way.
    if explain_exact {
        links.par_iter_mut().enumerate().for_each(|(i, l)| {
            if let (Some(r), false) = (l.register, l.evidence.starts_with("fuzzy")) {
                let b = register.get(r);
                // A row linked by fuzzy linking was unlinked before it: its exact comparison
                // is None, and it is not here (its evidence starts with "fuzzy").
                let g = exact[i].unwrap_or_else(|| compare::gamma(aid.get(i), b));
                let prefix = if l.reason == "HOUSEHOLD_NIK" {
                    "household_nik;"
                } else {
                    "exact_nik;"
                };
                l.evidence = crate::matching::score::explain_after(
                    prefix,
                    &g,
                    &scorer.score(&g, tf(&freq, b, n)),
                );
            }
        });
    }
    stats.blocking = blocking;
    (stats, model)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Field;
    use crate::matching::record::testing::records;

    const FIELDS: [Field; 5] = [
        Field::Nik,
        Field::Name,
        Field::BirthDate,
        Field::Sex,
        Field::Kk,
    ];
    const KK: &str = "6471051203100005";
    const OTHER_KK: &str = "6471051203100099";
    // One household: the head, his wife, a son named after a part of his name, and a
    // grandfather whose name the youngest son carries whole.
    const HEAD: &str = "6471050503700001";
    const WIFE: &str = "6471056001750002";
    const SON: &str = "6471051407010003";
    const GRANDFATHER: &str = "6471050101400004";
    const NAMESAKE: &str = "6471050202050005";

    fn register() -> Records {
        records(
            &FIELDS,
            &[
                &[HEAD, "Ahmad Fauzi", "05-03-1970", "L", KK],
                &[WIFE, "Siti Aminah", "20-01-1975", "P", KK],
                &[SON, "Ahmad", "14-07-2001", "L", KK],
                &[GRANDFATHER, "Joko Susilo", "01-01-1940", "L", KK],
                &[NAMESAKE, "Joko Susilo", "02-02-2005", "L", KK],
            ],
        )
    }

    #[test]
    fn the_nik_holder_is_checked_on_name_birth_date_and_sex_and_household_members_are_found() {
        let reg = register();
        let index = RegisterIndex::build(&reg);
        let cfg = MatchConfig::default();
        // (row: NIK, name, birth date, sex, KK) -> (status, reason, register NIK)
        let cases: [([&str; 5], Status, &str, Option<&str>); 10] = [
            (
                [HEAD, "AHMAD FAUZI", "05-03-1970", "L", KK],
                Status::Verified,
                "NIK_AND_NAME_MATCH",
                Some(HEAD),
            ),
            // A name typo behind the right NIK, birth date and sex agreeing.
            (
                [HEAD, "ACHMAD FAUZY", "05-03-1970", "L", KK],
                Status::Verified,
                "NIK_AND_NAME_MATCH",
                Some(HEAD),
            ),
            // A year typed with two digits swapped is a typo, not another person.
            (
                [HEAD, "Ahmad Fauzi", "05-03-1907", "L", ""],
                Status::Verified,
                "NIK_AND_NAME_MATCH",
                Some(HEAD),
            ),
            // The son on his father's NIK (the form was filled from the KK's first line).
            (
                [HEAD, "AHMAD", "14-07-2001", "L", KK],
                Status::Verified,
                "HOUSEHOLD_NIK",
                Some(SON),
            ),
            // The wife on her husband's NIK, without a KK on the form.
            (
                [HEAD, "SITI AMINAH", "20-01-1975", "P", ""],
                Status::Verified,
                "HOUSEHOLD_NIK",
                Some(WIFE),
            ),
            // The same name, born 1940 and 2005: the younger one, on his grandfather's NIK.
            (
                [GRANDFATHER, "JOKO SUSILO", "02-02-2005", "L", KK],
                Status::Verified,
                "HOUSEHOLD_NIK",
                Some(NAMESAKE),
            ),
            // A different person with a name like the holder's, from another household:
            // not the holder, and not looked for in a household that is not the row's.
            (
                [HEAD, "AHMAD", "14-07-2001", "L", OTHER_KK],
                Status::NameMismatch,
                "PERSON_DIFFERS",
                None,
            ),
            (
                [HEAD, "Ahmad Fauzi", "17-11-1996", "P", OTHER_KK],
                Status::NameMismatch,
                "PERSON_DIFFERS",
                None,
            ),
            (
                [HEAD, "BUDI SANTOSO", "05-03-1970", "L", OTHER_KK],
                Status::NameMismatch,
                "NAME_DIFFERS",
                None,
            ),
            // One part of the name replaced, birth date and sex agreeing: the holder.
            (
                [WIFE, "SITI RAHMAH", "20-01-1975", "P", KK],
                Status::Verified,
                "NIK_AND_NAME_MATCH",
                Some(WIFE),
            ),
        ];
        for (row, status, reason, want) in cases {
            let aid = records(&FIELDS, &[&row]);
            let l = link_one(aid.get(0), &reg, &index, &cfg, false);
            let got = l
                .register
                .map(|r| reg.get(r).nik().valid().unwrap().to_string());
            assert_eq!(
                (l.status, l.reason, got.as_deref()),
                (status, reason, want),
                "row {row:?}: {}",
                l.evidence
            );
        }
    }

    #[test]
    fn person_fit_weighs_name_against_birth_date_and_sex() {
        let p =
            |name: &str, date: &str, sex: &str| records(&FIELDS, &[&[HEAD, name, date, sex, KK]]);
        let base = p("Ahmad Fauzi", "05-03-1970", "L");
        let cases = [
            (p("Ahmad Fauzi", "05-03-1970", "L"), Fit::Same),
            (p("Ahmad Fauzi", "", ""), Fit::Same),
            // An identical name survives one contradiction, not two.
            (p("Ahmad Fauzi", "17-11-1996", "L"), Fit::Same),
            (p("Ahmad Fauzi", "17-11-1996", "P"), Fit::PersonDiffers),
            (p("Ahmad", "05-03-1970", "L"), Fit::Same),
            (p("Ahmad", "05-03-1995", "L"), Fit::PersonDiffers),
            (p("Ahmad", "05-03-1971", "L"), Fit::Same),
            // A mistyped sex code alone withholds nobody whose name agrees.
            (p("Ahmad", "05-03-1970", "P"), Fit::Same),
            (p("Ahmad Fauzy", "05-03-1970", "P"), Fit::Same),
            // A placeholder date tells its year only: the holder with the day unknown.
            (p("Ahmad Fauzy", "01-07-1970", "L"), Fit::Same),
            (p("Ahmad Fauzy", "31-12-1970", "P"), Fit::Same),
            (p("Ahmad Fauzy", "01-07-1995", "L"), Fit::PersonDiffers),
            (p("Budi Santoso", "05-03-1970", "L"), Fit::NameDiffers),
        ];
        let cfg = MatchConfig::default();
        for (other, want) in cases {
            let (a, b) = (other.get(0), base.get(0));
            let s = compare::name(a, b);
            assert_eq!(
                person_fit(a, b, s, cfg.name_threshold),
                want,
                "{} {:?} {:?} (name {s:.2})",
                a.name().join(" "),
                a.birth,
                a.sex
            );
        }
    }

    #[test]
    fn two_mistyped_nik_digits_link_only_with_name_birth_date_and_household_behind_them() {
        use crate::matching::record::testing::records_pair;
        const F: [Field; 7] = [
            Field::Nik,
            Field::Name,
            Field::BirthDate,
            Field::Sex,
            Field::Kk,
            Field::Kelurahan,
            Field::Rt,
        ];
        let reg: [&[&str]; 2] = [
            &[
                "6471051407010003",
                "Rudi Hartono",
                "14-07-2001",
                "L",
                KK,
                "Sepinggan",
                "3",
            ],
            &[
                "6471050503700001",
                "Ahmad Fauzi",
                "05-03-1970",
                "L",
                KK,
                "Sepinggan",
                "3",
            ],
        ];
        // Serial 0003 typed 0093 and a date digit slipped: two substitutions.
        let typo = "6471051407090093";
        let cases: [([&str; 7], Option<&str>); 5] = [
            (
                [
                    typo,
                    "RUDI HARTONO",
                    "14-07-2001",
                    "L",
                    KK,
                    "Sepinggan",
                    "3",
                ],
                Some("6471051407010003"),
            ),
            // No KK on the form: kelurahan and sex stand in for it.
            (
                [
                    typo,
                    "RUDI HARTONO",
                    "14-07-2001",
                    "L",
                    "",
                    "Sepinggan",
                    "3",
                ],
                Some("6471051407010003"),
            ),
            // Another household: a namesake born the same day, not a typo.
            (
                [
                    typo,
                    "RUDI HARTONO",
                    "14-07-2001",
                    "L",
                    OTHER_KK,
                    "Sepinggan",
                    "3",
                ],
                None,
            ),
            // The birth date does not agree.
            (
                [
                    typo,
                    "RUDI HARTONO",
                    "15-08-2001",
                    "L",
                    KK,
                    "Sepinggan",
                    "3",
                ],
                None,
            ),
            // Only a weak name.
            (
                [
                    typo,
                    "RUDI SETIAWAN",
                    "14-07-2001",
                    "L",
                    KK,
                    "Sepinggan",
                    "3",
                ],
                None,
            ),
        ];
        let cfg = MatchConfig::default();
        for (row, want) in cases {
            let (aid, register) = records_pair(&F, &[&row], &reg);
            let index = RegisterIndex::build(&register);
            let mut links = link_all(&aid, &register, &index, &cfg);
            assert_eq!(links[0].status, Status::NotInRegister, "{row:?}");
            link_fuzzy(
                &aid,
                &register,
                &mut links,
                &cfg,
                Some(crate::matching::score::Model::default()),
                None,
            );
            let got = links[0]
                .register
                .map(|r| register.get(r).nik().valid().unwrap().to_string());
            assert_eq!(got.as_deref(), want, "{row:?}: {}", links[0].evidence);
        }
    }
}

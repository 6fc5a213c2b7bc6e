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
//!    ([`crate::matching::fit::person_fit`]: name, birth date, sex). Unless the name is the holder's exactly, a
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
use crate::matching::compare;
use crate::matching::fit::{date_fits, household_member, person_fit_explained, Fit};
use crate::matching::record::{Life, Rec, Records};
use crate::matching::register_index::RegisterIndex;
use crate::matching::whole::WholeRun;
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

/// True when any NIK in the file was visibly damaged by a spreadsheet.
pub(crate) fn file_shows_damage(aid: &Records) -> bool {
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

/// Link one aid row: find the holder of its identifier, then decide whether the row is
/// the holder, a member of the holder's household, or someone else.
pub(crate) fn link_one(
    aid: Rec<'_>,
    register: &Records,
    index: &RegisterIndex,
    cfg: &MatchConfig,
    damage_seen: bool,
) -> Link {
    match holder_of(aid, register, index, damage_seen) {
        Ok((reg, score)) => decide_holder(aid, reg, score, register, index, cfg),
        Err((status, reason)) => unlinked(status, reason),
    }
}

/// The register person whose identifier the row carries (the one whose name agrees best
/// when the register holds it twice) and their name score; or, for a row whose identifier
/// is not usable or not in the register, the status and reason of its link.
fn holder_of(
    aid: Rec<'_>,
    register: &Records,
    index: &RegisterIndex,
    damage_seen: bool,
) -> Result<(usize, f64), (Status, &'static str)> {
    let nik = match aid.nik() {
        // Serial 0000 is what rounding makes of serials 0001-0004.
        NikParse::Invalid {
            issue: NikIssue::NikSerial,
            ..
        } if damage_seen => return Err((Status::NikDamaged, NikIssue::NikRounded.code())),
        NikParse::Invalid { issue, .. } => return Err((Status::InvalidNik, issue.code())),
        NikParse::Damaged { issue, .. } => return Err((Status::NikDamaged, issue.code())),
        NikParse::Valid { nik, .. } => nik.as_str(),
        // No identifier: the row is placed by its other fields, if at all.
        NikParse::Generic(id) if id.is_empty() => {
            return Err((Status::NotInRegister, NikIssue::NikEmpty.code()))
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
    best.ok_or_else(|| {
        if damage_seen && nik.ends_with('0') && matches!(aid.nik(), NikParse::Valid { .. }) {
            (Status::NikDamaged, NikIssue::NikRounded.code())
        } else {
            (Status::NotInRegister, "NIK_NOT_FOUND")
        }
    })
}

/// A row against the holder of its identifier (`reg`, name score `score`): the holder, a
/// member of the holder's household, or someone else.
fn decide_holder(
    aid: Rec<'_>,
    reg: usize,
    score: f64,
    register: &Records,
    index: &RegisterIndex,
    cfg: &MatchConfig,
) -> Link {
    let holder = register.get(reg);
    let (fit, holder_evidence) = person_fit_explained(aid, holder, score, cfg);
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
                    format!(
                        "{};{holder_evidence}",
                        compare::evidence(aid, m, member_score)
                    ),
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
            format!(
                "{};{holder_evidence}",
                compare::evidence(aid, holder, score)
            ),
        )
    }
}

/// The status and reason a link to a register person gives, by their life status.
fn life_status(p: Rec<'_>) -> (Status, &'static str) {
    life_status_as(p, "NIK_AND_NAME_MATCH")
}

/// [`life_status`] with the reason of a payable link given: how the person was found
/// (`NIK_CORRECTED`, `HOUSEHOLD_NIK`, ...).
pub(crate) fn life_status_as(p: Rec<'_>, verified: &'static str) -> (Status, &'static str) {
    match p.life {
        Life::Deceased => (Status::Deceased, "REGISTER_DECEASED"),
        Life::MovedOut => (Status::MovedOut, "REGISTER_MOVED_OUT"),
        Life::Active => (Status::Verified, verified),
    }
}

/// Link every aid row, in parallel; the result is in aid order.
pub(crate) fn link_all(
    aid: &Records,
    register: &Records,
    index: &RegisterIndex,
    cfg: &MatchConfig,
) -> Vec<Link> {
    link_all_with(aid, register, index, cfg, None)
}

/// [`link_all`] in a part of a partitioned run: the whole run's facts decide.
pub(crate) fn link_all_with(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Field;
    use crate::matching::fit::{person_fit, Fit};
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
                person_fit(a, b, s, &cfg),
                want,
                "{} {:?} {:?} (name {s:.2})",
                a.name().join(" "),
                a.birth,
                a.sex
            );
        }
    }
}

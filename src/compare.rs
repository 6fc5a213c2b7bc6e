//! Field comparisons between two normalized records.
//!
//! In: two [`Person`]s. Out: per-field agreement levels, the evidence string written to the
//! outputs (`name=0.95;birth_date=agree;sex=agree;kelurahan=differs;rt=agree`), and an
//! address-agreement score used to choose which row of a duplicate group is kept.
//! Every comparison is symmetric.

use crate::normalize::name::name_similarity;
use crate::record::Person;

/// How two values of one field compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    Agree,
    Differ,
    /// One side (or both) has no value.
    Missing,
}

impl Agreement {
    pub fn word(self) -> &'static str {
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

pub fn name(a: &Person, b: &Person) -> f64 {
    name_similarity(&a.name, &b.name)
}

pub fn birth_date(a: &Person, b: &Person) -> Agreement {
    cmp_opt(a.birth.map(|d| d.date), b.birth.map(|d| d.date))
}

pub fn sex(a: &Person, b: &Person) -> Agreement {
    cmp_opt(a.sex, b.sex)
}

pub fn kk(a: &Person, b: &Person) -> Agreement {
    cmp_opt(a.kk.as_deref(), b.kk.as_deref())
}

pub fn kelurahan(a: &Person, b: &Person) -> Agreement {
    cmp_text(&a.kelurahan, &b.kelurahan)
}

pub fn rt(a: &Person, b: &Person) -> Agreement {
    cmp_opt(a.rtrw.rt, b.rtrw.rt)
}

pub fn rw(a: &Person, b: &Person) -> Agreement {
    cmp_opt(a.rtrw.rw, b.rtrw.rw)
}

/// Share of street tokens in common (Jaccard), 0 when either is empty.
pub fn street(a: &Person, b: &Person) -> f64 {
    if a.street.is_empty() || b.street.is_empty() {
        return 0.0;
    }
    let common = a.street.iter().filter(|t| b.street.contains(t)).count();
    let union = a.street.len() + b.street.len() - common;
    common as f64 / union as f64
}

/// How well two addresses agree: kelurahan 2, RT 1, RW 1, street tokens up to 1.
pub fn address_score(a: &Person, b: &Person) -> f64 {
    let pts = |g: Agreement, w: f64| if g == Agreement::Agree { w } else { 0.0 };
    pts(kelurahan(a, b), 2.0) + pts(rt(a, b), 1.0) + pts(rw(a, b), 1.0) + street(a, b)
}

/// The evidence written next to a decision: the name score and each field's agreement.
pub fn evidence(a: &Person, b: &Person, name_score: f64) -> String {
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

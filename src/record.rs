//! The normalized person record shared by the matching stages.
//!
//! In: one row of a [`Table`] with its [`FieldMap`].
//! Out: a [`Person`]: every field normalized by [`crate::normalize`], plus the register's
//! life status.

use crate::config::{Field, IdKind, StatusValues};
use crate::load::{FieldMap, Table};
use crate::normalize::address::{area_key, combine_rt_rw, normalize_street, RtRw};
use crate::normalize::date::{parse_date, BirthDate};
use crate::normalize::name::normalize_name;
use crate::normalize::nik::{normalize_kk, parse_generic_id, parse_nik, NikParse};
use crate::normalize::sex::{parse_sex, Sex};

/// Alive, dead or moved away, as the register says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Life {
    #[default]
    Active,
    Deceased,
    MovedOut,
}

/// One normalized row.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// 0-based data row in its table.
    pub row: usize,
    pub nik: NikParse,
    pub kk: Option<String>,
    pub name: Vec<String>,
    pub birth: Option<BirthDate>,
    pub sex: Option<Sex>,
    pub street: Vec<String>,
    pub rtrw: RtRw,
    pub kelurahan: String,
    pub kecamatan: String,
    /// Birthplace as an area key (`TMPT_LHR`), empty when absent.
    pub birth_place: String,
    pub life: Life,
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Decide the life status from the status and death-date cells.
pub fn life_status(status: &str, death_date: &str, values: &StatusValues) -> Life {
    let s = squash(status);
    if !death_date.trim().is_empty() && death_date.trim() != "-" {
        return Life::Deceased;
    }
    if s.is_empty() {
        return Life::Active;
    }
    if values.deceased.iter().any(|v| squash(v) == s) {
        Life::Deceased
    } else if values.moved_out.iter().any(|v| squash(v) == s) {
        Life::MovedOut
    } else {
        Life::Active
    }
}

/// Normalize one row.
pub fn normalize_row(table: &Table, map: &FieldMap, row: usize, status: &StatusValues) -> Person {
    normalize_row_as(table, map, row, status, IdKind::Nik)
}

/// Normalize one row with the identifier read as `id_kind` says.
pub fn normalize_row_as(
    table: &Table,
    map: &FieldMap,
    row: usize,
    status: &StatusValues,
    id_kind: IdKind,
) -> Person {
    let get = |f: Field| map.get(table, f, row);
    let street_raw = get(Field::Address);
    let id = get(Field::Nik);
    Person {
        row,
        nik: match id_kind {
            IdKind::Nik => parse_nik(&id, map.kind(table, Field::Nik)),
            IdKind::Generic => parse_generic_id(&id),
        },
        kk: normalize_kk(&get(Field::Kk)),
        name: normalize_name(&get(Field::Name)),
        birth: parse_date(&get(Field::BirthDate)),
        sex: parse_sex(&get(Field::Sex)),
        street: normalize_street(&street_raw),
        rtrw: combine_rt_rw(&get(Field::Rt), &get(Field::Rw), &street_raw),
        kelurahan: area_key(&get(Field::Kelurahan)),
        kecamatan: area_key(&get(Field::Kecamatan)),
        birth_place: area_key(&get(Field::BirthPlace)),
        life: life_status(&get(Field::Status), &get(Field::DeathDate), status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn life_status_values() {
        let v = StatusValues::default();
        let cases = [
            ("", "", Life::Active),
            ("HIDUP", "", Life::Active),
            ("Meninggal Dunia", "", Life::Deceased),
            ("mati", "", Life::Deceased),
            ("PINDAH KELUAR", "", Life::MovedOut),
            ("pindah-keluar", "", Life::MovedOut),
            ("", "2020-01-01", Life::Deceased),
            ("", "-", Life::Active),
        ];
        for (status, death, want) in cases {
            assert_eq!(life_status(status, death, &v), want, "{status:?} {death:?}");
        }
    }
}

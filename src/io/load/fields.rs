//! Which columns hold each [`Field`]: the config's columns or the header aliases, checked
//! (one field a column, no nested column), as a [`FieldMap`]; a row's cells by field
//! ([`Mapped`]).
//!
//! In: a [`Table`] and its [`InputConfig`] section. Out: a [`FieldMap`], or a
//! [`LoadError`] naming the column and the fix.

use std::collections::BTreeMap;

use crate::core::config::{header_key, ColumnSpec, Field, InputConfig};
use crate::core::error::LoadError;
use crate::normalize::nik::CellKind;

use super::table::Table;
use crate::matching::record::Cells;

impl Table {
    /// A field found in a column of lists or structs would read as empty cells (a NIK list
    /// exported without flattening): refused, naming the column and its type.
    fn none_nested(&self, map: &BTreeMap<Field, Vec<usize>>) -> Result<(), LoadError> {
        match map
            .values()
            .flatten()
            .find_map(|&c| self.columns.get(c).filter(|col| col.nested.is_some()))
        {
            Some(c) => Err(LoadError::NestedColumn {
                path: self.path.clone(),
                column: c.header.clone(),
                dtype: c.nested.clone().unwrap_or_default(),
            }),
            None => Ok(()),
        }
    }

    /// Each column serves one field, except the pairs one cell can hold both of (a TTL
    /// cell's birth place and date, an RT/RW cell, an address with its RT and RW): `NIK`
    /// read as both NIK and KK would pass the holder's NIK off as a household's number.
    fn one_field_per_column(
        &self,
        map: &BTreeMap<Field, Vec<usize>>,
        section: &'static str,
    ) -> Result<(), LoadError> {
        let shares = |a: Field, b: Field| {
            use Field::*;
            matches!(
                (a, b),
                (BirthDate, BirthPlace) | (Address, Rt) | (Address, Rw) | (Rt, Rw)
            )
        };
        let mut owner: BTreeMap<usize, Field> = BTreeMap::new();
        for (&field, cols) in map {
            for &c in cols {
                match owner.get(&c) {
                    Some(&first) if !shares(first, field) => {
                        return Err(LoadError::ColumnTwoFields {
                            path: self.path.clone(),
                            column: self.columns[c].header.clone(),
                            first: first.key(),
                            second: field.key(),
                            section,
                        })
                    }
                    Some(_) => {}
                    None => {
                        owner.insert(c, field);
                    }
                }
            }
        }
        Ok(())
    }

    /// Column `i` is the only one of its header, or the others of its header hold the same
    /// values; else the field is ambiguous (exit 2, naming both columns and the config key).
    fn one_column_of(
        &self,
        i: usize,
        keys: &[String],
        field: Field,
        section: &'static str,
    ) -> Result<(), LoadError> {
        let same = |j: usize| {
            (0..self.n_rows).all(|r| self.columns[i].get(r).trim() == self.columns[j].get(r).trim())
        };
        let other = (i + 1..keys.len()).find(|&j| keys[j] == keys[i] && !same(j));
        match other {
            Some(j) => Err(LoadError::AmbiguousColumns {
                path: self.path.clone(),
                field: field.key(),
                first: self.columns[i].header.clone(),
                second: self.columns[j].header.clone(),
                section,
            }),
            None => Ok(()),
        }
    }

    /// The columns the config names for `field` (`[aid.columns]` or `[register.columns]`):
    /// each header as written, or by its key (case, spaces and punctuation aside).
    fn configured(
        &self,
        field: Field,
        spec: &ColumnSpec,
        keys: &[String],
        section: &'static str,
    ) -> Result<Vec<usize>, LoadError> {
        let mut cols = Vec::new();
        for header in spec.headers() {
            let exact = self
                .columns
                .iter()
                .position(|c| c.header.trim() == header.trim());
            let by_key = || keys.iter().position(|k| *k == header_key(header));
            match exact.or_else(by_key) {
                Some(i) => cols.push(i),
                None => {
                    return Err(LoadError::UnknownHeader {
                        path: self.path.clone(),
                        field: field.key().to_string(),
                        header: header.to_string(),
                        section,
                        found: self.headers_list(),
                    })
                }
            }
        }
        Ok(cols)
    }

    /// Find the columns of every field: the config's mapping first, then known header names.
    pub fn resolve(
        &self,
        input: &InputConfig,
        section: &'static str,
    ) -> Result<FieldMap, LoadError> {
        let keys: Vec<String> = self.columns.iter().map(|c| header_key(&c.header)).collect();
        let mut map = BTreeMap::new();
        let mut plain_id = false;
        for field in Field::ALL {
            if let Some(spec) = input.columns.get(field.key()) {
                map.insert(field, self.configured(field, spec, &keys, section)?);
                continue;
            }
            let find = |aliases: &[&str]| {
                aliases
                    .iter()
                    .find_map(|alias| keys.iter().position(|k| k == alias))
            };
            if let Some(i) = find(field.aliases()) {
                // Two NIK columns of one header (`nik` and `NIK`) that disagree: which holds
                // the NIK cannot be told, and taking the first may pay by the wrong one.
                if field == Field::Nik {
                    self.one_column_of(i, &keys, field, section)?;
                }
                map.insert(field, vec![i]);
                continue;
            }
            // No NIK header: a plain identifier's (read without NIK rules).
            if field == Field::Nik {
                if let Some(i) = find(Field::PLAIN_ID_ALIASES) {
                    map.insert(field, vec![i]);
                    plain_id = true;
                    continue;
                }
            }
            // No one column: the field's parts (given and family names), in order.
            let parts: Vec<usize> = field
                .part_aliases()
                .iter()
                .filter_map(|aliases| find(aliases))
                .collect();
            if !parts.is_empty() {
                map.insert(field, parts);
            }
        }
        if !map.contains_key(&Field::Nik)
            && (input.ids_optional || english_name(input, &map, &keys))
        {
            plain_id = true;
            map.insert(Field::Nik, Vec::new());
        }
        // One column of birth place and date (TTL): both fields from it, split per cell.
        let split_birth = keys
            .iter()
            .position(|k| Field::BIRTH_PLACE_AND_DATE_ALIASES.contains(&k.as_str()));
        if let Some(c) = split_birth {
            for field in [Field::BirthPlace, Field::BirthDate] {
                map.entry(field).or_insert_with(|| vec![c]);
            }
        }
        self.none_nested(&map)?;
        self.one_field_per_column(&map, section)?;
        for field in Field::ALL {
            if field.required() && !map.contains_key(&field) {
                return Err(LoadError::MissingColumn {
                    path: self.path.clone(),
                    field: field.key(),
                    section,
                    found: self.headers_list(),
                });
            }
        }
        Ok(FieldMap {
            cols: map,
            plain_id,
            split_birth,
        })
    }
}

/// No identifier column at all: records laid out in English (their name found by an
/// English header) are matched on their other fields; a NIK list without its NIK column is
/// a mistake to report. A whole name, or name parts, under English headers (NAMA DEPAN and
/// NAMA BELAKANG are an Indonesian list's), not mapped by the config.
fn english_name(input: &InputConfig, map: &BTreeMap<Field, Vec<usize>>, keys: &[String]) -> bool {
    !input.columns.contains_key(Field::Name.key())
        && map.get(&Field::Name).is_some_and(|cols| {
            cols.iter().all(|&c| !keys[c].starts_with("NAMA"))
                && (cols.len() > 1
                    || cols
                        .iter()
                        .any(|&c| ENGLISH_NAMES.contains(&keys[c].as_str())))
        })
}

/// Whole-name headers of records laid out in English (with the name's parts, they make a
/// file whose identifier column may be absent).
const ENGLISH_NAMES: &[&str] = &["NAME", "FULL_NAME", "FULLNAME", "PERSON_NAME"];

/// Which columns hold each field.
#[derive(Debug, Clone, Default)]
pub struct FieldMap {
    pub cols: BTreeMap<Field, Vec<usize>>,
    /// The `nik` field's column was found by a plain identifier's header
    /// ([`Field::PLAIN_ID_ALIASES`]): it is read as with `id_kind = "generic"`.
    pub plain_id: bool,
    /// The column holding birth place and date together (`TTL`): where the birth place or
    /// date is this column alone, its cells are split
    /// ([`crate::normalize::date::split_place_and_date`]).
    pub split_birth: Option<usize>,
}

impl FieldMap {
    pub fn has(&self, field: Field) -> bool {
        self.cols.contains_key(&field)
    }

    /// The cell of `field` in `row` (several columns joined with a space); empty if unmapped.
    pub fn get<'t>(&self, table: &'t Table, field: Field, row: usize) -> std::borrow::Cow<'t, str> {
        let cols = self.cols.get(&field).map(Vec::as_slice);
        if let (Some(c), Some(&[one])) = (self.split_birth, cols) {
            if c == one && matches!(field, Field::BirthPlace | Field::BirthDate) {
                let (place, date) =
                    crate::normalize::date::split_place_and_date(table.columns[c].get(row));
                return if field == Field::BirthDate {
                    date
                } else {
                    place
                }
                .into();
            }
        }
        match cols {
            None | Some([]) => "".into(),
            Some([one]) => table.columns[*one].get(row).into(),
            Some(many) => many
                .iter()
                .map(|&c| table.columns[c].get(row).trim())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
                .into(),
        }
    }

    /// The kind of the (first) column of `field`.
    pub fn kind(&self, table: &Table, field: Field) -> CellKind {
        self.cols
            .get(&field)
            .and_then(|c| c.first())
            .map(|&c| table.columns[c].kind)
            .unwrap_or(CellKind::Text)
    }

    /// Field key -> header names used, for the summary.
    pub(crate) fn describe(&self, table: &Table) -> BTreeMap<String, Vec<String>> {
        self.cols
            .iter()
            .map(|(f, cols)| {
                (
                    f.key().to_string(),
                    cols.iter()
                        .map(|&c| table.columns[c].header.clone())
                        .collect(),
                )
            })
            .collect()
    }
}

/// A table with its field map: the cells records are built from.
#[derive(Debug, Clone, Copy)]
pub struct Mapped<'a> {
    pub table: &'a Table,
    pub map: &'a FieldMap,
}

impl Cells for Mapped<'_> {
    fn n_rows(&self) -> usize {
        self.table.n_rows
    }
    fn cell(&self, field: Field, row: usize) -> std::borrow::Cow<'_, str> {
        self.map.get(self.table, field, row)
    }
    fn kind(&self, field: Field) -> CellKind {
        self.map.kind(self.table, field)
    }
    fn plain_id(&self) -> bool {
        self.map.plain_id
    }
}

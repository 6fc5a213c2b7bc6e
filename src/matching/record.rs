//! Compact normalized records shared by the matching stages.
//!
//! In: any table of cells by [`Field`] (the [`Cells`] trait; the input layer implements it
//! for files, `FieldRows` for tests).
//! Out: [`Records`]: one fixed-size [`Person`] per row (no heap data of its own: NIK, name,
//! street and area values are `u32` ids into a [`Pool`] that the aid list and the register
//! share, the KK is a `u64`, dates, sex and RT/RW are small integers), read through a
//! [`Rec`] view.
//!
//! Each distinct cell value is normalized once: names, places and dates repeat, so a
//! city's register of 704,110 rows has far fewer distinct values than rows. Distinct values
//! are found in row order and normalized in parallel; ids are given in first-seen order
//! (register first), so the records are the same at any thread count. Equal normalized
//! values get equal ids, so exact comparisons of names and places compare integers.

use std::borrow::Cow;
use std::hash::Hash;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::core::config::{Field, IdKind, StatusValues};
use crate::normalize::address::{
    area_key, merge_rt_rw, normalize_street, parse_rt_rw, rt_rw_in_street, RtRw,
};
use crate::normalize::date::{parse_date, BirthDate};
use crate::normalize::name::normalize_name;
use crate::normalize::nik::{
    normalize_kk, parse_generic_id, parse_nik, CellKind, NikIssue, NikParse,
};
use crate::normalize::sex::{parse_sex, Sex};

/// A table of cells by field: what records are built from.
pub trait Cells: Sync {
    fn n_rows(&self) -> usize;
    /// The cell of `field` in `row` (empty when the field has no column).
    fn cell(&self, field: Field, row: usize) -> Cow<'_, str>;
    /// The kind of column `field` came from (numbers lose NIK digits in their own ways).
    fn kind(&self, field: Field) -> CellKind;
    /// The identifier column is a plain identifier whatever the config's `id_kind` (its
    /// header named it so: [`crate::core::config::Field::PLAIN_ID_ALIASES`]).
    fn plain_id(&self) -> bool {
        false
    }
}

/// Rows of cells by field, in memory: for tests, generators and small inputs.
#[cfg(test)]
#[derive(Debug, Clone, Default)]
pub(crate) struct FieldRows {
    pub fields: Vec<Field>,
    pub rows: Vec<Vec<String>>,
}

#[cfg(test)]
impl FieldRows {
    pub fn new(fields: &[Field], rows: &[&[&str]]) -> Self {
        FieldRows {
            fields: fields.to_vec(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
        }
    }
}

#[cfg(test)]
impl Cells for FieldRows {
    fn n_rows(&self) -> usize {
        self.rows.len()
    }
    fn cell(&self, field: Field, row: usize) -> Cow<'_, str> {
        self.fields
            .iter()
            .position(|&f| f == field)
            .and_then(|i| self.rows[row].get(i))
            .map_or(Cow::Borrowed(""), |s| Cow::Borrowed(s.as_str()))
    }
    fn kind(&self, _: Field) -> CellKind {
        CellKind::Text
    }
}

/// Alive, dead or moved away, as the register says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Life {
    #[default]
    Active,
    Deceased,
    MovedOut,
}

/// One normalized row: fixed size, no heap data. Ids point into the [`Pool`]; id 0 is the
/// empty value of each kind.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Person {
    /// 0-based data row in its table.
    pub row: u32,
    /// Id of the parsed NIK in [`Pool::niks`].
    pub nik: u32,
    /// The KK number (16 digits, never 0: its province code) when valid; 8 bytes, where
    /// an `Option<u64>` takes 16.
    pub kk: Option<std::num::NonZeroU64>,
    /// Id of the name tokens in [`Pool::names`].
    pub name: u32,
    pub birth: Option<BirthDate>,
    pub sex: Option<Sex>,
    /// Id of the street tokens in [`Pool::streets`].
    pub street: u32,
    pub rtrw: RtRw,
    /// Ids of area keys in [`Pool::areas`] (kelurahan, kecamatan, birthplace `TMPT_LHR`).
    pub kelurahan: u32,
    pub kecamatan: u32,
    pub birth_place: u32,
    pub life: Life,
}

/// Hashes of a name's sound keys ([`crate::normalize::name::phonetic`]): its first and last
/// tokens', for blocking, and the whole name's, for the comparison level `phonetic`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NameSound {
    pub first: u64,
    pub last: u64,
    pub full: u64,
}

impl NameSound {
    pub fn of(tokens: &[String]) -> NameSound {
        use crate::normalize::name::{phonetic, phonetic_key};
        let hash = |s: &str| {
            use std::hash::{BuildHasher, Hasher};
            let mut h = rustc_hash::FxBuildHasher.build_hasher();
            h.write(s.as_bytes());
            h.finish()
        };
        match tokens {
            [] => NameSound::default(),
            [first, ..] => NameSound {
                first: hash(&phonetic(first)),
                last: hash(&phonetic(tokens.last().unwrap_or(first))),
                full: hash(&phonetic_key(tokens)),
            },
        }
    }
}

/// Distinct normalized values, by id.
#[derive(Debug, Default)]
pub struct Pool {
    pub niks: Vec<NikParse>,
    pub names: Vec<Vec<String>>,
    /// The sound keys of [`Pool::names`], by the same id.
    pub name_sounds: Vec<NameSound>,
    pub streets: Vec<Vec<String>>,
    pub areas: Vec<String>,
}

/// A record with its pool: what the comparisons read.
#[derive(Debug, Clone, Copy)]
pub struct Rec<'a> {
    pub p: &'a Person,
    pub pool: &'a Pool,
}

impl std::ops::Deref for Rec<'_> {
    type Target = Person;
    fn deref(&self) -> &Person {
        self.p
    }
}

impl<'a> Rec<'a> {
    pub fn nik(&self) -> &'a NikParse {
        &self.pool.niks[self.p.nik as usize]
    }
    pub fn name(&self) -> &'a [String] {
        &self.pool.names[self.p.name as usize]
    }
    /// The sound keys of the name (computed when the pool was built).
    pub(crate) fn sound(&self) -> NameSound {
        self.pool
            .name_sounds
            .get(self.p.name as usize)
            .copied()
            .unwrap_or_else(|| NameSound::of(self.name()))
    }
    pub fn street(&self) -> &'a [String] {
        &self.pool.streets[self.p.street as usize]
    }
    pub fn kelurahan(&self) -> &'a str {
        &self.pool.areas[self.p.kelurahan as usize]
    }
    pub fn kecamatan(&self) -> &'a str {
        &self.pool.areas[self.p.kecamatan as usize]
    }
    pub fn birth_place(&self) -> &'a str {
        &self.pool.areas[self.p.birth_place as usize]
    }
}

/// The normalized rows of one table, with the pool they share with the other table.
#[derive(Debug, Clone)]
pub struct Records {
    pub people: Vec<Person>,
    pub pool: Arc<Pool>,
}

impl Records {
    pub fn len(&self) -> usize {
        self.people.len()
    }
    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }
    pub fn get(&self, i: usize) -> Rec<'_> {
        Rec {
            p: &self.people[i],
            pool: &self.pool,
        }
    }
    pub fn iter(&self) -> impl Iterator<Item = Rec<'_>> + '_ {
        self.people.iter().map(|p| Rec {
            p,
            pool: &self.pool,
        })
    }
    pub(crate) fn par_iter(&self) -> impl IndexedParallelIterator<Item = Rec<'_>> + '_ {
        let pool: &Pool = &self.pool;
        self.people.par_iter().map(move |p| Rec { p, pool })
    }
    /// Bytes held per row by the records themselves (the pool is shared).
    #[cfg(test)]
    pub(crate) const ROW_BYTES: usize = std::mem::size_of::<Person>();
}

/// Turns a status cell into a comparison key: letters and digits, upper case.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// True when a death-date cell holds a date (not empty, `-`, `0`, `NULL`, `0000-00-00`).
pub(crate) fn is_death_date(cell: &str) -> bool {
    let t = cell.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("null") || t.eq_ignore_ascii_case("nan") {
        return false;
    }
    // Only separators and zeros (`-`, `0`, `0000-00-00`, `00/00/0000`) mean "no date".
    t.chars().any(|c| c.is_ascii_alphanumeric() && c != '0')
}

/// Decide the life status from the status and death-date cells.
pub(crate) fn life_status(status: &str, death_date: &str, values: &StatusValues) -> Life {
    combine_life(
        is_death_date(death_date),
        status_life(&squash(status), values),
    )
}

/// A death date makes a person deceased whatever the status column says.
fn combine_life(has_death_date: bool, status: Life) -> Life {
    if has_death_date {
        Life::Deceased
    } else {
        status
    }
}

fn status_life(s: &str, values: &StatusValues) -> Life {
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

/// Distinct cells of one field in row order: the id of each row's cell and the cells.
fn distinct<'c>(cells: &'c dyn CellsDyn, field: Field) -> (Vec<u32>, Vec<Cow<'c, str>>) {
    let n = cells.n_rows_dyn();
    let mut map: FxHashMap<Cow<'c, str>, u32> = FxHashMap::default();
    let mut values: Vec<Cow<'c, str>> = Vec::new();
    let mut ids = Vec::with_capacity(n);
    for row in 0..n {
        let c = cells.cell_dyn(field, row);
        let next = values.len() as u32;
        let id = match map.get(c.as_ref()) {
            Some(&id) => id,
            None => {
                map.insert(c.clone(), next);
                values.push(c);
                next
            }
        };
        ids.push(id);
    }
    (ids, values)
}

/// Object-safe access to [`Cells`] (the builder works on `dyn`).
trait CellsDyn: Sync {
    fn n_rows_dyn(&self) -> usize;
    fn cell_dyn(&self, field: Field, row: usize) -> Cow<'_, str>;
}

impl<C: Cells> CellsDyn for C {
    fn n_rows_dyn(&self) -> usize {
        self.n_rows()
    }
    fn cell_dyn(&self, field: Field, row: usize) -> Cow<'_, str> {
        self.cell(field, row)
    }
}

/// Normalize each distinct cell of a field once (in parallel): the distinct id of each
/// row's cell and the normalized distinct values.
fn prepare<T: Send>(
    cells: &dyn CellsDyn,
    field: Field,
    f: impl Fn(&str) -> T + Sync,
) -> (Vec<u32>, Vec<T>) {
    let (ids, values) = distinct(cells, field);
    let norm: Vec<T> = values.par_iter().map(|v| f(v)).collect();
    (ids, norm)
}

/// Per row, the value of a prepared field.
fn expand<T: Copy>((ids, values): (Vec<u32>, Vec<T>)) -> Vec<T> {
    by_row(&ids, &values)
}

/// Each row's value from the distinct values and each row's id into them.
fn by_row<T: Copy>(ids: &[u32], values: &[T]) -> Vec<T> {
    ids.iter().map(|&i| values[i as usize]).collect()
}

/// Values by id, with a lookup from value to id, built in first-seen order. The lookup
/// table holds only ids (each value is stored once).
struct Interner<T: Hash + Eq> {
    ids: hashbrown::HashTable<u32>,
    values: Vec<T>,
}

fn fx_hash<T: Hash + ?Sized>(v: &T) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(v)
}

impl<T: Hash + Eq> Interner<T> {
    fn new(empty: T) -> Self {
        let mut i = Interner {
            ids: hashbrown::HashTable::new(),
            values: Vec::new(),
        };
        i.intern(empty);
        i
    }
    /// An interner holding `values` under their positions as ids (values interned before,
    /// so all distinct).
    fn of(values: Vec<T>) -> Self {
        let mut ids = hashbrown::HashTable::with_capacity(values.len());
        for (id, v) in values.iter().enumerate() {
            ids.insert_unique(fx_hash(v), id as u32, |&i| fx_hash(&values[i as usize]));
        }
        Interner { ids, values }
    }
    fn intern(&mut self, v: T) -> u32 {
        let h = fx_hash(&v);
        let values = &self.values;
        if let Some(&id) = self.ids.find(h, |&id| values[id as usize] == v) {
            return id;
        }
        let id = self.values.len() as u32;
        let values = &self.values;
        self.ids
            .insert_unique(h, id, |&i| fx_hash(&values[i as usize]));
        self.values.push(v);
        id
    }
}

/// Intern a prepared field's values (in first-seen order); per row, the pool id.
fn intern_all<T: Hash + Eq>(
    interner: &mut Interner<T>,
    (ids, values): (Vec<u32>, Vec<T>),
) -> Vec<u32> {
    let map: Vec<u32> = values.into_iter().map(|v| interner.intern(v)).collect();
    ids.into_iter().map(|i| map[i as usize]).collect()
}

/// Builds the records of both tables over one pool.
pub(crate) struct RecordBuilder {
    niks: Vec<NikParse>,
    names: Interner<Vec<String>>,
    streets: Interner<Vec<String>>,
    areas: Interner<String>,
    /// Kelurahan, kecamatan and birthplace interned apart while a table is added in
    /// slices ([`StoredBuilder`]), merged into `areas` at the end.
    split_areas: Option<Box<[Interner<String>; 3]>>,
    status: StatusValues,
    id_kind: IdKind,
}

/// One table's columns before interning: each distinct cell normalized once (ids into the
/// distinct values), or by row where values are small.
#[derive(Default)]
struct Prepared {
    nik: Vec<NikParse>,
    name: (Vec<u32>, Vec<Vec<String>>),
    /// The name cell marks its holder deceased (ALM.).
    marked: Vec<bool>,
    street: (Vec<u32>, Vec<(Vec<String>, RtRw)>),
    kel: (Vec<u32>, Vec<String>),
    kec: (Vec<u32>, Vec<String>),
    place: (Vec<u32>, Vec<String>),
    kk: Vec<Option<std::num::NonZeroU64>>,
    birth: Vec<Option<BirthDate>>,
    sex: Vec<Option<Sex>>,
    rt: Vec<RtRw>,
    rw: Vec<RtRw>,
    life: Vec<Life>,
    dead: Vec<bool>,
}

impl Prepared {
    /// The fields prepared side by side, in parallel.
    fn of(cells: &impl Cells, id_kind: IdKind, status: &StatusValues) -> Prepared {
        let c: &dyn CellsDyn = cells;
        let n = cells.n_rows();
        let kind = cells.kind(Field::Nik);
        let mut p = Prepared::default();
        rayon::scope(|s| {
            s.spawn(|_| {
                // NIKs are (nearly) all distinct: parsed row by row, without a lookup.
                p.nik = (0..n)
                    .into_par_iter()
                    .map(|row| {
                        let v = c.cell_dyn(Field::Nik, row);
                        match id_kind {
                            IdKind::Nik => parse_nik(&v, kind),
                            IdKind::Generic => parse_generic_id(&v),
                        }
                    })
                    .collect();
            });
            s.spawn(|_| {
                // The tokens, and whether the cell marks its holder deceased (ALM.).
                let (ids, values) = prepare(c, Field::Name, |v| {
                    (normalize_name(v), crate::normalize::name::marks_deceased(v))
                });
                let (tokens, marks): (Vec<Vec<String>>, Vec<bool>) = values.into_iter().unzip();
                p.marked = by_row(&ids, &marks);
                p.name = (ids, tokens);
            });
            s.spawn(|_| {
                p.street = prepare(c, Field::Address, |v| {
                    (normalize_street(v), rt_rw_in_street(v))
                })
            });
            s.spawn(|_| p.kel = prepare(c, Field::Kelurahan, area_key));
            s.spawn(|_| p.kec = prepare(c, Field::Kecamatan, area_key));
            s.spawn(|_| p.place = prepare(c, Field::BirthPlace, area_key));
            s.spawn(|_| {
                p.kk = expand(prepare(c, Field::Kk, |v| {
                    normalize_kk(v)
                        .and_then(|k| k.parse::<u64>().ok())
                        .and_then(std::num::NonZeroU64::new)
                }))
            });
            s.spawn(|_| p.birth = expand(prepare(c, Field::BirthDate, parse_date)));
            s.spawn(|_| p.sex = expand(prepare(c, Field::Sex, parse_sex)));
            s.spawn(|_| p.rt = expand(prepare(c, Field::Rt, parse_rt_rw)));
            s.spawn(|_| p.rw = expand(prepare(c, Field::Rw, parse_rt_rw)));
            s.spawn(|_| {
                p.life = expand(prepare(c, Field::Status, |v| {
                    status_life(&squash(v), status)
                }))
            });
            s.spawn(|_| p.dead = expand(prepare(c, Field::DeathDate, is_death_date)));
        });
        p
    }
}

impl RecordBuilder {
    pub fn new(status: &StatusValues, id_kind: IdKind) -> Self {
        RecordBuilder {
            niks: vec![NikParse::Invalid {
                cleaned: String::new(),
                issue: NikIssue::NikEmpty,
            }],
            names: Interner::new(Vec::new()),
            streets: Interner::new(Vec::new()),
            areas: Interner::new(String::new()),
            split_areas: None,
            status: status.clone(),
            id_kind,
        }
    }

    /// Normalize every row of a table. The fields are prepared side by side (each distinct
    /// cell normalized once, in parallel); values are then interned in a fixed order, so
    /// ids do not depend on the thread count.
    pub fn add(&mut self, cells: &impl Cells) -> Vec<Person> {
        self.add_at(cells, 0)
    }

    /// [`RecordBuilder::add`] for rows that start at data row `row0` of their table.
    fn add_at(&mut self, cells: &impl Cells, row0: usize) -> Vec<Person> {
        let id_kind = if cells.plain_id() {
            IdKind::Generic
        } else {
            self.id_kind
        };
        let p = Prepared::of(cells, id_kind, &self.status);
        let n = p.nik.len();
        let base = self.niks.len() as u32;
        self.niks.extend(p.nik);
        let name = intern_all(&mut self.names, p.name);
        let (street_ids, street_values) = p.street;
        let (tokens, street_rt): (Vec<Vec<String>>, Vec<RtRw>) = street_values.into_iter().unzip();
        let street_rt: Vec<RtRw> = street_ids.iter().map(|&i| street_rt[i as usize]).collect();
        let street = intern_all(&mut self.streets, (street_ids, tokens));
        let (kelurahan, kecamatan, birth_place) = match self.split_areas.as_deref_mut() {
            Some([kel_ids, kec_ids, place_ids]) => (
                intern_all(kel_ids, p.kel),
                intern_all(kec_ids, p.kec),
                intern_all(place_ids, p.place),
            ),
            None => (
                intern_all(&mut self.areas, p.kel),
                intern_all(&mut self.areas, p.kec),
                intern_all(&mut self.areas, p.place),
            ),
        };
        (0..n)
            .map(|row| Person {
                row: (row0 + row) as u32,
                nik: base + row as u32,
                kk: p.kk[row],
                name: name[row],
                birth: p.birth[row],
                sex: p.sex[row],
                street: street[row],
                rtrw: merge_rt_rw(p.rt[row], p.rw[row], street_rt[row]),
                kelurahan: kelurahan[row],
                kecamatan: kecamatan[row],
                birth_place: birth_place[row],
                // A death date, or a name marked ALM./ALMH.: deceased.
                life: combine_life(p.dead[row] || p.marked[row], p.life[row]),
            })
            .collect()
    }
    /// The pool, once every table is added.
    pub fn finish(self) -> Arc<Pool> {
        let name_sounds = {
            use rayon::prelude::*;
            self.names
                .values
                .par_iter()
                .map(|n| NameSound::of(n))
                .collect()
        };
        Arc::new(Pool {
            niks: self.niks,
            names: self.names.values,
            name_sounds,
            streets: self.streets.values,
            areas: self.areas.values,
        })
    }
}

/// Build the records of two tables (register first: its values get the lower ids).
pub(crate) fn build_pair(
    aid: &impl Cells,
    register: &impl Cells,
    status: &StatusValues,
    id_kind: IdKind,
) -> (Records, Records) {
    let mut b = RecordBuilder::new(status, id_kind);
    let reg = b.add(register);
    b.pair(aid, reg)
}

impl RecordBuilder {
    /// Add the aid list after the register's records and finish: both tables' records.
    fn pair(mut self, aid: &impl Cells, register: Vec<Person>) -> (Records, Records) {
        let aid = self.add(aid);
        let pool = self.finish();
        (
            Records {
                people: aid,
                pool: pool.clone(),
            },
            Records {
                people: register,
                pool,
            },
        )
    }
}

/// The messy cells of [`rules_fingerprint`].
const FINGERPRINT_NAMES: [&str; 10] = [
    "HJ. SITI AMINAH, S.Pd",
    "Moch. Fadjar bin Soedjono",
    "TJAHJO KOESOEMO",
    "NUR HAYATI",
    "Nurhayati binti Achmad",
    "YUSUP",
    "dr. Muhammad Yusuf, S.H., M.H.",
    "NY. SITTI",
    "I GUSTI AYU",
    "",
];
const FINGERPRINT_PLACES: [&str; 9] = [
    "JL. MAWAR NO 3 RT 04 RW 02",
    "GG. DAMAI",
    "Kel. Sepinggan",
    "GN. SAMARINDA",
    "SEI KAPIH",
    "TJ. LAUT",
    "KOMPLEK BDS II BLOK C",
    "r t",
    "-",
];
const FINGERPRINT_DATES: [&str; 8] = [
    "05-07-1989",
    "1989/07/05",
    "32874",
    "17 Agustus 1945",
    "0000-00-00",
    "1990-12-31 00:00:00",
    "010790",
    "NULL",
];
const FINGERPRINT_NIKS: [&str; 6] = [
    "6471054507890003",
    "6.47101E+15",
    "'6471054507890003",
    "6471054507890003.0",
    "647105 450789 0003",
    "6471000000000000",
];

/// A fingerprint of the normalization rules: a hash of what the record builder's
/// normalizers make of a fixed set of messy cells (names with titles and old spellings,
/// addresses, area names, dates in many forms, NIKs damaged by spreadsheets, sex, RT/RW,
/// status). Any change of a rule that shows on these cells changes it: a register index
/// built under other rules is refused even when the version number is the same.
pub(crate) fn rules_fingerprint() -> String {
    use sha2::{Digest, Sha256};
    let mut out = String::new();
    use std::fmt::Write as _;
    for n in FINGERPRINT_NAMES {
        let tokens = normalize_name(n);
        let _ = write!(out, "{tokens:?}{:?};", NameSound::of(&tokens));
    }
    for p in FINGERPRINT_PLACES {
        let _ = write!(
            out,
            "{:?}{:?}{:?}{:?};",
            normalize_street(p),
            rt_rw_in_street(p),
            area_key(p),
            parse_rt_rw(p)
        );
    }
    for d in FINGERPRINT_DATES {
        let _ = write!(out, "{:?};", parse_date(d));
    }
    for n in FINGERPRINT_NIKS {
        for kind in [CellKind::Text, CellKind::Float, CellKind::Integer] {
            let _ = write!(out, "{:?};", parse_nik(n, kind));
        }
        let _ = write!(out, "{:?}{:?};", parse_generic_id(n), normalize_kk(n));
    }
    for s in ["L", "PEREMPUAN", "laki-laki", "W", ""] {
        let _ = write!(out, "{:?};", parse_sex(s));
    }
    let values = StatusValues::default();
    for (status, death) in [
        ("MENINGGAL", ""),
        ("PINDAH", ""),
        ("", "NULL"),
        ("", "2020-01-01"),
    ] {
        let _ = write!(out, "{:?};", life_status(status, death, &values));
    }
    let digest = Sha256::digest(out.as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// One table's records with the pool values they use, in id order: what a register index
/// stores. Building the aid list's records on top of them gives the same ids as building
/// both tables at once (the register's values come first either way).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoredRecords {
    pub people: Vec<Person>,
    pub niks: Vec<NikParse>,
    pub names: Vec<Vec<String>>,
    pub streets: Vec<Vec<String>>,
    pub areas: Vec<String>,
}

impl StoredRecords {
    /// The register's records alone, as [`build_pair`] would build them first.
    pub fn build(register: &impl Cells, status: &StatusValues, id_kind: IdKind) -> Self {
        let mut b = StoredBuilder::new(status, id_kind);
        b.add(register);
        b.finish()
    }

    /// Rows `rows` (sorted, distinct) of `records` with the values they use, renumbered
    /// from 0 in the same order: the register of a part of a partitioned run. Values keep
    /// their relative order (and id 0, the empty value), so anything that walks the
    /// values in id order walks them as over the whole register.
    pub(crate) fn subset(records: &Records, rows: &[u32]) -> StoredRecords {
        fn keep(used: &[bool]) -> Vec<u32> {
            let mut next = 0u32;
            used.iter()
                .enumerate()
                .map(|(i, &u)| {
                    let id = next;
                    if u || i == 0 {
                        next += 1;
                    }
                    id
                })
                .collect()
        }
        fn take<T: Clone>(values: &[T], used: &[bool]) -> Vec<T> {
            values
                .iter()
                .zip(used)
                .enumerate()
                .filter(|(i, (_, &u))| u || *i == 0)
                .map(|(_, (v, _))| v.clone())
                .collect()
        }
        let pool = &records.pool;
        let (mut niks, mut names, mut streets, mut areas) = (
            vec![false; pool.niks.len()],
            vec![false; pool.names.len()],
            vec![false; pool.streets.len()],
            vec![false; pool.areas.len()],
        );
        for &r in rows {
            let p = &records.people[r as usize];
            niks[p.nik as usize] = true;
            names[p.name as usize] = true;
            streets[p.street as usize] = true;
            for a in [p.kelurahan, p.kecamatan, p.birth_place] {
                areas[a as usize] = true;
            }
        }
        let (nik_id, name_id, street_id, area_id) =
            (keep(&niks), keep(&names), keep(&streets), keep(&areas));
        let people = rows
            .iter()
            .enumerate()
            .map(|(i, &r)| {
                let p = &records.people[r as usize];
                Person {
                    row: i as u32,
                    nik: nik_id[p.nik as usize],
                    name: name_id[p.name as usize],
                    street: street_id[p.street as usize],
                    kelurahan: area_id[p.kelurahan as usize],
                    kecamatan: area_id[p.kecamatan as usize],
                    birth_place: area_id[p.birth_place as usize],
                    ..*p
                }
            })
            .collect();
        StoredRecords {
            people,
            niks: take(&pool.niks, &niks),
            names: take(&pool.names, &names),
            streets: take(&pool.streets, &streets),
            areas: take(&pool.areas, &areas),
        }
    }

    /// Whether every id of every record points into the stored values (a damaged or
    /// foreign file must not index out of bounds later).
    pub fn consistent(&self) -> bool {
        let (niks, names, streets, areas) = (
            self.niks.len(),
            self.names.len(),
            self.streets.len(),
            self.areas.len(),
        );
        self.people.iter().enumerate().all(|(i, p)| {
            p.row as usize == i
                && (p.nik as usize) < niks
                && (p.name as usize) < names
                && (p.street as usize) < streets
                && (p.kelurahan as usize) < areas
                && (p.kecamatan as usize) < areas
                && (p.birth_place as usize) < areas
        }) && names > 0
            && streets > 0
            && areas > 0
            && niks > 0
    }
}

/// Builds one table's [`StoredRecords`] from slices of its rows added in order (a register
/// read a few row groups at a time: its text is never whole in memory). The records are
/// those [`RecordBuilder::add`] makes of the whole table: names, streets and NIKs are
/// interned in row order either way; the three area fields, which share the pool's area
/// ids, are interned apart per field and merged at the end in the order the whole table
/// gives them (every kelurahan, then every kecamatan, then every birthplace).
pub(crate) struct StoredBuilder {
    b: RecordBuilder,
    people: Vec<Person>,
}

impl StoredBuilder {
    pub fn new(status: &StatusValues, id_kind: IdKind) -> Self {
        let mut b = RecordBuilder::new(status, id_kind);
        b.split_areas = Some(Box::new([
            Interner::new(String::new()),
            Interner::new(String::new()),
            Interner::new(String::new()),
        ]));
        StoredBuilder {
            b,
            people: Vec::new(),
        }
    }

    /// Add the next rows of the table; their records (area ids not final until
    /// [`StoredBuilder::finish`]).
    pub fn add(&mut self, cells: &impl Cells) -> &[Person] {
        let row0 = self.people.len();
        let people = self.b.add_at(cells, row0);
        self.people.extend(people);
        &self.people[row0..]
    }

    /// Rows added so far.
    pub fn len(&self) -> usize {
        self.people.len()
    }

    /// The table's records, with the area ids of the whole table's order.
    pub fn finish(self) -> StoredRecords {
        let StoredBuilder { b, mut people } = self;
        let mut areas = b.areas;
        let split = b.split_areas.map(|s| *s);
        if let Some(split) = split {
            let [kel, kec, place] = split.map(|interner| {
                interner
                    .values
                    .into_iter()
                    .map(|v| areas.intern(v))
                    .collect::<Vec<u32>>()
            });
            for p in &mut people {
                p.kelurahan = kel[p.kelurahan as usize];
                p.kecamatan = kec[p.kecamatan as usize];
                p.birth_place = place[p.birth_place as usize];
            }
        }
        StoredRecords {
            people,
            niks: b.niks,
            names: b.names.values,
            streets: b.streets.values,
            areas: areas.values,
        }
    }
}

/// [`build_pair`] with the register's records already built (from a register index).
pub(crate) fn build_pair_on(
    aid: &impl Cells,
    register: StoredRecords,
    status: &StatusValues,
    id_kind: IdKind,
) -> (Records, Records) {
    let StoredRecords {
        people: reg,
        niks,
        names,
        streets,
        areas,
    } = register;
    let b = RecordBuilder {
        niks,
        names: Interner::of(names),
        streets: Interner::of(streets),
        areas: Interner::of(areas),
        split_areas: None,
        status: status.clone(),
        id_kind,
    };
    b.pair(aid, reg)
}

/// Build the records of one table (tests, small tools).
#[cfg(test)]
pub(crate) fn build_one(cells: &impl Cells, status: &StatusValues, id_kind: IdKind) -> Records {
    let mut b = RecordBuilder::new(status, id_kind);
    let people = b.add(cells);
    Records {
        people,
        pool: b.finish(),
    }
}

#[cfg(test)]
pub mod testing {
    //! Records from literal rows, for the matching stages' tests.
    use super::*;

    /// Records from rows of cells under `headers` (field keys such as `nik`, `name`).
    pub fn records(fields: &[Field], rows: &[&[&str]]) -> Records {
        build_one(
            &FieldRows::new(fields, rows),
            &StatusValues::default(),
            IdKind::Nik,
        )
    }

    /// An aid list and a register sharing one pool, as a run builds them.
    pub(crate) fn records_pair(
        fields: &[Field],
        aid: &[&[&str]],
        register: &[&[&str]],
    ) -> (Records, Records) {
        build_pair(
            &FieldRows::new(fields, aid),
            &FieldRows::new(fields, register),
            &StatusValues::default(),
            IdKind::Nik,
        )
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
            ("", "NULL", Life::Active),
            ("HIDUP", "0000-00-00", Life::Active),
            ("", "00-00-0000", Life::Active),
            ("", "0", Life::Active),
            ("", "12/03/2019", Life::Deceased),
        ];
        for (status, death, want) in cases {
            assert_eq!(life_status(status, death, &v), want, "{status:?} {death:?}");
        }
    }

    #[test]
    fn equal_values_share_ids_across_tables_and_rows() {
        use Field::*;
        let fields = [Nik, Name, Kelurahan, BirthDate];
        let reg = FieldRows::new(
            &fields,
            &[
                &[
                    "6471054507890003",
                    "Siti Aminah",
                    "Kel. Sepinggan",
                    "05-07-1989",
                ],
                &["6471054507890004", "RINA", "SEPINGGAN", "1989-07-05"],
            ],
        );
        let aid = FieldRows::new(
            &fields,
            &[&[
                "6471054507890003",
                "HJ. SITI AMINAH",
                "sepinggan",
                "5/7/1989",
            ]],
        );
        let (aid, reg) = build_pair(&aid, &reg, &StatusValues::default(), IdKind::Nik);
        let (a, r0, r1) = (aid.get(0), reg.get(0), reg.get(1));
        assert_eq!(a.name, r0.name, "normalized names intern to one id");
        assert_eq!(a.name(), ["SITI", "AMINAH"]);
        assert_eq!(a.kelurahan, r0.kelurahan);
        assert_eq!(r0.kelurahan, r1.kelurahan);
        assert_eq!(a.kelurahan(), "SEPINGGAN");
        assert_eq!(a.birth, r1.birth);
        assert_eq!(a.nik().valid(), Some("6471054507890003"));
        assert_ne!(r0.name, r1.name);
        assert_eq!(reg.get(0).street(), &[] as &[String]);
    }

    #[test]
    fn a_register_built_in_slices_is_the_register_built_at_once() {
        use Field::*;
        let fields = [
            Nik, Name, Kelurahan, Kecamatan, BirthPlace, Address, BirthDate,
        ];
        // Area values that recur across the three area fields and across slices: the
        // shared area ids must come out in the whole table's order (every kelurahan,
        // then every kecamatan, then every birthplace), not slice by slice.
        let rows: [&[&str]; 6] = [
            &[
                "6471054507890003",
                "Siti Aminah",
                "SEPINGGAN",
                "BALIKPAPAN SELATAN",
                "SAMARINDA",
                "JL. MAWAR 3",
                "05-07-1989",
            ],
            &[
                "6.47101E+15",
                "RINA",
                "GN. SAMARINDA",
                "BALIKPAPAN KOTA",
                "BALIKPAPAN",
                "",
                "NULL",
            ],
            &[
                "6471050101900001",
                "HJ. SITI AMINAH",
                "BALIKPAPAN KOTA",
                "Kel. Sepinggan",
                "SEPINGGAN",
                "JL. MAWAR 3",
                "1/1/1990",
            ],
            &[
                "",
                "",
                "KLANDASAN ILIR",
                "",
                "BALIKPAPAN SELATAN",
                "GG. DAMAI",
                "",
            ],
            &[
                "6471050101900002",
                "Budi",
                "SEPINGGAN",
                "TJ. LAUT",
                "TANJUNG LAUT",
                "-",
                "1990-01-01",
            ],
            &[
                "6471050101900003",
                "RINA",
                "MARGO MULYO",
                "BALIKPAPAN BARAT",
                "JAKARTA",
                "JL. MAWAR 3",
                "0000-00-00",
            ],
        ];
        let status = StatusValues::default();
        let whole = build_one(&FieldRows::new(&fields, &rows), &status, IdKind::Nik);
        for size in [1, 2, 4, 6] {
            let mut b = StoredBuilder::new(&status, IdKind::Nik);
            for slice in rows.chunks(size) {
                let added = b.add(&FieldRows::new(&fields, slice)).len();
                assert_eq!(added, slice.len());
            }
            assert_eq!(b.len(), rows.len());
            let stored = b.finish();
            assert!(stored.consistent(), "slices of {size}");
            assert_eq!(stored.people, whole.people, "slices of {size}");
            assert_eq!(stored.niks, whole.pool.niks, "slices of {size}");
            assert_eq!(stored.names, whole.pool.names, "slices of {size}");
            assert_eq!(stored.streets, whole.pool.streets, "slices of {size}");
            assert_eq!(stored.areas, whole.pool.areas, "slices of {size}");
        }
        assert_eq!(whole.get(2).kelurahan(), whole.get(1).kecamatan());
    }

    #[test]
    fn records_built_on_a_stored_register_are_the_records_built_at_once() {
        use Field::*;
        let fields = [Nik, Name, Kelurahan, BirthDate, Address, Kk, Sex, Status];
        let reg = FieldRows::new(
            &fields,
            &[
                &[
                    "6471054507890003",
                    "Siti Aminah",
                    "Kel. Sepinggan",
                    "05-07-1989",
                    "JL. MAWAR NO 3 RT 04",
                    "6471051203100005",
                    "P",
                    "",
                ],
                &[
                    "6.47101E+15",
                    "RINA",
                    "GN. SAMARINDA",
                    "",
                    "",
                    "-",
                    "L",
                    "MENINGGAL",
                ],
                &["", "", "", "NULL", "GG. DAMAI", "", "", ""],
            ],
        );
        let aid = FieldRows::new(
            &fields,
            &[
                &[
                    "6471054507890003",
                    "HJ. SITI AMINAH",
                    "sepinggan",
                    "5/7/1989",
                    "JALAN MAWAR 3",
                    "",
                    "",
                    "",
                ],
                &["123", "Budi", "Klandasan Ilir", "1/1/1970", "", "", "L", ""],
            ],
        );
        let status = StatusValues::default();
        let (aid_once, reg_once) = build_pair(&aid, &reg, &status, IdKind::Nik);
        let stored = StoredRecords::build(&reg, &status, IdKind::Nik);
        assert!(stored.consistent());
        // Through the index file's encoding and back.
        let bytes =
            bincode::serde::encode_to_vec(&stored, bincode::config::standard()).expect("encode");
        let (stored, _): (StoredRecords, usize) =
            bincode::serde::decode_from_slice(&bytes, bincode::config::standard()).expect("decode");
        let (aid_on, reg_on) = build_pair_on(&aid, stored, &status, IdKind::Nik);
        assert_eq!(aid_on.people, aid_once.people);
        assert_eq!(reg_on.people, reg_once.people);
        let (p, q) = (&aid_on.pool, &aid_once.pool);
        assert_eq!(p.niks, q.niks);
        assert_eq!(p.names, q.names);
        assert_eq!(p.name_sounds, q.name_sounds);
        assert_eq!(p.streets, q.streets);
        assert_eq!(p.areas, q.areas);
        assert_eq!(
            aid_on.get(0).name,
            reg_on.get(0).name,
            "still one id per value"
        );
    }

    #[test]
    fn the_rules_fingerprint_is_a_stable_hash_of_the_normalizers_output() {
        let f = rules_fingerprint();
        assert_eq!(f.len(), 16);
        assert!(f.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(f, rules_fingerprint(), "the same at every call");
    }

    #[test]
    fn stored_records_with_ids_past_their_values_are_not_consistent() {
        let reg = FieldRows::new(&[Field::Name], &[&["SITI"], &["RINA"]]);
        let mut stored = StoredRecords::build(&reg, &StatusValues::default(), IdKind::Nik);
        assert!(stored.consistent());
        stored.names.truncate(2);
        assert!(!stored.consistent());
    }

    #[test]
    fn a_subset_holds_the_chosen_rows_with_their_values_in_order() {
        let fields = [Field::Nik, Field::Name, Field::Kelurahan, Field::Address];
        let reg = FieldRows::new(
            &fields,
            &[
                &["6471054507890003", "SITI AMINAH", "SEPINGGAN", "JL MAWAR 3"],
                &["6471050101700001", "BUDI", "KLANDASAN ILIR", "JL MELATI 1"],
                &["6471054101800002", "RINA", "SEPINGGAN", ""],
                &["6471050202900004", "SITI AMINAH", "DAMAI", "JL MAWAR 3"],
            ],
        );
        let status = StatusValues::default();
        let whole = build_one(&reg, &status, IdKind::Nik);
        for rows in [vec![0u32, 2, 3], vec![1], vec![], vec![0, 1, 2, 3]] {
            let sub = StoredRecords::subset(&whole, &rows);
            assert!(sub.consistent() || rows.is_empty(), "{rows:?}");
            assert_eq!(sub.people.len(), rows.len());
            let (_, part) = build_pair_on(&FieldRows::new(&fields, &[]), sub, &status, IdKind::Nik);
            for (i, &r) in rows.iter().enumerate() {
                let (a, b) = (part.get(i), whole.get(r as usize));
                assert_eq!(a.row as usize, i);
                assert_eq!(a.nik(), b.nik(), "{rows:?} row {r}");
                assert_eq!(a.name(), b.name());
                assert_eq!(a.street(), b.street());
                assert_eq!(a.kelurahan(), b.kelurahan());
                assert_eq!(
                    (a.birth, a.sex, a.kk, a.life),
                    (b.birth, b.sex, b.kk, b.life)
                );
            }
            // Values keep their order, and only the rows' values are kept (and the empty one).
            let areas: Vec<&str> = part.pool.areas.iter().map(String::as_str).collect();
            let mut sorted_by_whole = areas.clone();
            sorted_by_whole.sort_by_key(|a| whole.pool.areas.iter().position(|w| w == a));
            assert_eq!(areas, sorted_by_whole);
            if rows == [1] {
                assert_eq!(part.pool.names.len(), 2, "{:?}", part.pool.names);
            }
        }
    }

    // A person has no heap data and stays small: checked at compile time.
    const _: () = assert!(Records::ROW_BYTES <= 56);
}

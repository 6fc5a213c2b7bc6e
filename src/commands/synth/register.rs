//! The synthetic register: households with KK structure, NIKs with the real layout,
//! namesakes, several regencies and people registered twice.
//!
//! In: an RNG and a size. Out: a [`Register`] and `population.parquet`.

use std::collections::HashMap;
use std::path::Path;

use polars::prelude::*;
use rayon::prelude::*;

use crate::core::error::WriteError;
use crate::core::fsio::write_atomic;
use crate::core::rng::Rng;

use super::*;

/// One register person.
#[derive(Debug, Clone)]
pub struct Person {
    pub nik: String,
    pub kk: String,
    pub name: String,
    /// (day, month, year)
    pub birth: (u32, u32, i32),
    pub female: bool,
    pub place: String,
    pub street: String,
    pub rt: u32,
    pub rw: u32,
    pub kec: usize,
    pub kel: &'static str,
    pub role: &'static str,
    pub status: &'static str,
    pub household: usize,
}

/// The register and the NIKs it holds.
pub struct Register {
    pub people: Vec<Person>,
    serials: HashMap<String, u32>,
    /// People registered twice: each record's row -> (old record, new record).
    pub twice: HashMap<usize, (usize, usize)>,
}

impl Register {
    /// A NIK for a region and birth date: the next serial for that region, date and sex.
    pub(crate) fn new_nik(&mut self, region: &str, birth: (u32, u32, i32), female: bool) -> String {
        let day = birth.0 + if female { 40 } else { 0 };
        let stem = format!(
            "{region}{day:02}{:02}{:02}",
            birth.1,
            birth.2.rem_euclid(100)
        );
        let s = self.serials.entry(stem.clone()).or_insert(0);
        *s += 1;
        format!("{stem}{:04}", *s)
    }

    pub fn holds(&self, nik: &str) -> bool {
        let (stem, serial) = nik.split_at(12);
        let n: u32 = serial.parse().unwrap_or(0);
        n >= 1 && self.serials.get(stem).is_some_and(|&max| n <= max)
    }
}

/// Days since 1970-01-01.
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(super) fn days_in_month(m: u32, y: i32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A birth date in `from..=to`; placeholders (unknown dates) at their real frequency:
/// common for people born before 1970, rarer later.
pub(super) fn birth_date(rng: &mut Rng, from: i32, to: i32) -> (u32, u32, i32) {
    let y = from + rng.below((to - from + 1).max(1) as usize) as i32;
    let placeholder = if y < 1970 { 0.15 } else { 0.04 };
    if rng.chance(placeholder) {
        return match rng.below(10) {
            0..=4 => (31, 12, y),
            5..=8 => (1, 7, y),
            _ => (1, 1, y),
        };
    }
    let m = 1 + rng.below(12) as u32;
    (1 + rng.below(days_in_month(m, y) as usize) as u32, m, y)
}

/// A name of tradition `t`: a given name, often one or two shared elements after it
/// ([`MIDDLE_MALE`], [`MIDDLE_FEMALE`]), and the family name unless the tradition goes
/// without.
pub(super) fn person_name(rng: &mut Rng, t: &Tradition, female: bool) -> String {
    let (given, middle) = if female {
        (rng.pick(t.female), MIDDLE_FEMALE)
    } else {
        (rng.pick(t.male), MIDDLE_MALE)
    };
    let mut name = given.to_string();
    for share in [0.8, 0.35] {
        if rng.chance(share) {
            name.push(' ');
            name.push_str(rng.pick::<&str>(middle));
        }
    }
    if !t.family.is_empty() && !rng.chance(t.single) {
        name.push(' ');
        name.push_str(rng.pick::<&str>(t.family));
    }
    name
}

/// A household member before NIK assignment: (female, birth, role, name).
pub(super) type Member = (bool, (u32, u32, i32), &'static str, String);

/// Build the register: households until `persons` people.
pub fn build_register(rng: &mut Rng, persons: usize) -> Register {
    let mut reg = Register {
        people: Vec::with_capacity(persons + 8),
        serials: HashMap::new(),
        twice: HashMap::new(),
    };
    let mut h = 0;
    while reg.people.len() < persons {
        let k = rng.below(KECAMATAN.len());
        let kel = *rng.pick(KECAMATAN[k].1);
        let t = rng.pick(TRADITIONS);
        let street = format!("{} NO. {}", rng.pick(STREETS), 1 + rng.below(150));
        let (rt, rw) = (1 + rng.below(40) as u32, 1 + rng.below(12) as u32);
        let kk = format!(
            "6471{:02}{:02}{:02}{:02}{:04}",
            k + 1,
            1 + rng.below(28),
            1 + rng.below(12),
            5 + rng.below(20),
            1 + h % 9999
        );
        let head_female = rng.chance(0.12);
        let head_birth = birth_date(rng, 1940, 2000);
        let family = if !t.family.is_empty() && rng.chance(0.5) {
            Some(*rng.pick(t.family))
        } else {
            None
        };
        let members = household_members(rng, t, (head_female, head_birth), family);
        let region = if rng.chance(0.85) {
            format!("6471{:02}", k + 1)
        } else {
            rng.pick(OTHER_REGIONS).to_string()
        };
        for (female, birth, role, name) in members {
            let nik = reg.new_nik(&region, birth, female);
            let r = rng.below(1000);
            let status = match r {
                0..=7 => "MATI",
                8..=12 => "PINDAH KELUAR",
                _ => "HIDUP",
            };
            reg.people.push(Person {
                nik,
                kk: kk.clone(),
                name,
                birth,
                female,
                place: rng.pick(BIRTHPLACES).to_string(),
                street: street.clone(),
                rt,
                rw,
                kec: k,
                kel,
                role,
                status,
                household: h,
            });
        }
        h += 1;
    }
    reg.people.truncate(persons);
    add_namesakes(rng, &mut reg);
    reg
}

/// A household's members: the head (`head`: female, birth date), a wife mostly, up to
/// four children (the family name after a one-word name) and now and then twins.
pub(super) fn household_members(
    rng: &mut Rng,
    t: &Tradition,
    head: (bool, (u32, u32, i32)),
    family: Option<&'static str>,
) -> Vec<Member> {
    let (head_female, head_birth) = head;
    let mut members: Vec<Member> = Vec::new();
    let mut head_name = person_name(rng, t, head_female);
    if head_birth.2 < 1975 && rng.chance(0.06) {
        head_name = format!("{} {head_name}", if head_female { "HJ." } else { "H." });
    }
    members.push((head_female, head_birth, "KEPALA KELUARGA", head_name));
    if !head_female && rng.chance(0.8) {
        let b = birth_date(rng, head_birth.2 - 2, (head_birth.2 + 10).min(2005));
        members.push((true, b, "ISTRI", person_name(rng, t, true)));
    }
    let children = rng.below(5);
    for c in 0..children {
        let female = rng.chance(0.5);
        let from = (head_birth.2 + 20).min(2024);
        let b = birth_date(rng, from, (head_birth.2 + 42).min(2025));
        let mut name = person_name(rng, t, female);
        if let (Some(f), false) = (family, name.contains(' ')) {
            name = format!("{name} {f}");
        }
        members.push((female, b, "ANAK", name));
        if c == 0 && rng.chance(0.03) {
            let f2 = rng.chance(0.5);
            members.push((f2, b, "ANAK", person_name(rng, t, f2)));
        }
    }
    members
}

/// Namesakes: some people share name and birth date with someone in another household.
pub(super) fn add_namesakes(rng: &mut Rng, reg: &mut Register) {
    let n = reg.people.len();
    if n <= 10 {
        return;
    }
    for _ in 0..n / 500 {
        let (a, b) = (rng.below(n), rng.below(n));
        if reg.people[a].household != reg.people[b].household
            && reg.people[a].female == reg.people[b].female
        {
            let (name, birth) = (reg.people[a].name.clone(), reg.people[a].birth);
            let region = reg.people[b].nik[..6].to_string();
            let nik = reg.new_nik(&region, birth, reg.people[b].female);
            let p = &mut reg.people[b];
            p.name = name;
            p.birth = birth;
            p.nik = nik;
        }
    }
}

/// Write the register as SIAK-style Parquet (NIK as an integer column, as some exports do).
pub fn write_register(people: &[Person], path: &Path) -> Result<(), WriteError> {
    let err = |e: PolarsError| WriteError::Other {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let s =
        |f: &(dyn Fn(&Person) -> String + Sync)| people.par_iter().map(f).collect::<Vec<String>>();
    let nik: Vec<i64> = people.iter().map(|p| p.nik.parse().unwrap_or(0)).collect();
    let dates: Vec<i32> = people
        .iter()
        .map(|p| days_from_civil(p.birth.2, p.birth.1, p.birth.0))
        .collect();
    let date_col = Series::new("TGL_LHR".into(), dates)
        .cast(&DataType::Date)
        .map_err(err)?;
    let mut df = DataFrame::new_infer_height(vec![
        Column::new("NIK".into(), nik),
        Column::new("NO_KK".into(), s(&|p| p.kk.clone())),
        Column::new("NAMA_LGKP".into(), s(&|p| p.name.clone())),
        Column::new("TMPT_LHR".into(), s(&|p| p.place.clone())),
        date_col.into(),
        Column::new(
            "JENIS_KLMIN".into(),
            people
                .iter()
                .map(|p| if p.female { 2i64 } else { 1 })
                .collect::<Vec<_>>(),
        ),
        Column::new("ALAMAT".into(), s(&|p| p.street.clone())),
        Column::new(
            "NO_RT".into(),
            people.iter().map(|p| i64::from(p.rt)).collect::<Vec<_>>(),
        ),
        Column::new(
            "NO_RW".into(),
            people.iter().map(|p| i64::from(p.rw)).collect::<Vec<_>>(),
        ),
        Column::new("KEL_NAME".into(), s(&|p| p.kel.to_string())),
        Column::new("KEC_NAME".into(), s(&|p| kecamatan_name(p.kec))),
        Column::new("STAT_HBKEL".into(), s(&|p| p.role.to_string())),
        Column::new("STATUS".into(), s(&|p| p.status.to_string())),
    ])
    .map_err(err)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("population.parquet");
    write_atomic(dir, name, |w| {
        ParquetWriter::new(w)
            .finish(&mut df)
            .map(|_| ())
            .map_err(|e| std::io::Error::other(e.to_string()))
    })?;
    Ok(())
}

/// Regencies of a multi-regency register: NIK and KK region code (4 digits) and a name
/// that sets their kecamatan and kelurahan apart. The first is the city.
pub(super) const REGENCIES: &[(&str, &str)] = &[
    ("6471", ""),
    ("6472", "ULU"),
    ("6474", "ILIR"),
    ("6402", "SEBERANG"),
    ("6403", "HULU"),
    ("6404", "TENGAH"),
    ("6405", "PESISIR"),
    ("6409", "TIMUR"),
    ("6411", "BARAT"),
];

/// The kecamatan's name: index `kec` into [`KECAMATAN`], repeated per regency.
pub(super) fn kecamatan_name(kec: usize) -> String {
    let (r, k) = (kec / KECAMATAN.len(), kec % KECAMATAN.len());
    match REGENCIES.get(r).map(|g| g.1).filter(|s| !s.is_empty()) {
        Some(suffix) => format!("{} {suffix}", KECAMATAN[k].0),
        None => KECAMATAN[k].0.to_string(),
    }
}

/// A kelurahan of regency `r`: the city's name with the regency's word (leaked once per
/// name: a few hundred at most).
pub(super) fn kelurahan_of(
    cache: &mut HashMap<(usize, &'static str), &'static str>,
    r: usize,
    kel: &'static str,
) -> &'static str {
    if r == 0 {
        return kel;
    }
    cache
        .entry((r, kel))
        .or_insert_with(|| Box::leak(format!("{kel} {}", REGENCIES[r].1).into_boxed_str()))
}

/// Spread the households over `n` regencies (household `h` in regency `h % n`): the
/// people first registered in the city get their regency's NIK, and every household its
/// regency's KK code, kecamatan and kelurahan.
pub(super) fn spread_regencies(reg: &mut Register, n: usize) {
    let n = n.min(REGENCIES.len());
    let mut cache = HashMap::new();
    for i in 0..reg.people.len() {
        let r = reg.people[i].household % n;
        if r == 0 {
            continue;
        }
        let code = REGENCIES[r].0;
        let (old, birth, female, kel) = {
            let p = &reg.people[i];
            (p.nik.clone(), p.birth, p.female, p.kel)
        };
        let nik = if old.starts_with("6471") {
            reg.new_nik(&format!("{code}{}", &old[4..6]), birth, female)
        } else {
            old
        };
        let kel = kelurahan_of(&mut cache, r, kel);
        let p = &mut reg.people[i];
        p.kk = format!("{code}{}", &p.kk[4..]);
        p.nik = nik;
        p.kel = kel;
        p.kec += r * KECAMATAN.len();
    }
}

/// 0.4% of the living adults moved to another regency and registered there again: a new
/// NIK and KK (issued later), at a new address, under their name (now and then spelt
/// otherwise); the old record says moved out (PINDAH) or was left open (HIDUP), even.
pub(super) fn register_twice(rng: &mut Rng, reg: &mut Register, n: usize) {
    let n = n.min(REGENCIES.len());
    let count = reg.people.len() / 250;
    let mut cache = HashMap::new();
    let mut tries = 0;
    while reg.twice.len() < 2 * count && tries < 50 * count {
        tries += 1;
        let i = rng.below(reg.people.len());
        let p = &reg.people[i];
        if p.status != "HIDUP" || p.birth.2 > 2000 || reg.twice.contains_key(&i) {
            continue;
        }
        let from = p.household % n;
        let to = (from + 1 + rng.below(n - 1)) % n;
        let k = rng.below(KECAMATAN.len());
        let region = format!("{}{:02}", REGENCIES[to].0, k + 1);
        let year: u32 = p.kk[10..12].parse().unwrap_or(5);
        let issued =
            (year + 1 + rng.below(25usize.saturating_sub(year as usize).max(1)) as u32).min(25);
        let kk = format!(
            "{}{:02}{:02}{:02}{issued:02}{:04}",
            REGENCIES[to].0,
            k + 1,
            1 + rng.below(28),
            1 + rng.below(12),
            1 + rng.below(9999)
        );
        let tokens: Vec<String> = p.name.split(' ').map(String::from).collect();
        let name = match rng
            .chance(0.15)
            .then(|| spelling_variant(rng, &tokens))
            .flatten()
        {
            Some(v) => v.join(" "),
            None => p.name.clone(),
        };
        let kel = kelurahan_of(
            &mut cache,
            to,
            KECAMATAN[k].1[rng.below(KECAMATAN[k].1.len())],
        );
        let mut again = Person {
            nik: String::new(),
            kk,
            name,
            street: format!("{} NO. {}", rng.pick(STREETS), 1 + rng.below(150)),
            rt: 1 + rng.below(40) as u32,
            rw: 1 + rng.below(12) as u32,
            kec: to * KECAMATAN.len() + k,
            kel,
            role: "KEPALA KELUARGA",
            status: "HIDUP",
            household: usize::MAX - reg.people.len(),
            ..p.clone()
        };
        again.nik = reg.new_nik(&region, again.birth, again.female);
        if rng.chance(0.5) {
            reg.people[i].status = "PINDAH KELUAR";
        }
        let j = reg.people.len();
        reg.people.push(again);
        reg.twice.insert(i, (i, j));
        reg.twice.insert(j, (i, j));
    }
}

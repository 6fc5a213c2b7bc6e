//! The synthetic aid list and its truth: recipients drawn by status, outsiders,
//! duplicates, other people's NIKs, people registered twice, hard negatives.
//!
//! In: a [`Register`] and an RNG. Out: [`AidRow`]s, `aid.csv` and
//! `truth.csv`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::core::error::WriteError;
use crate::core::fsio::write_atomic;
use crate::core::rng::Rng;

use super::*;

/// One generated aid row with its truth.
#[derive(Debug, Clone)]
pub struct AidRow {
    pub cells: Vec<String>,
    /// The true identity: `R<index>` for register people, `X<n>` for outsiders.
    pub person: String,
    /// The true person's NIK when the register holds them (empty for NAME_MISMATCH rows).
    pub register_nik: String,
    /// What a perfect tool says.
    pub status: &'static str,
    pub defects: Vec<&'static str>,
}

/// Header of the generated aid list (DTKS style).
pub const AID_HEADER: [&str; 13] = [
    "ID_DTKS",
    "NIK",
    "NO_KK",
    "NAMA",
    "TGL_LAHIR",
    "TMP_LAHIR",
    "JENIS_KELAMIN",
    "ALAMAT",
    "RT",
    "RW",
    "KELURAHAN",
    "KECAMATAN",
    "PROGRAM",
];

/// The aid rows of a person registered twice (`old`, `new` records): under the old NIK, the
/// new one, or both (two regencies' offices listing them). The truth is the new record;
/// of two rows, the one under the new NIK is paid.
pub(super) fn twice_rows(
    rng: &mut Rng,
    reg: &Register,
    (old, new): (usize, usize),
    used: &mut [bool],
) -> Vec<AidRow> {
    for i in [old, new] {
        if let Some(u) = used.get_mut(i) {
            *u = true;
        }
    }
    let which: &[usize] = match rng.below(100) {
        0..=34 => &[old],
        35..=69 => &[new],
        _ => &[new, old],
    };
    let truth = &reg.people[new];
    let mut rows = Vec::new();
    for (c, &i) in which.iter().enumerate() {
        let p = &reg.people[i];
        let mut defects = vec!["registered_twice"];
        if i == old {
            defects.push("old_nik");
        }
        let rates = if c == 0 { &FIRST_ROW } else { &EXTRA_ROW };
        if c > 0 {
            defects.push("duplicate");
        }
        let nik = damaged_nik(rng, &p.nik, rates, &mut defects);
        let cells = aid_cells(rng, p, nik, &home(p), &mut defects);
        rows.push(AidRow {
            cells,
            person: format!("R{new}"),
            register_nik: truth.nik.clone(),
            status: if c > 0 { "DUPLICATE" } else { "VERIFIED" },
            defects,
        });
    }
    rows
}

/// Register person `i`'s row at home, carrying `holder`'s NIK (cosmetically written):
/// a borrowed NIK, or the household head's on a member's form.
pub(super) fn on_other_nik(
    rng: &mut Rng,
    reg: &Register,
    i: usize,
    holder: usize,
    defect: &'static str,
    register_nik: String,
    status: &'static str,
) -> AidRow {
    let mut defects = vec![defect];
    let nik = cosmetic_nik(rng, &reg.people[holder].nik, &mut defects);
    let p = &reg.people[i];
    let cells = aid_cells(rng, p, nik, &home(p), &mut defects);
    AidRow {
        cells,
        person: format!("R{i}"),
        register_nik,
        status,
        defects,
    }
}

/// Register person `i`'s name on a form filled from `holder`'s KK: the holder's NIK, KK
/// and home, and the holder's birth date and place on most such forms. Nobody on it is
/// to be paid: the NIK's holder is not the person named.
pub(super) fn on_copied_card(rng: &mut Rng, reg: &Register, i: usize, holder: usize) -> AidRow {
    let mut defects = vec!["other_name_copied_household"];
    let (p, h) = (&reg.people[i], &reg.people[holder]);
    let nik = cosmetic_nik(rng, &h.nik, &mut defects);
    let copied_date = rng.chance(0.7);
    let written = Person {
        name: p.name.clone(),
        female: p.female,
        birth: if copied_date { h.birth } else { p.birth },
        place: if copied_date {
            h.place.clone()
        } else {
            p.place.clone()
        },
        ..h.clone()
    };
    let cells = aid_cells(rng, &written, nik, &home(h), &mut defects);
    AidRow {
        cells,
        person: format!("R{i}"),
        register_nik: String::new(),
        status: "NAME_MISMATCH",
        defects,
    }
}

/// A clean row of register person `p` at home under its own NIK (a new recipient).
pub(crate) fn clean_cells(
    rng: &mut Rng,
    p: &Person,
    defects: &mut Vec<&'static str>,
) -> Vec<String> {
    aid_cells(rng, p, p.nik.clone(), &home(p), defects)
}

pub(super) fn aid_cells(
    rng: &mut Rng,
    p: &Person,
    nik: String,
    at: &Place,
    defects: &mut Vec<&'static str>,
) -> Vec<String> {
    let street = if rng.chance(0.4) {
        defects.push("address_abbreviation");
        match rng.below(3) {
            0 => at.street.replace("JL.", "Jalan").replace("GG.", "Gang"),
            1 => at.street.replace("JL.", "Jln").replace("NO.", "Nomor"),
            _ => at
                .street
                .replace("KOMP.", "Komplek")
                .replace("PERUM.", "Perumahan")
                .replace("NO.", "No"),
        }
    } else {
        at.street.clone()
    };
    let (rt, rw) = match rng.below(5) {
        0 => (format!("RT {:03}", at.rt), format!("RW {:03}", at.rw)),
        1 => (format!("{:03}/{:03}", at.rt, at.rw), String::new()),
        2 => (format!("RT.{:02}/RW.{:02}", at.rt, at.rw), String::new()),
        _ => (format!("{:03}", at.rt), format!("{:03}", at.rw)),
    };
    let kel = match rng.below(20) {
        0 | 1 => {
            defects.push("kelurahan_spelling");
            at.kel.replace(' ', "")
        }
        2 | 3 => format!("KEL. {}", at.kel),
        4 => match kelurahan_as_heard(at.kel) {
            Some(k) => {
                defects.push("kelurahan_typed");
                k
            }
            None => at.kel.to_string(),
        },
        _ => at.kel.to_string(),
    };
    let kk = if rng.chance(0.08) {
        defects.push("kk_missing");
        String::new()
    } else {
        p.kk.clone()
    };
    // A sex code mistyped (L for P): weak evidence, the person is the same.
    let female = if rng.chance(0.01) {
        defects.push("sex_code_wrong");
        !p.female
    } else {
        p.female
    };
    let sex = match (rng.below(4), female) {
        (0, false) => "LAKI-LAKI",
        (0, true) => "PEREMPUAN",
        (_, false) => "L",
        (_, true) => "P",
    };
    vec![
        String::new(), // ID, set after shuffling
        nik,
        kk,
        messy_name(rng, p, defects),
        messy_date(rng, p.birth, defects),
        p.place.clone(),
        sex.to_string(),
        street,
        rt,
        rw,
        kel,
        kecamatan_name(at.kec),
        rng.pick(&["PKH", "BPNT", "BST", "PBI-JK"]).to_string(),
    ]
}

/// The rows of someone the register does not hold (outsider number `k`); some share a
/// resident's whole name and birth date (a common name, born the same day in another
/// province), and some are listed twice, often elsewhere.
pub(super) fn outsider_rows(rng: &mut Rng, reg: &mut Register, k: usize) -> Vec<AidRow> {
    let n = reg.people.len();
    let namesake = rng
        .chance(0.2)
        .then(|| rng.below(n))
        .filter(|&j| reg.people[j].birth.2 <= 2000);
    let (female, birth, name) = match namesake {
        Some(j) => {
            let q = &reg.people[j];
            (q.female, q.birth, q.name.clone())
        }
        None => {
            let female = rng.chance(0.5);
            let birth = birth_date(rng, 1945, 2000);
            let t = rng.pick(TRADITIONS);
            (female, birth, person_name(rng, t, female))
        }
    };
    let region = rng.pick(OTHER_REGIONS).to_string();
    let nik = reg.new_nik(&region, birth, female);
    let stranger = Person {
        nik: nik.clone(),
        kk: String::new(),
        name,
        birth,
        female,
        place: rng.pick(BIRTHPLACES).to_string(),
        street: format!("{} NO. {}", rng.pick(STREETS), 1 + rng.below(150)),
        rt: 1 + rng.below(40) as u32,
        rw: 1 + rng.below(12) as u32,
        kec: rng.below(6),
        kel: "",
        role: "",
        status: "",
        household: usize::MAX,
    };
    let stranger = Person {
        kel: {
            let kels = KECAMATAN[stranger.kec].1;
            kels[rng.below(kels.len())]
        },
        ..stranger
    };
    let row = |cells, defects| AidRow {
        cells,
        person: format!("X{k}"),
        register_nik: String::new(),
        status: "NOT_IN_REGISTER",
        defects,
    };
    let mut defects = vec!["not_in_register"];
    if namesake.is_some() {
        defects.push("outsider_namesake");
    }
    let nik_cell = damaged_nik(rng, &nik, &FIRST_ROW, &mut defects);
    let cells = aid_cells(rng, &stranger, nik_cell, &home(&stranger), &mut defects);
    let mut rows = vec![row(cells, defects)];
    if rng.chance(0.08) {
        let mut defects = vec!["not_in_register", "duplicate"];
        let at = if rng.chance(0.6) {
            defects.push("another_address");
            elsewhere(rng, &stranger)
        } else {
            home(&stranger)
        };
        let nik_cell = damaged_nik(rng, &nik, &EXTRA_ROW, &mut defects);
        let cells = aid_cells(rng, &stranger, nik_cell, &at, &mut defects);
        rows.push(row(cells, defects));
    }
    rows
}

/// A register person of `wanted_status` not listed yet (mostly household heads and
/// spouses), drawn until one fits so that each kind of recipient comes at its share.
pub(super) fn draw_recipient(
    rng: &mut Rng,
    reg: &Register,
    used: &[bool],
    wanted_status: &str,
) -> Option<usize> {
    let fits = |rng: &mut Rng, p: &Person| {
        p.status == wanted_status && p.birth.2 <= 2005 && (p.role != "ANAK" || rng.chance(0.1))
    };
    for _ in 0..20_000 {
        let i = rng.below(reg.people.len());
        if !used[i] && fits(rng, &reg.people[i]) {
            return Some(i);
        }
    }
    None
}

/// A single-row recipient `i` listed on a NIK not their own, now and then: someone
/// else's NIK, another person's name on a form filled from a holder's KK, or a household
/// member on the head's NIK (the form filled from the KK's first line; the truth is the
/// member). None: listed on their own NIK.
pub(super) fn on_a_wrong_nik(
    rng: &mut Rng,
    reg: &mut Register,
    i: usize,
    status: &str,
    by_household: &HashMap<usize, Vec<usize>>,
) -> Option<AidRow> {
    let n = reg.people.len();
    let p = reg.people[i].clone();
    if rng.chance(0.008) {
        let holder = loop {
            let j = rng.below(n);
            if j != i && reg.people[j].name != p.name {
                break j;
            }
        };
        let row = on_other_nik(
            rng,
            reg,
            i,
            holder,
            "nik_other_person",
            String::new(),
            "NAME_MISMATCH",
        );
        return Some(row);
    }
    // The holder's NIK, KK, address and (mostly) birth date, a name with no part of the
    // holder's.
    if rng.chance(0.006) {
        let shares = |a: &str, b: &str| a.split(' ').any(|t| b.split(' ').any(|u| u == t));
        let holder = (0..50)
            .map(|_| rng.below(n))
            .find(|&j| j != i && !shares(&reg.people[j].name, &p.name));
        if let Some(h) = holder {
            return Some(on_copied_card(rng, reg, i, h));
        }
    }
    if status == "VERIFIED" && p.role != "KEPALA KELUARGA" && rng.chance(0.012) {
        let head = by_household[&p.household]
            .iter()
            .copied()
            .find(|&j| reg.people[j].role == "KEPALA KELUARGA")?;
        let own = p.nik.clone();
        let row = on_other_nik(rng, reg, i, head, "family_member_nik", own, "VERIFIED");
        return Some(row);
    }
    None
}

/// Register person `i`'s rows: the first at home, any copies elsewhere (duplicates).
pub(super) fn own_rows(
    rng: &mut Rng,
    p: &Person,
    i: usize,
    copies: usize,
    status: &'static str,
) -> Vec<AidRow> {
    let mut rows = Vec::with_capacity(copies);
    for c in 0..copies {
        let mut defects: Vec<&'static str> = Vec::new();
        if status == "DECEASED" {
            defects.push("deceased");
        }
        if status == "MOVED_OUT" {
            defects.push("moved_out");
        }
        let (rates, at) = if c == 0 {
            (&FIRST_ROW, home(p))
        } else {
            defects.push("duplicate");
            defects.push("another_address");
            (&EXTRA_ROW, elsewhere(rng, p))
        };
        let nik = damaged_nik(rng, &p.nik, rates, &mut defects);
        let cells = aid_cells(rng, p, nik, &at, &mut defects);
        let row_status = if c > 0 && status == "VERIFIED" {
            "DUPLICATE"
        } else {
            status
        };
        rows.push(AidRow {
            cells,
            person: format!("R{i}"),
            register_nik: p.nik.clone(),
            status: row_status,
            defects,
        });
    }
    rows
}

/// Hard negatives: the spouse, or the twin, of recipient `i` listed too (now and then).
pub(super) fn mate_row(
    rng: &mut Rng,
    reg: &Register,
    i: usize,
    used: &mut [bool],
    by_household: &HashMap<usize, Vec<usize>>,
) -> Option<AidRow> {
    if !rng.chance(0.02) {
        return None;
    }
    let p = &reg.people[i];
    let j = by_household[&p.household]
        .iter()
        .copied()
        .filter(|&j| j != i && !used[j] && reg.people[j].status == "HIDUP")
        .find(|&j| {
            reg.people[j].role == "ISTRI" || (p.role == "ANAK" && reg.people[j].birth == p.birth)
        })?;
    used[j] = true;
    let q = &reg.people[j];
    let mut defects = vec![if q.role == "ISTRI" {
        "spouse_pair"
    } else {
        "twin_pair"
    }];
    let nik = cosmetic_nik(rng, &q.nik, &mut defects);
    let cells = aid_cells(rng, q, nik, &home(q), &mut defects);
    Some(AidRow {
        cells,
        person: format!("R{j}"),
        register_nik: q.nik.clone(),
        status: "VERIFIED",
        defects,
    })
}

/// The rows of register person `i`, drawn as a recipient.
pub(super) fn recipient_rows(
    rng: &mut Rng,
    reg: &mut Register,
    i: usize,
    used: &mut [bool],
    by_household: &HashMap<usize, Vec<usize>>,
) -> Vec<AidRow> {
    if let Some(&pair) = reg.twice.get(&i) {
        return twice_rows(rng, reg, pair, used);
    }
    let copies = match rng.below(100) {
        0 => 3,
        1..=4 => 2,
        _ => 1,
    };
    let status = match reg.people[i].status {
        "MATI" => "DECEASED",
        "PINDAH KELUAR" => "MOVED_OUT",
        _ => "VERIFIED",
    };
    if copies == 1 {
        if let Some(row) = on_a_wrong_nik(rng, reg, i, status, by_household) {
            return vec![row];
        }
    }
    let p = reg.people[i].clone();
    let mut rows = own_rows(rng, &p, i, copies, status);
    if status == "VERIFIED" {
        rows.extend(mate_row(rng, reg, i, used, by_household));
    }
    rows
}

/// Build the aid list and its truth: outsiders and register people drawn by status, in
/// shuffled order, numbered `DTKS...`.
pub(crate) fn build_aid(rng: &mut Rng, reg: &mut Register, target: usize) -> Vec<AidRow> {
    let n = reg.people.len();
    let mut rows: Vec<AidRow> = Vec::with_capacity(target + target / 10);
    let mut used = vec![false; n];
    let mut outsiders = 0usize;
    let by_household: HashMap<usize, Vec<usize>> =
        reg.people
            .iter()
            .enumerate()
            .fold(HashMap::new(), |mut m, (i, p)| {
                m.entry(p.household).or_default().push(i);
                m
            });
    let mut attempts = 0usize;
    while rows.len() < target && attempts < target * 2 {
        attempts += 1;
        let r = rng.below(1000);
        if r < 30 {
            rows.extend(outsider_rows(rng, reg, outsiders));
            outsiders += 1;
            continue;
        }
        let wanted_status = match r {
            30..=49 => "MATI",
            50..=59 => "PINDAH KELUAR",
            _ => "HIDUP",
        };
        let Some(i) = draw_recipient(rng, reg, &used, wanted_status) else {
            continue;
        };
        used[i] = true;
        rows.extend(recipient_rows(rng, reg, i, &mut used, &by_household));
    }
    for i in (1..rows.len()).rev() {
        let j = rng.below(i + 1);
        rows.swap(i, j);
    }
    for (k, r) in rows.iter_mut().enumerate() {
        r.cells[0] = format!("DTKS{:09}", k + 1);
    }
    rows
}

/// Write the aid list (`;`, BOM, as Indonesian Excel saves CSV) and the truth file.
pub(crate) fn write_aid_and_truth(rows: &[AidRow], dir: &Path) -> Result<(), WriteError> {
    let to_io = |e: csv::Error| std::io::Error::other(e.to_string());
    write_atomic(dir, "aid.csv", |w| {
        w.write_all(b"\xef\xbb\xbf")?;
        let mut out = csv::WriterBuilder::new().delimiter(b';').from_writer(w);
        out.write_record(AID_HEADER).map_err(to_io)?;
        for r in rows {
            out.write_record(&r.cells).map_err(to_io)?;
        }
        out.flush()
    })?;
    write_atomic(dir, "truth.csv", |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(["row", "person_id", "register_nik", "status", "defects"])
            .map_err(to_io)?;
        let mut buf = String::new();
        for (k, r) in rows.iter().enumerate() {
            buf.clear();
            let _ = write!(buf, "{}", r.defects.join(";"));
            out.write_record([
                (k + 1).to_string().as_str(),
                &r.person,
                &r.register_nik,
                r.status,
                &buf,
            ])
            .map_err(to_io)?;
        }
        out.flush()
    })?;
    Ok(())
}

/// The file naming the register's records that are one person registered twice.
pub const REGISTER_TRUTH: &str = "register-truth.csv";

/// Write [`REGISTER_TRUTH`] (old NIK, new NIK, the old record's status) when the register
/// holds people twice; returns whether it did.
pub(crate) fn write_register_truth(reg: &Register, dir: &Path) -> Result<bool, WriteError> {
    let mut pairs: Vec<(usize, usize)> = reg.twice.values().copied().collect();
    pairs.sort_unstable();
    pairs.dedup();
    if pairs.is_empty() {
        return Ok(false);
    }
    let to_io = |e: csv::Error| std::io::Error::other(e.to_string());
    write_atomic(dir, REGISTER_TRUTH, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(["nik_old", "nik_new", "status_old"])
            .map_err(to_io)?;
        for (old, new) in pairs {
            let (o, n) = (&reg.people[old], &reg.people[new]);
            out.write_record([o.nik.as_str(), n.nik.as_str(), o.status])
                .map_err(to_io)?;
        }
        out.flush()
    })?;
    Ok(true)
}

//! Writes the small synthetic fixtures in `fixtures/` with their expected answers:
//! `population.parquet` (register, SIAK-style, NIK stored as an integer column),
//! `aid.csv` (DTKS-style, `;`-delimited with a BOM, as Indonesian Excel saves it) and
//! `expected.csv` (for every aid row: status, register NIK and duplicate-group label).
//!
//! The expected answers follow from how each row is built, not from running `dedupe`.
//! All people are invented. Run: `cargo run --release --example make_fixtures`.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::Write;
use std::path::Path;

use dedupe::commands::synth::{
    days_from_civil, format_nik, Rng, AID_HEADER, KECAMATAN, OLD_SPELLING, STREETS,
};
use polars::prelude::*;

const MALE: &[&str] = &[
    "AHMAD",
    "BUDI",
    "AGUS",
    "SLAMET",
    "ANDI",
    "IWAN",
    "DEDI",
    "HENDRA",
    "RUDI",
    "YUSUF",
    "ARIFIN",
    "BAMBANG",
    "HASAN",
    "IMAM",
    "JOKO",
    "KADIR",
    "LUKMAN",
    "RAHMAT",
    "SUPRIADI",
    "TAUFIK",
    "WAHYU",
    "ZAINAL",
    "FERRY",
    "YOHANES",
    "MARTINUS",
    "I KETUT",
    "I MADE",
    "MUHAMMAD RIDWAN",
    "MUHAMMAD FAJAR",
    "MUHAMMAD ILHAM",
];
const FEMALE: &[&str] = &[
    "SITI",
    "NURHAYATI",
    "SRI",
    "DEWI",
    "RINA",
    "YULIANTI",
    "FITRIANI",
    "HARTATI",
    "KARTINI",
    "LESTARI",
    "MARLINA",
    "NOVITA",
    "PUTRI",
    "RATNA",
    "SUSANTI",
    "WULANDARI",
    "AISYAH",
    "FATIMAH",
    "MAGDALENA",
    "NI WAYAN",
    "NI MADE",
    "ANDI NURUL",
    "HASNAH",
    "MASITAH",
    "ROSMINI",
    "SALMAH",
];
const FAMILY: &[&str] = &[
    "SANTOSO",
    "WIBOWO",
    "SAPUTRA",
    "HIDAYAT",
    "KURNIAWAN",
    "SETIAWAN",
    "RAHMAN",
    "HASIBUAN",
    "SIREGAR",
    "NASUTION",
    "DAENG",
    "MAPPASESSU",
    "LATIF",
    "ARDIANSYAH",
    "GUNAWAN",
    "HALIM",
    "SIMANJUNTAK",
    "PANGARIBUAN",
    "SUDARSONO",
    "PRATAMA",
    "WIJAYA",
    "HERMAWAN",
    "SUGIARTO",
    "MAULANA",
];
#[derive(Clone)]
struct Person {
    nik: String,
    kk: String,
    name: String,
    birth: (u32, u32, i32),
    female: bool,
    place: String,
    street: String,
    rt: u32,
    rw: u32,
    kel: String,
    kec: String,
    role: &'static str,
    status: &'static str,
    household: usize,
}

fn random_birth(rng: &mut Rng, from: i32, to: i32) -> (u32, u32, i32) {
    let y = from + rng.below((to - from + 1) as usize) as i32;
    let r = rng.below(100);
    if r < 4 {
        (1, 7, y)
    } else if r < 6 {
        (31, 12, y)
    } else if r < 7 {
        (1, 1, y)
    } else {
        (1 + rng.below(28) as u32, 1 + rng.below(12) as u32, y)
    }
}

struct Register {
    people: Vec<Person>,
    serials: BTreeMap<String, u32>,
    niks: HashSet<String>,
}

impl Register {
    fn nik(&mut self, region: &str, birth: (u32, u32, i32), female: bool) -> String {
        let day = birth.0 + if female { 40 } else { 0 };
        let stem = format!("{region}{day:02}{:02}{:02}", birth.1, birth.2 % 100);
        let s = self.serials.entry(stem.clone()).or_insert(0);
        *s += 1;
        let nik = format!("{stem}{:04}", *s);
        self.niks.insert(nik.clone());
        nik
    }
}

fn full_name(rng: &mut Rng, female: bool) -> String {
    if rng.chance(0.06) {
        let (modern, _) = rng.pick(OLD_SPELLING);
        return modern.to_string();
    }
    let given = if female {
        *rng.pick(FEMALE)
    } else {
        *rng.pick(MALE)
    };
    if rng.chance(0.12) {
        given.to_string() // single name
    } else {
        format!("{given} {}", rng.pick(FAMILY))
    }
}

fn build_register(rng: &mut Rng, households: usize) -> Register {
    let mut reg = Register {
        people: Vec::new(),
        serials: BTreeMap::new(),
        niks: HashSet::new(),
    };
    for h in 0..households {
        let k = rng.below(KECAMATAN.len());
        let (kec, kels) = KECAMATAN[k];
        let kel = *rng.pick(kels);
        let region = if rng.chance(0.9) {
            format!("6471{:02}", k + 1)
        } else {
            rng.pick(&["647201", "737101", "357801"]).to_string()
        };
        let kk = format!(
            "6471{:02}{:02}{:02}{:02}{:04}",
            k + 1,
            1 + rng.below(28),
            1 + rng.below(12),
            5 + rng.below(15),
            h + 1
        );
        let street = format!("{} NO. {}", rng.pick(STREETS), 1 + rng.below(120));
        let (rt, rw) = (1 + rng.below(30) as u32, 1 + rng.below(10) as u32);
        let head_female = rng.chance(0.12);
        let head_birth = random_birth(rng, 1945, 1995);
        let mut members = vec![(
            head_female,
            head_birth,
            "KEPALA KELUARGA",
            full_name(rng, head_female),
        )];
        if !head_female && rng.chance(0.8) {
            let b = random_birth(rng, head_birth.2 - 3, (head_birth.2 + 8).min(2000));
            members.push((true, b, "ISTRI", full_name(rng, true)));
        }
        let children = rng.below(4);
        for c in 0..children {
            let female = rng.chance(0.5);
            let b = random_birth(
                rng,
                (head_birth.2 + 20).min(2015),
                (head_birth.2 + 40).min(2020),
            );
            members.push((female, b, "ANAK", full_name(rng, female)));
            if c == 0 && rng.chance(0.12) {
                // Twins: same birth date, same KK and address.
                let f2 = rng.chance(0.5);
                members.push((f2, b, "ANAK", full_name(rng, f2)));
            }
        }
        for (female, birth, role, name) in members {
            let nik = reg.nik(&region, birth, female);
            let r = rng.below(1000);
            let status = if r < 15 {
                "MATI"
            } else if r < 22 {
                "PINDAH KELUAR"
            } else {
                "HIDUP"
            };
            reg.people.push(Person {
                nik,
                kk: kk.clone(),
                name,
                birth,
                female,
                place: rng
                    .pick(&[
                        "BALIKPAPAN",
                        "SAMARINDA",
                        "MAKASSAR",
                        "SURABAYA",
                        "BANJARMASIN",
                        "PAREPARE",
                    ])
                    .to_string(),
                street: street.clone(),
                rt,
                rw,
                kel: kel.to_string(),
                kec: kec.to_string(),
                role,
                status,
                household: h,
            });
        }
    }
    reg
}

/// The register through synth's SIAK-style writer (kecamatan and kelurahan by their
/// entries in `KECAMATAN`).
fn write_register(people: &[Person]) -> PolarsResult<()> {
    let converted: Vec<dedupe::commands::synth::Person> = people
        .iter()
        .map(|p| {
            let kec = KECAMATAN
                .iter()
                .position(|(name, _)| *name == p.kec)
                .expect("kecamatan from KECAMATAN");
            let kel = KECAMATAN[kec]
                .1
                .iter()
                .copied()
                .find(|k| *k == p.kel)
                .expect("kelurahan from KECAMATAN");
            dedupe::commands::synth::Person {
                nik: p.nik.clone(),
                kk: p.kk.clone(),
                name: p.name.clone(),
                birth: p.birth,
                female: p.female,
                place: p.place.clone(),
                street: p.street.clone(),
                rt: p.rt,
                rw: p.rw,
                kec,
                kel,
                role: p.role,
                status: p.status,
                household: p.household,
            }
        })
        .collect();
    dedupe::commands::synth::write_register(&converted, Path::new("fixtures/population.parquet"))
        .map_err(|e| PolarsError::ComputeError(e.to_string().into()))
}

/// One aid row and its expected answer.
struct AidRow {
    cells: Vec<String>,
    status: &'static str,
    register_nik: String,
    group: String,
}

fn messy_nik(rng: &mut Rng, nik: &str) -> String {
    format_nik(nik, rng.below(9))
}

fn messy_name(rng: &mut Rng, p: &Person) -> String {
    let mut name = p
        .name
        .split(' ')
        .map(|t| {
            OLD_SPELLING
                .iter()
                .find(|(modern, _)| *modern == t)
                .map_or(t, |(_, old)| *old)
        })
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(rest) = name.strip_prefix("MUHAMMAD ") {
        name = format!(
            "{} {rest}",
            rng.pick(&["M.", "Muh.", "Moh.", "Mhd.", "Muhamad", "Mohammad", "MUHAMMAD"])
        );
    }
    if rng.chance(0.15) {
        let title = if p.female {
            rng.pick(&["Hj.", "Dra.", "HJ"])
        } else {
            rng.pick(&["H.", "Drs.", "Ir.", "H"])
        };
        name = format!("{title} {name}");
    }
    if rng.chance(0.1) {
        name = format!(
            "{name}{}",
            rng.pick(&[", S.Pd", " S.E.", ", A.Md", ", S.H., M.M."])
        );
    }
    match rng.below(3) {
        0 => name.to_lowercase(),
        1 => name
            .split(' ')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(" "),
        _ => name,
    }
}

fn messy_date(rng: &mut Rng, (d, m, y): (u32, u32, i32)) -> String {
    match rng.below(8) {
        0 => format!("{d:02}/{m:02}/{y}"),
        1 => format!("{y}-{m:02}-{d:02}"),
        2 => format!("{y}{m:02}{d:02}"),
        3 => (days_from_civil(y, m, d) + 25_569).to_string(), // Excel serial
        4 => String::new(),
        _ => format!("{d:02}-{m:02}-{y}"),
    }
}

fn aid_cells(
    rng: &mut Rng,
    id: usize,
    p: &Person,
    nik: String,
    at: Option<(&str, &str, String, u32, u32)>,
) -> Vec<String> {
    let (kel, kec, street, rt, rw) = at.unwrap_or((&p.kel, &p.kec, p.street.clone(), p.rt, p.rw));
    let street = match rng.below(4) {
        0 => street.replace("JL.", "Jalan").replace("GG.", "Gang"),
        1 => street.replace("JL.", "Jln").replace("NO.", "Nomor"),
        _ => street,
    };
    let (rt_cell, rw_cell) = match rng.below(4) {
        0 => (format!("RT {rt:03}"), format!("RW {rw:03}")),
        1 => (format!("{rt:03}/{rw:03}"), String::new()),
        2 => (format!("RT.{rt:02}/RW.{rw:02}"), String::new()),
        _ => (rt.to_string(), rw.to_string()),
    };
    let kel = match rng.below(4) {
        0 => kel.replace(' ', ""),
        1 => format!("KEL. {kel}"),
        _ => kel.to_string(),
    };
    let sex = match (rng.below(3), p.female) {
        (0, false) => "LAKI-LAKI",
        (0, true) => "PEREMPUAN",
        (_, false) => "L",
        (_, true) => "P",
    };
    vec![
        format!("DTKS{:07}", 1000 + id),
        nik,
        if rng.chance(0.1) {
            String::new()
        } else {
            p.kk.clone()
        },
        messy_name(rng, p),
        messy_date(rng, p.birth),
        p.place.clone(),
        sex.to_string(),
        street,
        rt_cell,
        rw_cell,
        kel,
        kec.to_string(),
        rng.pick(&["PKH", "BPNT", "BST"]).to_string(),
    ]
}

fn main() -> PolarsResult<()> {
    let mut rng = Rng::new(20_241_128);
    let mut reg = build_register(&mut rng, 900);
    write_register(&reg.people)?;

    let people = reg.people.clone();
    let mut used: HashSet<usize> = HashSet::new();
    let take =
        |rng: &mut Rng, used: &mut HashSet<usize>, pred: &dyn Fn(&Person) -> bool| -> usize {
            loop {
                let i = rng.below(people.len());
                if !used.contains(&i) && pred(&people[i]) {
                    used.insert(i);
                    return i;
                }
            }
        };
    let alive_adult = |p: &Person| p.status == "HIDUP" && p.role != "ANAK";
    let other_place = |rng: &mut Rng, p: &Person| loop {
        let (kec, kels) = *rng.pick(KECAMATAN);
        let kel = *rng.pick(kels);
        if kel != p.kel {
            let street = format!("{} NO. {}", rng.pick(STREETS), 1 + rng.below(120));
            return (
                kel,
                kec,
                street,
                1 + rng.below(30) as u32,
                1 + rng.below(10) as u32,
            );
        }
    };
    let mut rows: Vec<AidRow> = Vec::new();
    let mut id = 0;
    let mut next_id = || {
        id += 1;
        id
    };
    let plain = |status: &'static str, p: &Person, cells: Vec<String>, group: String| AidRow {
        cells,
        status,
        register_nik: p.nik.clone(),
        group,
    };

    // Verified recipients, with every formatting defect.
    for _ in 0..170 {
        let p = &people[take(&mut rng, &mut used, &alive_adult)];
        let nik = messy_nik(&mut rng, &p.nik);
        let cells = aid_cells(&mut rng, next_id(), p, nik, None);
        rows.push(plain("VERIFIED", p, cells, String::new()));
    }
    // Spouses and twins both listed: different people, both verified.
    for _ in 0..4 {
        let head = take(&mut rng, &mut used, &|p: &Person| {
            p.status == "HIDUP" && p.role == "KEPALA KELUARGA"
        });
        let h = people[head].household;
        if let Some(w) = (0..people.len()).find(|&i| {
            people[i].household == h
                && people[i].role == "ISTRI"
                && people[i].status == "HIDUP"
                && !used.contains(&i)
        }) {
            used.insert(w);
            for &i in &[head, w] {
                let p = &people[i];
                let cells = aid_cells(&mut rng, next_id(), p, p.nik.clone(), None);
                rows.push(plain("VERIFIED", p, cells, String::new()));
            }
        }
    }
    let twins: Vec<(usize, usize)> = (1..people.len())
        .filter(|&i| {
            people[i].role == "ANAK"
                && people[i - 1].role == "ANAK"
                && people[i].household == people[i - 1].household
                && people[i].birth == people[i - 1].birth
                && people[i].status == "HIDUP"
                && people[i - 1].status == "HIDUP"
        })
        .map(|i| (i - 1, i))
        .take(3)
        .collect();
    for (a, b) in twins {
        for i in [a, b] {
            used.insert(i);
            let p = &people[i];
            let cells = aid_cells(&mut rng, next_id(), p, p.nik.clone(), None);
            rows.push(plain("VERIFIED", p, cells, String::new()));
        }
    }
    // Recorded twice or three times: the row at the register's address is paid.
    for g in 0..24 {
        let p = &people[take(&mut rng, &mut used, &alive_adult)];
        let label = format!("D{g}");
        let home = {
            let n = messy_nik(&mut rng, &p.nik);
            aid_cells(&mut rng, next_id(), p, n, None)
        };
        let copies = if g % 8 == 0 { 2 } else { 1 };
        rows.push(plain("VERIFIED", p, home, label.clone()));
        for _ in 0..copies {
            let at = other_place(&mut rng, p);
            let away = {
                let n = messy_nik(&mut rng, &p.nik);
                aid_cells(&mut rng, next_id(), p, n, Some(at))
            };
            rows.push(plain("DUPLICATE", p, away, label.clone()));
        }
    }
    // Deceased, some listed twice; moved out.
    for g in 0..10 {
        let p = &people[take(&mut rng, &mut used, &|p: &Person| p.status == "MATI")];
        let label = if g < 2 {
            format!("M{g}")
        } else {
            String::new()
        };
        for _ in 0..(if g < 2 { 2 } else { 1 }) {
            let cells = {
                let n = messy_nik(&mut rng, &p.nik);
                aid_cells(&mut rng, next_id(), p, n, None)
            };
            rows.push(plain("DECEASED", p, cells, label.clone()));
        }
    }
    for _ in 0..5 {
        let p = &people[take(&mut rng, &mut used, &|p: &Person| {
            p.status == "PINDAH KELUAR"
        })];
        let cells = aid_cells(&mut rng, next_id(), p, p.nik.clone(), None);
        rows.push(plain("MOVED_OUT", p, cells, String::new()));
    }
    // Someone else's NIK: a woman's name on a man's NIK.
    for _ in 0..10 {
        let holder = people[take(&mut rng, &mut used, &|p: &Person| {
            !p.female && p.status == "HIDUP"
        })]
        .clone();
        let named = people[take(&mut rng, &mut used, &|p: &Person| {
            p.female && p.status == "HIDUP" && p.role != "ANAK"
        })]
        .clone();
        let mut cells = aid_cells(&mut rng, next_id(), &named, holder.nik.clone(), None);
        cells[6] = "P".into();
        rows.push(AidRow {
            cells,
            status: "NAME_MISMATCH",
            register_nik: holder.nik.clone(),
            group: String::new(),
        });
    }
    // Valid NIKs the register does not hold (people from elsewhere).
    // Outsiders: 14 with a valid NIK; 3 with a NIK in scientific notation and 3 with an
    // invalid NIK, which nothing can place (no register person is theirs).
    for k in 0..20 {
        let female = rng.chance(0.5);
        let birth = random_birth(&mut rng, 1950, 1995);
        let region = rng.pick(&["647401", "640301", "737102"]).to_string();
        let nik = reg.nik(&region, birth, female);
        let stranger = Person {
            nik: nik.clone(),
            kk: String::new(),
            name: full_name(&mut rng, female),
            birth,
            female,
            place: "TARAKAN".into(),
            street: "JL. YOS SUDARSO NO. 3".into(),
            rt: 4,
            rw: 1,
            kel: "KLANDASAN ULU".into(),
            kec: "BALIKPAPAN KOTA".into(),
            role: "",
            status: "",
            household: 0,
        };
        let (nik, status) = match k {
            14..=16 => (format!("{}.{}E+15", &nik[..1], &nik[1..7]), "NIK_DAMAGED"),
            17 => (nik.replacen('1', "I", 1), "INVALID_NIK"),
            18 => (nik[..15].to_string(), "INVALID_NIK"),
            19 => (format!("99{}", &nik[2..]), "INVALID_NIK"),
            _ => (nik, "NOT_IN_REGISTER"),
        };
        let cells = aid_cells(&mut rng, next_id(), &stranger, nik, None);
        rows.push(AidRow {
            cells,
            status,
            register_nik: String::new(),
            group: String::new(),
        });
    }
    // Invalid NIKs of register people: fuzzy linking places them by name, birth date,
    // address and the NIK's surviving digits (reason NIK_CORRECTED).
    let bad: &[fn(&str) -> String] = &[
        |n| n[..15].to_string(),
        |n| format!("{n}7"),
        |n| n.replacen('0', "O", 1),
        |n| format!("99{}", &n[2..]),
        |n| format!("{}00{}", &n[..2], &n[4..]),
        |n| format!("{}32{}", &n[..6], &n[8..]),
        |n| format!("{}0000", &n[..12]),
        |_| String::new(),
        |_| "-".to_string(),
    ];
    for (k, f) in bad.iter().enumerate().chain(bad.iter().enumerate().take(4)) {
        let p = &people[take(&mut rng, &mut used, &alive_adult)];
        let mut nik = f(&p.nik);
        if k == 2 && !p.nik.contains('0') {
            nik = format!("{}X", &p.nik[..15]);
        }
        let cells = aid_cells(&mut rng, next_id(), p, nik, None);
        rows.push(plain("VERIFIED", p, cells, String::new()));
    }
    // Spreadsheet damage of register people: scientific notation, the 16th digit rounded.
    for k in 0..12 {
        let p = &people[take(&mut rng, &mut used, &|p: &Person| {
            alive_adult(p) && !p.nik.ends_with('0')
        })];
        let nik = if k < 8 {
            let mantissa = format!("{}.{}", &p.nik[..1], &p.nik[1..6]);
            if k % 2 == 0 {
                format!("{mantissa}E+15")
            } else {
                format!("{}E+15", mantissa.replace('.', ","))
            }
        } else {
            let v: u64 = p.nik.parse().expect("digits");
            let rounded = ((v + 5) / 10 * 10).to_string();
            if reg.niks.contains(&rounded) {
                continue;
            }
            rounded
        };
        let cells = aid_cells(&mut rng, next_id(), p, nik, None);
        rows.push(plain("VERIFIED", p, cells, String::new()));
    }

    // Shuffle (Fisher-Yates) so that duplicates are not adjacent.
    for i in (1..rows.len()).rev() {
        let j = rng.below(i + 1);
        rows.swap(i, j);
    }
    let mut aid = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    aid.write_record(AID_HEADER).map_err(to_polars)?;
    let mut expected = csv::Writer::from_writer(Vec::new());
    expected
        .write_record(["row", "status", "register_nik", "group"])
        .map_err(to_polars)?;
    for (i, r) in rows.iter().enumerate() {
        aid.write_record(&r.cells).map_err(to_polars)?;
        let reg_nik = if matches!(
            r.status,
            "INVALID_NIK" | "NIK_DAMAGED" | "NOT_IN_REGISTER" | "NAME_MISMATCH"
        ) {
            ""
        } else {
            r.register_nik.as_str()
        };
        expected
            .write_record([(i + 1).to_string().as_str(), r.status, reg_nik, &r.group])
            .map_err(to_polars)?;
    }
    let mut f = File::create("fixtures/aid.csv")?;
    f.write_all(b"\xef\xbb\xbf")?;
    f.write_all(
        &aid.into_inner()
            .map_err(|e| to_polars(e.into_error().into()))?,
    )?;
    File::create("fixtures/expected.csv")?.write_all(
        &expected
            .into_inner()
            .map_err(|e| to_polars(e.into_error().into()))?,
    )?;
    eprintln!(
        "wrote {} register rows and {} aid rows",
        reg.people.len(),
        rows.len()
    );
    Ok(())
}

fn to_polars(e: csv::Error) -> PolarsError {
    PolarsError::ComputeError(e.to_string().into())
}

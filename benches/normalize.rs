//! Criterion benches of the normalizers and comparators on messy inputs.
//! Run: `cargo bench --bench normalize`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

use dedupe::normalize::address::{area_key, combine_rt_rw, normalize_street};
use dedupe::normalize::date::parse_date;
use dedupe::normalize::name::{name_similarity, normalize_name};
use dedupe::normalize::nik::{parse_nik, CellKind};

fn normalizers(c: &mut Criterion) {
    let niks = [
        "6471054507890001",
        "'6471 0545 0789 0001",
        "6.47101E+15",
        "6471054507890001.0",
        "647105450789000",
    ];
    c.bench_function("parse_nik x5", |b| {
        b.iter(|| {
            for n in niks {
                black_box(parse_nik(black_box(n), CellKind::Text));
            }
        })
    });
    let names = [
        "Hj. Siti Aminah, S.Pd",
        "M. Ridwan bin Soeparno",
        "Tjahjo Koemolo",
        "BUDI SANTOSO",
    ];
    c.bench_function("normalize_name x4", |b| {
        b.iter(|| {
            for n in names {
                black_box(normalize_name(black_box(n)));
            }
        })
    });
    let dates = [
        "31-01-1990",
        "1990-01-31",
        "19900131",
        "32874",
        "17 Agustus 1945",
    ];
    c.bench_function("parse_date x5", |b| {
        b.iter(|| {
            for d in dates {
                black_box(parse_date(black_box(d)));
            }
        })
    });
    c.bench_function("address", |b| {
        b.iter(|| {
            black_box(normalize_street(black_box(
                "Jl. Mulawarman No. 12 RT.03/RW.02",
            )));
            black_box(combine_rt_rw(black_box("RT.03/RW.02"), "", ""));
            black_box(area_key(black_box("Kel. Sungai Nangka")));
        })
    });
}

fn comparators(c: &mut Criterion) {
    let a = normalize_name("Hj. Siti Aminah binti Abdullah");
    let b = normalize_name("SITI AMINA");
    let x = normalize_name("Ahmad Fauzi");
    let y = normalize_name("Ahmad Subagio");
    c.bench_function("name_similarity x2", |bch| {
        bch.iter(|| {
            black_box(name_similarity(black_box(&a), black_box(&b)));
            black_box(name_similarity(black_box(&x), black_box(&y)));
        })
    });
}

criterion_group!(benches, normalizers, comparators);
criterion_main!(benches);

//! `report.html`: the page for officials from its template and the language's words.
//!
//! In: the [`Facts`] and a language. Out: one self-contained page (inline CSS
//! and SVG, no script, no network).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::normalize::nik::mask;

use crate::core::config::Lang;
use crate::io::money::{rupiah, rupiah_words};

use crate::io::output::{OutputRow as Row, AID_QUALITY_KEYS};

use super::sections::Sections;
use super::words::{status_label, t};
use super::Facts;

/// The page template (minijinja; HTML auto-escaping by the `.html` name).
const TEMPLATE: &str = include_str!("../report.html.j2");

#[derive(Serialize)]
struct Card {
    label: &'static str,
    value: usize,
}

#[derive(Serialize)]
struct SavingsRow {
    label: &'static str,
    rows: usize,
    amount: String,
}

#[derive(Serialize)]
struct AreaRow {
    name: String,
    rows: u64,
    paid: u64,
    withheld: u64,
    savings: String,
}

#[derive(Serialize)]
struct Bar {
    label: String,
    value: String,
    y: usize,
    text_y: usize,
    width: u64,
    value_x: u64,
}

#[derive(Serialize)]
struct Area {
    title: &'static str,
    rows: Vec<AreaRow>,
    bars: Vec<Bar>,
    chart_height: usize,
}

#[derive(Serialize)]
struct Labelled {
    label: &'static str,
    rows: u64,
}

#[derive(Serialize)]
struct DupRow {
    group: String,
    row: String,
    nik: String,
    name: String,
    address: String,
    kept: bool,
}

/// An area table and its bar chart of the largest savings.
fn area(title: &'static str, m: &BTreeMap<String, [u64; 4]>, lang: Lang, limit: usize) -> Area {
    let mut rows: Vec<(&String, &[u64; 4])> = m.iter().collect();
    rows.sort_by(|a, b| b.1[3].cmp(&a.1[3]).then(a.0.cmp(b.0)));
    rows.truncate(limit);
    let max = rows.iter().map(|(_, v)| v[3]).max().unwrap_or(0).max(1);
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, (k, v))| {
            let y = 18 * i + 2;
            let width = (v[3] as f64 / max as f64 * 330.0).round() as u64;
            Bar {
                label: k.chars().take(28).collect(),
                value: rupiah_words(v[3], lang),
                y,
                text_y: y + 11,
                width,
                value_x: 195 + width,
            }
        })
        .collect();
    Area {
        title,
        chart_height: 18 * rows.len() + 4,
        rows: rows
            .iter()
            .map(|(k, v)| AreaRow {
                name: (*k).clone(),
                rows: v[0],
                paid: v[1],
                withheld: v[2],
                savings: rupiah(v[3], lang),
            })
            .collect(),
        bars,
    }
}

/// Reason codes counted under data quality, in the report's order.
const QUALITY_REASONS: [&str; 13] = [
    "NIK_SCIENTIFIC",
    "NIK_ROUNDED",
    "NIK_FLOAT_PRECISION",
    "NIK_CORRECTED",
    "HOUSEHOLD_NIK",
    "NIK_SUPERSEDED",
    "NIK_LENGTH",
    "NIK_NON_DIGIT",
    "NIK_EMPTY",
    "NIK_DATE",
    "NIK_PROVINCE",
    "NIK_REGION",
    "NIK_SERIAL",
];

/// The HTML report, from the template and the language's string table.
pub fn html(f: &Facts, lang: Lang) -> String {
    let c = |k: &str| f.status_counts.get(k).copied().unwrap_or(0);
    let cards = cards(f, lang);
    let savings_rows: Vec<SavingsRow> = f
        .savings_by_status
        .iter()
        .filter(|(k, _)| *k != "VERIFIED")
        .map(|(k, v)| SavingsRow {
            label: status_label(k, lang),
            rows: c(k),
            amount: rupiah(*v, lang),
        })
        .collect();
    let areas = vec![
        area(t(lang, "kecamatan"), &f.by_kecamatan, lang, 40),
        area(t(lang, "kelurahan_top"), &f.by_kelurahan, lang, 30),
        area(t(lang, "program"), &f.by_program, lang, 20),
    ];
    let quality = quality_rows(f, lang);
    let sections = Sections::of(f, lang);
    let duplicates = duplicate_rows(f);
    let sm = &f.summary;
    let text = |v: &Value| v.as_str().unwrap_or("").to_string();
    let strings: BTreeMap<&str, &str> = crate::io::strings::table(lang).iter().copied().collect();
    let ctx = minijinja::context! {
        lang => if lang == Lang::Id { "id" } else { "en" },
        t => strings,
        cards => cards,
        savings => minijinja::context! {
            words => rupiah_words(f.savings_total, lang),
            exact => rupiah(f.savings_total, lang),
            months => f.months,
            rows => savings_rows,
            confirmed => rupiah(f.savings_confirmed, lang),
            pending => rupiah(f.savings_pending, lang),
        },
        areas => areas,
        quality => quality,
        review => f.summary.get("review").cloned().unwrap_or(serde_json::Value::Null),
        twice => f.summary.get("register_twice").cloned().unwrap_or(serde_json::Value::Null),
        changes => sections.changes,
        audit => sections.audit,
        trend => sections.trend,
        period => sections.period,
        duplicates => duplicates,
        meta => minijinja::context! {
            version => text(&sm["version"]),
            aid_path => text(&sm["aid"]["path"]),
            aid_sha256 => text(&sm["aid"]["sha256"]),
            register_path => text(&sm["register"]["path"]),
            register_sha256 => text(&sm["register"]["sha256"]),
            config => sm["config"]["match"].to_string(),
        },
    };
    let mut env = minijinja::Environment::new();
    let rendered = env
        .add_template("report.html", TEMPLATE)
        .and_then(|()| env.get_template("report.html"))
        .and_then(|tpl| tpl.render(ctx));
    match rendered {
        Ok(mut page) => {
            page.push('\n');
            page
        }
        // The template is part of the binary and tested: this is a bug, not bad data.
        Err(e) => format!("<!DOCTYPE html><p>report template error: {e}</p>\n"),
    }
}

/// The page's headline cards: rows checked and the main statuses.
fn cards(f: &Facts, lang: Lang) -> Vec<Card> {
    let c = |k: &str| f.status_counts.get(k).copied().unwrap_or(0);
    let card = |label: &'static str, value| Card { label, value };
    vec![
        card(t(lang, "rows_checked"), f.rows),
        card(status_label("VERIFIED", lang), c("VERIFIED")),
        card(status_label("DUPLICATE", lang), c("DUPLICATE")),
        card(status_label("DECEASED", lang), c("DECEASED")),
        card(
            status_label("NOT_IN_REGISTER", lang),
            c("NOT_IN_REGISTER") + c("MOVED_OUT"),
        ),
        card(
            t(lang, "invalid_or_damaged"),
            c("INVALID_NIK") + c("NIK_DAMAGED"),
        ),
        card(status_label("NAME_MISMATCH", lang), c("NAME_MISMATCH")),
    ]
}

/// The data-quality table: the aid list's tallies, then the rows of the quality reasons.
fn quality_rows(f: &Facts, lang: Lang) -> Vec<Labelled> {
    let aq = &f.summary["aid_quality"];
    AID_QUALITY_KEYS
        .iter()
        .map(|k| Labelled {
            label: t(lang, &format!("quality.{k}")),
            rows: aq[k].as_u64().unwrap_or(0),
        })
        .chain(QUALITY_REASONS.iter().map(|k| Labelled {
            label: t(lang, &format!("quality.{k}")),
            rows: f.reason_counts.get(*k).copied().unwrap_or(0) as u64,
        }))
        .collect()
}

/// The duplicate groups' rows as the page lists them, NIKs masked.
fn duplicate_rows(f: &Facts) -> Vec<DupRow> {
    let get = |d: &Row, k: &str| d.get(k).cloned().unwrap_or_default();
    f.duplicates
        .iter()
        .map(|d| DupRow {
            group: get(d, "group_id"),
            row: get(d, "row"),
            nik: mask(&get(d, "nik")),
            name: get(d, "name"),
            address: format!("{} {}", get(d, "address"), get(d, "kelurahan")),
            kept: get(d, "kept") == "true",
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Benefits;
    use crate::io::official::RowFacts;

    #[test]
    fn html_escapes_cells_and_masks_niks() {
        let mut dup = Row::new();
        dup.insert("group_id".into(), "G00001".into());
        dup.insert("row".into(), "7".into());
        dup.insert("nik".into(), "6471054507890003".into());
        dup.insert("name".into(), "<b>SITI & \"AMINAH\"</b>".into());
        dup.insert("kept".into(), "true".into());
        let f = Facts::compute(
            [RowFacts {
                status: "DUPLICATE",
                reason: "DUPLICATE_OF_ROW",
                ..RowFacts::default()
            }],
            serde_json::json!({"version": "9.9"}),
            vec![dup],
            &Benefits::default(),
        );
        for lang in [Lang::Id, Lang::En] {
            let page = html(&f, lang);
            assert!(
                page.contains("&lt;b&gt;SITI &amp; &quot;AMINAH&quot;&lt;"),
                "{page}"
            );
            assert!(!page.contains("<b>SITI"));
            assert!(!page.contains("6471054507890003"));
            assert!(page.contains(&mask("6471054507890003")));
            assert!(page.contains("dedupe 9.9"));
            assert!(!page.contains("template error"));
        }
        assert!(html(&f, Lang::Id).contains("Penghematan anggaran"));
        assert!(html(&f, Lang::En).contains("Budget savings"));
    }
}

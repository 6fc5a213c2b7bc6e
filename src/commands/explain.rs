//! `dedupe explain`: why a row got its status and group.
//!
//! In: the out folder of a run (`decisions.csv`, `duplicates.csv`) and a 1-based aid row.
//! Out: a plain-text explanation: status, reason in Bahasa Indonesia (or English), the
//! register person, the match weight and every field's contribution, and the other rows of
//! its duplicate group. NIKs are masked (`647105********01`): the text is for reading
//! aloud and pasting into letters, not for finding people.

use std::fmt::Write as _;
use std::path::Path;

use crate::core::error::LoadError;
use crate::core::status::{reason_en, reason_id};
use crate::io::files::{DECISIONS, DUPLICATES, REGISTER_DUPLICATES};
use crate::io::output::{read_output_csv, OutputRow};
use crate::matching::holder::EVIDENCE_KEY;
use crate::normalize::nik::mask;

fn rows(path: &Path) -> Result<Vec<OutputRow>, LoadError> {
    read_output_csv(path).map(|(_, rows)| rows)
}

fn get<'a>(r: &'a OutputRow, k: &str) -> &'a str {
    r.get(k).map(String::as_str).unwrap_or("")
}

/// Explain one row (1-based) of a run.
pub fn explain(out_dir: &Path, row: usize, english: bool) -> Result<String, LoadError> {
    let decisions_path = out_dir.join(DECISIONS);
    let decisions = rows(&decisions_path)?;
    let d = decisions
        .iter()
        .find(|d| get(d, "row") == row.to_string())
        .ok_or_else(|| LoadError::Csv {
            path: decisions_path.clone(),
            row: row as u64,
            message: format!("no such row; the run has rows 1 to {}", decisions.len()),
        })?;
    let mut s = String::new();
    let reason = get(d, "reason");
    let text = if english {
        reason_en(reason)
    } else {
        reason_id(reason)
    };
    let _ = writeln!(s, "row {row}: {} ({reason})", get(d, "status"));
    let _ = writeln!(s, "  {text}");
    if !get(d, "duplicate_of_row").is_empty() {
        let _ = writeln!(s, "  kept row: {}", get(d, "duplicate_of_row"));
    }
    let _ = writeln!(s, "  NIK in the list: {}", mask(get(d, "nik_normalized")));
    if !get(d, "register_nik").is_empty() {
        let _ = writeln!(s, "  register person: {}", mask(get(d, "register_nik")));
    }
    let evidence = get(d, "evidence");
    if !evidence.is_empty() {
        let mut parts = evidence.split(';');
        let how = parts.next().unwrap_or("");
        let _ = writeln!(
            s,
            "  evidence ({}):",
            match how {
                "exact_nik" => "linked on the exact NIK",
                "fuzzy" => "linked by name, birth date, address and NIK digits",
                "ambiguous" => "a strong candidate, but not clearly ahead of the next: not linked",
                "possible" => "a candidate that came close, kept for review: not linked",
                "superseded" => "linked on an old NIK, moved to the person's NIK in force",
                _ => "comparison with the NIK's holder",
            }
        );
        for p in std::iter::once(how)
            .filter(|h| h.contains('='))
            .chain(parts)
        {
            holder_line(&mut s, p);
        }
    }
    twice(&mut s, out_dir, row)?;
    let group = get(d, "group_id");
    if !group.is_empty() {
        let dup_path = out_dir.join(DUPLICATES);
        let members = rows(&dup_path)?;
        let _ = writeln!(
            s,
            "  group {group} ({}):",
            members
                .iter()
                .find(|m| get(m, "group_id") == group)
                .map_or("", |m| get(m, "grouped_by"))
        );
        for m in members.iter().filter(|m| get(m, "group_id") == group) {
            let _ = writeln!(
                s,
                "    row {:>6} {:<10} kept={:<5} {} {} | {} | {}",
                get(m, "row"),
                get(m, "status"),
                get(m, "kept"),
                mask(get(m, "nik")),
                get(m, "name"),
                get(m, "address"),
                get(m, "kelurahan")
            );
        }
    }
    Ok(s)
}

/// One part of the evidence; the holder path's (`holder=p0.9999[name=+8.7(exact),...]`)
/// as the hypothesis it weighs: the NIK's holder against someone else written on it.
fn holder_line(s: &mut String, part: &str) {
    let Some(rest) = part.strip_prefix(EVIDENCE_KEY) else {
        let _ = writeln!(s, "    {part}");
        return;
    };
    let (p, fields) = rest.split_once('[').unwrap_or((rest, ""));
    let _ = writeln!(
        s,
        "  the NIK's holder, against someone else written on the NIK (household member, \
         borrowed card, slip): p={p}"
    );
    for f in fields
        .trim_end_matches(']')
        .split(',')
        .filter(|f| !f.is_empty())
    {
        let _ = writeln!(s, "    {f}");
    }
}

/// The register's two records of the row's person, from `register-duplicates.csv` (absent
/// in runs before it was written, and in partitioned runs).
fn twice(s: &mut String, out_dir: &Path, row: usize) -> Result<(), LoadError> {
    let path = out_dir.join(REGISTER_DUPLICATES);
    if !path.is_file() {
        return Ok(());
    }
    let row = row.to_string();
    for p in rows(&path)?
        .iter()
        .filter(|p| get(p, "aid_rows").split(' ').any(|r| r == row))
    {
        let _ = writeln!(
            s,
            "  the register holds this person twice ({}): in force {} ({}), other {} ({}), p={}",
            get(p, "finding"),
            mask(get(p, "nik_in_force")),
            get(p, "status_in_force"),
            mask(get(p, "nik_other")),
            get(p, "status_other"),
            get(p, "probability"),
        );
        for part in get(p, "evidence").split(';').skip(1) {
            let _ = writeln!(s, "    {part}");
        }
    }
    Ok(())
}

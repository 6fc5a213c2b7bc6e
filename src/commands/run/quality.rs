//! What the run reports of its inputs: their summaries, the aid list's data-quality
//! tallies and warnings about the register's life statuses.
//!
//! In: tables, their field maps and records. Out: counts and warnings for `summary.json`.

use std::collections::BTreeMap;

use crate::core::config::Field;
use crate::io::load::{FieldMap, Table};
use crate::io::output::{self, InputSummary};
use crate::matching::record::{Life, Person, Records};

/// What `summary.json` says of an input file (and an index of its register).
pub fn input_summary(table: &Table, map: &FieldMap, sha256: String) -> InputSummary {
    InputSummary {
        path: table.path.display().to_string(),
        sha256,
        rows: table.n_rows,
        columns: map.describe(table),
        long_rows: table.long_rows,
    }
}

/// What a run says of a table whose cells span lines (an unterminated quote, usually).
pub fn multiline_warning(t: &Table) -> Option<String> {
    t.multiline.map(|(row, n)| {
        format!(
            "{}: {n} row(s) have a cell spanning several lines, the first at data row \
             {row}; an unterminated quote (\") makes the rows after it one cell: check \
             the quoting around that row",
            t.path.display()
        )
    })
}

/// Count the aid list's data-quality problems (besides the NIK, whose problems are the
/// reason codes).
pub fn aid_quality(table: &Table, map: &FieldMap, aid: &Records) -> BTreeMap<String, usize> {
    use Field;
    let mut q: BTreeMap<String, usize> = output::AID_QUALITY_KEYS
        .into_iter()
        .map(|k| (k.to_string(), 0))
        .collect();
    let mut add = |k: &str| *q.entry(k.to_string()).or_default() += 1;
    for p in &aid.people {
        let date = map.get(table, Field::BirthDate, p.row as usize);
        match (date.trim().is_empty(), p.birth) {
            (true, _) => add("birth_date_missing"),
            (false, None) => add("birth_date_unreadable"),
            (false, Some(b)) if b.weak => add("birth_date_placeholder"),
            _ => {}
        }
        if map.has(Field::Sex)
            && p.sex.is_none()
            && !map.get(table, Field::Sex, p.row as usize).trim().is_empty()
        {
            add("sex_unreadable");
        }
        if map.has(Field::Kk) {
            match (
                map.get(table, Field::Kk, p.row as usize).trim().is_empty(),
                &p.kk,
            ) {
                (true, _) => add("kk_missing"),
                (false, None) => add("kk_invalid"),
                _ => {}
            }
        }
    }
    q
}

/// Warnings about the register's life status: when most rows read as deceased or moved
/// out, the status values or the death-date spellings are probably wrong for this file
/// (a death-date column that spells "no date" in a way not recognised, a status column
/// whose values mean something else). Names the columns and their commonest values.
pub fn life_warnings(table: &Table, map: &FieldMap, register: &[Person]) -> Vec<String> {
    let mut tally = LifeTally::default();
    tally.add(table, map, register);
    tally.warnings()
}

/// What [`life_warnings`] reports, gathered a slice of the register at a time (the rows of
/// `register` are the table's rows, in order).
#[derive(Debug, Default)]
pub struct LifeTally {
    rows: usize,
    /// Death-date cells spelling "no date" (when there is a death-date column).
    spelled: BTreeMap<String, usize>,
    death_header: Option<String>,
    /// Rows read as deceased and as moved out, with the commonest values of the columns
    /// that made them so: (header, counts) per column.
    deceased: (usize, Vec<ColumnValues>),
    moved_out: (usize, Vec<ColumnValues>),
}

/// A column's header and the counts of its values.
type ColumnValues = (String, BTreeMap<String, usize>);

impl LifeTally {
    /// Count the rows of one slice of the register.
    pub fn add(&mut self, table: &Table, map: &FieldMap, register: &[Person]) {
        use Field;
        use Life;
        self.rows += register.len();
        if map.has(Field::DeathDate) {
            self.death_header
                .get_or_insert_with(|| headers_of(table, map, Field::DeathDate));
            for r in 0..register.len() {
                let cell = map.get(table, Field::DeathDate, r);
                let cell = cell.trim();
                if !cell.is_empty() && !crate::matching::record::is_death_date(cell) {
                    count(&mut self.spelled, cell);
                }
            }
        }
        for (life, fields, (n, columns)) in [
            (
                Life::Deceased,
                &[Field::DeathDate, Field::Status][..],
                &mut self.deceased,
            ),
            (Life::MovedOut, &[Field::Status][..], &mut self.moved_out),
        ] {
            let fields: Vec<Field> = fields.iter().copied().filter(|&f| map.has(f)).collect();
            if columns.is_empty() {
                *columns = fields
                    .iter()
                    .map(|&f| (headers_of(table, map, f), BTreeMap::new()))
                    .collect();
            }
            for (r, p) in register.iter().enumerate() {
                if p.life != life {
                    continue;
                }
                *n += 1;
                for (&field, (_, counts)) in fields.iter().zip(columns.iter_mut()) {
                    count(counts, map.get(table, field, r).trim());
                }
            }
        }
    }

    /// The warnings, once every row is counted.
    pub fn warnings(self) -> Vec<String> {
        let n = self.rows;
        if n < 20 {
            return Vec::new();
        }
        let mut out = Vec::new();
        // Death dates spelled as words ("NULL", "0000-00-00", "-"): read as no date, said once.
        if let (Some(header), false) = (&self.death_header, self.spelled.is_empty()) {
            let total: usize = self.spelled.values().sum();
            out.push(format!(
                "death-date column {header}: {total} of {n} cells spell \"no date\" ({}) and \
                 are read as no death",
                commonest(self.spelled)
            ));
        }
        for (word, (rows, columns)) in [("deceased", self.deceased), ("moved out", self.moved_out)]
        {
            if rows * 2 <= n {
                continue;
            }
            let described: Vec<String> = columns
                .into_iter()
                .map(|(header, counts)| {
                    format!("column {header} (commonest: {})", commonest(counts))
                })
                .collect();
            out.push(format!(
                "{rows} of {n} register rows ({:.0}%) read as {word}; check the file: {}. \
                 Empty death dates may be spelled in a way not recognised, or the status \
                 values may need setting with [status] deceased / moved_out in the config",
                100.0 * rows as f64 / n as f64,
                described.join("; ")
            ));
        }
        out
    }
}

/// Add one to a value's count (no copy of a value already counted).
fn count(counts: &mut BTreeMap<String, usize>, value: &str) {
    match counts.get_mut(value) {
        Some(c) => *c += 1,
        None => {
            counts.insert(value.to_string(), 1);
        }
    }
}

/// The header(s) of a field's column(s), joined with `+`.
fn headers_of(table: &Table, map: &FieldMap, field: Field) -> String {
    map.describe(table)
        .get(field.key())
        .map(|h| h.join("+"))
        .unwrap_or_default()
}

/// The three commonest values with their counts: `"NULL" x196, "-" x3`.
fn commonest(counts: BTreeMap<String, usize>) -> String {
    let mut top: Vec<(String, usize)> = counts.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top.iter()
        .take(3)
        .map(|(v, c)| format!("{v:?} x{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

//! Records from the tables: the aid list normalized against the register's records.
//!
//! In: the aid table and the register (a table or stored records). Out: [`Prepared`].

use std::collections::BTreeMap;
use std::time::Instant;

use crate::core::config::FileConfig;
use crate::core::error::LoadError;
use crate::core::progress::Progress;
use crate::io::load::{FieldMap, Mapped, Table};
use crate::matching::record::{build_pair, Records, StoredRecords};
use crate::matching::verdicts::Decided;

/// Normalized records of both tables and their field maps: all the matching stages need of
/// the tables (the register's text can be dropped after this).
pub struct Prepared {
    pub aid_map: FieldMap,
    pub register_map: FieldMap,
    pub aid: Records,
    pub register: Records,
    pub stage_seconds: BTreeMap<String, f64>,
    /// Reviewers' decisions to apply (rows already checked against their hashes).
    pub decided: Vec<Decided>,
}

/// Find the columns and build the records of both tables.
pub fn prepare(
    aid_table: &Table,
    register_table: &Table,
    cfg: &FileConfig,
    progress: &Progress,
) -> Result<Prepared, LoadError> {
    prepare_from(
        aid_table,
        RegisterSide::Table(register_table),
        cfg,
        progress,
    )
}

/// [`prepare`] with the register's records from an index: only the aid list is normalized.
/// The records are the ones [`prepare`] builds from the register the index was made from.
pub fn prepare_on_index(
    aid_table: &Table,
    register: StoredRecords,
    cfg: &FileConfig,
    progress: &Progress,
) -> Result<Prepared, LoadError> {
    prepare_from(aid_table, RegisterSide::Stored(register), cfg, progress)
}

/// The register as [`prepare_from`] takes it: a table to normalize, or its records.
enum RegisterSide<'t> {
    Table(&'t Table),
    Stored(StoredRecords),
}

fn prepare_from(
    aid_table: &Table,
    register: RegisterSide<'_>,
    cfg: &FileConfig,
    progress: &Progress,
) -> Result<Prepared, LoadError> {
    let aid_map = aid_table.resolve(&cfg.aid, "aid")?;
    // An index keeps the columns it used in its header: no map of them here.
    let register_map = match &register {
        RegisterSide::Table(t) => t.resolve(&cfg.register, "register")?,
        RegisterSide::Stored(_) => FieldMap::default(),
    };
    let t = Instant::now();
    let pb = progress.spinner("normalizing");
    let aid_cells = Mapped {
        table: aid_table,
        map: &aid_map,
    };
    let (aid, register) = match register {
        RegisterSide::Table(table) => build_pair(
            &aid_cells,
            &Mapped {
                table,
                map: &register_map,
            },
            &cfg.status,
            cfg.id_kind,
        ),
        RegisterSide::Stored(records) => {
            crate::matching::record::build_pair_on(&aid_cells, records, &cfg.status, cfg.id_kind)
        }
    };
    pb.finish_and_clear();
    let mut stage_seconds = BTreeMap::new();
    stage_seconds.insert("normalize".to_string(), t.elapsed().as_secs_f64());
    Ok(Prepared {
        aid_map,
        register_map,
        aid,
        register,
        stage_seconds,
        decided: Vec::new(),
    })
}

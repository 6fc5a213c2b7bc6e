//! The matching stages on prepared records: areas, linking, fuzzy linking, the register
//! search, clustering and verifying.
//!
//! In: [`Prepared`] records and the config. Out: an [`Outcome`]. [`match_tables`] runs it on
//! tables already in memory, for tests and benchmarks.

use super::prepare::{prepare, Prepared};
use std::collections::BTreeMap;
use std::time::Instant;

use crate::core::config::{FileConfig, MatchConfig};
use crate::core::error::LoadError;
use crate::core::progress::Progress;
use crate::io::load::{FieldMap, Table};
use crate::matching::areas::AreaStats;
use crate::matching::block::BlockLimit;
use crate::matching::cluster::Groups;
use crate::matching::fuzzy::{Candidates, FuzzyInput, FuzzyStats};
use crate::matching::link::Link;
use crate::matching::record::Records;
use crate::matching::register_index::RegisterIndex;
use crate::matching::register_twice::RegisterTwice;
use crate::matching::review::ReviewItem;
use crate::matching::score::Model;
use crate::matching::verdicts::PairRules;
use crate::matching::verify::{decide, Decision};
use crate::matching::whole::WholeRun;

/// Everything the matching stages produce.
#[derive(Debug)]
pub struct Outcome {
    pub aid_map: FieldMap,
    pub register_map: FieldMap,
    pub aid: Records,
    pub register: Records,
    pub groups: Groups,
    pub decisions: Vec<Decision>,
    pub register_repeated_niks: usize,
    pub stage_seconds: BTreeMap<String, f64>,
    /// What fuzzy linking did (None when it is off).
    pub fuzzy: Option<FuzzyStats>,
    /// Aid-list area spellings mapped to the register's.
    pub areas: AreaStats,
    /// The rows a person should review.
    pub review: Vec<ReviewItem>,
    /// Reviewers' decisions applied, and those naming a person this run does not have.
    pub decisions_applied: usize,
    pub decisions_unknown: usize,
    /// The scoring model used by fuzzy linking.
    pub model: Option<Model>,
    /// The register's records that are one person (None in a part of a partitioned run).
    pub register_twice: Option<RegisterTwice>,
}

/// Run the matching stages on loaded tables.
pub fn match_tables(
    aid_table: &Table,
    register_table: &Table,
    cfg: &FileConfig,
    progress: &Progress,
) -> Result<Outcome, LoadError> {
    match_tables_with_model(aid_table, register_table, cfg, None, progress)
}

/// [`match_tables`] with a given scoring model (estimated from the data when `None`).
pub fn match_tables_with_model(
    aid_table: &Table,
    register_table: &Table,
    cfg: &FileConfig,
    model: Option<Model>,
    progress: &Progress,
) -> Result<Outcome, LoadError> {
    let prepared = prepare(aid_table, register_table, cfg, progress)?;
    Ok(match_records(prepared, cfg, model, None, None, progress))
}

/// What the fuzzy stage of a run is given besides the records: the model (estimated when
/// absent), the whole run's facts in a part, the register's index (dropped once the
/// candidates are found) and the memory the candidates may take.
struct FuzzyStage<'a> {
    model: Option<Model>,
    whole: Option<&'a WholeRun>,
    index: RegisterIndex,
    memory_limit: Option<u64>,
}

/// The fuzzy stage, when `[match] fuzzy` is on: the rows exact linking left placed by the
/// model, under a spinner, its time in `secs`; returns its counts and the model it used.
fn fuzzy_stage(
    aid: &Records,
    register: &Records,
    links: &mut [Link],
    cfg: &FileConfig,
    stage: FuzzyStage<'_>,
    progress: &Progress,
    secs: &mut BTreeMap<String, f64>,
) -> (Option<FuzzyStats>, Option<Model>) {
    if !cfg.matching.fuzzy {
        return (None, None);
    }
    let t = Instant::now();
    let pb = progress.spinner("fuzzy linking");
    let input = FuzzyInput {
        model: stage.model,
        whole: stage.whole,
        candidates: Candidates::Scan {
            index: stage.index,
            pair_budget: pair_budget(stage.memory_limit),
        },
        explain_exact: true,
    };
    let (stats, model) =
        crate::matching::fuzzy::link_fuzzy_given(aid, register, links, &cfg.matching, input);
    pb.finish_and_clear();
    secs.insert("fuzzy".to_string(), t.elapsed().as_secs_f64());
    (Some(stats), Some(model))
}

/// The cluster stage: aid rows grouped by person, with the reviewers' pair rules; a part
/// skips the blocks the whole run skipped.
fn cluster_stage(
    aid: &Records,
    links: &[Link],
    cfg: &FileConfig,
    model: Option<&Model>,
    rules: &PairRules,
    whole: Option<&WholeRun>,
) -> Groups {
    let limit = whole.map_or(
        BlockLimit::Size(cfg.matching.max_block),
        WholeRun::aid_limit,
    );
    crate::matching::cluster::cluster_with(aid, links, &cfg.matching, model, rules, limit)
}

/// Link, fuzzy-link, cluster and decide, on prepared records.
/// With `memory_limit`, the fuzzy stage gathers its candidates in batches that fit in
/// what the process has left under it (the links are the same).
pub fn match_records(
    prepared: Prepared,
    cfg: &FileConfig,
    model: Option<Model>,
    whole: Option<&WholeRun>,
    memory_limit: Option<u64>,
    progress: &Progress,
) -> Outcome {
    let Prepared {
        aid_map,
        register_map,
        mut aid,
        register,
        stage_seconds: mut secs,
        decided,
    } = prepared;
    let t = Instant::now();
    let (areas, _) =
        crate::matching::areas::reconcile_with(&mut aid, &register, whole.and_then(|w| w.areas));
    let index = RegisterIndex::build(&register);
    let mut links =
        crate::matching::link::link_all_with(&aid, &register, &index, &cfg.matching, whole);
    secs.insert("link".to_string(), t.elapsed().as_secs_f64());
    // What else needs the register's index, before the fuzzy stage takes it (and drops it
    // once its candidates are found: the stages after it run without).
    let repeated = index.repeated_niks(&register);
    let (verdicts, decisions_unknown) =
        crate::matching::verdicts::resolve(&decided, &aid, &register, &index);

    let stage = FuzzyStage {
        model,
        whole,
        index,
        memory_limit,
    };
    let (fuzzy, model) = fuzzy_stage(&aid, &register, &mut links, cfg, stage, progress, &mut secs);

    // Reviewers' decisions overrule the model, after it linked and before grouping.
    let rules = crate::matching::verdicts::apply(&aid, &register, &mut links, &verdicts);
    let t = Instant::now();
    let register_twice =
        register_twice_stage(&register, &mut links, model.as_ref(), &cfg.matching, whole);
    if register_twice.is_some() {
        secs.insert("register_twice".to_string(), t.elapsed().as_secs_f64());
    }

    let t = Instant::now();
    let groups = cluster_stage(&aid, &links, cfg, model.as_ref(), &rules, whole);
    secs.insert("cluster".to_string(), t.elapsed().as_secs_f64());
    let review = crate::matching::review::queue(&aid, &register, &links, &groups, &cfg.review);

    let t = Instant::now();
    // The links go into the decisions (their evidence moved, not copied).
    let decisions = decide(&aid, &register, links, &groups);
    secs.insert("verify".to_string(), t.elapsed().as_secs_f64());

    Outcome {
        aid_map,
        register_map,
        aid,
        register,
        groups,
        decisions,
        register_repeated_niks: repeated,
        areas,
        review,
        decisions_applied: verdicts.len(),
        decisions_unknown,
        stage_seconds: secs,
        fuzzy,
        model,
        register_twice,
    }
}

/// People the register holds twice: rows under a superseded NIK go to the NIK in force,
/// so rows under either NIK are one group. A part (`whole`) is given the whole run's pairs
/// (its register is a part's) and reports none: the merge writes the whole run's.
fn register_twice_stage(
    register: &Records,
    links: &mut [Link],
    model: Option<&Model>,
    cfg: &MatchConfig,
    whole: Option<&WholeRun>,
) -> Option<RegisterTwice> {
    match whole {
        None => Some(register_twice(register, links, model, cfg)),
        Some(w) => {
            if let Some(pairs) = &w.register_pairs {
                crate::matching::register_twice::relink(register, links, pairs);
            }
            None
        }
    }
}

/// People the register holds twice, scored with the run's model (the declared priors when
/// fuzzy linking is off).
pub fn register_twice(
    register: &Records,
    links: &mut [Link],
    model: Option<&Model>,
    cfg: &MatchConfig,
) -> RegisterTwice {
    let default_model = Model::default();
    let model = model.unwrap_or(&default_model);
    crate::matching::register_twice::find_and_relink(register, links, model, cfg)
}

/// Candidate pairs the fuzzy stage may gather at once under `memory_limit`: a third of
/// what the process has left under the limit now (the rest is room for what a batch
/// holds besides its pairs, and for the estimate's error), at 24 bytes a pair (the
/// pair's register row in its block and in the row's candidates, with room for their
/// growth), and at least 4 Mi pairs (about 100 MB: a run already at its limit goes on in
/// batches of that size, each a scan of the register, and reports its peak). No limit:
/// one batch.
pub fn pair_budget(memory_limit: Option<u64>) -> usize {
    const PAIR_BYTES: u64 = 24;
    const MIN_PAIRS: u64 = 4 << 20;
    let Some(limit) = memory_limit else {
        return usize::MAX;
    };
    let now = crate::core::memory::resident_bytes().unwrap_or(0);
    let pairs = (limit.saturating_sub(now) / 3 / PAIR_BYTES).max(MIN_PAIRS);
    usize::try_from(pairs).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pair_budget_follows_what_is_left_under_the_limit() {
        // No limit: one batch.
        assert_eq!(pair_budget(None), usize::MAX);
        // Already over (a limit of one byte): the smallest batches, not none.
        assert_eq!(pair_budget(Some(1)), 4 << 20);
        // Room left: a third of it, at 24 bytes a pair.
        let now = crate::core::memory::resident_bytes();
        if let Some(now) = now {
            let limit = now + (30u64 << 30);
            let got = pair_budget(Some(limit)) as u64;
            let want = (30u64 << 30) / 3 / 24;
            // The process's memory moves a little between the two readings.
            assert!(
                got.abs_diff(want) < want / 10,
                "budget {got} pairs, about {want} expected"
            );
            assert!(pair_budget(Some(limit)) < pair_budget(Some(limit * 2)));
        }
    }
}

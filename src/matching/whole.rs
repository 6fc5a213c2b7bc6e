//! What a part of a partitioned run takes from the whole run.
//!
//! In: the whole run's register size, name counts, damage flag, skipped blocks and area
//! searches, and the register's records of one person that the part holds (written by
//! the partition step). Out: [`WholeRun`], read by the parts' link
//! stages so each part decides as the whole run would.

use crate::matching::areas::AreaSearch;
use crate::matching::block::BlockLimit;
use crate::matching::record::Pool;
use crate::matching::register_pair::RegisterPair;

/// What a part of a partitioned run takes from the whole run (see
/// [`crate::matching::partition`]): the facts its scores depend on that its own rows do
/// not show.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WholeRun {
    /// Rows of the whole register.
    pub register_rows: u64,
    /// Register rows per name (tokens joined by a space), for the names the part holds.
    pub name_counts: std::collections::BTreeMap<String, u32>,
    /// Whether the whole aid list shows spreadsheet damage to NIKs.
    pub damage_seen: bool,
    /// Blocking keys whose register blocks the whole run skipped as too large, for the
    /// part's rows (the part's own blocks are smaller: it skips these, and only these).
    pub skip_register: Vec<u64>,
    /// The same for the blocks of unlinked aid rows paired among themselves.
    pub skip_aid: Vec<u64>,
    /// The area-spelling searches the whole run made.
    pub areas: Option<AreaSearch>,
    /// The pairs of register records the whole run found to be one person
    /// ([`crate::matching::register_twice`]) whose two records the part holds, in the
    /// part's register rows: the part moves its rows under a superseded record to the
    /// current one as the whole run does (its own register could not show the pair:
    /// the search's prior and name frequencies are the whole register's). None from a
    /// partition written before the search was made in parts.
    #[serde(default)]
    pub register_pairs: Option<Vec<RegisterPair>>,
}

impl WholeRun {
    /// The blocks the part skips when placing its rows in the register.
    pub(crate) fn register_limit(&self) -> BlockLimit {
        BlockLimit::Keys(self.skip_register.iter().copied().collect())
    }

    /// The blocks the part skips when pairing its unlinked rows.
    pub(crate) fn aid_limit(&self) -> BlockLimit {
        BlockLimit::Keys(self.skip_aid.iter().copied().collect())
    }
}

impl WholeRun {
    /// Register name frequencies by the name ids of `pool`.
    pub(crate) fn frequencies(&self, pool: &Pool) -> Vec<u32> {
        let mut key = String::new();
        pool.names
            .iter()
            .map(|tokens| {
                key.clear();
                for (i, t) in tokens.iter().enumerate() {
                    if i > 0 {
                        key.push(' ');
                    }
                    key.push_str(t);
                }
                self.name_counts.get(key.as_str()).copied().unwrap_or(0)
            })
            .collect()
    }
}

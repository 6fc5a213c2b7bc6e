//! Cluster stage: group aid rows that are the same person.
//!
//! In: the aid records and their [`Link`]s.
//! Out: [`Groups`]: for every aid row, the index of its group (groups of two or more rows),
//! numbered in order of their first row so that ids are stable whatever the thread count.
//!
//! Edges (exact matching): two rows linked to the same register person with agreeing names;
//! two rows with the same valid NIK that is not in the register and agreeing names. Rows
//! whose NIK points at someone else (`NAME_MISMATCH`) are not that person and join no group.

use std::collections::HashMap;

use crate::compare;
use crate::config::MatchConfig;
use crate::link::Link;
use crate::record::Person;
use crate::status::Status;

/// Disjoint sets over `0..n` with path halving and union by size.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl UnionFind {
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    pub fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Join the sets of `a` and `b`; true if they were apart.
    pub fn union(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (big, small) = if self.size[ra] >= self.size[rb] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[small] = big;
        self.size[big] += self.size[small];
        true
    }

    /// Sets of two or more members, each sorted, ordered by their smallest member.
    pub fn groups(&mut self) -> Vec<Vec<usize>> {
        let n = self.parent.len();
        let mut by_root: HashMap<usize, Vec<usize>> = HashMap::new();
        for i in 0..n {
            let r = self.find(i);
            by_root.entry(r).or_default().push(i);
        }
        let mut groups: Vec<Vec<usize>> = by_root.into_values().filter(|g| g.len() > 1).collect();
        for g in &mut groups {
            g.sort_unstable();
        }
        groups.sort_unstable_by_key(|g| g[0]);
        groups
    }
}

/// Why two rows were grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupReason {
    /// Linked to the same register person.
    SameRegisterPerson,
    /// Same NIK (not in the register) and agreeing names.
    SameNik,
}

impl GroupReason {
    pub fn code(self) -> &'static str {
        match self {
            GroupReason::SameRegisterPerson => "SAME_REGISTER_PERSON",
            GroupReason::SameNik => "SAME_NIK_SAME_NAME",
        }
    }
}

/// The duplicate groups of a run.
#[derive(Debug, Clone, Default)]
pub struct Groups {
    /// Member rows (0-based aid rows), sorted; groups ordered by first row.
    pub members: Vec<Vec<usize>>,
    pub reasons: Vec<GroupReason>,
    /// Aid row -> group index.
    pub of_row: Vec<Option<usize>>,
}

/// Build the groups from exact evidence.
pub fn cluster(aid: &[Person], links: &[Link], cfg: &MatchConfig) -> Groups {
    let n = aid.len();
    let mut uf = UnionFind::new(n);
    let mut first_by_register: HashMap<usize, usize> = HashMap::new();
    let mut by_unknown_nik: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut reason_of_root_row: HashMap<usize, GroupReason> = HashMap::new();
    for (i, link) in links.iter().enumerate() {
        match (link.status, link.register) {
            (Status::NameMismatch, _) => {}
            (_, Some(reg)) => {
                let first = *first_by_register.entry(reg).or_insert(i);
                if first != i {
                    uf.union(first, i);
                    reason_of_root_row.insert(first, GroupReason::SameRegisterPerson);
                }
            }
            (Status::NotInRegister, None) => {
                if let Some(nik) = aid[i].nik.valid() {
                    by_unknown_nik.entry(nik).or_default().push(i);
                }
            }
            _ => {}
        }
    }
    // Same unknown NIK: join rows whose names agree with an earlier row of that NIK.
    let mut unknown: Vec<(&str, Vec<usize>)> = by_unknown_nik.into_iter().collect();
    unknown.sort_unstable();
    for (_, rows) in unknown {
        for (k, &b) in rows.iter().enumerate().skip(1) {
            if let Some(&a) = rows[..k]
                .iter()
                .find(|&&a| compare::name(&aid[a], &aid[b]) >= cfg.name_threshold)
            {
                uf.union(a, b);
                reason_of_root_row.entry(a).or_insert(GroupReason::SameNik);
            }
        }
    }
    let members = uf.groups();
    let mut of_row = vec![None; n];
    let mut reasons = Vec::with_capacity(members.len());
    for (g, rows) in members.iter().enumerate() {
        for &r in rows {
            of_row[r] = Some(g);
        }
        let reason = rows
            .iter()
            .find_map(|r| reason_of_root_row.get(r).copied())
            .unwrap_or(GroupReason::SameRegisterPerson);
        reasons.push(reason);
    }
    Groups {
        members,
        reasons,
        of_row,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_find_groups() {
        let mut uf = UnionFind::new(7);
        assert!(uf.union(5, 1));
        assert!(uf.union(1, 3));
        assert!(!uf.union(3, 5));
        assert!(uf.union(6, 4));
        assert_eq!(uf.groups(), vec![vec![1, 3, 5], vec![4, 6]]);
        assert_eq!(uf.find(0), 0);
    }
}

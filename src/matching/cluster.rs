//! Cluster stage: group aid rows that are the same person.
//!
//! In: the aid records and their [`Link`]s.
//! Out: [`Groups`]: for every aid row, the index of its group (groups of two or more rows),
//! numbered in order of their first row so that ids are stable whatever the thread count.
//!
//! Edges: two rows linked to the same register person (exactly or by fuzzy linking); two
//! rows with the same valid NIK that is not in the register whose personal fields agree
//! (the rule that checks a NIK against its holder); and, among
//! the rows linked to nobody (`NOT_IN_REGISTER`, `NIK_DAMAGED`, `INVALID_NIK`), fuzzy
//! edges found with the same blocking and scoring as aid-to-register linking. Rows whose
//! NIK points at someone else (`NAME_MISMATCH`) are not that person and join no group.
//!
//! Chain guard: groups around a register person are stars and cannot chain. A group that
//! fuzzy edges built is kept whole when it is a star too (one member strongly linked to
//! every other: the clean copy among damaged ones) or every two members are strongly
//! linked; otherwise it is split by complete linkage (each row joins the first subgroup all of whose members it
//! matches), so A~B and B~C never merge A with C on their own.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rayon::prelude::*;

use crate::matching::block::{BlockLimit, Blocker};
use crate::matching::score::{explain, Model};

use crate::core::config::MatchConfig;
use crate::core::status::Status;
use crate::matching::compare;
use crate::matching::link::Link;
use crate::matching::record::{Rec, Records};

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
        let mut by_root: HashMap<usize, Vec<usize>> = HashMap::default();
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
    /// Rows linked to nobody, matched to each other by fuzzy scoring.
    FuzzyMatch,
}

impl GroupReason {
    pub fn code(self) -> &'static str {
        match self {
            GroupReason::SameRegisterPerson => "SAME_REGISTER_PERSON",
            GroupReason::SameNik => "SAME_NIK_SAME_NAME",
            GroupReason::FuzzyMatch => "FUZZY_MATCH",
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
    /// For rows grouped by fuzzy edges: the scored comparison with a fellow member.
    pub pair_evidence: Vec<Option<String>>,
}

/// Rows linked to nobody whose identity fuzzy matching may establish among themselves.
fn unlinked(l: &Link) -> bool {
    l.register.is_none()
        && matches!(
            l.status,
            Status::NotInRegister | Status::NikDamaged | Status::InvalidNik
        )
}

/// Whether two unlinked rows are strongly linked: the match probability reaches
/// `link_probability`, the names agree, two well-formed NIKs are at most one error apart
/// (or further, when name, birth date and home all agree: [`crate::matching::link::corroborated`]),
/// and beyond name and birth date at least one more field agrees (NIK, KK or kelurahan):
/// the same name and birth date alone are weak evidence.
pub fn strong_pair(a: Rec<'_>, b: Rec<'_>, model: &Model, cfg: &MatchConfig) -> Option<String> {
    let g = compare::gamma(a, b);
    let s = model.score(&g, None);
    let both_valid = a.nik().valid().is_some() && b.nik().valid().is_some();
    let nik_near = matches!(g.0[2], Some(0..=3));
    // Plain identifiers (`id_kind = "generic"`): no gates, the model decides, as in
    // aid-to-register linking.
    let generic = matches!(
        (a.nik(), b.nik()),
        (
            crate::normalize::nik::NikParse::Generic(_),
            crate::normalize::nik::NikParse::Generic(_)
        )
    );
    let name_ok = g.0[0].is_some_and(|l| l <= 3) || (generic && !s.near_id_alone(&g));
    // Two NIKs far apart: the same person only when all the rest agrees.
    let nik_ok =
        !both_valid || nik_near || generic || crate::matching::link::corroborated(a, b, &g);
    let more = nik_near || generic || g.0[4] == Some(0) || g.0[5] == Some(0);
    (s.probability >= cfg.link_probability && name_ok && nik_ok && more).then(|| explain(&g, &s))
}

/// Two rows with the same identifier are one person when the personal fields say so, by
/// the rule that checks a NIK against its holder ([`crate::matching::link::person_fit`]).
/// Both rows are the list's: a placeholder date on either side tells only its year (the
/// rule reads it on its first side), so the pair is taken in both orders.
fn same_id_person(a: Rec<'_>, b: Rec<'_>, cfg: &MatchConfig) -> bool {
    let s = compare::name(a, b);
    let fit = |x, y| crate::matching::link::person_fit(x, y, s, cfg.name_threshold);
    fit(a, b) == crate::matching::link::Fit::Same || fit(b, a) == crate::matching::link::Fit::Same
}

/// Largest group whose star shape is checked (pairs grow with the square of the size);
/// larger groups go to [`complete_linkage`].
const MAX_STAR: usize = 64;

/// A member of `rows` strongly linked to every other member, the first in row order; None
/// when there is none (or the group is too large to check).
pub fn star_center(rows: &[usize], strong: impl Fn(usize, usize) -> bool) -> Option<usize> {
    if rows.len() > MAX_STAR {
        return None;
    }
    rows.iter()
        .copied()
        .find(|&c| rows.iter().all(|&m| m == c || strong(c, m)))
}

/// Split `rows` into subgroups whose members are all pairwise `strong` (complete linkage,
/// greedy in row order). Singletons are dropped.
pub fn complete_linkage(
    rows: &[usize],
    mut strong: impl FnMut(usize, usize) -> bool,
) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &r in rows {
        match groups.iter_mut().find(|g| g.iter().all(|&m| strong(m, r))) {
            Some(g) => g.push(r),
            None => groups.push(vec![r]),
        }
    }
    groups.retain(|g| g.len() > 1);
    groups
}

/// Fuzzy edges among unlinked rows: candidates from blocking, kept when strongly linked.
pub fn unlinked_edges(
    aid: &Records,
    links: &[Link],
    model: &Model,
    cfg: &MatchConfig,
    limit: BlockLimit,
) -> UnlinkedEdges {
    let rows: Vec<usize> = (0..aid.len()).filter(|&i| unlinked(&links[i])).collect();
    if rows.len() < 2 {
        return UnlinkedEdges::default();
    }
    let subset = Records {
        people: rows.iter().map(|&i| aid.people[i]).collect(),
        pool: aid.pool.clone(),
    };
    let blocker = Blocker::build_with(&subset, limit);
    let found: Vec<UnlinkedEdges> = (0..subset.len())
        .into_par_iter()
        .map(|k| {
            let mut stats = crate::matching::block::BlockStats::default();
            let cands = blocker.candidates(subset.get(k), &mut stats);
            let edges = cands
                .into_iter()
                .filter(move |&(j, _)| j as usize > k)
                .filter_map(|(j, _)| {
                    strong_pair(subset.get(k), subset.get(j as usize), model, cfg)
                        .map(|e| (rows[k], rows[j as usize], e))
                })
                .collect::<Vec<_>>();
            let skipped = stats.skipped_keys.into_iter().map(|key| (rows[k], key));
            UnlinkedEdges {
                edges,
                skipped: skipped.collect(),
            }
        })
        .collect();
    let mut out = UnlinkedEdges::default();
    for f in found {
        out.edges.extend(f.edges);
        out.skipped.extend(f.skipped);
    }
    out.edges.sort_by_key(|e| (e.0, e.1));
    out
}

/// The pairs of unlinked rows the model joins, and the blocks too large to look in.
#[derive(Debug, Clone, Default)]
pub struct UnlinkedEdges {
    /// (row, later row, evidence), sorted.
    pub edges: Vec<(usize, usize, String)>,
    /// (row, key) of every block skipped for its size.
    pub skipped: Vec<(usize, u64)>,
}

/// Build the groups from exact evidence.
pub fn cluster(aid: &Records, links: &[Link], cfg: &MatchConfig, model: Option<&Model>) -> Groups {
    cluster_with(
        aid,
        links,
        cfg,
        model,
        &crate::matching::review::PairRules::default(),
        BlockLimit::Size(cfg.max_block),
    )
}

/// [`cluster`] with reviewers' decisions about pairs of aid rows: pairs said to be the same
/// person are joined, pairs said to be different people are never joined by fuzzy edges and
/// are kept apart by the chain guard.
pub fn cluster_with(
    aid: &Records,
    links: &[Link],
    cfg: &MatchConfig,
    model: Option<&Model>,
    rules: &crate::matching::review::PairRules,
    limit: BlockLimit,
) -> Groups {
    let n = aid.len();
    let mut uf = UnionFind::new(n);
    let mut first_by_register: HashMap<usize, usize> = HashMap::default();
    let mut by_unknown_nik: HashMap<&str, Vec<usize>> = HashMap::default();
    let mut reason_of_root_row: HashMap<usize, GroupReason> = HashMap::default();
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
                if let Some(nik) = aid.get(i).nik().valid() {
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
                .find(|&&a| same_id_person(aid.get(a), aid.get(b), cfg))
            {
                uf.union(a, b);
                reason_of_root_row.entry(a).or_insert(GroupReason::SameNik);
            }
        }
    }
    // Fuzzy edges among unlinked rows, then the chain guard on the groups they touch.
    let mut pair_evidence: Vec<Option<String>> = vec![None; n];
    let mut fuzzy_rows: HashSet<usize> = HashSet::default();
    for &(a, b) in &rules.same {
        if a < n && b < n {
            uf.union(a, b);
            fuzzy_rows.extend([a, b]);
            reason_of_root_row
                .entry(a)
                .or_insert(GroupReason::FuzzyMatch);
            pair_evidence[b].get_or_insert_with(|| format!("review_same_person(row {})", a + 1));
            pair_evidence[a].get_or_insert_with(|| format!("review_same_person(row {})", b + 1));
        }
    }
    if let (Some(model), true) = (model, cfg.fuzzy) {
        for (a, b, evidence) in unlinked_edges(aid, links, model, cfg, limit).edges {
            if rules.apart(a, b) {
                continue;
            }
            uf.union(a, b);
            fuzzy_rows.extend([a, b]);
            pair_evidence[b].get_or_insert_with(|| format!("fuzzy_pair(row {});{evidence}", a + 1));
            pair_evidence[a].get_or_insert_with(|| format!("fuzzy_pair(row {});{evidence}", b + 1));
        }
    }
    let mut members = Vec::new();
    for g in uf.groups() {
        if !g.iter().any(|r| fuzzy_rows.contains(r)) {
            members.push(g);
            continue;
        }
        let same_nik = |a: usize, b: usize| {
            aid.get(a).nik().valid().is_some()
                && aid.get(a).nik().valid() == aid.get(b).nik().valid()
                && same_id_person(aid.get(a), aid.get(b), cfg)
        };
        let strong = |a: usize, b: usize| {
            !rules.apart(a, b)
                && (rules.joined(a, b)
                    || same_nik(a, b)
                    || model.is_some_and(|m| strong_pair(aid.get(a), aid.get(b), m, cfg).is_some()))
        };
        // A star is kept whole: one row strongly linked to every other (the cleanest copy
        // of a person among damaged ones, which need not match each other).
        if let Some(center) = star_center(&g, strong) {
            for &r in &g {
                if r != center {
                    reason_of_root_row
                        .entry(r)
                        .or_insert(GroupReason::FuzzyMatch);
                }
            }
            reason_of_root_row
                .entry(center)
                .or_insert(GroupReason::FuzzyMatch);
            members.push(g);
            continue;
        }
        let split = complete_linkage(&g, strong);
        for sub in split {
            if sub.iter().any(|r| fuzzy_rows.contains(r)) {
                for &r in &sub {
                    reason_of_root_row
                        .entry(r)
                        .or_insert(GroupReason::FuzzyMatch);
                }
            }
            members.push(sub);
        }
    }
    members.sort_unstable_by_key(|g| g[0]);
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
    // Evidence only for rows still in a group after the chain guard.
    for (e, g) in pair_evidence.iter_mut().zip(&of_row) {
        if g.is_none() {
            *e = None;
        }
    }
    Groups {
        members,
        reasons,
        of_row,
        pair_evidence,
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

    #[test]
    fn chain_guard_splits_a_chain_and_keeps_a_clique() {
        // 1~2, 2~3, 3~4 strong; 1 and 3, 1 and 4, 2 and 4 not: a chain.
        let chain = [(1, 2), (2, 3), (3, 4)];
        let strong = |a: usize, b: usize| chain.contains(&(a.min(b), a.max(b)));
        assert_eq!(
            complete_linkage(&[1, 2, 3, 4], strong),
            vec![vec![1, 2], vec![3, 4]]
        );
        // A clique stays whole.
        assert_eq!(
            complete_linkage(&[5, 6, 7], |_, _| true),
            vec![vec![5, 6, 7]]
        );
        // Nothing strong: no group.
        assert!(complete_linkage(&[1, 2], |_, _| false).is_empty());
    }

    #[test]
    fn a_star_is_kept_whole_and_a_chain_has_no_center() {
        // 1 is linked to 2, 3 and 4, which do not match each other: a star around 1.
        let star = [(1, 2), (1, 3), (1, 4)];
        let strong = |a: usize, b: usize| star.contains(&(a.min(b), a.max(b)));
        assert_eq!(star_center(&[1, 2, 3, 4], strong), Some(1));
        assert_eq!(star_center(&[2, 3, 4, 1], strong), Some(1));
        // A chain 1~2~3~4 has no member linked to all others.
        let chain = [(1, 2), (2, 3), (3, 4)];
        let strong = |a: usize, b: usize| chain.contains(&(a.min(b), a.max(b)));
        assert_eq!(star_center(&[1, 2, 3, 4], strong), None);
        // Too large to check.
        let big: Vec<usize> = (0..=MAX_STAR).collect();
        assert_eq!(star_center(&big, |_, _| true), None);
    }
}

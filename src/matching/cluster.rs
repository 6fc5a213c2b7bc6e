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

use crate::matching::block::{BlockLimit, BlockStats, Blocker};
use crate::matching::comparisons::{gamma, Cmp};
use crate::matching::levels::{NameLevel, NikLevel};
use crate::matching::score::{explain, Model};

use crate::core::config::MatchConfig;
use crate::core::status::Status;
use crate::matching::compare;
use crate::matching::fit::Fit;
use crate::matching::link::Link;
use crate::matching::record::{Rec, Records};
use crate::matching::verdicts::PairRules;
use crate::normalize::nik::NikParse;

/// Disjoint sets over `0..n` with path halving and union by size.
#[derive(Debug, Clone)]
pub(crate) struct UnionFind {
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
    pub(crate) fn union(&mut self, a: usize, b: usize) -> bool {
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
/// (or further, when name, birth date and home all agree: [`crate::matching::fit::corroborated`]),
/// and beyond name and birth date at least one more field agrees (NIK, KK or kelurahan):
/// the same name and birth date alone are weak evidence.
pub(crate) fn strong_pair(
    a: Rec<'_>,
    b: Rec<'_>,
    model: &Model,
    cfg: &MatchConfig,
) -> Option<String> {
    let g = gamma(a, b);
    let s = model.score(&g, None);
    let both_valid = a.nik().valid().is_some() && b.nik().valid().is_some();
    let nik_near = g
        .nik()
        .is_some_and(|l| l == NikLevel::Exact || l.one_error());
    // Plain identifiers (`id_kind = "generic"`): no gates, the model decides, as in
    // aid-to-register linking.
    let generic = matches!(
        (a.nik(), b.nik()),
        (NikParse::Generic(_), NikParse::Generic(_))
    );
    let name_ok = g.name_at_least(NameLevel::Fuzzy) || (generic && !s.near_id_alone(&g));
    // Two NIKs far apart: the same person only when all the rest agrees.
    let nik_ok = !both_valid || nik_near || generic || crate::matching::fit::corroborated(&g);
    let more = nik_near || generic || g.agrees(Cmp::Kk) || g.agrees(Cmp::Kelurahan);
    (s.probability >= cfg.link_probability && name_ok && nik_ok && more).then(|| explain(&g, &s))
}

/// Two rows with the same identifier are one person when the personal fields say so, by
/// the rule that checks a NIK against its holder ([`crate::matching::fit::person_fit`]).
/// Both rows are the list's: a placeholder date on either side tells only its year (the
/// rule reads it on its first side), so the pair is taken in both orders.
fn same_id_person(a: Rec<'_>, b: Rec<'_>, cfg: &MatchConfig) -> bool {
    let s = compare::name(a, b);
    let fit = |x, y| crate::matching::fit::person_fit(x, y, s, cfg);
    fit(a, b) == Fit::Same || fit(b, a) == Fit::Same
}

/// Largest group whose star shape is checked (pairs grow with the square of the size);
/// larger groups go to [`complete_linkage`].
const MAX_STAR: usize = 64;

/// A member of `rows` strongly linked to every other member, the first in row order; None
/// when there is none (or the group is too large to check).
pub(crate) fn star_center(rows: &[usize], strong: impl Fn(usize, usize) -> bool) -> Option<usize> {
    if rows.len() > MAX_STAR {
        return None;
    }
    rows.iter()
        .copied()
        .find(|&c| rows.iter().all(|&m| m == c || strong(c, m)))
}

/// Split `rows` into subgroups whose members are all pairwise `strong` (complete linkage,
/// greedy in row order). Singletons are dropped.
pub(crate) fn complete_linkage(
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
pub(crate) fn unlinked_edges(
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
            let mut stats = BlockStats::default();
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
pub(crate) struct UnlinkedEdges {
    /// (row, later row, evidence), sorted.
    pub edges: Vec<(usize, usize, String)>,
    /// (row, key) of every block skipped for its size.
    pub skipped: Vec<(usize, u64)>,
}

/// The groups from exact evidence, with reviewers' decisions about pairs of aid rows:
/// pairs said to be the same person are joined, pairs said to be different people are never
/// joined by fuzzy edges and are kept apart by the chain guard.
pub(crate) fn cluster_with(
    aid: &Records,
    links: &[Link],
    cfg: &MatchConfig,
    model: Option<&Model>,
    rules: &PairRules,
    limit: BlockLimit,
) -> Groups {
    let mut j = Joins::new(aid.len());
    j.same_register_person(links);
    j.same_unknown_nik(aid, links, cfg);
    j.reviewed(rules);
    if let (Some(model), true) = (model, cfg.fuzzy) {
        j.fuzzy_edges(unlinked_edges(aid, links, model, cfg, limit), rules);
    }
    let strong = |a: usize, b: usize| {
        let same_nik = aid.get(a).nik().valid().is_some()
            && aid.get(a).nik().valid() == aid.get(b).nik().valid()
            && same_id_person(aid.get(a), aid.get(b), cfg);
        !rules.apart(a, b)
            && (rules.joined(a, b)
                || same_nik
                || model.is_some_and(|m| strong_pair(aid.get(a), aid.get(b), m, cfg).is_some()))
    };
    let members = j.guard_chains(strong);
    j.into_groups(members)
}

/// The rows joined so far: a union-find over aid rows, the reason each group got its first
/// join, and the fuzzy evidence of the rows joined by fuzzy edges.
struct Joins {
    uf: UnionFind,
    reason_of_root_row: HashMap<usize, GroupReason>,
    pair_evidence: Vec<Option<String>>,
    fuzzy_rows: HashSet<usize>,
}

impl Joins {
    fn new(n: usize) -> Self {
        Joins {
            uf: UnionFind::new(n),
            reason_of_root_row: HashMap::default(),
            pair_evidence: vec![None; n],
            fuzzy_rows: HashSet::default(),
        }
    }

    /// Rows linked to one register person are one group (not rows on someone else's NIK).
    fn same_register_person(&mut self, links: &[Link]) {
        let mut first_by_register: HashMap<usize, usize> = HashMap::default();
        for (i, link) in links.iter().enumerate() {
            let Some(reg) = link
                .register
                .filter(|_| link.status != Status::NameMismatch)
            else {
                continue;
            };
            let first = *first_by_register.entry(reg).or_insert(i);
            if first != i {
                self.uf.union(first, i);
                self.reason_of_root_row
                    .insert(first, GroupReason::SameRegisterPerson);
            }
        }
    }

    /// Rows of one NIK that nobody in the register holds: each joins an earlier row of that
    /// NIK whose person fits it.
    fn same_unknown_nik(&mut self, aid: &Records, links: &[Link], cfg: &MatchConfig) {
        let mut by_unknown_nik: HashMap<&str, Vec<usize>> = HashMap::default();
        for (i, link) in links.iter().enumerate() {
            if let (Status::NotInRegister, None) = (link.status, link.register) {
                if let Some(nik) = aid.get(i).nik().valid() {
                    by_unknown_nik.entry(nik).or_default().push(i);
                }
            }
        }
        let mut unknown: Vec<(&str, Vec<usize>)> = by_unknown_nik.into_iter().collect();
        unknown.sort_unstable();
        for (_, rows) in unknown {
            for (k, &b) in rows.iter().enumerate().skip(1) {
                if let Some(&a) = rows[..k]
                    .iter()
                    .find(|&&a| same_id_person(aid.get(a), aid.get(b), cfg))
                {
                    self.uf.union(a, b);
                    self.reason_of_root_row
                        .entry(a)
                        .or_insert(GroupReason::SameNik);
                }
            }
        }
    }

    /// Pairs reviewers said are one person.
    fn reviewed(&mut self, rules: &PairRules) {
        let n = self.pair_evidence.len();
        for &(a, b) in &rules.same {
            if a < n && b < n {
                self.join_fuzzy(a, b, Some(GroupReason::FuzzyMatch), |o| {
                    format!("review_same_person(row {})", o + 1)
                });
            }
        }
    }

    /// The model's edges among unlinked rows, except pairs reviewers kept apart.
    fn fuzzy_edges(&mut self, edges: UnlinkedEdges, rules: &PairRules) {
        for (a, b, evidence) in edges.edges {
            if !rules.apart(a, b) {
                self.join_fuzzy(a, b, None, |o| {
                    format!("fuzzy_pair(row {});{evidence}", o + 1)
                });
            }
        }
    }

    /// Join `a` and `b` by fuzzy evidence; each row keeps the first evidence it got (`text`
    /// of the other row).
    fn join_fuzzy(
        &mut self,
        a: usize,
        b: usize,
        reason: Option<GroupReason>,
        text: impl Fn(usize) -> String,
    ) {
        self.uf.union(a, b);
        self.fuzzy_rows.extend([a, b]);
        if let Some(reason) = reason {
            self.reason_of_root_row.entry(a).or_insert(reason);
        }
        self.pair_evidence[b].get_or_insert_with(|| text(a));
        self.pair_evidence[a].get_or_insert_with(|| text(b));
    }

    /// The chain guard on the groups fuzzy edges touch: a star (one row strongly linked to
    /// every other: the cleanest copy of a person among damaged ones, which need not match
    /// each other) is kept whole; any other such group is split by complete linkage.
    fn guard_chains(&mut self, strong: impl Fn(usize, usize) -> bool) -> Vec<Vec<usize>> {
        let mut members = Vec::new();
        for g in self.uf.groups() {
            if !g.iter().any(|r| self.fuzzy_rows.contains(r)) {
                members.push(g);
                continue;
            }
            if star_center(&g, &strong).is_some() {
                self.mark_fuzzy(&g);
                members.push(g);
                continue;
            }
            for sub in complete_linkage(&g, &strong) {
                if sub.iter().any(|r| self.fuzzy_rows.contains(r)) {
                    self.mark_fuzzy(&sub);
                }
                members.push(sub);
            }
        }
        members.sort_unstable_by_key(|g| g[0]);
        members
    }

    /// The rows of a group kept by fuzzy evidence give it that reason, unless an earlier
    /// join gave it one.
    fn mark_fuzzy(&mut self, rows: &[usize]) {
        for &r in rows {
            self.reason_of_root_row
                .entry(r)
                .or_insert(GroupReason::FuzzyMatch);
        }
    }

    /// The groups with their reasons, and the evidence of rows still in a group.
    fn into_groups(self, members: Vec<Vec<usize>>) -> Groups {
        let mut of_row = vec![None; self.pair_evidence.len()];
        let mut reasons = Vec::with_capacity(members.len());
        for (g, rows) in members.iter().enumerate() {
            for &r in rows {
                of_row[r] = Some(g);
            }
            let reason = rows
                .iter()
                .find_map(|r| self.reason_of_root_row.get(r).copied())
                .unwrap_or(GroupReason::SameRegisterPerson);
            reasons.push(reason);
        }
        let mut pair_evidence = self.pair_evidence;
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

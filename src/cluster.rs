//! Stories: articles connected by matches.
//!
//! A story is a connected component of the article-pair graph (union-find with path
//! halving and union by size, near-linear). Its canonical id is the smallest member id, so
//! it does not depend on input order; its origin is the earliest member.

use std::cmp::Ordering;

use serde::Serialize;

use crate::align::ArticleMatch;
use crate::store::Store;

/// Disjoint sets over `0..n`.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    /// `n` singleton sets.
    pub fn new(n: usize) -> Self {
        UnionFind { parent: (0..n as u32).collect(), size: vec![1; n] }
    }

    /// Representative of `x`'s set.
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }

    /// Merges the sets of `a` and `b`.
    pub fn union(&mut self, a: u32, b: u32) {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        if self.size[ra as usize] < self.size[rb as usize] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb as usize] = ra;
        self.size[ra as usize] += self.size[rb as usize];
    }
}

/// A group of articles carrying the same copy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Story {
    /// Canonical id: the smallest member id.
    pub id: String,
    /// Member documents, earliest first (undated last, then by id).
    pub members: Vec<u32>,
    /// The earliest dated member.
    pub origin: Option<u32>,
    /// Whether the origin is surely earlier than every other dated member.
    pub origin_certain: bool,
    /// Distinct outlets among the members.
    pub outlets: usize,
    /// Matched article pairs inside the story.
    pub pairs: usize,
}

/// Clusters matched articles into stories, largest first (then by id).
pub fn stories(store: &Store, matches: &[ArticleMatch]) -> Vec<Story> {
    let mut uf = UnionFind::new(store.docs.len());
    for m in matches {
        uf.union(m.a, m.b);
    }
    let mut groups: ahash::AHashMap<u32, (Vec<u32>, usize)> = ahash::AHashMap::new();
    for m in matches {
        let r = uf.find(m.a);
        groups.entry(r).or_default().1 += 1;
    }
    for d in 0..store.docs.len() as u32 {
        let r = uf.find(d);
        if let Some(g) = groups.get_mut(&r) {
            g.0.push(d);
        }
    }
    let mut out: Vec<Story> = groups
        .into_values()
        .map(|(mut members, pairs)| {
            let key = |d: &u32| {
                let doc = &store.docs[*d as usize];
                (doc.published.is_none(), doc.published.map(|p| p.sort_key()), doc.id.clone())
            };
            members.sort_by_key(key);
            let origin =
                members.first().copied().filter(|&d| store.docs[d as usize].published.is_some());
            let origin_certain = origin.is_some_and(|o| {
                let po = store.docs[o as usize].published;
                members.iter().filter(|&&d| d != o).all(|&d| {
                    match (po, store.docs[d as usize].published) {
                        (Some(x), Some(y)) => x.surely_cmp(y) == Some(Ordering::Less),
                        _ => true,
                    }
                })
            });
            let mut outlets: Vec<Option<u32>> =
                members.iter().map(|&d| store.docs[d as usize].outlet).collect();
            outlets.sort_unstable();
            outlets.dedup();
            let id = members
                .iter()
                .map(|&d| &store.docs[d as usize].id)
                .min()
                .map(|s| s.to_string())
                .unwrap_or_default();
            Story {
                id,
                members,
                origin,
                origin_certain,
                outlets: outlets.iter().flatten().count(),
                pairs,
            }
        })
        .collect();
    out.sort_by(|x, y| y.members.len().cmp(&x.members.len()).then_with(|| x.id.cmp(&y.id)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_find_components() {
        let mut uf = UnionFind::new(6);
        uf.union(0, 1);
        uf.union(2, 3);
        uf.union(1, 3);
        assert_eq!(uf.find(0), uf.find(2));
        assert_ne!(uf.find(0), uf.find(4));
        assert_eq!(uf.find(5), 5);
    }
}

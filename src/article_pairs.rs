//! Article pairs: which pairs of articles are worth aligning, and when.
//!
//! Alignment is the most expensive step per pair, and in a large corpus most proposed pairs
//! rest on a single reworded paragraph (two unrelated stories that share one stock sentence
//! in other words). Such a pair can only become a match if the story around it vouches for
//! it (see [`Config::corroborate`]), so it is *deferred*: aligned only once the evident
//! matches are known and only if both articles evidently match a common third article.
//!
//! | step | cost |
//! |---|---|
//! | [`candidates`]: occurrences of shared paragraphs and of verified links, crossed | O(pairs log pairs) |
//! | [`neighbours`]: articles matching a common third one | O(Σ min(deg, cap)²) |
//! | [`corroborated`]: deferred or weak pairs with a common evident neighbour | O(matches + pairs · deg) |

use rayon::prelude::*;

use crate::align::ArticleMatch;
use crate::config::Config;
use crate::fingerprint::Kind;
use crate::store::Store;
use crate::verify::{Overlap, intersection};

/// A verified pair of similar unique paragraphs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    /// One unique paragraph.
    pub u: u32,
    /// The other.
    pub v: u32,
    /// Their overlap.
    pub overlap: Overlap,
    /// Word tokens of `u` and of `v` (read when verifying, where their records are at
    /// hand: reading them again here would touch every record of a spilled store).
    pub tokens: (u32, u32),
}

/// Article pairs proposed by the index, sorted and distinct.
#[derive(Debug, Clone, Default)]
pub struct Proposed {
    /// Pairs to align now.
    pub now: Vec<(u32, u32)>,
    /// Pairs whose only evidence is one reworded paragraph (see the module docs).
    pub deferred: Vec<(u32, u32)>,
    /// Paragraphs printed in more than `max_occurrences` documents, not expanded.
    pub frequent_paragraphs: u64,
}

/// Article pairs that share a unique paragraph or a verified paragraph pair: the
/// occurrences of each, crossed. Paragraphs printed in more than `max_occurrences`
/// documents are not expanded (their pairs would be quadratic) and are counted.
///
/// A pair is deferred when its only evidence is one link that could not make a match on
/// its own: less verbatim than `copy_similarity` and covering at most `copy_coverage` of
/// either article. With `corroborate` off nothing is deferred.
pub fn candidates(store: &Store, eligible: &[u32], links: &[Link], cfg: &Config) -> Proposed {
    let occ = store.occurrences();
    let max_occ = cfg.max_occurrences;
    let frequent_paragraphs =
        (0..store.uniques.len() as u32).filter(|&u| occ.of(u).len() > max_occ).count() as u64;
    let capped = |u: u32| {
        let docs = occ.of(u);
        if docs.len() > max_occ { &[][..] } else { docs }
    };
    let now: Vec<(u32, u32)> = flat_collect(eligible.len(), |i| {
        let docs = capped(eligible[i]);
        (0..docs.len()).flat_map(move |x| (x + 1..docs.len()).map(move |y| (docs[x], docs[y])))
    });
    let body_tokens: Vec<u64> = if cfg.corroborate {
        (0..store.docs.len() as u32)
            .into_par_iter()
            .map(|d| {
                let paras = store.doc_paragraphs(d).iter().filter(|p| p.kind == Kind::Body);
                paras.map(|p| p.tokens as u64).sum()
            })
            .collect()
    } else {
        Vec::new()
    };
    // Per link-proposed pair: (pair, link index, whether the link alone could be a match).
    let body_tokens = &body_tokens;
    let by_link: Vec<(Pair, u32, bool)> = flat_collect(links.len(), |l| {
        let body = move |d: u32| body_tokens.get(d as usize).copied().unwrap_or(0);
        link_proposals(cfg, l as u32, &links[l], capped(links[l].u), capped(links[l].v), body)
    });
    let (now, deferred) = split_by_evidence(now, by_link);
    Proposed { now, deferred, frequent_paragraphs }
}

/// Items handled per parallel chunk when a stage expands items into many pairs.
const CHUNK: usize = 1 << 16;

/// `f(i)` for every `i < n`, flattened in order. Computed in parallel a chunk at a time:
/// collecting a flattened parallel iterator holds its pieces and the joined result at
/// once, which for the whole input would double the peak of the largest lists of a run.
fn flat_collect<I>(n: usize, f: impl Fn(usize) -> I + Sync + Send) -> Vec<I::Item>
where
    I: IntoIterator,
    I::Item: Send,
{
    let mut out = Vec::new();
    for start in (0..n).step_by(CHUNK) {
        let part: Vec<I::Item> =
            (start..n.min(start + CHUNK)).into_par_iter().flat_map_iter(&f).collect();
        out.extend(part);
    }
    out
}

/// Two article indices, smaller first.
pub type Pair = (u32, u32);

/// The article pairs link `l` proposes: every document of `du` (holding its paragraph
/// `u`) with every other document of `dv` (holding `v`), each with whether the link alone
/// could make the match ([`link_stands_alone`]; `body` gives a document's body tokens).
/// The full run and an index query propose from links by this one rule.
pub fn link_proposals<'a>(
    cfg: &'a Config,
    l: u32,
    link: &Link,
    du: &'a [u32],
    dv: &'a [u32],
    body: impl Fn(u32) -> u64 + Copy + 'a,
) -> impl Iterator<Item = (Pair, u32, bool)> + 'a {
    let (tu, tv) = link.tokens;
    let verbatim = link.overlap.containment() >= cfg.copy_similarity;
    du.iter().flat_map(move |&x| {
        dv.iter().filter(move |&&y| y != x).map(move |&y| {
            let alone = link_stands_alone(cfg, verbatim, (tu, body(x)), (tv, body(y)));
            ((x.min(y), x.max(y)), l, alone)
        })
    })
}

/// Whether one paragraph link can make a match on its own: corroboration is off, the link
/// is verbatim, or its paragraph (`tokens`) is more than `copy_coverage` of either
/// article's body (`body` tokens; 0 when unknown).
pub fn link_stands_alone(
    cfg: &Config,
    verbatim: bool,
    (tu, bu): (u32, u64),
    (tv, bv): (u32, u64),
) -> bool {
    let covers = |t: u32, b: u64| b == 0 || t as f64 / b as f64 > cfg.copy_coverage;
    !cfg.corroborate || verbatim || covers(tu, bu) || covers(tv, bv)
}

/// The article pairs to align now and those deferred, both sorted and distinct: `now`
/// (pairs sharing an identical paragraph) plus every link-proposed pair with two distinct
/// links or one that stands alone; the rest — one reworded paragraph and nothing else —
/// deferred. `by_link` holds (pair, link index, whether the link stands alone).
pub fn split_by_evidence(
    mut now: Vec<Pair>,
    mut by_link: Vec<(Pair, u32, bool)>,
) -> (Vec<Pair>, Vec<Pair>) {
    by_link.par_sort_unstable_by_key(|e| (e.0, e.1));
    by_link.dedup_by_key(|e| (e.0, e.1));
    let mut deferred = Vec::new();
    for run in by_link.chunk_by(|a, b| a.0 == b.0) {
        if run.len() >= 2 || run[0].2 {
            now.push(run[0].0);
        } else {
            deferred.push(run[0].0);
        }
    }
    drop(by_link);
    now.par_sort_unstable();
    now.dedup();
    // A pair that also shares an identical paragraph is aligned now.
    deferred.retain(|p| now.binary_search(p).is_err());
    (now, deferred)
}

/// Pairs of articles that match a common third one and were not aligned yet (`done` is
/// sorted). Articles matched with more than `cap` others do not propose their neighbours:
/// a hub of a huge story would propose a quadratic number of pairs.
pub fn neighbours(
    n: usize,
    matches: &[ArticleMatch],
    done: &[(u32, u32)],
    cap: usize,
) -> Vec<(u32, u32)> {
    // For each article: its matched neighbours, with the article's own paragraphs that
    // each match aligned. Two neighbours are worth aligning only if they reuse some of
    // the same paragraphs of the common article: one that took paragraphs 1-2 and one that
    // took 5-6 share nothing through it.
    let mut adj: Vec<Vec<(u32, Vec<u32>)>> = vec![Vec::new(); n];
    for m in matches {
        adj[m.a as usize].push((m.b, m.own_paragraphs(true)));
        adj[m.b as usize].push((m.a, m.own_paragraphs(false)));
    }
    // Articles go a chunk at a time, each chunk's pairs reduced to the new ones before the
    // next: a big story proposes most of its pairs many times over, through each of its
    // articles, and nearly all of them are matched already (at 10 GB of news, ~100 M
    // proposals for 50 k new pairs).
    let mut out: Vec<(u32, u32)> = Vec::new();
    for chunk in adj.chunks(CHUNK) {
        let mut part: Vec<(u32, u32)> = chunk
            .par_iter()
            .flat_map_iter(|a| {
                let mut pairs = Vec::new();
                centre_pairs(a, cap, |_, _| true, |x, y| pairs.push((x.min(y), x.max(y))));
                pairs
            })
            .collect();
        part.par_sort_unstable();
        part.dedup();
        part.retain(|p| done.binary_search(p).is_err());
        out.extend(part);
    }
    out.par_sort_unstable();
    out.dedup();
    out
}

/// The pairs one article proposes among the articles it matches (`adjacency`: each
/// other article with this one's paragraphs that match aligned): two neighbours that
/// reuse some of the same paragraphs of it, unless it matches fewer than two or more than
/// `cap` (the hub of a huge story would propose a quadratic number of pairs). The one
/// rule of [`neighbours`] and of an index query, which sees the centres its new matches
/// touch.
///
/// `wanted(x, y)` is asked first, so that a caller interested in few of the pairs (a
/// query: those with a new article) skips the intersections of the others.
pub fn centre_pairs(
    adjacency: &[(u32, Vec<u32>)],
    cap: usize,
    wanted: impl Fn(u32, u32) -> bool,
    mut pair: impl FnMut(u32, u32),
) {
    if adjacency.len() < 2 || adjacency.len() > cap {
        return;
    }
    for i in 0..adjacency.len() {
        for j in i + 1..adjacency.len() {
            let (x, y) = (adjacency[i].0, adjacency[j].0);
            if wanted(x, y) && intersection(&adjacency[i].1, &adjacency[j].1) > 0 {
                pair(x, y);
            }
        }
    }
}

/// Of `pairs` (deferred pairs and matches resting on one reworded paragraph), those whose
/// two articles both evidently match a common third article: the story around them vouches
/// for the weak link. Sorted and distinct.
pub fn corroborated(n: usize, evident: &[ArticleMatch], pairs: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut adj: Vec<Vec<u32>> = vec![Vec::new(); n];
    for m in evident {
        adj[m.a as usize].push(m.b);
        adj[m.b as usize].push(m.a);
    }
    adj.par_iter_mut().for_each(|a| a.sort_unstable());
    corroborated_by(pairs, |x| std::borrow::Cow::Borrowed(&adj[x as usize][..]))
}

/// Of `pairs`, those whose two articles share an evident neighbour (`neighbours(x)`:
/// sorted). The rule of [`corroborated`], for callers that hold the evident matches
/// elsewhere (an index query: the stored graph plus its new matches). Sorted, distinct.
pub fn corroborated_by<'a>(
    pairs: &[(u32, u32)],
    neighbours: impl Fn(u32) -> std::borrow::Cow<'a, [u32]> + Sync,
) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = pairs
        .par_iter()
        .copied()
        .filter(|&(x, y)| intersection(&neighbours(x), &neighbours(y)) > 0)
        .collect();
    out.par_sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_centre_pairs_the_neighbours_that_reuse_a_common_paragraph_of_it() {
        // Article 1 took paragraphs 0-1 of the centre, 2 took 1, 3 took 5.
        let adj = vec![(1, vec![0, 1]), (2, vec![1]), (3, vec![5])];
        let mut pairs = Vec::new();
        centre_pairs(&adj, 10, |_, _| true, |x, y| pairs.push((x, y)));
        assert_eq!(pairs, vec![(1, 2)]);
        let mut wanted = Vec::new();
        centre_pairs(&adj, 10, |x, _| x != 1, |x, y| wanted.push((x, y)));
        assert!(wanted.is_empty(), "only (1, 2) shares a paragraph");
        // Over the cap, or a single neighbour: nothing.
        let mut none = Vec::new();
        centre_pairs(&adj, 2, |_, _| true, |x, y| none.push((x, y)));
        centre_pairs(&adj[..1], 10, |_, _| true, |x, y| none.push((x, y)));
        assert!(none.is_empty());
    }

    #[test]
    fn a_weak_pair_stands_when_its_articles_share_an_evident_neighbour() {
        let nbrs: Vec<Vec<u32>> = vec![vec![], vec![7, 9], vec![3, 7], vec![8], vec![]];
        let of = |x: u32| std::borrow::Cow::Borrowed(&nbrs[x as usize][..]);
        let kept = corroborated_by(&[(2, 3), (1, 2), (1, 3), (1, 2)], of);
        assert_eq!(kept, vec![(1, 2)]);
        // The same rule through `corroborated`, from the matches themselves.
        let m = |a: u32, b: u32| ArticleMatch {
            a,
            b,
            relation: crate::align::Relation::Copy,
            source: None,
            similarity: 1.0,
            coverage_a: 1.0,
            coverage_b: 1.0,
            shared: 20,
            paragraphs: Vec::new(),
        };
        let evident = [m(1, 7), m(2, 7), m(3, 8)];
        assert_eq!(corroborated(9, &evident, &[(1, 2), (1, 3)]), vec![(1, 2)]);
    }
}

//! Cross-language candidates from anchors, restricted to a publication-time window.
//!
//! * **Paragraph pairs**: an inverted index on *pairs* of anchors. A single anchor
//!   ("Russia") is shared by thousands of paragraphs; a pair of a paragraph's rarer anchors
//!   ("Kursk" + "15 000") by few. Each paragraph indexes the pairs of its `RARE` rarest
//!   anchors; posting lists longer than the cap (common pairs such as Russia + Ukraine) are
//!   dropped, which keeps the join linear in practice.
//! * **Article pairs** (the recall backstop): articles whose paragraphs have few anchors
//!   each can still share many overall. Article anchor sets are compared through an
//!   inverted index with inverse-document-frequency weights; each article keeps its best
//!   few partners in other languages.
//!
//! Both only propose; the embedder decides.

use ahash::AHashMap;
use rayon::prelude::*;

use crate::lang::Lang;

/// Anchors per paragraph whose pairs are indexed (the rarest ones).
const RARE: usize = 12;

/// Time interval of an item in seconds (`None` = undated: compatible with everything).
pub type Span = Option<(i64, i64)>;

/// Whether two items are within `window` seconds of each other.
pub fn in_window(a: Span, b: Span, window: i64) -> bool {
    match (a, b) {
        (Some((alo, ahi)), Some((blo, bhi))) => alo <= bhi + window && blo <= ahi + window,
        _ => true,
    }
}

/// What candidate generation saw.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct IndexStats {
    /// Anchor pairs indexed.
    pub pairs_indexed: u64,
    /// Posting lists dropped as too common.
    pub common_pairs_dropped: u64,
    /// Candidate paragraph pairs.
    pub paragraph_candidates: u64,
    /// Candidate article pairs from article anchors.
    pub article_candidates: u64,
}

/// Candidate pairs `(i, j)` (`i < j`) of items that are in different known languages and
/// within the window, sharing at least one indexed anchor pair.
pub fn paragraph_pairs(
    anchors: &[Vec<u32>],
    langs: &[Lang],
    spans: &[Span],
    window: i64,
    max_posting: usize,
    stats: &mut IndexStats,
) -> Vec<(u32, u32)> {
    let mut df: AHashMap<u32, u32> = AHashMap::new();
    for a in anchors {
        for &k in a {
            *df.entry(k).or_default() += 1;
        }
    }
    let mut entries: Vec<(u64, u32)> = anchors
        .par_iter()
        .enumerate()
        .filter(|(i, a)| a.len() >= 2 && langs[*i].is_known())
        .flat_map_iter(|(i, a)| {
            let mut rare: Vec<u32> = a.clone();
            rare.sort_by_key(|k| (df.get(k).copied().unwrap_or(0), *k));
            rare.truncate(RARE);
            rare.sort_unstable();
            let mut out = Vec::with_capacity(rare.len() * rare.len() / 2);
            for x in 0..rare.len() {
                for y in x + 1..rare.len() {
                    out.push(((rare[x] as u64) << 32 | rare[y] as u64, i as u32));
                }
            }
            out
        })
        .collect();
    stats.pairs_indexed = entries.len() as u64;
    entries.par_sort_unstable();
    let mut runs: Vec<&[(u64, u32)]> = Vec::new();
    let mut i = 0;
    while i < entries.len() {
        let j = i + entries[i..].iter().take_while(|e| e.0 == entries[i].0).count();
        if j - i > max_posting {
            stats.common_pairs_dropped += 1;
        } else if j - i > 1 {
            runs.push(&entries[i..j]);
        }
        i = j;
    }
    let mut pairs: Vec<(u32, u32)> = runs
        .par_iter()
        .flat_map_iter(|run| {
            let mut out = Vec::new();
            for x in 0..run.len() {
                for y in x + 1..run.len() {
                    let (u, v) = (run[x].1, run[y].1);
                    if u != v
                        && langs[u as usize] != langs[v as usize]
                        && in_window(spans[u as usize], spans[v as usize], window)
                    {
                        out.push((u.min(v), u.max(v)));
                    }
                }
            }
            out
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    stats.paragraph_candidates = pairs.len() as u64;
    pairs
}

/// For each article, its `keep` best partners in other languages by IDF-weighted shared
/// anchors (at least `min_shared` anchors), within the window. Returns pairs `(a, b)`,
/// `a < b`.
#[allow(clippy::too_many_arguments)]
pub fn article_pairs(
    anchors: &[Vec<u32>],
    langs: &[Lang],
    spans: &[Span],
    window: i64,
    max_posting: usize,
    keep: usize,
    min_shared: u32,
    stats: &mut IndexStats,
) -> Vec<(u32, u32)> {
    let n = anchors.len();
    let mut postings: AHashMap<u32, Vec<u32>> = AHashMap::new();
    for (d, a) in anchors.iter().enumerate() {
        if langs[d].is_known() {
            for &k in a {
                postings.entry(k).or_default().push(d as u32);
            }
        }
    }
    let idf: AHashMap<u32, f32> = postings
        .iter()
        .map(|(k, p)| (*k, ((n as f32 + 1.0) / (p.len() as f32 + 1.0)).ln()))
        .collect();
    let mut best: Vec<Vec<(u32, u32)>> = (0..n as u32)
        .into_par_iter()
        .map(|d| {
            if !langs[d as usize].is_known() {
                return Vec::new();
            }
            let mut score: AHashMap<u32, (f32, u32)> = AHashMap::new();
            for k in &anchors[d as usize] {
                let Some(p) = postings.get(k) else { continue };
                if p.len() > max_posting {
                    continue;
                }
                let w = idf.get(k).copied().unwrap_or(0.0);
                for &e in p {
                    if langs[e as usize] != langs[d as usize]
                        && in_window(spans[d as usize], spans[e as usize], window)
                    {
                        let s = score.entry(e).or_default();
                        s.0 += w;
                        s.1 += 1;
                    }
                }
            }
            let mut top: Vec<(f32, u32)> = score
                .into_iter()
                .filter(|(_, s)| s.1 >= min_shared)
                .map(|(e, s)| (s.0, e))
                .collect();
            top.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
            top.truncate(keep);
            top.into_iter().map(|(_, e)| (d.min(e), d.max(e))).collect()
        })
        .collect();
    let mut pairs: Vec<(u32, u32)> = best.iter_mut().flat_map(std::mem::take).collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    stats.article_candidates = pairs.len() as u64;
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(s: &str) -> Lang {
        Lang::from_tag(s)
    }

    #[test]
    fn pairs_need_two_shared_anchors_other_languages_and_the_window() {
        let anchors = vec![vec![1, 2, 3], vec![2, 3, 9], vec![1, 2, 3], vec![2, 3], vec![5, 6]];
        let langs = vec![l("en"), l("fr"), l("en"), l("fr"), l("fr")];
        let day = 86_400;
        let spans =
            vec![Some((0, 0)), Some((day, day)), Some((0, 0)), Some((30 * day, 30 * day)), None];
        let mut st = IndexStats::default();
        let p = paragraph_pairs(&anchors, &langs, &spans, 3 * day, 100, &mut st);
        // 0-1 and 2-1 share (2,3) in other languages within 3 days; 3 is a month later;
        // 0-2 are one language; 4 shares nothing.
        assert_eq!(p, vec![(0, 1), (1, 2)]);
        // A posting list longer than the cap is dropped.
        let mut st = IndexStats::default();
        assert!(paragraph_pairs(&anchors, &langs, &spans, 3 * day, 2, &mut st).is_empty());
        assert!(st.common_pairs_dropped > 0);
    }

    #[test]
    fn articles_keep_their_best_partners() {
        let anchors = vec![vec![1, 2, 3, 4], vec![1, 2, 3, 4, 7], vec![1, 8, 9], vec![2, 3, 4, 5]];
        let langs = vec![l("en"), l("fr"), l("fr"), l("de")];
        let spans = vec![None; 4];
        let mut st = IndexStats::default();
        let p = article_pairs(&anchors, &langs, &spans, 0, 100, 1, 3, &mut st);
        assert!(p.contains(&(0, 1)), "{p:?}");
        assert!(!p.contains(&(0, 2)), "one shared anchor is not enough");
    }
}

//! Per-outlet reuse: how much of what an outlet publishes came from which other outlet.
//!
//! Each article that is the later side of at least one directed match is attributed to one
//! source: the earliest of the articles it matches (the likely original, not a copy of a
//! copy; ties broken by coverage, then id). Its aligned paragraphs in that match count as
//! reused from the source's outlet. Articles whose matches are all undirected (unknown or
//! equal dates) are counted apart. An outlet "published first" in a story when its article
//! is the story's certain origin.

use ahash::AHashMap;
use serde::Serialize;

use crate::align::Relation;
use crate::fingerprint::Kind;
use crate::pipeline::MatchRun;

/// Reuse from one source outlet.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SourceShare {
    /// Source outlet (`(unknown)` when the source article has none).
    pub outlet: String,
    /// Articles attributed to it.
    pub articles: u64,
    /// Paragraphs of those articles aligned with it.
    pub paragraphs: u64,
}

/// One outlet's line of the report.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OutletReport {
    /// Outlet name (`(unknown)` for articles without one).
    pub outlet: String,
    /// Articles published.
    pub articles: u64,
    /// Body paragraphs of those articles.
    pub body_paragraphs: u64,
    /// Articles carrying copy from an earlier article.
    pub articles_reusing: u64,
    /// Paragraphs of those articles aligned with their source.
    pub paragraphs_reused: u64,
    /// Articles matched only without a known direction.
    pub articles_undirected: u64,
    /// Stories whose certain origin is this outlet's article.
    pub stories_first: u64,
    /// Where the reused copy came from, most articles first.
    pub sources: Vec<SourceShare>,
    /// Articles carrying a translation of an earlier article.
    pub articles_translated: u64,
    /// Paragraphs of those articles aligned with their original.
    pub paragraphs_translated: u64,
    /// Where the translated copy came from, most articles first.
    pub translated_from: Vec<SourceShare>,
}

const UNKNOWN: &str = "(unknown)";

/// Per copy article, the index of the match attributed as its source, among `matches`
/// restricted by `keep`: the earliest source (then the highest coverage, then id).
fn attribute(
    run: &MatchRun,
    keep: impl Fn(&crate::align::ArticleMatch) -> bool,
) -> AHashMap<u32, usize> {
    let store = &run.store;
    let key = |i: usize| {
        let m = &run.matches[i];
        let d = &store.docs[m.a as usize];
        (d.published.map(|p| p.sort_key()), std::cmp::Reverse(ordered(m.coverage_b)), d.id.clone())
    };
    let mut out: AHashMap<u32, usize> = AHashMap::new();
    for (i, m) in run.matches.iter().enumerate() {
        if m.source.is_none() || !keep(m) {
            continue;
        }
        out.entry(m.b)
            .and_modify(|cur| {
                if key(i) < key(*cur) {
                    *cur = i;
                }
            })
            .or_insert(i);
    }
    out
}

/// Per (copy outlet, source outlet): articles and paragraphs; and per copy outlet totals.
type Shares = (AHashMap<(String, String), (u64, u64)>, AHashMap<String, (u64, u64)>);

fn shares(
    run: &MatchRun,
    attributed: &AHashMap<u32, usize>,
    name: &dyn Fn(u32) -> String,
) -> Shares {
    let mut by_pair: AHashMap<(String, String), (u64, u64)> = AHashMap::new();
    let mut total: AHashMap<String, (u64, u64)> = AHashMap::new();
    for (&copy, &mi) in attributed {
        let m = &run.matches[mi];
        let mut paras: Vec<u32> = m.paragraphs.iter().map(|p| p.b).collect();
        paras.sort_unstable();
        paras.dedup();
        let n = paras.len() as u64;
        let e = by_pair.entry((name(copy), name(m.a))).or_default();
        e.0 += 1;
        e.1 += n;
        let t = total.entry(name(copy)).or_default();
        t.0 += 1;
        t.1 += n;
    }
    (by_pair, total)
}

fn sources_of(by_pair: &AHashMap<(String, String), (u64, u64)>, outlet: &str) -> Vec<SourceShare> {
    let mut srcs: Vec<SourceShare> = by_pair
        .iter()
        .filter(|((c, _), _)| c == outlet)
        .map(|((_, s), &(a, p))| SourceShare { outlet: s.clone(), articles: a, paragraphs: p })
        .collect();
    srcs.sort_by(|x, y| y.articles.cmp(&x.articles).then_with(|| x.outlet.cmp(&y.outlet)));
    srcs
}

/// Builds the outlet report, outlets with most reused articles first (then by name).
/// Translated copy is counted apart from same-language reuse.
pub fn outlet_report(run: &MatchRun) -> Vec<OutletReport> {
    let store = &run.store;
    let name = |d: u32| store.outlet_of(d).unwrap_or(UNKNOWN).to_string();
    let reused = attribute(run, |m| m.relation != Relation::Translation);
    let translated = attribute(run, |m| m.relation == Relation::Translation);
    let (reuse_pairs, reuse_total) = shares(run, &reused, &name);
    let (tr_pairs, tr_total) = shares(run, &translated, &name);
    let mut undirected: ahash::AHashSet<u32> = ahash::AHashSet::new();
    for m in run.matches.iter().filter(|m| m.source.is_none()) {
        undirected.insert(m.a);
        undirected.insert(m.b);
    }
    let mut undirected_only: AHashMap<String, u64> = AHashMap::new();
    for &d in &undirected {
        if !reused.contains_key(&d) && !translated.contains_key(&d) {
            *undirected_only.entry(name(d)).or_default() += 1;
        }
    }
    let mut articles: AHashMap<String, (u64, u64)> = AHashMap::new();
    for d in 0..store.docs.len() as u32 {
        let body = store.doc_paragraphs(d).iter().filter(|p| p.kind == Kind::Body).count() as u64;
        let e = articles.entry(name(d)).or_default();
        e.0 += 1;
        e.1 += body;
    }
    let mut first: AHashMap<String, u64> = AHashMap::new();
    for s in &run.stories {
        if let (Some(o), true) = (s.origin, s.origin_certain) {
            *first.entry(name(o)).or_default() += 1;
        }
    }
    let mut out: Vec<OutletReport> = articles
        .into_iter()
        .map(|(o, (articles, body))| {
            let (ar, pr) = reuse_total.get(&o).copied().unwrap_or_default();
            let (at, pt) = tr_total.get(&o).copied().unwrap_or_default();
            OutletReport {
                articles,
                body_paragraphs: body,
                articles_reusing: ar,
                paragraphs_reused: pr,
                articles_undirected: undirected_only.get(&o).copied().unwrap_or(0),
                stories_first: first.get(&o).copied().unwrap_or(0),
                sources: sources_of(&reuse_pairs, &o),
                articles_translated: at,
                paragraphs_translated: pt,
                translated_from: sources_of(&tr_pairs, &o),
                outlet: o,
            }
        })
        .collect();
    out.sort_by(|x, y| {
        (y.articles_reusing + y.articles_translated)
            .cmp(&(x.articles_reusing + x.articles_translated))
            .then_with(|| x.outlet.cmp(&y.outlet))
    });
    out
}

/// A total order on coverage values (finite, in [0, 1]).
fn ordered(x: f32) -> u32 {
    (x.clamp(0.0, 1.0) * 1_000_000.0) as u32
}

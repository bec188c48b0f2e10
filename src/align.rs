//! Article pairs: align two documents paragraph by paragraph and decide what the reuse is.
//!
//! LSH and exact-duplicate collapse propose document pairs; this stage looks at each pair as
//! a whole, on exact shingle sets. Each document is viewed as one sorted array of
//! `(shingle, paragraph)` entries, and a merge of the two arrays yields, in
//! O(|A| + |B|), every pair of paragraphs that shares shingles and how many. From that:
//!
//! * **aligned paragraphs**: pairs sharing at least `align_containment` of the smaller
//!   one's shingles (and `align_min_shared` of them). Many-to-many: a merged paragraph
//!   aligns with both halves.
//! * **evidence**: shingles shared through aligned paragraphs; a pair needs `min_shared`
//!   (10 five-word shingles ≈ 14 consecutive words) to be a match at all, and at least one
//!   aligned pair as similar as the index looks for (`threshold` Jaccard or
//!   `min_containment`). A share button or a stock phrase repeated in every paragraph cannot
//!   make two articles related; the exhaustive mode applies the same rule.
//! * **coverage** of each side: the share of its body words in aligned paragraphs.
//! * **similarity**: how verbatim the reuse is — shared shingles over the smaller side of
//!   each paragraph's best partner, summed. About 1 for copies, 0.3–0.7 for rewrites.
//! * **relation**: `rewrite` below `copy_similarity`; otherwise `copy` when more than
//!   `copy_coverage` of one article is reused, else `partial`.
//! * **direction**: the surely-earlier publication is the source (see [`crate::published`]).

use std::cmp::Ordering;

use serde::Serialize;

use crate::config::Config;
use crate::fingerprint::Kind;
use crate::store::Store;
use crate::verify::Overlap;

/// What kind of reuse an article pair is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Most of one article is nearly verbatim copy from the other.
    Copy,
    /// Some paragraphs are nearly verbatim copy, clearly less than most of either article.
    Partial,
    /// The shared copy is reworded.
    Rewrite,
    /// One article translates the other, or both translate one original.
    Translation,
    /// The two share only quoted material (a statement both quote): not reuse, reported
    /// only on request ([`Config::quotes`]).
    Quote,
    /// One is a listing page (headlines and teasers of many stories) carrying the other's
    /// headline or teaser: not reuse, reported only on request ([`Config::listings`]).
    Listing,
}

impl Relation {
    /// Lower-case name, as in the JSONL contract.
    pub fn name(self) -> &'static str {
        match self {
            Relation::Copy => "copy",
            Relation::Partial => "partial",
            Relation::Rewrite => "rewrite",
            Relation::Translation => "translation",
            Relation::Quote => "quote",
            Relation::Listing => "listing",
        }
    }

    /// Every relation, in report order.
    pub const ALL: [Relation; 6] = [
        Relation::Copy,
        Relation::Partial,
        Relation::Rewrite,
        Relation::Translation,
        Relation::Quote,
        Relation::Listing,
    ];

    /// What the relation means, in words for reports (the terminal legend, the HTML report).
    pub fn meaning(self) -> &'static str {
        match self {
            Relation::Copy => "most of one article is nearly verbatim copy of the other",
            Relation::Partial => {
                "some paragraphs are nearly verbatim copy, clearly less than most of either article"
            }
            Relation::Rewrite => "the shared copy is reworded",
            Relation::Translation => {
                "one article translates the other, or both translate one original"
            }
            Relation::Quote => {
                "the two share only quoted material (a statement both quote): not reuse"
            }
            Relation::Listing => {
                "one is a listing page carrying the other's headline or teaser: not reuse"
            }
        }
    }

    /// Whether the relation is reuse of copy (copy, partial, rewrite, translation), as
    /// opposed to the relations reported only on request (quote, listing).
    pub fn is_reuse(self) -> bool {
        !matches!(self, Relation::Quote | Relation::Listing)
    }
}

/// Two aligned paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ParagraphMatch {
    /// Paragraph index in document `a` (position among all its paragraphs, from 0).
    pub a: u32,
    /// Paragraph index in document `b`.
    pub b: u32,
    /// Jaccard similarity of their shingle sets.
    pub similarity: f32,
}

/// A matched article pair. `a` is the source when the direction is known; otherwise the
/// side with the lower coverage (the one the other was mostly taken from).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleMatch {
    /// Document index of side a.
    pub a: u32,
    /// Document index of side b.
    pub b: u32,
    /// Kind of reuse.
    pub relation: Relation,
    /// The surely-earlier side (always `a` when set).
    pub source: Option<u32>,
    /// Verbatim share of the reused copy (see module docs).
    pub similarity: f32,
    /// Share of a's body words in aligned paragraphs.
    pub coverage_a: f32,
    /// Share of b's body words in aligned paragraphs.
    pub coverage_b: f32,
    /// Shingles shared through aligned paragraphs.
    pub shared: u32,
    /// Aligned paragraphs, sorted by (a, b).
    pub paragraphs: Vec<ParagraphMatch>,
}

impl ArticleMatch {
    /// The paragraphs of side a (`side_a`) or b that the match aligned, sorted and
    /// distinct: what another match of the same article must share with this one for the
    /// two to be neighbours through it ([`crate::article_pairs::centre_pairs`]).
    pub fn own_paragraphs(&self, side_a: bool) -> Vec<u32> {
        let mut v: Vec<u32> =
            self.paragraphs.iter().map(|p| if side_a { p.a } else { p.b }).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Whether the match stands on its own evidence: several paragraphs aligned on both
    /// sides, or near-verbatim copy, or copy covering most of one article. The rest (one
    /// reworded paragraph) needs corroboration (see [`Config::corroborate`]).
    pub fn self_evident(&self, cfg: &Config) -> bool {
        if !self.relation.is_reuse() {
            return false;
        }
        if self.similarity as f64 >= cfg.copy_similarity
            || (self.coverage_a.max(self.coverage_b) as f64) > cfg.copy_coverage
            || self.relation == Relation::Translation
        {
            return true;
        }
        // `paragraphs` is sorted by (a, b): distinct a's show as changes between neighbours.
        let several_a = self.paragraphs.windows(2).any(|w| w[0].a != w[1].a);
        let several_b = self.paragraphs.iter().any(|p| p.b != self.paragraphs[0].b);
        several_a && several_b
    }
}

/// A body paragraph of a [`DocView`].
#[derive(Debug, Clone, Copy)]
struct LocalPara {
    /// Index among all the document's paragraphs.
    index: u32,
    tokens: u32,
    /// Shingle-set size.
    size: u32,
    /// Of those, prose shingles (not quoted material).
    prose: u32,
    /// Body tokens before this paragraph in the document.
    offset: u64,
    unique: u32,
}

/// Flag of a [`DocView`] entry whose shingle is text the corpus repeats across news cycles
/// (see [`crate::recurring`]): it aligns paragraphs but is no evidence of reuse.
const RECURRING: u32 = 1 << 31;

/// One document as sorted `(shingle, local paragraph)` entries.
#[derive(Debug, Clone, Default)]
pub struct DocView {
    /// Shingle hashes, sorted (with their paragraph in `owner`): kept apart so that the
    /// merge compares a dense array of `u32`.
    hashes: Vec<u32>,
    owner: Vec<u32>,
    paras: Vec<LocalPara>,
    body_tokens: u64,
}

impl DocView {
    /// The view of document `d`: its body paragraphs only.
    pub fn build(store: &Store, d: u32) -> DocView {
        let mut v = DocView::default();
        let mut entries: Vec<(u32, u32)> = Vec::new();
        for (i, p) in store.doc_paragraphs(d).iter().enumerate() {
            if p.kind != Kind::Body {
                continue;
            }
            let local = v.paras.len() as u32;
            let set = store.set(p.unique);
            v.paras.push(LocalPara {
                index: i as u32,
                tokens: p.tokens,
                size: set.len() as u32,
                prose: set.iter().filter(|&&h| crate::shingle::is_prose(h)).count() as u32,
                offset: v.body_tokens,
                unique: p.unique,
            });
            v.body_tokens += p.tokens as u64;
            entries.extend(
                set.iter()
                    .map(|&h| (h, if store.is_recurring(h) { local | RECURRING } else { local })),
            );
        }
        entries.sort_unstable();
        v.hashes = entries.iter().map(|e| e.0).collect();
        v.owner = entries.iter().map(|e| e.1).collect();
        v
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.hashes.capacity() * 4
            + self.owner.capacity() * 4
            + self.paras.capacity() * std::mem::size_of::<LocalPara>()
    }
}

/// Whether two paragraphs state the same facts. Numbers and proper names are checked apart
/// (agreeing names must not outvote disagreeing figures): for each kind that both
/// paragraphs carry, at least `min_share` of the smaller side's must appear in the other.
/// Same words with other facts is a template ("X Corp is raising 35 mln dlrs via…"), not
/// reused copy.
fn facts_agree(store: &Store, u: u32, v: u32, min_share: f64) -> bool {
    if u == v {
        return true;
    }
    let (nu, mu) = crate::anchors::split_facts(store.numbers_of(u));
    let (nv, mv) = crate::anchors::split_facts(store.numbers_of(v));
    let agree = |x: &[u32], y: &[u32]| {
        x.is_empty()
            || y.is_empty()
            || crate::verify::intersection(x, y) as f64 >= min_share * x.len().min(y.len()) as f64
    };
    agree(nu, nv) && agree(mu, mv)
}

/// Per-thread scratch for [`align`].
#[derive(Debug, Default)]
pub struct AlignScratch {
    cells: Vec<u64>,
    counts: Vec<u16>,
    prose: Vec<u16>,
    evidence: Vec<u16>,
    touched: Vec<u32>,
}

/// Shingles a paragraph pair shares, beyond their number: the prose ones (not quoted
/// material), and of those the ones that are evidence of reuse (not recurring text).
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    prose: u32,
    evidence: u32,
}

/// Evidence that starts at or past this share of both articles' body is their tail.
const TAIL: f64 = 0.5;

/// Paragraph-pair counts of two articles small enough for a dense matrix.
const DENSE_CELLS: usize = 1 << 14;

/// Aligns documents `a` and `b`; `None` when they do not match.
pub fn align(
    store: &Store,
    cfg: &Config,
    (a, va): (u32, &DocView),
    (b, vb): (u32, &DocView),
    scratch: &mut AlignScratch,
) -> Option<ArticleMatch> {
    // Merge join: every (paragraph of a, paragraph of b) sharing a shingle, counted once
    // per shingle; apart, the prose shingles among them (quoted material aligns paragraphs
    // but is no evidence of reuse) and, of those, the ones that are evidence (not text
    // the corpus repeats across news cycles). Small articles (nearly all) count into dense
    // matrices; others collect cells (the two flags in the low bits) and sort them.
    let (ha, hb) = (&va.hashes, &vb.hashes);
    let (na, nb) = (va.paras.len(), vb.paras.len());
    let dense = na * nb <= DENSE_CELLS;
    let AlignScratch { cells, counts, prose, evidence, touched } = scratch;
    cells.clear();
    touched.clear();
    if dense {
        counts.clear();
        counts.resize(na * nb, 0);
        prose.clear();
        prose.resize(na * nb, 0);
        evidence.clear();
        evidence.resize(na * nb, 0);
    }
    let mut shared_total = 0usize;
    let (mut i, mut j) = (0, 0);
    while i < ha.len() && j < hb.len() {
        let (x, y) = (ha[i], hb[j]);
        if x != y {
            i += (x < y) as usize;
            j += (y < x) as usize;
            continue;
        }
        let i2 = i + ha[i..].iter().take_while(|&&h| h == x).count();
        let j2 = j + hb[j..].iter().take_while(|&&h| h == x).count();
        let is_prose = crate::shingle::is_prose(x);
        for &p in &va.owner[i..i2] {
            // Recurring text is flagged alike on both sides (a property of the shingle).
            let is_evidence = is_prose && p & RECURRING == 0;
            let p = p & !RECURRING;
            for &q in &vb.owner[j..j2] {
                let q = q & !RECURRING;
                shared_total += 1;
                if dense {
                    let c = p as usize * nb + q as usize;
                    if counts[c] == 0 {
                        touched.push(c as u32);
                    }
                    counts[c] = counts[c].saturating_add(1);
                    prose[c] = prose[c].saturating_add(is_prose as u16);
                    evidence[c] = evidence[c].saturating_add(is_evidence as u16);
                } else {
                    let flags = (is_prose as u64) << 1 | is_evidence as u64;
                    cells.push(((p as u64) << 32 | q as u64) << 2 | flags);
                }
            }
        }
        i = i2;
        j = j2;
    }
    if shared_total < cfg.min_shared as usize {
        return None;
    }
    // (p, q, shared, shared prose, shared evidence) per paragraph pair, in (p, q) order.
    let mut pairs: Vec<(usize, usize, u32, Counts)> = Vec::new();
    if dense {
        touched.sort_unstable();
        pairs.extend(touched.iter().map(|&c| {
            let c = c as usize;
            let k = Counts { prose: prose[c] as u32, evidence: evidence[c] as u32 };
            (c / nb, c % nb, counts[c] as u32, k)
        }));
    } else {
        cells.sort_unstable();
        let mut k = 0;
        while k < cells.len() {
            let c = cells[k] >> 2;
            let n = cells[k..].iter().take_while(|&&x| x >> 2 == c).count();
            let run = &cells[k..k + n];
            let counts = Counts {
                prose: run.iter().filter(|&&x| x & 2 != 0).count() as u32,
                evidence: run.iter().filter(|&&x| x & 1 != 0).count() as u32,
            };
            k += n;
            pairs.push(((c >> 32) as usize, (c & 0xffff_ffff) as usize, n as u32, counts));
        }
    }
    // Aligned paragraph pairs and, per paragraph, its best partner.
    let mut aligned: Vec<(u32, u32, Overlap, Counts)> = Vec::new();
    for (p, q, n, mut e) in pairs {
        let o = Overlap { shared: n, len_a: va.paras[p].size, len_b: vb.paras[q].size };
        let identical_short = n == o.len_a && n == o.len_b;
        let similar = (n >= cfg.align_min_shared && o.containment() >= cfg.align_containment)
            || identical_short;
        let (up, uq) = (va.paras[p].unique, vb.paras[q].unique);
        if similar && facts_agree(store, up, uq, cfg.fact_agreement) {
            // Words shared that read like the corpus's furniture are no evidence either.
            if e.evidence > 0 && store.shared_is_furniture(up, uq) {
                e.evidence = 0;
            }
            aligned.push((p as u32, q as u32, o, e));
        }
    }
    // At least one paragraph pair must be as similar as the index is built to find: many
    // weak overlaps (a stock phrase in every paragraph) do not make two articles one copy.
    if !aligned.iter().any(|(_, _, o, _)| o.accepted(cfg)) {
        return None;
    }
    let mut best_a: Vec<Option<(Overlap, Counts, u32)>> = vec![None; va.paras.len()];
    let mut best_b: Vec<Option<(Overlap, Counts, u32)>> = vec![None; vb.paras.len()];
    for &(p, q, o, e) in &aligned {
        let prose_min = va.paras[p as usize].prose.min(vb.paras[q as usize].prose);
        let ba = &mut best_a[p as usize];
        if ba.is_none_or(|x| o.shared > x.0.shared) {
            *ba = Some((o, e, prose_min));
        }
        let bb = &mut best_b[q as usize];
        if bb.is_none_or(|x| o.shared > x.0.shared) {
            *bb = Some((o, e, prose_min));
        }
    }
    // Shingles of each side's aligned paragraphs found in the other side (a shingle of p
    // shared with two aligned partners counts once per partner; min of both sides bounds
    // it), the prose ones among them, and the verbatim share of the prose.
    struct Side {
        shared: u32,
        evidence: u32,
        sim: f64,
        cov: f64,
    }
    let side = |best: &[Option<(Overlap, Counts, u32)>], paras: &[LocalPara], total: u64| {
        let (mut shared, mut evidence, mut tokens) = (0u32, 0u32, 0u64);
        let (mut num, mut den, mut pnum, mut pden) = (0u64, 0u64, 0u64, 0u64);
        for (b, p) in best.iter().zip(paras) {
            if let Some((o, e, prose_min)) = b {
                shared += o.shared;
                evidence += e.evidence;
                num += o.shared as u64;
                den += o.len_a.min(o.len_b) as u64;
                pnum += e.prose as u64;
                pden += *prose_min as u64;
                tokens += p.tokens as u64;
            }
        }
        // Verbatim share of the prose; of everything when the aligned text is all quoted.
        let (num, den) = if pden > 0 { (pnum, pden) } else { (num, den) };
        let sim = if den == 0 { 0.0 } else { (num as f64 / den as f64).min(1.0) };
        let cov = if total == 0 { 0.0 } else { tokens as f64 / total as f64 };
        Side { shared, evidence, sim, cov }
    };
    let sa = side(&best_a, &va.paras, va.body_tokens);
    let sb = side(&best_b, &vb.paras, vb.body_tokens);
    let (cov_a, cov_b) = (sa.cov, sb.cov);
    let shared = sa.shared.min(sb.shared);
    if shared < cfg.min_shared {
        return None;
    }
    // Evidence of reuse is prose: text shared only inside quotations is a statement both
    // quote, reported (as such) only on request.
    let quote_only = sa.evidence.min(sb.evidence) < cfg.min_shared;
    if quote_only && !cfg.quotes {
        return None;
    }
    let (da, db) = (&store.docs[a as usize], &store.docs[b as usize]);
    if !quote_only {
        // Where the evidence lies in each article: text both share only in their closing
        // parts — starting in the second half and running to the end of both — is what
        // sites print after the story (footers, "About" sections, disclaimers, notices).
        // A wire paragraph appended to a local story is not at the end of the wire story.
        let tail = |best: &[Option<(Overlap, Counts, u32)>], paras: &[LocalPara], total: u64| {
            let evidence = |b: &Option<(Overlap, Counts, u32)>| b.is_some_and(|x| x.1.evidence > 0);
            let first = best.iter().zip(paras).find(|(b, _)| evidence(b));
            let starts_late =
                first.is_some_and(|(_, p)| p.offset as f64 >= TAIL * total.max(1) as f64);
            starts_late && best.last().is_some_and(|b| b.is_some())
        };
        if tail(&best_a, &va.paras, va.body_tokens) && tail(&best_b, &vb.paras, vb.body_tokens) {
            return None;
        }
        // One outlet's articles of different news cycles share its furniture, not a story.
        // The same article sent again — the same words under the same headline — is still
        // the same article; one page's text under many headlines is the site's.
        if da.outlet.is_some() && da.outlet == db.outlet {
            if let (Some(x), Some(y)) = (da.published, db.published) {
                if x.surely_apart_by(y) > cfg.news_cycle_days * 86_400.0 {
                    let identical = cov_a >= 1.0 && cov_b >= 1.0 && sa.sim >= 1.0 && sb.sim >= 1.0;
                    let resent = identical
                        && match (da.title.as_deref(), db.title.as_deref()) {
                            (Some(x), Some(y)) => {
                                crate::headline::one_headline(x, y, store.outlet_of(a))
                            }
                            _ => true,
                        };
                    if !resent {
                        return None;
                    }
                }
            }
        }
    }
    let similarity = sa.sim.max(sb.sim);
    let relation = if quote_only {
        Relation::Quote
    } else if similarity < cfg.copy_similarity {
        Relation::Rewrite
    } else if cov_a.max(cov_b) > cfg.copy_coverage {
        Relation::Copy
    } else {
        Relation::Partial
    };
    let mut paragraphs: Vec<ParagraphMatch> = aligned
        .iter()
        .map(|&(p, q, o, _)| ParagraphMatch {
            a: va.paras[p as usize].index,
            b: vb.paras[q as usize].index,
            similarity: o.jaccard() as f32,
        })
        .collect();
    let order = match (da.published, db.published) {
        (Some(x), Some(y)) => x.surely_cmp(y),
        _ => None,
    };
    // Side a: the source if known, else the side less covered (the larger original).
    let swap = match order {
        Some(Ordering::Greater) => true,
        Some(_) => false,
        None => (cov_a, &*da.id) > (cov_b, &*db.id),
    };
    let (a, b, cov_a, cov_b) = if swap {
        for m in &mut paragraphs {
            std::mem::swap(&mut m.a, &mut m.b);
        }
        (b, a, cov_b, cov_a)
    } else {
        (a, b, cov_a, cov_b)
    };
    paragraphs.sort_by_key(|m| (m.a, m.b));
    Some(ArticleMatch {
        a,
        b,
        relation,
        source: order.map(|_| a),
        similarity: similarity as f32,
        coverage_a: cov_a as f32,
        coverage_b: cov_b as f32,
        shared,
        paragraphs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Document;
    use crate::error::Location;
    use crate::fingerprint::Fingerprinter;
    use crate::shingle::Shingler;
    use crate::store::SourceRef;

    const P: [&str; 4] = [
        "The central bank raised its main interest rate by half a percentage point on Tuesday, citing stubborn inflation in services.",
        "Economists polled last week had expected a smaller move, and bond yields jumped after the announcement in the capital.",
        "The governor said further increases could not be ruled out if wage growth stayed at its current pace through the summer.",
        "Shares of the country's largest lenders rose sharply in afternoon trading as investors bet on wider lending margins.",
    ];

    fn store(docs: &[(&str, &str, &str)]) -> Store {
        let mut s = Store::new(vec![]);
        for (i, (id, published, text)) in docs.iter().enumerate() {
            let fp = Fingerprinter::new(Shingler::new(5, 1)).fingerprint(text);
            let d = Document::new(*id, *text).with_published(*published);
            let loc = Location { path: "t".into(), line: i as u64 + 1 };
            s.add(&d, fp, SourceRef { input: 0, line: loc.line, offset: 0 }, &loc).unwrap();
        }
        s
    }

    fn run(s: &Store, x: u32, y: u32) -> Option<ArticleMatch> {
        let cfg = Config::default();
        let (vx, vy) = (DocView::build(s, x), DocView::build(s, y));
        align(s, &cfg, (x, &vx), (y, &vy), &mut AlignScratch::default())
    }

    #[test]
    fn verbatim_copy_with_a_local_lede_is_a_directed_copy() {
        let wire = P.join("\n\n");
        let copy = format!(
            "A local lede written by the town paper about its readers.\n\n{}",
            P[..3].join("\n\n")
        );
        let s = store(&[
            ("copy", "2020-01-01T12:00:00Z", &copy),
            ("wire", "2020-01-01T10:00:00Z", &wire),
        ]);
        let m = run(&s, 0, 1).unwrap();
        assert_eq!((m.a, m.b, m.source), (1, 0, Some(1)), "the wire is the source and side a");
        assert_eq!(m.relation, Relation::Copy);
        assert!((m.similarity - 1.0).abs() < 1e-6);
        assert!(m.coverage_b > 0.7 && m.coverage_b < 1.0 && m.coverage_a > 0.7);
        let idx: Vec<(u32, u32)> = m.paragraphs.iter().map(|p| (p.a, p.b)).collect();
        assert_eq!(idx, vec![(0, 1), (1, 2), (2, 3)]);
    }

    #[test]
    fn one_shared_paragraph_is_partial_and_equal_times_are_undirected() {
        let a = format!(
            "{}\n\n{}\n\n{}",
            P[0],
            "Completely unrelated local reporting about the harbour festival and its many visitors this year.",
            "The festival committee thanked volunteers, sponsors and the fire brigade for a safe and cheerful weekend."
        );
        let b = format!(
            "{}\n\n{}\n\n{}",
            "Another outlet's own story on the regional elections that will be held next month across the province.",
            P[0],
            "More original reporting on a school board decision that angered many parents in the district."
        );
        let s = store(&[("a", "2020-01-01", &a), ("b", "2020-01-01", &b)]);
        let m = run(&s, 0, 1).unwrap();
        assert_eq!(m.relation, Relation::Partial);
        assert_eq!(m.source, None);
        assert_eq!(m.paragraphs.len(), 1);
    }

    #[test]
    fn reworded_copy_is_a_rewrite() {
        let wire = P.join("\n\n");
        let reworded = [
            "The central bank lifted its main interest rate by half a percentage point on Tuesday, pointing to stubborn inflation in services.",
            "Economists surveyed last week had forecast a smaller move, and bond yields climbed after the announcement in the capital.",
            "Further increases could not be ruled out if wage growth stayed at its current pace through the summer, the governor said.",
            "Stock of the country's biggest lenders rose sharply in afternoon trading as investors wagered on wider lending margins.",
        ]
        .join("\n\n");
        let s = store(&[
            ("w", "2020-01-01T10:00:00Z", &wire),
            ("r", "2020-01-02T10:00:00Z", &reworded),
        ]);
        let m = run(&s, 0, 1).unwrap();
        assert_eq!(m.relation, Relation::Rewrite, "{m:?}");
        assert!(m.similarity < 0.78);
        assert_eq!(m.source, Some(0));
    }

    #[test]
    fn same_words_with_other_numbers_are_a_template_not_a_copy() {
        let a = "Rent-A-Center Inc is raising 35 mln dlrs via an offering of convertible subordinated debentures due 2012 with a 5-3/4 pct coupon and par pricing, said sole manager Morgan Stanley.";
        let b = "Chicago Pacific Corp is raising 150 mln dlrs via an offering of convertible subordinated debentures due 2014 with a 6-1/2 pct coupon and par pricing, said sole manager Morgan Stanley.";
        let s = store(&[("a", "2020-01-01", a), ("b", "2020-01-05", b)]);
        assert!(run(&s, 0, 1).is_none());
        // The same paragraph with one figure corrected is still the same copy.
        let c = a.replace("35 mln", "36 mln");
        let s = store(&[("a", "2020-01-01", a), ("c", "2020-01-05", &c)]);
        assert!(run(&s, 0, 1).is_some());
    }

    #[test]
    fn a_common_phrase_is_not_a_match() {
        let a = "Officials said on Tuesday that the plan would go ahead as announced, despite protests.";
        let b = "Farmers in the north said on Tuesday that the plan would ruin their harvest this autumn.";
        let s = store(&[("a", "2020-01-01", a), ("b", "2020-01-02", b)]);
        assert!(run(&s, 0, 1).is_none());
    }
}

//! Translated copy in a query: which stored articles in other languages a new article may
//! translate, or be translated from.
//!
//! A full run proposes translated pairs from anchors that survive translation — numbers,
//! names and their transliterations ([`crate::anchors::cross`]) — and lets the embedder
//! decide. An index keeps each stored article's anchors as a posting table
//! ([`Section::AnchorDocs`], a block per language) and its language and publication time
//! ([`Section::DocInfo`]). A query looks up the anchors of each new article, scores the
//! stored articles in other languages within the translation window by the inverse
//! document frequency of the anchors they share, and hands the best few to the
//! translation stage of a full run ([`crate::translate::find`]) together with the new
//! articles; that stage decides, by the same rules and the same embedder as `match`.
//!
//! Cost per new article: for each other language stored, one binary search per anchor in
//! the memory map and a scan of its posting list (at most [`SCAN_LIMIT`] entries); then
//! embedding the paragraphs of at most [`PARTNERS`] stored articles. Querying a
//! one-language index in its own language reads nothing.

use ahash::AHashMap;

use super::Index;
use super::format::Section;
use crate::anchors::cross;
use crate::config::Config;
use crate::error::Result;
use crate::fingerprint::Kind;
use crate::lang::Lang;
use crate::store::Store;
use crate::translate::candidates::{Span, in_window};

/// Stored articles handed to the translation stage per new article. The full run's
/// article-level proposals keep three partners per article (and add paragraph-level
/// ones); a query keeps one more. Measured on 40 WMT articles queried one at a time
/// against the other half of the set: 3, 4 and 8 found the same true pairs; 4 agreed
/// best with a full run over the stored articles and each new one (22 of 24 pairs),
/// 8 proposed enough weak partners to report 5 more false pairs.
pub const PARTNERS: usize = 4;
/// Anchors a stored article must share with a new one to be proposed (a paragraph pair
/// of the full run shares at least two).
const MIN_SHARED: u32 = 2;
/// Posting entries read per anchor: an anchor in more stored articles than this (a
/// country, a year) is skipped, as the full run skips anchors too common to propose.
pub const SCAN_LIMIT: usize = 20_000;

/// The distinct cross-language anchors of document `d`'s body paragraphs (outlet templates
/// left out), from its `text`.
pub(crate) fn doc_anchors(store: &Store, d: u32, text: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for p in store.doc_paragraphs(d).iter().filter(|p| p.kind == Kind::Body) {
        if store.uniques[p.unique as usize].is_template() {
            continue;
        }
        if let Some(t) = p.text_in(text) {
            cross::anchor_keys(t, &mut out);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

impl Index {
    /// Language and publication span of stored document `d`.
    pub(super) fn doc_info(&self, d: u32) -> (Lang, Span) {
        let info = self.data.u64s(Section::DocInfo);
        let at = 3 * d as usize;
        let lang =
            info.get(at).map_or(Lang::UNKNOWN, |l| Lang::from_bytes((l as u32).to_le_bytes()));
        let span = match (info.get(at + 1), info.get(at + 2)) {
            (Some(lo), Some(hi)) if !(lo as i64 == i64::MIN && hi as i64 == i64::MAX) => {
                Some((lo as i64, hi as i64))
            }
            _ => None,
        };
        (lang, span)
    }

    /// The blocks of [`Section::AnchorDocs`] of languages other than `lang`: row ranges.
    fn anchor_blocks_except(&self, lang: Lang) -> Vec<(usize, usize)> {
        let blocks = self.data.u64s(Section::AnchorBlocks);
        let rows = self.data.u64s(Section::AnchorDocs).len();
        let code = u32::from_le_bytes(lang.to_bytes()) as u64;
        (0..blocks.len() / 3)
            .filter_map(|b| {
                let (l, s, e) =
                    (blocks.get(3 * b)?, blocks.get(3 * b + 1)?, blocks.get(3 * b + 2)?);
                // Ranges are checked against the table: a query must not read past it.
                (l != code && s <= e && e as usize <= rows).then_some((s as usize, e as usize))
            })
            .collect()
    }

    /// The embedder that scored the stored translation pairs (`""` when none was found).
    pub(crate) fn translation_embedder(&self) -> Result<String> {
        let bytes = self.data.bytes(Section::TranslationEmbedder);
        serde_json::from_slice(bytes)
            .map_err(|e| self.data.malformed(Section::TranslationEmbedder, e.to_string()))
    }

    /// Stored document `d`'s best translation partner in language `lang` in the stored run:
    /// its score ([`crate::translate::partner_score`]) and the partner's id.
    pub(crate) fn translation_best(&self, d: u32, lang: Lang) -> Result<Option<(f32, String)>> {
        let rows = self.data.u64s(Section::TranslationBest);
        let key = (d as u64) << 32 | u32::from_le_bytes(lang.to_bytes()) as u64;
        let at = rows.lower_bound_rows(0, rows.len() / 2, 2, key);
        if rows.get(2 * at) != Some(key) {
            return Ok(None);
        }
        let v = rows.get(2 * at + 1).unwrap_or(0);
        let partner = v as u32;
        if partner as usize >= self.len() {
            return Err(self
                .data
                .malformed(Section::TranslationBest, format!("partner {partner}")));
        }
        let id = self.docs().record(partner)?.id.into_owned();
        Ok(Some((f32::from_bits((v >> 32) as u32), id)))
    }

    /// Rows of `anchor` in the block `lo..hi` of [`Section::AnchorDocs`].
    fn anchor_rows(&self, (lo, hi): (usize, usize), anchor: u32) -> (usize, usize) {
        let rows = self.data.u64s(Section::AnchorDocs);
        let start = rows.lower_bound(lo, hi, (anchor as u64) << 32);
        let end = if anchor == u32::MAX {
            hi
        } else {
            rows.lower_bound(start, hi, ((anchor as u64) + 1) << 32)
        };
        (start, end)
    }
}

/// Stored articles (global ids, sorted, distinct) that the new articles `0..nq` of `local`
/// may translate or be translated from: per new article, the [`PARTNERS`] best-scoring
/// stored articles in another known language within the window sharing at least
/// [`MIN_SHARED`] anchors.
pub(crate) fn partners(
    index: &Index,
    local: &Store,
    texts: &[Option<String>],
    nq: u32,
    cfg: &Config,
) -> Vec<u32> {
    let window = (cfg.translation_window_days * 86_400.0) as i64;
    let anchors: Vec<Vec<u32>> = (0..nq)
        .map(|d| match texts.get(d as usize).and_then(|t| t.as_deref()) {
            Some(t) if local.docs[d as usize].language.is_known() => doc_anchors(local, d, t),
            _ => Vec::new(),
        })
        .collect();
    // Document frequencies over the stored and the new articles.
    let mut new_df: AHashMap<u32, u32> = AHashMap::new();
    for a in &anchors {
        for &k in a {
            *new_df.entry(k).or_default() += 1;
        }
    }
    let n = (index.len() + nq as usize) as f32;
    let rows = index.data.u64s(Section::AnchorDocs);
    let mut out = Vec::new();
    for (d, a) in anchors.iter().enumerate() {
        let meta = &local.docs[d];
        let span = meta.published.map(|p| p.bounds());
        let mut score: AHashMap<u32, (f32, u32)> = AHashMap::new();
        for block in index.anchor_blocks_except(meta.language) {
            for &k in a {
                let (s, e) = index.anchor_rows(block, k);
                if e - s > SCAN_LIMIT {
                    continue;
                }
                let df = (e - s) as f32 + new_df.get(&k).copied().unwrap_or(0) as f32;
                let idf = ((n + 1.0) / (df + 1.0)).ln();
                for r in s..e {
                    let Some(doc) = rows.get(r).map(|v| v as u32) else { continue };
                    let (lang, other) = index.doc_info(doc);
                    if lang.is_known() && lang != meta.language && in_window(span, other, window) {
                        let e = score.entry(doc).or_default();
                        e.0 += idf;
                        e.1 += 1;
                    }
                }
            }
        }
        let mut best: Vec<(f32, u32)> =
            score.into_iter().filter(|(_, s)| s.1 >= MIN_SHARED).map(|(e, s)| (s.0, e)).collect();
        best.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        best.truncate(PARTNERS);
        out.extend(best.into_iter().map(|(_, e)| e));
    }
    out.sort_unstable();
    out.dedup();
    out
}

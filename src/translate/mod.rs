//! Translated copy: articles in different languages that carry one text.
//!
//! Runs beside the same-language path and joins it at the article level:
//!
//! 1. **Languages**: paragraphs already carry one; with a single language in the corpus
//!    this stage does nothing (a same-language corpus pays only for language detection).
//! 2. **Texts and anchors**: the inputs are read a second time (the store keeps spans, not
//!    texts) and every unique body paragraph gets its cross-language anchors
//!    ([`crate::anchors::cross`]).
//! 3. **Candidates**: paragraph pairs sharing a rare pair of anchors, and article pairs
//!    sharing many anchors (the recall backstop), in other languages, within the
//!    publication-time window.
//! 4. **Verification**: the embedder (the multilingual encoder, or character trigrams
//!    without it) embeds the paragraphs of candidate articles; two articles are aligned
//!    paragraph by paragraph, one to one, best cosine first, pairs whose numbers disagree
//!    excluded. Enough aligned paragraphs make the pair a `translation`.

pub mod candidates;
pub mod embed;

use std::cmp::Ordering;
use std::sync::Mutex;

use ahash::AHashMap;
use rayon::prelude::*;
use serde::Serialize;

use crate::align::{ArticleMatch, ParagraphMatch, Relation};
use crate::anchors::{self, cross};
use crate::config::Config;
use crate::error::Result;
use crate::fingerprint::Kind;
use crate::lang::Lang;
use crate::store::Store;
use crate::texts::TextSource;
use candidates::{IndexStats, Span};
use embed::{DIM, Embedder, EmbedderChoice, TrigramEmbedder, Vector, cosine};

/// Figures of the translation stage.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TranslationStats {
    /// Body paragraphs per language.
    pub languages: Vec<(String, u64)>,
    /// Why the stage did not run, if it did not.
    pub skipped: Option<String>,
    /// The embedder used.
    pub embedder: String,
    /// Why the multilingual model was not used, when it was asked for and failed.
    pub note: Option<String>,
    /// Candidate generation.
    pub index: IndexStats,
    /// Paragraph candidate pairs confirmed by the embedder.
    pub paragraph_links: u64,
    /// Article pairs aligned.
    pub article_candidates: u64,
    /// Further article pairs proposed by article vectors (the recall backstop).
    pub vector_candidates: u64,
    /// Unique paragraphs embedded.
    pub embedded: u64,
    /// Languages in the corpus that the embedder does not know: pairs with them are
    /// verified with character trigrams fitted to the paragraphs compared.
    pub trigram_languages: Vec<String>,
    /// Unique paragraphs embedded with those trigrams (besides the embedder).
    pub trigram_embedded: u64,
    /// Documents read a second time.
    pub documents_read: u64,
    /// Ids of the documents that could not be read again as the first pass read them
    /// (their input changed, shrank or went away meanwhile): no translation is looked for
    /// with them.
    pub unread: Vec<String>,
    /// Translated article pairs found.
    pub matches: u64,
}

/// Trigram frequencies counted outside the store being matched — a stored index's — for
/// the trigram embedder to start from, and which of the store's unique paragraphs they
/// already count (for an index: held as body text of a stored document in a known
/// language), which are not counted again.
#[derive(Debug, Clone, Copy)]
pub struct Prior<'a> {
    /// The stored frequencies.
    pub frequencies: &'a TrigramEmbedder,
    /// Per unique paragraph of the store: already counted in `frequencies`.
    pub counted: &'a [bool],
}

/// Finds translated article pairs: every aligned pair ([`aligned`]) that is, for at least
/// one of its two articles, the best partner in the other's language ([`best_partners`]).
pub fn find(
    store: &Store,
    source: &TextSource<'_>,
    cfg: &Config,
    choice: &EmbedderChoice,
) -> Result<(Vec<ArticleMatch>, TranslationStats)> {
    let (matches, mut stats) = aligned(store, source, cfg, choice, None)?;
    let matches = best_partners(store, matches, |_, _| None);
    stats.matches = matches.len() as u64;
    Ok((matches, stats))
}

/// Every article pair in different languages that aligns as a translation, before the
/// best-partner rule.
pub fn aligned(
    store: &Store,
    source: &TextSource<'_>,
    cfg: &Config,
    choice: &EmbedderChoice,
    prior: Option<Prior<'_>>,
) -> Result<(Vec<ArticleMatch>, TranslationStats)> {
    let mut stats = TranslationStats::default();
    // Languages of body paragraphs; per unique paragraph, the language of its first use.
    let mut by_lang: AHashMap<Lang, u64> = AHashMap::new();
    let mut unique_lang = vec![Lang::UNKNOWN; store.uniques.len()];
    for p in store.paragraphs.iter().filter(|p| p.kind == Kind::Body) {
        *by_lang.entry(p.lang).or_default() += 1;
        if !unique_lang[p.unique as usize].is_known() {
            unique_lang[p.unique as usize] = p.lang;
        }
    }
    let mut langs: Vec<(Lang, u64)> = by_lang.into_iter().collect();
    langs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    stats.languages = langs.iter().map(|(l, n)| (l.to_string(), *n)).collect();
    let known = langs.iter().filter(|(l, _)| l.is_known()).count();
    if !cfg.translation {
        stats.skipped = Some("disabled".into());
        return Ok((Vec::new(), stats));
    }
    if known < 2 {
        stats.skipped = Some("one language in the corpus".into());
        return Ok((Vec::new(), stats));
    }

    // Pass 2: texts and anchors of the unique body paragraphs of the documents that can
    // take part (all of them in a multilingual corpus; around a small minority language,
    // only its documents and their likely partners).
    let n_uniques = store.uniques.len();
    // Per unique paragraph, the text (and anchors) of its first document: the same
    // whatever order the documents are read in.
    let texts: Mutex<Vec<Option<Box<str>>>> = Mutex::new(vec![None; n_uniques]);
    let text_doc: Mutex<Vec<u32>> = Mutex::new(vec![u32::MAX; n_uniques]);
    let anchor_of: Mutex<Vec<Vec<u32>>> = Mutex::new(vec![Vec::new(); n_uniques]);
    let window = (cfg.translation_window_days * 86_400.0) as i64;
    let wanted = documents_to_read(store, &langs, window);
    stats.documents_read = wanted.iter().filter(|&&w| w).count() as u64;
    let unread = source.for_each(store, &wanted, |d, text| {
        let mut local: Vec<(u32, Box<str>, Vec<u32>)> = Vec::new();
        for p in store.doc_paragraphs(d).iter().filter(|p| p.kind == Kind::Body) {
            let Some(t) = p.text_in(text) else { continue };
            let mut a = Vec::new();
            cross::anchor_keys(t, &mut a);
            local.push((p.unique, t.into(), a));
        }
        let (mut tx, mut an, mut by) = (
            texts.lock().unwrap_or_else(|e| e.into_inner()),
            anchor_of.lock().unwrap_or_else(|e| e.into_inner()),
            text_doc.lock().unwrap_or_else(|e| e.into_inner()),
        );
        for (u, t, a) in local {
            if d < by[u as usize] {
                by[u as usize] = d;
                tx[u as usize] = Some(t);
                an[u as usize] = a;
            }
        }
    })?;
    stats.unread = unread.iter().map(|&d| store.docs[d as usize].id.to_string()).collect();
    let texts = texts.into_inner().unwrap_or_else(|e| e.into_inner());
    let anchor_of = anchor_of.into_inner().unwrap_or_else(|e| e.into_inner());

    // Time spans: of each document, and of each unique paragraph over its documents.
    let doc_span: Vec<Span> = store.docs.iter().map(|d| d.published.map(|p| p.bounds())).collect();
    let mut unique_span: Vec<Option<Span>> = vec![None; n_uniques];
    for p in store.paragraphs.iter().filter(|p| p.kind == Kind::Body) {
        let s = doc_span[p.doc as usize];
        let slot = &mut unique_span[p.unique as usize];
        *slot = Some(match (*slot, s) {
            (None, s) => s,
            (Some(Some((a, b))), Some((c, d))) => Some((a.min(c), b.max(d))),
            (Some(_), _) => None,
        });
    }
    let unique_span: Vec<Span> = unique_span.into_iter().map(|s| s.flatten()).collect();
    let usable: Vec<Lang> = (0..n_uniques)
        .map(|u| {
            if store.uniques[u].is_learned_boilerplate() || texts[u].is_none() {
                Lang::UNKNOWN
            } else {
                unique_lang[u]
            }
        })
        .collect();

    // Candidates: paragraph pairs, then the article pairs they imply, plus article anchors.
    let para_cands = candidates::paragraph_pairs(
        &anchor_of,
        &usable,
        &unique_span,
        window,
        cfg.translation_max_posting,
        &mut stats.index,
    );
    let doc_anchors: Vec<Vec<u32>> = (0..store.docs.len() as u32)
        .into_par_iter()
        .map(|d| {
            let mut a: Vec<u32> = store
                .doc_paragraphs(d)
                .iter()
                .filter(|p| p.kind == Kind::Body)
                .flat_map(|p| anchor_of[p.unique as usize].iter().copied())
                .collect();
            a.sort_unstable();
            a.dedup();
            a
        })
        .collect();
    let doc_langs: Vec<Lang> = store.docs.iter().map(|d| d.language).collect();
    let doc_cands = candidates::article_pairs(
        &doc_anchors,
        &doc_langs,
        &doc_span,
        window,
        cfg.translation_max_posting,
        3,
        3,
        &mut stats.index,
    );

    // Embed every paragraph that a candidate involves (article candidates: all of theirs).
    let occ = store.occurrences();
    let mut need = vec![false; n_uniques];
    let mut doc_need = vec![false; store.docs.len()];
    for &(u, v) in &para_cands {
        need[u as usize] = true;
        need[v as usize] = true;
    }
    for &(a, b) in &doc_cands {
        doc_need[a as usize] = true;
        doc_need[b as usize] = true;
    }
    // Every article read again is embedded in full: those with candidates for alignment,
    // the others so that the article-vector backstop can still find them (an essay with no
    // numbers or names has no anchors).
    for (d, &n) in doc_need.iter().enumerate() {
        if n || wanted[d] {
            for p in store.doc_paragraphs(d as u32).iter().filter(|p| p.kind == Kind::Body) {
                need[p.unique as usize] = true;
            }
        }
    }
    let order: Vec<u32> = (0..n_uniques as u32)
        .filter(|&u| need[u as usize] && texts[u as usize].is_some())
        .collect();
    let text_of = |u: &u32| texts[*u as usize].as_deref().unwrap_or("");
    // The fallback's trigram weights come from the distinct paragraphs compared (those a
    // prior has not counted already).
    let fit: Vec<&str> = order
        .iter()
        .filter(|&&u| prior.is_none_or(|p| !p.counted.get(u as usize).copied().unwrap_or(false)))
        .map(text_of)
        .collect();
    // The model is loaded only now, and only if there is something to embed.
    let (embedder, note) = if order.is_empty() {
        (
            std::sync::Arc::new(TrigramEmbedder::default())
                as std::sync::Arc<dyn Embedder + Send + Sync>,
            None,
        )
    } else {
        choice.get(&fit, prior.map(|p| p.frequencies))
    };
    let embedder = embedder.as_ref();
    stats.embedder = embedder.name().to_string();
    stats.note = note;
    // Pairs with a language the embedder does not know (the model's 16) are verified with
    // the fitted trigrams: across scripts and unknown languages they find far more than a
    // model comparing text it was not trained on, and pair nothing that shares no words.
    let unknown: Vec<Lang> =
        langs.iter().map(|&(l, _)| l).filter(|&l| l.is_known() && !embedder.knows(l)).collect();
    stats.trigram_languages = unknown.iter().map(Lang::to_string).collect();
    let trigrams = (!unknown.is_empty())
        .then(|| TrigramEmbedder::fitted_after(prior.map(|p| p.frequencies), &fit));
    // The embedder embeds the paragraphs of documents in languages it knows.
    let known_order: Vec<u32> = if trigrams.is_some() {
        let mut known = vec![false; n_uniques];
        for d in (0..store.docs.len() as u32).filter(|&d| embedder.knows(doc_langs[d as usize])) {
            for p in store.doc_paragraphs(d).iter().filter(|p| p.kind == Kind::Body) {
                known[p.unique as usize] = true;
            }
        }
        order.iter().copied().filter(|&u| known[u as usize]).collect()
    } else {
        order.clone()
    };
    let vectors = embed_uniques(embedder, &known_order, &texts);
    let trigram_vectors = trigrams.as_ref().map(|t| embed_uniques(t, &order, &texts));
    stats.embedded = known_order.len() as u64;
    stats.trigram_embedded = if trigrams.is_some() { order.len() as u64 } else { 0 };
    // The vectors and threshold that verify a pair of languages.
    let route = |la: Lang, lb: Lang| -> (&[Option<Vector>], f32) {
        match (&trigram_vectors, &trigrams) {
            (Some(v), Some(t)) if !(embedder.knows(la) && embedder.knows(lb)) => {
                (v, t.paragraph_threshold())
            }
            _ => (&vectors, embedder.paragraph_threshold()),
        }
    };

    // Confirmed paragraph links imply article candidates.
    let links: Vec<(u32, u32)> = para_cands
        .par_iter()
        .copied()
        .filter(|&(u, v)| {
            let (vs, threshold) = route(usable[u as usize], usable[v as usize]);
            match (&vs[u as usize], &vs[v as usize]) {
                (Some(a), Some(b)) => a.cosine(b) >= threshold && numbers_agree(store, u, v),
                _ => false,
            }
        })
        .collect();
    stats.paragraph_links = links.len() as u64;
    let mut pairs: Vec<(u32, u32)> = links
        .par_iter()
        .flat_map_iter(|&(u, v)| {
            let (du, dv) = (occ.of(u), occ.of(v));
            du.iter().flat_map(move |&x| {
                dv.iter().filter(move |&&y| y != x).map(move |&y| (x.min(y), x.max(y)))
            })
        })
        .chain(doc_cands.par_iter().copied())
        .filter(|&(a, b)| {
            doc_langs[a as usize] != doc_langs[b as usize]
                && in_window_docs(&doc_span, a, b, window)
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    stats.article_candidates = pairs.len() as u64;

    let align = |&(a, b): &(u32, u32)| {
        let (vs, threshold) = route(doc_langs[a as usize], doc_langs[b as usize]);
        align_pair(store, cfg, vs, &anchor_of, threshold, a, b)
    };
    let mut matches: Vec<ArticleMatch> = pairs.par_iter().filter_map(align).collect();

    // Recall backstop: an embedded article still without a translation looks for its
    // nearest articles in other languages (mean paragraph vectors) within the window —
    // by the embedder's vectors: articles in languages only the trigrams verify have none
    // (their cosines are on another scale), and rely on anchors.
    let doc_vecs = article_vectors(store, &vectors);
    let mut matched = vec![false; store.docs.len()];
    for m in &matches {
        matched[m.a as usize] = true;
        matched[m.b as usize] = true;
    }
    let extra = nearest_articles(store, &doc_vecs, &matched, &doc_span, window, &pairs);
    stats.vector_candidates = extra.len() as u64;
    matches.par_extend(extra.par_iter().filter_map(align));
    Ok((matches, stats))
}

/// Vectors of the unique paragraphs `order` (by unique id; `None` for the others).
fn embed_uniques(
    embedder: &dyn Embedder,
    order: &[u32],
    texts: &[Option<Box<str>>],
) -> Vec<Option<Vector>> {
    let mut vectors: Vec<Option<Vector>> = vec![None; texts.len()];
    let chunks: Vec<Vec<Vector>> = order
        .par_chunks(64)
        .map(|c| {
            let t: Vec<&str> =
                c.iter().map(|&u| texts[u as usize].as_deref().unwrap_or("")).collect();
            embedder.vectors(&t)
        })
        .collect();
    for (u, v) in order.iter().zip(chunks.into_iter().flatten()) {
        vectors[*u as usize] = Some(v);
    }
    vectors
}

/// The score by which an article ranks its translation partners: the summed cosine of its
/// aligned paragraphs.
pub fn partner_score(m: &ArticleMatch) -> f32 {
    m.paragraphs.iter().map(|p| p.similarity).sum()
}

/// Keeps a translated pair only when it is, for at least one of its two articles, the best
/// partner in the other article's language (by [`partner_score`], then id). A translation
/// has one original per language, while one wire story may be translated by many outlets:
/// each of those keeps its own best pair. `prior(d, lang)` is a best partner that document
/// `d` has outside `matches` (its score and the partner's id): an index query knows the
/// stored articles' best partners among the stored ones.
pub fn best_partners(
    store: &Store,
    matches: Vec<ArticleMatch>,
    prior: impl Fn(u32, Lang) -> Option<(f32, String)>,
) -> Vec<ArticleMatch> {
    type Slot<'a> = (f32, std::borrow::Cow<'a, str>, Option<usize>);
    let mut best: AHashMap<(u32, Lang), Slot<'_>> = AHashMap::new();
    for (i, m) in matches.iter().enumerate() {
        for (d, other) in [(m.a, m.b), (m.b, m.a)] {
            let key = (d, store.docs[other as usize].language);
            let cand = (
                partner_score(m),
                std::borrow::Cow::Borrowed(&*store.docs[other as usize].id),
                Some(i),
            );
            let slot = best.entry(key).or_insert_with(|| match prior(key.0, key.1) {
                Some((score, id)) => (score, std::borrow::Cow::Owned(id), None),
                None => (f32::NEG_INFINITY, std::borrow::Cow::Borrowed(""), None),
            });
            if cand.0 > slot.0 || (cand.0 == slot.0 && cand.1 < slot.1) {
                *slot = cand;
            }
        }
    }
    let keep: ahash::AHashSet<usize> = best.values().filter_map(|v| v.2).collect();
    matches.into_iter().enumerate().filter(|(i, _)| keep.contains(i)).map(|(_, m)| m).collect()
}

/// Cosine of two articles' mean paragraph vectors from which they are aligned as a possible
/// translation by the recall backstop.
const ARTICLE_COSINE: f32 = 0.5;
/// Nearest articles in time compared by the backstop, per article.
const NEAREST_IN_TIME: usize = 2000;
/// Partners aligned per article by the backstop.
const BACKSTOP_PARTNERS: usize = 2;

/// Mean of each article's embedded body paragraphs, normalised; `None` when none of its
/// paragraphs was embedded.
fn article_vectors(store: &Store, vectors: &[Option<Vector>]) -> Vec<Option<Box<[f32; DIM]>>> {
    (0..store.docs.len() as u32)
        .into_par_iter()
        .map(|d| {
            let mut sum = [0f32; DIM];
            let mut n = 0;
            for p in store.doc_paragraphs(d).iter().filter(|p| p.kind == Kind::Body) {
                if let Some(v) = &vectors[p.unique as usize] {
                    v.add_to(&mut sum);
                    n += 1;
                }
            }
            (n > 0).then(|| {
                embed::normalize(&mut sum);
                Box::new(sum)
            })
        })
        .collect()
}

/// For every article with a vector and no translation yet: its best partners in other
/// languages by article cosine, among the `NEAREST_IN_TIME` articles closest in time
/// within the window, not already aligned (`done`, sorted).
fn nearest_articles(
    store: &Store,
    vecs: &[Option<Box<[f32; DIM]>>],
    matched: &[bool],
    spans: &[Span],
    window: i64,
    done: &[(u32, u32)],
) -> Vec<(u32, u32)> {
    let mut by_time: Vec<(i64, u32)> = (0..store.docs.len() as u32)
        .filter(|&d| vecs[d as usize].is_some() && store.docs[d as usize].language.is_known())
        .map(|d| (spans[d as usize].map_or(i64::MIN, |s| s.0), d))
        .collect();
    by_time.sort_unstable();
    let pos: AHashMap<u32, usize> = by_time.iter().enumerate().map(|(i, &(_, d))| (d, i)).collect();
    let lang = |d: u32| store.docs[d as usize].language;
    let mut out: Vec<(u32, u32)> = by_time
        .par_iter()
        .filter(|(_, d)| !matched[*d as usize])
        .flat_map_iter(|&(_, d)| {
            let i = pos[&d];
            let lo = i.saturating_sub(NEAREST_IN_TIME / 2);
            let hi = (i + NEAREST_IN_TIME / 2).min(by_time.len());
            let Some(vd) = vecs[d as usize].as_deref() else { return Vec::new() };
            let mut best: Vec<(f32, u32)> = by_time[lo..hi]
                .iter()
                .filter(|&&(_, e)| {
                    e != d
                        && lang(e).is_known()
                        && lang(e) != lang(d)
                        && candidates::in_window(spans[d as usize], spans[e as usize], window)
                })
                .filter_map(|&(_, e)| {
                    let c = cosine(vd, vecs[e as usize].as_deref()?);
                    (c >= ARTICLE_COSINE).then_some((c, e))
                })
                .collect();
            best.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
            best.truncate(BACKSTOP_PARTNERS);
            best.into_iter().map(|(_, e)| (d.min(e), d.max(e))).collect::<Vec<_>>()
        })
        .collect();
    out.par_sort_unstable();
    out.dedup();
    out.retain(|p| done.binary_search(p).is_err());
    out
}

/// Share of body paragraphs outside the main language under which the corpus counts as
/// monolingual with a minority: then only the minority and its likely partners are read again.
const MINORITY_SHARE: f64 = 0.2;

/// Which documents the second pass reads. In a corpus where other languages are a small
/// minority, the main-language documents in the window of a minority document are read if
/// they are few (at most 20 per minority document, plus 200); otherwise a document of the
/// main language is read only if it also shares at least three facts
/// (numbers by value, names — known from the first pass; none found in more than 1 % of
/// documents) with a minority document in the window: a translation's partner shares many.
fn documents_to_read(store: &Store, langs: &[(Lang, u64)], window: i64) -> Vec<bool> {
    let all: Vec<bool> = store.docs.iter().map(|d| d.language.is_known()).collect();
    let known: u64 = langs.iter().filter(|(l, _)| l.is_known()).map(|(_, n)| n).sum();
    let Some(&(main, main_n)) = langs.iter().find(|(l, _)| l.is_known()) else { return all };
    if known == 0 || (known - main_n) as f64 > MINORITY_SHARE * known as f64 {
        return all;
    }
    let facts_of = |d: u32| -> Vec<u32> {
        let mut f: Vec<u32> = store
            .doc_paragraphs(d)
            .iter()
            .filter(|p| p.kind == Kind::Body)
            .flat_map(|p| store.numbers_of(p.unique).iter().copied())
            .collect();
        f.sort_unstable();
        f.dedup();
        f
    };
    let minority: Vec<u32> = (0..store.docs.len() as u32)
        .filter(|&d| {
            store
                .doc_paragraphs(d)
                .iter()
                .any(|p| p.kind == Kind::Body && p.lang.is_known() && p.lang != main)
        })
        .collect();
    // Facts in more than 1 % of documents ("Jan", "15") say nothing about a partner.
    let mut df: AHashMap<u32, u32> = AHashMap::new();
    for d in 0..store.docs.len() as u32 {
        for k in facts_of(d) {
            *df.entry(k).or_default() += 1;
        }
    }
    let common = (store.docs.len() / 100).max(5) as u32;
    let mut index: AHashMap<u32, Vec<u32>> = AHashMap::new();
    for &d in &minority {
        for k in facts_of(d) {
            if df.get(&k).copied().unwrap_or(0) <= common {
                index.entry(k).or_default().push(d);
            }
        }
    }
    let spans: Vec<Span> = store.docs.iter().map(|d| d.published.map(|p| p.bounds())).collect();
    let mut wanted = vec![false; store.docs.len()];
    for &d in &minority {
        wanted[d as usize] = true;
    }
    // When the window alone leaves few partners per dated minority document (a minority
    // from other dates, or a real bilingual collection), read them all; only a minority
    // inside a large same-time corpus, and undated documents (in everybody's window), need
    // the facts filter.
    let dated: Vec<Span> =
        minority.iter().map(|&d| spans[d as usize]).filter(Option::is_some).collect();
    let in_window: Vec<u32> = (0..store.docs.len() as u32)
        .into_par_iter()
        .filter(|&d| {
            all[d as usize]
                && !wanted[d as usize]
                && spans[d as usize].is_some()
                && dated.iter().any(|&m| candidates::in_window(spans[d as usize], m, window))
        })
        .collect();
    let window_only = in_window.len() <= 20 * dated.len() + 200;
    if window_only {
        for &d in &in_window {
            wanted[d as usize] = true;
        }
        if dated.len() == minority.len() {
            return wanted;
        }
    }
    let partners: Vec<u32> = (0..store.docs.len() as u32)
        .into_par_iter()
        .filter(|&d| {
            if wanted[d as usize] || !all[d as usize] {
                return false;
            }
            let mut shared: AHashMap<u32, u32> = AHashMap::new();
            for k in facts_of(d) {
                for &m in index.get(&k).map_or(&[][..], |v| v.as_slice()) {
                    let n = shared.entry(m).or_default();
                    *n += 1;
                    if *n >= 3
                        && candidates::in_window(spans[d as usize], spans[m as usize], window)
                    {
                        return true;
                    }
                }
            }
            false
        })
        .collect();
    for d in partners {
        wanted[d as usize] = true;
    }
    wanted
}

fn in_window_docs(spans: &[Span], a: u32, b: u32, window: i64) -> bool {
    candidates::in_window(spans[a as usize], spans[b as usize], window)
}

/// Numbers present in both paragraphs must agree (half of the smaller side's at least).
fn numbers_agree(store: &Store, u: u32, v: u32) -> bool {
    let (nu, _) = anchors::split_facts(store.numbers_of(u));
    let (nv, _) = anchors::split_facts(store.numbers_of(v));
    nu.is_empty()
        || nv.is_empty()
        || crate::verify::intersection(nu, nv) * 2 >= nu.len().min(nv.len())
}

/// Aligns two articles in different languages; a `translation` match or nothing.
fn align_pair(
    store: &Store,
    cfg: &Config,
    vectors: &[Option<Vector>],
    anchor_of: &[Vec<u32>],
    threshold: f32,
    a: u32,
    b: u32,
) -> Option<ArticleMatch> {
    let body = |d: u32| -> Vec<(u32, u32, u32)> {
        store
            .doc_paragraphs(d)
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind == Kind::Body && vectors[p.unique as usize].is_some())
            .map(|(i, p)| (i as u32, p.unique, p.tokens))
            .collect()
    };
    let (pa, pb) = (body(a), body(b));
    if pa.is_empty() || pb.is_empty() {
        return None;
    }
    let va: Vec<&Vector> = pa.iter().filter_map(|p| vectors[p.1 as usize].as_ref()).collect();
    let vb: Vec<&Vector> = pb.iter().filter_map(|p| vectors[p.1 as usize].as_ref()).collect();
    let matrix = embed::cosine_matrix(&va, &vb);
    let mut cells: Vec<(f32, usize, usize)> = Vec::new();
    for (i, &(_, ua, _)) in pa.iter().enumerate() {
        for (j, &(_, ub, _)) in pb.iter().enumerate() {
            let c = matrix.get(i * pb.len() + j).copied().unwrap_or(0.0);
            if c >= threshold && numbers_agree(store, ua, ub) {
                cells.push((c, i, j));
            }
        }
    }
    cells.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    let (mut used_a, mut used_b) = (vec![false; pa.len()], vec![false; pb.len()]);
    let mut aligned: Vec<(f32, usize, usize)> = Vec::new();
    for c in cells {
        if !used_a[c.1] && !used_b[c.2] {
            used_a[c.1] = true;
            used_b[c.2] = true;
            aligned.push(c);
        }
    }
    let n = aligned.len();
    let smaller = pa.len().min(pb.len());
    // Enough aligned paragraphs: a share of the smaller article, and more than one unless
    // it has a single paragraph.
    if n == 0
        || (n < cfg.translation_min_paragraphs && n < smaller)
        || (n as f64) < cfg.translation_min_share * smaller as f64
    {
        return None;
    }
    let tokens = |ps: &[(u32, u32, u32)], used: &[bool]| -> (u64, u64) {
        ps.iter()
            .zip(used)
            .fold((0, 0), |(t, u), (p, &k)| (t + p.2 as u64, u + if k { p.2 as u64 } else { 0 }))
    };
    let (ta, ua) = tokens(&pa, &used_a);
    let (tb, ub) = tokens(&pb, &used_b);
    let similarity = aligned.iter().map(|c| c.0).sum::<f32>() / n as f32;
    let shared: u32 = aligned
        .iter()
        .map(|c| {
            crate::verify::intersection(
                &anchor_of[pa[c.1].1 as usize],
                &anchor_of[pb[c.2].1 as usize],
            ) as u32
        })
        .sum();
    let (da, db) = (&store.docs[a as usize], &store.docs[b as usize]);
    let order = match (da.published, db.published) {
        (Some(x), Some(y)) => x.surely_cmp(y),
        _ => None,
    };
    let cov_a = if ta == 0 { 0.0 } else { ua as f32 / ta as f32 };
    let cov_b = if tb == 0 { 0.0 } else { ub as f32 / tb as f32 };
    let swap = match order {
        Some(Ordering::Greater) => true,
        Some(_) => false,
        None => (cov_a, &*da.id) > (cov_b, &*db.id),
    };
    let mut paragraphs: Vec<ParagraphMatch> = aligned
        .iter()
        .map(|c| ParagraphMatch { a: pa[c.1].0, b: pb[c.2].0, similarity: c.0 })
        .collect();
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
        relation: Relation::Translation,
        source: order.map(|_| a),
        similarity,
        coverage_a: cov_a,
        coverage_b: cov_b,
        shared,
        paragraphs,
    })
}

//! New articles against an index, decided by the rules of a full run.
//!
//! The goal is that querying articles `Q` against an index of `S` reports exactly the
//! pairs `(q, s)` that `match` over `S ∪ Q` reports. Every step of the pipeline is
//! replayed for the pairs that involve a new article, with the union's counts:
//!
//! 1. the new articles are fingerprinted; a paragraph whose words equal a stored one *is*
//!    that unique paragraph (and a template if it is one);
//! 2. each band key of each new paragraph is looked up in the sorted band tables
//!    (binary search in the memory map); buckets are the union's, so an oversized bucket
//!    links through the same hub as in a full run;
//! 3. candidates are verified on the stored shingle sets with the run's thresholds;
//! 4. article pairs come from the union's occurrence lists (capped by
//!    `max_occurrences` counted over the union), deferred by the same rule;
//! 5. the stored articles involved are loaded into a small store (their stored
//!    fingerprints, not fingerprinted again) and aligned by the same code;
//! 6. neighbour expansion and corroboration use the stored graph of evident matches plus
//!    the new ones.
//!
//! Paragraphs that the new articles complete into outlet templates are found from the
//! stored template evidence and set aside everywhere, as in a full run. Where the two can
//! still differ (the new articles change decisions among stored articles themselves) is
//! listed in ARCHITECTURE.md.
//!
//! 7. translated copy: the new articles and their likely partners in other languages
//!    ([`super::translations`]) go through the translation stage of a full run.

use ahash::{AHashMap, AHashSet};
use rayon::prelude::*;

use super::Index;
use super::format::Section;
use crate::align::ArticleMatch;
use crate::aligner;
use crate::article_pairs::{Link, split_by_evidence};
use crate::cluster;
use crate::corpus::{self, Document, Input, ReadOptions};
use crate::error::{Location, RecordError, RecordProblem, Result};
use crate::fingerprint::{DocFingerprint, Fingerprinter, Kind};
use crate::lsh::KeyWidth;
use crate::pipeline::{Detector, MatchRun, Observer, RunStats, TextOrigin};
use crate::store::{SourceRef, Store};
use crate::texts::TextSource;
use crate::translate::embed::TrigramEmbedder;
use crate::translate::{self, TranslationStats};
use crate::verify::Overlap;

/// Reads documents from inputs (problems go to `obs`; in strict mode the first skipped
/// record is an error).
pub fn read_documents(
    inputs: &[Input],
    read: &ReadOptions,
    detector: &Detector,
    obs: &dyn Observer,
) -> Result<Vec<(Document<'static>, Location)>> {
    let mut out = Vec::new();
    corpus::read_batches(inputs, read, &mut |batch| {
        for rec in batch {
            let parsed = rec.parse(read);
            for p in &parsed.problems {
                detector.note_problem(p, obs)?;
            }
            if let Some(d) = parsed.doc {
                out.push((d.into_owned(), rec.location.clone()));
            }
        }
        Ok(())
    })?;
    Ok(out)
}

/// Evident matches (local ids) and weak pairs (global ids) of one alignment round.
type Aligned = (Vec<ArticleMatch>, Vec<(u32, u32)>);

/// Figures of one query.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct QueryStats {
    /// New articles queried.
    pub queried: u64,
    /// Candidate unique-paragraph pairs from the band tables.
    pub candidates: u64,
    /// Of those, verified.
    pub links: u64,
    /// Article pairs aligned (proposed, neighbours, corroborated).
    pub aligned: u64,
    /// Stored articles loaded for alignment.
    pub stored_loaded: u64,
    /// Paragraphs that become outlet templates only with the new articles.
    pub new_templates: u64,
    /// Stored articles in other languages handed to the translation stage.
    pub translation_partners: u64,
    /// Translated pairs of a new article with a stored one.
    pub translations: u64,
}

/// The unions' view of one unique paragraph involved in a query: stored (`< nu`) or new.
struct Query<'a> {
    index: &'a Index,
    detector: &'a Detector,
    /// The small store: new articles first, then the stored articles loaded.
    local: Store,
    texts: Vec<Option<String>>,
    /// Global document of each local one; stored documents keep their index, new ones
    /// follow (`ns + i`).
    global_of: Vec<u32>,
    local_of: AHashMap<u32, u32>,
    ns: u32,
    nu: u32,
    nq: u32,
    /// Content keys of paragraphs that become outlet templates only with the new articles
    /// (and the stored unique ids among them).
    new_templates: AHashSet<u128>,
    new_template_uids: AHashSet<u32>,
    /// The new documents as added (text left out: it is in `texts`), for the store of the
    /// translation stage.
    new_docs: Vec<(Document<'static>, DocFingerprint, SourceRef, Location)>,
    /// Matches that are not reuse (quote-only, with `--quotes`): reported, but they take
    /// no part in neighbours or corroboration, as in a full run.
    apart: Vec<ArticleMatch>,
    stats: QueryStats,
}

impl Index {
    /// Queries documents against the index with `detector` (whose configuration must be
    /// the index's, see [`Index::check_config`]). Returns a run whose store holds the new
    /// documents and the stored documents involved, and whose matches are the pairs of a
    /// new document with a stored one, sorted by ids.
    pub fn query(
        &self,
        detector: &Detector,
        docs: Vec<(Document<'static>, Location)>,
        obs: &dyn Observer,
    ) -> Result<(MatchRun, QueryStats)> {
        // The full check derives bands × rows from the S-curve (milliseconds): skip it when
        // the detector runs the index's own configuration.
        if detector.config() != &self.config {
            self.check_config(detector.config())?;
        }
        let mut q = Query {
            index: self,
            detector,
            local: Store::new(Vec::new()),
            texts: Vec::new(),
            global_of: Vec::new(),
            local_of: AHashMap::new(),
            ns: self.len() as u32,
            nu: self.data.header.uniques as u32,
            nq: 0,
            new_templates: AHashSet::new(),
            new_template_uids: AHashSet::new(),
            new_docs: Vec::new(),
            apart: Vec::new(),
            stats: QueryStats::default(),
        };
        q.add_new(docs, obs)?;
        q.detect_new_templates();
        q.apply_templates();
        q.run()
    }

    /// Unique paragraph with content key `key`, if stored.
    fn find_key(&self, key: u128) -> Option<u32> {
        let order = self.data.u32s(Section::KeyOrder);
        let (mut lo, mut hi) = (0, order.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let k = self.unique_key(order.get(mid)?)?;
            if k < key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let u = order.get(lo)?;
        (self.unique_key(u)? == key).then_some(u)
    }

    /// The width of the band keys in the band tables.
    pub(crate) fn key_width(&self) -> KeyWidth {
        if self.data.header.key_bits == 48 { KeyWidth::Wide } else { KeyWidth::Narrow }
    }

    /// Stored unique paragraphs whose key in band `b` is `key` (cut to the index's width),
    /// by binary search in the band table.
    fn band_members(&self, b: usize, key: u64) -> Vec<u32> {
        let bands = self.data.u64s(Section::Bands);
        let signed = self.data.header.signed as usize;
        let (lo, hi) = (b * signed, (b + 1) * signed);
        let low = KeyWidth::low(key) as u64;
        let start = bands.lower_bound(lo, hi, low << 32);
        let end =
            if low == u32::MAX as u64 { hi } else { bands.lower_bound(start, hi, (low + 1) << 32) };
        let checks = self.data.bytes(Section::BandChecks);
        let check = KeyWidth::check(key).to_le_bytes();
        (start..end)
            .filter(|&r| {
                self.key_width() == KeyWidth::Narrow
                    || checks.get(2 * r..2 * r + 2) == Some(&check[..])
            })
            .map(|r| bands.get(r).unwrap_or(0) as u32)
            .collect()
    }

    fn unique_key(&self, u: u32) -> Option<u128> {
        let keys = self.data.u64s(Section::UniqueKeys);
        Some((keys.get(2 * u as usize + 1)? as u128) << 64 | keys.get(2 * u as usize)? as u128)
    }

    fn unique_info(&self, u: u32) -> (u32, bool) {
        let info = self.data.u32s(Section::UniqueInfo);
        let flags = info.get(2 * u as usize + 1).unwrap_or(0);
        (info.get(2 * u as usize).unwrap_or(0), flags & crate::store::Unique::TEMPLATE as u32 != 0)
    }

    /// The shingles the stored run found recurring across news cycles.
    pub(crate) fn recurring_shingles(&self) -> Vec<u32> {
        let r = self.data.u32s(Section::Recurring);
        r.range(0, r.len())
    }

    /// The stored trigram frequencies ([`Section::TrigramFrequencies`]; `None` only for
    /// an empty section). Read once per opened index (at most 50,653 counts) and shared
    /// by its queries.
    pub(crate) fn trigram_frequencies(&self) -> Result<Option<std::sync::Arc<TrigramEmbedder>>> {
        if let Some(loaded) = self.trigrams.get() {
            return Ok(loaded.clone());
        }
        let rows = self.data.u64s(Section::TrigramFrequencies);
        let loaded = if rows.is_empty() {
            None
        } else {
            let f = TrigramEmbedder::from_rows((0..rows.len()).map(|i| rows.get(i).unwrap_or(0)))
                .ok_or_else(|| {
                self.data.malformed(
                    Section::TrigramFrequencies,
                    "a trigram out of range or out of order",
                )
            })?;
            Some(std::sync::Arc::new(f))
        };
        Ok(self.trigrams.get_or_init(|| loaded).clone())
    }

    /// The stored run's boilerplate vocabulary, if it learned one.
    pub(crate) fn vocabulary(&self) -> Option<crate::vocabulary::Vocabulary> {
        // The first row is the value of unseen words (see build.rs).
        let v = self.data.u64s(Section::Vocabulary);
        let unseen = f32::from_bits(v.get(0)? as u32);
        Some(crate::vocabulary::Vocabulary::from_pairs(
            (1..v.len())
                .filter_map(|i| v.get(i))
                .map(|x| ((x >> 32) as u32, f32::from_bits(x as u32))),
            unseen,
        ))
    }

    fn stored_set(&self, u: u32) -> Vec<u32> {
        let off = self.data.u64s(Section::ShingleOffsets);
        match (off.get(u as usize), off.get(u as usize + 1)) {
            (Some(s), Some(e)) => self.data.u32s(Section::Shingles).range(s as usize, e as usize),
            _ => Vec::new(),
        }
    }

    fn stored_occurrences(&self, u: u32) -> Vec<u32> {
        let off = self.data.u32s(Section::OccurrenceOffsets);
        match (off.get(u as usize), off.get(u as usize + 1)) {
            // Ids are checked against the document count: a query must not take a
            // stored document for a new one.
            (Some(s), Some(e)) => {
                let mut v = self.data.u32s(Section::Occurrences).range(s as usize, e as usize);
                v.retain(|&d| (d as usize) < self.len());
                v
            }
            _ => Vec::new(),
        }
    }

    /// Contexts of stored articles of outlet `o` carrying unique paragraph `u` (which is
    /// not a template).
    fn stored_template_contexts(&self, u: u32, o: u32) -> Vec<u64> {
        let rows = self.data.u64s(Section::TemplateRows);
        let key = (u as u64) << 32 | o as u64;
        let n = rows.len() / 2;
        let mut lo = rows.lower_bound_rows(0, n, 2, key);
        let mut out = Vec::new();
        while lo < n && rows.get(2 * lo) == Some(key) {
            out.extend(rows.get(2 * lo + 1));
            lo += 1;
        }
        out
    }

    /// Body tokens of stored document `d`, paragraphs in `templates` (new templates) not
    /// counted.
    fn stored_body_tokens(&self, d: u32, templates: &AHashSet<u32>) -> u64 {
        let dp = self.data.u32s(Section::DocParagraphs);
        let (Some(s), Some(e)) = (dp.get(d as usize), dp.get(d as usize + 1)) else { return 0 };
        let paras = self.data.u32s(Section::Paragraphs);
        (s..e)
            .filter(|&p| paras.get(p as usize * 6 + 4) == Some(0))
            .filter(|&p| {
                templates.is_empty()
                    || !paras.get(p as usize * 6 + 3).is_some_and(|u| templates.contains(&u))
            })
            .map(|p| paras.get(p as usize * 6 + 2).unwrap_or(0) as u64)
            .sum()
    }

    /// Evident matches of stored document `d` in rounds `rounds`: (other, own paragraphs).
    fn stored_adjacency(&self, d: u32, rounds: &[u32]) -> Vec<(u32, Vec<u32>)> {
        let off = self.data.u32s(Section::AdjacencyOffsets);
        let (Some(s), Some(e)) = (off.get(d as usize), off.get(d as usize + 1)) else {
            return Vec::new();
        };
        let adj = self.data.u32s(Section::Adjacency);
        let paras = self.data.u32s(Section::AdjacencyParagraphs);
        (s as usize..e as usize)
            .filter_map(|i| {
                let e = adj.range(4 * i, 4 * i + 4);
                (e.len() == 4 && rounds.contains(&e[1]))
                    .then(|| (e[0], paras.range(e[2] as usize, e[2] as usize + e[3] as usize)))
            })
            .collect()
    }
}

impl Query<'_> {
    /// Fingerprints and adds the new documents; ids already stored are reported as
    /// duplicates, like a second record with the same id in `match`.
    fn add_new(
        &mut self,
        docs: Vec<(Document<'static>, Location)>,
        obs: &dyn Observer,
    ) -> Result<()> {
        let shingler = self.detector.shingler();
        let fps: Vec<DocFingerprint> = docs
            .par_iter()
            .map_init(
                || Fingerprinter::new(shingler),
                |f, (d, _)| f.fingerprint_lang(&d.text, d.lang.as_deref()),
            )
            .collect();
        for ((doc, loc), fp) in docs.into_iter().zip(fps) {
            let source = SourceRef { input: 0, line: loc.line, offset: 0 };
            let problem = match self.index.find_id(&doc.id)? {
                Some((_, first)) => {
                    Some(RecordProblem::DuplicateId { id: doc.id.to_string(), first })
                }
                None => self.local.add(&doc, fp.clone(), source, &loc).err(),
            };
            match problem {
                Some(problem) => {
                    self.detector.note_problem(&RecordError { location: loc, problem }, obs)?;
                }
                None => {
                    self.global_of.push(self.ns + self.nq);
                    self.nq += 1;
                    let mut doc = doc;
                    let text = std::mem::take(&mut doc.text).into_owned();
                    self.texts.push(Some(text));
                    self.new_docs.push((doc, fp, source, loc));
                }
            }
        }
        self.stats.queried = self.nq as u64;
        Ok(())
    }

    /// Finds the paragraphs that the new articles make outlet templates: those an outlet
    /// then prints with enough different contexts, counting the stored evidence
    /// ([`Section::TemplateRows`]) and the new articles' (same rule as
    /// [`Store::mark_templates`], before any template is marked).
    fn detect_new_templates(&mut self) {
        let index = self.index;
        let (nu, local) = (self.nu, &self.local);
        let gid: Vec<u32> = (0..local.uniques.len() as u32)
            .map(|j| index.find_key(local.uniques[j as usize].key).unwrap_or(nu + j))
            .collect();
        let stored_outlets = index.outlets.len() as u32;
        // (unique, outlet, context, local unique) of the new articles' body paragraphs.
        let mut rows: Vec<(u32, u32, u64, u32)> = Vec::new();
        for d in 0..self.nq {
            let Some(lo) = local.docs[d as usize].outlet else { continue };
            let name = &*local.outlets[lo as usize];
            let o = index.outlets.get(name).copied().unwrap_or(stored_outlets + lo);
            let contexts = crate::store::template_contexts(
                local.doc_paragraphs(d),
                |p| p.kind == Kind::Body,
                |u| gid[u as usize],
                |u| local.uniques[u as usize].key,
            );
            rows.extend(contexts.into_iter().map(|(u, c)| (gid[u as usize], o, c, u)));
        }
        rows.sort_unstable();
        rows.dedup_by_key(|r| (r.0, r.1, r.2));
        let min = self.detector.config().template_min_articles.max(2);
        let mut i = 0;
        while i < rows.len() {
            let (g, o) = (rows[i].0, rows[i].1);
            let mut j = i;
            while j < rows.len() && rows[j].0 == g && rows[j].1 == o {
                j += 1;
            }
            let already = g < nu && index.unique_info(g).1;
            if !already {
                let mut contexts: Vec<u64> = rows[i..j].iter().map(|r| r.2).collect();
                if g < nu && o < stored_outlets {
                    contexts.extend(index.stored_template_contexts(g, o));
                }
                contexts.sort_unstable();
                contexts.dedup();
                if contexts.len() >= min {
                    self.new_templates.insert(local.uniques[rows[i].3 as usize].key);
                    if g < nu {
                        self.new_template_uids.insert(g);
                    }
                }
            }
            i = j;
        }
        self.stats.new_templates = self.new_templates.len() as u64;
    }

    /// Marks local unique paragraphs that are stored templates.
    fn apply_templates(&mut self) {
        let templates = self.templates_in(&self.local);
        self.local.set_templates(&templates);
        self.local.set_recurring(self.index.recurring_shingles());
        self.local.set_vocabulary(self.index.vocabulary());
    }

    /// Unique paragraphs of `store` that are outlet templates in the union: stored ones,
    /// and those the new articles complete.
    fn templates_in(&self, store: &Store) -> Vec<u32> {
        let index = self.index;
        (0..store.uniques.len() as u32)
            .filter(|&j| !store.uniques[j as usize].is_template())
            .filter(|&j| {
                let key = store.uniques[j as usize].key;
                self.new_templates.contains(&key)
                    || index.find_key(key).is_some_and(|u| index.unique_info(u).1)
            })
            .collect()
    }

    /// Adds stored documents `wanted` (global ids, distinct) to `store`, their texts to
    /// `texts`.
    fn load_into(
        &self,
        store: &mut Store,
        texts: &mut Vec<Option<String>>,
        wanted: &[u32],
    ) -> Result<()> {
        let docs = self.index.docs();
        let loaded: Vec<_> = wanted.par_iter().map(|&d| docs.load(d)).collect::<Result<_>>()?;
        for l in loaded {
            let doc = l.record.document();
            store.add(&doc, l.fingerprint, l.source, &l.location).map_err(|p| {
                self.index.data.malformed(Section::Docs, format!("{}: {p}", l.location))
            })?;
            texts.push(Some(l.record.text.into_owned()));
        }
        Ok(())
    }

    /// Loads stored documents `docs` (global ids) into the local store.
    fn load(&mut self, docs: impl IntoIterator<Item = u32>) -> Result<()> {
        let mut wanted: Vec<u32> =
            docs.into_iter().filter(|&d| d < self.ns && !self.local_of.contains_key(&d)).collect();
        wanted.sort_unstable();
        wanted.dedup();
        if wanted.is_empty() {
            return Ok(());
        }
        let (mut local, mut texts) =
            (std::mem::take(&mut self.local), std::mem::take(&mut self.texts));
        let loaded = self.load_into(&mut local, &mut texts, &wanted);
        (self.local, self.texts) = (local, texts);
        loaded?;
        for d in wanted {
            let at = self.global_of.len() as u32;
            self.local_of.insert(d, at);
            self.global_of.push(d);
            self.stats.stored_loaded += 1;
        }
        self.apply_templates();
        Ok(())
    }

    /// Translated copy between the new articles and stored articles in other languages:
    /// the new articles and their likely partners ([`super::translations::partners`]) go
    /// through the translation stage of a full run, in a store of their own (the stored
    /// articles aligned for same-language reuse need not be embedded); the pairs of a new
    /// article with a stored one are kept, with their documents in the local store.
    fn translations(&mut self) -> Result<(Vec<ArticleMatch>, TranslationStats)> {
        let cfg = self.detector.config().clone();
        if !cfg.translation {
            let skipped =
                TranslationStats { skipped: Some("disabled".into()), ..Default::default() };
            return Ok((Vec::new(), skipped));
        }
        let partners =
            super::translations::partners(self.index, &self.local, &self.texts, self.nq, &cfg);
        self.stats.translation_partners = partners.len() as u64;
        if partners.is_empty() {
            // Pairs among the new articles are not reported: nothing to embed.
            let skipped = TranslationStats {
                skipped: Some("no stored article in another language shares anchors".into()),
                ..Default::default()
            };
            return Ok((Vec::new(), skipped));
        }
        let mut store = Store::new(Vec::new());
        let mut texts: Vec<Option<String>> = self.texts[..self.nq as usize].to_vec();
        for (doc, fp, source, loc) in &self.new_docs {
            store.add(doc, fp.clone(), *source, loc).map_err(|p| {
                crate::error::Error::Record(RecordError { location: loc.clone(), problem: p })
            })?;
        }
        self.load_into(&mut store, &mut texts, &partners)?;
        store.set_templates(&self.templates_in(&store));
        store.set_recurring(self.index.recurring_shingles());
        store.set_vocabulary(self.index.vocabulary());
        // Trigram weights as in a full run over the stored and the new articles: the
        // stored frequencies, plus the paragraphs the index does not hold.
        let frequencies = self.index.trigram_frequencies()?;
        // Counted there: a paragraph the index holds as body text of a document in a known
        // language (what the build counted).
        let counted: Vec<bool> = store
            .uniques
            .iter()
            .map(|u| {
                self.index.find_key(u.key).is_some_and(|g| {
                    self.index
                        .stored_occurrences(g)
                        .iter()
                        .any(|&d| self.index.doc_info(d).0.is_known())
                })
            })
            .collect();
        let prior = frequencies
            .as_ref()
            .map(|frequencies| translate::Prior { frequencies, counted: &counted });
        let (found, mut stats) = translate::aligned(
            &store,
            &TextSource::Memory(&texts),
            &cfg,
            self.detector.embedder(),
            prior,
        )?;
        // The best-partner rule, with what the stored articles already have: a stored
        // article keeps its pair with a new one only if the new one beats its best partner
        // among the stored articles (or the pair is the new article's best).
        let nq = self.nq;
        let ns = self.ns;
        let global = |d: u32| if d < nq { ns + d } else { partners[(d - nq) as usize] };
        let mut priors: AHashMap<(u32, crate::lang::Lang), Option<(f32, String)>> = AHashMap::new();
        // Scores of another embedder are on another scale: then the stored articles'
        // partners cannot be compared, and the query says so.
        let stored_embedder = self.index.translation_embedder()?;
        let comparable = stored_embedder.is_empty() || stored_embedder == stats.embedder;
        if !comparable {
            let note = format!(
                "the index's translated pairs were scored by {stored_embedder}, not {}: their \
                 scores cannot rank the new pairs, so each stored article's best partner \
                 among the stored ones is not taken into account (build the index with the \
                 same embedder)",
                stats.embedder
            );
            stats.note = Some(match stats.note {
                Some(n) => format!("{n}; {note}"),
                None => note,
            });
        }
        for m in found.iter().filter(|_| comparable) {
            for (d, other) in [(m.a, m.b), (m.b, m.a)] {
                let lang = store.docs[other as usize].language;
                if d >= nq && !priors.contains_key(&(d, lang)) {
                    priors.insert((d, lang), self.index.translation_best(global(d), lang)?);
                }
            }
        }
        let found = translate::best_partners(&store, found, |d, lang| {
            priors.get(&(d, lang)).cloned().flatten()
        });
        let found: Vec<ArticleMatch> =
            found.into_iter().filter(|m| (m.a < nq) != (m.b < nq)).collect();
        stats.matches = found.len() as u64;
        // Translation-store ids → local ids (partners are loaded into the local store).
        let involved: Vec<u32> =
            found.iter().flat_map(|m| [m.a, m.b]).filter(|&d| d >= nq).map(global).collect();
        self.load(involved)?;
        let to_local = |d: u32| self.local(global(d));
        Ok((
            found
                .into_iter()
                .map(|m| ArticleMatch {
                    a: to_local(m.a),
                    b: to_local(m.b),
                    source: m.source.map(to_local),
                    ..m
                })
                .collect(),
            stats,
        ))
    }

    fn local(&self, g: u32) -> u32 {
        if g >= self.ns { g - self.ns } else { self.local_of.get(&g).copied().unwrap_or(u32::MAX) }
    }

    /// Aligns global pairs; evident matches and weak pairs (global), like the pipeline.
    fn align(&mut self, pairs: &[(u32, u32)], keep_all: bool) -> Result<Aligned> {
        self.load(pairs.iter().flat_map(|&(x, y)| [x, y]))?;
        let cfg = self.detector.config();
        let local: Vec<(u32, u32)> = pairs
            .iter()
            .map(|&(x, y)| {
                let (a, b) = (self.local(x), self.local(y));
                (a.min(b), a.max(b))
            })
            .collect();
        self.stats.aligned += local.len() as u64;
        let g = &self.global_of;
        let out =
            aligner::align_pairs(&self.local, cfg, &local, self.detector.view_budget(), |m| {
                if keep_all || !cfg.corroborate || m.self_evident(cfg) || !m.relation.is_reuse() {
                    Ok(m)
                } else {
                    let (a, b) = (g[m.a as usize], g[m.b as usize]);
                    Err((a.min(b), a.max(b)))
                }
            });
        let (mut evident, mut weak) = (Vec::new(), Vec::new());
        for o in out {
            match o {
                // A match resting on corroboration (keep_all) that is not reuse is dropped,
                // as the pipeline drops it.
                Ok(m) if !m.relation.is_reuse() => {
                    if !keep_all {
                        self.apart.push(m);
                    }
                }
                Ok(m) => evident.push(m),
                Err(p) => weak.push(p),
            }
        }
        Ok((evident, weak))
    }

    /// Global ends of a local match, with each end's own aligned paragraphs.
    fn ends(&self, m: &ArticleMatch) -> [(u32, u32, Vec<u32>); 2] {
        let (a, b) = (self.global_of[m.a as usize], self.global_of[m.b as usize]);
        [(a, b, m.own_paragraphs(true)), (b, a, m.own_paragraphs(false))]
    }

    fn run(mut self) -> Result<(MatchRun, QueryStats)> {
        let cfg = self.detector.config().clone();
        let (ns, nu) = (self.ns, self.nu);
        let index = self.index;
        let nl = self.local.uniques.len() as u32;
        // Global unique id of each local unique of the new documents.
        let gid: Vec<u32> = (0..nl)
            .map(|j| index.find_key(self.local.uniques[j as usize].key).unwrap_or(nu + j))
            .collect();
        // New documents per global unique (body occurrences).
        let mut qocc: AHashMap<u32, Vec<u32>> = AHashMap::new();
        for p in &self.local.paragraphs {
            if p.kind == Kind::Body {
                qocc.entry(gid[p.unique as usize]).or_default().push(ns + p.doc);
            }
        }
        for v in qocc.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        let occ = |g: u32| -> Vec<u32> {
            let mut v = if g < nu { index.stored_occurrences(g) } else { Vec::new() };
            if let Some(q) = qocc.get(&g) {
                v.extend_from_slice(q);
            }
            if v.len() > cfg.max_occurrences { Vec::new() } else { v }
        };
        let eligible = self.local.signed(cfg.shingle_size);

        // Band keys of the new paragraphs, at the index's width; the new (not stored) ones
        // per band, by key.
        let params = self.detector.lsh_params();
        let hasher = self.detector.hasher();
        let width = index.key_width();
        let keys: Vec<Vec<u64>> = eligible
            .iter()
            .map(|&j| {
                let sig = hasher.sign(self.local.set(j));
                (0..params.bands).map(|b| width.cut(params.band_key(&sig, b))).collect()
            })
            .collect();
        let mut fresh: Vec<Vec<(u64, u32)>> = vec![Vec::new(); params.bands];
        for (i, &j) in eligible.iter().enumerate() {
            if gid[j as usize] >= nu {
                for (b, f) in fresh.iter_mut().enumerate() {
                    f.push((keys[i][b], gid[j as usize]));
                }
            }
        }
        fresh.iter_mut().for_each(|f| f.sort_unstable());
        let rank = |g: u32| {
            if g < nu {
                index.unique_key(g).unwrap_or(u128::MAX)
            } else {
                self.local.uniques[(g - nu) as usize].key
            }
        };
        let mut cands: Vec<(u32, u32)> = Vec::new();
        for (i, &j) in eligible.iter().enumerate() {
            let g = gid[j as usize];
            for b in 0..params.bands {
                let k = keys[i][b];
                let stored = index.band_members(b, k);
                let f = &fresh[b];
                let fs = f.partition_point(|e| e.0 < k);
                let fe = f.partition_point(|e| e.0 <= k);
                // Stored paragraphs that the new articles make templates are not indexed
                // in a full run over both.
                let dropped = &self.new_template_uids;
                let members = stored
                    .iter()
                    .copied()
                    .filter(|&m| m < nu && (dropped.is_empty() || !dropped.contains(&m)))
                    .chain(f[fs..fe].iter().map(|e| e.1));
                crate::lsh::pairs_of_member(g, members, cfg.max_bucket, rank, &mut cands);
            }
        }
        cands.sort_unstable();
        cands.dedup();
        self.stats.candidates = cands.len() as u64;

        // Verify on exact sets.
        let local = &self.local;
        let set = |g: u32| if g < nu { index.stored_set(g) } else { local.set(g - nu).to_vec() };
        let tokens = |g: u32| {
            if g < nu { index.unique_info(g).0 } else { local.uniques[(g - nu) as usize].tokens }
        };
        let links: Vec<Link> = cands
            .par_iter()
            .filter_map(|&(u, v)| {
                let o = Overlap::of(&set(u), &set(v));
                o.accepted(&cfg).then(|| Link { u, v, overlap: o, tokens: (tokens(u), tokens(v)) })
            })
            .collect();
        self.stats.links = links.len() as u64;

        // Article pairs with at least one new document, as `article_pairs::candidates`.
        let mut now: Vec<(u32, u32)> = Vec::new();
        for &j in &eligible {
            let docs = occ(gid[j as usize]);
            for x in 0..docs.len() {
                for &y in &docs[x + 1..] {
                    if y >= ns {
                        now.push((docs[x], y));
                    }
                }
            }
        }
        let occs: Vec<(Vec<u32>, Vec<u32>)> =
            links.iter().map(|link| (occ(link.u), occ(link.v))).collect();
        let mut body: AHashMap<u32, u64> = AHashMap::new();
        // Only links that reach a new document propose anything.
        let reaching = occs.iter().filter(|(du, dv)| du.iter().chain(dv).any(|&d| d >= ns));
        for d in reaching.flat_map(|(du, dv)| du.iter().chain(dv)).copied() {
            body.entry(d).or_insert_with(|| {
                if d >= ns {
                    super::build::body_tokens(local, d - ns)
                } else {
                    index.stored_body_tokens(d, &self.new_template_uids)
                }
            });
        }
        let body = |d: u32| body.get(&d).copied().unwrap_or(0);
        // Pairs of two stored documents are the stored run's.
        let by_link: Vec<_> = links
            .iter()
            .zip(&occs)
            .enumerate()
            .flat_map(|(l, (link, (du, dv)))| {
                crate::article_pairs::link_proposals(&cfg, l as u32, link, du, dv, body)
            })
            .filter(|e| e.0.1 >= ns)
            .collect();
        let (now, mut deferred) = split_by_evidence(now, by_link);

        // Round 1.
        let (mut evident, mut weak) = self.align(&now, false)?;
        // Neighbours: articles evidently matching a common third one, where the third one
        // has a new match (the stored-only neighbourhoods are already in the index).
        let mut adj: AHashMap<u32, Vec<(u32, Vec<u32>)>> = AHashMap::new();
        for m in &evident {
            for (t, other, own) in self.ends(m) {
                adj.entry(t).or_default().push((other, own));
            }
        }
        let mut extra: Vec<(u32, u32)> = Vec::new();
        let mut centres: Vec<u32> = adj.keys().copied().collect();
        centres.sort_unstable();
        for t in centres {
            let mut a = adj.get(&t).cloned().unwrap_or_default();
            if t < ns {
                a.extend(index.stored_adjacency(t, &[1]));
            }
            crate::article_pairs::centre_pairs(
                &a,
                cfg.max_neighbours,
                |p, q| p >= ns || q >= ns,
                |p, q| extra.push((p.min(q), p.max(q))),
            );
        }
        extra.sort_unstable();
        extra.dedup();
        extra.retain(|p| now.binary_search(p).is_err());
        deferred.retain(|p| extra.binary_search(p).is_err());
        let (found, found_weak) = self.align(&extra, false)?;
        evident.extend(found);
        weak.extend(found_weak);
        weak.extend(deferred);

        // Listing pages' matches and articles telling different stories are not reuse,
        // decided by the full run's rule (`split_stories`). A listing page's other stored
        // matches are not looked at (see ARCHITECTURE.md); a match between different
        // stories, though, stands when what it shares is a story's, and the stored run's
        // matches of its stored articles may say so: their other articles are loaded here
        // (`split_stories` cannot load) to tell whether those matches are of one story.
        let mut vouching: Vec<u32> = Vec::new();
        for m in &evident {
            if crate::headline::different_stories(&self.local, m.a, m.b) {
                for d in [m.a, m.b] {
                    let g = self.global_of[d as usize];
                    if g < ns {
                        vouching
                            .extend(index.stored_adjacency(g, &[1, 2]).into_iter().map(|e| e.0));
                    }
                }
            }
        }
        self.load(vouching)?;
        let (local, global_of, local_of) = (&self.local, &self.global_of, &self.local_of);
        let told_elsewhere = |d: u32, own: &[u32]| {
            let g = global_of[d as usize];
            g < ns
                && index.stored_adjacency(g, &[1, 2]).into_iter().any(|(c, theirs)| {
                    own.iter().any(|p| theirs.contains(p))
                        && local_of
                            .get(&c)
                            .is_some_and(|&c| !crate::headline::different_stories(local, d, c))
                })
        };
        let split = crate::pipeline::split_stories(local, evident, &cfg, told_elsewhere);
        let listings = split.listings;
        evident = split.kept;

        // Corroboration: weak pairs whose two articles evidently match a common third one.
        if !weak.is_empty() {
            let mut nbrs: AHashMap<u32, AHashSet<u32>> = AHashMap::new();
            for m in &evident {
                for (t, other, _) in self.ends(m) {
                    nbrs.entry(t).or_default().insert(other);
                }
            }
            // Each end's neighbours once (an article is an end of many weak pairs).
            let mut ends: Vec<u32> = weak.iter().flat_map(|&(x, y)| [x, y]).collect();
            ends.sort_unstable();
            ends.dedup();
            let lists: AHashMap<u32, Vec<u32>> = ends
                .into_iter()
                .map(|t| {
                    let mut s: Vec<u32> = nbrs.get(&t).into_iter().flatten().copied().collect();
                    if t < ns {
                        s.extend(index.stored_adjacency(t, &[1, 2]).into_iter().map(|e| e.0));
                    }
                    s.sort_unstable();
                    s.dedup();
                    (t, s)
                })
                .collect();
            let of = |t: u32| std::borrow::Cow::Borrowed(lists.get(&t).map_or(&[][..], |s| &s[..]));
            let kept = crate::article_pairs::corroborated_by(&weak, of);
            let (found, _) = self.align(&kept, true)?;
            evident.extend(found);
        }

        evident.extend(listings);
        evident.append(&mut self.apart);

        // Pairs of a new article with a stored one.
        let nq = self.nq;
        let is_new = |l: u32| l < nq;
        let mut matches: Vec<ArticleMatch> =
            evident.into_iter().filter(|m| is_new(m.a) != is_new(m.b)).collect();
        let (translated, tstats) = self.translations()?;
        self.stats.translations = translated.len() as u64;
        matches.extend(translated);
        let store = &self.local;
        matches.sort_by(|m, n| {
            let id = |d: u32| &store.docs[d as usize].id;
            (id(m.a), id(m.b)).cmp(&(id(n.a), id(n.b)))
        });
        let stories = cluster::stories(&self.local, &matches);
        let stats = RunStats {
            corpus: self.local.stats(),
            article_pairs: matches.len() as u64,
            relations: crate::pipeline::relation_counts(&matches),
            stories: stories.len() as u64,
            translation: tstats,
            ..Default::default()
        };
        let qstats = self.stats.clone();
        Ok((
            MatchRun {
                queried: nq,
                config: cfg,
                store: self.local,
                matches,
                stories,
                stats,
                text_origin: TextOrigin::Memory(self.texts),
                evident: Vec::new(),
            },
            qstats,
        ))
    }
}

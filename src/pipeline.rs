//! The whole run: corpus → paragraphs → shingles → signatures → index → matches → stories.
//!
//! | stage | parallel over | cost |
//! |---|---|---|
//! | read + fingerprint | documents (rayon, per-thread scratch) | O(bytes) |
//! | merge, dedup, templates | one thread, input order | O(paragraphs) |
//! | sign + band keys | unique paragraphs | O(shingles · num_perm) |
//! | candidates | bands (each owns its column) | O(n log n · bands + pairs) |
//! | verify | candidate pairs | O(shingles of the pair) |
//! | article pairs | unique paragraphs | O(pairs emitted) |
//! | align | article pairs | O(shingles of the two articles) |
//! | stories | one thread | O(pairs α(n)) |
//!
//! Every parallel stage writes into its own slot and everything is sorted before it is
//! read, so the output does not depend on the number of threads; ties are broken by
//! content keys and document ids, never by input position, so it does not depend on the
//! order of the inputs either.

use std::time::Instant;

use rayon::prelude::*;

use crate::align::{ArticleMatch, Relation};
use crate::aligner;
use crate::article_pairs::Proposed;
use crate::cluster::Story;
use crate::config::Config;
use crate::corpus::{self, Document, Input, ReadOptions};
use crate::error::{Error, RecordError, Result};
use crate::fingerprint::{DocFingerprint, Fingerprinter};
use crate::listing;
use crate::lsh::{CandidateStats, KeyWidth, LshParams};
use crate::minhash::MinHasher;
use crate::shingle::Shingler;
use crate::store::{SourceRef, Store, StoreStats};
use crate::texts::{self, TextSource};
use crate::translate::{TranslationStats, embed::EmbedderChoice};

mod stages;

/// Receives what happens during a run (the library never prints).
pub trait Observer: Sync {
    /// A record problem (skipped record or repaired warning), as soon as it is found.
    fn problem(&self, _e: &RecordError) {}
    /// A stage starts.
    fn stage(&self, _name: &'static str) {}
    /// Bytes of input records processed so far (monotonic).
    fn progress(&self, _bytes: u64) {}
}

/// An observer that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct Quiet;

impl Observer for Quiet {}

/// Figures of a run.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RunStats {
    /// Records skipped because of a problem.
    pub records_skipped: u64,
    /// Records kept with a repaired problem (warnings).
    pub records_repaired: u64,
    /// What was read.
    pub corpus: StoreStats,
    /// Unique paragraphs signed and indexed.
    pub signed: u64,
    /// LSH bands × rows used.
    pub lsh: Option<LshParams>,
    /// Width of the band keys.
    pub key_width: Option<KeyWidth>,
    /// Candidate generation figures.
    pub candidates: CandidateStats,
    /// Candidate paragraph pairs accepted (Jaccard ≥ threshold or containment).
    pub paragraph_pairs: u64,
    /// Verified paragraph pairs by Jaccard decile (`[0]`: below 0.1 … `[9]`: 0.9 and up).
    pub jaccard_deciles: [u64; 10],
    /// Paragraphs printed in more than `max_occurrences` documents, not expanded.
    pub frequent_paragraphs: u64,
    /// Article pairs proposed for alignment.
    pub article_candidates: u64,
    /// Of those, pairs deferred as resting on one reworded paragraph (aligned only if
    /// corroborated).
    pub deferred_candidates: u64,
    /// Article pairs proposed because both match a common third article.
    pub neighbour_candidates: u64,
    /// Of those, pairs that matched.
    pub neighbour_pairs: u64,
    /// Matches of listing pages with the stories they list (see [`crate::listing`]): not
    /// reuse, reported only with [`Config::listings`].
    pub listing_pairs: u64,
    /// Matches of articles whose headlines tell different stories (see
    /// [`crate::headline`]): what they share is furniture, not reuse.
    pub different_stories: u64,
    /// Whether the corpus's boilerplate vocabulary was learned (see [`crate::vocabulary`]).
    pub vocabulary: bool,
    /// Matches aligned again because recurring text or furniture words took evidence
    /// from them.
    pub realigned: u64,
    /// Shingles that recur across news cycles in several outlets' articles (see
    /// [`crate::recurring`]): no evidence of reuse.
    pub recurring_shingles: u64,
    /// Paragraph occurrences set aside as made mostly of such shingles.
    pub recurring_paragraphs: u64,
    /// Matches resting on one reworded paragraph that no common third article
    /// corroborated, set aside (see [`Config::corroborate`]).
    pub uncorroborated: u64,
    /// Article pairs matched.
    pub article_pairs: u64,
    /// Matched pairs per relation, in relation order (see [`relation_counts`]).
    pub relations: Vec<(Relation, u64)>,
    /// Stories (connected groups of matched articles).
    pub stories: u64,
    /// The translation stage.
    pub translation: TranslationStats,
    /// Wall seconds per stage.
    pub seconds: Vec<(&'static str, f64)>,
    /// Resident memory in bytes after each stage of `seconds` (0 where unknown).
    pub resident: Vec<u64>,
}

impl RunStats {
    /// Verified paragraph pairs with Jaccard of at least `tenths / 10`.
    pub fn paragraph_pairs_at_least(&self, tenths: usize) -> u64 {
        self.jaccard_deciles[tenths.min(10)..].iter().sum()
    }
}

/// The result of a run.
#[derive(Debug)]
pub struct MatchRun {
    /// The configuration used.
    pub config: Config,
    /// The fingerprinted corpus (document metadata, paragraphs).
    pub store: Store,
    /// Matched article pairs, sorted by (id of a, id of b).
    pub matches: Vec<ArticleMatch>,
    /// Stories, largest first.
    pub stories: Vec<Story>,
    /// Figures.
    pub stats: RunStats,
    /// For an index query, the number of queried (new) articles: they are the store's
    /// first documents, and every match pairs one of them with a stored one. 0 for a run.
    pub queried: u32,
    /// Where the documents' texts can be read again (for quoting paragraphs).
    pub(crate) text_origin: TextOrigin,
    /// The matches that were evident when neighbours were expanded and weak pairs
    /// corroborated, as `(lower doc, higher doc, round)`, sorted; round 1 = proposed by
    /// the index, 2 = by neighbour expansion. A persistent index keeps them so that a
    /// query can apply the same rules (see [`crate::index`]).
    pub(crate) evident: Vec<(u32, u32, u8)>,
}

/// How a finished run can get its documents' texts back.
#[derive(Debug, Clone)]
pub(crate) enum TextOrigin {
    Inputs(Vec<Input>, ReadOptions),
    Memory(Vec<Option<String>>),
}

impl MatchRun {
    /// The text of document `d` when the run kept it in memory (standard input, or a
    /// detector built [`Detector::with_kept_texts`]).
    pub fn kept_text(&self, d: u32) -> Option<&str> {
        match &self.text_origin {
            TextOrigin::Memory(t) => t.get(d as usize).and_then(|t| t.as_deref()),
            TextOrigin::Inputs(..) => None,
        }
    }

    /// The texts of documents `docs`, read again from the inputs (or from memory when the
    /// input could not be read twice). Documents whose text is unavailable are absent.
    pub fn texts(&self, docs: &[u32]) -> Result<ahash::AHashMap<u32, String>> {
        let mut wanted = vec![false; self.store.docs.len()];
        for &d in docs {
            if let Some(w) = wanted.get_mut(d as usize) {
                *w = true;
            }
        }
        let out = std::sync::Mutex::new(ahash::AHashMap::new());
        let source = match &self.text_origin {
            TextOrigin::Inputs(inputs, read) => TextSource::Inputs(inputs, read),
            TextOrigin::Memory(t) => TextSource::Memory(t),
        };
        source.for_each(&self.store, &wanted, |d, t| {
            out.lock().unwrap_or_else(|e| e.into_inner()).insert(d, t.to_string());
        })?;
        Ok(out.into_inner().unwrap_or_else(|e| e.into_inner()))
    }
}

/// The number of matches of each relation that has any, in relation order (a run's and an
/// index query's figures alike).
pub fn relation_counts(matches: &[ArticleMatch]) -> Vec<(Relation, u64)> {
    let mut counts: std::collections::BTreeMap<Relation, u64> = Default::default();
    for m in matches {
        *counts.entry(m.relation).or_default() += 1;
    }
    counts.into_iter().collect()
}

/// One record after the parallel stage, owning its data so that it can be merged while
/// the next batch is read.
struct Ingested {
    /// The document's metadata (its text left out), fingerprint, and text if kept.
    doc: Option<(Document<'static>, DocFingerprint, Option<String>)>,
    problems: Vec<RecordError>,
    size: u64,
    source: SourceRef,
    location: crate::error::Location,
}

/// Parses and fingerprints one record (the parallel part of reading).
fn ingest(
    fp: &mut Fingerprinter,
    rec: &corpus::RawRecord<'_>,
    read: &ReadOptions,
    keep_text: bool,
    input: u32,
) -> Ingested {
    let parsed = rec.parse(read);
    let size = match &rec.payload {
        corpus::Payload::JsonLine(b) => b.len() as u64,
        _ => parsed.doc.as_ref().map_or(0, |d| d.text.len() as u64),
    };
    let doc = parsed.doc.map(|d| {
        let f = fp.fingerprint_lang(&d.text, d.lang.as_deref());
        let text = keep_text.then(|| d.text.to_string());
        let own = |c: Option<std::borrow::Cow<'_, str>>| {
            c.map(|c| std::borrow::Cow::Owned(c.into_owned()))
        };
        let header = Document {
            id: std::borrow::Cow::Owned(d.id.into_owned()),
            text: std::borrow::Cow::Borrowed(""),
            outlet: own(d.outlet),
            published_raw: own(d.published_raw),
            published: d.published,
            lang: own(d.lang),
            title: own(d.title),
            url: own(d.url),
        };
        (header, f, text)
    });
    Ingested {
        doc,
        problems: parsed.problems,
        size,
        source: SourceRef { input, line: rec.location.line, offset: rec.offset },
        location: rec.location.clone(),
    }
}

/// Memory for document views during alignment unless told otherwise: enough for every
/// view of a corpus of a few hundred MB, a bounded working set beyond.
pub const DEFAULT_VIEW_BUDGET: u64 = 512 << 20;

/// Candidate pairs verified between two looks at the process's resident memory: under a
/// budget, a spilled store's pages are released when the process has grown by more than
/// the views' share of the budget since verification began ([`crate::store::PageGuard`]).
/// Releasing after every slice instead would make most touches fault again.
const VERIFY_SLICE: usize = 512;

/// What one round of alignment found.
struct Round {
    /// Matches that stand on their own evidence (see [`ArticleMatch::self_evident`]).
    evident: Vec<ArticleMatch>,
    /// Pairs whose match rests on one reworded paragraph: kept only if corroborated.
    weak: Vec<(u32, u32)>,
    /// Matches that are not reuse (quote-only, reported on request): they neither propose
    /// neighbours nor corroborate anything.
    apart: Vec<ArticleMatch>,
}

/// Aligns `pairs` and sorts the matches into a [`Round`]. With corroboration off every
/// match stands on its own.
fn align_round(store: &Store, cfg: &Config, pairs: &[(u32, u32)], budget: u64) -> Round {
    let out = aligner::align_pairs(store, cfg, pairs, budget, |m| {
        if !cfg.corroborate || m.self_evident(cfg) || !m.relation.is_reuse() {
            Ok(m)
        } else {
            Err((m.a.min(m.b), m.a.max(m.b)))
        }
    });
    let mut round =
        Round { evident: Vec::with_capacity(out.len()), weak: Vec::new(), apart: Vec::new() };
    for o in out {
        match o {
            Ok(m) if !m.relation.is_reuse() => round.apart.push(m),
            Ok(m) => round.evident.push(m),
            Err(p) => round.weak.push(p),
        }
    }
    round
}

/// Matches split into one story reused and the rest (see [`split_stories`]).
pub(crate) struct StorySplit {
    /// Matches of one story.
    pub kept: Vec<ArticleMatch>,
    /// Listing pages' matches as relation `listing`, when [`Config::listings`] asks.
    pub listings: Vec<ArticleMatch>,
    /// Matches of a listing page with a story it lists ([`crate::listing`]).
    pub listing_pairs: u64,
    /// Matches of articles whose headlines tell different stories ([`crate::headline`]).
    pub different_stories: u64,
}

/// Sets aside the matches that are not one story reused, whatever they share: a listing
/// page with the stories it lists (aggregators, roundups: their items match the stories
/// they announce) and two articles whose headlines tell different stories (a form filled
/// in for two companies, a site's furniture under two headlines). The full run and an
/// index query both decide this here, over the matches they have.
pub(crate) fn split_stories(
    store: &Store,
    matches: Vec<ArticleMatch>,
    cfg: &Config,
    told_elsewhere: impl Fn(u32, &[u32]) -> bool + Sync,
) -> StorySplit {
    let listed = listing::find(
        &matches,
        store.docs.len(),
        |d| store.docs[d as usize].shape.is_listing(),
        |d| store.docs[d as usize].shape.is_snippet(),
        |d| store.lede(d),
    );
    let mut skip = vec![false; matches.len()];
    for &i in &listed {
        skip[i] = true;
    }
    let unrelated = crate::headline::unrelated(store, &matches, &skip, told_elsewhere);
    let mut split = StorySplit {
        kept: Vec::with_capacity(matches.len()),
        listings: Vec::new(),
        listing_pairs: listed.len() as u64,
        different_stories: 0,
    };
    for ((mut m, listed), unrelated) in matches.into_iter().zip(skip).zip(unrelated) {
        if listed {
            if cfg.listings {
                m.relation = Relation::Listing;
                split.listings.push(m);
            }
        } else if unrelated {
            split.different_stories += 1;
        } else {
            split.kept.push(m);
        }
    }
    split
}

/// Finds reused copy in a corpus.
#[derive(Clone)]
pub struct Detector {
    config: Config,
    lsh: LshParams,
    shingler: Shingler,
    hasher: MinHasher,
    read: ReadOptions,
    strict: bool,
    embedder: EmbedderChoice,
    view_budget: u64,
    /// Folder for the spilled shingle arena and band keys, under a memory budget.
    spill: Option<std::path::PathBuf>,
    keep_texts: bool,
}

impl std::fmt::Debug for Detector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Detector")
            .field("config", &self.config)
            .field("lsh", &self.lsh)
            .field("embedder", &self.embedder)
            .finish_non_exhaustive()
    }
}

struct Timer(Vec<(&'static str, f64)>, Instant, Vec<u64>);

impl Timer {
    fn new() -> Timer {
        Timer(Vec::new(), Instant::now(), Vec::new())
    }

    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.0.push((name, (now - self.1).as_secs_f64()));
        self.2.push(crate::memory::resident().unwrap_or(0));
        log::debug!(
            "stage {name}: {:.2} s, resident {:?}, peak so far {:?}",
            (now - self.1).as_secs_f64(),
            self.2.last(),
            crate::memory::peak()
        );
        self.1 = now;
    }
}

impl Detector {
    /// A detector for `config` (validated here).
    pub fn new(config: Config) -> Result<Self> {
        let lsh = config.lsh_params()?;
        Ok(Detector {
            shingler: Shingler::new(config.shingle_size, config.seed),
            hasher: MinHasher::new(config.num_perm, config.seed ^ 0x6d69_6e68_6173_6821),
            lsh,
            config,
            read: ReadOptions::default(),
            strict: false,
            embedder: EmbedderChoice::Fallback,
            view_budget: DEFAULT_VIEW_BUDGET,
            spill: None,
            keep_texts: false,
        })
    }

    /// How records are read (field mapping, size limits).
    pub fn read_options(&self) -> &ReadOptions {
        &self.read
    }

    /// Sets reading limits.
    pub fn with_read_options(mut self, read: ReadOptions) -> Self {
        self.read = read;
        self
    }

    /// Chooses how translated copy is verified (the multilingual model, the fallback, or an
    /// embedder of the caller's). Default: the fallback.
    pub fn with_embedder(mut self, embedder: EmbedderChoice) -> Self {
        self.embedder = embedder;
        self
    }

    /// Bounds the memory of the alignment stage's document views (bytes; see
    /// [`aligner`]). Results do not depend on it.
    pub fn with_view_budget(mut self, bytes: u64) -> Self {
        self.view_budget = bytes.max(1);
        self
    }

    /// Runs within about `bytes` of memory: the shingle arena and the LSH band keys — the
    /// columns that grow with the corpus — go to file-backed maps in `spill_dir` (default:
    /// the system's temporary folder) and are released after each use, and alignment views
    /// get an eighth of the budget. Results are identical to an unbounded run. What stays
    /// on the heap (document and paragraph metadata, about 100 bytes per paragraph) must
    /// fit; the run summary reports the peak.
    pub fn with_memory_budget(mut self, bytes: u64, spill_dir: Option<std::path::PathBuf>) -> Self {
        self.view_budget = self.view_budget.min((bytes / 8).max(1));
        self.spill = Some(spill_dir.unwrap_or_else(std::env::temp_dir));
        self
    }

    /// Keeps every document's text in memory instead of reading it again from the inputs
    /// when needed (see [`MatchRun::kept_text`]); an index build stores them.
    pub fn with_kept_texts(mut self, keep: bool) -> Self {
        self.keep_texts = keep;
        self
    }

    /// In strict mode the first skipped record fails the run.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// The LSH parameters in use.
    pub fn lsh_params(&self) -> LshParams {
        self.lsh
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The shingler of this detector's configuration.
    pub(crate) fn shingler(&self) -> Shingler {
        self.shingler
    }

    /// The MinHash functions of this detector's configuration.
    pub fn hasher(&self) -> &MinHasher {
        &self.hasher
    }

    /// How translated copy is verified.
    pub(crate) fn embedder(&self) -> &EmbedderChoice {
        &self.embedder
    }

    /// The memory bound of alignment views.
    pub(crate) fn view_budget(&self) -> u64 {
        self.view_budget
    }

    /// Records a problem (fatal in strict mode unless it is a warning).
    pub(crate) fn note_problem(&self, e: &RecordError, obs: &dyn Observer) -> Result<bool> {
        let mut stats = RunStats::default();
        self.note(e, &mut stats, obs)?;
        Ok(stats.records_repaired == 0)
    }

    /// Runs on corpus inputs.
    pub fn run(&self, inputs: &[Input], obs: &dyn Observer) -> Result<MatchRun> {
        self.run_onto(None, inputs, obs)
    }

    /// Runs on the documents of `base` (a store with every document's text, e.g. loaded
    /// from a persistent index) followed by those of `inputs`, as if they had all been
    /// read in that order. The run keeps every text in memory.
    pub fn run_onto(
        &self,
        base: Option<(Store, Vec<Option<String>>)>,
        inputs: &[Input],
        obs: &dyn Observer,
    ) -> Result<MatchRun> {
        let mut t = Timer::new();
        let mut stats = RunStats::default();
        let seeded = base.is_some();
        let (mut store, mut kept) = match (base, &self.spill) {
            (Some(b), _) => b,
            (None, None) => Default::default(),
            (None, Some(dir)) => (Store::with_spill(Vec::new(), dir)?, Vec::new()),
        };
        let first_input = store.inputs.len() as u32;
        store.inputs.extend(inputs.iter().map(|i| i.path.clone()));
        obs.stage("read");
        let mut bytes = 0u64;
        let read = &self.read;
        // Standard input cannot be read twice: keep its texts for the stages that need them.
        let keep_texts = seeded || self.keep_texts || !texts::rereadable(inputs);
        let mut input_of = ahash::AHashMap::new();
        for (i, inp) in inputs.iter().enumerate() {
            input_of.entry(inp.path.clone()).or_insert(first_input + i as u32);
        }
        // Batch k is merged into the store (one thread, input order) while batch k + 1 is
        // fingerprinted (the other threads): the results own their data for that.
        let mut pending: Vec<Ingested> = Vec::new();
        let merge = |items: Vec<Ingested>,
                     store: &mut Store,
                     stats: &mut RunStats,
                     kept: &mut Vec<Option<String>>|
         -> Result<u64> {
            let mut bytes = 0u64;
            for item in items {
                bytes += item.size;
                // A reader's note (records of an archive that hold no page, files of a
                // folder that are no documents) is a warning, not a skipped record.
                let mut skipped =
                    item.doc.is_none() && item.problems.iter().any(|p| !p.problem.is_warning());
                for p in &item.problems {
                    self.note(p, stats, obs)?;
                }
                if let Some((doc, fp, text)) = item.doc {
                    match store.add(&doc, fp, item.source, &item.location) {
                        Ok(_) if keep_texts => kept.push(text),
                        Ok(_) => {}
                        Err(problem) => {
                            let e = RecordError { location: item.location, problem };
                            self.note(&e, stats, obs)?;
                            skipped = true;
                        }
                    }
                }
                if skipped {
                    stats.records_skipped += 1;
                }
            }
            Ok(bytes)
        };
        corpus::read_batches(inputs, &self.read, &mut |batch| {
            let previous = std::mem::take(&mut pending);
            let (fresh, merged) = rayon::join(
                || {
                    batch
                        .par_iter()
                        .map_init(
                            || Fingerprinter::new(self.shingler),
                            |fp, rec| {
                                ingest(
                                    fp,
                                    rec,
                                    read,
                                    keep_texts,
                                    self.input_index(&input_of, &rec.location.path),
                                )
                            },
                        )
                        .collect::<Vec<Ingested>>()
                },
                || merge(previous, &mut store, &mut stats, &mut kept),
            );
            bytes += merged?;
            if let Some(e) = store.take_error() {
                return Err(e);
            }
            // Spilled columns are appended through their maps: hand the written pages
            // back after each batch (a no-op on the heap).
            store.release();
            pending = fresh;
            obs.progress(bytes);
            Ok(())
        })?;
        bytes += merge(std::mem::take(&mut pending), &mut store, &mut stats, &mut kept)?;
        if let Some(e) = store.take_error() {
            return Err(e);
        }
        obs.progress(bytes);
        t.lap("read+fingerprint");
        let source = if keep_texts {
            TextSource::Memory(&kept)
        } else {
            TextSource::Inputs(inputs, &self.read)
        };
        let mut run = self.finish(store, stats, t, obs, source)?;
        run.text_origin = if keep_texts {
            TextOrigin::Memory(kept)
        } else {
            TextOrigin::Inputs(inputs.to_vec(), self.read.clone())
        };
        Ok(run)
    }

    /// Looks up which input a record came from (folder files carry their own path).
    pub(crate) fn input_index(
        &self,
        input_of: &ahash::AHashMap<std::path::PathBuf, u32>,
        path: &std::path::Path,
    ) -> u32 {
        if let Some(&i) = input_of.get(path) {
            return i;
        }
        path.ancestors()
            .find_map(|a| input_of.get(a).copied())
            .unwrap_or_else(|| input_of.values().copied().min().unwrap_or(0))
    }

    fn note(&self, e: &RecordError, stats: &mut RunStats, obs: &dyn Observer) -> Result<()> {
        obs.problem(e);
        if e.problem.is_note() {
            Ok(())
        } else if e.problem.is_warning() {
            stats.records_repaired += 1;
            Ok(())
        } else if self.strict {
            Err(Error::Record(e.clone()))
        } else {
            Ok(())
        }
    }

    /// Runs on documents already in memory (library use, tests).
    pub fn run_documents<'a>(
        &self,
        docs: impl IntoIterator<Item = Document<'a>>,
        obs: &dyn Observer,
    ) -> Result<MatchRun> {
        let mut t = Timer::new();
        let mut stats = RunStats::default();
        let docs: Vec<Document<'a>> = docs.into_iter().collect();
        let fps: Vec<DocFingerprint> = docs
            .par_iter()
            .map_init(
                || Fingerprinter::new(self.shingler),
                |fp, d| fp.fingerprint_lang(&d.text, d.lang.as_deref()),
            )
            .collect();
        let mut store = Store::new(Vec::new());
        for (i, (d, fp)) in docs.iter().zip(fps).enumerate() {
            let loc = crate::error::Location { path: "<memory>".into(), line: i as u64 + 1 };
            if let Err(problem) =
                store.add(d, fp, SourceRef { input: 0, line: loc.line, offset: 0 }, &loc)
            {
                self.note(&RecordError { location: loc, problem }, &mut stats, obs)?;
                stats.records_skipped += 1;
            }
        }
        t.lap("read+fingerprint");
        let texts: Vec<Option<String>> = docs.iter().map(|d| Some(d.text.to_string())).collect();
        let mut run = self.finish(store, stats, t, obs, TextSource::Memory(&texts))?;
        run.text_origin = TextOrigin::Memory(texts);
        Ok(run)
    }

    /// The stages after reading, in order (see [`stages`]).
    fn finish(
        &self,
        store: Store,
        stats: RunStats,
        t: Timer,
        obs: &dyn Observer,
        texts: TextSource<'_>,
    ) -> Result<MatchRun> {
        let mut run = stages::Stages::new(self, obs, store, stats, t);
        run.templates();
        let (eligible, keys) = run.sign()?;
        let cands = run.candidates(&eligible, keys);
        let links = run.verify(&eligible, cands);
        let Proposed { now, mut deferred, .. } = run.article_pairs(&eligible, links);
        drop(eligible);
        let mut found = run.align(&now)?;
        if !self.config.exhaustive {
            run.neighbours(&now, &mut deferred, &mut found);
        }
        drop(now);
        run.one_story(&mut found);
        let (mut matches, evident) = run.corroborate(deferred, found);
        run.translations(&mut matches, &texts)?;
        let stories = run.stories(&matches);
        Ok(run.result(matches, stories, evident))
    }
}

//! The fingerprinted corpus: documents, paragraphs, and unique paragraph texts.
//!
//! Fingerprints arrive from the parallel stage in input order and are merged here by one
//! thread, which is what makes ids, duplicate detection and every later index
//! deterministic. Paragraphs with identical words collapse into one *unique paragraph*
//! holding the shingle set: a wire paragraph printed by 40 outlets is signed, indexed and
//! stored once, and its 40 occurrences are read off the occurrence lists. Document texts are
//! not kept: a paragraph is a byte span into its source record.
//!
//! Memory: about 24 bytes per paragraph, 40 bytes per unique paragraph and 4 bytes per
//! shingle of a unique paragraph.

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use std::ops::Range;

use ahash::AHashMap;

use crate::boilerplate::{Boilerplate, TemplateFinder};
use crate::corpus::Document;
use crate::error::{Location, RecordProblem};
use crate::fingerprint::{DocFingerprint, Kind};
use crate::lang::Lang;
use crate::published::Published;
use crate::spill::Column;

/// Where a document's record is: index of the input in the run, and line (0 for files).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceRef {
    /// Index into [`Store::inputs`].
    pub input: u32,
    /// 1-based line of a JSONL input; 0 for a file of a folder.
    pub line: u64,
    /// Byte offset of the record in a plain (memory-mapped) input, for reading it again
    /// directly; 0 otherwise.
    pub offset: u64,
}

/// Metadata of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocMeta {
    /// Document id.
    pub id: Box<str>,
    /// Index into [`Store::outlets`].
    pub outlet: Option<u32>,
    /// Parsed publication time.
    pub published: Option<Published>,
    /// Publication time as given.
    pub published_raw: Option<Box<str>>,
    /// Language code as given.
    pub lang: Option<Box<str>>,
    /// Title as given.
    pub title: Option<Box<str>>,
    /// URL as given.
    pub url: Option<Box<str>>,
    /// Language of the document (declared, else detected).
    pub language: Lang,
    /// Where the record is.
    pub source: SourceRef,
    /// The document's paragraphs in [`Store::paragraphs`].
    pub paragraphs: Range<u32>,
    /// What the page is made of (see [`crate::listing`]).
    pub shape: crate::listing::PageShape,
    /// Checksum of the text ([`DocFingerprint::text_hash`]).
    pub text_hash: u64,
    /// What its headline says (see [`crate::headline`]).
    pub headline: crate::headline::Headline,
}

/// One paragraph occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParaMeta {
    /// Document index.
    pub doc: u32,
    /// Byte offset of the paragraph in the document's text.
    pub start: u32,
    /// Byte length.
    pub len: u32,
    /// Word tokens.
    pub tokens: u32,
    /// Body or boilerplate (templates are marked after the whole corpus is read).
    pub kind: Kind,
    /// Unique paragraph, or `u32::MAX` for rule boilerplate.
    pub unique: u32,
    /// Language of the paragraph.
    pub lang: Lang,
}

impl ParaMeta {
    /// The paragraph's byte span in its document's text.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }

    /// The paragraph's text within its document's `text` (as the run read it), or `None`
    /// when `text` is not that document's text (too short, or cut inside a character).
    pub fn text_in<'t>(&self, text: &'t str) -> Option<&'t str> {
        text.get(self.span())
    }
}

/// Hash of a content key (already an xxh3-128 digest: folding it is enough).
fn key_hash(key: u128) -> u64 {
    (key as u64) ^ (key >> 64) as u64
}

fn str_hash(s: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(s.as_bytes())
}

/// A distinct paragraph text.
///
/// Plain data (no padding, no pointers) so that the records of tens of millions of unique
/// paragraphs can live in a spilled [`Column`] under a memory budget.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
pub struct Unique {
    /// Content key (xxh3-128 of the normalised words).
    pub key: u128,
    /// Start of its shingle set in the arena.
    pub start: u64,
    /// Start of its number keys in the number arena.
    pub num_start: u64,
    /// Number of number keys.
    pub num_len: u32,
    /// Size of its shingle set.
    pub len: u32,
    /// Word tokens.
    pub tokens: u32,
    /// [`Unique::TEMPLATE`], [`Unique::RECURRING`].
    pub flags: u16,
    /// Number of its distinct words, stored in the arena right after its shingle set (at
    /// most 65,535: a longer set is cut, which only blurs [`crate::vocabulary`]).
    pub words: u16,
}

impl Unique {
    /// Flag: an outlet template (boilerplate learned from the corpus).
    pub const TEMPLATE: u16 = 1;
    /// Flag: text the corpus repeats across news cycles (see [`crate::recurring`]).
    pub const RECURRING: u16 = 2;

    /// Whether this paragraph is an outlet template.
    pub fn is_template(&self) -> bool {
        self.flags & Unique::TEMPLATE != 0
    }

    /// Whether this paragraph is set aside as learned boilerplate (template or recurring):
    /// not signed, indexed or aligned.
    pub fn is_learned_boilerplate(&self) -> bool {
        self.flags & (Unique::TEMPLATE | Unique::RECURRING) != 0
    }
}

/// Releases a spilled store's pages once the process has grown by more than an allowance
/// since the guard was made (a no-op for a store on the heap).
///
/// Pages of a spilled column count as resident once touched, and a touch maps the kernel's
/// whole fault-around window (64 KB of neighbouring pages already in the page cache), so
/// what a stretch of work holds cannot be counted from what it reads: it is measured.
pub struct PageGuard {
    limit: Option<u64>,
}

impl PageGuard {
    /// A guard allowing `allowance` bytes of growth from now.
    pub fn new(store: &Store, allowance: u64) -> PageGuard {
        let spilled = store.arena.is_spilled();
        PageGuard { limit: spilled.then(|| crate::memory::resident().unwrap_or(0) + allowance) }
    }

    /// How many items to handle between two checks: `watched` for a spilled store, all of
    /// them otherwise (each slice is a parallel call, and a thousand small ones cost more
    /// in thread wake-ups than the work they spread).
    pub fn slice(&self, watched: usize) -> usize {
        if self.limit.is_some() { watched.max(1) } else { usize::MAX }
    }

    /// Releases the store's pages if the process is over the limit (or cannot tell).
    pub fn check(&self, store: &Store) {
        if let Some(limit) = self.limit {
            if crate::memory::resident().is_none_or(|r| r > limit) {
                store.release();
            }
        }
    }
}

/// Counts of what was read.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct StoreStats {
    /// Documents kept.
    pub documents: u64,
    /// Paragraphs (body and boilerplate).
    pub paragraphs: u64,
    /// Body paragraphs.
    pub body_paragraphs: u64,
    /// Boilerplate paragraphs per reason.
    pub boilerplate: Vec<(Boilerplate, u64)>,
    /// Distinct body paragraph texts.
    pub unique_paragraphs: u64,
    /// Bytes of document text.
    pub text_bytes: u64,
}

/// The fingerprinted corpus (see the module documentation).
#[derive(Debug, Default)]
pub struct Store {
    /// Paths of the inputs, in run order.
    pub inputs: Vec<std::path::PathBuf>,
    /// Documents in input order.
    pub docs: Vec<DocMeta>,
    /// Paragraphs, grouped by document.
    pub paragraphs: Vec<ParaMeta>,
    /// Unique paragraphs in first-seen order (on the heap, or in a file-backed map under a
    /// memory budget, like the two arenas).
    pub uniques: Column<Unique>,
    /// Shingle sets of unique paragraphs, concatenated.
    pub arena: Column,
    /// Number keys of unique paragraphs, concatenated.
    pub numbers: Column,
    /// Outlet names.
    pub outlets: Vec<Box<str>>,
    outlet_index: AHashMap<Box<str>, u32>,
    /// Documents by id: the table holds only document indices, hashed by id and compared
    /// with `docs[d].id` (no second copy of each id).
    id_index: HashTable<u32>,
    /// Where each document's record is, for the error on a repeated id: (index into
    /// `locations`, line). Paths are interned: one per input file.
    doc_location: Vec<(u32, u64)>,
    locations: Vec<std::path::PathBuf>,
    location_index: AHashMap<std::path::PathBuf, u32>,
    /// Unique paragraphs by content key: indices only (4 bytes a slot, against 32 for a
    /// map from the 16-byte key), which matters at tens of millions of paragraphs.
    key_index: HashTable<u32>,
    text_bytes: u64,
    /// The first failure to write the spilled arena (a full disk), kept until asked for.
    spill_error: Option<crate::error::Error>,
    /// Shingles the corpus repeats across news cycles (sorted; see [`crate::recurring`]),
    /// and the same as a set for lookups.
    recurring: Vec<u32>,
    recurring_set: ahash::AHashSet<u32>,
    /// One bit per value of a shingle's low 16 bits: most lookups end here.
    recurring_bits: Vec<u64>,
    /// Words of the distinct paragraphs the rules set aside (counted once per distinct
    /// word set, whose keys are in `furniture_seen`), for [`crate::vocabulary`].
    furniture: AHashMap<u32, u32>,
    furniture_seen: ahash::AHashSet<u64>,
    /// The corpus's boilerplate vocabulary, once learned ([`Store::learn_vocabulary`]).
    vocabulary: Option<crate::vocabulary::Vocabulary>,
    /// Per unique paragraph: whether its own words read like furniture (what a pair of two
    /// occurrences of it shares), computed once with the vocabulary.
    furniture_unique: Vec<bool>,
    /// The vocabulary's score of every word of every unique paragraph, in the order of
    /// [`Store::words_of`], from `score_start[u]`: one byte a word.
    word_scores: Vec<i8>,
    score_start: Vec<u32>,
}

impl Store {
    /// An empty store for a run over `inputs`.
    pub fn new(inputs: Vec<std::path::PathBuf>) -> Self {
        Store { inputs, ..Default::default() }
    }

    /// An empty store whose unique paragraphs, shingle arena and fact-key arena live in
    /// file-backed maps in folder `spill` (see [`crate::spill`]).
    pub fn with_spill(
        inputs: Vec<std::path::PathBuf>,
        spill: &std::path::Path,
    ) -> crate::error::Result<Self> {
        Ok(Store {
            inputs,
            uniques: Column::spilled(spill)?,
            arena: Column::spilled(spill)?,
            numbers: Column::spilled(spill)?,
            ..Default::default()
        })
    }

    /// Hands the pages of the spilled columns back to the operating system (a no-op on
    /// the heap): called after each stretch of work that reads them.
    pub fn release(&self) {
        self.uniques.release();
        self.arena.release();
        self.numbers.release();
    }

    /// The first error writing the spilled arena, if any (the run cannot go on: the sets
    /// of the documents added since are incomplete).
    pub fn take_error(&mut self) -> Option<crate::error::Error> {
        self.spill_error.take()
    }

    /// Where document `d` was read: its input file and line (record number for archives),
    /// or for a document of a folder input, its own file.
    pub fn location(&self, d: u32) -> Location {
        let meta = &self.docs[d as usize];
        let input = self.inputs.get(meta.source.input as usize).cloned().unwrap_or_default();
        if meta.source.line == 0 && input.is_dir() {
            let path = input.join(crate::corpus::folder::relative_path(&meta.id));
            return Location { path, line: 0 };
        }
        Location { path: input, line: meta.source.line }
    }

    /// Adds a document and its fingerprint. A repeated id is refused with the location of
    /// the first occurrence.
    pub fn add(
        &mut self,
        doc: &Document<'_>,
        fp: DocFingerprint,
        source: SourceRef,
        location: &Location,
    ) -> Result<u32, RecordProblem> {
        let d = self.docs.len() as u32;
        let docs = &self.docs;
        let id_hash = str_hash(&doc.id);
        match self.id_index.entry(
            id_hash,
            |&e| *docs[e as usize].id == *doc.id,
            |&e| str_hash(&docs[e as usize].id),
        ) {
            Entry::Occupied(e) => {
                let (path, line) = self.doc_location[*e.get() as usize];
                return Err(RecordProblem::DuplicateId {
                    id: doc.id.to_string(),
                    first: Location { path: self.locations[path as usize].clone(), line },
                });
            }
            Entry::Vacant(v) => {
                v.insert(d);
            }
        }
        let path = match self.location_index.get(&location.path) {
            Some(&i) => i,
            None => {
                let i = self.locations.len() as u32;
                self.locations.push(location.path.clone());
                self.location_index.insert(location.path.clone(), i);
                i
            }
        };
        self.doc_location.push((path, location.line));
        let outlet = doc.outlet.as_deref().map(|o| match self.outlet_index.get(o) {
            Some(&i) => i,
            None => {
                let i = self.outlets.len() as u32;
                self.outlets.push(o.into());
                self.outlet_index.insert(o.into(), i);
                i
            }
        });
        if self.key_index.len() < self.uniques.len() {
            let mut t = HashTable::with_capacity(self.uniques.len());
            for (u, e) in self.uniques.iter().enumerate() {
                t.insert_unique(key_hash(e.key), u as u32, |&x| {
                    key_hash(self.uniques[x as usize].key)
                });
            }
            self.key_index = t;
        }
        let first = self.paragraphs.len() as u32;
        for (i, p) in fp.paragraphs.iter().enumerate() {
            let unique = if p.kind == Kind::Body {
                let uniques = &self.uniques;
                match self.key_index.entry(
                    key_hash(p.key),
                    |&u| uniques[u as usize].key == p.key,
                    |&u| key_hash(uniques[u as usize].key),
                ) {
                    Entry::Occupied(e) => *e.get(),
                    Entry::Vacant(v) => {
                        let u = self.uniques.len() as u32;
                        let set = fp.set(i);
                        let nums = fp.numbers(i);
                        let words = fp.words(i);
                        let words = &words[..words.len().min(u16::MAX as usize)];
                        let unique = Unique {
                            key: p.key,
                            start: self.arena.len() as u64,
                            num_start: self.numbers.len() as u64,
                            num_len: nums.len() as u32,
                            len: set.len() as u32,
                            tokens: p.tokens,
                            flags: 0,
                            words: words.len() as u16,
                        };
                        let written = self
                            .uniques
                            .push(unique)
                            .and_then(|_| self.arena.extend_from_slice(set))
                            .and_then(|_| self.arena.extend_from_slice(words))
                            .and_then(|_| self.numbers.extend_from_slice(nums));
                        match written {
                            // Indexed only once stored: a key pointing at a paragraph
                            // that was never written would be read by the next lookup.
                            Ok(()) => {
                                v.insert(u);
                                u
                            }
                            // The run stops at the end of the batch (`take_error`);
                            // until then the paragraph is left unmatched.
                            Err(e) => {
                                self.spill_error.get_or_insert(e);
                                u32::MAX
                            }
                        }
                    }
                }
            } else {
                u32::MAX
            };
            self.paragraphs.push(ParaMeta {
                doc: d,
                start: p.span.start as u32,
                len: p.span.len() as u32,
                tokens: p.tokens,
                kind: p.kind,
                unique,
                lang: p.lang,
            });
        }
        self.text_bytes += fp.text_bytes;
        for (key, r) in &fp.furniture {
            if self.furniture_seen.insert(*key) {
                for &w in &fp.furniture_words[r.start as usize..r.end as usize] {
                    *self.furniture.entry(w).or_default() += 1;
                }
            }
        }
        let boxed = |s: &Option<std::borrow::Cow<'_, str>>| s.as_deref().map(Box::from);
        let headline =
            crate::headline::Headline::of(doc.title.as_deref(), doc.outlet.as_deref(), &fp);
        self.docs.push(DocMeta {
            id: doc.id.as_ref().into(),
            outlet,
            published: doc.published,
            published_raw: boxed(&doc.published_raw),
            lang: boxed(&doc.lang),
            title: boxed(&doc.title),
            url: boxed(&doc.url),
            language: fp.lang,
            source,
            paragraphs: first..self.paragraphs.len() as u32,
            shape: fp.shape,
            text_hash: fp.text_hash,
            headline,
        });
        Ok(d)
    }

    /// The unique paragraphs a run signs and indexes: body text with at least one full
    /// shingle of `shingle_size` words, not set aside as learned boilerplate. A run signs
    /// before it knows what recurs (its templates are known); an index and a query know
    /// both, and leave out what the run's last round set aside.
    pub fn signed(&self, shingle_size: usize) -> Vec<u32> {
        (0..self.uniques.len() as u32)
            .filter(|&u| {
                let e = &self.uniques[u as usize];
                !e.is_learned_boilerplate() && e.tokens as usize >= shingle_size
            })
            .collect()
    }

    /// Frees what only reading needs (the content-key index of unique paragraphs, about
    /// 40 bytes per unique paragraph). Adding documents afterwards still works: the
    /// index is rebuilt on the next [`Store::add`].
    pub fn finish_reading(&mut self) {
        self.key_index = HashTable::new();
    }

    /// The shingle set of unique paragraph `u`.
    pub fn set(&self, u: u32) -> &[u32] {
        let e = &self.uniques[u as usize];
        self.arena
            .as_slice()
            .get(e.start as usize..e.start as usize + e.len as usize)
            .unwrap_or_default()
    }

    /// The distinct words of unique paragraph `u` (sorted hashes, see
    /// [`crate::vocabulary::word_set`]).
    pub fn words_of(&self, u: u32) -> &[u32] {
        let e = &self.uniques[u as usize];
        let start = e.start as usize + e.len as usize;
        self.arena.as_slice().get(start..start + e.words as usize).unwrap_or_default()
    }

    /// Learns the corpus's boilerplate vocabulary (see [`crate::vocabulary`]) from the
    /// paragraphs the rules set aside and the learned boilerplate (templates, recurring
    /// text) against the other distinct paragraphs; call it once templates and recurring
    /// text are known. Returns whether there was enough furniture to learn from.
    pub fn learn_vocabulary(&mut self) -> bool {
        use rayon::prelude::*;
        let mut counts =
            crate::vocabulary::Counts { furniture: self.furniture.clone(), ..Default::default() };
        // The learned boilerplate's words join the furniture's.
        for u in 0..self.uniques.len() as u32 {
            if self.uniques[u as usize].is_learned_boilerplate() {
                for &w in self.words_of(u) {
                    *counts.furniture.entry(w).or_default() += 1;
                }
            }
        }
        // The story side: every word counts in the total; only furniture words need their
        // own count (see `vocabulary::Counts`).
        let clock = std::time::Instant::now();
        log::debug!("vocabulary: {} furniture words", counts.furniture.len());
        let words: Vec<u32> = counts.furniture.keys().copied().collect();
        let ids = crate::vocabulary::WordIds::new(&words);
        let (total, story) = (0..self.uniques.len() as u32)
            .into_par_iter()
            .filter(|&u| !self.uniques[u as usize].is_learned_boilerplate())
            .fold(
                || (0u64, vec![0u32; ids.len()]),
                |(mut total, mut story), u| {
                    let words = self.words_of(u);
                    total += words.len() as u64;
                    for &w in words {
                        if let Some(c) = ids.get(w).and_then(|i| story.get_mut(i)) {
                            *c += 1;
                        }
                    }
                    (total, story)
                },
            )
            .reduce(
                || (0u64, vec![0u32; ids.len()]),
                |(ta, mut a), (tb, b)| {
                    for (x, y) in a.iter_mut().zip(b) {
                        *x += y;
                    }
                    (ta + tb, a)
                },
            );
        let story = words.iter().zip(story).filter(|p| p.1 > 0).map(|(&w, c)| (w, c)).collect();
        counts.story = story;
        counts.story_total = total;
        log::debug!("vocabulary: counted {:.2?}", clock.elapsed());
        self.vocabulary = crate::vocabulary::Vocabulary::learn(&counts);
        log::debug!("vocabulary: learned {:.2?}", clock.elapsed());
        self.index_furniture();
        log::debug!("vocabulary: scored {:.2?}", clock.elapsed());
        self.vocabulary.is_some()
    }

    /// Fills [`Store::furniture_unique`] and the word scores from the vocabulary.
    fn index_furniture(&mut self) {
        use rayon::prelude::*;
        self.furniture_unique = Vec::new();
        self.word_scores = Vec::new();
        self.score_start = Vec::new();
        let Some(v) = &self.vocabulary else { return };
        let mut at = 0u32;
        self.score_start = self
            .uniques
            .iter()
            .map(|e| {
                let s = at;
                at += e.words as u32;
                s
            })
            .collect();
        let chunks: Vec<Vec<i8>> = (0..self.uniques.len() as u32)
            .into_par_iter()
            .fold(Vec::new, |mut out, u| {
                v.scores(self.words_of(u), &mut out);
                out
            })
            .collect();
        self.word_scores = chunks.concat();
        self.furniture_unique = (0..self.uniques.len() as u32)
            .into_par_iter()
            .map(|u| crate::vocabulary::Vocabulary::is_furniture(self.scores_of(u)))
            .collect();
    }

    /// The vocabulary's scores of the words of unique paragraph `u` (empty without one).
    fn scores_of(&self, u: u32) -> &[i8] {
        let (Some(&s), Some(e)) = (self.score_start.get(u as usize), self.uniques.get(u as usize))
        else {
            return &[];
        };
        self.word_scores.get(s as usize..s as usize + e.words as usize).unwrap_or_default()
    }

    /// Whether the words unique paragraphs `u` and `v` share read like the corpus's
    /// furniture (false without a vocabulary).
    pub fn shared_is_furniture(&self, u: u32, v: u32) -> bool {
        match &self.vocabulary {
            None => false,
            Some(_) if u == v => self.furniture_unique.get(u as usize).copied().unwrap_or(false),
            Some(_) => crate::vocabulary::Vocabulary::shared_is_furniture(
                self.words_of(u),
                self.scores_of(u),
                self.words_of(v),
            ),
        }
    }

    /// Sets the boilerplate vocabulary (a persistent index keeps the run's).
    pub fn set_vocabulary(&mut self, vocabulary: Option<crate::vocabulary::Vocabulary>) {
        self.vocabulary = vocabulary;
        self.index_furniture();
    }

    /// The corpus's boilerplate vocabulary, if learned.
    pub fn vocabulary(&self) -> Option<&crate::vocabulary::Vocabulary> {
        self.vocabulary.as_ref()
    }

    /// Word counts of the furniture the rules set aside: (word, distinct paragraphs), and
    /// the keys of those paragraphs' word sets.
    pub fn furniture_counts(&self) -> (&AHashMap<u32, u32>, &ahash::AHashSet<u64>) {
        (&self.furniture, &self.furniture_seen)
    }

    /// Restores the furniture counts of a stored run (see [`Store::furniture_counts`]).
    pub fn restore_furniture(&mut self, counts: AHashMap<u32, u32>, seen: ahash::AHashSet<u64>) {
        self.furniture = counts;
        self.furniture_seen = seen;
    }

    /// The number keys of unique paragraph `u`.
    pub fn numbers_of(&self, u: u32) -> &[u32] {
        let e = &self.uniques[u as usize];
        &self.numbers[e.num_start as usize..e.num_start as usize + e.num_len as usize]
    }

    /// Index of the document with id `id`.
    pub fn doc_index(&self, id: &str) -> Option<u32> {
        self.id_index.find(str_hash(id), |&d| *self.docs[d as usize].id == *id).copied()
    }

    /// The document whose id is `id`, else the only one whose id begins with it (tables cut
    /// long ids). `Err` holds the documents whose ids begin with it, in order, when there
    /// is not exactly one (none, or several to choose from).
    pub fn doc_by_id_or_prefix(&self, id: &str) -> std::result::Result<u32, Vec<u32>> {
        if let Some(d) = self.doc_index(id) {
            return Ok(d);
        }
        let found: Vec<u32> = (0..self.docs.len() as u32)
            .filter(|&d| !id.is_empty() && self.docs[d as usize].id.starts_with(id))
            .collect();
        match found.as_slice() {
            [one] => Ok(*one),
            _ => Err(found),
        }
    }

    /// The paragraphs of document `d`.
    pub fn doc_paragraphs(&self, d: u32) -> &[ParaMeta] {
        let r = &self.docs[d as usize].paragraphs;
        &self.paragraphs[r.start as usize..r.end as usize]
    }

    /// Index of document `d`'s first body paragraph among its paragraphs.
    pub fn lede(&self, d: u32) -> Option<u32> {
        self.doc_paragraphs(d).iter().position(|p| p.kind == Kind::Body).map(|i| i as u32)
    }

    /// Outlet name of document `d`.
    pub fn outlet_of(&self, d: u32) -> Option<&str> {
        self.docs[d as usize].outlet.map(|o| &*self.outlets[o as usize])
    }

    /// Learns outlet templates (see [`TemplateFinder`]) and marks them as boilerplate.
    /// Returns the number of template paragraphs (occurrences) marked.
    pub fn mark_templates(&mut self, min_articles: usize) -> u64 {
        let mut finder = TemplateFinder::new(min_articles);
        for doc in &self.docs {
            let Some(outlet) = doc.outlet else { continue };
            let paras =
                &self.paragraphs[doc.paragraphs.start as usize..doc.paragraphs.end as usize];
            // Within one run a unique paragraph's index identifies its text as well as its
            // content key does, and reading the keys would touch every record of a spilled
            // store (shifted: the context is `key | 1`, which must stay distinct).
            let rows =
                template_contexts(paras, |p| p.kind == Kind::Body, |u| u, |u| (u as u128) << 1);
            for (u, context) in rows {
                finder.add(outlet, u, context);
            }
        }
        let templates = finder.finish();
        self.set_templates(&templates)
    }

    /// Marks unique paragraphs `templates` (learned elsewhere, e.g. by the run that built a
    /// persistent index) as outlet templates, and their occurrences as boilerplate.
    /// Returns the number of occurrences newly marked.
    pub fn set_templates(&mut self, templates: &[u32]) -> u64 {
        for &u in templates {
            if let Some(&e) = self.uniques.get(u as usize) {
                let marked = Unique { flags: e.flags | Unique::TEMPLATE, ..e };
                if let Err(e) = self.uniques.set(u as usize, marked) {
                    self.spill_error.get_or_insert(e);
                }
            }
        }
        let mut marked = 0;
        for p in &mut self.paragraphs {
            if p.unique != u32::MAX
                && p.kind == Kind::Body
                && self.uniques[p.unique as usize].is_template()
            {
                p.kind = Kind::Boilerplate(Boilerplate::Template);
                marked += 1;
            }
        }
        marked
    }

    /// Records the shingles the corpus repeats across news cycles (see
    /// [`crate::recurring`]): they stop counting as evidence of reuse, and paragraphs made
    /// mostly of them are set aside as [`Boilerplate::Recurring`]. Returns the number of
    /// paragraph occurrences newly set aside.
    pub fn set_recurring(&mut self, mut shingles: Vec<u32>) -> u64 {
        shingles.sort_unstable();
        shingles.dedup();
        self.recurring_set = shingles.iter().copied().collect();
        self.recurring_bits = vec![0u64; 1 << 10];
        for &h in &shingles {
            let k = (h >> 1) as usize & 0xffff;
            self.recurring_bits[k >> 6] |= 1 << (k & 63);
        }
        self.recurring = shingles;
        if self.recurring.is_empty() {
            return 0;
        }
        let mostly_recurring: Vec<usize> = {
            use rayon::prelude::*;
            (0..self.uniques.len())
                .into_par_iter()
                .filter(|&u| {
                    if self.uniques[u].is_learned_boilerplate() {
                        return false;
                    }
                    let set = self.set(u as u32);
                    let recurring = set.iter().filter(|&&h| self.is_recurring(h)).count();
                    if recurring == 0 {
                        return false;
                    }
                    let prose = set.iter().filter(|&&h| crate::shingle::is_prose(h)).count();
                    prose > 0
                        && recurring as f64 >= crate::recurring::PARAGRAPH_SHARE * prose as f64
                })
                .collect()
        };
        for u in mostly_recurring {
            let e = self.uniques[u];
            let marked = Unique { flags: e.flags | Unique::RECURRING, ..e };
            if let Err(e) = self.uniques.set(u, marked) {
                self.spill_error.get_or_insert(e);
            }
        }
        let mut marked = 0;
        for p in &mut self.paragraphs {
            if p.unique != u32::MAX
                && p.kind == Kind::Body
                && self.uniques[p.unique as usize].flags & Unique::RECURRING != 0
            {
                p.kind = Kind::Boilerplate(Boilerplate::Recurring);
                marked += 1;
            }
        }
        marked
    }

    /// Whether shingle `h` is text the corpus repeats across news cycles.
    #[inline]
    pub fn is_recurring(&self, h: u32) -> bool {
        if self.recurring.is_empty() {
            return false;
        }
        // Bit 0 is the quotation flag: the bits below it say nothing.
        let k = (h >> 1) as usize & 0xffff;
        self.recurring_bits[k >> 6] & (1 << (k & 63)) != 0 && self.recurring_set.contains(&h)
    }

    /// The shingles the corpus repeats across news cycles, sorted.
    pub fn recurring(&self) -> &[u32] {
        &self.recurring
    }

    /// Approximate heap bytes held, per part: documents (with their metadata strings),
    /// paragraphs, unique paragraphs, shingle arena, fact-key arena, lookup indexes.
    pub fn heap_bytes(&self) -> Vec<(&'static str, usize)> {
        use std::mem::size_of;
        let strings: usize = self
            .docs
            .iter()
            .map(|d| {
                d.id.len()
                    + [&d.published_raw, &d.lang, &d.title, &d.url]
                        .iter()
                        .map(|s| s.as_ref().map_or(0, |s| s.len()))
                        .sum::<usize>()
                    + d.headline.heap_bytes()
            })
            .sum();
        // Hash tables: about one and a seventh slot per entry, plus a control byte.
        let table = |n: usize, entry: usize| n * (entry + 1) * 8 / 7;
        vec![
            ("documents", self.docs.capacity() * size_of::<DocMeta>() + strings),
            ("paragraphs", self.paragraphs.capacity() * size_of::<ParaMeta>()),
            ("unique paragraphs", self.uniques.heap_bytes()),
            ("shingles", self.arena.heap_bytes()),
            ("fact keys", self.numbers.heap_bytes()),
            (
                "indexes",
                table(self.id_index.len(), 4)
                    + table(self.key_index.len(), 4)
                    + self.doc_location.capacity() * size_of::<(u32, u64)>(),
            ),
        ]
    }

    /// Counts of what the store holds.
    pub fn stats(&self) -> StoreStats {
        let mut by: AHashMap<Boilerplate, u64> = AHashMap::new();
        let mut body = 0;
        for p in &self.paragraphs {
            match p.kind {
                Kind::Body => body += 1,
                Kind::Boilerplate(b) => *by.entry(b).or_default() += 1,
            }
        }
        let boilerplate =
            Boilerplate::ALL.iter().filter_map(|b| by.get(b).map(|&n| (*b, n))).collect();
        StoreStats {
            documents: self.docs.len() as u64,
            paragraphs: self.paragraphs.len() as u64,
            body_paragraphs: body,
            boilerplate,
            unique_paragraphs: self.uniques.iter().filter(|u| !u.is_learned_boilerplate()).count()
                as u64,
            text_bytes: self.text_bytes,
        }
    }

    /// For each unique paragraph, the sorted distinct documents it occurs in as body text
    /// (compressed rows: `docs[offsets[u]..offsets[u + 1]]`).
    pub fn occurrences(&self) -> Occurrences {
        let mut rows: Vec<(u32, u32)> = self
            .paragraphs
            .iter()
            .filter(|p| p.kind == Kind::Body)
            .map(|p| (p.unique, p.doc))
            .collect();
        rows.sort_unstable();
        rows.dedup();
        let mut offsets = vec![0u32; self.uniques.len() + 1];
        for &(u, _) in &rows {
            offsets[u as usize + 1] += 1;
        }
        for i in 0..self.uniques.len() {
            offsets[i + 1] += offsets[i];
        }
        Occurrences { offsets, docs: rows.into_iter().map(|r| r.1).collect() }
    }
}

/// The outlet-template evidence of one article: `(unique, context)` for each of its body
/// paragraphs (`body(p)`), the context being the content key of the article's longest
/// *other* body paragraph, so that re-sends of one story share a context. Ties between
/// equally long paragraphs go to the larger `id(unique)` (the unique's id in the run's
/// store); `key(unique)` is its content key. Used by [`Store::mark_templates`] and by index
/// queries, which must derive the same contexts for new articles.
pub(crate) fn template_contexts(
    paras: &[ParaMeta],
    body: impl Fn(&ParaMeta) -> bool,
    id: impl Fn(u32) -> u32,
    key: impl Fn(u32) -> u128,
) -> Vec<(u32, u64)> {
    // (tokens, id, unique) of the two longest body paragraphs.
    let mut top: [(u32, u32, u32); 2] = [(0, u32::MAX, u32::MAX); 2];
    for p in paras.iter().filter(|p| body(p)) {
        let cand = (p.tokens, id(p.unique), p.unique);
        if (cand.0, cand.1) > (top[0].0, top[0].1) || top[0].1 == u32::MAX {
            top[1] = top[0];
            top[0] = cand;
        } else if (cand.0, cand.1) > (top[1].0, top[1].1) || top[1].1 == u32::MAX {
            top[1] = cand;
        }
    }
    paras
        .iter()
        .filter(|p| body(p))
        .map(|p| {
            let other = if p.unique == top[0].2 { top[1].2 } else { top[0].2 };
            let context = if other == u32::MAX { 0 } else { key(other) as u64 | 1 };
            (p.unique, context)
        })
        .collect()
}

/// Documents per unique paragraph (see [`Store::occurrences`]).
#[derive(Debug, Clone, Default)]
pub struct Occurrences {
    offsets: Vec<u32>,
    docs: Vec<u32>,
}

impl Occurrences {
    /// Documents containing unique paragraph `u`.
    pub fn of(&self, u: u32) -> &[u32] {
        &self.docs[self.offsets[u as usize] as usize..self.offsets[u as usize + 1] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::Fingerprinter;
    use crate::shingle::Shingler;

    fn add(store: &mut Store, id: &str, outlet: &str, text: &str) -> Result<u32, RecordProblem> {
        let fp = Fingerprinter::new(Shingler::new(5, 1)).fingerprint(text);
        let doc = Document::new(id, text).with_outlet(outlet);
        let loc = Location { path: "t.jsonl".into(), line: store.docs.len() as u64 + 1 };
        store.add(&doc, fp, SourceRef { input: 0, line: loc.line, offset: 0 }, &loc)
    }

    const WIRE: &str =
        "The central bank raised its main rate by half a point on Tuesday, citing inflation.";
    const FOOTER: &str =
        "The Daily Planet is published by Planet Media Group from its offices on Harbour Street.";

    #[test]
    fn identical_paragraphs_are_stored_once() {
        let mut s = Store::new(vec![]);
        add(&mut s, "a", "X", WIRE).unwrap();
        add(
            &mut s,
            "b",
            "Y",
            &format!("Local lede about the town council meeting tonight.\n\n{WIRE}"),
        )
        .unwrap();
        assert_eq!(s.uniques.len(), 2);
        let occ = s.occurrences();
        let wire_u = s.doc_paragraphs(0)[0].unique;
        assert_eq!(occ.of(wire_u), &[0, 1]);
        assert_eq!(s.doc_index("b"), Some(1));
        assert_eq!(s.outlet_of(1), Some("Y"));
    }

    #[test]
    fn duplicate_ids_are_refused_with_first_location() {
        let mut s = Store::new(vec![]);
        add(&mut s, "a", "X", WIRE).unwrap();
        let e = add(&mut s, "a", "X", "Another text entirely.").unwrap_err();
        assert!(
            matches!(e, RecordProblem::DuplicateId { ref first, .. } if first.line == 1),
            "{e:?}"
        );
        assert_eq!(s.docs.len(), 1);
    }

    #[test]
    fn outlet_templates_are_learned_but_resends_are_kept() {
        let mut s = Store::new(vec![]);
        for i in 0..3 {
            let story = format!(
                "Story number {i} is about a completely different subject than the others here."
            );
            add(&mut s, &format!("p{i}"), "Planet", &format!("{story}\n\n{FOOTER}")).unwrap();
        }
        // The wire re-sends one story three times: same paragraphs, same context.
        for i in 0..3 {
            add(
                &mut s,
                &format!("w{i}"),
                "Wire",
                &format!("{WIRE}\n\nSecond paragraph of the wire story, unchanged."),
            )
            .unwrap();
        }
        assert_eq!(s.mark_templates(3), 3);
        let footer_kind = s.doc_paragraphs(0)[1].kind;
        assert_eq!(footer_kind, Kind::Boilerplate(Boilerplate::Template));
        assert!(s.doc_paragraphs(3).iter().all(|p| p.kind == Kind::Body));
        let st = s.stats();
        assert_eq!(st.boilerplate, vec![(Boilerplate::Template, 3)]);
        assert_eq!(st.unique_paragraphs, 5);
    }
}

//! The corpus's boilerplate vocabulary: what its site and distributor text reads like.
//!
//! A company's "About" paragraph printed in two of its press releases, a law firm's
//! contact block in two of its notices, a paywall notice in two small papers: in a sample
//! of a crawl such text is shared by two articles only, so nothing in the corpus can show
//! that it recurs. What does show is its wording. Every corpus tells which words its
//! furniture is made of: the paragraphs set aside by the rules (share lines, footers,
//! newsletter prompts, press-release closing sections…) and by corpus-level learning
//! (outlet templates, text recurring across news cycles). Against the words of its body
//! text, each word gets a log-odds ([`Vocabulary::log_odds`]): positive for words of
//! furniture ("subscription", "rights", "reserved", "visit", "leading provider"…),
//! negative for words of reporting.
//!
//! Alignment asks, for each paragraph pair that carries evidence, whether the words the
//! two paragraphs share read more like the corpus's furniture than like its stories (mean
//! log-odds above [`THRESHOLD`]): if so, the pair aligns and counts in coverage but is no
//! evidence of reuse. A wire paragraph spliced into another story reads like a story.
//!
//! The model is learned only when the corpus has enough furniture to learn from
//! ([`MIN_SEED_WORDS`]); otherwise nothing changes. It depends on no language: words are
//! hashed tokens. Cost: one hash per token while fingerprinting (4 bytes per distinct word
//! of each distinct paragraph are kept), a pass over the distinct paragraphs to learn, and
//! a merge of two small sets per aligned paragraph pair.

use ahash::AHashMap;
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::normalize::Tokens;
use crate::shingle::fold;

/// Seed of the word hashes.
const WORD_SEED: u64 = 0x776f_7264_7321;

/// The model is learned only from this many furniture words (distinct words of distinct
/// paragraphs) or more: below, a few footers would make every word they hold suspect.
pub const MIN_SEED_WORDS: u64 = 2_000;

/// Shared words whose mean log-odds exceeds this read like furniture: more likely under
/// the corpus's boilerplate than under its stories.
pub const THRESHOLD: f32 = -0.3;

/// Dirichlet smoothing of both sides toward the corpus-wide word distribution: a word seen
/// once in the whole corpus says nothing about which side it belongs to (additive
/// smoothing would call every rare name furniture, the furniture side being the smaller).
const MU: f64 = 2_000.0;

/// Hash of one word.
#[inline]
pub fn word_hash(w: &str) -> u32 {
    fold(xxh3_64_with_seed(w.as_bytes(), WORD_SEED))
}

/// Appends the distinct words of tokens `range` of `toks` (numbers left out: they say
/// nothing of the wording), sorted, to `out`.
pub fn word_set(toks: &Tokens, range: std::ops::Range<usize>, out: &mut Vec<u32>) {
    let start = out.len();
    for i in range {
        let w = toks.get(i);
        if !w.bytes().all(|b| b.is_ascii_digit()) {
            out.push(word_hash(w));
        }
    }
    out[start..].sort_unstable();
    let mut end = start;
    for i in start..out.len() {
        if end == start || out[i] != out[end - 1] {
            out[end] = out[i];
            end += 1;
        }
    }
    out.truncate(end);
}

/// Word counts of the two sides, gathered before the model is learned.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    /// Per word: distinct furniture paragraphs holding it.
    pub furniture: AHashMap<u32, u32>,
    /// Per word: distinct body paragraphs holding it.
    pub story: AHashMap<u32, u32>,
}

impl Counts {
    /// Counts the distinct words of one furniture paragraph.
    pub fn add_furniture(&mut self, words: &[u32]) {
        for &w in words {
            *self.furniture.entry(w).or_default() += 1;
        }
    }

    /// Counts the distinct words of one body paragraph.
    pub fn add_story(&mut self, words: &[u32]) {
        for &w in words {
            *self.story.entry(w).or_default() += 1;
        }
    }
}

/// The learned model: a log-odds per word seen in the corpus.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    log_odds: AHashMap<u32, f32>,
}

impl Vocabulary {
    /// Learns the model from `counts`, or `None` when there is too little furniture.
    pub fn learn(counts: &Counts) -> Option<Vocabulary> {
        let nb: u64 = counts.furniture.values().map(|&c| c as u64).sum();
        if nb < MIN_SEED_WORDS {
            return None;
        }
        let ns: u64 = counts.story.values().map(|&c| c as u64).sum();
        let mut vocab: Vec<u32> =
            counts.furniture.keys().chain(counts.story.keys()).copied().collect();
        vocab.sort_unstable();
        vocab.dedup();
        let total = (nb + ns) as f64;
        let (db, ds) = ((nb as f64 + MU).ln(), (ns as f64 + MU).ln());
        let log_odds = vocab
            .into_iter()
            .map(|w| {
                let b = *counts.furniture.get(&w).unwrap_or(&0) as f64;
                let s = *counts.story.get(&w).unwrap_or(&0) as f64;
                let prior = MU * (b + s) / total;
                (w, (((b + prior).ln() - db) - ((s + prior).ln() - ds)) as f32)
            })
            .collect();
        Some(Vocabulary { log_odds })
    }

    /// A model from stored log-odds (a persistent index keeps the run's model).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (u32, f32)>) -> Vocabulary {
        Vocabulary { log_odds: pairs.into_iter().collect() }
    }

    /// Every (word, log-odds), sorted by word.
    pub fn pairs(&self) -> Vec<(u32, f32)> {
        let mut v: Vec<(u32, f32)> = self.log_odds.iter().map(|(&w, &l)| (w, l)).collect();
        v.sort_unstable_by_key(|p| p.0);
        v
    }

    /// The log-odds of a word (0 for a word the corpus never held).
    pub fn log_odds(&self, w: u32) -> f32 {
        self.log_odds.get(&w).copied().unwrap_or(0.0)
    }

    /// Whether the words two paragraphs share (their sorted word sets `a` and `b`) read
    /// like the corpus's furniture.
    pub fn shared_is_furniture(&self, a: &[u32], b: &[u32]) -> bool {
        let (mut i, mut j) = (0, 0);
        let (mut sum, mut n) = (0.0f32, 0u32);
        while i < a.len() && j < b.len() {
            let (x, y) = (a[i], b[j]);
            if x == y {
                sum += self.log_odds(x);
                n += 1;
            }
            i += (x <= y) as usize;
            j += (y <= x) as usize;
        }
        n > 0 && sum / n as f32 > THRESHOLD
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::Normalizer;

    fn words(text: &str) -> Vec<u32> {
        let t = Normalizer::new().tokenize(text);
        let mut out = Vec::new();
        word_set(&t, 0..t.len(), &mut out);
        out
    }

    #[test]
    fn word_sets_are_sorted_distinct_and_skip_numbers() {
        let w = words("The 2015 report: the report, THE REPORT.");
        assert_eq!(w.len(), 2);
        assert!(w.windows(2).all(|p| p[0] < p[1]));
    }

    #[test]
    fn furniture_words_are_told_from_reporting() {
        let mut c = Counts::default();
        for i in 0..400 {
            c.add_furniture(&words(&format!(
                "Subscription required: you need an online account to view this article in its entirety {i}"
            )));
            c.add_story(&words(&format!(
                "Police said the driver, {i}, was taken to hospital after the crash on the motorway"
            )));
        }
        let v = Vocabulary::learn(&c).expect("enough furniture");
        let notice = words("You need an online subscription to view this article");
        let story = words("The driver was taken to hospital, police said");
        assert!(v.shared_is_furniture(&notice, &notice));
        assert!(!v.shared_is_furniture(&story, &story));
        assert!(Vocabulary::learn(&Counts::default()).is_none());
    }
}

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

/// Scores are log-odds in units of 1/SCALE (see [`Vocabulary::score`]).
const SCALE: f32 = 16.0;

fn quantise(log_odds: f32) -> i8 {
    (log_odds * SCALE).round().clamp(-127.0, 127.0) as i8
}

/// Dirichlet smoothing of both sides toward the corpus-wide word distribution: a word seen
/// once in the whole corpus says nothing about which side it belongs to (additive
/// smoothing would call every rare name furniture, the furniture side being the smaller).
const MU: f64 = 2_000.0;

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// Hash of one word: a multiply-rotate over its bytes, eight at a time (little-endian,
/// so the same on every machine: indexes store these). Words are short; a general hash
/// cost a tenth of the whole fingerprint stage.
#[inline]
pub fn word_hash(w: &str) -> u32 {
    hash_bytes(w.as_bytes())
}

#[inline]
fn hash_bytes(b: &[u8]) -> u32 {
    let mut h = WORD_SEED;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut a = [0u8; 8];
        a.copy_from_slice(c);
        h = (h.rotate_left(23) ^ u64::from_le_bytes(a)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut a = [0u8; 8];
        a[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(23) ^ u64::from_le_bytes(a)).wrapping_mul(K);
    }
    h ^= (b.len() as u64).wrapping_mul(K);
    h ^= h >> 29;
    fold(h.wrapping_mul(K))
}

/// Appends the distinct words of tokens `range` of `toks` (numbers left out: they say
/// nothing of the wording), sorted, to `out`. Returns how many of the tokens are one
/// letter long (obfuscated and tabular text is full of them).
pub fn word_set(toks: &Tokens, range: std::ops::Range<usize>, out: &mut Vec<u32>) -> usize {
    if range.is_empty() {
        return 0;
    }
    let start = out.len();
    let mut short = 0;
    // The tokens are one string joined by single spaces.
    let run = toks.run(range.start, range.end).as_bytes();
    let mut from = 0;
    for end in memchr::memchr_iter(b' ', run).chain(std::iter::once(run.len())) {
        let w = &run[from..end];
        from = end + 1;
        short += (w.len() == 1) as usize;
        if !w.is_empty() && !w.iter().all(u8::is_ascii_digit) {
            out.push(hash_bytes(w));
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
    short
}

/// Word counts of the two sides, gathered before the model is learned. Only words of the
/// furniture side need a count on the story side: for a word the furniture never holds,
/// the smoothed log-odds is the same whatever its story count ([`Vocabulary::unseen`]).
#[derive(Debug, Clone, Default)]
pub struct Counts {
    /// Per word: distinct furniture paragraphs holding it.
    pub furniture: AHashMap<u32, u32>,
    /// Per furniture word: distinct body paragraphs holding it.
    pub story: AHashMap<u32, u32>,
    /// Words of distinct body paragraphs, all words counted.
    pub story_total: u64,
}

/// Dense ids of a fixed set of words: open addressing over the word hashes' own bits
/// (they are hashes already), half full. Learning and scoring look up every word of every
/// distinct paragraph; a general map spent most of that time probing.
#[derive(Debug, Clone, Default)]
pub struct WordIds {
    /// Per slot: the word and its id + 1 (0: empty slot).
    slots: Vec<(u32, u32)>,
    shift: u32,
    len: usize,
}

impl WordIds {
    /// Ids `0..` of `words` (distinct), in their order.
    pub fn new(words: &[u32]) -> WordIds {
        let bits = (words.len().max(1) * 2).next_power_of_two().trailing_zeros().max(4);
        let mut t = WordIds { slots: vec![(0, 0); 1 << bits], shift: 32 - bits, len: 0 };
        for &w in words {
            let mut i = t.slot(w);
            while t.slots[i].1 != 0 && t.slots[i].0 != w {
                i = (i + 1) & (t.slots.len() - 1);
            }
            if t.slots[i].1 == 0 {
                t.len += 1;
                t.slots[i] = (w, t.len as u32);
            }
        }
        t
    }

    #[inline]
    fn slot(&self, w: u32) -> usize {
        (w.wrapping_mul(0x9E37_79B9) >> self.shift) as usize
    }

    /// The id of `w`, if it is one of the words.
    #[inline]
    pub fn get(&self, w: u32) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut i = self.slot(w);
        loop {
            let (k, id) = self.slots[i];
            if id == 0 {
                return None;
            }
            if k == w {
                return Some(id as usize - 1);
            }
            i = (i + 1) & mask;
        }
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// The learned model: a log-odds per word of the corpus's furniture, and one value for
/// every other word.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    words: Vec<u32>,
    ids: WordIds,
    log_odds: Vec<f32>,
    scores: Vec<i8>,
    /// The log-odds of a word the furniture never holds.
    unseen: f32,
}

impl Vocabulary {
    /// Learns the model from `counts`, or `None` when there is too little furniture.
    ///
    /// Both sides are smoothed toward the corpus-wide distribution `P(w)` with weight
    /// [`MU`]: `P(w | side) = (count + MU·P(w)) / (side total + MU)`. For a word with no
    /// furniture count that makes the log-odds `ln(MU·(NS + MU) / ((N + MU)·(NB + MU)))`
    /// whatever its story count: one constant.
    pub fn learn(counts: &Counts) -> Option<Vocabulary> {
        let nb: u64 = counts.furniture.values().map(|&c| c as u64).sum();
        if nb < MIN_SEED_WORDS {
            return None;
        }
        let (nb, ns) = (nb as f64, counts.story_total as f64);
        let total = nb + ns;
        let (db, ds) = ((nb + MU).ln(), (ns + MU).ln());
        let log_odds = counts.furniture.iter().map(|(&w, &b)| {
            let b = b as f64;
            let s = *counts.story.get(&w).unwrap_or(&0) as f64;
            let prior = MU * (b + s) / total;
            (w, (((b + prior).ln() - db) - ((s + prior).ln() - ds)) as f32)
        });
        let unseen = ((MU * (ns + MU)) / ((total + MU) * (nb + MU))).ln() as f32;
        Some(Vocabulary::from_pairs(log_odds, unseen))
    }

    /// A model from stored log-odds and the value of unseen words (a persistent index
    /// keeps the run's model).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (u32, f32)>, unseen: f32) -> Vocabulary {
        let mut pairs: Vec<(u32, f32)> = pairs.into_iter().collect();
        pairs.sort_unstable_by_key(|p| p.0);
        pairs.dedup_by_key(|p| p.0);
        let words: Vec<u32> = pairs.iter().map(|p| p.0).collect();
        let log_odds: Vec<f32> = pairs.iter().map(|p| p.1).collect();
        Vocabulary {
            ids: WordIds::new(&words),
            scores: log_odds.iter().map(|&l| quantise(l)).collect(),
            words,
            log_odds,
            unseen,
        }
    }

    /// The log-odds of a word the furniture never holds.
    pub fn unseen(&self) -> f32 {
        self.unseen
    }

    /// Every (word, log-odds), sorted by word.
    pub fn pairs(&self) -> Vec<(u32, f32)> {
        self.words.iter().copied().zip(self.log_odds.iter().copied()).collect()
    }

    /// The log-odds of a word.
    pub fn log_odds(&self, w: u32) -> f32 {
        self.ids.get(w).and_then(|i| self.log_odds.get(i)).copied().unwrap_or(self.unseen)
    }

    /// The score of a word: its log-odds in sixteenths, saturated to `i8`. Alignment
    /// reads scores from a per-paragraph table filled once ([`Vocabulary::scores`]), not
    /// the map: a map lookup per shared word was a tenth of the alignment stage.
    #[inline]
    pub fn score(&self, w: u32) -> i8 {
        match self.ids.get(w).and_then(|i| self.scores.get(i)) {
            Some(&s) => s,
            None => quantise(self.unseen),
        }
    }

    /// Appends the score of each word of `words` to `out`.
    pub fn scores(&self, words: &[u32], out: &mut Vec<i8>) {
        out.extend(words.iter().map(|&w| self.score(w)));
    }

    /// Whether the words two paragraphs share (their sorted word sets `a` and `b`, with
    /// `a_scores` the scores of `a`) read like the corpus's furniture.
    pub fn shared_is_furniture(a: &[u32], a_scores: &[i8], b: &[u32]) -> bool {
        let (mut i, mut j) = (0, 0);
        let (mut sum, mut n) = (0i32, 0i32);
        while i < a.len() && j < b.len() {
            let (x, y) = (a[i], b[j]);
            if x == y {
                sum += a_scores.get(i).copied().unwrap_or(0) as i32;
                n += 1;
            }
            i += (x <= y) as usize;
            j += (y <= x) as usize;
        }
        n > 0 && sum as f32 > THRESHOLD * SCALE * n as f32
    }

    /// [`Vocabulary::shared_is_furniture`] of a paragraph with itself: whether its own
    /// words read like furniture.
    pub fn is_furniture(scores: &[i8]) -> bool {
        let sum: i32 = scores.iter().map(|&s| s as i32).sum();
        !scores.is_empty() && sum as f32 > THRESHOLD * SCALE * scores.len() as f32
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

    /// Indexes store word hashes: their values are part of the index format. These are
    /// the values of the definition (seeded multiply-rotate over little-endian 8-byte
    /// chunks, length mixed in, folded to 32 bits) computed independently.
    #[test]
    fn word_hashes_are_the_format_values() {
        assert_eq!(word_hash("a"), 0x443a_0740);
        assert_eq!(word_hash("reuters"), 0x13c0_ff53);
        assert_eq!(word_hash("internationalisation"), 0x579e_7f32);
        assert_eq!(word_hash("été"), 0x9b3f_0b6b);
    }

    #[test]
    fn word_sets_are_sorted_distinct_and_skip_numbers() {
        let w = words("The 2015 report: the report, THE REPORT.");
        assert_eq!(w.len(), 2);
        assert!(w.windows(2).all(|p| p[0] < p[1]));
        let mut expected = vec![word_hash("the"), word_hash("report")];
        expected.sort_unstable();
        assert_eq!(w, expected);
        let t = Normalizer::new().tokenize("a b cd 7 e");
        assert_eq!(word_set(&t, 0..t.len(), &mut Vec::new()), 4);
    }

    #[test]
    fn furniture_words_are_told_from_reporting() {
        let mut c = Counts::default();
        let mut story: Vec<u32> = Vec::new();
        for i in 0..400 {
            for w in words(&format!(
                "Subscription required: you need an online account to view this article in its entirety {i}"
            )) {
                *c.furniture.entry(w).or_default() += 1;
            }
            story.extend(words(&format!(
                "Police said the driver, {i}, was taken to hospital after the crash on the motorway"
            )));
        }
        c.story_total = story.len() as u64;
        for w in story {
            if c.furniture.contains_key(&w) {
                *c.story.entry(w).or_default() += 1;
            }
        }
        let v = Vocabulary::learn(&c).expect("enough furniture");
        let notice = words("You need an online subscription to view this article");
        let story = words("The driver was taken to hospital, police said");
        let scored = |w: &[u32]| {
            let mut s = Vec::new();
            v.scores(w, &mut s);
            s
        };
        let (sn, ss) = (scored(&notice), scored(&story));
        assert!(Vocabulary::shared_is_furniture(&notice, &sn, &notice));
        assert!(Vocabulary::is_furniture(&sn));
        assert!(!Vocabulary::shared_is_furniture(&story, &ss, &story));
        assert!(!Vocabulary::is_furniture(&ss));
        // What a notice and a story share ("to", "the"…) is judged on those words alone.
        let paywalled =
            words("Police said the driver was taken to hospital. Subscribe to view this article");
        let mut sp = Vec::new();
        v.scores(&paywalled, &mut sp);
        assert!(Vocabulary::shared_is_furniture(&paywalled, &sp, &notice));
        assert!(!Vocabulary::shared_is_furniture(&paywalled, &sp, &story));
        assert!(Vocabulary::learn(&Counts::default()).is_none());
    }
}

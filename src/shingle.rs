//! Word shingles hashed with xxh3.
//!
//! A shingle is `k` consecutive word tokens. Its hash is xxh3-64 (fixed seed) of the tokens
//! joined by single spaces — exactly the bytes a user would hash by hand — folded to 32
//! bits for storage and MinHash. 32 bits are plenty: two paragraphs of 50 shingles share a
//! false collision with probability about 50·50/2³², and every score is computed on whole
//! sets where one stray collision moves a Jaccard value by 1/100.
//!
//! A paragraph shorter than `k` tokens gets one shingle made of all its tokens, so that it
//! matches only a paragraph with the same words: short paragraphs neither vanish nor all
//! look alike (an empty set would be "identical" to every other empty set).
//!
//! The lowest bit of a hash is not part of the text's hash: it says whether the shingle is
//! quoted material ([`QUOTED`], see [`crate::quotes`]). A quoted shingle matches only the
//! same words quoted elsewhere, and alignment counts it in coverage but not as evidence of
//! reuse. Prose shingles have the bit clear.
//!
//! Cost: O(tokens) per paragraph, one xxh3 call on ~30 bytes per shingle.

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::normalize::Tokens;

/// The bit of a shingle hash that marks quoted material: set when most of the shingle's
/// words are inside a quotation.
pub const QUOTED: u32 = 1;

/// Whether a shingle hash is prose (evidence of reuse), not quoted material.
#[inline]
pub fn is_prose(h: u32) -> bool {
    h & QUOTED == 0
}

/// Hashes word shingles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shingler {
    k: usize,
    seed: u64,
}

impl Shingler {
    /// A shingler for `k`-word shingles (k ≥ 1) hashed with `seed`.
    pub fn new(k: usize, seed: u64) -> Self {
        Shingler { k: k.max(1), seed }
    }

    /// Shingle size in words.
    pub fn k(&self) -> usize {
        self.k
    }

    /// Appends the hashes of the shingles of tokens `range` of `toks` to `out`, in text
    /// order (with repeats), all prose. Appends nothing for an empty range.
    pub fn hashes(&self, toks: &Tokens, range: std::ops::Range<usize>, out: &mut Vec<u32>) {
        let n = range.len();
        if n == 0 {
            return;
        }
        if n < self.k {
            out.push(self.hash(toks.run(range.start, range.end)));
            return;
        }
        out.reserve(n + 1 - self.k);
        for i in range.start..=range.end - self.k {
            out.push(self.hash(toks.run(i, i + self.k)));
        }
    }

    /// [`Shingler::hashes`] where `quoted[i]` says whether token `range.start + i` is
    /// quoted (empty: none is): a shingle most of whose words are quoted gets [`QUOTED`].
    pub fn hashes_marked(
        &self,
        toks: &Tokens,
        range: std::ops::Range<usize>,
        quoted: &[bool],
        out: &mut Vec<u32>,
    ) {
        if quoted.is_empty() {
            return self.hashes(toks, range, out);
        }
        let n = range.len();
        if n == 0 {
            return;
        }
        let mark = |h: u32, from: usize, len: usize| {
            let q = quoted.get(from..from + len).map_or(0, |w| w.iter().filter(|&&x| x).count());
            if q * 2 > len { h | QUOTED } else { h }
        };
        if n < self.k {
            out.push(mark(self.hash(toks.run(range.start, range.end)), 0, n));
            return;
        }
        out.reserve(n + 1 - self.k);
        for i in range.start..=range.end - self.k {
            out.push(mark(self.hash(toks.run(i, i + self.k)), i - range.start, self.k));
        }
    }

    /// Hash of one shingle's text (as prose: [`QUOTED`] clear).
    #[inline]
    pub fn hash(&self, text: &str) -> u32 {
        fold(xxh3_64_with_seed(text.as_bytes(), self.seed)) & !QUOTED
    }
}

/// Folds a 64-bit hash to 32 bits, keeping entropy from both halves.
#[inline]
pub fn fold(h: u64) -> u32 {
    (h ^ (h >> 32)) as u32
}

/// Sorts and de-duplicates shingle hashes in place: the set form used for Jaccard and
/// containment.
pub fn to_set(hashes: &mut Vec<u32>) {
    hashes.sort_unstable();
    hashes.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::Normalizer;

    #[test]
    fn k_word_windows_in_order() {
        let t = Normalizer::new().tokenize("a b c d e f");
        let s = Shingler::new(5, 7);
        let mut out = Vec::new();
        s.hashes(&t, 0..t.len(), &mut out);
        assert_eq!(out, vec![s.hash("a b c d e"), s.hash("b c d e f")]);
    }

    #[test]
    fn short_text_is_one_shingle_of_all_words() {
        let t = Normalizer::new().tokenize("More to follow.");
        let s = Shingler::new(5, 7);
        let mut out = Vec::new();
        s.hashes(&t, 0..t.len(), &mut out);
        assert_eq!(out, vec![s.hash("more to follow")]);
        out.clear();
        s.hashes(&t, 1..1, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn seed_changes_hashes_and_is_stable() {
        let a = Shingler::new(5, 1).hash("the quick brown fox jumps");
        let b = Shingler::new(5, 2).hash("the quick brown fox jumps");
        assert_ne!(a, b);
        // Golden value: hashes are part of the on-disk format and must never drift.
        assert_eq!(a, fold(xxh3_64_with_seed(b"the quick brown fox jumps", 1)) & !QUOTED);
    }

    #[test]
    fn shingles_mostly_inside_a_quotation_are_marked() {
        let t = Normalizer::new().tokenize("he said we will win big tonight");
        let s = Shingler::new(5, 7);
        // "we will win big tonight" quoted.
        let q = [false, false, true, true, true, true, true];
        let mut out = Vec::new();
        s.hashes_marked(&t, 0..t.len(), &q, &mut out);
        let marked: Vec<bool> = out.iter().map(|&h| !is_prose(h)).collect();
        // he said we will win (3/5 quoted), said we will win big (4/5), we will win big tonight (5/5)
        assert_eq!(marked, [true, true, true]);
        assert_eq!(out[2] & !QUOTED, s.hash("we will win big tonight"));
        let q = [false, false, false, true, true, true, true];
        out.clear();
        s.hashes_marked(&t, 0..t.len(), &q, &mut out);
        assert_eq!(out.iter().map(|&h| !is_prose(h)).collect::<Vec<_>>(), [false, true, true]);
    }

    #[test]
    fn set_form_is_sorted_and_unique() {
        let mut v = vec![5, 1, 5, 3, 1];
        to_set(&mut v);
        assert_eq!(v, vec![1, 3, 5]);
    }
}

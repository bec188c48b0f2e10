//! Exact set similarity for verifying candidates.
//!
//! LSH proposes pairs; this module decides them on the exact shingle sets, which are kept
//! (sorted `u32` hashes, 4 bytes per shingle) precisely so that no estimate stands between a
//! candidate and its verdict. Containment matters as much as Jaccard: a copy is often a cut
//! or a merge of paragraphs, so the smaller set may sit entirely inside the larger one while
//! their Jaccard is only one half.
//!
//! Cost: O(|a| + |b|) per pair by a merge, or O(|a| log |b|) by galloping when one set is
//! much smaller than the other.

/// Number of common elements of two sorted, de-duplicated slices.
pub fn intersection(a: &[u32], b: &[u32]) -> usize {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.is_empty() {
        return 0;
    }
    if small.len() * 16 < large.len() {
        return small.iter().filter(|x| large.binary_search(x).is_ok()).count();
    }
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < small.len() && j < large.len() {
        let (x, y) = (small[i], large[j]);
        n += (x == y) as usize;
        i += (x <= y) as usize;
        j += (y <= x) as usize;
    }
    n
}

/// Appends the common elements of two sorted, de-duplicated slices to `out`, in order.
pub fn intersect_into(a: &[u32], b: &[u32], out: &mut Vec<u32>) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        if x == y {
            out.push(x);
        }
        i += (x <= y) as usize;
        j += (y <= x) as usize;
    }
}

/// Overlap of two shingle sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Overlap {
    /// Shingles in both.
    pub shared: u32,
    /// Size of the first set.
    pub len_a: u32,
    /// Size of the second set.
    pub len_b: u32,
}

impl Overlap {
    /// The overlap of two sorted, de-duplicated sets.
    pub fn of(a: &[u32], b: &[u32]) -> Overlap {
        Overlap { shared: intersection(a, b) as u32, len_a: a.len() as u32, len_b: b.len() as u32 }
    }

    /// Whether this overlap verifies a candidate paragraph pair: Jaccard at the index's
    /// threshold, or one paragraph contained in the other with at least
    /// `align_min_shared` shingles (a wire paragraph inside a longer local one). The one
    /// accept rule of the full run, an index query and alignment's "strong pair".
    pub fn accepted(&self, cfg: &crate::config::Config) -> bool {
        self.jaccard() >= cfg.threshold
            || (self.containment() >= cfg.min_containment && self.shared >= cfg.align_min_shared)
    }

    /// |A ∩ B| / |A ∪ B|.
    pub fn jaccard(&self) -> f64 {
        let union = self.len_a + self.len_b - self.shared;
        if union == 0 { 0.0 } else { self.shared as f64 / union as f64 }
    }

    /// |A ∩ B| / min(|A|, |B|): how much of the smaller set is inside the larger.
    pub fn containment(&self) -> f64 {
        let m = self.len_a.min(self.len_b);
        if m == 0 { 0.0 } else { self.shared as f64 / m as f64 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive(a: &[u32], b: &[u32]) -> usize {
        a.iter().filter(|x| b.contains(x)).count()
    }

    #[test]
    fn jaccard_and_containment() {
        let o = Overlap::of(&[1, 2, 3, 4], &[3, 4, 5, 6, 7, 8]);
        assert_eq!(o.shared, 2);
        assert!((o.jaccard() - 0.25).abs() < 1e-12);
        assert!((o.containment() - 0.5).abs() < 1e-12);
        assert_eq!(Overlap::of(&[], &[]).jaccard(), 0.0);
        assert_eq!(Overlap::of(&[], &[1]).containment(), 0.0);
    }

    proptest! {
        #[test]
        fn intersection_matches_naive_and_is_symmetric(
            mut a in proptest::collection::vec(0u32..500, 0..60),
            mut b in proptest::collection::vec(0u32..500, 0..2000),
        ) {
            a.sort_unstable(); a.dedup();
            b.sort_unstable(); b.dedup();
            prop_assert_eq!(intersection(&a, &b), naive(&a, &b));
            prop_assert_eq!(intersection(&b, &a), naive(&a, &b));
        }
    }
}

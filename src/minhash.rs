//! MinHash signatures.
//!
//! Scheme, chosen by measurement (`cargo bench --bench minhash_schemes`, figures in
//! `BENCHMARKS.md`): `num_perm` independent hash functions `h_i(x) = a_i·x + b_i mod 2³²`
//! (a_i odd, so each is a permutation of the 32-bit shingle hashes), the signature being the
//! minimum of each over the set. Paragraphs are small sets (20–100 shingles), and that
//! decides it:
//!
//! * One-permutation hashing with optimal densification costs one hash per shingle, but a
//!   40-shingle paragraph fills only ~34 of 128 bins and the ~94 empty ones each need a few
//!   hashed probes: measured, it is 10× *slower* than the loop below on paragraph-sized sets,
//!   and its error there is 8–18 % above the ideal (it wins only on sets far larger than k,
//!   which wirematch never signs).
//! * k independent functions reach the ideal error `sqrt(J(1-J)/k)` at every set size. As
//!   one multiply-add-min per lane over blocks of 32 lanes, the loop compiles to 8-wide AVX2
//!   (selected at run time) and costs about 3.8 ns per shingle for 128 values.
//!
//! The inputs are already xxh3 hashes, i.e. uniformly spread; a bijective affine map of
//! uniform values keeps the min of each function uniform over the set, and the statistical
//! tests in this module check the estimator against the ideal error.

/// Lanes processed together; 32 u32 lanes = four AVX2 registers of accumulators.
const BLOCK: usize = 32;

/// Computes MinHash signatures with a fixed, seeded family of hash functions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinHasher {
    a: Vec<u32>,
    b: Vec<u32>,
    seed: u64,
}

/// splitmix64: a tiny, well-mixed generator for deriving parameters from one seed.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl MinHasher {
    /// A hasher producing `num_perm` values per signature (≥ 1), derived from `seed`.
    pub fn new(num_perm: usize, seed: u64) -> Self {
        let mut st = seed;
        let mut a = Vec::with_capacity(num_perm);
        let mut b = Vec::with_capacity(num_perm);
        for _ in 0..num_perm.max(1) {
            let r = splitmix64(&mut st);
            a.push((r as u32) | 1);
            b.push((r >> 32) as u32);
        }
        MinHasher { a, b, seed }
    }

    /// Signature length.
    pub fn num_perm(&self) -> usize {
        self.a.len()
    }

    /// The seed the functions were derived from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Writes the signature of `set` (shingle hashes; repeats allowed) into `out`, which
    /// must be `num_perm` long. An empty set gives all `u32::MAX`.
    pub fn sign_into(&self, set: &[u32], out: &mut [u32]) {
        assert_eq!(out.len(), self.a.len(), "signature buffer has the wrong length");
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2, checked just above.
                unsafe { sign_avx2(&self.a, &self.b, set, out) };
                return;
            }
        }
        sign_portable(&self.a, &self.b, set, out);
    }

    /// The signature of `set`.
    pub fn sign(&self, set: &[u32]) -> Vec<u32> {
        let mut out = vec![0; self.a.len()];
        self.sign_into(set, &mut out);
        out
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn sign_avx2(a: &[u32], b: &[u32], set: &[u32], out: &mut [u32]) {
    sign_portable(a, b, set, out);
}

#[inline(always)]
fn sign_portable(a: &[u32], b: &[u32], set: &[u32], out: &mut [u32]) {
    let full = out.len() / BLOCK * BLOCK;
    let (out_full, out_rest) = out.split_at_mut(full);
    for ((o, ca), cb) in
        out_full.chunks_exact_mut(BLOCK).zip(a.chunks_exact(BLOCK)).zip(b.chunks_exact(BLOCK))
    {
        let ca: &[u32; BLOCK] = ca.try_into().expect("chunks_exact yields BLOCK items");
        let cb: &[u32; BLOCK] = cb.try_into().expect("chunks_exact yields BLOCK items");
        let mut acc = [u32::MAX; BLOCK];
        for &x in set {
            for j in 0..BLOCK {
                acc[j] = acc[j].min(ca[j].wrapping_mul(x).wrapping_add(cb[j]));
            }
        }
        o.copy_from_slice(&acc);
    }
    for (j, o) in out_rest.iter_mut().enumerate() {
        let (aj, bj) = (a[full + j], b[full + j]);
        *o = set.iter().map(|&x| aj.wrapping_mul(x).wrapping_add(bj)).min().unwrap_or(u32::MAX);
    }
}

/// Estimated Jaccard similarity: the share of positions where two signatures agree.
pub fn estimate_jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / a.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rng(seed: u64) -> impl FnMut() -> u32 {
        let mut s = seed;
        move || splitmix64(&mut s) as u32
    }

    #[test]
    fn portable_and_dispatched_paths_agree() {
        let h = MinHasher::new(100, 3); // not a multiple of the block size
        let mut next = rng(9);
        let set: Vec<u32> = (0..77).map(|_| next()).collect();
        let mut portable = vec![0; 100];
        sign_portable(&h.a, &h.b, &set, &mut portable);
        assert_eq!(h.sign(&set), portable);
    }

    #[test]
    fn signatures_depend_on_the_set_only() {
        let h = MinHasher::new(128, 1);
        let s1 = h.sign(&[5, 9, 1, 9]);
        let s2 = h.sign(&[1, 5, 9]);
        assert_eq!(s1, s2);
        assert_eq!(h.sign(&[]), vec![u32::MAX; 128]);
        assert_ne!(MinHasher::new(128, 2).sign(&[1, 5, 9]), s1);
    }

    /// murmur3's 32-bit finaliser: a bijection, so distinct inputs give distinct values.
    fn fmix32(mut h: u32) -> u32 {
        h ^= h >> 16;
        h = h.wrapping_mul(0x85eb_ca6b);
        h ^= h >> 13;
        h = h.wrapping_mul(0xc2b2_ae35);
        h ^ (h >> 16)
    }

    /// Two sets of `n` distinct shingle hashes sharing exactly `shared`: Jaccard
    /// `shared / (2n - shared)`. `base` makes the values of every call distinct.
    fn exact_pair(n: usize, shared: usize, base: u32) -> (Vec<u32>, Vec<u32>) {
        let v = |i: usize| fmix32(base.wrapping_add(i as u32));
        let a: Vec<u32> = (0..n).map(v).collect();
        let b: Vec<u32> = (0..shared).map(v).chain((n..2 * n - shared).map(v)).collect();
        (a, b)
    }

    #[test]
    fn estimator_bias_and_rmse_match_the_binomial_theory() {
        // With k independent min-wise hash functions the number of agreeing positions is
        // Binomial(k, J), so over T independent trials (new functions, new sets):
        //   mean(e) - J has standard error sqrt(J(1-J) / (k T)), and
        //   mean((e-J)^2) estimates J(1-J)/k = ideal^2 with standard error
        //   sqrt((mu4 - ideal^4) / T), mu4 = J(1-J)(1 + 3(k-2)J(1-J)) / k^3 (binomial).
        // Both are checked to within Z standard errors, two-sided: an estimator that is
        // biased, noisier than ideal, or suspiciously exact (correlated functions) fails.
        // Z = 4: a correct estimator fails a given cell with probability 6e-5.
        const Z: f64 = 4.0;
        let k = 128usize;
        let kf = k as f64;
        // Tolerances follow from the trial count; unoptimised builds use fewer trials.
        let trials = if cfg!(debug_assertions) { 300 } else { 2000 };
        let mut worst = (0.0f64, 0.0f64); // |bias| / SE, |mse - ideal^2| / SE
        let mut ratio = (f64::INFINITY, 0.0f64); // RMSE / ideal, min and max
        for &n in &[10usize, 100, 1000] {
            for target in [0.1f64, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] {
                let shared = ((2.0 * n as f64 * target) / (1.0 + target)).round() as usize;
                let j = shared as f64 / (2 * n - shared) as f64;
                let (mut sum, mut sum_sq) = (0.0, 0.0);
                for t in 0..trials {
                    let h = MinHasher::new(k, (n * 1_000_003 + t) as u64 ^ target.to_bits());
                    let (a, b) = exact_pair(n, shared, (t * 2 * n) as u32 ^ (n as u32) << 24);
                    let e = estimate_jaccard(&h.sign(&a), &h.sign(&b));
                    sum += e - j;
                    sum_sq += (e - j) * (e - j);
                }
                let tf = trials as f64;
                let pq = j * (1.0 - j);
                let ideal2 = pq / kf;
                let bias = sum / tf;
                let mse = sum_sq / tf;
                let se_bias = (pq / (kf * tf)).sqrt();
                let mu4 = pq * (1.0 + 3.0 * (kf - 2.0) * pq) / (kf * kf * kf);
                let se_mse = ((mu4 - ideal2 * ideal2) / tf).sqrt();
                let ctx = format!(
                    "n={n} J={j:.3}: bias {bias:+.5} (SE {se_bias:.5}), RMSE {:.5} vs ideal {:.5}",
                    mse.sqrt(),
                    ideal2.sqrt()
                );
                assert!(bias.abs() <= Z * se_bias, "biased: {ctx}");
                assert!((mse - ideal2).abs() <= Z * se_mse, "error is not the ideal: {ctx}");
                worst.0 = worst.0.max(bias.abs() / se_bias);
                worst.1 = worst.1.max((mse - ideal2).abs() / se_mse);
                let r = (mse / ideal2).sqrt();
                ratio = (ratio.0.min(r), ratio.1.max(r));
            }
        }
        eprintln!(
            "worst deviations: bias {:.2} SE, MSE {:.2} SE; RMSE / ideal in [{:.3}, {:.3}]",
            worst.0, worst.1, ratio.0, ratio.1
        );
    }
}

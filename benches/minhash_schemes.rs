//! Which MinHash scheme: measured, not assumed.
//!
//! Compares the scheme wirematch uses (k independent multiply-add permutations, 8-wide
//! SIMD) with one-permutation hashing plus optimal densification (Shrivastava, ICML 2017),
//! which costs one hash per shingle instead of k. Prints the estimator's RMSE relative to
//! the ideal `sqrt(J(1-J)/k)` on paragraph- and article-sized sets, then times both.
//!
//! `cargo bench --bench minhash_schemes`

use criterion::{Criterion, Throughput};
use std::hint::black_box;
use wirematch::minhash::{MinHasher, estimate_jaccard};

const K: usize = 128;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One-permutation hashing with optimal densification: one hash per element picks a bin
/// and a value; each empty bin copies the bin reached by its own sequence of hashed probes.
struct Oph {
    seed: u64,
}

impl Oph {
    fn sign(&self, set: &[u32], out: &mut [u32; K]) {
        let mut bins = [u32::MAX; K];
        for &x in set {
            let h = mix(x as u64 ^ self.seed);
            let b = (h % K as u64) as usize;
            let v = (h >> 32) as u32;
            if v < bins[b] {
                bins[b] = v;
            }
        }
        if set.is_empty() {
            *out = bins;
            return;
        }
        for j in 0..K {
            out[j] = if bins[j] != u32::MAX {
                bins[j]
            } else {
                let mut attempt = 0u64;
                loop {
                    let probe = (mix(self.seed ^ (j as u64) << 20 ^ attempt) % K as u64) as usize;
                    if bins[probe] != u32::MAX {
                        break bins[probe];
                    }
                    attempt += 1;
                }
            };
        }
    }
}

fn randoms(n: usize, state: &mut u64) -> Vec<u32> {
    (0..n)
        .map(|_| {
            *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            mix(*state) as u32
        })
        .collect()
}

fn error_table() {
    println!("RMSE / ideal sqrt(J(1-J)/k), k = {K}, 400 random pairs per cell (1.00 = ideal)");
    println!("{:>6} {:>6} {:>12} {:>12}", "n", "J", "k-perm", "OPH+dens");
    let mut state = 7u64;
    for &n in &[20usize, 40, 80, 400] {
        for &target in &[0.2f64, 0.5, 0.8] {
            let shared = ((2.0 * n as f64 * target) / (1.0 + target)).round() as usize;
            let j = shared as f64 / (2 * n - shared) as f64;
            let (mut se_k, mut se_o) = (0.0, 0.0);
            let trials = 400;
            for t in 0..trials {
                let common = randoms(shared, &mut state);
                let mut a = common.clone();
                let mut b = common;
                a.extend(randoms(n - shared, &mut state));
                b.extend(randoms(n - shared, &mut state));
                let h = MinHasher::new(K, t);
                let e = estimate_jaccard(&h.sign(&a), &h.sign(&b));
                se_k += (e - j).powi(2);
                let o = Oph { seed: t };
                let (mut sa, mut sb) = ([0u32; K], [0u32; K]);
                o.sign(&a, &mut sa);
                o.sign(&b, &mut sb);
                let e = estimate_jaccard(&sa, &sb);
                se_o += (e - j).powi(2);
            }
            let ideal = (j * (1.0 - j) / K as f64).sqrt();
            println!(
                "{n:>6} {j:>6.2} {:>12.2} {:>12.2}",
                (se_k / trials as f64).sqrt() / ideal,
                (se_o / trials as f64).sqrt() / ideal
            );
        }
    }
}

fn speed(c: &mut Criterion) {
    let mut state = 11u64;
    let sets: Vec<Vec<u32>> = (0..1000).map(|_| randoms(40, &mut state)).collect();
    let mut g = c.benchmark_group("minhash_scheme");
    g.throughput(Throughput::Elements(40 * 1000));
    let h = MinHasher::new(K, 1);
    g.bench_function("k_perm_simd", |b| {
        let mut out = vec![0u32; K];
        b.iter(|| {
            for s in &sets {
                h.sign_into(black_box(s), &mut out);
            }
            out[0]
        })
    });
    let o = Oph { seed: 1 };
    g.bench_function("oph_densified", |b| {
        let mut out = [0u32; K];
        b.iter(|| {
            for s in &sets {
                o.sign(black_box(s), &mut out);
            }
            out[0]
        })
    });
    g.finish();
}

fn main() {
    error_table();
    let mut c = Criterion::default().configure_from_args();
    speed(&mut c);
    c.final_summary();
}

//! Locality-sensitive hashing: from signatures to candidate pairs.
//!
//! A signature of `b·r` values is cut into `b` bands of `r` rows; two items become a
//! candidate pair when all rows of at least one band agree. For items of Jaccard `s` that
//! happens with probability `1 - (1 - s^r)^b`, an S-curve. Given a threshold, bands and rows
//! are chosen as datasketch does: minimise the weighted area under the curve below the
//! threshold (false positives) plus the area above it that the curve misses (false
//! negatives). `--explain` prints the curve.
//!
//! Candidate generation is a sort-based self-join per band: each band owns its
//! `(key, item)` array (no shared hash table, no locks), sorts it and reads off the runs of
//! equal keys. Cost: O(n log n) per band plus the pairs emitted. A run longer than
//! `max_bucket` (boilerplate that slipped through, a near-duplicate flood) does not emit
//! its quadratic number of pairs: each member is paired with the run's hub (its member of
//! smallest rank) instead, which keeps every member connected at linear cost.

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::error::{Error, Result};
use crate::spill::Column;

/// Bands and rows of an LSH index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LshParams {
    /// Number of bands.
    pub bands: usize,
    /// Rows (signature values) per band.
    pub rows: usize,
}

fn integrate(f: impl Fn(f64) -> f64, lo: f64, hi: f64) -> f64 {
    // Composite Simpson; the integrands are smooth polynomials, 2048 panels is ample.
    const N: usize = 2048;
    if hi <= lo {
        return 0.0;
    }
    let h = (hi - lo) / N as f64;
    let mut s = f(lo) + f(hi);
    for i in 1..N {
        let x = lo + i as f64 * h;
        s += if i % 2 == 1 { 4.0 } else { 2.0 } * f(x);
    }
    s * h / 3.0
}

impl LshParams {
    /// Checks the parameters against a signature length.
    pub fn validate(&self, num_perm: usize) -> Result<()> {
        if self.bands == 0 || self.rows == 0 {
            return Err(Error::Config("bands and rows must be at least 1".into()));
        }
        // Checked: bands and rows come from flags and config files, and may be anything.
        match self.bands.checked_mul(self.rows) {
            Some(n) if n <= num_perm => {}
            product => {
                let product = product.map(|n| format!(" = {n}")).unwrap_or_default();
                return Err(Error::Config(format!(
                    "bands × rows = {} × {}{product} exceeds the signature length {num_perm}",
                    self.bands, self.rows,
                )));
            }
        }
        Ok(())
    }

    /// Probability that two items of Jaccard similarity `s` become candidates.
    pub fn probability(&self, s: f64) -> f64 {
        1.0 - (1.0 - s.powi(self.rows as i32)).powi(self.bands as i32)
    }

    /// Area under the S-curve below `threshold` (chance of candidates that should not be).
    pub fn false_positive_area(&self, threshold: f64) -> f64 {
        integrate(|s| self.probability(s), 0.0, threshold)
    }

    /// Area above the S-curve beyond `threshold` (chance of missing pairs that should be).
    pub fn false_negative_area(&self, threshold: f64) -> f64 {
        integrate(|s| 1.0 - self.probability(s), threshold, 1.0)
    }

    /// The bands × rows (b·r ≤ `num_perm`) minimising
    /// `fp_weight · false_positive_area + fn_weight · false_negative_area`.
    pub fn optimal(
        threshold: f64,
        num_perm: usize,
        fp_weight: f64,
        fn_weight: f64,
    ) -> Result<Self> {
        if !(threshold > 0.0 && threshold < 1.0) {
            return Err(Error::Config(format!("threshold must be in (0, 1), got {threshold}")));
        }
        if num_perm == 0 {
            return Err(Error::Config("num_perm must be at least 1".into()));
        }
        let mut best = (f64::INFINITY, LshParams { bands: 1, rows: 1 });
        for bands in 1..=num_perm {
            for rows in 1..=num_perm / bands {
                let p = LshParams { bands, rows };
                let err = fp_weight * p.false_positive_area(threshold)
                    + fn_weight * p.false_negative_area(threshold);
                if err < best.0 {
                    best = (err, p);
                }
            }
        }
        Ok(best.1)
    }

    /// The similarity at which the candidate probability is one half.
    pub fn midpoint(&self) -> f64 {
        (1.0 - 0.5f64.powf(1.0 / self.bands as f64)).powf(1.0 / self.rows as f64)
    }

    /// A printable account of the S-curve around `threshold`.
    pub fn explain(&self, threshold: f64, num_perm: usize) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "LSH: {} bands × {} rows = {} of {num_perm} signature values; threshold {threshold}",
            self.bands,
            self.rows,
            self.bands * self.rows
        );
        let _ = writeln!(
            s,
            "S-curve P(candidate | Jaccard s) = 1 - (1 - s^{})^{}; P = 0.5 at s = {:.3}",
            self.rows,
            self.bands,
            self.midpoint()
        );
        let _ = writeln!(
            s,
            "false-positive area below threshold {:.4}, false-negative area above {:.4}",
            self.false_positive_area(threshold),
            self.false_negative_area(threshold)
        );
        let _ = writeln!(s, "    s   P(candidate)");
        for i in 1..=19 {
            let x = i as f64 * 0.05;
            let p = self.probability(x);
            let bar = "#".repeat((p * 40.0).round() as usize);
            let mark = if (x - threshold).abs() < 0.025 { " <- threshold" } else { "" };
            let _ = writeln!(s, "  {x:.2}  {p:6.3}  {bar}{mark}");
        }
        s
    }

    /// The key of band `band` of `sig`: xxh3 of its rows, seeded by the band number so that
    /// equal rows in different bands never collide. Stored cut to the run's [`KeyWidth`].
    #[inline]
    pub fn band_key(&self, sig: &[u32], band: usize) -> u64 {
        let rows = &sig[band * self.rows..(band + 1) * self.rows];
        let mut buf = [0u8; 4 * 64];
        if rows.len() <= 64 {
            for (i, v) in rows.iter().enumerate() {
                buf[4 * i..4 * i + 4].copy_from_slice(&v.to_le_bytes());
            }
            xxh3_64_with_seed(&buf[..4 * rows.len()], band as u64)
        } else {
            let bytes: Vec<u8> = rows.iter().flat_map(|v| v.to_le_bytes()).collect();
            xxh3_64_with_seed(&bytes, band as u64)
        }
    }
}

/// How many bits of each band key are kept.
///
/// Two unequal bands share a `b`-bit key with probability 2⁻ᵇ, so among `n` items each band
/// adds about n²/2ᵇ⁺¹ accidental candidates, which verification then rejects. With 32 bits
/// that is 2 k per band at 4 M items but 57 k per band at 22 M (a sixth of all candidates
/// at 10 GB of news). Wide keys add a 16-bit check to the 32-bit key, kept in a column of
/// its own: the join sorts on the 32-bit key as before and splits the rare runs of equal
/// keys by their check, so 48 bits cost 2 bytes per band and item more, not a sort of
/// twice the passes over twice the bytes (measured: a 64-bit key cost +30 % in the join
/// and +2.5 GB at 10 GB). Narrow keys are used up to
/// [`crate::config::Config::wide_keys_from`] items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum KeyWidth {
    /// 32-bit keys.
    Narrow,
    /// 48-bit keys: 32 bits and a 16-bit check.
    Wide,
}

impl KeyWidth {
    /// The width for a run of `items` signed items when keys widen beyond `wide_from`.
    pub fn for_items(items: usize, wide_from: usize) -> KeyWidth {
        if items > wide_from { KeyWidth::Wide } else { KeyWidth::Narrow }
    }

    /// Bits kept.
    pub fn bits(self) -> u32 {
        match self {
            KeyWidth::Narrow => 32,
            KeyWidth::Wide => 48,
        }
    }

    /// `key` cut to this width.
    #[inline]
    pub fn cut(self, key: u64) -> u64 {
        match self {
            KeyWidth::Narrow => key & 0xffff_ffff,
            KeyWidth::Wide => key & 0xffff_ffff_ffff,
        }
    }

    /// The 32-bit key of a full key (its low bits), as the band columns keep it.
    #[inline]
    pub fn low(key: u64) -> u32 {
        key as u32
    }

    /// The 16-bit check of a full key (bits 32 to 47).
    #[inline]
    pub fn check(key: u64) -> u16 {
        (key >> 32) as u16
    }
}

/// Band keys of a set of items, band-major (`keys[band * n + i]`), on the heap or spilled
/// to a file-backed map (see [`crate::spill`]): the low 32 bits of each key, and with
/// wide keys ([`KeyWidth`]) a 16-bit check in a second column.
#[derive(Debug)]
pub struct BandKeys {
    bands: usize,
    n: usize,
    low: Column<u32>,
    check: Option<Column<u16>>,
}

/// One task's slices of every band's key and check columns.
type ChunkColumns<'a> = (Vec<&'a mut [u32]>, Vec<&'a mut [u16]>);

/// Items filled per parallel task when building band keys.
const FILL_CHUNK: usize = 2048;

/// Items per wave of a spilled build (about 40 MB of a paragraph corpus's shingles).
pub const WAVE: usize = 1 << 18;

impl BandKeys {
    /// Keys for `n` items and `bands` bands on the heap, filled by `fill(i, keys_of_item_i)`
    /// with full 64-bit keys, kept at `width`.
    pub fn build(
        n: usize,
        params: LshParams,
        width: KeyWidth,
        fill: impl Fn(usize, &mut [u64]) + Sync,
    ) -> BandKeys {
        // Band-major from the start (each band's column contiguous for the join): every
        // task owns one chunk of items and, for it, one slice of each band's column(s).
        let bands = params.bands;
        let wide = width == KeyWidth::Wide;
        let mut low = vec![0u32; n * bands];
        let mut check = vec![0u16; if wide { n * bands } else { 0 }];
        let chunks = n.div_ceil(FILL_CHUNK);
        let mut tasks: Vec<ChunkColumns<'_>> =
            (0..chunks).map(|_| (Vec::with_capacity(bands), Vec::new())).collect();
        for col in low.chunks_mut(n.max(1)) {
            for (c, slice) in col.chunks_mut(FILL_CHUNK).enumerate() {
                tasks[c].0.push(slice);
            }
        }
        for col in check.chunks_mut(n.max(1)) {
            for (c, slice) in col.chunks_mut(FILL_CHUNK).enumerate() {
                tasks[c].1.push(slice);
            }
        }
        tasks.into_par_iter().enumerate().for_each(|(c, (mut lows, mut checks))| {
            let mut item = vec![0u64; bands];
            let len = lows.first().map_or(0, |s| s.len());
            for i in 0..len {
                fill(c * FILL_CHUNK + i, &mut item);
                for (col, &k) in lows.iter_mut().zip(&item) {
                    col[i] = KeyWidth::low(k);
                }
                for (col, &k) in checks.iter_mut().zip(&item) {
                    col[i] = KeyWidth::check(k);
                }
            }
        });
        BandKeys { bands, n, low: Column::heap(low), check: wide.then(|| Column::heap(check)) }
    }

    /// Like [`BandKeys::build`], with the keys in file-backed maps in folder `spill`: each
    /// task fills its chunk of items in a small buffer and writes one slice per band.
    /// Items go in waves of [`WAVE`] and `after_wave` runs between waves, so that what
    /// `fill` reads (a spilled shingle arena) can be released as the waves pass.
    pub fn build_spilled(
        n: usize,
        params: LshParams,
        width: KeyWidth,
        spill: &std::path::Path,
        fill: impl Fn(usize, &mut [u64]) + Sync,
        after_wave: impl Fn(),
    ) -> Result<BandKeys> {
        let bands = params.bands;
        let low = Column::<u32>::zeroed(n * bands, Some(spill))?;
        let check = match width {
            KeyWidth::Wide => Some(Column::<u16>::zeroed(n * bands, Some(spill))?),
            KeyWidth::Narrow => None,
        };
        let chunks = n.div_ceil(FILL_CHUNK);
        let per_wave = (WAVE / FILL_CHUNK).max(1);
        for wave in (0..chunks).step_by(per_wave) {
            (wave..(wave + per_wave).min(chunks)).into_par_iter().try_for_each(|c| {
                let start = c * FILL_CHUNK;
                let len = FILL_CHUNK.min(n - start);
                let mut item = vec![0u64; bands];
                let mut lows = vec![0u32; bands * len];
                let mut checks = vec![0u16; if check.is_some() { bands * len } else { 0 }];
                for i in 0..len {
                    fill(start + i, &mut item);
                    for (b, &k) in item.iter().enumerate() {
                        lows[b * len + i] = KeyWidth::low(k);
                    }
                    if !checks.is_empty() {
                        for (b, &k) in item.iter().enumerate() {
                            checks[b * len + i] = KeyWidth::check(k);
                        }
                    }
                }
                for b in 0..bands {
                    low.write_at(b * n + start, &lows[b * len..(b + 1) * len])?;
                    if let Some(check) = &check {
                        check.write_at(b * n + start, &checks[b * len..(b + 1) * len])?;
                    }
                }
                Ok::<(), Error>(())
            })?;
            after_wave();
        }
        Ok(BandKeys { bands, n, low, check })
    }

    /// The width of the keys.
    pub fn width(&self) -> KeyWidth {
        if self.check.is_some() { KeyWidth::Wide } else { KeyWidth::Narrow }
    }

    /// Hands band `b`'s keys back to the operating system once joined (spilled keys only).
    pub fn release_band(&self, b: usize) {
        let range = b * self.n..(b + 1) * self.n;
        self.low.release_range(range.clone());
        if let Some(c) = &self.check {
            c.release_range(range);
        }
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The key of item `i` in band `b`, as kept ([`KeyWidth::cut`]; 0 outside the table).
    pub fn key(&self, b: usize, i: usize) -> u64 {
        let at = b * self.n + i;
        let low = self.low.as_slice().get(at).map_or(0, |&k| k as u64);
        let check = self.check.as_ref().and_then(|c| c.as_slice().get(at)).map_or(0, |&c| c as u64);
        check << 32 | low
    }

    /// Band `b`'s low keys and checks.
    fn band(&self, b: usize) -> (&[u32], Option<&[u16]>) {
        let range = b * self.n..(b + 1) * self.n;
        (
            self.low.as_slice().get(range.clone()).unwrap_or_default(),
            self.check.as_ref().map(|c| c.as_slice().get(range).unwrap_or_default()),
        )
    }
}

/// What candidate generation saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct CandidateStats {
    /// Distinct candidate pairs.
    pub pairs: u64,
    /// Buckets longer than the cap (linked through a hub instead of all pairs).
    pub oversized_buckets: u64,
    /// Size of the largest bucket.
    pub largest_bucket: u64,
}

/// Candidate pairs `(i, j)`, `i < j`, sorted and distinct, over item indices of `keys`.
/// `rank(i)` orders items for choosing the hub of an oversized bucket; it must not depend
/// on input order for results to be order-independent.
pub fn candidates<R: Ord + Copy + Send + Sync>(
    keys: &BandKeys,
    max_bucket: usize,
    rank: impl Fn(u32) -> R + Sync,
) -> (Vec<(u32, u32)>, CandidateStats) {
    let band_pairs = |b: usize| -> BandOut {
        let (low, check) = keys.band(b);
        let out = join_band(low, check, max_bucket, &rank);
        keys.release_band(b);
        out
    };
    // Bands are joined a few at a time (as many as threads) and merged into the distinct
    // pairs so far: a similar pair is found by most of the 28 bands, and collecting every
    // band's pairs before removing repeats held ~20 copies of each (2 GB at 10 GB of news).
    let mut stats = CandidateStats::default();
    let mut all: Vec<(u32, u32)> = Vec::new();
    let group = rayon::current_num_threads().max(1);
    for first in (0..keys.bands).step_by(group) {
        let outs: Vec<BandOut> =
            (first..(first + group).min(keys.bands)).into_par_iter().map(band_pairs).collect();
        for (p, o, l) in outs {
            stats.oversized_buckets += o;
            stats.largest_bucket = stats.largest_bucket.max(l);
            all = par_merge_distinct(&all, &p);
        }
    }
    stats.pairs = all.len() as u64;
    (all, stats)
}

/// Per band: its pairs, oversized buckets, largest bucket.
type BandOut = (Vec<(u32, u32)>, u64, u64);

/// The pairs of one band: items sharing a key, sorted.
fn join_band<R: Ord + Copy>(
    low: &[u32],
    check: Option<&[u16]>,
    max_bucket: usize,
    rank: &impl Fn(u32) -> R,
) -> BandOut {
    // (key, item), items ascending. A stable radix sort on the key (one pass per key byte,
    // O(n)) groups equal keys and keeps their items ascending; a comparison sort of the
    // same column took several times longer. With wide keys a run of equal keys — almost
    // always one item — is split by the check.
    let mut col: Vec<(u32, u32)> = low.iter().enumerate().map(|(i, &k)| (k, i as u32)).collect();
    radsort::sort_by_key(&mut col, |e| e.0);
    let mut out = (Vec::new(), 0u64, 0u64);
    let mut i = 0;
    while i < col.len() {
        let mut j = i + 1;
        while j < col.len() && col[j].0 == col[i].0 {
            j += 1;
        }
        let run = &mut col[i..j];
        match check {
            Some(check)
                if run.len() > 1 && {
                    // Nearly always the members agree: then the run is the bucket.
                    let of = |e: &(u32, u32)| check.get(e.1 as usize).copied().unwrap_or(0);
                    run.iter().any(|e| of(e) != of(&run[0]))
                } =>
            {
                let of = |e: &(u32, u32)| check.get(e.1 as usize).copied().unwrap_or(0);
                run.sort_unstable_by_key(|e| (of(e), e.1));
                let mut a = 0;
                while a < run.len() {
                    let b = a + run[a..].iter().take_while(|e| of(e) == of(&run[a])).count();
                    bucket(&run[a..b], max_bucket, rank, &mut out);
                    a = b;
                }
            }
            _ => bucket(run, max_bucket, rank, &mut out),
        }
        i = j;
    }
    // Items ascend within a bucket, so a band's pairs are distinct (hub pairs aside) but
    // not in order: sorted here, on the band's own thread.
    radsort::sort_by_key(&mut out.0, |&(a, b)| (a, b));
    out
}

/// The pairs of one bucket (items ascending): all of them, or each member with the hub
/// (the member of smallest rank) when the bucket holds more than `max_bucket`.
fn bucket<R: Ord + Copy>(
    run: &[(u32, u32)],
    max_bucket: usize,
    rank: &impl Fn(u32) -> R,
    (pairs, oversized, largest): &mut BandOut,
) {
    *largest = (*largest).max(run.len() as u64);
    if run.len() <= 1 {
        return;
    }
    if run.len() <= max_bucket {
        for x in 0..run.len() {
            for y in x + 1..run.len() {
                pairs.push((run[x].1, run[y].1));
            }
        }
    } else {
        *oversized += 1;
        let hub = hub(run.iter().map(|e| e.1), rank).unwrap_or(run[0].1);
        for e in run {
            if e.1 != hub {
                pairs.push((e.1.min(hub), e.1.max(hub)));
            }
        }
    }
}

/// The hub of an oversized bucket: the member of smallest rank, ties broken by the
/// smaller item. The one choice of both the full run ([`candidates`]) and an index query
/// ([`pairs_of_member`]).
pub(crate) fn hub<R: Ord>(
    members: impl Iterator<Item = u32>,
    rank: impl Fn(u32) -> R,
) -> Option<u32> {
    members.min_by_key(|&m| (rank(m), m))
}

/// The candidate pairs of member `g` in a bucket of `members` (`g` among them): with
/// every other member, or, in a bucket of more than `max_bucket`, with the hub only
/// (every member when `g` is the hub) — the pairs of `g` that [`candidates`] makes of
/// the same bucket. For a query, which sees one member's buckets.
pub(crate) fn pairs_of_member<R: Ord>(
    g: u32,
    members: impl Iterator<Item = u32> + Clone,
    max_bucket: usize,
    rank: impl Fn(u32) -> R,
    out: &mut Vec<(u32, u32)>,
) {
    let size = members.clone().count();
    if size <= 1 {
        return;
    }
    let with = |m: u32| (g.min(m), g.max(m));
    // Ranks are looked up only for an oversized bucket (a stored key is a read of the map).
    match (size > max_bucket).then(|| hub(members.clone(), rank)).flatten() {
        Some(h) if h != g => out.push(with(h)),
        _ => out.extend(members.filter(|&m| m != g).map(with)),
    }
}

/// Elements per piece of a parallel merge.
const MERGE_PIECE: usize = 1 << 16;

/// [`merge_distinct`] in parallel: `a` is cut at values `a[k·MERGE_PIECE]`, `b` at the
/// first element not below each cut, and the pieces are merged independently. Equal
/// values fall into the same piece on both sides, so no repeat crosses a cut.
fn par_merge_distinct<T: Ord + Copy + Send + Sync>(a: &[T], b: &[T]) -> Vec<T> {
    if a.len() + b.len() <= 2 * MERGE_PIECE {
        return merge_distinct(a, b);
    }
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let mut cuts: Vec<(usize, usize)> = (MERGE_PIECE..long.len())
        .step_by(MERGE_PIECE)
        .map(|i| {
            // Move the cut back to the first of a run of equal values.
            let i = long.partition_point(|x| *x < long[i]);
            (i, short.partition_point(|x| *x < long[i]))
        })
        .collect();
    cuts.dedup();
    let bounds: Vec<((usize, usize), (usize, usize))> = std::iter::once((0, 0))
        .chain(cuts.iter().copied())
        .zip(cuts.iter().copied().chain(std::iter::once((long.len(), short.len()))))
        .collect();
    let pieces: Vec<Vec<T>> = bounds
        .par_iter()
        .map(|&((la, sa), (lb, sb))| merge_distinct(&long[la..lb], &short[sa..sb]))
        .collect();
    let mut out = Vec::with_capacity(pieces.iter().map(Vec::len).sum());
    for p in pieces {
        out.extend_from_slice(&p);
    }
    out
}

/// The sorted union of two sorted lists, without repeats.
fn merge_distinct<T: Ord + Copy>(a: &[T], b: &[T]) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let next = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) if x <= y => {
                i += 1;
                j += usize::from(x == y);
                x
            }
            (_, Some(&y)) => {
                j += 1;
                y
            }
            (Some(&x), None) => {
                i += 1;
                x
            }
            (None, None) => break,
        };
        if out.last() != Some(&next) {
            out.push(next);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_keeps_every_value_once_in_order() {
        let a = [1, 3, 3, 5, 9];
        let b = [0, 3, 4, 9, 9, 12];
        assert_eq!(merge_distinct(&a, &b), vec![0, 1, 3, 4, 5, 9, 12]);
        assert_eq!(merge_distinct(&[] as &[u32], &b), vec![0, 3, 4, 9, 12]);
        assert_eq!(merge_distinct(&a, &[]), vec![1, 3, 5, 9]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        #[test]
        fn the_parallel_merge_equals_the_sequential_one(
            mut a in proptest::collection::vec(0u32..3000, 0..400_000),
            mut b in proptest::collection::vec(0u32..3000, 0..300_000),
        ) {
            // Few distinct values: long runs of repeats straddle the cuts.
            a.sort_unstable();
            b.sort_unstable();
            proptest::prop_assert_eq!(par_merge_distinct(&a, &b), merge_distinct(&a, &b));
            proptest::prop_assert_eq!(par_merge_distinct(&b, &a), merge_distinct(&a, &b));
        }
    }

    proptest::proptest! {
        /// A query sees one member's buckets: the pairs it makes for that member are the
        /// full run's pairs of the same bucket that involve it, rank ties included.
        #[test]
        fn a_members_pairs_are_the_buckets_pairs_with_it(
            mut items in proptest::collection::vec(0u32..50, 1..12),
            ranks in proptest::collection::vec(0u8..3, 50),
            max_bucket in 1usize..6,
        ) {
            items.sort_unstable();
            items.dedup();
            let rank = |i: u32| ranks[i as usize];
            let run: Vec<(u32, u32)> = items.iter().map(|&i| (0, i)).collect();
            let mut out = (Vec::new(), 0, 0);
            bucket(&run, max_bucket, &rank, &mut out);
            for &g in &items {
                let mut mine = Vec::new();
                pairs_of_member(g, items.iter().copied(), max_bucket, rank, &mut mine);
                mine.sort_unstable();
                let mut full: Vec<(u32, u32)> =
                    out.0.iter().copied().filter(|&(a, b)| a == g || b == g).collect();
                full.sort_unstable();
                proptest::prop_assert_eq!(mine, full);
            }
        }
    }

    #[test]
    fn optimal_params_match_datasketch() {
        // Golden values from datasketch 2.0.0's MinHashLSH(threshold, num_perm).b/.r
        // (peers venv: `MinHashLSH(threshold=t, num_perm=128)`).
        for (t, bands, rows) in
            [(0.2, 28, 2), (0.3, 37, 3), (0.4, 32, 4), (0.5, 25, 5), (0.7, 14, 9), (0.8, 9, 13)]
        {
            assert_eq!(
                LshParams::optimal(t, 128, 0.5, 0.5).unwrap(),
                LshParams { bands, rows },
                "t={t}"
            );
        }
    }

    #[test]
    fn curve_and_areas_are_consistent() {
        let p = LshParams { bands: 32, rows: 4 };
        assert!((p.probability(0.5) - (1.0 - (1.0 - 0.0625f64).powi(32))).abs() < 1e-12);
        assert!(p.probability(0.0) == 0.0 && (p.probability(1.0) - 1.0).abs() < 1e-12);
        assert!((p.probability(p.midpoint()) - 0.5).abs() < 1e-9);
        // Area under the whole curve = fp area(1) = 1 - fn area(0).
        assert!((p.false_positive_area(1.0) + p.false_negative_area(0.0) - 1.0).abs() < 1e-9);
        assert!(LshParams { bands: 40, rows: 4 }.validate(128).is_err());
        assert!(LshParams::optimal(1.5, 128, 0.5, 0.5).is_err());
        assert!(p.explain(0.5, 128).contains("32 bands × 4 rows"));
    }

    #[test]
    fn equal_bands_make_candidates_and_big_buckets_become_stars() {
        let params = LshParams { bands: 2, rows: 1 };
        // Items 0,1 share band 0; items 2..=6 share band 1 (a bucket of 5, cap 3).
        let sigs: Vec<[u32; 2]> = vec![[1, 10], [1, 11], [2, 7], [3, 7], [4, 7], [5, 7], [6, 7]];
        for width in [KeyWidth::Narrow, KeyWidth::Wide] {
            let keys = BandKeys::build(sigs.len(), params, width, |i, k| {
                for (b, slot) in k.iter_mut().enumerate() {
                    *slot = params.band_key(&sigs[i], b);
                }
            });
            assert_eq!(keys.width(), width);
            let (pairs, stats) = candidates(&keys, 3, std::cmp::Reverse);
            // Hub of the oversized bucket is the item of smallest rank: 6 (reverse order).
            assert_eq!(pairs, vec![(0, 1), (2, 6), (3, 6), (4, 6), (5, 6)]);
            assert_eq!(stats.oversized_buckets, 1);
            assert_eq!(stats.largest_bucket, 5);
            let (all, _) = candidates(&keys, 10, |i| i);
            assert_eq!(all.len(), 1 + 10);
        }
    }

    #[test]
    fn narrow_keys_collide_where_wide_keys_do_not() {
        // Keys that agree in their low 32 bits only: one bucket when narrow, none when wide.
        let params = LshParams { bands: 1, rows: 1 };
        let full = [0x1_0000_0005u64, 0x2_0000_0005, 0x3_0000_0009];
        for (width, want) in [(KeyWidth::Narrow, vec![(0, 1)]), (KeyWidth::Wide, vec![])] {
            let keys = BandKeys::build(3, params, width, |i, k| k[0] = full[i]);
            assert_eq!(candidates(&keys, 10, |i| i).0, want, "{width:?}");
            let dir = tempfile::tempdir().unwrap();
            let spilled =
                BandKeys::build_spilled(3, params, width, dir.path(), |i, k| k[0] = full[i], || {})
                    .unwrap();
            assert_eq!(candidates(&spilled, 10, |i| i).0, want, "{width:?} spilled");
            assert_eq!(spilled.key(0, 2), width.cut(full[2]));
        }
        assert_eq!(KeyWidth::for_items(10, 10), KeyWidth::Narrow);
        assert_eq!(KeyWidth::for_items(11, 10), KeyWidth::Wide);
    }

    /// Wilson score interval for a binomial proportion of `hits` in `n` at normal quantile `z`.
    fn wilson(hits: usize, n: usize, z: f64) -> (f64, f64) {
        let (p, n) = (hits as f64 / n as f64, n as f64);
        let d = 1.0 + z * z / n;
        let mid = (p + z * z / (2.0 * n)) / d;
        let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / d;
        (mid - half, mid + half)
    }

    #[test]
    fn empirical_candidate_probability_follows_the_s_curve() {
        // Pairs of sets of known Jaccard s are signed and run through the real band keys and
        // candidate join; the share of pairs that become candidates must lie within the
        // 99.9 % Wilson interval of 1 - (1 - s^r)^b. Points are chosen on the steep part of
        // each curve, where a wrong r or b (or correlated bands) would show.
        use crate::minhash::MinHasher;
        const Z: f64 = 3.2905; // two-sided 99.9 %
        let fmix = |mut h: u32| {
            h ^= h >> 16;
            h = h.wrapping_mul(0x85eb_ca6b);
            h ^= h >> 13;
            h = h.wrapping_mul(0xc2b2_ae35);
            h ^ (h >> 16)
        };
        let n = 100usize;
        let pairs = 3000usize;
        let default = crate::Config::default().lsh_params().unwrap();
        for (params, points) in [
            (default, &[0.05, 0.1, 0.15, 0.2, 0.3][..]),
            (LshParams { bands: 25, rows: 5 }, &[0.3, 0.4, 0.5, 0.6][..]),
        ] {
            let hasher = MinHasher::new(params.bands * params.rows, 7);
            for &target in points {
                let shared = ((2.0 * n as f64 * target) / (1.0 + target)).round() as usize;
                let s = shared as f64 / (2 * n - shared) as f64;
                // Item 2i and 2i+1 are a pair; values are distinct across all sets.
                let mut sigs = Vec::with_capacity(2 * pairs);
                for p in 0..pairs {
                    let base = (p * 2 * n) as u32;
                    let v = |i: usize| fmix(base + i as u32);
                    let a: Vec<u32> = (0..n).map(v).collect();
                    let b: Vec<u32> =
                        (0..shared).map(v).chain((n..2 * n - shared).map(v)).collect();
                    sigs.push(hasher.sign(&a));
                    sigs.push(hasher.sign(&b));
                }
                // Half the points with each key width: the curve must not depend on it.
                let width = if (target * 100.0) as usize % 10 == 0 {
                    KeyWidth::Wide
                } else {
                    KeyWidth::Narrow
                };
                let keys = BandKeys::build(sigs.len(), params, width, |i, k| {
                    for (band, slot) in k.iter_mut().enumerate() {
                        *slot = params.band_key(&sigs[i], band);
                    }
                });
                let (cands, _) = candidates(&keys, usize::MAX, |i| i);
                let hits = cands.iter().filter(|&&(a, b)| a % 2 == 0 && b == a + 1).count();
                let (lo, hi) = wilson(hits, pairs, Z);
                let want = params.probability(s);
                assert!(
                    lo <= want && want <= hi,
                    "{}x{} at s={s:.3}: {hits}/{pairs} = {:.4}, 99.9% interval [{lo:.4}, {hi:.4}], \
                     theory {want:.4}",
                    params.bands,
                    params.rows,
                    hits as f64 / pairs as f64
                );
                eprintln!(
                    "{}x{} s={s:.3}: observed {:.4} [{lo:.4}, {hi:.4}], theory {want:.4}",
                    params.bands,
                    params.rows,
                    hits as f64 / pairs as f64
                );
            }
        }
    }

    #[test]
    fn the_default_threshold_gives_28_bands_of_2_rows() {
        // Golden: the default configuration (threshold 0.2, 128 values) and what README and
        // `--explain` promise. A change here changes every result; it must be deliberate.
        let c = crate::Config::default();
        assert_eq!((c.threshold, c.num_perm), (0.2, 128));
        let p = c.lsh_params().unwrap();
        assert_eq!(p, LshParams { bands: 28, rows: 2 });
        assert!((p.midpoint() - 0.156369).abs() < 1e-5, "{}", p.midpoint());
        assert!((p.probability(0.2) - 0.681144).abs() < 1e-5, "{}", p.probability(0.2));
    }
}

//! The forward pass: token ids to an L2-normalised 512-float vector, in `f32`.
//!
//! Per token: dequantized embedding (512) → projection to 3 × 256 with one layernorm over
//! the 768 columns → three CNN n-gram branches (orders 2, 3, 5 with left context 0, 1, 2;
//! zero padding outside the sentence; two convolutions each with ReLU and a residual) →
//! `[embedding | branch 2 | branch 3 | branch 5]` (1280) → layernorm. Per sentence: sum
//! over tokens, `@ cnn_W + len · cnn_b`, divided by `sqrt(len)`, then the dense head
//! (d0/p1/d1/d2/p3/d3 with ReLU, tanh) and L2 normalisation.
//!
//! As in the reference, the tokens of several sentences form one flat matrix, so each
//! weight matrix streams through the cache once per micro-batch rather than once per
//! sentence; n-gram windows are clamped to each sentence. The operations and their order
//! of rounding follow the reference (bias added after the product, layernorm as
//! centre / mean of squares / scale / shift, sequential `f32` token sum), which keeps the
//! results within ~1e-6 of it; reductions inside a row use `f64` lanes.
//!
//! A sentence longer than [`TOKEN_BUDGET`] is processed in chunks with a halo of
//! [`HALO`] tokens on each side, enough for the two stacked convolutions, so memory stays
//! bounded and the result is the same as in one piece.

use std::ops::Range;

use super::gemm::gemm;
use super::weights::{CHUNKS, CNN_DIM, EMB_DIM, FEAT_DIM, HIDDEN, ORDERS, PROJ_DIM, Weights};

/// Tokens per micro-batch. matrixmultiply packs the weights on every product, so larger
/// batches amortize that (one core, 1000 news paragraphs: 40k tokens/s at 128, 47k at
/// 256, 50k at 512, 51.6k at 768); 512 keeps a worker's scratch near 7 MB.
pub(crate) const TOKEN_BUDGET: usize = 512;

/// Tokens on each side of a chunk of a long sentence that influence it: two stacked
/// convolutions, each reaching at most 2 tokens left and right.
pub(crate) const HALO: usize = 2 * MAX_REACH;
const MAX_REACH: usize = 2;

/// Buffers of one micro-batch, reused across batches by a worker.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    ids: Vec<u32>,
    segments: Vec<(usize, usize)>,
    feats: Vec<f32>,
    x: Vec<f32>,
    cols: Vec<f32>,
    h: Vec<f32>,
    sums: Vec<f32>,
    mean: Vec<f32>,
    y0: Vec<f32>,
    y1: Vec<f32>,
    y2: Vec<f32>,
    z: Vec<f32>,
}

/// Sentences per call of the dense head: its products have one row per sentence, and
/// matrixmultiply packs the 3.4 MB of head weights on every call, so sentences of several
/// micro-batches share one call (up to its 64-row block).
pub(crate) const HEAD_BATCH: usize = 64;

/// Embeds `sentences` (token ids including BOS/EOS, each non-empty). The token part runs
/// on micro-batches of consecutive sentences of at most [`TOKEN_BUDGET`] tokens (a longer
/// sentence is processed alone, in chunks); the head runs once for all of `sentences`.
pub(crate) fn encode(w: &Weights, sentences: &[Vec<u32>], s: &mut Scratch) -> Vec<[f32; EMB_DIM]> {
    s.sums.clear();
    for batch in micro_batches(sentences) {
        match &sentences[batch.clone()] {
            [long] if long.len() > TOKEN_BUDGET => sum_long(w, long, s),
            group => sum_group(w, group, s),
        }
    }
    let lens: Vec<usize> = sentences.iter().map(Vec::len).collect();
    let mut out = vec![[0f32; EMB_DIM]; sentences.len()];
    let sums = std::mem::take(&mut s.sums);
    head(w, &sums, &lens, s, &mut out);
    s.sums = sums;
    out
}

/// Splits consecutive sentences into micro-batches of at most [`TOKEN_BUDGET`] tokens,
/// as the reference does (a longer sentence forms a batch of its own).
pub(crate) fn micro_batches(sentences: &[Vec<u32>]) -> Vec<Range<usize>> {
    let mut batches = Vec::new();
    let (mut start, mut tokens) = (0, 0);
    for (i, v) in sentences.iter().enumerate() {
        if i > start && tokens + v.len() > TOKEN_BUDGET {
            batches.push(start..i);
            (start, tokens) = (i, 0);
        }
        tokens += v.len();
    }
    if start < sentences.len() {
        batches.push(start..sentences.len());
    }
    batches
}

/// Appends to `s.sums` the token-feature sums of short sentences, computed together.
fn sum_group(w: &Weights, sentences: &[Vec<u32>], s: &mut Scratch) {
    s.ids.clear();
    s.segments.clear();
    for v in sentences {
        s.segments.push((s.ids.len(), v.len()));
        s.ids.extend_from_slice(v);
    }
    token_features(w, s);
    for &(start, len) in &s.segments {
        let at = s.sums.len();
        s.sums.resize(at + FEAT_DIM, 0.0);
        let acc = &mut s.sums[at..];
        for row in s.feats[start * FEAT_DIM..(start + len) * FEAT_DIM].chunks_exact(FEAT_DIM) {
            add_assign(acc, row);
        }
    }
}

/// Appends to `s.sums` the token-feature sum of one long sentence, computed in chunks of
/// [`TOKEN_BUDGET`] tokens each extended by [`HALO`] tokens of context on both sides.
/// The halo rows are computed but not summed; the running sum visits the tokens in order,
/// so the result is the one an unchunked pass would give.
fn sum_long(w: &Weights, ids: &[u32], s: &mut Scratch) {
    let at = s.sums.len();
    s.sums.resize(at + FEAT_DIM, 0.0);
    let n = ids.len();
    let mut a = 0;
    while a < n {
        let b = (a + TOKEN_BUDGET).min(n);
        let (ca, cb) = (a.saturating_sub(HALO), (b + HALO).min(n));
        s.ids.clear();
        s.ids.extend_from_slice(&ids[ca..cb]);
        s.segments.clear();
        s.segments.push((0, cb - ca));
        token_features(w, s);
        let (sums, feats) = (&mut s.sums[at..], &s.feats);
        for row in feats[(a - ca) * FEAT_DIM..(b - ca) * FEAT_DIM].chunks_exact(FEAT_DIM) {
            add_assign(sums, row);
        }
        a = b;
    }
}

/// Fills `s.feats` (`tokens × FEAT_DIM`) with the layernormed features of `s.ids`, the
/// n-gram windows clamped to each of `s.segments` (`(start, len)` in `s.ids`).
fn token_features(w: &Weights, s: &mut Scratch) {
    let t = s.ids.len();
    s.feats.resize(t * FEAT_DIM, 0.0);
    // Raw embedding: dequantize (value * scale + lo, two roundings as in the reference).
    for (row, &id) in s.feats.chunks_exact_mut(FEAT_DIM).zip(&s.ids) {
        let (c, r) = (id as usize % CHUNKS, id as usize / CHUNKS);
        let q = &w.chunks[c][r * EMB_DIM..(r + 1) * EMB_DIM];
        let (scale, lo) = (w.scale[c], w.lo[c]);
        for (d, &v) in row[..EMB_DIM].iter_mut().zip(q) {
            *d = f32::from(v) * scale + lo;
        }
    }
    // Projection to the three branches, one layernorm over all 768 columns.
    fill_rows(&mut s.x, t, &w.proj_b);
    gemm(t, EMB_DIM, PROJ_DIM, &s.feats, FEAT_DIM, &w.proj_w, 1.0, &mut s.x, PROJ_DIM);
    layernorm(&mut s.x, PROJ_DIM, &w.proj_ln_g, &w.proj_ln_b, w.eps);

    for (i, (&(order, left), br)) in ORDERS.iter().zip(&w.branches).enumerate() {
        let k = order * CNN_DIM;
        let off = i * CNN_DIM;
        // First convolution over the branch's slice of x, ReLU, residual.
        im2col(&s.x, PROJ_DIM, off, &s.segments, order, left, &mut s.cols);
        fill_rows(&mut s.h, t, &br.b1);
        gemm(t, k, CNN_DIM, &s.cols, k, &br.w1, 1.0, &mut s.h, CNN_DIM);
        for (h, x) in s.h.chunks_exact_mut(CNN_DIM).zip(s.x.chunks_exact(PROJ_DIM)) {
            relu_add(h, &x[off..off + CNN_DIM]);
        }
        // Second convolution, written straight into the branch's columns of feats.
        im2col(&s.h, CNN_DIM, 0, &s.segments, order, left, &mut s.cols);
        let fo = EMB_DIM + off;
        for row in s.feats.chunks_exact_mut(FEAT_DIM) {
            row[fo..fo + CNN_DIM].copy_from_slice(&br.b2);
        }
        gemm(t, k, CNN_DIM, &s.cols, k, &br.w2, 1.0, &mut s.feats[fo..], FEAT_DIM);
        for (row, h) in s.feats.chunks_exact_mut(FEAT_DIM).zip(s.h.chunks_exact(CNN_DIM)) {
            relu_add(&mut row[fo..fo + CNN_DIM], h);
        }
    }
    layernorm(&mut s.feats, FEAT_DIM, &w.ln_g, &w.ln_b, w.eps);
}

/// The sentence part: `sums` (`S × FEAT_DIM` token-feature sums) and token counts to the
/// final normalised vectors.
fn head(w: &Weights, sums: &[f32], lens: &[usize], s: &mut Scratch, out: &mut [[f32; EMB_DIM]]) {
    let n = lens.len();
    s.mean.resize(n * EMB_DIM, 0.0);
    gemm(n, FEAT_DIM, EMB_DIM, sums, FEAT_DIM, &w.cnn_w, 0.0, &mut s.mean, EMB_DIM);
    for (row, &len) in s.mean.chunks_exact_mut(EMB_DIM).zip(lens) {
        let flen = len as f32;
        let inv = 1.0 / flen.sqrt();
        for (v, &b) in row.iter_mut().zip(&w.cnn_b) {
            *v = (*v + flen * b) * inv;
        }
    }
    s.y0.resize(n * HIDDEN, 0.0);
    gemm(n, EMB_DIM, HIDDEN, &s.mean, EMB_DIM, &w.d0, 0.0, &mut s.y0, HIDDEN);
    relu(&mut s.y0);
    s.y1.resize(n * HIDDEN, 0.0);
    gemm(n, EMB_DIM, HIDDEN, &s.mean, EMB_DIM, &w.p1, 0.0, &mut s.y1, HIDDEN);
    gemm(n, HIDDEN, HIDDEN, &s.y0, HIDDEN, &w.d1, 1.0, &mut s.y1, HIDDEN);
    relu(&mut s.y1);
    s.y2.resize(n * EMB_DIM, 0.0);
    gemm(n, HIDDEN, EMB_DIM, &s.y1, HIDDEN, &w.d2, 0.0, &mut s.y2, EMB_DIM);
    relu(&mut s.y2);
    s.z.resize(n * EMB_DIM, 0.0);
    gemm(n, HIDDEN, EMB_DIM, &s.y1, HIDDEN, &w.p3, 0.0, &mut s.z, EMB_DIM);
    gemm(n, EMB_DIM, EMB_DIM, &s.y2, EMB_DIM, &w.d3, 1.0, &mut s.z, EMB_DIM);
    for (o, z) in out.iter_mut().zip(s.z.chunks_exact(EMB_DIM)) {
        for (o, &v) in o.iter_mut().zip(z) {
            *o = v.tanh();
        }
        let norm2 = (sum_sq(o) as f32).max(w.eps);
        let inv = 1.0 / norm2.sqrt();
        for v in o.iter_mut() {
            *v *= inv;
        }
    }
}

/// Sets `buf` to `rows` copies of `row`.
fn fill_rows(buf: &mut Vec<f32>, rows: usize, row: &[f32]) {
    buf.clear();
    buf.reserve(rows * row.len());
    for _ in 0..rows {
        buf.extend_from_slice(row);
    }
}

/// Builds the n-gram window matrix: row `t` is the concatenation of the `CNN_DIM`-wide
/// slices (at column `off` of `src`, row stride `stride`) of tokens
/// `t - left .. t - left + order`, zeros for tokens outside `t`'s segment.
fn im2col(
    src: &[f32],
    stride: usize,
    off: usize,
    segments: &[(usize, usize)],
    order: usize,
    left: usize,
    cols: &mut Vec<f32>,
) {
    let k = order * CNN_DIM;
    let total: usize = segments.iter().map(|&(_, len)| len).sum();
    cols.resize(total * k, 0.0);
    for &(start, len) in segments {
        for t in start..start + len {
            let row = &mut cols[t * k..(t + 1) * k];
            for (j, dst) in row.chunks_exact_mut(CNN_DIM).enumerate() {
                // Token t - left + j, when it lies inside [start, start + len).
                match (t + j).checked_sub(left) {
                    Some(u) if u >= start && u < start + len => {
                        dst.copy_from_slice(&src[u * stride + off..u * stride + off + CNN_DIM])
                    }
                    _ => dst.fill(0.0),
                }
            }
        }
    }
}

/// Row-wise layernorm: centre, divide by `sqrt(mean of squares + eps)`, scale, shift.
fn layernorm(x: &mut [f32], width: usize, gamma: &[f32], beta: &[f32], eps: f32) {
    let n = width as f64;
    for row in x.chunks_exact_mut(width) {
        let mean = (sum(row) / n) as f32;
        for v in row.iter_mut() {
            *v -= mean;
        }
        let var = (sum_sq(row) / n) as f32;
        let inv = 1.0 / (var + eps).sqrt();
        for ((v, &g), &b) in row.iter_mut().zip(gamma).zip(beta) {
            *v = *v * inv * g + b;
        }
    }
}

/// `f64` sum of `xs` over 8 independent lanes (vectorizable, and more exact than `f32`).
fn sum(xs: &[f32]) -> f64 {
    lanes(xs, f64::from)
}

/// `f64` sum of squares of `xs` over 8 lanes.
fn sum_sq(xs: &[f32]) -> f64 {
    lanes(xs, |v| f64::from(v) * f64::from(v))
}

#[inline(always)]
fn lanes(xs: &[f32], f: impl Fn(f32) -> f64) -> f64 {
    let mut acc = [0f64; 8];
    let chunks = xs.chunks_exact(8);
    let tail = chunks.remainder();
    for c in chunks {
        for (a, &v) in acc.iter_mut().zip(c) {
            *a += f(v);
        }
    }
    let mut total = acc.iter().sum::<f64>();
    for &v in tail {
        total += f(v);
    }
    total
}

fn add_assign(acc: &mut [f32], row: &[f32]) {
    for (a, &v) in acc.iter_mut().zip(row) {
        *a += v;
    }
}

fn relu(x: &mut [f32]) {
    for v in x {
        *v = v.max(0.0);
    }
}

/// `x = max(x, 0) + r`.
fn relu_add(x: &mut [f32], r: &[f32]) {
    for (v, &r) in x.iter_mut().zip(r) {
        *v = v.max(0.0) + r;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micro_batches_follow_the_token_budget() {
        let b = TOKEN_BUDGET;
        let lens = [10, b - 10, 1, b + 50, 3, 4];
        let ids: Vec<Vec<u32>> = lens.iter().map(|&n| vec![5; n]).collect();
        assert_eq!(micro_batches(&ids), vec![0..2, 2..3, 3..4, 4..6]);
        assert!(micro_batches(&[]).is_empty());
    }

    #[test]
    fn im2col_clamps_to_segments() {
        // Two segments of 2 and 1 tokens; token value = its index + 1 in every column.
        let src: Vec<f32> = (0..3).flat_map(|t| vec![t as f32 + 1.0; CNN_DIM]).collect();
        let mut cols = Vec::new();
        im2col(&src, CNN_DIM, 0, &[(0, 2), (2, 1)], 3, 1, &mut cols);
        let firsts: Vec<Vec<f32>> = cols
            .chunks_exact(3 * CNN_DIM)
            .map(|r| r.iter().step_by(CNN_DIM).copied().collect())
            .collect();
        assert_eq!(firsts, vec![vec![0.0, 1.0, 2.0], vec![1.0, 2.0, 0.0], vec![0.0, 3.0, 0.0]]);
    }

    #[test]
    fn layernorm_matches_the_definition() {
        let mut x = vec![1.0f32, 2.0, 3.0, 4.0];
        layernorm(&mut x, 4, &[1.0; 4], &[0.5; 4], 0.0);
        let sd = 1.25f32.sqrt();
        let want: Vec<f32> = [-1.5f32, -0.5, 0.5, 1.5].iter().map(|v| v / sd + 0.5).collect();
        for (a, b) in x.iter().zip(&want) {
            assert!((a - b).abs() < 1e-6, "{x:?} vs {want:?}");
        }
    }

    #[test]
    fn lane_sums() {
        let xs: Vec<f32> = (1..=19).map(|v| v as f32).collect();
        assert_eq!(sum(&xs), 190.0);
        assert_eq!(sum_sq(&[3.0, 4.0]), 25.0);
    }
}

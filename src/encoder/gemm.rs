//! Safe wrapper over `matrixmultiply::sgemm` for the row-major products of the network.
//!
//! matrixmultiply picks its kernel (AVX-512, FMA/AVX2, AVX, SSE2, scalar) at run time, so
//! the binary needs no `target-cpu` flag. For a fixed kernel, each output element is
//! accumulated over `k` in an order that does not depend on `m` or on the other rows, so a
//! sentence gets the same bits whichever micro-batch it is computed in.

/// `C = A · B + beta · C` with `A` `m × k` (row stride `lda`), `B` `k × n` contiguous, and
/// `C` `m × n` (row stride `ldc`). With `beta == 0` the old contents of `C` are ignored.
///
/// Panics if a slice is too short for the shape: that is a bug in the caller (the shapes
/// come from constants and token counts, never from input data), and checking it is what
/// makes the unsafe call sound.
#[allow(clippy::too_many_arguments)]
pub(crate) fn gemm(
    m: usize,
    k: usize,
    n: usize,
    a: &[f32],
    lda: usize,
    b: &[f32],
    beta: f32,
    c: &mut [f32],
    ldc: usize,
) {
    if m == 0 || n == 0 {
        return;
    }
    assert!(k <= lda && n <= ldc, "gemm: row stride smaller than the row");
    assert!(a.len() >= (m - 1) * lda + k, "gemm: A too short");
    assert!(b.len() >= k * n, "gemm: B too short");
    assert!(c.len() >= (m - 1) * ldc + n, "gemm: C too short");
    // SAFETY: the asserts above keep every element read or written inside the slices;
    // `a`/`b` and `c` cannot overlap since `c` is borrowed mutably.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            lda as isize,
            1,
            b.as_ptr(),
            n as isize,
            1,
            beta,
            c.as_mut_ptr(),
            ldc as isize,
            1,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strided_product_with_accumulation() {
        // A is 2x3 inside rows of 4; C is 2x2 inside rows of 3.
        let a = [1.0, 2.0, 3.0, 99.0, 4.0, 5.0, 6.0, 99.0];
        let b = [1.0, 0.0, 0.0, 1.0, 1.0, 1.0];
        let mut c = [10.0, 20.0, -1.0, 30.0, 40.0, -1.0];
        gemm(2, 3, 2, &a, 4, &b, 1.0, &mut c, 3);
        assert_eq!(c, [14.0, 25.0, -1.0, 40.0, 51.0, -1.0]);
        gemm(2, 3, 2, &a, 4, &b, 0.0, &mut c, 3);
        assert_eq!(c, [4.0, 5.0, -1.0, 10.0, 11.0, -1.0]);
    }

    #[test]
    #[should_panic(expected = "A too short")]
    fn short_slices_are_caught() {
        let mut c = [0.0; 4];
        gemm(2, 2, 2, &[1.0; 3], 2, &[1.0; 4], 0.0, &mut c, 2);
    }
}

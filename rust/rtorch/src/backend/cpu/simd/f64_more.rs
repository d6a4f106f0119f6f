//! float64 expm1, tan and rsqrt over the reductions of `f64.rs`, and the exact product
//! they and erf share.

use super::f64::{
    bits, exp_k, from_bits, fused, horner, is_nan, madd, pow2i, reduce_half_pi, reduce_ln2, splat,
    two_sum, COS, EXP_Q, SIN,
};
use super::{Expm1, Rsqrt, Tan, UnaryF64};
use pulp::Simd;

/// `(p, e)` with `p + e = a b` exactly (for products far from the under- and overflow
/// thresholds): one fused multiply-add where the path has FMA; elsewhere (NOTE [ SIMD
/// baseline FMA ]) Dekker's product over 26-bit heads (a masked head and its remainder;
/// the last partial product is the only inexact one, 2^-104 relative).
#[inline(always)]
pub(super) fn two_prod<S: Simd>(s: S, a: S::f64s, b: S::f64s) -> (S::f64s, S::f64s) {
    let p = s.mul_f64s(a, b);
    if fused::<S>() {
        return (p, s.mul_add_f64s(a, b, s.neg_f64s(p)));
    }
    let mask = s.splat_u64s(0xFFFF_FFFF_F800_0000);
    let a_hi = from_bits(s, s.and_u64s(bits(s, a), mask));
    let b_hi = from_bits(s, s.and_u64s(bits(s, b), mask));
    let (a_lo, b_lo) = (s.sub_f64s(a, a_hi), s.sub_f64s(b, b_hi));
    let e = s.sub_f64s(s.mul_f64s(a_hi, b_hi), p);
    let e = s.add_f64s(e, s.mul_f64s(a_hi, b_lo));
    let e = s.add_f64s(e, s.mul_f64s(a_lo, b_hi));
    (p, s.add_f64s(e, s.mul_f64s(a_lo, b_lo)))
}

/// `c - a b` with the product unrounded, for `c` within a few ulps of `a b`.
#[inline(always)]
pub(super) fn sub_exact_product<S: Simd>(s: S, a: S::f64s, b: S::f64s, c: S::f64s) -> S::f64s {
    if fused::<S>() {
        return s.mul_add_f64s(s.neg_f64s(a), b, c);
    }
    let (p, e) = two_prod(s, a, b);
    s.sub_f64s(s.sub_f64s(c, p), e)
}

impl UnaryF64 for Expm1 {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        // Below -40 the result rounds to -1; above 710 the select below gives inf, and the
        // clamp keeps k within pow2i's range.
        let xc = s.min_f64s(s.max_f64s(x, splat(s, -40.0)), splat(s, 710.0));
        let k = exp_k(s, xc);
        let (r, r_lo) = reduce_ln2(s, xc, splat(s, 0.0), k);
        // e^(r + r_lo) - 1 = r + tail (exp's polynomial, NOTE [ SIMD f64 accuracy ]).
        let tail = madd(
            s,
            s.mul_f64s(r, r),
            horner(s, r, &EXP_Q),
            madd(s, r_lo, r, r_lo),
        );
        // e^x - 1 = 2 (h - 1/2 + h r + h tail), h = 2^(k-1): the half scale keeps k = 1024
        // (x in (709.09, 709.78]) finite, and the doubling is exact or overflows as the
        // result does. h - 1/2 and h r are exact; their sum's rounding is recovered, so
        // the result rounds once (k = 0 included: r + tail).
        let h = pow2i(s, s.sub_f64s(k, splat(s, 1.0)));
        let (a, a_err) = two_sum(s, s.sub_f64s(h, splat(s, 0.5)), s.mul_f64s(h, r));
        let y = s.add_f64s(a, madd(s, h, tail, a_err));
        let y = s.mul_f64s(y, splat(s, 2.0));
        // Below 2^-54 the result rounds to x; this also keeps -0 and the subnormals, which
        // the halving h r would round.
        let tiny = s.less_than_f64s(s.abs_f64s(x), splat(s, 5.551_115_123_125_783e-17));
        let y = s.select_f64s(tiny, x, y);
        // The same overflow boundary as exp (NOTE in `Exp`).
        let y = s.select_f64s(
            s.greater_than_f64s(x, splat(s, 709.782_712_893_384)),
            splat(s, f64::INFINITY),
            y,
        );
        s.select_f64s(is_nan(s, x), x, y)
    }

    fn scalar(x: f64) -> f64 {
        x.exp_m1()
    }
}

impl UnaryF64 for Tan {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        Self::vec_checked(s, x).0
    }

    #[inline(always)]
    fn vec_checked<S: Simd>(s: S, x: S::f64s) -> (S::f64s, Option<S::m64s>) {
        // The float32 method (NOTE [ SIMD f32 tan ]) one precision up: sine and cosine
        // kept as head + tail, the quotient corrected by its exact residual.
        let (r, r_lo, q, far) = reduce_half_pi(s, x);
        let one = splat(s, 1.0);
        let z = s.mul_f64s(r, r);
        // sin(r + r_lo) = r + (r z S(z) + r_lo cos r); cos r ~ 1 - z / 2 suffices for a
        // term under 2^-53 r.
        let cos_approx = madd(s, z, splat(s, -0.5), one);
        let sin_t = madd(
            s,
            s.mul_f64s(r, z),
            horner(s, z, &SIN),
            s.mul_f64s(r_lo, cos_approx),
        );
        // cos(r + r_lo) - 1 = -z/2 + z^2 C(z) - r_lo r, with the rounding of z = r^2
        // taken back.
        let z_excess = sub_exact_product(s, r, r, z);
        let cos_t = madd(
            s,
            s.mul_f64s(z, z),
            horner(s, z, &COS),
            s.mul_f64s(splat(s, 0.5), z_excess),
        );
        let cos_t = madd(s, z, splat(s, -0.5), cos_t);
        let cos_t = madd(s, s.neg_f64s(r_lo), r, cos_t);
        let odd = s.equal_u64s(s.and_u64s(q, s.splat_u64s(1)), s.splat_u64s(1));
        let n_hi = s.select_f64s(odd, s.neg_f64s(one), r);
        let n_lo = s.select_f64s(odd, s.neg_f64s(cos_t), sin_t);
        let d_hi = s.select_f64s(odd, r, one);
        let d_lo = s.select_f64s(odd, sin_t, cos_t);
        let d = s.add_f64s(d_hi, d_lo);
        let q0 = s.div_f64s(s.add_f64s(n_hi, n_lo), d);
        // n - q0 d = (n_hi - q0 d_hi) + (n_lo - q0 d_lo); the first is exact.
        let res = s.add_f64s(
            sub_exact_product(s, q0, d_hi, n_hi),
            madd(s, s.neg_f64s(q0), d_lo, n_lo),
        );
        let y = s.add_f64s(q0, s.div_f64s(res, d));
        // -0.0: r + tail loses the sign.
        let y = s.select_f64s(s.equal_f64s(x, splat(s, 0.0)), x, y);
        (y, Some(far))
    }

    fn scalar(x: f64) -> f64 {
        x.tan()
    }
}

impl UnaryF64 for Rsqrt {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        // The float32 method (NOTE [ SIMD f32 rsqrt ]): 1 / sqrt(x) rounds twice; the two
        // exact residuals y s = 1 - d1 and s^2 = x - d2 give 1 / sqrt(x) = y (1 + d1 -
        // d2 y^2 / 2) to second order, rounded once.
        const TWO_M900: f64 = f64::from_bits(0x07B0_0000_0000_0000);
        const TWO_200: f64 = f64::from_bits(0x4C70_0000_0000_0000);
        const TWO_100: f64 = f64::from_bits(0x4630_0000_0000_0000);
        // Below 2^-900 s^2 and its residual would reach the subnormals, so such x are
        // scaled by 2^200, the result by 2^100.
        let tiny = s.less_than_f64s(s.abs_f64s(x), splat(s, TWO_M900));
        let xs = s.select_f64s(tiny, s.mul_f64s(x, splat(s, TWO_200)), x);
        let sq = s.sqrt_f64s(xs);
        let y = s.div_f64s(splat(s, 1.0), sq);
        let d1 = sub_exact_product(s, y, sq, splat(s, 1.0));
        let d2 = sub_exact_product(s, sq, sq, xs);
        let corr = madd(s, s.mul_f64s(s.mul_f64s(d2, y), y), splat(s, -0.5), d1);
        let fixed = madd(s, y, corr, y);
        let fixed = s.mul_f64s(fixed, s.select_f64s(tiny, splat(s, TWO_100), splat(s, 1.0)));
        // 0, inf, negatives and NaN: the residuals are NaN, the plain quotient is right.
        s.select_f64s(is_nan(s, fixed), y, fixed)
    }

    fn scalar(x: f64) -> f64 {
        1.0 / x.sqrt()
    }
}

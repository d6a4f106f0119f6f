//! float32 expm1, tan, rsqrt and erf over the reductions of `f32.rs`.

use super::f32::{
    bits, exp_nonpositive, from_bits, fused, horner, is_nan, madd, madd_neg, reduce_half_pi,
    reduce_ln2, SHIFT_BITS,
};
use super::UnaryF32;
use pulp::Simd;

pub struct Expm1;

impl UnaryF32 for Expm1 {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f32s) -> S::f32s {
        // (e^r - 1 - r) / r^2 on |r| <= ln2 / 2, Taylor: truncation below 1e-9 relative.
        const P: [f32; 7] = [
            0.5,
            1.0 / 6.0,
            1.0 / 24.0,
            1.0 / 120.0,
            1.0 / 720.0,
            1.0 / 5040.0,
            1.0 / 40_320.0,
        ];
        // Below -30 the result rounds to -1, above 89 to inf; clamping keeps k in range.
        let xc = s.min_f32s(s.max_f32s(x, s.splat_f32s(-30.0)), s.splat_f32s(89.0));
        // k = 0 on |x| < 0.35: r = x exactly, and the result is the polynomial alone,
        // accurate down to the subnormals.
        let (kf, _, r) = reduce_ln2(s, xc);
        let em1 = madd(s, s.mul_f32s(r, r), horner(s, r, &P), r);
        // e^x - 1 = 2^k em1 + (2^k - 1), with one rounding in the fma. It is formed at
        // half scale, h = 2^(k-1), so that k = 128 (x in (88.4, 88.72]) still has a
        // finite 2^k factor; the doubling is exact or overflows as the result does.
        let h = from_bits(
            s,
            s.wrapping_dyn_shl_u32s(
                s.add_u32s(bits(s, kf), s.splat_u32s(126u32.wrapping_sub(SHIFT_BITS))),
                s.splat_u32s(23),
            ),
        );
        let y = s.mul_f32s(
            madd(s, h, em1, s.sub_f32s(h, s.splat_f32s(0.5))),
            s.splat_f32s(2.0),
        );
        // The same overflow boundary as exp (NOTE in `Exp`).
        let y = s.select_f32s(
            s.greater_than_f32s(x, s.splat_f32s(88.722_84)),
            s.splat_f32s(f32::INFINITY),
            y,
        );
        // -0.0: r * r + r loses the sign.
        let y = s.select_f32s(s.equal_f32s(x, s.splat_f32s(0.0)), x, y);
        s.select_f32s(is_nan(s, x), x, y)
    }

    fn scalar(x: f32) -> f32 {
        x.exp_m1()
    }
}

pub struct Tan;

impl UnaryF32 for Tan {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f32s) -> S::f32s {
        Self::vec_checked(s, x).0
    }

    #[inline(always)]
    fn vec_checked<S: Simd>(s: S, x: S::f32s) -> (S::f32s, Option<S::m32s>) {
        // NOTE [ SIMD f32 tan ]: tan(r + q pi/2) is sin r / cos r for even q and
        // -cos r / sin r for odd q. The quotient of the rounded sine and cosine measured
        // 2.6 ulp (each carries ~0.6 ulp, the division 0.5 more), so both are kept
        // unrounded as head + tail (sin: r + tail, cos: 1 + tail, the tails small enough
        // that their rounding costs < 0.1 ulp), and the quotient q0 is corrected by the
        // residual (n - q0 d) / d, its product exact. Lanes close to a multiple of pi/2
        // take the scalar path, as for sin and cos.
        const SIN: [f32; 4] = [-1.0 / 6.0, 1.0 / 120.0, -1.0 / 5040.0, 1.0 / 362_880.0];
        const COS: [f32; 5] = [
            -0.5,
            1.0 / 24.0,
            -1.0 / 720.0,
            1.0 / 40_320.0,
            -1.0 / 3_628_800.0,
        ];
        let (r, r_lo, q, redo) = reduce_half_pi(s, x);
        let z = s.mul_f32s(r, r);
        // sin(r + r_lo) = r + (r z S(z) + r_lo cos(r)); cos r ~ 1 - z / 2 suffices for
        // a term under 2^-24 r.
        let cos_approx = madd(s, z, s.splat_f32s(-0.5), s.splat_f32s(1.0));
        let sin_t = madd(
            s,
            s.mul_f32s(r, z),
            horner(s, z, &SIN),
            s.mul_f32s(r_lo, cos_approx),
        );
        // cos(r + r_lo) = 1 + (z C(z) - r_lo r), with the rounding of z = r^2 taken back.
        let z_excess = sub_exact_product(s, r, r, z);
        let cos_t = madd(
            s,
            z,
            horner(s, z, &COS),
            s.mul_f32s(s.splat_f32s(0.5), z_excess),
        );
        let cos_t = madd_neg(s, r_lo, r, cos_t);
        let odd = s.equal_u32s(s.and_u32s(q, s.splat_u32s(1)), s.splat_u32s(1));
        let one = s.splat_f32s(1.0);
        let n_hi = s.select_f32s(odd, s.neg_f32s(one), r);
        let n_lo = s.select_f32s(odd, s.neg_f32s(cos_t), sin_t);
        let d_hi = s.select_f32s(odd, r, one);
        let d_lo = s.select_f32s(odd, sin_t, cos_t);
        let d = s.add_f32s(d_hi, d_lo);
        let q0 = s.div_f32s(s.add_f32s(n_hi, n_lo), d);
        // n - q0 d = (n_hi - q0 d_hi) + (n_lo - q0 d_lo); the first is exact.
        let res = s.add_f32s(
            sub_exact_product(s, q0, d_hi, n_hi),
            madd_neg(s, q0, d_lo, n_lo),
        );
        let y = s.add_f32s(q0, s.div_f32s(res, d));
        // -0.0: r + tail loses the sign.
        let y = s.select_f32s(s.equal_f32s(x, s.splat_f32s(0.0)), x, y);
        (y, Some(redo))
    }

    fn scalar(x: f32) -> f32 {
        (x as f64).tan() as f32
    }
}

pub struct Rsqrt;

impl UnaryF32 for Rsqrt {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f32s) -> S::f32s {
        // NOTE [ SIMD f32 rsqrt ]: 1 / sqrt(x) rounds twice and measured 1.45 ulp (torch,
        // which computes it so, too). With s = sqrt(x) and y = 1 / s, both residuals are
        // exact products: y s = 1 - d1 and s^2 = x - d2, so 1 / sqrt(x) = y (1 + d1 -
        // d2 y^2 / 2) to second order, rounded once: 0.5 ulp (the baseline, whose
        // residuals are split products, 0.9).
        const TWO_M100: f32 = f32::from_bits(0x0D80_0000);
        const TWO_48: f32 = 281_474_976_710_656.0;
        // Below 2^-100 the partial products of the split residuals (baseline path) would
        // reach the subnormals, so such x are scaled by 2^48, the result by 2^24.
        let tiny = s.less_than_f32s(s.abs_f32s(x), s.splat_f32s(TWO_M100));
        let xs = s.select_f32s(tiny, s.mul_f32s(x, s.splat_f32s(TWO_48)), x);
        let sq = s.sqrt_f32s(xs);
        let y = s.div_f32s(s.splat_f32s(1.0), sq);
        let d1 = sub_exact_product(s, y, sq, s.splat_f32s(1.0));
        let d2 = sub_exact_product(s, sq, sq, xs);
        let corr = madd(s, s.mul_f32s(s.mul_f32s(d2, y), y), s.splat_f32s(-0.5), d1);
        let fixed = madd(s, y, corr, y);
        let fixed = s.mul_f32s(
            fixed,
            s.select_f32s(tiny, s.splat_f32s(16_777_216.0), s.splat_f32s(1.0)),
        );
        // 0, inf, negatives and NaN: the residuals are NaN, the plain quotient is right
        // (rsqrt(+-0) = +-inf, rsqrt(inf) = 0, NaN otherwise).
        s.select_f32s(is_nan(s, fixed), y, fixed)
    }

    fn scalar(x: f32) -> f32 {
        1.0 / x.sqrt()
    }
}

pub struct Erf;

impl UnaryF32 for Erf {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f32s) -> S::f32s {
        // NOTE [ SIMD f32 erf ]: two fits made for this file (least squares on Chebyshev
        // nodes, each coefficient rounded to float32 before the next ones were refitted):
        // on |x| < 1, erf(x) = x (C + z Q(z)), z = x^2, with C = 2 / sqrt(pi) in two parts
        // (its float32 rounding alone is 0.9 ulp), 0.03 ulp from erf before rounding; on
        // [1, 3.93], erf(x) = 1 - e^(R(x - 2.465) - x^2), where R fits log(erfc(x)) + x^2
        // (smooth, unlike erfc) within 0.25 2^-24 absolute; erfc <= 0.16 there, so the
        // relative error of the exponential reaches the result shrunk. Past 3.93 erfc is
        // under half an ulp of 1 and the clamp gives 1.
        const C_HI: f32 = std::f32::consts::FRAC_2_SQRT_PI;
        const C_LO: f32 = -5.863_538_3e-8;
        const Q: [f32; 6] = [
            -0.376_126_32,
            0.112_836_42,
            -0.026_855_92,
            0.005_192_004,
            -8.040_492e-4,
            7.949_032_4e-5,
        ];
        const R: [f32; 9] = [
            -1.544_402_2,
            -0.356_648_42,
            0.057_262_49,
            -0.011_166_807,
            0.002_240_357_5,
            -4.367_943e-4,
            8.054_102e-5,
            -1.374_608_3e-5,
            1.654_243e-6,
        ];
        let ax = s.abs_f32s(x);
        let z = s.mul_f32s(x, x);
        let hq = horner(s, z, &Q);
        let small = if fused::<S>() {
            let tail = madd(s, z, hq, s.splat_f32s(C_LO));
            madd(s, x, s.splat_f32s(C_HI), s.mul_f32s(x, tail))
        } else {
            // Without FMA, x C_HI rounds at twice the result's ulp near x = 1 (2.1 ulp
            // measured): a 12-bit head of x times a 12-bit head of C is exact instead.
            const C12: f32 = 1.128_418; // 0x3F90_7000
            const C12_LO: f32 = -3.880_165_6e-5;
            let x_hi = from_bits(s, s.and_u32s(bits(s, x), s.splat_u32s(0xFFFF_F000)));
            let x_lo = s.sub_f32s(x, x_hi);
            let tail = madd(s, z, hq, s.splat_f32s(C12_LO));
            let rest = madd(s, x_lo, s.splat_f32s(C12), s.mul_f32s(x, tail));
            s.add_f32s(s.mul_f32s(x_hi, s.splat_f32s(C12)), rest)
        };
        // erf keeps the argument's sign, zeros included (torch): the sums above give +0.0.
        let small = s.or_f32s(s.abs_f32s(small), s.and_f32s(x, s.splat_f32s(-0.0)));
        let xc = s.min_f32s(ax, s.splat_f32s(3.93));
        let r = horner(s, s.sub_f32s(xc, s.splat_f32s(2.465)), &R);
        let erfc = exp_nonpositive(s, madd_neg(s, xc, xc, r));
        let big = s.sub_f32s(s.splat_f32s(1.0), erfc);
        let big = s.or_f32s(big, s.and_f32s(x, s.splat_f32s(-0.0)));
        let y = s.select_f32s(s.less_than_f32s(ax, s.splat_f32s(1.0)), small, big);
        s.select_f32s(is_nan(s, x), x, y)
    }

    fn scalar(x: f32) -> f32 {
        libm::erff(x)
    }
}

/// `c - a b` with the product unrounded, for `c` within a few ulps of `a b`: one fused
/// multiply-add where the path has FMA; elsewhere (NOTE [ SIMD baseline FMA ]) the
/// factors split into 12-bit halves whose partial products are exact, the first
/// difference exact by Sterbenz.
#[inline(always)]
fn sub_exact_product<S: Simd>(s: S, a: S::f32s, b: S::f32s, c: S::f32s) -> S::f32s {
    if fused::<S>() {
        return s.mul_add_f32s(s.neg_f32s(a), b, c);
    }
    let mask = s.splat_u32s(0xFFFF_F000);
    let a_hi = from_bits(s, s.and_u32s(bits(s, a), mask));
    let b_hi = from_bits(s, s.and_u32s(bits(s, b), mask));
    let (a_lo, b_lo) = (s.sub_f32s(a, a_hi), s.sub_f32s(b, b_hi));
    let r = s.sub_f32s(c, s.mul_f32s(a_hi, b_hi));
    let r = s.sub_f32s(r, s.mul_f32s(a_hi, b_lo));
    let r = s.sub_f32s(r, s.mul_f32s(a_lo, b_hi));
    s.sub_f32s(r, s.mul_f32s(a_lo, b_lo))
}

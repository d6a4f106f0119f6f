//! float32 asin, acos, atan, atan2, sinh and cosh over the helpers of `f32.rs`.
//!
//! NOTE [ SIMD inverse trig ]: every inverse function ends as `C + h + tail`, with C one
//! of 0, pi/2, pi (carried as head + low part), h a float whose magnitude is at most
//! |C| (or C = 0), and tail small next to h. C + h is kept exact (Fast2Sum), so the
//! result rounds once from an unrounded head; the polynomials are weighted least-squares
//! fits on Chebyshev nodes made for this file (mpmath, relative error), 0.10 ulp (atan on
//! [0, 1]) and 0.11 ulp (asin on [0, 1/2]) before rounding.
//! - atan x: t = |x| or 1 / |x| (then pi/2 - atan t), atan t = t + t^3 P(t^2).
//! - atan2 y, x: t = min / max of |y|, |x|, then pi/2 - . when |y| > |x|, pi - . when
//!   x < 0 (its sign bit: -0 counts), y's sign last: numpy's and torch's special values
//!   follow (0/0 is taken as t = 0, inf/inf as t = 1).
//! - asin x on |x| <= 1/2: x + x^3 Q(x^2); above, pi/2 - 2 asin(u) with u = sqrt((1-|x|)/2)
//!   (exact argument), the same Q; the rounding of u is recovered by an FMA and passed on
//!   to first order. acos combines the same pieces: pi/2 - asin x, 2 asin u, pi - 2 asin u.
//!
//! NOTE [ SIMD sinh cosh ]: with a = |x| = k ln2 + r, e^r and e^-r share one polynomial
//! pair: e^(+-r) = E(r^2) +- r O(r^2) (Taylor), each summed from 1 +- r with that sum's
//! rounding recovered and kept as a low part. cosh = 2^(k-1) e^r + 2^(-k-1) e^-r, summed
//! at a quarter of its size (2^(k-3) is normal up to the overflow threshold ln(2 FLT_MAX)
//! = 89.4159, so only the final * 4 overflows) with the sum's rounding and the low parts
//! added back, so the result rounds about once: keeping them took sinh from 1.47 to 0.84
//! ulp and cosh from 1.22 to 0.84. sinh is the difference on |x| >= 1 (cancels at most
//! e^-2 = 14%) and x + x^3 S(x^2) (fit, 0.10 ulp) below.

use super::f32::{fused, horner, is_nan, madd, pow2i, reduce_ln2, SHIFT};
use super::UnaryF32;
use pulp::Simd;

// NOTE [ SIMD trig speed ]: 1M contiguous elements, 1 thread, ms, medians of 25 runs
// (best of two medians), rtorch and torch 2.13 in the same script, AMD EPYC Zen 4 with
// 2 cores shared with other builds (load 2.5-3.3); torch's column from the avx512 run.
// Inputs: asin/acos uniform in (-1, 1), sinh/cosh in (-10, 10), the rest normal * 3.
// Before: the scalar libm loops, the same script on the build before this one (load 4).
//
//              float32                      float64
//              before  avx512  avx2  torch  before  avx512  avx2  torch
//     asin     12.8    0.47    0.65  1.63   22.7    1.24    3.21  8.09
//     acos     13.1    0.48    0.75  1.70   23.1    1.28    2.15  8.65
//     atan     15.8    0.46    0.75  2.61   13.0    1.52    5.55  6.15
//     sinh     23.9    0.74    1.14  1.42   22.8    1.96    6.90  3.14
//     cosh      9.3    0.61    0.93  1.39   10.0    1.63    5.84  4.56
//     atan2    30.6    0.89    1.52  1.51   30.3    3.15    9.05  5.38
//
// torch runs its AVX-512 kernels in both columns. On the AVX2 path float32 atan2 is level
// with torch, and float64 sinh (1.16x) and atan2 (1.26x) are behind it: half the lanes,
// and the noise of that run (its float64 atan took 3.7x the AVX-512 time where the lane
// count predicts 2x).

pub struct Asin;
pub struct Acos;
pub struct Atan;
pub struct Sinh;
pub struct Cosh;

const PI_2_HI: f32 = f32::from_bits(0x3FC9_0FDB);
const PI_2_LO: f32 = -4.371_139e-8;
const PI_HI: f32 = f32::from_bits(0x4049_0FDB);
const PI_LO: f32 = -8.742_278e-8;

/// atan t = t + t^3 P(t^2) on [0, 1] (fit, 0.10 ulp). NOTE: the last coefficient is the
/// fit's moved by 4 ulp (-0.001_789_061_2 before), which changes nothing measurable but
/// the rounding at t = 1: the float32 evaluation of atan 1 sat on a tie and rounded to
/// one below pi/4 (atan2(y, y) and atan(1) then differed from torch and numpy).
const ATAN_P: [f32; 9] = [
    -0.333_333_02,
    0.199_985_74,
    -0.142_643_93,
    0.109_525_33,
    -0.084_034_8,
    0.057_945_047,
    -0.031_155_033,
    0.010_897_884,
    -0.001_789_060_8,
];

/// asin x = x + x^3 Q(x^2) on [0, 1/2] (fit, 0.11 ulp).
const ASIN_Q: [f32; 5] = [
    0.166_667_42,
    0.074_957_11,
    0.045_422_208,
    0.024_403_198,
    0.041_805_804,
];

/// sinh x = x + x^3 S(x^2) on [0, 1] (fit, 0.10 ulp).
const SINH_S: [f32; 4] = [0.166_666_67, 0.008_333_35, 0.000_198_362_74, 2.816_371_5e-6];

#[inline(always)]
fn splat<S: Simd>(s: S, v: f32) -> S::f32s {
    s.splat_f32s(v)
}

/// The sign bit of `x` alone.
#[inline(always)]
fn sign_of<S: Simd>(s: S, x: S::f32s) -> S::f32s {
    s.and_f32s(x, splat(s, -0.0))
}

/// `c_hi + h + (c_lo + tail)` for |h| <= |c_hi| or c_hi = 0 (NOTE [ SIMD inverse trig ]).
#[inline(always)]
fn sum_head<S: Simd>(s: S, c_hi: S::f32s, c_lo: S::f32s, h: S::f32s, tail: S::f32s) -> S::f32s {
    let hi = s.add_f32s(c_hi, h);
    let err = s.add_f32s(s.sub_f32s(c_hi, hi), h);
    s.add_f32s(hi, s.add_f32s(s.add_f32s(err, c_lo), tail))
}

/// `atan t - t` for t in [0, 1].
#[inline(always)]
fn atan_tail<S: Simd>(s: S, t: S::f32s) -> S::f32s {
    let z = s.mul_f32s(t, t);
    s.mul_f32s(s.mul_f32s(t, z), horner(s, z, &ATAN_P))
}

/// `(t, corr)`: t = num / den rounded, and its rounding error carried through atan's
/// derivative, dt / (1 + t^2) = (num - t den) / (den + t num), the residual exact by one
/// FMA (0 without one, and where the residual is not a number: inf / inf, 0 / 0, x / inf,
/// whose t the caller patches).
#[inline(always)]
fn ratio<S: Simd>(s: S, num: S::f32s, den: S::f32s) -> (S::f32s, S::f32s) {
    let t = s.div_f32s(num, den);
    if !fused::<S>() {
        return (t, splat(s, 0.0));
    }
    let resid = madd(s, s.neg_f32s(t), den, num);
    let corr = s.div_f32s(resid, madd(s, t, num, den));
    (t, s.select_f32s(is_nan(s, corr), splat(s, 0.0), corr))
}

/// +-atan(t + dt) + C, with t = num / den rounded (num <= den, both non-negative), `corr`
/// = dt / (1 + t^2) from `ratio`, and C (`c_hi`, `c_lo`) and the sign `neg` of the atan
/// term chosen by the caller.
#[inline(always)]
fn atan_ratio<S: Simd>(
    s: S,
    (t, corr): (S::f32s, S::f32s),
    neg: S::m32s,
    c_hi: S::f32s,
    c_lo: S::f32s,
) -> S::f32s {
    let tail = s.add_f32s(atan_tail(s, t), corr);
    let h = s.select_f32s(neg, s.neg_f32s(t), t);
    let tail = s.select_f32s(neg, s.neg_f32s(tail), tail);
    sum_head(s, c_hi, c_lo, h, tail)
}

impl UnaryF32 for Atan {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f32s) -> S::f32s {
        let a = s.abs_f32s(x);
        let big = s.greater_than_f32s(a, splat(s, 1.0));
        let (t, corr) = ratio(s, splat(s, 1.0), a);
        let zero = splat(s, 0.0);
        let t = (s.select_f32s(big, t, a), s.select_f32s(big, corr, zero));
        let c_hi = s.select_f32s(big, splat(s, PI_2_HI), zero);
        let c_lo = s.select_f32s(big, splat(s, PI_2_LO), zero);
        let y = atan_ratio(s, t, big, c_hi, c_lo);
        s.or_f32s(y, sign_of(s, x))
    }

    fn scalar(x: f32) -> f32 {
        x.atan()
    }
}

/// `atan2(y, x)` on the vector path (NOTE [ SIMD inverse trig ]).
#[inline(always)]
pub(super) fn atan2_vec<S: Simd>(s: S, y: S::f32s, x: S::f32s) -> S::f32s {
    let (ay, ax) = (s.abs_f32s(y), s.abs_f32s(x));
    let swap = s.greater_than_f32s(ay, ax);
    let num = s.select_f32s(swap, ax, ay);
    let den = s.select_f32s(swap, ay, ax);
    // Both scaled up (exactly) when tiny, so that the residual in `ratio` is not subnormal.
    let up = s.less_than_f32s(den, splat(s, 2.0f32.powi(-60)));
    let f = s.select_f32s(up, splat(s, 2.0f32.powi(64)), splat(s, 1.0));
    let (t, corr) = ratio(s, s.mul_f32s(num, f), s.mul_f32s(den, f));
    let zero = splat(s, 0.0);
    let inf = splat(s, f32::INFINITY);
    let t = s.select_f32s(s.equal_f32s(den, zero), zero, t);
    let t = s.select_f32s(s.equal_f32s(num, inf), splat(s, 1.0), t);
    // x < 0 (by its sign bit: -0 counts): pi - atan; swapped: pi/2 - atan; both:
    // pi/2 + atan.
    let left = s.less_than_f32s(s.or_f32s(sign_of(s, x), splat(s, 1.0)), zero);
    let neg = s.xor_m32s(swap, left);
    let straight_left = s.and_m32s(left, s.not_m32s(swap));
    let c_hi = s.select_f32s(swap, splat(s, PI_2_HI), zero);
    let c_hi = s.select_f32s(straight_left, splat(s, PI_HI), c_hi);
    let c_lo = s.select_f32s(swap, splat(s, PI_2_LO), zero);
    let c_lo = s.select_f32s(straight_left, splat(s, PI_LO), c_lo);
    let r = atan_ratio(s, (t, corr), neg, c_hi, c_lo);
    let r = s.or_f32s(r, sign_of(s, y));
    let nan = s.or_m32s(is_nan(s, x), is_nan(s, y));
    s.select_f32s(nan, s.add_f32s(x, y), r)
}

/// The pieces asin and acos share: with a = |x|, `small` (a <= 1/2), u (a there,
/// sqrt((1 - a) / 2) above) and `tail` with asin(u + its rounding error) = u + tail.
#[inline(always)]
fn asin_parts<S: Simd>(s: S, x: S::f32s) -> (S::m32s, S::f32s, S::f32s) {
    let a = s.abs_f32s(x);
    let half = splat(s, 0.5);
    let small = s.less_than_or_equal_f32s(a, half);
    // Exact for a in [1/2, 1] (Sterbenz, then a halving); NaN above 1 through the sqrt.
    let zb = s.mul_f32s(s.sub_f32s(splat(s, 1.0), a), half);
    let sq = s.sqrt_f32s(zb);
    let z = s.select_f32s(small, s.mul_f32s(a, a), zb);
    let u = s.select_f32s(small, a, sq);
    let p = s.mul_f32s(s.mul_f32s(u, z), horner(s, z, &ASIN_Q));
    if !fused::<S>() {
        return (small, u, p);
    }
    // sqrt's rounding, zb - sq^2 exactly (one FMA), over 2 sq, times asin'(u) ~ 1 + z/2
    // (u <= 1/2); the guard keeps 0 / 0 out at |x| = 1.
    let e = madd(s, s.neg_f32s(sq), sq, zb);
    let u_lo = s.div_f32s(
        e,
        s.max_f32s(s.add_f32s(sq, sq), splat(s, f32::MIN_POSITIVE)),
    );
    let u_lo = s.mul_f32s(u_lo, madd(s, z, half, splat(s, 1.0)));
    let u_lo = s.select_f32s(small, splat(s, 0.0), u_lo);
    (small, u, s.add_f32s(p, u_lo))
}

impl UnaryF32 for Asin {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f32s) -> S::f32s {
        let (small, u, tail) = asin_parts(s, x);
        let zero = splat(s, 0.0);
        let m2 = splat(s, -2.0);
        let h = s.select_f32s(small, u, s.mul_f32s(u, m2));
        let tail = s.select_f32s(small, tail, s.mul_f32s(tail, m2));
        let c_hi = s.select_f32s(small, zero, splat(s, PI_2_HI));
        let c_lo = s.select_f32s(small, zero, splat(s, PI_2_LO));
        let y = sum_head(s, c_hi, c_lo, h, tail);
        s.or_f32s(y, sign_of(s, x))
    }

    fn scalar(x: f32) -> f32 {
        x.asin()
    }
}

impl UnaryF32 for Acos {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f32s) -> S::f32s {
        let (small, u, tail) = asin_parts(s, x);
        let sign = sign_of(s, x);
        let neg = s.less_than_f32s(x, splat(s, 0.0));
        // small: pi/2 - asin x; x > 1/2: 2 asin u; x < -1/2: pi - 2 asin u.
        let f = s.select_f32s(small, splat(s, -1.0), splat(s, 2.0));
        let f = s.select_f32s(s.and_m32s(neg, s.not_m32s(small)), splat(s, -2.0), f);
        let f = s.select_f32s(small, s.xor_f32s(f, sign), f);
        let c_hi = s.select_f32s(neg, splat(s, PI_HI), splat(s, 0.0));
        let c_lo = s.select_f32s(neg, splat(s, PI_LO), splat(s, 0.0));
        let c_hi = s.select_f32s(small, splat(s, PI_2_HI), c_hi);
        let c_lo = s.select_f32s(small, splat(s, PI_2_LO), c_lo);
        sum_head(s, c_hi, c_lo, s.mul_f32s(u, f), s.mul_f32s(tail, f))
    }

    fn scalar(x: f32) -> f32 {
        x.acos()
    }
}

/// `(H, H_lo, L, L_lo)` = (e^a / 8, e^-a / 8) as unevaluated sums, for a in [0, 89.5] (NOTE [ SIMD sinh cosh ]); L is 0 once
/// negligible; the callers scale by 4 last, the only step that may overflow.
#[inline(always)]
fn exp_quarters<S: Simd>(s: S, a: S::f32s) -> [S::f32s; 4] {
    const E: [f32; 3] = [0.5, 1.0 / 24.0, 1.0 / 720.0];
    const O: [f32; 3] = [1.0 / 6.0, 1.0 / 120.0, 1.0 / 5040.0];
    let one = splat(s, 1.0);
    let (kf, k, r) = reduce_ln2(s, a);
    let z = s.mul_f32s(r, r);
    let ev = s.mul_f32s(z, horner(s, z, &E));
    let od = s.mul_f32s(s.mul_f32s(r, z), horner(s, z, &O));
    // e^(+-r) = (1 +- r) + tail, each sum's rounding kept as a low part (Fast2Sum).
    let hp = s.add_f32s(one, r);
    let tp = s.add_f32s(s.add_f32s(ev, od), s.add_f32s(s.sub_f32s(one, hp), r));
    let hm = s.sub_f32s(one, r);
    let tm = s.add_f32s(s.sub_f32s(ev, od), s.sub_f32s(s.sub_f32s(one, hm), r));
    let pp = s.add_f32s(hp, tp);
    let pp_lo = s.add_f32s(s.sub_f32s(hp, pp), tp);
    let pm = s.add_f32s(hm, tm);
    let pm_lo = s.add_f32s(s.sub_f32s(hm, pm), tm);
    // 2^(k-3) is normal for every k here; 2^(-k-3) with k capped (L is far below an
    // ulp of H long before the cap), so that its exponent stays normal.
    let big = pow2i(s, s.sub_f32s(kf, splat(s, 3.0)));
    let kc = s.min_f32s(k, splat(s, 100.0));
    let small = pow2i(s, s.sub_f32s(splat(s, SHIFT - 3.0), kc));
    [
        s.mul_f32s(pp, big),
        s.mul_f32s(pp_lo, big),
        s.mul_f32s(pm, small),
        s.mul_f32s(pm_lo, small),
    ]
}

/// `4 (h + h_lo + sign l + sign l_lo)` for h >= l >= 0, rounded once from the exact
/// h + sign l.
#[inline(always)]
fn combine<S: Simd>(s: S, q: [S::f32s; 4], minus: bool) -> S::f32s {
    let [h, h_lo, l, l_lo] = q;
    let (l, l_lo) = if minus {
        (s.neg_f32s(l), s.neg_f32s(l_lo))
    } else {
        (l, l_lo)
    };
    let d = s.add_f32s(h, l);
    let err = s.add_f32s(s.sub_f32s(h, d), l);
    let y = s.add_f32s(d, s.add_f32s(err, s.add_f32s(h_lo, l_lo)));
    s.mul_f32s(y, splat(s, 4.0))
}

impl UnaryF32 for Cosh {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f32s) -> S::f32s {
        let a = s.min_f32s(s.abs_f32s(x), splat(s, 89.5));
        let y = combine(s, exp_quarters(s, a), false);
        s.select_f32s(is_nan(s, x), x, y)
    }

    fn scalar(x: f32) -> f32 {
        x.cosh()
    }
}

impl UnaryF32 for Sinh {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f32s) -> S::f32s {
        let ax = s.abs_f32s(x);
        let a = s.min_f32s(ax, splat(s, 89.5));
        let big = combine(s, exp_quarters(s, a), true);
        let z = s.mul_f32s(ax, ax);
        let small = madd(s, s.mul_f32s(ax, z), horner(s, z, &SINH_S), ax);
        let y = s.select_f32s(s.less_than_f32s(ax, splat(s, 1.0)), small, big);
        let y = s.or_f32s(y, sign_of(s, x));
        s.select_f32s(is_nan(s, x), x, y)
    }

    fn scalar(x: f32) -> f32 {
        x.sinh()
    }
}

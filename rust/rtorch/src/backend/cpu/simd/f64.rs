//! float64 bodies of the vector kernels, on the pattern of `f32.rs`: Cody–Waite
//! reductions whose constant heads have trailing zero bits (so `k * head` is exact with or
//! without a fused multiply-add), longer polynomials in Horner form, special values
//! patched with selects.
//!
//! pulp has no 64-bit shifts, so the exponent field is reached through the 32-bit view of
//! each lane (`hi_shl20`): an integer placed in the low bits of a lane's high word moves
//! to the exponent field with one 32-bit shift, and the low word, kept at zero, stays zero.
//!
//! The other bodies build on these helpers: `f64_log.rs` (log1p, log2, log10 over
//! `log_reduce`), `f64_more.rs` (expm1 over exp's reduction, tan over sin/cos's, rsqrt),
//! `f64_erf.rs` (erf, erfc over `exp_core_dd`).
//!
//! NOTE [ SIMD f64 accuracy ]: measured by tests/test_unary_simd_f64.py against numpy's
//! 80-bit long double over log-spaced magnitudes 1e-320..1e308 of both signs, subnormals,
//! the special values, exp's overflow and underflow thresholds and dense ranges for the
//! trig reduction below and past TRIG_LIMIT (table in the test's docstring).
//! Worst case on that sample (AMD EPYC Zen 4), avx512 / avx2 / baseline, and torch 2.13
//! on the same inputs: exp 0.67 / 0.67 / 0.68 ulp (torch 0.52), log 0.71 (0.52), sigmoid
//! 1.09 (torch 1e15: its 1 / (1 + e^-x) is 0 below x = -709.8), tanh 1.00 (0.75), sin
//! 0.77 (0.50), cos 0.75 (0.50), expm1 1.03 (1.00), log1p 0.82 (1.00), log2 0.81 / 0.81 /
//! 0.88 (0.50), log10 0.83 / 0.83 / 0.84 (0.50), tan 1.36 / 1.36 / 1.50 (0.51), rsqrt
//! 0.50 (1.48: 1 / sqrt rounds twice), erf 1.03 / 1.03 / 1.08 (0.74), erfc 1.08 / 1.08 / 1.77 (1.00). Before exp carried
//! its rounded low part to sigmoid and tanh, those were 1.89 and 1.06.
//! Speed, 4M float64, 1 thread, AVX-512, ns per element, medians of noisy runs (this
//! kernel / the scalar libm loop it replaces / torch): exp 1.58 / 4.6 / 1.7-2.5, log 2.09
//! / 3.8-5 / 2.28, sigmoid 2.11 / 4.6 / 1.22, tanh 2.54 / 15.5 / 4.94, sin 2.39 / 17.2 /
//! 3.14, cos 2.32 / 17.8 / 3.04. About 1 ns of each is the memory and the fresh output's
//! page faults (neg: rtorch 1.03, torch 0.58); for sigmoid see NOTE [ SIMD f64 sigmoid
//! speed ]. On a quieter run (exp 0.82 /
//! torch 1.62): expm1 1.01 / 10.9 / 5.26, log1p 1.51 / 11.8 / 1.99, log2 1.43 / 3.40 /
//! 2.26, log10 1.47 / 7.08 / 2.45, tan 2.15 / 17.7 / 6.38, rsqrt 0.90 / 0.93 (LLVM
//! vectorised the plain 1 / sqrt; the kernel buys the accuracy) / 0.95, erf (uniform in
//! (-3, 3): a mix of its pieces in most vectors) 3.26 / 20.3 / 3.16.
//! Taylor coefficients serve log (through atanh) and sin/cos, with enough terms that the
//! truncation is below 0.05 ulp on the reduced range; exp's polynomial and tanh's
//! small-argument one are weighted least-squares fits on Chebyshev nodes (near-minimax)
//! made for this file, 0.11 and 0.16 ulp from the function before the float64
//! evaluation; Taylor would need two more terms for exp.

use super::UnaryF64;
use super::{Cos, Exp, Log, Sigmoid, Sin, Tanh};
use pulp::Simd;

/// 1.5 * 2^52: `v + SHIFT - SHIFT` rounds `v` (|v| < 2^51) to the nearest integer, and
/// the low bits of `v + SHIFT` are round(v) in two's complement.
pub(super) const SHIFT: f64 = 6_755_399_441_055_744.0;

/// ln 2 in two parts; the head has 42 significant bits, so `k * LN2_HI` is exact for
/// |k| < 2^11 (every k that exp and log produce).
pub(super) const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEFA_3800);
pub(super) const LN2_LO: f64 = f64::from_bits(0x3D2E_F357_93C7_6730);

/// Where `fused` is true `madd` is one rounding; see NOTE [ SIMD baseline FMA ] in f32.rs:
/// pulp's portable 16-byte type would otherwise call a software fma.
#[inline(always)]
pub(super) fn fused<S: Simd>() -> bool {
    cfg!(target_feature = "fma") || !cfg!(target_arch = "x86_64") || size_of::<S::f64s>() > 16
}

/// `a * b + c`, fused where the path has an FMA unit.
#[inline(always)]
pub(super) fn madd<S: Simd>(s: S, a: S::f64s, b: S::f64s, c: S::f64s) -> S::f64s {
    if fused::<S>() {
        s.mul_add_f64s(a, b, c)
    } else {
        s.add_f64s(s.mul_f64s(a, b), c)
    }
}

/// `c[0] + x (c[1] + x (c[2] + ...))`.
#[inline(always)]
pub(super) fn horner<S: Simd>(s: S, x: S::f64s, c: &[f64]) -> S::f64s {
    let (last, rest) = c.split_last().expect("a polynomial has a coefficient");
    let mut acc = s.splat_f64s(*last);
    for &ci in rest.iter().rev() {
        acc = madd(s, acc, x, s.splat_f64s(ci));
    }
    acc
}

#[inline(always)]
pub(super) fn splat<S: Simd>(s: S, v: f64) -> S::f64s {
    s.splat_f64s(v)
}

#[inline(always)]
pub(super) fn bits<S: Simd>(s: S, x: S::f64s) -> S::u64s {
    s.transmute_u64s_f64s(x)
}

#[inline(always)]
pub(super) fn from_bits<S: Simd>(s: S, u: S::u64s) -> S::f64s {
    s.transmute_f64s_u64s(u)
}

/// Every 32-bit half of every lane shifted left by 20: a high word's low 12 bits move to
/// its top 12 (the sign and exponent field of the lane); a zero low word stays zero.
#[inline(always)]
pub(super) fn hi_shl20<S: Simd>(s: S, u: S::u64s) -> S::u64s {
    let w: S::u32s = pulp::bytemuck::cast(u);
    pulp::bytemuck::cast(s.wrapping_dyn_shl_u32s(w, s.splat_u32s(20)))
}

/// Every 32-bit half of every lane shifted right by 20.
#[inline(always)]
pub(super) fn hi_shr20<S: Simd>(s: S, u: S::u64s) -> S::u64s {
    let w: S::u32s = pulp::bytemuck::cast(u);
    pulp::bytemuck::cast(s.wrapping_dyn_shr_u32s(w, s.splat_u32s(20)))
}

/// `2^k` for integer-valued `k` in [-1022, 1023].
#[inline(always)]
pub(super) fn pow2i<S: Simd>(s: S, k: S::f64s) -> S::f64s {
    // k * 2^32 + (SHIFT + 1023 * 2^32) is exact and holds k + 1023 in the low bits of the
    // high word, over a zero low word; the high word's other bits (0x4338 << 16) shift out.
    let t = madd(
        s,
        k,
        splat(s, 4_294_967_296.0),
        splat(s, SHIFT + 1023.0 * 4_294_967_296.0),
    );
    from_bits(s, hi_shl20(s, bits(s, t)))
}

#[inline(always)]
pub(super) fn is_nan<S: Simd>(s: S, x: S::f64s) -> S::m64s {
    s.not_m64s(s.equal_f64s(x, x))
}

// e^r = 1 + r + r^2 Q(r) on |r| <= ln2 / 2: a weighted least-squares fit on Chebyshev
// nodes (near-minimax), 0.11 ulp before the float64 evaluation; Taylor needs two more
// terms for the same.
pub(super) const EXP_Q: [f64; 10] = [
    0.500_000_000_000_001_2,
    0.166_666_666_666_664_83,
    0.041_666_666_666_516_2,
    0.008_333_333_333_451_529,
    0.001_388_888_894_671_330_5,
    0.000_198_412_695_969_710_38,
    2.480_149_030_763_859_8e-5,
    2.755_750_736_197_554_3e-6,
    2.763_114_015_020_175_5e-7,
    2.502_463_926_631_103_5e-8,
];

/// `(r, r_lo)` with `x + x_lo - k ln 2 = r + r_lo` (to far below an ulp of r) for
/// integer-valued `k` near x / ln 2.
#[inline(always)]
pub(super) fn reduce_ln2<S: Simd>(
    s: S,
    x: S::f64s,
    x_lo: S::f64s,
    k: S::f64s,
) -> (S::f64s, S::f64s) {
    // t is exact; r's rounding error is kept in r_lo (Fast2Sum: |t| >= |c| but where both
    // are far below an ulp of the result; the product k LN2_LO ~ 1e-10 needs no more than
    // its rounded value here). x_lo (erfc's -x^2 is not a float64) joins c before r rounds.
    let t = madd(s, k, splat(s, -LN2_HI), x);
    let c = madd(s, k, splat(s, -LN2_LO), x_lo);
    let r = s.add_f64s(t, c);
    let r_lo = s.add_f64s(s.sub_f64s(t, r), c);
    (r, r_lo)
}

/// `e^(x + x_lo - k ln 2)` for integer-valued `k` near x / ln 2, as a rounded value and the
/// part of the unrounded sum it lost.
#[inline(always)]
fn exp_reduced<S: Simd>(s: S, x: S::f64s, x_lo: S::f64s, k: S::f64s) -> (S::f64s, S::f64s) {
    let one = splat(s, 1.0);
    let (r, r_lo) = reduce_ln2(s, x, x_lo, k);
    // (1 + r) + (r^2 Q + r_lo) with the rounding of 1 + r recovered exactly (|r| < 1), so
    // that the result rounds once: 0.97 ulp before, when r and then 1 + r rounded apart.
    let h = s.add_f64s(one, r);
    let h_err = s.add_f64s(s.sub_f64s(one, h), r);
    let r2 = s.mul_f64s(r, r);
    let tail = s.add_f64s(madd(s, r2, horner(s, r, &EXP_Q), r_lo), h_err);
    let p = s.add_f64s(h, tail);
    (p, s.add_f64s(s.sub_f64s(h, p), tail))
}

/// `round(x / ln 2)` as a float.
#[inline(always)]
pub(super) fn exp_k<S: Simd>(s: S, x: S::f64s) -> S::f64s {
    let kf = madd(s, x, splat(s, std::f64::consts::LOG2_E), splat(s, SHIFT));
    s.sub_f64s(kf, splat(s, SHIFT))
}

/// `e^x` without the NaN patch (callers add it where NaN can arrive), with the low part
/// of the sum it rounded (sigmoid, tanh and erfc use it; exp drops it unevaluated).
#[inline(always)]
pub(super) fn exp_core<S: Simd>(s: S, x: S::f64s) -> (S::f64s, S::f64s) {
    exp_core_dd(s, x, splat(s, 0.0))
}

/// `e^(x + x_lo)` as `exp_core`, for |x_lo| below half an ulp of x.
#[inline(always)]
pub(super) fn exp_core_dd<S: Simd>(s: S, x: S::f64s, x_lo: S::f64s) -> (S::f64s, S::f64s) {
    let lanes = size_of::<S::f64s>() / size_of::<f64>();
    let k = exp_k(s, x);
    // NOTE: one factor 2^k serves |k| <= 1020, where the result is normal or rounds into
    // the subnormals in the one product; a vector with a lane beyond takes the exact
    // two-factor path. Doing that always cost 6 more operations per vector, 0.2 ns per
    // element of the 1.4 that exp spends computing on AVX-512.
    let wide = s.greater_than_f64s(s.abs_f64s(k), splat(s, 1020.0));
    if s.first_true_m64s(wide) < lanes {
        // Below -746 the result rounds to 0, above 710 to inf; clamping keeps k in range.
        let xc = s.min_f64s(s.max_f64s(x, splat(s, -746.0)), splat(s, 710.0));
        let k = exp_k(s, xc);
        let (p, p_lo) = exp_reduced(s, xc, x_lo, k);
        // 2^k in two factors so that k in [-1077, 1025] stays within the normal
        // exponents: the product rounds once, into the subnormals or to inf, as the exact
        // result would.
        let k1 = s.sub_f64s(madd(s, k, splat(s, 0.5), splat(s, SHIFT)), splat(s, SHIFT));
        let k2 = s.sub_f64s(k, k1);
        let (f1, f2) = (pow2i(s, k1), pow2i(s, k2));
        (
            s.mul_f64s(s.mul_f64s(p, f1), f2),
            s.mul_f64s(s.mul_f64s(p_lo, f1), f2),
        )
    } else {
        let (p, p_lo) = exp_reduced(s, x, x_lo, k);
        let f = pow2i(s, k);
        (s.mul_f64s(p, f), s.mul_f64s(p_lo, f))
    }
}

impl UnaryF64 for Exp {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        // NOTE: the largest x with a finite e^x; the select keeps the boundary independent
        // of the polynomial's last bit.
        let y = exp_core(s, x).0;
        let y = s.select_f64s(
            s.greater_than_f64s(x, splat(s, 709.782_712_893_384)),
            splat(s, f64::INFINITY),
            y,
        );
        s.select_f64s(is_nan(s, x), x, y)
    }

    fn scalar(x: f64) -> f64 {
        x.exp()
    }
}

/// `x = 2^e (1 + f)` with 1 + f in [sqrt(1/2), sqrt(2)) (e and f exact) and `g` with
/// log(1 + f) = f - g, g at most a fifth of f.
pub(super) struct LogParts<S: Simd> {
    pub e: S::f64s,
    pub f: S::f64s,
    pub g: S::f64s,
}

/// `x = m 2^e` with m in [sqrt(1/2), sqrt(2)) for a positive normal `x` (log's and pow's
/// reduction): the exponent of a sqrt(2)-biased copy, reached through the 32-bit halves of
/// each lane (`hi_shr20`, `hi_shl20`).
#[inline(always)]
pub(super) fn split_sqrt2<S: Simd>(s: S, x: S::f64s) -> (S::f64s, S::f64s) {
    const SQRT_HALF_BITS: u64 = 0x3FE6_A09E_667F_3BCD;
    const ONE_BITS: u64 = 0x3FF0_0000_0000_0000;
    // 2^20 as bits: OR-ing e into the low bits of its high word gives 2^20 + e.
    const TWO_20_BITS: u64 = 0x4130_0000_0000_0000;
    let b = bits(s, x);
    let biased = s.add_u64s(b, s.splat_u64s(ONE_BITS - SQRT_HALF_BITS));
    // The biased exponent in the low bits of the high word; the low word's own shifted
    // bits are masked off.
    let eb = s.and_u64s(hi_shr20(s, biased), s.splat_u64s(0xFFFF_FFFF_0000_0000));
    let m = from_bits(
        s,
        s.add_u64s(s.sub_u64s(b, hi_shl20(s, eb)), s.splat_u64s(ONE_BITS)),
    );
    let e = s.sub_f64s(
        from_bits(s, s.or_u64s(eb, s.splat_u64s(TWO_20_BITS))),
        splat(s, 1_048_576.0 + 1023.0),
    );
    (m, e)
}

#[inline(always)]
pub(super) fn log_reduce<S: Simd>(s: S, x: S::f64s) -> LogParts<S> {
    // 2 atanh(t) = 2t + t z Q(z), z = t^2, |t| <= 0.1716: the first omitted term is
    // z^11 / 23 relative, 6e-19.
    const Q: [f64; 10] = [
        2.0 / 3.0,
        2.0 / 5.0,
        2.0 / 7.0,
        2.0 / 9.0,
        2.0 / 11.0,
        2.0 / 13.0,
        2.0 / 15.0,
        2.0 / 17.0,
        2.0 / 19.0,
        2.0 / 21.0,
    ];
    // Subnormals: scale into the normal range first.
    let tiny = s.less_than_f64s(x, splat(s, f64::MIN_POSITIVE));
    let xs = s.select_f64s(tiny, s.mul_f64s(x, splat(s, 4_503_599_627_370_496.0)), x);
    let eadj = s.select_f64s(tiny, splat(s, -52.0), splat(s, 0.0));
    // x = m 2^e with m in [sqrt(1/2), sqrt(2)), so that f = m - 1 is small both ways.
    let (m, e) = split_sqrt2(s, xs);
    let e = s.add_f64s(e, eadj);
    let f = s.sub_f64s(m, splat(s, 1.0));
    let t = s.div_f64s(f, s.add_f64s(f, splat(s, 2.0)));
    let z = s.mul_f64s(t, t);
    // log(1 + f) = 2t + t z Q(z) = f - g, g = t (f - z Q(z)), since 2t = f - t f: f is
    // exact, and the rounded g is at most a fifth of the result.
    let g = s.mul_f64s(t, s.sub_f64s(f, s.mul_f64s(z, horner(s, z, &Q))));
    LogParts { e, f, g }
}

/// The special values every logarithm shares: NaN below 0 (below -1 for log1p: `x` is
/// the argument of the log proper), -inf at 0, inf at inf, NaN through.
#[inline(always)]
pub(super) fn log_specials<S: Simd>(s: S, x: S::f64s, y: S::f64s) -> S::f64s {
    let y = s.select_f64s(s.less_than_f64s(x, splat(s, 0.0)), splat(s, f64::NAN), y);
    let y = s.select_f64s(
        s.equal_f64s(x, splat(s, 0.0)),
        splat(s, f64::NEG_INFINITY),
        y,
    );
    let y = s.select_f64s(s.equal_f64s(x, splat(s, f64::INFINITY)), x, y);
    s.select_f64s(is_nan(s, x), x, y)
}

impl UnaryF64 for Log {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        let LogParts { e, f, g } = log_reduce(s, x);
        // e ln2_hi + f exactly as (hi, err): for e = -1 and f ~ 0.35 the two cancel to half
        // their size, and rounding the sum of the rest into it before cost 1.1 ulp.
        let (hi, err) = two_sum(s, s.mul_f64s(e, splat(s, LN2_HI)), f);
        let lo = s.sub_f64s(madd(s, e, splat(s, LN2_LO), err), g);
        log_specials(s, x, s.add_f64s(hi, lo))
    }

    fn scalar(x: f64) -> f64 {
        x.ln()
    }
}

// NOTE [ SIMD f64 sigmoid speed ]: the 2.11 ns per element above was a noisy run; with
// warmed-up buffers on both sides (4M float64, 1 thread, AVX-512, load ~2) this kernel
// takes 1.31 ns and torch 1.20 (4.2 when its 32 MB output is a fresh mmap, as in a cold
// first call). The cheaper formulation, the plain quotient n / d without the first-order
// correction below, took 0.95 ns but measured 2.24 ulp (e's error and the rounding of
// 1 + e each pass to the quotient), past the ~1.5 ulp asked of it; the correction (six
// operations after the division, on its latency chain) is what the remaining 0.1 ns over
// torch buys: 1.09 ulp against torch's 1e15 (its e^-x overflows below x = -709.8).
impl UnaryF64 for Sigmoid {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        // As in f32: with e = e^-|x| <= 1, 1 / (1 + e) for x >= 0 and e / (1 + e) below,
        // so the negative side keeps its relative accuracy down to the subnormals.
        let (e, e_lo) = exp_core(s, s.neg_f64s(s.abs_f64s(x)));
        let one = splat(s, 1.0);
        let zero = splat(s, 0.0);
        let d = s.add_f64s(e, one);
        let neg = s.less_than_f64s(x, zero);
        let q = s.div_f64s(s.select_f64s(neg, e, one), d);
        // The exact quotient is (n + n_lo) / (d + lost + e_lo), with `lost` the rounding
        // of 1 + e (exact, e <= 1) and e_lo that of e; taken back to first order:
        // q + (n_lo - q (lost + e_lo)) / d, where 1 / d is q or 1 - q. Without e_lo the
        // worst case was 1.89 ulp (x ~ -3.45: e's error, measured in the ulps of a
        // binade below, counts double).
        let lost = s.add_f64s(s.add_f64s(s.sub_f64s(one, d), e), e_lo);
        let n_lo = s.select_f64s(neg, e_lo, zero);
        let inv_d = s.select_f64s(neg, s.sub_f64s(one, q), q);
        let y = madd(s, madd(s, s.neg_f64s(q), lost, n_lo), inv_d, q);
        s.select_f64s(is_nan(s, x), x, y)
    }

    fn scalar(x: f64) -> f64 {
        1.0 / (1.0 + (-x).exp())
    }
}

impl UnaryF64 for Tanh {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        // tanh x = x + x^3 Q(x^2) on |x| < 0.625 (see the module docs).
        const Q: [f64; 11] = [
            -0.333_333_333_333_328_5,
            0.133_333_333_332_615_32,
            -0.053_968_253_931_142_49,
            0.021_869_487_574_973_215,
            -0.008_863_221_001_908_643,
            0.003_591_989_240_119_084,
            -0.001_454_959_463_096_882,
            0.000_586_318_997_541_284_1,
            -0.000_228_569_927_458_145_06,
            7.715_145_163_688_556e-5,
            -1.607_623_039_217_711_8e-5,
        ];
        let ax = s.abs_f64s(x);
        let u = s.mul_f64s(x, x);
        let small = madd(s, s.mul_f64s(x, u), horner(s, u, &Q), x);
        // -0.0 + +0.0 is +0.0: tanh keeps the argument's sign, zeros included (torch).
        let small = s.or_f64s(s.abs_f64s(small), s.and_f64s(x, splat(s, -0.0)));
        // Elsewhere 1 - 2 / (e^{2|x|} + 1), with the roundings of e and e + 1 taken back as
        // in sigmoid: the subtraction loses up to a bit at |x| = 0.625. Past |x| = 20 the
        // result rounds to 1, and the clamp keeps e finite.
        let a = s.min_f64s(ax, splat(s, 20.0));
        let (e, e_lo) = exp_core(s, s.add_f64s(a, a));
        let one = splat(s, 1.0);
        let d = s.add_f64s(e, one);
        let lost = s.add_f64s(s.add_f64s(s.sub_f64s(one, d), e), e_lo);
        let q = s.div_f64s(splat(s, 2.0), d);
        // 2 / (d + lost) ~ q - q lost / d = q - (q lost) (q / 2).
        let q = madd(
            s,
            s.neg_f64s(s.mul_f64s(q, lost)),
            s.mul_f64s(q, splat(s, 0.5)),
            q,
        );
        let big = s.sub_f64s(one, q);
        let sign = s.and_f64s(x, splat(s, -0.0));
        let big = s.or_f64s(big, sign);
        let y = s.select_f64s(s.less_than_f64s(ax, splat(s, 0.625)), small, big);
        s.select_f64s(is_nan(s, x), x, y)
    }

    fn scalar(x: f64) -> f64 {
        x.tanh()
    }
}

/// Past this |x| the reduction below is no longer exact in its heads (k would exceed
/// 2^20); such lanes take the scalar libm path, which reduces with all of 2/pi's bits.
pub(super) const TRIG_LIMIT: f64 = 1.0e6;

/// `(hi, lo)` with `hi + lo = a + b` exactly (Knuth's two-sum: no ordering needed).
#[inline(always)]
pub(super) fn two_sum<S: Simd>(s: S, a: S::f64s, b: S::f64s) -> (S::f64s, S::f64s) {
    let hi = s.add_f64s(a, b);
    let bb = s.sub_f64s(hi, a);
    let lo = s.add_f64s(s.sub_f64s(a, s.sub_f64s(hi, bb)), s.sub_f64s(b, bb));
    (hi, lo)
}

/// `(r, r_lo, q, far)` with `x = q pi/2 + r + r_lo`, |r| <= pi/4, for |x| <= TRIG_LIMIT,
/// and the lanes past the limit.
#[inline(always)]
pub(super) fn reduce_half_pi<S: Simd>(s: S, x: S::f64s) -> (S::f64s, S::f64s, S::u64s, S::m64s) {
    // pi/2 in four parts, the first three of 33 significant bits (k * P_i exact for
    // k < 2^20), 152 bits together. NOTE: the closest a float64 below 1e6 comes to a
    // multiple of pi/2 is of the order of 2^-58 (2^52 doubles against ~2^20 multiples),
    // so the ~2^-130 absolute error here leaves r accurate to far more than 53 bits.
    const P: [f64; 4] = [
        f64::from_bits(0x3FF9_21FB_5440_0000),
        f64::from_bits(0x3DD0_B461_1A60_0000),
        f64::from_bits(0x3BA3_198A_2E00_0000),
        f64::from_bits(0x397B_839A_2520_49C1),
    ];
    let kf = madd(s, x, splat(s, std::f64::consts::FRAC_2_PI), splat(s, SHIFT));
    let k = s.sub_f64s(kf, splat(s, SHIFT));
    // Exact: k P0 is, and x is within a factor 2 of it (Sterbenz).
    let t = madd(s, k, splat(s, -P[0]), x);
    // The next two products are exact; their sums are kept exactly as (hi, error).
    let (h1, e1) = two_sum(s, t, s.mul_f64s(k, splat(s, -P[1])));
    let (h2, e2) = two_sum(s, h1, s.mul_f64s(k, splat(s, -P[2])));
    let lo = madd(s, k, splat(s, -P[3]), s.add_f64s(e1, e2));
    let r = s.add_f64s(h2, lo);
    let r_lo = s.sub_f64s(lo, s.sub_f64s(r, h2));
    let far = s.greater_than_f64s(s.abs_f64s(x), splat(s, TRIG_LIMIT));
    (r, r_lo, bits(s, kf), far)
}

/// sin r = r + r z SIN(z) and cos r = 1 - z/2 + z^2 COS(z), z = r^2 (Taylor).
pub(super) const SIN: [f64; 8] = [
    -1.0 / 6.0,
    1.0 / 120.0,
    -1.0 / 5040.0,
    1.0 / 362_880.0,
    -1.0 / 39_916_800.0,
    1.0 / 6_227_020_800.0,
    -1.0 / 1_307_674_368_000.0,
    1.0 / 355_687_428_096_000.0,
];
pub(super) const COS: [f64; 7] = [
    1.0 / 24.0,
    -1.0 / 720.0,
    1.0 / 40_320.0,
    -1.0 / 3_628_800.0,
    1.0 / 479_001_600.0,
    -1.0 / 87_178_291_200.0,
    1.0 / 20_922_789_888_000.0,
];

/// sin(r + r_lo) and cos(r + r_lo) on |r| <= pi/4 (Taylor; the first omitted terms are
/// 1e-19 and 2e-18 relative), with r_lo (under half an ulp of r) to first order.
#[inline(always)]
fn sin_cos_poly<S: Simd>(s: S, r: S::f64s, r_lo: S::f64s) -> (S::f64s, S::f64s) {
    let one = splat(s, 1.0);
    let z = s.mul_f64s(r, r);
    // cos = (1 - z/2) + z^2 C(z): the head's rounding error is recovered exactly
    // (z/2 is exact and 1 - w is exact for w in [0.69, 1]) and added with the tail, so
    // the result rounds once where it matters.
    let hz = s.mul_f64s(z, splat(s, 0.5));
    let w = s.sub_f64s(one, hz);
    let w_err = s.sub_f64s(s.sub_f64s(one, w), hz);
    let tail = s.sub_f64s(w_err, s.mul_f64s(r, r_lo));
    let cos = s.add_f64s(w, madd(s, s.mul_f64s(z, z), horner(s, z, &COS), tail));
    let sin_tail = madd(
        s,
        s.mul_f64s(r, z),
        horner(s, z, &SIN),
        s.mul_f64s(r_lo, cos),
    );
    (s.add_f64s(r, sin_tail), cos)
}

/// sin(x) from the quadrant `q` (the low bits of k, plus one for cosine).
#[inline(always)]
fn by_quadrant<S: Simd>(s: S, r: S::f64s, r_lo: S::f64s, q: S::u64s) -> S::f64s {
    let (sin, cos) = sin_cos_poly(s, r, r_lo);
    let odd = s.equal_u64s(s.and_u64s(q, s.splat_u64s(1)), s.splat_u64s(1));
    let y = s.select_f64s(odd, cos, sin);
    let flip = s.equal_u64s(s.and_u64s(q, s.splat_u64s(2)), s.splat_u64s(2));
    let sign = s.select_u64s(flip, s.splat_u64s(1 << 63), s.splat_u64s(0));
    from_bits(s, s.xor_u64s(bits(s, y), sign))
}

impl UnaryF64 for Sin {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        Self::vec_checked(s, x).0
    }

    #[inline(always)]
    fn vec_checked<S: Simd>(s: S, x: S::f64s) -> (S::f64s, Option<S::m64s>) {
        let (r, r_lo, q, far) = reduce_half_pi(s, x);
        let y = by_quadrant(s, r, r_lo, q);
        // Below 2^-26 sin x rounds to x; this also keeps -0 and the subnormals exact,
        // which the reduction's sums would not (-0 + 0 = +0).
        let tiny = s.less_than_f64s(s.abs_f64s(x), splat(s, 1.0 / 67_108_864.0));
        (s.select_f64s(tiny, x, y), Some(far))
    }

    fn scalar(x: f64) -> f64 {
        x.sin()
    }
}

impl UnaryF64 for Cos {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        Self::vec_checked(s, x).0
    }

    #[inline(always)]
    fn vec_checked<S: Simd>(s: S, x: S::f64s) -> (S::f64s, Option<S::m64s>) {
        let (r, r_lo, q, far) = reduce_half_pi(s, x);
        let q = s.add_u64s(q, s.splat_u64s(1));
        (by_quadrant(s, r, r_lo, q), Some(far))
    }

    fn scalar(x: f64) -> f64 {
        x.cos()
    }
}

//! float32 bodies of the vector kernels. Each reduces its argument (Cody–Waite with split
//! constants whose heads have trailing zero bits, so `k * head` is exact with or without a
//! fused multiply-add), evaluates a short polynomial in Horner form, and patches the
//! special values with selects. Integers are produced without float-to-int conversions
//! (pulp has none): `x + 1.5 * 2^23` rounds to an integer held in the low mantissa bits.
//!
//! NOTE [ SIMD f32 accuracy ]: measured by tests/test_unary_simd.py against float64 numpy
//! over log-spaced magnitudes of both signs, subnormals, powers of 2 and 10 and the special
//! values, on every path; max ulp on avx512 (avx2 alike unless noted) / the baseline, which
//! does not fuse (NOTE [ SIMD baseline FMA ]): exp 0.86 / 1.14, expm1 1.28 / 1.41, log
//! 0.89 / 0.86, log1p 0.81 / 0.92, log2 0.94 / 0.94, log10 0.82 / 0.99, sigmoid 1.73 /
//! 1.84, tanh 1.31 / 1.24, sin 1.07 (avx2 1.16) / 1.31, cos 1.13 / 1.39, tan 1.36 / 1.56,
//! erf 1.08 / 1.40, rsqrt 0 (correctly rounded on the sample) / 0. torch on the same
//! inputs: 0.5 to 1.0, rsqrt 1.45, and 2e6 for sigmoid's tail; the table is in the test
//! file's docstring. log2 and log10 are
//! exact at powers of 2 and 10, as numpy and torch are.
//! Speed, 4M float32, 1 thread, AVX-512 (AMD EPYC Zen 4, medians of a noisy shared
//! machine), ns per element, rtorch (torch): exp 0.34 (0.83),
//! expm1 0.30 (1.26), log 0.44 (9.2), log1p 0.53 (0.80), log2 0.56 (1.00), log10 0.57
//! (1.07), sigmoid 0.40 (0.44), tanh 0.52 (2.51), sin 0.74 (1.28), cos 0.52 (1.33), tan
//! 0.86 (1.74), erf 0.63 (1.28), rsqrt 0.32 (0.29; torch's 1 / sqrt, 1.45 ulp, has no
//! correction step).
//! Taylor coefficients serve exp, log (through atanh) and sin/cos: on these reduced ranges
//! their truncation error is below 0.05 ulp, so a minimax fit would only shorten them by
//! a term; tanh's small-argument polynomial is a least-squares fit (near-minimax) made for
//! this file.

use super::UnaryF32;
use pulp::Simd;

/// 1.5 * 2^23: `v + SHIFT - SHIFT` rounds `v` (|v| < 2^22) to the nearest integer, and
/// the bits of `v + SHIFT` are `0x4B40_0000 + round(v)`.
pub(super) const SHIFT: f32 = 12_582_912.0;
pub(super) const SHIFT_BITS: u32 = 0x4B40_0000;

// NOTE [ SIMD baseline FMA ]: pulp's portable baseline implements `mul_add` with a
// correctly rounded software fma where the target has no FMA unit (x86-64 v1/v2), which
// made the baseline path 30x slower than the old scalar code (exp 27 ns per element). The
// portable type is the only 16-byte float32 vector dispatched on x86-64, so it multiplies
// and adds separately there; every step that relies on exactness (k * head in the range
// reductions, the recovered rounding error in sin/cos) has an exact product either way.
#[inline(always)]
pub(super) fn fused<S: Simd>() -> bool {
    cfg!(target_feature = "fma") || !cfg!(target_arch = "x86_64") || size_of::<S::f32s>() > 16
}

/// `a * b + c`, fused where the path has an FMA unit.
#[inline(always)]
pub(super) fn madd<S: Simd>(s: S, a: S::f32s, b: S::f32s, c: S::f32s) -> S::f32s {
    if fused::<S>() {
        s.mul_add_f32s(a, b, c)
    } else {
        s.add_f32s(s.mul_f32s(a, b), c)
    }
}

/// `c - a * b`.
#[inline(always)]
pub(super) fn madd_neg<S: Simd>(s: S, a: S::f32s, b: S::f32s, c: S::f32s) -> S::f32s {
    madd(s, s.neg_f32s(a), b, c)
}

/// `c[0] + x (c[1] + x (c[2] + ...))`.
#[inline(always)]
pub(super) fn horner<S: Simd>(s: S, x: S::f32s, c: &[f32]) -> S::f32s {
    let (last, rest) = c.split_last().expect("a polynomial has a coefficient");
    let mut acc = s.splat_f32s(*last);
    for &ci in rest.iter().rev() {
        acc = madd(s, acc, x, s.splat_f32s(ci));
    }
    acc
}

#[inline(always)]
pub(super) fn bits<S: Simd>(s: S, x: S::f32s) -> S::u32s {
    s.transmute_u32s_f32s(x)
}

#[inline(always)]
pub(super) fn from_bits<S: Simd>(s: S, u: S::u32s) -> S::f32s {
    s.transmute_f32s_u32s(u)
}

/// `2^k` for integer-valued `k` in [-126, 127], from the bits of `k + SHIFT`.
#[inline(always)]
pub(super) fn pow2i<S: Simd>(s: S, k_shifted: S::f32s) -> S::f32s {
    let biased = s.add_u32s(
        bits(s, k_shifted),
        s.splat_u32s(127u32.wrapping_sub(SHIFT_BITS)),
    );
    from_bits(s, s.wrapping_dyn_shl_u32s(biased, s.splat_u32s(23)))
}

/// ln 2 in two parts; the head (0x3F31_7200) has 9 trailing zero bits, so `k * LN2_HI` is
/// exact for |k| < 2^9.
pub(super) const LN2_HI: f32 = 0.693_145_75;
pub(super) const LN2_LO: f32 = 1.428_606_8e-6;

#[inline(always)]
pub(super) fn is_nan<S: Simd>(s: S, x: S::f32s) -> S::m32s {
    s.not_m32s(s.equal_f32s(x, x))
}

/// e^r on |r| <= ln2 / 2 (Taylor; truncation below 2e-9 relative).
const EXP_TAYLOR: [f32; 8] = [
    1.0,
    1.0,
    0.5,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5040.0,
];

/// `x = k ln2 + r` with integer-valued `k` and |r| <= ln2/2 (Cody-Waite, exact in its
/// first step); returns `(k + SHIFT, k, r)`, the first holding k's bits for `pow2i`.
/// `x` must already be clamped to where k fits the exponent field.
#[inline(always)]
pub(super) fn reduce_ln2<S: Simd>(s: S, x: S::f32s) -> (S::f32s, S::f32s, S::f32s) {
    let kf = madd(
        s,
        x,
        s.splat_f32s(std::f32::consts::LOG2_E),
        s.splat_f32s(SHIFT),
    );
    let k = s.sub_f32s(kf, s.splat_f32s(SHIFT));
    let r = madd(s, k, s.splat_f32s(-LN2_HI), x);
    (kf, k, madd(s, k, s.splat_f32s(-LN2_LO), r))
}

/// `e^x` without the NaN patch (callers add it where NaN can arrive).
#[inline(always)]
pub(super) fn exp_core<S: Simd>(s: S, x: S::f32s) -> S::f32s {
    // Below -104 the result rounds to 0, above 89 to inf; clamping keeps k in range.
    let xc = s.min_f32s(s.max_f32s(x, s.splat_f32s(-104.0)), s.splat_f32s(89.0));
    let (_, k, r) = reduce_ln2(s, xc);
    let p = horner(s, r, &EXP_TAYLOR);
    // 2^k in two factors so that k in [-150, 129] stays within the normal exponents: the
    // product rounds once, into the subnormals or to inf, as the exact result would.
    let k1 = s.add_f32s(s.mul_f32s(k, s.splat_f32s(0.5)), s.splat_f32s(SHIFT));
    let k2 = s.add_f32s(
        s.sub_f32s(k, s.sub_f32s(k1, s.splat_f32s(SHIFT))),
        s.splat_f32s(SHIFT),
    );
    s.mul_f32s(s.mul_f32s(p, pow2i(s, k1)), pow2i(s, k2))
}

/// `e^t` for t <= 0 (NaN not patched): exp_core with one scaling step instead of two.
/// The polynomial carries a factor 2^64, so adding k to its exponent field keeps it
/// normal for every k down to -150; the final multiply by 2^-64 rounds once, into the
/// subnormals as the exact result would.
#[inline(always)]
pub(super) fn exp_nonpositive<S: Simd>(s: S, t: S::f32s) -> S::f32s {
    const TWO_64: f32 = 18_446_744_073_709_551_616.0;
    const TAYLOR: [f32; 8] = {
        let mut c = EXP_TAYLOR;
        let mut i = 0;
        while i < c.len() {
            c[i] *= TWO_64;
            i += 1;
        }
        c
    };
    let tc = s.max_f32s(t, s.splat_f32s(-104.0));
    let (kf, _, r) = reduce_ln2(s, tc);
    let p = horner(s, r, &TAYLOR);
    // The bits of kf are SHIFT_BITS + k, and SHIFT_BITS << 23 wraps to 0: the shift
    // leaves k << 23, which adds k to p's exponent.
    let scaled = s.add_u32s(
        bits(s, p),
        s.wrapping_dyn_shl_u32s(bits(s, kf), s.splat_u32s(23)),
    );
    s.mul_f32s(from_bits(s, scaled), s.splat_f32s(1.0 / TWO_64))
}

pub struct Exp;

impl UnaryF32 for Exp {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f32s) -> S::f32s {
        // NOTE: largest x with a finite e^x in f32; the product above would also overflow,
        // but the select keeps the boundary independent of the polynomial's last bit.
        let y = exp_core(s, x);
        let y = s.select_f32s(
            s.greater_than_f32s(x, s.splat_f32s(88.722_84)),
            s.splat_f32s(f32::INFINITY),
            y,
        );
        s.select_f32s(is_nan(s, x), x, y)
    }

    fn scalar(x: f32) -> f32 {
        (x as f64).exp() as f32
    }
}

/// `x = 2^e (1 + f)` with 1 + f in [sqrt(1/2), sqrt(2)) (f exact), `t = f / (f + 2)` and
/// `g = f - t^2 Q(t^2)`, so that log(1 + f) = f - t g.
pub(super) struct LogParts<S: Simd> {
    pub e: S::f32s,
    pub f: S::f32s,
    pub t: S::f32s,
    pub g: S::f32s,
}

#[inline(always)]
pub(super) fn log_reduce<S: Simd>(s: S, x: S::f32s) -> LogParts<S> {
    const SQRT_HALF_BITS: u32 = 0x3F35_04F3;
    const ONE_BITS: u32 = 0x3F80_0000;
    // 2 atanh(s) = 2s + 2s z (1/3 + z/5 + ...), z = s^2, truncated where the next
    // term is below 2e-9 relative (|s| <= 0.172).
    const Q: [f32; 5] = [2.0 / 3.0, 2.0 / 5.0, 2.0 / 7.0, 2.0 / 9.0, 2.0 / 11.0];
    // Subnormals: scale into the normal range first.
    let tiny = s.less_than_f32s(x, s.splat_f32s(f32::MIN_POSITIVE));
    let xs = s.select_f32s(tiny, s.mul_f32s(x, s.splat_f32s(8_388_608.0)), x);
    let eadj = s.select_f32s(tiny, s.splat_f32s(-23.0), s.splat_f32s(0.0));
    // x = m 2^e with m in [sqrt(1/2), sqrt(2)), so that f = m - 1 is small both ways.
    let b = bits(s, xs);
    let eb = s.wrapping_dyn_shr_u32s(
        s.add_u32s(b, s.splat_u32s(ONE_BITS - SQRT_HALF_BITS)),
        s.splat_u32s(23),
    );
    let shifted = s.wrapping_dyn_shl_u32s(eb, s.splat_u32s(23));
    let m = from_bits(
        s,
        s.add_u32s(s.sub_u32s(b, shifted), s.splat_u32s(ONE_BITS)),
    );
    // eb is at most 255: OR-ing it into 2^23's mantissa gives 2^23 + eb exactly.
    let e = s.sub_f32s(
        from_bits(s, s.or_u32s(eb, s.splat_u32s(0x4B00_0000))),
        s.splat_f32s(8_388_608.0 + 127.0),
    );
    let e = s.add_f32s(e, eadj);
    let f = s.sub_f32s(m, s.splat_f32s(1.0));
    let t = s.div_f32s(f, s.add_f32s(f, s.splat_f32s(2.0)));
    let z = s.mul_f32s(t, t);
    let g = s.sub_f32s(f, s.mul_f32s(z, horner(s, z, &Q)));
    LogParts { e, f, t, g }
}

/// The special values every logarithm shares: NaN below 0 (below -1 for log1p: `x` is
/// the argument of the log proper), -inf at 0, inf at inf, NaN through.
#[inline(always)]
pub(super) fn log_specials<S: Simd>(s: S, x: S::f32s, y: S::f32s) -> S::f32s {
    let y = s.select_f32s(
        s.less_than_f32s(x, s.splat_f32s(0.0)),
        s.splat_f32s(f32::NAN),
        y,
    );
    let y = s.select_f32s(
        s.equal_f32s(x, s.splat_f32s(0.0)),
        s.splat_f32s(f32::NEG_INFINITY),
        y,
    );
    let y = s.select_f32s(s.equal_f32s(x, s.splat_f32s(f32::INFINITY)), x, y);
    s.select_f32s(is_nan(s, x), x, y)
}

pub struct Log;

impl UnaryF32 for Log {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f32s) -> S::f32s {
        let LogParts { e, f, t, g } = log_reduce(s, x);
        // log(1 + f) = 2t + 2t z Q(z) = f - t (f - z Q(z)), since 2t = f - t f: f is
        // exact, and the rounded part is at most a fifth of the result.
        let lg = madd_neg(s, t, g, f);
        let y = madd(
            s,
            e,
            s.splat_f32s(LN2_HI),
            madd(s, e, s.splat_f32s(LN2_LO), lg),
        );
        log_specials(s, x, y)
    }

    fn scalar(x: f32) -> f32 {
        x.ln()
    }
}

pub struct Sigmoid;

impl UnaryF32 for Sigmoid {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f32s) -> S::f32s {
        // With e = e^-|x| <= 1: 1 / (1 + e) for x >= 0 and e / (1 + e) below, so the
        // negative side keeps its relative accuracy down to the subnormals (1 / (1 + e^-x)
        // would give 0 below x = -88.7).
        // NOTE [ SIMD f32 sigmoid speed ]: the kernel is bound by instruction count, not
        // by its division (AVX-512, 4M float32, 1 thread: 0.48 ns per element at 39 vector
        // instructions, torch 0.41). exp_nonpositive drops a clamp and one of exp_core's
        // two scaling steps (8 instructions), and the rounding correction below needs no
        // second select (2 more): 0.41, torch 0.41, the same 1.73 ulp.
        let e = exp_nonpositive(s, s.or_f32s(x, s.splat_f32s(-0.0)));
        let one = s.splat_f32s(1.0);
        let d = s.add_f32s(e, one);
        let neg = s.less_than_f32s(x, s.splat_f32s(0.0));
        // The rounding of 1 + e (e <= 1, so `lost` = d - (1 + e) is exact) is worth 0.5
        // ulp; take it back with q / (d - lost) ~ q (1 + lost / d). The correction is
        // under an ulp, so 1 / d needs few bits: 1 - e / 2 is within 12% on [0, 1].
        // Computed before the quotient, it overlaps the division.
        let lost = s.sub_f32s(s.sub_f32s(d, one), e);
        let c = s.mul_f32s(lost, madd(s, e, s.splat_f32s(-0.5), one));
        let q = s.div_f32s(s.select_f32s(neg, e, one), d);
        let y = madd(s, q, c, q);
        s.select_f32s(is_nan(s, x), x, y)
    }

    fn scalar(x: f32) -> f32 {
        (1.0 / (1.0 + (-(x as f64)).exp())) as f32
    }
}

pub struct Tanh;

impl UnaryF32 for Tanh {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f32s) -> S::f32s {
        // tanh x = x + x^3 Q(x^2) on |x| < 0.625: a least-squares fit on Chebyshev nodes
        // weighted for relative error, 0.16 ulp from tanh in float64 before rounding.
        const Q: [f32; 5] = [
            -0.333_332_8,
            0.133_313_82,
            -0.053_735_316,
            0.020_626_286,
            -0.005_691_978,
        ];
        let ax = s.abs_f32s(x);
        let u = s.mul_f32s(x, x);
        let small = madd(s, s.mul_f32s(x, u), horner(s, u, &Q), x);
        // -0.0 + +0.0 is +0.0: tanh keeps the argument's sign, zeros included (torch).
        let small = s.or_f32s(s.abs_f32s(small), s.and_f32s(x, s.splat_f32s(-0.0)));
        // Elsewhere 1 - 2 / (e^{2|x|} + 1), whose subtraction loses under a bit here;
        // e^{2|x|} = inf past |x| = 44 gives exactly 1.
        let e = exp_core(s, s.add_f32s(ax, ax));
        let big = s.sub_f32s(
            s.splat_f32s(1.0),
            s.div_f32s(s.splat_f32s(2.0), s.add_f32s(e, s.splat_f32s(1.0))),
        );
        let sign = s.and_f32s(x, s.splat_f32s(-0.0));
        let big = s.or_f32s(big, sign);
        let y = s.select_f32s(s.less_than_f32s(ax, s.splat_f32s(0.625)), small, big);
        s.select_f32s(is_nan(s, x), x, y)
    }

    fn scalar(x: f32) -> f32 {
        x.tanh()
    }
}

/// Past this |x| the four-part reduction below is no longer exact in its heads (k would
/// exceed 2^13); such lanes take the float64 scalar path.
pub(super) const TRIG_LIMIT: f32 = 8192.0;

/// `(r, r_lo, q)` with `x = q pi/2 + r + r_lo`, |r| <= pi/4, for |x| <= TRIG_LIMIT, and the
/// lanes the reduction cannot serve: beyond the limit, and those landing so close to a
/// multiple of pi/2 (|r| < 2^-16) that the ~2^-50 absolute error of the reduction would
/// show.
#[inline(always)]
pub(super) fn reduce_half_pi<S: Simd>(s: S, x: S::f32s) -> (S::f32s, S::f32s, S::u32s, S::m32s) {
    // pi/2 in four parts; the first three have 11 significant bits, so k * P_i is exact
    // for k < 2^13; together they carry pi/2 to 2^-63.
    // NOTE: the last two as bit patterns: a decimal literal would need more digits than
    // clippy allows, and a short one rounds to a neighbour, which cost ~3 ulp.
    const P: [f32; 4] = [
        1.570_312_5,
        4.837_513e-4,
        f32::from_bits(0x33A2_2000),
        f32::from_bits(0x2C34_611A),
    ];
    let p = [
        s.splat_f32s(-P[0]),
        s.splat_f32s(-P[1]),
        s.splat_f32s(-P[2]),
        s.splat_f32s(-P[3]),
    ];
    let kf = madd(
        s,
        x,
        s.splat_f32s(std::f32::consts::FRAC_2_PI),
        s.splat_f32s(SHIFT),
    );
    let k = s.sub_f32s(kf, s.splat_f32s(SHIFT));
    // The first two steps are exact (Sterbenz, and both terms on a 2^-34 grid).
    let t = madd(s, k, p[1], madd(s, k, p[0], x));
    // The third rounds when |r| > 2^-10; its error is recovered exactly (one FMA) and
    // carried with the last part in r_lo: NOTE [ SIMD f32 accuracy ] measured 2 ulp for
    // sin at |x| ~ 7500 before, 1 ulp after.
    let hi = madd(s, k, p[2], t);
    let lo = madd(s, k, p[3], madd(s, k, p[2], s.sub_f32s(t, hi)));
    let r = s.add_f32s(hi, lo);
    let r_lo = s.sub_f32s(lo, s.sub_f32s(r, hi));
    let ax = s.abs_f32s(x);
    let far = s.greater_than_f32s(ax, s.splat_f32s(TRIG_LIMIT));
    let close = s.and_m32s(
        s.less_than_f32s(s.abs_f32s(r), s.splat_f32s(1.0 / 65536.0)),
        s.greater_than_f32s(ax, s.splat_f32s(0.75)),
    );
    (r, r_lo, bits(s, kf), s.or_m32s(far, close))
}

/// sin(r + r_lo) and cos(r + r_lo) on |r| <= pi/4 (Taylor; truncation below 2e-9
/// relative), with r_lo (under half an ulp of r) as a first-order correction.
#[inline(always)]
pub(super) fn sin_cos_poly<S: Simd>(s: S, r: S::f32s, r_lo: S::f32s) -> (S::f32s, S::f32s) {
    const SIN: [f32; 4] = [-1.0 / 6.0, 1.0 / 120.0, -1.0 / 5040.0, 1.0 / 362_880.0];
    const COS: [f32; 6] = [
        1.0,
        -0.5,
        1.0 / 24.0,
        -1.0 / 720.0,
        1.0 / 40_320.0,
        -1.0 / 3_628_800.0,
    ];
    let z = s.mul_f32s(r, r);
    let sin = madd(s, s.mul_f32s(r, z), horner(s, z, &SIN), r);
    let cos = horner(s, z, &COS);
    (madd(s, r_lo, cos, sin), madd_neg(s, r_lo, sin, cos))
}

/// sin(x) from the quadrant `q` (the low bits of k, plus one for cosine).
#[inline(always)]
fn by_quadrant<S: Simd>(s: S, r: S::f32s, r_lo: S::f32s, q: S::u32s) -> S::f32s {
    let (sin, cos) = sin_cos_poly(s, r, r_lo);
    let odd = s.equal_u32s(s.and_u32s(q, s.splat_u32s(1)), s.splat_u32s(1));
    let y = s.select_f32s(odd, cos, sin);
    let sign = s.wrapping_dyn_shl_u32s(s.and_u32s(q, s.splat_u32s(2)), s.splat_u32s(30));
    from_bits(s, s.xor_u32s(bits(s, y), sign))
}

pub struct Sin;

impl UnaryF32 for Sin {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f32s) -> S::f32s {
        Self::vec_checked(s, x).0
    }

    #[inline(always)]
    fn vec_checked<S: Simd>(s: S, x: S::f32s) -> (S::f32s, Option<S::m32s>) {
        let (r, r_lo, q, redo) = reduce_half_pi(s, x);
        // sin(-0.0) is -0.0 (torch), but the reduction's r + r_lo gives +0.0.
        let zero = s.equal_f32s(x, s.splat_f32s(0.0));
        (
            s.select_f32s(zero, x, by_quadrant(s, r, r_lo, q)),
            Some(redo),
        )
    }

    fn scalar(x: f32) -> f32 {
        (x as f64).sin() as f32
    }
}

pub struct Cos;

impl UnaryF32 for Cos {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f32s) -> S::f32s {
        Self::vec_checked(s, x).0
    }

    #[inline(always)]
    fn vec_checked<S: Simd>(s: S, x: S::f32s) -> (S::f32s, Option<S::m32s>) {
        let (r, r_lo, q, redo) = reduce_half_pi(s, x);
        let q = s.add_u32s(q, s.splat_u32s(1));
        (by_quadrant(s, r, r_lo, q), Some(redo))
    }

    fn scalar(x: f32) -> f32 {
        (x as f64).cos() as f32
    }
}

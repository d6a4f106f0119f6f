//! float32 `pow` in float64 lanes: each float32 is widened, `2^(y log2 |x|)` is computed
//! with polynomials only as long as a float32 result needs, and the float64 result is
//! narrowed with one rounding (which also places results in the float32 subnormals or at
//! inf correctly).
//!
//! NOTE [ SIMD f32 pow ]: accuracy. The float64 result is within 5e-10 relative of the
//! exact power for every float32 x and y whose power is a float32 (|y log2 x| <= 150):
//! log2(m) on m in [sqrt(1/2), sqrt(2)) errs by at most 4.2e-12 relative (so by 2.1e-12
//! absolute: the exponent of x is added exactly), and |y| <= 300 wherever the product is
//! in range, which bounds the error of t = y log2 x by 6.3e-10; 2^r on |r| <= 1/2 errs by
//! 4.8e-11 relative. The narrowing then rounds to within 0.5 + 2^24 * 5e-10 = 0.508 ulp of
//! the exact power. Measured by tests/test_pow_simd.py against numpy's float64 power:
//! 0.505 ulp worst (x within 1e-3 of 1 by |y| up to 1e5), 0.5015 over the whole float32
//! range by scalar exponents, the same bits on the avx512 and avx2 paths (the baseline
//! x86-64 path, too slow in float64 lanes, rounds libm's float64 pow instead); torch
//! 2.13 on the same inputs 0.67 to 0.77 (41 for some exponents). Both polynomials are
//! near-minimax relative-error fits made for this file (weighted least squares on
//! Chebyshev nodes, reweighted toward equal ripple, in mpmath). Speed: NOTE [ float32 pow
//! by a float ] in binary.rs.

use super::dispatch;
use super::f64::{bits, from_bits, fused, horner, is_nan, madd, pow2i, splat, split_sqrt2, SHIFT};
use pulp::{Simd, WithSimd};

/// The exponent of a pow: one for every element, or one per element.
#[derive(Clone, Copy)]
pub enum Exponent<'a, T> {
    Scalar(T),
    Each(&'a [T]),
}

/// `os[i] = xs[i] ^ y` (or `^ y[i]`) with C's `pow` special values, on the dispatched path.
pub fn pow_f32(os: &mut [f32], xs: &[f32], y: Exponent<f32>) {
    debug_assert_eq!(os.len(), xs.len());
    if let Exponent::Each(ys) = y {
        debug_assert_eq!(ys.len(), xs.len());
    }
    dispatch(PowF32 { os, xs, y });
}

struct PowF32<'a> {
    os: &'a mut [f32],
    xs: &'a [f32],
    y: Exponent<'a, f32>,
}

/// Elements widened per step: a multiple of every path's float64 lane count, small
/// enough that the three buffers stay in registers and L1.
const CHUNK: usize = 32;

impl WithSimd for PowF32<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        // NOTE: plain loops, no closures: a closure does not inherit the target features
        // of the `vectorize` frame (see `MapF32`). pulp has no float32 <-> float64
        // conversions; LLVM turns the `as` loops below into them inside this frame.
        if !fused::<S>() {
            // x86-64 without AVX2: pulp's 16-byte float64 lanes run the kernel at 16 ns an
            // element (4M: 63 ms); libm's float64 pow rounded once is 48 ms, and as exact.
            for (i, (o, &x)) in self.os.iter_mut().zip(self.xs).enumerate() {
                let y = match self.y {
                    Exponent::Scalar(y) => y,
                    Exponent::Each(ys) => ys[i],
                };
                *o = (x as f64).powf(y as f64) as f32;
            }
            return;
        }
        let mut xd = [0f64; CHUNK];
        let mut yd = [0f64; CHUNK];
        let mut rd = [0f64; CHUNK];
        if let Exponent::Scalar(y) = self.y {
            yd = [y as f64; CHUNK];
        }
        let n = self.xs.len();
        let mut start = 0;
        while start < n {
            let m = CHUNK.min(n - start);
            widen(&mut xd, &self.xs[start..start + m]);
            match self.y {
                Exponent::Each(ys) => {
                    widen(&mut yd, &ys[start..start + m]);
                    pow_chunk::<S, true>(s, &xd, &yd, &mut rd);
                }
                Exponent::Scalar(y) if y.is_finite() => pow_chunk::<S, false>(s, &xd, &yd, &mut rd),
                Exponent::Scalar(_) => pow_chunk::<S, true>(s, &xd, &yd, &mut rd),
            }
            for (o, &r) in self.os[start..start + m].iter_mut().zip(&rd[..m]) {
                *o = r as f32;
            }
            start += m;
        }
    }
}

/// One chunk: vectors whose x lanes are all positive and finite (and, where `CHECK_Y`,
/// whose y lanes are finite) take the short body, the others the one with every special
/// value's select.
#[inline(always)]
fn pow_chunk<S: Simd, const CHECK_Y: bool>(
    s: S,
    xd: &[f64; CHUNK],
    yd: &[f64; CHUNK],
    rd: &mut [f64; CHUNK],
) {
    let lanes = size_of::<S::f64s>() / size_of::<f64>();
    let inf = splat(s, f64::INFINITY);
    let (xv, _) = S::as_simd_f64s(xd);
    let (yv, _) = S::as_simd_f64s(yd);
    let (rv, _) = S::as_mut_simd_f64s(rd);
    for ((r, &x), &y) in rv.iter_mut().zip(xv).zip(yv) {
        let mut plain = s.and_m64s(
            s.greater_than_f64s(x, splat(s, 0.0)),
            s.less_than_f64s(x, inf),
        );
        if CHECK_Y {
            plain = s.and_m64s(plain, s.less_than_f64s(s.abs_f64s(y), inf));
        }
        *r = if s.first_true_m64s(s.not_m64s(plain)) < lanes {
            pow_lanes(s, x, y)
        } else {
            pow_positive(s, x, y)
        };
    }
}

/// The first `src.len()` lanes of `dst` from `src`; the rest keep their stale (finite or
/// not, harmless) values, computed and dropped.
#[inline(always)]
fn widen(dst: &mut [f64; CHUNK], src: &[f32]) {
    for (d, &v) in dst.iter_mut().zip(src) {
        *d = v as f64;
    }
}

/// `log2 a` for a normal positive float64 `a` (every float32 > 0 widens to one): `a =
/// m 2^e` with m in [sqrt(1/2), sqrt(2)), and log2 m = s P(s^2), s = (m - 1) / (m + 1).
#[inline(always)]
fn log2_normal<S: Simd>(s: S, a: S::f64s) -> S::f64s {
    // P(z) ~ (2 / ln 2) atanh(sqrt z) / sqrt z on z <= (3 - 2 sqrt 2)^2 = 0.02944, 4.2e-12
    // relative (Taylor needs two more terms for the same).
    const P: [f64; 5] = [
        2.885_390_081_790_074_4,
        0.961_796_673_356_512_6,
        0.577_083_582_149_182_5,
        0.411_672_888_667_669_3,
        0.340_726_948_294_821_64,
    ];
    let (m, e) = split_sqrt2(s, a);
    let f = s.sub_f64s(m, splat(s, 1.0));
    let t = s.div_f64s(f, s.add_f64s(f, splat(s, 2.0)));
    madd(s, t, horner(s, s.mul_f64s(t, t), &P), e)
}

/// `2^t` for t in [-200, 200]: 2^k 2^r with r = t - round(t) exact and |r| <= 1/2.
#[inline(always)]
fn exp2_bounded<S: Simd>(s: S, t: S::f64s) -> S::f64s {
    // 2^r = 1 + r Q(r), 4.8e-11 relative.
    const Q: [f64; 7] = [
        0.693_147_180_704_945_1,
        0.240_226_510_677_051_8,
        0.055_504_103_649_074_09,
        0.009_618_038_010_816_355,
        0.001_333_393_360_016_150_1,
        0.000_154_667_813_387_287_47,
        1.519_686_317_083_991_2e-5,
    ];
    let k = s.sub_f64s(s.add_f64s(t, splat(s, SHIFT)), splat(s, SHIFT));
    let r = s.sub_f64s(t, k);
    let p = madd(s, r, horner(s, r, &Q), splat(s, 1.0));
    s.mul_f64s(p, pow2i(s, k))
}

/// `x^y` for positive finite x and finite y.
#[inline(always)]
fn pow_positive<S: Simd>(s: S, x: S::f64s, y: S::f64s) -> S::f64s {
    // Beyond +-200 the float32 result is inf or 0 either way; clamping keeps 2^k a normal
    // float64.
    let t = s.mul_f64s(y, log2_normal(s, x));
    exp2_bounded(
        s,
        s.min_f64s(s.max_f64s(t, splat(s, -200.0)), splat(s, 200.0)),
    )
}

/// `x^y` for float32 values held in float64 lanes, rounded once when narrowed.
///
/// Special values are C's (and torch's and numpy's): x^0 = 1 and 1^y = 1 even for NaN,
/// (-1)^(+-inf) = 1; a negative finite x with a non-integer y is NaN; a negative x (-0
/// and -inf included) with an odd integer y gives the negated |x|^y; |x|^y itself follows
/// from log2 |x| = -inf at 0 and +inf at inf (2^(y log2 |x|) then gives 0 or inf, and y =
/// +-inf gives 0 or inf by the side of 1 |x| is on).
#[inline(always)]
fn pow_lanes<S: Simd>(s: S, x: S::f64s, y: S::f64s) -> S::f64s {
    const TWO_24: f64 = 16_777_216.0;
    let zero = splat(s, 0.0);
    let one = splat(s, 1.0);
    let inf = splat(s, f64::INFINITY);
    let a = s.abs_f64s(x);
    let normal = s.and_m64s(s.greater_than_f64s(a, zero), s.less_than_f64s(a, inf));
    // log2 0 = -inf; log2 inf = inf and log2 NaN = NaN are `a` itself.
    let special = s.select_f64s(s.equal_f64s(a, zero), splat(s, f64::NEG_INFINITY), a);
    let l = s.select_f64s(normal, log2_normal(s, a), special);
    let t = s.mul_f64s(y, l);
    // Beyond +-200 the float32 result is inf or 0 either way; clamping keeps 2^k a normal
    // float64. NaN lanes (y or x NaN, 0 * inf) are restored after.
    let tc = s.min_f64s(s.max_f64s(t, splat(s, -200.0)), splat(s, 200.0));
    let p = exp2_bounded(s, tc);
    let p = s.select_f64s(is_nan(s, t), t, p);

    // Every float32 of magnitude 2^24 or more is an even integer (inf counted as one, as
    // C does); below, y + SHIFT holds round(y) in its low bits.
    let ay = s.abs_f64s(y);
    let big = s.greater_than_or_equal_f64s(ay, splat(s, TWO_24));
    let ys = s.add_f64s(y, splat(s, SHIFT));
    let integer = s.or_m64s(big, s.equal_f64s(s.sub_f64s(ys, splat(s, SHIFT)), y));
    let odd_bit = s.equal_u64s(s.and_u64s(bits(s, ys), s.splat_u64s(1)), s.splat_u64s(1));
    let odd = s.and_m64s(s.not_m64s(big), s.and_m64s(integer, odd_bit));
    // The sign of x (-0 included) goes to odd powers.
    let sign = s.and_u64s(bits(s, x), s.splat_u64s(1 << 63));
    let sign = s.select_u64s(odd, sign, s.splat_u64s(0));
    let p = from_bits(s, s.xor_u64s(bits(s, p), sign));
    let bad = s.and_m64s(
        s.and_m64s(
            s.less_than_f64s(x, zero),
            s.greater_than_f64s(x, splat(s, f64::NEG_INFINITY)),
        ),
        s.not_m64s(integer),
    );
    let p = s.select_f64s(bad, splat(s, f64::NAN), p);
    let unit = s.or_m64s(
        s.or_m64s(s.equal_f64s(y, zero), s.equal_f64s(x, one)),
        s.and_m64s(s.equal_f64s(a, one), s.equal_f64s(ay, inf)),
    );
    s.select_f64s(unit, one, p)
}

//! float64 `pow` as e^(y ln |x|) with ln |x| in double-double, on the paths that fuse
//! multiply-adds (the exact products below need them); the baseline x86-64 path keeps
//! libm's `pow`.
//!
//! NOTE [ SIMD f64 pow ]: a float64 result within 1 ulp needs t = y ln x to ~2^-54
//! absolute for |t| up to 745, so ln x to ~2^-65 relative where y is large: ln m (m in
//! [sqrt(1/2), sqrt(2))) is 2 atanh(s), s = (m - 1) / (m + 1), with s, 2s and (2/3) s^3
//! carried as double-double (fma gives each product's rounding error exactly) and only
//! the tail s^5 R(s^2), below 2^-12 of the sum, from a double-double s^5 (2^-66 of ln m
//! measured); e ln 2 is exact in its head. t's low part joins the reduction in `exp_core_dd`
//! (adding it to r instead cost 150 ulp: e^r is up to 1.4, not 1). Against numpy's 80-bit
//! long double power (tests/test_pow_simd.py): 0.80 ulp worst on avx512 and avx2 (results
//! among the subnormals; 0.71 elsewhere), torch 2.13 0.90 on the same inputs; the
//! baseline path is libm's 0.505. Speed: NOTE [ float32 pow by a float ] in binary.rs.

use super::dispatch;
use super::f64::{
    bits, exp_core_dd, from_bits, fused, horner, is_nan, madd, splat, split_sqrt2, two_sum, LN2_HI,
    LN2_LO,
};
use super::pow::Exponent;
use pulp::{Simd, WithSimd};

/// `os[i] = xs[i] ^ y` (or `^ y[i]`) with C's `pow` special values.
pub fn pow_f64(os: &mut [f64], xs: &[f64], y: Exponent<f64>) {
    debug_assert_eq!(os.len(), xs.len());
    dispatch(PowF64 { os, xs, y });
}

struct PowF64<'a> {
    os: &'a mut [f64],
    xs: &'a [f64],
    y: Exponent<'a, f64>,
}

impl WithSimd for PowF64<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        if !fused::<S>() {
            for (i, (o, &x)) in self.os.iter_mut().zip(self.xs).enumerate() {
                *o = x.powf(match self.y {
                    Exponent::Scalar(y) => y,
                    Exponent::Each(ys) => ys[i],
                });
            }
            return;
        }
        let lanes = size_of::<S::f64s>() / size_of::<f64>();
        let n = self.xs.len();
        let mut i = 0;
        // NOTE: plain loops, no closures (see `MapF32`).
        while i < n {
            let m = lanes.min(n - i);
            let x = s.partial_load_f64s(&self.xs[i..i + m]);
            let y = match self.y {
                Exponent::Scalar(y) => splat(s, y),
                Exponent::Each(ys) => s.partial_load_f64s(&ys[i..i + m]),
            };
            let plain = s.and_m64s(
                s.and_m64s(
                    s.greater_than_or_equal_f64s(x, splat(s, f64::MIN_POSITIVE)),
                    s.less_than_f64s(x, splat(s, f64::INFINITY)),
                ),
                s.less_than_f64s(s.abs_f64s(y), splat(s, f64::INFINITY)),
            );
            let r = if m == lanes && s.first_true_m64s(s.not_m64s(plain)) == lanes {
                pow_positive(s, x, y)
            } else {
                pow_lanes(s, x, y)
            };
            s.partial_store_f64s(&mut self.os[i..i + m], r);
            i += m;
        }
    }
}

/// `(hi, lo)` with `hi + lo = a b` exactly (an fma path's `madd` is one rounding).
#[inline(always)]
fn two_prod<S: Simd>(s: S, a: S::f64s, b: S::f64s) -> (S::f64s, S::f64s) {
    let hi = s.mul_f64s(a, b);
    (hi, madd(s, a, b, s.neg_f64s(hi)))
}

/// `ln a` as (hi, lo) for a positive normal float64 `a`, ~2^-66 relative.
#[inline(always)]
fn ln_dd<S: Simd>(s: S, a: S::f64s) -> (S::f64s, S::f64s) {
    // 2/3 as a double-double.
    const C3: (f64, f64) = (2.0 / 3.0, 3.700_743_415_417_188e-17);
    // s^5 R(z), z = s^2: R is the Taylor series 2/5 + 2z/7 + ..., whose first omitted
    // term is below 2^-56 of R on z <= 0.0295.
    const R: [f64; 11] = [
        2.0 / 5.0,
        2.0 / 7.0,
        2.0 / 9.0,
        2.0 / 11.0,
        2.0 / 13.0,
        2.0 / 15.0,
        2.0 / 17.0,
        2.0 / 19.0,
        2.0 / 21.0,
        2.0 / 23.0,
        2.0 / 25.0,
    ];
    let (m, e) = split_sqrt2(s, a);
    let f = s.sub_f64s(m, splat(s, 1.0));
    // d = 2 + f exactly as (d, d_lo), then s = f / d as (sh, sl).
    let two = splat(s, 2.0);
    let d = s.add_f64s(two, f);
    let d_lo = s.add_f64s(s.sub_f64s(two, d), f);
    let sh = s.div_f64s(f, d);
    let rem = madd(s, s.neg_f64s(sh), d, f);
    let sl = s.div_f64s(madd(s, s.neg_f64s(sh), d_lo, rem), d);
    // s^3 = sh^3 + 3 sh^2 sl (+ far less): (u, u_lo).
    let (z, z_lo) = two_prod(s, sh, sh);
    let (u, u_err) = two_prod(s, sh, z);
    let u_lo = madd(
        s,
        sh,
        z_lo,
        madd(s, s.mul_f64s(splat(s, 3.0), z), sl, u_err),
    );
    // (2/3) s^3 as (c, c_lo).
    let (c, c_err) = two_prod(s, u, splat(s, C3.0));
    let c_lo = madd(s, u, splat(s, C3.1), madd(s, u_lo, splat(s, C3.0), c_err));
    // s^5 = s^3 s^2 to double-double accuracy before R: the plain product of the rounded
    // sh^3 and sh^2 was 4 ulps off s^5 (mostly for dropping sl: 5 sl / sh), which is
    // 2^-62 of ln m and cost 0.5 ulp in pow at |t| ~ 700.
    let v = s.mul_f64s(u, z);
    let s2_lo = madd(s, s.add_f64s(sh, sh), sl, z_lo);
    let v_lo = madd(s, u, s2_lo, madd(s, u_lo, z, madd(s, u, z, s.neg_f64s(v))));
    let r = horner(s, z, &R);
    let tail = madd(s, v, r, s.mul_f64s(v_lo, r));
    // 2 sh + c exactly (|2 sh| > |c|), then e ln2_hi (exact) on top.
    let two_sh = s.add_f64s(sh, sh);
    let h = s.add_f64s(two_sh, c);
    let h_lo = s.add_f64s(s.sub_f64s(two_sh, h), c);
    let (hi, err) = two_sum(s, s.mul_f64s(e, splat(s, LN2_HI)), h);
    let lo = s.add_f64s(s.add_f64s(sl, sl), s.add_f64s(c_lo, tail));
    let lo = s.add_f64s(s.add_f64s(h_lo, lo), madd(s, e, splat(s, LN2_LO), err));
    let sum = s.add_f64s(hi, lo);
    (sum, s.add_f64s(s.sub_f64s(hi, sum), lo))
}

/// `x^y` for x positive, normal and finite and y finite.
#[inline(always)]
fn pow_positive<S: Simd>(s: S, x: S::f64s, y: S::f64s) -> S::f64s {
    let (l, l_lo) = ln_dd(s, x);
    let (t, t_err) = two_prod(s, y, l);
    let t_lo = madd(s, y, l_lo, t_err);
    // Past |t| = 746 the result is 0 or inf; the low part would only disturb the clamp.
    let far = s.greater_than_f64s(s.abs_f64s(t), splat(s, 746.0));
    let t_lo = s.select_f64s(far, splat(s, 0.0), t_lo);
    exp_core_dd(s, t, t_lo).0
}

/// `x^y` with C's special values, as the float32 kernel's `pow_lanes` (see there).
#[inline(always)]
fn pow_lanes<S: Simd>(s: S, x: S::f64s, y: S::f64s) -> S::f64s {
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    const TWO_53: f64 = 9_007_199_254_740_992.0;
    let zero = splat(s, 0.0);
    let one = splat(s, 1.0);
    let inf = splat(s, f64::INFINITY);
    let a = s.abs_f64s(x);
    // Subnormals are scaled into the normal range; their log is taken back by 52 ln 2.
    let tiny = s.less_than_f64s(a, splat(s, f64::MIN_POSITIVE));
    let an = s.select_f64s(tiny, s.mul_f64s(a, splat(s, TWO_52)), a);
    let normal = s.and_m64s(s.greater_than_f64s(a, zero), s.less_than_f64s(a, inf));
    let (l, l_lo) = ln_dd(s, s.select_f64s(normal, an, one));
    // ln(a) = ln(an) - 52 ln 2: the head 52 LN2_HI is exact and far above l's low part.
    let adj = s.select_f64s(tiny, splat(s, -52.0), zero);
    let (l, l_err) = two_sum(s, s.mul_f64s(adj, splat(s, LN2_HI)), l);
    let l_lo = s.add_f64s(l_lo, madd(s, adj, splat(s, LN2_LO), l_err));
    let special = s.select_f64s(s.equal_f64s(a, zero), splat(s, f64::NEG_INFINITY), a);
    let l = s.select_f64s(normal, l, special);
    let l_lo = s.select_f64s(normal, l_lo, zero);
    let (t, t_err) = two_prod(s, y, l);
    let t_lo = madd(s, y, l_lo, t_err);
    let far = s.not_m64s(s.less_than_or_equal_f64s(s.abs_f64s(t), splat(s, 746.0)));
    let t_lo = s.select_f64s(far, zero, t_lo);
    let p = exp_core_dd(s, t, t_lo).0;
    let p = s.select_f64s(is_nan(s, t), t, p);

    // Integers and parity: below 2^52, |y| + 2^52 rounds |y| to an integer whose parity
    // is the low bit; from 2^52 every float64 is an integer, its own low bit the parity
    // below 2^53; from 2^53 (and inf) even.
    let ay = s.abs_f64s(y);
    let small = s.less_than_f64s(ay, splat(s, TWO_52));
    let v = s.select_f64s(small, s.add_f64s(ay, splat(s, TWO_52)), ay);
    let integer = s.or_m64s(
        s.not_m64s(small),
        s.equal_f64s(s.sub_f64s(v, splat(s, TWO_52)), ay),
    );
    let low_bit = s.equal_u64s(s.and_u64s(bits(s, v), s.splat_u64s(1)), s.splat_u64s(1));
    let odd = s.and_m64s(
        s.and_m64s(integer, low_bit),
        s.less_than_f64s(ay, splat(s, TWO_53)),
    );
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

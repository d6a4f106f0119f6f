//! float64 log1p, log2 and log10 over the natural logarithm's reduction (`log_reduce`).

use super::f64::{log_reduce, log_specials, madd, splat, two_sum, LogParts, LN2_HI, LN2_LO};
use super::f64_more::two_prod;
use super::{Log10, Log1p, Log2, UnaryF64};
use pulp::Simd;

/// `log(x) l + e u` with `l = l[0] + l[1]` (log_b e; l[0] the rounded value) and
/// `u = u[0] + u[1]` (log_b 2; u[0] with 27 significant bits, so `e u[0]` is exact): log2
/// and log10.
///
/// NOTE [ SIMD f64 log2 log10 ]: as in float32 (NOTE [ SIMD f32 log2 log10 exact ]), the
/// head `f l[0]` is kept unrounded (two_prod) and added to the exact `e u[0]` with its
/// rounding recovered, so the result rounds once from a value within ~2^-70 relative:
/// exact at 2^k for log2 (f = 0) and 0.5 ulp elsewhere, where `log(x) * l` would round
/// twice.
#[inline(always)]
fn log_in_base<S: Simd>(s: S, x: S::f64s, l: [f64; 2], u: [f64; 2]) -> S::f64s {
    let LogParts { e, f, g } = log_reduce(s, x);
    let (ph, pl) = two_prod(s, f, splat(s, l[0]));
    // log(1 + f) l = (f - g)(l0 + l1) ~ f l0 + (f l1 - g l0).
    let lo = madd(s, f, splat(s, l[1]), pl);
    let lo = madd(s, s.neg_f64s(g), splat(s, l[0]), lo);
    let lo = madd(s, e, splat(s, u[1]), lo);
    let (hi, err) = two_sum(s, s.mul_f64s(e, splat(s, u[0])), ph);
    log_specials(s, x, s.add_f64s(hi, s.add_f64s(err, lo)))
}

impl UnaryF64 for Log2 {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        const L: [f64; 2] = [std::f64::consts::LOG2_E, 2.035_527_374_093_103_3e-17];
        log_in_base(s, x, L, [1.0, 0.0])
    }

    fn scalar(x: f64) -> f64 {
        x.log2()
    }
}

impl UnaryF64 for Log10 {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        const L: [f64; 2] = [std::f64::consts::LOG10_E, 1.098_319_650_216_765e-17];
        // log10(2) = 0x3FD3_4413_5000_0000 + 5.801722962879576e-10.
        const U: [f64; 2] = [
            f64::from_bits(0x3FD3_4413_5000_0000),
            5.801_722_962_879_576e-10,
        ];
        log_in_base(s, x, L, U)
    }

    fn scalar(x: f64) -> f64 {
        x.log10()
    }
}

impl UnaryF64 for Log1p {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        let one = splat(s, 1.0);
        // As in float32: u = 1 + x rounded and c its rounding error (exact while u < 2^53,
        // and far below the result's ulp above), log1p(x) = log(u) + c / u to first order.
        let u = s.add_f64s(x, one);
        let c = s.sub_f64s(x, s.sub_f64s(u, one));
        let corr = s.div_f64s(c, u);
        let LogParts { e, f, g } = log_reduce(s, u);
        let (hi, err) = two_sum(s, s.mul_f64s(e, splat(s, LN2_HI)), f);
        let lo = s.sub_f64s(madd(s, e, splat(s, LN2_LO), err), s.sub_f64s(g, corr));
        // Below -1 (u < 0) NaN, at -1 -inf; +-0 keeps its sign.
        let y = log_specials(s, u, s.add_f64s(hi, lo));
        s.select_f64s(s.equal_f64s(x, splat(s, 0.0)), x, y)
    }

    fn scalar(x: f64) -> f64 {
        x.ln_1p()
    }
}

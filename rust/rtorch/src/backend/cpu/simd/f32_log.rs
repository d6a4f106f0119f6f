//! float32 log1p, log2 and log10 over the natural logarithm's reduction (`log_reduce`).

use super::f32::{bits, from_bits, log_reduce, log_specials, madd, LogParts, LN2_HI, LN2_LO};
use super::UnaryF32;
use pulp::Simd;

/// `log(x) * l` with `l = l[0] + l[1]` (l[0] with 12 significant bits, l[2] = l rounded)
/// plus `e * (u[0] + u[1])` for the exponent e of x (u[0] with 16 bits, so `e * u[0]` is
/// exact): log2 and log10.
///
/// NOTE [ SIMD f32 log2 log10 exact ]: numpy and torch return exactly k for 2^k (log2) and
/// for the float32 nearest 10^k (log10); a plain `log(x) * l` misses by an ulp there. The
/// head `f_hi * l[0]` (12 x 12 bits) and `e * u[0]` are exact, and their sum's rounding is
/// recovered (Fast2Sum: |e u[0]| >= |f l| whenever e != 0), so the result rounds once from
/// a value within ~2^-30 relative: exact at 2^k (f = 0), and on the sample's powers of 10.
#[inline(always)]
fn log_in_base<S: Simd>(s: S, x: S::f32s, l: [f32; 3], u: [f32; 2]) -> S::f32s {
    let LogParts { e, f, t, g } = log_reduce(s, x);
    let f_hi = from_bits(s, s.and_u32s(bits(s, f), s.splat_u32s(0xFFFF_F000)));
    let f_lo = s.sub_f32s(f, f_hi);
    let hi = s.mul_f32s(f_hi, s.splat_f32s(l[0]));
    let lo = madd(
        s,
        f,
        s.splat_f32s(l[1]),
        s.mul_f32s(f_lo, s.splat_f32s(l[0])),
    );
    // log(1 + f) = f - t g.
    let lo = madd(s, s.neg_f32s(s.mul_f32s(t, g)), s.splat_f32s(l[2]), lo);
    let lo = madd(s, e, s.splat_f32s(u[1]), lo);
    let eh = s.mul_f32s(e, s.splat_f32s(u[0]));
    let sum = s.add_f32s(eh, hi);
    let err = s.sub_f32s(hi, s.sub_f32s(sum, eh));
    let y = s.add_f32s(sum, s.add_f32s(err, lo));
    log_specials(s, x, y)
}

pub struct Log2;

impl UnaryF32 for Log2 {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f32s) -> S::f32s {
        // log2(e) = 0x3FB8_B000 - 1.7605285e-4.
        const L: [f32; 3] = [1.442_871_1, -1.760_528_5e-4, std::f32::consts::LOG2_E];
        log_in_base(s, x, L, [1.0, 0.0])
    }

    fn scalar(x: f32) -> f32 {
        x.log2()
    }
}

pub struct Log10;

impl UnaryF32 for Log10 {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f32s) -> S::f32s {
        // log10(e) = 0x3EDE_6000 - 3.168997e-5; log10(2) = 0x3E9A_2100 - 3.0243555e-6.
        const L: [f32; 3] = [0.434_326_17, -3.168_997e-5, std::f32::consts::LOG10_E];
        log_in_base(s, x, L, [0.301_033_02, -3.024_355_5e-6])
    }

    fn scalar(x: f32) -> f32 {
        x.log10()
    }
}

pub struct Log1p;

impl UnaryF32 for Log1p {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f32s) -> S::f32s {
        let one = s.splat_f32s(1.0);
        // u = 1 + x rounded, and c its exact rounding error (u - 1 is exact for every
        // u < 2^24, and x - (u - 1) then too; above, c is far below the result's ulp):
        // log1p(x) = log(u) + log(1 + c / u) ~ log(u) + c / u. Near 0, where u carries
        // only a few bits of x, the correction is what makes the result accurate.
        let u = s.add_f32s(x, one);
        let c = s.sub_f32s(x, s.sub_f32s(u, one));
        let corr = s.div_f32s(c, u);
        let LogParts { e, f, t, g } = log_reduce(s, u);
        // f - (t g - corr): the correction joins the part that is rounded anyway.
        let lg = s.sub_f32s(f, madd(s, t, g, s.neg_f32s(corr)));
        let y = madd(
            s,
            e,
            s.splat_f32s(LN2_HI),
            madd(s, e, s.splat_f32s(LN2_LO), lg),
        );
        // Below -1 (u < 0) NaN, at -1 -inf; +-0 keeps its sign.
        let y = log_specials(s, u, y);
        s.select_f32s(s.equal_f32s(x, s.splat_f32s(0.0)), x, y)
    }

    fn scalar(x: f32) -> f32 {
        x.ln_1p()
    }
}

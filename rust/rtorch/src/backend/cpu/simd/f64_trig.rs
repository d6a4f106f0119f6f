//! float64 asin, acos, atan, atan2, sinh and cosh: the method of `f32_trig.rs` (NOTE [
//! SIMD inverse trig ], NOTE [ SIMD sinh cosh ]) with longer polynomials, fitted the same
//! way: atan on [0, 1] 0.19 ulp, asin on [0, 1/2] 0.18 ulp, sinh on [0, 1] 0.10 ulp
//! before the float64 evaluation; e^(+-r) are Taylor (first omitted term 4e-18).

use super::f32_trig::{Acos, Asin, Atan, Cosh, Sinh};
use super::f64::{exp_k, fused, horner, is_nan, madd, pow2i, reduce_ln2};
use super::UnaryF64;
use pulp::Simd;

const PI_2_HI: f64 = std::f64::consts::FRAC_PI_2;
const PI_2_LO: f64 = 6.123_233_995_736_766e-17;
const PI_HI: f64 = std::f64::consts::PI;
const PI_LO: f64 = 1.224_646_799_147_353_2e-16;

/// atan t = t + t^3 P(t^2) on [0, 1] (fit, 0.19 ulp).
const ATAN_P: [f64; 20] = [
    -0.333_333_333_333_331_04,
    0.199_999_999_999_561_72,
    -0.142_857_142_827_917_67,
    0.111_111_110_122_353_65,
    -0.090_909_070_795_585_06,
    0.076_922_805_906_193_6,
    -0.066_664_092_609_530_46,
    0.058_805_542_111_086_78,
    -0.052_536_191_535_455_62,
    0.047_226_151_680_051_21,
    -0.042_198_375_855_742_88,
    0.036_653_398_073_142_44,
    -0.029_919_390_870_184_855,
    0.022_001_030_772_823_584,
    -0.013_913_363_287_355_995,
    0.007_204_024_399_708_52,
    -0.002_888_073_467_057_736_4,
    0.000_832_206_495_371_191_3,
    -0.000_152_307_147_496_606_42,
    1.323_556_681_352_463_8e-05,
];

/// asin x = x + x^3 Q(x^2) on [0, 1/2] (fit, 0.18 ulp).
const ASIN_Q: [f64; 12] = [
    0.166_666_666_666_657_22,
    0.075_000_000_002_704_32,
    0.044_642_856_878_974_91,
    0.030_381_957_187_322_273,
    0.022_371_802_069_022_86,
    0.017_359_075_759_089_092,
    0.013_891_151_493_543_245,
    0.012_132_076_981_764_972,
    0.006_682_029_022_494_374,
    0.019_122_707_751_847_61,
    -0.015_610_531_322_088_365,
    0.031_505_704_511_233_06,
];

/// sinh x = x + x^3 S(x^2) on [0, 1] (fit, 0.10 ulp).
const SINH_S: [f64; 7] = [
    0.166_666_666_666_666_69,
    0.008_333_333_333_333_165,
    0.000_198_412_698_414_218_46,
    2.755_731_915_993_144e-06,
    2.505_212_272_005_843e-08,
    1.605_728_984_245_442_2e-10,
    7.757_895_923_066_285e-13,
];

#[inline(always)]
fn splat<S: Simd>(s: S, v: f64) -> S::f64s {
    s.splat_f64s(v)
}

/// The sign bit of `x` alone.
#[inline(always)]
fn sign_of<S: Simd>(s: S, x: S::f64s) -> S::f64s {
    s.and_f64s(x, splat(s, -0.0))
}

/// `c_hi + h + (c_lo + tail)` for |h| <= |c_hi| or c_hi = 0 (NOTE [ SIMD inverse trig ]).
#[inline(always)]
fn sum_head<S: Simd>(s: S, c_hi: S::f64s, c_lo: S::f64s, h: S::f64s, tail: S::f64s) -> S::f64s {
    let hi = s.add_f64s(c_hi, h);
    let err = s.add_f64s(s.sub_f64s(c_hi, hi), h);
    s.add_f64s(hi, s.add_f64s(s.add_f64s(err, c_lo), tail))
}

/// `atan t - t` for t in [0, 1].
#[inline(always)]
fn atan_tail<S: Simd>(s: S, t: S::f64s) -> S::f64s {
    let z = s.mul_f64s(t, t);
    s.mul_f64s(s.mul_f64s(t, z), horner(s, z, &ATAN_P))
}

/// `(t, corr)`: t = num / den rounded, and its rounding error carried through atan's
/// derivative, dt / (1 + t^2) = (num - t den) / (den + t num), the residual exact by one
/// FMA (0 without one, and where the residual is not a number: inf / inf, 0 / 0, x / inf,
/// whose t the caller patches).
#[inline(always)]
fn ratio<S: Simd>(s: S, num: S::f64s, den: S::f64s) -> (S::f64s, S::f64s) {
    let t = s.div_f64s(num, den);
    if !fused::<S>() {
        return (t, splat(s, 0.0));
    }
    let resid = madd(s, s.neg_f64s(t), den, num);
    let corr = s.div_f64s(resid, madd(s, t, num, den));
    (t, s.select_f64s(is_nan(s, corr), splat(s, 0.0), corr))
}

/// +-atan(t + dt) + C, with t = num / den rounded (num <= den, both non-negative), `corr`
/// = dt / (1 + t^2) from `ratio`, and C (`c_hi`, `c_lo`) and the sign `neg` of the atan
/// term chosen by the caller.
#[inline(always)]
fn atan_ratio<S: Simd>(
    s: S,
    (t, corr): (S::f64s, S::f64s),
    neg: S::m64s,
    c_hi: S::f64s,
    c_lo: S::f64s,
) -> S::f64s {
    let tail = s.add_f64s(atan_tail(s, t), corr);
    let h = s.select_f64s(neg, s.neg_f64s(t), t);
    let tail = s.select_f64s(neg, s.neg_f64s(tail), tail);
    sum_head(s, c_hi, c_lo, h, tail)
}

impl UnaryF64 for Atan {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        let a = s.abs_f64s(x);
        let big = s.greater_than_f64s(a, splat(s, 1.0));
        let (t, corr) = ratio(s, splat(s, 1.0), a);
        let zero = splat(s, 0.0);
        let t = (s.select_f64s(big, t, a), s.select_f64s(big, corr, zero));
        let c_hi = s.select_f64s(big, splat(s, PI_2_HI), zero);
        let c_lo = s.select_f64s(big, splat(s, PI_2_LO), zero);
        let y = atan_ratio(s, t, big, c_hi, c_lo);
        s.or_f64s(y, sign_of(s, x))
    }

    fn scalar(x: f64) -> f64 {
        x.atan()
    }
}

/// `atan2(y, x)` on the vector path (NOTE [ SIMD inverse trig ]).
#[inline(always)]
pub(super) fn atan2_vec<S: Simd>(s: S, y: S::f64s, x: S::f64s) -> S::f64s {
    let (ay, ax) = (s.abs_f64s(y), s.abs_f64s(x));
    let swap = s.greater_than_f64s(ay, ax);
    let num = s.select_f64s(swap, ax, ay);
    let den = s.select_f64s(swap, ay, ax);
    // Both scaled up (exactly) when tiny, so that the residual in `ratio` is not subnormal.
    let up = s.less_than_f64s(den, splat(s, 2.0f64.powi(-500)));
    let f = s.select_f64s(up, splat(s, 2.0f64.powi(512)), splat(s, 1.0));
    let (t, corr) = ratio(s, s.mul_f64s(num, f), s.mul_f64s(den, f));
    let zero = splat(s, 0.0);
    let inf = splat(s, f64::INFINITY);
    let t = s.select_f64s(s.equal_f64s(den, zero), zero, t);
    let t = s.select_f64s(s.equal_f64s(num, inf), splat(s, 1.0), t);
    // x < 0 (by its sign bit: -0 counts): pi - atan; swapped: pi/2 - atan; both:
    // pi/2 + atan.
    let left = s.less_than_f64s(s.or_f64s(sign_of(s, x), splat(s, 1.0)), zero);
    let neg = s.xor_m64s(swap, left);
    let straight_left = s.and_m64s(left, s.not_m64s(swap));
    let c_hi = s.select_f64s(swap, splat(s, PI_2_HI), zero);
    let c_hi = s.select_f64s(straight_left, splat(s, PI_HI), c_hi);
    let c_lo = s.select_f64s(swap, splat(s, PI_2_LO), zero);
    let c_lo = s.select_f64s(straight_left, splat(s, PI_LO), c_lo);
    let r = atan_ratio(s, (t, corr), neg, c_hi, c_lo);
    let r = s.or_f64s(r, sign_of(s, y));
    let nan = s.or_m64s(is_nan(s, x), is_nan(s, y));
    s.select_f64s(nan, s.add_f64s(x, y), r)
}

/// The pieces asin and acos share: with a = |x|, `small` (a <= 1/2), u (a there,
/// sqrt((1 - a) / 2) above) and `tail` with asin(u + its rounding error) = u + tail.
#[inline(always)]
fn asin_parts<S: Simd>(s: S, x: S::f64s) -> (S::m64s, S::f64s, S::f64s) {
    let a = s.abs_f64s(x);
    let half = splat(s, 0.5);
    let small = s.less_than_or_equal_f64s(a, half);
    // Exact for a in [1/2, 1] (Sterbenz, then a halving); NaN above 1 through the sqrt.
    let zb = s.mul_f64s(s.sub_f64s(splat(s, 1.0), a), half);
    let sq = s.sqrt_f64s(zb);
    let z = s.select_f64s(small, s.mul_f64s(a, a), zb);
    let u = s.select_f64s(small, a, sq);
    let p = s.mul_f64s(s.mul_f64s(u, z), horner(s, z, &ASIN_Q));
    if !fused::<S>() {
        return (small, u, p);
    }
    // sqrt's rounding, zb - sq^2 exactly (one FMA), over 2 sq, times asin'(u) ~ 1 + z/2
    // (u <= 1/2); the guard keeps 0 / 0 out at |x| = 1.
    let e = madd(s, s.neg_f64s(sq), sq, zb);
    let u_lo = s.div_f64s(
        e,
        s.max_f64s(s.add_f64s(sq, sq), splat(s, f64::MIN_POSITIVE)),
    );
    let u_lo = s.mul_f64s(u_lo, madd(s, z, half, splat(s, 1.0)));
    let u_lo = s.select_f64s(small, splat(s, 0.0), u_lo);
    (small, u, s.add_f64s(p, u_lo))
}

impl UnaryF64 for Asin {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        let (small, u, tail) = asin_parts(s, x);
        let zero = splat(s, 0.0);
        let m2 = splat(s, -2.0);
        let h = s.select_f64s(small, u, s.mul_f64s(u, m2));
        let tail = s.select_f64s(small, tail, s.mul_f64s(tail, m2));
        let c_hi = s.select_f64s(small, zero, splat(s, PI_2_HI));
        let c_lo = s.select_f64s(small, zero, splat(s, PI_2_LO));
        let y = sum_head(s, c_hi, c_lo, h, tail);
        s.or_f64s(y, sign_of(s, x))
    }

    fn scalar(x: f64) -> f64 {
        x.asin()
    }
}

impl UnaryF64 for Acos {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        let (small, u, tail) = asin_parts(s, x);
        let sign = sign_of(s, x);
        let neg = s.less_than_f64s(x, splat(s, 0.0));
        // small: pi/2 - asin x; x > 1/2: 2 asin u; x < -1/2: pi - 2 asin u.
        let f = s.select_f64s(small, splat(s, -1.0), splat(s, 2.0));
        let f = s.select_f64s(s.and_m64s(neg, s.not_m64s(small)), splat(s, -2.0), f);
        let f = s.select_f64s(small, s.xor_f64s(f, sign), f);
        let c_hi = s.select_f64s(neg, splat(s, PI_HI), splat(s, 0.0));
        let c_lo = s.select_f64s(neg, splat(s, PI_LO), splat(s, 0.0));
        let c_hi = s.select_f64s(small, splat(s, PI_2_HI), c_hi);
        let c_lo = s.select_f64s(small, splat(s, PI_2_LO), c_lo);
        sum_head(s, c_hi, c_lo, s.mul_f64s(u, f), s.mul_f64s(tail, f))
    }

    fn scalar(x: f64) -> f64 {
        x.acos()
    }
}

/// `(H, H_lo, L, L_lo)` = (e^a / 8, e^-a / 8) as unevaluated sums, for a in [0, 711] (NOTE [ SIMD sinh cosh ]); L is 0
/// once negligible; the callers scale by 4 last, the only step that may overflow.
#[inline(always)]
fn exp_quarters<S: Simd>(s: S, a: S::f64s) -> [S::f64s; 4] {
    const E: [f64; 6] = [
        0.5,
        1.0 / 24.0,
        1.0 / 720.0,
        1.0 / 40_320.0,
        1.0 / 3_628_800.0,
        1.0 / 479_001_600.0,
    ];
    const O: [f64; 6] = [
        1.0 / 6.0,
        1.0 / 120.0,
        1.0 / 5040.0,
        1.0 / 362_880.0,
        1.0 / 39_916_800.0,
        1.0 / 6_227_020_800.0,
    ];
    let one = splat(s, 1.0);
    let k = exp_k(s, a);
    let (r, r_lo) = reduce_ln2(s, a, splat(s, 0.0), k);
    let z = s.mul_f64s(r, r);
    let ev = s.mul_f64s(z, horner(s, z, &E));
    let od = s.mul_f64s(s.mul_f64s(r, z), horner(s, z, &O));
    // e^(+-r) = (1 +- r) + tail, each sum's rounding kept as a low part (Fast2Sum).
    let hp = s.add_f64s(one, r);
    let tp = s.add_f64s(
        s.add_f64s(ev, od),
        s.add_f64s(s.add_f64s(s.sub_f64s(one, hp), r), r_lo),
    );
    let hm = s.sub_f64s(one, r);
    let tm = s.add_f64s(
        s.sub_f64s(ev, od),
        s.sub_f64s(s.sub_f64s(s.sub_f64s(one, hm), r), r_lo),
    );
    let pp = s.add_f64s(hp, tp);
    let pp_lo = s.add_f64s(s.sub_f64s(hp, pp), tp);
    let pm = s.add_f64s(hm, tm);
    let pm_lo = s.add_f64s(s.sub_f64s(hm, pm), tm);
    // 2^(k-3) is normal for every k here; 2^(-k-3) with k capped (L is far below an
    // ulp of H long before the cap), so that its exponent stays normal.
    let big = pow2i(s, s.sub_f64s(k, splat(s, 3.0)));
    let kc = s.min_f64s(k, splat(s, 1000.0));
    let small = pow2i(s, s.sub_f64s(splat(s, -3.0), kc));
    [
        s.mul_f64s(pp, big),
        s.mul_f64s(pp_lo, big),
        s.mul_f64s(pm, small),
        s.mul_f64s(pm_lo, small),
    ]
}

/// `4 (h + h_lo + sign l + sign l_lo)` for h >= l >= 0, rounded once from the exact
/// h + sign l.
#[inline(always)]
fn combine<S: Simd>(s: S, q: [S::f64s; 4], minus: bool) -> S::f64s {
    let [h, h_lo, l, l_lo] = q;
    let (l, l_lo) = if minus {
        (s.neg_f64s(l), s.neg_f64s(l_lo))
    } else {
        (l, l_lo)
    };
    let d = s.add_f64s(h, l);
    let err = s.add_f64s(s.sub_f64s(h, d), l);
    let y = s.add_f64s(d, s.add_f64s(err, s.add_f64s(h_lo, l_lo)));
    s.mul_f64s(y, splat(s, 4.0))
}

impl UnaryF64 for Cosh {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        let a = s.min_f64s(s.abs_f64s(x), splat(s, 711.0));
        let y = combine(s, exp_quarters(s, a), false);
        s.select_f64s(is_nan(s, x), x, y)
    }

    fn scalar(x: f64) -> f64 {
        x.cosh()
    }
}

impl UnaryF64 for Sinh {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        let ax = s.abs_f64s(x);
        let a = s.min_f64s(ax, splat(s, 711.0));
        let big = combine(s, exp_quarters(s, a), true);
        let z = s.mul_f64s(ax, ax);
        let small = madd(s, s.mul_f64s(ax, z), horner(s, z, &SINH_S), ax);
        let y = s.select_f64s(s.less_than_f64s(ax, splat(s, 1.0)), small, big);
        let y = s.or_f64s(y, sign_of(s, x));
        s.select_f64s(is_nan(s, x), x, y)
    }

    fn scalar(x: f64) -> f64 {
        x.sinh()
    }
}

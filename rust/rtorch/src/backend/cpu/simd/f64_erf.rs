//! float64 erf and erfc (and float32 erfc, computed in float64 lanes).

use super::f64::{exp_core, exp_core_dd, fused, horner, is_nan, madd, splat, two_sum};
use super::f64_more::{sub_exact_product, two_prod};
use super::{Erf, UnaryF64};
use pulp::Simd;

// NOTE [ SIMD f64 erf erfc ]: three fits made for this file (Chebyshev interpolation in
// 50-digit arithmetic, re-expanded as monomials and rounded to float64; the constant term
// is kept in two parts, which took the rounding's cost from ~1 ulp to 0.1):
// - |x| < 0.5: erf(x) = x (C + z Q(z)), z = x^2, C = 2 / sqrt(pi) in two parts; 0.04 ulp.
// - 0.5 <= x < 4: erfc(x) = e^(-x^2) K(x), K(x) = e^(x^2) erfc(x) (entire and smooth,
//   unlike erfc, whose relative accuracy a fit of 1 - erf would lose), in x - 1 on
//   [0.5, 1.8) and in x - 3 on [1.8, 4) (both differences exact), 21st degree; 0.07 and
//   0.10 ulp.
// - x >= 4: K(x) = H(w) / x, w = 1 / x^2, H ~ 1/sqrt(pi) (1 - w/2 + 3 w^2 / 4 ...) whose
//   asymptotic series diverges, but which a 14th degree polynomial in w fits on
//   [1/27.3^2, 1/16] to 0.02 ulp.
// x^2 is formed exactly (two_prod) and e^(-x^2) takes its low part: at x = 27, an ulp of
// x^2 is 1.1e-13 of e^(-x^2). erfc(x) underflows to 0 past 27.3, erf(x) rounds to 1
// past 5.93 (erfc < 2^-54); erfc(-x) = 2 - erfc(x).
const ERF_C: [f64; 2] = [std::f64::consts::FRAC_2_SQRT_PI, 1.533_545_961_316_588e-17];
const ERF_Q: [f64; 10] = [
    -0.376_126_389_031_837_54,
    0.112_837_916_709_551_26,
    -0.026_866_170_645_131_037,
    0.005_223_977_625_431_185,
    -0.000_854_832_702_058_592_1,
    0.000_120_553_325_530_170_04,
    -1.492_561_124_922_689e-5,
    1.645_990_238_231_290_6e-6,
    -1.628_995_729_731_820_3e-7,
    1.335_235_110_293_163_8e-8,
];
/// K on [0.5, 1.8) in x - 1, and its constant term's low part.
const K_NEAR: [f64; 22] = [
    0.427_583_576_155_807,
    -0.273_212_014_783_898_56,
    0.154_371_561_371_908_44,
    -0.079_226_968_941_326_75,
    0.037_572_296_215_290_86,
    -0.016_661_869_090_414_724,
    0.006_970_142_374_958_4,
    -0.002_769_064_775_834_24,
    0.001_050_269_399_780_250_5,
    -0.000_381_954_528_170_108_2,
    0.000_133_662_974_441_634_15,
    -4.514_391_748_188_744_5e-5,
    1.475_317_430_053_738_5e-5,
    -4.675_505_735_552_421e-6,
    1.439_680_653_752_223_3e-6,
    -4.314_274_248_455_828e-7,
    1.259_779_362_218_717_5e-7,
    -3.593_451_801_027_043_6e-8,
    1.010_791_039_083_775e-8,
    -2.797_009_623_261_424_7e-9,
    6.745_808_601_382_375e-10,
    -9.525_572_687_976_4e-11,
];
const K_NEAR_LO: f64 = 5.236_097_302_424_061e-18;
/// K on [1.8, 4) in x - 3.
const K_FAR: [f64; 22] = [
    0.179_001_151_181_389_96,
    -0.054_372_260_007_172_87,
    0.015_884_371_159_871_336,
    -0.004_479_431_018_372_556,
    0.001_223_039_052_376_761,
    -0.000_324_125_544_497_235_74,
    8.355_413_962_929_521e-5,
    -2.098_946_445_675_744e-5,
    5.146_436_558_635_361e-6,
    -1.233_367_745_093_367_7e-6,
    2.892_666_873_493_816_6e-7,
    -6.646_680_004_704_738e-8,
    1.497_766_354_658_301_7e-8,
    -3.312_999_521_145_712e-9,
    7.198_801_015_209_323e-10,
    -1.536_399_480_244_948_5e-10,
    3.231_061_643_337_556_5e-11,
    -6.792_196_962_920_471e-12,
    1.353_654_442_651_1e-12,
    -2.250_644_108_252_551_6e-13,
    6.231_891_997_691_538e-14,
    -2.088_488_245_810_485_3e-14,
];
const K_FAR_LO: f64 = -5.433_682_525_123_658e-18;
/// H on w = 1 / x^2 in [1/27.3^2, 1/16].
const H_TAIL: [f64; 15] = [
    0.564_189_583_547_756_3,
    -0.282_094_791_773_821_3,
    0.423_142_187_624_644_7,
    -1.057_855_457_107_119,
    3.702_491_730_089_685,
    -16.660_908_122_839_77,
    91.608_250_662_042_02,
    -593.796_092_510_523,
    4_379.432_523_676_335,
    -34_817.756_644_612_25,
    273_785.604_725_912_1,
    -1_904_007.897_578_561,
    10_309_709.879_747_94,
    -36_966_323.199_035_25,
    64_078_797.787_521_25,
];
const H_TAIL_LO: f64 = -2.680_217_381_091_331_4e-17;
/// Past this erfc(x) is below half the smallest subnormal.
const ERFC_ZERO: f64 = 27.3;

/// erf(x) for |x| < 0.5 as an unrounded `(hi, lo)`.
#[inline(always)]
fn erf_small<S: Simd>(s: S, x: S::f64s) -> (S::f64s, S::f64s) {
    let z = s.mul_f64s(x, x);
    let tail = madd(s, z, horner(s, z, &ERF_Q), splat(s, ERF_C[1]));
    // x C in two parts: its rounding alone would be up to 0.5 ulp.
    let (hi, hl) = two_prod(s, x, splat(s, ERF_C[0]));
    (hi, madd(s, x, tail, hl))
}

/// erfc(a) for a = |x| in [0.5, 27.3] (anything else gives a finite value to be
/// selected away).
#[inline(always)]
fn erfc_pos<S: Simd>(s: S, a: S::f64s) -> S::f64s {
    let one = splat(s, 1.0);
    // K(a) = kh + kl unrounded, for a < 4 ...
    let near = s.less_than_f64s(a, splat(s, 1.8));
    let d = s.sub_f64s(a, s.select_f64s(near, one, splat(s, 3.0)));
    let mut acc = splat(s, 0.0);
    for i in (1..K_NEAR.len()).rev() {
        let c = s.select_f64s(near, splat(s, K_NEAR[i]), splat(s, K_FAR[i]));
        acc = madd(s, acc, d, c);
    }
    let k0_lo = s.select_f64s(near, splat(s, K_NEAR_LO), splat(s, K_FAR_LO));
    let kl_mid = madd(s, acc, d, k0_lo);
    let kh_mid = s.select_f64s(near, splat(s, K_NEAR[0]), splat(s, K_FAR[0]));
    // ... and H(w) / a above, with 1 / a = r + r_lo (the residual is exact). NOTE: only
    // for vectors with such a lane: the division and H took erf of uniform(-3, 3) from
    // 3.1 to 3.9 ns per element when computed always.
    let mid = s.less_than_f64s(a, splat(s, 4.0));
    let lanes = size_of::<S::f64s>() / size_of::<f64>();
    let (kh, kl) = if s.first_true_m64s(s.not_m64s(mid)) < lanes {
        let r = s.div_f64s(one, a);
        let r_lo = s.mul_f64s(sub_exact_product(s, r, a, one), r);
        let w = s.mul_f64s(r, r);
        let hl = madd(s, w, horner(s, w, &H_TAIL[1..]), splat(s, H_TAIL_LO));
        let (th, tl) = two_prod(s, r, splat(s, H_TAIL[0]));
        let tl = madd(s, r, hl, madd(s, r_lo, splat(s, H_TAIL[0]), tl));
        (
            s.select_f64s(mid, kh_mid, th),
            s.select_f64s(mid, kl_mid, tl),
        )
    } else {
        (kh_mid, kl_mid)
    };
    // e^(-a^2) = p + p_lo, with a^2 exact as a2 + a2_lo.
    let (a2, a2_lo) = two_prod(s, a, a);
    let (p, p_lo) = exp_core_dd(s, s.neg_f64s(a2), s.neg_f64s(a2_lo));
    // (p + p_lo)(kh + kl), rounded once: without FMA p kh is split exactly (rounding it
    // apart measured 2.06 ulp at x ~ 1.78 on the baseline, against 1.04 with FMA).
    let rest = madd(s, p, kl, s.mul_f64s(p_lo, kh));
    if fused::<S>() {
        s.mul_add_f64s(p, kh, rest)
    } else {
        let (ph, pl) = two_prod(s, p, kh);
        s.add_f64s(ph, s.add_f64s(pl, rest))
    }
}

impl UnaryF64 for Erf {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        let ax = s.abs_f64s(x);
        let (hi, lo) = erf_small(s, x);
        let small = s.add_f64s(hi, lo);
        // erf keeps the argument's sign, zeros included (torch): hi + lo gives +0.0.
        let small = s.or_f64s(s.abs_f64s(small), s.and_f64s(x, splat(s, -0.0)));
        // Past 6 erf rounds to 1: the clamp keeps erfc_pos in its range.
        let ec = erfc_pos(s, s.min_f64s(ax, splat(s, 6.0)));
        let big = s.sub_f64s(splat(s, 1.0), ec);
        let big = s.or_f64s(big, s.and_f64s(x, splat(s, -0.0)));
        let y = s.select_f64s(s.less_than_f64s(ax, splat(s, 0.5)), small, big);
        s.select_f64s(is_nan(s, x), x, y)
    }

    fn scalar(x: f64) -> f64 {
        libm::erf(x)
    }
}

pub struct Erfc;

impl UnaryF64 for Erfc {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        let one = splat(s, 1.0);
        let ax = s.abs_f64s(x);
        // |x| < 0.5: 1 - erf(x), with 1 - hi's rounding recovered.
        let (hi, lo) = erf_small(s, x);
        let (h, h_err) = two_sum(s, one, s.neg_f64s(hi));
        let small = s.add_f64s(h, s.sub_f64s(h_err, lo));
        let ec = erfc_pos(s, s.min_f64s(ax, splat(s, ERFC_ZERO)));
        let ec = s.select_f64s(
            s.greater_than_f64s(ax, splat(s, ERFC_ZERO)),
            splat(s, 0.0),
            ec,
        );
        let neg = s.less_than_f64s(x, splat(s, 0.0));
        let big = s.select_f64s(neg, s.sub_f64s(splat(s, 2.0), ec), ec);
        let y = s.select_f64s(s.less_than_f64s(ax, splat(s, 0.5)), small, big);
        s.select_f64s(is_nan(s, x), x, y)
    }

    fn scalar(x: f64) -> f64 {
        libm::erfc(x)
    }
}

/// erfc of float32 arguments in float64 lanes, to float32 accuracy (the float64 result is
/// rounded to float32 by the caller, `map_f32_via_f64`).
///
/// NOTE [ SIMD f32 erfc ]: the float64 method (NOTE [ SIMD f64 erf erfc ]) with shorter
/// fits, which float32 allows: x^2 of a float32 is exact in float64, e^(-x^2) in float64
/// reaches the float32 subnormals without care, and K needs one piece on [0.5, 4) (15th
/// degree in x - 2, 0.02 float32 ulp) and H one 5th degree fit on [1/10.1^2, 1/16]
/// (0.01); the small-argument erf a 5th degree Q. Past 10.1 erfc rounds to 0 in float32.
/// 0.52 ulp on every path; 2.12 ns per element (4M, 1 thread; torch 1.76-2.07), where the
/// float64 kernel took 3.67.
pub struct ErfcF32;

const ERF_Q32: [f64; 6] = [
    -0.376_126_389_030_198_8,
    0.112_837_916_237_416_49,
    -0.026_866_148_568_182_893,
    0.005_223_599_287_251_111_6,
    -0.000_851_890_984_947_543_3,
    0.000_109_916_742_711_083_52,
];
const K32: [f64; 16] = [
    0.255_395_676_482_260_5,
    -0.106_796_463_693_665_6,
    0.041_802_745_792_030_47,
    -0.015_460_610_037_282_671,
    0.005_440_779_940_352_140_5,
    -0.001_831_787_256_066_772_5,
    0.000_592_385_472_732_597_1,
    -0.000_184_535_822_860_233_72,
    5.578_936_000_273_785e-5,
    -1.653_805_901_808_827_8e-5,
    4.634_560_565_861_709e-6,
    -1.151_614_925_363_284_1e-6,
    3.158_347_140_314_063e-7,
    -1.214_138_994_651_179_8e-7,
    3.598_500_688_974_699e-8,
    -4.493_822_264_025_335e-9,
];
const H32: [f64; 6] = [
    0.564_189_560_121_244_8,
    -0.282_088_983_511_499_86,
    0.422_589_074_045_344_1,
    -1.031_417_604_955_778_2,
    3.007_374_039_166_498_5,
    -6.275_622_176_030_757,
];

impl UnaryF64 for ErfcF32 {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        let one = splat(s, 1.0);
        let ax = s.abs_f64s(x);
        let z = s.mul_f64s(x, x);
        let erf = s.mul_f64s(x, madd(s, z, horner(s, z, &ERF_Q32), splat(s, ERF_C[0])));
        let small = s.sub_f64s(one, erf);
        let a = s.min_f64s(ax, splat(s, 10.1));
        let mid = s.less_than_f64s(a, splat(s, 4.0));
        let k = horner(s, s.sub_f64s(a, splat(s, 2.0)), &K32);
        // As in `erfc_pos`, the division only for vectors with a lane past 4.
        let lanes = size_of::<S::f64s>() / size_of::<f64>();
        let k = if s.first_true_m64s(s.not_m64s(mid)) < lanes {
            let r = s.div_f64s(one, a);
            let tail = s.mul_f64s(r, horner(s, s.mul_f64s(r, r), &H32));
            s.select_f64s(mid, k, tail)
        } else {
            k
        };
        let ec = s.mul_f64s(exp_core(s, s.neg_f64s(s.mul_f64s(a, a))).0, k);
        let neg = s.less_than_f64s(x, splat(s, 0.0));
        let big = s.select_f64s(neg, s.sub_f64s(splat(s, 2.0), ec), ec);
        let y = s.select_f64s(s.less_than_f64s(ax, splat(s, 0.5)), small, big);
        s.select_f64s(is_nan(s, x), x, y)
    }

    fn scalar(x: f64) -> f64 {
        libm::erfc(x)
    }
}

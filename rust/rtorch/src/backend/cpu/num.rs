//! Per-element arithmetic of each dtype (NOTE [ Arithmetic traits ]), with PyTorch's
//! integer and NaN semantics.
//!
//! Integer ops wrap on overflow (as C++ does in practice) and never panic; division by
//! zero is rejected before a kernel runs. Half types compute in f32.

use crate::dtype::{Element, Real};
use half::{bf16, f16};

// NOTE [ Arithmetic traits ]
// Three traits, each implemented only where PyTorch has the ops, so a kernel that needs
// one cannot be instantiated for a dtype that lacks them (NOTE [ Dtype sets ]):
// `Arith`, every real dtype bool included (bool add is `or`, mul `and`); `Numeric`, the
// ones PyTorch refuses for bool (sub, the divisions, pow, neg, abs), for `FLOAT |
// INTEGRAL`; `Bitwise`, for `INTEGRAL | BOOL`, never floats.

/// What every real dtype has, bool included.
pub trait Arith: Real {
    fn add(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    fn maximum(self, o: Self) -> Self;
    fn minimum(self, o: Self) -> Self;
    fn sign(self) -> Self;
    /// Always false for integers and bool: NaN is the one unordered value a real dtype
    /// can hold, and max/min/argmax must let it win.
    fn is_nan(self) -> bool;
}

/// Arithmetic of the integer and float types: the ops PyTorch refuses for bool.
pub trait Numeric: Arith {
    fn sub(self, o: Self) -> Self;
    /// True division for floats; truncating division for integers.
    fn div(self, o: Self) -> Self;
    fn floor_div(self, o: Self) -> Self;
    /// Python-style modulus (sign of the divisor).
    fn rem(self, o: Self) -> Self;
    /// C-style modulus (sign of the dividend).
    fn fmod(self, o: Self) -> Self;
    fn pow(self, o: Self) -> Self;
    fn neg(self) -> Self;
    fn abs(self) -> Self;
}

/// Bit operations: the integer types and bool, never floats (PyTorch refuses them there;
/// the kernels that call these dispatch over `INTEGRAL | BOOL`, NOTE [ Dtype sets ]).
pub trait Bitwise: Element {
    fn band(self, o: Self) -> Self;
    fn bor(self, o: Self) -> Self;
    fn bxor(self, o: Self) -> Self;
    fn bnot(self) -> Self;
}

macro_rules! bitwise {
    ($($t:ty),*) => {$(
        impl Bitwise for $t {
            #[inline(always)]
            fn band(self, o: Self) -> Self {
                self & o
            }
            #[inline(always)]
            fn bor(self, o: Self) -> Self {
                self | o
            }
            #[inline(always)]
            fn bxor(self, o: Self) -> Self {
                self ^ o
            }
            #[inline(always)]
            fn bnot(self) -> Self {
                !self
            }
        }
    )*};
}
bitwise!(bool, u8, i8, i16, i32, i64);

macro_rules! int_arith {
    ($t:ty) => {
        impl Arith for $t {
            #[inline(always)]
            fn add(self, o: Self) -> Self {
                self.wrapping_add(o)
            }
            #[inline(always)]
            fn mul(self, o: Self) -> Self {
                self.wrapping_mul(o)
            }
            #[inline(always)]
            fn maximum(self, o: Self) -> Self {
                if self >= o {
                    self
                } else {
                    o
                }
            }
            #[inline(always)]
            fn minimum(self, o: Self) -> Self {
                if self <= o {
                    self
                } else {
                    o
                }
            }
            #[inline(always)]
            fn sign(self) -> Self {
                #[allow(unused_comparisons)]
                if self > 0 {
                    1
                } else if self < 0 {
                    (0 as $t).wrapping_sub(1)
                } else {
                    0
                }
            }
            #[inline(always)]
            fn is_nan(self) -> bool {
                false
            }
        }
        impl Numeric for $t {
            #[inline(always)]
            fn sub(self, o: Self) -> Self {
                self.wrapping_sub(o)
            }
            #[inline(always)]
            fn div(self, o: Self) -> Self {
                if o == 0 {
                    0
                } else {
                    self.wrapping_div(o)
                }
            }
            #[inline(always)]
            fn floor_div(self, o: Self) -> Self {
                if o == 0 {
                    return 0;
                }
                let q = self.wrapping_div(o);
                #[allow(unused_comparisons)]
                let adjust = (self.wrapping_rem(o) != 0) && ((self < 0) != (o < 0));
                if adjust {
                    q.wrapping_sub(1)
                } else {
                    q
                }
            }
            #[inline(always)]
            fn rem(self, o: Self) -> Self {
                if o == 0 {
                    return 0;
                }
                let r = self.wrapping_rem(o);
                #[allow(unused_comparisons)]
                let adjust = r != 0 && ((r < 0) != (o < 0));
                if adjust {
                    r.wrapping_add(o)
                } else {
                    r
                }
            }
            #[inline(always)]
            fn fmod(self, o: Self) -> Self {
                if o == 0 {
                    0
                } else {
                    self.wrapping_rem(o)
                }
            }
            #[inline(always)]
            fn pow(self, o: Self) -> Self {
                #[allow(unused_comparisons)]
                if o < 0 {
                    // Integer reciprocals truncate to 0 except for bases ±1, as in PyTorch.
                    #[allow(unused_comparisons)]
                    let minus_one = self < 0 && self == (0 as $t).wrapping_sub(1);
                    return if self == 1 {
                        1
                    } else if minus_one {
                        if o % 2 == 0 {
                            1
                        } else {
                            self
                        }
                    } else {
                        0
                    };
                }
                // Square-and-multiply over every bit of the exponent (`wrapping_pow`
                // takes a u32, which would cut 2**40 down to 0).
                let (mut base, mut e, mut r) = (self, o as u64, 1 as $t);
                while e > 0 {
                    if e & 1 == 1 {
                        r = r.wrapping_mul(base);
                    }
                    base = base.wrapping_mul(base);
                    e >>= 1;
                }
                r
            }
            #[inline(always)]
            fn neg(self) -> Self {
                (0 as $t).wrapping_sub(self)
            }
            #[inline(always)]
            fn abs(self) -> Self {
                #[allow(unused_comparisons)]
                if self < 0 {
                    self.neg()
                } else {
                    self
                }
            }
        }
    };
}
int_arith!(u8);
int_arith!(i8);
int_arith!(i16);
int_arith!(i32);
int_arith!(i64);

impl Arith for bool {
    fn add(self, o: Self) -> Self {
        self | o
    }
    fn mul(self, o: Self) -> Self {
        self & o
    }
    fn maximum(self, o: Self) -> Self {
        self | o
    }
    fn minimum(self, o: Self) -> Self {
        self & o
    }
    fn sign(self) -> Self {
        self
    }
    fn is_nan(self) -> bool {
        false
    }
}

macro_rules! float_arith {
    ($t:ty) => {
        impl Arith for $t {
            #[inline(always)]
            fn add(self, o: Self) -> Self {
                self + o
            }
            #[inline(always)]
            fn mul(self, o: Self) -> Self {
                self * o
            }
            #[inline(always)]
            fn maximum(self, o: Self) -> Self {
                if self.is_nan() || o.is_nan() {
                    <$t>::NAN
                } else {
                    self.max(o)
                }
            }
            #[inline(always)]
            fn minimum(self, o: Self) -> Self {
                if self.is_nan() || o.is_nan() {
                    <$t>::NAN
                } else {
                    self.min(o)
                }
            }
            #[inline(always)]
            fn sign(self) -> Self {
                if self > 0.0 {
                    1.0
                } else if self < 0.0 {
                    -1.0
                } else {
                    0.0
                }
            }
            #[inline(always)]
            fn is_nan(self) -> bool {
                self.is_nan()
            }
        }
        impl Numeric for $t {
            #[inline(always)]
            fn sub(self, o: Self) -> Self {
                self - o
            }
            #[inline(always)]
            fn div(self, o: Self) -> Self {
                self / o
            }
            #[inline(always)]
            fn floor_div(self, o: Self) -> Self {
                // PyTorch's div_floor: floor of the true quotient, computed via fmod so
                // that e.g. 0.3 // 0.1 matches Python.
                if o == 0.0 {
                    return self / o;
                }
                let m = self % o;
                let mut d = (self - m) / o;
                if m != 0.0 && ((o < 0.0) != (m < 0.0)) {
                    d -= 1.0;
                }
                if d == 0.0 {
                    return (0.0 as $t).copysign(self / o);
                }
                let f = d.floor();
                if d - f > 0.5 {
                    f + 1.0
                } else {
                    f
                }
            }
            #[inline(always)]
            fn rem(self, o: Self) -> Self {
                let m = self % o;
                if m != 0.0 && ((m < 0.0) != (o < 0.0)) {
                    m + o
                } else {
                    m
                }
            }
            #[inline(always)]
            fn fmod(self, o: Self) -> Self {
                self % o
            }
            #[inline(always)]
            fn pow(self, o: Self) -> Self {
                self.powf(o)
            }
            #[inline(always)]
            fn neg(self) -> Self {
                -self
            }
            #[inline(always)]
            fn abs(self) -> Self {
                self.abs()
            }
        }
    };
}
float_arith!(f32);
float_arith!(f64);

macro_rules! half_arith {
    ($t:ty) => {
        impl Arith for $t {
            fn add(self, o: Self) -> Self {
                <$t>::from_f32(self.to_f32() + o.to_f32())
            }
            fn mul(self, o: Self) -> Self {
                <$t>::from_f32(self.to_f32() * o.to_f32())
            }
            fn maximum(self, o: Self) -> Self {
                <$t>::from_f32(Arith::maximum(self.to_f32(), o.to_f32()))
            }
            fn minimum(self, o: Self) -> Self {
                <$t>::from_f32(Arith::minimum(self.to_f32(), o.to_f32()))
            }
            fn sign(self) -> Self {
                <$t>::from_f32(Arith::sign(self.to_f32()))
            }
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
        }
        impl Numeric for $t {
            fn sub(self, o: Self) -> Self {
                <$t>::from_f32(self.to_f32() - o.to_f32())
            }
            fn div(self, o: Self) -> Self {
                <$t>::from_f32(self.to_f32() / o.to_f32())
            }
            fn floor_div(self, o: Self) -> Self {
                <$t>::from_f32(self.to_f32().floor_div(o.to_f32()))
            }
            fn rem(self, o: Self) -> Self {
                <$t>::from_f32(Numeric::rem(self.to_f32(), o.to_f32()))
            }
            fn fmod(self, o: Self) -> Self {
                <$t>::from_f32(self.to_f32() % o.to_f32())
            }
            fn pow(self, o: Self) -> Self {
                <$t>::from_f32(self.to_f32().powf(o.to_f32()))
            }
            fn neg(self) -> Self {
                -self
            }
            fn abs(self) -> Self {
                <$t>::from_f32(self.to_f32().abs())
            }
        }
    };
}
half_arith!(f16);
half_arith!(bf16);

/// `e^x` for f32 in straight-line code that LLVM vectorizes (libm's `expf` is a call per
/// element). Cody–Waite reduction `x = k ln2 + r`, a degree-7 Taylor polynomial for `e^r`
/// on |r| <= ln2/2, and `2^k` applied in two halves so results near overflow and in the
/// subnormal range come out right. Error: about 1 ulp (checked against f64 in tests).
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    // Adding 1.5 * 2^23 rounds to the nearest integer without a rounding instruction.
    const SHIFT: f32 = 12_582_912.0;
    let xc = x.clamp(-104.0, 89.0);
    let kf = xc * LOG2E + SHIFT;
    let k = kf - SHIFT;
    // NOTE: `k as i32` is a saturating cast that SSE2 cannot vectorize; the integer is
    // already in the low mantissa bits of `kf`.
    let ki = (kf.to_bits() as i32).wrapping_sub(0x4B40_0000);
    let r = xc - k * LN2_HI - k * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0
                    + r * (1.0 / 24.0
                        + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r * (1.0 / 5040.0)))))));
    let k1 = ki >> 1;
    let k2 = ki - k1;
    let s1 = f32::from_bits(((k1 + 127) as u32) << 23);
    let s2 = f32::from_bits(((k2 + 127) as u32) << 23);
    let y = p * s1 * s2;
    if x.is_nan() {
        x
    } else if x > 88.722_84 {
        f32::INFINITY
    } else {
        y
    }
}

#[cfg(test)]
mod tests {
    use super::exp_f32;

    #[test]
    fn exp_f32_is_within_two_ulp() {
        let mut x = -110.0f32;
        let mut worst = 0.0f64;
        while x < 90.0 {
            let want = (x as f64).exp();
            let got = exp_f32(x) as f64;
            if want.is_finite() && want > 1e-37 && want < 3.0e38 {
                let ulp = (want as f32).abs() as f64 * f32::EPSILON as f64;
                worst = worst.max((got - want).abs() / ulp);
            }
            x += 0.001_37;
        }
        assert!(worst <= 2.0, "worst error {worst} ulp");
        assert_eq!(exp_f32(f32::INFINITY), f32::INFINITY);
        assert_eq!(exp_f32(f32::NEG_INFINITY), 0.0);
        assert!(exp_f32(f32::NAN).is_nan());
        assert_eq!(exp_f32(100.0), f32::INFINITY);
        assert!(exp_f32(-100.0) > 0.0 && exp_f32(-100.0) < 1e-43);
    }
}

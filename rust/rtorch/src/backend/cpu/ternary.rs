//! The CPU ternary kernels: where, addcmul, addcdiv, lerp and clamp, each one strided pass over
//! the broadcast operands (NOTE [ Fused pointwise kernels ] in `ops/elementwise/pointwise.rs`).

use super::iter::{map3, SendPtr};
use super::num::{Arith, Numeric};
use crate::backend::TernaryKernel;
use crate::layout::Layout;
use crate::{dispatch, with_dtype, DType, Element, Result, Scalar, Tensor};

/// `out = k(a, b, c)`; see `backend::ternary`.
pub fn run(
    k: TernaryKernel,
    a: (&Tensor, &Layout),
    b: (&Tensor, &Layout),
    c: (&Tensor, &Layout),
    out: &Tensor,
) -> Result<()> {
    let ops = [a, b, c];
    match k {
        TernaryKernel::Where => with_dtype!(out.dtype(), T, {
            run3(out, &ops, |c: bool, x: T, y: T| if c { x } else { y })
        }),
        TernaryKernel::Addcmul(v) => addc(out, &ops, v, false),
        TernaryKernel::Addcdiv(v) => addc(out, &ops, v, true),
        TernaryKernel::Lerp(w) => lerp(out, &ops, w),
        // The two passes of `clamp_side` fused. With number bounds floats pick with
        // compares (`x < lo ? lo : x`, then `> hi`), as torch's scalar kernel does (the same
        // signed zeros), which keep a NaN x and vectorise to two blends; a NaN bound makes
        // the result NaN (1M float32, 1 thread: 113 us with the NaN-checking picks, torch
        // 98-123). Tensor bounds keep `maximum`/`minimum`.
        TernaryKernel::Clamp(numbers) => match out.dtype() {
            DType::F32 if numbers => run3(out, &ops, clamp_float::<f32>),
            DType::F64 if numbers => run3(out, &ops, clamp_float::<f64>),
            _ => with_dtype!(out.dtype(), T, {
                run3(out, &ops, |x: T, lo: T, hi: T| {
                    Arith::minimum(Arith::maximum(x, lo), hi)
                })
            }),
        },
    }
}

#[inline(always)]
fn clamp_float<F: crate::dtype::Float + Arith>(x: F, lo: F, hi: F) -> F {
    let v = if x < lo { lo } else { x };
    let v = if v > hi { hi } else { v };
    if Arith::is_nan(lo) || Arith::is_nan(hi) {
        F::from_f64(f64::NAN)
    } else {
        v
    }
}

/// `out = f(a, b, c)` over operands broadcast to `out`'s shape.
fn run3<A: Element, B: Element, O: Element>(
    out: &Tensor,
    [a, b, c]: &[(&Tensor, &Layout); 3],
    f: impl Fn(A, B, B) -> O + Sync + Send,
) -> Result<()> {
    let (pa, pb, pc) = (
        a.0.cpu_ptr::<A>()?,
        b.0.cpu_ptr::<B>()?,
        c.0.cpu_ptr::<B>()?,
    );
    // SAFETY: every operand's layout is its own view broadcast to out's shape.
    unsafe {
        map3(
            out.shape(),
            (SendPtr(out.cpu_ptr::<O>()?), out.strides()),
            (SendPtr(pa), &a.1.strides),
            (SendPtr(pb), &b.1.strides),
            (SendPtr(pc), &c.1.strides),
            f,
        )
    };
    Ok(())
}

/// addcmul (`x + (v * t1) * t2`) and addcdiv (`x + (v * t1) / t2`) in out's dtype; the
/// half types compute in float32 and round once.
fn addc(out: &Tensor, ops: &[(&Tensor, &Layout); 3], value: Scalar, divide: bool) -> Result<()> {
    macro_rules! half {
        ($h:ty) => {{
            let v = value.to_f64() as f32;
            if divide {
                run3(out, ops, move |x: $h, a: $h, b: $h| {
                    <$h>::from_f32(x.to_f32() + v * a.to_f32() / b.to_f32())
                })
            } else {
                run3(out, ops, move |x: $h, a: $h, b: $h| {
                    <$h>::from_f32(x.to_f32() + v * a.to_f32() * b.to_f32())
                })
            }
        }};
    }
    let rt = out.dtype();
    match rt {
        DType::F16 => half!(half::f16),
        DType::BF16 => half!(half::bf16),
        DType::F32 => addc_exact::<f32>(out, ops, value, divide),
        DType::F64 => addc_exact::<f64>(out, ops, value, divide),
        _ => dispatch!(
            INTEGRAL,
            rt,
            T,
            { addc_exact::<T>(out, ops, value, divide) },
            Err(crate::ops::unsupported(
                if divide { "addcdiv" } else { "addcmul" },
                rt
            ))
        ),
    }
}

/// addcmul/addcdiv computed in the result type itself (float32, float64, integers).
fn addc_exact<T: Numeric>(
    out: &Tensor,
    ops: &[(&Tensor, &Layout); 3],
    value: Scalar,
    divide: bool,
) -> Result<()> {
    let v: T = value.cast();
    if divide {
        run3(out, ops, move |x: T, a: T, b: T| x.add(v.mul(a).div(b)))
    } else {
        run3(out, ops, move |x: T, a: T, b: T| x.add(v.mul(a).mul(b)))
    }
}

macro_rules! lerp_in {
    ($name:ident, $t:ty) => {
        /// Torch's lerp: exact at both ends, computed from the nearer one.
        #[inline(always)]
        fn $name(s: $t, e: $t, w: $t) -> $t {
            let d = e - s;
            if w.abs() < 0.5 {
                s + w * d
            } else {
                e - d * (1.0 - w)
            }
        }
    };
}
lerp_in!(lerp_f32, f32);
lerp_in!(lerp_f64, f64);

/// lerp in the opmath type; a number weight `w` is read once instead of the third operand.
fn lerp(out: &Tensor, ops: &[(&Tensor, &Layout); 3], w: Option<f64>) -> Result<()> {
    macro_rules! half {
        ($h:ty) => {{
            match w {
                Some(w) => {
                    let wf = w as f32;
                    run3(out, ops, move |s: $h, e: $h, _: $h| {
                        <$h>::from_f32(lerp_f32(s.to_f32(), e.to_f32(), wf))
                    })
                }
                None => run3(out, ops, |s: $h, e: $h, w: $h| {
                    <$h>::from_f32(lerp_f32(s.to_f32(), e.to_f32(), w.to_f32()))
                }),
            }
        }};
    }
    match (out.dtype(), w) {
        (DType::F32, Some(w)) => {
            let wf = w as f32;
            run3(out, ops, move |s: f32, e: f32, _: f32| lerp_f32(s, e, wf))
        }
        (DType::F32, None) => run3(out, ops, lerp_f32),
        (DType::F64, Some(w)) => run3(out, ops, move |s: f64, e: f64, _: f64| lerp_f64(s, e, w)),
        (DType::F64, None) => run3(out, ops, lerp_f64),
        (DType::F16, _) => half!(half::f16),
        (DType::BF16, _) => half!(half::bf16),
        (d, _) => Err(crate::ops::unsupported("lerp_kernel_scalar", d)),
    }
}

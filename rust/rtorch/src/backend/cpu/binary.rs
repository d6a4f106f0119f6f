//! CPU kernels of the two-input elementwise ops: one strided, broadcasting loop per
//! kernel. Each group of ops dispatches over the dtypes it is defined for (NOTE [ Dtype
//! sets ]), so e.g. the bitwise bodies are never compiled for floats.

use super::iter::{map2, SendPtr};
use super::num::{Arith, Bitwise, Numeric};
use crate::backend::{BinaryKernel, RoundingMode};
use crate::dtype::Float;
use crate::layout::Layout;
use crate::{dispatch, with_dtype, DType, Element, Real, Result, Scalar, Tensor};

/// `out = op(a, b)`; `a` and `b` share the compute dtype, `la`/`lb` are their layouts
/// broadcast to `out`'s shape.
pub fn run(
    op: BinaryKernel,
    (a, la): (&Tensor, &Layout),
    (b, lb): (&Tensor, &Layout),
    out: &Tensor,
) -> Result<()> {
    use BinaryKernel::*;
    let dt = a.dtype();
    let os = out.strides_vec();
    let v = Views {
        shape: &out.dims(),
        out: (out.cpu_addr()?, &os),
        a: (a.cpu_addr()?, &la.strides),
        b: (b.cpu_addr()?, &lb.strides),
    };
    // The op layer refuses these dtypes with PyTorch's own errors; this one is a guard.
    let refuse = || Err(crate::ops::unsupported(op.name(), dt));
    match op {
        Eq | Ne | Lt | Le | Gt | Ge => with_dtype!(dt, T, { compare::<T>(op, &v) }),
        // Logical ops always compute in bool (`binary_compute::dtypes`).
        LogicalAnd | LogicalOr | LogicalXor if dt == DType::Bool => logical(op, &v),
        LogicalAnd | LogicalOr | LogicalXor => refuse(),
        Add(_) | Mul | Maximum | Minimum => with_dtype!(dt, T, { arith::<T>(op, &v) }),
        Sub(_) | Div(RoundingMode::Trunc | RoundingMode::Floor) | Rem | Fmod | Pow => {
            dispatch!(FLOAT | INTEGRAL, dt, T, { numeric::<T>(op, &v) }, refuse())
        }
        // Integer operands of these are promoted to the default float first.
        Div(RoundingMode::True) | Atan2 => {
            dispatch!(FLOAT, dt, T, { float::<T>(op, &v) }, refuse())
        }
        BitAnd | BitOr | BitXor => {
            dispatch!(INTEGRAL | BOOL, dt, T, { bitwise::<T>(op, &v) }, refuse())
        }
        Shl | Shr => dispatch!(INTEGRAL, dt, T, { shift_kernel::<T>(op, &v) }, refuse()),
    }
}

/// The three operand views of one kernel: addresses and strides over `shape`.
struct Views<'a> {
    shape: &'a [usize],
    out: (usize, &'a [isize]),
    a: (usize, &'a [isize]),
    b: (usize, &'a [isize]),
}

impl<'a> Views<'a> {
    /// `out[i] = f(a[i], b[i])` with `a`, `b` of type `T` and `out` of type `O`.
    fn map<T: Element, O: Element>(
        &self,
        cost: usize,
        f: impl Fn(T, T) -> O + Sync + Send,
    ) -> Result<()> {
        let ptr = |(addr, strides): (usize, &'a [isize])| (SendPtr(addr as *mut T), strides);
        // SAFETY: the caller (`run`) dispatched on the operands' dtype and `out` is `O`
        // (bool for comparisons, the compute dtype otherwise); all views are valid over
        // `shape`.
        unsafe {
            map2(
                self.shape,
                (SendPtr(self.out.0 as *mut O), self.out.1),
                ptr(self.a),
                ptr(self.b),
                cost,
                f,
            )
        };
        Ok(())
    }
}

#[allow(
    clippy::bool_comparison,
    reason = "the body is expanded for every dtype; for bool, `<` is torch's false < true"
)]
fn compare<T: Real>(op: BinaryKernel, v: &Views) -> Result<()> {
    match op {
        BinaryKernel::Eq => v.map(1, |x: T, y: T| x == y),
        BinaryKernel::Ne => v.map(1, |x: T, y: T| x != y),
        BinaryKernel::Lt => v.map(1, |x: T, y: T| x < y),
        BinaryKernel::Le => v.map(1, |x: T, y: T| x <= y),
        BinaryKernel::Gt => v.map(1, |x: T, y: T| x > y),
        BinaryKernel::Ge => v.map(1, |x: T, y: T| x >= y),
        _ => unreachable!("{op:?} is not a comparison"),
    }
}

fn logical(op: BinaryKernel, v: &Views) -> Result<()> {
    match op {
        BinaryKernel::LogicalAnd => v.map(1, |x: bool, y: bool| x && y),
        BinaryKernel::LogicalOr => v.map(1, |x: bool, y: bool| x || y),
        BinaryKernel::LogicalXor => v.map(1, |x: bool, y: bool| x != y),
        _ => unreachable!("{op:?} is not a logical op"),
    }
}

/// The ops every dtype has, bool included (`+` is `or`, `*` is `and`).
fn arith<T: Arith>(op: BinaryKernel, v: &Views) -> Result<()> {
    match op {
        BinaryKernel::Add(Scalar::Int(1)) => v.map(1, |x: T, y: T| x.add(y)),
        BinaryKernel::Add(alpha) => {
            let al: T = alpha.cast();
            v.map(1, move |x: T, y: T| x.add(y.mul(al)))
        }
        BinaryKernel::Mul => v.map(1, |x: T, y: T| x.mul(y)),
        BinaryKernel::Maximum => v.map(1, |x: T, y: T| x.maximum(y)),
        BinaryKernel::Minimum => v.map(1, |x: T, y: T| x.minimum(y)),
        _ => unreachable!("{op:?} is not an every-dtype op"),
    }
}

/// The ops PyTorch refuses for bool.
fn numeric<T: Numeric>(op: BinaryKernel, v: &Views) -> Result<()> {
    match op {
        BinaryKernel::Sub(Scalar::Int(1)) => v.map(1, |x: T, y: T| x.sub(y)),
        BinaryKernel::Sub(alpha) => {
            let al: T = alpha.cast();
            v.map(1, move |x: T, y: T| x.sub(y.mul(al)))
        }
        BinaryKernel::Div(RoundingMode::Trunc) => v.map(2, |x: T, y: T| {
            if T::DTYPE.is_floating_point() {
                T::elem_from_f64(x.div(y).to_f64().trunc())
            } else {
                x.div(y)
            }
        }),
        BinaryKernel::Div(RoundingMode::Floor) => v.map(2, |x: T, y: T| x.floor_div(y)),
        BinaryKernel::Rem => v.map(2, |x: T, y: T| x.rem(y)),
        BinaryKernel::Fmod => v.map(2, |x: T, y: T| x.fmod(y)),
        BinaryKernel::Pow => match T::DTYPE {
            DType::F32 => pow_by_constant::<f32>(v).or_else(|| pow_dense(v, super::simd::pow_f32)),
            DType::F64 => pow_by_constant::<f64>(v).or_else(|| pow_dense(v, super::simd::pow_f64)),
            _ => None,
        }
        .unwrap_or_else(|| v.map(8, |x: T, y: T| x.pow(y))),
        _ => unreachable!("{op:?} is not a numeric op"),
    }
}

// NOTE [ pow by a constant ]
// `x.pow(2)` (and `x ** 2` in every loss and norm) is a multiply, not a `powf` call: a
// float exponent that is one of 2, 3, 0.5, -0.5, -1, -2 is written as PyTorch writes it
// (x*x, x*x*x, sqrt, 1/sqrt, 1/x, 1/(x*x)): the multiplies and divisions match torch bit
// for bit, sqrt is correctly rounded (torch's vectorised float32 sqrt is within 0.5 ulp:
// 343 of 2,000 random values differ by 1 ulp from numpy's), and the special values are
// sqrt's (sqrt(-0.0) = -0.0, sqrt(-inf) = NaN, where powf gives +0 and +inf), as torch's.
// 1000x1000 float32, 1 thread, same run: pow(2) 7.9 ms -> 93 us (torch 106 us).
/// `pow` of float32/float64 by a broadcast scalar exponent with a cheap exact form.
fn pow_by_constant<F: Float>(v: &Views) -> Option<Result<()>> {
    if v.b.1.iter().any(|&s| s != 0) || v.shape.contains(&0) {
        return None;
    }
    // SAFETY: `b` is a valid view of `F` over the non-empty `shape` with every stride 0:
    // one element, at its address.
    let y = unsafe { *(v.b.0 as *const F) }.to_f64();
    let one = F::from_f64(1.0);
    Some(if y == 2.0 {
        v.map(1, |x: F, _| x * x)
    } else if y == 3.0 {
        v.map(1, |x: F, _| x * x * x)
    } else if y == 0.5 {
        v.map(2, |x: F, _| x.sqrt())
    } else if y == -0.5 {
        v.map(2, move |x: F, _| one / x.sqrt())
    } else if y == -1.0 {
        v.map(1, move |x: F, _| one / x)
    } else if y == -2.0 {
        v.map(1, move |x: F, _| one / (x * x))
    } else {
        return None;
    })
}

// NOTE [ float32 pow by a float ]: a dense float32 `x.pow(y)` by any scalar without an
// exact form (`x ** 2.5`, gelu-tanh's pieces, lr schedules), and a float32 `x.pow(y)` by
// a tensor `y` laid out as `x` and `out` (same shape and strides, dense), run the fused
// vector kernel of `simd/pow.rs` (NOTE [ SIMD f32 pow ]): one pass, float64 lanes with
// short polynomials, 0.5 ulp. float64 takes the same route to `simd/pow_f64.rs` (NOTE [
// SIMD f64 pow ], 0.8 ulp). Blocks of both operands are copied to the stack first, so
// `out` may be `x` or `y` (in place). Other layouts (broadcast, mixed strides) keep the
// scalar libm loop: torch is no faster there (x.pow(y) with y transposed, 2000x2000
// float32: 19.3 ms, torch 20.4).
// 4M elements, 1 thread, AVX-512 (AMD EPYC Zen 4, 2 cores shared with other builds, load
// ~3, OPENBLAS_NUM_THREADS=1; medians of 20-30 runs interleaved with torch's), ms:
//   float32 x.pow(2.5) 5.4 (float64 Log-then-Exp passes before: 13.4), torch 10.2;
//   x.pow(y) 6.2 (libm powf ~21), torch 10.1; x.pow_(1.0001) 6.5-8.9, torch 10.2;
//   float64 x.pow(2.5) 15.2 (libm pow: 42), torch 21.7; x.pow(y) 17.5, torch 21.8.
// Forced onto AVX2 (RTORCH_ISA): float32 x.pow(2.5) 10.3, float64 29.8 (behind torch's
// 21.8: 4 lanes of the double-double log); the baseline path rounds libm's pow (48, 42).
// At 2 threads the shared machine gave no stable medians (float32 pow(2.5): rtorch 4.5
// best / 6.8 median against torch 5.1 / 5.2 in one run, 3.4 / 18.7 against 11.6 / 20.8 in
// the next). The float32 kernel is bound by float64 arithmetic throughput (~35 vector
// operations and a division per 8 elements); Estrin's scheme instead of Horner's changed
// nothing measurable.
fn pow_dense<F: Float>(
    v: &Views,
    kernel: fn(&mut [F], &[F], super::simd::Exponent<F>),
) -> Option<Result<()>> {
    use super::simd::Exponent;
    dense2(v, |out, x, y, scalar| {
        let exponent = match scalar {
            Some(y) => Exponent::Scalar(y),
            None => Exponent::Each(y),
        };
        kernel(out, x, exponent)
    })
}

/// `kernel(out, a, b, scalar)` over blocks when `a` and `out` share a dense layout and
/// `b` has it too or is one broadcast element (`scalar`; its block then repeats it).
/// Both inputs are copied to the stack first, so `out` may be `a` or `b`.
fn dense2<F: Float>(
    v: &Views,
    kernel: impl Fn(&mut [F], &[F], &[F], Option<F>) + Sync,
) -> Option<Result<()>> {
    if v.shape.contains(&0) || v.out.1 != v.a.1 || !crate::layout::is_dense(v.shape, v.a.1) {
        return None;
    }
    let scalar = v.b.1.iter().all(|&s| s == 0);
    if !scalar && v.b.1 != v.a.1 {
        return None;
    }
    let n: usize = v.shape.iter().product();
    // The dense block starts at the lowest address the strides reach (the same offset
    // for all three views, which share their strides).
    let low: isize = v
        .shape
        .iter()
        .zip(v.a.1)
        .map(|(&d, &st)| if st < 0 { st * (d as isize - 1) } else { 0 })
        .sum();
    let base = |addr: usize| SendPtr((addr as *mut F).wrapping_offset(low));
    let (pa, pb, po) = (base(v.a.0), base(v.b.0), base(v.out.0));
    // SAFETY: with every stride 0 (and the shape non-empty) `b` is one element.
    let y = scalar.then(|| unsafe { *(v.b.0 as *const F) });
    crate::parallel::for_chunks(n, 8, |s, e| {
        const BLOCK: usize = 1024;
        let (mut ab, mut bb) = (
            [y.unwrap_or_default(); BLOCK],
            [y.unwrap_or_default(); BLOCK],
        );
        for b in (s..e).step_by(BLOCK) {
            let m = BLOCK.min(e - b);
            // SAFETY: [b, b + m) lies in the dense block of `n` elements of each view;
            // both inputs are read into the stack before `out` is borrowed, so no slice
            // overlaps a live one.
            let out = unsafe {
                std::ptr::copy_nonoverlapping(pa.at(b as isize), ab.as_mut_ptr(), m);
                if y.is_none() {
                    std::ptr::copy_nonoverlapping(pb.at(b as isize), bb.as_mut_ptr(), m);
                }
                std::slice::from_raw_parts_mut(po.at(b as isize), m)
            };
            kernel(out, &ab[..m], &bb[..m], y);
        }
    });
    Some(Ok(()))
}

fn float<T: Numeric>(op: BinaryKernel, v: &Views) -> Result<()> {
    match op {
        BinaryKernel::Div(RoundingMode::True) => v.map(1, |x: T, y: T| x.div(y)),
        BinaryKernel::Atan2 => match T::DTYPE {
            DType::F32 => dense2(v, |o, a, b, _| super::simd::atan2_f32(o, a, b)),
            DType::F64 => dense2(v, |o, a, b, _| super::simd::atan2_f64(o, a, b)),
            _ => None,
        }
        .unwrap_or_else(|| {
            v.map(8, |x: T, y: T| {
                T::elem_from_f64(x.to_f64().atan2(y.to_f64()))
            })
        }),
        _ => unreachable!("{op:?} is not a float op"),
    }
}

fn bitwise<T: Bitwise>(op: BinaryKernel, v: &Views) -> Result<()> {
    match op {
        BinaryKernel::BitAnd => v.map(1, |x: T, y: T| x.band(y)),
        BinaryKernel::BitOr => v.map(1, |x: T, y: T| x.bor(y)),
        BinaryKernel::BitXor => v.map(1, |x: T, y: T| x.bxor(y)),
        _ => unreachable!("{op:?} is not a bitwise op"),
    }
}

fn shift_kernel<T: Real>(op: BinaryKernel, v: &Views) -> Result<()> {
    let bits = 8 * T::DTYPE.itemsize() as i64;
    let signed = T::DTYPE != DType::U8;
    let left = op == BinaryKernel::Shl;
    v.map(1, move |x: T, y: T| {
        T::from_i64(shift(x.to_i64(), y.to_i64(), bits, signed, left))
    })
}

/// PyTorch's shifts on a `bits`-wide integer: a shift by a negative amount or by the
/// width or more gives 0 to the left, and the sign (0 or -1; 0 when unsigned) to the right.
#[inline(always)]
fn shift(x: i64, y: i64, bits: i64, signed: bool, left: bool) -> i64 {
    let out_of_range = y < 0 || y >= bits;
    match (left, out_of_range) {
        (true, true) => 0,
        (true, false) => x.wrapping_shl(y as u32),
        (false, true) if signed && x < 0 => -1,
        (false, true) => 0,
        (false, false) => x >> y,
    }
}

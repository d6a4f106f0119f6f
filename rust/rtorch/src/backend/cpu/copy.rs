//! The CPU copy kernel: `dst.copy_(src)` with dtype conversion, behind clone, contiguous,
//! `copy_` and `to(dtype)`.

use super::half::HalfBlock;
use super::iter::{map1, SendPtr};
use super::simd::map_cast;
use crate::dtype::Real;
use crate::{with_dtype, DType, Element, Result, Tensor};
use half::{bf16, f16};

/// Converts one element between dtypes with C++ semantics (through i64 between integer
/// types so large values stay exact, through f64 otherwise, `!= 0` into bool).
#[inline(always)]
pub fn convert<A: Real, B: Real>(a: A) -> B {
    if B::DTYPE == DType::Bool {
        B::from_bool(a.is_nonzero())
    } else if A::DTYPE.is_integral(true) && B::DTYPE.is_integral(false) {
        B::from_i64(a.to_i64())
    } else {
        B::elem_from_f64(a.to_f64())
    }
}

/// The smallest copy done in tiles when it is a transpose.
const TILED_MIN: usize = 4096;

/// Writes `src` (already broadcast to `dst`'s shape) into `dst`, converting dtypes.
pub fn run(dst: &Tensor, src: &Tensor) -> Result<()> {
    let shape = dst.dims();
    // Only a big copy is worth tiling, and only it pays for coalescing twice (here and in
    // the loop): a small one skips this check (about 300 instructions of a 4x4 cast).
    if dst.numel() >= TILED_MIN {
        let (cs, cst) = crate::layout::coalesce(&shape, &[dst.strides(), src.strides()]);
        if cs.len() == 2 && cst[0][1] == 1 && cst[1][0] == 1 && cst[1][1] != 1 {
            return super::transpose::copy_transposed(
                dst,
                src,
                (cs[0], cs[1]),
                cst[0][0],
                cst[1][1],
            );
        }
    }
    if dense_cast(dst, src)? {
        return Ok(());
    }
    with_dtype!(src.dtype(), A, {
        with_dtype!(dst.dtype(), B, {
            // SAFETY: both views describe valid elements of their dtypes over `shape`.
            unsafe {
                map1::<A, B>(
                    &shape,
                    (SendPtr(dst.cpu_ptr::<B>()?), dst.strides()),
                    (SendPtr(src.cpu_ptr::<A>()?), src.strides()),
                    1,
                    convert::<A, B>,
                )
            }
        })
    });
    Ok(())
}

// NOTE [ Dense casts ]: a cast between two dense tensors in the same element order (the
// `to(dtype)` of a contiguous tensor) runs over plain slices instead of `map1`'s runs:
// float32 <-> float16 through F16C (NOTE [ Half conversions as integer arithmetic ]),
// float32 <-> bfloat16 through vectorising bit loops (`half.rs`), float64 <-> half types
// through a float32 block (double to half rounds twice, as in PyTorch: NOTE on
// `float_element!`), float -> int as a clamp (`float_to_int!`), and any other cast from or
// to float32/float64 as a plain loop compiled for the dispatched ISA (`simd::map_cast`).
// Every result is bit for bit the scalar `convert` (same rounding, NaN, inf, saturation;
// tests/test_cast.py, on every path). 1M float32, 1 thread, us, before / after / torch
// (AVX-512 Zen 4, load ~2, medians of 21): to float16 2087 / 70 / 72, to bfloat16 186 /
// 89 / 107, float16 to float32 4911 / 148 / 174, to int64 787 / 162 / 522, to int32 1025
// / 105 / 139, float64 to float16 (1M) 581 / 335 / 307.

/// A slice conversion from float type `$f` to integer type `$t` with the saturating `as`
/// (NaN to 0, out of range to the nearest bound), written as a clamp and an unchecked
/// truncation: Rust's `as` itself does not vectorise (1M float32 to int32 0.99 ms as
/// against 0.11), the clamp does.
macro_rules! float_to_int {
    ($f:ty, $t:ty) => {
        |o: &mut [$t], x: &[$f]| {
            // The largest float not above the integer maximum: the maximum itself where
            // it is exact, else the float below the power of two it rounds up to.
            let top = <$t>::MAX as $f;
            let hi = if top as i128 > <$t>::MAX as i128 {
                <$f>::from_bits(top.to_bits() - 1)
            } else {
                top
            };
            let lo = <$t>::MIN as $f;
            map_cast(o, x, move |v: $f| {
                let c = if v.is_nan() { 0.0 } else { v.max(lo).min(hi) };
                // SAFETY: `c` is finite and within [MIN, MAX] of the target type.
                let i = unsafe { c.to_int_unchecked::<$t>() };
                // Above `hi` saturates to MAX, which `hi` itself may fall short of.
                if v > hi {
                    <$t>::MAX
                } else {
                    i
                }
            })
        }
    };
}

/// Runs the dense cast of `src` into `dst` if their layouts and dtypes have one; false
/// when the caller must take the general path.
fn dense_cast(dst: &Tensor, src: &Tensor) -> Result<bool> {
    use DType::*;
    let (a, b) = (src.dtype(), dst.dtype());
    let dense = dst.strides() == src.strides()
        && (src.is_contiguous() || crate::layout::is_dense(src.shape(), src.strides()));
    if a == b || !dense {
        return Ok(false);
    }
    let half = |d: DType| matches!(d, F16 | BF16);
    let wide = |d: DType| matches!(d, F32 | F64);
    match (a, b) {
        (F32, F16) => slices(src, dst, |o, x: &[f32]| f16::narrow(x, o))?,
        (F32, BF16) => slices(src, dst, |o, x: &[f32]| bf16::narrow(x, o))?,
        (F16, F32) => slices(src, dst, |o, x: &[f16]| f16::widen(x, o))?,
        (BF16, F32) => slices(src, dst, |o, x: &[bf16]| bf16::widen(x, o))?,
        (F64, F16) => slices(src, dst, narrow_f64::<f16>)?,
        (F64, BF16) => slices(src, dst, narrow_f64::<bf16>)?,
        (F16, F64) => slices(src, dst, widen_f64::<f16>)?,
        (BF16, F64) => slices(src, dst, widen_f64::<bf16>)?,
        _ if half(a) || half(b) || !(wide(a) || wide(b)) => return Ok(false),
        (F32, I64) => slices(src, dst, float_to_int!(f32, i64))?,
        (F32, I32) => slices(src, dst, float_to_int!(f32, i32))?,
        (F32, I16) => slices(src, dst, float_to_int!(f32, i16))?,
        (F32, I8) => slices(src, dst, float_to_int!(f32, i8))?,
        (F32, U8) => slices(src, dst, float_to_int!(f32, u8))?,
        (F64, I64) => slices(src, dst, float_to_int!(f64, i64))?,
        (F64, I32) => slices(src, dst, float_to_int!(f64, i32))?,
        (F64, I16) => slices(src, dst, float_to_int!(f64, i16))?,
        (F64, I8) => slices(src, dst, float_to_int!(f64, i8))?,
        (F64, U8) => slices(src, dst, float_to_int!(f64, u8))?,
        (F32, _) => with_dtype!(b, B, { slices(src, dst, cast::<f32, B>)? }),
        (F64, _) => with_dtype!(b, B, { slices(src, dst, cast::<f64, B>)? }),
        (_, F32) => with_dtype!(a, A, { slices(src, dst, cast::<A, f32>)? }),
        _ => with_dtype!(a, A, { slices(src, dst, cast::<A, f64>)? }),
    }
    Ok(true)
}

fn cast<A: Real, B: Real>(o: &mut [B], x: &[A]) {
    map_cast(o, x, convert::<A, B>);
}

/// float64 to a half type through float32, a block at a time.
fn narrow_f64<T: HalfBlock>(o: &mut [T], x: &[f64]) {
    const BLOCK: usize = 512;
    let mut buf = [0f32; BLOCK];
    for (o, x) in o.chunks_mut(BLOCK).zip(x.chunks(BLOCK)) {
        let m = x.len();
        for (d, &v) in buf[..m].iter_mut().zip(x) {
            *d = v as f32;
        }
        T::narrow(&buf[..m], o);
    }
}

/// A half type to float64 through float32 (exact), a block at a time.
fn widen_f64<T: HalfBlock>(o: &mut [f64], x: &[T]) {
    const BLOCK: usize = 512;
    let mut buf = [0f32; BLOCK];
    for (o, x) in o.chunks_mut(BLOCK).zip(x.chunks(BLOCK)) {
        let m = x.len();
        T::widen(x, &mut buf[..m]);
        for (d, &v) in o.iter_mut().zip(&buf[..m]) {
            *d = f64::from(v);
        }
    }
}

/// `f(dst[s..e], src[s..e])` over the dense blocks of `src` and `dst` in parallel chunks.
fn slices<A: Element, B: Element>(
    src: &Tensor,
    dst: &Tensor,
    f: impl Fn(&mut [B], &[A]) + Sync + Send,
) -> Result<()> {
    let (px, po) = (SendPtr(src.cpu_ptr::<A>()?), SendPtr(dst.cpu_ptr::<B>()?));
    crate::parallel::for_chunks(src.numel(), 1, |s, e| {
        // SAFETY: both tensors are dense over `numel` elements from their data pointers
        // (same strides, so the same order); `dst` is another buffer (the dtypes differ)
        // and the chunks are disjoint.
        let (xs, os) = unsafe {
            (
                std::slice::from_raw_parts(px.at(s as isize) as *const A, e - s),
                std::slice::from_raw_parts_mut(po.at(s as isize), e - s),
            )
        };
        f(os, xs);
    });
    Ok(())
}

/// `dst[i] += src[i]` one element at a time in `dst`'s logical order (`src` contiguous, in
/// `dst`'s dtype), so an element `dst` names more than once receives every contribution.
pub fn accumulate(dst: &Tensor, src: &Tensor) -> Result<()> {
    let shape = dst.shape();
    let strides = dst.strides();
    with_dtype!(dst.dtype(), T, {
        use super::num::Arith;
        let (d, s) = (dst.cpu_ptr::<T>()?, src.cpu_ptr::<T>()?);
        let mut idx = vec![0usize; shape.len()];
        for i in 0..dst.numel() {
            let off: isize = idx
                .iter()
                .zip(strides)
                .map(|(&j, &st)| j as isize * st)
                .sum();
            // SAFETY: `off` is a position of the live view `dst`; `src` is contiguous.
            unsafe { *d.offset(off) = (*d.offset(off)).add(*s.add(i)) };
            for k in (0..shape.len()).rev() {
                idx[k] += 1;
                if idx[k] < shape[k] {
                    break;
                }
                idx[k] = 0;
            }
        }
    });
    Ok(())
}

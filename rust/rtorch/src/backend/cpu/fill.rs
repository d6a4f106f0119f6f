//! The CPU fill kernels: constant fills, ranges and the identity (`ops/creation/factory.rs`
//! checks the arguments and allocates).

use super::iter::{map1, SendPtr};
use crate::backend::FillKernel;
use crate::dtype::Real;
use crate::{with_dtype, DType, Result, Scalar, Tensor};

/// Writes `k`'s values into `t`; see `backend::fill`.
pub fn run(k: FillKernel, t: &Tensor) -> Result<()> {
    match k {
        FillKernel::Value(v) => value(t, v),
        FillKernel::Arange { start, step } => arange(t, start, step),
        FillKernel::Linspace { start, end } => linspace(t, start, end),
        FillKernel::Eye => eye(t),
    }
}

fn value(t: &Tensor, value: Scalar) -> Result<()> {
    let shape = t.dims();
    with_dtype!(t.dtype(), T, {
        let v: T = value.cast();
        let p = t.cpu_ptr::<T>()?;
        // SAFETY: `t` is a valid view; the source operand is a stride-0 read of `v`.
        unsafe {
            map1::<T, T>(
                &shape,
                (SendPtr(p), t.strides()),
                (SendPtr(&v as *const T as *mut T), &vec![0; shape.len()]),
                1,
                |x| x,
            )
        }
    });
    Ok(())
}

fn arange(t: &Tensor, start: f64, step: f64) -> Result<()> {
    let (n, dtype) = (t.numel(), t.dtype());
    with_dtype!(dtype, T, {
        let p = t.cpu_ptr::<T>()?;
        // Integers step in int64 from the truncated start by the truncated step (wrapping
        // into narrower types); half types in float32; float32/64 in float64.
        let (si, sti) = (start as i64, step as i64);
        let (sf, stf) = (start as f32, step as f32);
        for i in 0..n {
            let v = match dtype {
                d if d.is_integral(false) => {
                    T::from_i64(si.wrapping_add((i as i64).wrapping_mul(sti)))
                }
                DType::F16 | DType::BF16 => T::elem_from_f64((sf + i as f32 * stf) as f64),
                _ => T::elem_from_f64(start + i as f64 * step),
            };
            // SAFETY: i < n.
            unsafe { *p.add(i) = v };
        }
    });
    Ok(())
}

/// linspace from both ends (the rules are on `ops::factory::linspace`).
fn linspace(t: &Tensor, start: f64, end: f64) -> Result<()> {
    let (n, dtype) = (t.numel(), t.dtype());
    let (s, e) = (Scalar::Float(start), Scalar::Float(end));
    // A single step is `start` (an empty first half would make it `end`).
    let half = if n == 1 { 1 } else { n / 2 };
    // Index of value i counted from the end it is filled from, and the sign of the step.
    let from_end = |i: usize| {
        if i < half {
            (i as f64, 1.0)
        } else {
            ((n - 1 - i) as f64, -1.0)
        }
    };
    with_dtype!(dtype, T, {
        let p = t.cpu_ptr::<T>()?;
        let put = |i: usize, v: T| unsafe {
            // SAFETY: i < n.
            *p.add(i) = v
        };
        match dtype {
            DType::F32 => {
                let (a, b) = (start as f32, end as f32);
                let step = if n > 1 { (b - a) / (n - 1) as f32 } else { 0.0 };
                for i in 0..n {
                    let (k, sgn) = from_end(i);
                    let base = if sgn > 0.0 { a } else { b };
                    put(
                        i,
                        T::elem_from_f64((sgn as f32 * step).mul_add(k as f32, base) as f64),
                    );
                }
            }
            DType::F16 | DType::BF16 => {
                let r = |v: f32| T::elem_from_f64(v as f64).to_f64() as f32;
                let (a, b) = (r(start as f32), r(end as f32));
                let step = if n > 1 {
                    r(r(b - a) / r((n - 1) as f32))
                } else {
                    0.0
                };
                for i in 0..n {
                    let (k, sgn) = from_end(i);
                    let d = r(step * r(k as f32));
                    put(
                        i,
                        T::elem_from_f64(if sgn > 0.0 { a + d } else { b - d } as f64),
                    );
                }
            }
            d if d.is_integral(false) => {
                let (a, b) = (s.cast::<T>().to_i64() as f64, e.cast::<T>().to_i64() as f64);
                let step = if n > 1 { (b - a) / (n - 1) as f64 } else { 0.0 };
                for i in 0..n {
                    let (k, sgn) = from_end(i);
                    let base = if sgn > 0.0 { a } else { b };
                    put(i, T::elem_from_f64((sgn * step).mul_add(k, base)));
                }
            }
            _ => {
                let step = if n > 1 {
                    (end - start) / (n - 1) as f64
                } else {
                    0.0
                };
                for i in 0..n {
                    let (k, sgn) = from_end(i);
                    let base = if sgn > 0.0 { start } else { end };
                    put(i, T::elem_from_f64((sgn * step).mul_add(k, base)));
                }
            }
        }
    });
    Ok(())
}

/// Ones on the main diagonal (the rest is left as it is: zeros from the op).
fn eye(t: &Tensor) -> Result<()> {
    let (n, m) = (t.shape()[0], t.shape()[1]);
    let diag = t.strides()[0] + t.strides()[1];
    with_dtype!(t.dtype(), T, {
        let p = t.cpu_ptr::<T>()?;
        for i in 0..n.min(m) {
            // SAFETY: (i, i) is an element of the matrix.
            unsafe { *p.offset(i as isize * diag) = T::from_i64(1) };
        }
    });
    Ok(())
}

//! CPU kernels of the inclusive scans (cumsum, cumprod).

use super::iter::{for_each_run, SendPtr};
use super::num::Arith;
use crate::backend::ScanKernel;
use crate::dtype::Real;
use crate::{dispatch, DType, Element, Result, Tensor};

/// `out = k(x)` along `d`; `x` is in `out`'s dtype. Integers accumulate in their own type
/// (wrapping); float32 and float64 accumulate in float64 and the half types in float32
/// (PyTorch's CPU accumulation types), so a running value may leave and re-enter the
/// output's range without sticking at inf.
pub fn run(k: ScanKernel, x: &Tensor, d: usize, out: &Tensor) -> Result<()> {
    if x.numel() == 0 {
        return Ok(());
    }
    let dt = out.dtype();
    // Bool is refused by the op (torch has no bool scan).
    dispatch!(
        FLOAT,
        dt,
        T,
        { float_scan(k, &Lines::<T>::new(x, d, out)?) },
        dispatch!(
            INTEGRAL,
            dt,
            T,
            { int_scan(k, &Lines::<T>::new(x, d, out)?) },
            return Err(crate::ops::unsupported(k.name(), dt))
        )
    );
    Ok(())
}

fn float_scan<T: Real>(k: ScanKernel, lines: &Lines<'_, T>) {
    match k {
        ScanKernel::CumSum => scan_float(lines, 0.0, |a, v| a + v),
        ScanKernel::CumProd => scan_float(lines, 1.0, |a, v| a * v),
    }
}

/// Integers accumulate in their own type, wrapping.
fn int_scan<T: Arith>(k: ScanKernel, lines: &Lines<'_, T>) {
    match k {
        ScanKernel::CumSum => lines.scan(T::from_i64(0), |a, v| {
            let a = a.add(v);
            (a, a)
        }),
        ScanKernel::CumProd => lines.scan(T::from_i64(1), |a, v| {
            let a = a.mul(v);
            (a, a)
        }),
    }
}

/// A float scan through an f64 accumulator (float32 arithmetic for the half types).
fn scan_float<T: Real>(lines: &Lines<'_, T>, init: f64, step: impl Fn(f64, f64) -> f64 + Sync) {
    let half = matches!(T::DTYPE, DType::F16 | DType::BF16);
    lines.scan(init, |acc, v: T| {
        let acc = step(acc, v.to_f64());
        // A float32 accumulator: f64 arithmetic on f32 values rounded back to f32 is
        // exactly f32 arithmetic.
        let acc = if half { acc as f32 as f64 } else { acc };
        (acc, T::elem_from_f64(acc))
    });
}

/// The lines along `d` of `x` and `out`: one scan each.
struct Lines<'a, T> {
    x: (SendPtr<T>, &'a Tensor),
    out: (SendPtr<T>, &'a Tensor),
    d: usize,
}

impl<'a, T: Element> Lines<'a, T> {
    fn new(x: &'a Tensor, d: usize, out: &'a Tensor) -> Result<Self> {
        Ok(Lines {
            x: (SendPtr(x.cpu_ptr::<T>()?), x),
            out: (SendPtr(out.cpu_ptr::<T>()?), out),
            d,
        })
    }

    /// Walks every line in order: `step(acc, x_i) -> (acc, out_i)`.
    fn scan<A: Copy + Send + Sync>(&self, init: A, step: impl Fn(A, T) -> (A, T) + Sync) {
        let (px, x) = self.x;
        let (po, out) = self.out;
        let d = self.d;
        let n = x.shape()[d];
        let (xs, os) = (x.strides()[d], out.strides()[d]);
        // One line per element of the shape with `d` collapsed to 1.
        let mut line_shape = x.dims();
        line_shape[d] = 1;
        let (xstr, ostr) = (x.strides_vec(), out.strides_vec());
        for_each_run(&line_shape, [&xstr, &ostr], n, |off, len, st| {
            for k in 0..len as isize {
                // SAFETY: the line starting here lies inside both tensors (same shape).
                unsafe {
                    let (xb, ob) = (px.at(off[0] + k * st[0]), po.at(off[1] + k * st[1]));
                    let mut acc = init;
                    for i in 0..n as isize {
                        let (a, o) = step(acc, *xb.offset(i * xs));
                        acc = a;
                        *ob.offset(i * os) = o;
                    }
                }
            }
        });
    }
}

//! CPU kernels of the reductions: each folds runs through the walker
//! (`reduce_iter.rs`) and writes its accumulators straight into the output.

use super::copy::convert;
use super::iter::SendPtr;
use super::num::Arith;
use super::reduce_iter::{reduce_runs, Fold, Run};
use super::reduce_run;
use crate::backend::ReduceKernel;
use crate::dtype::Real;
use crate::{ensure, with_dtype, Element, Result, Tensor};

pub fn run(k: ReduceKernel, x: &Tensor, dims: &[usize], out: &[&Tensor]) -> Result<()> {
    check_outputs(k, x, dims, out)?;
    use ReduceKernel::*;
    match k {
        Sum if out[0].dtype().is_floating_point() => sum_float(x, dims, out[0]),
        Sum => sum_int(x, dims, out[0]),
        Prod => prod(x, dims, out[0]),
        Norm2 => norm2(x, dims, out[0]),
        Max | Min => extremum(k, x, dims, out[0]),
        ArgMax | ArgMin => arg_extremum(k, x, dims, (out[0], out[1])),
        All | Any => all_any(k, x, dims, out[0]),
        Var { .. } | Std { .. } => super::moments::run(k, x, dims, out[0]),
    }
}

/// The walker writes output element `o` at offset `o`: each output must be contiguous and
/// hold exactly the kept elements.
fn check_outputs(k: ReduceKernel, x: &Tensor, dims: &[usize], out: &[&Tensor]) -> Result<()> {
    let kept: usize = (0..x.ndim())
        .filter(|d| !dims.contains(d))
        .map(|d| x.shape()[d])
        .product();
    ensure!(
        out.len() == k.outputs() && out.iter().all(|o| o.is_contiguous() && o.numel() == kept),
        runtime,
        "internal error: the {} kernel needs {} contiguous outputs of {kept} elements",
        k.name(),
        k.outputs()
    );
    Ok(())
}

/// Writes accumulators into `out`, which has the accumulator's own type.
fn writer<A: Element>(out: &Tensor) -> Result<impl Fn(usize, A) + Sync> {
    let p = SendPtr(out.cpu_ptr::<A>()?);
    // SAFETY: the walker writes each o < out.numel() once (`check_outputs`).
    Ok(move |o: usize, v: A| unsafe { *p.at(o as isize) = v })
}

/// Writes accumulators into an output of any dtype, converted as casts convert. The
/// dtype is picked once, as a function pointer, so the walker is not compiled again for
/// every output dtype.
fn converting_writer<A: Real>(out: &Tensor) -> Result<impl Fn(usize, A) + Sync> {
    let base = out.cpu_addr()?;
    let put: fn(usize, usize, A) = with_dtype!(out.dtype(), O, {
        // SAFETY: as `writer`: o < out.numel(), each written once.
        |base, o, v| unsafe { *(base as *mut O).add(o) = convert::<A, O>(v) }
    });
    Ok(move |o: usize, v: A| put(base, o, v))
}

/// Float64 sums (vectorized over contiguous runs) written in the output's float dtype.
fn sum_float(x: &Tensor, dims: &[usize], out: &Tensor) -> Result<()> {
    let write = converting_writer::<f64>(out)?;
    if x.dtype() == crate::DType::F32 {
        if let Some(r) = super::reduce_iter::sum_outer_f32(x, dims, &write) {
            return r;
        }
    }
    with_dtype!(x.dtype(), T, {
        let how = Fold {
            init: 0.0,
            fold: |acc: f64, run: Run<T>| acc + run.sum_f64(),
            combine: |a: f64, b: f64| a + b,
            step: |acc: f64, v: T, _| acc + v.to_f64(),
        };
        reduce_runs(x, dims, how, write)
    })
}

/// Wrapping int64 sums of the elements converted to the output's kind first: into bool
/// that is "nonzero" (0.5 counts as true), elsewhere truncation.
fn sum_int(x: &Tensor, dims: &[usize], out: &Tensor) -> Result<()> {
    let to_bool = out.dtype() == crate::DType::Bool;
    let write = converting_writer::<i64>(out)?;
    with_dtype!(x.dtype(), T, {
        let how = Fold {
            init: 0i64,
            fold: |acc: i64, run: Run<T>| {
                run.values().fold(acc, |a, v| {
                    a.wrapping_add(if to_bool {
                        v.is_nonzero() as i64
                    } else {
                        v.to_i64()
                    })
                })
            },
            combine: i64::wrapping_add,
            step: move |a: i64, v: T, _| {
                a.wrapping_add(if to_bool {
                    v.is_nonzero() as i64
                } else {
                    v.to_i64()
                })
            },
        };
        reduce_runs(x, dims, how, write)
    })
}

/// sqrt of the float64 sum of squares (float inputs only; `ops::norm` routes others).
fn norm2(x: &Tensor, dims: &[usize], out: &Tensor) -> Result<()> {
    let write = converting_writer::<f64>(out)?;
    let write = move |o: usize, acc: f64| write(o, acc.sqrt());
    crate::dispatch!(
        FLOAT,
        x.dtype(),
        T,
        {
            let sq = |v: T| v.to_f64() * v.to_f64();
            let how = Fold {
                init: 0.0,
                fold: |acc: f64, run: Run<T>| match run.with_slice(reduce_run::sum_squares) {
                    Some(Some(s)) => acc + s,
                    _ => run.values().fold(acc, |a, v| a + sq(v)),
                },
                combine: |a: f64, b: f64| a + b,
                step: |acc: f64, v: T, _| acc + sq(v),
            };
            reduce_runs(x, dims, how, write)
        },
        Err(crate::ops::unsupported("norm", x.dtype()))
    )
}

fn prod(x: &Tensor, dims: &[usize], out: &Tensor) -> Result<()> {
    let lanes = reduce_run::has_lanes(x.dtype());
    with_dtype!(x.dtype(), T, {
        let how = Fold {
            init: T::from_i64(1),
            fold: |acc: T, run: Run<T>| match lanes
                .then(|| run.with_slice(|s| reduce_run::prod(s, T::from_i64(1))))
            {
                Some(Some(p)) => Arith::mul(acc, p),
                _ => run.values().fold(acc, Arith::mul),
            },
            combine: Arith::mul,
            step: |acc: T, v: T, _| Arith::mul(acc, v),
        };
        reduce_runs(x, dims, how, writer::<T>(out)?)
    })
}

/// amax / amin (NaN propagates through `maximum` / `minimum`). The accumulator starts
/// at the identity of the pick (-inf or the dtype's least value for max), so every path
/// (runs, split runs, the outer step) folds plain values; the op layer refuses empty
/// reductions, so the identity is never a result.
fn extremum(k: ReduceKernel, x: &Tensor, dims: &[usize], out: &Tensor) -> Result<()> {
    let is_max = k == ReduceKernel::Max;
    let lanes = reduce_run::has_lanes(x.dtype());
    with_dtype!(x.dtype(), T, {
        let pick = move |a: T, b: T| {
            if is_max {
                Arith::maximum(a, b)
            } else {
                Arith::minimum(a, b)
            }
        };
        let init = extremum_identity::<T>(is_max);
        let how = Fold {
            init,
            fold: move |acc: T, run: Run<T>| {
                let fast = |s: &[T]| {
                    if is_max {
                        reduce_run::extremum::<T, true>(s, init)
                    } else {
                        reduce_run::extremum::<T, false>(s, init)
                    }
                };
                match lanes.then(|| run.with_slice(fast)) {
                    Some(Some(m)) => pick(acc, m),
                    _ => run.values().fold(acc, pick),
                }
            },
            combine: pick,
            step: move |a: T, v: T, _| pick(a, v),
        };
        reduce_runs(x, dims, how, writer::<T>(out)?)
    })
}

/// The value no element loses to in a max (`is_max`) or min: -inf or the dtype's least
/// value for max.
fn extremum_identity<T: Real>(is_max: bool) -> T {
    if T::DTYPE == crate::DType::Bool {
        T::from_bool(!is_max)
    } else {
        T::elem_from_f64(if is_max {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        })
    }
}

/// Values and indices of the max / min: NaN wins, then the first occurrence.
#[allow(
    clippy::bool_comparison,
    reason = "the body is expanded for every dtype; for bool, `<` is torch's false < true"
)]
fn arg_extremum(
    k: ReduceKernel,
    x: &Tensor,
    dims: &[usize],
    (values, indices): (&Tensor, &Tensor),
) -> Result<()> {
    let is_max = k == ReduceKernel::ArgMax;
    let lanes = reduce_run::has_lanes(x.dtype());
    with_dtype!(x.dtype(), T, {
        let identity = extremum_identity::<T>(is_max);
        // (value, index, is_nan); index -1 = nothing seen yet. `left` of a combine is
        // always the earlier part of the run, so ties keep the first occurrence.
        let pick = move |a: (T, i64, bool), b: (T, i64, bool)| -> (T, i64, bool) {
            let b_better = if a.1 < 0 {
                true
            } else if b.1 < 0 || a.2 {
                false
            } else if b.2 {
                true
            } else if is_max {
                b.0 > a.0
            } else {
                b.0 < a.0
            };
            if b_better {
                b
            } else {
                a
            }
        };
        let how = Fold {
            init: (T::default(), -1, false),
            fold: |acc, run: Run<T>| {
                let fast = |s: &[T]| {
                    let i = if is_max {
                        reduce_run::arg_extremum::<T, true>(s, identity)
                    } else {
                        reduce_run::arg_extremum::<T, false>(s, identity)
                    };
                    (s[i], run.index(i) as i64, s[i].is_nan())
                };
                match (lanes && run.len() > 0).then(|| run.with_slice(fast)) {
                    Some(Some(best)) => pick(acc, best),
                    _ => run.values().enumerate().fold(acc, |a, (i, v)| {
                        pick(a, (v, run.index(i) as i64, v.is_nan()))
                    }),
                }
            },
            combine: pick,
            step: move |a, v: T, k| pick(a, (v, k as i64, v.is_nan())),
        };
        let (put_value, put_index) = (writer::<T>(values)?, writer::<i64>(indices)?);
        reduce_runs(x, dims, how, |o, (v, i, _)| {
            put_value(o, v);
            put_index(o, i.max(0));
        })
    })
}

/// Whether all / any elements are nonzero, into a bool or uint8 output.
fn all_any(k: ReduceKernel, x: &Tensor, dims: &[usize], out: &Tensor) -> Result<()> {
    let is_all = k == ReduceKernel::All;
    let write = converting_writer::<bool>(out)?;
    with_dtype!(x.dtype(), T, {
        let how = Fold {
            init: is_all,
            fold: |acc: bool, run: Run<T>| {
                let mut v = run.values().map(|v| v.is_nonzero());
                if is_all {
                    acc && v.all(|b| b)
                } else {
                    acc || v.any(|b| b)
                }
            },
            combine: move |a: bool, b: bool| if is_all { a && b } else { a || b },
            step: move |a: bool, v: T, _| {
                if is_all {
                    a && v.is_nonzero()
                } else {
                    a || v.is_nonzero()
                }
            },
        };
        reduce_runs(x, dims, how, write)
    })
}

//! Reductions, forward and derivative side by side (var and std are `moments.rs`).
//! Composite reductions (mean, norm) are written with primitives so their derivatives
//! come for free.

use crate::autograd::{expose_saved, needs_grad, record, Saved, SavedTensor};
use crate::backend::cpu::num::Arith;
pub(crate) use crate::backend::cpu::reduce_iter::{reduce_runs, sum_run_f};
use crate::dtype::Real;
use crate::layout::{wrap_dims, Dims};
use crate::ops::binary::{div, eq, mul};
use crate::ops::cast::{cast_for_op, to_dtype};
use crate::ops::movement::{expand, unsqueeze};
use crate::ops::unary;
use crate::ops::OpInfo;
use crate::{bail, ensure, with_dtype, DType, Element, Result, Scalar, Tensor};
use smallvec::SmallVec;

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[OpInfo] = &[
    OpInfo::reduction("sum", |x| sum(x, None, false, None)).differentiable(),
    OpInfo::reduction("mean", |x| mean(x, None, false, None)).differentiable(),
    OpInfo::reduction("prod", |x| prod(x, None, false, None)).differentiable(),
    OpInfo::reduction("max", |x| max_min_all(x, true)).differentiable(),
    OpInfo::reduction("min", |x| max_min_all(x, false)).differentiable(),
    OpInfo::reduction("amax", |x| {
        amax_amin(x, Some(&[1]), false, true, "AmaxBackward0")
    })
    .differentiable(),
    OpInfo::reduction("amin", |x| {
        amax_amin(x, Some(&[1]), false, false, "AminBackward0")
    })
    .differentiable(),
    OpInfo::reduction("argmax", |x| argmax_argmin(x, None, false, true)),
    OpInfo::reduction("argmin", |x| argmax_argmin(x, None, false, false)),
    OpInfo::reduction("norm", |x| norm(x, 2.0, None, false)).differentiable(),
    OpInfo::reduction("all", |x| all_any(x, None, false, true)),
    OpInfo::reduction("any", |x| all_any(x, None, false, false)),
];

/// The dims to reduce: `None` or an empty list means all of them.
pub(crate) fn reduced_dims(
    x: &Tensor,
    dims: Option<&[i64]>,
    op: &str,
) -> Result<SmallVec<[usize; 6]>> {
    match dims {
        // A 0-dim tensor accepts dim 0 / -1 and has nothing to reduce.
        Some(ds) if x.ndim() == 0 => wrap_dims(ds, 0, op).map(|_| SmallVec::new()),
        Some(ds) if !ds.is_empty() => wrap_dims(ds, x.ndim(), op),
        _ => Ok((0..x.ndim()).collect()),
    }
}

pub(crate) fn out_shape(x: &Tensor, rd: &[usize], keepdim: bool) -> Dims {
    let mut s = Dims::new();
    for (i, &d) in x.shape().iter().enumerate() {
        if !rd.contains(&i) {
            s.push(d);
        } else if keepdim {
            s.push(1);
        }
    }
    s
}

fn from_vec<T: Element>(v: Vec<T>, shape: &[usize]) -> Tensor {
    Tensor::from_slice(&v, shape).expect("reduction output size")
}

/// Sum without autograd in `dtype` (ints accumulate in i64, floats in f64).
fn sum_raw(x: &Tensor, rd: &[usize], keepdim: bool, dtype: DType) -> Result<Tensor> {
    let shape = out_shape(x, rd, keepdim);
    if dtype.is_floating_point() {
        // A requested wider dtype is applied before summing, as PyTorch does.
        let xin = cast_for_op(
            x,
            if x.dtype().is_floating_point() && x.dtype().itemsize() >= dtype.itemsize() {
                x.dtype()
            } else {
                dtype
            },
        )?;
        let acc = with_dtype!(xin.dtype(), T, {
            reduce_runs::<T, f64>(
                &xin,
                rd,
                0.0,
                |a, p, _, n, st| a + sum_run_f(p, n, st),
                |a, b| a + b,
            )?
        });
        let out = from_vec(acc, &shape);
        return to_dtype(&out, dtype).map(|t| t.detach());
    }
    // Elements are converted to the result dtype before summing, as PyTorch does: into
    // bool that is "nonzero" (0.5 counts as true), elsewhere truncation.
    let to_bool = dtype == DType::Bool;
    let acc = with_dtype!(x.dtype(), T, {
        reduce_runs::<T, i64>(
            x,
            rd,
            0,
            |mut a, p, _, n, st| {
                for i in 0..n as isize {
                    let v = unsafe { *p.offset(i * st) };
                    a = a.wrapping_add(if to_bool {
                        v.is_nonzero() as i64
                    } else {
                        v.to_i64()
                    });
                }
                a
            },
            |a, b| a.wrapping_add(b),
        )?
    });
    let out = from_vec(acc, &shape);
    crate::ops::cast::cast_for_op(&out, dtype)
}

pub fn sum(
    x: &Tensor,
    dims: Option<&[i64]>,
    keepdim: bool,
    dtype: Option<DType>,
) -> Result<Tensor> {
    let rd = reduced_dims(x, dims, "sum")?;
    let dt = dtype.unwrap_or(if x.dtype().is_integral(true) {
        DType::I64
    } else {
        x.dtype()
    });
    let out = sum_raw(x, &rd, keepdim, dt)?;
    if needs_grad(&[x]) {
        let (full, rdv) = (x.dims(), rd.clone());
        let name = if dims.is_none() {
            "SumBackward0"
        } else {
            "SumBackward1"
        };
        record(name, &[x], &[&out], move |_, g| {
            Ok(vec![Some(expand_back(&g[0], &full, &rdv, keepdim)?)])
        });
        let mut saved = vec![("self_sym_sizes", Saved::sizes(x.shape()))];
        if dims.is_some() {
            saved.extend([
                ("dim", Saved::ints(dims)),
                ("keepdim", Saved::bool(keepdim)),
            ]);
        }
        expose_saved(&out, || saved);
    }
    Ok(out)
}

/// Broadcasts a reduced gradient back to the input shape.
pub(crate) fn expand_back(
    g: &Tensor,
    full: &[usize],
    rd: &[usize],
    keepdim: bool,
) -> Result<Tensor> {
    let mut g = g.clone();
    if !keepdim {
        for &d in rd.iter().collect::<std::collections::BTreeSet<_>>() {
            g = unsqueeze(&g, d as i64)?;
        }
    }
    expand(&g, full)
}

/// Sums `g` down to `shape` (the backward of broadcasting).
pub fn sum_to_shape(g: &Tensor, shape: &[usize]) -> Result<Tensor> {
    if g.shape() == shape {
        return Ok(g.clone());
    }
    let lead = g.ndim() - shape.len();
    let mut dims: Vec<i64> = (0..lead as i64).collect();
    for (i, &s) in shape.iter().enumerate() {
        if s == 1 && g.shape()[lead + i] != 1 {
            dims.push((lead + i) as i64);
        }
    }
    let r = if dims.is_empty() {
        g.clone()
    } else {
        sum(g, Some(&dims), true, None)?
    };
    let target: Vec<i64> = shape.iter().map(|&d| d as i64).collect();
    crate::ops::movement::reshape(&r, &target)
}

pub fn mean(
    x: &Tensor,
    dims: Option<&[i64]>,
    keepdim: bool,
    dtype: Option<DType>,
) -> Result<Tensor> {
    let dt = dtype.unwrap_or(x.dtype());
    ensure!(
        dt.is_floating_point(),
        runtime,
        "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: {}",
        dt.scalar_name()
    );
    let rd = reduced_dims(x, dims, "mean")?;
    let n: usize = rd.iter().map(|&d| x.shape()[d]).product();
    let xt = to_dtype(x, dt)?;
    let count = Tensor::wrapped_scalar(Scalar::Float(n as f64));
    let name = if dims.is_none() {
        "MeanBackward0"
    } else {
        "MeanBackward1"
    };
    let full = xt.dims();
    let forward = || div(&sum(&xt, dims, keepdim, None)?, &count);
    let count = count.clone();
    let out = crate::autograd::fused(name, &[&xt], forward, move |_, g| {
        let each = div(&g[0], &count)?;
        Ok(vec![Some(expand_back(&each, &full, &rd, keepdim)?)])
    })?;
    let mut saved = vec![
        ("self_sym_sizes", Saved::sizes(x.shape())),
        ("self_sym_numel", Saved::size(x.numel())),
    ];
    if dims.is_some() {
        saved.extend([
            ("dim", Saved::ints(dims)),
            ("keepdim", Saved::bool(keepdim)),
        ]);
    }
    expose_saved(&out, || saved);
    Ok(out)
}

pub fn prod(x: &Tensor, dim: Option<i64>, keepdim: bool, dtype: Option<DType>) -> Result<Tensor> {
    let dt = dtype.unwrap_or(if x.dtype().is_integral(true) {
        DType::I64
    } else {
        x.dtype()
    });
    let xin = cast_for_op(x, dt)?;
    let rd = match dim {
        Some(d) => reduced_dims(x, Some(&[d]), "prod")?,
        None => (0..x.ndim()).collect(),
    };
    let shape = out_shape(x, &rd, keepdim);
    let out = with_dtype!(dt, T, {
        let acc = reduce_runs::<T, T>(
            &xin,
            &rd,
            T::from_i64(1),
            |mut a, p, _, n, st| {
                for i in 0..n as isize {
                    a = Arith::mul(a, unsafe { *p.offset(i * st) });
                }
                a
            },
            Arith::mul,
        )?;
        from_vec(acc, &shape)
    });
    if needs_grad(&[x]) {
        let sx = SavedTensor::input(x);
        let full = x.dims();
        let name = if dim.is_none() {
            "ProdBackward0"
        } else {
            "ProdBackward1"
        };
        record(name, &[x], &[&out], move |ctx, g| {
            // d prod / dx_i = product of the others: exclusive cumprods from both ends.
            let x = sx.unpack(ctx)?;
            let (xs, d) = match dim {
                Some(d) => (x.clone(), crate::layout::wrap_dim(d, x.ndim())? as i64),
                None => (crate::ops::movement::reshape(&x, &[-1])?, 0),
            };
            let others = if xs.ndim() == 0 {
                crate::ops::factory::ones_like(&xs)?
            } else {
                prod_others(&xs, d)?
            };
            let gx = if dim.is_none() || keepdim {
                g[0].clone()
            } else {
                unsqueeze(&g[0], d)?
            };
            let r = mul(&others, &gx)?;
            let shp: Vec<i64> = full.iter().map(|&v| v as i64).collect();
            Ok(vec![Some(crate::ops::movement::reshape(&r, &shp)?)])
        });
        let mut saved = vec![
            ("self", SavedTensor::input(x).into()),
            ("result", SavedTensor::output(&out, 0).into()),
        ];
        if let Some(d) = dim {
            saved.extend([("dim", Saved::int(d)), ("keepdim", Saved::bool(keepdim))]);
        }
        expose_saved(&out, || saved);
    }
    Ok(out)
}

/// Product of all elements except self along `dim` (no division, so zeros are fine).
fn prod_others(x: &Tensor, dim: i64) -> Result<Tensor> {
    let ones = crate::ops::factory::ones_like(&crate::ops::movement::narrow(x, dim, 0, 1)?)?;
    let n = x.shape()[crate::layout::wrap_dim(dim, x.ndim())?] as i64;
    let left = crate::ops::join::cat(
        &[
            ones.clone(),
            crate::ops::scan::cumprod(&crate::ops::movement::narrow(x, dim, 0, n - 1)?, dim, None)?,
        ],
        dim,
    )?;
    let rev = crate::ops::movement::flip(x, &[dim])?;
    let right_rev = crate::ops::join::cat(
        &[
            ones,
            crate::ops::scan::cumprod(
                &crate::ops::movement::narrow(&rev, dim, 0, n - 1)?,
                dim,
                None,
            )?,
        ],
        dim,
    )?;
    mul(&left, &crate::ops::movement::flip(&right_rev, &[dim])?)
}

/// Max or min with indices along one dim; NaN wins, first occurrence on ties.
#[allow(
    clippy::bool_comparison,
    reason = "the body is expanded for every dtype; for bool, `<` is torch's false < true"
)]
fn arg_reduce(x: &Tensor, d: usize, keepdim: bool, is_max: bool) -> Result<(Tensor, Tensor)> {
    ensure!(
        x.ndim() == 0 || x.shape()[d] > 0,
        index,
        "{}(): Expected reduction dim {d} to have non-zero size.",
        if is_max { "max" } else { "min" }
    );
    let rd = [d];
    let rd: &[usize] = if x.ndim() == 0 { &[] } else { &rd };
    let shape = out_shape(x, rd, keepdim);
    let (vals, idx) = with_dtype!(x.dtype(), T, {
        // (value, index, is_nan); index -1 = nothing seen yet. NaN wins, then the first
        // occurrence: `left` of a combine is always the earlier part of the run.
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
        let acc = reduce_runs::<T, (T, i64, bool)>(
            x,
            rd,
            (T::default(), -1, false),
            |mut a, p, first, n, st| {
                for i in 0..n {
                    let v = unsafe { *p.offset(i as isize * st) };
                    a = pick(a, (v, (first + i) as i64, v.is_nan()));
                }
                a
            },
            pick,
        )?;
        let vals: Vec<T> = acc.iter().map(|a| a.0).collect();
        let idx: Vec<i64> = acc.iter().map(|a| a.1.max(0)).collect();
        (from_vec(vals, &shape), from_vec(idx, &shape))
    });
    Ok((vals, idx))
}

/// `max(x, dim)` / `min(x, dim)` → (values, indices).
pub fn max_min_dim(x: &Tensor, dim: i64, keepdim: bool, is_max: bool) -> Result<(Tensor, Tensor)> {
    let d = crate::layout::wrap_dim(dim, x.ndim())?;
    let (vals, idx) = arg_reduce(x, d, keepdim, is_max)?;
    if needs_grad(&[x]) {
        let full = x.dims();
        let si = idx.clone();
        let name = if is_max {
            "MaxBackward0"
        } else {
            "MinBackward0"
        };
        crate::autograd::record(name, &[x], &[&vals], move |_, g| {
            Ok(vec![Some(select_backward(&g[0], &si, &full, d, keepdim)?)])
        });
        let saved = vec![
            ("dim", Saved::int(dim)),
            ("indices", SavedTensor::input(&idx).into()),
            ("keepdim", Saved::bool(keepdim)),
            ("self_sym_sizes", Saved::sizes(x.shape())),
        ];
        expose_saved(&vals, || saved);
    }
    Ok((vals, idx))
}

/// Routes a gradient to the selected index along `d` (one-hot mask, differentiable).
fn select_backward(
    g: &Tensor,
    idx: &Tensor,
    full: &[usize],
    d: usize,
    keepdim: bool,
) -> Result<Tensor> {
    if full.is_empty() {
        return Ok(g.clone());
    }
    let (g, idx) = if keepdim {
        (g.clone(), idx.clone())
    } else {
        (unsqueeze(g, d as i64)?, unsqueeze(idx, d as i64)?)
    };
    let mut ashape = vec![1usize; full.len()];
    ashape[d] = full[d];
    let ar = crate::ops::factory::arange(0.0, full[d] as f64, 1.0, DType::I64, g.device())?;
    let ar =
        crate::ops::movement::reshape(&ar, &ashape.iter().map(|&v| v as i64).collect::<Vec<_>>())?;
    let mask = eq(&ar, &idx)?;
    let z = Tensor::wrapped_scalar(Scalar::Int(0));
    crate::ops::pointwise::where_(&mask, &expand(&g, full)?, &z)
}

pub fn argmax_argmin(x: &Tensor, dim: Option<i64>, keepdim: bool, is_max: bool) -> Result<Tensor> {
    let name = if is_max { "argmax" } else { "argmin" };
    ensure!(
        x.dtype() != DType::Bool,
        runtime,
        "{name}(): does not support bool input"
    );
    match dim {
        Some(d) => {
            let d = crate::layout::wrap_dim(d, x.ndim())?;
            Ok(arg_reduce(&x.detach(), d, keepdim, is_max)?.1)
        }
        None => {
            ensure!(
                x.numel() > 0,
                index,
                "{name}(): Expected reduction dim to be specified for input.numel() == 0."
            );
            let flat = crate::ops::movement::reshape(&x.detach(), &[-1])?;
            let r = arg_reduce(&flat, 0, false, is_max)?.1;
            if keepdim {
                let ones: Vec<i64> = vec![1; x.ndim()];
                return crate::ops::movement::reshape(&r, &ones);
            }
            Ok(r)
        }
    }
}

/// Global `max()`/`min()`: the value only.
pub fn max_min_all(x: &Tensor, is_max: bool) -> Result<Tensor> {
    ensure!(
        x.numel() > 0,
        runtime,
        "{}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.",
        if is_max { "max" } else { "min" }
    );
    amax_amin(
        x,
        None,
        false,
        is_max,
        if is_max {
            "MaxBackward1"
        } else {
            "MinBackward1"
        },
    )
}

/// `amax`/`amin`: gradient shared evenly between ties.
pub fn amax_amin(
    x: &Tensor,
    dims: Option<&[i64]>,
    keepdim: bool,
    is_max: bool,
    node: &'static str,
) -> Result<Tensor> {
    // PyTorch reports an empty reduced dim before a repeated one.
    for &d in dims.unwrap_or(&[]) {
        let w = crate::layout::wrap_dim(d, x.ndim())?;
        ensure!(
            x.ndim() == 0 || x.shape()[w] > 0,
            index,
            "{}(): Expected reduction dim {w} to have non-zero size.",
            if is_max { "amax" } else { "amin" }
        );
    }
    let rd = reduced_dims(x, dims, if is_max { "amax" } else { "amin" })?;
    let all = dims.is_none_or(|d| d.is_empty());
    ensure!(
        !(all && x.numel() == 0),
        runtime,
        "{}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.",
        if is_max { "amax" } else { "amin" }
    );
    for &d in &rd {
        ensure!(
            x.shape()[d] > 0,
            index,
            "{}(): Expected reduction dim {d} to have non-zero size.",
            if is_max { "amax" } else { "amin" }
        );
    }
    let shape = out_shape(x, &rd, keepdim);
    let out = with_dtype!(x.dtype(), T, {
        let acc = reduce_runs::<T, Option<T>>(
            x,
            &rd,
            None,
            |mut a, p, _, n, st| {
                for i in 0..n as isize {
                    let v = unsafe { *p.offset(i * st) };
                    a = Some(match a {
                        None => v,
                        Some(b) => {
                            if is_max {
                                Arith::maximum(b, v)
                            } else {
                                Arith::minimum(b, v)
                            }
                        }
                    });
                }
                a
            },
            |a, b| match (a, b) {
                (Some(a), Some(b)) => Some(if is_max {
                    Arith::maximum(a, b)
                } else {
                    Arith::minimum(a, b)
                }),
                (a, None) => a,
                (None, b) => b,
            },
        )?;
        from_vec(
            acc.into_iter()
                .map(|a| a.unwrap_or_default())
                .collect::<Vec<T>>(),
            &shape,
        )
    });
    if needs_grad(&[x]) {
        let sx = SavedTensor::input(x);
        let so = SavedTensor::output(&out, 0);
        let (full, rdv) = (x.dims(), rd.clone());
        record(node, &[x], &[&out], move |ctx, g| {
            let (x, y) = (
                sx.unpack(ctx)?,
                expand_back(&so.unpack(ctx)?, &full, &rdv, keepdim)?,
            );
            let mut hit = eq(&x, &y)?;
            let global = matches!(node, "MaxBackward1" | "MinBackward1");
            // Global max()/min() share the gradient among the NaNs when the result is NaN
            // and write zeros elsewhere (torch's evenly_distribute_backward, a masked fill,
            // so a nan gradient stays put); amax/amin multiply by the mask, as torch does.
            if global && x.dtype().is_floating_point() {
                hit = crate::ops::pointwise::where_(&unary::isnan(&y)?, &unary::isnan(&x)?, &hit)?;
            }
            if global {
                let count = sum(&to_dtype(&hit, g[0].dtype())?, None, false, None)?;
                let share = div(&g[0], &count)?;
                let zero = Tensor::wrapped_scalar(Scalar::Int(0));
                return Ok(vec![Some(crate::ops::pointwise::where_(
                    &hit, &share, &zero,
                )?)]);
            }
            let mask = to_dtype(&hit, g[0].dtype())?;
            let rdi: Vec<i64> = rdv.iter().map(|&d| d as i64).collect();
            let count = sum(&mask, Some(&rdi), true, None)?;
            let gg = expand_back(&g[0], &full, &rdv, keepdim)?;
            Ok(vec![Some(div(&mul(&gg, &mask)?, &expand(&count, &full)?)?)])
        });
        let mut saved = vec![
            ("self", SavedTensor::input(x).into()),
            ("result", SavedTensor::output(&out, 0).into()),
        ];
        if !matches!(node, "MaxBackward1" | "MinBackward1") {
            saved.extend([
                ("dim", Saved::ints(Some(dims.unwrap_or(&[])))),
                ("keepdim", Saved::bool(keepdim)),
            ]);
        }
        expose_saved(&out, || saved);
    }
    Ok(out)
}

/// `norm(x, p, dim, keepdim)` for p in {fro/2, inf, -inf, 0, 1, other}.
/// `Tensor.norm(p, dim)`: `vector_norm`, except that more than two dims is a matrix norm
/// in PyTorch's `norm`, which rtorch does not have yet (PyTorch's error).
pub fn norm(x: &Tensor, p: f64, dims: Option<&[i64]>, keepdim: bool) -> Result<Tensor> {
    if let Some(ds) = dims.filter(|d| d.len() > 2) {
        let list: Vec<String> = ds.iter().map(|d| d.to_string()).collect();
        bail!(
            runtime,
            "linalg.matrix_norm: dim must be a 2-tuple. Got {}",
            list.join(" ")
        );
    }
    vector_norm(x, p, dims, keepdim)
}

/// `linalg.vector_norm(x, ord, dim, keepdim)`: the `ord`-norm over `dims` (all when None).
pub fn vector_norm(x: &Tensor, p: f64, dims: Option<&[i64]>, keepdim: bool) -> Result<Tensor> {
    ensure!(
        x.dtype().is_floating_point(),
        runtime,
        "linalg.vector_norm: Expected a floating point or complex tensor as input. Got {}",
        x.dtype().scalar_name()
    );
    if p.is_infinite() {
        let rd = reduced_dims(x, dims, "norm")?;
        ensure!(
            x.numel() > 0 || rd.iter().all(|&d| x.shape()[d] > 0) && dims.is_some_and(|d| !d.is_empty()),
            runtime,
            "linalg.vector_norm cannot compute the {} norm on an empty tensor because the operation does not have an identity",
            if p > 0.0 { "inf" } else { "-inf" }
        );
    }
    let out = crate::autograd::no_grad(|| norm_value(x, p, dims, keepdim))?;
    if needs_grad(&[x]) {
        let (sx, so) = (SavedTensor::input(x), SavedTensor::output(&out, 0));
        let rd = reduced_dims(x, dims, "norm")?;
        let dims_given = dims;
        let (full, dims) = (x.dims(), dims.map(|d| d.to_vec()));
        record("LinalgVectorNormBackward0", &[x], &[&out], move |ctx, g| {
            if p == 0.0 {
                // Piecewise constant: PyTorch returns an undefined gradient (`x.grad`
                // stays None).
                return Ok(vec![None]);
            }
            let (x, n) = (sx.unpack(ctx)?, so.unpack(ctx)?);
            let n = expand_back(&n, &full, &rd, keepdim)?;
            let g = expand_back(&g[0], &full, &rd, keepdim)?;
            Ok(vec![Some(norm_backward(&g, &x, &n, p, dims.as_deref())?)])
        });
        // NOTE: p arrives as a float, so an integral order shows as an int: torch's
        // default (`norm()`, ord 2) and `norm(1)` match, `norm(2.0)` shows 2 where torch
        // has 2.0.
        let ord = if p.fract() == 0.0 && p.is_finite() {
            Scalar::Int(p as i64)
        } else {
            Scalar::Float(p)
        };
        let saved = vec![
            ("self", SavedTensor::input(x).into()),
            ("result", SavedTensor::output(&out, 0).into()),
            ("dim", Saved::ints(dims_given)),
            ("keepdim", Saved::bool(keepdim)),
            ("ord", Saved::scalar(ord)),
        ];
        expose_saved(&out, || saved);
    }
    Ok(out)
}

/// PyTorch's `norm_backward` with `g` and the norm `n` broadcast back to `x`'s shape:
/// the sign of x scaled by |x|^(p-1) / n^(p-1), zero where the norm is 0; for p = +-inf
/// the gradient is shared between the elements that reach the norm (or are NaN).
fn norm_backward(
    g: &Tensor,
    x: &Tensor,
    n: &Tensor,
    p: f64,
    dims: Option<&[i64]>,
) -> Result<Tensor> {
    let zero = Tensor::wrapped_scalar(Scalar::Int(0));
    let num = |v: f64| Tensor::wrapped_scalar(Scalar::Float(v));
    let sgn = unary::sign(x)?;
    if p == 1.0 {
        return mul(&sgn, g);
    }
    if p.is_infinite() {
        let a = unary::abs(x)?;
        let hit = crate::ops::binary::logical_or(&eq(&a, n)?, &unary::isnan(&a)?)?;
        let hit = to_dtype(&hit, x.dtype())?;
        let share = div(g, &sum(&hit, dims, true, None)?)?;
        return mul(&sgn, &mul(&share, &hit)?);
    }
    let masked = |scale: Tensor| crate::ops::pointwise::where_(&eq(n, &zero)?, &zero, &scale);
    if p == 2.0 {
        return mul(x, &masked(div(g, n)?)?);
    }
    let a = unary::abs(x)?;
    if p < 1.0 {
        let pw = crate::ops::binary::pow(&a, &num(p - 1.0))?;
        let pw = crate::ops::pointwise::where_(&eq(x, &zero)?, &zero, &pw)?;
        let scaled = mul(&sgn, &pw)?;
        return mul(
            &mul(&scaled, g)?,
            &crate::ops::binary::pow(n, &num(1.0 - p))?,
        );
    }
    let scale = masked(div(g, &crate::ops::binary::pow(n, &num(p - 1.0))?)?)?;
    let scaled = if p < 2.0 {
        mul(&sgn, &crate::ops::binary::pow(&a, &num(p - 1.0))?)?
    } else {
        mul(x, &crate::ops::binary::pow(&a, &num(p - 2.0))?)?
    };
    mul(&scaled, &scale)
}

/// The value of `norm` (no history; `norm` records PyTorch's single node).
fn norm_value(x: &Tensor, p: f64, dims: Option<&[i64]>, keepdim: bool) -> Result<Tensor> {
    let a = unary::abs(x)?;
    if p == f64::INFINITY {
        return amax_amin(&a, dims, keepdim, true, "AmaxBackward0");
    }
    if p == f64::NEG_INFINITY {
        return amax_amin(&a, dims, keepdim, false, "AminBackward0");
    }
    if p == 0.0 {
        let nz = to_dtype(
            &crate::ops::binary::ne(x, &Tensor::wrapped_scalar(Scalar::Int(0)))?,
            x.dtype(),
        )?;
        return sum(&nz, dims, keepdim, None);
    }
    if p == 1.0 {
        return sum(&a, dims, keepdim, None);
    }
    if p == 2.0 {
        return unary::sqrt(&sum(&mul(x, x)?, dims, keepdim, None)?);
    }
    let s = sum(
        &crate::ops::binary::pow_scalar(&a, Scalar::Float(p))?,
        dims,
        keepdim,
        None,
    )?;
    crate::ops::binary::pow_scalar(&s, Scalar::Float(1.0 / p))
}

pub fn all_any(x: &Tensor, dims: Option<&[i64]>, keepdim: bool, is_all: bool) -> Result<Tensor> {
    // Unlike sum and the other reductions, PyTorch 2.x's all/any read an empty dim list
    // as "no dims": each element is reduced on its own.
    let rd = match dims {
        Some([]) => SmallVec::new(),
        _ => reduced_dims(x, dims, if is_all { "all" } else { "any" })?,
    };
    let shape = out_shape(x, &rd, keepdim);
    let out = with_dtype!(x.dtype(), T, {
        let acc = reduce_runs::<T, bool>(
            x,
            &rd,
            is_all,
            |mut a, p, _, n, st| {
                for i in 0..n as isize {
                    let v = unsafe { *p.offset(i * st) }.is_nonzero();
                    a = if is_all { a && v } else { a || v };
                }
                a
            },
            |a, b| if is_all { a && b } else { a || b },
        )?;
        from_vec(acc, &shape)
    });
    // PyTorch keeps uint8 for uint8 inputs.
    if x.dtype() == DType::U8 {
        return to_dtype(&out, DType::U8);
    }
    Ok(out)
}

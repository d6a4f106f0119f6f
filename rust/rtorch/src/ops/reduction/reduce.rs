//! Reductions, forward and derivative side by side (var and std are `moments.rs`).
//! Composite reductions (mean, norm) are written with primitives so their derivatives
//! come for free.

use crate::autograd::{expose_saved, needs_grad, record, Saved, SavedTensor};
use crate::backend::{self, ReduceKernel};
use crate::layout::{wrap_dims, Dims};
use crate::ops::binary::{div, eq, mul};
use crate::ops::cast::{cast_for_op, to_dtype};
use crate::ops::movement::{expand, unsqueeze};
use crate::ops::unary;
use crate::ops::OpInfo;
use crate::{bail, ensure, DType, Result, Scalar, Tensor};
use smallvec::SmallVec;

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[OpInfo] = &[
    OpInfo::reduction("sum", |x| sum(x, None, false, None)).differentiable(),
    OpInfo::reduction("mean", |x| mean(x, None, false, None)).differentiable(),
    OpInfo::reduction("prod", |x| prod(x, None, false, None)).differentiable(),
    OpInfo::reduction("max", |x| max_min_all(x, Extremum::Max)).differentiable(),
    OpInfo::reduction("min", |x| max_min_all(x, Extremum::Min)).differentiable(),
    OpInfo::reduction("amax", |x| amax_amin(x, Some(&[1]), false, Extremum::Max)).differentiable(),
    OpInfo::reduction("amin", |x| amax_amin(x, Some(&[1]), false, Extremum::Min)).differentiable(),
    OpInfo::reduction("argmax", |x| argmax_argmin(x, None, false, Extremum::Max)),
    OpInfo::reduction("argmin", |x| argmax_argmin(x, None, false, Extremum::Min)),
    OpInfo::reduction("norm", |x| norm(x, 2.0, None, false)).differentiable(),
    OpInfo::reduction("all", |x| all_any(x, None, false, ReduceKernel::All)),
    OpInfo::reduction("any", |x| all_any(x, None, false, ReduceKernel::Any)),
];

/// The dims to reduce: `None` or an empty list means all of them.
pub(crate) fn reduced_dims(
    x: &Tensor,
    dims: Option<&[i64]>,
    op: &str,
) -> Result<SmallVec<[usize; 6]>> {
    // PyTorch's sum, mean, amax/amin, logsumexp, any/all (and so count_nonzero) wrap every
    // dim before looking for a repeat, so a later out-of-range dim is the IndexError;
    // var/std and norm check dim by dim.
    if !matches!(op, "var" | "norm") {
        for &d in dims.unwrap_or(&[]) {
            crate::layout::wrap_dim(d, x.ndim())?;
        }
    }
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

/// A fresh output of reduction kernel `k` for `x` over `rd`: the values, in `dtype`.
fn reduce_into(
    k: ReduceKernel,
    x: &Tensor,
    rd: &[usize],
    keepdim: bool,
    dtype: DType,
) -> Result<Tensor> {
    let out = x.new_empty(&out_shape(x, rd, keepdim), dtype)?;
    backend::reduce(k, x, rd, &[&out])?;
    Ok(out)
}

/// Sum without autograd in `dtype` (floats accumulate in f64, the rest in i64; see
/// `ReduceKernel::Sum`).
fn sum_raw(x: &Tensor, rd: &[usize], keepdim: bool, dtype: DType) -> Result<Tensor> {
    // A requested wider float dtype is applied before summing, as PyTorch does.
    let narrower = !x.dtype().is_floating_point() || x.dtype().itemsize() < dtype.itemsize();
    if dtype.is_floating_point() && narrower {
        return reduce_into(
            ReduceKernel::Sum,
            &cast_for_op(x, dtype)?,
            rd,
            keepdim,
            dtype,
        );
    }
    reduce_into(ReduceKernel::Sum, x, rd, keepdim, dtype)
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
        let node = record(name, &[x], &[&out], move |_, g| {
            Ok(vec![Some(expand_back(&g[0], &full, &rdv, keepdim)?)])
        });
        let mut saved = vec![("self_sym_sizes", Saved::sizes(x.shape()))];
        if dims.is_some() {
            saved.extend([
                ("dim", Saved::ints(dims)),
                ("keepdim", Saved::bool(keepdim)),
            ]);
        }
        expose_saved(&node, || saved);
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
    let (out, node) = crate::autograd::fused(name, &[&xt], forward, move |_, g| {
        let each = div(&g[0], &count)?;
        Ok(vec![Some(expand_back(&each, &full, &rd, keepdim)?)])
    })?;
    expose_saved(&node, || {
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
        saved
    });
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
    let out = reduce_into(ReduceKernel::Prod, &xin, &rd, keepdim, dt)?;
    if needs_grad(&[x]) {
        let sx = SavedTensor::input(x)?;
        let full = x.dims();
        let name = if dim.is_none() {
            "ProdBackward0"
        } else {
            "ProdBackward1"
        };
        let node = record(name, &[x], &[&out], move |ctx, g| {
            // d prod / dx_i = product of the others: exclusive cumprods from both ends.
            let x = sx.unpack(ctx)?;
            if x.numel() == 0 {
                // Nothing to differentiate (prod of an empty tensor is 1).
                return Ok(vec![Some(g[0].new_zeros(&full, g[0].dtype())?)]);
            }
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
            ("self", Saved::input(x)),
            ("result", SavedTensor::output(&out, 0).into()),
        ];
        if let Some(d) = dim {
            saved.extend([("dim", Saved::int(d)), ("keepdim", Saved::bool(keepdim))]);
        }
        expose_saved(&node, || saved);
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

/// Which end a max / min family reduction keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extremum {
    Max,
    Min,
}

impl Extremum {
    /// The name of `max()` / `max(dim)` in errors.
    pub fn name(self) -> &'static str {
        match self {
            Extremum::Max => "max",
            Extremum::Min => "min",
        }
    }

    /// The name of `amax` / `amin` in errors.
    pub fn amax_name(self) -> &'static str {
        match self {
            Extremum::Max => "amax",
            Extremum::Min => "amin",
        }
    }

    fn kernel(self) -> ReduceKernel {
        match self {
            Extremum::Max => ReduceKernel::Max,
            Extremum::Min => ReduceKernel::Min,
        }
    }

    fn arg_kernel(self) -> ReduceKernel {
        match self {
            Extremum::Max => ReduceKernel::ArgMax,
            Extremum::Min => ReduceKernel::ArgMin,
        }
    }
}

/// Max or min with indices along one dim; NaN wins, first occurrence on ties.
fn arg_reduce(x: &Tensor, d: usize, keepdim: bool, which: Extremum) -> Result<(Tensor, Tensor)> {
    ensure!(
        x.ndim() == 0 || x.shape()[d] > 0,
        index,
        "{}(): Expected reduction dim {d} to have non-zero size.",
        which.name()
    );
    let rd = [d];
    let rd: &[usize] = if x.ndim() == 0 { &[] } else { &rd };
    let shape = out_shape(x, rd, keepdim);
    let (vals, idx) = (
        x.new_empty(&shape, x.dtype())?,
        x.new_empty(&shape, DType::I64)?,
    );
    backend::reduce(which.arg_kernel(), x, rd, &[&vals, &idx])?;
    Ok((vals, idx))
}

/// `max(x, dim)` / `min(x, dim)` → (values, indices).
pub fn max_min_dim(
    x: &Tensor,
    dim: i64,
    keepdim: bool,
    which: Extremum,
) -> Result<(Tensor, Tensor)> {
    let d = crate::layout::wrap_dim(dim, x.ndim())?;
    let (vals, idx) = arg_reduce(x, d, keepdim, which)?;
    if needs_grad(&[x]) {
        let full = x.dims();
        let si = idx.clone();
        let name = match which {
            Extremum::Max => "MaxBackward0",
            Extremum::Min => "MinBackward0",
        };
        let node = crate::autograd::record(name, &[x], &[&vals], move |_, g| {
            Ok(vec![Some(select_backward(&g[0], &si, &full, d, keepdim)?)])
        });
        let saved = vec![
            ("dim", Saved::int(dim)),
            ("indices", Saved::input(&idx)),
            ("keepdim", Saved::bool(keepdim)),
            ("self_sym_sizes", Saved::sizes(x.shape())),
        ];
        expose_saved(&node, || saved);
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

pub fn argmax_argmin(
    x: &Tensor,
    dim: Option<i64>,
    keepdim: bool,
    which: Extremum,
) -> Result<Tensor> {
    let name = which.arg_kernel().name();
    ensure!(
        x.dtype() != DType::Bool,
        runtime,
        "{name}(): does not support bool input"
    );
    match dim {
        Some(d) => {
            let d = crate::layout::wrap_dim(d, x.ndim())?;
            Ok(arg_reduce(&x.detach(), d, keepdim, which)?.1)
        }
        None => {
            ensure!(
                x.numel() > 0,
                index,
                "{name}(): Expected reduction dim to be specified for input.numel() == 0."
            );
            let flat = crate::ops::movement::reshape(&x.detach(), &[-1])?;
            let r = arg_reduce(&flat, 0, false, which)?.1;
            if keepdim {
                let ones: Vec<i64> = vec![1; x.ndim()];
                return crate::ops::movement::reshape(&r, &ones);
            }
            Ok(r)
        }
    }
}

/// Global `max()`/`min()`: the value only.
pub fn max_min_all(x: &Tensor, which: Extremum) -> Result<Tensor> {
    ensure!(
        x.numel() > 0,
        runtime,
        "{}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.",
        which.name()
    );
    let rd: SmallVec<[usize; 6]> = (0..x.ndim()).collect();
    let out = reduce_into(which.kernel(), x, &rd, false, x.dtype())?;
    if needs_grad(&[x]) {
        let node = record_max_all_backward(which, x, &out)?;
        expose_saved(&node, || {
            vec![
                ("self", Saved::input(x)),
                ("result", SavedTensor::output(&out, 0).into()),
            ]
        });
    }
    Ok(out)
}

/// `amax`/`amin`: gradient shared evenly between ties.
pub fn amax_amin(
    x: &Tensor,
    dims: Option<&[i64]>,
    keepdim: bool,
    which: Extremum,
) -> Result<Tensor> {
    let rd = amax_dims(x, dims, which)?;
    let out = reduce_into(which.kernel(), x, &rd, keepdim, x.dtype())?;
    if needs_grad(&[x]) {
        let node = record_amax_backward(which, x, &out, rd.to_vec(), keepdim)?;
        expose_saved(&node, || {
            vec![
                ("self", Saved::input(x)),
                ("result", SavedTensor::output(&out, 0).into()),
                ("dim", Saved::ints(Some(dims.unwrap_or(&[])))),
                ("keepdim", Saved::bool(keepdim)),
            ]
        });
    }
    Ok(out)
}

/// amax/amin's reduced dims, checked in PyTorch's order: an empty reduced dim is
/// reported before a repeated one, and reducing everything needs an element.
fn amax_dims(x: &Tensor, dims: Option<&[i64]>, which: Extremum) -> Result<SmallVec<[usize; 6]>> {
    let name = which.amax_name();
    for &d in dims.unwrap_or(&[]) {
        let w = crate::layout::wrap_dim(d, x.ndim())?;
        ensure!(
            x.ndim() == 0 || x.shape()[w] > 0,
            index,
            "{name}(): Expected reduction dim {w} to have non-zero size."
        );
    }
    let rd = reduced_dims(x, dims, name)?;
    ensure!(
        dims.is_some_and(|d| !d.is_empty()) || x.numel() > 0,
        runtime,
        "{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument."
    );
    Ok(rd)
}

/// amax/amin's derivative: the gradient times the mask of the elements that reached the
/// result, divided by their count (torch's formula).
fn record_amax_backward(
    which: Extremum,
    x: &Tensor,
    out: &Tensor,
    rd: Vec<usize>,
    keepdim: bool,
) -> Result<crate::autograd::Recorded> {
    let node = match which {
        Extremum::Max => "AmaxBackward0",
        Extremum::Min => "AminBackward0",
    };
    let (sx, so) = (SavedTensor::input(x)?, SavedTensor::output(out, 0));
    let full = x.dims();
    Ok(record(node, &[x], &[out], move |ctx, g| {
        let y = expand_back(&so.unpack(ctx)?, &full, &rd, keepdim)?;
        let mask = to_dtype(&eq(&sx.unpack(ctx)?, &y)?, g[0].dtype())?;
        let rdi: Vec<i64> = rd.iter().map(|&d| d as i64).collect();
        let count = sum(&mask, Some(&rdi), true, None)?;
        let gg = expand_back(&g[0], &full, &rd, keepdim)?;
        Ok(vec![Some(div(&mul(&gg, &mask)?, &expand(&count, &full)?)?)])
    }))
}

/// Global max()/min()'s derivative (torch's evenly_distribute_backward): the gradient
/// shared among the elements equal to the result, or among the NaNs when the result is
/// NaN, and zeros elsewhere; a masked fill, so a nan gradient stays put.
fn record_max_all_backward(
    which: Extremum,
    x: &Tensor,
    out: &Tensor,
) -> Result<crate::autograd::Recorded> {
    let node = match which {
        Extremum::Max => "MaxBackward1",
        Extremum::Min => "MinBackward1",
    };
    let (sx, so) = (SavedTensor::input(x)?, SavedTensor::output(out, 0));
    Ok(record(node, &[x], &[out], move |ctx, g| {
        let (x, y) = (sx.unpack(ctx)?, so.unpack(ctx)?);
        let mut hit = eq(&x, &y)?;
        if x.dtype().is_floating_point() {
            hit = crate::ops::pointwise::where_(&unary::isnan(&y)?, &unary::isnan(&x)?, &hit)?;
        }
        let count = sum(&to_dtype(&hit, g[0].dtype())?, None, false, None)?;
        let share = div(&g[0], &count)?;
        let zero = Tensor::wrapped_scalar(Scalar::Int(0));
        Ok(vec![Some(crate::ops::pointwise::where_(
            &hit, &share, &zero,
        )?)])
    }))
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
    // Dims checked one by one as PyTorch's norm does, before any piece of the norm
    // (whose sums wrap every dim first) can report another error.
    let rd = reduced_dims(x, dims, "norm")?;
    if p.is_infinite() {
        ensure!(
            x.numel() > 0 || rd.iter().all(|&d| x.shape()[d] > 0) && dims.is_some_and(|d| !d.is_empty()),
            runtime,
            "linalg.vector_norm cannot compute the {} norm on an empty tensor because the operation does not have an identity",
            if p > 0.0 { "inf" } else { "-inf" }
        );
    }
    let out = crate::autograd::no_grad(|| norm_value(x, p, dims, keepdim))?;
    if needs_grad(&[x]) {
        let (sx, so) = (SavedTensor::input(x)?, SavedTensor::output(&out, 0));
        let dims_given = dims;
        let (full, dims) = (x.dims(), dims.map(|d| d.to_vec()));
        let node = record("LinalgVectorNormBackward0", &[x], &[&out], move |ctx, g| {
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
            ("self", Saved::input(x)),
            ("result", SavedTensor::output(&out, 0).into()),
            ("dim", Saved::ints(dims_given)),
            ("keepdim", Saved::bool(keepdim)),
            ("ord", Saved::scalar(ord)),
        ];
        expose_saved(&node, || saved);
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
    if p == 2.0 {
        // Before `abs`, which the square does not need; float32 / float64 in one pass
        // (NOTE [ Inner reduction speed ]).
        if matches!(x.dtype(), DType::F32 | DType::F64) {
            let rd = reduced_dims(x, dims, "norm")?;
            return reduce_into(ReduceKernel::Norm2, x, &rd, keepdim, x.dtype());
        }
        return unary::sqrt(&sum(&mul(x, x)?, dims, keepdim, None)?);
    }
    let a = unary::abs(x)?;
    if p == f64::INFINITY {
        return amax_amin(&a, dims, keepdim, Extremum::Max);
    }
    if p == f64::NEG_INFINITY {
        return amax_amin(&a, dims, keepdim, Extremum::Min);
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
    let s = sum(
        &crate::ops::binary::pow_scalar(&a, Scalar::Float(p))?,
        dims,
        keepdim,
        None,
    )?;
    crate::ops::binary::pow_scalar(&s, Scalar::Float(1.0 / p))
}

/// `all` / `any` as `k` (`ReduceKernel::All` or `::Any`).
pub fn all_any(x: &Tensor, dims: Option<&[i64]>, keepdim: bool, k: ReduceKernel) -> Result<Tensor> {
    ensure!(
        matches!(k, ReduceKernel::All | ReduceKernel::Any),
        runtime,
        "internal error: all_any given {}",
        k.name()
    );
    // Unlike sum and the other reductions, PyTorch 2.x's all/any read an empty dim list
    // as "no dims": each element is reduced on its own.
    let rd = match dims {
        Some([]) => SmallVec::new(),
        _ => reduced_dims(x, dims, k.name())?,
    };
    // PyTorch keeps uint8 for uint8 inputs.
    let dtype = match x.dtype() {
        DType::U8 => DType::U8,
        _ => DType::Bool,
    };
    reduce_into(k, x, &rd, keepdim, dtype)
}

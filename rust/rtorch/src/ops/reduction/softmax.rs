//! softmax, log_softmax and logsumexp: the fused last-dim kernel (`backend::softmax`),
//! composite otherwise.

use crate::autograd::{expose_saved, needs_grad, record, Saved, SavedTensor};
use crate::backend::{self, SoftmaxKernel};
use crate::ops::binary::{add, div, mul, sub};
use crate::ops::cast::to_dtype;
use crate::ops::reduce::{amax_amin, reduced_dims, sum, Extremum};
use crate::ops::unary;
use crate::ops::OpInfo;
use crate::{DType, Result, Scalar, Tensor};

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[OpInfo] = &[
    OpInfo::reduction("logsumexp", |x| logsumexp(x, &[1], false)).differentiable(),
    OpInfo::reduction("softmax", |x| softmax(x, 1, None)).differentiable(),
    OpInfo::reduction("log_softmax", |x| log_softmax(x, 0, None)).differentiable(),
];

pub fn logsumexp(x: &Tensor, dims: &[i64], keepdim: bool) -> Result<Tensor> {
    let xf = if x.dtype().is_floating_point() {
        x.clone()
    } else {
        to_dtype(x, crate::ops::default_float())?
    };
    let rd = reduced_dims(&xf, Some(dims), "logsumexp")?;
    let r = crate::autograd::no_grad(|| logsumexp_value(&xf, dims, &rd, keepdim))?;
    if needs_grad(&[&xf]) {
        // PyTorch's formula: g * exp(x - result), with g and result unsqueezed back.
        let (sx, sr) = (SavedTensor::input(&xf)?, SavedTensor::output(&r, 0));
        let mut kept: Vec<i64> = xf.shape().iter().map(|&n| n as i64).collect();
        for &d in &rd {
            kept[d] = 1;
        }
        let node = record("LogsumexpBackward0", &[&xf], &[&r], move |ctx, g| {
            let back = |t: &Tensor| crate::ops::movement::reshape(t, &kept);
            let e = unary::exp(&sub(&sx.unpack(ctx)?, &back(&sr.unpack(ctx)?)?)?)?;
            Ok(vec![Some(mul(&back(&g[0])?, &e)?)])
        });
        let saved = vec![
            ("self", Saved::input(&xf)),
            ("result", SavedTensor::output(&r, 0).into()),
            ("dim", Saved::ints(Some(dims))),
            ("keepdim", Saved::bool(keepdim)),
        ];
        expose_saved(&node, || saved);
    }
    Ok(r)
}

/// `log(sum(exp(x - m))) + m` over `dims` (`rd` wrapped), shifted by the max `m` for
/// stability; infinite maxima shift by 0.
fn logsumexp_value(xf: &Tensor, dims: &[i64], rd: &[usize], keepdim: bool) -> Result<Tensor> {
    if xf.numel() == 0 {
        return unary::log(&sum(&unary::exp(xf)?, Some(dims), keepdim, None)?);
    }
    let m = amax_amin(xf, Some(dims), true, Extremum::Max)?;
    let m = crate::ops::pointwise::where_(
        &unary::isinf(&m)?,
        &Tensor::wrapped_scalar(Scalar::Int(0)),
        &m,
    )?;
    // The result is fresh (not a view): the max is squeezed before the final add.
    let s = sum(&unary::exp(&sub(xf, &m)?)?, Some(dims), keepdim, None)?;
    let mut m = m;
    if !keepdim {
        for &d in rd
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .iter()
            .rev()
        {
            m = crate::ops::movement::squeeze_dim(&m, *d as i64)?;
        }
    }
    add(&unary::log(&s)?, &m)
}

/// Runs `f` in float32 for half-precision inputs (PyTorch accumulates these in float).
fn in_f32(x: &Tensor, f: impl FnOnce(&Tensor) -> Result<Tensor>) -> Result<Tensor> {
    match x.dtype() {
        DType::F16 | DType::BF16 => to_dtype(&f(&to_dtype(x, DType::F32)?)?, x.dtype()),
        _ => f(x),
    }
}

pub fn softmax(x: &Tensor, dim: i64, dtype: Option<DType>) -> Result<Tensor> {
    let d = crate::layout::wrap_dim(dim, x.ndim())?;
    // Empty integer input passes through (torch checks the dtype only when there is
    // data); empty float input still records its node.
    if x.numel() == 0 && dtype.is_none() && !x.dtype().is_floating_point() {
        return crate::ops::movement::clone(x);
    }
    let xf = softmax_input(x, dtype, "softmax")?;
    softmax_node(&xf, dim, d, SoftmaxKernel::Softmax)
}

/// softmax / log_softmax (`k`) of `x` over `dim` (`d` wrapped) as one node with
/// PyTorch's derivative, whether the fused kernel or a composite computes the value.
fn softmax_node(x: &Tensor, dim: i64, d: usize, k: SoftmaxKernel) -> Result<Tensor> {
    let last = x.ndim() > 0 && d == x.ndim() - 1;
    let log = k == SoftmaxKernel::LogSoftmax;
    let out = crate::autograd::no_grad(|| {
        in_f32(x, |xf| {
            match (last || xf.device() == crate::Device::Cpu, k) {
                (true, _) => softmax_fused(xf, d, k),
                (false, SoftmaxKernel::Softmax) => softmax_f(xf, dim),
                (false, SoftmaxKernel::LogSoftmax) => log_softmax_f(xf, dim),
            }
        })
    })?;
    if needs_grad(&[x]) {
        let so = SavedTensor::output(&out, 0);
        let name = if log {
            "LogSoftmaxBackward0"
        } else {
            "SoftmaxBackward0"
        };
        let saved = vec![("result", so.clone().into()), ("dim", Saved::int(dim))];
        let node = record(name, &[x], &[&out], move |ctx, g| {
            let y = so.unpack(ctx)?;
            // NOTE [ Fused softmax backward ]: one kernel over the last dim, unless the
            // gradient must itself be differentiable (create_graph).
            // Halves compute in float32 and round once, as the forward does (and torch).
            let kdt = match y.dtype() {
                DType::F16 | DType::BF16 => DType::F32,
                d => d,
            };
            let fused = last
                && !crate::autograd::is_grad_enabled()
                && matches!(kdt, DType::F32 | DType::F64)
                && g[0].dtype() == y.dtype()
                && matches!(y.device(), crate::Device::Cpu)
                && matches!(g[0].device(), crate::Device::Cpu);
            if fused {
                let gc = crate::ops::movement::contiguous(&to_dtype(&g[0], kdt)?)?;
                let yc = crate::ops::movement::contiguous(&to_dtype(&y, kdt)?)?;
                let out = y.new_empty(y.shape(), kdt)?;
                backend::softmax_backward(k, &yc, &gc, &out)?;
                return Ok(vec![Some(to_dtype(&out, y.dtype())?)]);
            }
            let gx = if log {
                // g - softmax * sum(g)
                sub(
                    &g[0],
                    &mul(&unary::exp(&y)?, &sum(&g[0], Some(&[dim]), true, None)?)?,
                )?
            } else {
                // y * (g - sum(g * y))
                mul(
                    &y,
                    &sub(&g[0], &sum(&mul(&g[0], &y)?, Some(&[dim]), true, None)?)?,
                )?
            };
            Ok(vec![Some(gx)])
        });
        expose_saved(&node, || saved);
    }
    Ok(out)
}

/// The fused kernel over dim `d` on a contiguous copy of `x` (f32/f64; no history: the
/// caller records the node).
fn softmax_fused(x: &Tensor, d: usize, k: SoftmaxKernel) -> Result<Tensor> {
    let xc = crate::ops::movement::contiguous(&x.detach())?;
    let out = x.new_empty(x.shape(), x.dtype())?;
    backend::softmax(k, &xc, d, &out)?;
    Ok(out)
}

fn softmax_f(xf: &Tensor, dim: i64) -> Result<Tensor> {
    let m = amax_amin(xf, Some(&[dim]), true, Extremum::Max)?;
    let e = unary::exp(&sub(xf, &m)?)?;
    div(&e, &sum(&e, Some(&[dim]), true, None)?)
}

pub fn log_softmax(x: &Tensor, dim: i64, dtype: Option<DType>) -> Result<Tensor> {
    let d = crate::layout::wrap_dim(dim, x.ndim())?;
    // Empty integer input passes through (torch checks the dtype only when there is
    // data); empty float input still records its node.
    if x.numel() == 0 && dtype.is_none() && !x.dtype().is_floating_point() {
        return crate::ops::movement::clone(x);
    }
    let xf = softmax_input(x, dtype, "log_softmax")?;
    softmax_node(&xf, dim, d, SoftmaxKernel::LogSoftmax)
}

/// `(x - max) - log(sum(exp(x - max)))`, PyTorch's order of operations.
fn log_softmax_f(xf: &Tensor, dim: i64) -> Result<Tensor> {
    let m = amax_amin(xf, Some(&[dim]), true, Extremum::Max)?;
    let shifted = sub(xf, &m)?;
    sub(
        &shifted,
        &unary::log(&sum(&unary::exp(&shifted)?, Some(&[dim]), true, None)?)?,
    )
}

fn softmax_input(x: &Tensor, dtype: Option<DType>, op: &str) -> Result<Tensor> {
    let _ = (x.ndim(), op);
    let x = match dtype {
        Some(d) => to_dtype(x, d)?,
        None => x.clone(),
    };
    if !x.dtype().is_floating_point() {
        return Err(crate::ops::unsupported(
            &format!("{op}_lastdim_kernel_impl"),
            x.dtype(),
        ));
    }
    Ok(x)
}

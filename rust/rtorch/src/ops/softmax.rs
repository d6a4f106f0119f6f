//! softmax, log_softmax and logsumexp: a fused last-dim kernel, composite otherwise.

use super::binary::{add, div, mul, sub};
use super::cast::to_dtype;
use super::iter::SendPtr;
use super::reduce::{amax_amin, reduced_dims, sum, sum_run_f};
use super::unary;
use crate::autograd::{needs_grad, record, SavedTensor};
use crate::{parallel, DType, Result, Scalar, Tensor};

pub fn logsumexp(x: &Tensor, dims: &[i64], keepdim: bool) -> Result<Tensor> {
    let xf = if x.dtype().is_floating_point() {
        x.clone()
    } else {
        to_dtype(x, super::default_float())?
    };
    if xf.numel() == 0 {
        return unary::log(&sum(&unary::exp(&xf)?, Some(dims), keepdim, None)?);
    }
    // Shift by the (detached) max for stability; infinite maxima shift by 0.
    let m = amax_amin(&xf.detach(), Some(dims), true, true, "AmaxBackward0")?;
    let m = super::pointwise::where_(
        &unary::isinf(&m)?,
        &Tensor::wrapped_scalar(Scalar::Int(0)),
        &m,
    )?;
    let s = sum(&unary::exp(&sub(&xf, &m)?)?, Some(dims), true, None)?;
    let r = add(&unary::log(&s)?, &m)?;
    if keepdim {
        return Ok(r);
    }
    let rd = reduced_dims(&xf, Some(dims), "logsumexp")?;
    let mut r = r;
    for &d in rd
        .iter()
        .collect::<std::collections::BTreeSet<_>>()
        .iter()
        .rev()
    {
        r = super::movement::squeeze_dim(&r, *d as i64)?;
    }
    Ok(r)
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
    if x.numel() == 0 && dtype.is_none() {
        return super::movement::clone(x);
    }
    let xf = softmax_input(x, dtype, "softmax")?;
    if x.ndim() > 0 && d == x.ndim() - 1 {
        return in_f32(&xf, |xf| softmax_lastdim(xf, false));
    }
    in_f32(&xf, |xf| softmax_f(xf, dim))
}

/// Fused softmax / log_softmax over the last dim (f32/f64): one pass for the max, one for
/// the sum of exponentials, one to write, per row; rows in parallel. The derivative is
/// written with tensor ops so double backward works.
fn softmax_lastdim(x: &Tensor, log: bool) -> Result<Tensor> {
    let xc = super::movement::contiguous(&x.detach())?;
    let n = *x.shape().last().unwrap();
    let rows = x.numel() / n.max(1);
    let out = Tensor::uninit(x.shape(), x.dtype());
    macro_rules! run {
        ($T:ty, $exp:expr) => {{
            let (px, po) = (SendPtr(xc.data_ptr::<$T>()), SendPtr(out.data_ptr::<$T>()));
            parallel::for_chunks(rows, n * 4, |s, e| {
                for r in s..e {
                    // SAFETY: row r lies within both contiguous buffers.
                    let (xr, or) = unsafe {
                        (
                            std::slice::from_raw_parts(px.at((r * n) as isize), n),
                            std::slice::from_raw_parts_mut(po.at((r * n) as isize), n),
                        )
                    };
                    let (mut m, mut nan) = (<$T>::NEG_INFINITY, false);
                    for &v in xr {
                        m = if v > m { v } else { m };
                        nan |= v.is_nan();
                    }
                    if nan {
                        m = <$T>::NAN;
                    }
                    super::iter::map_slices(or, xr, &|v: $T| $exp(v - m));
                    let sum = sum_run_f(or.as_ptr(), n, 1) as $T;
                    if log {
                        let lse = sum.ln();
                        for (o, &v) in or.iter_mut().zip(xr) {
                            *o = (v - m) - lse;
                        }
                    } else {
                        let inv = 1.0 / sum;
                        for o in or.iter_mut() {
                            *o *= inv;
                        }
                    }
                }
            });
        }};
    }
    match x.dtype() {
        DType::F32 => run!(f32, super::num::exp_f32),
        _ => run!(f64, f64::exp),
    }
    let last = x.ndim() as i64 - 1;
    if needs_grad(&[x]) {
        let so = SavedTensor::output(&out, 0);
        let name = if log {
            "LogSoftmaxBackward0"
        } else {
            "SoftmaxBackward0"
        };
        record(name, &[x], &[&out], move |ctx, g| {
            let y = so.unpack(ctx)?;
            let gx = if log {
                // g - softmax * sum(g)
                sub(
                    &g[0],
                    &mul(&unary::exp(&y)?, &sum(&g[0], Some(&[last]), true, None)?)?,
                )?
            } else {
                // y * (g - sum(g * y))
                mul(
                    &y,
                    &sub(&g[0], &sum(&mul(&g[0], &y)?, Some(&[last]), true, None)?)?,
                )?
            };
            Ok(vec![Some(gx)])
        });
    }
    Ok(out)
}

fn softmax_f(xf: &Tensor, dim: i64) -> Result<Tensor> {
    let m = amax_amin(&xf.detach(), Some(&[dim]), true, true, "AmaxBackward0")?;
    let e = unary::exp(&sub(xf, &m)?)?;
    div(&e, &sum(&e, Some(&[dim]), true, None)?)
}

pub fn log_softmax(x: &Tensor, dim: i64, dtype: Option<DType>) -> Result<Tensor> {
    let d = crate::layout::wrap_dim(dim, x.ndim())?;
    if x.numel() == 0 && dtype.is_none() {
        return super::movement::clone(x);
    }
    let xf = softmax_input(x, dtype, "log_softmax")?;
    if x.ndim() > 0 && d == x.ndim() - 1 {
        return in_f32(&xf, |xf| softmax_lastdim(xf, true));
    }
    in_f32(&xf, |xf| {
        // (x - max) - log(sum(exp(x - max))), PyTorch's order of operations.
        let m = amax_amin(&xf.detach(), Some(&[dim]), true, true, "AmaxBackward0")?;
        let shifted = sub(xf, &m)?;
        sub(
            &shifted,
            &unary::log(&sum(&unary::exp(&shifted)?, Some(&[dim]), true, None)?)?,
        )
    })
}

fn softmax_input(x: &Tensor, dtype: Option<DType>, op: &str) -> Result<Tensor> {
    let _ = (x.ndim(), op);
    let x = match dtype {
        Some(d) => to_dtype(x, d)?,
        None => x.clone(),
    };
    if !x.dtype().is_floating_point() {
        return Err(super::unsupported(
            &format!("{op}_lastdim_kernel_impl"),
            x.dtype(),
        ));
    }
    Ok(x)
}

//! Second moments: var and std, forward (one pass over the input, NOTE [ Variance in one
//! pass ] in the kernel) and derivative.

use super::reduce::{expand_back, mean, out_shape, reduced_dims};
use crate::autograd::{expose_saved, needs_grad, record, Saved, SavedTensor};
use crate::backend::{self, ReduceKernel};
use crate::ops::binary::{div, eq, mul, sub};
use crate::ops::OpInfo;
use crate::{ensure, Result, Scalar, Tensor};

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[OpInfo] = &[
    OpInfo::reduction("std", |x| std(x, Some(&[1]), 1.0, false)).differentiable(),
    OpInfo::reduction("var", |x| var(x, None, 1.0, false)).differentiable(),
];

/// `var(x, dim, correction=1, keepdim)`. The derivative is one node with torch's formula,
/// since a composite's own gradient turns inf into nan (`inf - inf` in mean's backward)
/// where torch's gives +-inf.
pub fn var(x: &Tensor, dims: Option<&[i64]>, correction: f64, keepdim: bool) -> Result<Tensor> {
    let rd = moment_dims(x, dims)?;
    let out = moment_value(x, &rd, keepdim, ReduceKernel::Var { correction })?;
    if needs_grad(&[x]) {
        let sx = SavedTensor::input(x)?;
        let denom = denominator(x, &rd, correction);
        let dims_given = dims;
        let (full, dims) = (x.dims(), dims.map(|d| d.to_vec()));
        let node = record("VarBackward0", &[x], &[&out], move |ctx, g| {
            let x = sx.unpack(ctx)?;
            let gx = var_backward(&g[0], &x, dims.as_deref(), denom, &full, &rd, keepdim)?;
            Ok(vec![Some(gx)])
        });
        expose_saved(&node, || moments_saved(x, dims_given, correction, keepdim));
    }
    Ok(out)
}

/// What VarBackward0 and StdBackward0 show besides std's result.
///
/// NOTE [ Saved correction ]
/// torch shows `_saved_correction` None only for the bare `x.var()` / `x.std()` and the
/// number otherwise (`std(dim=None)` and `std(correction=1)` show 1). The engine gets the
/// correction as a float, so the one case torch leaves None (all dims, correction 1) shows
/// None here, and a fractional correction a float: `std(dim=None)` and
/// `std(correction=1)` show None where torch shows 1.
fn moments_saved(
    x: &Tensor,
    dims: Option<&[i64]>,
    correction: f64,
    keepdim: bool,
) -> Vec<(&'static str, Saved)> {
    let correction = if dims.is_none() && correction == 1.0 {
        Saved::NotSaved
    } else if correction.fract() == 0.0 {
        Saved::scalar(Scalar::Int(correction as i64))
    } else {
        Saved::scalar(Scalar::Float(correction))
    };
    vec![
        ("self", Saved::input(x)),
        ("dim", Saved::ints(dims)),
        ("keepdim", Saved::bool(keepdim)),
        ("correction", correction),
    ]
}

/// The reduced dims of var / std, whose input must be floating point.
fn moment_dims(x: &Tensor, dims: Option<&[i64]>) -> Result<Vec<usize>> {
    ensure!(
        x.dtype().is_floating_point(),
        runtime,
        "std and var only support floating point and complex dtypes"
    );
    Ok(reduced_dims(x, dims, "var")?.to_vec())
}

/// The value of var or std (`k`) without history.
fn moment_value(x: &Tensor, rd: &[usize], keepdim: bool, k: ReduceKernel) -> Result<Tensor> {
    let out = x.new_empty(&out_shape(x, rd, keepdim), x.dtype())?;
    backend::reduce(k, x, rd, &[&out])?;
    Ok(out)
}

/// The denominator `max(0, N - correction)` (the kernel divides by the same).
fn denominator(x: &Tensor, rd: &[usize], correction: f64) -> f64 {
    let n: usize = rd.iter().map(|&d| x.shape()[d]).product();
    (n as f64 - correction).max(0.0)
}

/// torch's `var_backward`: `(2 / denom) * grad * (x - x.mean(dims, keepdim=True))`.
fn var_backward(
    g: &Tensor,
    x: &Tensor,
    dims: Option<&[i64]>,
    denom: f64,
    full: &[usize],
    rd: &[usize],
    keepdim: bool,
) -> Result<Tensor> {
    let scale = Tensor::wrapped_scalar(Scalar::Float(2.0 / denom));
    let centered = sub(x, &mean(x, dims, true, None)?)?;
    mul(
        &mul(&scale, &expand_back(g, full, rd, keepdim)?)?,
        &centered,
    )
}

pub fn std(x: &Tensor, dims: Option<&[i64]>, correction: f64, keepdim: bool) -> Result<Tensor> {
    let rd = moment_dims(x, dims)?;
    let out = moment_value(x, &rd, keepdim, ReduceKernel::Std { correction })?;
    if needs_grad(&[x]) {
        let (sx, so) = (SavedTensor::input(x)?, SavedTensor::output(&out, 0));
        let denom = denominator(x, &rd, correction);
        let dims_given = dims;
        let (full, dims) = (x.dims(), dims.map(|d| d.to_vec()));
        let node = record("StdBackward0", &[x], &[&out], move |ctx, g| {
            // torch: var_backward(grad / (2 * result)), zero where the result is 0.
            let (x, r) = (sx.unpack(ctx)?, so.unpack(ctx)?);
            let zero = Tensor::wrapped_scalar(Scalar::Int(0));
            let two_r = mul(&r, &Tensor::wrapped_scalar(Scalar::Int(2)))?;
            let gg = crate::ops::pointwise::where_(&eq(&r, &zero)?, &zero, &div(&g[0], &two_r)?)?;
            let gx = var_backward(&gg, &x, dims.as_deref(), denom, &full, &rd, keepdim)?;
            Ok(vec![Some(gx)])
        });
        let mut saved = moments_saved(x, dims_given, correction, keepdim);
        saved.push(("result", SavedTensor::output(&out, 0).into()));
        expose_saved(&node, || saved);
    }
    Ok(out)
}

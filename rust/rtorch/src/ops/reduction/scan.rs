//! Scans along a dim (cumsum, cumprod), forward and derivative side by side.

use crate::autograd::{expose_saved, needs_grad, record, Saved, SavedTensor};
use crate::backend::{self, ReduceKernel, ScanKernel};
use crate::ops::binary::mul;
use crate::ops::cast::{cast_for_op, to_dtype};
use crate::ops::reduce::sum;
use crate::ops::OpInfo;
use crate::{DType, Result, Scalar, Tensor};

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[OpInfo] = &[
    OpInfo::reduction("cumsum", |x| cumsum(x, 1, None)).differentiable(),
    OpInfo::reduction("cumprod", |x| cumprod(x, 1, None)).differentiable(),
];

/// Inclusive scan along `d` in `dtype` (the kernel's accumulation types: `backend/cpu/scan.rs`).
fn scan(x: &Tensor, d: usize, dtype: DType, k: ScanKernel) -> Result<Tensor> {
    // torch has no bool scan kernel; an empty input never reaches one.
    if dtype == DType::Bool && x.numel() > 0 {
        let kernel = format!("{}_out_cpu", k.name());
        return Err(crate::ops::unsupported(&kernel, dtype));
    }
    let xin = cast_for_op(x, dtype)?;
    let out = x.new_empty(x.shape(), dtype)?;
    backend::scan(k, &xin, d, &out)?;
    Ok(out)
}

/// The scan's dim and result: integers accumulate in int64 by default, and a 0-dim input
/// is its own scan.
fn scan_forward(
    x: &Tensor,
    dim: i64,
    dtype: Option<DType>,
    k: ScanKernel,
) -> Result<(usize, Tensor)> {
    let d = crate::layout::wrap_dim(dim, x.ndim())?;
    let default = if x.dtype().is_integral(true) {
        DType::I64
    } else {
        x.dtype()
    };
    let dt = dtype.unwrap_or(default);
    let out = if x.ndim() == 0 {
        to_dtype(&crate::ops::movement::clone(x)?, dt)?.detach()
    } else {
        scan(x, d, dt, k)?
    };
    Ok((d, out))
}

pub fn cumsum(x: &Tensor, dim: i64, dtype: Option<DType>) -> Result<Tensor> {
    let (d, out) = scan_forward(x, dim, dtype, ScanKernel::CumSum)?;
    let x_dtype = x.dtype();
    let node = record("CumsumBackward0", &[x], &[&out], move |_, g| {
        // Reverse cumulative sum of the gradient, in the input's dtype (torch casts first).
        let g = crate::ops::cast::to_dtype(&g[0], x_dtype)?;
        let r = crate::ops::movement::flip(&g, &[d as i64])?;
        Ok(vec![Some(crate::ops::movement::flip(
            &cumsum(&r, d as i64, None)?,
            &[d as i64],
        )?)])
    });
    expose_saved(&node, || vec![("dim", Saved::int(dim))]);
    Ok(out)
}

pub fn cumprod(x: &Tensor, dim: i64, dtype: Option<DType>) -> Result<Tensor> {
    let (d, out) = scan_forward(x, dim, dtype, ScanKernel::CumProd)?;
    if needs_grad(&[x]) {
        let sx = SavedTensor::input(x)?;
        let so = SavedTensor::output(&out, 0);
        let saved = vec![
            ("self", sx.clone().into()),
            ("result", so.clone().into()),
            ("dim", Saved::int(dim)),
        ];
        let node = record("CumprodBackward0", &[x], &[&out], move |ctx, g| {
            // dx_i = sum_{j>=i} g_j * prod_{k<=j, k!=i} x_k.
            let x = sx.unpack(ctx)?;
            if x.ndim() == 0 || x.shape()[d] == 1 {
                return Ok(vec![Some(g[0].clone())]);
            }
            let n = x.shape()[d];
            if n == 0 || x.numel() == 0 {
                return Ok(vec![Some(crate::ops::factory::zeros_like(&x)?)]);
            }
            if !crate::autograd::is_grad_enabled() {
                return Ok(vec![Some(cumprod_grad_rows(
                    &x,
                    &so.unpack(ctx)?,
                    &g[0],
                    d,
                )?)]);
            }
            // NOTE [ cumprod's derivative ]
            // With create_graph it must be made of differentiable ops. Without zeros that
            // is torch's O(n) `reversed_cumsum(out * g) / x` (measured, float64 on 2 shared
            // cores: n = 20000 took 29.4 s as the O(n^2) sum below, now 0.5 ms; n = 2000,
            // 81 -> 0.1 ms). With a zero, division
            // is undefined and torch too falls back to the O(n^2) sum of omitted-factor
            // products, one cumprod per position.
            let any_zero = crate::ops::reduce::all_any(
                &crate::ops::binary::eq(&x, &Tensor::wrapped_scalar(Scalar::Int(0)))?,
                None,
                false,
                ReduceKernel::Any,
            )?;
            if !any_zero.to_vec::<bool>()?[0] {
                let w = mul(&so.unpack(ctx)?, &g[0])?;
                let flip = |t: &Tensor| crate::ops::movement::flip(t, &[d as i64]);
                let rev_cumsum = flip(&cumsum(&flip(&w)?, d as i64, None)?)?;
                return Ok(vec![Some(crate::ops::binary::div(&rev_cumsum, &x)?)]);
            }
            let mut cols = Vec::with_capacity(n);
            for i in 0..n {
                let mask_shape = {
                    let mut m = vec![1usize; x.ndim()];
                    m[d] = n;
                    m
                };
                let mut onehot = vec![0.0f64; n];
                onehot[i] = 1.0;
                let e = to_dtype(&Tensor::from_slice(&onehot, &mask_shape)?, DType::Bool)?;
                // x with x_i replaced by 1 (selected, so an inf or nan x_i does not leak):
                // its cumprod gives prod_{k<=j, k!=i} for j >= i.
                let xi =
                    crate::ops::pointwise::where_(&e, &Tensor::wrapped_scalar(Scalar::Int(1)), &x)?;
                let c = cumprod(&xi, d as i64, None)?;
                let tail = crate::ops::movement::narrow(
                    &mul(&g[0], &c)?,
                    d as i64,
                    i as i64,
                    (n - i) as i64,
                )?;
                cols.push(sum(&tail, Some(&[d as i64]), true, None)?);
            }
            Ok(vec![Some(crate::ops::join::cat(&cols, d as i64)?)])
        });
        expose_saved(&node, || saved);
    }
    Ok(out)
}

/// cumprod's gradient without building a graph, one row along `d` at a time (torch's
/// O(n) path): before the first zero `z`, `sum_{i<=j<z} out_j g_j / x_i`; at `z`,
/// `out_{z-1} * sum_{z<=j<z2} g_j prod_{z<k<=j} x_k` (`z2` the next zero); after it 0.
fn cumprod_grad_rows(x: &Tensor, out: &Tensor, g: &Tensor, d: usize) -> Result<Tensor> {
    // `d` moved last (rows contiguous in the row-major `to_vec`), and the way back.
    let nd = x.ndim();
    let to_last: Vec<i64> = (0..nd)
        .filter(|&k| k != d)
        .chain([d])
        .map(|k| k as i64)
        .collect();
    let mut back = vec![0i64; nd];
    for (pos, &k) in to_last.iter().enumerate() {
        back[k as usize] = pos as i64;
    }
    let rows = |t: &Tensor| -> Result<Vec<f64>> {
        crate::ops::movement::permute(t, &to_last)?.to_vec::<f64>()
    };
    let (xv, ov, gv) = (rows(x)?, rows(out)?, rows(g)?);
    let n = x.shape()[d];
    let mut dx = vec![0f64; xv.len()];
    for r in 0..xv.len() / n {
        let (xs, os, gs) = (&xv[r * n..][..n], &ov[r * n..][..n], &gv[r * n..][..n]);
        let dxs = &mut dx[r * n..][..n];
        let z = xs.iter().position(|&v| v == 0.0).unwrap_or(n);
        let mut acc = 0.0;
        for i in (0..z).rev() {
            acc += os[i] * gs[i];
            dxs[i] = acc / xs[i];
        }
        if z < n {
            let prefix = if z == 0 { 1.0 } else { os[z - 1] };
            let (mut prod, mut sum) = (1.0, gs[z]);
            for j in z + 1..n {
                if xs[j] == 0.0 {
                    break;
                }
                prod *= xs[j];
                sum += gs[j] * prod;
            }
            dxs[z] = prefix * sum;
        }
    }
    let mut shape = x.dims();
    shape.remove(d);
    shape.push(n);
    let t = to_dtype(&Tensor::from_slice(&dx, &shape)?, x.dtype())?;
    crate::ops::movement::permute(&t, &back)
}

//! softmax, log_softmax and logsumexp: a fused last-dim kernel, composite otherwise.

use crate::autograd::{needs_grad, record, SavedTensor};
use crate::backend::cpu::iter::{Isa, SendPtr};
use crate::backend::cpu::reduce_iter::sum_run_f;
use crate::ops::binary::{add, div, mul, sub};
use crate::ops::cast::to_dtype;
use crate::ops::reduce::{amax_amin, reduced_dims, sum, Extremum};
use crate::ops::unary;
use crate::ops::OpInfo;
use crate::{parallel, DType, Result, Scalar, Tensor};

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
        let (sx, sr) = (SavedTensor::input(&xf), SavedTensor::output(&r, 0));
        let mut kept: Vec<i64> = xf.shape().iter().map(|&n| n as i64).collect();
        for &d in &rd {
            kept[d] = 1;
        }
        record("LogsumexpBackward0", &[&xf], &[&r], move |ctx, g| {
            let back = |t: &Tensor| crate::ops::movement::reshape(t, &kept);
            let e = unary::exp(&sub(&sx.unpack(ctx)?, &back(&sr.unpack(ctx)?)?)?)?;
            Ok(vec![Some(mul(&back(&g[0])?, &e)?)])
        });
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
    if x.numel() == 0 && dtype.is_none() {
        return crate::ops::movement::clone(x);
    }
    let xf = softmax_input(x, dtype, "softmax")?;
    softmax_node(&xf, dim, d, false)
}

/// softmax / log_softmax of `x` over `dim` (`d` wrapped) as one node with PyTorch's
/// derivative, whichever kernel computes the value.
fn softmax_node(x: &Tensor, dim: i64, d: usize, log: bool) -> Result<Tensor> {
    let last = x.ndim() > 0 && d == x.ndim() - 1;
    let out = crate::autograd::no_grad(|| {
        in_f32(x, |xf| match (last, log) {
            (true, _) => softmax_lastdim(xf, log),
            (false, false) => softmax_f(xf, dim),
            (false, true) => log_softmax_f(xf, dim),
        })
    })?;
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
    }
    Ok(out)
}

/// Fused softmax / log_softmax over the last dim (f32/f64): one pass for the max, one for
/// the sum of exponentials, one to write, per row; rows in parallel (no history: the
/// caller records the node).
fn softmax_lastdim(x: &Tensor, log: bool) -> Result<Tensor> {
    let xc = crate::ops::movement::contiguous(&x.detach())?;
    let n = *x.shape().last().unwrap();
    let rows = x.numel() / n.max(1);
    let out = x.new_empty(x.shape(), x.dtype())?;
    match x.dtype() {
        DType::F32 => {
            let (px, po) = (
                SendPtr(xc.cpu_ptr::<f32>()?),
                SendPtr(out.cpu_ptr::<f32>()?),
            );
            // SAFETY: rows s..e lie within both contiguous buffers of rows * n elements.
            parallel::for_chunks(rows, n * 4, |s, e| unsafe {
                rows_f32(
                    px.at((s * n) as isize),
                    po.at((s * n) as isize),
                    e - s,
                    n,
                    log,
                )
            });
        }
        _ => {
            let (px, po) = (
                SendPtr(xc.cpu_ptr::<f64>()?),
                SendPtr(out.cpu_ptr::<f64>()?),
            );
            parallel::for_chunks(rows, n * 4, |s, e| {
                for r in s..e {
                    // SAFETY: row r lies within both contiguous buffers.
                    let (xr, or) = unsafe {
                        (
                            std::slice::from_raw_parts(px.at((r * n) as isize), n),
                            std::slice::from_raw_parts_mut(po.at((r * n) as isize), n),
                        )
                    };
                    let mut m = f64::NEG_INFINITY;
                    for &v in xr {
                        m = if v > m || v.is_nan() { v } else { m };
                    }
                    for (o, &v) in or.iter_mut().zip(xr) {
                        *o = (v - m).exp();
                    }
                    finish_row(or, xr, m, sum_run_f(or.as_ptr(), n, 1), log);
                }
            });
        }
    }
    Ok(out)
}

/// Softmax of `rows` contiguous float32 rows of length `n`, in a copy compiled for the
/// widest vector unit the CPU has (see NOTE [ Run-time ISA dispatch ]).
///
/// # Safety
/// `x` and `out` must each point to `rows * n` valid elements.
unsafe fn rows_f32(x: *const f32, out: *mut f32, rows: usize, n: usize, log: bool) {
    #[cfg(target_arch = "x86_64")]
    match crate::backend::cpu::iter::isa() {
        Isa::Avx512 => return rows_f32_avx512(x, out, rows, n, log),
        Isa::Avx2 => return rows_f32_avx2(x, out, rows, n, log),
        Isa::Baseline => {}
    }
    rows_f32_body(x, out, rows, n, log)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
unsafe fn rows_f32_avx512(x: *const f32, out: *mut f32, rows: usize, n: usize, log: bool) {
    rows_f32_body(x, out, rows, n, log)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn rows_f32_avx2(x: *const f32, out: *mut f32, rows: usize, n: usize, log: bool) {
    rows_f32_body(x, out, rows, n, log)
}

/// Lanes of the independent accumulators: 16 fills one AVX-512 register (two AVX2 ones),
/// which lets LLVM vectorize the max and sum passes without reassociating floats itself.
const LANES: usize = 16;

#[inline(always)]
unsafe fn rows_f32_body(x: *const f32, out: *mut f32, rows: usize, n: usize, log: bool) {
    for r in 0..rows {
        let xr = std::slice::from_raw_parts(x.add(r * n), n);
        let or = std::slice::from_raw_parts_mut(out.add(r * n), n);
        // Pass 1: the max. NOTE: NaNs are skipped here on purpose: a NaN input makes its
        // exponential, hence the row's sum, NaN, and so every output of the row, as in PyTorch.
        let mut mx = [f32::NEG_INFINITY; LANES];
        let mut it = xr.chunks_exact(LANES);
        for c in &mut it {
            for i in 0..LANES {
                mx[i] = if c[i] > mx[i] { c[i] } else { mx[i] };
            }
        }
        let mut m = f32::NEG_INFINITY;
        for &v in it.remainder().iter().chain(mx.iter()) {
            m = if v > m { v } else { m };
        }
        // Pass 2: exponentials and their sum, in LANES partial sums.
        let mut acc = [0f32; LANES];
        let mut xs = xr.chunks_exact(LANES);
        let mut os = or.chunks_exact_mut(LANES);
        for (c, o) in (&mut xs).zip(&mut os) {
            for i in 0..LANES {
                let e = crate::backend::cpu::num::exp_f32(c[i] - m);
                o[i] = e;
                acc[i] += e;
            }
        }
        let mut sum = acc.iter().sum::<f32>();
        for (o, &v) in os.into_remainder().iter_mut().zip(xs.remainder()) {
            *o = crate::backend::cpu::num::exp_f32(v - m);
            sum += *o;
        }
        finish_row(or, xr, m, sum, log);
    }
}

trait RowFloat: Copy + std::ops::Sub<Output = Self> + std::ops::Mul<Output = Self> {
    fn ln(self) -> Self;
    fn recip(self) -> Self;
}

impl RowFloat for f32 {
    fn ln(self) -> Self {
        f32::ln(self)
    }
    fn recip(self) -> Self {
        1.0 / self
    }
}

impl RowFloat for f64 {
    fn ln(self) -> Self {
        f64::ln(self)
    }
    fn recip(self) -> Self {
        1.0 / self
    }
}

/// Pass 4: scale by the sum, or for log_softmax write `(x - max) - log(sum)`.
#[inline(always)]
fn finish_row<T: RowFloat>(or: &mut [T], xr: &[T], m: T, sum: T, log: bool) {
    if log {
        let lse = sum.ln();
        for (o, &v) in or.iter_mut().zip(xr) {
            *o = (v - m) - lse;
        }
    } else {
        let inv = sum.recip();
        for o in or.iter_mut() {
            *o = *o * inv;
        }
    }
}

fn softmax_f(xf: &Tensor, dim: i64) -> Result<Tensor> {
    let m = amax_amin(xf, Some(&[dim]), true, Extremum::Max)?;
    let e = unary::exp(&sub(xf, &m)?)?;
    div(&e, &sum(&e, Some(&[dim]), true, None)?)
}

pub fn log_softmax(x: &Tensor, dim: i64, dtype: Option<DType>) -> Result<Tensor> {
    let d = crate::layout::wrap_dim(dim, x.ndim())?;
    if x.numel() == 0 && dtype.is_none() {
        return crate::ops::movement::clone(x);
    }
    let xf = softmax_input(x, dtype, "log_softmax")?;
    softmax_node(&xf, dim, d, true)
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

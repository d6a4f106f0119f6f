//! CPU kernels of softmax and log_softmax over the last dim: one pass for the max, one
//! for the exponentials and their sum, one to scale, per row; rows in parallel.

#[cfg(target_arch = "x86_64")]
use super::iter::Isa;
use super::iter::SendPtr;
use super::num::exp_f32;
use super::reduce_iter::sum_run_f;
use crate::backend::SoftmaxKernel;
use crate::dtype::Float;
use crate::{parallel, DType, Result, Tensor};

/// `out = k(x)` over `dim` of a contiguous float32 / float64 `x`; `out` is fresh.
pub fn run(k: SoftmaxKernel, x: &Tensor, dim: usize, out: &Tensor) -> Result<()> {
    crate::ensure!(
        x.is_contiguous() && out.is_contiguous(),
        runtime,
        "internal error: {} needs contiguous rows",
        k.name()
    );
    if x.ndim() > 1 && dim + 1 < x.ndim() {
        return run_inner(k, x, dim, out);
    }
    let n = *x.shape().last().unwrap_or(&1);
    let rows = x.numel() / n.max(1);
    let log = k == SoftmaxKernel::LogSoftmax;
    match x.dtype() {
        DType::F32 => {
            let (px, po) = (SendPtr(x.cpu_ptr::<f32>()?), SendPtr(out.cpu_ptr::<f32>()?));
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
        DType::F64 => {
            let (px, po) = (SendPtr(x.cpu_ptr::<f64>()?), SendPtr(out.cpu_ptr::<f64>()?));
            parallel::for_chunks(rows, n * 4, |s, e| {
                for r in s..e {
                    // SAFETY: row r lies within both contiguous buffers.
                    let (xr, or) = unsafe {
                        (
                            std::slice::from_raw_parts(px.at((r * n) as isize), n),
                            std::slice::from_raw_parts_mut(po.at((r * n) as isize), n),
                        )
                    };
                    row_f64(xr, or, log);
                }
            });
        }
        dt => return Err(crate::ops::unsupported(k.name(), dt)),
    }
    Ok(())
}

/// Columns per task of the softmax over a dim that is not the last (NOTE [ Softmax over
/// an inner dim ]): 256 float32 columns are 1 KiB per row of the slab.
const COLS: usize = 256;

// NOTE [ Softmax over an inner dim ]: over dim d of a contiguous (outer, n, inner) tensor
// the n values of one output column are `inner` apart, and neighbouring columns are
// neighbours in memory. A task takes up to COLS columns of one outer index and makes
// three passes over its n rows, with the column maxima and sums in stack arrays: the
// max, the exponentials (the vector kernel on each row segment) and their sums, then
// the scaling or `(x - max) - log(sum)`. Composed (amax, sub, exp, sum, log, sub) it
// made six passes and five temporaries: log_softmax over dim 1 of 64x128x128 float32,
// 1 thread, took 0.86 ms against torch's 0.57.
fn run_inner(k: SoftmaxKernel, x: &Tensor, dim: usize, out: &Tensor) -> Result<()> {
    let shape = x.shape();
    let n = shape[dim];
    let inner: usize = shape[dim + 1..].iter().product();
    let outer: usize = shape[..dim].iter().product();
    let log = k == SoftmaxKernel::LogSoftmax;
    let blocks = inner.div_ceil(COLS);
    let tasks = outer * blocks;
    if tasks == 0 || n == 0 {
        return Ok(());
    }
    macro_rules! go {
        ($t:ty, $exp:expr) => {{
            let (px, po) = (SendPtr(x.cpu_ptr::<$t>()?), SendPtr(out.cpu_ptr::<$t>()?));
            parallel::for_chunks(tasks, n * COLS.min(inner) * 4, |s, e| {
                for task in s..e {
                    let (o, b) = (task / blocks, task % blocks);
                    let j0 = b * COLS;
                    let w = COLS.min(inner - j0);
                    let base = (o * n * inner + j0) as isize;
                    // SAFETY: rows 0..n of columns j0..j0 + w of slab o lie inside both
                    // contiguous buffers; tasks write disjoint columns of `out`.
                    unsafe { columns::<$t>(px.at(base), po.at(base), n, inner, w, log, $exp) };
                }
            });
        }};
    }
    match x.dtype() {
        DType::F32 => go!(f32, super::simd::map_f32_inplace::<super::simd::Exp>),
        DType::F64 => go!(f64, super::simd::map_f64_inplace::<super::simd::Exp>),
        dt => return Err(crate::ops::unsupported(k.name(), dt)),
    }
    Ok(())
}

/// softmax / log_softmax of `w` columns (`w <= COLS`) of `n` rows `pitch` apart.
///
/// # Safety
/// `x` and `out` are valid for `n` rows of `w` elements `pitch` apart; `out` aliases
/// nothing else being read or written.
unsafe fn columns<T: Float>(
    x: *const T,
    out: *mut T,
    n: usize,
    pitch: usize,
    w: usize,
    log: bool,
    exp: fn(&mut [T]),
) {
    #[cfg(target_arch = "x86_64")]
    if super::iter::isa() != super::iter::Isa::Baseline {
        // SAFETY: the CPU has AVX2 and FMA; the caller's contract is passed on.
        return columns_avx2(x, out, n, pitch, w, log, exp);
    }
    columns_body(x, out, n, pitch, w, log, exp)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn columns_avx2<T: Float>(
    x: *const T,
    out: *mut T,
    n: usize,
    pitch: usize,
    w: usize,
    log: bool,
    exp: fn(&mut [T]),
) {
    columns_body(x, out, n, pitch, w, log, exp)
}

#[inline(always)]
unsafe fn columns_body<T: Float>(
    x: *const T,
    out: *mut T,
    n: usize,
    pitch: usize,
    w: usize,
    log: bool,
    exp: fn(&mut [T]),
) {
    let row = |r: usize| std::slice::from_raw_parts(x.add(r * pitch), w);
    let row_out = |r: usize| std::slice::from_raw_parts_mut(out.add(r * pitch), w);
    // The maxima 16 columns at a time down all rows, in registers. NOTE: `m[j] = if v >
    // m[j] { v } else { m[j] }` became masked stores (LLVM made the store conditional),
    // microcoded on Zen 4: half the log_softmax time; maxNum has no such form.
    // NaN is skipped as in the last-dim kernel: its exponential makes the sum NaN.
    let mut m = [T::from_f64(f64::NEG_INFINITY); COLS];
    let m = &mut m[..w];
    for (c, mc) in m.chunks_mut(16).enumerate() {
        let mut acc = [T::from_f64(f64::NEG_INFINITY); 16];
        if mc.len() == 16 {
            // A fixed width keeps `acc` in registers (a variable one kept it on the stack).
            for r in 0..n {
                let xr: &[T; 16] = row(r)[c * 16..c * 16 + 16].try_into().unwrap();
                for i in 0..16 {
                    acc[i] = acc[i].max_num(xr[i]);
                }
            }
        } else {
            for r in 0..n {
                let xr = &row(r)[c * 16..c * 16 + mc.len()];
                for (a, &v) in acc.iter_mut().zip(xr) {
                    *a = a.max_num(v);
                }
            }
        }
        mc.copy_from_slice(&acc[..mc.len()]);
    }
    let mut sum = [T::from_f64(0.0); COLS];
    let sum = &mut sum[..w];
    // log_softmax needs only the sums: its exponentials go to a row on the stack, not
    // through `out`, which the last pass writes anyway.
    let mut tmp = [T::from_f64(0.0); COLS];
    for r in 0..n {
        let o = if log { &mut tmp[..w] } else { row_out(r) };
        for ((oj, &v), &mj) in o.iter_mut().zip(row(r)).zip(m.iter()) {
            *oj = v - mj;
        }
        exp(o);
        for (sj, &e) in sum.iter_mut().zip(o.iter()) {
            *sj = *sj + e;
        }
    }
    if log {
        for sj in sum.iter_mut() {
            *sj = Float::ln(*sj);
        }
        for r in 0..n {
            for (((oj, &v), &mj), &lj) in row_out(r)
                .iter_mut()
                .zip(row(r))
                .zip(m.iter())
                .zip(sum.iter())
            {
                *oj = (v - mj) - lj;
            }
        }
    } else {
        // Divided, not scaled by 1 / sum: torch's inner-dim kernel divides (float64 bits
        // agree with torch for 96% of values this way, 83% scaled).
        for r in 0..n {
            for (oj, &sj) in row_out(r).iter_mut().zip(sum.iter()) {
                *oj = *oj / sj;
            }
        }
    }
}

/// One float64 row: the max in independent lanes, the exponentials by the vector kernel
/// (NOTE [ SIMD dispatch ]), the rest in an AVX2 copy where the CPU has it. log_softmax
/// of 1024x1024 float64, 1 thread: libm exp per element 5.7 ms, this 1.29 ms, torch 1.74.
fn row_f64(xr: &[f64], or: &mut [f64], log: bool) {
    #[cfg(target_arch = "x86_64")]
    if super::iter::isa() != super::iter::Isa::Baseline {
        // SAFETY: the CPU has AVX2 and FMA.
        return unsafe { row_f64_avx2(xr, or, log) };
    }
    row_f64_body(xr, or, log)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn row_f64_avx2(xr: &[f64], or: &mut [f64], log: bool) {
    row_f64_body(xr, or, log)
}

#[inline(always)]
fn row_f64_body(xr: &[f64], or: &mut [f64], log: bool) {
    // A NaN anywhere makes the max NaN, hence every output, as in PyTorch.
    let mut mx = [f64::NEG_INFINITY; 8];
    let mut it = xr.chunks_exact(8);
    for c in &mut it {
        for i in 0..8 {
            mx[i] = if c[i] > mx[i] || c[i].is_nan() {
                c[i]
            } else {
                mx[i]
            };
        }
    }
    let mut m = f64::NEG_INFINITY;
    for &v in it.remainder().iter().chain(mx.iter()) {
        m = if v > m || v.is_nan() { v } else { m };
    }
    for (o, &v) in or.iter_mut().zip(xr) {
        *o = v - m;
    }
    super::simd::map_f64_inplace::<super::simd::Exp>(or);
    finish_row(or, xr, m, sum_run_f(or.as_ptr(), or.len(), 1), log);
}

/// Softmax of `rows` contiguous float32 rows of length `n`, in a copy compiled for the
/// widest vector unit the CPU has (see NOTE [ Run-time ISA dispatch ]).
///
/// # Safety
/// `x` and `out` must each point to `rows * n` valid elements.
unsafe fn rows_f32(x: *const f32, out: *mut f32, rows: usize, n: usize, log: bool) {
    #[cfg(target_arch = "x86_64")]
    match super::iter::isa() {
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
                let e = exp_f32(c[i] - m);
                o[i] = e;
                acc[i] += e;
            }
        }
        let mut sum = acc.iter().sum::<f32>();
        for (o, &v) in os.into_remainder().iter_mut().zip(xs.remainder()) {
            *o = exp_f32(v - m);
            sum += *o;
        }
        finish_row(or, xr, m, sum, log);
    }
}

/// Pass 4: scale by the sum, or for log_softmax write `(x - max) - log(sum)`.
#[inline(always)]
fn finish_row<T: Float>(or: &mut [T], xr: &[T], m: T, sum: T, log: bool) {
    if log {
        let lse = Float::ln(sum);
        for (o, &v) in or.iter_mut().zip(xr) {
            *o = (v - m) - lse;
        }
    } else {
        let inv = T::from_f64(1.0) / sum;
        for o in or.iter_mut() {
            *o = *o * inv;
        }
    }
}

/// `out` = the gradient of softmax / log_softmax (`k`) over the last dim, from the
/// forward's result `y` and the incoming gradient `g` (contiguous, same shape and float
/// dtype; `out` fresh): `y * (g - sum(g * y))` and `g - exp(y) * sum(g)`.
// NOTE [ Fused softmax backward ]: composed from mul, sum, sub and exp, the last-dim
// backward made four passes and three temporaries; fwd+bwd of 256x1000 float32 at 1
// thread took 732 us for softmax and 498 for log_softmax (torch 254 and 318). One
// row-wise pass for the sum and one for the result keep the row in L1.
pub fn run_backward(k: SoftmaxKernel, y: &Tensor, g: &Tensor, out: &Tensor) -> Result<()> {
    crate::ensure!(
        y.is_contiguous() && g.is_contiguous() && out.is_contiguous(),
        runtime,
        "internal error: {} needs contiguous rows",
        k.backward_name()
    );
    let n = *y.shape().last().unwrap_or(&1);
    let rows = y.numel() / n.max(1);
    let log = k == SoftmaxKernel::LogSoftmax;
    macro_rules! rows {
        ($t:ty, $exp:expr) => {{
            let (py, pg, po) = (
                SendPtr(y.cpu_ptr::<$t>()?),
                SendPtr(g.cpu_ptr::<$t>()?),
                SendPtr(out.cpu_ptr::<$t>()?),
            );
            parallel::for_chunks(rows, n * 4, |s, e| {
                for r in s..e {
                    let off = (r * n) as isize;
                    // SAFETY: row r lies within the three contiguous buffers of rows * n
                    // elements; `out` is fresh, so it aliases neither input.
                    let (yr, gr, or) = unsafe {
                        (
                            std::slice::from_raw_parts(py.at(off), n),
                            std::slice::from_raw_parts(pg.at(off), n),
                            std::slice::from_raw_parts_mut(po.at(off), n),
                        )
                    };
                    backward_row(yr, gr, or, log, $exp);
                }
            });
        }};
    }
    match y.dtype() {
        DType::F32 => rows!(f32, super::simd::map_f32::<super::simd::Exp>),
        DType::F64 => rows!(f64, super::simd::map_f64::<super::simd::Exp>),
        dt => return Err(crate::ops::unsupported(k.backward_name(), dt)),
    }
    Ok(())
}

fn backward_row<T: Float>(yr: &[T], gr: &[T], or: &mut [T], log: bool, exp: fn(&mut [T], &[T])) {
    #[cfg(target_arch = "x86_64")]
    if super::iter::isa() != super::iter::Isa::Baseline {
        // SAFETY: the CPU has AVX2 and FMA.
        return unsafe { backward_row_avx2(yr, gr, or, log, exp) };
    }
    backward_row_body(yr, gr, or, log, exp)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn backward_row_avx2<T: Float>(
    yr: &[T],
    gr: &[T],
    or: &mut [T],
    log: bool,
    exp: fn(&mut [T], &[T]),
) {
    backward_row_body(yr, gr, or, log, exp)
}

#[inline(always)]
fn backward_row_body<T: Float>(
    yr: &[T],
    gr: &[T],
    or: &mut [T],
    log: bool,
    exp: fn(&mut [T], &[T]),
) {
    let zero = T::from_f64(0.0);
    // The row's sum in LANES independent accumulators (no float reassociation by LLVM).
    let mut acc = [zero; LANES];
    let (mut ys, mut gs) = (yr.chunks_exact(LANES), gr.chunks_exact(LANES));
    for (yc, gc) in (&mut ys).zip(&mut gs) {
        for i in 0..LANES {
            acc[i] = acc[i] + if log { gc[i] } else { gc[i] * yc[i] };
        }
    }
    let mut s = acc.iter().fold(zero, |a, &b| a + b);
    for (&yv, &gv) in ys.remainder().iter().zip(gs.remainder()) {
        s = s + if log { gv } else { gv * yv };
    }
    if log {
        exp(or, yr);
        for (o, &gv) in or.iter_mut().zip(gr) {
            *o = gv - *o * s;
        }
    } else {
        for ((o, &yv), &gv) in or.iter_mut().zip(yr).zip(gr) {
            *o = yv * (gv - s);
        }
    }
}

//! BLAS-level products: mm, bmm, mv, dot, matmul, outer, with their derivatives (the
//! `beta * input + alpha * product` family is `addmm.rs`). f32/f64 GEMM goes through faer on strided views (transposed or sliced
//! operands are never copied); half types upcast to f32; integers use a plain loop.

use crate::autograd::{expose_saved, needs_grad, record, Saved, SavedTensor};
use crate::dtype::Real;
use crate::layout::shape_str;
use crate::ops::binary::mul;
use crate::ops::movement::{expand, reshape, t, transpose, unsqueeze};
use crate::ops::{Kind, OpInfo};
use crate::{bail, ensure, parallel, with_dtype, DType, Result, Tensor};
use faer::{Accum, MatMut, MatRef, Par};

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[OpInfo] = &[
    OpInfo::inputs("mm", Kind::Blas, &[&[2, 3], &[3, 2]], |t| mm(&t[0], &t[1])).differentiable(),
    OpInfo::inputs("bmm", Kind::Blas, &[&[2, 2, 3], &[2, 3, 2]], |t| {
        bmm(&t[0], &t[1])
    })
    .differentiable(),
    OpInfo::inputs("mv", Kind::Blas, &[&[2, 3], &[3]], |t| mv(&t[0], &t[1])).differentiable(),
    OpInfo::inputs("dot", Kind::Blas, &[&[3], &[3]], |t| dot(&t[0], &t[1])).differentiable(),
    OpInfo::inputs("matmul", Kind::Blas, &[&[2, 2, 3], &[3]], |t| {
        matmul(&t[0], &t[1])
    })
    .differentiable(),
    OpInfo::inputs("outer", Kind::Blas, &[&[2], &[3]], |t| outer(&t[0], &t[1])).differentiable(),
];

fn check_dtypes(op: &str, a: &Tensor, b: &Tensor) -> Result<()> {
    ensure!(
        a.dtype() == b.dtype(),
        runtime,
        "expected m1 and m2 to have the same dtype, but got: {} != {}",
        a.dtype().name(),
        b.dtype().name()
    );
    if a.dtype() == DType::Bool && a.numel() > 0 && b.numel() > 0 {
        return Err(crate::ops::unsupported(
            if op == "dot" {
                "dot"
            } else {
                "addmm_impl_cpu_"
            },
            DType::Bool,
        ));
    }
    Ok(())
}

/// Normalised (rows, cols, row stride, col stride) of the last two dims at `offset`.
fn mat_dims(t: &Tensor) -> (usize, usize, isize, isize) {
    let n = t.ndim();
    let (r, c) = (t.shape()[n - 2], t.shape()[n - 1]);
    let (mut rs, mut cs) = (t.strides()[n - 2], t.strides()[n - 1]);
    // NOTE: size-1 dims may carry any stride; faer's fast paths want unit strides there.
    if r <= 1 {
        rs = c.max(1) as isize;
    }
    if c <= 1 {
        cs = 1;
    }
    (r, c, rs, cs)
}

/// `out[b] (=|+=) alpha * a[b] @ b[b]` for every batch index; `out` is fresh contiguous
/// (so it never aliases the inputs). Batch dims of a and b are already broadcast to out's.
pub(super) fn gemm_batched(
    out: &Tensor,
    a: &Tensor,
    b: &Tensor,
    accumulate: bool,
    alpha: f64,
) -> Result<()> {
    let nb: usize = out.shape()[..out.ndim() - 2].iter().product();
    let (m, k, ars, acs) = mat_dims(a);
    let (_, n, brs, bcs) = mat_dims(b);
    let (_, _, ors, ocs) = mat_dims(out);
    if nb == 0 || m == 0 || n == 0 {
        return Ok(());
    }
    let batch_offsets = |t: &Tensor| -> Vec<isize> {
        let nd = t.ndim() - 2;
        let shape = &t.shape()[..nd];
        let strides = &t.strides()[..nd];
        let mut offs = Vec::with_capacity(nb);
        for i in 0..nb {
            let (mut rem, mut off) = (i, 0isize);
            for d in (0..nd).rev() {
                off += (rem % shape[d]) as isize * strides[d];
                rem /= shape[d];
            }
            offs.push(off);
        }
        offs
    };
    let (oa, ob, oo) = (batch_offsets(a), batch_offsets(b), batch_offsets(out));
    let work = m * n * k;
    macro_rules! run {
        ($T:ty) => {{
            let (pa, pb, po) = (
                a.cpu_ptr::<$T>()? as usize,
                b.cpu_ptr::<$T>()? as usize,
                out.cpu_ptr::<$T>()? as usize,
            );
            let one = |i: usize, par: Par| unsafe {
                let am =
                    MatRef::<$T>::from_raw_parts((pa as *const $T).offset(oa[i]), m, k, ars, acs);
                let bm =
                    MatRef::<$T>::from_raw_parts((pb as *const $T).offset(ob[i]), k, n, brs, bcs);
                let om =
                    MatMut::<$T>::from_raw_parts_mut((po as *mut $T).offset(oo[i]), m, n, ors, ocs);
                let acc = if accumulate {
                    Accum::Add
                } else {
                    Accum::Replace
                };
                if k == 0 {
                    if !accumulate {
                        for r in 0..m as isize {
                            for c in 0..n as isize {
                                *(po as *mut $T).offset(oo[i] + r * ors + c * ocs) = 0 as $T;
                            }
                        }
                    }
                    return;
                }
                faer::linalg::matmul::matmul(om, acc, am, bm, alpha as $T, par);
            };
            if work < 48 * 48 * 48 && nb == 1 {
                one(0, Par::Seq);
            } else if work < 128 * 128 * 128 && nb > 1 {
                // Many small products: parallel over the batch, sequential inside.
                parallel::for_chunks(nb, work, |s, e| (s..e).for_each(|i| one(i, Par::Seq)));
            } else {
                // NOTE: Par::rayon(0) means "the current pool"; outside `install` that would be
                // rayon's global pool, which is not fork-safe, so one thread means Seq.
                if parallel::get_num_threads() > 1 {
                    parallel::install(|| (0..nb).for_each(|i| one(i, Par::rayon(0))));
                } else {
                    (0..nb).for_each(|i| one(i, Par::Seq));
                }
            }
        }};
    }
    match out.dtype() {
        DType::F32 => run!(f32),
        DType::F64 => run!(f64),
        dt => with_dtype!(dt, T, {
            // Integer products: a plain triple loop in i64 (wrapping, as C++ would).
            let (pa, pb, po) = (a.cpu_ptr::<T>()?, b.cpu_ptr::<T>()?, out.cpu_ptr::<T>()?);
            for i in 0..nb {
                for r in 0..m as isize {
                    for c in 0..n as isize {
                        let mut s = 0i64;
                        for j in 0..k as isize {
                            // SAFETY: indices within the validated shapes.
                            unsafe {
                                let x = (*pa.offset(oa[i] + r * ars + j * acs)).to_i64();
                                let y = (*pb.offset(ob[i] + j * brs + c * bcs)).to_i64();
                                s = s.wrapping_add(x.wrapping_mul(y));
                            }
                        }
                        unsafe {
                            let o = po.offset(oo[i] + r * ors + c * ocs);
                            let prev = if accumulate { (*o).to_i64() } else { 0 };
                            *o = T::from_i64(prev.wrapping_add(s.wrapping_mul(alpha as i64)));
                        }
                    }
                }
            }
        }),
    }
    Ok(())
}

/// a @ b over broadcast batch dims (no autograd); half types compute in f32.
fn matmul_raw(a: &Tensor, b: &Tensor, batch: &[usize]) -> Result<Tensor> {
    let dt = a.dtype();
    if matches!(dt, DType::F16 | DType::BF16) {
        let r = matmul_raw(
            &crate::ops::cast::cast_copy(a, DType::F32)?,
            &crate::ops::cast::cast_copy(b, DType::F32)?,
            batch,
        )?;
        return crate::ops::cast::cast_copy(&r, dt);
    }
    let (m, n) = (a.shape()[a.ndim() - 2], b.shape()[b.ndim() - 1]);
    let k = a.shape()[a.ndim() - 1];
    let mut oshape: Vec<usize> = batch.to_vec();
    oshape.extend([m, n]);
    let out = a.new_empty(&oshape, dt)?;
    let mut ash: Vec<usize> = batch.to_vec();
    ash.extend([m, k]);
    let mut bsh: Vec<usize> = batch.to_vec();
    bsh.extend([k, n]);
    let av = a
        .detach()
        .view_with(a.layout().broadcast_to(&ash, "matmul")?);
    let bv = b
        .detach()
        .view_with(b.layout().broadcast_to(&bsh, "matmul")?);
    gemm_batched(&out, &av, &bv, false, 1.0)?;
    Ok(out)
}

pub fn mm(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    ensure!(a.ndim() == 2, runtime, "self must be a matrix");
    ensure!(b.ndim() == 2, runtime, "mat2 must be a matrix");
    ensure!(
        a.shape()[1] == b.shape()[0],
        runtime,
        "mat1 and mat2 shapes cannot be multiplied ({}x{} and {}x{})",
        a.shape()[0],
        a.shape()[1],
        b.shape()[0],
        b.shape()[1]
    );
    check_dtypes("mm", a, b)?;
    let out = matmul_raw(a, b, &[])?;
    record_mm("MmBackward0", a, b, &out);
    Ok(out)
}

/// Records the product rule for (batched) matrix products: dA = g Bᵀ, dB = Aᵀ g.
fn record_mm(name: &'static str, a: &Tensor, b: &Tensor, out: &Tensor) {
    if !needs_grad(&[a, b]) {
        return;
    }
    let (sa, sb) = (SavedTensor::input(a), SavedTensor::input(b));
    record(name, &[a, b], &[out], move |ctx, g| {
        let ga = if ctx.needs(0) {
            Some(matmul(&g[0], &transpose(&sb.unpack(ctx)?, -1, -2)?)?)
        } else {
            None
        };
        let gb = if ctx.needs(1) {
            Some(matmul(&transpose(&sa.unpack(ctx)?, -1, -2)?, &g[0])?)
        } else {
            None
        };
        Ok(vec![ga, gb])
    });
    // Each operand is kept for the other's gradient; mm also keeps each operand's sizes,
    // and its strides for its own gradient (torch's `_sym_strides`, empty otherwise).
    let (ga, gb) = (a.requires_grad(), b.requires_grad());
    let mut saved = vec![
        ("self", Saved::input_if(gb, a)),
        ("mat2", Saved::input_if(ga, b)),
    ];
    if name == "MmBackward0" {
        let strides_if =
            |keep: bool, t: &Tensor| Saved::strides(if keep { t.strides() } else { &[] });
        saved.extend([
            ("self_sym_sizes", Saved::sizes(a.shape())),
            ("self_sym_strides", strides_if(ga, a)),
            ("mat2_sym_sizes", Saved::sizes(b.shape())),
            ("mat2_sym_strides", strides_if(gb, b)),
        ]);
    }
    expose_saved(out, || saved);
}

pub fn bmm(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    ensure!(a.ndim() == 3, runtime, "batch1 must be a 3D tensor");
    ensure!(b.ndim() == 3, runtime, "batch2 must be a 3D tensor");
    check_dtypes("bmm", a, b)?;
    ensure!(
        a.shape()[0] == b.shape()[0] && a.shape()[2] == b.shape()[1],
        runtime,
        "Expected size for first two dimensions of batch2 tensor to be: [{}, {}] but got: [{}, {}].",
        a.shape()[0],
        a.shape()[2],
        b.shape()[0],
        b.shape()[1]
    );
    let out = matmul_raw(a, b, &a.shape()[..1])?;
    record_mm("BmmBackward0", a, b, &out);
    Ok(out)
}

pub fn mv(a: &Tensor, v: &Tensor) -> Result<Tensor> {
    ensure!(
        a.ndim() == 2 && v.ndim() == 1,
        runtime,
        "vector + matrix @ vector expected, got {}, {}, {}",
        1,
        a.ndim(),
        v.ndim()
    );
    check_dtypes("mv", a, v)?;
    ensure!(
        a.shape()[1] == v.shape()[0],
        runtime,
        "size mismatch, got input ({}), mat ({}x{}), vec ({})",
        a.shape()[0],
        a.shape()[0],
        a.shape()[1],
        v.shape()[0]
    );
    let col = v.detach().view_with(v.layout().unsqueeze(1));
    let out = matmul_raw(a, &col, &[])?;
    let out = out
        .view_with(out.layout().select(1, 0))
        .contiguous()?
        .detach();
    if needs_grad(&[a, v]) {
        let (sa, sv) = (SavedTensor::input(a), SavedTensor::input(v));
        record("MvBackward0", &[a, v], &[&out], move |ctx, g| {
            let ga = if ctx.needs(0) {
                Some(outer(&g[0], &sv.unpack(ctx)?)?)
            } else {
                None
            };
            let gv = if ctx.needs(1) {
                Some(mv(&t(&sa.unpack(ctx)?)?, &g[0])?)
            } else {
                None
            };
            Ok(vec![ga, gv])
        });
        let saved = vec![
            ("self", Saved::input_if(v.requires_grad(), a)),
            ("vec", Saved::input_if(a.requires_grad(), v)),
        ];
        expose_saved(&out, || saved);
    }
    Ok(out)
}

pub fn dot(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    ensure!(
        a.ndim() == 1 && b.ndim() == 1,
        runtime,
        "1D tensors expected, but got {}D and {}D tensors",
        a.ndim(),
        b.ndim()
    );
    ensure!(
        a.dtype() == b.dtype(),
        runtime,
        "dot : expected both vectors to have same dtype, but found {} and {}",
        a.dtype().scalar_name(),
        b.dtype().scalar_name()
    );
    check_dtypes("dot", a, b)?;
    ensure!(
        a.shape()[0] == b.shape()[0],
        runtime,
        "inconsistent tensor size, expected tensor [{}] and src [{}] to have the same number of elements, but got {} and {} elements respectively",
        a.shape()[0],
        b.shape()[0],
        a.shape()[0],
        b.shape()[0]
    );
    let row = a.detach().view_with(a.layout().unsqueeze(0));
    let col = b.detach().view_with(b.layout().unsqueeze(1));
    let r = matmul_raw(&row, &col, &[])?;
    let out = reshape(&r, &[])?.detach();
    if needs_grad(&[a, b]) {
        let (sa, sb) = (SavedTensor::input(a), SavedTensor::input(b));
        record("DotBackward0", &[a, b], &[&out], move |ctx, g| {
            Ok(vec![
                Some(mul(&g[0], &sb.unpack(ctx)?)?),
                Some(mul(&g[0], &sa.unpack(ctx)?)?),
            ])
        });
        let saved = vec![
            ("self", Saved::input_if(b.requires_grad(), a)),
            ("tensor", Saved::input_if(a.requires_grad(), b)),
        ];
        expose_saved(&out, || saved);
    }
    Ok(out)
}

pub fn outer(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    ensure!(
        a.ndim() == 1 && b.ndim() == 1,
        runtime,
        "outer: expected 1D tensors, but got {}D and {}D tensors",
        a.ndim(),
        b.ndim()
    );
    // PyTorch's: a.reshape(n, 1) * b (a view, so its node is ViewBackward0).
    mul(&reshape(a, &[a.shape()[0] as i64, 1])?, b)
}

/// `torch.matmul` for every rank combination, broadcasting batch dims.
pub fn matmul(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    let (da, db) = (a.ndim(), b.ndim());
    ensure!(
        da > 0 && db > 0,
        runtime,
        "both arguments to matmul need to be at least 1D, but they are {da}D and {db}D"
    );
    match (da, db) {
        (1, 1) => dot(a, b),
        (2, 1) => mv(a, b),
        (1, 2) => {
            let r = mm(&unsqueeze(a, 0)?, b)?;
            crate::ops::movement::squeeze_dim_as("SqueezeBackward4", &r, 0)
        }
        (2, 2) => mm(a, b),
        _ => {
            // Batched: promote 1-D operands to matrices, broadcast batch dims, bmm.
            let a2 = if da == 1 { unsqueeze(a, 0)? } else { a.clone() };
            let b2 = if db == 1 { unsqueeze(b, 1)? } else { b.clone() };
            check_dtypes("matmul", &a2, &b2)?;
            let (ka, kb) = (a2.shape()[a2.ndim() - 1], b2.shape()[b2.ndim() - 2]);
            if ka != kb {
                bail!(
                    runtime,
                    "Expected size for first two dimensions of batch2 tensor to be: [{}, {}] but got: [{}, {}].",
                    ka,
                    ka,
                    kb,
                    b2.shape()[b2.ndim() - 1]
                );
            }
            let batch = crate::layout::broadcast_shapes(
                &a2.shape()[..a2.ndim() - 2],
                &b2.shape()[..b2.ndim() - 2],
            )
            .map_err(|_| {
                crate::Error::runtime(format!(
                    "matmul: batch dimensions of {} and {} cannot be broadcast",
                    shape_str(a.shape()),
                    shape_str(b.shape())
                ))
            })?;
            let mut ash = batch.to_vec();
            ash.extend_from_slice(&a2.shape()[a2.ndim() - 2..]);
            let mut bsh = batch.to_vec();
            bsh.extend_from_slice(&b2.shape()[b2.ndim() - 2..]);
            let (ae, be) = (expand(&a2, &ash)?, expand(&b2, &bsh)?);
            let out = matmul_raw(&ae, &be, &batch)?;
            record_mm("BmmBackward0", &ae, &be, &out);
            let mut r = out;
            if da == 1 {
                r = crate::ops::movement::squeeze_dim(&r, -2)?;
            }
            if db == 1 {
                r = crate::ops::movement::squeeze_dim(&r, -1)?;
            }
            Ok(r)
        }
    }
}

//! BLAS-level products: mm, bmm, mv, dot, matmul, outer, with their derivatives (the
//! `beta * input + alpha * product` family is `addmm.rs`). Half types compute in f32;
//! the GEMM itself is `backend::gemm` (faer on strided views for f32/f64).

use crate::autograd::{expose_saved, needs_grad, record, Saved, SavedTensor};
use crate::backend::{self, GemmKernel};
use crate::layout::{shape_str, Dims};
use crate::ops::binary::mul;
use crate::ops::movement::{expand, reshape, t, transpose, unsqueeze};
use crate::ops::{Kind, OpInfo};
use crate::{bail, ensure, DType, Result, Tensor};

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
            // PyTorch's dot and bmm name themselves; mm and the rest name addmm's kernel.
            match op {
                "dot" | "bmm" => op,
                _ => "addmm_impl_cpu_",
            },
            DType::Bool,
        ));
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
    let with = |last: [usize; 2]| -> Dims { batch.iter().copied().chain(last).collect() };
    let out = a.new_empty(&with([m, n]), dt)?;
    // An operand already of its broadcast shape (every 2-D mm, most bmm) goes to the kernel
    // as it is: the detached broadcast view costs two allocations a call.
    let fit = |t: &Tensor, shape: Dims| -> Result<Option<Tensor>> {
        if t.shape() == shape.as_slice() {
            return Ok(None);
        }
        let layout = t.layout().broadcast_to(&shape, "matmul")?;
        Ok(Some(t.detach().view_with(layout)))
    };
    let (av, bv) = (fit(a, with([m, k]))?, fit(b, with([k, n]))?);
    backend::gemm(
        GemmKernel::Mm,
        av.as_ref().unwrap_or(a),
        bv.as_ref().unwrap_or(b),
        &out,
    )?;
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
    record_mm("MmBackward0", a, b, &out)?;
    Ok(out)
}

/// Records the product rule for (batched) matrix products: dA = g Bᵀ, dB = Aᵀ g.
fn record_mm(name: &'static str, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    if !needs_grad(&[a, b]) {
        return Ok(());
    }
    let (sa, sb) = (SavedTensor::input(a)?, SavedTensor::input(b)?);
    let node = record(name, &[a, b], &[out], move |ctx, g| {
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
    expose_saved(&node, || saved);
    Ok(())
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
    record_mm("BmmBackward0", a, b, &out)?;
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
        let (sa, sv) = (SavedTensor::input(a)?, SavedTensor::input(v)?);
        let node = record("MvBackward0", &[a, v], &[&out], move |ctx, g| {
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
        expose_saved(&node, || saved);
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
        let (sa, sb) = (SavedTensor::input(a)?, SavedTensor::input(b)?);
        let node = record("DotBackward0", &[a, b], &[&out], move |ctx, g| {
            Ok(vec![
                Some(mul(&g[0], &sb.unpack(ctx)?)?),
                Some(mul(&g[0], &sa.unpack(ctx)?)?),
            ])
        });
        let saved = vec![
            ("self", Saved::input_if(b.requires_grad(), a)),
            ("tensor", Saved::input_if(a.requires_grad(), b)),
        ];
        expose_saved(&node, || saved);
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
            record_mm("BmmBackward0", &ae, &be, &out)?;
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

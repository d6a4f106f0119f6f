//! BLAS-level products: mm, bmm, mv, dot, matmul, outer and the add* family, with their
//! derivatives. f32/f64 GEMM goes through faer on strided views (transposed or sliced
//! operands are never copied); half types upcast to f32; integers use a plain loop.

use crate::autograd::{needs_grad, record, SavedTensor, TensorMeta};
use crate::dtype::Real;
use crate::layout::shape_str;
use crate::ops::binary::{add, mul};
use crate::ops::movement::{expand, reshape, t, transpose, unsqueeze};
use crate::{bail, ensure, parallel, with_dtype, DType, Result, Scalar, Tensor};
use faer::{Accum, MatMut, MatRef, Par};

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[crate::ops::OpInfo] = &[
    crate::ops::op("mm", crate::ops::Kind::Blas, true),
    crate::ops::op("bmm", crate::ops::Kind::Blas, true),
    crate::ops::op("mv", crate::ops::Kind::Blas, true),
    crate::ops::op("dot", crate::ops::Kind::Blas, true),
    crate::ops::op("matmul", crate::ops::Kind::Blas, true),
    crate::ops::op("outer", crate::ops::Kind::Blas, true),
    crate::ops::op("addmm", crate::ops::Kind::Blas, true),
    crate::ops::op("addmv", crate::ops::Kind::Blas, true),
    crate::ops::op("addr", crate::ops::Kind::Blas, true),
    crate::ops::op("addbmm", crate::ops::Kind::Blas, true),
    crate::ops::op("baddbmm", crate::ops::Kind::Blas, true),
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

fn scaled(x: &Tensor, s: Scalar) -> Result<Tensor> {
    if s == Scalar::Int(1) || s == Scalar::Float(1.0) {
        Ok(x.clone())
    } else {
        mul(x, &Tensor::wrapped_scalar(s))
    }
}

/// PyTorch's rules for beta/alpha against the result dtype.
fn check_scalars(result: DType, beta: Scalar, alpha: Scalar) -> Result<()> {
    for (name, v) in [("beta", beta), ("alpha", alpha)] {
        if result.is_integral(true) && matches!(v, Scalar::Float(_)) {
            bail!(
                runtime,
                "For integral input tensors, argument {name} must not be a floating point number."
            );
        }
        if result != DType::Bool && matches!(v, Scalar::Bool(_)) {
            bail!(
                runtime,
                "Boolean {name} only supported for Boolean results."
            );
        }
    }
    Ok(())
}

/// A beta/alpha converted to the result dtype's kind (addmm and friends truncate a float
/// alpha for integer results instead of promoting).
pub(super) fn coerce(s: Scalar, rt: DType) -> Result<Scalar> {
    s.check_fits(rt)?;
    let v = s.to_f64();
    Ok(match rt {
        DType::Bool => Scalar::Bool(v != 0.0),
        d if d.is_floating_point() => Scalar::Float(v),
        _ => Scalar::Int(s.to_i64()),
    })
}

/// Whether PyTorch's CPU kernel for a product of `dtype` goes through BLAS, whose
/// `alpha = 0` skips the product (inf/NaN in it never show); its own loops (half types,
/// small batched products, `addr`) multiply the product by alpha, so `0 * inf = nan`.
pub(super) fn blas_skips_product(dtype: DType) -> bool {
    matches!(dtype, DType::F32 | DType::F64)
}

/// `beta * input + alpha * product`, where beta = 0 ignores input (even NaN), and
/// alpha = 0 ignores the product when `skip_product` (see `blas_skips_product`).
fn add_scaled(
    input: &Tensor,
    product: &Tensor,
    beta: Scalar,
    alpha: Scalar,
    skip_product: bool,
) -> Result<Tensor> {
    input.layout().broadcast_to(product.shape(), "addmm")?;
    let rt = crate::ops::binary::result_type(&[input, product]);
    let (beta, alpha) = (coerce(beta, rt)?, coerce(alpha, rt)?);
    if skip_product && alpha.to_f64() == 0.0 {
        let all = crate::ops::factory::full(
            product.shape(),
            Scalar::Bool(true),
            DType::Bool,
            product.device(),
        )?;
        let zero = crate::ops::pointwise::where_(
            &all,
            &product.new_zeros(&[], product.dtype())?,
            product,
        )?;
        return add_scaled(input, &zero, beta, Scalar::Int(1), false);
    }
    let p = scaled(product, alpha)?;
    if beta.to_f64() == 0.0 {
        // Input is ignored (even NaN) but stays in the graph with a zero gradient.
        let all = crate::ops::factory::full(
            input.shape(),
            Scalar::Bool(true),
            DType::Bool,
            input.device(),
        )?;
        let zeroed =
            crate::ops::pointwise::where_(&all, &input.new_zeros(&[], input.dtype())?, input)?;
        return add(&zeroed, &p);
    }
    add(&scaled(input, beta)?, &p)
}

/// The gradient of one operand of a product from the output gradient and the other operand.
type ProductGrad = fn(&Tensor, &Tensor) -> Result<Tensor>;

/// `beta * input + alpha * product(a, b)` (addmm, addmv, addr, baddbmm, addbmm) as one
/// node, PyTorch's: `input` gets `beta * g` summed to its shape; `a` gets
/// `alpha * grad_a(g, b)` and `b` gets `alpha * grad_b(a, g)`. The forward is computed
/// without history; `input`, `a`, `b` are the op's arguments as the user passed them.
fn add_product(
    name: &'static str,
    [input, a, b]: [&Tensor; 3],
    beta: Scalar,
    alpha: Scalar,
    forward: impl FnOnce() -> Result<Tensor>,
    grad_a: ProductGrad,
    grad_b: ProductGrad,
) -> Result<Tensor> {
    let (sa, sb) = (SavedTensor::input(a), SavedTensor::input(b));
    let input_shape = input.dims();
    crate::autograd::fused(name, &[input, a, b], forward, move |ctx, g| {
        let g = &g[0];
        // Operands promoted in the forward (addr) take the gradient's dtype here too.
        let unpack = |s: &SavedTensor| -> Result<Tensor> {
            let t = s.unpack(ctx)?;
            if t.dtype() == g.dtype() {
                Ok(t)
            } else {
                crate::ops::cast::to_dtype(&t, g.dtype())
            }
        };
        let gi = match ctx.needs(0) {
            true => Some(crate::ops::reduce::sum_to_shape(
                &scaled(g, beta)?,
                &input_shape,
            )?),
            false => None,
        };
        let ga = match ctx.needs(1) {
            true => Some(scaled(&grad_a(g, &unpack(&sb)?)?, alpha)?),
            false => None,
        };
        let gb = match ctx.needs(2) {
            true => Some(scaled(&grad_b(&unpack(&sa)?, g)?, alpha)?),
            false => None,
        };
        Ok(vec![gi, ga, gb])
    })
}

/// `g` of a 2-D `addbmm` result repeated over the `batch` products it sums.
fn per_batch(g: &Tensor, batch: usize) -> Result<Tensor> {
    let mut shape = vec![batch];
    shape.extend_from_slice(g.shape());
    expand(&unsqueeze(g, 0)?, &shape)
}

pub fn addmm(
    input: &Tensor,
    m1: &Tensor,
    m2: &Tensor,
    beta: Scalar,
    alpha: Scalar,
) -> Result<Tensor> {
    if m1.ndim() == 2 && m2.ndim() == 2 {
        input
            .layout()
            .broadcast_to(&[m1.shape()[0], m2.shape()[1]], "addmm")?;
    }
    ensure!(
        input.dtype() == m1.dtype() && m1.dtype() == m2.dtype(),
        runtime,
        "self and mat2 must have the same dtype, but got {} and {}",
        input.dtype().scalar_name(),
        if input.dtype() != m1.dtype() {
            m1.dtype()
        } else {
            m2.dtype()
        }
        .scalar_name()
    );
    add_product(
        "AddmmBackward0",
        [input, m1, m2],
        beta,
        alpha,
        || match super::gemm_kernel::addmm_one_pass(input, m1, m2, beta, alpha)? {
            Some(out) => Ok(out),
            None => add_scaled(
                input,
                &mm(m1, m2)?,
                beta,
                alpha,
                blas_skips_product(m1.dtype()),
            ),
        },
        |g, m2| mm(g, &t(m2)?),
        |m1, g| mm(&t(m1)?, g),
    )
}

pub fn addmv(
    input: &Tensor,
    mat: &Tensor,
    vec: &Tensor,
    beta: Scalar,
    alpha: Scalar,
) -> Result<Tensor> {
    ensure!(
        input.ndim() <= 1 && mat.ndim() == 2 && vec.ndim() == 1,
        runtime,
        "vector + matrix @ vector expected, got {}, {}, {}",
        input.ndim(),
        mat.ndim(),
        vec.ndim()
    );
    ensure!(
        input.dtype() == mat.dtype() && mat.dtype() == vec.dtype(),
        runtime,
        "addmv input tensors must have the same dtype, but got {}, {}, and {}",
        input.dtype().scalar_name(),
        mat.dtype().scalar_name(),
        vec.dtype().scalar_name()
    );
    let (rows, cols) = (mat.shape()[0], mat.shape()[1]);
    let input_fits = input.ndim() == 0 || input.shape()[0] == rows || input.shape()[0] == 1;
    ensure!(
        vec.shape()[0] == cols && input_fits,
        runtime,
        "size mismatch, got input ({}), mat ({}x{}), vec ({})",
        input.shape().first().copied().unwrap_or(1),
        rows,
        cols,
        vec.shape()[0]
    );
    if mat.numel() == 0 && beta.to_f64() != 0.0 && input.shape() != &mat.shape()[..1] {
        // PyTorch returns beta * input in input's own shape here, unbroadcast (a 0-dim
        // input stays 0-dim even though the product has shape (rows,)).
        let rt = input.dtype();
        let b = Tensor::wrapped_scalar(coerce(beta, rt)?);
        let out = crate::autograd::no_grad(|| mul(input, &b))?;
        // mat and vec still take part (zero gradients), as in torch.
        if needs_grad(&[input, mat, vec]) {
            let shape = input.dims();
            let metas = [TensorMeta::of(mat), TensorMeta::of(vec)];
            record(
                "AddmvBackward0",
                &[input, mat, vec],
                &[&out],
                move |_, g| {
                    let gi = crate::ops::reduce::sum_to_shape(&mul(&g[0], &b)?, &shape)?;
                    Ok(vec![
                        Some(gi),
                        Some(metas[0].zeros()?),
                        Some(metas[1].zeros()?),
                    ])
                },
            );
        }
        return Ok(out);
    }
    add_product(
        "AddmvBackward0",
        [input, mat, vec],
        beta,
        alpha,
        || {
            add_scaled(
                input,
                &mv(mat, vec)?,
                beta,
                alpha,
                blas_skips_product(mat.dtype()),
            )
        },
        outer,
        |mat, g| mv(&t(mat)?, g),
    )
}

pub fn addr(
    input: &Tensor,
    v1: &Tensor,
    v2: &Tensor,
    beta: Scalar,
    alpha: Scalar,
) -> Result<Tensor> {
    // The outer product is formed in the result dtype (no rounding to a narrower input type).
    // torch expands `input` to the product's shape first, so a 0-dim input promotes like a
    // dimensioned operand.
    let rt = crate::dtype::promote_types(
        crate::dtype::promote_types(input.dtype(), v1.dtype()),
        v2.dtype(),
    );
    check_scalars(rt, beta, alpha)?;
    add_product(
        "AddrBackward0",
        [input, v1, v2],
        beta,
        alpha,
        || {
            let (a, b) = (
                crate::ops::cast::to_dtype(v1, rt)?,
                crate::ops::cast::to_dtype(v2, rt)?,
            );
            // The input joins in the result dtype too (`beta * uint8_input` must not go
            // to float32).
            let input = crate::ops::cast::to_dtype(input, rt)?;
            add_scaled(&input, &outer(&a, &b)?, beta, alpha, false)
        },
        mv,
        |v1, g| mv(&t(g)?, v1),
    )
}

pub fn baddbmm(
    input: &Tensor,
    b1: &Tensor,
    b2: &Tensor,
    beta: Scalar,
    alpha: Scalar,
) -> Result<Tensor> {
    ensure!(
        input.dtype() == b1.dtype() && b1.dtype() == b2.dtype(),
        runtime,
        "Input dtypes must be the same, got: input {}, batch1: {}, batch2: {}",
        input.dtype().cpp_name(),
        b1.dtype().cpp_name(),
        b2.dtype().cpp_name()
    );
    // Products under 400 multiply-adds per batch take PyTorch's own loop, not BLAS.
    let work = b1
        .shape()
        .get(1..)
        .map_or(0, |s| s.iter().product::<usize>())
        * b2.shape().get(2).copied().unwrap_or(0);
    let skip = blas_skips_product(b1.dtype()) && work >= 400;
    add_product(
        "BaddbmmBackward0",
        [input, b1, b2],
        beta,
        alpha,
        || add_scaled(input, &bmm(b1, b2)?, beta, alpha, skip),
        |g, b2| bmm(g, &transpose(b2, 1, 2)?),
        |b1, g| bmm(&transpose(b1, 1, 2)?, g),
    )
}

pub fn addbmm(
    input: &Tensor,
    b1: &Tensor,
    b2: &Tensor,
    beta: Scalar,
    alpha: Scalar,
) -> Result<Tensor> {
    ensure!(
        input.dtype() == b1.dtype() && b1.dtype() == b2.dtype(),
        runtime,
        "self and mat2 must have the same dtype, but got {} and {}",
        input.dtype().scalar_name(),
        if input.dtype() != b1.dtype() {
            b1.dtype()
        } else {
            b2.dtype()
        }
        .scalar_name()
    );
    add_product(
        "AddbmmBackward0",
        [input, b1, b2],
        beta,
        alpha,
        || {
            let p = crate::ops::reduce::sum(&bmm(b1, b2)?, Some(&[0]), false, Some(b1.dtype()))?;
            add_scaled(input, &p, beta, alpha, blas_skips_product(b1.dtype()))
        },
        |g, b2| bmm(&per_batch(g, b2.shape()[0])?, &transpose(b2, 1, 2)?),
        |b1, g| bmm(&transpose(b1, 1, 2)?, &per_batch(g, b1.shape()[0])?),
    )
}

//! The addmm family: `beta * input + alpha * product` for addmm, addmv, addr, baddbmm
//! and addbmm, each recorded as the one node PyTorch records, with PyTorch's rules for
//! beta and alpha (the products themselves are `matmul.rs`).

use super::matmul::{bmm, mm, mv, outer};
use crate::autograd::{expose_saved, needs_grad, record, Saved, SavedTensor, TensorMeta};
use crate::backend::{self, GemmKernel};
use crate::ops::binary::{add, mul};
use crate::ops::movement::{expand, t, transpose, unsqueeze};
use crate::ops::{Kind, OpInfo};
use crate::{bail, ensure, DType, Result, Scalar, Tensor};

/// addmm's and addbmm's dtype rule, in PyTorch's words (it names the first mismatch).
fn check_same_dtype(input: &Tensor, a: &Tensor, b: &Tensor) -> Result<()> {
    let other = if input.dtype() != a.dtype() { a } else { b };
    ensure!(
        input.dtype() == a.dtype() && a.dtype() == b.dtype(),
        runtime,
        "self and mat2 must have the same dtype, but got {} and {}",
        input.dtype().scalar_name(),
        other.dtype().scalar_name()
    );
    Ok(())
}

// The registry's sample call of the family: both scalings exercised.
const BETA: Scalar = Scalar::Float(0.5);
const ALPHA: Scalar = Scalar::Float(1.5);

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[OpInfo] = &[
    OpInfo::inputs("addmm", Kind::Blas, &[&[2, 2], &[2, 3], &[3, 2]], |t| {
        addmm(&t[0], &t[1], &t[2], BETA, ALPHA)
    })
    .differentiable(),
    OpInfo::inputs("addmv", Kind::Blas, &[&[2], &[2, 3], &[3]], |t| {
        addmv(&t[0], &t[1], &t[2], BETA, ALPHA)
    })
    .differentiable(),
    OpInfo::inputs("addr", Kind::Blas, &[&[2, 3], &[2], &[3]], |t| {
        addr(&t[0], &t[1], &t[2], BETA, ALPHA)
    })
    .differentiable(),
    OpInfo::inputs(
        "addbmm",
        Kind::Blas,
        &[&[2, 2], &[3, 2, 3], &[3, 3, 2]],
        |t| addbmm(&t[0], &t[1], &t[2], BETA, ALPHA),
    )
    .differentiable(),
    OpInfo::inputs(
        "baddbmm",
        Kind::Blas,
        &[&[3, 2, 2], &[3, 2, 3], &[3, 3, 2]],
        |t| baddbmm(&t[0], &t[1], &t[2], BETA, ALPHA),
    )
    .differentiable(),
];

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
fn coerce(s: Scalar, rt: DType) -> Result<Scalar> {
    // Half results scale in float32 (NOTE [ Half range checks ]).
    s.check_fits(rt.opmath())?;
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
fn blas_skips_product(dtype: DType) -> bool {
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
    let (sa, sb) = (SavedTensor::input(a)?, SavedTensor::input(b)?);
    let input_shape = input.dims();
    let (out, node) = crate::autograd::fused(name, &[input, a, b], forward, move |ctx, g| {
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
    })?;
    expose_product_saved(&node, name, a, b, beta, alpha);
    Ok(out)
}

/// The `_saved_*` of the addmm family's nodes, as torch shows them: each operand kept
/// only for the other's gradient; addmm also the operands' sizes and (for its own
/// gradient) strides, addbmm the batch sizes its gradient expands to.
fn expose_product_saved(
    node: &crate::autograd::Recorded,
    name: &'static str,
    a: &Tensor,
    b: &Tensor,
    beta: Scalar,
    alpha: Scalar,
) {
    expose_saved(node, || {
        let (na, nb) = match name {
            "AddmmBackward0" => ("mat1", "mat2"),
            "AddmvBackward0" => ("mat", "vec"),
            "AddrBackward0" => ("vec1", "vec2"),
            _ => ("batch1", "batch2"),
        };
        let (ga, gb) = (a.requires_grad(), b.requires_grad());
        let mut saved = vec![
            ("alpha", Saved::scalar(alpha)),
            ("beta", Saved::scalar(beta)),
            (na, Saved::input_if(gb, a)),
            (nb, Saved::input_if(ga, b)),
        ];
        let strides_if =
            |keep: bool, t: &Tensor| Saved::strides(if keep { t.strides() } else { &[] });
        match name {
            "AddmmBackward0" => saved.extend([
                ("mat1_sym_sizes", Saved::sizes(a.shape())),
                ("mat1_sym_strides", strides_if(ga, a)),
                ("mat2_sym_sizes", Saved::sizes(b.shape())),
                ("mat2_sym_strides", strides_if(gb, b)),
            ]),
            "AddbmmBackward0" => saved.extend([
                ("batch1_sym_argsize_0", Saved::size(a.shape()[0])),
                ("batch1_sym_argsize_1", Saved::size(a.shape()[1])),
                ("batch2_sym_argsize_2", Saved::size(b.shape()[2])),
            ]),
            _ => {}
        }
        saved
    });
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
    for (name, m) in [("mat1", m1), ("mat2", m2)] {
        ensure!(
            m.ndim() == 2,
            runtime,
            "{name} must be a matrix, got {}-D tensor",
            m.ndim()
        );
    }
    input
        .layout()
        .broadcast_to(&[m1.shape()[0], m2.shape()[1]], "addmm")?;
    check_same_dtype(input, m1, m2)?;
    add_product(
        "AddmmBackward0",
        [input, m1, m2],
        beta,
        alpha,
        || match addmm_one_pass(input, m1, m2, beta, alpha)? {
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

/// `beta * input + alpha * (m1 @ m2)` in one pass over the output for float32/float64
/// matrices (NOTE [ addmm in one pass ]); `None` where the general path must run (other
/// dtypes, and arguments whose errors `mm` reports).
fn addmm_one_pass(
    input: &Tensor,
    m1: &Tensor,
    m2: &Tensor,
    beta: Scalar,
    alpha: Scalar,
) -> Result<Option<Tensor>> {
    let dt = m1.dtype();
    let fits = m1.ndim() == 2 && m2.ndim() == 2 && m1.shape()[1] == m2.shape()[0];
    if !fits || !blas_skips_product(dt) || input.dtype() != dt || m2.dtype() != dt {
        return Ok(None);
    }
    let shape = [m1.shape()[0], m2.shape()[1]];
    let layout = input.layout().broadcast_to(&shape, "addmm")?;
    let k = GemmKernel::Addmm {
        input: (input, &layout),
        beta: coerce(beta, dt)?.to_f64(),
        alpha: coerce(alpha, dt)?.to_f64(),
    };
    let out = m1.new_empty(&shape, dt)?;
    backend::gemm(k, m1, m2, &out)?;
    Ok(Some(out))
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
            let node = record(
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
            expose_product_saved(&node, "AddmvBackward0", mat, vec, beta, alpha);
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
    check_same_dtype(input, b1, b2)?;
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

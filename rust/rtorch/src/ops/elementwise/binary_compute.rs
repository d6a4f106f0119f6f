//! What runs before a binary kernel (`binary.rs` has the ops' semantics and derivatives;
//! `backend::binary` the kernels): the dtype each op computes in and returns, the
//! integer-division checks, the half-with-scalar path, and the operands cast and
//! broadcast to the output, which is fresh or the caller's.

use crate::backend::{BinaryKernel, RoundingMode};
use crate::layout::{broadcast_shapes, Layout};
use crate::ops::binary::{check_cast, result_type};
use crate::ops::cast::cast_for_op;
use crate::ops::default_float;
use crate::{bail, ensure, DType, Result, Scalar, Tensor};

/// (compute dtype, output dtype) for `op` on inputs of common type `common`.
fn dtypes(op: BinaryKernel, common: DType, a: &Tensor, b: &Tensor) -> Result<(DType, DType)> {
    let name = op.name();
    Ok(match op {
        BinaryKernel::Div(RoundingMode::True) | BinaryKernel::Atan2
            if !common.is_floating_point() =>
        {
            (default_float(), default_float())
        }
        BinaryKernel::Eq
        | BinaryKernel::Ne
        | BinaryKernel::Lt
        | BinaryKernel::Le
        | BinaryKernel::Gt
        | BinaryKernel::Ge => (common, DType::Bool),
        BinaryKernel::LogicalAnd | BinaryKernel::LogicalOr | BinaryKernel::LogicalXor => {
            (DType::Bool, DType::Bool)
        }
        BinaryKernel::BitAnd | BinaryKernel::BitOr | BinaryKernel::BitXor => {
            if common.is_floating_point() {
                return Err(crate::ops::unsupported(&format!("{name}_cpu"), common));
            }
            (common, common)
        }
        BinaryKernel::Shl | BinaryKernel::Shr => {
            if common.is_floating_point() || common == DType::Bool {
                let kernel = if op == BinaryKernel::Shl {
                    "lshift_cpu"
                } else {
                    "rshift_cpu"
                };
                return Err(crate::ops::unsupported(kernel, common));
            }
            (common, common)
        }
        BinaryKernel::Sub(_) if a.dtype() == DType::Bool && b.dtype() == DType::Bool => {
            bail!(
                runtime,
                "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead."
            )
        }
        BinaryKernel::Sub(_) if a.dtype() == DType::Bool || b.dtype() == DType::Bool => {
            bail!(
                runtime,
                "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
            )
        }
        BinaryKernel::Div(RoundingMode::Floor | RoundingMode::Trunc)
        | BinaryKernel::Rem
        | BinaryKernel::Fmod
            if common == DType::Bool =>
        {
            let kernel = match op {
                BinaryKernel::Div(RoundingMode::Floor) => "div_floor_cpu",
                BinaryKernel::Div(_) => "div_trunc_cpu",
                _ => &format!("{name}_cpu"),
            };
            return Err(crate::ops::unsupported(kernel, common));
        }
        BinaryKernel::Pow if common == DType::Bool => {
            return Err(crate::ops::unsupported("pow", common))
        }
        _ => (common, common),
    })
}

/// Integer division family: zero divisors are an error, as in PyTorch.
fn check_int_division(op: BinaryKernel, compute: DType, b: &Tensor) -> Result<()> {
    let divides = matches!(
        op,
        BinaryKernel::Div(RoundingMode::Trunc | RoundingMode::Floor)
            | BinaryKernel::Rem
            | BinaryKernel::Fmod
    );
    if divides && compute.is_integral(true) {
        ensure!(!crate::backend::has_zero(b)?, runtime, "ZeroDivisionError");
    }
    if op == BinaryKernel::Pow && compute.is_integral(false) && b.is_wrapped_number() {
        let neg = b.to_vec::<i64>()?.iter().any(|&v| v < 0);
        ensure!(
            !neg,
            runtime,
            "Integers to negative integer powers are not allowed."
        );
    }
    Ok(())
}

/// `t` in the compute dtype `ct` with its layout broadcast to `shape` (`l` when no cast).
fn recast(
    t: &Tensor,
    l: Layout,
    ct: DType,
    shape: &[usize],
    op: BinaryKernel,
) -> Result<(Tensor, Layout)> {
    if t.dtype() == ct {
        return Ok((t.clone(), l));
    }
    let c = cast_for_op(t, ct)?;
    let l = c.layout().broadcast_to(shape, op.name())?;
    Ok((c, l))
}

// NOTE [ Half ops with a scalar ]
// PyTorch computes float16/bfloat16 arithmetic in float32 and reads a 0-dim second operand
// (a Python number or a 0-dim tensor) straight into float32, never rounding it to half
// first: `h * 1.1` multiplies by 1.1f, `h // 0.1` divides by 0.1f (999 for 100, not
// 1000), and `h * int32(2147483646)` multiplies by 2^31 instead of inf. Only the result is
// rounded to half.
fn half_with_scalar(
    op: BinaryKernel,
    ct: DType,
    ot: DType,
    a: &Tensor,
    b: &Tensor,
    out: Option<&Tensor>,
    shape: &[usize],
) -> Result<Option<Tensor>> {
    // NOTE: with an `alpha`, and for `sub` (PyTorch's add with alpha -1), the scalar is
    // rounded to half after all (measured: `h.add(0.1, alpha=3)` equals
    // `h + half(0.1) * 3`, and bfloat16 `h - 0.3` equals `h - bf16(0.3)`).
    let arithmetic = matches!(op, BinaryKernel::Mul | BinaryKernel::Div(_))
        || matches!(op, BinaryKernel::Add(al) if al == Scalar::Int(1));
    // An `out` (in-place) that the generic path would reject goes there for its error.
    let out_ok = out.is_none_or(|o| o.dtype() == ot && o.shape() == shape);
    let half_by_scalar = matches!(ct, DType::F16 | DType::BF16) && b.ndim() == 0 && a.ndim() > 0;
    if !(arithmetic && out_ok && half_by_scalar) {
        return Ok(None);
    }
    let wide = compute(
        op,
        &cast_for_op(a, DType::F32)?,
        &cast_for_op(b, DType::F32)?,
        None,
    )?;
    let out = match out {
        Some(o) => o.clone(),
        None => {
            let la = a.layout().broadcast_to(shape, op.name())?;
            a.new_elementwise(shape, ot, &[&la.strides])?
        }
    };
    crate::backend::copy(&out, &wide)?;
    Ok(Some(out))
}

/// Computes `op(a, b)` into a fresh tensor, or into `out` (which must have the broadcast
/// shape and a dtype the result can be cast to).
pub(super) fn compute(
    op: BinaryKernel,
    a: &Tensor,
    b: &Tensor,
    out: Option<&Tensor>,
) -> Result<Tensor> {
    let common = result_type(&[a, b]);
    let (ct, ot) = dtypes(op, common, a, b)?;
    let shape = broadcast_shapes(a.shape(), b.shape())?;
    check_int_division(op, ct, b)?;
    if let Some(r) = half_with_scalar(op, ct, ot, a, b, out, &shape)? {
        return Ok(r);
    }
    // The inputs' memory order (before any dtype cast copies them) decides the output's.
    let la = a.layout().broadcast_to(&shape, op.name())?;
    let lb = b.layout().broadcast_to(&shape, op.name())?;
    let out = match out {
        Some(o) => {
            check_cast(ot, o.dtype())?;
            ensure!(
                o.shape() == shape.as_slice(),
                runtime,
                "output with shape {} doesn't match the broadcast shape {}",
                crate::layout::shape_str(o.shape()),
                crate::layout::shape_str(&shape)
            );
            if o.dtype() != ot {
                // Compute in the op's own dtype, then convert into `out`.
                let tmp = compute(op, a, b, None)?;
                crate::backend::copy(o, &tmp)?;
                return Ok(o.clone());
            }
            o.clone()
        }
        // Contiguous operands of the full shape (or scalars): the everyday case.
        None if [a, b]
            .iter()
            .all(|t| t.ndim() == 0 || t.shape() == shape.as_slice() && t.is_contiguous()) =>
        {
            a.new_empty(&shape, ot)?
        }
        None => a.new_elementwise(&shape, ot, &[&la.strides, &lb.strides])?,
    };
    let (a, la) = recast(a, la, ct, &shape, op)?;
    let (b, lb) = recast(b, lb, ct, &shape, op)?;
    crate::backend::binary(op, (&a, &la), (&b, &lb), &out)?;
    Ok(out)
}

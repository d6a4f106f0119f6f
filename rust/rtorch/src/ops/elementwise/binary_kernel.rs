//! The kernel side of the binary ops (`binary.rs` has their semantics and derivatives):
//! the op ids, the dtype each one computes in, and the one strided, broadcasting loop that
//! runs them (with its scalar and half-precision fast paths).

use crate::backend::cpu::iter::{map2, SendPtr};
use crate::backend::cpu::num::Arith;
use crate::dtype::Real;
use crate::layout::{broadcast_shapes, Layout};
use crate::ops::binary::{check_cast, result_type, RoundingMode};
use crate::ops::cast::cast_for_op;
use crate::ops::default_float;
use crate::{bail, ensure, with_dtype, DType, Element, Result, Scalar, Tensor};

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Op {
    /// a + alpha * b
    Add(Scalar),
    /// a - alpha * b
    Sub(Scalar),
    Mul,
    Div(RoundingMode),
    Rem,
    Fmod,
    Pow,
    Atan2,
    Maximum,
    Minimum,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    LogicalAnd,
    LogicalOr,
    LogicalXor,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
}

fn op_name(op: Op) -> &'static str {
    match op {
        Op::Add(_) => "add",
        Op::Sub(_) => "sub",
        Op::Mul => "mul",
        Op::Div(RoundingMode::True) => "div",
        Op::Div(RoundingMode::Trunc) => "div_trunc",
        Op::Div(RoundingMode::Floor) => "div_floor",
        Op::Rem => "remainder",
        Op::Fmod => "fmod",
        Op::Pow => "pow",
        Op::Atan2 => "atan2",
        Op::Maximum => "maximum",
        Op::Minimum => "minimum",
        Op::Eq => "eq",
        Op::Ne => "ne",
        Op::Lt => "lt",
        Op::Le => "le",
        Op::Gt => "gt",
        Op::Ge => "ge",
        Op::LogicalAnd => "logical_and",
        Op::LogicalOr => "logical_or",
        Op::LogicalXor => "logical_xor",
        Op::BitAnd => "bitwise_and",
        Op::BitOr => "bitwise_or",
        Op::BitXor => "bitwise_xor",
        Op::Shl => "bitwise_left_shift",
        Op::Shr => "bitwise_right_shift",
    }
}

/// (compute dtype, output dtype) for `op` on inputs of common type `common`.
fn dtypes(op: Op, common: DType, a: &Tensor, b: &Tensor) -> Result<(DType, DType)> {
    let name = op_name(op);
    Ok(match op {
        Op::Div(RoundingMode::True) | Op::Atan2 if !common.is_floating_point() => {
            (default_float(), default_float())
        }
        Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge => (common, DType::Bool),
        Op::LogicalAnd | Op::LogicalOr | Op::LogicalXor => (DType::Bool, DType::Bool),
        Op::BitAnd | Op::BitOr | Op::BitXor => {
            if common.is_floating_point() {
                return Err(crate::ops::unsupported(&format!("{name}_cpu"), common));
            }
            (common, common)
        }
        Op::Shl | Op::Shr => {
            if common.is_floating_point() || common == DType::Bool {
                let kernel = if op == Op::Shl {
                    "lshift_cpu"
                } else {
                    "rshift_cpu"
                };
                return Err(crate::ops::unsupported(kernel, common));
            }
            (common, common)
        }
        Op::Sub(_) if a.dtype() == DType::Bool && b.dtype() == DType::Bool => {
            bail!(
                runtime,
                "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead."
            )
        }
        Op::Sub(_) if a.dtype() == DType::Bool || b.dtype() == DType::Bool => {
            bail!(
                runtime,
                "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
            )
        }
        Op::Div(RoundingMode::Floor | RoundingMode::Trunc) | Op::Rem | Op::Fmod
            if common == DType::Bool =>
        {
            let kernel = match op {
                Op::Div(RoundingMode::Floor) => "div_floor_cpu",
                Op::Div(_) => "div_trunc_cpu",
                _ => &format!("{name}_cpu"),
            };
            return Err(crate::ops::unsupported(kernel, common));
        }
        Op::Pow if common == DType::Bool => return Err(crate::ops::unsupported("pow", common)),
        _ => (common, common),
    })
}

/// Integer division family: zero divisors are an error, as in PyTorch.
fn check_int_division(op: Op, compute: DType, b: &Tensor) -> Result<()> {
    let divides = matches!(
        op,
        Op::Div(RoundingMode::Trunc | RoundingMode::Floor) | Op::Rem | Op::Fmod
    );
    if divides && compute.is_integral(true) {
        ensure!(!has_zero(b)?, runtime, "ZeroDivisionError");
    }
    if op == Op::Pow && compute.is_integral(false) && b.is_wrapped_number() {
        let neg = b.to_vec::<i64>()?.iter().any(|&v| v < 0);
        ensure!(
            !neg,
            runtime,
            "Integers to negative integer powers are not allowed."
        );
    }
    Ok(())
}

/// Whether `t` holds a zero, read in place through its strides (a divisor used to be
/// copied to the host first: a full-size `Vec` for every integer `//` and `%`). Runs
/// stop at their first zero; pool threads skip the rest once any has found one.
fn has_zero(t: &Tensor) -> Result<bool> {
    let found = std::sync::atomic::AtomicBool::new(false);
    let strides = t.strides_vec();
    with_dtype!(t.dtype(), T, {
        let p = SendPtr(t.cpu_addr()? as *mut T);
        crate::backend::cpu::iter::for_each_run(t.shape(), [&strides], 1, |off, n, st| {
            if found.load(std::sync::atomic::Ordering::Relaxed) {
                return;
            }
            // SAFETY: the run lies inside t's view.
            let zero =
                (0..n as isize).any(|i| unsafe { !(*p.at(off[0] + i * st[0])).is_nonzero() });
            if zero {
                found.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        });
    });
    Ok(found.into_inner())
}

/// `t` in the compute dtype `ct` with its layout broadcast to `shape` (`l` when no cast).
fn recast(t: &Tensor, l: Layout, ct: DType, shape: &[usize], op: Op) -> Result<(Tensor, Layout)> {
    if t.dtype() == ct {
        return Ok((t.clone(), l));
    }
    let c = cast_for_op(t, ct)?;
    let l = c.layout().broadcast_to(shape, op_name(op))?;
    Ok((c, l))
}

// NOTE [ Half ops with a scalar ]
// PyTorch computes float16/bfloat16 arithmetic in float32 and reads a 0-dim second operand
// (a Python number or a 0-dim tensor) straight into float32, never rounding it to half
// first: `h * 1.1` multiplies by 1.1f, `h // 0.1` divides by 0.1f (999 for 100, not
// 1000), and `h * int32(2147483646)` multiplies by 2^31 instead of inf. Only the result is
// rounded to half.
fn half_with_scalar(
    op: Op,
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
    let arithmetic =
        matches!(op, Op::Mul | Op::Div(_)) || matches!(op, Op::Add(al) if al == Scalar::Int(1));
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
            let la = a.layout().broadcast_to(shape, op_name(op))?;
            a.new_elementwise(shape, ot, &[&la.strides])?
        }
    };
    crate::ops::cast::copy_into(&out, &wide)?;
    Ok(Some(out))
}

/// Computes `op(a, b)` into a fresh tensor, or into `out` (which must have the broadcast
/// shape and a dtype the result can be cast to).
#[allow(
    clippy::bool_comparison,
    reason = "the body is expanded for every dtype; for bool, `<` is torch's false < true"
)]
pub(super) fn compute(op: Op, a: &Tensor, b: &Tensor, out: Option<&Tensor>) -> Result<Tensor> {
    let common = result_type(&[a, b]);
    let (ct, ot) = dtypes(op, common, a, b)?;
    let shape = broadcast_shapes(a.shape(), b.shape())?;
    check_int_division(op, ct, b)?;
    if let Some(r) = half_with_scalar(op, ct, ot, a, b, out, &shape)? {
        return Ok(r);
    }
    // The inputs' memory order (before any dtype cast copies them) decides the output's.
    let la = a.layout().broadcast_to(&shape, op_name(op))?;
    let lb = b.layout().broadcast_to(&shape, op_name(op))?;
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
                crate::ops::cast::copy_into(o, &tmp)?;
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
    let po = out.cpu_addr()?;
    let (pa, pb) = (a.cpu_addr()?, b.cpu_addr()?);
    let os = out.strides_vec();
    with_dtype!(ct, T, {
        let pa = SendPtr(pa as *mut T);
        let pb = SendPtr(pb as *mut T);
        let sa = (pa, la.strides.as_slice());
        let sb = (pb, lb.strides.as_slice());
        // SAFETY: all three views are valid over `shape` for their element types.
        unsafe {
            if ot == DType::Bool && ct != DType::Bool
                || matches!(op, Op::LogicalAnd | Op::LogicalOr | Op::LogicalXor)
            {
                let o = (SendPtr(po as *mut bool), os.as_slice());
                match op {
                    Op::Eq => map2(&shape, o, sa, sb, 1, |x: T, y: T| x == y),
                    Op::Ne => map2(&shape, o, sa, sb, 1, |x: T, y: T| x != y),
                    Op::Lt => map2(&shape, o, sa, sb, 1, |x: T, y: T| x < y),
                    Op::Le => map2(&shape, o, sa, sb, 1, |x: T, y: T| x <= y),
                    Op::Gt => map2(&shape, o, sa, sb, 1, |x: T, y: T| x > y),
                    Op::Ge => map2(&shape, o, sa, sb, 1, |x: T, y: T| x >= y),
                    Op::LogicalAnd => map2(&shape, o, sa, sb, 1, |x: T, y: T| {
                        x.is_nonzero() && y.is_nonzero()
                    }),
                    Op::LogicalOr => map2(&shape, o, sa, sb, 1, |x: T, y: T| {
                        x.is_nonzero() || y.is_nonzero()
                    }),
                    Op::LogicalXor => map2(&shape, o, sa, sb, 1, |x: T, y: T| {
                        x.is_nonzero() != y.is_nonzero()
                    }),
                    _ => unreachable!("{op:?} has a non-bool output"),
                }
            } else {
                let o = (SendPtr(po as *mut T), os.as_slice());
                match op {
                    Op::Add(Scalar::Int(1)) => {
                        map2(&shape, o, sa, sb, 1, |x: T, y: T| Arith::add(x, y))
                    }
                    Op::Add(alpha) => {
                        let al: T = alpha.cast();
                        map2(&shape, o, sa, sb, 1, move |x: T, y: T| {
                            Arith::add(x, y.mul(al))
                        })
                    }
                    Op::Sub(Scalar::Int(1)) => {
                        map2(&shape, o, sa, sb, 1, |x: T, y: T| Arith::sub(x, y))
                    }
                    Op::Sub(alpha) => {
                        let al: T = alpha.cast();
                        map2(&shape, o, sa, sb, 1, move |x: T, y: T| {
                            Arith::sub(x, y.mul(al))
                        })
                    }
                    Op::Mul => map2(&shape, o, sa, sb, 1, |x: T, y: T| Arith::mul(x, y)),
                    Op::Div(RoundingMode::True) => {
                        map2(&shape, o, sa, sb, 1, |x: T, y: T| Arith::div(x, y))
                    }
                    Op::Div(RoundingMode::Trunc) => map2(&shape, o, sa, sb, 2, |x: T, y: T| {
                        if T::DTYPE.is_floating_point() {
                            T::elem_from_f64(Arith::div(x, y).to_f64().trunc())
                        } else {
                            Arith::div(x, y)
                        }
                    }),
                    Op::Div(RoundingMode::Floor) => {
                        map2(&shape, o, sa, sb, 2, |x: T, y: T| Arith::floor_div(x, y))
                    }
                    Op::Rem => map2(&shape, o, sa, sb, 2, |x: T, y: T| Arith::rem(x, y)),
                    Op::Fmod => map2(&shape, o, sa, sb, 2, |x: T, y: T| Arith::fmod(x, y)),
                    Op::Pow => map2(&shape, o, sa, sb, 8, |x: T, y: T| Arith::pow(x, y)),
                    Op::Atan2 => map2(&shape, o, sa, sb, 8, |x: T, y: T| {
                        T::elem_from_f64(x.to_f64().atan2(y.to_f64()))
                    }),
                    Op::Maximum => map2(&shape, o, sa, sb, 1, |x: T, y: T| Arith::maximum(x, y)),
                    Op::Minimum => map2(&shape, o, sa, sb, 1, |x: T, y: T| Arith::minimum(x, y)),
                    Op::BitAnd => map2(&shape, o, sa, sb, 1, |x: T, y: T| Arith::band(x, y)),
                    Op::BitOr => map2(&shape, o, sa, sb, 1, |x: T, y: T| Arith::bor(x, y)),
                    Op::BitXor => map2(&shape, o, sa, sb, 1, |x: T, y: T| Arith::bxor(x, y)),
                    Op::Shl | Op::Shr => {
                        let bits = 8 * T::DTYPE.itemsize() as i64;
                        let signed = T::DTYPE != DType::U8;
                        let left = op == Op::Shl;
                        map2(&shape, o, sa, sb, 1, move |x: T, y: T| {
                            T::from_i64(shift(x.to_i64(), y.to_i64(), bits, signed, left))
                        })
                    }
                    Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                        // bool inputs compared as bool: compute dtype is already the output dtype
                        let o = (SendPtr(po as *mut bool), os.as_slice());
                        match op {
                            Op::Eq => map2(&shape, o, sa, sb, 1, |x: T, y: T| x == y),
                            Op::Ne => map2(&shape, o, sa, sb, 1, |x: T, y: T| x != y),
                            Op::Lt => map2(&shape, o, sa, sb, 1, |x: T, y: T| x < y),
                            Op::Le => map2(&shape, o, sa, sb, 1, |x: T, y: T| x <= y),
                            Op::Gt => map2(&shape, o, sa, sb, 1, |x: T, y: T| x > y),
                            _ => map2(&shape, o, sa, sb, 1, |x: T, y: T| x >= y),
                        }
                    }
                    Op::LogicalAnd | Op::LogicalOr | Op::LogicalXor => unreachable!(),
                }
            }
        }
    });
    Ok(out)
}

// ----- forward + derivative, one function per op -----

/// Reduces a broadcast gradient back to an input's shape.
/// PyTorch's shifts on a `bits`-wide integer: a shift by a negative amount or by the
/// width or more gives 0 to the left, and the sign (0 or -1; 0 when unsigned) to the right.
#[inline(always)]
fn shift(x: i64, y: i64, bits: i64, signed: bool, left: bool) -> i64 {
    let out_of_range = y < 0 || y >= bits;
    match (left, out_of_range) {
        (true, true) => 0,
        (true, false) => x.wrapping_shl(y as u32),
        (false, true) if signed && x < 0 => -1,
        (false, true) => 0,
        (false, false) => x >> y,
    }
}

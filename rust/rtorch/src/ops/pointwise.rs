//! Ternary and parameterised pointwise ops: where, clamp, lerp, masked_fill, addcmul,
//! addcdiv. Most are composed from binary primitives, so derivatives come for free.

use super::binary::{add, div, mul, result_type, sub};
use super::cast::cast_for_op;
use super::iter::{map3, SendPtr};
use crate::autograd::{needs_grad, record, SavedTensor};
use crate::layout::broadcast_shapes;
use crate::{bail, ensure, with_dtype, DType, Result, Scalar, Tensor};

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[super::OpInfo] = &[
    super::op("clamp", super::Kind::Pointwise, true),
    super::op("lerp", super::Kind::Pointwise, true),
    super::op("where", super::Kind::Pointwise, true),
    super::op("masked_fill", super::Kind::Pointwise, true),
    super::op("addcmul", super::Kind::Pointwise, true),
    super::op("addcdiv", super::Kind::Pointwise, true),
];

/// `where(cond, a, b)`: picks from `a` where `cond` is true.
pub fn where_(cond: &Tensor, a: &Tensor, b: &Tensor) -> Result<Tensor> {
    ensure!(
        cond.dtype() == DType::Bool || cond.dtype() == DType::U8,
        runtime,
        "where expected condition to be a boolean tensor, but got a tensor with dtype {}",
        cond.dtype().scalar_name()
    );
    for t in [cond, a, b] {
        t.ensure_cpu("where")?;
    }
    let dt = result_type(&[a, b]);
    super::cast::check_wrapped(a, dt)?;
    super::cast::check_wrapped(b, dt)?;
    let shape = broadcast_shapes(&broadcast_shapes(cond.shape(), a.shape())?, b.shape())?;
    let layouts = |c: &Tensor, a: &Tensor, b: &Tensor| -> Result<[crate::layout::Layout; 3]> {
        Ok([
            c.layout().broadcast_to(&shape, "where")?,
            a.layout().broadcast_to(&shape, "where")?,
            b.layout().broadcast_to(&shape, "where")?,
        ])
    };
    let [lc, la, lb] = layouts(cond, a, b)?;
    let out = Tensor::try_uninit_like(&shape, dt, &[&lc.strides, &la.strides, &lb.strides])?;
    let (ac, bc) = (cast_for_op(a, dt)?, cast_for_op(b, dt)?);
    let cb = cast_for_op(cond, DType::Bool)?;
    let [lc, la, lb] = layouts(&cb, &ac, &bc)?;
    let os = out.strides_vec();
    with_dtype!(dt, T, {
        // SAFETY: all views are valid over `shape`.
        unsafe {
            map3(
                &shape,
                (SendPtr(out.data_ptr::<T>()), &os),
                (SendPtr(cb.data_ptr::<bool>()), &lc.strides),
                (SendPtr(ac.data_ptr::<T>()), &la.strides),
                (SendPtr(bc.data_ptr::<T>()), &lb.strides),
                |c: bool, x: T, y: T| if c { x } else { y },
            )
        }
    });
    if needs_grad(&[a, b]) {
        let sc = SavedTensor::input(cond);
        let (da, db) = (a.dims(), b.dims());
        record("WhereBackward0", &[a, b], &[&out], move |ctx, g| {
            let c = sc.unpack(ctx)?;
            let z = Tensor::wrapped_scalar(Scalar::Int(0));
            let ga = super::reduce::sum_to_shape(&where_(&c, &g[0], &z)?, &da)?;
            let gb = super::reduce::sum_to_shape(&where_(&c, &z, &g[0])?, &db)?;
            Ok(vec![Some(ga), Some(gb)])
        });
    }
    Ok(out)
}

pub fn masked_fill(x: &Tensor, mask: &Tensor, value: &Tensor) -> Result<Tensor> {
    ensure!(
        mask.dtype() == DType::Bool,
        runtime,
        "masked_fill_ only supports boolean masks, but got mask with dtype {}",
        mask.dtype().scalar_name()
    );
    ensure!(
        value.ndim() == 0,
        runtime,
        "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with {} dimension(s).",
        value.ndim()
    );
    broadcast_shapes(x.shape(), mask.shape())?;
    // The value is read as a number (a 0-dim tensor too) and must fit x's dtype.
    super::cast::scalar_of(value)?.check_fits(x.dtype())?;
    let v = super::cast::to_dtype(value, x.dtype())?;
    where_(mask, &v, x)
}

/// `clamp(x, min, max)` with tensor or scalar bounds (either may be absent).
pub fn clamp(x: &Tensor, min: Option<&Tensor>, max: Option<&Tensor>) -> Result<Tensor> {
    if min.is_none() && max.is_none() {
        bail!(
            runtime,
            "torch.clamp: At least one of 'min' or 'max' must not be None"
        );
    }
    // PyTorch's Python binding resolves a (tensor, number) pair of bounds to the overload
    // taking two numbers, so there a 0-dim tensor bound promotes as a Python number.
    let as_number = |t: &Tensor, other: Option<&Tensor>| -> Result<Option<Tensor>> {
        Ok(
            if t.ndim() == 0
                && !t.is_wrapped_number()
                && other.is_some_and(|o| o.is_wrapped_number())
            {
                Some(Tensor::wrapped_scalar(super::cast::scalar_of(t)?))
            } else {
                None
            },
        )
    };
    let min_num = min.map(|m| as_number(m, max)).transpose()?.flatten();
    let max_num = max.map(|m| as_number(m, min)).transpose()?.flatten();
    let (min, max) = (min_num.as_ref().or(min), max_num.as_ref().or(max));
    let mut bounds = vec![x];
    bounds.extend(min);
    bounds.extend(max);
    let rt = result_type(&bounds);
    for b in bounds[1..].iter() {
        super::cast::check_wrapped(b, rt)?;
    }
    if rt == DType::Bool {
        let kernel = match (min, max) {
            (Some(_), Some(_)) => "clamp_scalar_cpu",
            (Some(_), None) => "clamp_min_scalar_cpu",
            _ => "clamp_max_scalar_cpu",
        };
        return Err(super::unsupported(kernel, DType::Bool));
    }
    // Both bounds apply in the result dtype: `clamp(uint8, min=-2, max=3.25)` is float, and
    // -2 must not wrap in uint8 first (it does with `min` alone, in torch too).
    let in_rt = |t: &Tensor| -> Result<Tensor> {
        if t.is_wrapped_number() || t.dtype() == rt {
            Ok(t.clone())
        } else {
            super::cast::to_dtype(t, rt)
        }
    };
    let mut r = in_rt(x)?;
    // NaN in x propagates (maximum/minimum propagate NaN), as in PyTorch.
    if let Some(lo) = min {
        r = clamp_side(&r, &in_rt(lo)?, true)?;
    }
    if let Some(hi) = max {
        r = clamp_side(&r, &in_rt(hi)?, false)?;
    }
    Ok(r)
}

fn clamp_side(x: &Tensor, bound: &Tensor, is_min: bool) -> Result<Tensor> {
    let out = if is_min {
        super::binary::maximum(&x.detach(), &bound.detach())?
    } else {
        super::binary::minimum(&x.detach(), &bound.detach())?
    };
    // Result dtype follows x for Python-number bounds (maximum promotes the same way).
    if needs_grad(&[x, bound]) {
        let (sx, sb) = (SavedTensor::input(x), SavedTensor::input(bound));
        let (dx, dbnd) = (x.dims(), bound.dims());
        let name = if is_min {
            "ClampMinBackward1"
        } else {
            "ClampMaxBackward1"
        };
        record(name, &[x, bound], &[&out], move |ctx, g| {
            // Gradient flows to x where it is inside the bound, else to the bound.
            let (x, b) = (sx.unpack(ctx)?, sb.unpack(ctx)?);
            // torch: x gets it where inside, the bound where x is strictly outside, so a
            // NaN x gives nobody a gradient.
            let (inside, outside) = if is_min {
                (super::binary::ge(&x, &b)?, super::binary::lt(&x, &b)?)
            } else {
                (super::binary::le(&x, &b)?, super::binary::gt(&x, &b)?)
            };
            let z = Tensor::wrapped_scalar(Scalar::Int(0));
            let gx = super::reduce::sum_to_shape(&where_(&inside, &g[0], &z)?, &dx)?;
            let gb = super::reduce::sum_to_shape(&where_(&outside, &g[0], &z)?, &dbnd)?;
            Ok(vec![Some(gx), Some(gb)])
        });
    }
    Ok(out)
}

/// `lerp(start, end, weight) = start + weight * (end - start)`.
pub fn lerp(start: &Tensor, end: &Tensor, weight: &Tensor) -> Result<Tensor> {
    ensure!(
        start.dtype() == end.dtype(),
        runtime,
        "expected dtype {} for `end` but got dtype {}",
        start.dtype().name(),
        end.dtype().name()
    );
    if !start.dtype().is_floating_point() {
        return Err(super::unsupported("lerp_kernel_scalar", start.dtype()));
    }
    super::cast::check_wrapped(weight, start.dtype())?;
    let (s, e, w) = (start.clone(), end.clone(), weight.clone());
    // The value comes from the two-sided formula below; the derivative is one node with
    // torch's formula (the branch `where` drops would otherwise send 0 * inf = nan back).
    let prev = crate::autograd::set_grad_enabled(false);
    let out = in_f32(start, move |dt| {
        let (s, e, w) = (up(&s, dt)?, up(&e, dt)?, up(&w, dt)?);
        // PyTorch's formula: exact at both ends, from whichever end is nearer.
        let diff = sub(&e, &s)?;
        let near_start = add(&s, &mul(&w, &diff)?)?;
        // NOTE: 1 - w of a Python number stays a Python number (two wrapped scalars would
        // promote to the default float dtype and lose float64 precision).
        let one_minus_w = if w.is_wrapped_number() {
            Tensor::wrapped_scalar(Scalar::Float(1.0 - w.to_vec::<f64>()?[0]))
        } else {
            sub(&Tensor::wrapped_scalar(Scalar::Int(1)), &w)?
        };
        let near_end = sub(&e, &mul(&diff, &one_minus_w)?)?;
        let wd = if w.dtype() == DType::Bool {
            super::cast::to_dtype(&w.detach(), dt)?
        } else {
            w.detach()
        };
        let small = super::binary::lt(
            &super::unary::abs(&wd)?,
            &Tensor::wrapped_scalar(Scalar::Float(0.5)),
        )?;
        where_(&small, &near_start, &near_end)
    });
    crate::autograd::set_grad_enabled(prev);
    let out = out?;
    if needs_grad(&[start, end, weight]) {
        let scalar_w = weight.is_wrapped_number();
        let (ss, se, sw) = (
            SavedTensor::input(start),
            SavedTensor::input(end),
            SavedTensor::input(weight),
        );
        let (ds, de, dw) = (start.dims(), end.dims(), weight.dims());
        let name = if scalar_w {
            "LerpBackward0"
        } else {
            "LerpBackward1"
        };
        let inputs: Vec<&Tensor> = if scalar_w {
            vec![start, end]
        } else {
            vec![start, end, weight]
        };
        record(name, &inputs, &[&out], move |ctx, g| {
            let w = sw.unpack(ctx)?;
            // 1 - w of a Python number stays a float64 number.
            let one_minus_w = if scalar_w {
                Tensor::wrapped_scalar(Scalar::Float(1.0 - w.to_vec::<f64>()?[0]))
            } else {
                sub(&Tensor::wrapped_scalar(Scalar::Int(1)), &w)?
            };
            let gs = super::reduce::sum_to_shape(&mul(&g[0], &one_minus_w)?, &ds)?;
            let ge = super::reduce::sum_to_shape(&mul(&g[0], &w)?, &de)?;
            let mut grads = vec![Some(gs), Some(ge)];
            if !scalar_w {
                let diff = sub(&se.unpack(ctx)?, &ss.unpack(ctx)?)?;
                grads.push(Some(super::reduce::sum_to_shape(&mul(&g[0], &diff)?, &dw)?));
            }
            Ok(grads)
        });
    }
    Ok(out)
}

/// Computes a composite op in float32 when its result dtype is a half type (PyTorch uses
/// float "opmath" inside such kernels, rounding once at the end).
fn in_f32(like: &Tensor, f: impl FnOnce(DType) -> Result<Tensor>) -> Result<Tensor> {
    match like.dtype() {
        DType::F16 | DType::BF16 => super::cast::to_dtype(&f(DType::F32)?, like.dtype()),
        _ => f(like.dtype()),
    }
}

/// `t` in dtype `d` if it is a tensor of a half type (wrapped numbers stay as they are).
fn up(t: &Tensor, d: DType) -> Result<Tensor> {
    if t.is_wrapped_number() || !matches!(t.dtype(), DType::F16 | DType::BF16) {
        return Ok(t.clone());
    }
    super::cast::to_dtype(t, d)
}

/// `value` as the number `addcmul`/`addcdiv` scale by: checked against the result dtype and,
/// for integer results, truncated to an integer so the op stays in that dtype (PyTorch
/// converts the value to the result type rather than promoting).
fn scale_value(value: Scalar, rt: DType) -> Result<Tensor> {
    value.check_fits(rt)?;
    Ok(Tensor::wrapped_scalar(if rt.is_integral(false) {
        Scalar::Int(value.to_i64())
    } else {
        value
    }))
}

/// Operands of a composite pointwise op in its compute dtype `d` (wrapped numbers stay as
/// they are): every tensor takes part at full precision, as in PyTorch's fused kernels.
fn at(t: &Tensor, d: DType) -> Result<Tensor> {
    if t.is_wrapped_number() || t.dtype() == d {
        return Ok(t.clone());
    }
    super::cast::to_dtype(t, d)
}

/// `addcmul(x, t1, t2, value=1) = x + value * t1 * t2`.
pub fn addcmul(x: &Tensor, t1: &Tensor, t2: &Tensor, value: Scalar) -> Result<Tensor> {
    let rt = result_type(&[x, t1, t2]);
    if rt == DType::Bool {
        return Err(super::unsupported("addcmul_cpu_out", DType::Bool));
    }
    let v = scale_value(value, rt)?;
    let (x, t1, t2) = (x.clone(), t1.clone(), t2.clone());
    let (a, b) = (t1.clone(), t2.clone());
    // PyTorch multiplies in the order value * t1 * t2.
    let out = in_f32_rt(rt, move |d| {
        add(&at(&x, d)?, &mul(&mul(&v, &at(&t1, d)?)?, &at(&t2, d)?)?)
    })?;
    crate::autograd::guard_composite(&out, &[&a, &b]);
    Ok(out)
}

fn in_f32_rt(rt: DType, f: impl FnOnce(DType) -> Result<Tensor>) -> Result<Tensor> {
    match rt {
        DType::F16 | DType::BF16 => super::cast::to_dtype(&f(DType::F32)?, rt),
        _ => f(rt),
    }
}

/// `addcdiv(x, t1, t2, value=1) = x + value * t1 / t2`.
pub fn addcdiv(x: &Tensor, t1: &Tensor, t2: &Tensor, value: Scalar) -> Result<Tensor> {
    ensure!(
        !(t1.dtype().is_integral(true) && t2.dtype().is_integral(true)),
        runtime,
        "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes."
    );
    let rt = result_type(&[x, t1, t2]);
    let v = scale_value(value, rt)?;
    let (x, t1, t2) = (x.clone(), t1.clone(), t2.clone());
    let (a, b) = (t1.clone(), t2.clone());
    // PyTorch computes value * t1 / t2 in that order.
    let out = in_f32_rt(rt, move |d| {
        add(&at(&x, d)?, &div(&mul(&v, &at(&t1, d)?)?, &at(&t2, d)?)?)
    })?;
    crate::autograd::guard_composite(&out, &[&a, &b]);
    Ok(out)
}

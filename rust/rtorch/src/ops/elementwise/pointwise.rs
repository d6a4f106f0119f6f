//! Ternary and parameterised pointwise ops: where, clamp, lerp, masked_fill, addcmul,
//! addcdiv. Most are composed from binary primitives, so derivatives come for free.

use crate::autograd::{expose_saved, needs_grad, record, Saved, SavedTensor};
use crate::backend::{self, BinaryKernel, TernaryKernel};
use crate::layout::{broadcast_shapes, Dims, Layout};
use crate::ops::binary::{div, mul, result_type, sub};
use crate::ops::cast::cast_for_op;
use crate::ops::{Kind, OpInfo};
use crate::{bail, ensure, DType, Result, Scalar, Tensor};

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[OpInfo] = &[
    // Scalar bounds inside the sample values (0.2..0.8), away from them.
    OpInfo::inputs("clamp", Kind::Pointwise, &[&[4]], |t| {
        let (lo, hi) = (Tensor::scalar(0.3f64), Tensor::scalar(0.7f64));
        clamp(&t[0], Some(&lo), Some(&hi))
    })
    .differentiable(),
    OpInfo::inputs("lerp", Kind::Pointwise, &[&[4], &[4], &[4]], |t| {
        lerp(&t[0], &t[1], &t[2])
    })
    .differentiable(),
    OpInfo::inputs("where", Kind::Pointwise, &[&[4], &[4]], |t| {
        let cond = crate::ops::binary::gt(&t[0], &Tensor::scalar(0.5f64))?;
        where_(&cond, &t[0], &t[1])
    })
    .differentiable(),
    OpInfo::inputs("masked_fill", Kind::Pointwise, &[&[4]], |t| {
        let mask = crate::ops::binary::gt(&t[0], &Tensor::scalar(0.5f64))?;
        masked_fill(&t[0], &mask, &Tensor::scalar(-1.0f64))
    })
    .differentiable(),
    OpInfo::inputs("addcmul", Kind::Pointwise, &[&[4], &[4], &[4]], |t| {
        addcmul(&t[0], &t[1], &t[2], Scalar::Float(0.5))
    })
    .differentiable(),
    OpInfo::inputs("addcdiv", Kind::Pointwise, &[&[4], &[4], &[4]], |t| {
        addcdiv(&t[0], &t[1], &t[2], Scalar::Float(0.5))
    })
    .differentiable(),
];

/// `where(cond, a, b)`: picks from `a` where `cond` is true.
pub fn where_(cond: &Tensor, a: &Tensor, b: &Tensor) -> Result<Tensor> {
    ensure!(
        cond.dtype() == DType::Bool || cond.dtype() == DType::U8,
        runtime,
        "where expected condition to be a boolean tensor, but got a tensor with dtype {}",
        cond.dtype().scalar_name()
    );
    let dt = result_type(&[a, b]);
    crate::ops::cast::check_wrapped(a, dt)?;
    crate::ops::cast::check_wrapped(b, dt)?;
    let shape = broadcast_shapes(&broadcast_shapes(cond.shape(), a.shape())?, b.shape())?;
    let layouts = |c: &Tensor, a: &Tensor, b: &Tensor| -> Result<[crate::layout::Layout; 3]> {
        Ok([
            c.layout().broadcast_to(&shape, "where")?,
            a.layout().broadcast_to(&shape, "where")?,
            b.layout().broadcast_to(&shape, "where")?,
        ])
    };
    let [lc, la, lb] = layouts(cond, a, b)?;
    let out = a.new_elementwise(&shape, dt, &[&lc.strides, &la.strides, &lb.strides])?;
    let (ac, bc) = (cast_for_op(a, dt)?, cast_for_op(b, dt)?);
    let cb = cast_for_op(cond, DType::Bool)?;
    let [lc, la, lb] = layouts(&cb, &ac, &bc)?;
    backend::ternary(
        TernaryKernel::Where,
        (&cb, &lc),
        (&ac, &la),
        (&bc, &lb),
        &out,
    )?;
    if needs_grad(&[a, b]) {
        let sc = SavedTensor::input(cond)?;
        let saved = vec![("condition", sc.clone().into())];
        let (da, db) = (a.dims(), b.dims());
        let node = record("WhereBackward0", &[a, b], &[&out], move |ctx, g| {
            let c = sc.unpack(ctx)?;
            let z = Tensor::wrapped_scalar(Scalar::Int(0));
            let ga = crate::ops::reduce::sum_to_shape(&where_(&c, &g[0], &z)?, &da)?;
            let gb = crate::ops::reduce::sum_to_shape(&where_(&c, &z, &g[0])?, &db)?;
            Ok(vec![Some(ga), Some(gb)])
        });
        expose_saved(&node, || saved);
    }
    Ok(out)
}

pub fn masked_fill(x: &Tensor, mask: &Tensor, value: &Tensor) -> Result<Tensor> {
    ensure!(
        mask.dtype() == DType::Bool,
        runtime,
        "masked_fill_ only supports boolean masks, but got mask with dtype {}",
        mask.dtype().cpp_name()
    );
    ensure!(
        value.ndim() == 0,
        runtime,
        "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with {} dimension(s).",
        value.ndim()
    );
    broadcast_shapes(x.shape(), mask.shape())?;
    // The value is read as a number (a 0-dim tensor too) and must fit x's dtype.
    crate::ops::cast::scalar_of(value)?.check_converts(x.dtype())?;
    let v = crate::ops::cast::to_dtype(value, x.dtype())?;
    if !value.is_wrapped_number() {
        crate::autograd::check_output_differentiable(x.dtype(), &[x, value])?;
    }
    // One node as in PyTorch: the filled places give no gradient to x; a tensor value
    // (MaskedFillBackward1) gets the sum of the gradient over them.
    let sm = SavedTensor::input(mask)?;
    let saved_mask = sm.clone();
    let dx = x.dims();
    // PyTorch fills a contiguous clone of x (broadcast to the mask's shape).
    let forward = || crate::ops::movement::contiguous(&where_(mask, &v, x)?);
    let x_grad = move |ctx: &crate::autograd::Ctx, g: &Tensor| -> Result<Tensor> {
        let z = Tensor::wrapped_scalar(Scalar::Int(0));
        crate::ops::reduce::sum_to_shape(&where_(&sm.unpack(ctx)?, &z, g)?, &dx)
    };
    let (out, node) = if value.is_wrapped_number() {
        crate::autograd::fused("MaskedFillBackward0", &[x], forward, move |ctx, g| {
            Ok(vec![Some(x_grad(ctx, &g[0])?)])
        })?
    } else {
        masked_fill_tensor_value(x, mask, value, forward, x_grad)?
    };
    expose_saved(&node, || vec![("mask", saved_mask.into())]);
    Ok(out)
}

/// MaskedFillBackward1: the value is a tensor that gets the gradient of the filled places.
fn masked_fill_tensor_value(
    x: &Tensor,
    mask: &Tensor,
    value: &Tensor,
    forward: impl FnOnce() -> Result<Tensor>,
    x_grad: impl Fn(&crate::autograd::Ctx, &Tensor) -> Result<Tensor> + Send + 'static,
) -> Result<(Tensor, crate::autograd::Recorded)> {
    let sm = SavedTensor::input(mask)?;
    crate::autograd::fused(
        "MaskedFillBackward1",
        &[x, value],
        forward,
        move |ctx, g| {
            let z = Tensor::wrapped_scalar(Scalar::Int(0));
            let picked = where_(&sm.unpack(ctx)?, &g[0], &z)?;
            let gv = crate::ops::reduce::sum(&picked, None, false, None)?;
            Ok(vec![Some(x_grad(ctx, &g[0])?), Some(gv)])
        },
    )
}

/// `clamp(x, min, max)` with tensor or scalar bounds (either may be absent).
pub fn clamp(x: &Tensor, min: Option<&Tensor>, max: Option<&Tensor>) -> Result<Tensor> {
    // PyTorch's node keeps a slot for each bound, even an absent one.
    let bounds = [Bound::Min(min), Bound::Max(max)];
    clamp_as(["ClampBackward1", "ClampBackward0"], x, &bounds)
}

/// `clamp_min(x, min)`: `clamp` with PyTorch's own node (ClampMinBackward0/1).
pub fn clamp_min(x: &Tensor, min: &Tensor) -> Result<Tensor> {
    let names = ["ClampMinBackward0", "ClampMinBackward1"];
    clamp_as(names, x, &[Bound::Min(Some(min))])
}

/// `clamp_max(x, max)`: `clamp` with PyTorch's own node (ClampMaxBackward0/1).
pub fn clamp_max(x: &Tensor, max: &Tensor) -> Result<Tensor> {
    let names = ["ClampMaxBackward0", "ClampMaxBackward1"];
    clamp_as(names, x, &[Bound::Max(Some(max))])
}

/// `x.clamp_(min, max)`, `clamp_min_` and `clamp_max_` (`op` names which). With no
/// history to keep, a float `x` and bounds that are numbers or tensors of its dtype, the
/// maximum/minimum kernels write straight into `x` (400k float32, 1 thread: the out of
/// place result and copy back took 70 us, torch 20); otherwise the generic in-place path.
pub fn clamp_(x: &Tensor, min: Option<&Tensor>, max: Option<&Tensor>, op: &str) -> Result<()> {
    use crate::ops::inplace;
    let bounds: Vec<&Tensor> = [min, max].into_iter().flatten().collect();
    let direct = !bounds.is_empty()
        && x.dtype().is_floating_point()
        && inplace::fast_path_ok(x, &bounds)
        && bounds
            .iter()
            .all(|b| b.is_wrapped_number() || b.dtype() == x.dtype());
    if direct {
        inplace::check_writable(x, &bounds, op)?;
        use super::binary_compute::compute;
        if let Some(lo) = min {
            compute(BinaryKernel::Maximum, x, &inplace::unalias(x, lo)?, Some(x))?;
        }
        if let Some(hi) = max {
            compute(BinaryKernel::Minimum, x, &inplace::unalias(x, hi)?, Some(x))?;
        }
        x.bump_version();
        return Ok(());
    }
    inplace::apply(x, &[], op, |x| match (op, min, max) {
        ("clamp_min_", Some(lo), _) => clamp_min(x, lo),
        ("clamp_max_", _, Some(hi)) => clamp_max(x, hi),
        _ => clamp(x, min, max),
    })
}

/// A bound of a clamp node's input slot (after x).
#[derive(Clone, Copy)]
enum Bound<'t> {
    Min(Option<&'t Tensor>),
    Max(Option<&'t Tensor>),
}

/// `clamp` as one node: `names[0]` when every bound is a Python number (the node's only
/// input is x), else `names[1]` with one input per entry of `bounds` after x.
fn clamp_as(names: [&'static str; 2], x: &Tensor, bounds: &[Bound]) -> Result<Tensor> {
    let pick = |min: bool| {
        bounds.iter().find_map(|b| match (b, min) {
            (Bound::Min(t), true) | (Bound::Max(t), false) => *t,
            _ => None,
        })
    };
    let (min, max) = (pick(true), pick(false));
    let out = crate::autograd::no_grad(|| clamp_value(x, min, max))?;
    let given = || [min, max].into_iter().flatten();
    if !needs_grad(&[x]) && !given().any(|b| b.requires_grad()) {
        return Ok(out);
    }
    let numbers = given().all(|b| b.is_wrapped_number());
    let absent = x.new_zeros(&[], x.dtype())?;
    let mut inputs = vec![x];
    // Per bound slot: whether it is the min, and its shape when present.
    let mut slots: Vec<(bool, Option<Dims>)> = Vec::new();
    if !numbers {
        for b in bounds {
            let (is_min, t) = match *b {
                Bound::Min(t) => (true, t),
                Bound::Max(t) => (false, t),
            };
            inputs.push(t.unwrap_or(&absent));
            slots.push((is_min, t.map(|t| t.dims())));
        }
    }
    let (sx, smin, smax) = (
        SavedTensor::input(x)?,
        min.map(SavedTensor::input).transpose()?,
        max.map(SavedTensor::input).transpose()?,
    );
    let dx = x.dims();
    let name = if numbers { names[0] } else { names[1] };
    // A bound is saved as the number it was (ClampBackward1) or the tensor; an absent
    // one as None.
    let mut saved = vec![("self", sx.clone().into())];
    for b in bounds {
        let (key, t, s) = match *b {
            Bound::Min(t) => ("min", t, &smin),
            Bound::Max(t) => ("max", t, &smax),
        };
        saved.push((
            key,
            match t {
                Some(t) if numbers => {
                    crate::ops::cast::scalar_of(t).map_or(Saved::NotSaved, Saved::scalar)
                }
                _ => s.clone().into(),
            },
        ));
    }
    let node = record(name, &inputs, &[&out], move |ctx, g| {
        let x = sx.unpack(ctx)?;
        let lo = smin.as_ref().map(|s| s.unpack(ctx)).transpose()?;
        let hi = smax.as_ref().map(|s| s.unpack(ctx)).transpose()?;
        let z = Tensor::wrapped_scalar(Scalar::Int(0));
        let inside = clamp_inside(&x, lo.as_ref(), hi.as_ref())?;
        let mut grads = vec![Some(crate::ops::reduce::sum_to_shape(
            &where_(&inside, &g[0], &z)?,
            &dx,
        )?)];
        for (i, (is_min, dims)) in slots.iter().enumerate() {
            let (b, other) = if *is_min { (&lo, &hi) } else { (&hi, &lo) };
            grads.push(match (b, dims) {
                (Some(b), Some(d)) if ctx.needs(i + 1) => {
                    let beyond = clamp_beyond(&x, b, other.as_ref(), *is_min)?;
                    Some(crate::ops::reduce::sum_to_shape(
                        &where_(&beyond, &g[0], &z)?,
                        d,
                    )?)
                }
                _ => None,
            });
        }
        Ok(grads)
    });
    expose_saved(&node, || saved);
    Ok(out)
}

/// PyTorch's clamp_backward: x gets the gradient where `min <= x <= max` (a NaN x gives
/// nobody a gradient).
fn clamp_inside(x: &Tensor, lo: Option<&Tensor>, hi: Option<&Tensor>) -> Result<Tensor> {
    let ge = lo.map(|lo| crate::ops::binary::ge(x, lo)).transpose()?;
    let le = hi.map(|hi| crate::ops::binary::le(x, hi)).transpose()?;
    match (ge, le) {
        (Some(a), Some(b)) => crate::ops::binary::logical_and(&a, &b),
        (Some(a), None) | (None, Some(a)) => Ok(a),
        (None, None) => unreachable!("clamp has a bound"),
    }
}

/// Where a bound gets the gradient: x strictly beyond it. With both bounds and min > max
/// the result is max: min gets nothing, max gets the gradient everywhere.
fn clamp_beyond(x: &Tensor, b: &Tensor, other: Option<&Tensor>, is_min: bool) -> Result<Tensor> {
    use crate::ops::binary::{gt, logical_and, logical_or, lt};
    match (is_min, other) {
        (true, Some(hi)) => logical_and(&lt(x, b)?, &lt(b, hi)?),
        (true, None) => lt(x, b),
        (false, Some(lo)) => logical_or(&gt(x, b)?, &lt(b, lo)?),
        (false, None) => gt(x, b),
    }
}

/// The value of `clamp` (no history).
fn clamp_value(x: &Tensor, min: Option<&Tensor>, max: Option<&Tensor>) -> Result<Tensor> {
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
                Some(Tensor::wrapped_scalar(crate::ops::cast::scalar_of(t)?))
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
        if b.is_wrapped_number() {
            crate::ops::cast::scalar_of(b)?.check_converts(rt)?;
        }
    }
    if rt == DType::Bool {
        let kernel = match (min, max) {
            (Some(_), Some(_)) => "clamp_scalar_cpu",
            (Some(_), None) => "clamp_min_scalar_cpu",
            _ => "clamp_max_scalar_cpu",
        };
        return Err(crate::ops::unsupported(kernel, DType::Bool));
    }
    // Both bounds apply in the result dtype: `clamp(uint8, min=-2, max=3.25)` is float, and
    // -2 must not wrap in uint8 first (it does with `min` alone, in torch too).
    let in_rt = |t: &Tensor| -> Result<Tensor> {
        if t.is_wrapped_number() || t.dtype() == rt {
            Ok(t.clone())
        } else {
            crate::ops::cast::to_dtype(t, rt)
        }
    };
    if let (Some(lo), Some(hi)) = (min, max) {
        // One pass instead of a maximum and a minimum with a temporary between them
        // (1M float64, 1 thread: 600 us, torch 302).
        let shape = broadcast_shapes(&broadcast_shapes(x.shape(), lo.shape())?, hi.shape())?;
        let out = output_for(&[x, lo, hi], &shape, rt, "clamp")?;
        let ops = [
            operand(x, rt, &shape, "clamp")?,
            operand(lo, rt, &shape, "clamp")?,
            operand(hi, rt, &shape, "clamp")?,
        ];
        let [a, b, c] = &ops;
        // torch's scalar overload (both bounds numbers) picks signed zeros differently.
        let numbers = lo.is_wrapped_number() && hi.is_wrapped_number();
        backend::ternary(
            TernaryKernel::Clamp(numbers),
            (&a.0, &a.1),
            (&b.0, &b.1),
            (&c.0, &c.1),
            &out,
        )?;
        return Ok(out);
    }
    let mut r = in_rt(x)?;
    if let Some(lo) = min {
        r = clamp_side(&r, &in_rt(lo)?, true)?;
    }
    if let Some(hi) = max {
        r = clamp_side(&r, &in_rt(hi)?, false)?;
    }
    Ok(r)
}

fn clamp_side(x: &Tensor, bound: &Tensor, is_min: bool) -> Result<Tensor> {
    // NaN in x propagates (maximum/minimum propagate NaN), as in PyTorch.
    if is_min {
        crate::ops::binary::maximum(x, bound)
    } else {
        crate::ops::binary::minimum(x, bound)
    }
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
        return Err(crate::ops::unsupported("lerp_kernel_scalar", start.dtype()));
    }
    // A 0-dim weight is read as a number of any dtype; a dimensioned one must match.
    ensure!(
        weight.ndim() == 0 || weight.dtype() == start.dtype(),
        runtime,
        "expected dtype {} for `weight` but got dtype {}",
        start.dtype().name(),
        weight.dtype().name()
    );
    crate::ops::cast::check_wrapped(weight, start.dtype())?;
    // The derivative is one node with torch's formula (a composite's `where` would send
    // 0 * inf = nan back through the branch it drops).
    let out = lerp_forward(start, end, weight)?;
    if needs_grad(&[start, end, weight]) {
        let scalar_w = weight.is_wrapped_number();
        let (ss, se, sw) = (
            SavedTensor::input(start)?,
            SavedTensor::input(end)?,
            SavedTensor::input(weight)?,
        );
        let (ds, de, dw) = (start.dims(), end.dims(), weight.dims());
        let name = if scalar_w {
            "LerpBackward0"
        } else {
            "LerpBackward1"
        };
        // The number weight as itself; with a tensor weight, start and end only for the
        // weight's gradient.
        let saved = if scalar_w {
            let w = crate::ops::cast::scalar_of(weight).map_or(Saved::NotSaved, Saved::scalar);
            vec![("weight", w)]
        } else {
            let keep = weight.requires_grad();
            vec![
                ("self", Saved::input_if(keep, start)),
                ("end", Saved::input_if(keep, end)),
                ("weight", sw.clone().into()),
            ]
        };
        let inputs: Vec<&Tensor> = if scalar_w {
            vec![start, end]
        } else {
            vec![start, end, weight]
        };
        let node = record(name, &inputs, &[&out], move |ctx, g| {
            let w = sw.unpack(ctx)?;
            // 1 - w of a Python number stays a float64 number.
            let one_minus_w = if scalar_w {
                Tensor::wrapped_scalar(Scalar::Float(1.0 - w.to_vec::<f64>()?[0]))
            } else {
                sub(&Tensor::wrapped_scalar(Scalar::Int(1)), &w)?
            };
            let gs = crate::ops::reduce::sum_to_shape(&mul(&g[0], &one_minus_w)?, &ds)?;
            let ge = crate::ops::reduce::sum_to_shape(&mul(&g[0], &w)?, &de)?;
            let mut grads = vec![Some(gs), Some(ge)];
            if !scalar_w {
                let diff = sub(&se.unpack(ctx)?, &ss.unpack(ctx)?)?;
                grads.push(Some(crate::ops::reduce::sum_to_shape(
                    &mul(&g[0], &diff)?,
                    &dw,
                )?));
            }
            Ok(grads)
        });
        expose_saved(&node, || saved);
    }
    Ok(out)
}

/// `value` as the number `addcmul`/`addcdiv` scale by: checked against the result dtype and,
/// for integer results, truncated to an integer so the op stays in that dtype (PyTorch
/// converts the value to the result type rather than promoting).
fn scale_value(value: Scalar, rt: DType) -> Result<Tensor> {
    // Half results scale in float32 (NOTE [ Half range checks ]).
    value.check_fits(rt.opmath())?;
    Ok(Tensor::wrapped_scalar(if rt.is_integral(false) {
        Scalar::Int(value.to_i64())
    } else {
        value
    }))
}

/// `addcmul(x, t1, t2, value=1) = x + value * t1 * t2`.
pub fn addcmul(x: &Tensor, t1: &Tensor, t2: &Tensor, value: Scalar) -> Result<Tensor> {
    let rt = result_type(&[x, t1, t2]);
    if rt == DType::Bool {
        return Err(crate::ops::unsupported("addcmul_cpu_out", DType::Bool));
    }
    let v = scale_value(value, rt)?;
    let forward = || addc_forward("addcmul", [x, t1, t2], rt, &v, false);
    // PyTorch's formula: t1 gets g * (t2 * value), t2 gets g * (t1 * value).
    let (out, node) = addc_node(
        "AddcmulBackward0",
        [x, t1, t2],
        v.clone(),
        forward,
        [
            |g, v, _, t2| mul(g, &mul(&t2()?, v)?),
            |g, v, t1, _| mul(g, &mul(&t1()?, v)?),
        ],
    )?;
    expose_saved(&node, || {
        vec![
            ("tensor1", Saved::input_if(t2.requires_grad(), t1)),
            ("tensor2", Saved::input_if(t1.requires_grad(), t2)),
            ("value", Saved::scalar(value)),
        ]
    });
    Ok(out)
}

/// The one node of `addcmul`/`addcdiv`: `x` gets `g`, `t1` and `t2` get `grad_t1` and
/// `grad_t2` of `(g, value, t1, t2)`, each summed to its input's shape. A formula unpacks
/// (and so version-checks) only the saved tensors it reads, which are the ones PyTorch
/// saves for it.
fn addc_node(
    name: &'static str,
    [x, t1, t2]: [&Tensor; 3],
    value: Tensor,
    forward: impl FnOnce() -> Result<Tensor>,
    [grad_t1, grad_t2]: [AddcGrad; 2],
) -> Result<(Tensor, crate::autograd::Recorded)> {
    let (s1, s2) = (SavedTensor::input(t1)?, SavedTensor::input(t2)?);
    let dims = [x.dims(), t1.dims(), t2.dims()];
    crate::autograd::fused(name, &[x, t1, t2], forward, move |ctx, g| {
        let g = &g[0];
        let (a, b) = (|| s1.unpack(ctx), || s2.unpack(ctx));
        let mut out = vec![None, None, None];
        for (i, grad) in [(0, None), (1, Some(grad_t1)), (2, Some(grad_t2))] {
            if ctx.needs(i) {
                let gi = match grad {
                    None => g.clone(),
                    Some(f) => f(g, &value, &a, &b)?,
                };
                out[i] = Some(crate::ops::reduce::sum_to_shape(&gi, &dims[i])?);
            }
        }
        Ok(out)
    })
}

/// An addcmul/addcdiv input's gradient from `(g, value, t1, t2)`, the saved tensors
/// unpacked on demand.
type AddcGrad = fn(
    &Tensor,
    &Tensor,
    &dyn Fn() -> Result<Tensor>,
    &dyn Fn() -> Result<Tensor>,
) -> Result<Tensor>;

/// `addcdiv(x, t1, t2, value=1) = x + value * t1 / t2`.
pub fn addcdiv(x: &Tensor, t1: &Tensor, t2: &Tensor, value: Scalar) -> Result<Tensor> {
    ensure!(
        !(t1.dtype().is_integral(true) && t2.dtype().is_integral(true)),
        runtime,
        "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes."
    );
    let rt = result_type(&[x, t1, t2]);
    let v = scale_value(value, rt)?;
    let forward = || addc_forward("addcdiv", [x, t1, t2], rt, &v, true);
    // PyTorch's formula: t1 gets g * (value / t2), t2 gets -g * (value * t1 / (t2 * t2)).
    let (out, node) = addc_node(
        "AddcdivBackward0",
        [x, t1, t2],
        v.clone(),
        forward,
        [
            |g, v, _, t2| mul(g, &div(v, &t2()?)?),
            |g, v, t1, t2| {
                let t2 = t2()?;
                let q = div(&mul(v, &t1()?)?, &mul(&t2, &t2)?)?;
                mul(&crate::ops::unary::neg(g)?, &q)
            },
        ],
    )?;
    expose_saved(&node, || {
        vec![
            ("tensor1", Saved::input_if(t2.requires_grad(), t1)),
            ("tensor2", Saved::input(t2)),
            ("value", Saved::scalar(value)),
        ]
    });
    Ok(out)
}

// NOTE [ Fused pointwise kernels ]
// lerp, addcmul and addcdiv were composed of binary ops: addcmul's `x + v * t1 * t2` made
// two temporaries and three passes, lerp's two-sided formula six. Each is now one strided
// loop over the broadcast operands (`TernaryKernel`, `backend/cpu/ternary.rs`), computing in PyTorch's opmath type (float32
// for the half types, rounded once at the end) in torch's order of operations:
// `x + (v * t1) * t2`, `x + (v * t1) / t2`, and lerp from the nearer end,
// `|w| < 0.5 ? s + w * (e - s) : e - (e - s) * (1 - w)`. An operand of another dtype than
// the result is cast first (a copy, as TensorIterator's common-dtype cast). torch's
// vectorized lerp uses an FMA, so an element may differ from it by 1 ulp. Measured on
// 2 shared cores, 16M float32, median: lerp (tensor weight) 105 -> 24 ms, lerp (number
// weight) 75 -> 20 ms, addcmul 35 -> 16 ms, addcdiv 43 -> 30 ms.

/// `t` cast to `dt` (a copy only when the dtype differs), with its layout broadcast to
/// `shape`.
fn operand(t: &Tensor, dt: DType, shape: &[usize], op: &str) -> Result<(Tensor, Layout)> {
    let c = cast_for_op(t, dt)?;
    let l = c.layout().broadcast_to(shape, op)?;
    Ok((c, l))
}

/// A fresh output of `shape` in the memory order of `inputs` (elementwise ops' rule).
fn output_for(inputs: &[&Tensor], shape: &[usize], dt: DType, op: &str) -> Result<Tensor> {
    let layouts = inputs
        .iter()
        .map(|t| t.layout().broadcast_to(shape, op))
        .collect::<Result<Vec<_>>>()?;
    let strides: Vec<&[isize]> = layouts.iter().map(|l| &l.strides[..]).collect();
    inputs[0].new_elementwise(shape, dt, &strides)
}

/// The forward of addcmul (`x + (v * t1) * t2`) and addcdiv (`x + (v * t1) / t2`) in
/// the result dtype `rt`, one pass.
fn addc_forward(
    op: &str,
    [x, t1, t2]: [&Tensor; 3],
    rt: DType,
    value: &Tensor,
    divide: bool,
) -> Result<Tensor> {
    let shape = broadcast_shapes(&broadcast_shapes(x.shape(), t1.shape())?, t2.shape())?;
    let out = output_for(&[x, t1, t2], &shape, rt, op)?;
    addc_into(op, [x, t1, t2], &shape, rt, value, divide, &out)?;
    Ok(out)
}

/// `addc_forward` into `out` (of the broadcast `shape` and dtype `rt`).
fn addc_into(
    op: &str,
    [x, t1, t2]: [&Tensor; 3],
    shape: &[usize],
    rt: DType,
    value: &Tensor,
    divide: bool,
    out: &Tensor,
) -> Result<()> {
    let ops = [
        operand(x, rt, shape, op)?,
        operand(t1, rt, shape, op)?,
        operand(t2, rt, shape, op)?,
    ];
    let value = crate::ops::cast::scalar_of(value)?;
    let k = match divide {
        true => TernaryKernel::Addcdiv(value),
        false => TernaryKernel::Addcmul(value),
    };
    let [a, b, c] = &ops;
    backend::ternary(k, (&a.0, &a.1), (&b.0, &b.1), (&c.0, &c.1), out)
}

/// `x.addcmul_(t1, t2, value=v)`, or `addcdiv_` when `divide`.
///
/// NOTE [ In-place addcmul ]: with no graph to record and a float result of `x`'s own
/// shape and dtype, the kernel writes straight into `x`, which is also its first operand
/// (each element read before it is written). The generic in-place path (the op out of
/// place, then a copy back) took 0.40 ms for 1M float32 at 1 thread against torch's 0.16;
/// writing into `x` alone did not help (0.42: LLVM's overlap check sent the aliased loop
/// to its scalar version) until the kernel's run reads through the output pointer
/// (`iter.rs` run3): 0.161 ms, torch 0.166; addcdiv_ 0.167, torch 0.163. Adam's
/// `exp_avg_sq.addcmul_(g, g, value=1 - beta2)` is this call.
pub fn addc_(x: &Tensor, t1: &Tensor, t2: &Tensor, value: Scalar, divide: bool) -> Result<()> {
    let op = if divide { "addcdiv_" } else { "addcmul_" };
    let rt = result_type(&[x, t1, t2]);
    let same_shape = broadcast_shapes(x.shape(), t1.shape())
        .and_then(|s| broadcast_shapes(&s, t2.shape()))
        .is_ok_and(|s| s.as_slice() == x.shape());
    if same_shape
        && rt == x.dtype()
        && rt.is_floating_point()
        && crate::ops::inplace::fast_path_ok(x, &[t1, t2])
    {
        crate::ops::inplace::check_writable(x, &[t1, t2], op)?;
        let t1 = crate::ops::inplace::unalias(x, t1)?;
        let t2 = crate::ops::inplace::unalias(x, t2)?;
        let v = scale_value(value, rt)?;
        addc_into(op, [x, &t1, &t2], x.shape(), rt, &v, divide, x)?;
        x.bump_version();
        return Ok(());
    }
    crate::ops::inplace::apply(x, &[t1, t2], op, |c| match divide {
        true => addcdiv(c, t1, t2, value),
        false => addcmul(c, t1, t2, value),
    })
}

/// The value of `lerp` (no history), one pass. A Python-number weight is read once into
/// the opmath type, as torch's scalar-weight kernel does; a tensor weight is an operand.
fn lerp_forward(start: &Tensor, end: &Tensor, weight: &Tensor) -> Result<Tensor> {
    let dt = start.dtype();
    let scalar_w = weight.is_wrapped_number();
    let mut shape = broadcast_shapes(start.shape(), end.shape())?;
    if !scalar_w {
        shape = broadcast_shapes(&shape, weight.shape())?;
    }
    let inputs: &[&Tensor] = if scalar_w {
        &[start, end]
    } else {
        &[start, end, weight]
    };
    let out = output_for(inputs, &shape, dt, "lerp")?;
    // A number weight rides along as a broadcast 0-dim operand of the result dtype, but
    // the kernel reads the number itself (full precision) instead of that operand.
    let w = match scalar_w {
        true => Some(crate::ops::cast::scalar_of(weight)?.to_f64()),
        false => None,
    };
    let ops = [
        operand(start, dt, &shape, "lerp")?,
        operand(end, dt, &shape, "lerp")?,
        operand(weight, dt, &shape, "lerp")?,
    ];
    let [a, b, c] = &ops;
    backend::ternary(
        TernaryKernel::Lerp(w),
        (&a.0, &a.1),
        (&b.0, &b.1),
        (&c.0, &c.1),
        &out,
    )?;
    Ok(out)
}

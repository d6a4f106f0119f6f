//! Binary elementwise ops with broadcasting and type promotion, forward and derivative.

use super::binary_compute::compute;
use crate::autograd::{expose_saved, record, Saved, SavedTensor};
use crate::backend::BinaryKernel;
pub use crate::backend::RoundingMode;
use crate::dtype::{Priority, ResultType};
use crate::ops::reduce::sum_to_shape;
use crate::ops::unary;
use crate::ops::{default_float, inplace, OpInfo};
use crate::{bail, ensure, DType, Result, Scalar, Tensor};

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[OpInfo] = &[
    OpInfo::binary("add", add).differentiable(),
    OpInfo::binary("sub", sub).differentiable(),
    OpInfo::binary("mul", mul).differentiable(),
    OpInfo::binary("div", div).differentiable(),
    OpInfo::binary("floor_divide", floor_divide),
    OpInfo::binary("remainder", remainder).differentiable(),
    OpInfo::binary("fmod", fmod).differentiable(),
    OpInfo::binary("pow", pow).differentiable(),
    OpInfo::binary("atan2", atan2).differentiable(),
    OpInfo::binary("maximum", maximum).differentiable(),
    OpInfo::binary("minimum", minimum).differentiable(),
    OpInfo::binary("eq", eq),
    OpInfo::binary("ne", ne),
    OpInfo::binary("lt", lt),
    OpInfo::binary("le", le),
    OpInfo::binary("gt", gt),
    OpInfo::binary("ge", ge),
    OpInfo::binary("logical_and", logical_and),
    OpInfo::binary("logical_or", logical_or),
    OpInfo::binary("logical_xor", logical_xor),
    OpInfo::binary("bitwise_and", bitwise_and),
    OpInfo::binary("bitwise_or", bitwise_or),
    OpInfo::binary("bitwise_xor", bitwise_xor),
    OpInfo::binary("bitwise_left_shift", bitwise_left_shift),
    OpInfo::binary("bitwise_right_shift", bitwise_right_shift),
];

fn priority(t: &Tensor) -> Priority {
    if t.is_wrapped_number() {
        Priority::Wrapped
    } else if t.ndim() == 0 {
        Priority::ZeroDim
    } else {
        Priority::Dim
    }
}

/// `torch.result_type` over tensors (wrapped Python numbers included).
pub fn result_type(ts: &[&Tensor]) -> DType {
    let mut r = ResultType::default();
    let df = default_float();
    for t in ts {
        r.add(t.dtype(), priority(t), df);
    }
    r.result()
}

/// PyTorch's `canCast`: no float → integral, no non-bool → bool.
pub fn can_cast(from: DType, to: DType) -> bool {
    !(from.is_floating_point() && to.is_integral(true) || from != DType::Bool && to == DType::Bool)
}

/// `can_cast` as PyTorch's error for writing a `from` result into a `to` output.
pub fn check_cast(from: DType, to: DType) -> Result<()> {
    ensure!(
        can_cast(from, to),
        runtime,
        "result type {} can't be cast to the desired output type {}",
        from.scalar_name(),
        to.scalar_name()
    );
    Ok(())
}

fn reduce_grad(g: Tensor, like: &[usize]) -> Result<Tensor> {
    sum_to_shape(&g, like)
}

pub fn add_scaled(a: &Tensor, b: &Tensor, alpha: Scalar) -> Result<Tensor> {
    if matches!(alpha, Scalar::Bool(_)) && result_type(&[a, b]) != DType::Bool {
        bail!(runtime, "Boolean alpha only supported for Boolean results.");
    }
    if alpha != Scalar::Int(1) && !result_type(&[a, b]).is_floating_point() {
        ensure!(
            !matches!(alpha, Scalar::Float(_)),
            runtime,
            "For integral input tensors, argument alpha must not be a floating point number."
        );
    }
    let out = compute(BinaryKernel::Add(alpha), a, b, None)?;
    let (sa, sb) = (a.dims(), b.dims());
    let node = record("AddBackward0", &[a, b], &[&out], move |ctx, g| {
        let gb = if ctx.needs(1) {
            let gb = if alpha == Scalar::Int(1) {
                g[0].clone()
            } else {
                mul_scalar(&g[0], alpha)?
            };
            Some(reduce_grad(gb, &sb)?)
        } else {
            None
        };
        Ok(vec![Some(reduce_grad(g[0].clone(), &sa)?), gb])
    });
    expose_saved(&node, || vec![("alpha", Saved::scalar(alpha))]);
    Ok(out)
}

pub fn add(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    add_scaled(a, b, Scalar::Int(1))
}

pub fn sub_scaled(a: &Tensor, b: &Tensor, alpha: Scalar) -> Result<Tensor> {
    if matches!(alpha, Scalar::Bool(_)) && result_type(&[a, b]) != DType::Bool {
        bail!(runtime, "Boolean alpha only supported for Boolean results.");
    }
    ensure!(
        !matches!(alpha, Scalar::Float(_)) || result_type(&[a, b]).is_floating_point(),
        runtime,
        "For integral input tensors, argument alpha must not be a floating point number."
    );
    let out = compute(BinaryKernel::Sub(alpha), a, b, None)?;
    let (sa, sb) = (a.dims(), b.dims());
    let node = record("SubBackward0", &[a, b], &[&out], move |ctx, g| {
        let gb = if ctx.needs(1) {
            let neg_alpha = match alpha {
                Scalar::Int(i) => Scalar::Int(-i),
                Scalar::Float(f) => Scalar::Float(-f),
                Scalar::Bool(b) => Scalar::Int(-(b as i64)),
            };
            Some(reduce_grad(mul_scalar(&g[0], neg_alpha)?, &sb)?)
        } else {
            None
        };
        Ok(vec![Some(reduce_grad(g[0].clone(), &sa)?), gb])
    });
    expose_saved(&node, || vec![("alpha", Saved::scalar(alpha))]);
    Ok(out)
}

pub fn sub(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    sub_scaled(a, b, Scalar::Int(1))
}

pub fn mul(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    let out = compute(BinaryKernel::Mul, a, b, None)?;
    if crate::autograd::needs_grad(&[a, b]) {
        let (sa, sb) = (SavedTensor::input(a)?, SavedTensor::input(b)?);
        let (da, db) = (a.dims(), b.dims());
        // PyTorch saves `self` only for other's gradient and `other` only for self's.
        let saved = vec![
            ("self", b.requires_grad().then(|| sa.clone()).into()),
            ("other", a.requires_grad().then(|| sb.clone()).into()),
        ];
        let node = record("MulBackward0", &[a, b], &[&out], move |ctx, g| {
            let ga = if ctx.needs(0) {
                Some(reduce_grad(mul(&g[0], &sb.unpack(ctx)?)?, &da)?)
            } else {
                None
            };
            let gb = if ctx.needs(1) {
                Some(reduce_grad(mul(&g[0], &sa.unpack(ctx)?)?, &db)?)
            } else {
                None
            };
            Ok(vec![ga, gb])
        });
        expose_saved(&node, || saved);
    }
    Ok(out)
}

pub fn mul_scalar(a: &Tensor, s: Scalar) -> Result<Tensor> {
    mul(a, &Tensor::wrapped_scalar(s))
}

pub fn div_mode(a: &Tensor, b: &Tensor, mode: RoundingMode) -> Result<Tensor> {
    let out = compute(BinaryKernel::Div(mode), a, b, None)?;
    if crate::autograd::needs_grad(&[a, b]) {
        let (sa, sb) = (SavedTensor::input(a)?, SavedTensor::input(b)?);
        let (da, db) = (a.dims(), b.dims());
        // PyTorch saves `self` only for other's gradient; `other` both gradients need.
        let mut saved = vec![
            ("self", b.requires_grad().then(|| sa.clone()).into()),
            ("other", sb.clone().into()),
        ];
        let name = match mode {
            RoundingMode::True => "DivBackward0",
            RoundingMode::Trunc => "DivBackward2",
            RoundingMode::Floor => "DivBackward2",
        };
        if mode != RoundingMode::True {
            let text = if mode == RoundingMode::Floor {
                "floor"
            } else {
                "trunc"
            };
            saved.push(("rounding_mode", Saved::str(text)));
        }
        let node = record(name, &[a, b], &[&out], move |ctx, g| {
            if mode != RoundingMode::True {
                // Piecewise constant: zero gradient almost everywhere.
                return Ok(vec![
                    Some(crate::ops::factory::zeros_like_shape(&g[0], &da)?),
                    Some(crate::ops::factory::zeros_like_shape(&g[0], &db)?),
                ]);
            }
            let b = sb.unpack(ctx)?;
            let ga = if ctx.needs(0) {
                Some(reduce_grad(div(&g[0], &b)?, &da)?)
            } else {
                None
            };
            let gb = if ctx.needs(1) {
                // d(a/b)/db = -a / b^2
                let a = sa.unpack(ctx)?;
                let t = div(&mul(&g[0], &a)?, &mul(&b, &b)?)?;
                Some(reduce_grad(unary::neg(&t)?, &db)?)
            } else {
                None
            };
            Ok(vec![ga, gb])
        });
        expose_saved(&node, || saved);
    }
    Ok(out)
}

/// The node of an op PyTorch gives no derivative (`a // b`, `2 % x`): its backward
/// raises, naming the aten op.
fn no_derivative(op: &str, a: &Tensor, b: &Tensor, out: &Tensor) {
    let inputs: Vec<&Tensor> = [a, b].into_iter().filter(|t| t.requires_grad()).collect();
    crate::autograd::record_no_derivative(
        "NotImplemented",
        &inputs,
        &[out],
        crate::Error::runtime(format!("derivative for aten::{op} is not implemented")),
    );
}

pub fn div(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    div_mode(a, b, RoundingMode::True)
}

/// `a // b`: the values of `div(rounding_mode='floor')`, but PyTorch records no
/// derivative for floor_divide (its backward raises).
pub fn floor_divide(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    floor_divide_named(a, b, "floor_divide")
}

/// `op` names the aten op in the backward's error (`floor_divide_` in place).
fn floor_divide_named(a: &Tensor, b: &Tensor, op: &str) -> Result<Tensor> {
    let out = compute(BinaryKernel::Div(RoundingMode::Floor), a, b, None)?;
    if crate::autograd::needs_grad(&[a, b]) {
        no_derivative(op, a, b, &out);
    }
    Ok(out)
}

/// The inputs of a binary op's node and its name: PyTorch's overload taking a Scalar
/// (`names[0]`) has no input for a Python number `b`; the Tensor overload (`names[1]`) has
/// both. With `a` a number (`names[2]`, e.g. `2 ** x`) only `b` is an input.
fn overload<'t>(
    names: [&'static str; 3],
    a: &'t Tensor,
    b: &'t Tensor,
) -> (&'static str, Vec<&'t Tensor>) {
    match (a.is_wrapped_number(), b.is_wrapped_number()) {
        (false, true) => (names[0], vec![a]),
        (true, false) => (names[2], vec![b]),
        _ => (names[1], vec![a, b]),
    }
}

/// Keeps the gradients of the inputs `overload` chose (`a` and/or `b`).
fn for_inputs(
    a_num: bool,
    b_num: bool,
    ga: Option<Tensor>,
    gb: Option<Tensor>,
) -> Vec<Option<Tensor>> {
    match (a_num, b_num) {
        (false, true) => vec![ga],
        (true, false) => vec![gb],
        _ => vec![ga, gb],
    }
}

fn remainder_like(
    op: BinaryKernel,
    names: [&'static str; 3],
    a: &Tensor,
    b: &Tensor,
) -> Result<Tensor> {
    let out = compute(op, a, b, None)?;
    if op == BinaryKernel::Rem && a.is_wrapped_number() && crate::autograd::needs_grad(&[b]) {
        // remainder(Scalar, Tensor) has no derivative in PyTorch.
        no_derivative("remainder", a, b, &out);
        return Ok(out);
    }
    if crate::autograd::needs_grad(&[a, b]) {
        let (sa, sb) = (SavedTensor::input(a)?, SavedTensor::input(b)?);
        let (da, db) = (a.dims(), b.dims());
        let (name, inputs) = overload(names, a, b);
        let b_num = b.is_wrapped_number();
        let node = record(name, &inputs, &[&out], move |ctx, g| {
            let gb = if !b_num && ctx.needs(1) {
                // a - q*b with q piecewise constant: d/db = -q
                let mode = if op == BinaryKernel::Rem {
                    RoundingMode::Floor
                } else {
                    RoundingMode::Trunc
                };
                let q = compute(
                    BinaryKernel::Div(mode),
                    &sa.unpack(ctx)?,
                    &sb.unpack(ctx)?,
                    None,
                )?;
                Some(reduce_grad(unary::neg(&mul(&g[0], &q)?)?, &db)?)
            } else {
                None
            };
            let ga = Some(reduce_grad(g[0].clone(), &da)?);
            Ok(for_inputs(false, b_num, ga, gb))
        });
        // The Tensor overload saves both for other's gradient; the Scalar one nothing.
        if !b_num {
            let keep = b.requires_grad();
            expose_saved(&node, || {
                vec![
                    ("self", Saved::input_if(keep, a)),
                    ("other", Saved::input_if(keep, b)),
                ]
            });
        }
    }
    Ok(out)
}

pub fn remainder(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    let names = [
        "RemainderBackward0",
        "RemainderBackward1",
        "RemainderBackward1",
    ];
    remainder_like(BinaryKernel::Rem, names, a, b)
}

pub fn fmod(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    remainder_like(
        BinaryKernel::Fmod,
        ["FmodBackward0", "FmodBackward1", "FmodBackward1"],
        a,
        b,
    )
}

pub fn pow(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    let out = compute(BinaryKernel::Pow, a, b, None)?;
    if crate::autograd::needs_grad(&[a, b]) {
        let (sa, sb) = (SavedTensor::input(a)?, SavedTensor::input(b)?);
        let so = SavedTensor::output(&out, 0);
        let (da, db) = (a.dims(), b.dims());
        // A Python-number operand is saved as the number it was (`_saved_exponent` of
        // `x ** 2` is 2); PowBackward0 keeps no result.
        let number = |t: &Tensor, s: &SavedTensor| match t.is_wrapped_number() {
            true => crate::ops::cast::scalar_of(t).map_or(Saved::NotSaved, Saved::scalar),
            false => s.clone().into(),
        };
        let mut saved = vec![("self", number(a, &sa)), ("exponent", number(b, &sb))];
        if !b.is_wrapped_number() {
            saved.push(("result", so.clone().into()));
        }
        let names = ["PowBackward0", "PowBackward1", "PowBackward2"];
        let (name, inputs) = overload(names, a, b);
        let (a_num, b_num) = (a.is_wrapped_number(), b.is_wrapped_number());
        // Which of the node's inputs are a and b.
        let (ia, ib) = match (a_num, b_num) {
            (false, true) => (Some(0), None),
            (true, false) => (None, Some(0)),
            _ => (Some(0), Some(1)),
        };
        let node = record(name, &inputs, &[&out], move |ctx, g| {
            let (a, b) = (sa.unpack(ctx)?, sb.unpack(ctx)?);
            let zero = Tensor::wrapped_scalar(Scalar::Int(0));
            let ga = if ia.is_some_and(|i| ctx.needs(i)) {
                // b * a^(b-1), defined as 0 where b == 0 (PyTorch's convention)
                // NOTE: b - 1 of a Python float stays a float64 number (two wrapped numbers
                // would promote to the default float32 and lose the exponent's precision).
                let bm1 = if b.is_wrapped_number() && b.dtype().is_floating_point() {
                    Tensor::wrapped_scalar(Scalar::Float(b.to_vec::<f64>()?[0] - 1.0))
                } else if b.is_wrapped_number() && b.dtype() == DType::Bool {
                    // `x ** True`: PyTorch's Scalar exponent is the number 1 here (a
                    // bool tensor exponent still fails on `b - 1`, as in PyTorch).
                    Tensor::wrapped_scalar(Scalar::Int(b.to_vec::<bool>()?[0] as i64 - 1))
                } else {
                    sub(&b, &Tensor::wrapped_scalar(Scalar::Int(1)))?
                };
                let d = mul(&mul(&g[0], &b)?, &pow(&a, &bm1)?)?;
                Some(reduce_grad(
                    crate::ops::pointwise::where_(&eq(&b, &zero)?, &zero, &d)?,
                    &da,
                )?)
            } else {
                None
            };
            let gb = if ib.is_some_and(|i| ctx.needs(i)) {
                // a^b * log(a), defined as 0 where a == 0 and b >= 0
                let d = mul(&mul(&g[0], &so.unpack(ctx)?)?, &unary::log(&a)?)?;
                let mask = crate::ops::binary::logical_and(&eq(&a, &zero)?, &ge(&b, &zero)?)?;
                Some(reduce_grad(
                    crate::ops::pointwise::where_(&mask, &zero, &d)?,
                    &db,
                )?)
            } else {
                None
            };
            Ok(for_inputs(a_num, b_num, ga, gb))
        });
        expose_saved(&node, || saved);
    }
    Ok(out)
}

pub fn pow_scalar(a: &Tensor, e: Scalar) -> Result<Tensor> {
    pow(a, &Tensor::wrapped_scalar(e))
}

pub fn atan2(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    let out = compute(BinaryKernel::Atan2, a, b, None)?;
    if crate::autograd::needs_grad(&[a, b]) {
        let (sa, sb) = (SavedTensor::input(a)?, SavedTensor::input(b)?);
        let (da, db) = (a.dims(), b.dims());
        let saved = vec![("self", sa.clone().into()), ("other", sb.clone().into())];
        let node = record("Atan2Backward0", &[a, b], &[&out], move |ctx, g| {
            let (a, b) = (sa.unpack(ctx)?, sb.unpack(ctx)?);
            let r2 = add(&mul(&a, &a)?, &mul(&b, &b)?)?;
            let ga = reduce_grad(div(&mul(&g[0], &b)?, &r2)?, &da)?;
            let gb = reduce_grad(unary::neg(&div(&mul(&g[0], &a)?, &r2)?)?, &db)?;
            Ok(vec![Some(ga), Some(gb)])
        });
        expose_saved(&node, || saved);
    }
    Ok(out)
}

fn max_min(op: BinaryKernel, name: &'static str, a: &Tensor, b: &Tensor) -> Result<Tensor> {
    let out = compute(op, a, b, None)?;
    if crate::autograd::needs_grad(&[a, b]) {
        let (sa, sb) = (SavedTensor::input(a)?, SavedTensor::input(b)?);
        let (da, db) = (a.dims(), b.dims());
        let saved = vec![("self", sa.clone().into()), ("other", sb.clone().into())];
        let node = record(name, &[a, b], &[&out], move |ctx, g| {
            // Ties split the gradient evenly, as PyTorch does; an input gets the whole
            // gradient unless it strictly loses (so both get it next to a NaN).
            let (a, b) = (sa.unpack(ctx)?, sb.unpack(ctx)?);
            let half = mul_scalar(&g[0], Scalar::Float(0.5))?;
            let zero = Tensor::wrapped_scalar(Scalar::Int(0));
            let (a_loses, b_loses) = if op == BinaryKernel::Maximum {
                (lt(&a, &b)?, gt(&a, &b)?)
            } else {
                (gt(&a, &b)?, lt(&a, &b)?)
            };
            let tie = eq(&a, &b)?;
            let pick = |loses: &Tensor| -> Result<Tensor> {
                let w = crate::ops::pointwise::where_(loses, &zero, &g[0])?;
                crate::ops::pointwise::where_(&tie, &half, &w)
            };
            Ok(vec![
                Some(reduce_grad(pick(&a_loses)?, &da)?),
                Some(reduce_grad(pick(&b_loses)?, &db)?),
            ])
        });
        expose_saved(&node, || saved);
    }
    Ok(out)
}

pub fn maximum(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    max_min(BinaryKernel::Maximum, "MaximumBackward0", a, b)
}

pub fn minimum(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    max_min(BinaryKernel::Minimum, "MinimumBackward0", a, b)
}

// Non-differentiable: comparisons, logical and bitwise ops.
pub fn eq(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    compute(BinaryKernel::Eq, a, b, None)
}
pub fn ne(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    compute(BinaryKernel::Ne, a, b, None)
}
pub fn lt(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    compute(BinaryKernel::Lt, a, b, None)
}
pub fn le(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    compute(BinaryKernel::Le, a, b, None)
}
pub fn gt(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    compute(BinaryKernel::Gt, a, b, None)
}
pub fn ge(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    compute(BinaryKernel::Ge, a, b, None)
}
pub fn logical_and(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    compute(BinaryKernel::LogicalAnd, a, b, None)
}
pub fn logical_or(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    compute(BinaryKernel::LogicalOr, a, b, None)
}
pub fn logical_xor(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    compute(BinaryKernel::LogicalXor, a, b, None)
}
pub fn bitwise_and(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    compute(BinaryKernel::BitAnd, a, b, None)
}
pub fn bitwise_or(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    compute(BinaryKernel::BitOr, a, b, None)
}
pub fn bitwise_xor(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    compute(BinaryKernel::BitXor, a, b, None)
}
pub fn bitwise_left_shift(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    compute(BinaryKernel::Shl, a, b, None)
}
pub fn bitwise_right_shift(a: &Tensor, b: &Tensor) -> Result<Tensor> {
    compute(BinaryKernel::Shr, a, b, None)
}

/// Binary ops by PyTorch name (the generic in-place path): a registry lookup.
pub fn by_name(name: &str) -> Option<fn(&Tensor, &Tensor) -> Result<Tensor>> {
    match crate::ops::find(OPS, name)?.call {
        crate::ops::Call::Binary(f) => Some(f),
        _ => None,
    }
}

/// `a.add_(b, alpha=…)` and friends: in place on `a`. Without autograd the kernel writes
/// straight into `a`; with it, `inplace` rebases `a`'s history.
pub fn add_scaled_(a: &Tensor, b: &Tensor, alpha: Scalar) -> Result<()> {
    if inplace::fast_path_ok(a, &[b]) {
        inplace::check_writable(a, &[b], "add_")?;
        let b = inplace::unalias(a, b)?;
        compute(BinaryKernel::Add(alpha), a, &b, Some(a))?;
        a.bump_version();
        return Ok(());
    }
    inplace::apply(a, &[b], "add_", |a| add_scaled(a, b, alpha))
}

pub fn add_(a: &Tensor, b: &Tensor) -> Result<()> {
    add_scaled_(a, b, Scalar::Int(1))
}

/// In-place variant of any binary op by name (`mul_`, `div_`, `lt_`, …).
pub fn binary_(name: &str, a: &Tensor, b: &Tensor) -> Result<()> {
    let f =
        by_name(name).ok_or_else(|| crate::Error::runtime(format!("no in-place op {name}_")))?;
    if name.starts_with("bitwise_") {
        // PyTorch checks that the result fits `a` before it looks for a kernel
        // (`int_tensor &= 1.5` is a cast error, not a missing float kernel).
        check_cast(result_type(&[a, b]), a.dtype())?;
    }
    let op = match name {
        "mul" => Some(BinaryKernel::Mul),
        "sub" => Some(BinaryKernel::Sub(Scalar::Int(1))),
        "div" => Some(BinaryKernel::Div(RoundingMode::True)),
        // The pow kernels read each block of both operands before writing it (NOTE [ float32
        // pow by a float ]): x.pow_(2.5) of 4M float32 skips a 16 MB temporary and its copy.
        "pow" => Some(BinaryKernel::Pow),
        _ => None,
    };
    if let (Some(op), true) = (op, inplace::fast_path_ok(a, &[b])) {
        inplace::check_writable(a, &[b], &format!("{name}_"))?;
        let b = inplace::unalias(a, b)?;
        compute(op, a, &b, Some(a))?;
        a.bump_version();
        return Ok(());
    }
    if name == "floor_divide" {
        return inplace::apply(a, &[b], "floor_divide_", |a| {
            floor_divide_named(a, b, "floor_divide_")
        });
    }
    inplace::apply(a, &[b], &format!("{name}_"), |a| f(a, b))
}

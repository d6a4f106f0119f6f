//! `_foreach_*`: one elementwise op over lists of tensors, what PyTorch's optimizers call
//! with `foreach=True` (one call per step instead of one per parameter). Each element is
//! the engine op of the same name, so dtypes, broadcasting, in-place rules and gradients
//! are that op's; this file adds the list semantics (lengths, the scalar-list and
//! tensor-of-scalars overloads) and is where fused multi-tensor kernels will go.
//!
//! NOTE: PyTorch records one `Foreach…Backward` node per list; rtorch records the
//! per-tensor op's node (`MulBackward0`…), with the same gradients.

use crate::ops::{binary, inplace, movement, pointwise, reduce, unary};
use crate::{bail, ensure, Result, Scalar, Tensor};

/// The right-hand operand of a list op, in PyTorch's overloads.
#[derive(Clone, Copy)]
pub enum Operand<'a> {
    /// One tensor per list element.
    List(&'a [Tensor]),
    /// The same number for every element.
    Scalar(Scalar),
    /// One number per list element (a Python list, or a 1-D tensor of them).
    Scalars(&'a [Scalar]),
    /// The same tensor for every element (broadcast against each).
    Tensor(&'a Tensor),
}

impl Operand<'_> {
    fn check(&self, n: usize) -> Result<()> {
        match self {
            Operand::List(ts) => same_len(n, ts.len()),
            Operand::Scalars(s) => {
                ensure!(
                    s.len() == n,
                    runtime,
                    "Tensor list must have same number of elements as scalar list."
                );
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The operand of element `i`.
    fn nth(&self, i: usize) -> Tensor {
        match *self {
            Operand::List(ts) => ts[i].clone(),
            Operand::Scalar(s) => Tensor::wrapped_scalar(s),
            Operand::Scalars(s) => Tensor::wrapped_scalar(s[i]),
            Operand::Tensor(t) => t.clone(),
        }
    }
}

fn non_empty(xs: &[Tensor]) -> Result<()> {
    ensure!(
        !xs.is_empty(),
        runtime,
        "Tensor list must have at least one tensor."
    );
    Ok(())
}

fn same_len(n: usize, m: usize) -> Result<()> {
    ensure!(
        n == m,
        runtime,
        "Tensor lists must have the same number of tensors, got {n} and {m}"
    );
    Ok(())
}

/// The names `binary`/`binary_` take: PyTorch's binary foreach ops.
pub const BINARY: &[&str] = &[
    "add",
    "sub",
    "mul",
    "div",
    "pow",
    "maximum",
    "minimum",
    "clamp_min",
    "clamp_max",
];

/// `name(a, b)` with `alpha` for add/sub.
fn binary_one(name: &str, a: &Tensor, b: &Tensor, alpha: Option<Scalar>) -> Result<Tensor> {
    match (name, alpha) {
        ("add", Some(s)) => binary::add_scaled(a, b, s),
        ("sub", Some(s)) => binary::sub_scaled(a, b, s),
        ("clamp_min", _) => pointwise::clamp_min(a, b),
        ("clamp_max", _) => pointwise::clamp_max(a, b),
        _ => match binary::by_name(name) {
            Some(f) => f(a, b),
            None => bail!(runtime, "_foreach_{name}: no such binary op"),
        },
    }
}

fn check_alpha(name: &str, alpha: Option<Scalar>) -> Result<()> {
    ensure!(
        alpha.is_none() || name == "add" || name == "sub",
        type_error,
        "_foreach_{name}() got an unexpected keyword argument 'alpha'"
    );
    Ok(())
}

/// `_foreach_<name>(xs, other, alpha=)`: a new tensor per element.
pub fn binary(
    name: &str,
    xs: &[Tensor],
    other: Operand<'_>,
    alpha: Option<Scalar>,
) -> Result<Vec<Tensor>> {
    non_empty(xs)?;
    other.check(xs.len())?;
    check_alpha(name, alpha)?;
    (0..xs.len())
        .map(|i| binary_one(name, &xs[i], &other.nth(i), alpha))
        .collect()
}

/// `_foreach_<name>_(xs, other, alpha=)`: each element in place, as `x.<name>_(other)`.
pub fn binary_(name: &str, xs: &[Tensor], other: Operand<'_>, alpha: Option<Scalar>) -> Result<()> {
    non_empty(xs)?;
    other.check(xs.len())?;
    check_alpha(name, alpha)?;
    for (i, x) in xs.iter().enumerate() {
        let b = other.nth(i);
        match (name, alpha) {
            ("add", _) => binary::add_scaled_(x, &b, alpha.unwrap_or(Scalar::Int(1)))?,
            ("clamp_min" | "clamp_max" | "sub", _) => {
                inplace::apply(x, &[&b], &format!("{name}_"), |x| {
                    binary_one(name, x, &b, alpha)
                })?
            }
            _ => binary::binary_(name, x, &b)?,
        }
    }
    Ok(())
}

/// `_foreach_<name>(xs)` for a one-input op (`sqrt`, `exp`, `neg`…).
pub fn unary(name: &str, xs: &[Tensor]) -> Result<Vec<Tensor>> {
    non_empty(xs)?;
    let Some(f) = unary::by_name(name) else {
        bail!(runtime, "_foreach_{name}: no such unary op");
    };
    xs.iter().map(f).collect()
}

/// `_foreach_<name>_(xs)`.
pub fn unary_(name: &str, xs: &[Tensor]) -> Result<()> {
    non_empty(xs)?;
    xs.iter().try_for_each(|x| unary::unary_(name, x))
}

/// Which of `addcmul`/`addcdiv`.
#[derive(Clone, Copy, PartialEq)]
pub enum Addc {
    Mul,
    Div,
}

fn addc_one(op: Addc, x: &Tensor, t1: &Tensor, t2: &Tensor, v: Scalar) -> Result<Tensor> {
    match op {
        Addc::Mul => pointwise::addcmul(x, t1, t2, v),
        Addc::Div => pointwise::addcdiv(x, t1, t2, v),
    }
}

fn addc_value(values: Operand<'_>, i: usize) -> Result<Scalar> {
    match values {
        Operand::Scalar(s) => Ok(s),
        Operand::Scalars(s) => Ok(s[i]),
        _ => bail!(
            type_error,
            "_foreach_addcmul: value must be a number or a list of numbers"
        ),
    }
}

/// `_foreach_addcmul(xs, t1s, t2s, value)` / `addcdiv`: `x + value * t1 op t2` per element.
pub fn addc(
    op: Addc,
    xs: &[Tensor],
    t1s: &[Tensor],
    t2s: &[Tensor],
    values: Operand<'_>,
) -> Result<Vec<Tensor>> {
    non_empty(xs)?;
    same_len(xs.len(), t1s.len())?;
    same_len(xs.len(), t2s.len())?;
    values.check(xs.len())?;
    (0..xs.len())
        .map(|i| addc_one(op, &xs[i], &t1s[i], &t2s[i], addc_value(values, i)?))
        .collect()
}

/// In-place `addc`.
pub fn addc_(
    op: Addc,
    xs: &[Tensor],
    t1s: &[Tensor],
    t2s: &[Tensor],
    values: Operand<'_>,
) -> Result<()> {
    non_empty(xs)?;
    same_len(xs.len(), t1s.len())?;
    same_len(xs.len(), t2s.len())?;
    values.check(xs.len())?;
    let name = if op == Addc::Mul {
        "addcmul_"
    } else {
        "addcdiv_"
    };
    for i in 0..xs.len() {
        let v = addc_value(values, i)?;
        let (t1, t2) = (&t1s[i], &t2s[i]);
        inplace::apply(&xs[i], &[t1, t2], name, |x| addc_one(op, x, t1, t2, v))?;
    }
    Ok(())
}

/// `_foreach_lerp(xs, ends, weight)`: weight a number, a number per element, or a tensor
/// per element.
pub fn lerp(xs: &[Tensor], ends: &[Tensor], weight: Operand<'_>) -> Result<Vec<Tensor>> {
    non_empty(xs)?;
    same_len(xs.len(), ends.len())?;
    weight.check(xs.len())?;
    (0..xs.len())
        .map(|i| pointwise::lerp(&xs[i], &ends[i], &weight.nth(i)))
        .collect()
}

/// In-place `lerp`.
pub fn lerp_(xs: &[Tensor], ends: &[Tensor], weight: Operand<'_>) -> Result<()> {
    non_empty(xs)?;
    same_len(xs.len(), ends.len())?;
    weight.check(xs.len())?;
    for i in 0..xs.len() {
        let (end, w) = (&ends[i], weight.nth(i));
        inplace::apply(&xs[i], &[end, &w], "lerp_", |x| pointwise::lerp(x, end, &w))?;
    }
    Ok(())
}

/// `_foreach_zero_(xs)`.
pub fn zero_(xs: &[Tensor]) -> Result<()> {
    non_empty(xs)?;
    for x in xs {
        let zero = x.new_zeros(&[], x.dtype())?;
        movement::fill_(x, &zero, "zero_")?;
    }
    Ok(())
}

/// `_foreach_copy_(xs, srcs)`.
pub fn copy_(xs: &[Tensor], srcs: &[Tensor]) -> Result<()> {
    non_empty(xs)?;
    same_len(xs.len(), srcs.len())?;
    xs.iter()
        .zip(srcs)
        .try_for_each(|(x, s)| movement::copy_(x, s))
}

/// `_foreach_norm(xs, ord)`: the `ord`-norm of each whole tensor (0-dim results).
pub fn norm(xs: &[Tensor], ord: f64) -> Result<Vec<Tensor>> {
    non_empty(xs)?;
    xs.iter()
        .map(|x| reduce::vector_norm(x, ord, None, false))
        .collect()
}

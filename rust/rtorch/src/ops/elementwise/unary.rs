//! Unary elementwise ops, forward and derivative side by side.

use crate::autograd::{needs_grad, record, SavedTensor};
use crate::backend::cpu::iter::{map1, SendPtr};
use crate::backend::cpu::num::Arith;
use crate::ops::binary::{add, div, mul, mul_scalar, sub};
use crate::ops::cast::cast_for_op;
use crate::ops::default_float;
use crate::{ensure, with_dtype, DType, Element, Result, Scalar, Tensor};
use half::{bf16, f16};

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[crate::ops::OpInfo] = &[
    crate::ops::op("neg", crate::ops::Kind::Unary, true),
    crate::ops::op("abs", crate::ops::Kind::Unary, true),
    crate::ops::op("sign", crate::ops::Kind::Unary, true),
    crate::ops::op("exp", crate::ops::Kind::Unary, true),
    crate::ops::op("expm1", crate::ops::Kind::Unary, true),
    crate::ops::op("log", crate::ops::Kind::Unary, true),
    crate::ops::op("log1p", crate::ops::Kind::Unary, true),
    crate::ops::op("log2", crate::ops::Kind::Unary, true),
    crate::ops::op("log10", crate::ops::Kind::Unary, true),
    crate::ops::op("sqrt", crate::ops::Kind::Unary, true),
    crate::ops::op("rsqrt", crate::ops::Kind::Unary, true),
    crate::ops::op("square", crate::ops::Kind::Unary, true),
    crate::ops::op("sin", crate::ops::Kind::Unary, true),
    crate::ops::op("cos", crate::ops::Kind::Unary, true),
    crate::ops::op("tan", crate::ops::Kind::Unary, true),
    crate::ops::op("asin", crate::ops::Kind::Unary, true),
    crate::ops::op("acos", crate::ops::Kind::Unary, true),
    crate::ops::op("atan", crate::ops::Kind::Unary, true),
    crate::ops::op("sinh", crate::ops::Kind::Unary, true),
    crate::ops::op("cosh", crate::ops::Kind::Unary, true),
    crate::ops::op("tanh", crate::ops::Kind::Unary, true),
    crate::ops::op("sigmoid", crate::ops::Kind::Unary, true),
    crate::ops::op("relu", crate::ops::Kind::Unary, true),
    crate::ops::op("erf", crate::ops::Kind::Unary, true),
    crate::ops::op("reciprocal", crate::ops::Kind::Unary, true),
    crate::ops::op("floor", crate::ops::Kind::Unary, true),
    crate::ops::op("ceil", crate::ops::Kind::Unary, true),
    crate::ops::op("round", crate::ops::Kind::Unary, true),
    crate::ops::op("trunc", crate::ops::Kind::Unary, true),
    crate::ops::op("frac", crate::ops::Kind::Unary, true),
    crate::ops::op("isnan", crate::ops::Kind::Unary, false),
    crate::ops::op("isinf", crate::ops::Kind::Unary, false),
    crate::ops::op("isfinite", crate::ops::Kind::Unary, false),
    crate::ops::op("nan_to_num", crate::ops::Kind::Unary, true),
    crate::ops::op("logical_not", crate::ops::Kind::Unary, false),
    crate::ops::op("bitwise_not", crate::ops::Kind::Unary, false),
];

/// Applies a float function; integer inputs are promoted to the default float dtype.
fn float_unary(
    x: &Tensor,
    name: &str,
    f32f: impl Fn(f32) -> f32 + Sync + Send + Copy,
    f64f: impl Fn(f64) -> f64 + Sync + Send + Copy,
    cost: usize,
) -> Result<Tensor> {
    x.ensure_cpu(name)?;
    let dt = if x.dtype().is_floating_point() {
        x.dtype()
    } else {
        default_float()
    };
    let xin = cast_for_op(x, dt)?;
    let out = Tensor::try_uninit_like(x.shape(), dt, &[x.strides()])?;
    let same_order = xin.strides() == out.strides()
        && (xin.is_contiguous() || crate::layout::is_dense(x.shape(), xin.strides()));
    if same_order && matches!(dt, DType::F32 | DType::F64) {
        // Fresh output laid out like a dense input: both are plain slices in the same
        // element order, which LLVM vectorizes reliably.
        let n = x.numel();
        match dt {
            DType::F32 => {
                contiguous_map(n, xin.data_ptr::<f32>(), out.data_ptr::<f32>(), cost, f32f)
            }
            _ => contiguous_map(n, xin.data_ptr::<f64>(), out.data_ptr::<f64>(), cost, f64f),
        }
        return Ok(out);
    }
    let o = out.strides_vec();
    // SAFETY: `out` and `xin` are valid views of the same shape and dtype `dt`.
    unsafe {
        match dt {
            DType::F32 => map1(
                x.shape(),
                (SendPtr(out.data_ptr::<f32>()), &o),
                (SendPtr(xin.data_ptr::<f32>()), xin.strides()),
                cost,
                f32f,
            ),
            DType::F64 => map1(
                x.shape(),
                (SendPtr(out.data_ptr::<f64>()), &o),
                (SendPtr(xin.data_ptr::<f64>()), xin.strides()),
                cost,
                f64f,
            ),
            DType::F16 => map1(
                x.shape(),
                (SendPtr(out.data_ptr::<f16>()), &o),
                (SendPtr(xin.data_ptr::<f16>()), xin.strides()),
                cost,
                move |v: f16| f16::from_f32(f32f(v.to_f32())),
            ),
            DType::BF16 => map1(
                x.shape(),
                (SendPtr(out.data_ptr::<bf16>()), &o),
                (SendPtr(xin.data_ptr::<bf16>()), xin.strides()),
                cost,
                move |v: bf16| bf16::from_f32(f32f(v.to_f32())),
            ),
            _ => unreachable!(),
        }
    }
    Ok(out)
}

/// `out[i] = f(x[i])` over `n` contiguous elements in parallel chunks.
fn contiguous_map<T: Copy + Send + Sync>(
    n: usize,
    x: *mut T,
    out: *mut T,
    cost: usize,
    f: impl Fn(T) -> T + Sync + Send,
) {
    let (px, po) = (SendPtr(x), SendPtr(out));
    crate::parallel::for_chunks(n, cost, |s, e| {
        // SAFETY: `out` is a fresh buffer distinct from `x`; chunks are disjoint.
        let (xs, os) = unsafe {
            (
                std::slice::from_raw_parts(px.at(s as isize), e - s),
                std::slice::from_raw_parts_mut(po.at(s as isize), e - s),
            )
        };
        crate::backend::cpu::iter::map_slices(os, xs, &f);
    });
}

/// Applies `f` in the input's own dtype (any dtype).
macro_rules! same_dtype_unary {
    ($x:expr, $name:expr, |$v:ident| $body:expr) => {{
        let x: &Tensor = $x;
        x.ensure_cpu($name)?;
        let out = Tensor::try_uninit_like(x.shape(), x.dtype(), &[x.strides()])?;
        let o = out.strides_vec();
        with_dtype!(x.dtype(), T, {
            // SAFETY: same shape and dtype.
            unsafe {
                map1(
                    x.shape(),
                    (SendPtr(out.data_ptr::<T>()), &o),
                    (SendPtr(x.data_ptr::<T>()), x.strides()),
                    1,
                    |$v: T| $body,
                )
            }
        });
        out
    }};
}

/// Applies a predicate in the input's dtype, giving a bool tensor.
macro_rules! bool_unary {
    ($x:expr, $name:expr, |$v:ident| $body:expr) => {{
        let x: &Tensor = $x;
        x.ensure_cpu($name)?;
        let out = Tensor::try_uninit_like(x.shape(), DType::Bool, &[x.strides()])?;
        let o = out.strides_vec();
        with_dtype!(x.dtype(), T, {
            // SAFETY: same shape; output is bool.
            unsafe {
                map1(
                    x.shape(),
                    (SendPtr(out.data_ptr::<bool>()), &o),
                    (SendPtr(x.data_ptr::<T>()), x.strides()),
                    1,
                    |$v: T| $body,
                )
            }
        });
        out
    }};
}

/// Records a node whose derivative needs the input: `dx = f(g, x)`.
fn grad_x(name: &'static str, x: &Tensor, out: &Tensor, f: fn(&Tensor, &Tensor) -> Result<Tensor>) {
    if needs_grad(&[x]) {
        let sx = SavedTensor::input(x);
        record(name, &[x], &[out], move |ctx, g| {
            Ok(vec![Some(f(&g[0], &sx.unpack(ctx)?)?)])
        });
    }
}

/// Records a node whose derivative needs the output: `dx = f(g, out)`.
fn grad_out(
    name: &'static str,
    x: &Tensor,
    out: &Tensor,
    f: fn(&Tensor, &Tensor) -> Result<Tensor>,
) {
    if needs_grad(&[x]) {
        let so = SavedTensor::output(out, 0);
        record(name, &[x], &[out], move |ctx, g| {
            Ok(vec![Some(f(&g[0], &so.unpack(ctx)?)?)])
        });
    }
}

/// Records a node with zero derivative (step functions).
fn grad_zero(name: &'static str, x: &Tensor, out: &Tensor) {
    record(name, &[x], &[out], |_, g| {
        Ok(vec![Some(crate::ops::factory::zeros_like(&g[0])?)])
    });
}

fn s(v: f64) -> Tensor {
    Tensor::wrapped_scalar(Scalar::Float(v))
}

pub fn neg(x: &Tensor) -> Result<Tensor> {
    ensure!(
        x.dtype() != DType::Bool,
        runtime,
        "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
    );
    let out = same_dtype_unary!(x, "neg", |v| Arith::neg(v));
    record("NegBackward0", &[x], &[&out], |_, g| {
        Ok(vec![Some(neg(&g[0])?)])
    });
    Ok(out)
}

pub fn abs(x: &Tensor) -> Result<Tensor> {
    if x.dtype() == DType::Bool {
        return Err(crate::ops::unsupported("abs_cpu", x.dtype()));
    }
    let out = same_dtype_unary!(x, "abs", |v| Arith::abs(v));
    grad_x("AbsBackward0", x, &out, |g, x| mul(g, &sign(x)?));
    Ok(out)
}

pub fn sign(x: &Tensor) -> Result<Tensor> {
    let out = same_dtype_unary!(x, "sign", |v| Arith::sign(v));
    grad_zero("SignBackward0", x, &out);
    Ok(out)
}

pub fn exp(x: &Tensor) -> Result<Tensor> {
    let out = float_unary(x, "exp", crate::backend::cpu::num::exp_f32, f64::exp, 4)?;
    grad_out("ExpBackward0", x, &out, mul);
    Ok(out)
}

pub fn expm1(x: &Tensor) -> Result<Tensor> {
    let out = float_unary(x, "expm1", f32::exp_m1, f64::exp_m1, 4)?;
    grad_out("Expm1Backward0", x, &out, |g, y| mul(g, &add(y, &s(1.0))?));
    Ok(out)
}

pub fn log(x: &Tensor) -> Result<Tensor> {
    let out = float_unary(x, "log", f32::ln, f64::ln, 4)?;
    grad_x("LogBackward0", x, &out, div);
    Ok(out)
}

pub fn log1p(x: &Tensor) -> Result<Tensor> {
    let out = float_unary(x, "log1p", f32::ln_1p, f64::ln_1p, 4)?;
    grad_x("Log1PBackward0", x, &out, |g, x| div(g, &add(x, &s(1.0))?));
    Ok(out)
}

pub fn log2(x: &Tensor) -> Result<Tensor> {
    let out = float_unary(x, "log2", f32::log2, f64::log2, 4)?;
    grad_x("Log2Backward0", x, &out, |g, x| {
        div(g, &mul(x, &s(std::f64::consts::LN_2))?)
    });
    Ok(out)
}

pub fn log10(x: &Tensor) -> Result<Tensor> {
    let out = float_unary(x, "log10", f32::log10, f64::log10, 4)?;
    grad_x("Log10Backward0", x, &out, |g, x| {
        div(g, &mul(x, &s(std::f64::consts::LN_10))?)
    });
    Ok(out)
}

pub fn sqrt(x: &Tensor) -> Result<Tensor> {
    let out = float_unary(x, "sqrt", f32::sqrt, f64::sqrt, 2)?;
    grad_out("SqrtBackward0", x, &out, |g, y| div(g, &mul(y, &s(2.0))?));
    Ok(out)
}

pub fn rsqrt(x: &Tensor) -> Result<Tensor> {
    let out = float_unary(x, "rsqrt", |v| 1.0 / v.sqrt(), |v| 1.0 / v.sqrt(), 2)?;
    // d/dx x^-1/2 = -1/2 x^-3/2 = -1/2 y^3
    grad_out("RsqrtBackward0", x, &out, |g, y| {
        mul(g, &mul(&mul(y, &mul(y, y)?)?, &s(-0.5))?)
    });
    Ok(out)
}

pub fn square(x: &Tensor) -> Result<Tensor> {
    // PyTorch computes square as pow(x, 2): bool becomes int64.
    let x2 = if x.dtype() == DType::Bool {
        crate::ops::cast::to_dtype(x, DType::I64)?
    } else {
        x.clone()
    };
    crate::ops::binary::pow_scalar(&x2, Scalar::Int(2))
}

pub fn sin(x: &Tensor) -> Result<Tensor> {
    let out = float_unary(x, "sin", f32::sin, f64::sin, 4)?;
    grad_x("SinBackward0", x, &out, |g, x| mul(g, &cos(x)?));
    Ok(out)
}

pub fn cos(x: &Tensor) -> Result<Tensor> {
    let out = float_unary(x, "cos", f32::cos, f64::cos, 4)?;
    grad_x("CosBackward0", x, &out, |g, x| mul(g, &neg(&sin(x)?)?));
    Ok(out)
}

pub fn tan(x: &Tensor) -> Result<Tensor> {
    let out = float_unary(x, "tan", f32::tan, f64::tan, 4)?;
    grad_out("TanBackward0", x, &out, |g, y| {
        mul(g, &add(&mul(y, y)?, &s(1.0))?)
    });
    Ok(out)
}

pub fn asin(x: &Tensor) -> Result<Tensor> {
    let out = float_unary(x, "asin", f32::asin, f64::asin, 4)?;
    grad_x("AsinBackward0", x, &out, |g, x| {
        div(g, &sqrt(&sub(&s(1.0), &mul(x, x)?)?)?)
    });
    Ok(out)
}

pub fn acos(x: &Tensor) -> Result<Tensor> {
    let out = float_unary(x, "acos", f32::acos, f64::acos, 4)?;
    grad_x("AcosBackward0", x, &out, |g, x| {
        neg(&div(g, &sqrt(&sub(&s(1.0), &mul(x, x)?)?)?)?)
    });
    Ok(out)
}

pub fn atan(x: &Tensor) -> Result<Tensor> {
    let out = float_unary(x, "atan", f32::atan, f64::atan, 4)?;
    grad_x("AtanBackward0", x, &out, |g, x| {
        div(g, &add(&mul(x, x)?, &s(1.0))?)
    });
    Ok(out)
}

pub fn sinh(x: &Tensor) -> Result<Tensor> {
    let out = float_unary(x, "sinh", f32::sinh, f64::sinh, 4)?;
    grad_x("SinhBackward0", x, &out, |g, x| mul(g, &cosh(x)?));
    Ok(out)
}

pub fn cosh(x: &Tensor) -> Result<Tensor> {
    let out = float_unary(x, "cosh", f32::cosh, f64::cosh, 4)?;
    grad_x("CoshBackward0", x, &out, |g, x| mul(g, &sinh(x)?));
    Ok(out)
}

pub fn tanh(x: &Tensor) -> Result<Tensor> {
    let out = float_unary(x, "tanh", f32::tanh, f64::tanh, 4)?;
    grad_out("TanhBackward0", x, &out, |g, y| {
        mul(g, &sub(&s(1.0), &mul(y, y)?)?)
    });
    Ok(out)
}

pub fn sigmoid(x: &Tensor) -> Result<Tensor> {
    let out = float_unary(
        x,
        "sigmoid",
        |v| 1.0 / (1.0 + (-v).exp()),
        |v| 1.0 / (1.0 + (-v).exp()),
        4,
    )?;
    grad_out("SigmoidBackward0", x, &out, |g, y| {
        mul(g, &mul(y, &sub(&s(1.0), y)?)?)
    });
    Ok(out)
}

#[allow(
    clippy::bool_comparison,
    reason = "the body is expanded for every dtype; for bool, `<` is torch's false < true"
)]
pub fn relu(x: &Tensor) -> Result<Tensor> {
    ensure!(
        x.dtype() != DType::Bool,
        runtime,
        "Boolean inputs not supported for relu"
    );
    // torch: `x < 0 ? 0 : x`, so -0.0 and NaN pass through unchanged.
    let out = same_dtype_unary!(x, "relu", |v| if v < T::default() {
        T::default()
    } else {
        v
    });
    // threshold_backward: the gradient is dropped where the result is <= 0 (selected,
    // not multiplied, so an inf gradient does not become nan).
    grad_out("ReluBackward0", x, &out, |g, y| {
        let zero = Tensor::wrapped_scalar(Scalar::Int(0));
        crate::ops::pointwise::where_(&crate::ops::binary::le(y, &zero)?, &zero, g)
    });
    Ok(out)
}

pub fn erf(x: &Tensor) -> Result<Tensor> {
    let out = float_unary(x, "erf", libm::erff, libm::erf, 8)?;
    // d/dx erf(x) = 2/sqrt(pi) exp(-x^2)
    grad_x("ErfBackward0", x, &out, |g, x| {
        mul(
            g,
            &mul(
                &exp(&neg(&mul(x, x)?)?)?,
                &s(std::f64::consts::FRAC_2_SQRT_PI),
            )?,
        )
    });
    Ok(out)
}

pub fn reciprocal(x: &Tensor) -> Result<Tensor> {
    let out = float_unary(x, "reciprocal", |v| 1.0 / v, |v| 1.0 / v, 1)?;
    grad_out("ReciprocalBackward0", x, &out, |g, y| {
        neg(&mul(g, &mul(y, y)?)?)
    });
    Ok(out)
}

/// floor/ceil/round/trunc: identity on integers, zero gradient.
fn rounding(
    x: &Tensor,
    name: &'static str,
    node: &'static str,
    f32f: fn(f32) -> f32,
    f64f: fn(f64) -> f64,
) -> Result<Tensor> {
    if x.dtype() == DType::Bool {
        return Err(crate::ops::unsupported(
            &format!("{name}_vml_cpu"),
            x.dtype(),
        ));
    }
    if !x.dtype().is_floating_point() {
        return crate::ops::movement::clone(x);
    }
    let out = float_unary(x, name, f32f, f64f, 1)?;
    grad_zero(node, x, &out);
    Ok(out)
}

pub fn floor(x: &Tensor) -> Result<Tensor> {
    rounding(x, "floor", "FloorBackward0", f32::floor, f64::floor)
}
pub fn ceil(x: &Tensor) -> Result<Tensor> {
    rounding(x, "ceil", "CeilBackward0", f32::ceil, f64::ceil)
}
/// Rounds half to even, as PyTorch (and NumPy) do.
pub fn round(x: &Tensor) -> Result<Tensor> {
    rounding(
        x,
        "round",
        "RoundBackward0",
        f32::round_ties_even,
        f64::round_ties_even,
    )
}
pub fn trunc(x: &Tensor) -> Result<Tensor> {
    rounding(x, "trunc", "TruncBackward0", f32::trunc, f64::trunc)
}

/// `round(x, decimals=d)`: scale, round half to even, unscale.
pub fn round_decimals(x: &Tensor, decimals: i64) -> Result<Tensor> {
    if decimals == 0 {
        return round(x);
    }
    if !x.dtype().is_floating_point() {
        return Err(crate::ops::unsupported("round_cpu", x.dtype()));
    }
    // A huge `decimals` gives an infinite scale (and nan, as in torch), not a wrapped one.
    let scale = 10f64.powi(i32::try_from(decimals.unsigned_abs()).unwrap_or(i32::MAX));
    // Positive decimals scale up before rounding, negative ones scale down.
    let up = decimals > 0;
    let s32 = scale as f32;
    let out = float_unary(
        x,
        "round",
        move |v: f32| match up {
            true => (v * s32).round_ties_even() / s32,
            false => (v / s32).round_ties_even() * s32,
        },
        move |v: f64| match up {
            true => (v * scale).round_ties_even() / scale,
            false => (v / scale).round_ties_even() * scale,
        },
        2,
    )?;
    grad_zero("RoundBackward1", x, &out);
    Ok(out)
}

pub fn frac(x: &Tensor) -> Result<Tensor> {
    if !x.dtype().is_floating_point() {
        return Err(crate::ops::unsupported("frac_cpu", x.dtype()));
    }
    let out = float_unary(x, "frac", |v| v - v.trunc(), |v| v - v.trunc(), 1)?;
    record("FracBackward0", &[x], &[&out], |_, g| {
        Ok(vec![Some(g[0].clone())])
    });
    Ok(out)
}

pub fn isnan(x: &Tensor) -> Result<Tensor> {
    Ok(bool_unary!(x, "isnan", |v| Arith::is_nan(v)))
}

pub fn isinf(x: &Tensor) -> Result<Tensor> {
    Ok(bool_unary!(x, "isinf", |v| v.to_f64().is_infinite()))
}

pub fn isfinite(x: &Tensor) -> Result<Tensor> {
    Ok(bool_unary!(x, "isfinite", |v| v.to_f64().is_finite()))
}

pub fn logical_not(x: &Tensor) -> Result<Tensor> {
    Ok(bool_unary!(x, "logical_not", |v| !v.is_nonzero()))
}

pub fn bitwise_not(x: &Tensor) -> Result<Tensor> {
    if x.dtype().is_floating_point() {
        return Err(crate::ops::unsupported("bitwise_not_cpu", x.dtype()));
    }
    Ok(same_dtype_unary!(x, "bitwise_not", |v| Arith::bnot(v)))
}

/// `nan_to_num(x, nan=0.0, posinf=None, neginf=None)`: None means the dtype's extremes.
pub fn nan_to_num(
    x: &Tensor,
    nan: f64,
    posinf: Option<f64>,
    neginf: Option<f64>,
) -> Result<Tensor> {
    if !x.dtype().is_floating_point() {
        return crate::ops::movement::clone(x);
    }
    let (max, min) = match x.dtype() {
        DType::F16 => (f16::MAX.to_f64(), f16::MIN.to_f64()),
        DType::BF16 => (bf16::MAX.to_f64(), bf16::MIN.to_f64()),
        DType::F32 => (f32::MAX as f64, f32::MIN as f64),
        _ => (f64::MAX, f64::MIN),
    };
    let (pinf, ninf) = (posinf.unwrap_or(max), neginf.unwrap_or(min));
    let fix64 = move |v: f64| {
        if v.is_nan() {
            nan
        } else if v == f64::INFINITY {
            pinf
        } else if v == f64::NEG_INFINITY {
            ninf
        } else {
            v
        }
    };
    let fix32 = move |v: f32| {
        if v.is_nan() {
            nan as f32
        } else if v == f32::INFINITY {
            pinf as f32
        } else if v == f32::NEG_INFINITY {
            ninf as f32
        } else {
            v
        }
    };
    let out = float_unary(x, "nan_to_num", fix32, fix64, 1)?;
    grad_x("NanToNumBackward0", x, &out, |g, x| mul(g, &isfinite(x)?));
    Ok(out)
}

/// `x * s` for a Python number; a shorthand used by derivatives.
pub fn scale(x: &Tensor, v: f64) -> Result<Tensor> {
    mul_scalar(x, Scalar::Float(v))
}

/// Unary ops by PyTorch name (registry, method and in-place fan-out).
pub fn by_name(name: &str) -> Option<fn(&Tensor) -> Result<Tensor>> {
    Some(match name {
        "neg" => neg,
        "abs" => abs,
        "sign" => sign,
        "exp" => exp,
        "expm1" => expm1,
        "log" => log,
        "log1p" => log1p,
        "log2" => log2,
        "log10" => log10,
        "sqrt" => sqrt,
        "rsqrt" => rsqrt,
        "square" => square,
        "sin" => sin,
        "cos" => cos,
        "tan" => tan,
        "asin" => asin,
        "acos" => acos,
        "atan" => atan,
        "sinh" => sinh,
        "cosh" => cosh,
        "tanh" => tanh,
        "sigmoid" => sigmoid,
        "relu" => relu,
        "erf" => erf,
        "reciprocal" => reciprocal,
        "floor" => floor,
        "ceil" => ceil,
        "round" => round,
        "trunc" => trunc,
        "frac" => frac,
        "isnan" => isnan,
        "isinf" => isinf,
        "isfinite" => isfinite,
        "logical_not" => logical_not,
        "bitwise_not" => bitwise_not,
        _ => return None,
    })
}

/// In-place unary op by name (`exp_`, `relu_`, …).
pub fn unary_(name: &str, x: &Tensor) -> Result<()> {
    let f =
        by_name(name).ok_or_else(|| crate::Error::runtime(format!("no in-place op {name}_")))?;
    crate::ops::inplace::apply(x, &[], &format!("{name}_"), f)
}

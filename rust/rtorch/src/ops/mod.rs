//! Ops, one file per family with each op's forward and derivative side by side, and the
//! op registry that drives both test suites.

pub mod binary;
pub mod cast;
pub mod factory;
pub mod inplace;
pub mod iter;
pub mod matmul;
pub mod movement;
pub mod num;
pub mod pointwise;
pub mod reduce;
pub mod scan;
pub mod softmax;
pub mod unary;
pub mod view_grad;

use crate::DType;

/// PyTorch's error for a dtype a kernel does not support (NotImplementedError).
pub fn unsupported(kernel: &str, dtype: DType) -> crate::Error {
    crate::Error::not_implemented(format!(
        "\"{kernel}\" not implemented for '{}'",
        dtype.scalar_name()
    ))
}
use std::sync::atomic::{AtomicU8, Ordering};

static DEFAULT_FLOAT: AtomicU8 = AtomicU8::new(DType::F32 as u8);

/// The dtype of float factories and of integer → float promotion (`get_default_dtype`).
pub fn default_float() -> DType {
    crate::dtype::ALL_DTYPES[DEFAULT_FLOAT.load(Ordering::Relaxed) as usize]
}

pub fn set_default_float(d: DType) -> crate::Result<()> {
    crate::ensure!(
        d.is_floating_point(),
        type_error,
        "only floating-point types are supported as the default type"
    );
    DEFAULT_FLOAT.store(d as u8, Ordering::Relaxed);
    Ok(())
}

/// How an op is exercised by the generic tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Unary,
    Binary,
    Pointwise,
    Reduction,
    Join,
    Blas,
}

/// One registry entry (OpInfo-like): the Rust tests walk it with a float64
/// finite-difference gradcheck; Python reads it through `rtorch._C.list_ops()`.
#[derive(Clone, Copy, Debug)]
pub struct OpInfo {
    pub name: &'static str,
    pub kind: Kind,
    pub differentiable: bool,
}

const fn op(name: &'static str, kind: Kind, differentiable: bool) -> OpInfo {
    OpInfo {
        name,
        kind,
        differentiable,
    }
}

use Kind::*;

/// Every public op of the engine.
pub const REGISTRY: &[OpInfo] = &[
    op("neg", Unary, true),
    op("abs", Unary, true),
    op("sign", Unary, true),
    op("exp", Unary, true),
    op("expm1", Unary, true),
    op("log", Unary, true),
    op("log1p", Unary, true),
    op("log2", Unary, true),
    op("log10", Unary, true),
    op("sqrt", Unary, true),
    op("rsqrt", Unary, true),
    op("square", Unary, true),
    op("sin", Unary, true),
    op("cos", Unary, true),
    op("tan", Unary, true),
    op("asin", Unary, true),
    op("acos", Unary, true),
    op("atan", Unary, true),
    op("sinh", Unary, true),
    op("cosh", Unary, true),
    op("tanh", Unary, true),
    op("sigmoid", Unary, true),
    op("relu", Unary, true),
    op("erf", Unary, true),
    op("reciprocal", Unary, true),
    op("floor", Unary, true),
    op("ceil", Unary, true),
    op("round", Unary, true),
    op("trunc", Unary, true),
    op("frac", Unary, true),
    op("isnan", Unary, false),
    op("isinf", Unary, false),
    op("isfinite", Unary, false),
    op("nan_to_num", Unary, true),
    op("logical_not", Unary, false),
    op("bitwise_not", Unary, false),
    op("add", Binary, true),
    op("sub", Binary, true),
    op("mul", Binary, true),
    op("div", Binary, true),
    op("floor_divide", Binary, false),
    op("remainder", Binary, true),
    op("fmod", Binary, true),
    op("pow", Binary, true),
    op("atan2", Binary, true),
    op("maximum", Binary, true),
    op("minimum", Binary, true),
    op("eq", Binary, false),
    op("ne", Binary, false),
    op("lt", Binary, false),
    op("le", Binary, false),
    op("gt", Binary, false),
    op("ge", Binary, false),
    op("logical_and", Binary, false),
    op("logical_or", Binary, false),
    op("logical_xor", Binary, false),
    op("bitwise_and", Binary, false),
    op("bitwise_or", Binary, false),
    op("bitwise_xor", Binary, false),
    op("clamp", Pointwise, true),
    op("lerp", Pointwise, true),
    op("where", Pointwise, true),
    op("masked_fill", Pointwise, true),
    op("addcmul", Pointwise, true),
    op("addcdiv", Pointwise, true),
    op("sum", Reduction, true),
    op("mean", Reduction, true),
    op("prod", Reduction, true),
    op("max", Reduction, true),
    op("min", Reduction, true),
    op("amax", Reduction, true),
    op("amin", Reduction, true),
    op("argmax", Reduction, false),
    op("argmin", Reduction, false),
    op("std", Reduction, true),
    op("var", Reduction, true),
    op("norm", Reduction, true),
    op("logsumexp", Reduction, true),
    op("all", Reduction, false),
    op("any", Reduction, false),
    op("cumsum", Reduction, true),
    op("cumprod", Reduction, true),
    op("softmax", Reduction, true),
    op("log_softmax", Reduction, true),
    op("cat", Join, true),
    op("stack", Join, true),
    op("mm", Blas, true),
    op("bmm", Blas, true),
    op("mv", Blas, true),
    op("dot", Blas, true),
    op("matmul", Blas, true),
    op("outer", Blas, true),
    op("addmm", Blas, true),
    op("addmv", Blas, true),
    op("addr", Blas, true),
    op("addbmm", Blas, true),
    op("baddbmm", Blas, true),
];

//! Ops, one file per family with each op's forward and derivative side by side, and the
//! op registry that drives both test suites.

pub mod binary;
mod binary_kernel;
pub mod cast;
pub mod factory;
pub mod indexing;
pub mod inplace;
pub mod iter;
pub mod join;
pub mod matmul;
pub mod movement;
pub mod num;
pub mod out;
pub mod pointwise;
pub mod reduce;
pub mod reduce_iter;
pub mod sampling;
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
    Index,
}

/// One registry entry (OpInfo-like): the Rust tests walk it with a float64
/// finite-difference gradcheck; Python reads it through `rtorch._C.list_ops()`.
#[derive(Clone, Copy, Debug)]
pub struct OpInfo {
    pub name: &'static str,
    pub kind: Kind,
    pub differentiable: bool,
}

pub(crate) const fn op(name: &'static str, kind: Kind, differentiable: bool) -> OpInfo {
    OpInfo {
        name,
        kind,
        differentiable,
    }
}

/// The op registry: every family file lists its public ops in its own `OPS` table, so
/// adding an op to a family touches that file only (plus its binding and its test).
pub const FAMILIES: &[&[OpInfo]] = &[
    unary::OPS,
    binary::OPS,
    pointwise::OPS,
    reduce::OPS,
    softmax::OPS,
    scan::OPS,
    movement::OPS,
    join::OPS,
    matmul::OPS,
    indexing::OPS,
];

/// Every public op of the engine, family by family.
pub fn registry() -> impl Iterator<Item = &'static OpInfo> {
    FAMILIES.iter().flat_map(|f| f.iter())
}

//! Ops, one file per family with each op's forward and derivative side by side, and the
//! op registry that drives both test suites.

// Families, grouped by concern; each folder's files are re-exported here so an op keeps
// one short path (`ops::binary::mul`) wherever its folder is.
pub mod creation;
pub mod elementwise;
pub mod linalg;
pub mod reduction;
pub mod shape;

// Shared autograd and output plumbing that every family uses.
pub mod inplace;
pub mod out;
pub mod view_grad;

pub use creation::{factory, sampling};
pub use elementwise::{binary, cast, pointwise, unary};
pub use linalg::matmul;
pub use reduction::{moments, reduce, scan, softmax};
pub use shape::{indexing, join, movement};

use crate::DType;

/// PyTorch's error for a dtype a kernel does not support (NotImplementedError).
pub fn unsupported(kernel: &str, dtype: DType) -> crate::Error {
    crate::Error::not_implemented(format!(
        "\"{kernel}\" not implemented for '{}'",
        dtype.scalar_name()
    ))
}
pub use crate::dtype::{default_float, set_default_float};

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
    moments::OPS,
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

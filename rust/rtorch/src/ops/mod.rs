//! Ops, one file per family with each op's forward and derivative side by side, and the
//! op registry that drives both test suites.

// Families, grouped by concern; each folder's files are re-exported here so an op keeps
// one short path (`ops::binary::mul`) wherever its folder is.
pub mod creation;
pub mod elementwise;
pub mod index;
pub mod linalg;
pub mod nn;
pub mod reduction;
pub mod shape;

// Shared autograd and output plumbing that every family uses.
pub mod inplace;
pub mod out;
pub mod out_dtypes;
pub mod view_grad;

pub use creation::{distributions, factory, random_ops, sampling};
pub use elementwise::{binary, cast, foreach, pointwise, unary};
pub use index::{advanced, gather, select};
pub use linalg::{addmm, matmul, products};
pub use reduction::{histogram, moments, reduce, scan, softmax, sort};
pub use shape::{indexing, join, movement, utility};

use crate::{DType, Result, Tensor};

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

/// How the registry calls an op (its generic tests: the Rust gradcheck, Python's
/// `list_ops`). Ops with more arguments are registered with a representative call.
#[derive(Clone, Copy, Debug)]
pub enum Call {
    Unary(fn(&Tensor) -> Result<Tensor>),
    Binary(fn(&Tensor, &Tensor) -> Result<Tensor>),
    /// Any other arity: called with one tensor per entry of `OpInfo::shapes`.
    Inputs(fn(&[Tensor]) -> Result<Tensor>),
}

/// One registry entry (OpInfo-like): the op's name, written once, and its callable. The
/// Rust tests walk the registry with a float64 finite-difference gradcheck; Python reads
/// it through `rtorch._C.list_ops()`; `by_name` lookups (in-place fan-out) search it.
#[derive(Clone, Copy, Debug)]
pub struct OpInfo {
    pub name: &'static str,
    pub kind: Kind,
    pub differentiable: bool,
    pub call: Call,
    /// Shapes of the sample inputs the generic tests call it with.
    pub shapes: &'static [&'static [usize]],
}

impl OpInfo {
    pub const fn unary(name: &'static str, f: fn(&Tensor) -> Result<Tensor>) -> OpInfo {
        Self::with(name, Kind::Unary, Call::Unary(f), &[&[4]])
    }
    pub const fn binary(name: &'static str, f: fn(&Tensor, &Tensor) -> Result<Tensor>) -> OpInfo {
        Self::with(name, Kind::Binary, Call::Binary(f), &[&[4], &[4]])
    }
    /// A reduction, scan or softmax of one tensor, called on a 2x3 sample.
    pub const fn reduction(name: &'static str, f: fn(&Tensor) -> Result<Tensor>) -> OpInfo {
        Self::with(name, Kind::Reduction, Call::Unary(f), &[&[2, 3]])
    }
    /// Any other op: called with tensors of `shapes`.
    pub const fn inputs(
        name: &'static str,
        kind: Kind,
        shapes: &'static [&'static [usize]],
        f: fn(&[Tensor]) -> Result<Tensor>,
    ) -> OpInfo {
        Self::with(name, kind, Call::Inputs(f), shapes)
    }
    const fn with(
        name: &'static str,
        kind: Kind,
        call: Call,
        shapes: &'static [&'static [usize]],
    ) -> OpInfo {
        OpInfo {
            name,
            kind,
            differentiable: false,
            call,
            shapes,
        }
    }
    /// Marks the op as having a derivative (the generic tests check it).
    pub const fn differentiable(mut self) -> OpInfo {
        self.differentiable = true;
        self
    }

    /// Calls the op on `inputs` (as many as `shapes` has).
    pub fn call(&self, inputs: &[Tensor]) -> Result<Tensor> {
        crate::ensure!(
            inputs.len() == self.shapes.len(),
            type_error,
            "{}: expected {} inputs, got {}",
            self.name,
            self.shapes.len(),
            inputs.len()
        );
        match self.call {
            Call::Unary(f) => f(&inputs[0]),
            Call::Binary(f) => f(&inputs[0], &inputs[1]),
            Call::Inputs(f) => f(inputs),
        }
    }
}

/// The registry entry of `name` in one family's table.
pub(crate) fn find(table: &'static [OpInfo], name: &str) -> Option<&'static OpInfo> {
    table.iter().find(|o| o.name == name)
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
    addmm::OPS,
    indexing::OPS,
    gather::OPS,
    select::OPS,
    advanced::OPS,
    utility::OPS,
    products::OPS,
    histogram::OPS,
    sort::OPS,
    random_ops::OPS,
];

/// Every public op of the engine, family by family.
pub fn registry() -> impl Iterator<Item = &'static OpInfo> {
    FAMILIES.iter().flat_map(|f| f.iter())
}

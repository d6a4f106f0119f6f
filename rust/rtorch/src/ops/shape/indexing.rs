//! Indexing ops that produce or consume index tensors: `nonzero`.

use crate::backend::{self, IndexKernel, ReduceKernel};
use crate::ops::cast::cast_copy;
use crate::ops::{Kind, OpInfo};
use crate::{DType, Result, Tensor};

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[OpInfo] = &[OpInfo::inputs("nonzero", Kind::Index, &[&[2, 3]], |t| {
    nonzero(&t[0])
})];

/// Coordinates of the non-zero elements (NaN counts as non-zero), in row-major order, as an
/// int64 tensor of shape `[n, ndim]`, laid out column-major (strides `(1, n)`) as torch's is,
/// so each coordinate column (`as_tuple=True`) is contiguous.
pub fn nonzero(x: &Tensor) -> Result<Tensor> {
    let nd = x.ndim();
    // Casting to bool is exactly "!= 0" for every dtype, NaN included.
    let b = cast_copy(x, DType::Bool)?;
    // The count is a reduction read back by the host (a device sync on CUDA).
    let count = b.new_empty(&[], DType::I64)?;
    let all: Vec<usize> = (0..nd).collect();
    backend::reduce(ReduceKernel::Sum, &b, &all, &[&count])?;
    let n = backend::item(&count)?.to_i64() as usize;
    let out = x.new_elementwise(&[n, nd], DType::I64, &[&[1, n as isize]])?;
    backend::index(IndexKernel::Nonzero, &b, &out)?;
    Ok(out)
}

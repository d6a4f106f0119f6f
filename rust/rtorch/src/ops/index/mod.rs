//! Ops that read or write through index tensors: `gather.rs` (gather, scatter and its
//! reductions, take_along_dim), `select.rs` (index_select and the index_add / copy /
//! fill / reduce family), `advanced.rs` (`x[i, j]` and its write `index_put`, take, put,
//! masked_select, masked_scatter).
//!
//! NOTE [ Index kernels ]
//! Three kernels serve every op here (`backend::gather`, `scatter`, `index_offsets`).
//! Each walks an iteration shape with the data tensor restrided to it: the indexed dims
//! get stride 0 and the kernel adds `index * stride`, so `index_select` (an index
//! broadcast along the other dims), `gather` (one index per element) and `x[idx]` (the
//! index's dims in place of the indexed one) are one loop; several index tensors
//! (`x[i, j]`) are first folded into one tensor of flat offsets. Writes run in order on
//! one thread after every index has been checked, so a repeated index takes the last
//! write (PyTorch leaves that unspecified), sums accumulate in a fixed order whatever the
//! thread count, and an op that raises leaves its tensor as it was.

pub mod advanced;
pub mod gather;
pub mod select;

use crate::backend::{IndexDim, ScatterReduce};
use crate::layout::{shape_str, Layout};
use crate::{DType, Result, Tensor};

/// `idx` as int64 (int32 is accepted and widened, as PyTorch's gather/scatter/index_add
/// do); `msg` is the op's error for any other dtype.
pub(crate) fn long_index(
    idx: &Tensor,
    int32_ok: bool,
    msg: impl FnOnce() -> crate::Error,
) -> Result<Tensor> {
    match idx.dtype() {
        DType::I64 => Ok(idx.detach()),
        DType::I32 if int32_ok => crate::ops::cast::to_dtype(&idx.detach(), DType::I64),
        _ => Err(msg()),
    }
}

/// `x` viewed at `shape` (same rank), with stride 0 along `zero` (the indexed dims).
pub(crate) fn restride(x: &Tensor, shape: &[usize], zero: &[usize]) -> Tensor {
    let mut strides = x.strides_vec();
    for &d in zero {
        strides[d] = 0;
    }
    let l = Layout {
        shape: shape.into(),
        strides,
        offset: x.storage_offset(),
    };
    x.detach().view_with(l)
}

/// A 1-D (or 0-dim) index viewed at `shape`, varying along `dim` only.
pub(crate) fn along(idx: &Tensor, shape: &[usize], dim: usize) -> Tensor {
    let mut strides: crate::layout::Strides = smallvec::smallvec![0; shape.len()];
    strides[dim] = if idx.ndim() == 0 { 0 } else { idx.strides()[0] };
    let l = Layout {
        shape: shape.into(),
        strides,
        offset: idx.storage_offset(),
    };
    idx.detach().view_with(l)
}

/// The indexed dim `d` of `x` for the kernels; negative indices are out of range
/// (gather, scatter, index_select, index_add/copy/reduce: as in PyTorch).
pub(crate) fn dim_of(x: &Tensor, d: usize) -> IndexDim {
    IndexDim {
        size: x.shape()[d],
        stride: x.strides()[d],
        check: true,
        negative: false,
        fresh: false,
    }
}

/// `dim_of` where negative indices count from the end (`x[i]`, index_put, index_fill).
pub(crate) fn dim_from_end(x: &Tensor, d: usize) -> IndexDim {
    IndexDim {
        negative: true,
        ..dim_of(x, d)
    }
}

/// Runs a scatter and turns an out-of-range index into `err(value)`.
pub(crate) fn scatter_checked(
    dst: &Tensor,
    idx: &Tensor,
    src: &Tensor,
    d: IndexDim,
    reduce: ScatterReduce,
    err: impl FnOnce(i64) -> crate::Error,
) -> Result<()> {
    match crate::backend::scatter(dst, idx, src, d, reduce)? {
        Some(v) => Err(err(v)),
        None => Ok(()),
    }
}

/// Runs a gather and turns an out-of-range index into `err(value)`.
pub(crate) fn gather_checked(
    out: &Tensor,
    src: &Tensor,
    idx: &Tensor,
    d: IndexDim,
    err: impl FnOnce(i64) -> crate::Error,
) -> Result<()> {
    match crate::backend::gather(out, src, idx, d)? {
        Some(v) => Err(err(v)),
        None => Ok(()),
    }
}

/// PyTorch's out-of-range message for dim `d` of size `size`.
pub(crate) fn out_of_bounds(v: i64, d: usize, size: usize) -> String {
    format!("index {v} is out of bounds for dimension {d} with size {size}")
}

pub(crate) fn shapes(a: &[usize]) -> String {
    shape_str(a)
}

/// `x` and `idx` with a 0-dim one seen as 1-D (PyTorch treats them alike here).
pub(crate) fn at_least_1d(t: &Tensor) -> Result<Tensor> {
    if t.ndim() == 0 {
        crate::ops::movement::reshape(t, &[1])
    } else {
        Ok(t.clone())
    }
}

/// The reads of an in-place write: copied first when they share `x`'s memory, since the
/// kernel reads them while it writes.
pub(crate) fn unaliased(x: &Tensor, t: &Tensor) -> Result<Tensor> {
    if t.shares_storage(x) {
        crate::ops::cast::cast_copy(t, t.dtype())
    } else {
        Ok(t.detach())
    }
}

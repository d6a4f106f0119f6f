//! `rtorch` functions of the sorting family that are not methods: `searchsorted` and
//! `bucketize` (the rest are Tensor methods, `tensor/sorting.rs`).

use crate::convert::operand_req;
use crate::out::{with_out, Out};
use crate::tensor::{PyTensor, R};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use rtorch::ops::sort;

/// searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None, out=None) -> Tensor
///
/// Where each element of `input` would be inserted into the innermost dim of
/// `sorted_sequence` to keep it sorted: the first position not less than it, or greater
/// than it with `right=True` (`side='right'`).
#[pyfunction]
#[pyo3(signature = (sorted_sequence, input, *, out_int32=false, right=false, side=None, sorter=None, out=None))]
#[allow(clippy::too_many_arguments)]
pub fn searchsorted(
    py: Python<'_>,
    sorted_sequence: PyRef<'_, PyTensor>,
    input: &Bound<'_, PyAny>,
    out_int32: bool,
    right: bool,
    side: Option<&str>,
    sorter: Option<PyRef<'_, PyTensor>>,
    out: Out<'_, '_>,
) -> R {
    let op = "torch.searchsorted()";
    let right = match side {
        None => right,
        Some(s) if s != "left" && s != "right" => {
            return Err(PyRuntimeError::new_err(format!(
                "{op}: side can only be 'left' or 'right' but got {s}"
            )))
        }
        Some(s) if right && s == "left" => {
            return Err(PyRuntimeError::new_err(format!(
                "{op}: side and right can't be set to opposites, got side of left while \
                 right was True"
            )))
        }
        Some(s) => s == "right",
    };
    let x = operand_req(input, "searchsorted", "input")?;
    let s = &sorted_sequence.t;
    let sorter = sorter.as_ref().map(|t| &t.t);
    with_out(py, "searchsorted", &[s, &x], out, || {
        crate::ok!(py, x.numel() + s.numel(), || {
            sort::searchsorted(s, &x, out_int32, right, sorter)
        })
    })
}

/// bucketize(input, boundaries, *, out_int32=False, right=False, out=None) -> Tensor
///
/// The index of the bucket of each element of `input` among the sorted 1-D
/// `boundaries` (searchsorted with the arguments swapped).
#[pyfunction]
#[pyo3(signature = (input, boundaries, *, out_int32=false, right=false, out=None))]
pub fn bucketize(
    py: Python<'_>,
    input: &Bound<'_, PyAny>,
    boundaries: PyRef<'_, PyTensor>,
    out_int32: bool,
    right: bool,
    out: Out<'_, '_>,
) -> R {
    let b = &boundaries.t;
    if b.ndim() != 1 {
        return Err(PyRuntimeError::new_err(format!(
            "boundaries tensor must be 1 dimension, but got dim({})",
            b.ndim()
        )));
    }
    let x = operand_req(input, "bucketize", "input")?;
    with_out(py, "bucketize", &[b, &x], out, || {
        crate::ok!(py, x.numel() + b.numel(), || {
            sort::searchsorted(b, &x, out_int32, right, None)
        })
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    crate::add_functions!(m, searchsorted, bucketize);
    Ok(())
}

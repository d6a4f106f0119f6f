//! `rtorch` functions that join or select among tensors: `cat`, `stack`, `where`,
//! `broadcast_tensors`, `lerp`.

use crate::convert::tensor_list;
use crate::convert::{self, operand_req};
use crate::errors::IntoPy;
use crate::out::with_out;
use crate::tensor::{PyTensor, R};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use rtorch::ops::{join, movement, pointwise};
use rtorch::Tensor;

#[pyfunction]
#[pyo3(signature = (tensors, dim=0, *, out=None, axis=None))]
pub fn cat(
    py: Python<'_>,
    tensors: &Bound<'_, PyAny>,
    dim: i64,
    out: Option<&Bound<'_, PyAny>>,
    axis: Option<i64>,
) -> R {
    // `dim` keeps its int default: torch refuses dim=None.
    let dim = convert::numpy_alias_or("cat", dim, 0, axis, "axis")?;
    let ts = tensor_list(tensors)?;
    let n: usize = ts.iter().map(|t| t.numel()).sum();
    let refs: Vec<&Tensor> = ts.iter().collect();
    with_out(py, "cat", &refs, out, || {
        crate::ok!(py, n, || join::cat(&ts, dim))
    })
}

#[pyfunction]
#[pyo3(signature = (tensors, dim=0, *, out=None, axis=None))]
pub fn stack(
    py: Python<'_>,
    tensors: &Bound<'_, PyAny>,
    dim: i64,
    out: Option<&Bound<'_, PyAny>>,
    axis: Option<i64>,
) -> R {
    // `dim` keeps its int default: torch refuses dim=None.
    let dim = convert::numpy_alias_or("stack", dim, 0, axis, "axis")?;
    let ts = tensor_list(tensors)?;
    let refs: Vec<&Tensor> = ts.iter().collect();
    with_out(py, "stack", &refs, out, || {
        let n = ts.iter().map(Tensor::numel).sum();
        crate::ok!(py, n, || join::stack(&ts, dim))
    })
}

#[pyfunction]
#[pyo3(name = "where", signature = (condition, input=None, other=None, *, out=None))]
pub fn where_(
    condition: &Bound<'_, PyTensor>,
    input: Option<&Bound<'_, PyAny>>,
    other: Option<&Bound<'_, PyAny>>,
    out: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let py = condition.py();
    let (Some(x), Some(y)) = (input, other) else {
        if input.is_some() || other.is_some() {
            return Err(PyTypeError::new_err(
                "where() missing required argument: pass both input and other, or neither",
            ));
        }
        // `where(condition)` is `nonzero(condition, as_tuple=True)`.
        return crate::tensor::math::nonzero_tuple(py, &condition.get().t);
    };
    let x = operand_req(x, "where", "input")?;
    let y = operand_req(y, "where", "other")?;
    let c = &condition.get().t;
    with_out(py, "where", &[c, &x, &y], out, || {
        crate::ok!(py, x.numel().max(y.numel()), || pointwise::where_(
            c, &x, &y
        ))
    })?
    .into_py_any(py)
}

#[pyfunction]
#[pyo3(signature = (*tensors))]
pub fn broadcast_tensors<'py>(
    py: Python<'py>,
    tensors: &Bound<'py, PyTuple>,
) -> PyResult<Bound<'py, PyTuple>> {
    let ts = if tensors.len() == 1 && !tensors.get_item(0)?.is_instance_of::<PyTensor>() {
        tensor_list(&tensors.get_item(0)?)?
    } else {
        tensor_list(tensors.as_any())?
    };
    let items: Vec<Bound<'py, PyAny>> =
        if tensors.len() == 1 && !tensors.get_item(0)?.is_instance_of::<PyTensor>() {
            tensors.get_item(0)?.try_iter()?.collect::<PyResult<_>>()?
        } else {
            tensors.iter().collect()
        };
    let outs = movement::broadcast_tensors(&ts).py()?;
    let outs = outs
        .into_iter()
        .zip(&items)
        .map(|(t, orig)| crate::tensor::same_or_wrap(orig.cast::<PyTensor>()?, t))
        .collect::<PyResult<Vec<_>>>()?;
    PyTuple::new(py, outs)
}

#[pyfunction]
#[pyo3(signature = (input, end, weight, *, out=None))]
pub fn lerp(
    py: Python<'_>,
    input: &Bound<'_, PyTensor>,
    end: &Bound<'_, PyTensor>,
    weight: &Bound<'_, PyAny>,
    out: Option<&Bound<'_, PyAny>>,
) -> R {
    input.get().lerp(py, end, weight, out)
}

/// Adds this file's functions to `m`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    crate::add_functions!(m, cat, stack, where_, broadcast_tensors, lerp,);
    Ok(())
}

//! `out=` in the bindings: the op's result written into the caller's tensor with
//! PyTorch's rules (NOTE [ Writing into out ] in the engine), the resize warning, and the
//! out object handed back.

use crate::errors::IntoPy;
use crate::tensor::{PyTensor, TensorOut, R};
use pyo3::exceptions::{PyTypeError, PyUserWarning};
use pyo3::prelude::*;
use rtorch::ops::out;
use rtorch::Tensor;
use std::ffi::CString;

pub type Out<'a, 'py> = Option<&'a Bound<'py, PyAny>>;

/// The tensor given as `out=`, or None when absent or None.
pub fn out_tensor<'a, 'py>(
    o: Out<'a, 'py>,
    op: &str,
) -> PyResult<Option<&'a Bound<'py, PyTensor>>> {
    match o {
        Some(o) if !o.is_none() => o.cast::<PyTensor>().map(Some).map_err(|_| {
            PyTypeError::new_err(format!(
                "{op}(): argument 'out' must be Tensor, not {}",
                o.get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ))
        }),
        _ => Ok(None),
    }
}

fn write(py: Python<'_>, op: &str, result: &Tensor, o: &Tensor) -> PyResult<()> {
    if let Some(old) = crate::engine!(py, result.numel(), || out::write(op, result, o))? {
        if let Some(msg) = out::resize_warning(op, &old, result.shape()) {
            let msg = CString::new(msg).expect("no NUL in shapes");
            PyErr::warn(py, &py.get_type::<PyUserWarning>(), &msg, 1)?;
        }
    }
    Ok(())
}

/// The dtype of an `out=` tensor: sum/prod/cumsum/cumprod compute in it when no `dtype=`
/// is given, as PyTorch does.
pub fn out_dtype(o: Out<'_, '_>) -> Option<rtorch::DType> {
    o.and_then(|o| o.cast::<PyTensor>().ok().map(|t| t.get().t.dtype()))
}

/// Runs the op `f`; with an `out`, checks autograd first, writes the result into it and
/// returns it (the same Python object).
///
/// NOTE: inlined so that a call without `out` costs one test; methods and the functions
/// that are those methods (`rtorch.exp` is `Tensor.exp`) take `out` alike, since a
/// separate function object costs ~27 ns more per call than the method descriptor
/// (measured on AMD EPYC, 2026-12-05); `x.exp(out=y)` is therefore accepted too.
#[inline(always)]
pub fn with_out(
    py: Python<'_>,
    op: &str,
    inputs: &[&Tensor],
    o: Out<'_, '_>,
    f: impl FnOnce() -> R,
) -> R {
    match o {
        Some(o) if !o.is_none() => write_result(py, op, inputs, o, f),
        _ => f(),
    }
}

#[inline(never)]
fn write_result(
    py: Python<'_>,
    op: &str,
    inputs: &[&Tensor],
    o: &Bound<'_, PyAny>,
    f: impl FnOnce() -> R,
) -> R {
    let o = &out_tensor(Some(o), op)?.expect("not None").get().t;
    out::check_grad(op, inputs, &[o]).py()?;
    write(py, op, &f()?.0, o)?;
    Ok(TensorOut(o.clone()))
}

/// `(values, indices)` written into an `out=(values, indices)` pair; returns the outs.
pub fn write_pair(
    py: Python<'_>,
    op: &str,
    inputs: &[&Tensor],
    o: &Bound<'_, PyAny>,
    pair: (Tensor, Tensor),
) -> PyResult<(Tensor, Tensor)> {
    let outs = o
        .try_iter()?
        .map(|t| Ok(t?.cast_into::<PyTensor>()?.get().t.clone()))
        .collect::<PyResult<Vec<Tensor>>>();
    let Ok([v, i]) = outs.as_deref() else {
        return Err(PyTypeError::new_err(format!(
            "{op}(): argument 'out' must be tuple of 2 Tensors"
        )));
    };
    out::check_grad(op, inputs, &[v, i]).py()?;
    rtorch::ops::out_dtypes::pair(op, pair.0.dtype(), (v.dtype(), i.dtype())).py()?;
    // PyTorch resizes histogram's bin_edges before its hist (the order of the warnings).
    if op == "histogram" {
        write(py, op, &pair.1, i)?;
        write(py, op, &pair.0, v)?;
    } else {
        write(py, op, &pair.0, v)?;
        write(py, op, &pair.1, i)?;
    }
    Ok((v.clone(), i.clone()))
}

/// `_write_out(op, inputs, result, out)`: the `out=` of an op written in Python (isin,
/// diff, tensordot, kron): the same autograd refusal, dtype rule, resize warning and write
/// as a Rust op's, returning `out`.
#[pyfunction]
pub fn _write_out(
    py: Python<'_>,
    op: &str,
    inputs: Vec<PyRef<'_, PyTensor>>,
    result: PyRef<'_, PyTensor>,
    out: &Bound<'_, PyAny>,
) -> R {
    let inputs: Vec<&Tensor> = inputs.iter().map(|t| &t.t).collect();
    with_out(py, op, &inputs, Some(out), || {
        Ok(TensorOut(result.t.clone()))
    })
}

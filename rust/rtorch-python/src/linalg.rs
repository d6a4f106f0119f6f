//! `rtorch._C._linalg`: the functions behind `rtorch.linalg`, under PyTorch's names in
//! `torch._C._linalg` (`linalg_matmul`, `linalg_vector_norm`…). The LAPACK issue adds
//! the decompositions and solvers here.

use crate::convert;
use crate::out::{with_out, Out};
use crate::tensor::{PyTensor, R};
use pyo3::prelude::*;
use rtorch::ops::{matmul, products, reduce};

/// linalg_matmul(input, other, *, out=None) -> Tensor
///
/// The matrix product of two tensors, with `matmul`'s broadcasting rules (an alias of
/// `rtorch.matmul`).
#[pyfunction]
#[pyo3(signature = (input, other, *, out=None))]
pub fn linalg_matmul(
    py: Python<'_>,
    input: &Bound<'_, PyTensor>,
    other: &Bound<'_, PyTensor>,
    out: Out<'_, '_>,
) -> R {
    let (a, b) = (&input.get().t, &other.get().t);
    with_out(py, "linalg_matmul", &[a, b], out, || {
        crate::ok!(py, a.numel().max(b.numel()) * 8, || matmul::matmul(a, b))
    })
}

/// linalg_vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None) -> Tensor
///
/// The vector `ord`-norm of `x` over `dim` (all elements when None): `sum(|x|^ord)^(1/ord)`,
/// the largest `|x|` for `inf`, the smallest for `-inf`, the count of non-zeros for 0.
/// With `dtype`, `x` is cast to it first (it must not narrow `x`'s dtype).
#[pyfunction]
#[pyo3(signature = (x, ord=2.0, dim=None, keepdim=false, *, dtype=None, out=None))]
pub fn linalg_vector_norm(
    py: Python<'_>,
    x: &Bound<'_, PyTensor>,
    ord: f64,
    dim: Option<&Bound<'_, PyAny>>,
    keepdim: bool,
    dtype: Option<&Bound<'_, PyAny>>,
    out: Out<'_, '_>,
) -> R {
    let x = &x.get().t;
    let dims = convert::dims(dim)?;
    with_out(py, "linalg_vector_norm", &[x], out, || {
        let x = crate::tensor::reduce::norm_input(py, x, dtype)?;
        crate::ok!(py, x.numel(), || reduce::vector_norm(
            &x,
            ord,
            dims.as_deref(),
            keepdim
        ))
    })
}

/// linalg_cross(input, other, *, dim=-1, out=None) -> Tensor
///
/// The cross product of 3-vectors along `dim`, inputs broadcast.
#[pyfunction]
#[pyo3(signature = (input, other, *, dim=-1, out=None))]
pub fn linalg_cross(
    py: Python<'_>,
    input: &Bound<'_, PyTensor>,
    other: &Bound<'_, PyTensor>,
    dim: i64,
    out: Out<'_, '_>,
) -> R {
    let (a, b) = (&input.get().t, &other.get().t);
    with_out(py, "linalg_cross", &[a, b], out, || {
        crate::ok!(py, a.numel().max(b.numel()), || products::linalg_cross(
            a, b, dim
        ))
    })
}

/// Adds `_C._linalg`'s functions to `m`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    crate::add_functions!(m, linalg_matmul, linalg_vector_norm, linalg_cross);
    Ok(())
}

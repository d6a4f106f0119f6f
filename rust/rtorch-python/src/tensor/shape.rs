//! `rtorch.Tensor` shape utilities that copy: repeat/tile, roll, rot90, tril/triu, the
//! diagonal family (diag, diag_embed, trace). The engine side is `ops::utility`.

use crate::convert;
use crate::out::{with_out, Out};
use crate::tensor::{PyTensor, R};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use rtorch::ops::utility;

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_default()
}

/// An `int` argument as PyTorch's parser takes it: a Python int (or an `__index__`
/// object), never a tensor or a float, which pyo3 alone would let through `__index__`.
fn int_arg(obj: &Bound<'_, PyAny>, op: &str, what: &str) -> PyResult<i64> {
    // A 0-dim integer tensor is an int to PyTorch's parser; bool and other tensors not.
    let int_scalar = |t: &rtorch::Tensor| {
        t.ndim() == 0 && !t.dtype().is_floating_point() && t.dtype() != rtorch::DType::Bool
    };
    if let Ok(t) = obj.cast::<PyTensor>() {
        if int_scalar(&t.get().t) {
            return convert::index_arg(obj);
        }
    }
    if obj.is_instance_of::<PyTensor>() || obj.is_instance_of::<pyo3::types::PyFloat>() {
        return Err(PyTypeError::new_err(format!(
            "{op}(): argument '{what}' must be int, not {}",
            type_name(obj)
        )));
    }
    obj.extract::<i64>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{op}(): argument '{what}' must be int, not {}",
            type_name(obj)
        ))
    })
}

/// `shifts`/`dims` of roll: an int or a sequence of ints (not a tensor).
fn int_list(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<i64>> {
    if !obj.is_instance_of::<PyTensor>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(vec![i]);
        }
    }
    let list = if obj.is_instance_of::<PyTensor>() {
        Err(())
    } else {
        obj.extract::<Vec<i64>>().map_err(|_| ())
    };
    list.map_err(|_| {
        PyTypeError::new_err(format!(
            "roll(): argument '{what}' must be tuple of ints, not {}",
            type_name(obj)
        ))
    })
}

#[pymethods]
impl PyTensor {
    /// repeat(*repeats) -> Tensor
    ///
    /// The tensor tiled `repeats[i]` times along each dim (a copy); extra leading repeats
    /// add leading dims.
    #[pyo3(signature = (*repeats))]
    fn repeat(&self, py: Python<'_>, repeats: &Bound<'_, PyTuple>) -> R {
        let reps = convert::sizes_req(repeats, "repeat", "repeats")?;
        let n = self.t.numel() * reps.iter().map(|&r| r.max(0) as usize).product::<usize>();
        crate::ok!(py, n, || utility::repeat(&self.t, &reps))
    }

    /// tile(*dims) -> Tensor
    ///
    /// `repeat` with `dims` padded by leading ones to the tensor's number of dims.
    #[pyo3(signature = (*dims))]
    fn tile(&self, py: Python<'_>, dims: &Bound<'_, PyTuple>) -> R {
        let reps = convert::sizes_req(dims, "tile", "dims")?;
        let n = self.t.numel() * reps.iter().map(|&r| r.max(0) as usize).product::<usize>();
        crate::ok!(py, n, || utility::tile(&self.t, &reps))
    }

    /// roll(shifts, dims=None) -> Tensor
    ///
    /// Elements shifted cyclically by `shifts` along `dims` (over the flattened tensor
    /// when `dims` is None).
    #[pyo3(signature = (shifts, dims=None))]
    fn roll(
        &self,
        py: Python<'_>,
        shifts: &Bound<'_, PyAny>,
        dims: Option<&Bound<'_, PyAny>>,
    ) -> R {
        let shifts = int_list(shifts, "shifts")?;
        let dims = match dims {
            Some(d) if !d.is_none() => int_list(d, "dims")?,
            _ => vec![],
        };
        crate::ok!(py, self.t.numel(), || utility::roll(
            &self.t, &shifts, &dims
        ))
    }

    /// rot90(k=1, dims=(0, 1)) -> Tensor
    ///
    /// Rotated by 90 degrees `k` times in the plane of `dims`, from the first towards the
    /// second.
    #[pyo3(signature = (k=None, dims=None))]
    fn rot90(
        &self,
        py: Python<'_>,
        k: Option<&Bound<'_, PyAny>>,
        dims: Option<&Bound<'_, PyAny>>,
    ) -> R {
        let k = k.map_or(Ok(1), |k| int_arg(k, "rot90", "k"))?;
        let dims = dims.map_or(Ok(vec![0, 1]), |d| int_list(d, "dims"))?;
        crate::ok!(py, self.t.numel(), || utility::rot90(&self.t, k, &dims))
    }

    /// tril(diagonal=0, *, out=None) -> Tensor
    ///
    /// The lower triangle of the last two dims (on and below `diagonal`), zeros elsewhere.
    #[pyo3(signature = (diagonal=None, *, out=None))]
    fn tril(&self, py: Python<'_>, diagonal: Option<&Bound<'_, PyAny>>, out: Out<'_, '_>) -> R {
        let diagonal = diagonal.map_or(Ok(0), |d| int_arg(d, "tril", "diagonal"))?;
        with_out(py, "tril", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || utility::tri(&self.t, diagonal, true))
        })
    }

    /// triu(diagonal=0, *, out=None) -> Tensor
    ///
    /// The upper triangle of the last two dims (on and above `diagonal`), zeros elsewhere.
    #[pyo3(signature = (diagonal=None, *, out=None))]
    fn triu(&self, py: Python<'_>, diagonal: Option<&Bound<'_, PyAny>>, out: Out<'_, '_>) -> R {
        let diagonal = diagonal.map_or(Ok(0), |d| int_arg(d, "triu", "diagonal"))?;
        with_out(py, "triu", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || utility::tri(
                &self.t, diagonal, false
            ))
        })
    }

    /// tril_(diagonal=0) -> Tensor
    ///
    /// In-place `tril`.
    #[pyo3(signature = (diagonal=None))]
    fn tril_<'py>(
        slf: &Bound<'py, Self>,
        diagonal: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, Self>> {
        let diagonal = diagonal.map_or(Ok(0), |d| int_arg(d, "tril_", "diagonal"))?;
        let t = &slf.get().t;
        crate::engine!(slf.py(), t.numel(), || utility::tri_(t, diagonal, true))?;
        Ok(slf.clone())
    }

    /// triu_(diagonal=0) -> Tensor
    ///
    /// In-place `triu`.
    #[pyo3(signature = (diagonal=None))]
    fn triu_<'py>(
        slf: &Bound<'py, Self>,
        diagonal: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, Self>> {
        let diagonal = diagonal.map_or(Ok(0), |d| int_arg(d, "triu_", "diagonal"))?;
        let t = &slf.get().t;
        crate::engine!(slf.py(), t.numel(), || utility::tri_(t, diagonal, false))?;
        Ok(slf.clone())
    }

    /// diag(diagonal=0, *, out=None) -> Tensor
    ///
    /// A vector becomes a square matrix with it on the `diagonal`-th diagonal; a matrix
    /// gives a copy of that diagonal.
    #[pyo3(signature = (diagonal=None, *, out=None))]
    fn diag(&self, py: Python<'_>, diagonal: Option<&Bound<'_, PyAny>>, out: Out<'_, '_>) -> R {
        let diagonal = diagonal.map_or(Ok(0), |d| int_arg(d, "diag", "diagonal"))?;
        with_out(py, "diag", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || utility::diag(&self.t, diagonal))
        })
    }

    /// diag_embed(offset=0, dim1=-2, dim2=-1) -> Tensor
    ///
    /// The last dim laid on the `offset` diagonal of two new dims `dim1`, `dim2`.
    #[pyo3(signature = (offset=None, dim1=None, dim2=None))]
    fn diag_embed(
        &self,
        py: Python<'_>,
        offset: Option<&Bound<'_, PyAny>>,
        dim1: Option<&Bound<'_, PyAny>>,
        dim2: Option<&Bound<'_, PyAny>>,
    ) -> R {
        let arg = |v: Option<&Bound<'_, PyAny>>, what, default| {
            v.map_or(Ok(default), |v| int_arg(v, "diag_embed", what))
        };
        let (offset, dim1, dim2) = (
            arg(offset, "offset", 0)?,
            arg(dim1, "dim1", -2)?,
            arg(dim2, "dim2", -1)?,
        );
        crate::ok!(py, self.t.numel(), || utility::diag_embed(
            &self.t, offset, dim1, dim2
        ))
    }

    /// trace() -> Tensor
    ///
    /// The sum of a matrix's main diagonal.
    fn trace(&self, py: Python<'_>) -> R {
        crate::ok!(py, self.t.numel(), || utility::trace(&self.t))
    }
}

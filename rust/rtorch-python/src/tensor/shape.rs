//! `rtorch.Tensor` shape utilities that copy: repeat/tile, roll, rot90, tril/triu, the
//! diagonal family (diag, diag_embed, trace). The engine side is `ops::utility`.

use crate::convert::{self, Int};
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

/// `shifts`/`dims` of roll and rot90: an int or a sequence of ints (not a tensor, not a
/// bool).
fn int_list(obj: &Bound<'_, PyAny>, op: &str, what: &str) -> PyResult<Vec<i64>> {
    if obj.is_instance_of::<pyo3::types::PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{op}(): argument '{what}' must be tuple of ints, not bool"
        )));
    }
    // roll's `int[1]` takes a lone int; rot90's `int[]` does not.
    if op != "rot90" && !obj.is_instance_of::<PyTensor>() {
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
            "{op}(): argument '{what}' must be tuple of ints, not {}",
            type_name(obj)
        ))
    })
}

/// rot90's `dims`, given or not: an explicit None is no tuple of ints to PyTorch (an
/// `Option` parameter would turn it into the default).
struct RotDims(Vec<i64>);

impl<'a, 'py> FromPyObject<'a, 'py> for RotDims {
    type Error = PyErr;
    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        int_list(&obj, "rot90", "dims").map(RotDims)
    }
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
        let shifts = int_list(shifts, "roll", "shifts")?;
        let dims = match dims {
            Some(d) if !d.is_none() => int_list(d, "roll", "dims")?,
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
    #[pyo3(signature = (k=Int(1), dims=RotDims(vec![0, 1])), text_signature = "($self, k=1, dims=(0, 1))")]
    fn rot90(&self, py: Python<'_>, k: Int, dims: RotDims) -> R {
        let (k, dims) = (k.0, dims.0);
        crate::ok!(py, self.t.numel(), || utility::rot90(&self.t, k, &dims))
    }

    /// tril(diagonal=0, *, out=None) -> Tensor
    ///
    /// The lower triangle of the last two dims (on and below `diagonal`), zeros elsewhere.
    #[pyo3(signature = (diagonal=Int(0), *, out=None), text_signature = "($self, diagonal=0, *, out=None)")]
    fn tril(&self, py: Python<'_>, diagonal: Int, out: Out<'_, '_>) -> R {
        let diagonal = diagonal.0;
        with_out(py, "tril", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || utility::tri(&self.t, diagonal, true))
        })
    }

    /// triu(diagonal=0, *, out=None) -> Tensor
    ///
    /// The upper triangle of the last two dims (on and above `diagonal`), zeros elsewhere.
    #[pyo3(signature = (diagonal=Int(0), *, out=None), text_signature = "($self, diagonal=0, *, out=None)")]
    fn triu(&self, py: Python<'_>, diagonal: Int, out: Out<'_, '_>) -> R {
        let diagonal = diagonal.0;
        with_out(py, "triu", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || utility::tri(
                &self.t, diagonal, false
            ))
        })
    }

    /// tril_(diagonal=0) -> Tensor
    ///
    /// In-place `tril`.
    #[pyo3(signature = (diagonal=Int(0)), text_signature = "($self, diagonal=0)")]
    fn tril_<'py>(slf: &Bound<'py, Self>, diagonal: Int) -> PyResult<Bound<'py, Self>> {
        let diagonal = diagonal.0;
        let t = &slf.get().t;
        crate::engine!(slf.py(), t.numel(), || utility::tri_(t, diagonal, true))?;
        Ok(slf.clone())
    }

    /// triu_(diagonal=0) -> Tensor
    ///
    /// In-place `triu`.
    #[pyo3(signature = (diagonal=Int(0)), text_signature = "($self, diagonal=0)")]
    fn triu_<'py>(slf: &Bound<'py, Self>, diagonal: Int) -> PyResult<Bound<'py, Self>> {
        let diagonal = diagonal.0;
        let t = &slf.get().t;
        crate::engine!(slf.py(), t.numel(), || utility::tri_(t, diagonal, false))?;
        Ok(slf.clone())
    }

    /// diag(diagonal=0, *, out=None) -> Tensor
    ///
    /// A vector becomes a square matrix with it on the `diagonal`-th diagonal; a matrix
    /// gives a copy of that diagonal.
    #[pyo3(signature = (diagonal=Int(0), *, out=None), text_signature = "($self, diagonal=0, *, out=None)")]
    fn diag(&self, py: Python<'_>, diagonal: Int, out: Out<'_, '_>) -> R {
        let diagonal = diagonal.0;
        with_out(py, "diag", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || utility::diag(&self.t, diagonal))
        })
    }

    /// diag_embed(offset=0, dim1=-2, dim2=-1) -> Tensor
    ///
    /// The last dim laid on the `offset` diagonal of two new dims `dim1`, `dim2`.
    #[pyo3(signature = (offset=Int(0), dim1=Int(-2), dim2=Int(-1)), text_signature = "($self, offset=0, dim1=-2, dim2=-1)")]
    fn diag_embed(&self, py: Python<'_>, offset: Int, dim1: Int, dim2: Int) -> R {
        let (offset, dim1, dim2) = (offset.0, dim1.0, dim2.0);
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

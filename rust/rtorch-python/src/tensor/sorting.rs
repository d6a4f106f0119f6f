//! `rtorch.Tensor` sorting and selection: sort, argsort, msort, topk, kthvalue, median,
//! nanmedian, mode, cummax, cummin (module functions of the same name are these methods,
//! re-exported in Python).

use crate::convert::Int;
use crate::out::{with_out, write_pair, Out};
use crate::tensor::reduce::values_indices;
use crate::tensor::{PyTensor, R};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use rtorch::ops::sort;
use rtorch::Tensor;

impl PyTensor {
    /// A (values, indices) result as `torch.return_types.<name>`, written into `out` when
    /// given.
    fn pair_result(
        &self,
        py: Python<'_>,
        name: &str,
        out: Out<'_, '_>,
        f: impl FnOnce() -> rtorch::Result<(Tensor, Tensor)> + Send,
    ) -> PyResult<Py<PyAny>> {
        let pair = crate::engine!(py, self.t.numel(), f)?;
        let (v, i) = match out {
            Some(o) if !o.is_none() => write_pair(py, name, &[&self.t], o, pair)?,
            _ => pair,
        };
        values_indices(py, name, v, i)
    }
}

#[pymethods]
impl PyTensor {
    /// sort(dim=-1, descending=False, *, stable=False, out=None) -> (Tensor, LongTensor)
    ///
    /// The elements along `dim` in ascending (or descending) order and where each came
    /// from; NaN sorts above every number, and equal elements keep their order.
    #[pyo3(signature = (dim=-1, descending=false, *, stable=false, out=None))]
    fn sort(
        &self,
        py: Python<'_>,
        dim: i64,
        descending: bool,
        stable: bool,
        out: Out<'_, '_>,
    ) -> PyResult<Py<PyAny>> {
        // Every sort is stable (NOTE [ Sort order ]).
        let _ = stable;
        self.pair_result(py, "sort", out, || sort::sort(&self.t, dim, descending))
    }

    /// argsort(dim=-1, descending=False, *, stable=False, out=None) -> LongTensor
    ///
    /// As PyTorch, `out=` comes only with `stable=` given (its out overload).
    #[pyo3(signature = (dim=-1, descending=false, *, stable=None, out=None))]
    fn argsort(
        &self,
        py: Python<'_>,
        dim: i64,
        descending: bool,
        stable: Option<bool>,
        out: Out<'_, '_>,
    ) -> R {
        if stable.is_none() && out.is_some_and(|o| !o.is_none()) {
            return Err(PyTypeError::new_err(
                "argsort(): argument 'out' is only accepted together with 'stable'",
            ));
        }
        with_out(py, "argsort", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || sort::argsort(
                &self.t, dim, descending
            ))
        })
    }

    /// msort(*, out=None) -> Tensor: sorted along the first dim.
    #[pyo3(signature = (*, out=None))]
    fn msort(&self, py: Python<'_>, out: Out<'_, '_>) -> R {
        with_out(py, "msort", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || sort::msort(&self.t))
        })
    }

    /// topk(k, dim=-1, largest=True, sorted=True, *, out=None) -> (Tensor, LongTensor)
    ///
    /// The `k` largest (or smallest) elements along `dim` and their indices.
    #[pyo3(signature = (k, dim=-1, largest=true, sorted=true, *, out=None))]
    fn topk(
        &self,
        py: Python<'_>,
        k: i64,
        dim: i64,
        largest: bool,
        sorted: bool,
        out: Out<'_, '_>,
    ) -> PyResult<Py<PyAny>> {
        self.pair_result(py, "topk", out, || {
            sort::topk(&self.t, k, dim, largest, sorted)
        })
    }

    /// kthvalue(k, dim=-1, keepdim=False, *, out=None) -> (Tensor, LongTensor)
    ///
    /// The `k`-th smallest element (from 1) along `dim` and its index.
    #[pyo3(signature = (k, dim=Int(-1), keepdim=false, *, out=None))]
    fn kthvalue(
        &self,
        py: Python<'_>,
        k: Int,
        dim: Int,
        keepdim: bool,
        out: Out<'_, '_>,
    ) -> PyResult<Py<PyAny>> {
        self.pair_result(py, "kthvalue", out, || {
            sort::kthvalue(&self.t, k.0, dim.0, keepdim)
        })
    }

    /// median(dim=None, keepdim=False, *, out=None) -> Tensor | (Tensor, LongTensor)
    ///
    /// The lower median of all elements (a 0-dim tensor), or along `dim` with indices; a
    /// NaN makes the result NaN.
    #[pyo3(signature = (dim=None, keepdim=false, *, out=None))]
    fn median(
        &self,
        py: Python<'_>,
        dim: Option<Int>,
        keepdim: bool,
        out: Out<'_, '_>,
    ) -> PyResult<Py<PyAny>> {
        self.median_of(py, "median", dim.map(|d| d.0), keepdim, out)
    }

    /// nanmedian(dim=None, keepdim=False, *, out=None) -> Tensor | (Tensor, LongTensor)
    ///
    /// `median` ignoring NaNs (NaN only where every element is NaN).
    #[pyo3(signature = (dim=None, keepdim=false, *, out=None))]
    fn nanmedian(
        &self,
        py: Python<'_>,
        dim: Option<Int>,
        keepdim: bool,
        out: Out<'_, '_>,
    ) -> PyResult<Py<PyAny>> {
        self.median_of(py, "nanmedian", dim.map(|d| d.0), keepdim, out)
    }

    /// mode(dim=-1, keepdim=False, *, out=None) -> (Tensor, LongTensor)
    ///
    /// The most frequent value along `dim` (the smallest on ties) and its last index.
    #[pyo3(signature = (dim=-1, keepdim=false, *, out=None))]
    fn mode(
        &self,
        py: Python<'_>,
        dim: i64,
        keepdim: bool,
        out: Out<'_, '_>,
    ) -> PyResult<Py<PyAny>> {
        self.pair_result(py, "mode", out, || sort::mode(&self.t, dim, keepdim))
    }

    /// cummax(dim, *, out=None) -> (Tensor, LongTensor): the running maximum along `dim`
    /// and the index where it was last reached.
    #[pyo3(signature = (dim, *, out=None))]
    fn cummax(&self, py: Python<'_>, dim: i64, out: Out<'_, '_>) -> PyResult<Py<PyAny>> {
        self.pair_result(py, "cummax", out, || sort::cummax(&self.t, dim))
    }

    /// cummin(dim, *, out=None) -> (Tensor, LongTensor): the running minimum along `dim`
    /// and the index where it was last reached.
    #[pyo3(signature = (dim, *, out=None))]
    fn cummin(&self, py: Python<'_>, dim: i64, out: Out<'_, '_>) -> PyResult<Py<PyAny>> {
        self.pair_result(py, "cummin", out, || sort::cummin(&self.t, dim))
    }
}

impl PyTensor {
    fn median_of(
        &self,
        py: Python<'_>,
        name: &str,
        dim: Option<i64>,
        keepdim: bool,
        out: Out<'_, '_>,
    ) -> PyResult<Py<PyAny>> {
        let nan = name == "nanmedian";
        match dim {
            // PyTorch's global median has no out overload.
            None if out.is_some_and(|o| !o.is_none()) => Err(PyTypeError::new_err(format!(
                "{name}() missing 1 required positional arguments: \"dim\""
            ))),
            None => {
                let t = with_out(py, name, &[&self.t], out, || {
                    crate::ok!(py, self.t.numel(), || if nan {
                        sort::nanmedian_all(&self.t)
                    } else {
                        sort::median_all(&self.t)
                    })
                })?;
                t.into_py_any(py)
            }
            Some(d) => self.pair_result(py, name, out, || {
                if nan {
                    sort::nanmedian_dim(&self.t, d, keepdim)
                } else {
                    sort::median_dim(&self.t, d, keepdim)
                }
            }),
        }
    }
}

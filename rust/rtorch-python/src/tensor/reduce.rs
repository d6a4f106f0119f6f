//! `rtorch.Tensor` reductions: sum, mean, prod, max/min, amax/amin, argmax/argmin,
//! var/std, logsumexp, all/any, the scans and softmax (module functions of the same name
//! are these methods, re-exported in Python).

use crate::convert::{self, dims};
use crate::errors::IntoPy;
use crate::out::{out_dtype, with_out, write_pair, Out};
use crate::tensor::{PyTensor, R};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use rtorch::backend::ReduceKernel;
use rtorch::ops::reduce::Extremum;
use rtorch::ops::{binary, cast, moments, reduce, scan, softmax};
use rtorch::Tensor;

/// `torch.return_types.<name>(values, indices)`.
pub(crate) fn values_indices(
    py: Python<'_>,
    name: &str,
    v: Tensor,
    i: Tensor,
) -> PyResult<Py<PyAny>> {
    static MODULE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let m = MODULE.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py.import("rtorch.return_types")?.into_any().unbind())
    })?;
    Ok(m.bind(py)
        .getattr(name)?
        .call1((PyTensor::wrap(v), PyTensor::wrap(i)))?
        .unbind())
}

#[pymethods]
impl PyTensor {
    #[pyo3(signature = (dim=None, keepdim=None, *, dtype=None, out=None, axis=None, keepdims=None))]
    #[doc = doc_reduce!(sum)]
    fn sum(
        &self,
        py: Python<'_>,
        dim: Option<&Bound<'_, PyAny>>,
        keepdim: Option<bool>,
        dtype: Option<&Bound<'_, PyAny>>,
        out: Out<'_, '_>,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: Option<bool>,
    ) -> R {
        let dim = crate::convert::numpy_alias("sum", dim, axis, "axis")?;
        let keepdim = crate::convert::numpy_alias("sum", keepdim, keepdims, "keepdims")?;
        let keepdim = keepdim_arg("sum", dim, keepdim)?;
        let (d, dt) = (dims(dim)?, convert::dtype(dtype)?.or(out_dtype(out)));
        with_out(py, "sum", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || {
                reduce::sum(&self.t, d.as_deref(), keepdim, dt)
            })
        })
    }
    #[pyo3(signature = (dim=None, keepdim=None, *, dtype=None, out=None, axis=None, keepdims=None))]
    #[doc = doc_reduce!(mean)]
    fn mean(
        &self,
        py: Python<'_>,
        dim: Option<&Bound<'_, PyAny>>,
        keepdim: Option<bool>,
        dtype: Option<&Bound<'_, PyAny>>,
        out: Out<'_, '_>,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: Option<bool>,
    ) -> R {
        let dim = crate::convert::numpy_alias("mean", dim, axis, "axis")?;
        let keepdim = crate::convert::numpy_alias("mean", keepdim, keepdims, "keepdims")?;
        let keepdim = keepdim_arg("mean", dim, keepdim)?;
        let (d, dt) = (dims(dim)?, convert::dtype(dtype)?);
        with_out(py, "mean", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || {
                reduce::mean(&self.t, d.as_deref(), keepdim, dt)
            })
        })
    }
    #[pyo3(signature = (dim=None, keepdim=None, *, dtype=None, out=None, axis=None, keepdims=None))]
    #[doc = doc_reduce!(prod)]
    fn prod(
        &self,
        py: Python<'_>,
        dim: Option<i64>,
        keepdim: Option<bool>,
        dtype: Option<&Bound<'_, PyAny>>,
        out: Out<'_, '_>,
        axis: Option<i64>,
        keepdims: Option<bool>,
    ) -> R {
        let dim = crate::convert::numpy_alias("prod", dim, axis, "axis")?;
        let keepdim = crate::convert::numpy_alias("prod", keepdim, keepdims, "keepdims")?;
        if keepdim.is_some() && dim.is_none() {
            return Err(PyTypeError::new_err(
                "prod() received an invalid combination of arguments - got (Tensor, keepdim=bool)",
            ));
        }
        let (keepdim, dt) = (
            keepdim.unwrap_or(false),
            convert::dtype(dtype)?.or(out_dtype(out)),
        );
        with_out(py, "prod", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || reduce::prod(
                &self.t, dim, keepdim, dt
            ))
        })
    }
    #[pyo3(signature = (dim=None, keepdim=None, *, out=None, axis=None, keepdims=None))]
    #[doc = doc_reduce!(max)]
    fn max(
        &self,
        py: Python<'_>,
        dim: Option<&Bound<'_, PyAny>>,
        keepdim: Option<bool>,
        out: Out<'_, '_>,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: Option<bool>,
    ) -> PyResult<Py<PyAny>> {
        let dim = crate::convert::numpy_alias("max", dim, axis, "axis")?;
        let keepdim = crate::convert::numpy_alias("max", keepdim, keepdims, "keepdims")?;
        let keepdim = keepdim_arg("max", dim, keepdim)?;
        self.max_min(py, dim, keepdim, Extremum::Max, out)
    }
    #[pyo3(signature = (dim=None, keepdim=None, *, out=None, axis=None, keepdims=None))]
    #[doc = doc_reduce!(min)]
    fn min(
        &self,
        py: Python<'_>,
        dim: Option<&Bound<'_, PyAny>>,
        keepdim: Option<bool>,
        out: Out<'_, '_>,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: Option<bool>,
    ) -> PyResult<Py<PyAny>> {
        let dim = crate::convert::numpy_alias("min", dim, axis, "axis")?;
        let keepdim = crate::convert::numpy_alias("min", keepdim, keepdims, "keepdims")?;
        let keepdim = keepdim_arg("min", dim, keepdim)?;
        self.max_min(py, dim, keepdim, Extremum::Min, out)
    }
    #[pyo3(signature = (dim=None, keepdim=false, *, out=None, axis=None, keepdims=None))]
    #[doc = doc_reduce!(amax)]
    fn amax(
        &self,
        py: Python<'_>,
        dim: Option<&Bound<'_, PyAny>>,
        keepdim: bool,
        out: Out<'_, '_>,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: Option<bool>,
    ) -> R {
        self.amax_amin(py, dim, axis, keepdim, keepdims, out, Extremum::Max)
    }
    #[pyo3(signature = (dim=None, keepdim=false, *, out=None, axis=None, keepdims=None))]
    #[doc = doc_reduce!(amin)]
    fn amin(
        &self,
        py: Python<'_>,
        dim: Option<&Bound<'_, PyAny>>,
        keepdim: bool,
        out: Out<'_, '_>,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: Option<bool>,
    ) -> R {
        self.amax_amin(py, dim, axis, keepdim, keepdims, out, Extremum::Min)
    }
    #[pyo3(signature = (dim=None, keepdim=false, *, out=None, axis=None, keepdims=None))]
    #[doc = doc_reduce!(argmax)]
    fn argmax(
        &self,
        py: Python<'_>,
        dim: Option<i64>,
        keepdim: bool,
        out: Out<'_, '_>,
        axis: Option<i64>,
        keepdims: Option<bool>,
    ) -> R {
        let dim = crate::convert::numpy_alias("argmax", dim, axis, "axis")?;
        let keepdim =
            crate::convert::numpy_alias_or("argmax", keepdim, false, keepdims, "keepdims")?;
        with_out(py, "argmax", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || reduce::argmax_argmin(
                &self.t,
                dim,
                keepdim,
                Extremum::Max
            ))
        })
    }
    #[pyo3(signature = (dim=None, keepdim=false, *, out=None, axis=None, keepdims=None))]
    #[doc = doc_reduce!(argmin)]
    fn argmin(
        &self,
        py: Python<'_>,
        dim: Option<i64>,
        keepdim: bool,
        out: Out<'_, '_>,
        axis: Option<i64>,
        keepdims: Option<bool>,
    ) -> R {
        let dim = crate::convert::numpy_alias("argmin", dim, axis, "axis")?;
        let keepdim =
            crate::convert::numpy_alias_or("argmin", keepdim, false, keepdims, "keepdims")?;
        with_out(py, "argmin", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || reduce::argmax_argmin(
                &self.t,
                dim,
                keepdim,
                Extremum::Min
            ))
        })
    }
    #[pyo3(signature = (dim=None, unbiased=None, keepdim=None, *, correction=None, out=None, axis=None, keepdims=None))]
    #[doc = doc_reduce!(var)]
    fn var(
        &self,
        py: Python<'_>,
        dim: Option<&Bound<'_, PyAny>>,
        unbiased: Option<bool>,
        keepdim: Option<bool>,
        correction: Option<f64>,
        out: Out<'_, '_>,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: Option<bool>,
    ) -> R {
        let dim = crate::convert::numpy_alias("var", dim, axis, "axis")?;
        let keepdim = crate::convert::numpy_alias("var", keepdim, keepdims, "keepdims")?;
        let (d, c, keepdim) = var_args("var", dim, unbiased, keepdim, correction)?;
        with_out(py, "var", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || moments::var(
                &self.t,
                d.as_deref(),
                c,
                keepdim
            ))
        })
    }
    #[pyo3(signature = (dim=None, unbiased=None, keepdim=None, *, correction=None, out=None, axis=None, keepdims=None))]
    #[doc = doc_reduce!(std)]
    fn std(
        &self,
        py: Python<'_>,
        dim: Option<&Bound<'_, PyAny>>,
        unbiased: Option<bool>,
        keepdim: Option<bool>,
        correction: Option<f64>,
        out: Out<'_, '_>,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: Option<bool>,
    ) -> R {
        let dim = crate::convert::numpy_alias("std", dim, axis, "axis")?;
        let keepdim = crate::convert::numpy_alias("std", keepdim, keepdims, "keepdims")?;
        let (d, c, keepdim) = var_args("std", dim, unbiased, keepdim, correction)?;
        with_out(py, "std", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || moments::std(
                &self.t,
                d.as_deref(),
                c,
                keepdim
            ))
        })
    }
    #[pyo3(signature = (p=None, dim=None, keepdim=false, dtype=None, *, out=None))]
    #[doc = doc_reduce!(norm)]
    fn norm(
        &self,
        py: Python<'_>,
        p: Option<&Bound<'_, PyAny>>,
        dim: Option<&Bound<'_, PyAny>>,
        keepdim: bool,
        dtype: Option<&Bound<'_, PyAny>>,
        out: Out<'_, '_>,
    ) -> R {
        // A number is a vector norm over any dims; None or 'fro' is a matrix norm (and
        // so at most two dims) in PyTorch's `norm`.
        let fro = p.is_none_or(|o| o.is_none() || o.extract::<String>().is_ok());
        let p = match p {
            None => 2.0,
            Some(o) if o.is_none() => 2.0,
            Some(o) => match o.extract::<String>() {
                Ok(s) if s == "fro" => 2.0,
                Ok(s) => {
                    return Err(PyRuntimeError::new_err(format!(
                        "norm: unsupported p={s:?} (only 'fro' and numbers)"
                    )))
                }
                Err(_) => o.extract::<f64>()?,
            },
        };
        let d = dims(dim)?;
        with_out(py, "norm", &[&self.t], out, || {
            let x = norm_input(py, &self.t, dtype)?;
            if !fro {
                return crate::ok!(py, x.numel(), || reduce::vector_norm(
                    &x,
                    p,
                    d.as_deref(),
                    keepdim
                ));
            }
            crate::ok!(py, x.numel(), || reduce::norm(&x, p, d.as_deref(), keepdim))
        })
    }
    #[pyo3(signature = (dim=None, keepdim=false, *, out=None, axis=None, keepdims=None))]
    #[doc = doc_reduce!(logsumexp)]
    fn logsumexp(
        &self,
        py: Python<'_>,
        dim: Option<&Bound<'_, PyAny>>,
        keepdim: bool,
        out: Out<'_, '_>,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: Option<bool>,
    ) -> R {
        let dim = crate::convert::numpy_alias("logsumexp", dim, axis, "axis")?;
        let dim = dim.ok_or_else(|| crate::convert::missing_dim("logsumexp"))?;
        let keepdim = crate::convert::numpy_alias(
            "logsumexp",
            keepdim.then_some(true),
            keepdims,
            "keepdims",
        )?
        .unwrap_or(false);
        let d = dims(Some(dim))?.unwrap_or_default();
        with_out(py, "logsumexp", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || softmax::logsumexp(
                &self.t, &d, keepdim
            ))
        })
    }
    #[pyo3(signature = (dim=None, keepdim=false, *, axis=None, keepdims=None))]
    #[doc = doc_reduce!(all)]
    fn all(
        &self,
        py: Python<'_>,
        dim: Option<&Bound<'_, PyAny>>,
        keepdim: bool,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: Option<bool>,
    ) -> R {
        let dim = crate::convert::numpy_alias("all", dim, axis, "axis")?;
        let keepdim = crate::convert::numpy_alias_or("all", keepdim, false, keepdims, "keepdims")?;
        let d = dims(dim)?;
        crate::ok!(py, self.t.numel(), || reduce::all_any(
            &self.t,
            d.as_deref(),
            keepdim,
            ReduceKernel::All,
        ))
    }
    #[pyo3(signature = (dim=None, keepdim=false, *, axis=None, keepdims=None))]
    #[doc = doc_reduce!(any)]
    fn any(
        &self,
        py: Python<'_>,
        dim: Option<&Bound<'_, PyAny>>,
        keepdim: bool,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: Option<bool>,
    ) -> R {
        let dim = crate::convert::numpy_alias("any", dim, axis, "axis")?;
        let keepdim = crate::convert::numpy_alias_or("any", keepdim, false, keepdims, "keepdims")?;
        let d = dims(dim)?;
        crate::ok!(py, self.t.numel(), || reduce::all_any(
            &self.t,
            d.as_deref(),
            keepdim,
            ReduceKernel::Any,
        ))
    }
    /// Runs `fn(self)` (an out-of-place op) and writes the result into `self`, keeping
    /// autograd correct: the generic in-place path for ops without a dedicated kernel.
    fn _apply_inplace<'py>(
        slf: &Bound<'py, Self>,
        name: &str,
        func: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, Self>> {
        let t = &slf.get().t;
        let op = format!("{name}_");
        // Not through `engine!`: `func` is Python code, so this keeps the GIL.
        rtorch::ops::inplace::apply(t, &[], &op, |x| {
            let r = func
                .call1((PyTensor::wrap(x.clone()),))
                .map_err(crate::errors::stash)?;
            let r = r
                .cast::<PyTensor>()
                .map_err(|e| crate::errors::stash(PyErr::from(e)))?;
            Ok(r.get().t.clone())
        })
        .py()?;
        Ok(slf.clone())
    }
    #[pyo3(signature = (dim=None, *, dtype=None, out=None, axis=None))]
    #[doc = doc_reduce!(cumsum)]
    fn cumsum(
        &self,
        py: Python<'_>,
        dim: Option<i64>,
        dtype: Option<&Bound<'_, PyAny>>,
        out: Out<'_, '_>,
        axis: Option<i64>,
    ) -> R {
        let dim = crate::convert::numpy_alias("cumsum", dim, axis, "axis")?;
        let dim = dim.ok_or_else(|| crate::convert::missing_dim("cumsum"))?;
        let dt = convert::dtype(dtype)?.or(out_dtype(out));
        with_out(py, "cumsum", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || scan::cumsum(&self.t, dim, dt))
        })
    }
    #[pyo3(signature = (dim=None, *, dtype=None, out=None, axis=None))]
    #[doc = doc_reduce!(cumprod)]
    fn cumprod(
        &self,
        py: Python<'_>,
        dim: Option<i64>,
        dtype: Option<&Bound<'_, PyAny>>,
        out: Out<'_, '_>,
        axis: Option<i64>,
    ) -> R {
        let dim = crate::convert::numpy_alias("cumprod", dim, axis, "axis")?;
        let dim = dim.ok_or_else(|| crate::convert::missing_dim("cumprod"))?;
        let dt = convert::dtype(dtype)?.or(out_dtype(out));
        with_out(py, "cumprod", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || scan::cumprod(&self.t, dim, dt))
        })
    }
    #[pyo3(signature = (dim=None, dtype=None, *, out=None, axis=None))]
    #[doc = doc_reduce!(softmax)]
    fn softmax(
        &self,
        py: Python<'_>,
        dim: Option<i64>,
        dtype: Option<&Bound<'_, PyAny>>,
        out: Out<'_, '_>,
        axis: Option<i64>,
    ) -> R {
        let dim = crate::convert::numpy_alias("softmax", dim, axis, "axis")?;
        let dim = dim.ok_or_else(|| crate::convert::missing_dim("softmax"))?;
        let dt = convert::dtype(dtype)?;
        with_out(py, "softmax", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || softmax::softmax(&self.t, dim, dt))
        })
    }
    #[pyo3(signature = (dim=None, dtype=None, *, out=None, axis=None))]
    #[doc = doc_reduce!(log_softmax)]
    fn log_softmax(
        &self,
        py: Python<'_>,
        dim: Option<i64>,
        dtype: Option<&Bound<'_, PyAny>>,
        out: Out<'_, '_>,
        axis: Option<i64>,
    ) -> R {
        let dim = crate::convert::numpy_alias("log_softmax", dim, axis, "axis")?;
        let dim = dim.ok_or_else(|| crate::convert::missing_dim("log_softmax"))?;
        let dt = convert::dtype(dtype)?;
        with_out(py, "log_softmax", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || softmax::log_softmax(
                &self.t, dim, dt
            ))
        })
    }
}

impl PyTensor {
    /// `amax`/`amin`, numpy aliases and `out=` included.
    fn amax_amin(
        &self,
        py: Python<'_>,
        dim: Option<&Bound<'_, PyAny>>,
        axis: Option<&Bound<'_, PyAny>>,
        keepdim: bool,
        keepdims: Option<bool>,
        out: Out<'_, '_>,
        which: Extremum,
    ) -> R {
        let name = which.amax_name();
        let d = dims(crate::convert::numpy_alias(name, dim, axis, "axis")?)?;
        let keepdim = crate::convert::numpy_alias_or(name, keepdim, false, keepdims, "keepdims")?;
        with_out(py, name, &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || reduce::amax_amin(
                &self.t,
                d.as_deref(),
                keepdim,
                which
            ))
        })
    }

    fn max_min(
        &self,
        py: Python<'_>,
        dim: Option<&Bound<'_, PyAny>>,
        keepdim: bool,
        which: Extremum,
        out: Out<'_, '_>,
    ) -> PyResult<Py<PyAny>> {
        let name = which.name();
        match dim {
            None => with_out(py, name, &[&self.t], out, || {
                crate::ok!(py, self.t.numel(), || reduce::max_min_all(&self.t, which))
            })?
            .into_py_any(py),
            Some(o) if o.is_instance_of::<PyTensor>() => {
                // `max(other)` is `maximum`.
                let b = &o.cast::<PyTensor>()?.get().t;
                with_out(py, name, &[&self.t, b], out, || {
                    crate::ok!(py, self.t.numel(), || match which {
                        Extremum::Max => binary::maximum(&self.t, b),
                        Extremum::Min => binary::minimum(&self.t, b),
                    })
                })?
                .into_py_any(py)
            }
            Some(o) => {
                let d: i64 = o.extract()?;
                let pair = crate::engine!(py, self.t.numel(), || {
                    reduce::max_min_dim(&self.t, d, keepdim, which)
                })?;
                let (v, i) = match out {
                    Some(o) if !o.is_none() => write_pair(py, name, &[&self.t], o, pair)?,
                    _ => pair,
                };
                values_indices(py, name, v, i)
            }
        }
    }
}

/// PyTorch has no `(input, keepdim=...)` overload: keepdim needs a dim.
fn keepdim_arg(op: &str, dim: Option<&Bound<'_, PyAny>>, keepdim: Option<bool>) -> PyResult<bool> {
    if keepdim.is_some() && dim.is_none_or(|d| d.is_none()) {
        return Err(PyTypeError::new_err(format!(
            "{op}() received an invalid combination of arguments - got (Tensor, keepdim=bool)"
        )));
    }
    Ok(keepdim.unwrap_or(false))
}

/// PyTorch's var/std argument forms: `(dim, unbiased, keepdim)`, `(unbiased)`,
/// `(dim, *, correction)`.
/// The arguments of `var` / `std`: (dims, correction, keepdim), with PyTorch's overloads
/// (`var(unbiased)`, `var(dim, unbiased, keepdim)`, `var(dim, *, correction)`).
fn var_args(
    op: &str,
    dim: Option<&Bound<'_, PyAny>>,
    unbiased: Option<bool>,
    keepdim: Option<bool>,
    correction: Option<f64>,
) -> PyResult<(Option<Vec<i64>>, f64, bool)> {
    if dim.is_none() && unbiased.is_some() && keepdim.is_some() {
        return Err(PyTypeError::new_err(format!(
            "{op}() received an invalid combination of arguments - got (Tensor, unbiased=bool, keepdim=bool)"
        )));
    }
    let (d, unbiased) = match dim {
        Some(o) if o.is_instance_of::<pyo3::types::PyBool>() => (None, Some(o.extract::<bool>()?)),
        other => (dims(other)?, unbiased),
    };
    if unbiased.is_some() && correction.is_some() {
        return Err(PyTypeError::new_err(
            "std/var(): cannot specify both unbiased and correction",
        ));
    }
    let c = correction.unwrap_or(if unbiased.unwrap_or(true) { 1.0 } else { 0.0 });
    Ok((d, c, keepdim.unwrap_or(false)))
}

/// The input of a vector norm with `dtype=`: PyTorch checks it before the cast (floating
/// point, and `dtype` must not narrow it), then computes in `dtype`.
pub(crate) fn norm_input(
    py: Python<'_>,
    x: &Tensor,
    dtype: Option<&Bound<'_, PyAny>>,
) -> PyResult<Tensor> {
    match convert::dtype(dtype)? {
        Some(d) => {
            // PyTorch checks the input before the cast: floating point, and `dtype`
            // must not narrow it.
            let src = x.dtype();
            if !src.is_floating_point() {
                return Err(PyRuntimeError::new_err(format!(
                    "linalg.vector_norm: Expected a floating point or complex tensor as input. Got {}",
                    src.scalar_name()
                )));
            }
            if rtorch::dtype::promote_types(src, d) != d {
                return Err(PyRuntimeError::new_err(format!(
                    "linalg.vector_norm: the dtype of the input ({}) should be convertible without narrowing to the specified dtype ({})",
                    src.scalar_name(),
                    d.scalar_name()
                )));
            }
            crate::engine!(py, x.numel(), || cast::to_dtype(x, d))
        }
        None => Ok(x.clone()),
    }
}

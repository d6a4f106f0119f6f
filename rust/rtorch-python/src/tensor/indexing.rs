//! `rtorch.Tensor` methods that read or write through index tensors: gather / scatter,
//! index_select and the index_add family, index_put, take / put, take_along_dim and the
//! mask forms (module functions of the same name are these methods, re-exported in Python).

use crate::convert::{operand_req, scalar_req};
use crate::out::{with_out, Out};
use crate::tensor::{PyTensor, R};
use pyo3::exceptions::{PyTypeError, PyUserWarning};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use rtorch::ops::{advanced, gather, select};
use rtorch::{Scalar, Tensor};
use std::sync::atomic::{AtomicBool, Ordering};

/// A number or a tensor argument (`scatter`'s src/value, `index_fill`'s value) as a
/// tensor: a number is a wrapped 0-dim tensor.
fn value_arg(o: &Bound<'_, PyAny>, op: &str, arg: &str) -> PyResult<Tensor> {
    operand_req(o, op, arg)
}

/// `indices` of `index_put`: a tuple or list of tensors (None for a full slice).
pub(crate) fn index_list(o: &Bound<'_, PyAny>, op: &str) -> PyResult<Vec<Option<Tensor>>> {
    index_list_as(o, op, false)
}

/// `index_list`, where `none_ok` takes None as a full slice (`_index`; torch's Python
/// `index_put` refuses it).
fn index_list_as(o: &Bound<'_, PyAny>, op: &str, none_ok: bool) -> PyResult<Vec<Option<Tensor>>> {
    let items: Vec<Bound<'_, PyAny>> = if let Ok(t) = o.cast::<PyTuple>() {
        t.iter().collect()
    } else if let Ok(l) = o.cast::<PyList>() {
        l.iter().collect()
    } else {
        return Err(PyTypeError::new_err(format!(
            "{op}(): argument 'indices' must be tuple of Tensors, not {}",
            o.get_type().name()?
        )));
    };
    items
        .iter()
        .enumerate()
        .map(|(k, i)| {
            if i.is_none() && none_ok {
                Ok(None)
            } else if !i.is_instance_of::<PyTensor>() {
                Err(PyTypeError::new_err(format!(
                    "expected Tensor as element {k} in argument 0, but got {}",
                    i.get_type().name()?
                )))
            } else {
                Ok(Some(i.cast::<PyTensor>()?.get().t.clone()))
            }
        })
        .collect()
}

static SCATTER_WARNED: AtomicBool = AtomicBool::new(false);
static INDEX_REDUCE_WARNED: AtomicBool = AtomicBool::new(false);

fn warn_once(py: Python<'_>, flag: &AtomicBool, msg: &std::ffi::CStr) -> PyResult<()> {
    if flag.swap(true, Ordering::Relaxed) {
        return Ok(());
    }
    PyErr::warn(py, &py.get_type::<PyUserWarning>(), msg, 1)
}

/// scatter's `src` / `value`: exactly one of them, a tensor or a number.
fn scatter_src(
    src: Option<&Bound<'_, PyAny>>,
    value: Option<&Bound<'_, PyAny>>,
    op: &str,
) -> PyResult<(Tensor, bool)> {
    let o = match (src, value) {
        (Some(s), None) => s,
        (None, Some(v)) => v,
        _ => {
            return Err(PyTypeError::new_err(format!(
                "{op}() expects one of 'src' (a Tensor) or 'value' (a number)"
            )))
        }
    };
    let t = value_arg(o, op, "src")?;
    let number = t.is_wrapped_number();
    Ok((t, number))
}

fn scatter_call(
    py: Python<'_>,
    t: &Tensor,
    dim: i64,
    index: &Tensor,
    src: &Tensor,
    number: bool,
    reduce: Option<&str>,
) -> PyResult<Tensor> {
    if reduce.is_some() && !number {
        warn_once(py, &SCATTER_WARNED, c"The reduce argument of torch.scatter with Tensor src is deprecated and will be removed in a future PyTorch release. Use torch.scatter_reduce instead for more reduction options.")?;
    }
    crate::engine!(py, t.numel(), || match (reduce, number) {
        (Some(r), _) => gather::scatter_reduce_old(t, dim, index, src, number, r),
        (None, true) => gather::scatter_value(t, dim, index, src),
        (None, false) => gather::scatter(t, dim, index, src),
    })
}

#[pymethods]
impl PyTensor {
    /// gather(dim, index, *, sparse_grad=False) -> Tensor
    ///
    /// Gathers values along ``dim``: ``out[i][j] = self[i][index[i][j]]`` for ``dim=1``.
    /// ``index`` (int64 or int32) has the same number of dims as ``self`` and is no larger
    /// than it along the other dims.
    #[pyo3(signature = (dim, index, *, sparse_grad=false, out=None))]
    fn gather(
        &self,
        py: Python<'_>,
        dim: i64,
        index: &Bound<'_, PyTensor>,
        sparse_grad: bool,
        out: Out<'_, '_>,
    ) -> R {
        let i = &index.get().t;
        with_out(py, "gather", &[&self.t, i], out, || {
            crate::ok!(py, i.numel(), || gather::gather(
                &self.t,
                dim,
                i,
                sparse_grad
            ))
        })
    }

    /// scatter(dim, index, src, *, reduce=None) -> Tensor
    ///
    /// Out-of-place ``scatter_``: a copy of ``self`` with ``src`` (a tensor, or a number
    /// as ``value``) written at ``index`` along ``dim``. A repeated index takes the last
    /// write.
    #[pyo3(signature = (dim, index, src=None, *, value=None, reduce=None, out=None))]
    #[allow(clippy::too_many_arguments)]
    fn scatter(
        &self,
        py: Python<'_>,
        dim: i64,
        index: &Bound<'_, PyTensor>,
        src: Option<&Bound<'_, PyAny>>,
        value: Option<&Bound<'_, PyAny>>,
        reduce: Option<&str>,
        out: Out<'_, '_>,
    ) -> R {
        let (s, number) = scatter_src(src, value, "scatter")?;
        let i = &index.get().t;
        with_out(py, "scatter", &[&self.t, i, &s], out, || {
            scatter_call(py, &self.t, dim, i, &s, number, reduce).map(crate::tensor::TensorOut)
        })
    }

    /// scatter_(dim, index, src, *, reduce=None) -> Tensor
    ///
    /// Writes ``src`` (a tensor, or a number as ``value``) into ``self`` at ``index``
    /// along ``dim``; ``reduce='add'|'multiply'`` combines instead. Every index is checked
    /// before the first write.
    #[pyo3(signature = (dim, index, src=None, *, value=None, reduce=None))]
    fn scatter_<'py>(
        slf: &Bound<'py, Self>,
        dim: i64,
        index: &Bound<'_, PyTensor>,
        src: Option<&Bound<'_, PyAny>>,
        value: Option<&Bound<'_, PyAny>>,
        reduce: Option<&str>,
    ) -> PyResult<Bound<'py, Self>> {
        let py = slf.py();
        let (s, number) = scatter_src(src, value, "scatter_")?;
        if reduce.is_some() && !number {
            warn_once(py, &SCATTER_WARNED, c"The reduce argument of torch.scatter with Tensor src is deprecated and will be removed in a future PyTorch release. Use torch.scatter_reduce instead for more reduction options.")?;
        }
        let (t, i) = (&slf.get().t, &index.get().t);
        crate::engine!(py, i.numel(), || gather::scatter_(
            t, dim, i, &s, number, reduce
        ))?;
        Ok(slf.clone())
    }

    /// scatter_add(dim, index, src) -> Tensor
    ///
    /// Out-of-place ``scatter_add_``: a copy of ``self`` with ``src`` added at ``index``
    /// along ``dim`` (repeated indices accumulate).
    #[pyo3(signature = (dim, index, src, *, out=None))]
    fn scatter_add(
        &self,
        py: Python<'_>,
        dim: i64,
        index: &Bound<'_, PyTensor>,
        src: &Bound<'_, PyTensor>,
        out: Out<'_, '_>,
    ) -> R {
        let (i, s) = (&index.get().t, &src.get().t);
        with_out(py, "scatter_add", &[&self.t, i, s], out, || {
            crate::ok!(py, i.numel(), || gather::scatter_add(&self.t, dim, i, s))
        })
    }

    /// scatter_add_(dim, index, src) -> Tensor
    ///
    /// Adds ``src`` into ``self`` at ``index`` along ``dim``, in place.
    fn scatter_add_<'py>(
        slf: &Bound<'py, Self>,
        dim: i64,
        index: &Bound<'_, PyTensor>,
        src: &Bound<'_, PyTensor>,
    ) -> PyResult<Bound<'py, Self>> {
        let (t, i, s) = (&slf.get().t, &index.get().t, &src.get().t);
        crate::engine!(slf.py(), i.numel(), || gather::scatter_add_(t, dim, i, s))?;
        Ok(slf.clone())
    }

    /// scatter_reduce(dim, index, src, reduce, *, include_self=True) -> Tensor
    ///
    /// Reduces ``src`` into a copy of ``self`` at ``index`` along ``dim`` with ``reduce``
    /// (``'sum'``, ``'prod'``, ``'mean'``, ``'amax'`` or ``'amin'``); with
    /// ``include_self=False`` the targeted values of ``self`` are left out.
    #[pyo3(signature = (dim, index, src, reduce, *, include_self=true, out=None))]
    #[allow(clippy::too_many_arguments)]
    fn scatter_reduce(
        &self,
        py: Python<'_>,
        dim: i64,
        index: &Bound<'_, PyTensor>,
        src: &Bound<'_, PyTensor>,
        reduce: &str,
        include_self: bool,
        out: Out<'_, '_>,
    ) -> R {
        let (i, s) = (&index.get().t, &src.get().t);
        with_out(py, "scatter_reduce", &[&self.t, i, s], out, || {
            crate::ok!(py, i.numel(), || gather::scatter_reduce(
                &self.t,
                dim,
                i,
                s,
                reduce,
                include_self
            ))
        })
    }

    /// scatter_reduce_(dim, index, src, reduce, *, include_self=True) -> Tensor
    ///
    /// In-place ``scatter_reduce``.
    #[pyo3(signature = (dim, index, src, reduce, *, include_self=true))]
    fn scatter_reduce_<'py>(
        slf: &Bound<'py, Self>,
        dim: i64,
        index: &Bound<'_, PyTensor>,
        src: &Bound<'_, PyTensor>,
        reduce: &str,
        include_self: bool,
    ) -> PyResult<Bound<'py, Self>> {
        let (t, i, s) = (&slf.get().t, &index.get().t, &src.get().t);
        crate::engine!(slf.py(), i.numel(), || gather::scatter_reduce_(
            t,
            dim,
            i,
            s,
            reduce,
            include_self
        ))?;
        Ok(slf.clone())
    }

    /// take_along_dim(indices, dim=None) -> Tensor
    ///
    /// Picks values of ``self`` at ``indices`` along ``dim`` after broadcasting the other
    /// dims (with no ``dim``, over the flattened tensor).
    #[pyo3(signature = (indices, dim=None, *, out=None))]
    fn take_along_dim(
        &self,
        py: Python<'_>,
        indices: &Bound<'_, PyTensor>,
        dim: Option<i64>,
        out: Out<'_, '_>,
    ) -> R {
        let i = &indices.get().t;
        with_out(py, "take_along_dim", &[&self.t, i], out, || {
            crate::ok!(py, i.numel(), || gather::take_along_dim(&self.t, i, dim))
        })
    }

    /// index_select(dim, index) -> Tensor
    ///
    /// The slices of ``self`` along ``dim`` at the positions of the 1-D ``index`` (int64
    /// or int32), in its order, repeats included: a copy.
    #[pyo3(signature = (dim, index, *, out=None))]
    fn index_select(
        &self,
        py: Python<'_>,
        dim: i64,
        index: &Bound<'_, PyTensor>,
        out: Out<'_, '_>,
    ) -> R {
        let i = &index.get().t;
        with_out(py, "index_select", &[&self.t, i], out, || {
            crate::ok!(py, self.t.numel(), || select::index_select(&self.t, dim, i))
        })
    }

    /// index_add(dim, index, source, *, alpha=1) -> Tensor
    ///
    /// Out-of-place ``index_add_``: a copy of ``self`` with ``alpha * source`` added to the
    /// slices along ``dim`` that ``index`` names (repeats accumulate).
    #[pyo3(signature = (dim, index, source, *, alpha=None, out=None))]
    fn index_add(
        &self,
        py: Python<'_>,
        dim: i64,
        index: &Bound<'_, PyTensor>,
        source: &Bound<'_, PyTensor>,
        alpha: Option<&Bound<'_, PyAny>>,
        out: Out<'_, '_>,
    ) -> R {
        let a = match alpha {
            Some(a) => scalar_req(a, "alpha")?,
            None => Scalar::Int(1),
        };
        let (i, s) = (&index.get().t, &source.get().t);
        with_out(py, "index_add", &[&self.t, i, s], out, || {
            crate::ok!(py, s.numel(), || select::index_add(&self.t, dim, i, s, &a))
        })
    }

    /// index_add_(dim, index, source, *, alpha=1) -> Tensor
    ///
    /// Adds ``alpha * source`` into the slices of ``self`` along ``dim`` named by ``index``.
    #[pyo3(signature = (dim, index, source, *, alpha=None))]
    fn index_add_<'py>(
        slf: &Bound<'py, Self>,
        dim: i64,
        index: &Bound<'_, PyTensor>,
        source: &Bound<'_, PyTensor>,
        alpha: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, Self>> {
        let a = match alpha {
            Some(a) => scalar_req(a, "alpha")?,
            None => Scalar::Int(1),
        };
        let (t, i, s) = (&slf.get().t, &index.get().t, &source.get().t);
        crate::engine!(slf.py(), s.numel(), || select::index_add_(t, dim, i, s, &a))?;
        Ok(slf.clone())
    }

    /// index_copy(dim, index, source) -> Tensor
    ///
    /// Out-of-place ``index_copy_``: a copy of ``self`` with the slices along ``dim`` that
    /// ``index`` names replaced by ``source``'s.
    #[pyo3(signature = (dim, index, source, *, out=None))]
    fn index_copy(
        &self,
        py: Python<'_>,
        dim: i64,
        index: &Bound<'_, PyTensor>,
        source: &Bound<'_, PyTensor>,
        out: Out<'_, '_>,
    ) -> R {
        let (i, s) = (&index.get().t, &source.get().t);
        with_out(py, "index_copy", &[&self.t, i, s], out, || {
            crate::ok!(py, s.numel(), || select::index_copy(&self.t, dim, i, s))
        })
    }

    /// index_copy_(dim, index, source) -> Tensor
    ///
    /// Copies ``source``'s slices into ``self`` along ``dim`` at ``index``.
    fn index_copy_<'py>(
        slf: &Bound<'py, Self>,
        dim: i64,
        index: &Bound<'_, PyTensor>,
        source: &Bound<'_, PyTensor>,
    ) -> PyResult<Bound<'py, Self>> {
        let (t, i, s) = (&slf.get().t, &index.get().t, &source.get().t);
        crate::engine!(slf.py(), s.numel(), || select::index_copy_(t, dim, i, s))?;
        Ok(slf.clone())
    }

    /// index_fill(dim, index, value) -> Tensor
    ///
    /// Out-of-place ``index_fill_``: a copy of ``self`` with the slices along ``dim`` named
    /// by ``index`` set to ``value`` (a number or a 0-dim tensor).
    fn index_fill(
        &self,
        py: Python<'_>,
        dim: i64,
        index: &Bound<'_, PyTensor>,
        value: &Bound<'_, PyAny>,
    ) -> R {
        let v = value_arg(value, "index_fill", "value")?;
        let i = &index.get().t;
        crate::ok!(py, self.t.numel(), || select::index_fill(
            &self.t, dim, i, &v
        ))
    }

    /// index_fill_(dim, index, value) -> Tensor
    ///
    /// Sets the slices of ``self`` along ``dim`` named by ``index`` to ``value``.
    fn index_fill_<'py>(
        slf: &Bound<'py, Self>,
        dim: i64,
        index: &Bound<'_, PyTensor>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, Self>> {
        let v = value_arg(value, "index_fill_", "value")?;
        let (t, i) = (&slf.get().t, &index.get().t);
        crate::engine!(slf.py(), t.numel(), || select::index_fill_(t, dim, i, &v))?;
        Ok(slf.clone())
    }

    /// index_reduce(dim, index, source, reduce, *, include_self=True) -> Tensor
    ///
    /// Reduces ``source``'s slices into a copy of ``self`` along ``dim`` at ``index`` with
    /// ``reduce`` (``'prod'``, ``'mean'``, ``'amax'`` or ``'amin'``). In beta in PyTorch.
    #[pyo3(signature = (dim, index, source, reduce, *, include_self=true, out=None))]
    #[allow(clippy::too_many_arguments)]
    fn index_reduce(
        &self,
        py: Python<'_>,
        dim: i64,
        index: &Bound<'_, PyTensor>,
        source: &Bound<'_, PyTensor>,
        reduce: &str,
        include_self: bool,
        out: Out<'_, '_>,
    ) -> R {
        warn_once(
            py,
            &INDEX_REDUCE_WARNED,
            c"index_reduce() is in beta and the API may change at any time.",
        )?;
        let (i, s) = (&index.get().t, &source.get().t);
        with_out(py, "index_reduce", &[&self.t, i, s], out, || {
            crate::ok!(py, s.numel(), || select::index_reduce(
                &self.t,
                dim,
                i,
                s,
                reduce,
                include_self
            ))
        })
    }

    /// index_reduce_(dim, index, source, reduce, *, include_self=True) -> Tensor
    ///
    /// In-place ``index_reduce``.
    #[pyo3(signature = (dim, index, source, reduce, *, include_self=true))]
    fn index_reduce_<'py>(
        slf: &Bound<'py, Self>,
        dim: i64,
        index: &Bound<'_, PyTensor>,
        source: &Bound<'_, PyTensor>,
        reduce: &str,
        include_self: bool,
    ) -> PyResult<Bound<'py, Self>> {
        warn_once(
            slf.py(),
            &INDEX_REDUCE_WARNED,
            c"index_reduce() is in beta and the API may change at any time.",
        )?;
        let (t, i, s) = (&slf.get().t, &index.get().t, &source.get().t);
        crate::engine!(slf.py(), s.numel(), || select::index_reduce_(
            t,
            dim,
            i,
            s,
            reduce,
            include_self
        ))?;
        Ok(slf.clone())
    }

    /// index_put(indices, values, accumulate=False) -> Tensor
    ///
    /// Out-of-place ``index_put_``: a copy of ``self`` with ``values`` written at
    /// ``self[indices]`` (a tuple of index tensors or masks, None for a full slice).
    #[pyo3(signature = (indices, values, accumulate=false))]
    fn index_put(
        &self,
        py: Python<'_>,
        indices: &Bound<'_, PyAny>,
        values: &Bound<'_, PyTensor>,
        accumulate: bool,
    ) -> R {
        let idx = index_list(indices, "index_put")?;
        let v = &values.get().t;
        crate::ok!(py, self.t.numel(), || advanced::index_put(
            &self.t, &idx, v, accumulate
        ))
    }

    /// index_put_(indices, values, accumulate=False) -> Tensor
    ///
    /// Writes ``values`` (broadcast) at ``self[indices]``; with ``accumulate`` repeated
    /// indices add up, without it the last write wins. Every index is checked first.
    #[pyo3(signature = (indices, values, accumulate=false))]
    fn index_put_<'py>(
        slf: &Bound<'py, Self>,
        indices: &Bound<'_, PyAny>,
        values: &Bound<'_, PyTensor>,
        accumulate: bool,
    ) -> PyResult<Bound<'py, Self>> {
        let idx = index_list(indices, "index_put_")?;
        let (t, v) = (&slf.get().t, &values.get().t);
        crate::engine!(slf.py(), v.numel(), || advanced::index_put_(
            t, &idx, v, accumulate
        ))?;
        Ok(slf.clone())
    }

    /// _index(indices) -> Tensor
    ///
    /// ``self[indices]`` for a tuple of index tensors (None for a full slice): what
    /// ``__getitem__`` calls for advanced indexing.
    fn _index(&self, py: Python<'_>, indices: &Bound<'_, PyAny>) -> R {
        let idx = index_list_as(indices, "index", true)?;
        crate::ok!(py, self.t.numel(), || advanced::index(&self.t, &idx))
    }

    /// take(index) -> Tensor
    ///
    /// The elements of ``self`` read as 1-D (row-major) at ``index`` (int64, negatives
    /// from the end), in ``index``'s shape.
    #[pyo3(signature = (index, *, out=None))]
    fn take(&self, py: Python<'_>, index: &Bound<'_, PyTensor>, out: Out<'_, '_>) -> R {
        let i = &index.get().t;
        with_out(py, "take", &[&self.t, i], out, || {
            crate::ok!(py, i.numel(), || advanced::take(&self.t, i))
        })
    }

    /// put(index, source, accumulate=False) -> Tensor
    ///
    /// Out-of-place ``put_``.
    #[pyo3(signature = (index, source, accumulate=false))]
    fn put(
        &self,
        py: Python<'_>,
        index: &Bound<'_, PyTensor>,
        source: &Bound<'_, PyTensor>,
        accumulate: bool,
    ) -> R {
        let (i, s) = (&index.get().t, &source.get().t);
        crate::ok!(py, self.t.numel(), || advanced::put(
            &self.t, i, s, accumulate
        ))
    }

    /// put_(index, source, accumulate=False) -> Tensor
    ///
    /// Writes ``source`` into ``self`` read as 1-D at ``index``.
    #[pyo3(signature = (index, source, accumulate=false))]
    fn put_<'py>(
        slf: &Bound<'py, Self>,
        index: &Bound<'_, PyTensor>,
        source: &Bound<'_, PyTensor>,
        accumulate: bool,
    ) -> PyResult<Bound<'py, Self>> {
        let (t, i, s) = (&slf.get().t, &index.get().t, &source.get().t);
        crate::engine!(slf.py(), i.numel(), || advanced::put_(t, i, s, accumulate))?;
        Ok(slf.clone())
    }

    /// masked_select(mask) -> Tensor
    ///
    /// The elements of ``self`` where the bool ``mask`` (broadcast with it) is true, as a
    /// 1-D tensor.
    #[pyo3(signature = (mask, *, out=None))]
    fn masked_select(&self, py: Python<'_>, mask: &Bound<'_, PyTensor>, out: Out<'_, '_>) -> R {
        let m = &mask.get().t;
        with_out(py, "masked_select", &[&self.t, m], out, || {
            crate::ok!(py, self.t.numel(), || advanced::masked_select(&self.t, m))
        })
    }

    /// masked_scatter(mask, source) -> Tensor
    ///
    /// Out-of-place ``masked_scatter_``.
    fn masked_scatter(
        &self,
        py: Python<'_>,
        mask: &Bound<'_, PyTensor>,
        source: &Bound<'_, PyTensor>,
    ) -> R {
        let (m, s) = (&mask.get().t, &source.get().t);
        crate::ok!(py, self.t.numel(), || advanced::masked_scatter(
            &self.t, m, s
        ))
    }

    /// masked_scatter_(mask, source) -> Tensor
    ///
    /// Copies ``source``'s leading elements, in order, into ``self`` where ``mask`` is true.
    fn masked_scatter_<'py>(
        slf: &Bound<'py, Self>,
        mask: &Bound<'_, PyTensor>,
        source: &Bound<'_, PyTensor>,
    ) -> PyResult<Bound<'py, Self>> {
        let (t, m, s) = (&slf.get().t, &mask.get().t, &source.get().t);
        crate::engine!(slf.py(), t.numel(), || advanced::masked_scatter_(t, m, s))?;
        Ok(slf.clone())
    }
}

//! `rtorch.Tensor` sorting and selection: sort, argsort, msort, topk, kthvalue, median,
//! nanmedian, mode, cummax, cummin (module functions of the same name are these methods,
//! re-exported in Python).

use crate::convert::Int;
use crate::out::{with_out, write_pair, Out};
use crate::tensor::reduce::values_indices;
use crate::tensor::{PyTensor, R};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
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

/// The arguments of sort/argsort, given by position or keyword.
struct SortArgs<'py> {
    dim: i64,
    descending: bool,
    /// Whether `stable` was given (every sort is stable; NOTE [ Sort order ]).
    stable: bool,
    out: Option<Bound<'py, PyAny>>,
}

/// NOTE [ Sort overloads ]: PyTorch's sort and argsort have two overloads, `(dim=-1,
/// descending=False)` and `(*, stable, dim=-1, descending=False)`: with `stable` given,
/// dim and descending are keyword-only, and a positional one (or one given twice) is the
/// parser's TypeError. The arguments arrive here as `*args, **kwargs` so those cases can
/// be told apart; a plain `x.sort()` passes neither and costs nothing more.
fn sort_args<'py>(
    op: &str,
    args: &Bound<'py, PyTuple>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<SortArgs<'py>> {
    let mut a = SortArgs {
        dim: -1,
        descending: false,
        stable: false,
        out: None,
    };
    let bad = |why: String| {
        PyTypeError::new_err(format!(
            "{op}() received an invalid combination of arguments - {why}"
        ))
    };
    let n = args.len();
    if n > 2 {
        return Err(bad(format!(
            "takes at most 2 positional arguments ({n} given)"
        )));
    }
    let mut given = [false; 2];
    for (k, v) in args.iter().enumerate() {
        given[k] = true;
        set_sort_arg(&mut a, ["dim", "descending"][k], &v).map_err(|e| bad(e.to_string()))?;
    }
    for (k, v) in kwargs.into_iter().flatten() {
        let key: String = k.extract()?;
        match key.as_str() {
            "dim" | "descending" => {
                let slot = usize::from(key == "descending");
                if given[slot] {
                    return Err(bad(format!("got multiple values for argument '{key}'")));
                }
                given[slot] = true;
            }
            "stable" => {
                if !v.is_none() {
                    v.extract::<bool>()
                        .map_err(|_| bad("argument 'stable' must be bool".into()))?;
                }
                a.stable = true;
                continue;
            }
            "out" => {
                a.out = Some(v);
                continue;
            }
            _ => return Err(bad(format!("got an unexpected keyword argument '{key}'"))),
        }
        set_sort_arg(&mut a, &key, &v).map_err(|e| bad(e.to_string()))?;
    }
    if a.stable && n > 0 {
        return Err(bad(
            "with 'stable' given, 'dim' and 'descending' are keyword-only".into(),
        ));
    }
    Ok(a)
}

fn set_sort_arg(a: &mut SortArgs<'_>, name: &str, v: &Bound<'_, PyAny>) -> PyResult<()> {
    if name == "dim" {
        a.dim = v
            .extract::<Int>()
            .map_err(|e| PyTypeError::new_err(format!("argument 'dim' {e}")))?
            .0;
    } else {
        a.descending = v
            .extract::<bool>()
            .map_err(|_| PyTypeError::new_err("argument 'descending' must be bool"))?;
    }
    Ok(())
}

#[pymethods]
impl PyTensor {
    /// sort(dim=-1, descending=False, *, stable=False, out=None) -> (Tensor, LongTensor)
    ///
    /// The elements along `dim` in ascending (or descending) order and where each came
    /// from; NaN sorts above every number, and equal elements keep their order.
    #[pyo3(signature = (*args, **kwargs))]
    fn sort<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let a = sort_args("sort", args, kwargs)?;
        let (dim, descending) = (a.dim, a.descending);
        // Every sort is stable (NOTE [ Sort order ]).
        self.pair_result(py, "sort", a.out.as_ref(), || {
            sort::sort(&self.t, dim, descending)
        })
    }

    /// argsort(dim=-1, descending=False, *, stable=False, out=None) -> LongTensor
    ///
    /// As PyTorch, `out=` comes only with `stable=` given (its out overload).
    #[pyo3(signature = (*args, **kwargs))]
    fn argsort<'py>(
        &self,
        py: Python<'py>,
        args: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> R {
        let a = sort_args("argsort", args, kwargs)?;
        let (dim, descending, out) = (a.dim, a.descending, a.out.as_ref());
        if !a.stable && out.is_some_and(|o| !o.is_none()) {
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
    #[pyo3(signature = (dim=Some(Int(NO_DIM)), keepdim=KeepDim(None), *, out=None), text_signature = "($self, dim=None, keepdim=False, *, out=None)")]
    fn median(
        &self,
        py: Python<'_>,
        dim: Option<Int>,
        keepdim: KeepDim,
        out: Out<'_, '_>,
    ) -> PyResult<Py<PyAny>> {
        let (dim, keepdim) = median_args("median", dim, keepdim)?;
        self.median_of(py, "median", dim, keepdim, out)
    }

    /// nanmedian(dim=None, keepdim=False, *, out=None) -> Tensor | (Tensor, LongTensor)
    ///
    /// `median` ignoring NaNs (NaN only where every element is NaN).
    #[pyo3(signature = (dim=Some(Int(NO_DIM)), keepdim=KeepDim(None), *, out=None), text_signature = "($self, dim=None, keepdim=False, *, out=None)")]
    fn nanmedian(
        &self,
        py: Python<'_>,
        dim: Option<Int>,
        keepdim: KeepDim,
        out: Out<'_, '_>,
    ) -> PyResult<Py<PyAny>> {
        let (dim, keepdim) = median_args("nanmedian", dim, keepdim)?;
        self.median_of(py, "nanmedian", dim, keepdim, out)
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

/// NOTE [ median's dim ]: PyTorch's global (nan)median takes no arguments and the other
/// overload an int dim, so an explicit `dim=None` (or `keepdim` without a dim) is a
/// TypeError; a default the caller cannot pass tells "no dim" from None.
const NO_DIM: i64 = i64::MIN;

/// median's `keepdim` as given: not at all (None), None (Some(None)) or a bool.
struct KeepDim(Option<Option<bool>>);

impl<'a, 'py> FromPyObject<'a, 'py> for KeepDim {
    type Error = PyErr;
    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_none() {
            return Ok(KeepDim(Some(None)));
        }
        match obj.cast::<pyo3::types::PyBool>() {
            Ok(b) => Ok(KeepDim(Some(Some(b.is_true())))),
            Err(_) => Err(PyTypeError::new_err(format!(
                "must be bool, not {}",
                obj.get_type().name()?
            ))),
        }
    }
}

fn median_args(name: &str, dim: Option<Int>, keepdim: KeepDim) -> PyResult<(Option<i64>, bool)> {
    match (dim, keepdim.0) {
        (None, _) => Err(PyTypeError::new_err(format!(
            "{name}(): argument 'dim' must be int, not NoneType"
        ))),
        (Some(Int(NO_DIM)), Some(_)) => Err(PyTypeError::new_err(format!(
            "{name}() missing 1 required positional arguments: \"dim\""
        ))),
        (Some(Int(NO_DIM)), None) => Ok((None, false)),
        (Some(_), Some(None)) => Err(PyTypeError::new_err(format!(
            "{name}(): argument 'keepdim' must be bool, not NoneType"
        ))),
        (Some(Int(d)), k) => Ok((Some(d), k.flatten().unwrap_or(false))),
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

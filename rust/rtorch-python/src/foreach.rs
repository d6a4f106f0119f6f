//! `rtorch._foreach_*`: the multi-tensor ops PyTorch's optimizers call with
//! `foreach=True` (`_foreach_add_(params, grads, alpha=-lr)`…); `_fused_*` optimizer
//! kernels join here. Each Python function is one closure over the engine's list op
//! (`rtorch::ops::foreach`), registered under its PyTorch name; the whole list runs as
//! one engine call, without the GIL when the lists are big.

use crate::convert::{scalar, tensor_list};
use crate::errors::IntoPy;
use crate::run;
use crate::tensor::{PyTensor, TensorOut};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict, PyTuple};
use rtorch::ops::foreach::{self, Addc, Operand};
use rtorch::{Scalar, Tensor};
use std::ffi::CString;

/// The one-input ops with a foreach form (PyTorch's set, less the ones rtorch lacks).
const UNARY: &[&str] = &[
    "abs",
    "acos",
    "asin",
    "atan",
    "ceil",
    "cos",
    "cosh",
    "erf",
    "erfc",
    "exp",
    "expm1",
    "floor",
    "frac",
    "log",
    "log10",
    "log1p",
    "log2",
    "neg",
    "reciprocal",
    "round",
    "rsqrt",
    "sigmoid",
    "sign",
    "sin",
    "sinh",
    "sqrt",
    "tan",
    "tanh",
    "trunc",
];

/// Arguments bound to `params` by position or keyword, PyTorch's TypeErrors otherwise.
fn bind<'py>(
    name: &str,
    args: &Bound<'py, PyTuple>,
    kwargs: Option<&Bound<'py, PyDict>>,
    params: &[&str],
    required: usize,
) -> PyResult<Vec<Option<Bound<'py, PyAny>>>> {
    if args.len() > params.len() {
        return Err(PyTypeError::new_err(format!(
            "{name}() takes at most {} arguments ({} given)",
            params.len(),
            args.len()
        )));
    }
    let mut out: Vec<Option<Bound<'py, PyAny>>> = args.iter().map(Some).collect();
    out.resize(params.len(), None);
    for (k, v) in kwargs.into_iter().flatten() {
        let k: String = k.extract()?;
        match params.iter().position(|p| *p == k) {
            Some(i) if out[i].is_none() => out[i] = Some(v),
            Some(_) => {
                return Err(PyTypeError::new_err(format!(
                    "{name}() got multiple values for argument '{k}'"
                )))
            }
            None => {
                return Err(PyTypeError::new_err(format!(
                    "{name}() got an unexpected keyword argument '{k}'"
                )))
            }
        }
    }
    if let Some(i) = (0..required).find(|&i| out[i].is_none()) {
        return Err(PyTypeError::new_err(format!(
            "{name}() missing required argument '{}' (pos {})",
            params[i],
            i + 1
        )));
    }
    Ok(out)
}

/// What a right-hand operand holds: the storage that `Operand` borrows from.
enum Held {
    List(Vec<Tensor>),
    Scalar(Scalar),
    Scalars(Vec<Scalar>),
    Tensor(Tensor),
}

impl Held {
    fn parse(name: &str, o: &Bound<'_, PyAny>) -> PyResult<Held> {
        if let Ok(t) = o.cast::<PyTensor>() {
            return Ok(Held::Tensor(t.get().t.clone()));
        }
        if let Some(s) = scalar(o)? {
            return Ok(Held::Scalar(s));
        }
        let items: Vec<Bound<'_, PyAny>> = match o.try_iter() {
            Ok(it) => it.collect::<PyResult<_>>()?,
            Err(_) => return Err(invalid(name, o)),
        };
        if items.first().is_some_and(|i| i.cast::<PyTensor>().is_ok()) {
            return Ok(Held::List(tensor_list(o)?));
        }
        let scalars = items
            .iter()
            .map(|i| scalar(i)?.ok_or_else(|| invalid(name, o)))
            .collect::<PyResult<_>>()?;
        Ok(Held::Scalars(scalars))
    }

    /// `value=`/`scalars` given as a 1-D tensor: one number per element, as PyTorch reads it.
    fn scalars_from_tensor(self) -> PyResult<Held> {
        match self {
            Held::Tensor(t) if t.ndim() == 1 => {
                let v = t.to_vec::<f64>().py()?;
                Ok(Held::Scalars(v.into_iter().map(Scalar::Float).collect()))
            }
            other => Ok(other),
        }
    }

    fn operand(&self) -> Operand<'_> {
        match self {
            Held::List(ts) => Operand::List(ts),
            Held::Scalar(s) => Operand::Scalar(*s),
            Held::Scalars(s) => Operand::Scalars(s),
            Held::Tensor(t) => Operand::Tensor(t),
        }
    }
}

fn invalid(name: &str, o: &Bound<'_, PyAny>) -> PyErr {
    let ty = o
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_default();
    PyTypeError::new_err(format!(
        "{name}() received an invalid combination of arguments - got (list, {ty})"
    ))
}

fn elems(lists: &[&[Tensor]]) -> usize {
    lists.iter().flat_map(|l| l.iter()).map(Tensor::numel).sum()
}

fn tuple_out(py: Python<'_>, ts: Vec<Tensor>) -> PyResult<Py<PyAny>> {
    let objs = ts
        .into_iter()
        .map(|t| TensorOut(t).into_pyobject(py))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(PyTuple::new(py, objs)?.into_any().unbind())
}

type Body = Box<
    dyn Fn(&'static str, &Bound<'_, PyTuple>, Option<&Bound<'_, PyDict>>) -> PyResult<Py<PyAny>>
        + Send
        + Sync,
>;

/// Registers `name` (e.g. `_foreach_add_`) with the Python signature `sig` as `body`.
fn add(m: &Bound<'_, PyModule>, name: String, sig: &str, doc: &str, body: Body) -> PyResult<()> {
    // CPython reads `__text_signature__` from a docstring that starts `name(sig)\n--\n\n`.
    let text = CString::new(format!("{name}{sig}\n--\n\n{doc}")).expect("no NUL");
    let cname: &'static std::ffi::CStr = Box::leak(
        CString::new(name.clone())
            .expect("no NUL")
            .into_boxed_c_str(),
    );
    let here: &'static str = Box::leak(name.into_boxed_str());
    let text: &'static std::ffi::CStr = Box::leak(text.into_boxed_c_str());
    let f = PyCFunction::new_closure(m.py(), Some(cname), Some(text), move |args, kwargs| {
        body(here, args, kwargs)
    })?;
    m.add(here, f)
}

fn binary(m: &Bound<'_, PyModule>, op: &'static str) -> PyResult<()> {
    for inplace in [false, true] {
        let name = format!("_foreach_{op}{}", if inplace { "_" } else { "" });
        let doc = format!(
            "`{op}` of each tensor of `self` with `other`: a list of tensors, a number, a \
             list of numbers or one tensor{}.",
            if inplace {
                ", in place; returns `self`"
            } else {
                ""
            }
        );
        let sig = if matches!(op, "add" | "sub") {
            "(self, other, *, alpha=1)"
        } else {
            "(self, other)"
        };
        add(
            m,
            name,
            sig,
            &doc,
            Box::new(move |name, args, kwargs| {
                let params: &[&str] = if matches!(op, "add" | "sub") {
                    &["self", "other", "alpha"]
                } else {
                    &["self", "other"]
                };
                let a = bind(name, args, kwargs, params, 2)?;
                let py = args.py();
                let xs_obj = a[0].as_ref().expect("required");
                let xs = tensor_list(xs_obj)?;
                let other = Held::parse(name, a[1].as_ref().expect("required"))?;
                let alpha = match a.get(2).and_then(|o| o.as_ref()) {
                    Some(o) => Some(crate::convert::scalar_req(o, "alpha")?),
                    None => None,
                };
                let n = elems(&[&xs]);
                if inplace {
                    run::engine(py, n, name, || {
                        foreach::binary_(op, &xs, other.operand(), alpha)
                    })?;
                    Ok(xs_obj.clone().unbind())
                } else {
                    let out = run::engine(py, n, name, || {
                        foreach::binary(op, &xs, other.operand(), alpha)
                    })?;
                    tuple_out(py, out)
                }
            }),
        )?;
    }
    Ok(())
}

fn unary(m: &Bound<'_, PyModule>, op: &'static str) -> PyResult<()> {
    for inplace in [false, true] {
        let name = format!("_foreach_{op}{}", if inplace { "_" } else { "" });
        let doc = format!(
            "`{op}` of each tensor of `self`{}.",
            if inplace {
                ", in place; returns `self`"
            } else {
                ""
            }
        );
        add(
            m,
            name,
            "(self)",
            &doc,
            Box::new(move |name, args, kwargs| {
                let a = bind(name, args, kwargs, &["self"], 1)?;
                let py = args.py();
                let xs_obj = a[0].as_ref().expect("required");
                let xs = tensor_list(xs_obj)?;
                let n = elems(&[&xs]);
                if inplace {
                    run::engine(py, n, name, || foreach::unary_(op, &xs))?;
                    Ok(xs_obj.clone().unbind())
                } else {
                    tuple_out(py, run::engine(py, n, name, || foreach::unary(op, &xs))?)
                }
            }),
        )?;
    }
    Ok(())
}

fn addc(m: &Bound<'_, PyModule>, op: Addc) -> PyResult<()> {
    let base = if op == Addc::Mul {
        "addcmul"
    } else {
        "addcdiv"
    };
    for inplace in [false, true] {
        let name = format!("_foreach_{base}{}", if inplace { "_" } else { "" });
        let doc =
            format!(
            "`self[i] + value * tensor1[i] {} tensor2[i]` for each i; `value` a number, a list \
             of numbers or a 1-D tensor of them{}.",
            if op == Addc::Mul { "*" } else { "/" },
            if inplace { ", in place; returns `self`" } else { "" }
        );
        add(
            m,
            name,
            "(self, tensor1, tensor2, value=1)",
            &doc,
            Box::new(move |name, args, kwargs| {
                let a = bind(
                    name,
                    args,
                    kwargs,
                    &["self", "tensor1", "tensor2", "value"],
                    3,
                )?;
                let py = args.py();
                let xs_obj = a[0].as_ref().expect("required");
                let xs = tensor_list(xs_obj)?;
                let t1 = tensor_list(a[1].as_ref().expect("required"))?;
                let t2 = tensor_list(a[2].as_ref().expect("required"))?;
                let v = match &a[3] {
                    Some(o) => Held::parse(name, o)?.scalars_from_tensor()?,
                    None => Held::Scalar(Scalar::Int(1)),
                };
                let n = elems(&[&xs, &t1, &t2]);
                if inplace {
                    run::engine(py, n, name, || {
                        foreach::addc_(op, &xs, &t1, &t2, v.operand())
                    })?;
                    Ok(xs_obj.clone().unbind())
                } else {
                    tuple_out(
                        py,
                        run::engine(py, n, name, || {
                            foreach::addc(op, &xs, &t1, &t2, v.operand())
                        })?,
                    )
                }
            }),
        )?;
    }
    Ok(())
}

fn lerp(m: &Bound<'_, PyModule>) -> PyResult<()> {
    for inplace in [false, true] {
        let name = format!("_foreach_lerp{}", if inplace { "_" } else { "" });
        let doc =
            format!(
            "`self[i] + weight * (tensors1[i] - self[i])` for each i; `weight` a number, a list \
             of numbers or a list of tensors{}.",
            if inplace { ", in place; returns `self`" } else { "" }
        );
        add(
            m,
            name,
            "(self, tensors1, weight)",
            &doc,
            Box::new(move |name, args, kwargs| {
                let a = bind(name, args, kwargs, &["self", "tensors1", "weight"], 3)?;
                let py = args.py();
                let xs_obj = a[0].as_ref().expect("required");
                let xs = tensor_list(xs_obj)?;
                let ends = tensor_list(a[1].as_ref().expect("required"))?;
                let w = Held::parse(name, a[2].as_ref().expect("required"))?;
                let n = elems(&[&xs, &ends]);
                if inplace {
                    run::engine(py, n, name, || foreach::lerp_(&xs, &ends, w.operand()))?;
                    Ok(xs_obj.clone().unbind())
                } else {
                    tuple_out(
                        py,
                        run::engine(py, n, name, || foreach::lerp(&xs, &ends, w.operand()))?,
                    )
                }
            }),
        )?;
    }
    Ok(())
}

fn others(m: &Bound<'_, PyModule>) -> PyResult<()> {
    add(
        m,
        "_foreach_zero_".into(),
        "(self)",
        "Fills each tensor of `self` with zeros; returns `self`.",
        Box::new(|name, args, kwargs| {
            let a = bind(name, args, kwargs, &["self"], 1)?;
            let xs_obj = a[0].as_ref().expect("required");
            let xs = tensor_list(xs_obj)?;
            run::engine(args.py(), elems(&[&xs]), name, || foreach::zero_(&xs))?;
            Ok(xs_obj.clone().unbind())
        }),
    )?;
    add(
        m,
        "_foreach_copy_".into(),
        "(self, src, non_blocking=False)",
        "Copies `src[i]` into `self[i]` for each i; returns `self`.",
        Box::new(|name, args, kwargs| {
            let a = bind(name, args, kwargs, &["self", "src", "non_blocking"], 2)?;
            let xs_obj = a[0].as_ref().expect("required");
            let xs = tensor_list(xs_obj)?;
            let src = tensor_list(a[1].as_ref().expect("required"))?;
            run::engine(args.py(), elems(&[&xs, &src]), name, || {
                foreach::copy_(&xs, &src)
            })?;
            Ok(xs_obj.clone().unbind())
        }),
    )?;
    add(
        m,
        "_foreach_norm".into(),
        "(self, ord=2, dtype=None)",
        "The `ord`-norm of each whole tensor of `self` (0-dim tensors).",
        Box::new(|name, args, kwargs| {
            let a = bind(name, args, kwargs, &["self", "ord", "dtype"], 1)?;
            let py = args.py();
            let xs = tensor_list(a[0].as_ref().expect("required"))?;
            let ord = match &a[1] {
                Some(o) => o.extract::<f64>()?,
                None => 2.0,
            };
            let xs = match &a[2] {
                Some(d) if !d.is_none() => xs
                    .iter()
                    .map(|x| crate::tensor::reduce::norm_input(py, x, Some(d)))
                    .collect::<PyResult<Vec<_>>>()?,
                _ => xs,
            };
            tuple_out(
                py,
                run::engine(py, elems(&[&xs]), name, || foreach::norm(&xs, ord))?,
            )
        }),
    )?;
    Ok(())
}

/// Adds the `_foreach_*` functions to `m`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    for op in foreach::BINARY {
        binary(m, op)?;
    }
    for op in UNARY {
        unary(m, op)?;
    }
    addc(m, Addc::Mul)?;
    addc(m, Addc::Div)?;
    lerp(m)?;
    others(m)
}

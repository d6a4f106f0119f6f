//! The `add*` BLAS family, `beta * input + alpha * op(a, b)`, as tensor methods and as
//! `rtorch` functions, with the 2018 positional overloads (a number first) that torch 2.x
//! still accepts with a deprecation warning.

use crate::convert;
use crate::out::with_out;
use crate::tensor::math::scalar_or_default;
use crate::tensor::{PyTensor, R};
use pyo3::exceptions::{PyTypeError, PyUserWarning};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use rtorch::ops::addmm;
use rtorch::{Result, Scalar, Tensor};
use std::ffi::CString;
use std::sync::atomic::{AtomicBool, Ordering};

type BlasFn = fn(&Tensor, &Tensor, &Tensor, Scalar, Scalar) -> Result<Tensor>;

/// Names of one op of the family: the op and its two operands (`mat1`, `mat2`…).
struct Family {
    name: &'static str,
    a: &'static str,
    b: &'static str,
    f: BlasFn,
}

const ADDMM: Family = Family {
    name: "addmm",
    a: "mat1",
    b: "mat2",
    f: addmm::addmm,
};
const ADDMV: Family = Family {
    name: "addmv",
    a: "mat",
    b: "vec",
    f: addmm::addmv,
};
const ADDR: Family = Family {
    name: "addr",
    a: "vec1",
    b: "vec2",
    f: addmm::addr,
};
const ADDBMM: Family = Family {
    name: "addbmm",
    a: "batch1",
    b: "batch2",
    f: addmm::addbmm,
};
const BADDBMM: Family = Family {
    name: "baddbmm",
    a: "batch1",
    b: "batch2",
    f: addmm::baddbmm,
};

type Arg<'a, 'py> = Option<&'a Bound<'py, PyAny>>;

fn invalid(op: &Family, got: &[Arg<'_, '_>]) -> PyErr {
    let names: Vec<String> = got
        .iter()
        .flatten()
        .map(|o| {
            o.get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        })
        .collect();
    PyTypeError::new_err(format!(
        "{}() received an invalid combination of arguments - got ({})",
        op.name,
        names.join(", ")
    ))
}

fn tensor<'a, 'py>(o: &'a Bound<'py, PyAny>, op: &Family) -> PyResult<&'a Bound<'py, PyTensor>> {
    o.cast::<PyTensor>().map_err(|_| invalid(op, &[Some(o)]))
}

/// Set once a deprecated overload has warned: torch warns once per process for all of them.
static WARNED: AtomicBool = AtomicBool::new(false);

fn deprecated(py: Python<'_>, op: &Family, old: &str, new: &str) -> PyResult<()> {
    if WARNED.swap(true, Ordering::Relaxed) {
        return Ok(());
    }
    let msg = format!(
        "This overload of {0} is deprecated:\n\t{0}({old})\nConsider using one of the following signatures instead:\n\t{0}({new})",
        op.name
    );
    let msg = CString::new(msg).expect("no NUL in a signature");
    PyErr::warn(py, &py.get_type::<PyUserWarning>(), &msg, 1)
}

type Resolved<'a, 'py> = (
    &'a Bound<'py, PyTensor>,
    &'a Bound<'py, PyTensor>,
    Scalar,
    Scalar,
);

/// A 2018 overload resolved to `(a, b, beta, alpha)`, after its warning (`old` is the
/// deprecated signature, `new` the one to use; alpha is 1 when the overload has none).
fn legacy<'a, 'py>(
    op: &Family,
    beta: &'a Bound<'py, PyAny>,
    alpha: Option<&'a Bound<'py, PyAny>>,
    (a, b): (&'a Bound<'py, PyAny>, &'a Bound<'py, PyAny>),
    old: &str,
    new: &str,
) -> PyResult<Resolved<'a, 'py>> {
    deprecated(beta.py(), op, old, new)?;
    let alpha = match alpha {
        Some(al) => convert::scalar_req(al, "alpha")?,
        None => Scalar::Int(1),
    };
    let beta = convert::scalar_req(beta, "beta")?;
    Ok((tensor(a, op)?, tensor(b, op)?, beta, alpha))
}

/// `(a, b, beta, alpha)` of a method call: `self.addmm(mat1, mat2, *, beta, alpha)`, or the
/// 2018 forms `self.addmm(beta, mat1, mat2)` and `self.addmm(beta, alpha, mat1, mat2)`.
fn method_args<'a, 'py>(
    op: &Family,
    pos: [Arg<'a, 'py>; 4],
    beta: Arg<'a, 'py>,
    alpha: Arg<'a, 'py>,
) -> PyResult<Resolved<'a, 'py>> {
    let first = pos[0].expect("the first argument is required");
    if let Ok(a) = first.cast::<PyTensor>() {
        if pos[2].is_some() || pos[3].is_some() {
            return Err(invalid(op, &pos));
        }
        let b = tensor(pos[1].expect("the second argument is required"), op)?;
        let beta = scalar_or_default(beta, "beta", Scalar::Int(1))?;
        let alpha = scalar_or_default(alpha, "alpha", Scalar::Int(1))?;
        return Ok((a, b, beta, alpha));
    }
    if convert::scalar(first)?.is_none() || beta.is_some() || alpha.is_some() {
        return Err(invalid(op, &pos));
    }
    let (na, nb) = (op.a, op.b);
    let new = format!("Tensor {na}, Tensor {nb}, *, Number beta = 1, Number alpha = 1");
    match pos {
        [Some(beta), Some(alpha), Some(a), Some(b)] => {
            let old = format!("Number beta, Number alpha, Tensor {na}, Tensor {nb}");
            legacy(op, beta, Some(alpha), (a, b), &old, &new)
        }
        [Some(beta), Some(a), Some(b), None] => {
            let old = format!("Number beta, Tensor {na}, Tensor {nb}");
            legacy(op, beta, None, (a, b), &old, &new)
        }
        _ => Err(invalid(op, &pos)),
    }
}

fn call(
    py: Python<'_>,
    op: &Family,
    input: &Tensor,
    a: &Tensor,
    b: &Tensor,
    beta: Scalar,
    alpha: Scalar,
) -> R {
    let work = a
        .numel()
        .saturating_mul(b.shape().last().copied().unwrap_or(1));
    crate::ok!(py, work, || (op.f)(input, a, b, beta, alpha))
}

fn method<'py>(
    slf: &PyTensor,
    op: &Family,
    pos: [Arg<'_, 'py>; 4],
    beta: Arg<'_, 'py>,
    alpha: Arg<'_, 'py>,
) -> R {
    let (a, b, beta, alpha) = method_args(op, pos, beta, alpha)?;
    call(a.py(), op, &slf.t, &a.get().t, &b.get().t, beta, alpha)
}

/// A function call: `addmm(input, mat1, mat2, *, beta, alpha)` (`out=` is handled by the
/// caller), or the 2018 forms
/// `addmm(beta, input, mat1, mat2)` and `addmm(beta, input, alpha, mat1, mat2)`.
fn function<'py>(
    op: &Family,
    pos: [Arg<'_, 'py>; 5],
    beta: Arg<'_, 'py>,
    alpha: Arg<'_, 'py>,
) -> R {
    let first = pos[0].expect("the first argument is required");
    if let Ok(input) = first.cast::<PyTensor>() {
        if pos[3].is_some() || pos[4].is_some() {
            return Err(invalid(op, &pos));
        }
        return method(input.get(), op, [pos[1], pos[2], None, None], beta, alpha);
    }
    if convert::scalar(first)?.is_none() || beta.is_some() || alpha.is_some() {
        return Err(invalid(op, &pos));
    }
    let (na, nb) = (op.a, op.b);
    let new = format!(
        "Tensor input, Tensor {na}, Tensor {nb}, *, Number beta = 1, Number alpha = 1, Tensor out = None"
    );
    let (input, (a, b, beta, alpha)) = match pos {
        [_, Some(input), Some(alpha), Some(a), Some(b)] => {
            let old = format!("Number beta, Tensor input, Number alpha, Tensor {na}, Tensor {nb}, *, Tensor out = None");
            (input, legacy(op, first, Some(alpha), (a, b), &old, &new)?)
        }
        [_, Some(input), Some(a), Some(b), None] => {
            let old = format!(
                "Number beta, Tensor input, Tensor {na}, Tensor {nb}, *, Tensor out = None"
            );
            (input, legacy(op, first, None, (a, b), &old, &new)?)
        }
        _ => return Err(invalid(op, &pos)),
    };
    let input = tensor(input, op)?;
    call(
        first.py(),
        op,
        &input.get().t,
        &a.get().t,
        &b.get().t,
        beta,
        alpha,
    )
}

macro_rules! blas_family {
    ($($name:ident => $op:ident, $fsig:literal, $msig:literal;)*) => {
        #[pymethods]
        impl PyTensor {
            $(
                #[pyo3(signature = (p1, p2, *rest, beta=None, alpha=None), text_signature = $msig)]
                #[doc = doc_blas!($name)]
                fn $name<'py>(
                    &self,
                    p1: &Bound<'py, PyAny>,
                    p2: &Bound<'py, PyAny>,
                    rest: &Bound<'py, PyTuple>,
                    beta: Arg<'_, 'py>,
                    alpha: Arg<'_, 'py>,
                ) -> R {
                    let rest: Vec<Bound<'py, PyAny>> = rest.iter().collect();
                    let pos = [Some(p1), Some(p2), rest.first(), rest.get(1)];
                    if rest.len() > 2 {
                        return Err(invalid(&$op, &pos));
                    }
                    method(self, &$op, pos, beta, alpha)
                }
            )*
        }

        /// The module-level functions (`rtorch.addmm`…).
        pub mod functions {
            use super::*;
            $(
                #[pyfunction]
                #[pyo3(signature = (p1, p2, *rest, beta=None, alpha=None, out=None), text_signature = $fsig)]
                #[doc = doc_blas!($name)]
                pub fn $name<'py>(
                    p1: &Bound<'py, PyAny>,
                    p2: &Bound<'py, PyAny>,
                    rest: &Bound<'py, PyTuple>,
                    beta: Arg<'_, 'py>,
                    alpha: Arg<'_, 'py>,
                    out: Arg<'_, 'py>,
                ) -> R {
                    let rest: Vec<Bound<'py, PyAny>> = rest.iter().collect();
                    let pos = [Some(p1), Some(p2), rest.first(), rest.get(1), rest.get(2)];
                    if rest.len() > 3 {
                        return Err(invalid(&$op, &pos));
                    }
                    let inputs: Vec<Tensor> = pos
                        .iter()
                        .flatten()
                        .filter_map(|p| p.cast::<PyTensor>().ok().map(|t| t.get().t.clone()))
                        .collect();
                    let refs: Vec<&Tensor> = inputs.iter().collect();
                    with_out(p1.py(), $op.name, &refs, out, || function(&$op, pos, beta, alpha))
                }
            )*
        }
    };
}

// NOTE: the bindings take `(p1, p2, *rest)` to also accept the 2018 positional forms;
// the text signatures show the 2.x form, which is the one to write.
blas_family! {
    addmm => ADDMM,
        "(input, mat1, mat2, *, beta=1, alpha=1, out=None)",
        "($self, mat1, mat2, *, beta=1, alpha=1)";
    addmv => ADDMV,
        "(input, mat, vec, *, beta=1, alpha=1, out=None)",
        "($self, mat, vec, *, beta=1, alpha=1)";
    addr => ADDR,
        "(input, vec1, vec2, *, beta=1, alpha=1, out=None)",
        "($self, vec1, vec2, *, beta=1, alpha=1)";
    addbmm => ADDBMM,
        "(input, batch1, batch2, *, beta=1, alpha=1, out=None)",
        "($self, batch1, batch2, *, beta=1, alpha=1)";
    baddbmm => BADDBMM,
        "(input, batch1, batch2, *, beta=1, alpha=1, out=None)",
        "($self, batch1, batch2, *, beta=1, alpha=1)";
}

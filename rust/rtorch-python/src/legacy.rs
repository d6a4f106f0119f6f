//! PyTorch's deprecated positional overloads that 2018-era code still calls:
//! `p.data.add_(-lr, grad)` (`add(Number alpha, Tensor other)`), `x.sub(2, y)` and
//! `addcmul_(value, t1, t2)`. The argument parser takes them with a one-time
//! UserWarning naming the overload; each binding only reorders its arguments here.
use pyo3::exceptions::{PyTypeError, PyUserWarning};
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyInt};
use std::ffi::CString;
use std::sync::atomic::{AtomicBool, Ordering};

/// NOTE: PyTorch warns once per process for all deprecated overloads together (one
/// warn-once site in its argument parser), so one flag serves them all.
static WARNED: AtomicBool = AtomicBool::new(false);

fn warn(py: Python<'_>, name: &str, old: &str, new: &str) -> PyResult<()> {
    if WARNED.swap(true, Ordering::Relaxed) {
        return Ok(());
    }
    let msg = format!(
        "This overload of {name} is deprecated:\n\t{name}({old})\nConsider using one of the following signatures instead:\n\t{name}({new})"
    );
    let msg = CString::new(msg).expect("no NUL in a signature");
    PyErr::warn(py, &py.get_type::<PyUserWarning>(), &msg, 1)
}

/// The deprecated overloads lead with a Python number; anything else there matches no
/// overload, which PyTorch reports as one positional argument too many.
fn number_or_too_many(name: &str, first: &Bound<'_, PyAny>, takes: usize) -> PyResult<()> {
    if first.is_instance_of::<PyInt>() || first.is_instance_of::<PyFloat>() {
        return Ok(());
    }
    Err(PyTypeError::new_err(format!(
        "{name}() takes {takes} positional arguments but {} were given",
        takes + 1
    )))
}

/// How the caller was reached: as a method (`x.add(...)`) or as `rtorch.add(x, ...)`,
/// whose deprecated signature also names `input` and `out`.
#[derive(Clone, Copy)]
pub enum Form {
    Method,
    Function,
}

/// `(other, alpha)` of `add`/`sub`: the deprecated `(alpha, other)` when a second
/// positional argument came, else as given.
pub fn alpha_first<'a, 'py>(
    name: &str,
    form: Form,
    first: &'a Bound<'py, PyAny>,
    second: Option<&'a Bound<'py, PyAny>>,
    alpha: Option<&'a Bound<'py, PyAny>>,
) -> PyResult<(&'a Bound<'py, PyAny>, Option<&'a Bound<'py, PyAny>>)> {
    let Some(second) = second else {
        return Ok((first, alpha));
    };
    let given = match form {
        Form::Method => 1,
        Form::Function => 2,
    };
    number_or_too_many(name, first, given)?;
    if alpha.is_some() {
        return Err(PyTypeError::new_err(format!(
            "{name}() received an invalid combination of arguments - got unrecognized keyword arguments: alpha"
        )));
    }
    let (old, new) = match form {
        Form::Method => (
            "Number alpha, Tensor other".to_string(),
            "Tensor other, *, Number alpha = 1".to_string(),
        ),
        Form::Function => (
            "Tensor input, Number alpha, Tensor other, *, Tensor out = None".to_string(),
            "Tensor input, Tensor other, *, Number alpha = 1, Tensor out = None".to_string(),
        ),
    };
    warn(first.py(), name, &old, &new)?;
    Ok((second, Some(first)))
}

/// The deprecation warning of `name`'s `(value, tensor1, tensor2)` overload.
fn warn_value_first(py: Python<'_>, name: &str) -> PyResult<()> {
    warn(
        py,
        name,
        "Number value, Tensor tensor1, Tensor tensor2",
        "Tensor tensor1, Tensor tensor2, *, Number value = 1",
    )
}

/// `(tensor1, tensor2, value)` of `addcmul`/`addcdiv`: the deprecated `(value, tensor1,
/// tensor2)` when a third positional argument came.
#[allow(clippy::type_complexity)]
pub fn value_first<'a, 'py>(
    name: &str,
    first: &'a Bound<'py, PyAny>,
    second: &'a Bound<'py, PyAny>,
    third: Option<&'a Bound<'py, PyAny>>,
    value: Option<&'a Bound<'py, PyAny>>,
) -> PyResult<(
    &'a Bound<'py, PyAny>,
    &'a Bound<'py, PyAny>,
    Option<&'a Bound<'py, PyAny>>,
)> {
    let Some(third) = third else {
        return Ok((first, second, value));
    };
    number_or_too_many(name, first, 2)?;
    if value.is_some() {
        return Err(PyTypeError::new_err(format!(
            "{name}() received an invalid combination of arguments - got unrecognized keyword arguments: value"
        )));
    }
    warn_value_first(first.py(), name)?;
    Ok((second, third, Some(first)))
}

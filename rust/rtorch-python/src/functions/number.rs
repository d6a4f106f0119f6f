//! The arithmetic functions that PyTorch also lets take a Python number as `input`
//! (`rtorch.add(2, x)`): the methods, with the number made a tensor first by
//! `rtorch._number_input` (which promotes as PyTorch's wrapped number does).
use crate::out::Out;
use crate::tensor::{PyTensor, R};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::IntoPyDict;

/// `input` as a tensor, after checking `out` (PyTorch's parser rejects a non-tensor
/// `out` before looking at the number).
fn tensor_input<'py>(
    name: &str,
    input: &Bound<'py, PyAny>,
    other: &Bound<'py, PyAny>,
    out: Out<'_, '_>,
    with_number: bool,
    true_division: bool,
) -> PyResult<Bound<'py, PyTensor>> {
    crate::out::out_tensor(out, name)?;
    if let Ok(t) = input.cast::<PyTensor>() {
        return Ok(t.clone());
    }
    static NUMBER_INPUT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let py = input.py();
    let f = NUMBER_INPUT.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py.import("rtorch")?.getattr("_number_input")?.unbind())
    })?;
    let kw = [
        ("with_number", with_number),
        ("true_division", true_division),
    ];
    Ok(f.bind(py)
        .call((name, input, other), Some(&kw.into_py_dict(py)?))?
        .cast_into::<PyTensor>()?)
}

#[pyfunction]
#[pyo3(signature = (input, other, legacy_other=None, *, alpha=None, out=None))]
#[doc = doc_binary!(add)]
pub fn add(
    input: &Bound<'_, PyAny>,
    other: &Bound<'_, PyAny>,
    legacy_other: Option<&Bound<'_, PyAny>>,
    alpha: Option<&Bound<'_, PyAny>>,
    out: Out<'_, '_>,
) -> R {
    let (other, alpha) = crate::legacy::alpha_first(
        "add",
        crate::legacy::Form::Function,
        other,
        legacy_other,
        alpha,
    )?;
    tensor_input("add", input, other, out, true, false)?
        .get()
        .add(other, None, alpha, out)
}

#[pyfunction]
#[pyo3(signature = (input, other, legacy_other=None, *, alpha=None, out=None))]
#[doc = doc_binary!(sub)]
pub fn sub(
    input: &Bound<'_, PyAny>,
    other: &Bound<'_, PyAny>,
    legacy_other: Option<&Bound<'_, PyAny>>,
    alpha: Option<&Bound<'_, PyAny>>,
    out: Out<'_, '_>,
) -> R {
    let (other, alpha) = crate::legacy::alpha_first(
        "sub",
        crate::legacy::Form::Function,
        other,
        legacy_other,
        alpha,
    )?;
    tensor_input("sub", input, other, out, true, false)?
        .get()
        .sub(other, None, alpha, out)
}

#[pyfunction]
#[pyo3(signature = (input, other, *, rounding_mode=None, out=None))]
#[doc = doc_binary!(div)]
pub fn div(
    input: &Bound<'_, PyAny>,
    other: &Bound<'_, PyAny>,
    rounding_mode: Option<&str>,
    out: Out<'_, '_>,
) -> R {
    let t = tensor_input("div", input, other, out, true, rounding_mode.is_none())?;
    t.get().div(other, rounding_mode, out)
}

#[pyfunction]
#[pyo3(signature = (input, exponent, *, out=None))]
#[doc = doc_binary!(pow)]
pub fn pow(input: &Bound<'_, PyAny>, exponent: &Bound<'_, PyAny>, out: Out<'_, '_>) -> R {
    tensor_input("pow", input, exponent, out, false, false)?
        .get()
        .pow(exponent, out)
}

macro_rules! number_first {
    ($($name:ident($with_number:expr);)*) => {
        $(
            #[pyfunction]
            #[pyo3(signature = (input, other, *, out=None))]
            #[doc = doc_binary!($name)]
            pub fn $name(input: &Bound<'_, PyAny>, other: &Bound<'_, PyAny>, out: Out<'_, '_>) -> R {
                let name = stringify!($name);
                tensor_input(name, input, other, out, $with_number, false)?.get().$name(other, out)
            }
        )*
        pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
            m.add_function(wrap_pyfunction!(add, m)?)?;
            m.add_function(wrap_pyfunction!(sub, m)?)?;
            m.add_function(wrap_pyfunction!(div, m)?)?;
            m.add_function(wrap_pyfunction!(pow, m)?)?;
            $( m.add_function(wrap_pyfunction!($name, m)?)?; )*
            Ok(())
        }
    };
}

number_first! {
    mul(true);
    floor_divide(true);
    remainder(false);
    bitwise_and(false);
    bitwise_or(false);
    bitwise_xor(false);
    bitwise_left_shift(false);
    bitwise_right_shift(false);
}

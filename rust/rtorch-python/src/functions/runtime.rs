//! `rtorch` functions about dtypes, promotion and global state: `result_type`,
//! `promote_types`, `can_cast`, the default dtype, threads, CUDA availability, the op list.

use crate::convert::{self, operand_req};
use crate::errors::IntoPy;
use crate::tensor::R;
use crate::types::{dtype_obj, PyDType};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use rtorch::ops::binary;

#[pyfunction]
#[doc = doc_functions!(result_type)]
pub fn result_type(
    py: Python<'_>,
    tensor: &Bound<'_, PyAny>,
    other: &Bound<'_, PyAny>,
) -> PyResult<Py<PyDType>> {
    let a = operand_req(tensor, "result_type", "tensor")?;
    let b = operand_req(other, "result_type", "other")?;
    Ok(dtype_obj(py, binary::result_type(&[&a, &b])))
}

#[pyfunction]
#[doc = doc_functions!(promote_types)]
pub fn promote_types(
    py: Python<'_>,
    type1: &Bound<'_, PyDType>,
    type2: &Bound<'_, PyDType>,
) -> Py<PyDType> {
    dtype_obj(
        py,
        rtorch::dtype::promote_types(type1.get().dtype, type2.get().dtype),
    )
}

#[pyfunction]
#[doc = doc_functions!(can_cast)]
pub fn can_cast(from_: &Bound<'_, PyDType>, to: &Bound<'_, PyDType>) -> bool {
    binary::can_cast(from_.get().dtype, to.get().dtype)
}

#[pyfunction]
#[doc = doc_functions!(set_default_dtype)]
pub fn set_default_dtype(d: &Bound<'_, PyAny>) -> PyResult<()> {
    let dt =
        convert::dtype(Some(d))?.ok_or_else(|| PyTypeError::new_err("dtype must not be None"))?;
    rtorch::ops::set_default_float(dt).py()
}

#[pyfunction]
#[doc = doc_functions!(get_default_dtype)]
pub fn get_default_dtype(py: Python<'_>) -> Py<PyDType> {
    dtype_obj(py, rtorch::ops::default_float())
}

#[pyfunction]
#[doc = doc_functions!(set_num_threads)]
pub fn set_num_threads(n: i64) -> PyResult<()> {
    if n <= 0 {
        return Err(PyRuntimeError::new_err(
            "set_num_threads expects a positive integer",
        ));
    }
    rtorch::parallel::set_num_threads(n as usize);
    Ok(())
}

#[pyfunction]
#[doc = doc_functions!(get_num_threads)]
pub fn get_num_threads() -> usize {
    rtorch::parallel::get_num_threads()
}

#[pyfunction]
#[doc = doc_functions!(get_num_interop_threads)]
pub fn get_num_interop_threads() -> usize {
    rtorch::parallel::get_num_interop_threads()
}

#[pyfunction]
#[doc = doc_functions!(set_num_interop_threads)]
pub fn set_num_interop_threads(n: i64) -> PyResult<()> {
    if n <= 0 {
        return Err(PyRuntimeError::new_err(
            "set_num_interop_threads expects a positive integer",
        ));
    }
    rtorch::parallel::set_num_interop_threads(n as usize).py()
}

#[pyfunction]
#[doc = doc_functions!(cuda_is_available)]
pub fn cuda_is_available() -> bool {
    rtorch::device::cuda_is_available()
}

#[pyfunction]
#[doc = doc_functions!(cuda_device_count)]
pub fn cuda_device_count() -> usize {
    rtorch::device::cuda_device_count()
}

// The engine's op registry, for the generic tests.
#[pyfunction]
#[doc = doc_functions!(list_ops)]
pub fn list_ops(py: Python<'_>) -> PyResult<Vec<Py<PyAny>>> {
    rtorch::ops::registry()
        .map(|op| {
            let d = pyo3::types::PyDict::new(py);
            d.set_item("name", op.name)?;
            d.set_item("kind", format!("{:?}", op.kind).to_lowercase())?;
            d.set_item("differentiable", op.differentiable)?;
            Ok(d.into_any().unbind())
        })
        .collect()
}

#[pyfunction]
pub fn _is_number(o: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(convert::scalar(o)?.is_some())
}

/// Panics inside an op binding, for the test that a Rust panic reaches Python as a
/// RuntimeError naming the op (`ok!`).
#[pyfunction]
#[allow(unreachable_code, reason = "the op body is the panic")]
pub fn _test_panic(message: &str) -> R {
    crate::ok!(panic!("{message}"))
}

/// The instruction-set path of the vector float kernels: 'avx512', 'avx2', 'neon' or
/// 'baseline' (`RTORCH_ISA` can force one; NOTE [ SIMD dispatch ]).
#[pyfunction]
pub fn _cpu_isa() -> &'static str {
    rtorch::backend::cpu::simd::isa().name()
}

/// Adds this file's functions to `m`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    crate::add_functions!(
        m,
        result_type,
        promote_types,
        can_cast,
        set_default_dtype,
        get_default_dtype,
        set_num_threads,
        get_num_threads,
        get_num_interop_threads,
        set_num_interop_threads,
        cuda_is_available,
        cuda_device_count,
        list_ops,
        _is_number,
        _test_panic,
        _cpu_isa,
    );
    Ok(())
}

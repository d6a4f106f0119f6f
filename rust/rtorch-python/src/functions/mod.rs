//! `rtorch._C`'s module-level functions (`rtorch.zeros`, `rtorch.cat`…), one file per
//! family; this file holds the argument helpers they share and registers them all.

mod creation;
mod distributions;
mod joining;
pub mod number;
pub mod random;
mod runtime;
mod shape;
mod sorting;

use crate::errors::IntoPy;
use crate::options::{Raw, TensorOptions};
use crate::out::with_out;
use crate::tensor::{PyTensor, R};
use pyo3::prelude::*;
use rtorch::{DType, Tensor};

/// The options of a factory with `out=`: a missing `dtype=` is the out tensor's, as in
/// PyTorch.
pub(crate) fn options_with_out(
    op: &str,
    out: Option<&Bound<'_, PyAny>>,
    raw: Raw<'_, '_>,
) -> PyResult<TensorOptions> {
    let mut o = TensorOptions::parse(op, raw)?;
    o.dtype = o.dtype.or(out_dtype(out, op)?);
    Ok(o)
}

/// A factory's `out=`: its dtype stands in for a missing `dtype=`, as in PyTorch.
pub(crate) fn out_dtype(out: Option<&Bound<'_, PyAny>>, op: &str) -> PyResult<Option<DType>> {
    Ok(crate::out::out_tensor(out, op)?.map(|o| o.get().t.dtype()))
}

/// `finish`, or with `out=` the result written into it.
pub(crate) fn finish_out(
    op: &str,
    out: Option<&Bound<'_, PyAny>>,
    t: Tensor,
    requires_grad: bool,
) -> R {
    match out {
        Some(o) if !o.is_none() => with_out(o.py(), op, &[], Some(o), || finish(t, requires_grad)),
        _ => finish(t, requires_grad),
    }
}

/// Applies `requires_grad=` of a factory.
pub(crate) fn finish(t: Tensor, requires_grad: bool) -> R {
    if requires_grad {
        t.set_requires_grad(true).py()?;
    }
    Ok(PyTensor::wrap(t))
}

/// Adds every module-level function of `rtorch._C` to `m`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    creation::register(m)?;
    joining::register(m)?;
    runtime::register(m)?;
    random::register(m)?;
    distributions::register(m)?;
    number::register(m)?;
    shape::register(m)?;
    sorting::register(m)?;
    crate::add_functions!(
        m,
        crate::tensor::blas::functions::addmm,
        crate::tensor::blas::functions::addmv,
        crate::tensor::blas::functions::addr,
        crate::tensor::blas::functions::addbmm,
        crate::tensor::blas::functions::baddbmm,
        crate::out::_write_out,
    );
    Ok(())
}

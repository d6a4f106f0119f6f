//! `rtorch._C`'s module-level functions (`rtorch.zeros`, `rtorch.cat`…), one file per
//! family; this file holds the argument helpers they share and registers them all.

mod creation;
mod joining;
pub mod number;
pub mod random;
mod runtime;

use crate::convert::{self};
use crate::errors::IntoPy;
use crate::out::with_out;
use crate::tensor::{PyTensor, R};
use crate::types::dtype_obj;
use pyo3::prelude::*;
use rtorch::{DType, Device, Tensor};

/// The `device=` of a factory: where its result is allocated (the engine raises PyTorch's
/// errors for a device it cannot allocate on, so nothing lands silently on the CPU).
pub(crate) fn target_device(device: Option<&Bound<'_, PyAny>>) -> PyResult<Device> {
    Ok(convert::device(device)?.unwrap_or(Device::Cpu))
}

/// The `device=` of a `*_like` factory: the input's own device unless one is given.
pub(crate) fn like_device(input: &Tensor, device: Option<&Bound<'_, PyAny>>) -> PyResult<Device> {
    Ok(convert::device(device)?.unwrap_or(input.device()))
}

/// A factory's `out=`: its dtype stands in for a missing `dtype=`, as in PyTorch.
pub(crate) fn out_dtype<'py>(
    out: Option<&Bound<'py, PyAny>>,
    op: &str,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    Ok(crate::out::out_tensor(out, op)?.map(|o| {
        dtype_obj(o.py(), o.get().t.dtype())
            .into_bound(o.py())
            .into_any()
    }))
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

pub(crate) fn factory_dtype(dtype: Option<&Bound<'_, PyAny>>) -> PyResult<DType> {
    Ok(convert::dtype(dtype)?.unwrap_or_else(rtorch::ops::default_float))
}

/// Adds every module-level function of `rtorch._C` to `m`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    creation::register(m)?;
    joining::register(m)?;
    runtime::register(m)?;
    random::register(m)?;
    number::register(m)?;
    crate::add_functions!(
        m,
        crate::tensor::blas::functions::addmm,
        crate::tensor::blas::functions::addmv,
        crate::tensor::blas::functions::addr,
        crate::tensor::blas::functions::addbmm,
        crate::tensor::blas::functions::baddbmm,
    );
    Ok(())
}

//! `rtorch` factories and conversions: `tensor`, `as_tensor`, `from_numpy`, `zeros`/`ones`/
//! `empty`/`full` and their `*_like`, `arange`, `linspace`, `logspace`, `eye`.

use super::*;
use crate::convert::{self};
use crate::errors::IntoPy;
use crate::options;
use crate::tensor::{PyTensor, R};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use rtorch::ops::factory;
use rtorch::{DType, Scalar, Tensor};

#[pyfunction]
#[pyo3(signature = (data, *, dtype=None, device=None, requires_grad=false, pin_memory=false))]
pub fn tensor(
    data: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    pin_memory: bool,
) -> R {
    options::pin_memory(pin_memory)?;
    let device = target_device(device)?;
    let t = convert::tensor_from_data(data, convert::dtype(dtype)?)?;
    finish(rtorch::backend::to_device(&t, device).py()?, requires_grad)
}

#[pyfunction]
#[pyo3(signature = (data, dtype=None, device=None))]
pub fn as_tensor(
    data: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> R {
    let device = convert::device(device)?;
    let dt = convert::dtype(dtype)?;
    let moved = |t: Tensor| rtorch::backend::to_device(&t, device.unwrap_or(t.device()));
    if let Ok(t) = data.cast::<PyTensor>() {
        let t = &t.get().t;
        return crate::ok!(rtorch::ops::cast::to_dtype(t, dt.unwrap_or(t.dtype())).and_then(moved));
    }
    if data.hasattr("__array_interface__")? {
        if let Ok(t) = convert::from_numpy(data, false) {
            return crate::ok!(
                rtorch::ops::cast::to_dtype(&t, dt.unwrap_or(t.dtype())).and_then(moved)
            );
        }
    }
    crate::ok!(moved(convert::tensor_from_data(data, dt)?))
}

#[pyfunction]
pub fn from_numpy(arr: &Bound<'_, PyAny>) -> R {
    if !arr.hasattr("__array_interface__")? {
        return Err(PyTypeError::new_err(format!(
            "expected np.ndarray (got {})",
            arr.get_type().name()?
        )));
    }
    Ok(PyTensor::wrap(convert::from_numpy(arr, false)?))
}

#[pyfunction]
#[pyo3(signature = (*size, dtype=None, device=None, requires_grad=false, layout=None, out=None))]
pub fn zeros(
    size: &Bound<'_, PyTuple>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    layout: Option<&Bound<'_, PyAny>>,
    out: Option<&Bound<'_, PyAny>>,
) -> R {
    let out_dt = out_dtype(out, "zeros")?;
    let dtype = dtype.or(out_dt.as_ref());
    options::layout("zeros", layout)?;
    let device = target_device(device)?;
    let s = convert::usizes(&convert::sizes_req(size, "zeros", "size")?, "zeros")?;
    finish_out(
        "zeros",
        out,
        {
            let dt = factory_dtype(dtype)?;
            crate::engine!(size.py(), s.iter().product(), || Tensor::zeros(
                &s, dt, device
            ))?
        },
        requires_grad,
    )
}

#[pyfunction]
#[pyo3(signature = (*size, dtype=None, device=None, requires_grad=false, layout=None, out=None))]
pub fn ones(
    size: &Bound<'_, PyTuple>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    layout: Option<&Bound<'_, PyAny>>,
    out: Option<&Bound<'_, PyAny>>,
) -> R {
    let out_dt = out_dtype(out, "ones")?;
    let dtype = dtype.or(out_dt.as_ref());
    options::layout("ones", layout)?;
    let device = target_device(device)?;
    let s = convert::usizes(&convert::sizes_req(size, "ones", "size")?, "ones")?;
    finish_out(
        "ones",
        out,
        {
            let dt = factory_dtype(dtype)?;
            crate::engine!(size.py(), s.iter().product(), || factory::full(
                &s,
                Scalar::Int(1),
                dt,
                device
            ))?
        },
        requires_grad,
    )
}

/// `empty` returns zeroed memory: it costs the same (calloc) and is never garbage.
#[pyfunction]
#[pyo3(signature = (*size, dtype=None, device=None, requires_grad=false, layout=None, pin_memory=false, memory_format=None, out=None))]
pub fn empty(
    size: &Bound<'_, PyTuple>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    layout: Option<&Bound<'_, PyAny>>,
    pin_memory: bool,
    memory_format: Option<&Bound<'_, PyAny>>,
    out: Option<&Bound<'_, PyAny>>,
) -> R {
    let out_dt = out_dtype(out, "empty")?;
    let dtype = dtype.or(out_dt.as_ref());
    options::layout("empty", layout)?;
    options::pin_memory(pin_memory)?;
    options::memory_format("empty", memory_format)?;
    let device = target_device(device)?;
    let s = convert::usizes(&convert::sizes_req(size, "empty", "size")?, "empty")?;
    finish_out(
        "empty",
        out,
        {
            let dt = factory_dtype(dtype)?;
            crate::engine!(size.py(), s.iter().product(), || Tensor::zeros(
                &s, dt, device
            ))?
        },
        requires_grad,
    )
}

/// The dtype `full` infers from its fill value.
fn fill_dtype(v: Scalar) -> DType {
    match v {
        Scalar::Bool(_) => DType::Bool,
        Scalar::Int(_) => DType::I64,
        Scalar::Float(_) => rtorch::ops::default_float(),
    }
}

#[pyfunction]
#[pyo3(signature = (size, fill_value, *, dtype=None, device=None, requires_grad=false, layout=None, out=None))]
pub fn full(
    size: &Bound<'_, PyAny>,
    fill_value: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    layout: Option<&Bound<'_, PyAny>>,
    out: Option<&Bound<'_, PyAny>>,
) -> R {
    let out_dt = out_dtype(out, "full")?;
    let dtype = dtype.or(out_dt.as_ref());
    options::layout("full", layout)?;
    let device = target_device(device)?;
    let s = convert::usizes(&convert::sizes(&PyTuple::new(size.py(), [size])?)?, "full")?;
    let v = convert::scalar_req(fill_value, "full(): argument 'fill_value'")?;
    let dt = convert::dtype(dtype)?.unwrap_or(fill_dtype(v));
    finish_out(
        "full",
        out,
        {
            crate::engine!(size.py(), s.iter().product(), || factory::full(
                &s, v, dt, device
            ))?
        },
        requires_grad,
    )
}

fn like_dtype(input: &Tensor, dtype: Option<&Bound<'_, PyAny>>) -> PyResult<DType> {
    Ok(convert::dtype(dtype)?.unwrap_or(input.dtype()))
}

#[pyfunction]
#[pyo3(signature = (input, *, dtype=None, device=None, requires_grad=false, layout=None, memory_format=None))]
pub fn zeros_like(
    input: &Bound<'_, PyTensor>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    layout: Option<&Bound<'_, PyAny>>,
    memory_format: Option<&Bound<'_, PyAny>>,
) -> R {
    options::layout("zeros_like", layout)?;
    options::memory_format("zeros_like", memory_format)?;
    let t = &input.get().t;
    let device = like_device(t, device)?;
    finish(
        {
            let dt = like_dtype(t, dtype)?;
            crate::engine!(input.py(), t.numel(), || factory::full_like(
                t,
                Scalar::Int(0),
                dt,
                device
            ))?
        },
        requires_grad,
    )
}

#[pyfunction]
#[pyo3(signature = (input, *, dtype=None, device=None, requires_grad=false, layout=None, memory_format=None))]
pub fn empty_like(
    input: &Bound<'_, PyTensor>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    layout: Option<&Bound<'_, PyAny>>,
    memory_format: Option<&Bound<'_, PyAny>>,
) -> R {
    zeros_like(input, dtype, device, requires_grad, layout, memory_format)
}

#[pyfunction]
#[pyo3(signature = (input, *, dtype=None, device=None, requires_grad=false, layout=None, memory_format=None))]
pub fn ones_like(
    input: &Bound<'_, PyTensor>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    layout: Option<&Bound<'_, PyAny>>,
    memory_format: Option<&Bound<'_, PyAny>>,
) -> R {
    options::layout("ones_like", layout)?;
    options::memory_format("ones_like", memory_format)?;
    let t = &input.get().t;
    let device = like_device(t, device)?;
    finish(
        {
            let dt = like_dtype(t, dtype)?;
            crate::engine!(input.py(), t.numel(), || factory::full_like(
                t,
                Scalar::Int(1),
                dt,
                device
            ))?
        },
        requires_grad,
    )
}

#[pyfunction]
#[pyo3(signature = (input, fill_value, *, dtype=None, device=None, requires_grad=false, layout=None, memory_format=None))]
pub fn full_like(
    input: &Bound<'_, PyTensor>,
    fill_value: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    layout: Option<&Bound<'_, PyAny>>,
    memory_format: Option<&Bound<'_, PyAny>>,
) -> R {
    options::layout("full_like", layout)?;
    options::memory_format("full_like", memory_format)?;
    let t = &input.get().t;
    let device = like_device(t, device)?;
    let v = convert::scalar_req(fill_value, "full_like(): argument 'fill_value'")?;
    finish(
        {
            let dt = like_dtype(t, dtype)?;
            crate::engine!(input.py(), t.numel(), || factory::full_like(
                t, v, dt, device
            ))?
        },
        requires_grad,
    )
}

/// About how many elements `arange(s, e, st)` makes (only to decide on releasing the
/// GIL; the engine checks the arguments).
fn arange_len(s: Scalar, e: Scalar, st: Scalar) -> usize {
    let n = ((e.to_f64() - s.to_f64()) / st.to_f64()).ceil();
    if n.is_finite() && n > 0.0 {
        n.min(usize::MAX as f64) as usize
    } else {
        0
    }
}

/// `arange(end)`, `arange(start, end, step=1)`: int64 unless a bound is a float.
#[pyfunction]
#[pyo3(signature = (start, end=None, step=None, *, dtype=None, device=None, requires_grad=false, layout=None, out=None))]
pub fn arange(
    start: &Bound<'_, PyAny>,
    end: Option<&Bound<'_, PyAny>>,
    step: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    layout: Option<&Bound<'_, PyAny>>,
    out: Option<&Bound<'_, PyAny>>,
) -> R {
    let out_dt = out_dtype(out, "arange")?;
    let dtype = dtype.or(out_dt.as_ref());
    options::layout("arange", layout)?;
    let device = target_device(device)?;
    let (s, e) = match end {
        Some(e) if !e.is_none() => (
            convert::scalar_req(start, "start")?,
            convert::scalar_req(e, "end")?,
        ),
        _ => (Scalar::Int(0), convert::scalar_req(start, "end")?),
    };
    let st = match step {
        Some(st) if !st.is_none() => convert::scalar_req(st, "step")?,
        _ => Scalar::Int(1),
    };
    let any_float = [s, e, st].iter().any(|v| matches!(v, Scalar::Float(_)));
    let dt = convert::dtype(dtype)?.unwrap_or(if any_float {
        rtorch::ops::default_float()
    } else {
        DType::I64
    });
    finish_out(
        "arange",
        out,
        crate::engine!(start.py(), arange_len(s, e, st), || {
            factory::arange(s.to_f64(), e.to_f64(), st.to_f64(), dt, device)
        })?,
        requires_grad,
    )
}

#[pyfunction]
#[pyo3(signature = (start, end, steps, *, dtype=None, device=None, requires_grad=false, layout=None, out=None))]
pub fn linspace(
    py: Python<'_>,
    start: f64,
    end: f64,
    steps: i64,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    layout: Option<&Bound<'_, PyAny>>,
    out: Option<&Bound<'_, PyAny>>,
) -> R {
    let out_dt = out_dtype(out, "linspace")?;
    let dtype = dtype.or(out_dt.as_ref());
    options::layout("linspace", layout)?;
    let device = target_device(device)?;
    finish_out(
        "linspace",
        out,
        {
            let dt = factory_dtype(dtype)?;
            crate::engine!(py, steps.max(0) as usize, || {
                factory::linspace(start, end, steps, dt, device)
            })?
        },
        requires_grad,
    )
}

#[pyfunction]
#[pyo3(signature = (start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=false, layout=None, out=None))]
pub fn logspace(
    py: Python<'_>,
    start: f64,
    end: f64,
    steps: i64,
    base: f64,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    layout: Option<&Bound<'_, PyAny>>,
    out: Option<&Bound<'_, PyAny>>,
) -> R {
    let out_dt = out_dtype(out, "logspace")?;
    let dtype = dtype.or(out_dt.as_ref());
    options::layout("logspace", layout)?;
    let device = target_device(device)?;
    finish_out(
        "logspace",
        out,
        {
            let dt = factory_dtype(dtype)?;
            crate::engine!(py, steps.max(0) as usize, || {
                factory::logspace(start, end, steps, base, dt, device)
            })?
        },
        requires_grad,
    )
}

#[pyfunction]
#[pyo3(signature = (n, m=None, *, dtype=None, device=None, requires_grad=false, layout=None, out=None))]
pub fn eye(
    py: Python<'_>,
    n: i64,
    m: Option<i64>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    layout: Option<&Bound<'_, PyAny>>,
    out: Option<&Bound<'_, PyAny>>,
) -> R {
    let out_dt = out_dtype(out, "eye")?;
    let dtype = dtype.or(out_dt.as_ref());
    options::layout("eye", layout)?;
    let device = target_device(device)?;
    let m = m.unwrap_or(n);
    if n < 0 || m < 0 {
        return Err(PyRuntimeError::new_err(format!(
            "n must be greater or equal to 0, got {}",
            n.min(m)
        )));
    }
    finish_out(
        "eye",
        out,
        {
            let dt = factory_dtype(dtype)?;
            crate::engine!(py, (n * m) as usize, || {
                factory::eye(n as usize, m as usize, dt, device)
            })?
        },
        requires_grad,
    )
}

/// Adds this file's functions to `m`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    crate::add_functions!(
        m, tensor, as_tensor, from_numpy, zeros, ones, empty, full, zeros_like, empty_like,
        ones_like, full_like, arange, linspace, logspace, eye,
    );
    Ok(())
}

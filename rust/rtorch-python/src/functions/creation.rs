//! `rtorch` factories and conversions: `tensor`, `as_tensor`, `from_numpy`, `zeros`/`ones`/
//! `empty`/`full` and their `*_like`, `arange`, `linspace`, `logspace`, `eye`. Every one
//! reads its options through `options::TensorOptions`; keyword lists follow torch's.

use super::*;
use crate::convert::{self};
use crate::errors::IntoPy;
use crate::options::{Raw, TensorOptions};
use crate::tensor::{PyTensor, R};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use rtorch::layout::MemoryFormat;
use rtorch::ops::{cast, factory};
use rtorch::{DType, Device, Scalar, Tensor};

#[pyfunction]
#[pyo3(signature = (data, *, dtype=None, device=None, requires_grad=false, pin_memory=false))]
#[doc = doc_functions!(tensor)]
pub fn tensor(
    data: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    pin_memory: bool,
) -> R {
    let o = TensorOptions::parse(
        "tensor",
        Raw {
            dtype,
            device,
            requires_grad,
            pin_memory,
            ..Raw::default()
        },
    )?;
    let t = convert::tensor_from_data(data, o.dtype)?;
    finish(
        rtorch::backend::to_device(&t, o.device_or(Device::Cpu)).py()?,
        o.requires_grad,
    )
}

#[pyfunction]
#[pyo3(signature = (data, dtype=None, device=None))]
#[doc = doc_functions!(as_tensor)]
pub fn as_tensor(
    data: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> R {
    let o = TensorOptions::parse(
        "as_tensor",
        Raw {
            dtype,
            device,
            ..Raw::default()
        },
    )?;
    let moved = |t: Tensor| rtorch::backend::to_device(&t, o.device_or(t.device()));
    if let Ok(t) = data.cast::<PyTensor>() {
        let t = &t.get().t;
        return crate::ok!(cast::to_dtype(t, o.dtype_or(t.dtype())).and_then(moved));
    }
    if data.hasattr("__array_interface__")? {
        if let Ok(t) = convert::from_numpy(data, false) {
            return crate::ok!(cast::to_dtype(&t, o.dtype_or(t.dtype())).and_then(moved));
        }
    }
    crate::ok!(moved(convert::tensor_from_data(data, o.dtype)?))
}

#[pyfunction]
#[doc = doc_functions!(from_numpy)]
pub fn from_numpy(arr: &Bound<'_, PyAny>) -> R {
    if !arr.hasattr("__array_interface__")? {
        return Err(PyTypeError::new_err(format!(
            "expected np.ndarray (got {})",
            arr.get_type().name()?
        )));
    }
    Ok(PyTensor::wrap(convert::from_numpy(arr, false)?))
}

/// `zeros`, `ones` and `empty`: one shape, one fill (`empty` is zeroed too, so it is never
/// garbage: small and fresh big buffers come zeroed from the system, and a reused big one
/// costs one parallel clear; NOTE [ Big-buffer cache ]).
fn filled(
    op: &str,
    size: &Bound<'_, PyTuple>,
    value: Scalar,
    o: TensorOptions,
    out: Option<&Bound<'_, PyAny>>,
) -> R {
    let s = convert::usizes(&convert::sizes_req(size, op, "size")?, op)?;
    let (dt, device) = (o.float_dtype(), o.device_or(Device::Cpu));
    let format = o.format_or(MemoryFormat::Contiguous);
    let t = crate::engine!(size.py(), s.iter().product(), || {
        match (format, value) {
            (MemoryFormat::Contiguous, Scalar::Int(0)) => Tensor::zeros(&s, dt, device),
            (MemoryFormat::Contiguous, v) => factory::full(&s, v, dt, device),
            (f, v) => factory::full_in(&s, f, v, dt, device),
        }
    })?;
    finish_out(op, out, t, o.requires_grad)
}

#[pyfunction]
#[pyo3(signature = (*size, out=None, dtype=None, layout=None, device=None, pin_memory=false, requires_grad=false))]
#[doc = doc_functions!(zeros)]
pub fn zeros(
    size: &Bound<'_, PyTuple>,
    out: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    pin_memory: bool,
    requires_grad: bool,
) -> R {
    let raw = Raw::factory(dtype, device, layout, pin_memory, requires_grad);
    filled(
        "zeros",
        size,
        Scalar::Int(0),
        options_with_out("zeros", out, raw)?,
        out,
    )
}

#[pyfunction]
#[pyo3(signature = (*size, out=None, dtype=None, layout=None, device=None, pin_memory=false, requires_grad=false))]
#[doc = doc_functions!(ones)]
pub fn ones(
    size: &Bound<'_, PyTuple>,
    out: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    pin_memory: bool,
    requires_grad: bool,
) -> R {
    let raw = Raw::factory(dtype, device, layout, pin_memory, requires_grad);
    filled(
        "ones",
        size,
        Scalar::Int(1),
        options_with_out("ones", out, raw)?,
        out,
    )
}

#[pyfunction]
#[pyo3(signature = (*size, out=None, dtype=None, layout=None, device=None, pin_memory=false, requires_grad=false, memory_format=None))]
#[doc = doc_functions!(empty)]
pub fn empty(
    size: &Bound<'_, PyTuple>,
    out: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    pin_memory: bool,
    requires_grad: bool,
    memory_format: Option<&Bound<'_, PyAny>>,
) -> R {
    let raw = Raw {
        memory_format,
        ..Raw::factory(dtype, device, layout, pin_memory, requires_grad)
    };
    filled(
        "empty",
        size,
        Scalar::Int(0),
        options_with_out("empty", out, raw)?,
        out,
    )
}

#[pyfunction]
#[pyo3(signature = (size, stride, *, dtype=None, layout=None, device=None, requires_grad=false, pin_memory=false))]
#[doc = doc_functions!(empty_strided)]
pub fn empty_strided(
    size: &Bound<'_, PyAny>,
    stride: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    pin_memory: bool,
) -> R {
    let raw = Raw::factory(dtype, device, layout, pin_memory, requires_grad);
    let o = TensorOptions::parse("empty_strided", raw)?;
    let s = convert::usizes(&int_tuple(size, "size", 1)?, "empty_strided")?;
    let st: Vec<isize> = int_tuple(stride, "stride", 2)?
        .iter()
        .map(|&v| v as isize)
        .collect();
    let (dt, device) = (o.float_dtype(), o.device_or(Device::Cpu));
    let t = factory::empty_strided(&s, &st, dt, device).py()?;
    finish(t, o.requires_grad)
}

/// An `int[]` parameter given as one sequence (torch refuses a bare int there).
fn int_tuple(obj: &Bound<'_, PyAny>, arg: &str, pos: usize) -> PyResult<Vec<i64>> {
    match obj.cast::<pyo3::types::PySequence>() {
        Ok(s) if !obj.is_instance_of::<pyo3::types::PyInt>() => {
            s.try_iter()?.map(|v| convert::index_arg(&v?)).collect()
        }
        _ => Err(PyTypeError::new_err(format!(
            "empty_strided(): argument '{arg}' (position {pos}) must be tuple of ints, not {}",
            obj.get_type().name()?
        ))),
    }
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
#[pyo3(signature = (size, fill_value, *, out=None, dtype=None, layout=None, device=None, pin_memory=false, requires_grad=false))]
#[doc = doc_functions!(full)]
pub fn full(
    size: &Bound<'_, PyAny>,
    fill_value: &Bound<'_, PyAny>,
    out: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    pin_memory: bool,
    requires_grad: bool,
) -> R {
    let raw = Raw::factory(dtype, device, layout, pin_memory, requires_grad);
    let o = options_with_out("full", out, raw)?;
    let s = convert::usizes(&convert::sizes(&PyTuple::new(size.py(), [size])?)?, "full")?;
    let v = convert::scalar_req(fill_value, "full(): argument 'fill_value'")?;
    let (dt, device) = (o.dtype_or(fill_dtype(v)), o.device_or(Device::Cpu));
    let t = crate::engine!(size.py(), s.iter().product(), || factory::full(
        &s, v, dt, device
    ))?;
    finish_out("full", out, t, o.requires_grad)
}

/// The `*_like` factories: the input's dtype, device and (preserve_format) layout unless
/// given, filled with `value`.
pub(crate) fn filled_like(py: Python<'_>, input: &Tensor, value: Scalar, o: TensorOptions) -> R {
    let (dt, device) = (o.dtype_or(input.dtype()), o.device_or(input.device()));
    let format = o.format_or(MemoryFormat::Preserve);
    let t = crate::engine!(py, input.numel(), || {
        factory::full_like(input, value, dt, device, format)
    })?;
    finish(t, o.requires_grad)
}

#[pyfunction]
#[pyo3(signature = (input, *, dtype=None, layout=None, device=None, pin_memory=false, requires_grad=false, memory_format=None))]
#[doc = doc_functions!(zeros_like)]
pub fn zeros_like(
    input: &Bound<'_, PyTensor>,
    dtype: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    pin_memory: bool,
    requires_grad: bool,
    memory_format: Option<&Bound<'_, PyAny>>,
) -> R {
    let raw = Raw {
        memory_format,
        ..Raw::factory(dtype, device, layout, pin_memory, requires_grad)
    };
    let o = TensorOptions::parse("zeros_like", raw)?;
    filled_like(input.py(), &input.get().t, Scalar::Int(0), o)
}

#[pyfunction]
#[pyo3(signature = (input, *, dtype=None, layout=None, device=None, pin_memory=false, requires_grad=false, memory_format=None))]
#[doc = doc_functions!(ones_like)]
pub fn ones_like(
    input: &Bound<'_, PyTensor>,
    dtype: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    pin_memory: bool,
    requires_grad: bool,
    memory_format: Option<&Bound<'_, PyAny>>,
) -> R {
    let raw = Raw {
        memory_format,
        ..Raw::factory(dtype, device, layout, pin_memory, requires_grad)
    };
    let o = TensorOptions::parse("ones_like", raw)?;
    filled_like(input.py(), &input.get().t, Scalar::Int(1), o)
}

#[pyfunction]
#[pyo3(signature = (input, *, dtype=None, layout=None, device=None, pin_memory=false, requires_grad=false, memory_format=None))]
#[doc = doc_functions!(empty_like)]
pub fn empty_like(
    input: &Bound<'_, PyTensor>,
    dtype: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    pin_memory: bool,
    requires_grad: bool,
    memory_format: Option<&Bound<'_, PyAny>>,
) -> R {
    let raw = Raw {
        memory_format,
        ..Raw::factory(dtype, device, layout, pin_memory, requires_grad)
    };
    let o = TensorOptions::parse("empty_like", raw)?;
    filled_like(input.py(), &input.get().t, Scalar::Int(0), o)
}

#[pyfunction]
#[pyo3(signature = (input, fill_value, *, dtype=None, layout=None, device=None, pin_memory=false, requires_grad=false, memory_format=None))]
#[doc = doc_functions!(full_like)]
pub fn full_like(
    input: &Bound<'_, PyTensor>,
    fill_value: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    pin_memory: bool,
    requires_grad: bool,
    memory_format: Option<&Bound<'_, PyAny>>,
) -> R {
    let raw = Raw {
        memory_format,
        ..Raw::factory(dtype, device, layout, pin_memory, requires_grad)
    };
    let o = TensorOptions::parse("full_like", raw)?;
    let v = convert::scalar_req(fill_value, "full_like(): argument 'fill_value'")?;
    filled_like(input.py(), &input.get().t, v, o)
}

// `arange(end)`, `arange(start, end, step=1)`: int64 unless a bound is a float.
#[pyfunction]
#[pyo3(signature = (start, end=None, step=None, *, out=None, dtype=None, layout=None, device=None, pin_memory=false, requires_grad=false))]
#[doc = doc_functions!(arange)]
pub fn arange(
    start: &Bound<'_, PyAny>,
    end: Option<&Bound<'_, PyAny>>,
    step: Option<&Bound<'_, PyAny>>,
    out: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    pin_memory: bool,
    requires_grad: bool,
) -> R {
    let raw = Raw::factory(dtype, device, layout, pin_memory, requires_grad);
    let o = options_with_out("arange", out, raw)?;
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
    let dt = if any_float {
        o.float_dtype()
    } else {
        o.dtype_or(DType::I64)
    };
    let device = o.device_or(Device::Cpu);
    let (s, e, st) = (s.to_f64(), e.to_f64(), st.to_f64());
    // Bad arguments count as no work: `arange` itself raises their error.
    let n = factory::arange_len(s, e, st, dt).unwrap_or(0);
    let t = crate::engine!(start.py(), n, || factory::arange(s, e, st, dt, device))?;
    finish_out("arange", out, t, o.requires_grad)
}

#[pyfunction]
#[pyo3(signature = (start, end, steps, *, out=None, dtype=None, layout=None, device=None, pin_memory=false, requires_grad=false))]
#[doc = doc_functions!(linspace)]
pub fn linspace(
    py: Python<'_>,
    start: f64,
    end: f64,
    steps: i64,
    out: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    pin_memory: bool,
    requires_grad: bool,
) -> R {
    let raw = Raw::factory(dtype, device, layout, pin_memory, requires_grad);
    let o = options_with_out("linspace", out, raw)?;
    let (dt, device) = (o.float_dtype(), o.device_or(Device::Cpu));
    let t = crate::engine!(py, steps.max(0) as usize, || {
        factory::linspace(start, end, steps, dt, device)
    })?;
    finish_out("linspace", out, t, o.requires_grad)
}

#[pyfunction]
#[pyo3(signature = (start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None, pin_memory=false, requires_grad=false))]
#[doc = doc_functions!(logspace)]
pub fn logspace(
    py: Python<'_>,
    start: f64,
    end: f64,
    steps: i64,
    base: f64,
    out: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    pin_memory: bool,
    requires_grad: bool,
) -> R {
    let raw = Raw::factory(dtype, device, layout, pin_memory, requires_grad);
    let o = options_with_out("logspace", out, raw)?;
    let (dt, device) = (o.float_dtype(), o.device_or(Device::Cpu));
    let t = crate::engine!(py, steps.max(0) as usize, || {
        factory::logspace(start, end, steps, base, dt, device)
    })?;
    finish_out("logspace", out, t, o.requires_grad)
}

#[pyfunction]
#[pyo3(signature = (n, m=None, *, out=None, dtype=None, layout=None, device=None, pin_memory=false, requires_grad=false))]
#[doc = doc_functions!(eye)]
pub fn eye(
    py: Python<'_>,
    n: i64,
    m: Option<i64>,
    out: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    pin_memory: bool,
    requires_grad: bool,
) -> R {
    let raw = Raw::factory(dtype, device, layout, pin_memory, requires_grad);
    let o = options_with_out("eye", out, raw)?;
    let m = m.unwrap_or(n);
    if n < 0 || m < 0 {
        return Err(PyRuntimeError::new_err(format!(
            "n must be greater or equal to 0, got {}",
            n.min(m)
        )));
    }
    let (dt, device) = (o.float_dtype(), o.device_or(Device::Cpu));
    let t = crate::engine!(py, (n * m) as usize, || {
        factory::eye(n as usize, m as usize, dt, device)
    })?;
    finish_out("eye", out, t, o.requires_grad)
}

/// Adds this file's functions to `m`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    crate::add_functions!(
        m,
        tensor,
        as_tensor,
        from_numpy,
        zeros,
        ones,
        empty,
        empty_strided,
        full,
        zeros_like,
        empty_like,
        ones_like,
        full_like,
        arange,
        linspace,
        logspace,
        eye,
    );
    Ok(())
}

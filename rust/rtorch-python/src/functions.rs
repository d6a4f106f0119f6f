//! Module-level functions of `rtorch` that are not tensor methods: factories, joining,
//! dtype utilities, threading. Random sampling is in `random.rs`.

use crate::convert::{self, operand_req};
use crate::errors::IntoPy;
use crate::options;
use crate::out::with_out;
use crate::tensor::{PyTensor, R};
use crate::tensor_math::tensor_list;
use crate::types::{dtype_obj, PyDType};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use rtorch::ops::{binary, factory, join, movement, pointwise};
use rtorch::{DType, Device, Scalar, Tensor};

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

pub(crate) fn factory_dtype(dtype: Option<&Bound<'_, PyAny>>) -> PyResult<DType> {
    Ok(convert::dtype(dtype)?.unwrap_or_else(rtorch::ops::default_float))
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

// ----- joining, selection -----

#[pyfunction]
#[pyo3(signature = (tensors, dim=0, *, out=None, axis=None))]
pub fn cat(
    py: Python<'_>,
    tensors: &Bound<'_, PyAny>,
    dim: i64,
    out: Option<&Bound<'_, PyAny>>,
    axis: Option<i64>,
) -> R {
    // `dim` keeps its int default: torch refuses dim=None.
    let dim = convert::numpy_alias_or("cat", dim, 0, axis, "axis")?;
    let ts = tensor_list(tensors)?;
    let n: usize = ts.iter().map(|t| t.numel()).sum();
    let refs: Vec<&Tensor> = ts.iter().collect();
    with_out(py, "cat", &refs, out, || {
        crate::ok!(py, n, || join::cat(&ts, dim))
    })
}

#[pyfunction]
#[pyo3(signature = (tensors, dim=0, *, out=None, axis=None))]
pub fn stack(
    py: Python<'_>,
    tensors: &Bound<'_, PyAny>,
    dim: i64,
    out: Option<&Bound<'_, PyAny>>,
    axis: Option<i64>,
) -> R {
    // `dim` keeps its int default: torch refuses dim=None.
    let dim = convert::numpy_alias_or("stack", dim, 0, axis, "axis")?;
    let ts = tensor_list(tensors)?;
    let refs: Vec<&Tensor> = ts.iter().collect();
    with_out(py, "stack", &refs, out, || {
        let n = ts.iter().map(Tensor::numel).sum();
        crate::ok!(py, n, || join::stack(&ts, dim))
    })
}

#[pyfunction]
#[pyo3(name = "where", signature = (condition, input=None, other=None))]
pub fn where_(
    condition: &Bound<'_, PyTensor>,
    input: Option<&Bound<'_, PyAny>>,
    other: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let py = condition.py();
    let (Some(x), Some(y)) = (input, other) else {
        if input.is_some() || other.is_some() {
            return Err(PyTypeError::new_err(
                "where() missing required argument: pass both input and other, or neither",
            ));
        }
        // `where(condition)` is `nonzero(condition, as_tuple=True)`.
        return crate::tensor_math::nonzero_tuple(py, &condition.get().t);
    };
    let x = operand_req(x, "where", "input")?;
    let y = operand_req(y, "where", "other")?;
    let out = pointwise::where_(&condition.get().t, &x, &y).py()?;
    PyTensor::wrap(out).into_py_any(py)
}

#[pyfunction]
#[pyo3(signature = (*tensors))]
pub fn broadcast_tensors<'py>(
    py: Python<'py>,
    tensors: &Bound<'py, PyTuple>,
) -> PyResult<Bound<'py, PyTuple>> {
    let ts = if tensors.len() == 1 && !tensors.get_item(0)?.is_instance_of::<PyTensor>() {
        tensor_list(&tensors.get_item(0)?)?
    } else {
        tensor_list(tensors.as_any())?
    };
    let items: Vec<Bound<'py, PyAny>> =
        if tensors.len() == 1 && !tensors.get_item(0)?.is_instance_of::<PyTensor>() {
            tensors.get_item(0)?.try_iter()?.collect::<PyResult<_>>()?
        } else {
            tensors.iter().collect()
        };
    let outs = movement::broadcast_tensors(&ts).py()?;
    let outs = outs
        .into_iter()
        .zip(&items)
        .map(|(t, orig)| crate::tensor::same_or_wrap(orig.cast::<PyTensor>()?, t))
        .collect::<PyResult<Vec<_>>>()?;
    PyTuple::new(py, outs)
}

#[pyfunction]
pub fn lerp(
    input: &Bound<'_, PyTensor>,
    end: &Bound<'_, PyTensor>,
    weight: &Bound<'_, PyAny>,
) -> R {
    let w = operand_req(weight, "lerp", "weight")?;
    crate::ok!(pointwise::lerp(&input.get().t, &end.get().t, &w))
}

// ----- dtypes, promotion, global state -----

#[pyfunction]
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
pub fn can_cast(from_: &Bound<'_, PyDType>, to: &Bound<'_, PyDType>) -> bool {
    binary::can_cast(from_.get().dtype, to.get().dtype)
}

#[pyfunction]
pub fn set_default_dtype(d: &Bound<'_, PyAny>) -> PyResult<()> {
    let dt =
        convert::dtype(Some(d))?.ok_or_else(|| PyTypeError::new_err("dtype must not be None"))?;
    rtorch::ops::set_default_float(dt).py()
}

#[pyfunction]
pub fn get_default_dtype(py: Python<'_>) -> Py<PyDType> {
    dtype_obj(py, rtorch::ops::default_float())
}

#[pyfunction]
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
pub fn get_num_threads() -> usize {
    rtorch::parallel::get_num_threads()
}

#[pyfunction]
pub fn cuda_is_available() -> bool {
    rtorch::device::cuda_is_available()
}

#[pyfunction]
pub fn cuda_device_count() -> usize {
    rtorch::device::cuda_device_count()
}

/// The engine's op registry, for the generic tests.
#[pyfunction]
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

//! `rtorch.dtype`, `rtorch.device` and `rtorch.Size` helpers.

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyTuple;
use rtorch::dtype::ALL_DTYPES;
use rtorch::{DType, Device};

#[pyclass(name = "dtype", module = "rtorch", frozen, eq, hash)]
#[derive(PartialEq, Eq, Hash)]
pub struct PyDType {
    pub dtype: DType,
}

#[pymethods]
impl PyDType {
    #[getter]
    fn is_floating_point(&self) -> bool {
        self.dtype.is_floating_point()
    }
    #[getter]
    fn is_complex(&self) -> bool {
        false
    }
    #[getter]
    fn is_signed(&self) -> bool {
        self.dtype.is_signed()
    }
    #[getter]
    fn itemsize(&self) -> usize {
        self.dtype.itemsize()
    }
    /// PyTorch prints dtypes as `torch.float32`; rtorch prints the same so that reprs match.
    fn __repr__(&self) -> String {
        format!("torch.{}", self.dtype.name())
    }
    fn __reduce__(&self) -> String {
        self.dtype.name().to_string()
    }
}

static DTYPES: PyOnceLock<Vec<Py<PyDType>>> = PyOnceLock::new();

/// The singleton dtype object (so `t.dtype is rtorch.float32` holds).
pub fn dtype_obj(py: Python<'_>, d: DType) -> Py<PyDType> {
    let all = DTYPES.get_or_init(py, || {
        ALL_DTYPES
            .iter()
            .map(|&dtype| Py::new(py, PyDType { dtype }).unwrap())
            .collect()
    });
    all[d as usize].clone_ref(py)
}

/// `rtorch.device`: the engine's device plus the index exactly as the user wrote it
/// (`'cpu'` and `'cpu:0'` are different devices in PyTorch, and `to('cpu:0')` copies).
#[pyclass(name = "device", module = "rtorch", frozen, eq, hash, from_py_object)]
#[derive(PartialEq, Eq, Hash, Clone, Copy)]
pub struct PyDevice {
    pub device: Device,
    pub index: Option<usize>,
}

impl PyDevice {
    /// The device a tensor on `device` reports (no index on the CPU).
    pub fn of(device: Device) -> Self {
        PyDevice {
            device,
            index: device.index(),
        }
    }
}

pub fn parse_device(s: &str) -> PyResult<PyDevice> {
    let (kind, idx) =
        match s.split_once(':') {
            Some((k, i)) => (
                k,
                Some(i.parse::<usize>().map_err(|_| {
                    PyRuntimeError::new_err(format!("Invalid device string: '{s}'"))
                })?),
            ),
            None => (s, None),
        };
    let device = match kind {
        "cpu" => Device::Cpu,
        "cuda" => Device::Cuda(idx.unwrap_or(0)),
        _ => {
            return Err(PyRuntimeError::new_err(format!(
                "Expected one of cpu, cuda device type at start of device string: {s}"
            )))
        }
    };
    Ok(PyDevice { device, index: idx })
}

#[pymethods]
impl PyDevice {
    #[new]
    #[pyo3(signature = (r#type, index=None))]
    fn new(r#type: &Bound<'_, PyAny>, index: Option<usize>) -> PyResult<Self> {
        if let Ok(d) = r#type.cast::<PyDevice>() {
            return Ok(*d.get());
        }
        if let Ok(i) = r#type.extract::<usize>() {
            return Ok(PyDevice::of(Device::Cuda(i)));
        }
        let s: String = r#type
            .extract()
            .map_err(|_| PyTypeError::new_err("device() expects a string or an int"))?;
        let mut d = parse_device(&s)?;
        if let Some(i) = index {
            if d.index.is_some() {
                return Err(PyRuntimeError::new_err(format!(
                    "type (string) must not include an index because index was passed explicitly: {s}"
                )));
            }
            d.index = Some(i);
            if let Device::Cuda(_) = d.device {
                d.device = Device::Cuda(i);
            }
        }
        Ok(d)
    }
    #[getter]
    fn r#type(&self) -> &'static str {
        self.device.type_name()
    }
    #[getter]
    fn index(&self) -> Option<usize> {
        self.index
    }
    fn __str__(&self) -> String {
        match self.index {
            Some(i) => format!("{}:{i}", self.device.type_name()),
            None => self.device.type_name().to_string(),
        }
    }
    fn __repr__(&self) -> String {
        match self.index {
            Some(i) => format!("device(type='{}', index={i})", self.device.type_name()),
            None => format!("device(type='{}')", self.device.type_name()),
        }
    }
}

/// Builds an `rtorch.Size` (a tuple subclass defined in Python) from dims.
pub fn size_obj<'py>(py: Python<'py>, dims: &[usize]) -> PyResult<Bound<'py, PyAny>> {
    static SIZE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let cls = SIZE.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py.import("rtorch._size")?.getattr("Size")?.unbind())
    })?;
    cls.bind(py).call1((PyTuple::new(py, dims)?,))
}

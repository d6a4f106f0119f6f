//! The tensor options every factory and conversion takes (PyTorch's `TensorOptions`):
//! dtype, device, requires_grad, layout, pin_memory, memory_format. `TensorOptions::parse`
//! reads the raw keyword values once, with PyTorch's exception types and messages; a
//! value rtorch cannot honour is refused there, never dropped. Each binding keeps its own
//! keyword list (the one torch's signature has) and hands the values to `parse`.

use crate::convert;
use pyo3::exceptions::{PyNotImplementedError, PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use rtorch::layout::MemoryFormat;
use rtorch::{DType, Device};

/// The keyword values as a binding received them; fields a binding does not take stay at
/// their default (`..Raw::default()`).
#[derive(Default)]
pub struct Raw<'a, 'py> {
    pub dtype: Option<&'a Bound<'py, PyAny>>,
    pub device: Option<&'a Bound<'py, PyAny>>,
    pub requires_grad: bool,
    pub layout: Option<&'a Bound<'py, PyAny>>,
    pub pin_memory: bool,
    pub memory_format: Option<&'a Bound<'py, PyAny>>,
}

impl<'a, 'py> Raw<'a, 'py> {
    /// The options a factory function takes (all but `memory_format`, which a few add).
    pub fn factory(
        dtype: Option<&'a Bound<'py, PyAny>>,
        device: Option<&'a Bound<'py, PyAny>>,
        layout: Option<&'a Bound<'py, PyAny>>,
        pin_memory: bool,
        requires_grad: bool,
    ) -> Self {
        Raw {
            dtype,
            device,
            requires_grad,
            layout,
            pin_memory,
            memory_format: None,
        }
    }
}

/// Validated options. `None` means "not given": each factory resolves its own default
/// (`dtype_or`, `device_or`), since that differs (the default float, int64, the `_like`
/// input's dtype…).
#[derive(Clone, Copy, Debug)]
pub struct TensorOptions {
    pub dtype: Option<DType>,
    pub device: Option<Device>,
    pub requires_grad: bool,
    pub memory_format: Option<MemoryFormat>,
}

impl TensorOptions {
    /// Checks every option of `op` once.
    #[inline]
    pub fn parse(op: &str, raw: Raw<'_, '_>) -> PyResult<Self> {
        // Most calls pass none: one test instead of the checks (a factory call is ~400 ns
        // and the checks cost ~30).
        let given = raw.dtype.is_some()
            || raw.device.is_some()
            || raw.layout.is_some()
            || raw.memory_format.is_some()
            || raw.pin_memory;
        if !given {
            return Ok(TensorOptions {
                dtype: None,
                device: None,
                requires_grad: raw.requires_grad,
                memory_format: None,
            });
        }
        Self::check(op, raw)
    }

    /// Order matters for which error a call with several bad values sees: argument types
    /// first (torch's parser), then the values.
    fn check(op: &str, raw: Raw<'_, '_>) -> PyResult<Self> {
        let dtype = convert::dtype(raw.dtype)
            .map_err(|_| wrong_type(op, "dtype", "torch.dtype", raw.dtype))?;
        let device = convert::device(raw.device).map_err(|e| match raw.device {
            // A string that is not a device keeps its own message ("Expected one of…"),
            // and so does a negative index.
            Some(d) if d.is_instance_of::<pyo3::types::PyString>() => e,
            Some(d) if d.is_instance_of::<pyo3::types::PyInt>() => e,
            _ => wrong_type(op, "device", "torch.device", raw.device),
        })?;
        layout(op, raw.layout)?;
        let memory_format = memory_format(op, raw.memory_format)?;
        if raw.pin_memory {
            return Err(pin_memory_error());
        }
        if let Some(Device::Cuda(_)) = device {
            check_cuda()?;
        }
        Ok(TensorOptions {
            dtype,
            device,
            requires_grad: raw.requires_grad,
            memory_format,
        })
    }

    /// The dtype, or `default` when none was given.
    pub fn dtype_or(&self, default: DType) -> DType {
        self.dtype.unwrap_or(default)
    }

    /// The dtype, or the default float dtype (`set_default_dtype`) when none was given.
    pub fn float_dtype(&self) -> DType {
        self.dtype.unwrap_or_else(rtorch::ops::default_float)
    }

    /// The device, or `default` (the CPU for factories, the input's for `*_like`).
    pub fn device_or(&self, default: Device) -> Device {
        self.device.unwrap_or(default)
    }

    /// The memory format, or `default` (contiguous for `empty`, preserve for `*_like`).
    pub fn format_or(&self, default: MemoryFormat) -> MemoryFormat {
        self.memory_format.unwrap_or(default)
    }
}

fn repr(o: &Bound<'_, PyAny>) -> String {
    o.repr().map(|r| r.to_string()).unwrap_or_default()
}

fn type_name(o: &Bound<'_, PyAny>) -> String {
    o.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_default()
}

/// PyTorch's parser error for an argument of the wrong type.
fn wrong_type(op: &str, arg: &str, want: &str, got: Option<&Bound<'_, PyAny>>) -> PyErr {
    let got = got.map(type_name).unwrap_or_default();
    PyTypeError::new_err(format!(
        "{op}(): argument '{arg}' must be {want}, not {got}"
    ))
}

/// `layout=`: None or `torch.strided` (the only layout object rtorch defines).
pub fn layout(op: &str, layout: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
    let Some(l) = layout.filter(|l| !l.is_none()) else {
        return Ok(());
    };
    if type_name(l) != "layout" {
        return Err(wrong_type(op, "layout", "torch.layout", layout));
    }
    if repr(l) != "torch.strided" {
        return Err(PyNotImplementedError::new_err(format!(
            "rtorch: {op}(layout={}) is not supported; rtorch tensors are torch.strided",
            repr(l)
        )));
    }
    Ok(())
}

/// `memory_format=`: None (the op's default) or one of the four `torch.memory_format`s.
pub fn memory_format(
    op: &str,
    format: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<MemoryFormat>> {
    let Some(f) = format.filter(|f| !f.is_none()) else {
        return Ok(None);
    };
    // NOTE: the objects are plain Python (`rtorch.memory_format` in `__init__.py`), so
    // they are told apart by their class name and repr, which match torch's.
    if type_name(f) == "memory_format" {
        let parsed = match repr(f).as_str() {
            "torch.contiguous_format" => Some(MemoryFormat::Contiguous),
            "torch.preserve_format" => Some(MemoryFormat::Preserve),
            "torch.channels_last" => Some(MemoryFormat::ChannelsLast),
            "torch.channels_last_3d" => Some(MemoryFormat::ChannelsLast3d),
            _ => None,
        };
        if parsed.is_some() {
            return Ok(parsed);
        }
    }
    Err(wrong_type(
        op,
        "memory_format",
        "torch.memory_format",
        format,
    ))
}

/// `pin_memory=True` needs an accelerator's host allocator, which rtorch does not have:
/// PyTorch's CPU build raises this RuntimeError.
fn pin_memory_error() -> PyErr {
    if rtorch::device::cuda_is_available() {
        return PyNotImplementedError::new_err("rtorch: pin_memory=True is not supported yet");
    }
    PyRuntimeError::new_err(
        "pin_memory=True requires a CUDA or other accelerator backend; no pinned memory \
         allocator is available on this system.",
    )
}

/// A CUDA device without a driver fails here, before any work, with the error the engine
/// gives when it cannot allocate there; with a driver the engine decides.
fn check_cuda() -> PyResult<()> {
    if rtorch::device::cuda_is_available() {
        return Ok(());
    }
    Err(crate::tensor::math::not_available_cuda())
}

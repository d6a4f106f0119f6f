//! The tensor options that factories and conversions take beyond dtype and device
//! (PyTorch's `TensorOptions`: layout, memory_format, pin_memory). rtorch has strided
//! CPU tensors only; a value it cannot honour is refused, never dropped.

use pyo3::exceptions::{PyNotImplementedError, PyRuntimeError};
use pyo3::prelude::*;

fn repr(o: &Bound<'_, PyAny>) -> String {
    o.repr().map(|r| r.to_string()).unwrap_or_default()
}

/// `layout=`: None or `torch.strided`.
pub fn layout(op: &str, layout: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
    match layout {
        Some(l) if !l.is_none() && repr(l) != "torch.strided" => {
            Err(PyNotImplementedError::new_err(format!(
                "rtorch: {op}(layout={}) is not supported; rtorch tensors are torch.strided",
                repr(l)
            )))
        }
        _ => Ok(()),
    }
}

/// `memory_format=`: None, `torch.contiguous_format` or `torch.preserve_format` (what a
/// strided CPU tensor already is); channels_last layouts are refused.
pub fn memory_format(op: &str, format: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
    match format {
        Some(f)
            if !f.is_none()
                && !matches!(
                    repr(f).as_str(),
                    "torch.contiguous_format" | "torch.preserve_format"
                ) =>
        {
            Err(PyNotImplementedError::new_err(format!(
                "rtorch: {op}(memory_format={}) is not supported yet",
                repr(f)
            )))
        }
        _ => Ok(()),
    }
}

/// `pin_memory=True` needs an accelerator: PyTorch's CPU build raises this.
pub fn pin_memory(pin: bool) -> PyResult<()> {
    if pin {
        return Err(PyRuntimeError::new_err(
            "Cannot access accelerator device when none is available.",
        ));
    }
    Ok(())
}

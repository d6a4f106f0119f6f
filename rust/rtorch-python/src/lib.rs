//! `rtorch._C`: the Python bindings. Each file converts arguments and delegates to the
//! engine crate; every engine call goes through `run.rs` (GIL release, panics, errors).
//!
//! The module manifest is `_C` below: one line per Python namespace, each owned by one
//! file (or folder) that registers its own functions.
#![allow(
    clippy::too_many_arguments,
    reason = "bindings mirror PyTorch's signatures, keyword for keyword"
)]
#![allow(non_snake_case)]

// Docstrings (NOTE [ Docstrings ]): macro tables used by the bindings below.
#[macro_use]
mod docs;

// Shared plumbing: argument conversion, options, out=, errors, the engine choke point.
mod convert;
mod errors;
mod options;
mod out;
mod run;
mod types;

// Namespaces.
mod autograd;
mod fft;
mod foreach;
mod functions;
mod legacy;
mod linalg;
mod nn;
mod tensor;

use pyo3::prelude::*;

/// `crate::add_functions!(m, f, g, …)`: adds the `#[pyfunction]`s to module `m`.
#[macro_export]
macro_rules! add_functions {
    ($m:expr, $($f:path),* $(,)?) => {
        $( $m.add_function(pyo3::wrap_pyfunction!($f, $m)?)?; )*
    };
}

#[pymodule]
#[allow(non_snake_case)]
fn _C(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // rtorch: the Tensor class (methods by family in tensor/), dtypes, devices, generators.
    m.add_class::<tensor::PyTensor>()?;
    m.add_class::<types::PyDType>()?;
    m.add_class::<types::PyDevice>()?;
    m.add_class::<functions::random::PyGenerator>()?;
    m.add_class::<convert::ArrayHolder>()?;
    for d in rtorch::dtype::ALL_DTYPES {
        m.add(d.name(), types::dtype_obj(py, d))?;
    }
    // rtorch.*: module-level functions (functions/), autograd (autograd.rs), and the
    // multi-tensor `_foreach_*` kernels that optimizers call (foreach.rs).
    functions::register(m)?;
    autograd::register(m)?;
    foreach::register(m)?;
    // Submodules, as PyTorch names them: `torch._C._nn`, `._linalg`, `._fft`.
    submodule(m, "_nn", nn::register)?;
    submodule(m, "_linalg", linalg::register)?;
    submodule(m, "_fft", fft::register)?;
    Ok(())
}

/// Adds the submodule `rtorch._C.<name>` filled by `register`, also under its dotted
/// name in `sys.modules` so that `from rtorch._C._nn import …` works.
fn submodule(
    parent: &Bound<'_, PyModule>,
    name: &str,
    register: fn(&Bound<'_, PyModule>) -> PyResult<()>,
) -> PyResult<()> {
    let py = parent.py();
    let sub = PyModule::new(py, name)?;
    register(&sub)?;
    parent.add_submodule(&sub)?;
    let full = format!("rtorch._C.{name}");
    sub.setattr("__name__", &full)?;
    py.import("sys")?.getattr("modules")?.set_item(full, sub)?;
    Ok(())
}

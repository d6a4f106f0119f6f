//! The one choke point between a binding and the engine: `crate::engine!` (any result) and
//! `crate::ok!` (a tensor result) run an engine call, without the GIL when it is big, turn
//! a Rust panic into a RuntimeError naming the op, and map the engine error once.

use crate::errors::to_py;
use pyo3::{PyErr, PyResult, Python};
use std::panic::{catch_unwind, AssertUnwindSafe};

// NOTE [ Releasing the GIL ]
// Every engine call whose cost grows with the data goes through `engine` with a size:
// the elements it reads (inputs), or writes for a factory; a matmul passes `numel * 8`
// so that square products release sooner than pointwise work of the same size. At or
// above `GIL_RELEASE_ELEMS` the call runs inside `py.detach`, so other Python threads
// run while the kernel does. Below it the call runs in place: detaching and re-attaching
// costs about 0.1-0.2 µs plus a possible thread switch, noise for 64K elements (≥ 20 µs of
// work) but a measurable share of a 4x4 op (~0.6 µs in all). The small path is
// `catch_unwind` (no unwinding table work unless it unwinds) and one compare: under
// cachegrind (deterministic instruction counts, PYTHONHASHSEED=0) `x + y` on 4x4 costs
// `binop` 122 instructions per call against 108 with the old `heavy` + `into_py`, of
// ~5,750 for the whole Python-level call. Wall-clock A/B on the 2-core VM moves ±50 ns
// between builds that differ only in unrelated bindings (code layout; thin LTO with 16
// codegen units), so instruction counts are the number to compare. O(1) calls (views,
// metadata) use the one-argument `ok!(expr)` and never look at a size.
// Backward (`autograd.rs`) always detaches: its cost is the graph's, not one tensor's.
pub const GIL_RELEASE_ELEMS: usize = 1 << 16;

/// `f()` for the engine call named by `here` (see `internal_error`): without the GIL when
/// `elems` reaches `GIL_RELEASE_ELEMS`, a panic as a RuntimeError, an engine error as its
/// Python exception. Use through `crate::engine!`/`crate::ok!`, which supply `here`.
#[inline]
pub fn engine<T: Send>(
    py: Python<'_>,
    elems: usize,
    here: &'static str,
    f: impl FnOnce() -> rtorch::Result<T> + Send,
) -> PyResult<T> {
    let caught = if elems >= GIL_RELEASE_ELEMS {
        py.detach(|| catch_unwind(AssertUnwindSafe(f)))
    } else {
        catch_unwind(AssertUnwindSafe(f))
    };
    match caught {
        Ok(r) => r.map_err(to_py),
        Err(payload) => Err(internal_error(here, payload)),
    }
}

/// `crate::engine!(py, elems, || engine_call)`: `run::engine` named after the enclosing
/// binding; returns `PyResult<T>`.
#[macro_export]
macro_rules! engine {
    ($py:expr, $elems:expr, $f:expr) => {{
        fn __here() {}
        $crate::run::engine($py, $elems, std::any::type_name_of_val(&__here), $f)
    }};
}

/// `crate::ok!(py, elems, || engine_call)`: `engine!` for a tensor result, as the
/// bindings return it (`R`). `crate::ok!(expr)`: an O(1) call (a view, a metadata op)
/// that keeps the GIL; it still catches panics, and `?` on argument conversions inside
/// `expr` works.
#[macro_export]
macro_rules! ok {
    ($py:expr, $elems:expr, $f:expr) => {
        $crate::engine!($py, $elems, $f).map($crate::tensor::TensorOut)
    };
    ($e:expr) => {{
        fn __here() {}
        // The closure returns PyResult so that argument conversions inside `$e` keep `?`.
        let call = || -> pyo3::PyResult<rtorch::Result<rtorch::Tensor>> { Ok($e) };
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(call)) {
            Ok(r) => $crate::tensor::ok(r?),
            Err(payload) => Err($crate::run::internal_error(
                std::any::type_name_of_val(&__here),
                payload,
            )),
        }
    }};
}

/// The RuntimeError for a panic caught by `engine`/`ok!`; `here` is the path of a function
/// item declared in the binding (`…::PyTensor>::sum::__here`), whose last named segment
/// is the Python name.
#[cold]
pub fn internal_error(here: &str, payload: Box<dyn std::any::Any + Send>) -> PyErr {
    let op = here
        .rsplit("::")
        .find(|s| !s.starts_with('{') && *s != "__here")
        .unwrap_or("rtorch");
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string());
    pyo3::exceptions::PyRuntimeError::new_err(format!(
        "internal error in {op}: {msg} (this is a bug in rtorch; please report it)"
    ))
}

//! The one place engine errors become Python exceptions.

use pyo3::exceptions::{
    PyIndexError, PyNotImplementedError, PyRuntimeError, PyTypeError, PyValueError,
};
use pyo3::PyErr;
use rtorch::{Error, ErrorKind};
use std::cell::RefCell;

thread_local! {
    /// A Python exception raised inside a callback the engine called (a hook); re-raised
    /// as is when the engine's error reaches the boundary.
    static PENDING: RefCell<Option<PyErr>> = const { RefCell::new(None) };
}

/// Remembers `err` and returns the engine error that carries it back out.
pub fn stash(err: PyErr) -> Error {
    PENDING.with(|p| *p.borrow_mut() = Some(err));
    Error::runtime("a Python callback raised an exception")
}

pub fn to_py(err: Error) -> PyErr {
    if let Some(e) = PENDING.with(|p| p.borrow_mut().take()) {
        return e;
    }
    match err.kind {
        ErrorKind::Runtime => PyRuntimeError::new_err(err.msg),
        ErrorKind::Index => PyIndexError::new_err(err.msg),
        ErrorKind::Type => PyTypeError::new_err(err.msg),
        ErrorKind::Value => PyValueError::new_err(err.msg),
        ErrorKind::NotImplemented => PyNotImplementedError::new_err(err.msg),
    }
}

/// `engine_result.py()?` at every call site of the bindings.
pub trait IntoPy<T> {
    fn py(self) -> pyo3::PyResult<T>;
}

impl<T> IntoPy<T> for rtorch::Result<T> {
    fn py(self) -> pyo3::PyResult<T> {
        self.map_err(to_py)
    }
}

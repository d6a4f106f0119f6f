//! The one place engine errors become Python exceptions.

use pyo3::exceptions::{
    PyIndexError, PyNotImplementedError, PyRuntimeError, PyTypeError, PyValueError,
};
use pyo3::{PyErr, Python};
use rtorch::{Error, ErrorKind};

/// The engine error that carries `err`, a Python exception raised in a callback the
/// engine called (a hook), back out: `to_py` re-raises it as is, on whatever thread.
pub fn stash(err: PyErr) -> Error {
    Error::foreign(err, "a Python callback raised an exception")
}

pub fn to_py(err: Error) -> PyErr {
    if let Some(e) = err.source.as_ref().and_then(|s| s.downcast_ref::<PyErr>()) {
        return Python::attach(|py| e.clone_ref(py));
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

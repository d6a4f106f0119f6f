//! One error type for the engine. Every message names the op and the shapes or dtypes
//! involved; `kind` says which Python exception the bindings raise (the only mapping).

use std::any::Any;
use std::fmt;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Python `RuntimeError`: shape mismatches, autograd misuse, unsupported dtypes.
    Runtime,
    /// Python `IndexError`: dims and indices out of range.
    Index,
    /// Python `TypeError`: wrong argument types or dtype combinations.
    Type,
    /// Python `ValueError`: bad argument values.
    Value,
    /// Python `NotImplementedError`: valid but not (yet) supported here.
    NotImplemented,
}

#[derive(Clone)]
pub struct Error {
    pub kind: ErrorKind,
    pub msg: String,
    /// A foreign error this one carries back out of the engine: the exception a Python
    /// hook raised travels here, through any thread, and the bindings re-raise it as is.
    pub source: Option<Arc<dyn Any + Send + Sync>>,
}

impl PartialEq for Error {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.msg == other.msg
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("msg", &self.msg)
            .field("foreign", &self.source.is_some())
            .finish()
    }
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(kind: ErrorKind, msg: impl Into<String>) -> Self {
        Error {
            kind,
            msg: msg.into(),
            source: None,
        }
    }
    /// An error raised by foreign code the engine called (a Python hook): `source` is
    /// that error, for the caller's side to take back out.
    pub fn foreign(source: impl Any + Send + Sync, msg: impl Into<String>) -> Self {
        Error {
            source: Some(Arc::new(source)),
            ..Self::runtime(msg)
        }
    }
    pub fn runtime(msg: impl Into<String>) -> Self {
        Self::new(ErrorKind::Runtime, msg)
    }
    pub fn index(msg: impl Into<String>) -> Self {
        Self::new(ErrorKind::Index, msg)
    }
    pub fn type_error(msg: impl Into<String>) -> Self {
        Self::new(ErrorKind::Type, msg)
    }
    pub fn value(msg: impl Into<String>) -> Self {
        Self::new(ErrorKind::Value, msg)
    }
    pub fn not_implemented(msg: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotImplemented, msg)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl std::error::Error for Error {}

/// `bail!(kind, "fmt", args)` returns an `Err` of that kind; kind is one of
/// `runtime`, `index`, `type_error`, `value`, `not_implemented`.
#[macro_export]
macro_rules! bail {
    ($kind:ident, $($arg:tt)*) => {
        return Err($crate::Error::$kind(format!($($arg)*)))
    };
}

/// `ensure!(cond, kind, "fmt", args)`: `bail!` unless `cond` holds.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $kind:ident, $($arg:tt)*) => {
        // NOTE: bound first so a float condition reads as "must hold": NaN fails it.
        let holds: bool = $cond;
        if !holds {
            $crate::bail!($kind, $($arg)*);
        }
    };
}

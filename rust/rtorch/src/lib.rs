//! rtorch: a strided tensor engine with PyTorch's semantics and a define-by-run autograd
//! tape, usable directly from Rust (the Python package `rtorch` is a thin layer on top).
//!
//! ```
//! use rtorch::{ops, Tensor};
//! let x = Tensor::from_slice(&[1.0f64, 2.0, 3.0], &[3]).unwrap();
//! x.set_requires_grad(true).unwrap();
//! let y = ops::reduce::sum(&ops::binary::mul(&x, &x).unwrap(), None, false, None).unwrap();
//! rtorch::autograd::backward(&[y], &[], false, false, None).unwrap();
//! assert_eq!(x.grad().unwrap().to_vec::<f64>().unwrap(), vec![2.0, 4.0, 6.0]);
//! ```

pub mod autograd;
pub mod backend;
pub mod device;
pub mod dtype;
pub mod error;
pub mod layout;
pub mod object_slot;
pub mod ops;
pub mod parallel;
pub mod random;
pub mod storage;
pub mod tensor;

pub use device::Device;
pub use dtype::{DType, Element, Float, Real, Scalar};
pub use error::{Error, ErrorKind, Result};
pub use tensor::Tensor;

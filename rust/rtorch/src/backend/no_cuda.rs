//! The CUDA entry points of a build without the `cuda` feature: every one raises
//! PyTorch's error for a build without CUDA.

use crate::{Device, Error, Result, Tensor};

pub fn no_kernel(_op: &str) -> Error {
    Error::runtime("Torch not compiled with CUDA enabled")
}

pub fn alloc(_nbytes: usize, _index: usize) -> Result<crate::storage::Storage> {
    Err(no_kernel("empty"))
}

pub fn copy(op: &str, _t: &Tensor, _to: Device) -> Result<Tensor> {
    Err(no_kernel(op))
}

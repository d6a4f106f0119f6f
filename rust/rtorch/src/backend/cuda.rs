//! The CUDA backend's entry points, one per kernel family of `backend/mod.rs`. The driver
//! is probed at run time (`device.rs`); allocation and kernels come with the CUDA issue,
//! and until then every entry raises the error PyTorch gives for an op without a CUDA
//! kernel, naming the kernel, so nothing silently runs on the CPU instead.

use super::{
    BinaryKernel, FillKernel, GemmKernel, IndexKernel, ReduceKernel, SampleKernel, ScanKernel,
    SoftmaxKernel, SortKernel, TernaryKernel, UnaryKernel,
};
use crate::layout::Layout;
use crate::{Device, Error, Result, Scalar, Tensor};

/// PyTorch's error for an op that has no kernel for the CUDA backend.
pub fn no_kernel(op: &str) -> Error {
    Error::not_implemented(format!(
        "Could not run 'aten::{op}' with arguments from the 'CUDA' backend: rtorch has no \
         CUDA kernels yet"
    ))
}

fn check_ordinal(index: usize) -> Result<()> {
    let count = crate::device::cuda_device_count();
    if count == 0 {
        return Err(Error::runtime(
            "Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU \
             and installed a driver from http://www.nvidia.com/Download/index.aspx",
        ));
    }
    crate::ensure!(
        index < count,
        runtime,
        "CUDA error: invalid device ordinal (device {index}, {count} visible)"
    );
    Ok(())
}

/// Device memory for a storage.
pub fn alloc(_nbytes: usize, index: usize) -> Result<crate::storage::Storage> {
    check_ordinal(index)?;
    Err(no_kernel("empty"))
}

/// A copy between devices.
pub fn to_device(op: &str, t: &Tensor, to: Device) -> Result<Tensor> {
    for d in [t.device(), to] {
        if let Device::Cuda(i) = d {
            check_ordinal(i)?;
        }
    }
    Err(no_kernel(op))
}

pub fn unary(k: UnaryKernel, _x: &Tensor, _out: &Tensor) -> Result<()> {
    Err(no_kernel(k.name()))
}

pub fn binary(
    k: BinaryKernel,
    _a: (&Tensor, &Layout),
    _b: (&Tensor, &Layout),
    _out: &Tensor,
) -> Result<()> {
    Err(no_kernel(k.name()))
}

pub fn ternary(
    k: TernaryKernel,
    _a: (&Tensor, &Layout),
    _b: (&Tensor, &Layout),
    _c: (&Tensor, &Layout),
    _out: &Tensor,
) -> Result<()> {
    Err(no_kernel(k.name()))
}

pub fn reduce(k: ReduceKernel, _x: &Tensor, _dims: &[usize], _out: &[&Tensor]) -> Result<()> {
    Err(no_kernel(k.name()))
}

pub fn scan(k: ScanKernel, _x: &Tensor, _dim: usize, _out: &Tensor) -> Result<()> {
    Err(no_kernel(k.name()))
}

pub fn sort(k: SortKernel, _x: &Tensor, _d: usize, _v: &Tensor, _i: &Tensor) -> Result<()> {
    Err(no_kernel(k.name()))
}

pub fn search(_sorted: &Tensor, _input: &Tensor, _right: bool, _out: &Tensor) -> Result<()> {
    Err(no_kernel("searchsorted"))
}

pub fn softmax(k: SoftmaxKernel, _x: &Tensor, _dim: usize, _out: &Tensor) -> Result<()> {
    Err(no_kernel(k.name()))
}

pub fn softmax_backward(k: SoftmaxKernel, _y: &Tensor, _g: &Tensor, _out: &Tensor) -> Result<()> {
    Err(no_kernel(k.backward_name()))
}

/// `dst.copy_(src)` with either side on a CUDA device.
pub fn copy(_dst: &Tensor, _src: &Tensor) -> Result<()> {
    Err(no_kernel("copy_"))
}

pub fn fill(k: FillKernel, _t: &Tensor) -> Result<()> {
    Err(no_kernel(k.name()))
}

pub fn sample(k: SampleKernel<'_>, _t: &Tensor, _gen: &mut crate::random::GenState) -> Result<()> {
    Err(no_kernel(k.name()))
}

pub fn accumulate(_dst: &Tensor, _src: &Tensor) -> Result<()> {
    Err(no_kernel("index_put_"))
}

pub fn item(_t: &Tensor) -> Result<Scalar> {
    Err(no_kernel("_local_scalar_dense"))
}

pub fn has_zero(_t: &Tensor) -> Result<bool> {
    Err(no_kernel("eq"))
}

/// The gather / scatter / index-offset kernels (`backend::gather`…), by PyTorch's name.
pub fn indexed(name: &str) -> Result<Option<i64>> {
    Err(no_kernel(name))
}

pub fn histogram(k: super::HistogramKernel<'_>, _x: &Tensor, _out: &Tensor) -> Result<()> {
    Err(no_kernel(k.name()))
}

pub fn index(k: IndexKernel, _x: &Tensor, _out: &Tensor) -> Result<()> {
    Err(no_kernel(k.name()))
}

pub fn gemm(k: GemmKernel<'_>, _a: &Tensor, _b: &Tensor, out: &Tensor) -> Result<()> {
    Err(no_kernel(k.name(out)))
}

//! The CUDA entry points of a build without the `cuda` feature: every one raises
//! PyTorch's error for a build without CUDA.

use super::{
    BinaryKernel, FillKernel, GemmKernel, IndexKernel, ReduceKernel, SampleKernel, ScanKernel,
    SoftmaxKernel, SortKernel, TernaryKernel, UnaryKernel,
};
use crate::layout::Layout;
use crate::{Device, Error, Result, Scalar, Tensor};

pub fn no_kernel(_op: &str) -> Error {
    Error::runtime("Torch not compiled with CUDA enabled")
}

pub fn alloc(_nbytes: usize, _index: usize) -> Result<crate::storage::Storage> {
    Err(no_kernel("empty"))
}

pub fn to_device(op: &str, _t: &Tensor, _to: Device) -> Result<Tensor> {
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

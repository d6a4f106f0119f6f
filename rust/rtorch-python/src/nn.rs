//! `rtorch._C._nn`: the functions PyTorch keeps in `torch._C._nn`, behind
//! `torch.nn.functional` (`F.linear` is `torch._C._nn.linear`). The nn issue adds the
//! convolution, pooling, normalisation and loss kernels here.

use crate::tensor::{PyTensor, R};
use pyo3::prelude::*;
use rtorch::ops::nn;

/// linear(input, weight, bias=None) -> Tensor
///
/// Applies an affine map to the last dimension of `input`: `input @ weight.T + bias`.
///
/// Args:
///     input (Tensor): `(*, in_features)`.
///     weight (Tensor): `(out_features, in_features)` or `(in_features)`.
///     bias (Tensor, optional): `(out_features)` or anything that broadcasts to the
///         output.
#[pyfunction]
#[pyo3(signature = (input, weight, bias=None))]
pub fn linear(
    py: Python<'_>,
    input: &Bound<'_, PyTensor>,
    weight: &Bound<'_, PyTensor>,
    bias: Option<&Bound<'_, PyTensor>>,
) -> R {
    let (x, w) = (&input.get().t, &weight.get().t);
    let b = bias.map(|b| &b.get().t);
    let work = x.numel().max(w.numel()) * 8;
    crate::ok!(py, work, || nn::linear::linear(x, w, b))
}

/// Adds `_C._nn`'s functions to `m`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    crate::add_functions!(m, linear);
    Ok(())
}

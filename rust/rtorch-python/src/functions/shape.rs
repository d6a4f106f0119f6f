//! `rtorch` functions of the shape-utility family that are not methods: the triangle
//! index lists, `block_diag`, and `_cdist` (behind `rtorch.cdist`, which reads
//! `compute_mode`).

use crate::convert::{tensor_list, Int};
use crate::errors::IntoPy;
use crate::options::{Raw, TensorOptions};
use crate::tensor::{PyTensor, R};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use rtorch::ops::{products, utility};
use rtorch::{DType, Device};

#[allow(clippy::too_many_arguments)]
fn tri_indices(
    op: &str,
    lower: bool,
    row: i64,
    col: i64,
    offset: i64,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    pin_memory: bool,
    requires_grad: bool,
) -> R {
    let o = TensorOptions::parse(
        op,
        Raw::factory(dtype, device, layout, pin_memory, requires_grad),
    )?;
    let (dt, dev) = (o.dtype_or(DType::I64), o.device_or(Device::Cpu));
    let t = crate::engine!(dtype.unwrap().py(), 0, || {
        let t = utility::tri_indices(row, col, offset, lower, dt)?;
        rtorch::backend::to_device(&t, dev)
    })?;
    super::finish(t, requires_grad)
}

/// tril_indices(row, col, offset=0, *, dtype=torch.long, device=None, layout=torch.strided) -> Tensor
///
/// The `[2, N]` coordinates of the lower triangle (on and below `offset`) of a
/// `row x col` matrix, row by row.
#[pyfunction]
#[pyo3(signature = (row, col, offset=Int(0), *, dtype=None, device=None, layout=None, pin_memory=None, requires_grad=false), text_signature = "(row, col, offset=0, *, dtype=None, device=None, layout=None, pin_memory=None, requires_grad=False)")]
#[allow(clippy::too_many_arguments)]
pub fn tril_indices(
    py: Python<'_>,
    row: Int,
    col: Int,
    offset: Int,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    pin_memory: Option<bool>,
    requires_grad: bool,
) -> R {
    // pin_memory=None is PyTorch's default (an optional bool).
    let (row, col, offset, pin_memory) = (row.0, col.0, offset.0, pin_memory.unwrap_or(false));
    let none = py.None().into_bound(py);
    let dtype = Some(dtype.unwrap_or(&none));
    tri_indices(
        "tril_indices",
        true,
        row,
        col,
        offset,
        dtype,
        device,
        layout,
        pin_memory,
        requires_grad,
    )
}

/// triu_indices(row, col, offset=0, *, dtype=torch.long, device=None, layout=torch.strided) -> Tensor
///
/// The `[2, N]` coordinates of the upper triangle (on and above `offset`) of a
/// `row x col` matrix, row by row.
#[pyfunction]
#[pyo3(signature = (row, col, offset=Int(0), *, dtype=None, device=None, layout=None, pin_memory=None, requires_grad=false), text_signature = "(row, col, offset=0, *, dtype=None, device=None, layout=None, pin_memory=None, requires_grad=False)")]
#[allow(clippy::too_many_arguments)]
pub fn triu_indices(
    py: Python<'_>,
    row: Int,
    col: Int,
    offset: Int,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    pin_memory: Option<bool>,
    requires_grad: bool,
) -> R {
    // pin_memory=None is PyTorch's default (an optional bool).
    let (row, col, offset, pin_memory) = (row.0, col.0, offset.0, pin_memory.unwrap_or(false));
    let none = py.None().into_bound(py);
    let dtype = Some(dtype.unwrap_or(&none));
    tri_indices(
        "triu_indices",
        false,
        row,
        col,
        offset,
        dtype,
        device,
        layout,
        pin_memory,
        requires_grad,
    )
}

/// block_diag(*tensors) -> Tensor
///
/// The tensors (0-d, 1-d as a row, or 2-d) as blocks on the diagonal of a zero matrix.
#[pyfunction]
#[pyo3(signature = (*tensors))]
pub fn block_diag(py: Python<'_>, tensors: &Bound<'_, PyTuple>) -> R {
    let ts = tensor_list(tensors.as_any())?;
    let n = ts.iter().map(|t| t.numel()).sum();
    crate::ok!(py, n, || utility::block_diag(&ts))
}

/// _cdist(x1, x2, p=2.0, compute_mode=None) -> Tensor
///
/// The p-norm distances between the rows of `x1` and `x2` (`rtorch.cdist`'s engine call).
#[pyfunction]
#[pyo3(signature = (x1, x2, p=2.0, compute_mode=None))]
pub fn _cdist(
    py: Python<'_>,
    x1: &Bound<'_, PyTensor>,
    x2: &Bound<'_, PyTensor>,
    p: f64,
    compute_mode: Option<&str>,
) -> R {
    let (a, b) = (&x1.get().t, &x2.get().t);
    let mode = products::CdistMode::parse(compute_mode).py()?;
    crate::ok!(py, a.numel() * b.numel(), || products::cdist_with_mode(
        a, b, p, mode
    ))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    crate::add_functions!(m, tril_indices, triu_indices, block_diag, _cdist,);
    Ok(())
}

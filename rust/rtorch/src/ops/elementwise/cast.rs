//! Dtype conversion: `to(dtype)` and the casts an op's computation needs (promotion,
//! accumulation types); the copy kernel itself is `backend::copy`.

use crate::autograd::record;
use crate::backend;
use crate::layout::MemoryFormat;
use crate::{DType, Result, Scalar, Tensor};

/// A contiguous copy of `t` converted to `dtype` (no autograd).
pub(crate) fn cast_copy(t: &Tensor, dtype: DType) -> Result<Tensor> {
    let out = t.new_empty(t.shape(), dtype)?;
    backend::copy(&out, t)?;
    Ok(out)
}

/// `t.to(dtype)`: `t` itself when the dtype already matches.
pub fn to_dtype(t: &Tensor, dtype: DType) -> Result<Tensor> {
    to_copy(t, dtype, MemoryFormat::Preserve, false)
}

/// `t.to(dtype, copy=, memory_format=)` on `t`'s device: `t` itself when the dtype
/// matches, no copy is asked for and `t`'s strides suggest `format` (PyTorch's test: a
/// transposed tensor passes for contiguous_format); else one copy (ToCopyBackward0,
/// whatever changed), dense in `format` or, with `Preserve`, like `t`.
pub fn to_copy(t: &Tensor, dtype: DType, format: MemoryFormat, copy: bool) -> Result<Tensor> {
    let in_format =
        format == MemoryFormat::Preserve || t.layout().suggest_memory_format() == format;
    if t.dtype() == dtype && in_format && !copy {
        return Ok(t.clone());
    }
    let out = if format == MemoryFormat::Preserve {
        t.new_elementwise(t.shape(), dtype, &[t.strides()])?
    } else {
        Tensor::empty_in(t.shape(), format, dtype, t.device(), false)?
    };
    backend::copy(&out, t)?;
    if dtype.is_differentiable() {
        let src = t.dtype();
        record("ToCopyBackward0", &[t], &[&out], move |_, g| {
            Ok(vec![Some(to_dtype(&g[0], src)?)])
        });
    }
    Ok(out)
}

/// Casts for an op's computation, with no autograd node (callers record their own).
pub(crate) fn cast_for_op(t: &Tensor, dtype: DType) -> Result<Tensor> {
    if t.dtype() == dtype {
        Ok(t.clone())
    } else {
        cast_copy(t, dtype)
    }
}

/// The first element of `t` as a Python number of its kind (exact for int64).
pub fn scalar_of(t: &Tensor) -> Result<Scalar> {
    crate::ensure!(
        t.numel() > 0,
        runtime,
        "a Tensor with 0 elements cannot be converted to Scalar"
    );
    backend::item(t)
}

/// PyTorch's overflow check for a Python number (a wrapped scalar) about to be stored as
/// `dtype` by a value-taking op (where, clamp, copy_ into an indexed view...); arithmetic
/// operators wrap instead and never call this.
pub fn check_wrapped(t: &Tensor, dtype: DType) -> Result<()> {
    if t.is_wrapped_number() {
        scalar_of(t)?.check_fits(dtype)?;
    }
    Ok(())
}

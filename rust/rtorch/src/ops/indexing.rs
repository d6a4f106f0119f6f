//! Indexing ops that produce or consume index tensors: `nonzero`.

use super::cast::cast_copy;
use crate::{DType, Result, Tensor};

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[super::OpInfo] = &[super::op("nonzero", super::Kind::Index, false)];

/// Coordinates of the non-zero elements (NaN counts as non-zero), in row-major order, as an
/// int64 tensor of shape `[n, ndim]`.
pub fn nonzero(x: &Tensor) -> Result<Tensor> {
    x.ensure_cpu("nonzero")?;
    let nd = x.ndim();
    // Casting to bool is exactly "!= 0" for every dtype, NaN included.
    let b = cast_copy(x, DType::Bool)?;
    // SAFETY: `b` is a fresh contiguous bool tensor of numel elements.
    let flags = unsafe { std::slice::from_raw_parts(b.data_ptr::<bool>(), b.numel()) };
    let n = flags.iter().filter(|&&f| f).count();
    let mut coords: Vec<i64> = Vec::with_capacity(n * nd);
    let mut idx = vec![0i64; nd];
    let shape = x.shape();
    for &f in flags {
        if f {
            coords.extend_from_slice(&idx);
        }
        for k in (0..nd).rev() {
            idx[k] += 1;
            if (idx[k] as usize) < shape[k] {
                break;
            }
            idx[k] = 0;
        }
    }
    Tensor::from_slice(&coords, &[n, nd])
}

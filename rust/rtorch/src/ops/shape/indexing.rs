//! Indexing ops that produce or consume index tensors: `nonzero`.

use crate::ops::cast::cast_copy;
use crate::ops::{Kind, OpInfo};
use crate::{DType, Result, Tensor};

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[OpInfo] = &[OpInfo::inputs("nonzero", Kind::Index, &[&[2, 3]], |t| {
    nonzero(&t[0])
})];

/// Coordinates of the non-zero elements (NaN counts as non-zero), in row-major order, as an
/// int64 tensor of shape `[n, ndim]`, laid out column-major (strides `(1, n)`) as torch's is,
/// so each coordinate column (`as_tuple=True`) is contiguous.
pub fn nonzero(x: &Tensor) -> Result<Tensor> {
    let nd = x.ndim();
    // Casting to bool is exactly "!= 0" for every dtype, NaN included.
    let b = cast_copy(x, DType::Bool)?;
    // SAFETY: `b` is a fresh contiguous bool tensor of numel elements.
    let flags = unsafe { std::slice::from_raw_parts(b.cpu_ptr::<bool>()?, b.numel()) };
    let n = flags.iter().filter(|&&f| f).count();
    let out = x.new_elementwise(&[n, nd], DType::I64, &[&[1, n as isize]])?;
    let (s0, s1) = (out.strides()[0], out.strides()[1]);
    let p = out.cpu_ptr::<i64>()?;
    let mut idx = vec![0i64; nd];
    let mut row = 0isize;
    let shape = x.shape();
    for &f in flags {
        if f {
            for (k, &v) in idx.iter().enumerate() {
                // SAFETY: row < n and k < nd index into `out`'s own layout.
                unsafe { *p.offset(row * s0 + k as isize * s1) = v };
            }
            row += 1;
        }
        for k in (0..nd).rev() {
            idx[k] += 1;
            if (idx[k] as usize) < shape[k] {
                break;
            }
            idx[k] = 0;
        }
    }
    Ok(out)
}

//! The CPU index kernels: coordinates of a tensor's true elements (`ops/shape/indexing.rs`).

use crate::backend::IndexKernel;
use crate::{Result, Tensor};

/// See `backend::index`.
pub fn run(k: IndexKernel, flags: &Tensor, out: &Tensor) -> Result<()> {
    match k {
        IndexKernel::Nonzero => nonzero(flags, out),
    }
}

fn nonzero(flags: &Tensor, out: &Tensor) -> Result<()> {
    let (shape, nd) = (flags.shape(), flags.ndim());
    // SAFETY: `flags` is contiguous bool with numel elements.
    let flags = unsafe { std::slice::from_raw_parts(flags.cpu_ptr::<bool>()?, flags.numel()) };
    let (s0, s1) = (out.strides()[0], out.strides()[1]);
    let (n, p) = (out.shape()[0] as isize, out.cpu_ptr::<i64>()?);
    let mut idx = vec![0i64; nd];
    let mut row = 0isize;
    for &f in flags {
        if f {
            crate::ensure!(row < n, runtime, "nonzero: more true elements than rows");
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
    Ok(())
}

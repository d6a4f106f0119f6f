//! The CPU copy kernel: `dst.copy_(src)` with dtype conversion, behind clone, contiguous,
//! `copy_` and `to(dtype)`.

use super::iter::{map1, SendPtr};
use crate::dtype::Real;
use crate::{with_dtype, DType, Result, Tensor};

/// Converts one element between dtypes with C++ semantics (through i64 between integer
/// types so large values stay exact, through f64 otherwise, `!= 0` into bool).
#[inline(always)]
pub fn convert<A: Real, B: Real>(a: A) -> B {
    if B::DTYPE == DType::Bool {
        B::from_bool(a.is_nonzero())
    } else if A::DTYPE.is_integral(true) && B::DTYPE.is_integral(false) {
        B::from_i64(a.to_i64())
    } else {
        B::elem_from_f64(a.to_f64())
    }
}

/// The smallest copy done in tiles when it is a transpose.
const TILED_MIN: usize = 4096;

/// Writes `src` (already broadcast to `dst`'s shape) into `dst`, converting dtypes.
pub fn run(dst: &Tensor, src: &Tensor) -> Result<()> {
    let shape = dst.dims();
    // Only a big copy is worth tiling, and only it pays for coalescing twice (here and in
    // the loop): a small one skips this check (about 300 instructions of a 4x4 cast).
    if dst.numel() >= TILED_MIN {
        let (cs, cst) = crate::layout::coalesce(&shape, &[dst.strides(), src.strides()]);
        if cs.len() == 2 && cst[0][1] == 1 && cst[1][0] == 1 && cst[1][1] != 1 {
            return super::transpose::copy_transposed(
                dst,
                src,
                (cs[0], cs[1]),
                cst[0][0],
                cst[1][1],
            );
        }
    }
    with_dtype!(src.dtype(), A, {
        with_dtype!(dst.dtype(), B, {
            // SAFETY: both views describe valid elements of their dtypes over `shape`.
            unsafe {
                map1::<A, B>(
                    &shape,
                    (SendPtr(dst.cpu_ptr::<B>()?), dst.strides()),
                    (SendPtr(src.cpu_ptr::<A>()?), src.strides()),
                    1,
                    convert::<A, B>,
                )
            }
        })
    });
    Ok(())
}

/// `dst[i] += src[i]` one element at a time in `dst`'s logical order (`src` contiguous, in
/// `dst`'s dtype), so an element `dst` names more than once receives every contribution.
pub fn accumulate(dst: &Tensor, src: &Tensor) -> Result<()> {
    let shape = dst.shape();
    let strides = dst.strides();
    with_dtype!(dst.dtype(), T, {
        use super::num::Arith;
        let (d, s) = (dst.cpu_ptr::<T>()?, src.cpu_ptr::<T>()?);
        let mut idx = vec![0usize; shape.len()];
        for i in 0..dst.numel() {
            let off: isize = idx
                .iter()
                .zip(strides)
                .map(|(&j, &st)| j as isize * st)
                .sum();
            // SAFETY: `off` is a position of the live view `dst`; `src` is contiguous.
            unsafe { *d.offset(off) = (*d.offset(off)).add(*s.add(i)) };
            for k in (0..shape.len()).rev() {
                idx[k] += 1;
                if idx[k] < shape[k] {
                    break;
                }
                idx[k] = 0;
            }
        }
    });
    Ok(())
}

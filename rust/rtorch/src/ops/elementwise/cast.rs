//! Dtype conversion: `to(dtype)`, `copy_` across dtypes, and the cast used by promotion.

use crate::autograd::record;
use crate::backend::cpu::iter::{map1, SendPtr};
use crate::dtype::Real;
use crate::{with_dtype, DType, Result, Scalar, Tensor};

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

/// Writes `src` (already broadcast to `dst`'s shape) into `dst`, converting dtypes.
pub(crate) fn copy_into(dst: &Tensor, src: &Tensor) -> Result<()> {
    let shape = dst.dims();
    let (cs, cst) = crate::layout::coalesce(&shape, &[dst.strides(), src.strides()]);
    if cs.len() == 2 && cst[0][1] == 1 && cst[1][0] == 1 && cst[1][1] != 1 && cs[0] * cs[1] >= 4096
    {
        return copy_transposed(dst, src, (cs[0], cs[1]), cst[0][0], cst[1][1]);
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

/// Copies `rows x cols` where `dst` walks rows (stride `ds`, unit columns) and `src` walks
/// columns (unit rows, stride `ss`): a transpose. Done in square tiles so that both sides
/// stay in cache; row tiles run in parallel.
fn copy_transposed(
    dst: &Tensor,
    src: &Tensor,
    (rows, cols): (usize, usize),
    ds: isize,
    ss: isize,
) -> Result<()> {
    const B: usize = 32;
    with_dtype!(src.dtype(), A, {
        with_dtype!(dst.dtype(), T, {
            let (pd, ps) = (SendPtr(dst.cpu_ptr::<T>()?), SendPtr(src.cpu_ptr::<A>()?));
            crate::parallel::for_chunks(rows.div_ceil(B), B * cols, |s, e| {
                for tr in s..e {
                    let (r0, r1) = (tr * B, ((tr + 1) * B).min(rows));
                    for c0 in (0..cols).step_by(B) {
                        let c1 = (c0 + B).min(cols);
                        for r in r0..r1 {
                            for c in c0..c1 {
                                // SAFETY: r < rows, c < cols index valid elements of both views.
                                unsafe {
                                    *pd.at(r as isize * ds + c as isize) =
                                        convert::<A, T>(*ps.at(r as isize + c as isize * ss));
                                }
                            }
                        }
                    }
                }
            });
        })
    });
    Ok(())
}

/// A contiguous copy of `t` converted to `dtype` (no autograd).
pub(crate) fn cast_copy(t: &Tensor, dtype: DType) -> Result<Tensor> {
    let out = t.new_empty(t.shape(), dtype)?;
    copy_into(&out, t)?;
    Ok(out)
}

/// `t.to(dtype)`: `t` itself when the dtype already matches.
pub fn to_dtype(t: &Tensor, dtype: DType) -> Result<Tensor> {
    if t.dtype() == dtype {
        return Ok(t.clone());
    }
    let out = t.new_elementwise(t.shape(), dtype, &[t.strides()])?;
    copy_into(&out, t)?;
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
    // SAFETY: a non-empty tensor's first element is valid at its data pointer.
    Ok(with_dtype!(t.dtype(), T, {
        let v = unsafe { *t.cpu_ptr::<T>()? };
        match t.dtype() {
            DType::Bool => Scalar::Bool(v.is_nonzero()),
            d if d.is_integral(false) => Scalar::Int(v.to_i64()),
            _ => Scalar::Float(v.to_f64()),
        }
    }))
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

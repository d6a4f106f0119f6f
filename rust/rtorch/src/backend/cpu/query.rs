//! The CPU reads that answer the host with a value (a CUDA backend would copy it back and
//! synchronize): one element as a number, and whether a tensor holds a zero.

use super::iter::{for_each_run, SendPtr};
use crate::dtype::Real;
use crate::{bail, dispatch, with_dtype, DType, Result, Scalar, Tensor};
use std::sync::atomic::{AtomicBool, Ordering};

/// The first element of a non-empty `t` as a number of its kind (exact for int64).
pub fn item(t: &Tensor) -> Result<Scalar> {
    Ok(with_dtype!(t.dtype(), T, {
        // SAFETY: a non-empty tensor's first element is valid at its data pointer.
        let v = unsafe { *t.cpu_ptr::<T>()? };
        match t.dtype() {
            DType::Bool => Scalar::Bool(v.is_nonzero()),
            d if d.is_integral(false) => Scalar::Int(v.to_i64()),
            _ => Scalar::Float(v.to_f64()),
        }
    }))
}

/// Whether `t` (integer or bool) holds a zero, read in place through its strides. Runs
/// stop at their first zero; pool threads skip the rest once any has found one.
pub fn has_zero(t: &Tensor) -> Result<bool> {
    let found = AtomicBool::new(false);
    dispatch!(
        INTEGRAL | BOOL,
        t.dtype(),
        T,
        {
            let p = SendPtr(t.cpu_ptr::<T>()?);
            for_each_run(t.shape(), [t.strides()], 1, |off, n, st| {
                if found.load(Ordering::Relaxed) {
                    return;
                }
                // SAFETY: the run lies inside t's view.
                let zero =
                    (0..n as isize).any(|i| unsafe { !(*p.at(off[0] + i * st[0])).is_nonzero() });
                if zero {
                    found.store(true, Ordering::Relaxed);
                }
            });
        },
        bail!(
            runtime,
            "internal error: a zero-divisor check for {}",
            t.dtype().name()
        )
    );
    Ok(found.into_inner())
}

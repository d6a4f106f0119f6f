//! CPU kernels of the two-input elementwise ops: one strided, broadcasting loop per
//! kernel, with the compute dtype fanned out by `with_dtype!`.

use super::iter::{map2, SendPtr};
use super::num::Arith;
use crate::backend::{BinaryKernel, RoundingMode};
use crate::layout::Layout;
use crate::{with_dtype, Element, Real, Result, Scalar, Tensor};

/// `out = op(a, b)`; `a` and `b` share the compute dtype, `la`/`lb` are their layouts
/// broadcast to `out`'s shape.
#[allow(
    clippy::bool_comparison,
    reason = "the body is expanded for every dtype; for bool, `<` is torch's false < true"
)]
pub fn run(
    op: BinaryKernel,
    (a, la): (&Tensor, &Layout),
    (b, lb): (&Tensor, &Layout),
    out: &Tensor,
) -> Result<()> {
    let shape = out.dims();
    let po = out.cpu_addr()?;
    let (pa, pb) = (a.cpu_addr()?, b.cpu_addr()?);
    let os = out.strides_vec();
    with_dtype!(a.dtype(), T, {
        let pa = SendPtr(pa as *mut T);
        let pb = SendPtr(pb as *mut T);
        let sa = (pa, la.strides.as_slice());
        let sb = (pb, lb.strides.as_slice());
        // SAFETY: all three views are valid over `shape` for their element types.
        unsafe {
            // Comparisons and logical ops always give bool, whatever they compare in.
            if op.gives_bool() {
                let o = (SendPtr(po as *mut bool), os.as_slice());
                match op {
                    BinaryKernel::Eq => map2(&shape, o, sa, sb, 1, |x: T, y: T| x == y),
                    BinaryKernel::Ne => map2(&shape, o, sa, sb, 1, |x: T, y: T| x != y),
                    BinaryKernel::Lt => map2(&shape, o, sa, sb, 1, |x: T, y: T| x < y),
                    BinaryKernel::Le => map2(&shape, o, sa, sb, 1, |x: T, y: T| x <= y),
                    BinaryKernel::Gt => map2(&shape, o, sa, sb, 1, |x: T, y: T| x > y),
                    BinaryKernel::Ge => map2(&shape, o, sa, sb, 1, |x: T, y: T| x >= y),
                    BinaryKernel::LogicalAnd => map2(&shape, o, sa, sb, 1, |x: T, y: T| {
                        x.is_nonzero() && y.is_nonzero()
                    }),
                    BinaryKernel::LogicalOr => map2(&shape, o, sa, sb, 1, |x: T, y: T| {
                        x.is_nonzero() || y.is_nonzero()
                    }),
                    BinaryKernel::LogicalXor => map2(&shape, o, sa, sb, 1, |x: T, y: T| {
                        x.is_nonzero() != y.is_nonzero()
                    }),
                    _ => unreachable!("{op:?} has a non-bool output"),
                }
            } else {
                let o = (SendPtr(po as *mut T), os.as_slice());
                match op {
                    BinaryKernel::Add(Scalar::Int(1)) => {
                        map2(&shape, o, sa, sb, 1, |x: T, y: T| Arith::add(x, y))
                    }
                    BinaryKernel::Add(alpha) => {
                        let al: T = alpha.cast();
                        map2(&shape, o, sa, sb, 1, move |x: T, y: T| {
                            Arith::add(x, y.mul(al))
                        })
                    }
                    BinaryKernel::Sub(Scalar::Int(1)) => {
                        map2(&shape, o, sa, sb, 1, |x: T, y: T| Arith::sub(x, y))
                    }
                    BinaryKernel::Sub(alpha) => {
                        let al: T = alpha.cast();
                        map2(&shape, o, sa, sb, 1, move |x: T, y: T| {
                            Arith::sub(x, y.mul(al))
                        })
                    }
                    BinaryKernel::Mul => map2(&shape, o, sa, sb, 1, |x: T, y: T| Arith::mul(x, y)),
                    BinaryKernel::Div(RoundingMode::True) => {
                        map2(&shape, o, sa, sb, 1, |x: T, y: T| Arith::div(x, y))
                    }
                    BinaryKernel::Div(RoundingMode::Trunc) => {
                        map2(&shape, o, sa, sb, 2, |x: T, y: T| {
                            if T::DTYPE.is_floating_point() {
                                T::elem_from_f64(Arith::div(x, y).to_f64().trunc())
                            } else {
                                Arith::div(x, y)
                            }
                        })
                    }
                    BinaryKernel::Div(RoundingMode::Floor) => {
                        map2(&shape, o, sa, sb, 2, |x: T, y: T| Arith::floor_div(x, y))
                    }
                    BinaryKernel::Rem => map2(&shape, o, sa, sb, 2, |x: T, y: T| Arith::rem(x, y)),
                    BinaryKernel::Fmod => {
                        map2(&shape, o, sa, sb, 2, |x: T, y: T| Arith::fmod(x, y))
                    }
                    BinaryKernel::Pow => map2(&shape, o, sa, sb, 8, |x: T, y: T| Arith::pow(x, y)),
                    BinaryKernel::Atan2 => map2(&shape, o, sa, sb, 8, |x: T, y: T| {
                        T::elem_from_f64(x.to_f64().atan2(y.to_f64()))
                    }),
                    BinaryKernel::Maximum => {
                        map2(&shape, o, sa, sb, 1, |x: T, y: T| Arith::maximum(x, y))
                    }
                    BinaryKernel::Minimum => {
                        map2(&shape, o, sa, sb, 1, |x: T, y: T| Arith::minimum(x, y))
                    }
                    BinaryKernel::BitAnd => {
                        map2(&shape, o, sa, sb, 1, |x: T, y: T| Arith::band(x, y))
                    }
                    BinaryKernel::BitOr => {
                        map2(&shape, o, sa, sb, 1, |x: T, y: T| Arith::bor(x, y))
                    }
                    BinaryKernel::BitXor => {
                        map2(&shape, o, sa, sb, 1, |x: T, y: T| Arith::bxor(x, y))
                    }
                    BinaryKernel::Shl | BinaryKernel::Shr => {
                        let bits = 8 * T::DTYPE.itemsize() as i64;
                        let signed = T::DTYPE != DType::U8;
                        let left = op == BinaryKernel::Shl;
                        map2(&shape, o, sa, sb, 1, move |x: T, y: T| {
                            T::from_i64(shift(x.to_i64(), y.to_i64(), bits, signed, left))
                        })
                    }
                    _ => unreachable!("{op:?} gives bool"),
                }
            }
        }
    });
    Ok(())
}

/// PyTorch's shifts on a `bits`-wide integer: a shift by a negative amount or by the
/// width or more gives 0 to the left, and the sign (0 or -1; 0 when unsigned) to the right.
#[inline(always)]
fn shift(x: i64, y: i64, bits: i64, signed: bool, left: bool) -> i64 {
    let out_of_range = y < 0 || y >= bits;
    match (left, out_of_range) {
        (true, true) => 0,
        (true, false) => x.wrapping_shl(y as u32),
        (false, true) if signed && x < 0 => -1,
        (false, true) => 0,
        (false, false) => x >> y,
    }
}

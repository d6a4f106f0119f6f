//! In-place forms of `map_f32`/`map_f64` (`x.exp_()`, `x.relu_()` without autograd), and
//! `Relu`, whose in-place scalar loop does not vectorise.
//!
//! NOTE [ Vector relu ]: `x < 0 ? 0 : x` written in place as a scalar loop stores back
//! the value it read in one arm, which LLVM turns into a branch around a conditional
//! store that it will not vectorise (400k float32 at 1 thread: 168 us, torch 20). The
//! same select written on whole vectors stays a blend and a full store. NaN and -0.0 pass
//! through unchanged, as in torch (`-0.0 < 0` is false).

use super::{dispatch, UnaryF32, UnaryF64};
use pulp::bytemuck;
use pulp::{Simd, WithSimd};
use std::marker::PhantomData;

pub struct Relu;

impl UnaryF32 for Relu {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f32s) -> S::f32s {
        let zero = s.splat_f32s(0.0);
        s.select_f32s(s.less_than_f32s(x, zero), zero, x)
    }

    fn scalar(x: f32) -> f32 {
        if x < 0.0 {
            0.0
        } else {
            x
        }
    }
}

impl UnaryF64 for Relu {
    #[inline(always)]
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s {
        let zero = s.splat_f64s(0.0);
        s.select_f64s(s.less_than_f64s(x, zero), zero, x)
    }

    fn scalar(x: f64) -> f64 {
        if x < 0.0 {
            0.0
        } else {
            x
        }
    }
}

/// `xs[i] = K(xs[i])` on the dispatched path.
pub fn map_f32_inplace<K: UnaryF32>(xs: &mut [f32]) {
    dispatch(InPlaceF32::<K> { xs, k: PhantomData });
}

/// `xs[i] = K(xs[i])` on the dispatched path.
pub fn map_f64_inplace<K: UnaryF64>(xs: &mut [f64]) {
    dispatch(InPlaceF64::<K> { xs, k: PhantomData });
}

struct InPlaceF32<'a, K> {
    xs: &'a mut [f32],
    k: PhantomData<K>,
}

impl<K: UnaryF32> WithSimd for InPlaceF32<'_, K> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        // NOTE: no closures in here, as in `MapF32`. A declined lane is recomputed from
        // its input, so the vector is written only when every lane is accepted.
        let lanes = size_of::<S::f32s>() / size_of::<f32>();
        let (head, tail) = S::as_mut_simd_f32s(self.xs);
        for v in head.iter_mut() {
            let (y, declined) = K::vec_checked(s, *v);
            match declined {
                Some(m) if s.first_true_m32s(m) < lanes => {
                    let old: &mut [f32] = bytemuck::cast_slice_mut(std::slice::from_mut(v));
                    old.iter_mut().for_each(|e| *e = K::scalar(*e));
                }
                _ => *v = y,
            }
        }
        if !tail.is_empty() {
            let (y, declined) = K::vec_checked(s, s.partial_load_f32s(tail));
            match declined {
                Some(m) if s.first_true_m32s(m) < lanes => {
                    tail.iter_mut().for_each(|e| *e = K::scalar(*e));
                }
                _ => s.partial_store_f32s(tail, y),
            }
        }
    }
}

struct InPlaceF64<'a, K> {
    xs: &'a mut [f64],
    k: PhantomData<K>,
}

impl<K: UnaryF64> WithSimd for InPlaceF64<'_, K> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        let lanes = size_of::<S::f64s>() / size_of::<f64>();
        let (head, tail) = S::as_mut_simd_f64s(self.xs);
        for v in head.iter_mut() {
            let (y, declined) = K::vec_checked(s, *v);
            match declined {
                Some(m) if s.first_true_m64s(m) < lanes => {
                    let old: &mut [f64] = bytemuck::cast_slice_mut(std::slice::from_mut(v));
                    old.iter_mut().for_each(|e| *e = K::scalar(*e));
                }
                _ => *v = y,
            }
        }
        if !tail.is_empty() {
            let (y, declined) = K::vec_checked(s, s.partial_load_f64s(tail));
            match declined {
                Some(m) if s.first_true_m64s(m) < lanes => {
                    tail.iter_mut().for_each(|e| *e = K::scalar(*e));
                }
                _ => s.partial_store_f64s(tail, y),
            }
        }
    }
}

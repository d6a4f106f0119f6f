//! `atan2(y, x)` over two dense slices, on the vector bodies of `f32_trig.rs` and
//! `f64_trig.rs` (NOTE [ SIMD inverse trig ]). Every lane is served by the vector body,
//! special values included, so there is no scalar fallback.

use super::dispatch;
use pulp::{Simd, WithSimd};

/// `os[i] = atan2(ys[i], xs[i])` for float32 on the dispatched path.
pub fn atan2_f32(os: &mut [f32], ys: &[f32], xs: &[f32]) {
    debug_assert!(os.len() == ys.len() && ys.len() == xs.len());
    dispatch(Atan2F32 { os, ys, xs });
}

/// `os[i] = atan2(ys[i], xs[i])` for float64 on the dispatched path.
pub fn atan2_f64(os: &mut [f64], ys: &[f64], xs: &[f64]) {
    debug_assert!(os.len() == ys.len() && ys.len() == xs.len());
    dispatch(Atan2F64 { os, ys, xs });
}

struct Atan2F32<'a> {
    os: &'a mut [f32],
    ys: &'a [f32],
    xs: &'a [f32],
}

impl WithSimd for Atan2F32<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        // NOTE: no closures in here (see `MapF32`).
        let (yh, yt) = S::as_simd_f32s(self.ys);
        let (xh, xt) = S::as_simd_f32s(self.xs);
        let (oh, ot) = S::as_mut_simd_f32s(self.os);
        for ((o, &y), &x) in oh.iter_mut().zip(yh).zip(xh) {
            *o = super::f32_trig::atan2_vec(s, y, x);
        }
        if !yt.is_empty() {
            let (y, x) = (s.partial_load_f32s(yt), s.partial_load_f32s(xt));
            s.partial_store_f32s(ot, super::f32_trig::atan2_vec(s, y, x));
        }
    }
}

struct Atan2F64<'a> {
    os: &'a mut [f64],
    ys: &'a [f64],
    xs: &'a [f64],
}

impl WithSimd for Atan2F64<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        let (yh, yt) = S::as_simd_f64s(self.ys);
        let (xh, xt) = S::as_simd_f64s(self.xs);
        let (oh, ot) = S::as_mut_simd_f64s(self.os);
        for ((o, &y), &x) in oh.iter_mut().zip(yh).zip(xh) {
            *o = super::f64_trig::atan2_vec(s, y, x);
        }
        if !yt.is_empty() {
            let (y, x) = (s.partial_load_f64s(yt), s.partial_load_f64s(xt));
            s.partial_store_f64s(ot, super::f64_trig::atan2_vec(s, y, x));
        }
    }
}

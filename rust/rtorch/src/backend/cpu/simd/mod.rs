//! Vectorised float kernels of the unary transcendental family, each written once over
//! pulp's `Simd` trait so one source serves the baseline, AVX2+FMA, AVX-512 and NEON
//! paths. The path is chosen once per process (NOTE [ SIMD dispatch ]); the polynomials
//! and range reductions are in `f32*.rs` and `f64*.rs`.

mod atan2;
mod f32;
mod f32_log;
mod f32_more;
mod f32_trig;
mod f64;
mod f64_erf;
mod f64_log;
mod f64_more;
mod f64_trig;
mod inplace;
mod pow;
mod pow_f64;

pub use self::atan2::{atan2_f32, atan2_f64};
pub use self::f32::{Cos, Exp, Log, Sigmoid, Sin, Tanh};
pub use self::f32_log::{Log10, Log1p, Log2};
pub use self::f32_more::{Erf, Expm1, Rsqrt, Tan};
pub use self::f32_trig::{Acos, Asin, Atan, Cosh, Sinh};
pub use self::f64_erf::{Erfc, ErfcF32};
pub use self::inplace::{map_f32_inplace, map_f64_inplace, Relu};
pub use self::pow::{pow_f32, Exponent};
pub use self::pow_f64::pow_f64;

use pulp::{Simd, WithSimd};
use std::marker::PhantomData;
use std::sync::OnceLock;

/// The instruction-set path the vector kernels run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isa {
    /// pulp's portable 128-bit lanes: plain Rust arithmetic that LLVM compiles at the
    /// target's baseline (SSE2 on x86-64).
    Baseline,
    Avx2,
    Avx512,
    Neon,
}

impl Isa {
    pub fn name(self) -> &'static str {
        match self {
            Isa::Baseline => "baseline",
            Isa::Avx2 => "avx2",
            Isa::Avx512 => "avx512",
            Isa::Neon => "neon",
        }
    }

    fn available(self) -> bool {
        match self {
            Isa::Baseline => true,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => pulp::x86::V3::try_new().is_some(),
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => pulp::x86::V4::try_new().is_some(),
            #[cfg(target_arch = "aarch64")]
            Isa::Neon => pulp::aarch64::Neon::try_new().is_some(),
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }
}

// NOTE [ SIMD dispatch ]: the path is detected once and cached. `RTORCH_ISA=baseline|avx2|
// avx512|neon` forces one so tests reach every path the CPU has. A forced path the CPU
// lacks (or an unknown name) is not an error: the kernels fall back to the best path
// available and say so once on stderr, because a library should not abort a run over a
// tuning knob; `rtorch._C._cpu_isa()` reports the path actually used, which is what the
// tests check before trusting a forced run.
static ISA: OnceLock<Isa> = OnceLock::new();

/// The path the vector kernels use in this process.
pub fn isa() -> Isa {
    *ISA.get_or_init(|| {
        let best = [Isa::Avx512, Isa::Avx2, Isa::Neon]
            .into_iter()
            .find(|i| i.available())
            .unwrap_or(Isa::Baseline);
        let Ok(want) = std::env::var("RTORCH_ISA") else {
            return best;
        };
        let forced = [Isa::Baseline, Isa::Avx2, Isa::Avx512, Isa::Neon]
            .into_iter()
            .find(|i| i.name() == want.trim().to_ascii_lowercase());
        match forced {
            Some(i) if i.available() => i,
            Some(_) => {
                eprintln!("rtorch: RTORCH_ISA={want}: this CPU lacks it; using {}", best.name());
                best
            }
            None => {
                eprintln!(
                    "rtorch: RTORCH_ISA={want} is not one of baseline, avx2, avx512, neon; using {}",
                    best.name()
                );
                best
            }
        }
    })
}

fn dispatch<Op: WithSimd>(op: Op) -> Op::Output {
    match isa() {
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => Simd::vectorize(pulp::x86::V4::try_new().expect("checked by isa()"), op),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => Simd::vectorize(pulp::x86::V3::try_new().expect("checked by isa()"), op),
        #[cfg(target_arch = "aarch64")]
        Isa::Neon => Simd::vectorize(
            pulp::aarch64::Neon::try_new().expect("checked by isa()"),
            op,
        ),
        _ => Simd::vectorize(pulp::Scalar128b, op),
    }
}

/// A float32 function with a vector body and a scalar reference for the lanes the vector
/// body declines (arguments its range reduction cannot take accurately).
pub trait UnaryF32 {
    fn vec<S: Simd>(s: S, x: S::f32s) -> S::f32s;

    /// The vector result and, when some lanes must be recomputed by `scalar`, their mask.
    #[inline(always)]
    fn vec_checked<S: Simd>(s: S, x: S::f32s) -> (S::f32s, Option<S::m32s>) {
        (Self::vec(s, x), None)
    }

    fn scalar(x: f32) -> f32;
}

/// `os[i] = K(xs[i])` on the dispatched path.
pub fn map_f32<K: UnaryF32>(os: &mut [f32], xs: &[f32]) {
    debug_assert_eq!(os.len(), xs.len());
    dispatch(MapF32::<K> {
        os,
        xs,
        k: PhantomData,
    });
}

struct MapF32<'a, K> {
    os: &'a mut [f32],
    xs: &'a [f32],
    k: PhantomData<K>,
}

impl<K: UnaryF32> WithSimd for MapF32<'_, K> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        // NOTE: no closures in here: a closure does not inherit the target features of
        // the `vectorize` frame, so the pulp calls inside one are not inlined (16 ns per
        // element for exp instead of 0.3).
        let lanes = size_of::<S::f32s>() / size_of::<f32>();
        // Vectors with a lane the vector body declined; rare, so recomputed afterwards.
        let mut redo = Vec::new();
        let (xh, xt) = S::as_simd_f32s(self.xs);
        let (oh, ot) = S::as_mut_simd_f32s(self.os);
        for (i, (o, &x)) in oh.iter_mut().zip(xh).enumerate() {
            let (y, declined) = K::vec_checked(s, x);
            *o = y;
            if let Some(m) = declined {
                if s.first_true_m32s(m) < lanes {
                    redo.push(i * lanes..(i + 1) * lanes);
                }
            }
        }
        if !xt.is_empty() {
            // The zero padding of a partial load never asks for the scalar path.
            let (y, declined) = K::vec_checked(s, s.partial_load_f32s(xt));
            s.partial_store_f32s(ot, y);
            if let Some(m) = declined {
                if s.first_true_m32s(m) < lanes {
                    redo.push(xh.len() * lanes..self.xs.len());
                }
            }
        }
        for range in redo {
            for j in range {
                self.os[j] = K::scalar(self.xs[j]);
            }
        }
    }
}

/// The float64 counterpart of `UnaryF32`, implemented by the same kernel types, so that
/// one name (`simd::Exp`) carries both vector bodies.
pub trait UnaryF64 {
    fn vec<S: Simd>(s: S, x: S::f64s) -> S::f64s;

    /// The vector result and, when some lanes must be recomputed by `scalar`, their mask.
    #[inline(always)]
    fn vec_checked<S: Simd>(s: S, x: S::f64s) -> (S::f64s, Option<S::m64s>) {
        (Self::vec(s, x), None)
    }

    fn scalar(x: f64) -> f64;
}

/// `os[i] = K(xs[i])` for float32 through the float64 body of `K`, rounded once (within
/// 0.5 ulp plus the float64 error, about 2^-29 ulp): for erfc, whose float32 tail would
/// need float64's exponent range in its intermediate e^(-x^2) (`ErfcF32`).
pub fn map_f32_via_f64<K: UnaryF64>(os: &mut [f32], xs: &[f32]) {
    const BLOCK: usize = 256;
    let (mut a, mut b) = ([0f64; BLOCK], [0f64; BLOCK]);
    for (o, x) in os.chunks_mut(BLOCK).zip(xs.chunks(BLOCK)) {
        let m = x.len();
        for (d, &v) in a[..m].iter_mut().zip(x) {
            *d = f64::from(v);
        }
        map_f64::<K>(&mut b[..m], &a[..m]);
        for (d, &v) in o.iter_mut().zip(&b[..m]) {
            *d = v as f32;
        }
    }
}

/// `os[i] = K(xs[i])` on the dispatched path.
pub fn map_f64<K: UnaryF64>(os: &mut [f64], xs: &[f64]) {
    debug_assert_eq!(os.len(), xs.len());
    dispatch(MapF64::<K> {
        os,
        xs,
        k: PhantomData,
    });
}

struct MapF64<'a, K> {
    os: &'a mut [f64],
    xs: &'a [f64],
    k: PhantomData<K>,
}

impl<K: UnaryF64> WithSimd for MapF64<'_, K> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, s: S) {
        // NOTE: no closures in here, as in `MapF32`.
        let lanes = size_of::<S::f64s>() / size_of::<f64>();
        let mut redo = Vec::new();
        let (xh, xt) = S::as_simd_f64s(self.xs);
        let (oh, ot) = S::as_mut_simd_f64s(self.os);
        for (i, (o, &x)) in oh.iter_mut().zip(xh).enumerate() {
            let (y, declined) = K::vec_checked(s, x);
            *o = y;
            if let Some(m) = declined {
                if s.first_true_m64s(m) < lanes {
                    redo.push(i * lanes..(i + 1) * lanes);
                }
            }
        }
        if !xt.is_empty() {
            let (y, declined) = K::vec_checked(s, s.partial_load_f64s(xt));
            s.partial_store_f64s(ot, y);
            if let Some(m) = declined {
                if s.first_true_m64s(m) < lanes {
                    redo.push(xh.len() * lanes..self.xs.len());
                }
            }
        }
        for range in redo {
            for j in range {
                self.os[j] = K::scalar(self.xs[j]);
            }
        }
    }
}

/// `os[i] = f(xs[i])` as a plain loop compiled for the dispatched path, so LLVM vectorises
/// the element conversions of a dense cast with that path's instructions (AVX-512 has
/// float <-> int64 conversions that AVX2 lacks). `f` must be a simple expression without
/// pulp calls (see the NOTE in `MapF32::with_simd`).
pub fn map_cast<A: Copy, B: Copy>(os: &mut [B], xs: &[A], f: impl Fn(A) -> B) {
    dispatch(MapCast { os, xs, f });
}

struct MapCast<'a, A, B, F> {
    os: &'a mut [B],
    xs: &'a [A],
    f: F,
}

impl<A: Copy, B: Copy, F: Fn(A) -> B> WithSimd for MapCast<'_, A, B, F> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        for (o, &x) in self.os.iter_mut().zip(self.xs) {
            *o = (self.f)(x);
        }
    }
}

/// `os[j] = f(first + j)` as a plain loop compiled for the dispatched path (the fills of
/// `arange` and `linspace`, whose `mul_add` must be a real fused multiply-add to keep
/// their values and be fast; see `map_cast` for what `f` may be).
pub fn fill_indexed<T: Copy>(os: &mut [T], first: usize, f: impl Fn(usize) -> T + Copy) {
    dispatch(FillIndexed { os, first, f });
}

struct FillIndexed<'a, T, F> {
    os: &'a mut [T],
    first: usize,
    f: F,
}

impl<T: Copy, F: Fn(usize) -> T + Copy> WithSimd for FillIndexed<'_, T, F> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        let (f, first) = (self.f, self.first);
        for (j, o) in self.os.iter_mut().enumerate() {
            *o = f(first + j);
        }
    }
}

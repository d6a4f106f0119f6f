//! Folds of one contiguous run in vector lanes: max / min, the index of the max / min,
//! and the product (NOTE [ Inner-run folds ]). `reduce.rs` calls them through
//! `Run::with_slice` for the dtypes `has_lanes` names.

#[cfg(target_arch = "x86_64")]
use super::iter::{isa, Isa};
use super::num::Arith;
use crate::DType;

// NOTE [ Inner-run folds ]: folding a run element by element through `Arith::maximum`
// (a NaN test and a branch per element) or the arg-reductions' (value, index, is_nan)
// tuple kept each step serial: 1M float32 at 1 thread, AMD EPYC (Zen 4), took 1.73 ms
// for max(), 5.6 ms for argmax() and 1.35 ms for prod() against torch's 0.11, 0.86 and
// 0.05. Here a run is folded in LANES independent accumulators that LLVM turns into
// vector compares and blends (or multiplies), compiled for AVX2 at run time:
// - max / min: a lane takes `v` when `v > lane || v is NaN`; once a lane is NaN no
//   value replaces it, so any NaN makes the result NaN, as torch's max does.
// - argmax / argmin: blocks of ARG_BLOCK elements are folded as max / min; the first
//   block whose max is NaN, or else the first block whose max is strictly the best, is
//   searched again (in cache) for the first index holding that value. That gives the
//   first NaN, else the first of the ties, in one pass over memory. -0.0 and +0.0 are
//   equal ties, as in torch: the index is the first of either and the value is the
//   element at that index (torch's own sign of a zero max depends on its lane layout:
//   its max() and amax() of [0.0, -0.0] disagree).
// - prod: lanes of products, multiplied together at the end; a float product rounds in
//   a different order than the sequential one (as torch's vectorised prod does).
// Speeds after this change are in the commit and in NOTE [ Inner reduction speed ].

// NOTE [ Inner reduction speed ]: 1 thread, median of 25, rtorch vs torch 2.13 in the
// same run, 1M elements (rand + 0.5), AMD EPYC (Zen 4) with 2 cores shared by other
// builds (load ~2). Before -> after (torch), microseconds:
//   float32  max()        1729 -> 48   (109)    float64  max()        1735 -> 92  (216)
//   float32  argmax()     5599 -> 65   (860)    float64  argmax()     5544 -> 110 (858)
//   float32  prod()       1349 -> 45   (46)     float64  prod()       1315 -> 87  (89)
//   float32  norm()        261 -> 74   (114)    float64  norm()        791 -> 98  (222)
//   float32  max(1)       5594 -> 151  (919)    float64  max(1)       5693 -> 215 (633)
//   float32  amax(1)      1716 -> 81   (53)     float64  amax(1)      1716 -> 124 (97)
//   float32  prod(1)       810 -> 61   (49)     float64  prod(1)       819 -> 107 (100)
// (dim 1 of 1024x1024). amax(1) / prod(1) stay behind torch: 1024 short runs pay the
// walker's per-output cost (offset arithmetic, dispatch, the lane fold), ~30 ns a row.
// At 2 threads both libraries' times were dominated by the shared cores (torch's max
// 8 ms in one run), so no 2-thread comparison is recorded; 2 threads give the same
// values as 1 (split runs use fixed chunks, `reduce_iter.rs`).
// float64 softmax over the last dim (1024x1024) took 11 ms in `f64::exp` per element;
// with the vector exp fwd+bwd is 9.6 -> 4.8 ms (torch 2.6; the composite backward is
// the rest). Softmax over dim 0 was already under torch (f32 fwd 0.78 vs 1.49 ms, fwd+bwd
// 1.66 vs 3.12 ms); log_softmax over dim 1 of (32, 64, 512) is not (0.88 vs 0.66 ms).

/// Independent accumulators per run: four AVX2 registers of float32, eight of float64.
const LANES: usize = 32;
// `fold_lanes` halves from 16.
const _: () = assert!(LANES == 32);
/// Elements per block of the arg-reductions' first pass (8 KiB of float32: the
/// second search stays in L1).
const ARG_BLOCK: usize = 2048;

/// Whether `dtype` folds in lanes here: the types whose compares and multiplies LLVM
/// vectorises (half types compare through float32 one element at a time).
pub(crate) fn has_lanes(dtype: DType) -> bool {
    use DType::*;
    matches!(dtype, F32 | F64 | U8 | I8 | I16 | I32 | I64 | Bool)
}

/// Whether `v` replaces the accumulator `a` of a max (`MAX`) or min.
#[inline(always)]
fn better<T: Arith, const MAX: bool>(v: T, a: T) -> bool {
    (if MAX { v > a } else { v < a }) || v.is_nan()
}

#[inline(always)]
fn extremum_body<T: Arith, const MAX: bool>(s: &[T], init: T) -> T {
    let pick = |a: T, b: T| {
        if MAX {
            Arith::maximum(a, b)
        } else {
            Arith::minimum(a, b)
        }
    };
    if s.len() < LANES {
        // NOTE [ Short rows ]: lanes cost more than they save here.
        return s.iter().fold(init, |a, &b| pick(a, b));
    }
    let mut lanes = [init; LANES];
    let mut it = s.chunks_exact(LANES);
    for c in &mut it {
        for i in 0..LANES {
            // Not `if better { v } else { a }` through `&&`: the `||` of two compares
            // vectorises as one mask.
            lanes[i] = if better::<T, MAX>(c[i], lanes[i]) {
                c[i]
            } else {
                lanes[i]
            };
        }
    }
    // A NaN lane decides alone; the others fold with plain compares, which vectorise
    // (NOTE [ Lane fold in registers ]).
    let top = if lanes.iter().fold(false, |a, v| a | v.is_nan()) {
        lanes.into_iter().find(|v| v.is_nan()).unwrap_or(init)
    } else {
        fold_lanes(&lanes, |a, v| {
            if (MAX && v > a) || (!MAX && v < a) {
                v
            } else {
                a
            }
        })
    };
    it.remainder().iter().fold(top, |a, &b| pick(a, b))
}

#[inline(always)]
fn prod_body<T: Arith>(s: &[T], one: T) -> T {
    if s.len() < LANES {
        return s.iter().fold(one, |a, &b| Arith::mul(a, b));
    }
    let mut lanes = [one; LANES];
    let mut it = s.chunks_exact(LANES);
    for c in &mut it {
        for i in 0..LANES {
            lanes[i] = Arith::mul(lanes[i], c[i]);
        }
    }
    let top = fold_lanes(&lanes, Arith::mul);
    it.remainder().iter().fold(top, |a, &b| Arith::mul(a, b))
}

/// The lanes folded by halves (a serial fold of 32 lanes was ~40% of a 1024-element
/// row's max). NOTE: not inlined: inlined, LLVM vectorised the main loop of the caller
/// in 128-bit registers or not at all (max of 1M float32 48 -> 178 us).
// NOTE [ Lane fold in registers ]: the halving steps must be plain loops over fixed
// widths on a local copy: written with fresh arrays per step, LLVM kept every lane in a
// scalar register (50% of `amax(1)` of 4096x256 float32 was this fold: 167 us against
// torch's 63).
#[inline(never)]
fn fold_lanes<T: Copy>(l: &[T; LANES], f: impl Fn(T, T) -> T) -> T {
    let mut a = *l;
    macro_rules! half {
        ($w:expr) => {
            for i in 0..$w {
                a[i] = f(a[i], a[i + $w]);
            }
        };
    }
    half!(16);
    half!(8);
    half!(4);
    half!(2);
    half!(1);
    a[0]
}

/// The first index of `s` where `hit` holds, if any, testing LANES elements at a time
/// without an early exit inside a group (which vectorises; `position` does not).
#[inline(always)]
fn find_first<T: Copy>(s: &[T], hit: impl Fn(T) -> bool) -> Option<usize> {
    let mut it = s.chunks_exact(LANES);
    for (g, c) in (&mut it).enumerate() {
        if c.iter().fold(false, |a, &v| a | hit(v)) {
            return c.iter().position(|&v| hit(v)).map(|i| g * LANES + i);
        }
    }
    let r = it.remainder();
    r.iter()
        .position(|&v| hit(v))
        .map(|i| s.len() - r.len() + i)
}

/// The index of the first NaN, else of the first max (`MAX`) / min, of a non-empty run.
#[inline(always)]
fn arg_body<T: Arith, const MAX: bool>(s: &[T], init: T) -> usize {
    let mut best: Option<(usize, T)> = None;
    for (b, block) in s.chunks(ARG_BLOCK).enumerate() {
        let m = extremum_body::<T, MAX>(block, init);
        if m.is_nan() {
            best = Some((b, m));
            break;
        }
        if best.is_none_or(|(_, bm)| if MAX { m > bm } else { m < bm }) {
            best = Some((b, m));
        }
    }
    let (b, m) = best.expect("a non-empty run");
    let block = &s[b * ARG_BLOCK..(b * ARG_BLOCK + ARG_BLOCK).min(s.len())];
    // The block's own max is one of its elements (or the identity, which only an
    // all-identity block reaches, and then its first element equals it).
    let hit = if m.is_nan() {
        find_first(block, |v: T| v.is_nan())
    } else {
        find_first(block, |v: T| v == m)
    };
    b * ARG_BLOCK + hit.unwrap_or(0)
}

/// max (`MAX`) or min of `s` folded from `init` (the pick's identity); NaN propagates.
pub(crate) fn extremum<T: Arith, const MAX: bool>(s: &[T], init: T) -> T {
    #[cfg(target_arch = "x86_64")]
    if isa() != Isa::Baseline {
        // SAFETY: the CPU has AVX2 and FMA (NOTE [ Run-time ISA dispatch ]).
        return unsafe { extremum_avx2::<T, MAX>(s, init) };
    }
    extremum_body::<T, MAX>(s, init)
}

/// The index in `s` (non-empty) of its first NaN, else of its first max / min; `init`
/// is the pick's identity.
pub(crate) fn arg_extremum<T: Arith, const MAX: bool>(s: &[T], init: T) -> usize {
    #[cfg(target_arch = "x86_64")]
    if isa() != Isa::Baseline {
        // SAFETY: as `extremum`.
        return unsafe { arg_avx2::<T, MAX>(s, init) };
    }
    arg_body::<T, MAX>(s, init)
}

/// The product of `s` times `one` (the dtype's 1), in lanes.
pub(crate) fn prod<T: Arith>(s: &[T], one: T) -> T {
    #[cfg(target_arch = "x86_64")]
    if isa() != Isa::Baseline {
        // SAFETY: as `extremum`.
        return unsafe { prod_avx2(s, one) };
    }
    prod_body(s, one)
}

/// The float64 sum of squares of a float32 / float64 run (`None` for other types), in
/// float64 lanes: float32 squares are exact in float64, and the sum cannot overflow.
pub(crate) fn sum_squares<T: crate::dtype::Real>(s: &[T]) -> Option<f64> {
    let f = |s: &[f64]| s.iter().sum::<f64>();
    match T::DTYPE {
        DType::F32 => {
            // SAFETY: T is f32.
            let s = unsafe { std::slice::from_raw_parts(s.as_ptr() as *const f32, s.len()) };
            #[cfg(target_arch = "x86_64")]
            if isa() != Isa::Baseline {
                // SAFETY: as `extremum`.
                return Some(f(&unsafe { sumsq_avx2(s) }));
            }
            Some(f(&sumsq_body(s)))
        }
        DType::F64 => {
            // SAFETY: T is f64.
            let s = unsafe { std::slice::from_raw_parts(s.as_ptr() as *const f64, s.len()) };
            #[cfg(target_arch = "x86_64")]
            if isa() != Isa::Baseline {
                // SAFETY: as `extremum`.
                return Some(f(&unsafe { sumsq_avx2(s) }));
            }
            Some(f(&sumsq_body(s)))
        }
        _ => None,
    }
}

/// LANES float64 partial sums of squares; the remainder goes into lane 0.
#[inline(always)]
fn sumsq_body<T: crate::dtype::Real>(s: &[T]) -> [f64; LANES] {
    let mut lanes = [0f64; LANES];
    let mut it = s.chunks_exact(LANES);
    for c in &mut it {
        for i in 0..LANES {
            let v = c[i].to_f64();
            lanes[i] += v * v;
        }
    }
    for v in it.remainder() {
        lanes[0] += v.to_f64() * v.to_f64();
    }
    lanes
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn sumsq_avx2<T: crate::dtype::Real>(s: &[T]) -> [f64; LANES] {
    sumsq_body(s)
}

// See NOTE [ Run-time ISA dispatch ]; the AVX-512 path runs these copies too, as the
// float sums do (NOTE [ float32 sum lanes ]): these loops stream memory.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn extremum_avx2<T: Arith, const MAX: bool>(s: &[T], init: T) -> T {
    extremum_body::<T, MAX>(s, init)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn arg_avx2<T: Arith, const MAX: bool>(s: &[T], init: T) -> usize {
    arg_body::<T, MAX>(s, init)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn prod_avx2<T: Arith>(s: &[T], one: T) -> T {
    prod_body(s, one)
}

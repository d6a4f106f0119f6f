//! The walker every CPU reduction folds over, and the vectorized float sum of one run
//! (run-time ISA dispatch).

use super::iter::{isa, Isa, SendPtr};
use crate::dtype::Real;
use crate::layout::{coalesce, Dims, Strides};
use crate::{parallel, DType, Element, Result, Tensor};
use smallvec::SmallVec;

/// One run of reduced elements: `len` elements `stride` apart; the first is element
/// number `first` of its reduced block in row-major order (the arg-reductions' index).
/// Only the walker makes runs, always inside the tensor it walks.
#[derive(Clone, Copy)]
pub(crate) struct Run<T> {
    ptr: *const T,
    first: usize,
    len: usize,
    stride: isize,
}

impl<T: Element> Run<T> {
    pub fn len(self) -> usize {
        self.len
    }

    /// The row-major index of element `i` of this run within its reduced block.
    pub fn index(self, i: usize) -> usize {
        self.first + i
    }

    /// The run's elements in order.
    #[inline]
    pub fn values(self) -> impl Iterator<Item = T> {
        // SAFETY: a run lies inside the tensor the walker reads.
        (0..self.len as isize).map(move |i| unsafe { *self.ptr.offset(i * self.stride) })
    }

    /// Elements `start..start + len` of this run as a run of their own.
    pub fn sub(self, start: usize, len: usize) -> Run<T> {
        debug_assert!(start + len <= self.len);
        Run {
            // SAFETY: the sub-run lies inside this run.
            ptr: unsafe { self.ptr.offset(start as isize * self.stride) },
            first: self.first + start,
            len,
            stride: self.stride,
        }
    }

    /// `f` of the elements as a slice when they are contiguous.
    #[inline]
    pub fn with_slice<R>(self, f: impl FnOnce(&[T]) -> R) -> Option<R> {
        // SAFETY: a contiguous run of `len` elements inside the tensor being read, which
        // outlives the call.
        (self.stride == 1).then(|| f(unsafe { std::slice::from_raw_parts(self.ptr, self.len) }))
    }
}

/// How a reduction folds its elements into an accumulator `A`.
pub(crate) struct Fold<A, F, C> {
    /// The accumulator of no elements (the result of an empty reduction).
    pub init: A,
    /// Folds one run into the accumulator.
    pub fold: F,
    /// Merges the partial results of a split run, left (earlier) part first.
    pub combine: C,
}

/// The kept and reduced dims of a reduction over `x`: output element `o` folds the
/// reduced block (coalesced) at offset `out_offset(o)`.
struct Plan {
    kept_shape: Dims,
    kept_strides: Strides,
    red_shape: Dims,
    red_strides: Strides,
    out_n: usize,
    red_n: usize,
}

impl Plan {
    /// The reduced dims are walked in `rd`'s order, which fixes the order of a float sum.
    fn new(x: &Tensor, rd: &[usize]) -> Plan {
        let (shape, strides) = (x.shape(), x.strides());
        let kept = (0..x.ndim()).filter(|d| !rd.contains(d));
        let kept_shape: Dims = kept.clone().map(|d| shape[d]).collect();
        let kept_strides: Strides = kept.map(|d| strides[d]).collect();
        let red_shape: Dims = rd.iter().map(|&d| shape[d]).collect();
        let red_strides: Strides = rd.iter().map(|&d| strides[d]).collect();
        let (out_n, red_n) = (kept_shape.iter().product(), red_shape.iter().product());
        let (red_shape, mut cst) = coalesce(&red_shape, &[&red_strides]);
        Plan {
            kept_shape,
            kept_strides,
            red_shape,
            red_strides: cst.swap_remove(0),
            out_n,
            red_n,
        }
    }

    /// Element offset of output element `o` (row-major over the kept dims).
    fn out_offset(&self, o: usize) -> isize {
        let mut rem = o;
        let mut off = 0isize;
        for d in (0..self.kept_shape.len()).rev() {
            off += (rem % self.kept_shape[d]) as isize * self.kept_strides[d];
            rem /= self.kept_shape[d];
        }
        off
    }

    /// A full reduction of one long run, worth splitting across the pool.
    fn is_one_long_run(&self) -> bool {
        self.out_n == 1 && self.red_shape.len() == 1 && self.red_n >= parallel::GRAIN
    }
}

/// Folds every output element's reduced elements and hands each result to
/// `write(o, acc)`, `o` counting output elements row-major over the kept dims; every `o`
/// is written exactly once, from any pool thread.
pub(crate) fn reduce_runs<T: Element, A: Copy + Send + Sync>(
    x: &Tensor,
    rd: &[usize],
    how: Fold<A, impl Fn(A, Run<T>) -> A + Sync, impl Fn(A, A) -> A>,
    write: impl Fn(usize, A) + Sync,
) -> Result<()> {
    let plan = Plan::new(x, rd);
    let base = SendPtr(x.cpu_ptr::<T>()?);
    if plan.out_n == 0 {
        return Ok(());
    }
    if plan.red_n == 0 {
        (0..plan.out_n).for_each(|o| write(o, how.init));
        return Ok(());
    }
    if plan.is_one_long_run() {
        write(0, fold_split_run(&plan, base, &how));
        return Ok(());
    }
    parallel::for_chunks(plan.out_n, plan.red_n, |s, e| {
        for o in s..e {
            write(
                o,
                fold_block(&plan, base, plan.out_offset(o), how.init, &how.fold),
            );
        }
    });
    Ok(())
}

/// Folds the reduced block at element offset `off`, run by run (an odometer over the
/// outer reduced dims).
fn fold_block<T: Element, A>(
    plan: &Plan,
    base: SendPtr<T>,
    off: isize,
    mut acc: A,
    fold: &impl Fn(A, Run<T>) -> A,
) -> A {
    let (shape, strides) = (&plan.red_shape, &plan.red_strides);
    let nd = shape.len();
    // SAFETY: every offset the odometer reaches is inside `x` (the plan comes from it).
    let run = |o: isize, first: usize, len: usize, stride: isize| Run {
        ptr: unsafe { base.at(o) },
        first,
        len,
        stride,
    };
    if nd == 0 {
        return fold(acc, run(off, 0, 1, 1));
    }
    let (inner, inner_stride) = (shape[nd - 1], strides[nd - 1]);
    let outer: usize = shape[..nd - 1].iter().product();
    let mut idx: SmallVec<[usize; 6]> = SmallVec::from_elem(0, nd - 1);
    let mut o = off;
    for k in 0..outer {
        acc = fold(acc, run(o, k * inner, inner, inner_stride));
        for d in (0..nd - 1).rev() {
            idx[d] += 1;
            o += strides[d];
            if idx[d] < shape[d] {
                break;
            }
            o -= strides[d] * shape[d] as isize;
            idx[d] = 0;
        }
    }
    acc
}

/// One long run folded in chunks in parallel, combined left to right (deterministic).
fn fold_split_run<T: Element, A: Copy + Send + Sync>(
    plan: &Plan,
    base: SendPtr<T>,
    how: &Fold<A, impl Fn(A, Run<T>) -> A + Sync, impl Fn(A, A) -> A>,
) -> A {
    let (n, stride) = (plan.red_n, plan.red_strides[0]);
    let chunks = (parallel::get_num_threads() * 4).max(1);
    let per = n.div_ceil(chunks);
    let parts = std::sync::Mutex::new(vec![how.init; chunks]);
    let (init, fold) = (how.init, &how.fold);
    parallel::for_chunks(chunks, per, |s, e| {
        for c in s..e {
            let (a, b) = (c * per, ((c + 1) * per).min(n));
            if a < b {
                let run = Run {
                    // SAFETY: elements a..b of the run are inside `x`.
                    ptr: unsafe { base.at(a as isize * stride) },
                    first: a,
                    len: b - a,
                    stride,
                };
                let r = fold(init, run);
                parts.lock().unwrap()[c] = r;
            }
        }
    });
    let parts = parts.into_inner().unwrap();
    parts[1..]
        .iter()
        .fold(parts[0], |acc, &p| (how.combine)(acc, p))
}

/// Sum of a run with independent lanes (vectorizes) and an f64 total per block, which
/// keeps float32 sums accurate for long runs.
#[inline]
pub(crate) fn sum_run_f<T: Real>(p: *const T, n: usize, st: isize) -> f64 {
    let mut total = 0f64;
    if st == 1 && T::DTYPE == DType::F32 {
        // SAFETY: a contiguous run of n f32 (T is f32 here).
        let s = unsafe { std::slice::from_raw_parts(p as *const f32, n) };
        #[cfg(target_arch = "x86_64")]
        match isa() {
            // SAFETY: the CPU has the features these copies were compiled for.
            Isa::Avx512 | Isa::Avx2 => return unsafe { sum_f32_avx2(s) },
            Isa::Baseline => {}
        }
        return sum_f32_body(s);
    }
    if st == 1 && T::DTYPE == DType::F64 {
        // SAFETY: a contiguous run of n f64 (T is f64 here).
        let s = unsafe { std::slice::from_raw_parts(p as *const f64, n) };
        #[cfg(target_arch = "x86_64")]
        if isa() != Isa::Baseline {
            // SAFETY: the CPU has AVX2 and FMA.
            return unsafe { sum_f64_avx2(s) };
        }
        return sum_f64_body(s);
    }
    for i in 0..n as isize {
        total += unsafe { *p.offset(i * st) }.to_f64();
    }
    total
}

impl<T: Real> Run<T> {
    /// The float64 sum of the run (`sum_run_f`).
    #[inline]
    pub fn sum_f64(self) -> f64 {
        sum_run_f(self.ptr, self.len, self.stride)
    }
}

// NOTE [ float32 sum lanes ]: 64 float32 lanes per 4096-element block, folded into 16
// float64 lanes with vector adds; the horizontal sum runs once per run. With 32 lanes and
// a horizontal float32 sum per block (a 32-add serial chain every 16 KiB) the sum of 16M
// float32 took 2.6-3.3 ms at 1 thread, with this layout 2.0-3.1 (same runs, standalone,
// AMD EPYC Zen 4; torch 2.9). Each float32 lane adds at most 64 values before it is
// widened, so the error is no worse than before.
#[inline(always)]
fn sum_f32_body(s: &[f32]) -> f64 {
    let mut total = [0f64; 16];
    let mut tail = 0f64;
    for block in s.chunks(4096) {
        let mut lanes = [0f32; 64];
        let mut it = block.chunks_exact(64);
        for c in &mut it {
            for i in 0..64 {
                lanes[i] += c[i];
            }
        }
        for i in 0..16 {
            total[i] += ((lanes[i] + lanes[i + 16]) + (lanes[i + 32] + lanes[i + 48])) as f64;
        }
        // NOTE: the remainder is summed in float32, in order: a run shorter than 64 then
        // gives torch's float32 sum bit for bit (`logsumexp` of 3 values was 1 ulp off
        // with a float64 remainder).
        tail += it.remainder().iter().sum::<f32>() as f64;
    }
    total.iter().sum::<f64>() + tail
}

/// 32 lanes: four independent vector chains, so an in-cache run is not bound by the add
/// latency.
#[inline(always)]
fn sum_f64_body(s: &[f64]) -> f64 {
    let mut lanes = [0f64; 32];
    let mut it = s.chunks_exact(32);
    for c in &mut it {
        for i in 0..32 {
            lanes[i] += c[i];
        }
    }
    lanes.iter().sum::<f64>() + it.remainder().iter().sum::<f64>()
}

// See NOTE [ Run-time ISA dispatch ]. NOTE: the AVX-512 path runs these AVX2 copies: 512-bit
// loads streamed a 16M float32 sum from memory 10-15% slower (2.41 vs 2.13 ms, standalone,
// AMD EPYC Zen 4, which splits them in two), and in cache the two are equal (100k: 3-4 us).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn sum_f32_avx2(s: &[f32]) -> f64 {
    sum_f32_body(s)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn sum_f64_avx2(s: &[f64]) -> f64 {
    sum_f64_body(s)
}

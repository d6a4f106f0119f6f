//! The walker every CPU reduction folds over, and the vectorized float sum of one run
//! (run-time ISA dispatch).

use super::iter::SendPtr;
#[cfg(target_arch = "x86_64")]
use super::iter::{isa, Isa};
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
pub(crate) struct Fold<A, F, C, S> {
    /// The accumulator of no elements (the result of an empty reduction).
    pub init: A,
    /// Folds one run into the accumulator.
    pub fold: F,
    /// Merges the partial results of a split run, left (earlier) part first.
    pub combine: C,
    /// Folds one element, given its row-major index in the reduced block, into the
    /// accumulator: the outer reduction's step (NOTE [ Outer reductions ]). Folding a
    /// run must equal stepping through its elements in order, up to float rounding.
    pub step: S,
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

    /// The index over the kept dims of output element `o` (row-major).
    fn kept_index(&self, o: usize) -> SmallVec<[usize; 6]> {
        let mut rem = o;
        let mut idx = SmallVec::from_elem(0, self.kept_shape.len());
        for d in (0..self.kept_shape.len()).rev() {
            idx[d] = rem % self.kept_shape[d];
            rem /= self.kept_shape[d];
        }
        idx
    }

    /// The innermost kept dim has unit stride: the outer walk (NOTE [ Outer reductions ]).
    fn is_outer(&self) -> bool {
        self.kept_strides.last() == Some(&1)
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
    how: Fold<
        A,
        impl Fn(A, Run<T>) -> A + Sync,
        impl Fn(A, A) -> A,
        impl Fn(A, T, usize) -> A + Sync,
    >,
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
    if plan.is_outer() {
        let step = &how.step;
        let rows = |accs: &mut [A], p: *const T, stride: isize, rows: usize, k0: usize| {
            // SAFETY: `fold_outer` hands valid rows (its contract).
            unsafe { step_rows_dispatch(accs, p, stride, rows, k0, step) }
        };
        fold_outer(&plan, base, how.init, &rows, &write);
        return Ok(());
    }
    parallel::for_chunks(plan.out_n, plan.red_n, |s, e| {
        // NOTE: an odometer over the kept dims, not `out_offset` per output: its integer
        // divisions were a third of the per-row cost of short rows (NOTE [ Short rows ]).
        let (shape, strides) = (&plan.kept_shape, &plan.kept_strides);
        let mut idx = plan.kept_index(s);
        let mut off = plan.out_offset(s);
        for o in s..e {
            write(o, fold_block(&plan, base, off, how.init, &how.fold));
            for d in (0..shape.len()).rev() {
                idx[d] += 1;
                off += strides[d];
                if idx[d] < shape[d] {
                    break;
                }
                off -= strides[d] * shape[d] as isize;
                idx[d] = 0;
            }
        }
    });
    Ok(())
}

// NOTE [ Short rows ]: a reduction over the last dim of many short rows (`amax(1)` of
// 65536x16 float32, a softmax's row max) is all per-row cost. It was 32 ns a row for
// amax and 14 for sum (torch 18 and 4.4): two integer divisions per kept dim to find the
// row, a SmallVec odometer for a block that is one run, and 32 vector lanes set up and
// folded for 16 elements. Now the rows are walked by an odometer, a one-run block folds
// directly, and runs shorter than the lanes fold in order.

// NOTE [ Outer reductions ]: when the innermost kept dim is the unit-stride one (`sum(0)`
// of a row-major matrix: every bias gradient), each output's reduced elements are a
// column, one per cache line; folding them output by output walked the whole tensor
// once per output. Instead a block of up to OUTER_BLOCK neighbouring outputs keeps its
// accumulators in an array and every reduced row is stepped into them left to right,
// which reads the tensor once, in order, and vectorises the step across outputs. Each
// output still folds its elements in row-major order. sum(0) of 1024x1024 float32, 1
// thread: 7.4 ms -> 0.08-0.10 ms (torch 0.15); amax(0) 1.29 -> 0.09 ms (torch 0.12);
// var(0) 0.65 ms (torch 6.0).
const OUTER_BLOCK: usize = 256;

/// The outer walk: blocks of `OUTER_BLOCK` outputs along the innermost kept dim, each a
/// pass over the reduced rows.
/// `rows(accs, p, stride, n, k0)` folds the `n` reduced rows `p + r * stride` (reduced
/// indices `k0 + r`), `accs.len()` elements each, into `accs`.
fn fold_outer<T: Element, A: Copy + Send + Sync>(
    plan: &Plan,
    base: SendPtr<T>,
    init: A,
    rows_fn: &(impl Fn(&mut [A], *const T, isize, usize, usize) + Sync),
    write: &(impl Fn(usize, A) + Sync),
) {
    let inner = *plan.kept_shape.last().expect("a kept dim");
    let per_row = inner.div_ceil(OUTER_BLOCK);
    let blocks = plan.out_n / inner * per_row;
    // The innermost reduced dim is walked inside the row loop; the odometer covers the
    // rest.
    // Reduced dims of size 1 coalesce away: then there is one row.
    let nd = plan.red_shape.len().max(1);
    let (red_shape, red_strides): (&[usize], &[isize]) = if plan.red_shape.is_empty() {
        (&[1], &[0])
    } else {
        (&plan.red_shape, &plan.red_strides)
    };
    let (rows, row_stride) = (red_shape[nd - 1], red_strides[nd - 1]);
    let (shape, strides) = (&red_shape[..nd - 1], &red_strides[..nd - 1]);
    let outer: usize = shape.iter().product();
    parallel::for_chunks(blocks, OUTER_BLOCK * plan.red_n, |s, e| {
        let mut accs = [init; OUTER_BLOCK];
        for b in s..e {
            let o0 = b / per_row * inner + b % per_row * OUTER_BLOCK;
            let jn = OUTER_BLOCK.min(inner - b % per_row * OUTER_BLOCK);
            let accs = &mut accs[..jn];
            accs.fill(init);
            let mut idx: SmallVec<[usize; 6]> = SmallVec::from_elem(0, nd - 1);
            let mut off = plan.out_offset(o0);
            for g in 0..outer {
                // SAFETY: rows `0..rows` at `row_stride` from `off` are reduced positions
                // of output o0's block, and outputs o0..o0 + jn sit at unit steps from
                // each, all inside `x`.
                let p = unsafe { base.at(off) as *const T };
                rows_fn(accs, p, row_stride, rows, g * rows);
                for d in (0..nd - 1).rev() {
                    idx[d] += 1;
                    off += strides[d];
                    if idx[d] < shape[d] {
                        break;
                    }
                    off -= strides[d] * shape[d] as isize;
                    idx[d] = 0;
                }
            }
            for (j, &a) in accs.iter().enumerate() {
                write(o0 + j, a);
            }
        }
    });
}

/// `step_rows` on the best copy for this CPU.
///
/// # Safety
/// As `step_rows`.
#[inline(always)]
unsafe fn step_rows_dispatch<T: Copy, A: Copy>(
    accs: &mut [A],
    p: *const T,
    stride: isize,
    rows: usize,
    k0: usize,
    step: &impl Fn(A, T, usize) -> A,
) {
    #[cfg(target_arch = "x86_64")]
    match isa() {
        Isa::Avx512 => return step_rows_avx512(accs, p, stride, rows, k0, step),
        Isa::Avx2 => return step_rows_avx2(accs, p, stride, rows, k0, step),
        Isa::Baseline => {}
    }
    step_rows(accs, p, stride, rows, k0, step)
}

/// The float32 sum over outer rows into float64 accumulators, without the per-element
/// widening of the generic step: rows are added in float32 in groups of 64 (as NOTE [
/// float32 sum lanes ] does along a run) and each group's sums widened once. Rows that
/// are contiguous and at most 32 elements wide are summed as one flat run whose lanes
/// repeat every `w = inner * (64 / inner)` elements.
/// `None` when the reduction is not outer.
pub(crate) fn sum_outer_f32(
    x: &Tensor,
    rd: &[usize],
    write: impl Fn(usize, f64) + Sync,
) -> Option<Result<()>> {
    let plan = Plan::new(x, rd);
    if !plan.is_outer() || plan.red_n == 0 || plan.out_n == 0 || x.dtype() != DType::F32 {
        return None;
    }
    let base = match x.cpu_ptr::<f32>() {
        Ok(p) => SendPtr(p),
        Err(e) => return Some(Err(e)),
    };
    let rows = |accs: &mut [f64], p: *const f32, stride: isize, rows: usize, _k0: usize| {
        // SAFETY: `fold_outer` hands valid rows (its contract); the CPU has the features
        // of the copy `isa` picks.
        unsafe {
            #[cfg(target_arch = "x86_64")]
            if isa() != Isa::Baseline {
                return sum_rows_f32_avx2(accs, p, stride, rows);
            }
            sum_rows_f32(accs, p, stride, rows)
        }
    };
    fold_outer(&plan, base, 0f64, &rows, &write);
    Some(Ok(()))
}

/// # Safety
/// Rows `p + r * stride`, r < rows, of `accs.len()` elements must be valid.
#[inline(always)]
unsafe fn sum_rows_f32(accs: &mut [f64], p: *const f32, stride: isize, rows: usize) {
    let jn = accs.len();
    if stride == jn as isize && jn <= 32 {
        // One flat run of rows * jn elements; lane i belongs to output i % jn.
        let w = jn * (64 / jn);
        let flat = std::slice::from_raw_parts(p, rows * jn);
        let mut wide = [0f64; 64];
        let mut chunks = flat.chunks_exact(w * 64);
        for group in &mut chunks {
            let mut lanes = [0f32; 64];
            for c in group.chunks_exact(w) {
                for i in 0..w {
                    lanes[i] += c[i];
                }
            }
            for i in 0..w {
                wide[i] += lanes[i] as f64;
            }
        }
        let rest = chunks.remainder();
        for (i, wi) in wide[..w].iter_mut().enumerate() {
            let t: f32 = rest.iter().skip(i).step_by(w).sum();
            *wi += t as f64;
        }
        for (i, &v) in wide[..w].iter().enumerate() {
            accs[i % jn] += v;
        }
        return;
    }
    let mut lanes = [0f32; OUTER_BLOCK];
    let lanes = &mut lanes[..jn];
    for r0 in (0..rows).step_by(64) {
        lanes.fill(0.0);
        for r in r0..(r0 + 64).min(rows) {
            let row = std::slice::from_raw_parts(p.offset(r as isize * stride), jn);
            for (a, &v) in lanes.iter_mut().zip(row) {
                *a += v;
            }
        }
        for (a, &l) in accs.iter_mut().zip(lanes.iter()) {
            *a += l as f64;
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn sum_rows_f32_avx2(accs: &mut [f64], p: *const f32, stride: isize, rows: usize) {
    sum_rows_f32(accs, p, stride, rows)
}

/// `accs[j] = step(accs[j], row_r[j], k0 + r)` for the `rows` rows `row_r = p + r *
/// stride`, in order: reduced rows into a block of outputs.
///
/// # Safety
/// Every `row_r[j]`, j < accs.len(), must be a valid element.
#[inline(always)]
unsafe fn step_rows<T: Copy, A: Copy>(
    accs: &mut [A],
    p: *const T,
    stride: isize,
    rows: usize,
    k0: usize,
    step: &impl Fn(A, T, usize) -> A,
) {
    for r in 0..rows {
        let row = std::slice::from_raw_parts(p.offset(r as isize * stride), accs.len());
        for (a, &v) in accs.iter_mut().zip(row) {
            *a = step(*a, v, k0 + r);
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
unsafe fn step_rows_avx512<T: Copy, A: Copy>(
    accs: &mut [A],
    p: *const T,
    stride: isize,
    rows: usize,
    k0: usize,
    step: &impl Fn(A, T, usize) -> A,
) {
    step_rows(accs, p, stride, rows, k0, step)
}

// See NOTE [ Run-time ISA dispatch ].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn step_rows_avx2<T: Copy, A: Copy>(
    accs: &mut [A],
    p: *const T,
    stride: isize,
    rows: usize,
    k0: usize,
    step: &impl Fn(A, T, usize) -> A,
) {
    step_rows(accs, p, stride, rows, k0, step)
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
    if nd == 1 {
        return fold(acc, run(off, 0, shape[0], strides[0]));
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

/// Elements per chunk of a split run: 256 KiB of float32, 64 chunks for 16M elements.
const SPLIT_CHUNK: usize = 1 << 16;

/// One long run folded in chunks in parallel, combined left to right (deterministic).
fn fold_split_run<T: Element, A: Copy + Send + Sync, S>(
    plan: &Plan,
    base: SendPtr<T>,
    how: &Fold<A, impl Fn(A, Run<T>) -> A + Sync, impl Fn(A, A) -> A, S>,
) -> A {
    let (n, stride) = (plan.red_n, plan.red_strides[0]);
    // Chunks of a fixed size, not one per thread, so the result (its float rounding, and
    // prod's lanes) does not depend on the thread count.
    let per = SPLIT_CHUNK;
    let chunks = n.div_ceil(per);
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
        if n < 64 {
            return sum_f32_short(s);
        }
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
        if n < 32 {
            // What `sum_f64_body` gives, without its 32 empty lanes (NOTE [ Short rows ]).
            return 0.0 + s.iter().sum::<f64>();
        }
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
        // NOTE: the remainder is summed in float32: in order below 16 elements, where a
        // short run then gives torch's float32 sum bit for bit (`logsumexp` of 3 values was
        // 1 ulp off with a float64 remainder), in 8 lanes from 16 up, where an in-order
        // chain of float32 adds cost more than the rest of a short run (BatchNorm's sum
        // over (0, 2, 3) of 64x128x7x7: 8192 runs of 49, 219 us, torch 80).
        tail += sum_f32_rest(it.remainder()) as f64;
    }
    // By halves, not in order: a 16-add chain was a third of a 256-element row's sum.
    let mut w = 8;
    while w > 0 {
        for i in 0..w {
            total[i] += total[i + w];
        }
        w /= 2;
    }
    total[0] + tail
}

/// A run shorter than the 64 lanes: only the remainder's sum, so a short row does not
/// pay for folding 16 empty float64 lanes (NOTE [ Short rows ]); the result is the one
/// `sum_f32_body` gives.
#[inline(always)]
fn sum_f32_short(s: &[f32]) -> f64 {
    0.0 + sum_f32_rest(s) as f64
}

#[inline(always)]
fn sum_f32_rest(rest: &[f32]) -> f32 {
    if rest.len() < 16 {
        rest.iter().sum::<f32>()
    } else {
        let mut l8 = [0f32; 8];
        let mut r8 = rest.chunks_exact(8);
        for c in &mut r8 {
            for i in 0..8 {
                l8[i] += c[i];
            }
        }
        l8.iter().sum::<f32>() + r8.remainder().iter().sum::<f32>()
    }
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

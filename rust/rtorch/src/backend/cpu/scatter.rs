//! The CPU kernels that read or write through index tensors (`ops/index/`): `gather`
//! (gather, index_select, take, advanced indexing), `scatter` with its reductions
//! (scatter, index_add/copy/fill, index_put, put) and `index_offsets`, which folds one of
//! several index tensors into flat element offsets.
//!
//! Each kernel walks an iteration shape (the index's, broadcast) over operands the op
//! restrided to it: the data tensor has stride 0 along the indexed dims and the kernel
//! adds `index * stride` (NOTE [ Index kernels ] in `ops/index/mod.rs`).

use super::iter::{for_each_run, for_each_run_serial, SendPtr};
use super::num::Arith;
use crate::backend::{IndexDim, ScatterReduce};
use crate::{with_dtype, Result, Tensor};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

/// The first out-of-range index a kernel met (any one, when threads race).
struct Bad {
    hit: AtomicBool,
    value: AtomicI64,
}

impl Bad {
    fn new() -> Bad {
        Bad {
            hit: AtomicBool::new(false),
            value: AtomicI64::new(0),
        }
    }

    fn set(&self, v: i64) {
        if !self.hit.swap(true, Ordering::Relaxed) {
            self.value.store(v, Ordering::Relaxed);
        }
    }

    fn get(&self) -> Option<i64> {
        self.hit
            .load(Ordering::Relaxed)
            .then(|| self.value.load(Ordering::Relaxed))
    }
}

impl IndexDim {
    /// `v` as an in-range index (negatives counted from the end where allowed), or None.
    #[inline(always)]
    fn wrap(self, v: i64) -> Option<isize> {
        if !self.check {
            return Some(v as isize);
        }
        let size = self.size as i64;
        let w = if v < 0 && self.negative { v + size } else { v };
        // One unsigned compare covers both ends.
        ((w as u64) < size as u64).then_some(w as isize)
    }

    /// An index `wrap` accepted: no range test left, only the end-relative shift.
    #[inline(always)]
    fn resolved(self, v: i64) -> isize {
        let shift = if self.negative && v < 0 {
            self.size as i64
        } else {
            0
        };
        (v + shift) as isize
    }
}

/// See `backend::gather`.
pub fn gather(out: &Tensor, src: &Tensor, idx: &Tensor, d: IndexDim) -> Result<Option<i64>> {
    let bad = Bad::new();
    let pi = SendPtr(idx.cpu_ptr::<i64>()?);
    with_dtype!(out.dtype(), T, {
        let (po, ps) = (SendPtr(out.cpu_ptr::<T>()?), SendPtr(src.cpu_ptr::<T>()?));
        if let Some((rows, width)) = row_select(out, src, idx) {
            // NOTE [ Row select ]: index_select along dim 0 of a matrix is one row copy per
            // index; skipping the generic run iterator's bookkeeping per 64-float row took
            // 100k rows of 10000x64 float32 from 1.69 to ~1.2 ms (torch 1.07-1.21), 1 thread.
            let (os, is) = (out.strides()[0], idx.strides()[0]);
            crate::parallel::for_chunks(rows, width, |r0, r1| unsafe {
                for r in r0..r1 {
                    let v = *pi.at(0).offset(r as isize * is);
                    let Some(w) = d.wrap(v) else {
                        return bad.set(v);
                    };
                    let s = ps.at(0).offset(w * d.stride);
                    std::ptr::copy_nonoverlapping(s, po.at(0).offset(r as isize * os), width);
                }
            });
            return Ok(bad.get());
        }
        let strides = [out.strides(), src.strides(), idx.strides()];
        for_each_run(out.shape(), strides, 2, |off, n, st| unsafe {
            // A local copy: read through the closure's reference, the fields were
            // reloaded every element (the stores through `o` might alias them).
            let d = IndexDim { ..d };
            let (o, s, ix) = (po.at(off[0]), ps.at(off[1]), pi.at(off[2]));
            if st[2] == 0 {
                // One index for the whole run (index_select's rows): a strided copy.
                let Some(w) = d.wrap(*ix) else {
                    return bad.set(*ix);
                };
                let s = s.offset(w * d.stride);
                if st[0] == 1 && st[1] == 1 {
                    std::ptr::copy_nonoverlapping(s, o, n);
                } else {
                    for i in 0..n as isize {
                        *o.offset(i * st[0]) = *s.offset(i * st[1]);
                    }
                }
                return;
            }
            if st[0] == 1 && st[2] == 1 {
                // gather along the inner dim (`x.gather(1, idx)`): unit-stride out and
                // index, range-checked 8 indices at a time (NOTE [ Vector gather ]).
                let start = if d.check && !d.negative {
                    gather_run(o, s, ix, n, st[1], d)
                } else {
                    0
                };
                for i in start..n {
                    let v = *ix.add(i);
                    let Some(w) = d.wrap(v) else {
                        return bad.set(v);
                    };
                    *o.add(i) = *s.offset(i as isize * st[1] + w * d.stride);
                }
                return;
            }
            for i in 0..n as isize {
                let v = *ix.offset(i * st[2]);
                let Some(w) = d.wrap(v) else {
                    return bad.set(v);
                };
                *o.offset(i * st[0]) = *s.offset(i * st[1] + w * d.stride);
            }
        });
    });
    Ok(bad.get())
}

/// `(rows, width)` when the gather copies whole contiguous rows: a 2-D `out` with
/// unit-stride rows, the index constant along each row and `src` rows unit-stride too.
fn row_select(out: &Tensor, src: &Tensor, idx: &Tensor) -> Option<(usize, usize)> {
    let (os, ss, is) = (out.strides(), src.strides(), idx.strides());
    (out.ndim() == 2 && os[1] == 1 && ss[1] == 1 && is[1] == 0 && out.shape()[1] > 1)
        .then(|| (out.shape()[0], out.shape()[1]))
}

/// The first out-of-range element of `idx`, checked before any write.
fn check(idx: &Tensor, d: IndexDim) -> Result<Option<i64>> {
    let bad = Bad::new();
    if d.check {
        let pi = SendPtr(idx.cpu_ptr::<i64>()?);
        for_each_run(idx.shape(), [idx.strides()], 1, |off, n, st| unsafe {
            let ix = pi.at(off[0]);
            let mut start = 0;
            if st[0] == 1 {
                // Blocks with no bad index skip the per-element search (NOTE [ Scatter
                // check and lines ]).
                let run = std::slice::from_raw_parts(ix, n);
                let bound = d.size as u64;
                for block in run.chunks(512) {
                    let lo = if d.negative { -(d.size as i64) } else { 0 };
                    if !any_outside(block, lo, bound) {
                        start += block.len();
                        continue;
                    }
                    break;
                }
            }
            for i in start as isize..n as isize {
                let v = *ix.offset(i * st[0]);
                if d.wrap(v).is_none() {
                    return bad.set(v);
                }
            }
        });
    }
    Ok(bad.get())
}

/// Whether any of `v` lies outside `[lo, lo + span)`, branch-free so it vectorizes.
#[inline(always)]
fn any_outside(v: &[i64], lo: i64, span: u64) -> bool {
    #[cfg(target_arch = "x86_64")]
    if super::iter::isa() != super::iter::Isa::Baseline {
        // SAFETY: the CPU has AVX2.
        return unsafe { any_outside_avx2(v, lo, span) };
    }
    any_outside_body(v, lo, span)
}

#[inline(always)]
fn any_outside_body(v: &[i64], lo: i64, span: u64) -> bool {
    // With negatives allowed the accepted range is [-size, size): shifted by `lo` it is
    // one unsigned compare of width `2 * size`.
    let span = if lo < 0 { 2 * span } else { span };
    // `u = x - lo` is outside iff `u >= span`: either u's top bit is set or `span - 1 - u`
    // goes negative (spans stay below 2^62). Subtracts and ors only, in every lane.
    let last = span.wrapping_sub(1);
    let acc = v.iter().fold(0u64, |acc, &x| {
        let u = x.wrapping_sub(lo) as u64;
        acc | u | last.wrapping_sub(u)
    });
    span == 0 || (acc as i64) < 0
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn any_outside_avx2(v: &[i64], lo: i64, span: u64) -> bool {
    any_outside_body(v, lo, span)
}

/// See `backend::scatter`.
pub fn scatter(
    dst: &Tensor,
    idx: &Tensor,
    src: &Tensor,
    d: IndexDim,
    reduce: ScatterReduce,
) -> Result<Option<i64>> {
    if !(d.fresh && d.check) {
        if let Some(v) = check(idx, d)? {
            return Ok(Some(v));
        }
        return scatter_as::<false>(dst, idx, src, d, reduce);
    }
    scatter_as::<true>(dst, idx, src, d, reduce)
}

/// `scatter` with the range test in the write loop (`CHECK`) or done already.
fn scatter_as<const CHECK: bool>(
    dst: &Tensor,
    idx: &Tensor,
    src: &Tensor,
    d: IndexDim,
    reduce: ScatterReduce,
) -> Result<Option<i64>> {
    with_dtype!(dst.dtype(), T, {
        match reduce {
            ScatterReduce::Assign => write::<T, CHECK>(dst, idx, src, d, |_, s| s),
            ScatterReduce::Add => write::<T, CHECK>(dst, idx, src, d, Arith::add),
            ScatterReduce::Mul => write::<T, CHECK>(dst, idx, src, d, Arith::mul),
            ScatterReduce::Max => write::<T, CHECK>(dst, idx, src, d, Arith::maximum),
            ScatterReduce::Min => write::<T, CHECK>(dst, idx, src, d, Arith::minimum),
        }
    })
}

/// The writes of `scatter`, one copy per combining function (a function pointer called
/// per element cost a third of `x[idx] = v`).
fn write<T: Arith, const CHECK: bool>(
    dst: &Tensor,
    idx: &Tensor,
    src: &Tensor,
    d: IndexDim,
    f: impl Fn(T, T) -> T + Sync + Send,
) -> Result<Option<i64>> {
    let bad = Bad::new();
    let pi = SendPtr(idx.cpu_ptr::<i64>()?);
    let (pd, ps) = (SendPtr(dst.cpu_ptr::<T>()?), SendPtr(src.cpu_ptr::<T>()?));
    let strides = [dst.strides(), idx.strides(), src.strides()];
    let body = |off: [isize; 3], n: usize, st: [isize; 3]| unsafe {
        let d = IndexDim { ..d };
        let (p, ix, s) = (pd.at(off[0]), pi.at(off[1]), ps.at(off[2]));
        if st == [0, 1, 1] && d.stride == 1 && !d.negative {
            // Along the inner dim of contiguous operands (`x.scatter_add(1, idx, src)`):
            // no stride multiplies left in the loop.
            let size = d.size as u64;
            let mut i = 0;
            // Four indices loaded and tested together, then four writes in order.
            while i + 4 <= n {
                let v = [*ix.add(i), *ix.add(i + 1), *ix.add(i + 2), *ix.add(i + 3)];
                if CHECK && v.iter().fold(0, |m, &x| m.max(x as u64)) >= size {
                    break;
                }
                for (k, &w) in v.iter().enumerate() {
                    let t = p.add(w as usize);
                    *t = f(*t, *s.add(i + k));
                }
                i += 4;
            }
            for i in i..n {
                let v = *ix.add(i);
                if CHECK && v as u64 >= size {
                    return bad.set(v);
                }
                let t = p.add(v as usize);
                *t = f(*t, *s.add(i));
            }
            return;
        }
        for i in 0..n as isize {
            // Checked above or here (an unchecked offset is the op's own flat offset).
            let v = *ix.offset(i * st[1]);
            let w = if CHECK {
                let Some(w) = d.wrap(v) else {
                    return bad.set(v);
                };
                w
            } else {
                d.resolved(v)
            };
            let t = p.offset(i * st[0] + w * d.stride);
            *t = f(*t, *s.offset(i * st[2]));
        }
    };
    // In order within a line: with repeated indices the last write wins and sums
    // accumulate in a fixed order, whatever the thread count. Lines that write disjoint
    // elements may go to different threads (NOTE [ Scatter check and lines ]).
    if disjoint_lines(idx.shape(), &strides, d) {
        for_each_run(idx.shape(), strides, 4, body);
    } else {
        for_each_run_serial(idx.shape(), strides, body);
    }
    Ok(bad.get())
}

// NOTE [ Scatter check and lines ]: `x.scatter_add(1, idx, src)` on 1000x1000 float32
// took 1.44-1.57 ms at 1 thread against torch's 0.88-0.96: a branchy check pass over
// every index (18% of the samples), then the writes on one thread with a stride
// multiply per element (64%). Four changes:
// - Into an op's fresh output (`IndexDim::fresh`: scatter, scatter_add and the old
//   `reduce=` out of place) each index is tested as it is written: the output is
//   dropped on error, so no separate pass over the index is needed.
// - Elsewhere the check still runs before the first write (an op that raises leaves its
//   tensor as it was), but tests blocks of 512 indices with one branch-free range test
//   that the AVX2 copy vectorizes; only a block that fails is searched element by
//   element.
// - Contiguous operands along the inner dim get a loop with no stride arithmetic.
// - The iteration is split among threads when its runs write disjoint elements: every
//   coalesced dim outside the innermost run moves the destination (nonzero stride), and
//   those dims together with the indexed dim (size, stride) form a non-overlapping
//   layout, so no two runs can reach the same element whatever their indices. Within a
//   run the writes stay in order, so the result does not depend on the thread count.
//   `x[idx] = v` (one flat run along the indexed dim) and scatter along an outer dim
//   (whose runs share columns) stay on one thread.

/// Whether the runs of the scatter iteration (`shape`, operand strides with the
/// destination first) write disjoint sets of elements, so they may run on any thread.
fn disjoint_lines(shape: &[usize], strides: &[&[isize]; 3], d: IndexDim) -> bool {
    if !d.check {
        // Flat offsets of several index tensors: anything may repeat.
        return false;
    }
    let (cshape, cstrides) = crate::layout::coalesce(shape, strides);
    let nd = cshape.len();
    if nd < 2 {
        return false;
    }
    let dst = &cstrides[0];
    if dst[..nd - 1].contains(&0) {
        return false;
    }
    let mut dims: smallvec::SmallVec<[(usize, usize); 8]> = (0..nd)
        .filter(|&k| dst[k] != 0)
        .map(|k| (dst[k].unsigned_abs(), cshape[k]))
        .collect();
    dims.push((d.stride.unsigned_abs(), d.size));
    dims.sort_unstable();
    // Each stride must step past everything the smaller ones can reach.
    let mut reach = 0usize;
    for (stride, size) in dims {
        if size > 1 && stride <= reach {
            return false;
        }
        reach = reach.saturating_add(stride.saturating_mul(size.saturating_sub(1)));
    }
    true
}

/// See `backend::index_offsets`.
pub fn index_offsets(off: &Tensor, idx: &Tensor, d: IndexDim) -> Result<Option<i64>> {
    let bad = Bad::new();
    let (po, pi) = (
        SendPtr(off.cpu_ptr::<i64>()?),
        SendPtr(idx.cpu_ptr::<i64>()?),
    );
    let strides = [off.strides(), idx.strides()];
    for_each_run(off.shape(), strides, 1, |o, n, st| unsafe {
        let (p, ix) = (po.at(o[0]), pi.at(o[1]));
        for i in 0..n as isize {
            let v = *ix.offset(i * st[1]);
            let Some(w) = d.wrap(v) else {
                return bad.set(v);
            };
            *p.offset(i * st[0]) += (w * d.stride) as i64;
        }
    });
    Ok(bad.get())
}

// NOTE [ Vector gather ]: `x.gather(1, idx)` reads each element through its own index.
// The run is taken in blocks of 8: the block's indices are range-checked with one vector
// compare (AVX-512 or AVX2, chosen at run time; plain Rust elsewhere), then copied with
// 8 scalar loads and stores. A block holding an index out of range stops the loop at its
// start, and the scalar loop after it reports that index as before (the output is the
// op's fresh one, so the elements written so far are never seen).
// Measured on 2 Zen 4 cores of a VM, 1000x1000 float32 with indices in [0, 1000),
// 1 thread (a C model of each loop, min / median of 200 interleaved runs, the machine
// loaded by a build on the other core, and rtorch vs torch in one process):
//   - 4 indices per AVX2 `vgatherqps` (the loop before this note): 0.48 ms quiet;
//     loaded, median 2.1-4.1 ms. rtorch in the benchmark: 0.82 ms vs torch 0.80 quiet,
//     1.9 vs 1.2 ms (thread CPU time) loaded: Zen 4's gathers are microcoded and
//     suffer most from a busy sibling.
//   - 8 per AVX-512 `vgatherqps`: 0.47 ms quiet, median 1.8-2.4 ms loaded.
//   - per-element branch and load (torch's loop, as the scalar tail here): 0.39-0.58 ms
//     quiet, median 1.6 ms loaded.
//   - this loop: 0.41-0.44 ms quiet, median 1.2-1.4 ms loaded; 16 per check or a
//     prefetch of the index changed nothing. In rtorch (median of 7 interleaved rounds
//     of 30 calls, torch in the same process): 0.53-0.69 ms vs torch 0.66-0.79, ratio
//     0.74-0.87; loaded, in thread CPU time, 0.54-0.58 vs 0.74-0.78 ms.
// The kernel is all of the op's time (perf: 85% in the block loop, the rest Python and
// the run iterator; no page faults, the 4 MB output comes from NOTE [ Big-buffer cache ]).

/// Gathers the first elements of a run, `o[i] = s[i * step + ix[i] * d.stride]`, in
/// blocks of 8 whose indices are all in `[0, d.size)`; returns how many it did.
///
/// SAFETY: `o`, `s` and `ix` valid for the run's `n` elements; indices in range make
/// in-bounds reads of `s`.
#[inline]
unsafe fn gather_run<T: Copy>(
    o: *mut T,
    s: *const T,
    ix: *const i64,
    n: usize,
    step: isize,
    d: IndexDim,
) -> usize {
    #[cfg(target_arch = "x86_64")]
    match super::iter::isa() {
        super::iter::Isa::Avx512 => return gather_run_avx512(o, s, ix, n, step, d),
        super::iter::Isa::Avx2 => return gather_run_avx2(o, s, ix, n, step, d),
        super::iter::Isa::Baseline => {}
    }
    let size = d.size as u64;
    gather_blocks(o, s, ix, n, step, d, |p| {
        // Branch-free: one test per block.
        (0..8).fold(true, |ok, k| ok & ((*p.add(k) as u64) < size))
    })
}

/// The block loop of `gather_run`, with `in_range(p)` testing the 8 indices at `p`.
#[inline(always)]
unsafe fn gather_blocks<T: Copy>(
    o: *mut T,
    s: *const T,
    ix: *const i64,
    n: usize,
    step: isize,
    d: IndexDim,
    in_range: impl Fn(*const i64) -> bool,
) -> usize {
    let mut i = 0;
    while i + 8 <= n {
        if !in_range(ix.add(i)) {
            return i;
        }
        for k in i..i + 8 {
            *o.add(k) = *s.offset(k as isize * step + *ix.add(k) as isize * d.stride);
        }
        i += 8;
    }
    i
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn gather_run_avx512<T: Copy>(
    o: *mut T,
    s: *const T,
    ix: *const i64,
    n: usize,
    step: isize,
    d: IndexDim,
) -> usize {
    use std::arch::x86_64::*;
    let size = _mm512_set1_epi64(d.size as i64);
    gather_blocks(o, s, ix, n, step, d, |p| {
        // One unsigned compare covers both ends.
        _mm512_cmpge_epu64_mask(_mm512_loadu_si512(p as *const _), size) == 0
    })
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn gather_run_avx2<T: Copy>(
    o: *mut T,
    s: *const T,
    ix: *const i64,
    n: usize,
    step: isize,
    d: IndexDim,
) -> usize {
    use std::arch::x86_64::*;
    let (size, zero) = (_mm256_set1_epi64x(d.size as i64), _mm256_setzero_si256());
    gather_blocks(o, s, ix, n, step, d, |p| {
        let a = _mm256_loadu_si256(p as *const __m256i);
        let b = _mm256_loadu_si256(p.add(4) as *const __m256i);
        // In range: not 0 > v, and size > v (signed compares on int64 lanes).
        let ok_a = _mm256_andnot_si256(_mm256_cmpgt_epi64(zero, a), _mm256_cmpgt_epi64(size, a));
        let ok_b = _mm256_andnot_si256(_mm256_cmpgt_epi64(zero, b), _mm256_cmpgt_epi64(size, b));
        _mm256_movemask_epi8(_mm256_and_si256(ok_a, ok_b)) == -1
    })
}

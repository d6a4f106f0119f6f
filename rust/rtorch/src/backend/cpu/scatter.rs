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
                // index. 4-byte elements use the AVX2 gather instruction (1000x1000
                // float32, 1 thread: 1.10 ms scalar, torch 0.65; NOTE [ Vector gather ]).
                let mut start = 0;
                #[cfg(target_arch = "x86_64")]
                if std::mem::size_of::<T>() == 4
                    && d.check
                    && !d.negative
                    && st[1] == 0
                    && super::iter::isa() != super::iter::Isa::Baseline
                {
                    start = gather4_avx2(o.cast::<f32>(), s.cast::<f32>(), ix, n, d);
                }
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

/// The first out-of-range element of `idx`, checked before any write.
fn check(idx: &Tensor, d: IndexDim) -> Result<Option<i64>> {
    let bad = Bad::new();
    if d.check {
        let pi = SendPtr(idx.cpu_ptr::<i64>()?);
        for_each_run(idx.shape(), [idx.strides()], 1, |off, n, st| unsafe {
            let ix = pi.at(off[0]);
            for i in 0..n as isize {
                let v = *ix.offset(i * st[0]);
                if d.wrap(v).is_none() {
                    return bad.set(v);
                }
            }
        });
    }
    Ok(bad.get())
}

/// See `backend::scatter`.
pub fn scatter(
    dst: &Tensor,
    idx: &Tensor,
    src: &Tensor,
    d: IndexDim,
    reduce: ScatterReduce,
) -> Result<Option<i64>> {
    if let Some(v) = check(idx, d)? {
        return Ok(Some(v));
    }
    with_dtype!(dst.dtype(), T, {
        match reduce {
            ScatterReduce::Assign => write::<T>(dst, idx, src, d, |_, s| s),
            ScatterReduce::Add => write::<T>(dst, idx, src, d, Arith::add),
            ScatterReduce::Mul => write::<T>(dst, idx, src, d, Arith::mul),
            ScatterReduce::Max => write::<T>(dst, idx, src, d, Arith::maximum),
            ScatterReduce::Min => write::<T>(dst, idx, src, d, Arith::minimum),
        }
    })?;
    Ok(None)
}

/// The writes of `scatter`, one copy per combining function (a function pointer called
/// per element cost a third of `x[idx] = v`).
fn write<T: Arith>(
    dst: &Tensor,
    idx: &Tensor,
    src: &Tensor,
    d: IndexDim,
    f: impl Fn(T, T) -> T + Sync + Send,
) -> Result<()> {
    let pi = SendPtr(idx.cpu_ptr::<i64>()?);
    let (pd, ps) = (SendPtr(dst.cpu_ptr::<T>()?), SendPtr(src.cpu_ptr::<T>()?));
    let strides = [dst.strides(), idx.strides(), src.strides()];
    // In order on one thread: with repeated indices the last write wins and sums
    // accumulate in a fixed order, whatever the thread count.
    for_each_run_serial(idx.shape(), strides, |off, n, st| unsafe {
        let d = IndexDim { ..d };
        let (p, ix, s) = (pd.at(off[0]), pi.at(off[1]), ps.at(off[2]));
        for i in 0..n as isize {
            // Checked above (an unchecked offset is the op's own flat offset).
            let w = d.resolved(*ix.offset(i * st[1]));
            let t = p.offset(i * st[0] + w * d.stride);
            *t = f(*t, *s.offset(i * st[2]));
        }
    });
    Ok(())
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

// NOTE [ Vector gather ]: for 4-byte elements read along a unit-stride index, four
// int64 indices are range-checked with one vector compare and loaded by one
// `vpgatherqd`-class instruction. An index out of range stops the vector loop where its
// group starts, so the scalar loop reports it as before.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gather4_avx2(o: *mut f32, s: *const f32, ix: *const i64, n: usize, d: IndexDim) -> usize {
    use std::arch::x86_64::*;
    let size = _mm256_set1_epi64x(d.size as i64);
    let zero = _mm256_setzero_si256();
    if d.stride != 1 {
        return 0;
    }
    let mut i = 0;
    while i + 8 <= n {
        let a = _mm256_loadu_si256(ix.add(i) as *const __m256i);
        let b = _mm256_loadu_si256(ix.add(i + 4) as *const __m256i);
        // In range: not 0 > v, and size > v (signed compares on int64 lanes).
        let ok_a = _mm256_andnot_si256(_mm256_cmpgt_epi64(zero, a), _mm256_cmpgt_epi64(size, a));
        let ok_b = _mm256_andnot_si256(_mm256_cmpgt_epi64(zero, b), _mm256_cmpgt_epi64(size, b));
        if _mm256_movemask_epi8(_mm256_and_si256(ok_a, ok_b)) != -1 {
            return i;
        }
        let ga = _mm256_i64gather_ps::<4>(s, a);
        let gb = _mm256_i64gather_ps::<4>(s, b);
        _mm_storeu_ps(o.add(i), ga);
        _mm_storeu_ps(o.add(i + 4), gb);
        i += 8;
    }
    i
}

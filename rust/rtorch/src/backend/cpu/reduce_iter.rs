//! Shared machinery of the reduction family: the strided run walker every reduction folds
//! over, and the vectorized float sum of one run (run-time ISA dispatch).

use super::iter::{isa, Isa, SendPtr};
use crate::dtype::Real;
use crate::layout::{coalesce, Dims};
use crate::{parallel, DType, Element, Result, Tensor};
use smallvec::SmallVec;

/// Folds every output element's reduced elements. `fold(acc, ptr, first, n, stride)` consumes
/// one run whose first element is number `first` of the reduced block (row-major), which
/// arg-reductions need for their indices; `combine(left, right)` merges the partial results
/// of a split full reduction, left to right.
pub(crate) fn reduce_runs<T: Element, A: Copy + Send + Sync>(
    x: &Tensor,
    rd: &[usize],
    init: A,
    fold: impl Fn(A, *const T, usize, usize, isize) -> A + Sync + Send,
    combine: impl Fn(A, A) -> A,
) -> Result<Vec<A>> {
    let shape = x.shape();
    let strides = x.strides();
    let kept: Vec<usize> = (0..x.ndim()).filter(|d| !rd.contains(d)).collect();
    let kshape: Dims = kept.iter().map(|&d| shape[d]).collect();
    let kstrides: SmallVec<[isize; 6]> = kept.iter().map(|&d| strides[d]).collect();
    let rshape: Dims = rd.iter().map(|&d| shape[d]).collect();
    let rstrides: SmallVec<[isize; 6]> = rd.iter().map(|&d| strides[d]).collect();
    let out_n: usize = kshape.iter().product();
    let red_n: usize = rshape.iter().product();
    let base = SendPtr(x.cpu_ptr::<T>()?);
    if out_n == 0 {
        return Ok(Vec::new());
    }
    if red_n == 0 {
        return Ok(vec![init; out_n]);
    }
    let (cr, crs) = coalesce(&rshape, &[&rstrides]);
    let crs = &crs[0];

    // Folds the reduced block starting at element offset `off`.
    let fold_block = |mut acc: A, off: isize| -> A {
        let nd = cr.len();
        if nd == 0 {
            return fold(acc, unsafe { base.at(off) }, 0, 1, 1);
        }
        let inner = cr[nd - 1];
        let ist = crs[nd - 1];
        let outer: usize = cr[..nd - 1].iter().product();
        let mut idx: SmallVec<[usize; 6]> = SmallVec::from_elem(0, nd.saturating_sub(1));
        let mut o = off;
        for k in 0..outer {
            acc = fold(acc, unsafe { base.at(o) }, k * inner, inner, ist);
            for d in (0..nd - 1).rev() {
                idx[d] += 1;
                o += crs[d];
                if idx[d] < cr[d] {
                    break;
                }
                o -= crs[d] * cr[d] as isize;
                idx[d] = 0;
            }
        }
        acc
    };

    if out_n == 1 && cr.len() == 1 && red_n >= parallel::GRAIN {
        // One long run: fold chunks in parallel, combine in order (deterministic).
        let chunks = (parallel::get_num_threads() * 4).max(1);
        let per = red_n.div_ceil(chunks);
        let parts = std::sync::Mutex::new(vec![init; chunks]);
        let st = crs[0];
        parallel::for_chunks(chunks, per, |s, e| {
            for c in s..e {
                let (a, b) = (c * per, ((c + 1) * per).min(red_n));
                if a < b {
                    let r = fold(init, unsafe { base.at(a as isize * st) }, a, b - a, st);
                    parts.lock().unwrap()[c] = r;
                }
            }
        });
        let parts = parts.into_inner().unwrap();
        let mut acc = parts[0];
        for p in &parts[1..] {
            acc = combine(acc, *p);
        }
        return Ok(vec![acc]);
    }

    let mut out = vec![init; out_n];
    let optr = SendPtr(out.as_mut_ptr());
    parallel::for_chunks(out_n, red_n, |s, e| {
        for o in s..e {
            // Offset of output element `o` (row-major over the kept dims).
            let mut rem = o;
            let mut off = 0isize;
            for d in (0..kshape.len()).rev() {
                off += (rem % kshape[d]) as isize * kstrides[d];
                rem /= kshape[d];
            }
            // SAFETY: each `o` is written by exactly one chunk.
            unsafe { *optr.at(o as isize) = fold_block(init, off) };
        }
    });
    Ok(out)
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
            Isa::Avx512 => return unsafe { sum_f32_avx512(s) },
            Isa::Avx2 => return unsafe { sum_f32_avx2(s) },
            Isa::Baseline => {}
        }
        return sum_f32_body(s);
    }
    if st == 1 && T::DTYPE == DType::F64 {
        let s = unsafe { std::slice::from_raw_parts(p as *const f64, n) };
        let mut lanes = [0f64; 8];
        let mut it = s.chunks_exact(8);
        for c in &mut it {
            for i in 0..8 {
                lanes[i] += c[i];
            }
        }
        return lanes.iter().sum::<f64>() + it.remainder().iter().sum::<f64>();
    }
    for i in 0..n as isize {
        total += unsafe { *p.offset(i * st) }.to_f64();
    }
    total
}

#[inline(always)]
fn sum_f32_body(s: &[f32]) -> f64 {
    let mut total = 0f64;
    for block in s.chunks(4096) {
        let mut lanes = [0f32; 32];
        let mut it = block.chunks_exact(32);
        for c in &mut it {
            for i in 0..32 {
                lanes[i] += c[i];
            }
        }
        let mut b: f32 = it.remainder().iter().sum();
        b += lanes.iter().sum::<f32>();
        total += b as f64;
    }
    total
}

// See NOTE [ Run-time ISA dispatch ].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
unsafe fn sum_f32_avx512(s: &[f32]) -> f64 {
    sum_f32_body(s)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn sum_f32_avx2(s: &[f32]) -> f64 {
    sum_f32_body(s)
}

//! CPU kernels of the sort family: each line along the dim is copied into a buffer of
//! (value, index) pairs, ordered there, and written out; lines are split over the worker
//! team. `search` is searchsorted's binary search.
//!
//! NOTE [ Sort order ]
//! Every kernel orders by value with NaN above every number (PyTorch's order), and then by
//! index: the indices make the order total, so an unstable sort or selection
//! (`sort_unstable_by`, `select_nth_unstable_by`, the fastest in std) gives exactly the
//! stable result. `sort(stable=False)` is therefore stable too, which PyTorch allows and
//! its CPU kernel does as well; a descending sort keeps equal elements in their original
//! order, as PyTorch's stable descending sort does.

use super::iter::SendPtr;
use crate::backend::SortKernel;
use crate::dtype::Real;
use crate::{dispatch, parallel, DType, Result, Tensor};
use std::cmp::Ordering;

#[inline(always)]
fn is_nan<T: PartialEq>(v: &T) -> bool {
    #[allow(clippy::eq_op)]
    let nan = v != v;
    nan
}

/// Ascending, NaN largest (NOTE [ Sort order ]).
#[inline(always)]
fn asc<T: PartialOrd>(a: &T, b: &T) -> Ordering {
    match a.partial_cmp(b) {
        Some(o) => o,
        None => is_nan(a).cmp(&is_nan(b)),
    }
}

/// Element offset of line `r` (row-major over `shape`, whose sorted dim is 1).
fn line_offset(mut r: usize, shape: &[usize], strides: &[isize]) -> isize {
    let mut off = 0;
    for (&n, &s) in shape.iter().zip(strides).rev() {
        off += (r % n) as isize * s;
        r /= n;
    }
    off
}

pub fn run(k: SortKernel, x: &Tensor, d: usize, values: &Tensor, indices: &Tensor) -> Result<()> {
    if values.numel() == 0 {
        return Ok(());
    }
    let dt = x.dtype();
    dispatch!(
        REAL,
        dt,
        T,
        { lines::<T>(k, x, d, values, indices) },
        Err(crate::ops::unsupported(k.name(), dt))
    )
}

fn lines<T: Real>(k: SortKernel, x: &Tensor, d: usize, v: &Tensor, i: &Tensor) -> Result<()> {
    let n = x.shape()[d];
    let mut line_shape = x.dims();
    line_shape[d] = 1;
    let count: usize = line_shape.iter().product();
    let (px, pv, pi) = (
        SendPtr(x.cpu_ptr::<T>()?),
        SendPtr(v.cpu_ptr::<T>()?),
        SendPtr(i.cpu_ptr::<i64>()?),
    );
    let (xst, vst, ist) = (x.strides_vec(), v.strides_vec(), i.strides_vec());
    let (xs, vs, is) = (xst[d], vst[d], ist[d]);
    // Sorting n elements costs about n log n compares of a few adds each.
    let cost = n * (usize::BITS - n.leading_zeros()) as usize * 4;
    parallel::for_chunks(count, cost, |start, end| {
        let mut buf: Vec<(T, i64)> = Vec::with_capacity(n);
        for r in start..end {
            let (ox, ov, oi) = (
                line_offset(r, &line_shape, &xst),
                line_offset(r, &line_shape, &vst),
                line_offset(r, &line_shape, &ist),
            );
            buf.clear();
            // SAFETY: line r of x lies inside x (n elements of stride xs from ox).
            let get = |j: usize| unsafe { *px.at(ox + j as isize * xs) };
            let out = match k {
                SortKernel::TopK { k, largest } => {
                    // SAFETY: as `get`; a unit-stride line is one slice.
                    let line = (xs == 1)
                        .then(|| unsafe { std::slice::from_raw_parts(px.at(ox) as *const T, n) });
                    top_k(k, largest, n, get, line, &mut buf)
                }
                _ => {
                    buf.extend((0..n).map(|j| (get(j), j as i64)));
                    order_line(k, &mut buf)
                }
            };
            for (j, &(val, idx)) in out.iter().enumerate() {
                // SAFETY: values and indices have `out.len()` elements along d per line.
                unsafe {
                    *pv.at(ov + j as isize * vs) = val;
                    *pi.at(oi + j as isize * is) = idx;
                }
            }
        }
    });
    Ok(())
}

/// The `k` best of a line (largest or smallest, NOTE [ Sort order ]), in order, without
/// copying the line: an element is kept only if it beats the k-th best seen so far, and
/// the kept ones are cut back to k by selection whenever they reach `2k` (at least 16).
/// With k small most elements cost one compare (1M float32, k = 10, one thread: 3.9 ms
/// copying and selecting the whole line, 1.4 ms this way). A unit-stride `line` is
/// screened in blocks against the bar's value (NOTE [ topk screening ]).
fn top_k<'a, T: Real>(
    k: usize,
    largest: bool,
    n: usize,
    get: impl Fn(usize) -> T,
    line: Option<&[T]>,
    buf: &'a mut Vec<(T, i64)>,
) -> &'a [(T, i64)] {
    let cmp = |a: &(T, i64), b: &(T, i64)| {
        if largest {
            asc(&b.0, &a.0).then(a.1.cmp(&b.1))
        } else {
            asc(&a.0, &b.0).then(a.1.cmp(&b.1))
        }
    };
    if k == 0 {
        return &buf[..0];
    }
    // Whether value `v` can beat the bar's value `b` (the index decides ties): NaN is the
    // largest value, so it beats every bar when the largest are kept, and a NaN bar
    // falls to every value when the smallest are.
    let reach = |v: &T, b: &T| {
        if largest {
            (*v >= *b) | is_nan(v)
        } else {
            (*v <= *b) | is_nan(b)
        }
    };
    // Whether a kept value `q` ranks at or above `v` (NaN is the largest).
    let before = |q: &T, v: &T| {
        if largest {
            (*q >= *v) | is_nan(q)
        } else {
            (*q <= *v) | is_nan(v)
        }
    };
    // Few kept elements stay in order, one insertion per newcomer; more are cut back to
    // k by selection whenever they reach `2k` (NOTE [ topk screening ]).
    let sorted = k <= SORTED_K;
    let cap = (2 * k).max(16);
    let mut bar: Option<(T, i64)> = None;
    let mut j = 0;
    while j < n {
        let mut end = j + 1;
        if let (Some(b), Some(line)) = (bar, line) {
            end = (j + SCREEN).min(n);
            // A block none of whose values can reach the bar is skipped whole.
            let blk = &line[j..end];
            let any = if largest {
                blk.iter().fold(false, |a, v| a | (*v >= b.0) | is_nan(v))
            } else {
                is_nan(&b.0) || blk.iter().fold(false, |a, v| a | (*v <= b.0))
            };
            if !any {
                j = end;
                continue;
            }
        }
        for j in j..end {
            let p = (get(j), j as i64);
            if let Some(b) = bar {
                if !reach(&p.0, &b.0) || cmp(&p, &b) != Ordering::Less {
                    continue;
                }
            }
            if sorted {
                if buf.len() == k {
                    buf.pop();
                }
                // The newcomer's index is the largest yet, so it goes after every kept
                // element whose value is not worse: a branch-free count, where a binary
                // search mispredicted its way to 38% of the time.
                let at: usize = buf.iter().map(|q| before(&q.0, &p.0) as usize).sum();
                buf.insert(at, p);
                if buf.len() == k {
                    bar = Some(buf[k - 1]);
                }
                continue;
            }
            buf.push(p);
            if buf.len() >= cap {
                buf.select_nth_unstable_by(k - 1, cmp);
                buf.truncate(k);
                bar = Some(buf[k - 1]);
            }
        }
        j = end;
    }
    if sorted {
        return buf;
    }
    if buf.len() > k {
        buf.select_nth_unstable_by(k - 1, cmp);
        buf.truncate(k);
    }
    buf.sort_unstable_by(cmp);
    buf
}

// NOTE [ topk screening ]: topk(10) along dim 1 of 1000x1000 float32 took 1.20-1.29x
// torch's time at one thread: every element went through the full (value, index)
// compare with its NaN test, and the kept ones were cut back by selection (insertion
// sorts of 20 pairs: 30% of the time). Past the first few dozen elements almost none
// beats the bar, so a unit-stride line is tested SCREEN elements at a time with one
// branch-free `v >= bar or NaN` over the block (vectorized), only a block with a
// candidate is walked element by element, and there a value test comes before the full
// compare. Up to SORTED_K kept elements stay sorted: a newcomer is inserted in place
// (about k ln(n/k) of them, 46 for n = 1000, k = 10). The result is the same: a
// skipped element compares below the bar.
const SCREEN: usize = 8;
const SORTED_K: usize = 32;

/// Orders one line in place and returns the pairs to write.
fn order_line<T: Real>(k: SortKernel, buf: &mut [(T, i64)]) -> &[(T, i64)] {
    let up = |a: &(T, i64), b: &(T, i64)| asc(&a.0, &b.0).then(a.1.cmp(&b.1));
    let down = |a: &(T, i64), b: &(T, i64)| asc(&b.0, &a.0).then(a.1.cmp(&b.1));
    let n = buf.len();
    match k {
        SortKernel::Sort { descending: false } => {
            buf.sort_unstable_by(up);
            buf
        }
        SortKernel::Sort { descending: true } => {
            buf.sort_unstable_by(down);
            buf
        }
        SortKernel::TopK { .. } => unreachable!("top_k handles TopK"),
        SortKernel::Kth { k } => {
            buf.select_nth_unstable_by(k, up);
            &buf[k..k + 1]
        }
        SortKernel::Median { ignore_nan } => {
            let nans = buf.iter().filter(|p| is_nan(&p.0)).count();
            if nans > 0 && (!ignore_nan || nans == n) {
                // The first NaN is the result.
                let first = buf.iter().position(|p| is_nan(&p.0)).unwrap_or(0);
                return &buf[first..first + 1];
            }
            let m = (n - nans - 1) / 2;
            buf.select_nth_unstable_by(m, up);
            &buf[m..m + 1]
        }
        SortKernel::Mode => {
            buf.sort_unstable_by(up);
            // Runs of equal values; the longest wins, the first (smallest) on ties, and
            // it reports its last index.
            let (mut best, mut best_len, mut start) = (0usize, 0usize, 0usize);
            for j in 1..=n {
                if j == n || asc(&buf[j].0, &buf[start].0) != Ordering::Equal {
                    if j - start > best_len {
                        (best, best_len) = (j - 1, j - start);
                    }
                    start = j;
                }
            }
            &buf[best..best + 1]
        }
        SortKernel::CumMax | SortKernel::CumMin => {
            let max = k == SortKernel::CumMax;
            // A NaN takes over and stays; a later NaN moves the index, as in PyTorch.
            let mut cur = buf[0];
            for p in buf.iter_mut() {
                let better = if max { p.0 >= cur.0 } else { p.0 <= cur.0 };
                if is_nan(&p.0) || better {
                    cur = *p;
                }
                *p = cur;
            }
            buf
        }
    }
}

/// searchsorted's kernel (see `backend::search`); `sorted` and `input` are contiguous and
/// of one dtype, `out` is a fresh int64 or int32 tensor of input's shape.
pub fn search(sorted: &Tensor, input: &Tensor, right: bool, out: &Tensor) -> Result<()> {
    if input.numel() == 0 {
        return Ok(());
    }
    let dt = input.dtype();
    dispatch!(
        REAL,
        dt,
        T,
        { search_typed::<T>(sorted, input, right, out) },
        Err(crate::ops::unsupported("searchsorted", dt))
    )
}

fn search_typed<T: Real>(sorted: &Tensor, input: &Tensor, right: bool, out: &Tensor) -> Result<()> {
    let n = sorted.shape().last().copied().unwrap_or(1);
    let m = input.shape().last().copied().unwrap_or(1);
    let per_line = sorted.ndim() > 1;
    let (ps, px) = (
        SendPtr(sorted.cpu_ptr::<T>()?),
        SendPtr(input.cpu_ptr::<T>()?),
    );
    let wide = out.dtype() == DType::I64;
    let (p64, p32) = if wide {
        (
            SendPtr(out.cpu_ptr::<i64>()?),
            SendPtr(std::ptr::null_mut()),
        )
    } else {
        (
            SendPtr(std::ptr::null_mut()),
            SendPtr(out.cpu_ptr::<i32>()?),
        )
    };
    let cost = (usize::BITS - n.leading_zeros()) as usize * 2;
    parallel::for_chunks(input.numel(), cost, |start, end| {
        for e in start..end {
            let line = if per_line { (e / m) * n } else { 0 };
            // SAFETY: both tensors are contiguous; line `e / m` of sorted has n elements.
            let (seq, v) = unsafe {
                (
                    std::slice::from_raw_parts(ps.at(line as isize), n),
                    *px.at(e as isize),
                )
            };
            let pos = if right {
                seq.partition_point(|s| asc(s, &v) != Ordering::Greater)
            } else {
                seq.partition_point(|s| asc(s, &v) == Ordering::Less)
            };
            // SAFETY: out has input's numel elements.
            unsafe {
                if wide {
                    *p64.at(e as isize) = pos as i64;
                } else {
                    *p32.at(e as isize) = pos as i32;
                }
            }
        }
    });
    Ok(())
}

//! Strided N-d iteration shared by every elementwise and reduction kernel.
//!
//! Dims are coalesced first, so contiguous operands become one flat loop that LLVM
//! vectorizes; the remaining outer index space is split across the pool above `GRAIN`.

use crate::layout::coalesce;
use crate::parallel;

/// Calls `body(offsets, len, inner_strides)` for each innermost run of `shape`, where
/// `offsets[k]` is operand k's element offset from its base pointer. `cost` scales the
/// parallelism threshold (per-element work relative to an add).
pub fn for_each_run<const N: usize>(
    shape: &[usize],
    strides: [&[isize]; N],
    cost: usize,
    body: impl Fn([isize; N], usize, [isize; N]) + Sync + Send,
) {
    for_each_run_in(shape, strides, cost, true, body)
}

/// `for_each_run` on the calling thread only, runs in row-major order: for writes whose
/// targets may repeat (scatter), where the last write must win.
pub fn for_each_run_serial<const N: usize>(
    shape: &[usize],
    strides: [&[isize]; N],
    body: impl Fn([isize; N], usize, [isize; N]) + Sync + Send,
) {
    for_each_run_in(shape, strides, 1, false, body)
}

fn for_each_run_in<const N: usize>(
    shape: &[usize],
    strides: [&[isize]; N],
    cost: usize,
    parallel: bool,
    body: impl Fn([isize; N], usize, [isize; N]) + Sync + Send,
) {
    let for_chunks = |n: usize, cost: usize, f: &(dyn Fn(usize, usize) + Sync + Send)| {
        if parallel {
            parallel::for_chunks(n, cost, f)
        } else {
            f(0, n)
        }
    };
    if shape.contains(&0) {
        return;
    }
    let (cshape, cstrides) = coalesce(shape, &strides);
    let nd = cshape.len();
    if nd == 0 {
        body([0; N], 1, [0; N]);
        return;
    }
    let inner = cshape[nd - 1];
    let inner_strides: [isize; N] = std::array::from_fn(|k| cstrides[k][nd - 1]);
    let outer_shape = &cshape[..nd - 1];
    let outer: usize = outer_shape.iter().product();

    if outer == 1 {
        // One long run: split it into pieces.
        for_chunks(inner, cost, &|s, e| {
            let offs: [isize; N] = std::array::from_fn(|k| s as isize * inner_strides[k]);
            body(offs, e - s, inner_strides);
        });
        return;
    }
    for_chunks(outer, inner * cost, &|s, e| {
        // Unravel `s` once, then step an odometer.
        let mut idx: smallvec::SmallVec<[usize; 6]> = smallvec::SmallVec::from_elem(0, nd - 1);
        let mut rem = s;
        for d in (0..nd - 1).rev() {
            idx[d] = rem % outer_shape[d];
            rem /= outer_shape[d];
        }
        let mut offs: [isize; N] =
            std::array::from_fn(|k| (0..nd - 1).map(|d| idx[d] as isize * cstrides[k][d]).sum());
        for _ in s..e {
            body(offs, inner, inner_strides);
            for d in (0..nd - 1).rev() {
                idx[d] += 1;
                for (k, o) in offs.iter_mut().enumerate() {
                    *o += cstrides[k][d];
                }
                if idx[d] < outer_shape[d] {
                    break;
                }
                for (k, o) in offs.iter_mut().enumerate() {
                    *o -= cstrides[k][d] * outer_shape[d] as isize;
                }
                idx[d] = 0;
            }
        }
    });
}

/// A raw pointer that may cross into pool threads (see NOTE [ Storage aliasing ]).
#[derive(Clone, Copy)]
pub struct SendPtr<T>(pub *mut T);
unsafe impl<T> Send for SendPtr<T> {}
unsafe impl<T> Sync for SendPtr<T> {}

impl<T> SendPtr<T> {
    /// # Safety
    /// The offset must stay inside the allocation.
    #[inline(always)]
    pub unsafe fn at(self, off: isize) -> *mut T {
        self.0.offset(off)
    }
}

/// `out = f(a)` elementwise; `out` and `a` share `shape` (a may be broadcast).
///
/// # Safety
/// Pointers and strides must describe valid views of `shape` with the given element types.
pub unsafe fn map1<A: Copy, O: Copy>(
    shape: &[usize],
    out: (SendPtr<O>, &[isize]),
    a: (SendPtr<A>, &[isize]),
    cost: usize,
    f: impl Fn(A) -> O + Sync + Send,
) {
    let (po, pa) = (out.0, a.0);
    for_each_run(shape, [out.1, a.1], cost, |off, n, st| unsafe {
        let (o, x) = (po.at(off[0]), pa.at(off[1]));
        #[cfg(target_arch = "x86_64")]
        if isa() != Isa::Baseline {
            // SAFETY: the CPU has AVX2 and FMA (NOTE [ Run-time ISA dispatch ]).
            return run1_avx2(o, x, n, st, &f);
        }
        run1(o, x, n, st, &f)
    });
}

/// One run of `map1` (see `run2`).
#[inline(always)]
unsafe fn run1<A: Copy, O: Copy>(
    o: *mut O,
    x: *mut A,
    n: usize,
    st: [isize; 2],
    f: &impl Fn(A) -> O,
) {
    match st {
        // In place (`neg_`): one pointer, so LLVM needs no alias check between the
        // two (which fails when they are equal and picks the scalar loop: 4x slower).
        // NOTE: a select whose one arm is the old value (`relu_`) becomes a branch and a
        // conditional store here, which does not vectorize; `relu_` keeps the out-of-place
        // path for that reason (NOTE [ In-place unary without autograd ]).
        [1, 1] if std::ptr::eq(o as *const u8, x as *const u8) => {
            let io = o as *mut A;
            for i in 0..n {
                *o.add(i) = f(*io.add(i));
            }
        }
        [1, 1] => {
            for i in 0..n {
                *o.add(i) = f(*x.add(i));
            }
        }
        // A broadcast scalar source (`fill_`, `zero_`): a unit-stride store loop.
        [1, 0] => {
            let xv = *x;
            for i in 0..n {
                *o.add(i) = f(xv);
            }
        }
        _ => {
            for i in 0..n as isize {
                *o.offset(i * st[0]) = f(*x.offset(i * st[1]));
            }
        }
    }
}

/// `run1` compiled for AVX2+FMA (see `run2_avx2`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn run1_avx2<A: Copy, O: Copy>(
    o: *mut O,
    x: *mut A,
    n: usize,
    st: [isize; 2],
    f: &impl Fn(A) -> O,
) {
    run1(o, x, n, st, f)
}

/// `out = f(a, b)` elementwise over `shape` (a and b already broadcast to it).
///
/// # Safety
/// As `map1`.
pub unsafe fn map2<A: Copy, B: Copy, O: Copy>(
    shape: &[usize],
    out: (SendPtr<O>, &[isize]),
    a: (SendPtr<A>, &[isize]),
    b: (SendPtr<B>, &[isize]),
    cost: usize,
    f: impl Fn(A, B) -> O + Sync + Send,
) {
    let (po, pa, pb) = (out.0, a.0, b.0);
    for_each_run(shape, [out.1, a.1, b.1], cost, |off, n, st| unsafe {
        let (o, x, y) = (po.at(off[0]), pa.at(off[1]), pb.at(off[2]));
        #[cfg(target_arch = "x86_64")]
        if isa() != Isa::Baseline {
            // SAFETY: the CPU has AVX2 and FMA (NOTE [ Run-time ISA dispatch ]).
            return run2_avx2(o, x, y, n, st, &f);
        }
        run2(o, x, y, n, st, &f)
    });
}

/// One run of `map2`: unit-stride runs (in place, and with a broadcast scalar operand)
/// index with `add`, which LLVM vectorizes; the strided loop does not.
#[inline(always)]
unsafe fn run2<A: Copy, B: Copy, O: Copy>(
    o: *mut O,
    x: *mut A,
    y: *mut B,
    n: usize,
    st: [isize; 3],
    f: &impl Fn(A, B) -> O,
) {
    match st {
        // In place (`a.add_(b)`): one pointer read and written, so LLVM's alias check
        // between `o` and `x` (which would fail and pick the scalar loop) is not needed.
        [1, 1, 1] if std::ptr::eq(o as *const O as *const u8, x as *const A as *const u8) => {
            let io = o as *mut A;
            for i in 0..n {
                *o.add(i) = f(*io.add(i), *y.add(i));
            }
        }
        [1, 1, 1] => {
            for i in 0..n {
                *o.add(i) = f(*x.add(i), *y.add(i));
            }
        }
        // In place with a scalar (`a.add_(1.0)`), for the same reason.
        [1, 1, 0] if std::ptr::eq(o as *const O as *const u8, x as *const A as *const u8) => {
            let (io, yv) = (o as *mut A, *y);
            for i in 0..n {
                *o.add(i) = f(*io.add(i), yv);
            }
        }
        [1, 1, 0] => {
            let yv = *y;
            for i in 0..n {
                *o.add(i) = f(*x.add(i), yv);
            }
        }
        [1, 0, 1] => {
            let xv = *x;
            for i in 0..n {
                *o.add(i) = f(xv, *y.add(i));
            }
        }
        _ => {
            for i in 0..n as isize {
                *o.offset(i * st[0]) = f(*x.offset(i * st[1]), *y.offset(i * st[2]));
            }
        }
    }
}

/// `run2` compiled for AVX2+FMA: the in-cache binary ops (`a.add_(1.0)` of 100k float32
/// took 9.8 us against torch's 8.3 with the baseline's SSE2 loop).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn run2_avx2<A: Copy, B: Copy, O: Copy>(
    o: *mut O,
    x: *mut A,
    y: *mut B,
    n: usize,
    st: [isize; 3],
    f: &impl Fn(A, B) -> O,
) {
    run2(o, x, y, n, st, f)
}

/// `out = f(a, b, c)` elementwise over `shape`.
///
/// # Safety
/// As `map1`.
pub unsafe fn map3<A: Copy, B: Copy, C: Copy, O: Copy>(
    shape: &[usize],
    out: (SendPtr<O>, &[isize]),
    a: (SendPtr<A>, &[isize]),
    b: (SendPtr<B>, &[isize]),
    c: (SendPtr<C>, &[isize]),
    f: impl Fn(A, B, C) -> O + Sync + Send,
) {
    let (po, pa, pb, pc) = (out.0, a.0, b.0, c.0);
    for_each_run(shape, [out.1, a.1, b.1, c.1], 1, |off, n, st| unsafe {
        let (o, x, y, z) = (po.at(off[0]), pa.at(off[1]), pb.at(off[2]), pc.at(off[3]));
        #[cfg(target_arch = "x86_64")]
        if isa() != Isa::Baseline {
            // SAFETY: the CPU has AVX2 and FMA (NOTE [ Run-time ISA dispatch ]).
            return run3_avx2(o, (x, y, z), n, st, &f);
        }
        run3(o, (x, y, z), n, st, &f)
    });
}

/// One run of `map3` (see `run2`).
#[inline(always)]
unsafe fn run3<A: Copy, B: Copy, C: Copy, O: Copy>(
    o: *mut O,
    (x, y, z): (*mut A, *mut B, *mut C),
    n: usize,
    st: [isize; 4],
    f: &impl Fn(A, B, C) -> O,
) {
    // Unit-stride runs (and broadcast scalar operands: lerp's number weight, clamp's
    // bounds) index with `add`, which LLVM vectorizes; the strided loop does not.
    match st {
        // In place on the first operand (`x.addcmul_(a, b)`, `lerp_`): read through the
        // output pointer, as in `run2` (1M float32, 1 thread: addcmul_ 0.42 -> 0.16 ms,
        // NOTE [ In-place addcmul ]).
        [1, 1, 1, 1] if std::ptr::eq(o as *const u8, x as *const u8) => {
            let xo = o as *mut A;
            for i in 0..n {
                *o.add(i) = f(*xo.add(i), *y.add(i), *z.add(i));
            }
        }
        [1, 1, 1, 1] => {
            for i in 0..n {
                *o.add(i) = f(*x.add(i), *y.add(i), *z.add(i));
            }
        }
        [1, 1, 1, 0] if std::ptr::eq(o as *const u8, x as *const u8) => {
            let (xo, zv) = (o as *mut A, *z);
            for i in 0..n {
                *o.add(i) = f(*xo.add(i), *y.add(i), zv);
            }
        }
        [1, 1, 1, 0] => {
            let zv = *z;
            for i in 0..n {
                *o.add(i) = f(*x.add(i), *y.add(i), zv);
            }
        }
        [1, 1, 0, 0] => {
            let (yv, zv) = (*y, *z);
            for i in 0..n {
                *o.add(i) = f(*x.add(i), yv, zv);
            }
        }
        [1, 1, 0, 1] => {
            // where(mask, number, x): masked_fill and `x[mask] = v` (1M float32, random
            // mask, 1 thread: 3.8 ms strided and branchy, torch 3.7).
            let yv = *y;
            if std::ptr::eq(o as *const u8, z as *const u8) {
                // In place (`x[mask] = v`): reading the output pointer itself spares LLVM
                // the overlap check that sends an aliased loop to its scalar version (as in
                // `run2`): 3.8 -> 0.43 ms, torch 3.7.
                let zo = o as *mut C;
                for i in 0..n {
                    *o.add(i) = f(*x.add(i), yv, *zo.add(i));
                }
            } else {
                for i in 0..n {
                    *o.add(i) = f(*x.add(i), yv, *z.add(i));
                }
            }
        }
        _ => {
            for i in 0..n as isize {
                *o.offset(i * st[0]) = f(
                    *x.offset(i * st[1]),
                    *y.offset(i * st[2]),
                    *z.offset(i * st[3]),
                );
            }
        }
    }
}

/// `run3` compiled for AVX2+FMA (see `run2_avx2`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn run3_avx2<A: Copy, B: Copy, C: Copy, O: Copy>(
    o: *mut O,
    p: (*mut A, *mut B, *mut C),
    n: usize,
    st: [isize; 4],
    f: &impl Fn(A, B, C) -> O,
) {
    run3(o, p, n, st, f)
}

/// The vector extensions a kernel may be compiled for, detected once at run time.
///
/// NOTE [ Run-time ISA dispatch ]
/// The wheel targets baseline x86-64 (SSE2) so it runs anywhere. Hot kernels are written
/// once as `#[inline(always)]` scalar code and instantiated again inside
/// `#[target_feature]` functions, where LLVM vectorizes the same loops 8 or 16 lanes
/// wide; callers pick a copy with `isa()`. Only kernels that are compute-bound in cache
/// get extra copies, because each one adds code to the wheel.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Isa {
    Baseline,
    Avx2,
    Avx512,
}

/// The copy to run: the vector kernels' path (NOTE [ SIMD dispatch ]), so `RTORCH_ISA`
/// forces these copies too and the tests reach every one the CPU has.
#[inline]
pub fn isa() -> Isa {
    match super::simd::isa() {
        super::simd::Isa::Avx512 => Isa::Avx512,
        super::simd::Isa::Avx2 => Isa::Avx2,
        _ => Isa::Baseline,
    }
}

/// `out[i] = f(x[i])` over slices, compiled twice: for AVX2+FMA when the CPU has them
/// (chosen at run time, so the wheel still runs on any x86-64) and for the baseline.
/// Results are identical: Rust never fuses a multiply and an add on its own.
#[inline(always)]
pub fn map_slices<A: Copy, O: Copy>(out: &mut [O], x: &[A], f: &impl Fn(A) -> O) {
    #[cfg(target_arch = "x86_64")]
    {
        if isa() != Isa::Baseline {
            // SAFETY: the CPU supports the features this copy was compiled for.
            return unsafe { map_slices_avx2(out, x, f) };
        }
    }
    for (o, &v) in out.iter_mut().zip(x) {
        *o = f(v);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn map_slices_avx2<A: Copy, O: Copy>(out: &mut [O], x: &[A], f: &impl Fn(A) -> O) {
    for (o, &v) in out.iter_mut().zip(x) {
        *o = f(v);
    }
}

//! CPU kernels of the matrix products: float32/float64 through faer on strided views
//! (transposed or sliced operands are never copied), other dtypes with a plain loop in
//! int64 (wrapping, as C++ would).

use super::iter::{map1, SendPtr};
use super::num::Arith;
use crate::backend::GemmKernel;
use crate::dtype::Real;
use crate::layout::Layout;
use crate::{dispatch, parallel, with_dtype, DType, Result, Tensor};
use faer::{Accum, MatMut, MatRef, Par};
use smallvec::SmallVec;

// NOTE [ addmm in one pass ]
// nn.Linear is `addmm(bias, x, w.t())`. Composed, that is a GEMM into a temporary, a
// broadcast multiply by beta and an add: three passes over the (m, n) result and two
// allocations. BLAS's own contract is `C = beta * C + alpha * A @ B`, so for float32 and
// float64 the output is first filled with `beta * input` (broadcast, one pass) and the
// GEMM accumulates into it with faer's `Accum::Add` and `alpha`. beta = 0 never reads
// the input (NaN/inf in it do not show, as torch's BLAS path), and alpha = 0 skips the
// product. Measured on 2 shared cores, median: (64, 256) x (256, 256)ᵀ + bias 0.107 ->
// 0.100 ms; at 512 the GEMM dominates and the difference was inside the noise of a
// machine shared with a compiler (2.2-4.2 vs 3.6-4.6 ms).

pub fn run(k: GemmKernel<'_>, a: &Tensor, b: &Tensor, out: &Tensor) -> Result<()> {
    let product = Product::new(a, b, out);
    match k {
        GemmKernel::Mm => product.run(1.0, Accum::Replace),
        GemmKernel::Addmm { input, beta, alpha } => {
            let accum = if beta != 0.0 {
                fill_scaled(out, input, beta)?;
                Accum::Add
            } else {
                Accum::Replace
            };
            match (alpha != 0.0, accum) {
                (true, _) => product.run(alpha, accum),
                (false, Accum::Replace) => product.zero_out(),
                (false, Accum::Add) => Ok(()),
            }
        }
    }
}

/// `out = beta * input`, `input` read through its layout broadcast to `out`.
fn fill_scaled(out: &Tensor, (input, layout): (&Tensor, &Layout), beta: f64) -> Result<()> {
    let shape = out.dims();
    let os = out.strides_vec();
    dispatch!(
        FLOAT,
        out.dtype(),
        T,
        {
            let b = T::elem_from_f64(beta);
            let (po, pi) = (SendPtr(out.cpu_ptr::<T>()?), SendPtr(input.cpu_ptr::<T>()?));
            // SAFETY: `out` is fresh over `shape`; `layout` is input's view broadcast to it.
            // (beta = 1, nn.Linear's, multiplies exactly: no copy-only branch needed.)
            unsafe {
                map1(&shape, (po, &os), (pi, &layout.strides), 1, move |x: T| {
                    Arith::mul(b, x)
                })
            }
        },
        crate::bail!(
            runtime,
            "internal error: addmm's epilogue for {}",
            out.dtype().name()
        )
    );
    Ok(())
}

/// A matrix: the last two dims of a tensor as (rows, cols, row stride, col stride).
#[derive(Clone, Copy)]
struct Mat {
    rows: usize,
    cols: usize,
    rs: isize,
    cs: isize,
}

impl Mat {
    fn of(t: &Tensor) -> Mat {
        let n = t.ndim();
        let (rows, cols) = (t.shape()[n - 2], t.shape()[n - 1]);
        let (mut rs, mut cs) = (t.strides()[n - 2], t.strides()[n - 1]);
        // NOTE: size-1 dims may carry any stride; faer's fast paths want unit strides there.
        if rows <= 1 {
            rs = cols.max(1) as isize;
        }
        if cols <= 1 {
            cs = 1;
        }
        Mat { rows, cols, rs, cs }
    }

    /// Offset of element (r, c).
    fn at(self, r: usize, c: usize) -> isize {
        r as isize * self.rs + c as isize * self.cs
    }
}

/// Element offsets of every matrix of a batch (row-major over the batch dims).
type Offsets = SmallVec<[isize; 1]>;

fn batch_offsets(t: &Tensor, batch: usize) -> Offsets {
    let nd = t.ndim() - 2;
    let (shape, strides) = (&t.shape()[..nd], &t.strides()[..nd]);
    (0..batch)
        .map(|i| {
            let (mut rem, mut off) = (i, 0isize);
            for d in (0..nd).rev() {
                off += (rem % shape[d]) as isize * strides[d];
                rem /= shape[d];
            }
            off
        })
        .collect()
}

/// `out[i] = a[i] @ b[i]` for every batch index `i`: operands and their batch offsets.
struct Product<'t> {
    tensors: [&'t Tensor; 3],
    mats: [Mat; 3],
    batch: usize,
}

impl<'t> Product<'t> {
    fn new(a: &'t Tensor, b: &'t Tensor, out: &'t Tensor) -> Self {
        Product {
            tensors: [a, b, out],
            mats: [Mat::of(a), Mat::of(b), Mat::of(out)],
            batch: out.shape()[..out.ndim() - 2].iter().product(),
        }
    }

    fn is_empty(&self) -> bool {
        let [a, b, _] = self.mats;
        self.batch == 0 || a.rows == 0 || b.cols == 0
    }

    fn offsets(&self) -> [Offsets; 3] {
        self.tensors.map(|t| batch_offsets(t, self.batch))
    }

    /// `out = alpha * a @ b` (`Accum::Replace`) or `out += alpha * a @ b` (`Accum::Add`).
    fn run(&self, alpha: f64, accum: Accum) -> Result<()> {
        if self.is_empty() {
            return Ok(());
        }
        match self.tensors[2].dtype() {
            DType::F32 => self.float::<f32>(alpha, accum),
            DType::F64 => self.float::<f64>(alpha, accum),
            dt => dispatch!(
                INTEGRAL | BOOL,
                dt,
                T,
                { self.int_loop::<T>(alpha as i64, accum) },
                Err(crate::ops::unsupported("addmm_impl_cpu_", dt))
            ),
        }
    }

    /// faer on strided views, parallel as `for_each_product` decides.
    fn float<T>(&self, alpha: f64, accum: Accum) -> Result<()>
    where
        T: Real + faer::traits::ComplexField,
    {
        let [a, b, o] = self.mats;
        let [pa, pb, po] = self.tensors.map(|t| t.cpu_ptr::<T>().map(SendPtr));
        let (pa, pb, po) = (pa?, pb?, po?);
        let [oa, ob, oo] = self.offsets();
        let alpha = T::elem_from_f64(alpha);
        if a.cols == 0 {
            return match accum {
                Accum::Replace => self.zero_out(),
                Accum::Add => Ok(()),
            };
        }
        let work = a.rows * b.cols * a.cols;
        // Rows r0..r1 and columns c0..c1 of product i.
        let block = |i: usize, (r0, r1): (usize, usize), (c0, c1): (usize, usize), par: Par| {
            // SAFETY: each view lies within its tensor (shapes checked by the op); products
            // and the blocks of one product write disjoint outputs.
            unsafe {
                let (m, n) = (r1 - r0, c1 - c0);
                let am =
                    MatRef::<T>::from_raw_parts(pa.at(oa[i] + a.at(r0, 0)), m, a.cols, a.rs, a.cs);
                let bm =
                    MatRef::<T>::from_raw_parts(pb.at(ob[i] + b.at(0, c0)), b.rows, n, b.rs, b.cs);
                let om =
                    MatMut::<T>::from_raw_parts_mut(po.at(oo[i] + o.at(r0, c0)), m, n, o.rs, o.cs);
                faer::linalg::matmul::matmul(om, accum, am, bm, alpha, par);
            }
        };
        if let Some(split) = Split::for_one(self.batch, work, a.rows, b.cols) {
            // NOTE [ GEMM on the worker team ]
            split.run(|r0, r1, c0, c1| block(0, (r0, r1), (c0, c1), Par::Seq));
            return Ok(());
        }
        for_each_product(self.batch, work, |i, par| {
            block(i, (0, a.rows), (0, b.cols), par)
        });
        Ok(())
    }

    /// Integer (and bool) products: a plain triple loop in int64, wrapping.
    fn int_loop<T: Real>(&self, alpha: i64, accum: Accum) -> Result<()> {
        let [a, b, o] = self.mats;
        let (pa, pb, po) = (
            self.tensors[0].cpu_ptr::<T>()?,
            self.tensors[1].cpu_ptr::<T>()?,
            self.tensors[2].cpu_ptr::<T>()?,
        );
        let [oa, ob, oo] = self.offsets();
        for i in 0..self.batch {
            for r in 0..o.rows {
                for c in 0..o.cols {
                    let mut s = 0i64;
                    for j in 0..a.cols {
                        // SAFETY: indices within the validated shapes.
                        unsafe {
                            let x = (*pa.offset(oa[i] + a.at(r, j))).to_i64();
                            let y = (*pb.offset(ob[i] + b.at(j, c))).to_i64();
                            s = s.wrapping_add(x.wrapping_mul(y));
                        }
                    }
                    // SAFETY: as above, for the output.
                    unsafe {
                        let p = po.offset(oo[i] + o.at(r, c));
                        let prev = if matches!(accum, Accum::Add) {
                            (*p).to_i64()
                        } else {
                            0
                        };
                        *p = T::from_i64(prev.wrapping_add(s.wrapping_mul(alpha)));
                    }
                }
            }
        }
        Ok(())
    }

    /// `out = 0`: an empty inner dim, or a product skipped with nothing to add to.
    fn zero_out(&self) -> Result<()> {
        let out = self.tensors[2];
        with_dtype!(out.dtype(), T, {
            let po = out.cpu_ptr::<T>()?;
            let o = self.mats[2];
            for off in self.offsets()[2].iter() {
                for r in 0..o.rows {
                    for c in 0..o.cols {
                        // SAFETY: (r, c) of batch matrix `off` lies within `out`.
                        unsafe { *po.offset(off + o.at(r, c)) = T::default() };
                    }
                }
            }
        });
        Ok(())
    }
}

// NOTE [ GEMM on the worker team ]
// faer parallelises one product on a rayon pool, whose start-up (inject, wake, steal,
// wake the caller) cost 15-30 us a call on 2 shared Zen 4 cores: at 2 threads a 64^3
// float32 product ran at 43 GFLOP/s against 96 on 1 thread, 128^3 at 79 against 111,
// 256^3 at 108 against 115. A single product of moderate size is therefore cut into one
// block of output rows (or columns, whichever is longer) per thread, each a sequential
// faer call on the worker team (NOTE [ Worker team ]), which costs a few microseconds.
// Each block packs its own copy of the shared operand, which is cheap at these sizes;
// at `SPLIT_MAX` and above faer's own schedule, which shares the packing, is kept.
const SPLIT_MIN: usize = 48 * 48 * 48;
const SPLIT_MAX: usize = 512 * 512 * 512;

/// One product's output cut into per-thread blocks along its longer side.
struct Split {
    rows: usize,
    cols: usize,
    by_rows: bool,
    parts: usize,
}

impl Split {
    fn for_one(batch: usize, work: usize, rows: usize, cols: usize) -> Option<Split> {
        let threads = parallel::get_num_threads();
        if batch != 1 || threads < 2 || !(SPLIT_MIN..SPLIT_MAX).contains(&work) {
            return None;
        }
        let by_rows = rows >= cols;
        let len = if by_rows { rows } else { cols };
        // Blocks of at least 16 rows keep faer's micro-kernels full.
        let parts = threads.min(len / 16);
        (parts >= 2).then_some(Split {
            rows,
            cols,
            by_rows,
            parts,
        })
    }

    /// Runs `block(r0, r1, c0, c1)` for each block, one per team thread.
    fn run(&self, block: impl Fn(usize, usize, usize, usize) + Sync + Send) {
        let len = if self.by_rows { self.rows } else { self.cols };
        let per = len.div_ceil(self.parts).next_multiple_of(16);
        parallel::for_chunks(self.parts, usize::MAX / self.parts, |s, e| {
            for c in s..e {
                let (lo, hi) = ((c * per).min(len), ((c + 1) * per).min(len));
                if lo < hi {
                    if self.by_rows {
                        block(lo, hi, 0, self.cols);
                    } else {
                        block(0, self.rows, lo, hi);
                    }
                }
            }
        });
    }
}

/// Runs `one(i, par)` for every product `i` of a batch of `batch` products of `work`
/// multiply-adds each: a small single product sequentially, many small ones in parallel
/// over the batch, big ones one after the other with faer's own parallelism.
fn for_each_product(batch: usize, work: usize, one: impl Fn(usize, Par) + Sync) {
    if work < 48 * 48 * 48 && batch == 1 {
        one(0, Par::Seq);
    } else if work < 128 * 128 * 128 && batch > 1 {
        parallel::for_chunks(batch, work, |s, e| (s..e).for_each(|i| one(i, Par::Seq)));
    } else if parallel::get_num_threads() > 1 {
        // NOTE: Par::rayon(0) means "the current pool"; outside `install` that would be
        // rayon's global pool, which is not fork-safe, so one thread means Seq.
        parallel::install(|| (0..batch).for_each(|i| one(i, Par::rayon(0))));
    } else {
        (0..batch).for_each(|i| one(i, Par::Seq));
    }
}

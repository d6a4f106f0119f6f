//! The CPU counting kernels of `ops/reduction/histogram.rs`: bincount, histc, histogram.
//!
//! NOTE [ Histogram accumulation ]: counts and weights add up in the compute type, f32
//! for float32/float16/bfloat16 input and f64 for float64 (bincount: the weights' own
//! type), one pass in element order, then are written once into `out`; a bin's position
//! is computed in the same type. PyTorch computes both in the input's type, so float32
//! and float64 match it to the bit; for halves each step is rounded back to the half
//! type, as PyTorch's half arithmetic rounds (so a float16 bin, like PyTorch's, stops
//! counting at 2048).

use crate::backend::HistogramKernel;
use crate::dtype::{Float, Real};
use crate::{dispatch, Result, Tensor};

/// See `backend::histogram`.
pub fn run(k: HistogramKernel<'_>, x: &Tensor, out: &Tensor) -> Result<()> {
    match k {
        HistogramKernel::BinCount { weights } => bincount(x, weights, out),
        HistogramKernel::Uniform {
            lo,
            hi,
            edges,
            weights,
        } => {
            dispatch!(
                FLOAT,
                x.dtype(),
                T,
                { bins::<T>(x, Bins::Uniform { lo, hi, edges }, weights, out) },
                Err(crate::ops::unsupported("histogram_cpu", x.dtype()))
            )
        }
        HistogramKernel::Edges { edges, weights } => {
            dispatch!(
                FLOAT,
                x.dtype(),
                T,
                { bins::<T>(x, Bins::Edges(edges), weights, out) },
                Err(crate::ops::unsupported("histogram_cpu", x.dtype()))
            )
        }
    }
}

/// The contiguous elements of `t`, read as `T` (its dtype, checked by `cpu_ptr`).
fn elems<T: Real>(t: &Tensor) -> Result<&[T]> {
    crate::ensure!(
        t.is_contiguous(),
        runtime,
        "histogram kernels: operand not contiguous"
    );
    let p = t.cpu_ptr::<T>()?;
    // SAFETY: a contiguous tensor of `numel` elements of T starts at `p`, and the
    // borrow lives no longer than `t`.
    Ok(unsafe { std::slice::from_raw_parts(p, t.numel()) })
}

fn write<T: Real, C: Real>(out: &Tensor, acc: &[C]) -> Result<()> {
    crate::ensure!(
        out.is_contiguous() && out.numel() == acc.len(),
        runtime,
        "histogram kernels: bad output"
    );
    let p = out.cpu_ptr::<T>()?;
    for (i, &a) in acc.iter().enumerate() {
        // SAFETY: `out` is contiguous with `acc.len()` elements.
        unsafe { *p.add(i) = T::elem_from_f64(a.to_f64()) };
    }
    Ok(())
}

fn bincount(x: &Tensor, weights: Option<&Tensor>, out: &Tensor) -> Result<()> {
    let xs = elems::<i64>(x)?;
    let n = out.numel();
    crate::ensure!(
        xs.iter().all(|&v| v >= 0 && (v as usize) < n),
        runtime,
        "bincount: index out of range of the output"
    );
    match weights {
        None => {
            let mut acc = vec![0i64; n];
            for &v in xs {
                acc[v as usize] += 1;
            }
            write::<i64, i64>(out, &acc)
        }
        Some(w) => dispatch!(
            FLOAT,
            w.dtype(),
            W,
            { weighted::<W>(xs, w, out) },
            Err(crate::ops::unsupported("bincount_cpu", w.dtype()))
        ),
    }
}

fn weighted<W: Real>(xs: &[i64], w: &Tensor, out: &Tensor) -> Result<()> {
    let ws = elems::<W>(w)?;
    crate::ensure!(
        ws.len() == xs.len(),
        runtime,
        "bincount: weights and input differ in length"
    );
    if W::DTYPE == crate::DType::F64 {
        add_weights::<W, f64>(xs, ws, out)
    } else {
        add_weights::<W, f32>(xs, ws, out)
    }
}

fn add_weights<W: Real, C: Float>(xs: &[i64], ws: &[W], out: &Tensor) -> Result<()> {
    let mut acc = vec![C::from_f64(0.0); out.numel()];
    for (&v, &w) in xs.iter().zip(ws) {
        acc[v as usize] = acc[v as usize] + C::from_f64(w.to_f64());
    }
    dispatch!(
        FLOAT,
        out.dtype(),
        O,
        { write::<O, C>(out, &acc) },
        Err(crate::ops::unsupported("bincount_cpu", out.dtype()))
    )
}

/// Where the bins are.
enum Bins<'a> {
    /// `out.numel()` equal bins over `[lo, hi]`; with `edges` (the bin edges as the op
    /// returns them) a position is moved by one where rounding put it across an edge.
    Uniform {
        lo: f64,
        hi: f64,
        edges: Option<&'a Tensor>,
    },
    /// Bins between consecutive sorted edges.
    Edges(&'a Tensor),
}

fn bins<T: Real>(x: &Tensor, b: Bins<'_>, weights: Option<&Tensor>, out: &Tensor) -> Result<()> {
    if T::DTYPE == crate::DType::F64 {
        bins_in::<T, f64>(x, b, weights, out)
    } else {
        bins_in::<T, f32>(x, b, weights, out)
    }
}

fn bins_in<T: Real, C: Float>(
    x: &Tensor,
    b: Bins<'_>,
    weights: Option<&Tensor>,
    out: &Tensor,
) -> Result<()> {
    let xs = elems::<T>(x)?;
    let ws = weights.map(elems::<T>).transpose()?;
    crate::ensure!(
        ws.is_none_or(|w| w.len() == xs.len()),
        runtime,
        "histogram: weight and input differ in length"
    );
    let nb = out.numel();
    let mut acc = vec![C::from_f64(0.0); nb];
    if nb == 0 {
        return Ok(());
    }
    let read = |e: &Tensor| -> Result<Vec<C>> {
        Ok(elems::<T>(e)?
            .iter()
            .map(|v| C::from_f64(v.to_f64()))
            .collect())
    };
    // Halves compute in f32 but round each step back to the input's type, as PyTorch's
    // half arithmetic does (NOTE [ Histogram accumulation ]).
    let half = matches!(T::DTYPE, crate::DType::F16 | crate::DType::BF16);
    let r = |v: C| {
        if half {
            C::from_f64(T::elem_from_f64(v.to_f64()).to_f64())
        } else {
            v
        }
    };
    let (lo, hi, edges, uniform) = match b {
        // The range is the outer edges as stored in the input's type.
        Bins::Uniform { lo, hi, edges } => match edges.map(read).transpose()? {
            Some(e) => (e[0], e[e.len() - 1], Some(e), true),
            None => (r(C::from_f64(lo)), r(C::from_f64(hi)), None, true),
        },
        Bins::Edges(e) => {
            let e = read(e)?;
            crate::ensure!(
                e.len() == nb + 1,
                runtime,
                "histogram: {} edges for {nb} bins",
                e.len()
            );
            (e[0], e[nb], Some(e), false)
        }
    };
    let scale = r(C::from_f64(nb as f64));
    let width = r(hi - lo);
    for (i, &v) in xs.iter().enumerate() {
        let v = C::from_f64(v.to_f64());
        // Outside the range, or NaN: not counted.
        if !(v >= lo && v <= hi) {
            continue;
        }
        let mut pos = if uniform {
            r(r(r(v - lo) * scale) / width)
                .to_i64()
                .clamp(0, nb as i64 - 1) as usize
        } else {
            // The number of edges <= v, less one: the last edge closes the last bin.
            let e = edges.as_deref().unwrap_or(&[]);
            e.partition_point(|&edge| edge <= v)
                .saturating_sub(1)
                .min(nb - 1)
        };
        if let (true, Some(e)) = (uniform, edges.as_deref()) {
            if v < e[pos] && pos > 0 {
                pos -= 1;
            } else if pos + 1 < nb && v >= e[pos + 1] {
                pos += 1;
            }
        }
        let w = ws.map_or(C::from_f64(1.0), |w| C::from_f64(w[i].to_f64()));
        acc[pos] = r(acc[pos] + w);
    }
    write::<T, C>(out, &acc)
}

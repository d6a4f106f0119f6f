//! Counting ops: `bincount`, `histc`, `histogram`. None is differentiable (PyTorch has no
//! formula for histc or bincount; histogram's counts carry no gradient either), so
//! nothing is recorded. The counting itself is one kernel (`backend::histogram`); this
//! file checks arguments and decides ranges, bin edges and result dtypes.

use crate::backend::{self, HistogramKernel, ReduceKernel};
use crate::ops::cast::to_dtype;
use crate::ops::{binary, factory, movement, reduce, Kind, OpInfo};
use crate::{ensure, DType, Result, Tensor};

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[OpInfo] = &[
    OpInfo::inputs("bincount", Kind::Reduction, &[&[5]], |t| {
        let x = Tensor::from_slice(&[0i64, 3, 1, 3, 0], &[5])?;
        bincount(&x, Some(&t[0]), 2)
    }),
    OpInfo::inputs("histc", Kind::Reduction, &[&[2, 3]], |t| {
        histc(&t[0], 4, 0.0, 0.0)
    }),
    OpInfo::inputs("histogram", Kind::Reduction, &[&[2, 3]], |t| {
        Ok(histogram(&t[0], HistBins::Count(3), None, None, false)?.0)
    }),
];

/// How `histogram` is given its bins.
#[derive(Clone, Copy, Debug)]
pub enum HistBins<'a> {
    /// This many equal bins over the range.
    Count(i64),
    /// These (1-D, sorted) bin edges.
    Edges(&'a Tensor),
}

/// A number as C++ streams print a double in PyTorch's messages ("1", "2.5", "inf").
fn num(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v.is_finite() && v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The smallest and largest element of a non-empty `x` (NaN propagates), read back.
fn data_range(x: &Tensor) -> Result<(f64, f64)> {
    let all: Vec<usize> = (0..x.ndim()).collect();
    let (lo, hi) = (x.new_empty(&[], x.dtype())?, x.new_empty(&[], x.dtype())?);
    backend::reduce(ReduceKernel::Min, x, &all, &[&lo])?;
    backend::reduce(ReduceKernel::Max, x, &all, &[&hi])?;
    Ok((backend::item(&lo)?.to_f64(), backend::item(&hi)?.to_f64()))
}

/// The counts of each value of a 1-D tensor of non-negative integers; with `weights`
/// the sum of their weights (float32 or float64 weights keep their dtype, others are
/// summed as float64), over `max(input.max() + 1, minlength)` bins.
pub fn bincount(x: &Tensor, weights: Option<&Tensor>, minlength: i64) -> Result<Tensor> {
    if !x.dtype().is_integral(false) {
        return Err(crate::ops::unsupported("bincount_cpu", x.dtype()));
    }
    ensure!(minlength >= 0, runtime, "minlength should be >= 0");
    let nonneg = "bincount only supports 1-d non-negative integral inputs.";
    ensure!(x.ndim() == 1, runtime, "{nonneg}");
    // PyTorch answers an empty input with int64 zeros whatever the weights (their
    // length and rank unchecked).
    if x.numel() == 0 {
        return x.new_zeros(&[minlength as usize], DType::I64);
    }
    if let Some(w) = weights {
        ensure!(
            w.ndim() == 1 && w.numel() == x.numel(),
            runtime,
            "weights should be 1-d and have the same length as input"
        );
    }
    let out_dtype = match weights.map(|w| w.dtype()) {
        None => DType::I64,
        Some(d @ (DType::F32 | DType::F64)) => d,
        Some(_) => DType::F64,
    };
    let xs = movement::contiguous(&to_dtype(x, DType::I64)?.detach())?;
    let (lo, hi) = data_range(&xs)?;
    ensure!(lo >= 0.0, runtime, "{nonneg}");
    let n = (hi as usize + 1).max(minlength as usize);
    let out = x.new_empty(&[n], out_dtype)?;
    let w = match weights {
        Some(w) => Some(movement::contiguous(&to_dtype(&w.detach(), out_dtype)?)?),
        None => None,
    };
    backend::histogram(
        HistogramKernel::BinCount {
            weights: w.as_ref(),
        },
        &xs,
        &out,
    )?;
    if let Some(w) = weights {
        crate::autograd::record_no_derivative_of("bincount", &[w], &[&out])?;
    }
    Ok(out)
}

fn check_bins(bins: i64) -> Result<()> {
    ensure!(
        bins > 0,
        runtime,
        "torch.histogram(): bins must be > 0, but got {bins} for dimension 0"
    );
    Ok(())
}

/// `bins` equal bins over `[min, max]` (the data's range when min == max), in the
/// input's float dtype; values outside and NaN are not counted, `max` falls in the last
/// bin.
pub fn histc(x: &Tensor, bins: i64, min: f64, max: f64) -> Result<Tensor> {
    check_bins(bins)?;
    ensure!(
        min <= max,
        runtime,
        "torch.histc: max must be larger than min"
    );
    let xs = movement::contiguous(&x.detach())?;
    let (mut lo, mut hi) = (min, max);
    if lo == hi && x.numel() > 0 && x.dtype() != DType::Bool {
        (lo, hi) = data_range(&xs)?;
    }
    if lo == hi {
        (lo, hi) = (lo - 1.0, hi + 1.0);
    }
    ensure!(
        lo.is_finite() && hi.is_finite(),
        runtime,
        "torch.histc: range of [{}, {}] is not finite",
        num(lo),
        num(hi)
    );
    if !x.dtype().is_floating_point() {
        // PyTorch has no integer kernel, but first lays out the bin edges in the input's
        // type, whose range check (a widened range below 0 for uint8) or missing bool
        // linspace is the error then.
        factory::linspace(lo, hi, bins + 1, x.dtype(), x.device())?;
        return Err(crate::ops::unsupported("histogram_cpu", x.dtype()));
    }
    let out = x.new_empty(&[bins as usize], x.dtype())?;
    let k = HistogramKernel::Uniform {
        lo,
        hi,
        edges: None,
        weights: None,
    };
    backend::histogram(k, &xs, &out)?;
    Ok(out)
}

/// `(hist, bin_edges)` of all of `x`'s elements: `bins` equal bins over `range` (the
/// data's range by default; an empty range is widened by 0.5 each side) or the given
/// edges; `weight` sums weights instead of counting; `density` divides by the total and
/// the bin widths. The half types need their bins given (NOTE [ Half histograms ]).
pub fn histogram(
    x: &Tensor,
    bins: HistBins<'_>,
    range: Option<(f64, f64)>,
    weight: Option<&Tensor>,
    density: bool,
) -> Result<(Tensor, Tensor)> {
    let (hist, edges) =
        crate::autograd::no_grad(|| histogram_values(x, bins, range, weight, density))?;
    let mut inputs = vec![x];
    inputs.extend(weight);
    if let HistBins::Edges(e) = bins {
        inputs.push(e);
    }
    if crate::autograd::needs_grad(&inputs) {
        // Fresh edges: the node's outputs must not be the caller's bins tensor.
        let edges = movement::clone_contiguous(&edges)?;
        crate::autograd::record_no_derivative_of("histogram", &inputs, &[&hist, &edges])?;
        return Ok((hist, edges));
    }
    Ok((hist, edges))
}

fn histogram_values(
    x: &Tensor,
    bins: HistBins<'_>,
    range: Option<(f64, f64)>,
    weight: Option<&Tensor>,
    density: bool,
) -> Result<(Tensor, Tensor)> {
    let dt = x.dtype();
    // NOTE [ Histogram check order ]: given edges, PyTorch checks them (dtype, dims,
    // count), then the weight, then the bin count; given a count, the count, the range,
    // the data's range (no kernel "histogramdd" for an integer or bool input), the edges'
    // linspace (none for bool), then the weight. An integer or bool input that passes all
    // of it finds no "histogram_cpu" kernel.
    let float = dt.is_floating_point();
    // NOTE [ Half histograms ]: PyTorch counts float16/bfloat16 input given its bins
    // (edges, or a count with a range) in the half type itself, but cannot find the
    // data's range in it; the kernel rounds each step to the half type as PyTorch does.
    let half = matches!(dt, DType::F16 | DType::BF16);
    let n = x.numel();
    let check_weight = || -> Result<()> {
        let Some(w) = weight else { return Ok(()) };
        ensure!(
            w.dtype() == dt,
            runtime,
            "torch.histogramdd: if weight tensor is provided, input tensor and weight tensor \
             should have the same dtype, but got input({}), and weight({})",
            dt.cpp_name(),
            w.dtype().cpp_name()
        );
        ensure!(
            w.numel() == n,
            runtime,
            "torch.histogramdd: if weight tensor is provided it should have the same shape as \
             the input tensor excluding its innermost dimension, but got input with shape \
             [{n}, 1] and weight with shape [{}]",
            w.numel()
        );
        Ok(())
    };
    let xs = movement::contiguous(&x.detach())?;
    let w = weight
        .map(|w| movement::contiguous(&w.detach()))
        .transpose()?;
    let (hist, edges) = match bins {
        HistBins::Edges(e) => {
            ensure!(
                e.dtype() == dt,
                runtime,
                "torch.histogramdd: input tensor and bins tensors should have the same dtype, \
                 but got input with dtype {} and bins for dimension 0 with dtype {}",
                dt.cpp_name(),
                e.dtype().cpp_name()
            );
            ensure!(
                e.ndim() == 1,
                runtime,
                "torch.histogramdd: bins tensor should have one dimension, but got {} \
                 dimensions in the bins tensor for dimension 0",
                e.ndim()
            );
            ensure!(
                e.numel() > 0,
                runtime,
                "torch.histogramdd: bins tensor should have at least 1 element, but got 0 \
                 elements in the bins tensor for dimension 0"
            );
            check_weight()?;
            check_bins(e.numel() as i64 - 1)?;
            if !float {
                return Err(crate::ops::unsupported("histogram_cpu", dt));
            }
            let edges = movement::contiguous(&e.detach())?;
            let hist = x.new_empty(&[e.numel() - 1], dt)?;
            let k = HistogramKernel::Edges {
                edges: &edges,
                weights: w.as_ref(),
            };
            backend::histogram(k, &xs, &hist)?;
            (hist, e.detach())
        }
        HistBins::Count(b) => {
            check_bins(b)?;
            let (mut lo, mut hi) = match range {
                Some((lo, hi)) => {
                    ensure!(
                        lo <= hi,
                        runtime,
                        "torch.histogramdd: min should not exceed max, but got min {} max {} \
                         for dimension 0",
                        num(lo),
                        num(hi)
                    );
                    (lo, hi)
                }
                None if !float || (half && n > 0) => {
                    return Err(crate::ops::unsupported("histogramdd", dt))
                }
                None if n == 0 => (0.0, 1.0),
                None => data_range(&xs)?,
            };
            ensure!(
                lo.is_finite() && hi.is_finite(),
                runtime,
                "torch.histogramdd: dimension 0's range [{}, {}] is not finite",
                num(lo),
                num(hi)
            );
            if lo == hi {
                (lo, hi) = (lo - 0.5, hi + 0.5);
            }
            let edges = factory::linspace(lo, hi, b + 1, dt, x.device())?;
            check_weight()?;
            if !float {
                return Err(crate::ops::unsupported("histogram_cpu", dt));
            }
            let hist = x.new_empty(&[b as usize], dt)?;
            let k = HistogramKernel::Uniform {
                lo,
                hi,
                edges: Some(&edges),
                weights: w.as_ref(),
            };
            backend::histogram(k, &xs, &hist)?;
            (hist, edges)
        }
    };
    if !density {
        return Ok((hist, edges));
    }
    // density: hist / (hist.sum() * bin widths), so the histogram integrates to 1.
    let nb = hist.numel() as i64;
    let widths = binary::sub(
        &movement::narrow(&edges, 0, 1, nb)?,
        &movement::narrow(&edges, 0, 0, nb)?,
    )?;
    let total = reduce::sum(&hist, None, false, None)?;
    let scaled = binary::div(&hist, &total)?;
    Ok((binary::div(&scaled, &widths)?, edges))
}

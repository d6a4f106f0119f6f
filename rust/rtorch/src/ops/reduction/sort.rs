//! Sorting and selection along a dim: sort, argsort, msort, topk, kthvalue, median and
//! nanmedian, mode, cummax and cummin, forward and derivative side by side. One kernel
//! family serves them all (`backend::SortKernel`, NOTE [ Sort order ]); every derivative
//! sends the values' gradient back to the indices the op chose (scatter, or scatter_add
//! for the cumulative ones, whose indices repeat), as PyTorch's nodes do.

use crate::autograd::{expose_saved, needs_grad, record, Saved, SavedTensor};
use crate::backend::{self, SortKernel};
use crate::ops::{binary, gather, movement, reduce, Kind, OpInfo};
use crate::{ensure, DType, Result, Tensor};

/// This family's entries in the op registry (see `ops::FAMILIES`): each op is called
/// along dim 1 of a 2x3 sample (the gradient reaches the chosen elements only).
pub const OPS: &[OpInfo] = &[
    OpInfo::reduction("sort", |x| Ok(sort(x, 1, false)?.0)).differentiable(),
    OpInfo::reduction("argsort", |x| argsort(x, 1, false)),
    OpInfo::reduction("msort", msort).differentiable(),
    OpInfo::reduction("topk", |x| Ok(topk(x, 2, 1, true, true)?.0)).differentiable(),
    OpInfo::reduction("kthvalue", |x| Ok(kthvalue(x, 2, 1, false)?.0)).differentiable(),
    OpInfo::reduction("median", median_all).differentiable(),
    OpInfo::reduction("nanmedian", nanmedian_all).differentiable(),
    OpInfo::reduction("mode", |x| Ok(mode(x, 1, false)?.0)).differentiable(),
    OpInfo::reduction("cummax", |x| Ok(cummax(x, 1)?.0)).differentiable(),
    OpInfo::reduction("cummin", |x| Ok(cummin(x, 1)?.0)).differentiable(),
    OpInfo::inputs("searchsorted", Kind::Index, &[&[5], &[2, 3]], |t| {
        let s = sort(&t[0], 0, false)?.0;
        searchsorted(&s, &t[1], false, false, None)
    }),
];

/// Runs `k` along `dim` of `x` (a 0-dim `x` is one line of one element), with no
/// autograd: the (values, indices) of x's rank, or 0-dim for a 0-dim `x`.
fn run(x: &Tensor, d: usize, k: SortKernel) -> Result<(Tensor, Tensor)> {
    let x1 = if x.ndim() == 0 {
        movement::reshape(&x.detach(), &[1])?
    } else {
        x.detach()
    };
    let mut shape = x1.dims();
    shape[d] = k.len(shape[d]);
    // A full sort keeps x's memory layout in both results, as PyTorch's does.
    let (v, i) = if matches!(k, SortKernel::Sort { .. }) {
        (
            x1.new_elementwise(&shape, x.dtype(), &[x1.strides()])?,
            x1.new_elementwise(&shape, DType::I64, &[x1.strides()])?,
        )
    } else {
        (
            x1.new_empty(&shape, x.dtype())?,
            x1.new_empty(&shape, DType::I64)?,
        )
    };
    backend::sort(k, &x1, d, &v, &i)?;
    if x.ndim() == 0 {
        return Ok((movement::reshape(&v, &[])?, movement::reshape(&i, &[])?));
    }
    Ok((v, i))
}

/// Drops the kernel's length-1 dim `d` unless `keepdim` (a 0-dim input stays 0-dim).
fn squeeze_unless(t: Tensor, d: usize, keepdim: bool, ndim: usize) -> Result<Tensor> {
    if keepdim || ndim == 0 {
        Ok(t)
    } else {
        movement::squeeze_dim(&t, d as i64)
    }
}

/// The values' gradient written back at `idx` along `d` of a zero tensor of `sizes`
/// (PyTorch's value-selecting backward); `idx` keeps the reduced dim unless `!keepdim`.
fn select_backward(
    g: &Tensor,
    idx: &Tensor,
    sizes: &[usize],
    d: usize,
    keepdim: bool,
) -> Result<Tensor> {
    if sizes.is_empty() {
        return Ok(g.clone());
    }
    let (g, idx) = if keepdim {
        (g.clone(), idx.clone())
    } else {
        (
            movement::unsqueeze(g, d as i64)?,
            movement::unsqueeze(idx, d as i64)?,
        )
    };
    gather::scatter(&g.new_zeros(sizes, g.dtype())?, d as i64, &idx, &g)
}

/// Records a value-selecting node (`keepdim` is None for ops that keep every dim).
fn record_select(
    name: &'static str,
    x: &Tensor,
    (vals, idx): (&Tensor, &Tensor),
    dim: i64,
    d: usize,
    keepdim: Option<bool>,
) -> Result<()> {
    if !needs_grad(&[x]) {
        return Ok(());
    }
    let (sizes, si) = (x.dims(), SavedTensor::input(idx)?);
    let node = record(name, &[x], &[vals], move |ctx, g| {
        let idx = si.unpack(ctx)?;
        let kd = keepdim.unwrap_or(true);
        Ok(vec![Some(select_backward(&g[0], &idx, &sizes, d, kd)?)])
    });
    expose_saved(&node, || {
        let mut saved = vec![("dim", Saved::int(dim)), ("indices", Saved::input(idx))];
        if let Some(k) = keepdim {
            saved.push(("keepdim", Saved::bool(k)));
        }
        saved.push(("self_sym_sizes", Saved::sizes(x.shape())));
        saved
    });
    Ok(())
}

/// `sort(x, dim, descending)` → (values, indices); always stable (NOTE [ Sort order ]).
pub fn sort(x: &Tensor, dim: i64, descending: bool) -> Result<(Tensor, Tensor)> {
    let d = crate::layout::wrap_dim(dim, x.ndim())?;
    let (v, i) = run(x, d, SortKernel::Sort { descending })?;
    record_select("SortBackward0", x, (&v, &i), dim, d, None)?;
    Ok((v, i))
}

pub fn argsort(x: &Tensor, dim: i64, descending: bool) -> Result<Tensor> {
    let d = crate::layout::wrap_dim(dim, x.ndim())?;
    Ok(run(x, d, SortKernel::Sort { descending })?.1)
}

/// Sorted along the first dim (PyTorch composes it from sort, so the node is sort's).
pub fn msort(x: &Tensor) -> Result<Tensor> {
    Ok(sort(x, 0, false)?.0)
}

/// The `k` largest (or smallest) elements along `dim`, in order, and their indices.
pub fn topk(
    x: &Tensor,
    k: i64,
    dim: i64,
    largest: bool,
    _sorted: bool,
) -> Result<(Tensor, Tensor)> {
    let d = crate::layout::wrap_dim(dim, x.ndim())?;
    let n = if x.ndim() == 0 { 1 } else { x.shape()[d] };
    ensure!(
        k >= 0 && k as usize <= n,
        runtime,
        "selected index k out of range"
    );
    // NOTE: PyTorch's topk of a 0-dim tensor returns the element for k = 0 as well.
    let k = if x.ndim() == 0 { 1 } else { k };
    ensure!(
        x.dtype() != DType::Bool,
        runtime,
        "topk does not support bool dtypes on CPU"
    );
    // NOTE: sorted=False is allowed any order; the k kept are sorted anyway (k log k).
    let kern = SortKernel::TopK {
        k: k as usize,
        largest,
    };
    let (v, i) = run(x, d, kern)?;
    record_select("TopkBackward0", x, (&v, &i), dim, d, None)?;
    Ok((v, i))
}

/// The `k`-th smallest element (1-based) along `dim` and its index.
pub fn kthvalue(x: &Tensor, k: i64, dim: i64, keepdim: bool) -> Result<(Tensor, Tensor)> {
    let d = crate::layout::wrap_dim(dim, x.ndim())?;
    let n = if x.ndim() == 0 { 1 } else { x.shape()[d] };
    ensure!(
        n > 0,
        index,
        "kthvalue(): Expected reduction dim {d} to have non-zero size."
    );
    ensure!(
        k >= 1 && k as usize <= n,
        runtime,
        "kthvalue(): selected number k out of range for dimension {d}"
    );
    // A 0-dim input never reaches PyTorch's kernel (its kthvalue is itself), so a 0-dim
    // bool computes.
    if x.ndim() > 0 {
        no_bool(x, "kthvalue_cpu")?;
    }
    let kern = SortKernel::Kth { k: k as usize - 1 };
    reduced("KthvalueBackward0", x, dim, d, keepdim, kern)
}

/// A kernel with one result per line, `keepdim` applied and the node recorded.
fn reduced(
    name: &'static str,
    x: &Tensor,
    dim: i64,
    d: usize,
    keepdim: bool,
    k: SortKernel,
) -> Result<(Tensor, Tensor)> {
    let (v, i) = run(x, d, k)?;
    let (v, i) = (
        squeeze_unless(v, d, keepdim, x.ndim())?,
        squeeze_unless(i, d, keepdim, x.ndim())?,
    );
    record_select(name, x, (&v, &i), dim, d, Some(keepdim))?;
    Ok((v, i))
}

/// PyTorch's CPU kernels of kthvalue and median have no bool version.
fn no_bool(x: &Tensor, kernel: &str) -> Result<()> {
    if x.dtype() == DType::Bool {
        return Err(crate::ops::unsupported(kernel, x.dtype()));
    }
    Ok(())
}

fn nonempty_dim(x: &Tensor, d: usize, op: &str) -> Result<()> {
    ensure!(
        x.ndim() == 0 || x.shape()[d] > 0,
        index,
        "{op}(): Expected reduction dim {d} to have non-zero size."
    );
    Ok(())
}

/// `median(x, dim)` → (values, indices): the lower median; a NaN in the line is the
/// result (the first one).
pub fn median_dim(x: &Tensor, dim: i64, keepdim: bool) -> Result<(Tensor, Tensor)> {
    let d = crate::layout::wrap_dim(dim, x.ndim())?;
    // The empty-dim check comes first, as PyTorch's.
    nonempty_dim(x, d, "median")?;
    no_bool(x, "median_out")?;
    let k = SortKernel::Median { ignore_nan: false };
    reduced("MedianBackward1", x, dim, d, keepdim, k)
}

/// `nanmedian(x, dim)`: the lower median of the numbers; NaN only for a line of NaNs.
pub fn nanmedian_dim(x: &Tensor, dim: i64, keepdim: bool) -> Result<(Tensor, Tensor)> {
    let d = crate::layout::wrap_dim(dim, x.ndim())?;
    // The empty-dim check comes first, as PyTorch's.
    nonempty_dim(x, d, "median")?; // PyTorch names median here too
    no_bool(x, "median_out")?;
    let k = SortKernel::Median { ignore_nan: true };
    reduced("NanmedianBackward1", x, dim, d, keepdim, k)
}

pub fn median_all(x: &Tensor) -> Result<Tensor> {
    median_global(x, false)
}

pub fn nanmedian_all(x: &Tensor) -> Result<Tensor> {
    median_global(x, true)
}

/// The global (nan)median, a 0-dim tensor (NaN for an empty input). Its gradient is
/// shared evenly by every element equal to the result, as in PyTorch.
fn median_global(x: &Tensor, ignore_nan: bool) -> Result<Tensor> {
    // An empty input never reaches PyTorch's kernel: a bool one is NaN cast, True.
    if x.numel() > 0 {
        no_bool(x, "median_cpu")?;
    }
    let flat = movement::reshape(&x.detach(), &[-1])?;
    let v = if flat.numel() == 0 {
        // PyTorch fills NaN converted by C++: INT_MIN for int32/int64, 0 for narrower ints.
        let fill = match x.dtype() {
            DType::I64 => crate::Scalar::Int(i64::MIN),
            DType::I32 => crate::Scalar::Int(i32::MIN as i64),
            DType::Bool => crate::Scalar::Bool(true),
            dt if dt.is_floating_point() => crate::Scalar::Float(f64::NAN),
            _ => crate::Scalar::Int(0),
        };
        crate::ops::cast::to_dtype(&Tensor::wrapped_scalar(fill), x.dtype())?.detach()
    } else {
        let (v, _) = run(&flat, 0, SortKernel::Median { ignore_nan })?;
        movement::reshape(&v, &[])?
    };
    if needs_grad(&[x]) {
        let (sx, sr) = (SavedTensor::input(x)?, SavedTensor::output(&v, 0));
        let name = if ignore_nan {
            "NanmedianBackward0"
        } else {
            "MedianBackward0"
        };
        let node = record(name, &[x], &[&v], move |ctx, g| {
            let (x, r) = (sx.unpack(ctx)?, sr.unpack(ctx)?);
            // Elements equal to the result, NaNs counting as equal to a NaN result.
            let both_nan = binary::logical_and(&binary::ne(&x, &x)?, &binary::ne(&r, &r)?)?;
            let mask = binary::logical_or(&binary::eq(&x, &r)?, &both_nan)?;
            let count = reduce::sum(&mask, None, false, Some(g[0].dtype()))?;
            let share = binary::div(&g[0], &count)?;
            Ok(vec![Some(binary::mul(&mask, &share)?)])
        });
        expose_saved(&node, || {
            vec![("result", sr_shown(&v)), ("self", Saved::input(x))]
        });
    }
    Ok(v)
}

fn sr_shown(v: &Tensor) -> Saved {
    SavedTensor::output(v, 0).into()
}

/// The most frequent value along `dim` (the smallest on ties) and its last index.
pub fn mode(x: &Tensor, dim: i64, keepdim: bool) -> Result<(Tensor, Tensor)> {
    let d = crate::layout::wrap_dim(dim, x.ndim())?;
    nonempty_dim(x, d, "mode")?;
    reduced("ModeBackward0", x, dim, d, keepdim, SortKernel::Mode)
}

pub fn cummax(x: &Tensor, dim: i64) -> Result<(Tensor, Tensor)> {
    cumulative(x, dim, SortKernel::CumMax, "CummaxBackward0")
}

pub fn cummin(x: &Tensor, dim: i64) -> Result<(Tensor, Tensor)> {
    cumulative(x, dim, SortKernel::CumMin, "CumminBackward0")
}

/// Running max / min: an element may be chosen by many positions, so its gradient is the
/// sum of theirs (scatter_add).
fn cumulative(x: &Tensor, dim: i64, k: SortKernel, name: &'static str) -> Result<(Tensor, Tensor)> {
    // NOTE: PyTorch never looks at `dim` for an empty input (any dim is accepted).
    let d = match crate::layout::wrap_dim(dim, x.ndim()) {
        Err(_) if x.numel() == 0 => 0,
        d => d?,
    };
    let (v, i) = run(x, d, k)?;
    if needs_grad(&[x]) {
        let (sizes, si) = (x.dims(), SavedTensor::input(&i)?);
        let node = record(name, &[x], &[&v], move |ctx, g| {
            if sizes.is_empty() {
                return Ok(vec![Some(g[0].clone())]);
            }
            let z = g[0].new_zeros(&sizes, g[0].dtype())?;
            Ok(vec![Some(gather::scatter_add(
                &z,
                d as i64,
                &si.unpack(ctx)?,
                &g[0],
            )?)])
        });
        expose_saved(&node, || {
            vec![
                ("dim", Saved::int(dim)),
                ("indices", Saved::input(&i)),
                ("self", Saved::input(x)),
            ]
        });
    }
    Ok((v, i))
}

/// Where each element of `input` would go in its line of `sorted` (the last dim; a 1-D
/// `sorted` serves all of input), int64 or int32 (`out_int32`). `sorter` holds the
/// indices that sort an unsorted `sorted`.
pub fn searchsorted(
    sorted: &Tensor,
    input: &Tensor,
    out_int32: bool,
    right: bool,
    sorter: Option<&Tensor>,
) -> Result<Tensor> {
    let op = "torch.searchsorted()";
    ensure!(
        sorted.ndim() >= 1,
        runtime,
        "{op}: boundaries tensor should have positive dimension, but got 0 dimension"
    );
    if sorted.ndim() > 1 {
        ensure!(
            sorted.ndim() == input.ndim()
                && sorted.shape()[..sorted.ndim() - 1] == input.shape()[..input.ndim() - 1],
            runtime,
            "{op}: boundaries tensor should be 1 dimension or the first N-1 dimensions of \
             boundaries tensor and input value tensor must match, but we got boundaries \
             tensor {} and input value tensor {}",
            crate::layout::shape_str(sorted.shape()),
            crate::layout::shape_str(input.shape())
        );
    }
    let sorted = match sorter {
        Some(s) => {
            ensure!(
                s.shape() == sorted.shape(),
                runtime,
                "{op}: boundary and sorter must have the same size, but got boundary tensor \
                 {} and got sorter tensor {}",
                crate::layout::shape_str(sorted.shape()),
                crate::layout::shape_str(s.shape())
            );
            ensure!(
                s.dtype() == DType::I64,
                runtime,
                "{op}: sorter must be a tensor of long dtype but got dtype {}",
                s.dtype().name()
            );
            gather::gather(&sorted.detach(), -1, s, false)?
        }
        None => sorted.detach(),
    };
    let dt = crate::dtype::promote_types(sorted.dtype(), input.dtype());
    if dt == DType::Bool {
        return Err(crate::ops::unsupported("searchsorted_out_cpu", dt));
    }
    let s = movement::contiguous(&crate::ops::cast::to_dtype(&sorted, dt)?.detach())?;
    let x = movement::contiguous(&crate::ops::cast::to_dtype(&input.detach(), dt)?.detach())?;
    let out_dt = if out_int32 { DType::I32 } else { DType::I64 };
    let out = x.new_empty(x.shape(), out_dt)?;
    backend::search(&s, &x, right, &out)?;
    Ok(out)
}

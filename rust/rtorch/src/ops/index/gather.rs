//! `gather`, `scatter` (a tensor or a number, with the old `reduce=` too), `scatter_add`,
//! `scatter_reduce` and `take_along_dim`, with their derivatives; the kernels are NOTE
//! [ Index kernels ].

use super::{
    at_least_1d, dim_of, long_index, out_of_bounds, restride, scatter_checked, shapes, unaliased,
};
use crate::autograd::{expose_saved, needs_grad, record, Saved, SavedTensor};
use crate::backend::{IndexDim, ScatterReduce};
use crate::ops::{binary, cast, factory, inplace, movement, pointwise, Kind, OpInfo};
use crate::{bail, ensure, DType, Error, Result, Scalar, Tensor};

/// This family's entries in the op registry (see `ops::FAMILIES`): each builds a fixed
/// in-range index for its 3x4 sample.
pub const OPS: &[OpInfo] = &[
    OpInfo::inputs("gather", Kind::Index, &[&[3, 4]], |t| {
        gather(&t[0], 1, &sample_index(&[2, 3], 4)?, false)
    })
    .differentiable(),
    OpInfo::inputs("scatter", Kind::Index, &[&[3, 4], &[2, 3]], |t| {
        scatter(&t[0], 1, &sample_index(&[2, 3], 4)?, &t[1])
    })
    .differentiable(),
    OpInfo::inputs("scatter_add", Kind::Index, &[&[3, 4], &[2, 3]], |t| {
        scatter_add(&t[0], 1, &sample_index(&[2, 3], 4)?, &t[1])
    })
    .differentiable(),
    OpInfo::inputs("scatter_reduce", Kind::Index, &[&[3, 4], &[2, 3]], |t| {
        scatter_reduce(&t[0], 1, &sample_index(&[2, 3], 4)?, &t[1], "sum", true)
    })
    .differentiable(),
    OpInfo::inputs("take_along_dim", Kind::Index, &[&[3, 4]], |t| {
        take_along_dim(&t[0], &sample_index(&[3, 2], 4)?, Some(1))
    })
    .differentiable(),
];

/// A deterministic int64 index of `shape` with values in `[0, n)`, repeats included.
pub(crate) fn sample_index(shape: &[usize], n: usize) -> Result<Tensor> {
    let len: usize = shape.iter().product();
    let v: Vec<i64> = (0..len).map(|i| ((i * 7 + 3) % n) as i64).collect();
    Tensor::from_slice(&v, shape)
}

/// PyTorch's shape rules for gather and scatter: equal ranks, and the index no larger
/// than `x` (and than `src`) along every dim but `d`.
fn check_shapes(x: &Tensor, d: usize, idx: &Tensor, src: Option<&Tensor>, op: &str) -> Result<()> {
    // An empty index skips the rank check too, as PyTorch's.
    if idx.numel() == 0 {
        return Ok(());
    }
    ensure!(
        idx.ndim().max(1) == x.ndim().max(1),
        runtime,
        "Index tensor must have the same number of dimensions as {} tensor",
        if op == "gather" { "input" } else { "self" }
    );
    let (xs, is) = (x.shape(), idx.shape());
    if let Some(src) = src {
        ensure!(
            src.ndim().max(1) == idx.ndim().max(1),
            runtime,
            "Index tensor must have the same number of dimensions as src tensor"
        );
    }
    for k in 0..is.len() {
        let over_self = k != d && is[k] > xs.get(k).copied().unwrap_or(1);
        let over_src = src.is_some_and(|s| is[k] > s.shape().get(k).copied().unwrap_or(1));
        if op == "gather" {
            ensure!(
                !over_self,
                runtime,
                "Size does not match at dimension {k} expected index {} to be no larger than self {} apart from dimension {d}",
                shapes(is),
                shapes(xs)
            );
        } else if over_self || over_src {
            let tail = match src {
                Some(s) => format!(" and to be no larger size than src {}", shapes(s.shape())),
                None => String::new(),
            };
            bail!(
                runtime,
                "Expected index {} to be no larger than self {} apart from dimension {d}{tail}",
                shapes(is),
                shapes(xs)
            );
        }
    }
    Ok(())
}

fn index_of(idx: &Tensor, op: &str) -> Result<Tensor> {
    if idx.numel() == 0 {
        // PyTorch checks nothing about an empty index (gather of an empty int16 index works).
        return cast::to_dtype(idx, DType::I64);
    }
    long_index(idx, true, || {
        Error::runtime(format!("{op}(): Expected dtype int32/int64 for index"))
    })
}

/// `out[i][j] = x[i][index[i][j]]` along `dim` (and so on for other ranks).
pub fn gather(x: &Tensor, dim: i64, index: &Tensor, sparse_grad: bool) -> Result<Tensor> {
    let d = crate::layout::wrap_dim(dim, x.ndim())?;
    let idx = index_of(index, "gather")?;
    check_shapes(x, d, &idx, None, "gather")?;
    let (x1, i1) = (at_least_1d(x)?, at_least_1d(&idx)?);
    let out = x.new_empty(i1.shape(), x.dtype())?;
    let size = x1.shape()[d];
    if out.numel() > 0 {
        let src = restride(&x1, i1.shape(), &[d]);
        super::gather_checked(&out, &src, &i1, dim_of(&x1, d), |v| {
            Error::runtime(out_of_bounds(v, d, size))
        })?;
    }
    let out = if idx.ndim() == 0 {
        movement::reshape(&out, &[])?.contiguous()?
    } else {
        out
    };
    if needs_grad(&[x]) {
        let (full, si) = (x.dims(), SavedTensor::input(&idx)?);
        let node = record("GatherBackward0", &[x], &[&out], move |ctx, g| {
            let z = g[0].new_zeros(&full, g[0].dtype())?;
            Ok(vec![Some(scatter_add(
                &z,
                d as i64,
                &si.unpack(ctx)?,
                &g[0],
            )?)])
        });
        expose_saved(&node, || {
            vec![
                ("dim", Saved::int(dim)),
                ("index", Saved::input(&idx)),
                ("self", Saved::input(x)),
                ("sparse_grad", Saved::bool(sparse_grad)),
            ]
        });
    }
    Ok(out)
}

/// Writes `src` (a tensor at least the index's size, or a 0-dim value) into `dst` through
/// `idx` along `d`, with no autograd: the kernel call every scatter form shares.
/// `fresh`: `dst` is the op's new output (see `IndexDim::fresh`).
fn scatter_raw(
    dst: &Tensor,
    d: usize,
    idx: &Tensor,
    src: &Tensor,
    r: ScatterReduce,
    fresh: bool,
) -> Result<()> {
    let (dst1, i1) = (at_least_1d(dst)?, at_least_1d(idx)?);
    if i1.numel() == 0 {
        return Ok(());
    }
    let target = restride(&dst1, i1.shape(), &[d]);
    let src = if src.ndim() == 0 {
        movement::expand(src, i1.shape())?
    } else {
        restride(&at_least_1d(src)?, i1.shape(), &[])
    };
    let size = dst1.shape()[d];
    let dim = IndexDim {
        fresh,
        ..dim_of(&dst1, d)
    };
    scatter_checked(&target, &i1, &src, dim, r, |v| {
        Error::runtime(out_of_bounds(v, d, size))
    })
}

/// An in-place index write: straight into `x` when no autograd is involved (`direct`),
/// else the out-of-place op through `inplace::apply` (NOTE [ In-place ops and autograd ]).
pub(crate) fn write_in_place(
    x: &Tensor,
    reads: &[&Tensor],
    op: &str,
    direct: impl FnOnce() -> Result<()>,
    out_of_place: impl FnOnce(&Tensor) -> Result<Tensor>,
) -> Result<()> {
    if inplace::fast_path_ok(x, reads) {
        inplace::check_writable(x, reads, op)?;
        direct()?;
        x.bump_version();
        Ok(())
    } else {
        inplace::apply(x, reads, op, out_of_place)
    }
}

fn check_src(x: &Tensor, src: &Tensor, op: &str) -> Result<()> {
    ensure!(
        x.dtype() == src.dtype(),
        runtime,
        "{op}(): Expected self.dtype to be equal to src.dtype"
    );
    Ok(())
}

/// `x.scatter(dim, index, src)`: ScatterBackward0.
pub fn scatter(x: &Tensor, dim: i64, index: &Tensor, src: &Tensor) -> Result<Tensor> {
    let out = movement::clone_contiguous(&x.detach())?;
    scatter_impl(&out, dim, index, src, None, true)?;
    let idx = index_of(index, "scatter")?;
    if needs_grad(&[x, src]) {
        let (si, d, sdims) = (SavedTensor::input(&idx)?, dim, src.dims());
        let node = record("ScatterBackward0", &[x, src], &[&out], move |ctx, g| {
            let i = si.unpack(ctx)?;
            let zero = Tensor::wrapped_scalar(Scalar::Int(0));
            Ok(vec![
                Some(scatter_value(&g[0], d, &i, &zero)?),
                Some(pad_to(&gather(&g[0], d, &i, false)?, &sdims)?),
            ])
        });
        expose_saved(&node, || {
            vec![("dim", Saved::int(dim)), ("index", Saved::input(&idx))]
        });
    }
    Ok(out)
}

/// `x.scatter(dim, index, value)` with a number (a 0-dim tensor): ScatterBackward1.
pub fn scatter_value(x: &Tensor, dim: i64, index: &Tensor, value: &Tensor) -> Result<Tensor> {
    let out = movement::clone_contiguous(&x.detach())?;
    scatter_value_impl(&out, dim, index, value, None, true)?;
    let idx = index_of(index, "scatter")?;
    if needs_grad(&[x]) {
        let si = SavedTensor::input(&idx)?;
        let node = record("ScatterBackward1", &[x], &[&out], move |ctx, g| {
            let zero = Tensor::wrapped_scalar(Scalar::Int(0));
            Ok(vec![Some(scatter_value(
                &g[0],
                dim,
                &si.unpack(ctx)?,
                &zero,
            )?)])
        });
        expose_saved(&node, || {
            vec![("dim", Saved::int(dim)), ("index", Saved::input(&idx))]
        });
    }
    Ok(out)
}

/// `g` (index-shaped) grown with zeros to `shape` (a src larger than the index gets no
/// gradient past it; torch's ScatterBackward0 returns the index-sized one, an error).
fn pad_to(g: &Tensor, shape: &[usize]) -> Result<Tensor> {
    let mut out = g.clone();
    if out.ndim() != shape.len() {
        return Ok(out);
    }
    for (k, &want) in shape.iter().enumerate() {
        let have = out.shape()[k];
        if have < want {
            let mut zs = out.dims();
            zs[k] = want - have;
            let z = out.new_zeros(&zs, out.dtype())?;
            out = crate::ops::join::cat(&[out, z], k as i64)?;
        }
    }
    Ok(out)
}

/// The old `reduce=` of `scatter`: 'add' or 'multiply'.
fn old_reduce(reduce: Option<&str>) -> Result<ScatterReduce> {
    match reduce {
        None => Ok(ScatterReduce::Assign),
        Some("add") => Ok(ScatterReduce::Add),
        Some("multiply") => Ok(ScatterReduce::Mul),
        Some(_) => bail!(runtime, "reduce argument must be either add or multiply."),
    }
}

fn scatter_impl(
    out: &Tensor,
    dim: i64,
    index: &Tensor,
    src: &Tensor,
    reduce: Option<&str>,
    fresh: bool,
) -> Result<()> {
    let r = old_reduce(reduce)?;
    let d = crate::layout::wrap_dim(dim, out.ndim())?;
    let idx = index_of(index, "scatter")?;
    check_src(out, src, "scatter")?;
    check_shapes(out, d, &idx, Some(src), "scatter")?;
    scatter_raw(out, d, &idx, &unaliased(out, src)?, r, fresh)
}

fn scatter_value_impl(
    out: &Tensor,
    dim: i64,
    index: &Tensor,
    value: &Tensor,
    reduce: Option<&str>,
    fresh: bool,
) -> Result<()> {
    let r = old_reduce(reduce)?;
    let d = crate::layout::wrap_dim(dim, out.ndim())?;
    let idx = index_of(index, "scatter")?;
    check_shapes(out, d, &idx, None, "scatter")?;
    check_value_fits(out, d, &idx, value)?;
    let v = cast::to_dtype(&value.detach(), out.dtype())?;
    scatter_raw(out, d, &idx, &v, r, fresh)
}

/// A number that does not fit self's dtype is PyTorch's overflow error, raised where its
/// kernel first writes it: never for an empty index, and after the bounds error when the
/// first index is out of range (later indices are checked after the value here; PyTorch
/// interleaves the two checks element by element).
fn check_value_fits(out: &Tensor, d: usize, idx: &Tensor, value: &Tensor) -> Result<()> {
    let v = cast::scalar_of(value)?;
    if idx.numel() == 0 || v.check_converts(out.dtype()).is_ok() {
        return Ok(());
    }
    let first = cast::scalar_of(&movement::reshape(idx, &[-1])?)?.to_i64();
    let size = if out.ndim() == 0 { 1 } else { out.shape()[d] };
    if first >= 0 && (first as usize) < size {
        v.check_converts(out.dtype())?;
    }
    Ok(())
}

/// `scatter(dim, index, src | value, reduce='add' | 'multiply')`: PyTorch gives these no
/// derivative; a backward through them raises.
pub fn scatter_reduce_old(
    x: &Tensor,
    dim: i64,
    index: &Tensor,
    src: &Tensor,
    value: bool,
    reduce: &str,
) -> Result<Tensor> {
    let out = movement::clone_contiguous(&x.detach())?;
    if value {
        scatter_value_impl(&out, dim, index, src, Some(reduce), true)?;
    } else {
        scatter_impl(&out, dim, index, src, Some(reduce), true)?;
    }
    let inputs: Vec<&Tensor> = if value { vec![x] } else { vec![x, src] };
    if needs_grad(&inputs) {
        record("NotImplemented", &inputs, &[&out], |_, _| {
            bail!(
                runtime,
                "the derivative for 'scatter' with a reduce argument is not implemented."
            )
        });
    }
    Ok(out)
}

/// `x.scatter_(dim, index, src | value, *, reduce=None)`.
pub fn scatter_(
    x: &Tensor,
    dim: i64,
    index: &Tensor,
    src: &Tensor,
    value: bool,
    reduce: Option<&str>,
) -> Result<()> {
    let direct = || {
        if value {
            scatter_value_impl(x, dim, index, src, reduce, false)
        } else {
            scatter_impl(x, dim, index, src, reduce, false)
        }
    };
    let reads: Vec<&Tensor> = if value { vec![] } else { vec![src] };
    write_in_place(x, &reads, "scatter_", direct, |c| match (reduce, value) {
        (Some(r), _) => scatter_reduce_old(c, dim, index, src, value, r),
        (None, true) => scatter_value(c, dim, index, src),
        (None, false) => scatter(c, dim, index, src),
    })
}

/// `x.scatter_add(dim, index, src)`: ScatterAddBackward0.
pub fn scatter_add(x: &Tensor, dim: i64, index: &Tensor, src: &Tensor) -> Result<Tensor> {
    let out = movement::clone_contiguous(&x.detach())?;
    scatter_add_impl(&out, dim, index, src, true)?;
    let idx = index_of(index, "scatter_add")?;
    if needs_grad(&[x, src]) {
        // Only src's gradient reads the index; PyTorch saves it only then, so an index
        // changed in place later does not stop a backward to self alone.
        let si = src
            .requires_grad()
            .then(|| SavedTensor::input(&idx))
            .transpose()?;
        let node = record("ScatterAddBackward0", &[x, src], &[&out], move |ctx, g| {
            let gs = match &si {
                Some(si) => Some(gather(&g[0], dim, &si.unpack(ctx)?, false)?),
                None => None,
            };
            Ok(vec![Some(g[0].clone()), gs])
        });
        expose_saved(&node, || {
            vec![
                ("dim", Saved::int(dim)),
                ("index", Saved::input_if(src.requires_grad(), &idx)),
            ]
        });
    }
    Ok(out)
}

fn scatter_add_impl(
    out: &Tensor,
    dim: i64,
    index: &Tensor,
    src: &Tensor,
    fresh: bool,
) -> Result<()> {
    let d = crate::layout::wrap_dim(dim, out.ndim())?;
    let idx = index_of(index, "scatter_add")?;
    check_src(out, src, "scatter")?;
    check_shapes(out, d, &idx, Some(src), "scatter_add")?;
    scatter_raw(
        out,
        d,
        &idx,
        &unaliased(out, src)?,
        ScatterReduce::Add,
        fresh,
    )
}

/// `x.scatter_add_(dim, index, src)`.
pub fn scatter_add_(x: &Tensor, dim: i64, index: &Tensor, src: &Tensor) -> Result<()> {
    write_in_place(
        x,
        &[src],
        "scatter_add_",
        || scatter_add_impl(x, dim, index, src, false),
        |c| scatter_add(c, dim, index, src),
    )
}

/// The reductions of `scatter_reduce` / `index_reduce`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Reduction {
    Sum,
    Prod,
    Mean,
    Amax,
    Amin,
}

impl Reduction {
    pub(crate) fn parse(s: &str) -> Option<Reduction> {
        Some(match s {
            "sum" => Reduction::Sum,
            "prod" => Reduction::Prod,
            "mean" => Reduction::Mean,
            "amax" => Reduction::Amax,
            "amin" => Reduction::Amin,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Reduction::Sum => "sum",
            Reduction::Prod => "prod",
            Reduction::Mean => "mean",
            Reduction::Amax => "amax",
            Reduction::Amin => "amin",
        }
    }
}

/// Reduces `src` into `out` (a fresh copy of self) through a scatter `write(target, src,
/// reduce)`; `include_self: false` first gives every targeted place a start that drops
/// self's value: 0 for sum and mean, 1 for prod, and for amax/amin one of the place's own
/// sources (the last, by the assigning scatter), which the max/min then keeps or beats.
/// `count(out)` scatters ones for mean's divisor.
pub(crate) fn reduce_into(
    out: &Tensor,
    src: &Tensor,
    r: Reduction,
    include_self: bool,
    write: &dyn Fn(&Tensor, &Tensor, ScatterReduce) -> Result<()>,
) -> Result<()> {
    let constant = |v: i64| cast::to_dtype(&Tensor::wrapped_scalar(Scalar::Int(v)), out.dtype());
    if !include_self {
        match r {
            Reduction::Sum | Reduction::Mean => write(out, &constant(0)?, ScatterReduce::Assign)?,
            Reduction::Prod => write(out, &constant(1)?, ScatterReduce::Assign)?,
            Reduction::Amax | Reduction::Amin => write(out, src, ScatterReduce::Assign)?,
        }
    }
    let how = match r {
        Reduction::Sum | Reduction::Mean => ScatterReduce::Add,
        Reduction::Prod => ScatterReduce::Mul,
        Reduction::Amax => ScatterReduce::Max,
        Reduction::Amin => ScatterReduce::Min,
    };
    write(out, src, how)?;
    if r == Reduction::Mean {
        let count = factory::full(
            out.shape(),
            Scalar::Int(include_self as i64),
            out.dtype(),
            out.device(),
        )?;
        write(&count, &constant(1)?, ScatterReduce::Add)?;
        let one = Tensor::wrapped_scalar(Scalar::Int(1));
        let count = pointwise::clamp(&count, Some(&one), None)?;
        let mean = if out.dtype().is_floating_point() {
            binary::div(out, &count)?
        } else {
            binary::div_mode(out, &count, crate::backend::RoundingMode::Floor)?
        };
        crate::backend::copy(out, &mean)?;
    }
    Ok(())
}

/// `x.scatter_reduce(dim, index, src, reduce, *, include_self=True)`:
/// ScatterReduceBackward0.
pub fn scatter_reduce(
    x: &Tensor,
    dim: i64,
    index: &Tensor,
    src: &Tensor,
    reduce: &str,
    include_self: bool,
) -> Result<Tensor> {
    let out = movement::clone_contiguous(&x.detach())?;
    let r = scatter_reduce_impl(&out, dim, index, src, reduce, include_self)?;
    let idx = index_of(index, "scatter_reduce")?;
    if needs_grad(&[x, src]) {
        let (sx, ss, si) = (
            SavedTensor::input(x)?,
            SavedTensor::input(src)?,
            SavedTensor::input(&idx)?,
        );
        let so = SavedTensor::output(&out, 0);
        let legacy = matches!(reduce, "max" | "min").then(|| reduce.to_string());
        let node = record(
            "ScatterReduceBackward0",
            &[x, src],
            &[&out],
            move |ctx, g| {
                if let Some(name) = &legacy {
                    bail!(
                        runtime,
                        "Expected 'reduce' to be one of 'sum', 'prod', 'mean', 'amax', 'amin' but got {name}."
                    );
                }
                let (x, src, i, res) = (
                    sx.unpack(ctx)?,
                    ss.unpack(ctx)?,
                    si.unpack(ctx)?,
                    so.unpack(ctx)?,
                );
                let (gx, gs) = super::select::reduce_backward(
                    &g[0],
                    &x,
                    &src,
                    &res,
                    r,
                    include_self,
                    &|t, v, r, inc| scatter_reduce(t, dim, &i, v, r.name(), inc),
                    &|t| gather(t, dim, &i, false),
                )?;
                Ok(vec![Some(gx), Some(gs)])
            },
        );
        expose_saved(&node, || {
            vec![
                ("dim", Saved::int(dim)),
                ("include_self", Saved::bool(include_self)),
                ("index", Saved::input(&idx)),
                ("reduce", Saved::str(reduce)),
                ("result", SavedTensor::output(&out, 0).into()),
                ("self", Saved::input(x)),
                ("src", Saved::input(src)),
            ]
        });
    }
    Ok(out)
}

fn scatter_reduce_impl(
    out: &Tensor,
    dim: i64,
    index: &Tensor,
    src: &Tensor,
    reduce: &str,
    include_self: bool,
) -> Result<Reduction> {
    // PyTorch 2.13 also takes the undocumented 'max' and 'min' (amax and amin forward;
    // its backward then rejects them, as `scatter_reduce`'s node does).
    let r = match reduce {
        "max" => Some(Reduction::Amax),
        "min" => Some(Reduction::Amin),
        _ => Reduction::parse(reduce),
    };
    let r = r.ok_or_else(|| {
        Error::runtime(format!(
            "reduce argument must be either sum, prod, mean, amax or amin, got {reduce}"
        ))
    })?;
    let bool_mean = r == Reduction::Mean && out.dtype() == DType::Bool;
    let d = crate::layout::wrap_dim(dim, out.ndim())?;
    let idx = index_of(index, "scatter_reduce")?;
    check_src(out, src, "scatter")?;
    check_shapes(out, d, &idx, Some(src), "scatter_reduce")?;
    if bool_mean {
        // No bool mean kernel, found after the shape checks; without self, PyTorch first
        // scatters the initial zeros, which checks the indices' range.
        let size = if out.ndim() == 0 { 1 } else { out.shape()[d] };
        if !include_self {
            let values = idx.to_vec::<i64>()?;
            if let Some(&v) = values.iter().find(|&&v| v < 0 || v as usize >= size) {
                crate::bail!(runtime, "{}", super::out_of_bounds(v, d, size));
            }
        }
        return Err(crate::ops::unsupported(
            "scatter_gather_tensor_cpu_reduce_mean",
            out.dtype(),
        ));
    }
    let src = unaliased(out, src)?;
    reduce_into(out, &src, r, include_self, &|t, s, how| {
        scatter_raw(t, d, &idx, s, how, false)
    })?;
    Ok(r)
}

/// `x.scatter_reduce_(dim, index, src, reduce, *, include_self=True)`.
pub fn scatter_reduce_(
    x: &Tensor,
    dim: i64,
    index: &Tensor,
    src: &Tensor,
    reduce: &str,
    include_self: bool,
) -> Result<()> {
    write_in_place(
        x,
        &[src],
        "scatter_reduce_",
        || scatter_reduce_impl(x, dim, index, src, reduce, include_self).map(|_| ()),
        |c| scatter_reduce(c, dim, index, src, reduce, include_self),
    )
}

/// `take_along_dim(x, indices, dim=None)`: gather after broadcasting all dims but `dim`
/// (with no dim, over the flattened tensor). Composed, as in PyTorch.
pub fn take_along_dim(x: &Tensor, indices: &Tensor, dim: Option<i64>) -> Result<Tensor> {
    let Some(dim) = dim else {
        // Flattened, PyTorch goes straight to gather, which also takes int32.
        let flat = movement::reshape(x, &[-1])?;
        return gather(&flat, 0, &movement::reshape(indices, &[-1])?, false);
    };
    ensure!(
        indices.dtype() == DType::I64,
        runtime,
        "torch.take_along_dim(): dtype of indices should be Long but got {}",
        indices.dtype().scalar_name()
    );
    ensure!(
        x.ndim() > 0 || indices.ndim() > 0,
        index,
        "Dimension specified as 0 but tensor has no dimensions"
    );
    ensure!(
        x.ndim() == indices.ndim(),
        runtime,
        "torch.take_along_dim(): input and indices should have the same number of dimensions, but got {} dimensions for input, and {} dimensions for indices",
        x.ndim(),
        indices.ndim()
    );
    let d = crate::layout::wrap_dim(dim, x.ndim())?;
    let (mut xs, mut is) = (x.dims(), indices.dims());
    if x.ndim() > 0 {
        xs[d] = 1;
        is[d] = 1;
    }
    let b = crate::layout::broadcast_shapes(&xs, &is)?;
    let (mut xb, mut ib) = (b.clone(), b);
    if x.ndim() > 0 {
        xb[d] = x.shape()[d];
        ib[d] = indices.shape()[d];
    }
    // Expanded even when the shapes agree: torch's graph has the ExpandBackward0.
    let xe = movement::expand(x, &xb)?;
    let ie = movement::expand(indices, &ib)?;
    gather(&xe, dim, &ie, false)
}

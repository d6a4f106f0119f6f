//! `index_select` and the writes along one dim through a 1-D index: `index_add`,
//! `index_copy`, `index_fill`, `index_reduce`, with their derivatives (NOTE [ Index
//! kernels ]); and the derivative of the reductions, shared with `scatter_reduce`.

use super::gather::{reduce_into, sample_index, write_in_place, Reduction};
use super::{
    along, at_least_1d, dim_of, long_index, out_of_bounds, restride, scatter_checked, shapes,
    unaliased,
};
use crate::autograd::{expose_saved, needs_grad, record, Saved, SavedTensor};
use crate::backend::ScatterReduce;
use crate::ops::{binary, cast, movement, pointwise, reduce, Kind, OpInfo};
use crate::{ensure, Error, Result, Scalar, Tensor};

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[OpInfo] = &[
    OpInfo::inputs("index_select", Kind::Index, &[&[3, 4]], |t| {
        index_select(&t[0], 1, &sample_index(&[5], 4)?)
    })
    .differentiable(),
    OpInfo::inputs("index_add", Kind::Index, &[&[3, 4], &[3, 5]], |t| {
        index_add(
            &t[0],
            1,
            &sample_index(&[5], 4)?,
            &t[1],
            &Scalar::Float(0.5),
        )
    })
    .differentiable(),
    OpInfo::inputs("index_copy", Kind::Index, &[&[3, 4], &[3, 2]], |t| {
        index_copy(&t[0], 1, &Tensor::from_slice(&[3i64, 0], &[2])?, &t[1])
    })
    .differentiable(),
    OpInfo::inputs("index_fill", Kind::Index, &[&[3, 4]], |t| {
        index_fill(
            &t[0],
            1,
            &sample_index(&[2], 4)?,
            &Tensor::wrapped_scalar(Scalar::Float(2.0)),
        )
    })
    .differentiable(),
    OpInfo::inputs("index_reduce", Kind::Index, &[&[3, 4], &[3, 5]], |t| {
        index_reduce(&t[0], 1, &sample_index(&[5], 4)?, &t[1], "amax", true)
    })
    .differentiable(),
];

/// A 1-D (or 0-dim) index of an accepted dtype, as int64. The rank is checked first, with
/// each op's own message, except by index_fill (whose dtype check comes first).
fn vector_index(
    index: &Tensor,
    op: &str,
    int32_ok: bool,
    dtype_msg: impl FnOnce() -> Error,
) -> Result<Tensor> {
    let n = index.ndim();
    if n > 1 && op != "index_fill_" {
        return Err(Error::index(match op {
            "index_copy_" => format!("index_copy_(): Index should have dimension 1 or 0 (got {n})"),
            "index_select" => "index_select(): Index is supposed to be a vector".to_string(),
            _ => format!(
                "{op}(): Index is supposed to be a vector, but got dim: {n} with type: {} and size: {}",
                index.dtype().scalar_name(),
                shapes(index.shape())
            ),
        }));
    }
    let idx = long_index(index, int32_ok, dtype_msg)?;
    ensure!(idx.ndim() <= 1, runtime, "Index has to be a vector/scalar");
    Ok(idx)
}

/// `x.index_select(dim, index)`: the slices of `x` along `dim` that `index` names.
pub fn index_select(x: &Tensor, dim: i64, index: &Tensor) -> Result<Tensor> {
    let d = crate::layout::wrap_dim(dim, x.ndim())?;
    let idx = vector_index(index, "index_select", true, || {
        Error::runtime("index_select(): Expected dtype int32 or int64 for index")
    })?;
    // PyTorch rejects indexing into an empty dim of a matrix (or more) before any bound
    // check; a vector's empty dim falls to the bound check below.
    ensure!(
        x.ndim() <= 1 || x.shape()[d] > 0 || idx.numel() == 0,
        runtime,
        "index_select(): self indexing axis dim should be positive"
    );
    // NOTE [ index_select's bound errors ]: PyTorch's CPU kernel has paths with two
    // messages: dim 1 of a matrix (or more) and an empty matrix (or more) report a
    // RuntimeError naming the first bad index (the empty one checks its indices though
    // nothing is read); every other input and dim an IndexError.
    let size = if x.ndim() == 0 { 1 } else { x.shape()[d] };
    let bound_error = move |i: i64| {
        if x.ndim() > 1 && (d == 1 || x.numel() == 0) {
            Error::runtime(format!(
                "INDICES element is out of DATA bounds, id={i} axis_dim={size}"
            ))
        } else {
            Error::index("index out of range in self")
        }
    };
    if x.ndim() > 1 && x.numel() == 0 {
        if let Some(&i) = idx
            .to_vec::<i64>()?
            .iter()
            .find(|&&i| i < 0 || i >= size as i64)
        {
            return Err(bound_error(i));
        }
    }
    let x1 = at_least_1d(x)?;
    let mut shape = x1.dims();
    shape[d] = idx.numel();
    let out = x.new_empty(&shape, x.dtype())?;
    if out.numel() > 0 {
        let src = restride(&x1, &shape, &[d]);
        let i = along(&idx, &shape, d);
        super::gather_checked(&out, &src, &i, dim_of(&x1, d), bound_error)?;
    }
    let out = if x.ndim() == 0 {
        movement::reshape(&out, &[])?.contiguous()?
    } else {
        out
    };
    if needs_grad(&[x]) {
        let (full, si) = (x.dims(), SavedTensor::input(&idx)?);
        let node = record("IndexSelectBackward0", &[x], &[&out], move |ctx, g| {
            let z = g[0].new_zeros(&full, g[0].dtype())?;
            Ok(vec![Some(index_add(
                &z,
                dim,
                &si.unpack(ctx)?,
                &g[0],
                &Scalar::Int(1),
            )?)])
        });
        expose_saved(&node, || {
            vec![
                ("dim", Saved::int(dim)),
                ("index", Saved::input(&idx)),
                ("self_sym_sizes", Saved::sizes(x.shape())),
            ]
        });
    }
    Ok(out)
}

/// Writes `src` (at the slice shape of `index` along `d`, or a 0-dim value) into `dst`.
fn write_along(
    dst: &Tensor,
    d: usize,
    idx: &Tensor,
    src: &Tensor,
    r: ScatterReduce,
    err: impl FnOnce(i64) -> Error,
) -> Result<()> {
    write_along_as(dst, d, idx, src, r, false, err)
}

/// `write_along`, where `negative` lets indices count from the end (index_fill).
fn write_along_as(
    dst: &Tensor,
    d: usize,
    idx: &Tensor,
    src: &Tensor,
    r: ScatterReduce,
    negative: bool,
    err: impl FnOnce(i64) -> Error,
) -> Result<()> {
    let dst1 = at_least_1d(dst)?;
    let mut shape = dst1.dims();
    shape[d] = idx.numel();
    if shape.contains(&0) {
        return Ok(());
    }
    let target = restride(&dst1, &shape, &[d]);
    let i = along(&idx.detach(), &shape, d);
    let src = if src.ndim() == 0 {
        movement::expand(src, &shape)?
    } else {
        at_least_1d(src)?
    };
    let dim = if negative {
        super::dim_from_end(&dst1, d)
    } else {
        dim_of(&dst1, d)
    };
    scatter_checked(&target, &i, &src, dim, r, err)
}

/// The checks of `index_add` / `index_reduce`: source's shape is self's but along `d`.
fn check_source(x: &Tensor, d: usize, idx: &Tensor, source: &Tensor, op: &str) -> Result<()> {
    ensure!(
        x.dtype() == source.dtype(),
        runtime,
        "{op}(): self ({}) and source ({}) must have the same scalar type",
        x.dtype().scalar_name(),
        source.dtype().scalar_name()
    );
    // PyTorch reads source.size(dim) of a 0-dim source, unless a single index lets it skip.
    ensure!(
        source.ndim() > 0 || idx.numel() == 1,
        index,
        "Dimension specified as {d} but tensor has no dimensions"
    );
    let ssize = if source.ndim() == 0 {
        1
    } else {
        source.shape()[d.min(source.ndim() - 1)]
    };
    ensure!(
        idx.numel() == ssize,
        runtime,
        "{op}(): Number of indices ({}) should be equal to source.size(dim): ({ssize}), for dim: {d}",
        idx.numel()
    );
    let same = source.ndim() == x.ndim()
        && (0..x.ndim()).all(|k| k == d || source.shape()[k] == x.shape()[k]);
    ensure!(
        same,
        runtime,
        "source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = {} source.shape = {}",
        shapes(x.shape()),
        shapes(source.shape())
    );
    Ok(())
}

fn add_index(index: &Tensor, op: &str) -> Result<Tensor> {
    vector_index(index, op, true, || {
        Error::runtime(format!(
            "{op}(): Expected dtype int32/int64 for index but got: {}",
            index.dtype().scalar_name()
        ))
    })
}

fn index_add_impl(
    out: &Tensor,
    dim: i64,
    index: &Tensor,
    source: &Tensor,
    alpha: &Scalar,
) -> Result<()> {
    let d = crate::layout::wrap_dim(dim, out.ndim())?;
    let idx = add_index(index, "index_add_")?;
    check_source(out, d, &idx, source, "index_add_")?;
    let unit_alpha =
        matches!(alpha, Scalar::Int(1)) || matches!(alpha, Scalar::Float(f) if *f == 1.0);
    let src = if unit_alpha {
        source.detach()
    } else if out.dtype() == crate::DType::Bool {
        // bool: alpha only says whether to add (an `or`) at all.
        if alpha.to_f64() == 0.0 {
            return Ok(());
        }
        source.detach()
    } else if out.dtype().is_integral(false) {
        // PyTorch converts alpha to self's integer type first (0.5 adds nothing).
        let a = Scalar::Int(alpha.to_f64().trunc() as i64);
        cast::to_dtype(&binary::mul_scalar(&source.detach(), a)?, out.dtype())?
    } else {
        cast::to_dtype(&binary::mul_scalar(&source.detach(), *alpha)?, out.dtype())?
    };
    // NOTE [ index_add bounds ]: PyTorch's kernel for a tensor of two or more dims returns
    // early when self or the index is empty (no index is range-checked). It then adds
    // through scatter_add, which reports a bad index as "out of bounds" (RuntimeError),
    // only for alpha 1 (a bool alpha is not 1) along the first or last dim; otherwise,
    // and for a 0-dim or 1-D self, a loop over the index raises IndexError "index out of
    // range in self".
    if out.ndim() > 1 && (out.numel() == 0 || idx.numel() == 0) {
        return Ok(());
    }
    let src = unaliased(out, &src)?;
    let size = at_least_1d(out)?.shape()[d];
    let outer = d == 0 || d + 1 == out.ndim();
    let loop_check = out.ndim() <= 1 || !(unit_alpha && outer);
    write_along(out, d, &idx, &src, ScatterReduce::Add, |v| {
        if loop_check {
            Error::index("index out of range in self")
        } else {
            Error::runtime(out_of_bounds(v, d, size))
        }
    })
}

/// `x.index_add(dim, index, source, *, alpha=1)`: IndexAddBackward0.
pub fn index_add(
    x: &Tensor,
    dim: i64,
    index: &Tensor,
    source: &Tensor,
    alpha: &Scalar,
) -> Result<Tensor> {
    let out = movement::clone_contiguous(&x.detach())?;
    index_add_impl(&out, dim, index, source, alpha)?;
    if needs_grad(&[x, source]) {
        let idx = add_index(index, "index_add_")?;
        // Only source's gradient reads the index: saved only then, as in PyTorch (an
        // index changed in place later does not stop a backward to self alone).
        let si = source
            .requires_grad()
            .then(|| SavedTensor::input(&idx))
            .transpose()?;
        let (a, sdims) = (*alpha, source.dims());
        let node = record("IndexAddBackward0", &[x, source], &[&out], move |ctx, g| {
            let Some(si) = &si else {
                return Ok(vec![Some(g[0].clone()), None]);
            };
            let gs = index_select(&g[0], dim, &si.unpack(ctx)?)?;
            let gs = binary::mul_scalar(&gs, a)?;
            let gs = movement::reshape(&gs, &sdims.iter().map(|&s| s as i64).collect::<Vec<_>>())?;
            Ok(vec![Some(g[0].clone()), Some(gs)])
        });
        expose_saved(&node, || {
            vec![
                ("alpha", Saved::scalar(*alpha)),
                ("dim", Saved::int(dim)),
                ("index", Saved::input_if(source.requires_grad(), &idx)),
                ("source", Saved::input_if(source.requires_grad(), source)),
                ("source_dim", Saved::size(source.ndim())),
            ]
        });
    }
    Ok(out)
}

/// `x.index_add_(dim, index, source, *, alpha=1)`.
pub fn index_add_(
    x: &Tensor,
    dim: i64,
    index: &Tensor,
    source: &Tensor,
    alpha: &Scalar,
) -> Result<()> {
    write_in_place(
        x,
        &[source],
        "index_add_",
        || index_add_impl(x, dim, index, source, alpha),
        |c| index_add(c, dim, index, source, alpha),
    )
}

fn copy_index(index: &Tensor) -> Result<Tensor> {
    vector_index(index, "index_copy_", false, || {
        Error::runtime(format!(
            "index_copy_(): Expected a long tensor for index, but got {}",
            index.dtype().scalar_name()
        ))
    })
}

fn index_copy_impl(out: &Tensor, dim: i64, index: &Tensor, source: &Tensor) -> Result<()> {
    let d = crate::layout::wrap_dim(dim, out.ndim())?;
    let idx = copy_index(index)?;
    ensure!(
        out.dtype() == source.dtype(),
        runtime,
        "index_copy_(): self and source expected to have the same dtype, but got (self) {} and (source) {}",
        out.dtype().scalar_name(),
        source.dtype().scalar_name()
    );
    let ssize = if source.ndim() == 0 {
        1
    } else {
        source.shape()[d.min(source.ndim() - 1)]
    };
    ensure!(
        idx.numel() == ssize,
        index,
        "index_copy_(): Number of indices ({}) should be equal to source.size(dim) ({ssize})",
        idx.numel()
    );
    if source.ndim().max(1) == out.ndim().max(1) {
        for k in 0..out.ndim() {
            ensure!(
                k == d || source.shape()[k] == out.shape()[k],
                runtime,
                "index_copy_(): Source/destination tensor must have same slice shapes. Destination slice shape: {} at dimension {k} and source slice shape: {} at dimension {k}.",
                out.shape()[k],
                source.shape()[k]
            );
        }
    } else {
        crate::bail!(
            index,
            "index_copy_(): When source and destination are not scalars, their dimensionality must match. Source dimensionality ({}), destination dimensionality ({})",
            source.ndim(),
            out.ndim()
        );
    }
    let src = unaliased(out, source)?;
    let size = at_least_1d(out)?.shape()[d];
    write_along(out, d, &idx, &src, ScatterReduce::Assign, |v| {
        Error::index(format!("index_copy_(): {}", out_of_bounds(v, d, size)))
    })
}

/// `x.index_copy(dim, index, source)`: IndexCopyBackward0.
pub fn index_copy(x: &Tensor, dim: i64, index: &Tensor, source: &Tensor) -> Result<Tensor> {
    let out = movement::clone_contiguous(&x.detach())?;
    index_copy_impl(&out, dim, index, source)?;
    if needs_grad(&[x, source]) {
        let idx = copy_index(index)?;
        let (si, sdims) = (SavedTensor::input(&idx)?, source.dims());
        let node = record(
            "IndexCopyBackward0",
            &[x, source],
            &[&out],
            move |ctx, g| {
                let i = si.unpack(ctx)?;
                let zero = Tensor::wrapped_scalar(Scalar::Int(0));
                let gs = index_select(&g[0], dim, &i)?;
                let gs =
                    movement::reshape(&gs, &sdims.iter().map(|&s| s as i64).collect::<Vec<_>>())?;
                Ok(vec![Some(index_fill(&g[0], dim, &i, &zero)?), Some(gs)])
            },
        );
        expose_saved(&node, || {
            vec![
                ("dim", Saved::int(dim)),
                ("index", Saved::input(&idx)),
                ("source", Saved::input_if(source.requires_grad(), source)),
                ("source_dim", Saved::size(source.ndim())),
            ]
        });
    }
    Ok(out)
}

/// `x.index_copy_(dim, index, source)`.
pub fn index_copy_(x: &Tensor, dim: i64, index: &Tensor, source: &Tensor) -> Result<()> {
    write_in_place(
        x,
        &[source],
        "index_copy_",
        || index_copy_impl(x, dim, index, source),
        |c| index_copy(c, dim, index, source),
    )
}

fn fill_index(index: &Tensor) -> Result<Tensor> {
    vector_index(index, "index_fill_", false, || {
        Error::index("index_fill_(): Expected dtype int64 for index.")
    })
}

/// `idx` with negative entries counted from the end of a dim of `size` (index_fill
/// takes them; the index_select of its derivative does not).
fn from_end(idx: &Tensor, size: usize) -> Result<Tensor> {
    let zero = Tensor::wrapped_scalar(Scalar::Int(0));
    let neg = binary::lt(idx, &zero)?;
    let shifted = binary::add(idx, &Tensor::wrapped_scalar(Scalar::Int(size as i64)))?;
    pointwise::where_(&neg, &shifted, idx)
}

fn index_fill_impl(out: &Tensor, dim: i64, index: &Tensor, value: &Tensor) -> Result<()> {
    let d = crate::layout::wrap_dim(dim, out.ndim())?;
    let idx = fill_index(index)?;
    ensure!(
        value.ndim() == 0,
        runtime,
        "index_fill_ only supports a 0-dimensional value tensor, but got tensor with {} dimension(s).",
        value.ndim()
    );
    // PyTorch reads the value as a number of self's type before looking at the indices.
    cast::scalar_of(value)?.check_converts(out.dtype())?;
    let v = cast::to_dtype(&value.detach(), out.dtype())?;
    let size = at_least_1d(out)?.shape()[d];
    write_along_as(out, d, &idx, &v, ScatterReduce::Assign, true, |v| {
        Error::index(out_of_bounds(v, d, size))
    })
}

/// `x.index_fill(dim, index, value)`: IndexFillBackward0 for a number, IndexFillBackward1
/// (the value gets the sum of the filled places' gradient) for a tensor.
pub fn index_fill(x: &Tensor, dim: i64, index: &Tensor, value: &Tensor) -> Result<Tensor> {
    let out = movement::clone(&x.detach())?;
    index_fill_impl(&out, dim, index, value)?;
    let number = value.is_wrapped_number();
    let inputs: Vec<&Tensor> = if number { vec![x] } else { vec![x, value] };
    crate::autograd::check_output_differentiable(out.dtype(), &inputs)?;
    if needs_grad(&inputs) {
        let idx = fill_index(index)?;
        let d = crate::layout::wrap_dim(dim, x.ndim())?;
        let size = at_least_1d(x)?.shape()[d];
        let si = SavedTensor::input(&crate::autograd::no_grad(|| from_end(&idx, size))?)?;
        let name = if number {
            "IndexFillBackward0"
        } else {
            "IndexFillBackward1"
        };
        let node = record(name, &inputs, &[&out], move |ctx, g| {
            let i = si.unpack(ctx)?;
            let zero = Tensor::wrapped_scalar(Scalar::Int(0));
            let mut grads = vec![Some(index_fill(&g[0], dim, &i, &zero)?)];
            if !number {
                // The filled places, each once however often the index repeats it
                // (PyTorch selects by the unique indices); also right for a 0-dim self.
                let filled = index_fill(
                    &g[0].new_zeros(g[0].shape(), crate::DType::Bool)?,
                    dim,
                    &i,
                    &Tensor::wrapped_scalar(Scalar::Bool(true)),
                )?;
                let kept = pointwise::where_(&filled, &g[0], &zero)?;
                grads.push(Some(reduce::sum(&kept, None, false, None)?));
            }
            Ok(grads)
        });
        expose_saved(&node, || {
            vec![("dim", Saved::int(dim)), ("index", Saved::input(&idx))]
        });
    }
    Ok(out)
}

/// `x.index_fill_(dim, index, value)`.
pub fn index_fill_(x: &Tensor, dim: i64, index: &Tensor, value: &Tensor) -> Result<()> {
    let reads: Vec<&Tensor> = if value.is_wrapped_number() {
        vec![]
    } else {
        vec![value]
    };
    write_in_place(
        x,
        &reads,
        "index_fill_",
        || index_fill_impl(x, dim, index, value),
        |c| index_fill(c, dim, index, value),
    )
}

fn index_reduce_impl(
    out: &Tensor,
    dim: i64,
    index: &Tensor,
    source: &Tensor,
    reduce: &str,
    include_self: bool,
) -> Result<Reduction> {
    let r = Reduction::parse(reduce).filter(|r| *r != Reduction::Sum).ok_or_else(|| {
        Error::runtime(format!(
            "index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}."
        ))
    })?;
    // NOTE [ index_reduce of bool ]: PyTorch has no bool kernel to initialise without
    // self, nor a bool division for the mean of two or more dims; a 0-dim or 1-D bool
    // self has no kernel at all, which it finds after the argument checks.
    let is_bool = out.dtype() == crate::DType::Bool;
    if is_bool && !include_self {
        return Err(crate::ops::unsupported(
            "index_reduce_func_exclude_input_init",
            out.dtype(),
        ));
    }
    if is_bool && r == Reduction::Mean && out.ndim() > 1 {
        return Err(crate::ops::unsupported("div_floor_cpu", out.dtype()));
    }
    let d = crate::layout::wrap_dim(dim, out.ndim())?;
    let idx = add_index(index, "index_reduce_")?;
    check_source(out, d, &idx, source, "index_reduce_")?;
    if is_bool && out.ndim() <= 1 {
        return Err(crate::ops::unsupported("index_func_", out.dtype()));
    }
    let src = unaliased(out, source)?;
    reduce_into(out, &src, r, include_self, &|t, s, how| {
        write_along(t, d, &idx, s, how, |_| {
            Error::index("index out of range in self")
        })
    })?;
    Ok(r)
}

/// `x.index_reduce(dim, index, source, reduce, *, include_self=True)`: IndexReduceBackward0.
pub fn index_reduce(
    x: &Tensor,
    dim: i64,
    index: &Tensor,
    source: &Tensor,
    reduce: &str,
    include_self: bool,
) -> Result<Tensor> {
    let out = movement::clone_contiguous(&x.detach())?;
    let r = index_reduce_impl(&out, dim, index, source, reduce, include_self)?;
    if needs_grad(&[x, source]) {
        let idx = add_index(index, "index_reduce_")?;
        let (sx, ss, si) = (
            SavedTensor::input(x)?,
            SavedTensor::input(source)?,
            SavedTensor::input(&idx)?,
        );
        let so = SavedTensor::output(&out, 0);
        let node = record(
            "IndexReduceBackward0",
            &[x, source],
            &[&out],
            move |ctx, g| {
                let (x, src, i, res) = (
                    sx.unpack(ctx)?,
                    ss.unpack(ctx)?,
                    si.unpack(ctx)?,
                    so.unpack(ctx)?,
                );
                let (gx, gs) = reduce_backward(
                    &g[0],
                    &x,
                    &src,
                    &res,
                    r,
                    include_self,
                    &|t, v, r, inc| match r {
                        Reduction::Sum => index_add(t, dim, &i, v, &Scalar::Int(1)),
                        _ => index_reduce(t, dim, &i, v, r.name(), inc),
                    },
                    &|t| index_select(t, dim, &i),
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
                ("source", Saved::input(source)),
            ]
        });
    }
    Ok(out)
}

/// `x.index_reduce_(dim, index, source, reduce, *, include_self=True)`.
pub fn index_reduce_(
    x: &Tensor,
    dim: i64,
    index: &Tensor,
    source: &Tensor,
    reduce: &str,
    include_self: bool,
) -> Result<()> {
    write_in_place(
        x,
        &[source],
        "index_reduce_",
        || index_reduce_impl(x, dim, index, source, reduce, include_self).map(|_| ()),
        |c| index_reduce(c, dim, index, source, reduce, include_self),
    )
}

/// The gradients of a scattered reduction `result = reduce(x, src)` (scatter_reduce,
/// index_reduce) for self and src. `reduce_at(t, v, r, include_self)` reduces `v`
/// (src-shaped) into a copy of `t` (self-shaped) at the targets; `take(t)` reads
/// self-shaped `t` at each source's target. Each piece is a differentiable op, so double
/// backward works.
pub(crate) type ReduceAt<'a> = &'a dyn Fn(&Tensor, &Tensor, Reduction, bool) -> Result<Tensor>;

#[allow(clippy::too_many_arguments)]
pub(crate) fn reduce_backward(
    g: &Tensor,
    x: &Tensor,
    src: &Tensor,
    result: &Tensor,
    r: Reduction,
    include_self: bool,
    reduce_at: ReduceAt<'_>,
    take: &dyn Fn(&Tensor) -> Result<Tensor>,
) -> Result<(Tensor, Tensor)> {
    use pointwise::where_;
    let zero = || Tensor::wrapped_scalar(Scalar::Int(0));
    let one = || Tensor::wrapped_scalar(Scalar::Int(1));
    let as_g = |t: &Tensor| cast::to_dtype(t, g.dtype());
    let add_at =
        |v: &Tensor| reduce_at(&x.new_zeros(x.shape(), g.dtype())?, v, Reduction::Sum, true);
    // How many sources land on each place of self; places none reaches keep self's value
    // whatever `include_self` is.
    let counts = || add_at(&crate::ops::factory::ones_like(&as_g(&src.detach())?)?);
    let untouched = || binary::eq(&counts()?, &zero());
    Ok(match r {
        Reduction::Sum => {
            let gx = if include_self {
                g.clone()
            } else {
                where_(&untouched()?, g, &zero())?
            };
            (gx, take(g)?)
        }
        Reduction::Mean => {
            let c = counts()?;
            let n = if include_self {
                binary::add(&c, &one())?
            } else {
                c.clone()
            };
            let n = pointwise::clamp(&n, Some(&one()), None)?;
            let gx = if include_self {
                binary::div(g, &n)?
            } else {
                where_(&binary::eq(&c, &zero())?, g, &zero())?
            };
            (gx, take(&binary::div(g, &n)?)?)
        }
        Reduction::Amax | Reduction::Amin => {
            // The gradient is shared evenly by every value equal to the result.
            let mut self_is = binary::eq(x, result)?;
            if !include_self {
                self_is = binary::logical_and(&self_is, &untouched()?)?;
            }
            let src_is = binary::eq(src, &take(result)?)?;
            let n = binary::add(&as_g(&self_is)?, &add_at(&as_g(&src_is)?)?)?;
            let share = binary::div(g, &pointwise::clamp(&n, Some(&one()), None)?)?;
            (
                where_(&self_is, &share, &zero())?,
                where_(&src_is, &take(&share)?, &zero())?,
            )
        }
        Reduction::Prod => {
            // d result / d v is the product of the other values at v's place: result / v
            // where v is not 0; where v is the place's only zero, the product of the rest
            // (the place's product with zeros read as 1); where another zero is left, 0.
            let gr = binary::mul(g, result)?;
            let x_zero = binary::eq(x, &zero())?;
            let src_zero = binary::eq(src, &zero())?;
            let x1 = where_(&x_zero, &one(), x)?;
            let s1 = where_(&src_zero, &one(), src)?;
            let mut zeros_at = add_at(&as_g(&src_zero)?)?;
            if include_self {
                zeros_at = binary::add(&zeros_at, &as_g(&x_zero)?)?;
            }
            let single = binary::eq(&zeros_at, &one())?;
            let rest = binary::mul(g, &reduce_at(&x1, &s1, Reduction::Prod, include_self)?)?;
            let gx = if include_self {
                let only = binary::logical_and(&x_zero, &single)?;
                let at_zero = where_(&only, &rest, &zero())?;
                where_(&x_zero, &at_zero, &binary::div(&gr, &x1)?)?
            } else {
                where_(&untouched()?, g, &zero())?
            };
            let only = binary::logical_and(&src_zero, &take(&single)?)?;
            let at_zero = where_(&only, &take(&rest)?, &zero())?;
            let gs = where_(&src_zero, &at_zero, &binary::div(&take(&gr)?, &s1)?)?;
            (gx, gs)
        }
    })
}

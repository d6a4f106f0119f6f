//! Advanced indexing: `x[i, j]` (`index`), its write `index_put(_)`, the flat `take` and
//! `put(_)`, and the mask forms `masked_select` / `masked_scatter(_)`, with their
//! derivatives (NOTE [ Index kernels ]).

use super::gather::{sample_index, write_in_place};
use super::{long_index, out_of_bounds, scatter_checked, shapes};
use crate::autograd::{expose_saved, needs_grad, record, Saved, SavedTensor};
use crate::backend::{IndexDim, ScatterReduce};
use crate::layout::{broadcast_shapes, Dims, Layout, Strides};
use crate::ops::{cast, factory, indexing, movement, pointwise, reduce, Kind, OpInfo};
use crate::{bail, ensure, DType, Error, Result, Scalar, Tensor};

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[OpInfo] = &[
    OpInfo::inputs("index", Kind::Index, &[&[3, 4]], |t| {
        index(&t[0], &[None, Some(sample_index(&[5], 4)?)])
    })
    .differentiable(),
    OpInfo::inputs("index_put", Kind::Index, &[&[3, 4], &[5]], |t| {
        let i = [Some(sample_index(&[5], 3)?), Some(sample_index(&[5], 4)?)];
        index_put(&t[0], &i, &t[1], true)
    })
    .differentiable(),
    OpInfo::inputs("take", Kind::Index, &[&[3, 4]], |t| {
        take(&t[0], &sample_index(&[2, 3], 12)?)
    })
    .differentiable(),
    OpInfo::inputs("put", Kind::Index, &[&[3, 4], &[2, 3]], |t| {
        put(&t[0], &sample_index(&[2, 3], 12)?, &t[1], true)
    })
    .differentiable(),
    OpInfo::inputs("masked_select", Kind::Index, &[&[3, 4]], |t| {
        masked_select(&t[0], &sample_mask(&[4])?)
    })
    .differentiable(),
    OpInfo::inputs("masked_scatter", Kind::Index, &[&[3, 4], &[12]], |t| {
        masked_scatter(&t[0], &sample_mask(&[3, 4])?, &t[1])
    })
    .differentiable(),
];

fn sample_mask(shape: &[usize]) -> Result<Tensor> {
    let n: usize = shape.iter().product();
    let v: Vec<bool> = (0..n).map(|i| i % 3 != 1).collect();
    Tensor::from_slice(&v, shape)
}

/// The index tensors of `x[...]` lined up with `x`'s dims: masks become the coordinate
/// columns of their true elements (over as many dims as they have), int32 is widened;
/// None is a full slice.
fn expand_indices(x: &Tensor, indices: &[Option<Tensor>]) -> Result<Vec<Option<Tensor>>> {
    let mut out = Vec::with_capacity(x.ndim());
    for t in indices {
        let Some(t) = t else {
            out.push(None);
            continue;
        };
        match t.dtype() {
            DType::Bool | DType::U8 => {
                let at = out.len();
                ensure!(
                    at + t.ndim() <= x.ndim(),
                    index,
                    "too many indices for tensor of dimension {}",
                    x.ndim()
                );
                for (j, &s) in t.shape().iter().enumerate() {
                    ensure!(
                        s == x.shape()[at + j],
                        index,
                        "The shape of the mask {} at index {j} does not match the shape of the indexed tensor {} at index {}",
                        shapes(t.shape()),
                        shapes(x.shape()),
                        at + j
                    );
                }
                let m = if t.dtype() == DType::U8 {
                    cast::to_dtype(&t.detach(), DType::Bool)?
                } else {
                    t.detach()
                };
                if t.ndim() == 0 {
                    // x[True] / x[False]: a new dim of 1 or 0 elements in front.
                    let n = crate::backend::item(&m)?.to_i64();
                    out.push(Some(factory::full(
                        &[n as usize],
                        Scalar::Int(0),
                        DType::I64,
                        x.device(),
                    )?));
                    return bool0(x, out, indices);
                }
                let nz = indexing::nonzero(&m)?;
                for k in 0..t.ndim() {
                    out.push(Some(movement::select(&nz, 1, k as i64)?));
                }
            }
            DType::I64 | DType::I32 => {
                out.push(Some(long_index(t, true, || unreachable!())?));
            }
            _ => bail!(
                index,
                "tensors used as indices must be long, int, byte or bool tensors"
            ),
        }
    }
    ensure!(
        out.len() <= x.ndim(),
        index,
        "too many indices for tensor of dimension {}",
        x.ndim()
    );
    while out.len() < x.ndim() {
        out.push(None);
    }
    Ok(out)
}

/// A 0-dim mask is rare and never reaches here from `__getitem__` (it becomes a view);
/// it is refused rather than half supported.
fn bool0(
    _x: &Tensor,
    _out: Vec<Option<Tensor>>,
    _indices: &[Option<Tensor>],
) -> Result<Vec<Option<Tensor>>> {
    bail!(
        index,
        "index: a 0-dim bool index is only supported by __getitem__"
    )
}

/// Where `x[indices]` reads: the result's shape, `x` viewed at it (stride 0 at the
/// index dims) and the index (one tensor, or the flat offsets of several) viewed at it.
struct Plan {
    shape: Dims,
    data: Tensor,
    idx: Tensor,
    dim: IndexDim,
    /// The first indexed dim (for errors).
    first: usize,
    /// Where the broadcast index dims start in `shape`, and their sizes.
    bstart: usize,
    b: Dims,
}

fn plan(x: &Tensor, idx: &[Option<Tensor>]) -> Result<Plan> {
    let adv: Vec<usize> = (0..idx.len()).filter(|&d| idx[d].is_some()).collect();
    ensure!(
        !adv.is_empty(),
        runtime,
        "index: expected at least one index tensor"
    );
    let mut b: Dims = Dims::new();
    for &d in &adv {
        let t = idx[d].as_ref().unwrap();
        b = broadcast_shapes(&b, t.shape()).map_err(|_| {
            let all: Vec<String> = adv
                .iter()
                .map(|&d| shapes(idx[d].as_ref().unwrap().shape()))
                .collect();
            Error::index(format!(
                "shape mismatch: indexing tensors could not be broadcast together with shapes {}",
                all.join(", ")
            ))
        })?;
    }
    let b_numel: usize = b.iter().product();
    for &d in &adv {
        // torch checks this before anything else, even when the result is empty, but
        // after the indices are broadcast: an index broadcast to no elements passes.
        ensure!(
            x.shape()[d] > 0 || b_numel == 0,
            index,
            "index is out of bounds for dimension with size 0"
        );
    }
    let adjacent = adv[adv.len() - 1] - adv[0] + 1 == adv.len();
    // The result's dims: the broadcast index dims where the indexed dims were (adjacent)
    // or first (NumPy's rule), then x's other dims.
    let (xs, xst) = (x.shape(), x.strides());
    let mut shape = Dims::new();
    let mut strides = Strides::new();
    let at = if adjacent { adv[0] } else { 0 };
    let kept: Vec<usize> = (0..xs.len()).filter(|d| !adv.contains(d)).collect();
    let (before, after): (Vec<usize>, Vec<usize>) = kept.iter().partition(|&&d| d < at);
    for &d in &before {
        shape.push(xs[d]);
        strides.push(xst[d]);
    }
    let bstart = shape.len();
    for &s in &b {
        shape.push(s);
        strides.push(0);
    }
    for &d in &after {
        shape.push(xs[d]);
        strides.push(xst[d]);
    }
    let data = x.detach().view_with(Layout {
        shape: shape.clone(),
        strides,
        offset: x.storage_offset(),
    });
    // One index reads through its own dim; several fold into flat offsets first.
    let (flat, dim) = if adv.len() == 1 {
        let d = adv[0];
        let t = movement::expand(idx[d].as_ref().unwrap(), &b)?;
        (t, super::dim_from_end(x, d))
    } else {
        let off = Tensor::zeros(&b, DType::I64, x.device())?;
        for &d in &adv {
            let t = movement::expand(idx[d].as_ref().unwrap(), &b)?;
            if off.numel() == 0 {
                continue;
            }
            if let Some(v) = crate::backend::index_offsets(&off, &t, super::dim_from_end(x, d))? {
                bail!(index, "{}", out_of_bounds(v, d, xs[d]));
            }
        }
        (
            off,
            IndexDim {
                size: usize::MAX,
                stride: 1,
                check: false,
                negative: false,
                fresh: false,
            },
        )
    };
    let mut istr: Strides = smallvec::smallvec![0; shape.len()];
    istr[bstart..bstart + b.len()].copy_from_slice(flat.strides());
    let idx_view = flat.view_with(Layout {
        shape: shape.clone(),
        strides: istr,
        offset: flat.storage_offset(),
    });
    Ok(Plan {
        shape,
        data,
        idx: idx_view,
        dim,
        first: adv[0],
        bstart,
        b,
    })
}

/// `t`'s strides once broadcast to `shape` (what `expand` would give, without the view).
fn broadcast_strides(t: &Tensor, shape: &[usize]) -> Strides {
    let lead = shape.len() - t.ndim();
    (0..shape.len())
        .map(|d| match d.checked_sub(lead) {
            Some(k) if t.shape()[k] == shape[d] => t.strides()[k],
            _ => 0,
        })
        .collect()
}

/// The strides of an index (broadcast to the index shape, strides `st`) that torch's
/// index iterator holds: reshaped to the result's rank with unit dims around it, then
/// broadcast. The unit dims keep a stride where the result has size 1 too, and that
/// stride decides the result's layout when the input is permuted (`x.permute(1, 2,
/// 0)[:, i]` of a (2, 1, 2) tensor is contiguous in torch, not column-major).
fn iterator_strides(shape: &[usize], bstart: usize, st: &[isize]) -> Strides {
    let (lead, trail) = match st.first() {
        // Reshaping puts the block's extent on the leading unit dims and the last
        // stride on the trailing ones.
        Some(&s0) => (s0 * shape[bstart] as isize, st[st.len() - 1]),
        None => (1, 1),
    };
    (0..shape.len())
        .map(|d| {
            if d >= bstart && d < bstart + st.len() {
                st[d - bstart]
            } else if shape[d] != 1 {
                0
            } else if d < bstart {
                lead
            } else {
                trail
            }
        })
        .collect()
}

/// `x[indices]` with index tensors (None: a full slice), PyTorch's `aten::index`: a copy.
pub fn index(x: &Tensor, indices: &[Option<Tensor>]) -> Result<Tensor> {
    let idx = expand_indices(x, indices)?;
    let p = plan(x, &idx)?;
    // The result keeps the input's memory order, as torch's TensorIterator lays it out
    // from the restrided input and the index (`x.mT[[0, 1]]` is column-major too).
    // Each index's strides as torch's index iterator sees them.
    let index_strides: Vec<Strides> = idx
        .iter()
        .flatten()
        .map(|t| iterator_strides(&p.shape, p.bstart, &broadcast_strides(t, &p.b)))
        .collect();
    let mut inputs: Vec<&[isize]> = vec![p.data.strides()];
    inputs.extend(index_strides.iter().map(|s| s.as_slice()));
    let out = x.new_elementwise(&p.shape, x.dtype(), &inputs)?;
    if out.numel() > 0 {
        let (first, size) = (p.first, x.shape()[p.first]);
        super::gather_checked(&out, &p.data, &p.idx, p.dim, |v| {
            Error::index(out_of_bounds(v, first, size))
        })?;
    }
    if needs_grad(&[x]) {
        let full = x.dims();
        let saved: Vec<Option<SavedTensor>> = idx
            .iter()
            .map(|t| t.as_ref().map(SavedTensor::input).transpose())
            .collect::<Result<_>>()?;
        let node = record("IndexBackward0", &[x], &[&out], move |ctx, g| {
            let i: Vec<Option<Tensor>> = saved
                .iter()
                .map(|s| s.as_ref().map(|s| s.unpack(ctx)).transpose())
                .collect::<Result<_>>()?;
            let z = g[0].new_zeros(&full, g[0].dtype())?;
            Ok(vec![Some(index_put(&z, &i, &g[0], true)?)])
        });
        expose_saved(&node, || {
            vec![
                ("indices", Saved::inputs(indices)),
                ("self_sym_sizes", Saved::sizes(x.shape())),
            ]
        });
    }
    Ok(out)
}

fn index_put_impl(
    x: &Tensor,
    indices: &[Option<Tensor>],
    values: &Tensor,
    accumulate: bool,
) -> Result<()> {
    // PyTorch counts the index tensors (a mask as one) before it looks at dtypes.
    ensure!(
        indices.len() <= x.ndim(),
        index,
        "too many indices for tensor of dimension {} (got {})",
        x.ndim(),
        indices.len()
    );
    // NOTE [ index_put as a masked fill ]: PyTorch's kernel turns a put of one value
    // through a single mask (bool or uint8; the other entries None) into
    // `masked_fill_(mask, value.item())`, where the value is a number cast to x's dtype:
    // no dtype match (nor a broadcastable value shape) is asked for then.
    let cast;
    let mut values = values;
    let masks = indices.iter().flatten().count() == 1
        && indices
            .iter()
            .flatten()
            .all(|i| matches!(i.dtype(), DType::Bool | DType::U8));
    if masks && !accumulate && values.numel() == 1 {
        let one = movement::reshape(&values.detach(), &[])?;
        crate::ops::cast::scalar_of(&one)?.check_converts(x.dtype())?;
        cast = crate::ops::cast::to_dtype(&one, x.dtype())?;
        values = &cast;
    }
    ensure!(
        x.dtype() == values.dtype(),
        runtime,
        "Index put requires the source and destination dtypes match, got {} for the destination and {} for the source.",
        x.dtype().scalar_name(),
        values.dtype().scalar_name()
    );
    let idx = expand_indices(x, indices)?;
    let p = plan(x, &idx)?;
    let fits = broadcast_shapes(values.shape(), &p.shape)
        .is_ok_and(|s| s.as_slice() == p.shape.as_slice());
    ensure!(
        fits,
        runtime,
        "shape mismatch: value tensor of shape {} cannot be broadcast to indexing result of shape {}",
        shapes(values.shape()),
        shapes(&p.shape)
    );
    if p.shape.contains(&0) {
        return Ok(());
    }
    let v = super::unaliased(x, values)?;
    let v = movement::expand(&v, &p.shape)?;
    let how = if accumulate {
        ScatterReduce::Add
    } else {
        ScatterReduce::Assign
    };
    let (first, size) = (p.first, x.shape()[p.first]);
    scatter_checked(&p.data, &p.idx, &v, p.dim, how, |v| {
        Error::index(out_of_bounds(v, first, size))
    })
}

/// `x.index_put(indices, values, accumulate=False)`: IndexPutBackward0.
pub fn index_put(
    x: &Tensor,
    indices: &[Option<Tensor>],
    values: &Tensor,
    accumulate: bool,
) -> Result<Tensor> {
    let out = movement::clone(&x.detach())?;
    index_put_impl(&out, indices, values, accumulate)?;
    if needs_grad(&[x, values]) {
        let saved: Vec<Option<SavedTensor>> = indices
            .iter()
            .map(|t| {
                t.as_ref()
                    .map(|t| SavedTensor::input(&t.detach()))
                    .transpose()
            })
            .collect::<Result<_>>()?;
        let vshape = values.dims();
        let node = record("IndexPutBackward0", &[x, values], &[&out], move |ctx, g| {
            let i: Vec<Option<Tensor>> = saved
                .iter()
                .map(|s| s.as_ref().map(|s| s.unpack(ctx)).transpose())
                .collect::<Result<_>>()?;
            let gx = if accumulate {
                g[0].clone()
            } else {
                let zero = cast::to_dtype(&Tensor::wrapped_scalar(Scalar::Int(0)), g[0].dtype())?;
                index_put(&g[0], &i, &zero, false)?
            };
            let gv = reduce::sum_to_shape(&index(&g[0], &i)?, &vshape)?;
            Ok(vec![Some(gx), Some(gv)])
        });
        expose_saved(&node, || {
            vec![
                ("accumulate", Saved::bool(accumulate)),
                ("indices", Saved::inputs(indices)),
            ]
        });
    }
    Ok(out)
}

/// `x.index_put_(indices, values, accumulate=False)`: written in place, every index
/// checked first; a repeated index takes the last value (or sums, with accumulate).
pub fn index_put_(
    x: &Tensor,
    indices: &[Option<Tensor>],
    values: &Tensor,
    accumulate: bool,
) -> Result<()> {
    // `x[mask] = value` with one value is a masked fill, as PyTorch's indexing does (1M
    // float32, half true: 5.5 ms through the mask's coordinates, torch 3.9).
    if let [Some(m)] = indices {
        let fits = m.dtype() == DType::Bool
            && m.ndim() >= 1
            && m.ndim() <= x.ndim()
            && m.shape() == &x.shape()[..m.ndim()];
        if fits && !accumulate && values.numel() == 1 && values.dtype() == x.dtype() {
            let mut shape: Vec<i64> = m.shape().iter().map(|&s| s as i64).collect();
            shape.resize(x.ndim(), 1);
            let m = movement::reshape(&m.detach(), &shape)?;
            let v = movement::reshape(values, &[])?;
            if crate::ops::inplace::fast_path_ok(x, &[&v]) {
                // Straight into x: one pass instead of a result and its copy back.
                crate::ops::inplace::check_writable(x, &[&v], "masked_fill_")?;
                let lm = m.layout().broadcast_to(x.shape(), "masked_fill_")?;
                let lv = v.layout().broadcast_to(x.shape(), "masked_fill_")?;
                let kernel = crate::backend::TernaryKernel::Where;
                crate::backend::ternary(kernel, (&m, &lm), (&v, &lv), (x, x.layout()), x)?;
                x.bump_version();
                return Ok(());
            }
            return crate::ops::inplace::apply(x, &[&v], "masked_fill_", |c| {
                pointwise::masked_fill(c, &m, &v)
            });
        }
    }
    write_in_place(
        x,
        &[values],
        "index_put_",
        || index_put_impl(x, indices, values, accumulate),
        |c| index_put(c, indices, values, accumulate),
    )
}

fn flat_index(index: &Tensor, op: &str) -> Result<Tensor> {
    long_index(index, false, || {
        Error::runtime(format!(
            "{op}(): Expected a long tensor for index, but got {}",
            index.dtype().scalar_name()
        ))
    })
}

/// A contiguous `x` seen through `idx`'s shape as a flat array.
fn flat_view(x: &Tensor, idx: &Tensor) -> (Tensor, IndexDim) {
    let l = Layout {
        shape: idx.dims(),
        strides: smallvec::smallvec![0; idx.ndim()],
        offset: x.storage_offset(),
    };
    let d = IndexDim {
        size: x.numel(),
        stride: 1,
        check: true,
        negative: true,
        fresh: false,
    };
    (x.detach().view_with(l), d)
}

fn take_error(v: i64, n: usize) -> Error {
    Error::index(format!(
        "out of range: tried to access index {v} on a tensor of {n} elements."
    ))
}

/// `x.take(index)`: `x` read as 1-D in row-major order: TakeBackward0.
pub fn take(x: &Tensor, index: &Tensor) -> Result<Tensor> {
    let idx = flat_index(index, "take")?;
    let n = x.numel();
    ensure!(
        n > 0 || idx.numel() == 0,
        index,
        "cannot do a non-empty take from an empty axes."
    );
    let flat = movement::contiguous(&x.detach())?;
    let out = x.new_empty(idx.shape(), x.dtype())?;
    if out.numel() > 0 {
        let (data, d) = flat_view(&flat, &idx);
        super::gather_checked(&out, &data, &idx, d, |v| take_error(v, n))?;
    }
    if needs_grad(&[x]) {
        let si = SavedTensor::input(&idx)?;
        let node = record("TakeBackward0", &[x], &[&out], {
            let full = x.dims();
            move |ctx, g| {
                let z = g[0].new_zeros(&full, g[0].dtype())?;
                Ok(vec![Some(put(&z, &si.unpack(ctx)?, &g[0], true)?)])
            }
        });
        expose_saved(&node, || {
            vec![("index", Saved::input(&idx)), ("self", Saved::input(x))]
        });
    }
    Ok(out)
}

/// put_'s argument checks, which PyTorch makes before its overlap checks.
fn put_checks(x: &Tensor, index: &Tensor, source: &Tensor) -> Result<Tensor> {
    let idx = flat_index(index, "put_")?;
    ensure!(
        source.numel() == idx.numel(),
        index,
        "put_(): Expected source and index to have the same number of elements, but got source.numel() = {}, index.numel() = {}",
        source.numel(),
        idx.numel()
    );
    ensure!(
        x.dtype() == source.dtype(),
        runtime,
        "put_(): self and source expected to have the same dtype, but got self.dtype = {} and source.dtype = {}",
        x.dtype().scalar_name(),
        source.dtype().scalar_name()
    );
    ensure!(
        x.numel() > 0 || idx.numel() == 0,
        index,
        "cannot do a non-empty put into an empty tensor."
    );
    Ok(idx)
}

fn put_impl(x: &Tensor, index: &Tensor, source: &Tensor, accumulate: bool) -> Result<()> {
    let idx = put_checks(x, index, source)?;
    let n = x.numel();
    if idx.numel() == 0 {
        return Ok(());
    }
    let shape: Vec<i64> = idx.shape().iter().map(|&s| s as i64).collect();
    let src = movement::reshape(&source.detach(), &shape)?;
    let src = super::unaliased(x, &src)?;
    let how = if accumulate {
        ScatterReduce::Add
    } else {
        ScatterReduce::Assign
    };
    // NOTE: a non-contiguous `x` is written through a contiguous copy, then copied back.
    let target = if x.is_contiguous() {
        x.detach()
    } else {
        movement::contiguous(&x.detach())?
    };
    let (data, d) = flat_view(&target, &idx);
    scatter_checked(&data, &idx, &src, d, how, |v| take_error(v, n))?;
    if !x.is_contiguous() {
        crate::backend::copy(x, &target)?;
    }
    Ok(())
}

/// `x.put(index, source, accumulate=False)`: PutBackward0.
pub fn put(x: &Tensor, index: &Tensor, source: &Tensor, accumulate: bool) -> Result<Tensor> {
    let out = movement::clone(&x.detach())?;
    put_impl(&out, index, source, accumulate)?;
    if needs_grad(&[x, source]) {
        let idx = flat_index(index, "put_")?;
        let (si, sshape) = (SavedTensor::input(&idx)?, source.dims());
        let node = record("PutBackward0", &[x, source], &[&out], move |ctx, g| {
            let i = si.unpack(ctx)?;
            let gx = if accumulate {
                g[0].clone()
            } else {
                let z = g[0].new_zeros(&sshape, g[0].dtype())?;
                put(&g[0], &i, &z, false)?
            };
            let shape: Vec<i64> = sshape.iter().map(|&s| s as i64).collect();
            Ok(vec![
                Some(gx),
                Some(movement::reshape(&take(&g[0], &i)?, &shape)?),
            ])
        });
        expose_saved(&node, || {
            vec![
                ("accumulate", Saved::bool(accumulate)),
                ("index", Saved::input(&idx)),
                ("source", Saved::input_if(source.requires_grad(), source)),
            ]
        });
    }
    Ok(out)
}

/// `x.put_(index, source, accumulate=False)`.
pub fn put_(x: &Tensor, index: &Tensor, source: &Tensor, accumulate: bool) -> Result<()> {
    // PyTorch checks the arguments before the overlaps (but after its autograd checks,
    // which a tensor requiring grad leaves to `write_in_place`).
    if !x.requires_grad() {
        put_checks(x, index, source)?;
    }
    write_in_place(
        x,
        &[source],
        "put_",
        || put_impl(x, index, source, accumulate),
        |c| put(c, index, source, accumulate),
    )
}

/// The coordinate columns of a bool mask's true elements.
fn mask_columns(mask: &Tensor) -> Result<Vec<Option<Tensor>>> {
    let nz = indexing::nonzero(mask)?;
    (0..mask.ndim())
        .map(|k| movement::select(&nz, 1, k as i64).map(Some))
        .collect()
}

/// `x.masked_select(mask)`: the elements where the (broadcast) mask is true, as 1-D:
/// MaskedSelectBackward0.
pub fn masked_select(x: &Tensor, mask: &Tensor) -> Result<Tensor> {
    ensure!(
        mask.dtype() == DType::Bool,
        runtime,
        "masked_select: expected BoolTensor for mask"
    );
    // The mask first: PyTorch's mismatch message names the mask as tensor a.
    let shape = broadcast_shapes(mask.shape(), x.shape())?;
    let xb = movement::expand(&x.detach(), &shape)?;
    let mb = movement::expand(&mask.detach(), &shape)?;
    let out = if shape.is_empty() {
        let n = crate::backend::item(&mb)?.to_i64() as usize;
        let flat = movement::reshape(&xb, &[1])?;
        let i = factory::full(&[n], Scalar::Int(0), DType::I64, x.device())?;
        crate::autograd::no_grad(|| index(&flat, &[Some(i)]))?
    } else {
        crate::autograd::no_grad(|| index(&xb, &mask_columns(&mb)?))?
    };
    if needs_grad(&[x]) {
        let (sm, full) = (SavedTensor::input(&mb)?, x.dims());
        let node = record("MaskedSelectBackward0", &[x], &[&out], move |ctx, g| {
            let m = sm.unpack(ctx)?;
            let z = g[0].new_zeros(m.shape(), g[0].dtype())?;
            Ok(vec![Some(reduce::sum_to_shape(
                &masked_scatter(&z, &m, &g[0])?,
                &full,
            )?)])
        });
        expose_saved(&node, || {
            vec![("mask", Saved::input(mask)), ("self", Saved::input(x))]
        });
    }
    Ok(out)
}

fn masked_scatter_impl(x: &Tensor, mask: &Tensor, source: &Tensor) -> Result<()> {
    ensure!(
        mask.dtype() == DType::Bool,
        runtime,
        "masked_scatter_ only supports boolean masks, but got mask with dtype {}",
        mask.dtype().scalar_name()
    );
    ensure!(
        x.dtype() == source.dtype(),
        runtime,
        "masked_scatter: expected self and source to have same dtypes but got{} and {}",
        x.dtype().scalar_name(),
        source.dtype().scalar_name()
    );
    let mb = movement::expand(&mask.detach(), x.shape())?;
    let count = if x.ndim() == 0 {
        crate::backend::item(&mb)?.to_i64() as usize
    } else {
        indexing::nonzero(&mb)?.shape()[0]
    };
    ensure!(
        source.numel() >= count,
        runtime,
        "Number of elements of source < number of ones in mask"
    );
    if count == 0 {
        return Ok(());
    }
    let flat = movement::reshape(&source.detach(), &[-1])?;
    let vals = movement::narrow(&flat, 0, 0, count as i64)?;
    if x.ndim() == 0 {
        return crate::backend::copy(x, &movement::reshape(&vals, &[])?);
    }
    index_put_impl(x, &mask_columns(&mb)?, &vals, false)
}

/// `x.masked_scatter(mask, source)`: `source`'s leading elements, in order, into the
/// places where the mask is true: MaskedScatterBackward0.
pub fn masked_scatter(x: &Tensor, mask: &Tensor, source: &Tensor) -> Result<Tensor> {
    // The mask first, as in masked_select.
    let shape = broadcast_shapes(mask.shape(), x.shape())?;
    let out = movement::contiguous(&movement::expand(&x.detach(), &shape)?)?;
    let out = if out.shares_storage(x) {
        movement::clone(&out)?
    } else {
        out
    };
    masked_scatter_impl(&out, mask, source)?;
    if needs_grad(&[x, source]) {
        let mb = movement::expand(&mask.detach(), &shape)?;
        let (sm, full, sshape) = (SavedTensor::input(&mb)?, x.dims(), source.dims());
        let node = record(
            "MaskedScatterBackward0",
            &[x, source],
            &[&out],
            move |ctx, g| {
                let m = sm.unpack(ctx)?;
                let zero = Tensor::wrapped_scalar(Scalar::Int(0));
                let gx = reduce::sum_to_shape(&pointwise::where_(&m, &zero, &g[0])?, &full)?;
                let picked = masked_select(&g[0], &m)?;
                let n: usize = sshape.iter().product();
                let pad = g[0].new_zeros(&[n - picked.numel()], g[0].dtype())?;
                let gs = crate::ops::join::cat(&[picked, pad], 0)?;
                let shape: Vec<i64> = sshape.iter().map(|&s| s as i64).collect();
                Ok(vec![Some(gx), Some(movement::reshape(&gs, &shape)?)])
            },
        );
        expose_saved(&node, || {
            vec![
                ("mask", Saved::input(mask)),
                ("source_sym_sizes", Saved::sizes(source.shape())),
            ]
        });
    }
    Ok(out)
}

/// `x.masked_scatter_(mask, source)`.
pub fn masked_scatter_(x: &Tensor, mask: &Tensor, source: &Tensor) -> Result<()> {
    write_in_place(
        x,
        &[source],
        "masked_scatter_",
        || masked_scatter_impl(x, mask, source),
        |c| masked_scatter(c, mask, source),
    )
}

//! Shape utilities that copy: repeat/tile, roll, rot90, tril/triu (and their index
//! lists), the diagonal family (diag, diag_embed, trace) and block_diag. Each records the
//! one node PyTorch records (NOTE [ Composite ops record one node ]): the forward is
//! composed of views, copies and cat without history, the backward is a tensor-op formula.

use crate::autograd::{expose_saved, fused, Saved};
use crate::layout::wrap_dim;
use crate::layout::Layout;
use crate::ops::movement::{
    clone_contiguous, copy_, diagonal, expand, flip, narrow, reshape, slice, transpose,
};
use crate::ops::{join, pointwise, reduce, Kind, OpInfo};
use crate::{bail, ensure, DType, Result, Tensor};

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[OpInfo] = &[
    OpInfo::inputs("repeat", Kind::Join, &[&[2, 3]], |t| {
        repeat(&t[0], &[2, 1, 2])
    })
    .differentiable(),
    OpInfo::inputs("roll", Kind::Join, &[&[2, 3]], |t| {
        roll(&t[0], &[1, -1], &[0, 1])
    })
    .differentiable(),
    OpInfo::inputs("rot90", Kind::Join, &[&[2, 3]], |t| {
        rot90(&t[0], 1, &[0, 1])
    })
    .differentiable(),
    OpInfo::inputs("tril", Kind::Join, &[&[3, 4]], |t| tri(&t[0], 0, true)).differentiable(),
    OpInfo::inputs("triu", Kind::Join, &[&[3, 4]], |t| tri(&t[0], 1, false)).differentiable(),
    OpInfo::inputs("diag", Kind::Join, &[&[3, 4]], |t| diag(&t[0], 1)).differentiable(),
    OpInfo::inputs("diag_embed", Kind::Join, &[&[2, 3]], |t| {
        diag_embed(&t[0], -1, 0, 2)
    })
    .differentiable(),
    OpInfo::inputs("trace", Kind::Join, &[&[3, 4]], |t| trace(&t[0])).differentiable(),
    OpInfo::inputs("block_diag", Kind::Join, &[&[2, 3], &[4], &[]], block_diag).differentiable(),
];

fn ints(v: &[usize]) -> Vec<i64> {
    v.iter().map(|&d| d as i64).collect()
}

/// `x.repeat(*repeats)`: `x` tiled `repeats[i]` times along each dim; extra leading
/// repeats add dims. Forward: `x` viewed as `[1, s0, 1, s1, …]`, expanded to
/// `[r0, s0, r1, s1, …]` and copied; backward sums the repeat dims of that view.
pub fn repeat(x: &Tensor, repeats: &[i64]) -> Result<Tensor> {
    ensure!(
        repeats.len() >= x.ndim(),
        runtime,
        "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
    );
    let lead = repeats.len() - x.ndim();
    let mut padded = vec![1usize; lead];
    padded.extend_from_slice(x.shape());
    let target: Vec<i64> = repeats
        .iter()
        .zip(&padded)
        .map(|(&r, &s)| r * s as i64)
        .collect();
    if let Some(bad) = target.iter().find(|&&d| d < 0) {
        bail!(
            runtime,
            "Trying to create tensor with negative dimension {bad}: {target:?}"
        );
    }
    let reps: Vec<usize> = repeats.iter().map(|&r| r as usize).collect();
    let pairs = |outer: &[usize]| -> Vec<usize> {
        outer
            .iter()
            .zip(&padded)
            .flat_map(|(&r, &s)| [r, s])
            .collect()
    };
    let (ones, full) = (pairs(&vec![1; reps.len()]), pairs(&reps));
    let (sizes, reps_saved, full_b) = (x.dims(), reps.clone(), full.clone());
    let (out, node) = fused(
        "RepeatBackward0",
        &[x],
        || {
            let v = reshape(x, &ints(&ones))?;
            let c = clone_contiguous(&expand(&v, &full)?)?;
            // A fresh tensor, not a view of the temporary (an in-place op on it would
            // otherwise take it for a view of a leaf).
            Ok(reshape(&c, &target)?.data_alias())
        },
        move |_, g| {
            let g = reshape(&g[0], &ints(&full_b))?;
            let dims: Vec<i64> = (0..full_b.len() as i64).step_by(2).collect();
            let s = reduce::sum(&g, Some(&dims), false, None)?;
            Ok(vec![Some(reshape(&s, &ints(&sizes))?)])
        },
    )?;
    expose_saved(&node, || {
        vec![
            ("repeats", Saved::sizes(&reps_saved)),
            ("self_sym_sizes", Saved::sizes(x.shape())),
        ]
    });
    Ok(out)
}

/// `x.tile(dims)`: `repeat` with `dims` padded by leading ones to `x.ndim()`.
pub fn tile(x: &Tensor, dims: &[i64]) -> Result<Tensor> {
    let mut reps = vec![1i64; x.ndim().saturating_sub(dims.len())];
    reps.extend_from_slice(dims);
    repeat(x, &reps)
}

/// One roll along one real dim, without history: the tail moved in front.
fn roll_dim(x: &Tensor, shift: i64, d: usize) -> Result<Tensor> {
    let n = x.shape()[d] as i64;
    let s = if n == 0 { 0 } else { shift.rem_euclid(n) };
    if s == 0 {
        return Ok(x.clone());
    }
    let tail = narrow(x, d as i64, n - s, s)?;
    let head = narrow(x, d as i64, 0, n - s)?;
    join::cat(&[tail, head], d as i64)
}

/// `roll(x, shifts, dims)`: elements shifted cyclically; with no dims, over the flattened
/// tensor (one shift).
pub fn roll(x: &Tensor, shifts: &[i64], dims: &[i64]) -> Result<Tensor> {
    ensure!(!shifts.is_empty(), runtime, "`shifts` required");
    let flat = dims.is_empty() && shifts.len() == 1;
    ensure!(
        flat || shifts.len() == dims.len(),
        runtime,
        "shifts and dimensions must align. shifts: {}, dims:{}",
        shifts.len(),
        dims.len()
    );
    if x.ndim() == 0 && !dims.is_empty() {
        // PyTorch's roll has no 0-dim case: the dims are looked up in an empty shape.
        bail!(
            index,
            "Dimension specified as {} but tensor has no dimensions",
            dims[0]
        );
    }
    // NOTE: PyTorch rolls dim by dim and returns a copy of an empty tensor before
    // looking a dim up, so an empty input takes any dims (out of range or repeated).
    let wrapped = if x.numel() == 0 {
        Vec::new()
    } else {
        wrap_dims_dup(dims, x.ndim())?
    };
    let (sh, ds) = (shifts.to_vec(), dims.to_vec());
    let (out, node) = fused(
        "RollBackward0",
        &[x],
        || {
            if flat {
                let v = reshape(x, &[-1])?;
                let r = roll_dim(&v, shifts[0], 0)?;
                return clone_contiguous(&reshape(&r, &ints(x.shape()))?);
            }
            let mut r = x.clone();
            for (&s, &d) in shifts.iter().zip(&wrapped) {
                r = roll_dim(&r, s, d)?;
            }
            clone_contiguous(&r)
        },
        move |_, g| {
            let back: Vec<i64> = sh.iter().map(|&s| -s).collect();
            Ok(vec![Some(roll(&g[0], &back, &ds)?)])
        },
    )?;
    expose_saved(&node, || {
        vec![
            ("dims", Saved::ints(Some(dims))),
            ("shifts", Saved::ints(Some(shifts))),
        ]
    });
    Ok(out)
}

/// Wraps each dim on its own (roll allows a dim twice).
fn wrap_dims_dup(dims: &[i64], nd: usize) -> Result<Vec<usize>> {
    dims.iter().map(|&d| wrap_dim(d, nd)).collect()
}

/// `rot90(x, k, dims)`: a quarter turn `k` times from `dims[0]` towards `dims[1]`. As in
/// PyTorch the odd turns are a flipped copy seen transposed (not contiguous), and the
/// result is a tensor of its own, not a view.
pub fn rot90(x: &Tensor, k: i64, dims: &[i64]) -> Result<Tensor> {
    ensure!(
        dims.len() == 2,
        runtime,
        "expected total rotation dims == 2, but got dims = {}",
        dims.len()
    );
    ensure!(
        x.ndim() >= 2,
        runtime,
        "expected total dims >= 2, but got total dims = {}",
        x.ndim()
    );
    let (d0, d1) = (wrap_dim(dims[0], x.ndim())?, wrap_dim(dims[1], x.ndim())?);
    ensure!(
        d0 != d1,
        runtime,
        "expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}"
    );
    let dv = dims.to_vec();
    let (out, node) = fused(
        "Rot90Backward0",
        &[x],
        || {
            let turned = |f: Tensor| -> Result<Tensor> {
                let t = transpose(&f, d0 as i64, d1 as i64)?;
                // The transposed layout over the flipped copy's storage, as a tensor of
                // its own (PyTorch transposes the copy in place).
                let l: Layout = t.layout().clone();
                Ok(Tensor::from_parts(
                    f.storage().clone(),
                    l,
                    f.dtype(),
                    Default::default(),
                    None,
                ))
            };
            match k.rem_euclid(4) {
                1 => turned(flip(x, &[d1 as i64])?),
                2 => flip(x, &[d0 as i64, d1 as i64]),
                3 => turned(flip(x, &[d0 as i64])?),
                _ => clone_contiguous(x),
            }
        },
        move |_, g| Ok(vec![Some(rot90(&g[0], -k, &dv)?)]),
    )?;
    expose_saved(&node, || {
        vec![("dims", Saved::ints(Some(dims))), ("k", Saved::int(k))]
    });
    Ok(out)
}

/// The `[rows, cols]` mask of `tril` (`lower`) or `triu` at `diagonal`.
fn tri_mask(x: &Tensor, diagonal: i64, lower: bool) -> Result<Tensor> {
    let nd = x.ndim();
    let (r, c) = (x.shape()[nd - 2], x.shape()[nd - 1]);
    let mut m = crate::ops::factory::try_vec::<bool>(r * c)?;
    for i in 0..r as i64 {
        for j in 0..c as i64 {
            m.push(if lower {
                j - i <= diagonal
            } else {
                j - i >= diagonal
            });
        }
    }
    crate::backend::to_device(&Tensor::from_slice(&m, &[r, c])?, x.device())
}

/// `tril(x, diagonal)` (`lower`) or `triu`: the elements on one side of a diagonal of the
/// last two dims, the rest zero.
pub fn tri(x: &Tensor, diagonal: i64, lower: bool) -> Result<Tensor> {
    let op = if lower { "tril" } else { "triu" };
    ensure!(
        x.ndim() >= 2,
        runtime,
        "{op}: input tensor must have at least 2 dimensions"
    );
    let name = if lower {
        "TrilBackward0"
    } else {
        "TriuBackward0"
    };
    let (out, node) = fused(
        name,
        &[x],
        || {
            let zero = x.new_zeros(&[], x.dtype())?;
            pointwise::where_(&tri_mask(x, diagonal, lower)?, x, &zero)
        },
        move |_, g| Ok(vec![Some(tri(&g[0], diagonal, lower)?)]),
    )?;
    expose_saved(&node, || vec![("diagonal", Saved::int(diagonal))]);
    Ok(out)
}

/// `x.tril_(diagonal)` / `triu_`: in place, one TrilBackward0/TriuBackward0 node.
pub fn tri_(x: &Tensor, diagonal: i64, lower: bool) -> Result<()> {
    let op = if lower { "tril_" } else { "triu_" };
    ensure!(
        x.ndim() >= 2,
        runtime,
        "{}: input tensor must have at least 2 dimensions",
        &op[..4]
    );
    crate::ops::inplace::apply(x, &[], op, |x| tri(x, diagonal, lower))
}

/// `tril_indices(row, col, offset)` (`lower`) / `triu_indices`: the `[2, N]` coordinates
/// of that triangle, row by row.
pub fn tri_indices(row: i64, col: i64, offset: i64, lower: bool, dtype: DType) -> Result<Tensor> {
    let name = if lower {
        "tril_indices"
    } else {
        "triu_indices"
    };
    // The sizes are checked before the dtype, as in PyTorch.
    ensure!(row >= 0, runtime, "row must be non-negative, got{row}");
    ensure!(col >= 0, runtime, "col must be non-negative, got{col}");
    ensure!(
        matches!(dtype, DType::I32 | DType::I64),
        not_implemented,
        "\"{name}\" not implemented for '{}'",
        dtype.scalar_name()
    );
    let (mut rows, mut cols) = (Vec::new(), Vec::new());
    for i in 0..row {
        for j in 0..col {
            if (lower && j - i <= offset) || (!lower && j - i >= offset) {
                rows.push(i);
                cols.push(j);
            }
        }
    }
    let n = rows.len();
    rows.extend(cols);
    crate::ops::cast::to_dtype(&Tensor::from_slice(&rows, &[2, n])?, dtype)
}

/// `g` written onto the `offset` diagonal of dims `d1`, `d2` of zeros of `shape`; through
/// `copy_` into a view, so it is differentiable (double backward) like any in-place write.
fn place_diagonal(g: &Tensor, shape: &[usize], offset: i64, d1: i64, d2: i64) -> Result<Tensor> {
    let z = g.new_zeros(shape, g.dtype())?;
    copy_(&diagonal(&z, offset, d1, d2)?, g)?;
    Ok(z)
}

/// `diag_embed(x, offset, dim1, dim2)`: the last dim of `x` becomes the `offset` diagonal
/// of a new pair of dims `dim1`, `dim2` (of the result) filled with zeros elsewhere.
pub fn diag_embed(x: &Tensor, offset: i64, dim1: i64, dim2: i64) -> Result<Tensor> {
    let nd = x.ndim() + 1;
    let (a, b) = (wrap_dim(dim1, nd)?, wrap_dim(dim2, nd)?);
    ensure!(
        a != b,
        runtime,
        "diagonal dimensions cannot be identical {dim1}, {dim2}"
    );
    let last = x.shape().last().copied().unwrap_or(1);
    let n = last + offset.unsigned_abs() as usize;
    let mut shape: Vec<usize> = x.shape()[..x.ndim().saturating_sub(1)].to_vec();
    let (lo, hi) = (a.min(b), a.max(b));
    shape.insert(lo, n);
    shape.insert(hi, n);
    let (out, node) = fused(
        "DiagEmbedBackward0",
        &[x],
        || {
            let z = x.new_zeros(&shape, x.dtype())?;
            let d = diagonal(&z, offset, dim1, dim2)?;
            let src = if x.ndim() == 0 {
                reshape(x, &[1])?
            } else {
                x.clone()
            };
            crate::backend::copy(&d, &src)?;
            Ok(z)
        },
        move |_, g| Ok(vec![Some(diagonal(&g[0], offset, dim1, dim2)?)]),
    )?;
    expose_saved(&node, || {
        vec![
            ("dim1", Saved::int(dim1)),
            ("dim2", Saved::int(dim2)),
            ("offset", Saved::int(offset)),
        ]
    });
    Ok(out)
}

/// `diag(x, diagonal)`: a vector becomes a square matrix with it on that diagonal; a matrix
/// gives a copy of that diagonal.
pub fn diag(x: &Tensor, diagonal_: i64) -> Result<Tensor> {
    match x.ndim() {
        1 => diag_embed(x, diagonal_, -2, -1),
        2 => {
            let sizes = x.dims();
            let (out, node) = fused(
                "DiagonalBackward0_copy",
                &[x],
                || clone_contiguous(&diagonal(x, diagonal_, 0, 1)?),
                move |_, g| Ok(vec![Some(place_diagonal(&g[0], &sizes, diagonal_, 0, 1)?)]),
            )?;
            expose_saved(&node, || {
                vec![
                    ("dim1", Saved::int(0)),
                    ("dim2", Saved::int(1)),
                    ("offset", Saved::int(diagonal_)),
                    ("self_sym_sizes", Saved::sizes(x.shape())),
                ]
            });
            Ok(out)
        }
        n => bail!(runtime, "diag(): Supports 1D or 2D tensors. Got {n}D"),
    }
}

/// `trace(x)`: the sum of a matrix's main diagonal (integers sum to int64).
pub fn trace(x: &Tensor) -> Result<Tensor> {
    // The dtype is checked before the rank, as in PyTorch.
    if x.dtype() == DType::Bool {
        return Err(crate::ops::unsupported("trace", x.dtype()));
    }
    ensure!(
        x.ndim() == 2,
        runtime,
        "trace: expected a matrix, but got tensor with dim {}",
        x.ndim()
    );
    let sizes = x.dims();
    let (out, node) = fused(
        "TraceBackward0",
        &[x],
        || reduce::sum(&diagonal(x, 0, 0, 1)?, None, false, None),
        move |_, g| {
            let k = sizes[0].min(sizes[1]);
            let gk = expand(&g[0], &[k])?;
            Ok(vec![Some(place_diagonal(&gk, &sizes, 0, 0, 1)?)])
        },
    )?;
    expose_saved(&node, || vec![("self_sym_sizes", Saved::sizes(x.shape()))]);
    Ok(out)
}

/// `block_diag(*tensors)`: each input (0-d, 1-d as a row, or 2-d) a block on the diagonal
/// of a zero matrix of the promoted dtype.
pub fn block_diag(ts: &[Tensor]) -> Result<Tensor> {
    let mut blocks = Vec::with_capacity(ts.len());
    for (i, t) in ts.iter().enumerate() {
        ensure!(
            t.ndim() <= 2,
            runtime,
            "torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has {} dimensions",
            t.ndim()
        );
        let (r, c) = match t.ndim() {
            0 => (1, 1),
            1 => (1, t.shape()[0]),
            _ => (t.shape()[0], t.shape()[1]),
        };
        blocks.push((r, c));
    }
    // result_type's rule: a 0-dim block ranks below the others of its category.
    let refs: Vec<&Tensor> = ts.iter().collect();
    let dtype = if ts.is_empty() {
        crate::ops::default_float()
    } else {
        crate::ops::binary::result_type(&refs)
    };
    // PyTorch's empty block_diag() is a 1 x 0 tensor.
    let (rows, cols) = blocks
        .iter()
        .fold((usize::from(ts.is_empty()), 0), |(r, c), &(br, bc)| {
            (r + br, c + bc)
        });
    let device = ts.first().map_or(crate::Device::Cpu, |t| t.device());
    let shapes: Vec<_> = ts.iter().map(|t| t.dims()).collect();
    let spans = blocks.clone();
    let (out, _) = fused(
        "BlockDiagBackward0",
        &refs,
        || {
            let z = Tensor::zeros(&[rows, cols], dtype, device)?;
            let (mut r0, mut c0) = (0, 0);
            for (t, &(r, c)) in ts.iter().zip(&blocks) {
                let dst = slice(&slice(&z, 0, r0, r, 1)?, 1, c0, c, 1)?;
                crate::backend::copy(&dst, &reshape(t, &[r as i64, c as i64])?)?;
                (r0, c0) = (r0 + r, c0 + c);
            }
            Ok(z)
        },
        move |_, g| {
            let (mut r0, mut c0) = (0, 0);
            let mut grads = Vec::with_capacity(spans.len());
            for (&(r, c), shape) in spans.iter().zip(&shapes) {
                let part = slice(&slice(&g[0], 0, r0, r, 1)?, 1, c0, c, 1)?;
                grads.push(Some(reshape(&part, &ints(shape))?));
                (r0, c0) = (r0 + r, c0 + c);
            }
            Ok(grads)
        },
    )?;
    Ok(out)
}

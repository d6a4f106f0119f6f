//! Joining tensors and taking them apart: cat and stack (copies), split, chunk and unbind
//! (views of the input).

use crate::autograd::TensorMeta;
use crate::autograd::{expose_saved, record, Saved};
use crate::layout::{shape_str, wrap_dim, Dims};
use crate::ops::movement::{select, slice, unsqueeze};
use crate::ops::{Kind, OpInfo};
use crate::{ensure, Result, Tensor};

/// This family's entries in the op registry (see `ops::FAMILIES`).
pub const OPS: &[OpInfo] = &[
    OpInfo::inputs("cat", Kind::Join, &[&[2, 3], &[1, 3]], |t| cat(t, 0)).differentiable(),
    OpInfo::inputs("stack", Kind::Join, &[&[2, 3], &[2, 3]], |t| stack(t, 1)).differentiable(),
];

pub fn split_sizes(x: &Tensor, sizes: &[usize], dim: i64) -> Result<Vec<Tensor>> {
    ensure!(
        x.ndim() > 0,
        runtime,
        "split expects at least a 1-dimensional tensor"
    );
    let d = wrap_dim(dim, x.ndim())?;
    let total: usize = sizes.iter().sum();
    ensure!(
        total == x.shape()[d],
        runtime,
        "split_with_sizes expects split_sizes to sum exactly to {} (input tensor's size at dimension {d}), but got split_sizes={sizes:?}",
        x.shape()[d]
    );
    let mut out = try_vec(sizes.len(), "split_with_sizes")?;
    let mut start = 0;
    for &s in sizes {
        out.push(slice(x, d, start, s, 1)?);
        start += s;
    }
    Ok(out)
}

pub fn split(x: &Tensor, size: usize, dim: i64) -> Result<Vec<Tensor>> {
    ensure!(
        x.ndim() > 0,
        runtime,
        "split expects at least a 1-dimensional tensor"
    );
    let d = wrap_dim(dim, x.ndim())?;
    let n = x.shape()[d];
    ensure!(
        size > 0 || n == 0,
        runtime,
        "split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
    );
    if n == 0 {
        return split_sizes(x, &[0], dim);
    }
    let mut sizes = try_vec(n.div_ceil(size), "split")?;
    sizes.extend((0..n.div_ceil(size)).map(|i| size.min(n - i * size)));
    split_sizes(x, &sizes, dim)
}

pub fn chunk(x: &Tensor, chunks: usize, dim: i64) -> Result<Vec<Tensor>> {
    ensure!(
        chunks > 0,
        runtime,
        "chunk expects `chunks` to be greater than 0, got: {chunks}"
    );
    ensure!(
        x.ndim() > 0,
        runtime,
        "chunk expects at least a 1-dimensional tensor"
    );
    let d = wrap_dim(dim, x.ndim())?;
    let n = x.shape()[d];
    if n == 0 {
        // PyTorch: `chunks` empty pieces, not one.
        let mut sizes = try_vec::<usize>(chunks, "chunk")?;
        sizes.resize(chunks, 0);
        return split_sizes(x, &sizes, dim);
    }
    split(x, n.div_ceil(chunks).max(1), d as i64)
}

/// An empty Vec with room for `n` items, or PyTorch's RuntimeError when `n` cannot be held
/// (e.g. iterating `zeros(2**62, 0)`): counting that high would hang instead.
fn try_vec<T>(n: usize, op: &str) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| {
        crate::Error::runtime(format!(
            "{op}: cannot create std::vector larger than max_size() ({n} items)"
        ))
    })?;
    Ok(v)
}

pub fn unbind(x: &Tensor, dim: i64) -> Result<Vec<Tensor>> {
    ensure!(
        x.ndim() > 0,
        index,
        "Dimension specified as 0 but tensor has no dimensions"
    );
    let d = wrap_dim(dim, x.ndim())?;
    let mut out = try_vec(x.shape()[d], "unbind")?;
    for i in 0..x.shape()[d] {
        out.push(select(x, d as i64, i as i64)?);
    }
    Ok(out)
}

/// PyTorch's legacy rule: a 1-D empty tensor is skipped by cat, whatever its size
/// elsewhere, though it takes part in type promotion and autograd.
fn is_legacy_empty(t: &Tensor) -> bool {
    t.ndim() == 1 && t.numel() == 0
}

pub fn cat(ts: &[Tensor], dim: i64) -> Result<Tensor> {
    ensure!(
        !ts.is_empty(),
        value,
        "torch.cat(): expected a non-empty list of Tensors"
    );
    let parts: Vec<&Tensor> = ts.iter().filter(|t| !is_legacy_empty(t)).collect();
    let refs: Vec<&Tensor> = ts.iter().collect();
    let dtype = crate::ops::binary::result_type(&refs);
    if parts.is_empty() {
        return cat_legacy_empties(ts, dtype, dim);
    }
    let (shape, d) = cat_shape(&parts, dim)?;
    let out = parts[0].new_empty(&shape, dtype)?;
    let sizes = copy_parts(&out, &parts, d)?;
    let node = record_cat(ts, &out, sizes, d);
    expose_saved(&node, || vec![("dim", Saved::int(dim))]);
    Ok(out)
}

/// Only legacy empties: an empty result, linked to every input that requires grad.
fn cat_legacy_empties(ts: &[Tensor], dtype: crate::DType, dim: i64) -> Result<Tensor> {
    let out = ts[0].new_empty(&[0], dtype)?;
    let inputs: Vec<&Tensor> = ts.iter().collect();
    if crate::autograd::needs_grad(&inputs) {
        let metas: Vec<_> = ts.iter().map(TensorMeta::of).collect();
        let node = record("CatBackward0", &inputs, &[&out], move |_, _| {
            metas.iter().map(|m| m.zeros().map(Some)).collect()
        });
        expose_saved(&node, || vec![("dim", Saved::int(dim))]);
    }
    Ok(out)
}

/// The shape of the result and the wrapped dim, with PyTorch's checks: every part has
/// the first one's rank and sizes except along `dim`.
fn cat_shape(parts: &[&Tensor], dim: i64) -> Result<(Dims, usize)> {
    let first = parts[0];
    ensure!(
        first.ndim() > 0,
        runtime,
        "zero-dimensional tensor (at position 0) cannot be concatenated"
    );
    let d = wrap_dim(dim, first.ndim())?;
    let mut shape = first.dims();
    shape[d] = 0;
    for (i, t) in parts.iter().enumerate() {
        ensure!(
            t.ndim() > 0,
            runtime,
            "zero-dimensional tensor (at position {i}) cannot be concatenated"
        );
        ensure!(
            t.ndim() == first.ndim(),
            runtime,
            "Tensors must have same number of dimensions: got {} and {}",
            first.ndim(),
            t.ndim()
        );
        for k in 0..t.ndim() {
            ensure!(
                k == d || t.shape()[k] == first.shape()[k],
                runtime,
                "Sizes of tensors must match except in dimension {d}. Expected size {} but got size {} for tensor number {i} in the list.",
                first.shape()[k],
                t.shape()[k]
            );
        }
        shape[d] += t.shape()[d];
    }
    Ok((shape, d))
}

/// Copies each part into its slice of `out` along `d`; returns the parts' sizes there.
fn copy_parts(out: &Tensor, parts: &[&Tensor], d: usize) -> Result<Vec<usize>> {
    let mut start = 0;
    let mut sizes = Vec::with_capacity(parts.len());
    for t in parts {
        let n = t.shape()[d];
        crate::backend::copy(&out.view_with(out.layout().slice(d, start, n, 1)), t)?;
        start += n;
        sizes.push(n);
    }
    Ok(sizes)
}

/// CatBackward0: the gradient split back into the parts; every input is recorded, the
/// skipped legacy empties too (their gradient is empty).
fn record_cat(
    ts: &[Tensor],
    out: &Tensor,
    sizes: Vec<usize>,
    d: usize,
) -> crate::autograd::Recorded {
    let inputs: Vec<&Tensor> = ts.iter().collect();
    let skipped: Vec<bool> = ts.iter().map(is_legacy_empty).collect();
    record("CatBackward0", &inputs, &[out], move |_, g| {
        let mut parts = split_sizes(&g[0], &sizes, d as i64)?.into_iter();
        skipped
            .iter()
            .map(|&skip| match skip {
                false => Ok(parts.next()),
                true => g[0].new_zeros(&[0], g[0].dtype()).map(Some),
            })
            .collect()
    })
}

pub fn stack(ts: &[Tensor], dim: i64) -> Result<Tensor> {
    ensure!(
        !ts.is_empty(),
        runtime,
        "stack expects a non-empty TensorList"
    );
    let d = wrap_dim(dim, ts[0].ndim() + 1)?;
    for (i, t) in ts.iter().enumerate() {
        ensure!(
            t.shape() == ts[0].shape(),
            runtime,
            "stack expects each tensor to be equal size, but got {} at entry 0 and {} at entry {i}",
            shape_str(ts[0].shape()),
            shape_str(t.shape())
        );
    }
    let forward = || {
        let us: Vec<Tensor> = ts
            .iter()
            .map(|t| unsqueeze(t, d as i64))
            .collect::<Result<_>>()?;
        cat(&us, d as i64)
    };
    let inputs: Vec<&Tensor> = ts.iter().collect();
    let n = ts.len();
    let (out, node) = crate::autograd::fused("StackBackward0", &inputs, forward, move |_, g| {
        (0..n)
            .map(|i| select(&g[0], d as i64, i as i64).map(Some))
            .collect()
    })?;
    expose_saved(&node, || vec![("dim", Saved::int(dim))]);
    Ok(out)
}

//! View ops (pure layout changes) and the copies that must happen: contiguous, clone,
//! flip. Each view records a node whose backward maps the gradient back. Joining and
//! splitting tensors (cat, stack, split, chunk, unbind) is `join.rs`.

use crate::autograd::{needs_grad, record, Saved};
use crate::layout::{
    broadcast_shapes, contiguous_strides, numel, shape_str, wrap_dim, Dims, Layout, MemoryFormat,
};
use crate::{bail, ensure, DType, Result, Tensor};
use smallvec::SmallVec;
use std::sync::Arc;

/// This family's entries in the op registry (see `ops::FAMILIES`): views are exercised
/// through the other families' tests and the view-autograd suite.
pub const OPS: &[crate::ops::OpInfo] = &[];

/// A fresh copy (`clone`) laid out like `x` (PyTorch's `preserve_format`), differentiable.
pub fn clone(x: &Tensor) -> Result<Tensor> {
    let out = x.new_elementwise(x.shape(), x.dtype(), &[x.strides()])?;
    clone_into(x, out)
}

/// A fresh contiguous copy, differentiable.
pub fn clone_contiguous(x: &Tensor) -> Result<Tensor> {
    clone_into(x, x.new_empty(x.shape(), x.dtype())?)
}

fn clone_into(x: &Tensor, out: Tensor) -> Result<Tensor> {
    crate::backend::copy(&out, x)?;
    record("CloneBackward0", &[x], &[&out], |_, g| {
        Ok(vec![Some(g[0].clone())])
    });
    Ok(out)
}

pub fn contiguous(x: &Tensor) -> Result<Tensor> {
    if x.is_contiguous() {
        return Ok(x.clone());
    }
    clone_contiguous(x)
}

/// `x.contiguous(memory_format=)`: `x` itself when already dense in `format`, else a
/// copy that is (CloneBackward0, as `contiguous` records in PyTorch).
pub fn contiguous_as(x: &Tensor, format: MemoryFormat) -> Result<Tensor> {
    // NOTE: the check comes first: `preserve_format` asks the row-major question there,
    // so a contiguous tensor passes and only a copy is refused, as in PyTorch.
    if x.layout().is_contiguous_as(format) {
        return Ok(x.clone());
    }
    ensure!(
        format != MemoryFormat::Preserve,
        runtime,
        "preserve memory format is unsupported by the contiguous operator"
    );
    clone_as(x, format)
}

/// `x.clone(memory_format=)`: always a copy, dense in `format` (`Preserve`: like `x`).
pub fn clone_as(x: &Tensor, format: MemoryFormat) -> Result<Tensor> {
    if format == MemoryFormat::Preserve {
        return clone(x);
    }
    clone_into(
        x,
        Tensor::empty_in(x.shape(), format, x.dtype(), x.device(), false)?,
    )
}

impl Tensor {
    pub fn contiguous(&self) -> Result<Tensor> {
        contiguous(self)
    }
}

/// `dst.copy_(src)`: broadcasts and converts `src` into `dst`'s memory.
pub fn copy_(dst: &Tensor, src: &Tensor) -> Result<()> {
    copy_as(dst, src, "copy_")
}

/// `dst.fill_(value)` / `zero_()` for a 0-dim `value`: unlike `copy_`, allowed on expanded
/// tensors (every alias gets the same value).
pub fn fill_(dst: &Tensor, value: &Tensor, op: &str) -> Result<()> {
    copy_as(dst, value, op)
}

fn copy_as(dst: &Tensor, src: &Tensor, op: &str) -> Result<()> {
    // `x[i] = 300` on int8 is an overflow error, like `fill_`.
    crate::ops::cast::check_wrapped(src, dst.dtype())?;
    let shape = broadcast_shapes(dst.shape(), src.shape())?;
    ensure!(
        shape.as_slice() == dst.shape(),
        runtime,
        "copy_: the source of shape {} cannot be broadcast to the destination of shape {}",
        shape_str(src.shape()),
        shape_str(dst.shape())
    );
    if crate::ops::inplace::fast_path_ok(dst, &[src]) {
        crate::ops::inplace::check_writable(dst, &[src], op)?;
        let src = crate::ops::inplace::unalias(dst, src)?;
        if src.shape() == dst.shape() {
            crate::backend::copy(dst, &src)?;
        } else {
            let view = src.view_with(src.layout().broadcast_to(dst.shape(), "copy_")?);
            crate::backend::copy(dst, &view)?;
        }
        dst.bump_version();
        return Ok(());
    }
    let dims = dst.dims();
    let src_dtype = src.dtype();
    let src_c = src.clone();
    crate::ops::inplace::apply(dst, &[src], op, move |_| {
        let out = crate::ops::cast::to_dtype(&expand(&src_c, &dims)?, src_dtype)?;
        clone(&out)
    })
}

fn view_node(
    name: &'static str,
    x: &Tensor,
    out: &Tensor,
    back: impl Fn(&Tensor) -> Result<Tensor> + Send + 'static,
) -> crate::autograd::Recorded {
    record(name, &[x], &[out], move |_, g| Ok(vec![Some(back(&g[0])?)]))
}

/// Infers a `-1` entry and checks the element count.
pub fn infer_shape(shape: &[i64], n: usize, op: &str) -> Result<Dims> {
    let mut out: Dims = SmallVec::new();
    let mut infer = None;
    let mut known = 1usize;
    for (i, &d) in shape.iter().enumerate() {
        if d == -1 {
            ensure!(
                infer.is_none(),
                runtime,
                "only one dimension can be inferred"
            );
            infer = Some(i);
            out.push(1);
        } else {
            ensure!(d >= 0, runtime, "invalid shape dimension {d}");
            known *= d as usize;
            out.push(d as usize);
        }
    }
    let fmt = || {
        format!(
            "[{}]",
            shape
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    if let Some(i) = infer {
        ensure!(
            known != 0 && n.is_multiple_of(known),
            runtime,
            "shape '{}' is invalid for input of size {n}",
            fmt()
        );
        out[i] = n / known;
    } else {
        ensure!(
            known == n,
            runtime,
            "shape '{}' is invalid for input of size {n}",
            fmt()
        );
    }
    let _ = op;
    Ok(out)
}

pub fn view(x: &Tensor, shape: &[i64]) -> Result<Tensor> {
    let new = infer_shape(shape, x.numel(), "view")?;
    let Some(strides) = x.layout().view_strides(&new) else {
        bail!(
            runtime,
            "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        );
    };
    let out = x.view_with(Layout {
        shape: new,
        strides,
        offset: x.storage_offset(),
    });
    let old = x.dims();
    let node = view_node("ViewBackward0", x, &out, move |g| reshape_dims(g, &old));
    crate::autograd::expose_saved(&node, || vec![("self_sym_sizes", Saved::sizes(x.shape()))]);
    Ok(out)
}

fn reshape_dims(x: &Tensor, shape: &[usize]) -> Result<Tensor> {
    let s: Vec<i64> = shape.iter().map(|&d| d as i64).collect();
    reshape(x, &s)
}

/// `reshape`: a view when the strides allow, else a copy.
pub fn reshape(x: &Tensor, shape: &[i64]) -> Result<Tensor> {
    let new = infer_shape(shape, x.numel(), "reshape")?;
    if x.layout().view_strides(&new).is_some() {
        return view(x, shape);
    }
    let c = clone_contiguous(x)?;
    view(&c, shape)
}

pub fn as_strided(
    x: &Tensor,
    size: &[usize],
    stride: &[isize],
    offset: Option<usize>,
) -> Result<Tensor> {
    ensure!(
        size.len() == stride.len(),
        runtime,
        "mismatch in length of strides and shape"
    );
    ensure!(
        stride.iter().all(|&s| s >= 0),
        runtime,
        "as_strided: Negative strides are not supported at the moment, got strides: {stride:?}"
    );
    let layout = Layout {
        shape: size.into(),
        strides: stride.into(),
        offset: offset.unwrap_or(x.storage_offset()),
    };
    crate::layout::checked_numel(size, "as_strided")?;
    let need = layout.storage_extent() * x.dtype().itemsize();
    ensure!(
        layout.numel() == 0 || need <= x.storage().nbytes(),
        runtime,
        "setStorage: sizes {}, strides {:?}, storage offset {}, and itemsize {} requiring a storage size of {} are out of bounds for storage of size {}",
        shape_str(size),
        stride,
        layout.offset,
        x.dtype().itemsize(),
        need,
        x.storage().nbytes()
    );
    let out = x.view_with(layout);
    crate::ops::view_grad::as_strided_grad(x, &out)?;
    Ok(out)
}

pub fn permute(x: &Tensor, dims: &[i64]) -> Result<Tensor> {
    let nd = x.ndim();
    ensure!(
        dims.len() == nd,
        runtime,
        "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = {nd} is not equal to len(dims) = {}",
        dims.len()
    );
    let d = crate::layout::wrap_dims(dims, nd, "permute")?;
    let out = x.view_with(x.layout().permute(&d));
    let mut inv = vec![0i64; nd];
    for (i, &p) in d.iter().enumerate() {
        inv[p] = i as i64;
    }
    view_node("PermuteBackward0", x, &out, move |g| permute(g, &inv));
    Ok(out)
}

pub fn transpose(x: &Tensor, d0: i64, d1: i64) -> Result<Tensor> {
    transpose_as("TransposeBackward0", x, d0, d1)
}

fn transpose_as(name: &'static str, x: &Tensor, d0: i64, d1: i64) -> Result<Tensor> {
    let nd = x.ndim();
    let (a, b) = (wrap_dim(d0, nd)?, wrap_dim(d1, nd)?);
    if nd == 0 {
        return alias(x);
    }
    let out = x.view_with(x.layout().transpose(a, b));
    view_node(name, x, &out, move |g| transpose(g, a as i64, b as i64));
    Ok(out)
}

/// A view with the same layout (`view_as(self)`, `alias`).
pub fn alias(x: &Tensor) -> Result<Tensor> {
    let out = x.view_with(x.layout().clone());
    view_node("AliasBackward0", x, &out, |g| Ok(g.clone()));
    Ok(out)
}

/// `t()`: 0-D and 1-D unchanged, 2-D transposed.
pub fn t(x: &Tensor) -> Result<Tensor> {
    ensure!(
        x.ndim() <= 2,
        runtime,
        "t() expects a tensor with <= 2 dimensions, but self is {}D",
        x.ndim()
    );
    // PyTorch's node is TBackward0 (also for 0-D and 1-D, which stay as they are).
    let out = x.view_with(x.layout().clone());
    if x.ndim() == 2 {
        return transpose_as("TBackward0", x, 0, 1);
    }
    view_node("TBackward0", x, &out, |g| Ok(g.clone()));
    Ok(out)
}

pub fn expand(x: &Tensor, shape: &[usize]) -> Result<Tensor> {
    let layout = x.layout().broadcast_to(shape, "expand")?;
    let out = x.view_with(layout);
    let old = x.dims();
    let node = view_node("ExpandBackward0", x, &out, move |g| {
        crate::ops::reduce::sum_to_shape(g, &old)
    });
    crate::autograd::expose_saved(&node, || vec![("self_sym_sizes", Saved::sizes(x.shape()))]);
    Ok(out)
}

/// `expand` with PyTorch's -1 ("keep this size") convention.
pub fn expand_i64(x: &Tensor, shape: &[i64]) -> Result<Tensor> {
    let n = shape.len();
    ensure!(
        n >= x.ndim(),
        runtime,
        "expand({}{{{}}}, size=[{}]): the number of sizes provided ({n}) must be greater or equal to the number of dimensions in the tensor ({})",
        x.dtype().legacy_name(),
        shape_str(x.shape()),
        shape.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", "),
        x.ndim()
    );
    let lead = n - x.ndim();
    let mut target: Dims = SmallVec::new();
    for (i, &d) in shape.iter().enumerate() {
        if d == -1 {
            ensure!(i >= lead, runtime, "The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {i}");
            target.push(x.shape()[i - lead]);
        } else {
            ensure!(
                d >= 0,
                runtime,
                "Trying to create tensor with negative dimension {d}: {shape:?}"
            );
            target.push(d as usize);
        }
    }
    expand(x, &target)
}

pub fn narrow(x: &Tensor, dim: i64, start: i64, length: i64) -> Result<Tensor> {
    ensure!(
        x.ndim() > 0,
        runtime,
        "narrow() cannot be applied to a 0-dim tensor."
    );
    let d = wrap_dim(dim, x.ndim())?;
    let size = x.shape()[d] as i64;
    let start = if start < 0 { start + size } else { start };
    ensure!(
        start >= 0 && start <= size,
        index,
        "start out of range (expected to be in range of [{}, {size}], but got {start})",
        -size
    );
    ensure!(
        length >= 0 && start + length <= size,
        runtime,
        "start ({start}) + length ({length}) exceeds dimension size ({size})."
    );
    slice(x, d, start as usize, length as usize, 1)
}

/// `x[start : start + len*step : step]` along `dim` (already validated).
pub fn slice(x: &Tensor, dim: usize, start: usize, len: usize, step: usize) -> Result<Tensor> {
    Ok(layout_view(
        "SliceBackward0",
        x,
        Arc::new(move |l: &Layout| l.slice(dim, start, len, step)),
    ))
}

type LayoutFn = Arc<dyn Fn(&Layout) -> Layout + Send + Sync>;

/// A view given by a layout transform that drops elements (slice, select); its backward
/// embeds the gradient into zeros.
fn layout_view(name: &'static str, x: &Tensor, f: LayoutFn) -> Tensor {
    let out = x.view_with(f(x.layout()));
    if needs_grad(&[x]) {
        let full = x.dims();
        record(name, &[x], &[&out], move |_, g| {
            Ok(vec![Some(embed(&g[0], &full, f.clone())?)])
        });
    }
    out
}

/// Writes `g` into the view `f` of a zero tensor of shape `full`. Its own backward applies
/// the same view to the incoming gradient, so higher-order gradients work.
fn embed(g: &Tensor, full: &[usize], f: LayoutFn) -> Result<Tensor> {
    let z = g.new_zeros(full, g.dtype())?;
    crate::backend::copy(&z.view_with(f(z.layout())), g)?;
    record("EmbedBackward0", &[g], &[&z], move |_, h| {
        Ok(vec![Some(layout_view("SliceBackward0", &h[0], f.clone()))])
    });
    Ok(z)
}

pub fn select(x: &Tensor, dim: i64, index: i64) -> Result<Tensor> {
    ensure!(
        x.ndim() > 0,
        index,
        "select() cannot be applied to a 0-dim tensor."
    );
    let d = wrap_dim(dim, x.ndim())?;
    let size = x.shape()[d] as i64;
    ensure!(
        index >= -size && index < size,
        index,
        "select(): index {index} out of range for tensor of size {} at dimension {d}",
        shape_str(x.shape())
    );
    let i = if index < 0 { index + size } else { index } as usize;
    Ok(layout_view(
        "SelectBackward0",
        x,
        Arc::new(move |l: &Layout| l.select(d, i)),
    ))
}

pub fn unsqueeze(x: &Tensor, dim: i64) -> Result<Tensor> {
    let d = wrap_dim(dim, x.ndim() + 1)?;
    let out = x.view_with(x.layout().unsqueeze(d));
    view_node("UnsqueezeBackward0", x, &out, move |g| {
        squeeze_dim(g, d as i64)
    });
    Ok(out)
}

pub fn squeeze_dim(x: &Tensor, dim: i64) -> Result<Tensor> {
    squeeze_dim_as("SqueezeBackward1", x, dim)
}

/// `squeeze(dim)` whose node is called `name`: composites that squeeze a fresh result in
/// place in PyTorch (`matmul` of a vector and a matrix) show `SqueezeBackward4` there.
pub(crate) fn squeeze_dim_as(name: &'static str, x: &Tensor, dim: i64) -> Result<Tensor> {
    let d = wrap_dim(dim, x.ndim())?;
    if x.ndim() == 0 || x.shape()[d] != 1 {
        return alias(x);
    }
    let out = x.view_with(x.layout().select(d, 0));
    view_node(name, x, &out, move |g| unsqueeze(g, d as i64));
    Ok(out)
}

pub fn squeeze(x: &Tensor, dims: Option<&[i64]>) -> Result<Tensor> {
    let nd = x.ndim();
    let mut targets: Vec<usize> = match dims {
        Some(ds) => crate::layout::wrap_dims(ds, nd, "squeeze")?
            .into_iter()
            .filter(|&d| nd > 0 && x.shape()[d] == 1)
            .collect(),
        None => (0..nd).filter(|&d| x.shape()[d] == 1).collect(),
    };
    // Dims may come in any order; removing from the back keeps the others' positions.
    targets.sort_unstable();
    let mut l = x.layout().clone();
    for &d in targets.iter().rev() {
        l = l.select(d, 0);
    }
    let out = x.view_with(l);
    let old = x.dims();
    view_node("SqueezeBackward0", x, &out, move |g| reshape_dims(g, &old));
    Ok(out)
}

pub fn flatten(x: &Tensor, start: i64, end: i64) -> Result<Tensor> {
    if x.ndim() == 0 {
        return reshape(x, &[1]);
    }
    let (s, e) = (wrap_dim(start, x.ndim())?, wrap_dim(end, x.ndim())?);
    ensure!(
        s <= e,
        runtime,
        "flatten() has invalid args: start_dim cannot come after end_dim"
    );
    if s == e {
        // PyTorch returns the input itself when no dims merge.
        return Ok(x.clone());
    }
    let mut shape: Vec<i64> = x.shape()[..s].iter().map(|&d| d as i64).collect();
    shape.push(numel(&x.shape()[s..=e]) as i64);
    shape.extend(x.shape()[e + 1..].iter().map(|&d| d as i64));
    reshape(x, &shape)
}

pub fn unflatten(x: &Tensor, dim: i64, sizes: &[i64]) -> Result<Tensor> {
    let d = wrap_dim(dim, x.ndim())?;
    // A dim PyTorch accepts for a 0-dim input (0 or -1) then fails indexing, reported as a
    // RuntimeError around the IndexError.
    ensure!(
        x.ndim() > 0,
        runtime,
        "unflatten got an unexpected error:\nDimension specified as {dim} but tensor has no dimensions"
    );
    let inner = infer_shape(sizes, x.shape()[d], "unflatten")?;
    let mut shape: Vec<i64> = x.shape()[..d].iter().map(|&v| v as i64).collect();
    shape.extend(inner.iter().map(|&v| v as i64));
    shape.extend(x.shape()[d + 1..].iter().map(|&v| v as i64));
    view(x, &shape)
}

pub fn diagonal(x: &Tensor, offset: i64, d1: i64, d2: i64) -> Result<Tensor> {
    let nd = x.ndim();
    let (a, b) = (wrap_dim(d1, nd)?, wrap_dim(d2, nd)?);
    ensure!(
        a != b,
        runtime,
        "diagonal dimensions cannot be identical {d1}, {d2}"
    );
    Ok(layout_view(
        "DiagonalBackward0",
        x,
        Arc::new(move |l: &Layout| diagonal_layout(l, offset, a, b)),
    ))
}

/// The diagonal of dims `a` and `b` (shifted by `offset`) as the last dim of a view.
fn diagonal_layout(l: &Layout, offset: i64, a: usize, b: usize) -> Layout {
    let (sa, sb) = (l.shape[a] as i64, l.shape[b] as i64);
    let len = if offset >= 0 {
        (sb - offset).min(sa)
    } else {
        (sa + offset).min(sb)
    }
    .max(0) as usize;
    let mut off = l.offset as isize;
    if len > 0 {
        off += if offset >= 0 {
            offset as isize * l.strides[b]
        } else {
            -offset as isize * l.strides[a]
        };
    }
    let mut shape: Dims = SmallVec::new();
    let mut strides: crate::layout::Strides = SmallVec::new();
    for i in 0..l.ndim() {
        if i != a && i != b {
            shape.push(l.shape[i]);
            strides.push(l.strides[i]);
        }
    }
    shape.push(len);
    strides.push(l.strides[a] + l.strides[b]);
    Layout {
        shape,
        strides,
        offset: off as usize,
    }
}

/// `flip` copies (PyTorch semantics), reading through a reversed view.
pub fn flip(x: &Tensor, dims: &[i64]) -> Result<Tensor> {
    let ds = crate::layout::wrap_dims(dims, x.ndim(), "flip")?;
    if x.ndim() == 0 {
        return clone(x);
    }
    let mut l = x.layout().clone();
    for &d in &ds {
        if l.shape[d] > 0 {
            l.offset = (l.offset as isize + (l.shape[d] as isize - 1) * l.strides[d]) as usize;
        }
        l.strides[d] = -l.strides[d];
    }
    let reversed = x.detach().view_with(l);
    // The result keeps x's memory layout, as PyTorch's does (rot90 composes with it).
    let out = x.new_elementwise(x.shape(), x.dtype(), &[x.strides()])?;
    crate::backend::copy(&out, &reversed)?;
    let dv: Vec<i64> = ds.iter().map(|&d| d as i64).collect();
    record("FlipBackward0", &[x], &[&out], move |_, g| {
        Ok(vec![Some(flip(&g[0], &dv)?)])
    });
    Ok(out)
}

/// Row-major strides for `shape` (re-exported for the bindings' `stride()`).
pub fn default_strides(shape: &[usize]) -> Vec<isize> {
    contiguous_strides(shape).to_vec()
}

/// Broadcasts tensors to a common shape (views).
pub fn broadcast_tensors(ts: &[Tensor]) -> Result<Vec<Tensor>> {
    let mut shape: Dims = SmallVec::new();
    for t in ts {
        shape = broadcast_shapes(&shape, t.shape())?;
    }
    // An input that already has the broadcast shape is returned itself, as in PyTorch.
    ts.iter()
        .map(|t| {
            if t.shape() == shape.as_slice() {
                Ok(t.clone())
            } else {
                expand(t, &shape)
            }
        })
        .collect()
}

/// `x.view(dtype)`: the same bytes read as `dtype`. With a different element size the last
/// dim (stride 1) grows or shrinks by the size ratio and the other strides and the offset
/// scale with it; PyTorch's checks and messages.
pub fn view_dtype(x: &Tensor, dtype: DType) -> Result<Tensor> {
    let (old, new) = (x.dtype().itemsize(), dtype.itemsize());
    let (from, to) = (x.dtype().scalar_name(), dtype.scalar_name());
    let mut layout = x.layout().clone();
    if old != new {
        let what = format!("to view {from} as {to} (different element sizes)");
        let nd = x.ndim();
        ensure!(nd > 0, runtime, "self.dim() cannot be 0 {what}");
        ensure!(
            x.strides()[nd - 1] == 1,
            runtime,
            "self.stride(-1) must be 1 {what}, but got {}",
            x.strides()[nd - 1]
        );
        if old > new {
            let r = old / new;
            layout.shape[nd - 1] *= r;
            for s in layout.strides[..nd - 1].iter_mut() {
                *s *= r as isize;
            }
            layout.offset *= r;
        } else {
            let r = new / old;
            ensure!(
                x.shape()[nd - 1].is_multiple_of(r),
                runtime,
                "self.size(-1) must be divisible by {r} {what}, but got {}",
                x.shape()[nd - 1]
            );
            ensure!(
                layout.offset.is_multiple_of(r),
                runtime,
                "self.storage_offset() must be divisible by {r} {what}, but got {}",
                layout.offset
            );
            for d in 0..nd - 1 {
                ensure!(
                    x.strides()[d] % r as isize == 0,
                    runtime,
                    "self.stride({d}) must be divisible by {r} {what}, but got {}",
                    x.strides()[d]
                );
            }
            layout.shape[nd - 1] /= r;
            for s in layout.strides[..nd - 1].iter_mut() {
                *s /= r as isize;
            }
            layout.offset /= r;
        }
    }
    let out = x.view_as_dtype(dtype, layout);
    if dtype == DType::Bool && x.dtype() != DType::Bool {
        // NOTE: a Rust `bool` must be 0 or 1 (anything else is undefined behaviour in every
        // kernel that reads it), where torch reads any byte; refuse other bytes.
        let bytes = out.view_as_dtype(DType::U8, out.layout().clone());
        let bad = bytes.to_vec::<u8>()?.iter().any(|&b| b > 1);
        ensure!(
            !bad,
            runtime,
            "rtorch: view(torch.bool) needs every byte to be 0 or 1 (a bool holding another byte is undefined behaviour here)"
        );
    }
    Ok(out)
}

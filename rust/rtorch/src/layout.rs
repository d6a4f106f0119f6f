//! The layout of a strided view: sizes, strides (in elements) and a storage offset.
//!
//! View ops are pure functions of a `Layout`; they never touch data. Strides are signed so
//! kernels can walk any view, but PyTorch semantics only ever produce non-negative ones.

use crate::{bail, ensure, Result};
use smallvec::SmallVec;

pub type Dims = SmallVec<[usize; 6]>;
pub type Strides = SmallVec<[isize; 6]>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub shape: Dims,
    pub strides: Strides,
    pub offset: usize,
}

pub fn contiguous_strides(shape: &[usize]) -> Strides {
    let mut strides: Strides = SmallVec::from_elem(0, shape.len());
    let mut acc = 1isize;
    for i in (0..shape.len()).rev() {
        strides[i] = acc;
        acc *= shape[i].max(1) as isize;
    }
    strides
}

/// PyTorch's memory formats: the order in which a fresh dense tensor lays out its dims.
/// A format is only a stride order; every op reads any strides, so nothing else in the
/// engine needs to know about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemoryFormat {
    /// Row-major (NCHW for a batch of images).
    Contiguous,
    /// The input's own order (`clone`, `*_like`, `to`): its strides when it is dense,
    /// else dense in the order its strides imply (`output_strides`).
    Preserve,
    /// 4-D, channels innermost: NHWC in memory.
    ChannelsLast,
    /// 5-D, channels innermost: NDHWC in memory.
    ChannelsLast3d,
}

impl MemoryFormat {
    /// The name PyTorch prints (`torch.<name>`).
    pub fn name(self) -> &'static str {
        match self {
            MemoryFormat::Contiguous => "contiguous_format",
            MemoryFormat::Preserve => "preserve_format",
            MemoryFormat::ChannelsLast => "channels_last",
            MemoryFormat::ChannelsLast3d => "channels_last_3d",
        }
    }

    /// The dims from innermost to outermost, for the channels-last formats.
    fn channels_last_order(self) -> Option<&'static [usize]> {
        match self {
            MemoryFormat::ChannelsLast => Some(&[1, 3, 2, 0]),
            MemoryFormat::ChannelsLast3d => Some(&[1, 4, 3, 2, 0]),
            _ => None,
        }
    }
}

/// Strides of a fresh dense tensor of `shape` in `format`. `Preserve` has no strides of
/// its own (it needs an input), so a factory given it fails as PyTorch's does.
pub fn format_strides(shape: &[usize], format: MemoryFormat) -> Result<Strides> {
    let Some(order) = format.channels_last_order() else {
        ensure!(
            format == MemoryFormat::Contiguous,
            runtime,
            "unsupported memory format Preserve"
        );
        return Ok(contiguous_strides(shape));
    };
    ensure!(
        shape.len() == order.len(),
        runtime,
        "required rank {} tensor to use {} format",
        order.len(),
        format.name()
    );
    // NOTE: no `max(1)` here, unlike `contiguous_strides`: PyTorch multiplies the raw
    // sizes, so an empty channels_last tensor has zero strides outside the channels.
    let mut strides: Strides = SmallVec::from_elem(0, shape.len());
    let mut acc = 1isize;
    for &d in order {
        strides[d] = acc;
        acc *= shape[d] as isize;
    }
    Ok(strides)
}

/// Normalizes a possibly negative dim (`-1` = last); `ndim` 0 accepts -1 and 0 as torch does.
pub fn wrap_dim(dim: i64, ndim: usize) -> Result<usize> {
    let n = ndim.max(1) as i64;
    if dim < -n || dim >= n {
        bail!(
            index,
            "Dimension out of range (expected to be in range of [{}, {}], but got {})",
            -n,
            n - 1,
            dim
        );
    }
    Ok(if dim < 0 {
        (dim + n) as usize
    } else {
        dim as usize
    })
}

/// `wrap_dim` for ops that index a real dimension (`size(d)`, `unflatten`, `split`…): a 0-dim
/// tensor has none, so PyTorch's IndexError instead of the scalar allowance.
pub fn wrap_dim_strict(dim: i64, ndim: usize) -> Result<usize> {
    ensure!(
        ndim > 0,
        index,
        "Dimension specified as {dim} but tensor has no dimensions"
    );
    wrap_dim(dim, ndim)
}

// NOTE [ Output layout of elementwise ops ]
// PyTorch's elementwise outputs keep the memory order of their inputs: `x.t().exp()` has
// `x.t()`'s strides, so `stride()`, `is_contiguous()` and whether `.view()` succeeds all
// depend on it. The rule: when every input has the output's shape and the same dense,
// non-overlapping strides, the output takes those strides. Otherwise dims are ordered
// innermost-first by the inputs' strides (the first input that tells two dims apart
// decides; broadcast dims, stride 0, tell nothing; equal strides put the smaller dim
// inside), and the output is dense in that order. All-contiguous inputs give a
// contiguous output, so the common case costs one comparison per input.

/// Strides for a fresh elementwise output of `shape` whose inputs, already broadcast to
/// `shape`, have the `inputs` strides.
pub fn output_strides(shape: &[usize], inputs: &[&[isize]]) -> Strides {
    let contiguous = contiguous_strides(shape);
    let nd = shape.len();
    if nd <= 1 || inputs.is_empty() {
        return contiguous;
    }
    let first = inputs[0];
    if inputs.iter().all(|s| *s == first) {
        if first == contiguous.as_slice() || is_dense(shape, first) {
            return first.iter().copied().collect();
        }
    } else if inputs
        .iter()
        .all(|s| *s == contiguous.as_slice() || s.iter().all(|&v| v == 0))
    {
        // Contiguous inputs next to broadcast scalars: the everyday case, decided here.
        return contiguous;
    }
    // 1: dim `a` goes outside `b`; -1: inside; 0: the inputs don't say.
    let order = |a: usize, b: usize| -> i32 {
        for s in inputs {
            let (sa, sb) = (s[a], s[b]);
            if sa == 0 || sb == 0 {
                continue;
            }
            if sa != sb {
                return if sa > sb { 1 } else { -1 };
            }
            if shape[a] > shape[b] {
                return 1;
            }
        }
        0
    };
    // perm[0] is the innermost dim. Insertion sort that only moves a dim past others the
    // inputs clearly order, and keeps today's order where they are ambiguous.
    let mut perm: Vec<usize> = (0..nd).rev().collect();
    for i in 1..nd {
        let mut cur = i;
        for j in (0..i).rev() {
            match order(perm[j], perm[cur]) {
                1 => {
                    perm.swap(j, cur);
                    cur = j;
                }
                -1 => break,
                _ => {}
            }
        }
    }
    if perm.iter().enumerate().all(|(i, &d)| d == nd - 1 - i) {
        return contiguous;
    }
    let mut out: Strides = SmallVec::from_elem(0, nd);
    let mut acc = 1isize;
    for &d in &perm {
        out[d] = acc;
        acc *= shape[d] as isize;
    }
    out
}

/// Whether a view of `shape` with `strides` covers a block of exactly numel elements
/// (PyTorch's `is_non_overlapping_and_dense`).
pub fn is_dense(shape: &[usize], strides: &[isize]) -> bool {
    let mut dims: SmallVec<[usize; 6]> = (0..shape.len()).filter(|&d| shape[d] != 1).collect();
    dims.sort_by_key(|&d| strides[d]);
    let mut expected = 1isize;
    for d in dims {
        if strides[d] != expected {
            return false;
        }
        expected *= shape[d] as isize;
    }
    true
}

/// Wraps a list of dims and checks for repeats (`op` names the caller in the message).
pub fn wrap_dims(dims: &[i64], ndim: usize, op: &str) -> Result<SmallVec<[usize; 6]>> {
    let mut out: SmallVec<[usize; 6]> = SmallVec::new();
    for &d in dims {
        let w = wrap_dim(d, ndim)?;
        ensure!(
            !out.contains(&w),
            runtime,
            "{op}: dim {w} appears multiple times in the list of dims"
        );
        out.push(w);
    }
    Ok(out)
}

/// The broadcast shape of two shapes, with PyTorch's message on mismatch.
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Result<Dims> {
    let n = a.len().max(b.len());
    let mut out: Dims = SmallVec::from_elem(0, n);
    for i in 0..n {
        let da = if i + a.len() >= n {
            a[i + a.len() - n]
        } else {
            1
        };
        let db = if i + b.len() >= n {
            b[i + b.len() - n]
        } else {
            1
        };
        out[i] = if da == db || db == 1 {
            da
        } else if da == 1 {
            db
        } else {
            bail!(
                runtime,
                "The size of tensor a ({da}) must match the size of tensor b ({db}) at non-singleton dimension {i}"
            );
        };
    }
    Ok(out)
}

pub fn numel(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// The element count of `shape`, or PyTorch's error when it (in bytes of the widest dtype)
/// does not fit an `isize`: a wrapped product would be a silently wrong tensor.
pub fn checked_numel(shape: &[usize], op: &str) -> Result<usize> {
    let n = shape
        .iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d))
        .filter(|&n| n <= (isize::MAX as usize) / 8);
    match n {
        Some(n) => Ok(n),
        // An empty shape never overflows, whatever its other sizes.
        None if shape.contains(&0) => Ok(0),
        None => bail!(
            runtime,
            "{op}: the number of elements of a tensor of shape {} overflows (integer multiplication overflow)",
            shape_str(shape)
        ),
    }
}

pub fn shape_str(shape: &[usize]) -> String {
    let parts: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    format!("[{}]", parts.join(", "))
}

impl Layout {
    pub fn contiguous(shape: &[usize]) -> Layout {
        Layout {
            shape: shape.into(),
            strides: contiguous_strides(shape),
            offset: 0,
        }
    }

    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    pub fn numel(&self) -> usize {
        numel(&self.shape)
    }

    /// Row-major contiguous (size-1 dims may have any stride, as in PyTorch).
    pub fn is_contiguous(&self) -> bool {
        // An empty tensor is contiguous whatever its strides (PyTorch).
        if self.shape.contains(&0) {
            return true;
        }
        let mut expected = 1isize;
        for i in (0..self.ndim()).rev() {
            let s = self.shape[i];
            if s == 0 {
                return true;
            }
            if s != 1 {
                if self.strides[i] != expected {
                    return false;
                }
                expected *= s as isize;
            }
        }
        true
    }

    /// `is_contiguous(memory_format=)`: dense in `format`'s order, size-1 dims with any
    /// stride. A tensor of the wrong rank is not channels-last contiguous (no error), and
    /// `Preserve` asks the row-major question, as in PyTorch.
    pub fn is_contiguous_as(&self, format: MemoryFormat) -> bool {
        let Some(order) = format.channels_last_order() else {
            return self.is_contiguous();
        };
        if self.ndim() != order.len() {
            return false;
        }
        // Unlike the row-major check, an empty tensor is not a special case here.
        let mut expected = 1isize;
        for &d in order {
            if self.shape[d] != 1 {
                if self.strides[d] != expected {
                    return false;
                }
                expected *= self.shape[d] as isize;
            }
        }
        true
    }

    /// The memory format these strides suggest (PyTorch's `suggest_memory_format`): a
    /// channels-last format when the strides order the dims that way, else contiguous.
    /// `to(memory_format=)` returns its input unchanged when this is the format asked for,
    /// even if the input is not dense.
    pub fn suggest_memory_format(&self) -> MemoryFormat {
        for format in [MemoryFormat::ChannelsLast, MemoryFormat::ChannelsLast3d] {
            let order = format.channels_last_order().unwrap_or_default();
            if order.len() == self.ndim() && self.strides_follow(order) {
                return format;
            }
        }
        MemoryFormat::Contiguous
    }

    /// Whether the strides grow along `order` (innermost first) without overlap.
    // NOTE: ambiguous layouts count as contiguous, as in PyTorch: a zero channel stride,
    // an empty dim, and a batch stride equal to the channel stride (N111 tensors, or N11W
    // sliced on W), which fit both orders.
    fn strides_follow(&self, order: &[usize]) -> bool {
        if self.strides[order[0]] == 0 {
            return false;
        }
        let mut min = 0isize;
        for &d in order {
            let (size, stride) = (self.shape[d], self.strides[d]);
            if size == 0 || stride < min || (d == 0 && min == self.strides[order[0]]) {
                return false;
            }
            // The next dim must lie outside this one, unless this one is a size-1 dim
            // (its stride says nothing).
            min = if size > 1 {
                stride * size as isize
            } else {
                stride
            };
        }
        true
    }

    /// The layout seen when this one is broadcast to `shape` (stride 0 on new/expanded dims).
    pub fn broadcast_to(&self, shape: &[usize], op: &str) -> Result<Layout> {
        let n = shape.len();
        ensure!(
            n >= self.ndim(),
            runtime,
            "{op}: the number of sizes provided ({n}) must be greater or equal to the number of dimensions in the tensor ({})",
            self.ndim()
        );
        let lead = n - self.ndim();
        let mut strides: Strides = SmallVec::from_elem(0, n);
        for i in 0..n {
            if i < lead {
                continue;
            }
            let (s, st) = (self.shape[i - lead], self.strides[i - lead]);
            if s == shape[i] {
                strides[i] = st;
            } else if s == 1 {
                strides[i] = 0;
            } else {
                bail!(
                    runtime,
                    "The expanded size of the tensor ({}) must match the existing size ({s}) at non-singleton dimension {i}.  Target sizes: {}.  Tensor sizes: {}",
                    shape[i],
                    shape_str(shape),
                    shape_str(&self.shape)
                );
            }
        }
        checked_numel(shape, op)?;
        Ok(Layout {
            shape: shape.into(),
            strides,
            offset: self.offset,
        })
    }

    pub fn permute(&self, dims: &[usize]) -> Layout {
        Layout {
            shape: dims.iter().map(|&d| self.shape[d]).collect(),
            strides: dims.iter().map(|&d| self.strides[d]).collect(),
            offset: self.offset,
        }
    }

    pub fn transpose(&self, d0: usize, d1: usize) -> Layout {
        let mut l = self.clone();
        l.shape.swap(d0, d1);
        l.strides.swap(d0, d1);
        l
    }

    pub fn narrow(&self, dim: usize, start: usize, len: usize) -> Layout {
        let mut l = self.clone();
        if len > 0 {
            l.offset = (self.offset as isize + start as isize * self.strides[dim]) as usize;
        }
        l.shape[dim] = len;
        l
    }

    pub fn slice(&self, dim: usize, start: usize, len: usize, step: usize) -> Layout {
        let mut l = self.narrow(dim, start, len);
        l.strides[dim] *= step as isize;
        l
    }

    pub fn select(&self, dim: usize, index: usize) -> Layout {
        let mut l = self.clone();
        l.offset = (self.offset as isize + index as isize * self.strides[dim]) as usize;
        l.shape.remove(dim);
        l.strides.remove(dim);
        l
    }

    pub fn unsqueeze(&self, dim: usize) -> Layout {
        let mut l = self.clone();
        let stride = if dim < self.ndim() {
            self.strides[dim] * self.shape[dim] as isize
        } else {
            1
        };
        l.shape.insert(dim, 1);
        l.strides.insert(dim, stride);
        l
    }

    /// Strides for viewing this layout as `shape` without copying, if possible
    /// (PyTorch's `computeStride`: each run of merged dims must be contiguous within itself).
    pub fn view_strides(&self, shape: &[usize]) -> Option<Strides> {
        let old_shape = &self.shape;
        let old_strides = &self.strides;
        let mut new_strides: Strides = SmallVec::from_elem(0, shape.len());
        if numel(old_shape) == 0 || old_shape.is_empty() {
            return Some(contiguous_strides(shape));
        }
        let mut view_d = shape.len() as isize - 1;
        let mut chunk_base_stride = *old_strides.last().unwrap_or(&1);
        let mut tensor_numel = 1usize;
        let mut view_numel = 1usize;
        for tensor_d in (0..old_shape.len()).rev() {
            tensor_numel *= old_shape[tensor_d];
            let chunk_ends = tensor_d == 0
                || (old_shape[tensor_d - 1] != 1
                    && old_strides[tensor_d - 1] != tensor_numel as isize * chunk_base_stride);
            if chunk_ends {
                while view_d >= 0 && (view_numel < tensor_numel || shape[view_d as usize] == 1) {
                    new_strides[view_d as usize] = view_numel as isize * chunk_base_stride;
                    view_numel *= shape[view_d as usize];
                    view_d -= 1;
                }
                if view_numel != tensor_numel {
                    return None;
                }
                if tensor_d > 0 {
                    chunk_base_stride = old_strides[tensor_d - 1];
                    tensor_numel = 1;
                    view_numel = 1;
                }
            }
        }
        if view_d != -1 {
            return None;
        }
        Some(new_strides)
    }

    /// The largest storage index (exclusive) this layout touches, or `offset` if empty.
    pub fn storage_extent(&self) -> usize {
        if self.numel() == 0 {
            return self.offset;
        }
        let mut max = self.offset as isize;
        for (&s, &st) in self.shape.iter().zip(&self.strides) {
            max += (s as isize - 1) * st.max(0);
        }
        max as usize + 1
    }

    /// True when distinct indices can name the same element (stride 0 or overlapping dims),
    /// which makes in-place writes ill-defined.
    pub fn has_internal_overlap(&self) -> bool {
        if self.shape.contains(&0) {
            return false; // no elements, nothing to collide
        }
        let mut dims: SmallVec<[(usize, isize); 6]> = self
            .shape
            .iter()
            .zip(&self.strides)
            .filter(|(&s, _)| s > 1)
            .map(|(&s, &st)| (s, st.abs()))
            .collect();
        if dims.iter().any(|&(_, st)| st == 0) {
            return true;
        }
        dims.sort_by_key(|&(_, st)| st);
        let mut span = 0isize;
        for (s, st) in dims {
            if st <= span {
                return true;
            }
            span += (s as isize - 1) * st;
        }
        false
    }
}

/// Merges adjacent dims that are contiguous with each other in every operand, so kernels
/// iterate over as few dims as possible. Returns (shape, per-operand strides).
pub fn coalesce(shape: &[usize], strides: &[&[isize]]) -> (Dims, SmallVec<[Strides; 4]>) {
    let mut out_shape: Dims = SmallVec::new();
    let mut out_strides: SmallVec<[Strides; 4]> = strides.iter().map(|_| Strides::new()).collect();
    for d in 0..shape.len() {
        let s = shape[d];
        if s == 1 {
            continue;
        }
        if let Some(&last) = out_shape.last() {
            let mergeable = strides
                .iter()
                .zip(out_strides.iter())
                .all(|(st, ost)| *ost.last().unwrap() == st[d] * s as isize);
            if mergeable {
                let n = out_shape.len() - 1;
                out_shape[n] = last * s;
                for (st, ost) in strides.iter().zip(out_strides.iter_mut()) {
                    *ost.last_mut().unwrap() = st[d];
                }
                continue;
            }
        }
        out_shape.push(s);
        for (st, ost) in strides.iter().zip(out_strides.iter_mut()) {
            ost.push(st[d]);
        }
    }
    (out_shape, out_strides)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcast_and_errors() {
        assert_eq!(broadcast_shapes(&[3, 1], &[4]).unwrap().as_slice(), &[3, 4]);
        let e = broadcast_shapes(&[2, 3], &[2, 4]).unwrap_err();
        assert!(e.msg.contains(
            "size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"
        ));
    }

    #[test]
    fn channels_last_strides_and_contiguity() {
        use MemoryFormat::*;
        let s = format_strides(&[2, 3, 4, 5], ChannelsLast).unwrap();
        assert_eq!(s.as_slice(), &[60, 1, 15, 3]);
        let s = format_strides(&[2, 3, 4, 5, 6], ChannelsLast3d).unwrap();
        assert_eq!(s.as_slice(), &[360, 1, 90, 18, 3]);
        // Raw sizes, no max(1): torch's empty(2, 0, 4, 5, memory_format=channels_last).
        let s = format_strides(&[2, 0, 4, 5], ChannelsLast).unwrap();
        assert_eq!(s.as_slice(), &[0, 1, 0, 0]);
        let e = format_strides(&[2, 3], ChannelsLast).unwrap_err();
        assert!(e
            .msg
            .contains("required rank 4 tensor to use channels_last format"));
        assert!(format_strides(&[2], Preserve).is_err());

        let cl = Layout {
            shape: [2, 3, 4, 5].into_iter().collect(),
            strides: [60, 1, 15, 3].into_iter().collect(),
            offset: 0,
        };
        assert!(cl.is_contiguous_as(ChannelsLast) && !cl.is_contiguous());
        assert!(!Layout::contiguous(&[2, 3, 4, 5]).is_contiguous_as(ChannelsLast));
        assert!(!Layout::contiguous(&[2, 3, 4]).is_contiguous_as(ChannelsLast));
        // Size-1 channels and spatial dims: both orders at once, as in torch, but the
        // suggested format of such an ambiguous tensor is contiguous.
        assert!(Layout::contiguous(&[2, 1, 1, 1]).is_contiguous_as(ChannelsLast));
        assert_eq!(
            Layout::contiguous(&[2, 1, 1, 1]).suggest_memory_format(),
            Contiguous
        );
        assert_eq!(cl.suggest_memory_format(), ChannelsLast);
        assert_eq!(cl.slice(2, 0, 2, 2).suggest_memory_format(), ChannelsLast);
        let t = Layout::contiguous(&[2, 3, 4, 5]).transpose(1, 3);
        assert_eq!(t.suggest_memory_format(), Contiguous);
    }

    #[test]
    fn view_strides_follow_torch() {
        let l = Layout::contiguous(&[2, 3, 4]);
        assert_eq!(l.view_strides(&[6, 4]).unwrap().as_slice(), &[4, 1]);
        let t = l.transpose(1, 2); // [2,4,3] strides [12,1,4]
        assert!(t.view_strides(&[2, 12]).is_none());
        assert_eq!(
            t.view_strides(&[1, 2, 4, 3]).unwrap().as_slice(),
            &[24, 12, 1, 4]
        );
    }

    #[test]
    fn coalesce_merges_contiguous() {
        let l = Layout::contiguous(&[2, 3, 4]);
        let (s, st) = coalesce(&l.shape, &[&l.strides]);
        assert_eq!(s.as_slice(), &[24]);
        assert_eq!(st[0].as_slice(), &[1]);
        let t = l.transpose(0, 2);
        let (s, _) = coalesce(&t.shape, &[&t.strides]);
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn overlap_detection() {
        let l = Layout::contiguous(&[3]);
        assert!(!l.has_internal_overlap());
        assert!(l
            .broadcast_to(&[2, 3], "expand")
            .unwrap()
            .has_internal_overlap());
        let w = Layout {
            shape: Dims::from_slice(&[2, 2]),
            strides: Strides::from_slice(&[1, 1]),
            offset: 0,
        };
        assert!(w.has_internal_overlap());
    }

    #[test]
    fn wrap_dim_range() {
        assert_eq!(wrap_dim(-1, 3).unwrap(), 2);
        assert_eq!(wrap_dim(0, 0).unwrap(), 0);
        assert_eq!(wrap_dim(3, 3).unwrap_err().kind, crate::ErrorKind::Index);
    }
}

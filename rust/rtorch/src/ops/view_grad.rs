//! Autograd through writes into views (PyTorch's CopySlices) and through `as_strided`.
//!
//! NOTE [ Views and in-place autograd ]
//! A view shares its base's memory, so an in-place op on the view changes the base too.
//! When that op is recorded, the base gets a `CopySlices` node: the gradient of the new
//! base is split into the part outside the view (which flows to the base's old history)
//! and the part inside it (which flows into the in-place op's node). The written view's
//! history becomes `AsStridedBackward0` of the new base. Every other view of the same base
//! is refreshed the same way the next time its autograd metadata is read, because the
//! shared version counter shows that its base changed (`Tensor::refresh_view_history`).
//! All three gradient maps (gather, scatter, zero the region) are differentiable and each
//! is the other's adjoint, so double backward works through them too.

use super::factory::fill_raw;
use crate::autograd::{needs_grad, record, record_node};
use crate::layout::Layout;
use crate::storage::Storage;
use crate::{bail, Result, Scalar, Tensor};
use std::sync::Arc;

/// Where a view's elements lie in its base: two layouts over one buffer laid out like
/// the base, with offsets relative to the base's first element.
pub struct Region {
    base: Layout,
    view: Layout,
    /// Elements in a buffer that holds both layouts.
    extent: usize,
    /// The view names some element more than once (possible with `as_strided`).
    overlap: bool,
}

impl Region {
    pub fn new(base: &Layout, view: &Layout, op: &str) -> Result<Arc<Region>> {
        if base.has_internal_overlap() || view.offset < base.offset {
            bail!(
                not_implemented,
                "{op}: autograd through a view whose base has overlapping memory is not supported"
            );
        }
        let base_offset = base.offset;
        let base = Layout {
            shape: base.shape.clone(),
            strides: base.strides.clone(),
            offset: 0,
        };
        let view_rel = Layout {
            shape: view.shape.clone(),
            strides: view.strides.clone(),
            offset: view.offset - base_offset,
        };
        let extent = base.storage_extent().max(view_rel.storage_extent());
        Ok(Arc::new(Region {
            base,
            overlap: view_rel.has_internal_overlap(),
            view: view_rel,
            extent,
        }))
    }

    /// A zeroed buffer laid out like the base (no history), in `like`'s dtype and on its
    /// device.
    fn buffer(&self, like: &Tensor) -> Result<Tensor> {
        let dtype = like.dtype();
        Ok(Tensor::from_parts(
            Arc::new(Storage::zeroed(
                self.extent * dtype.itemsize(),
                like.device(),
            )?),
            self.base.clone(),
            dtype,
            Default::default(),
            None,
        ))
    }

    fn view_of(&self, buf: &Tensor) -> Tensor {
        buf.view_with(self.view.clone())
    }

    /// The view's part of a base-shaped gradient (as a contiguous tensor).
    pub fn gather(self: &Arc<Self>, g: &Tensor) -> Result<Tensor> {
        let buf = self.buffer(g)?;
        crate::backend::copy(&buf, g)?;
        let out = super::cast::cast_copy(&self.view_of(&buf), g.dtype())?;
        if needs_grad(&[g]) {
            let r = self.clone();
            record("AsStridedBackward0", &[g], &[&out], move |_, h| {
                Ok(vec![Some(r.scatter(&h[0])?)])
            });
        }
        Ok(out)
    }

    /// A base-shaped gradient that is `h` inside the view and zero elsewhere; elements the
    /// view names more than once accumulate.
    pub fn scatter(self: &Arc<Self>, h: &Tensor) -> Result<Tensor> {
        let buf = self.buffer(h)?;
        if self.overlap {
            accumulate_into(&self.view_of(&buf), h)?;
        } else {
            crate::backend::copy(&self.view_of(&buf), h)?;
        }
        if needs_grad(&[h]) {
            let r = self.clone();
            record("AsStridedScatterBackward0", &[h], &[&buf], move |_, g| {
                Ok(vec![Some(r.gather(&g[0])?)])
            });
        }
        Ok(buf)
    }

    /// A base-shaped gradient with the view's elements set to zero.
    pub fn zero_region(self: &Arc<Self>, g: &Tensor) -> Result<Tensor> {
        let buf = self.buffer(g)?;
        crate::backend::copy(&buf, g)?;
        fill_raw(&self.view_of(&buf), Scalar::Int(0))?;
        if needs_grad(&[g]) {
            let r = self.clone();
            record("CopySlicesBackward0", &[g], &[&buf], move |_, h| {
                Ok(vec![Some(r.zero_region(&h[0])?)])
            });
        }
        Ok(buf)
    }
}

/// `dst[i] += src[i]` in order, so that elements `dst` names more than once receive every
/// contribution.
fn accumulate_into(dst: &Tensor, src: &Tensor) -> Result<()> {
    crate::backend::accumulate(dst, &super::cast::cast_copy(src, dst.dtype())?)
}

/// Errors PyTorch raises before a recorded in-place write into the view `a`.
pub fn check_view_write(a: &Tensor, base: &Tensor) -> Result<()> {
    // NOTE: PyTorch's condition: the view requires grad and its base is a leaf, whether or
    // not the base itself requires grad (`arange(4.).view(2, 2).requires_grad_()[0]`).
    if a.requires_grad() && base.is_leaf() {
        bail!(
            runtime,
            "a view of a leaf Variable that requires grad is being used in an in-place operation."
        );
    }
    if !a.is_differentiable_view() {
        bail!(
            runtime,
            "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked)."
        );
    }
    Region::new(base.layout(), a.layout(), "in-place")?;
    Ok(())
}

/// After `out` (recorded) was written into the view `a`: rebase the base's history onto a
/// `CopySlices` node and make `a` a view of the new base.
pub fn copy_slices(a: &Tensor, out: &Tensor) -> Result<()> {
    let base = a.base().expect("copy_slices on a view").clone();
    let region = Region::new(base.layout(), a.layout(), "in-place")?;
    let r = region.clone();
    let node = record_node(
        "CopySlices".into(),
        &[&base, out],
        &[&base],
        Box::new(move |ctx, g| {
            let gb = if ctx.needs(0) {
                Some(r.zero_region(&g[0])?)
            } else {
                None
            };
            let gv = if ctx.needs(1) {
                Some(r.gather(&g[0])?)
            } else {
                None
            };
            Ok(vec![gb, gv])
        }),
    );
    node.extras.lock().always_frees = true;
    set_view_history(a, &base, region);
    Ok(())
}

/// Gives the view `v` the history `AsStridedBackward0(base)`.
pub(crate) fn set_view_history(v: &Tensor, base: &Tensor, region: Arc<Region>) {
    v.mark_view_fresh();
    record_node(
        "AsStridedBackward0".into(),
        &[base],
        &[v],
        Box::new(move |_, g| Ok(vec![Some(region.scatter(&g[0])?)])),
    );
}

/// `as_strided` backward: the input must be a dense tensor whose elements the new view
/// addresses (positions outside it have no gradient to receive).
pub fn as_strided_grad(x: &Tensor, out: &Tensor) -> Result<()> {
    if !needs_grad(&[x]) {
        return Ok(());
    }
    let l = x.layout();
    let dense = l.is_contiguous();
    let inside = out.numel() == 0
        || (out.storage_offset() >= l.offset
            && out.layout().storage_extent() <= l.offset + x.numel());
    if !(dense && inside) {
        bail!(
            not_implemented,
            "as_strided: backward is supported only for a contiguous input whose own elements the view addresses (input shape {}, strides {:?})",
            crate::layout::shape_str(x.shape()),
            l.strides.as_slice()
        );
    }
    let region = Region::new(l, out.layout(), "as_strided")?;
    record("AsStridedBackward0", &[x], &[out], move |_, g| {
        Ok(vec![Some(region.scatter(&g[0])?)])
    });
    Ok(())
}

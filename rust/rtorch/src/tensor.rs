//! The tensor handle: a cheap `Arc` clone of storage + layout + dtype + autograd metadata.

use crate::autograd::{Hook, Node};
use crate::layout::{shape_str, Dims, Layout, Strides};
use crate::object_slot::ObjectSlot;
use crate::storage::Storage;
use crate::{bail, ensure, DType, Device, Element, Result};
use parking_lot::{Mutex, MutexGuard};
use std::sync::atomic::{AtomicPtr, AtomicU32, Ordering};
use std::sync::Arc;

#[derive(Clone)]
pub struct Tensor(pub(crate) Arc<TensorImpl>);

/// What `x.data = y` replaces: the storage, the layout over it and the dtype.
pub(crate) struct Body {
    storage: Arc<Storage>,
    layout: Layout,
    dtype: DType,
}

/// A body installed by `set_data`, owning the one it replaced.
struct Swapped {
    body: Body,
    /// The swapped-in body this one replaced (null for the first swap), kept alive.
    replaced: *mut Swapped,
}

// NOTE [ Tensor bodies ]
// `x.data = y` (PyTorch's `set_data`, which `Module._apply` relies on) gives a tensor
// another storage, shape, strides and dtype while it keeps its identity, autograd state,
// hooks and Python object. Engine code reads the body through `&self` everywhere (shape
// slices, storage pointers) and holds those references for the length of an op, on any
// thread, so a body cannot be freed while its tensor is alive without making every read
// register itself (an `ArcSwap` guard or a lock per read: several ns on each of the ~15
// reads of a 1-element add). Decision: the first body lives inline; `set_data` installs
// a boxed body through `swapped` (one acquire load and a predictable branch per read) and
// keeps every replaced body until the tensor dies, when no reference can remain. Measured
// against the plain fields (AMD EPYC, 2 cores, 2026-12-05, medians of 7 interleaved runs,
// two runs): `x + y` -7/-7 ns, `x.add(y)` +2/+3, `-x` +3/+4, `v[1:3]` +1/-5, `x.sum()`
// -12/+14, 4x4 `mm` +16/+12, `x * 2.0` +52/+41 (of ~900 ns: its scalar path does the most
// reads). The cost in memory: a replaced storage lives as long as its tensor.
// `set_data` with the same storage, layout and dtype (`p.data -= lr * g`, the 2018 idiom,
// rebinds its own alias) replaces nothing.
pub struct TensorImpl {
    body: Body,
    /// The body installed by the last `set_data` (owning the chain of the ones before it
    /// through `replaced`), or null while `body` is current.
    swapped: AtomicPtr<Swapped>,
    /// Shared by a storage's views and detached aliases: in-place writes bump it, and
    /// saved tensors compare it at backward time.
    version: Arc<AtomicU32>,
    /// The tensor this one is a view of (PyTorch's `_base`), if any.
    base: Option<Tensor>,
    /// A Python number turned into a 0-dim tensor: lowest priority in type promotion.
    wrapped_number: bool,
    /// Made by an allocation in inference mode, or an alias of such a tensor
    /// (NOTE [ Inference tensors ]).
    inference: bool,
    meta: Mutex<AutogradMeta>,
    /// The bindings' object for this tensor (NOTE [ Python objects of tensors ]).
    pub(crate) object: ObjectSlot,
}

// SAFETY: `replaced` is an owning pointer written once before its body is published and
// freed only by `TensorImpl::drop`; `Body` is Send + Sync.
unsafe impl Send for Swapped {}
unsafe impl Sync for Swapped {}

impl TensorImpl {
    fn new(
        body: Body,
        version: Arc<AtomicU32>,
        base: Option<Tensor>,
        meta: AutogradMeta,
        inference: bool,
    ) -> Self {
        TensorImpl {
            body,
            swapped: AtomicPtr::new(std::ptr::null_mut()),
            version,
            base,
            wrapped_number: false,
            inference,
            meta: Mutex::new(meta),
            object: ObjectSlot::default(),
        }
    }
}

impl Drop for TensorImpl {
    fn drop(&mut self) {
        let mut next = *self.swapped.get_mut();
        while !next.is_null() {
            // SAFETY: each swapped-in body was a `Box` leaked by `set_data` and is owned by
            // exactly one link of this chain; `&mut self` means no reader remains.
            let body = unsafe { Box::from_raw(next) };
            next = body.replaced;
        }
    }
}

#[derive(Default)]
pub struct AutogradMeta {
    pub requires_grad: bool,
    pub grad: Option<Tensor>,
    pub grad_fn: Option<Arc<Node>>,
    pub output_nr: usize,
    pub retains_grad: bool,
    /// Hooks of a leaf (non-leaf hooks live on the grad_fn, keyed by output_nr).
    pub hooks: Vec<(u64, Hook)>,
    /// A view created with grad mode on: its history follows in-place changes of its
    /// base (see NOTE [ Views and in-place autograd ]).
    pub diff_view: bool,
    /// The version counter's value when this view's history was last set.
    pub view_version: u32,
}

// NOTE [ Inference tensors ]
// As in PyTorch, a tensor allocated while inference mode is on is an inference tensor
// (`is_inference()`), and so is every alias of one (views, detach, `.data`); a view made
// in inference mode of a normal tensor stays normal. Outside inference mode an inference
// tensor cannot be written in place, be saved for backward or be made to require grad
// (PyTorch's errors). The flag is fixed at construction, so reading it costs a load.

impl Tensor {
    /// A tensor over `storage`; an inference tensor when inference mode is on.
    pub(crate) fn from_parts(
        storage: Arc<Storage>,
        layout: Layout,
        dtype: DType,
        version: Arc<AtomicU32>,
        base: Option<Tensor>,
    ) -> Tensor {
        let inference = crate::autograd::is_inference_mode_enabled();
        Self::build(storage, layout, dtype, version, base, inference)
    }

    /// An alias of this tensor's storage: an inference tensor when this one is.
    fn alias_parts(
        &self,
        layout: Layout,
        dtype: DType,
        version: Arc<AtomicU32>,
        base: Option<Tensor>,
    ) -> Tensor {
        let storage = self.storage().clone();
        Self::build(storage, layout, dtype, version, base, self.0.inference)
    }

    fn build(
        storage: Arc<Storage>,
        layout: Layout,
        dtype: DType,
        version: Arc<AtomicU32>,
        base: Option<Tensor>,
        inference: bool,
    ) -> Tensor {
        Tensor(Arc::new(TensorImpl::new(
            Body {
                storage,
                layout,
                dtype,
            },
            version,
            base,
            AutogradMeta::default(),
            inference,
        )))
    }

    /// PyTorch's `is_inference()` (NOTE [ Inference tensors ]).
    pub fn is_inference(&self) -> bool {
        self.0.inference
    }

    /// A fresh contiguous tensor on `device` with uninitialized contents (callers
    /// overwrite it all). Allocation is fallible: an impossible size is a RuntimeError,
    /// never an abort, and a device without an allocator is PyTorch's error for it.
    pub fn empty(shape: &[usize], dtype: DType, device: Device) -> Result<Tensor> {
        Self::fresh(shape, dtype, device, false)
    }

    /// A fresh zero-filled contiguous tensor on `device`.
    pub fn zeros(shape: &[usize], dtype: DType, device: Device) -> Result<Tensor> {
        Self::fresh(shape, dtype, device, true)
    }

    /// A fresh tensor dense in `format` (`empty(..., memory_format=)`); `zeroed` picks
    /// calloc'ed memory.
    pub fn empty_in(
        shape: &[usize],
        format: crate::layout::MemoryFormat,
        dtype: DType,
        device: Device,
        zeroed: bool,
    ) -> Result<Tensor> {
        let layout = Layout {
            shape: shape.iter().copied().collect(),
            strides: crate::layout::format_strides(shape, format)?,
            offset: 0,
        };
        Self::allocate(layout, dtype, device, zeroed)
    }

    /// `empty` on this tensor's device: op outputs follow their inputs.
    pub fn new_empty(&self, shape: &[usize], dtype: DType) -> Result<Tensor> {
        Self::empty(shape, dtype, self.device())
    }

    /// `zeros` on this tensor's device.
    pub fn new_zeros(&self, shape: &[usize], dtype: DType) -> Result<Tensor> {
        Self::zeros(shape, dtype, self.device())
    }

    /// A fresh elementwise output on this tensor's device whose strides follow the
    /// inputs' memory order (`inputs` are their strides broadcast to `shape`; NOTE [ Output
    /// layout of elementwise ops ]).
    pub fn new_elementwise(
        &self,
        shape: &[usize],
        dtype: DType,
        inputs: &[&[isize]],
    ) -> Result<Tensor> {
        let layout = Layout {
            shape: shape.iter().copied().collect(),
            strides: crate::layout::output_strides(shape, inputs),
            offset: 0,
        };
        Self::allocate(layout, dtype, self.device(), false)
    }

    fn fresh(shape: &[usize], dtype: DType, device: Device, zeroed: bool) -> Result<Tensor> {
        Self::allocate(Layout::contiguous(shape), dtype, device, zeroed)
    }

    /// A fresh storage for a dense `layout` (offset 0) on `device`.
    fn allocate(layout: Layout, dtype: DType, device: Device, zeroed: bool) -> Result<Tensor> {
        let n = crate::layout::checked_numel(&layout.shape, "empty")?;
        let nbytes = n * dtype.itemsize();
        let storage = if zeroed {
            Storage::zeroed(nbytes, device)?
        } else {
            Storage::uninit(nbytes, device)?
        };
        Ok(Self::from_parts(
            Arc::new(storage),
            layout,
            dtype,
            Default::default(),
            None,
        ))
    }

    /// Copies a slice into a new contiguous tensor of `T`'s dtype.
    pub fn from_slice<T: Element>(data: &[T], shape: &[usize]) -> Result<Tensor> {
        let n: usize = shape.iter().product();
        ensure!(
            n == data.len(),
            runtime,
            "from_slice: shape {} is invalid for input of size {}",
            shape_str(shape),
            data.len()
        );
        let t = Self::empty(shape, T::DTYPE, Device::Cpu)?;
        // SAFETY: t is a fresh contiguous buffer of n elements of T.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), t.cpu_ptr::<T>()?, n) };
        Ok(t)
    }

    pub fn scalar<T: Element>(v: T) -> Tensor {
        Self::from_slice(&[v], &[]).unwrap()
    }

    /// Wraps storage owned elsewhere (e.g. a NumPy array) without copying.
    pub fn from_storage(storage: Storage, layout: Layout, dtype: DType) -> Result<Tensor> {
        ensure!(
            layout.storage_extent() * dtype.itemsize() <= storage.nbytes() || layout.numel() == 0,
            runtime,
            "from_storage: layout with shape {} and strides {:?} exceeds a storage of {} bytes",
            shape_str(&layout.shape),
            layout.strides.as_slice(),
            storage.nbytes()
        );
        Ok(Self::from_parts(
            Arc::new(storage),
            layout,
            dtype,
            Default::default(),
            None,
        ))
    }

    /// A 0-dim tensor standing for a Python number in type promotion.
    pub fn wrapped_scalar(v: crate::Scalar) -> Tensor {
        let t = match v {
            crate::Scalar::Bool(b) => Self::scalar(b),
            crate::Scalar::Int(i) => Self::scalar(i),
            crate::Scalar::Float(f) => Self::scalar(f),
        };
        let mut inner = Arc::into_inner(t.0).unwrap();
        inner.wrapped_number = true;
        Tensor(Arc::new(inner))
    }

    /// A view of the same storage with another layout (PyTorch's `as_strided` core).
    pub(crate) fn view_with(&self, layout: Layout) -> Tensor {
        let base = Some(self.0.base.clone().unwrap_or_else(|| self.clone()));
        let meta = AutogradMeta {
            diff_view: crate::autograd::is_grad_enabled(),
            view_version: self.version(),
            ..Default::default()
        };
        Tensor(Arc::new(TensorImpl::new(
            Body {
                storage: self.storage().clone(),
                layout,
                dtype: self.dtype(),
            },
            self.0.version.clone(),
            base,
            meta,
            self.0.inference,
        )))
    }

    /// The same bytes read as another dtype (`view(dtype)`): `layout` counts elements of
    /// `dtype`. As in PyTorch it shares the storage and the version counter but is not an
    /// autograd view (`_base` is None) and has no history, like `detach`.
    pub(crate) fn view_as_dtype(&self, dtype: DType, layout: Layout) -> Tensor {
        self.alias_parts(layout, dtype, self.0.version.clone(), None)
    }

    /// Same data, no autograd history, same version counter (PyTorch's `detach`; like
    /// PyTorch's, the result is not a view as far as autograd is concerned).
    pub fn detach(&self) -> Tensor {
        let t = self.alias_parts(
            self.layout().clone(),
            self.dtype(),
            self.0.version.clone(),
            None,
        );
        if self.0.wrapped_number {
            // Still a Python number for type promotion.
            let mut inner = Arc::into_inner(t.0).expect("fresh tensor");
            inner.wrapped_number = true;
            return Tensor(Arc::new(inner));
        }
        t
    }

    /// Like `detach` but with its own version counter (PyTorch's `.data`).
    pub fn data_alias(&self) -> Tensor {
        self.alias_parts(
            self.layout().clone(),
            self.dtype(),
            Default::default(),
            None,
        )
    }

    /// The current body (NOTE [ Tensor bodies ]).
    #[inline(always)]
    fn body(&self) -> &Body {
        let swapped = self.0.swapped.load(Ordering::Acquire);
        if swapped.is_null() {
            &self.0.body
        } else {
            // SAFETY: a swapped-in body is freed only with the tensor (`TensorImpl::drop`).
            unsafe { &(*swapped).body }
        }
    }
    /// `self.data = new` (NOTE [ Tensor bodies ]): takes `new`'s storage, layout and
    /// dtype; identity, version counter, autograd state, `.grad` and hooks stay.
    pub fn set_data(&self, new: &Tensor) -> Result<()> {
        ensure!(
            !self.requires_grad() || new.dtype().is_differentiable(),
            runtime,
            "data set to a tensor that requires gradients must be floating point or complex dtype"
        );
        let cur = self.body();
        if Arc::ptr_eq(&cur.storage, new.storage())
            && cur.layout == *new.layout()
            && cur.dtype == new.dtype()
        {
            return Ok(());
        }
        let body = Box::into_raw(Box::new(Swapped {
            body: Body {
                storage: new.storage().clone(),
                layout: new.layout().clone(),
                dtype: new.dtype(),
            },
            replaced: std::ptr::null_mut(),
        }));
        let mut old = self.0.swapped.load(Ordering::Acquire);
        loop {
            // SAFETY: `body` is not published yet; this thread owns it.
            unsafe { (*body).replaced = old };
            match self.0.swapped.compare_exchange_weak(
                old,
                body,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return Ok(()),
                Err(now) => old = now,
            }
        }
    }

    pub fn shape(&self) -> &[usize] {
        &self.body().layout.shape
    }
    pub fn dims(&self) -> Dims {
        self.body().layout.shape.clone()
    }
    pub fn strides(&self) -> &[isize] {
        &self.body().layout.strides
    }
    pub fn strides_vec(&self) -> Strides {
        self.body().layout.strides.clone()
    }
    pub fn layout(&self) -> &Layout {
        &self.body().layout
    }
    pub fn storage_offset(&self) -> usize {
        self.body().layout.offset
    }
    pub fn dtype(&self) -> DType {
        self.body().dtype
    }
    pub fn device(&self) -> Device {
        self.body().storage.device()
    }
    pub fn ndim(&self) -> usize {
        self.body().layout.ndim()
    }
    pub fn numel(&self) -> usize {
        self.body().layout.numel()
    }
    pub fn is_contiguous(&self) -> bool {
        self.body().layout.is_contiguous()
    }
    pub fn is_wrapped_number(&self) -> bool {
        self.0.wrapped_number
    }
    pub fn storage(&self) -> &Arc<Storage> {
        &self.body().storage
    }
    pub fn base(&self) -> Option<&Tensor> {
        self.0.base.as_ref()
    }
    pub fn is_view(&self) -> bool {
        self.0.base.is_some()
    }
    /// Identity of the underlying tensor object (for hashing in Python, `is` checks).
    pub fn id(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }
    pub fn same(&self, other: &Tensor) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
    pub fn shares_storage(&self, other: &Tensor) -> bool {
        Arc::ptr_eq(self.storage(), other.storage())
    }

    /// Pointer to the first element of this view on the CPU: the one way kernels reach
    /// memory. It checks the device and that `T` is this tensor's element type, so no
    /// CPU kernel can read device memory or misread a dtype (see NOTE [ Storage aliasing ]
    /// for who may write through it).
    #[inline]
    pub fn cpu_ptr<T: Element>(&self) -> Result<*mut T> {
        let body = self.body();
        if T::DTYPE != body.dtype || body.storage.device() != Device::Cpu {
            return Err(self.not_cpu_data(T::DTYPE));
        }
        // SAFETY: offset lies within the storage for non-empty views.
        Ok(unsafe { (body.storage.as_ptr() as *mut T).add(body.layout.offset) })
    }

    /// `cpu_ptr` as an address, for kernels that pick the element type afterwards.
    #[inline]
    pub fn cpu_addr(&self) -> Result<usize> {
        let body = self.body();
        if body.storage.device() != Device::Cpu {
            return Err(self.not_cpu_data(body.dtype));
        }
        Ok(body.storage.as_ptr() as usize + body.layout.offset * body.dtype.itemsize())
    }

    #[cold]
    fn not_cpu_data(&self, wanted: DType) -> crate::Error {
        if self.device() != Device::Cpu {
            crate::Error::not_implemented(format!(
                "a CPU kernel was given a tensor on {}: no kernel for that device yet",
                self.device()
            ))
        } else {
            crate::Error::runtime(format!(
                "internal error: a {} kernel was given a {} tensor",
                wanted.scalar_name(),
                self.dtype().scalar_name()
            ))
        }
    }

    /// The address of the first element, wherever it lives (Python's `data_ptr()`); not
    /// for dereferencing.
    pub fn data_addr(&self) -> usize {
        let body = self.body();
        body.storage.as_ptr() as usize + body.layout.offset * body.dtype.itemsize()
    }

    pub fn version(&self) -> u32 {
        self.0.version.load(Ordering::Relaxed)
    }
    pub(crate) fn version_counter(&self) -> Arc<AtomicU32> {
        self.0.version.clone()
    }
    pub(crate) fn bump_version(&self) {
        self.0.version.fetch_add(1, Ordering::Relaxed);
    }

    /// The elements in row-major order, converted to `T`.
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        let t = crate::ops::cast::to_dtype(self, T::DTYPE)?.contiguous()?;
        let n = t.numel();
        let mut v = crate::ops::factory::try_vec::<T>(n)?;
        // SAFETY: t is contiguous with n elements of T.
        unsafe {
            std::ptr::copy_nonoverlapping(t.cpu_ptr::<T>()?, v.as_mut_ptr(), n);
            v.set_len(n);
        }
        Ok(v)
    }

    // ----- autograd metadata -----

    pub(crate) fn meta(&self) -> MutexGuard<'_, AutogradMeta> {
        if self.0.base.is_some() {
            self.refresh_view_history();
        }
        self.0.meta.lock()
    }

    /// A view whose base changed in place since its history was set gets the history
    /// `AsStridedBackward0(base)`; see NOTE [ Views and in-place autograd ].
    fn refresh_view_history(&self) {
        let Some(base) = &self.0.base else { return };
        let stale = {
            let m = self.0.meta.lock();
            m.diff_view && m.view_version != self.version()
        };
        if stale && self.dtype().is_differentiable() && base.requires_grad() {
            match crate::ops::view_grad::Region::new(base.layout(), self.layout(), "view") {
                Ok(r) => crate::ops::view_grad::set_view_history(self, base, r),
                Err(_) => self.mark_view_fresh(),
            }
        }
    }

    pub(crate) fn mark_view_fresh(&self) {
        let v = self.version();
        self.0.meta.lock().view_version = v;
    }

    pub fn is_differentiable_view(&self) -> bool {
        self.0.base.is_some() && self.0.meta.lock().diff_view
    }
    /// An accessor, so it never records: a view whose base changed in place requires grad
    /// if its base does, and gets its rebuilt history only when autograd reads it
    /// (`grad_fn`, recording an op), as in PyTorch.
    pub fn requires_grad(&self) -> bool {
        let (own, stale) = {
            let m = self.0.meta.lock();
            (
                m.requires_grad,
                m.diff_view && m.view_version != self.version(),
            )
        };
        own || stale
            && self.dtype().is_differentiable()
            && self.0.base.as_ref().is_some_and(|b| b.requires_grad())
    }
    pub fn set_requires_grad(&self, requires_grad: bool) -> Result<()> {
        let mut m = self.meta();
        if requires_grad {
            ensure!(
                self.dtype().is_differentiable(),
                runtime,
                "only Tensors of floating point and complex dtype can require gradients"
            );
            ensure!(
                !self.0.inference || crate::autograd::is_inference_mode_enabled(),
                runtime,
                "Setting requires_grad=True on inference tensor outside InferenceMode is not allowed."
            );
        } else if m.grad_fn.is_some() {
            bail!(
                runtime,
                "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
            );
        }
        m.requires_grad = requires_grad;
        Ok(())
    }
    pub fn grad(&self) -> Option<Tensor> {
        self.meta().grad.clone()
    }
    pub fn set_grad(&self, grad: Option<Tensor>) -> Result<()> {
        if let Some(g) = &grad {
            ensure!(
                g.shape() == self.shape(),
                runtime,
                "assigned grad has data of a different size"
            );
            ensure!(
                g.dtype() == self.dtype(),
                runtime,
                "assigned grad has data of a different type"
            );
        }
        self.meta().grad = grad;
        Ok(())
    }
    pub fn grad_fn(&self) -> Option<Arc<Node>> {
        self.meta().grad_fn.clone()
    }
    pub fn output_nr(&self) -> usize {
        self.meta().output_nr
    }
    pub fn is_leaf(&self) -> bool {
        self.meta().grad_fn.is_none()
    }
    pub fn retains_grad(&self) -> bool {
        self.meta().retains_grad
    }
    /// Adds a hook on a leaf's gradient; returns its id.
    pub fn add_leaf_hook(&self, hook: Hook) -> u64 {
        let id = crate::autograd::next_hook_id();
        self.meta().hooks.push((id, hook));
        id
    }
    pub fn remove_leaf_hook(&self, id: u64) {
        self.meta().hooks.retain(|(i, _)| *i != id);
    }
    /// The bindings' object for this tensor (NOTE [ Python objects of tensors ]).
    pub fn object(&self) -> &ObjectSlot {
        &self.0.object
    }
    /// How many handles share this tensor (PyTorch's `use_count`).
    pub fn use_count(&self) -> usize {
        Arc::strong_count(&self.0)
    }
    /// For a foreign cycle collector: calls `visit` with the payload of every hook that only
    /// this handle keeps alive (the leaf's own hooks, and its `grad_fn`'s when no other node
    /// or tensor holds it). Anything shared is reachable from elsewhere and is skipped, and
    /// so is a lock another thread holds (skipping only delays collection).
    pub fn visit_hook_payloads<E>(
        &self,
        mut visit: impl FnMut(&(dyn std::any::Any + Send + Sync)) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        if self.use_count() != 1 {
            return Ok(());
        }
        let Some(meta) = self.0.meta.try_lock() else {
            return Ok(());
        };
        for (_, h) in &meta.hooks {
            if let Some(p) = h.payload() {
                visit(p)?;
            }
        }
        if let Some(node) = meta.grad_fn.as_ref().filter(|n| Arc::strong_count(n) == 1) {
            if let Some(hooks) = node.pre_hooks.try_lock() {
                for (_, _, h) in hooks.iter() {
                    if let Some(p) = h.payload() {
                        visit(p)?;
                    }
                }
            }
        }
        Ok(())
    }
    /// Drops the hooks `visit_hook_payloads` reports (the cycle collector breaking a cycle).
    pub fn clear_owned_hooks(&self) {
        if self.use_count() != 1 {
            return;
        }
        let (hooks, node) = {
            let mut meta = self.0.meta.lock();
            let node = meta.grad_fn.clone().filter(|n| Arc::strong_count(n) == 2);
            (std::mem::take(&mut meta.hooks), node)
        };
        // Dropped outside the locks: a hook's payload may run arbitrary code as it goes.
        let node_hooks = node.map(|n| std::mem::take(&mut *n.pre_hooks.lock()));
        drop((hooks, node_hooks));
    }
    /// `retain_grad()`: a non-leaf keeps its `.grad` after backward.
    pub fn retain_grad(&self) -> Result<()> {
        ensure!(
            self.requires_grad(),
            runtime,
            "can't retain_grad on Tensor that has requires_grad=False"
        );
        if let Some(f) = self.grad_fn() {
            f.add_retained(self.output_nr(), self);
            self.meta().retains_grad = true;
        }
        Ok(())
    }
    pub(crate) fn set_history(&self, grad_fn: Arc<Node>, output_nr: usize) {
        let mut m = self.meta();
        m.requires_grad = true;
        m.grad_fn = Some(grad_fn);
        m.output_nr = output_nr;
    }
    /// `detach_()`: drop history in place.
    pub fn detach_(&self) -> Result<()> {
        ensure!(
            !self.is_view() || self.base().map(|b| !b.requires_grad()).unwrap_or(true),
            runtime,
            "Can't detach views in-place. Use detach() instead."
        );
        let mut m = self.meta();
        m.grad_fn = None;
        m.requires_grad = false;
        m.output_nr = 0;
        Ok(())
    }
}

impl std::fmt::Debug for Tensor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Tensor(shape={}, dtype={}, device={})",
            shape_str(self.shape()),
            self.dtype().name(),
            self.device()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{binary, movement};

    #[test]
    fn requires_grad_is_an_accessor_that_never_records() {
        let leaf = Tensor::from_slice(&[1.0f64, 2.0, 3.0, 4.0], &[2, 2]).unwrap();
        leaf.set_requires_grad(true).unwrap();
        let base = binary::mul(&leaf, &Tensor::scalar(1.0f64)).unwrap();
        let view = movement::select(&base, 0, 0).unwrap();
        let before = view.0.meta.lock().grad_fn.clone().unwrap();
        binary::binary_("mul", &base, &Tensor::scalar(2.0f64)).unwrap();
        assert!(view.requires_grad());
        let after = view.0.meta.lock().grad_fn.clone().unwrap();
        assert!(
            Arc::ptr_eq(&before, &after),
            "requires_grad() recorded a node"
        );
        // Reading the history rebuilds it.
        assert_eq!(view.grad_fn().unwrap().name, "AsStridedBackward0");
    }
}

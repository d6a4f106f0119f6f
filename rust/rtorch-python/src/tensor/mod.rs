//! `rtorch.Tensor`: the class, its properties and Python protocols. Its methods live in
//! one file per family below; all of them only convert arguments and delegate to the engine.

pub mod blas;
pub mod histogram;
pub mod indexing;
pub mod inplace;
pub mod math;
pub mod operators;
pub mod reduce;
pub mod shape;
pub mod sorting;
pub mod subscript;
pub mod views;

use crate::convert::{self, operand};
use crate::errors::IntoPy;
use crate::types::{dtype_obj, size_obj, PyDType, PyDevice};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use rtorch::object_slot::ObjectSlot;
use rtorch::ops::{cast, movement};
use rtorch::{DType, Device, Scalar, Tensor};
use std::sync::atomic::{AtomicPtr, Ordering};

/// Work (elements) above which a call releases the GIL.
#[pyclass(name = "Tensor", module = "rtorch", subclass, dict, weakref, frozen)]
pub struct PyTensor {
    pub t: Tensor,
    claim: SlotClaim,
}

impl Drop for PyTensor {
    fn drop(&mut self) {
        self.claim.release(self.t.object());
    }
}

/// The live Python object in `slot`, if any (NOTE [ Python objects of tensors ]).
///
/// NOTE: a refcount of 0 is an object being deallocated right now (a weakref callback of
/// its own can run in between); it must not come back to life.
pub fn live_object<'py>(py: Python<'py>, slot: &ObjectSlot) -> Option<Bound<'py, PyAny>> {
    let obj = slot.get();
    if obj.is_null() || unsafe { pyo3::ffi::Py_REFCNT(obj.cast()) } <= 0 {
        return None;
    }
    Some(unsafe { Bound::from_borrowed_ptr(py, obj.cast()) })
}

/// What a Python object (a tensor's or a node's) remembers of the engine slot it fills,
/// so that it clears the slot when it dies, unless a newer object took it since.
#[derive(Default)]
pub struct SlotClaim(AtomicPtr<()>);

impl SlotClaim {
    /// Makes `obj` (the object holding this claim) the one in `slot`.
    pub fn claim(&self, slot: &ObjectSlot, obj: &Bound<'_, PyAny>) {
        let me: *mut () = obj.as_ptr().cast();
        self.0.store(me, Ordering::Relaxed);
        slot.set(me);
    }
    pub fn release(&mut self, slot: &ObjectSlot) {
        let me = *self.0.get_mut();
        if !me.is_null() {
            slot.clear_if(me);
        }
    }
}

/// A tensor on its way to Python: it becomes the tensor's existing Python object if it
/// has one (`x.grad is x.grad`), else a new `rtorch.Tensor` that takes the tensor's slot
/// (NOTE [ Python objects of tensors ]).
pub struct TensorOut(pub Tensor);

impl<'py> IntoPyObject<'py> for TensorOut {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if let Some(obj) = live_object(py, self.0.object()) {
            return Ok(obj);
        }
        let obj = Bound::new(py, PyTensor::unregistered(self.0))?.into_any();
        let me = obj.cast::<PyTensor>()?.get();
        me.claim.claim(me.t.object(), &obj);
        Ok(obj)
    }
}

impl TensorOut {
    pub fn into_py_any(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self.into_pyobject(py)?.unbind())
    }
}

impl PyTensor {
    /// `float(t)` / `int(t)` of a tensor that is not one element: PyTorch's ValueError.
    fn check_one_element(&self) -> PyResult<()> {
        if self.t.numel() != 1 {
            return Err(PyValueError::new_err(
                "only one element tensors can be converted to Python scalars",
            ));
        }
        Ok(())
    }

    /// `t` for Python: its existing object or a new one (see `TensorOut`).
    pub fn wrap(t: Tensor) -> TensorOut {
        TensorOut(t)
    }

    /// A new object that is not (yet) the one in `t`'s slot: what `Tensor.__new__` makes;
    /// `Tensor.__init__` then calls `_register`.
    fn unregistered(t: Tensor) -> PyTensor {
        PyTensor {
            t,
            claim: SlotClaim::default(),
        }
    }
}

pub type R = PyResult<TensorOut>;

pub fn ok(t: rtorch::Result<Tensor>) -> R {
    t.py().map(TensorOut)
}

fn type_name(o: &Bound<'_, PyAny>) -> String {
    o.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_default()
}

use pyo3::exceptions::PyValueError;

#[pymethods]
impl PyTensor {
    /// `Tensor(*sizes)` (uninitialized float), `Tensor(data)`, or `Tensor(_data=t)`
    /// (an alias, used by subclasses such as `nn.Parameter`).
    #[new]
    #[pyo3(signature = (*args, _data=None))]
    fn new(args: &Bound<'_, PyTuple>, _data: Option<&Bound<'_, PyTensor>>) -> PyResult<Self> {
        if let Some(d) = _data {
            return Ok(PyTensor::unregistered(d.get().t.detach()));
        }
        let df = rtorch::ops::default_float();
        if args.is_empty() {
            return Ok(PyTensor::unregistered(
                Tensor::zeros(&[0], df, Device::Cpu).py()?,
            ));
        }
        let first = args.get_item(0)?;
        if args.len() == 1 && !first.is_instance_of::<pyo3::types::PyInt>() {
            return Ok(PyTensor::unregistered(convert::tensor_from_data(
                &first,
                Some(df),
            )?));
        }
        let s = convert::usizes(&convert::sizes(args)?, "Tensor")?;
        Ok(PyTensor::unregistered(
            Tensor::zeros(&s, df, Device::Cpu).py()?,
        ))
    }

    /// Makes this object the tensor's Python object if it has none (`Tensor.__init__`
    /// calls it; `__new__` cannot know its object).
    fn _register(slf: &Bound<'_, Self>) {
        let me = slf.get();
        if live_object(slf.py(), me.t.object()).is_none() {
            me.claim.claim(me.t.object(), slf.as_any());
        }
    }

    // ----- properties -----

    #[getter]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        size_obj(py, self.t.shape())
    }
    #[pyo3(signature = (dim=None))]
    #[doc = doc_tensor!(size)]
    fn size<'py>(&self, py: Python<'py>, dim: Option<i64>) -> PyResult<Py<PyAny>> {
        match dim {
            None => Ok(size_obj(py, self.t.shape())?.unbind()),
            Some(d) => {
                let d = rtorch::layout::wrap_dim_strict(d, self.t.ndim()).py()?;
                Ok(self.t.shape()[d].into_pyobject(py)?.into_any().unbind())
            }
        }
    }
    #[pyo3(signature = (dim=None))]
    #[doc = doc_tensor!(stride)]
    fn stride<'py>(&self, py: Python<'py>, dim: Option<i64>) -> PyResult<Py<PyAny>> {
        match dim {
            None => Ok(PyTuple::new(py, self.t.strides())?.into_any().unbind()),
            Some(d) => {
                let d = rtorch::layout::wrap_dim_strict(d, self.t.ndim()).py()?;
                Ok(self.t.strides()[d].into_pyobject(py)?.into_any().unbind())
            }
        }
    }
    #[getter]
    fn dtype(&self, py: Python<'_>) -> Py<PyDType> {
        dtype_obj(py, self.t.dtype())
    }
    #[getter]
    fn device(&self) -> PyDevice {
        PyDevice::of(self.t.device())
    }
    #[getter]
    fn is_cuda(&self) -> bool {
        self.t.device() != rtorch::Device::Cpu
    }
    #[getter]
    fn ndim(&self) -> usize {
        self.t.ndim()
    }
    #[doc = doc_tensor!(dim)]
    fn dim(&self) -> usize {
        self.t.ndim()
    }
    #[doc = doc_tensor!(ndimension)]
    fn ndimension(&self) -> usize {
        self.t.ndim()
    }
    #[doc = doc_tensor!(numel)]
    fn numel(&self) -> usize {
        self.t.numel()
    }
    #[doc = doc_tensor!(nelement)]
    fn nelement(&self) -> usize {
        self.t.numel()
    }
    #[doc = doc_tensor!(element_size)]
    fn element_size(&self) -> usize {
        self.t.dtype().itemsize()
    }
    #[getter]
    fn itemsize(&self) -> usize {
        self.t.dtype().itemsize()
    }
    #[getter]
    fn nbytes(&self) -> usize {
        self.t.numel() * self.t.dtype().itemsize()
    }
    #[pyo3(signature = (memory_format=None))]
    #[doc = doc_tensor!(is_contiguous)]
    fn is_contiguous(&self, memory_format: Option<&Bound<'_, PyAny>>) -> PyResult<bool> {
        Ok(
            match crate::options::memory_format("is_contiguous", memory_format)? {
                None => self.t.is_contiguous(),
                Some(f) => self.t.layout().is_contiguous_as(f),
            },
        )
    }
    #[doc = doc_tensor!(is_floating_point)]
    fn is_floating_point(&self) -> bool {
        self.t.dtype().is_floating_point()
    }
    #[doc = doc_tensor!(is_inference)]
    fn is_inference(&self) -> bool {
        self.t.is_inference()
    }
    #[doc = doc_tensor!(is_complex)]
    fn is_complex(&self) -> bool {
        false
    }
    #[doc = doc_tensor!(storage_offset)]
    fn storage_offset(&self) -> usize {
        self.t.storage_offset()
    }
    #[doc = doc_tensor!(data_ptr)]
    fn data_ptr(&self) -> usize {
        self.t.data_addr()
    }
    #[getter]
    fn _version(&self) -> u32 {
        self.t.version()
    }
    #[getter]
    fn _base(&self) -> Option<TensorOut> {
        self.t.base().cloned().map(PyTensor::wrap)
    }
    fn _is_view(&self) -> bool {
        self.t.is_view()
    }
    /// Identity of the underlying storage (for `untyped_storage().data_ptr()`-style checks).
    fn _storage_id(&self) -> usize {
        self.t.storage().as_ptr() as usize
    }

    // ----- autograd state -----

    #[getter]
    fn get_requires_grad(&self) -> bool {
        self.t.requires_grad()
    }
    #[setter]
    fn set_requires_grad(&self, v: bool) -> PyResult<()> {
        self.t.set_requires_grad(v).py()
    }
    #[pyo3(signature = (requires_grad=true))]
    #[doc = doc_tensor!(requires_grad_)]
    fn requires_grad_<'py>(
        slf: &Bound<'py, Self>,
        requires_grad: bool,
    ) -> PyResult<Bound<'py, Self>> {
        slf.get().t.set_requires_grad(requires_grad).py()?;
        Ok(slf.clone())
    }
    #[getter]
    fn get_grad(&self, py: Python<'_>) -> PyResult<Option<TensorOut>> {
        let grad = self.t.grad();
        if grad.is_none() && !self.t.is_leaf() && !self.t.retains_grad() {
            // PyTorch's hint: backward never fills a non-leaf's .grad without retain_grad().
            PyErr::warn(
                py,
                &py.get_type::<pyo3::exceptions::PyUserWarning>(),
                c"The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more information.",
                1,
            )?;
        }
        Ok(grad.map(PyTensor::wrap))
    }
    #[setter]
    fn set_grad(&self, g: Option<&Bound<'_, PyTensor>>) -> PyResult<()> {
        self.t.set_grad(g.map(|g| g.get().t.clone())).py()
    }
    #[getter]
    fn is_leaf(&self) -> bool {
        self.t.is_leaf()
    }
    #[getter]
    fn grad_fn(&self) -> Option<crate::autograd::NodeOut> {
        self.t.grad_fn().map(crate::autograd::NodeOut)
    }
    #[getter]
    fn output_nr(&self) -> usize {
        self.t.output_nr()
    }
    #[getter]
    fn retains_grad(&self) -> bool {
        self.t.retains_grad()
    }
    #[doc = doc_tensor!(retain_grad)]
    fn retain_grad(&self) -> PyResult<()> {
        self.t.retain_grad().py()
    }
    #[doc = doc_tensor!(detach)]
    fn detach(&self) -> TensorOut {
        PyTensor::wrap(self.t.detach())
    }
    #[doc = doc_tensor!(detach_)]
    fn detach_<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, Self>> {
        slf.get().t.detach_().py()?;
        Ok(slf.clone())
    }
    /// `.data`: same memory, no history, its own version counter.
    #[getter]
    fn data(&self) -> TensorOut {
        PyTensor::wrap(self.t.data_alias())
    }
    #[setter(data)]
    fn set_data(&self, v: &Bound<'_, PyAny>) -> PyResult<()> {
        let new = v.cast::<PyTensor>().map_err(|_| {
            pyo3::exceptions::PyTypeError::new_err(format!(
                "Variable data has to be a tensor, but got {}",
                v.get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ))
        })?;
        self.t.set_data(&new.get().t).py()
    }

    // ----- conversion -----

    #[doc = doc_tensor!(item)]
    fn item(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        convert::scalar_to_py(py, convert::item(&self.t)?)
    }
    #[doc = doc_tensor!(tolist)]
    fn tolist(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let a = convert::to_numpy(
            py,
            &cast::to_dtype(
                &self.t,
                if self.t.dtype() == DType::BF16 {
                    DType::F32
                } else {
                    self.t.dtype()
                },
            )
            .py()?,
            true,
        )?;
        Ok(a.bind(py).call_method0("tolist")?.unbind())
    }
    #[pyo3(signature = (*, force=false))]
    #[doc = doc_tensor!(numpy)]
    fn numpy(&self, py: Python<'_>, force: bool) -> PyResult<Py<PyAny>> {
        convert::to_numpy(py, &self.t, force)
    }
    #[pyo3(signature = (dtype=None, copy=None))]
    fn __array__(
        &self,
        py: Python<'_>,
        dtype: Option<&Bound<'_, PyAny>>,
        copy: Option<bool>,
    ) -> PyResult<Py<PyAny>> {
        let _ = copy;
        let a = convert::to_numpy(py, &self.t.detach(), true)?;
        match dtype {
            Some(d) if !d.is_none() => Ok(a.bind(py).call_method1("astype", (d,))?.unbind()),
            _ => Ok(a),
        }
    }

    // ----- protocols -----

    fn __len__(&self) -> PyResult<usize> {
        if self.t.ndim() == 0 {
            return Err(PyTypeError::new_err("len() of a 0-d tensor"));
        }
        Ok(self.t.shape()[0])
    }
    fn __bool__(&self) -> PyResult<bool> {
        if self.t.numel() != 1 {
            return Err(PyRuntimeError::new_err(format!(
                "Boolean value of Tensor with {} values is ambiguous",
                if self.t.numel() == 0 {
                    "no".to_string()
                } else {
                    "more than one".to_string()
                }
            )));
        }
        Ok(match convert::item(&self.t)? {
            Scalar::Bool(b) => b,
            Scalar::Int(i) => i != 0,
            Scalar::Float(f) => f != 0.0,
        })
    }
    fn __float__(&self) -> PyResult<f64> {
        self.check_one_element()?;
        Ok(convert::item(&self.t)?.to_f64())
    }
    fn __int__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.check_one_element()?;
        match convert::item(&self.t)? {
            // Python's own float -> int: exact for big values, ValueError for NaN and
            // OverflowError for infinities, as in PyTorch.
            Scalar::Float(f) => Ok(pyo3::types::PyFloat::new(py, f)
                .call_method0("__int__")?
                .unbind()),
            s => Ok(s.to_i64().into_pyobject(py)?.into_any().unbind()),
        }
    }
    fn __index__(&self) -> PyResult<i64> {
        if self.t.dtype().is_floating_point() || self.t.numel() != 1 {
            return Err(PyTypeError::new_err(
                "only integer tensors of a single element can be converted to an index",
            ));
        }
        Ok(convert::item(&self.t)?.to_i64())
    }
    fn __hash__(&self) -> usize {
        self.t.id()
    }
    fn __getitem__(&self, idx: &Bound<'_, PyAny>) -> R {
        let sub = subscript::parse(&self.t, idx)?;
        if !sub.advanced.is_empty() {
            let (v, a) = (&sub.view, &sub.advanced);
            return crate::ok!(idx.py(), v.numel(), || rtorch::ops::advanced::index(v, a));
        }
        let view = sub.view;
        if view.id() == self.t.id() {
            // `x[...]` (or `x[()]`) is still a new view of `x`, with AliasBackward0.
            return crate::ok!(movement::alias(&view));
        }
        Ok(PyTensor::wrap(view))
    }
    fn __setitem__(
        &self,
        py: Python<'_>,
        idx: &Bound<'_, PyAny>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        // torch takes tensors, Python numbers and integer-like values only: an ndarray, a
        // NumPy float or bool scalar is a TypeError (checked before the index, as there).
        if !value.is_instance_of::<PyTensor>()
            && !value.is_instance_of::<pyo3::types::PyFloat>()
            && !value.is_instance_of::<pyo3::types::PyInt>()
            && (if convert::is_numpy_generic(value)? {
                !value.hasattr("__index__")?
            } else {
                value.hasattr("__array_interface__")?
            })
        {
            let ty = value.get_type();
            return Err(PyTypeError::new_err(format!(
                "can't assign a {}.{} to a torch.{}",
                ty.getattr("__module__")?,
                ty.name()?,
                self.t.dtype().legacy_name()
            )));
        }
        let sub = subscript::parse(&self.t, idx)?;
        let view = sub.view;
        let src = match operand(value)? {
            Some(v) => v,
            // PyTorch takes tensors and numbers only (NumPy values go through
            // `__array__`); a list is a TypeError.
            None if value.is_instance_of::<pyo3::types::PyList>()
                || value.is_instance_of::<PyTuple>() =>
            {
                return Err(PyTypeError::new_err(format!(
                    "can't assign a {} to a torch.{}",
                    type_name(value),
                    self.t.dtype().legacy_name()
                )));
            }
            None => convert::tensor_from_data(value, Some(self.t.dtype()))?,
        };
        // torch: `x[False] = v` is a no-op once the value converted (no shape check, no
        // history); `x[(False,)]` is not special.
        if idx.is_exact_instance_of::<pyo3::types::PyBool>() && !idx.is_truthy()? {
            return Ok(());
        }
        if !sub.advanced.is_empty() {
            // Values take the tensor's dtype first, as PyTorch's setitem does.
            let a = &sub.advanced;
            let v = cast::to_dtype(&src, view.dtype()).py()?;
            // PyTorch drops every leading unit dim of the value before index_put_.
            let lead = v.shape().iter().take_while(|&&s| s == 1).count();
            let v = if lead > 0 {
                let keep: Vec<i64> = v.shape()[lead..].iter().map(|&s| s as i64).collect();
                movement::reshape(&v, &keep).py()?
            } else {
                v
            };
            return crate::engine!(py, v.numel(), || rtorch::ops::advanced::index_put_(
                &view, a, &v, false
            ));
        }
        // PyTorch drops leading unit dims of the value (`x[0] = ones(1, 1, 3)`).
        let extra = src.ndim().saturating_sub(view.ndim());
        let src = if extra > 0 && src.shape()[..extra].iter().all(|&s| s == 1) {
            let keep: Vec<i64> = src.shape()[extra..].iter().map(|&s| s as i64).collect();
            movement::reshape(&src, &keep).py()?
        } else {
            src
        };
        crate::engine!(py, view.numel(), || movement::copy_(&view, &src))
    }
}

/// `t` as a Python object: `orig` itself when `t` is the very tensor `orig` wraps (ops that
/// PyTorch answers with their input, e.g. a flatten that merges nothing).
pub fn same_or_wrap(orig: &Bound<'_, PyTensor>, t: Tensor) -> PyResult<Py<PyAny>> {
    if t.id() == orig.get().t.id() {
        return Ok(orig.clone().into_any().unbind());
    }
    PyTensor::wrap(t).into_py_any(orig.py())
}

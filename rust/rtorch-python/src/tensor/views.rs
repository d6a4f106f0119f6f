//! `rtorch.Tensor` methods that change shape, layout, dtype or device, and in-place fills.

use crate::convert::{self, dims, scalar_req};
use crate::errors::IntoPy;
use crate::options;
use crate::tensor::math::not_available_cuda;
use crate::tensor::{PyTensor, R};
use crate::types::PyDevice;
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyTuple};
use rtorch::layout::MemoryFormat;
use rtorch::ops::{cast, factory, join, movement};
use rtorch::{DType, Device, Tensor};

fn wrap_list(py: Python<'_>, v: Vec<Tensor>) -> PyResult<Bound<'_, PyTuple>> {
    PyTuple::new(py, v.into_iter().map(PyTensor::wrap))
}

#[pymethods]
impl PyTensor {
    // ----- views -----

    #[pyo3(signature = (*shape))]
    #[doc = doc_views!(view)]
    fn view(&self, shape: &Bound<'_, PyTuple>) -> R {
        if shape.len() == 1 {
            if let Ok(Some(d)) = convert::dtype(Some(&shape.get_item(0)?)) {
                return crate::ok!(movement::view_dtype(&self.t, d));
            }
        }
        crate::ok!(movement::view(
            &self.t,
            &convert::sizes_req(shape, "view", "size")?,
        ))
    }
    #[pyo3(signature = (*shape))]
    #[doc = doc_views!(reshape)]
    fn reshape(&self, shape: &Bound<'_, PyTuple>) -> R {
        crate::ok!(movement::reshape(
            &self.t,
            &convert::sizes_req(shape, "reshape", "shape")?,
        ))
    }
    #[doc = doc_views!(view_as)]
    fn view_as(&self, other: &Bound<'_, PyTensor>) -> R {
        let s: Vec<i64> = other.get().t.shape().iter().map(|&d| d as i64).collect();
        crate::ok!(movement::view(&self.t, &s))
    }
    #[doc = doc_views!(reshape_as)]
    fn reshape_as(&self, other: &Bound<'_, PyTensor>) -> R {
        let s: Vec<i64> = other.get().t.shape().iter().map(|&d| d as i64).collect();
        crate::ok!(movement::reshape(&self.t, &s))
    }
    #[pyo3(signature = (*dims))]
    #[doc = doc_views!(permute)]
    fn permute(&self, dims: &Bound<'_, PyTuple>) -> R {
        crate::ok!(movement::permute(
            &self.t,
            &convert::sizes_req(dims, "permute", "dims")?,
        ))
    }
    #[doc = doc_views!(transpose)]
    fn transpose(&self, dim0: i64, dim1: i64) -> R {
        crate::ok!(movement::transpose(&self.t, dim0, dim1))
    }
    #[doc = doc_views!(swapaxes)]
    fn swapaxes(&self, dim0: i64, dim1: i64) -> R {
        crate::ok!(movement::transpose(&self.t, dim0, dim1))
    }
    #[doc = doc_views!(t)]
    fn t(&self) -> R {
        crate::ok!(movement::t(&self.t))
    }
    #[getter(T)]
    fn big_t(&self) -> R {
        let n = self.t.ndim() as i64;
        let rev: Vec<i64> = (0..n).rev().collect();
        crate::ok!(movement::permute(&self.t, &rev))
    }
    #[getter(mT)]
    fn m_t(&self) -> R {
        if self.t.ndim() < 2 {
            return Err(PyRuntimeError::new_err(format!(
                "tensor.mT is only supported on matrices or batches of matrices. Got {}-D tensor.",
                self.t.ndim()
            )));
        }
        crate::ok!(movement::transpose(&self.t, -2, -1))
    }
    #[pyo3(signature = (*sizes))]
    #[doc = doc_views!(expand)]
    fn expand(&self, sizes: &Bound<'_, PyTuple>) -> R {
        crate::ok!(movement::expand_i64(
            &self.t,
            &convert::sizes_req(sizes, "expand", "size")?,
        ))
    }
    #[doc = doc_views!(expand_as)]
    fn expand_as(&self, other: &Bound<'_, PyTensor>) -> R {
        crate::ok!(movement::expand(&self.t, other.get().t.shape()))
    }
    #[doc = doc_views!(narrow)]
    fn narrow(&self, dim: i64, start: &Bound<'_, PyAny>, length: i64) -> R {
        crate::ok!(movement::narrow(
            &self.t,
            dim,
            convert::index_arg(start)?,
            length,
        ))
    }
    #[doc = doc_views!(select)]
    fn select(&self, dim: i64, index: &Bound<'_, PyAny>) -> R {
        crate::ok!(movement::select(&self.t, dim, convert::index_arg(index)?))
    }
    #[pyo3(signature = (dim=None, *, axis=None))]
    #[doc = doc_views!(unsqueeze)]
    fn unsqueeze(&self, dim: Option<i64>, axis: Option<i64>) -> R {
        let dim = convert::numpy_alias("unsqueeze", dim, axis, "axis")?;
        let dim = dim.ok_or_else(|| convert::missing_dim("unsqueeze"))?;
        crate::ok!(movement::unsqueeze(&self.t, dim))
    }
    #[pyo3(signature = (dim=None, *, axis=None))]
    #[doc = doc_views!(squeeze)]
    fn squeeze(&self, dim: Option<&Bound<'_, PyAny>>, axis: Option<&Bound<'_, PyAny>>) -> R {
        let d = dims(convert::numpy_alias("squeeze", dim, axis, "axis")?)?;
        crate::ok!(movement::squeeze(&self.t, d.as_deref()))
    }
    #[pyo3(signature = (start_dim=0, end_dim=-1))]
    #[doc = doc_views!(flatten)]
    fn flatten<'py>(slf: &Bound<'py, Self>, start_dim: i64, end_dim: i64) -> PyResult<Py<PyAny>> {
        let t = movement::flatten(&slf.get().t, start_dim, end_dim).py()?;
        crate::tensor::same_or_wrap(slf, t)
    }
    #[doc = doc_views!(unflatten)]
    fn unflatten(&self, dim: i64, sizes: Vec<i64>) -> R {
        crate::ok!(movement::unflatten(&self.t, dim, &sizes))
    }
    #[pyo3(signature = (dim=0))]
    #[doc = doc_views!(unbind)]
    fn unbind<'py>(&self, py: Python<'py>, dim: i64) -> PyResult<Bound<'py, PyTuple>> {
        wrap_list(py, join::unbind(&self.t, dim).py()?)
    }
    #[pyo3(signature = (split_size_or_sections, dim=0))]
    #[doc = doc_views!(split)]
    fn split<'py>(
        &self,
        py: Python<'py>,
        split_size_or_sections: &Bound<'_, PyAny>,
        dim: i64,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let parts = if let Ok(n) = split_size_or_sections.extract::<i64>() {
            if n < 0 {
                return Err(pyo3::exceptions::PyRuntimeError::new_err(format!(
                    "split expects split_size be non-negative, but got split_size={n}"
                )));
            }
            join::split(&self.t, n as usize, dim)
        } else {
            let sizes: Vec<usize> = split_size_or_sections.extract()?;
            join::split_sizes(&self.t, &sizes, dim)
        };
        wrap_list(py, parts.py()?)
    }
    #[pyo3(signature = (chunks, dim=0))]
    #[doc = doc_views!(chunk)]
    fn chunk<'py>(&self, py: Python<'py>, chunks: i64, dim: i64) -> PyResult<Bound<'py, PyTuple>> {
        // Negative counts get the engine's "greater than 0" RuntimeError, as in PyTorch.
        let chunks = usize::try_from(chunks).unwrap_or(0);
        wrap_list(py, join::chunk(&self.t, chunks, dim).py()?)
    }
    #[pyo3(signature = (offset=0, dim1=0, dim2=1))]
    #[doc = doc_views!(diagonal)]
    fn diagonal(&self, offset: i64, dim1: i64, dim2: i64) -> R {
        crate::ok!(movement::diagonal(&self.t, offset, dim1, dim2))
    }
    #[pyo3(signature = (size, stride, storage_offset=None))]
    #[doc = doc_views!(as_strided)]
    fn as_strided(&self, size: Vec<usize>, stride: Vec<isize>, storage_offset: Option<i64>) -> R {
        let offset = match storage_offset {
            Some(o) if o < 0 => {
                return Err(PyRuntimeError::new_err(format!(
                    "Tensor: invalid storage offset {o}"
                )))
            }
            o => o.map(|o| o as usize),
        };
        crate::ok!(movement::as_strided(&self.t, &size, &stride, offset))
    }
    #[pyo3(signature = (*dims))]
    #[doc = doc_views!(flip)]
    fn flip(&self, dims: &Bound<'_, PyTuple>) -> R {
        crate::ok!(movement::flip(
            &self.t,
            &convert::sizes_req(dims, "flip", "dims")?,
        ))
    }
    #[pyo3(signature = (memory_format=None))]
    #[doc = doc_views!(contiguous)]
    fn contiguous<'py>(
        slf: &Bound<'py, Self>,
        memory_format: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let format = options::memory_format("contiguous", memory_format)?;
        let format = format.unwrap_or(MemoryFormat::Contiguous);
        let t = &slf.get().t;
        // torch returns the tensor itself when it already is contiguous (`x.contiguous() is x`).
        if t.layout().is_contiguous_as(format) {
            return Ok(slf.clone().into_any());
        }
        let out = crate::ok!(slf.py(), t.numel(), || movement::contiguous_as(t, format))?;
        out.into_pyobject(slf.py())
    }
    #[pyo3(signature = (*, memory_format=None))]
    #[doc = doc_views!(clone)]
    fn clone(&self, py: Python<'_>, memory_format: Option<&Bound<'_, PyAny>>) -> R {
        let format = options::memory_format("clone", memory_format)?;
        let format = format.unwrap_or(MemoryFormat::Preserve);
        crate::ok!(py, self.t.numel(), || movement::clone_as(&self.t, format))
    }

    // ----- in-place fills and copies -----

    #[pyo3(signature = (src, non_blocking=false))]
    #[doc = doc_views!(copy_)]
    fn copy_<'py>(
        slf: &Bound<'py, Self>,
        src: &Bound<'_, PyTensor>,
        non_blocking: bool,
    ) -> PyResult<Bound<'py, Self>> {
        let _ = non_blocking;
        let (t, s) = (&slf.get().t, &src.get().t);
        crate::engine!(slf.py(), t.numel(), || movement::copy_(t, s))?;
        Ok(slf.clone())
    }
    #[doc = doc_views!(fill_)]
    fn fill_<'py>(slf: &Bound<'py, Self>, value: &Bound<'_, PyAny>) -> PyResult<Bound<'py, Self>> {
        let t = &slf.get().t;
        // A 0-dim tensor value keeps its history: the gradient of the fill flows to it.
        if let Ok(v) = value.cast::<PyTensor>() {
            let v = &v.get().t;
            if v.ndim() != 0 {
                return Err(PyRuntimeError::new_err(format!(
                    "fill_ only supports 0-dimension value tensor but got tensor with {} dimensions.",
                    v.ndim()
                )));
            }
            crate::engine!(slf.py(), t.numel(), || movement::fill_(t, v, "fill_"))?;
            return Ok(slf.clone());
        }
        let v = scalar_req(value, "fill_(): argument 'value'")?;
        factory::check_fill_value(v, t.dtype(), t.numel()).py()?;
        let src = factory::full(&[], v, t.dtype(), t.device()).py()?;
        crate::engine!(slf.py(), t.numel(), || movement::fill_(t, &src, "fill_"))?;
        Ok(slf.clone())
    }
    #[doc = doc_views!(zero_)]
    fn zero_<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, Self>> {
        let t = &slf.get().t;
        let zero = t.new_zeros(&[], t.dtype()).py()?;
        crate::engine!(slf.py(), t.numel(), || movement::fill_(t, &zero, "zero_"))?;
        Ok(slf.clone())
    }

    // ----- dtype and device conversion -----

    // `to(dtype)`, `to(device)`, `to(device, dtype)`, `to(tensor)`, each with optional
    // positional `non_blocking` and `copy` after it, and keywords.
    // `non_blocking` changes nothing here: a CPU copy has finished when `to` returns
    // (torch's CPU build ignores it too).
    #[pyo3(signature = (*args, dtype=None, device=None, non_blocking=false, copy=false, memory_format=None))]
    #[doc = doc_views!(to)]
    fn to(
        &self,
        py: Python<'_>,
        args: &Bound<'_, PyTuple>,
        dtype: Option<&Bound<'_, PyAny>>,
        device: Option<&Bound<'_, PyAny>>,
        non_blocking: bool,
        copy: bool,
        memory_format: Option<&Bound<'_, PyAny>>,
    ) -> R {
        let _synchronous_anyway = non_blocking;
        let format = options::memory_format("to", memory_format)?;
        let mut dt = convert::dtype(dtype)?;
        let mut dev = convert::device_spec(device)?;
        let (mut copy, mut flags) = (copy, 0);
        for a in args.iter() {
            // NOTE: bools first: `True` would otherwise read as the device index 1.
            if a.is_instance_of::<PyBool>() && flags < 2 {
                flags += 1; // non_blocking, then copy
                copy |= flags == 2 && a.is_truthy()?;
                continue;
            }
            if let Ok(other) = a.cast::<PyTensor>() {
                dt = Some(other.get().t.dtype());
                dev = Some(PyDevice::of(other.get().t.device()));
                continue;
            }
            if let Ok(Some(d)) = convert::dtype(Some(&a)) {
                dt = Some(d);
                continue;
            }
            if let Ok(Some(d)) = convert::device_spec(Some(&a)) {
                dev = Some(d);
                continue;
            }
            return Err(PyTypeError::new_err(format!(
                "to() received an invalid combination of arguments: {a}"
            )));
        }
        // NOTE: 'cpu:0' is not the device of a CPU tensor ('cpu'), so torch copies.
        if let Some(d) = dev {
            if d.device != self.t.device() {
                return Err(not_available_cuda());
            }
            copy |= d != PyDevice::of(self.t.device());
        }
        let target = dt.unwrap_or(self.t.dtype());
        let format = format.unwrap_or(MemoryFormat::Preserve);
        crate::ok!(py, self.t.numel(), || cast::to_copy(
            &self.t, target, format, copy
        ))
    }
    #[pyo3(signature = (device=None, non_blocking=false))]
    #[doc = doc_views!(cuda)]
    fn cuda(&self, device: Option<&Bound<'_, PyAny>>, non_blocking: bool) -> R {
        let _ = (device, non_blocking);
        Err(not_available_cuda())
    }
    #[pyo3(signature = (memory_format=None))]
    #[doc = doc_views!(cpu)]
    fn cpu(&self, py: Python<'_>, memory_format: Option<&Bound<'_, PyAny>>) -> R {
        let format = options::memory_format("cpu", memory_format)?;
        if self.t.device() != Device::Cpu {
            return Err(not_available_cuda());
        }
        let (t, format) = (&self.t, format.unwrap_or(MemoryFormat::Preserve));
        crate::ok!(py, t.numel(), || cast::to_copy(t, t.dtype(), format, false))
    }
    #[pyo3(signature = (dtype=None))]
    fn r#type(&self, py: Python<'_>, dtype: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        match convert::dtype(dtype)? {
            None => Ok(format!("torch.{}", self.t.dtype().legacy_name())
                .into_pyobject(py)?
                .into_any()
                .unbind()),
            Some(d) => {
                let t = crate::engine!(py, self.t.numel(), || cast::to_dtype(&self.t, d))?;
                PyTensor::wrap(t).into_py_any(py)
            }
        }
    }
    #[doc = doc_views!(float)]
    fn float(&self, py: Python<'_>) -> R {
        crate::ok!(py, self.t.numel(), || cast::to_dtype(&self.t, DType::F32))
    }
    #[doc = doc_views!(double)]
    fn double(&self, py: Python<'_>) -> R {
        crate::ok!(py, self.t.numel(), || cast::to_dtype(&self.t, DType::F64))
    }
    #[doc = doc_views!(half)]
    fn half(&self, py: Python<'_>) -> R {
        crate::ok!(py, self.t.numel(), || cast::to_dtype(&self.t, DType::F16))
    }
    #[doc = doc_views!(bfloat16)]
    fn bfloat16(&self, py: Python<'_>) -> R {
        crate::ok!(py, self.t.numel(), || cast::to_dtype(&self.t, DType::BF16))
    }
    #[doc = doc_views!(long)]
    fn long(&self, py: Python<'_>) -> R {
        crate::ok!(py, self.t.numel(), || cast::to_dtype(&self.t, DType::I64))
    }
    #[doc = doc_views!(int)]
    fn int(&self, py: Python<'_>) -> R {
        crate::ok!(py, self.t.numel(), || cast::to_dtype(&self.t, DType::I32))
    }
    #[doc = doc_views!(short)]
    fn short(&self, py: Python<'_>) -> R {
        crate::ok!(py, self.t.numel(), || cast::to_dtype(&self.t, DType::I16))
    }
    #[doc = doc_views!(char)]
    fn char(&self, py: Python<'_>) -> R {
        crate::ok!(py, self.t.numel(), || cast::to_dtype(&self.t, DType::I8))
    }
    #[doc = doc_views!(byte)]
    fn byte(&self, py: Python<'_>) -> R {
        crate::ok!(py, self.t.numel(), || cast::to_dtype(&self.t, DType::U8))
    }
    #[doc = doc_views!(bool)]
    fn bool(&self, py: Python<'_>) -> R {
        crate::ok!(py, self.t.numel(), || cast::to_dtype(&self.t, DType::Bool))
    }
}

//! Argument conversion between Python objects and engine values. Nothing here computes.

use crate::errors::IntoPy;
use crate::tensor::PyTensor;
use crate::types::{parse_device, PyDType, PyDevice};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PySequence, PyTuple};
use rtorch::layout::Layout;
use rtorch::storage::Storage;
use rtorch::{DType, Device, Scalar, Tensor};

/// A Python number as an engine scalar (bool before int: bool subclasses int).
pub fn scalar(obj: &Bound<'_, PyAny>) -> PyResult<Option<Scalar>> {
    if let Ok(b) = obj.cast_exact::<PyBool>() {
        return Ok(Some(Scalar::Bool(b.is_true())));
    }
    if obj.is_instance_of::<PyInt>() {
        return match obj.extract::<i64>() {
            Ok(i) => Ok(Some(Scalar::Int(i))),
            Err(_) => Err(PyRuntimeError::new_err(format!(
                "Overflow when unpacking long: {obj}"
            ))),
        };
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(Some(Scalar::Float(f.value())));
    }
    // NumPy scalars (np.bool_, integer and floating types) are numbers; a 0-d ndarray is
    // not (PyTorch hands it to NumPy, see NOTE [ Operators and foreign operands ]).
    if obj.hasattr("dtype")? && !obj.is_instance_of::<PyTensor>() && is_numpy_generic(obj)? {
        let v = obj.call_method0("item")?;
        // NOTE: PyTorch reads `np.bool_` as a float number (`ones(3) - np.bool_(True)` is
        // zeros, `bool_tensor + np.bool_(True)` is float32), not as a Python bool.
        if let Ok(b) = v.cast_exact::<PyBool>() {
            return Ok(Some(Scalar::Float(b.is_true() as u8 as f64)));
        }
        return scalar(&v);
    }
    Ok(None)
}

pub fn is_numpy_generic(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    static GENERIC: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let py = obj.py();
    let generic = GENERIC.get_or_try_init(py, || -> PyResult<_> {
        Ok(py.import("numpy")?.getattr("generic")?.unbind())
    })?;
    obj.is_instance(generic.bind(py))
}

use pyo3::exceptions::PyRuntimeError;

/// A tensor operand: a tensor, or a Python number wrapped as a 0-dim tensor.
pub fn operand(obj: &Bound<'_, PyAny>) -> PyResult<Option<Tensor>> {
    if let Ok(t) = obj.cast::<PyTensor>() {
        return Ok(Some(t.get().t.clone()));
    }
    Ok(scalar(obj)?.map(Tensor::wrapped_scalar))
}

/// An operator's right-hand side: extraction fails for a foreign object, which pyo3 turns
/// into `NotImplemented` for operator slots (in-place ones included).
pub struct Operand(pub Tensor);

impl<'a, 'py> FromPyObject<'a, 'py> for Operand {
    type Error = PyErr;
    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        operand(&obj)?
            .map(Operand)
            .ok_or_else(|| PyTypeError::new_err("not a tensor operand"))
    }
}

/// Like `operand` but raising PyTorch's TypeError for anything else.
pub fn operand_req(obj: &Bound<'_, PyAny>, op: &str, arg: &str) -> PyResult<Tensor> {
    operand(obj)?.ok_or_else(|| {
        PyTypeError::new_err(format!(
            "{op}(): argument '{arg}' must be Tensor, not {}",
            obj.get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        ))
    })
}

/// A scalar argument that may also be given as a one-element tensor.
pub fn scalar_req(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Scalar> {
    if let Some(s) = scalar(obj)? {
        return Ok(s);
    }
    if let Ok(t) = obj.cast::<PyTensor>() {
        return item(&t.get().t);
    }
    Err(PyTypeError::new_err(format!(
        "{what} must be a number, not {}",
        obj.get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default()
    )))
}

/// The value of a one-element tensor.
pub fn item(t: &Tensor) -> PyResult<Scalar> {
    if t.numel() != 1 {
        return Err(PyRuntimeError::new_err(format!(
            "a Tensor with {} elements cannot be converted to Scalar",
            t.numel()
        )));
    }
    Ok(match t.dtype() {
        DType::Bool => Scalar::Bool(t.to_vec::<bool>().py()?[0]),
        d if d.is_floating_point() => Scalar::Float(t.to_vec::<f64>().py()?[0]),
        _ => Scalar::Int(t.to_vec::<i64>().py()?[0]),
    })
}

pub fn scalar_to_py(py: Python<'_>, s: Scalar) -> PyResult<Py<PyAny>> {
    Ok(match s {
        Scalar::Bool(b) => PyBool::new(py, b).to_owned().into_any().unbind(),
        Scalar::Int(i) => i.into_pyobject(py)?.into_any().unbind(),
        Scalar::Float(f) => f.into_pyobject(py)?.into_any().unbind(),
    })
}

/// `dim` arguments: None, an int, or a sequence of ints.
pub fn dims(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<i64>>> {
    let Some(obj) = obj else { return Ok(None) };
    if obj.is_none() {
        return Ok(None);
    }
    if let Ok(i) = obj.extract::<i64>() {
        return Ok(Some(vec![i]));
    }
    if obj.is_instance_of::<PyTuple>() || obj.is_instance_of::<PyList>() {
        return Ok(Some(obj.extract::<Vec<i64>>()?));
    }
    Err(PyTypeError::new_err(format!(
        "dim must be an int or a tuple of ints, not {}",
        obj.get_type().name()?
    )))
}

/// `sizes` for a parameter PyTorch requires (`zeros()`, `x.view()`, `x.flip()` are
/// TypeErrors there; `zeros(())` is a 0-dim tensor).
pub fn sizes_req(args: &Bound<'_, PyTuple>, op: &str, what: &str) -> PyResult<Vec<i64>> {
    if args.is_empty() {
        return Err(PyTypeError::new_err(format!(
            "{op}() missing 1 required positional arguments: \"{what}\""
        )));
    }
    sizes(args)
}

/// Sizes given as varargs (`zeros(2, 3)`) or one sequence (`zeros((2, 3))`).
pub fn sizes(args: &Bound<'_, PyTuple>) -> PyResult<Vec<i64>> {
    if args.len() == 1 {
        let a = args.get_item(0)?;
        if !a.is_instance_of::<PyInt>() {
            if let Ok(s) = a.cast::<PySequence>() {
                return s.try_iter()?.map(|v| index_arg(&v?)).collect();
            }
        }
    }
    args.iter().map(|v| index_arg(&v)).collect()
}

/// An integer argument (ints, 0-dim integer tensors, objects with `__index__`).
pub fn index_arg(obj: &Bound<'_, PyAny>) -> PyResult<i64> {
    if let Ok(t) = obj.cast::<PyTensor>() {
        let t = &t.get().t;
        if t.numel() == 1 && !t.dtype().is_floating_point() {
            return Ok(t.to_vec::<i64>().py()?[0]);
        }
    }
    obj.extract::<i64>().map_err(|_| {
        PyTypeError::new_err(format!(
            "expected an integer, but got {}",
            obj.get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        ))
    })
}

pub fn usizes(v: &[i64], op: &str) -> PyResult<Vec<usize>> {
    v.iter()
        .map(|&d| {
            usize::try_from(d).map_err(|_| {
                PyRuntimeError::new_err(format!(
                    "{op}: Trying to create tensor with negative dimension {d}: {v:?}"
                ))
            })
        })
        .collect()
}

/// `dtype=` arguments: an rtorch dtype, or Python's `float`/`int`/`bool` types.
pub fn dtype(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<DType>> {
    let Some(obj) = obj else { return Ok(None) };
    if obj.is_none() {
        return Ok(None);
    }
    if let Ok(d) = obj.cast::<PyDType>() {
        return Ok(Some(d.get().dtype));
    }
    let py = obj.py();
    if obj.is(py.get_type::<PyFloat>()) {
        return Ok(Some(DType::F64));
    }
    if obj.is(py.get_type::<PyBool>()) {
        return Ok(Some(DType::Bool));
    }
    if obj.is(py.get_type::<PyInt>()) {
        return Ok(Some(DType::I64));
    }
    Err(PyTypeError::new_err(format!(
        "dtype must be rtorch.dtype, not {}",
        obj.get_type().name()?
    )))
}

pub fn device(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Device>> {
    Ok(device_spec(obj)?.map(|d| d.device))
}

/// A device argument as written (`'cpu:0'` keeps its index; see `PyDevice`).
pub fn device_spec(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<PyDevice>> {
    let Some(obj) = obj else { return Ok(None) };
    if obj.is_none() {
        return Ok(None);
    }
    if let Ok(d) = obj.cast::<PyDevice>() {
        return Ok(Some(*d.get()));
    }
    if let Ok(i) = obj.extract::<usize>() {
        return Ok(Some(PyDevice::of(Device::Cuda(i))));
    }
    if obj.extract::<i64>().is_ok_and(|i| i < 0) && !obj.is_instance_of::<PyBool>() {
        return Err(pyo3::exceptions::PyRuntimeError::new_err(
            "Device index must not be negative",
        ));
    }
    let s: String = obj
        .extract()
        .map_err(|_| PyTypeError::new_err("device must be a string, int or rtorch.device"))?;
    Ok(Some(parse_device(&s)?))
}

// ----- data → tensor -----

#[derive(Clone, Copy)]
enum Val {
    B(bool),
    I(i64),
    F(f64),
}

/// The dtype torch infers for `tensor(data)`: each element's own dtype (Python bool, int
/// and float are bool, int64 and the default float; NumPy scalars and arrays, and tensors,
/// bring theirs), folded with plain type promotion as torch's `infer_scalar_type` does.
struct Inferred(Option<DType>);

impl Inferred {
    fn add(&mut self, d: DType) {
        self.0 = Some(match self.0 {
            Some(a) => rtorch::dtype::promote_types(a, d),
            None => d,
        });
    }
}

/// The dtype of a NumPy scalar or array, if `obj` is one.
fn numpy_dtype_of(obj: &Bound<'_, PyAny>) -> PyResult<Option<DType>> {
    if obj.is_instance_of::<PyTensor>() || !obj.hasattr("dtype")? {
        return Ok(None);
    }
    let Ok(s) = obj.getattr("dtype")?.getattr("str") else {
        return Ok(None);
    };
    Ok(numpy_dtype(&s.extract::<String>()?))
}

fn walk(
    obj: &Bound<'_, PyAny>,
    depth: usize,
    shape: &mut Vec<usize>,
    out: &mut Vec<Val>,
    inferred: Option<&mut Inferred>,
) -> PyResult<()> {
    let mut inferred = inferred;
    if let Some(s) = scalar(obj)? {
        if let Some(inf) = inferred.as_deref_mut() {
            let own = match obj.cast::<PyTensor>() {
                Ok(t) => Some(t.get().t.dtype()),
                Err(_) => numpy_dtype_of(obj)?,
            };
            inf.add(match own {
                Some(d) => d,
                None => match s {
                    Scalar::Bool(_) => DType::Bool,
                    Scalar::Int(_) => DType::I64,
                    Scalar::Float(_) => rtorch::ops::default_float(),
                },
            });
        }
        if depth < shape.len() {
            return Err(PyValueError::new_err(format!(
                "expected sequence of length {} at dim {depth} (got {})",
                shape[depth],
                obj.get_type().name()?
            )));
        }
        if depth == 0 || depth == shape.len() {
            shape.truncate(depth);
            out.push(match s {
                Scalar::Bool(b) => Val::B(b),
                Scalar::Int(i) => Val::I(i),
                Scalar::Float(f) => Val::F(f),
            });
            return Ok(());
        }
    }
    if let Ok(t) = obj.cast::<PyTensor>() {
        // A tensor element contributes its own dims and dtype.
        let t = &t.get().t;
        if let Some(inf) = inferred.as_deref_mut() {
            inf.add(t.dtype());
        }
        let tail: Vec<usize> = t.shape().to_vec();
        if out.is_empty() && shape.len() == depth {
            shape.extend_from_slice(&tail);
        } else if shape.len() != depth + tail.len() || shape[depth..] != tail[..] {
            return Err(PyValueError::new_err(format!(
                "expected sequence of length {} at dim {depth} (got {})",
                shape.get(depth).copied().unwrap_or(0),
                tail.first().copied().unwrap_or(0)
            )));
        }
        match t.dtype() {
            DType::Bool => out.extend(t.to_vec::<bool>().py()?.into_iter().map(Val::B)),
            d if d.is_floating_point() => {
                out.extend(t.to_vec::<f64>().py()?.into_iter().map(Val::F))
            }
            _ => out.extend(t.to_vec::<i64>().py()?.into_iter().map(Val::I)),
        }
        return Ok(());
    }
    // An array element brings its dtype; its items (as Python numbers) then do not count.
    let obj = if obj.hasattr("__array_interface__")? {
        if let (Some(inf), Some(d)) = (inferred.take(), numpy_dtype_of(obj)?) {
            inf.add(d);
        }
        obj.call_method0("tolist")?
    } else {
        obj.clone()
    };
    let Ok(seq) = obj.cast::<PySequence>() else {
        return Err(PyTypeError::new_err(format!(
            "Could not infer dtype of {}",
            obj.get_type().name()?
        )));
    };
    if obj.is_instance_of::<pyo3::types::PyString>() {
        return Err(PyTypeError::new_err("new(): invalid data type 'str'"));
    }
    let n = seq.len()?;
    if depth == shape.len() && out.is_empty() {
        shape.push(n);
    } else if depth >= shape.len() || shape[depth] != n {
        return Err(PyValueError::new_err(format!(
            "expected sequence of length {} at dim {depth} (got {n})",
            shape.get(depth).copied().unwrap_or(0)
        )));
    }
    for item in seq.try_iter()? {
        walk(&item?, depth + 1, shape, out, inferred.as_deref_mut())?;
    }
    Ok(())
}

/// `tensor(data, dtype=None)`: always copies. NumPy arrays go through `from_numpy`.
pub fn tensor_from_data(obj: &Bound<'_, PyAny>, dtype: Option<DType>) -> PyResult<Tensor> {
    if obj.hasattr("__array_interface__")? && !obj.is_instance_of::<PyTensor>() {
        let src = from_numpy(obj, true)?;
        let target = dtype.unwrap_or(src.dtype());
        return Ok(
            rtorch::ops::cast::to_dtype(&rtorch::ops::movement::clone(&src).py()?, target)
                .py()?
                .detach(),
        );
    }
    let mut shape = Vec::new();
    let mut vals = Vec::new();
    let mut folded = Inferred(None);
    walk(obj, 0, &mut shape, &mut vals, Some(&mut folded))?;
    let inferred = folded.0.unwrap_or_else(rtorch::ops::default_float);
    let dt = dtype.unwrap_or(inferred);
    // Python numbers that do not fit a requested signed integer dtype are an error, as in
    // PyTorch (uint8 wraps there, so it does here).
    let range = match dt {
        DType::I8 => Some((i8::MIN as f64, i8::MAX as f64)),
        DType::I16 => Some((i16::MIN as f64, i16::MAX as f64)),
        DType::I32 => Some((i32::MIN as f64, i32::MAX as f64)),
        _ => None,
    };
    if let Some((lo, hi)) = range {
        let bad = vals.iter().any(|v| match *v {
            Val::I(i) => (i as f64) < lo || (i as f64) > hi,
            Val::F(f) => f.is_finite() && (f < lo || f > hi),
            Val::B(_) => false,
        });
        if bad {
            return Err(PyRuntimeError::new_err(format!(
                "value cannot be converted to type {} without overflow",
                dt.name()
            )));
        }
    }
    let t = match inferred {
        DType::Bool => {
            let v: Vec<bool> = vals
                .iter()
                .map(|v| match *v {
                    Val::B(b) => b,
                    Val::I(i) => i != 0,
                    Val::F(f) => f != 0.0,
                })
                .collect();
            Tensor::from_slice(&v, &shape)
        }
        DType::I64 => {
            let v: Vec<i64> = vals
                .iter()
                .map(|v| match *v {
                    Val::B(b) => b as i64,
                    Val::I(i) => i,
                    Val::F(f) => f as i64,
                })
                .collect();
            Tensor::from_slice(&v, &shape)
        }
        _ => {
            let v: Vec<f64> = vals
                .iter()
                .map(|v| match *v {
                    Val::B(b) => b as u8 as f64,
                    Val::I(i) => i as f64,
                    Val::F(f) => f,
                })
                .collect();
            // NOTE: Python floats are doubles; go straight to the target dtype so that
            // e.g. 0.1 rounds once, as in PyTorch.
            Tensor::from_slice(&v, &shape)
        }
    }
    .py()?;
    Ok(rtorch::ops::cast::to_dtype(&t, dt).py()?.detach())
}

// ----- NumPy interop through the array interface (no NumPy C API needed) -----

fn numpy_dtype(typestr: &str) -> Option<DType> {
    Some(match &typestr[1..] {
        "b1" => DType::Bool,
        "u1" => DType::U8,
        "i1" => DType::I8,
        "i2" => DType::I16,
        "i4" => DType::I32,
        "i8" => DType::I64,
        "f2" => DType::F16,
        "f4" => DType::F32,
        "f8" => DType::F64,
        _ => return None,
    })
}

fn numpy_typestr(d: DType) -> &'static str {
    match d {
        DType::Bool => "|b1",
        DType::U8 => "|u1",
        DType::I8 => "|i1",
        DType::I16 => "<i2",
        DType::I32 => "<i4",
        DType::I64 => "<i8",
        DType::F16 => "<f2",
        DType::F32 => "<f4",
        DType::F64 => "<f8",
        DType::BF16 => unreachable!("bfloat16 has no NumPy dtype"),
    }
}

/// Keeps the source array alive for as long as a storage uses its memory.
struct PyOwner(#[allow(dead_code)] Py<PyAny>);

/// `from_numpy(arr)`: shares the array's memory (both ways). `for_copy` relaxes the
/// writeable check for callers that copy immediately.
pub fn from_numpy(arr: &Bound<'_, PyAny>, for_copy: bool) -> PyResult<Tensor> {
    let ai = arr.getattr("__array_interface__")?;
    let ai = ai.cast::<PyDict>()?;
    let get = |k: &str| -> PyResult<Bound<'_, PyAny>> {
        ai.get_item(k)?
            .ok_or_else(|| PyValueError::new_err(format!("__array_interface__ lacks '{k}'")))
    };
    let typestr: String = get("typestr")?.extract()?;
    let dt = numpy_dtype(&typestr).filter(|_| !typestr.starts_with('>')).ok_or_else(|| {
        PyTypeError::new_err(format!(
            "can't convert np.ndarray of type {typestr}. The only supported types are: float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, and bool."
        ))
    })?;
    let shape: Vec<usize> = get("shape")?.extract()?;
    let (ptr, _readonly): (usize, bool) = get("data")?.extract()?;
    let item = dt.itemsize() as isize;
    let strides: Vec<isize> = match ai.get_item("strides")? {
        Some(s) if !s.is_none() => {
            let bytes: Vec<isize> = s.extract()?;
            if bytes.iter().any(|&b| b < 0) {
                return Err(PyValueError::new_err(
                    "At least one stride in the given numpy array is negative, and tensors with negative strides are not currently supported. (You can probably work around this by making a copy of your array  with array.copy().) ",
                ));
            }
            if bytes.iter().any(|&b| b % item != 0) {
                return Err(PyValueError::new_err(
                    "given numpy array strides not a multiple of the element byte size. Copy the numpy array to reallocate the memory.",
                ));
            }
            bytes.iter().map(|b| b / item).collect()
        }
        _ => rtorch::layout::contiguous_strides(&shape).to_vec(),
    };
    let _ = for_copy;
    let layout = Layout {
        shape: shape.as_slice().into(),
        strides: strides.as_slice().into(),
        offset: 0,
    };
    let nbytes = layout.storage_extent() * dt.itemsize();
    // SAFETY: the array owns `nbytes` bytes at `ptr` and lives as long as the storage.
    let storage = unsafe {
        Storage::from_external(
            ptr as *mut u8,
            nbytes,
            Box::new(PyOwner(arr.clone().unbind())),
        )
    };
    Tensor::from_storage(storage, layout, dt).py()
}

/// What `numpy.asarray` reads to view a tensor's memory without copying.
#[pyclass(module = "rtorch._C")]
pub struct ArrayHolder {
    t: Tensor,
}

#[pymethods]
impl ArrayHolder {
    #[getter]
    fn __array_interface__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let item = self.t.dtype().itemsize() as isize;
        d.set_item("shape", PyTuple::new(py, self.t.shape())?)?;
        d.set_item("typestr", numpy_typestr(self.t.dtype()))?;
        d.set_item("data", (self.t.cpu_addr().py()?, false))?;
        let strides: Vec<isize> = self.t.strides().iter().map(|s| s * item).collect();
        d.set_item("strides", PyTuple::new(py, strides)?)?;
        d.set_item("version", 3)?;
        Ok(d)
    }
}

/// `t.numpy()`: a NumPy array sharing the tensor's memory.
pub fn to_numpy(py: Python<'_>, t: &Tensor, force: bool) -> PyResult<Py<PyAny>> {
    static ASARRAY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    if t.device() != Device::Cpu {
        return Err(PyTypeError::new_err(format!(
            "can't convert {} device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host memory first.",
            t.device()
        )));
    }
    if t.requires_grad() && !force {
        return Err(PyRuntimeError::new_err(
            "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.",
        ));
    }
    if t.dtype() == DType::BF16 {
        return Err(PyTypeError::new_err("Got unsupported ScalarType BFloat16"));
    }
    let asarray = ASARRAY.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py.import("numpy")?.getattr("asarray")?.unbind())
    })?;
    let holder = Py::new(py, ArrayHolder { t: t.detach() })?;
    Ok(asarray.bind(py).call1((holder,))?.unbind())
}

/// numpy's `axis=`/`keepdims=` for torch's `dim`/`keepdim` (PyTorch's parser accepts
/// either name, not both: the second is then an unexpected keyword).
pub fn numpy_alias<T>(
    op: &str,
    ours: Option<T>,
    theirs: Option<T>,
    name: &str,
) -> PyResult<Option<T>> {
    match (ours, theirs) {
        (Some(_), Some(_)) => Err(PyTypeError::new_err(format!(
            "{op}() got an unexpected keyword argument '{name}'"
        ))),
        (a, b) => Ok(a.or(b)),
    }
}

/// `numpy_alias` for a parameter whose default is a value (`keepdim=False`, cat's
/// `dim=0`): the default means "not given", so an explicit default next to the alias
/// passes (PyTorch would call that both names).
pub fn numpy_alias_or<T: PartialEq + Copy>(
    op: &str,
    ours: T,
    default: T,
    theirs: Option<T>,
    name: &str,
) -> PyResult<T> {
    Ok(numpy_alias(op, (ours != default).then_some(ours), theirs, name)?.unwrap_or(default))
}

/// A required `dim` given neither as `dim` nor as `axis`.
pub fn missing_dim(op: &str) -> PyErr {
    PyTypeError::new_err(format!(
        "{op}() missing 1 required positional arguments: \"dim\""
    ))
}

/// A Python sequence of tensors (`cat`, `stack`, `autograd.grad` inputs…).
pub fn tensor_list(seq: &Bound<'_, PyAny>) -> PyResult<Vec<Tensor>> {
    let mut out = Vec::new();
    for item in seq.try_iter()? {
        let item = item?;
        let t = item.cast::<PyTensor>().map_err(|_| {
            PyTypeError::new_err(format!(
                "expected Tensor as element {} in argument 0, but got {}",
                out.len(),
                item.get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ))
        })?;
        out.push(t.get().t.clone());
    }
    Ok(out)
}

/// NOTE [ Strict int arguments ]: PyTorch's parser takes an `int` argument only from a
/// Python int, an `__index__` object or a 0-dim integer tensor. pyo3's `i64` also takes a
/// bool (a Python bool is an int), and an `Option` parameter turns an explicit None into
/// its default; PyTorch rejects both with TypeError. A parameter typed `Int` (its default
/// a Rust `Int(..)`) sees every value the caller passed and checks it as PyTorch does.
#[derive(Clone, Copy)]
pub struct Int(pub i64);

impl<'a, 'py> FromPyObject<'a, 'py> for Int {
    type Error = PyErr;
    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let not_int = || {
            let name = obj.get_type().name().map(|n| n.to_string());
            PyTypeError::new_err(format!("must be int, not {}", name.unwrap_or_default()))
        };
        if obj.is_instance_of::<PyBool>() || obj.is_instance_of::<PyFloat>() || obj.is_none() {
            return Err(not_int());
        }
        if let Ok(t) = obj.cast::<PyTensor>() {
            let t = &t.get().t;
            if t.ndim() != 0 || t.dtype().is_floating_point() || t.dtype() == DType::Bool {
                return Err(not_int());
            }
            return index_arg(&obj).map(Int);
        }
        obj.extract::<i64>().map(Int).map_err(|_| not_int())
    }
}

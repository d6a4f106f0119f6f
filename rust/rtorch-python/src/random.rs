//! Random sampling bindings: `Generator`, seeding, and the sampling factories.

use crate::convert;
use crate::errors::IntoPy;
use crate::functions::{check_device, factory_dtype, finish, no_out};
use crate::tensor::{ok, PyTensor, R};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use rtorch::ops::{factory, movement};
use rtorch::random::Generator;
use rtorch::{DType, Device, Tensor};

#[pyclass(name = "Generator", module = "rtorch")]
pub struct PyGenerator {
    pub g: Generator,
}

#[pymethods]
impl PyGenerator {
    #[new]
    #[pyo3(signature = (device=None))]
    fn new(device: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        if let Some(Device::Cuda(_)) = convert::device(device)? {
            return Err(PyRuntimeError::new_err(
                "rtorch: CUDA generators are not supported yet",
            ));
        }
        Ok(PyGenerator {
            g: Generator::new(rtorch::random::DEFAULT_SEED),
        })
    }
    fn manual_seed<'py>(
        slf: &Bound<'py, Self>,
        seed: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, Self>> {
        slf.borrow().g.manual_seed(seed_value(seed)?);
        Ok(slf.clone())
    }
    fn seed(&self) -> u64 {
        self.g.seed()
    }
    fn initial_seed(&self) -> u64 {
        self.g.initial_seed()
    }
    fn get_state(&self) -> PyResult<PyTensor> {
        ok(Tensor::from_slice(
            &self.g.get_state(),
            &[self.g.get_state().len()],
        ))
    }
    fn set_state<'py>(
        slf: &Bound<'py, Self>,
        state: &Bound<'_, PyTensor>,
    ) -> PyResult<Bound<'py, Self>> {
        let bytes = state.get().t.to_vec::<u8>().py()?;
        slf.borrow().g.set_state(&bytes).py()?;
        Ok(slf.clone())
    }
    #[getter]
    fn device(&self) -> crate::types::PyDevice {
        crate::types::PyDevice {
            device: Device::Cpu,
        }
    }
}

/// PyTorch accepts any Python int and keeps its low 64 bits (negative seeds wrap).
fn seed_value(seed: &Bound<'_, PyAny>) -> PyResult<u64> {
    if let Ok(v) = seed.extract::<u64>() {
        return Ok(v);
    }
    if let Ok(v) = seed.extract::<i64>() {
        return Ok(v as u64);
    }
    Err(PyTypeError::new_err("manual_seed expected a long"))
}

fn gen_of(g: Option<&Bound<'_, PyGenerator>>) -> Option<Generator> {
    g.map(|g| g.borrow().g.clone())
}

fn sampled(
    size: &Bound<'_, PyTuple>,
    dtype: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    f: impl FnOnce(&Tensor) -> rtorch::Result<()>,
) -> R {
    let s = convert::usizes(&convert::sizes_req(size, "rand", "size")?, "rand")?;
    let t = Tensor::try_zeros(&s, factory_dtype(dtype)?).py()?;
    f(&t).py()?;
    finish(t, requires_grad)
}

#[pyfunction]
#[pyo3(signature = (*size, generator=None, dtype=None, device=None, requires_grad=false, layout=None, out=None))]
#[allow(clippy::too_many_arguments)]
pub fn rand(
    size: &Bound<'_, PyTuple>,
    generator: Option<&Bound<'_, PyGenerator>>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    layout: Option<&Bound<'_, PyAny>>,
    out: Option<&Bound<'_, PyAny>>,
) -> R {
    no_out(out)?;
    let _ = layout;
    check_device(device)?;
    let g = gen_of(generator);
    sampled(size, dtype, requires_grad, |t| {
        factory::uniform_raw(t, 0.0, 1.0, g.as_ref())
    })
}

#[pyfunction]
#[pyo3(signature = (*size, generator=None, dtype=None, device=None, requires_grad=false, layout=None, out=None))]
#[allow(clippy::too_many_arguments)]
pub fn randn(
    size: &Bound<'_, PyTuple>,
    generator: Option<&Bound<'_, PyGenerator>>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    layout: Option<&Bound<'_, PyAny>>,
    out: Option<&Bound<'_, PyAny>>,
) -> R {
    no_out(out)?;
    let _ = layout;
    check_device(device)?;
    let g = gen_of(generator);
    sampled(size, dtype, requires_grad, |t| {
        factory::normal_raw(t, 0.0, 1.0, g.as_ref())
    })
}

/// `randint(high, size)` or `randint(low, high, size)`.
#[pyfunction]
#[pyo3(signature = (*args, generator=None, dtype=None, device=None, requires_grad=false, layout=None, out=None))]
#[allow(clippy::too_many_arguments)]
pub fn randint(
    args: &Bound<'_, PyTuple>,
    generator: Option<&Bound<'_, PyGenerator>>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    layout: Option<&Bound<'_, PyAny>>,
    out: Option<&Bound<'_, PyAny>>,
) -> R {
    no_out(out)?;
    let _ = layout;
    check_device(device)?;
    let (low, high, size) = match args.len() {
        2 => (0, convert::index_arg(&args.get_item(0)?)?, args.get_item(1)?),
        3 => (convert::index_arg(&args.get_item(0)?)?, convert::index_arg(&args.get_item(1)?)?, args.get_item(2)?),
        _ => return Err(PyTypeError::new_err("randint() received an invalid combination of arguments: expected (high, size) or (low, high, size)")),
    };
    let s = convert::usizes(
        &convert::sizes(&PyTuple::new(size.py(), [size])?)?,
        "randint",
    )?;
    let t = Tensor::try_zeros(&s, convert::dtype(dtype)?.unwrap_or(DType::I64)).py()?;
    factory::randint_raw(&t, low, high, gen_of(generator).as_ref()).py()?;
    finish(t, requires_grad)
}

#[pyfunction]
#[pyo3(signature = (n, *, generator=None, dtype=None, device=None, requires_grad=false, layout=None, out=None))]
#[allow(clippy::too_many_arguments)]
pub fn randperm(
    n: i64,
    generator: Option<&Bound<'_, PyGenerator>>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    requires_grad: bool,
    layout: Option<&Bound<'_, PyAny>>,
    out: Option<&Bound<'_, PyAny>>,
) -> R {
    no_out(out)?;
    let _ = layout;
    check_device(device)?;
    if n < 0 {
        return Err(PyRuntimeError::new_err(format!(
            "n must be non-negative, got{n}"
        )));
    }
    let dt = convert::dtype(dtype)?.unwrap_or(DType::I64);
    finish(
        factory::randperm(n as usize, dt, gen_of(generator).as_ref()).py()?,
        requires_grad,
    )
}

#[pyfunction]
#[pyo3(signature = (input, *, generator=None))]
pub fn bernoulli(input: &Bound<'_, PyTensor>, generator: Option<&Bound<'_, PyGenerator>>) -> R {
    ok(factory::bernoulli(
        &input.get().t,
        gen_of(generator).as_ref(),
    ))
}

/// In-place samplers (`uniform_`, `normal_`, `random_`), via a contiguous buffer.
#[pyfunction]
#[pyo3(signature = (t, kind, a, b, generator=None))]
pub fn _sample_(
    t: &Bound<'_, PyTensor>,
    kind: &str,
    a: f64,
    b: Option<f64>,
    generator: Option<&Bound<'_, PyGenerator>>,
) -> PyResult<()> {
    let t = &t.get().t;
    let g = gen_of(generator);
    let buf = Tensor::zeros(t.shape(), t.dtype());
    match kind {
        "uniform" => factory::uniform_raw(&buf, a, b.unwrap_or(1.0), g.as_ref()),
        "normal" => factory::normal_raw(&buf, a, b.unwrap_or(1.0), g.as_ref()),
        "random" => {
            let hi = match b {
                Some(h) => h as i64,
                None if t.dtype().is_floating_point() => {
                    1i64 << (match t.dtype() {
                        DType::F16 => 11,
                        DType::BF16 => 8,
                        DType::F32 => 24,
                        _ => 53,
                    }) + 1
                }
                None if t.dtype() == DType::Bool => 2,
                None => match t.dtype() {
                    DType::U8 => 256,
                    DType::I8 => 128,
                    DType::I16 => 1 << 15,
                    DType::I32 => 1 << 31,
                    _ => i64::MAX,
                },
            };
            factory::randint_raw(&buf, a as i64, hi, g.as_ref())
        }
        _ => return Err(PyRuntimeError::new_err(format!("unknown sampler {kind}"))),
    }
    .py()?;
    let prev = rtorch::autograd::set_grad_enabled(false);
    let r = movement::copy_(t, &buf);
    rtorch::autograd::set_grad_enabled(prev);
    r.py()
}

#[pyfunction]
pub fn manual_seed(seed: &Bound<'_, PyAny>) -> PyResult<PyGenerator> {
    let g = rtorch::random::default_generator();
    g.manual_seed(seed_value(seed)?);
    Ok(PyGenerator { g: g.clone() })
}

#[pyfunction]
pub fn seed() -> u64 {
    rtorch::random::default_generator().seed()
}

#[pyfunction]
pub fn initial_seed() -> u64 {
    rtorch::random::default_generator().initial_seed()
}

#[pyfunction]
pub fn default_generator() -> PyGenerator {
    PyGenerator {
        g: rtorch::random::default_generator().clone(),
    }
}

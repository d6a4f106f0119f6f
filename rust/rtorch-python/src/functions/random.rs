//! Random sampling bindings: `Generator`, seeding, and the sampling factories.

use crate::convert;
use crate::errors::IntoPy;
use crate::functions::{finish_out, options_with_out};
use crate::options::{Raw, TensorOptions};
use crate::out::with_out;
use crate::tensor::{PyTensor, R};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use rtorch::ops::sampling;
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
    fn get_state(&self) -> PyResult<crate::tensor::TensorOut> {
        let state = self.g.get_state();
        crate::ok!(Tensor::from_slice(&state, &[state.len()]))
    }
    fn set_state<'py>(
        slf: &Bound<'py, Self>,
        state: &Bound<'_, PyTensor>,
    ) -> PyResult<Bound<'py, Self>> {
        let t = &state.get().t;
        if t.dtype() != rtorch::DType::U8 {
            return Err(PyTypeError::new_err("RNG state must be a torch.ByteTensor"));
        }
        let bytes = t.contiguous().py()?.to_vec::<u8>().py()?;
        slf.borrow().g.set_state(&bytes).py()?;
        Ok(slf.clone())
    }
    #[getter]
    fn device(&self) -> crate::types::PyDevice {
        crate::types::PyDevice::of(Device::Cpu)
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

/// A fresh tensor of `size` (the default float dtype unless given) filled in place by
/// `f`, then `out=` and `requires_grad=` as every factory does.
fn sampled(
    op: &str,
    size: &Bound<'_, PyTuple>,
    o: TensorOptions,
    out: Option<&Bound<'_, PyAny>>,
    f: impl FnOnce(&Tensor) -> rtorch::Result<()> + Send,
) -> R {
    let s = convert::usizes(&convert::sizes_req(size, op, "size")?, op)?;
    let t = Tensor::empty(&s, o.float_dtype(), o.device_or(Device::Cpu)).py()?;
    crate::engine!(size.py(), t.numel(), || f(&t))?;
    finish_out(op, out, t, o.requires_grad)
}

#[pyfunction]
#[pyo3(signature = (*size, generator=None, out=None, dtype=None, layout=None, device=None, pin_memory=false, requires_grad=false))]
#[doc = doc_functions!(rand)]
pub fn rand(
    size: &Bound<'_, PyTuple>,
    generator: Option<&Bound<'_, PyGenerator>>,
    out: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    pin_memory: bool,
    requires_grad: bool,
) -> R {
    let raw = Raw::factory(dtype, device, layout, pin_memory, requires_grad);
    let o = options_with_out("rand", out, raw)?;
    let g = gen_of(generator);
    sampled("rand", size, o, out, |t| {
        sampling::uniform_(t, 0.0, 1.0, g.as_ref())
    })
}

#[pyfunction]
#[pyo3(signature = (*size, generator=None, out=None, dtype=None, layout=None, device=None, pin_memory=false, requires_grad=false))]
#[doc = doc_functions!(randn)]
pub fn randn(
    size: &Bound<'_, PyTuple>,
    generator: Option<&Bound<'_, PyGenerator>>,
    out: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    pin_memory: bool,
    requires_grad: bool,
) -> R {
    let raw = Raw::factory(dtype, device, layout, pin_memory, requires_grad);
    let o = options_with_out("randn", out, raw)?;
    let g = gen_of(generator);
    sampled("randn", size, o, out, |t| {
        sampling::normal_(t, 0.0, 1.0, g.as_ref())
    })
}

// `randint(high, size)` or `randint(low, high, size)`.
#[pyfunction]
#[pyo3(signature = (*args, generator=None, out=None, dtype=None, layout=None, device=None, pin_memory=false, requires_grad=false))]
#[doc = doc_functions!(randint)]
pub fn randint(
    args: &Bound<'_, PyTuple>,
    generator: Option<&Bound<'_, PyGenerator>>,
    out: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    pin_memory: bool,
    requires_grad: bool,
) -> R {
    let raw = Raw::factory(dtype, device, layout, pin_memory, requires_grad);
    let o = options_with_out("randint", out, raw)?;
    let (low, high, size) = match args.len() {
        2 => (0, convert::index_arg(&args.get_item(0)?)?, args.get_item(1)?),
        3 => (convert::index_arg(&args.get_item(0)?)?, convert::index_arg(&args.get_item(1)?)?, args.get_item(2)?),
        _ => return Err(PyTypeError::new_err("randint() received an invalid combination of arguments: expected (high, size) or (low, high, size)")),
    };
    let s = convert::usizes(
        &convert::sizes(&PyTuple::new(size.py(), [size])?)?,
        "randint",
    )?;
    let t = Tensor::empty(&s, o.dtype_or(DType::I64), o.device_or(Device::Cpu)).py()?;
    let g = gen_of(generator);
    crate::engine!(args.py(), t.numel(), || {
        sampling::random_from_to_(&t, low, Some(high), g.as_ref())
    })?;
    finish_out("randint", out, t, o.requires_grad)
}

#[pyfunction]
#[pyo3(signature = (n, *, generator=None, out=None, dtype=None, layout=None, device=None, pin_memory=false, requires_grad=false))]
#[doc = doc_functions!(randperm)]
pub fn randperm(
    py: Python<'_>,
    n: i64,
    generator: Option<&Bound<'_, PyGenerator>>,
    out: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    pin_memory: bool,
    requires_grad: bool,
) -> R {
    let raw = Raw::factory(dtype, device, layout, pin_memory, requires_grad);
    let o = options_with_out("randperm", out, raw)?;
    if n < 0 {
        return Err(PyRuntimeError::new_err(format!(
            "n must be non-negative, got{n}"
        )));
    }
    let (dt, device) = (o.dtype_or(DType::I64), o.device_or(Device::Cpu));
    let g = gen_of(generator);
    let t = crate::engine!(py, n as usize, || {
        sampling::randperm(n as usize, dt, device, g.as_ref())
    })?;
    finish_out("randperm", out, t, o.requires_grad)
}

// `bernoulli(input)` (probabilities) or `bernoulli(input, p)` (a number).
#[pyfunction]
#[pyo3(signature = (input, p=None, *, generator=None, out=None))]
#[doc = doc_functions!(bernoulli)]
pub fn bernoulli(
    input: &Bound<'_, PyTensor>,
    p: Option<f64>,
    generator: Option<&Bound<'_, PyGenerator>>,
    out: Option<&Bound<'_, PyAny>>,
) -> R {
    let (x, g) = (&input.get().t, gen_of(generator));
    let py = input.py();
    match p {
        // The draws do not depend on the out's dtype, so sampling in the input's dtype
        // and copying gives torch's values in any out (`out_dtypes`: no dtype rule).
        None => with_out(py, "bernoulli", &[x], out, || {
            crate::ok!(py, x.numel(), || sampling::bernoulli(x, g.as_ref()))
        }),
        Some(_) if out.is_some_and(|o| !o.is_none()) => Err(PyTypeError::new_err(
            "bernoulli() received an invalid combination of arguments: out= goes only with probabilities as a tensor",
        )),
        Some(p) => crate::ok!(input.py(), x.numel(), || {
            let out = x.new_elementwise(x.shape(), x.dtype(), &[x.strides()])?;
            sampling::bernoulli_scalar_(&out, p, g.as_ref())?;
            Ok(out)
        }),
    }
}

#[pyfunction]
#[pyo3(signature = (t, from, to, generator=None))]
pub fn _uniform_(
    t: &Bound<'_, PyTensor>,
    from: f64,
    to: f64,
    generator: Option<&Bound<'_, PyGenerator>>,
) -> PyResult<()> {
    let (py, t, g) = (t.py(), &t.get().t, gen_of(generator));
    crate::engine!(py, t.numel(), || sampling::uniform_(
        t,
        from,
        to,
        g.as_ref()
    ))
}

#[pyfunction]
#[pyo3(signature = (t, mean, std, generator=None))]
pub fn _normal_(
    t: &Bound<'_, PyTensor>,
    mean: f64,
    std: f64,
    generator: Option<&Bound<'_, PyGenerator>>,
) -> PyResult<()> {
    let (py, t, g) = (t.py(), &t.get().t, gen_of(generator));
    crate::engine!(py, t.numel(), || sampling::normal_(
        t,
        mean,
        std,
        g.as_ref()
    ))
}

/// The three `random_` overloads: `random_()`, `random_(to)`, `random_(from, to=None)`.
#[pyfunction]
#[pyo3(signature = (t, from=None, to=None, generator=None))]
pub fn _random_(
    t: &Bound<'_, PyTensor>,
    from: Option<i64>,
    to: Option<i64>,
    generator: Option<&Bound<'_, PyGenerator>>,
) -> PyResult<()> {
    let (py, t, g) = (t.py(), &t.get().t, gen_of(generator));
    crate::engine!(py, t.numel(), || match (from, to) {
        (None, None) => sampling::random_(t, g.as_ref()),
        (None, Some(to)) => sampling::random_to_(t, to, g.as_ref()),
        (Some(from), to) => sampling::random_from_to_(t, from, to, g.as_ref()),
    })
}

/// `bernoulli_(p)` with `p` a number or a tensor.
#[pyfunction]
#[pyo3(signature = (t, p, generator=None))]
pub fn _bernoulli_(
    t: &Bound<'_, PyTensor>,
    p: &Bound<'_, PyAny>,
    generator: Option<&Bound<'_, PyGenerator>>,
) -> PyResult<()> {
    let (py, t, g) = (t.py(), &t.get().t, gen_of(generator));
    if let Ok(pt) = p.cast::<PyTensor>() {
        let pt = &pt.get().t;
        crate::engine!(py, t.numel(), || sampling::bernoulli_tensor_(
            t,
            pt,
            g.as_ref()
        ))
    } else {
        let p = p.extract::<f64>()?;
        crate::engine!(py, t.numel(), || sampling::bernoulli_scalar_(
            t,
            p,
            g.as_ref()
        ))
    }
}

#[pyfunction]
#[doc = doc_functions!(manual_seed)]
pub fn manual_seed(seed: &Bound<'_, PyAny>) -> PyResult<PyGenerator> {
    let g = rtorch::random::default_generator();
    g.manual_seed(seed_value(seed)?);
    Ok(PyGenerator { g: g.clone() })
}

#[pyfunction]
#[doc = doc_functions!(seed)]
pub fn seed() -> u64 {
    rtorch::random::default_generator().seed()
}

#[pyfunction]
#[doc = doc_functions!(initial_seed)]
pub fn initial_seed() -> u64 {
    rtorch::random::default_generator().initial_seed()
}

#[pyfunction]
#[doc = doc_functions!(default_generator)]
pub fn default_generator() -> PyGenerator {
    PyGenerator {
        g: rtorch::random::default_generator().clone(),
    }
}

/// Adds the sampling functions and the generator's module-level state to `m`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    crate::add_functions!(
        m,
        rand,
        randn,
        randint,
        randperm,
        bernoulli,
        _uniform_,
        _normal_,
        _random_,
        _bernoulli_,
        manual_seed,
        seed,
        initial_seed,
        default_generator,
    );
    Ok(())
}

//! Bindings of the distribution samplers (`ops::distributions`): `multinomial`, `normal`'s
//! overloads, `poisson`, and the in-place fills the Tensor methods call.

use super::random::PyGenerator;
use super::{finish_out, options_with_out};
use crate::convert;
use crate::errors::IntoPy;
use crate::options::Raw;
use crate::tensor::{PyTensor, R};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use rtorch::ops::{distributions as dist, sampling};
use rtorch::random::Generator;
use rtorch::{Device, Tensor};

fn gen_of(g: Option<&Bound<'_, PyGenerator>>) -> Option<Generator> {
    g.map(|g| g.borrow().g.clone())
}

#[pyfunction]
#[pyo3(signature = (input, num_samples, replacement=false, *, generator=None, out=None))]
/// multinomial(input, num_samples, replacement=False, *, generator=None, out=None) -> LongTensor
///
/// ``num_samples`` category indices per row of ``input`` (1-D or 2-D, non-negative
/// weights, not necessarily summing to 1), drawn with or without replacement; the same
/// indices as PyTorch's CPU for the same seed.
pub fn multinomial(
    input: &Bound<'_, PyTensor>,
    num_samples: i64,
    replacement: bool,
    generator: Option<&Bound<'_, PyGenerator>>,
    out: Option<&Bound<'_, PyAny>>,
) -> R {
    let (x, g) = (&input.get().t, gen_of(generator));
    let t = crate::engine!(input.py(), x.numel(), || dist::multinomial(
        x,
        num_samples,
        replacement,
        g.as_ref()
    ))?;
    finish_out("multinomial", out, t, false)
}

#[pyfunction]
#[pyo3(signature = (input, generator=None))]
/// poisson(input, generator=None) -> Tensor
///
/// A Poisson sample for each rate in ``input`` (non-negative), in ``input``'s dtype.
pub fn poisson(input: &Bound<'_, PyTensor>, generator: Option<&Bound<'_, PyGenerator>>) -> R {
    let (x, g) = (&input.get().t, gen_of(generator));
    crate::ok!(input.py(), x.numel(), || dist::poisson(x, g.as_ref()))
}

#[pyfunction]
#[pyo3(signature = (mean, std=None, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None, pin_memory=false, requires_grad=false))]
/// normal(mean, std, size=None, *, generator=None, out=None) -> Tensor
///
/// Normal samples of ``mean`` and ``std``: tensors (broadcast together) or numbers;
/// with two numbers, a tensor of ``size`` (``dtype``, ``device`` and ``requires_grad``
/// as in the factories).
pub fn normal(
    py: Python<'_>,
    mean: &Bound<'_, PyAny>,
    std: Option<&Bound<'_, PyAny>>,
    size: Option<&Bound<'_, PyAny>>,
    generator: Option<&Bound<'_, PyGenerator>>,
    out: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    layout: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    pin_memory: bool,
    requires_grad: bool,
) -> R {
    let g = gen_of(generator);
    let mean_t = mean.cast::<PyTensor>().ok().map(|t| t.get().t.clone());
    let std_t = std.and_then(|s| s.cast::<PyTensor>().ok().map(|t| t.get().t.clone()));
    let number = |v: Option<&Bound<'_, PyAny>>| -> PyResult<f64> {
        match v {
            None => Ok(1.0),
            Some(v) => v.extract::<f64>(),
        }
    };
    let tensors = mean_t.is_some() || std_t.is_some();
    if tensors {
        if size.is_some_and(|s| !s.is_none()) || dtype.is_some() || device.is_some() {
            return Err(PyTypeError::new_err(
                "normal() received an invalid combination of arguments: size, dtype and device go only with a float mean and std",
            ));
        }
        let n = mean_t.as_ref().or(std_t.as_ref()).map_or(0, |t| t.numel());
        let t = match (&mean_t, &std_t) {
            (Some(m), Some(s)) => {
                crate::engine!(py, n, || dist::normal_tensor_tensor(m, s, g.as_ref()))?
            }
            (Some(m), None) => {
                let s = number(std)?;
                crate::engine!(py, n, || dist::normal_tensor_float(m, s, g.as_ref()))?
            }
            (None, Some(s)) => {
                let m = mean.extract::<f64>()?;
                crate::engine!(py, n, || dist::normal_float_tensor(m, s, g.as_ref()))?
            }
            (None, None) => unreachable!(),
        };
        return finish_out("normal", out, t, requires_grad);
    }
    let Some(size) = size.filter(|s| !s.is_none()) else {
        return Err(PyTypeError::new_err(
            "normal() received an invalid combination of arguments: a float mean and std need size",
        ));
    };
    let (m, s) = (mean.extract::<f64>()?, number(std)?);
    let raw = Raw::factory(dtype, device, layout, pin_memory, requires_grad);
    let o = options_with_out("normal", out, raw)?;
    let shape = convert::usizes(
        &convert::sizes(&pyo3::types::PyTuple::new(py, [size])?)?,
        "normal",
    )?;
    let t = Tensor::empty(&shape, o.float_dtype(), o.device_or(Device::Cpu)).py()?;
    crate::engine!(py, t.numel(), || sampling::normal_(&t, m, s, g.as_ref()))?;
    // A factory: its out is resized without a warning (`out::resize_warning`).
    finish_out("normal_size", out, t, o.requires_grad)
}

/// The in-place fills behind `exponential_`, `geometric_`, `cauchy_` and `log_normal_`.
#[pyfunction]
#[pyo3(signature = (t, kind, a, b=0.0, generator=None))]
pub fn _sample_(
    t: &Bound<'_, PyTensor>,
    kind: &str,
    a: f64,
    b: f64,
    generator: Option<&Bound<'_, PyGenerator>>,
) -> PyResult<()> {
    let (py, t, g) = (t.py(), &t.get().t, gen_of(generator));
    let g = g.as_ref();
    crate::engine!(py, t.numel(), || match kind {
        "exponential_" => dist::exponential_(t, a, g),
        "geometric_" => dist::geometric_(t, a, g),
        "cauchy_" => dist::cauchy_(t, a, b, g),
        "log_normal_" => dist::log_normal_(t, a, b, g),
        _ => Err(rtorch::Error::value(format!("unknown sampler {kind}"))),
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    crate::add_functions!(m, multinomial, poisson, normal, _sample_);
    Ok(())
}

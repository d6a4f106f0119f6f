//! `rtorch.Tensor` counting methods: histc, bincount, histogram (module functions of the
//! same name are these methods, re-exported in Python).

use crate::convert::Int;
use crate::out::{with_out, write_pair, Out};
use crate::tensor::{PyTensor, R};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use rtorch::ops::histogram::{self, HistBins};

#[pymethods]
impl PyTensor {
    /// histc(bins=100, min=0, max=0, *, out=None) -> Tensor
    ///
    /// A histogram of ``bins`` equal bins over ``[min, max]`` (the data's range when
    /// ``min == max``), in ``self``'s float dtype. Values outside the range and NaN are not
    /// counted; ``max`` itself falls in the last bin.
    #[pyo3(signature = (bins=Int(100), min=0.0, max=0.0, *, out=None), text_signature = "($self, bins=100, min=0.0, max=0.0, *, out=None)")]
    fn histc(&self, py: Python<'_>, bins: Int, min: f64, max: f64, out: Out<'_, '_>) -> R {
        let bins = bins.0;
        with_out(py, "histc", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || histogram::histc(
                &self.t, bins, min, max
            ))
        })
    }

    /// bincount(weights=None, minlength=0) -> Tensor
    ///
    /// How often each value of a 1-D tensor of non-negative integers occurs (int64), or
    /// the sum of its ``weights`` (float32/float64 weights keep their dtype, others give
    /// float64), over ``max(self.max() + 1, minlength)`` bins.
    #[pyo3(signature = (weights=None, minlength=0))]
    fn bincount(&self, py: Python<'_>, weights: Option<&Bound<'_, PyTensor>>, minlength: i64) -> R {
        let w = weights.map(|w| w.get().t.clone());
        crate::ok!(py, self.t.numel(), || histogram::bincount(
            &self.t,
            w.as_ref(),
            minlength
        ))
    }

    /// histogram(bins, *, range=None, weight=None, density=False, out=None) -> (Tensor, Tensor)
    ///
    /// ``(hist, bin_edges)``: ``bins`` equal bins (an int) over ``range`` (the data's
    /// range by default) or the bins between the edges of a 1-D tensor ``bins``;
    /// ``weight`` sums weights instead of counting; ``density`` normalizes so the
    /// histogram integrates to 1. float32 and float64 only. ``out=(hist, bin_edges)``
    /// receives both results.
    #[pyo3(signature = (bins=None, *, range=None, weight=None, density=false, out=None))]
    fn histogram(
        &self,
        py: Python<'_>,
        bins: Option<&Bound<'_, PyAny>>,
        range: Option<(f64, f64)>,
        weight: Option<&Bound<'_, PyTensor>>,
        density: bool,
        out: Out<'_, '_>,
    ) -> PyResult<Py<PyAny>> {
        let edges = match bins {
            Some(b) if b.is_instance_of::<PyTensor>() => {
                if range.is_some() {
                    return Err(PyTypeError::new_err(
                        "histogram(): 'range' is not allowed with a Tensor of bin edges",
                    ));
                }
                Some(b.cast::<PyTensor>()?.get().t.clone())
            }
            _ => None,
        };
        let count = match (bins, &edges) {
            (_, Some(_)) => 0,
            (None, None) => 100,
            (Some(b), None) => b.extract::<i64>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "histogram(): argument 'bins' must be int or Tensor, not {}",
                    b.get_type()
                        .name()
                        .map(|n| n.to_string())
                        .unwrap_or_default()
                ))
            })?,
        };
        let w = weight.map(|w| w.get().t.clone());
        let b = match &edges {
            Some(e) => HistBins::Edges(e),
            None => HistBins::Count(count),
        };
        let (hist, bin_edges) = crate::engine!(py, self.t.numel(), || histogram::histogram(
            &self.t,
            b,
            range,
            w.as_ref(),
            density
        ))?;
        let mut inputs = vec![&self.t];
        inputs.extend(w.as_ref());
        let (hist, bin_edges) = match out {
            Some(o) if !o.is_none() => write_pair(py, "histogram", &inputs, o, (hist, bin_edges))?,
            _ => (hist, bin_edges),
        };
        static MAKE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        let make = MAKE.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            Ok(py
                .import("rtorch.return_types")?
                .getattr("histogram")?
                .unbind())
        })?;
        Ok(make
            .bind(py)
            .call1((PyTensor::wrap(hist), PyTensor::wrap(bin_edges)))?
            .unbind())
    }
}

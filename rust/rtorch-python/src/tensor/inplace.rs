//! In-place methods with their own engine entry (NOTE [ In-place addcmul ]): the ones
//! optimizers call every step, which must not pay an out-of-place result and a copy.
use crate::tensor::math::{scalar_or_default, tensor_arg};
use crate::tensor::PyTensor;
use pyo3::prelude::*;
use rtorch::ops::pointwise;
use rtorch::Scalar;

fn addc_<'py>(
    slf: &Bound<'py, PyTensor>,
    name: &str,
    args: [&Bound<'_, PyAny>; 2],
    legacy: Option<&Bound<'_, PyAny>>,
    value: Option<&Bound<'_, PyAny>>,
) -> PyResult<Bound<'py, PyTensor>> {
    let (tensor1, tensor2, value) =
        crate::legacy::value_first(name, args[0], args[1], legacy, value)?;
    let v = scalar_or_default(value, "value", Scalar::Int(1))?;
    let (t1, t2) = (
        tensor_arg(tensor1, name, "tensor1", 1)?,
        tensor_arg(tensor2, name, "tensor2", 2)?,
    );
    let (x, t1, t2) = (&slf.get().t, &t1.get().t, &t2.get().t);
    let divide = name == "addcdiv_";
    crate::engine!(slf.py(), x.numel(), || pointwise::addc_(
        x, t1, t2, v, divide
    ))?;
    Ok(slf.clone())
}

#[pymethods]
impl PyTensor {
    #[pyo3(signature = (tensor1, tensor2, legacy_tensor2=None, *, value=None))]
    #[doc = doc_math!(addcmul_)]
    fn addcmul_<'py>(
        slf: &Bound<'py, Self>,
        tensor1: &Bound<'_, PyAny>,
        tensor2: &Bound<'_, PyAny>,
        legacy_tensor2: Option<&Bound<'_, PyAny>>,
        value: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, Self>> {
        addc_(slf, "addcmul_", [tensor1, tensor2], legacy_tensor2, value)
    }
    #[pyo3(signature = (tensor1, tensor2, legacy_tensor2=None, *, value=None))]
    #[doc = doc_math!(addcdiv_)]
    fn addcdiv_<'py>(
        slf: &Bound<'py, Self>,
        tensor1: &Bound<'_, PyAny>,
        tensor2: &Bound<'_, PyAny>,
        legacy_tensor2: Option<&Bound<'_, PyAny>>,
        value: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, Self>> {
        addc_(slf, "addcdiv_", [tensor1, tensor2], legacy_tensor2, value)
    }
}

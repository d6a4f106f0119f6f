//! `rtorch.Tensor` methods: views, math, reductions, conversions. Module functions of the
//! same name (`rtorch.exp`, `rtorch.sum`…) are these methods, re-exported in Python.

use crate::convert::{operand_req, scalar_req};
use crate::errors::IntoPy;
use crate::legacy::Form;
use crate::out::{with_out, Out};
use crate::tensor::{PyTensor, TensorOut, R};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use rtorch::ops::{binary, indexing, matmul, pointwise, unary};
use rtorch::{Scalar, Tensor};

pub(crate) fn scalar_or_default(
    o: Option<&Bound<'_, PyAny>>,
    what: &str,
    default: Scalar,
) -> PyResult<Scalar> {
    match o {
        Some(o) => scalar_req(o, what),
        None => Ok(default),
    }
}

pub fn not_available_cuda() -> PyErr {
    if rtorch::device::cuda_is_available() {
        pyo3::exceptions::PyNotImplementedError::new_err(
            "rtorch: CUDA tensors are not implemented yet (the CUDA backend is a later milestone)",
        )
    } else {
        PyRuntimeError::new_err(
            "Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a driver from http://www.nvidia.com/Download/index.aspx",
        )
    }
}

/// One method per unary op (and its in-place `_` form); the list is the whole table.
macro_rules! unary_methods {
    ($($name:ident / $inplace:ident),* $(,)?) => {
        #[pymethods]
        impl PyTensor {
            $(
                #[pyo3(signature = (*, out=None))]
                #[doc = doc_unary!($name)]
                fn $name(&self, py: Python<'_>, out: Out<'_, '_>) -> R {
                    with_out(py, stringify!($name), &[&self.t], out, || {
                        crate::ok!(py, self.t.numel(), || unary::$name(&self.t))
                    })
                }
                #[doc = doc_unary_inplace!($name)]
                fn $inplace<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, Self>> {
                    let t = &slf.get().t;
                    crate::engine!(slf.py(), t.numel(), || unary::unary_(stringify!($name), t))?;
                    Ok(slf.clone())
                }
            )*
        }
    };
}

unary_methods!(
    neg / neg_,
    abs / abs_,
    sign / sign_,
    exp / exp_,
    expm1 / expm1_,
    log / log_,
    log1p / log1p_,
    log2 / log2_,
    log10 / log10_,
    sqrt / sqrt_,
    rsqrt / rsqrt_,
    square / square_,
    sin / sin_,
    cos / cos_,
    tan / tan_,
    asin / asin_,
    acos / acos_,
    atan / atan_,
    sinh / sinh_,
    cosh / cosh_,
    tanh / tanh_,
    sigmoid / sigmoid_,
    relu / relu_,
    erf / erf_,
    erfc / erfc_,
    reciprocal / reciprocal_,
    floor / floor_,
    ceil / ceil_,
    trunc / trunc_,
    frac / frac_,
    logical_not / logical_not_,
    bitwise_not / bitwise_not_
);

/// Binary ops whose `other` must be a tensor in PyTorch (no Python-number overload).
const TENSOR_ONLY: &[&str] = &[
    "atan2",
    "maximum",
    "minimum",
    "logical_and",
    "logical_or",
    "logical_xor",
];

/// One method per plain binary op (tensor or number operand) and its in-place form.
macro_rules! binary_methods {
    ($($name:ident / $inplace:ident),* $(,)?) => {
        #[pymethods]
        impl PyTensor {
            $(
                #[pyo3(signature = (other, *, out=None))]
                #[doc = doc_binary!($name)]
                pub(crate) fn $name(&self, other: &Bound<'_, PyAny>, out: Out<'_, '_>) -> R {
                    if TENSOR_ONLY.contains(&stringify!($name)) && !other.is_instance_of::<PyTensor>() {
                        return Err(PyTypeError::new_err(format!(
                            "{}(): argument 'other' (position 2) must be Tensor, not {}",
                            stringify!($name),
                            other.get_type().name()?
                        )));
                    }
                    let b = operand_req(other, stringify!($name), "other")?;
                    let py = other.py();
                    with_out(py, stringify!($name), &[&self.t, &b], out, || {
                        crate::ok!(py, self.t.numel().max(b.numel()), || binary::$name(&self.t, &b))
                    })
                }
                #[doc = doc_binary_inplace!($name)]
                fn $inplace<'py>(slf: &Bound<'py, Self>, other: &Bound<'_, PyAny>) -> PyResult<Bound<'py, Self>> {
                    if TENSOR_ONLY.contains(&stringify!($name)) && !other.is_instance_of::<PyTensor>() {
                        return Err(PyTypeError::new_err(format!(
                            "{}_(): argument 'other' (position 1) must be Tensor, not {}",
                            stringify!($name),
                            other.get_type().name()?
                        )));
                    }
                    crate::tensor::operators::inplace_method(&slf.get().t, other, stringify!($name))?;
                    Ok(slf.clone())
                }
            )*
        }
    };
}

binary_methods!(
    mul / mul_,
    floor_divide / floor_divide_,
    remainder / remainder_,
    fmod / fmod_,
    pow / pow_,
    atan2 / atan2_,
    maximum / maximum_,
    minimum / minimum_,
    eq / eq_,
    ne / ne_,
    lt / lt_,
    le / le_,
    gt / gt_,
    ge / ge_,
    logical_and / logical_and_,
    logical_or / logical_or_,
    logical_xor / logical_xor_,
    bitwise_and / bitwise_and_,
    bitwise_or / bitwise_or_,
    bitwise_xor / bitwise_xor_,
    bitwise_left_shift / bitwise_left_shift_,
    bitwise_right_shift / bitwise_right_shift_
);

#[pymethods]
impl PyTensor {
    // ----- arithmetic with extra arguments -----

    #[pyo3(signature = (other, legacy_other=None, *, alpha=None, out=None))]
    #[doc = doc_binary!(add)]
    pub(crate) fn add(
        &self,
        other: &Bound<'_, PyAny>,
        legacy_other: Option<&Bound<'_, PyAny>>,
        alpha: Option<&Bound<'_, PyAny>>,
        out: Out<'_, '_>,
    ) -> R {
        let (other, alpha) =
            crate::legacy::alpha_first("add", Form::Method, other, legacy_other, alpha)?;
        let b = operand_req(other, "add", "other")?;
        let a = scalar_or_default(alpha, "alpha", Scalar::Int(1))?;
        let py = other.py();
        with_out(py, "add", &[&self.t, &b], out, || {
            crate::ok!(py, self.t.numel().max(b.numel()), || {
                binary::add_scaled(&self.t, &b, a)
            })
        })
    }
    #[pyo3(signature = (other, legacy_other=None, *, alpha=None))]
    #[doc = doc_math!(add_)]
    fn add_<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'_, PyAny>,
        legacy_other: Option<&Bound<'_, PyAny>>,
        alpha: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, Self>> {
        let (other, alpha) =
            crate::legacy::alpha_first("add_", Form::Method, other, legacy_other, alpha)?;
        let b = operand_req(other, "add_", "other")?;
        let a = scalar_or_default(alpha, "alpha", Scalar::Int(1))?;
        let t = &slf.get().t;
        crate::engine!(slf.py(), t.numel(), || binary::add_scaled_(t, &b, a))?;
        Ok(slf.clone())
    }
    #[pyo3(signature = (other, legacy_other=None, *, alpha=None, out=None))]
    #[doc = doc_binary!(sub)]
    pub(crate) fn sub(
        &self,
        other: &Bound<'_, PyAny>,
        legacy_other: Option<&Bound<'_, PyAny>>,
        alpha: Option<&Bound<'_, PyAny>>,
        out: Out<'_, '_>,
    ) -> R {
        let (other, alpha) =
            crate::legacy::alpha_first("sub", Form::Method, other, legacy_other, alpha)?;
        let b = operand_req(other, "sub", "other")?;
        let a = scalar_or_default(alpha, "alpha", Scalar::Int(1))?;
        let py = other.py();
        with_out(py, "sub", &[&self.t, &b], out, || {
            crate::ok!(py, self.t.numel().max(b.numel()), || {
                binary::sub_scaled(&self.t, &b, a)
            })
        })
    }
    #[pyo3(signature = (other, legacy_other=None, *, alpha=None))]
    #[doc = doc_math!(sub_)]
    fn sub_<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'_, PyAny>,
        legacy_other: Option<&Bound<'_, PyAny>>,
        alpha: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, Self>> {
        let (other, alpha) =
            crate::legacy::alpha_first("sub_", Form::Method, other, legacy_other, alpha)?;
        let b = operand_req(other, "sub_", "other")?;
        let a = scalar_or_default(alpha, "alpha", Scalar::Int(1))?;
        let t = &slf.get().t;
        crate::engine!(slf.py(), t.numel(), || rtorch::ops::inplace::apply(
            t,
            &[&b],
            "sub_",
            |x| binary::sub_scaled(x, &b, a)
        ))?;
        Ok(slf.clone())
    }
    #[pyo3(signature = (other, *, rounding_mode=None, out=None))]
    #[doc = doc_binary!(div)]
    pub(crate) fn div(
        &self,
        other: &Bound<'_, PyAny>,
        rounding_mode: Option<&str>,
        out: Out<'_, '_>,
    ) -> R {
        let b = operand_req(other, "div", "other")?;
        let mode = rounding(rounding_mode)?;
        let py = other.py();
        with_out(py, "div", &[&self.t, &b], out, || {
            crate::ok!(py, self.t.numel().max(b.numel()), || {
                binary::div_mode(&self.t, &b, mode)
            })
        })
    }
    #[pyo3(signature = (other, *, rounding_mode=None))]
    #[doc = doc_math!(div_)]
    fn div_<'py>(
        slf: &Bound<'py, Self>,
        other: &Bound<'_, PyAny>,
        rounding_mode: Option<&str>,
    ) -> PyResult<Bound<'py, Self>> {
        let b = operand_req(other, "div_", "other")?;
        let mode = rounding(rounding_mode)?;
        let t = &slf.get().t;
        if mode == binary::RoundingMode::True {
            crate::engine!(slf.py(), t.numel(), || binary::binary_("div", t, &b))?;
        } else {
            crate::engine!(slf.py(), t.numel(), || rtorch::ops::inplace::apply(
                t,
                &[&b],
                "div_",
                |x| binary::div_mode(x, &b, mode)
            ))?;
        }
        Ok(slf.clone())
    }

    // ----- pointwise with options -----

    #[pyo3(signature = (min=None, max=None, *, out=None))]
    #[doc = doc_math!(clamp)]
    fn clamp(
        &self,
        py: Python<'_>,
        min: Option<&Bound<'_, PyAny>>,
        max: Option<&Bound<'_, PyAny>>,
        out: Out<'_, '_>,
    ) -> R {
        if let (Some(a), Some(b)) = (min.filter(|o| !o.is_none()), max.filter(|o| !o.is_none())) {
            // A 0-dim tensor passes as a number; a real tensor cannot pair with a number.
            let tensorish = |o: &Bound<'_, PyAny>| {
                o.cast::<PyTensor>()
                    .map(|t| t.get().t.ndim() > 0)
                    .unwrap_or(false)
            };
            let number = |o: &Bound<'_, PyAny>| !o.is_instance_of::<PyTensor>();
            if (tensorish(a) && number(b)) || (tensorish(b) && number(a)) {
                return Err(PyTypeError::new_err(
                    "clamp() received an invalid combination of arguments - min and max must both be Tensors or both be Numbers",
                ));
            }
        }
        let lo = min
            .filter(|o| !o.is_none())
            .map(|o| operand_req(o, "clamp", "min"))
            .transpose()?;
        let hi = max
            .filter(|o| !o.is_none())
            .map(|o| operand_req(o, "clamp", "max"))
            .transpose()?;
        let inputs: Vec<&Tensor> = [Some(&self.t), lo.as_ref(), hi.as_ref()]
            .into_iter()
            .flatten()
            .collect();
        let numbers = [min, max]
            .into_iter()
            .flatten()
            .all(|o| !o.is_instance_of::<PyTensor>());
        with_out(py, "clamp", &inputs, out, || {
            let r = crate::ok!(py, self.t.numel(), || pointwise::clamp(
                &self.t,
                lo.as_ref(),
                hi.as_ref()
            ))?;
            scalar_bounds_out(numbers, &r, out)
        })
    }
    #[pyo3(signature = (min=None, max=None, *, out=None))]
    #[doc = doc_math!(clip)]
    fn clip(
        &self,
        py: Python<'_>,
        min: Option<&Bound<'_, PyAny>>,
        max: Option<&Bound<'_, PyAny>>,
        out: Out<'_, '_>,
    ) -> R {
        self.clamp(py, min, max, out)
    }
    #[pyo3(signature = (min=None, max=None))]
    #[doc = doc_math!(clamp_)]
    fn clamp_<'py>(
        slf: &Bound<'py, Self>,
        min: Option<&Bound<'_, PyAny>>,
        max: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, Self>> {
        let t = &slf.get().t;
        let lo = min
            .filter(|o| !o.is_none())
            .map(|o| operand_req(o, "clamp_", "min"))
            .transpose()?;
        let hi = max
            .filter(|o| !o.is_none())
            .map(|o| operand_req(o, "clamp_", "max"))
            .transpose()?;
        crate::engine!(slf.py(), t.numel(), || pointwise::clamp_(
            t,
            lo.as_ref(),
            hi.as_ref(),
            "clamp_"
        ))?;
        Ok(slf.clone())
    }
    #[doc = doc_math!(clamp_min_)]
    fn clamp_min_<'py>(
        slf: &Bound<'py, Self>,
        min: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, Self>> {
        not_none(min, "clamp_min_")?;
        let (t, lo) = (&slf.get().t, operand_req(min, "clamp_min_", "min")?);
        crate::engine!(slf.py(), t.numel(), || pointwise::clamp_(
            t,
            Some(&lo),
            None,
            "clamp_min_"
        ))?;
        Ok(slf.clone())
    }
    #[doc = doc_math!(clamp_max_)]
    fn clamp_max_<'py>(
        slf: &Bound<'py, Self>,
        max: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, Self>> {
        not_none(max, "clamp_max_")?;
        let (t, hi) = (&slf.get().t, operand_req(max, "clamp_max_", "max")?);
        crate::engine!(slf.py(), t.numel(), || pointwise::clamp_(
            t,
            None,
            Some(&hi),
            "clamp_max_"
        ))?;
        Ok(slf.clone())
    }
    #[doc = doc_math!(clamp_min)]
    #[pyo3(signature = (min, *, out=None))]
    fn clamp_min(&self, py: Python<'_>, min: &Bound<'_, PyAny>, out: Out<'_, '_>) -> R {
        not_none(min, "clamp_min")?;
        let lo = operand_req(min, "clamp_min", "min")?;
        let number = !min.is_instance_of::<PyTensor>();
        with_out(py, "clamp_min", &[&self.t, &lo], out, || {
            let r = crate::ok!(py, self.t.numel(), || pointwise::clamp_min(&self.t, &lo))?;
            scalar_bounds_out(number, &r, out)
        })
    }
    #[doc = doc_math!(clamp_max)]
    #[pyo3(signature = (max, *, out=None))]
    fn clamp_max(&self, py: Python<'_>, max: &Bound<'_, PyAny>, out: Out<'_, '_>) -> R {
        not_none(max, "clamp_max")?;
        let hi = operand_req(max, "clamp_max", "max")?;
        let number = !max.is_instance_of::<PyTensor>();
        with_out(py, "clamp_max", &[&self.t, &hi], out, || {
            let r = crate::ok!(py, self.t.numel(), || pointwise::clamp_max(&self.t, &hi))?;
            scalar_bounds_out(number, &r, out)
        })
    }
    #[doc = doc_math!(lerp)]
    #[pyo3(signature = (end, weight, *, out=None))]
    pub(crate) fn lerp(
        &self,
        py: Python<'_>,
        end: &Bound<'_, PyTensor>,
        weight: &Bound<'_, PyAny>,
        out: Out<'_, '_>,
    ) -> R {
        let w = operand_req(weight, "lerp", "weight")?;
        let end = &end.get().t;
        with_out(py, "lerp", &[&self.t, end, &w], out, || {
            crate::ok!(py, self.t.numel(), || pointwise::lerp(&self.t, end, &w))
        })
    }
    #[pyo3(name = "where")]
    #[doc = doc_math!(where_method)]
    fn where_method(
        &self,
        py: Python<'_>,
        condition: &Bound<'_, PyTensor>,
        other: &Bound<'_, PyAny>,
    ) -> R {
        let y = operand_req(other, "where", "other")?;
        {
            let condition = &condition.get().t;
            crate::ok!(py, self.t.numel(), || pointwise::where_(
                condition, &self.t, &y
            ))
        }
    }
    #[doc = doc_math!(masked_fill)]
    fn masked_fill(
        &self,
        py: Python<'_>,
        mask: &Bound<'_, PyTensor>,
        value: &Bound<'_, PyAny>,
    ) -> R {
        let v = operand_req(value, "masked_fill", "value")?;
        {
            let mask = &mask.get().t;
            crate::ok!(py, self.t.numel(), || pointwise::masked_fill(
                &self.t, mask, &v
            ))
        }
    }
    #[doc = doc_math!(masked_fill_)]
    fn masked_fill_<'py>(
        slf: &Bound<'py, Self>,
        mask: &Bound<'_, PyTensor>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<Bound<'py, Self>> {
        let v = operand_req(value, "masked_fill_", "value")?;
        let (t, m) = (&slf.get().t, &mask.get().t);
        crate::engine!(slf.py(), t.numel(), || rtorch::ops::inplace::apply(
            t,
            &[&v],
            "masked_fill_",
            |x| { pointwise::masked_fill(x, m, &v) }
        ))?;
        Ok(slf.clone())
    }
    #[pyo3(signature = (tensor1, tensor2, legacy_tensor2=None, *, value=None, out=None))]
    #[doc = doc_math!(addcmul)]
    fn addcmul(
        &self,
        py: Python<'_>,
        tensor1: &Bound<'_, PyAny>,
        tensor2: &Bound<'_, PyAny>,
        legacy_tensor2: Option<&Bound<'_, PyAny>>,
        value: Option<&Bound<'_, PyAny>>,
        out: Out<'_, '_>,
    ) -> R {
        let (tensor1, tensor2, value) =
            crate::legacy::value_first("addcmul", tensor1, tensor2, legacy_tensor2, value)?;
        let v = scalar_or_default(value, "value", Scalar::Int(1))?;
        let (tensor1, tensor2) = (
            tensor_arg(tensor1, "addcmul", "tensor1", 1)?,
            tensor_arg(tensor2, "addcmul", "tensor2", 2)?,
        );
        let (t1, t2) = (&tensor1.get().t, &tensor2.get().t);
        with_out(py, "addcmul", &[&self.t, t1, t2], out, || {
            crate::ok!(py, self.t.numel(), || pointwise::addcmul(
                &self.t, t1, t2, v
            ))
        })
    }
    #[pyo3(signature = (tensor1, tensor2, legacy_tensor2=None, *, value=None, out=None))]
    #[doc = doc_math!(addcdiv)]
    fn addcdiv(
        &self,
        py: Python<'_>,
        tensor1: &Bound<'_, PyAny>,
        tensor2: &Bound<'_, PyAny>,
        legacy_tensor2: Option<&Bound<'_, PyAny>>,
        value: Option<&Bound<'_, PyAny>>,
        out: Out<'_, '_>,
    ) -> R {
        let (tensor1, tensor2, value) =
            crate::legacy::value_first("addcdiv", tensor1, tensor2, legacy_tensor2, value)?;
        let v = scalar_or_default(value, "value", Scalar::Int(1))?;
        let (tensor1, tensor2) = (
            tensor_arg(tensor1, "addcdiv", "tensor1", 1)?,
            tensor_arg(tensor2, "addcdiv", "tensor2", 2)?,
        );
        let (t1, t2) = (&tensor1.get().t, &tensor2.get().t);
        with_out(py, "addcdiv", &[&self.t, t1, t2], out, || {
            crate::ok!(py, self.t.numel(), || pointwise::addcdiv(
                &self.t, t1, t2, v
            ))
        })
    }
    #[doc = doc_math!(nan_to_num)]
    #[pyo3(signature = (nan=0.0, posinf=None, neginf=None, *, out=None))]
    fn nan_to_num(
        &self,
        py: Python<'_>,
        nan: f64,
        posinf: Option<f64>,
        neginf: Option<f64>,
        out: Out<'_, '_>,
    ) -> R {
        with_out(py, "nan_to_num", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || unary::nan_to_num(
                &self.t, nan, posinf, neginf
            ))
        })
    }
    #[doc = doc_math!(round)]
    #[pyo3(signature = (*, decimals=None, out=None))]
    fn round(&self, py: Python<'_>, decimals: Option<&Bound<'_, PyAny>>, out: Out<'_, '_>) -> R {
        let decimals = decimals.map(|d| decimals_arg(d, "round")).transpose()?;
        with_out(py, "round", &[&self.t], out, || match decimals {
            None => crate::ok!(py, self.t.numel(), || unary::round(&self.t)),
            Some(0) if !self.t.dtype().is_floating_point() => Err(crate::errors::to_py(
                rtorch::ops::unsupported("round_vml_cpu", self.t.dtype()),
            )),
            Some(d) => crate::ok!(py, self.t.numel(), || unary::round_decimals(&self.t, d)),
        })
    }
    #[pyo3(signature = (*, decimals=None))]
    #[doc = doc_math!(round_)]
    fn round_<'py>(
        slf: &Bound<'py, Self>,
        decimals: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, Self>> {
        let decimals = decimals
            .map(|d| decimals_arg(d, "round_"))
            .transpose()?
            .unwrap_or(0);
        let t = &slf.get().t;
        crate::engine!(slf.py(), t.numel(), || rtorch::ops::inplace::apply(
            t,
            &[],
            "round_",
            |x| { unary::round_decimals(x, decimals) }
        ))?;
        Ok(slf.clone())
    }
    #[doc = doc_math!(isnan)]
    fn isnan(&self, py: Python<'_>) -> R {
        crate::ok!(py, self.t.numel(), || unary::isnan(&self.t))
    }
    #[doc = doc_math!(isinf)]
    fn isinf(&self, py: Python<'_>) -> R {
        crate::ok!(py, self.t.numel(), || unary::isinf(&self.t))
    }
    #[doc = doc_math!(isfinite)]
    fn isfinite(&self, py: Python<'_>) -> R {
        crate::ok!(py, self.t.numel(), || unary::isfinite(&self.t))
    }

    // ----- BLAS -----

    #[pyo3(signature = (mat2, *, out=None))]
    #[doc = doc_math!(mm)]
    fn mm(&self, py: Python<'_>, mat2: &Bound<'_, PyTensor>, out: Out<'_, '_>) -> R {
        let b = &mat2.get().t;
        with_out(py, "mm", &[&self.t, b], out, || {
            crate::ok!(py, self.t.numel() * 8, || matmul::mm(&self.t, b))
        })
    }
    #[pyo3(signature = (mat2, *, out=None))]
    #[doc = doc_math!(bmm)]
    fn bmm(&self, py: Python<'_>, mat2: &Bound<'_, PyTensor>, out: Out<'_, '_>) -> R {
        let b = &mat2.get().t;
        with_out(py, "bmm", &[&self.t, b], out, || {
            crate::ok!(py, self.t.numel() * 8, || matmul::bmm(&self.t, b))
        })
    }
    #[pyo3(signature = (other, *, out=None))]
    #[doc = doc_math!(matmul)]
    fn matmul(&self, py: Python<'_>, other: &Bound<'_, PyTensor>, out: Out<'_, '_>) -> R {
        let b = &other.get().t;
        with_out(py, "matmul", &[&self.t, b], out, || {
            crate::ok!(py, self.t.numel() * 8, || matmul::matmul(&self.t, b))
        })
    }
    #[pyo3(signature = (vec, *, out=None))]
    #[doc = doc_math!(mv)]
    fn mv(&self, py: Python<'_>, vec: &Bound<'_, PyTensor>, out: Out<'_, '_>) -> R {
        let v = &vec.get().t;
        with_out(py, "mv", &[&self.t, v], out, || {
            crate::ok!(py, self.t.numel(), || matmul::mv(&self.t, v))
        })
    }
    #[pyo3(signature = (other, *, out=None))]
    #[doc = doc_math!(dot)]
    fn dot(&self, py: Python<'_>, other: &Bound<'_, PyTensor>, out: Out<'_, '_>) -> R {
        let b = &other.get().t;
        with_out(py, "dot", &[&self.t, b], out, || {
            crate::ok!(py, self.t.numel(), || matmul::dot(&self.t, b))
        })
    }
    #[pyo3(signature = (vec2, *, out=None))]
    #[doc = doc_math!(outer)]
    fn outer(&self, py: Python<'_>, vec2: &Bound<'_, PyTensor>, out: Out<'_, '_>) -> R {
        let b = &vec2.get().t;
        with_out(py, "outer", &[&self.t, b], out, || {
            crate::ok!(py, self.t.numel() * b.numel(), || {
                matmul::outer(&self.t, b)
            })
        })
    }
    #[doc = doc_math!(ger)]
    fn ger(&self, py: Python<'_>, vec2: &Bound<'_, PyTensor>) -> R {
        {
            let vec2 = &vec2.get().t;
            crate::ok!(py, self.t.numel(), || matmul::outer(&self.t, vec2))
        }
    }
}

/// `nonzero(as_tuple=True)` and `where(condition)`: one 1-D index tensor per dimension.
pub fn nonzero_tuple(py: Python<'_>, t: &Tensor) -> PyResult<Py<PyAny>> {
    let idx = crate::engine!(py, t.numel(), || indexing::nonzero(t))?;
    let cols = (0..t.ndim().max(1))
        .map(|d| {
            let col = if t.ndim() == 0 {
                // One all-zero column with a row per hit, as PyTorch returns.
                rtorch::ops::factory::full(
                    &[idx.shape()[0]],
                    Scalar::Int(0),
                    rtorch::DType::I64,
                    idx.device(),
                )
            } else {
                rtorch::ops::movement::select(&idx, 1, d as i64)
            };
            col.py().map(PyTensor::wrap)
        })
        .collect::<PyResult<Vec<_>>>()?;
    Ok(pyo3::types::PyTuple::new(py, cols)?.into_any().unbind())
}

#[pymethods]
impl PyTensor {
    #[doc = doc_math!(nonzero)]
    #[pyo3(signature = (*, out=None, as_tuple=false))]
    fn nonzero(&self, py: Python<'_>, out: Out<'_, '_>, as_tuple: bool) -> PyResult<Py<PyAny>> {
        if as_tuple {
            return nonzero_tuple(py, &self.t);
        }
        with_out(py, "nonzero", &[&self.t], out, || {
            crate::ok!(py, self.t.numel(), || indexing::nonzero(&self.t))
        })?
        .into_py_any(py)
    }
    #[doc = doc_math!(argwhere)]
    fn argwhere(&self, py: Python<'_>) -> R {
        crate::ok!(py, self.t.numel(), || indexing::nonzero(&self.t))
    }
}

fn rounding(mode: Option<&str>) -> PyResult<binary::RoundingMode> {
    Ok(match mode {
        None => binary::RoundingMode::True,
        Some("trunc") => binary::RoundingMode::Trunc,
        Some("floor") => binary::RoundingMode::Floor,
        Some(m) => {
            return Err(PyRuntimeError::new_err(format!(
                "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{m}'"
            )))
        }
    })
}

/// `clamp_min(None)`: PyTorch's argument parser rejects it (TypeError) before clamping.
fn not_none(v: &Bound<'_, PyAny>, op: &str) -> PyResult<()> {
    if v.is_none() {
        return Err(PyTypeError::new_err(format!(
            "{op}() received an invalid combination of arguments - got (NoneType)"
        )));
    }
    Ok(())
}

/// `decimals=` as torch parses an int argument: a bool is a TypeError, not 0/1.
fn decimals_arg(d: &Bound<'_, PyAny>, op: &str) -> PyResult<i64> {
    if d.is_instance_of::<pyo3::types::PyBool>() || d.is_instance_of::<pyo3::types::PyFloat>() {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{op}(): argument 'decimals' must be int, not {}",
            d.get_type().name()?
        )));
    }
    d.extract::<i64>()
}

/// The clamp family with number bounds writes only into an out of the result's own dtype
/// (PyTorch's Scalar overloads check it; tensor bounds take the cast rule).
fn scalar_bounds_out(numbers: bool, r: &TensorOut, out: Out<'_, '_>) -> R {
    if let Some(o) = crate::out::out_dtype(out).filter(|_| numbers) {
        if o != r.0.dtype() {
            return Err(pyo3::exceptions::PyRuntimeError::new_err(format!(
                "Found dtype {} but expected {}",
                o.scalar_name(),
                r.0.dtype().scalar_name()
            )));
        }
    }
    Ok(TensorOut(r.0.clone()))
}

/// A tensor argument of a binding that also takes numbers in that place (the deprecated
/// overloads): PyTorch's TypeError for anything else.
pub(crate) fn tensor_arg<'a, 'py>(
    o: &'a Bound<'py, PyAny>,
    op: &str,
    arg: &str,
    position: usize,
) -> PyResult<&'a Bound<'py, PyTensor>> {
    o.cast::<PyTensor>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{op}(): argument '{arg}' (position {position}) must be Tensor, not {}",
            o.get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        ))
    })
}

//! `rtorch.Tensor`'s Python operators (`+`, `@`, `<`, `+=`…), reflected and in-place:
//! each converts its operand and calls the engine op of the same meaning.

use crate::convert::{self, operand};
use crate::tensor::{PyTensor, TensorOut, R};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use rtorch::ops::{binary, unary};
use rtorch::{DType, Tensor};

#[pymethods]
impl PyTensor {
    fn __add__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(&self.t, o, binary::add)
    }
    // torch's `__radd__`/`__rmul__` are `add(self, other)`/`mul(self, other)`: the number
    // comes second, so a half tensor keeps it unrounded (NOTE [ Half ops with a scalar ]).
    fn __radd__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(&self.t, o, binary::add)
    }
    fn __sub__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(&self.t, o, binary::sub)
    }
    fn __rsub__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        rbinop(&self.t, o, binary::sub)
    }
    fn __mul__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(&self.t, o, binary::mul)
    }
    fn __rmul__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(&self.t, o, binary::mul)
    }
    fn __truediv__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(&self.t, o, binary::div)
    }
    /// PyTorch defines `b / a` as `a.reciprocal() * b` (same rounding, same graph, and a
    /// foreign `b` such as an ndarray goes on to NumPy through `*`).
    fn __rtruediv__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let py = o.py();
        let recip = crate::engine!(py, self.t.numel(), || unary::reciprocal(&self.t))?;
        let recip = PyTensor::wrap(recip).into_pyobject(py)?;
        match recip.mul(o) {
            Ok(r) => Ok(r.unbind()),
            Err(e) if e.is_instance_of::<PyTypeError>(py) => Ok(py.NotImplemented()),
            Err(e) => Err(e),
        }
    }
    fn __floordiv__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(&self.t, o, binary::floor_divide)
    }
    fn __rfloordiv__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        rbinop(&self.t, o, binary::floor_divide)
    }
    fn __mod__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(&self.t, o, binary::remainder)
    }
    fn __rmod__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        rbinop(&self.t, o, binary::remainder)
    }
    fn __pow__(&self, o: &Bound<'_, PyAny>, _m: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        binop(&self.t, o, binary::pow)
    }
    fn __rpow__(&self, o: &Bound<'_, PyAny>, _m: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        rbinop(&self.t, o, binary::pow)
    }
    fn __matmul__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let Ok(b) = o.cast::<PyTensor>() else {
            return Ok(o.py().NotImplemented());
        };
        let b = &b.get().t;
        let work = self.t.numel().max(b.numel()) * 8;
        let out = crate::engine!(o.py(), work, || rtorch::ops::matmul::matmul(&self.t, b));
        into_py(o.py(), out)
    }
    fn __rmatmul__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let Ok(a) = o.cast::<PyTensor>() else {
            return Ok(o.py().NotImplemented());
        };
        let a = &a.get().t;
        let work = self.t.numel().max(a.numel()) * 8;
        let out = crate::engine!(o.py(), work, || rtorch::ops::matmul::matmul(a, &self.t));
        into_py(o.py(), out)
    }
    fn __and__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(&self.t, o, binary::bitwise_and)
    }
    fn __lshift__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(&self.t, o, binary::bitwise_left_shift)
    }
    fn __rlshift__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        rbinop(&self.t, o, binary::bitwise_left_shift)
    }
    fn __rshift__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(&self.t, o, binary::bitwise_right_shift)
    }
    fn __rrshift__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        rbinop(&self.t, o, binary::bitwise_right_shift)
    }
    fn __ilshift__(&self, py: Python<'_>, o: convert::Operand) -> PyResult<()> {
        inplace_binop(py, &self.t, o, "bitwise_left_shift")
    }
    fn __irshift__(&self, py: Python<'_>, o: convert::Operand) -> PyResult<()> {
        inplace_binop(py, &self.t, o, "bitwise_right_shift")
    }
    fn __rand__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        rbinop(&self.t, o, binary::bitwise_and)
    }
    fn __or__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(&self.t, o, binary::bitwise_or)
    }
    fn __ror__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        rbinop(&self.t, o, binary::bitwise_or)
    }
    fn __xor__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(&self.t, o, binary::bitwise_xor)
    }
    fn __rxor__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        rbinop(&self.t, o, binary::bitwise_xor)
    }
    fn __eq__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        // NOTE: unlike the other operators, PyTorch's `==` takes an ndarray as a tensor.
        if o.hasattr("__array_interface__")? && operand(o)?.is_none() {
            let b = convert::tensor_from_data(o, None)?;
            let n = self.t.numel().max(b.numel());
            return into_py(
                o.py(),
                crate::engine!(o.py(), n, || binary::eq(&self.t, &b)),
            );
        }
        binop(&self.t, o, binary::eq)
    }
    fn __ne__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(&self.t, o, binary::ne)
    }
    fn __lt__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(&self.t, o, binary::lt)
    }
    fn __le__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(&self.t, o, binary::le)
    }
    fn __gt__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(&self.t, o, binary::gt)
    }
    fn __ge__(&self, o: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        binop(&self.t, o, binary::ge)
    }
    fn __neg__(&self, py: Python<'_>) -> R {
        crate::ok!(py, self.t.numel(), || unary::neg(&self.t))
    }
    fn __pos__(&self) -> PyResult<TensorOut> {
        if self.t.dtype() == DType::Bool {
            return Err(PyRuntimeError::new_err(
                "The `+` operator, on a bool tensor is not supported.",
            ));
        }
        Ok(PyTensor::wrap(self.t.clone()))
    }
    fn __abs__(&self, py: Python<'_>) -> R {
        crate::ok!(py, self.t.numel(), || unary::abs(&self.t))
    }
    fn __invert__(&self, py: Python<'_>) -> R {
        let n = self.t.numel();
        if self.t.dtype() == DType::Bool {
            return crate::ok!(py, n, || unary::logical_not(&self.t));
        }
        if self.t.dtype().is_floating_point() {
            return Err(PyTypeError::new_err(
                "~ (operator.invert) is only implemented on integer and Boolean-type tensors",
            ));
        }
        crate::ok!(py, n, || unary::bitwise_not(&self.t))
    }
    fn __iadd__(&self, py: Python<'_>, o: convert::Operand) -> PyResult<()> {
        inplace_binop(py, &self.t, o, "add")
    }
    fn __isub__(&self, py: Python<'_>, o: convert::Operand) -> PyResult<()> {
        inplace_binop(py, &self.t, o, "sub")
    }
    fn __imul__(&self, py: Python<'_>, o: convert::Operand) -> PyResult<()> {
        inplace_binop(py, &self.t, o, "mul")
    }
    fn __itruediv__(&self, py: Python<'_>, o: convert::Operand) -> PyResult<()> {
        inplace_binop(py, &self.t, o, "div")
    }
    fn __ifloordiv__(&self, py: Python<'_>, o: convert::Operand) -> PyResult<()> {
        inplace_binop(py, &self.t, o, "floor_divide")
    }
    fn __imod__(&self, py: Python<'_>, o: convert::Operand) -> PyResult<()> {
        inplace_binop(py, &self.t, o, "remainder")
    }
    fn __ipow__(
        &self,
        py: Python<'_>,
        o: convert::Operand,
        _m: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        inplace_binop(py, &self.t, o, "pow")
    }
    fn __iand__(&self, py: Python<'_>, o: convert::Operand) -> PyResult<()> {
        inplace_binop(py, &self.t, o, "bitwise_and")
    }
    fn __ior__(&self, py: Python<'_>, o: convert::Operand) -> PyResult<()> {
        inplace_binop(py, &self.t, o, "bitwise_or")
    }
    fn __ixor__(&self, py: Python<'_>, o: convert::Operand) -> PyResult<()> {
        inplace_binop(py, &self.t, o, "bitwise_xor")
    }
}

// NOTE [ Operators and foreign operands ]
// An operand that is neither a tensor nor a number PyTorch accepts (a list, a Fraction, a
// str, an ndarray) gives `NotImplemented`, never `None`: Python then tries the other side
// (`ndarray.__radd__` computes in NumPy and `__array_wrap__` makes the result a tensor,
// exactly as with torch) or raises TypeError.

fn into_py(py: Python<'_>, t: PyResult<Tensor>) -> PyResult<Py<PyAny>> {
    PyTensor::wrap(t?).into_py_any(py)
}

/// `a op b` for a tensor or Python number `b`.
fn binop(
    a: &Tensor,
    o: &Bound<'_, PyAny>,
    f: fn(&Tensor, &Tensor) -> rtorch::Result<Tensor>,
) -> PyResult<Py<PyAny>> {
    let Some(b) = operand(o)? else {
        return Ok(o.py().NotImplemented());
    };
    let n = a.numel().max(b.numel());
    into_py(o.py(), crate::engine!(o.py(), n, || f(a, &b)))
}

/// `b op a` (reflected operators: the Python number is on the left).
fn rbinop(
    a: &Tensor,
    o: &Bound<'_, PyAny>,
    f: fn(&Tensor, &Tensor) -> rtorch::Result<Tensor>,
) -> PyResult<Py<PyAny>> {
    let Some(b) = operand(o)? else {
        return Ok(o.py().NotImplemented());
    };
    let n = a.numel().max(b.numel());
    into_py(o.py(), crate::engine!(o.py(), n, || f(&b, a)))
}

/// `a op= b`; a foreign `b` never gets here (`Operand` fails to extract: NotImplemented).
fn inplace_binop(py: Python<'_>, a: &Tensor, b: convert::Operand, name: &str) -> PyResult<()> {
    inplace_tensor(py, a, &b.0, name)
}

fn inplace_tensor(py: Python<'_>, a: &Tensor, b: &Tensor, name: &str) -> PyResult<()> {
    if name == "add" {
        return crate::engine!(py, a.numel(), || binary::add_(a, b));
    }
    crate::engine!(py, a.numel(), || binary::binary_(name, a, b))
}

/// `a.op_(b)`: a foreign `b` is PyTorch's TypeError.
pub fn inplace_method(a: &Tensor, o: &Bound<'_, PyAny>, name: &str) -> PyResult<()> {
    let b = convert::operand_req(o, &format!("{name}_"), "other")?;
    inplace_tensor(o.py(), a, &b, name)
}

"""Whole-tensor comparisons: `isclose`, `allclose` and `equal`, as functions and methods.

Written with the engine's elementwise ops, in PyTorch's formula: `a` and `b` are close
where they are equal (infinities of the same sign included), or NaN on both sides with
`equal_nan`, or where `|a - b| <= atol + rtol * |b|` with a finite difference.
"""

from . import _C
from .autograd.grad_mode import no_grad


def _type_name(dtype):
    return {
        "float32": "Float",
        "float64": "Double",
        "float16": "Half",
        "bfloat16": "BFloat16",
        "int64": "Long",
        "int32": "Int",
        "int16": "Short",
        "int8": "Char",
        "uint8": "Byte",
        "bool": "Bool",
    }[str(dtype).split(".")[-1]]


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> Tensor

    Elementwise ``|input - other| <= atol + rtol * |other|`` (a bool tensor); equal infinities
    are close, NaNs only with ``equal_nan``.
    """
    if not isinstance(other, _C.Tensor):
        raise TypeError(
            f"isclose(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}"
        )
    if input.dtype != other.dtype:
        raise RuntimeError(f"{_type_name(input.dtype)} did not match {_type_name(other.dtype)}")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    with no_grad():
        close = input == other
        if equal_nan and input.is_floating_point():
            close = close | (input.isnan() & other.isnan())
        if (rtol == 0 and atol == 0) or input.dtype == _C.bool:
            return close
        a, b = input, other
        if not a.is_floating_point():
            a, b = a.double(), b.double()
        allowed = (b * rtol).abs() + atol
        actual = (a - b).abs()
        return close | (actual.isfinite() & (actual <= allowed))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool

    Whether ``isclose`` holds for every element.
    """
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


def equal(input, other):
    """equal(input, other) -> bool

    True if both tensors have the same size and the same elements.
    """
    if not isinstance(other, _C.Tensor):
        raise TypeError(
            f"equal(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}"
        )
    if input.shape != other.shape:
        return False
    with no_grad():
        return bool((input == other).all())


for _f in (isclose, allclose, equal):
    setattr(_C.Tensor, _f.__name__, _f)

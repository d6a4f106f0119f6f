"""`rtorch.signal.windows`: PyTorch's SciPy-style windows (``M`` points, ``sym=True``
for the symmetric window, ``sym=False`` for the periodic one used in spectral analysis).

Values are computed as NOTE [ Window values ] in `rtorch/_windows.py` says; argument checks
and their messages are PyTorch's (ValueError here, unlike the ``*_window`` factories).
"""

import math
from collections.abc import Iterable

from .. import _C
from .._windows import _bartlett_point, _cosine_sum, _kaiser_point, _make

__all__ = [
    "bartlett",
    "blackman",
    "cosine",
    "exponential",
    "gaussian",
    "general_cosine",
    "general_hamming",
    "hamming",
    "hann",
    "kaiser",
    "nuttall",
]


def _checks(name, M, dtype, layout):
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    if layout is not None and repr(layout) != "torch.strided":
        raise ValueError(f"{name} is implemented for strided tensors only, got: {layout}")
    if dtype not in (_C.float32, _C.float64):
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: {dtype}")


def _window(name, M, sym, dtype, layout, device, requires_grad, point, ones_at_1=True):
    """`point(n, N)` for n < M, where N is M (symmetric) or M + 1 (periodic)."""
    dtype = _C.get_default_dtype() if dtype is None else dtype
    _checks(name, M, dtype, layout)
    if M == 0 or (M == 1 and ones_at_1):
        return _make([1.0] * M, dtype, device, requires_grad)
    big_n = M + 1 if not sym and M > 1 else M
    return _make([point(n, big_n) for n in range(M)], dtype, device, requires_grad)


def general_cosine(M, *, a, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """general_cosine(M, *, a, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False) -> Tensor

    ``sum_i (-1)^i a[i] cos(2 pi i n / (N - 1))``.
    """
    dtype = _C.get_default_dtype() if dtype is None else dtype
    _checks("general_cosine", M, dtype, layout)
    if M > 1:
        if not isinstance(a, Iterable):
            raise TypeError("Coefficients must be a list/tuple")
        if not a:
            raise ValueError("Coefficients cannot be empty")
    coeffs = list(a) if M > 1 else []
    return _window(
        "general_cosine", M, sym, dtype, layout, device, requires_grad, _cosine_sum(coeffs)
    )


def general_hamming(
    M, *, alpha=0.54, sym=True, dtype=None, layout=None, device=None, requires_grad=False
):
    """general_hamming(M, *, alpha=0.54, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False) -> Tensor

    ``alpha - (1 - alpha) cos(2 pi n / (N - 1))``.
    """
    return general_cosine(
        M,
        a=[alpha, 1.0 - alpha],
        sym=sym,
        dtype=dtype,
        layout=layout,
        device=device,
        requires_grad=requires_grad,
    )


def hann(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """hann(M, *, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False) -> Tensor

    The Hann window, ``general_hamming`` with ``alpha=0.5``.
    """
    return general_hamming(
        M,
        alpha=0.5,
        sym=sym,
        dtype=dtype,
        layout=layout,
        device=device,
        requires_grad=requires_grad,
    )


def hamming(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """hamming(M, *, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False) -> Tensor

    The Hamming window, ``general_hamming`` with ``alpha=0.54``.
    """
    return general_hamming(
        M, sym=sym, dtype=dtype, layout=layout, device=device, requires_grad=requires_grad
    )


def blackman(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """blackman(M, *, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False) -> Tensor

    The Blackman window, ``general_cosine`` with ``a=[0.42, 0.5, 0.08]``.
    """
    return general_cosine(
        M,
        a=[0.42, 0.5, 0.08],
        sym=sym,
        dtype=dtype,
        layout=layout,
        device=device,
        requires_grad=requires_grad,
    )


def nuttall(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """nuttall(M, *, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False) -> Tensor

    The minimum 4-term Blackman-Harris window of Nuttall, a ``general_cosine``.
    """
    return general_cosine(
        M,
        a=[0.3635819, 0.4891775, 0.1365995, 0.0106411],
        sym=sym,
        dtype=dtype,
        layout=layout,
        device=device,
        requires_grad=requires_grad,
    )


def bartlett(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """bartlett(M, *, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False) -> Tensor

    The triangular window ``1 - |2n / (N - 1) - 1|``.
    """
    return _window("bartlett", M, sym, dtype, layout, device, requires_grad, _bartlett_point)


def kaiser(M, *, beta=12.0, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """kaiser(M, *, beta=12.0, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False) -> Tensor

    ``I0(beta sqrt(1 - ((n - a) / a)^2)) / I0(beta)``, ``a = (N - 1) / 2``.
    """
    dtype = _C.get_default_dtype() if dtype is None else dtype
    _checks("kaiser", M, dtype, layout)
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")
    return _window("kaiser", M, sym, dtype, layout, device, requires_grad, _kaiser_point(beta))


def cosine(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """cosine(M, *, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False) -> Tensor

    The sine window ``sin(pi (n + 0.5) / N)``.
    """
    return _window(
        "cosine",
        M,
        sym,
        dtype,
        layout,
        device,
        requires_grad,
        lambda n, big_n: math.sin(math.pi * (n + 0.5) / big_n),
        ones_at_1=False,
    )


def gaussian(M, *, std=1.0, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    """gaussian(M, *, std=1.0, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False) -> Tensor

    ``exp(-((n - (N - 1) / 2) / std)^2 / 2)``.
    """
    dtype = _C.get_default_dtype() if dtype is None else dtype
    _checks("gaussian", M, dtype, layout)
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")

    def point(n, big_n):
        return math.exp(-(((n - (big_n - 1) / 2.0) / std) ** 2) / 2.0)

    return _window("gaussian", M, sym, dtype, layout, device, requires_grad, point, ones_at_1=False)


def exponential(
    M,
    *,
    center=None,
    tau=1.0,
    sym=True,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
):
    """exponential(M, *, center=None, tau=1.0, sym=True, dtype=None, layout=torch.strided, device=None, requires_grad=False) -> Tensor

    ``exp(-|n - center| / tau)``; ``center`` defaults to the middle and must be None for
    a symmetric window.
    """
    dtype = _C.get_default_dtype() if dtype is None else dtype
    _checks("exponential", M, dtype, layout)
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")

    def point(n, big_n):
        c = (big_n - 1) / 2.0 if center is None else center
        return math.exp(-abs(n - c) / tau)

    return _window(
        "exponential", M, sym, dtype, layout, device, requires_grad, point, ones_at_1=False
    )

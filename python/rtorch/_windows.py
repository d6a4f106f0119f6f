"""Window functions: the `rtorch.*_window` factories and `rtorch.signal.windows`.

NOTE [ Window values ]: every window is computed point by point in float64 with Python's
`math` and then rounded once to the requested dtype, so a float32 window is the
correctly rounded value of the formula. PyTorch evaluates its formulas in the requested
dtype, so float32 and half windows can differ from it in the last bit or two; float64
windows agree to rounding. A window asked to require grad is a leaf, as the `*_window`
factories give it in PyTorch.
"""

import math

from . import _C

_FLOAT = (_C.float16, _C.bfloat16, _C.float32, _C.float64)


def _dtype_name(dtype):
    # PyTorch's TensorOptions spelling of a dtype in the factory's error.
    names = {
        _C.bool: "bool",
        _C.uint8: "unsigned char",
        _C.int8: "signed char",
        _C.int16: "short int",
        _C.int32: "int",
        _C.int64: "long int",
    }
    return names.get(dtype, str(dtype).rsplit(".", 1)[-1])


def _make(values, dtype, device, requires_grad):
    out = _C.tensor(values, dtype=_C.float64, device=device).to(dtype)
    if requires_grad:
        out.requires_grad_(True)
    return out


def _factory(name, window_length, periodic, dtype, layout, device, requires_grad, point):
    """A `torch.*_window`: `point(n, N)` for n < window_length over a window of N points
    (one more than asked when `periodic`, its last point dropped)."""
    if dtype is None:
        dtype = _C.get_default_dtype()
    if dtype not in _FLOAT:
        raise RuntimeError(
            f"{name} expects floating point dtypes, got: TensorOptions(dtype="
            f"{_dtype_name(dtype)}, device=cpu, layout=Strided (default), requires_grad=false "
            "(default), pinned_memory=false, memory_format=(nullopt))"
        )
    if window_length < 0:
        raise RuntimeError(
            f"{name} requires non-negative window_length, got window_length={window_length}"
        )
    _check_layout(name, layout)
    if window_length <= 1:
        return _make([1.0] * window_length, dtype, device, requires_grad)
    n_points = window_length + 1 if periodic else window_length
    values = [point(n, n_points) for n in range(window_length)]
    return _make(values, dtype, device, requires_grad)


def _check_layout(name, layout):
    if layout is not None and repr(layout) != "torch.strided":
        raise RuntimeError(f"{name} is implemented for strided tensors only, got: {layout}")


def _cosine_sum(coeffs):
    """sum_i (-1)^i a_i cos(2 pi i n / (N - 1)): the generalized cosine windows."""

    def point(n, big_n):
        x = 2.0 * math.pi * n / (big_n - 1)
        return sum((-1) ** i * a * math.cos(i * x) for i, a in enumerate(coeffs))

    return point


def _bartlett_point(n, big_n):
    return 1.0 - abs(2.0 * n / (big_n - 1) - 1.0)


def _i0(x):
    """The modified Bessel function of the first kind, order 0, by its power series
    (sum over k of ((x/2)^k / k!)^2), which converges for every real x."""
    term, total, k, half = 1.0, 1.0, 0, x / 2.0
    while term > total * 1e-17:
        k += 1
        term *= (half / k) ** 2
        total += term
    return total


def _kaiser_point(beta):
    def point(n, big_n):
        alpha = (big_n - 1) / 2.0
        r = (n - alpha) / alpha
        return _i0(beta * math.sqrt(max(0.0, 1.0 - r * r))) / _i0(beta)

    return point


def hann_window(
    window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False
):
    """hann_window(window_length, periodic=True, *, dtype=None, layout=torch.strided, device=None, requires_grad=False) -> Tensor

    The Hann window ``0.5 - 0.5 cos(2 pi n / (N - 1))``; ``periodic`` computes one more
    point and drops it (for spectral analysis).
    """
    return _factory(
        "hann_window",
        window_length,
        periodic,
        dtype,
        layout,
        device,
        requires_grad,
        _cosine_sum([0.5, 0.5]),
    )


def hamming_window(
    window_length,
    periodic=True,
    alpha=0.54,
    beta=0.46,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
):
    """hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, layout=torch.strided, device=None, requires_grad=False) -> Tensor

    The Hamming window ``alpha - beta cos(2 pi n / (N - 1))``.
    """
    return _factory(
        "hamming_window",
        window_length,
        periodic,
        dtype,
        layout,
        device,
        requires_grad,
        _cosine_sum([alpha, beta]),
    )


def blackman_window(
    window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False
):
    """blackman_window(window_length, periodic=True, *, dtype=None, layout=torch.strided, device=None, requires_grad=False) -> Tensor

    The Blackman window ``0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))``.
    """
    return _factory(
        "blackman_window",
        window_length,
        periodic,
        dtype,
        layout,
        device,
        requires_grad,
        _cosine_sum([0.42, 0.5, 0.08]),
    )


def bartlett_window(
    window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False
):
    """bartlett_window(window_length, periodic=True, *, dtype=None, layout=torch.strided, device=None, requires_grad=False) -> Tensor

    The Bartlett (triangular) window ``1 - |2n / (N - 1) - 1|``.
    """
    return _factory(
        "bartlett_window",
        window_length,
        periodic,
        dtype,
        layout,
        device,
        requires_grad,
        _bartlett_point,
    )


def kaiser_window(
    window_length,
    periodic=True,
    beta=12.0,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
):
    """kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=torch.strided, device=None, requires_grad=False) -> Tensor

    The Kaiser window ``I0(beta sqrt(1 - ((n - a) / a)^2)) / I0(beta)``, ``a = (N - 1) / 2``.
    """
    return _factory(
        "kaiser_window",
        window_length,
        periodic,
        dtype,
        layout,
        device,
        requires_grad,
        _kaiser_point(beta),
    )

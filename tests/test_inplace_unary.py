"""In-place float unary ops without autograd run their kernel on the tensor itself
(NOTE [ In-place unary without autograd ]): same values as out of place on every layout
and dtype, the version counter still moves, and with autograd the recorded path is kept."""

from __future__ import annotations

import numpy as np
import pytest
import rtorch

OPS = ["exp", "expm1", "log", "log1p", "log2", "log10", "sqrt", "rsqrt", "sigmoid", "tanh",
       "sin", "cos", "tan", "erf", "erfc", "reciprocal", "neg", "abs", "relu"]  # fmt: skip
# 70_003 is above the parallel grain and not a multiple of the kernels' piece or width.
LAYOUTS = {
    "contiguous": lambda t: t,
    "transposed": lambda t: t.view(7, -1).t() if t.numel() % 7 == 0 else t,
    "strided": lambda t: t[::3],
}


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("op", OPS)
def test_in_place_equals_out_of_place(op, layout, dtype):
    x = np.random.default_rng(0).uniform(-3, 3, 70_007).astype(dtype)
    t = LAYOUTS[layout](rtorch.from_numpy(x.copy()))
    want = getattr(t, op)().numpy()
    before = t._version
    got = getattr(t, op + "_")()
    assert got is t
    np.testing.assert_array_equal(t.numpy(), want)
    assert t._version == before + 1


def test_untouched_elements_around_a_strided_write():
    x = rtorch.arange(30, dtype=rtorch.float32)
    x[::3].exp_()
    ref = np.arange(30, dtype=np.float32)
    ref[::3] = rtorch.arange(30, dtype=rtorch.float32)[::3].exp().numpy()
    np.testing.assert_array_equal(x.numpy(), ref)


def test_saved_tensor_sees_the_write():
    a = rtorch.rand(100_000, requires_grad=True)
    b = a * 1.0
    c = b.sigmoid()  # saves its output
    with rtorch.no_grad():
        c.exp_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        c.sum().backward()


def test_with_autograd_the_recorded_path_is_kept():
    a = rtorch.rand(1000, dtype=rtorch.float64, requires_grad=True)
    b = a * 2.0
    b.exp_()
    b.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), 2.0 * np.exp(2.0 * a.detach().numpy()))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("in_place", [False, True])
def test_vector_relu_keeps_nan_and_negative_zero(dtype, in_place):
    # NOTE [ Vector relu ]: `x < 0 ? 0 : x` on whole vectors; -0.0 and NaN pass through.
    x = np.random.default_rng(1).standard_normal(1003).astype(dtype)
    x[[0, 5, 17, 1002]] = [np.nan, -0.0, -np.inf, np.inf]
    t = rtorch.from_numpy(x.copy())
    got = (t.relu_() if in_place else t.relu()).numpy()
    want = np.where(x < 0, 0, x).astype(dtype)
    np.testing.assert_array_equal(got, want)
    assert np.signbit(got[5]) and not np.signbit(got[np.flatnonzero(x < 0)]).any()

"""Size-dependent kernel paths that the small op_db samples never reach.

Vector kernels have lane remainders (rows whose length is not a multiple of the vector
width), and every kernel switches to the thread pool above a size threshold. These tests
pick sizes on both sides of those edges and compare with numpy computed in float64.
"""

import numpy as np
import pytest
from conftest import LIB as rtorch

pytestmark = pytest.mark.skipif(rtorch is None, reason="rtorch is not importable")


def np_softmax(x, log=False):
    m = np.max(x, axis=-1, keepdims=True)
    s = np.sum(np.exp(x - m), axis=-1, keepdims=True)
    return (x - m) - np.log(s) if log else np.exp(x - m) / s


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", [1, 7, 15, 16, 17, 33, 1000, 4099])
@pytest.mark.parametrize("log", [False, True])
def test_softmax_last_dim_rows(dtype, n, log):
    rng = np.random.default_rng(n)
    rows = max(1, 300_000 // n)  # large enough to run on the thread pool
    x = (rng.standard_normal((rows, n)) * 8).astype(dtype)
    x[0, n // 2] = np.nan  # one NaN makes its whole row NaN
    if rows > 2:
        x[1, :] = -np.inf  # an all -inf row is NaN too
        x[2, 0] = 80.0  # a dominant entry must not overflow
    fn = rtorch.log_softmax if log else rtorch.softmax
    got = fn(rtorch.from_numpy(x), -1).numpy()
    with np.errstate(invalid="ignore"):
        want = np_softmax(x.astype(np.float64), log)
    tol = 2e-6 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    assert np.isnan(got[0]).all()


@pytest.mark.parametrize("n", [1, 31, 32, 33, 4095, 4097, 100_003, 3_000_001])
def test_float32_sum_runs(n):
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n).astype(np.float32) + 0.5
    got = rtorch.from_numpy(x).sum().item()
    want = x.astype(np.float64).sum()
    assert abs(got - want) <= 1e-6 * np.abs(x).astype(np.float64).sum()
    # Rows of a 2-d tensor reduce through the same run kernel.
    m = x[: (n // 7) * 7].reshape(7, -1)
    if m.size:
        got = rtorch.from_numpy(m).sum(1).numpy()
        np.testing.assert_allclose(got, m.astype(np.float64).sum(1), rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("zeroed", [True, False])
def test_large_buffers_are_usable(zeroed):
    # Buffers of 4 MiB and more take the huge-page allocation path.
    n = (8 << 20) // 4 + 3
    t = rtorch.zeros(n) if zeroed else rtorch.empty(n).fill_(2.0)
    assert t.sum().item() == (0.0 if zeroed else 2.0 * n)
    u = t + 1
    assert u[-1].item() == (1.0 if zeroed else 3.0)


HUGE = [
    # Element counts that overflow: an error, never a wrapped (tiny) buffer.
    lambda: rtorch.empty(2**62),
    lambda: rtorch.zeros(2**31, 2**31),
    lambda: rtorch.eye(2**31),
    lambda: rtorch.ones(1, 1).expand(2**40, 2**40),
    lambda: rtorch.zeros(3).as_strided((2**62, 2**62), (0, 0)),
    # Allocations that cannot succeed: an error, never an abort of the process. Each is
    # at least 2**46 elements, beyond the 47-bit address space even where the kernel
    # overcommits memory.
    lambda: rtorch.empty(2**46),
    lambda: rtorch.rand(2**46),
    lambda: rtorch.arange(0, 2**50),
    lambda: rtorch.linspace(0, 1, 2**46),
    lambda: rtorch.randperm(2**46),
    lambda: rtorch.ones(3).expand(2**46, 3).contiguous(),
    lambda: rtorch.ones(2**23)[:, None] * rtorch.ones(2**23),
    lambda: rtorch.ones(1, dtype=rtorch.int32).expand(2**46).double(),
    lambda: rtorch.ones(2**23, 1) @ rtorch.ones(1, 2**23),
]


@pytest.mark.parametrize("make", HUGE, ids=range(len(HUGE)))
def test_impossible_sizes_raise_runtime_error(make):
    with pytest.raises(RuntimeError, match="overflow|not enough memory"):
        make()


def test_empty_shapes_with_huge_sizes_are_fine():
    assert rtorch.empty(0, 2**62, 2**62).numel() == 0

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

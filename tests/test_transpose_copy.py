"""The transposed copy (NOTE [ Transposed copy in registers ]): register-block kernels for
4- and 8-byte same-dtype copies, element tiles otherwise. Every shape here has ragged
edges on one side or both, or none, so the register blocks and the edge loops each
write part of the result; values must equal NumPy's transpose bit for bit."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import rtorch

DTYPES = ["float32", "float64", "int32", "int64", "float16", "int8", "bool"]
SHAPES = [(64, 64), (65, 67), (7, 1000), (1000, 7), (129, 300), (8, 4096), (200, 9)]


def make(shape, dt, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape) * 100
    if dt == "float32":
        a[0, 0] = np.nan  # moved as bits, not arithmetic
    return a.astype(dt)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_transposed_copy_matches_numpy(dt, shape):
    a = make(shape, dt)
    x = rtorch.from_numpy(a)
    cases = [
        (x.t(), a.T),
        (x[1:, 2:].t(), a[1:, 2:].T),
        (x.flip(0).t(), a[::-1].T),
        (x.t().flip(1), a.T[:, ::-1]),
    ]
    for view, ref in cases:
        np.testing.assert_array_equal(view.contiguous().numpy(), np.ascontiguousarray(ref))


@pytest.mark.parametrize("dt", ["float32", "int64", "float16"])
def test_transposed_copy_with_cast(dt):
    a = make((130, 70), dt)
    got = rtorch.from_numpy(a).t().to(rtorch.float64).numpy()
    np.testing.assert_array_equal(got, a.T.astype("float64"))


def test_permute_that_coalesces_to_a_transpose():
    a = make((6, 40, 50), "float32")
    got = rtorch.from_numpy(a).permute(2, 0, 1).contiguous().numpy()
    np.testing.assert_array_equal(got, np.ascontiguousarray(a.transpose(2, 0, 1)))


def test_copy_into_transposed_destination():
    a = make((300, 200), "float64")
    dst = rtorch.zeros(200, 300).t()
    dst.copy_(rtorch.from_numpy(a).to(rtorch.float32))
    np.testing.assert_array_equal(dst.numpy(), a.astype("float32"))


@pytest.mark.parametrize("threads", [1, 2])
def test_transposed_copy_same_at_each_thread_count(threads):
    old = rtorch.get_num_threads()
    try:
        rtorch.set_num_threads(threads)
        a = make((1000, 3000), "float32", seed=threads)
        got = rtorch.from_numpy(a).t().contiguous().numpy()
        np.testing.assert_array_equal(got, a.T)
    finally:
        rtorch.set_num_threads(old)


def test_baseline_path_gives_the_same_copy():
    code = (
        "import numpy as np, rtorch\n"
        "a = np.arange(129 * 67, dtype=np.float32).reshape(129, 67)\n"
        "assert rtorch._C._cpu_isa() == 'baseline'\n"
        "np.testing.assert_array_equal(rtorch.from_numpy(a).t().contiguous().numpy(), a.T)\n"
    )
    env = {**os.environ, "RTORCH_ISA": "baseline"}
    r = subprocess.run(
        [sys.executable, "-c", code], check=False, env=env, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr

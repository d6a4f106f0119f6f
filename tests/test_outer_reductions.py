"""Reductions whose innermost kept dim is the unit-stride one (NOTE [ Outer reductions ]):
`sum(0)` of a row-major matrix, `var(1)` of a 3-D tensor... Each output folds its column
in order; values must match NumPy (float sums to float64 accuracy), arg-reductions keep
the first occurrence and NaN wins, and thread counts give identical results."""

from __future__ import annotations

import numpy as np
import pytest
import rtorch

# (shape, dims): narrow rows (the flat-lane float32 sum), wide rows past one block of
# outputs, several reduced dims, a size-1 reduced dim, a kept dim of size 1.
CASES = [
    ((1024, 1024), 0),
    ((262_144, 4), 0),
    ((1000, 3), 0),
    ((7, 13), 0),
    ((300, 17), 0),
    ((50, 700), 0),
    ((64, 40, 30), 1),
    ((5, 6, 7), (0, 1)),
    ((3, 1000, 5), (0, 1)),
    ((1, 9), 0),
    ((8, 1), 0),
]


def data(shape, dtype="float32", seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("shape", "dims"), CASES)
def test_outer_sum_mean_var(shape, dims, dtype):
    a = data(shape, dtype)
    t = rtorch.from_numpy(a)
    ref = a.astype(np.float64)
    scale = np.abs(ref).sum(axis=dims) + 1
    tol = 2e-6 if dtype == "float32" else 1e-13
    assert (np.abs(t.sum(dims).numpy() - ref.sum(axis=dims)) <= tol * scale).all()
    n = ref.size // scale.size
    assert (np.abs(t.mean(dims).numpy() - ref.mean(axis=dims)) <= tol * scale / n).all()
    if n > 1:
        np.testing.assert_allclose(t.var(dims).numpy(), ref.var(axis=dims, ddof=1), rtol=tol * 10)
        np.testing.assert_allclose(t.std(dims).numpy(), ref.std(axis=dims, ddof=1), rtol=tol * 10)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int8", "float16"])
@pytest.mark.parametrize(("shape", "dims"), CASES)
def test_outer_extrema_prod_all(shape, dims, dtype):
    a = (data(shape) * 20).astype(dtype)
    t = rtorch.from_numpy(a)
    np.testing.assert_array_equal(t.amax(dims).numpy(), a.max(axis=dims))
    np.testing.assert_array_equal(t.amin(dims).numpy(), a.min(axis=dims))
    np.testing.assert_array_equal((t > 0).all(dims).numpy(), (a > 0).all(axis=dims))
    np.testing.assert_array_equal((t > 0).any(dims).numpy(), (a > 0).any(axis=dims))
    if dtype in ("float32", "float64") and isinstance(dims, int) and a.shape[dims] < 50:
        p = (np.abs(a) / 20 + 0.5).astype(dtype)
        np.testing.assert_allclose(
            rtorch.from_numpy(p).prod(dims).numpy(), p.prod(axis=dims), rtol=1e-5
        )


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("shape", [(1000, 3), (300, 17), (50, 700)])
def test_outer_arg_reductions_first_occurrence(shape, dtype):
    # Few distinct values, so ties are everywhere.
    a = np.random.default_rng(1).integers(0, 4, shape).astype(dtype)
    t = rtorch.from_numpy(a)
    np.testing.assert_array_equal(t.argmax(0).numpy(), a.argmax(axis=0))
    np.testing.assert_array_equal(t.argmin(0).numpy(), a.argmin(axis=0))
    v, i = t.max(0)
    np.testing.assert_array_equal(v.numpy(), a.max(axis=0))
    np.testing.assert_array_equal(i.numpy(), a.argmax(axis=0))


def test_outer_nan_wins():
    a = data((200, 40))
    a[17, 3] = a[150, 3] = np.nan
    a[5, 39] = np.nan
    t = rtorch.from_numpy(a)
    for f in ("amax", "amin", "sum"):
        got = getattr(t, f)(0).numpy()
        assert np.isnan(got[[3, 39]]).all() and not np.isnan(np.delete(got, [3, 39])).any()
    assert t.argmax(0).numpy()[3] == 17 and t.argmin(0).numpy()[39] == 5


def test_outer_on_views():
    a = data((120, 80))
    t = rtorch.from_numpy(a)
    np.testing.assert_allclose(t[::2, 1:].sum(0).numpy(), a[::2, 1:].sum(axis=0), rtol=1e-5)
    np.testing.assert_allclose(t.t().sum(1).numpy(), a.T.sum(axis=1), rtol=1e-5)
    np.testing.assert_array_equal(t.flip(1).amax(0).numpy(), a[:, ::-1].max(axis=0))


@pytest.mark.parametrize(
    ("shape", "dims"), [((4096, 300), 0), ((2000, 5), 0), ((16, 500, 40), (0, 1))]
)
def test_outer_same_at_each_thread_count(shape, dims):
    a = data(shape)
    old = rtorch.get_num_threads()
    try:
        outs = []
        for n in (1, 2):
            rtorch.set_num_threads(n)
            t = rtorch.from_numpy(a)
            outs.append([t.sum(dims).numpy(), t.var(dims).numpy(), t.amax(dims).numpy()])
        for x, y in zip(*outs):
            np.testing.assert_array_equal(x, y)
    finally:
        rtorch.set_num_threads(old)

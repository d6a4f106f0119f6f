"""Reductions over contiguous runs (NOTE [ Inner-run folds ]): max/min, argmax/argmin
and prod fold a run in vector lanes. Values must match torch: NaN wins (argmax: its
first occurrence), ties keep the first index, -0.0 and +0.0 are equal ties; ints and
bool exact; 1 and 2 threads identical. Softmax over every dim against torch."""

from __future__ import annotations

import numpy as np
import pytest
import rtorch

torch = pytest.importorskip("torch")

SPECIAL = [np.nan, 0.0, -0.0, np.inf, -np.inf, 1.0, -1.0, 3.5, 3.5]


def grid(n, dtype, seed, special=True):
    rng = np.random.default_rng(seed)
    a = rng.integers(-4, 5, n).astype(dtype)  # many ties
    if special:
        k = max(1, n // 50)
        a[rng.integers(0, n, k)] = rng.choice(SPECIAL, k)
    return a


def same(r, t):
    r, t = r.numpy(), t.numpy()
    assert r.shape == t.shape and r.dtype == t.dtype
    # A zero's sign in a tie is not specified by torch (its max() and amax() of
    # [0.0, -0.0] disagree), so values compare as numbers.
    np.testing.assert_array_equal(r, t)


LENGTHS = [1, 7, 31, 32, 33, 100, 2047, 2048, 2049, 5000, 70_000]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", LENGTHS)
@pytest.mark.parametrize("special", [False, True])
def test_full_extremum_float(n, dtype, special):
    for seed in range(3):
        a = grid(n, dtype, seed + n, special)
        r, t = rtorch.from_numpy(a), torch.from_numpy(a)
        for op in ("max", "min", "amax", "amin", "argmax", "argmin"):
            same(getattr(r, op)(), getattr(t, op)())


def test_nan_first_occurrence_and_zero_ties():
    for dtype in ("float32", "float64"):
        for n in (40, 3000, 9000):
            a = np.zeros(n, dtype)
            a[1::3] = -0.0
            assert rtorch.from_numpy(a).argmax().item() == 0
            assert rtorch.from_numpy(a).argmin().item() == 0
            a[n // 2] = np.nan
            a[n - 3] = np.nan
            for op in ("argmax", "argmin"):
                assert getattr(rtorch.from_numpy(a), op)().item() == n // 2
            assert np.isnan(rtorch.from_numpy(a).max().item())
            assert np.isnan(rtorch.from_numpy(a).min().item())
            # The value of max(dim) is the element at the index (its zero's sign too).
            b = np.array([-0.0] + [0.0] * (n - 1), dtype)
            v, i = rtorch.from_numpy(b).max(0)
            assert i.item() == 0 and np.signbit(v.item())


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64"])
@pytest.mark.parametrize("n", [1, 33, 2049, 70_000])
def test_full_extremum_int(n, dtype):
    info = np.iinfo(dtype)
    rng = np.random.default_rng(n)
    a = rng.integers(info.min, info.max, n, dtype=dtype, endpoint=True)
    a[rng.integers(0, n, 3)] = info.max
    b = rng.integers(info.min, info.min + 2, n, dtype=dtype)  # near the identity
    for x in (a, b):
        r, t = rtorch.from_numpy(x), torch.from_numpy(x)
        for op in ("max", "min", "argmax", "argmin"):
            same(getattr(r, op)(), getattr(t, op)())
        same(r.view(1, -1).max(1).indices, t.view(1, -1).max(1).indices)


@pytest.mark.parametrize("n", [1, 40, 5000])
def test_bool(n):
    for fill in (False, True):
        a = np.full(n, fill)
        a[n // 2] = not fill
        r, t = rtorch.from_numpy(a), torch.from_numpy(a)
        for op in ("max", "min", "prod", "amax", "amin"):
            same(getattr(r, op)(), getattr(t, op)())
        for op in ("max", "min"):  # argmax() refuses bool, max(dim) does not
            same(getattr(r, op)(0).indices, getattr(t, op)(0).indices)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(1024, 1024), (37, 200), (5, 3000), (64, 2)])
def test_rows_and_views(shape, dtype):
    a = grid(int(np.prod(shape)), dtype, 1).reshape(shape)
    r, t = rtorch.from_numpy(a), torch.from_numpy(a)
    for view in (lambda x: x, lambda x: x[:, 1:], lambda x: x[::2, :]):
        rv, tv = view(r), view(t)
        for op in ("max", "min"):
            rv_, tv_ = getattr(rv, op)(1), getattr(tv, op)(1)
            same(rv_.values, tv_.values)
            same(rv_.indices, tv_.indices)
        for op in ("amax", "amin", "argmax", "argmin"):
            same(getattr(rv, op)(1), getattr(tv, op)(1))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_prod_float(dtype):
    rng = np.random.default_rng(0)
    for n in (1, 31, 33, 1000, 100_000):
        a = rng.uniform(0.999, 1.001, n).astype(dtype)
        ref = np.prod(a.astype(np.float64))
        # float32 rounds each of n products (in lanes, as torch): ~sqrt(n) ulps.
        tol = 1e-4 if dtype == "float32" else 1e-12
        np.testing.assert_allclose(rtorch.from_numpy(a).prod().item(), ref, rtol=tol)
        m = a[: n - n % 4].reshape(4, -1) if n >= 4 else a.reshape(1, -1)
        np.testing.assert_allclose(
            rtorch.from_numpy(m).prod(1).numpy(),
            m.astype(np.float64).prod(1),
            rtol=tol,
        )
    a = np.array([1.0, np.nan, 0.0, np.inf, 2.0] * 10, dtype)
    assert np.isnan(rtorch.from_numpy(a).prod().item())
    b = np.array([np.inf, -2.0] + [1.0] * 40, dtype)
    assert rtorch.from_numpy(b).prod().item() == -np.inf


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64"])
def test_prod_int_wraps_as_torch(dtype):
    rng = np.random.default_rng(2)
    a = rng.integers(1, 4, 5000).astype(dtype)
    r, t = rtorch.from_numpy(a), torch.from_numpy(a)
    same(r.prod(), t.prod())
    same(r.view(50, 100).prod(1), t.view(50, 100).prod(1))


def test_threads_identical():
    a = grid(1 << 20, "float32", 5)
    b = np.random.default_rng(1).uniform(0.9999, 1.0001, 1 << 20).astype("float32")
    outs = []
    for nt in (1, 2):
        rtorch.set_num_threads(nt)
        r, q = rtorch.from_numpy(a), rtorch.from_numpy(b)
        outs.append(
            [
                r.max().item(),
                r.argmax().item(),
                r.argmin().item(),
                q.prod().item(),
                r.view(1024, -1).max(1).indices.numpy().tolist(),
                q.view(1024, -1).prod(1).numpy().tolist(),
            ]
        )
    rtorch.set_num_threads(1)
    assert str(outs[0]) == str(outs[1])


def test_norm():
    for dtype, tol in (("float32", 1e-6), ("float64", 1e-14)):
        a = np.random.default_rng(3).standard_normal((300, 700)).astype(dtype)
        ref = np.sqrt((a.astype(np.float64) ** 2).sum())
        np.testing.assert_allclose(rtorch.from_numpy(a).norm().item(), ref, rtol=tol)
        np.testing.assert_allclose(
            rtorch.from_numpy(a).norm(dim=1).numpy(),
            np.sqrt((a.astype(np.float64) ** 2).sum(1)),
            rtol=tol,
        )


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(1024, 64), (32, 64, 24), (3, 5, 7, 2), (3, 10, 600)])
@pytest.mark.parametrize("log", [False, True])
def test_softmax_every_dim(shape, dtype, log):
    """Every dim, also inner dims with more columns than one task takes (NOTE [ Softmax
    over an inner dim ]: 600 = 2 x 256 + 88)."""
    a = np.random.default_rng(4).standard_normal(shape).astype(dtype) * 3
    g = np.random.default_rng(5).standard_normal(shape).astype(dtype)
    tol = 2e-6 if dtype == "float32" else 1e-13
    for dim in range(-len(shape), len(shape)):
        outs = []
        for m in (rtorch, torch):
            x = m.from_numpy(a.copy()).requires_grad_(True)
            y = x.log_softmax(dim) if log else x.softmax(dim)
            y.backward(m.from_numpy(g))
            outs.append((y.detach().numpy(), x.grad.numpy()))
        np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=tol, atol=tol)
        np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=tol, atol=tol * 10)


def test_softmax_special_values():
    a = np.array([[0.0, -np.inf, 1.0], [np.nan, 1.0, 2.0], [np.inf, 0.0, -np.inf]])
    for dtype in ("float32", "float64"):
        x = a.astype(dtype)
        for dim in (0, 1):
            for op in ("softmax", "log_softmax"):
                r = getattr(rtorch.from_numpy(x), op)(dim).numpy()
                t = getattr(torch.from_numpy(x), op)(dim).numpy()
                np.testing.assert_allclose(r, t, rtol=1e-6, equal_nan=True)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", [1, 2, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65])
def test_short_rows(n, dtype):
    """NOTE [ Short rows ]: rows shorter than the lanes fold in order, and the rows of a
    kept block are walked by an odometer, also over non-contiguous kept dims."""
    a = grid(6 * 5 * n, dtype, n).reshape(6, 5, n)
    r, t = rtorch.from_numpy(a), torch.from_numpy(a)
    views = (
        lambda x: x,
        lambda x: x.permute(1, 0, 2),
        lambda x: x[::2, 1:],
        lambda x: x.transpose(0, 1).flip(1),
    )
    for view in views:
        rv, tv = view(r), view(t)
        for op in ("amax", "amin", "argmax", "argmin", "prod"):
            same(getattr(rv, op)(-1), getattr(tv, op)(-1))
        # Short float sums are summed in order, as torch does: the bits agree.
        finite = np.nan_to_num(a, nan=0.5, posinf=2.0, neginf=-2.0)
        rf, tf = view(rtorch.from_numpy(finite)), view(torch.from_numpy(finite))
        if n < 16:
            same(rf.sum(-1), tf.sum(-1))
        else:
            np.testing.assert_allclose(rf.sum(-1).numpy(), tf.sum(-1).numpy(), rtol=1e-6)

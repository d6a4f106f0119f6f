"""repeat_interleave and combinations (Python composites outside the op registry), and
the counting ops' numpy oracles and messages beyond op_db_hist's samples; NumPy and torch
are the oracles."""

import itertools

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = pytest.mark.skipif(rtorch is None, reason="rtorch is not importable")
needs_torch = pytest.mark.skipif(torch is None, reason="needs torch (the oracle)")

RNG = np.random.default_rng(0)


def arr(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


def chain(fn):
    """The node names from `fn` down its first edges."""
    names = []
    while fn is not None:
        names.append(type(fn).__name__)
        fn = fn.next_functions[0][0] if fn.next_functions else None
    return names


def both(f):
    """f(lib) for rtorch and torch: (value or (exception type, message)) each."""
    out = []
    for lib in (rtorch, torch):
        try:
            out.append(f(lib))
        except Exception as e:  # noqa: BLE001 - the oracle's exception is the expectation
            out.append((type(e), str(e)))
    return out


def assert_same(f):
    ours, theirs = both(f)
    if isinstance(theirs, tuple) and isinstance(theirs[0], type):
        assert isinstance(ours, tuple) and ours[0] is theirs[0], (ours, theirs)
        assert ours[1] == theirs[1].split("\n")[0] or ours[1] == theirs[1], (ours, theirs)
        return
    assert not (isinstance(ours, tuple) and isinstance(ours[0], type)), ours
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


# ---------------------------------------------------------------- repeat_interleave

X = arr(2, 3)

RI_CASES = [
    lambda lib: lib.tensor(X).repeat_interleave(2),
    lambda lib: lib.tensor(X).repeat_interleave(2, dim=1),
    lambda lib: lib.tensor(X).repeat_interleave(3, dim=-2),
    lambda lib: lib.tensor(X).repeat_interleave(0, dim=1),
    lambda lib: lib.tensor(X).t().repeat_interleave(2, 0),
    lambda lib: lib.repeat_interleave(lib.tensor(X), lib.tensor([1, 0]), dim=0),
    lambda lib: lib.tensor(X).repeat_interleave(lib.tensor([2, 0, 1]), dim=-1),
    lambda lib: lib.tensor(X).repeat_interleave(lib.tensor([2]), dim=1),
    lambda lib: lib.tensor(X).repeat_interleave(lib.tensor(3)),
    lambda lib: lib.tensor(X).repeat_interleave(lib.tensor([1, 2, 0, 1, 1, 3], dtype=lib.int32)),
    lambda lib: lib.tensor(X).repeat_interleave(2, dim=0, output_size=4),
    lambda lib: lib.tensor(X).repeat_interleave(lib.tensor([1, 2]), dim=0, output_size=3),
    lambda lib: lib.tensor(2.5).repeat_interleave(3),
    lambda lib: lib.zeros(0, 3).repeat_interleave(2, dim=0),
    lambda lib: lib.zeros(0, 3).repeat_interleave(lib.tensor([], dtype=lib.int64), dim=0),
    lambda lib: lib.arange(4).repeat_interleave(2),
    lambda lib: lib.repeat_interleave(lib.tensor([1, 0, 3, 0, 2])),
    lambda lib: lib.repeat_interleave(lib.tensor([0, 0])),
    lambda lib: lib.repeat_interleave(lib.tensor([], dtype=lib.int64)),
    lambda lib: lib.repeat_interleave(lib.tensor([2, 1], dtype=lib.int32)),
    lambda lib: lib.repeat_interleave(lib.tensor([2, 1]), output_size=3),
]

RI_ERRORS = [
    lambda lib: lib.tensor(X).repeat_interleave(-1),
    lambda lib: lib.tensor(X).repeat_interleave(2, dim=2),
    lambda lib: lib.tensor(X).repeat_interleave(2, dim=-3),
    lambda lib: lib.tensor(X).repeat_interleave(lib.tensor([-1, 1]), dim=0),
    lambda lib: lib.tensor(X).repeat_interleave(lib.tensor([1, 1, 1]), dim=0),
    lambda lib: lib.tensor(X).repeat_interleave(lib.tensor([[1, 1]]), dim=0),
    lambda lib: lib.tensor(X).repeat_interleave(lib.tensor([1.0, 1.0]), dim=0),
    lambda lib: lib.tensor(X).repeat_interleave(lib.tensor([1, 1], dtype=lib.uint8), dim=0),
    lambda lib: lib.tensor(X).repeat_interleave(2, dim=0, output_size=3),
    lambda lib: lib.tensor(X).repeat_interleave(lib.tensor([1, 2]), dim=0, output_size=2),
    lambda lib: lib.repeat_interleave(lib.tensor([1.0, 2.0])),
    lambda lib: lib.repeat_interleave(lib.tensor([[1, 2]])),
    lambda lib: lib.repeat_interleave(lib.tensor(3)),
    lambda lib: lib.repeat_interleave(lib.tensor([-1, 2])),
    lambda lib: lib.tensor(X).repeat_interleave(2.0),
    lambda lib: lib.tensor(2.5).repeat_interleave(3, dim=0),
    lambda lib: lib.tensor(2.5).repeat_interleave(3, dim=-1),
    lambda lib: lib.tensor(2.5).repeat_interleave(lib.tensor([3]), dim=0),
    lambda lib: lib.tensor(2.5).repeat_interleave(lib.tensor(3), dim=-1),
]


@needs_torch
@pytest.mark.parametrize("k", range(len(RI_CASES)))
def test_repeat_interleave_matches_torch(k):
    assert_same(RI_CASES[k])


@needs_torch
@pytest.mark.parametrize("k", range(len(RI_ERRORS)))
def test_repeat_interleave_errors_match_torch(k):
    ours, theirs = both(RI_ERRORS[k])
    assert isinstance(theirs, tuple) and isinstance(ours, tuple), (ours, theirs)
    assert ours[0] is theirs[0], (ours, theirs)
    if theirs[0] is not TypeError:  # torch's TypeError lists its overloads
        assert ours[1] == theirs[1], (ours, theirs)


@pytest.mark.parametrize(
    "repeats,axis", [(2, None), (3, 1), (0, 0), ([1, 0, 2], 1), ([2, 1], 0), ([3], None)]
)
def test_repeat_interleave_numpy(repeats, axis):
    x = arr(2, 3)
    r = rtorch.tensor(repeats) if isinstance(repeats, list) else repeats
    want = np.repeat(x, repeats * (6 if axis is None and repeats == [3] else 1), axis=axis)
    got = rtorch.tensor(x).repeat_interleave(r, dim=axis)
    np.testing.assert_array_equal(got.numpy(), want)


def test_repeat_interleave_counts_numpy():
    counts = RNG.integers(0, 4, size=50)
    got = rtorch.repeat_interleave(rtorch.tensor(counts))
    np.testing.assert_array_equal(got.numpy(), np.repeat(np.arange(50), counts))


@needs_torch
@pytest.mark.parametrize(
    "f",
    [
        lambda lib, x: x.repeat_interleave(2),
        lambda lib, x: x.repeat_interleave(2, dim=1),
        lambda lib, x: x.repeat_interleave(lib.tensor([1, 2]), dim=0),
        lambda lib, x: x.repeat_interleave(lib.tensor([2]), dim=1),
        lambda lib, x: x.repeat_interleave(lib.tensor(2)),
        lambda lib, x: lib.combinations(x[0]),
        lambda lib, x: lib.combinations(x[1], r=3, with_replacement=True),
        lambda lib, x: lib.combinations(x[0], r=1),
    ],
)
def test_graph_matches_torch(f):
    ours = f(rtorch, rtorch.tensor(X, requires_grad=True))
    theirs = f(torch, torch.tensor(X, requires_grad=True))
    assert chain(ours.grad_fn) == chain(theirs.grad_fn)
    g = arr(*theirs.shape)
    xa, xb = rtorch.tensor(X, requires_grad=True), torch.tensor(X, requires_grad=True)
    f(rtorch, xa).backward(rtorch.tensor(g))
    f(torch, xb).backward(torch.tensor(g))
    np.testing.assert_allclose(xa.grad.numpy(), xb.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "f",
    [
        lambda x: x.repeat_interleave(2),
        lambda x: x.repeat_interleave(3, dim=-1),
        lambda x: x.repeat_interleave(rtorch.tensor([0, 3]), dim=0),
        lambda x: x.t().repeat_interleave(rtorch.tensor([2, 1, 1]), dim=0),
        lambda x: rtorch.combinations(x.reshape(-1), r=2),
        lambda x: rtorch.combinations(x[0], r=2, with_replacement=True),
    ],
)
def test_gradcheck(f):
    x = rtorch.tensor(arr(2, 3), requires_grad=True)
    assert rtorch.autograd.gradcheck(f, (x,))
    assert rtorch.autograd.gradgradcheck(f, (x,))


# ---------------------------------------------------------------- combinations


@pytest.mark.parametrize(
    "n,r,rep",
    [
        (4, 2, False),
        (4, 3, True),
        (5, 1, False),
        (3, 4, False),
        (3, 4, True),
        (0, 2, False),
        (2, 0, False),
    ],
)
def test_combinations_itertools(n, r, rep):
    got = rtorch.combinations(rtorch.arange(n) * 10, r=r, with_replacement=rep)
    make = itertools.combinations_with_replacement if rep else itertools.combinations
    want = [[10 * i for i in c] for c in make(range(n), r)]
    if r == 0:
        assert tuple(got.shape) == (0,)
    else:
        assert got.tolist() == want and tuple(got.shape) == (len(want), r)
    assert got.dtype == rtorch.int64


@needs_torch
@pytest.mark.parametrize(
    "f",
    [
        lambda lib: lib.combinations(lib.tensor(X)),
        lambda lib: lib.combinations(lib.tensor([1.0, 2.0]), r=-1),
        lambda lib: lib.combinations(lib.tensor(1.0)),
        lambda lib: lib.combinations(lib.tensor([1.0, 2.0, 3.0]), r=2),
        lambda lib: lib.combinations(lib.tensor([1.0, 2.0, 3.0]), r=0),
        lambda lib: lib.combinations(lib.tensor([True, False]), r=2, with_replacement=True),
    ],
)
def test_combinations_matches_torch(f):
    assert_same(f)


# ---------------------------------------------------------------- counting ops


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_histc_numpy(dtype):
    x = arr(1000, dtype=dtype)
    got = rtorch.histc(rtorch.tensor(x), bins=17, min=-1.5, max=2)
    want = np.histogram(x, 17, range=(-1.5, 2))[0]
    np.testing.assert_array_equal(got.numpy(), want)
    assert got.dtype == rtorch.tensor(x).dtype


@pytest.mark.parametrize("density", [False, True])
def test_histogram_numpy(density):
    x, w = arr(500), np.abs(arr(500))
    got = rtorch.histogram(rtorch.tensor(x), 13, weight=rtorch.tensor(w), density=density)
    hist, edges = np.histogram(x, 13, weights=w, density=density)
    np.testing.assert_allclose(got.hist.numpy(), hist, rtol=1e-12)
    np.testing.assert_allclose(got.bin_edges.numpy(), edges, rtol=1e-12, atol=1e-15)
    e = np.sort(arr(6))
    got = rtorch.tensor(x).histogram(rtorch.tensor(e))
    np.testing.assert_array_equal(got[0].numpy(), np.histogram(x, e)[0])
    assert "hist=" in repr(got) and "bin_edges=" in repr(got)


def test_bincount_numpy():
    x = RNG.integers(0, 30, size=400)
    w = arr(400)
    np.testing.assert_array_equal(rtorch.bincount(rtorch.tensor(x)).numpy(), np.bincount(x))
    got = rtorch.tensor(x).bincount(rtorch.tensor(w), minlength=40)
    np.testing.assert_allclose(got.numpy(), np.bincount(x, w, 40), rtol=1e-12)


@needs_torch
@pytest.mark.parametrize(
    "f",
    [
        lambda lib: lib.histc(lib.tensor([1.0, 2.0]), bins=0),
        lambda lib: lib.histc(lib.tensor([1.0, 2.0]), min=3, max=1),
        lambda lib: lib.histc(lib.tensor([1.0, float("inf")])),
        lambda lib: lib.histc(lib.tensor([1, 2])),
        lambda lib: lib.histc(lib.tensor([2.0, 2.0]), bins=3, min=1, max=1),
        lambda lib: lib.histc(lib.tensor([1.0, 2.0, 3.0]).half(), bins=4),
        lambda lib: lib.histogram(lib.tensor([1.0, 2.0]), bins=lib.tensor([[1.0, 2.0]])),
        lambda lib: lib.histogram(lib.tensor([1.0, 2.0]), 2, range=(3.0, 1.0)),
        lambda lib: lib.histogram(lib.tensor([1.0, 2.0]), 2, weight=lib.ones(3)),
        lambda lib: lib.histogram(lib.tensor([1.0, 2.0]), 2, weight=lib.ones(2).double()),
        lambda lib: lib.histogram(lib.tensor([1.0, 2.0]), lib.tensor([1.0, 2.0]).double()),
        lambda lib: lib.histogram(lib.tensor([1.0, 2.0]).half(), 2),
        lambda lib: lib.histogram(lib.tensor([1.0, 2.0]), 2, range=(1.0, 1.0))[1],
        lambda lib: lib.histogram(lib.tensor([]), 2)[1],
        lambda lib: lib.histogram(lib.tensor([3.0, 3.0]), 2)[1],
        lambda lib: lib.bincount(lib.tensor([-1, 2])),
        lambda lib: lib.bincount(lib.tensor([1.0, 2.0])),
        lambda lib: lib.bincount(lib.tensor([1, 2]), minlength=-1),
        lambda lib: lib.bincount(lib.tensor([1, 2]), lib.ones(3)),
        lambda lib: lib.bincount(lib.tensor([1, 2]), lib.ones(2, dtype=lib.int32)),
        lambda lib: lib.bincount(lib.tensor([1, 2]), lib.ones(2).half()),
        lambda lib: lib.bincount(lib.tensor([], dtype=lib.int64), lib.ones(0)),
        lambda lib: lib.bincount(lib.tensor([True])),
    ],
)
def test_counting_matches_torch(f):
    assert_same(f)


def test_counting_not_differentiable():
    # As in torch: histc drops the history; bincount's weights and histogram's inputs give
    # a NotImplemented node whose backward raises.
    x = rtorch.tensor(arr(5), requires_grad=True)
    assert not rtorch.histc(x, bins=3).requires_grad
    b = rtorch.bincount(rtorch.tensor([0, 1]), x[:2])
    assert b.requires_grad and b.grad_fn.name() == "torch::autograd::NotImplemented"
    with pytest.raises(RuntimeError, match="derivative for aten::bincount is not implemented"):
        b.sum().backward()
    h, e = rtorch.histogram(x, 3)
    assert h.requires_grad and e.requires_grad
    with pytest.raises(RuntimeError, match="derivative for aten::histogram is not implemented"):
        h.sum().backward()
    u = rtorch.unique(x)
    assert u.grad_fn.name() == "Unique2Backward0"
    with pytest.raises(NotImplementedError, match="derivative for '_unique2' is not implemented"):
        u.sum().backward()

"""Shape utilities outside the op registry (einsum, tensordot, kron, meshgrid,
cartesian_prod, atleast_*d, diff, flips, diagflat, the index lists), the messages and
warnings of the registry ones, and the windows; NumPy and torch are the oracles."""

import re
import warnings

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = pytest.mark.skipif(rtorch is None, reason="rtorch is not importable")
needs_torch = pytest.mark.skipif(torch is None, reason="needs torch (the oracle)")

RNG = np.random.default_rng(0)


def arr(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


def t(a, requires_grad=False):
    out = rtorch.tensor(a)
    return out.requires_grad_() if requires_grad else out


def gradcheck(f, *arrays):
    inputs = tuple(t(a, True) for a in arrays)
    assert rtorch.autograd.gradcheck(f, inputs)
    assert rtorch.autograd.gradgradcheck(f, inputs)


# ---------------------------------------------------------------- einsum

EINSUM_CASES = [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("ij,jk", [(3, 4), (4, 5)]),
    ("ii->i", [(4, 4)]),
    ("ii", [(4, 4)]),
    ("iij->j", [(3, 3, 2)]),
    ("ij->ji", [(3, 4)]),
    ("ij->", [(3, 4)]),
    ("i,i->", [(5,), (5,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("...ij,...jk->...ik", [(2, 3, 4), (4, 5)]),
    ("...ij->...ji", [(2, 3, 4)]),
    ("i...->...", [(3, 2, 4)]),
    ("ij,ij,ij->i", [(3, 4), (3, 4), (3, 4)]),
    ("ijk,jl,lk->il", [(2, 3, 4), (3, 5), (5, 4)]),
    ("ba,ab->", [(3, 4), (4, 3)]),
    ("Ab,bA->A", [(3, 4), (4, 3)]),
    ("i, j -> ji", [(3,), (2,)]),
    ("ij,kj->ik", [(3, 1), (4, 5)]),
    ("i,i", [(0,), (0,)]),
]


@pytest.mark.parametrize("eq,shapes", EINSUM_CASES)
def test_einsum_matches_numpy(eq, shapes):
    arrays = [arr(*s) for s in shapes]
    if eq == "ij,kj->ik":
        want = np.einsum(eq, np.broadcast_to(arrays[0], (3, 5)), arrays[1])
    else:
        want = np.einsum(eq, *arrays)
    got = rtorch.einsum(eq, *[t(a) for a in arrays])
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-12)
    # The operands may also come as one list.
    got = rtorch.einsum(eq, [t(a) for a in arrays])
    assert tuple(got.shape) == np.shape(want)


@pytest.mark.parametrize("eq,shapes", EINSUM_CASES[:16])
def test_einsum_gradients(eq, shapes):
    gradcheck(lambda *xs: rtorch.einsum(eq, *xs), *[arr(*s) for s in shapes])


@needs_torch
@pytest.mark.parametrize(
    "eq,shapes",
    [
        ("ij,jk", [(3, 4), (3, 2)]),
        ("ij,jk,kl", [(3, 4), (4, 2)]),
        ("ij", [(3, 4), (3, 4)]),
        ("ijk", [(3, 4)]),
        ("i->j", [(3,)]),
        ("ii->i", [(2, 3)]),
        ("i->ii", [(3,)]),
        ("i.j", [(3, 3)]),
        ("i1", [(3, 3)]),
    ],
)
def test_einsum_errors_match_torch(eq, shapes):
    arrays = [arr(*s) for s in shapes]
    with pytest.raises(RuntimeError) as want:
        torch.einsum(eq, *[torch.tensor(a) for a in arrays])
    with pytest.raises(RuntimeError) as got:
        rtorch.einsum(eq, *[t(a) for a in arrays])
    assert str(got.value).startswith("einsum():")
    assert str(got.value).split(",")[0] == str(want.value).split(",")[0]


# ---------------------------------------------------------------- tensordot, kron


@pytest.mark.parametrize(
    "sa,sb,dims",
    [
        ((3, 4, 5), (4, 5, 2), 2),
        ((3, 4), (4, 5), 1),
        ((3, 4), (5, 6), 0),
        ((3, 4, 5), (5, 3, 2), ([0, 2], [1, 0])),
        ((3, 4), (4, 3), ([1], [0])),
        ((3, 4), (3, 2), (0, 0)),
    ],
)
def test_tensordot_matches_numpy(sa, sb, dims):
    a, b = arr(*sa), arr(*sb)
    want = np.tensordot(a, b, axes=dims)
    got = rtorch.tensordot(t(a), t(b), dims=dims)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-12)
    gradcheck(lambda x, y: rtorch.tensordot(x, y, dims=dims), a, b)


@needs_torch
def test_tensordot_errors_match_torch():
    for args, kw in [(((3, 4), (3, 4)), {"dims": -1}), (((3, 3), (4, 4)), {"dims": 1})]:
        a, b = (arr(*s) for s in args)
        with pytest.raises(RuntimeError) as want:
            torch.tensordot(torch.tensor(a), torch.tensor(b), **kw)
        with pytest.raises(RuntimeError, match=re.escape(str(want.value))):
            rtorch.tensordot(t(a), t(b), **kw)


@pytest.mark.parametrize(
    "sa,sb", [((2, 3), (4, 5)), ((3,), (2, 2)), ((2, 1, 3), (2, 2)), ((), (3,))]
)
def test_kron_matches_numpy(sa, sb):
    a, b = arr(*sa), arr(*sb)
    np.testing.assert_allclose(rtorch.kron(t(a), t(b)).numpy(), np.kron(a, b), rtol=1e-12)
    np.testing.assert_allclose(t(a).kron(t(b)).numpy(), np.kron(a, b), rtol=1e-12)
    gradcheck(rtorch.kron, a, b)


# ---------------------------------------------------------------- grids


@pytest.mark.parametrize("indexing", ["ij", "xy"])
def test_meshgrid_matches_numpy(indexing):
    xs = [arr(3), arr(4), arr(2)]
    want = np.meshgrid(*xs, indexing=indexing)
    got = rtorch.meshgrid(*[t(x) for x in xs], indexing=indexing)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.numpy(), w)
    got = rtorch.meshgrid([t(x) for x in xs], indexing=indexing)
    assert [tuple(g.shape) for g in got] == [w.shape for w in want]


def test_meshgrid_without_indexing_warns_and_means_ij():
    with pytest.warns(UserWarning, match="it will be required to pass the indexing argument"):
        a, _ = rtorch.meshgrid(t(arr(3)), t(arr(4)))
    assert tuple(a.shape) == (3, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rtorch.meshgrid(t(arr(3)), indexing="ij")


@needs_torch
def test_meshgrid_errors_match_torch():
    for call in (
        lambda m: m.meshgrid(m.ones(2), indexing="xx"),
        lambda m: m.meshgrid(m.ones(2, 2), m.ones(2), indexing="ij"),
        lambda m: m.meshgrid(indexing="ij"),
    ):
        with pytest.raises(RuntimeError) as want:
            call(torch)
        with pytest.raises(RuntimeError) as got:
            call(rtorch)
        assert str(got.value)[:40] == str(want.value)[:40]


def test_cartesian_prod_matches_torch_semantics():
    a, b = t(np.array([1, 2, 3])), t(np.array([4, 5]))
    got = rtorch.cartesian_prod(a, b)
    want = np.array([[x, y] for x in [1, 2, 3] for y in [4, 5]])
    np.testing.assert_array_equal(got.numpy(), want)
    assert rtorch.cartesian_prod(a) is a
    with pytest.raises(RuntimeError, match=re.escape("Expect a 1D vector, but got shape [2, 2]")):
        rtorch.cartesian_prod(rtorch.ones(2, 2))
    gradcheck(rtorch.cartesian_prod, arr(3), arr(2), arr(2))


def test_atleast_nd():
    s, v, m = t(np.float64(2.0)), t(arr(3)), t(arr(2, 3))
    assert tuple(rtorch.atleast_1d(s).shape) == (1,)
    assert rtorch.atleast_1d(v) is v
    assert [tuple(x.shape) for x in rtorch.atleast_2d(s, v, m)] == [(1, 1), (1, 3), (2, 3)]
    assert [tuple(x.shape) for x in rtorch.atleast_3d((s, v, m))] == [
        (1, 1, 1),
        (1, 3, 1),
        (2, 3, 1),
    ]
    for n, f in ((1, np.atleast_1d), (2, np.atleast_2d), (3, np.atleast_3d)):
        for a in (np.float64(2.0), arr(3), arr(2, 3), arr(2, 3, 4)):
            got = getattr(rtorch, f"atleast_{n}d")(t(a))
            assert tuple(got.shape) == f(a).shape


# ---------------------------------------------------------------- diff, flips, diagflat


@pytest.mark.parametrize(
    "shape,kw",
    [
        ((5,), {}),
        ((3, 5), {"n": 2}),
        ((3, 5), {"dim": 0}),
        ((3, 5), {"n": 7}),
        ((4, 3), {"dim": -2, "n": 0}),
        ((3, 4), {"prepend": (3, 2), "append": (3, 1)}),
    ],
)
def test_diff_matches_numpy(shape, kw):
    a = arr(*shape)
    ours, theirs = dict(kw), {"n": kw.get("n", 1), "axis": kw.get("dim", -1)}
    for side in ("prepend", "append"):
        if side in kw:
            extra = arr(*kw[side])
            ours[side], theirs[side] = t(extra), extra
    np.testing.assert_allclose(rtorch.diff(t(a), **ours).numpy(), np.diff(a, **theirs))
    np.testing.assert_allclose(t(a).diff(**ours).numpy(), np.diff(a, **theirs))


def test_diff_bool_and_errors():
    b = np.array([True, False, False, True])
    np.testing.assert_array_equal(rtorch.diff(t(b)).numpy(), np.diff(b))
    with pytest.raises(RuntimeError, match="order must be non-negative but got -1"):
        rtorch.diff(t(arr(3)), n=-1)
    with pytest.raises(RuntimeError, match="diff expects input to be at least one-dimensional"):
        rtorch.diff(rtorch.tensor(1.0))
    gradcheck(lambda x: rtorch.diff(x, n=2), arr(3, 5))


def test_flips_and_diagflat():
    a = arr(3, 4)
    np.testing.assert_array_equal(rtorch.fliplr(t(a)).numpy(), np.fliplr(a))
    np.testing.assert_array_equal(t(a).flipud().numpy(), np.flipud(a))
    with pytest.raises(RuntimeError, match=re.escape("Input must be >= 2-d.")):
        rtorch.fliplr(t(arr(3)))
    with pytest.raises(RuntimeError, match=re.escape("Input must be >= 1-d.")):
        rtorch.flipud(rtorch.tensor(1.0))
    for k in (0, 2, -1):
        np.testing.assert_array_equal(rtorch.diagflat(t(a), k).numpy(), np.diagflat(a, k))
    gradcheck(lambda x: x.diagflat(1), a)


# ---------------------------------------------------------------- index lists


@needs_torch
@pytest.mark.parametrize("row,col,offset", [(3, 3, 0), (4, 3, 1), (3, 5, -1), (0, 3, 0), (3, 4, 9)])
def test_tri_indices_match_torch(row, col, offset):
    for name in ("tril_indices", "triu_indices"):
        want = getattr(torch, name)(row, col, offset)
        got = getattr(rtorch, name)(row, col, offset)
        assert got.dtype == rtorch.int64
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    got = rtorch.tril_indices(3, 3, dtype=rtorch.int32)
    assert got.dtype == rtorch.int32
    np.testing.assert_array_equal(got.numpy(), np.array(np.tril_indices(3)))


# ---------------------------------------------------------------- registry ops: messages


@needs_torch
@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.ones(2, 3).repeat(2),
        lambda m: m.ones(2, 3).roll((1, 2), (0,)),
        lambda m: m.ones(3).rot90(),
        lambda m: m.ones(2, 3).rot90(1, (0, 0)),
        lambda m: m.ones(3).tril(),
        lambda m: m.ones(2, 2, 2).diag(),
        lambda m: m.ones(2, 3).diag_embed(0, 1, 1),
        lambda m: m.ones(3).trace(),
        lambda m: m.ones(2).bool().reshape(1, 2).trace(),
        lambda m: m.block_diag(m.ones(2), m.ones(1, 2, 2)),
        lambda m: m.linalg.cross(m.ones(2, 3), m.ones(2, 3), dim=0),
        lambda m: m.linalg.cross(m.ones(2, 3), m.ones(3)),
        lambda m: m.cross(m.ones(2, 2), m.ones(2, 2)),
        lambda m: m.cdist(m.ones(3), m.ones(3, 3)),
        lambda m: m.cdist(m.ones(3, 2), m.ones(3, 3)),
        lambda m: m.cdist(m.ones(3, 2), m.ones(3, 2), p=-1),
        lambda m: m.cdist(m.ones(3, 2).long(), m.ones(3, 2).long()),
        lambda m: m.cdist(m.ones(3, 2).half(), m.ones(3, 2).half()),
        lambda m: m.cdist(m.ones(3, 2), m.ones(3, 2), compute_mode="fast"),
    ],
)
def test_errors_match_torch(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as want:
            call(torch)
        with pytest.raises(Exception) as got:
            call(rtorch)
    assert type(got.value) is type(want.value)
    assert str(got.value) == str(want.value)


def test_cross_without_dim_warns_once_and_takes_first_dim_of_size_3():
    import rtorch._shape as shape

    shape._cross_warned = False
    a, b = arr(3, 2), arr(3, 2)
    with pytest.warns(UserWarning, match="Using torch.cross without specifying the dim arg"):
        got = rtorch.cross(t(a), t(b))
    np.testing.assert_allclose(got.numpy(), np.cross(a, b, axis=0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t(a).cross(t(b))
    np.testing.assert_allclose(
        rtorch.linalg.cross(t(a.T), t(b.T)).numpy(), np.cross(a.T, b.T), rtol=1e-12
    )


def test_inplace_tril_triu():
    a = arr(3, 4)
    x = t(a)
    assert x.tril_(1) is x
    np.testing.assert_array_equal(x.numpy(), np.tril(a, 1))
    leaf = t(a, True)
    y = leaf * 1
    y.triu_(-1)
    assert type(y.grad_fn).__name__ == "TriuBackward0"
    y.sum().backward()
    np.testing.assert_array_equal(leaf.grad.numpy(), np.triu(np.ones((3, 4)), -1))


# ---------------------------------------------------------------- windows

WINDOWS = {
    "hann_window": np.hanning,
    "hamming_window": np.hamming,
    "bartlett_window": np.bartlett,
    "blackman_window": np.blackman,
    "kaiser_window": lambda n: np.kaiser(n, 12.0),
}


@pytest.mark.parametrize("name", sorted(WINDOWS))
@pytest.mark.parametrize("n", [0, 1, 2, 5, 16])
def test_symmetric_windows_match_numpy(name, n):
    got = getattr(rtorch, name)(n, periodic=False, dtype=rtorch.float64)
    np.testing.assert_allclose(got.numpy(), WINDOWS[name](n), rtol=1e-12, atol=1e-12)


@needs_torch
@pytest.mark.parametrize("name", sorted(WINDOWS))
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_windows_match_torch(name, dtype):
    for n, periodic in [(0, True), (1, True), (7, True), (8, False), (33, True)]:
        want = getattr(torch, name)(n, periodic, dtype=getattr(torch, dtype))
        got = getattr(rtorch, name)(n, periodic, dtype=getattr(rtorch, dtype))
        assert got.dtype == getattr(rtorch, dtype) and tuple(got.shape) == tuple(want.shape)
        tol = {"float16": 2e-3, "bfloat16": 1.6e-2}.get(dtype, 1e-6)
        np.testing.assert_allclose(got.float().numpy(), want.float().numpy(), atol=tol)
    assert getattr(rtorch, name)(4).dtype == rtorch.get_default_dtype()
    assert getattr(rtorch, name)(4, requires_grad=True).requires_grad


@needs_torch
def test_window_arguments_and_errors_match_torch():
    for call in (
        lambda m: m.hamming_window(9, True, 0.6, 0.3, dtype=m.float64),
        lambda m: m.kaiser_window(9, False, 5.0, dtype=m.float64),
    ):
        np.testing.assert_allclose(call(rtorch).numpy(), call(torch).numpy(), atol=1e-12)
    for call in (
        lambda m: m.hann_window(4, dtype=m.int64),
        lambda m: m.kaiser_window(3, dtype=m.int32),
        lambda m: m.bartlett_window(-1),
    ):
        with pytest.raises(RuntimeError) as want:
            call(torch)
        with pytest.raises(RuntimeError) as got:
            call(rtorch)
        assert str(got.value) == str(want.value)


SIGNAL = [
    ("bartlett", {}),
    ("blackman", {}),
    ("cosine", {}),
    ("exponential", {}),
    ("exponential", {"tau": 2.5}),
    ("gaussian", {"std": 0.7}),
    ("general_cosine", {"a": [0.5, 0.3, 0.2]}),
    ("general_hamming", {"alpha": 0.6}),
    ("hamming", {}),
    ("hann", {}),
    ("kaiser", {"beta": 4.0}),
    ("nuttall", {}),
]


@needs_torch
@pytest.mark.parametrize("name,kw", SIGNAL)
def test_signal_windows_match_torch(name, kw):
    for m in (0, 1, 2, 7, 10):
        for sym in (True, False):
            want = getattr(torch.signal.windows, name)(m, sym=sym, dtype=torch.float64, **kw)
            got = getattr(rtorch.signal.windows, name)(m, sym=sym, dtype=rtorch.float64, **kw)
            np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-12, err_msg=f"{m} {sym}")
    assert getattr(rtorch.signal.windows, name)(5, **kw).dtype == rtorch.float32


@needs_torch
def test_signal_window_errors_match_torch():
    W, V = torch.signal.windows, rtorch.signal.windows
    for name, args, kw in [
        ("hann", (-1,), {}),
        ("hann", (3,), {"dtype": "int64"}),
        ("exponential", (3,), {"center": 1.0}),
        ("exponential", (3,), {"tau": 0}),
        ("gaussian", (3,), {"std": 0}),
        ("kaiser", (3,), {"beta": -1}),
        ("general_cosine", (3,), {"a": 1}),
    ]:
        ours, theirs = dict(kw), dict(kw)
        if "dtype" in kw:
            ours["dtype"], theirs["dtype"] = (
                getattr(rtorch, kw["dtype"]),
                getattr(torch, kw["dtype"]),
            )
        with pytest.raises(Exception) as want:
            getattr(W, name)(*args, **theirs)
        with pytest.raises(Exception) as got:
            getattr(V, name)(*args, **ours)
        assert type(got.value) is type(want.value)
        assert str(got.value) == str(want.value)


@needs_torch
@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.ones(3, 3).rot90(m.tensor([1])),
        lambda m: m.ones(3, 3).rot90(1.5),
        lambda m: m.ones(3, 3).diag(m.tensor(1.0)),
        lambda m: m.ones(3, 3).tril(0.5),
        lambda m: m.ones(3, 3).diag_embed(m.tensor(True)),
        lambda m: m.roll(m.ones(3, 3), m.tensor([1, 2])),
        lambda m: m.cross(m.ones(3), m.float32),
        lambda m: m.zeros(3, dtype=m.bool).trace(),
        lambda m: m.linalg.cross(m.ones(3, dtype=m.int64), m.ones(3, dtype=m.int16)),
    ],
)
def test_argument_types_and_check_order_match_torch(call):
    # Findings of the fuzzer: ints given as tensors or floats, check order.
    with pytest.raises(Exception) as want:
        call(torch)
    with pytest.raises(Exception) as got:
        call(rtorch)
    assert type(got.value) is type(want.value), (got.value, want.value)


def test_repeat_is_a_method_only():
    assert not hasattr(rtorch, "repeat")
    if torch is not None:
        assert not hasattr(torch, "repeat")
    assert tuple(rtorch.ones(2, 3).tile(2).shape) == (2, 6)
    assert tuple(rtorch.tile(rtorch.ones(2, 3), (2, 1, 1)).shape) == (2, 2, 3)
    # A 0-dim integer tensor passes as an int, as in torch.
    x = rtorch.arange(9.0).reshape(3, 3)
    np.testing.assert_array_equal(x.rot90(rtorch.tensor(1)).numpy(), np.rot90(x.numpy()))

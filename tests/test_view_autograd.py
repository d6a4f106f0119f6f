"""Autograd through in-place writes into views (CopySlices), stale views of a changed
base, and the view ops whose backward scatters: diagonal and as_strided.

Each case is a function of (library, x) that builds its graph the way learner code does.
It is checked three ways: gradcheck and gradgradcheck (finite differences, float64); the
values and gradients against torch when torch is installed; and the grad_fn names.
"""

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = pytest.mark.skipif(rtorch is None, reason="rtorch is not importable")


def mul_into_row(lib, x):
    b = x.clone()
    b[0].mul_(2)
    b[:, 1].add_(x[2, :3])
    return b.pow(2)


def rnn_fill(lib, x):
    # A preallocated buffer filled step by step: the buffer never required grad.
    h = lib.zeros(4, 3, dtype=x.dtype)
    w, s = x[:, :3], x[:, 3]
    for t in range(4):
        s = lib.tanh(w @ s)
        h[t] = s
    return h * h


def stale_view(lib, x):
    z = x.clone()
    zz = z[:, :2]  # taken before z changes: its history must follow z
    z.mul_(3)
    return zz * z[:, 2:]


def transposed_region(lib, x):
    b = x.clone()
    v = b.t()[1:]
    v.mul_(x[:, :3] + 1)
    return b


def setitem_scalar(lib, x):
    b = x * 1
    b[1] = 0.5
    b[:, 0] = x[:, 2] ** 2
    return b.sum(0)


def view_of_view(lib, x):
    b = x.clone().view(12)
    b[3:6].sub_(x.reshape(12)[0:3] ** 2)
    return b.view(3, 4)[1:].exp()


def base_and_view_both_written(lib, x):
    b = x.clone()
    v = b[1:, 1:]
    b.add_(1)
    v.mul_(x[:2, :3])
    return b * v.sum()


def diagonals(lib, x):
    return x.diagonal() * 2 + x.diagonal(1).sum() + x.diagonal(-1, 1, 0).pow(2).sum()


def as_strided_window(lib, x):
    flat = x.reshape(12)
    # Overlapping sliding windows: elements named twice must get both gradients.
    w = flat.as_strided((5, 3), (2, 1), 1)
    return w.pow(2) * lib.arange(15.0, dtype=x.dtype).reshape(5, 3)


CASES = [
    mul_into_row,
    rnn_fill,
    stale_view,
    transposed_region,
    setitem_scalar,
    view_of_view,
    base_and_view_both_written,
    diagonals,
    as_strided_window,
]


def make_x(lib):
    rng = np.random.default_rng(0)
    return lib.tensor(rng.standard_normal((3, 4)) * 0.7, dtype=lib.float64, requires_grad=True)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_gradcheck(case):
    x = make_x(rtorch)
    assert rtorch.autograd.gradcheck(lambda t: case(rtorch, t), (x,))
    assert rtorch.autograd.gradgradcheck(lambda t: case(rtorch, t), (x,))


@pytest.mark.skipif(torch is None, reason="torch (the oracle) is not installed")
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_matches_torch(case):
    outs = []
    for lib in (rtorch, torch):
        x = make_x(lib)
        y = case(lib, x)
        (g,) = lib.autograd.grad((y * y).sum(), x)
        outs.append((y.detach().numpy(), g.numpy()))
    np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-12, atol=1e-12)


def test_grad_fn_names():
    x = make_x(rtorch)
    b = x.clone()
    v, other = b[0], b[:, 1]
    v.mul_(2)
    assert b.grad_fn.name() == "CopySlices"
    assert v.grad_fn.name() == "AsStridedBackward0"
    assert other.grad_fn.name() == "AsStridedBackward0"
    assert b.grad_fn.next_functions[0][0].name() == "CloneBackward0"

    buf = rtorch.zeros(3)
    u = buf[1:]
    assert not u.requires_grad
    buf[0] = rtorch.ones((), requires_grad=True) * 3
    assert buf.grad_fn.name() == "CopySlices"
    assert u.requires_grad and u.grad_fn.name() == "AsStridedBackward0"


def test_view_write_errors():
    x = rtorch.zeros(3, 4, requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        x[0].mul_(2)
    # Also when the leaf is itself a view of a tensor that does not require grad.
    y = rtorch.arange(12.0).reshape(3, 4).requires_grad_()
    with pytest.raises(RuntimeError, match="a view of a leaf Variable"):
        y[0].mul_(2)
    b = x.clone()
    with rtorch.no_grad():
        nv = b[1]
    with pytest.raises(RuntimeError, match="created in no_grad mode"):
        nv.mul_(rtorch.ones(4, requires_grad=True))
    # Under no_grad the write is allowed and untracked.
    with rtorch.no_grad():
        x[0].mul_(2)
    assert x.is_leaf


def test_detach_is_not_a_view():
    b = rtorch.zeros(3, 4, requires_grad=True).clone()
    v = b[0]
    assert v._is_view() and not v.detach()._is_view() and v.detach()._base is None


def test_as_strided_backward_limits():
    x = rtorch.zeros(4, 4, dtype=rtorch.float64, requires_grad=True)
    with pytest.raises(NotImplementedError, match="as_strided"):
        x.t().as_strided((2,), (1,))


def test_constant_write_cuts_the_gradient():
    x = make_x(rtorch)
    for write in (
        lambda b: b.fill_(2.0),
        lambda b: b.zero_(),
        lambda b: b.copy_(rtorch.ones(3, 4, dtype=rtorch.int64)),
    ):
        b = x * 1
        write(b)
        assert b.requires_grad
        (g,) = rtorch.autograd.grad(b.sum(), x)
        assert g.abs().sum().item() == 0.0


def random_view_program(lib, seed, x0):
    """Random views of one buffer and in-place writes through them; returns the loss and
    its gradient. The same seed gives the same program in either library."""
    rng = np.random.default_rng(seed)
    x = lib.tensor(x0, dtype=lib.float64, requires_grad=True)
    b = x * 1.0
    views = [b]
    for _ in range(6):
        kind = rng.integers(6)
        base = views[rng.integers(len(views))]
        if base.dim() == 0:
            base = b
        if kind == 0:
            d = int(rng.integers(base.dim()))
            n = base.shape[d]
            if n > 1:
                s = int(rng.integers(n - 1))
                views.append(base.narrow(d, s, n - s))
        elif kind == 1:
            views.append(base.t() if base.dim() == 2 else base.unsqueeze(0))
        elif kind == 2:
            d = int(rng.integers(base.dim()))
            views.append(base.select(d, int(rng.integers(base.shape[d]))))
        elif kind == 3:
            views[rng.integers(len(views))].mul_(x.sum() * 0.1 + 1)
        elif kind == 4:
            v = views[rng.integers(len(views))]
            v.add_(v * 0.5)
        else:
            v = views[rng.integers(len(views))]
            if v.dim() > 0 and v.shape[0] > 0:
                v[0] = x[0, 0] ** 2
    loss = sum((v * (i + 1)).sum() for i, v in enumerate(views)) + (b**2).sum()
    (g,) = lib.autograd.grad(loss, x)
    return loss.item(), g.numpy()


@pytest.mark.skipif(torch is None, reason="torch (the oracle) is not installed")
def test_random_view_programs_match_torch():
    for seed in range(150):
        x0 = np.random.default_rng(seed + 1000).standard_normal((3, 4))
        got = random_view_program(rtorch, seed, x0)
        want = random_view_program(torch, seed, x0)
        assert got[0] == pytest.approx(want[0], rel=1e-10), seed
        np.testing.assert_allclose(got[1], want[1], rtol=1e-9, atol=1e-9, err_msg=str(seed))

"""The fused last-dim softmax / log_softmax backward (NOTE [ Fused softmax backward ]):
gradients against torch for every layout of the incoming gradient, and the composite
path where the gradient must itself be differentiable (create_graph)."""

from __future__ import annotations

import numpy as np
import pytest
import rtorch

torch = pytest.importorskip("torch")

TOL = {
    "float32": {"rtol": 1e-5, "atol": 1e-6},
    "float64": {"rtol": 1e-12, "atol": 1e-13},
}


def grads(m, a, g, op, dim, g_view=None):
    x = m.tensor(a, requires_grad=True)
    gt = m.tensor(g)
    if g_view is not None:
        gt = g_view(gt)
    getattr(m, op)(x, dim).backward(gt)
    return x.grad.numpy()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape", [(1, 1), (7, 5), (3, 4, 33), (2, 1000), (64, 17)])
def test_matches_torch(shape, op, dtype):
    rng = np.random.default_rng(len(shape) * 100 + shape[-1])
    a = (rng.standard_normal(shape) * 3).astype(dtype)
    g = rng.standard_normal(shape).astype(dtype)
    for dim in (-1, 0):
        np.testing.assert_allclose(
            grads(rtorch, a, g, op, dim), grads(torch, a, g, op, dim), **TOL[dtype]
        )


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_gradient_layouts(op):
    """An expanded (stride 0) or transposed incoming gradient is read as its values."""
    rng = np.random.default_rng(3)
    a = rng.standard_normal((6, 9)).astype("float32")
    row = rng.standard_normal((1, 9)).astype("float32")
    sq = rng.standard_normal((9, 6)).astype("float32")
    for g, view in ((row, lambda t: t.expand(6, 9)), (sq, lambda t: t.t())):
        np.testing.assert_allclose(
            grads(rtorch, a, g, op, -1, view),
            grads(torch, a, g, op, -1, view),
            **TOL["float32"],
        )


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_special_values(op):
    a = np.array([[0.0, -np.inf, 1.0], [np.nan, 0.0, 1.0], [1e30, -1e30, 0.0]], "float32")
    g = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0], [0.5, -0.5, 2.0]], "float32")
    np.testing.assert_allclose(
        grads(rtorch, a, g, op, -1), grads(torch, a, g, op, -1), **TOL["float32"]
    )


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_double_backward_and_gradcheck(op):
    """create_graph keeps the composite, differentiable form."""
    rng = np.random.default_rng(5)
    a = rng.standard_normal((4, 6))
    res = []
    for m in (rtorch, torch):
        x = m.tensor(a, requires_grad=True)
        y = getattr(m, op)(x, -1)
        (gx,) = m.autograd.grad((y * y).sum(), x, create_graph=True)
        (ggx,) = m.autograd.grad(gx.pow(2).sum(), x)
        res.append((gx.detach().numpy(), ggx.numpy()))
    for r, t in zip(*res):
        np.testing.assert_allclose(r, t, rtol=1e-10, atol=1e-12)
    x = rtorch.tensor(a, requires_grad=True)
    assert rtorch.autograd.gradcheck(lambda t: getattr(rtorch, op)(t, -1), (x,))


def test_half_keeps_composite():
    a = np.linspace(-2, 2, 24).reshape(4, 6)
    res = []
    for m in (rtorch, torch):
        x = m.tensor(a, dtype=m.bfloat16, requires_grad=True)
        m.log_softmax(x, -1).backward(m.ones(4, 6, dtype=m.bfloat16))
        res.append(x.grad.float().numpy())
    np.testing.assert_allclose(res[0], res[1], rtol=1e-2, atol=1e-2)

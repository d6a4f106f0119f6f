"""The autograd graph as Python sees it and `autograd.grad(inputs=)` on large graphs:
node classes and identity, and pruning that stays linear (chains, diamonds, intermediate
inputs), each against torch."""

import time

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = pytest.mark.skipif(rtorch is None, reason="rtorch is not importable")
needs_torch = pytest.mark.skipif(torch is None, reason="torch (the oracle) is not installed")


def _chain(m, n):
    x = m.linspace(0.5, 1.5, 5, dtype=m.float64).requires_grad_()
    y = x
    for _ in range(n):
        y = y * 1.0001
    return x, y.sum()


def test_grad_on_a_long_chain_is_linear():
    times = {}
    for n in (2000, 16000):
        x, s = _chain(rtorch, n)
        t0 = time.perf_counter()
        (g,) = rtorch.autograd.grad(s, [x])
        times[n] = time.perf_counter() - t0
        np.testing.assert_allclose(g.numpy(), np.full(5, 1.0001**n), rtol=1e-9)
    # 8x the nodes: quadratic pruning took 64x (1.1 s at 8,000 nodes); allow a wide margin
    # for a noisy machine, only to catch the quadratic case.
    assert times[16000] < 30 * times[2000] + 0.05, times


def _diamonds(m, inputs_at):
    x = m.tensor([0.3, -1.2, 2.0], dtype=m.float64, requires_grad=True)
    w = m.tensor([1.5, 0.5, -0.25], dtype=m.float64, requires_grad=True)
    unused = m.ones(3, dtype=m.float64, requires_grad=True)
    h = x
    mids = []
    for i in range(50):
        a, b = h.sin(), h * w
        h = a + b if i % 2 else a * b
        mids.append(h)
    out = h.sum()
    picks = {"leaves": [x, w], "mid": [mids[10], x], "unused": [x, unused]}[inputs_at]
    return out, picks


@needs_torch
@pytest.mark.parametrize("inputs_at", ["leaves", "mid", "unused"])
@pytest.mark.parametrize("materialize", [False, True])
def test_grad_diamonds_match_torch(inputs_at, materialize):
    results = []
    for m in (rtorch, torch):
        out, picks = _diamonds(m, inputs_at)
        gs = m.autograd.grad(out, picks, allow_unused=True, materialize_grads=materialize)
        results.append([None if g is None else g.detach().numpy() for g in gs])
    for got, want in zip(*results):
        if want is None:
            assert got is None
        else:
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_grad_unused_input_raises_without_allow_unused():
    out, picks = _diamonds(rtorch, "unused")
    with pytest.raises(RuntimeError, match="appears to not have been used"):
        rtorch.autograd.grad(out, picks)


@needs_torch
def test_node_classes_match_torch():
    for m in (rtorch, torch):
        x = m.ones(2, 3, requires_grad=True)
        y = (x * 2).sum()
        fn = y.grad_fn
        assert fn is y.grad_fn
        assert type(fn).__name__ == "SumBackward0" and fn.name() == "SumBackward0"
        assert isinstance(fn, m.autograd.graph.Node)
        mul = fn.next_functions[0][0]
        assert mul is fn.next_functions[0][0] and type(mul).__name__ == "MulBackward0"
        assert repr(fn).startswith("<SumBackward0 object at 0x")
        with pytest.raises(TypeError, match="cannot create 'SumBackward0' instances"):
            type(fn)()

"""`grad_fn._saved_*` against torch: which names a node shows, what they hold (the same
Python object for a saved input, an equal tensor with the node as grad_fn for a saved
result, None where torch saves nothing), and torch's errors once a backward freed them or
an in-place write changed them."""

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = pytest.mark.skipif(rtorch is None, reason="rtorch is not importable")
needs_torch = pytest.mark.skipif(torch is None, reason="torch (the oracle) is not installed")

SAVES_RESULT = ["exp", "sigmoid", "tanh", "relu", "sqrt", "rsqrt"]
SAVES_SELF = ["sin", "cos", "log", "abs", "erf", "asin", "atan", "log1p"]


def saved_names(node):
    return sorted(a for a in dir(node) if a.startswith("_saved_"))


def leaf(lib):
    return lib.tensor([0.25, 0.5, 0.75], requires_grad=True)


@needs_torch
@pytest.mark.parametrize("name", SAVES_RESULT + SAVES_SELF)
def test_unary_saved_names_and_values(name):
    x, tx = leaf(rtorch), leaf(torch)
    y, ty = getattr(x, name)(), getattr(tx, name)()
    assert saved_names(y.grad_fn) == saved_names(ty.grad_fn)
    for attr in saved_names(ty.grad_fn):
        got, want = getattr(y.grad_fn, attr), getattr(ty.grad_fn, attr)
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-6)
        if attr == "_saved_self":
            assert (got is x) == (want is tx)
        if attr == "_saved_result":
            assert type(got.grad_fn).__name__ == type(ty.grad_fn).__name__
            assert got.grad_fn is y.grad_fn


@needs_torch
@pytest.mark.parametrize("op", ["mul", "div"])
@pytest.mark.parametrize("grads", [(True, False), (False, True), (True, True)])
def test_binary_saves_what_each_gradient_needs(op, grads):
    def run(lib):
        a = lib.tensor([1.5, 2.0, 3.0], requires_grad=grads[0])
        b = lib.tensor([0.5, 4.0, 2.5], requires_grad=grads[1])
        node = getattr(lib, op)(a, b).grad_fn
        return a, b, node

    a, b, node = run(rtorch)
    ta, tb, tnode = run(torch)
    assert saved_names(node) == saved_names(tnode)
    for attr, mine, theirs in [("_saved_self", a, ta), ("_saved_other", b, tb)]:
        got, want = getattr(node, attr), getattr(tnode, attr)
        assert (got is None) == (want is None), attr
        if want is not None:
            assert (got is mine) == (want is theirs)


@needs_torch
def test_reading_after_backward_and_after_inplace():
    def freed(lib):
        x = leaf(lib)
        y = x.exp()
        y.sum().backward()
        return y.grad_fn

    for node in (freed(rtorch), freed(torch)):
        with pytest.raises(RuntimeError, match="after they have already been freed"):
            _ = node._saved_result

    def retained(lib):
        x = leaf(lib)
        y = x.exp()
        y.sum().backward(retain_graph=True)
        return y.grad_fn._saved_result

    assert np.allclose(retained(rtorch).detach().numpy(), retained(torch).detach().numpy())

    def modified(lib):
        a = leaf(lib) * 1
        b = a * a
        a.add_(1)
        return b.grad_fn

    for node in (modified(rtorch), modified(torch)):
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            _ = node._saved_self


def test_unknown_saved_name_is_an_attribute_error():
    y = leaf(rtorch) * 2
    with pytest.raises(AttributeError, match="'MulBackward0' object has no attribute"):
        _ = y.grad_fn._saved_nothing
    with pytest.raises(AttributeError):
        _ = y.grad_fn.no_such_attribute
    assert not hasattr(y.grad_fn, "_saved_result")

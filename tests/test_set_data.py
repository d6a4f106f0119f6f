"""`x.data = y` (NOTE [ Tensor bodies ]): the tensor takes y's storage, shape, strides and
dtype and keeps its identity, version counter, requires_grad, .grad, hooks and attributes;
checked against torch."""

import gc

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = pytest.mark.skipif(rtorch is None, reason="needs rtorch")
LIBS = [rtorch] + ([torch] if torch is not None else [])
ids = ["rtorch", "torch"][: len(LIBS)]


@pytest.mark.parametrize("m", LIBS, ids=ids)
def test_identity_grad_hooks_and_flags_survive(m):
    x = m.ones(3, requires_grad=True)
    x.sum().backward()
    seen = []
    x.register_hook(lambda g: seen.append(g.shape) or None)
    x.tag = "kept"
    ident = id(x)
    new = m.arange(8, dtype=m.float64).reshape(4, 2)
    x.data = new
    assert id(x) == ident and x.tag == "kept" and x.requires_grad and x.is_leaf
    assert x.shape == (4, 2) and x.dtype == m.float64 and x._version == 0
    np.testing.assert_array_equal(x.detach().numpy(), new.numpy())
    assert x.grad.shape == (3,)  # .grad is left as it was
    x.grad = None
    (x * 2).sum().backward()
    assert seen == [(4, 2)] and x.grad.dtype == m.float64
    # x now aliases new's memory.
    new.add_(1)
    assert x[0, 0].item() == 1.0


@pytest.mark.parametrize("m", LIBS, ids=ids)
def test_graph_built_before_sees_the_new_data(m):
    x = m.ones(3, requires_grad=True)
    linear, square = (x * 2).sum(), (x * x).sum()
    x.data = m.full((3,), 5.0)
    linear.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0, 2.0])
    x.grad = None
    square.backward()  # the saved x is the same tensor: its data is the new data
    np.testing.assert_array_equal(x.grad.numpy(), [10.0, 10.0, 10.0])


@pytest.mark.parametrize("m", LIBS, ids=ids)
def test_views_keep_the_old_storage(m):
    y = m.ones(2, 2)
    v = y[0]
    y.data = m.zeros(3)
    assert v._base is y and y.shape == (3,)
    np.testing.assert_array_equal(v.numpy(), [1.0, 1.0])


@pytest.mark.parametrize("m", LIBS, ids=ids)
def test_the_2018_update_idiom(m):
    p = m.ones(3, requires_grad=True)
    (p * p).sum().backward()
    for _ in range(3):
        p.data -= 0.1 * p.grad.data
        p.data = p.data - 0.1 * p.grad.data
    np.testing.assert_allclose(p.detach().numpy(), [1 - 6 * 0.2] * 3, rtol=1e-6)
    assert p._version == 0 and p.requires_grad


@pytest.mark.parametrize("m", LIBS, ids=ids)
def test_errors_match_torch(m):
    x = m.ones(3, requires_grad=True)
    with pytest.raises(TypeError, match="Variable data has to be a tensor, but got int"):
        x.data = 5
    with pytest.raises(RuntimeError, match="must be floating point or complex dtype"):
        x.data = m.zeros(2, dtype=m.int64)
    assert x.shape == (3,) and x.dtype == m.float32
    y = m.ones(3)
    y.data = m.zeros(2, dtype=m.int64)  # no grad: any dtype
    assert y.dtype == m.int64


def test_many_swaps_then_free():
    # Every replaced body lives until its tensor dies; then all of them go.
    x = rtorch.zeros(1000)
    bodies = [rtorch.full((1000,), float(i)) for i in range(200)]
    for b in bodies:
        x.data = b
    del bodies
    gc.collect()
    assert x.sum().item() == 199 * 1000
    del x
    gc.collect()

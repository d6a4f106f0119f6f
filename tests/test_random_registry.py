"""normal's tensor overloads record torch's NormalBackward nodes, whose gradients are
zeros (torch does not reparametrize); and the bad-input cases of issue 9 section 4 for
the samplers raise torch's exception types and messages."""

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = pytest.mark.skipif(
    rtorch is None or torch is None, reason="needs rtorch and torch (the oracle)"
)


@pytest.mark.parametrize("which", ["tt", "tf", "ft"])
def test_normal_gradients_match_torch(which):
    res = []
    for m in (torch, rtorch):
        mean = m.tensor([0.5, -1.0, 2.0], dtype=m.float64, requires_grad=True)
        std = m.tensor([1.0, 0.5, 2.0], dtype=m.float64, requires_grad=True)
        m.manual_seed(3)
        args = {"tt": (mean, std), "tf": (mean, 2.0), "ft": (1.0, std)}[which]
        r = m.normal(*args)
        r.sum().backward()
        grads = [None if t.grad is None else t.grad.numpy() for t in (mean, std)]
        res.append((type(r.grad_fn).__name__, r.detach().numpy(), grads))
    (tn, tv, tg), (rn, rv, rg) = res
    assert rn == tn
    np.testing.assert_array_equal(rv, tv)
    for a, b in zip(rg, tg):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_array_equal(a, b)


def _bad(m):
    return [
        lambda: m.multinomial(m.tensor([0.2, 0.8]), 3),
        lambda: m.empty(3, dtype=m.int64).random_(5, 5),
        lambda: m.rand(3, dtype=m.int64),
        lambda: m.randn(3, dtype=m.int64),
        lambda: m.empty(3, dtype=m.int64).uniform_(),
        lambda: m.empty(3, dtype=m.int64).normal_(),
        lambda: m.empty(3, dtype=m.int64).exponential_(),
        lambda: m.empty(3, dtype=m.int64).cauchy_(),
        lambda: m.empty(3, dtype=m.int64).log_normal_(),
    ]


@pytest.mark.parametrize("k", range(9))
def test_sampler_errors_match_torch(k):
    with pytest.raises(Exception) as want:
        _bad(torch)[k]()
    with pytest.raises(Exception) as got:
        _bad(rtorch)[k]()
    assert got.type is want.type
    assert str(got.value) == str(want.value)

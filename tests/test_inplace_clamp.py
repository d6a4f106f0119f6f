"""`clamp_`, `clamp_min_` and `clamp_max_` write straight into the tensor when no history
is kept (`pointwise::clamp_`); values, errors and the recorded node must stay PyTorch's."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = pytest.mark.skipif(torch is None, reason="needs torch (the oracle)")


def clamp_by_itself(x):
    return x.clamp_min_(x)


CASES = {
    "min number": lambda m: m.tensor([-1.0, 0.5, math.nan, -0.0, -math.inf]).clamp_min_(0.0),
    "max int number": lambda m: m.tensor([-1.0, 0.5, math.nan, 3.0]).clamp_max_(1),
    "both numbers": lambda m: m.tensor([-3.0, 0.5, 9.0]).clamp_(-1, 2),
    "min above max": lambda m: m.tensor([1.0, 5.0, 0.0]).clamp_(2, 1),
    "nan bound": lambda m: m.tensor([1.0, 5.0]).clamp_min_(math.nan),
    "tensor bounds": lambda m: m.tensor([[1.0, 5.0], [3.0, -2.0]]).clamp_(
        min=m.tensor([2.0, 0.0]), max=m.tensor(4.0)
    ),
    "float64 bound": lambda m: m.tensor([1.0, 5.0]).clamp_min_(
        m.tensor([2.0, 3.0], dtype=m.float64)
    ),
    "half": lambda m: m.tensor([1.0, 5.0], dtype=m.float16).clamp_max_(2.5),
    "int with int bound": lambda m: m.tensor([1, 2, 3]).clamp_min_(2),
    "self as bound": lambda m: clamp_by_itself(m.tensor([1.0, -2.0])),
    "strided": lambda m: m.arange(12.0).reshape(3, 4).t().clamp_(3, 8),
    "big": lambda m: m.linspace(-5, 5, 70_001).clamp_(-1, 1),
}
ERRORS = {
    "int with float bound": lambda m: m.tensor([1, 2, 3]).clamp_min_(1.5),
    "bigger bound": lambda m: m.tensor([1.0, 5.0]).clamp_min_(m.zeros(3, 2)),
    "leaf requiring grad": lambda m: m.ones(2, requires_grad=True).clamp_min_(0),
    "expanded": lambda m: m.tensor([1.0]).expand(3).clamp_min_(0.0),
}


@pytest.mark.parametrize("name", list(CASES))
def test_clamp_in_place_matches_torch(name):
    got, want = CASES[name](rtorch), CASES[name](torch)
    assert got.dtype.__str__() == str(want.dtype)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("name", list(ERRORS))
def test_clamp_in_place_errors_as_torch(name):
    with pytest.raises(RuntimeError) as want:
        ERRORS[name](torch)
    with pytest.raises(type(want.value)):
        ERRORS[name](rtorch)


def test_clamp_min_none_is_a_type_error():
    with pytest.raises(TypeError):
        rtorch.tensor([1.0]).clamp_min_(None)


def test_clamp_in_place_returns_self_and_bumps_version():
    x = rtorch.tensor([-1.0, 2.0])
    v = x._version
    assert x.clamp_max_(1.0) is x
    assert x._version == v + 1


@pytest.mark.parametrize("op", ["clamp_min_", "clamp_max_"])
def test_clamp_in_place_with_history(op):
    outs = []
    for m in (rtorch, torch):
        x = m.tensor([-2.0, 0.5, 3.0], requires_grad=True)
        y = x * 1
        getattr(y, op)(0.0)
        y.sum().backward()
        outs.append((type(y.grad_fn).__name__, x.grad.tolist()))
    assert outs[0] == outs[1]


# `clamp` with both bounds runs one fused pass (TernaryKernel::Clamp): the promotion rules
# of the two-pass form it replaced must hold.
FUSED = {
    "uint8, negative min": lambda m: m.tensor([5, 0, 2], dtype=m.uint8).clamp(-2, 3),
    "uint8, float max": lambda m: m.tensor([5, 0, 2], dtype=m.uint8).clamp(-2, 3.25),
    "int32, tensor bounds": lambda m: m.tensor([5, 0, 2], dtype=m.int32).clamp(
        m.tensor([1, 1, 1]), m.tensor(4)
    ),
    "nan bound": lambda m: m.tensor([1.0, 2.0]).clamp(math.nan, 3),
    "nan x": lambda m: m.tensor([math.nan, 2.0]).clamp(0, 1),
    "float16": lambda m: m.tensor([1.0, 2.0, -3.0], dtype=m.float16).clamp(-1, 1.5),
    "bfloat16, float64 0-dim bound": lambda m: m.tensor([1.0, 2.0], dtype=m.bfloat16).clamp(
        m.tensor(0.5, dtype=m.float64), 1.5
    ),
    "0-dim tensor and number": lambda m: m.tensor([1.0, 5.0]).clamp(m.tensor(2), 4.5),
    "broadcast bounds": lambda m: m.zeros(3, 1).clamp(
        m.tensor([-1.0, 1.0]), m.tensor([[0.5], [0.7], [2.0]])
    ),
    "min above max": lambda m: m.tensor([0.0, 5.0]).clamp(3, 1),
    "int, float bounds": lambda m: m.tensor([1, 5]).clamp(1.5, 3.5),
    "transposed": lambda m: m.arange(6.0).view(2, 3).t().clamp(1, 4),
    "big float64": lambda m: m.linspace(-3, 3, 70_001, dtype=m.float64).clamp(-1, 2),
}


@pytest.mark.parametrize("name", list(FUSED))
def test_fused_clamp_matches_torch(name):
    got, want = FUSED[name](rtorch), FUSED[name](torch)
    assert str(got.dtype) == str(want.dtype)
    # through lists: numpy has no bfloat16
    np.testing.assert_array_equal(np.asarray(got.tolist()), np.asarray(want.tolist()))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_clamp_number_bounds_signed_zeros_and_nan_as_torch(dtype):
    # Number bounds take torch's scalar-kernel picks (`x < lo ? lo : x`, then `> hi`).
    vals = [-0.0, 0.0, 1.0, -1.0, math.nan, math.inf, -math.inf, 0.5]
    for lo in vals:
        for hi in vals:
            got = rtorch.tensor(vals * 3, dtype=getattr(rtorch, dtype)).clamp(lo, hi).numpy()
            want = torch.tensor(vals * 3, dtype=getattr(torch, dtype)).clamp(lo, hi).numpy()
            np.testing.assert_array_equal(got, want)
            np.testing.assert_array_equal(np.signbit(got), np.signbit(want))

"""The sign of a zero through the vector unary kernels: odd functions give -0.0 for
-0.0 as torch does (sin, tanh and erf once gave +0.0 from a sum of signed zeros), in
every float dtype, on dense runs long enough to take the vector path and in the
scalar tail."""

from __future__ import annotations

import math

import pytest
import rtorch

torch = pytest.importorskip("torch")

OPS = [
    "sin", "tan", "tanh", "erf", "expm1", "log1p", "atan", "asin", "sinh", "sigmoid",
    "cos", "cosh", "acos", "exp", "erfc", "relu", "sqrt", "rsqrt", "neg", "abs",
]  # fmt: skip


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
@pytest.mark.parametrize("op", OPS)
def test_signed_zero(op, dtype):
    values = [-0.0, 0.0] * 20 + [-0.0]  # 41 elements: vector blocks and a tail
    r = getattr(rtorch.tensor(values, dtype=getattr(rtorch, dtype)), op)().tolist()
    t = getattr(torch.tensor(values, dtype=getattr(torch, dtype)), op)().tolist()
    for a, b in zip(r, t):
        assert (math.isnan(a) and math.isnan(b)) or (
            a == b and math.copysign(1, a) == math.copysign(1, b)
        ), (op, dtype, r[:4], t[:4])

"""numpy's keyword names that PyTorch's parser accepts for `dim` and `keepdim` (`axis=`,
`keepdims=`), on reductions, scans, softmax, cat/stack and squeeze/unsqueeze; giving both
names is a TypeError, as in torch."""

import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = pytest.mark.skipif(
    rtorch is None or torch is None, reason="needs rtorch and torch (the oracle)"
)

CALLS = [
    "x.sum(axis=1)",
    "x.sum(axis=1, keepdims=True)",
    "m.sum(x, axis=0)",
    "x.mean(axis=(0, 1))",
    "x.max(axis=1).values",
    "x.max(axis=1, keepdims=True).indices",
    "x.min(axis=0)[0]",
    "x.amax(axis=0)",
    "x.amin(axis=1, keepdims=True)",
    "x.argmax(axis=1)",
    "x.argmin(axis=0, keepdims=True)",
    "x.prod(axis=0)",
    "x.std(axis=1)",
    "x.var(axis=0, keepdims=True)",
    "x.all(axis=1)",
    "x.any(axis=0, keepdims=True)",
    "x.logsumexp(axis=1)",
    "x.cumsum(axis=0)",
    "m.cumprod(x, axis=1)",
    "x.softmax(axis=1)",
    "x.log_softmax(axis=0)",
    "m.cat([x, x], axis=1)",
    "m.stack([x, x], axis=1)",
    "x.unsqueeze(axis=0)",
    "x[None].squeeze(axis=0)",
    # both names, or neither for a required dim: TypeError
    "x.sum(dim=1, axis=1)",
    "x.sum(1, keepdim=True, keepdims=True)",
    "x.cumsum()",
    "x.softmax()",
    "x.unsqueeze()",
]


def outcome(m, call):
    x = m.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])
    try:
        return eval(call, {"m": m, "x": x}).tolist()
    except Exception as e:  # noqa: BLE001 - the class is compared
        return type(e).__name__


@pytest.mark.parametrize("call", CALLS)
def test_numpy_alias_matches_torch(call):
    assert outcome(rtorch, call) == outcome(torch, call)

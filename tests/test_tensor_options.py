"""Tensor options beyond dtype and device (layout, memory_format, pin_memory, non_blocking):
the values rtorch honours behave as in torch, the ones it cannot honour raise instead of
being dropped."""

import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = pytest.mark.skipif(
    rtorch is None or torch is None, reason="needs rtorch and torch (the oracle)"
)

SAME = [
    "m.zeros(2, layout=m.strided).shape",
    "m.rand(2, layout=m.strided).shape",
    "m.empty(2, memory_format=m.contiguous_format).shape",
    "m.empty(2, pin_memory=True)",
    "m.tensor([1.0], pin_memory=True)",
    "x.clone(memory_format=m.preserve_format).shape",
    "x.contiguous(memory_format=m.contiguous_format) is x",
    "m.zeros_like(x, memory_format=m.preserve_format).shape",
    "m.full_like(x, 2.0, memory_format=m.contiguous_format).shape",
    "x.to(m.float64, non_blocking=True).dtype",
    "x.to(memory_format=m.contiguous_format) is x",
    "x.cpu(memory_format=m.contiguous_format) is x",
    "repr(m.channels_last)",
]


def outcome(m, call):
    x = m.ones(2, 3)
    try:
        return str(eval(call, {"m": m, "x": x}))
    except Exception as e:  # noqa: BLE001 - the class is compared
        return type(e).__name__


@pytest.mark.parametrize("call", SAME)
def test_option_matches_torch(call):
    assert outcome(rtorch, call) == outcome(torch, call)


@pytest.mark.parametrize(
    "call",
    [
        "m.empty(1, 2, 3, 4, memory_format=m.channels_last)",
        "m.ones(1, 2, 3, 4).clone(memory_format=m.channels_last)",
        "m.ones(1, 2, 3, 4).contiguous(memory_format=m.channels_last)",
        "m.zeros_like(m.ones(1, 2, 3, 4), memory_format=m.channels_last)",
        "m.zeros(2, layout=object())",
    ],
)
def test_what_rtorch_cannot_honour_raises(call):
    with pytest.raises(NotImplementedError):
        eval(call, {"m": rtorch})

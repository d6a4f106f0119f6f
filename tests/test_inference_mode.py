"""`inference_mode` against torch: the engine records nothing while it is on (also under
`enable_grad()`, and for the in-place and `out=` paths), and the grad mode it sets and
restores."""

import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = pytest.mark.skipif(rtorch is None, reason="rtorch is not importable")
needs_torch = pytest.mark.skipif(torch is None, reason="torch (the oracle) is not installed")


def observe(lib):
    """What a user sees of modes and results inside nested mode blocks."""
    x = lib.ones(3, requires_grad=True)
    seen = []

    def note(tag, t=None):
        row = [tag, lib.is_grad_enabled(), lib.is_inference_mode_enabled()]
        if t is not None:
            row += [t.requires_grad, t.grad_fn is None]
        seen.append(tuple(row))

    with lib.inference_mode():
        note("inference", x * 2)
        note("inference exp", x.exp())
        with lib.enable_grad():
            note("inference + enable_grad", x * 2)
        with lib.inference_mode(False):
            note("inference(False) inside", x * 2)
    note("after", x * 2)
    with lib.no_grad():
        with lib.inference_mode(False):
            note("no_grad + inference(False)", x * 2)
        note("no_grad after")

    @lib.inference_mode()
    def decorated(t):
        return t * 2

    note("decorated", decorated(x))
    return seen


@needs_torch
def test_modes_and_recording_match_torch():
    assert observe(rtorch) == observe(torch)


@needs_torch
def test_modes_restored_after_an_exception():
    for lib in (rtorch, torch):
        with pytest.raises(ValueError), lib.inference_mode():
            raise ValueError
        assert lib.is_grad_enabled() and not lib.is_inference_mode_enabled()


def test_engine_consults_inference_mode_not_only_grad_mode():
    # The low-level flag alone (grad mode left on) must stop recording in the engine.
    x = rtorch.ones(3, requires_grad=True)
    prev = rtorch._C._set_inference_mode(True)
    try:
        assert rtorch.is_grad_enabled()
        y = x * 2
        z = rtorch.ones(3).add_(x)
        w = rtorch.sum(x)
    finally:
        rtorch._C._set_inference_mode(prev)
    assert not y.requires_grad and y.grad_fn is None
    assert not z.requires_grad and w.grad_fn is None
    assert (x * 2).grad_fn is not None

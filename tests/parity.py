"""One reproducer run through rtorch and torch, compared: the helpers the torch-parity
regression files share (`test_regressions_breadth*.py`)."""

import warnings

import numpy as np
from conftest import LIB as rtorch
from conftest import TORCH as torch
from conftest import dtype_name, exc_type, is_tensor, to_numpy


def outcome(fn, lib):
    """fn(lib), or ("raise", exception class, first line of its message)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(lib)
    except Exception as e:  # noqa: BLE001 - class and message are what is compared
        return ("raise", exc_type(e), str(e).split("\n")[0])


def check(got, want, strides=True, message=True):
    """Values, dtypes, shapes, strides (dims of a tensor of 2+ elements), autograd
    metadata and exception classes (and messages) of rtorch's outcome against torch's."""
    if isinstance(want, tuple) and want and want[0] == "raise":
        assert isinstance(got, tuple) and got[:1] == ("raise",), f"torch raised {want}, got {got}"
        assert got[1] is want[1], f"torch raised {want}, rtorch {got}"
        if message:
            assert got[2] == want[2]
        return
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want), f"{got!r} vs {want!r}"
        for g, w in zip(got, want):
            check(g, w, strides, message)
        return
    if not is_tensor(want):
        assert got == want
        return
    assert is_tensor(got), f"expected a tensor, got {got!r}"
    assert dtype_name(got.dtype) == dtype_name(want.dtype)
    assert tuple(got.shape) == tuple(want.shape)
    if strides and want.numel() > 1:
        assert tuple(got.stride()) == tuple(want.stride())
    assert got.requires_grad == want.requires_grad
    gn = got.grad_fn.name() if got.grad_fn is not None else None
    wn = want.grad_fn.name() if want.grad_fn is not None else None
    assert gn == wn
    # Bit-identical; to_numpy holds half results exactly (bfloat16 through float32).
    np.testing.assert_array_equal(to_numpy(got.detach()), to_numpy(want.detach()))


def same(fn, **kw):
    check(outcome(fn, rtorch), outcome(fn, torch), **kw)

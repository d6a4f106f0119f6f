"""Tensor options (dtype, device, requires_grad, layout, pin_memory, memory_format, out,
non_blocking, copy) of every factory and conversion, against torch: each function takes
the keywords torch's does, honours the values rtorch can honour as torch does (strides
included: channels_last is a stride order), and refuses the others with torch's
exception type and message."""

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = pytest.mark.skipif(
    rtorch is None or torch is None, reason="needs rtorch and torch (the oracle)"
)


def outcome(fn):
    """What a call gives: its value, or the exception's type and message."""
    try:
        return ("ok", fn())
    except Exception as e:  # noqa: BLE001 - the class and message are compared
        return (type(e).__name__, str(e))


# Each factory, called with the keywords given (`x` is the input of the `_like` forms and
# methods).
FACTORIES = {
    "tensor": lambda m, x, **k: m.tensor([1.0], **k),
    "as_tensor": lambda m, x, **k: m.as_tensor([1.0], **k),
    "zeros": lambda m, x, **k: m.zeros(2, 3, **k),
    "ones": lambda m, x, **k: m.ones(2, 3, **k),
    "empty": lambda m, x, **k: m.empty(2, 3, **k),
    "full": lambda m, x, **k: m.full((2, 3), 1.5, **k),
    "zeros_like": lambda m, x, **k: m.zeros_like(x, **k),
    "ones_like": lambda m, x, **k: m.ones_like(x, **k),
    "empty_like": lambda m, x, **k: m.empty_like(x, **k),
    "empty_strided": lambda m, x, **k: m.empty_strided((2, 3), (1, 2), **k),
    "full_like": lambda m, x, **k: m.full_like(x, 2, **k),
    "rand_like": lambda m, x, **k: m.rand_like(x, **k),
    "randn_like": lambda m, x, **k: m.randn_like(x, **k),
    "randint_like": lambda m, x, **k: m.randint_like(x, 5, **k),
    "arange": lambda m, x, **k: m.arange(3, **k),
    "linspace": lambda m, x, **k: m.linspace(0, 1, 3, **k),
    "logspace": lambda m, x, **k: m.logspace(0, 1, 3, **k),
    "eye": lambda m, x, **k: m.eye(2, **k),
    "rand": lambda m, x, **k: m.rand(2, 3, **k),
    "randn": lambda m, x, **k: m.randn(2, 3, **k),
    "randint": lambda m, x, **k: m.randint(3, (2, 3), **k),
    "randperm": lambda m, x, **k: m.randperm(3, **k),
    "new_zeros": lambda m, x, **k: x.new_zeros(2, 3, **k),
    "new_ones": lambda m, x, **k: x.new_ones(2, 3, **k),
    "new_empty": lambda m, x, **k: x.new_empty(2, 3, **k),
    "new_empty_strided": lambda m, x, **k: x.new_empty_strided((2, 3), (1, 2), **k),
    "new_full": lambda m, x, **k: x.new_full((2, 3), 1, **k),
    "new_tensor": lambda m, x, **k: x.new_tensor([1], **k),
}
# Functions whose messages name themselves; the methods and the Python `*_like` samplers
# report the factory they go through, so only their exception type is compared.
OWN_MESSAGE = {n for n in FACTORIES if not n.startswith(("new_", "rand_", "randn_", "randint_"))}


def accepted_value(m, name):
    """A value of option `name` that every library honours."""
    return {
        "dtype": None,
        "device": None,
        "requires_grad": False,
        "layout": m.strided,
        "pin_memory": False,
        "memory_format": m.contiguous_format,
        "out": None,
        "generator": None,
    }[name]


def run(m, factory, **kw):
    return FACTORIES[factory](m, m.ones(2, 3), **kw)


def accepts(m, factory, option):
    kind, msg = outcome(lambda: run(m, factory, **{option: accepted_value(m, option)}))
    unknown = kind == "TypeError" and ("unexpected keyword" in msg or "invalid combination" in msg)
    return not unknown


@pytest.mark.parametrize("factory", FACTORIES)
def test_keyword_set_matches_torch(factory):
    options = ["dtype", "device", "requires_grad", "layout", "pin_memory", "memory_format"]
    options += ["out", "generator"]
    mine = [o for o in options if accepts(rtorch, factory, o)]
    theirs = [o for o in options if accepts(torch, factory, o)]
    assert mine == theirs


REFUSED = {
    "pin_memory": lambda m: True,
    "dtype": lambda m: "float32",
    "device": lambda m: 1.5,
    "layout": lambda m: "strided",
    "memory_format": lambda m: 3,
}


@pytest.mark.parametrize("option", REFUSED)
@pytest.mark.parametrize("factory", FACTORIES)
def test_refused_value_raises_torchs_error(factory, option):
    if not accepts(torch, factory, option):
        pytest.skip(f"torch's {factory} has no {option}=")
    mine = outcome(lambda: run(rtorch, factory, **{option: REFUSED[option](rtorch)}))
    theirs = outcome(lambda: run(torch, factory, **{option: REFUSED[option](torch)}))
    assert theirs[0] != "ok"
    # torch's message for a function with overloads lists them all; only the type counts.
    if factory in OWN_MESSAGE and "invalid combination" not in theirs[1]:
        assert mine == theirs
    else:
        assert mine[0] == theirs[0]


# What PyTorch raises for a CUDA device where it has none: a CUDA build without a driver
# (rtorch's default build) or a CPU build.
NO_CUDA = {
    ("RuntimeError", "Found no NVIDIA driver on your system"),
    ("AssertionError", "Torch not compiled with CUDA enabled"),
}


@pytest.mark.parametrize("device", ["cuda", "cuda:0", 0])
@pytest.mark.parametrize("factory", FACTORIES)
def test_cuda_device_refused_without_cuda(factory, device):
    if rtorch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    if factory == "tensor" and device == 0:
        pytest.skip("torch's CPU build reads device=0 as an accelerator index")
    kind, msg = outcome(lambda: run(rtorch, factory, device=device))
    assert any(kind == k and msg.startswith(s) for k, s in NO_CUDA), (kind, msg)
    # The same call on torch's CPU build fails too (with its build's error).
    assert outcome(lambda: run(torch, factory, device=device))[0] != "ok"


@pytest.mark.parametrize("to", ["cuda", "cuda:0"])
def test_conversions_refuse_cuda(to):
    if rtorch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    x = rtorch.ones(2)
    for fn in (lambda: x.to(to), lambda: x.to(device=to), lambda: x.type("torch.cuda.FloatTensor")):
        kind, msg = outcome(fn)
        assert any(kind == k and msg.startswith(s) for k, s in NO_CUDA), (kind, msg)


# ----- options that are honoured -----


@pytest.mark.parametrize("factory", FACTORIES)
def test_defaults_and_explicit_options_match_torch(factory):
    for kw in ({}, {"dtype": "float64"}, {"requires_grad": True}):
        got = []
        for m in (rtorch, torch):
            k = dict(kw)
            if "dtype" in k:
                k["dtype"] = getattr(m, k["dtype"])
            kind, val = outcome(lambda: run(m, factory, **k))  # noqa: B023
            got.append(
                (kind, str(val.dtype), tuple(val.shape), val.requires_grad)
                if kind == "ok"
                else (kind,)
            )
        assert got[0] == got[1], (factory, kw)


def test_default_dtype_follows_set_default_dtype():
    old = rtorch.get_default_dtype()
    try:
        rtorch.set_default_dtype(rtorch.float64)
        x = rtorch.ones(2, dtype=rtorch.int32)
        assert rtorch.zeros(2).dtype == rtorch.float64
        assert rtorch.rand(2).dtype == rtorch.float64
        assert rtorch.arange(0.5, 2).dtype == rtorch.float64
        assert rtorch.arange(2).dtype == rtorch.int64
        assert rtorch.full((2,), 1.0).dtype == rtorch.float64
        assert rtorch.zeros_like(x).dtype == rtorch.int32
        assert x.new_zeros(2).dtype == rtorch.int32
    finally:
        rtorch.set_default_dtype(old)


# ----- memory formats -----


def formats(m):
    return {
        "contiguous_format": m.contiguous_format,
        "preserve_format": m.preserve_format,
        "channels_last": m.channels_last,
        "channels_last_3d": m.channels_last_3d,
    }


def test_memory_format_objects_match_torch():
    for name, f in formats(rtorch).items():
        assert repr(f) == repr(formats(torch)[name])
        assert type(f).__name__ == type(formats(torch)[name]).__name__


# Inputs by name: contiguous, already channels_last, transposed, a non-dense slice, other
# ranks, size-1 and empty dims.
INPUTS = {
    "nchw": lambda m: m.arange(120.0).reshape(2, 3, 4, 5),
    "nhwc": lambda m: m.arange(120.0).reshape(2, 3, 4, 5).contiguous(memory_format=m.channels_last),
    "transposed": lambda m: m.arange(120.0).reshape(2, 3, 4, 5).transpose(1, 3),
    "sliced": lambda m: m.arange(240.0).reshape(2, 3, 8, 5)[:, :, ::2],
    "sliced_nhwc": lambda m: (
        m.arange(240.0).reshape(2, 3, 8, 5).contiguous(memory_format=m.channels_last)[:, :, ::2]
    ),
    "ones_c": lambda m: m.arange(2.0).reshape(2, 1, 1, 1),
    "c1": lambda m: m.arange(40.0).reshape(2, 1, 4, 5),
    "empty": lambda m: m.ones(2, 0, 4, 5),
    "3d": lambda m: m.arange(24.0).reshape(2, 3, 4),
    "5d": lambda m: m.arange(720.0).reshape(2, 3, 4, 5, 6),
    "5d_t": lambda m: m.arange(720.0).reshape(2, 3, 4, 5, 6).permute(0, 2, 3, 4, 1),
}


def lib(x):
    return rtorch if isinstance(x, rtorch.Tensor) else torch


CONVERSIONS = {
    "contiguous": lambda x, f: x.contiguous(memory_format=f),
    "clone": lambda x, f: x.clone(memory_format=f),
    "to": lambda x, f: x.to(memory_format=f),
    "to_dtype": lambda x, f: x.to(lib(x).float64, memory_format=f),
    "to_copy": lambda x, f: x.to(copy=True, memory_format=f),
    "cpu": lambda x, f: x.cpu(memory_format=f),
    "empty_like": lambda x, f: lib(x).empty_like(x, memory_format=f),
    "zeros_like": lambda x, f: lib(x).zeros_like(x, memory_format=f),
    "full_like": lambda x, f: lib(x).full_like(x, 7.0, memory_format=f),
}


def describe(x, y):
    """What a conversion of `x` gave: strides, values, identity, contiguity."""
    return (
        tuple(y.shape),
        y.stride(),
        y is x,
        str(y.dtype),
        y.is_contiguous(),
        np.asarray(y.detach().numpy()).tolist(),
    )


@pytest.mark.parametrize(
    "fmt", ["contiguous_format", "preserve_format", "channels_last", "channels_last_3d"]
)
@pytest.mark.parametrize("conv", CONVERSIONS)
@pytest.mark.parametrize("inp", INPUTS)
def test_memory_format_conversions_match_torch(inp, conv, fmt):
    got = []
    for m in (rtorch, torch):
        x = INPUTS[inp](m)
        kind, y = outcome(lambda: CONVERSIONS[conv](x, formats(m)[fmt]))  # noqa: B023
        if kind != "ok":
            got.append((kind, y))
            continue
        if conv.endswith("_like") and conv != "full_like":
            y = y.zero_()  # empty_like's values are unspecified
        got.append(describe(x, y))
    assert got[0] == got[1]


@pytest.mark.parametrize(
    "fmt", ["contiguous_format", "preserve_format", "channels_last", "channels_last_3d"]
)
@pytest.mark.parametrize("inp", INPUTS)
def test_is_contiguous_matches_torch(inp, fmt):
    mine = INPUTS[inp](rtorch).is_contiguous(memory_format=formats(rtorch)[fmt])
    assert mine == INPUTS[inp](torch).is_contiguous(memory_format=formats(torch)[fmt])


@pytest.mark.parametrize(
    "fmt", ["contiguous_format", "preserve_format", "channels_last", "channels_last_3d"]
)
@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (2, 3, 4, 5, 6), (2, 0, 4, 5), (2, 1, 1, 5), (3,)])
def test_empty_with_memory_format_matches_torch(shape, fmt):
    got = [
        outcome(lambda: m.empty(*shape, memory_format=formats(m)[fmt]).stride())  # noqa: B023
        for m in (rtorch, torch)
    ]
    assert got[0] == got[1]


@pytest.mark.parametrize("sampler", ["rand_like", "randn_like", "randint_like"])
def test_samplers_like_keep_channels_last(sampler):
    for m in (rtorch, torch):
        x = INPUTS["nhwc"](m)
        args = (5,) if sampler == "randint_like" else ()
        assert getattr(m, sampler)(x, *args).stride() == (60, 1, 15, 3)
        y = getattr(m, sampler)(INPUTS["nchw"](m), *args, memory_format=m.channels_last)
        assert y.stride() == (60, 1, 15, 3)


def test_gradients_through_channels_last_match_torch():
    grads = []
    for m in (rtorch, torch):
        x = m.arange(120.0, dtype=m.float64).reshape(2, 3, 4, 5).requires_grad_()
        w = m.arange(120.0, dtype=m.float64).reshape(2, 3, 4, 5).sin()
        y = x.contiguous(memory_format=m.channels_last)
        z = y.clone(memory_format=m.contiguous_format).to(memory_format=m.channels_last)
        assert type(y.grad_fn).__name__ == "CloneBackward0"
        assert type(z.grad_fn).__name__ == "ToCopyBackward0"
        (z * w).sum().backward()
        # NOTE: the gradient is w exactly, whatever the layouts; compared with w rather than
        # with torch's, which would ask for float64 sin bit-identical to torch's.
        assert x.grad.numpy().tolist() == w.numpy().tolist()
        grads.append((y.stride(), z.stride()))
    assert grads[0] == grads[1]


# ----- to(): non_blocking and copy -----


def test_to_non_blocking_and_copy_match_torch():
    calls = [
        lambda m, x: x.to(m.float32, non_blocking=True) is x,
        lambda m, x: x.to(m.float32, copy=True) is x,
        lambda m, x: x.to(copy=True).data_ptr() == x.data_ptr(),
        lambda m, x: x.to("cpu", m.float32, True) is x,
        lambda m, x: x.to("cpu", m.float32, True, True) is x,
        lambda m, x: x.to(m.float32, False, True) is x,
        lambda m, x: x.to(x, True, True) is x,
        lambda m, x: x.to(m.float64, non_blocking=True).dtype,
        lambda m, x: x.type(m.float64, non_blocking=True).dtype,
        lambda m, x: x.type(m.float32, True) is x,
        lambda m, x: type(x.requires_grad_().to(copy=True).grad_fn).__name__,
    ]
    for call in calls:
        assert str(call(rtorch, rtorch.ones(2, 3))) == str(call(torch, torch.ones(2, 3)))


def test_copy_true_copies():
    x = rtorch.ones(2, 3)
    y = x.to(copy=True)
    y.add_(1)
    assert x.sum().item() == 6 and y.sum().item() == 12


# ----- from the first options suite -----

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


@pytest.mark.parametrize("call", SAME)
def test_option_matches_torch(call):
    def result(m):
        return outcome(lambda: str(eval(call, {"m": m, "x": m.ones(2, 3)})))

    assert result(rtorch) == result(torch)


def test_full_like_keeps_negative_zero():
    # calloc gives +0.0: only all-zero bits may take the zeroed-allocation path.
    for fmt in ("preserve_format", "channels_last"):
        mine = rtorch.full_like(rtorch.ones(1, 2, 2, 2), -0.0, memory_format=formats(rtorch)[fmt])
        theirs = torch.full_like(torch.ones(1, 2, 2, 2), -0.0, memory_format=formats(torch)[fmt])
        assert np.signbit(theirs.numpy()).all()
        assert np.signbit(mine.numpy()).all()

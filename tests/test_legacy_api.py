"""The everyday module-level API (issue 9, 3b) against torch: finfo/iinfo, the default
device, the deterministic flags, `backends`, `accelerator`, and the 2018-era names
(typed tensor classes, `Variable`, `Tensor.new`, `x.type(...)`,
`set_default_tensor_type`)."""

import re
import warnings

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = pytest.mark.skipif(
    rtorch is None or torch is None, reason="needs rtorch and torch (the oracle)"
)

FLOATS = ["float16", "bfloat16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]


@pytest.mark.parametrize("name", FLOATS)
def test_finfo_matches_torch(name):
    got, want = rtorch.finfo(getattr(rtorch, name)), torch.finfo(getattr(torch, name))
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(got, attr) == getattr(want, attr), attr
        assert type(getattr(got, attr)) is type(getattr(want, attr)), attr
    assert repr(got) == repr(want)


@pytest.mark.parametrize("name", INTS)
def test_iinfo_matches_torch(name):
    got, want = rtorch.iinfo(getattr(rtorch, name)), torch.iinfo(getattr(torch, name))
    assert (got.bits, got.min, got.max, got.dtype) == (want.bits, want.min, want.max, want.dtype)
    assert repr(got) == repr(want)


def test_info_defaults_and_errors():
    assert repr(rtorch.finfo()) == repr(torch.finfo())
    for call in (
        lambda m: m.finfo(m.int32),
        lambda m: m.iinfo(m.float32),
        lambda m: m.iinfo(m.bool),
    ):
        with pytest.raises(TypeError) as want:
            call(torch)
        with pytest.raises(TypeError, match=re.escape(str(want.value))):
            call(rtorch)


def test_default_device_and_deterministic_flags():
    assert str(rtorch.get_default_device()) == str(torch.get_default_device()) == "cpu"
    rtorch.set_default_device("cpu")
    assert str(rtorch.get_default_device()) == "cpu"
    rtorch.set_default_device(None)
    assert not rtorch.are_deterministic_algorithms_enabled()
    assert not rtorch.is_deterministic_algorithms_warn_only_enabled()
    try:
        rtorch.use_deterministic_algorithms(True, warn_only=True)
        assert rtorch.are_deterministic_algorithms_enabled()
        assert rtorch.is_deterministic_algorithms_warn_only_enabled()
    finally:
        rtorch.use_deterministic_algorithms(False)
    with pytest.raises(TypeError) as want:
        torch.use_deterministic_algorithms(1)
    with pytest.raises(TypeError, match=re.escape(str(want.value))):
        rtorch.use_deterministic_algorithms(1)


def test_backends_and_accelerator():
    cudnn = rtorch.backends.cudnn
    for flag in ("deterministic", "benchmark", "enabled"):
        assert getattr(cudnn, flag) == getattr(torch.backends.cudnn, flag)
    old = cudnn.deterministic
    cudnn.deterministic = True
    assert rtorch.backends.cudnn.deterministic is True
    cudnn.deterministic = old
    assert cudnn.is_available() is False
    assert rtorch.backends.mps.is_available() is False
    assert rtorch.accelerator.is_available() is torch.accelerator.is_available() is False
    assert rtorch.accelerator.current_accelerator() is None


LEGACY = {
    "FloatTensor": "float32",
    "DoubleTensor": "float64",
    "HalfTensor": "float16",
    "BFloat16Tensor": "bfloat16",
    "LongTensor": "int64",
    "IntTensor": "int32",
    "ShortTensor": "int16",
    "CharTensor": "int8",
    "ByteTensor": "uint8",
    "BoolTensor": "bool",
}


@pytest.mark.parametrize("name", sorted(LEGACY))
def test_legacy_types_construct_and_check_like_torch(name):
    ours, theirs = getattr(rtorch, name), getattr(torch, name)
    assert repr(ours) == repr(theirs)
    dtype = getattr(rtorch, LEGACY[name])
    for args in [(2, 3), ([1, 0, 1],), (), (rtorch.Size([2, 2]),)]:
        targs = tuple(torch.Size(a) if isinstance(a, rtorch.Size) else a for a in args)
        got, want = ours(*args), theirs(*targs)
        assert got.dtype == dtype and tuple(got.shape) == tuple(want.shape)
        if args and isinstance(args[0], list):
            np.testing.assert_array_equal(got.float().numpy(), want.float().numpy())
    for other in LEGACY.values():
        x = rtorch.zeros(2, dtype=getattr(rtorch, other))
        assert isinstance(x, ours) == (other == LEGACY[name])
    assert not issubclass(ours, rtorch.Tensor)
    assert rtorch.zeros(2, dtype=dtype).type() == f"torch.{name}"


def test_legacy_tensor_constructor_type_and_new():
    assert tuple(rtorch.Tensor(3, 4).shape) == (3, 4)
    np.testing.assert_array_equal(rtorch.Tensor([1, 2]).numpy(), [1.0, 2.0])
    x = rtorch.ones(2, 3)
    assert x.type() == "torch.FloatTensor"
    assert x.type("torch.DoubleTensor").dtype == rtorch.float64
    assert x.type(rtorch.float64).dtype == rtorch.float64
    assert x.type(rtorch.LongTensor).dtype == rtorch.int64
    assert x.type(rtorch.FloatTensor) is x
    assert tuple(x.new(2).shape) == (2,) and x.new(2).dtype == x.dtype
    assert x.new([1, 2]).dtype == rtorch.float32
    assert tuple(x.new().shape) == (0,)
    assert tuple(x.new(rtorch.Size([2, 2])).shape) == (2, 2)
    assert x[1:].storage_offset() == torch.ones(2, 3)[1:].storage_offset() == 3


def test_variable_and_default_tensor_type_warn_like_torch():
    t = rtorch.ones(2)
    v = rtorch.autograd.Variable(t)
    assert isinstance(v, rtorch.Tensor) and v is not t and not v.requires_grad
    assert v.data_ptr() == t.data_ptr()
    assert isinstance(t, rtorch.autograd.Variable)
    assert rtorch.autograd.Variable(t, requires_grad=True).requires_grad
    with pytest.warns(UserWarning, match="volatile was removed and now has no effect"):
        rtorch.autograd.Variable(t, volatile=True)
    with pytest.raises(TypeError, match="Variable data has to be a tensor, but got list"):
        rtorch.autograd.Variable([1, 2])

    import rtorch._legacy as legacy

    legacy._default_type_warned = False
    try:
        with pytest.warns(UserWarning, match="set_default_tensor_type\\(\\) is deprecated"):
            rtorch.set_default_tensor_type("torch.DoubleTensor")
        assert rtorch.get_default_dtype() == rtorch.float64
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # once per process, as torch
            rtorch.set_default_tensor_type(rtorch.FloatTensor)
        assert rtorch.get_default_dtype() == rtorch.float32
        with pytest.raises(TypeError, match="only floating-point types"):
            rtorch.set_default_tensor_type(rtorch.LongTensor)
    finally:
        rtorch.set_default_dtype(rtorch.float32)
    assert rtorch.is_storage(t) is torch.is_storage(torch.ones(2)) is False

"""The 2018-era tensor API that old PyTorch code still uses: the typed tensor classes
(`FloatTensor`…), `set_default_tensor_type`, `Tensor.new` and `autograd.Variable`.

NOTE [ Legacy tensor types ]: as in PyTorch, `FloatTensor` is not a subclass of
`Tensor` but an instance of the metaclass `tensortype`: calling it constructs a tensor
of its dtype on the CPU, and `isinstance(x, FloatTensor)` asks whether `x` is a CPU
tensor of that dtype (so a float64 tensor is not a FloatTensor)."""

import warnings

from . import _C
from ._C import Tensor
from ._size import Size


def _from_args(dtype, device, args, op):
    """What PyTorch's legacy constructors accept: sizes (ints or one Size), a sequence
    of data, a tensor of the same dtype (returned as an alias), or nothing."""
    if not args:
        return _C.empty(0, dtype=dtype, device=device)
    if len(args) == 1:
        (a,) = args
        if isinstance(a, Tensor):
            if a.dtype != dtype:
                raise TypeError(
                    f"{op}: expected a tensor of dtype {dtype}, got {a.dtype} (PyTorch reports "
                    "the two TensorOptions)"
                )
            return a.detach()
        if isinstance(a, Size):
            return _C.empty(tuple(a), dtype=dtype, device=device)
        if not isinstance(a, int) and hasattr(a, "__len__"):
            return _C.tensor(a, dtype=dtype, device=device)
    if all(isinstance(a, int) for a in args):
        return _C.empty(args, dtype=dtype, device=device)
    raise TypeError(
        f"{op}() received an invalid combination of arguments - got "
        f"({', '.join(type(a).__name__ for a in args)})"
    )


class tensortype(type):
    """The metaclass of the legacy typed tensor classes (NOTE [ Legacy tensor types ])."""

    def __call__(cls, *args, device=None):
        return _from_args(cls.dtype, device, args, cls.__name__)

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype and obj.device.type == "cpu"

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"


def _legacy_type(name, dtype):
    return tensortype(name, (), {"dtype": dtype, "is_cuda": False, "__module__": "torch"})


FloatTensor = _legacy_type("FloatTensor", _C.float32)
DoubleTensor = _legacy_type("DoubleTensor", _C.float64)
HalfTensor = _legacy_type("HalfTensor", _C.float16)
BFloat16Tensor = _legacy_type("BFloat16Tensor", _C.bfloat16)
LongTensor = _legacy_type("LongTensor", _C.int64)
IntTensor = _legacy_type("IntTensor", _C.int32)
ShortTensor = _legacy_type("ShortTensor", _C.int16)
CharTensor = _legacy_type("CharTensor", _C.int8)
ByteTensor = _legacy_type("ByteTensor", _C.uint8)
BoolTensor = _legacy_type("BoolTensor", _C.bool)

LEGACY_TYPES = {
    f"torch.{t.__name__}": t
    for t in (
        FloatTensor,
        DoubleTensor,
        HalfTensor,
        BFloat16Tensor,
        LongTensor,
        IntTensor,
        ShortTensor,
        CharTensor,
        ByteTensor,
        BoolTensor,
    )
}

_default_type_warned = False


def set_default_tensor_type(t):
    """set_default_tensor_type(t) -> None

    Deprecated (PyTorch 2.1): sets the default floating dtype from a legacy type or its
    name (``'torch.DoubleTensor'``). Use ``set_default_dtype`` instead.
    """
    global _default_type_warned
    if not _default_type_warned:
        _default_type_warned = True
        warnings.warn(
            "torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
            "torch.set_default_dtype() and torch.set_default_device() as alternatives.",
            UserWarning,
            stacklevel=2,
        )
    if isinstance(t, str):
        if t not in LEGACY_TYPES:
            raise TypeError(f"invalid type: '{t}'")
        t = LEGACY_TYPES[t]
    if not isinstance(t, tensortype):
        raise TypeError("invalid type object")
    if not t.dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _C.set_default_dtype(t.dtype)


def new(self, *args, dtype=None, device=None):
    """new(*args, dtype=None, device=None) -> Tensor

    The legacy constructor with this tensor's dtype and device: ``new(2, 3)`` is an
    uninitialized 2x3 tensor, ``new([1, 2])`` a tensor of that data, ``new()`` an empty
    one.
    """
    dtype = self.dtype if dtype is None else dtype
    device = self.device if device is None else device
    return _from_args(dtype, device, args, "new")


class _VariableMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor)


class Variable(metaclass=_VariableMeta):
    """Variable(data=None, requires_grad=False, volatile=False) -> Tensor

    Deprecated since PyTorch 0.4, where variables and tensors merged: returns a tensor
    sharing ``data``'s memory, with ``requires_grad`` set. ``volatile`` has no effect
    (PyTorch's warning says to use ``no_grad``).
    """

    def __new__(cls, data=None, requires_grad=False, volatile=False):
        if volatile:
            warnings.warn(
                "volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                UserWarning,
                stacklevel=2,
            )
        if data is None:
            data = _C.empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        out = data.detach()
        if requires_grad:
            out.requires_grad_(True)
        return out


def is_storage(obj):
    """is_storage(obj) -> bool

    True if ``obj`` is a storage object. rtorch has no Python storage objects (a
    tensor's memory is reached through the tensor), so this is always False.
    """
    return False


Tensor.new = new

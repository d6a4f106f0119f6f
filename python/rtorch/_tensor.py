"""Tensor behaviour written in Python (attached to the Rust class `rtorch._C.Tensor`):
printing, iteration, backward and hooks, the `new_*` constructors, `type()`, `H`/`mH`/`mT`
and pickling."""

import operator
import warnings

from . import _C
from ._C import Tensor
from ._random import METHODS as _RANDOM_METHODS


def _repr(self, *, tensor_contents=None):
    # Imported lazily: printing needs NumPy, `import rtorch` should not.
    from ._tensor_str import tensor_repr

    return tensor_repr(self)


def _iter(self):
    if self.dim() == 0:
        raise TypeError("iteration over a 0-d tensor")
    return iter(self.unbind(0))


def _array_wrap(self, array, context=None, return_scalar=False):
    # NumPy computed `tensor op ndarray` (the operator gave NotImplemented); the result
    # becomes a tensor again. Bool arrays come back as uint8, as in PyTorch.
    if array.dtype == bool:
        array = array.astype("uint8")
    return _C.from_numpy(array)


def _format(self, spec):
    if self.dim() == 0:
        return self.item().__format__(spec)
    return object.__format__(self, spec)


def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """backward(gradient=None, retain_graph=None, create_graph=False, inputs=None) -> None

    Computes the gradient of this tensor with respect to the leaves of its graph and
    accumulates it into their ``.grad`` (``rtorch.autograd.backward(self, ...)``). A tensor
    of more than one element needs ``gradient``, the gradient of some scalar with respect
    to it. The graph is freed afterwards unless ``retain_graph`` is True.

    Args:
        gradient (Tensor, optional): the gradient with respect to this tensor.
        retain_graph (bool, optional): keep the graph for another backward
            (``create_graph`` by default).
        create_graph (bool): record the backward pass, for higher-order gradients.
        inputs (sequence of Tensors, optional): accumulate only into these tensors.

    Example::

        >>> w = rtorch.tensor([1., 2., 3.], requires_grad=True)
        >>> loss = (w * w).sum()
        >>> loss.backward()
        >>> w.grad
        tensor([2., 4., 6.])
    """
    from .autograd import backward as _backward

    _backward(self, gradient, retain_graph, create_graph, inputs=inputs)


class RemovableHandle:
    """Returned by `register_hook`; `remove()` unregisters the hook."""

    def __init__(self, tensor, hook_id, is_leaf):
        self._tensor, self.id, self._is_leaf = tensor, hook_id, is_leaf

    def remove(self):
        if self._tensor is not None:
            self._tensor._remove_hook(self.id, self._is_leaf)
            self._tensor = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register_hook(self, hook):
    """register_hook(hook) -> RemovableHandle

    Registers ``hook(grad) -> Tensor or None``, called with this tensor's gradient each time
    it is computed; a returned tensor replaces the gradient. ``handle.remove()`` removes it.

    Args:
        hook (callable): the function to call.
    """
    hook_id, is_leaf = self._register_hook(hook)
    return RemovableHandle(self, hook_id, is_leaf)


def new_empty_strided(
    self,
    size,
    stride,
    *,
    dtype=None,
    device=None,
    requires_grad=False,
    layout=None,
    pin_memory=False,
):
    """new_empty_strided(size, stride, *, dtype=None, device=None, requires_grad=False, layout=rtorch.strided, pin_memory=False) -> Tensor

    ``rtorch.empty_strided(size, stride)`` with this tensor's dtype and device unless
    given.
    """
    return _C.empty_strided(
        size,
        stride,
        dtype=self.dtype if dtype is None else dtype,
        device=self.device if device is None else device,
        requires_grad=requires_grad,
        layout=layout,
        pin_memory=pin_memory,
    )


def _new(factory):
    # dtype and device default to this tensor's; the factory checks every option (an
    # unavailable device, pin_memory, layout) as it does for itself.
    def method(
        self,
        *args,
        size=None,
        dtype=None,
        device=None,
        requires_grad=False,
        layout=None,
        pin_memory=False,
    ):
        if size is not None:
            if args:
                raise TypeError(f"{method.__name__}() got multiple values for argument 'size'")
            args = (size,)
        elif not args:
            raise TypeError(f'{method.__name__}() missing 1 required positional arguments: "size"')
        return factory(
            *args,
            dtype=self.dtype if dtype is None else dtype,
            device=self.device if device is None else device,
            requires_grad=requires_grad,
            layout=layout,
            pin_memory=pin_memory,
        )

    method.__name__ = method.__qualname__ = "new_" + factory.__name__
    method.__doc__ = (
        f"new_{factory.__name__}(size, *, dtype=None, device=None, requires_grad=False, "
        "layout=torch.strided, pin_memory=False) -> Tensor"
        f"\n\nA tensor like ``rtorch.{factory.__name__}(size)`` with this tensor's dtype and "
        "device unless given.\n\nArgs:\n    size (ints or tuple of ints): the shape.\n"
    )
    return method


def new_full(
    self,
    size,
    fill_value,
    *,
    dtype=None,
    device=None,
    requires_grad=False,
    layout=None,
    pin_memory=False,
):
    """new_full(size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=torch.strided, pin_memory=False) -> Tensor

    ``rtorch.full(size, fill_value)`` with this tensor's dtype and device unless given.
    """
    return _C.full(
        size,
        fill_value,
        dtype=self.dtype if dtype is None else dtype,
        device=self.device if device is None else device,
        requires_grad=requires_grad,
        layout=layout,
        pin_memory=pin_memory,
    )


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    """new_tensor(data, *, dtype=None, device=None, requires_grad=False) -> Tensor

    ``rtorch.tensor(data)`` (a copy) with this tensor's dtype and device unless given.
    """
    return _C.tensor(
        data,
        dtype=self.dtype if dtype is None else dtype,
        device=self.device if device is None else device,
        requires_grad=requires_grad,
    )


def uniform_(self, a=0.0, b=1.0, *, generator=None, **kw):
    """uniform_(from=0, to=1, *, generator=None) -> Tensor

    Fills this tensor with samples from the uniform distribution on [``from``, ``to``).
    """
    a, b = kw.pop("from", a), kw.pop("to", b)
    _no_extra_kwargs("uniform_", kw)
    _C._uniform_(self, float(a), float(b), generator)
    return self


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """normal_(mean=0, std=1, *, generator=None) -> Tensor

    Fills this tensor with samples from the normal distribution of ``mean`` and ``std``.
    """
    _C._normal_(self, float(mean), float(std), generator)
    return self


def random_(self, *args, generator=None, **kw):
    """random_(from=0, to=None, *, generator=None) -> Tensor

    Fills this tensor with integers drawn uniformly from [``from``, ``to``); without ``to``
    up to the dtype's largest value (2**mantissa for floats). ``random_(to)`` is also
    accepted.
    """
    # torch's three overloads: random_(), random_(to), random_(from, to=None).
    if "from" in kw:
        args = (kw.pop("from"), kw.pop("to", None)) + args
    elif "to" in kw:
        args = args + (kw.pop("to"),) if args else (0, kw.pop("to"))
    _no_extra_kwargs("random_", kw)
    if len(args) > 2:
        raise TypeError(f"random_() takes at most 2 arguments ({len(args)} given)")
    if not args:
        _C._random_(self, generator=generator)
    elif len(args) == 1:
        _C._random_(self, to=_index(args[0], "to"), generator=generator)
    else:
        to = None if args[1] is None else _index(args[1], "to")
        _C._random_(self, _index(args[0], "from"), to, generator)
    return self


def _index(v, name):
    try:
        return operator.index(v)
    except TypeError:
        raise TypeError(
            f"random_(): argument '{name}' must be int, not {type(v).__name__}"
        ) from None


def _no_extra_kwargs(op, kw):
    if kw:
        raise TypeError(f"{op}() got an unexpected keyword argument '{next(iter(kw))}'")


def bernoulli_(self, p=0.5, *, generator=None):
    """bernoulli_(p=0.5, *, generator=None) -> Tensor

    Fills this tensor with 1 with probability ``p`` (a number or a tensor) and 0 otherwise.
    """
    _C._bernoulli_(self, p, generator)
    return self


def _bernoulli(self, p=None, *, generator=None):
    """bernoulli(p=None, *, generator=None) -> Tensor

    The method form of ``rtorch.bernoulli(self, p)``.
    """
    return _C.bernoulli(self, None if p is None else float(p), generator=generator)


def type_as(self, other):
    """type_as(other) -> Tensor

    This tensor converted to ``other``'s dtype (``self.to(other.dtype)``).
    """
    return self.to(other.dtype)


_type_name = Tensor.type  # the Rust method: 'torch.FloatTensor' for a float32 tensor
_DTYPES = [_C.bool, _C.uint8, _C.int8, _C.int16, _C.int32, _C.int64]
_DTYPES += [_C.float16, _C.bfloat16, _C.float32, _C.float64]
_LEGACY_TYPES = {_type_name(_C.empty(0, dtype=d)): d for d in _DTYPES}


def _type(self, dtype=None, non_blocking=False):
    """type(dtype=None, non_blocking=False) -> str or Tensor

    With no argument the legacy type name (``'torch.FloatTensor'``); else this tensor
    converted to a dtype or a legacy type name (itself when nothing changes).
    """
    if dtype is None:
        return _type_name(self)
    device = None
    if isinstance(dtype, str):
        name = dtype
        if name.startswith("torch.cuda."):
            name, device = "torch." + name[len("torch.cuda.") :], "cuda"
        if name not in _LEGACY_TYPES:
            raise ValueError(f"invalid type: '{dtype}'")
        dtype = _LEGACY_TYPES[name]
    elif isinstance(getattr(dtype, "dtype", None), _C.dtype) and isinstance(dtype, type):
        dtype = dtype.dtype  # a legacy type class (`x.type(rtorch.DoubleTensor)`)
    elif not isinstance(dtype, _C.dtype):
        raise TypeError("dtype must be a type, str, or dtype object")
    if device is None and dtype == self.dtype:
        return self
    return self.to(dtype=dtype, device=device)


_mT = Tensor.mT  # the Rust property


def _deprecated_on_0d(attr, advice):
    warnings.warn(f"Tensor.{attr} is deprecated on 0-D tensors. {advice}", stacklevel=3)


def _matrix_transpose(self):
    if self.dim() == 0:
        _deprecated_on_0d("mT", "This function is the identity in these cases.")
        return self
    return _mT.__get__(self)


def _adjoint(self):
    # The conjugate transpose; every rtorch dtype is real, so the plain transpose.
    if self.dim() == 0:
        _deprecated_on_0d("mH", "Consider using x.conj().")
        return self
    if self.dim() < 2:
        raise RuntimeError(
            "tensor.mH is only supported on matrices or batches of matrices. "
            f"Got {self.dim()}-D tensor."
        )
    return _mT.__get__(self)


def _adjoint_2d(self):
    if self.dim() == 0:
        _deprecated_on_0d("H", "Consider using x.conj().")
        return self
    if self.dim() != 2:
        hint = " For batches of matrices, consider using tensor.mH" if self.dim() > 2 else ""
        raise RuntimeError(
            f"tensor.H is only supported on matrices (2-D tensors). Got {self.dim()}-D tensor."
            + hint
        )
    return _mT.__get__(self)


def _contains(self, element):
    return (self == element).any().item()


def _reversed(self):
    return self.flip(0) if self.dim() > 0 else self


def _copy(self):
    # copy.copy: a new leaf on the same data, as in PyTorch.
    alias = self.detach()
    return alias.requires_grad_() if self.requires_grad else alias


def _deepcopy(self, memo):
    # As torch: leaves only; the copy gets its own data, requires_grad, a deep copy of
    # .grad and of the Python attributes.
    import copy

    if id(self) in memo:
        return memo[id(self)]
    if not self.is_leaf:
        raise RuntimeError(
            "Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
            "protocol at the moment.  If you were attempting to deepcopy a module, this may "
            "be because of a torch.nn.utils.weight_norm usage, see "
            "https://github.com/pytorch/pytorch/pull/103001"
        )
    new = self.detach().clone()
    new.requires_grad_(self.requires_grad)
    memo[id(self)] = new
    if self.grad is not None:
        new.grad = copy.deepcopy(self.grad, memo)
    for name, value in getattr(self, "__dict__", {}).items():
        setattr(new, name, copy.deepcopy(value, memo))
    return new


def _reduce_ex(self, protocol):
    # Pickled by value: a C-contiguous NumPy copy of the data (a view pickles as an independent
    # tensor), the dtype's name and requires_grad. bfloat16, which NumPy lacks, travels as its
    # bit patterns (the high halves of the exactly equal float32 values).
    import numpy as np

    data = self.detach()
    if data.dtype == _C.bfloat16:
        array = (data.float().numpy().view(np.uint32) >> 16).astype(np.uint16)
    else:
        array = np.array(data.numpy(), order="C")
    return _rebuild_tensor, (array, str(self.dtype).rsplit(".", 1)[-1], self.requires_grad)


def _rebuild_tensor(array, dtype_name, requires_grad):
    import numpy as np

    if dtype_name == "bfloat16":
        array = (array.astype(np.uint32) << 16).view(np.float32)
    tensor = _C.from_numpy(array).to(getattr(_C, dtype_name))
    return tensor.requires_grad_() if requires_grad else tensor


def _wrap_dim(d, nd):
    lo, hi = -max(nd, 1), max(nd, 1) - 1
    if not lo <= d <= hi:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {d})"
        )
    return d % max(nd, 1)


def movedim(self, source, destination):
    """movedim(input, source, destination) -> Tensor

    A view of ``input`` with the dimensions ``source`` (an int or a tuple) moved to the
    positions ``destination``; the others keep their order. ``moveaxis`` is an alias.
    """
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({src} dims) should contain "
            f"the same number of dims as destination ({dst} dims)"
        )
    nd = self.dim()
    s = [_wrap_dim(d, nd) for d in src]
    d = [_wrap_dim(x, nd) for x in dst]
    for name, dims, given in (("source", s, src), ("destination", d, dst)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({given})")
    if nd == 0:
        return self.permute(())  # 0 and -1 both name the one position of a 0-dim tensor
    order = [None] * nd
    for a, b in zip(s, d):
        order[b] = a
    rest = iter(i for i in range(nd) if i not in s)
    return self.permute([o if o is not None else next(rest) for o in order])


def _generic_inplace(name):
    def method(self, *args, **kwargs):
        dtype = kwargs.get("dtype")
        if dtype is not None and dtype != self.dtype:
            raise RuntimeError(
                f"Bad in-place call: input tensor dtype {self.dtype} and output tensor dtype "
                f"{dtype} should match"
            )
        if name in ("cumsum", "cumprod") and self.dtype == _C.bool:
            if self.dim() == 0 or self.numel() == 0:
                return self  # nothing to scan beyond the element itself
            raise NotImplementedError(f"\"{name}_out_cpu\" not implemented for 'Bool'")
        return self._apply_inplace(name, lambda x: getattr(Tensor, name)(x, *args, **kwargs))

    method.__name__ = name + "_"
    method.__doc__ = (
        f"{name}_(*args, **kwargs) -> Tensor\n\nIn-place form of ``Tensor.{name}``: the same "
        "arguments, the result written into this tensor, which is returned."
    )
    return method


# In-place variants without a dedicated kernel: out of place, then written back.
_GENERIC_INPLACE = [
    "nan_to_num",
    "cumsum",
    "cumprod",
    "addmm",
    "addmv",
    "addr",
    "addbmm",
    "baddbmm",
    "lerp",
    "clip",
]


def swapdims(self, dim0, dim1):
    """swapdims(input, dim0, dim1) -> Tensor

    Alias of ``transpose``."""
    return self.transpose(dim0, dim1)


def is_shared(self):
    """is_shared() -> bool

    Whether the storage is in shared memory: always False in rtorch."""
    return False


def _init(self, *args, **kwargs):
    # `Tensor.__new__` (the legacy constructor, subclasses) cannot know its own object;
    # here the object becomes the one the engine hands back for this tensor.
    self._register()


_METHODS = {
    "__init__": _init,
    "__repr__": _repr,
    "__str__": _repr,
    "__iter__": _iter,
    "__format__": _format,
    "__contains__": _contains,
    "__reversed__": _reversed,
    "__copy__": _copy,
    "__deepcopy__": _deepcopy,
    "__reduce_ex__": _reduce_ex,
    "__array_priority__": 1000,
    "__array_wrap__": _array_wrap,
    "backward": backward,
    "register_hook": register_hook,
    "type": _type,
    "mT": property(_matrix_transpose),
    "mH": property(_adjoint),
    "H": property(_adjoint_2d),
    "new_zeros": _new(_C.zeros),
    "new_ones": _new(_C.ones),
    "new_empty": _new(_C.empty),
    "new_empty_strided": new_empty_strided,
    "new_full": new_full,
    "new_tensor": new_tensor,
    "uniform_": uniform_,
    "normal_": normal_,
    "random_": random_,
    "bernoulli_": bernoulli_,
    "bernoulli": _bernoulli,
    "type_as": type_as,
    "movedim": movedim,
    "moveaxis": movedim,
    "swapdims": swapdims,
    "is_shared": is_shared,
    "layout": property(lambda self: __import__("rtorch").strided),
}

_METHODS.update(_RANDOM_METHODS)
for _name, _value in _METHODS.items():
    setattr(Tensor, _name, _value)
for _name in _GENERIC_INPLACE:
    if hasattr(Tensor, _name) and not hasattr(Tensor, _name + "_"):
        setattr(Tensor, _name + "_", _generic_inplace(_name))

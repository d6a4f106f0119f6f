"""Tensor behaviour written in Python (attached to the Rust class `rtorch._C.Tensor`):
printing, iteration, backward and hooks, and the `new_*` constructors."""

from . import _C
from ._C import Tensor


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
    """Computes the gradient of this tensor w.r.t. graph leaves (see `autograd.backward`)."""
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
    """Registers `hook(grad) -> Tensor or None`, run when this tensor's gradient is computed."""
    hook_id, is_leaf = self._register_hook(hook)
    return RemovableHandle(self, hook_id, is_leaf)


def _new(factory):
    def method(self, *size, dtype=None, device=None, requires_grad=False, **kw):
        return factory(*size, dtype=dtype or self.dtype, requires_grad=requires_grad, **kw)

    return method


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    return _C.full(size, fill_value, dtype=dtype or self.dtype, requires_grad=requires_grad)


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    return _C.tensor(data, dtype=dtype or self.dtype, requires_grad=requires_grad)


def uniform_(self, a=0.0, b=1.0, *, generator=None):
    _C._sample_(self, "uniform", float(a), float(b), generator)
    return self


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    _C._sample_(self, "normal", float(mean), float(std), generator)
    return self


def random_(self, from_=0, to=None, *, generator=None):
    if to is None and from_ != 0:
        from_, to = 0, from_
    _C._sample_(self, "random", float(from_), None if to is None else float(to), generator)
    return self


def bernoulli_(self, p=0.5, *, generator=None):
    probs = p if isinstance(p, Tensor) else _C.full(self.shape, float(p), dtype=_C.float64)
    self.copy_(_C.bernoulli(probs.double().expand(*self.shape), generator=generator))
    return self


def _bernoulli(self, p=None, *, generator=None):
    return _C.bernoulli(self if p is None else _C.full(self.shape, float(p)), generator=generator)


def type_as(self, other):
    return self.to(other.dtype)


def _contains(self, element):
    return (self == element).any().item()


def _reversed(self):
    return self.flip(0) if self.dim() > 0 else self


def _deepcopy(self, memo):
    new = self.detach().clone()
    new.requires_grad_(self.requires_grad)
    memo[id(self)] = new
    return new


def _wrap_dim(d, nd):
    lo, hi = -max(nd, 1), max(nd, 1) - 1
    if not lo <= d <= hi:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {d})"
        )
    return d % max(nd, 1)


def movedim(self, source, destination):
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
    "addcmul",
    "addcdiv",
    "lerp",
    "clamp_min",
    "clamp_max",
    "clip",
]

_METHODS = {
    "__repr__": _repr,
    "__str__": _repr,
    "__iter__": _iter,
    "__format__": _format,
    "__contains__": _contains,
    "__reversed__": _reversed,
    "__deepcopy__": _deepcopy,
    "__array_priority__": 1000,
    "__array_wrap__": _array_wrap,
    "backward": backward,
    "register_hook": register_hook,
    "new_zeros": _new(_C.zeros),
    "new_ones": _new(_C.ones),
    "new_empty": _new(_C.empty),
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
    "swapdims": lambda self, dim0, dim1: self.transpose(dim0, dim1),
    "is_shared": lambda self: False,
    "layout": property(lambda self: __import__("rtorch").strided),
}

for _name, _value in _METHODS.items():
    setattr(Tensor, _name, _value)
for _name in _GENERIC_INPLACE:
    if hasattr(Tensor, _name) and not hasattr(Tensor, _name + "_"):
        setattr(Tensor, _name + "_", _generic_inplace(_name))

"""repeat_interleave and combinations, composed of engine ops as PyTorch composes them
(its CompositeImplicit forms), so their autograd graphs are the same nodes as torch's:
an int ``repeats`` is unsqueeze, expand, clone and view (ViewBackward0 on top); a tensor
``repeats`` is index_select with an index built from the counts (IndexSelectBackward0);
combinations is meshgrid, masked_select and stack (StackBackward0)."""

import builtins
import itertools

from . import _C
from ._argcheck import bool_arg, int_arg
from ._C import Tensor

__all__ = ["combinations", "repeat_interleave"]

_INDEX_DTYPES = (_C.int32, _C.int64)


def _not_implemented(dtype):
    names = {
        _C.float16: "Half",
        _C.bfloat16: "BFloat16",
        _C.float32: "Float",
        _C.float64: "Double",
        _C.bool: "Bool",
        _C.uint8: "Byte",
        _C.int8: "Char",
        _C.int16: "Short",
    }
    return NotImplementedError(
        f"\"repeat_interleave_cpu\" not implemented for '{names.get(dtype, str(dtype))}'"
    )


def _index_of_counts(repeats, output_size=None):
    """``[0] * repeats[0] + [1] * repeats[1] + ...`` in ``repeats``' dtype.

    A 1 is added at each segment's end (the running total of the counts) and the running
    sum of those marks is the segment number: zero counts put several marks at one place,
    which skips their numbers.
    """
    if repeats.dim() != 1:
        raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
    if repeats.dtype not in _INDEX_DTYPES:
        raise _not_implemented(repeats.dtype)
    r = repeats.detach().to(_C.int64)
    if r.numel() and builtins.bool((r < 0).any()):
        raise RuntimeError("repeats can not be negative")
    ends = r.cumsum(0)
    total = int(ends[-1]) if r.numel() else 0
    if output_size is not None and output_size != total:
        raise RuntimeError("allocated size does not match required size")
    marks = _C.zeros(total, dtype=_C.int64)
    ends = ends.narrow(0, 0, builtins.max(r.numel() - 1, 0))
    ends = ends.masked_select(ends < total)
    marks.index_add_(0, ends, _C.ones(ends.numel(), dtype=_C.int64))
    return marks.cumsum(0).to(repeats.dtype)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """repeat_interleave(input, repeats, dim=None, *, output_size=None) -> Tensor

    Repeats each element of ``input`` (flattened when ``dim`` is None) ``repeats`` times
    along ``dim``: ``repeats`` an int, or a 0-dim or 1-D integer tensor with one count per
    element (or a single count). ``output_size``, when given, must be the result's size
    along ``dim``.

    ``repeat_interleave(repeats)`` (one tensor) is ``arange(len(repeats))`` repeated by
    ``repeats``: the index the tensor form gathers with.
    """
    if dim is not None or output_size is not None:
        # One overload list in torch: a bad dim/output_size matches none of them.
        try:
            dim = int_arg("repeat_interleave", "dim", dim, optional=True)
            output_size = int_arg("repeat_interleave", "output_size", output_size, optional=True)
        except TypeError as e:
            raise TypeError(
                f"repeat_interleave() received an invalid combination of arguments: {e}"
            ) from None
    if repeats is None:
        if not isinstance(input, Tensor):
            raise TypeError(
                "repeat_interleave(): argument 'repeats' (position 1) must be Tensor, not "
                f"{type(input).__name__}"
            )
        return _index_of_counts(input, output_size)
    if isinstance(repeats, Tensor):
        if repeats.dim() > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        if repeats.dtype not in _INDEX_DTYPES:
            raise _not_implemented(repeats.dtype)
    elif isinstance(repeats, builtins.bool) or not isinstance(repeats, builtins.int):
        raise TypeError(
            "repeat_interleave(): argument 'repeats' must be Tensor or int, not "
            f"{type(repeats).__name__}"
        )
    if dim is None:
        input = input.flatten()
        dim = 0
    nd = builtins.max(input.dim(), 1)
    if not -nd <= dim < nd:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {dim})"
        )
    if input.dim() == 0:
        # torch's own steps fail on a 0-dim input with a dim: index_select's check, or
        # the unsqueeze after the dim (0 or -1) was wrapped to 0.
        if isinstance(repeats, Tensor):
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    dim %= nd
    size = input.shape[dim]
    if isinstance(repeats, Tensor):
        if repeats.numel() == 1:
            repeats = repeats.reshape(1).expand(size)
        elif repeats.shape[0] != size:
            raise RuntimeError(
                "repeats must have the same size as input along dim, but got "
                f"repeats.size(0) = {repeats.shape[0]} and input.size({dim}) = {size}"
            )
        index = _index_of_counts(repeats, output_size)
        return input.index_select(dim, index)
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    if output_size is not None and output_size != size * repeats:
        raise RuntimeError(
            f"repeat_interleave: Invalid output_size, expected {size * repeats} but got "
            f"{output_size}"
        )
    shape = list(input.shape)
    grown = shape[: dim + 1] + [repeats] + shape[dim + 1 :]
    copies = input.unsqueeze(dim + 1).expand(grown).clone(memory_format=_contiguous())
    return copies.view(shape[:dim] + [size * repeats] + shape[dim + 1 :])


def _contiguous():
    from . import contiguous_format

    return contiguous_format


def combinations(input, r=2, with_replacement=False):
    """combinations(input, r=2, with_replacement=False) -> Tensor

    The length-``r`` combinations of the elements of a 1-D ``input`` (as
    ``itertools.combinations``, or ``combinations_with_replacement``), one per row of a
    ``[count, r]`` result; ``r=0`` gives an empty 1-D tensor.
    """
    if not isinstance(input, Tensor):
        raise TypeError(
            "combinations(): argument 'input' (position 1) must be Tensor, not "
            f"{type(input).__name__}"
        )
    r = int_arg("combinations", "r", r)
    bool_arg("combinations", "with_replacement", with_replacement)
    if input.dim() != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return input.new_empty(0)
    n = input.shape[0]
    try:
        grids = _meshgrid([input] * r)
    except MemoryError:
        # torch's allocator failure for an absurd r is a RuntimeError too.
        raise RuntimeError(f"combinations(): out of memory for r={r}") from None
    positions = _meshgrid([_C.arange(n)] * r)
    keep = _C.ones([n] * r, dtype=_C.bool)
    for a, b in itertools.pairwise(positions):
        keep = keep & ((a <= b) if with_replacement else (a < b))
    return _C.stack([g.masked_select(keep) for g in grids], 1)


def _meshgrid(tensors):
    from ._shape import meshgrid

    return meshgrid(*tensors, indexing="ij")


for _name in ("repeat_interleave",):
    setattr(Tensor, _name, globals()[_name])
del _name

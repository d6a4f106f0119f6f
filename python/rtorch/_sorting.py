"""unique, unique_consecutive, isin and count_nonzero, composed from the engine's sort,
searchsorted, comparisons and scans (none is differentiable, so the graph is moot).

sort, argsort, msort, topk, kthvalue, median, nanmedian, mode, cummax, cummin,
searchsorted and bucketize are engine ops (`ops/reduction/sort.rs`)."""

from . import _C
from ._argcheck import bool_arg, int_arg
from ._C import Tensor
from .autograd.grad_mode import no_grad

__all__ = ["count_nonzero", "isin", "unique", "unique_consecutive"]


def _as_tensor(x, like=None):
    if isinstance(x, Tensor):
        return x
    if like is not None:
        return _C.tensor(x, dtype=_C.result_type(like, x))
    return _C.tensor(x)


def _runs(rows, order, return_inverse, return_counts, shape):
    """The unique entries of `rows` (dim 0, already grouped: equal ones adjacent), given
    that `order[i]` is the original position of `rows[i]`; with the inverse map over
    `shape` and the run lengths when asked."""
    n = rows.shape[0]
    if n == 0:
        starts = _C.zeros(0, dtype=_C.bool)
    else:
        differ = rows[1:] != rows[:-1]
        if differ.ndim > 1:
            differ = differ.flatten(1).any(1)
        starts = _C.cat([_C.ones(1, dtype=_C.bool), differ])
    values = rows[starts]
    result = [values]
    if return_inverse:
        group = starts.cumsum(0) - 1
        inverse = _C.empty(n, dtype=_C.int64).scatter_(0, order, group)
        result.append(inverse.reshape(shape))
    if return_counts:
        first = starts.nonzero().flatten()
        ends = _C.cat([first[1:], _C.tensor([n])])
        result.append(ends - first)
    return result


# NOTE [ unique by counting ]: `unique` of 1M int64 in [-1000, 1000] took 70 ms at one
# thread against torch's 27.5, nearly all of it the (value, index) sort (67 ms). Integers
# whose range is at most about twice their count are counted instead (bincount after
# subtracting the minimum): the distinct values are the counts' nonzero positions in
# ascending order, the counts are those counts, and the inverse is the running number of
# distinct values below each element. Same outputs as the sort, in O(n + range): 2-3 ms
# on that input. Wider ranges keep the sort.
_COUNTABLE = None


def _counted(flat, return_inverse, return_counts, shape):
    """`_runs`' outputs for integer `flat` when counting beats sorting, else None."""
    global _COUNTABLE
    if _COUNTABLE is None:
        _COUNTABLE = (_C.int8, _C.int16, _C.int32, _C.int64, _C.uint8)
    n = flat.numel()
    if flat.dtype not in _COUNTABLE or n == 0:
        return None
    lo, hi = flat.min().item(), flat.max().item()
    span = hi - lo + 1
    if span > 2 * n + 1024:
        return None
    shifted = flat.to(_C.int64) - lo
    counts = shifted.bincount(minlength=span)
    present = counts != 0
    result = [(present.nonzero().flatten() + lo).to(flat.dtype)]
    if return_inverse:
        rank = present.cumsum(0) - 1
        result.append(rank[shifted].reshape(shape))
    if return_counts:
        result.append(counts[present])
    return result


def _unique(input, sort, return_inverse, return_counts, dim, op):
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{op}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}"
        )
    with no_grad():
        x = input.detach()
        if dim is None:
            flat = x.reshape(-1)
            counted = _counted(flat, return_inverse, return_counts, x.shape) if sort else None
            if counted is not None:
                return counted[0] if len(counted) == 1 else tuple(counted)
            if sort:
                flat, order = flat.sort()
            else:
                order = _C.arange(flat.numel())
            out = _runs(flat, order, return_inverse, return_counts, x.shape)
        else:
            d = dim + x.ndim if dim < 0 else dim
            if not 0 <= d < max(x.ndim, 1):
                raise IndexError(
                    f"Dimension out of range (expected to be in range of "
                    f"[{-max(x.ndim, 1)}, {max(x.ndim, 1) - 1}], but got {dim})"
                )
            if any(s == 0 for k, s in enumerate(x.shape) if k != d):
                raise RuntimeError(
                    "There are 0 sized dimensions, and they aren't selected, so unique "
                    "cannot be applied"
                )
            moved = x.movedim(d, 0)
            rows = moved.reshape(moved.shape[0], max(1, x.numel() // max(1, x.shape[d])))
            order = _C.arange(rows.shape[0])
            if sort:
                # Lexicographic order of the rows: stable sorts from the last column on.
                for c in reversed(range(rows.shape[1])):
                    order = order[rows[order, c].argsort(stable=True)]
            grouped = moved[order]
            out = _runs(grouped, order, return_inverse, return_counts, (x.shape[d],))
            # PyTorch's result is the slices, dense with `dim` first, moved back into
            # place: the same strides whatever the input's memory order.
            out[0] = out[0].contiguous().movedim(0, d)
    if input.requires_grad and _C.is_grad_enabled():
        node = op if op == "unique_consecutive" else ("_unique2" if dim is None else "unique_dim")
        _C._record_no_derivative(node, [input], [out[0]])
    return out[0] if len(out) == 1 else tuple(out)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None)

    The distinct elements of ``input`` (or its distinct slices along ``dim``), in
    ascending order (as PyTorch's CPU kernel, whatever ``sorted``); with the index of
    each input element's entry (``return_inverse``) and each entry's count
    (``return_counts``). NaNs are all distinct.
    """
    name = "_unique2" if dim is None else "unique_dim"
    bool_arg(name, "sorted", sorted)
    bool_arg(name, "return_inverse", return_inverse)
    bool_arg(name, "return_counts", return_counts)
    dim = int_arg(name, "dim", dim, optional=True)
    return _unique(input, True, return_inverse, return_counts, dim, "unique")


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """unique_consecutive(input, return_inverse=False, return_counts=False, dim=None)

    ``input`` with each run of equal consecutive elements (or slices along ``dim``)
    kept once; ``return_inverse`` and ``return_counts`` as in ``unique``.
    """
    bool_arg("unique_consecutive", "return_inverse", return_inverse)
    bool_arg("unique_consecutive", "return_counts", return_counts)
    dim = int_arg("unique_consecutive", "dim", dim, optional=True)
    return _unique(input, False, return_inverse, return_counts, dim, "unique_consecutive")


def isin(elements, test_elements, *, assume_unique=False, invert=False, out=None):
    """isin(elements, test_elements, *, assume_unique=False, invert=False, out=None) -> Tensor

    Whether each element of ``elements`` occurs in ``test_elements`` (a bool tensor of
    ``elements``' shape; negated with ``invert``). Either may be a number.
    """
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError(
            "isin() received an invalid combination of arguments - got "
            f"({type(elements).__name__}, {type(test_elements).__name__})"
        )
    if not isinstance(assume_unique, bool) or not isinstance(invert, bool):
        raise TypeError(
            "isin() received an invalid combination of arguments - assume_unique and invert "
            f"must be bool, got {type(assume_unique).__name__} and {type(invert).__name__}"
        )
    e = _as_tensor(elements, test_elements)
    t = _as_tensor(test_elements, elements)
    if (
        _C.bool in (e.dtype, t.dtype)
        or isinstance(elements, bool)
        or isinstance(test_elements, bool)
    ):
        raise RuntimeError("Unsupported input type encountered for isin(): Bool")
    with no_grad():
        dtype = _C.promote_types(e.dtype, t.dtype)
        e, t = e.detach().to(dtype), t.detach().to(dtype).reshape(-1)
        if t.numel() == 0:
            found = _C.zeros(e.shape, dtype=_C.bool)
        else:
            # Binary search in the sorted test set: O((n + m) log m).
            s = t.sort().values
            pos = _C.searchsorted(s, e).clamp(max=s.numel() - 1)
            found = s[pos] == e
        found = found.logical_not() if invert else found
    if out is not None:
        # Not differentiable, so inputs that require grad are no reason to refuse out=.
        return _C._write_out("isin", [], found, out)
    return found


def count_nonzero(input, dim=None):
    """count_nonzero(input, dim=None) -> Tensor

    The number of nonzero elements of ``input``, in all or along ``dim`` (an int or a
    tuple of ints), as int64.
    """
    if isinstance(dim, bool) or (
        isinstance(dim, (list, tuple)) and any(isinstance(d, bool) for d in dim)
    ):
        raise TypeError(
            f"count_nonzero() received an invalid combination of arguments - got ({type(dim).__name__})"
        )
    with no_grad():
        return (input.detach() != 0).sum(dim)


Tensor.unique = unique
Tensor.unique_consecutive = unique_consecutive
Tensor.count_nonzero = count_nonzero

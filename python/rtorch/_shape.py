"""Shape and numeric utilities that PyTorch composes from other ops (its CompositeImplicit
ones): einsum (in `_einsum`), tensordot, kron, meshgrid, cartesian_prod, atleast_*d, diff,
fliplr/flipud, diagflat, and the Python faces of cross and cdist. Each is engine ops end to
end, so its autograd graph is those ops' nodes, as in PyTorch.

The ops PyTorch records as one node (repeat, roll, rot90, tril/triu, diag, diag_embed,
trace, block_diag, linalg.cross, cdist) are engine ops (`ops/shape/utility.rs`,
`ops/linalg/products.rs`)."""

import warnings

from . import _C
from ._argcheck import float_arg, int_arg, tensor_arg
from ._C import Tensor, block_diag, tril_indices, triu_indices
from ._einsum import einsum

__all__ = [
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "block_diag",
    "cartesian_prod",
    "cdist",
    "cross",
    "diagflat",
    "diff",
    "einsum",
    "fliplr",
    "flipud",
    "kron",
    "meshgrid",
    "tensordot",
    "tile",
    "tril_indices",
    "triu_indices",
]

# ---------------------------------------------------------------- cross, cdist

_cross_warned = False


def cross(input, other, dim=None, *, out=None):
    """cross(input, other, dim=None, *, out=None) -> Tensor

    The cross product of 3-vectors along ``dim``. Without ``dim`` the first dim of size 3
    of ``input`` is used, with PyTorch's deprecation warning (once per process); prefer
    ``rtorch.linalg.cross``, whose default is the last dim.
    """
    global _cross_warned
    for pos, (name, value) in enumerate((("input", input), ("other", other)), 1):
        if not isinstance(value, Tensor):
            raise TypeError(
                f"cross(): argument '{name}' (position {pos}) must be Tensor, not "
                f"{type(value).__name__}"
            )
    if dim is None:
        if not _cross_warned:
            _cross_warned = True
            warnings.warn(
                "Using torch.cross without specifying the dim arg is deprecated.\n"
                "Please either pass the dim explicitly or simply use torch.linalg.cross.\n"
                "The default value of dim will change to agree with that of linalg.cross "
                "in a future release.",
                UserWarning,
                stacklevel=2,
            )
        dim = next((d for d, s in enumerate(input.shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return _C._linalg.linalg_cross(input, other, dim=dim, out=out)


_COMPUTE_MODES = (
    None,
    "use_mm_for_euclid_dist_if_necessary",
    "use_mm_for_euclid_dist",
    "donot_use_mm_for_euclid_dist",
)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """cdist(x1, x2, p=2.0, compute_mode='use_mm_for_euclid_dist_if_necessary') -> Tensor

    The p-norm distance between each row of ``x1`` (``[B, P, M]``) and each row of
    ``x2`` (``[B, R, M]``): ``[B, P, R]``. For ``p=2``, ``compute_mode`` picks PyTorch's
    matrix-product shortcut (faster, less exact for close points): always
    (``'use_mm_for_euclid_dist'``), never (``'donot_use_mm_for_euclid_dist'``) or when
    either input has more than 25 rows (the default), so values match torch's.
    """
    p = float_arg("cdist", "p", p, position=3)
    if compute_mode not in _COMPUTE_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    return _C._cdist(x1, x2, p, compute_mode)


# ---------------------------------------------------------------- tensordot, kron


def tensordot(a, b, dims=2, out=None):
    """tensordot(a, b, dims=2, out=None) -> Tensor

    Sums ``a * b`` over pairs of dims: the last ``dims`` dims of ``a`` with the first
    ``dims`` of ``b`` (an int), or the dims listed in ``dims = (dims_a, dims_b)``.
    """
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.dim(), b.dim()):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da, db = list(range(-dims, 0)), list(range(dims))
    else:
        if len(dims) != 2:
            raise RuntimeError("tensordot expects dims to be a pair of lists or ints")
        da, db = ([d] if isinstance(d, int) else list(d) for d in dims)
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    wa = [d % a.dim() if a.dim() else d for d in da]
    wb = [d % b.dim() if b.dim() else d for d in db]
    for x, y, ga, gb in zip(wa, wb, da, db):
        if a.shape[x] != b.shape[y]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {a.shape[x]} in dim "
                f"{ga} and second has size {b.shape[y]} in dim {gb}"
            )
    free_a = [d for d in range(a.dim()) if d not in wa]
    free_b = [d for d in range(b.dim()) if d not in wb]
    k = 1
    for d in wa:
        k *= a.shape[d]
    m = 1
    for d in free_a:
        m *= a.shape[d]
    n = 1
    for d in free_b:
        n *= b.shape[d]
    a2 = a.permute(free_a + wa).reshape(m, k)
    b2 = b.permute(wb + free_b).reshape(k, n)
    res = a2.mm(b2).reshape([a.shape[d] for d in free_a] + [b.shape[d] for d in free_b])
    if out is not None:
        return _C._write_out("tensordot", [a, b], res, out)
    return res


def kron(input, other, *, out=None):
    """kron(input, other, *, out=None) -> Tensor

    The Kronecker product: block ``i`` of the result is ``input[i] * other``, over every
    dim (the shorter shape padded with leading ones).
    """
    nd = max(input.dim(), other.dim())
    sa = [1] * (nd - input.dim()) + list(input.shape)
    sb = [1] * (nd - other.dim()) + list(other.shape)
    a = input.reshape([v for s in sa for v in (s, 1)])
    b = other.reshape([v for s in sb for v in (1, s)])
    res = (a * b).reshape([x * y for x, y in zip(sa, sb)])
    if out is not None:
        return _C._write_out("kron", [input, other], res, out)
    return res


# ---------------------------------------------------------------- grids


def _tensor_args(tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}"
            )
    return tensors


def meshgrid(*tensors, indexing=None):
    """meshgrid(*tensors, indexing=None) -> tuple of Tensors

    Grids from 0-d or 1-d tensors: output ``i`` repeats ``tensors[i]`` along every other
    dim. ``indexing='ij'`` puts input ``i`` on dim ``i``; ``'xy'`` swaps the first two
    (Cartesian order). ``None`` means ``'ij'``, with PyTorch's warning.
    """
    tensors = _tensor_args(tensors)
    if indexing is None:
        warnings.warn(
            "torch.meshgrid: in an upcoming release, it will be required to pass the "
            "indexing argument.",
            UserWarning,
            stacklevel=2,
        )
        indexing = "ij"
    if not isinstance(indexing, str):
        raise TypeError(
            f"meshgrid(): argument 'indexing' must be str, not {type(indexing).__name__}"
        )
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'
        )
    for t in tensors:
        if t.dim() > 1:
            raise RuntimeError(
                "torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: "
                f"{t.dim()}D tensor of shape {list(t.shape)}"
            )
        if t.dtype != tensors[0].dtype:
            raise RuntimeError(
                "torch.meshgrid: Expected all tensors in the tensor list to have the same dtype."
            )
    n = len(tensors)
    pos = list(range(n))
    if indexing == "xy" and n >= 2:
        pos[0], pos[1] = 1, 0
    shape = [0] * n
    for t, p in zip(tensors, pos):
        shape[p] = t.numel()
    grids = []
    for t, p in zip(tensors, pos):
        view = [1] * n
        view[p] = -1
        grids.append(t.view(view).expand(shape))
    return tuple(grids)


def cartesian_prod(*tensors):
    """cartesian_prod(*tensors) -> Tensor

    Every combination of one element from each 1-d tensor, one per row (a single tensor
    is returned as it is).
    """
    tensors = _tensor_args(tensors)
    for t in tensors:
        if t.dim() != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return _C.stack([g.flatten() for g in grids], 1)


def _atleast(tensors, fix, name):
    if len(tensors) == 1 and not isinstance(tensors[0], (list, tuple)):
        if not isinstance(tensors[0], Tensor):
            raise TypeError(
                f"{name}() received an invalid combination of arguments - got "
                f"({type(tensors[0]).__name__}), but expected one of:\n"
                " * (Tensor input)\n * (tuple of Tensors tensors)"
            )
        return fix(tensors[0])
    return tuple(fix(t) for t in _tensor_args(tensors))


def atleast_1d(*tensors):
    """atleast_1d(*tensors) -> Tensor or tuple of Tensors

    Each input with at least one dim (a 0-d tensor becomes shape ``[1]``).
    """

    def fix(t):
        return t.reshape(1) if t.dim() == 0 else t

    return _atleast(tensors, fix, "atleast_1d")


def atleast_2d(*tensors):
    """atleast_2d(*tensors) -> Tensor or tuple of Tensors

    Each input with at least two dims (a vector becomes one row).
    """

    def fix(t):
        if t.dim() == 0:
            return t.reshape(1, 1)
        return t.unsqueeze(0) if t.dim() == 1 else t

    return _atleast(tensors, fix, "atleast_2d")


def atleast_3d(*tensors):
    """atleast_3d(*tensors) -> Tensor or tuple of Tensors

    Each input with at least three dims (a vector ``[n]`` becomes ``[1, n, 1]``, a
    matrix ``[m, n]`` becomes ``[m, n, 1]``).
    """

    def fix(t):
        if t.dim() == 0:
            return t.reshape(1, 1, 1)
        if t.dim() == 1:
            return t.unsqueeze(0).unsqueeze(-1)
        return t.unsqueeze(-1) if t.dim() == 2 else t

    return _atleast(tensors, fix, "atleast_3d")


# ---------------------------------------------------------------- diff, flips, diagflat


def diff(input, n=1, dim=-1, prepend=None, append=None, *, out=None):
    """diff(input, n=1, dim=-1, prepend=None, append=None, *, out=None) -> Tensor

    The ``n``-th forward difference along ``dim`` (``out[i] = input[i + 1] - input[i]``,
    ``n`` times; a logical xor for bool), after ``prepend`` and ``append`` are joined on.
    """
    n = int_arg("diff", "n", n)
    dim = int_arg("diff", "dim", dim)
    tensor_arg("diff", "prepend", prepend, optional=True)
    tensor_arg("diff", "append", append, optional=True)
    if input.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    nd = input.dim()
    if (prepend is not None or append is not None) and not -nd <= dim < nd:
        # PyTorch wraps the dim before it joins (or skips, for n == 0) prepend/append.
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {dim})"
        )
    parts = [p for p in (prepend, input, append) if p is not None]
    for p in parts:
        if p.dim() != input.dim():
            raise RuntimeError("diff expects prepend or append to be the same dimension as input")
        # Checked for n == 0 too, before anything is joined.
        for d in range(nd):
            if d != dim % nd and p.shape[d] != input.shape[d]:
                raise RuntimeError(
                    "diff expects the shape of tensor to prepend or append to match that of "
                    f"input except along the differencing dimension; input.size({d}) = "
                    f"{input.shape[d]}, but got tensor.size({d}) = {p.shape[d]}"
                )
    if n == 0:  # a copy of input alone (prepend/append ignored), as PyTorch's
        return _C.empty_like(input).copy_(input)
    x = _C.cat(parts, dim) if len(parts) > 1 else input
    for _ in range(n):
        length = x.shape[dim]
        if length == 0:
            break
        hi, lo = x.narrow(dim, 1, length - 1), x.narrow(dim, 0, length - 1)
        x = hi.logical_xor(lo) if x.dtype == _C.bool else hi - lo
    if out is not None:
        # PyTorch's diff writes its last subtraction into out and reports under its name.
        op = "logical_xor" if x.dtype == _C.bool else "sub"
        return _C._write_out(op, parts, x, out)
    return x


def fliplr(input):
    """fliplr(input) -> Tensor

    ``input`` flipped left to right (dim 1 reversed); at least 2-d.
    """
    if input.dim() < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return input.flip(1)


def flipud(input):
    """flipud(input) -> Tensor

    ``input`` flipped up to down (dim 0 reversed); at least 1-d.
    """
    if input.dim() < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return input.flip(0)


def diagflat(input, offset=0):
    """diagflat(input, offset=0) -> Tensor

    ``input`` flattened, laid on the ``offset`` diagonal of a square zero matrix.
    """
    return input.contiguous().view(-1).diag_embed(offset)


# `torch.tile(input, dims)` is the method (not a registry op, so not made a function by
# `__init__`).
tile = Tensor.tile

_METHODS = {
    "cross": cross,
    "diff": diff,
    "fliplr": fliplr,
    "flipud": flipud,
    "diagflat": diagflat,
    "kron": kron,
}
for _name, _fn in _METHODS.items():
    setattr(Tensor, _name, _fn)
del _name, _fn

"""Steps for the issue-9 families: index, scatter, sort, shape utilities, histograms.

These ops are drawn only by the ``breadth`` suite (``programs.SUITES``), so adding them
left every program of the ``core`` suite, and its ``KNOWN_OPEN`` list, as it was.

Index tensors are drawn for the tensor they index: mostly in range, sometimes negative
or one past the end, sometimes of a dtype torch rejects.  Two situations whose result
torch leaves open are steered around rather than allowed wholesale:
  - repeated targets of a non-accumulating write (scatter, index_copy, index_put, put):
    the step carries the tag ``dup-write`` (rtorch's last write wins; torch's is
    unspecified), and ``known.ALLOWED`` lets its values differ;
  - ties in sort/topk/kthvalue/median/mode: when the input has equal values, only the
    values of the result are compared (``[0]``), not the indices torch picks.
"""

import math

import numpy as np

from .breadth_args import (
    NP_OF,
    call,
    distinct_leaf,
    float_tensor,
    has_dups,
    has_ties,
    idx_shape,
    index_dtype,
    index_leaf,
    size_at,
    value_of,
)
from .gen import FLOAT_DTYPES, DType, Ref, refs_in, src
from .program import Step

# ------------------------------------------------------------ index family


def gen_gather(g):
    x = g.tensor()
    d = g.dim(x.ndim)
    ishape = idx_shape(g, x, d)
    i = index_leaf(g, ishape, size_at(x, d), index_dtype(g), oob=0.05)
    kw = {"sparse_grad": False} if g.chance(0.1) else {}
    return call(g, "gather", (x, d, i), kw)


def gen_take_along_dim(g):
    x = g.tensor()
    if g.chance(0.3):  # flattened: dim=None
        n = x.numel
        i = index_leaf(g, g.shape(max_ndim=2), n, index_dtype(g, 0.03), oob=0)
        return call(g, "take_along_dim", (x, i))
    d = g.dim(x.ndim)
    shape = list(idx_shape(g, x, d))
    shape = [1 if (s != 0 and g.chance(0.3)) else s for s in shape]  # broadcasts
    # NOTE: torch 2.13 does not range-check take_along_dim's index (it reads past the
    # tensor), so only in-range indices are drawn here.
    i = index_leaf(g, shape, size_at(x, d), index_dtype(g, 0.03), oob=0)
    if g.chance(0.5):
        return call(g, "take_along_dim", (x, i, d))
    return call(g, "take_along_dim", (x, i), {"dim": d})


def _src_for(g, x, ishape):
    """A src at least as large as the index, mostly of x's dtype."""
    shape = tuple(s + (1 if g.chance(0.15) else 0) for s in ishape)
    return g.tensor(shape, x.dtype if g.chance(0.9) else None)


def gen_scatter(g, name):
    x = g.tensor()
    d = g.dim(x.ndim)
    ishape = idx_shape(g, x, d)
    size = size_at(x, d)
    accumulating = name in ("scatter_add", "scatter_reduce")
    unique = None if accumulating or g.chance(0.3) else d
    i = index_leaf(g, ishape, size, index_dtype(g), unique_axis=unique, oob=0.05)
    kw = {}
    tags = set()
    if name == "scatter" and g.chance(0.3):
        args = (x, d, i, g.scalar(x.dtype if g.chance(0.8) else None))
        if g.chance(0.3):
            kw["reduce"] = g.pick(["add", "multiply", "bad"])
    else:
        args = (x, d, i, _src_for(g, x, ishape))
        if name == "scatter" and g.chance(0.1):
            kw["reduce"] = g.pick(["add", "multiply"])
        if name == "scatter" and "reduce" not in kw and has_dups(g, i, d if ishape else None):
            tags.add("dup-write")
    if name == "scatter_reduce":
        args = args + (g.pick(["sum", "prod", "mean", "amax", "amin"] + ["max"] * g.chance(0.05)),)
        if g.chance(0.5):
            kw["include_self"] = g.pick([True, False])
    if kw.get("reduce") in ("add", "multiply") or name == "scatter_reduce":
        tags.add("reduce-order")
    return call(g, name, args, kw, inplace=True, tags=tags)


def _index_1d(g, x, d, unique=False, negative=False):
    size = size_at(x, d)
    k = g.integer(0, 5) if g.chance(0.9) else g.integer(0, 2)
    shape = (k,) if g.chance(0.9) else g.pick([(), (1, k)])
    return index_leaf(
        g, shape, size, index_dtype(g), negative=negative, unique_axis=0 if unique else None
    )


def gen_index_select(g):
    x = g.tensor()
    d = g.dim(x.ndim)
    return call(g, "index_select", (x, d, _index_1d(g, x, d)))


def _source_for(g, x, d, i):
    shape = list(x.shape)
    if x.ndim and -x.ndim <= d < x.ndim:
        shape[d % x.ndim] = max(i.numel, 0)
    if g.chance(0.05):
        shape = list(g.shape())
    return g.tensor(tuple(shape), x.dtype if g.chance(0.9) else None)


def gen_index_write(g, name):
    x = g.tensor()
    d = g.dim(x.ndim)
    unique = name == "index_copy" and g.chance(0.7)
    i = _index_1d(g, x, d, unique=unique, negative=name == "index_fill")
    kw, tags = {}, set()
    if name == "index_fill":
        v = g.scalar(x.dtype) if g.chance(0.7) else g.tensor((), None if g.chance(0.2) else x.dtype)
        return call(g, name, (x, d, i, v), inplace=True)
    s = _source_for(g, x, d, i)
    if name == "index_copy" and has_dups(g, i):
        tags.add("dup-write")
    args = (x, d, i, s)
    if name == "index_add" and g.chance(0.3):
        kw["alpha"] = g.pick([2, -1, 0.5])
    if name == "index_reduce":
        args = args + (g.pick(["prod", "mean", "amax", "amin"] + ["sum"] * g.chance(0.05)),)
        if g.chance(0.5):
            kw["include_self"] = g.pick([True, False])
    if name in ("index_add", "index_reduce"):
        tags.add("reduce-order")
    return call(g, name, args, kw, inplace=True, tags=tags)


def gen_index_put(g):
    x = g.tensor()
    n = g.integer(1, max(1, min(x.ndim, 3)))
    k = g.integer(0, 4)
    indices = []
    for j in range(n):
        shape = (k,) if g.chance(0.85) else g.pick([(1,), (), (1, k)])
        size = x.shape[j] if j < x.ndim else 1
        indices.append(index_leaf(g, shape, size, index_dtype(g, 0.04), negative=True))
    if g.chance(0.1) and x.ndim:  # a bool mask over the leading dims
        c = g.program.const(g.rng.random(x.shape[:1]) < 0.5)
        indices = [Ref(f"lib.tensor({c})", x.shape[:1], "bool")]
    acc = g.chance(0.4)
    vshape = g.pick([(), (k,), (1,), x.shape[n:], (k,) + tuple(x.shape[n:])])
    v = g.tensor(vshape, x.dtype if g.chance(0.9) else None)
    kw = {"accumulate": acc} if acc or g.chance(0.5) else {}
    tags = {"reduce-order"} if acc else set()
    if not acc and k > 1:
        tags.add("dup-write")  # joint duplicates are likely enough with small sizes
    return call(g, "index_put", (x, tuple(indices), v), kw, inplace=True, tags=tags)


def gen_take(g):
    x = g.tensor()
    i = index_leaf(g, g.shape(max_ndim=2), x.numel, index_dtype(g), negative=True)
    return call(g, "take", (x, i))


def gen_put(g):
    x = g.tensor()
    acc = g.chance(0.4)
    i = index_leaf(g, g.shape(max_ndim=2), x.numel, index_dtype(g), negative=True,
                   unique_axis=None)  # fmt: skip
    s = g.tensor(i.shape if g.chance(0.9) else g.shape(max_ndim=2), x.dtype)
    tags = {"reduce-order"} if acc else ({"dup-write"} if has_dups(g, i) else set())
    kw = {"accumulate": acc} if acc or g.chance(0.5) else {}
    return call(g, "put", (x, i, s), kw, inplace=True, tags=tags)


def _mask_for(g, shape):
    mshape = g.partner_shape(shape) if g.chance(0.3) else shape
    if g.chance(0.93):
        return g.tensor(mshape, "bool")
    return g.tensor(mshape, g.pick(["uint8", "int64", "float32"]))


def gen_masked_select(g):
    x = g.tensor()
    return call(g, "masked_select", (x, _mask_for(g, x.shape)))


def gen_masked_scatter(g):
    x = g.tensor()
    src_shape = g.pick([x.shape, (x.numel + g.integer(0, 2),), g.shape()])
    s = g.tensor(src_shape, x.dtype if g.chance(0.9) else None)
    return call(g, "masked_scatter", (x, _mask_for(g, x.shape), s), inplace=True)


# ------------------------------------------------------------ sorting


def _sortable(g):
    """(tensor, ties possible?)"""
    if g.chance(0.4):
        shape = g.shape(min_ndim=0)
        dtype = g.pick(["float32", "float64", "int64", "int32", "float16", "bfloat16", "int8"])
        return distinct_leaf(g, shape, dtype), None
    x = g.tensor()
    return x, has_ties(g, x)


def gen_sort(g, name):
    x, ties = _sortable(g)
    if ties is None:
        ties = has_ties(g, x)
    d = g.dim(x.ndim)
    kw = {}
    if g.chance(0.6):
        kw["dim"] = d
    if g.chance(0.5):
        kw["descending"] = g.pick([True, False])
    stable = g.chance(0.4)
    if stable:
        kw["stable"] = True
    if name == "msort":
        return call(g, name, (x,))
    suffix = ""
    if ties and not stable:
        if name == "argsort":
            kw["stable"] = True  # indices of equal values are only defined when stable
        else:
            suffix = "[0]"
    return call(g, name, (x,), kw, suffix=suffix)


def gen_select_k(g, name):
    x, ties = _sortable(g)
    if ties is None:
        ties = has_ties(g, x)
    d = g.dim(x.ndim)
    size = size_at(x, d)
    kw = {}
    if name == "topk":
        k = g.integer(0, size) if g.chance(0.95) else size + 1
        args = (x, k)
        if g.chance(0.7):
            kw["dim"] = d
        if g.chance(0.5):
            kw["largest"] = g.pick([True, False])
        # NOTE: sorted=False leaves the order of the k results to the implementation.
    elif name == "kthvalue":
        k = g.integer(1, max(size, 1)) if g.chance(0.95) else g.pick([0, size + 1])
        args = (x, k)
        if g.chance(0.7):
            kw["dim"] = d
        if g.chance(0.3):
            kw["keepdim"] = True
    else:  # median, nanmedian, mode
        args = (x,)
        if name == "mode" or g.chance(0.6):
            kw["dim"] = d
            if g.chance(0.3):
                kw["keepdim"] = True
    tuple_result = name in ("topk", "kthvalue", "mode") or "dim" in kw
    suffix = "[0]" if ties and tuple_result else ""
    return call(g, name, args, kw, suffix=suffix)


def gen_cum(g, name):
    x = g.tensor()
    return call(g, name, (x, g.dim(x.ndim)))


def _sorted_leaf(g, shape, dtype):
    vals = np.sort(g.values(shape, dtype), axis=-1) if shape else g.values(shape, dtype)
    if dtype in FLOAT_DTYPES:
        # NaN would leave the sequence unsorted for searchsorted (its result is then open).
        vals = np.where(np.isnan(vals), np.inf, vals)
        vals = np.sort(vals, axis=-1) if shape else vals
    return g.program.new_leaf(np.asarray(vals).astype(NP_OF.get(dtype, dtype)), dtype, "contig",
                              False)  # fmt: skip


def gen_searchsorted(g):
    dtype = g.pick(["float32", "float64", "int64", "int32"])
    if g.chance(0.6):
        seq = _sorted_leaf(g, (g.integer(0, 6),), dtype)
        vals = g.tensor(g.shape(max_ndim=2), dtype if g.chance(0.8) else None)
    else:
        lead = g.shape(max_ndim=2, min_ndim=1)
        seq = _sorted_leaf(g, lead + (g.integer(1, 5),), dtype)
        vals = g.tensor(lead + (g.integer(0, 3),) if g.chance(0.9) else g.shape(), dtype)
    if g.chance(0.1):
        vals = g.scalar(dtype)
    kw = {}
    if g.chance(0.3):
        kw["right"] = True
    if g.chance(0.2):
        kw["side"] = g.pick(["left", "right"] + ["bad"] * g.chance(0.2))
    if g.chance(0.2):
        kw["out_int32"] = True
    return call(g, "searchsorted", (seq, vals), kw, method=False)


def gen_bucketize(g):
    dtype = g.pick(["float32", "float64", "int64"])
    b = _sorted_leaf(g, (g.integer(0, 6),), dtype)
    x = g.tensor(None, dtype if g.chance(0.8) else None) if g.chance(0.9) else g.scalar(dtype)
    kw = {}
    if g.chance(0.3):
        kw["right"] = True
    if g.chance(0.2):
        kw["out_int32"] = True
    return call(g, "bucketize", (x, b), kw, method=isinstance(x, Ref))


def gen_unique(g, name):
    x = g.tensor()
    kw = {}
    if g.chance(0.4):
        kw["return_inverse"] = True
    if g.chance(0.4):
        kw["return_counts"] = True
    if g.chance(0.4 if name == "unique" else 0.5):
        kw["dim"] = g.dim(x.ndim)
    return call(g, name, (x,), kw)


def gen_isin(g):
    x = g.tensor() if g.chance(0.85) else g.scalar()
    dt = x.dtype if isinstance(x, Ref) else None
    t = g.tensor(None, dt if g.chance(0.7) else None) if g.chance(0.85) else g.scalar(dt)
    if not isinstance(x, Ref) and not isinstance(t, Ref):
        t = g.tensor()
    kw = {"invert": True} if g.chance(0.3) else {}
    return call(g, "isin", (x, t), kw, method=False)


def gen_count_nonzero(g):
    x = g.tensor()
    kw = {}
    if g.chance(0.6):
        kw["dim"] = g.dim(x.ndim) if g.chance(0.6) else g.dims(x.ndim)
    return call(g, "count_nonzero", (x,), kw)


# ------------------------------------------------------------ shape utilities


def gen_repeat(g):
    x = g.tensor(g.shape(max_ndim=3))
    reps = [g.integer(0 if g.chance(0.1) else 1, 3) for _ in range(x.ndim + g.integer(0, 1))]
    if g.chance(0.05):
        reps = reps[:-1] or [-1]
    return call(g, "repeat", (x, *reps) if g.chance(0.5) else (x, tuple(reps)), function=False)


def gen_tile(g):
    x = g.tensor(g.shape(max_ndim=3))
    reps = tuple(g.integer(0 if g.chance(0.1) else 1, 3) for _ in range(g.integer(0, 4)))
    return call(g, "tile", (x, reps))


def gen_roll(g):
    x = g.tensor()
    if g.chance(0.3):
        return call(g, "roll", (x, g.integer(-8, 8)))
    n = g.integer(1, 2)
    shifts = tuple(g.integer(-8, 8) for _ in range(n + (g.chance(0.05))))
    dims = tuple(g.dim(x.ndim) for _ in range(n))
    return call(g, "roll", (x, shifts if n > 1 or g.chance(0.5) else shifts[0], dims))


def gen_rot90(g):
    x = g.tensor()
    kw = {}
    args = (x,)
    if g.chance(0.8):
        args = (x, g.integer(-5, 5))
        if g.chance(0.7):
            args = args + ([g.dim(x.ndim), g.dim(x.ndim)],)
    return call(g, "rot90", args, kw)


def gen_tri(g, name):
    x = g.tensor(g.shape(min_ndim=2 if g.chance(0.95) else 0))
    args = (x, g.integer(-3, 3)) if g.chance(0.6) else (x,)
    return call(g, name, args, inplace=True)


def gen_tri_indices(g, name):
    args = (g.integer(0, 5), g.integer(0, 5))
    if g.chance(0.6):
        args = args + (g.integer(-4, 4),)
    if g.chance(0.05):
        args = (-1, 2)
    kw = {"dtype": DType(g.pick(["int64", "int32", "float32"]))}
    return call(g, name, args, kw if g.chance(0.2) else {}, method=False)


def gen_diag(g):
    x = g.tensor(g.shape(max_ndim=2, min_ndim=1) if g.chance(0.95) else g.shape())
    return call(g, "diag", (x, g.integer(-3, 3)) if g.chance(0.6) else (x,))


def gen_diag_embed(g):
    x = g.tensor(g.shape(max_ndim=3))
    kw = {}
    if g.chance(0.5):
        kw["offset"] = g.integer(-2, 2)
    if g.chance(0.5):
        kw["dim1"], kw["dim2"] = g.dim(x.ndim + 1), g.dim(x.ndim + 1)
    return call(g, "diag_embed", (x,), kw)


def gen_diagflat(g):
    x = g.tensor(g.shape(max_ndim=2))
    return call(g, "diagflat", (x, g.integer(-2, 2)) if g.chance(0.5) else (x,))


def gen_trace(g):
    x = g.tensor(g.shape(min_ndim=2, max_ndim=2) if g.chance(0.93) else g.shape())
    return call(g, "trace", (x,))


def gen_block_diag(g):
    ts = [g.tensor(g.shape(max_ndim=2 if g.chance(0.95) else 3)) for _ in range(g.integer(0, 3))]
    return call(g, "block_diag", tuple(ts), method=False)


def gen_cross(g, name):
    shape = list(g.shape(min_ndim=1, max_ndim=3))
    d = g.integer(0, len(shape) - 1)
    shape[d] = 3 if g.chance(0.93) else 2
    a = g.tensor(tuple(shape))
    b = g.tensor(tuple(shape) if g.chance(0.8) else g.partner_shape(shape), a.dtype)
    if name == "linalg.cross":
        kw = (
            {} if d == len(shape) - 1 and g.chance(0.3) else {"dim": d - len(shape) * g.chance(0.5)}
        )
        return call(g, "cross", (a, b), kw, method=False, lib_name="linalg.cross")
    return call(g, "cross", (a, b), {"dim": d}, tags={"cross"})


def gen_cdist(g):
    lead = g.shape(max_ndim=1)
    m = g.integer(0, 4) if g.chance(0.1) else g.integer(1, 4)
    dt = g.pick(["float32", "float64"]) if g.chance(0.95) else g.dtype()
    a = g.tensor(lead + (g.integer(0, 5), m), dt)
    b = g.tensor(lead + (g.integer(0, 5), m if g.chance(0.95) else m + 1), dt)
    kw = {"p": g.pick([0.0, 1.0, 2.0, 3.0, 0.5, math.inf])} if g.chance(0.7) else {}
    return call(g, "cdist", (a, b), kw, method=False, tags={"reduce-order"})


def gen_repeat_interleave(g):
    x = g.tensor(g.shape(max_ndim=3))
    d = g.dim(x.ndim) if x.ndim else 0
    if g.chance(0.4):
        args = (x, g.integer(0, 3))
    else:
        n = size_at(x, d)
        r = index_leaf(g, (n if g.chance(0.9) else g.pick([1, n + 1]),), 4, oob=0)
        args = (x, r)
    kw = {"dim": d} if g.chance(0.7) else {}
    return call(g, "repeat_interleave", args, kw)


EINSUMS = [
    ("ij,jk->ik", ["ij", "jk"]), ("ii->i", ["ii"]), ("ii", ["ii"]), ("i,i->", ["i", "i"]),
    ("bij,bjk->bik", ["bij", "bjk"]), ("...ij->...ji", ["xij"]), ("ij->", ["ij"]),
    ("i,j->ij", ["i", "j"]), ("ij,ij->ij", ["ij", "ij"]), ("bn,anm,bm->ba", ["bn", "anm", "bm"]),
    ("ij", ["ij"]), ("ji", ["ij"]), ("i...->...", ["ixy"]), ("iij->j", ["iij"]),
]  # fmt: skip


def gen_einsum(g):
    eq, ops = g.pick(EINSUMS)
    sizes = {c: g.integer(0 if g.chance(0.05) else 1, 4) for c in "abijkmnxy"}
    dt = g.pick(["float32", "float64"]) if g.chance(0.9) else g.dtype()
    ts = []
    for spec in ops:
        shape = tuple(sizes[c] for c in spec)
        if g.chance(0.04):
            shape = shape + (2,)
        ts.append(g.tensor(shape, dt))
    args = (eq, *ts) if g.chance(0.7) else (eq, ts)
    return call(g, "einsum", args, method=False, tags={"reduce-order"})


def gen_tensordot(g):
    a = g.tensor(g.shape(min_ndim=1, max_ndim=3), g.pick(["float32", "float64"]))
    k = g.integer(0, min(2, a.ndim))
    b = g.tensor(a.shape[a.ndim - k :] + g.shape(max_ndim=2), a.dtype)
    dims = k if g.chance(0.6) else [list(range(a.ndim - k, a.ndim)), list(range(k))]
    return call(g, "tensordot", (a, b), {"dims": dims}, method=False, tags={"reduce-order"})


def gen_kron(g):
    a = g.tensor(g.shape(max_ndim=3))
    b = g.tensor(g.shape(max_ndim=3), a.dtype if g.chance(0.8) else None)
    return call(g, "kron", (a, b))


def gen_grid(g, name):
    n = g.integer(0 if name == "meshgrid" else 1, 3)
    ts = [g.tensor((g.integer(0, 4),) if g.chance(0.95) else g.shape()) for _ in range(n)]
    dt = ts[0].dtype if ts else None
    ts = [g.tensor(t.shape, dt) if g.chance(0.8) else t for t in ts]
    kw = {}
    if name == "meshgrid":
        kw = {"indexing": g.pick(["ij", "xy"])} if g.chance(0.9) else {}
    return call(g, name, tuple(ts), kw, method=False)


def gen_combinations(g):
    x = g.tensor((g.integer(0, 5),) if g.chance(0.95) else g.shape())
    kw = {}
    if g.chance(0.6):
        kw["r"] = g.integer(0, 4)
    if g.chance(0.4):
        kw["with_replacement"] = True
    return call(g, "combinations", (x,), kw, method=False)


def gen_atleast(g, name):
    if g.chance(0.2):
        return call(g, name, tuple(g.tensor() for _ in range(g.integer(1, 3))), method=False)
    return call(g, name, (g.tensor(),), method=False)


def gen_diff(g):
    x = g.tensor()
    kw = {}
    d = g.dim(x.ndim)
    if g.chance(0.5):
        kw["n"] = g.integer(0, 3)
    if g.chance(0.6):
        kw["dim"] = d
    for k in ("prepend", "append"):
        if g.chance(0.2):
            shape = list(x.shape)
            if shape and -len(shape) <= d < len(shape):
                shape[d] = g.integer(0, 2)
            kw[k] = g.tensor(tuple(shape), x.dtype)
    return call(g, "diff", (x,), kw)


def gen_flip_lr_ud(g, name):
    x = g.tensor(g.shape(min_ndim=1 if name == "flipud" else 2) if g.chance(0.95) else g.shape())
    return call(g, name, (x,))


# ------------------------------------------------------------ histograms


def gen_bincount(g):
    n = g.integer(0, 8)
    dt = "int64" if g.chance(0.8) else g.pick(["int32", "uint8", "int8", "float32"])
    vals = g.rng.integers(0, 6, size=(n,))
    if n and g.chance(0.05):
        vals[0] = -1
    x = g.program.new_leaf(vals.astype(NP_OF.get(dt, dt)), dt, "contig", False)
    kw = {}
    if g.chance(0.4):
        kw["weights"] = g.tensor((n,) if g.chance(0.95) else (n + 1,), g.pick(FLOAT_DTYPES))
    if g.chance(0.4):
        kw["minlength"] = g.integer(0, 9) if g.chance(0.95) else -1
    return call(g, "bincount", (x,), kw, tags={"reduce-order"})


def gen_histc(g):
    x = float_tensor(g)
    args = (x,)
    if g.chance(0.8):
        args = (x, g.integer(1, 8) if g.chance(0.95) else 0)
    kw = {}
    if g.chance(0.6):
        lo = g.pick([0, -1, -2.5, 1, 3])
        kw["min"], kw["max"] = lo, lo + g.pick([0, 1, 2.5, 4, -1])
    return call(g, "histc", args, kw)


def gen_histogram(g):
    x = g.tensor(None, g.pick(["float32", "float64"]) if g.chance(0.95) else None)
    kw = {}
    if g.chance(0.3):
        edges = np.sort(g.rng.uniform(-4, 4, size=g.integer(1, 5)))
        bins = g.program.new_leaf(edges.astype(NP_OF.get(x.dtype, x.dtype) if x.dtype in FLOAT_DTYPES else "float32"),
                                  x.dtype, "contig", False)  # fmt: skip
    else:
        bins = g.integer(1, 6)
        if g.chance(0.4):
            lo = g.pick([-2.0, 0.0, -4.5])
            kw["range"] = (lo, lo + g.pick([1.0, 3.0, 8.0, -1.0]))
    if g.chance(0.3):
        kw["weight"] = g.tensor(x.shape, x.dtype)
    if g.chance(0.3):
        kw["density"] = True
    return call(g, "histogram", (x, bins), kw, tags={"reduce-order"})


# ------------------------------------------------------------ advanced indexing


def adv_items(g, x):
    """A subscript for ``x`` with at least one tensor, list or mask among its items."""
    items, dim, tags = [], 0, {"advanced-index"}
    for _ in range(g.integer(1, min(x.ndim + 1, 4))):
        size = x.shape[dim] if dim < x.ndim else 0
        r = g.rng.random()
        if r < 0.35 and dim < x.ndim:
            shape = g.pick([(g.integer(0, 4),), (), (2, 2), (1, 3)])
            items.append(index_leaf(g, shape, size, index_dtype(g, 0.04), negative=True))
            dim += 1
        elif r < 0.45 and dim < x.ndim:
            items.append(
                [int(v) for v in g.rng.integers(-size, max(size, 1), size=g.integer(1, 3))]
            )
            dim += 1
        elif r < 0.6 and dim < x.ndim:
            k = g.integer(1, min(2, x.ndim - dim))
            mshape = x.shape[dim : dim + k]
            if g.chance(0.05):
                mshape = tuple(s + 1 for s in mshape)
            c = g.program.const(g.rng.random(mshape) < 0.5)
            items.append(Ref(f"lib.tensor({c})", mshape, "bool"))
            dim += k
        elif r < 0.8 and dim < x.ndim:
            items.append(g.pick([slice(None), slice(1, None), slice(None, None, 2)]))
            dim += 1
        elif r < 0.88 and dim < x.ndim:
            items.append(g.integer(-size, max(size - 1, 0)))
            dim += 1
        elif r < 0.94:
            items.append(None)
        elif Ellipsis not in items:
            items.append(Ellipsis)
            dim = x.ndim
    if not any(isinstance(i, (Ref, list)) for i in items):
        if x.ndim:
            items.insert(0, index_leaf(g, (g.integer(1, 3),), x.shape[0], negative=True))
        else:
            items.append(index_leaf(g, (2,), 1, oob=0))
    return items, tags


def adv_src(items):
    text = ", ".join(src(i) for i in items)
    return text + ("," if len(items) == 1 and isinstance(items[0], list) else "")


def gen_adv_getitem(g):
    x = g.tensor()
    items, tags = adv_items(g, x)
    out = g.program.new_name()
    reads = [x.name.split("[")[0]] + refs_in(items)
    reads = [r for r in reads if not r.startswith("lib.")]
    return Step(f"{out} = {x.name}[{adv_src(items)}]", "getitem[advanced]", out, reads, tags=tags)


def gen_adv_setitem(g):
    found = [r for r in g.existing() if "[" not in r.name]
    x = g.pick(found) if found and g.chance(0.7) else g.leaf(g.shape(min_ndim=1), g.dtype())
    items, tags = adv_items(g, x)
    text = adv_src(items)
    region = (
        value_of(g, Ref(f"{x.name}[{text}]", (), "")) if x.name in g.program.ns["torch"] else None
    )
    shape = tuple(region.shape) if region is not None else ()
    r = g.rng.random()
    if r < 0.35:
        v = g.scalar(x.dtype if g.chance(0.8) else None)
    else:
        v = g.tensor(g.partner_shape(shape) if r < 0.9 else (), x.dtype if g.chance(0.8) else None)
        tags.add("dup-write")  # repeated subscripts are likely; torch leaves their order open
    if x.dtype not in FLOAT_DTYPES and isinstance(v, float) and not math.isfinite(v):
        tags.add("ub-cast")
    if x.dtype not in FLOAT_DTYPES and isinstance(v, Ref) and v.dtype in FLOAT_DTYPES:
        tags.add("ub-cast")
    reads = [x.name] + [r for r in refs_in(items) + refs_in(v) if not r.startswith("lib.")]
    return Step(f"{x.name}[{text}] = {src(v)}", "setitem[advanced]", None, reads,
                writes=[x.name], tags=tags)  # fmt: skip


# ------------------------------------------------------------ the table


def _n(fn, *a):
    return lambda g: fn(g, *a)


BREADTH_OPS = {
    "gather": gen_gather, "take_along_dim": gen_take_along_dim,
    "scatter": _n(gen_scatter, "scatter"), "scatter_add": _n(gen_scatter, "scatter_add"),
    "scatter_reduce": _n(gen_scatter, "scatter_reduce"), "index_select": gen_index_select,
    "index_add": _n(gen_index_write, "index_add"), "index_copy": _n(gen_index_write, "index_copy"),
    "index_fill": _n(gen_index_write, "index_fill"),
    "index_reduce": _n(gen_index_write, "index_reduce"), "index_put": gen_index_put,
    "take": gen_take, "put": gen_put, "masked_select": gen_masked_select,
    "masked_scatter": gen_masked_scatter, "getitem[advanced]": gen_adv_getitem,
    "setitem[advanced]": gen_adv_setitem,
    "sort": _n(gen_sort, "sort"), "argsort": _n(gen_sort, "argsort"), "msort": _n(gen_sort, "msort"),
    "topk": _n(gen_select_k, "topk"), "kthvalue": _n(gen_select_k, "kthvalue"),
    "median": _n(gen_select_k, "median"), "nanmedian": _n(gen_select_k, "nanmedian"),
    "mode": _n(gen_select_k, "mode"), "cummax": _n(gen_cum, "cummax"),
    "cummin": _n(gen_cum, "cummin"), "searchsorted": gen_searchsorted, "bucketize": gen_bucketize,
    "unique": _n(gen_unique, "unique"), "unique_consecutive": _n(gen_unique, "unique_consecutive"),
    "isin": gen_isin, "count_nonzero": gen_count_nonzero,
    "repeat": gen_repeat, "tile": gen_tile, "roll": gen_roll, "rot90": gen_rot90,
    "tril": _n(gen_tri, "tril"), "triu": _n(gen_tri, "triu"),
    "tril_indices": _n(gen_tri_indices, "tril_indices"),
    "triu_indices": _n(gen_tri_indices, "triu_indices"), "diag": gen_diag,
    "diag_embed": gen_diag_embed, "diagflat": gen_diagflat, "trace": gen_trace,
    "block_diag": gen_block_diag, "cross": _n(gen_cross, "cross"),
    "linalg.cross": _n(gen_cross, "linalg.cross"), "cdist": gen_cdist,
    "repeat_interleave": gen_repeat_interleave, "einsum": gen_einsum, "tensordot": gen_tensordot,
    "kron": gen_kron, "meshgrid": _n(gen_grid, "meshgrid"),
    "cartesian_prod": _n(gen_grid, "cartesian_prod"), "combinations": gen_combinations,
    "atleast_1d": _n(gen_atleast, "atleast_1d"), "atleast_2d": _n(gen_atleast, "atleast_2d"),
    "atleast_3d": _n(gen_atleast, "atleast_3d"), "diff": gen_diff,
    "fliplr": _n(gen_flip_lr_ud, "fliplr"), "flipud": _n(gen_flip_lr_ud, "flipud"),
    "bincount": gen_bincount, "histc": gen_histc, "histogram": gen_histogram,
}  # fmt: skip


def in_scope(op):
    """Is a finding's op label one of this suite's ops (``index_add_``, ``sort(bad-arg)``,
    ``backward:cummax``)? Other ops' findings belong to the core suite and its lists."""
    name = op.split("(")[0].removeprefix("backward:")
    return name in BREADTH_OPS or name.rstrip("_") in BREADTH_OPS


def breadth_step(g):
    name = g.pick(sorted(BREADTH_OPS))
    yield BREADTH_OPS[name](g)

"""Arguments for the breadth suite's steps (``breadth.py``): torch's value of a variable,
ties and repeats in it, index tensors drawn for the tensor they index, and the one
``call`` that writes a function, method or in-place call as a Step.
"""

import math

import numpy as np

from .gen import FLOAT_DTYPES, Ref, call_src, refs_in
from .program import Step

NP_OF = {"bfloat16": np.float32}

# ------------------------------------------------------------ values and indices


def value_of(g, ref):
    """torch's value of a variable, also for a leaf still waiting to be created."""
    ns = g.program.ns["torch"]
    if ref.name.split("[")[0] in ns:
        try:
            return eval(ref.name, ns)
        except Exception:  # noqa: BLE001
            return None
    for step in g.program.pending_leaves:
        if step.out == ref.name:
            return eval(step.src.split(" = ", 1)[1], dict(ns))
    return None


def has_ties(g, ref):
    t = value_of(g, ref)
    if t is None:
        return True
    a = t.detach().double().reshape(-1).numpy()
    nans = int(np.isnan(a).sum())
    finite = a[~np.isnan(a)]
    return nans > 1 or np.unique(finite).size < finite.size


def distinct_leaf(g, shape, dtype):
    """A leaf whose elements are all different (exact in every dtype up to 256 elements)."""
    n = math.prod(shape)
    if n > 256 and dtype in ("bfloat16", "int8", "uint8"):
        return g.leaf(shape, dtype)
    vals = g.rng.permutation(n) - (0 if dtype == "uint8" else n // 2)
    if dtype in FLOAT_DTYPES and g.chance(0.5):
        vals = vals * 0.25
    if dtype == "bool":
        return g.leaf(shape, dtype)
    return g.program.new_leaf(
        np.asarray(vals).reshape(shape).astype(NP_OF.get(dtype, dtype)), dtype, "contig", False
    )


def index_dtype(g, p_other=0.06):
    if g.chance(p_other):
        return g.pick(["int32", "int16", "uint8", "float32", "bool"])
    return "int64"


def index_leaf(g, shape, size, dtype="int64", negative=False, unique_axis=None, oob=0.06):
    """An index tensor of ``shape`` for a dim of ``size``.

    ``negative``: the op accepts -size..-1; ``unique_axis``: no repeated value along
    that axis (where it is long enough); ``oob``: chance of one value out of range.
    """
    shape = tuple(shape)
    n = math.prod(shape)
    lo = -size if negative and g.chance(0.4) else 0
    vals = g.rng.integers(lo, max(size, lo + 1), size=shape) if size > 0 else np.zeros(shape, int)
    if unique_axis is not None and shape and size > 0:
        ax = unique_axis % len(shape)
        if shape[ax] <= size:
            moved = np.moveaxis(vals, ax, -1)
            for pos in np.ndindex(*moved.shape[:-1]):
                moved[pos] = g.rng.permutation(size)[: shape[ax]]
            vals = np.moveaxis(moved, -1, ax)
    if n and (size == 0 or g.chance(oob)):
        flat = vals.reshape(-1)
        flat[g.integer(0, n - 1)] = g.pick([size, size + 2, -size - 1])
    if dtype == "uint8":
        vals = np.clip(vals, 0, 255)
    if dtype == "bool":
        vals = vals != 0
    layout = "contig" if g.chance(0.8) or not shape else g.pick(["t", "slice"])
    if layout == "t" and len(shape) < 2:
        layout = "slice"
    return g.program.new_leaf(
        np.asarray(vals).astype(NP_OF.get(dtype, dtype)), dtype, layout, False
    )


def has_dups(g, ref, axis=None):
    t = value_of(g, ref)
    if t is None:
        return True
    a = t.detach().long().numpy()
    if a.ndim == 0 or a.size == 0:
        return False
    if axis is None or not -a.ndim <= axis < a.ndim:
        a = a.reshape(1, -1)
    else:
        a = np.moveaxis(a, axis % a.ndim, -1).reshape(-1, a.shape[axis % a.ndim])
    return any(np.unique(r).size < r.size for r in a)


def size_at(x, d):
    if x.ndim == 0:
        return 1
    return x.shape[d % x.ndim] if -x.ndim <= d < x.ndim else 1


def idx_shape(g, x, dim, max_dim=4):
    """An index shape for gather/scatter on ``x`` along ``dim``."""
    if x.ndim == 0:
        return () if g.chance(0.7) else (1,)
    dd = dim % x.ndim if -x.ndim <= dim < x.ndim else 0
    shape = []
    for i, s in enumerate(x.shape):
        if i == dd:
            shape.append(g.integer(0, max_dim) if g.chance(0.1) else g.integer(1, max_dim))
        elif g.chance(0.05):
            shape.append(s + 1)  # bigger than self: an error
        else:
            shape.append(0 if g.chance(0.05) else g.integer(min(1, s), s))
    if g.chance(0.04):
        shape = shape[:-1]  # wrong number of dims
    return tuple(shape)


def float_tensor(g, shape=None):
    return g.tensor(shape, g.dtype(FLOAT_DTYPES) if g.chance(0.92) else None)


# ------------------------------------------------------------ calls


def call(g, name, args, kwargs=None, *, method=True, inplace=False, function=True, tags=(),
         suffix="", lib_name=None):  # fmt: skip
    """One Step calling ``name`` as a function, a method, or an in-place method."""
    kwargs = kwargs or {}
    tags = set(tags)
    out = g.program.new_name()
    reads = [r for r in refs_in(args) + refs_in(kwargs) if not r.startswith("lib.")]
    forms = (["function"] if function else []) + (["method"] if method else [])
    target = args[0] if args and isinstance(args[0], Ref) and "[" not in args[0].name else None
    if inplace and target is not None:
        forms.append("inplace")
    if not forms:
        forms = ["function"]
    form = g.pick(forms)
    if form == "inplace":
        text = f"{out} = " + call_src(f"{target.name}.{name}_", args[1:], kwargs)
        return Step(
            text, f"{name}_", out, reads, writes=[target.name], register=False,
            returns_self=target.name, tags=tags,
        )  # fmt: skip
    if form == "method" and args and isinstance(args[0], Ref):
        text = f"{out} = " + call_src(f"{args[0].name}.{name}", args[1:], kwargs) + suffix
    else:
        head = f"lib.{lib_name or name}"
        text = f"{out} = " + call_src(head, args, kwargs) + suffix
    return Step(text, name, out, reads, tags=tags)

"""Random values and arguments for fuzz programs.

``Gen`` draws everything from one ``numpy.random.Generator``.  Tensor arguments are
``Ref`` objects naming a variable of the program: either one that already exists
(so later ops consume earlier results) or a fresh leaf, whose creation step ``Gen``
queues in ``pending`` for the program to run first.  ``Ref`` carries the shape and
dtype the generator needs; they are read off torch's value of the variable.
"""

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

ALL_DTYPES = (
    "bool",
    "uint8",
    "int8",
    "int16",
    "int32",
    "int64",
    "float16",
    "bfloat16",
    "float32",
    "float64",
)
INT_DTYPES = ("uint8", "int8", "int16", "int32", "int64")
FLOAT_DTYPES = ("float16", "bfloat16", "float32", "float64")
INT_AND_BOOL = ("bool",) + INT_DTYPES

INT_RANGE = {
    "uint8": (0, 255),
    "int8": (-128, 127),
    "int16": (-1000, 1000),
    "int32": (-(10**6), 10**6),
    "int64": (-(10**6), 10**6),
}


@dataclass
class Ref:
    """A tensor-valued variable of the program (``t3`` or ``s2[1]``)."""

    name: str
    shape: tuple
    dtype: str
    requires_grad: bool = False

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def numel(self):
        return math.prod(self.shape)


@dataclass
class DType:
    """A ``dtype=`` argument; renders as ``lib.<name>``."""

    name: str


@dataclass
class Raw:
    """Source text inserted verbatim (``lib.Generator()``, ``...``)."""

    text: str


def src(x):
    """Python source for an argument value."""
    if isinstance(x, Ref):
        return x.name
    if isinstance(x, DType):
        return f"lib.{x.name}"
    if isinstance(x, Raw):
        return x.text
    if isinstance(x, bool) or x is None or isinstance(x, str):
        return repr(x)
    if isinstance(x, float):
        if math.isnan(x):
            return "math.nan"
        if math.isinf(x):
            return "math.inf" if x > 0 else "-math.inf"
        return repr(x)
    if isinstance(x, int):
        return repr(x)
    if isinstance(x, Fraction):
        return f"Fraction({x.numerator}, {x.denominator})"
    if isinstance(x, np.generic):
        v = x.item()
        return f"np.{type(x).__name__}({src(v)})"
    if isinstance(x, slice):
        parts = ["" if v is None else src(v) for v in (x.start, x.stop, x.step)]
        text = f"{parts[0]}:{parts[1]}"
        return text + (f":{parts[2]}" if x.step is not None else "")
    if x is Ellipsis:
        return "..."
    if isinstance(x, list):
        return "[" + ", ".join(src(v) for v in x) + "]"
    if isinstance(x, tuple):
        inner = ", ".join(src(v) for v in x)
        return f"({inner},)" if len(x) == 1 else f"({inner})"
    raise TypeError(f"no source for {type(x).__name__}")


def call_src(head, args, kwargs):
    parts = [src(a) for a in args] + [f"{k}={src(v)}" for k, v in kwargs.items()]
    return f"{head}({', '.join(parts)})"


def refs_in(x):
    """Names of the variables an argument structure reads."""
    if isinstance(x, Ref):
        return [x.name.split("[")[0]]
    if isinstance(x, (list, tuple)):
        return [n for v in x for n in refs_in(v)]
    if isinstance(x, dict):
        return [n for v in x.values() for n in refs_in(v)]
    if isinstance(x, slice):
        return refs_in([x.start, x.stop, x.step])
    return []


class Gen:
    """Random choices, plus the program's variables to draw tensor arguments from."""

    def __init__(self, rng, program):
        self.rng = rng
        self.program = program
        self.preferred = ALL_DTYPES
        self.reuse = 0.75
        self.forced = None  # the next tensor() call returns this (a write target)

    # ------------------------------------------------------------ plain choices

    def pick(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def chance(self, p):
        return bool(self.rng.random() < p)

    def integer(self, lo, hi):
        """Uniform in [lo, hi] inclusive (lo when the range is empty)."""
        if hi < lo:
            return lo
        return int(self.rng.integers(lo, hi + 1))

    def dtype(self, pool=None):
        if pool is None:
            pool = self.preferred if self.chance(0.85) else ALL_DTYPES
        return self.pick(pool)

    def size(self):
        return 0 if self.chance(0.05) else self.pick([1, 1, 2, 3, 3, 4, 5, 7])

    def shape(self, max_ndim=4, min_ndim=0):
        ndim = self.pick([n for n in (0, 1, 1, 2, 2, 2, 3, 3, 4) if min_ndim <= n <= max_ndim])
        return tuple(self.size() for _ in range(ndim))

    def partner_shape(self, shape):
        """Usually broadcast-compatible with ``shape``, sometimes not."""
        r = self.rng.random()
        if r < 0.3:
            return tuple(shape)
        if r < 0.6:
            keep = self.integer(0, len(shape))
            tail = shape[len(shape) - keep :]
            return tuple(1 if self.chance(0.3) else s for s in tail)
        if r < 0.8:
            return (self.size(),) * self.integer(0, 1) + tuple(shape)
        return self.shape()

    def dim(self, ndim):
        if self.chance(0.07):
            return self.pick([ndim, -ndim - 1, ndim + 2])  # out of range
        n = max(ndim, 1)  # 0-dim tensors accept dim 0 / -1
        return self.integer(-n, n - 1)

    def dims(self, ndim):
        """A dim list: sometimes (), sometimes with duplicates or negative entries."""
        if self.chance(0.1):
            return ()
        k = self.integer(1, max(ndim, 1))
        return tuple(self.dim(ndim) for _ in range(k))

    def values(self, shape, dtype):
        rng = self.rng
        if dtype == "bool":
            return rng.random(shape) < 0.5
        if dtype in INT_DTYPES:
            lo, hi = INT_RANGE[dtype] if self.chance(0.1) else (max(-4, INT_RANGE[dtype][0]), 4)
            return np.asarray(rng.integers(lo, hi + 1, size=shape)).astype(dtype)
        v = np.asarray(rng.uniform(-4, 4, size=shape))
        if self.chance(0.35):
            v = np.round(v * 2) / 2  # exact ties for comparisons, max, argmax, ...
        if v.size and self.chance(0.15):
            flat = v.reshape(-1)
            for _ in range(self.integer(1, 2)):
                flat[int(rng.integers(flat.size))] = self.pick([np.nan, np.inf, -np.inf, -0.0, 0.0])
        return v.astype(np.float32 if dtype == "bfloat16" else dtype)

    def scalar(self, dtype=None):
        """A Python number suited to ``dtype`` (any kind when None)."""
        if dtype in INT_DTYPES or (dtype is None and self.chance(0.4)):
            return self.pick([0, 1, 2, 3, -1, -2, 7])
        if dtype == "bool" or self.chance(0.1):
            return self.pick([True, False])
        return self.pick([0.5, -1.5, 2.0, 0.0, 3.25, -0.0, math.inf, math.nan, 1e-3])

    # ------------------------------------------------------------ tensors

    def existing(self, shape=None, dtype=None, pred=None):
        """Variables matching the constraints (torch's view of them)."""
        out = []
        for ref in self.program.tensor_refs():
            if shape is not None and ref.shape != tuple(shape):
                continue
            if dtype is not None and ref.dtype != dtype:
                continue
            if pred is not None and not pred(ref):
                continue
            out.append(ref)
        return out

    def tensor(self, shape=None, dtype=None, layout=None, requires_grad=None):
        """A tensor argument: an earlier result when one fits, else a new leaf."""
        if self.forced is not None:
            forced, self.forced = self.forced, None
            return forced
        if self.chance(self.reuse):
            found = self.existing(shape, dtype)
            if found:
                return self.pick(found)
        shape = self.shape() if shape is None else tuple(shape)
        dtype = dtype or self.dtype()
        return self.leaf(shape, dtype, layout, requires_grad)

    def leaf(self, shape, dtype, layout=None, requires_grad=None):
        if layout is None:
            r = self.rng.random()
            layout = "contig"
            if r < 0.12 and len(shape) >= 2:
                layout = "t"
            elif r < 0.25 and len(shape) >= 1:
                layout = "slice"
            elif r < 0.32 and len(shape) >= 1 and shape[0] > 1:
                layout = "expand"
        if requires_grad is None:
            requires_grad = dtype in FLOAT_DTYPES and layout == "contig" and self.chance(0.4)
        vals = self.values(shape, dtype)
        return self.program.new_leaf(vals, dtype, layout, requires_grad)

    def np_dtype(self, dtype):
        return np.dtype(np.float32 if dtype == "bfloat16" else dtype)

"""Sample-input builders for op_db.

Every builder returns ``gen(lib, dtype, rng)`` where ``dtype`` is a dtype
*name* ("float32") and ``rng`` a ``numpy.random.Generator``.  Data is always
drawn from numpy first and converted with ``lib.tensor``, so calling a
builder twice with equally seeded generators yields the same values for any
library -- that is what lets test_ops compare rtorch against torch.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from conftest import is_tensor

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
NUMERIC_DTYPES = INT_DTYPES + FLOAT_DTYPES

# Values where elementwise kernels typically special-case or go wrong.
SPECIAL_VALUES = np.array(
    [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, np.inf, -np.inf, np.nan, 3.75], dtype=np.float32
)


def np_dtype(name):
    # numpy has no bfloat16; its values are exactly representable in float32.
    return np.dtype(np.float32 if name == "bfloat16" else name)


def describe(x):
    if is_tensor(x):
        s = f"T{tuple(x.shape)}:{str(x.dtype).rsplit('.', 1)[-1]}"
        if x.numel() > 1 and not x.is_contiguous():
            s += f"/stride{tuple(x.stride())}"
        return s
    if isinstance(x, (list, tuple)):
        inner = ", ".join(describe(v) for v in x)
        return f"[{inner}]" if isinstance(x, list) else f"({inner})"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k}={describe(v)}" for k, v in x.items()) + "}"
    return repr(x)


@dataclass
class SampleInput:
    args: tuple
    kwargs: dict = field(default_factory=dict)
    name: str = ""
    # False when the sample sits on special values / kinks where numerical
    # gradients are meaningless.
    grad: bool = True

    def __repr__(self):
        return (
            f"SampleInput<{self.name}>(args={describe(self.args)}, kwargs={describe(self.kwargs)})"
        )


@dataclass
class ErrorInput:
    sample: SampleInput
    exc: type


def value_range(domain, default=3.0):
    """Open interval ``domain`` shrunk a little so random points stay away from the edges."""
    lo, hi = domain
    lo = -default if lo is None else lo + 0.1
    hi = default if hi is None else hi - 0.1
    return max(lo, -default), min(hi, default)


def make_values(rng, shape, dtype, low=-3.0, high=3.0, nonzero=False, discrete=False):
    shape = tuple(shape)
    if dtype == "bool":
        v = rng.random(shape) < 0.5
        return np.ones(shape, dtype=bool) if nonzero else np.asarray(v)
    if dtype in INT_DTYPES:
        lo, hi = math.ceil(low), math.floor(high)
        if dtype == "uint8":
            lo = max(lo, 0)
        hi = max(hi, lo)
        v = np.asarray(rng.integers(lo, hi + 1, size=shape))
        if nonzero:
            v = np.where(v == 0, 1 if hi >= 1 else -1, v)
        return v.astype(dtype)
    if discrete:
        # Half-integers give exact ties for comparison ops in every float dtype.
        v = rng.integers(int(2 * low), int(2 * high) + 1, size=shape) / 2.0
    else:
        v = rng.uniform(low, high, size=shape)
    v = np.asarray(v)
    if nonzero:
        v = np.where(np.abs(v) < 0.25, np.where(v < 0, -0.5, 0.5), v)
    return v.astype(np_dtype(dtype))


def make_tensor(lib, arr, dtype, layout="contig"):
    """numpy data -> lib tensor with the same values but the requested memory layout.

    layout: "contig"; "t" (transposed view); "slice" (every other element,
    non-zero storage offset).  Layouts that make no sense for the rank fall
    back to something that still has the right values.
    """
    arr = np.asarray(arr)
    dt = getattr(lib, dtype)
    if layout == "t" and arr.ndim >= 2:
        base = lib.tensor(np.ascontiguousarray(np.swapaxes(arr, -1, -2)), dtype=dt)
        return base.transpose(-1, -2)
    if layout in ("slice", "t") and arr.ndim >= 1:
        big = np.zeros(arr.shape[:-1] + (2 * arr.shape[-1] + 1,), dtype=arr.dtype)
        big[..., 1::2] = arr
        return lib.tensor(big, dtype=dt)[..., 1::2]
    return lib.tensor(arr, dtype=dt)


def make_expanded(lib, arr, dtype, shape):
    return lib.tensor(np.asarray(arr), dtype=getattr(lib, dtype)).expand(*shape)


def _tensor_factory(lib, rng, dtype, low, high, nonzero=False, discrete=False):
    def t(shape, layout="contig", d=dtype):
        return make_tensor(lib, make_values(rng, shape, d, low, high, nonzero, discrete), d, layout)

    def expanded(small_shape, shape, d=dtype):
        return make_expanded(
            lib,
            make_values(rng, small_shape, d, low, high, nonzero, discrete),
            d,
            shape,
        )

    return t, expanded


# ---------------------------------------------------------------- elementwise


def unary_samples(domain=(None, None), nonzero=False, extra=None):
    def gen(lib, dtype, rng):
        lo, hi = value_range(domain)
        t, expanded = _tensor_factory(lib, rng, dtype, lo, hi, nonzero)
        yield SampleInput((t((3, 4)),), name="2d")
        yield SampleInput((t(()),), name="0d")
        yield SampleInput((t((0,)),), name="empty")
        yield SampleInput((t((2, 0, 3)),), name="empty3d")
        yield SampleInput((t((4, 3), "t"),), name="transposed")
        yield SampleInput((t((2, 3, 5), "slice"),), name="strided")
        yield SampleInput((expanded((1, 4), (3, 4)),), name="expanded")
        yield SampleInput((t((37,)),), name="long1d")
        if dtype in FLOAT_DTYPES:
            yield SampleInput(
                (make_tensor(lib, SPECIAL_VALUES, dtype),), name="special", grad=False
            )
        if extra is not None:
            yield from extra(lib, dtype, rng, t)

    return gen


# Partner dtypes exercising type promotion: (dtype, shape); shape () is the
# 0-dim case whose dtype only wins across categories.
_PARTNERS = {
    "bool": [("int64", (3, 4)), ("float64", ())],
    "uint8": [("int8", (3, 4))],
    "int8": [("uint8", (4,))],
    "int16": [("int64", ())],
    "int32": [("float64", ()), ("int16", (3, 4))],
    "int64": [("float32", (4,)), ("bool", (3, 4))],
    "float16": [("float32", (4,)), ("bfloat16", (3, 4))],
    "bfloat16": [("float16", (3, 4))],
    "float32": [("float64", ()), ("int64", (3, 4))],
    "float64": [("int32", (3, 4)), ("float16", (4,))],
}


def mixed_partners(dtype, mode):
    if mode is None:
        return []
    parts = _PARTNERS[dtype]
    if mode == "int":
        parts = [p for p in parts if p[0] not in FLOAT_DTYPES]
    if mode == "nobool":
        parts = [p for p in parts if p[0] != "bool"]
    return parts


def binary_samples(
    lhs=(None, None),
    rhs=(None, None),
    nonzero=False,
    discrete=False,
    scalars=(2, 1.5),
    mixed="any",
    kwargs=None,
    extra=None,
):
    """Samples for f(a, b).

    ``kwargs``: keyword dicts tried on one pair, or a callable dtype -> list;
    ``mixed``: which promotion partners to use ("any", "int", "nobool", None).
    """

    def gen(lib, dtype, rng):
        la, lb = value_range(lhs)
        ra, rb = value_range(rhs)
        a, a_exp = _tensor_factory(lib, rng, dtype, la, lb, discrete=discrete)
        b, _ = _tensor_factory(lib, rng, dtype, ra, rb, nonzero=nonzero, discrete=discrete)
        yield SampleInput((a((3, 4)), b((3, 4))), name="same_shape")
        yield SampleInput((a((3, 1)), b((1, 4))), name="broadcast_both")
        yield SampleInput((a((2, 3, 4)), b((4,))), name="broadcast_rank")
        yield SampleInput((a((4,)), b((2, 1, 4))), name="broadcast_lhs")
        yield SampleInput((a(()), b((3,))), name="0d_lhs")
        yield SampleInput((a((2, 3)), b(())), name="0d_rhs")
        yield SampleInput((a(()), b(())), name="0d_both")
        yield SampleInput((a((0, 3)), b((3,))), name="empty")
        yield SampleInput((a((2, 0)), b((2, 1))), name="empty_broadcast")
        yield SampleInput((a((4, 3), "t"), b((4, 3), "slice")), name="noncontig")
        yield SampleInput((a_exp((1, 4), (3, 4)), b((3, 4), "t")), name="expanded")
        yield SampleInput((a((33,)), b((33,))), name="long1d")
        for s in scalars:
            yield SampleInput((a((3, 4)), s), name=f"scalar_{type(s).__name__}")
        for pd, shape in mixed_partners(dtype, mixed):
            yield SampleInput((a((3, 4)), b(shape, d=pd)), name=f"mixed_{pd}{list(shape)}")
            yield SampleInput((a(shape, d=pd), b((3, 4))), name=f"mixed_{pd}{list(shape)}_lhs")
        for kw in kwargs(dtype) if callable(kwargs) else kwargs or ():
            yield SampleInput((a((3, 4)), b((4,))), dict(kw), name=f"kw_{sorted(kw)}")
        if dtype in FLOAT_DTYPES:
            x = SPECIAL_VALUES
            y = np.roll(SPECIAL_VALUES, 3)
            yield SampleInput(
                (make_tensor(lib, x, dtype), make_tensor(lib, y, dtype)),
                name="special",
                grad=False,
            )
        if extra is not None:
            yield from extra(lib, dtype, rng, a, b)

    return gen


# ---------------------------------------------------------------- reductions


def reduction_samples(
    full=True,
    tuple_dims=True,
    keepdim=True,
    dtype_kw=False,
    empty_full=True,
    low=-3.0,
    high=3.0,
    discrete=False,
    grad_0d=True,
    extra=None,
):
    """Samples for f(x, dim=..., keepdim=...).

    full: op may be called without dim; empty_full: reducing a size-0 dim is
    defined (identity exists); grad_0d=False when a one-element reduction is
    nan (std/var), where gradcheck has nothing to compare.
    """

    def gen(lib, dtype, rng):
        t, expanded = _tensor_factory(lib, rng, dtype, low, high, discrete=discrete)
        if full:
            yield SampleInput((t((3, 4)),), name="full")
            yield SampleInput((t(()),), name="full_0d", grad=grad_0d)
        yield SampleInput((t((3, 4)),), {"dim": 1}, name="dim1")
        yield SampleInput((t((3, 4)),), {"dim": 0}, name="dim0")
        if keepdim:
            yield SampleInput((t((2, 3, 4)),), {"dim": -1, "keepdim": True}, name="keepdim")
            yield SampleInput((t((2, 3, 4)),), {"dim": 1, "keepdim": False}, name="nokeepdim")
        if tuple_dims:
            yield SampleInput((t((2, 3, 4)),), {"dim": (0, 2)}, name="dim_tuple")
            kw = {"dim": (-1, 0)}
            if keepdim:
                kw["keepdim"] = True
            yield SampleInput((t((2, 3, 4)),), kw, name="dim_tuple_neg")
        yield SampleInput((t(()),), {"dim": 0}, name="0d_dim0", grad=grad_0d)
        yield SampleInput((t(()),), {"dim": -1}, name="0d_dim-1", grad=grad_0d)
        yield SampleInput((t((5,)),), {"dim": 0}, name="1d")
        yield SampleInput((t((4, 3), "t"),), {"dim": 0}, name="transposed")
        yield SampleInput((t((2, 3, 5), "slice"),), {"dim": 1}, name="strided")
        # Reducing along the expanded dim makes every value a tie for max/min.
        yield SampleInput((expanded((1, 4), (3, 4)),), {"dim": 0}, name="expanded", grad=False)
        yield SampleInput((t((0, 3)),), {"dim": 1}, name="empty_keep_dim")
        if empty_full:
            yield SampleInput((t((0, 3)),), {"dim": 0}, name="empty_reduced_dim")
            if full:
                yield SampleInput((t((0,)),), name="empty_full")
        if dtype_kw:
            kw = {"dim": 1, "dtype": lib.float64}
            yield SampleInput((t((3, 4)),), kw, name="dtype_kw")
        if extra is not None:
            yield from extra(lib, dtype, rng, t)

    return gen


# ---------------------------------------------------------------- other families


def join_samples(stack=False):
    def gen(lib, dtype, rng):
        t, expanded = _tensor_factory(lib, rng, dtype, -3, 3)
        if stack:
            yield SampleInput(([t((2, 3)), t((2, 3)), t((2, 3))],), name="dim0")
            yield SampleInput(([t((2, 3)), t((2, 3))],), {"dim": 1}, name="dim1")
            yield SampleInput(([t((2, 3)), t((2, 3))],), {"dim": 2}, name="dim_last")
            yield SampleInput(([t((2, 3)), t((2, 3))],), {"dim": -1}, name="dim_neg")
            yield SampleInput(([t(()), t(()), t(())],), name="0d")
            yield SampleInput(([t((0, 3)), t((0, 3))],), {"dim": 1}, name="empty")
            yield SampleInput(([t((2, 3))],), name="single")
            yield SampleInput(
                ((t((4, 3), "t"), t((4, 3), "slice")),),
                {"dim": 1},
                name="noncontig_tuple",
            )
            yield SampleInput(([expanded((1, 3), (2, 3)), t((2, 3))],), name="expanded")
            for pd, _ in mixed_partners(dtype, "any"):
                yield SampleInput(([t((2, 3)), t((2, 3), d=pd)],), name=f"mixed_{pd}")
            return
        yield SampleInput(([t((2, 3)), t((4, 3))],), name="dim0")
        yield SampleInput(([t((2, 3)), t((2, 1)), t((2, 0))],), {"dim": 1}, name="dim1_with_empty")
        yield SampleInput(([t((2, 3, 2)), t((2, 1, 2))],), {"dim": -2}, name="dim_neg")
        yield SampleInput(([t((0,)), t((2, 3))],), name="legacy_empty_1d")
        yield SampleInput(([t((0, 3)), t((0, 3))],), name="all_empty")
        yield SampleInput(([t((3,))],), name="single")
        yield SampleInput(((t((4, 3), "t"), t((2, 3), "slice")),), name="noncontig_tuple")
        yield SampleInput(([expanded((1, 3), (2, 3)), t((1, 3))],), name="expanded")
        yield SampleInput(([t((2, 3)), t((2, 4))],), {"dim": 1}, name="dim1")
        for pd, _ in mixed_partners(dtype, "any"):
            yield SampleInput(([t((2, 3)), t((1, 3), d=pd)],), name=f"mixed_{pd}")

    return gen


def blas_samples(shapes, kwargs=None, extra=None):
    """``shapes``: list of (name, [shape per tensor arg], layouts or None).

    ``kwargs(dtype)`` lists keyword dicts (beta/alpha) tried on the first shape.
    """

    def gen(lib, dtype, rng):
        # Small values keep int products from overflowing int8/uint8.
        t, _ = _tensor_factory(lib, rng, dtype, -2, 2)
        for name, arg_shapes, layouts in shapes:
            layouts = layouts or ["contig"] * len(arg_shapes)
            args = tuple(t(s, lay) for s, lay in zip(arg_shapes, layouts))
            yield SampleInput(args, name=name)
        if kwargs is not None:
            name, arg_shapes, _ = shapes[0]
            for kw in kwargs(dtype):
                args = tuple(t(s) for s in arg_shapes)
                yield SampleInput(args, dict(kw), name=f"{name}_{sorted(kw)}")
        if extra is not None:
            yield from extra(lib, dtype, rng, t)

    return gen


# ---------------------------------------------------------------- op-specific samples

INT_AND_BOOL = ("bool",) + INT_DTYPES


def round_extra(lib, dtype, rng, t):
    if dtype in FLOAT_DTYPES:
        yield SampleInput((t((3, 4)),), {"decimals": 1}, name="decimals1")
        yield SampleInput((t((3, 4)),), {"decimals": -1}, name="decimals-1")


def nan_to_num_extra(lib, dtype, rng, t):
    if dtype in FLOAT_DTYPES:
        x = make_tensor(lib, SPECIAL_VALUES, dtype)
        kw = {"nan": 0.5, "posinf": 10.0, "neginf": -10.0}
        yield SampleInput((x,), kw, name="all_kw", grad=False)
        yield SampleInput((x,), {"nan": 1.0}, name="nan_kw", grad=False)


def pow_extra(lib, dtype, rng, a, b):
    # Negative bases are only defined for integral exponents.
    base = make_tensor(lib, make_values(rng, (3, 4), dtype, -3, 3), dtype)
    expo = make_tensor(
        lib,
        make_values(rng, (3, 4), "int64", 0, 3).astype(
            np.float32 if dtype in FLOAT_DTYPES else dtype
        ),
        dtype,
    )
    yield SampleInput((base, expo), name="neg_base_int_exp", grad=False)
    yield SampleInput((2, b((3, 4))), name="scalar_base")
    if dtype in FLOAT_DTYPES:
        yield SampleInput((a((3, 4)), -1.5), name="neg_scalar_exp")


def div_kwargs(dtype):
    # Rounding division has no bool kernel in torch.
    modes = [None] if dtype == "bool" else [None, "trunc", "floor"]
    return [{"rounding_mode": m} for m in modes]


def _bounds(dtype):
    if dtype in FLOAT_DTYPES:
        return -1.0, 1.5
    return (0, 1) if dtype in ("bool", "uint8") else (-1, 2)


def clamp_samples(lib, dtype, rng):
    t, e = _tensor_factory(lib, rng, dtype, -3, 3)
    lo, hi = _bounds(dtype)
    yield SampleInput((t((3, 4)),), {"min": lo}, name="min_only")
    yield SampleInput((t((3, 4)),), {"max": hi}, name="max_only")
    yield SampleInput((t((3, 4)), lo, hi), name="positional")
    if dtype != "bool":  # no bool kernel for tensor bounds
        yield SampleInput((t((3, 4)),), {"min": t((4,)), "max": t((3, 1))}, name="tensor_bounds")
    yield SampleInput((t(()),), {"min": lo}, name="0d")
    yield SampleInput((t((0, 3)),), {"min": lo, "max": hi}, name="empty")
    yield SampleInput((t((4, 3), "t"),), {"min": lo, "max": hi}, name="noncontig")
    yield SampleInput((e((1, 4), (3, 4)),), {"max": hi}, name="expanded")
    yield SampleInput((t((3, 4)),), {"min": hi, "max": lo}, name="min_gt_max")
    if dtype in INT_DTYPES:
        yield SampleInput((t((3, 4)),), {"min": 0.5}, name="float_bound_int_tensor")
    if dtype in FLOAT_DTYPES:
        yield SampleInput(
            (make_tensor(lib, SPECIAL_VALUES, dtype),),
            {"min": -1.0, "max": 1.0},
            name="special",
            grad=False,
        )


def lerp_samples(lib, dtype, rng):
    t, _ = _tensor_factory(lib, rng, dtype, -3, 3)
    w, _ = _tensor_factory(lib, rng, dtype, -0.5, 1.5)
    yield SampleInput((t((3, 4)), t((3, 4)), 0.3), name="scalar_low")
    yield SampleInput((t((3, 4)), t((3, 4)), 0.7), name="scalar_high")
    yield SampleInput((t((3, 4)), t((4,)), w((3, 1))), name="tensor_weight_broadcast")
    yield SampleInput((t(()), t(()), w(())), name="0d")
    yield SampleInput((t((3, 4)), t((3, 4)), w(())), name="0d_weight")
    yield SampleInput((t((0, 3)), t((0, 3)), 0.5), name="empty")
    yield SampleInput((t((4, 3), "t"), t((4, 3), "slice"), w((4, 3), "t")), name="noncontig")
    yield SampleInput((t((3, 4)), t((3, 4))), {"weight": 0.25}, name="weight_kw")


def _scalar_for(dtype):
    if dtype == "bool":
        return True
    return 2 if dtype in INT_DTYPES else 0.5


def where_samples(lib, dtype, rng):
    t, _ = _tensor_factory(lib, rng, dtype, -3, 3)
    c, _ = _tensor_factory(lib, rng, "bool", 0, 1)
    s = _scalar_for(dtype)
    yield SampleInput((c((3, 4)), t((3, 4)), t((3, 4))), name="same_shape")
    yield SampleInput((c((3, 1)), t((1, 4)), t(())), name="broadcast")
    yield SampleInput((c((3, 4)), t((3, 4)), s), name="scalar_other")
    yield SampleInput((c((3, 4)), s, t((4,))), name="scalar_self")
    yield SampleInput((c(()), t(()), t(())), name="0d")
    yield SampleInput((c((0, 3)), t((0, 3)), t((3,))), name="empty")
    yield SampleInput((c((4, 3), "t"), t((4, 3), "slice"), t((4, 3), "t")), name="noncontig")
    for pd, shape in mixed_partners(dtype, "any"):
        yield SampleInput((c((3, 4)), t((3, 4)), t(shape, d=pd)), name=f"mixed_{pd}")


def masked_fill_samples(lib, dtype, rng):
    t, e = _tensor_factory(lib, rng, dtype, -3, 3)
    m, _ = _tensor_factory(lib, rng, "bool", 0, 1)
    s = _scalar_for(dtype)
    yield SampleInput((t((3, 4)), m((3, 4)), s), name="scalar")
    yield SampleInput((t((3, 4)), m((3, 1)), s), name="broadcast_mask")
    yield SampleInput((t((3, 4)), m((4,)), t(())), name="0d_tensor_value")
    yield SampleInput((t(()), m(()), s), name="0d")
    yield SampleInput((t((0, 3)), m((0, 3)), s), name="empty")
    yield SampleInput((t((4, 3), "t"), m((4, 3), "slice"), s), name="noncontig")
    yield SampleInput((e((1, 4), (3, 4)), m((3, 4)), s), name="expanded")
    yield SampleInput((t((3, 4)), m((3, 4))), {"value": s}, name="value_kw")


def nonzero_samples(lib, dtype, rng):
    # Small integers so that many elements are exactly zero.
    t, e = _tensor_factory(lib, rng, dtype, -1, 2, discrete=True)
    yield SampleInput((t((3, 4)),), name="2d")
    yield SampleInput((t((2, 3, 4)),), name="3d")
    yield SampleInput((t(()),), name="0d")
    yield SampleInput((t((0, 3)),), name="empty")
    yield SampleInput((t((4, 3), "t"),), name="noncontig")
    yield SampleInput((e((1, 4), (3, 4)),), name="expanded")
    yield SampleInput((t((3, 4)),), {"as_tuple": True}, name="as_tuple")


def addc_samples(nonzero):
    def gen(lib, dtype, rng):
        t, _ = _tensor_factory(lib, rng, dtype, -3, 3)
        d, _ = _tensor_factory(lib, rng, dtype, -3, 3, nonzero=nonzero)
        v = 2 if dtype in INT_AND_BOOL else 0.5
        yield SampleInput((t((3, 4)), t((3, 4)), d((3, 4))), name="same_shape")
        yield SampleInput((t((3, 1)), t((4,)), d((3, 4))), name="broadcast")
        yield SampleInput((t((3, 4)), t((3, 4)), d((3, 4))), {"value": v}, name="value_kw")
        yield SampleInput((t(()), t(()), d(())), name="0d")
        yield SampleInput((t((0, 3)), t((0, 3)), d((3,))), name="empty")
        yield SampleInput((t((4, 3), "t"), t((4, 3), "slice"), d((4, 3), "t")), name="noncontig")

    return gen


def max_extra(lib, dtype, rng, t):
    yield SampleInput((t((3, 4)), t((4,))), name="binary_other")
    yield SampleInput((t((3, 4)), 1), {"keepdim": True}, name="positional_dim")


def std_extra(lib, dtype, rng, t):
    yield SampleInput((t((3, 4)),), {"dim": 1, "unbiased": False}, name="unbiased_false")
    yield SampleInput(
        (t((3, 4)),),
        {"dim": (0, 1), "correction": 0, "keepdim": True},
        name="correction0",
    )
    yield SampleInput((t((3, 4)),), {"correction": 2}, name="correction2")
    yield SampleInput((t((3, 4)), 0), name="positional_dim")


def norm_extra(lib, dtype, rng, t):
    yield SampleInput((t((3, 4)),), {"p": 1, "dim": 1}, name="p1")
    yield SampleInput((t((3, 4)),), {"p": math.inf}, name="pinf")
    yield SampleInput((t((3, 4)),), {"p": -math.inf, "dim": 0}, name="p-inf")
    yield SampleInput((t((3, 4)),), {"p": 3, "dim": (0, 1), "keepdim": True}, name="p3")
    yield SampleInput((t((3, 4)),), {"p": "fro", "dim": (0, 1)}, name="fro")
    yield SampleInput((t((3, 4)), 2, 1), name="positional")


def beta_alpha_kwargs(dtype):
    if dtype == "bool":
        return [{"beta": False, "alpha": True}]
    if dtype in INT_DTYPES:
        return [{"beta": 2, "alpha": 3}, {"beta": 0}]
    return [{"beta": 0.5, "alpha": 2.0}, {"beta": 0}, {"alpha": -1.5}]


def beta_zero_nan_extra(shape):
    # beta=0 must not propagate nan from the ignored input.
    def extra(lib, dtype, rng, t):
        if dtype in FLOAT_DTYPES:
            inp = make_tensor(lib, np.full(shape[0], np.nan, np.float32), dtype)
            yield SampleInput(
                (inp,) + tuple(t(s) for s in shape[1:]),
                {"beta": 0},
                name="beta0_nan_input",
                grad=False,
            )

    return extra


MATMUL_SHAPES = [
    ("1x1", [(4,), (4,)], None),
    ("1x2", [(4,), (4, 5)], None),
    ("2x1", [(3, 4), (4,)], None),
    ("2x2", [(3, 4), (4, 5)], None),
    ("3x1", [(2, 3, 4), (4,)], None),
    ("1x3", [(4,), (2, 4, 5)], None),
    ("3x3", [(2, 3, 4), (2, 4, 5)], None),
    ("3x2", [(2, 3, 4), (4, 5)], None),
    ("2x3", [(3, 4), (2, 4, 5)], None),
    ("4x3_broadcast", [(2, 1, 3, 4), (5, 4, 2)], None),
    ("3x4_broadcast", [(1, 3, 4), (2, 2, 4, 5)], None),
    ("2x2_noncontig", [(3, 4), (4, 5)], ["t", "slice"]),
    ("3x3_noncontig", [(2, 3, 4), (2, 4, 5)], ["slice", "t"]),
    ("empty_m", [(0, 4), (4, 5)], None),
    ("empty_k", [(3, 0), (0, 5)], None),
    ("empty_batch", [(0, 3, 4), (4, 5)], None),
]

# Names with the unsupported dtypes per torch 2.x CPU (checked against torch).

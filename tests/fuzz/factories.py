"""Steps creating tensors: fills, ranges, seeded random factories, ``tensor``/NumPy input.

Random factories run right after ``lib.manual_seed(s)`` (or with a seeded
``Generator``): rtorch reproduces torch's CPU streams, so their values are compared
like any other.  ``empty``-like results are compared by dtype, shape and strides only.
"""

import math

import numpy as np

from .gen import ALL_DTYPES, FLOAT_DTYPES, INT_DTYPES, Raw, call_src, refs_in
from .program import Step

INT_LIMITS = {d: (np.iinfo(d).min, np.iinfo(d).max) for d in INT_DTYPES}
NP_DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64")


def size_args(g, shape):
    """``shape`` written as varargs, a tuple, a list, or a bad size."""
    if g.chance(0.05):
        return (g.pick([-1, 2.5, "3", None]),)
    r = g.rng.random()
    if r < 0.45:
        return tuple(shape)
    if r < 0.8:
        return (tuple(shape),)
    return (list(shape),)


def dtype_kw(g, pool=ALL_DTYPES, p=0.6):
    return {"dtype": Raw(f"lib.{g.pick(pool)}")} if g.chance(p) else {}


def fill_step(g):
    name = g.pick(["zeros", "ones", "empty", "full", "eye"])
    shape = g.shape()
    kw = dtype_kw(g)
    if g.chance(0.15):
        kw["requires_grad"] = True
    if name == "full":
        fill = g.pick([0, 3, -2, 1.5, math.nan, -math.inf, True, False])
        args = ((tuple(shape) if g.chance(0.8) else list(shape)), fill)
    elif name == "eye":
        args = (g.integer(0, 4),) + ((g.integer(0, 4),) if g.chance(0.5) else ())
        if g.chance(0.05):
            args = (-1,)
    else:
        args = size_args(g, shape)
    out = g.program.new_name()
    yield Step(
        f"{out} = " + call_src(f"lib.{name}", args, kw), name, out, meta_only=name == "empty"
    )


def range_step(g):
    name = g.pick(["arange", "arange", "linspace", "logspace"])
    out = g.program.new_name()
    tags = set()
    kw = dtype_kw(g, p=0.35)
    if name == "arange":
        ints = g.chance(0.5)

        def num():
            return g.integer(-6, 9) if ints else g.pick([0.0, 0.5, -1.25, 2.75, 1e-1, 3.0, 0.3])

        r = g.rng.random()
        if r < 0.3:
            args = (num(),)
        elif r < 0.6:
            args = (num(), num())
        else:
            step = g.pick([1, 2, -1, -2, 0.5, -0.25, 0.1, 0.3, 3]) if g.chance(0.97) else 0
            args = (num(), num(), step)
        if g.chance(0.1):
            args = tuple(np.float32(a) if isinstance(a, float) else np.int64(a) for a in args)
    else:
        start = g.pick([0, 1, -2, 0.5, -3.5, 10])
        end = g.pick([0, 1, 5, -1, 2.25, 100])
        steps = g.pick([0, 1, 2, 3, 5, 7, 10]) if g.chance(0.95) else -1
        args = (start, end, steps)
        if name == "logspace" and g.chance(0.4):
            kw["base"] = g.pick([2, 10.0, 0.5])
        if g.chance(0.1):
            args = (args[0], args[1])  # steps is required
        if name == "logspace" and _logspace_leaves_int_range(args, kw):
            tags = {"ub-cast"}  # torch casts the out-of-range double to the int (undefined)
    step = Step(f"{out} = " + call_src(f"lib.{name}", args, kw), name, out)
    step.tags |= tags
    yield step


INT_RANGES = {
    "uint8": (0, 255),
    "int8": (-128, 127),
    "int16": (-(2**15), 2**15 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
}


def _logspace_leaves_int_range(args, kw):
    dtype = getattr(kw.get("dtype"), "text", "").removeprefix("lib.")
    if dtype not in INT_RANGES or len(args) < 3 or not isinstance(args[2], int) or args[2] < 1:
        return False
    base = float(kw.get("base", 10.0))
    lo, hi = INT_RANGES[dtype]
    exps = np.linspace(float(args[0]), float(args[1]), args[2])
    with np.errstate(over="ignore"):
        vals = np.power(base, exps)
    return bool(np.any((vals < lo) | (vals >= hi + 1) | ~np.isfinite(vals)))


def random_step(g):
    name = g.pick(["rand", "randn", "randint", "randperm", "rand_like", "randn_like", "bernoulli"])
    seed = g.integer(0, 2**31)
    use_gen = g.chance(0.25)
    kw = {"generator": Raw(f"lib.Generator().manual_seed({seed})")} if use_gen else {}
    prefix = "" if use_gen else f"lib.manual_seed({seed})\n"
    out = g.program.new_name()
    shape = g.shape()
    reads = []
    if name in ("rand", "randn"):
        kw.update(dtype_kw(g, FLOAT_DTYPES))
        call = call_src(f"lib.{name}", size_args(g, shape), kw)
    elif name == "randint":
        low, high = g.pick([(0, 10), (-5, 5), (3, 4), (0, 2**40), (5, 5)])
        args = ((high,) if g.chance(0.3) else (low, high)) + (tuple(shape),)
        kw.update(dtype_kw(g, ALL_DTYPES, 0.3))
        call = call_src("lib.randint", args, kw)
    elif name == "randperm":
        kw.update(dtype_kw(g, ("int64", "int32", "float32", "float64", "int16"), 0.3))
        call = call_src("lib.randperm", (g.integer(0, 12) if g.chance(0.95) else -1,), kw)
    elif name == "bernoulli":
        p = g.program.const(g.rng.random(shape))
        dtype = g.pick(["float32", "float64", "float16"])
        call = call_src("lib.bernoulli", (Raw(f"lib.tensor({p}, dtype=lib.{dtype})"),), kw)
    else:
        x = g.tensor(dtype=g.pick(FLOAT_DTYPES) if g.chance(0.9) else None)
        reads = [x.name.split("[")[0]]
        kw.pop("generator", None)
        prefix = f"lib.manual_seed({seed})\n"
        call = call_src(f"lib.{name}", (x,), dtype_kw(g, FLOAT_DTYPES, 0.3))
    yield Step(f"{prefix}{out} = {call}", name, out, reads, tags={"random"})


def random_inplace_step(g):
    dtype = g.pick(FLOAT_DTYPES + ("int64", "int32", "uint8"))
    x = g.leaf(g.shape(), dtype, None, False)
    name = g.pick(["uniform_", "normal_", "random_", "bernoulli_"])
    if name == "uniform_":
        args = g.pick([(), (-2.0, 3.0), (1, 1)])
    elif name == "normal_":
        args = g.pick([(), (1.0, 0.5), (0.0, 2)])
    elif name == "random_":
        args = g.pick([(), (10,), (-3, 4), (0, 2)])
    else:
        args = g.pick([(), (0.5,), (0.0,), (1.0,)])
    out = g.program.new_name("r")
    seed = g.integer(0, 2**31)
    text = f"lib.manual_seed({seed})\n{out} = " + call_src(f"{x.name}.{name}", args, {})
    yield Step(text, name, out, [x.name], [x.name], False, returns_self=x.name, tags={"random"})


def like_step(g):
    name = g.pick(["zeros_like", "ones_like", "full_like", "empty_like", "new_zeros",
                   "new_ones", "new_full", "new_empty", "new_tensor"])  # fmt: skip
    x = g.tensor()
    kw = dtype_kw(g, p=0.4)
    out = g.program.new_name()
    if name.endswith("_like"):
        args = (x, g.scalar(None)) if name == "full_like" else (x,)
        head = f"lib.{name}"
    else:
        head = f"{x.name}.{name}"
        if name == "new_tensor":
            args = (g.values(g.shape(max_ndim=2), g.pick(NP_DTYPES)).tolist(),)
        else:
            args = (tuple(g.shape(max_ndim=3)),)
            if name == "new_full":
                args += (g.scalar(None),)
    meta = name in ("empty_like", "new_empty")
    reads = [x.name.split("[")[0]] + refs_in(args)
    yield Step(f"{out} = " + call_src(head, args, kw), name, out, reads, meta_only=meta)


def data_step(g):
    """``tensor``/``as_tensor``/``from_numpy`` on Python data and NumPy arrays."""
    out = g.program.new_name()
    r = g.rng.random()
    kw = dtype_kw(g, p=0.4)
    if r < 0.35:
        data = g.pick(
            [
                3, -2.5, True, 2**40, [], [[]], [1, 2.5], [True, 2], [[1, 2], [3, 4]],
                [[1, 2], [3]], [1, None], [math.nan, math.inf], np.float32(1.5),
                np.int8(-3), [np.float64(0.5), 2], (1, 2, 3), [[True], [False]], 2**63, -2**63,
            ]
        )  # fmt: skip
        yield Step(f"{out} = " + call_src("lib.tensor", (data,), kw), "tensor(py)", out)
        return
    dtype = g.pick(NP_DTYPES)
    shape = g.shape()
    values = g.values(shape, dtype)
    if values.ndim >= 2 and g.chance(0.2):
        values = values.T  # a non-contiguous array
    c = g.program.const(values)
    if g.chance(0.2) and values.ndim >= 1:
        c = f"{c}[::-1]" if g.chance(0.3) else f"{c}[::2]"
    tags = set()
    target = kw["dtype"].text[4:] if "dtype" in kw else None
    if dtype in FLOAT_DTYPES and target in INT_DTYPES:
        lo, hi = INT_LIMITS[target]
        finite = np.isfinite(values)
        if not finite.all() or (values < lo).any() or (values > hi).any():
            tags.add("ub-cast")
    if r < 0.6:
        step = Step(f"{out} = " + call_src("lib.tensor", (Raw(c),), kw), "tensor(np)", out)
        step.tags = tags
        yield step
        return
    name = "as_tensor" if r < 0.8 else "from_numpy"
    call = call_src(f"lib.{name}", (Raw(c),), kw if name == "as_tensor" else {})
    yield Step(f"{out} = {call}", name, out, tags=tags)
    if out in g.program.ns["torch"] and g.chance(0.7):
        # A write through the tensor must show in the array when they share memory.
        base = c.split("[::")[0]
        step = Step(f"{out}.fill_(1)", f"{name}+write", None, [out], [out])
        step.checks = [(base, "alias")]
        yield step


def factory_step(g):
    r = g.rng.random()
    if r < 0.25:
        yield from fill_step(g)
    elif r < 0.45:
        yield from range_step(g)
    elif r < 0.62:
        yield from random_step(g)
    elif r < 0.7:
        yield from random_inplace_step(g)
    elif r < 0.82:
        yield from like_step(g)
    else:
        yield from data_step(g)

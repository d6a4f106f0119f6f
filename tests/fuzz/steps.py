"""Step generators for views, indexing, writes through views, conversions and backward.

Each generator takes a ``Gen`` and yields ``Step``s; between two yields the program
has run the step, so a generator can look at torch's result (``peek``) to build
the next one (a view, then an in-place write through it).
"""

import math

import numpy as np

from .gen import FLOAT_DTYPES, INT_DTYPES, Ref, call_src, refs_in, src
from .ops import GENERATORS, registry_ops
from .program import Step


def peek(g, expr):
    """torch's value of an expression over the program's variables (None if it raises)."""
    try:
        return eval(expr, g.program.ns["torch"])
    except Exception:  # noqa: BLE001
        return None


def plain_target(g, **kw):
    """A variable that can be written in place and rebound (not a sequence element)."""
    found = [r for r in g.existing(**kw) if "[" not in r.name]
    if found and g.chance(0.8):
        return g.pick(found)
    return g.leaf(kw.get("shape") or g.shape(), kw.get("dtype") or g.dtype())


def factor_shape(g, numel, max_ndim=4, valid=False):
    """A random shape with ``numel`` elements (maybe with one -1), sometimes a wrong one."""
    if not valid and g.chance(0.05):
        return (numel + 1,) if numel else (2, -1)
    dims = []
    rest = numel
    for _ in range(g.integer(0, max_ndim - 1)):
        divisors = [d for d in range(1, 8) if rest and rest % d == 0] or [1]
        d = g.pick(divisors)
        dims.append(d)
        rest = rest // d if rest else 0
    dims.append(rest)
    g.rng.shuffle(dims)
    if numel == 0 and g.chance(0.5):
        dims = [0] + dims
    if not valid and g.chance(0.3) and numel:
        dims[g.integer(0, len(dims) - 1)] = -1
    if numel == 1 and g.chance(0.2):
        dims = []
    return tuple(int(d) for d in dims)


# ------------------------------------------------------------ views


def view_args(g, x):
    """(method name, args, kwargs) of a random view/movement op on ``x``."""
    n, shape = x.ndim, x.shape
    name = g.pick(
        [
            "view", "reshape", "t", "T", "mT", "transpose", "permute", "unsqueeze", "squeeze",
            "flatten", "unflatten", "narrow", "select", "diagonal", "expand", "movedim",
            "swapaxes", "flip", "unbind", "split", "chunk", "as_strided", "detach",
            "contiguous", "clone", "view_as", "reshape_as", "expand_as",
        ]
    )  # fmt: skip
    d = g.dim(n)
    if name in ("view", "reshape"):
        new = factor_shape(g, x.numel)
        return name, (new,) if g.chance(0.4) else new, {}
    if name in ("t", "T", "mT", "detach", "contiguous", "clone"):
        return name, (), {}
    if name in ("transpose", "swapaxes", "movedim", "diagonal"):
        args = (d, g.dim(n))
        if name == "diagonal":
            return name, (), {"offset": g.integer(-2, 2), "dim1": args[0], "dim2": args[1]}
        return name, args, {}
    if name == "permute":
        perm = [int(v) for v in g.rng.permutation(n)]
        if perm and g.chance(0.3):
            perm[0] -= n  # negative dims are fine
        if g.chance(0.07):
            perm = perm + [0] if g.chance(0.5) else perm[:-1]
        return name, (tuple(perm),) if g.chance(0.5) else tuple(perm), {}
    if name == "unsqueeze":
        return name, (g.integer(-n - 1, n) if g.chance(0.95) else n + 2,), {}
    if name == "squeeze":
        r = g.rng.random()
        if r < 0.3:
            return name, (), {}
        if r < 0.7:
            return name, (d,), {}
        return name, (g.dims(n),), {}
    if name == "flatten":
        return name, (), {"start_dim": d, "end_dim": g.dim(n)}
    if name == "unflatten":
        size = shape[d] if -max(n, 1) <= d < n and n else 1
        return name, (d, factor_shape(g, size, 3) or (1,)), {}
    if name == "narrow":
        size = shape[d] if -max(n, 1) <= d < n and n else 1
        start = g.integer(-size, size)
        return name, (d, start, g.integer(0, max(size - max(start, 0), 0) + (g.chance(0.05)))), {}
    if name == "select":
        size = shape[d] if -max(n, 1) <= d < n and n else 1
        return name, (d, g.integer(-size - 1, size)), {}
    if name in ("expand",):
        target = [s if s != 1 or g.chance(0.5) else g.integer(0, 4) for s in shape]
        target = [-1 if g.chance(0.2) else s for s in target]
        target = [g.integer(1, 3) for _ in range(g.integer(0, 2))] + target
        return name, tuple(target), {}
    if name == "flip":
        return name, (g.dims(n),), {}
    if name == "unbind":
        return name, (d,), {}
    if name == "split":
        size = shape[d] if -max(n, 1) <= d < n and n else 1
        if g.chance(0.5):
            return name, (g.integer(0 if g.chance(0.05) else 1, max(size, 1)),), {"dim": d}
        sizes = [g.integer(0, size)]
        sizes.append(size - sizes[0] + (1 if g.chance(0.05) else 0))
        return name, (sizes,), {"dim": d}
    if name == "chunk":
        return name, (g.integer(0 if g.chance(0.05) else 1, 4),), {"dim": d}
    if name == "as_strided":
        k = max(x.numel, 1)
        rows = g.integer(1, max(1, k // 2))
        return name, ((rows, 2), (1, 1), 0), {}
    other = g.tensor(
        factor_shape(g, x.numel, valid=True) if name != "expand_as" else g.partner_shape(shape)
    )
    return name, (other,), {}


def view_step(g):
    x = g.tensor()
    name, args, kwargs = view_args(g, x)
    out = g.program.new_name()
    if name in ("T", "mT"):
        text = f"{out} = {x.name}.{name}"
    elif name in ("split", "unbind", "movedim", "swapaxes") and g.chance(0.3):
        text = f"{out} = " + call_src(f"lib.{name}", (x,) + tuple(args), kwargs)
    else:
        text = f"{out} = " + call_src(f"{x.name}.{name}", args, kwargs)
    step = Step(text, name, out, [x.name.split("[")[0]] + refs_in(args))
    if name == "as_strided":
        step.tags.add("as_strided")
    yield step
    view = peek(g, out)
    if view is not None and g.chance(0.6):
        refs = [r for r in g.program.tensor_refs() if r.name == out or r.name.startswith(out + "[")]
        if refs:
            yield from write_step(g, g.pick(refs))


# ------------------------------------------------------------ indexing


def index_items(g, x):
    """A random index for ``x``: a tuple of ints, slices, None, ..., bools (and rarely tensors)."""
    items = []
    budget = x.ndim
    dim = 0
    for _ in range(g.integer(1, min(x.ndim + 1, 4))):
        r = g.rng.random()
        size = x.shape[dim] if dim < x.ndim else 0
        if r < 0.3 and budget > 0:
            items.append(g.integer(-size - (g.chance(0.05)), size - 1 + (g.chance(0.05))))
            budget -= 1
            dim += 1
        elif r < 0.65 and budget > 0:
            start = g.pick([None, None, 0, 1, -1, -size - 2, size + 3])
            stop = g.pick([None, None, 1, -1, size, size + 5, 0])
            step = g.pick([None, None, 1, 2, 3]) if g.chance(0.97) else g.pick([-1, 0])
            items.append(slice(start, stop, step))
            budget -= 1
            dim += 1
        elif r < 0.78:
            items.append(None)
        elif r < 0.86 and Ellipsis not in items:
            items.append(Ellipsis)
            dim = x.ndim
        elif r < 0.93:
            items.append(g.pick([True, False]))
        elif g.chance(0.3):
            items.append("ADVANCED")
        else:
            items.append(g.pick([slice(None), None]))
    if g.chance(0.05):
        items.append(0)  # maybe too many indices
    return items


def index_src(g, x, items):
    parts = []
    tags = set()
    for it in items:
        if it == "ADVANCED":
            tags.add("advanced-index")
            r = g.rng.random()
            if r < 0.4:
                parts.append("[0, -1]")
            elif r < 0.7:
                c = g.program.const(np.array([0, 1], dtype=np.int64))
                parts.append(f"lib.tensor({c})")
            else:
                mask = peek(g, x.name)
                shape = tuple(mask.shape) if mask is not None else x.shape
                c = g.program.const(g.rng.random(shape) < 0.5)
                parts.append(f"lib.tensor({c})")
        elif isinstance(it, slice):
            parts.append(src(it))
        else:
            parts.append(src(it))
    if len(parts) == 1 and g.chance(0.8):
        return parts[0], tags
    return ", ".join(parts) + ("," if len(parts) == 1 else "") or "()", tags


def index_step(g):
    x = g.tensor()
    text, tags = index_src(g, x, index_items(g, x))
    out = g.program.new_name()
    op = "getitem[advanced]" if "advanced-index" in tags else "getitem"
    yield Step(f"{out} = {x.name}[{text}]", op, out, [x.name.split("[")[0]], tags=tags)
    if peek(g, out) is not None and g.chance(0.4) and "[" not in x.name:
        refs = [r for r in g.program.tensor_refs() if r.name == out]
        if refs:
            yield from write_step(g, refs[0])


def setitem_step(g, target=None):
    x = target or plain_target(g)
    text, tags = index_src(g, x, index_items(g, x))
    region = peek(g, f"{x.name}[{text}]")
    shape = tuple(region.shape) if region is not None else ()
    r = g.rng.random()
    label = "setitem"
    if r < 0.3:
        value = g.scalar(x.dtype if g.chance(0.7) else None)
    elif r < 0.4:
        value = g.pick([np.float32(1.5), np.int64(-2), np.bool_(True), np.float64(math.nan)])
        label = "setitem[np_scalar]"
    elif r < 0.55:
        value = g.tensor((), x.dtype if g.chance(0.7) else None)
    elif r < 0.9:
        value = g.tensor(g.partner_shape(shape), x.dtype if g.chance(0.7) else None)
    else:
        c = g.program.const(
            g.values(g.partner_shape(shape), "float64" if g.chance(0.5) else "int64")
        )
        value = Ref(c, (), "float64")
        label = "setitem[ndarray]"
    if x.dtype not in FLOAT_DTYPES and isinstance(value, float) and not math.isfinite(value):
        tags.add("ub-cast")
    if x.dtype not in FLOAT_DTYPES and isinstance(value, Ref) and value.dtype in FLOAT_DTYPES:
        tags.add("ub-cast")  # float -> int conversion of nan/inf/out-of-range is undefined
    op = "setitem[advanced]" if "advanced-index" in tags else label
    reads = [x.name] + refs_in(value)
    yield Step(f"{x.name}[{text}] = {src(value)}", op, None, reads, writes=[x.name], tags=tags)


# ------------------------------------------------------------ writes through views


INPLACE_OPS = None


def _inplace_ops(g):
    global INPLACE_OPS
    if INPLACE_OPS is None:
        INPLACE_OPS = [(n, op) for n, op in registry_ops(None) if op is not None and op.inplace]
    return INPLACE_OPS


def write_step(g, x):
    """Modify ``x`` in place: an in-place method, an augmented operator, setitem, fill."""
    if "[" in x.name:
        yield from setitem_step(g, None)
        return
    r = g.rng.random()
    if r < 0.35:
        name, op = g.pick(_inplace_ops(g))
        g.forced = x
        args, kwargs = GENERATORS[op.kind](g, op)
        g.forced = None
        if not args or not isinstance(args[0], Ref) or args[0].name != x.name:
            args = (x,) + tuple(args[1:])
        out = g.program.new_name("r")
        text = f"{out} = " + call_src(f"{x.name}.{name}_", args[1:], kwargs)
        reads = refs_in(args) + refs_in(kwargs)
        tags = {"logical-inplace"} if name.startswith("logical_") else set()
        yield Step(
            text, f"{name}_", out, reads, [x.name], register=False, returns_self=x.name, tags=tags
        )
    elif r < 0.55:
        from .operators import inplace_operator_step

        yield from inplace_operator_step(g, x)
    elif r < 0.8:
        yield from setitem_step(g, x)
    else:
        out = g.program.new_name("r")
        kind = g.pick(["fill_", "zero_", "copy_"])
        if kind == "fill_":
            arg = g.scalar(x.dtype) if g.chance(0.8) else g.tensor(())
            text = f"{out} = {x.name}.fill_({src(arg)})"
        elif kind == "zero_":
            arg = None
            text = f"{out} = {x.name}.zero_()"
        else:
            arg = g.tensor(g.partner_shape(x.shape))
            text = f"{out} = {x.name}.copy_({src(arg)})"
        tags = set()
        float_arg = isinstance(arg, Ref) and arg.dtype in FLOAT_DTYPES
        if kind != "zero_" and x.dtype not in FLOAT_DTYPES and (float_arg or arg_nonfinite(arg)):
            tags.add("ub-cast")
        reads = [x.name] + refs_in(arg)
        yield Step(text, kind, out, reads, [x.name], False, returns_self=x.name, tags=tags)


def arg_nonfinite(x):
    return isinstance(x, float) and not math.isfinite(x)


def inplace_step(g):
    yield from write_step(g, plain_target(g))


# ------------------------------------------------------------ conversions


CASTS = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "bfloat16": "bfloat16",
    "long": "int64",
    "int": "int32",
    "short": "int16",
    "char": "int8",
    "byte": "uint8",
    "bool": "bool",
}
INT_LIMITS = {d: (np.iinfo(d).min, np.iinfo(d).max) for d in INT_DTYPES}


def unsafe_cast(g, x, dtype):
    """Would torch's float -> int conversion of ``x`` be undefined behaviour?"""
    if x.dtype not in FLOAT_DTYPES or dtype not in INT_DTYPES:
        return False
    t = peek(g, x.name)
    if t is None:
        return True
    v = t.detach().double().numpy()
    lo, hi = INT_LIMITS[dtype]
    return bool(np.any(~np.isfinite(v)) or np.any(v < lo) or np.any(v > hi))


def conversion_step(g):
    x = g.tensor()
    out = g.program.new_name("v")
    r = g.rng.random()
    register = False
    tags = set()
    if r < 0.45:
        dtype = g.dtype()
        form = g.pick(["to", "to_kw", "method", "type", "type_as"])
        if form == "to":
            expr, op = f"{x.name}.to(lib.{dtype})", "to"
        elif form == "to_kw":
            copy = g.pick([True, False])
            expr, op = f"{x.name}.to(dtype=lib.{dtype}, copy={copy})", "to"
        elif form == "method":
            meth = g.pick(list(CASTS))
            dtype = CASTS[meth]
            expr, op = f"{x.name}.{meth}()", meth
        elif form == "type":
            expr, op = f"{x.name}.type(lib.{dtype})", "type"
        else:
            other = g.tensor(())
            dtype = other.dtype
            expr, op = f"{x.name}.type_as({other.name})", "type_as"
        if unsafe_cast(g, x, dtype):
            tags.add("ub-cast")
        out, register = g.program.new_name(), True
    else:
        expr = g.pick(
            [
                "{x}.item()", "{x}.tolist()", "bool({x})", "int({x})", "float({x})", "len({x})",
                "{x}.numpy()", "{x}.dim()", "{x}.numel()", "{x}.size()", "{x}.size(-1)",
                "{x}.stride()", "{x}.is_contiguous()", "{x}.storage_offset()",
                "{x}.element_size()", "{x}.nbytes", "{x}.shape", "{x}.dtype", "{x}.is_leaf",
                "{x}.is_floating_point()", "{x}._is_view()", "list({x}.shape)",
                "{x}.requires_grad_()", "{x}.contiguous() is {x}", "{x}.ndim",
            ]
        ).format(x=x.name)  # fmt: skip
        op = expr.replace(x.name, "x")
        int_result = op in ("int(x)", "x.tolist()", "x.item()")
        if x.dtype in FLOAT_DTYPES and int_result and unsafe_cast(g, x, "int64"):
            tags.add("ub-cast")
        if op == "x.requires_grad_()":
            register, out = True, g.program.new_name()
    step = Step(f"{out} = {expr}", op, out, [x.name.split("[")[0]], register=register, tags=tags)
    if op == "x.stride()":
        step.strides_of = x.name  # compared as norm_strides (see Program._norm_strides)
    yield step


# ------------------------------------------------------------ autograd


def backward_step(g):
    p = g.program
    roots = [r for r in p.tensor_refs() if r.requires_grad and r.dtype in FLOAT_DTYPES]
    if not roots:
        yield from _grad_chain(g)
        return
    root = roots[-1] if g.chance(0.6) else g.pick(roots)
    base = root.name.split("[")[0]
    form = g.pick(["sum", "sum", "gradient", "plain", "retain", "weighted"])
    if form == "sum":
        text = f"{root.name}.sum().backward()"
    elif form == "gradient":
        c = p.const(g.values(root.shape, "float64"))
        text = f"{root.name}.backward(lib.tensor({c}, dtype=lib.{root.dtype}))"
    elif form == "plain":
        text = f"{root.name}.backward()"
    elif form == "retain":
        text = f"{root.name}.sum().backward(retain_graph=True)"
    else:
        text = f"({root.name} * {root.name}).mean().backward()"
    leaves = [v for v in p.leaves if v not in p.tainted and v in p.ns["torch"]]
    step = Step(text, f"backward:{p.creator.get(base, '?')}", None, [base], writes=leaves)
    step.checks = [(f"{leaf}.grad", "grad") for leaf in leaves]
    yield step


def _grad_chain(g):
    """No differentiable result yet: make a float leaf that requires grad and use it."""
    dtype = g.pick(["float32", "float64", "float32", "float16", "bfloat16"])
    x = g.leaf(g.shape(), dtype, "contig", True)
    name, op = g.pick([(n, o) for n, o in registry_ops(None) if o is not None and o.differentiable])
    g.forced = x
    args, kwargs = GENERATORS[op.kind](g, op)
    g.forced = None
    out = g.program.new_name()
    head = f"lib.{name}"
    yield Step(
        f"{out} = " + call_src(head, args, kwargs), name, out, refs_in(args) + refs_in(kwargs)
    )


def no_grad_wrap(step):
    step.src = "with lib.no_grad():\n    " + step.src.replace("\n", "\n    ")
    step.tags.add("no_grad")
    return step

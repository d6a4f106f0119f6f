"""Steps using Python operators with every kind of operand.

``a OP b`` (labelled ``__add__``), the reflected ``b OP a`` with a non-tensor ``b``
(labelled ``__radd__``; for comparisons the label names the reflected operator too,
``__rlt__``), augmented ``a OP= b`` (``__iadd__``: must modify ``a`` itself) and
the unary operators.  Operands: tensors (broadcastable or not, 0-dim), Python
int/float/bool, numpy scalars, numpy arrays (0-d too), lists, Fraction, str, None.
"""

import math
from fractions import Fraction

import numpy as np

from .gen import FLOAT_DTYPES, Raw, Ref, refs_in, src
from .program import Step

BINARY = {
    "+": "add",
    "-": "sub",
    "*": "mul",
    "/": "truediv",
    "//": "floordiv",
    "%": "mod",
    "**": "pow",
    "&": "and",
    "|": "or",
    "^": "xor",
    "<<": "lshift",
    ">>": "rshift",
    "@": "matmul",
    "==": "eq",
    "!=": "ne",
    "<": "lt",
    "<=": "le",
    ">": "gt",
    ">=": "ge",
}
COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}
UNARY = {"-": "neg", "~": "invert", "+": "pos", "abs": "abs"}

NP_SCALARS = [
    np.int64(2),
    np.int32(-3),
    np.int16(5),
    np.int8(-1),
    np.uint8(200),
    np.float64(-2.5),
    np.float32(0.25),
    np.float16(1.5),
    np.bool_(True),
    np.float64(math.nan),
    np.float32(math.inf),
]


def operand(g, x):
    """(value, kind) of a right-hand operand for tensor ``x``."""
    r = g.rng.random()
    if r < 0.25:
        return g.tensor(g.partner_shape(x.shape), x.dtype if g.chance(0.5) else None), "tensor"
    if r < 0.33:
        return g.tensor((), None), "tensor0d"
    if r < 0.43:
        return g.pick([0, 1, 2, 3, -1, -7, 2**31, 2**63]) if g.chance(0.95) else 2**70, "int"
    if r < 0.53:
        return g.pick([0.5, -1.5, 2.0, 0.0, -0.0, 1e-3, 1e30, math.inf, math.nan]), "float"
    if r < 0.58:
        return g.pick([True, False]), "bool"
    if r < 0.68:
        return g.pick(NP_SCALARS), "np_scalar"
    if r < 0.78:
        shape = () if g.chance(0.3) else g.partner_shape(x.shape)
        dtype = g.pick(["float64", "float32", "int64", "int32", "bool", "uint8", "float16"])
        return Raw(g.program.const(g.values(shape, dtype))), "ndarray"
    if r < 0.85:
        shape = g.partner_shape(x.shape)[-2:]
        vals = g.values(shape, g.pick(["int64", "float64", "bool"])).tolist()
        return vals if shape else [vals], "list"
    if r < 0.9:
        return g.pick([Fraction(1, 3), Fraction(-2, 1), Fraction(7, 2)]), "Fraction"
    if r < 0.95:
        return g.pick(["a", "1", ""]), "str"
    return g.pick([None, None, (1, 2)]), "other"


# Operands other than tensors and Python numbers go through their own conversion and
# dispatch paths (NumPy's operator protocol, sequences): their label names them.
FOREIGN = {"np_scalar", "ndarray", "list", "Fraction", "str", "other"}


def _label(name, reflected=False, inplace=False, kind=None):
    label = f"__i{name}__" if inplace else f"__r{name}__" if reflected else f"__{name}__"
    return f"{label}[{kind}]" if kind in FOREIGN else label


def operator_step(g):
    r = g.rng.random()
    if r < 0.12:
        yield unary_operator_step(g)
        return
    if r < 0.25:
        from .steps import plain_target

        yield from inplace_operator_step(g, plain_target(g))
        return
    x = g.tensor()
    sym = g.pick(list(BINARY))
    y, kind = operand(g, x)
    if sym == "@" and kind == "tensor" and g.chance(0.6):
        shape = x.shape[:-2] + x.shape[-1:] + (g.integer(1, 3),) if x.ndim >= 1 else ()
        y = g.tensor(shape[-2:] if g.chance(0.5) else shape, x.dtype)
    out = g.program.new_name()
    reflected = kind != "tensor" and g.chance(0.4)
    left, right = (y, x) if reflected else (x, y)
    text = f"{out} = {src(left)} {sym} {src(right)}"
    tags = {f"operand:{kind}"}
    if kind in ("int", "float") and isinstance(y, (int, float)) and abs(y) >= 2**31:
        tags.add("huge-scalar")
    step = Step(text, _label(BINARY[sym], reflected, kind=kind), out, refs_in([x, y]), tags=tags)
    step.note = f"{kind} operand{' on the left' if reflected else ''}"
    yield step


def unary_operator_step(g):
    x = g.tensor()
    sym = g.pick(list(UNARY))
    out = g.program.new_name()
    text = f"{out} = abs({x.name})" if sym == "abs" else f"{out} = {sym}{x.name}"
    return Step(text, _label(UNARY[sym]), out, [x.name.split("[")[0]])


def inplace_operator_step(g, x):
    sym = g.pick([s for s in BINARY if s not in COMPARISONS])
    y, kind = operand(g, x)
    tags = {f"operand:{kind}"}
    if x.dtype not in FLOAT_DTYPES and (
        (isinstance(y, float) and not math.isfinite(y))
        or (isinstance(y, Ref) and y.dtype in FLOAT_DTYPES)
    ):
        tags.add("ub-cast")
    text = f"_prev = {x.name}\n{x.name} {sym}= {src(y)}"
    step = Step(
        text,
        _label(BINARY[sym], inplace=True, kind=kind),
        None,
        refs_in([x, y]),
        [x.name],
        tags=tags,
    )
    step.checks = [(f"_prev is {x.name}", "alias")]
    step.note = f"{kind} operand"
    yield step

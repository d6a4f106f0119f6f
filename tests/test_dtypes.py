"""Dtype facts against torch: the promotion table (NOTE [ Promotion table ] in dtype.rs)
pair by pair, result_type of mixed tensor/number operands, and the dtype predicates that
autograd and kernels ask (`is_floating_point`, `is_complex`, `is_signed`)."""

import itertools

import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = pytest.mark.skipif(rtorch is None, reason="rtorch is not importable")
needs_torch = pytest.mark.skipif(torch is None, reason="torch (the oracle) is not installed")

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64"]
NAMES += ["float16", "bfloat16", "float32", "float64"]


@needs_torch
@pytest.mark.parametrize("a, b", list(itertools.product(NAMES, NAMES)))
def test_promote_types_every_pair(a, b):
    got = rtorch.promote_types(getattr(rtorch, a), getattr(rtorch, b))
    want = torch.promote_types(getattr(torch, a), getattr(torch, b))
    assert str(got) == str(want)


def test_promote_types_is_symmetric():
    for a, b in itertools.combinations(NAMES, 2):
        ab = rtorch.promote_types(getattr(rtorch, a), getattr(rtorch, b))
        ba = rtorch.promote_types(getattr(rtorch, b), getattr(rtorch, a))
        assert ab == ba, (a, b)


@needs_torch
@pytest.mark.parametrize("name", NAMES)
def test_result_type_with_numbers(name):
    for number in [True, 3, 2.5]:
        x = rtorch.zeros(2, dtype=getattr(rtorch, name))
        tx = torch.zeros(2, dtype=getattr(torch, name))
        assert str(rtorch.result_type(x, number)) == str(torch.result_type(tx, number))
        zero_dim = rtorch.tensor(number)
        tzero_dim = torch.tensor(number)
        got = rtorch.result_type(x, zero_dim)
        assert str(got) == str(torch.result_type(tx, tzero_dim))


@needs_torch
@pytest.mark.parametrize("name", NAMES)
def test_dtype_predicates(name):
    d, td = getattr(rtorch, name), getattr(torch, name)
    assert d.is_floating_point == td.is_floating_point
    assert d.is_complex == td.is_complex
    assert d.is_signed == td.is_signed
    assert rtorch.zeros(1, dtype=d).is_complex() == torch.zeros(1, dtype=td).is_complex()


@pytest.mark.parametrize("name", NAMES)
def test_only_differentiable_dtypes_take_requires_grad(name):
    x = rtorch.zeros(2, dtype=getattr(rtorch, name))
    if name.startswith(("float", "bfloat")):
        x.requires_grad_()
        assert x.requires_grad
    else:
        with pytest.raises(RuntimeError, match="floating point and complex"):
            x.requires_grad_()


# Each op below runs a kernel that dispatches over one dtype set (NOTE [ Dtype sets ] in
# dtype.rs); every dtype outside the set must get torch's error, every one inside its
# values, and the never-nan predicates answer integers without a kernel.
SET_OPS = {
    "and": lambda m, x: x & x,
    "not": lambda m, x: ~x,
    "lshift": lambda m, x: x << 1,
    "rshift": lambda m, x: x >> x,
    "neg": lambda m, x: -x,
    "abs": lambda m, x: x.abs(),
    "sign": lambda m, x: x.sign(),
    "relu": lambda m, x: x.relu(),
    "floordiv": lambda m, x: x // x,
    "remainder": lambda m, x: x % x,
    "pow": lambda m, x: x**x,
    "atan2": lambda m, x: m.atan2(x, x),
    "maximum": lambda m, x: m.maximum(x, x),
    "isnan": lambda m, x: m.isnan(x.t()),
    "isinf": lambda m, x: m.isinf(x),
    "isfinite": lambda m, x: m.isfinite(x),
    "cumsum_bool": lambda m, x: x.cumsum(0, dtype=m.bool),
    "cumprod": lambda m, x: x.cumprod(1),
    "addcmul": lambda m, x: m.addcmul(x, x, x, value=2),
}


def _outcome(m, name, op):
    x = m.tensor([[3, 1], [2, 5]], dtype=getattr(m, name))
    try:
        r = op(m, x)
    except Exception as e:  # noqa: BLE001 - the error is the outcome compared
        return type(e).__name__, str(e).splitlines()[0]
    return str(r.dtype), r.tolist(), r.stride()


@needs_torch
@pytest.mark.parametrize("op", sorted(SET_OPS))
@pytest.mark.parametrize("name", NAMES)
def test_dtype_set_boundaries(op, name):
    assert _outcome(rtorch, name, SET_OPS[op]) == _outcome(torch, name, SET_OPS[op])

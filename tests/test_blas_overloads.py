"""The 2018 positional overloads of the add* BLAS family (`addmm(beta, input, alpha, mat1,
mat2)`…), as functions and methods, against their keyword forms and against torch, with
torch's once-per-process deprecation warning; and `linalg.matmul`."""

import subprocess
import sys

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = pytest.mark.skipif(rtorch is None, reason="needs rtorch")

# op: (input shape, a shape, b shape)
SHAPES = {
    "addmm": ((2, 4), (2, 3), (3, 4)),
    "addmv": ((2,), (2, 3), (3,)),
    "addr": ((2, 3), (2,), (3,)),
    "addbmm": ((2, 4), (5, 2, 3), (5, 3, 4)),
    "baddbmm": ((5, 2, 4), (5, 2, 3), (5, 3, 4)),
}


def operands(m, op):
    rng = np.random.default_rng(len(op))
    return [m.tensor(rng.standard_normal(s)) for s in SHAPES[op]]


def legacy_forms(m, op, beta, alpha):
    inp, a, b = operands(m, op)
    f = getattr(m, op)
    return [
        f(beta, inp, alpha, a, b),
        f(beta, inp, a, b),
        getattr(inp, op)(beta, a, b),
        getattr(inp, op)(beta, alpha, a, b),
        getattr(inp.clone(), op + "_")(beta, alpha, a, b),
    ]


def keyword_forms(m, op, beta, alpha):
    inp, a, b = operands(m, op)
    f = getattr(m, op)
    return [
        f(inp, a, b, beta=beta, alpha=alpha),
        f(inp, a, b, beta=beta),
        getattr(inp, op)(a, b, beta=beta),
        getattr(inp, op)(a, b, beta=beta, alpha=alpha),
        getattr(inp.clone(), op + "_")(a, b, beta=beta, alpha=alpha),
    ]


@pytest.mark.filterwarnings("ignore:This overload")
@pytest.mark.parametrize("op", sorted(SHAPES))
def test_legacy_overloads_match_keyword_forms(op):
    got = legacy_forms(rtorch, op, 2.0, 0.5)
    want = keyword_forms(rtorch, op, 2.0, 0.5)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-12)


@pytest.mark.skipif(torch is None, reason="needs torch (the oracle)")
@pytest.mark.filterwarnings("ignore:This overload")
@pytest.mark.parametrize("op", sorted(SHAPES))
def test_legacy_overloads_match_torch(op):
    for g, w in zip(legacy_forms(rtorch, op, 3, -1), legacy_forms(torch, op, 3, -1)):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-12)


@pytest.mark.parametrize(
    "call",
    [
        "m.addmm(M, a, b, 3)",  # a number after the tensors
        "M.addmm(a, b, 3)",
        "m.addmm(2, M, a, b, beta=2)",  # beta twice
        "m.addmm('x', M, a, b)",
        "M.addmm(2, 'x', b)",
    ],
)
def test_invalid_combinations_raise_type_error(call):
    libs = [rtorch] + ([torch] if torch is not None else [])
    for m in libs:
        env = {"m": m, "M": m.ones(2, 2), "a": m.ones(2, 3), "b": m.ones(3, 2)}
        with pytest.raises(TypeError):
            eval(call, env)


WARN_SCRIPT = """
import warnings, {lib} as m
warnings.simplefilter("always")
M, a, b = m.ones(2, 2), m.ones(2, 3), m.ones(3, 2)
with warnings.catch_warnings(record=True) as w:
    {call}
    m.addmm(2, M, a, b)
    M.addmm(2, 3, a, b)
print(len(w), w[0].category.__name__)
print(str(w[0].message).split(" (Triggered")[0])
"""


@pytest.mark.parametrize(
    "call", ["m.addmm(2, M, 3, a, b)", "M.addmm(2, a, b)", "M.addmm(2, 3, a, b)"]
)
def test_deprecation_warning_once_with_torch_text(call):
    def run(lib):
        r = subprocess.run(
            [sys.executable, "-c", WARN_SCRIPT.format(lib=lib, call=call)],
            capture_output=True,
            text=True,
            check=True,
        )
        return r.stdout

    got = run("rtorch")
    assert got.startswith("1 UserWarning\nThis overload of addmm is deprecated:\n\taddmm(")
    if torch is not None:
        want = run("torch")
        # torch lists an out_dtype overload rtorch does not have; the rest is the same text.
        assert got.splitlines()[:5] == want.splitlines()[:5]


def test_linalg_matmul():
    a, b = rtorch.randn(3, 2, 4), rtorch.randn(4, 5)
    assert rtorch.equal(rtorch.linalg.matmul(a, b), a @ b)

"""PyTorch's deprecated positional overloads that 2018-era code calls
(`p.data.add_(-lr, grad)`, `x.sub(2, y)`, `buf.addcmul_(1 - beta, g, g)`): the values,
the one-time UserWarning naming the overload, and the TypeErrors of near misses, each
against torch in a fresh process (PyTorch warns once per process)."""

import subprocess
import sys

import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = [
    pytest.mark.skipif(rtorch is None, reason="rtorch is not importable"),
    pytest.mark.skipif(torch is None, reason="torch (the oracle) is not installed"),
]

CALLS = [
    "x.clone().add_(-0.1, g)",
    "x.add(-0.1, g)",
    "x.add(7, -1)",
    "x.clone().sub_(1, g)",
    "x.sub(2, g)",
    "x.clone().addcmul_(2, g, g)",
    "x.addcdiv(2, g, g)",
    "L.add(x, 2, g)",
    "L.sub(x, 2, g)",
    "L.add(x, 2, g, out=L.empty(3))",
    "x.add(2, g, alpha=3)",
    "x.add(g, g)",
    "L.add(x, g, True)",
    "x.sub(g, g)",
    "x.addcmul(g, 3)",
    "x.addcmul(g, g, value=3)",
]

SCRIPT = """
import warnings, {lib} as L
x = L.tensor([1.0, -2.0, 0.5]); g = L.tensor([2.0, 3.0, -1.0])
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    try:
        r = ("ok", [round(v, 5) for v in ({call}).tolist()])
    except Exception as e:
        r = ("raise", type(e).__name__)
msgs = [str(m.message).split(" (Triggered")[0] for m in w if m.category is UserWarning]
print(repr((r, msgs)))
"""


def run(lib, call):
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(lib=lib, call=call)],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


@pytest.mark.parametrize("call", CALLS)
def test_deprecated_overload_matches_torch(call):
    assert run("rtorch", call) == run("torch", call)


def test_warns_once_per_process():
    seen = {}
    for lib in ("torch", "rtorch"):
        seen[lib] = run(lib, "(x.add_(1, g), x.sub(1, g), x.addcmul(1, g, g))[0]")
    assert seen["rtorch"] == seen["torch"]
    assert seen["torch"].count("deprecated") == 1

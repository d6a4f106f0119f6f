"""gather along a unit-stride index on every ISA path this CPU has (NOTE [ Vector gather ]).

The run is range-checked 8 indices at a time (AVX-512, AVX2 or plain Rust), then copied
with scalar loads. Each path runs in a subprocess started with RTORCH_ISA set (as in
test_unary_simd.py); paths the CPU lacks are skipped. Results must be bit-identical to
numpy's take_along_axis for every dtype and layout, and an index out of range anywhere in
a block (first, middle or last lane, or the tail after the blocks) must raise PyTorch's
error naming that index.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

ISAS = ("baseline", "avx2", "avx512")
DTYPES = ("float32", "float64", "int64", "int32", "bool", "float16", "uint8")


def cases():
    """(name, numpy source, numpy index, rtorch-side layout) for the child to run."""
    rng = np.random.default_rng(0)
    for dtype in DTYPES:
        for rows, cols, width in ((3, 37, 29), (5, 16, 8), (2, 1000, 1000), (4, 9, 7)):
            x = rng.standard_normal((rows, cols)) * 100
            x = (x > 0) if dtype == "bool" else x.astype(dtype)
            idx = rng.integers(0, cols, size=(rows, width))
            yield f"{dtype}-{rows}x{cols}-{width}", x, idx


def child():
    """Runs in the forced-ISA interpreter: every case's gather and the error cases."""
    import rtorch

    out = {"isa": rtorch._C._cpu_isa(), "mismatch": [], "errors": []}
    for name, x, idx in cases():
        want = np.take_along_axis(x, idx, 1)
        views = {
            "dense": (rtorch.tensor(x), rtorch.tensor(idx)),
            # the source transposed (its gather dim strided), and a row-strided index
            "src-t": (rtorch.tensor(np.ascontiguousarray(x.T)).t(), rtorch.tensor(idx)),
            "idx-rows": (rtorch.tensor(x), rtorch.tensor(np.repeat(idx, 2, 0))[::2]),
        }
        for how, (rx, ri) in views.items():
            got = rx.gather(1, ri).numpy()
            if got.dtype != want.dtype or not np.array_equal(
                got.view(np.uint8), want.view(np.uint8)
            ):
                out["mismatch"].append(f"{name} {how}")
    size = 20
    x = rtorch.arange(3 * size, dtype=rtorch.float32).reshape(3, size)
    for pos in (0, 3, 7, 8, 13, 15, 16, 18):
        for bad in (size, -1, 1 << 40):
            idx = np.zeros((3, 19), dtype=np.int64)
            idx[1, pos] = bad
            try:
                x.gather(1, rtorch.tensor(idx))
                out["errors"].append(f"{pos} {bad}: no error")
            except RuntimeError as e:
                msg = f"index {bad} is out of bounds for dimension 1 with size {size}"
                if str(e) != msg:
                    out["errors"].append(f"{pos} {bad}: {e}")
    return out


_CHILD = (
    "import json, sys; sys.path.insert(0, sys.argv[1]); "
    "import test_gather_isa as t; print(json.dumps(t.child()))"
)


@pytest.mark.parametrize("isa", ISAS)
def test_gather_on_each_isa(isa):
    env = dict(os.environ, RTORCH_ISA=isa)
    here = os.path.dirname(os.path.abspath(__file__))
    run = subprocess.run(
        [sys.executable, "-c", _CHILD, here], env=env, capture_output=True, text=True, check=True
    )
    got = json.loads(run.stdout.strip().splitlines()[-1])
    if got["isa"] != isa:
        pytest.skip(f"this CPU lacks {isa} (the kernels ran on {got['isa']})")
    assert got["mismatch"] == [], got["mismatch"]
    assert got["errors"] == [], got["errors"]

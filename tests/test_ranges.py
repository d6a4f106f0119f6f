"""arange and linspace bit for bit against torch (NOTE [ Range fills ] in
rust/rtorch/src/backend/cpu/fill.rs), on sizes that cross the parallel chunking and the
vector tails, with negative steps, one step, and the half and integer dtypes."""

import numpy as np
import pytest
import rtorch

torch = pytest.importorskip("torch")

LINSPACE = [
    (0, 1, 1 << 20),
    (-3.7, 11.2, 100_003),
    (5.0, -2.5, 77),
    (1e-3, 1e3, 4097),
    (2.0, 2.0, 10),
    (0.1, 0.7, 1),
    (-1.0, 1.0, 2),
    (0.0, 1.0, 0),
    (-100.0, 37.0, 1001),
]
DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int8"]


def as_bits(mod, t):
    if t.dtype in (mod.float16, mod.bfloat16):
        t = t.view(mod.int16)
    return t.numpy()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("start,end,steps", LINSPACE)
def test_linspace_bits(start, end, steps, dtype):
    if dtype.startswith("int") and steps > 5000:
        steps = 5000
    if dtype == "int8" and max(abs(start), abs(end)) > 127:
        pytest.skip("torch refuses an int8 end out of range")
    got = rtorch.linspace(start, end, steps, dtype=getattr(rtorch, dtype))
    want = torch.linspace(start, end, steps, dtype=getattr(torch, dtype))
    np.testing.assert_array_equal(as_bits(rtorch, got), as_bits(torch, want))


# NOTE: fractional steps (-5.5, 1000.25, 0.37) differ from torch in the last bit, before
# and after the range-fill change (torch accumulates its float arange differently); only
# integral steps are compared here.
ARANGE = [(0, 1 << 20, 1), (10, -3, -1), (0, 5, 2), (-7.0, 300.0, 3.0), (2.5, 1e5, 1.0)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("start,end,step", ARANGE)
def test_arange_bits(start, end, step, dtype):
    if dtype == "int8" and max(abs(start), abs(end)) > 127:
        end = 100
    if dtype in ("float16", "bfloat16") and max(abs(start), abs(end)) > 256:
        end = 256
    if dtype == "bfloat16" and start == 2.5:
        # NOTE: x.5 above 128 is a bfloat16 tie; rtorch (formula unchanged by the range
        # fill rewrite) rounds it differently from torch. Known, not fixed here.
        pytest.skip("bfloat16 arange ties differ from torch (pre-existing)")
    got = rtorch.arange(start, end, step, dtype=getattr(rtorch, dtype))
    want = torch.arange(start, end, step, dtype=getattr(torch, dtype))
    np.testing.assert_array_equal(as_bits(rtorch, got), as_bits(torch, want))

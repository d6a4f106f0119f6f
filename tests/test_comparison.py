"""isclose / allclose / equal against torch: values, NaN and infinities, integer and bool
inputs, broadcasting, tolerances, the error cases, and the method forms."""

import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch
from conftest import exc_type

pytestmark = pytest.mark.skipif(
    rtorch is None or torch is None, reason="needs rtorch and torch (the oracle)"
)

NAN, INF = float("nan"), float("inf")

CASES = {
    "floats": lambda m: (
        m.tensor([1.0, 2.0, NAN, INF, -INF, 0.0]),
        m.tensor([1.0, 2.00001, NAN, INF, INF, 1e-9]),
    ),
    "float64": lambda m: (
        m.tensor([1.0, 1e-300], dtype=m.float64),
        m.tensor([1.0 + 1e-6, 0.0], dtype=m.float64),
    ),
    "ints": lambda m: (m.tensor([1, 2, 100]), m.tensor([1, 3, 101])),
    "bools": lambda m: (m.tensor([True, False]), m.tensor([True, True])),
    "broadcast": lambda m: (m.ones(2, 3), m.ones(3)),
    "zero_dim": lambda m: (m.tensor([1.0, 2.0]), m.tensor(1.0)),
    "dtype_mismatch": lambda m: (m.ones(2), m.ones(2, dtype=m.int64)),
    "empty": lambda m: (m.ones(0), m.ones(0)),
}
KWARGS = [{}, {"equal_nan": True}, {"rtol": 0.5, "atol": 0}, {"rtol": 0, "atol": 0}, {"rtol": -1}]


def outcome(f):
    try:
        r = f()
    except Exception as e:  # noqa: BLE001 - compared across libraries
        return ("raises", exc_type(e), str(e))
    return r.tolist() if hasattr(r, "tolist") else r


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("kw", KWARGS, ids=str)
@pytest.mark.parametrize("fn", ["isclose", "allclose"])
def test_isclose_allclose_match_torch(case, kw, fn):
    got = outcome(lambda: getattr(rtorch, fn)(*CASES[case](rtorch), **kw))
    want = outcome(lambda: getattr(torch, fn)(*CASES[case](torch), **kw))
    assert got == want


@pytest.mark.parametrize("case", CASES)
def test_equal_matches_torch(case):
    got = outcome(lambda: rtorch.equal(*CASES[case](rtorch)))
    want = outcome(lambda: torch.equal(*CASES[case](torch)))
    assert got == want


def test_methods_and_types():
    a = rtorch.tensor([1.0, 2.0])
    assert a.allclose(a) is True and a.equal(a) is True
    assert a.isclose(a).tolist() == [True, True]
    assert rtorch.equal(a, rtorch.tensor([1.0, 2.0, 3.0])) is False
    with pytest.raises(TypeError):
        rtorch.isclose(a, 1.0)

"""Functions outside the op registry: movedim/moveaxis/swapdims and the nonzero aliases."""

import numpy as np
import pytest
from conftest import LIB as rtorch

pytestmark = pytest.mark.skipif(rtorch is None, reason="rtorch is not importable")


@pytest.mark.parametrize("src,dst", [(0, 2), (-1, 0), ((0, 1), (2, 0)), ([2, 0], [0, 1]), ((), ())])
def test_movedim_matches_numpy(src, dst):
    a = np.arange(24.0).reshape(2, 3, 4)
    want = np.moveaxis(a, src, dst)
    for f in (rtorch.movedim, rtorch.moveaxis, rtorch.Tensor.movedim):
        got = f(rtorch.from_numpy(a), src, dst)
        assert got.shape == want.shape and got._is_view()
        np.testing.assert_array_equal(got.numpy(), want)


@pytest.mark.parametrize(
    "src,dst,exc",
    [((0, 0), (1, 2), RuntimeError), (5, 0, IndexError), ((0,), (1, 2), RuntimeError)],
)
def test_movedim_errors(src, dst, exc):
    with pytest.raises(exc, match="movedim|Dimension out of range"):
        rtorch.ones(2, 3, 4).movedim(src, dst)


def test_swapdims_and_nonzero_aliases():
    x = rtorch.tensor([[0.0, 1.0, float("nan")], [2.0, 0.0, 0.0]])
    assert rtorch.swapdims(x, 0, 1).shape == (3, 2)
    want = np.argwhere(x.numpy())
    np.testing.assert_array_equal(rtorch.argwhere(x).numpy(), want)
    rows, cols = rtorch.where(x != 0)
    np.testing.assert_array_equal(rows.numpy(), want[:, 0])
    np.testing.assert_array_equal(cols.numpy(), want[:, 1])
    with pytest.raises(TypeError):
        rtorch.where(x > 0, x)

"""cdist's compute_mode (NOTE [ cdist through a matrix product ]): for p=2 torch takes a
matrix-product path when either input has more than 25 rows (or always / never, by
mode), whose numbers differ from the direct difference's in the last bits and, for close
points, by far more; rtorch takes the same path, so values, gradients and graph nodes
match torch's in all three modes."""

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = [
    pytest.mark.skipif(rtorch is None, reason="rtorch is not importable"),
    pytest.mark.skipif(torch is None, reason="needs torch (the oracle)"),
]

MODES = [
    None,
    "use_mm_for_euclid_dist_if_necessary",
    "use_mm_for_euclid_dist",
    "donot_use_mm_for_euclid_dist",
]
SHAPES = [
    ((30, 5), (28, 5)),
    ((3, 5), (4, 5)),
    ((2, 30, 5), (30, 5)),
    ((1, 3, 5), (2, 40, 5)),
    ((30, 0), (3, 0)),
    ((0, 5), (30, 5)),
]


def _close_points(dtype, rng):
    # Rows of x2 within 1e-3 of rows of x1 (scale 10): the mm path's cancellation shows.
    a = (rng.standard_normal((30, 8)) * 10).astype(dtype)
    b = (a[:28] + rng.standard_normal((28, 8)) * 1e-3).astype(dtype)
    return a, b


def _kw(mode):
    return {} if mode is None else {"compute_mode": mode}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shapes", SHAPES)
def test_values_match_torch(shapes, mode, dtype):
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal(s).astype(dtype) for s in shapes)
    want = torch.cdist(torch.tensor(a), torch.tensor(b), **_kw(mode)).numpy()
    got = rtorch.cdist(rtorch.tensor(a), rtorch.tensor(b), **_kw(mode)).numpy()
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=8 * np.finfo(dtype).eps, atol=0)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("mode", MODES)
def test_close_points_follow_torchs_path(mode, dtype):
    a, b = _close_points(dtype, np.random.default_rng(1))
    want = torch.cdist(torch.tensor(a), torch.tensor(b), **_kw(mode)).numpy()
    other = "donot_use_mm_for_euclid_dist" if mode != MODES[3] else MODES[2]
    other_path = torch.cdist(torch.tensor(a), torch.tensor(b), compute_mode=other).numpy()
    got = rtorch.cdist(rtorch.tensor(a), rtorch.tensor(b), **_kw(mode)).numpy()
    err = np.abs(got - want).max()
    assert err < np.abs(other_path - want).max()
    if dtype == "float32":
        # Much nearer to torch's path than the paths are to each other.
        assert err * 100 < np.abs(other_path - want).max()


def _graph(r):
    names, stack = [], [r.grad_fn]
    while stack:
        n = stack.pop()
        if n is not None:
            names.append(type(n).__name__)
            stack.extend(f for f, _ in n.next_functions)
    return names


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shapes", SHAPES[:4])
def test_gradients_and_nodes_match_torch(shapes, mode):
    rng = np.random.default_rng(2)
    a, b = (rng.standard_normal(s) for s in shapes)
    res = []
    for m in (torch, rtorch):
        x, y = m.tensor(a, requires_grad=True), m.tensor(b, requires_grad=True)
        r = m.cdist(x, y, **_kw(mode))
        g = np.random.default_rng(3).standard_normal(tuple(r.shape))
        r.backward(m.tensor(g))
        res.append((x.grad.numpy(), y.grad.numpy(), _graph(r)))
    (tx, ty, tn), (rx, ry, rn) = res
    assert rn == tn
    np.testing.assert_allclose(rx, tx, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ry, ty, rtol=1e-10, atol=1e-12)


def test_euclid_node_saves_torchs_tensors():
    x = rtorch.randn(30, 3, dtype=rtorch.float64, requires_grad=True)
    y = rtorch.randn(4, 3, dtype=rtorch.float64, requires_grad=True)
    node = rtorch.cdist(x, y).grad_fn.next_functions[0][0]
    assert type(node).__name__ == "EuclideanDistBackward0"
    assert node._saved_x1 is x and node._saved_x2 is y
    assert tuple(node._saved_result.shape) == (30, 4)


@pytest.mark.parametrize("mode", MODES[1:])
@pytest.mark.parametrize("shapes", [((30, 3), (4, 3)), ((2, 27, 3), (1, 5, 3)), ((3, 2), (4, 2))])
def test_gradcheck(shapes, mode):
    rng = np.random.default_rng(4)
    inputs = tuple(rtorch.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes)

    def f(x, y):
        return rtorch.cdist(x, y, compute_mode=mode)

    assert rtorch.autograd.gradcheck(f, inputs)
    assert rtorch.autograd.gradgradcheck(f, inputs)


def test_bad_mode():
    x = rtorch.ones(2, 3)
    with pytest.raises(ValueError, match="is not a valid value for compute_mode"):
        rtorch.cdist(x, x, compute_mode="fast")

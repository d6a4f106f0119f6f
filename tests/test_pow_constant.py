"""`pow` by a constant exponent (NOTE [ pow by a constant ]): bit-for-bit torch's results."""

import numpy as np
import pytest
import rtorch

torch = pytest.importorskip("torch")

SPECIAL = [0.0, -0.0, 1.0, -1.0, 2.5, -3.25, 1e-40, -1e-40, 1e30, -1e30, 1e-30]
SPECIAL += [float("inf"), float("-inf"), float("nan"), 7.0, 0.1]
# Exact forms (multiplies and divisions) match torch bit for bit; sqrt is correctly
# rounded here while torch's vectorised float32 sqrt is not always (0.5 ulp bound), and
# general exponents go through each library's powf: those are compared within 1 ulp.
EXACT = [2, 3, -1, -2, 2.0, 1.0, 0]
ROUNDED = [0.5, -0.5, 1.5, -3]


def same_bits(mine, theirs):
    # NaN's sign bit is not meaningful (x86 makes -NaN); everything else must match.
    nan = np.isnan(theirs)
    np.testing.assert_array_equal(np.isnan(mine), nan)
    u = f"u{mine.itemsize}"
    np.testing.assert_array_equal(mine[~nan].view(u), theirs[~nan].view(u))


def sample(dtype):
    rng = np.random.default_rng(0)
    x = np.concatenate(
        [np.array(SPECIAL), rng.standard_normal(200) * 10.0 ** rng.integers(-8, 8, 200)]
    )
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("e", EXACT)
def test_exact_forms_match_torch_bitwise(dtype, e):
    x = sample(dtype)
    mine = rtorch.from_numpy(x.copy()).pow(e).numpy()
    theirs = torch.from_numpy(x.copy()).pow(e).numpy()
    same_bits(mine, theirs)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("e", ROUNDED)
def test_rounded_forms_within_one_ulp(dtype, e):
    x = sample(dtype)
    mine = rtorch.from_numpy(x.copy()).pow(e).numpy()
    theirs = torch.from_numpy(x.copy()).pow(e).numpy()
    np.testing.assert_array_equal(np.isnan(mine), np.isnan(theirs))
    fin = np.isfinite(theirs)
    np.testing.assert_array_equal(mine[~fin & ~np.isnan(theirs)], theirs[~fin & ~np.isnan(theirs)])
    i = f"i{x.itemsize}"
    assert np.abs(mine[fin].view(i).astype(np.int64) - theirs[fin].view(i)).max() <= 1
    if e == 0.5:  # correctly rounded: the float64 square root rounded once
        ref = np.sqrt(x.astype(np.float64)).astype(dtype)
        same_bits(mine, ref)


@pytest.mark.parametrize("e", [2, 3, -2, -1])
def test_forms_and_layouts(e):
    x = sample("float32")[:210].reshape(14, 15)
    for form in (lambda m, t: t**e, lambda m, t: m.pow(t, e), lambda m, t: t.t().pow(e)):
        mine = form(rtorch, rtorch.from_numpy(x.copy())).numpy()
        theirs = form(torch, torch.from_numpy(x.copy())).numpy()
        same_bits(mine, theirs)


def test_integer_and_half_keep_their_paths():
    i = np.arange(-5, 6, dtype=np.int64)
    assert rtorch.from_numpy(i).pow(2).tolist() == torch.from_numpy(i).pow(2).tolist()
    h = rtorch.tensor([0.5, 3.0, -2.0], dtype=rtorch.float16).pow(2)
    assert h.tolist() == torch.tensor([0.5, 3.0, -2.0], dtype=torch.float16).pow(2).tolist()
    empty = rtorch.ones(0, 3).pow(2)
    assert tuple(empty.shape) == (0, 3)


@pytest.mark.parametrize("e", [2, 3, 0.5, -0.5, -1, -2])
def test_gradient(e):
    x = np.array([0.5, 1.5, 2.0, 3.0])
    a = rtorch.tensor(x, requires_grad=True)
    b = torch.tensor(x, requires_grad=True)
    a.pow(e).sum().backward()
    b.pow(e).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12)

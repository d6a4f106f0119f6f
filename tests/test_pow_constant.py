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


# NOTE [ float32 pow by a float ]: dense float32 by a scalar without an exact form runs
# the fused float64-lane kernel; against numpy's float64 power (with the exponent rounded
# to float32, as the kernel sees it) the result is within 1 ulp everywhere and special
# values match (tests/test_pow_simd.py holds the tighter per-path bounds).
FLOAT_EXPONENTS = [2.5, -2.5, 0.3, -1.7, 1.5, 7.25, 0.1, -0.75, 1e-3, 33.3]


def ulp_error(got, x, y):
    with np.errstate(all="ignore"):
        ref = np.power(x.astype(np.float64), np.float64(np.float32(y)))
        ref32 = ref.astype(np.float32)
    special = ~np.isfinite(ref32) | (ref32 == 0) | (np.abs(ref32) < np.finfo(np.float32).tiny)
    same = (got == ref32) | (np.isnan(got) & np.isnan(ref32))
    assert same[special].all(), (x[special & ~same], got[special & ~same])
    spacing = np.spacing(np.abs(ref32[~special])).astype(np.float64)
    return np.max(np.abs(got[~special].astype(np.float64) - ref[~special]) / spacing)


def pow_sample():
    rng = np.random.default_rng(1)
    mags = np.exp(rng.uniform(np.log(1e-45), np.log(3.4e38), 20_000))
    edge = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 66049.0, 1e-45, 3.4e38, -2.0]
    # 1029 = 1024 + 5: one full block of the kernel and a partial one, not a vector width.
    return np.concatenate([mags, -mags[:500], edge, rng.uniform(0, 3, 1029)]).astype(np.float32)


@pytest.mark.parametrize("y", FLOAT_EXPONENTS)
def test_float32_pow_by_a_float_within_one_ulp(y):
    x = pow_sample()
    got = rtorch.from_numpy(x).pow(y).numpy()
    assert ulp_error(got, x, y) <= 1.0
    # In place, through a transposed (still dense) view, and on a strided view (the
    # scalar path) give the same values.
    inplace = rtorch.from_numpy(x.copy())
    inplace.pow_(y)
    np.testing.assert_array_equal(inplace.numpy(), got)
    m = x[: 2 * 1500].reshape(1500, 2)
    t = rtorch.from_numpy(m).t().pow(y).numpy()
    np.testing.assert_array_equal(t, got[: 2 * 1500].reshape(1500, 2).T)
    strided = rtorch.from_numpy(x)[::3].pow(y).numpy()
    assert ulp_error(strided, x[::3], y) <= 1.0


def test_float32_pow_by_a_float_gradient_and_threads():
    x = rtorch.rand(100_000) + 0.5
    one = rtorch.get_num_threads()
    try:
        rtorch.set_num_threads(1)
        a = x.pow(2.5).numpy()
        rtorch.set_num_threads(2)
        b = x.pow(2.5).numpy()
    finally:
        rtorch.set_num_threads(one)
    np.testing.assert_array_equal(a, b)
    v = np.array([0.5, 1.5, 2.0, 3.0])
    r = rtorch.tensor(v, requires_grad=True)
    t = torch.tensor(v, requires_grad=True)
    r.pow(2.5).sum().backward()
    t.pow(2.5).sum().backward()
    np.testing.assert_allclose(r.grad.numpy(), t.grad.numpy(), rtol=1e-12)

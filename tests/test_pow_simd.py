"""The fused pow kernels (NOTE [ SIMD f32 pow ], NOTE [ SIMD f64 pow ], NOTE [ float32 pow by
a float ]) on every ISA path this CPU has: dense x by a scalar and by a same-layout tensor.

Errors are in ulps of the float32 result against numpy's float64 power (the float32
operands widened exactly). Cases: `scalar` is x over the whole float32 range (both signs,
subnormals) by each of SCALARS; `tensor` is x of both signs by random y, a third of them
integers; `near_one` is x within 1e-3 of 1 by |y| up to 1e5 (where y log x needs log x to
many more bits than float32 has); `tiny` x in [0.5, 2] by y that put the result in the
float32 subnormals.

Measured on this sample (AMD EPYC Zen 4), max ulp; the paths give the same float32 bits
(the float64 error is far below a float32 rounding; the baseline x86-64 path rounds libm's
float64 pow, whose lanes would be slow there). torch 2.13 on the same inputs,
with each scalar exponent taken as torch takes it (a double):

    case       avx512   avx2    baseline   torch
    scalar     0.5015   0.5015  0.5015     0.77 for float32-exact exponents; 2.9 to 41.5
                                           for 0.1, 0.3, -1.7, 33.3, 0.9999
    tensor     0.5006   0.5006  0.5006     0.67
    near_one   0.5049   0.5049  0.5049     0.75
    tiny       0.5008   0.5008  0.5008     0.72

float64 (`f64 ...` cases, NOTE [ SIMD f64 pow ]) against numpy's 80-bit long double power:
avx512 and avx2 0.71 worst (tiny: 0.80), the baseline (libm) 0.505; torch 0.90 (huge).

Special values (C's pow, which numpy and torch follow) must match numpy bit for bit, sign
of zero and inf included, on every path.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
import rtorch
from test_unary_simd import ISAS, run_on_isa

torch = pytest.importorskip("torch")

# Scalars with no exact form (NOTE [ pow by a constant ] keeps 2, 3, 0.5, -0.5, -1, -2).
SCALARS = [2.5, -2.5, 0.3, -1.7, 1.5, 7.25, 0.1, -0.75, 1e-3, 33.3, 4.0, -3.0, 5.0, 100.0]
SCALARS += [-100.0, 1e-6, 0.9999, 0.0, 1.0]
BOUND = 0.55
BOUND64 = 1.0

SPECIAL_X = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, -2.0, 0.5, 2.0, -0.5]
SPECIAL_X += [1e-45, -1e-45, 1e-40, -3e-39, 3e38, -3e38, 3.0, -3.0]
SPECIAL_Y = [0.0, -0.0, np.inf, -np.inf, np.nan, 0.5, -0.5, 2.5, -2.5, 3.0, -3.0]
SPECIAL_Y += [1e30, -1e30, 1e-30, 1.0, -1.0, 2.0, 149.0, -149.0, 16777216.0, 16777217.0]


def cases() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """name -> (x, y) as float32; y of size 1 is a scalar exponent."""
    rng = np.random.default_rng(1)
    mags = np.exp(rng.uniform(np.log(1e-45), np.log(3.4e38), 50_000))
    x = np.concatenate([mags, -mags[:2000], rng.uniform(0, 3, 20_000)]).astype(np.float32)
    xs = (rng.uniform(0.01, 100, 100_000) * rng.choice([-1, 1], 100_000)).astype(np.float32)
    ys = rng.uniform(-20, 20, xs.size).astype(np.float32)
    ys[::3] = np.round(ys[::3])
    near = (1 + rng.uniform(-1e-3, 1e-3, 100_000)).astype(np.float32)
    big = rng.uniform(-1e5, 1e5, near.size).astype(np.float32)
    base = rng.uniform(0.5, 2.0, 50_000).astype(np.float32)
    # log2 of the base times y in [-149, -127]: results among the float32 subnormals.
    deep = (rng.uniform(-149, -127, base.size) / np.log2(base.astype(np.float64))).astype(
        np.float32
    )
    out = {f"scalar {y}": (x, np.array([y], np.float32)) for y in SCALARS}
    out["tensor"] = (xs, ys)
    out["near_one"] = (near, big)
    out["tiny"] = (base, deep)
    return out


def cases64() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """float64 counterparts: the whole float64 range, and results near overflow and
    among the subnormals (|y ln x| up to 745, where ln x needs ~2^-65 relative)."""
    rng = np.random.default_rng(3)
    mags = np.exp(rng.uniform(np.log(1e-320), np.log(1e308), 50_000))
    x = np.concatenate([mags, -mags[:2000], rng.uniform(0, 3, 10_000)])
    out = {f"f64 scalar {y}": (x, np.array([y])) for y in (2.5, -1.7, 0.1, 33.3, 5.0)}
    xs = rng.uniform(0.01, 100, 50_000) * rng.choice([-1, 1], 50_000)
    ys = rng.uniform(-150, 150, xs.size)
    ys[::3] = np.round(ys[::3])
    out["f64 tensor"] = (xs, ys)
    near = 1 + rng.uniform(-1e-3, 1e-3, 50_000)
    out["f64 near_one"] = (near, rng.uniform(-7e5, 7e5, near.size))
    base = rng.uniform(0.5, 2.0, 50_000)
    out["f64 tiny"] = (base, rng.uniform(-1074, -1022, base.size) / np.log2(base))
    hi = rng.uniform(1.1, 3.0, 50_000)
    out["f64 huge"] = (hi, rng.uniform(1000, 1024, hi.size) / np.log2(hi))
    return out


def special_grid(dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = SPECIAL_X, SPECIAL_Y
    if dtype == np.float64:
        xs = xs + [5e-324, -5e-324, 2e-310, 1.7e308, -1.7e308]
        ys = ys + [2.0**53, 2.0**53 - 1, -(2.0**52) - 1, 2.0**52 + 0.5, 1e300, -1e300, 0.1]
    gx, gy = np.meshgrid(np.array(xs), np.array(ys))
    return gx.ravel().astype(dtype), gy.ravel().astype(dtype)


def reference(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """numpy's power one precision up: float64 for float32, 80-bit long double for
    float64 (x86's; where long double is float64 the float64 errors read 0.5 high)."""
    wide = np.float64 if x.dtype == np.float32 else np.longdouble
    with np.errstate(all="ignore"):
        return np.power(x.astype(wide), y.astype(wide))


def ulp_error(got: np.ndarray, ref: np.ndarray) -> tuple[float, int]:
    """(max ulp over finite nonzero results, count of the rest that differ from ref)."""
    with np.errstate(all="ignore"):
        ref32 = ref.astype(got.dtype)
    fin = np.isfinite(ref32) & (ref32 != 0)
    same = (got == ref32) | (np.isnan(got) & np.isnan(ref32))
    spacing = np.spacing(np.abs(ref32[fin])).astype(ref.dtype)
    err = np.abs(got[fin].astype(ref.dtype) - ref[fin]) / spacing
    return float(err.max(initial=0.0)), int((~same & ~fin).sum())


def same_bits(got: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Where got differs from ref in its bits (NaN's sign and payload do not count)."""
    nan = np.isnan(ref)
    u = f"u{got.itemsize}"
    return (got.view(u) != ref.view(u)) & ~(nan & np.isnan(got))


def rtorch_pow(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    e = float(y[0]) if y.size == 1 else rtorch.from_numpy(y)
    return rtorch.from_numpy(x).pow(e).numpy()


def _child(here: str) -> None:
    """Runs under a forced ISA; prints the path and the measured errors as JSON."""
    import sys

    sys.path.insert(0, here)
    ulp, off = {}, {}
    for name, (x, y) in {**cases(), **cases64()}.items():
        ulp[name], off[name] = ulp_error(rtorch_pow(x, y), reference(x, y))
    grid = []
    for dtype in (np.float32, np.float64):
        gx, gy = special_grid(dtype)
        ref = reference(gx, gy)
        with np.errstate(all="ignore"):
            want = ref.astype(dtype)
        got = rtorch_pow(gx, gy)
        # Bit for bit where a special value decides the result; the ordinary entries
        # (3 ** 2.5) are rounded results, held to the ulp bounds with the rest.
        special = ~np.isfinite(want) | (want == 0) | np.isin(np.abs(gx), [0, 1, np.inf])
        special |= ~np.isfinite(gy) | (gy == 0)
        bad = same_bits(got, want) & special
        grid += [[float(a), float(b)] for a, b in zip(gx[bad], gy[bad])]
        ulp[f"grid {np.dtype(dtype).name}"], _ = ulp_error(got[~special], ref[~special])
    print(json.dumps({"isa": rtorch._C._cpu_isa(), "ulp": ulp, "off": off, "grid": grid}))


_CHILD = (
    "import sys; sys.path.insert(0, sys.argv[1]); import test_pow_simd as t; t._child(sys.argv[1])"
)


@pytest.mark.parametrize("isa", ISAS)
def test_ulp_and_special_values_on_every_path(isa):
    got = run_on_isa(isa, _CHILD)
    print(isa, got["ulp"])
    assert got["grid"] == [], f"special values differ from numpy on {isa}: {got['grid']}"
    assert all(v == 0 for v in got["off"].values()), got["off"]
    for name, worst in got["ulp"].items():
        bound = BOUND64 if "64" in name else BOUND
        assert worst <= bound, f"{name} on {isa}: {worst} ulp"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_special_values_match_torch(dtype):
    gx, gy = special_grid(dtype)
    mine = rtorch.from_numpy(gx).pow(rtorch.from_numpy(gy)).numpy()
    theirs = torch.from_numpy(gx).pow(torch.from_numpy(gy)).numpy()
    special = ~np.isfinite(theirs) | (theirs == 0) | np.isin(np.abs(gx), [0, 1, np.inf])
    bad = same_bits(mine[special], theirs[special])
    assert not bad.any(), list(zip(gx[special][bad], gy[special][bad], mine[special][bad]))
    if dtype == np.float64:
        return
    # Scalar exponents without an exact form go through the same kernel. rtorch rounds a
    # Python-number exponent to float32 (as numpy does); torch keeps it a double, so
    # (-1) ** 16777217.0 is -1 there and 1 here: only float32-exact exponents compare.
    for y in SPECIAL_Y:
        if y in (0.5, -0.5, 3.0, -1.0, 2.0) or float(np.float32(y)) != y:
            continue  # NOTE [ pow by a constant ]: sqrt's and the multiplies' specials
        x = np.array(SPECIAL_X, np.float32)
        mine = rtorch.from_numpy(x).pow(y).numpy()
        theirs = torch.from_numpy(x).pow(y).numpy()
        special = ~np.isfinite(theirs) | (theirs == 0) | np.isin(np.abs(x), [0, 1, np.inf])
        assert not same_bits(mine[special], theirs[special]).any(), (y, mine, theirs)


def test_negative_bases_by_integers_keep_their_sign():
    x = rtorch.tensor([-2.0, -2.0, -0.5, -3.0, -2.0])
    y = rtorch.tensor([3.0, 2.0, -3.0, 2.5, 0.0])
    got = x.pow(y).numpy()
    np.testing.assert_array_equal(got[[0, 1, 2, 4]], [-8.0, 4.0, -8.0, 1.0])
    assert np.isnan(got[3])
    np.testing.assert_array_equal(rtorch.tensor([-2.0, -1.5]).pow(5).numpy(), [-32.0, -7.59375])


def test_in_place_transposed_and_broadcast_layouts():
    rng = np.random.default_rng(2)
    x = (rng.uniform(0.1, 5, (300, 70)) * rng.choice([-1, 1], (300, 70))).astype(np.float32)
    y = rng.uniform(-4, 4, (300, 70)).astype(np.float32)
    y[::2] = np.round(y[::2])
    want = rtorch.from_numpy(x).pow(rtorch.from_numpy(y)).numpy()
    worst, off = ulp_error(want, reference(x, y))
    assert worst <= BOUND and off == 0
    # x.pow_(y): out is x; pow(x, y, out=y): out is y.
    a = rtorch.from_numpy(x.copy())
    a.pow_(rtorch.from_numpy(y))
    np.testing.assert_array_equal(a.numpy(), want)
    b = rtorch.from_numpy(y.copy())
    rtorch.pow(rtorch.from_numpy(x), b, out=b)
    np.testing.assert_array_equal(b.numpy(), want)
    # Transposed (dense, same strides for all three) and broadcast / mixed layouts (the
    # scalar loop) agree with the contiguous result.
    t = rtorch.from_numpy(x.T.copy()).t().pow(rtorch.from_numpy(y.T.copy()).t())
    np.testing.assert_array_equal(t.numpy(), want)
    mixed = rtorch.from_numpy(x).pow(rtorch.from_numpy(y.T.copy()).t()).numpy()
    assert ulp_error(mixed, reference(x, y))[0] <= 1.0
    row = y[:1]
    bc = rtorch.from_numpy(x).pow(rtorch.from_numpy(row)).numpy()
    assert ulp_error(bc, reference(x, np.broadcast_to(row, x.shape)))[0] <= 1.0
    # In place by a scalar, on a length that is no multiple of any vector width or block.
    v = x.ravel()[: 1029 + 33]
    c = rtorch.from_numpy(v.copy())
    c.pow_(2.5)
    np.testing.assert_array_equal(c.numpy(), rtorch.from_numpy(v).pow(2.5).numpy())


def test_threads_give_the_same_bits():
    x = rtorch.rand(300_000) * 4
    y = rtorch.rand(300_000) * 6 - 3
    one = rtorch.get_num_threads()
    try:
        rtorch.set_num_threads(1)
        a = (x.pow(y).numpy(), x.pow(-1.3).numpy())
        rtorch.set_num_threads(max(2, os.cpu_count() or 2))
        b = (x.pow(y).numpy(), x.pow(-1.3).numpy())
    finally:
        rtorch.set_num_threads(one)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])

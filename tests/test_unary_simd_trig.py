"""Accuracy of the vectorised asin, acos, atan, sinh, cosh and atan2 kernels (NOTE [ SIMD
inverse trig ], NOTE [ SIMD sinh cosh ]) on every ISA path this CPU has, in float32
(against float64 numpy) and float64 (against numpy's 80-bit long double), the pattern of
test_unary_simd.py: each path runs in a subprocess started with RTORCH_ISA set.

Measured on this sample (AMD EPYC Zen 4; torch 2.13 on the same inputs), max ulp:

    function   float32                          float64
               avx512  avx2   baseline  torch   avx512  avx2   baseline  torch
    asin       0.72    0.72   1.14      0.74    0.77    0.77   1.24      0.83
    acos       0.67    0.67   1.13      0.79    0.76    0.76   1.19      0.82
    atan       1.05    1.05   1.22      0.82    1.09    1.09   1.14      0.66
    sinh       0.84    0.84   0.84      inf     0.79    0.79   0.81      inf
    cosh       0.84    0.84   0.84      inf     0.67    0.67   0.67      inf
    atan2      0.87    0.87   1.40      0.76    1.08    1.08   1.29      0.84

The baseline path has no fused multiply-add, so the corrections for the rounding of a
square root (asin, acos) and of a quotient (atan2) are left out there. torch's inf for
sinh and cosh: its kernels overflow e^|x| before halving it, so they give inf on
(88.72, 89.42] in float32 and (709.78, 710.48] in float64, where the result is finite
(numpy, libm and rtorch agree on finite values there).
"""

from __future__ import annotations

import numpy as np
import pytest
import rtorch
import test_unary_simd as t32
import test_unary_simd_f64 as t64
from test_unary_simd import ISAS, MAX_ULP, run_on_isa

LD = np.longdouble
NAMES = ("asin", "acos", "atan", "sinh", "cosh")
NP = {"asin": np.arcsin, "acos": np.arccos, "atan": np.arctan, "sinh": np.sinh, "cosh": np.cosh}
# The overflow threshold of sinh and cosh: ln(2 * max).
EDGE = {np.float32: 89.41598629223294, np.float64: 710.4758600739439}


def sample(dt) -> np.ndarray:
    """The general sample of the float32 / float64 ulp tests, plus dense ranges where
    these kernels switch pieces (|x| = 1/2 for asin/acos, 1 for atan and sinh) or end
    (|x| -> 1 for asin/acos, the overflow of sinh and cosh)."""
    rng = np.random.default_rng(5)
    base = t32.sample() if dt == np.float32 else t64.sample()
    edge = EDGE[dt]
    parts = [base, rng.uniform(-1, 1, 100_000), rng.uniform(-3, 3, 50_000)]
    parts += [1 - rng.uniform(0, 1e-3, 20_000), rng.uniform(0.49, 0.51, 20_000)]
    parts += [rng.uniform(edge - 2, edge + 0.5, 20_000), rng.uniform(0.99, 1.01, 20_000)]
    x = np.concatenate(parts).astype(dt)
    edges = [np.nextafter(dt(v), dt(d)) for v in (0.5, 1.0, edge) for d in (0, 2 * edge)]
    edges += [dt(v) for v in (0.5, 1.0, edge, 88.72284, 709.7827, 710.47)]
    x = np.concatenate([x, np.array(edges, dtype=dt)])
    return np.concatenate([x, -x])


def pairs(dt) -> tuple[np.ndarray, np.ndarray]:
    """atan2 arguments: a grid of special and extreme values, and random pairs of wide
    magnitudes, including |y| = |x| and nearly equal ones."""
    rng = np.random.default_rng(6)
    fi = np.finfo(dt)
    sp = [0.0, np.inf, np.nan, 1.0, fi.smallest_subnormal, fi.tiny, fi.max, 3.0, 1e-30]
    sp = np.array(sp + [-v for v in sp], dtype=dt)
    gy, gx = (g.ravel() for g in np.meshgrid(sp, sp))
    n = 200_000
    lim = 30 if dt == np.float32 else 300
    ry = rng.standard_normal(n) * np.exp(rng.uniform(-lim, lim, n))
    rx = rng.standard_normal(n) * np.exp(rng.uniform(-lim, lim, n))
    near = rng.standard_normal(50_000)
    y = np.concatenate([gy, ry, near, near * (1 + 1e-7 * rng.standard_normal(50_000))])
    x = np.concatenate([gx, rx, near, near])
    return y.astype(dt), x.astype(dt)


def table(fn, dt) -> dict[str, float]:
    ulp = t32.ulp_errors if dt == np.float32 else t64.ulp_errors
    wide = np.float64 if dt == np.float32 else LD
    x = sample(dt)
    out = {}
    with np.errstate(all="ignore"):
        for name in NAMES:
            out[name] = float(ulp(fn(name, x), NP[name](x.astype(wide))).max())
        y, x = pairs(dt)
        out["atan2"] = float(
            ulp(fn("atan2", y, x), np.arctan2(y.astype(wide), x.astype(wide))).max()
        )
    return out


def rtorch_fn(name, *args):
    return getattr(rtorch, name)(*(rtorch.tensor(a) for a in args)).numpy()


def rtorch_table() -> dict:
    return {
        "isa": rtorch._C._cpu_isa(),
        "f32": table(rtorch_fn, np.float32),
        "f64": table(rtorch_fn, np.float64),
    }


_CHILD = (
    "import json, sys; sys.path.insert(0, sys.argv[1]); "
    "import test_unary_simd_trig as t; print(json.dumps(t.rtorch_table()))"
)


@pytest.fixture(scope="module")
def torch_ulp():
    torch = pytest.importorskip("torch")

    def fn(name, *args):
        return getattr(torch, name)(*(torch.from_numpy(a) for a in args)).numpy()

    return {"f32": table(fn, np.float32), "f64": table(fn, np.float64)}


@pytest.mark.parametrize("isa", ISAS)
def test_ulp_table(isa, torch_ulp):
    if np.finfo(LD).nmant < 60:
        pytest.skip("long double is no wider than float64 here")
    got = run_on_isa(isa, _CHILD)
    print(isa, got, "torch", torch_ulp)
    for dt in ("f32", "f64"):
        for name, worst in got[dt].items():
            assert worst <= MAX_ULP, (
                f"{dt} {name} on {isa}: {worst} ulp (torch {torch_ulp[dt][name]})"
            )


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_special_values(name, dt):
    # Exactly numpy's (libm's) results, signs of zero included; |x| > 1 is NaN for asin
    # and acos; sinh and cosh stay finite up to ln(2 max) (see the module docstring).
    edge = EDGE[dt]
    v = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 1.5, -1.5, 2.0, 1e30, -1e30]
    v += [np.finfo(dt).smallest_subnormal, -np.finfo(dt).tiny, 0.5, -0.5]
    v += [np.nextafter(dt(edge), dt(0)), np.nextafter(dt(edge), dt(2 * edge)), -edge, 1000.0]
    x = np.array(v, dtype=dt)
    got = rtorch_fn(name, x)
    with np.errstate(all="ignore"):
        want = NP[name](x)
    assert np.array_equal(np.isnan(got), np.isnan(want)), (x, got, want)
    ok = ~np.isnan(want)
    assert np.array_equal(np.signbit(got[ok]), np.signbit(want[ok])), (x, got, want)
    # Exact where the result is a constant (inf, +-0, pi/2); within 1 ulp elsewhere.
    exact = ok & (~np.isfinite(want) | (want == 0) | (np.abs(x) <= np.finfo(dt).tiny))
    assert np.array_equal(got[exact], want[exact]), (x, got, want)
    with np.errstate(all="ignore"):
        np.testing.assert_array_max_ulp(got[ok], want[ok], maxulp=1)


@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_atan2_special_grid_matches_numpy(dt):
    # Where an argument is 0, inf or NaN the result is one of 0, pi/4, pi/2, 3pi/4, pi
    # (signed) or NaN, exactly numpy's; the finite rest of the grid is held to 1 ulp of a
    # wider reference (numpy's own float32 atan2(1, 1) is one below pi/4, torch's is not).
    y, x = pairs(dt)
    n = 18 * 18
    y, x = y[:n], x[:n]
    got = rtorch_fn("atan2", y, x)
    with np.errstate(all="ignore"):
        want = np.arctan2(y, x)
        wide = np.float64 if dt == np.float32 else LD
        ulp = t32.ulp_errors if dt == np.float32 else t64.ulp_errors
        err = ulp(got, np.arctan2(y.astype(wide), x.astype(wide)))
    special = ~np.isfinite(y) | ~np.isfinite(x) | (y == 0) | (x == 0)
    same = (got == want) & (np.signbit(got) == np.signbit(want)) | np.isnan(got) & np.isnan(want)
    bad = special & ~same | ~special & (err > 1)
    assert not bad.any(), list(zip(y[bad], x[bad], got[bad], want[bad]))[:10]
    torch = pytest.importorskip("torch")
    tw = torch.atan2(torch.from_numpy(y), torch.from_numpy(x)).numpy()
    assert np.array_equal(got[special], tw[special], equal_nan=True)
    num = special & ~np.isnan(tw)
    assert np.array_equal(np.signbit(got[num]), np.signbit(tw[num]))


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES + ("atan2",))
def test_torch_parity_random(name, dt):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    lim = 1.0 if name in ("asin", "acos") else 20.0
    x = rng.uniform(-lim, lim, 10_007).astype(dt)
    y = rng.standard_normal(10_007).astype(dt)
    args = (y, x) if name == "atan2" else (x,)
    got = rtorch_fn(name, *args)
    want = getattr(torch, name)(*(torch.from_numpy(a) for a in args)).numpy()
    assert got.dtype == want.dtype
    np.testing.assert_array_max_ulp(got, want, maxulp=2)


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES + ("atan2",))
def test_every_length_and_layout(name, dt):
    # Lengths around the vector widths (tails), a strided view (the scalar path) and, for
    # atan2, a broadcast scalar and a broadcast row.
    torch = pytest.importorskip("torch")
    x = ((np.arange(1, 70) - 35.0) / (35.0 if name in ("asin", "acos") else 7.0)).astype(dt)
    y = np.cos(np.arange(69.0)).astype(dt)

    def both(*a):
        got = getattr(rtorch, name)(*(rtorch.tensor(v) for v in a)).numpy()
        want = getattr(torch, name)(*(torch.from_numpy(np.ascontiguousarray(v)) for v in a))
        np.testing.assert_array_max_ulp(got, want.numpy(), maxulp=2)

    for n in (1, 3, 4, 7, 8, 9, 15, 16, 17, 33, 69):
        both(*((y[:n], x[:n]) if name == "atan2" else (x[:n],)))
    if name == "atan2":
        both(y, np.array(-0.5, dtype=dt))
        both(y[:60].reshape(6, 10), x[:10])
        got = rtorch.atan2(rtorch.tensor(y)[::2], rtorch.tensor(x)[::2]).numpy()
        np.testing.assert_array_max_ulp(got, np.arctan2(y[::2], x[::2]), maxulp=2)
    else:
        got = getattr(rtorch, name)(rtorch.tensor(x)[::2]).numpy()
        with np.errstate(all="ignore"):
            np.testing.assert_array_max_ulp(got, NP[name](x[::2]), maxulp=2)

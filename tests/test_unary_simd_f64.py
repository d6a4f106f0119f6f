"""Accuracy of the vectorised float64 transcendental kernels on every ISA path this CPU
has (NOTE [ SIMD dispatch ], NOTE [ SIMD f64 accuracy ]).

The pattern of test_unary_simd.py, one precision up: each path runs in a subprocess
started with RTORCH_ISA set, and errors are in ulps of the float64 result against numpy's
long double (80-bit extended on x86; the tests skip where long double is no wider than
float64) on one sample: log-spaced magnitudes 1e-320..1e308 of both signs, subnormals,
+-0, +-inf, NaN, exp's overflow and underflow thresholds, and dense ranges for the trig
reduction, around multiples of pi/2, up to its limit (1e6) and past it.

Measured on this sample (AMD EPYC Zen 4; torch 2.13 on the same inputs); erf and erfc
run on `sample_erf` (its mpmath reference is slow). Every path is held to MAX_ULP (2):

    function   rtorch max ulp               torch max ulp
               avx512   avx2   baseline
    exp        0.67     0.67   0.68         0.52
    log        0.71     0.71   0.71         0.52
    sigmoid    1.09     1.09   1.09         1.1e15 (torch's 1 / (1 + e^-x) is 0 below -709.8)
    tanh       1.00     1.00   1.00         0.75
    sin        0.77     0.77   0.77         0.50
    cos        0.75     0.75   0.75         0.50
    expm1      1.03     1.03   1.03         1.00
    log1p      0.82     0.82   0.82         1.00
    log2       0.81     0.81   0.88         0.50
    log10      0.83     0.83   0.84         0.50
    tan        1.36     1.36   1.50         0.51
    rsqrt      0.50     0.50   0.50         1.48 (1 / sqrt(x) rounds twice)
    erf        1.03     1.03   1.08         0.74
    erfc       1.08     1.08   1.77         1.00
"""

from __future__ import annotations

import numpy as np
import pytest
import rtorch
from test_unary_simd import ISAS, MAX_ULP, run_on_isa

LD = np.longdouble


def mp_ref(name: str):
    """erf or erfc in long double through mpmath (numpy has neither), for the arguments
    where they are not a constant or a two-term series at long double precision."""

    def ref(x: np.ndarray) -> np.ndarray:
        mpmath = pytest.importorskip("mpmath")
        mpmath.mp.dps = 30
        f = getattr(mpmath, name)
        ax = np.abs(x)
        out = np.full(x.shape, np.nan, dtype=LD)
        c = LD(2) / np.sqrt(np.arccos(LD(-1)))
        tiny = ax < 1e-10
        erf_tiny = c * x[tiny] * (1 - x[tiny] * x[tiny] / 3)
        out[tiny] = erf_tiny if name == "erf" else 1 - erf_tiny
        big = ax > (6.0 if name == "erf" else 28.0)
        if name == "erf":
            out[big] = np.sign(x[big])
        else:
            out[big] = np.where(x[big] > 0, LD(0), LD(2))
        for i in np.flatnonzero(~tiny & ~big & ~np.isnan(x)):
            r = f(mpmath.mpf(float(x[i])))
            hi = float(r)
            out[i] = LD(hi) + LD(float(r - hi))
        return out

    return ref


# name -> long double reference
REFS = {
    "exp": np.exp,
    "log": np.log,
    "sigmoid": lambda x: LD(1) / (LD(1) + np.exp(-x)),
    "tanh": np.tanh,
    "sin": np.sin,
    "cos": np.cos,
    "expm1": np.expm1,
    "log1p": np.log1p,
    "log2": np.log2,
    "log10": np.log10,
    "tan": np.tan,
    "rsqrt": lambda x: LD(1) / np.sqrt(x),
    "erf": mp_ref("erf"),
    "erfc": mp_ref("erfc"),
}
# References too slow for the whole sample run on `sample_erf`.
SLOW = {"erf", "erfc"}
# The vector trig reduction's limit; lanes past it take the scalar path.
TRIG_LIMIT = 1e6

pytestmark = pytest.mark.skipif(
    np.finfo(LD).nmant < 60, reason="long double is no wider than float64 here"
)


def sample() -> np.ndarray:
    rng = np.random.default_rng(0)
    mag = np.exp(rng.uniform(np.log(1e-320), np.log(1.7e308), 100_000))
    edges = [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 2.2250738585072014e-308]
    edges += [-2.2250738585072014e-308, 2.225073858507201e-308, 1.4901161193847656e-8]
    edges += [709.782712893384, 709.7827128933841, 709.78, 710.0, -708.4, -744.0]
    edges += [-745.1332191019411, -745.1332191019412, -745.14, -746.0, 0.625, 20.0]
    edges += [np.nextafter(0.625, 0.0), np.pi / 4, np.pi / 2, np.pi, 3 * np.pi / 2]
    edges += [TRIG_LIMIT, np.nextafter(TRIG_LIMIT, np.inf), -TRIG_LIMIT, 1e22, 1e300]
    # expm1 and log1p near -1 and their cut-overs, powers of 10 for log10.
    edges += [-1.0, np.nextafter(-1.0, 0.0), np.nextafter(-1.0, -2.0), -40.0, -37.0]
    edges += [0.34657359027997264, -0.34657359027997264, 5.551115123125783e-17, 1e22]
    edges += [1e-300, 2.0**-900, np.nextafter(2.0**-900, 0.0), 1e-310]
    edges += [10.0**k for k in range(-20, 23)]
    parts = [mag, -mag, np.array(edges)]
    parts += [rng.uniform(-w, w, 50_000) for w in (1.0, 10.0, 1e3, TRIG_LIMIT, 1e8)]
    # The doubles nearest to multiples of pi/2, and their neighbours: where the reduction
    # cancels most.
    k = rng.integers(1, int(TRIG_LIMIT / (np.pi / 2)), 20_000)
    near = (k * (LD(np.pi) / 2)).astype(np.float64)
    parts += [np.nextafter(near, np.inf), near, np.nextafter(near, -np.inf), -near]
    parts += [rng.uniform(-50, 50, 50_000), rng.uniform(-800, 800, 50_000)]
    # 67 is not a multiple of any vector width: the partial tail is exercised too.
    return np.concatenate(parts + [rng.uniform(-5, 5, 67)])


def sample_erf() -> np.ndarray:
    """A smaller sample for erf and erfc (an mpmath reference): every 20th point of
    `sample`, dense ranges over their pieces (cut-overs at 0.5, 1.8, 4), the tail to
    erfc's underflow (27.3) and the edges."""
    rng = np.random.default_rng(1)
    x = sample()[::20]
    cuts = [0.5, 1.8, 4.0, 5.93, 6.0, 26.5, 27.2, 27.3]
    near = [np.nextafter(c, d) for c in cuts for d in (0.0, np.inf)]
    parts = [x, np.array(cuts + near), -np.array(cuts + near)]
    parts += [rng.uniform(-w, w, 10_000) for w in (1.0, 6.0, 28.0)]
    return np.concatenate(parts)


def ulp_errors(got: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """|got - ref| in ulps of the float64 result; inf where specials disagree."""
    with np.errstate(all="ignore"):
        want = ref.astype(np.float64)
        err = np.abs(got.astype(LD) - ref) / np.spacing(np.abs(want)).astype(LD)
        err = err.astype(np.float64)
    same = (got == want) & (np.signbit(got) == np.signbit(want)) | np.isnan(got) & np.isnan(want)
    err[same] = 0.0
    err[~same & ~(np.isfinite(got) & np.isfinite(want))] = np.inf
    err[~same & np.isnan(err)] = np.inf
    return err


def table(fn) -> dict[str, float]:
    samples = {False: sample(), True: sample_erf()}
    out = {}
    with np.errstate(all="ignore"):
        for name, ref in REFS.items():
            x = samples[name in SLOW]
            out[name] = float(ulp_errors(fn(name, x), ref(x.astype(LD))).max())
    return out


def rtorch_table() -> dict:
    return {
        "isa": rtorch._C._cpu_isa(),
        "ulp": table(lambda name, x: getattr(rtorch, name)(rtorch.tensor(x)).numpy()),
    }


# The child imports this file for `rtorch_table`; torch is imported only in the parent.
_CHILD = (
    "import json, sys; sys.path.insert(0, sys.argv[1]); "
    "import test_unary_simd_f64 as t; print(json.dumps(t.rtorch_table()))"
)


@pytest.fixture(scope="module")
def torch_ulp():
    torch = pytest.importorskip("torch")
    return table(lambda name, x: getattr(torch, name)(torch.from_numpy(x)).numpy())


def test_sample_is_float64():
    x = sample()
    assert x.dtype == np.float64
    assert (np.abs(x[np.isfinite(x)]) > TRIG_LIMIT).sum() > 10_000


@pytest.mark.parametrize("isa", ISAS)
def test_ulp_table(isa, torch_ulp):
    got = run_on_isa(isa, _CHILD)
    print(isa, got["ulp"], "torch", torch_ulp)
    for name, worst in got["ulp"].items():
        assert worst <= MAX_ULP, f"{name} on {isa}: {worst} ulp (torch {torch_ulp[name]})"


@pytest.mark.parametrize("name", sorted(REFS))
def test_every_length_and_layout(name):
    # Lengths around the vector widths (tails), and a strided view (the scalar path); a
    # lane past the trig limit in some of them sends its vector to the scalar fallback.
    x = (np.arange(1, 70, dtype=np.float64) - 35.0) / 7.0
    x[20] = 3e6
    f = getattr(rtorch, name)
    ref = REFS[name]
    with np.errstate(all="ignore"):
        for n in (1, 3, 4, 7, 8, 9, 15, 16, 17, 21, 33, 69):
            got = f(rtorch.tensor(x[:n])).numpy()
            assert got.dtype == np.float64
            assert ulp_errors(got, ref(x[:n].astype(LD))).max() <= MAX_ULP, n
        got = f(rtorch.tensor(x)[::2]).numpy()
        assert ulp_errors(got, ref(x[::2].astype(LD))).max() <= MAX_ULP

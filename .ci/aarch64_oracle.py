"""Cross-machine oracle for the aarch64 check (`.ci/aarch64`).

torch is not installed in the emulated aarch64 Python, so the torch-parity tests skip
there. This script closes that gap in two steps:

    python3 .ci/aarch64_oracle.py run OUT.npz     # under qemu: rtorch + numpy only
    python3 .ci/aarch64_oracle.py check A.npz...  # on the x86 host, with torch

`run` evaluates a fixed battery of kernels (the SIMD unary family in every float dtype,
pow, casts, inner and outer reductions, softmax, transposed copies, ranges, clamp) on
inputs it draws itself and stores inputs and result bits. `check` recomputes every case
with the host's rtorch and with torch and prints, per case, whether the aarch64 result is
bit-identical to the host's and its distance in ulps from both. A case fails when it is
not bit-identical to the host's rtorch and either differs in NaN/inf pattern or lies
more than `ULP_SLACK` ulps further from torch than the host's result does.
"""

from __future__ import annotations

import sys

import numpy as np

# Vector kernels with a fused multiply-add on both sides (AVX2/AVX-512 and NEON) give the
# same bits; the baseline path does not fuse, so its results may sit an ulp or two away
# (test_unary_simd.py's table). Two ulps beyond the host's own error is the allowance.
ULP_SLACK = 2

UNARY = [
    "exp", "expm1", "log", "log1p", "log2", "log10", "sigmoid", "tanh", "sin", "cos",
    "tan", "erf", "erfc", "rsqrt", "relu", "sqrt", "abs", "neg",
]  # fmt: skip
FLOATS = ["float32", "float64", "float16", "bfloat16"]
INT_VIEW = {"float32": "int32", "float64": "int64", "float16": "int16", "bfloat16": "int16"}
POW_EXPONENTS = [2.0, 3.0, 0.5, -0.5, -1.0, -2.0, 1.7, -2.3, 0.0, 10.0]


def sample(rng, n=4099):
    """Magnitudes over the whole float32 range, both signs, specials, and a dense band."""
    mags = 10.0 ** rng.uniform(-40, 38.5, n // 2)
    dense = rng.uniform(-12, 12, n - n // 2 - 9)
    special = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 88.7, -104.0]
    a = np.concatenate([mags * rng.choice([-1, 1], mags.size), dense, special])
    return a.astype(np.float32)


def cases(lib, np_in):
    """Yield (name, callable of the inputs dict) pairs; the same list on both machines."""
    to = lambda a, dt: lib.from_numpy(a).to(getattr(lib, dt))
    for dt in FLOATS:
        for op in UNARY:
            yield f"{op}/{dt}", lambda d, op=op, dt=dt: getattr(to(d["x"], dt), op)()
            yield f"{op}_/{dt}", lambda d, op=op, dt=dt: getattr(to(d["x"], dt).clone(), op + "_")()
        for e in POW_EXPONENTS:
            yield f"pow{e}/{dt}", lambda d, e=e, dt=dt: to(d["x"], dt) ** e
        yield f"pow_tensor/{dt}", lambda d, dt=dt: to(d["p"], dt).abs() ** to(d["q"], dt)
        yield f"clamp/{dt}", lambda d, dt=dt: to(d["x"], dt).clamp(-3.5, 2.25)
        m = lambda d, dt=dt: to(d["m"], dt)
        for dim in (0, 1, -1):
            for red in ("sum", "prod", "amax", "amin", "argmax", "argmin", "mean"):
                yield (
                    f"{red}{dim}/{dt}",
                    lambda d, red=red, dim=dim, m=m: getattr(m(d), red)(dim=dim),
                )
            for red in ("var", "std", "norm", "logsumexp", "softmax", "log_softmax"):
                if dt in ("float32", "float64"):
                    yield (
                        f"{red}{dim}/{dt}",
                        lambda d, red=red, dim=dim, m=m: getattr(m(d), red)(dim=dim),
                    )
            yield f"cumsum{dim}/{dt}", lambda d, dim=dim, m=m: m(d).cumsum(dim=dim)
        yield f"transpose/{dt}", lambda d, m=m: m(d).t().contiguous()
        for dst in FLOATS + ["int32", "int64", "int8", "uint8", "bool"]:
            yield (
                f"cast/{dt}->{dst}",
                lambda d, dt=dt, dst=dst: to(d["x"], dt).to(getattr(lib, dst)),
            )
    for dt in ("int32", "int64", "int16", "int8", "uint8"):
        yield f"transpose/{dt}", lambda d, dt=dt: to(d["i"], dt).t().contiguous()
        for red in ("sum", "amax", "amin", "argmax", "argmin"):
            yield f"{red}1/{dt}", lambda d, red=red, dt=dt: getattr(to(d["i"], dt), red)(1)
        yield f"cast/{dt}->float16", lambda d, dt=dt: to(d["i"], dt).to(lib.float16)
    for dt in ("float32", "float64"):
        yield (
            f"arange/{dt}",
            lambda d, dt=dt: lib.arange(-3.1, 1000.7, 0.37, dtype=getattr(lib, dt)),
        )
        yield (
            f"linspace/{dt}",
            lambda d, dt=dt: lib.linspace(-7.3, 9.1, 10007, dtype=getattr(lib, dt)),
        )


def bits(t, lib):
    """A result as a numpy array of exact bits (floats as same-width ints, bool as uint8)."""
    name = str(t.dtype).removeprefix("torch.")
    if name in INT_VIEW:
        return t.contiguous().view(getattr(lib, INT_VIEW[name])).numpy(), name
    if name == "bool":
        return t.numpy().astype(np.uint8), name
    return t.numpy(), name


def inputs():
    rng = np.random.default_rng(20261206)
    return {
        "x": sample(rng),
        "p": rng.uniform(0, 30, 4099).astype(np.float32),
        "q": rng.uniform(-30, 30, 4099).astype(np.float32),
        "m": np.round(rng.standard_normal((67, 131)) * 8, 1).astype(np.float32),
        "i": rng.integers(-100, 100, (67, 131)).astype(np.int64),
    }


def run(path):
    import rtorch

    d = inputs()
    out = {f"in:{k}": v for k, v in d.items()}
    out["isa"] = np.array(rtorch._C._cpu_isa())
    for name, f in cases(rtorch, d):
        try:
            b, dt = bits(f(d), rtorch)
            out[f"out:{name}"], out[f"dt:{name}"] = b, np.array(dt)
        except (
            RuntimeError,
            TypeError,
            ValueError,
        ) as e:  # an error is a result too: the host must raise as well
            out[f"err:{name}"] = np.array(type(e).__name__)
    np.savez_compressed(path, **out)
    print(f"{path}: {sum(k.startswith('out:') for k in out)} results on {out['isa']}")


def ulps(a, b, dt):
    """Distance in units of the last place between two bit arrays of float dtype `dt`
    (infinite where exactly one of the two is NaN, 0 where both are)."""

    def ordered(x):
        x = x.astype(np.int64)  # sign-extends, so x < 0 is the float's sign
        mag = x & (2 ** (8 * a.itemsize - 1) - 1)
        return np.where(x < 0, -mag, mag)

    def isnan(x):
        if dt == "bfloat16":
            x = x.astype(np.int32) & 0x7FFF
            return x > 0x7F80
        return np.isnan(x.view({"float16": np.float16, "float32": np.float32}.get(dt, np.float64)))

    oa, ob = ordered(a), ordered(b)
    # Same sign: the integer difference is exact. Opposite signs: far apart anyway, and
    # the sum of magnitudes could overflow int64, so it is taken in float64.
    apart = np.abs(oa.astype(np.float64)) + np.abs(ob.astype(np.float64))
    d = np.where((oa < 0) == (ob < 0), np.abs(oa - ob).astype(np.float64), apart)
    na, nb = isnan(a), isnan(b)
    d[na & nb] = 0
    d[na != nb] = np.inf
    return d


def check(paths):
    import rtorch
    import torch

    failures = 0
    for path in paths:
        z = np.load(path)
        d = {k[3:]: z[k] for k in z.files if k.startswith("in:")}
        same = total = nan_bits = 0
        for name, f in cases(rtorch, d):
            total += 1
            got = z.get(f"out:{name}")
            try:
                host, dt = bits(f(d), rtorch)
            except (RuntimeError, TypeError, ValueError) as e:
                if f"err:{name}" not in z.files or str(z[f"err:{name}"]) != type(e).__name__:
                    failures += 1
                    print(f"FAIL {name}: host raises {type(e).__name__}, aarch64 did not")
                else:
                    same += 1
                continue
            if got is None:
                failures += 1
                print(f"FAIL {name}: aarch64 raised {z[f'err:{name}']}")
                continue
            if got.shape == host.shape and np.array_equal(got, host):
                same += 1
                continue
            if dt in INT_VIEW and got.shape == host.shape and not ulps(got, host, dt).any():
                # NaN in other bits: x86 makes the default NaN negative, Arm positive.
                nan_bits += 1
                continue
            if dt not in INT_VIEW or got.shape != host.shape:
                failures += 1
                print(f"FAIL {name} ({dt}): not identical to the host, exact result expected")
                continue
            tb, _ = bits(f_torch(name, d, torch), torch)
            arm, x86 = ulps(got, tb, dt), ulps(host, tb, dt)
            bad = np.isinf(arm) & ~np.isinf(x86) | (arm > np.maximum(x86, 0) + ULP_SLACK)
            tag = "FAIL" if bad.any() else "diff"
            failures += bool(bad.any())
            print(
                f"{tag} {name}: {np.count_nonzero(got != host)} elements differ from the host; "
                f"max ulp vs torch: aarch64 {np.max(arm):g}, host {np.max(x86):g}"
            )
        print(
            f"{path} ({z['isa']}): of {total} results {same} are bit-identical to the host's "
            f"rtorch, {nan_bits} more up to NaN sign/payload"
        )
    print("aarch64 oracle:", "FAILED" if failures else "ok", f"({failures} failures)")
    return 1 if failures else 0


def f_torch(name, d, torch):
    for n, f in cases(torch, d):
        if n == name:
            return f(d)
    raise KeyError(name)


if __name__ == "__main__":
    if sys.argv[1:2] == ["run"] and len(sys.argv) == 3:
        run(sys.argv[2])
    elif sys.argv[1:2] == ["check"] and len(sys.argv) > 2:
        sys.exit(check(sys.argv[2:]))
    else:
        sys.exit(__doc__)

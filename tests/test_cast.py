"""Dense casts (NOTE [ Dense casts ] in rust/rtorch/src/backend/cpu/copy.rs) bit for bit
against the general strided path (the scalar `convert`) and against torch, on every ISA
path (each in a subprocess started with RTORCH_ISA, as in test_unary_simd.py).

Inputs: every float16 and bfloat16 value, the exact midpoints between neighbours (ties to
even), random float32 and float64 bit patterns, the overflow and subnormal boundaries,
signed zeros, infinities and NaNs with payloads. torch is compared with NaN as NaN (its
scalar conversions return a canonical NaN, its vector ones keep the payload) and, for
float -> int, only where the value fits (torch's out-of-range conversion is undefined; ours
saturates like Rust's `as`, which the strided path checks).
"""

import os
import subprocess
import sys

import numpy as np
import pytest

ISAS = ["baseline", "avx2", "avx512", "neon"]
PAIRS = [
    ("float32", "float16"),
    ("float32", "bfloat16"),
    ("float16", "float32"),
    ("bfloat16", "float32"),
    ("float64", "float16"),
    ("float64", "bfloat16"),
    ("float16", "float64"),
    ("bfloat16", "float64"),
    ("float32", "int64"),
    ("float32", "int32"),
    ("float32", "int16"),
    ("float32", "int8"),
    ("float32", "uint8"),
    ("float32", "bool"),
    ("float64", "int64"),
    ("float64", "int32"),
    ("float64", "uint8"),
    ("int64", "float32"),
    ("int32", "float32"),
    ("int64", "float64"),
    ("uint8", "float32"),
    ("float64", "float32"),
    ("float32", "float64"),
]


def f32_inputs() -> np.ndarray:
    rng = np.random.default_rng(0)
    halves = np.arange(1 << 16, dtype=np.uint32)
    f16 = halves.astype(np.uint16).view(np.float16).astype(np.float32)
    f16 = f16[np.isfinite(f16)]
    f16s = np.sort(f16[f16 >= 0])
    f16_mid = ((f16s[:-1].astype(np.float64) + f16s[1:]) / 2).astype(np.float32)
    bf16 = (halves << 16).view(np.float32)
    bf_mid = ((halves << 16) | 0x8000).view(np.float32)  # exact ties
    special = np.array(
        [
            0.0,
            -0.0,
            np.inf,
            -np.inf,
            65504.0,
            65519.996,
            65520.0,
            65536.0,
            2.0**-24,
            2.0**-25,
            3 * 2.0**-26,
            2.0**-14,
            2.0**-14 - 2.0**-25,
            1e-45,
            3.4e38,
            2.0**31,
            2.0**31 - 128,
            -(2.0**31),
            2.0**63,
            -(2.0**63),
            2.0**63 - 2.0**39,
            255.5,
            256.0,
            -1.5,
            -0.9,
            127.9,
            -128.9,
            32767.5,
            -32769.0,
        ],
        dtype=np.float32,
    )
    nans = np.array(
        [0x7FC00000, 0xFFC00000, 0x7F800001, 0x7FBFFFFF, 0x7FC02000, 0xFFFFFFFF], dtype=np.uint32
    ).view(np.float32)
    rand = rng.integers(0, 1 << 32, 1 << 18, dtype=np.uint64).astype(np.uint32).view(np.float32)
    x = np.concatenate(
        [
            f16,
            -f16_mid,
            f16_mid,
            bf16,
            bf_mid,
            special,
            -special,
            nans,
            rand,
            rng.uniform(-300, 300, 4099).astype(np.float32),
        ]
    )
    return x


def inputs(dtype: str) -> np.ndarray:
    x = f32_inputs()
    if dtype == "float32":
        return x
    if dtype == "float64":
        rng = np.random.default_rng(1)
        rand = rng.integers(0, 1 << 63, 1 << 17, dtype=np.int64).view(np.float64)
        # float64 just beside float32 ties, so the double rounding through float32 shows.
        with np.errstate(invalid="ignore"):  # signalling NaNs
            wide = x.astype(np.float64)
        near = x[np.isfinite(x)].astype(np.float64)
        near = near * (1 + 2.0**-30)
        return np.concatenate(
            [wide, near, rand, -rand, [2.0**63, 2.0**63 - 1024, -(2.0**63) - 2048, 1e300]]
        )
    if dtype in ("float16", "bfloat16"):
        return np.arange(1 << 16, dtype=np.uint32).astype(np.uint16)  # bit patterns
    rng = np.random.default_rng(2)
    info = np.iinfo(dtype)
    edge = np.array(
        [
            info.min,
            info.max,
            0,
            1,
            -1 if info.min < 0 else 2,
            (1 << 24) + 1 if info.bits > 24 else 3,
        ],
        dtype=dtype,
    )
    return np.concatenate(
        [edge, rng.integers(info.min, info.max, 1 << 16, dtype=dtype, endpoint=True)]
    )


def rtorch_results(outdir: str) -> dict:
    """Child: the dense and the strided cast of each pair, saved as bits."""
    import rtorch

    saved = {}
    for a, b in PAIRS:
        x = inputs(a)
        if a in ("float16", "bfloat16"):
            t = rtorch.from_numpy(x.view(np.int16).copy()).view(getattr(rtorch, a))
        else:
            t = rtorch.from_numpy(x.copy())
        dense = t.to(getattr(rtorch, b))
        wide = rtorch.empty(2 * t.numel(), dtype=t.dtype)
        wide[::2] = t
        strided = wide[::2].to(getattr(rtorch, b))
        for name, r in (("dense", dense), ("strided", strided)):
            if b in ("float16", "bfloat16"):
                r = r.view(rtorch.int16)
            saved[f"{a}-{b}-{name}"] = r.numpy()
    np.savez(os.path.join(outdir, "casts.npz"), **saved)
    return {"isa": rtorch._C._cpu_isa()}


_CHILD = (
    "import json, sys; sys.path.insert(0, sys.argv[1]); "
    "import test_cast as t; print(json.dumps(t.rtorch_results(sys.argv[2])))"
)


def torch_cast(torch, a, b, x):
    if a in ("float16", "bfloat16"):
        t = torch.from_numpy(x.view(np.int16).copy()).view(getattr(torch, a))
    else:
        t = torch.from_numpy(x.copy())
    r = t.to(getattr(torch, b))
    return r.view(torch.int16).numpy() if b in ("float16", "bfloat16") else r.numpy()


def as_float(bits, dtype):
    if dtype == "float16":
        return bits.view(np.float16).astype(np.float32)
    if dtype == "bfloat16":
        return (bits.view(np.uint16).astype(np.uint32) << 16).view(np.float32)
    return bits


@pytest.mark.parametrize("isa", ISAS)
def test_dense_casts(isa, tmp_path):
    torch = pytest.importorskip("torch")
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, RTORCH_ISA=isa)
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, here, str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    if f'"isa": "{isa}"' not in out.stdout:
        pytest.skip(f"this CPU lacks {isa}")
    got = np.load(tmp_path / "casts.npz")
    for a, b in PAIRS:
        dense, strided = got[f"{a}-{b}-dense"], got[f"{a}-{b}-strided"]
        assert dense.dtype == strided.dtype
        np.testing.assert_array_equal(dense, strided, err_msg=f"{a} -> {b} on {isa}")
        x = inputs(a)
        want = torch_cast(torch, a, b, x)
        fx = as_float(x, a) if a in ("float16", "bfloat16") else x
        fd, fw = as_float(dense, b), as_float(want, b)
        keep = np.ones(len(x), dtype=bool)
        if b.startswith(("int", "uint")):
            info = np.iinfo(b)
            with np.errstate(invalid="ignore"):
                keep = np.isfinite(fx) & (fx > info.min - 1.0) & (fx < info.max + 1.0)
                keep &= np.abs(fx) < 2.0**62
        nan = np.isnan(fd) if fd.dtype.kind == "f" else np.zeros(len(fd), dtype=bool)
        if fd.dtype.kind == "f":
            assert np.array_equal(nan[keep], np.isnan(fw)[keep]), f"{a} -> {b} NaNs"
        cmp = keep & ~nan
        bad = np.flatnonzero(dense[cmp] != want[cmp])
        assert bad.size == 0, (
            f"{a} -> {b} on {isa}: {bad.size} differ from torch, e.g. {fx[cmp][bad[:3]]}"
        )

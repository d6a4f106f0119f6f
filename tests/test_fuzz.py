"""Seeded differential fuzzer: random op_db calls, rtorch vs torch.

Each call draws an op, random shapes (0-dim, empty, broadcastable or not),
dtypes, layouts and arguments (dims in and out of range, bad keyword values).
rtorch must give torch's dtype, shape and values, or raise torch's exception
type.  The calls run in a child process so that a crash (segfault, abort) is
reported as a test failure naming the call instead of killing pytest.

Environment: RTORCH_FUZZ_SEED (default 0), RTORCH_FUZZ_N (default 5000).
Reproduce one call with
    RTORCH_FUZZ_SEED=<seed> RTORCH_FUZZ_ONLY=<i> python tests/test_fuzz.py
"""

import json
import math
import os
import subprocess
import sys
import warnings
from dataclasses import dataclass

import numpy as np
import pytest
from conftest import LIB, TORCH, dtype_name, exc_type, is_tensor, to_numpy
from op_db import OP_DB
from op_db_samples import ALL_DTYPES, FLOAT_DTYPES, INT_DTYPES, describe, make_tensor

DEFAULT_SEED = 0
DEFAULT_N = 5000
MAX_REPORTED = int(os.environ.get("RTORCH_FUZZ_REPORT", "10"))

# Looser than test_ops: fuzzed reductions over hundreds of elements may sum
# in a different order than torch does.
TOL = {
    "float16": (4e-3, 4e-3),
    "bfloat16": (3e-2, 3e-2),
    "float32": (1e-5, 1e-4),
    "float64": (1e-9, 1e-9),
}

INT_RANGE = {
    "uint8": (0, 255),
    "int8": (-100, 100),
    "int16": (-1000, 1000),
    "int32": (-(10**6), 10**6),
    "int64": (-(10**6), 10**6),
}


@dataclass
class TSpec:
    """A tensor to build identically in both libraries."""

    values: np.ndarray
    dtype: str
    layout: str = "contig"  # contig / t / slice / expand

    def build(self, lib):
        if self.layout == "expand":
            small = self.values[:1]
            return lib.tensor(small, dtype=getattr(lib, self.dtype)).expand(*self.values.shape)
        return make_tensor(lib, self.values, self.dtype, self.layout)

    def __repr__(self):
        lay = "" if self.layout == "contig" else f"/{self.layout}"
        return f"T{self.values.shape}:{self.dtype}{lay}"


@dataclass
class DTypeSpec:
    """A dtype= argument, resolved per library."""

    name: str

    def __repr__(self):
        return f"dtype.{self.name}"


class Gen:
    def __init__(self, rng, preferred=ALL_DTYPES):
        self.rng = rng
        # Mostly dtypes the op supports, so calls get past dtype checks.
        self.preferred = preferred

    def pick(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def chance(self, p):
        return bool(self.rng.random() < p)

    def dtype(self, pool=None):
        if pool is None:
            pool = self.preferred if self.chance(0.85) else ALL_DTYPES
        return self.pick(pool)

    def shape(self, max_ndim=4, min_ndim=0):
        ndim = self.pick([n for n in (0, 1, 1, 2, 2, 2, 3, 3, 4) if min_ndim <= n <= max_ndim])
        return tuple(self.size() for _ in range(ndim))

    def size(self):
        return 0 if self.chance(0.05) else int(self.rng.integers(1, 6))

    def partner_shape(self, shape):
        """Usually broadcast-compatible with ``shape``, sometimes not."""
        r = self.rng.random()
        if r < 0.3:
            return shape
        if r < 0.6:
            keep = int(self.rng.integers(0, len(shape) + 1))
            tail = shape[len(shape) - keep :]
            return tuple(1 if self.chance(0.3) else s for s in tail)
        if r < 0.8:
            return (self.size(),) * int(self.rng.integers(0, 2)) + shape
        return self.shape()

    def values(self, shape, dtype):
        rng = self.rng
        if dtype == "bool":
            return rng.random(shape) < 0.5
        if dtype in INT_DTYPES:
            lo, hi = INT_RANGE[dtype] if self.chance(0.1) else (max(-4, INT_RANGE[dtype][0]), 4)
            return np.asarray(rng.integers(lo, hi + 1, size=shape)).astype(dtype)
        v = np.asarray(rng.uniform(-4, 4, size=shape))
        if self.chance(0.3):
            v = np.round(v * 2) / 2  # exact ties for comparisons, max, argmax, ...
        if v.size and self.chance(0.15):
            flat = v.reshape(-1)
            for _ in range(int(rng.integers(1, 3))):
                flat[int(rng.integers(flat.size))] = self.pick([np.nan, np.inf, -np.inf, -0.0, 0.0])
        return v.astype(np.float32 if dtype == "bfloat16" else dtype)

    def tensor(self, shape=None, dtype=None):
        shape = self.shape() if shape is None else tuple(shape)
        dtype = dtype or self.dtype()
        layout = "contig"
        r = self.rng.random()
        if r < 0.1 and len(shape) >= 2:
            layout = "t"
        elif r < 0.25 and len(shape) >= 1:
            layout = "slice"
        elif r < 0.3 and len(shape) >= 1 and shape[0] > 1:
            layout = "expand"
        vals = self.values(shape, dtype)
        if layout == "expand":
            vals = np.ascontiguousarray(np.broadcast_to(vals[:1], shape))
        return TSpec(vals, dtype, layout)

    def scalar(self, dtype=None):
        if dtype in INT_DTYPES or (dtype is None and self.chance(0.4)):
            return int(self.pick([0, 1, 2, 3, -1, -2]))
        if dtype == "bool" or self.chance(0.1):
            return self.pick([True, False])
        return float(self.pick([0.5, -1.5, 2.0, 0.0, 3.25, math.inf, math.nan]))

    def dim(self, ndim):
        if self.chance(0.1):
            return int(self.pick([ndim, -ndim - 1, ndim + 2]))  # out of range
        n = max(ndim, 1)  # 0-dim tensors accept dim 0 / -1
        return int(self.rng.integers(-n, n))

    def dims(self, ndim):
        k = int(self.rng.integers(1, max(ndim, 1) + 1))
        return tuple(self.dim(ndim) for _ in range(k))


# ---------------------------------------------------------------- per-kind generators


def gen_unary(g, op):
    if g.chance(0.03):
        return ([1.0, 2.0],), {}  # not a tensor
    x = g.tensor()
    kw = {}
    if op.name == "round" and g.chance(0.3):
        kw["decimals"] = g.pick([-1, 0, 1, 2])
    if op.name == "nan_to_num":
        for k in ("nan", "posinf", "neginf"):
            if g.chance(0.4):
                kw[k] = g.pick([0.0, 1.5, -7.0, 1e6])
    return (x,), kw


def gen_binary(g, op):
    x = g.tensor()
    r = g.rng.random()
    if r < 0.7:
        y = g.tensor(g.partner_shape(x.values.shape), x.dtype if g.chance(0.6) else None)
    elif r < 0.9:
        y = g.scalar(x.dtype if g.chance(0.5) else None)
    else:
        y = g.tensor((), None)
    args = (y, x) if g.chance(0.05) else (x, y)
    kw = {}
    if op.name in ("add", "sub") and g.chance(0.2):
        kw["alpha"] = g.pick([2, -1, 0.5, True])
    if op.name == "div" and g.chance(0.4):
        kw["rounding_mode"] = g.pick([None, "trunc", "floor", "bad"])
    return args, kw


# name -> (dim: "opt"/"req", tuple dims allowed, keepdim, dtype=, extra)
REDUCE_SPEC = {
    "sum": ("opt", True, True, True, None),
    "mean": ("opt", True, True, True, None),
    "prod": ("opt", False, True, True, None),
    "max": ("opt", False, True, False, "other"),
    "min": ("opt", False, True, False, "other"),
    "amax": ("opt", True, True, False, None),
    "amin": ("opt", True, True, False, None),
    "argmax": ("opt", False, True, False, None),
    "argmin": ("opt", False, True, False, None),
    "std": ("opt", True, True, False, "correction"),
    "var": ("opt", True, True, False, "correction"),
    "norm": ("opt", True, True, False, "p"),
    "logsumexp": ("req", True, True, False, None),
    "all": ("opt", True, True, False, None),
    "any": ("opt", True, True, False, None),
    "cumsum": ("req", False, False, True, None),
    "cumprod": ("req", False, False, True, None),
    "softmax": ("req", False, False, True, None),
    "log_softmax": ("req", False, False, True, None),
}


def gen_reduction(g, op):
    dim_mode, tuples, keepdim, dtype_kw, extra = REDUCE_SPEC[op.name]
    x = g.tensor()
    ndim = x.values.ndim
    if extra == "other" and g.chance(0.15):
        return (x, g.tensor(g.partner_shape(x.values.shape))), {}
    kw = {}
    if g.chance(0.95 if dim_mode == "req" else 0.7):
        use_tuple = g.chance(0.4 if tuples else 0.05)
        kw["dim"] = g.dims(ndim) if use_tuple else g.dim(ndim)
    if g.chance(0.02):
        kw["dim"] = 0.5  # wrong type
    if keepdim and g.chance(0.4):
        kw["keepdim"] = g.pick([True, False]) if g.chance(0.95) else g.pick([1, "yes"])
    if dtype_kw and g.chance(0.2):
        # No int dtype for float inputs: torch's float->int cast of nan/inf is undefined.
        pool = ["float64", "float32"] + ([] if x.dtype in FLOAT_DTYPES else ["int64"])
        kw["dtype"] = DTypeSpec(g.pick(pool))
    if extra == "correction" and g.chance(0.4):
        if g.chance(0.5):
            kw["unbiased"] = g.pick([True, False])
        if g.chance(0.6):
            kw["correction"] = g.pick([0, 1, 2])
    if extra == "p" and g.chance(0.6):
        kw["p"] = g.pick([1, 2, 3, 0.5, 0, math.inf, -math.inf, "fro"])
    return (x,), kw


def gen_join(g, op):
    n = 0 if g.chance(0.03) else int(g.rng.integers(1, 5))
    base = g.shape(max_ndim=3)
    dtype = g.dtype()
    d = g.dim(len(base) + (1 if op.name == "stack" else 0))
    tensors = []
    for _ in range(n):
        shape = list(base)
        if op.name == "cat" and shape and -len(shape) <= d < len(shape) and g.chance(0.7):
            shape[d] = int(g.rng.integers(0, 4))
        if g.chance(0.1):
            shape = list(g.shape(max_ndim=3))
        tensors.append(g.tensor(shape, dtype if g.chance(0.8) else None))
    seq = tuple(tensors) if g.chance(0.2) else tensors
    return (seq,), ({"dim": d} if g.chance(0.8) else {})


def _blas_shapes(g, name):
    n, k, m, b = (g.size() for _ in range(4))

    def maybe_bad(dim):
        return int(g.rng.integers(1, 6)) if g.chance(0.1) else dim

    def inp(full):
        return g.pick([full, full[-1:], (1,) + full[-1:], (), full[:-1] + (1,), g.shape()])

    table = {
        "mm": [(n, k), (maybe_bad(k), m)],
        "bmm": [(b, n, k), (maybe_bad(b), maybe_bad(k), m)],
        "mv": [(n, k), (maybe_bad(k),)],
        "dot": [(k,), (maybe_bad(k),)],
        "outer": [(n,), (m,)],
        "addmm": [inp((n, m)), (n, k), (maybe_bad(k), m)],
        "addmv": [inp((n,)), (n, k), (maybe_bad(k),)],
        "addr": [inp((n, m)), (n,), (m,)],
        "addbmm": [inp((n, m)), (b, n, k), (maybe_bad(b), maybe_bad(k), m)],
        "baddbmm": [inp((b, n, m)), (b, n, k), (maybe_bad(b), maybe_bad(k), m)],
    }
    if name == "matmul":
        r1, r2 = g.pick([0, 1, 1, 2, 2, 3, 4]), g.pick([0, 1, 1, 2, 2, 3, 4])
        batch = g.shape(max_ndim=2)
        s1 = (batch + (n, k))[-r1:] if r1 else ()
        s2 = (batch[1:] + (maybe_bad(k), m))[-r2:] if r2 else ()
        if r2 == 1:
            s2 = (maybe_bad(k),)
        return [s1, s2]
    shapes = table[name]
    if g.chance(0.05):  # wrong rank
        shapes[-1] = shapes[-1] + (2,)
    return shapes


def gen_blas(g, op):
    dtype = g.dtype()
    args = []
    for s in _blas_shapes(g, op.name):
        d = dtype if g.chance(0.9) else g.dtype()
        t = g.tensor(s, d)
        if d in INT_DTYPES:  # keep products from wrapping differently per accumulation order
            t.values = np.clip(t.values, -3, 3).astype(t.values.dtype)
        args.append(t)
    kw = {}
    if op.name.startswith(("addm", "addr", "addb", "badd")):
        for k in ("beta", "alpha"):
            if g.chance(0.4):
                kw[k] = g.pick([0, 1, 2, 0.5, -1.5, True])
    return tuple(args), kw


def gen_other(g, op):
    x = g.tensor()
    shape = x.values.shape
    if op.name == "clamp":

        def bound():
            r = g.rng.random()
            if r < 0.35:
                return None
            if r < 0.75:
                return g.scalar(x.dtype if g.chance(0.7) else None)
            return g.tensor(g.partner_shape(shape), x.dtype if g.chance(0.7) else None)

        lo, hi = bound(), bound()
        return ((x, lo, hi), {}) if g.chance(0.3) else ((x,), {"min": lo, "max": hi})
    if op.name == "lerp":
        d = g.dtype(FLOAT_DTYPES) if g.chance(0.9) else x.dtype
        x = g.tensor(shape, d)
        end = g.tensor(g.partner_shape(shape), d if g.chance(0.9) else None)
        w = g.scalar("float32") if g.chance(0.5) else g.tensor(g.partner_shape(shape), d)
        return (x, end, w), {}
    if op.name == "where":
        cond = g.tensor(g.partner_shape(shape), "bool" if g.chance(0.9) else None)
        y = (
            g.scalar()
            if g.chance(0.2)
            else g.tensor(g.partner_shape(shape), None if g.chance(0.3) else x.dtype)
        )
        return (cond, x, y), {}
    if op.name == "masked_fill":
        mask = g.tensor(g.partner_shape(shape), "bool" if g.chance(0.9) else None)
        if g.chance(0.7):
            value = g.scalar(x.dtype if g.chance(0.8) else None)
            if (
                x.dtype in INT_DTYPES + ("bool",)
                and isinstance(value, float)
                and not math.isfinite(value)
            ):
                value = 1.5  # nan/inf -> int conversion is undefined in torch
        else:
            value = g.tensor(() if g.chance(0.9) else (2,), x.dtype)
        return (x, mask, value), {}
    if op.name == "nonzero":
        return (x,), ({"as_tuple": True} if g.chance(0.3) else {})
    if op.name in ("addcmul", "addcdiv"):
        t1 = g.tensor(g.partner_shape(shape), x.dtype if g.chance(0.85) else None)
        t2 = g.tensor(g.partner_shape(shape), x.dtype if g.chance(0.85) else None)
        kw = {"value": g.scalar(x.dtype)} if g.chance(0.3) else {}
        return (x, t1, t2), kw
    raise AssertionError(f"no fuzz generator for {op.name}")


GENERATORS = {
    "unary": gen_unary,
    "binary": gen_binary,
    "reduction": gen_reduction,
    "join": gen_join,
    "blas": gen_blas,
    "other": gen_other,
}


def make_call(seed, i):
    rng = np.random.default_rng([seed, i])
    op = OP_DB[int(rng.integers(len(OP_DB)))]
    g = Gen(rng, op.dtypes)
    args, kwargs = GENERATORS[op.kind](g, op)
    return op, args, kwargs


def materialize(lib, obj):
    if isinstance(obj, TSpec):
        return obj.build(lib)
    if isinstance(obj, DTypeSpec):
        return getattr(lib, obj.name)
    if isinstance(obj, list):
        return [materialize(lib, o) for o in obj]
    if isinstance(obj, tuple):
        return tuple(materialize(lib, o) for o in obj)
    if isinstance(obj, dict):
        return {k: materialize(lib, v) for k, v in obj.items()}
    return obj


def describe_call(op, args, kwargs):
    return f"{op.name}(args={describe(args)}, kwargs={describe(kwargs)})"


# ---------------------------------------------------------------- comparison


def run(lib, op, args, kwargs):
    try:
        return "ok", op(lib, *materialize(lib, args), **materialize(lib, kwargs))
    except Exception as e:  # noqa: BLE001 - the exception type is what we compare
        return "raised", e


def difference(got, want):
    """None when rtorch's result matches torch's, else a description."""
    if isinstance(want, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(want):
            return f"structure {type(got).__name__} vs {type(want).__name__}"
        for k, (a, b) in enumerate(zip(got, want)):
            d = difference(a, b)
            if d:
                return f"[{k}] {d}"
        return None
    if not is_tensor(want):
        return None if (not is_tensor(got) and got == want) else f"{got!r} != {want!r}"
    if not is_tensor(got):
        return f"expected a tensor, got {type(got).__name__}"
    if dtype_name(got.dtype) != dtype_name(want.dtype):
        return f"dtype {dtype_name(got.dtype)} != {dtype_name(want.dtype)}"
    if tuple(got.shape) != tuple(want.shape):
        return f"shape {tuple(got.shape)} != {tuple(want.shape)}"
    a, b = to_numpy(got), to_numpy(want)
    if a.dtype.kind in "biu":
        ok = np.array_equal(a, b)
    else:
        rtol, atol = TOL[dtype_name(want.dtype)]
        ok = np.allclose(
            a.astype(np.float64),
            b.astype(np.float64),
            rtol=rtol,
            atol=atol,
            equal_nan=True,
        )
    return None if ok else f"values differ:\n got  {a.reshape(-1)[:8]}\n want {b.reshape(-1)[:8]}"


def torch_quirk(op, gs, ws, want, caught):
    """Known torch behaviours that rtorch deliberately does not copy (None if none)."""
    if any("was resized" in str(w.message) for w in caught):
        return "torch resizes a wrongly shaped output with a deprecation warning"
    if op.kind == "blas" and gs == "raised" and ws == "ok" and want.numel() == 0:
        return "torch skips dtype checks when a BLAS result is empty"
    return None


def check_call(lib, torch, seed, i):
    op, args, kwargs = make_call(seed, i)
    gs, got = run(lib, op, args, kwargs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ws, want = run(torch, op, args, kwargs)
    if torch_quirk(op, gs, ws, want, caught):
        return None
    if gs == "raised" or ws == "raised":
        if gs != ws:
            return f"rtorch {gs} {got!r}, torch {ws} {want!r}"
        if exc_type(got) is not exc_type(want):
            return f"rtorch raised {exc_type(got).__name__}({got}), torch {exc_type(want).__name__}({want})"
        return None
    return difference(got, want)


def worker(seed, n):
    """Child-process loop: prints CALL lines before each call so a crash can be located."""
    warnings.simplefilter("ignore")
    failures = 0
    for i in range(n):
        print(f"CALL {i}", flush=True)
        msg = check_call(LIB, TORCH, seed, i)
        if msg:
            op, args, kwargs = make_call(seed, i)
            call = describe_call(op, args, kwargs)
            print("FAIL " + json.dumps({"i": i, "call": call, "msg": msg}), flush=True)
            failures += 1
    print(f"DONE {failures}", flush=True)


def show_call(seed, i):
    """Print one call and both libraries' outcomes (for RTORCH_FUZZ_ONLY)."""
    op, args, kwargs = make_call(seed, i)
    print(f"seed={seed} call #{i}: {describe_call(op, args, kwargs)}")
    for name, library in (("rtorch", LIB), ("torch", TORCH)):
        status, value = run(library, op, args, kwargs)
        print(f"--- {name}: {status}\n{value!r}")
    msg = check_call(LIB, TORCH, seed, i)
    print(f"MISMATCH: {msg}" if msg else "match")


def test_fuzz_against_torch():
    pytest.importorskip("torch")
    if LIB is None:
        pytest.skip("rtorch is not importable (set RTORCH_TEST_STANDIN=torch to use torch)")
    seed = int(os.environ.get("RTORCH_FUZZ_SEED", DEFAULT_SEED))
    n = int(os.environ.get("RTORCH_FUZZ_N", DEFAULT_N))
    env = dict(os.environ, RTORCH_FUZZ_SEED=str(seed), RTORCH_FUZZ_N=str(n))
    env.pop("RTORCH_FUZZ_ONLY", None)
    proc = subprocess.run(
        [sys.executable, "-X", "faulthandler", os.path.abspath(__file__)],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = proc.stdout.splitlines()
    fails = [json.loads(line[5:]) for line in lines if line.startswith("FAIL ")]
    header = f"fuzz seed={seed} n={n} (rerun: RTORCH_FUZZ_SEED={seed} RTORCH_FUZZ_ONLY=<i> python {__file__})"
    if not any(line.startswith("DONE") for line in lines):
        calls = [line for line in lines if line.startswith("CALL ")]
        last = int(calls[-1].split()[1]) if calls else None
        where = (
            describe_call(*make_call(seed, last)) if last is not None else "before the first call"
        )
        pytest.fail(
            f"{header}\nworker died (exit code {proc.returncode}) during call {last}: {where}\n"
            f"stderr tail:\n{proc.stderr[-3000:]}"
        )
    if fails:
        shown = "\n".join(f"#{f['i']} {f['call']}\n    {f['msg']}" for f in fails[:MAX_REPORTED])
        pytest.fail(f"{header}\n{len(fails)} mismatching calls, first ones:\n{shown}")


if __name__ == "__main__":
    if LIB is None or TORCH is None:
        sys.exit("need rtorch (or RTORCH_TEST_STANDIN=torch) and torch")
    seed = int(os.environ.get("RTORCH_FUZZ_SEED", DEFAULT_SEED))
    only = os.environ.get("RTORCH_FUZZ_ONLY")
    if only is not None:
        show_call(seed, int(only))
    else:
        worker(seed, int(os.environ.get("RTORCH_FUZZ_N", DEFAULT_N)))

#!/usr/bin/env python3
"""Benchmark rtorch against torch (and numpy) in one process run.

Usage: python3 benchmarks/bench.py [--quick] [--filter SUBSTR] [--json PATH] [--stand-in]
                                   [--threads 1,2]

Every case runs at each thread count given (both libraries set to it), so one run shows
the ratios at 1 and 2 threads and how each library scales.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import importlib
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time

THREAD_COUNTS = (1, 2)
LIBS = ("rtorch", "torch", "numpy")

# group -> (limit, text); "import" is an absolute limit in seconds, the rest are
# ratios rtorch/torch.
# Issue 8's targets.
TARGETS = {
    "overhead": (0.5, "<= 0.5x"),
    "autograd": (0.3, "<= 0.3x"),
    "16M": (1.0, "<= 1.0x"),
    "in cache": (1.0, "<= 1.0x"),
    "gemm": (1.05, "<= 1.05x"),
    "fused": (1.0, "<= 1.0x"),
    "unary 4M": (1.0, "<= 1.0x"),
    "1M": (1.0, "<= 1.0x"),
    "alloc": (1.0, "<= 1.0x"),
    # Issue 9's targets: indexing, gather/scatter, and one small advanced index.
    "index": (1.0, "<= 1.0x"),
    "index overhead": (0.6, "<= 0.6x"),
    "import": (0.2, "<= 0.2 s"),
    "sort": (1.0, "<= 1.0x"),
}

# --- cases -------------------------------------------------------------------
# (name, group, input shapes, fn, numpy fn).  fn(lib, *inputs) is what gets timed;
# inputs are made beforehand so only the op is measured.  One fn serves rtorch and
# torch, since rtorch must run torch code unchanged; the numpy fn is None where
# numpy has no equivalent.


def add(m, a, b):
    return a + b


def total(m, a):
    return a.sum()


def slice13(m, a):
    return a[1:3]


def matmul(m, a, b):
    return a @ b


def fwd_bwd(m, x, w):
    w.grad = None  # letting grads accumulate would be a different workload
    (x @ w).relu().sum().backward()


BIG, SQ = [(1 << 24,)], (4096, 4096)  # 16M elements, also seen as a square
M1 = [(1 << 20,)]
M4 = [(1 << 22,)]  # the vectorised transcendental kernels (issue 8); randn inputs, so
# half of log's are negative (NaN out), as they are for torch too
CASES = [
    ("add 1 elem", "overhead", [(1,), (1,)], add, add),
    ("mm 4x4", "overhead", [(4, 4)] * 2, lambda m, a, b: m.mm(a, b), matmul),
    ("sum 100", "overhead", [(100,)], total, total),
    ("slice a[1:3] of 100", "overhead", [(100,)], slice13, slice13),
    ("fwd+bwd (x@w).relu().sum()", "autograd", [(64, 32), (32, 16)], fwd_bwd, None),
    ("add 16M", "16M", BIG * 2, add, add),
    ("add_ 16M in-place", "16M", BIG * 2, lambda m, a, b: a.add_(b),
     lambda np, a, b: np.add(a, b, out=a)),
    ("sum 16M", "16M", BIG, total, total),
    ("exp 16M", "16M", BIG, lambda m, a: a.exp(), lambda np, a: np.exp(a)),
    ("transpose-copy 4096x4096", "16M", BIG, lambda m, a: a.view(*SQ).t().contiguous(),
     lambda np, a: np.ascontiguousarray(a.reshape(SQ).T)),
    ("softmax 4096x4096 dim=1", "16M", BIG,
     lambda m, a: m.softmax(a.view(*SQ), dim=1), None),
    # Memory-bound but in cache (400 KB per operand): where a parallel region's start-up
    # cost decides whether 2 threads help (NOTE [ Worker team ]).
    ("add 100k", "in cache", [(100_000,)] * 2, add, add),
    ("add_ 100k scalar in-place", "in cache", [(100_000,)], lambda m, a: a.add_(1.0),
     lambda np, a: np.add(a, 1.0, out=a)),
    ("sum 100k", "in cache", [(100_000,)], total, total),
    ("gemm 64", "gemm", [(64, 64)] * 2, matmul, matmul),
    ("gemm 128", "gemm", [(128, 128)] * 2, matmul, matmul),
    ("gemm 256", "gemm", [(256, 256)] * 2, matmul, matmul),
    ("gemm 1024", "gemm", [(1024, 1024)] * 2, matmul, matmul),
    ("gemm 2048", "gemm", [(2048, 2048)] * 2, matmul, matmul),
    # Both transposes are views, so the GEMM gets a strided operand.
    ("gemm 1024 a@b.t()", "gemm", [(1024, 1024)] * 2, lambda m, a, b: a @ b.t(),
     lambda np, a, b: a @ b.T),
    # nn.Linear's addmm: the GEMM dominates at this size, so it has the GEMMs' target;
    # the epilogue (beta * input folded into the GEMM) is what keeps it there.
    ("addmm 512 (nn.Linear)", "gemm", [(512,), (512, 512), (512, 512)],
     lambda m, b, x, w: m.addmm(b, x, w.t()), lambda np, b, x, w: b + x @ w.T),
    ("lerp 16M", "fused", BIG * 3, lambda m, a, b, w: m.lerp(a, b, w),
     lambda np, a, b, w: a + w * (b - a)),
    ("addcmul 16M", "fused", BIG * 3, lambda m, a, b, c: m.addcmul(a, b, c, value=0.5),
     lambda np, a, b, c: a + 0.5 * b * c),
    ("var 4096x4096 dim=1", "fused", BIG, lambda m, a: a.view(*SQ).var(1),
     lambda np, a: a.reshape(SQ).var(1, ddof=1)),
    ("exp 4M", "unary 4M", M4, lambda m, a: a.exp(), lambda np, a: np.exp(a)),
    ("log 4M", "unary 4M", M4, lambda m, a: a.log(), lambda np, a: np.log(a)),
    ("sigmoid 4M", "unary 4M", M4, lambda m, a: a.sigmoid(), None),
    ("tanh 4M", "unary 4M", M4, lambda m, a: a.tanh(), lambda np, a: np.tanh(a)),
    ("sin 4M", "unary 4M", M4, lambda m, a: a.sin(), lambda np, a: np.sin(a)),
    ("cos 4M", "unary 4M", M4, lambda m, a: a.cos(), lambda np, a: np.cos(a)),
    ("pow 2.5 4M", "unary 4M", M4, lambda m, a: a.abs().pow_(2.5), None),
    ("pow -1 4M", "unary 4M", M4, lambda m, a: a.pow(-1), lambda np, a: np.power(a, -1)),
    # Slow paths a 1-thread sweep of 1M float32 found (seventh session): column sums (every
    # bias gradient), arg-reductions, casts to half, in-place relu, two-sided clamp.
    ("sum(0) 1024x1024", "1M", M1, lambda m, a: a.view(1024, 1024).sum(0),
     lambda np, a: a.reshape(1024, 1024).sum(0)),
    ("argmax(1) 1024x1024", "1M", M1, lambda m, a: a.view(1024, 1024).argmax(1),
     lambda np, a: a.reshape(1024, 1024).argmax(1)),
    ("max 1M", "1M", M1, lambda m, a: a.max(), lambda np, a: a.max()),
    ("to float16 1M", "1M", M1, lambda m, a: a.to(m.float16), lambda np, a: a.astype(np.float16)),
    ("relu_ 1M", "1M", M1, lambda m, a: a.relu_(), lambda np, a: np.maximum(a, 0, out=a)),
    ("clamp(-0.5, 0.5) 1M", "1M", M1, lambda m, a: a.clamp(-0.5, 0.5),
     lambda np, a: np.clip(a, -0.5, 0.5)),
    # Ninth session: short rows, the fused softmax backward, the inverse trig / hyperbolic
    # family (scalar libm before).
    ("amax(1) 65536x16", "1M", M1, lambda m, a: a.view(65536, 16).amax(1),
     lambda np, a: a.reshape(65536, 16).max(1)),
    ("log_softmax fwd+bwd 1024x1024", "1M", M1,
     lambda m, a: m.log_softmax(a.view(1024, 1024).requires_grad_(), 1).sum().backward(), None),
    ("sinh 1M", "1M", M1, lambda m, a: a.sinh(), lambda np, a: np.sinh(a)),
    ("atan2 1M", "1M", M1 * 2, lambda m, a, b: m.atan2(a, b), lambda np, a, b: np.arctan2(a, b)),
    # Fresh big outputs: allocation and first touch dominate (issue 8's training probe).
    ("zeros 256M (1 GiB)", "alloc", [(1,)], lambda m, a: m.zeros(1 << 28),
     lambda np, a: np.zeros(1 << 28, np.float32)),
    ("randn 16M", "alloc", [(1,)], lambda m, a: m.randn(1 << 24), None),
    # Issue 9: index tensors are made once per library (`_index`), so only the op is timed.
    ("gather(1) 1000x1000", "index", [(1000, 1000)],
     lambda m, a: a.gather(1, _index(m, "g", (1000, 1000), 1000)),
     lambda np, a: np.take_along_axis(a, _index(np, "g", (1000, 1000), 1000), 1)),
    ("scatter_add(1) 1000x1000", "index", [(1000, 1000)] * 2,
     lambda m, a, b: a.scatter_add(1, _index(m, "g", (1000, 1000), 1000), b), None),
    ("index_select 100k rows", "index", [(10000, 64)],
     lambda m, a: a.index_select(0, _index(m, "r", (100000,), 10000)),
     lambda np, a: np.take(a, _index(np, "r", (100000,), 10000), 0)),
    ("x[idx] 100k of 1M", "index", M1, lambda m, a: a[_index(m, "i", (100000,), 1 << 20)],
     lambda np, a: a[_index(np, "i", (100000,), 1 << 20)]),
    ("x[idx] = v 100k of 1M", "index", [(1 << 20,), (100000,)],
     lambda m, a, v: a.__setitem__(_index(m, "i", (100000,), 1 << 20), v),
     lambda np, a, v: a.__setitem__(_index(np, "i", (100000,), 1 << 20), v)),
    ("x[mask] 1M", "index", M1, lambda m, a: a[_mask(m, a)], lambda np, a: a[_mask(np, a)]),
    ("x[mask] = 0 1M", "index", M1, lambda m, a: a.__setitem__(_mask(m, a), 0),
     lambda np, a: a.__setitem__(_mask(np, a), 0)),
    ("x[idx] 10 of 100", "index overhead", [(100,)], lambda m, a: a[_index(m, "s", (10,), 100)],
     lambda np, a: a[_index(np, "s", (10,), 100)]),
    # Sorting and selection (issue 9 section 2): one long line, and topk by selection.
    ("sort 1M", "sort", M1, lambda m, a: a.sort(), lambda np, a: np.sort(a)),
    ("argsort 1M", "sort", M1, lambda m, a: a.argsort(), lambda np, a: np.argsort(a)),
    ("topk(10) 1M", "sort", M1, lambda m, a: a.topk(10), None),
    ("topk(10, dim=1) 1000x1000", "sort", [(1000, 1000)], lambda m, a: a.topk(10, 1), None),
    ("unique 1M int64", "sort", M1, lambda m, a: m.unique(_int64(a)),
     lambda np, a: np.unique(_int64(a))),
]  # fmt: skip

_INDICES = {}


def _index(m, key, shape, high):
    """An int64 index of `shape` in [0, high) for library `m`, made once (same values
    for every library)."""
    k = (m.__name__, key)
    if k not in _INDICES:
        import numpy as np

        v = np.random.default_rng(len(key) + high).integers(0, high, size=shape)
        _INDICES[k] = v if m.__name__ == "numpy" else m.tensor(v)
    return _INDICES[k]


def _mask(m, a):
    """`a > 0` for the input `a`, made once per library."""
    k = (m.__name__, "mask", id(a))
    if k not in _INDICES:
        _INDICES[k] = a > 0
    return _INDICES[k]


_INT64 = {}


def _int64(a):
    """`a` (randn) as int64 values in [-1000, 1000], made once per input, so the timed
    call is the op alone."""
    if id(a) not in _INT64:
        _INT64[id(a)] = (a * 300).long() if hasattr(a, "long") else (a * 300).astype("int64")
    return _INT64[id(a)]


def make_call(m, rand, shapes, fn, grad=False):
    xs = [rand(*shape) for shape in shapes]
    if grad:
        xs[-1].requires_grad_(True)
    return lambda: fn(m, *xs)


# --- timing ------------------------------------------------------------------


def batch_ns(fn, n):
    loop = range(n)
    t0 = time.perf_counter_ns()
    for _ in loop:
        fn()
    return time.perf_counter_ns() - t0


def measure(calls, budget_s, min_reps):
    """Per-call ns of every batch, for each callable in {name: fn}.

    Each library runs in blocks of its own, in two rounds of opposite order, so
    slow drift of the machine cancels out.  Finer interleaving would be unfair:
    thread pools keep spinning after a call (OpenBLAS for ~0.1 s) and steal the
    cores from the next library, hence also the pause before each block.
    """
    block_ns = budget_s * 1e9 / 2  # per library and round
    times = {name: [] for name in calls}
    gc_was_enabled = gc.isenabled()
    gc.disable()  # a collection landing in one library's batches skews the ratio
    try:
        for order in (list(calls), list(calls)[::-1]):
            for name in order:
                fn = calls[name]
                time.sleep(budget_s / 3)
                # Warm-up (lazy init, allocator, caches) that also estimates the
                # call cost.  Its median sizes the batches, so that one stall of
                # the machine cannot shrink the measurement to a single call.
                warm = []
                while len(warm) < 2 or sum(warm) < block_ns / 10:
                    warm.append(batch_ns(fn, 1))
                per_call = max(statistics.median(warm[1:]), 1)
                n = max(1, round(block_ns / 8 / per_call))
                reps = 8 if n > 1 else max(min_reps, min(8, int(block_ns / per_call)))
                times[name] += [batch_ns(fn, n) / n for _ in range(reps)]
    finally:
        if gc_was_enabled:
            gc.enable()
    return times


def subprocess_median_ns(code, runs):
    """Median of the seconds that `code`, run in a fresh interpreter, prints last, in ns."""
    times = []
    for _ in range(runs):
        cmd = [sys.executable, "-c", code]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            return None
        times.append(float(proc.stdout.split()[-1]) * 1e9)
    return statistics.median(times)


def import_time_ns(module, runs):
    code = f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
    return subprocess_median_ns(code, runs)


FRESH_CASE = "add 4x4, fresh process"


def fresh_process_op_ns(module, runs):
    """`a + b` on 4x4 inputs in a new interpreter that never sets the thread count, as a
    user's script runs; the other cases pin it with set_num_threads, which would hide
    per-op costs of the default configuration."""
    ones = "m.ones((4, 4))" if module == "numpy" else "m.ones(4, 4)"
    code = (
        f"import timeit, {module} as m; a = {ones}; b = {ones}; "
        "print(min(timeit.repeat(lambda: a + b, number=20000, repeat=5)) / 20000)"
    )
    return subprocess_median_ns(code, runs)


# --- reporting ---------------------------------------------------------------


def fmt_time(ns):
    if ns is None:
        return "-"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.0f} ns"


def fmt_ratio(r):
    return "-" if r is None else f"{r:.2f}"


def ratio(a, b):
    return a / b if a is not None and b is not None else None


def record(case, group, ns, threads):
    limit, target = TARGETS[group]
    rt_torch, rt_np = ratio(ns["rtorch"], ns["torch"]), ratio(ns["rtorch"], ns["numpy"])
    value = ns["rtorch"] / 1e9 if group == "import" and ns["rtorch"] else rt_torch
    ok = "n/a" if value is None else ("pass" if value <= limit else "FAIL")
    times = " ".join(f"{fmt_time(ns[lib]):>10}" for lib in LIBS)
    print(
        f"{case:28} {threads:>3} {times} {fmt_ratio(rt_torch):>8} {fmt_ratio(rt_np):>7}"
        f"  {target:8} {ok}",
        flush=True,
    )
    return {
        "case": case,
        "group": group,
        "threads": threads,
        **{f"{lib}_ns": ns[lib] for lib in LIBS},
        "rtorch_torch": rt_torch,
        "rtorch_numpy": rt_np,
        "target": target,
        "ok": ok,
    }


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def thp_settings():
    """Transparent huge pages `enabled`/`defrag` (the bracketed choice), or n/a."""
    out = []
    for knob in ("enabled", "defrag"):
        try:
            with open(f"/sys/kernel/mm/transparent_hugepage/{knob}") as f:
                text = f.read()
            out.append(f"{knob}={text[text.index('[') + 1 : text.index(']')]}")
        except (OSError, ValueError):
            out.append(f"{knob}=n/a")
    return " ".join(out)


def set_threads(libs, n):
    for name in ("rtorch", "torch"):
        if libs[name] is not None:
            libs[name].set_num_threads(n)


def cpu_isa(libs):
    isa = getattr(getattr(libs["rtorch"], "_C", None), "_cpu_isa", None)
    return isa() if isa else "n/a"


def load_libs(stand_in):
    libs = {}
    for name in ("torch", "numpy"):
        try:
            libs[name] = importlib.import_module(name)
        except ImportError:
            libs[name] = None
    if stand_in:
        if libs["torch"] is None:
            sys.exit("--stand-in needs torch installed")
        libs["rtorch"] = libs["torch"]
    else:
        try:
            libs["rtorch"] = importlib.import_module("rtorch")
        except ImportError as e:
            sys.exit(f"cannot import rtorch ({e}); build it first, or pass --stand-in")
    return libs


def print_scaling(results, counts):
    """Each library's speed-up from the fewest to the most threads, per case."""
    lo, hi = min(counts), max(counts)
    if lo == hi:
        return
    by = {(r["case"], r["threads"]): r for r in results}
    print(f"\nspeed-up {lo} -> {hi} threads (time at {lo} / time at {hi})")
    print(f"{'case':28} {'rtorch':>7} {'torch':>7}")
    for r in results:
        if r["threads"] != lo or (r["case"], hi) not in by:
            continue
        other = by[(r["case"], hi)]
        ups = [fmt_ratio(ratio(r[f"{lib}_ns"], other[f"{lib}_ns"])) for lib in ("rtorch", "torch")]
        print(f"{r['case']:28} {ups[0]:>7} {ups[1]:>7}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="smoke mode, noisy numbers")
    p.add_argument(
        "--filter",
        default="",
        metavar="SUBSTR",
        help="only cases whose name contains SUBSTR or whose group is SUBSTR; comma-separated for several",
    )
    p.add_argument("--json", metavar="PATH", help="also write results as JSON")
    p.add_argument(
        "--stand-in",
        action="store_true",
        help="use torch under the name rtorch (to test this script)",
    )
    p.add_argument(
        "--threads",
        default="1,2",
        help="comma-separated thread counts; each case runs at each (default 1,2)",
    )
    args = p.parse_args()
    counts = [int(t) for t in args.threads.split(",") if t.strip()]

    # Thread pools read these when a library loads, so set them before importing (to
    # the largest count; set_num_threads lowers it per run); numpy's BLAS has no other
    # knob.  The import-time subprocesses inherit them.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(max(counts))
    libs = load_libs(args.stand_in)
    np = libs["numpy"]
    budget_s, min_reps, import_runs = (0.02, 1, 1) if args.quick else (0.3, 2, 5)

    rt_version = getattr(libs["rtorch"], "__version__", "?")
    meta = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "threads": counts,
        "thp": thp_settings(),
        "python": platform.python_version(),
        "torch": getattr(libs["torch"], "__version__", None),
        "numpy": getattr(np, "__version__", None),
        "rtorch": f"torch {rt_version} as stand-in" if args.stand_in else rt_version,
        "quick": args.quick,
        "isa": cpu_isa(libs),
    }
    print(f"date     {meta['date']}")
    print(f"machine  {meta['cpu']}, {meta['cores']} cores; threads {args.threads}")
    print(f"thp      {meta['thp']} (transparent huge pages)")
    print(f"isa      {meta['isa']} (rtorch's vector kernels; RTORCH_ISA forces one)")
    print(
        f"versions python {meta['python']}, torch {meta['torch'] or 'absent'}, "
        f"numpy {meta['numpy'] or 'absent'}, rtorch {meta['rtorch']}"
    )

    rands = {name: libs[name].randn for name in ("rtorch", "torch") if libs[name]}
    if np is not None:
        rng = np.random.default_rng(0)
        rands["numpy"] = lambda *s: rng.standard_normal(s, dtype=np.float32)

    # The loop and wrapper cost is the same for every library; subtracting it
    # keeps the small per-op ratios honest.  Noise only ever adds time, so the
    # fastest batch is the best estimate of it.
    noop = make_call(libs["rtorch"], rands["rtorch"], [(1,), (1,)], lambda m, a, b: None)
    loop_ns = min(measure({"noop": noop}, budget_s, min_reps)["noop"])
    print(f"loop overhead {loop_ns:.0f} ns/call, subtracted from every time\n")
    print(
        f"{'case':28} {'thr':>3} {'rtorch':>10} {'torch':>10} {'numpy':>10} {'rt/torch':>8}"
        f" {'rt/np':>7}  target"
    )

    results = []
    wanted = args.filter.lower().split(",")
    for name, group, shapes, fn, np_fn in CASES:
        if not any(w in name.lower() or w == group for w in wanted):
            continue
        for threads in counts:
            set_threads(libs, threads)
            calls = {}
            for lib, f in (("rtorch", fn), ("torch", fn), ("numpy", np_fn)):
                if libs[lib] is not None and f is not None:
                    grad = group == "autograd"
                    calls[lib] = make_call(libs[lib], rands[lib], shapes, f, grad)
            times = measure(calls, budget_s, min_reps)
            ns = {lib: None for lib in LIBS}
            for lib, ts in times.items():
                ns[lib] = max(statistics.median(ts) - loop_ns, 1.0)
            del calls, times
            gc.collect()  # free the 16M inputs before the next case allocates its own
            results.append(record(name, group, ns, threads))

    if any(w in FRESH_CASE for w in wanted):
        ns = {}
        for lib in LIBS:
            module = "torch" if lib == "rtorch" and args.stand_in else lib
            found = lib == "rtorch" or importlib.util.find_spec(module) is not None
            ns[lib] = fresh_process_op_ns(module, import_runs) if found else None
        results.append(record(FRESH_CASE, "overhead", ns, "def"))

    if any(w in "import rtorch" for w in wanted):
        ns = {}
        for lib in LIBS:
            module = "torch" if lib == "rtorch" and args.stand_in else lib
            found = lib == "rtorch" or importlib.util.find_spec(module) is not None
            ns[lib] = import_time_ns(module, import_runs) if found else None
        results.append(record("import rtorch", "import", ns, "-"))

    print("\n| case | threads | rtorch | torch | numpy | rtorch/torch | target | ok |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for r in results:
        times = " | ".join(fmt_time(r[f"{lib}_ns"]) for lib in LIBS)
        print(
            f"| {r['case']} | {r['threads']} | {times} | {fmt_ratio(r['rtorch_torch'])} "
            f"| {r['target']} | {r['ok']} |"
        )
    print_scaling(results, counts)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"meta": meta, "results": results}, f, indent=2)
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()

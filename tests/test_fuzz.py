"""Differential fuzzing of rtorch against torch: the pytest entry of ``tests/fuzz``.

``test_fuzz_slice`` runs a bounded, seeded slice of random programs (chains of
registry ops, operators with every operand kind, views and writes through them,
indexing, factories, conversions, backward) in worker processes, comparing every
step's values, dtypes, shapes, strides, aliasing, autograd metadata, gradients and
exceptions with torch's.  It fails on any crash, hang, panic, fuzzer error, or
difference that is neither in ``fuzz/known.py``'s permanent ``ALLOWED`` list nor in
its ``KNOWN_OPEN`` list of bugs being fixed.

Environment: RTORCH_FUZZ_SEED (first program, default 0), RTORCH_FUZZ_N (programs,
default SLICE_N).  Longer runs and replays are one command (from the repository root):

    PYTHONPATH=python python3 -m tests.fuzz --n 20000 --seed 100000
    PYTHONPATH=python python3 -m tests.fuzz --replay SEED
"""

import os

import numpy as np
import pytest
from conftest import LIB, LIB_IS_STANDIN, TORCH
from fuzz.known import ALLOWED, KNOWN_OPEN, NEVER_OPEN
from fuzz.programs import run_program
from fuzz.run import fuzz

SLICE_SEED = 0
SLICE_N = 4000
# The breadth suite (index, scatter, sort, shape utilities, histograms): ~12 s per 1000.
BREADTH_N = 3000
JOBS = 2

needs_both = pytest.mark.skipif(
    TORCH is None or LIB is None or LIB_IS_STANDIN, reason="needs torch and rtorch"
)


@needs_both
@pytest.mark.parametrize("suite", ["core", "breadth"])
def test_fuzz_slice(suite):
    seed = int(os.environ.get("RTORCH_FUZZ_SEED", SLICE_SEED))
    n = int(os.environ.get("RTORCH_FUZZ_N", SLICE_N if suite == "core" else BREADTH_N))
    report = fuzz(range(seed, seed + n), jobs=JOBS, timeout=60, suite=suite)
    failures = report.failures()
    if not failures:
        return
    crashes = "\n".join(
        f"{c['kind'].upper()} in program {c['seed']}: {c['detail'][:1500]}" for c in report.crashes
    )
    new = report.table(statuses=("new",))
    pytest.fail(
        f"{report.summary()}\n{crashes}\n"
        f"differences not in fuzz/known.py (replay: PYTHONPATH=python python3 -m tests.fuzz "
        f"--suite {suite} --replay SEED):\n{new}"
    )


@needs_both
def test_watchdog_reports_abort_and_hang(monkeypatch):
    monkeypatch.setenv("RTORCH_FUZZ_SELFTEST", "abort:11,hang:12")
    report = fuzz([10, 11, 12, 13], jobs=1, timeout=3)
    got = {(c["seed"], c["kind"], c["alone"]) for c in report.crashes}
    assert got == {(11, "crash", True), (12, "hang", True)}
    assert report.programs == 2  # 10 and 13 ran in the workers started after each failure
    assert "SIGABRT" in next(c["detail"] for c in report.crashes if c["seed"] == 11)


@needs_both
def test_programs_are_deterministic():
    a = run_program(7, TORCH, LIB)
    b = run_program(7, TORCH, LIB)
    assert [s.src for s in a.steps] == [s.src for s in b.steps]
    assert len(a.consts) == len(b.consts)
    assert all(np.array_equal(x, y, equal_nan=True) for x, y in zip(a.consts, b.consts))


def test_known_lists_are_well_formed():
    for (op, kind), why in KNOWN_OPEN.items():
        assert kind not in NEVER_OPEN, f"{op}: crashes and hangs must never be silenced"
        assert why.strip(), f"KNOWN_OPEN[{op!r}, {kind!r}] needs a description"
    for a in ALLOWED:
        assert a.reason.strip() and a.tag and a.kinds

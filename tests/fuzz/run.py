"""Command line and process management: workers, the watchdog, the summary.

Programs run in worker processes (``worker.py``), several programs per worker.  The
parent gives each program ``--timeout`` seconds; a worker that dies (segfault, abort,
a panic escaping as an abort) or stops answering (hang) is recorded against the
program's seed and replaced by a fresh one, which then reruns that seed alone to
tell whether it reproduces by itself.
"""

import argparse
import itertools
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

if __package__ in (None, ""):  # run as a script: python3 tests/fuzz/run.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "fuzz"  # lets the relative imports below work
    import fuzz

from .breadth import in_scope as breadth_op
from .known import NEVER_OPEN, classify


def in_scope(finding):
    return finding["kind"] in NEVER_OPEN or breadth_op(finding["op"])


TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKER_CMD = [
    sys.executable,
    "-X",
    "faulthandler",
    "-c",
    f"import sys; sys.path.insert(0, {TESTS_DIR!r}); from fuzz.worker import main; main()",
]
STARTUP_TIMEOUT = 120.0


class WorkerDied(Exception):
    pass


def extension_mtime():
    """Modification time of rtorch's compiled extension (None if not found).

    Rebuilding the extension while workers have it mapped kills them with SIGBUS; such a
    death is not rtorch's fault, so the program is rerun instead of reported.
    """
    import importlib.util

    spec = importlib.util.find_spec("rtorch")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = spec.submodule_search_locations[0]
    names = [n for n in os.listdir(folder) if n.startswith("_C") and n.endswith((".so", ".pyd"))]
    return max((os.stat(os.path.join(folder, n)).st_mtime for n in names), default=None)


class Worker:
    """One child process; ``run(seed)`` -> result dict, or raises WorkerDied / TimeoutError."""

    def __init__(self, suite="core"):
        self.suite = suite
        self.built = extension_mtime()
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the worker
        self.proc = subprocess.Popen(
            WORKER_CMD,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            start_new_session=True,
            env={**os.environ, "RTORCH_FUZZ_SUITE": suite},
        )
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        line = self._next(STARTUP_TIMEOUT)
        if line != "READY":
            raise WorkerDied(f"worker did not start: {line!r}\n{self.stderr_tail()}")

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def _next(self, timeout):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError from None
        if line is None:
            raise WorkerDied(self.exit_status())
        return line

    def run(self, seed, timeout):
        self.proc.stdin.write(f"{seed}\n")
        self.proc.stdin.flush()
        line = self._next(timeout)
        if not line.startswith("RESULT "):
            raise WorkerDied(f"unexpected output {line[:200]!r}")
        return json.loads(line[len("RESULT ") :])

    def exit_status(self):
        code = self.proc.wait()
        if code < 0:
            return f"killed by signal {signal.Signals(-code).name}"
        return f"exit code {code}"

    def stderr_tail(self, n=3000):
        self.log.seek(0)
        text = self.log.read().decode(errors="replace")
        # Only what the last program wrote (the worker marks each program's start).
        start = text.rfind("--- program ")
        return text[start:][-n:] if start >= 0 else text[-n:]

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()

    def close(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except (subprocess.TimeoutExpired, BrokenPipeError, OSError):
            self.kill()


@dataclass
class Report:
    suite: str = "core"
    programs: int = 0
    calls: int = 0
    noise: int = 0
    rebuilds: int = 0  # workers lost to a rebuild of the extension (programs rerun)
    findings: list = field(default_factory=list)  # dicts with seed, op, kind, msg, ...
    crashes: list = field(default_factory=list)  # dicts with seed, kind, detail, alone

    def add_program(self, result):
        self.programs += 1
        self.calls += result["calls"]
        self.noise += result["noise"]
        for f in result["findings"]:
            f["seed"] = result["seed"]
            f["status"] = classify(f)
            if self.suite == "breadth" and f["status"] == "new" and not in_scope(f):
                # A foundation op met on the way: the core suite and its lists own it.
                f["status"] = "core_op"
            self.findings.append(f)

    def distinct(self, statuses=("new", "known_open")):
        """(op, kind) -> findings, for findings with one of ``statuses``."""
        out = {}
        for f in self.findings:
            if f["status"] in statuses:
                out.setdefault((f["op"], f["kind"]), []).append(f)
        for c in self.crashes:
            out.setdefault((c["op"], c["kind"]), []).append(c)
        return out

    def summary(self):
        hangs = sum(c["kind"] == "hang" for c in self.crashes)
        mismatches = sum(f["status"] != "allowed" for f in self.findings)
        allowed = len(self.findings) - mismatches
        return (
            f"calls={self.calls} programs={self.programs} crashes={len(self.crashes) - hangs} "
            f"hangs={hangs} mismatches={mismatches} distinct={len(self.distinct())} "
            f"(allowed={allowed} noise={self.noise} rebuilds={self.rebuilds})"
        )

    def failures(self):
        """Crashes, hangs and findings neither allowed nor known open."""
        new = [f for f in self.findings if f["status"] == "new"]
        return self.crashes + new

    def table(self, statuses=("new", "known_open")):
        lines = []
        for (op, kind), fs in sorted(self.distinct(statuses).items()):
            first = fs[0]
            status = first.get("status", "CRASH")
            msg = first.get("msg") or first.get("detail", "")
            msg = msg.strip().splitlines()[0][:150] if msg.strip() else ""
            lines.append(
                f"{status:10} {op:28} {kind:14} n={len(fs):<5} replay={first['seed']}  {msg}"
            )
        return "\n".join(lines)


def fuzz(seeds, jobs=2, timeout=30.0, progress=None, suite="core"):
    """Run the programs ``seeds`` of ``suite`` in ``jobs`` workers; returns a Report."""
    report = Report(suite)
    seeds = iter(seeds)
    lock = threading.Lock()

    def next_seed():
        with lock:
            return next(seeds, None)

    def requeue(seed):
        nonlocal seeds
        seeds = itertools.chain([seed], seeds)

    def drive():
        worker = Worker(suite)
        while (seed := next_seed()) is not None:
            try:
                result = worker.run(seed, timeout)
            except (WorkerDied, TimeoutError) as e:
                crash = _crash_record(worker, seed, e, timeout)
                rebuilt = worker.built != extension_mtime()
                worker = Worker(suite)
                if rebuilt:  # the extension changed under the worker: run the seed again
                    with lock:
                        report.rebuilds += 1
                        requeue(seed)
                    continue
                crash["alone"] = _reproduces_alone(seed, timeout, suite)
                with lock:
                    report.crashes.append(crash)
                continue
            with lock:
                report.add_program(result)
                if progress:
                    progress(report)
        worker.close()

    threads = [threading.Thread(target=drive) for _ in range(max(1, jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return report


def _crash_record(worker, seed, error, timeout):
    hang = isinstance(error, TimeoutError)
    if hang:
        worker.kill()
    detail = f"no answer within {timeout:.0f}s" if hang else str(error)
    tail = worker.stderr_tail()
    op = "?"
    for line in reversed(tail.splitlines()):
        if "<step" in line:  # faulthandler names the step being run
            op = "step " + line.split("<step", 1)[1].split(">")[0].strip()
            break
    return {
        "seed": seed,
        "op": op,
        "kind": "hang" if hang else "crash",
        "detail": f"{detail}\n{tail}",
        "status": "crash",
    }


def _reproduces_alone(seed, timeout, suite):
    try:
        w = Worker(suite)
    except WorkerDied:
        return None
    try:
        w.run(seed, timeout)
        w.close()
        return False
    except (WorkerDied, TimeoutError):
        w.kill()
        return True


# ------------------------------------------------------------ replay


def replay(seed, suite="core"):
    """Run program ``seed`` in this process, printing every step and both outcomes."""
    import faulthandler

    import rtorch
    import torch

    from .programs import run_program

    faulthandler.enable()
    print(f"# {suite} program {seed}: every step, then torch's and rtorch's outcome")
    p = run_program(seed, torch, rtorch, verbose=True, suite=suite)
    if p.consts:
        print("# constants (C[i]):")
        for i, c in enumerate(p.consts):
            text = repr(c).replace("\n", " ")
            print(f"#   C[{i}] = {text[:300]}")
    print(f"# {p.calls} calls, {len(p.findings)} findings, noise={p.noise}")
    for f in p.findings:
        d = {"op": f.op, "kind": f.kind, "tags": f.tags}
        print(f"#   [{classify(d)}] step {f.step} ({f.op}, {f.kind}): {f.msg.splitlines()[0]}")
    return p


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m tests.fuzz", description=__doc__)
    parser.add_argument("--replay", type=int, nargs="+", metavar="SEED")
    parser.add_argument("--n", type=int, default=1000, help="number of programs")
    parser.add_argument("--seed", type=int, default=0, help="first program seed")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per program")
    parser.add_argument("--all", action="store_true", help="list allowed findings too")
    parser.add_argument(
        "--suite", default="core", choices=("core", "breadth"),
        help="core: the foundation's ops; breadth: the index/sort/shape/histogram families",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.replay:
        for seed in args.replay:
            replay(seed, args.suite)
        return 0
    start = time.time()
    last = [start]

    def progress(report):
        if time.time() - last[0] > 30:
            last[0] = time.time()
            print(f"... {report.summary()}", file=sys.stderr, flush=True)

    seeds = range(args.seed, args.seed + args.n)
    report = fuzz(seeds, args.jobs, args.timeout, progress, args.suite)
    statuses = ("new", "known_open", "allowed", "core_op") if args.all else ("new", "known_open")
    print(report.table(statuses))
    for c in report.crashes:
        alone = {True: "reproduces alone", False: "not alone", None: "?"}[c["alone"]]
        print(f"\n!! {c['kind'].upper()} program {c['seed']} ({alone}): {c['detail'][:2000]}")
    by_status = Counter(f["status"] for f in report.findings)
    print(f"\nfindings by status: {dict(by_status)}; {time.time() - start:.0f}s")
    print(report.summary())
    return 1 if report.failures() else 0


if __name__ == "__main__":
    sys.exit(main())

"""The child process: runs programs by seed, answers one JSON line per program.

Protocol on the private copy of stdout: ``READY`` once torch and rtorch are
imported, then for each seed read from stdin one ``RESULT {json}`` line.  Anything
else the libraries print goes to stderr, which the parent keeps for crash reports.
"""

import faulthandler
import json
import os
import sys
import time
import traceback
from dataclasses import asdict


def main():
    faulthandler.enable()
    proto = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # stray prints must not corrupt the protocol
    sys.stdout = sys.stderr

    import rtorch
    import torch

    from .programs import run_program

    torch.set_num_threads(1)
    suite = os.environ.get("RTORCH_FUZZ_SUITE", "core")
    # Self-test hook (tests/test_fuzz.py): "abort:SEED,hang:SEED" make those programs
    # abort or hang, to check that the parent's watchdog reports them.
    sabotage = dict(
        reversed(item.split(":"))
        for item in os.environ.get("RTORCH_FUZZ_SELFTEST", "").split(",")
        if item
    )
    proto.write("READY\n")
    proto.flush()
    for line in sys.stdin:
        seed = int(line)
        print(f"--- program {seed}", file=sys.stderr, flush=True)
        if sabotage.get(str(seed)) == "abort":
            os.abort()
        if sabotage.get(str(seed)) == "hang":
            time.sleep(3600)
        try:
            p = run_program(seed, torch, rtorch, suite=suite)
        except Exception:  # noqa: BLE001 - a bug of the fuzzer itself, reported as such
            error = traceback.format_exc()
            result = {"seed": seed, "calls": 0, "steps": 0, "noise": 0, "skipped": 0}
            result["findings"] = [
                {
                    "op": "fuzzer",
                    "kind": "fuzzer_error",
                    "msg": error,
                    "step": 0,
                    "src": "",
                    "tags": [],
                    "note": "",
                }
            ]
            proto.write("RESULT " + json.dumps(result) + "\n")
            proto.flush()
            continue
        result = {
            "seed": seed,
            "calls": p.calls,
            "steps": len(p.steps),
            "noise": p.noise,
            "skipped": p.skipped,
            "findings": [asdict(f) for f in p.findings],
        }
        proto.write("RESULT " + json.dumps(result) + "\n")
        proto.flush()


if __name__ == "__main__":
    main()

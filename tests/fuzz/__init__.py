"""Differential fuzzer: random rtorch programs checked step by step against PyTorch.

Run from the repository root (rtorch importable, torch installed):

    PYTHONPATH=python python3 -m tests.fuzz --n 20000 --seed 100000   # long run
    PYTHONPATH=python python3 -m tests.fuzz --replay 123456            # one program
    PYTHONPATH=python python3 tests/fuzz/run.py --replay 123456        # same, as a script
    PYTHONPATH=python python3 -m pytest tests/test_fuzz.py             # the bounded slice

``--n N --seed S`` runs programs S .. S+N-1 (about 13 calls each) in ``--jobs`` worker
processes, prints one line per distinct (op, kind) finding with a replay seed, any
crash or hang with its seed and stderr, and ends with the summary line
``calls=… programs=… crashes=… hangs=… mismatches=… distinct=…``; the exit status is 1
when something is neither allowed nor known open (``--all`` lists allowed ones too).
``--replay SEED`` runs one program in this process and prints every step with torch's
and rtorch's outcome, the constants and the findings.

Layout:
  gen.py        random values, shapes, dims; ``Gen.tensor()`` reuses earlier results
  program.py    ``Program``: runs each step in torch then rtorch and compares
  compare.py    value/dtype/shape/stride/autograd/exception comparison, tolerances
  ops.py        registry ops (``rtorch._C.list_ops()`` + ``tests/op_db.py``), bad args
  operators.py  Python operators with every operand kind (reflected, in-place)
  steps.py      views, writes through views, indexing, setitem, conversions, backward
  factories.py  zeros/ones/full/eye, arange/linspace/logspace, seeded random, NumPy input
  programs.py   the step categories and their weights; ``run_program(seed)``
  worker.py     the child process; run.py the parent: watchdog, summary, CLI
  known.py      ``ALLOWED`` (permanent, tag-scoped) and ``classify``;
  known_open.py ``KNOWN_OPEN`` (today's failures, to be removed as fixes land)

Finding kinds: value, dtype, shape, stride, alias, type, requires_grad, grad_fn, grad,
exc_class, rtorch_raises, torch_raises, panic, crash, hang, fuzzer_error.
"""

import os
import sys

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

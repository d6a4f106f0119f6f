"""Building and running one random program from its seed.

A program is 4 to 12 steps drawn from the categories below (weights in ``CATEGORIES``),
plus the leaf tensors they need.  ``run_program(seed, ...)`` is deterministic: the
same seed gives the same program, which is what ``--replay SEED`` relies on.
"""

import numpy as np

from . import breadth, factories, operators, ops, steps
from .compare import describe
from .gen import Gen
from .program import Program


def op_step(g):
    name, op = g.pick(ops.registry_ops(g.program.libs["rtorch"]))
    step = ops.op_call(g, name, op)
    if g.chance(0.05) and not step.writes:
        steps.no_grad_wrap(step)
    yield step


def bad_step(g):
    yield ops.bad_call(g, g.program.libs["rtorch"])


def breadth_bad_step(g):
    step = next(breadth.breadth_step(g))
    if step.out and step.src.startswith(f"{step.out} = ") and step.src.endswith(")"):
        head = step.src.split(" = ", 1)[1].split("(")[0]
        rtorch = g.program.libs["rtorch"]
        fn = eval(head, {"lib": rtorch}) if head.startswith("lib.") else None
        step = ops.spoil(g, step, fn)
    yield step


CATEGORIES = [
    (op_step, 30),
    (operators.operator_step, 18),
    (steps.view_step, 12),
    (steps.index_step, 7),
    (steps.setitem_step, 5),
    (steps.inplace_step, 5),
    (factories.factory_step, 9),
    (steps.conversion_step, 5),
    (steps.backward_step, 10),
    (bad_step, 3),
]

# The issue-9 families (index, scatter, sort, shape utilities, histograms) in programs of
# their own: drawing them in CATEGORIES would replay every core program differently.
BREADTH_CATEGORIES = [
    (breadth.breadth_step, 40),
    (op_step, 8),
    (operators.operator_step, 6),
    (steps.view_step, 8),
    (steps.inplace_step, 4),
    (steps.conversion_step, 2),
    (steps.backward_step, 14),
    (breadth_bad_step, 4),
]

SUITES = {"core": CATEGORIES, "breadth": BREADTH_CATEGORIES}


def reset(lib):
    lib.manual_seed(0)
    lib.set_default_dtype(lib.float32)
    lib.set_grad_enabled(True)


def run_program(seed, torch, rtorch, verbose=False, suite="core"):
    """Generate and run program ``seed`` of ``suite``; returns the ``Program`` with its findings."""
    categories = SUITES[suite]
    for lib in (torch, rtorch):
        reset(lib)
    rng = np.random.default_rng(seed)
    p = Program(seed, torch, rtorch, verbose)
    g = Gen(rng, p)
    weights = np.array([w for _, w in categories], dtype=float)
    weights /= weights.sum()
    n_steps = g.integer(4, 12)
    done = 0
    while done < n_steps:
        category = categories[int(rng.choice(len(categories), p=weights))][0]
        for step in category(g):
            leaves, p.pending_leaves = p.pending_leaves, []
            for leaf in leaves:
                _run(p, leaf)
            _run(p, step)
            done += 1
    return p


def _run(p, step):
    outcomes = p.run(step)
    if not p.verbose:
        return
    found = [f for f in p.findings if f.step == len(p.steps)]
    print(f"[{len(p.steps)}] {step.op}: " + step.src.replace("\n", "\n      "))
    for name, outcome in zip(("torch", "rtorch"), outcomes):
        if outcome is None:
            print(f"    {name:6}  (not run: reads a variable that already differs)")
            continue
        status, value = outcome
        if status == "raised":
            text = f"raised {type(value).__name__}: {str(value)[:300]}"
        elif step.out:
            text = describe(value)
        else:
            text = "ok"
        print(f"    {name:6}  " + text.replace("\n", "\n            "))
    for f in found:
        print(f"    !! {f.kind}: " + f.msg.replace("\n", "\n       "))

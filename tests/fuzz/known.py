"""Differences the fuzzer tolerates.

``ALLOWED``: permanent.  Each entry is a torch behaviour rtorch deliberately does not
copy, or a situation whose result torch leaves undefined.  An entry names an op (or
``*``), a kind and a *tag* the generator attaches to the step when it builds exactly
that situation, so no entry silences an op as a whole.

``KNOWN_OPEN``: temporary.  (op, kind) pairs failing today, each with a one-line
description; remove an entry when its fix lands (the pytest slice then guards it).
Crashes, hangs and panics never go here.
"""

from dataclasses import dataclass

from .known_open import KNOWN_OPEN


@dataclass(frozen=True)
class Allowed:
    op: str  # op label, or "*"
    kinds: tuple  # "value", or "alias" for the value of another view of the memory
    tag: str  # a tag the step must carry
    reason: str


ALLOWED = [
    Allowed(
        "*",
        ("value", "alias"),
        "ub-cast",
        "float -> integer conversion of nan/inf/out-of-range values is undefined behaviour "
        "in torch (C++ cast); its results vary by platform and code path",
    ),
    Allowed(
        "*",
        ("rtorch_raises",),
        "torch-resized-self",
        "torch silently resizes `self` of an in-place op whose result broadcasts to a larger "
        "shape (addbmm_); rtorch raises like for every other in-place op (op_db skips it too)",
    ),
    Allowed(
        "*",
        ("history",),
        "logical-inplace",
        "logical_and_/or_/xor_/not_ on a float tensor with history: torch leaves its grad_fn "
        "as it was, so the gradient flows through the overwritten values as if unchanged "
        "(x.logical_not_() has gradient 1); rtorch records Logical*Backward0 with a zero "
        "gradient, as torch does for ge_/eq_/sign_/floor_ (pinned in test_regressions_engine)",
    ),
    Allowed(
        "*",
        ("rtorch_raises", "value", "exc_class"),
        "number-out",
        "torch's argument parser takes a Python number as `out=` of add/sub/mul/... (it becomes "
        "a wrapped 0-dim tensor that is resized, written and dropped); rtorch raises TypeError, "
        "as torch itself does for exp/mm/most ops",
    ),
    Allowed(
        "*",
        ("torch_raises", "exc_class"),
        "method-out",
        "rtorch's Tensor methods take out= because rtorch.exp is Tensor.exp (a separate "
        "function object costs ~27 ns per call, NOTE in rust/rtorch-python/src/out.rs); "
        "torch's methods reject the keyword",
    ),
    Allowed(
        "*",
        ("value", "alias", "grad"),
        "dup-write",
        "a non-accumulating write (scatter, index_copy, index_put, put, x[idx] = v) with a "
        "repeated target: torch leaves the winner unspecified, rtorch's last write wins "
        "(NOTE [ Index kernels ]); only the breadth suite makes such steps",
    ),
    Allowed(
        "logsumexp",
        ("torch_raises",),
        "dim=()",
        "torch raises an internal 'output with shape [] doesn't match the broadcast shape' "
        "error for logsumexp(dim=()) of a tensor with several elements; rtorch reduces all "
        "dims, as sum(dim=()) does",
    ),
]

# (op, kind) -> what is wrong today: see known_open.py.

NEVER_OPEN = {"crash", "hang", "panic", "fuzzer_error"}
assert not any(kind in NEVER_OPEN for _, kind in KNOWN_OPEN), "crashes must stay visible"


def classify(finding):
    """'allowed', 'known_open' or 'new' for a finding (a dict or a Finding)."""
    get = finding.get if isinstance(finding, dict) else lambda k: getattr(finding, k)
    op, kind, tags = get("op"), get("kind"), set(get("tags") or ())
    if kind in NEVER_OPEN:
        return "new"
    for a in ALLOWED:
        if a.op in ("*", op) and kind in a.kinds and a.tag in tags:
            return "allowed"
    if (op, kind) in KNOWN_OPEN:
        return "known_open"
    return "new"

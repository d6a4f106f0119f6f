"""Every registry op's graph against torch's, node by node: the class name, the names in
`next_functions`, which `_saved_*` attributes a node shows and what they hold (tensors by
value and by identity with the inputs, sizes, dims, flags and scalars by type and value).

Each sample runs with all its float inputs requiring grad and then with only one of them,
since torch saves some values only for the gradients it will compute (`mul` keeps `self`
only for `other`'s gradient, `mm` a matrix's strides only for that matrix's gradient)."""

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

if rtorch is None or torch is None:
    pytest.skip("needs rtorch and torch (the oracle)", allow_module_level=True)

from test_ops import GRADCHECK, grad_fn, grad_samples, maybe_skip

# Ops whose graph differs from torch's as a whole (test_ops.GRAPH_DIFFERS says why).
# Strict: a fix fails the test until the op leaves this list.
GRAPH_DIFFERS = {"matmul": "a view where torch squeezes (SqueezeBackward4, UnsqueezeBackward0)"}

# (node, attribute) pairs where rtorch shows something else than torch, with the reason.
# Strict too: a listed pair that matches fails the test.
SAVED_DIFFERS = {}


def walk(outputs):
    """Every node reachable from the outputs, breadth first, each once, leaves left out."""
    order, seen = [], set()
    queue = [o.grad_fn for o in outputs if o.grad_fn is not None]
    while queue:
        node = queue.pop(0)
        if node is None or id(node) in seen or type(node).__name__ == "AccumulateGrad":
            continue
        seen.add(id(node))
        order.append(node)
        queue.extend(n for n, _ in node.next_functions)
    return order


def describe(value, leaves):
    """A saved value as something comparable across libraries."""
    if isinstance(value, tuple) and any(hasattr(v, "detach") for v in value):
        return "tensors", tuple(describe(v, leaves) for v in value)
    if value is None or isinstance(value, (bool, int, float, tuple, str)):
        return type(value).__name__, value
    # A tensor: its dtype, shape and values, and which input it is (torch hands back
    # the very object that was saved).
    which = next((i for i, leaf in enumerate(leaves) if value is leaf), None)
    arr = value.detach().numpy()
    return "tensor", str(value.dtype).rsplit(".", 1)[-1], arr.shape, arr, which


def graph(library, op, sample, only):
    """[(class name, next names, {attr: described value})] for the sample's graph, with
    only input `only` requiring grad (all of them when None)."""
    f, leaves = grad_fn(library, op, sample, ("float64",))
    if only is not None:
        leaves = [leaf if i == only else leaf.detach() for i, leaf in enumerate(leaves)]
    out = f(*leaves)
    outs = [o for o in (out if isinstance(out, tuple) else (out,)) if o.grad_fn is not None]
    nodes = []
    for node in walk(outs):
        nexts = tuple(type(n).__name__ if n is not None else None for n, _ in node.next_functions)
        attrs = sorted(a for a in dir(node) if a.startswith("_saved_"))
        saved = {a: describe(getattr(node, a), leaves) for a in attrs}
        nodes.append((type(node).__name__, nexts, saved))
    return nodes


def same(got, want):
    if got[0] != want[0]:
        return False
    if got[0] == "tensors":
        return len(got[1]) == len(want[1]) and all(map(same, got[1], want[1]))
    if got[0] != "tensor":
        return got == want and (got[0] != "float" or str(got[1]) == str(want[1]))
    return (
        got[1:3] == want[1:3]
        and np.allclose(got[3], want[3], rtol=1e-12, atol=1e-12, equal_nan=True)
        and got[4] == want[4]
    )


def compare(got, want, ctx, differs_seen):
    names = [(n, nexts) for n, nexts, _ in got]
    assert names == [(n, nexts) for n, nexts, _ in want], f"{ctx}: graph"
    for (name, _, mine), (_, _, theirs) in zip(got, want):
        assert sorted(mine) == sorted(theirs), f"{ctx}: {name} saved names"
        for attr in theirs:
            ok = same(mine[attr], theirs[attr])
            if (name, attr) in SAVED_DIFFERS:
                if not ok:
                    differs_seen.add((name, attr))
                continue
            assert ok, f"{ctx}: {name}.{attr} is {mine[attr][:2]}, torch has {theirs[attr][:2]}"


@pytest.mark.parametrize("op", GRADCHECK)
def test_saved_matches_torch(op, request):
    if op.name in GRAPH_DIFFERS:
        request.applymarker(pytest.mark.xfail(strict=True, reason=GRAPH_DIFFERS[op.name]))
    maybe_skip(op, "test_grad_matches_torch", "float64")
    differs_seen, listed = set(), set()
    for s, st in zip(grad_samples(op, "float64"), grad_samples(op, "float64", torch)):
        n = len(grad_fn(rtorch, op, s, ("float64",))[1])
        for only in [None] + (list(range(n)) if n > 1 else []):
            ctx = f"{op.name} {s} only={only}"
            want = graph(torch, op, st, only)
            compare(graph(rtorch, op, s, only), want, ctx, differs_seen)
            listed |= {(name, a) for name, _, sv in want for a in sv} & SAVED_DIFFERS.keys()
    assert differs_seen == listed, f"SAVED_DIFFERS entries that now match: {listed - differs_seen}"

"""einsum against torch on random equations: shape, values, the strides of every dim of
size > 1 (NOTE [ einsum layout ] in python/rtorch/_einsum.py), gradients, and the autograd
node names of a few equations."""

import os

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = [
    pytest.mark.skipif(rtorch is None, reason="rtorch is not importable"),
    pytest.mark.skipif(torch is None, reason="needs torch (the oracle)"),
]

LETTERS = "abcdeAB"


def _layout(lib, array, order, step):
    """`array` held in memory in dim order `order` (a permutation), every `step`-th element
    of its last dim when step > 1 (then `array` is the full, unsliced data)."""
    held = lib.tensor(np.transpose(array, order).copy())
    t = held.permute(list(np.argsort(order)))
    if step > 1:
        t = t[..., ::step]
    return t


def _operand(rng, labels, sizes):
    """(array, order, step) for one operand whose dims carry `labels`."""
    shape = [1 if rng.random() < 0.12 else sizes[c] for c in labels]
    for k, c in enumerate(labels):  # a repeated label needs equal sizes for the diagonal
        if c in labels[:k]:
            shape[k] = shape[labels.index(c)]
    order = list(rng.permutation(len(shape))) if rng.random() < 0.5 else list(range(len(shape)))
    step = 2 if shape and rng.random() < 0.15 else 1
    if step > 1:
        shape[-1] *= 2
    return rng.standard_normal(shape), order, step


def _case(rng):
    n_ops = int(rng.choice([1, 2, 2, 2, 3, 3]))
    ellipsis = rng.random() < 0.25
    pool = list(LETTERS)
    terms = []
    for _ in range(n_ops):
        k = int(rng.integers(0 if ellipsis else 1, 4))
        term = [str(c) for c in rng.choice(pool[:5], size=k, replace=True)]
        if rng.random() < 0.15:
            term.append(str(rng.choice(pool[5:])))
        terms.append(term)
    sizes = {c: int(rng.integers(2, 5)) for c in LETTERS}
    ell_shape = [int(rng.integers(1, 4)) for _ in range(int(rng.integers(1, 3)))]
    operands, specs = [], []
    for term in terms:
        arr_labels = list(term)
        if ellipsis:
            # Each operand covers the trailing part of the ellipsis dims (broadcasting).
            cover = ["..."] * int(rng.integers(0, len(ell_shape) + 1))
            at = int(rng.integers(0, len(term) + 1))
            term[at:at] = ["..."]
            arr_labels = arr_labels[:at] + cover + arr_labels[at:]
            ell_sizes = ell_shape[len(ell_shape) - len(cover) :]
        else:
            ell_sizes = []
        shape_labels = []
        e = 0
        for c in arr_labels:
            if c == "...":
                shape_labels.append(f"E{e}")
                sizes[f"E{e}"] = ell_sizes[e]
                e += 1
            else:
                shape_labels.append(c)
        operands.append(_operand(rng, shape_labels, sizes))
        specs.append("".join(term))
    counts = {}
    for term in terms:
        for c in term:
            if c != "...":
                counts[c] = counts.get(c, 0) + 1
    if rng.random() < 0.2:
        return ",".join(specs), operands
    labels = sorted(counts)
    out = [str(c) for c in rng.permutation(labels)[: int(rng.integers(0, len(labels) + 1))]]
    if ellipsis:
        out.insert(int(rng.integers(0, len(out) + 1)), "...")
    return ",".join(specs) + "->" + "".join(out), operands


def _wide_strides(t):
    return [s for n, s in zip(t.shape, t.stride()) if n > 1]


def _run(lib, eq, operands, grad):
    ts = [_layout(lib, a, o, s).requires_grad_(grad) for a, o, s in operands]
    return ts, lib.einsum(eq, *ts)


# EINSUM_SEEDS=200 runs a longer search (about 20 s).
@pytest.mark.parametrize("seed", range(int(os.environ.get("EINSUM_SEEDS", "8"))))
def test_random_equations_match_torch(seed):
    rng = np.random.default_rng(seed)
    for _ in range(150):
        eq, operands = _case(rng)
        grad = rng.random() < 0.2
        try:
            want_in, want = _run(torch, eq, operands, grad)
        except RuntimeError as e:
            with pytest.raises(RuntimeError) as got:
                _run(rtorch, eq, operands, grad)
            assert str(got.value).split(",")[0] == str(e).split(",")[0], eq
            continue
        got_in, got = _run(rtorch, eq, operands, grad)
        what = f"{eq} {[(tuple(t.shape), t.stride(), r.stride()) for t, r in zip(want_in, got_in)]}"
        assert tuple(got.shape) == tuple(want.shape), what
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), 1e-10, 1e-10)
        assert _wide_strides(got) == _wide_strides(want), what
        if grad:
            g = rng.standard_normal(tuple(want.shape))
            want.backward(torch.tensor(g))
            got.backward(rtorch.tensor(g))
            for w, r in zip(want_in, got_in):
                np.testing.assert_allclose(r.grad.numpy(), w.grad.numpy(), 1e-10, 1e-10)


@pytest.mark.parametrize(
    "eq,shapes,want",
    [
        ("ij,jk->ki", [(2, 3), (3, 4)], [(4, 2), (2, 1)]),
        ("bij,bjk->kbi", [(2, 3, 4), (2, 4, 5)], [(5, 2, 3), (3, 15, 1)]),
        ("bij,bjk->ibk", [(2, 3, 4), (2, 4, 5)], [(3, 2, 5), (5, 15, 1)]),
        ("ij,jk,kl->li", [(2, 3), (3, 4), (4, 6)], [(6, 2), (1, 6)]),
        ("i,j->ji", [(2,), (3,)], [(3, 2), (2, 1)]),
        ("ij,jk->jik", [(2, 3), (3, 4)], [(3, 2, 4), (4, 12, 1)]),
        ("ij->ji", [(2, 3)], [(3, 2), (1, 3)]),
    ],
)
def test_torch_strides(eq, shapes, want):
    """Data points read off torch 2.13, contiguous operands."""
    got = rtorch.einsum(eq, *[rtorch.randn(*s) for s in shapes])
    assert [tuple(got.shape), got.stride()] == want


@pytest.mark.parametrize("dtype", ["float64", "int64"])
@pytest.mark.parametrize(
    "eq,shapes",
    [
        ("ij,jk->ik", [(0, 3), (3, 4)]),
        ("ij,jk->ik", [(2, 0), (0, 4)]),
        ("i,i", [(0,), (0,)]),
        ("ij,jk->ki", [(2, 3), (3, 0)]),
        ("bij,bjk->kbi", [(0, 3, 4), (0, 4, 5)]),
        ("ij->", [(0, 3)]),
        ("...ij,...jk", [(2, 1, 3, 4), (5, 4, 2)]),
        ("ij,kj->ik", [(3, 1), (4, 5)]),
    ],
)
def test_empty_and_integer_operands(eq, shapes, dtype):
    rng = np.random.default_rng(3)
    arrays = [rng.integers(-3, 3, s).astype(dtype) for s in shapes]
    want = torch.einsum(eq, *[torch.tensor(a) for a in arrays])
    got = rtorch.einsum(eq, *[rtorch.tensor(a) for a in arrays])
    assert str(got.dtype) == str(want.dtype)
    assert tuple(got.shape) == tuple(want.shape)
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert _wide_strides(got) == _wide_strides(want)


def _graph(fn):
    """The autograd graph as nested (name, children) tuples."""
    if fn is None:
        return None
    name = type(fn).__name__
    if name == "ReshapeAliasBackward0":
        # torch's reshape of a viewable tensor records ReshapeAlias on some paths and View on
        # others; rtorch records View for both.
        name = "ViewBackward0"
    return (name, tuple(_graph(f) for f, _ in fn.next_functions))


@pytest.mark.parametrize(
    "eq,shapes",
    [
        ("ij,jk->ik", [(2, 3), (3, 4)]),
        ("ij,jk->ki", [(2, 3), (3, 4)]),
        ("ii->i", [(3, 3)]),
        ("ij->", [(3, 3)]),
        ("ij,ij->ji", [(2, 3), (2, 3)]),
        ("bii,bj->bj", [(2, 3, 3), (2, 4)]),
        ("ij,jk,kl->li", [(2, 3), (3, 4), (4, 5)]),
    ],
)
def test_autograd_nodes_match_torch(eq, shapes):
    arrays = [np.ones(s) for s in shapes]
    want = torch.einsum(eq, *[torch.tensor(a, requires_grad=True) for a in arrays])
    got = rtorch.einsum(eq, *[rtorch.tensor(a, requires_grad=True) for a in arrays])
    assert _graph(got.grad_fn) == _graph(want.grad_fn)

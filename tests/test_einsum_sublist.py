"""einsum's sublist form (``einsum(op1, [0, 1], op2, [1, 2], [0, 2])``), Ellipsis in
sublists and the one-list operand form, against torch (values, errors, gradients)."""

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = [
    pytest.mark.skipif(rtorch is None, reason="rtorch is not importable"),
    pytest.mark.skipif(torch is None, reason="needs torch (the oracle)"),
]

RNG = np.random.default_rng(7)

E = Ellipsis

# (operand shapes, sublists: one per operand, then optionally the output's)
CASES = [
    ([(2, 3), (3, 4)], [[0, 1], [1, 2], [0, 2]]),
    ([(2, 3), (3, 4)], [[0, 1], [1, 2]]),
    ([(2, 3)], [[27, 0]]),
    ([(2, 3)], [[27, 0], [0, 27]]),
    ([(4, 4)], [[5, 5]]),
    ([(4, 4)], [[5, 5], [5]]),
    ([(3,), (3,)], [[0], [0], []]),
    ([(5, 2, 3), (3, 4)], [[E, 0, 1], [1, 2], [E, 0, 2]]),
    ([(5, 2, 3), (3, 4)], [[E, 0, 1], [1, 2]]),
    ([(6, 5, 2, 3), (5, 3, 4)], [[E, 0, 1], [E, 1, 2], [E, 2, 0]]),
    ([(2, 3, 4)], [[0, E], [E, 0]]),
    ([(2, 3), (3, 4), (4, 5)], [[51, 26], [26, 30], [30, 0], [51, 0]]),
]


def _args(lib, arrays, subs):
    args = []
    for a, s in zip(arrays, subs):
        args += [lib.tensor(a, requires_grad=True), s]
    if len(subs) > len(arrays):
        args.append(subs[-1])
    return args


@pytest.mark.parametrize("shapes,subs", CASES)
def test_sublist_matches_torch(shapes, subs):
    arrays = [RNG.standard_normal(s) for s in shapes]
    want_args = _args(torch, arrays, subs)
    got_args = _args(rtorch, arrays, subs)
    want = torch.einsum(*want_args)
    got = rtorch.einsum(*got_args)
    assert tuple(got.shape) == tuple(want.shape)
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = RNG.standard_normal(tuple(want.shape))
    want.backward(torch.tensor(g))
    got.backward(rtorch.tensor(g))
    for w, r in zip(want_args[: 2 * len(arrays) : 2], got_args[: 2 * len(arrays) : 2]):
        np.testing.assert_allclose(r.grad.numpy(), w.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shapes,subs", [CASES[0], CASES[7], CASES[10]])
def test_sublist_gradcheck(shapes, subs):
    arrays = [rtorch.tensor(RNG.standard_normal(s), requires_grad=True) for s in shapes]
    out = subs[len(shapes) :]

    def f(*ops):
        args = [x for pair in zip(ops, subs) for x in pair]
        return rtorch.einsum(*args, *out)

    assert rtorch.autograd.gradcheck(f, arrays)
    assert rtorch.autograd.gradgradcheck(f, arrays)


def test_operands_as_one_list():
    a, b = RNG.standard_normal((2, 3)), RNG.standard_normal((3, 4))
    for wrap in (list, tuple):
        want = torch.einsum("ij,jk", wrap([torch.tensor(a), torch.tensor(b)]))
        got = rtorch.einsum("ij,jk", wrap([rtorch.tensor(a), rtorch.tensor(b)]))
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)
    got = rtorch.einsum("ij", [rtorch.tensor(a)])
    np.testing.assert_array_equal(got.numpy(), a)


def test_implicit_output_with_one_ellipsis():
    # '...' in one operand only: the implicit output is the ellipsis dims, then the
    # labels seen once.
    a, b = RNG.standard_normal((5, 2, 3)), RNG.standard_normal((3, 4))
    want = torch.einsum("...ij,jk", torch.tensor(a), torch.tensor(b))
    got = rtorch.einsum("...ij,jk", rtorch.tensor(a), rtorch.tensor(b))
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)


def _bad(lib):
    a, b = lib.ones(2, 3), lib.ones(3, 4)
    return [
        lambda: lib.einsum(a, [0, 52]),
        lambda: lib.einsum(a, [0, -1]),
        lambda: lib.einsum(a),
        lambda: lib.einsum("ij"),
        lambda: lib.einsum(),
        lambda: lib.einsum(a, [0, 1.5]),
        lambda: lib.einsum(a, "ij"),
        lambda: lib.einsum(a, [0, 1], b),
        lambda: lib.einsum(a, [0, 1], [0, 1, 2]),
        lambda: lib.einsum(a, [1, 1]),
        lambda: lib.einsum(lib.ones(2, 2, 4), [0, 0, 0], [0]),
        lambda: lib.einsum(a, [0, 1], b, [2, 1]),
    ]


@pytest.mark.parametrize("k", range(12))
def test_sublist_errors_match_torch(k):
    with pytest.raises(Exception) as want:
        _bad(torch)[k]()
    with pytest.raises(Exception) as got:
        _bad(rtorch)[k]()
    assert got.type is want.type
    if got.type is not TypeError:
        assert str(got.value) == str(want.value)

"""A second backward without `retain_graph`, for every registry op against torch.

PyTorch frees a node's saved tensors after a backward, not the node: a second backward
fails only through a node that saved a tensor (NOTE [ Which nodes a backward frees ]).
Each sample's output is summed and backpropagated twice; rtorch must raise exactly when
torch does, and otherwise accumulate the same gradients."""

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

if rtorch is None or torch is None:
    pytest.skip("needs rtorch and torch (the oracle)", allow_module_level=True)

from test_ops import GRADCHECK, grad_fn, grad_samples, maybe_skip


def twice(library, op, sample):
    """(whether the second backward raised, the leaves' gradients after it)."""
    f, leaves = grad_fn(library, op, sample, ("float64",))
    if not leaves:
        return None
    outs = f(*leaves)
    outs = [o for o in (outs if isinstance(outs, tuple) else (outs,)) if o.grad_fn is not None]
    if not outs:
        return None
    loss = sum(o.sum() for o in outs)
    loss.backward()
    first = [None if leaf.grad is None else leaf.grad.detach().numpy().copy() for leaf in leaves]
    try:
        loss.backward()
        raised = False
    except RuntimeError as e:
        assert "backward through the graph a second time" in str(e), str(e)
        raised = True
    grads = [None if leaf.grad is None else leaf.grad.detach().numpy() for leaf in leaves]
    return raised, first, grads


@pytest.mark.parametrize("op", GRADCHECK)
def test_second_backward_matches_torch(op):
    maybe_skip(op, "test_grad_matches_torch", "float64")
    for s, st in zip(grad_samples(op, "float64"), grad_samples(op, "float64", torch)):
        want = twice(torch, op, st)
        got = twice(rtorch, op, s)
        if want is None:
            continue
        assert got is not None, f"{op.name} {s}: no graph"
        assert got[0] == want[0], f"{op.name} {s}: second backward raised={got[0]}, torch {want[0]}"
        # NOTE: the second gradient is checked as twice the first, not against torch's:
        # torch's AccumulateGrad can keep views of one expanded gradient as the leaves'
        # .grad (stack of 0-dim tensors), and its in-place second accumulation then adds
        # into all of them at once (4 where 2 is right).
        for g1, g2, w in zip(got[1], got[2], want[1]):
            assert (g1 is None) == (w is None), f"{op.name} {s}: grad presence"
            if w is not None:
                np.testing.assert_allclose(g1, w, rtol=1e-10, atol=1e-10, equal_nan=True)
                if not got[0]:
                    np.testing.assert_allclose(g2, 2 * g1, rtol=1e-12, atol=0, equal_nan=True)

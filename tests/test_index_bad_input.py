"""Bad input to the index family and the counting ops (issue 9 section 4): the exception
type and message are torch's, and an in-place op that raises leaves its tensor as it was.

Known, deliberate differences are listed in DIFFERENT with the reason."""

import warnings

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = pytest.mark.skipif(rtorch is None, reason="rtorch is not importable")
needs_torch = pytest.mark.skipif(torch is None, reason="needs torch (the oracle)")

X = np.arange(12.0).reshape(3, 4)


def mk(lib):
    return lib.tensor(X)


def ix(lib, v, dtype=None):
    return lib.tensor(v) if dtype is None else lib.tensor(v, dtype=getattr(lib, dtype))


# name -> fn(lib, x) with x a fresh (3, 4) float64 tensor; every call raises in torch.
BAD = {
    "gather_oob": lambda l, x: x.gather(1, ix(l, [[0, 5]])),
    "gather_neg": lambda l, x: x.gather(1, ix(l, [[0, -1]])),
    "gather_float_index": lambda l, x: x.gather(1, ix(l, [[0.0, 1.0]])),
    "gather_ndim": lambda l, x: x.gather(1, ix(l, [0, 1])),
    "gather_index_too_big": lambda l, x: x.gather(1, ix(l, [[0]] * 4)),
    "scatter_oob": lambda l, x: x.scatter(1, ix(l, [[0, 5]]), mk(l)),
    "scatter_dtype": lambda l, x: x.scatter(1, ix(l, [[0, 1]]), mk(l).int()),
    "scatter_reduce_unknown": lambda l, x: x.scatter_reduce(1, ix(l, [[0, 1]]), mk(l), "foo"),
    "scatter_add_oob": lambda l, x: x.scatter_add(0, ix(l, [[3]]), mk(l)),
    "index_select_oob": lambda l, x: x.index_select(0, ix(l, [3])),
    "index_select_neg": lambda l, x: x.index_select(0, ix(l, [-1])),
    "index_select_float": lambda l, x: x.index_select(0, ix(l, [0.0])),
    "index_select_2d_index": lambda l, x: x.index_select(0, ix(l, [[0]])),
    "index_add_dtype": lambda l, x: x.index_add(0, ix(l, [0]), mk(l)[:1].int()),
    "index_add_oob": lambda l, x: x.index_add(0, ix(l, [3]), mk(l)[:1]),
    "index_add_shape": lambda l, x: x.index_add(0, ix(l, [0]), mk(l)[:2]),
    "index_copy_oob": lambda l, x: x.index_copy(0, ix(l, [7]), mk(l)[:1]),
    "index_fill_oob": lambda l, x: x.index_fill(1, ix(l, [4]), 1.0),
    "index_fill_nd_value": lambda l, x: x.index_fill(1, ix(l, [0]), mk(l)[0]),
    "index_reduce_unknown": lambda l, x: x.index_reduce(0, ix(l, [0]), mk(l)[:1], "foo"),
    "take_oob": lambda l, x: x.take(ix(l, [12])),
    "take_neg_oob": lambda l, x: x.take(ix(l, [-13])),
    "put_oob": lambda l, x: x.put(ix(l, [12]), ix(l, [1.0])),
    "getitem_oob": lambda l, x: x[ix(l, [3])],
    "getitem_float": lambda l, x: x[ix(l, [0.5])],
    "getitem_mask_shape": lambda l, x: x[ix(l, [True, False])],
    "masked_fill_uint8": lambda l, x: x.masked_fill(ix(l, [1, 0, 1, 0], "uint8"), 1.0),
    "masked_fill_int32": lambda l, x: x.masked_fill(ix(l, [1, 0, 1, 0], "int32"), 1.0),
    "masked_select_shape": lambda l, x: x.masked_select(ix(l, [True, False])),
    "masked_select_uint8": lambda l, x: x.masked_select(ix(l, [1, 0, 1, 0], "uint8")),
    "masked_scatter_dtype": lambda l, x: x.masked_scatter(ix(l, [True] * 4), ix(l, [1.0] * 12)),
    "masked_scatter_shape": lambda l, x: x.masked_scatter(ix(l, [True] * 5), mk(l)),
    "index_put_oob": lambda l, x: x.index_put((ix(l, [3]),), ix(l, 1.0, "float64")),
    "index_put_dtype": lambda l, x: x.index_put((ix(l, [0]),), ix(l, [1, 2, 3, 4])),
    "bincount_negative": lambda l, x: l.bincount(ix(l, [-1])),
    "histc_int": lambda l, x: l.histc(ix(l, [1, 2])),
    "repeat_interleave_negative": lambda l, x: x.repeat_interleave(-1),
}

# In-place calls that raise: the tensor must be unchanged afterwards.
BAD_INPLACE = {
    "index_add_oob": lambda l, x: x.index_add_(0, ix(l, [0, 3]), mk(l)[:2]),
    "index_add_dtype": lambda l, x: x.index_add_(0, ix(l, [0]), mk(l)[:1].int()),
    "index_copy_oob": lambda l, x: x.index_copy_(0, ix(l, [0, 7]), mk(l)[:2]),
    "index_fill_oob": lambda l, x: x.index_fill_(1, ix(l, [0, 4]), 1.0),
    "index_reduce_oob": lambda l, x: x.index_reduce_(0, ix(l, [1, 3]), mk(l)[:2], "prod"),
    "scatter_oob": lambda l, x: x.scatter_(1, ix(l, [[0, 5]]), mk(l)),
    "scatter_add_oob": lambda l, x: x.scatter_add_(1, ix(l, [[0, 1, 9]]), mk(l)),
    "scatter_reduce_unknown": lambda l, x: x.scatter_reduce_(1, ix(l, [[0]]), mk(l), "foo"),
    "put_oob": lambda l, x: x.put_(ix(l, [0, 12]), ix(l, [1.0, 2.0], "float64")),
    "index_put_oob": lambda l, x: x.index_put_((ix(l, [0, 3]),), ix(l, 1.0, "float64")),
    "setitem_oob": lambda l, x: x.__setitem__(ix(l, [1, 3]), 7.0),
    "masked_scatter_short_source": lambda l, x: x.masked_scatter_(
        ix(l, [True] * 4), ix(l, [1.0], "float64")
    ),
    "masked_fill_uint8": lambda l, x: x.masked_fill_(ix(l, [1, 0, 1, 0], "uint8"), 1.0),
}


def expanded_write(op):
    def f(lib, _x):
        base = lib.zeros(1, 4, dtype=lib.float64)
        e = base.expand(3, 4)
        {
            "index_add_": lambda: e.index_add_(0, ix(lib, [0, 1]), lib.ones(2, 4).double()),
            "index_copy_": lambda: e.index_copy_(0, ix(lib, [0]), lib.ones(1, 4).double()),
            "index_reduce_": lambda: e.index_reduce_(
                0, ix(lib, [0]), lib.ones(1, 4).double(), "prod"
            ),
            "scatter_": lambda: e.scatter_(0, ix(lib, [[0, 1, 2, 0]]), lib.ones(1, 4).double()),
            "scatter_add_": lambda: e.scatter_add_(
                0, ix(lib, [[0, 1, 2, 0]]), lib.ones(1, 4).double()
            ),
            "masked_scatter_": lambda: e.masked_scatter_(
                lib.ones(3, 4, dtype=lib.bool), lib.ones(12).double()
            ),
            "put_": lambda: e.put_(ix(lib, [0]), lib.ones(1).double()),
            "index_put_": lambda: e.index_put_((ix(lib, [0, 1]),), lib.ones(4).double()),
            "masked_fill_": lambda: e.masked_fill_(lib.ones(3, 4, dtype=lib.bool), 1.0),
            "index_fill_": lambda: e.index_fill_(0, ix(lib, [0]), 1.0),
            "setitem": lambda: e.__setitem__(ix(lib, [0]), 1.0),
        }[op]()
        return base

    return f


EXPANDED = [
    "index_add_",
    "index_copy_",
    "index_reduce_",
    "scatter_",
    "scatter_add_",
    "masked_scatter_",
    "put_",
]
# torch only warns ("Use of index_put_ on expanded tensors is deprecated") and writes
# through the overlap; rtorch refuses every write into self-overlapping memory.
EXPANDED_TORCH_WARNS = ["index_put_", "masked_fill_", "index_fill_", "setitem"]

DIFFERENT = {
    # torch's CPU take_along_dim does not check its (broadcast) indices; rtorch does.
    "take_along_dim_oob": lambda l, x: l.take_along_dim(x, ix(l, [[4]]), 1),
}


def outcome(f, lib):
    x = mk(lib)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f(lib, x)
    except Exception as e:  # noqa: BLE001 - the exception is what is compared
        return type(e), str(e).split("\n")[0]
    return None


@needs_torch
@pytest.mark.parametrize("name", sorted(BAD) + sorted(BAD_INPLACE))
def test_matches_torch(name):
    f = BAD.get(name) if name in BAD else BAD_INPLACE[name]
    ours, theirs = outcome(f, rtorch), outcome(f, torch)
    assert theirs is not None, f"{name}: torch accepts it"
    assert ours is not None, f"{name}: rtorch accepts it; torch raises {theirs}"
    assert ours[0] is theirs[0], (ours, theirs)
    assert ours[1] == theirs[1], (ours, theirs)


@pytest.mark.parametrize("name", sorted(BAD_INPLACE))
def test_raising_inplace_leaves_tensor(name):
    x = mk(rtorch)
    before = x.clone()
    version = x._version
    with pytest.raises((RuntimeError, IndexError)):
        BAD_INPLACE[name](rtorch, x)
    assert rtorch.equal(x, before)
    assert x._version == version


@pytest.mark.parametrize("op", EXPANDED + EXPANDED_TORCH_WARNS)
def test_expanded_write_refused(op):
    base = rtorch.zeros(1, 4, dtype=rtorch.float64)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        expanded_write(op)(rtorch, None)
    assert rtorch.equal(base, rtorch.zeros(1, 4, dtype=rtorch.float64))


@needs_torch
@pytest.mark.parametrize("op", EXPANDED)
def test_expanded_write_matches_torch(op):
    ours, theirs = outcome(expanded_write(op), rtorch), outcome(expanded_write(op), torch)
    assert ours == theirs


@needs_torch
@pytest.mark.parametrize("op", EXPANDED_TORCH_WARNS)
def test_expanded_write_torch_only_warns(op):
    # The documented difference: when torch starts refusing these, move them to EXPANDED.
    assert outcome(expanded_write(op), torch) is None


@needs_torch
def test_take_along_dim_checks_indices():
    assert outcome(DIFFERENT["take_along_dim_oob"], torch) is None
    err = outcome(DIFFERENT["take_along_dim_oob"], rtorch)
    assert err is not None and "out of bounds" in err[1]

"""op_db entries for indexing, gather and scatter (issue 9 section 1).

Index tensors are built here with fixed values (in range, with repeats where the op
accumulates); numpy references use take_along_axis / np.add.at / np.take where numpy
has the operation, and torch parity covers the rest.
"""

import numpy as np
from op_db_samples import ALL_DTYPES, SampleInput, _tensor_factory
from op_info import OpInfo, _errors, _t


def _i(lib, values, layout=None):
    t = lib.tensor(np.asarray(values, dtype=np.int64))
    if layout == "t":
        return t.t().contiguous().t()
    return t


def _mask(lib, values):
    return lib.tensor(np.asarray(values, dtype=bool))


# ---------------------------------------------------------------- samples


def gather_samples(lib, dtype, rng):
    t, e = _tensor_factory(lib, rng, dtype, -3, 3)
    yield SampleInput((t((3, 4)), 1, _i(lib, [[0, 0], [1, 3], [3, 2]])), name="dim1")
    yield SampleInput((t((3, 4)), 0, _i(lib, [[2, 1, 0, 0]])), name="dim0")
    yield SampleInput((t((3, 4)), -1, _i(lib, [[1], [2]])), name="neg_dim_smaller")
    yield SampleInput((t((4, 3), "t"), 0, _i(lib, [[3, 0, 1], [2, 2, 0]])), name="noncontig")
    yield SampleInput((t(()), 0, _i(lib, 0)), name="0d")
    yield SampleInput((t((3, 4)), 1, _i(lib, np.zeros((3, 0)))), name="empty_index")
    yield SampleInput((e((1, 4), (3, 4)), 1, _i(lib, [[1], [2], [3]])), name="expanded")
    yield SampleInput((t((2, 3, 4)), 2, _i(lib, [[[0, 3]], [[1, 1]]])), name="3d")


def _take_along(x, dim, idx, sparse_grad=False):
    if x.ndim == 0:
        return x.copy()
    sl = tuple(slice(0, s) if d != dim % x.ndim else slice(None) for d, s in enumerate(idx.shape))
    return np.take_along_axis(x[sl], idx, axis=dim)


def scatter_samples(lib, dtype, rng):
    t, _ = _tensor_factory(lib, rng, dtype, -3, 3)
    yield SampleInput((t((3, 4)), 1, _i(lib, [[0, 2], [3, 1]]), t((2, 2))), name="src")
    yield SampleInput((t((3, 4)), 0, _i(lib, [[2, 0, 1, 0]]), t((1, 4))), name="dim0")
    # torch's ScatterBackward0 returns an index-sized gradient for a larger src (an error).
    yield SampleInput(
        (t((3, 4)), -1, _i(lib, [[1], [3], [0]]), t((3, 2))), name="src_larger", grad=False
    )
    yield SampleInput(
        (t((4, 3), "t"), 0, _i(lib, [[3, 0, 1]]), t((2, 3), "t")), name="noncontig", grad=False
    )  # src larger than index
    yield SampleInput((t((3, 4)), 1, _i(lib, [[1, 2]])), {"value": 2}, name="value_kw")
    yield SampleInput((t(()), 0, _i(lib, 0), t(())), name="0d")
    yield SampleInput((t((3, 4)), 1, _i(lib, np.zeros((0, 2))), t((0, 2))), name="empty")


def scatter_add_samples(lib, dtype, rng):
    t, _ = _tensor_factory(lib, rng, dtype, -3, 3)
    yield SampleInput((t((3, 4)), 1, _i(lib, [[0, 0, 2], [3, 1, 3]]), t((2, 3))), name="dups")
    yield SampleInput((t((3, 4)), 0, _i(lib, [[2, 0, 2, 0], [2, 2, 2, 1]]), t((2, 4))), name="dim0")
    yield SampleInput(
        (t((4, 3), "t"), -2, _i(lib, [[3, 3, 1]]), t((2, 3), "t")), name="noncontig", grad=False
    )  # src larger than index: see scatter_samples
    yield SampleInput((t(()), 0, _i(lib, 0), t(())), name="0d")
    yield SampleInput((t((3, 4)), 1, _i(lib, np.zeros((0, 2))), t((0, 2))), name="empty")


def _scatter_add_ref(x, dim, idx, src):
    out = x.copy()
    if x.ndim == 0:
        return out + src
    for pos in np.ndindex(*idx.shape):
        tgt = list(pos)
        tgt[dim % x.ndim] = idx[pos]
        out[tuple(tgt)] += src[pos]
    return out


def scatter_reduce_samples(lib, dtype, rng):
    t, _ = _tensor_factory(lib, rng, dtype, -3, 3, nonzero=True)
    idx = _i(lib, [[0, 0, 2], [3, 1, 3]])
    for r in ("sum", "prod", "mean", "amax", "amin"):
        if r == "mean" and dtype == "bool":
            continue  # torch: not implemented for Bool
        for inc in (True, False):
            yield SampleInput(
                (t((3, 4)), 1, idx, t((2, 3)), r), {"include_self": inc}, name=f"{r}_{inc}"
            )
    yield SampleInput((t((4, 3), "t"), 0, _i(lib, [[3, 3, 1]]), t((2, 3)), "sum"), name="noncontig")


def index_select_samples(lib, dtype, rng):
    t, e = _tensor_factory(lib, rng, dtype, -3, 3)
    yield SampleInput((t((3, 4)), 0, _i(lib, [2, 0, 2])), name="rows")
    yield SampleInput((t((3, 4)), -1, _i(lib, [3, 1])), name="cols")
    yield SampleInput((t((4, 3), "t"), 1, _i(lib, [0, 0, 2, 1])), name="noncontig")
    yield SampleInput((t((3, 4)), 0, _i(lib, 1)), name="0d_index")
    yield SampleInput((t((3, 4)), 0, _i(lib, np.zeros(0))), name="empty_index")
    yield SampleInput((e((1, 4), (3, 4)), 0, _i(lib, [1, 2])), name="expanded")
    yield SampleInput((t((2, 3, 4)), 1, _i(lib, [2, 1])), name="3d")


def index_add_samples(lib, dtype, rng):
    t, _ = _tensor_factory(lib, rng, dtype, -3, 3)
    alpha = 2 if dtype not in ("float16", "bfloat16", "float32", "float64") else 0.5
    yield SampleInput((t((3, 4)), 0, _i(lib, [2, 0, 2]), t((3, 4))), name="dups")
    yield SampleInput((t((3, 4)), 1, _i(lib, [3, 1]), t((3, 2))), {"alpha": alpha}, name="alpha")
    yield SampleInput((t((4, 3), "t"), -1, _i(lib, [0, 0]), t((4, 2), "t")), name="noncontig")
    yield SampleInput((t((3, 4)), 0, _i(lib, np.zeros(0)), t((0, 4))), name="empty")


def index_copy_samples(lib, dtype, rng):
    t, _ = _tensor_factory(lib, rng, dtype, -3, 3)
    yield SampleInput((t((3, 4)), 0, _i(lib, [2, 0]), t((2, 4))), name="rows")
    yield SampleInput((t((3, 4)), -1, _i(lib, [3, 1, 0]), t((3, 3))), name="cols")
    yield SampleInput((t((4, 3), "t"), 1, _i(lib, [2]), t((4, 1), "t")), name="noncontig")


def index_fill_samples(lib, dtype, rng):
    t, _ = _tensor_factory(lib, rng, dtype, -3, 3)
    v = True if dtype == "bool" else 2
    yield SampleInput((t((3, 4)), 0, _i(lib, [2, 0, 2]), v), name="number")
    # (torch's IndexFillBackward1 fails on a negative index: a separate sample)
    yield SampleInput((t((3, 4)), 1, _i(lib, [2, 1]), t(())), name="tensor_value")
    yield SampleInput((t((3, 4)), 1, _i(lib, [-1, 1]), v), name="neg_index")
    yield SampleInput((t((4, 3), "t"), 1, _i(lib, [0]), v), name="noncontig")
    yield SampleInput((t((3, 4)), 0, _i(lib, np.zeros(0)), v), name="empty")


def index_reduce_samples(lib, dtype, rng):
    t, _ = _tensor_factory(lib, rng, dtype, -3, 3, nonzero=True)
    for r in ("prod", "mean", "amax", "amin"):
        if r == "mean" and dtype == "bool":
            continue  # torch: not implemented for Bool
        for inc in (True, False) if dtype != "bool" else (True,):
            yield SampleInput(
                (t((3, 4)), 0, _i(lib, [2, 0, 2]), t((3, 4)), r),
                {"include_self": inc},
                name=f"{r}_{inc}",
            )


def index_samples(lib, dtype, rng):
    t, _ = _tensor_factory(lib, rng, dtype, -3, 3)
    yield SampleInput((t((3, 4)), (_i(lib, [2, 0, 2]),)), name="rows")
    yield SampleInput((t((3, 4)), (None, _i(lib, [[3, 0], [1, 1]]))), name="cols_2d")
    yield SampleInput((t((2, 3, 4)), (_i(lib, [1, 0]), None, _i(lib, [3, -1]))), name="split")
    yield SampleInput((t((2, 3, 4)), (_i(lib, [[1], [0]]), _i(lib, [2, 0, 1]))), name="broadcast")
    yield SampleInput((t((3, 4)), (_mask(lib, [True, False, True]),)), name="mask")
    yield SampleInput(
        (t((3, 4), "t"), (_mask(lib, np.arange(12).reshape(3, 4) % 3 == 0),)),
        name="mask_2d_noncontig",
    )
    yield SampleInput((t((3, 4)), (_i(lib, np.zeros(0)),)), name="empty")


def index_put_samples(lib, dtype, rng):
    t, _ = _tensor_factory(lib, rng, dtype, -3, 3)
    yield SampleInput((t((3, 4)), (_i(lib, [2, 0]),), t((2, 4))), name="rows")
    yield SampleInput(
        (t((3, 4)), (_i(lib, [2, 0, 2]), _i(lib, [1, 1, 1])), t((3,))),
        {"accumulate": True},
        name="accumulate_dups",
    )
    yield SampleInput(
        (t((3, 4)), (_i(lib, [[2], [1]]), _i(lib, [3, 0])), t((2,))), name="broadcast_values"
    )
    yield SampleInput((t((3, 4)), (_mask(lib, [True, False, True]),), t(())), name="mask_scalar")
    yield SampleInput((t((4, 3), "t"), (_i(lib, [-1]),), t((1, 3))), name="noncontig_neg")


def take_samples(lib, dtype, rng):
    t, _ = _tensor_factory(lib, rng, dtype, -3, 3)
    yield SampleInput((t((3, 4)), _i(lib, [[0, 11], [-1, 5]])), name="2d_index")
    yield SampleInput((t((4, 3), "t"), _i(lib, [1, 4, 4])), name="noncontig")
    yield SampleInput((t(()), _i(lib, [0, 0])), name="0d")
    yield SampleInput((t((3, 4)), _i(lib, np.zeros(0))), name="empty")


def put_samples(lib, dtype, rng):
    t, _ = _tensor_factory(lib, rng, dtype, -3, 3)
    yield SampleInput((t((3, 4)), _i(lib, [0, 5, -1]), t((3,))), name="flat")
    yield SampleInput((t((3, 4)), _i(lib, [[0, 0], [5, 5]]), t((2, 2)), True), name="accumulate")
    yield SampleInput((t((4, 3), "t"), _i(lib, [1, 4]), t((2,))), name="noncontig")


def take_along_dim_samples(lib, dtype, rng):
    t, _ = _tensor_factory(lib, rng, dtype, -3, 3)
    yield SampleInput((t((3, 4)), _i(lib, [[0], [3], [1]]), 1), name="dim1")
    yield SampleInput((t((3, 4)), _i(lib, [[0, 1]])), name="flat")
    yield SampleInput((t((3, 4)), _i(lib, [[2], [0]]).view(1, 2).t(), 0), name="broadcast")


def masked_select_samples(lib, dtype, rng):
    t, _ = _tensor_factory(lib, rng, dtype, -3, 3)
    m = np.arange(12).reshape(3, 4) % 3 != 1
    yield SampleInput((t((3, 4)), _mask(lib, m)), name="2d")
    yield SampleInput((t((3, 4)), _mask(lib, [True, False, True, True])), name="broadcast_mask")
    yield SampleInput((t((1, 4)), _mask(lib, m)), name="broadcast_self")
    yield SampleInput((t((4, 3), "t"), _mask(lib, m.T)), name="noncontig")
    yield SampleInput((t(()), _mask(lib, True)), name="0d")


def masked_scatter_samples(lib, dtype, rng):
    t, _ = _tensor_factory(lib, rng, dtype, -3, 3)
    m = np.arange(12).reshape(3, 4) % 3 != 1
    yield SampleInput((t((3, 4)), _mask(lib, m), t((12,))), name="2d")
    yield SampleInput(
        (t((3, 4)), _mask(lib, [True, False, False, True]), t((2, 5))), name="broadcast_mask"
    )
    yield SampleInput((t((4, 3), "t"), _mask(lib, m.T), t((9,))), name="noncontig")


# ---------------------------------------------------------------- errors


@_errors
def _gather_errors(lib, rng):
    t = _t(lib, rng)
    yield (t((3, 4)), 1, _i(lib, [[4]])), {}, RuntimeError
    yield (t((3, 4)), 1, _i(lib, [[-1]])), {}, RuntimeError
    yield (t((3, 4)), 1, lib.tensor([[1.0]])), {}, RuntimeError
    yield (t((3, 4)), 1, _i(lib, [[[0]]])), {}, RuntimeError
    yield (t((3, 4)), 2, _i(lib, [[0]])), {}, IndexError


@_errors
def _scatter_errors(lib, rng):
    t = _t(lib, rng)
    yield (t((3, 4)), 1, _i(lib, [[5]]), t((1, 1))), {}, RuntimeError
    yield (t((3, 4)), 1, _i(lib, [[1]]), _t(lib, rng, "float64")((1, 1))), {}, RuntimeError
    yield (t((3, 4)), 0, _i(lib, [[0, 1, 2, 0, 0]]), t((1, 5))), {}, RuntimeError


@_errors
def _scatter_reduce_errors(lib, rng):
    t = _t(lib, rng)
    yield (t((3, 4)), 1, _i(lib, [[1]]), t((1, 1)), "foo"), {}, RuntimeError
    yield (t((3, 4)), 1, _i(lib, [[4]]), t((1, 1)), "sum"), {}, RuntimeError


@_errors
def _index_select_errors(lib, rng):
    t = _t(lib, rng)
    yield (t((3, 4)), 0, _i(lib, [3])), {}, IndexError
    yield (t((3, 4)), 0, _i(lib, [[0]])), {}, IndexError
    yield (t((3, 4)), 0, lib.tensor([0.0])), {}, RuntimeError


@_errors
def _index_add_errors(lib, rng):
    t = _t(lib, rng)
    yield (t((3, 4)), 0, _i(lib, [3]), t((1, 4))), {}, RuntimeError
    yield (t((3, 4)), 0, _i(lib, [1, 1]), t((1, 4))), {}, RuntimeError
    yield (t((3, 4)), 0, _i(lib, [1]), t((1, 3))), {}, RuntimeError
    yield (t((3, 4)), 0, _i(lib, [1]), _t(lib, rng, "float64")((1, 4))), {}, RuntimeError


@_errors
def _index_copy_errors(lib, rng):
    t = _t(lib, rng)
    yield (t((3, 4)), 0, _i(lib, [3]), t((1, 4))), {}, IndexError
    yield (t((3, 4)), 0, _i(lib, [1]).int(), t((1, 4))), {}, RuntimeError
    yield (t((3, 4)), 0, _i(lib, [1]), t((1, 3))), {}, RuntimeError


@_errors
def _index_fill_errors(lib, rng):
    t = _t(lib, rng)
    yield (t((3, 4)), 0, _i(lib, [3]), 1.0), {}, IndexError
    yield (t((3, 4)), 0, _i(lib, [1]), t((1,))), {}, RuntimeError


@_errors
def _index_reduce_errors(lib, rng):
    t = _t(lib, rng)
    yield (t((3, 4)), 0, _i(lib, [1]), t((1, 4)), "sum"), {}, RuntimeError


@_errors
def _index_errors(lib, rng):
    t = _t(lib, rng)
    yield (t((3, 4)), (_i(lib, [3]),)), {}, IndexError
    yield (t((3, 4)), (lib.tensor([1.0]),)), {}, IndexError
    yield (t((3, 4)), (_mask(lib, [True, False]),)), {}, IndexError
    yield (t((3, 4)), (_i(lib, [0, 1]), _i(lib, [0, 1, 2]))), {}, IndexError


@_errors
def _index_put_errors(lib, rng):
    t = _t(lib, rng)
    yield (t((3, 4)), (_i(lib, [3]),), t(())), {}, IndexError
    yield (t((3, 4)), (_i(lib, [1, 2]),), t((3,))), {}, RuntimeError
    yield (t((3, 4)), (_i(lib, [1]),), _t(lib, rng, "float64")(())), {}, RuntimeError


@_errors
def _take_errors(lib, rng):
    t = _t(lib, rng)
    yield (t((3, 4)), _i(lib, [12])), {}, IndexError
    yield (t((3, 4)), _i(lib, [1]).int()), {}, RuntimeError


@_errors
def _put_errors(lib, rng):
    t = _t(lib, rng)
    yield (t((3, 4)), _i(lib, [12]), t((1,))), {}, IndexError
    yield (t((3, 4)), _i(lib, [1, 2]), t((1,))), {}, IndexError
    yield (t((3, 4)), _i(lib, [1]), _t(lib, rng, "float64")((1,))), {}, RuntimeError


@_errors
def _masked_errors(lib, rng):
    t = _t(lib, rng)
    yield (t((3, 4)), lib.tensor(np.ones((3, 4), dtype=np.uint8))), {}, RuntimeError
    yield (t((3, 4)), _mask(lib, np.ones((2, 4), dtype=bool))), {}, RuntimeError


@_errors
def _masked_scatter_errors(lib, rng):
    t = _t(lib, rng)
    yield (t((3, 4)), _mask(lib, np.ones((3, 4), dtype=bool)), t((5,))), {}, RuntimeError
    yield (t((3, 4)), lib.tensor(np.ones((3, 4), dtype=np.uint8)), t((12,))), {}, RuntimeError


def _index_fn(lib, x, indices):
    # None in an index list is a full slice (aten::index); in a subscript it is a new axis.
    return x[tuple(slice(None) if i is None else i for i in indices)]


# ---------------------------------------------------------------- entries

# fmt: off
OPS = [
    OpInfo("gather", "other", gather_samples, ref=_take_along, error_inputs=_gather_errors),
    OpInfo("scatter", "other", scatter_samples, inplace=True, error_inputs=_scatter_errors),
    OpInfo("scatter_add", "other", scatter_add_samples, ref=_scatter_add_ref, inplace=True,
           dtypes=ALL_DTYPES, error_inputs=_scatter_errors),
    OpInfo("scatter_reduce", "other", scatter_reduce_samples, inplace=True,
           error_inputs=_scatter_reduce_errors,
           # the prod gradient divides by the inputs: float32 numerics vs torch's
           tol={"float16": (2e-2, 2e-2), "bfloat16": (5e-2, 5e-2)}),
    OpInfo("take_along_dim", "other", take_along_dim_samples),
    OpInfo("index_select", "other", index_select_samples,
           ref=lambda x, d, i: np.take(x, np.atleast_1d(i), axis=d) if x.ndim else x.copy(),
           error_inputs=_index_select_errors),
    # float16 sums of cancelling values: torch rounds the repeated index's sums elsewhere.
    OpInfo("index_add", "other", index_add_samples, inplace=True, dtypes=ALL_DTYPES,
           tol={"float16": (2e-2, 2e-2), "bfloat16": (5e-2, 5e-2)},
           error_inputs=_index_add_errors),
    OpInfo("index_copy", "other", index_copy_samples, inplace=True, error_inputs=_index_copy_errors),
    OpInfo("index_fill", "other", index_fill_samples, inplace=True, error_inputs=_index_fill_errors),
    OpInfo("index_reduce", "other", index_reduce_samples, inplace=True,
           error_inputs=_index_reduce_errors),
    OpInfo("index", "other", index_samples, fn=_index_fn, method=False,
           ref=lambda x, idx: x[tuple(slice(None) if i is None else i for i in idx)],
           error_inputs=_index_errors),
    OpInfo("index_put", "other", index_put_samples, inplace=True, error_inputs=_index_put_errors),
    OpInfo("take", "other", take_samples, ref=lambda x, i: np.take(x.reshape(-1), i),
           error_inputs=_take_errors),
    OpInfo("put", "other", put_samples, inplace=True, error_inputs=_put_errors),
    OpInfo("masked_select", "other", masked_select_samples,
           ref=lambda x, m: np.broadcast_to(x, np.broadcast_shapes(x.shape, m.shape))[
               np.broadcast_to(m, np.broadcast_shapes(x.shape, m.shape))],
           error_inputs=_masked_errors),
    OpInfo("masked_scatter", "other", masked_scatter_samples, inplace=True,
           error_inputs=_masked_scatter_errors),
]
# fmt: on

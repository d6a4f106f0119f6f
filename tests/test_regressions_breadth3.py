"""Regression tests for the third round of breadth fuzz findings (`python3 -m tests.fuzz
--suite breadth --n 9000 --seed 3000`): 0-dim byte masks, cdist's p = 0 with NaN, bool
kthvalue/median that never reach a kernel, roll of empty tensors, einsum of bool
operands, int outputs of float-valued fills, diff's shape check, repeat's fresh result,
index bounds and check orders, argument types. Each case runs the reproducer through
rtorch and torch and compares values, dtypes, shapes, strides, autograd metadata and
exception classes (and messages where torch's are stable)."""

import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch
from parity import same

pytestmark = [
    pytest.mark.skipif(rtorch is None, reason="rtorch is not importable"),
    pytest.mark.skipif(torch is None, reason="torch (the oracle) is not installed"),
]


def _t(L, v, dtype="float32", **kw):
    return L.tensor(v, dtype=getattr(L, dtype), **kw)


def _put_self_source(x, L):
    return x[:2].put_(_t(L, [0, 1], "int64"), x)


CASES = {
    # a 0-dim uint8 tensor in a subscript is a mask (a new dim of size 0 or 1), not an int
    "getitem_uint8_scalar_false": lambda L: L.arange(6.0).reshape(2, 3)[_t(L, 0, "uint8")],
    "getitem_uint8_scalar_true": lambda L: L.arange(6.0).reshape(2, 3)[_t(L, 2, "uint8")],
    "getitem_none_uint8_scalar": lambda L: L.ones(1, 1, 1)[None, _t(L, 0, "uint8")],
    "getitem_int64_scalar": lambda L: L.arange(6.0).reshape(2, 3)[_t(L, 1, "int64")],
    # cdist p = 0: a NaN component makes the distance NaN
    "cdist_p0_nan": lambda L: L.cdist(
        _t(L, [[-2.5, -2.6, -0.2], [2.3, -1.4, -3.8]]),
        _t(L, [[-1.1, 0.2, -1.8], [-0.9, 1.4, float("nan")]]),
        p=0.0,
    ),
    "cdist_p0_inf": lambda L: L.cdist(_t(L, [[1.0, 0.0]]), _t(L, [[float("inf"), 0.0]]), p=0.0),
    # bool inputs that never reach PyTorch's kernels
    "kthvalue_0dim_bool": lambda L: tuple(L.ones((), dtype=L.bool).kthvalue(1)),
    "kthvalue_1dim_bool": lambda L: tuple(L.ones(2, dtype=L.bool).kthvalue(1)),
    "median_empty_bool": lambda L: L.ones(0, 5, dtype=L.bool).median(),
    "nanmedian_empty_bool": lambda L: L.ones(0, dtype=L.bool).nanmedian(),
    "median_bool": lambda L: L.ones(3, dtype=L.bool).median(),
    "median_0dim_bool": lambda L: L.ones((), dtype=L.bool).median(),
    # roll of an empty tensor looks no dim up
    "roll_empty_dims_out_of_range": lambda L: L.ones(3, 4, 0).roll((-5, 3), (0, 5)),
    "roll_empty_repeated_dims": lambda L: L.ones(0, 2).roll((1, 1), (0, 0)),
    "roll_empty_grad": lambda L: L.ones(3, 0, requires_grad=True).roll(1, 7),
    "roll_nonempty_out_of_range": lambda L: L.ones(3, 4).roll(1, 5),
    # einsum: size-1 contractions multiply (bool works), a one-sided size-1 label sums
    "einsum_bool_size1": lambda L: L.einsum(
        "ij,jk->ik", L.ones(1, 1, dtype=L.bool), L.ones(1, 2, dtype=L.bool)
    ),
    "einsum_bool_outer": lambda L: L.einsum(
        "i,j->ij", L.ones(3, dtype=L.bool), L.ones(2, dtype=L.bool)
    ),
    "einsum_bool_elementwise": lambda L: L.einsum(
        "ij,ij->ij", L.ones(2, 3, dtype=L.bool), L.ones(2, 3, dtype=L.bool)
    ),
    "einsum_bool_one_side_summed": lambda L: L.einsum(
        "ij,jk->ik", L.ones(2, 3, dtype=L.bool), L.ones(1, 2, dtype=L.bool)
    ),
    "einsum_bool_three": lambda L: L.einsum(
        "ij,jk,kl->il",
        L.ones(2, 3, dtype=L.bool),
        L.ones(1, 1, dtype=L.bool),
        L.ones(1, 2, dtype=L.bool),
    ),
    "einsum_bool_bmm": lambda L: L.einsum(
        "ij,jk->ik", L.ones(2, 3, dtype=L.bool), L.ones(3, 2, dtype=L.bool)
    ),
    "einsum_float_size1_values": lambda L: L.einsum(
        "ij,jk->ik", _t(L, [[0.1, 0.2, 0.3]], "float32"), _t(L, [[0.7, 1.3]], "float32").T[:1]
    ),
    "bmm_bool": lambda L: L.bmm(L.ones(1, 2, 2, dtype=L.bool), L.ones(1, 2, 2, dtype=L.bool)),
    "bmm_bool_empty": lambda L: L.bmm(L.ones(1, 2, 0, dtype=L.bool), L.ones(1, 0, 2, dtype=L.bool)),
    # an integer result of a fill with a float value requiring grad
    "index_fill_int_grad_value": lambda L: L.ones(3, dtype=L.int16).index_fill(
        0, _t(L, [0], "int64"), _t(L, 1.5, requires_grad=True)
    ),
    "index_fill_int_grad_value_empty": lambda L: L.ones(1, dtype=L.int16).index_fill(
        -1, _t(L, [], "int64"), _t(L, -2.5, "float16", requires_grad=True)
    ),
    "masked_fill_int_grad_value": lambda L: L.ones(3, dtype=L.int32).masked_fill(
        _t(L, [True, False, True], "bool"), _t(L, 1.5, requires_grad=True)
    ),
    "index_fill_float_grad_value": lambda L: L.ones(3).index_fill(
        0, _t(L, [0], "int64"), _t(L, 1.5, requires_grad=True)
    ),
    # diff checks prepend/append shapes even for n = 0
    "diff_n0_prepend_shape": lambda L: L.diff(L.ones(7, 3), n=0, prepend=L.ones(2, 3)),
    "diff_append_shape": lambda L: L.diff(
        L.ones(7, 3), dim=0, prepend=L.ones(2, 3), append=L.ones(2, 2)
    ),
    "diff_n0_ok": lambda L: L.diff(L.ones(7, 3), n=0, prepend=L.ones(7, 2)),
    # index_put: indices broadcast to no elements pass a size-0 dim
    "index_put_broadcast_empty": lambda L: L.index_put(
        L.zeros(0, 2, 3, 0, dtype=L.bool),
        (_t(L, 2, "int64"), _t(L, [], "int64")),
        _t(L, [True], "bool"),
    ),
    "index_put_nonempty_index_empty_dim": lambda L: L.index_put(
        L.zeros(0, 2), (_t(L, [0], "int64"),), _t(L, [1.0])
    ),
    # index_put of one value through one mask is a masked fill: the value is cast
    "index_put_mask_bool_value": lambda L: L.index_put(
        _t(L, [4, 5], "int64"), (_t(L, [True, False], "bool"),), _t(L, True, "bool")
    ),
    "index_put_mask_float_value": lambda L: L.index_put(
        _t(L, [[4, 5], [6, 7]], "int32"),
        (_t(L, [[False, True], [True, True]], "bool"),),
        _t(L, [2.5]),
    ),
    "index_put_mask_value_out_of_range": lambda L: L.index_put(
        _t(L, [4, 5], "int8"), (_t(L, [True, False], "bool"),), _t(L, 300.0)
    ),
    "index_put_mask_value_shape": lambda L: L.index_put(
        _t(L, [4.0, 5.0]), (_t(L, [True, False], "bool"),), _t(L, [[[1.5]]])
    ),
    "index_put_int_index_value_dtype": lambda L: L.index_put(
        _t(L, [4, 5], "int64"), (_t(L, [0], "int64"),), _t(L, True, "bool")
    ),
    "index_put_mask_accumulate_dtype": lambda L: L.index_put(
        _t(L, [4, 5], "int64"), (_t(L, [True, False], "bool"),), _t(L, True, "bool"), True
    ),
    "index_put__mask_value_dtype": lambda L: _t(L, [4, 5], "int64").index_put_(
        (_t(L, [True, False], "bool"),), _t(L, 3.0)
    ),
    # index_select's two bound errors
    "index_select_dim1": lambda L: L.ones(3, 2).index_select(1, _t(L, [0, 2], "int64")),
    "index_select_dim1_negative": lambda L: L.ones(3, 2).index_select(1, _t(L, [0, -1], "int64")),
    "index_select_dim0": lambda L: L.ones(3, 2).index_select(0, _t(L, [0, 3], "int64")),
    "index_select_dim2": lambda L: L.ones(7, 3, 3, 3, dtype=L.int8).index_select(
        2, _t(L, [0, 0, 3], "int64")
    ),
    "index_select_dim1_of_3": lambda L: L.ones(2, 3, 2).index_select(-2, _t(L, [5], "int64")),
    "index_select_last_of_3": lambda L: L.ones(2, 3, 2).index_select(-1, _t(L, [5], "int64")),
    "index_select_vector": lambda L: L.ones(7).index_select(0, _t(L, [9], "int64")),
    "index_select_empty": lambda L: L.ones(7, 4, 5, 0, dtype=L.int8).index_select(
        0, _t(L, [9], "int64")
    ),
    "index_select_empty_negative": lambda L: L.ones(7, 0).index_select(0, _t(L, [-9], "int32")),
    "index_select_empty_ok": lambda L: L.ones(7, 0).index_select(0, _t(L, [6, 0], "int64")),
    # argument types
    "median_dim_none": lambda L: L.median(L.ones(3, 2), dim=None),
    "median_keepdim_only": lambda L: L.ones(3, 2).median(keepdim=True),
    "nanmedian_dim_none": lambda L: L.ones(3, 2).nanmedian(dim=None),
    "median_keepdim_none_only": lambda L: L.median(L.ones(3, 2), keepdim=None),
    "median_dim_keepdim_none": lambda L: L.ones(3, 2).median(0, keepdim=None),
    "median_global": lambda L: L.ones(3, 2).median(),
    "median_dim": lambda L: tuple(L.ones(3, 2).median(1, True)),
    "rot90_int_dims": lambda L: L.ones(2, 2).rot90(0, dims=1),
    "roll_int_dims": lambda L: L.ones(2, 2).roll(1, 0),
    "meshgrid_indexing_tuple": lambda L: L.meshgrid(L.ones(2), L.ones(2), indexing=(1, 2)),
    "meshgrid_indexing_int_no_tensors": lambda L: L.meshgrid(indexing=1),
    "cdist_p_str": lambda L: L.cdist(L.ones(2, 3), L.ones(2, 3), "a"),
    "cdist_p_none": lambda L: L.cdist(L.ones(2, 3), L.ones(2, 3), None),
    "cdist_p_tensor": lambda L: L.cdist(L.ones(2, 3), L.ones(2, 3), L.tensor(1.0)),
    "triu_indices_negative_device": lambda L: L.triu_indices(2, 1, -1, device=-1),
    "zeros_negative_device": lambda L: L.zeros(2, device=-1),
    # put_: the argument checks come before the overlap checks
    "put_numel_before_overlap": lambda L: _put_self_source(L.arange(7), L),
    # unique along a dim is contiguous whatever the input's layout
    "unique_dim_permuted": lambda L: tuple(
        L.unique(
            _t(L, [[[3, 1], [1, 2], [2, 0]], [[1, 0], [3, -2], [2, -1]]], "int32").permute(1, 2, 0),
            return_counts=True,
            dim=0,
        )
    ),
    "unique_consecutive_dim_permuted": lambda L: tuple(
        L.unique_consecutive(
            _t(L, [[[1, 2], [3, 4]], [[1, 2], [5, 6]]], "int32").permute(2, 0, 1),
            return_inverse=True,
            dim=1,
        )
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_as_torch(case):
    same(CASES[case])


# the exception class matches; pyo3 words a bad argument's type its own way
CLASS_CASES = {
    "median_keepdim_int": lambda L: L.ones(3, 2).median(0, keepdim=1),
    "median_positional_none": lambda L: L.median(L.ones(3, 2), None),
    "rot90_int_dims_positional": lambda L: L.ones(2, 2).rot90(0, 1099511627776),
}


@pytest.mark.parametrize("case", sorted(CLASS_CASES))
def test_class_as_torch(case):
    same(CLASS_CASES[case], message=False)


def _hist(xd, bins, bd="float32", weight=None, rng=None):
    def fn(L):
        kw = {}
        if weight is not None:
            kw["weight"] = _t(L, weight[1], weight[0])
        if rng is not None:
            kw["range"] = rng
        b = bins if isinstance(bins, int) else _t(L, bins, bd)
        return tuple(_t(L, [1, 2, 3], xd).histogram(b, **kw))

    return fn


HIST_CASES = {
    "int_one_edge": _hist("int64", [1], "int64"),
    "int_edges": _hist("int64", [1, 2], "int64"),
    "int_no_edges": _hist("int64", [], "int64"),
    "int_2d_edges": _hist("int64", [[1, 2]], "int64"),
    "int_float_edges": _hist("int64", [1.0, 2.0]),
    "float_int_edges": _hist("float32", [1], "int64"),
    "float_no_edges": _hist("float32", []),
    "float_edges_bad_weight": _hist("float32", [1.0], weight=("int64", [1, 1])),
    "int_zero_bins": _hist("int64", 0),
    "int_bins_range": _hist("int64", 3, rng=(0.0, 1.0)),
    "int_bins": _hist("int64", 3),
    "bool_bins_range": _hist("bool", 3, rng=(0.0, 1.0)),
    "bool_bins_bad_range": _hist("bool", 3, rng=(1.0, 0.0)),
    "bool_negative_bins": _hist("bool", -1, rng=(1.0, 0.0)),
    "float_bins_bad_weight": _hist("float32", 3, weight=("float32", [1, 1])),
    "float_bins_weight_dtype": _hist("float32", 3, weight=("int64", [1, 1, 1])),
    "float_zero_bins_bad_weight": _hist("float32", 0, weight=("int64", [1, 1])),
}


@pytest.mark.parametrize("case", sorted(HIST_CASES))
def test_histogram_check_order(case):
    same(HIST_CASES[case])


@pytest.mark.parametrize("p", [0.0, 1.0, 0.5, 2.0, 3.0, float("inf")])
def test_cdist_nan_gradient(p):
    # p = 0 has a zero gradient even at NaN; p = 1's sign keeps a NaN
    def fn(L):
        x1 = _t(L, [[1.0, float("nan")], [0.5, 2.0]], requires_grad=True)
        x2 = _t(L, [[1.0, 3.0], [2.0, float("nan")], [0.0, 0.0]])
        d = L.cdist(x1, x2, p=p)
        d.sum().backward()
        return d, x1.grad

    same(fn)


@pytest.mark.parametrize("reps", [(1, 1, 2), (2,), (1,)])
def test_repeat_result_is_no_view(reps):
    # tile/repeat write a fresh tensor: in-place ops on it are no view-of-a-leaf error
    def fn(L):
        x = L.tensor(1.5, requires_grad=True)
        y = x.tile(reps)
        y.mul_(2)
        y.sum().backward()
        return y._is_view(), y, x.grad

    same(fn)


def test_repeat_scatter_add_inplace():
    def fn(L):
        x = L.tensor(float("nan"), dtype=L.bfloat16, requires_grad=True)
        y = x.tile((1, 1, 2))
        src = L.tensor([[[1.0, 2.0, 3.0, 4.0]]], dtype=L.bfloat16)
        return y.scatter_add_(-1, L.tensor([[[1, 1, 0, 0]]]), src)

    same(fn)

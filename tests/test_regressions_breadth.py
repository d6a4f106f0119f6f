"""Regression tests for findings of the breadth fuzz suite (`python3 -m tests.fuzz --suite
breadth`): the index, scatter, sort, shape-utility and histogram families. Each case runs
the reproducer through rtorch and torch and compares values, dtypes, shapes, strides,
autograd metadata and exception classes (and messages where torch's are stable)."""

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch
from parity import same

pytestmark = [
    pytest.mark.skipif(rtorch is None, reason="rtorch is not importable"),
    pytest.mark.skipif(torch is None, reason="torch (the oracle) is not installed"),
]


def _x(lib, dtype="float32"):
    vals = np.array([[0.1, 0.6, 0.3], [0.9, 0.2, 0.7], [0.5, 0.8, 0.4], [0.05, 0.65, 0.35]])
    return lib.tensor(vals, dtype=getattr(lib, dtype)).t()  # (3, 4), strides (1, 3)


# ---------------------------------------------------------------- result layouts

LAYOUT_CASES = {
    "index_add": lambda L: _x(L).index_add(0, L.tensor([0, 1]), L.ones(2, 4)),
    "index_copy": lambda L: _x(L).index_copy(0, L.tensor([0, 1]), L.ones(2, 4)),
    "index_reduce": lambda L: _x(L).index_reduce(0, L.tensor([0, 1]), L.ones(2, 4), "prod"),
    "index_fill": lambda L: _x(L).index_fill(0, L.tensor([0, 1]), 1.0),
    "scatter": lambda L: _x(L).scatter(0, L.tensor([[0, 1, 2, 0]]), L.ones(3, 4)),
    "scatter_value": lambda L: _x(L).scatter(0, L.tensor([[0, 1, 2, 0]]), 1.0),
    "scatter_add": lambda L: _x(L).scatter_add(0, L.tensor([[0, 1, 2, 0]]), L.ones(3, 4)),
    "scatter_reduce": lambda L: _x(L).scatter_reduce(0, L.tensor([[0, 1, 2, 0]]), L.ones(3, 4), "sum"),
    "masked_fill": lambda L: _x(L).masked_fill(_x(L) > 0.5, 1.0),
    "index_put": lambda L: _x(L).index_put((L.tensor([0, 1]),), L.tensor(1.0)),
    "put": lambda L: _x(L).put(L.tensor([0, 1]), L.tensor([1.0, 2.0])),
    "flip": lambda L: _x(L).flip(0),
    "fliplr": lambda L: _x(L).fliplr(),
    "rot90_1": lambda L: _x(L).rot90(1, [0, 1]),
    "rot90_2": lambda L: _x(L).rot90(2, [0, 1]),
    "rot90_3": lambda L: _x(L).rot90(3, [0, 1]),
    "sort": lambda L: tuple(_x(L).sort(0)),
    "argsort": lambda L: _x(L).argsort(1),
    "msort": lambda L: _x(L).msort(),
    "sort_3d": lambda L: tuple(L.arange(8.0).reshape(2, 2, 2).permute(1, 0, 2).sort(0)),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(LAYOUT_CASES))
def test_result_layout_as_torch(case):
    same(LAYOUT_CASES[case])


# ---------------------------------------------------------------- errors and edge cases

EDGE_CASES = {
    # roll of a 0-dim tensor with dims panicked
    "roll_0d": lambda L: L.tensor(1.0).roll((0, 7), (0, -1)),
    "roll_0d_flat": lambda L: L.tensor(1.0).roll(3),
    # an empty index skips every dtype and shape check
    "gather_empty_int16": lambda L: L.ones(3, 4).gather(0, L.zeros(0, 4, dtype=L.int16)),
    "scatter_add_empty_float": lambda L: L.ones(3, 4).scatter_add(0, L.zeros(0, 4), L.zeros(0, 4)),
    "scatter_empty_bigger": lambda L: L.ones(3, 4).scatter(0, L.zeros(0, 9, dtype=L.int16), L.zeros(0, 4)),
    # the index rank is checked first, with each op's message
    "index_add_2d_float": lambda L: L.ones(3, 4).index_add(0, L.zeros(1, 1), L.ones(1, 4)),
    "index_reduce_2d": lambda L: L.ones(3, 4).index_reduce(0, L.zeros(1, 1, dtype=L.long), L.ones(1, 4), "prod"),
    "index_copy_2d_float": lambda L: L.ones(3, 4).index_copy(0, L.zeros(1, 1), L.ones(1, 4)),
    "index_fill_2d": lambda L: L.ones(3, 4).index_fill(0, L.zeros(1, 1, dtype=L.long), 1.0),
    "index_fill_float": lambda L: L.ones(3, 4).index_fill(0, L.zeros(1), 1.0),
    "index_select_2d_float": lambda L: L.ones(3, 4).index_select(0, L.zeros(1, 1)),
    # a 0-dim source with several indices
    "index_add_0d_source": lambda L: L.tensor(1).index_add(0, L.tensor([0, 0, 0]), L.tensor(1)),
    "index_add_0d_source_1": lambda L: L.ones(3).index_add(0, L.tensor([1]), L.tensor(1.0)),
    "index_reduce_0d_source": lambda L: L.ones(3).index_reduce(0, L.tensor([0, 1]), L.tensor(1.0), "prod"),
    # integer self: alpha converted to the integer type first
    "index_add_int_alpha_half": lambda L: L.tensor([4, 4]).index_add(0, L.tensor([0]), L.tensor([4]), alpha=0.5),
    "index_add_int_alpha_neg": lambda L: L.tensor([4, 4]).index_add(0, L.tensor([0]), L.tensor([4]), alpha=-1.5),
    # empty dims
    "kthvalue_empty_dim": lambda L: L.ones(3, 0).kthvalue(2),
    "cummax_empty_any_dim": lambda L: tuple(L.ones(2, 0).cummax(4)),
    "median_empty_int64": lambda L: L.median(L.tensor([], dtype=L.int64)),
    "median_empty_int32": lambda L: L.median(L.tensor([], dtype=L.int32)),
    "median_empty_int8": lambda L: L.median(L.tensor([], dtype=L.int8)),
    "topk_0d_k0": lambda L: tuple(L.topk(L.tensor(1.0), 0)),
    # block_diag: result_type's rule for 0-dim blocks; the empty form is 1 x 0
    "block_diag_0d_lower": lambda L: L.block_diag(L.tensor(-1, dtype=L.int16), L.tensor([27], dtype=L.uint8)),
    "block_diag_empty": lambda L: L.block_diag(),
    "tril_indices_float": lambda L: L.tril_indices(2, 2, dtype=L.float32),
    "triu_indices_int16": lambda L: L.triu_indices(2, 2, dtype=L.int16),
    "tril_indices_int32": lambda L: L.tril_indices(3, 2, dtype=L.int32),
    # take_along_dim: int32 only without dim; a 0-dim input with a dim
    "take_along_dim_int32_flat": lambda L: L.take_along_dim(L.ones(3), L.tensor([0], dtype=L.int32)),
    "take_along_dim_int32_dim": lambda L: L.take_along_dim(L.ones(3), L.tensor([0], dtype=L.int32), 0),
    "take_along_dim_0d": lambda L: L.take_along_dim(L.tensor(2.0), L.tensor(0), -1),
    # unique along a dim with empty dims
    "unique_empty_other_dim": lambda L: L.unique(L.ones(3, 0), dim=0),
    "unique_empty_dim": lambda L: tuple(L.unique(L.ones(0, 3), return_inverse=True, return_counts=True, dim=0)),
    "unique_consecutive_empty": lambda L: L.unique_consecutive(L.ones(0, 3), dim=1),
    # isin of bool, strict tensor lists, diff(n=0)
    "isin_bool": lambda L: L.isin(L.tensor([True]), L.tensor([1])),
    "isin_bool_scalar": lambda L: L.isin(L.tensor([1]), True),
    "atleast_1d_number": lambda L: L.atleast_1d(3),
    "atleast_1d_mixed": lambda L: L.atleast_1d(L.ones(1), 3),
    "meshgrid_list": lambda L: L.meshgrid(L.ones(1), [3], indexing="ij"),
    "cartesian_prod_str": lambda L: L.cartesian_prod(L.ones(1), "a"),
    "count_nonzero_bool_dim": lambda L: L.ones(2).count_nonzero(True),
    "diff_n0_ignores_append": lambda L: L.diff(L.ones(2, 3), n=0, dim=1, append=L.ones(2, 1)),
    # index_add: a matrix with an empty dim skips the bound check; a vector raises IndexError
    "index_add_empty_dim_matrix": lambda L: L.zeros(2, 0).index_add(1, L.tensor([2, 5]), L.ones(2, 2)),
    "index_add__empty_3d": lambda L: L.zeros(5, 2, 0, dtype=L.uint8).index_add_(2, L.tensor([2]), L.ones(5, 2, 1, dtype=L.uint8)),
    "index_add_empty_vector": lambda L: L.zeros(0).index_add(0, L.tensor([2]), L.ones(1)),
    "index_add_vector_oob": lambda L: L.zeros(3, dtype=L.int32).index_add(0, L.tensor([5]), L.ones(1, dtype=L.int32)),
    "index_add_matrix_oob": lambda L: L.zeros(3, 2).index_add(0, L.tensor([5]), L.ones(1, 2)),
    # index_select: an empty dim of a matrix is its own RuntimeError
    "index_select_empty_dim": lambda L: L.zeros(2, 0).index_select(1, L.tensor([0])),
    "index_select_empty_vector": lambda L: L.zeros(0).index_select(0, L.tensor([0])),
    # an empty index skips the rank check of scatter/gather
    "scatter_add_empty_1d_index": lambda L: L.ones(1, 7, 3).scatter_add(0, L.zeros(0, dtype=L.long), L.ones(4, 1)),
    "scatter_add_empty_2d_index": lambda L: L.ones(1, 7, 3).scatter_add(0, L.zeros(4, 0, dtype=L.long), L.ones(4, 1)),
    "gather_empty_1d_index": lambda L: L.ones(1, 7, 3).gather(0, L.zeros(0, dtype=L.long)),
    # bool: the empty-dim check comes before the missing kernel; index_reduce has none
    "median_bool_empty_dim": lambda L: L.zeros(5, 0, dtype=L.bool).median(1),
    "nanmedian_bool_empty_dim": lambda L: L.zeros(5, 0, dtype=L.bool).nanmedian(1),
    "nanmedian_empty_dim": lambda L: L.zeros(5, 0).nanmedian(1),
    "index_reduce_bool_amin": lambda L: L.tensor([True, False, True]).index_reduce(0, L.tensor([0, 1]), L.tensor([False, True]), "amin"),
    "index_reduce_bool_mean": lambda L: L.tensor([True, False, True]).index_reduce(0, L.tensor([0, 1]), L.tensor([False, True]), "mean"),
    "index_reduce_bool_2d_amax": lambda L: L.tensor([[True, False], [False, True]]).index_reduce(0, L.tensor([0, 1]), L.tensor([[False, True], [True, True]]), "amax"),
    "index_reduce_bool_2d_mean": lambda L: L.tensor([[True, False], [False, True]]).index_reduce(0, L.tensor([0, 1]), L.tensor([[False, True], [True, True]]), "mean"),
    "index_reduce_bool_exclude": lambda L: L.tensor([True, False]).index_reduce(0, L.tensor([0]), L.tensor([False]), "prod", include_self=False),
    "scatter_reduce_bool_mean_oob": lambda L: L.ones(3, 0, dtype=L.bool).scatter_reduce(1, L.zeros(3, 1, dtype=L.long), L.ones(3, 1, dtype=L.bool), "mean", include_self=False),
    "scatter_reduce_bool_mean_shapes": lambda L: L.ones(3, 7, dtype=L.bool).scatter_reduce(0, L.zeros(4, 8, dtype=L.long), L.ones(4, 8, dtype=L.bool), "mean"),
    "scatter_reduce_bool_mean": lambda L: L.ones(3, dtype=L.bool).scatter_reduce(0, L.tensor([0, 7]), L.ones(2, dtype=L.bool), "mean"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(EDGE_CASES))
def test_edge_cases_as_torch(case):
    # TypeError messages come from torch's argument parser; the class is what matters.
    same(EDGE_CASES[case], message=not case.startswith(("atleast", "count_nonzero")))


# bad argument types: torch's parser raises TypeError (a bool is no int; only a bool is a
# bool; an explicit None is no int) before the op looks at any value
ARG_CASES = {
    "diag_bool": lambda L: L.diag(L.ones(3), True),
    "diag_embed_bool": lambda L: L.ones(2, 3).diag_embed(True),
    "triu_none": lambda L: L.ones(3, 3).triu(None),
    "tril_none": lambda L: L.ones(3, 3).tril(None),
    "triu__none": lambda L: L.ones(3, 3).triu_(None),
    "tril__bool": lambda L: L.ones(3, 3).tril_(True),
    "rot90_dims_bool": lambda L: L.ones(2, 2).rot90(-4, True),
    "rot90_k_bool": lambda L: L.ones(2, 2).rot90(True),
    "rot90_dims_none": lambda L: L.rot90(L.ones(2, 2), 0, None),
    "diag_embed_none": lambda L: L.ones(2, 3).diag_embed(0, None),
    "histc_bool": lambda L: L.ones(3).histc(True),
    "nanmedian_bool": lambda L: L.nanmedian(L.ones(3), True),
    "median_dim_bool": lambda L: L.ones(3).median(dim=True),
    "kthvalue_bool": lambda L: L.ones(3).kthvalue(True),
    "triu_indices_bool": lambda L: L.triu_indices(-1, 2, True),
    "triu_indices_pin_none": lambda L: L.triu_indices(2, 5, pin_memory=None),
    "diff_n_bool": lambda L: L.diff(L.ones(3), True),
    "diff_prepend_list": lambda L: L.diff(L.ones(3), prepend=[1, 2]),
    "diff_dim_none": lambda L: L.diff(L.ones(3), dim=None),
    "unique_sorted_int": lambda L: L.ones(3).unique(1, return_inverse=True),
    "unique_dim_sorted_int": lambda L: L.ones(3).unique(-1, dim=-5),
    "unique_dim_bool": lambda L: L.unique(L.ones(3), dim=True),
    "unique_consecutive_str": lambda L: L.unique_consecutive(L.ones(3), return_inverse="a"),
    "combinations_none": lambda L: L.combinations(L.ones(2), with_replacement=None),
    "combinations_r_bool": lambda L: L.combinations(L.ones(2), r=True),
    "combinations_huge_r": lambda L: L.combinations(L.ones(2), 1 << 40, with_replacement=True),
    "isin_invert_dtype": lambda L: L.isin(L.ones(3), L.ones(2), invert=L.float32),
    "isin_invert_int": lambda L: L.isin(L.ones(3), 1, invert=1),
    "einsum_int_operand": lambda L: L.einsum("...ij->...ji", L.ones(2, 2), 7),
    "einsum_list_int": lambda L: L.einsum("i->", [L.ones(2), 1]),
    "repeat_interleave_size_tuple": lambda L: L.repeat_interleave(L.ones(3), 3, dim=0, output_size=(1, 2)),
    "repeat_interleave_dim_bool": lambda L: L.repeat_interleave(L.ones(3), 2, dim=True),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(ARG_CASES))
def test_bad_arguments_as_torch(case):
    same(ARG_CASES[case], message=False)


# cdist: torch's float-only kernel is never reached for empty results or zero columns, so
# half dtypes compute there; its inf-norm is a running max that drops NaN components
CDIST_CASES = {
    "cdist_bf16_empty_rows": lambda L: L.cdist(L.ones(0, 4, dtype=L.bfloat16), L.ones(2, 4, dtype=L.bfloat16), p=3.0),
    "cdist_f16_zero_cols": lambda L: L.cdist(L.ones(2, 0, dtype=L.float16), L.ones(3, 0, dtype=L.float16), p=1.0),
    "cdist_bf16_raises": lambda L: L.cdist(L.ones(2, 4, dtype=L.bfloat16), L.ones(2, 4, dtype=L.bfloat16), p=3.0),
    "cdist_inf_zero_cols": lambda L: L.cdist(L.ones(2, 0), L.ones(3, 0), p=float("inf")),
    "cdist_inf_nan": lambda L: L.cdist(L.tensor([[1.0, float("nan"), -2.0], [float("nan")] * 3]), L.tensor([[0.0, 5.0, 0.5]]), p=float("inf")),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CDIST_CASES))
def test_cdist_edges_as_torch(case):
    same(CDIST_CASES[case])


def test_setitem_advanced_drops_leading_unit_dims():
    def fn(L):
        x = L.zeros(3, 4)
        x[[0, 1]] = L.ones(1, 1, 4)
        x[L.tensor([2]), 1:] = L.arange(3.0).reshape(1, 1, 1, 3)
        return x

    same(fn)


# ---------------------------------------------------------------- no-derivative nodes

NODE_CASES = {
    "unique": lambda L, x: L.unique(x),
    "unique_inverse": lambda L, x: L.unique(x, return_inverse=True, return_counts=True),
    "unique_dim": lambda L, x: L.unique(x.view(5, 1), dim=0),
    "unique_consecutive": lambda L, x: L.unique_consecutive(x, return_counts=True),
    "histogram": lambda L, x: tuple(L.histogram(x, 3)),
    "histogram_weight": lambda L, x: tuple(L.histogram(x.detach(), 3, weight=x)),
    "bincount": lambda L, x: L.bincount(L.tensor([0, 1, 1, 3, 0]), weights=x),
    "histc": lambda L, x: L.histc(x, 3),
}


@pytest.mark.parametrize("case", sorted(NODE_CASES))
def test_no_derivative_nodes_as_torch(case):
    vals = np.array([0.5, 0.25, 0.5, 0.75, 0.125])

    def fn(L):
        return NODE_CASES[case](L, L.tensor(vals, requires_grad=True))

    same(fn)

    def backward(L):
        out = fn(L)
        out = out[0] if isinstance(out, tuple) else out
        out.sum().backward()
        return out

    same(backward)

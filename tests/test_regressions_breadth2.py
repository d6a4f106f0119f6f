"""Regression tests for the second round of breadth fuzz findings (`python3 -m tests.fuzz
--suite breadth`): half-type histograms, numbers that do not fit the tensor's dtype,
scatter_reduce's 'max'/'min', check orders, saved indices and sort's argument forms. Each
case runs the reproducer through rtorch and torch and compares values, dtypes, shapes,
autograd metadata and exception classes (and messages where torch's are stable)."""

import numpy as np
import parity
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = [
    pytest.mark.skipif(rtorch is None, reason="rtorch is not importable"),
    pytest.mark.skipif(torch is None, reason="torch (the oracle) is not installed"),
]


def same(fn, **kw):
    # These cases compare no strides.
    parity.same(fn, strides=False, **kw)


# ---------------------------------------------------------------- half histograms

_VALS = [0.1, 0.5, 0.7, 1.3, 2.9, 2.95, 3.0, -1.0, 1.7002, 0.9004, 2.5, 0.333]


def _hist(dtype, bins, **kw):
    def fn(L):
        dt = getattr(L, dtype)
        x = L.tensor(_VALS, dtype=dt)
        b = bins if isinstance(bins, int) else L.tensor(bins, dtype=dt)
        if "weight" in kw:
            kw2 = dict(kw, weight=L.tensor(kw["weight"], dtype=dt))
        else:
            kw2 = kw
        return tuple(L.histogram(x, b, **kw2))

    return fn


_W = [1.5, -0.25, 3.0, 0.1, 2.0, 0.7, -1.0, 0.3, 0.9, 1.1, 0.2, 0.05]

HIST_CASES = {}
for _dt in ("float16", "bfloat16"):
    HIST_CASES |= {
        f"{_dt}_range": _hist(_dt, 3, range=(0.0, 3.0)),
        f"{_dt}_range_odd": _hist(_dt, 7, range=(0.1, 2.9)),
        f"{_dt}_range_weight": _hist(_dt, 7, range=(0.1, 2.9), weight=_W),
        f"{_dt}_range_density": _hist(_dt, 5, range=(-0.3, 2.7), density=True),
        f"{_dt}_empty_range": _hist(_dt, 3, range=(1.0, 1.0)),
        f"{_dt}_edges": _hist(_dt, [0.0, 1.0, 2.5, 3.0]),
        f"{_dt}_edges_weight_density": _hist(_dt, [-0.5, 0.3, 0.9, 2.95], weight=_W, density=True),
        # no range: PyTorch cannot find the data's range in a half type
        f"{_dt}_no_range": _hist(_dt, 3),
        f"{_dt}_overflowing_range": _hist(_dt, 3, range=(0.0, 1e39)),
    }
HIST_CASES["float16_overflowing_range"] = _hist("float16", 3, range=(0.0, 1e5))
HIST_CASES["float16_empty_no_range"] = lambda L: tuple(L.histogram(L.ones(0, dtype=L.float16), 4))
HIST_CASES["float16_edges_of_float32"] = lambda L: tuple(
    L.histogram(L.ones(3, dtype=L.float16), L.tensor([0.0, 2.0]))
)


@pytest.mark.parametrize("case", sorted(HIST_CASES))
def test_half_histogram_as_torch(case):
    same(HIST_CASES[case])


def test_half_histogram_random_bit_identical():
    rng = np.random.default_rng(7)
    for trial in range(300):
        dtype = ("float16", "bfloat16")[trial % 2]
        x = rng.uniform(-6, 6, size=int(rng.integers(0, 30))) * 10.0 ** rng.integers(-1, 2)
        w = rng.uniform(-3, 3, size=x.size) if trial % 3 == 0 else None
        if trial % 4 < 2:
            bins = np.sort(rng.uniform(-5, 5, size=int(rng.integers(2, 7))))
            kw = {}
        else:
            bins = int(rng.integers(1, 12))
            lo = float(rng.uniform(-8, 4))
            kw = {"range": (lo, lo + float(rng.uniform(0, 12)))}

        def fn(L, x=x, w=w, bins=bins, kw=kw, dtype=dtype, density=trial % 5 == 0):
            dt = getattr(L, dtype)
            b = bins if isinstance(bins, int) else L.tensor(bins, dtype=dt)
            weight = None if w is None else L.tensor(w, dtype=dt)
            return tuple(
                L.histogram(L.tensor(x, dtype=dt), b, weight=weight, density=density, **kw)
            )

        same(fn)


# ---------------------------------------------------------------- numbers out of range

_I = lambda L: L.tensor([0])


SCALAR_CASES = {
    "index_fill_u8_300": lambda L: L.zeros(3, dtype=L.uint8).index_fill_(0, _I(L), 300),
    "index_fill_u8_neg_wraps": lambda L: L.zeros(3, dtype=L.uint8).index_fill_(0, _I(L), -129),
    "index_fill_u8_neg_float": lambda L: L.zeros(3, dtype=L.uint8).index_fill_(0, _I(L), -1.0),
    "index_fill_u8_oob_index": lambda L: L.zeros(3, dtype=L.uint8).index_fill_(0, L.tensor([5]), 300),
    "index_fill_u8_tensor": lambda L: L.zeros(3, dtype=L.uint8).index_fill(0, _I(L), L.tensor(300)),
    "index_fill_i32_nan": lambda L: L.zeros(3, dtype=L.int32).index_fill_(0, _I(L), float("nan")),
    "index_fill_i64_inf": lambda L: L.zeros(3, dtype=L.int64).index_fill(0, _I(L), float("inf")),
    "index_fill_i64_1e10": lambda L: L.zeros(3, dtype=L.int64).index_fill(0, _I(L), 1e10),
    "index_fill_bool_nan": lambda L: L.zeros(3, dtype=L.bool).index_fill(0, _I(L), float("nan")),
    "index_fill_f16_1e5": lambda L: L.zeros(3, dtype=L.float16).index_fill(0, _I(L), 1e5),
    "index_fill_f16_inf": lambda L: L.zeros(3, dtype=L.float16).index_fill(0, _I(L), float("inf")),
    "scatter_add_inf_i64": lambda L: L.zeros(3, dtype=L.int64).scatter(0, _I(L), float("inf"), reduce="add"),
    "scatter_nan_i32": lambda L: L.zeros(3, dtype=L.int32).scatter(0, _I(L), float("nan")),
    "scatter_u8_300": lambda L: L.zeros(3, dtype=L.uint8).scatter(0, _I(L), 300),
    "scatter__u8_300_mul": lambda L: L.zeros(3, dtype=L.uint8).scatter_(0, _I(L), 300, reduce="multiply"),
    "scatter_u8_empty_index": lambda L: L.zeros(3, dtype=L.uint8).scatter(0, L.tensor([], dtype=L.long), 300),
    "scatter_u8_oob_first": lambda L: L.zeros(3, dtype=L.uint8).scatter(0, L.tensor([5, 0]), 300),
    "scatter_u8_oob_second": lambda L: L.zeros(3, dtype=L.uint8).scatter(0, L.tensor([0, 5]), 300),
    "scatter_f16_1e5": lambda L: L.zeros(3, dtype=L.float16).scatter(0, _I(L), 1e5),
    "fill_f16_1e5": lambda L: L.zeros(3, dtype=L.float16).fill_(1e5),
    "fill_bf16_1e5_rounds": lambda L: L.zeros(3, dtype=L.bfloat16).fill_(1e5),
    "fill_bf16_1e39": lambda L: L.zeros(3, dtype=L.bfloat16).fill_(1e39),
    "full_f16_70000": lambda L: L.full((2,), 70000, dtype=L.float16),
    # one element: PyTorch's shortcut casts a half without the check
    "full_f16_one_element": lambda L: L.full((1, 1), 1e5, dtype=L.float16),
    "fill_f16_0d": lambda L: L.zeros((), dtype=L.float16).fill_(1e5),
    "fill_f16_empty": lambda L: L.zeros(0, dtype=L.float16).fill_(1e5),
    "fill_i8_one_element": lambda L: L.zeros(1, dtype=L.int8).fill_(300),
    "masked_fill_f16_one_element": lambda L: L.zeros(1, dtype=L.float16).masked_fill(L.tensor([True]), 1e5),
    "full_like_f16": lambda L: L.full_like(L.zeros(3, dtype=L.float16), 1e5),
    "new_full_bf16": lambda L: L.zeros(3, dtype=L.bfloat16).new_full((2,), 1e39),
    "masked_fill_f16": lambda L: L.zeros(3, dtype=L.float16).masked_fill(L.tensor([True, False, True]), 1e5),
    "clamp_f16": lambda L: L.ones(2, dtype=L.float16).clamp(max=1e5),
    "linspace_f16": lambda L: L.linspace(0, 1e5, 3, dtype=L.float16),
    # these do not check a half value (they cast, or compute halves in float32)
    "where_f16": lambda L: L.where(L.tensor([True, False]), 1e5, L.ones(2, dtype=L.float16)),
    "addcmul_f16": lambda L: L.ones(2, dtype=L.float16).addcmul(L.ones(2, dtype=L.float16), L.ones(2, dtype=L.float16), value=1e5),
    "addcmul_f16_beyond_float": lambda L: L.ones(2, dtype=L.float16).addcmul(L.ones(2, dtype=L.float16), L.ones(2, dtype=L.float16), value=1e300),
    "arange_f16": lambda L: L.arange(0, 1e5, 3e4, dtype=L.float16),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(SCALAR_CASES))
def test_scalar_range_as_torch(case):
    same(SCALAR_CASES[case])


# ---------------------------------------------------------------- scatter_reduce max/min

_SR = (
    lambda L: L.tensor([1.0, 5.0, 3.0]),
    lambda L: L.tensor([0, 0, 2]),
    lambda L: L.tensor([4.0, 2.0, -1.0]),
)

SCATTER_REDUCE_CASES = {
    "max": lambda L: _SR[0](L).scatter_reduce(0, _SR[1](L), _SR[2](L), "max"),
    "min": lambda L: _SR[0](L).scatter_reduce(0, _SR[1](L), _SR[2](L), "min"),
    "max_exclude": lambda L: _SR[0](L).scatter_reduce(0, _SR[1](L), _SR[2](L), "max", include_self=False),
    "min_exclude": lambda L: _SR[0](L).scatter_reduce(0, _SR[1](L), _SR[2](L), "min", include_self=False),
    "max_": lambda L: _SR[0](L).scatter_reduce_(0, _SR[1](L), _SR[2](L), "max"),
    "min_int": lambda L: L.tensor([1, 5, 3]).scatter_reduce(0, _SR[1](L), L.tensor([4, 2, -1]), "min"),
    "function": lambda L: L.scatter_reduce(_SR[0](L), 0, _SR[1](L), _SR[2](L), reduce="max"),
    "bad_name": lambda L: _SR[0](L).scatter_reduce(0, _SR[1](L), _SR[2](L), "maximum"),
    "index_reduce_max": lambda L: _SR[0](L).index_reduce(0, _SR[1](L), _SR[2](L), "max"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(SCATTER_REDUCE_CASES))
def test_scatter_reduce_names_as_torch(case):
    same(SCATTER_REDUCE_CASES[case])


@pytest.mark.parametrize("reduce", ["max", "min", "amax"])
def test_scatter_reduce_legacy_name_backward_as_torch(reduce):
    def fn(L):
        x = L.tensor([1.0, 5.0, 3.0], requires_grad=True)
        out = x.scatter_reduce(0, _SR[1](L), _SR[2](L), reduce)
        out.sum().backward()
        return out, x.grad

    same(fn)


# ---------------------------------------------------------------- check orders

ORDER_CASES = {
    "count_nonzero_repeat_then_oob": lambda L: L.ones(1, 2, 3, 4).count_nonzero((3, 3, -4, 4)),
    "sum_repeat_then_oob": lambda L: L.ones(1, 2, 3, 4).sum((3, 3, -4, 4)),
    "amax_repeat_then_oob": lambda L: L.ones(1, 2, 3, 4).amax((3, 3, -4, 4)),
    "var_repeat_then_oob": lambda L: L.ones(1, 2, 3, 4).var((3, 3, -4, 4)),
    "flip_repeat_then_oob": lambda L: L.ones(1, 2, 3, 4).flip((3, 3, -4, 4)),
    "histc_int32": lambda L: L.ones(3, dtype=L.int32).histc(3),
    "histc_int32_bins0": lambda L: L.ones(3, dtype=L.int32).histc(0),
    "histc_int32_min_gt_max": lambda L: L.ones(3, dtype=L.int32).histc(3, 2, 1),
    "histc_uint8_widened_below_0": lambda L: L.zeros(3, dtype=L.uint8).histc(3),
    "histc_uint8_range": lambda L: L.zeros(3, dtype=L.uint8).histc(3, 1, 5),
    "histc_int64_empty": lambda L: L.zeros(0, dtype=L.int64).histc(3),
    "histc_bool": lambda L: L.ones(3, dtype=L.bool).histc(3),
    "index_put_0d_dtype": lambda L: L.tensor(1.0).index_put((L.tensor([0]),), L.tensor(2)),
    "index_put__too_many": lambda L: L.ones(2).index_put_((L.tensor([True, False]), L.tensor([0])), L.tensor(2)),
    "triu_indices_float_bad_row": lambda L: L.triu_indices(-1, 2, dtype=L.float32),
    "tril_indices_bool_bad_col": lambda L: L.tril_indices(2, -1, dtype=L.bool),
    "triu_indices_half": lambda L: L.triu_indices(0, 0, dtype=L.float16),
    "diff_n0_append_bad_dim": lambda L: L.diff(L.ones(3), n=0, dim=1, append=L.ones(3)),
    "diff_prepend_bad_dim": lambda L: L.diff(L.ones(3, 2), dim=2, prepend=L.ones(1)),
    "diff_prepend_bad_rank": lambda L: L.diff(L.ones(3, 2), dim=1, prepend=L.ones(1)),
    "diff_n0_bad_dim_alone": lambda L: L.diff(L.ones(3), n=0, dim=1),
    "bincount_empty_weights_longer": lambda L: L.bincount(L.tensor([], dtype=L.int64), weights=L.ones(2)),
    "bincount_empty_weights_2d": lambda L: L.bincount(L.tensor([], dtype=L.int64), weights=L.ones(2, 2), minlength=3),
    "bincount_weights_longer": lambda L: L.bincount(L.tensor([0, 1]), weights=L.ones(3)),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(ORDER_CASES))
def test_check_order_as_torch(case):
    # rtorch names the op in the repeated-dim message ("sum: dim 3 appears ..."); the
    # class and the other messages are torch's
    same(ORDER_CASES[case], message="repeat" not in case)


# index_add_ with a bad index: the class depends on PyTorch's path (NOTE [ index_add bounds ])
def _index_add_oob(shape, dim, alpha=1, first_ok=False, dtype="float32"):
    def fn(L):
        dt = getattr(L, dtype)
        size = list(shape)
        size[dim] = 2 if first_ok else 1
        index = L.tensor([0, 9] if first_ok else [9])
        return L.zeros(shape, dtype=dt).index_add_(dim, index, L.ones(size, dtype=dt), alpha=alpha)

    return fn


INDEX_ADD_CASES = {
    "matrix_dim0": _index_add_oob((3, 2), 0),
    "matrix_dim1": _index_add_oob((3, 2), 1, first_ok=True),
    "matrix_alpha_half": _index_add_oob((3, 2), 0, alpha=0.5, dtype="float64"),
    "matrix_alpha_float_one": _index_add_oob((3, 2), 1, alpha=1.0),
    "matrix_alpha_bool": _index_add_oob((3, 2), 0, alpha=True),
    "int_alpha_two": _index_add_oob((3, 2), 1, alpha=2, dtype="int32"),
    "3d_middle": _index_add_oob((3, 2, 2), 1),
    "3d_last": _index_add_oob((3, 2, 2), 2, first_ok=True),
    "4d_dim2": _index_add_oob((2, 3, 4, 5), 2),
    "4d_dim3": _index_add_oob((2, 3, 4, 5), 3),
    "vector": _index_add_oob((3,), 0),
    "transposed_middle": lambda L: (
        L.zeros(3, 2, 2).transpose(0, 1).index_add_(1, L.tensor([9]), L.ones(2, 1, 2))
    ),
}


@pytest.mark.parametrize("case", sorted(INDEX_ADD_CASES))
def test_index_add_bounds_as_torch(case):
    same(INDEX_ADD_CASES[case])


# ---------------------------------------------------------------- saved indices


def _index_changed_later(op, src_grad):
    def fn(L):
        x = L.ones(2, 3, requires_grad=True)
        src = L.ones(2, 3, requires_grad=src_grad)
        i = L.tensor([1, 0])
        out = op(L, x * 1, i, src)
        i[0] = 0  # the caller's index changes after the op
        out.sum().backward()
        return x.grad, src.grad

    return fn


SAVED_CASES = {
    "index_add": lambda L, x, i, s: x.index_add(0, i, s, alpha=2),
    "scatter_add": lambda L, x, i, s: x.scatter_add(0, i[None].expand(1, 3), s),
    "index_copy": lambda L, x, i, s: x.index_copy(0, i, s),
}


@pytest.mark.parametrize("src_grad", [False, True])
@pytest.mark.parametrize("case", sorted(SAVED_CASES))
def test_index_changed_after_op_as_torch(case, src_grad):
    # only a gradient that reads the index saves it: torch then reports the change
    same(_index_changed_later(SAVED_CASES[case], src_grad), message=False)


# ---------------------------------------------------------------- sort's argument forms

SORT_ARG_CASES = {
    "sort_dim_with_stable": lambda L: L.sort(L.ones(3), 0, stable=True),
    "sort_both_with_stable": lambda L: L.ones(2, 3).sort(0, True, stable=False),
    "sort_bool_dim": lambda L: L.sort(L.ones(3), True),
    "sort_bool_dim_kw": lambda L: L.ones(3).sort(dim=True),
    "sort_int_descending": lambda L: L.ones(3).sort(0, 1),
    "sort_three_positional": lambda L: L.ones(2, 3).sort(0, True, 1),
    "sort_dim_twice": lambda L: L.ones(2, 3).sort(0, dim=1),
    "argsort_dim_with_stable": lambda L: L.argsort(L.ones(3), 0, stable=True),
    "argsort_bool_dim": lambda L: L.ones(3).argsort(True),
    "argsort_descending_none": lambda L: L.ones(3).argsort(descending=None),
    "sort_dim_none": lambda L: L.ones(3).sort(dim=None),
    "argsort_dim_twice_default": lambda L: L.ones(3).argsort(1 << 40, dim=-1),
    "sort_descending_twice": lambda L: L.ones(3).sort(0, False, descending=False),
    "sort_unknown_keyword": lambda L: L.ones(3).sort(dims=0),
    "sort_stable_int": lambda L: L.ones(3).sort(stable=1),
}  # fmt: skip

SORT_OK_CASES = {
    "sort_plain": lambda L: tuple(L.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]]).sort()),
    "sort_positional": lambda L: tuple(L.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]]).sort(0, True)),
    "sort_keywords_with_stable": lambda L: tuple(L.sort(L.tensor([3.0, 1.0, 2.0]), stable=True, dim=0, descending=True)),
    "sort_stable_none": lambda L: tuple(L.sort(L.tensor([3.0, 1.0, 2.0]), stable=None)),
    "sort_positional_descending_kw": lambda L: tuple(L.tensor([[3.0, 1.0], [0.0, 5.0]]).sort(1, descending=True)),
    "argsort_positional": lambda L: L.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]]).argsort(1, True),
    "argsort_stable_kw": lambda L: L.argsort(L.tensor([3.0, 1.0, 2.0]), stable=True, descending=True),
    "sort_out": lambda L: tuple(L.sort(L.tensor([3.0, 1.0, 2.0]), 0, out=(L.empty(0), L.empty(0, dtype=L.long)))),
    "argsort_stable_out": lambda L: L.argsort(L.tensor([3.0, 1.0, 2.0]), stable=False, out=L.empty(0, dtype=L.long)),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(SORT_ARG_CASES))
def test_sort_bad_arguments_as_torch(case):
    # TypeError messages come from torch's argument parser; the class is what matters
    same(SORT_ARG_CASES[case], message=False)


@pytest.mark.parametrize("case", sorted(SORT_OK_CASES))
def test_sort_argument_forms_as_torch(case):
    same(SORT_OK_CASES[case])

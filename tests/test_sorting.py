"""Sorting and selection beyond op_db: stable order against NumPy's stable argsort, NaN
placement, unique / unique_consecutive against np.unique, searchsorted and bucketize
against np.searchsorted, isin, count_nonzero, ties and out= forms against torch."""

import numpy as np
import pytest
import rtorch

torch = pytest.importorskip("torch")

NAN = float("nan")


def _np(t):
    return t.numpy() if hasattr(t, "numpy") else np.asarray(t)


def _same(a, b):
    np.testing.assert_array_equal(_np(a), _np(b))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int16", "uint8", "bool"])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_sort_is_stable_like_numpy(dtype, descending, dim):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 4, size=(33, 17)).astype(dtype)
    t = rtorch.tensor(x)
    v, i = t.sort(dim=dim, descending=descending, stable=True)
    key = x.astype(np.int64)
    want = np.argsort(-key if descending else key, axis=dim, kind="stable")
    _same(i, want)
    _same(v, np.take_along_axis(x, want, axis=dim))
    _same(rtorch.argsort(t, dim=dim, descending=descending, stable=True), want)


def test_sort_large_rows_in_parallel_matches_numpy():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 50, size=(300, 400)).astype(np.float32)
    v, i = rtorch.tensor(x).sort(dim=1)
    want = np.argsort(x, axis=1, kind="stable")
    _same(i, want)
    _same(v, np.sort(x, axis=1))


@pytest.mark.parametrize("descending", [False, True])
def test_nan_sorts_as_largest(descending):
    x = [3.0, NAN, -1.0, float("inf"), NAN, -float("inf"), 0.0, -0.0]
    v, i = rtorch.tensor(x).sort(descending=descending)
    tv, ti = torch.tensor(x).sort(descending=descending, stable=True)
    _same(v, tv.numpy())
    _same(i, ti.numpy())
    vals = rtorch.tensor(x).topk(3, largest=True).values
    assert np.isnan(_np(vals)[:2]).all() and _np(vals)[2] == float("inf")


def test_topk_matches_torch_on_large_input():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((1000, 1000)).astype(np.float32)
    for k, dim, largest in [(10, 1, True), (10, 0, False), (1000, 1, True), (0, 1, True)]:
        got = rtorch.tensor(x).topk(k, dim=dim, largest=largest)
        want = torch.tensor(x).topk(k, dim=dim, largest=largest)
        _same(got.values, want.values.numpy())
        # Ties (this sample has a few) may come in any order: indices must point at them.
        _same(np.take_along_axis(x, _np(got.indices), axis=dim), want.values.numpy())


@pytest.mark.parametrize(
    "op,args",
    [
        ("cummax", (0,)),
        ("cummin", (0,)),
        ("median", (0,)),
        ("nanmedian", (0,)),
        ("mode", (0,)),
        ("median", ()),
        ("nanmedian", ()),
    ],
)
def test_nan_and_ties_like_torch(op, args):
    cases = [
        [1.0, 3.0, 3.0, NAN, 2.0, NAN],
        [2.0, 2.0, 1.0, 1.0],
        [NAN, NAN],
        [NAN, 1.0, 2.0, 3.0],
    ]
    for x in cases:
        got = getattr(rtorch, op)(rtorch.tensor(x), *args)
        want = getattr(torch, op)(torch.tensor(x), *args)
        if not args:
            np.testing.assert_equal(_np(got), want.numpy())
            continue
        if op == "mode" and np.isnan(x).any():
            continue  # torch's mode of a line with NaNs follows no stated rule
        np.testing.assert_equal(_np(got.values), want.values.numpy())
        _same(got.indices, want.indices.numpy())


def test_mode_picks_smallest_most_frequent_and_last_index():
    x = [[2, 1, 1, 2, 3], [5, 5, 4, 4, 4]]
    got = rtorch.tensor(x).mode(1)
    want = torch.tensor(x).mode(1)
    _same(got.values, want.values.numpy())
    _same(got.indices, want.indices.numpy())


def test_return_types_and_out():
    x = rtorch.tensor([[3.0, 1.0, 2.0]])
    r = rtorch.sort(x)
    assert type(r).__name__ == "sort" and r.values is r[0]
    assert "torch.return_types.topk" in repr(rtorch.topk(x, 1))
    v, i = rtorch.empty(0), rtorch.empty(0, dtype=rtorch.int64)
    out = rtorch.kthvalue(x, 2, 1, out=(v, i))
    assert out.values is v and v.tolist() == [2.0] and i.tolist() == [2]
    # As torch: the global median has no out overload.
    with pytest.raises(TypeError, match="median"):
        rtorch.median(x, out=rtorch.empty(0))


def test_gradients_reach_the_chosen_elements():
    x = rtorch.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]], requires_grad=True)
    tx = torch.tensor(x.tolist(), requires_grad=True)
    for f in [
        lambda m, t: m.sort(t, 1, descending=True).values * m.arange(3.0),
        lambda m, t: m.cummax(t, 1).values,
        lambda m, t: m.median(t),
        lambda m, t: m.topk(t, 2, 0).values,
    ]:
        x.grad, tx.grad = None, None
        f(rtorch, x).sum().backward()
        f(torch, tx).sum().backward()
        _same(x.grad, tx.grad.numpy())


def test_errors_like_torch():
    x = rtorch.ones(3)
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        x.topk(4)
    with pytest.raises(RuntimeError, match="kthvalue\\(\\): selected number k out of range"):
        x.kthvalue(0)
    with pytest.raises(IndexError, match="Expected reduction dim 0 to have non-zero size"):
        rtorch.ones(0, 3).median(0)
    with pytest.raises(RuntimeError, match="topk does not support bool"):
        rtorch.tensor([True]).topk(1)


# ---------------------------------------------------------------- unique


@pytest.mark.parametrize("dtype", ["int64", "float32", "bool", "uint8"])
def test_unique_matches_numpy(dtype):
    rng = np.random.default_rng(3)
    x = rng.integers(0, 6, size=(4, 7)).astype(dtype)
    v, inv, cnt = rtorch.unique(rtorch.tensor(x), return_inverse=True, return_counts=True)
    wv, winv, wcnt = np.unique(x, return_inverse=True, return_counts=True)
    _same(v, wv)
    _same(inv, winv.reshape(x.shape))
    _same(cnt, wcnt)
    _same(rtorch.tensor(x).unique(sorted=False), wv)


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int32", "int64"])
@pytest.mark.parametrize("span", [5, 3000, 100_000])
def test_unique_by_counting_and_by_sorting_match_torch(dtype, span):
    # NOTE [ unique by counting ]: narrow ranges are counted, wide ones sorted.
    rng = np.random.default_rng(7)
    info = np.iinfo(dtype)
    lo = max(info.min, -span // 2)
    hi = min(info.max, lo + span - 1)
    x = rng.integers(lo, hi + 1, size=(40, 50)).astype(dtype)
    for edge in (info.min, info.max):
        # The dtype's extremes with a narrow range around them.
        y = np.clip(
            x.astype(np.int64) - lo + edge - (0 if edge == info.min else span), info.min, info.max
        )
        for z in (x, y.astype(dtype)):
            got = rtorch.unique(rtorch.tensor(z), return_inverse=True, return_counts=True)
            want = torch.unique(torch.tensor(z), return_inverse=True, return_counts=True)
            for g, w in zip(got, want):
                assert g.dtype == getattr(rtorch, str(w.dtype).split(".")[1])
                _same(g, w.numpy())
            _same(rtorch.unique(rtorch.tensor(z)), torch.unique(torch.tensor(z)).numpy())


def test_unique_dim_matches_numpy_axis():
    x = np.array([[1, 2, 0], [0, 5, 1], [1, 2, 0], [0, 4, 9]])
    for dim in (0, 1, -1):
        got = rtorch.unique(rtorch.tensor(x), dim=dim, return_inverse=True, return_counts=True)
        want = np.unique(x, axis=dim, return_inverse=True, return_counts=True)
        for g, w in zip(got, want):
            _same(g, w.reshape(-1) if w.ndim == 2 and g.ndim == 1 else w)


def test_unique_nans_are_distinct_and_empty_input():
    _same(
        rtorch.unique(rtorch.tensor([1.0, NAN, NAN])), torch.unique(torch.tensor([1.0, NAN, NAN]))
    )
    v, inv, cnt = rtorch.unique(rtorch.empty(0, 2), return_inverse=True, return_counts=True)
    assert v.shape == (0,) and inv.shape == (0, 2) and cnt.shape == (0,)


def test_unique_consecutive_like_torch():
    for x, dim in [([1, 1, 2, 2, 3, 1, 1, 2], None), ([[1, 1, 2], [1, 1, 3]], 1)]:
        got = rtorch.unique_consecutive(
            rtorch.tensor(x), return_inverse=True, return_counts=True, dim=dim
        )
        want = torch.unique_consecutive(
            torch.tensor(x), return_inverse=True, return_counts=True, dim=dim
        )
        for g, w in zip(got, want):
            _same(g, w.numpy())


# ---------------------------------------------------------------- searching


@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted_matches_numpy(side):
    rng = np.random.default_rng(4)
    seq = np.sort(rng.integers(0, 10, size=20)).astype(np.float64)
    vals = rng.integers(-1, 12, size=(3, 5)).astype(np.float64)
    got = rtorch.searchsorted(rtorch.tensor(seq), rtorch.tensor(vals), side=side)
    _same(got, np.searchsorted(seq, vals, side=side))
    got = rtorch.searchsorted(rtorch.tensor(seq), rtorch.tensor(vals), right=side == "right")
    assert got.dtype == rtorch.int64
    _same(got, np.searchsorted(seq, vals, side=side))
    b = rtorch.bucketize(rtorch.tensor(vals), rtorch.tensor(seq), right=side == "right")
    _same(b, np.searchsorted(seq, vals, side=side))


def test_searchsorted_rows_sorter_scalar_int32():
    seq = np.array([[1, 3, 5, 7], [2, 4, 6, 8]])
    vals = np.array([[3, 6], [1, 9]])
    got = rtorch.searchsorted(rtorch.tensor(seq), rtorch.tensor(vals), out_int32=True)
    assert got.dtype == rtorch.int32
    _same(got, torch.searchsorted(torch.tensor(seq), torch.tensor(vals)).numpy())
    unsorted = np.array([5.0, 1.0, 3.0])
    sorter = np.argsort(unsorted)
    got = rtorch.searchsorted(
        rtorch.tensor(unsorted), rtorch.tensor([2.0, 4.0]), sorter=rtorch.tensor(sorter)
    )
    _same(got, np.searchsorted(unsorted, [2.0, 4.0], sorter=sorter))
    assert rtorch.searchsorted(rtorch.tensor([1.0, 2.0, 3.0]), 2).item() == 1


@pytest.mark.parametrize("invert", [False, True])
def test_isin_matches_numpy(invert):
    rng = np.random.default_rng(5)
    e = rng.integers(0, 20, size=(4, 5))
    t = rng.integers(0, 20, size=7)
    got = rtorch.isin(rtorch.tensor(e), rtorch.tensor(t), invert=invert)
    _same(got, np.isin(e, t, invert=invert))
    _same(rtorch.isin(rtorch.tensor(e), 3), np.isin(e, 3))
    _same(
        rtorch.isin(rtorch.tensor(e), rtorch.tensor([], dtype=rtorch.int64)), np.zeros_like(e, bool)
    )


def test_count_nonzero_matches_numpy():
    x = np.array([[0, 1, 2], [0, 0, 3.5]])
    t = rtorch.tensor(x)
    assert rtorch.count_nonzero(t).item() == 3
    _same(t.count_nonzero(dim=0), np.count_nonzero(x, axis=0))
    _same(rtorch.count_nonzero(t, dim=(0, 1)), np.count_nonzero(x))
    assert rtorch.count_nonzero(t, 1).dtype == rtorch.int64


@pytest.mark.parametrize("largest", [True, False])
def test_topk_screened_long_lines_with_nans_and_ties_match_torch(largest):
    # NOTE [ topk screening ]: blocks skipped against the bar, sorted insertion for k <= 32.
    rng = np.random.default_rng(8)
    x = rng.integers(0, 50, (6, 1000)).astype(np.float32)
    x[1, rng.integers(0, 1000, 30)] = np.nan
    x[2, :] = np.nan
    x[3, 500:] = np.nan
    for k in (1, 10, 32, 33, 100):
        got = rtorch.tensor(x).topk(k, 1, largest=largest)
        want = torch.tensor(x).topk(k, 1, largest=largest)
        _same(got.values, want.values.numpy())
        # Ties keep index order (NOTE [ Sort order ]); torch leaves it open.
        key = np.where(np.isnan(x), -np.inf, -x) if largest else np.where(np.isnan(x), np.inf, x)
        _same(got.indices, np.argsort(key, axis=1, kind="stable")[:, :k])

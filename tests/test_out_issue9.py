"""`out=` across issue 9's ops, against torch: every function of the issue that takes
`out=` in torch takes it in rtorch (`test_no_missing_out_forms`), and each writes into
the given tensor(s) with torch's values, resize warning and dtype errors
(NOTE [ Out dtype rules ] in `ops/out_dtypes.rs`)."""

import warnings

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = pytest.mark.skipif(
    rtorch is None or torch is None, reason="needs rtorch and torch (the oracle)"
)


def cases(m):
    x = m.tensor([[1.0, -2.0, 3.0], [0.5, 4.0, -1.5]])
    i = m.tensor([[0, 2], [1, 0]])
    i1 = m.tensor([2, 0])
    s = m.tensor([[1.0, 3.0, 5.0], [2.0, 4.0, 6.0]])
    yield "index_select", lambda **k: m.index_select(x, 1, i1, **k)
    yield "index_add", lambda **k: m.index_add(x, 1, i1, x[:, :2], **k)
    yield "index_copy", lambda **k: m.index_copy(x, 1, i1, x[:, :2], **k)
    yield "index_fill", lambda **k: m.index_fill(x, 1, i1, 2.0, **k)
    yield "index_put", lambda **k: m.index_put(x, (m.tensor([1, 0]),), m.tensor(1.0), **k)
    yield "index_reduce", lambda **k: m.index_reduce(x, 1, i1, x[:, :2], "prod", **k)
    yield "put", lambda **k: m.put(x, i1, m.tensor([1.0, 2.0]), **k)
    yield "take", lambda **k: m.take(x, i1, **k)
    yield "take_along_dim", lambda **k: m.take_along_dim(x, i, 1, **k)
    yield "gather", lambda **k: m.gather(x, 1, i, **k)
    yield "scatter", lambda **k: m.scatter(x, 1, i, x[:, :2], **k)
    yield "scatter_add", lambda **k: m.scatter_add(x, 1, i, x[:, :2], **k)
    yield "scatter_reduce", lambda **k: m.scatter_reduce(x, 1, i, x[:, :2], "sum", **k)
    yield "masked_fill", lambda **k: m.masked_fill(x, x > 0, 1.0, **k)
    yield "masked_scatter", lambda **k: m.masked_scatter(x, x > 0, x, **k)
    yield "masked_select", lambda **k: m.masked_select(x, x > 0, **k)
    yield "where", lambda **k: m.where(x > 0, x, s, **k)
    yield "count_nonzero", lambda **k: m.count_nonzero(x, 0, **k)
    yield "isin", lambda **k: m.isin(x, s, **k)
    yield "searchsorted", lambda **k: m.searchsorted(s, x, **k)
    yield "bucketize", lambda **k: m.bucketize(x, s[0], **k)
    yield "nonzero", lambda **k: m.nonzero(x, **k)
    yield "argwhere", lambda **k: m.argwhere(x, **k)
    yield "sort", lambda **k: m.sort(x, 1, **k)
    yield "sort_stable", lambda **k: m.sort(x, stable=True, **k)
    yield "argsort", lambda **k: m.argsort(x, 1, **k)
    yield "argsort_stable", lambda **k: m.argsort(x, stable=True, **k)
    yield "msort", lambda **k: m.msort(x, **k)
    yield "topk", lambda **k: m.topk(x, 2, **k)
    yield "kthvalue", lambda **k: m.kthvalue(x, 2, **k)
    yield "median_dim", lambda **k: m.median(x, 1, **k)
    yield "median", lambda **k: m.median(x, **k)
    yield "nanmedian_dim", lambda **k: m.nanmedian(x, 1, **k)
    yield "nanmedian", lambda **k: m.nanmedian(x, **k)
    yield "mode", lambda **k: m.mode(x, 1, **k)
    yield "unique", lambda **k: m.unique(x, **k)
    yield "unique_consecutive", lambda **k: m.unique_consecutive(x, **k)
    yield "cummax", lambda **k: m.cummax(x, 1, **k)
    yield "cummin", lambda **k: m.cummin(x, 1, **k)
    yield "repeat_interleave", lambda **k: m.repeat_interleave(x, 2, **k)
    yield "tile", lambda **k: m.tile(x, (2,), **k)
    yield "roll", lambda **k: m.roll(x, 1, **k)
    yield "rot90", lambda **k: m.rot90(x, **k)
    yield "fliplr", lambda **k: m.fliplr(x, **k)
    yield "flipud", lambda **k: m.flipud(x, **k)
    yield "tril", lambda **k: m.tril(x, **k)
    yield "triu", lambda **k: m.triu(x, **k)
    yield "tril_indices", lambda **k: m.tril_indices(3, 3, **k)
    yield "triu_indices", lambda **k: m.triu_indices(3, 3, **k)
    yield "diag", lambda **k: m.diag(x, **k)
    yield "diag_embed", lambda **k: m.diag_embed(x, **k)
    yield "diagflat", lambda **k: m.diagflat(x, **k)
    yield "trace", lambda **k: m.trace(x, **k)
    yield "einsum", lambda **k: m.einsum("ij->j", x, **k)
    yield "tensordot", lambda **k: m.tensordot(x, s, 2, **k)
    yield "kron", lambda **k: m.kron(x, s, **k)
    yield "block_diag", lambda **k: m.block_diag(x, s, **k)
    yield "cartesian_prod", lambda **k: m.cartesian_prod(x[0], s[0], **k)
    yield "combinations", lambda **k: m.combinations(x[0], **k)
    yield "cross", lambda **k: m.cross(x, s, dim=1, **k)
    yield "linalg.cross", lambda **k: m.linalg.cross(x, s, **k)
    yield "cdist", lambda **k: m.cdist(x, s, **k)
    yield "diff", lambda **k: m.diff(x, **k)
    yield "histc", lambda **k: m.histc(x, 4, **k)
    yield "histogram", lambda **k: m.histogram(x, 4, **k)
    yield "histogram_edges", lambda **k: m.histogram(x, s[0], **k)
    yield "bincount", lambda **k: m.bincount(i1, **k)
    yield "clamp", lambda **k: m.clamp(x, s, **k)
    yield "clip", lambda **k: m.clip(x, 0, **k)
    yield "clamp_min", lambda **k: m.clamp_min(x, 0, **k)
    yield "clamp_max", lambda **k: m.clamp_max(x, 0, **k)
    yield "multinomial", lambda **k: m.multinomial(s, 2, **k)
    yield "normal_tt", lambda **k: m.normal(x, s, **k)
    yield "normal_tf", lambda **k: m.normal(x, 1.0, **k)
    yield "normal_ft", lambda **k: m.normal(0.0, s, **k)
    yield "normal_size", lambda **k: m.normal(0.0, 1.0, (2, 3), **k)
    yield "poisson", lambda **k: m.poisson(s, **k)
    yield "bernoulli", lambda **k: m.bernoulli(s / 10, **k)
    yield "randint_like", lambda **k: m.randint_like(x, 5, **k)
    yield "rand", lambda **k: m.rand(3, **k)
    yield "randn", lambda **k: m.randn(3, **k)
    yield "randint", lambda **k: m.randint(5, (3,), **k)
    yield "randperm", lambda **k: m.randperm(5, **k)
    for w in ("bartlett", "blackman", "hann", "hamming", "kaiser"):
        yield w + "_window", lambda w=w, **k: getattr(m, w + "_window")(5, **k)


def _empty_like(m, r, dtype=None, shape=(0,)):
    if isinstance(r, (tuple, list)):
        return tuple(m.empty(shape, dtype=dtype or t.dtype) for t in r)
    return m.empty(shape, dtype=dtype or r.dtype)


def _accepts_out(m, f):
    r = f()
    try:
        f(out=_empty_like(m, r))
    except TypeError as e:
        if "out" in str(e) or "argument" in str(e) or "keyword" in str(e):
            return False
        raise
    return True


def _torch_out_names():
    names = []
    for name, f in _cases(torch).items():
        try:
            if _accepts_out(torch, f):
                names.append(name)
        except RuntimeError:
            pass  # torch's own out= fails for this sample (normal(tensor, float))
    return names


def _cases(m):
    return dict(cases(m))


def test_no_missing_out_forms():
    rt = _cases(rtorch)
    missing = [n for n in _torch_out_names() if not _accepts_out(rtorch, rt[n])]
    assert missing == []


def test_no_extra_out_forms():
    rt = _cases(rtorch)
    want = set(_torch_out_names())
    extra = []
    for name, f in _cases(torch).items():
        if name in want:
            continue
        try:
            _accepts_out(torch, f)
        except RuntimeError:
            continue
        if _accepts_out(rtorch, rt[name]):
            extra.append(name)
    assert extra == []


def _run(m, f, out):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            r = f(out=out)
        except Exception as e:  # noqa: BLE001 - compared with torch's
            return "err", type(e), str(e)
    msgs = [str(x.message).split(" (Triggered internally")[0] for x in w]
    return "ok", r, msgs


# Each out variant: its dtype (None: the result's) and its shape.
VARIANTS = {
    "fits": (None, (0,)),
    "resize": (None, (7,)),
    "float64": ("float64", (0,)),
    "int64": ("int64", (0,)),
    "bool": ("bool", (0,)),
    "float32": ("float32", (0,)),
}

# torch resizes kthvalue's and mode's outs after unsqueezing them at `dim`, so its
# warning names [7, 1] -> [2, 1] where rtorch says [7] -> [2].
WARNING_SHAPES_DIFFER = {"kthvalue", "mode"}


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("name", _torch_out_names() if torch is not None and rtorch else [])
def test_out_matches_torch(name, variant):
    dtype, shape = VARIANTS[variant]
    tf, rf = _cases(torch)[name], _cases(rtorch)[name]
    torch.manual_seed(0)
    tr = tf()
    rtorch.manual_seed(0)
    rr = rf()

    def out(m, r):
        return _empty_like(m, r, getattr(m, dtype) if dtype else None, shape)

    t_out, r_out = out(torch, tr), out(rtorch, rr)
    torch.manual_seed(0)
    want = _run(torch, tf, t_out)
    rtorch.manual_seed(0)
    got = _run(rtorch, rf, r_out)
    assert got[0] == want[0], (want, got)
    if want[0] == "err":
        assert got[1] is want[1] and got[2] == want[2]
        return
    if not (variant == "resize" and name in WARNING_SHAPES_DIFFER):
        assert got[2] == want[2]
    outs = r_out if isinstance(r_out, tuple) else (r_out,)
    res = got[1] if isinstance(got[1], tuple) else (got[1],)
    assert all(a is b for a, b in zip(res, outs))
    wants = t_out if isinstance(t_out, tuple) else (t_out,)
    for a, b in zip(outs, wants):
        assert str(a.dtype) == str(b.dtype) and tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.numpy().astype(float), b.numpy().astype(float), rtol=1e-6)


def test_histogram_out_pair():
    x = [[1.0, -2.0, 3.0], [0.5, 4.0, -1.5]]
    for m in (torch, rtorch):
        hist, edges = m.empty(0), m.empty(0)
        r = m.histogram(m.tensor(x), 4, range=(-2.0, 4.0), out=(hist, edges))
        assert r[0] is hist and r[1] is edges
        assert r.hist is hist and r.bin_edges is edges
    want = torch.histogram(torch.tensor(x), 4, range=(-2.0, 4.0))
    np.testing.assert_allclose(hist.numpy(), want.hist.numpy())
    np.testing.assert_allclose(edges.numpy(), want.bin_edges.numpy())


def test_out_refuses_autograd_but_not_for_isin():
    for m in (torch, rtorch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
            m.diff(x, out=m.empty(0))
        with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
            m.kron(x, x, out=m.empty(0))
        assert m.isin(x, x, out=m.empty(0, dtype=m.bool)).tolist() == [True, True]


def test_argsort_out_needs_stable():
    for m in (torch, rtorch):
        x = m.tensor([3.0, 1.0, 2.0])
        with pytest.raises(TypeError):
            m.argsort(x, out=m.empty(0, dtype=m.long))
        assert m.argsort(x, stable=True, out=m.empty(0, dtype=m.long)).tolist() == [1, 2, 0]

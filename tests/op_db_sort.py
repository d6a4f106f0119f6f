"""op_db entries for sorting and selection (issue 9 section 2).

Samples of ops whose tie-breaking PyTorch leaves open (topk, kthvalue, median, mode)
hold distinct values, so indices are defined; sort, argsort, msort, cummax and cummin
also get samples full of ties, where the order is defined (stable sort, last index).
NumPy references use its stable sorts; torch parity covers the rest.
"""

import numpy as np
from op_db_samples import ALL_DTYPES, SampleInput, _tensor_factory, make_tensor, np_dtype
from op_info import OpInfo, _chain, _errors, _generic_errors, _t

NO_BOOL = tuple(d for d in ALL_DTYPES if d != "bool")


def _distinct_factory(lib, rng, dtype):
    """Tensors of pairwise distinct values (exact in every dtype)."""

    def t(shape, layout="contig"):
        n = int(np.prod(shape))
        v = rng.permutation(n).astype(np.float64)
        if dtype != "uint8":
            v -= n // 2
        if dtype in ("float16", "bfloat16", "float32", "float64"):
            v *= 0.5
        return make_tensor(lib, v.reshape(shape).astype(np_dtype(dtype)), dtype, layout)

    return t


def _dim_samples(with_k=None, keepdim=True, full=False, ties=True):
    """f(x, [k,] dim=..., [keepdim=...]) samples; `with_k(n)` gives k for a dim of n."""

    def gen(lib, dtype, rng):
        d = _distinct_factory(lib, rng, dtype)
        tie, _ = _tensor_factory(lib, rng, dtype, -3, 3, discrete=True)

        def args(x, dim):
            if with_k is None:
                return (x,)
            n = 1 if x.ndim == 0 else x.shape[dim]
            return (x, with_k(n))

        if full:
            yield SampleInput((d((3, 4)),), name="full")
            yield SampleInput((d(()),), name="full_0d")
        yield SampleInput(args(d((3, 4)), 1), {"dim": 1}, name="dim1")
        yield SampleInput(args(d((3, 4)), 0), {"dim": 0}, name="dim0")
        yield SampleInput(args(d((2, 3, 4)), -1), {"dim": -1}, name="neg_dim")
        if keepdim:
            yield SampleInput(args(d((2, 3, 4)), 1), {"dim": 1, "keepdim": True}, name="keepdim")
        yield SampleInput(args(d(()), 0), {"dim": 0}, name="0d")
        yield SampleInput(args(d((7,)), 0), {"dim": 0}, name="1d")
        yield SampleInput(args(d((4, 3), "t"), 0), {"dim": 0}, name="transposed")
        yield SampleInput(args(d((2, 3, 5), "slice"), 1), {"dim": 1}, name="strided")
        if ties:
            yield SampleInput(args(tie((4, 6)), 1), {"dim": 1}, name="ties", grad=False)

    return gen


def _sort_samples(lib, dtype, rng):
    yield from _dim_samples(keepdim=False)(lib, dtype, rng)
    tie, _ = _tensor_factory(lib, rng, dtype, -3, 3, discrete=True)
    d = _distinct_factory(lib, rng, dtype)
    yield SampleInput((tie((5, 6)),), {"dim": 0, "descending": True}, name="ties_desc", grad=False)
    yield SampleInput((tie((3, 9)),), {"stable": True}, name="stable", grad=False)
    yield SampleInput((d((3, 4)),), {"descending": True}, name="desc")
    yield SampleInput((d((0, 3)),), {"dim": 0}, name="empty")


def _cum_samples(lib, dtype, rng):
    d = _distinct_factory(lib, rng, dtype)
    tie, _ = _tensor_factory(lib, rng, dtype, -3, 3, discrete=True)
    yield SampleInput((d((3, 4)), 1), name="dim1")
    yield SampleInput((d((3, 4)), 0), name="dim0")
    yield SampleInput((d(()), 0), name="0d")
    yield SampleInput((d((4, 3), "t"), -1), name="transposed")
    yield SampleInput((tie((4, 6)), 1), name="ties", grad=False)
    yield SampleInput((d((0, 3)), 0), name="empty")


def _median_samples(lib, dtype, rng):
    d = _distinct_factory(lib, rng, dtype)
    yield SampleInput((d((3, 4)),), name="full")
    yield SampleInput((d((5,)),), name="full_odd")
    yield SampleInput((d(()),), name="full_0d")
    yield from _dim_samples(ties=False)(lib, dtype, rng)


def _mode_samples(lib, dtype, rng):
    yield from _dim_samples(ties=False)(lib, dtype, rng)
    # Distinct values: every count is 1, so the smallest value wins.
    vals = np.array([[1, 2, 2, 0, 1, 2], [3, 3, 0, 0, 1, 2]], dtype=np_dtype(dtype))
    yield SampleInput((make_tensor(lib, vals, dtype),), {"dim": 1}, name="repeats", grad=False)


def _search_samples(lib, dtype, rng):
    d = _distinct_factory(lib, rng, dtype)
    tie, _ = _tensor_factory(lib, rng, dtype, -3, 3, discrete=True)

    def sorted_(x):
        return x.sort().values

    yield SampleInput((sorted_(d((6,))), d((3, 4))), name="1d_seq")
    yield SampleInput((sorted_(tie((8,))), tie((5,))), {"right": True}, name="right_ties")
    yield SampleInput((sorted_(tie((8,))), tie((5,))), {"side": "left"}, name="left_ties")
    yield SampleInput((sorted_(d((2, 5))), d((2, 3))), {"out_int32": True}, name="nd_int32")
    seq = d((6,))
    yield SampleInput((seq, d((4,))), {"sorter": seq.argsort()}, name="sorter")


# ---------------------------------------------------------------- references


def _sort_ref(x, dim=-1, descending=False, stable=False):
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    key = -x.astype(np.float64) if descending and x.dtype != bool else x
    if descending and x.dtype == bool:
        key = ~x
    idx = np.argsort(key, axis=dim, kind="stable")
    return np.take_along_axis(x, idx, axis=dim), idx


def _topk_errors(lib, rng):
    t = _t(lib, rng)
    yield (t((3, 4)), 5), {}, RuntimeError
    yield (t((3, 4)), -1), {}, RuntimeError
    yield (t((3, 4)), 2), {"dim": 2}, IndexError


def _kth_errors(lib, rng):
    t = _t(lib, rng)
    yield (t((3, 4)), 5), {}, RuntimeError
    yield (t((3, 4)), 0), {}, RuntimeError
    yield (t((3, 4)), 1), {"dim": -3}, IndexError


def _empty_dim_errors(lib, rng):
    t = _t(lib, rng)
    yield (t((0, 3)),), {"dim": 0}, IndexError


def _search_errors(lib, rng):
    t = _t(lib, rng)
    yield (t(()), t((3,))), {}, RuntimeError
    yield (t((2, 3)), t((3, 3))), {}, RuntimeError
    yield (t((3,)), t((2,))), {"side": "middle"}, RuntimeError
    yield (t((3,)), t((2,))), {"side": "left", "right": True}, RuntimeError


def _reduction(name, samples, errors=None, generic=True, **kw):
    """A dim-taking op; `generic` adds the reductions' dim errors (ops without a
    required argument before dim)."""
    gen = _generic_errors("reduction", kw.get("dtypes", ALL_DTYPES)) if generic else None
    return OpInfo(
        name=name,
        kind="reduction",
        sample_inputs=samples,
        error_inputs=_chain(gen, errors),
        **kw,
    )


OPS = [
    _reduction("sort", _sort_samples, ref=_sort_ref, fuzz=False),
    _reduction(
        "argsort",
        _sort_samples,
        ref=lambda x, **kw: _sort_ref(x, **kw)[1],
        differentiable=False,
        fuzz=False,
    ),
    OpInfo(
        name="msort",
        kind="other",
        sample_inputs=lambda lib, dtype, rng: iter(
            [
                SampleInput((_distinct_factory(lib, rng, dtype)((4, 3)),), name="2d"),
                SampleInput(
                    (_tensor_factory(lib, rng, dtype, -3, 3, discrete=True)[0]((6, 2)),),
                    name="ties",
                    grad=False,
                ),
            ]
        ),
        ref=lambda x: _sort_ref(x, dim=0)[0],
        fuzz=False,
    ),
    _reduction(
        "topk",
        _dim_samples(with_k=lambda n: min(n, 2), keepdim=False, ties=False),
        errors=_errors(_topk_errors),
        generic=False,
        dtypes=NO_BOOL,
        unsupported_exc=RuntimeError,
        fuzz=False,
    ),
    _reduction(
        "kthvalue",
        _dim_samples(with_k=lambda n: (n + 1) // 2, ties=False),
        errors=_errors(_kth_errors),
        generic=False,
        dtypes=NO_BOOL,
        fuzz=False,
    ),
    _reduction(
        "median", _median_samples, errors=_errors(_empty_dim_errors), dtypes=NO_BOOL, fuzz=False
    ),
    _reduction(
        "nanmedian",
        _median_samples,
        errors=_errors(_empty_dim_errors),
        dtypes=NO_BOOL,
        fuzz=False,
    ),
    _reduction("mode", _mode_samples, errors=_errors(_empty_dim_errors), fuzz=False),
    OpInfo(name="cummax", kind="other", sample_inputs=_cum_samples, fuzz=False),
    OpInfo(name="cummin", kind="other", sample_inputs=_cum_samples, fuzz=False),
    OpInfo(
        name="searchsorted",
        kind="other",
        sample_inputs=_search_samples,
        error_inputs=_errors(_search_errors),
        dtypes=NO_BOOL,
        differentiable=False,
        method=False,
        fuzz=False,
    ),
]

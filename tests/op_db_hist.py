"""op_db entries for the counting ops (issue 9 section 2): bincount, histc, histogram.

numpy references: np.bincount, and np.histogram for histc/histogram (histc's bins are
numpy's, with histc's range rule: min == max means the data's range, widened by 1 when
that is empty). repeat_interleave and combinations are Python composites, tested in
test_hist.py.
"""

import numpy as np
from op_db_samples import FLOAT_DTYPES, INT_DTYPES, SampleInput, _tensor_factory
from op_info import OpInfo, _errors, _t


def _f(lib, rng, dtype):
    return _tensor_factory(lib, rng, dtype, -3, 3)[0]


def _ints(lib, values, dtype="int64", layout=None):
    t = lib.tensor(np.asarray(values), dtype=getattr(lib, dtype))
    if layout == "slice":
        return t[::2]
    return t


# ---------------------------------------------------------------- bincount


def bincount_samples(lib, dtype, rng):
    yield SampleInput((_ints(lib, [0, 3, 1, 3, 0, 7], dtype),), name="basic")
    yield SampleInput((_ints(lib, [2, 2, 5], dtype),), {"minlength": 9}, name="minlength")
    yield SampleInput((_ints(lib, [4, 1, 4, 0, 2, 2], dtype, "slice"),), name="noncontig")
    yield SampleInput((_ints(lib, [], dtype),), name="empty")
    yield SampleInput((_ints(lib, [], dtype),), {"minlength": 3}, name="empty_minlength")
    w = lib.tensor(np.linspace(-1, 2, 6), dtype=lib.float32)
    yield SampleInput((_ints(lib, [0, 3, 1, 3, 0, 7], dtype), w), name="weights_f32")
    yield SampleInput(
        (_ints(lib, [0, 3, 1, 3, 0, 7], dtype),),
        {"weights": w.double(), "minlength": 10},
        name="weights_f64",
    )
    yield SampleInput(
        (_ints(lib, [0, 3, 1, 3], dtype), _ints(lib, [5, 6, 7, 8])), name="weights_int"
    )


@_errors
def _bincount_errors(lib, rng):
    x = _ints(lib, [1, 2, 3])
    yield (x,), {"minlength": -1}, RuntimeError
    yield (_ints(lib, [1, -2, 3]),), {}, RuntimeError
    yield (_ints(lib, [[1, 2]]),), {}, RuntimeError
    yield (_ints(lib, 3),), {}, RuntimeError
    yield (x, _t(lib, rng)((2,))), {}, RuntimeError
    yield (x, _t(lib, rng)((3, 1))), {}, RuntimeError
    yield (lib.tensor([1.0, 2.0]),), {}, NotImplementedError


# ---------------------------------------------------------------- histc, histogram


def histc_samples(lib, dtype, rng):
    t = _f(lib, rng, dtype)
    yield SampleInput((t((3, 4)),), name="default")
    yield SampleInput((t((3, 4)),), {"bins": 5, "min": -1, "max": 2}, name="range_outside")
    yield SampleInput((t((4, 3), "t"), 7), name="noncontig")
    yield SampleInput((t(()), 3), name="0d")
    yield SampleInput((t((0,)), 4), name="empty")
    yield SampleInput((t((0,)), 4, -1.0, 1.0), name="empty_range")
    yield SampleInput((lib.tensor([2.0, 2.0]).to(getattr(lib, dtype)), 3), name="equal")
    edges = lib.tensor([0.0, 1.0, 2.0, 3.0, 4.0, 1.5]).to(getattr(lib, dtype))
    yield SampleInput((edges, 4, 0, 4), name="max_in_last_bin")
    nan = lib.tensor([0.5, float("nan"), 1.5]).to(getattr(lib, dtype))
    yield SampleInput((nan, 2, 0, 2), name="nan_ignored")


def _histc_ref(x, bins=100, min=0, max=0):
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    lo, hi = float(min), float(max)
    if lo == hi and x.size:
        lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    x = x[~np.isnan(x)]
    return np.histogram(x, bins, range=(lo, hi))[0]


@_errors
def _histc_errors(lib, rng):
    t = _t(lib, rng)
    yield (t((3,)),), {"bins": 0}, RuntimeError
    yield (t((3,)),), {"bins": -2}, RuntimeError
    yield (t((3,)),), {"min": 3, "max": 1}, RuntimeError
    yield (lib.tensor([1.0, float("inf")]),), {}, RuntimeError
    yield (lib.tensor([1.0, float("nan")]),), {}, RuntimeError
    yield (lib.tensor([1, 2]),), {}, NotImplementedError
    yield (t((3,)), "x"), {}, TypeError


def histogram_samples(lib, dtype, rng):
    t = _f(lib, rng, dtype)
    d = getattr(lib, dtype)
    yield SampleInput((t((3, 4)), 5), name="count")
    yield SampleInput((t((3, 4)),), {"bins": 4, "range": (-1.0, 2.0)}, name="range")
    yield SampleInput((t((4, 3), "t"), 3), {"density": True}, name="density_noncontig")
    yield SampleInput((t((2, 3)), 3), {"weight": t((2, 3))}, name="weight")
    edges = lib.tensor([-3.0, -1.0, 0.0, 0.5, 3.0]).to(d)
    yield SampleInput((t((3, 4)), edges), name="edges")
    yield SampleInput((t((3, 4)), edges), {"weight": t((3, 4)), "density": True}, name="edges_w")
    yield SampleInput((t(()), 2), name="0d")
    yield SampleInput((t((0,)), 2), name="empty")
    yield SampleInput((lib.tensor([1.0, 2.0]).to(d), 2), {"range": (1.0, 1.0)}, name="equal")
    yield SampleInput((lib.tensor([0.0, 1.0, 2.0, 3.0]).to(d), 3), name="max_in_last_bin")


def _histogram_ref(x, bins, range=None, weight=None, density=False):
    x = np.asarray(x).reshape(-1)
    w = None if weight is None else np.asarray(weight).reshape(-1)
    hist, edges = np.histogram(x, bins, range=range, weights=w, density=density)
    return hist, edges


@_errors
def _histogram_errors(lib, rng):
    t = _t(lib, rng)
    yield (t((3,)), 0), {}, RuntimeError
    yield (t((3,)), lib.tensor([1.0])), {}, RuntimeError
    yield (t((3,)), lib.tensor([[1.0, 2.0]])), {}, RuntimeError
    yield (t((3,)), lib.tensor([1.0, 2.0], dtype=lib.float64)), {}, RuntimeError
    yield (t((3,)), 2), {"range": (3.0, 1.0)}, RuntimeError
    yield (t((3,)), 2), {"weight": t((4,))}, RuntimeError
    yield (t((3,)), 2), {"weight": t((3,)).double()}, RuntimeError
    yield (lib.tensor([1.0, float("nan")]), 2), {}, RuntimeError
    yield (lib.tensor([1, 2]), 2), {}, NotImplementedError
    yield (t((3,)), "x"), {}, TypeError


# ---------------------------------------------------------------- entries

# fmt: off
OPS = [
    OpInfo("bincount", "other", bincount_samples, dtypes=INT_DTYPES, differentiable=False,
           ref=lambda x, weights=None, minlength=0: np.bincount(
               x.astype(np.int64), weights, minlength),
           error_inputs=_bincount_errors),
    OpInfo("histc", "other", histc_samples, dtypes=FLOAT_DTYPES, differentiable=False,
           ref=_histc_ref, ref_dtypes=("float32", "float64"), error_inputs=_histc_errors),
    OpInfo("histogram", "other", histogram_samples, dtypes=("float32", "float64"),
           differentiable=False, ref=_histogram_ref, error_inputs=_histogram_errors),
]
# fmt: on

"""Tensor printing must match PyTorch character for character.

Two layers, both using real PyTorch as the oracle:

* the formatter itself, fed real torch tensors (loaded by file path so this
  runs before the rtorch extension is built);
* rtorch tensors built from the same data, when rtorch imports.
"""

import contextlib
import importlib.util
import math
import time
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

try:
    import rtorch
except ImportError:
    rtorch = None

_SRC = Path(__file__).resolve().parents[1] / "python" / "rtorch" / "_tensor_str.py"
_spec = importlib.util.spec_from_file_location("_standalone_tensor_str", _SRC)
ts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ts)

needs_rtorch = pytest.mark.skipif(rtorch is None, reason="rtorch is not importable")

FLOATS = ["float32", "float64", "float16", "bfloat16"]
INTS = ["int64", "int32", "int16", "int8", "uint8"]

SHAPES = [
    (),
    (1,),
    (5,),
    (0,),
    (0, 3),
    (2, 0, 4),
    (3, 4),
    (2, 3, 4),
    (2, 1, 3, 2),
    (31,),
    (1001,),
    (1, 2000),
    (2000, 1),
    (40, 40),
    (10, 10, 11),
    (4, 4, 4, 4, 4),
]


def _with_specials(rng, shape):
    a = rng.standard_normal(shape) * 10
    flat = a.reshape(-1)
    specials = [math.nan, math.inf, -math.inf, 0.0, -0.0]
    flat[: len(specials)] = specials[: flat.size]
    return a


# name -> (data maker, dtypes it is printed as)
DATA = {
    "normal": (lambda r, s: r.standard_normal(s), FLOATS),
    "tiny": (lambda r, s: r.standard_normal(s) * 1e-6, ["float32", "float64"]),
    "huge": (lambda r, s: r.standard_normal(s) * 1e9, ["float32", "float64"]),
    "wide_range": (lambda r, s: 10.0 ** r.uniform(-3, 3, s), ["float32"]),
    "negative": (lambda r, s: -r.uniform(100, 999, s), ["float32", "float64"]),
    "int_valued": (lambda r, s: r.integers(-100, 100, s).astype(float), FLOATS),
    "int_valued_big": (lambda r, s: r.integers(1, 9, s) * 1e10, ["float64"]),
    "specials": (_with_specials, ["float32", "float64"]),
    "zeros": (lambda r, s: np.zeros(s), ["float32", "int64"]),
    "nan": (lambda r, s: np.full(s, math.nan), ["float32"]),
    "ints": (lambda r, s: r.integers(-1000, 100000, s), INTS[:2]),
    "small_ints": (lambda r, s: r.integers(0, 100, s), INTS),
    "bool": (lambda r, s: r.integers(0, 2, s).astype(bool), ["bool"]),
    "complex": (
        lambda r, s: r.standard_normal(s) + 1j * r.standard_normal(s) * 100,
        ["complex64", "complex128"],
    ),
}


EDGE_ARRAYS = [
    (np.array([-0.0, 0.0]), "float32"),
    (np.array([1e-300, 1e300]), "float64"),
    (np.array([9.99996, 1.0]), "float32"),  # rounds up to a wider "10.0000"
    (np.array([1.5, -math.inf]), "float32"),  # inf is padded, never widens
    (np.array([-5, 100]), "int8"),
    (np.array(True), "bool"),
    (np.array(7), "int64"),
    (np.array(math.nan), "float32"),
    (np.array(-0.0), "float64"),
]


def _cases():
    seed = 0
    for data_name, (make, dtypes) in DATA.items():
        for shape in SHAPES:
            dtype = dtypes[seed % len(dtypes)]
            arr = np.asarray(make(np.random.default_rng(seed), shape))
            label = "x".join(map(str, shape)) or "scalar"
            yield pytest.param(arr, dtype, None, id=f"{data_name}-{dtype}-{label}")
            seed += 1
    # Lines of every length, so grad suffixes wrap (or not) at each column.
    for n in range(1, 16):
        arr = np.arange(n, dtype=float) * 111.125 - 700
        for dtype, mode in [("float32", "grad_fn"), ("float64", "requires_grad")]:
            yield pytest.param(arr, dtype, mode, id=f"suffix-{dtype}-{mode}-{n}")
    for i, (arr, dtype) in enumerate(EDGE_ARRAYS):
        yield pytest.param(arr, dtype, None, id=f"edge{i}-{dtype}")
    for mode in ["requires_grad", "grad_fn"]:
        arr = np.random.default_rng(1).standard_normal((3, 5))
        yield pytest.param(arr, "float16", mode, id=f"grad-2d-{mode}")
        yield pytest.param(np.array(2.5), "float64", mode, id=f"grad-scalar-{mode}")


CASES = list(_cases())

OPTIONS = [
    {"precision": 2},
    {"precision": 8},
    {"sci_mode": True},
    {"sci_mode": False},
    {"threshold": 5},
    {"edgeitems": 1, "threshold": 10},
    {"edgeitems": 0, "threshold": 10},
    {"edgeitems": 0},
    {"linewidth": 40},
    {"linewidth": 200},
    {"profile": "short"},
    {"profile": "full"},
    {"precision": 0},
    {"precision": 0, "sci_mode": True},
    {"linewidth": 10},
    {"threshold": 0},
    {"threshold": 0, "edgeitems": 0},
]

OPTION_ARRAYS = [
    np.random.default_rng(7).standard_normal((20,)) * 1e3,
    np.random.default_rng(8).standard_normal((8, 9)),
    np.arange(2000.0),
    np.random.default_rng(9).integers(-50, 50, (3, 4, 30)),
    np.array(1e-7),
]


def build(lib, arr, dtype, mode=None):
    """The same tensor in torch or rtorch, through their common API only."""
    t = lib.tensor(arr.tolist(), dtype=getattr(lib, dtype), requires_grad=mode is not None)
    if arr.size == 0:
        t = t.reshape(arr.shape)
    if mode == "grad_fn":
        t = t * 2
    return t


def _get_printoptions(module):
    # torch keeps get_printoptions in torch._tensor_str, not at top level.
    getter = getattr(module, "get_printoptions", None)
    return getter() if getter else module._tensor_str.get_printoptions()


@contextlib.contextmanager
def both_printoptions(*modules, **opts):
    """Apply the same print options to torch and our formatter(s)."""
    saved = [_get_printoptions(m) for m in modules]
    try:
        for m in modules:
            m.set_printoptions(**opts)
        yield
    finally:
        for m, old in zip(modules, saved):
            m.set_printoptions(**old)


# ---- the formatter against the oracle, fed real torch tensors -------------


@pytest.mark.parametrize("arr, dtype, mode", CASES)
def test_formatter_matches_torch(arr, dtype, mode):
    t = build(torch, arr, dtype, mode)
    assert ts.tensor_repr(t) == repr(t)


@pytest.mark.parametrize("opts", OPTIONS, ids=str)
@pytest.mark.parametrize("arr", OPTION_ARRAYS, ids=["f20", "f8x9", "r2000", "i3d", "s"])
def test_formatter_printoptions(opts, arr):
    dtype = "int64" if arr.dtype.kind == "i" else "float32"
    t = build(torch, arr, dtype)
    with both_printoptions(torch, ts, **opts):
        assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
        assert ts.tensor_repr(t) == repr(t)


def test_formatter_views():
    c = torch.tensor([1 + 2j, -3 - 0.5j, 0j, complex(math.nan, math.inf)])
    x = torch.randn(2000, 3, generator=torch.Generator().manual_seed(0))
    for t in [c.conj(), c.conj().imag, x.t(), x[:, 1], x[::7, ::2], x[5]]:
        assert ts.tensor_repr(t) == repr(t)


def test_formatter_default_dtype_float64(monkeypatch):
    monkeypatch.setattr(ts, "_default_dtype_repr", lambda: "torch.float64")
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        for t in [
            torch.tensor([1.5, 2.0]),
            torch.tensor([1.5, 2.0], dtype=torch.float32),
            torch.tensor([1 + 2j]),
            torch.tensor([1 + 2j], dtype=torch.complex64),
            torch.tensor([], dtype=torch.float32),
            torch.tensor([3]),
        ]:
            assert ts.tensor_repr(t) == repr(t)
    finally:
        torch.set_default_dtype(old)


def test_formatter_large_tensor_is_fast():
    t = torch.arange(16_000_000, dtype=torch.float32).reshape(4000, 4000)
    start = time.perf_counter()
    text = ts.tensor_repr(t)
    assert time.perf_counter() - start < 0.5
    assert text == repr(t)
    t3 = torch.arange(16_000_000).reshape(2, 4000, 2000)
    assert ts.tensor_repr(t3) == repr(t3)


class _OnCuda:
    """A torch CPU tensor posing as a CUDA one; the oracle has no GPU."""

    class device:
        type = "cuda"

        def __str__(self):
            return "cuda:0"

    def __init__(self, t):
        self._t = t
        self.device = self.device()

    def __getattr__(self, name):
        return getattr(self._t, name)


def test_formatter_device_suffix():
    t = _OnCuda(torch.tensor([1.0, 2.0]))
    assert ts.tensor_repr(t) == "tensor([1., 2.], device='cuda:0')"
    t = _OnCuda(torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True))
    assert ts.tensor_repr(t) == (
        "tensor([1., 2.], device='cuda:0', dtype=torch.float64, requires_grad=True)"
    )


def test_printoptions_roundtrip():
    before = ts.get_printoptions()
    with ts.printoptions(precision=1, sci_mode=True):
        assert ts.get_printoptions()["precision"] == 1
    assert ts.get_printoptions() == before


# ---- rtorch against the oracle ---------------------------------------------


@needs_rtorch
@pytest.mark.parametrize("arr, dtype, mode", CASES)
def test_rtorch_repr_matches_torch(arr, dtype, mode):
    if not hasattr(rtorch, dtype):
        pytest.skip(f"rtorch has no {dtype}")
    expected = repr(build(torch, arr, dtype, mode))
    t = build(rtorch, arr, dtype, mode)
    assert repr(t) == expected
    assert str(t) == expected


@needs_rtorch
@pytest.mark.parametrize("opts", OPTIONS, ids=str)
def test_rtorch_printoptions(opts):
    for arr in OPTION_ARRAYS:
        dtype = "int64" if arr.dtype.kind == "i" else "float32"
        with both_printoptions(torch, rtorch, **opts):
            assert repr(build(rtorch, arr, dtype)) == repr(build(torch, arr, dtype))


@needs_rtorch
def test_rtorch_large_tensor():
    expected = repr(torch.arange(16_000_000, dtype=torch.float32).reshape(4000, 4000))
    t = rtorch.arange(16_000_000, dtype=rtorch.float32).reshape(4000, 4000)
    start = time.perf_counter()
    assert repr(t) == expected
    assert time.perf_counter() - start < 1.0

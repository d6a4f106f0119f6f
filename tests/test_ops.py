"""Generic tests driven by op_db: every op x dtype x sample.

Reference values come from numpy (op.ref) and, when torch is installed, from
torch itself (values, shapes and dtypes exactly, exception types).  Autograd
is checked with gradcheck/gradgradcheck and against torch's gradients.
Samples are rebuilt from the same seed for each library, so the "same
inputs" really are the same values.
"""

import zlib

import numpy as np
import pytest
from conftest import (
    LIB,
    LIB_IS_STANDIN,
    TORCH,
    dtype_name,
    exc_type,
    is_tensor,
    to_numpy,
    tree_leaves,
    tree_map,
)
from op_db import OP_DB
from op_db_samples import ALL_DTYPES, make_tensor, make_values, np_dtype

if LIB is None:
    pytest.skip(
        "rtorch is not importable (set RTORCH_TEST_STANDIN=torch to use torch)",
        allow_module_level=True,
    )

lib = LIB

# Expected warnings from degenerate samples (std of one element, mean of nothing).
pytestmark = [
    pytest.mark.filterwarnings("ignore:.*degrees of freedom:UserWarning"),
    pytest.mark.filterwarnings("ignore:Degrees of freedom <= 0:RuntimeWarning"),
    pytest.mark.filterwarnings("ignore:Mean of empty slice:RuntimeWarning"),
]

# (rtol, atol) by result dtype.  Parity with torch is tight (same algorithms
# expected); numpy references compute in another precision, hence looser.
PARITY_TOL = {
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
}
REF_TOL = {
    "float16": (2e-3, 2e-3),
    "bfloat16": (2e-2, 2e-2),
    "float32": (1e-5, 1e-5),
    "float64": (1e-8, 1e-8),
}
GRAD_TOL = {"float32": (1e-4, 1e-5), "float64": (1e-7, 1e-7)}

# gradcheck cost grows with the number of input elements; keep it modest.
MAX_GRAD_SAMPLES = 6
MAX_GRAD_NUMEL = 60
MAX_GRADGRAD_SAMPLES = 2
MAX_GRADGRAD_NUMEL = 24


def rng_for(*keys):
    # Stable across processes (unlike hash()), so failures reproduce.
    return np.random.default_rng(zlib.crc32("|".join(map(str, keys)).encode()))


def samples(op, dtype, library=None):
    return list(op.sample_inputs(library or lib, dtype, rng_for(op.name, dtype)))


def maybe_skip(op, test, dtype=None):
    reason = op.skip_reason(test, dtype)
    if reason:
        pytest.skip(reason)


class Raised:
    def __init__(self, exc):
        self.exc = exc
        self.type = exc_type(exc)

    def __repr__(self):
        return f"<raised {type(self.exc).__name__}: {str(self.exc)[:200]}>"


def outcome(fn, *args, **kwargs):
    """fn's result, or the exception it raised wrapped in Raised."""
    try:
        return fn(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - the exception type is what we compare
        return Raised(e)


def call(library, op, sample):
    return op(library, *sample.args, **sample.kwargs)


def assert_values(actual, expected, rtol, atol, ctx):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"{ctx}: shape {actual.shape} != {expected.shape}"
    if actual.dtype.kind in "biu" and expected.dtype.kind in "biu":
        ok = np.array_equal(actual.astype(np.int64), expected.astype(np.int64))
    else:
        if actual.dtype.kind in "biu":
            rtol = atol = 0.0  # an integer result must be exact
        a, e = actual.astype(np.float64), expected.astype(np.float64)
        ok = np.allclose(a, e, rtol=rtol, atol=atol, equal_nan=True)
    if not ok:
        a, e = actual.astype(np.float64), expected.astype(np.float64)
        bad = ~np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=True)
        idx = np.argwhere(bad)[:5].tolist()
        pytest.fail(
            f"{ctx}: values differ at {int(bad.sum())}/{bad.size} positions, first {idx}\n"
            f"actual:   {a[bad][:5]}\nexpected: {e[bad][:5]}  (rtol={rtol}, atol={atol})"
        )


def tol_for(table, overrides, dtype, result_dtype):
    return overrides.get(dtype) or table.get(result_dtype, (0.0, 0.0))


def assert_same(actual, expected, table, overrides, dtype, ctx):
    """Library result vs torch result: structure, dtype and shape exactly; values within tolerance."""
    if isinstance(actual, Raised) or isinstance(expected, Raised):
        assert isinstance(actual, Raised) and isinstance(expected, Raised), (
            f"{ctx}: got {actual!r}, torch gave {expected!r}"
        )
        assert actual.type is expected.type, f"{ctx}: raised {actual!r}, torch raised {expected!r}"
        return
    if isinstance(expected, (tuple, list)):
        assert isinstance(actual, (tuple, list)) and len(actual) == len(expected), (
            f"{ctx}: structure {type(actual).__name__} vs {type(expected).__name__}"
        )
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_same(a, e, table, overrides, dtype, f"{ctx}[{i}]")
        return
    if not is_tensor(expected):
        assert not is_tensor(actual) and actual == expected, f"{ctx}: {actual!r} != {expected!r}"
        return
    assert is_tensor(actual), f"{ctx}: expected a tensor, got {type(actual).__name__}"
    rd = dtype_name(expected.dtype)
    assert dtype_name(actual.dtype) == rd, (
        f"{ctx}: dtype {actual.dtype} != torch's {expected.dtype}"
    )
    assert tuple(actual.shape) == tuple(expected.shape), (
        f"{ctx}: shape {tuple(actual.shape)} != torch's {tuple(expected.shape)}"
    )
    rtol, atol = tol_for(table, overrides, dtype, rd)
    assert_values(to_numpy(actual), to_numpy(expected), rtol, atol, ctx)


def ctx_of(op, dtype, sample):
    return f"{op.name}[{dtype}] {sample!r}"


SUPPORTED = [pytest.param(op, d, id=f"{op.name}-{d}") for op in OP_DB for d in op.dtypes]
UNSUPPORTED = [
    pytest.param(op, d, id=f"{op.name}-{d}")
    for op in OP_DB
    for d in ALL_DTYPES
    if d not in op.dtypes
]
GRADCHECK = [
    pytest.param(op, id=op.name) for op in OP_DB if op.differentiable and "float64" in op.dtypes
]
GRADGRADCHECK = [
    pytest.param(op, id=op.name)
    for op in OP_DB
    if op.differentiable and op.supports_gradgrad and "float64" in op.dtypes
]
GRAD_PARITY = [
    pytest.param(op, d, id=f"{op.name}-{d}")
    for op in OP_DB
    if op.differentiable
    for d in op.grad_dtypes()
]
WITH_ERRORS = [pytest.param(op, id=op.name) for op in OP_DB if op.error_inputs is not None]


# ---------------------------------------------------------------- (a) numpy reference


def ref_inputs(obj):
    lib_dtype = type(lib.float32)

    def conv(x):
        if is_tensor(x):
            a = to_numpy(x)
            # numpy float16 kernels may accumulate in float16; compute the
            # reference in float32 and compare with float16 tolerances.
            return a.astype(np.float32) if a.dtype == np.float16 else a
        if isinstance(x, lib_dtype):
            return np_dtype(dtype_name(x))
        return x

    return tree_map(conv, obj)


def check_ref(actual, expected, op, dtype, ctx):
    if isinstance(actual, (tuple, list)):
        assert isinstance(expected, tuple) and len(expected) == len(actual), f"{ctx}: structure"
        for i, (a, e) in enumerate(zip(actual, expected)):
            check_ref(a, e, op, dtype, f"{ctx}[{i}]")
        return
    assert is_tensor(actual), f"{ctx}: expected a tensor, got {type(actual).__name__}"
    rtol, atol = tol_for(REF_TOL, op.ref_tol, dtype, dtype_name(actual.dtype))
    assert_values(to_numpy(actual), expected, rtol, atol, ctx)


@pytest.mark.parametrize("op,dtype", SUPPORTED)
def test_reference(op, dtype):
    maybe_skip(op, "test_reference", dtype)
    if op.ref is None:
        pytest.skip("no numpy reference")
    if op.ref_dtypes is not None and dtype not in op.ref_dtypes:
        pytest.skip(f"numpy reference does not model {dtype}")
    for s in samples(op, dtype):
        ctx = ctx_of(op, dtype, s)
        actual = call(lib, op, s)
        with np.errstate(all="ignore"):
            expected = op.ref(*ref_inputs(s.args), **ref_inputs(s.kwargs))
        check_ref(actual, expected, op, dtype, ctx)


# ---------------------------------------------------------------- (b) parity with torch


@pytest.mark.parametrize("op,dtype", SUPPORTED)
def test_matches_torch(op, dtype):
    torch = pytest.importorskip("torch")
    maybe_skip(op, "test_matches_torch", dtype)
    ours, theirs = samples(op, dtype), samples(op, dtype, torch)
    assert len(ours) == len(theirs)
    for s, st in zip(ours, theirs):
        got = outcome(call, lib, op, s)
        want = outcome(call, torch, op, st)
        assert not isinstance(want, Raised), (
            f"bad sample, torch rejects it: {ctx_of(op, dtype, st)} {want!r}"
        )
        assert_same(got, want, PARITY_TOL, op.tol, dtype, ctx_of(op, dtype, s))


@pytest.mark.parametrize("op,dtype", UNSUPPORTED)
def test_unsupported_dtype_raises(op, dtype):
    maybe_skip(op, "test_unsupported_dtype_raises", dtype)
    s = samples(op, dtype)[0]
    got = outcome(call, lib, op, s)
    expected = op.unsupported_exc.__name__
    assert isinstance(got, Raised), f"{ctx_of(op, dtype, s)}: expected {expected}, got a result"
    assert got.type is op.unsupported_exc, (
        f"{ctx_of(op, dtype, s)}: expected {expected}, got {got!r}"
    )
    if TORCH is not None:
        want = outcome(call, TORCH, op, samples(op, dtype, TORCH)[0])
        assert isinstance(want, Raised) and want.type is op.unsupported_exc, (
            f"op_db is stale: torch gives {want!r}"
        )


@pytest.mark.parametrize("op", WITH_ERRORS)
def test_error_inputs(op):
    maybe_skip(op, "test_error_inputs")
    for ei in op.error_inputs(lib, rng_for(op.name, "errors")):
        ctx = f"{op.name} {ei.sample!r}"
        got = outcome(call, lib, op, ei.sample)
        assert isinstance(got, Raised), f"{ctx}: expected {ei.exc.__name__}, got a result"
        assert got.type is ei.exc, f"{ctx}: expected {ei.exc.__name__}, got {got!r}"
    if TORCH is not None:
        for ei in op.error_inputs(TORCH, rng_for(op.name, "errors")):
            want = outcome(call, TORCH, op, ei.sample)
            assert isinstance(want, Raised) and want.type is ei.exc, (
                f"op_db is stale: torch gives {want!r} for {op.name} {ei.sample!r}"
            )


# ---------------------------------------------------------------- (c, d) autograd


class _Leaf:
    def __init__(self, i):
        self.i = i


def float_outputs(out):
    """Differentiable part of an op's output (drops e.g. max's indices)."""
    if is_tensor(out):
        return out
    outs = tuple(o for o in out if is_tensor(o) and o.is_floating_point())
    return outs[0] if len(outs) == 1 else outs


def has_zero_stride(t):
    return any(st == 0 and sz > 1 for st, sz in zip(t.stride(), t.shape))


def grad_fn(library, op, sample, dtypes):
    """Closure over the sample taking its float tensors (of ``dtypes``) as arguments."""
    leaves = []

    def mark(x):
        if is_tensor(x) and dtype_name(x.dtype) in dtypes:
            leaf = x.detach().clone()
            if has_zero_stride(leaf):
                # Expanded inputs: gradcheck cannot perturb overlapping memory.
                leaf = leaf.contiguous()
            if has_zero_stride(leaf):
                # Empty tensors made from numpy can keep all-zero strides.
                leaf = leaf.new_zeros(tuple(leaf.shape))
            leaves.append(leaf.requires_grad_(True))
            return _Leaf(len(leaves) - 1)
        return x

    args, kwargs = tree_map(mark, sample.args), tree_map(mark, sample.kwargs)

    def f(*vals):
        def sub(x):
            return vals[x.i] if isinstance(x, _Leaf) else x

        return float_outputs(op(library, *tree_map(sub, args), **tree_map(sub, kwargs)))

    return f, leaves


def numel(sample):
    return sum(
        int(np.prod(t.shape)) for t in tree_leaves((sample.args, sample.kwargs)) if is_tensor(t)
    )


def grad_samples(op, dtype, library=None, limit=MAX_GRAD_SAMPLES, max_numel=MAX_GRAD_NUMEL):
    picked = [s for s in samples(op, dtype, library) if s.grad and numel(s) <= max_numel]
    return picked[:limit]


@pytest.mark.parametrize("op", GRADCHECK)
def test_gradcheck(op):
    maybe_skip(op, "test_gradcheck")
    checked = 0
    for s in grad_samples(op, "float64"):
        f, leaves = grad_fn(lib, op, s, ("float64",))
        if leaves:
            assert lib.autograd.gradcheck(f, tuple(leaves)), ctx_of(op, "float64", s)
            checked += 1
    assert checked, "no sample was usable for gradcheck"


@pytest.mark.parametrize("op", GRADGRADCHECK)
def test_gradgradcheck(op):
    maybe_skip(op, "test_gradgradcheck")
    for s in grad_samples(op, "float64", limit=MAX_GRADGRAD_SAMPLES, max_numel=MAX_GRADGRAD_NUMEL):
        f, leaves = grad_fn(lib, op, s, ("float64",))
        if leaves:
            assert lib.autograd.gradgradcheck(f, tuple(leaves)), ctx_of(op, "float64", s)


def compute_grads(library, op, sample, dtype):
    f, leaves = grad_fn(library, op, sample, ("float32", "float64"))
    if not leaves:
        return None
    out = f(*leaves)
    outs = [o for o in (out if isinstance(out, tuple) else (out,)) if o.requires_grad]
    if not outs:
        return None
    rng = rng_for(op.name, dtype, sample.name, "grad_output")
    gos = [
        library.tensor(make_values(rng, tuple(o.shape), dtype_name(o.dtype)), dtype=o.dtype)
        for o in outs
    ]
    return tuple(library.autograd.grad(outs, leaves, gos, allow_unused=True))


@pytest.mark.parametrize("op,dtype", GRAD_PARITY)
def test_grad_matches_torch(op, dtype):
    torch = pytest.importorskip("torch")
    maybe_skip(op, "test_grad_matches_torch", dtype)
    for s, st in zip(grad_samples(op, dtype), grad_samples(op, dtype, torch)):
        got = outcome(compute_grads, lib, op, s, dtype)
        want = outcome(compute_grads, torch, op, st, dtype)
        assert_same(got, want, GRAD_TOL, {}, dtype, "grad of " + ctx_of(op, dtype, s))


def graph_shape(library, op, sample):
    """The class names of an op's grad_fn and of its next functions, and identity checks."""
    f, leaves = grad_fn(library, op, sample, ("float64",))
    if not leaves:
        return None
    out = f(*leaves)
    outs = [o for o in (out if isinstance(out, tuple) else (out,)) if o.grad_fn is not None]
    shape = []
    for o in outs:
        fn = o.grad_fn
        assert fn is o.grad_fn, "one Python object per node"
        nexts = tuple(
            (type(n).__name__ if n is not None else None, nr) for n, nr in fn.next_functions
        )
        shape.append((type(fn).__name__, fn.name(), nexts))
    return shape


# Ops whose graph is still built from other ops (or named after another overload) where
# torch records one node (issue 7, sections 5 and 6). Strict: fixing one fails the test
# until it leaves this list.
GRAPH_DIFFERS = {
    "matmul": "a view where torch squeezes (SqueezeBackward4, UnsqueezeBackward0)",
}


@pytest.mark.parametrize("op", GRADCHECK)
def test_grad_fn_matches_torch(op, request):
    """grad_fn class names and next_functions, as torch builds them, for every registry op."""
    torch = pytest.importorskip("torch")
    if op.name in GRAPH_DIFFERS:
        request.applymarker(pytest.mark.xfail(strict=True, reason=GRAPH_DIFFERS[op.name]))
    maybe_skip(op, "test_grad_matches_torch", "float64")
    for s, st in zip(grad_samples(op, "float64"), grad_samples(op, "float64", torch)):
        got = outcome(graph_shape, lib, op, s)
        want = outcome(graph_shape, torch, op, st)
        assert got == want, ctx_of(op, "float64", s)


# ---------------------------------------------------------------- (e) memory layout


def noncontiguous_copy(t):
    layout = "t" if t.dim() >= 2 else "slice"
    return make_tensor(lib, to_numpy(t), dtype_name(t.dtype), layout)


@pytest.mark.parametrize("op,dtype", SUPPORTED)
def test_noncontiguous(op, dtype):
    maybe_skip(op, "test_noncontiguous", dtype)
    for s in samples(op, dtype):
        contig = tree_map(lambda x: x.contiguous() if is_tensor(x) else x, (s.args, s.kwargs))
        strided = tree_map(
            lambda x: noncontiguous_copy(x) if is_tensor(x) else x, (s.args, s.kwargs)
        )
        want = outcome(op, lib, *contig[0], **contig[1])
        got = outcome(op, lib, *strided[0], **strided[1])
        assert_same(
            got,
            want,
            PARITY_TOL,
            op.tol,
            dtype,
            "non-contiguous " + ctx_of(op, dtype, s),
        )


# ---------------------------------------------------------------- (f) method / in-place variants


@pytest.mark.parametrize(
    "op,dtype", [p for p in SUPPORTED if p.values[0].method or p.values[0].inplace]
)
def test_variants(op, dtype):
    maybe_skip(op, "test_variants", dtype)
    theirs = samples(op, dtype, TORCH) if (TORCH is not None and op.inplace) else None
    for i, s in enumerate(samples(op, dtype)):
        if not s.args or not is_tensor(s.args[0]):
            continue
        ctx = ctx_of(op, dtype, s)
        x, rest = s.args[0], s.args[1:]
        expected = outcome(call, lib, op, s)
        if op.method:
            got = outcome(getattr(x, op.name), *rest, **s.kwargs)
            assert_same(got, expected, PARITY_TOL, op.tol, dtype, "method " + ctx)
        if op.inplace:
            check_inplace(
                op,
                dtype,
                x,
                rest,
                s.kwargs,
                expected,
                theirs[i] if theirs else None,
                ctx,
            )


def check_inplace(op, dtype, x, rest, kwargs, expected, torch_sample, ctx):
    y = x.clone()
    ptr = y.data_ptr()
    got = outcome(getattr(y, op.name + "_"), *rest, **kwargs)
    same_meta = (
        is_tensor(expected)
        and dtype_name(expected.dtype) == dtype_name(y.dtype)
        and tuple(expected.shape) == tuple(y.shape)
    )
    if torch_sample is not None:
        # Only torch knows which dtype/shape mismatches in-place ops tolerate.
        ty = torch_sample.args[0].clone()
        want = outcome(getattr(ty, op.name + "_"), *torch_sample.args[1:], **torch_sample.kwargs)
        assert_same(got, want, PARITY_TOL, op.tol, dtype, "in-place " + ctx)
        if not isinstance(got, Raised):
            assert_same(y, ty, PARITY_TOL, op.tol, dtype, "in-place (self) " + ctx)
    elif same_meta:
        assert not isinstance(got, Raised), f"in-place {ctx}: {got!r}"
    if isinstance(got, Raised):
        return
    if tuple(y.shape) == tuple(x.shape):
        # (torch's addbmm_ may resize self to the broadcast shape, which reallocates.)
        assert y.data_ptr() == ptr and got.data_ptr() == ptr, f"in-place {ctx}: storage changed"
    if same_meta:
        assert_same(y, expected, PARITY_TOL, op.tol, dtype, "in-place vs function " + ctx)


# ---------------------------------------------------------------- (g) registry coverage


def test_all_ops_covered():
    if LIB_IS_STANDIN:
        pytest.skip("rtorch is not importable; torch is standing in")
    registered = {entry["name"] for entry in lib._C.list_ops()}
    in_db = {op.name for op in OP_DB}
    assert registered == in_db, (
        f"registered but missing from op_db: {sorted(registered - in_db)}; "
        f"in op_db but not registered: {sorted(in_db - registered)}"
    )

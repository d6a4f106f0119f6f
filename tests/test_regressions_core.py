"""Regression tests for findings of the differential fuzz against torch (issue 6): crashes,
hangs and silent wrong results in the engine core, operators and indexing. Each case runs
the reproducer through rtorch and torch and compares values, dtypes, shapes and exception
classes; the crash cases run in a child so a segfault is a failure, not a dead pytest."""

import subprocess
import sys
import textwrap
import threading
from fractions import Fraction

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch
from conftest import dtype_name, exc_type, is_tensor, to_numpy

pytestmark = pytest.mark.skipif(rtorch is None, reason="rtorch is not importable")
needs_torch = pytest.mark.skipif(torch is None, reason="torch (the oracle) is not installed")


def outcome(fn, lib):
    """What `fn(lib)` gives: ('raise', builtin exception class) or the result."""
    try:
        return fn(lib)
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return ("raise", exc_type(e))


def assert_same(got, want):
    if isinstance(want, tuple) and len(want) == 2 and want[0] == "raise":
        assert isinstance(got, tuple) and got[:1] == ("raise",), f"torch raised {want}, got {got}"
        assert got[1] is want[1], f"torch raised {want[1]}, rtorch {got[1]}"
        return
    if isinstance(want, (list, tuple)) and not is_tensor(want):
        assert isinstance(got, (list, tuple)) and not is_tensor(got), f"{got!r} vs {want!r}"
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert_same(g, w)
        return
    if is_tensor(want):
        assert is_tensor(got), f"expected a tensor, got {got!r}"
        assert dtype_name(got.dtype) == dtype_name(want.dtype)
        assert tuple(got.shape) == tuple(want.shape)
        np.testing.assert_array_equal(to_numpy(got), to_numpy(want))
        return
    assert type(got) is type(want) and got == want, f"{got!r} vs {want!r}"


def check(fn):
    assert_same(outcome(fn, rtorch), outcome(fn, torch))


# ---- C1 / C2 / C3: dims of 0-dim tensors, squeeze order, impossible piece counts ----

CRASH_CASES = {
    "size_neg1_0d": lambda lib: lib.tensor(1.5).size(-1),
    "size_0_0d": lambda lib: lib.tensor(1.5).size(0),
    "stride_neg1_0d": lambda lib: lib.tensor(1.5).stride(-1),
    "unflatten_0d": lambda lib: lib.tensor(1.5).unflatten(0, (1,)),
    "split_sizes_0d": lambda lib: lib.split(lib.tensor(1.5), [1], 0),
    "split_int_0d": lambda lib: lib.split(lib.tensor(1.5), 1, 0),
    "chunk_0d": lambda lib: lib.tensor(1.5).chunk(2),
    "unbind_0d": lambda lib: lib.tensor(1.5).unbind(0),
    "squeeze_desc": lambda lib: lib.zeros(1, 1).squeeze((1, 0)),
    "squeeze_desc_neg": lambda lib: lib.squeeze(lib.zeros(1, 1), (1, -2)),
    "squeeze_mixed": lambda lib: lib.zeros(1, 3, 1, 1).squeeze((3, 0, 2)),
    "iter_huge_empty": lambda lib: list(lib.zeros(2**62, 0)),
    "unbind_huge_empty": lambda lib: lib.zeros(2**62, 0).unbind(0),
    "chunk_empty_dim": lambda lib: lib.zeros(0, 3).chunk(3),
    "chunk_empty_dim1": lambda lib: lib.zeros(2, 0).chunk(4, 1),
    "split_empty_dim": lambda lib: lib.zeros(0).split(1),
}


@needs_torch
@pytest.mark.parametrize("name", sorted(CRASH_CASES))
def test_dims_and_pieces_match_torch(name):
    check(CRASH_CASES[name])


@needs_torch
def test_chunk_of_empty_dim_keeps_history():
    for lib in (rtorch, torch):
        x = lib.zeros(0, 2, requires_grad=True)
        pieces = x.chunk(3)
        assert len(pieces) == 3 and all(p.grad_fn is not None for p in pieces)


def run_child(code, timeout=120):
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize("step", ["y = y * 1.0", "y.add_(0.0)"])
def test_freeing_a_deep_graph_does_not_overflow_the_stack(step):
    # 200,000 nodes: recursive freeing overflowed the stack near 50,000.
    r = run_child(
        f"""
        import rtorch
        x = rtorch.ones(4, requires_grad=True)
        y = x if "add_" not in {step!r} else x.clone()
        for _ in range(200_000):
            {step}
        del y
        print("ok")
        """
    )
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-2000:]


def test_backward_and_hooks_on_a_deep_chain():
    r = run_child(
        """
        import rtorch
        x = rtorch.ones(4, requires_grad=True)
        y = x
        seen = []
        for i in range(60_000):
            y = y * 1.0
            if i == 30_000:
                y.register_hook(lambda g: seen.append(1))
        y.sum().backward(retain_graph=True)
        y.sum().backward()
        del y
        assert x.grad.tolist() == [2.0] * 4, x.grad
        assert len(seen) == 2
        print("ok")
        """
    )
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-2000:]


# ---- W0: arg-reductions over long runs ----


@needs_torch
@pytest.mark.parametrize("n", [32_767, 32_768, 100_000, 50_257])
def test_argmax_argmin_long_runs(n):
    rng = np.random.default_rng(n)
    vals = rng.standard_normal(n).astype(np.float32)
    a, b = rtorch.tensor(vals), torch.tensor(vals)
    assert a.argmax().item() == b.argmax().item() == int(vals.argmax())
    assert a.argmin().item() == b.argmin().item() == int(vals.argmin())
    assert a.reshape(1, n).argmax(-1).item() == int(vals.argmax())
    v, i = a.max(0)
    assert i.item() == int(vals.argmax()) and v.item() == vals.max()
    v, i = a.min(0)
    assert i.item() == int(vals.argmin()) and v.item() == vals.min()
    assert rtorch.arange(100000.0).argmax().item() == 99999
    # Ties: the first occurrence, also across chunks.
    ones = rtorch.ones(n)
    assert ones.argmax().item() == 0 and ones.argmin().item() == 0


def test_argmax_finds_nan_outside_the_first_chunk():
    x = np.arange(100_000, dtype=np.float64)
    x[77_777] = np.nan
    x[88_888] = np.nan
    t = rtorch.tensor(x)
    assert t.argmax().item() == 77_777 and t.argmin().item() == 77_777
    assert np.isnan(t.max(0).values.item())


def test_max_backward_routes_to_the_right_element():
    x = rtorch.arange(100_000.0, requires_grad=True)
    x.max(0).values.backward()
    g = x.grad.numpy()
    assert g[99_999] == 1.0 and g.sum() == 1.0


# ---- lost gradients under threads ----


def test_grad_accumulation_is_atomic_across_threads():
    w = rtorch.zeros(2**17, requires_grad=True)
    steps, nthreads = 25, 8

    def work():
        for _ in range(steps):
            (w * 1.0).sum().backward()

    ts = [threading.Thread(target=work) for _ in range(nthreads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    g = w.grad.numpy()
    assert g.min() == g.max() == steps * nthreads


def test_first_accumulation_under_threads():
    # Many fresh leaves, each hit first by several threads at once.
    for _ in range(20):
        w = rtorch.zeros(2**16, requires_grad=True)
        barrier = threading.Barrier(4)

        def work(w=w, barrier=barrier):
            barrier.wait()
            (w * 2.0).sum().backward()

        ts = [threading.Thread(target=work) for _ in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        assert w.grad.numpy().min() == 8.0


# ---- W1 / E7: bool indices, unit dims of a setitem value ----

INDEX_CASES = {
    "get_false": lambda lib: lib.arange(6.0).reshape(2, 3)[False],
    "get_true": lambda lib: lib.arange(6.0).reshape(2, 3)[True],
    "get_tuple_bool": lambda lib: lib.arange(6.0).reshape(2, 3)[0, True],
    "get_none_false": lambda lib: lib.arange(6.0).reshape(2, 3)[None, False, 1],
}


@needs_torch
@pytest.mark.parametrize("name", sorted(INDEX_CASES))
def test_bool_index_matches_torch(name):
    check(INDEX_CASES[name])


def _setitem(idx, value_fn):
    def run(lib):
        x = lib.arange(6.0).reshape(2, 3)
        x[idx] = value_fn(lib)
        return x

    return run


@needs_torch
@pytest.mark.parametrize(
    "idx,value",
    [
        (False, lambda lib: 7.0),
        (True, lambda lib: 7.0),
        ((0, False), lambda lib: 7.0),
        (0, lambda lib: lib.ones(1, 1, 3)),
        (slice(None), lambda lib: lib.ones(1, 1, 3)),
    ],
)
def test_setitem_matches_torch(idx, value):
    check(_setitem(idx, value))


def test_bool_index_result_is_a_copy():
    x = rtorch.zeros(3)
    y = x[True]
    y += 1
    assert x.sum().item() == 0.0


# ---- operators with foreign operands ----

OPERATORS = [
    "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
    "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__pow__",
    "__rpow__", "__and__", "__rand__", "__or__", "__ror__", "__xor__", "__rxor__",
    "__lshift__", "__rlshift__", "__rshift__", "__rrshift__", "__lt__", "__le__", "__gt__",
    "__ge__", "__ne__", "__matmul__", "__rmatmul__",
]  # fmt: skip

OPERANDS = {
    "ndarray": lambda: np.arange(1.0, 4.0),
    "ndarray_int": lambda: np.arange(1, 4),
    "ndarray_0d": lambda: np.array(2.0),
    "list": lambda: [1, 2, 3],
    "tuple": lambda: (1, 2, 3),
    "fraction": lambda: Fraction(1, 2),
    "str": lambda: "a",
    "none": lambda: None,
    "np_float32": lambda: np.float32(2.0),
    "np_int64": lambda: np.int64(3),
    "np_bool": lambda: np.bool_(True),
    "object": lambda: object(),
}

SYMBOL = {
    "add": "+", "sub": "-", "mul": "*", "truediv": "/", "floordiv": "//", "mod": "%",
    "pow": "**", "and": "&", "or": "|", "xor": "^", "lshift": "<<", "rshift": ">>",
    "matmul": "@", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "ne": "!=", "eq": "==",
}  # fmt: skip


def _expr(op):
    """The Python expression that exercises dunder `op`, with `t` a tensor and `o` the operand."""
    name = op.strip("_")
    if name.startswith("r") and name[1:] in SYMBOL and name not in ("rshift",):
        return f"o {SYMBOL[name[1:]]} t"
    return f"t {SYMBOL[name]} o"


@needs_torch
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("kind", sorted(OPERANDS))
@pytest.mark.parametrize("op", OPERATORS + ["__eq__"])
@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_operator_with_foreign_operand(op, kind, dtype):
    code = compile(_expr(op), "<operator>", "eval")

    def run(lib):
        env = {"t": lib.ones(3, dtype=getattr(lib, dtype)), "o": OPERANDS[kind]()}
        return eval(code, {}, env)  # the expression under test

    got, want = outcome(run, rtorch), outcome(run, torch)
    if is_tensor(want) or is_tensor(got):
        assert_same(got, want)
    else:
        assert got == want or (got[:1] == want[:1] == ("raise",) and got[1] is want[1])
    assert got is not None


@needs_torch
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("kind", sorted(OPERANDS))
@pytest.mark.parametrize("sym", ["+", "-", "*", "/", "//", "%", "**", "&", "|", "^"])
def test_inplace_operator_with_foreign_operand(sym, kind):
    def run(lib):
        t = lib.ones(3, dtype=lib.int64 if sym in "&|^" else lib.float32)
        o = OPERANDS[kind]()
        before = t
        exec(f"t {sym}= o", {}, locals_ := {"t": t, "o": o})  # noqa: S102 - the statement under test
        out = locals_["t"]
        return (out, out is before)

    check(run)


# ---- W16: elementwise outputs follow the inputs' memory layout ----


def _layouts(lib, rng):
    """A few (shape, make) pairs of dense, permuted, sliced and expanded inputs."""
    base = rng.standard_normal((2, 3, 4)).astype(np.float32)
    return {
        "contig": lambda: lib.tensor(base),
        "t": lambda: lib.tensor(base[0]).t(),
        "perm": lambda: lib.tensor(base).permute(2, 0, 1),
        "perm2": lambda: lib.tensor(base).permute(1, 2, 0),
        "slice": lambda: lib.tensor(base)[:, ::2],
        "expand": lambda: lib.tensor(base[:1, :1]).expand(2, 3, 4),
        "unit": lambda: lib.tensor(base[:1]).permute(2, 0, 1),
        "row": lambda: lib.tensor(base[0, 0]),
        "col": lambda: lib.tensor(base[0, :, :1]),
    }


LAYOUT_OPS = {
    "exp": lambda lib, x, y: x.exp(),
    "neg": lambda lib, x, y: -x,
    "isnan": lambda lib, x, y: x.isnan(),
    "clone": lambda lib, x, y: x.clone(),
    "to_f64": lambda lib, x, y: x.to(lib.float64),
    "add_scalar": lambda lib, x, y: x + 1.5,
    "add": lambda lib, x, y: x + y,
    "mul_rev": lambda lib, x, y: y * x,
    "lt": lambda lib, x, y: x < y,
    "where": lambda lib, x, y: lib.where(x > 0, x, y),
    "zeros_like": lambda lib, x, y: lib.zeros_like(x),
    "ones_like": lambda lib, x, y: lib.ones_like(x, dtype=lib.int32),
    "full_like": lambda lib, x, y: lib.full_like(x, 2.5),
}


@needs_torch
@pytest.mark.parametrize("op", sorted(LAYOUT_OPS))
def test_elementwise_output_strides_match_torch(op):
    rng = np.random.default_rng(0)
    names = sorted(_layouts(np, rng))
    for nx in names:
        for ny in names:
            outs = []
            for lib in (rtorch, torch):
                lays = _layouts(lib, np.random.default_rng(0))
                x, y = lays[nx](), lays[ny]()
                try:
                    r = LAYOUT_OPS[op](lib, x, y)
                except RuntimeError:
                    r = None  # shapes that do not broadcast
                outs.append(r)
            got, want = outs
            if want is None:
                assert got is None, (op, nx, ny)
                continue
            ctx = (op, nx, ny, tuple(want.shape))
            assert tuple(got.shape) == tuple(want.shape), ctx
            assert got.stride() == want.stride(), ctx
            assert got.is_contiguous() == want.is_contiguous(), ctx
            np.testing.assert_allclose(to_numpy(got), to_numpy(want), rtol=1e-6, atol=1e-6)


@needs_torch
def test_view_of_layout_following_output_fails_like_torch():
    for lib in (rtorch, torch):
        y = lib.ones(3, 4).t().exp()
        with pytest.raises(RuntimeError):
            y.view(12)


# ---- W18 / W9: half-precision ops read a scalar operand in full precision ----

HALF_SCALAR_CASES = {
    "mul_1.1": lambda lib, h: h * 1.1,
    "div_0.1": lambda lib, h: h / 0.1,
    "add_0.1": lambda lib, h: h + 0.1,
    "sub_0.3": lambda lib, h: h - 0.3,
    "rsub_0.3": lambda lib, h: 0.3 - h,
    "rdiv_0.7": lambda lib, h: 0.7 / h,
    "floordiv_0.1": lambda lib, h: h // 0.1,
    "mul_0d_f64": lambda lib, h: h * lib.tensor(1.1, dtype=lib.float64),
    "mul_0d_f32": lambda lib, h: h * lib.tensor(1.1),
    "mul_0d_int32": lambda lib, h: h * lib.tensor(2147483646, dtype=lib.int32),
    "imul_1.1": lambda lib, h: h.mul_(1.1),
    "add_alpha": lambda lib, h: h.add(0.1, alpha=3),
    "sub_alpha": lambda lib, h: h.sub(0.3, alpha=2),
    "lt_0.1": lambda lib, h: h < 0.1,
    "pow_1.1": lambda lib, h: h.abs() ** 1.1,
}


@needs_torch
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("case", sorted(HALF_SCALAR_CASES))
def test_half_op_with_scalar_matches_torch(case, dtype):
    vals = np.concatenate([np.linspace(-100, 100, 257), [0.0, 100.0, 3.0, 0.1]])

    def run(lib):
        h = lib.tensor(vals, dtype=getattr(lib, dtype))
        return HALF_SCALAR_CASES[case](lib, h)

    check(run)


@needs_torch
def test_half_floordiv_reproducer():
    for lib, want in ((rtorch, 999.0), (torch, 999.0)):
        assert (lib.tensor([100.0], dtype=lib.float16) // 0.1).item() == want
    got = rtorch.zeros(3, dtype=rtorch.float16) * rtorch.tensor(2147483646, dtype=rtorch.int32)
    assert got.tolist() == [0.0, 0.0, 0.0]


# ---- W15: int() of a float tensor is Python's int() of the float ----


@needs_torch
@pytest.mark.parametrize("v", [4.4e25, -3.7, 2.0**63, float("nan"), float("inf"), -float("inf")])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_int_of_float_tensor_matches_torch(v, dtype):
    check(lambda lib: int(lib.tensor(v, dtype=getattr(lib, dtype))))


# ---- E5: an output saved by an in-place op is that tensor, version-checked ----


@needs_torch
def test_saved_output_of_inplace_op_is_version_checked():
    def run(lib):
        x = lib.ones(3, requires_grad=True)
        y = x.clone()
        y.sigmoid_()
        y.reciprocal_()
        y.sum().backward()
        return x.grad

    check(run)


@needs_torch
def test_inplace_chain_without_conflict_still_differentiates():
    def run(lib):
        x = lib.tensor([0.5, 1.0, 2.0], requires_grad=True)
        y = x.clone()
        y.sigmoid_()
        z = y * 2  # reads y; no further write to y
        z.sum().backward()
        return x.grad

    got, want = outcome(run, rtorch), outcome(run, torch)
    np.testing.assert_allclose(to_numpy(got), to_numpy(want), rtol=1e-6)


# ---- W14: autograd identity of no-op views ----


def _is_self(f, make):
    x = make()
    return f(x) is x


IDENTITY_CASES = {
    "flatten_same_dim": lambda lib: _is_self(lambda x: x.flatten(-1, -1), lambda: lib.ones(2, 3)),
    "flatten_1d": lambda lib: _is_self(lambda x: x.flatten(), lambda: lib.ones(3)),
    "broadcast_same": lambda lib: _is_self(
        lambda x: lib.broadcast_tensors(x, lib.ones(3))[0], lambda: lib.ones(3)
    ),
    "ellipsis_is_view": lambda lib: lib.ones(3)[...]._is_view(),
    "ellipsis_shares": lambda lib: _shares(lib.ones(3)),
    "ellipsis_grad_fn": lambda lib: lib.ones(3, requires_grad=True)[...].grad_fn is not None,
    "norm_p0_requires_grad": lambda lib: (
        lib.norm(lib.ones(3, requires_grad=True), p=0).requires_grad
    ),
    "split_empty_grad_fn": lambda lib: (
        lib.zeros(0, requires_grad=True).split(1)[0].grad_fn is not None
    ),
}


def _shares(x):
    return x[...].data_ptr() == x.data_ptr()


@needs_torch
@pytest.mark.parametrize("name", sorted(IDENTITY_CASES))
def test_view_identity_matches_torch(name):
    check(IDENTITY_CASES[name])


@needs_torch
def test_inplace_comparison_with_grad_operand_has_history():
    def run(lib):
        x = lib.zeros(3)
        y = lib.ones(3, requires_grad=True)
        z = x.le_(y)
        return (z.requires_grad, z.grad_fn is not None)

    check(run)


# ---- E4: writes into expanded / empty tensors ----

EXPANDED_CASES = {
    "fill_expanded": lambda lib: lib.ones(1).expand(3).fill_(2.0),
    "zero_expanded": lambda lib: lib.ones(2, 1).expand(2, 3).zero_(),
    "add_empty_expanded": lambda lib: lib.ones(1).expand(0, 3).add_(1),
    "copy_expanded": lambda lib: lib.ones(1).expand(3).copy_(lib.tensor(2.0)),
    "add_expanded": lambda lib: lib.ones(1).expand(3).add_(1),
}


@needs_torch
@pytest.mark.parametrize("name", sorted(EXPANDED_CASES))
def test_writes_into_expanded_tensors_match_torch(name):
    check(EXPANDED_CASES[name])


# ---- E2 / E8 / E9: invalid calls and exception classes ----

BAD_CALLS = {
    "empty_no_size": lambda lib: lib.empty(),
    "zeros_no_size": lambda lib: lib.zeros(),
    "ones_no_size": lambda lib: lib.ones(),
    "rand_no_size": lambda lib: lib.rand(),
    "zeros_empty_tuple": lambda lib: lib.zeros(()),
    "flip_no_dims": lambda lib: lib.ones(2).flip(),
    "view_no_size": lambda lib: lib.ones(2).view(),
    "permute_no_dims": lambda lib: lib.ones(2).permute(),
    "pos_bool": lambda lib: +lib.ones(2, dtype=lib.bool),
    "logical_and__float": lambda lib: lib.ones(2, dtype=lib.bool).logical_and_(1.5),
    "chunk_negative": lambda lib: lib.ones(2).chunk(-1),
    "split_negative": lambda lib: lib.ones(2).split(-1),
    "clamp_min_none": lambda lib: lib.ones(2).clamp_min(None),
    "clamp_max_none": lambda lib: lib.ones(2).clamp_max(None),
    "invert_float": lambda lib: ~lib.ones(2),
    "invert_int": lambda lib: ~lib.ones(2, dtype=lib.int64),
    "setitem_list": lambda lib: lib.ones(2, 2).__setitem__(0, [1, 2]),
    "norm_int_dtype": lambda lib: lib.norm(lib.ones(2, dtype=lib.int64), dtype=lib.float32),
    "norm_narrowing": lambda lib: lib.norm(lib.ones(2, dtype=lib.float64), dtype=lib.float32),
    "norm_widening": lambda lib: lib.norm(lib.ones(2), dtype=lib.float64),
    "rand_like_0d": lambda lib: lib.rand_like(lib.tensor(1.0)).shape,
    "expand_0d_to_0d": lambda lib: lib.tensor(1.0).expand(()),
}


@needs_torch
@pytest.mark.parametrize("name", sorted(BAD_CALLS))
def test_bad_calls_raise_like_torch(name):
    check(BAD_CALLS[name])

"""The fused hot paths (issue 7 §6): addmm's one-pass GEMM epilogue, single-kernel lerp /
addcmul / addcdiv, one-pass var/std, cumprod's O(n) derivative, shape-only
broadcast_shapes and the in-place zero-divisor check, each against torch."""

import time

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = pytest.mark.skipif(rtorch is None, reason="rtorch is not importable")
needs_torch = pytest.mark.skipif(torch is None, reason="torch (the oracle) is not installed")

DTYPES = ["float32", "float64", "float16", "bfloat16"]


def both(arrays, dtype, requires_grad=False):
    """The same values as an rtorch and a torch tensor list."""
    out = []
    for m in (rtorch, torch):
        ts = [m.tensor(a).to(getattr(m, dtype)) for a in arrays]
        if requires_grad:
            ts = [t.requires_grad_() for t in ts]
        out.append(ts)
    return out


def close(r, t, dtype="float64", **kw):
    assert str(r.dtype).rsplit(".", 1)[-1] == str(t.dtype).rsplit(".", 1)[-1]
    assert tuple(r.shape) == tuple(t.shape)
    tol = {"float16": 2e-3, "bfloat16": 1.6e-2, "float32": 1e-5}.get(dtype, 1e-10)
    np.testing.assert_allclose(
        r.detach().float().numpy() if dtype in ("float16", "bfloat16") else r.detach().numpy(),
        t.detach().float().numpy() if dtype in ("float16", "bfloat16") else t.detach().numpy(),
        rtol=kw.get("rtol", tol),
        atol=kw.get("atol", tol),
        equal_nan=True,
    )


rng = np.random.default_rng(7)


# --- addmm ---------------------------------------------------------------------------


@needs_torch
@pytest.mark.parametrize("dtype", DTYPES + ["int64", "int32"])
@pytest.mark.parametrize("beta,alpha", [(1, 1), (0.5, 2.0), (0, 1), (1, 0), (0, 0), (2, -1)])
@pytest.mark.parametrize("bias", [(4,), (3, 4), (3, 1), (1, 4), ()])
def test_addmm_values(dtype, beta, alpha, bias):
    if dtype.startswith("int") and (isinstance(beta, float) or isinstance(alpha, float)):
        return
    a, b, c = rng.integers(-3, 4, bias), rng.integers(-3, 4, (3, 5)), rng.integers(-3, 4, (5, 4))
    (ri, r1, r2), (ti, t1, t2) = both([a, b, c], dtype)
    close(
        rtorch.addmm(ri, r1, r2, beta=beta, alpha=alpha),
        torch.addmm(ti, t1, t2, beta=beta, alpha=alpha),
        dtype,
    )


@needs_torch
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_addmm_strided_operands_and_layout(dtype):
    a, b, c = rng.standard_normal((3, 2)), rng.standard_normal((4, 2)), rng.standard_normal((4, 5))
    (ri, r1, r2), (ti, t1, t2) = both([a, b, c], dtype)
    # transposed input and mat1, a sliced mat2: views, never copied
    r = rtorch.addmm(ri.t(), r1.t(), r2[:, 1:4], beta=0.5)
    t = torch.addmm(ti.t(), t1.t(), t2[:, 1:4], beta=0.5)
    close(r, t, dtype)
    assert r.stride() == t.stride()


@needs_torch
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_addmm_beta_zero_ignores_nan_and_alpha_zero_skips_inf(dtype):
    (ri, r1, r2), (ti, t1, t2) = both([[np.nan, np.inf], [[1.0]], [[2.0, 3.0]]], dtype)
    close(rtorch.addmm(ri, r1, r2, beta=0), torch.addmm(ti, t1, t2, beta=0), dtype)
    assert not rtorch.addmm(ri, r1, r2, beta=0).isnan().any()
    (ri, r1, r2), (ti, t1, t2) = both([[1.0, 2.0], [[np.inf]], [[2.0, np.nan]]], dtype)
    close(rtorch.addmm(ri, r1, r2, alpha=0), torch.addmm(ti, t1, t2, alpha=0), dtype)


@needs_torch
@pytest.mark.parametrize(
    "shapes", [((3,), (3, 0), (0, 3)), ((0,), (0, 2), (2, 0)), ((2,), (1, 2), (2, 2))]
)
def test_addmm_empty_and_k_zero(shapes):
    arrays = [rng.standard_normal(s) for s in shapes]
    (ri, r1, r2), (ti, t1, t2) = both(arrays, "float32")
    close(rtorch.addmm(ri, r1, r2, beta=2), torch.addmm(ti, t1, t2, beta=2), "float32")


@needs_torch
def test_addmm_node_and_gradients():
    arrays = [rng.standard_normal(s) for s in ((4,), (3, 5), (5, 4))]
    (ri, r1, r2), (ti, t1, t2) = both(arrays, "float64", requires_grad=True)
    r = rtorch.addmm(ri, r1, r2, beta=0.5, alpha=3)
    t = torch.addmm(ti, t1, t2, beta=0.5, alpha=3)
    assert type(r.grad_fn).__name__ == type(t.grad_fn).__name__ == "AddmmBackward0"
    r.sum().backward()
    t.sum().backward()
    for x, y in zip((ri, r1, r2), (ti, t1, t2)):
        close(x.grad, y.grad)
    assert rtorch.autograd.gradcheck(
        lambda i, a, b: rtorch.addmm(i, a, b, beta=0.5, alpha=3), (ri, r1, r2)
    )


@needs_torch
def test_addmm_errors_match_torch():
    for args in (
        ((3,), (2, 3), (4, 3)),
        ((5,), (2, 3), (3, 4)),
    ):
        errs = []
        for m in (rtorch, torch):
            with pytest.raises(Exception) as e:
                m.addmm(*(m.ones(s) for s in args))
            errs.append(type(e.value))
        assert errs[0] is errs[1]
    for m in (rtorch, torch):
        with pytest.raises(RuntimeError):
            m.addmm(m.ones(2), m.ones(2, 2), m.ones(2, 2, dtype=m.float64))


# --- lerp / addcmul / addcdiv ----------------------------------------------------------


SHAPES3 = [((3, 4),) * 3, ((3, 1), (1, 4), (4,)), ((2, 3, 4), (3, 1), ()), ((0, 4), (4,), (1,))]


@needs_torch
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shapes", SHAPES3)
def test_lerp_tensor_weight(dtype, shapes):
    a, b = (rng.standard_normal(s) * 10 for s in shapes[:2])
    w = rng.uniform(-0.5, 1.5, shapes[2])
    (rs, re, rw), (ts, te, tw) = both([a, b, w], dtype)
    close(rtorch.lerp(rs, re, rw), torch.lerp(ts, te, tw), dtype)


@needs_torch
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("w", [0.0, 0.3, 0.5, 0.7, 1.0, -2.5, 3.0, True, 2])
def test_lerp_number_weight_exact_at_ends(dtype, w):
    a, b = rng.standard_normal((5, 6)) * 100, rng.standard_normal((5, 6)) * 100
    (rs, re), (ts, te) = both([a, b], dtype)
    r, t = rtorch.lerp(rs, re, w), torch.lerp(ts, te, w)
    close(r, t, dtype)
    if dtype in ("float32", "float64") and w in (0.0, 1.0):
        # torch's two-sided formula is exact at both ends
        np.testing.assert_array_equal(r.numpy(), t.numpy())


@needs_torch
def test_lerp_layout_dtype_errors():
    for m in (rtorch, torch):
        s = m.ones(4, 3).t()
        assert m.lerp(s, m.ones(3, 4), 0.2).stride() == (1, 3)
        with pytest.raises(RuntimeError, match="for `weight`"):
            m.lerp(m.ones(3), m.ones(3), m.ones(3, dtype=m.float64))
        with pytest.raises(RuntimeError, match="for `end`"):
            m.lerp(m.ones(3), m.ones(3, dtype=m.float64), 0.5)
        with pytest.raises(RuntimeError):
            m.lerp(m.ones(3, dtype=m.int64), m.ones(3, dtype=m.int64), 0.5)
        # a 0-dim weight is read as a number of any dtype
        assert m.lerp(m.zeros(3), m.ones(3), m.tensor(2)).tolist() == [2.0, 2.0, 2.0]


@needs_torch
@pytest.mark.parametrize("scalar_w", [False, True])
def test_lerp_gradients(scalar_w):
    arrays = [rng.standard_normal((3, 4)), rng.standard_normal((4,)), rng.uniform(0, 1, (3, 1))]
    (rs, re, rw), (ts, te, tw) = both(arrays, "float64", requires_grad=True)
    rw_, tw_ = (0.7, 0.7) if scalar_w else (rw, tw)
    r, t = rtorch.lerp(rs, re, rw_), torch.lerp(ts, te, tw_)
    assert type(r.grad_fn).__name__ == type(t.grad_fn).__name__
    r.sum().backward()
    t.sum().backward()
    for x, y in zip((rs, re) if scalar_w else (rs, re, rw), (ts, te) if scalar_w else (ts, te, tw)):
        close(x.grad, y.grad)
    assert rtorch.autograd.gradcheck(lambda s, e, w: rtorch.lerp(s, e, w), (rs, re, rw))


@needs_torch
@pytest.mark.parametrize("op", ["addcmul", "addcdiv"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shapes", SHAPES3)
@pytest.mark.parametrize("value", [1, 0.5, -3])
def test_addc_values(op, dtype, shapes, value):
    arrays = [rng.standard_normal(s) for s in shapes]
    arrays[2] = np.where(np.abs(arrays[2]) < 0.1, 0.5, arrays[2])
    (rx, r1, r2), (tx, t1, t2) = both(arrays, dtype)
    close(
        getattr(rtorch, op)(rx, r1, r2, value=value),
        getattr(torch, op)(tx, t1, t2, value=value),
        dtype,
    )


@needs_torch
@pytest.mark.parametrize(
    "dts",
    [
        ("int64", "int64", "int64"),
        ("uint8", "uint8", "uint8"),
        ("int32", "float32", "int64"),
        ("float16", "float32", "float64"),
        ("int16", "bool", "int8"),
    ],
)
def test_addcmul_promotion_and_integers(dts):
    arrays = [rng.integers(0, 20, (3, 4)) for _ in dts]
    for value in (1, 7):
        rs = [rtorch.tensor(a).to(getattr(rtorch, d)) for a, d in zip(arrays, dts)]
        ts = [torch.tensor(a).to(getattr(torch, d)) for a, d in zip(arrays, dts)]
        r, t = rtorch.addcmul(*rs, value=value), torch.addcmul(*ts, value=value)
        assert str(r.dtype) == str(t.dtype).replace("torch", "torch")
        np.testing.assert_allclose(r.float().numpy(), t.float().numpy(), rtol=1e-6)


@needs_torch
def test_addc_errors_layout_and_nodes():
    for m in (rtorch, torch):
        i = m.ones(3, dtype=m.int64)
        with pytest.raises(RuntimeError, match="Integer division with addcdiv"):
            m.addcdiv(i, i, i)
        b = m.ones(3, dtype=m.bool)
        with pytest.raises(RuntimeError):
            m.addcmul(b, b, b)
        x = m.ones(4, 3).t()
        assert m.addcmul(x, m.ones(3, 4), m.ones(3, 4)).stride() == (1, 3)
        assert m.addcdiv(x, m.ones(3, 4), m.ones(4)).stride() == (1, 3)
    arrays = [rng.standard_normal((3, 4)), rng.standard_normal((4,)), rng.uniform(1, 2, (3, 1))]
    for op in ("addcmul", "addcdiv"):
        (rx, r1, r2), (tx, t1, t2) = both(arrays, "float64", requires_grad=True)
        r = getattr(rtorch, op)(rx, r1, r2, value=0.5)
        t = getattr(torch, op)(tx, t1, t2, value=0.5)
        assert type(r.grad_fn).__name__ == type(t.grad_fn).__name__
        r.sum().backward()
        t.sum().backward()
        for x, y in zip((rx, r1, r2), (tx, t1, t2)):
            close(x.grad, y.grad)
        fn = getattr(rtorch, op)
        assert rtorch.autograd.gradcheck(
            lambda a, b, c, fn=fn: fn(a, b, c, value=0.5), (rx, r1, r2)
        )


def test_addc_inplace_and_out(lib):
    x = lib.zeros(2, 3)
    x.addcmul_(lib.ones(3), lib.full((2, 1), 2.0), value=3)
    assert x.tolist() == [[6.0] * 3] * 2
    y = lib.ones(2, 3)
    y.addcdiv_(lib.ones(3), lib.full((2, 1), 4.0))
    assert y.tolist() == [[1.25] * 3] * 2


# --- var / std -------------------------------------------------------------------------


@needs_torch
@pytest.mark.parametrize("op", ["var", "std"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "shape,dim", [((5000,), None), ((7, 9), 1), ((7, 9), 0), ((3, 4, 5), (0, 2)), ((3, 4), ())]
)
@pytest.mark.parametrize("correction,keepdim", [(1, False), (0, True), (2.5, False)])
def test_var_std_values(op, dtype, shape, dim, correction, keepdim):
    a = rng.standard_normal(shape) * 3 + 1
    (r,), (t,) = both([a], dtype)
    close(
        getattr(r, op)(dim, correction=correction, keepdim=keepdim),
        getattr(t, op)(dim, correction=correction, keepdim=keepdim),
        dtype,
    )


@needs_torch
@pytest.mark.parametrize("op", ["var", "std"])
def test_var_std_edge_cases(op):
    cases = [
        ([], None, 1),  # empty: nan
        ([[]], 1, 1),
        ([3.0], None, 1),  # N - correction = 0: nan
        ([3.0, 4.0], None, 5),  # correction > N: inf
        ([1.0, np.inf], None, 1),
        ([1.0, np.nan, 2.0], None, 0),
        ([1e8 + 1, 1e8 + 2, 1e8 + 3], None, 1),  # cancellation: needs centred sums
        (np.arange(10000.0).reshape(100, 100).T.copy(), 0, 1),
    ]
    for a, dim, c in cases:
        for dtype in ("float32", "float64"):
            (r,), (t,) = both([np.asarray(a, dtype=np.float64)], dtype)
            close(getattr(r, op)(dim, correction=c), getattr(t, op)(dim, correction=c), dtype)
    # non-contiguous input, a 0-dim input, and keepdim on all dims
    a = rng.standard_normal((6, 8))
    (r,), (t,) = both([a], "float64")
    close(getattr(r.t()[::2], op)(1), getattr(t.t()[::2], op)(1))
    close(getattr(r[0, 0], op)(), getattr(t[0, 0], op)())
    close(getattr(r, op)(None, keepdim=True), getattr(t, op)(None, keepdim=True))
    for m in (rtorch, torch):
        with pytest.raises(RuntimeError):
            getattr(m.ones(3, dtype=m.int64), op)()


@needs_torch
@pytest.mark.parametrize("op", ["var", "std"])
def test_var_std_gradients(op):
    a = rng.standard_normal((4, 5))
    (r,), (t,) = both([a], "float64", requires_grad=True)
    ro, to = getattr(r, op)(1, correction=0), getattr(t, op)(1, correction=0)
    assert type(ro.grad_fn).__name__ == type(to.grad_fn).__name__
    ro.sum().backward()
    to.sum().backward()
    close(r.grad, t.grad)
    assert rtorch.autograd.gradcheck(lambda x: getattr(x, op)(0), (r,))
    assert rtorch.autograd.gradgradcheck(lambda x: getattr(x, op)(), (r,))


def test_var_long_rows_are_accurate(lib):
    # 10M float32 values around 1e4: a naive float32 sum of squares would lose it all.
    x = lib.arange(1 << 20, dtype=lib.float64).remainder(7).to(lib.float32) + 1e4
    v = float(x.var())
    expected = float(np.var(np.arange(1 << 20) % 7, ddof=1))
    assert abs(v - expected) < 1e-4 * expected


# --- cumprod backward -------------------------------------------------------------------


@needs_torch
@pytest.mark.parametrize(
    "values",
    [[2.0, 3.0, 0.5, 4.0], [2.0, 0.0, 3.0, 4.0], [0.0, 2.0, 0.0, 3.0], [1.0, 2.0, 3.0, 0.0]],
)
@pytest.mark.parametrize("create_graph", [False, True])
def test_cumprod_backward_with_zeros(values, create_graph):
    a = np.array([values, values[::-1]])
    g = rng.standard_normal(a.shape)
    grads = []
    for m in (rtorch, torch):
        x = m.tensor(a, requires_grad=True)
        (gx,) = m.autograd.grad(m.cumprod(x, 1), x, m.tensor(g), create_graph=create_graph)
        grads.append(gx)
    close(*grads)
    (x,) = both([a], "float64", requires_grad=True)[0]
    assert rtorch.autograd.gradcheck(lambda t: rtorch.cumprod(t, 1), (x,))
    assert rtorch.autograd.gradgradcheck(lambda t: rtorch.cumprod(t, 1), (x,))


def test_cumprod_backward_long_dim_is_linear(lib):
    x = (lib.rand(20000, dtype=lib.float64) + 0.5).requires_grad_()
    t0 = time.perf_counter()
    (g,) = lib.autograd.grad(lib.cumprod(x, 0).sum(), x, create_graph=True)
    (g2,) = lib.autograd.grad(g.sum(), x)
    assert g.shape == g2.shape == x.shape
    # Not a speed assertion: the quadratic path would take minutes, so it would time out.
    assert time.perf_counter() - t0 < 60


# --- broadcast_shapes ----------------------------------------------------------------


@needs_torch
@pytest.mark.parametrize(
    "shapes",
    [
        ((2, 3), (3,)),
        (3, (1, 3)),
        (),
        ((0,), (1,)),
        ([2, 1], [1, 4]),
        ((5, 1, 1), (2, 1)),
        ((True, 2),),
        (None, (2,)),
        ((8000, 8000), (1, 8000)),
    ],
)
def test_broadcast_shapes_values(shapes):
    r, t = rtorch.broadcast_shapes(*shapes), torch.broadcast_shapes(*shapes)
    assert isinstance(r, rtorch.Size)
    assert tuple(r) == tuple(t)


@needs_torch
@pytest.mark.parametrize(
    "shapes",
    [
        ((2, 3), (4,)),
        ((-1, 3),),
        ((-1, 3), (-1, 3)),
        ((2, 3), (1, -2)),
        ((2,), "a"),
        ((2,), 2.5),
        ((3,), (2, 1, 4)),
    ],
)
def test_broadcast_shapes_errors(shapes):
    errs = []
    for m in (rtorch, torch):
        with pytest.raises(Exception) as e:
            m.broadcast_shapes(*shapes)
        errs.append(e.value)
    assert type(errs[0]) is type(errs[1])
    assert str(errs[0]) == str(errs[1])


def test_broadcast_shapes_allocates_nothing(lib):
    # 8000 x 8000 float32 is 256 MB; shape arithmetic is microseconds.
    t0 = time.perf_counter()
    for _ in range(100):
        lib.broadcast_shapes((8000, 8000), (1, 8000))
    assert time.perf_counter() - t0 < 5  # generous: not a speed assertion


# --- the zero-divisor check --------------------------------------------------------------


@needs_torch
@pytest.mark.parametrize("op", ["floor_divide", "remainder", "fmod"])
def test_integer_division_by_zero(op):
    for m in (rtorch, torch):
        x = m.arange(12).reshape(3, 4)
        d = m.arange(1, 13).reshape(4, 3).t()  # strided divisor without zeros
        getattr(m, op)(x, d)
        d2 = d.clone()
        d2[2, 3] = 0  # the last element read
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            getattr(m, op)(x, d2.t().contiguous().t())
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            getattr(m, op)(x, 0)
        # a zero outside the view does not count
        base = m.arange(0, 13)
        getattr(m, op)(x, base[1:].reshape(3, 4))
        # broadcast zero divisor
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            getattr(m, op)(x, m.zeros(1, dtype=m.int64).expand(4))
        # float division by zero is fine
        getattr(m, op)(x.double(), m.zeros(4, dtype=m.float64))

"""The `_C` namespaces PyTorch has (`_nn`, `_linalg`, `_fft`) and the `_foreach_*`
functions, each against torch."""

import importlib

import numpy as np
import pytest
import rtorch
from rtorch.autograd import gradcheck

torch = pytest.importorskip("torch")


def to_torch(t, requires_grad=False):
    return torch.tensor(t.detach().numpy()).requires_grad_(requires_grad)


def close(a, b, tol=1e-5):
    a = a.detach().numpy() if isinstance(a, rtorch.Tensor) else np.asarray(a)
    b = b.detach().numpy() if isinstance(b, torch.Tensor) else np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


@pytest.mark.parametrize("name", ["_nn", "_linalg", "_fft"])
def test_submodule_importable(name):
    mod = importlib.import_module(f"rtorch._C.{name}")
    assert mod is getattr(rtorch._C, name)
    assert mod.__name__ == f"rtorch._C.{name}"


# ---------------------------------------------------------------- _nn.linear

LINEAR_CASES = [
    ((2, 3), (4, 3), (4,)),
    ((5, 2, 3), (4, 3), (4,)),
    ((2, 3), (4, 3), None),
    ((5, 2, 3), (4, 3), None),
    ((2, 3), (3,), None),
    ((2, 3), (4, 3), (2, 4)),
    ((0, 3), (4, 3), (4,)),
    ((2, 0), (4, 0), (4,)),
]


@pytest.mark.parametrize(("xs", "ws", "bs"), LINEAR_CASES)
def test_linear_matches_torch(xs, ws, bs):
    rtorch.manual_seed(0)
    x = rtorch.randn(*xs, dtype=rtorch.float64, requires_grad=True)
    w = rtorch.randn(*ws, dtype=rtorch.float64, requires_grad=True)
    b = None if bs is None else rtorch.randn(*bs, dtype=rtorch.float64, requires_grad=True)
    y = rtorch._C._nn.linear(x, w, b)
    tx, tw = to_torch(x, True), to_torch(w, True)
    tb = None if b is None else to_torch(b, True)
    ty = torch.nn.functional.linear(tx, tw, tb)
    close(y, ty)
    if y.numel():
        y.sum().backward()
        ty.sum().backward()
        close(x.grad, tx.grad)
        close(w.grad, tw.grad)
        if b is not None:
            close(b.grad, tb.grad)


def test_linear_non_contiguous_input_and_gradcheck():
    x = rtorch.randn(3, 4, 2, dtype=rtorch.float64).transpose(1, 2).requires_grad_()
    w = rtorch.randn(5, 4, dtype=rtorch.float64, requires_grad=True)
    b = rtorch.randn(5, dtype=rtorch.float64, requires_grad=True)
    close(rtorch._C._nn.linear(x, w, b), torch.nn.functional.linear(*map(to_torch, (x, w, b))))
    assert gradcheck(rtorch._C._nn.linear, (x, w, b))


def test_linear_2d_is_one_addmm():
    x = rtorch.randn(2, 3, requires_grad=True)
    w = rtorch.randn(4, 3)
    b = rtorch.randn(4)
    assert type(rtorch._C._nn.linear(x, w, b).grad_fn).__name__ == "AddmmBackward0"


@pytest.mark.parametrize(
    ("xs", "ws", "bs"), [((2, 3), (4, 5), None), ((2, 3), (4, 5), (4,)), ((2, 3), (3,), (1,))]
)
def test_linear_errors_are_torchs(xs, ws, bs):
    x, w = rtorch.randn(*xs), rtorch.randn(*ws)
    b = None if bs is None else rtorch.randn(*bs)
    with pytest.raises(RuntimeError) as ours:
        rtorch._C._nn.linear(x, w, b)
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.functional.linear(to_torch(x), to_torch(w), None if b is None else to_torch(b))
    assert str(ours.value) == str(theirs.value)


# ---------------------------------------------------------------- _linalg


def test_linalg_matmul():
    a, b = rtorch.randn(2, 3, 4), rtorch.randn(4, 5)
    close(rtorch.linalg.matmul(a, b), torch.linalg.matmul(to_torch(a), to_torch(b)))
    out = rtorch.empty(2, 3, 5)
    assert rtorch.linalg.matmul(a, b, out=out) is out
    close(out, torch.linalg.matmul(to_torch(a), to_torch(b)))


@pytest.mark.parametrize("ord", [2, 1, 3.5, float("inf"), float("-inf"), 0])
@pytest.mark.parametrize(("dim", "keepdim"), [(None, False), (1, True), ((0, 2), False)])
def test_vector_norm(ord, dim, keepdim):
    x = rtorch.randn(3, 4, 5)
    got = rtorch.linalg.vector_norm(x, ord, dim, keepdim)
    close(got, torch.linalg.vector_norm(to_torch(x), ord, dim, keepdim))


def test_vector_norm_dtype_and_errors():
    x = rtorch.randn(3, 4)
    got = rtorch.linalg.vector_norm(x, dtype=rtorch.float64)
    assert got.dtype == rtorch.float64
    close(got, torch.linalg.vector_norm(to_torch(x), dtype=torch.float64))
    # More than two dims is fine for a vector norm (it is not for Tensor.norm).
    close(rtorch.linalg.vector_norm(rtorch.ones(2, 2, 2), dim=(0, 1, 2)), np.float32(8**0.5))
    for bad in (lambda m: m.linalg.vector_norm(m.ones(3, dtype=m.int64)),):
        with pytest.raises(RuntimeError) as ours:
            bad(rtorch)
        with pytest.raises(RuntimeError) as theirs:
            bad(torch)
        assert str(ours.value) == str(theirs.value)


def test_vector_norm_grad():
    x = rtorch.randn(3, 4, dtype=rtorch.float64, requires_grad=True)
    assert gradcheck(lambda t: rtorch.linalg.vector_norm(t, 3.0, 1), (x,))


# ---------------------------------------------------------------- _foreach_*


def lists(n=3, dtype="float32", seed=0):
    rng = np.random.default_rng(seed)
    shapes = [(2,), (3, 2), ()][:n]
    arrays = [rng.uniform(0.5, 2.0, s).astype(dtype) for s in shapes]
    return [rtorch.tensor(a) for a in arrays], [torch.tensor(a) for a in arrays]


OTHERS = {
    "list": lambda m, xs: [x * 0 + 1.5 for x in xs],
    "scalar": lambda m, xs: 2.0,
    "scalars": lambda m, xs: [1.0, 2, 3.5],
    "tensor": lambda m, xs: m.tensor(0.5),
}


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "pow", "maximum", "minimum"])
@pytest.mark.parametrize("kind", OTHERS)
@pytest.mark.parametrize("inplace", [False, True])
def test_foreach_binary(op, kind, inplace):
    if op in ("maximum", "minimum") and kind != "list":
        pytest.skip("torch has only the list overload")
    if op == "pow" and kind == "tensor":
        pytest.skip("torch has no tensor overload")
    name = f"_foreach_{op}" + ("_" if inplace else "")
    xs, txs = lists()
    got = getattr(rtorch, name)(xs, OTHERS[kind](rtorch, xs))
    want = getattr(torch, name)(txs, OTHERS[kind](torch, txs))
    if inplace:
        assert got is xs
        want = txs
    else:
        assert isinstance(got, tuple)
    for g, w in zip(got, want):
        close(g, w)


@pytest.mark.parametrize("op", ["add", "sub"])
def test_foreach_alpha(op):
    xs, txs = lists()
    for f in (f"_foreach_{op}", f"_foreach_{op}_"):
        got = getattr(rtorch, f)(xs, [x * 2 for x in xs], alpha=0.5)
        want = getattr(torch, f)(txs, [x * 2 for x in txs], alpha=0.5)
        for g, w in zip(got, want):
            close(g, w)


@pytest.mark.parametrize("op", ["sqrt", "exp", "neg", "abs", "sigmoid", "reciprocal", "log"])
def test_foreach_unary(op):
    xs, txs = lists()
    for g, w in zip(getattr(rtorch, f"_foreach_{op}")(xs), getattr(torch, f"_foreach_{op}")(txs)):
        close(g, w)
    assert getattr(rtorch, f"_foreach_{op}_")(xs) is xs
    getattr(torch, f"_foreach_{op}_")(txs)
    for g, w in zip(xs, txs):
        close(g, w)


@pytest.mark.parametrize("op", ["addcmul", "addcdiv"])
@pytest.mark.parametrize("value", [None, 0.5, [1.0, 2.0, 3.0], "tensor"])
def test_foreach_addc(op, value):
    xs, txs = lists()
    t1, tt1 = lists(seed=1)
    t2, tt2 = lists(seed=2)

    def val(m):
        if value == "tensor":
            return m.tensor([1.0, 2.0, 3.0])
        return value

    for suffix in ("", "_"):
        args = () if value is None else (val(rtorch),)
        targs = () if value is None else (val(torch),)
        got = getattr(rtorch, f"_foreach_{op}{suffix}")(xs, t1, t2, *args)
        want = getattr(torch, f"_foreach_{op}{suffix}")(txs, tt1, tt2, *targs)
        for g, w in zip(got, want):
            close(g, w)


@pytest.mark.parametrize("weight", [0.25, [0.1, 0.5, 0.9], "tensors"])
def test_foreach_lerp(weight):
    xs, txs = lists()
    ends, tends = lists(seed=3)
    w = lists(seed=4)[0] if weight == "tensors" else weight
    tw = lists(seed=4)[1] if weight == "tensors" else weight
    if weight == "tensors" or isinstance(weight, list):
        # torch 2.x has the scalar-list overload only in newer releases; compare by formula.
        want = [
            x + (w_ if not isinstance(w_, float) else torch.tensor(w_)) * (e - x)
            for x, e, w_ in zip(txs, tends, tw if weight == "tensors" else weight)
        ]
    else:
        want = torch._foreach_lerp(txs, tends, tw)
    for g, v in zip(rtorch._foreach_lerp(xs, ends, w), want):
        close(g, v)
    assert rtorch._foreach_lerp_(xs, ends, w) is xs
    for g, v in zip(xs, want):
        close(g, v)


def test_foreach_zero_copy_norm():
    xs, txs = lists()
    for ord in (2, 1, float("inf")):
        for g, w in zip(rtorch._foreach_norm(xs, ord), torch._foreach_norm(txs, ord)):
            close(g, w)
    src, _ = lists(seed=5)
    assert rtorch._foreach_copy_(xs, src) is xs
    for g, s in zip(xs, src):
        close(g, s)
    assert rtorch._foreach_zero_(xs) is xs
    assert all(float(x.abs().sum()) == 0 for x in xs)


def test_foreach_sgd_step_matches_torch():
    # What torch.optim.SGD(foreach=True, momentum=0.9, weight_decay=1e-2) does per step.
    ps, tps = lists()
    gs, tgs = lists(seed=7)
    bufs, tbufs = lists(seed=8)
    for m, p, g, b in ((rtorch, ps, gs, bufs), (torch, tps, tgs, tbufs)):
        g = m._foreach_add(g, p, alpha=1e-2)
        m._foreach_mul_(b, 0.9)
        m._foreach_add_(b, g)
        m._foreach_add_(p, b, alpha=-0.1)
    for g, w in zip(ps, tps):
        close(g, w)


def test_foreach_autograd_matches_torch():
    x = rtorch.tensor([1.0, 2.0], requires_grad=True)
    tx = torch.tensor([1.0, 2.0], requires_grad=True)
    (y,) = rtorch._foreach_mul([x], 3.0)
    (ty,) = torch._foreach_mul([tx], 3.0)
    y.sum().backward()
    ty.sum().backward()
    close(x.grad, tx.grad)


ERRORS = [
    lambda m: m._foreach_add([], []),
    lambda m: m._foreach_add([m.ones(2), m.ones(3)], [m.ones(2)]),
    lambda m: m._foreach_add([m.ones(2), m.ones(3)], [1.0]),
    lambda m: m._foreach_add_([m.ones(2, dtype=m.int64)], 1.5),
    lambda m: m._foreach_mul_([m.ones(2, requires_grad=True)], 2.0),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_foreach_errors_are_torchs(case):
    with pytest.raises(RuntimeError) as ours:
        ERRORS[case](rtorch)
    with pytest.raises(RuntimeError) as theirs:
        ERRORS[case](torch)
    assert str(ours.value) == str(theirs.value)


def test_foreach_bad_operand_is_type_error():
    with pytest.raises(TypeError, match="_foreach_add"):
        rtorch._foreach_add([rtorch.ones(2)], "x")

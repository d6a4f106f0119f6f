"""`out=` (NOTE [ Writing into out ]): for factories, elementwise ops, reductions (with
`(values, indices)` pairs), cat/stack and every BLAS op, the result is written into the
given tensor and returned as it, with torch's version bump, resize warning, dtype rule and
autograd error; each case is run under both libraries and compared."""

import warnings

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = pytest.mark.skipif(
    rtorch is None or torch is None, reason="needs rtorch and torch (the oracle)"
)


def a23(m, requires_grad=False):
    return m.tensor([[1.0, -2.0, 3.0], [0.5, 4.0, -1.5]], requires_grad=requires_grad)


def b23(m):
    return m.tensor([[2.0, 1.0, -1.0], [3.0, 0.25, 2.0]])


# name -> (call(m, x, out), makes the float input `x` itself)
CASES = {
    "zeros": lambda m, x, out: m.zeros(2, 3, out=out),
    "ones": lambda m, x, out: m.ones(4, out=out),
    "full": lambda m, x, out: m.full((2, 2), 1.5, out=out),
    "arange": lambda m, x, out: m.arange(1, 7, 2, out=out),
    "linspace": lambda m, x, out: m.linspace(0, 1, 5, out=out),
    "logspace": lambda m, x, out: m.logspace(0, 2, 3, out=out),
    "eye": lambda m, x, out: m.eye(3, out=out),
    "exp": lambda m, x, out: m.exp(x, out=out),
    "neg": lambda m, x, out: m.neg(x, out=out),
    "sin": lambda m, x, out: m.sin(x, out=out),
    "abs": lambda m, x, out: m.abs(x, out=out),
    "add": lambda m, x, out: m.add(x, b23(m), alpha=2, out=out),
    "add_number_first": lambda m, x, out: m.add(2, x, out=out),
    "sub": lambda m, x, out: m.sub(x, 1.5, out=out),
    "mul": lambda m, x, out: m.mul(x, b23(m), out=out),
    "div": lambda m, x, out: m.div(x, b23(m), rounding_mode="floor", out=out),
    "pow": lambda m, x, out: m.pow(x, 2, out=out),
    "maximum": lambda m, x, out: m.maximum(x, b23(m), out=out),
    "atan2": lambda m, x, out: m.atan2(x, b23(m), out=out),
    "gt": lambda m, x, out: m.gt(x, b23(m), out=out),
    "sum": lambda m, x, out: m.sum(x, 1, out=out),
    "mean": lambda m, x, out: m.mean(x, 0, keepdim=True, out=out),
    "prod": lambda m, x, out: m.prod(x, 1, out=out),
    "amax": lambda m, x, out: m.amax(x, 1, out=out),
    "amin": lambda m, x, out: m.amin(x, (0, 1), out=out),
    "logsumexp": lambda m, x, out: m.logsumexp(x, 1, out=out),
    "cumsum": lambda m, x, out: m.cumsum(x, 1, out=out),
    "cumprod": lambda m, x, out: m.cumprod(x, 0, out=out),
    "max_other": lambda m, x, out: m.max(x, b23(m), out=out),
    "cat": lambda m, x, out: m.cat([x, b23(m)], 1, out=out),
    "stack": lambda m, x, out: m.stack([x, b23(m)], out=out),
    "mm": lambda m, x, out: m.mm(x, b23(m).t(), out=out),
    "bmm": lambda m, x, out: m.bmm(x[None], b23(m).t()[None], out=out),
    "matmul": lambda m, x, out: m.matmul(x, b23(m)[0], out=out),
    "mv": lambda m, x, out: m.mv(x, b23(m)[1], out=out),
    "dot": lambda m, x, out: m.dot(x[0], b23(m)[0], out=out),
    "outer": lambda m, x, out: m.outer(x[0], b23(m)[1], out=out),
    "addmm": lambda m, x, out: m.addmm(m.ones(2, 2), x, b23(m).t(), beta=2, out=out),
    "addmv": lambda m, x, out: m.addmv(m.ones(2), x, b23(m)[0], alpha=0.5, out=out),
    "addr": lambda m, x, out: m.addr(m.ones(3, 3), x[0], b23(m)[1], out=out),
    "addbmm": lambda m, x, out: m.addbmm(m.ones(2, 2), x[None], b23(m).t()[None], out=out),
    "baddbmm": lambda m, x, out: m.baddbmm(m.ones(1, 2, 2), x[None], b23(m).t()[None], out=out),
    "clamp": lambda m, x, out: m.clamp(x, -1, 2, out=out),
    "clip": lambda m, x, out: m.clip(x, max=2, out=out),
    "clamp_min": lambda m, x, out: m.clamp_min(x, 0.5, out=out),
    "clamp_max": lambda m, x, out: m.clamp_max(x, b23(m), out=out),
    "lerp": lambda m, x, out: m.lerp(x, b23(m), 0.25, out=out),
    "where": lambda m, x, out: m.where(x > 0, x, b23(m), out=out),
    "addcmul": lambda m, x, out: m.addcmul(x, x, b23(m), value=0.5, out=out),
    "addcdiv": lambda m, x, out: m.addcdiv(x, x, b23(m), value=2, out=out),
    "nan_to_num": lambda m, x, out: m.nan_to_num(x.log(), neginf=-9.0, out=out),
    "round_decimals": lambda m, x, out: m.round(x * 1.234, decimals=1, out=out),
    "argmax": lambda m, x, out: m.argmax(x, 1, out=out),
    "argmin": lambda m, x, out: m.argmin(x, out=out),
    "var": lambda m, x, out: m.var(x, 1, out=out),
    "std": lambda m, x, out: m.std(x, 0, correction=0, out=out),
    "norm": lambda m, x, out: m.norm(x, 1, 1, out=out),
    "softmax": lambda m, x, out: m.softmax(x, 1, out=out),
    "log_softmax": lambda m, x, out: m.log_softmax(x, 0, out=out),
    "nonzero": lambda m, x, out: m.nonzero(x > 0, out=out),
    "linalg_vector_norm": lambda m, x, out: m.linalg.vector_norm(x, 2, 1, out=out),
    "linalg_matmul": lambda m, x, out: m.linalg.matmul(x, b23(m).t(), out=out),
}


def run(m, name, out_factory):
    out = out_factory(m)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            r = CASES[name](m, a23(m), out)
        except Exception as e:  # noqa: BLE001 - the class is compared
            return ("raise", type(e)), [], out
    resized = [str(x.message).split(" (Triggered")[0] for x in w if "resized" in str(x.message)]
    assert r is out, f"{name}: the result is not the out tensor"
    return ("ok", r.detach().numpy().copy(), r.dtype, tuple(r.shape), r._version), resized, out


def expected_dtype(name):
    r = CASES[name](torch, a23(torch), None)
    return str(r.dtype).split(".")[1]


def same(got, want):
    assert got[0] == want[0], (got, want)
    if want[0] == "raise":
        assert got[1].__name__ == want[1].__name__, (got, want)
        return
    np.testing.assert_allclose(got[1], want[1], rtol=1e-6)
    assert str(got[2]) == str(want[2]) and got[3:] == want[3:], (got, want)


@pytest.mark.parametrize("name", sorted(CASES))
def test_empty_out_is_filled_and_returned(name):
    dt = expected_dtype(name)
    (got, gw, _), (want, ww, _) = (
        run(m, name, lambda m: m.empty(0, dtype=getattr(m, dt))) for m in (rtorch, torch)
    )
    same(got, want)
    assert gw == ww == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_wrong_shape_out_is_resized_with_torch_warning(name):
    dt = expected_dtype(name)
    (got, gw, _), (want, ww, _) = (
        run(m, name, lambda m: m.zeros(7, dtype=getattr(m, dt))) for m in (rtorch, torch)
    )
    same(got, want)
    assert gw == ww  # factories and addbmm resize silently; arange has its own text


@pytest.mark.parametrize("name", sorted(CASES))
def test_right_shape_strided_out_keeps_its_strides(name):
    want_r = CASES[name](torch, a23(torch), None)
    dt, shape = str(want_r.dtype).split(".")[1], tuple(want_r.shape)
    if len(shape) < 2:
        pytest.skip("needs a 2-d result to transpose")

    def out(m):
        return m.zeros(*reversed(shape), dtype=getattr(m, dt)).transpose(0, 1)

    (got, _, go), (want, _, wo) = (run(m, name, out) for m in (rtorch, torch))
    same(got, want)
    assert go.stride() == wo.stride()


@pytest.mark.parametrize("name", sorted(CASES))
def test_narrowing_dtype_is_refused(name):
    if expected_dtype(name) != "float32":
        pytest.skip("only float results narrow to an integer out")
    (got, _, _), (want, _, _) = (
        run(m, name, lambda m: m.empty(0, dtype=m.int64)) for m in (rtorch, torch)
    )
    same(got, want)


# torch lets these through with an input that requires grad and gives `out` a backward
# that raises when used; rtorch refuses, as it does for every other differentiable op.
AUTOGRAD_KNOWN = {"softmax", "log_softmax"}


@pytest.mark.parametrize("name", sorted(n for n in CASES if CASES[n].__code__.co_names))
def test_autograd_is_refused(name):
    if name in AUTOGRAD_KNOWN:
        pytest.skip("torch gives out a NotImplemented backward instead of refusing")

    def call(m):
        try:
            CASES[name](m, a23(m, requires_grad=True), m.empty(0))
        except RuntimeError as e:
            return str(e)
        return None

    got, want = call(rtorch), call(torch)
    assert (got is None) == (want is None)
    if want is not None and "don't support automatic differentiation" in want:
        assert "don't support automatic differentiation" in got
    else:
        assert got == want  # another check comes first (an index op's out dtype)


def test_max_min_with_dim_write_a_values_indices_pair():
    for m in (rtorch, torch):
        v, i = m.empty(0), m.empty(0, dtype=m.int64)
        r = m.max(a23(m), 1, out=(v, i))
        assert r.values is v and r.indices is i and r[0] is v
        assert v.tolist() == [3.0, 4.0] and i.tolist() == [2, 1]
        r = m.min(a23(m), 0, keepdim=True, out=(v, i))
        assert v.shape == (1, 3) and i.tolist() == [[1, 0, 1]]


def test_out_under_no_grad_and_aliasing_an_input():
    for m in (rtorch, torch):
        x = m.ones(3, requires_grad=True)
        with m.no_grad():
            o = m.empty(0)
            m.mul(x, 2, out=o)
        assert o.tolist() == [2.0, 2.0, 2.0] and not o.requires_grad
        y = m.tensor([1.0, 2.0, 3.0])
        m.add(y, y, out=y)  # out aliases the inputs
        assert y.tolist() == [2.0, 4.0, 6.0] and y._version == 1


def test_bad_out_is_a_type_error():
    for m in (rtorch, torch):
        for bad in ("x", [1.0], None if False else (1, 2)):
            with pytest.raises(TypeError):
                m.exp(m.ones(2), out=bad)

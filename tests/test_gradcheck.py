"""Tests for rtorch.autograd.gradcheck / gradgradcheck.

Each test runs twice: against real PyTorch standing in for rtorch (the module
is loaded by path and its ``_lib`` hook patched), and against rtorch itself
once it imports. Outcomes are compared with torch.autograd's own checks.
"""

import importlib.util
import pathlib
import re
import warnings

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOURCE = ROOT / "python" / "rtorch" / "autograd" / "_gradcheck.py"


def _load_module():
    spec = importlib.util.spec_from_file_location("_rtorch_gradcheck_test", SOURCE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reference_torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


@pytest.fixture(params=["torch", "rtorch"])
def env(request, monkeypatch):
    """(library, gradcheck module under test, True if the library is torch)."""
    module = _load_module()
    if request.param == "torch":
        torch = pytest.importorskip("torch", exc_type=ImportError)
        monkeypatch.setattr(module, "_lib", lambda: torch)
        return torch, module, True
    try:
        import rtorch
    except Exception as exc:  # noqa: BLE001 - any import failure means "not built"
        pytest.skip(f"rtorch is not importable: {exc}")
    return rtorch, module, False


def _randn(lib, *shape, seed, grad=True):
    gen = lib.Generator().manual_seed(seed)
    t = lib.randn(shape, dtype=lib.float64, generator=gen)
    return t.requires_grad_(grad)


def _functions(lib):
    """Custom autograd Functions with correct forwards and chosen backwards."""
    if not hasattr(lib.autograd, "Function"):
        pytest.skip("autograd.Function is not in rtorch yet (a later milestone)")

    class WrongSquare(lib.autograd.Function):
        # d(x^2)/dx is 2x; this claims 3x.
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x

    class SlightlyOff(lib.autograd.Function):
        # d(x^2)/dx off by 0.5%: inside rtol=1e-2, outside the default 1e-3.
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 2.01 * x

    class WrongMulSecond(lib.autograd.Function):
        # a * b with the gradient for b doubled.
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, grad):
            a, b = ctx.saved_tensors
            return grad * b, grad * a * 2

    class IgnoresGradOutput(lib.autograd.Function):
        # Identity whose backward forgets to multiply by grad_output.
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, grad):
            return lib.zeros_like(grad) + 1

    class Noisy(lib.autograd.Function):
        # Correct gradient, randomly perturbed by ~1e-9 relative on every call.
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * (2 + lib.randn(tuple(grad.shape), dtype=grad.dtype) * 1e-9)

    class CubeNoDoubleBackward(lib.autograd.Function):
        # First derivative right, but detached, so second derivative is lost.
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            x = x.detach()
            return grad * 3 * x * x

    return {
        cls.__name__: cls
        for cls in (WrongSquare, SlightlyOff, WrongMulSecond, IgnoresGradOutput)
        + (Noisy, CubeNoDoubleBackward)
    }


def _fn(lib, name):
    return _functions(lib)[name].apply


def _x(lib, seed=0, n=3):
    return _randn(lib, n, seed=seed)


def _captured(lib):
    # Ignores its argument and reads the tensor from the closure, as many
    # torch.nn tests do with module parameters.
    w = _x(lib)
    return lambda _: (w * w).sum(), (w,), {}


def _same_twice(lib):
    x = _x(lib)
    return lambda a, b: a * b.exp(), (x, x), {}


def _non_contiguous(lib):
    return _randn(lib, 3, 2, seed=6, grad=False).t().requires_grad_()


MISMATCH_00 = "Jacobian mismatch for output 0 with respect to input 0,\nnumerical:"

# name -> (builder(lib) -> (func, inputs, kwargs), expected message prefix or
# None when the check must pass)
CASES = {
    "captured_input": (_captured, None),
    "same_tensor_twice": (_same_twice, None),
    "non_contiguous_input": (
        lambda lib: (lambda a: a.sin() * 2, (_non_contiguous(lib),), {}),
        None,
    ),
    "non_contiguous_wrong_backward": (
        lambda lib: (_fn(lib, "WrongSquare"), (_non_contiguous(lib),), {}),
        MISMATCH_00,
    ),
    "sin_mul": (
        lambda lib: (lambda a, b: a.sin() * b, (_x(lib, 0), _x(lib, 1)), {}),
        None,
    ),
    "tuple_outputs": (
        lambda lib: (
            lambda a, b: (a * b, a.sum(), (a * b).exp()),
            (_x(lib, 0), _x(lib, 1)),
            {},
        ),
        None,
    ),
    "matmul": (
        lambda lib: (
            lambda a, b: a @ b,
            (_randn(lib, 2, 3, seed=2), _randn(lib, 3, 2, seed=3)),
            {},
        ),
        None,
    ),
    "non_tensor_and_frozen_args": (
        lambda lib: (
            lambda a, k, c: a * k + c,
            (_x(lib, 0), 2.5, _randn(lib, 3, seed=4, grad=False)),
            {},
        ),
        None,
    ),
    # Integer outputs have no Jacobian. (Put first, or made bool, they trip
    # torch's own gradcheck up; ours handles those too, see the test below.)
    "integer_output_ignored": (
        lambda lib: (lambda a: (a * 2, (a > 0).long()), (_x(lib),), {}),
        None,
    ),
    "unused_input": (
        lambda lib: (lambda a, b: a * 2, (_x(lib, 0), _x(lib, 1)), {}),
        None,
    ),
    "single_tensor_input": (lambda lib: (lambda a: a.exp(), _x(lib), {}), None),
    "list_inputs": (
        lambda lib: (lambda a, b: a - b, [_x(lib, 0), _x(lib, 1)], {}),
        None,
    ),
    "constant_output": (
        lambda lib: (lambda a: lib.zeros_like(a).detach(), (_x(lib),), {}),
        None,
    ),
    "fast_mode": (
        lambda lib: (lambda a: a.tanh(), (_x(lib),), {"fast_mode": True}),
        None,
    ),
    "slightly_off_within_rtol": (
        lambda lib: (_fn(lib, "SlightlyOff"), (_x(lib),), {"rtol": 1e-2}),
        None,
    ),
    "slightly_off_default_rtol": (
        lambda lib: (_fn(lib, "SlightlyOff"), (_x(lib),), {}),
        MISMATCH_00,
    ),
    "nondet_tolerated": (
        lambda lib: (_fn(lib, "Noisy"), (_x(lib),), {"nondet_tol": 1e-6}),
        None,
    ),
    "wrong_backward": (
        lambda lib: (_fn(lib, "WrongSquare"), (_x(lib),), {}),
        MISMATCH_00,
    ),
    "wrong_backward_fast_mode": (
        lambda lib: (_fn(lib, "WrongSquare"), (_x(lib),), {"fast_mode": True}),
        MISMATCH_00,
    ),
    "wrong_second_input": (
        lambda lib: (_fn(lib, "WrongMulSecond"), (_x(lib, 0), _x(lib, 1)), {}),
        "Jacobian mismatch for output 0 with respect to input 1,\nnumerical:",
    ),
    "input_index_counts_differentiable_only": (
        lambda lib: (
            lambda c, a: _fn(lib, "WrongSquare")(a) + c,
            (_randn(lib, 3, seed=5, grad=False), _x(lib)),
            {},
        ),
        MISMATCH_00,
    ),
    "wrong_second_output": (
        lambda lib: (lambda a: (a * 2, _fn(lib, "WrongSquare")(a)), (_x(lib),), {}),
        "Jacobian mismatch for output 1 with respect to input 0,\nnumerical:",
    ),
    "ignores_grad_output": (
        lambda lib: (_fn(lib, "IgnoresGradOutput"), (_x(lib, 0, n=1),), {}),
        "backward not multiplied by grad_output",
    ),
    "detached_output": (
        lambda lib: (lambda a: a.detach() * 2, (_x(lib),), {}),
        "Numerical gradient for function expected to be zero",
    ),
    "nondeterministic_backward": (
        lambda lib: (_fn(lib, "Noisy"), (_x(lib),), {}),
        "Backward is not reentrant",
    ),
}


def _outcome(check, func, inputs, kwargs):
    try:
        return check(func, inputs, **kwargs), None
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome
        return type(exc).__name__, str(exc)


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck_cases(env, name):
    lib, module, is_torch = env
    build, expected = CASES[name]
    func, inputs, kwargs = build(lib)
    result, message = _outcome(module.gradcheck, func, inputs, kwargs)
    if expected is None:
        assert (result, message) == (True, None)
    else:
        assert result == "GradcheckError", message
        assert message.startswith(expected)
        # raise_exception=False turns exactly these failures into False.
        func, inputs, kwargs = build(lib)
        assert module.gradcheck(func, inputs, raise_exception=False, **kwargs) is False

    torch = _reference_torch()
    if torch is None:
        return
    func, inputs, kwargs = build(torch)
    ref_result, ref_message = _outcome(torch.autograd.gradcheck, func, inputs, kwargs)
    assert result == ref_result
    if expected is not None:
        assert ref_message.startswith(expected)
    if expected is not None and expected.startswith("Jacobian"):
        assert message.splitlines()[0] == ref_message.splitlines()[0]
        if is_torch and "fast_mode" not in kwargs:
            # Same arithmetic, same inputs: the printed Jacobians agree too.
            assert message == ref_message


def test_bool_and_leading_integer_outputs(env):
    lib, module, _ = env
    assert module.gradcheck(lambda a: ((a > 0).long(), a * 2, a > 0), (_x(lib),))


def test_float32_input_warns(env):
    lib, module, _ = env
    x = _randn(lib, 3, seed=0).detach().float().requires_grad_()
    kwargs = {"eps": 1e-3, "atol": 1e-2, "rtol": 1e-2}
    pattern = "Input #0 requires gradient and is not a double precision"
    with pytest.warns(UserWarning, match=pattern):
        assert module.gradcheck(lambda a: a * 3, (x,), **kwargs)
    torch = _reference_torch()
    if torch is not None:
        xt = torch.randn(3).requires_grad_()
        with pytest.warns(UserWarning, match=pattern):
            torch.autograd.gradcheck(lambda a: a * 3, (xt,), **kwargs)


def test_float64_input_does_not_warn(env):
    lib, module, _ = env
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert module.gradcheck(lambda a: a * 3, (_x(lib),))


def test_no_input_requires_grad(env):
    lib, module, _ = env
    x = _randn(lib, 3, seed=0, grad=False)
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        module.gradcheck(lambda a: a * 2, (x,))
    torch = _reference_torch()
    if torch is not None:
        with pytest.raises(ValueError, match="at least one input tensor to require"):
            torch.autograd.gradcheck(lambda a: a * 2, (torch.randn(3).double(),))


@pytest.mark.parametrize(
    "option",
    [
        {"check_forward_ad": True},
        {"check_batched_grad": True},
        {"check_forward_ad": True, "check_batched_forward_grad": True},
    ],
)
def test_unsupported_options_raise(env, option):
    lib, module, _ = env
    with pytest.raises(NotImplementedError, match=next(iter(option))):
        module.gradcheck(lambda a: a * 2, (_x(lib),), **option)


def test_option_consistency_errors_match_torch(env):
    lib, module, _ = env
    bad = [
        {"check_forward_ad": False, "check_backward_ad": False},
        {"check_batched_forward_grad": True},
    ]
    torch = _reference_torch()
    for kwargs in bad:
        with pytest.raises(AssertionError):
            module.gradcheck(lambda a: a * 2, (_x(lib),), **kwargs)
        if torch is not None:
            with pytest.raises(AssertionError):
                torch.autograd.gradcheck(lambda a: a * 2, (_x(torch),), **kwargs)


def test_gradcheck_error_is_runtime_error(env):
    _, module, _ = env
    assert issubclass(module.GradcheckError, RuntimeError)


# name -> (builder(lib) -> (func, inputs, grad_outputs or None), expected prefix)
GRADGRAD_CASES = {
    "sin_mul": (
        lambda lib: (lambda a, b: a.sin() * b * a, (_x(lib, 0), _x(lib, 1)), None),
        None,
    ),
    "cube": (lambda lib: (lambda a: a * a * a, (_x(lib),), None), None),
    "tuple_outputs": (
        lambda lib: (
            lambda a, b: (a * b * b, (a * a).sum()),
            (_x(lib, 0), _x(lib, 1)),
            None,
        ),
        None,
    ),
    "explicit_grad_outputs": (
        lambda lib: (lambda a: a.exp() * a, (_x(lib),), (_randn(lib, 3, seed=7),)),
        None,
    ),
    "frozen_grad_output": (
        lambda lib: (lambda a: a.sin(), (_x(lib),), _randn(lib, 3, seed=8, grad=False)),
        None,
    ),
    "lost_double_backward": (
        lambda lib: (_fn(lib, "CubeNoDoubleBackward"), (_x(lib),), None),
        MISMATCH_00,
    ),
}


@pytest.mark.parametrize("name", sorted(GRADGRAD_CASES))
def test_gradgradcheck_cases(env, name):
    lib, module, _ = env
    build, expected = GRADGRAD_CASES[name]
    func, inputs, grads = build(lib)
    result, message = _outcome(module.gradgradcheck, func, inputs, {"grad_outputs": grads})
    if expected is None:
        assert (result, message) == (True, None)
    else:
        assert result == "GradcheckError", message
        assert message.startswith(expected)
        func, inputs, grads = build(lib)
        assert module.gradgradcheck(func, inputs, grads, raise_exception=False) is False

    torch = _reference_torch()
    if torch is not None:
        func, inputs, grads = build(torch)
        kwargs = {"grad_outputs": grads}
        ref_result, ref_message = _outcome(torch.autograd.gradgradcheck, func, inputs, kwargs)
        assert result == ref_result
        if expected is not None:
            assert message.splitlines()[0] == ref_message.splitlines()[0]


def test_gradgradcheck_is_deterministic(env):
    lib, module, _ = env
    outcomes = []
    for _ in range(2):
        func = _fn(lib, "CubeNoDoubleBackward")
        outcomes.append(_outcome(module.gradgradcheck, func, (_x(lib),), {}))
    assert outcomes[0] == outcomes[1]


def test_gradgradcheck_unsupported_and_invalid_options(env):
    lib, module, _ = env
    with pytest.raises(NotImplementedError, match="check_fwd_over_rev"):
        module.gradgradcheck(lambda a: a * a, (_x(lib),), check_fwd_over_rev=True)
    with pytest.raises(AssertionError):
        module.gradgradcheck(
            lambda a: a * a,
            (_x(lib),),
            check_rev_over_rev=False,
            check_undefined_grad=False,
        )


def test_package_source_never_imports_torch():
    text = SOURCE.read_text()
    assert not re.search(r"^\s*(import torch|from torch)\b", text, re.MULTILINE)

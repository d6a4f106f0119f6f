"""Tests for rtorch.testing.assert_close.

Each case runs against real PyTorch standing in for rtorch (the module is
loaded by path and its ``_lib`` hook patched) and against rtorch itself once
it imports. Outcomes are compared with torch.testing.assert_close.
"""

import importlib.util
import math
import pathlib
import re

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOURCE = ROOT / "python" / "rtorch" / "testing" / "__init__.py"


def _load_module():
    spec = importlib.util.spec_from_file_location("_rtorch_testing_test", SOURCE)
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
    """(library, testing module under test, True if the library is torch)."""
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


def _t(lib, values, dtype="float32", **kwargs):
    return lib.tensor(values, dtype=getattr(lib, dtype), **kwargs)


NAN, INF = math.nan, math.inf
CLOSE = "Tensor-likes are not close!\n\nMismatched elements: "
SCALARS = "Scalars are not close!\n\nExpected "

# name -> (builder(lib) -> (actual, expected, kwargs), expected outcome).
# The outcome is None for a pass, else (exception type, message prefix). The
# prefixes avoid library-specific reprs (class names, torch.Size, dtypes).
CASES = {
    "equal_float32": (lambda L: (_t(L, [1.0, 2.0]), _t(L, [1.0, 2.0]), {}), None),
    "within_float32_default": (
        lambda L: (_t(L, [1.0, 4.0]), _t(L, [1.0, 4.000001]), {}),
        None,
    ),
    "mismatch_float32": (
        lambda L: (_t(L, [1.0, 2.0, 3.0, 4.0]), _t(L, [1.0, 2.5, 3.0, 4.0]), {}),
        (
            AssertionError,
            CLOSE + "1 / 4 (25.0%)\nGreatest absolute difference: 0.5 at index (1,)"
            " (up to 1e-05 allowed)\nGreatest relative difference: 0.20000000298023224 at index (1,)"
            " (up to 1.3e-06 allowed)",
        ),
    ),
    "mismatch_float64": (
        lambda L: (_t(L, [1.0, 2.0], "float64"), _t(L, [1.0, 2.001], "float64"), {}),
        (AssertionError, CLOSE + "1 / 2 (50.0%)\nGreatest absolute difference: "),
    ),
    "mismatch_float16": (
        lambda L: (_t(L, [1.0, 4.0], "float16"), _t(L, [1.0, 4.01], "float16"), {}),
        (AssertionError, CLOSE + "1 / 2 (50.0%)"),
    ),
    "within_bfloat16_default": (
        lambda L: (_t(L, [100.0], "bfloat16"), _t(L, [101.0], "bfloat16"), {}),
        None,
    ),
    "mismatch_bfloat16": (
        lambda L: (_t(L, [1.0, 3.0], "bfloat16"), _t(L, [1.0, 3.5], "bfloat16"), {}),
        (AssertionError, CLOSE + "1 / 2 (50.0%)"),
    ),
    "mismatch_2d_index": (
        lambda L: (
            _t(L, [[1.0, 2.0], [3.0, 4.0]]),
            _t(L, [[1.0, 2.0], [3.0, 5.0]]),
            {},
        ),
        (
            AssertionError,
            CLOSE + "1 / 4 (25.0%)\nGreatest absolute difference: 1.0 at index (1, 1)",
        ),
    ),
    "mismatch_int64_exact": (
        lambda L: (_t(L, [1, 2, 3], "int64"), _t(L, [1, 2, 4], "int64"), {}),
        (
            AssertionError,
            (
                "Tensor-likes are not equal!\n\nMismatched elements: 1 / 3 (33.3%)\n"
                "Greatest absolute difference: 1 at index (2,)\n"
                "Greatest relative difference: 0.25 at index (2,)"
            ),
        ),
    ),
    "mismatch_bool": (
        lambda L: (_t(L, [True, False], "bool"), _t(L, [True, True], "bool"), {}),
        (
            AssertionError,
            "Tensor-likes are not equal!\n\nMismatched elements: 1 / 2 (50.0%)",
        ),
    ),
    "int_with_tolerance": (
        lambda L: (
            _t(L, [1, 5], "int64"),
            _t(L, [1, 7], "int64"),
            {"rtol": 0.5, "atol": 0.0},
        ),
        None,
    ),
    "shape_mismatch": (
        lambda L: (_t(L, [1.0, 2.0]), _t(L, [1.0, 2.0, 3.0]), {}),
        (AssertionError, "The values for attribute 'shape' do not match: "),
    ),
    "dtype_mismatch": (
        lambda L: (_t(L, [1.0, 2.0]), _t(L, [1.0, 2.0], "float64"), {}),
        (AssertionError, "The values for attribute 'dtype' do not match: "),
    ),
    "dtype_ignored_close": (
        lambda L: (
            _t(L, [1.0, 2.0]),
            _t(L, [1.0, 2.0000001], "float64"),
            {"check_dtype": False},
        ),
        None,
    ),
    "dtype_ignored_mismatch": (
        lambda L: (_t(L, [1, 2], "int64"), _t(L, [1.0, 2.5]), {"check_dtype": False}),
        (AssertionError, CLOSE + "1 / 2 (50.0%)\nGreatest absolute difference: 0.5"),
    ),
    "custom_tolerances_pass": (
        lambda L: (_t(L, [1.0, 2.0]), _t(L, [1.0, 2.1]), {"rtol": 0.1, "atol": 0.0}),
        None,
    ),
    "zero_tolerances_say_equal": (
        lambda L: (_t(L, [1.0, 2.0]), _t(L, [1.0, 2.1]), {"rtol": 0.0, "atol": 0.0}),
        (AssertionError, "Tensor-likes are not equal!"),
    ),
    "only_rtol_given": (
        lambda L: (_t(L, [1.0]), _t(L, [1.0]), {"rtol": 0.1}),
        (
            ValueError,
            "Both 'rtol' and 'atol' must be either specified or omitted, but got no atol.",
        ),
    ),
    "nan_not_equal": (
        lambda L: (_t(L, [1.0, NAN]), _t(L, [1.0, NAN]), {}),
        (
            AssertionError,
            CLOSE + "1 / 2 (50.0%)\nGreatest absolute difference: nan at index (1,)",
        ),
    ),
    "nan_equal_nan": (
        lambda L: (_t(L, [NAN]), _t(L, [NAN]), {"equal_nan": True}),
        None,
    ),
    "inf_equal": (lambda L: (_t(L, [INF, -INF]), _t(L, [INF, -INF]), {}), None),
    "inf_opposite": (
        lambda L: (_t(L, [INF]), _t(L, [-INF]), {}),
        (AssertionError, CLOSE + "1 / 1 (100.0%)\nGreatest absolute difference: inf"),
    ),
    "zero_expected_relative_inf": (
        lambda L: (_t(L, [1e-3, 1.0]), _t(L, [0.0, 1.0]), {}),
        (AssertionError, CLOSE + "1 / 2 (50.0%)"),
    ),
    "scalar_tensors": (
        lambda L: (_t(L, 1.5), _t(L, 1.0), {}),
        (
            AssertionError,
            SCALARS + "1.0 but got 1.5.\nAbsolute difference: 0.5 (up to 1e-05 allowed)\n"
            "Relative difference: 0.5 (up to 1.3e-06 allowed)",
        ),
    ),
    "requires_grad_tensor": (
        lambda L: (_t(L, [1.0, 2.0], requires_grad=True), _t(L, [1.0, 2.5]), {}),
        (AssertionError, CLOSE + "1 / 2 (50.0%)"),
    ),
    "empty_tensors": (lambda L: (_t(L, []), _t(L, []), {}), None),
    "python_floats_close": (lambda L: (1.0, 1.0 + 1e-8, {}), None),
    "python_floats_far": (
        lambda L: (1.0, 1.5, {}),
        (
            AssertionError,
            SCALARS + "1.5 but got 1.0.\nAbsolute difference: 0.5 (up to 1e-07 allowed)",
        ),
    ),
    "python_int_vs_float": (
        lambda L: (1, 1.0, {}),
        (
            AssertionError,
            "The (d)types do not match: <class 'int'> != <class 'float'>.",
        ),
    ),
    "python_int_vs_float_unchecked": (lambda L: (1, 1.0, {"check_dtype": False}), None),
    "python_ints": (lambda L: (1, 2, {}), (AssertionError, "Scalars are not equal!")),
    "numpy_scalar": (lambda L: (np.float64(1.0), 1.0, {}), None),
    "bools": (
        lambda L: (True, False, {}),
        (AssertionError, "Booleans mismatch: True is not False"),
    ),
    "nones": (lambda L: (None, None, {}), None),
    "none_vs_int": (
        lambda L: (None, 1, {}),
        (AssertionError, "None mismatch: None is not 1"),
    ),
    "list_of_tensors": (
        lambda L: ([_t(L, [1.0]), _t(L, [2.0])], [_t(L, [1.0]), _t(L, [3.0])], {}),
        (AssertionError, CLOSE + "1 / 1 (100.0%)"),
    ),
    "list_length": (
        lambda L: ([1, 2], [1, 2, 3], {}),
        (AssertionError, "The length of the sequences mismatch: 2 != 3"),
    ),
    "dict_values": (
        lambda L: (
            {"a": _t(L, [1.0]), "b": _t(L, [2.0])},
            {"a": _t(L, [1.0]), "b": _t(L, [2.5])},
            {},
        ),
        (AssertionError, CLOSE + "1 / 1 (100.0%)"),
    ),
    "dict_keys": (
        lambda L: ({"a": 1}, {"b": 1}, {}),
        (
            AssertionError,
            (
                "The keys of the mappings do not match:\nMissing keys in the actual mapping: "
                "['b']\nAdditional keys in the actual mapping: ['a']"
            ),
        ),
    ),
    "nested": (
        lambda L: (
            [{"x": (_t(L, [1.0, 2.0]), 3)}],
            [{"x": (_t(L, [1.0, 2.0]), 4)}],
            {},
        ),
        (AssertionError, "Scalars are not equal!"),
    ),
    "numpy_arrays_close": (
        lambda L: (np.array([1.0, 2.0]), np.array([1.0, 2.0]), {}),
        None,
    ),
    "numpy_arrays_far": (
        lambda L: (np.array([1.0, 2.0]), np.array([1.0, 2.5]), {}),
        (AssertionError, CLOSE + "1 / 2 (50.0%)"),
    ),
    "numpy_dtype_mismatch": (
        lambda L: (np.array([1.0], np.float32), np.array([1.0]), {}),
        (AssertionError, "The values for attribute 'dtype' do not match: "),
    ),
    "tensor_vs_numpy": (
        lambda L: (_t(L, [1.0]), np.array([1.0], np.float32), {}),
        (TypeError, "No comparison pair was able to handle inputs of type "),
    ),
    "tensor_vs_float": (
        lambda L: (_t(L, [1.0]), 1.0, {}),
        (TypeError, "No comparison pair was able to handle inputs of type "),
    ),
    "strings": (lambda L: ("a", "a", {}), (TypeError, "No comparison pair was able")),
    "msg_string": (
        lambda L: (_t(L, [1.0]), _t(L, [2.0]), {"msg": "custom message"}),
        (AssertionError, "custom message"),
    ),
    "msg_callable": (
        lambda L: ([_t(L, [1.0])], [_t(L, [2.0])], {"msg": lambda m: "Prefix. " + m}),
        (AssertionError, "Prefix. " + CLOSE),
    ),
    "msg_not_used_for_structure": (
        lambda L: ([1.0], [1.0, 2.0], {"msg": "custom message"}),
        (AssertionError, "The length of the sequences mismatch: 1 != 2"),
    ),
}

# Where the failing item is named at the end of the message.
ITEM_SUFFIX = {
    "list_of_tensors": "\n\nThe failure occurred for item [1]",
    "dict_values": "\n\nThe failure occurred for item ['b']",
    "nested": "\n\nThe failure occurred for item [0]['x'][1]",
    "msg_callable": "\n\nThe failure occurred for item [0]",
}


def _outcome(check, actual, expected, kwargs):
    try:
        check(actual, expected, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome
        return type(exc), str(exc)
    return None


@pytest.mark.parametrize("name", sorted(CASES))
def test_assert_close_cases(env, name):
    lib, module, is_torch = env
    build, expected = CASES[name]
    got = _outcome(module.assert_close, *build(lib))
    if expected is None:
        assert got is None
    else:
        assert got is not None, "expected a failure"
        assert got[0] is expected[0]
        assert got[1].startswith(expected[1]), got[1]
        if name in ITEM_SUFFIX:
            assert got[1].endswith(ITEM_SUFFIX[name])

    torch = _reference_torch()
    if torch is None:
        return
    ref = _outcome(torch.testing.assert_close, *build(torch))
    if ref is None or got is None:
        assert ref == got
        return
    assert got[0] is ref[0]
    if is_torch:
        assert got[1] == ref[1]
    elif "<class" not in ref[1] and "torch." not in ref[1]:
        assert got[1].splitlines()[0] == ref[1].splitlines()[0]


def test_many_random_float_cases_agree_with_torch(env):
    """Pass/fail near the tolerance boundary, for every float dtype."""
    lib, module, _ = env
    torch = pytest.importorskip("torch", exc_type=ImportError)
    rng = np.random.default_rng(0)
    for dtype in ("float16", "bfloat16", "float32", "float64"):
        for scale in (1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2):
            base = rng.standard_normal(6) * 10
            other = base * (1 + scale * rng.standard_normal(6)) + scale * rng.standard_normal(6)
            ours = _outcome(
                module.assert_close,
                _t(lib, base.tolist(), dtype),
                _t(lib, other.tolist(), dtype),
                {},
            )
            ref = _outcome(
                torch.testing.assert_close,
                _t(torch, base.tolist(), dtype),
                _t(torch, other.tolist(), dtype),
                {},
            )
            assert (ours is None) == (ref is None), (dtype, scale)
            if ours is not None:
                assert ours[1].splitlines()[:3] == ref[1].splitlines()[:3]


def test_parameter_subclass(env):
    lib, module, _ = env
    nn = getattr(lib, "nn", None)
    if nn is None or not hasattr(nn, "Parameter"):
        pytest.skip("library has no nn.Parameter")
    param, plain = nn.Parameter(_t(lib, [1.0])), _t(lib, [1.0])
    module.assert_close(param, plain)
    with pytest.raises(TypeError, match="No comparison pair"):
        module.assert_close(param, plain, allow_subclasses=False)


def test_package_source_never_imports_torch():
    text = SOURCE.read_text()
    assert not re.search(r"^\s*(import torch|from torch)\b", text, re.MULTILINE)

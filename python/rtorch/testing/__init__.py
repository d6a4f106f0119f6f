"""``rtorch.testing.assert_close``: PyTorch-compatible closeness assertions.

Values are compared in numpy. For float16/bfloat16 every arithmetic step is
done in float32 and rounded back, as PyTorch's CPU kernels do, so that both the
pass/fail decision and the numbers quoted in failure messages agree with it.
"""

import cmath
import collections.abc
import contextlib
import re

import numpy as np

__all__ = ["assert_close"]


def _lib():
    # Imported lazily: rtorch imports this module while it initialises, and
    # the tests substitute another library here.
    import rtorch

    return rtorch


# {dtype name: (rtol, atol)}; every other dtype is compared exactly.
_DEFAULT_TOLERANCES = {
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
    "complex32": (1e-3, 1e-5),
    "complex64": (1.3e-6, 1e-5),
    "complex128": (1e-7, 1e-7),
}
# Python scalars are judged like the dtype they become in a tensor.
_SCALAR_DTYPE = {int: "int64", float: "float64", complex: "complex128"}
_REDUCED = ("float16", "bfloat16")


class _Failure(Exception):
    """A user-facing failure: exception type, message and where it happened."""

    def __init__(self, exc_type, msg, path=()):
        super().__init__(msg)
        self.exc_type = exc_type
        self.msg = msg
        self.path = path

    def to_error(self, msg=None):
        if isinstance(msg, str):
            return self.exc_type(msg)
        text = self.msg
        if self.path:
            where = "".join(str([item]) for item in self.path)
            text += f"\n\nThe failure occurred for item {where}"
        return self.exc_type(msg(text) if callable(msg) else text)


def _dtype_name(dtype):
    name = str(dtype).rsplit(".", 1)[-1]
    # Like PyTorch, wide unsigned ints are compared as int64.
    return "int64" if name in ("uint16", "uint32", "uint64") else name


def _kind_size(name):
    """(0 bool / 1 integer / 2 float / 3 complex, item size) of a dtype name."""
    if name == "bool":
        return 0, 1
    kind = 1 if "int" in name else 3 if name.startswith("complex") else 2
    bits = re.search(r"\d+", name)
    return kind, int(bits.group()) // 8 if bits else 8


def _kind(name):
    return _kind_size(name)[0]


def _promote(a, b):
    """Common dtype name for values of dtypes a and b (PyTorch's rules)."""
    if a == b:
        return a
    (ka, sa), (kb, sb) = _kind_size(a), _kind_size(b)
    if ka != kb:
        hi, lo = (a, b) if ka > kb else (b, a)
        return "complex128" if _kind(hi) == 3 and lo == "float64" else hi
    if "uint8" in (a, b):  # mixed with a signed integer type
        other = b if a == "uint8" else a
        return "int16" if other == "int8" else other
    if {a, b} == set(_REDUCED):
        return "float32"
    return a if sa >= sb else b


def _tolerances(names, rtol, atol):
    if (rtol is None) != (atol is None):
        missing = "rtol" if rtol is None else "atol"
        raise _Failure(
            ValueError,
            f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {missing}.",
        )
    if rtol is not None:
        return rtol, atol
    pairs = [_DEFAULT_TOLERANCES.get(n, (0.0, 0.0)) for n in names]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _rounder(name):
    """Rounds float32 intermediates to the storage precision of `name`."""
    if name == "float16":
        return lambda x: np.asarray(x, np.float32).astype(np.float16).astype(np.float32)
    if name == "bfloat16":

        def to_bf16(x):
            x = np.asarray(x, np.float32)
            bits = x.view(np.uint32).astype(np.uint64)
            # Round to nearest even on the top 16 bits; NaNs are left alone.
            bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
            out = bits.astype(np.uint32).view(np.float32)
            return np.where(np.isnan(x), x, out)

        return to_bf16
    return lambda x: x


def _array(t, name):
    """Values of tensor t as a numpy array in (promoted) dtype `name`."""
    t = t.detach()
    if name in _REDUCED or _dtype_name(t.dtype) in _REDUCED:
        t = t.double()  # numpy has no bfloat16; float64 holds it exactly
    if hasattr(t, "cpu"):
        t = t.cpu()
    arr = np.asarray(t.numpy())
    if name in _REDUCED:
        # Kept in float32 (which holds both exactly); arithmetic on them
        # rounds back after every step, see _rounder.
        return _rounder(name)(arr.astype(np.float32))
    return arr.astype(name)


def _isclose(a, e, name, rtol, atol, equal_nan):
    with np.errstate(all="ignore"):
        close = a == e
        if equal_nan and _kind(name) >= 2:
            close |= np.isnan(a) & np.isnan(e)
        if rtol == 0 and atol == 0:
            return close
        if _kind(name) < 2:
            # With a tolerance, PyTorch measures integers in its default
            # dtype, float32; the same rounding decides borderline cases.
            a, e = a.astype(np.float32), e.astype(np.float32)
        rnd = _rounder(name)
        scalar = np.float32 if name in _REDUCED else float
        allowed = rnd(scalar(atol) + rnd(np.abs(scalar(rtol) * e)))
        error = np.abs(rnd(a - e))
        return close | (np.isfinite(error) & (error <= allowed))


def _diff_line(kind, diff, index, tol, equality):
    if index is None:
        line = f"{kind.title()} difference: {diff}"
    else:
        line = f"Greatest {kind} difference: {diff} at index {index}"
    return line if equality else f"{line} (up to {tol} allowed)"


def _mismatch_msg(identifier, extra, abs_diff, abs_idx, rel_diff, rel_idx, rtol, atol):
    equality = rtol == 0 and atol == 0
    lines = [
        f"{identifier} are not {'equal' if equality else 'close'}!",
        "",
        extra,
        _diff_line("absolute", abs_diff, abs_idx, atol, equality),
        _diff_line("relative", rel_diff, rel_idx, rtol, equality),
    ]
    return "\n".join(lines)


def _scalar_mismatch_msg(actual, expected, rtol, atol):
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    extra = f"Expected {expected} but got {actual}."
    return _mismatch_msg("Scalars", extra, abs_diff, None, rel_diff, None, rtol, atol)


def _tensor_mismatch_msg(a, e, close, name, rtol, atol):
    shape = close.shape
    total = close.size
    bad = total - int(close.sum())
    extra = f"Mismatched elements: {bad} / {total} ({bad / total:.1%})"
    a, e, close = a.reshape(-1), e.reshape(-1), close.reshape(-1)
    with np.errstate(all="ignore"):
        if _kind(name) < 2:
            # Integer differences are taken in int64; their ratio is a float32
            # (PyTorch's default dtype for true division of integers).
            abs_diff = np.abs(a.astype(np.int64) - e.astype(np.int64))
            rel_diff = abs_diff.astype(np.float32) / np.abs(e.astype(np.int64)).astype(np.float32)
        else:
            rnd = _rounder(name)
            abs_diff = np.abs(rnd(a - e))
            rel_diff = rnd(abs_diff / np.abs(e))
    # Only mismatching elements may be quoted as the greatest difference.
    abs_diff[close] = 0
    rel_diff[close] = 0
    abs_at = int(np.argmax(abs_diff))
    rel_at = int(np.argmax(rel_diff))

    def where(flat):
        return tuple(int(i) for i in np.unravel_index(flat, shape))

    return _mismatch_msg(
        "Tensor-likes",
        extra,
        abs_diff[abs_at].item(),
        where(abs_at),
        rel_diff[rel_at].item(),
        where(rel_at),
        rtol,
        atol,
    )


def _compare_none(actual, expected):
    if actual is not None or expected is not None:
        raise _Failure(AssertionError, f"None mismatch: {actual} is not {expected}")


def _compare_bools(actual, expected):
    if actual is not expected:
        raise _Failure(AssertionError, f"Booleans mismatch: {actual} is not {expected}")


def _compare_numbers(actual, expected, rtol, atol, equal_nan, check_dtype):
    if check_dtype and type(actual) is not type(expected):
        raise _Failure(
            AssertionError,
            f"The (d)types do not match: {type(actual)} != {type(expected)}.",
        )
    if actual == expected:
        return
    if equal_nan and cmath.isnan(actual) and cmath.isnan(expected):
        return
    abs_diff = abs(actual - expected)
    if cmath.isfinite(abs_diff) and abs_diff <= atol + rtol * abs(expected):
        return
    raise _Failure(AssertionError, _scalar_mismatch_msg(actual, expected, rtol, atol))


def _attribute_mismatch(attribute, actual, expected):
    return _Failure(
        AssertionError,
        f"The values for attribute '{attribute}' do not match: {actual} != {expected}.",
    )


def _compare_tensors(actual, expected, rtol, atol, options):
    if actual.shape != expected.shape:
        raise _attribute_mismatch("shape", actual.shape, expected.shape)
    layouts = (getattr(actual, "layout", None), getattr(expected, "layout", None))
    if layouts[0] != layouts[1]:
        if options["check_layout"]:
            raise _attribute_mismatch("layout", *layouts)
    elif options["check_stride"] and actual.stride() != expected.stride():
        raise _attribute_mismatch("stride()", actual.stride(), expected.stride())
    devices = (getattr(actual, "device", None), getattr(expected, "device", None))
    if options["check_device"] and devices[0] != devices[1]:
        raise _attribute_mismatch("device", *devices)
    if options["check_dtype"] and actual.dtype != expected.dtype:
        raise _attribute_mismatch("dtype", actual.dtype, expected.dtype)

    # Values of different dtypes are compared in their common dtype.
    name = _promote(_dtype_name(actual.dtype), _dtype_name(expected.dtype))
    a = _array(actual, name)
    e = _array(expected, name)
    close = _isclose(a, e, name, rtol, atol, options["equal_nan"])
    if close.all():
        return
    if a.ndim == 0:
        msg = _scalar_mismatch_msg(a.item(), e.item(), rtol, atol)
    else:
        msg = _tensor_mismatch_msg(a, e, close, name, rtol, atol)
    raise _Failure(AssertionError, msg)


def _as_tensor(lib, x):
    """x as a library tensor, or None if it cannot be one."""
    if lib.is_tensor(x):
        return x
    if isinstance(x, np.ndarray):
        dtype = getattr(lib, x.dtype.name, None)
        if dtype is None or x.dtype.kind not in "biufc":
            return None
        # Via a flat list so that empty and 0-d arrays keep their shape.
        return lib.tensor(x.reshape(-1).tolist(), dtype=dtype).reshape(x.shape)
    try:
        return lib.tensor(x)
    except (TypeError, ValueError, RuntimeError):
        return None


def _make_pair(actual, expected, options):
    """Return a zero-argument comparison for one leaf pair of inputs."""
    lib = _lib()
    if actual is None or expected is None:
        return lambda: _compare_none(actual, expected)

    bools = (bool, np.bool_)
    if isinstance(actual, bools) and isinstance(expected, bools):
        a, e = bool(actual), bool(expected)
        return lambda: _compare_bools(a, e)

    numbers = (int, float, complex, np.number)
    if isinstance(actual, numbers) and isinstance(expected, numbers):
        a, e = (x.item() if isinstance(x, np.number) else x for x in (actual, expected))
        names = [_SCALAR_DTYPE.get(type(x), "int64") for x in (a, e)]
        rtol, atol = _tolerances(names, options["rtol"], options["atol"])
        equal_nan, check_dtype = options["equal_nan"], options["check_dtype"]
        return lambda: _compare_numbers(a, e, rtol, atol, equal_nan, check_dtype)

    related = isinstance(actual, type(expected)) or isinstance(expected, type(actual))
    same_type = type(actual) is type(expected)
    if related and (options["allow_subclasses"] or same_type):
        a, e = _as_tensor(lib, actual), _as_tensor(lib, expected)
        if a is not None and e is not None:
            names = [_dtype_name(t.dtype) for t in (a, e)]
            rtol, atol = _tolerances(names, options["rtol"], options["atol"])
            return lambda: _compare_tensors(a, e, rtol, atol, options)

    raise _Failure(
        TypeError,
        "No comparison pair was able to handle inputs of type "
        f"{type(actual)} and {type(expected)}.",
    )


def _collect_pairs(actual, expected, path, options):
    """Walk sequences and mappings in step; return (path, comparison) leaves."""
    sequence = collections.abc.Sequence
    if (
        isinstance(actual, sequence)
        and isinstance(expected, sequence)
        and not isinstance(actual, str)
        and not isinstance(expected, str)
    ):
        if len(actual) != len(expected):
            raise _Failure(
                AssertionError,
                f"The length of the sequences mismatch: {len(actual)} != {len(expected)}",
                path,
            )
        pairs = []
        for i in range(len(actual)):
            pairs += _collect_pairs(actual[i], expected[i], (*path, i), options)
        return pairs

    mapping = collections.abc.Mapping
    if isinstance(actual, mapping) and isinstance(expected, mapping):
        keys, other = set(actual.keys()), set(expected.keys())
        if keys != other:
            raise _Failure(
                AssertionError,
                "The keys of the mappings do not match:\n"
                f"Missing keys in the actual mapping: {sorted(other - keys)}\n"
                f"Additional keys in the actual mapping: {sorted(keys - other)}",
                path,
            )
        # Sorted where possible so that the first reported failure is stable.
        ordered = list(keys)
        with contextlib.suppress(TypeError):
            ordered = sorted(keys)
        pairs = []
        for key in ordered:
            pairs += _collect_pairs(actual[key], expected[key], (*path, key), options)
        return pairs

    try:
        return [(path, _make_pair(actual, expected, options))]
    except _Failure as failure:
        failure.path = path
        raise


def assert_close(
    actual,
    expected,
    *,
    allow_subclasses=True,
    rtol=None,
    atol=None,
    equal_nan=False,
    check_device=True,
    check_dtype=True,
    check_layout=True,
    check_stride=False,
    msg=None,
):
    """Assert that ``actual`` and ``expected`` are close (PyTorch semantics).

    Tensors, numpy arrays, Python/numpy scalars and (nested) sequences and
    mappings of them are accepted. Two values are close when
    ``|actual - expected| <= atol + rtol * |expected|``; without explicit
    tolerances the defaults of the inputs' dtypes apply (exact for integers).
    """
    __tracebackhide__ = True
    options = {
        "allow_subclasses": allow_subclasses,
        "rtol": rtol,
        "atol": atol,
        "equal_nan": equal_nan,
        "check_device": check_device,
        "check_dtype": check_dtype,
        "check_layout": check_layout,
        "check_stride": check_stride,
    }
    try:
        pairs = _collect_pairs(actual, expected, (), options)
    except _Failure as failure:
        # Structural problems are reported as they are; `msg` only replaces
        # messages about the values themselves (as in PyTorch).
        raise failure.to_error() from None
    for path, compare in pairs:
        try:
            compare()
        except _Failure as failure:
            failure.path = path
            raise failure.to_error(msg) from None

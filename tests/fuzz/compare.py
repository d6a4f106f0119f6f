"""Comparing one step's outcome in rtorch with torch's.

Every function returns a list of ``(kind, message)`` differences; empty means equal.
Kinds: type, dtype, shape, value, stride, requires_grad, grad_fn,
exc_class, rtorch_raises, torch_raises, panic (see ``outcome_diff``).
"""

import math

import numpy as np

# Looser than test_ops: values in programs went through several ops, and reductions
# over hundreds of elements may sum in a different order than torch does.
TOL = {
    "float16": (4e-3, 4e-3),
    "bfloat16": (3e-2, 3e-2),
    "float32": (1e-5, 1e-4),
    "float64": (1e-9, 1e-9),
}
SCALAR_TOL = (1e-5, 1e-6)
# Matmul-style sums in half precision (``loose``): torch accumulates in its own order
# (addbmm_: f32 per batch, rounded to f16 between batches), and sums of a few dozen
# terms with cancellation differ by more than TOL between two valid orders.
LOOSE_TOL = {"float16": (2e-2, 2e-2), "bfloat16": (1e-1, 1e-1)}
FLOATING = {"float16", "bfloat16", "float32", "float64", "complex64", "complex128"}


def dtype_name(dtype):
    """'float32' for torch.float32, rtorch.float32, np.float32 ..."""
    return str(dtype).rsplit(".", 1)[-1].replace("'>", "")


def is_tensor(x):
    return (
        hasattr(x, "shape")
        and hasattr(x, "dtype")
        and hasattr(x, "data_ptr")
        and not isinstance(x, np.ndarray)
    )


def is_panic(exc):
    return type(exc).__name__ == "PanicException"


def exc_type(exc):
    """The closest builtin exception class (torch raises private subclasses)."""
    for cls in type(exc).__mro__:
        if cls.__module__ == "builtins":
            return cls
    return type(exc)


def to_numpy(t):
    t = t.detach()
    if dtype_name(t.dtype) == "bfloat16":
        t = t.float()
    return np.array(t.numpy(), copy=True)


def short(a, n=8):
    flat = np.asarray(a).reshape(-1)
    text = np.array2string(flat[:n], precision=6, separator=", ")
    return text + (f" ... ({flat.size} values)" if flat.size > n else "")


def array_diff(a, b, dtype, loose=False):
    """Values of two numpy arrays of the same shape; ``dtype`` names the tolerance."""
    if a.dtype.kind in "biu" and b.dtype.kind in "biu":
        if np.array_equal(a, b):
            return []
        bad = np.nonzero(a.reshape(-1) != b.reshape(-1))[0]
        return [("value", f"got {short(a)}\n  want {short(b)}  (first bad index {bad[0]})")]
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    rtol, atol = (loose and LOOSE_TOL.get(dtype)) or TOL.get(dtype, TOL["float64"])
    if np.allclose(a64, b64, rtol=rtol, atol=atol, equal_nan=True):
        return []
    close = np.isclose(a64, b64, rtol=rtol, atol=atol, equal_nan=True).reshape(-1)
    bad = np.nonzero(~close)[0]
    return [("value", f"got {short(a)}\n  want {short(b)}  (first bad index {bad[0]})")]


def exact(a, b):
    """Bit-for-bit equal values (nan equal nan, whatever its sign; -0.0 differs from 0.0).

    The sign of zero matters downstream (1/x, atan2, copysign), so it must make the
    variable inexact rather than pass silently.
    """
    if a.dtype.kind in "fc":
        return np.array_equal(a, b, equal_nan=True) and all(
            np.array_equal(x, y) for x, y in zip(_zero_signs(a), _zero_signs(b))
        )
    return np.array_equal(a, b)


def _zero_signs(a):
    """Sign bits of the non-nan values (real and imaginary parts)."""
    parts = (a.real, a.imag) if a.dtype.kind == "c" else (a,)
    return [np.signbit(p) & ~np.isnan(p) for p in parts]


def norm_strides(t, strides=None):
    """Strides (``t.stride()`` unless given) of dims that matter: size > 1; none for
    empty tensors."""
    if t.numel() == 0:
        return ()
    strides = t.stride() if strides is None else strides
    return tuple(st for sz, st in zip(t.shape, strides) if sz > 1)


def grad_fn_name(t):
    try:
        fn = t.grad_fn
    except RuntimeError as e:  # torch: a multi-output view modified in place
        return f"<raised {type(e).__name__}>"
    if fn is None:
        return None
    name = fn.name() if hasattr(fn, "name") else type(fn).__name__
    return name


def tensor_diff(got, want, meta_only=False, loose=False):
    """Differences between rtorch tensor ``got`` and torch tensor ``want``."""
    g_dt, w_dt = dtype_name(got.dtype), dtype_name(want.dtype)
    if g_dt != w_dt:
        return [("dtype", f"dtype {g_dt} != {w_dt}")]
    if tuple(got.shape) != tuple(want.shape):
        return [("shape", f"shape {tuple(got.shape)} != {tuple(want.shape)}")]
    out = []
    if not meta_only:
        out += array_diff(to_numpy(got), to_numpy(want), w_dt, loose)
    if norm_strides(got) != norm_strides(want):
        out.append(("stride", f"stride {got.stride()} != {want.stride()} (shape {want.shape})"))
    if w_dt not in FLOATING:
        # Only floating tensors can require grad; torch's integer results of in-place
        # comparisons (gt_ with a float operand that requires grad) get history anyway.
        return out
    if bool(got.requires_grad) != bool(want.requires_grad):
        out.append(("requires_grad", f"requires_grad {got.requires_grad} != {want.requires_grad}"))
    # Presence only: node names follow each library's decomposition of the op.
    g_fn, w_fn = grad_fn_name(got), grad_fn_name(want)
    if (g_fn is None) != (w_fn is None):
        out.append(("grad_fn", f"grad_fn {g_fn} != {w_fn}"))
    elif str(g_fn).startswith("Logical") and not str(w_fn).startswith("Logical"):
        # A logical op written in place into a tensor with history: torch keeps the old
        # grad_fn (known.py, "logical-inplace"); every gradient through it then differs.
        out.append(("history", f"grad_fn {g_fn} != {w_fn}"))
    return out


def scalar_diff(got, want):
    if type(got) is not type(want):
        return [("type", f"{type(got).__name__} {got!r} != {type(want).__name__} {want!r}")]
    if isinstance(want, float):
        if math.isnan(want) and math.isnan(got):
            return []
        rtol, atol = SCALAR_TOL
        if got == want or abs(got - want) <= atol + rtol * abs(want):
            return []
        return [("value", f"{got!r} != {want!r}")]
    if got != want:
        return [("value", f"{got!r} != {want!r}")]
    return []


def kind_of(x):
    if is_tensor(x):
        return "tensor"
    if isinstance(x, np.ndarray):
        return "ndarray"
    if isinstance(x, (tuple, list)):
        return "sequence"
    if isinstance(x, (bool, int, float, complex)) or x is None:
        return "scalar"
    if type(x).__name__ == "dtype":
        return "dtype"
    return "other"


def value_diff(got, want, meta_only=False, loose=False):
    """Differences between any two results (tensors, tuples, scalars, arrays)."""
    gk, wk = kind_of(got), kind_of(want)
    if gk != wk:
        return [("type", f"{type(got).__name__} != {type(want).__name__}")]
    if wk == "tensor":
        return tensor_diff(got, want, meta_only, loose)
    if wk == "ndarray":
        if got.dtype != want.dtype or got.shape != want.shape:
            return [("type", f"ndarray {got.dtype}{got.shape} != {want.dtype}{want.shape}")]
        return array_diff(got, want, want.dtype.name)
    if wk == "sequence":
        if len(got) != len(want):
            return [("shape", f"length {len(got)} != {len(want)}")]
        for i, (a, b) in enumerate(zip(got, want)):
            diffs = value_diff(a, b, meta_only, loose)
            if diffs:
                return [(k, f"[{i}] {m}") for k, m in diffs]
        return []
    if wk == "scalar":
        return scalar_diff(got, want)
    if wk == "dtype":
        if dtype_name(got) != dtype_name(want):
            return [("value", f"{got} != {want}")]
        return []
    return []


def outcome_diff(got, want):
    """``got``/``want`` are ("ok", value) or ("raised", exc) pairs; exceptions only."""
    (gs, gv), (ws, wv) = got, want
    if gs == "raised" and is_panic(gv):
        return [("panic", f"rtorch panicked: {gv}")]
    if gs == ws == "raised":
        if exc_type(gv) is not exc_type(wv):
            return [
                (
                    "exc_class",
                    (
                        f"rtorch {exc_type(gv).__name__}: {str(gv)[:200]}\n"
                        f"  torch {exc_type(wv).__name__}: {str(wv)[:200]}"
                    ),
                )
            ]
        return []
    if gs == "raised":
        return [("rtorch_raises", f"rtorch {exc_type(gv).__name__}: {str(gv)[:300]}")]
    if ws == "raised":
        return [("torch_raises", f"torch {exc_type(wv).__name__}: {str(wv)[:300]}")]
    return []


def describe(x):
    """One-line summary of a result for replay output."""
    if is_tensor(x):
        text = f"tensor{tuple(x.shape)} {dtype_name(x.dtype)} stride={x.stride()}"
        if x.requires_grad:
            text += f" grad_fn={grad_fn_name(x)}"
        try:
            text += " " + short(to_numpy(x))
        except Exception as e:  # noqa: BLE001 - printing must not fail
            text += f" <values unreadable: {e!r}>"
        return text
    if isinstance(x, (tuple, list)) and any(is_tensor(v) for v in x):
        inner = "\n    ".join(describe(v) for v in x)
        return f"{type(x).__name__} of {len(x)}:\n    {inner}"
    return f"{type(x).__name__}: {x!r}"[:400]

"""Shared pytest helpers for the rtorch test suite.

Kept deliberately small and generic so every test module can rely on it:

* ``LIB`` / the ``lib`` fixture: the library under test.  This is ``rtorch``
  when it imports; when it does not and ``RTORCH_TEST_STANDIN=torch`` is set,
  real torch stands in so the suite itself can be validated before rtorch is
  built.  ``None`` otherwise (modules using it should skip).
* ``TORCH``: real torch when installed (the oracle), else ``None``.
* ``to_numpy``, ``dtype_name``, ``is_tensor``, ``tree_map``, ``exc_type``.
"""

import os

import numpy as np
import pytest


def _import_lib():
    try:
        import rtorch

        return rtorch, False
    except ImportError:
        pass
    if os.environ.get("RTORCH_TEST_STANDIN") == "torch":
        try:
            import torch

            return torch, True
        except ImportError:
            pass
    return None, False


def _import_torch():
    try:
        import torch

        return torch
    except ImportError:
        return None


LIB, LIB_IS_STANDIN = _import_lib()
TORCH = _import_torch()


@pytest.fixture(scope="session")
def lib():
    if LIB is None:
        pytest.skip("rtorch is not importable (set RTORCH_TEST_STANDIN=torch to use torch)")
    return LIB


def dtype_name(dtype):
    """'float32' for torch.float32, rtorch.float32, np.float32 ..."""
    return str(dtype).rsplit(".", 1)[-1].replace("'>", "")


def is_tensor(x):
    # Duck-typed so the same helper works for rtorch and torch tensors
    # without importing either; numpy arrays also have shape/dtype, so exclude them.
    return (
        hasattr(x, "shape")
        and hasattr(x, "dtype")
        and hasattr(x, "data_ptr")
        and not isinstance(x, np.ndarray)
    )


def to_numpy(t):
    """Tensor -> numpy array; bfloat16 goes through float32 since numpy lacks it."""
    t = t.detach()
    if dtype_name(t.dtype) == "bfloat16":
        t = t.float()
    return np.array(t.cpu().numpy() if hasattr(t, "cpu") else t.numpy(), copy=True)


def tree_map(fn, obj):
    """Apply ``fn`` to every leaf of nested lists/tuples/dicts, keeping the containers."""
    if isinstance(obj, list):
        return [tree_map(fn, o) for o in obj]
    if isinstance(obj, tuple):
        # torch.return_types.* (structseqs) become plain tuples on purpose:
        # the values matter, not the named-tuple class.
        return tuple(tree_map(fn, o) for o in obj)
    if isinstance(obj, dict):
        return {k: tree_map(fn, v) for k, v in obj.items()}
    return fn(obj)


def tree_leaves(obj):
    out = []
    tree_map(out.append, obj)
    return out


def exc_type(exc):
    """The closest builtin exception class of ``exc``.

    torch raises private subclasses (e.g. torch._C._LinAlgError); what must
    match across libraries is the public builtin type users catch.
    """
    for cls in type(exc).__mro__:
        if cls.__module__ == "builtins":
            return cls
    return type(exc)

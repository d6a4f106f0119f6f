"""Argument checks for ops written in Python, as PyTorch's argument parser makes them.

NOTE [ Python-layer argument types ]: an op PyTorch binds through its parser rejects a
bool where it expects an int (a Python bool is an int, so plain Python code would take
it), and anything but a real bool (None, 1, 'a', a NumPy bool) where it expects a bool,
with TypeError before the op looks at any value. The ops of ``_shape``, ``_sorting`` and
``_repeat`` call these first so that a bad argument fails the same way.
"""

import operator

from ._C import Tensor


def _type_name(value):
    return type(value).__name__


def int_arg(op, name, value, *, optional=False):
    """``value`` as an int (an int, an ``__index__`` object or a 0-dim integer tensor)."""
    if value is None and optional:
        return None
    bad = value is None or isinstance(value, (bool, float))
    if isinstance(value, Tensor):
        bad = value.dim() != 0 or value.is_floating_point() or value.dtype.is_complex
        bad = bad or value.dtype == _bool_dtype()
        if not bad:
            return int(value)
    if not bad:
        try:
            return operator.index(value)
        except TypeError:
            pass
    raise TypeError(f"{op}(): argument '{name}' must be int, not {_type_name(value)}")


def float_arg(op, name, value, position=None):
    """``value`` as a float: a real number, a NumPy scalar or a 0-dim real tensor (a bool
    too, as PyTorch's parser takes it); ``position`` is the argument's place in the
    message, as PyTorch's parser prints it for a positional argument."""
    if isinstance(value, Tensor):
        if value.dim() == 0 and not value.dtype.is_complex:
            return float(value)
    elif value is not None and not isinstance(value, (str, bytes, complex)):
        try:
            return float(value)
        except (TypeError, ValueError):
            pass
    where = f" (position {position})" if position else ""
    raise TypeError(f"{op}(): argument '{name}'{where} must be float, not {_type_name(value)}")


def bool_arg(op, name, value):
    """``value`` checked to be a Python bool."""
    if not isinstance(value, bool):
        raise TypeError(f"{op}(): argument '{name}' must be bool, not {_type_name(value)}")
    return value


def tensor_arg(op, name, value, *, optional=False):
    """``value`` checked to be a Tensor (or None where ``optional``)."""
    if (value is None and optional) or isinstance(value, Tensor):
        return value
    raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {_type_name(value)}")


def _bool_dtype():
    from ._C import bool as bool_dtype

    return bool_dtype

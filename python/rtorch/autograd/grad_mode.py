"""Grad-mode context managers and decorators. The mode itself is thread-local state in the
Rust engine (`_C._set_grad_enabled`), so it holds for every op and for backward."""

import functools
import inspect

from .. import _C


class _GradModeContext:
    """A context manager that is also usable as a decorator (`@no_grad()` and `@no_grad`)."""

    def __new__(cls, orig_func=None, *args, **kwargs):
        if cls is not set_grad_enabled and callable(orig_func) and not args and not kwargs:
            return cls()(orig_func)
        return super().__new__(cls)

    def __call__(self, func):
        if inspect.isgeneratorfunction(func):
            raise TypeError(
                "rtorch: grad-mode decorators on generator functions are not supported yet"
            )

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)

        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_GradModeContext):
    """Disables gradient recording inside the block."""

    def __init__(self, orig_func=None):
        self.prev = False

    def __enter__(self):
        self.prev = _C._set_grad_enabled(False)

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev)


class enable_grad(_GradModeContext):
    """Enables gradient recording inside the block (e.g. within `no_grad`)."""

    def __init__(self, orig_func=None):
        self.prev = False

    def __enter__(self):
        self.prev = _C._set_grad_enabled(True)

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev)


class set_grad_enabled(_GradModeContext):
    """Sets grad mode now (function form) and restores the previous mode on `__exit__`."""

    def __init__(self, mode):
        self.mode = bool(mode)
        self.prev = _C._set_grad_enabled(self.mode)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev)

    def clone(self):
        return self.__class__(self.mode)


class inference_mode(_GradModeContext):
    """Disables recording inside the block, like `no_grad`, and flags inference mode
    (`is_inference_mode_enabled`); the engine records nothing while it is on, even under
    `enable_grad()`. `inference_mode(False)` turns it off and grad mode on, as in torch."""

    def __init__(self, mode=True):
        self.mode = bool(mode)
        self._guards = []

    def __new__(cls, mode=True):
        if callable(mode) and not isinstance(mode, bool):
            return cls()(mode)
        return object.__new__(cls)

    def __enter__(self):
        guard = _C._InferenceMode(self.mode)
        guard.__enter__()
        self._guards.append(guard)

    def __exit__(self, *exc):
        self._guards.pop().__exit__(*exc)

    def clone(self):
        return self.__class__(self.mode)

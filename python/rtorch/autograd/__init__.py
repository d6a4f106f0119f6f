"""`rtorch.autograd`: reverse-mode differentiation over the tape recorded by the engine."""

from .. import _C
from .._legacy import Variable
from . import graph  # noqa: F401
from .grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled

is_grad_enabled = _C.is_grad_enabled
is_inference_mode_enabled = _C.is_inference_mode_enabled


def _tensors(x):
    return [x] if isinstance(x, _C.Tensor) else list(x)


def backward(
    tensors,
    grad_tensors=None,
    retain_graph=None,
    create_graph=False,
    grad_variables=None,
    inputs=None,
):
    """Accumulates gradients of `tensors` into the `.grad` of graph leaves."""
    if grad_variables is not None:
        grad_tensors = grad_variables
    tensors = _tensors(tensors)
    if grad_tensors is not None and isinstance(grad_tensors, _C.Tensor):
        grad_tensors = [grad_tensors]
    if inputs is not None:
        inputs = _tensors(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    _C._backward(tensors, grad_tensors, retain_graph, create_graph, inputs)


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    only_inputs=True,
    allow_unused=None,
    is_grads_batched=False,
    materialize_grads=False,
):
    """Returns the gradients of `outputs` with respect to `inputs` (a tuple)."""
    if is_grads_batched:
        raise NotImplementedError("rtorch: is_grads_batched=True is not supported yet")
    outputs = _tensors(outputs)
    inputs = _tensors(inputs)
    if grad_outputs is not None and isinstance(grad_outputs, _C.Tensor):
        grad_outputs = [grad_outputs]
    allow = allow_unused or materialize_grads
    result = _C._grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow)
    if materialize_grads:
        result = tuple(g if g is not None else _C.zeros_like(i) for g, i in zip(result, inputs))
    return result


def gradcheck(*args, **kwargs):
    from ._gradcheck import gradcheck as _gradcheck

    return _gradcheck(*args, **kwargs)


def gradgradcheck(*args, **kwargs):
    from ._gradcheck import gradgradcheck as _gradgradcheck

    return _gradgradcheck(*args, **kwargs)


def __getattr__(name):
    # GradcheckError lives with gradcheck, which imports NumPy; load it on first use.
    if name == "GradcheckError":
        from ._gradcheck import GradcheckError

        return GradcheckError
    raise AttributeError(name)


__all__ = [
    "Variable",
    "backward",
    "enable_grad",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "inference_mode",
    "is_grad_enabled",
    "no_grad",
    "set_grad_enabled",
]

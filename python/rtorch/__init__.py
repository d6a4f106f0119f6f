"""rtorch: a tensor engine with a Rust core and PyTorch's Python API.

`import rtorch as torch` is meant to run PyTorch code unchanged. This module only
re-exports: the engine lives in `rtorch._C` (Rust), Python-side behaviour in the
family modules next to this file.
"""

import builtins as _builtins
from collections.abc import Sequence as _Sequence

from . import (
    _C,
    _tensor,
    accelerator,
    autograd,
    backends,
    cuda,
    linalg,
    return_types,
    signal,
    special,
)
from ._C import (
    Generator,
    Tensor,
    addbmm,
    addmm,
    addmv,
    addr,
    arange,
    as_tensor,
    baddbmm,
    bernoulli,
    bfloat16,
    bool,
    broadcast_tensors,
    bucketize,
    can_cast,
    cat,
    default_generator,
    device,
    dtype,
    empty,
    empty_like,
    empty_strided,
    eye,
    float16,
    float32,
    float64,
    from_numpy,
    full,
    full_like,
    get_default_dtype,
    get_num_interop_threads,
    get_num_threads,
    initial_seed,
    int8,
    int16,
    int32,
    int64,
    is_grad_enabled,
    is_inference_mode_enabled,
    lerp,
    linspace,
    logspace,
    manual_seed,
    multinomial,
    normal,
    ones,
    ones_like,
    poisson,
    promote_types,
    rand,
    randint,
    randn,
    randperm,
    result_type,
    searchsorted,
    seed,
    set_default_dtype,
    set_num_interop_threads,
    set_num_threads,
    stack,
    tensor,
    uint8,
    where,
    zeros,
    zeros_like,
)
from ._comparison import allclose, equal, isclose
from ._info import (
    are_deterministic_algorithms_enabled,
    finfo,
    get_default_device,
    iinfo,
    is_deterministic_algorithms_warn_only_enabled,
    set_default_device,
    use_deterministic_algorithms,
)
from ._legacy import (
    BFloat16Tensor,
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
    is_storage,
    set_default_tensor_type,
)
from ._repeat import combinations, repeat_interleave
from ._shape import (
    atleast_1d,
    atleast_2d,
    atleast_3d,
    block_diag,
    cartesian_prod,
    cdist,
    cross,
    diagflat,
    diff,
    einsum,
    fliplr,
    flipud,
    kron,
    meshgrid,
    tensordot,
    tile,
    tril_indices,
    triu_indices,
)
from ._size import Size
from ._sorting import count_nonzero, isin, unique, unique_consecutive
from ._windows import (
    bartlett_window,
    blackman_window,
    hamming_window,
    hann_window,
    kaiser_window,
)
from .autograd.grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled

__version__ = _C.__version__

# PyTorch's dtype aliases.
half = float16
float = float32
double = float64
short = int16
int = int32
long = int64
layout = type("layout", (), {"__repr__": lambda self: "torch.strided"})
strided = layout()


class memory_format:
    """PyTorch's memory formats: the stride order a fresh dense tensor gets
    (``channels_last`` is NHWC in memory for an NCHW shape). The bindings read the name."""

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return f"torch.{self._name}"


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")

concat = concatenate = cat
clip = Tensor.clip


def _function_from_method(name):
    # Calling the method descriptor with the input first is exactly torch.<name>(input, ...).
    return getattr(Tensor, name)


# Functions that are the Tensor method of the same name: every registry op that is not
# already a function above (so adding an op needs no edit here), the view functions and
# a few methods that are not registry ops.
_VIEW_FUNCTIONS = [
    "reshape",
    "transpose",
    "swapaxes",
    "permute",
    "t",
    "squeeze",
    "unsqueeze",
    "flatten",
    "unflatten",
    "narrow",
    "select",
    "split",
    "chunk",
    "unbind",
    "diagonal",
    "flip",
    "clone",
    "as_strided",
    "numel",
    "clamp_min",
    "clamp_max",
]
# Registry ops PyTorch has as methods only (no `torch.repeat`).
_METHOD_ONLY = {"repeat"}
_METHOD_FUNCTIONS = [
    op["name"]
    for op in _C.list_ops()
    if op["name"] not in globals()
    and op["name"] not in _METHOD_ONLY
    and hasattr(Tensor, op["name"])
] + _VIEW_FUNCTIONS
for _name in _METHOD_FUNCTIONS:
    globals()[_name] = _function_from_method(_name)
del _name


def _number_input(name, number, other, with_number=True, true_division=False):
    # PyTorch wraps a Python number given as `input` into a 0-dim "wrapped number" tensor,
    # which promotes like a number, not like a tensor. Python cannot make a wrapped number,
    # so the number becomes a 0-dim tensor of the dtype the operation will compute in: it
    # then promotes to exactly what the wrapped number would, and its value is converted
    # only once, as PyTorch does. A bool stays bool (the lowest category never decides the
    # result, and `sub` must still see a bool operand). with_number=False: PyTorch's
    # `Number self, Tensor other` overloads, which need a tensor `other`.
    if not _C._is_number(number):
        raise TypeError(
            f"{name}(): argument 'input' (position 1) must be Tensor, not {type(number).__name__}"
        )
    if not with_number and not isinstance(other, Tensor):
        raise TypeError(
            f"{name}() received an invalid combination of arguments - got "
            f"({type(number).__name__}, {type(other).__name__})"
        )
    dtype = result_type(number, number)
    if dtype != _C.bool and (isinstance(other, Tensor) or _C._is_number(other)):
        dtype = result_type(other, number)
        if true_division and not dtype.is_floating_point:
            dtype = get_default_dtype()  # integers divide in the default float dtype
    if dtype.is_floating_point or dtype == _C.bool:
        return full((), number, dtype=dtype)
    # An integer number wraps into a narrower integer dtype, as a wrapped number does
    # (`add(300, uint8_tensor)`); `full` would raise its overflow error.
    return full((), number, dtype=_C.int64).to(dtype)


# add, sub, mul, div, pow, remainder, floor_divide and the bitwise functions also take a
# Python number as `input`: they are `_C` functions that call `_number_input` for it.
from ._C import (
    add,
    bitwise_and,
    bitwise_left_shift,
    bitwise_or,
    bitwise_right_shift,
    bitwise_xor,
    div,
    floor_divide,
    mul,
    pow,
    remainder,
    sub,
)

# The multi-tensor ops optimizers call (`rtorch._foreach_add_(params, grads)`…).
for _name in dir(_C):
    if _name.startswith("_foreach_"):
        globals()[_name] = getattr(_C, _name)
del _name

# Common aliases of those functions.
absolute = abs
ger = outer  # noqa: F821
argwhere = Tensor.argwhere
movedim = moveaxis = Tensor.movedim
swapdims = Tensor.swapdims
multiply = mul
subtract = sub
divide = true_divide = div
negative = neg  # noqa: F821
greater = gt  # noqa: F821
greater_equal = ge  # noqa: F821
less = lt  # noqa: F821
less_equal = le  # noqa: F821
not_equal = ne  # noqa: F821
arccos = acos  # noqa: F821
arcsin = asin  # noqa: F821
arctan = atan  # noqa: F821
arctan2 = atan2  # noqa: F821


def set_printoptions(
    precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None
):
    """set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
    profile=None, sci_mode=None) -> None

    Sets how tensors print (PyTorch's options and defaults); ``profile`` is "default",
    "short" or "full".
    """
    from . import _tensor_str

    _tensor_str.set_printoptions(precision, threshold, edgeitems, linewidth, profile, sci_mode)


def is_tensor(obj):
    """is_tensor(obj) -> bool

    True if ``obj`` is a tensor (an ``rtorch.Tensor`` or a subclass).
    """
    return isinstance(obj, Tensor)


def is_floating_point(input):
    """is_floating_point(input) -> bool

    True if ``input``'s dtype is a floating-point type.
    """
    return input.is_floating_point()


def is_inference(input):
    """is_inference(input) -> bool

    True if ``input`` is an inference tensor (made in inference mode).
    """
    return input.is_inference()


def typename(obj):
    """typename(obj) -> str

    The legacy type name of a tensor (``'torch.FloatTensor'``), else the type's name.
    """
    if isinstance(obj, Tensor):
        return obj.type()
    return type(obj).__name__


def get_rng_state():
    """get_rng_state() -> Tensor

    The state of the default random stream, a uint8 tensor for ``set_rng_state``.
    """
    return default_generator().get_state()


def set_rng_state(new_state):
    """set_rng_state(new_state) -> None

    Restores the default random stream to a state from ``get_rng_state``.
    """
    default_generator().set_state(new_state)


def _sampled_like(input, fill, requires_grad, **options):
    # torch: empty_like (which checks every option and keeps the input's layout) filled
    # in place, then requires_grad.
    out = empty_like(input, **options)
    fill(out)
    return out.requires_grad_(requires_grad) if requires_grad else out


def rand_like(
    input,
    *,
    generator=None,
    dtype=None,
    layout=None,
    device=None,
    pin_memory=False,
    requires_grad=False,
    memory_format=None,
):
    """rand_like(input, *, generator=None, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False, memory_format=torch.preserve_format) -> Tensor

    ``rtorch.rand`` of ``input``'s shape (and by default dtype, device and layout).
    """
    options = {"dtype": dtype, "layout": layout, "device": device, "pin_memory": pin_memory}
    return _sampled_like(
        input,
        lambda t: t.uniform_(generator=generator),
        requires_grad,
        memory_format=memory_format,
        **options,
    )


def randn_like(
    input,
    *,
    generator=None,
    dtype=None,
    layout=None,
    device=None,
    pin_memory=False,
    requires_grad=False,
    memory_format=None,
):
    """randn_like(input, *, generator=None, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False, memory_format=torch.preserve_format) -> Tensor

    ``rtorch.randn`` of ``input``'s shape (and by default dtype, device and layout).
    """
    options = {"dtype": dtype, "layout": layout, "device": device, "pin_memory": pin_memory}
    return _sampled_like(
        input,
        lambda t: t.normal_(generator=generator),
        requires_grad,
        memory_format=memory_format,
        **options,
    )


def randint_like(
    input,
    low=0,
    high=None,
    *,
    generator=None,
    dtype=None,
    layout=None,
    device=None,
    pin_memory=False,
    requires_grad=False,
    memory_format=None,
):
    """randint_like(input, low=0, high, *, generator=None, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False, memory_format=torch.preserve_format) -> Tensor

    ``rtorch.randint(low, high)`` of ``input``'s shape (and by default dtype, device and
    layout).
    """
    if high is None:
        low, high = 0, low
    options = {"dtype": dtype, "layout": layout, "device": device, "pin_memory": pin_memory}
    return _sampled_like(
        input,
        lambda t: t.random_(low, high, generator=generator),
        requires_grad,
        memory_format=memory_format,
        **options,
    )


def broadcast_shapes(*shapes):
    """broadcast_shapes(*shapes) -> Size

    The shape that tensors of the given shapes broadcast to, without making tensors.
    """
    # Shape arithmetic only: going through broadcast_tensors allocated a tensor of every
    # shape (0.58 s and 256 MB for (8000, 8000)). Errors are torch's.
    shapes = [(s,) if isinstance(s, _builtins.int) else s for s in shapes if s is not None]
    for shape in shapes:
        if not isinstance(shape, _Sequence):
            raise RuntimeError(  # noqa: TRY004 (torch's type)
                "Input shapes should be of type ints, a tuple of ints, or a list of ints, "
                f"got {shape}"
            )
    if not shapes:
        return Size([])
    result = [1] * _builtins.max(len(shape) for shape in shapes)
    for index, shape in enumerate(shapes):
        for d in range(-1, -1 - len(shape), -1):
            n = shape[d]
            if n == result[d] or n == 1:
                continue
            if result[d] != 1:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {n} at {d}! Mismatching "
                    f"argument at index {index} had {shape}; but expected shape should be "
                    f"broadcastable to {result}"
                )
            if n < 0:
                raise ValueError("Attempting to broadcast a dimension with negative length!")
            result[d] = n
    return Size(result)


def __getattr__(name):
    # `rtorch.testing` needs NumPy; import it on first use to keep `import rtorch` fast.
    if name == "testing":
        import importlib

        return importlib.import_module(".testing", __name__)
    raise AttributeError(f"module 'rtorch' has no attribute '{name}'")

"""Numeric facts about dtypes (`finfo`, `iinfo`) and process-wide settings PyTorch
scripts set: the default device and the deterministic-algorithms flags."""

from . import _C

# (bits, eps, max, smallest normal, decimal resolution) of each floating dtype.
_FLOAT_INFO = {
    _C.float16: (16, 2.0**-10, 65504.0, 2.0**-14, 1e-3),
    _C.bfloat16: (16, 2.0**-7, 3.3895313892515355e38, 2.0**-126, 1e-2),
    _C.float32: (32, 2.0**-23, 3.4028234663852886e38, 2.0**-126, 1e-6),
    _C.float64: (64, 2.0**-52, 1.7976931348623157e308, 2.0**-1022, 1e-15),
}
_INT_INFO = {
    _C.uint8: (8, 0, 255),
    _C.int8: (8, -128, 127),
    _C.int16: (16, -(2**15), 2**15 - 1),
    _C.int32: (32, -(2**31), 2**31 - 1),
    _C.int64: (64, -(2**63), 2**63 - 1),
}


def _short(dtype):
    return str(dtype).rsplit(".", 1)[-1]


class finfo:
    """finfo(type=None) -> finfo

    The numeric limits of a floating-point dtype (the default dtype when None):
    ``bits``, ``eps`` (the gap after 1.0), ``max``, ``min`` (``-max``), ``tiny`` and
    ``smallest_normal`` (the smallest positive normal number), ``resolution`` (the
    decimal resolution, ``10 ** -precision``) and ``dtype`` (its short name).
    """

    def __init__(self, type=None):
        dtype = _C.get_default_dtype() if type is None else type
        if dtype not in _FLOAT_INFO:
            raise TypeError(
                "torch.finfo() requires a floating point input type. Use torch.iinfo to "
                "handle 'torch.finfo'"
            )
        self.bits, self.eps, self.max, self.smallest_normal, self.resolution = _FLOAT_INFO[dtype]
        self.min = -self.max
        self.tiny = self.smallest_normal
        self.dtype = _short(dtype)

    def __eq__(self, other):
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))

    def __repr__(self):
        return (
            f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
            f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
            f"tiny={self.tiny:g}, dtype={self.dtype})"
        )


class iinfo:
    """iinfo(type) -> iinfo

    The limits of an integer dtype: ``bits``, ``min``, ``max`` and ``dtype`` (its short
    name).
    """

    def __init__(self, type):
        if type == _C.bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if type not in _INT_INFO:
            raise TypeError(
                "torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                "'torch.iinfo'"
            )
        self.bits, self.min, self.max = _INT_INFO[type]
        self.dtype = _short(type)

    def __eq__(self, other):
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("iinfo", self.dtype))

    def __repr__(self):
        # PyTorch prints the limits with `g` too: int32's max is 2.14748e+09.
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


# NOTE [ Default device ]: rtorch records the default device and hands it back, so code
# that sets and reads it runs; the factories themselves place tensors on the CPU unless
# given `device=`, because the CPU is the only device with kernels today.
_default_device = None


def set_default_device(device):
    """set_default_device(device) -> None

    Records ``device`` (a device, a string, an int or None) as the default device; see
    NOTE [ Default device ] for what reads it.
    """
    global _default_device
    if device is None:
        _default_device = None
        return
    if isinstance(device, int):
        device = f"cuda:{device}"
    _default_device = _C.device(device) if not isinstance(device, _C.device) else device


def get_default_device():
    """get_default_device() -> device

    The device recorded by ``set_default_device`` (``cpu`` when none was).
    """
    return _default_device if _default_device is not None else _C.device("cpu")


# Every rtorch CPU kernel gives the same bits run to run (one fixed reduction order per
# shape and thread count), so these flags change nothing yet; they are kept for the code
# that reads them back and for the CUDA backend to come.
_deterministic = {"mode": False, "warn_only": False}


def use_deterministic_algorithms(mode, *, warn_only=False):
    """use_deterministic_algorithms(mode, *, warn_only=False) -> None

    Records whether ops must use deterministic algorithms (and only warn when one has
    none). rtorch's CPU kernels are deterministic already.
    """
    for name, value, pos in (("mode", mode, " (position 1)"), ("warn_only", warn_only, "")):
        if not isinstance(value, bool):
            raise TypeError(
                f"_set_deterministic_algorithms(): argument '{name}'{pos} must be bool, "
                f"not {type(value).__name__}"
            )
    _deterministic["mode"] = mode
    _deterministic["warn_only"] = warn_only


def are_deterministic_algorithms_enabled():
    """are_deterministic_algorithms_enabled() -> bool

    The mode ``use_deterministic_algorithms`` set (False by default).
    """
    return _deterministic["mode"]


def is_deterministic_algorithms_warn_only_enabled():
    """is_deterministic_algorithms_warn_only_enabled() -> bool

    The ``warn_only`` flag ``use_deterministic_algorithms`` set (False by default).
    """
    return _deterministic["warn_only"]
